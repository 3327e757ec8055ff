/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapitest.h: what the TAPI test programs of libtapi/tests/vm share, in
 * the style of a Windows TAPI program's helpers: names of messages,
 * states and errors for printing, one message printed as a line, and
 * the two-pass dwNeededSize allocation of LINEDEVCAPS, LINECALLINFO and
 * LINECALLLIST.  Only <windows.h>, <tapi.h> and the C library: the same
 * source builds as C99 and as C++11.
 *
 * Every program prints one line per thing it did or read, prefixed with
 * its name ("dialer: ..."), and "NAME: FAIL: why" for a broken
 * expectation; tapi_vm_test.sh reads these lines.
 */
#ifndef TAPITEST_H
#define TAPITEST_H

#include <windows.h>
#include <tapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The program's name, the prefix of every line it prints. */
static const char *tt_prog = "tapitest";
/* How many expectations failed (the exit status is 1 when any did). */
static int tt_failed;

static inline void tt_setup(const char *name)
{
	tt_prog = name;
	/* One line at a time, also when stdout is a pipe or a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

#define TT_PRINTF(...) (printf("%s: ", tt_prog), printf(__VA_ARGS__), \
	putchar('\n'))
#define TT_FAIL(...) (tt_failed++, printf("%s: FAIL: ", tt_prog), \
	printf(__VA_ARGS__), putchar('\n'))
/* Check one expectation, print it when it is broken. */
#define TT_EXPECT(cond, ...) ((cond) ? 1 : (TT_FAIL(__VA_ARGS__), 0))

static inline const char *tt_msg_name(DWORD id)
{
	switch (id) {
	case LINE_ADDRESSSTATE: return "LINE_ADDRESSSTATE";
	case LINE_CALLINFO: return "LINE_CALLINFO";
	case LINE_CALLSTATE: return "LINE_CALLSTATE";
	case LINE_CLOSE: return "LINE_CLOSE";
	case LINE_LINEDEVSTATE: return "LINE_LINEDEVSTATE";
	case LINE_REPLY: return "LINE_REPLY";
	case LINE_CREATE: return "LINE_CREATE";
	case LINE_APPNEWCALL: return "LINE_APPNEWCALL";
	case LINE_REMOVE: return "LINE_REMOVE";
	default: return "LINE_?";
	}
}

static inline const char *tt_state_name(DWORD state)
{
	switch (state) {
	case LINECALLSTATE_IDLE: return "IDLE";
	case LINECALLSTATE_OFFERING: return "OFFERING";
	case LINECALLSTATE_ACCEPTED: return "ACCEPTED";
	case LINECALLSTATE_DIALTONE: return "DIALTONE";
	case LINECALLSTATE_DIALING: return "DIALING";
	case LINECALLSTATE_RINGBACK: return "RINGBACK";
	case LINECALLSTATE_BUSY: return "BUSY";
	case LINECALLSTATE_SPECIALINFO: return "SPECIALINFO";
	case LINECALLSTATE_CONNECTED: return "CONNECTED";
	case LINECALLSTATE_PROCEEDING: return "PROCEEDING";
	case LINECALLSTATE_ONHOLD: return "ONHOLD";
	case LINECALLSTATE_CONFERENCED: return "CONFERENCED";
	case LINECALLSTATE_ONHOLDPENDCONF: return "ONHOLDPENDCONF";
	case LINECALLSTATE_ONHOLDPENDTRANSFER: return "ONHOLDPENDTRANSFER";
	case LINECALLSTATE_DISCONNECTED: return "DISCONNECTED";
	case LINECALLSTATE_UNKNOWN: return "UNKNOWN";
	default: return "?";
	}
}

static inline const char *tt_priv_name(DWORD priv)
{
	switch (priv) {
	case 0: return "0";
	case LINECALLPRIVILEGE_NONE: return "NONE";
	case LINECALLPRIVILEGE_MONITOR: return "MONITOR";
	case LINECALLPRIVILEGE_OWNER: return "OWNER";
	default: return "?";
	}
}

static inline const char *tt_origin_name(DWORD origin)
{
	switch (origin) {
	case LINECALLORIGIN_OUTBOUND: return "OUTBOUND";
	case LINECALLORIGIN_INTERNAL: return "INTERNAL";
	case LINECALLORIGIN_EXTERNAL: return "EXTERNAL";
	case LINECALLORIGIN_UNKNOWN: return "UNKNOWN";
	case LINECALLORIGIN_UNAVAIL: return "UNAVAIL";
	case LINECALLORIGIN_CONFERENCE: return "CONFERENCE";
	case LINECALLORIGIN_INBOUND: return "INBOUND";
	default: return "?";
	}
}

/* A LINEERR_ value's name (0 is "0", a request id "request id"). */
static inline const char *tt_err_name(LONG err)
{
	switch ((DWORD)err) {
	case 0: return "0";
	case LINEERR_ALLOCATED: return "LINEERR_ALLOCATED";
	case LINEERR_BADDEVICEID: return "LINEERR_BADDEVICEID";
	case LINEERR_CALLUNAVAIL: return "LINEERR_CALLUNAVAIL";
	case LINEERR_INCOMPATIBLEAPIVERSION: return "LINEERR_INCOMPATIBLEAPIVERSION";
	case LINEERR_INUSE: return "LINEERR_INUSE";
	case LINEERR_INVALADDRESS: return "LINEERR_INVALADDRESS";
	case LINEERR_INVALADDRESSID: return "LINEERR_INVALADDRESSID";
	case LINEERR_INVALAPPHANDLE: return "LINEERR_INVALAPPHANDLE";
	case LINEERR_INVALCALLHANDLE: return "LINEERR_INVALCALLHANDLE";
	case LINEERR_INVALCALLPARAMS: return "LINEERR_INVALCALLPARAMS";
	case LINEERR_INVALCALLPRIVILEGE: return "LINEERR_INVALCALLPRIVILEGE";
	case LINEERR_INVALCALLSELECT: return "LINEERR_INVALCALLSELECT";
	case LINEERR_INVALCALLSTATE: return "LINEERR_INVALCALLSTATE";
	case LINEERR_INVALLINEHANDLE: return "LINEERR_INVALLINEHANDLE";
	case LINEERR_INVALLINESTATE: return "LINEERR_INVALLINESTATE";
	case LINEERR_INVALMEDIAMODE: return "LINEERR_INVALMEDIAMODE";
	case LINEERR_INVALPARAM: return "LINEERR_INVALPARAM";
	case LINEERR_INVALPOINTER: return "LINEERR_INVALPOINTER";
	case LINEERR_INVALPRIVSELECT: return "LINEERR_INVALPRIVSELECT";
	case LINEERR_NODEVICE: return "LINEERR_NODEVICE";
	case LINEERR_NODRIVER: return "LINEERR_NODRIVER";
	case LINEERR_NOMEM: return "LINEERR_NOMEM";
	case LINEERR_NOTOWNER: return "LINEERR_NOTOWNER";
	case LINEERR_OPERATIONFAILED: return "LINEERR_OPERATIONFAILED";
	case LINEERR_OPERATIONUNAVAIL: return "LINEERR_OPERATIONUNAVAIL";
	case LINEERR_RESOURCEUNAVAIL: return "LINEERR_RESOURCEUNAVAIL";
	case LINEERR_STRUCTURETOOSMALL: return "LINEERR_STRUCTURETOOSMALL";
	case LINEERR_UNINITIALIZED: return "LINEERR_UNINITIALIZED";
	case LINEERR_REINIT: return "LINEERR_REINIT";
	default: return err > 0 ? "request id" : "LINEERR_?";
	}
}

/* One message as a line: its name, device, parameters decoded. */
static inline void tt_print_msg(const LINEMESSAGE *m)
{
	switch (m->dwMessageID) {
	case LINE_REPLY:
		TT_PRINTF("LINE_REPLY request %lu result %s",
			  (unsigned long)m->dwParam1,
			  tt_err_name((LONG)m->dwParam2));
		break;
	case LINE_CALLSTATE:
		TT_PRINTF("LINE_CALLSTATE hCall 0x%x %s mode 0x%lx privilege %s",
			  (unsigned int)m->hDevice,
			  tt_state_name((DWORD)m->dwParam1),
			  (unsigned long)m->dwParam2,
			  tt_priv_name((DWORD)m->dwParam3));
		break;
	case LINE_APPNEWCALL:
		TT_PRINTF("LINE_APPNEWCALL hLine 0x%x address %lu hCall 0x%lx privilege %s",
			  (unsigned int)m->hDevice, (unsigned long)m->dwParam1,
			  (unsigned long)m->dwParam2,
			  tt_priv_name((DWORD)m->dwParam3));
		break;
	case LINE_CALLINFO:
		TT_PRINTF("LINE_CALLINFO hCall 0x%x states 0x%lx%s%s%s",
			  (unsigned int)m->hDevice, (unsigned long)m->dwParam1,
			  (m->dwParam1 & LINECALLINFOSTATE_NUMOWNERINCR) ?
				" NUMOWNERINCR" : "",
			  (m->dwParam1 & LINECALLINFOSTATE_NUMOWNERDECR) ?
				" NUMOWNERDECR" : "",
			  (m->dwParam1 & LINECALLINFOSTATE_NUMMONITORS) ?
				" NUMMONITORS" : "");
		break;
	default:
		TT_PRINTF("%s hDevice 0x%x params 0x%lx 0x%lx 0x%lx",
			  tt_msg_name(m->dwMessageID), (unsigned int)m->hDevice,
			  (unsigned long)m->dwParam1, (unsigned long)m->dwParam2,
			  (unsigned long)m->dwParam3);
		break;
	}
}

/* A string of a variable part (Size and Offset from the start of p), "-"
 * when the part is absent. */
static inline const char *tt_var_string(const void *p, DWORD size,
					DWORD offset)
{
	if (!size || !offset)
		return "-";
	return (const char *)p + offset;
}

/*
 * The two-pass allocation TAPI programs do: call with the fixed size,
 * then again with dwNeededSize bytes.  NULL (and the error printed)
 * when a call fails; the caller frees what it gets.
 */
static inline LPLINEDEVCAPS tt_get_dev_caps(HLINEAPP hLineApp, DWORD dwDeviceID,
					    DWORD dwAPIVersion)
{
	LPLINEDEVCAPS caps;
	DWORD size = sizeof(LINEDEVCAPS);
	LONG rc;

	for (;;) {
		caps = (LPLINEDEVCAPS)calloc(1, size);
		if (!caps)
			return NULL;
		caps->dwTotalSize = size;
		rc = lineGetDevCaps(hLineApp, dwDeviceID, dwAPIVersion, 0, caps);
		if (rc) {
			TT_FAIL("lineGetDevCaps(%lu): %s", (unsigned long)dwDeviceID,
				tt_err_name(rc));
			free(caps);
			return NULL;
		}
		if (caps->dwNeededSize <= caps->dwTotalSize)
			return caps;
		size = caps->dwNeededSize;
		free(caps);
	}
}

static inline LPLINECALLINFO tt_get_call_info(HCALL hCall)
{
	LPLINECALLINFO info;
	DWORD size = sizeof(LINECALLINFO);
	LONG rc;

	for (;;) {
		info = (LPLINECALLINFO)calloc(1, size);
		if (!info)
			return NULL;
		info->dwTotalSize = size;
		rc = lineGetCallInfo(hCall, info);
		if (rc) {
			TT_FAIL("lineGetCallInfo(0x%x): %s", (unsigned int)hCall,
				tt_err_name(rc));
			free(info);
			return NULL;
		}
		if (info->dwNeededSize <= info->dwTotalSize)
			return info;
		size = info->dwNeededSize;
		free(info);
	}
}

static inline LPLINECALLLIST tt_get_new_calls(HLINE hLine)
{
	LPLINECALLLIST list;
	DWORD size = sizeof(LINECALLLIST);
	LONG rc;

	for (;;) {
		list = (LPLINECALLLIST)calloc(1, size);
		if (!list)
			return NULL;
		list->dwTotalSize = size;
		rc = lineGetNewCalls(hLine, 0, LINECALLSELECT_LINE, list);
		if (rc) {
			TT_FAIL("lineGetNewCalls: %s", tt_err_name(rc));
			free(list);
			return NULL;
		}
		if (list->dwNeededSize <= list->dwTotalSize)
			return list;
		size = list->dwNeededSize;
		free(list);
	}
}

/* The call info a logger writes down, as one line. */
static inline void tt_print_call_info(const char *what, const LINECALLINFO *ci)
{
	TT_PRINTF("%s: hLine 0x%x device %lu origin %s caller %s called %s app %s owners %lu monitors %lu callid %lu",
		  what, (unsigned int)ci->hLine,
		  (unsigned long)ci->dwLineDeviceID,
		  tt_origin_name(ci->dwOrigin),
		  tt_var_string(ci, ci->dwCallerIDSize, ci->dwCallerIDOffset),
		  tt_var_string(ci, ci->dwCalledIDSize, ci->dwCalledIDOffset),
		  tt_var_string(ci, ci->dwAppNameSize, ci->dwAppNameOffset),
		  (unsigned long)ci->dwNumOwners,
		  (unsigned long)ci->dwNumMonitors,
		  (unsigned long)ci->dwCallID);
}

/*
 * lineInitializeEx (USEEVENT: messages by lineGetMessage), the API
 * version negotiated for dwDeviceID (1.4 up to TAPI_CURRENT_VERSION), and
 * lineOpen with dwPrivileges for interactive voice.  FALSE (printed) when
 * a step fails; *phLineApp is then 0 or still to be shut down.
 */
static inline BOOL tt_open(LPCSTR lpszAppName, DWORD dwDeviceID,
			   DWORD dwPrivileges, HLINEAPP *phLineApp,
			   HLINE *phLine, DWORD *pdwAPIVersion)
{
	LINEINITIALIZEEXPARAMS params;
	LINEEXTENSIONID extid;
	DWORD dwNumDevs = 0;
	LONG rc;

	ZeroMemory(&params, sizeof(params));
	params.dwTotalSize = sizeof(params);
	params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	*phLineApp = 0;
	*pdwAPIVersion = TAPI_CURRENT_VERSION;
	rc = lineInitializeEx(phLineApp, NULL, NULL, lpszAppName, &dwNumDevs,
			      pdwAPIVersion, &params);
	if (rc) {
		TT_FAIL("lineInitializeEx: %s", tt_err_name(rc));
		*phLineApp = 0;
		return FALSE;
	}
	TT_PRINTF("lineInitializeEx: %lu line devices, API 0x%08lx",
		  (unsigned long)dwNumDevs, (unsigned long)*pdwAPIVersion);
	rc = lineNegotiateAPIVersion(*phLineApp, dwDeviceID, 0x00010004,
				     TAPI_CURRENT_VERSION, pdwAPIVersion, &extid);
	if (rc) {
		TT_FAIL("lineNegotiateAPIVersion(%lu): %s",
			(unsigned long)dwDeviceID, tt_err_name(rc));
		return FALSE;
	}
	TT_PRINTF("lineNegotiateAPIVersion: 0x%08lx",
		  (unsigned long)*pdwAPIVersion);
	TT_EXPECT(*pdwAPIVersion == TAPI_CURRENT_VERSION,
		  "negotiated 0x%08lx, want TAPI_CURRENT_VERSION",
		  (unsigned long)*pdwAPIVersion);
	rc = lineOpen(*phLineApp, dwDeviceID, phLine, *pdwAPIVersion, 0,
		      (DWORD_PTR)0xd1a1, dwPrivileges,
		      LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	if (rc) {
		TT_FAIL("lineOpen(%lu, %s): %s", (unsigned long)dwDeviceID,
			tt_priv_name(dwPrivileges), tt_err_name(rc));
		return FALSE;
	}
	TT_PRINTF("lineOpen: device %lu hLine 0x%x %s", (unsigned long)dwDeviceID,
		  (unsigned int)*phLine, tt_priv_name(dwPrivileges));
	return TRUE;
}

/*
 * The next message of hLineApp: TRUE and *msg (printed) when one came,
 * FALSE when none came for dwTimeoutSecs seconds or lineGetMessage
 * failed (printed).
 */
static inline BOOL tt_next_message(HLINEAPP hLineApp, LINEMESSAGE *msg,
				   DWORD dwTimeoutSecs)
{
	DWORD secs;
	LONG rc;

	for (secs = 0; secs < dwTimeoutSecs; secs++) {
		rc = lineGetMessage(hLineApp, msg, 1000);
		if (rc == (LONG)LINEERR_OPERATIONFAILED)
			continue;
		if (rc) {
			TT_FAIL("lineGetMessage: %s", tt_err_name(rc));
			return FALSE;
		}
		tt_print_msg(msg);
		return TRUE;
	}
	TT_FAIL("no message for %lu s", (unsigned long)dwTimeoutSecs);
	return FALSE;
}

/* lineClose (unless hLine is 0), lineShutdown (unless hLineApp is 0), and
 * the verdict; the exit status. */
static inline int tt_end(HLINE hLine, HLINEAPP hLineApp)
{
	LONG rc;

	if (hLine) {
		rc = lineClose(hLine);
		TT_PRINTF("lineClose: %s", tt_err_name(rc));
		TT_EXPECT(!rc, "lineClose");
	}
	if (hLineApp) {
		rc = lineShutdown(hLineApp);
		TT_PRINTF("lineShutdown: %s", tt_err_name(rc));
		TT_EXPECT(!rc, "lineShutdown");
	}
	TT_PRINTF("%s", tt_failed ? "FAILED" : "done");
	return tt_failed ? 1 : 0;
}

/* argv[i] as a number, or def when absent. */
static inline DWORD tt_arg(int argc, char **argv, int i, DWORD def)
{
	return i < argc ? (DWORD)strtoul(argv[i], NULL, 0) : def;
}

#endif /* TAPITEST_H */
