/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twolines.h: one application with two lines, calling itself: line "out"
 * (privilege NONE) calls line "in" (OWNER), which answers; "out" drops
 * after CONNECTED, "in" drops on DISCONNECTED; both calls go IDLE.  The
 * messages come by one of TAPI's three ways (enum tl_mode):
 *
 *   TL_GETMESSAGE  lineInitializeEx USEEVENT, lineGetMessage(1000) only;
 *   TL_EVENT       lineInitializeEx USEEVENT, WaitForSingleObject(hEvent)
 *                  then lineGetMessage(0) until the queue is empty;
 *   TL_HIDDEN      lineInitializeEx USEHIDDENWINDOW: the callback, on the
 *                  library's thread;
 *   TL_INIT        lineInitialize (TAPI 1.x's): the callback too.
 *
 * One state machine, tl_on_message(), serves them all; in the callback
 * modes it runs on the library's thread, which also makes the requests
 * (lineAnswer, lineDrop) from inside the callback, as TAPI allows.  The
 * main thread makes the call (lineMakeCall) under tl_lock, which the
 * callback takes too: its LINE_REPLY can come before lineMakeCall has
 * returned the request id.  Used by eventmode.c and leak.c.
 */
#ifndef TWOLINES_H
#define TWOLINES_H

#include <windows.h>
#include <tapi.h>
#include <pthread.h>
#include "tapitest.h"

enum tl_mode { TL_GETMESSAGE, TL_EVENT, TL_HIDDEN, TL_INIT };

static const char *const tl_mode_names[] = {
	"getmessage", "event", "hidden", "init"
};

/* The callback instances lineOpen gives the two lines. */
#define TL_INST_OUT ((DWORD_PTR)0x0a)
#define TL_INST_IN ((DWORD_PTR)0x0b)

struct tl_call {
	HCALL hOut, hIn;
	LONG reqMake, reqAnswer, reqDropOut, reqDropIn;
	int replies;		/* LINE_REPLYs still to come */
	BOOL outIdle, inIdle, connected;
	BOOL leaveConnected;	/* no lineDrop: the call stays CONNECTED */
	BOOL dealloc;		/* lineDeallocateCall on IDLE */
};

static struct {
	enum tl_mode mode;
	BOOL quiet;		/* print no message (the leak test's cycles) */
	BOOL closed;		/* the lines are closed: their messages are
				 * no longer matched */
	HLINEAPP hLineApp;
	HANDLE hEvent;
	HLINE hOut, hIn;
	DWORD dwAPIVersion;
	struct tl_call call;
	pthread_t cbThread;
	BOOL cbSeen;
	int done;		/* __atomic: the call is finished */
} tl;

static pthread_mutex_t tl_lock = PTHREAD_MUTEX_INITIALIZER;

static inline BOOL tl_is_done(void)
{
	const struct tl_call *c = &tl.call;

	if (c->leaveConnected)
		return c->connected && c->inIdle == FALSE && !c->replies;
	return c->outIdle && c->inIdle && !c->replies;
}

static inline void tl_reply(const LINEMESSAGE *m)
{
	struct tl_call *c = &tl.call;
	LONG id = (LONG)m->dwParam1, result = (LONG)m->dwParam2;
	const char *what;

	if (id == c->reqMake)
		what = "lineMakeCall";
	else if (id == c->reqAnswer)
		what = "lineAnswer";
	else if (id == c->reqDropOut || id == c->reqDropIn)
		what = "lineDrop";
	else {
		TT_EXPECT(tl.closed, "LINE_REPLY of unknown request %ld", (long)id);
		return;
	}
	c->replies--;
	TT_EXPECT(!result, "%s failed: %s", what, tt_err_name(result));
}

/* Ends a call leg that went IDLE: deallocated, or kept (the leak test). */
static inline void tl_idle(HCALL hCall, BOOL *idle)
{
	LONG rc;

	*idle = TRUE;
	if (!tl.call.dealloc)
		return;
	rc = lineDeallocateCall(hCall);
	TT_EXPECT(!rc, "lineDeallocateCall(0x%x): %s", (unsigned int)hCall,
		  tt_err_name(rc));
}

static inline LONG tl_request(const char *what, LONG rc)
{
	if (!TT_EXPECT(rc > 0, "%s: %s", what, tt_err_name(rc)))
		return 0;
	tl.call.replies++;
	return rc;
}

static inline void tl_callstate(const LINEMESSAGE *m)
{
	struct tl_call *c = &tl.call;
	DWORD state = (DWORD)m->dwParam1;

	/* A TAPI 1.x line has no LINE_APPNEWCALL: the new call is a
	 * LINE_CALLSTATE of an unknown handle with the privilege. */
	if (!c->hIn && m->hDevice != c->hOut && m->dwParam3 &&
	    m->dwCallbackInstance == TL_INST_IN)
		c->hIn = m->hDevice;
	if (m->hDevice == c->hIn && c->hIn) {
		TT_EXPECT(m->dwCallbackInstance == TL_INST_IN,
			  "dwCallbackInstance 0x%lx of the incoming call",
			  (unsigned long)m->dwCallbackInstance);
		switch (state) {
		case LINECALLSTATE_OFFERING:
			c->reqAnswer = tl_request("lineAnswer",
						  lineAnswer(c->hIn, NULL, 0));
			break;
		case LINECALLSTATE_DISCONNECTED:
			c->reqDropIn = tl_request("lineDrop",
						  lineDrop(c->hIn, NULL, 0));
			break;
		case LINECALLSTATE_IDLE:
			tl_idle(c->hIn, &c->inIdle);
			break;
		}
	} else if (m->hDevice == c->hOut && c->hOut) {
		TT_EXPECT(m->dwCallbackInstance == TL_INST_OUT,
			  "dwCallbackInstance 0x%lx of the outgoing call",
			  (unsigned long)m->dwCallbackInstance);
		switch (state) {
		case LINECALLSTATE_CONNECTED:
			c->connected = TRUE;
			if (!c->leaveConnected)
				c->reqDropOut = tl_request("lineDrop",
							   lineDrop(c->hOut, NULL, 0));
			break;
		case LINECALLSTATE_IDLE:
			tl_idle(c->hOut, &c->outIdle);
			break;
		}
	} else {
		TT_EXPECT(tl.closed, "LINE_CALLSTATE of unknown hCall 0x%x",
			  (unsigned int)m->hDevice);
	}
}

static inline void tl_on_message(const LINEMESSAGE *m)
{
	struct tl_call *c = &tl.call;

	pthread_mutex_lock(&tl_lock);
	if (!tl.quiet)
		tt_print_msg(m);
	switch (m->dwMessageID) {
	case LINE_REPLY:
		tl_reply(m);
		break;
	case LINE_APPNEWCALL:
		TT_EXPECT(m->hDevice == tl.hIn && !c->hIn &&
			  m->dwParam3 == LINECALLPRIVILEGE_OWNER,
			  "LINE_APPNEWCALL on hLine 0x%x", (unsigned int)m->hDevice);
		c->hIn = (HCALL)m->dwParam2;
		break;
	case LINE_CALLSTATE:
		tl_callstate(m);
		break;
	default:
		break;
	}
	if (tl_is_done())
		__atomic_store_n(&tl.done, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&tl_lock);
}

static inline void CALLBACK tl_callback(DWORD hDevice, DWORD dwMessage,
				 DWORD_PTR dwInstance, DWORD_PTR dwParam1,
				 DWORD_PTR dwParam2, DWORD_PTR dwParam3)
{
	LINEMESSAGE m;

	/* Every callback runs on the same thread, not the main one. */
	if (!tl.cbSeen) {
		tl.cbThread = pthread_self();
		tl.cbSeen = TRUE;
	}
	TT_EXPECT(pthread_equal(tl.cbThread, pthread_self()),
		  "a callback on a second thread");
	m.hDevice = hDevice;
	m.dwMessageID = dwMessage;
	m.dwCallbackInstance = dwInstance;
	m.dwParam1 = dwParam1;
	m.dwParam2 = dwParam2;
	m.dwParam3 = dwParam3;
	tl_on_message(&m);
}

/* An instance handle for lineInitialize (a Windows program has its own,
 * from WinMain or GetModuleHandle). */
static char tl_module;

static inline BOOL tl_init(enum tl_mode mode, const char *appName)
{
	LINEINITIALIZEEXPARAMS params;
	DWORD dwNumDevs = 0;
	LONG rc;

	ZeroMemory(&params, sizeof(params));
	params.dwTotalSize = sizeof(params);
	tl.mode = mode;
	tl.dwAPIVersion = TAPI_CURRENT_VERSION;
	tl.hEvent = NULL;
	tl.cbSeen = FALSE;
	tl.closed = FALSE;
	switch (mode) {
	case TL_INIT:
		rc = lineInitialize(&tl.hLineApp, (HINSTANCE)(void *)&tl_module,
				    tl_callback, appName, &dwNumDevs);
		break;
	case TL_HIDDEN:
		params.dwOptions = LINEINITIALIZEEXOPTION_USEHIDDENWINDOW;
		rc = lineInitializeEx(&tl.hLineApp, NULL, tl_callback, appName,
				      &dwNumDevs, &tl.dwAPIVersion, &params);
		break;
	default:
		params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
		rc = lineInitializeEx(&tl.hLineApp, NULL, NULL, appName,
				      &dwNumDevs, &tl.dwAPIVersion, &params);
		tl.hEvent = params.Handles.hEvent;
		break;
	}
	if (!TT_EXPECT(!rc, "%s (%s): %s", mode == TL_INIT ? "lineInitialize" :
		       "lineInitializeEx", tl_mode_names[mode], tt_err_name(rc)))
		return FALSE;
	if (!tl.quiet)
		TT_PRINTF("%s: %s, %lu line devices%s", tl_mode_names[mode],
			  mode == TL_INIT ? "lineInitialize" : "lineInitializeEx",
			  (unsigned long)dwNumDevs, tl.hEvent ? ", hEvent set" : "");
	if (mode == TL_GETMESSAGE || mode == TL_EVENT)
		TT_EXPECT(tl.hEvent != NULL && TAPI_HANDLE_FD(tl.hEvent) > 0,
			  "USEEVENT's hEvent %p", tl.hEvent);
	return TRUE;
}

static inline BOOL tl_open_one(DWORD dwDeviceID, HLINE *phLine, DWORD_PTR inst,
			DWORD dwPrivileges)
{
	LINEEXTENSIONID extid;
	DWORD dwVersion = 0;
	LONG rc;

	/* lineInitialize's programs are TAPI 1.4 programs. */
	rc = lineNegotiateAPIVersion(tl.hLineApp, dwDeviceID, 0x00010004,
				     TAPI_CURRENT_VERSION, &dwVersion, &extid);
	if (!TT_EXPECT(!rc, "lineNegotiateAPIVersion(%lu): %s",
		       (unsigned long)dwDeviceID, tt_err_name(rc)))
		return FALSE;
	tl.dwAPIVersion = dwVersion;
	rc = lineOpen(tl.hLineApp, dwDeviceID, phLine, dwVersion, 0, inst,
		      dwPrivileges, LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	if (!TT_EXPECT(!rc, "lineOpen(%lu): %s", (unsigned long)dwDeviceID,
		       tt_err_name(rc)))
		return FALSE;
	if (!tl.quiet)
		TT_PRINTF("lineOpen: device %lu hLine 0x%x API 0x%08lx %s",
			  (unsigned long)dwDeviceID, (unsigned int)*phLine,
			  (unsigned long)dwVersion, tt_priv_name(dwPrivileges));
	return TRUE;
}

/* Opens "out" (device dwOut, NONE) and "in" (device dwIn, OWNER). */
static inline BOOL tl_open(DWORD dwOut, DWORD dwIn)
{
	return tl_open_one(dwOut, &tl.hOut, TL_INST_OUT, LINECALLPRIVILEGE_NONE) &&
		tl_open_one(dwIn, &tl.hIn, TL_INST_IN, LINECALLPRIVILEGE_OWNER);
}

/* Reads the messages of one wait (dwTimeout ms) by the mode's way. */
static inline void tl_pump(DWORD dwTimeout)
{
	LINEMESSAGE m;
	LONG rc;

	switch (tl.mode) {
	case TL_GETMESSAGE:
		rc = lineGetMessage(tl.hLineApp, &m, dwTimeout);
		if (!rc)
			tl_on_message(&m);
		else
			TT_EXPECT(rc == (LONG)LINEERR_OPERATIONFAILED,
				  "lineGetMessage: %s", tt_err_name(rc));
		break;
	case TL_EVENT:
		switch (WaitForSingleObject(tl.hEvent, dwTimeout)) {
		case WAIT_OBJECT_0:
			/* Signalled: at least one message is queued. */
			rc = lineGetMessage(tl.hLineApp, &m, 0);
			TT_EXPECT(!rc, "lineGetMessage(0) after the event: %s",
				  tt_err_name(rc));
			while (!rc) {
				tl_on_message(&m);
				rc = lineGetMessage(tl.hLineApp, &m, 0);
			}
			break;
		case WAIT_TIMEOUT:
			break;
		default:
			TT_FAIL("WaitForSingleObject(hEvent) failed");
			Sleep(dwTimeout);
			break;
		}
		break;
	default:
		Sleep(dwTimeout < 50 ? dwTimeout : 50);
		break;
	}
}

/*
 * One call from "out" to szAddress ("in"'s address), until both legs are
 * IDLE (or, leaveConnected, until it is CONNECTED) and every request has
 * its LINE_REPLY; at most dwTimeoutSecs.  TRUE when it went so.
 */
static inline BOOL tl_call(const char *szAddress, BOOL leaveConnected, BOOL dealloc,
		    DWORD dwTimeoutSecs)
{
	struct tl_call *c = &tl.call;
	DWORD waited = 0;

	pthread_mutex_lock(&tl_lock);
	ZeroMemory(c, sizeof(*c));
	c->leaveConnected = leaveConnected;
	c->dealloc = dealloc;
	__atomic_store_n(&tl.done, 0, __ATOMIC_SEQ_CST);
	c->reqMake = tl_request("lineMakeCall",
				lineMakeCall(tl.hOut, &c->hOut, szAddress, 0, NULL));
	pthread_mutex_unlock(&tl_lock);
	if (!c->reqMake)
		return FALSE;
	while (!__atomic_load_n(&tl.done, __ATOMIC_SEQ_CST) &&
	       waited < dwTimeoutSecs * 1000) {
		tl_pump(200);
		waited += 200;
	}
	if (__atomic_load_n(&tl.done, __ATOMIC_SEQ_CST))
		return TRUE;
	pthread_mutex_lock(&tl_lock);
	TT_FAIL("the call to %s did not end in %lu s (out 0x%x idle %d, in 0x%x idle %d, %d replies due)",
		szAddress, (unsigned long)dwTimeoutSecs, (unsigned int)c->hOut,
		c->outIdle, (unsigned int)c->hIn, c->inIdle, c->replies);
	pthread_mutex_unlock(&tl_lock);
	return FALSE;
}

/* Reads what is still queued for dwQuietMs (the getmessage and event
 * modes; the callback modes only wait). */
static inline void tl_drain(DWORD dwQuietMs)
{
	LINEMESSAGE m;

	if (tl.mode == TL_GETMESSAGE || tl.mode == TL_EVENT) {
		while (!lineGetMessage(tl.hLineApp, &m, dwQuietMs))
			tl_on_message(&m);
	} else {
		Sleep(dwQuietMs);
	}
}

/* lineClose of both lines (unless !close), then lineShutdown. */
static inline BOOL tl_end(BOOL close)
{
	LONG rc;
	BOOL ok = TRUE;

	if (close) {
		rc = lineClose(tl.hOut);
		ok &= TT_EXPECT(!rc, "lineClose(out): %s", tt_err_name(rc));
		rc = lineClose(tl.hIn);
		ok &= TT_EXPECT(!rc, "lineClose(in): %s", tt_err_name(rc));
	}
	rc = lineShutdown(tl.hLineApp);
	ok &= TT_EXPECT(!rc, "lineShutdown: %s", tt_err_name(rc));
	return ok;
}

#endif /* TWOLINES_H */
