/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Memory and threads (VM, loopback lines 0 and 1): a program that never
 * deallocates its calls gets all of its heap back at lineClose and at
 * lineShutdown, with USEEVENT and with the callback thread; TAPI
 * functions called from inside the callback (lineShutdown too) do not
 * deadlock.  Heap in use is glibc's mallinfo2().uordblks, with one arena
 * (M_ARENA_MAX 1: mallinfo2 counts the main arena only, and the pump
 * thread would get one of its own), after a first round that lets glibc
 * make what it keeps for good (the cached thread stack's TLS).  Run it
 * with GLIBC_TUNABLES=glibc.malloc.tcache_count=0: chunks in glibc's
 * thread caches count as in use.  "Every byte back" is "not one byte
 * more than before" (glibc may hand back a little more).
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <tapi.h>

static int failed, warming;

static size_t heap(void)
{
	return mallinfo2().uordblks;
}

/* In the warm-up rounds a result is only shown. */
#define CHECK(cond, ...) do { \
	if (!(cond)) { failed |= !warming; printf("%s", warming ? "warm-up: " : "FAIL: "); } \
	else printf("ok: "); \
	printf(__VA_ARGS__); \
	printf("\n"); } while (0)

/* USEEVENT: N calls 0 -> 1 answered, never deallocated. */
static void calls(HLINEAPP app, HANDLE ev, HLINE l0, int n)
{
	LINEMESSAGE m;
	HCALL out[64];
	int i, got = 0;

	for (i = 0; i < n; i++)
		lineMakeCall(l0, &out[i], "1001", 0, NULL);
	/* Read until quiet: replies, offers; answer every offer. */
	while (WaitForSingleObject(ev, 500) == WAIT_OBJECT_0 &&
	       lineGetMessage(app, &m, 0) == 0) {
		got++;
		if (m.dwMessageID == LINE_CALLSTATE &&
		    m.dwParam1 == LINECALLSTATE_OFFERING)
			lineAnswer((HCALL)m.hDevice, NULL, 0);
	}
	printf("  %d messages\n", got);
}

/* Opens lines 1 (OWNER) and 0, makes 20 calls, never deallocates. */
static void open_and_call(HLINEAPP app, HANDLE ev, DWORD ver, HLINE *l0,
			  HLINE *l1)
{
	lineOpen(app, 1, l1, ver, 0, 0, LINECALLPRIVILEGE_OWNER,
		 LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	lineOpen(app, 0, l0, ver, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL);
	calls(app, ev, *l0, 20);
}

static void event_round(int close_first)
{
	LINEINITIALIZEEXPARAMS p;
	DWORD ndev, ver = TAPI_CURRENT_VERSION;
	HLINEAPP app;
	HLINE l0, l1;
	size_t before, mid;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	before = heap();
	lineInitializeEx(&app, NULL, NULL, "leak", &ndev, &ver, &p);
	if (close_first) {
		/*
		 * The pump thread's first malloc makes glibc's per-thread
		 * cache (freed when the thread ends, at lineShutdown): one
		 * open/close cycle first, then lineClose must give back
		 * everything the lines took.
		 */
		open_and_call(app, p.Handles.hEvent, ver, &l0, &l1);
		lineClose(l0);
		lineClose(l1);
		mid = heap();
		open_and_call(app, p.Handles.hEvent, ver, &l0, &l1);
		lineClose(l0);
		lineClose(l1);
		CHECK(heap() <= mid, "USEEVENT: lineClose gives back every byte (%zd left)",
		      (ssize_t)(heap() - mid));
	} else {
		open_and_call(app, p.Handles.hEvent, ver, &l0, &l1);
	}
	lineShutdown(app);
	CHECK(heap() <= before, "USEEVENT%s: lineShutdown gives back every byte (%zd left)",
	      close_first ? "" : " without lineClose", (ssize_t)(heap() - before));
}

static HLINEAPP capp;
static volatile int cb_calls, cb_shutdown_rc = 1, cb_done;

static void CALLBACK cb(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1,
			DWORD_PTR p2, DWORD_PTR p3)
{
	LINECALLSTATUS cs;

	(void)inst; (void)p2; (void)p3;
	cb_calls++;
	if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_OFFERING)
		lineAnswer(dev, NULL, 0);
	if (msg == LINE_CALLSTATE) {
		memset(&cs, 0, sizeof(cs));
		cs.dwTotalSize = sizeof(cs);
		lineGetCallStatus(dev, &cs);
	}
	/* The last call connected: shut down from inside the callback. */
	if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_CONNECTED &&
	    cb_calls > 60 && !cb_done) {
		cb_done = 1;
		cb_shutdown_rc = lineShutdown(capp);
	}
}

static void callback_round(int shutdown_inside)
{
	DWORD ndev;
	HLINE l0, l1;
	HCALL out[20];
	size_t before;
	int i;

	before = heap();
	cb_calls = 0;
	cb_done = !shutdown_inside;
	lineInitialize(&capp, NULL, cb, "leakcb", &ndev);
	lineOpen(capp, 1, &l1, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	lineOpen(capp, 0, &l0, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_NONE, 0, NULL);
	for (i = 0; i < 20; i++)
		lineMakeCall(l0, &out[i], "1001", 0, NULL);
	for (i = 0; i < 100 && (shutdown_inside ? cb_shutdown_rc != 0 : cb_calls < 100); i++)
		Sleep(50);
	printf("  %d callbacks\n", cb_calls);
	if (shutdown_inside) {
		CHECK(cb_shutdown_rc == 0, "lineShutdown inside the callback returns 0");
		Sleep(200);	/* the pump thread ends and frees the app */
		CHECK(lineClose(l0) == (LONG)LINEERR_UNINITIALIZED,
		      "after it, the lines are gone (UNINITIALIZED)");
	} else {
		CHECK(lineShutdown(capp) == 0, "lineShutdown with the callback thread");
	}
	CHECK(heap() <= before, "callback%s: every byte back (%zd left)",
	      shutdown_inside ? ", shutdown inside" : "", (ssize_t)(heap() - before));
}

int main(void)
{
	mallopt(M_ARENA_MAX, 1);
	/* Warm up stdio and the thread machinery once. */
	printf("leak test (warm-up rounds first)\n");
	warming = 1;
	event_round(1);
	callback_round(0);
	printf("measured rounds:\n");
	warming = 0;
	event_round(1);
	event_round(1);
	event_round(0);
	callback_round(0);
	callback_round(1);
	callback_round(0);
	printf(failed ? "FAILED\n" : "PASSED\n");
	return failed;
}
