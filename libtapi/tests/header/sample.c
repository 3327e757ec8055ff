// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sample.c: a TAPI program as it is written for Windows (lineInitializeEx
 * with an event, two-pass dwNeededSize allocation, a lineGetMessage loop
 * matching LINE_REPLY to the request ID, the call's info read at IDLE,
 * then lineDeallocateCall).  check-header.sh compiles it as C99, C11,
 * C++11 and C++17 with -Wall -Wextra -pedantic -Werror; it is not linked:
 * the library is the next step (libtapi/README.md).
 */
#include <Windows.h>
#include <tapi.h>
#include <stdio.h>
#include <stdlib.h>

#define APP_NAME TEXT("sample")

static LPVOID get_dev_caps(HLINEAPP hApp, DWORD dwDev, DWORD dwVer)
{
	DWORD dwSize = sizeof(LINEDEVCAPS);
	LPLINEDEVCAPS lpCaps = NULL;

	for (;;) {
		LPLINEDEVCAPS lpNew = (LPLINEDEVCAPS)realloc(lpCaps, dwSize);
		LONG lRet;

		if (lpNew == NULL) {
			free(lpCaps);
			return NULL;
		}
		lpCaps = lpNew;
		ZeroMemory(lpCaps, dwSize);
		lpCaps->dwTotalSize = dwSize;
		lRet = lineGetDevCaps(hApp, dwDev, dwVer, 0, lpCaps);
		if (lRet != 0) {
			free(lpCaps);
			return NULL;
		}
		if (lpCaps->dwNeededSize <= lpCaps->dwTotalSize)
			return lpCaps;
		dwSize = lpCaps->dwNeededSize;
	}
}

static void log_call(HCALL hCall)
{
	LINECALLINFO ci;
	LINECALLSTATUS cs;

	ZeroMemory(&ci, sizeof(ci));
	ci.dwTotalSize = sizeof(ci);
	if (lineGetCallInfo(hCall, &ci) == 0 && ci.dwCallerIDSize > 0 &&
	    ci.dwCallerIDOffset + ci.dwCallerIDSize <= ci.dwUsedSize)
		printf("caller %s\n", (LPCSTR)&ci + ci.dwCallerIDOffset);
	ZeroMemory(&cs, sizeof(cs));
	cs.dwTotalSize = sizeof(cs);
	if (lineGetCallStatus(hCall, &cs) == 0)
		printf("state 0x%08lx privilege 0x%08lx\n", (unsigned long)cs.dwCallState,
		       (unsigned long)cs.dwCallPrivilege);
}

int main(int argc, char **argv)
{
	LINEINITIALIZEEXPARAMS params;
	LINEEXTENSIONID extid;
	LINEMESSAGE msg;
	HLINEAPP hLineApp = 0;
	HLINE hLine = 0;
	HCALL hCall = 0;
	DWORD dwNumDevs = 0, dwAPIVersion = TAPI_CURRENT_VERSION, dwVer = 0;
	LPLINEDEVCAPS lpCaps;
	LONG lRet, lMakeCallID;
	BOOL bDone = FALSE;

	ZeroMemory(&params, sizeof(params));
	params.dwTotalSize = sizeof(params);
	params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	lRet = lineInitializeEx(&hLineApp, NULL, NULL, APP_NAME, &dwNumDevs, &dwAPIVersion,
				&params);
	if (lRet != 0) {
		fprintf(stderr, "lineInitializeEx: 0x%08lx\n", (unsigned long)(DWORD)lRet);
		return 1;
	}
	if (dwNumDevs == 0 ||
	    lineNegotiateAPIVersion(hLineApp, 0, 0x00010004, TAPI_CURRENT_VERSION, &dwVer,
				    &extid) != 0) {
		lineShutdown(hLineApp);
		return 1;
	}
	lpCaps = (LPLINEDEVCAPS)get_dev_caps(hLineApp, 0, dwVer);
	if (lpCaps != NULL) {
		if (lpCaps->dwLineNameSize > 0)
			printf("line %.*s\n", (int)lpCaps->dwLineNameSize,
			       (LPCSTR)lpCaps + lpCaps->dwLineNameOffset);
		free(lpCaps);
	}
	lRet = lineOpen(hLineApp, 0, &hLine, dwVer, 0, 0, LINECALLPRIVILEGE_OWNER,
			LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	if (lRet != 0) {
		lineShutdown(hLineApp);
		return 1;
	}
	lMakeCallID = lineMakeCall(hLine, &hCall, argc > 1 ? argv[1] : "100", 0, NULL);
	if (lMakeCallID < 0)
		bDone = TRUE;
	while (!bDone) {
		if (WaitForSingleObject(params.Handles.hEvent, 10000) != WAIT_OBJECT_0)
			break;
		if (lineGetMessage(hLineApp, &msg, 0) != 0)
			continue;
		switch (msg.dwMessageID) {
		case LINE_REPLY:
			if ((LONG)msg.dwParam1 == lMakeCallID && (LONG)msg.dwParam2 != 0)
				bDone = TRUE;
			break;
		case LINE_APPNEWCALL:
			printf("new call %lu privilege %lu\n", (unsigned long)msg.dwParam2,
			       (unsigned long)msg.dwParam3);
			break;
		case LINE_CALLSTATE:
			if (msg.dwParam1 == LINECALLSTATE_DISCONNECTED)
				lineDrop((HCALL)msg.hDevice, NULL, 0);
			else if (msg.dwParam1 == LINECALLSTATE_IDLE) {
				log_call((HCALL)msg.hDevice);
				lineDeallocateCall((HCALL)msg.hDevice);
				bDone = TRUE;
			}
			break;
		case LINE_CLOSE:
			bDone = TRUE;
			break;
		default:
			break;
		}
	}
	Sleep(0);
	lineClose(hLine);
	lineShutdown(hLineApp);
	return 0;
}
