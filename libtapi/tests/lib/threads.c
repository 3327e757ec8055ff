/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Threads (VM, loopback lines 0 and 1): four threads call TAPI functions
 * at once (lineMakeCall, lineGetCallStatus, lineGetCallInfo,
 * lineGetDevCaps, lineDrop, lineDeallocateCall) while the callback
 * answers, drops and deallocates from inside; then lineShutdown while
 * they still run.  Passes when it ends (no deadlock: alarm(60) kills it
 * otherwise) and every call returned a TAPI value.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>
#include <tapi.h>

static HLINEAPP app;
static HLINE l0, l1;
static volatile int stop, cbs;
static volatile HCALL recent[64];

static void CALLBACK cb(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1,
			DWORD_PTR p2, DWORD_PTR p3)
{
	(void)inst; (void)p3;
	cbs++;
	if (msg == LINE_APPNEWCALL)
		recent[p2 % 64] = (HCALL)p2;
	if (msg != LINE_CALLSTATE)
		return;
	recent[dev % 64] = dev;
	if (p1 == LINECALLSTATE_OFFERING)
		lineAnswer(dev, NULL, 0);
	else if (p1 == LINECALLSTATE_CONNECTED || p1 == LINECALLSTATE_DISCONNECTED)
		lineDrop(dev, NULL, 0);
	else if (p1 == LINECALLSTATE_IDLE)
		lineDeallocateCall(dev);
	(void)p2;
}

static int is_tapi(LONG r)
{
	return r >= 0 || (r >= (LONG)0x80000001 && r <= (LONG)0x80000060);
}

static volatile int odd;

static void *worker(void *arg)
{
	long n = (long)arg, i = 0;
	HCALL out;

	while (!stop) {
		LINECALLSTATUS cs;
		LINECALLINFO ci;
		LINEDEVCAPS dc;
		HCALL c = recent[(i + n) % 64];
		LONG r;

		memset(&cs, 0, sizeof(cs));
		cs.dwTotalSize = sizeof(cs);
		memset(&ci, 0, sizeof(ci));
		ci.dwTotalSize = sizeof(ci);
		memset(&dc, 0, sizeof(dc));
		dc.dwTotalSize = sizeof(dc);
		switch ((i + n) % 5) {
		case 0: r = lineMakeCall(l0, &out, "1001", 0, NULL); break;
		case 1: r = lineGetCallStatus(c, &cs); break;
		case 2: r = lineGetCallInfo(c, &ci); break;
		case 3: r = lineGetDevCaps(app, 1, TAPI_CURRENT_VERSION, 0, &dc); break;
		default: r = i % 2 ? lineDrop(c, NULL, 0) : lineDeallocateCall(c); break;
		}
		if (!is_tapi(r))
			odd = 1;
		i++;
		if (i % 8 == 0)
			usleep(1000);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	DWORD ndev;
	long i;

	alarm(60);
	lineInitialize(&app, NULL, cb, "threads", &ndev);
	lineOpen(app, 1, &l1, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	lineOpen(app, 0, &l0, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_NONE, 0, NULL);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	sleep(3);
	/* Shut down while the workers still call. */
	printf("lineShutdown: %lx\n", (unsigned long)(DWORD)lineShutdown(app));
	usleep(200000);
	stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("%d callbacks, %s\n", cbs, odd ? "a non-TAPI return value" : "every return a TAPI value");
	printf(odd || cbs < 10 ? "FAILED\n" : "PASSED\n");
	return odd || cbs < 10;
}
