// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: KTAPI_IOC_GET_NEW_CALLS (uapi/linux/ktapi.h, DOC: Call
 * privilege and new calls; struct ktapi_new_calls): MONITOR handles for
 * the legs of the file's device that are not IDLE and that it holds no
 * handle for, at most max_handles, out_remaining, all or nothing on
 * ENOSPC and EFAULT, no APPNEWCALL, CALLSTATE records after.  Built 64-bit
 * and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include "ktapi_utils.h"

#define PADDR	"5550188"	/* a provider device's address */

/*
 * GET_NEW_CALLS with a struct of @size bytes: 0 or errno; *count and
 * *remaining (either may be NULL) the output fields.
 */
static int new_calls_raw(int fd, __u32 size, __u32 flags, __u64 handles,
			 __u32 max, __u32 reserved, __u32 *count,
			 __u32 *remaining)
{
	struct ktapi_new_calls nc = {
		.size = size,
		.flags = flags,
		.handles = handles,
		.max_handles = max,
		.reserved = reserved,
		.out_count = 0xdeadbeef,
		.out_remaining = 0xdeadbeef,
	};
	int ret = kt_err(ioctl(fd, KTAPI_IOC_GET_NEW_CALLS, &nc));

	if (count)
		*count = nc.out_count;
	if (remaining)
		*remaining = nc.out_remaining;
	return ret;
}

static int new_calls(int fd, __u32 *handles, __u32 max, __u32 *count,
		     __u32 *remaining)
{
	return new_calls_raw(fd, sizeof(struct ktapi_new_calls), 0,
			     (__u64)(uintptr_t)handles, max, 0, count,
			     remaining);
}

/* GET_NEW_CALLS asserting success, @count made and @remaining left. */
static void __expect_new_calls(struct __test_metadata *_metadata, int fd,
			       __u32 *handles, __u32 max, __u32 count,
			       __u32 remaining, int line)
{
	__u32 c = 0, r = 0;
	int err = new_calls(fd, handles, max, &c, &r);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: GET_NEW_CALLS(max %u): %s", line, max,
		       kt_errname(err));
	}
	ASSERT_EQ(count, c) TH_LOG("line %d: out_count", line);
	ASSERT_EQ(remaining, r) TH_LOG("line %d: out_remaining", line);
}
#define EXPECT_NEW_CALLS(fd, handles, max, count, remaining)		\
	__expect_new_calls(_metadata, fd, handles, max, count, remaining, \
			   __LINE__)

/*
 * @fd's handle @h is a MONITOR handle to the leg @cid in @state, counted
 * among its monitors.
 */
static void __expect_monitor(struct __test_metadata *_metadata, int fd,
			     __u32 h, __u32 cid, __u32 state, int line)
{
	struct ktapi_call_info ci;

	__kt_get_info(_metadata, fd, h, &ci, line);
	EXPECT_EQ(cid, ci.call_id) TH_LOG("line %d", line);
	EXPECT_EQ(P_MON, ci.privilege) TH_LOG("line %d", line);
	EXPECT_EQ(state, ci.state) TH_LOG("line %d", line);
	EXPECT_LE(1, ci.num_monitors) TH_LOG("line %d", line);
}
#define EXPECT_MONITOR(fd, h, cid, state)				\
	__expect_monitor(_metadata, fd, h, cid, state, __LINE__)

/* ---- The ordinary case ------------------------------------------------- */

/* A line opened after a call began gets a MONITOR handle to its leg. */
TEST_F(call, new_line_gets_monitor_handle)
{
	struct pair pr;
	__u32 h[4] = { 0 };
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_NONE);
	EXPECT_NEW_CALLS(n, h, ARRAY_SIZE(h), 1, 0);
	EXPECT_NE(0, h[0]);
	EXPECT_MONITOR(n, h[0], pr.cb, S_OFFERING);
	close(n);
}

/* The leg counts the new handle among its monitors. */
TEST_F(call, new_handle_counted_in_num_monitors)
{
	struct ktapi_call_info ci;
	struct pair pr;
	__u32 h = 0;
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(n);
}

/* The caller's device: the OUTBOUND leg, not the other device's leg. */
TEST_F(call, callers_device_gets_outbound_leg)
{
	struct pair pr;
	__u32 h[4] = { 0 };
	int n;

	CALL_AB(&pr);
	n = LINE(0, P_OWN);
	EXPECT_NEW_CALLS(n, h, ARRAY_SIZE(h), 1, 0);
	EXPECT_MONITOR(n, h[0], pr.ca, S_RINGBACK);
	close(n);
}

/* No APPNEWCALL (nor any record) announces the handles. */
TEST_F(call, no_appnewcall)
{
	struct pair pr;
	__u32 h = 0;
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	EXPECT_NO_EV(n);
	close(n);
}

/* The leg's next change reaches the new handle as CALLSTATE. */
TEST_F(call, callstate_after)
{
	struct pair pr;
	__u32 h = 0;
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	ANSWER_AB(&pr);
	EXPECT_CS(n, h, pr.cb, S_CONNECTED, 0, P_MON);
	EXPECT_NO_EV(n);
	close(n);
}

/* A file that holds a handle to every leg gets none. */
TEST_F(call, held_legs_not_given)
{
	struct pair pr;
	__u32 h = 0;

	CALL_AB(&pr);
	EXPECT_NEW_CALLS(self->b, &h, 1, 0, 0);
	EXPECT_NEW_CALLS(self->a, &h, 1, 0, 0);
}

/* A second GET_NEW_CALLS: the leg is held now. */
TEST_F(call, second_call_gets_nothing)
{
	struct pair pr;
	__u32 h = 0;
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	EXPECT_NEW_CALLS(n, &h, 1, 0, 0);
	close(n);
}

/* Deallocated, the leg may be asked for again: a new handle. */
TEST_F(call, after_dealloc_given_again)
{
	struct pair pr;
	__u32 h = 0, h2 = 0;
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	ASSERT_OK(kt_dealloc(n, h));
	EXPECT_NEW_CALLS(n, &h2, 1, 1, 0);
	EXPECT_NE(h, h2);
	EXPECT_MONITOR(n, h2, pr.cb, S_OFFERING);
	close(n);
}

/* ---- Counts ------------------------------------------------------------ */

/* @k calls from a to b, ringing: the callee legs' call ids in @cb. */
static void calls_ab(struct __test_metadata *_metadata,
		     FIXTURE_DATA(call) *self, unsigned int k, __u32 *cb)
{
	struct pair pr;
	unsigned int i;

	for (i = 0; i < k; i++) {
		CALL_AB(&pr);
		cb[i] = pr.cb;
	}
}

/* Whether @cid is one of the @n ids of @cids. */
static bool has_id(const __u32 *cids, unsigned int n, __u32 cid)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (cids[i] == cid)
			return true;
	return false;
}

/* Three legs: three distinct handles, one per leg. */
TEST_F(call, one_handle_per_leg)
{
	struct ktapi_call_info ci;
	__u32 cb[3], h[8] = { 0 }, seen[3] = { 0 };
	unsigned int i;
	int n;

	calls_ab(_metadata, self, 3, cb);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, h, ARRAY_SIZE(h), 3, 0);
	for (i = 0; i < 3; i++) {
		GET_INFO(n, h[i], &ci);
		EXPECT_TRUE(has_id(cb, 3, ci.call_id));
		EXPECT_FALSE(has_id(seen, i, ci.call_id));
		seen[i] = ci.call_id;
	}
	close(n);
}

/* max_handles 0 only counts: out_remaining, no handle made. */
TEST_F(call, max_zero_only_counts)
{
	__u32 cb[3], h[8] = { 0 };
	int n;

	calls_ab(_metadata, self, 3, cb);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, NULL, 0, 0, 3);
	/* Nothing was made: all three still come. */
	EXPECT_NEW_CALLS(n, h, ARRAY_SIZE(h), 3, 0);
	close(n);
}

/* More legs than max_handles: out_remaining, and a second call gets them. */
TEST_F(call, remaining_then_second_call)
{
	struct ktapi_call_info ci;
	__u32 cb[3], h[3] = { 0 }, got[3] = { 0 };
	unsigned int i;
	int n;

	calls_ab(_metadata, self, 3, cb);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, h, 2, 2, 1);
	EXPECT_EQ(0, h[2]);
	EXPECT_NEW_CALLS(n, h + 2, 1, 1, 0);
	for (i = 0; i < 3; i++) {
		GET_INFO(n, h[i], &ci);
		EXPECT_FALSE(has_id(got, i, ci.call_id));
		got[i] = ci.call_id;
		EXPECT_TRUE(has_id(cb, 3, ci.call_id));
	}
	close(n);
}

/* Only out_count entries of the array are written. */
TEST_F(call, array_written_up_to_count)
{
	__u32 cb[1], h[4] = { 0, 0x11111111, 0x22222222, 0x33333333 };
	int n;

	calls_ab(_metadata, self, 1, cb);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, h, ARRAY_SIZE(h), 1, 0);
	EXPECT_NE(0, h[0]);
	EXPECT_EQ(0x11111111, h[1]);
	EXPECT_EQ(0x22222222, h[2]);
	EXPECT_EQ(0x33333333, h[3]);
	close(n);
}

/* IDLE legs are left out, even with handles left on them. */
TEST_F(call, idle_legs_excluded)
{
	struct pair pr;
	__u32 h = 0;
	int n0, n1;

	CALL_AB(&pr);
	IDLE_AB(&pr);
	n0 = LINE(0, P_MON);
	n1 = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n0, &h, 1, 0, 0);
	EXPECT_NEW_CALLS(n1, &h, 1, 0, 0);
	close(n0);
	close(n1);
}

/* A DISCONNECTED leg is not IDLE: it is given. */
TEST_F(call, disconnected_leg_given)
{
	struct pair pr;
	__u32 h = 0;
	int n;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	n = LINE(1, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	EXPECT_MONITOR(n, h, pr.cb, S_DISC);
	/* The caller's leg is IDLE. */
	close(n);
	n = LINE(0, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 0, 0);
	close(n);
}

/* A leg with several holders on the device: one handle for it. */
TEST_F(call, several_holders_one_handle)
{
	struct ktapi_event ev;
	__u32 h[2] = { 0 }, hc, cid;
	int m, c, n;

	m = LINE(0, P_MON);
	c = LINE(0, P_OWN);
	ASSERT_OK(kt_make_call(c, self->addr_b, &hc, &cid));
	EXPECT_NEW(&ev, m, cid, S_DIALING, P_MON);
	n = LINE(0, P_MON);
	EXPECT_NEW_CALLS(n, h, 2, 1, 0);
	EXPECT_MONITOR(n, h[0], cid, S_RINGBACK);
	close(c);
	close(m);
	close(n);
}

/* ---- CALLINFO ------------------------------------------------------------ */

/*
 * The other holders that opened with KTAPI_LINE_OPEN_CALLINFO read a
 * CALLINFO NUMMONITORS for the leg given a new handle.
 */
TEST_F(call, callinfo_nummonitors_to_other_holders)
{
	struct ktapi_event ev;
	__u32 hc, hm, cid, h = 0;
	int c, m, n;

	/* A call made on device 0 by c, watched by m, both with CALLINFO. */
	c = LINE_CI(0, P_OWN);
	m = LINE_CI(0, P_MON);
	ASSERT_OK(kt_make_call(c, self->addr_b, &hc, &cid));
	EXPECT_NEW(&ev, m, cid, S_DIALING, P_MON);
	hm = ev.handle;
	kt_drain(c);
	kt_drain(m);
	n = LINE_CI(0, P_MON);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	EXPECT_CI(c, hc, cid, CI_MON);
	EXPECT_CI(m, hm, cid, CI_MON);
	/* The file given the handle reads none. */
	EXPECT_NO_EV(n, c, m);
	close(n);
	close(m);
	close(c);
}

/* No CALLINFO to holders that did not ask for it, nor for max 0. */
TEST_F(call, callinfo_only_when_asked_and_made)
{
	struct pair pr;
	__u32 h = 0;
	int n;

	CALL_AB(&pr);
	n = LINE_CI(1, P_MON);
	/* b opened without the flag. */
	EXPECT_NEW_CALLS(n, NULL, 0, 0, 1);
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	EXPECT_NO_EV(self->b, n);
	close(n);
}

/* ---- Errors -------------------------------------------------------------- */

/* A file without a line: EBADFD. */
TEST_F(call, no_line_ebadfd)
{
	int fd = FD();

	EXPECT_ERRNO(EBADFD, new_calls(fd, NULL, 0, NULL, NULL));
	close(fd);
}

/*
 * max_handles is a field value, checked after the state ("General ioctl
 * format"): above the limit on a file without a line is EBADFD.
 */
TEST_F(call, no_line_max_above_limit_ebadfd)
{
	int fd = FD();

	EXPECT_ERRNO(EBADFD, new_calls(fd, NULL, KTAPI_NEW_CALLS_MAX + 1,
				       NULL, NULL));
	close(fd);
}

/* ... but reserved is checked before the state: EINVAL. */
TEST_F(call, no_line_reserved_einval)
{
	int fd = FD();
	__u32 h;

	EXPECT_ERRNO(EINVAL, new_calls_raw(fd, sizeof(struct ktapi_new_calls),
					   0, (__u64)(uintptr_t)&h, 1, 1,
					   NULL, NULL));
	close(fd);
}

/* max_handles above KTAPI_NEW_CALLS_MAX: EINVAL; the maximum itself is fine. */
TEST_F(call, max_above_limit_einval)
{
	static __u32 h[KTAPI_NEW_CALLS_MAX];

	EXPECT_ERRNO(EINVAL, new_calls(self->a, h, KTAPI_NEW_CALLS_MAX + 1,
				       NULL, NULL));
	EXPECT_NEW_CALLS(self->a, h, KTAPI_NEW_CALLS_MAX, 0, 0);
}

TEST_F(call, reserved_einval)
{
	__u32 h;

	EXPECT_ERRNO(EINVAL, new_calls_raw(self->a, sizeof(struct ktapi_new_calls),
					   0, (__u64)(uintptr_t)&h, 1, 1,
					   NULL, NULL));
}

TEST_F(call, flags_einval)
{
	__u32 h;

	EXPECT_ERRNO(EINVAL, new_calls_raw(self->a, sizeof(struct ktapi_new_calls),
					   KTAPI_REQ_ASYNC,
					   (__u64)(uintptr_t)&h, 1, 0, NULL,
					   NULL));
}

TEST_F(call, size_below_ver0_einval)
{
	__u32 h;

	EXPECT_ERRNO(EINVAL, new_calls_raw(self->a, KTAPI_NEW_CALLS_SIZE_VER0 - 4,
					   0, (__u64)(uintptr_t)&h, 1, 0,
					   NULL, NULL));
}

/* An array that cannot be written: EFAULT, and no handle is made. */
TEST_F(call, efault_makes_nothing)
{
	struct ktapi_stats s0, s1;
	struct pair pr;
	__u32 h = 0;
	bool stats;
	void *ro;
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_MON);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	stats = HAVE_STATS(&s0);
	EXPECT_ERRNO(EFAULT, new_calls(n, ro, 1, NULL, NULL));
	if (stats) {
		ASSERT_OK(kt_stats_read(&s1));
		EXPECT_EQ(s0.handles, s1.handles);
	}
	/* Nothing was made: the leg is still new to n, and its first handle. */
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	EXPECT_MONITOR(n, h, pr.cb, S_OFFERING);
	EXPECT_NO_EV(n);
	munmap(ro, 4096);
	close(n);
}

/* An unmapped array address: EFAULT too. */
TEST_F(call, efault_unmapped)
{
	struct pair pr;
	__u32 h = 0;
	int n;

	CALL_AB(&pr);
	n = LINE(1, P_MON);
	EXPECT_ERRNO(EFAULT, new_calls_raw(n, sizeof(struct ktapi_new_calls), 0,
					   8, 1, 0, NULL, NULL));
	EXPECT_NEW_CALLS(n, &h, 1, 1, 0);
	close(n);
}

/* The handle space holds one more handle, two legs qualify: ENOSPC. */
TEST_F_TIMEOUT(call, enospc_makes_nothing, 300)
{
	unsigned long i, max = self->p.max_handles;
	__u32 cb[2], h[2] = { 0 }, first;
	int n;

	if (max > 1024)
		SKIP(return, "max_handles %lu: the small-parameter pass runs this",
		     max);
	calls_ab(_metadata, self, 2, cb);
	n = LINE(1, P_NONE);
	/* max - 1 handles of n's own (refused calls: IDLE-free, not b's). */
	ASSERT_OK(kt_make_call(n, "999", &first, NULL));
	for (i = 1; i < max - 1; i++)
		ASSERT_OK(kt_make_call(n, "999", NULL, NULL));
	kt_drain(n);
	EXPECT_ERRNO(ENOSPC, new_calls(n, h, 2, NULL, NULL));
	EXPECT_EQ(0, h[0]);
	/* Nothing was made: one handle more of room makes both. */
	ASSERT_OK(kt_dealloc(n, first));
	EXPECT_NEW_CALLS(n, h, 2, 2, 0);
	close(n);
}

/* ---- Providers ----------------------------------------------------------- */

/* An INBOUND leg of a provider's device is given too. */
TEST(provider_inbound_leg)
{
	__u32 dev, h, cid, hn = 0;
	int pfd, o, n;

	PROV_REQUIRE();
	pfd = PROV("newcalls", 16);
	dev = PROV_LINE(pfd, PADDR);
	o = LINE(dev, P_OWN);
	PROV_CALL_IN(pfd, dev, "123", PADDR, o, &h, &cid);
	n = LINE(dev, P_NONE);
	EXPECT_NEW_CALLS(n, &hn, 1, 1, 0);
	EXPECT_MONITOR(n, hn, cid, S_OFFERING);
	/* The provider reports a state: the new handle reads it. */
	ASSERT_OK(kt_prov_callstate(pfd, cid, S_CONNECTED, 0));
	EXPECT_CS(n, hn, cid, S_CONNECTED, 0, P_MON);
	close(o);
	close(n);
	EXPECT_CLOSECALL(pfd, dev, cid, S_CONNECTED);
	close(pfd);
}

TEST_HARNESS_MAIN
