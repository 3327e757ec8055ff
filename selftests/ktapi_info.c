// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: GET_CALL_INFO, and the lifetime of a handle.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include "ktapi_utils.h"

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
	struct watched w;
	struct pair pr;

	CALL_AB_WATCHED(&pr, &w, WATCH_B);
	ANSWER_AB(&pr);
	GET_INFO(self->b, pr.hb, &io);
	GET_INFO(w.m1, w.hm1, &im);
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
	close(w.m1);
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

/*
 * GET_CALL_INFO has two paths (module/call.c).  The fast one,
 * ktapi_call_info_fast(), writes the result straight into the caller's
 * struct under pagefault_disable(); it is taken when size is exactly
 * sizeof(struct ktapi_call_info), flags are 0, the line is open, the
 * handle is valid and nothing faults.  Every other size, e.g. a larger
 * one with a zero tail, takes the full path (ktapi_get_arg(), then
 * copy_to_user() of a kernel copy).  On a quiescent call, read back to
 * back, both must give the same bytes but for size, which each returns as
 * passed.  Each buffer starts with its own garbage, so a field that one
 * path leaves unwritten differs too.
 */
struct info_full {
	struct ktapi_call_info ci;
	__u64 tail;		/* zero: the larger size is accepted */
};

static void __info_both_paths(struct __test_metadata *_metadata, int line,
			      int fd, __u32 h, __u32 state, __u32 origin,
			      __u32 priv)
{
	const unsigned char *x, *y;
	struct ktapi_call_info fast;
	struct info_full full;
	size_t i;

	memset(&fast, 0xa5, sizeof(fast));
	fast.size = sizeof(fast);
	fast.flags = 0;
	fast.handle = h;
	memset(&full, 0x5a, sizeof(full));
	full.ci.size = sizeof(full);
	full.ci.flags = 0;
	full.ci.handle = h;
	full.tail = 0;
	ASSERT_EQ(0, kt_err(ioctl(fd, KTAPI_IOC_GET_CALL_INFO, &fast)))
		TH_LOG("line %d: fast path: %s", line, kt_errname(errno));
	ASSERT_EQ(0, kt_err(ioctl(fd, KTAPI_IOC_GET_CALL_INFO, &full)))
		TH_LOG("line %d: full path: %s", line, kt_errname(errno));
	EXPECT_EQ(state, fast.state) TH_LOG("line %d", line);
	EXPECT_EQ(origin, fast.origin) TH_LOG("line %d", line);
	EXPECT_EQ(priv, fast.privilege) TH_LOG("line %d", line);
	EXPECT_EQ(sizeof(full), full.ci.size) TH_LOG("line %d", line);
	EXPECT_EQ(0, full.tail) TH_LOG("line %d", line);
	full.ci.size = sizeof(fast);
	x = (const unsigned char *)&fast;
	y = (const unsigned char *)&full.ci;
	for (i = 0; i < sizeof(fast) && x[i] == y[i]; i++)
		;
	EXPECT_EQ(0, memcmp(&fast, &full.ci, sizeof(fast))) {
		TH_LOG("line %d: handle %u %s priv %#x: fast and full path differ from byte %zu (%#x, %#x)",
		       line, h, state_name(state), priv, i, x[i], y[i]);
	}
}
#define INFO_BOTH_PATHS(fd, h, state, origin, priv)			\
	__info_both_paths(_metadata, __LINE__, fd, h, state, origin, priv)

/* Both legs of @pr, each through its owner and through a monitor. */
#define INFO_BOTH_PATHS_ALL(pr, w, s_out, s_in)				\
	do {								\
		INFO_BOTH_PATHS(self->a, (pr)->ha, s_out,		\
				KTAPI_CALLORIGIN_OUTBOUND, P_OWN);	\
		INFO_BOTH_PATHS((w)->m0, (w)->hm0, s_out,		\
				KTAPI_CALLORIGIN_OUTBOUND, P_MON);	\
		INFO_BOTH_PATHS(self->b, (pr)->hb, s_in,		\
				KTAPI_CALLORIGIN_INTERNAL, P_OWN);	\
		INFO_BOTH_PATHS((w)->m1, (w)->hm1, s_in,		\
				KTAPI_CALLORIGIN_INTERNAL, P_MON);	\
	} while (0)

/*
 * Every state a leg rests in (DIALING passes within MAKE_CALL), of the
 * outbound leg (origin OUTBOUND) and of the incoming one (INTERNAL), each
 * through an OWNER and a MONITOR handle.
 */
TEST_F(call, info_fast_and_full_paths_agree)
{
	struct ktapi_event ev;
	struct watched w;
	struct pair pr;
	__u32 h, cid;
	int fds[4], i;

	/* RINGBACK / OFFERING, CONNECTED / CONNECTED, IDLE / DISCONNECTED. */
	CALL_AB_WATCHED(&pr, &w, WATCH_A | WATCH_B);
	fds[0] = self->a;
	fds[1] = self->b;
	fds[2] = w.m0;
	fds[3] = w.m1;
	INFO_BOTH_PATHS_ALL(&pr, &w, S_RINGBACK, S_OFFERING);
	ANSWER_AB(&pr);
	INFO_BOTH_PATHS_ALL(&pr, &w, S_CONNECTED, S_CONNECTED);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	INFO_BOTH_PATHS_ALL(&pr, &w, S_IDLE, S_DISC);
	/* The incoming leg IDLE too. */
	ASSERT_OK(kt_drop(self->b, pr.hb));
	INFO_BOTH_PATHS(self->b, pr.hb, S_IDLE, KTAPI_CALLORIGIN_INTERNAL, P_OWN);
	INFO_BOTH_PATHS(w.m1, w.hm1, S_IDLE, KTAPI_CALLORIGIN_INTERNAL, P_MON);
	for (i = 0; i < 4; i++)
		ASSERT_LE(0, kt_drain(fds[i]));

	/* The outbound leg DISCONNECTED (REJECT): the callee drops it. */
	CALL_AB(&pr);
	EXPECT_NEW(&ev, w.m0, pr.ca, S_DIALING, P_MON);
	w.hm0 = ev.handle;
	ASSERT_OK(kt_drop(self->b, pr.hb));
	INFO_BOTH_PATHS(self->a, pr.ha, S_DISC, KTAPI_CALLORIGIN_OUTBOUND, P_OWN);
	INFO_BOTH_PATHS(w.m0, w.hm0, S_DISC, KTAPI_CALLORIGIN_OUTBOUND, P_MON);

	/* DISCONNECTED (BADADDRESS) straight from MAKE_CALL. */
	ASSERT_LE(0, kt_drain(w.m0));
	ASSERT_OK(kt_make_call(self->a, "999", &h, &cid));
	EXPECT_NEW(&ev, w.m0, cid, S_DIALING, P_MON);
	INFO_BOTH_PATHS(self->a, h, S_DISC, KTAPI_CALLORIGIN_OUTBOUND, P_OWN);
	INFO_BOTH_PATHS(w.m0, ev.handle, S_DISC, KTAPI_CALLORIGIN_OUTBOUND, P_MON);
	close(w.m0);
	close(w.m1);
}

/* ---- Handles ----------------------------------------------------------- */

TEST_F(call, handle_zero_enoent)
{
	struct pair pr;

	CALL_AB(&pr);
	check_enoent(_metadata, self->a, 0);
	check_enoent(_metadata, self->b, 0);
	EXPECT_NO_EV(self->a, self->b);
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
	IDLE_AB(&pr);
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
	EXPECT_NO_EV(self->a, self->b);
}

TEST_HARNESS_MAIN
