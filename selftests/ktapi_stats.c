// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: the debugfs stats: nothing leaks.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include "ktapi_utils.h"

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
	EXPECT_NO_EV(self->a, self->b);
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

TEST_HARNESS_MAIN
