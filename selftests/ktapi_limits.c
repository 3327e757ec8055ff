// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: the per-file handle limit (max_handles).
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include "ktapi_utils.h"

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
	if (stats)
		EXPECT_CALLS_HANDLES(&s0, &s1, (long long)max, (long long)max);
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
	CALL_REFUSED(self->a, self->addr_b, M_BUSY, &h, &cid);
	EXPECT_NO_EV(self->b, m1);
	GET_INFO(self->a, h, &ci);
	EXPECT_EQ(M_BUSY, ci.state_mode);
	EXPECT_EQ(0, ci.related_call_id);
	if (stats)
		EXPECT_CALLS_HANDLES(&s0, &s1, 1, 1);
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

TEST_HARNESS_MAIN
