// SPDX-License-Identifier: GPL-2.0
/*
 * tapi_errors: the error codes of libtapi's functions, as TAPI documents
 * them, on the kernel's kselftest harness (each test in its own process:
 * the process has no hLineApp until the test makes one).
 *
 * Needs ktapi loaded with at least two loopback lines (devices 0 and 1,
 * addresses 1000 and 1001).  TAPI_NOREPLY_DEVICE (environment): a line
 * device served by "ktapictl provide ... --never-reply", for a LINE_REPLY
 * that carries an error (reply_error_is_the_dword fails without it).
 *
 * Usage: tapi_errors [kselftest harness options: -t TEST, -f FIXTURE]
 */
#include <windows.h>
#include <tapi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"

#define V22 TAPI_CURRENT_VERSION
#define V14 0x00010004
#define MEDIA LINEMEDIAMODE_INTERACTIVEVOICE

static void params_init(LINEINITIALIZEEXPARAMS *p, DWORD options)
{
	memset(p, 0, sizeof(*p));
	p->dwTotalSize = sizeof(*p);
	p->dwOptions = options;
}

/* lineInitializeEx with USEEVENT, or 0. */
static HLINEAPP init_app(const char *name, DWORD *num_devs)
{
	LINEINITIALIZEEXPARAMS p;
	HLINEAPP app = 0;
	DWORD ver = TAPI_CURRENT_VERSION, n = 0;

	params_init(&p, LINEINITIALIZEEXOPTION_USEEVENT);
	if (lineInitializeEx(&app, NULL, NULL, name, &n, &ver, &p))
		return 0;
	if (num_devs)
		*num_devs = n;
	return app;
}

static HLINE open_line(HLINEAPP app, DWORD dev, DWORD ver, DWORD priv)
{
	HLINE line = 0;

	if (lineOpen(app, dev, &line, ver, 0, 0, priv, MEDIA, NULL))
		return 0;
	return line;
}

/*
 * The messages read but not yet asked for, of every application of the
 * test: the messages of two lines of one application come in no fixed
 * order between the lines (a LINE_APPNEWCALL on one may come before the
 * LINE_REPLY on the other), so a wait for one keeps the others.
 */
#define BACKLOG 64
static struct {
	HLINEAPP app;
	LINEMESSAGE m;
} backlog[BACKLOG];
static int nbacklog;

static int matches(const LINEMESSAGE *m, DWORD id, DWORD dev, DWORD_PTR p1)
{
	return m->dwMessageID == id && (!dev || m->hDevice == dev) &&
		(!p1 || m->dwParam1 == p1);
}

/* The first kept message of app that matches, removed; 1 if found. */
static int from_backlog(HLINEAPP app, DWORD id, DWORD dev, DWORD_PTR p1,
			LINEMESSAGE *out)
{
	int i;

	for (i = 0; i < nbacklog; i++) {
		if (backlog[i].app != app || !matches(&backlog[i].m, id, dev, p1))
			continue;
		if (out)
			*out = backlog[i].m;
		memmove(&backlog[i], &backlog[i + 1],
			(nbacklog - i - 1) * sizeof(backlog[0]));
		nbacklog--;
		return 1;
	}
	return 0;
}

static void keep(HLINEAPP app, const LINEMESSAGE *m)
{
	if (nbacklog == BACKLOG) {
		memmove(&backlog[0], &backlog[1], (BACKLOG - 1) * sizeof(backlog[0]));
		nbacklog--;
	}
	backlog[nbacklog].app = app;
	backlog[nbacklog].m = *m;
	nbacklog++;
}

/*
 * Waits up to ms for a message of app with this id (and, unless 0, this
 * hDevice and dwParam1), kept or new; 1 and *out filled when one came.
 * The others read meanwhile are kept.
 */
static int wait_msg(HLINEAPP app, DWORD id, DWORD dev, DWORD_PTR p1,
		    LINEMESSAGE *out, DWORD ms)
{
	LINEMESSAGE m;
	DWORD waited = 0;

	if (from_backlog(app, id, dev, p1, out))
		return 1;
	while (waited < ms) {
		if (lineGetMessage(app, &m, 100)) {
			waited += 100;
			continue;
		}
		if (matches(&m, id, dev, p1)) {
			if (out)
				*out = m;
			return 1;
		}
		keep(app, &m);
	}
	return 0;
}

/* How many messages with this id app has, kept or coming within ms
 * (all are read and dropped). */
static int count_msgs(HLINEAPP app, DWORD id, DWORD ms)
{
	LINEMESSAGE m;
	int n = 0;

	while (from_backlog(app, id, 0, 0, NULL))
		n++;
	while (!lineGetMessage(app, &m, ms)) {
		if (m.dwMessageID == id)
			n++;
	}
	return n;
}

static DWORD call_state(HCALL call)
{
	LINECALLSTATUS s;

	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(s);
	if (lineGetCallStatus(call, &s))
		return 0;
	return s.dwCallState;
}

static DWORD call_privilege(HCALL call)
{
	LINECALLSTATUS s;

	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(s);
	if (lineGetCallStatus(call, &s))
		return 0;
	return s.dwCallPrivilege;
}

static int call_counts(HCALL call, DWORD *owners, DWORD *monitors)
{
	LINECALLINFO ci;

	memset(&ci, 0, sizeof(ci));
	ci.dwTotalSize = sizeof(ci);
	if (lineGetCallInfo(call, &ci))
		return -1;
	*owners = ci.dwNumOwners;
	*monitors = ci.dwNumMonitors;
	return 0;
}

/* --- before any lineInitialize ---------------------------------------------- */

TEST(uninitialized_line_functions)
{
	LINEDEVCAPS caps;
	LINEEXTENSIONID ext;
	HLINE line = 0;
	HCALL call = 0;
	DWORD ver = 0;

	memset(&caps, 0, sizeof(caps));
	caps.dwTotalSize = sizeof(caps);
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineOpen(1, 0, &line, V22, 0, 0,
						  LINECALLPRIVILEGE_NONE, MEDIA, NULL));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineClose(1));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineMakeCall(1, &call, "1001", 0, NULL));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineGetDevCaps(1, 0, V22, 0, &caps));
	EXPECT_EQ(LINEERR_UNINITIALIZED,
		  lineNegotiateAPIVersion(1, 0, V14, V22, &ver, &ext));
}

TEST(uninitialized_call_functions)
{
	LINECALLINFO ci;
	LINECALLSTATUS cs;

	memset(&ci, 0, sizeof(ci));
	ci.dwTotalSize = sizeof(ci);
	memset(&cs, 0, sizeof(cs));
	cs.dwTotalSize = sizeof(cs);
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineAnswer(1, NULL, 0));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineDrop(1, NULL, 0));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineGetCallInfo(1, &ci));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineGetCallStatus(1, &cs));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineDeallocateCall(1));
	EXPECT_EQ(LINEERR_UNINITIALIZED,
		  lineSetCallPrivilege(1, LINECALLPRIVILEGE_OWNER));
}

TEST(uninitialized_app_functions)
{
	LINEMESSAGE m;

	EXPECT_EQ(LINEERR_UNINITIALIZED, lineShutdown(1));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineGetMessage(1, &m, 0));
}

/* After the last lineShutdown the process is uninitialized again. */
TEST(uninitialized_after_shutdown)
{
	HLINEAPP app = init_app("tapi-errors", NULL);
	HLINE line = 0;

	ASSERT_NE(0, app);
	ASSERT_EQ(0, lineShutdown(app));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineOpen(app, 0, &line, V22, 0, 0,
						  LINECALLPRIVILEGE_NONE, MEDIA, NULL));
	EXPECT_EQ(LINEERR_UNINITIALIZED, lineDeallocateCall(1));
}

/* --- lineInitializeEx, lineInitialize, lineShutdown ------------------------------- */

TEST(initialize_null_pointers)
{
	LINEINITIALIZEEXPARAMS p;
	HLINEAPP app = 0;
	DWORD n = 0, ver = V22;

	params_init(&p, LINEINITIALIZEEXOPTION_USEEVENT);
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineInitializeEx(NULL, NULL, NULL, "x", &n, &ver, &p));
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineInitializeEx(&app, NULL, NULL, "x", NULL, &ver, &p));
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineInitializeEx(&app, NULL, NULL, "x", &n, NULL, &p));
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineInitialize(NULL, NULL, NULL, "x", &n));
	EXPECT_EQ(0, app);
}

static void CALLBACK null_callback(DWORD a, DWORD b, DWORD_PTR c, DWORD_PTR d,
				   DWORD_PTR e, DWORD_PTR f)
{
	(void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
}

/* The callback ways need a callback. */
TEST(initialize_callback_null)
{
	LINEINITIALIZEEXPARAMS p;
	HLINEAPP app = 0;
	DWORD n = 0, ver = V22;

	params_init(&p, LINEINITIALIZEEXOPTION_USEHIDDENWINDOW);
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineInitializeEx(&app, NULL, NULL, "x", &n, &ver, &p));
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineInitialize(&app, NULL, NULL, "x", &n));
	/* With one, it works. */
	ASSERT_EQ(0, lineInitializeEx(&app, NULL, null_callback, "x", &n, &ver, &p));
	EXPECT_NE(0, app);
	EXPECT_EQ(0, lineShutdown(app));
}

TEST(initialize_params_too_small)
{
	LINEINITIALIZEEXPARAMS p;
	HLINEAPP app = 0;
	DWORD n = 0, ver = V22;

	params_init(&p, LINEINITIALIZEEXOPTION_USEEVENT);
	p.dwTotalSize = 12;
	EXPECT_EQ(LINEERR_STRUCTURETOOSMALL,
		  lineInitializeEx(&app, NULL, NULL, "x", &n, &ver, &p));
}

TEST(initialize_bad_option)
{
	LINEINITIALIZEEXPARAMS p;
	HLINEAPP app = 0;
	DWORD n = 0, ver = V22;

	params_init(&p, 7);
	EXPECT_EQ(LINEERR_INVALPARAM,
		  lineInitializeEx(&app, NULL, NULL, "x", &n, &ver, &p));
}

/* USEEVENT's hEvent is a descriptor, never 0 (a NULL HANDLE). */
TEST(initialize_event_handle)
{
	LINEINITIALIZEEXPARAMS p;
	HLINEAPP app = 0;
	DWORD n = 0, ver = V22;

	params_init(&p, LINEINITIALIZEEXOPTION_USEEVENT);
	ASSERT_EQ(0, lineInitializeEx(&app, NULL, NULL, "x", &n, &ver, &p));
	EXPECT_GT(TAPI_HANDLE_FD(p.Handles.hEvent), 0);
	EXPECT_GE(n, 2);
	/* Nothing queued: the event is not signalled. */
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(p.Handles.hEvent, 0));
	EXPECT_EQ(0, lineShutdown(app));
}

TEST(shutdown_invalid)
{
	HLINEAPP a = init_app("a", NULL), b = init_app("b", NULL);

	ASSERT_NE(0, a);
	ASSERT_NE(0, b);
	EXPECT_NE(a, b);
	EXPECT_EQ(LINEERR_INVALAPPHANDLE, lineShutdown(0));
	EXPECT_EQ(LINEERR_INVALAPPHANDLE, lineShutdown(a ^ b ^ 0x5a5a));
	EXPECT_EQ(0, lineShutdown(a));
	/* b keeps the process initialized: a is just not an app now. */
	EXPECT_EQ(LINEERR_INVALAPPHANDLE, lineShutdown(a));
	EXPECT_EQ(0, lineShutdown(b));
}

static void *shutdown_later(void *arg)
{
	Sleep(300);
	lineShutdown(*(HLINEAPP *)arg);
	return NULL;
}

/* A lineGetMessage blocked when lineShutdown comes returns at once. */
TEST(getmessage_shutdown_meanwhile)
{
	HLINEAPP app = init_app("x", NULL), other = init_app("other", NULL);
	LINEMESSAGE m;
	pthread_t t;

	ASSERT_NE(0, app);
	ASSERT_NE(0, other);
	ASSERT_EQ(0, pthread_create(&t, NULL, shutdown_later, &app));
	EXPECT_EQ(LINEERR_INVALAPPHANDLE, lineGetMessage(app, &m, 10000));
	pthread_join(t, NULL);
	EXPECT_EQ(0, lineShutdown(other));
}

TEST(getmessage_errors)
{
	HLINEAPP app = init_app("x", NULL);
	LINEMESSAGE m;

	ASSERT_NE(0, app);
	EXPECT_EQ(LINEERR_INVALAPPHANDLE, lineGetMessage(app + 0x1000, &m, 0));
	EXPECT_EQ(LINEERR_INVALPOINTER, lineGetMessage(app, NULL, 0));
	/* An empty queue: the timeout is OPERATIONFAILED. */
	EXPECT_EQ(LINEERR_OPERATIONFAILED, lineGetMessage(app, &m, 0));
	EXPECT_EQ(LINEERR_OPERATIONFAILED, lineGetMessage(app, &m, 50));
	EXPECT_EQ(0, lineShutdown(app));
}

/* --- lineNegotiateAPIVersion, lineGetDevCaps ------------------------------- */

FIXTURE(app) {
	HLINEAPP app;
	DWORD ndevs;
};

FIXTURE_SETUP(app)
{
	self->app = init_app("tapi-errors", &self->ndevs);
	ASSERT_NE(0, self->app);
	ASSERT_GE(self->ndevs, 2);
}

FIXTURE_TEARDOWN(app)
{
	lineShutdown(self->app);
}

TEST_F(app, negotiate)
{
	LINEEXTENSIONID ext;
	DWORD ver = 0;

	EXPECT_EQ(0, lineNegotiateAPIVersion(self->app, 0, V22, V22, &ver, &ext));
	EXPECT_EQ(TAPI_CURRENT_VERSION, ver);
	/* The highest version in the program's range. */
	EXPECT_EQ(0, lineNegotiateAPIVersion(self->app, 0, V14, 0x00030001, &ver, &ext));
	EXPECT_EQ(0x00020002, ver);
	EXPECT_EQ(0, lineNegotiateAPIVersion(self->app, 0, 0x00010003, V14, &ver, &ext));
	EXPECT_EQ(V14, ver);
}

TEST_F(app, negotiate_errors)
{
	LINEEXTENSIONID ext;
	DWORD ver = 0;

	EXPECT_EQ(LINEERR_INVALAPPHANDLE,
		  lineNegotiateAPIVersion(self->app + 0x1000, 0, V14, V22, &ver, &ext));
	EXPECT_EQ(LINEERR_BADDEVICEID,
		  lineNegotiateAPIVersion(self->app, self->ndevs, V14, V22, &ver, &ext));
	EXPECT_EQ(LINEERR_BADDEVICEID,
		  lineNegotiateAPIVersion(self->app, 0xffffffff, V14, V22, &ver, &ext));
	EXPECT_EQ(LINEERR_INCOMPATIBLEAPIVERSION,
		  lineNegotiateAPIVersion(self->app, 0, 0x00030000, 0x00030001, &ver, &ext));
	EXPECT_EQ(LINEERR_INCOMPATIBLEAPIVERSION,
		  lineNegotiateAPIVersion(self->app, 0, 0x00010000, 0x00010002, &ver, &ext));
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineNegotiateAPIVersion(self->app, 0, V14, V22, NULL, &ext));
}

TEST_F(app, devcaps_errors)
{
	LINEDEVCAPS caps;

	memset(&caps, 0, sizeof(caps));
	caps.dwTotalSize = sizeof(caps);
	EXPECT_EQ(LINEERR_INVALAPPHANDLE,
		  lineGetDevCaps(self->app + 0x1000, 0, V22, 0, &caps));
	EXPECT_EQ(LINEERR_BADDEVICEID, lineGetDevCaps(self->app, self->ndevs, V22, 0, &caps));
	EXPECT_EQ(LINEERR_INVALPOINTER, lineGetDevCaps(self->app, 0, V22, 0, NULL));
	EXPECT_EQ(LINEERR_INCOMPATIBLEAPIVERSION,
		  lineGetDevCaps(self->app, 0, 0x00030000, 0, &caps));
	caps.dwTotalSize = 8;
	EXPECT_EQ(LINEERR_STRUCTURETOOSMALL, lineGetDevCaps(self->app, 0, V22, 0, &caps));
	caps.dwTotalSize = sizeof(caps) - 1;
	EXPECT_EQ(LINEERR_STRUCTURETOOSMALL, lineGetDevCaps(self->app, 0, V22, 0, &caps));
}

/*
 * The variable-size rules: with only the fixed part, the variable parts
 * are left out whole (Size and Offset 0), dwNeededSize says how much is
 * needed, dwUsedSize what was written; with dwNeededSize bytes all fit.
 */
TEST_F(app, devcaps_variable_parts)
{
	LPLINEDEVCAPS caps = (LPLINEDEVCAPS)calloc(1, 4096);
	DWORD need, total;

	ASSERT_NE(NULL, caps);
	caps->dwTotalSize = sizeof(LINEDEVCAPS);
	ASSERT_EQ(0, lineGetDevCaps(self->app, 0, V22, 0, caps));
	need = caps->dwNeededSize;
	EXPECT_GT(need, sizeof(LINEDEVCAPS));
	EXPECT_EQ(sizeof(LINEDEVCAPS), caps->dwUsedSize);
	EXPECT_EQ(0, caps->dwLineNameSize);
	EXPECT_EQ(0, caps->dwLineNameOffset);
	EXPECT_EQ(0, caps->dwProviderInfoSize);
	EXPECT_EQ(0, caps->dwProviderInfoOffset);
	ASSERT_LE(need, 4096);

	/* One byte short: something is left out whole, nothing truncated. */
	memset(caps, 0, 4096);
	caps->dwTotalSize = need - 1;
	ASSERT_EQ(0, lineGetDevCaps(self->app, 0, V22, 0, caps));
	EXPECT_EQ(need, caps->dwNeededSize);
	EXPECT_LT(caps->dwUsedSize, need);
	EXPECT_TRUE(caps->dwLineNameSize == 0 || caps->dwProviderInfoSize == 0 ||
		    caps->dwSwitchInfoSize == 0);
	total = caps->dwTotalSize;
	EXPECT_LE(caps->dwLineNameOffset + caps->dwLineNameSize, total);
	EXPECT_LE(caps->dwProviderInfoOffset + caps->dwProviderInfoSize, total);
	EXPECT_LE(caps->dwSwitchInfoOffset + caps->dwSwitchInfoSize, total);
	EXPECT_EQ(!caps->dwLineNameSize, !caps->dwLineNameOffset);

	memset(caps, 0, 4096);
	caps->dwTotalSize = need;
	ASSERT_EQ(0, lineGetDevCaps(self->app, 0, V22, 0, caps));
	EXPECT_EQ(need, caps->dwUsedSize);
	ASSERT_NE(0, caps->dwLineNameSize);
	/* A string part ends with its NUL. */
	EXPECT_EQ(0, ((char *)caps)[caps->dwLineNameOffset + caps->dwLineNameSize - 1]);
	free(caps);
}

/* --- lineOpen, lineClose ------------------------------------------------------ */

TEST_F(app, open_errors)
{
	HLINE line = 0;

	EXPECT_EQ(LINEERR_INVALAPPHANDLE, lineOpen(self->app + 0x1000, 0, &line, V22, 0, 0,
						   LINECALLPRIVILEGE_NONE, MEDIA, NULL));
	EXPECT_EQ(LINEERR_INVALPOINTER, lineOpen(self->app, 0, NULL, V22, 0, 0,
						 LINECALLPRIVILEGE_NONE, MEDIA, NULL));
	EXPECT_EQ(LINEERR_BADDEVICEID, lineOpen(self->app, self->ndevs, &line, V22, 0, 0,
						LINECALLPRIVILEGE_NONE, MEDIA, NULL));
	EXPECT_EQ(LINEERR_INCOMPATIBLEAPIVERSION, lineOpen(self->app, 0, &line, 0x00030000, 0,
							   0, LINECALLPRIVILEGE_NONE, MEDIA,
							   NULL));
	EXPECT_EQ(LINEERR_INCOMPATIBLEAPIVERSION, lineOpen(self->app, 0, &line, 0x00010002, 0,
							   0, LINECALLPRIVILEGE_NONE, MEDIA,
							   NULL));
	EXPECT_EQ(0, line);
}

TEST_F(app, open_privselect)
{
	HLINE line = 0;

	EXPECT_EQ(LINEERR_INVALPRIVSELECT, lineOpen(self->app, 0, &line, V22, 0, 0,
						    0, MEDIA, NULL));
	EXPECT_EQ(LINEERR_INVALPRIVSELECT, lineOpen(self->app, 0, &line, V22, 0, 0,
						    0x8, MEDIA, NULL));
	EXPECT_EQ(LINEERR_INVALPRIVSELECT,
		  lineOpen(self->app, 0, &line, V22, 0, 0,
			   LINECALLPRIVILEGE_NONE | LINECALLPRIVILEGE_OWNER, MEDIA, NULL));
	EXPECT_EQ(LINEERR_INVALPRIVSELECT,
		  lineOpen(self->app, 0, &line, V22, 0, 0,
			   LINECALLPRIVILEGE_NONE | LINECALLPRIVILEGE_MONITOR, MEDIA, NULL));
	/* MONITOR | OWNER is one of TAPI's four. */
	ASSERT_EQ(0, lineOpen(self->app, 0, &line, V22, 0, 0,
			      LINECALLPRIVILEGE_MONITOR | LINECALLPRIVILEGE_OWNER, MEDIA, NULL));
	EXPECT_EQ(0, lineClose(line));
}

TEST_F(app, close_errors)
{
	HLINE line = open_line(self->app, 0, V22, LINECALLPRIVILEGE_NONE);

	ASSERT_NE(0, line);
	EXPECT_EQ(LINEERR_INVALLINEHANDLE, lineClose(0));
	EXPECT_EQ(LINEERR_INVALLINEHANDLE, lineClose(line + 0x1000));
	EXPECT_EQ(0, lineClose(line));
	EXPECT_EQ(LINEERR_INVALLINEHANDLE, lineClose(line));
}

/* --- lineMakeCall ---------------------------------------------------------------- */

TEST_F(app, makecall_errors)
{
	HLINE line = open_line(self->app, 0, V22, LINECALLPRIVILEGE_NONE);
	HCALL call = 0;

	ASSERT_NE(0, line);
	EXPECT_EQ(LINEERR_INVALLINEHANDLE, lineMakeCall(line + 0x1000, &call, "1001", 0, NULL));
	EXPECT_EQ(LINEERR_INVALPOINTER, lineMakeCall(line, NULL, "1001", 0, NULL));
	ASSERT_EQ(0, lineClose(line));
	EXPECT_EQ(LINEERR_INVALLINEHANDLE, lineMakeCall(line, &call, "1001", 0, NULL));
	EXPECT_EQ(0, call);
}

/* An address of no device: the request succeeds, the call is
 * DISCONNECTED (BADADDRESS). */
TEST_F(app, makecall_bad_address)
{
	HLINE line = open_line(self->app, 0, V22, LINECALLPRIVILEGE_NONE);
	LINEMESSAGE m;
	HCALL call = 0;
	LONG req;

	ASSERT_NE(0, line);
	req = lineMakeCall(line, &call, "999", 0, NULL);
	ASSERT_GT(req, 0);
	ASSERT_TRUE(wait_msg(self->app, LINE_REPLY, 0, (DWORD_PTR)req, &m, 5000));
	EXPECT_EQ(0, (LONG)m.dwParam2);
	ASSERT_NE(0, call);
	ASSERT_TRUE(wait_msg(self->app, LINE_CALLSTATE, call,
			     LINECALLSTATE_DISCONNECTED, &m, 5000));
	EXPECT_EQ(LINEDISCONNECTMODE_BADADDRESS, m.dwParam2);
	EXPECT_EQ(0, lineClose(line));
}

/*
 * A request that fails after it was sent (a provider that never replies):
 * LINE_REPLY's dwParam2 is the LINEERR_'s 32-bit value zero-extended into
 * the DWORD_PTR, as tapi32 gives it on Win64 (so that both
 * m.dwParam2 == LINEERR_X and (LONG)m.dwParam2 < 0 hold), and
 * lineMakeCall's hCall is not written.
 */
TEST_F(app, reply_error_is_the_dword)
{
	const char *dev = getenv("TAPI_NOREPLY_DEVICE");
	LINEMESSAGE m;
	HLINE line;
	HCALL call = 0;
	LONG req, err;

	ASSERT_NE(NULL, dev) TH_LOG("TAPI_NOREPLY_DEVICE is not set");
	line = open_line(self->app, (DWORD)atoi(dev), V22, LINECALLPRIVILEGE_NONE);
	ASSERT_NE(0, line);
	req = lineMakeCall(line, &call, "1234", 0, NULL);
	ASSERT_GT(req, 0);
	ASSERT_TRUE(wait_msg(self->app, LINE_REPLY, 0, (DWORD_PTR)req, &m, 20000));
	err = (LONG)m.dwParam2;
	TH_LOG("LINE_REPLY dwParam2 0x%lx", (unsigned long)m.dwParam2);
	EXPECT_LT(err, 0);
	EXPECT_EQ((DWORD_PTR)(DWORD)err, m.dwParam2);
	EXPECT_EQ(0x80000000u, (DWORD)err & 0xffff0000u);
	EXPECT_EQ(0ull, (unsigned long long)m.dwParam2 >> 32);
	EXPECT_EQ(0, call);
	EXPECT_EQ(0, lineClose(line));
}

/* --- the call fixture: device 0 calls device 1, which owns it ------------------ */

FIXTURE(call) {
	HLINEAPP app, mon_app;
	HLINE out, in, mon;
	HCALL hout, hin;
	DWORD ndevs;
	DWORD offering_mode;	/* dwParam2 of hin's LINE_CALLSTATE OFFERING */
};

FIXTURE_SETUP(call)
{
	LINEMESSAGE m;
	LONG req;

	self->mon_app = 0;
	self->mon = 0;
	self->app = init_app("tapi-errors", &self->ndevs);
	ASSERT_NE(0, self->app);
	self->out = open_line(self->app, 0, V22, LINECALLPRIVILEGE_NONE);
	ASSERT_NE(0, self->out);
	self->in = open_line(self->app, 1, V22, LINECALLPRIVILEGE_OWNER);
	ASSERT_NE(0, self->in);
	self->hout = 0;
	req = lineMakeCall(self->out, &self->hout, "1001", 0, NULL);
	ASSERT_GT(req, 0);
	ASSERT_TRUE(wait_msg(self->app, LINE_REPLY, 0, (DWORD_PTR)req, &m, 5000));
	ASSERT_EQ(0, (LONG)m.dwParam2);
	ASSERT_TRUE(wait_msg(self->app, LINE_APPNEWCALL, self->in, 0, &m, 5000));
	self->hin = (HCALL)m.dwParam2;
	ASSERT_TRUE(wait_msg(self->app, LINE_CALLSTATE, self->hin,
			     LINECALLSTATE_OFFERING, &m, 5000));
	self->offering_mode = (DWORD)m.dwParam2;
}

FIXTURE_TEARDOWN(call)
{
	if (self->mon_app)
		lineShutdown(self->mon_app);
	lineShutdown(self->app);
}

/* An alerting call is LINEOFFERINGMODE_ACTIVE, in its message and status. */
TEST_F(call, offering_mode_is_active)
{
	LINECALLSTATUS s;

	EXPECT_EQ(LINEOFFERINGMODE_ACTIVE, self->offering_mode);
	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(s);
	ASSERT_EQ(0, lineGetCallStatus(self->hin, &s));
	EXPECT_EQ(LINECALLSTATE_OFFERING, s.dwCallState);
	EXPECT_EQ(LINEOFFERINGMODE_ACTIVE, s.dwCallStateMode);
}

/* Answers the incoming call; both legs CONNECTED. */
static int answer(FIXTURE_DATA(call) *self)
{
	LINEMESSAGE m;
	LONG req = lineAnswer(self->hin, NULL, 0);

	return req > 0 &&
		wait_msg(self->app, LINE_REPLY, 0, (DWORD_PTR)req, &m, 5000) &&
		!(LONG)m.dwParam2 &&
		wait_msg(self->app, LINE_CALLSTATE, self->hout,
			 LINECALLSTATE_CONNECTED, &m, 5000);
}

/* A second application with a MONITOR line on device 1. */
static int open_monitor(FIXTURE_DATA(call) *self)
{
	self->mon_app = init_app("tapi-errors-monitor", NULL);
	if (!self->mon_app)
		return 0;
	self->mon = open_line(self->mon_app, 1, V22, LINECALLPRIVILEGE_MONITOR);
	return self->mon != 0;
}

/* lineGetNewCalls on the monitor's line: the one call's handle, or 0. */
static HCALL new_call(FIXTURE_DATA(call) *self)
{
	DWORD buf[16];
	LPLINECALLLIST list = (LPLINECALLLIST)buf;

	memset(buf, 0, sizeof(buf));
	list->dwTotalSize = sizeof(buf);
	if (lineGetNewCalls(self->mon, 0, LINECALLSELECT_LINE, list) ||
	    list->dwCallsNumEntries != 1)
		return 0;
	return *(HCALL *)((BYTE *)list + list->dwCallsOffset);
}

TEST_F(call, call_handle_errors)
{
	LINECALLINFO ci;
	LINECALLSTATUS cs;
	HCALL bad = self->hin + 0x1000;

	memset(&ci, 0, sizeof(ci));
	ci.dwTotalSize = sizeof(ci);
	memset(&cs, 0, sizeof(cs));
	cs.dwTotalSize = sizeof(cs);
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineAnswer(bad, NULL, 0));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineDrop(bad, NULL, 0));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineGetCallInfo(bad, &ci));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineGetCallStatus(bad, &cs));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineDeallocateCall(bad));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineSetCallPrivilege(bad, LINECALLPRIVILEGE_OWNER));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineDeallocateCall(0));
}

/* A deallocated handle, and the handles of a closed line, are void. */
TEST_F(call, handle_void_after_dealloc_and_close)
{
	LINECALLSTATUS cs;

	memset(&cs, 0, sizeof(cs));
	cs.dwTotalSize = sizeof(cs);
	ASSERT_EQ(0, lineDeallocateCall(self->hin));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineGetCallStatus(self->hin, &cs));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineDeallocateCall(self->hin));
	ASSERT_EQ(0, lineClose(self->out));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineGetCallStatus(self->hout, &cs));
	EXPECT_EQ(LINEERR_INVALCALLHANDLE, lineDrop(self->hout, NULL, 0));
}

TEST_F(call, info_status_pointers_and_sizes)
{
	LINECALLINFO ci;
	LINECALLSTATUS cs;

	EXPECT_EQ(LINEERR_INVALPOINTER, lineGetCallInfo(self->hin, NULL));
	EXPECT_EQ(LINEERR_INVALPOINTER, lineGetCallStatus(self->hin, NULL));
	memset(&ci, 0, sizeof(ci));
	ci.dwTotalSize = sizeof(ci) - 4;
	EXPECT_EQ(LINEERR_STRUCTURETOOSMALL, lineGetCallInfo(self->hin, &ci));
	memset(&cs, 0, sizeof(cs));
	cs.dwTotalSize = 12;
	EXPECT_EQ(LINEERR_STRUCTURETOOSMALL, lineGetCallStatus(self->hin, &cs));
}

/* LINECALLINFO with only its fixed part: the strings are left out whole. */
TEST_F(call, info_variable_parts)
{
	LPLINECALLINFO ci = (LPLINECALLINFO)calloc(1, 4096);
	DWORD need;

	ASSERT_NE(NULL, ci);
	ci->dwTotalSize = sizeof(LINECALLINFO);
	ASSERT_EQ(0, lineGetCallInfo(self->hout, ci));
	need = ci->dwNeededSize;
	EXPECT_GT(need, sizeof(LINECALLINFO));
	EXPECT_EQ(sizeof(LINECALLINFO), ci->dwUsedSize);
	EXPECT_EQ(0, ci->dwCallerIDSize);
	EXPECT_EQ(0, ci->dwCallerIDOffset);
	EXPECT_EQ(0, ci->dwCalledIDSize);
	EXPECT_EQ(0, ci->dwCalledIDOffset);
	/* The fixed part is complete. */
	EXPECT_EQ(self->out, ci->hLine);
	EXPECT_EQ(0, ci->dwLineDeviceID);
	EXPECT_EQ(LINECALLORIGIN_OUTBOUND, ci->dwOrigin);
	EXPECT_EQ(1, ci->dwNumOwners);
	ASSERT_LE(need, 4096);

	memset(ci, 0, 4096);
	ci->dwTotalSize = need;
	ASSERT_EQ(0, lineGetCallInfo(self->hout, ci));
	EXPECT_EQ(need, ci->dwUsedSize);
	ASSERT_NE(0, ci->dwCalledIDSize);
	EXPECT_EQ(0, strcmp((char *)ci + ci->dwCalledIDOffset, "1001"));
	free(ci);
}

/* A monitor of the called line, open before the call: its handle is
 * announced, and it may not answer or drop. */
TEST_F(app, notowner)
{
	HLINEAPP mon_app = init_app("tapi-errors-monitor", NULL);
	HLINE out = open_line(self->app, 0, V22, LINECALLPRIVILEGE_NONE);
	HLINE in = open_line(self->app, 1, V22, LINECALLPRIVILEGE_OWNER);
	HLINE mon = open_line(mon_app, 1, V22, LINECALLPRIVILEGE_MONITOR);
	LINEMESSAGE m;
	HCALL call = 0, h;

	ASSERT_NE(0, mon_app);
	ASSERT_NE(0, out);
	ASSERT_NE(0, in);
	ASSERT_NE(0, mon);
	ASSERT_GT(lineMakeCall(out, &call, "1001", 0, NULL), 0);
	ASSERT_TRUE(wait_msg(mon_app, LINE_APPNEWCALL, mon, 0, &m, 5000));
	EXPECT_EQ(LINECALLPRIVILEGE_MONITOR, m.dwParam3);
	h = (HCALL)m.dwParam2;
	ASSERT_TRUE(wait_msg(mon_app, LINE_CALLSTATE, h, LINECALLSTATE_OFFERING,
			     &m, 5000));
	EXPECT_EQ(LINECALLPRIVILEGE_MONITOR, m.dwParam3);
	EXPECT_EQ(LINECALLPRIVILEGE_MONITOR, call_privilege(h));
	EXPECT_EQ(LINEERR_NOTOWNER, lineAnswer(h, NULL, 0));
	EXPECT_EQ(LINEERR_NOTOWNER, lineDrop(h, NULL, 0));
	EXPECT_EQ(LINECALLSTATE_OFFERING, call_state(h));
	EXPECT_EQ(0, lineShutdown(mon_app));
}

TEST_F(call, invalcallstate)
{
	LINEMESSAGE m;
	LONG req;

	/* The caller's leg is not OFFERING: it cannot be answered. */
	EXPECT_EQ(LINEERR_INVALCALLSTATE, lineAnswer(self->hout, NULL, 0));
	ASSERT_TRUE(answer(self));
	/* Nor a CONNECTED one. */
	EXPECT_EQ(LINEERR_INVALCALLSTATE, lineAnswer(self->hin, NULL, 0));
	req = lineDrop(self->hout, NULL, 0);
	ASSERT_GT(req, 0);
	ASSERT_TRUE(wait_msg(self->app, LINE_CALLSTATE, self->hout,
			     LINECALLSTATE_IDLE, &m, 5000));
	/* An IDLE call cannot be dropped. */
	EXPECT_EQ(LINEERR_INVALCALLSTATE, lineDrop(self->hout, NULL, 0));
}

TEST_F(call, setprivilege_invalid)
{
	EXPECT_EQ(LINEERR_INVALCALLPRIVILEGE, lineSetCallPrivilege(self->hin, 0));
	EXPECT_EQ(LINEERR_INVALCALLPRIVILEGE,
		  lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_NONE));
	EXPECT_EQ(LINEERR_INVALCALLPRIVILEGE,
		  lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_OWNER |
				       LINECALLPRIVILEGE_MONITOR));
	EXPECT_EQ(LINEERR_INVALCALLPRIVILEGE, lineSetCallPrivilege(self->hin, 0x8));
	EXPECT_EQ(LINECALLPRIVILEGE_OWNER, call_privilege(self->hin));
}

/* The sole owner of an active call cannot become a monitor. */
TEST_F(call, setprivilege_sole_owner_connected)
{
	ASSERT_TRUE(answer(self));
	ASSERT_EQ(LINEERR_INVALCALLSTATE,
		  lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_MONITOR));
	EXPECT_EQ(LINECALLPRIVILEGE_OWNER, call_privilege(self->hin));
	/* Asking for what it has is 0. */
	EXPECT_EQ(0, lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_OWNER));
}

/* The last owner of an OFFERING call may step back. */
TEST_F(call, setprivilege_last_owner_offering)
{
	DWORD owners = 9, monitors = 9;

	ASSERT_EQ(0, lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_MONITOR));
	EXPECT_EQ(LINECALLPRIVILEGE_MONITOR, call_privilege(self->hin));
	ASSERT_EQ(0, call_counts(self->hin, &owners, &monitors));
	EXPECT_EQ(0, owners);
	EXPECT_EQ(1, monitors);
	EXPECT_EQ(LINEERR_NOTOWNER, lineAnswer(self->hin, NULL, 0));
	/* And take it back. */
	EXPECT_EQ(0, lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_OWNER));
	EXPECT_EQ(LINECALLPRIVILEGE_OWNER, call_privilege(self->hin));
	EXPECT_EQ(LINECALLSTATE_OFFERING, call_state(self->hin));
}

/* A monitor takes ownership: two owners; one steps back again. */
TEST_F(call, setprivilege_monitor_to_owner)
{
	DWORD owners = 0, monitors = 0;
	HCALL h;

	ASSERT_TRUE(answer(self));
	ASSERT_TRUE(open_monitor(self));
	h = new_call(self);
	ASSERT_NE(0, h);
	EXPECT_EQ(0, lineSetCallPrivilege(h, LINECALLPRIVILEGE_OWNER));
	EXPECT_EQ(LINECALLPRIVILEGE_OWNER, call_privilege(h));
	ASSERT_EQ(0, call_counts(self->hin, &owners, &monitors));
	EXPECT_EQ(2, owners);
	EXPECT_EQ(0, monitors);
	/* Not the last owner any more: the first one may step back. */
	EXPECT_EQ(0, lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_MONITOR));
	ASSERT_EQ(0, call_counts(h, &owners, &monitors));
	EXPECT_EQ(1, owners);
	EXPECT_EQ(1, monitors);
}

TEST_F(call, getnewcalls_errors)
{
	LINECALLLIST list;

	ASSERT_TRUE(open_monitor(self));
	memset(&list, 0, sizeof(list));
	list.dwTotalSize = sizeof(list);
	EXPECT_EQ(LINEERR_INVALLINEHANDLE,
		  lineGetNewCalls(self->mon + 0x1000, 0, LINECALLSELECT_LINE, &list));
	EXPECT_EQ(LINEERR_INVALCALLSELECT,
		  lineGetNewCalls(self->mon, 0, LINECALLSELECT_CALL, &list));
	EXPECT_EQ(LINEERR_INVALCALLSELECT, lineGetNewCalls(self->mon, 0, 0, &list));
	EXPECT_EQ(LINEERR_INVALADDRESSID,
		  lineGetNewCalls(self->mon, 1, LINECALLSELECT_ADDRESS, &list));
	EXPECT_EQ(LINEERR_INVALPOINTER,
		  lineGetNewCalls(self->mon, 0, LINECALLSELECT_LINE, NULL));
	list.dwTotalSize = sizeof(list) - 1;
	EXPECT_EQ(LINEERR_STRUCTURETOOSMALL,
		  lineGetNewCalls(self->mon, 0, LINECALLSELECT_LINE, &list));
}

/*
 * lineGetNewCalls with no room for a handle makes none and says what a
 * full list needs; the next one with room gets the call, as MONITOR; a
 * third finds nothing new.
 */
TEST_F(call, getnewcalls)
{
	LINECALLLIST list;
	HCALL h;

	ASSERT_TRUE(open_monitor(self));
	memset(&list, 0, sizeof(list));
	list.dwTotalSize = sizeof(list);
	ASSERT_EQ(0, lineGetNewCalls(self->mon, 0, LINECALLSELECT_LINE, &list));
	EXPECT_EQ(0, list.dwCallsNumEntries);
	EXPECT_EQ(sizeof(list) + sizeof(HCALL), list.dwNeededSize);
	EXPECT_EQ(sizeof(list), list.dwUsedSize);
	h = new_call(self);
	ASSERT_NE(0, h);
	EXPECT_EQ(LINECALLPRIVILEGE_MONITOR, call_privilege(h));
	EXPECT_EQ(LINECALLSTATE_OFFERING, call_state(h));
	memset(&list, 0, sizeof(list));
	list.dwTotalSize = sizeof(list);
	ASSERT_EQ(0, lineGetNewCalls(self->mon, 0, LINECALLSELECT_LINE, &list));
	EXPECT_EQ(0, list.dwCallsNumEntries);
	EXPECT_EQ(sizeof(list), list.dwNeededSize);
	/* No LINE_APPNEWCALL announces a handle of lineGetNewCalls. */
	EXPECT_EQ(0, count_msgs(self->mon_app, LINE_APPNEWCALL, 200));
}

/*
 * LINE_CALLINFO: the other holders of a call learn of a new monitor, a
 * new owner and an owner gone (NUMMONITORS, NUMOWNERINCR, NUMOWNERDECR);
 * the application that made the change does not.  The call is CONNECTED,
 * a late monitor (lineGetNewCalls) holds h; what came before is read.
 */
static HCALL callinfo_setup(FIXTURE_DATA(call) *self)
{
	HCALL h;

	if (!answer(self) || !open_monitor(self))
		return 0;
	count_msgs(self->app, LINE_CALLINFO, 100);
	h = new_call(self);
	count_msgs(self->mon_app, LINE_CALLINFO, 100);
	return h;
}

TEST_F(call, callinfo_nummonitors)
{
	LINEMESSAGE m;

	ASSERT_TRUE(answer(self));
	ASSERT_TRUE(open_monitor(self));
	count_msgs(self->app, LINE_CALLINFO, 100);
	ASSERT_NE(0, new_call(self));
	ASSERT_TRUE(wait_msg(self->app, LINE_CALLINFO, self->hin, 0, &m, 3000));
	EXPECT_TRUE(m.dwParam1 & LINECALLINFOSTATE_NUMMONITORS);
	EXPECT_EQ(0, count_msgs(self->mon_app, LINE_CALLINFO, 200));
}

TEST_F(call, callinfo_numownerincr)
{
	LINEMESSAGE m;
	HCALL h = callinfo_setup(self);

	ASSERT_NE(0, h);
	count_msgs(self->app, LINE_CALLINFO, 100);
	ASSERT_EQ(0, lineSetCallPrivilege(h, LINECALLPRIVILEGE_OWNER));
	ASSERT_TRUE(wait_msg(self->app, LINE_CALLINFO, self->hin, 0, &m, 3000));
	EXPECT_TRUE(m.dwParam1 & LINECALLINFOSTATE_NUMOWNERINCR);
	EXPECT_EQ(0, count_msgs(self->mon_app, LINE_CALLINFO, 200));
}

TEST_F(call, callinfo_numownerdecr)
{
	LINEMESSAGE m;
	HCALL h = callinfo_setup(self);

	ASSERT_NE(0, h);
	ASSERT_EQ(0, lineSetCallPrivilege(h, LINECALLPRIVILEGE_OWNER));
	count_msgs(self->app, LINE_CALLINFO, 200);
	ASSERT_EQ(0, lineSetCallPrivilege(self->hin, LINECALLPRIVILEGE_MONITOR));
	ASSERT_TRUE(wait_msg(self->mon_app, LINE_CALLINFO, h, 0, &m, 3000));
	EXPECT_TRUE(m.dwParam1 & LINECALLINFOSTATE_NUMOWNERDECR);
	EXPECT_EQ(0, count_msgs(self->app, LINE_CALLINFO, 200));
}

/* No LINE_CALLINFO after IDLE (a deallocation of an idle call). */
TEST_F(call, callinfo_none_after_idle)
{
	LINEMESSAGE m;
	HCALL h;
	LONG req;

	ASSERT_TRUE(answer(self));
	ASSERT_TRUE(open_monitor(self));
	h = new_call(self);
	ASSERT_NE(0, h);
	req = lineDrop(self->hin, NULL, 0);
	ASSERT_GT(req, 0);
	ASSERT_TRUE(wait_msg(self->mon_app, LINE_CALLSTATE, h, LINECALLSTATE_IDLE,
			     &m, 5000));
	ASSERT_EQ(0, lineDeallocateCall(self->hin));
	EXPECT_EQ(0, count_msgs(self->mon_app, LINE_CALLINFO, 300));
}

/* TAPI 2.x lets the sole owner of an active call deallocate it; a line
 * opened at 1.4 gets LINEERR_INVALCALLSTATE. */
TEST_F(app, dealloc_sole_owner_by_version)
{
	LINEMESSAGE m;
	HLINE in = open_line(self->app, 1, V22, LINECALLPRIVILEGE_OWNER);
	HLINE out14 = open_line(self->app, 0, V14, LINECALLPRIVILEGE_NONE);
	HCALL call = 0;
	LONG req;

	ASSERT_NE(0, in);
	ASSERT_NE(0, out14);
	req = lineMakeCall(out14, &call, "1001", 0, NULL);
	ASSERT_GT(req, 0);
	ASSERT_TRUE(wait_msg(self->app, LINE_REPLY, 0, (DWORD_PTR)req, &m, 5000));
	ASSERT_NE(0, call);
	ASSERT_TRUE(wait_msg(self->app, LINE_CALLSTATE, call, LINECALLSTATE_RINGBACK,
			     &m, 5000));
	EXPECT_EQ(LINEERR_INVALCALLSTATE, lineDeallocateCall(call));
	EXPECT_EQ(LINECALLSTATE_RINGBACK, call_state(call));
}

TEST_F(call, dealloc_sole_owner_v2)
{
	/* 2.2: allowed; the handle is void after. */
	EXPECT_EQ(0, lineDeallocateCall(self->hout));
	EXPECT_EQ(0, call_state(self->hout));
}

/* A few of the functions libtapi does not implement. */
TEST_F(app, operationunavail)
{
	HLINE line = open_line(self->app, 0, V22, LINECALLPRIVILEGE_NONE);
	HCALL call = 0;
	DWORD rings = 0;

	ASSERT_NE(0, line);
	EXPECT_EQ(LINEERR_OPERATIONUNAVAIL, lineHold(1));
	EXPECT_EQ(LINEERR_OPERATIONUNAVAIL, lineUnhold(1));
	EXPECT_EQ(LINEERR_OPERATIONUNAVAIL, lineConfigDialog(0, NULL, NULL));
	EXPECT_EQ(LINEERR_OPERATIONUNAVAIL, lineGetNumRings(line, 0, &rings));
	/* An asynchronous one: a negative LONG, no request id. */
	EXPECT_EQ(LINEERR_OPERATIONUNAVAIL, lineDial(1, "1", 0));
	EXPECT_EQ(LINEERR_OPERATIONUNAVAIL, lineForward(line, 1, 0, NULL, 0, &call, NULL));
	EXPECT_EQ(0, count_msgs(self->app, LINE_REPLY, 200));
	EXPECT_EQ(0, lineClose(line));
}

TEST_HARNESS_MAIN
