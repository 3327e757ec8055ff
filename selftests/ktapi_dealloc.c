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

TEST_HARNESS_MAIN
