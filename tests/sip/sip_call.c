// SPDX-License-Identifier: GPL-2.0
/*
 * sip_call: calls between two ktapi-sipd daemons, as applications see them
 * (issue 12, section 4; the mapping of ktapi-sipd(8)).
 *
 * Run by tests/sip/sip_vm_test.sh in the test VM, with two daemons in two
 * network namespaces peering each other; each test opens a line of each
 * (the devices found by GET_DEVCAPS address and provider name):
 *
 *  - caller_hangs_up, callee_hangs_up: A on daemon A calls B on daemon B,
 *    B gets APPNEWCALL (INBOUND, caller and called address), answers, both
 *    CONNECTED; one drops (IDLE), the other sees DISCONNECTED NORMAL (the
 *    BYE) and drops; GET_CALL_INFO works on both IDLE legs; deallocating
 *    the last handles sends CLOSECALL: each daemon's "closecalls" grows by
 *    one and its "dialogs" and "calls" return to 0 (the --stats files);
 *  - callee_rejects: B drops the OFFERING call (603 Decline): A sees
 *    DISCONNECTED REJECT;
 *  - killed_and_restarted: daemon B is killed (SIGKILL) with a call
 *    CONNECTED: B's line gets LINE_CLOSE, its handle is void (EBADFD: the
 *    line was force-closed), every file gets LINE_REMOVE and the old
 *    device id is ENODEV; A hangs up (IDLE: daemon A's BYE goes nowhere);
 *    daemon B is started again: LINE_CREATE of a new device id with the
 *    same address, and a call to it works.
 *
 * Environment (all required; a missing one fails the test):
 *   SIP_A_ADDR, SIP_B_ADDR    the line numbers of the two daemons
 *   SIP_A_NAME, SIP_B_NAME    their --name (the provider name)
 *   SIP_A_STATS, SIP_B_STATS  their --stats files
 *   SIP_B_PIDFILE             the file holding daemon B's pid
 *   SIP_B_RESTART             a shell command that starts daemon B again,
 *                             writes its pid to SIP_B_PIDFILE and returns
 *                             once it is ready
 */

#define _GNU_SOURCE
#include <signal.h>

#include "ktapi_utils.h"

/* SIP over a veth pair in a TCG guest: generous waits (T1 is 500 ms). */
#define SIP_WAIT_MS	10000
/* States an outgoing leg may pass through before it is answered. */
#define SETUP_STATES	(KTAPI_CALLSTATE_PROCEEDING | S_RINGBACK)

struct sipd_env {
	const char *addr, *name, *stats;
};

static const char *need_env(struct __test_metadata *_metadata, const char *name)
{
	const char *v = getenv(name);

	ASSERT_TRUE(v && *v) TH_LOG("%s is not set (run by sip_vm_test.sh)", name);
	return v;
}
#define ENV(name)	need_env(_metadata, name)

/* The device of daemon @e's line @e->addr, or -1. */
static long find_dev(int fd, const struct sipd_env *e)
{
	struct ktapi_devcaps caps;
	__u32 i, n = kt_num_devices(fd);

	for (i = 0; i < n; i++) {
		if (kt_devcaps(fd, i, &caps))
			continue;
		if (caps.kind == KTAPI_DEVICE_PROVIDER &&
		    !strcmp(caps.address, e->addr) &&
		    !strcmp(caps.provider_name, e->name))
			return i;
	}
	return -1;
}

/* A counter of a daemon's --stats file, or -1. */
static long long sipd_stat(const struct sipd_env *e, const char *key)
{
	return kt_read_value(e->stats, key);
}

/* Wait up to SIP_WAIT_MS for counter @key of @e to read @want. */
static void __wait_stat(struct __test_metadata *_metadata, int line,
			const struct sipd_env *e, const char *key,
			long long want)
{
	__u64 end = kt_now_ns() + SIP_WAIT_MS * 1000000ULL;
	long long v;

	while ((v = sipd_stat(e, key)) != want && kt_now_ns() < end)
		kt_sleep_ms(50);
	EXPECT_EQ(want, v) {
		TH_LOG("line %d: %s of %s (%s) is %lld, want %lld", line, key,
		       e->name, e->stats, v, want);
	}
}
#define WAIT_STAT(e, key, want)	__wait_stat(_metadata, __LINE__, e, key, want)

/* Milliseconds left until @end (0: past it). */
static int ms_left(__u64 end)
{
	__u64 now = kt_now_ns();

	return now >= end ? 0 : (int)((end - now) / 1000000ULL) + 1;
}

/*
 * Read @fd's records until the CALLSTATE of handle @h to @state; it must
 * carry @mode.  The records before it may only be CALLSTATEs of @h to one
 * of the states of @may_pass, or LINE_CREATE and LINE_REMOVE (every open
 * file gets those, whatever its line).
 */
static void __wait_cs(struct __test_metadata *_metadata, int line, int fd,
		      __u32 h, __u32 state, __u32 mode, __u32 may_pass)
{
	__u64 end = kt_now_ns() + SIP_WAIT_MS * 1000000ULL;
	struct ktapi_event ev;
	int err;

	for (;;) {
		err = kt_read_event(fd, &ev, ms_left(end));
		ASSERT_EQ(0, err) {
			TH_LOG("line %d: no CALLSTATE %s of handle %u within %d ms: %s",
			       line, state_name(state), h, SIP_WAIT_MS,
			       kt_errname(err));
		}
		if (ev.type == EV_LCREATE || ev.type == EV_LREMOVE)
			continue;
		ASSERT_TRUE(ev.type == EV_CS && ev.handle == h) {
			TH_LOG("line %d: waiting for %s of handle %u, got %s handle %u %s",
			       line, state_name(state), h, ev_type_name(ev.type),
			       ev.handle, state_name(ev.state));
		}
		if (ev.state == state)
			break;
		ASSERT_TRUE(ev.state & may_pass) {
			TH_LOG("line %d: %s of handle %u before %s", line,
			       state_name(ev.state), h, state_name(state));
		}
	}
	EXPECT_EQ(mode, ev.state_mode) {
		TH_LOG("line %d: %s of handle %u with mode %#x, want %#x", line,
		       state_name(state), h, ev.state_mode, mode);
	}
}
#define WAIT_CS(fd, h, state, mode, may_pass)				\
	__wait_cs(_metadata, __LINE__, fd, h, state, mode, may_pass)

/* An incoming call on @fd (OWNER): APPNEWCALL and CALLSTATE OFFERING. */
static __u32 __wait_new(struct __test_metadata *_metadata, int line, int fd,
			__u32 *call_id)
{
	struct ktapi_event ev;
	int err = kt_read_event(fd, &ev, SIP_WAIT_MS);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: no APPNEWCALL within %d ms: %s", line,
		       SIP_WAIT_MS, kt_errname(err));
	}
	ASSERT_TRUE(ev.type == EV_NEW && ev.state == S_OFFERING &&
		    ev.privilege == P_OWN && ev.handle && ev.call_id) {
		TH_LOG("line %d: want APPNEWCALL OFFERING OWNER, got %s %s priv %#x",
		       line, ev_type_name(ev.type), state_name(ev.state),
		       ev.privilege);
	}
	*call_id = ev.call_id;
	__wait_cs(_metadata, line, fd, ev.handle, S_OFFERING, 0, 0);
	return ev.handle;
}
#define WAIT_NEW(fd, cid)	__wait_new(_metadata, __LINE__, fd, cid)

FIXTURE(sip) {
	struct sipd_env da, db;
	__u32 dev_a, dev_b;
	int a, b;		/* OWNER lines on dev_a, dev_b */
	long long closed_a, closed_b;	/* closecalls at the start */
};

/* Find both devices and open a line on each. */
FIXTURE_SETUP(sip)
{
	int fd;
	long d;

	self->a = self->b = -1;
	self->da.addr = ENV("SIP_A_ADDR");
	self->da.name = ENV("SIP_A_NAME");
	self->da.stats = ENV("SIP_A_STATS");
	self->db.addr = ENV("SIP_B_ADDR");
	self->db.name = ENV("SIP_B_NAME");
	self->db.stats = ENV("SIP_B_STATS");
	ASSERT_EQ(0, access(KTAPI_DEV, F_OK)) TH_LOG("%s: module not loaded", KTAPI_DEV);
	fd = FD();
	d = find_dev(fd, &self->da);
	ASSERT_LE(0, d) TH_LOG("no device %s of provider %s", self->da.addr, self->da.name);
	self->dev_a = (__u32)d;
	d = find_dev(fd, &self->db);
	ASSERT_LE(0, d) TH_LOG("no device %s of provider %s", self->db.addr, self->db.name);
	self->dev_b = (__u32)d;
	close(fd);
	/* No call left over from before. */
	WAIT_STAT(&self->da, "dialogs", 0);
	WAIT_STAT(&self->db, "dialogs", 0);
	self->closed_a = sipd_stat(&self->da, "closecalls");
	self->closed_b = sipd_stat(&self->db, "closecalls");
	ASSERT_LE(0, self->closed_a);
	ASSERT_LE(0, self->closed_b);
	self->a = LINE(self->dev_a, P_OWN);
	self->b = LINE(self->dev_b, P_OWN);
}

FIXTURE_TEARDOWN(sip)
{
	close_fd(&self->a);
	close_fd(&self->b);
}

/*
 * A calls B and B answers: both CONNECTED.  The handles and call ids in
 * @ha, @ca, @hb, @cb.
 */
static void __connect(struct __test_metadata *_metadata, int a, int b,
		      const struct sipd_env *da, const struct sipd_env *db,
		      __u32 *ha, __u32 *ca, __u32 *hb, __u32 *cb)
{
	struct ktapi_call_info ci;

	ASSERT_OK(kt_make_call(a, db->addr, ha, ca));
	WAIT_CS(a, *ha, S_DIALING, 0, 0);
	*hb = WAIT_NEW(b, cb);
	GET_INFO(b, *hb, &ci);
	EXPECT_EQ(KTAPI_CALLORIGIN_INBOUND, ci.origin);
	EXPECT_EQ(S_OFFERING, ci.state);
	EXPECT_STREQ(da->addr, ci.caller_address);
	EXPECT_STREQ(db->addr, ci.called_address);
	/* 180 Ringing: RINGBACK (after a 100 Trying's PROCEEDING, maybe). */
	WAIT_CS(a, *ha, S_RINGBACK, 0, KTAPI_CALLSTATE_PROCEEDING);
	ASSERT_OK(kt_answer(b, *hb));
	WAIT_CS(b, *hb, S_CONNECTED, 0, 0);
	WAIT_CS(a, *ha, S_CONNECTED, 0, SETUP_STATES);
	GET_INFO(a, *ha, &ci);
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ci.origin);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_STREQ(db->addr, ci.called_address);
	/* Both daemons hold one dialog each (their files lag up to 0.1 s). */
	WAIT_STAT(da, "dialogs", 1);
	WAIT_STAT(db, "dialogs", 1);
}
#define CONNECT(a, b, ha, ca, hb, cb)					\
	__connect(_metadata, a, b, &self->da, &self->db, ha, ca, hb, cb)

/* GET_CALL_INFO of an IDLE leg that was @seen (states) and is @origin. */
static void __idle_info(struct __test_metadata *_metadata, int line, int fd,
			__u32 h, __u32 cid, __u32 origin, __u32 seen)
{
	struct ktapi_call_info ci;

	__kt_get_info(_metadata, fd, h, &ci, line);
	EXPECT_EQ(cid, ci.call_id) TH_LOG("line %d", line);
	EXPECT_EQ(origin, ci.origin) TH_LOG("line %d", line);
	EXPECT_EQ(S_IDLE, ci.state) TH_LOG("line %d", line);
	EXPECT_EQ(0, ci.state_mode) TH_LOG("line %d", line);
	EXPECT_EQ(seen | S_IDLE, ci.states_seen & (seen | S_IDLE)) {
		TH_LOG("line %d: states_seen %#x, want at least %#x", line,
		       ci.states_seen, seen | S_IDLE);
	}
}
#define IDLE_INFO(fd, h, cid, origin, seen)				\
	__idle_info(_metadata, __LINE__, fd, h, cid, origin, seen)

/*
 * Deallocate both legs' handles: each daemon gets its CLOSECALL, frees
 * the dialog and keeps no leg.
 */
static void __release(struct __test_metadata *_metadata, int a, int b,
		      __u32 ha, __u32 hb, const struct sipd_env *da,
		      const struct sipd_env *db, long long closed_a,
		      long long closed_b)
{
	/* IDLE legs with their handles: no CLOSECALL yet. */
	EXPECT_EQ(closed_a, sipd_stat(da, "closecalls"));
	EXPECT_EQ(closed_b, sipd_stat(db, "closecalls"));
	ASSERT_OK(kt_dealloc(a, ha));
	ASSERT_OK(kt_dealloc(b, hb));
	EXPECT_ERRNO(ENOENT, kt_dealloc(a, ha));
	WAIT_STAT(da, "closecalls", closed_a + 1);
	WAIT_STAT(db, "closecalls", closed_b + 1);
	WAIT_STAT(da, "dialogs", 0);
	WAIT_STAT(db, "dialogs", 0);
	WAIT_STAT(da, "calls", 0);
	WAIT_STAT(db, "calls", 0);
}
#define RELEASE(ha, hb)							\
	__release(_metadata, self->a, self->b, ha, hb, &self->da, &self->db, \
		  self->closed_a, self->closed_b)

/*
 * @first hangs up its CONNECTED leg @hf (IDLE); the BYE makes @second's
 * leg @hs DISCONNECTED NORMAL, and @second hangs up too.
 */
static void __hang_up(struct __test_metadata *_metadata, int first, __u32 hf,
		      int second, __u32 hs)
{
	ASSERT_OK(kt_drop(first, hf));
	WAIT_CS(first, hf, S_IDLE, 0, 0);
	WAIT_CS(second, hs, S_DISC, M_NORMAL, 0);
	ASSERT_OK(kt_drop(second, hs));
	WAIT_CS(second, hs, S_IDLE, 0, 0);
}
#define HANG_UP(first, hf, second, hs)	__hang_up(_metadata, first, hf, second, hs)

TEST_F_TIMEOUT(sip, caller_hangs_up, 90)
{
	__u32 ha, ca, hb, cb;

	CONNECT(self->a, self->b, &ha, &ca, &hb, &cb);
	HANG_UP(self->a, ha, self->b, hb);
	IDLE_INFO(self->a, ha, ca, KTAPI_CALLORIGIN_OUTBOUND,
		  S_DIALING | S_CONNECTED);
	IDLE_INFO(self->b, hb, cb, KTAPI_CALLORIGIN_INBOUND,
		  S_OFFERING | S_CONNECTED | S_DISC);
	RELEASE(ha, hb);
}

TEST_F_TIMEOUT(sip, callee_hangs_up, 90)
{
	__u32 ha, ca, hb, cb;

	CONNECT(self->a, self->b, &ha, &ca, &hb, &cb);
	HANG_UP(self->b, hb, self->a, ha);
	IDLE_INFO(self->a, ha, ca, KTAPI_CALLORIGIN_OUTBOUND,
		  S_DIALING | S_CONNECTED | S_DISC);
	IDLE_INFO(self->b, hb, cb, KTAPI_CALLORIGIN_INBOUND,
		  S_OFFERING | S_CONNECTED);
	RELEASE(ha, hb);
}

/* DROP of an OFFERING call: 603 Decline, the caller's leg REJECT. */
TEST_F_TIMEOUT(sip, callee_rejects, 90)
{
	__u32 ha, ca, hb, cb;

	ASSERT_OK(kt_make_call(self->a, self->db.addr, &ha, &ca));
	WAIT_CS(self->a, ha, S_DIALING, 0, 0);
	hb = WAIT_NEW(self->b, &cb);
	ASSERT_OK(kt_drop(self->b, hb));
	WAIT_CS(self->b, hb, S_IDLE, 0, 0);
	WAIT_CS(self->a, ha, S_DISC, M_REJECT, SETUP_STATES);
	ASSERT_OK(kt_drop(self->a, ha));
	WAIT_CS(self->a, ha, S_IDLE, 0, 0);
	IDLE_INFO(self->a, ha, ca, KTAPI_CALLORIGIN_OUTBOUND,
		  S_DIALING | S_DISC);
	IDLE_INFO(self->b, hb, cb, KTAPI_CALLORIGIN_INBOUND, S_OFFERING);
	RELEASE(ha, hb);
}

/*
 * Records on @fd up to its LINE_CLOSE: only LINE_REMOVEs may come before
 * it; then the end of the file.
 */
static void __wait_line_close(struct __test_metadata *_metadata, int fd)
{
	__u64 end = kt_now_ns() + SIP_WAIT_MS * 1000000ULL;
	struct ktapi_event ev;
	int err;

	for (;;) {
		err = kt_read_event(fd, &ev, ms_left(end));
		ASSERT_EQ(0, err) TH_LOG("no LINE_CLOSE: %s", kt_errname(err));
		if (ev.type == EV_CLOSE)
			break;
		ASSERT_EQ(EV_LREMOVE, ev.type) {
			TH_LOG("%s %s before LINE_CLOSE", ev_type_name(ev.type),
			       state_name(ev.state));
		}
	}
	EXPECT_EQ(EPIPE, kt_read_event(fd, &ev, 0));
}

/* Read @fd's device records until the one of @type (LINE_REMOVE or LINE_CREATE) of @dev. */
static void __wait_dev_event(struct __test_metadata *_metadata, int line,
			     int fd, __u32 type, __u32 dev)
{
	__u64 end = kt_now_ns() + SIP_WAIT_MS * 1000000ULL;
	struct ktapi_event ev;
	int err;

	do {
		err = kt_read_event(fd, &ev, ms_left(end));
		ASSERT_EQ(0, err) {
			TH_LOG("line %d: no %s of device %u: %s", line,
			       ev_type_name(type), dev, kt_errname(err));
		}
		ASSERT_TRUE(ev.type == EV_LREMOVE || ev.type == EV_LCREATE) {
			TH_LOG("line %d: %s while waiting for %s", line,
			       ev_type_name(ev.type), ev_type_name(type));
		}
	} while (ev.type != type || ev.device_id != dev);
}
#define WAIT_DEV_EVENT(fd, type, dev)					\
	__wait_dev_event(_metadata, __LINE__, fd, type, dev)

static pid_t read_pid(struct __test_metadata *_metadata, const char *file)
{
	long long pid = kt_read_value(file, NULL);

	ASSERT_LT(1, pid) TH_LOG("no pid in %s", file);
	return (pid_t)pid;
}

TEST_F_TIMEOUT(sip, killed_and_restarted, 120)
{
	const char *pidfile = ENV("SIP_B_PIDFILE");
	const char *restart = ENV("SIP_B_RESTART");
	struct ktapi_devcaps caps;
	struct ktapi_call_info ci;
	__u32 ha, ca, hb, cb;
	int watch = FD();	/* no line: LINE_CREATE and LINE_REMOVE */
	pid_t pid = read_pid(_metadata, pidfile);
	long nb;

	CONNECT(self->a, self->b, &ha, &ca, &hb, &cb);
	ASSERT_OK(kt_err(kill(pid, SIGKILL)));

	/* B's line is force-closed, its handle void, the device gone. */
	__wait_line_close(_metadata, self->b);
	EXPECT_ERRNO(EBADFD, kt_info(self->b, hb, &ci));
	EXPECT_ERRNO(EBADFD, kt_drop(self->b, hb));
	EXPECT_ERRNO(EBADFD, kt_dealloc(self->b, hb));
	WAIT_DEV_EVENT(watch, EV_LREMOVE, self->dev_b);
	EXPECT_ERRNO(ENODEV, kt_devcaps(watch, self->dev_b, &caps));
	close_fd(&self->b);

	/* A's daemon was told nothing: A hangs up (its BYE goes nowhere). */
	GET_INFO(self->a, ha, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	ASSERT_OK(kt_drop(self->a, ha));
	WAIT_CS(self->a, ha, S_IDLE, 0, 0);
	ASSERT_OK(kt_dealloc(self->a, ha));
	WAIT_STAT(&self->da, "closecalls", self->closed_a + 1);
	WAIT_STAT(&self->da, "dialogs", 0);

	/* Started again: the line comes back with a new device id. */
	ASSERT_EQ(0, system(restart)) TH_LOG("SIP_B_RESTART '%s' failed", restart);
	nb = find_dev(watch, &self->db);
	ASSERT_LE(0, nb) TH_LOG("no device %s of %s after the restart",
				self->db.addr, self->db.name);
	EXPECT_LT(self->dev_b, (__u32)nb);
	WAIT_DEV_EVENT(watch, EV_LCREATE, (__u32)nb);
	EXPECT_NE(pid, read_pid(_metadata, pidfile));
	self->dev_b = (__u32)nb;
	self->closed_a = sipd_stat(&self->da, "closecalls");
	self->closed_b = sipd_stat(&self->db, "closecalls");
	EXPECT_EQ(0, self->closed_b);

	/* And a call to it works. */
	self->b = LINE(self->dev_b, P_OWN);
	CONNECT(self->a, self->b, &ha, &ca, &hb, &cb);
	HANG_UP(self->a, ha, self->b, hb);
	RELEASE(ha, hb);
	close(watch);
}

TEST_HARNESS_MAIN
