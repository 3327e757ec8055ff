/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A quick TAPI program for the VM (loopback lines, lines=2 at least):
 * device 1 answers, device 0 calls it, both drop; prints every message.
 * Written as Windows TAPI code is: USEEVENT, WaitForSingleObject, then
 * lineGetMessage; two-pass dwNeededSize allocation of LINEDEVCAPS and
 * LINECALLINFO.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <tapi.h>

static HLINEAPP app;
static const char *names[] = { "ADDRESSSTATE", "CALLINFO", "CALLSTATE",
	"CLOSE", "", "", "", "", "LINEDEVSTATE", "", "", "", "REPLY" };

static const char *msgname(DWORD id)
{
	if (id < 13)
		return names[id];
	return id == LINE_APPNEWCALL ? "APPNEWCALL" : id == LINE_CREATE ?
	       "CREATE" : id == LINE_REMOVE ? "REMOVE" : "?";
}

static int next(LINEMESSAGE *m)
{
	LONG r = lineGetMessage(app, m, 3000);

	if (r) {
		printf("lineGetMessage: %lx\n", (unsigned long)(DWORD)r);
		return -1;
	}
	printf("msg %-10s dev=%lu p1=%#lx p2=%#lx p3=%#lx\n",
	       msgname(m->dwMessageID), (unsigned long)m->hDevice,
	       (unsigned long)m->dwParam1, (unsigned long)m->dwParam2,
	       (unsigned long)m->dwParam3);
	return 0;
}

static void show_info(HCALL c)
{
	LINECALLINFO *ci = calloc(1, sizeof(*ci));
	LONG r;

	ci->dwTotalSize = sizeof(*ci);
	r = lineGetCallInfo(c, ci);
	if (!r && ci->dwNeededSize > ci->dwTotalSize) {
		DWORD n = ci->dwNeededSize;

		free(ci);
		ci = calloc(1, n);
		ci->dwTotalSize = n;
		r = lineGetCallInfo(c, ci);
	}
	if (r) {
		printf("lineGetCallInfo: %lx\n", (unsigned long)(DWORD)r);
	} else {
		printf("callinfo origin=%#lx owners=%lu monitors=%lu caller=%s called=%s app=%s\n",
		       (unsigned long)ci->dwOrigin,
		       (unsigned long)ci->dwNumOwners,
		       (unsigned long)ci->dwNumMonitors,
		       ci->dwCallerIDSize ? (char *)ci + ci->dwCallerIDOffset : "-",
		       ci->dwCalledIDSize ? (char *)ci + ci->dwCalledIDOffset : "-",
		       ci->dwAppNameSize ? (char *)ci + ci->dwAppNameOffset : "-");
	}
	free(ci);
}

int main(void)
{
	LINEINITIALIZEEXPARAMS p;
	DWORD ndev, ver = TAPI_CURRENT_VERSION, v0, v1;
	LINEEXTENSIONID ext;
	LINEDEVCAPS *dc;
	HLINE l0, l1;
	HCALL out = 0, in = 0;
	LINEMESSAGE m;
	LONG r, req;
	int i, done = 0;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	r = lineInitializeEx(&app, NULL, NULL, "smoke", &ndev, &ver, &p);
	printf("lineInitializeEx %lx devs=%lu ver=%#lx event fd=%d\n",
	       (unsigned long)(DWORD)r, (unsigned long)ndev,
	       (unsigned long)ver, TAPI_HANDLE_FD(p.Handles.hEvent));
	if (r)
		return 1;
	r = lineNegotiateAPIVersion(app, 0, 0x00010003, TAPI_CURRENT_VERSION, &v0, &ext);
	r |= lineNegotiateAPIVersion(app, 1, 0x00010003, TAPI_CURRENT_VERSION, &v1, &ext);
	printf("negotiate %lx %#lx %#lx\n", (unsigned long)(DWORD)r,
	       (unsigned long)v0, (unsigned long)v1);
	dc = calloc(1, sizeof(*dc));
	dc->dwTotalSize = sizeof(*dc);
	r = lineGetDevCaps(app, 1, v1, 0, dc);
	if (!r && dc->dwNeededSize > dc->dwTotalSize) {
		DWORD n = dc->dwNeededSize;

		free(dc);
		dc = calloc(1, n);
		dc->dwTotalSize = n;
		r = lineGetDevCaps(app, 1, v1, 0, dc);
	}
	printf("devcaps %lx name=%s provider=%s switch=%s\n",
	       (unsigned long)(DWORD)r,
	       dc->dwLineNameSize ? (char *)dc + dc->dwLineNameOffset : "-",
	       dc->dwProviderInfoSize ? (char *)dc + dc->dwProviderInfoOffset : "-",
	       dc->dwSwitchInfoSize ? (char *)dc + dc->dwSwitchInfoOffset : "-");
	free(dc);
	r = lineOpen(app, 1, &l1, v1, 0, 11, LINECALLPRIVILEGE_OWNER,
		     LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	r |= lineOpen(app, 0, &l0, v0, 0, 10, LINECALLPRIVILEGE_NONE, 0, NULL);
	printf("lineOpen %lx\n", (unsigned long)(DWORD)r);
	{
		struct { VARSTRING vs; DWORD id; } v;

		memset(&v, 0, sizeof(v));
		v.vs.dwTotalSize = sizeof(v);
		r = lineGetID(l1, 0, 0, LINECALLSELECT_LINE, &v.vs, "tapi/line");
		printf("lineGetID %lx format %lu size %lu id %lu; wave/in %lx\n",
		       (unsigned long)(DWORD)r, (unsigned long)v.vs.dwStringFormat,
		       (unsigned long)v.vs.dwStringSize, (unsigned long)v.id,
		       (unsigned long)(DWORD)lineGetID(l1, 0, 0, LINECALLSELECT_LINE,
						       &v.vs, "wave/in"));
	}
	req = lineMakeCall(l0, &out, "1001", 0, NULL);
	printf("lineMakeCall %ld\n", (long)req);
	for (i = 0; i < 30; i++) {
		if (WaitForSingleObject(p.Handles.hEvent, 3000) != WAIT_OBJECT_0) {
			printf("event: timeout\n");
			break;
		}
		if (next(&m))
			break;
		if (m.dwMessageID == LINE_REPLY)
			printf("  reply req=%ld result=%ld hCall(out)=%lu\n",
			       (long)m.dwParam1, (long)(LONG)m.dwParam2,
			       (unsigned long)out);
		if (m.dwMessageID == LINE_APPNEWCALL)
			in = (HCALL)m.dwParam2;
		if (m.dwMessageID == LINE_CALLSTATE &&
		    m.dwParam1 == LINECALLSTATE_OFFERING && m.hDevice == in)
			printf("  lineAnswer %ld\n", (long)lineAnswer(in, NULL, 0));
		if (m.dwMessageID == LINE_CALLSTATE &&
		    m.dwParam1 == LINECALLSTATE_CONNECTED && m.hDevice == out) {
			LINECALLSTATUS cs;

			memset(&cs, 0, sizeof(cs));
			cs.dwTotalSize = sizeof(cs);
			r = lineGetCallStatus(out, &cs);
			printf("  status %lx state=%#lx priv=%#lx feat=%#lx %04u-%02u-%02u %02u:%02u:%02u\n",
			       (unsigned long)(DWORD)r, (unsigned long)cs.dwCallState,
			       (unsigned long)cs.dwCallPrivilege,
			       (unsigned long)cs.dwCallFeatures,
			       cs.tStateEntryTime.wYear, cs.tStateEntryTime.wMonth,
			       cs.tStateEntryTime.wDay, cs.tStateEntryTime.wHour,
			       cs.tStateEntryTime.wMinute, cs.tStateEntryTime.wSecond);
			printf("  lineDrop %ld\n", (long)lineDrop(out, NULL, 0));
		}
		if (m.dwMessageID == LINE_CALLSTATE &&
		    m.dwParam1 == LINECALLSTATE_DISCONNECTED && m.hDevice == in)
			printf("  lineDrop(in) %ld\n", (long)lineDrop(in, NULL, 0));
		if (m.dwMessageID == LINE_CALLSTATE &&
		    m.dwParam1 == LINECALLSTATE_IDLE && m.hDevice == in) {
			show_info(out);
			show_info(in);
			r = lineDeallocateCall(out);
			req = lineDeallocateCall(in);
			printf("dealloc %lx %lx\n", (unsigned long)(DWORD)r,
			       (unsigned long)(DWORD)req);
			done = !r && !req;
			break;
		}
	}
	printf("lineClose %lx %lx\n", (unsigned long)(DWORD)lineClose(l0),
	       (unsigned long)(DWORD)lineClose(l1));
	printf("lineShutdown %lx\n", (unsigned long)(DWORD)lineShutdown(app));
	r = lineShutdown(app);
	printf("after: lineShutdown %lx (UNINITIALIZED is 80000050)\n",
	       (unsigned long)(DWORD)r);
	/* The call went IDLE on both sides and both handles went. */
	return !done || r != LINEERR_UNINITIALIZED;
}
