/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapi_logger: a call logger as Windows TAPI programs write them.
 *
 *   lineInitializeEx (USEEVENT), lineOpen with MONITOR privilege, then
 *   lineGetNewCalls (two passes) for the calls that began before the line
 *   was open; every other call comes with LINE_APPNEWCALL (MONITOR).  When
 *   a call is IDLE: lineGetCallInfo (two passes) and one "log:" line
 *   (caller, called, origin, the application's name, owners, monitors),
 *   then lineDeallocateCall.  After COUNT calls logged, lineClose and
 *   lineShutdown.
 *
 * Usage: tapi_logger [DEVICE [COUNT [TIMEOUT_S]]]
 *   defaults: device 1, one call, 30 s without a message.
 * It prints "logger: ready" once lineGetNewCalls is done.
 */
#include <windows.h>
#include <tapi.h>
#include "tapitest.h"

#define MAX_CALLS 16

static HCALL calls[MAX_CALLS];

static BOOL add_call(HCALL hCall)
{
	int i;

	for (i = 0; i < MAX_CALLS; i++) {
		if (calls[i] == hCall)
			return TT_EXPECT(0, "hCall 0x%x given twice",
					 (unsigned int)hCall);
	}
	for (i = 0; i < MAX_CALLS; i++) {
		if (!calls[i]) {
			calls[i] = hCall;
			return TRUE;
		}
	}
	return TT_EXPECT(0, "more than %d calls", MAX_CALLS);
}

static int find_call(HCALL hCall)
{
	int i;

	for (i = 0; hCall && i < MAX_CALLS; i++) {
		if (calls[i] == hCall)
			return i;
	}
	return -1;
}

int main(int argc, char **argv)
{
	HLINEAPP hLineApp;
	HLINE hLine = 0;
	DWORD dwDeviceID, dwCount, dwTimeout, dwLogged = 0, dwAPIVersion, i;
	LINEMESSAGE msg;
	LPLINECALLLIST list;
	LPLINECALLINFO info;
	LINECALLSTATUS status;
	LONG rc;
	int slot;

	tt_setup("logger");
	dwDeviceID = tt_arg(argc, argv, 1, 1);
	dwCount = tt_arg(argc, argv, 2, 1);
	dwTimeout = tt_arg(argc, argv, 3, 30);

	if (!tt_open("tapi-logger", dwDeviceID, LINECALLPRIVILEGE_MONITOR,
		     &hLineApp, &hLine, &dwAPIVersion))
		return tt_end(hLine, hLineApp);

	/* The calls already on the line are not announced: ask for them. */
	list = tt_get_new_calls(hLine);
	if (list) {
		const HCALL *h = (const HCALL *)((const BYTE *)list + list->dwCallsOffset);

		TT_PRINTF("lineGetNewCalls: %lu calls",
			  (unsigned long)list->dwCallsNumEntries);
		for (i = 0; i < list->dwCallsNumEntries; i++) {
			ZeroMemory(&status, sizeof(status));
			status.dwTotalSize = sizeof(status);
			rc = lineGetCallStatus(h[i], &status);
			TT_PRINTF("lineGetNewCalls: hCall 0x%x %s privilege %s",
				  (unsigned int)h[i], tt_state_name(status.dwCallState),
				  tt_priv_name(status.dwCallPrivilege));
			TT_EXPECT(!rc && status.dwCallPrivilege ==
				  LINECALLPRIVILEGE_MONITOR,
				  "lineGetCallStatus of a new call: %s",
				  tt_err_name(rc));
			add_call(h[i]);
		}
		free(list);
	}
	TT_PRINTF("ready");

	while (dwLogged < dwCount && tt_next_message(hLineApp, &msg, dwTimeout)) {
		switch (msg.dwMessageID) {
		case LINE_APPNEWCALL:
			TT_EXPECT(msg.hDevice == hLine &&
				  msg.dwParam3 == LINECALLPRIVILEGE_MONITOR,
				  "LINE_APPNEWCALL's hLine or privilege");
			add_call((HCALL)msg.dwParam2);
			break;
		case LINE_CALLSTATE:
			slot = find_call(msg.hDevice);
			if (!TT_EXPECT(slot >= 0, "LINE_CALLSTATE of unknown hCall 0x%x",
				       (unsigned int)msg.hDevice))
				break;
			if (msg.dwParam1 != LINECALLSTATE_IDLE)
				break;
			info = tt_get_call_info(msg.hDevice);
			if (info) {
				tt_print_call_info("log", info);
				free(info);
			}
			rc = lineDeallocateCall(msg.hDevice);
			TT_PRINTF("lineDeallocateCall: %s", tt_err_name(rc));
			TT_EXPECT(!rc, "lineDeallocateCall");
			calls[slot] = 0;
			dwLogged++;
			break;
		default:
			break;
		}
	}
	TT_EXPECT(dwLogged == dwCount, "%lu of %lu calls logged",
		  (unsigned long)dwLogged, (unsigned long)dwCount);
	return tt_end(hLine, hLineApp);
}
