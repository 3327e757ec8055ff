/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LINE_CLOSE (VM, as root, loopback line 1): a line closed by force
 * (KTAPI_IOC_CLOSE_LINE_DEVICE) stays an hLine until the program gets
 * the LINE_CLOSE: (a) lineClose before reading it succeeds and takes the
 * message back; (b) after lineGetMessage gave it (hDevice the hLine),
 * lineClose is LINEERR_INVALLINEHANDLE.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libktapi.h>
#include <windows.h>
#include <tapi.h>

static int bad;

#define CHECK(c, what) do { int ok_ = (c); printf("%s: %s\n", ok_ ? "ok" : "FAIL", what); bad |= !ok_; } while (0)

static void force_close(void)
{
	int fd = ktapi_open(0);

	if (fd < 0 || ktapi_close_line_device(fd, 1))
		printf("FAIL: CLOSE_LINE_DEVICE\n"), bad = 1;
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	LINEINITIALIZEEXPARAMS p;
	DWORD ndev, ver = TAPI_CURRENT_VERSION;
	LINEMESSAGE m;
	HLINEAPP app;
	HLINE l;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	lineInitializeEx(&app, NULL, NULL, "close", &ndev, &ver, &p);

	lineOpen(app, 1, &l, ver, 0, 7, LINECALLPRIVILEGE_OWNER,
		 LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	force_close();
	CHECK(WaitForSingleObject(p.Handles.hEvent, 2000) == WAIT_OBJECT_0,
	      "(a) the event is readable: LINE_CLOSE queued");
	CHECK(lineClose(l) == 0, "(a) lineClose before reading it: 0");
	CHECK(lineGetMessage(app, &m, 0) == LINEERR_OPERATIONFAILED,
	      "(a) the LINE_CLOSE was taken back");

	lineOpen(app, 1, &l, ver, 0, 7, LINECALLPRIVILEGE_OWNER,
		 LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	force_close();
	CHECK(lineGetMessage(app, &m, 2000) == 0 &&
	      m.dwMessageID == LINE_CLOSE && m.hDevice == l &&
	      m.dwCallbackInstance == 7,
	      "(b) LINE_CLOSE, hDevice the hLine, the line's instance");
	CHECK(lineClose(l) == LINEERR_INVALLINEHANDLE,
	      "(b) after it, lineClose is LINEERR_INVALLINEHANDLE");
	CHECK(lineShutdown(app) == 0, "lineShutdown");
	printf(bad ? "FAILED\n" : "PASSED\n");
	return bad;
}
