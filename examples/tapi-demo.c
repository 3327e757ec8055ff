/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapi-demo: a TAPI program as it is written for Windows.  It calls line
 * device 1 (address "1001") from line device 0 and answers the call
 * itself on line 1, prints every message, hangs up once both sides are
 * CONNECTED, and frees everything.  On Linux, over ktapi's loopback:
 *
 *   cc tapi-demo.c $(pkg-config --cflags --libs libtapi)
 */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

static const char *state(DWORD s)
{
	switch (s) {
	case LINECALLSTATE_IDLE: return "IDLE";
	case LINECALLSTATE_OFFERING: return "OFFERING";
	case LINECALLSTATE_DIALING: return "DIALING";
	case LINECALLSTATE_RINGBACK: return "RINGBACK";
	case LINECALLSTATE_CONNECTED: return "CONNECTED";
	case LINECALLSTATE_DISCONNECTED: return "DISCONNECTED";
	default: return "other";
	}
}

int main(void)
{
	LINEINITIALIZEEXPARAMS params = { sizeof(params), 0, 0,
		LINEINITIALIZEEXOPTION_USEEVENT, { NULL }, 0 };
	DWORD dwNumDevs, dwAPIVersion = TAPI_CURRENT_VERSION;
	HLINEAPP hLineApp;
	HLINE hLine0, hLine1;
	HCALL hCall = 0, hIncoming = 0;
	LINEMESSAGE msg;
	LONG lMakeCall;
	int idle = 0;

	if (lineInitializeEx(&hLineApp, NULL, NULL, "tapi-demo", &dwNumDevs,
			     &dwAPIVersion, &params))
		return 1;
	if (lineOpen(hLineApp, 0, &hLine0, dwAPIVersion, 0, 0, LINECALLPRIVILEGE_NONE,
		     LINEMEDIAMODE_INTERACTIVEVOICE, NULL) ||
	    lineOpen(hLineApp, 1, &hLine1, dwAPIVersion, 0, 0, LINECALLPRIVILEGE_OWNER,
		     LINEMEDIAMODE_INTERACTIVEVOICE, NULL))
		return 1;
	/* Asynchronous: hCall is written when LINE_REPLY says it worked. */
	lMakeCall = lineMakeCall(hLine0, &hCall, "1001", 0, NULL);
	if (lMakeCall <= 0)
		return 1;
	printf("lineMakeCall: request %ld\n", (long)lMakeCall);

	while (idle < 2 && !lineGetMessage(hLineApp, &msg, 5000)) {
		switch (msg.dwMessageID) {
		case LINE_REPLY:
			printf("LINE_REPLY       request %lu: %s\n",
			       (unsigned long)msg.dwParam1,
			       msg.dwParam2 ? "failed" : "ok");
			break;
		case LINE_APPNEWCALL:
			hIncoming = (HCALL)msg.dwParam2;
			printf("LINE_APPNEWCALL  line 1: new call, we own it\n");
			break;
		case LINE_CALLSTATE:
			printf("LINE_CALLSTATE   %s call: %s\n",
			       msg.hDevice == hCall ? "outgoing" : "incoming",
			       state((DWORD)msg.dwParam1));
			if (msg.hDevice == hIncoming &&
			    msg.dwParam1 == LINECALLSTATE_OFFERING)
				lineAnswer(hIncoming, NULL, 0);
			else if (msg.hDevice == hCall &&
				 msg.dwParam1 == LINECALLSTATE_CONNECTED)
				lineDrop(hCall, NULL, 0);
			else if (msg.hDevice == hIncoming &&
				 msg.dwParam1 == LINECALLSTATE_DISCONNECTED)
				lineDrop(hIncoming, NULL, 0);
			else if (msg.dwParam1 == LINECALLSTATE_IDLE) {
				lineDeallocateCall((HCALL)msg.hDevice);
				idle++;
			}
			break;
		}
	}
	lineClose(hLine0);
	lineClose(hLine1);
	lineShutdown(hLineApp);
	printf("%s\n", idle == 2 ? "done: both calls IDLE" : "the call did not end");
	return idle == 2 ? 0 : 1;
}
