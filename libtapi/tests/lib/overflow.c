/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OVERFLOW (VM, "modprobe ktapi lines=2 event_queue_len=8"): the callback
 * sleeps in its first message while 6 calls from line 0 to line 1 ring,
 * so the kernel drops CALLSTATE records of the full rings; libtapi reads
 * the OVERFLOW and reports each call's current state: every outgoing
 * call's last LINE_CALLSTATE is RINGBACK, every incoming one's OFFERING.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <tapi.h>

#define N 6

static HLINE l0, l1;
static HCALL in[N + 4];
static DWORD in_state[N + 4], out_state[N + 4];
static HCALL out[N];
static volatile int msgs, slept;

static void CALLBACK cb(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1,
			DWORD_PTR p2, DWORD_PTR p3)
{
	int i;

	(void)inst; (void)p3;
	if (!slept) {
		slept = 1;
		Sleep(1500);	/* the rings fill meanwhile */
	}
	msgs++;
	if (msg == LINE_APPNEWCALL) {
		for (i = 0; i < N + 4 && in[i]; i++)
			;
		if (i < N + 4)
			in[i] = (HCALL)p2;
	}
	if (msg != LINE_CALLSTATE)
		return;
	for (i = 0; i < N + 4; i++)
		if (in[i] == dev)
			in_state[i] = (DWORD)p1;
	for (i = 0; i < N; i++)
		if (out[i] == dev)
			out_state[i] = (DWORD)p1;
}

int main(void)
{
	HLINEAPP app;
	DWORD ndev;
	int i, bad = 0;

	lineInitialize(&app, NULL, cb, "overflow", &ndev);
	lineOpen(app, 1, &l1, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	lineOpen(app, 0, &l0, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_NONE, 0, NULL);
	for (i = 0; i < N; i++)
		lineMakeCall(l0, &out[i], "1001", 0, NULL);
	Sleep(3000);
	printf("%d messages\n", msgs);
	for (i = 0; i < N; i++) {
		printf("out %d: hCall %lu last state %#lx\n", i,
		       (unsigned long)out[i], (unsigned long)out_state[i]);
		bad |= out_state[i] != LINECALLSTATE_RINGBACK;
	}
	for (i = 0; i < N; i++) {
		printf("in %d: hCall %lu last state %#lx\n", i,
		       (unsigned long)in[i], (unsigned long)in_state[i]);
		bad |= in_state[i] != LINECALLSTATE_OFFERING;
	}
	lineShutdown(app);
	printf(bad ? "FAILED\n" : "PASSED\n");
	return bad;
}
