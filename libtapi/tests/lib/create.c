/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LINE_CREATE and LINE_REMOVE (VM: run while "ktapictl provide ADDR
 * --timeout 3" starts after this program and ends): the app reads
 * LINE_CREATE with the new device id (== the old dwNumDevs), then
 * LINE_REMOVE with the same id; lineGetDevCaps of it then is
 * LINEERR_NODEVICE, of an id never given LINEERR_BADDEVICEID.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <tapi.h>

int main(void)
{
	LINEINITIALIZEEXPARAMS p;
	DWORD ndev, ver = TAPI_CURRENT_VERSION, created = 0xffffffff;
	LINEDEVCAPS dc;
	LINEMESSAGE m;
	HLINEAPP app;
	int bad = 0, got_create = 0, got_remove = 0;
	LONG r;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	lineInitializeEx(&app, NULL, NULL, "create", &ndev, &ver, &p);
	printf("ready: %lu devices\n", (unsigned long)ndev);
	fflush(stdout);
	while (!got_remove && lineGetMessage(app, &m, 10000) == 0) {
		printf("msg %lu p1 %lu\n", (unsigned long)m.dwMessageID,
		       (unsigned long)m.dwParam1);
		if (m.dwMessageID == LINE_CREATE) {
			got_create = 1;
			created = (DWORD)m.dwParam1;
		}
		if (m.dwMessageID == LINE_REMOVE && m.dwParam1 == created)
			got_remove = 1;
	}
	bad |= !got_create || created != ndev || !got_remove;
	printf("%s: LINE_CREATE %lu (dwNumDevs was %lu), LINE_REMOVE of it\n",
	       bad ? "FAIL" : "ok", (unsigned long)created,
	       (unsigned long)ndev);
	memset(&dc, 0, sizeof(dc));
	dc.dwTotalSize = sizeof(dc);
	r = lineGetDevCaps(app, created, ver, 0, &dc);
	printf("%s: devcaps of the removed device: %lx\n",
	       r == LINEERR_NODEVICE ? "ok" : "FAIL", (unsigned long)(DWORD)r);
	bad |= r != LINEERR_NODEVICE;
	r = lineGetDevCaps(app, created + 100, ver, 0, &dc);
	printf("%s: devcaps of an id never given: %lx\n",
	       r == LINEERR_BADDEVICEID ? "ok" : "FAIL", (unsigned long)(DWORD)r);
	bad |= r != LINEERR_BADDEVICEID;
	lineShutdown(app);
	printf(bad ? "FAILED\n" : "PASSED\n");
	return bad;
}
