// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: DEALLOCATE_CALL across API versions.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include "ktapi_utils.h"

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

/*
 * The sole owner of an active leg of @pr (the callee b's, or the caller
 * a's) deallocates it: < 2.0 EBUSY, and the leg stays in @state; >= 2.0 the
 * handle is void, and the other end reads DISCONNECTED with @mode.  Nothing
 * more is sent.
 */
static void dealloc_sole_owner(struct __test_metadata *_metadata,
			       FIXTURE_DATA(dapi) *self,
			       const FIXTURE_VARIANT(dapi) *variant,
			       const struct pair *pr, bool callee,
			       __u32 state, __u32 mode)
{
	struct pair_end e = PAIR_END(pr, callee);
	struct ktapi_call_info ci;

	if (variant->old) {
		EXPECT_ERRNO(EBUSY, kt_dealloc(e.fd, e.h));
		GET_INFO(e.fd, e.h, &ci);
		EXPECT_EQ(state, ci.state);
		EXPECT_NO_EV(self->a, self->b);
		return;
	}
	ASSERT_OK(kt_dealloc(e.fd, e.h));
	check_enoent(_metadata, e.fd, e.h);
	EXPECT_CS(e.peer, e.ph, e.pcid, S_DISC, mode, P_OWN);
	EXPECT_NO_EV(self->a, self->b);
}

/* Sole owner, RINGBACK: < 2.0 EBUSY; >= 2.0 void, leg dropped and freed. */
TEST_F(dapi, dealloc_ringing_sole_owner)
{
	struct ktapi_stats s0, s1;
	struct pair pr;
	bool stats;

	CALL_AB(&pr);
	stats = HAVE_STATS(&s0);
	dealloc_sole_owner(_metadata, self, variant, &pr, false, S_RINGBACK,
			   M_NORMAL);
	if (stats && !variant->old)
		EXPECT_CALLS_HANDLES(&s0, &s1, -1, -1);
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
	EXPECT_NO_EV(self->a, self->b);
}

/* The OFFERING callee: < 2.0 EBUSY; >= 2.0 dropped, caller sees REJECT. */
TEST_F(dapi, dealloc_offering_callee)
{
	struct pair pr;

	CALL_AB(&pr);
	dealloc_sole_owner(_metadata, self, variant, &pr, true, S_OFFERING,
			   M_REJECT);
}

/* The CONNECTED callee: < 2.0 EBUSY; >= 2.0 dropped, caller sees NORMAL. */
TEST_F(dapi, dealloc_connected_callee)
{
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	dealloc_sole_owner(_metadata, self, variant, &pr, true, S_CONNECTED,
			   M_NORMAL);
}

/* A MONITOR handle can always be deallocated; the call goes on. */
TEST_F(dapi, dealloc_monitor_handle_of_active_call)
{
	struct ktapi_call_info ci;
	struct watched w;
	struct pair pr;

	__call_ab_watched(_metadata, self->a, self->b, self->addr_b,
			  variant->api, WATCH_A, &pr, &w);
	kt_drain(w.m0);
	ASSERT_OK(kt_dealloc(w.m0, w.hm0));
	check_enoent(_metadata, w.m0, w.hm0);
	EXPECT_NO_EV(self->a, self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_RINGBACK, ci.state);
	EXPECT_EQ(0, ci.num_monitors);
	/* Later changes no longer reach the monitor. */
	ANSWER_AB(&pr);
	EXPECT_NO_EV(w.m0);
	close(w.m0);
}

TEST_HARNESS_MAIN
