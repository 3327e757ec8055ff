// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: MAKE_CALL, ANSWER and DROP between two lines: owners,
 * monitors, the event sequences and their order.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include "ktapi_utils.h"

/* ---- MAKE_CALL: the event sequences of uapi/linux/ktapi.h ------------- */

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
	struct watched w;
	struct pair pr;

	CALL_AB_WATCHED(&pr, &w, WATCH_B);
	EXPECT_NE(0, w.hm1);
	EXPECT_CS(w.m1, w.hm1, pr.cb, S_OFFERING, 0, P_MON);
	EXPECT_NO_EV(w.m1);
	GET_INFO(w.m1, w.hm1, &ci);
	EXPECT_EQ(P_MON, ci.privilege);
	EXPECT_EQ(pr.cb, ci.call_id);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(w.m1);
}

/* A MONITOR file on the caller's device sees the outbound leg. */
TEST_F(call, make_call_caller_monitor_sequence)
{
	struct ktapi_call_info ci;
	struct watched w;
	struct pair pr;

	CALL_AB_WATCHED(&pr, &w, WATCH_A);
	EXPECT_CS(w.m0, w.hm0, pr.ca, S_DIALING, 0, P_MON);
	EXPECT_CS(w.m0, w.hm0, pr.ca, S_RINGBACK, 0, P_MON);
	EXPECT_NO_EV(w.m0);
	GET_INFO(w.m0, w.hm0, &ci);
	EXPECT_EQ(P_MON, ci.privilege);
	EXPECT_EQ(pr.ca, ci.call_id);
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ci.origin);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(w.m0);
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
	EXPECT_NO_EV(b2, self->b);
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
	EXPECT_NO_EV(b2, n1, o0);

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

/*
 * A line of device 0 opened with @priv calls b: it gets the caller's leg
 * with an OWNER handle, and no other event.  The line, for more checks.
 */
static int call_from_line(struct __test_metadata *_metadata,
			  FIXTURE_DATA(call) *self, __u32 priv,
			  struct pair *pr, struct ktapi_call_info *ci)
{
	int fd = LINE(0, priv);

	__call_ab(_metadata, fd, self->b, self->addr_b, pr);
	EXPECT_NO_EV(fd);
	GET_INFO(fd, pr->ha, ci);
	EXPECT_EQ(P_OWN, ci->privilege);
	return fd;
}

/* MAKE_CALL works on a NONE line: privileges govern incoming calls only. */
TEST_F(call, make_call_from_none_line)
{
	struct pair pr;
	struct ktapi_call_info ci;
	int n0 = call_from_line(_metadata, self, P_NONE, &pr, &ci);

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
	int m0 = call_from_line(_metadata, self, P_MON, &pr, &ci);

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
	CALL_REFUSED(self->a, self->addr_b, M_UNAVAIL, &h, &cid);
	EXPECT_NO_EV(m1, n1);
	GET_INFO(self->a, h, &ci);
	EXPECT_EQ(S_DISC, ci.state);
	EXPECT_EQ(M_UNAVAIL, ci.state_mode);
	EXPECT_EQ(S_DIALING | S_DISC, ci.states_seen);
	EXPECT_EQ(0, ci.related_call_id);
	EXPECT_STREQ(self->addr_b, ci.called_address);
	if (stats)
		EXPECT_CALLS_HANDLES(&s0, &s1, 1, 1);
	close(m1);
	close(n1);
}

/* A device nobody has open: DISCONNECTED/UNAVAIL. */
TEST_F(call, make_call_unopened_device_unavail)
{
	__u32 h, cid;

	close_fd(&self->b);
	CALL_REFUSED(self->a, self->addr_b, M_UNAVAIL, &h, &cid);
}

static void check_badaddress(struct __test_metadata *_metadata, int fd,
			     const char *addr, const char *caller)
{
	struct ktapi_call_info ci;
	__u32 h, cid;

	CALL_REFUSED(fd, addr, M_BADADDR, &h, &cid);
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
	if (stats)
		EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
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
	struct ktapi_event evb, eva;
	struct watched w;
	struct pair pr;
	__u64 t0;

	CALL_AB_WATCHED(&pr, &w, WATCH_A | WATCH_B);
	EXPECT_EQ(2, kt_drain(w.m0));
	EXPECT_EQ(1, kt_drain(w.m1));

	t0 = kt_now_ns();
	ASSERT_OK(kt_answer(self->b, pr.hb));
	EXPECT_EV_OUT(&evb, self->b, EV_CS, pr.hb, pr.cb, S_CONNECTED, 0, P_OWN);
	EXPECT_EV_OUT(&eva, self->a, EV_CS, pr.ha, pr.ca, S_CONNECTED, 0, P_OWN);
	EXPECT_LE(t0, evb.time_ns);
	EXPECT_LE(evb.time_ns, eva.time_ns);
	EXPECT_CS(w.m1, w.hm1, pr.cb, S_CONNECTED, 0, P_MON);
	EXPECT_CS(w.m0, w.hm0, pr.ca, S_CONNECTED, 0, P_MON);
	EXPECT_NO_EV(self->a, self->b, w.m0, w.m1);

	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_CONNECTED, ci.states_seen);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(S_OFFERING | S_CONNECTED, ci.states_seen);
	close(w.m0);
	close(w.m1);
}

/* ANSWER with a MONITOR handle: EACCES, and nothing changes. */
TEST_F(call, answer_monitor_handle_eacces)
{
	struct ktapi_call_info ci;
	struct watched w;
	struct pair pr;

	CALL_AB_WATCHED(&pr, &w, WATCH_B);
	kt_drain(w.m1);
	EXPECT_ERRNO(EACCES, kt_answer(w.m1, w.hm1));
	EXPECT_NO_EV(self->a, self->b, w.m1);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_OFFERING, ci.state);
	ANSWER_AB(&pr);
	close(w.m1);
}

/* A connected call a-b, watched from both devices; the monitors' queues empty. */
static void connected_watched(struct __test_metadata *_metadata,
			      FIXTURE_DATA(call) *self, struct pair *pr,
			      struct watched *w)
{
	CALL_AB_WATCHED(pr, w, WATCH_A | WATCH_B);
	ANSWER_AB(pr);
	kt_drain(w->m0);
	kt_drain(w->m1);
}

/* DROP with a MONITOR handle (either side): EACCES, and nothing changes. */
TEST_F(call, drop_monitor_handle_eacces)
{
	struct ktapi_call_info ci;
	struct watched w;
	struct pair pr;

	connected_watched(_metadata, self, &pr, &w);
	EXPECT_ERRNO(EACCES, kt_drop(w.m1, w.hm1));
	EXPECT_ERRNO(EACCES, kt_drop(w.m0, w.hm0));
	EXPECT_NO_EV(self->a, self->b, w.m0, w.m1);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	close(w.m0);
	close(w.m1);
}

/* ANSWER on a leg that is not OFFERING is EBUSY, in every other state. */
TEST_F(call, answer_not_offering_ebusy)
{
	struct pair pr;
	__u32 h;

	CALL_AB(&pr);
	EXPECT_ERRNO(EBUSY, kt_answer(self->a, pr.ha));		/* RINGBACK */
	EXPECT_NO_EV(self->a, self->b);
	ANSWER_AB(&pr);
	EXPECT_ERRNO(EBUSY, kt_answer(self->b, pr.hb));		/* CONNECTED */
	EXPECT_ERRNO(EBUSY, kt_answer(self->a, pr.ha));		/* CONNECTED */
	EXPECT_NO_EV(self->a, self->b);
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
	EXPECT_NO_EV(self->a, self->b);
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
	EXPECT_NO_EV(self->a, self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
}

/*
 * One end of the call @pr drops (the callee b or the caller a): it goes
 * IDLE, the other end DISCONNECTED with @mode, and nothing more is sent.
 */
static void drop_one_end(struct __test_metadata *_metadata,
			 FIXTURE_DATA(call) *self, const struct pair *pr,
			 bool callee, __u32 mode)
{
	struct pair_end e = PAIR_END(pr, callee);

	ASSERT_OK(kt_drop(e.fd, e.h));
	EXPECT_CS(e.fd, e.h, e.cid, S_IDLE, 0, P_OWN);
	EXPECT_CS(e.peer, e.ph, e.pcid, S_DISC, mode, P_OWN);
	EXPECT_NO_EV(self->a, self->b);
}

/* DROP of the RINGBACK caller: caller IDLE, callee DISCONNECTED/NORMAL. */
TEST_F(call, drop_ringback_caller)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	drop_one_end(_metadata, self, &pr, false, M_NORMAL);
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
	drop_one_end(_metadata, self, &pr, true, M_REJECT);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(M_REJECT, ci.state_mode);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_DISC, ci.states_seen);
}

/* One end of a connected call drops: it goes IDLE, the other DISCONNECTED. */
static void drop_connected(struct __test_metadata *_metadata,
			   FIXTURE_DATA(call) *self, bool callee)
{
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	drop_one_end(_metadata, self, &pr, callee, M_NORMAL);
}

TEST_F(call, drop_connected_caller)
{
	drop_connected(_metadata, self, false);
}

TEST_F(call, drop_connected_callee)
{
	drop_connected(_metadata, self, true);
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
	EXPECT_NO_EV(self->a, self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	EXPECT_EQ(0, ci.state_mode);
	EXPECT_EQ(S_DIALING | S_RINGBACK | S_CONNECTED | S_DISC | S_IDLE,
		  ci.states_seen);
}

/* Monitors of both legs see the DROP too. */
TEST_F(call, drop_sequence_with_monitors)
{
	struct watched w;
	struct pair pr;

	connected_watched(_metadata, self, &pr, &w);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_CS(w.m0, w.hm0, pr.ca, S_IDLE, 0, P_MON);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_CS(w.m1, w.hm1, pr.cb, S_DISC, M_NORMAL, P_MON);
	EXPECT_NO_EV(w.m0, w.m1);
	close(w.m0);
	close(w.m1);
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

TEST_HARNESS_MAIN
