/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapi_answerer: answers incoming calls as a Windows TAPI program does,
 * and prints every message it gets.
 *
 *   lineInitializeEx (USEEVENT), lineOpen with OWNER privilege,
 *   LINE_APPNEWCALL (OWNER) immediately followed by LINE_CALLSTATE
 *   OFFERING, lineAnswer and its LINE_REPLY, CONNECTED, DISCONNECTED when
 *   the remote hangs up, lineDrop, IDLE, lineGetCallInfo after IDLE,
 *   lineDeallocateCall; after COUNT calls lineClose and lineShutdown.
 *
 * Usage: tapi_answerer [DEVICE [COUNT [TIMEOUT_S]]]
 *   defaults: device 1, one call, 30 s without a message.
 * It prints "answerer: ready" once its line is open.
 * Exit status 0 when COUNT calls were answered and ended as TAPI says.
 */
#include <windows.h>
#include <tapi.h>
#include "tapitest.h"

int main(int argc, char **argv)
{
	HLINEAPP hLineApp;
	HLINE hLine = 0;
	HCALL hCall = 0;
	DWORD dwDeviceID, dwCount, dwTimeout, dwDone = 0, dwAPIVersion;
	LINEMESSAGE msg;
	LPLINECALLINFO info;
	LONG lRequestAnswer = 0, lRequestDrop = 0, rc;
	BOOL newCall = FALSE, connected = FALSE, dropReplied = FALSE;

	tt_setup("answerer");
	dwDeviceID = tt_arg(argc, argv, 1, 1);
	dwCount = tt_arg(argc, argv, 2, 1);
	dwTimeout = tt_arg(argc, argv, 3, 30);

	if (!tt_open("tapi-answerer", dwDeviceID, LINECALLPRIVILEGE_OWNER,
		     &hLineApp, &hLine, &dwAPIVersion))
		return tt_end(hLine, hLineApp);
	TT_PRINTF("ready");

	while (dwDone < dwCount && tt_next_message(hLineApp, &msg, dwTimeout)) {
		if (newCall) {
			/* LINE_APPNEWCALL is immediately followed by the
			 * call's first LINE_CALLSTATE, with our privilege. */
			TT_EXPECT(msg.dwMessageID == LINE_CALLSTATE &&
				  msg.hDevice == hCall &&
				  msg.dwParam1 == LINECALLSTATE_OFFERING &&
				  msg.dwParam3 == LINECALLPRIVILEGE_OWNER,
				  "LINE_APPNEWCALL not followed by LINE_CALLSTATE OFFERING, OWNER of its hCall");
			newCall = FALSE;
		}
		switch (msg.dwMessageID) {
		case LINE_APPNEWCALL:
			if (!TT_EXPECT(!hCall, "a second call 0x%lx while 0x%x is ours",
				       (unsigned long)msg.dwParam2, (unsigned int)hCall))
				break;
			TT_EXPECT(msg.hDevice == hLine && msg.dwParam1 == 0 &&
				  msg.dwParam3 == LINECALLPRIVILEGE_OWNER,
				  "LINE_APPNEWCALL's hLine, address or privilege");
			hCall = (HCALL)msg.dwParam2;
			newCall = TRUE;
			connected = dropReplied = FALSE;
			lRequestAnswer = lRequestDrop = 0;
			break;
		case LINE_REPLY:
			if (lRequestAnswer && (LONG)msg.dwParam1 == lRequestAnswer) {
				TT_EXPECT(!(LONG)msg.dwParam2, "lineAnswer failed: %s",
					  tt_err_name((LONG)msg.dwParam2));
			} else if (lRequestDrop && (LONG)msg.dwParam1 == lRequestDrop) {
				TT_EXPECT(!(LONG)msg.dwParam2, "lineDrop failed: %s",
					  tt_err_name((LONG)msg.dwParam2));
				dropReplied = TRUE;
			} else {
				TT_FAIL("LINE_REPLY of unknown request %lu",
					(unsigned long)msg.dwParam1);
			}
			break;
		case LINE_CALLSTATE:
			if (!TT_EXPECT(hCall && msg.hDevice == hCall,
				       "LINE_CALLSTATE of hCall 0x%x, ours is 0x%x",
				       (unsigned int)msg.hDevice, (unsigned int)hCall))
				break;
			switch (msg.dwParam1) {
			case LINECALLSTATE_OFFERING:
				lRequestAnswer = lineAnswer(hCall, NULL, 0);
				TT_PRINTF("lineAnswer: request %ld", (long)lRequestAnswer);
				TT_EXPECT(lRequestAnswer > 0, "lineAnswer: %s",
					  tt_err_name(lRequestAnswer));
				break;
			case LINECALLSTATE_CONNECTED:
				connected = TRUE;
				break;
			case LINECALLSTATE_DISCONNECTED:
				/* The remote hung up: our side is dropped. */
				TT_EXPECT(connected, "DISCONNECTED before CONNECTED");
				lRequestDrop = lineDrop(hCall, NULL, 0);
				TT_PRINTF("lineDrop: request %ld", (long)lRequestDrop);
				TT_EXPECT(lRequestDrop > 0, "lineDrop: %s",
					  tt_err_name(lRequestDrop));
				break;
			case LINECALLSTATE_IDLE:
				TT_EXPECT(connected && lRequestDrop,
					  "IDLE without CONNECTED and lineDrop");
				info = tt_get_call_info(hCall);
				if (info) {
					tt_print_call_info("lineGetCallInfo after IDLE",
							   info);
					TT_EXPECT(info->dwOrigin == LINECALLORIGIN_INTERNAL,
						  "origin %s",
						  tt_origin_name(info->dwOrigin));
					free(info);
				}
				rc = lineDeallocateCall(hCall);
				TT_PRINTF("lineDeallocateCall: %s", tt_err_name(rc));
				TT_EXPECT(!rc, "lineDeallocateCall");
				hCall = 0;
				dwDone++;
				break;
			}
			break;
		default:
			break;
		}
	}
	TT_EXPECT(dwDone == dwCount, "%lu of %lu calls answered",
		  (unsigned long)dwDone, (unsigned long)dwCount);
	/* The last drop's LINE_REPLY may still be queued: read it. */
	while (lRequestDrop && !dropReplied &&
	       !lineGetMessage(hLineApp, &msg, 2000)) {
		tt_print_msg(&msg);
		if (msg.dwMessageID == LINE_REPLY &&
		    (LONG)msg.dwParam1 == lRequestDrop)
			dropReplied = TRUE;
	}
	TT_EXPECT(!lRequestDrop || dropReplied, "no LINE_REPLY for lineDrop");
	return tt_end(hLine, hLineApp);
}
