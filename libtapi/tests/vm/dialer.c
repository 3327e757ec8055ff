/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapi_dialer: makes one call as a Windows TAPI program does, and prints
 * every message it gets.
 *
 *   lineInitializeEx (USEEVENT, messages read by lineGetMessage),
 *   lineNegotiateAPIVersion, lineGetDevCaps (two passes), lineOpen,
 *   lineMakeCall, LINE_REPLY matched to its request id, CONNECTED,
 *   HOLD_MS later lineDrop, IDLE, lineGetCallInfo and lineGetCallStatus
 *   after IDLE, lineDeallocateCall, lineClose, lineShutdown.
 *
 * Usage: tapi_dialer [DEVICE [ADDRESS [HOLD_MS [TIMEOUT_S]]]]
 *   defaults: device 0, address 1001 (loopback device 1), 500 ms, 20 s.
 * Exit status 0 when the call was connected and everything went as TAPI
 * says; 1 otherwise ("dialer: FAIL: ..." lines say why).
 */
#include <windows.h>
#include <tapi.h>
#include "tapitest.h"

int main(int argc, char **argv)
{
	HLINEAPP hLineApp;
	HLINE hLine = 0;
	HCALL hCall = 0;
	DWORD dwDeviceID, dwAPIVersion, dwHold, dwTimeout;
	LPCSTR lpszAddress;
	LINEMESSAGE msg;
	LPLINEDEVCAPS caps;
	LPLINECALLINFO info;
	LINECALLSTATUS status;
	LONG lRequestMake, lRequestDrop = 0, rc;
	BOOL replied = FALSE, dropReplied = FALSE, connected = FALSE,
		idle = FALSE, sawState = FALSE;

	tt_setup("dialer");
	dwDeviceID = tt_arg(argc, argv, 1, 0);
	lpszAddress = argc > 2 ? argv[2] : "1001";
	dwHold = tt_arg(argc, argv, 3, 500);
	dwTimeout = tt_arg(argc, argv, 4, 20);

	if (!tt_open("tapi-dialer", dwDeviceID, LINECALLPRIVILEGE_NONE,
		     &hLineApp, &hLine, &dwAPIVersion))
		return tt_end(hLine, hLineApp);

	caps = tt_get_dev_caps(hLineApp, dwDeviceID, dwAPIVersion);
	if (caps) {
		TT_PRINTF("lineGetDevCaps: line \"%s\" provider \"%s\" needed %lu used %lu",
			  tt_var_string(caps, caps->dwLineNameSize,
					caps->dwLineNameOffset),
			  tt_var_string(caps, caps->dwProviderInfoSize,
					caps->dwProviderInfoOffset),
			  (unsigned long)caps->dwNeededSize,
			  (unsigned long)caps->dwUsedSize);
		TT_EXPECT(caps->dwLineNameSize &&
			  caps->dwNeededSize == caps->dwUsedSize,
			  "the second pass of lineGetDevCaps has every variable part");
		free(caps);
	}

	/* hCall is written when the LINE_REPLY comes: it must stay valid. */
	lRequestMake = lineMakeCall(hLine, &hCall, lpszAddress, 0, NULL);
	if (lRequestMake <= 0) {
		TT_FAIL("lineMakeCall(%s): %s", lpszAddress,
			tt_err_name(lRequestMake));
		return tt_end(hLine, hLineApp);
	}
	TT_PRINTF("lineMakeCall %s: request %ld", lpszAddress, (long)lRequestMake);

	while (!(idle && (!lRequestDrop || dropReplied)) &&
	       tt_next_message(hLineApp, &msg, dwTimeout)) {
		switch (msg.dwMessageID) {
		case LINE_REPLY:
			if ((LONG)msg.dwParam1 == lRequestMake) {
				replied = TRUE;
				if ((LONG)msg.dwParam2) {
					TT_FAIL("lineMakeCall failed: %s",
						tt_err_name((LONG)msg.dwParam2));
					return tt_end(hLine, hLineApp);
				}
				TT_PRINTF("lineMakeCall done: hCall 0x%x",
					  (unsigned int)hCall);
				TT_EXPECT(hCall != 0, "hCall 0 after the LINE_REPLY");
			} else if (lRequestDrop && (LONG)msg.dwParam1 == lRequestDrop) {
				dropReplied = TRUE;
				TT_EXPECT(!(LONG)msg.dwParam2, "lineDrop failed: %s",
					  tt_err_name((LONG)msg.dwParam2));
			} else {
				TT_FAIL("LINE_REPLY of unknown request %lu",
					(unsigned long)msg.dwParam1);
			}
			break;
		case LINE_CALLSTATE:
			if (!TT_EXPECT(replied, "LINE_CALLSTATE before the LINE_REPLY") ||
			    !TT_EXPECT(msg.hDevice == hCall,
				       "LINE_CALLSTATE of hCall 0x%x, ours is 0x%x",
				       (unsigned int)msg.hDevice, (unsigned int)hCall))
				break;
			TT_EXPECT(msg.dwCallbackInstance == 0xd1a1,
				  "dwCallbackInstance 0x%lx, lineOpen gave 0xd1a1",
				  (unsigned long)msg.dwCallbackInstance);
			TT_EXPECT(!sawState || !msg.dwParam3,
				  "privilege %s in a later LINE_CALLSTATE",
				  tt_priv_name((DWORD)msg.dwParam3));
			sawState = TRUE;
			switch (msg.dwParam1) {
			case LINECALLSTATE_CONNECTED:
				connected = TRUE;
				Sleep(dwHold);
				/* fall through */
			case LINECALLSTATE_DISCONNECTED:
			case LINECALLSTATE_BUSY:
				if (lRequestDrop)
					break;
				lRequestDrop = lineDrop(hCall, NULL, 0);
				TT_PRINTF("lineDrop: request %ld", (long)lRequestDrop);
				if (!TT_EXPECT(lRequestDrop > 0, "lineDrop: %s",
					       tt_err_name(lRequestDrop)))
					lRequestDrop = 0;
				break;
			case LINECALLSTATE_IDLE:
				idle = TRUE;
				break;
			}
			break;
		default:
			break;
		}
	}
	TT_EXPECT(connected, "the call was never CONNECTED");

	if (idle) {
		/* After IDLE the handle stays valid until it is deallocated. */
		info = tt_get_call_info(hCall);
		if (info) {
			tt_print_call_info("lineGetCallInfo after IDLE", info);
			TT_EXPECT(info->hLine == hLine, "call info hLine 0x%x",
				  (unsigned int)info->hLine);
			TT_EXPECT(info->dwOrigin == LINECALLORIGIN_OUTBOUND,
				  "origin %s", tt_origin_name(info->dwOrigin));
			TT_EXPECT(info->dwNeededSize == info->dwUsedSize,
				  "the second pass has every variable part");
			free(info);
		}
		ZeroMemory(&status, sizeof(status));
		status.dwTotalSize = sizeof(status);
		rc = lineGetCallStatus(hCall, &status);
		TT_PRINTF("lineGetCallStatus after IDLE: %s state %s privilege %s",
			  tt_err_name(rc), tt_state_name(status.dwCallState),
			  tt_priv_name(status.dwCallPrivilege));
		TT_EXPECT(!rc && status.dwCallState == LINECALLSTATE_IDLE &&
			  status.dwCallPrivilege == LINECALLPRIVILEGE_OWNER,
			  "lineGetCallStatus after IDLE");
	}
	if (hCall) {
		rc = lineDeallocateCall(hCall);
		TT_PRINTF("lineDeallocateCall: %s", tt_err_name(rc));
		TT_EXPECT(!rc, "lineDeallocateCall");
		ZeroMemory(&status, sizeof(status));
		status.dwTotalSize = sizeof(status);
		rc = lineGetCallStatus(hCall, &status);
		TT_EXPECT(rc == (LONG)LINEERR_INVALCALLHANDLE,
			  "lineGetCallStatus after lineDeallocateCall: %s",
			  tt_err_name(rc));
	}
	return tt_end(hLine, hLineApp);
}
