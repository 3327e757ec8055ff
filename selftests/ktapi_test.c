// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests.
 *
 * The contract tested here is ../../shared/ABI.md as restated (and made
 * precise) by uapi/linux/ktapi.h, plus the internal facts of
 * docs/DESIGN-NOTES.md (device addresses, event sequences, debugfs stats).
 *
 * Only raw ioctls are used, so the same file built with -m32 checks that
 * every command works through compat_ptr_ioctl.  Every test runs in its own
 * forked child (kselftest harness), so files it leaves open are closed
 * before the next test starts.  Nothing assumes module parameter defaults:
 * lines, event_queue_len and max_handles are read from sysfs.
 */


#define _GNU_SOURCE

#include <grp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>

#include "ktapi_utils.h"

/*
 * Layout: ABI.md fixes the field lists; these sizes and offsets follow from
 * them and must be the same for -m32 and 64-bit builds (no compat layer).
 */
_Static_assert(sizeof(struct ktapi_devcaps) == 80, "devcaps size");
_Static_assert(sizeof(struct ktapi_line_open) == 24, "line_open size");
_Static_assert(sizeof(struct ktapi_make_call) == 80, "make_call size");
_Static_assert(offsetof(struct ktapi_make_call, handle) == 72, "make_call");
_Static_assert(sizeof(struct ktapi_call_op) == 16, "call_op size");
_Static_assert(sizeof(struct ktapi_close_line_device) == 16, "close size");
_Static_assert(sizeof(struct ktapi_call_info) == 200, "call_info size");
_Static_assert(offsetof(struct ktapi_call_info, create_time_ns) == 56, "info");
_Static_assert(offsetof(struct ktapi_call_info, caller_address) == 72, "info");
_Static_assert(offsetof(struct ktapi_call_info, called_address) == 136, "info");
_Static_assert(sizeof(struct ktapi_event) == 40, "event size");
_Static_assert(offsetof(struct ktapi_event, time_ns) == 32, "event");

/* The call fixture needs this much room in a queue and a handle space. */
#define CALL_MIN_QUEUE		16
#define CALL_MIN_HANDLES	32

/* Limit tests fill a file's whole handle space; skip beyond this. */
#define FILL_LIMIT	(1UL << 18)

static int drop_privileges(void)
{
	if (setgroups(0, NULL))
		return -1;
	if (setresgid(65534, 65534, 65534))
		return -1;
	return setresuid(65534, 65534, 65534);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ====================================================================== */
/* A file of /dev/ktapi without LINE_OPEN.                                */

FIXTURE(dev) {
	struct ktapi_params p;
	int fd;
};

FIXTURE_SETUP(dev)
{
	KT_REQUIRE(&self->p);
	self->fd = FD();
}

FIXTURE_TEARDOWN(dev)
{
	close_fd(&self->fd);
}

/* GET_DEVCAPS: num_devices is the "lines" parameter, addresses "1000 + N". */
TEST_F(dev, devcaps_all_devices)
{
	struct ktapi_devcaps caps;
	char want[KTAPI_ADDRESS_MAX];
	__u32 d;

	for (d = 0; d < self->p.lines; d++) {
		ASSERT_OK(kt_devcaps(self->fd, d, &caps));
		EXPECT_EQ(self->p.lines, caps.num_devices);
		ASSERT_TRUE(memchr(caps.address, 0, sizeof(caps.address)) != NULL);
		snprintf(want, sizeof(want), "%u", 1000 + d);
		EXPECT_STREQ(want, caps.address);
	}
}

/* The address array is written in full: NUL padded, nothing left over. */
TEST_F(dev, devcaps_output_fully_written)
{
	struct ktapi_devcaps caps;
	size_t len, i;

	memset(&caps, 0xa5, sizeof(caps));
	caps.size = sizeof(caps);
	caps.flags = 0;
	caps.device_id = 0;
	ASSERT_OK(kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, &caps)));
	EXPECT_EQ(self->p.lines, caps.num_devices);
	len = strnlen(caps.address, sizeof(caps.address));
	ASSERT_GT(sizeof(caps.address), len);
	EXPECT_STREQ("1000", caps.address);
	for (i = len; i < sizeof(caps.address); i++) {
		EXPECT_EQ(0, caps.address[i]) TH_LOG("address[%zu]", i);
	}
}

TEST_F(dev, devcaps_bad_device_enodev)
{
	struct ktapi_devcaps caps;

	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, self->p.lines, &caps));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, self->p.lines + 1, &caps));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, 0xffffffff, &caps));
	ASSERT_OK(kt_devcaps(self->fd, self->p.lines - 1, &caps));
}

TEST_F(dev, devcaps_on_open_line)
{
	struct ktapi_devcaps caps;

	ASSERT_OK(kt_line_open(self->fd, 0, P_NONE, API_CUR));
	ASSERT_OK(kt_devcaps(self->fd, self->p.lines - 1, &caps));
	EXPECT_EQ(self->p.lines, caps.num_devices);
}

TEST_F(dev, line_open_valid_privileges)
{
	static const __u32 privs[] = { P_NONE, P_MON, P_OWN, P_MON | P_OWN };
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(privs); i++) {
		fd = FD();
		EXPECT_OK(kt_line_open(fd, 0, privs[i], API_CUR));
		close(fd);
	}
}

/* privileges: NONE, or a non-empty OR of MONITOR and OWNER. */
TEST_F(dev, line_open_bad_privileges_einval)
{
	static const __u32 privs[] = {
		0, P_NONE | P_OWN, P_NONE | P_MON, P_NONE | P_MON | P_OWN,
		0x8, 0x8 | P_OWN, 0x10 | P_MON, 0x80000000 | P_OWN, 0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(privs); i++)
		EXPECT_ERRNO(EINVAL, kt_line_open(self->fd, 0, privs[i], API_CUR));
	/* Nothing was opened by the failures. */
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
}

TEST_F(dev, line_open_api_versions_accepted)
{
	static const __u32 apis[] = {
		KTAPI_API_VERSION_1_3, KTAPI_API_VERSION_1_4, 0x0001ffff,
		KTAPI_API_VERSION_2_0, 0x00020001, KTAPI_API_VERSION_2_2,
	};
	unsigned int i;
	int fd, err;

	for (i = 0; i < ARRAY_SIZE(apis); i++) {
		fd = FD();
		err = kt_line_open(fd, 0, P_OWN, apis[i]);
		EXPECT_EQ(0, err) {
			TH_LOG("api %#x: %s", apis[i], kt_errname(err));
		}
		close(fd);
	}
}

TEST_F(dev, line_open_api_versions_rejected)
{
	static const __u32 apis[] = {
		0, 0x00010000, 0x00010002, 0x00020003, 0x00030000, 0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(apis); i++)
		EXPECT_ERRNO(EPROTONOSUPPORT,
			     kt_line_open(self->fd, 0, P_OWN, apis[i]));
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, KTAPI_API_VERSION_MIN));
}

TEST_F(dev, line_open_bad_device_enodev)
{
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, self->p.lines, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, self->p.lines + 1, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, 0xffffffff, P_OWN, API_CUR));
	ASSERT_OK(kt_line_open(self->fd, self->p.lines - 1, P_OWN, API_CUR));
}

TEST_F(dev, line_open_twice_ebusy)
{
	__u32 h;

	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, 0, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, self->p.lines - 1, P_MON,
					 KTAPI_API_VERSION_1_4));
	/* The first LINE_OPEN still stands. */
	ASSERT_OK(kt_make_call(self->fd, "999", &h, NULL));
}

/* Line state is checked before field values: a second open is EBUSY. */
TEST_F(dev, line_open_twice_ebusy_before_values)
{
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, self->p.lines, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, 0, 0, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, 0, P_OWN, 0));
}

/* Flags and reserved fields are checked before the line state. */
TEST_F(dev, line_open_twice_flags_reserved_einval)
{
	struct ktapi_line_open lo = {
		.size = sizeof(lo), .device_id = 0, .privileges = P_OWN,
		.api_version = API_CUR,
	};

	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	lo.flags = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_LINE_OPEN, &lo)));
	lo.flags = 0;
	lo.reserved = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_LINE_OPEN, &lo)));
}

/* Every ioctl that needs an open line is EBADFD before LINE_OPEN. */
TEST_F(dev, line_ioctls_before_line_open_ebadfd)
{
	struct ktapi_call_info ci;

	EXPECT_ERRNO(EBADFD, kt_make_call(self->fd, "999", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_answer(self->fd, 1));
	EXPECT_ERRNO(EBADFD, kt_drop(self->fd, 1));
	EXPECT_ERRNO(EBADFD, kt_info(self->fd, 1, &ci));
	EXPECT_ERRNO(EBADFD, kt_dealloc(self->fd, 1));
	/* The line state is checked before the values. */
	EXPECT_ERRNO(EBADFD, kt_make_call(self->fd, "", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_make_call(self->fd, "abc", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_answer(self->fd, 0));
	EXPECT_ERRNO(EBADFD, kt_drop(self->fd, 0));
	EXPECT_ERRNO(EBADFD, kt_info(self->fd, 0, &ci));
	EXPECT_ERRNO(EBADFD, kt_dealloc(self->fd, 0));
}

/* The argument itself, then flags/reserved, are checked before line state. */
TEST_F(dev, arg_checks_before_line_state)
{
	struct ktapi_make_call mc = { .size = sizeof(mc), .dest_address = "999" };
	struct ktapi_call_op op = { .size = sizeof(op), .handle = 1 };
	unsigned char big[sizeof(mc) + 8];

	mc.size = 0;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, &mc)));
	mc.size = sizeof(mc);
	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, NULL)));
	memset(big, 0, sizeof(big));
	memcpy(big, &mc, sizeof(mc));
	((struct ktapi_make_call *)big)->size = sizeof(big);
	big[sizeof(big) - 1] = 1;
	EXPECT_ERRNO(E2BIG, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, big)));
	mc.flags = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, &mc)));
	op.reserved = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_ANSWER, &op)));
	op.reserved = 0;
	op.flags = 2;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_DROP, &op)));
	mc.flags = 0;
	EXPECT_ERRNO(EBADFD, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, &mc)));
}

static void check_enotty(struct __test_metadata *_metadata, int fd)
{
	static const unsigned long cmds[] = {
		_IO(KTAPI_IOC_TYPE, 0x08), _IO(KTAPI_IOC_TYPE, 0x7f),
		_IO(KTAPI_IOC_TYPE, 0xff), _IO(KTAPI_IOC_TYPE + 1, 0x00),
		_IOWR(KTAPI_IOC_TYPE, 0x00, struct ktapi_devcaps),
		_IOR(KTAPI_IOC_TYPE, 0x05, struct ktapi_call_info),
		TCGETS,
	};
	struct ktapi_devcaps caps;
	unsigned int i;
	int ret, err;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		/* A valid GET_DEVCAPS argument, so EFAULT/EINVAL cannot hide. */
		memset(&caps, 0, sizeof(caps));
		caps.size = sizeof(caps);
		ret = ioctl(fd, cmds[i], &caps);
		err = errno;
		EXPECT_EQ(-1, ret) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(ENOTTY, err) TH_LOG("cmd %#lx", cmds[i]);
	}
}

TEST_F(dev, unknown_ioctl_enotty)
{
	check_enotty(_metadata, self->fd);
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	check_enotty(_metadata, self->fd);
}

TEST_F(dev, close_line_device_bad_device_enodev)
{
	REQUIRE_ROOT();
	EXPECT_ERRNO(ENODEV, kt_close_dev(self->fd, self->p.lines));
	EXPECT_ERRNO(ENODEV, kt_close_dev(self->fd, 0xffffffff));
}

/* A device without open lines can be closed: there is nothing to do. */
TEST_F(dev, close_line_device_without_open_lines)
{
	REQUIRE_ROOT();
	EXPECT_OK(kt_close_dev(self->fd, self->p.lines - 1));
}

/* CLOSE_LINE_DEVICE needs no LINE_OPEN on the file it is issued on. */
TEST_F(dev, close_line_device_from_unopened_file)
{
	int victim;

	REQUIRE_ROOT();
	victim = LINE(self->p.lines - 1, P_MON);
	ASSERT_OK(kt_close_dev(self->fd, self->p.lines - 1));
	EXPECT_EV(victim, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(victim);
	close(victim);
}

/* Nothing is queued for a file before LINE_OPEN. */
TEST_F(dev, no_events_before_line_open)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

/* ====================================================================== */
/* Two lines: a (device 0, OWNER) and b (device 1, OWNER), api 2.2.       */

FIXTURE(call) {
	struct ktapi_params p;
	int a, b;
	char addr_a[KTAPI_ADDRESS_MAX];
	char addr_b[KTAPI_ADDRESS_MAX];
};

FIXTURE_SETUP(call)
{
	KT_REQUIRE(&self->p);
	if (self->p.lines < 2)
		SKIP_NOW("needs 2 line devices, lines=%lu", self->p.lines);
	/* Most tests queue a few events, or hold a few handles, at once. */
	if (self->p.event_queue_len < CALL_MIN_QUEUE)
		SKIP_NOW("needs event_queue_len >= %d, have %lu", CALL_MIN_QUEUE,
			 self->p.event_queue_len);
	if (self->p.max_handles < CALL_MIN_HANDLES)
		SKIP_NOW("needs max_handles >= %d, have %lu", CALL_MIN_HANDLES,
			 self->p.max_handles);
	self->a = LINE(0, P_OWN);
	self->b = LINE(1, P_OWN);
	DEV_ADDR(self->a, 0, self->addr_a);
	DEV_ADDR(self->a, 1, self->addr_b);
}

FIXTURE_TEARDOWN(call)
{
	close_fd(&self->a);
	close_fd(&self->b);
}

/* The two legs of one internal call, as seen by a (caller) and b (callee). */
struct pair {
	__u32 ha, ca;	/* a's OWNER handle and call_id of the outbound leg */
	__u32 hb, cb;	/* b's OWNER handle and call_id of the incoming leg */
};

/* a calls b; checks both event sequences (DESIGN-NOTES) and fills @pr. */
static void __call_ab(struct __test_metadata *_metadata, int a, int b,
		      const char *addr_b, struct pair *pr)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;

	ASSERT_OK(kt_make_call(a, addr_b, &pr->ha, &pr->ca));
	ASSERT_NE(0, pr->ha);
	ASSERT_NE(0, pr->ca);
	EXPECT_CS(a, pr->ha, pr->ca, S_DIALING, 0, P_OWN);
	EXPECT_CS(a, pr->ha, pr->ca, S_RINGBACK, 0, P_OWN);
	GET_INFO(a, pr->ha, &ci);
	pr->cb = ci.related_call_id;
	ASSERT_NE(0, pr->cb);
	ASSERT_NE(pr->ca, pr->cb);
	EXPECT_NEW(&ev, b, pr->cb, S_OFFERING, P_OWN);
	pr->hb = ev.handle;
	EXPECT_CS(b, pr->hb, pr->cb, S_OFFERING, 0, P_OWN);
}
#define CALL_AB(pr)	__call_ab(_metadata, self->a, self->b, self->addr_b, pr)

/* b answers: callee leg CONNECTED, then the caller's. */
static void __answer_ab(struct __test_metadata *_metadata, int a, int b,
			struct pair *pr)
{
	ASSERT_OK(kt_answer(b, pr->hb));
	EXPECT_CS(b, pr->hb, pr->cb, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(a, pr->ha, pr->ca, S_CONNECTED, 0, P_OWN);
}
#define ANSWER_AB(pr)	__answer_ab(_metadata, self->a, self->b, pr)

/* ---- MAKE_CALL: the event sequences of DESIGN-NOTES.md ---------------- */

TEST_F(call, make_call_caller_sequence)
{
	struct ktapi_call_info ci;
	__u32 h, cid;

	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_NE(0, h);
	EXPECT_NE(0, cid);
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_RINGBACK, 0, P_OWN);
	EXPECT_NO_EV(self->a);
	GET_INFO(self->a, h, &ci);
	EXPECT_EQ(cid, ci.call_id);
	EXPECT_EQ(S_RINGBACK, ci.state);
	EXPECT_EQ(S_DIALING | S_RINGBACK, ci.states_seen);
	EXPECT_EQ(P_OWN, ci.privilege);
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ci.origin);
}

TEST_F(call, make_call_callee_owner_sequence)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	__u32 h, cid;

	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	GET_INFO(self->a, h, &ci);
	ASSERT_NE(0, ci.related_call_id);
	EXPECT_NE(cid, ci.related_call_id);
	EXPECT_NEW(&ev, self->b, ci.related_call_id, S_OFFERING, P_OWN);
	EXPECT_CS(self->b, ev.handle, ci.related_call_id, S_OFFERING, 0, P_OWN);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->b, ev.handle, &ci);
	EXPECT_EQ(S_OFFERING, ci.state);
	EXPECT_EQ(S_OFFERING, ci.states_seen);
	EXPECT_EQ(P_OWN, ci.privilege);
	EXPECT_EQ(KTAPI_CALLORIGIN_INTERNAL, ci.origin);
	EXPECT_EQ(cid, ci.related_call_id);
}

/* A MONITOR file on the called device: APPNEWCALL(MONITOR), CALLSTATE. */
TEST_F(call, make_call_callee_monitor_sequence)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int m1 = LINE(1, P_MON);

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m1, pr.cb, S_OFFERING, P_MON);
	EXPECT_NE(0, ev.handle);
	EXPECT_CS(m1, ev.handle, pr.cb, S_OFFERING, 0, P_MON);
	EXPECT_NO_EV(m1);
	GET_INFO(m1, ev.handle, &ci);
	EXPECT_EQ(P_MON, ci.privilege);
	EXPECT_EQ(pr.cb, ci.call_id);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(m1);
}

/* A MONITOR file on the caller's device sees the outbound leg. */
TEST_F(call, make_call_caller_monitor_sequence)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int m0 = LINE(0, P_MON);

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	EXPECT_CS(m0, ev.handle, pr.ca, S_DIALING, 0, P_MON);
	EXPECT_CS(m0, ev.handle, pr.ca, S_RINGBACK, 0, P_MON);
	EXPECT_NO_EV(m0);
	GET_INFO(m0, ev.handle, &ci);
	EXPECT_EQ(P_MON, ci.privilege);
	EXPECT_EQ(pr.ca, ci.call_id);
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ci.origin);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(m0);
}

/* Caller-side monitors get the outbound leg whatever becomes of it. */
TEST_F(call, make_call_caller_monitor_badaddress)
{
	struct ktapi_event ev;
	__u32 h, cid;
	int m0 = LINE(0, P_MON);

	ASSERT_OK(kt_make_call(self->a, "999", &h, &cid));
	EXPECT_NEW(&ev, m0, cid, S_DIALING, P_MON);
	EXPECT_CS(m0, ev.handle, cid, S_DIALING, 0, P_MON);
	EXPECT_CS(m0, ev.handle, cid, S_DISC, M_BADADDR, P_MON);
	EXPECT_NO_EV(m0);
	close(m0);
}

/* An OWNER-only file that was not chosen gets no handle and no event. */
TEST_F(call, make_call_owner_not_chosen_gets_nothing)
{
	struct ktapi_call_info ci;
	struct pair pr;
	int b2 = LINE(1, P_OWN);

	CALL_AB(&pr);
	EXPECT_NO_EV(b2);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(0, ci.num_monitors);
	close(b2);
}

/* An OWNER|MONITOR file that was not chosen as owner monitors the call. */
TEST_F(call, make_call_owner_monitor_not_chosen_monitors)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int c = LINE(1, P_OWN | P_MON);

	CALL_AB(&pr);
	EXPECT_NEW(&ev, c, pr.cb, S_OFFERING, P_MON);
	EXPECT_CS(c, ev.handle, pr.cb, S_OFFERING, 0, P_MON);
	EXPECT_NO_EV(c);
	GET_INFO(c, ev.handle, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(c);
}

/* An OWNER|MONITOR file chosen as owner gets one (OWNER) handle only. */
TEST_F(call, make_call_owner_monitor_chosen_one_handle)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	__u32 h, cid;
	int c;

	close_fd(&self->b);
	c = LINE(1, P_OWN | P_MON);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_NEW(&ev, c, ANY, S_OFFERING, P_OWN);
	EXPECT_CS(c, ev.handle, ev.call_id, S_OFFERING, 0, P_OWN);
	EXPECT_NO_EV(c);
	GET_INFO(c, ev.handle, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(0, ci.num_monitors);
	EXPECT_EQ(cid, ci.related_call_id);
	close(c);
}

/* The owner is the file that has held the device open (LINE_OPEN) longest. */
TEST_F(call, make_call_longest_held_owner)
{
	struct ktapi_event ev;
	__u32 h, cid;
	int x, y;

	close_fd(&self->b);
	x = FD();
	y = FD();
	/* y is LINE_OPENed first although x was open()ed first. */
	ASSERT_OK(kt_line_open(y, 1, P_OWN, API_CUR));
	ASSERT_OK(kt_line_open(x, 1, P_OWN, API_CUR));
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_NEW(&ev, y, ANY, S_OFFERING, P_OWN);
	EXPECT_CS(y, ev.handle, ev.call_id, S_OFFERING, 0, P_OWN);
	EXPECT_NO_EV(x);
	close(x);
	close(y);
}

/* When the owner closes, the next longest-held OWNER file takes over. */
TEST_F(call, make_call_owner_handover_on_close)
{
	struct ktapi_event ev;
	__u32 h, cid;
	int b2 = LINE(1, P_OWN);
	int b3 = LINE(1, P_OWN);

	close_fd(&self->b);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_NEW(&ev, b2, ANY, S_OFFERING, P_OWN);
	EXPECT_NO_EV(b3);
	close(b2);
	kt_drain(self->a);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_NEW(&ev, b3, ANY, S_OFFERING, P_OWN);
	close(b3);
}

/* Handles go to the owner and to every MONITOR file; counts add up. */
TEST_F(call, make_call_handle_counts)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int m1 = LINE(1, P_MON);
	int c1 = LINE(1, P_OWN | P_MON);
	int b2 = LINE(1, P_OWN);
	int n1 = LINE(1, P_NONE);
	int m0 = LINE(0, P_MON);
	int o0 = LINE(0, P_OWN);
	__u32 hm1;

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m1, pr.cb, S_OFFERING, P_MON);
	hm1 = ev.handle;
	EXPECT_NEW(&ev, c1, pr.cb, S_OFFERING, P_MON);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	EXPECT_NO_EV(b2);
	EXPECT_NO_EV(n1);
	EXPECT_NO_EV(o0);

	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(2, ci.num_monitors);

	ASSERT_OK(kt_dealloc(m1, hm1));
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(m1);
	close(c1);
	close(b2);
	close(n1);
	close(m0);
	close(o0);
}

/* A NONE line gets no incoming calls. */
TEST_F(call, make_call_none_line_gets_nothing)
{
	struct pair pr;
	int n1 = LINE(1, P_NONE);

	CALL_AB(&pr);
	EXPECT_NO_EV(n1);
	close(n1);
}

/* MAKE_CALL works on a NONE line: privileges govern incoming calls only. */
TEST_F(call, make_call_from_none_line)
{
	struct pair pr;
	struct ktapi_call_info ci;
	int n0 = LINE(0, P_NONE);

	__call_ab(_metadata, n0, self->b, self->addr_b, &pr);
	EXPECT_NO_EV(n0);
	GET_INFO(n0, pr.ha, &ci);
	EXPECT_EQ(P_OWN, ci.privilege);
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ci.origin);
	EXPECT_EQ(0, ci.device_id);
	EXPECT_STREQ(self->addr_a, ci.caller_address);
	/* a, the OWNER-only file of device 0, gets nothing. */
	EXPECT_NO_EV(self->a);
	close(n0);
}

/* A MONITOR-only caller gets its own OWNER handle, not a second one. */
TEST_F(call, make_call_from_monitor_line)
{
	struct pair pr;
	struct ktapi_call_info ci;
	int m0 = LINE(0, P_MON);

	__call_ab(_metadata, m0, self->b, self->addr_b, &pr);
	EXPECT_NO_EV(m0);
	GET_INFO(m0, pr.ha, &ci);
	EXPECT_EQ(P_OWN, ci.privilege);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(0, ci.num_monitors);
	close(m0);
}

/* A device with MONITOR and NONE lines but no owner: DISCONNECTED/UNAVAIL. */
TEST_F(call, make_call_unowned_device_unavail)
{
	struct ktapi_call_info ci;
	struct ktapi_stats s0, s1;
	bool stats;
	__u32 h, cid;
	int m1, n1;

	close_fd(&self->b);
	m1 = LINE(1, P_MON);
	n1 = LINE(1, P_NONE);
	stats = HAVE_STATS(&s0);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_DISC, M_UNAVAIL, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(m1);
	EXPECT_NO_EV(n1);
	GET_INFO(self->a, h, &ci);
	EXPECT_EQ(S_DISC, ci.state);
	EXPECT_EQ(M_UNAVAIL, ci.state_mode);
	EXPECT_EQ(S_DIALING | S_DISC, ci.states_seen);
	EXPECT_EQ(0, ci.related_call_id);
	EXPECT_STREQ(self->addr_b, ci.called_address);
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.calls + 1, s1.calls);
		EXPECT_EQ(s0.handles + 1, s1.handles);
	}
	close(m1);
	close(n1);
}

/* A device nobody has open: DISCONNECTED/UNAVAIL. */
TEST_F(call, make_call_unopened_device_unavail)
{
	__u32 h, cid;

	close_fd(&self->b);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_DISC, M_UNAVAIL, P_OWN);
	EXPECT_NO_EV(self->a);
}

static void check_badaddress(struct __test_metadata *_metadata, int fd,
			     const char *addr, const char *caller)
{
	struct ktapi_call_info ci;
	__u32 h, cid;

	ASSERT_OK(kt_make_call(fd, addr, &h, &cid));
	EXPECT_CS(fd, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(fd, h, cid, S_DISC, M_BADADDR, P_OWN);
	EXPECT_NO_EV(fd);
	GET_INFO(fd, h, &ci);
	EXPECT_EQ(cid, ci.call_id);
	EXPECT_EQ(S_DISC, ci.state);
	EXPECT_EQ(M_BADADDR, ci.state_mode);
	EXPECT_EQ(S_DIALING | S_DISC, ci.states_seen);
	EXPECT_EQ(0, ci.related_call_id);
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ci.origin);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(0, ci.num_monitors);
	EXPECT_STREQ(addr, ci.called_address);
	EXPECT_STREQ(caller, ci.caller_address);
}

TEST_F(call, make_call_999_badaddress)
{
	check_badaddress(_metadata, self->a, "999", self->addr_a);
}

/* The address just past the last device names no device. */
TEST_F(call, make_call_past_last_device_badaddress)
{
	char addr[KTAPI_ADDRESS_MAX];

	snprintf(addr, sizeof(addr), "%lu", 1000 + self->p.lines);
	check_badaddress(_metadata, self->a, addr, self->addr_a);
}

/* '*', '#' and '+' are address characters. */
TEST_F(call, make_call_special_chars_badaddress)
{
	check_badaddress(_metadata, self->a, "*#+0123456789", self->addr_a);
}

/* 63 characters (the longest address) are accepted. */
TEST_F(call, make_call_63_chars_accepted)
{
	char addr[KTAPI_ADDRESS_MAX];

	memset(addr, '9', 63);
	addr[63] = 0;
	check_badaddress(_metadata, self->a, addr, self->addr_a);
}

/* A malformed address is EINVAL and creates nothing. */
static void check_bad_address(struct __test_metadata *_metadata, int fd,
			      const char *addr, size_t len)
{
	struct ktapi_stats s0, s1;
	bool stats = HAVE_STATS(&s0);

	EXPECT_ERRNO(EINVAL, kt_make_call_raw(fd, addr, len, NULL, NULL));
	EXPECT_NO_EV(fd);
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.calls, s1.calls);
		EXPECT_EQ(s0.handles, s1.handles);
	}
}

TEST_F(call, make_call_empty_address_einval)
{
	check_bad_address(_metadata, self->a, "", 1);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, NULL, NULL));
}

TEST_F(call, make_call_64_chars_no_nul_einval)
{
	char addr[KTAPI_ADDRESS_MAX];

	memset(addr, '1', sizeof(addr));
	check_bad_address(_metadata, self->a, addr, sizeof(addr));
	ASSERT_OK(kt_make_call(self->a, self->addr_b, NULL, NULL));
}

TEST_F(call, make_call_bad_chars_einval)
{
	static const char *const addrs[] = {
		"abc", "10a0", " 1000", "1000 ", "-1000", "1000\n", "1.0",
		"1,000", "(1000)", "\x80", "1000\t", "p1000",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++)
		check_bad_address(_metadata, self->a, addrs[i],
				  strlen(addrs[i]) + 1);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, NULL, NULL));
}

/* handle and call_id are outputs: garbage in them is ignored on input. */
TEST_F(call, make_call_ignores_output_fields)
{
	struct ktapi_make_call mc;
	struct ktapi_call_info ci;

	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	strcpy(mc.dest_address, "999");
	mc.handle = 0xffffffff;
	mc.call_id = 0xffffffff;
	ASSERT_OK(kt_err(ioctl(self->a, KTAPI_IOC_MAKE_CALL, &mc)));
	ASSERT_NE(0xffffffff, mc.handle);
	ASSERT_NE(0, mc.handle);
	GET_INFO(self->a, mc.handle, &ci);
	EXPECT_EQ(mc.call_id, ci.call_id);
}

/*
 * A file calling its own device: one OWNER handle per leg, never two,
 * even when it holds the device with OWNER|MONITOR.  Events of one file
 * come in the order they happened.
 */
TEST_F(call, self_call_one_handle_per_leg)
{
	struct ktapi_call_info ci_out, ci_in;
	struct ktapi_event ev[4];
	__u32 h_out, c_out, h_in = 0, c_in = 0;
	int out_seen = 0, in_seen = 0, i, s;

	close_fd(&self->a);
	s = LINE(0, P_OWN | P_MON);
	ASSERT_OK(kt_make_call(s, self->addr_a, &h_out, &c_out));
	for (i = 0; i < 4; i++) {
		ASSERT_OK(kt_read_event(s, &ev[i], EV_WAIT_MS));
		if (ev[i].handle == h_out) {
			/* DIALING then RINGBACK on the outbound handle. */
			EXPECT_EQ(EV_CS, ev[i].type);
			EXPECT_EQ(c_out, ev[i].call_id);
			EXPECT_EQ(out_seen ? S_RINGBACK : S_DIALING, ev[i].state);
			EXPECT_EQ(P_OWN, ev[i].privilege);
			out_seen++;
		} else {
			/* APPNEWCALL(OWNER) then CALLSTATE OFFERING. */
			if (!in_seen) {
				h_in = ev[i].handle;
				c_in = ev[i].call_id;
			}
			EXPECT_EQ(h_in, ev[i].handle);
			EXPECT_EQ(c_in, ev[i].call_id);
			EXPECT_EQ(in_seen ? EV_CS : EV_NEW, ev[i].type);
			EXPECT_EQ(S_OFFERING, ev[i].state);
			EXPECT_EQ(P_OWN, ev[i].privilege);
			in_seen++;
		}
	}
	EXPECT_EQ(2, out_seen);
	EXPECT_EQ(2, in_seen);
	EXPECT_NO_EV(s);
	ASSERT_NE(0, h_in);
	ASSERT_NE(h_out, h_in);

	GET_INFO(s, h_out, &ci_out);
	GET_INFO(s, h_in, &ci_in);
	EXPECT_EQ(c_in, ci_out.related_call_id);
	EXPECT_EQ(c_out, ci_in.related_call_id);
	EXPECT_EQ(KTAPI_CALLORIGIN_INTERNAL, ci_in.origin);
	EXPECT_EQ(0, ci_in.device_id);
	EXPECT_EQ(1, ci_out.num_owners);
	EXPECT_EQ(0, ci_out.num_monitors);
	EXPECT_EQ(1, ci_in.num_owners);
	EXPECT_EQ(0, ci_in.num_monitors);

	/* ANSWER: callee leg first, then the caller's (same file: ordered). */
	ASSERT_OK(kt_answer(s, h_in));
	EXPECT_CS(s, h_in, c_in, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(s, h_out, c_out, S_CONNECTED, 0, P_OWN);
	/* DROP: the dropped leg first, then the peer. */
	ASSERT_OK(kt_drop(s, h_out));
	EXPECT_CS(s, h_out, c_out, S_IDLE, 0, P_OWN);
	EXPECT_CS(s, h_in, c_in, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(s);
	close(s);
}

/* ---- ANSWER and DROP --------------------------------------------------- */

/* ANSWER: callee CONNECTED then caller CONNECTED, to every holder. */
TEST_F(call, answer_sequence)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev, evb, eva;
	struct pair pr;
	int m0 = LINE(0, P_MON);
	int m1 = LINE(1, P_MON);
	__u32 hm0, hm1;
	__u64 t0;

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	hm0 = ev.handle;
	EXPECT_NEW(&ev, m1, pr.cb, S_OFFERING, P_MON);
	hm1 = ev.handle;
	EXPECT_EQ(2, kt_drain(m0));
	EXPECT_EQ(1, kt_drain(m1));

	t0 = kt_now_ns();
	ASSERT_OK(kt_answer(self->b, pr.hb));
	EXPECT_EV_OUT(&evb, self->b, EV_CS, pr.hb, pr.cb, S_CONNECTED, 0, P_OWN);
	EXPECT_EV_OUT(&eva, self->a, EV_CS, pr.ha, pr.ca, S_CONNECTED, 0, P_OWN);
	EXPECT_LE(t0, evb.time_ns);
	EXPECT_LE(evb.time_ns, eva.time_ns);
	EXPECT_CS(m1, hm1, pr.cb, S_CONNECTED, 0, P_MON);
	EXPECT_CS(m0, hm0, pr.ca, S_CONNECTED, 0, P_MON);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	EXPECT_NO_EV(m0);
	EXPECT_NO_EV(m1);

	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_CONNECTED, ci.states_seen);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(S_OFFERING | S_CONNECTED, ci.states_seen);
	close(m0);
	close(m1);
}

/* ANSWER with a MONITOR handle: EACCES, and nothing changes. */
TEST_F(call, answer_monitor_handle_eacces)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int m1 = LINE(1, P_MON);

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m1, pr.cb, S_OFFERING, P_MON);
	kt_drain(m1);
	EXPECT_ERRNO(EACCES, kt_answer(m1, ev.handle));
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	EXPECT_NO_EV(m1);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_OFFERING, ci.state);
	ANSWER_AB(&pr);
	close(m1);
}

/* DROP with a MONITOR handle (either side): EACCES, and nothing changes. */
TEST_F(call, drop_monitor_handle_eacces)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int m0 = LINE(0, P_MON);
	int m1 = LINE(1, P_MON);
	__u32 hm0, hm1;

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	hm0 = ev.handle;
	EXPECT_NEW(&ev, m1, pr.cb, S_OFFERING, P_MON);
	hm1 = ev.handle;
	ANSWER_AB(&pr);
	kt_drain(m0);
	kt_drain(m1);
	EXPECT_ERRNO(EACCES, kt_drop(m1, hm1));
	EXPECT_ERRNO(EACCES, kt_drop(m0, hm0));
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	EXPECT_NO_EV(m0);
	EXPECT_NO_EV(m1);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	close(m0);
	close(m1);
}

/* ANSWER on a leg that is not OFFERING is EBUSY, in every other state. */
TEST_F(call, answer_not_offering_ebusy)
{
	struct pair pr;
	__u32 h;

	CALL_AB(&pr);
	EXPECT_ERRNO(EBUSY, kt_answer(self->a, pr.ha));		/* RINGBACK */
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	ANSWER_AB(&pr);
	EXPECT_ERRNO(EBUSY, kt_answer(self->b, pr.hb));		/* CONNECTED */
	EXPECT_ERRNO(EBUSY, kt_answer(self->a, pr.ha));		/* CONNECTED */
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_EQ(1, kt_drain(self->a));
	EXPECT_EQ(1, kt_drain(self->b));
	EXPECT_ERRNO(EBUSY, kt_answer(self->b, pr.hb));		/* DISCONNECTED */
	EXPECT_ERRNO(EBUSY, kt_answer(self->a, pr.ha));		/* IDLE */
	ASSERT_OK(kt_drop(self->b, pr.hb));
	EXPECT_EQ(1, kt_drain(self->b));
	EXPECT_ERRNO(EBUSY, kt_answer(self->b, pr.hb));		/* IDLE */
	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	kt_drain(self->a);
	EXPECT_ERRNO(EBUSY, kt_answer(self->a, h));		/* DISCONNECTED */
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

/* DROP on an IDLE leg is EBUSY; the handle stays valid. */
TEST_F(call, drop_idle_ebusy)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_EQ(1, kt_drain(self->a));
	EXPECT_EQ(1, kt_drain(self->b));
	EXPECT_ERRNO(EBUSY, kt_drop(self->a, pr.ha));
	ASSERT_OK(kt_drop(self->b, pr.hb));		/* DISCONNECTED -> IDLE */
	EXPECT_EQ(1, kt_drain(self->b));
	EXPECT_ERRNO(EBUSY, kt_drop(self->b, pr.hb));
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
}

/* DROP of the RINGBACK caller: caller IDLE, callee DISCONNECTED/NORMAL. */
TEST_F(call, drop_ringback_caller)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_IDLE, ci.states_seen);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_DISC, ci.state);
	EXPECT_EQ(M_NORMAL, ci.state_mode);
	EXPECT_EQ(S_OFFERING | S_DISC, ci.states_seen);
	/* The callee hangs up too: no event for the IDLE caller. */
	ASSERT_OK(kt_drop(self->b, pr.hb));
	EXPECT_CS(self->b, pr.hb, pr.cb, S_IDLE, 0, P_OWN);
	EXPECT_NO_EV(self->a);
}

/* DROP of the OFFERING callee: caller DISCONNECTED/REJECT. */
TEST_F(call, drop_offering_callee_rejects)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ASSERT_OK(kt_drop(self->b, pr.hb));
	EXPECT_CS(self->b, pr.hb, pr.cb, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_REJECT, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(M_REJECT, ci.state_mode);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_DISC, ci.states_seen);
}

TEST_F(call, drop_connected_caller)
{
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

TEST_F(call, drop_connected_callee)
{
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_drop(self->b, pr.hb));
	EXPECT_CS(self->b, pr.hb, pr.cb, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

/* DROP of a DISCONNECTED leg: IDLE, state_mode back to 0, peer untouched. */
TEST_F(call, drop_disconnected_leg)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_drop(self->b, pr.hb));
	kt_drain(self->a);
	kt_drain(self->b);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	EXPECT_EQ(0, ci.state_mode);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_CONNECTED | S_DISC | S_IDLE,
		  ci.states_seen);
}

/* Monitors of both legs see the DROP too. */
TEST_F(call, drop_sequence_with_monitors)
{
	struct ktapi_event ev;
	struct pair pr;
	int m0 = LINE(0, P_MON);
	int m1 = LINE(1, P_MON);
	__u32 hm0, hm1;

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	hm0 = ev.handle;
	EXPECT_NEW(&ev, m1, pr.cb, S_OFFERING, P_MON);
	hm1 = ev.handle;
	ANSWER_AB(&pr);
	kt_drain(m0);
	kt_drain(m1);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_CS(m0, hm0, pr.ca, S_IDLE, 0, P_MON);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_CS(m1, hm1, pr.cb, S_DISC, M_NORMAL, P_MON);
	EXPECT_NO_EV(m0);
	EXPECT_NO_EV(m1);
	close(m0);
	close(m1);
}

/*
 * Events are never reordered for one handle: several calls in different
 * states, operated on in interleaved order, then every event is read and
 * checked against each handle's own expected sequence.
 */
#define ORDER_CALLS	8

struct ev_expect {
	__u32 type, state, mode;
};

static int order_expected(int i, bool callee, struct ev_expect *e)
{
	bool answered = !(i % 2);
	int n = 0;

	if (callee)
		e[n++] = (struct ev_expect){ EV_NEW, S_OFFERING, 0 };
	e[n++] = (struct ev_expect){ EV_CS, callee ? S_OFFERING : S_DIALING, 0 };
	if (!callee)
		e[n++] = (struct ev_expect){ EV_CS, S_RINGBACK, 0 };
	if (answered)
		e[n++] = (struct ev_expect){ EV_CS, S_CONNECTED, 0 };
	switch (i % 4) {
	case 0:	/* answered, caller drops */
	case 1:	/* ringing, caller drops */
		if (callee)
			e[n++] = (struct ev_expect){ EV_CS, S_DISC, M_NORMAL };
		else
			e[n++] = (struct ev_expect){ EV_CS, S_IDLE, 0 };
		break;
	case 2:	/* answered, callee drops, then the caller */
	case 3:	/* ringing, callee rejects, then the caller drops */
		if (callee) {
			e[n++] = (struct ev_expect){ EV_CS, S_IDLE, 0 };
		} else {
			e[n++] = (struct ev_expect){ EV_CS, S_DISC,
				i % 4 == 2 ? M_NORMAL : M_REJECT };
			e[n++] = (struct ev_expect){ EV_CS, S_IDLE, 0 };
		}
		break;
	}
	return n;
}

struct order_state {
	__u32 ha[ORDER_CALLS], ca[ORDER_CALLS], hb[ORDER_CALLS], cb[ORDER_CALLS];
	struct ev_expect exp[ORDER_CALLS][2][8];
	int nexp[ORDER_CALLS][2], pos[ORDER_CALLS][2];
};

/* Read one event of @side (0: caller a, 1: callee b) and check its place. */
static void order_read_one(struct __test_metadata *_metadata,
			   struct order_state *o, int fd, int side)
{
	struct ktapi_event ev;
	struct ev_expect *e;
	int i;

	ASSERT_OK(kt_read_event(fd, &ev, EV_WAIT_MS));
	for (i = 0; i < ORDER_CALLS; i++)
		if (ev.call_id == (side ? o->cb[i] : o->ca[i]))
			break;
	ASSERT_GT(ORDER_CALLS, i) TH_LOG("unknown call_id %u", ev.call_id);
	if (side && !o->hb[i])
		o->hb[i] = ev.handle;
	EXPECT_EQ(side ? o->hb[i] : o->ha[i], ev.handle);
	ASSERT_GT(o->nexp[i][side], o->pos[i][side]) {
		TH_LOG("call %d side %d: extra %s %s", i, side,
		       ev_type_name(ev.type), state_name(ev.state));
	}
	e = &o->exp[i][side][o->pos[i][side]];
	EXPECT_TRUE(e->type == ev.type && e->state == ev.state &&
		    e->mode == ev.state_mode) {
		TH_LOG("call %d side %d event #%d: got %s %s mode %u, expected %s %s mode %u",
		       i, side, o->pos[i][side], ev_type_name(ev.type),
		       state_name(ev.state), ev.state_mode,
		       ev_type_name(e->type), state_name(e->state), e->mode);
	}
	o->pos[i][side]++;
}

TEST_F(call, event_order_per_handle)
{
	static struct order_state o;
	struct ktapi_call_info ci;
	int i, side, n, left;

	if (self->p.event_queue_len < 8 * ORDER_CALLS)
		SKIP(return, "event_queue_len %lu too small", self->p.event_queue_len);
	memset(&o, 0, sizeof(o));
	for (i = 0; i < ORDER_CALLS; i++) {
		ASSERT_OK(kt_make_call(self->a, self->addr_b, &o.ha[i], &o.ca[i]));
		GET_INFO(self->a, o.ha[i], &ci);
		o.cb[i] = ci.related_call_id;
		for (side = 0; side < 2; side++)
			o.nexp[i][side] = order_expected(i, side, o.exp[i][side]);
	}
	/* b learns its handles from APPNEWCALL: read its first 2 per call. */
	for (n = 0; n < 2 * ORDER_CALLS; n++)
		order_read_one(_metadata, &o, self->b, 1);
	for (i = 0; i < ORDER_CALLS; i++) {
		ASSERT_NE(0, o.hb[i]);
	}
	/* Answer the even calls, last first. */
	for (i = ORDER_CALLS - 1; i >= 0; i--)
		if (!(i % 2))
			ASSERT_OK(kt_answer(self->b, o.hb[i]));
	/* First drops, last call first. */
	for (i = ORDER_CALLS - 1; i >= 0; i--) {
		if (i % 4 < 2)
			ASSERT_OK(kt_drop(self->a, o.ha[i]));
		else
			ASSERT_OK(kt_drop(self->b, o.hb[i]));
	}
	/* The callers whose peer hung up hang up too. */
	for (i = 0; i < ORDER_CALLS; i++)
		if (i % 4 >= 2)
			ASSERT_OK(kt_drop(self->a, o.ha[i]));

	for (side = 0; side < 2; side++) {
		int fd = side ? self->b : self->a;

		left = 0;
		for (i = 0; i < ORDER_CALLS; i++)
			left += o.nexp[i][side] - o.pos[i][side];
		for (n = 0; n < left; n++)
			order_read_one(_metadata, &o, fd, side);
		EXPECT_NO_EV(fd);
		for (i = 0; i < ORDER_CALLS; i++) {
			EXPECT_EQ(o.nexp[i][side], o.pos[i][side]) {
				TH_LOG("call %d side %d", i, side);
			}
		}
	}
}

/* ---- GET_CALL_INFO ----------------------------------------------------- */

/*
 * After a full call (ring, answer, caller drops, callee drops) both legs are
 * IDLE; the handles stay valid and every info field is what it should be.
 */
TEST_F(call, info_both_legs_after_idle)
{
	struct ktapi_call_info ia, ib, again;
	struct pair pr;
	__u64 t0, t1, t2, t3, t4, t5;

	t0 = kt_now_ns();
	CALL_AB(&pr);
	t1 = kt_now_ns();
	ANSWER_AB(&pr);
	t2 = kt_now_ns();
	ASSERT_OK(kt_drop(self->a, pr.ha));
	t3 = kt_now_ns();
	kt_drain(self->a);
	kt_drain(self->b);
	t4 = kt_now_ns();
	ASSERT_OK(kt_drop(self->b, pr.hb));
	t5 = kt_now_ns();
	kt_drain(self->b);

	GET_INFO(self->a, pr.ha, &ia);
	EXPECT_EQ(pr.ca, ia.call_id);
	EXPECT_EQ(pr.cb, ia.related_call_id);
	EXPECT_EQ(0, ia.device_id);
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ia.origin);
	EXPECT_EQ(KTAPI_CALLREASON_DIRECT, ia.reason);
	EXPECT_EQ(S_IDLE, ia.state);
	EXPECT_EQ(0, ia.state_mode);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_CONNECTED | S_IDLE, ia.states_seen);
	EXPECT_EQ(P_OWN, ia.privilege);
	EXPECT_EQ(1, ia.num_owners);
	EXPECT_EQ(0, ia.num_monitors);
	EXPECT_LE(t0, ia.create_time_ns);
	EXPECT_GE(t1, ia.create_time_ns);
	EXPECT_LE(t2, ia.state_time_ns);
	EXPECT_GE(t3, ia.state_time_ns);
	EXPECT_STREQ(self->addr_a, ia.caller_address);
	EXPECT_STREQ(self->addr_b, ia.called_address);

	GET_INFO(self->b, pr.hb, &ib);
	EXPECT_EQ(pr.cb, ib.call_id);
	EXPECT_EQ(pr.ca, ib.related_call_id);
	EXPECT_EQ(1, ib.device_id);
	EXPECT_EQ(KTAPI_CALLORIGIN_INTERNAL, ib.origin);
	EXPECT_EQ(KTAPI_CALLREASON_DIRECT, ib.reason);
	EXPECT_EQ(S_IDLE, ib.state);
	EXPECT_EQ(0, ib.state_mode);
	EXPECT_EQ(S_OFFERING | S_CONNECTED | S_DISC | S_IDLE, ib.states_seen);
	EXPECT_EQ(P_OWN, ib.privilege);
	EXPECT_EQ(1, ib.num_owners);
	EXPECT_EQ(0, ib.num_monitors);
	EXPECT_LE(ia.create_time_ns, ib.create_time_ns);
	EXPECT_GE(t1, ib.create_time_ns);
	EXPECT_LE(t4, ib.state_time_ns);
	EXPECT_GE(t5, ib.state_time_ns);
	EXPECT_STREQ(self->addr_a, ib.caller_address);
	EXPECT_STREQ(self->addr_b, ib.called_address);

	/* Reading it again gives the same answer. */
	GET_INFO(self->a, pr.ha, &again);
	EXPECT_EQ(0, memcmp(&ia, &again, sizeof(ia)));
}

/* A monitor sees the same leg as the owner, with its own privilege. */
TEST_F(call, info_monitor_view_matches_owner)
{
	struct ktapi_call_info io, im;
	struct ktapi_event ev;
	struct pair pr;
	int m1 = LINE(1, P_MON);

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m1, pr.cb, S_OFFERING, P_MON);
	ANSWER_AB(&pr);
	GET_INFO(self->b, pr.hb, &io);
	GET_INFO(m1, ev.handle, &im);
	EXPECT_EQ(P_OWN, io.privilege);
	EXPECT_EQ(P_MON, im.privilege);
	EXPECT_EQ(io.call_id, im.call_id);
	EXPECT_EQ(io.related_call_id, im.related_call_id);
	EXPECT_EQ(io.device_id, im.device_id);
	EXPECT_EQ(io.origin, im.origin);
	EXPECT_EQ(io.state, im.state);
	EXPECT_EQ(io.states_seen, im.states_seen);
	EXPECT_EQ(1, im.num_owners);
	EXPECT_EQ(1, im.num_monitors);
	EXPECT_EQ(1, io.num_monitors);
	EXPECT_EQ(io.create_time_ns, im.create_time_ns);
	EXPECT_EQ(io.state_time_ns, im.state_time_ns);
	EXPECT_STREQ(io.caller_address, im.caller_address);
	EXPECT_STREQ(io.called_address, im.called_address);
	close(m1);
}

/* state_time_ns follows state changes; create_time_ns does not move. */
TEST_F(call, info_state_time_follows_changes)
{
	struct ktapi_call_info i1, i2;
	struct pair pr;
	__u64 t = 0;
	int n;

	CALL_AB(&pr);
	GET_INFO(self->a, pr.ha, &i1);
	/* Wait until the clock moves on (it may tick in jiffies). */
	for (n = 0; n < 2000; n++) {
		kt_sleep_ms(1);
		t = kt_now_ns();
		if (t > i1.state_time_ns)
			break;
	}
	ANSWER_AB(&pr);
	GET_INFO(self->a, pr.ha, &i2);
	EXPECT_EQ(i1.create_time_ns, i2.create_time_ns);
	EXPECT_GT(t, i1.state_time_ns);
	EXPECT_LE(t, i2.state_time_ns);
}

/* Every output field is written: garbage passed in never comes back. */
TEST_F(call, info_output_fully_written)
{
	struct ktapi_call_info clean, dirty;
	size_t i, len;
	__u32 h;

	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	GET_INFO(self->a, h, &clean);
	memset(&dirty, 0xa5, sizeof(dirty));
	dirty.size = sizeof(dirty);
	dirty.flags = 0;
	dirty.handle = h;
	ASSERT_OK(kt_err(ioctl(self->a, KTAPI_IOC_GET_CALL_INFO, &dirty)));
	EXPECT_EQ(0, memcmp(&clean.call_id, &dirty.call_id,
			    sizeof(clean) - offsetof(struct ktapi_call_info, call_id)));
	len = strnlen(dirty.called_address, KTAPI_ADDRESS_MAX);
	for (i = len; i < KTAPI_ADDRESS_MAX; i++) {
		EXPECT_EQ(0, dirty.called_address[i]) TH_LOG("called_address[%zu]", i);
	}
	len = strnlen(dirty.caller_address, KTAPI_ADDRESS_MAX);
	for (i = len; i < KTAPI_ADDRESS_MAX; i++) {
		EXPECT_EQ(0, dirty.caller_address[i]) TH_LOG("caller_address[%zu]", i);
	}
}

/* ---- Handles ----------------------------------------------------------- */

static void check_enoent(struct __test_metadata *_metadata, int fd, __u32 h)
{
	struct ktapi_call_info ci;

	EXPECT_ERRNO(ENOENT, kt_info(fd, h, &ci));
	EXPECT_ERRNO(ENOENT, kt_answer(fd, h));
	EXPECT_ERRNO(ENOENT, kt_drop(fd, h));
	EXPECT_ERRNO(ENOENT, kt_dealloc(fd, h));
}

TEST_F(call, handle_zero_enoent)
{
	struct pair pr;

	CALL_AB(&pr);
	check_enoent(_metadata, self->a, 0);
	check_enoent(_metadata, self->b, 0);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

TEST_F(call, handle_never_allocated_enoent)
{
	__u32 h;

	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	check_enoent(_metadata, self->a, h + 1);
	check_enoent(_metadata, self->a, self->p.max_handles + 1);
	check_enoent(_metadata, self->a, 0x7fffffff);
	check_enoent(_metadata, self->a, 0xffffffff);
	EXPECT_OK(kt_dealloc(self->a, h));
}

TEST_F(call, handle_deallocated_enoent)
{
	struct ktapi_call_info ci;
	__u32 h;

	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	GET_INFO(self->a, h, &ci);
	ASSERT_OK(kt_dealloc(self->a, h));
	check_enoent(_metadata, self->a, h);
	EXPECT_EQ(2, kt_drain(self->a));
	EXPECT_NO_EV(self->a);
}

/* A handle of one file means nothing in another, and is not touched. */
TEST_F(call, handle_of_other_file_enoent)
{
	struct ktapi_call_info ci;
	struct pair pr;
	__u32 h[3], foreign = 0;
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_OK(kt_make_call(self->a, "999", &h[i], NULL));
	EXPECT_EQ(6, kt_drain(self->a));
	CALL_AB(&pr);
	/* b holds exactly one handle, pr.hb: use an a handle that differs. */
	for (i = 0; i < 3; i++) {
		if (h[i] != pr.hb)
			foreign = h[i];
	}
	ASSERT_NE(0, foreign);
	check_enoent(_metadata, self->b, foreign);
	GET_INFO(self->a, foreign, &ci);
	EXPECT_EQ(S_DISC, ci.state);
	if (pr.hb != pr.ha && pr.hb != h[0] && pr.hb != h[1] && pr.hb != h[2]) {
		check_enoent(_metadata, self->a, pr.hb);
		GET_INFO(self->b, pr.hb, &ci);
		EXPECT_EQ(S_OFFERING, ci.state);
	}
}

/* A deallocated value is not handed out by the next MAKE_CALLs. */
TEST_F(call, handle_not_reused_after_dealloc)
{
	__u32 h[16];
	int i, j;

	for (i = 0; i < 16; i++) {
		ASSERT_OK(kt_make_call(self->a, "999", &h[i], NULL));
		ASSERT_OK(kt_dealloc(self->a, h[i]));
		for (j = 0; j < i; j++) {
			EXPECT_NE(h[j], h[i]) TH_LOG("handle %u handed out twice", h[i]);
		}
		EXPECT_GE(self->p.max_handles, h[i]);
	}
}

/*
 * Cyclic allocation: with one live handle at a time, max_handles
 * MAKE_CALLs get every value of 1..max_handles exactly once; only then
 * does the space wrap.
 */
TEST_F_TIMEOUT(call, handle_cyclic_until_wrap, 600)
{
	unsigned long max = self->p.max_handles, i;
	unsigned char *seen;
	__u32 h;

	if (max > FILL_LIMIT)
		SKIP(return, "max_handles %lu too large to cycle through", max);
	seen = calloc(max + 1, 1);
	ASSERT_TRUE(seen != NULL);
	for (i = 0; i < max; i++) {
		ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
		ASSERT_LE(1, h);
		ASSERT_GE(max, h);
		ASSERT_EQ(0, seen[h]) TH_LOG("handle %u reused after %lu calls", h, i);
		seen[h] = 1;
		ASSERT_OK(kt_dealloc(self->a, h));
	}
	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	EXPECT_LE(1, h);
	EXPECT_GE(max, h);
	free(seen);
}

/* A handle stays valid once its call is IDLE, until deallocated. */
TEST_F(call, handle_valid_after_idle)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	ASSERT_OK(kt_drop(self->b, pr.hb));
	kt_drain(self->a);
	kt_drain(self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	EXPECT_ERRNO(EBUSY, kt_drop(self->a, pr.ha));
	EXPECT_ERRNO(EBUSY, kt_answer(self->b, pr.hb));
	ASSERT_OK(kt_dealloc(self->a, pr.ha));
	ASSERT_OK(kt_dealloc(self->b, pr.hb));
	check_enoent(_metadata, self->a, pr.ha);
	check_enoent(_metadata, self->b, pr.hb);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

/* ---- Line close (release of the fd) ------------------------------------ */

TEST_F(call, close_caller_drops_ringing_call)
{
	struct ktapi_call_info ci;
	struct ktapi_stats s0, s1;
	struct pair pr;
	bool stats;

	CALL_AB(&pr);
	stats = HAVE_STATS(&s0);
	close_fd(&self->a);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_DISC, ci.state);
	EXPECT_EQ(M_NORMAL, ci.state_mode);
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.files - 1, s1.files);
		EXPECT_EQ(s0.lines_open - 1, s1.lines_open);
		EXPECT_EQ(s0.calls - 1, s1.calls);
		EXPECT_EQ(s0.handles - 1, s1.handles);
	}
}

TEST_F(call, close_caller_drops_connected_call)
{
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	close_fd(&self->a);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->b);
}

/* An answered incoming leg has one owner: its close drops the call. */
TEST_F(call, close_callee_drops_connected_call)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	close_fd(&self->b);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->a);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_DISC, ci.state);
	EXPECT_EQ(M_NORMAL, ci.state_mode);
}

/* Closing with an OFFERING leg drops that leg: the caller sees REJECT. */
TEST_F(call, close_callee_rejects_offering_call)
{
	struct pair pr;

	CALL_AB(&pr);
	close_fd(&self->b);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_REJECT, P_OWN);
	EXPECT_NO_EV(self->a);
}

/* A monitor's close drops nothing and sends nothing. */
TEST_F(call, close_monitors_drop_nothing)
{
	struct ktapi_call_info ci;
	struct pair pr;
	int m0 = LINE(0, P_MON);
	int m1 = LINE(1, P_MON);

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	close(m0);
	close(m1);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(0, ci.num_monitors);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(0, ci.num_monitors);
}

/* The sole owner's close drops its leg even while monitors hold it. */
TEST_F(call, close_owner_drops_monitored_leg)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int m0 = LINE(0, P_MON);

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	kt_drain(m0);
	close_fd(&self->a);
	EXPECT_CS(m0, ev.handle, pr.ca, S_IDLE, 0, P_MON);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(m0);
	GET_INFO(m0, ev.handle, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	EXPECT_EQ(0, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(m0);
}

/* Closing with an IDLE call sends nothing to the other side. */
TEST_F(call, close_with_idle_call_sends_nothing)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	ASSERT_OK(kt_drop(self->b, pr.hb));
	kt_drain(self->b);
	close_fd(&self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
}

/* Closing a line frees all its handles and the calls only it held. */
TEST_F(call, close_frees_handles_and_calls)
{
	struct ktapi_stats s0, s1;
	struct pair pr;
	int i;

	NEED_STATS(&s0);
	for (i = 0; i < 5; i++)
		ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	EXPECT_EQ(10, kt_drain(self->a));
	CALL_AB(&pr);
	GET_STATS(&s1);
	EXPECT_EQ(s0.calls + 7, s1.calls);
	EXPECT_EQ(s0.handles + 7, s1.handles);
	close_fd(&self->a);
	close_fd(&self->b);
	GET_STATS(&s1);
	EXPECT_EQ(s0.calls, s1.calls);
	EXPECT_EQ(s0.handles, s1.handles);
	EXPECT_EQ(s0.files - 2, s1.files);
	EXPECT_EQ(s0.lines_open - 2, s1.lines_open);
	EXPECT_EQ(s0.events_queued, s1.events_queued);
}

/* ---- CLOSE_LINE_DEVICE (forced LINE_CLOSE) ------------------------------ */

/* Force-close device 1 from a separate root file. */
static void force_close(struct __test_metadata *_metadata, __u32 dev)
{
	int r = FD();

	ASSERT_OK(kt_close_dev(r, dev));
	close(r);
}

/* The line gets one LINE_CLOSE: all fields zero but type and time_ns. */
TEST_F(call, force_close_line_close_event)
{
	struct ktapi_event ev;
	__u64 t0, t1;

	REQUIRE_ROOT();
	t0 = kt_now_ns();
	force_close(_metadata, 1);
	t1 = kt_now_ns();
	EXPECT_EV_OUT(&ev, self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_LE(t0, ev.time_ns);
	EXPECT_GE(t1, ev.time_ns);
	EXPECT_NO_EV(self->b);
	EXPECT_NO_EV(self->a);
}

/* Every open line of the device gets it, whatever its privileges. */
TEST_F(call, force_close_every_line_of_device)
{
	int m1, n1, b2, m0;

	REQUIRE_ROOT();
	m1 = LINE(1, P_MON);
	n1 = LINE(1, P_NONE);
	b2 = LINE(1, P_OWN | P_MON);
	m0 = LINE(0, P_MON);
	force_close(_metadata, 1);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(m1, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(n1, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(b2, EV_CLOSE, 0, 0, 0, 0, 0);
	/* Other devices are untouched. */
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(m0);
	EXPECT_OK(kt_make_call(self->a, "999", NULL, NULL));
	EXPECT_OK(kt_make_call(m0, "999", NULL, NULL));
	close(m1);
	close(n1);
	close(b2);
	close(m0);
}

/* Afterwards every ioctl that needs an open line is EBADFD. */
TEST_F(call, force_close_line_ioctls_ebadfd)
{
	struct ktapi_call_info ci;
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	force_close(_metadata, 1);
	EXPECT_ERRNO(EBADFD, kt_make_call(self->b, self->addr_a, NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_answer(self->b, pr.hb));
	EXPECT_ERRNO(EBADFD, kt_drop(self->b, pr.hb));
	EXPECT_ERRNO(EBADFD, kt_info(self->b, pr.hb, &ci));
	EXPECT_ERRNO(EBADFD, kt_dealloc(self->b, pr.hb));
	/* Line state is checked before the values. */
	EXPECT_ERRNO(EBADFD, kt_make_call(self->b, "", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_info(self->b, 0, &ci));
}

/* A new LINE_OPEN on the force-closed file is EBUSY. */
TEST_F(call, force_close_line_open_ebusy)
{
	REQUIRE_ROOT();
	force_close(_metadata, 1);
	EXPECT_ERRNO(EBUSY, kt_line_open(self->b, 1, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->b, 0, P_NONE, API_CUR));
}

/* Ioctls that need no open line still work on the force-closed file. */
TEST_F(call, force_close_devcaps_and_close_still_work)
{
	struct ktapi_devcaps caps;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	ASSERT_OK(kt_devcaps(self->b, 1, &caps));
	EXPECT_EQ(self->p.lines, caps.num_devices);
	EXPECT_STREQ(self->addr_b, caps.address);
	EXPECT_OK(kt_close_dev(self->b, 1));
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
}

/* The other side of a connected call sees DISCONNECTED/NORMAL. */
TEST_F(call, force_close_peer_of_connected_call)
{
	struct ktapi_event ev;
	struct pair pr;
	int m0;

	REQUIRE_ROOT();
	m0 = LINE(0, P_MON);
	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	ANSWER_AB(&pr);
	kt_drain(m0);
	force_close(_metadata, 1);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_NORMAL, P_OWN);
	EXPECT_CS(m0, ev.handle, pr.ca, S_DISC, M_NORMAL, P_MON);
	EXPECT_NO_EV(self->a);
	close(m0);
}

/* The caller of an OFFERING leg that is force-closed sees REJECT. */
TEST_F(call, force_close_peer_of_offering_call)
{
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	force_close(_metadata, 1);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_REJECT, P_OWN);
	EXPECT_NO_EV(self->a);
}

/* Force-closing the caller's device drops its outbound leg. */
TEST_F(call, force_close_caller_device)
{
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	ANSWER_AB(&pr);
	force_close(_metadata, 0);
	EXPECT_EV(self->a, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->a);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->b);
}

/* Handles are void at once: handles and calls are freed, lines_open drops. */
TEST_F(call, force_close_frees_handles)
{
	struct ktapi_stats s0, s1;
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_make_call(self->b, "999", NULL, NULL));
	NEED_STATS(&s0);
	force_close(_metadata, 1);
	GET_STATS(&s1);
	EXPECT_EQ(s0.handles - 2, s1.handles);
	EXPECT_EQ(s0.calls - 2, s1.calls);
	EXPECT_EQ(s0.lines_open - 1, s1.lines_open);
	EXPECT_EQ(s0.files, s1.files);
}

/* A force-closed owner no longer owns the device. */
TEST_F(call, force_close_device_unowned_after)
{
	__u32 h, cid;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_DISC, M_UNAVAIL, P_OWN);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
}

/* Opening the device again with a new file works. */
TEST_F(call, force_close_reopen_new_file)
{
	struct pair pr;
	int b2;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	b2 = LINE(1, P_OWN);
	__call_ab(_metadata, self->a, b2, self->addr_b, &pr);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
	close(b2);
}

/* The fd stays readable for LINE_CLOSE, then behaves as an empty queue. */
TEST_F(call, force_close_fd_readable_then_empty)
{
	struct pollfd pfd = { .fd = self->b, .events = POLLIN };
	struct ktapi_event ev;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN, pfd.revents & POLLIN);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, fcntl(self->b, F_SETFL, O_NONBLOCK));
	EXPECT_ERRNO(EAGAIN, kt_err(read(self->b, &ev, sizeof(ev))));
}

struct blocked_read {
	int fd;
	size_t len;
	struct ktapi_event ev[2];
	ssize_t n;
	int err;
	int done;
};

static void *blocked_reader(void *arg)
{
	struct blocked_read *r = arg;

	r->n = read(r->fd, r->ev, r->len);
	r->err = errno;
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* A reader blocked on an empty queue is woken by LINE_CLOSE. */
TEST_F(call, force_close_wakes_blocked_reader)
{
	struct blocked_read r = { .fd = self->b, .len = EV_SIZE };
	pthread_t t;

	REQUIRE_ROOT();
	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_reader, &r));
	kt_sleep_ms(200);
	EXPECT_EQ(0, __atomic_load_n(&r.done, __ATOMIC_SEQ_CST));
	force_close(_metadata, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(EV_SIZE, r.n) TH_LOG("read: %s", strerror(r.err));
	EXPECT_EQ(EV_CLOSE, r.ev[0].type);
	EXPECT_EQ(0, r.ev[0].handle);
}

/* Without CAP_SYS_ADMIN: EPERM, and the device is left alone. */
TEST_F(call, force_close_unprivileged_eperm)
{
	struct ktapi_devcaps caps;
	int fd, err;

	REQUIRE_ROOT();
	ASSERT_EQ(0, drop_privileges());
	ASSERT_EQ(65534, geteuid());
	fd = kt_open();
	err = errno;
	if (fd < 0 && (err == EACCES || err == EPERM))
		SKIP(return, "%s not accessible to uid 65534", KTAPI_DEV);
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(err));
	EXPECT_ERRNO(EPERM, kt_close_dev(fd, 1));
	/* With a line of its own, still EPERM, and its line is untouched. */
	ASSERT_OK(kt_line_open(fd, 1, P_MON, API_CUR));
	EXPECT_ERRNO(EPERM, kt_close_dev(fd, 1));
	EXPECT_NO_EV(fd);
	EXPECT_NO_EV(self->b);
	ASSERT_OK(kt_devcaps(fd, 1, &caps));
	EXPECT_OK(kt_make_call(fd, "999", NULL, NULL));
	EXPECT_OK(kt_make_call(self->b, "999", NULL, NULL));
	close(fd);
}

/* capable() is checked on the caller: a root-opened file does not help. */
TEST_F(call, force_close_root_opened_file_eperm)
{
	__u32 h, cid;
	int r;

	REQUIRE_ROOT();
	r = FD();
	ASSERT_EQ(0, drop_privileges());
	ASSERT_EQ(65534, geteuid());
	EXPECT_ERRNO(EPERM, kt_close_dev(r, 1));
	EXPECT_NO_EV(self->b);
	/* b still owns device 1. */
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_RINGBACK, 0, P_OWN);
	close(r);
}

/* ====================================================================== */
/* DEALLOCATE_CALL across API versions (rule 5).                          */

FIXTURE(dapi) {
	struct ktapi_params p;
	int a, b;
	char addr_b[KTAPI_ADDRESS_MAX];
};

FIXTURE_VARIANT(dapi) {
	__u32 api;
	bool old;	/* api_version < 2.0 */
};

FIXTURE_VARIANT_ADD(dapi, v1_3) {
	.api = KTAPI_API_VERSION_1_3,
	.old = true,
};

FIXTURE_VARIANT_ADD(dapi, v1_4) {
	.api = KTAPI_API_VERSION_1_4,
	.old = true,
};

FIXTURE_VARIANT_ADD(dapi, v2_0) {
	.api = KTAPI_API_VERSION_2_0,
	.old = false,
};

FIXTURE_VARIANT_ADD(dapi, v2_2) {
	.api = KTAPI_API_VERSION_2_2,
	.old = false,
};

FIXTURE_SETUP(dapi)
{
	KT_REQUIRE(&self->p);
	if (self->p.lines < 2)
		SKIP_NOW("needs 2 line devices, lines=%lu", self->p.lines);
	self->a = LINE_API(0, P_OWN, variant->api);
	self->b = LINE_API(1, P_OWN, variant->api);
	DEV_ADDR(self->a, 1, self->addr_b);
}

FIXTURE_TEARDOWN(dapi)
{
	close_fd(&self->a);
	close_fd(&self->b);
}

/* Sole owner, RINGBACK: < 2.0 EBUSY; >= 2.0 void, leg dropped and freed. */
TEST_F(dapi, dealloc_ringing_sole_owner)
{
	struct ktapi_call_info ci;
	struct ktapi_stats s0, s1;
	struct pair pr;
	bool stats;

	CALL_AB(&pr);
	stats = HAVE_STATS(&s0);
	if (variant->old) {
		EXPECT_ERRNO(EBUSY, kt_dealloc(self->a, pr.ha));
		GET_INFO(self->a, pr.ha, &ci);
		EXPECT_EQ(S_RINGBACK, ci.state);
		EXPECT_NO_EV(self->a);
		EXPECT_NO_EV(self->b);
		return;
	}
	ASSERT_OK(kt_dealloc(self->a, pr.ha));
	check_enoent(_metadata, self->a, pr.ha);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->b);
	EXPECT_NO_EV(self->a);
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.calls - 1, s1.calls);
		EXPECT_EQ(s0.handles - 1, s1.handles);
	}
}

/* DISCONNECTED is not IDLE: < 2.0 EBUSY. */
TEST_F(dapi, dealloc_disconnected_sole_owner)
{
	struct ktapi_call_info ci;
	__u32 h;

	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	kt_drain(self->a);
	if (variant->old) {
		EXPECT_ERRNO(EBUSY, kt_dealloc(self->a, h));
		GET_INFO(self->a, h, &ci);
		EXPECT_EQ(S_DISC, ci.state);
	} else {
		ASSERT_OK(kt_dealloc(self->a, h));
		check_enoent(_metadata, self->a, h);
	}
	EXPECT_NO_EV(self->a);
}

/* Once the leg is IDLE, every version deallocates; nothing is sent. */
TEST_F(dapi, dealloc_after_drop)
{
	struct pair pr;

	CALL_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	ASSERT_OK(kt_dealloc(self->a, pr.ha));
	check_enoent(_metadata, self->a, pr.ha);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

/* The OFFERING callee: < 2.0 EBUSY; >= 2.0 dropped, caller sees REJECT. */
TEST_F(dapi, dealloc_offering_callee)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	if (variant->old) {
		EXPECT_ERRNO(EBUSY, kt_dealloc(self->b, pr.hb));
		GET_INFO(self->b, pr.hb, &ci);
		EXPECT_EQ(S_OFFERING, ci.state);
		EXPECT_NO_EV(self->a);
		return;
	}
	ASSERT_OK(kt_dealloc(self->b, pr.hb));
	check_enoent(_metadata, self->b, pr.hb);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_REJECT, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

/* The CONNECTED callee: < 2.0 EBUSY; >= 2.0 dropped, caller sees NORMAL. */
TEST_F(dapi, dealloc_connected_callee)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	if (variant->old) {
		EXPECT_ERRNO(EBUSY, kt_dealloc(self->b, pr.hb));
		GET_INFO(self->b, pr.hb, &ci);
		EXPECT_EQ(S_CONNECTED, ci.state);
		EXPECT_NO_EV(self->a);
		return;
	}
	ASSERT_OK(kt_dealloc(self->b, pr.hb));
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
}

/* A MONITOR handle can always be deallocated; the call goes on. */
TEST_F(dapi, dealloc_monitor_handle_of_active_call)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct pair pr;
	int m0 = LINE_API(0, P_MON, variant->api);

	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	kt_drain(m0);
	ASSERT_OK(kt_dealloc(m0, ev.handle));
	check_enoent(_metadata, m0, ev.handle);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_RINGBACK, ci.state);
	EXPECT_EQ(0, ci.num_monitors);
	/* Later changes no longer reach the monitor. */
	ANSWER_AB(&pr);
	EXPECT_NO_EV(m0);
	close(m0);
}

/* ====================================================================== */
/* Argument rules shared by every ioctl: size, pointer, flags, reserved.  */

enum ioc_kind {
	K_DEVCAPS, K_LINE_OPEN, K_MAKE_CALL, K_ANSWER, K_DROP, K_CALL_INFO,
	K_DEALLOC, K_CLOSE_LINE,
};

union kt_arg {
	struct {
		__u32 size;
		__u32 flags;
	} hdr;
	struct ktapi_devcaps devcaps;
	struct ktapi_line_open line_open;
	struct ktapi_make_call make_call;
	struct ktapi_call_op op;
	struct ktapi_call_info info;
	struct ktapi_close_line_device close_line;
	unsigned char raw[256];
};

FIXTURE(ioarg) {
	struct ktapi_params p;
	int fd;			/* the ioctl under test is issued here */
	int a, b;		/* helper lines */
	__u32 handle;		/* the handle the valid argument names */
	__u32 call_id;
	size_t pg;
	unsigned char *map;	/* 3 pages: read-write, read-write, none */
	union kt_arg good;	/* a valid argument for this file */
};

FIXTURE_VARIANT(ioarg) {
	enum ioc_kind kind;
	unsigned long cmd;
	size_t size;
	size_t reserved_off;	/* 0: the struct has no reserved field */
};

FIXTURE_VARIANT_ADD(ioarg, get_devcaps) {
	.kind = K_DEVCAPS,
	.cmd = KTAPI_IOC_GET_DEVCAPS,
	.size = sizeof(struct ktapi_devcaps),
};

FIXTURE_VARIANT_ADD(ioarg, line_open) {
	.kind = K_LINE_OPEN,
	.cmd = KTAPI_IOC_LINE_OPEN,
	.size = sizeof(struct ktapi_line_open),
	.reserved_off = offsetof(struct ktapi_line_open, reserved),
};

FIXTURE_VARIANT_ADD(ioarg, make_call) {
	.kind = K_MAKE_CALL,
	.cmd = KTAPI_IOC_MAKE_CALL,
	.size = sizeof(struct ktapi_make_call),
};

FIXTURE_VARIANT_ADD(ioarg, answer) {
	.kind = K_ANSWER,
	.cmd = KTAPI_IOC_ANSWER,
	.size = sizeof(struct ktapi_call_op),
	.reserved_off = offsetof(struct ktapi_call_op, reserved),
};

FIXTURE_VARIANT_ADD(ioarg, drop) {
	.kind = K_DROP,
	.cmd = KTAPI_IOC_DROP,
	.size = sizeof(struct ktapi_call_op),
	.reserved_off = offsetof(struct ktapi_call_op, reserved),
};

FIXTURE_VARIANT_ADD(ioarg, get_call_info) {
	.kind = K_CALL_INFO,
	.cmd = KTAPI_IOC_GET_CALL_INFO,
	.size = sizeof(struct ktapi_call_info),
};

FIXTURE_VARIANT_ADD(ioarg, deallocate_call) {
	.kind = K_DEALLOC,
	.cmd = KTAPI_IOC_DEALLOCATE_CALL,
	.size = sizeof(struct ktapi_call_op),
	.reserved_off = offsetof(struct ktapi_call_op, reserved),
};

FIXTURE_VARIANT_ADD(ioarg, close_line_device) {
	.kind = K_CLOSE_LINE,
	.cmd = KTAPI_IOC_CLOSE_LINE_DEVICE,
	.size = sizeof(struct ktapi_close_line_device),
	.reserved_off = offsetof(struct ktapi_close_line_device, reserved),
};

/* Build the context in which self->good is a valid argument. */
FIXTURE_SETUP(ioarg)
{
	char addr_b[KTAPI_ADDRESS_MAX];
	struct ktapi_event ev;

	KT_REQUIRE(&self->p);
	if (self->p.lines < 2)
		SKIP_NOW("needs 2 line devices, lines=%lu", self->p.lines);
	self->fd = self->a = self->b = -1;
	self->pg = (size_t)sysconf(_SC_PAGESIZE);
	self->map = mmap(NULL, 3 * self->pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->map != MAP_FAILED);
	ASSERT_EQ(0, mprotect(self->map + 2 * self->pg, self->pg, PROT_NONE));
	memset(&self->good, 0, sizeof(self->good));
	self->good.hdr.size = variant->size;

	switch (variant->kind) {
	case K_DEVCAPS:
		self->fd = FD();
		self->good.devcaps.device_id = 1;
		break;
	case K_LINE_OPEN:
		self->fd = FD();
		self->good.line_open.device_id = 0;
		self->good.line_open.privileges = P_OWN;
		self->good.line_open.api_version = API_CUR;
		break;
	case K_MAKE_CALL:
		self->fd = LINE(0, P_OWN);
		strcpy(self->good.make_call.dest_address, "999");
		break;
	case K_ANSWER:
		self->a = LINE(0, P_OWN);
		self->b = LINE(1, P_OWN);
		DEV_ADDR(self->a, 1, addr_b);
		ASSERT_OK(kt_make_call(self->a, addr_b, NULL, NULL));
		EXPECT_NEW(&ev, self->b, ANY, S_OFFERING, P_OWN);
		kt_drain(self->b);
		self->handle = ev.handle;
		self->call_id = ev.call_id;
		self->fd = self->b;
		self->good.op.handle = self->handle;
		break;
	case K_DROP:
	case K_CALL_INFO:
	case K_DEALLOC:
		self->fd = LINE(0, P_OWN);
		ASSERT_OK(kt_make_call(self->fd, "999", &self->handle,
				       &self->call_id));
		kt_drain(self->fd);
		if (variant->kind == K_CALL_INFO)
			self->good.info.handle = self->handle;
		else
			self->good.op.handle = self->handle;
		break;
	case K_CLOSE_LINE:
		REQUIRE_ROOT();
		self->fd = FD();
		self->a = LINE(1, P_MON);	/* the victim */
		self->good.close_line.device_id = 1;
		break;
	}
}

FIXTURE_TEARDOWN(ioarg)
{
	if (self->fd != self->a && self->fd != self->b)
		close_fd(&self->fd);
	close_fd(&self->a);
	close_fd(&self->b);
	munmap(self->map, 3 * self->pg);
}

/* After a successful call with @arg: check that it did what it should. */
static void ioarg_check_done(struct __test_metadata *_metadata,
			     FIXTURE_DATA(ioarg) *self,
			     const FIXTURE_VARIANT(ioarg) *variant,
			     const void *arg)
{
	struct ktapi_call_info ci;
	union kt_arg out;
	char want[KTAPI_ADDRESS_MAX];

	memcpy(&out, arg, variant->size);
	switch (variant->kind) {
	case K_DEVCAPS:
		EXPECT_EQ(self->p.lines, out.devcaps.num_devices);
		ASSERT_TRUE(memchr(out.devcaps.address, 0, KTAPI_ADDRESS_MAX) != NULL);
		snprintf(want, sizeof(want), "%u", 1001U);
		EXPECT_STREQ(want, out.devcaps.address);
		break;
	case K_LINE_OPEN:
		EXPECT_OK(kt_make_call(self->fd, "999", NULL, NULL));
		EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, 0, P_OWN, API_CUR));
		break;
	case K_MAKE_CALL:
		ASSERT_NE(0, out.make_call.handle);
		EXPECT_NE(0, out.make_call.call_id);
		GET_INFO(self->fd, out.make_call.handle, &ci);
		EXPECT_EQ(out.make_call.call_id, ci.call_id);
		EXPECT_STREQ("999", ci.called_address);
		break;
	case K_ANSWER:
		GET_INFO(self->fd, self->handle, &ci);
		EXPECT_EQ(S_CONNECTED, ci.state);
		break;
	case K_DROP:
		GET_INFO(self->fd, self->handle, &ci);
		EXPECT_EQ(S_IDLE, ci.state);
		break;
	case K_CALL_INFO:
		EXPECT_EQ(self->handle, out.info.handle);
		EXPECT_EQ(self->call_id, out.info.call_id);
		EXPECT_EQ(S_DISC, out.info.state);
		EXPECT_EQ(M_BADADDR, out.info.state_mode);
		EXPECT_EQ(P_OWN, out.info.privilege);
		ASSERT_TRUE(memchr(out.info.called_address, 0, KTAPI_ADDRESS_MAX) != NULL);
		EXPECT_STREQ("999", out.info.called_address);
		break;
	case K_DEALLOC:
		EXPECT_ERRNO(ENOENT, kt_info(self->fd, self->handle, &ci));
		break;
	case K_CLOSE_LINE:
		EXPECT_EV(self->a, EV_CLOSE, 0, 0, 0, 0, 0);
		EXPECT_NO_EV(self->a);
		EXPECT_ERRNO(EBADFD, kt_make_call(self->a, "999", NULL, NULL));
		break;
	}
}
#define CHECK_DONE(arg)	ioarg_check_done(_metadata, self, variant, arg)

/* The valid argument still works: the failure before changed nothing. */
#define RETRY_GOOD()							\
	do {								\
		union kt_arg __good = self->good;			\
		ASSERT_OK(kt_err(ioctl(self->fd, variant->cmd, &__good)));	\
		CHECK_DONE(&__good);					\
	} while (0)

/* The ioctl under test with @arg: 0 or errno. */
static int ioarg_call(FIXTURE_DATA(ioarg) *self,
		      const FIXTURE_VARIANT(ioarg) *variant, void *arg)
{
	return kt_err(ioctl(self->fd, variant->cmd, arg));
}
#define CALL_ARG(arg)	ioarg_call(self, variant, arg)

/* Output goes to at most size bytes: a canary right after is untouched. */
TEST_F(ioarg, valid_argument)
{
	unsigned char *arg = self->map;
	size_t i;

	memcpy(arg, &self->good, variant->size);
	memset(arg + variant->size, 0x5a, 64);
	ASSERT_OK(CALL_ARG(arg));
	CHECK_DONE(arg);
	for (i = 0; i < 64; i++) {
		EXPECT_EQ(0x5a, arg[variant->size + i]) TH_LOG("byte %zu", i);
	}
}

TEST_F(ioarg, size_zero_einval)
{
	union kt_arg arg = self->good;

	arg.hdr.size = 0;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

TEST_F(ioarg, size_header_only_einval)
{
	union kt_arg arg = self->good;

	arg.hdr.size = 8;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

TEST_F(ioarg, size_one_short_einval)
{
	union kt_arg arg = self->good;

	arg.hdr.size = variant->size - 1;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	arg.hdr.size = variant->size - 4;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

/* A newer, larger struct whose extra bytes are zero is accepted. */
TEST_F(ioarg, size_larger_zero_tail_accepted)
{
	unsigned char *arg = self->map;
	size_t i;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = variant->size + 8;
	memset(arg + variant->size + 8, 0x5a, 8);
	ASSERT_OK(CALL_ARG(arg));
	CHECK_DONE(arg);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, arg[variant->size + i]);
		EXPECT_EQ(0x5a, arg[variant->size + 8 + i]);
	}
}

TEST_F(ioarg, size_larger_nonzero_tail_e2big)
{
	unsigned char *arg = self->map;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = variant->size + 8;
	arg[variant->size + 7] = 1;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	arg[variant->size + 7] = 0;
	arg[variant->size] = 0x80;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	RETRY_GOOD();
}

/* size == PAGE_SIZE with a zero tail is still accepted. */
TEST_F(ioarg, size_page_accepted)
{
	unsigned char *arg = self->map;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = self->pg;
	ASSERT_OK(CALL_ARG(arg));
	CHECK_DONE(arg);
}

/* size > PAGE_SIZE is E2BIG even when the tail is zero. */
TEST_F(ioarg, size_over_page_e2big)
{
	unsigned char *arg = self->map;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = self->pg + 8;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	((union kt_arg *)arg)->hdr.size = 0xffffffff;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	RETRY_GOOD();
}

TEST_F(ioarg, null_pointer_efault)
{
	EXPECT_ERRNO(EFAULT, CALL_ARG(NULL));
	RETRY_GOOD();
}

TEST_F(ioarg, unmapped_pointer_efault)
{
	EXPECT_ERRNO(EFAULT, CALL_ARG(self->map + 2 * self->pg));
	RETRY_GOOD();
}

/* The size field is readable, the rest of the struct is not. */
TEST_F(ioarg, struct_crosses_unmapped_efault)
{
	unsigned char *arg = self->map + 2 * self->pg - 8;

	memcpy(arg, &self->good, 8);
	EXPECT_ERRNO(EFAULT, CALL_ARG(arg));
	RETRY_GOOD();
}

/* The struct is readable, the extra bytes a larger size claims are not. */
TEST_F(ioarg, tail_unmapped_efault)
{
	unsigned char *arg = self->map + 2 * self->pg - variant->size;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = variant->size + 8;
	EXPECT_ERRNO(EFAULT, CALL_ARG(arg));
	RETRY_GOOD();
}

TEST_F(ioarg, unknown_flags_einval)
{
	union kt_arg arg = self->good;

	arg.hdr.flags = 1;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	arg.hdr.flags = 0x80000000;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

TEST_F(ioarg, reserved_nonzero_einval)
{
	union kt_arg arg = self->good;
	__u32 v;

	if (!variant->reserved_off)
		SKIP(return, "this struct has no reserved field");
	v = 1;
	memcpy(arg.raw + variant->reserved_off, &v, sizeof(v));
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	v = 0x80000000;
	memcpy(arg.raw + variant->reserved_off, &v, sizeof(v));
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

/* Output that cannot be written back is EFAULT. */
static void *readonly_copy(struct __test_metadata *_metadata, const void *src,
			   size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	memcpy(p, src, len);
	ASSERT_EQ(0, mprotect(p, pg, PROT_READ));
	return p;
}

TEST_F(call, readonly_devcaps_efault)
{
	struct ktapi_devcaps caps = { .size = sizeof(caps), .device_id = 0 };
	void *ro = readonly_copy(_metadata, &caps, sizeof(caps));

	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->a, KTAPI_IOC_GET_DEVCAPS, ro)));
}

TEST_F(call, readonly_call_info_efault)
{
	struct ktapi_call_info ci;
	void *ro;
	__u32 h;

	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	ci.handle = h;
	ro = readonly_copy(_metadata, &ci, sizeof(ci));
	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->a, KTAPI_IOC_GET_CALL_INFO, ro)));
}

/* MAKE_CALL whose result cannot be returned leaves nothing behind. */
TEST_F(call, readonly_make_call_efault_leaves_nothing)
{
	struct ktapi_make_call mc = { .size = sizeof(mc), .dest_address = "999" };
	struct ktapi_stats s0, s1;
	bool stats = HAVE_STATS(&s0);
	void *ro = readonly_copy(_metadata, &mc, sizeof(mc));

	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->a, KTAPI_IOC_MAKE_CALL, ro)));
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.calls, s1.calls);
		EXPECT_EQ(s0.handles, s1.handles);
	}
	EXPECT_OK(kt_make_call(self->a, "999", NULL, NULL));
}

/* ====================================================================== */
/* Events: read(), poll(), the bounded queue.                             */

/* A buffer smaller than one record is EINVAL; the record stays queued. */
TEST_F(call, read_small_buffer_einval)
{
	unsigned char buf[EV_SIZE];
	__u32 h, cid;

	ASSERT_OK(kt_make_call(self->a, "999", &h, &cid));
	EXPECT_ERRNO(EINVAL, kt_err(read(self->a, buf, 0)));
	EXPECT_ERRNO(EINVAL, kt_err(read(self->a, buf, 1)));
	EXPECT_ERRNO(EINVAL, kt_err(read(self->a, buf, EV_SIZE - 1)));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_DISC, M_BADADDR, P_OWN);
}

/* read() returns whole records only: 2.5 records of room gives 2. */
TEST_F(call, read_returns_whole_records)
{
	struct ktapi_event ev[3];
	__u32 h1, c1, h2, c2;

	ASSERT_OK(kt_make_call(self->a, "999", &h1, &c1));
	ASSERT_OK(kt_make_call(self->a, "999", &h2, &c2));
	memset(ev, 0, sizeof(ev));
	ASSERT_EQ(2 * EV_SIZE, read(self->a, ev, 2 * EV_SIZE + EV_SIZE / 2));
	EXPECT_EQ(EV_CS, ev[0].type);
	EXPECT_EQ(h1, ev[0].handle);
	EXPECT_EQ(S_DIALING, ev[0].state);
	EXPECT_EQ(h1, ev[1].handle);
	EXPECT_EQ(S_DISC, ev[1].state);
	EXPECT_EQ(0, ev[2].type);	/* nothing written past 2 records */
	EXPECT_CS(self->a, h2, c2, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h2, c2, S_DISC, M_BADADDR, P_OWN);
	EXPECT_NO_EV(self->a);
}

/* A large buffer gets everything queued, in order. */
TEST_F(call, read_large_buffer_gets_all)
{
	struct ktapi_event ev[16];
	__u32 h[3];
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_OK(kt_make_call(self->a, "999", &h[i], NULL));
	ASSERT_EQ(6 * EV_SIZE, read(self->a, ev, sizeof(ev)));
	for (i = 0; i < 6; i++) {
		EXPECT_EQ(EV_CS, ev[i].type);
		EXPECT_EQ(h[i / 2], ev[i].handle);
		EXPECT_EQ(i % 2 ? S_DISC : S_DIALING, ev[i].state);
	}
}

TEST_F(call, read_nonblock_empty_eagain)
{
	struct ktapi_event ev;
	int fd = kt_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	ASSERT_OK(kt_line_open(fd, 0, P_NONE, API_CUR));
	EXPECT_ERRNO(EAGAIN, kt_err(read(fd, &ev, sizeof(ev))));
	ASSERT_OK(kt_make_call(fd, "999", NULL, NULL));
	EXPECT_EQ(EV_SIZE, read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(EV_SIZE, read(fd, &ev, sizeof(ev)));
	EXPECT_ERRNO(EAGAIN, kt_err(read(fd, &ev, sizeof(ev))));
	close(fd);
}

/* Also with O_NONBLOCK given to open(). */
TEST_F(call, read_nonblock_open_flag_eagain)
{
	struct ktapi_event ev;
	int fd = open(KTAPI_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_OK(kt_line_open(fd, 0, P_NONE, API_CUR));
	EXPECT_ERRNO(EAGAIN, kt_err(read(fd, &ev, sizeof(ev))));
	close(fd);
}

/* poll() reports POLLIN exactly while a record is queued. */
TEST_F(call, poll_pollin_only_when_queued)
{
	struct pollfd pfd = { .fd = self->a, .events = POLLIN | POLLRDNORM };

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_EQ(0, pfd.revents);
	ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN | POLLRDNORM, pfd.revents);
	EXPECT_EQ(2, kt_drain(self->a));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_EQ(0, pfd.revents);
}

/* A blocking read() is woken by an event another thread causes. */
TEST_F(call, read_blocking_woken_by_thread)
{
	struct blocked_read r = { .fd = self->b, .len = 2 * EV_SIZE };
	struct ktapi_call_info ci;
	pthread_t t;
	__u32 h, cid;

	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_reader, &r));
	kt_sleep_ms(200);
	EXPECT_EQ(0, __atomic_load_n(&r.done, __ATOMIC_SEQ_CST)) {
		TH_LOG("read() on an empty queue returned %zd (%s)", r.n,
		       strerror(r.err));
	}
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_LE((ssize_t)EV_SIZE, r.n) TH_LOG("read: %s", strerror(r.err));
	GET_INFO(self->a, h, &ci);
	EXPECT_EQ(EV_NEW, r.ev[0].type);
	EXPECT_EQ(ci.related_call_id, r.ev[0].call_id);
	EXPECT_EQ(S_OFFERING, r.ev[0].state);
}

/* A blocking read() is woken by an event another process causes. */
TEST_F(call, read_blocking_woken_by_process)
{
	struct ktapi_event ev;
	int pipefd[2], status;
	char c;
	pid_t pid;
	__u64 t0;
	ssize_t n;

	ASSERT_EQ(0, pipe(pipefd));
	t0 = kt_now_ns();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = kt_open();

		close(pipefd[1]);
		if (fd < 0 || kt_line_open(fd, 0, P_NONE, API_CUR))
			_exit(10);
		kt_sleep_ms(200);
		if (kt_make_call(fd, self->addr_b, NULL, NULL))
			_exit(11);
		/* Keep the call up until the parent has read its event. */
		if (read(pipefd[0], &c, 1) < 0)
			_exit(12);
		_exit(0);
	}
	close(pipefd[0]);
	n = read(self->b, &ev, sizeof(ev));
	EXPECT_EQ((ssize_t)EV_SIZE, n);
	EXPECT_LE(t0 + 100000000ULL, kt_now_ns());
	EXPECT_EQ(EV_NEW, ev.type);
	EXPECT_EQ(S_OFFERING, ev.state);
	EXPECT_EQ(P_OWN, ev.privilege);
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Event times are CLOCK_MONOTONIC, in the window, never going back. */
TEST_F(call, event_times_monotonic)
{
	struct ktapi_event ev;
	struct pair pr;
	__u64 t0, t1, last = 0;
	int i, n;

	t0 = kt_now_ns();
	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	for (i = 0; i < 4; i++)
		ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	t1 = kt_now_ns();
	/* CALL_AB and ANSWER_AB consumed a's first 3 records; read the rest. */
	for (n = 0; n < 9; n++) {
		ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
		EXPECT_LE(t0, ev.time_ns);
		EXPECT_GE(t1, ev.time_ns);
		EXPECT_LE(last, ev.time_ns);
		last = ev.time_ns;
	}
	EXPECT_NO_EV(self->a);
}

/*
 * The queue tests work with any event_queue_len (1..65536), so they have
 * a fixture of their own: one line, a, on device 0.
 */
FIXTURE(queue) {
	struct ktapi_params p;
	int a;
};

FIXTURE_SETUP(queue)
{
	KT_REQUIRE(&self->p);
	self->a = LINE(0, P_OWN);
}

FIXTURE_TEARDOWN(queue)
{
	close_fd(&self->a);
}

/*
 * Queue overflow: 2k > event_queue_len events without reading.  The first
 * event_queue_len are kept; the rest are counted.  Reading one record makes
 * room, and an OVERFLOW record carrying the count is queued after the
 * surviving records.
 */
static void fill_queue(struct __test_metadata *_metadata, int fd,
		       unsigned long calls, __u32 *h, __u32 *cid)
{
	unsigned long i;
	__u32 hh, cc;

	for (i = 0; i < calls; i++) {
		ASSERT_OK(kt_make_call(fd, "999", &hh, &cc));
		/* Deallocating a DISCONNECTED leg sends nothing (api 2.2). */
		ASSERT_OK(kt_dealloc(fd, hh));
		if (h) {
			h[i] = hh;
			cid[i] = cc;
		}
	}
}

TEST_F_TIMEOUT(queue, queue_overflow_exact, 600)
{
	unsigned long q = self->p.event_queue_len;
	unsigned long k = q / 2 + 3;
	unsigned long dropped = 2 * k - q, i;
	struct ktapi_stats s0, s1;
	__u32 *h, *cid;
	bool stats;

	h = calloc(k, sizeof(*h));
	cid = calloc(k, sizeof(*cid));
	ASSERT_TRUE(h && cid);
	stats = HAVE_STATS(&s0);
	fill_queue(_metadata, self->a, k, h, cid);
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.events_queued + (long long)q, s1.events_queued);
		EXPECT_EQ(s0.events_dropped + (long long)dropped, s1.events_dropped);
	}
	for (i = 0; i < q; i++) {
		if (i % 2 == 0)
			EXPECT_CS(self->a, h[i / 2], cid[i / 2], S_DIALING, 0, P_OWN);
		else
			EXPECT_CS(self->a, h[i / 2], cid[i / 2], S_DISC, M_BADADDR, P_OWN);
	}
	EXPECT_EV(self->a, EV_OVF, 0, 0, 0, dropped, 0);
	EXPECT_NO_EV(self->a);
	free(h);
	free(cid);
}

/* Exactly event_queue_len events fit: no OVERFLOW record. */
TEST_F_TIMEOUT(queue, queue_full_no_overflow, 600)
{
	unsigned long q = self->p.event_queue_len, i;
	__u32 h, st, mode;
	bool last_drop;

	if (self->p.max_handles < 2)
		SKIP(return, "needs max_handles >= 2");

	/* One single-event source: DROP of a DISCONNECTED leg (-> IDLE). */
	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	EXPECT_EQ(2, kt_drain(self->a));
	fill_queue(_metadata, self->a, q / 2, NULL, NULL);
	if (q % 2)
		ASSERT_OK(kt_drop(self->a, h));
	for (i = 0; i < q; i++) {
		last_drop = (q % 2) && i == q - 1;
		st = last_drop ? S_IDLE : (i % 2 ? S_DISC : S_DIALING);
		mode = !last_drop && (i % 2) ? M_BADADDR : 0;
		EXPECT_EV(self->a, EV_CS, ANY, ANY, st, mode, P_OWN);
	}
	EXPECT_NO_EV(self->a);
}

/* dropped counts the events lost since the previous OVERFLOW only. */
TEST_F_TIMEOUT(queue, queue_overflow_counts_since_last, 600)
{
	unsigned long q = self->p.event_queue_len, round, i;
	struct ktapi_event ev;

	for (round = 0; round < 2; round++) {
		unsigned long k = q / 2 + 3 + 2 * round;
		unsigned long dropped = 2 * k - q;

		fill_queue(_metadata, self->a, k, NULL, NULL);
		for (i = 0; i < q; i++) {
			ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
			ASSERT_EQ(EV_CS, ev.type) TH_LOG("round %lu record %lu", round, i);
		}
		EXPECT_EV(self->a, EV_OVF, 0, 0, 0, dropped, 0);
		EXPECT_NO_EV(self->a);
	}
}

/* One file's full queue does not affect another file's queue. */
TEST_F_TIMEOUT(call, queue_overflow_is_per_file, 600)
{
	unsigned long q = self->p.event_queue_len;
	struct pair pr;

	fill_queue(_metadata, self->a, q / 2 + 3, NULL, NULL);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &pr.ha, &pr.ca));
	EXPECT_NEW(NULL, self->b, ANY, S_OFFERING, P_OWN);
	EXPECT_EV(self->b, EV_CS, ANY, ANY, S_OFFERING, 0, P_OWN);
	EXPECT_NO_EV(self->b);
}

/* ====================================================================== */
/* debugfs stats: nothing leaks.                                          */

TEST_F(call, stats_files_and_lines_open)
{
	struct ktapi_stats s0, s1;
	int fd;

	NEED_STATS(&s0);
	fd = FD();
	GET_STATS(&s1);
	EXPECT_EQ(s0.files + 1, s1.files);
	EXPECT_EQ(s0.lines_open, s1.lines_open);
	ASSERT_OK(kt_line_open(fd, 0, P_NONE, API_CUR));
	GET_STATS(&s1);
	EXPECT_EQ(s0.files + 1, s1.files);
	EXPECT_EQ(s0.lines_open + 1, s1.lines_open);
	close(fd);
	GET_STATS(&s1);
	EXPECT_EQ(s0.files, s1.files);
	EXPECT_EQ(s0.lines_open, s1.lines_open);
}

TEST_F(call, stats_events_queued)
{
	struct ktapi_stats s0, s1;
	struct ktapi_event ev;

	NEED_STATS(&s0);
	ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	GET_STATS(&s1);
	EXPECT_EQ(s0.events_queued + 2, s1.events_queued);
	ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
	GET_STATS(&s1);
	EXPECT_EQ(s0.events_queued + 1, s1.events_queued);
	ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
	GET_STATS(&s1);
	EXPECT_EQ(s0.events_queued, s1.events_queued);
	EXPECT_EQ(s0.events_dropped, s1.events_dropped);
}

/* 1000 calls made, answered or not, dropped and deallocated: no leak. */
TEST_F_TIMEOUT(call, stats_thousand_calls_return_to_start, 300)
{
	struct ktapi_stats s0, s1;
	struct pair pr;
	int i;

	NEED_STATS(&s0);
	for (i = 0; i < 1000; i++) {
		CALL_AB(&pr);
		if (i % 2)
			ANSWER_AB(&pr);
		if (i % 3 == 0) {
			/* Caller deallocates a live call: it is dropped. */
			ASSERT_OK(kt_dealloc(self->a, pr.ha));
			EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
			ASSERT_OK(kt_dealloc(self->b, pr.hb));
		} else {
			ASSERT_OK(kt_drop(self->b, pr.hb));
			EXPECT_CS(self->b, pr.hb, pr.cb, S_IDLE, 0, P_OWN);
			EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC,
				  i % 2 ? M_NORMAL : M_REJECT, P_OWN);
			ASSERT_OK(kt_dealloc(self->b, pr.hb));
			ASSERT_OK(kt_dealloc(self->a, pr.ha));
		}
		if (_metadata->passed == 0)
			break;
	}
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	GET_STATS(&s1);
	EXPECT_EQ(s0.files, s1.files);
	EXPECT_EQ(s0.lines_open, s1.lines_open);
	EXPECT_EQ(s0.calls, s1.calls);
	EXPECT_EQ(s0.handles, s1.handles);
	EXPECT_EQ(s0.events_queued, s1.events_queued);
}

/*
 * With every file closed, the module holds nothing.  This assumes no other
 * process has /dev/ktapi open (true in the test VM).
 */
TEST_F(call, stats_zero_after_all_closed)
{
	struct ktapi_stats s0, s;
	struct pair pr;
	int m0, m1, n1, plain;

	NEED_STATS(&s0);
	m0 = LINE(0, P_MON);
	m1 = LINE(1, P_MON);
	n1 = LINE(1, P_NONE);
	plain = FD();
	CALL_AB(&pr);
	ANSWER_AB(&pr);
	CALL_AB(&pr);			/* left ringing */
	ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	ASSERT_OK(kt_make_call(n1, self->addr_b, NULL, NULL));
	GET_STATS(&s);
	EXPECT_EQ(s0.files + 4, s.files);
	EXPECT_EQ(s0.lines_open + 3, s.lines_open);
	EXPECT_LT(s0.calls, s.calls);
	EXPECT_LT(s0.handles, s.handles);
	EXPECT_LT(s0.events_queued, s.events_queued);
	close_fd(&self->a);
	close_fd(&self->b);
	close(m0);
	close(m1);
	close(n1);
	close(plain);
	GET_STATS(&s);
	EXPECT_EQ(0, s.files);
	EXPECT_EQ(0, s.lines_open);
	EXPECT_EQ(0, s.calls);
	EXPECT_EQ(0, s.handles);
	EXPECT_EQ(0, s.events_queued);
}

/* ====================================================================== */
/* The per-file handle limit (max_handles).                               */

static void fill_handles(struct __test_metadata *_metadata, int fd,
			 unsigned long n, __u32 *h)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		ASSERT_OK(kt_make_call(fd, "999", h ? &h[i] : NULL, NULL));
}

#define NEED_FILLABLE()							\
	do {								\
		if (self->p.max_handles > FILL_LIMIT)			\
			SKIP(return, "max_handles %lu too large to fill",	\
			     self->p.max_handles);			\
	} while (0)

/* MAKE_CALL on a full handle space is ENOSPC and creates nothing. */
TEST_F_TIMEOUT(call, handle_limit_enospc, 600)
{
	unsigned long max = self->p.max_handles;
	struct ktapi_stats s0, s1;
	__u32 *h, again;
	bool stats;

	NEED_FILLABLE();
	h = calloc(max, sizeof(*h));
	ASSERT_TRUE(h != NULL);
	stats = HAVE_STATS(&s0);
	fill_handles(_metadata, self->a, max, h);
	EXPECT_ERRNO(ENOSPC, kt_make_call(self->a, "999", NULL, NULL));
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.handles + (long long)max, s1.handles);
		EXPECT_EQ(s0.calls + (long long)max, s1.calls);
	}
	/* Freeing one handle makes room for exactly one, with that value. */
	ASSERT_OK(kt_dealloc(self->a, h[max / 2]));
	ASSERT_OK(kt_make_call(self->a, "999", &again, NULL));
	EXPECT_EQ(h[max / 2], again);
	EXPECT_ERRNO(ENOSPC, kt_make_call(self->a, "999", NULL, NULL));
	free(h);
}

/* An incoming call whose owner's space is full is refused: BUSY. */
TEST_F_TIMEOUT(call, handle_limit_owner_full_busy, 600)
{
	struct ktapi_stats s0, s1;
	struct ktapi_call_info ci;
	__u32 h, cid;
	bool stats;
	int m1;

	NEED_FILLABLE();
	fill_handles(_metadata, self->b, self->p.max_handles, NULL);
	EXPECT_ERRNO(ENOSPC, kt_make_call(self->b, "999", NULL, NULL));
	kt_drain(self->b);
	/* Opened now, so that it does not monitor b's own calls above. */
	m1 = LINE(1, P_MON);
	stats = HAVE_STATS(&s0);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_DISC, M_BUSY, P_OWN);
	EXPECT_NO_EV(self->a);
	EXPECT_NO_EV(self->b);
	EXPECT_NO_EV(m1);
	GET_INFO(self->a, h, &ci);
	EXPECT_EQ(M_BUSY, ci.state_mode);
	EXPECT_EQ(0, ci.related_call_id);
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.handles + 1, s1.handles);
		EXPECT_EQ(s0.calls + 1, s1.calls);
	}
	close(m1);
}

/* A monitor whose space is full is skipped; the call goes through. */
TEST_F_TIMEOUT(call, handle_limit_monitor_full_skipped, 600)
{
	struct ktapi_call_info ci;
	struct pair pr;
	int m1 = LINE(1, P_MON);

	NEED_FILLABLE();
	fill_handles(_metadata, m1, self->p.max_handles, NULL);
	EXPECT_ERRNO(ENOSPC, kt_make_call(m1, "999", NULL, NULL));
	kt_drain(m1);
	CALL_AB(&pr);
	EXPECT_NO_EV(m1);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(0, ci.num_monitors);
	close(m1);
}

/* ====================================================================== */
/* Allocation failures (ENOMEM): nothing half-made remains.               */

/*
 * The iommufd_fail_nth idiom: fail the Nth slab allocation of the calling
 * task (/proc/self/task/<tid>/fail-nth) for N = 1, 2, ... until the
 * operation runs through without reaching the Nth allocation.  Needs
 * CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS
 * (the debug kernel); skipped elsewhere.
 */
#define FAILSLAB	KTAPI_DEBUGFS "/failslab/"
#define FAIL_NTH_MAX	1000

struct failslab_saved {
	char ignore_gfp_wait[8];
	char verbose[8];
};

/* Let fail-nth fail GFP_KERNEL allocations too; returns the fail-nth fd. */
static int fail_nth_setup(struct __test_metadata *_metadata,
			  struct failslab_saved *saved)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", (int)gettid());
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || kt_read_file(FAILSLAB "ignore-gfp-wait", saved->ignore_gfp_wait,
			       sizeof(saved->ignore_gfp_wait)) ||
	    kt_read_file(FAILSLAB "verbose", saved->verbose, sizeof(saved->verbose)))
		SKIP_NOW("needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and debugfs");
	ASSERT_EQ(0, kt_write_file(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, kt_write_file(FAILSLAB "verbose", "0"));
	return fd;
}

static void fail_nth_restore(const struct failslab_saved *saved)
{
	kt_write_file(FAILSLAB "ignore-gfp-wait", saved->ignore_gfp_wait);
	kt_write_file(FAILSLAB "verbose", saved->verbose);
}

static void fail_nth_arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(fd, buf, len, 0) != len)
		abort();
}

/* Disarm; true when the armed failure was consumed (an allocation failed). */
static bool fail_nth_disarm(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		buf[0] = '?';
	fail_nth_arm(fd, 0);
	return buf[0] == '0';
}

/* open() with each allocation failing in turn: ENOMEM and no file left. */
TEST_F_TIMEOUT(call, fail_nth_open, 300)
{
	struct failslab_saved saved;
	struct ktapi_stats s0, s1;
	unsigned int n;
	bool hit = true;
	int nth, fd, err;

	REQUIRE_ROOT();
	NEED_STATS(&s0);
	nth = fail_nth_setup(_metadata, &saved);
	for (n = 1; n < FAIL_NTH_MAX && hit && _metadata->passed; n++) {
		GET_STATS(&s0);
		fail_nth_arm(nth, n);
		fd = kt_open();
		err = errno;
		hit = fail_nth_disarm(nth);
		if (fd < 0) {
			EXPECT_EQ(ENOMEM, err) TH_LOG("allocation %u", n);
			GET_STATS(&s1);
			EXPECT_EQ(s0.files, s1.files) TH_LOG("allocation %u", n);
		} else {
			/* A file that opened despite the failure must work. */
			EXPECT_OK(kt_line_open(fd, 0, P_NONE, API_CUR));
			EXPECT_OK(kt_make_call(fd, "999", NULL, NULL));
			close(fd);
		}
	}
	fail_nth_restore(&saved);
	EXPECT_FALSE(hit) TH_LOG("still failing after %u allocations", n);
	EXPECT_LT(2, n) TH_LOG("open() allocated nothing?");
}

/*
 * MAKE_CALL to an owned device with monitors on both sides, with each
 * allocation failing in turn: either ENOMEM with no leg, no handle and no
 * event anywhere, or a complete call.
 */
TEST_F_TIMEOUT(call, fail_nth_make_call, 300)
{
	struct failslab_saved saved;
	struct ktapi_stats s0, s1;
	unsigned int n;
	bool hit = true;
	int nth, ret, err, i;
	int m0 = LINE(0, P_MON);
	int m1 = LINE(1, P_MON);
	int fds[4] = { self->a, self->b, m0, m1 };
	__u32 h;

	REQUIRE_ROOT();
	NEED_STATS(&s0);
	nth = fail_nth_setup(_metadata, &saved);
	for (n = 1; n < FAIL_NTH_MAX && hit && _metadata->passed; n++) {
		GET_STATS(&s0);
		fail_nth_arm(nth, n);
		ret = kt_make_call(self->a, self->addr_b, &h, NULL);
		err = ret;
		hit = fail_nth_disarm(nth);
		if (ret) {
			EXPECT_EQ(ENOMEM, err) TH_LOG("allocation %u", n);
			GET_STATS(&s1);
			EXPECT_EQ(s0.calls, s1.calls) TH_LOG("allocation %u", n);
			EXPECT_EQ(s0.handles, s1.handles) TH_LOG("allocation %u", n);
			EXPECT_EQ(s0.events_queued, s1.events_queued) TH_LOG("allocation %u", n);
			for (i = 0; i < 4; i++)
				EXPECT_NO_EV(fds[i]);
		} else {
			/* Complete: a rings (2 events), b is offered it. */
			EXPECT_EQ(2, kt_drain(self->a)) TH_LOG("allocation %u", n);
			EXPECT_EQ(2, kt_drain(self->b)) TH_LOG("allocation %u", n);
			ASSERT_OK(kt_dealloc(self->a, h));
			for (i = 0; i < 4; i++)
				kt_drain(fds[i]);
		}
	}
	fail_nth_restore(&saved);
	EXPECT_FALSE(hit) TH_LOG("still failing after %u allocations", n);
	EXPECT_LT(2, n) TH_LOG("MAKE_CALL allocated nothing?");
	close(m0);
	close(m1);
}

/* ====================================================================== */
/* Concurrency.                                                           */

/*
 * Two threads hammer one file (make, info, drop, deallocate, on their own
 * handles and on each other's), while a third answers and deallocates the
 * incoming legs on the callee's file.  Every return must be an allowed one;
 * every handle is deallocated successfully exactly once; afterwards the
 * module's handle and call counts are back where they started.
 */
#define HAMMER_THREADS	2
#define HAMMER_ITERS	2000
#define HAMMER_RING	32

struct hammer {
	int a, b;
	const char *addr;
	unsigned long max_handles;
	unsigned int iters;
	__u32 ring[HAMMER_RING];
	__u32 *made[HAMMER_THREADS];
	unsigned int nmade[HAMMER_THREADS];
	unsigned char *dealloc_ok;	/* successful DEALLOCATEs per value */
	int stop;
	int bad;
	char why[256];
};

struct hammer_arg {
	struct hammer *hm;
	int id;
};

/* @err: the errno (0 for a wrong result of a successful call). */
static void hammer_bad(struct hammer *hm, const char *what, __u32 h, int err)
{
	if (__atomic_fetch_add(&hm->bad, 1, __ATOMIC_SEQ_CST) == 0)
		snprintf(hm->why, sizeof(hm->why), "%s(%u): %s",
			 what, h, kt_errname(err));
}

/* err must be 0 or in the list (0-terminated). */
static bool allowed(int err, const int *ok)
{
	if (err == 0)
		return true;
	for (; *ok; ok++)
		if (err == *ok)
			return true;
	return false;
}

static const int ok_enoent[] = { ENOENT, 0 };
static const int ok_drop[] = { ENOENT, EBUSY, 0 };
static const int ok_answer[] = { EBUSY, 0 };

static void *hammer_caller(void *arg)
{
	struct hammer_arg *ha = arg;
	struct hammer *hm = ha->hm;
	unsigned int seed = 7919U * (unsigned int)ha->id + 1, i;
	struct ktapi_call_info ci;
	__u32 h, cid, r, victim;
	int ret;

	for (i = 0; i < hm->iters && !__atomic_load_n(&hm->bad, __ATOMIC_RELAXED); i++) {
		ret = kt_make_call(hm->a, hm->addr, &h, &cid);
		if (ret || !h || h > hm->max_handles || !cid) {
			hammer_bad(hm, "MAKE_CALL", h, ret);
			break;
		}
		hm->made[ha->id][hm->nmade[ha->id]++] = h;
		__atomic_store_n(&hm->ring[(i * HAMMER_THREADS + ha->id) % HAMMER_RING],
				 h, __ATOMIC_RELAXED);

		ret = kt_info(hm->a, h, &ci);
		if (ret == 0) {
			/* No reuse: a live handle still names our call. */
			if (ci.call_id != cid || ci.privilege != P_OWN ||
			    ci.origin != KTAPI_CALLORIGIN_OUTBOUND ||
			    ci.device_id != 0 || !(ci.states_seen & S_DIALING))
				hammer_bad(hm, "GET_CALL_INFO content", h, 0);
		} else if (!allowed(ret, ok_enoent)) {
			hammer_bad(hm, "GET_CALL_INFO", h, ret);
		}

		r = __atomic_load_n(&hm->ring[rand_r(&seed) % HAMMER_RING],
				    __ATOMIC_RELAXED);
		ret = kt_info(hm->a, r, &ci);
		if (!allowed(ret, ok_enoent))
			hammer_bad(hm, "GET_CALL_INFO(other)", r, ret);
		ret = kt_drop(hm->a, r);
		if (!allowed(ret, ok_drop))
			hammer_bad(hm, "DROP", r, ret);

		victim = rand_r(&seed) % 2 ? r : h;
		ret = kt_dealloc(hm->a, victim);
		if (ret == 0)
			__atomic_fetch_add(&hm->dealloc_ok[victim], 1, __ATOMIC_SEQ_CST);
		else if (!allowed(ret, ok_enoent))
			hammer_bad(hm, "DEALLOCATE", victim, ret);
	}
	return NULL;
}

static void *hammer_callee(void *arg)
{
	struct hammer *hm = arg;
	struct ktapi_event ev[16];
	struct pollfd pfd = { .fd = hm->b, .events = POLLIN };
	ssize_t n;
	int i, ret;

	while (!__atomic_load_n(&hm->stop, __ATOMIC_SEQ_CST)) {
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = kt_read_nonblock(hm->b, ev, sizeof(ev));
		if (n <= 0 || n % (ssize_t)EV_SIZE) {
			hammer_bad(hm, "read", 0, n < 0 ? errno : EMSGSIZE);
			break;
		}
		for (i = 0; i < n / (ssize_t)EV_SIZE; i++) {
			switch (ev[i].type) {
			case EV_NEW:
				if (ev[i].privilege != P_OWN || ev[i].state != S_OFFERING)
					hammer_bad(hm, "APPNEWCALL content", ev[i].handle, 0);
				if (i % 2) {
					ret = kt_answer(hm->b, ev[i].handle);
					if (!allowed(ret, ok_answer))
						hammer_bad(hm, "ANSWER", ev[i].handle, ret);
				}
				ret = kt_dealloc(hm->b, ev[i].handle);
				if (ret)
					hammer_bad(hm, "DEALLOCATE(callee)", ev[i].handle, ret);
				break;
			case EV_CS:
				if (!ev[i].handle || !ev[i].call_id)
					hammer_bad(hm, "CALLSTATE content", ev[i].handle, 0);
				break;
			case EV_OVF:
				break;
			default:
				hammer_bad(hm, "event type", ev[i].type, 0);
			}
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(call, hammer_two_threads_one_file, 300)
{
	struct hammer_arg args[HAMMER_THREADS];
	pthread_t t[HAMMER_THREADS], tb;
	struct ktapi_stats s0, s1;
	unsigned char *seen;
	struct hammer *hm;
	unsigned int i;
	int id, ret;

	NEED_STATS(&s0);
	hm = calloc(1, sizeof(*hm));
	ASSERT_TRUE(hm != NULL);
	hm->a = self->a;
	hm->b = self->b;
	hm->addr = self->addr_b;
	hm->max_handles = self->p.max_handles;
	/* No handle value may come back: stay below max_handles in total. */
	if (self->p.max_handles < 16 + 50 * HAMMER_THREADS)
		SKIP(return, "max_handles %lu too small", self->p.max_handles);
	hm->iters = HAMMER_ITERS;
	if (hm->iters > (self->p.max_handles - 16) / HAMMER_THREADS)
		hm->iters = (self->p.max_handles - 16) / HAMMER_THREADS;
	hm->dealloc_ok = calloc(self->p.max_handles + 1, 1);
	seen = calloc(self->p.max_handles + 1, 1);
	ASSERT_TRUE(hm->dealloc_ok && seen);
	for (id = 0; id < HAMMER_THREADS; id++) {
		hm->made[id] = calloc(hm->iters, sizeof(__u32));
		ASSERT_TRUE(hm->made[id] != NULL);
	}

	ASSERT_EQ(0, pthread_create(&tb, NULL, hammer_callee, hm));
	for (id = 0; id < HAMMER_THREADS; id++) {
		args[id].hm = hm;
		args[id].id = id;
		ASSERT_EQ(0, pthread_create(&t[id], NULL, hammer_caller, &args[id]));
	}
	for (id = 0; id < HAMMER_THREADS; id++) {
		ASSERT_EQ(0, pthread_join(t[id], NULL));
	}
	__atomic_store_n(&hm->stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(tb, NULL));
	EXPECT_EQ(0, hm->bad) TH_LOG("%d bad returns, first: %s", hm->bad, hm->why);

	/* Clean up what is left; then each handle was freed exactly once. */
	for (id = 0; id < HAMMER_THREADS; id++) {
		for (i = 0; i < hm->nmade[id]; i++) {
			__u32 h = hm->made[id][i];

			EXPECT_EQ(0, seen[h]) TH_LOG("handle %u handed out twice", h);
			seen[h] = 1;
			ret = kt_dealloc(self->a, h);
			if (ret == 0) {
				hm->dealloc_ok[h]++;
			} else {
				EXPECT_EQ(ENOENT, ret);
			}
		}
	}
	for (id = 0; id < HAMMER_THREADS; id++) {
		for (i = 0; i < hm->nmade[id]; i++) {
			__u32 h = hm->made[id][i];

			EXPECT_EQ(1, hm->dealloc_ok[h]) TH_LOG("handle %u", h);
		}
	}
	EXPECT_EQ(hm->iters, hm->nmade[0]);

	close_fd(&self->b);
	GET_STATS(&s1);
	EXPECT_EQ(s0.handles, s1.handles);
	EXPECT_EQ(s0.calls, s1.calls);
	EXPECT_EQ(s0.files - 1, s1.files);
}

/* Two threads run one call operation each at the same moment. */
struct duo {
	pthread_barrier_t start, done;
	int fd[2];
	unsigned long cmd[2];
	__u32 h[2];
	int ret[2];		/* 0 or errno */
	int quit;
};

struct duo_arg {
	struct duo *d;
	int id;
};

static void *duo_worker(void *arg)
{
	struct duo_arg *da = arg;
	struct duo *d = da->d;

	for (;;) {
		pthread_barrier_wait(&d->start);
		if (__atomic_load_n(&d->quit, __ATOMIC_SEQ_CST))
			break;
		d->ret[da->id] = kt_op(d->fd[da->id], d->cmd[da->id], d->h[da->id]);
		pthread_barrier_wait(&d->done);
	}
	return NULL;
}

static void duo_start(struct __test_metadata *_metadata, struct duo *d,
		      struct duo_arg *args, pthread_t *t)
{
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&d->start, NULL, 3));
	ASSERT_EQ(0, pthread_barrier_init(&d->done, NULL, 3));
	for (i = 0; i < 2; i++) {
		args[i].d = d;
		args[i].id = i;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, duo_worker, &args[i]));
	}
}

static void duo_run(struct duo *d)
{
	pthread_barrier_wait(&d->start);
	pthread_barrier_wait(&d->done);
}

static void duo_stop(struct duo *d, pthread_t *t)
{
	__atomic_store_n(&d->quit, 1, __ATOMIC_SEQ_CST);
	pthread_barrier_wait(&d->start);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
}

#define RACE_ROUNDS	200

/* Both ends hang up at once: both DROPs succeed, both legs end IDLE. */
TEST_F_TIMEOUT(call, race_drop_both_legs, 300)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct duo_arg args[2];
	struct duo d = { .fd = { self->a, self->b },
			 .cmd = { KTAPI_IOC_DROP, KTAPI_IOC_DROP } };
	struct pair pr;
	pthread_t t[2];
	int round, side, disc;

	duo_start(_metadata, &d, args, t);
	for (round = 0; round < RACE_ROUNDS && _metadata->passed; round++) {
		CALL_AB(&pr);
		ANSWER_AB(&pr);
		d.h[0] = pr.ha;
		d.h[1] = pr.hb;
		duo_run(&d);
		EXPECT_EQ(0, d.ret[0]) TH_LOG("caller DROP: %s", kt_errname(d.ret[0]));
		EXPECT_EQ(0, d.ret[1]) TH_LOG("callee DROP: %s", kt_errname(d.ret[1]));
		/* Exactly one side saw DISCONNECTED before its own IDLE. */
		disc = 0;
		for (side = 0; side < 2; side++) {
			int fd = side ? self->b : self->a;

			ASSERT_OK(kt_read_event(fd, &ev, EV_WAIT_MS));
			if (ev.state == S_DISC) {
				disc++;
				EXPECT_EQ(M_NORMAL, ev.state_mode);
				ASSERT_OK(kt_read_event(fd, &ev, EV_WAIT_MS));
			}
			EXPECT_EQ(S_IDLE, ev.state) TH_LOG("round %d side %d", round, side);
			EXPECT_NO_EV(fd);
			GET_INFO(fd, side ? pr.hb : pr.ha, &ci);
			EXPECT_EQ(S_IDLE, ci.state);
			ASSERT_OK(kt_dealloc(fd, side ? pr.hb : pr.ha));
		}
		EXPECT_EQ(1, disc) TH_LOG("round %d", round);
	}
	duo_stop(&d, t);
}

/* ANSWER races the caller's DROP: the outcome matches ANSWER's result. */
TEST_F_TIMEOUT(call, race_answer_vs_drop, 300)
{
	struct ktapi_call_info ci;
	struct duo_arg args[2];
	struct duo d = { .fd = { self->a, self->b },
			 .cmd = { KTAPI_IOC_DROP, KTAPI_IOC_ANSWER } };
	struct pair pr;
	pthread_t t[2];
	int round;

	duo_start(_metadata, &d, args, t);
	for (round = 0; round < RACE_ROUNDS && _metadata->passed; round++) {
		CALL_AB(&pr);
		d.h[0] = pr.ha;
		d.h[1] = pr.hb;
		duo_run(&d);
		EXPECT_EQ(0, d.ret[0]) TH_LOG("DROP: %s", kt_errname(d.ret[0]));
		if (d.ret[1] == 0) {
			/* Answered first, then dropped. */
			EXPECT_CS(self->b, pr.hb, pr.cb, S_CONNECTED, 0, P_OWN);
			EXPECT_CS(self->a, pr.ha, pr.ca, S_CONNECTED, 0, P_OWN);
		} else {
			EXPECT_EQ(EBUSY, d.ret[1]);
		}
		EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
		EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
		EXPECT_NO_EV(self->a);
		EXPECT_NO_EV(self->b);
		GET_INFO(self->a, pr.ha, &ci);
		EXPECT_EQ(d.ret[1] == 0, !!(ci.states_seen & S_CONNECTED));
		ASSERT_OK(kt_dealloc(self->a, pr.ha));
		ASSERT_OK(kt_dealloc(self->b, pr.hb));
	}
	duo_stop(&d, t);
}

/* Two DEALLOCATEs of one handle at once: exactly one wins. */
TEST_F_TIMEOUT(call, race_dealloc_same_handle, 300)
{
	struct duo_arg args[2];
	struct duo d = { .fd = { self->a, self->a },
			 .cmd = { KTAPI_IOC_DEALLOCATE_CALL,
				  KTAPI_IOC_DEALLOCATE_CALL } };
	pthread_t t[2];
	int round, wins;
	__u32 h;

	duo_start(_metadata, &d, args, t);
	for (round = 0; round < RACE_ROUNDS * 2 && _metadata->passed; round++) {
		ASSERT_OK(kt_make_call(self->a, round % 2 ? "999" : self->addr_b,
				       &h, NULL));
		d.h[0] = d.h[1] = h;
		duo_run(&d);
		wins = (d.ret[0] == 0) + (d.ret[1] == 0);
		EXPECT_EQ(1, wins) TH_LOG("round %d", round);
		if (d.ret[0]) {
			EXPECT_EQ(ENOENT, d.ret[0]);
		}
		if (d.ret[1]) {
			EXPECT_EQ(ENOENT, d.ret[1]);
		}
		kt_drain(self->a);
		kt_drain(self->b);
	}
	duo_stop(&d, t);
}

struct churn {
	int dev;
	int root_fd;		/* >= 0: force-close the device each round */
	unsigned int rounds;
	int stop;
	int bad;
	char why[128];
};

/* Open, LINE_OPEN as owner, maybe answer, then close or force-close. */
static void *churn_owner(void *arg)
{
	struct churn *c = arg;
	struct ktapi_event ev;
	unsigned int i;
	int fd, e;

	for (i = 0; i < c->rounds && !__atomic_load_n(&c->stop, __ATOMIC_SEQ_CST); i++) {
		fd = kt_open();
		e = fd < 0 ? errno : kt_line_open(fd, c->dev, P_OWN, API_CUR);
		if (e) {
			snprintf(c->why, sizeof(c->why), "open/LINE_OPEN: %s",
				 kt_errname(e));
			c->bad++;
			break;
		}
		if (i % 2 && kt_read_event(fd, &ev, 1) == 0 && ev.type == EV_NEW) {
			e = kt_answer(fd, ev.handle);
			if (e && e != EBUSY) {
				snprintf(c->why, sizeof(c->why), "ANSWER: %s",
					 kt_errname(e));
				c->bad++;
			}
		}
		e = c->root_fd >= 0 ? kt_close_dev(c->root_fd, c->dev) : 0;
		if (e) {
			snprintf(c->why, sizeof(c->why), "CLOSE_LINE_DEVICE: %s",
				 kt_errname(e));
			c->bad++;
		}
		close(fd);
	}
	return NULL;
}

static void race_calls_vs_churn(struct __test_metadata *_metadata,
				FIXTURE_DATA(call) *self, int root_fd)
{
	struct churn c = { .dev = 1, .root_fd = root_fd, .rounds = 1000 };
	struct ktapi_stats s0, s1;
	__u32 live[16];
	pthread_t t;
	int i;

	close_fd(&self->b);
	NEED_STATS(&s0);
	ASSERT_EQ(0, pthread_create(&t, NULL, churn_owner, &c));
	/* Keep the last 16 calls up, whatever becomes of them. */
	for (i = 0; i < 2000; i++) {
		if (i >= 16)
			EXPECT_OK(kt_dealloc(self->a, live[i % 16]));
		ASSERT_OK(kt_make_call(self->a, self->addr_b, &live[i % 16], NULL));
		if (i % 8 == 0)
			kt_drain(self->a);
	}
	__atomic_store_n(&c.stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, c.bad) TH_LOG("%s", c.why);
	close_fd(&self->a);
	GET_STATS(&s1);
	EXPECT_EQ(s0.files - 1, s1.files);
	EXPECT_EQ(s0.calls, s1.calls);
	EXPECT_EQ(s0.handles, s1.handles);
}

/* MAKE_CALL while the called device's owner keeps opening and closing. */
TEST_F_TIMEOUT(call, race_make_call_vs_callee_close, 300)
{
	race_calls_vs_churn(_metadata, self, -1);
}

/* MAKE_CALL while the called device keeps being force-closed. */
TEST_F_TIMEOUT(call, race_make_call_vs_force_close, 300)
{
	int r;

	REQUIRE_ROOT();
	r = FD();
	race_calls_vs_churn(_metadata, self, r);
	close(r);
}

TEST_HARNESS_MAIN
