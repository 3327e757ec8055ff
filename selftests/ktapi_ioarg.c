// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: the argument rules every ioctl shares: size,
 * pointer, flags, reserved fields, output that cannot be written.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include "ktapi_utils.h"

/* ====================================================================== */
/* Argument rules shared by every ioctl: size, pointer, flags, reserved.  */

enum ioc_kind {
	K_DEVCAPS, K_LINE_OPEN, K_MAKE_CALL, K_ANSWER, K_DROP, K_CALL_INFO,
	K_DEALLOC, K_CLOSE_LINE, K_SET_PRIV, K_NEW_CALLS,
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
	struct ktapi_call_privilege priv;
	struct ktapi_new_calls nc;
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
	bool stats;		/* stats readable: the leak checks run */
	struct ktapi_stats s_start;	/* before the fixture opened anything */
	struct ktapi_stats s_lines;	/* its lines open, before any call */
	/* K_NEW_CALLS: the array good.nc.handles points to (NC_SENTINEL) */
	__u32 nc_ids[8];
	__u32 nc_own[2];	/* the caller's handles of the two legs */
	__u32 nc_cid[2];	/* their call ids */
	__u32 nc_extra;		/* a handle of fd made by a case, or 0 */
};

FIXTURE_VARIANT(ioarg) {
	enum ioc_kind kind;
	unsigned long cmd;
	size_t size;
	size_t ver0;		/* KTAPI_<STRUCT>_SIZE_VER0 */
	size_t reserved_off;	/* 0: the struct has no reserved field */
	__u32 flags_ok;		/* the flags it takes (KTAPI_REQ_ASYNC, ...) or 0 */
};

#define KT_OFFSETOFEND(t, m)	(offsetof(t, m) + sizeof(((t *)0)->m))

/*
 * The first published sizes end where the first versions ended: a struct
 * grows only after them, and these never change.
 */
_Static_assert(KTAPI_DEVCAPS_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_devcaps, address), "devcaps");
_Static_assert(KTAPI_LINE_OPEN_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_line_open, reserved), "line_open");
_Static_assert(KTAPI_MAKE_CALL_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_make_call, call_id), "make_call");
_Static_assert(KTAPI_CALL_OP_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_call_op, reserved), "call_op");
_Static_assert(KTAPI_CLOSE_LINE_DEVICE_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_close_line_device, reserved),
	       "close_line_device");
_Static_assert(KTAPI_CALL_INFO_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_call_info, called_address),
	       "call_info");
_Static_assert(KTAPI_CALL_PRIVILEGE_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_call_privilege, privilege),
	       "call_privilege");
_Static_assert(KTAPI_NEW_CALLS_SIZE_VER0 ==
	       KT_OFFSETOFEND(struct ktapi_new_calls, reserved), "new_calls");

/*
 * The ioctls, one variant each of ioarg; those whose struct has a reserved
 * field also of ioarg_reserved (below), so no variant has to skip.
 */
#define IOC(k, c, st, v0)	.kind = k, .cmd = c, .size = sizeof(struct st), \
				.ver0 = KTAPI_##v0##_SIZE_VER0
#define IOC_RSV(k, c, st, v0)	IOC(k, c, st, v0), .reserved_off = offsetof(struct st, reserved)

#define IOC_GET_DEVCAPS		IOC(K_DEVCAPS, KTAPI_IOC_GET_DEVCAPS, ktapi_devcaps, DEVCAPS)
#define IOC_LINE_OPEN		IOC_RSV(K_LINE_OPEN, KTAPI_IOC_LINE_OPEN, ktapi_line_open, \
					LINE_OPEN), .flags_ok = KTAPI_LINE_OPEN_CALLINFO
#define IOC_MAKE_CALL		IOC(K_MAKE_CALL, KTAPI_IOC_MAKE_CALL, ktapi_make_call, MAKE_CALL), \
				.flags_ok = KTAPI_REQ_ASYNC
#define IOC_ANSWER		IOC_RSV(K_ANSWER, KTAPI_IOC_ANSWER, ktapi_call_op, CALL_OP), \
				.flags_ok = KTAPI_REQ_ASYNC
#define IOC_DROP		IOC_RSV(K_DROP, KTAPI_IOC_DROP, ktapi_call_op, CALL_OP), \
				.flags_ok = KTAPI_REQ_ASYNC
#define IOC_GET_CALL_INFO	IOC(K_CALL_INFO, KTAPI_IOC_GET_CALL_INFO, ktapi_call_info, \
				    CALL_INFO)
#define IOC_DEALLOCATE_CALL	IOC_RSV(K_DEALLOC, KTAPI_IOC_DEALLOCATE_CALL, ktapi_call_op, \
					CALL_OP)
#define IOC_CLOSE_LINE_DEVICE	IOC_RSV(K_CLOSE_LINE, KTAPI_IOC_CLOSE_LINE_DEVICE, \
					ktapi_close_line_device, CLOSE_LINE_DEVICE)
/* The libtapi issue's: no reserved field, no flags; reserved, no flags. */
#define IOC_SET_CALL_PRIVILEGE	IOC(K_SET_PRIV, KTAPI_IOC_SET_CALL_PRIVILEGE, \
				    ktapi_call_privilege, CALL_PRIVILEGE)
#define IOC_GET_NEW_CALLS	IOC_RSV(K_NEW_CALLS, KTAPI_IOC_GET_NEW_CALLS, \
					ktapi_new_calls, NEW_CALLS)

/* K_NEW_CALLS: the context's two legs, given in nc_ids[0..2); the rest stays. */
#define NC_LEGS		2
#define NC_MAX		4
#define NC_SENTINEL	0xa5a5a5a5u

FIXTURE_VARIANT_ADD(ioarg, get_devcaps) { IOC_GET_DEVCAPS };
FIXTURE_VARIANT_ADD(ioarg, line_open) { IOC_LINE_OPEN };
FIXTURE_VARIANT_ADD(ioarg, make_call) { IOC_MAKE_CALL };
FIXTURE_VARIANT_ADD(ioarg, answer) { IOC_ANSWER };
FIXTURE_VARIANT_ADD(ioarg, drop) { IOC_DROP };
FIXTURE_VARIANT_ADD(ioarg, get_call_info) { IOC_GET_CALL_INFO };
FIXTURE_VARIANT_ADD(ioarg, deallocate_call) { IOC_DEALLOCATE_CALL };
FIXTURE_VARIANT_ADD(ioarg, close_line_device) { IOC_CLOSE_LINE_DEVICE };
FIXTURE_VARIANT_ADD(ioarg, set_call_privilege) { IOC_SET_CALL_PRIVILEGE };
FIXTURE_VARIANT_ADD(ioarg, get_new_calls) { IOC_GET_NEW_CALLS };

/* The stats once the fixture's lines are open, before it makes a call. */
static void ioarg_lines_open(FIXTURE_DATA(ioarg) *self)
{
	if (self->stats && kt_stats_read(&self->s_lines))
		self->stats = false;
}

/* Build the context in which self->good is a valid argument. */
static void ioarg_prepare(struct __test_metadata *_metadata,
			  FIXTURE_DATA(ioarg) *self,
			  const FIXTURE_VARIANT(ioarg) *variant)
{
	char addr_b[KTAPI_ADDRESS_MAX];
	struct ktapi_event ev;
	size_t i;

	KT_REQUIRE(&self->p);
	if (self->p.lines < 2)
		SKIP_NOW("needs 2 line devices, lines=%lu", self->p.lines);
	self->fd = self->a = self->b = -1;
	self->stats = HAVE_STATS(&self->s_start);
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
		ioarg_lines_open(self);
		self->good.devcaps.device_id = 1;
		break;
	case K_LINE_OPEN:
		self->fd = FD();
		ioarg_lines_open(self);
		self->good.line_open.device_id = 0;
		self->good.line_open.privileges = P_OWN;
		self->good.line_open.api_version = API_CUR;
		break;
	case K_MAKE_CALL:
		self->fd = LINE(0, P_OWN);
		ioarg_lines_open(self);
		strcpy(self->good.make_call.dest_address, "999");
		break;
	case K_ANSWER:
	case K_SET_PRIV:
		/*
		 * b's OWNER handle of an OFFERING leg, its only owner: ANSWER
		 * answers it; SET_CALL_PRIVILEGE may step it back to MONITOR
		 * (the change is seen in GET_CALL_INFO).
		 */
		self->a = LINE(0, P_OWN);
		self->b = LINE(1, P_OWN);
		ioarg_lines_open(self);
		DEV_ADDR(self->a, 1, addr_b);
		ASSERT_OK(kt_make_call(self->a, addr_b, NULL, NULL));
		EXPECT_NEW(&ev, self->b, ANY, S_OFFERING, P_OWN);
		kt_drain(self->b);
		self->handle = ev.handle;
		self->call_id = ev.call_id;
		self->fd = self->b;
		if (variant->kind == K_ANSWER) {
			self->good.op.handle = self->handle;
		} else {
			self->good.priv.handle = self->handle;
			self->good.priv.privilege = P_MON;
		}
		break;
	case K_DROP:
	case K_CALL_INFO:
	case K_DEALLOC:
		self->fd = LINE(0, P_OWN);
		ioarg_lines_open(self);
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
		ioarg_lines_open(self);
		self->good.close_line.device_id = 1;
		break;
	case K_NEW_CALLS:
		/*
		 * Two DISCONNECTED legs on device 0 (a's calls to no
		 * device), then a line there that holds neither: it is given
		 * a MONITOR handle to each.  a's records are left for
		 * ioarg_clean_calls(), which deallocates its handles.
		 */
		self->a = LINE(0, P_OWN);
		ioarg_lines_open(self);
		for (i = 0; i < NC_LEGS; i++)
			ASSERT_OK(kt_make_call(self->a, "999", &self->nc_own[i],
					       &self->nc_cid[i]));
		self->fd = LINE(0, P_NONE);
		for (i = 0; i < ARRAY_SIZE(self->nc_ids); i++)
			self->nc_ids[i] = NC_SENTINEL;
		self->nc_extra = 0;
		self->good.nc.handles = (__u64)(uintptr_t)self->nc_ids;
		self->good.nc.max_handles = NC_MAX;
		break;
	}
}

/*
 * Deallocate every call the case left on the fixture's files: the handles
 * their events name, and the fixture's own.  Errors are ignored (a handle
 * may be gone already); the stats say afterwards whether anything is left.
 */
static void ioarg_clean_calls(FIXTURE_DATA(ioarg) *self)
{
	struct ktapi_event evs[64];
	int fds[3] = { self->fd, self->a, self->b };
	int round, i, j, n;

	/* K_NEW_CALLS: the handles GET_NEW_CALLS made (no record names them). */
	for (i = 0; i < (int)ARRAY_SIZE(self->nc_ids); i++)
		if (self->nc_ids[i] && self->nc_ids[i] != NC_SENTINEL)
			kt_dealloc(self->fd, self->nc_ids[i]);
	if (self->nc_extra)
		kt_dealloc(self->fd, self->nc_extra);
	if (self->handle) {
		kt_drop(self->fd, self->handle);
		kt_dealloc(self->fd, self->handle);
	}
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 3; i++) {
			if (fds[i] < 0 || (i && fds[i] == self->fd))
				continue;
			n = kt_drain_evs(fds[i], evs, ARRAY_SIZE(evs));
			for (j = 0; j < n && j < (int)ARRAY_SIZE(evs); j++) {
				if (!evs[j].handle)
					continue;
				kt_drop(fds[i], evs[j].handle);
				kt_dealloc(fds[i], evs[j].handle);
			}
		}
	}
}

/* Read the stats into @now until @same says they match @base (~5 s). */
static bool ioarg_stats_settle(const struct ktapi_stats *base,
			       struct ktapi_stats *now, bool all)
{
	int i;

	/* The frees behind the counters may wait for an RCU grace period. */
	for (i = 0; i < 50; i++) {
		if (kt_stats_read(now))
			return false;
		if (now->calls == base->calls && now->handles == base->handles &&
		    now->events_queued == base->events_queued &&
		    (!all || (now->files == base->files &&
			      now->lines_open == base->lines_open)))
			return true;
		kt_sleep_ms(100);
	}
	return false;
}

/*
 * A full call between two new lines, checked without ASSERT (teardown must
 * not jump): NULL, or the step that failed.
 */
static const char *ioarg_roundtrip(void)
{
	struct ktapi_devcaps caps;
	struct ktapi_event ev;
	const char *err = NULL;
	__u32 ha = 0, hb = 0;
	int a = kt_open(), b = kt_open();

#define RT_EV(fd, t, st, md, what)					\
	(kt_read_event(fd, &ev, EV_WAIT_MS) || ev.type != (t) ||	\
	 ev.state != (st) || ev.state_mode != (md) ? (what) : NULL)
	if (a < 0 || b < 0)
		err = "open";
	else if (kt_line_open(a, 0, P_OWN, API_CUR) ||
		 kt_line_open(b, 1, P_OWN, API_CUR))
		err = "LINE_OPEN";
	else if (kt_devcaps(a, 1, &caps))
		err = "GET_DEVCAPS";
	else if (kt_make_call(a, caps.address, &ha, NULL))
		err = "MAKE_CALL";
	if (!err)
		err = RT_EV(a, EV_CS, S_DIALING, 0, "caller DIALING");
	if (!err)
		err = RT_EV(a, EV_CS, S_RINGBACK, 0, "caller RINGBACK");
	if (!err)
		err = RT_EV(b, EV_NEW, S_OFFERING, 0, "callee APPNEWCALL");
	hb = ev.handle;
	if (!err)
		err = RT_EV(b, EV_CS, S_OFFERING, 0, "callee OFFERING");
	if (!err && (!hb || ev.handle != hb))
		err = "callee handle";
	if (!err && kt_answer(b, hb))
		err = "ANSWER";
	if (!err)
		err = RT_EV(b, EV_CS, S_CONNECTED, 0, "callee CONNECTED");
	if (!err)
		err = RT_EV(a, EV_CS, S_CONNECTED, 0, "caller CONNECTED");
	if (!err && kt_drop(a, ha))
		err = "DROP";
	if (!err)
		err = RT_EV(a, EV_CS, S_IDLE, 0, "caller IDLE");
	if (!err)
		err = RT_EV(b, EV_CS, S_DISC, M_NORMAL, "callee DISCONNECTED");
	if (!err && (kt_dealloc(a, ha) || kt_dealloc(b, hb)))
		err = "DEALLOCATE_CALL";
	if (!err && (kt_read_event(a, &ev, 0) != ETIMEDOUT ||
		     kt_read_event(b, &ev, 0) != ETIMEDOUT))
		err = "an event too many";
#undef RT_EV
	close_fd(&a);
	close_fd(&b);
	return err;
}

static void ioarg_leak_fail(struct __test_metadata *_metadata,
			    const char *what, const struct ktapi_stats *base,
			    const struct ktapi_stats *now)
{
	char s0[256], s1[256];

	kt_stats_str(base, s0, sizeof(s0));
	kt_stats_str(now, s1, sizeof(s1));
	TH_LOG("%s: not back to [%s], now [%s]", what, s0, s1);
	_metadata->passed = 0;
}

/*
 * Undo the context, checking that the case leaked nothing: with the lines
 * still open, once the case's calls are deallocated, no call, handle or
 * event is left; a full call still works; and once every file is closed,
 * the stats are those from before the fixture.  No ASSERT here: this is
 * also the teardown.
 */
static void ioarg_release(struct __test_metadata *_metadata,
			  FIXTURE_DATA(ioarg) *self)
{
	struct ktapi_stats now;
	const char *err;

	if (self->stats) {
		ioarg_clean_calls(self);
		if (!ioarg_stats_settle(&self->s_lines, &now, false))
			ioarg_leak_fail(_metadata,
					"calls handles events_queued, lines open",
					&self->s_lines, &now);
	}
	if (self->fd != self->a && self->fd != self->b)
		close_fd(&self->fd);
	close_fd(&self->a);
	close_fd(&self->b);
	munmap(self->map, 3 * self->pg);
	self->handle = 0;
	err = ioarg_roundtrip();
	if (err) {
		TH_LOG("after the case, a full call fails at %s", err);
		_metadata->passed = 0;
	}
	if (self->stats && !ioarg_stats_settle(&self->s_start, &now, true))
		ioarg_leak_fail(_metadata, "every file closed", &self->s_start,
				&now);
}

FIXTURE_SETUP(ioarg)
{
	ioarg_prepare(_metadata, self, variant);
}

FIXTURE_TEARDOWN(ioarg)
{
	ioarg_release(_metadata, self);
}

/* The bytes of @arg the kernel knows: min(its size field, sizeof). */
static size_t ioarg_len(const void *arg, size_t size)
{
	__u32 usize;

	memcpy(&usize, arg, sizeof(usize));
	return usize < size ? usize : size;
}

/*
 * K_NEW_CALLS after a success with @nc: a MONITOR handle of fd to each of
 * the two legs, in nc_ids[0..2) and counted in out_count; the rest of the
 * array is not written.
 */
static void ioarg_check_new_calls(struct __test_metadata *_metadata,
				  FIXTURE_DATA(ioarg) *self,
				  const struct ktapi_new_calls *nc)
{
	struct ktapi_call_info ci;
	bool seen[NC_LEGS] = { false };
	size_t i, j;

	ASSERT_EQ(NC_LEGS, nc->out_count);
	EXPECT_EQ(0, nc->out_remaining);
	EXPECT_EQ((__u64)(uintptr_t)self->nc_ids, nc->handles);
	EXPECT_EQ(NC_MAX, nc->max_handles);
	for (i = 0; i < NC_LEGS; i++) {
		ASSERT_NE(0, self->nc_ids[i]);
		ASSERT_NE(NC_SENTINEL, self->nc_ids[i]);
		GET_INFO(self->fd, self->nc_ids[i], &ci);
		EXPECT_EQ(P_MON, ci.privilege);
		EXPECT_EQ(S_DISC, ci.state);
		EXPECT_EQ(1, ci.num_owners);
		EXPECT_EQ(1, ci.num_monitors);
		for (j = 0; j < NC_LEGS; j++)
			if (ci.call_id == self->nc_cid[j]) {
				EXPECT_FALSE(seen[j]) TH_LOG("leg %zu twice", j);
				seen[j] = true;
			}
	}
	for (j = 0; j < NC_LEGS; j++)
		EXPECT_TRUE(seen[j]) TH_LOG("leg %zu not given", j);
	for (i = NC_LEGS; i < ARRAY_SIZE(self->nc_ids); i++)
		EXPECT_EQ(NC_SENTINEL, self->nc_ids[i]) TH_LOG("entry %zu", i);
	/* No APPNEWCALL: the numbers are the result. */
	EXPECT_NO_EV(self->fd);
}

/*
 * Before the retry of a failed call: the commands whose retry would not
 * show it check that the failure changed nothing.  SET_CALL_PRIVILEGE:
 * the handle is still the leg's OWNER (a retry asks for what the handle
 * would then have: 0 too).  GET_NEW_CALLS: no leg has a monitor, fd
 * holds nothing and read nothing.
 */
static void ioarg_check_untouched(struct __test_metadata *_metadata,
				  FIXTURE_DATA(ioarg) *self,
				  const FIXTURE_VARIANT(ioarg) *variant)
{
	struct ktapi_call_info ci;
	size_t i;

	switch (variant->kind) {
	case K_SET_PRIV:
		GET_INFO(self->fd, self->handle, &ci);
		EXPECT_EQ(P_OWN, ci.privilege);
		EXPECT_EQ(1, ci.num_owners);
		EXPECT_EQ(0, ci.num_monitors);
		break;
	case K_NEW_CALLS:
		for (i = 0; i < NC_LEGS; i++) {
			GET_INFO(self->a, self->nc_own[i], &ci);
			EXPECT_EQ(0, ci.num_monitors) TH_LOG("leg %zu", i);
			EXPECT_EQ(1, ci.num_owners) TH_LOG("leg %zu", i);
		}
		EXPECT_NO_EV(self->fd);
		break;
	default:
		break;
	}
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

	/* A struct shorter than the kernel's (an older one) has the rest 0. */
	memset(&out, 0, sizeof(out));
	memcpy(&out, arg, ioarg_len(arg, variant->size));
	switch (variant->kind) {
	case K_DEVCAPS:
		/* With the ids providers were given (ktapi_devices.c). */
		EXPECT_LE(self->p.lines, out.devcaps.num_devices);
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
	case K_SET_PRIV:
		GET_INFO(self->fd, self->handle, &ci);
		EXPECT_EQ(P_MON, ci.privilege);
		EXPECT_EQ(0, ci.num_owners);
		EXPECT_EQ(1, ci.num_monitors);
		EXPECT_EQ(S_OFFERING, ci.state);
		break;
	case K_NEW_CALLS:
		ioarg_check_new_calls(_metadata, self, &out.nc);
		break;
	}
}
#define CHECK_DONE(arg)	ioarg_check_done(_metadata, self, variant, arg)

/* The valid argument still works: the failure before changed nothing. */
#define RETRY_GOOD()							\
	do {								\
		union kt_arg __good = self->good;			\
		ioarg_check_untouched(_metadata, self, variant);	\
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

/* The commands that write results back into the struct. */
static bool ioarg_writes_back(const FIXTURE_VARIANT(ioarg) *variant)
{
	return variant->kind == K_DEVCAPS || variant->kind == K_MAKE_CALL ||
	       variant->kind == K_CALL_INFO || variant->kind == K_NEW_CALLS;
}

/*
 * Make the field values of @arg invalid where the struct has a device_id
 * (out of range) or a handle (0): for the checks that come first.
 */
static void ioarg_spoil_values(union kt_arg *arg,
			       const FIXTURE_VARIANT(ioarg) *variant,
			       unsigned long lines)
{
	switch (variant->kind) {
	case K_DEVCAPS:
		arg->devcaps.device_id = lines;
		break;
	case K_LINE_OPEN:
		arg->line_open.device_id = lines;
		break;
	case K_CLOSE_LINE:
		arg->close_line.device_id = lines;
		break;
	case K_ANSWER:
	case K_DROP:
	case K_DEALLOC:
		arg->op.handle = 0;
		break;
	case K_CALL_INFO:
		arg->info.handle = 0;
		break;
	case K_SET_PRIV:
		arg->priv.handle = 0;
		break;
	case K_NEW_CALLS:
		/* An array that cannot be written: EFAULT if it got that far. */
		arg->nc.handles = 8;
		break;
	case K_MAKE_CALL:
		break;
	}
}

/* NULL, hidden from the compiler's nonnull checks. */
static void *volatile null_ptr;

/* An address in the kernel half (of the compat address space for -m32). */
static void *kernel_ptr(void)
{
	if (sizeof(void *) == 8)
		return (void *)(uintptr_t)0xffff888000000000ULL;
	return (void *)(uintptr_t)0xfffff000UL;
}

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
	arg.hdr.size = 4;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

TEST_F(ioarg, size_one_short_einval)
{
	union kt_arg arg = self->good;

	arg.hdr.size = variant->ver0 - 1;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	arg.hdr.size = variant->ver0 - 4;
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

/*
 * Every size from the first published one (KTAPI_<STRUCT>_SIZE_VER0) to
 * today's sizeof is accepted: that of a program built against any older
 * header.  Each size twice, from a new context: flush against the
 * PROT_NONE page (nothing past size is read) and followed by a canary
 * (nothing past min(size, sizeof) is written).  Where a struct grew
 * (devcaps, make_call, call_op: VER1) that is every size in between;
 * what a grown struct writes back is ktapi_abi_grown.c's.  devcaps' 105
 * sizes, each with a new context, take over the harness's 30 s on the
 * debug kernel (KASAN under TCG): a longer timeout, not fewer sizes.
 */
TEST_F_TIMEOUT(ioarg, size_ver0_to_sizeof_accepted, 180)
{
	unsigned char *arg;
	size_t len, i;
	int flush, round = 0;

	ASSERT_LE(variant->ver0, variant->size);
	for (len = variant->ver0; len <= variant->size; len++) {
		for (flush = 0; flush < 2; flush++) {
			if (round++) {
				ioarg_release(_metadata, self);
				ioarg_prepare(_metadata, self, variant);
			}
			arg = flush ? self->map + 2 * self->pg - len : self->map;
			memcpy(arg, &self->good, len);
			((union kt_arg *)arg)->hdr.size = len;
			if (!flush)
				memset(arg + len, 0x5a, 64);
			ASSERT_EQ(0, CALL_ARG(arg))
				TH_LOG("size %zu%s", len, flush ? ", flush" : "");
			CHECK_DONE(arg);
			EXPECT_EQ(len, ((union kt_arg *)arg)->hdr.size);
			for (i = 0; !flush && i < 64; i++) {
				EXPECT_EQ(0x5a, arg[len + i])
					TH_LOG("size %zu: byte %zu", len, i);
			}
		}
	}
}

/*
 * Every boundary of the size at once, in the header's words: below VER0
 * EINVAL; VER0, sizeof, sizeof + 8 with a zero tail and PAGE_SIZE accepted;
 * sizeof + 8 with a non-zero tail and PAGE_SIZE + 1 E2BIG.  The struct is
 * at the start of the page before the PROT_NONE one.
 */
TEST_F(ioarg, size_boundaries)
{
	const struct {
		size_t len;
		int err;
		bool tail;	/* the last byte of the size is non-zero */
	} b[] = {
		{ variant->ver0 - 1, EINVAL, false },
		{ variant->ver0, 0, false },
		{ variant->size, 0, false },
		{ variant->size + 8, 0, false },
		{ variant->size + 8, E2BIG, true },
		{ self->pg, 0, false },
		{ self->pg + 1, E2BIG, false },
	};
	unsigned char *arg = self->map + self->pg;
	size_t i, j, n;
	int ret;

	for (i = 0; i < ARRAY_SIZE(b); i++) {
		memset(arg, 0, self->pg);
		memcpy(arg, &self->good, variant->size);
		((union kt_arg *)arg)->hdr.size = b[i].len;
		if (b[i].tail)
			arg[b[i].len - 1] = 1;
		ret = CALL_ARG(arg);
		EXPECT_EQ(b[i].err, ret)
			TH_LOG("size %zu%s: %s", b[i].len,
			       b[i].tail ? ", non-zero tail" : "",
			       strerror(ret));
		if (ret)
			continue;
		CHECK_DONE(arg);
		EXPECT_EQ(b[i].len, ((union kt_arg *)arg)->hdr.size);
		/* Nothing is written past the kernel's struct. */
		n = b[i].len < self->pg ? b[i].len : self->pg;
		for (j = variant->size; j < n; j++) {
			ASSERT_EQ(0, arg[j]) TH_LOG("size %zu: byte %zu", b[i].len, j);
		}
		ioarg_release(_metadata, self);
		ioarg_prepare(_metadata, self, variant);
		arg = self->map + self->pg;
	}
}

/*
 * A newer, larger struct whose extra bytes are zero is accepted, also of an
 * odd size; nothing is written past the kernel's struct.  Each size twice:
 * followed by a canary, and flush against the PROT_NONE page (the kernel
 * reads and writes no more than size bytes).
 */
TEST_F(ioarg, size_larger_zero_tail_accepted)
{
	static const size_t extra[] = { 1, 3, 8 };
	unsigned char *arg;
	size_t i, j, x, len;
	bool flush;

	for (j = 0; j < 2 * ARRAY_SIZE(extra); j++) {
		x = extra[j / 2];
		flush = j % 2;
		len = variant->size + x;
		/* Each round from a new context: the call did its work. */
		if (j) {
			ioarg_release(_metadata, self);
			ioarg_prepare(_metadata, self, variant);
		}
		arg = flush ? self->map + 2 * self->pg - len : self->map;
		memset(arg, 0, len);
		memcpy(arg, &self->good, variant->size);
		((union kt_arg *)arg)->hdr.size = len;
		if (!flush)
			memset(arg + len, 0x5a, 8);
		ASSERT_EQ(0, CALL_ARG(arg))
			TH_LOG("size + %zu%s", x, flush ? ", flush" : "");
		CHECK_DONE(arg);
		for (i = 0; i < x; i++) {
			EXPECT_EQ(0, arg[variant->size + i])
				TH_LOG("size + %zu: byte %zu", x, i);
		}
		for (i = 0; !flush && i < 8; i++) {
			EXPECT_EQ(0x5a, arg[len + i])
				TH_LOG("size + %zu: byte %zu", x, i);
		}
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
	((union kt_arg *)arg)->hdr.size = variant->size + 1;
	arg[variant->size] = 0x5a;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	RETRY_GOOD();
}

/* The tail is checked before the flags. */
TEST_F(ioarg, nonzero_tail_before_flags_e2big)
{
	unsigned char *arg = self->map;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = variant->size + 8;
	((union kt_arg *)arg)->hdr.flags = 2;
	arg[variant->size + 7] = 1;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	RETRY_GOOD();
}

/*
 * size == PAGE_SIZE with a zero tail is still accepted; the page ends at
 * the PROT_NONE one: nothing past it is read.
 */
TEST_F(ioarg, size_page_accepted)
{
	unsigned char *arg = self->map + self->pg;

	size_t i;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = self->pg;
	ASSERT_OK(CALL_ARG(arg));
	CHECK_DONE(arg);
	for (i = variant->size; i < self->pg; i++) {
		ASSERT_EQ(0, arg[i]) TH_LOG("byte %zu written", i);
	}
}

/* size == PAGE_SIZE with a non-zero last byte, next to PROT_NONE: E2BIG. */
TEST_F(ioarg, size_page_nonzero_tail_e2big)
{
	unsigned char *arg = self->map + self->pg;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = self->pg;
	arg[self->pg - 1] = 1;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	RETRY_GOOD();
}

/*
 * size > PAGE_SIZE is E2BIG even when the tail is zero: the argument's page
 * is followed by the PROT_NONE one, so for PAGE_SIZE + 1 its last byte is
 * unmapped: E2BIG comes before EFAULT.
 */
TEST_F(ioarg, size_over_page_e2big)
{
	unsigned char *arg = self->map + self->pg;

	memcpy(arg, &self->good, variant->size);
	((union kt_arg *)arg)->hdr.size = self->pg + 8;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	((union kt_arg *)arg)->hdr.size = self->pg + 1;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	((union kt_arg *)arg)->hdr.size = 65536;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	((union kt_arg *)arg)->hdr.size = 0x80000000;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	((union kt_arg *)arg)->hdr.size = 0xffffffff;
	EXPECT_ERRNO(E2BIG, CALL_ARG(arg));
	RETRY_GOOD();
}

/*
 * Fill with 0xff every byte of @arg the program does not give: the output
 * fields, and what follows the NUL of an input address.
 */
static void ioarg_fill_unset(union kt_arg *arg,
			     const FIXTURE_VARIANT(ioarg) *variant)
{
	size_t n;

	switch (variant->kind) {
	case K_DEVCAPS:
		arg->devcaps.num_devices = ~0U;
		memset(arg->devcaps.address, 0xff, KTAPI_ADDRESS_MAX);
		n = offsetof(struct ktapi_devcaps, kind);
		memset(arg->raw + n, 0xff, variant->size - n);
		break;
	case K_MAKE_CALL:
		n = strlen(arg->make_call.dest_address) + 1;
		memset(arg->make_call.dest_address + n, 0xff,
		       KTAPI_ADDRESS_MAX - n);
		arg->make_call.handle = ~0U;
		arg->make_call.call_id = ~0U;
		arg->make_call.request_id = ~0U;
		break;
	case K_CALL_INFO:
		n = offsetof(struct ktapi_call_info, call_id);
		memset(arg->raw + n, 0xff, variant->size - n);
		break;
	case K_NEW_CALLS:
		arg->nc.out_count = ~0U;
		arg->nc.out_remaining = ~0U;
		break;
	default:
		break;	/* no output, every byte is given */
	}
}

/*
 * What the header says every byte of @want is after a successful call:
 * output fields as the command defines them (a new handle and call id are
 * checked, then taken from @got), every other byte as it was given.
 */
static void ioarg_expect_out(struct __test_metadata *_metadata,
			     FIXTURE_DATA(ioarg) *self,
			     const FIXTURE_VARIANT(ioarg) *variant,
			     union kt_arg *want, const union kt_arg *got)
{
	struct ktapi_call_info ci;
	struct ktapi_call_info *w = &want->info;
	const struct ktapi_call_info *g = &got->info;

	switch (variant->kind) {
	case K_DEVCAPS:
		/* No provider adds a device meanwhile. */
		want->devcaps.num_devices = kt_num_devices(self->fd);
		EXPECT_LE(self->p.lines, want->devcaps.num_devices);
		memset(want->devcaps.address, 0, KTAPI_ADDRESS_MAX);
		strcpy(want->devcaps.address, "1001");
		want->devcaps.kind = KTAPI_DEVICE_LOOPBACK;
		want->devcaps.provider_id = 0;
		memset(want->devcaps.name, 0, KTAPI_NAME_MAX);
		strcpy(want->devcaps.name, "Loopback line 1001");
		memset(want->devcaps.provider_name, 0, KTAPI_PROVIDER_NAME_MAX);
		strcpy(want->devcaps.provider_name, "loopback");
		break;
	case K_MAKE_CALL:
		EXPECT_NE(0, got->make_call.handle);
		EXPECT_NE(~0U, got->make_call.handle);
		EXPECT_NE(0, got->make_call.call_id);
		EXPECT_NE(~0U, got->make_call.call_id);
		if (got->make_call.handle && got->make_call.handle != ~0U) {
			GET_INFO(self->fd, got->make_call.handle, &ci);
			EXPECT_EQ(ci.call_id, got->make_call.call_id);
		}
		want->make_call.handle = got->make_call.handle;
		want->make_call.call_id = got->make_call.call_id;
		/* Synchronous: 0. */
		want->make_call.request_id = 0;
		break;
	case K_CALL_INFO:
		w->call_id = self->call_id;
		w->related_call_id = 0;
		w->device_id = 0;
		w->origin = KTAPI_CALLORIGIN_OUTBOUND;
		w->reason = KTAPI_CALLREASON_DIRECT;
		w->state = S_DISC;
		w->state_mode = M_BADADDR;
		w->states_seen = S_DIALING | S_DISC;
		w->privilege = P_OWN;
		w->num_owners = 1;
		w->num_monitors = 0;
		EXPECT_NE(0, g->create_time_ns);
		EXPECT_LE(g->create_time_ns, g->state_time_ns);
		EXPECT_GE(kt_now_ns(), g->state_time_ns);
		w->create_time_ns = g->create_time_ns;
		w->state_time_ns = g->state_time_ns;
		memset(w->caller_address, 0, KTAPI_ADDRESS_MAX);
		strcpy(w->caller_address, "1000");
		memset(w->called_address, 0, KTAPI_ADDRESS_MAX);
		strcpy(w->called_address, "999");
		/* The fixture's line gave no name: every byte 0. */
		memset(w->app_name, 0, KTAPI_APP_NAME_MAX);
		break;
	case K_NEW_CALLS:
		want->nc.out_count = NC_LEGS;
		want->nc.out_remaining = 0;
		break;
	default:
		break;	/* nothing is written */
	}
}

/*
 * No byte of a struct written back is left to chance (no kernel stack
 * reaches userspace): with every byte the program does not give set to
 * 0xff, each byte after the call is what the header defines, reserved
 * fields 0; a command without output writes nothing.  At sizeof (for
 * GET_CALL_INFO its fast path) and at sizeof + 8 with a zero tail (the
 * dispatcher's copy), each from a new context.
 */
TEST_F(ioarg, output_bytes_defined)
{
	unsigned char *arg = self->map;
	union kt_arg given, want, got;
	size_t len, i;
	int round;

	for (round = 0; round < 2; round++) {
		len = variant->size + 8 * round;
		if (round) {
			ioarg_release(_metadata, self);
			ioarg_prepare(_metadata, self, variant);
		}
		given = self->good;
		ioarg_fill_unset(&given, variant);
		given.hdr.size = len;
		memset(arg, 0, len);
		memcpy(arg, &given, variant->size);
		memset(arg + len, 0x5a, 64);
		ASSERT_EQ(0, CALL_ARG(arg)) TH_LOG("size %zu", len);
		memcpy(&got, arg, variant->size);
		want = given;
		ioarg_expect_out(_metadata, self, variant, &want, &got);
		for (i = 0; i < variant->size; i++) {
			EXPECT_EQ(want.raw[i], arg[i])
				TH_LOG("size %zu: byte %zu", len, i);
		}
		for (i = variant->size; i < len; i++) {
			EXPECT_EQ(0, arg[i]) TH_LOG("size %zu: byte %zu", len, i);
		}
		for (i = 0; i < 64; i++) {
			EXPECT_EQ(0x5a, arg[len + i])
				TH_LOG("size %zu: canary %zu", len, i);
		}
	}
}

TEST_F(ioarg, null_pointer_efault)
{
	EXPECT_ERRNO(EFAULT, CALL_ARG(null_ptr));
	RETRY_GOOD();
}

TEST_F(ioarg, kernel_pointer_efault)
{
	EXPECT_ERRNO(EFAULT, CALL_ARG(kernel_ptr()));
	RETRY_GOOD();
}

/* A struct that ends exactly where an unmapped page begins is fine. */
TEST_F(ioarg, struct_ends_at_unmapped_accepted)
{
	unsigned char *arg = self->map + 2 * self->pg - variant->size;

	memcpy(arg, &self->good, variant->size);
	ASSERT_OK(CALL_ARG(arg));
	CHECK_DONE(arg);
}

/* A read-only struct: EFAULT when results are written back, else fine. */
TEST_F(ioarg, readonly_struct)
{
	unsigned char *arg = self->map;

	memcpy(arg, &self->good, variant->size);
	ASSERT_EQ(0, mprotect(self->map, self->pg, PROT_READ));
	if (ioarg_writes_back(variant)) {
		EXPECT_ERRNO(EFAULT, CALL_ARG(arg));
		ASSERT_EQ(0, mprotect(self->map, self->pg,
				      PROT_READ | PROT_WRITE));
		RETRY_GOOD();
	} else {
		ASSERT_OK(CALL_ARG(arg));
		CHECK_DONE(arg);
	}
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

	static const __u32 flags[] = { 1, 2, 0x80000000u, 0xffffffffu };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		/* KTAPI_REQ_ASYNC, where taken, is not unknown. */
		if (!(flags[i] & ~variant->flags_ok))
			continue;
		arg.hdr.flags = flags[i];
		EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	}
	/* Flags are checked before the values of the fields ... */
	arg.hdr.flags = 2;
	ioarg_spoil_values(&arg, variant, self->p.lines);
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

/* ... and before the state of the line: a file without LINE_OPEN. */
TEST_F(ioarg, flags_before_line_state_einval)
{
	union kt_arg arg = self->good;
	int fd = FD();

	arg.hdr.flags = 2;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(fd, variant->cmd, &arg)));
	close(fd);
	RETRY_GOOD();
}

/*
 * ioarg_reserved: the ioarg fixture, for the structs that have a reserved
 * field only.
 */
FIXTURE(ioarg_reserved) {
	FIXTURE_DATA(ioarg) io;
};

FIXTURE_VARIANT(ioarg_reserved) {
	FIXTURE_VARIANT(ioarg) io;
};

FIXTURE_VARIANT_ADD(ioarg_reserved, line_open) { .io = { IOC_LINE_OPEN } };
FIXTURE_VARIANT_ADD(ioarg_reserved, answer) { .io = { IOC_ANSWER } };
FIXTURE_VARIANT_ADD(ioarg_reserved, drop) { .io = { IOC_DROP } };
FIXTURE_VARIANT_ADD(ioarg_reserved, deallocate_call) { .io = { IOC_DEALLOCATE_CALL } };
FIXTURE_VARIANT_ADD(ioarg_reserved, close_line_device) { .io = { IOC_CLOSE_LINE_DEVICE } };
FIXTURE_VARIANT_ADD(ioarg_reserved, get_new_calls) { .io = { IOC_GET_NEW_CALLS } };
/* The reserved fields the providers' growth added. */
#define IOC_CALL_OP_RSV2(k, c)	IOC(k, c, ktapi_call_op, CALL_OP), \
				.reserved_off = offsetof(struct ktapi_call_op, reserved2)
FIXTURE_VARIANT_ADD(ioarg_reserved, make_call) {
	.io = { IOC(K_MAKE_CALL, KTAPI_IOC_MAKE_CALL, ktapi_make_call, MAKE_CALL),
		.reserved_off = offsetof(struct ktapi_make_call, reserved),
		.flags_ok = KTAPI_REQ_ASYNC }
};
FIXTURE_VARIANT_ADD(ioarg_reserved, answer_reserved2) {
	.io = { IOC_CALL_OP_RSV2(K_ANSWER, KTAPI_IOC_ANSWER), .flags_ok = KTAPI_REQ_ASYNC }
};
FIXTURE_VARIANT_ADD(ioarg_reserved, drop_reserved2) {
	.io = { IOC_CALL_OP_RSV2(K_DROP, KTAPI_IOC_DROP), .flags_ok = KTAPI_REQ_ASYNC }
};
FIXTURE_VARIANT_ADD(ioarg_reserved, deallocate_call_reserved2) {
	.io = { IOC_CALL_OP_RSV2(K_DEALLOC, KTAPI_IOC_DEALLOCATE_CALL) }
};

FIXTURE_SETUP(ioarg_reserved)
{
	ASSERT_NE(0, variant->io.reserved_off);
	ioarg_prepare(_metadata, &self->io, &variant->io);
}

FIXTURE_TEARDOWN(ioarg_reserved)
{
	ioarg_release(_metadata, &self->io);
}

/* A reserved field that is not zero is EINVAL. */
static void reserved_nonzero(struct __test_metadata *_metadata,
			     FIXTURE_DATA(ioarg) *self,
			     const FIXTURE_VARIANT(ioarg) *variant)
{
	union kt_arg arg = self->good;
	__u32 v;

	int fd;

	v = 1;
	memcpy(arg.raw + variant->reserved_off, &v, sizeof(v));
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	v = 0x80000000;
	memcpy(arg.raw + variant->reserved_off, &v, sizeof(v));
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	v = 0xffffffff;
	memcpy(arg.raw + variant->reserved_off, &v, sizeof(v));
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	/* Before the state of the line, and before the field values. */
	v = 1;
	memcpy(arg.raw + variant->reserved_off, &v, sizeof(v));
	fd = FD();
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(fd, variant->cmd, &arg)));
	close(fd);
	ioarg_spoil_values(&arg, variant, self->p.lines);
	EXPECT_ERRNO(EINVAL, CALL_ARG(&arg));
	RETRY_GOOD();
}

TEST_F(ioarg_reserved, reserved_nonzero_einval)
{
	reserved_nonzero(_metadata, &self->io, &variant->io);
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
	if (stats)
		EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_OK(kt_make_call(self->a, "999", NULL, NULL));
}

/*
 * ioarg_array: GET_NEW_CALLS's handles array, a user pointer the struct
 * carries, which the matrix above does not reach (its pointers are the
 * struct's).  The ioarg context of get_new_calls (two legs to give), with
 * an array the kernel cannot write: EFAULT and no handle made ("EFAULT
 * when the handles array or the struct cannot be written: then no handle
 * is made"); with max_handles 0 the array is unused ("unused when
 * max_handles is 0"): any address is fine.  An array of exactly
 * max_handles entries that ends where an unmapped page begins is fine.
 */
enum nc_array {
	NCA_NULL, NCA_KERNEL, NCA_NONCANONICAL, NCA_UNMAPPED, NCA_READONLY,
	NCA_CROSSES, NCA_FITS,
};

FIXTURE(ioarg_array) {
	FIXTURE_DATA(ioarg) io;
};

FIXTURE_VARIANT(ioarg_array) {
	enum nc_array where;
	__u32 max;		/* max_handles */
	int err;		/* what GET_NEW_CALLS gives */
};

/* Entry 1 is in the PROT_NONE page: two legs to write, the second faults. */
FIXTURE_VARIANT_ADD(ioarg_array, null) { NCA_NULL, NC_MAX, EFAULT };
FIXTURE_VARIANT_ADD(ioarg_array, kernel) { NCA_KERNEL, NC_MAX, EFAULT };
FIXTURE_VARIANT_ADD(ioarg_array, noncanonical) { NCA_NONCANONICAL, NC_MAX, EFAULT };
FIXTURE_VARIANT_ADD(ioarg_array, unmapped) { NCA_UNMAPPED, NC_MAX, EFAULT };
FIXTURE_VARIANT_ADD(ioarg_array, readonly) { NCA_READONLY, NC_MAX, EFAULT };
FIXTURE_VARIANT_ADD(ioarg_array, crosses_unmapped) { NCA_CROSSES, NC_MAX, EFAULT };
/* One entry, the last 4 bytes before the PROT_NONE page, max_handles 1. */
FIXTURE_VARIANT_ADD(ioarg_array, fits_before_unmapped) { NCA_FITS, 1, 0 };

static const FIXTURE_VARIANT(ioarg) ioarg_array_io = { IOC_GET_NEW_CALLS };

FIXTURE_SETUP(ioarg_array)
{
	ioarg_prepare(_metadata, &self->io, &ioarg_array_io);
}

FIXTURE_TEARDOWN(ioarg_array)
{
	ioarg_release(_metadata, &self->io);
}

/* The array's address for @where (NCA_READONLY: makes the page so). */
static __u64 nc_array_addr(struct __test_metadata *_metadata,
			   FIXTURE_DATA(ioarg) *io, enum nc_array where)
{
	switch (where) {
	case NCA_NULL:
		return 0;
	case NCA_KERNEL:
		/* A 64-bit field: a kernel address for -m32 programs too. */
		return 0xffff888000000000ULL;
	case NCA_NONCANONICAL:
		return 0x8000000000000000ULL;
	case NCA_UNMAPPED:
		return (__u64)(uintptr_t)(io->map + 2 * io->pg);
	case NCA_READONLY:
		ASSERT_EQ(0, mprotect(io->map, io->pg, PROT_READ));
		return (__u64)(uintptr_t)io->map;
	case NCA_CROSSES:
	case NCA_FITS:
		return (__u64)(uintptr_t)(io->map + 2 * io->pg - sizeof(__u32));
	}
	return 0;
}

TEST_F(ioarg_array, handles_array)
{
	const FIXTURE_VARIANT(ioarg) *ivar = &ioarg_array_io;
	FIXTURE_DATA(ioarg) *io = &self->io;
	union kt_arg arg = io->good, good;
	struct ktapi_call_info ci;
	__u32 h;

	arg.nc.handles = nc_array_addr(_metadata, io, variant->where);
	arg.nc.max_handles = variant->max;
	arg.nc.out_count = arg.nc.out_remaining = 0xdeadbeef;
	ASSERT_EQ(variant->err,
		  kt_err(ioctl(io->fd, KTAPI_IOC_GET_NEW_CALLS, &arg)))
		TH_LOG("%s", kt_errname(variant->err));
	if (variant->err) {
		/* The input fields are as they were. */
		EXPECT_EQ(nc_array_addr(_metadata, io, variant->where),
			  arg.nc.handles);
		EXPECT_EQ(variant->max, arg.nc.max_handles);
		EXPECT_EQ(0, arg.nc.reserved);
		ioarg_check_untouched(_metadata, io, ivar);
		ASSERT_EQ(0, mprotect(io->map, io->pg, PROT_READ | PROT_WRITE));
		/* Nothing was made: both legs are still new to fd. */
		good = io->good;
		ASSERT_OK(kt_err(ioctl(io->fd, KTAPI_IOC_GET_NEW_CALLS, &good)));
		ioarg_check_new_calls(_metadata, io, &good.nc);
		return;
	}
	/* NCA_FITS: one handle, in the one entry; the other leg remains. */
	EXPECT_EQ(1, arg.nc.out_count);
	EXPECT_EQ(NC_LEGS - 1, arg.nc.out_remaining);
	memcpy(&h, (void *)(uintptr_t)arg.nc.handles, sizeof(h));
	io->nc_extra = h;
	GET_INFO(io->fd, h, &ci);
	EXPECT_EQ(P_MON, ci.privilege);
	EXPECT_TRUE(ci.call_id == io->nc_cid[0] || ci.call_id == io->nc_cid[1]);
	EXPECT_NO_EV(io->fd);
}

/* max_handles 0: the array is not used, whatever its address; only counts. */
TEST_F(ioarg_array, max_zero_array_unused)
{
	const FIXTURE_VARIANT(ioarg) *ivar = &ioarg_array_io;
	FIXTURE_DATA(ioarg) *io = &self->io;
	union kt_arg arg = io->good, good;

	arg.nc.handles = nc_array_addr(_metadata, io, variant->where);
	arg.nc.max_handles = 0;
	arg.nc.out_count = arg.nc.out_remaining = 0xdeadbeef;
	ASSERT_OK(kt_err(ioctl(io->fd, KTAPI_IOC_GET_NEW_CALLS, &arg)));
	EXPECT_EQ(0, arg.nc.out_count);
	EXPECT_EQ(NC_LEGS, arg.nc.out_remaining);
	ioarg_check_untouched(_metadata, io, ivar);
	ASSERT_EQ(0, mprotect(io->map, io->pg, PROT_READ | PROT_WRITE));
	good = io->good;
	ASSERT_OK(kt_err(ioctl(io->fd, KTAPI_IOC_GET_NEW_CALLS, &good)));
	ioarg_check_new_calls(_metadata, io, &good.nc);
}

TEST_HARNESS_MAIN
