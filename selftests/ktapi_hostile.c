// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi_hostile: hostile arguments to every entry point of /dev/ktapi.
 *
 * Table-driven: MAKE_CALL gets malformed and boundary addresses; the call ops get
 * handles that never existed, stale ones and ones of another file; the
 * device ioctls get device ids out of range; unknown command numbers,
 * read() with short and bad buffers, other system calls, and
 * CLOSE_LINE_DEVICE from an unprivileged task.  Each case checks the exact
 * errno (uapi/linux/ktapi.h gives the check order), and after each case a
 * full call round trip on a fixture pair of lines checks that the module
 * still works.  The number of cases is printed.  The argument rules every
 * ioctl shares (pointers, sizes, flags, reserved fields) are ktapi_ioarg.c's.
 */

#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "ktapi_utils.h"

#define T	KTAPI_IOC_TYPE

struct counts {
	unsigned int cases;
	unsigned int tests;
};
static struct counts *counts;

/* The eight commands and what their structs look like. */
struct ioc {
	const char *name;
	unsigned long cmd;
	size_t size;
	long handle_off;	/* offset of "handle" (input), or -1 */
};

enum { I_DEVCAPS, I_LINE_OPEN, I_MAKE_CALL, I_ANSWER, I_DROP, I_INFO,
       I_DEALLOC, I_CLOSE_DEV, NIOC };

#define IOC(n, c, st, h)	{ .name = n, .cmd = c, .size = sizeof(struct st), .handle_off = h }
#define OFF(st, f)	((long)offsetof(struct st, f))

static const struct ioc iocs[NIOC] = {
	[I_DEVCAPS] = IOC("GET_DEVCAPS", KTAPI_IOC_GET_DEVCAPS, ktapi_devcaps, -1),
	[I_LINE_OPEN] = IOC("LINE_OPEN", KTAPI_IOC_LINE_OPEN, ktapi_line_open, -1),
	[I_MAKE_CALL] = IOC("MAKE_CALL", KTAPI_IOC_MAKE_CALL, ktapi_make_call, -1),
	[I_ANSWER] = IOC("ANSWER", KTAPI_IOC_ANSWER, ktapi_call_op,
			 OFF(ktapi_call_op, handle)),
	[I_DROP] = IOC("DROP", KTAPI_IOC_DROP, ktapi_call_op,
		       OFF(ktapi_call_op, handle)),
	[I_INFO] = IOC("GET_CALL_INFO", KTAPI_IOC_GET_CALL_INFO, ktapi_call_info,
		       OFF(ktapi_call_info, handle)),
	[I_DEALLOC] = IOC("DEALLOCATE_CALL", KTAPI_IOC_DEALLOCATE_CALL,
			  ktapi_call_op, OFF(ktapi_call_op, handle)),
	[I_CLOSE_DEV] = IOC("CLOSE_LINE_DEVICE", KTAPI_IOC_CLOSE_LINE_DEVICE,
			    ktapi_close_line_device, -1),
};

#define MAXTMP	4

FIXTURE(hostile) {
	int fa, fb;		/* dev0 owner calls dev1 owner: the round trip */
	long ps;
	char *rw;		/* two read-write pages ... */
	char *none;		/* ... followed by a PROT_NONE page */
	char *ro;		/* a read-only page */
	unsigned int lines;
	long long max_handles;
	struct ktapi_stats base;
	/* per case */
	int tmp[MAXTMP];
	__u32 h_out, h_in;
	int fv;			/* victim on dev3 for CLOSE_LINE_DEVICE */
};

/* NULL, hidden from the compiler's nonnull checks. */
static void *volatile null_ptr;

static const char *ioc_name(int i)
{
	return i >= 0 && i < NIOC ? iocs[i].name : "?";
}

static void *kernel_ptr(void)
{
	if (sizeof(void *) == 8)
		return (void *)(uintptr_t)0xffff888000000000ULL;
	return (void *)(uintptr_t)0xfffff000UL;
}

static int new_tmp(FIXTURE_DATA(hostile) *self)
{
	int i;

	for (i = 0; i < MAXTMP; i++) {
		if (self->tmp[i] < 0) {
			self->tmp[i] = kt_open();
			return self->tmp[i];
		}
	}
	return -1;
}

/* Drain FA and FB, deallocating every handle their events name. */
static void clean_pair(FIXTURE_DATA(hostile) *self)
{
	struct ktapi_event evs[64];
	int fds[2] = { self->fa, self->fb };
	int round, i, j, n;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 2; i++) {
			n = kt_drain_evs(fds[i], evs, 64);
			for (j = 0; j < n && j < 64; j++)
				if (evs[j].handle)
					kt_dealloc(fds[i], evs[j].handle);
		}
	}
	if (self->h_out)
		kt_dealloc(self->fa, self->h_out);
	if (self->h_in)
		kt_dealloc(self->fb, self->h_in);
	for (i = 0; i < 2; i++)
		kt_drain(fds[i]);
}

static void case_cleanup(FIXTURE_DATA(hostile) *self)
{
	int i;

	for (i = 0; i < MAXTMP; i++) {
		if (self->tmp[i] >= 0)
			close(self->tmp[i]);
		self->tmp[i] = -1;
	}
	if (self->fv >= 0)
		close(self->fv);
	self->fv = -1;
	clean_pair(self);
	self->h_out = self->h_in = 0;
}

static void expect_ev(struct __test_metadata *_metadata, int fd, __u32 type,
		      __u32 state, __u32 mode, __u32 *handle, const char *when)
{
	struct ktapi_event ev;

	ASSERT_EQ(0, kt_read_event(fd, &ev, 2000))
		TH_LOG("%s: no event (type %u state %#x)", when, type, state);
	ASSERT_EQ(type, ev.type) TH_LOG("%s", when);
	ASSERT_EQ(state, ev.state) TH_LOG("%s", when);
	ASSERT_EQ(mode, ev.state_mode) TH_LOG("%s", when);
	if (handle)
		*handle = ev.handle;
}

/* A full call between the fixture lines: the module still works. */
static void roundtrip(struct __test_metadata *_metadata,
		      FIXTURE_DATA(hostile) *self, const char *after)
{
	struct ktapi_event ev;
	__u32 ho, hi, h;

	ASSERT_EQ(0, kt_drain(self->fa)) TH_LOG("after %s", after);
	ASSERT_EQ(0, kt_drain(self->fb)) TH_LOG("after %s", after);
	ASSERT_EQ(0, kt_make_call(self->fa, "1001", &ho, NULL))
		TH_LOG("after %s", after);
	expect_ev(_metadata, self->fa, KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_DIALING, 0, &h, after);
	ASSERT_EQ(ho, h);
	expect_ev(_metadata, self->fa, KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_RINGBACK, 0, NULL, after);
	expect_ev(_metadata, self->fb, KTAPI_EV_APPNEWCALL,
		  KTAPI_CALLSTATE_OFFERING, 0, &hi, after);
	expect_ev(_metadata, self->fb, KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_OFFERING, 0, &h, after);
	ASSERT_EQ(hi, h);
	ASSERT_EQ(0, kt_answer(self->fb, hi)) TH_LOG("after %s", after);
	expect_ev(_metadata, self->fb, KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_CONNECTED, 0, NULL, after);
	expect_ev(_metadata, self->fa, KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_CONNECTED, 0, NULL, after);
	ASSERT_EQ(0, kt_drop(self->fa, ho)) TH_LOG("after %s", after);
	expect_ev(_metadata, self->fa, KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_IDLE, 0, NULL, after);
	expect_ev(_metadata, self->fb, KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_DISCONNECTED, KTAPI_DISCONNECTMODE_NORMAL,
		  NULL, after);
	ASSERT_EQ(0, kt_dealloc(self->fa, ho)) TH_LOG("after %s", after);
	ASSERT_EQ(0, kt_dealloc(self->fb, hi)) TH_LOG("after %s", after);
	ASSERT_EQ(ETIMEDOUT, kt_read_event(self->fa, &ev, 0)) TH_LOG("after %s", after);
	ASSERT_EQ(ETIMEDOUT, kt_read_event(self->fb, &ev, 0)) TH_LOG("after %s", after);
}

/* One case: exact errno, then the module must still work. */
#define CHECK(expect, got, fmt, ...) do {				\
		char __name[256];					\
		int __e = (expect), __g = (got);			\
		snprintf(__name, sizeof(__name), fmt, ##__VA_ARGS__);	\
		__atomic_add_fetch(&counts->cases, 1, __ATOMIC_SEQ_CST); \
		EXPECT_EQ(__e, __g)					\
			TH_LOG("%s: expected %s, got %s", __name,	\
			       kt_errname(__e), kt_errname(__g));	\
		case_cleanup(self);					\
		roundtrip(_metadata, self, __name);			\
	} while (0)

FIXTURE_SETUP(hostile)
{
	struct ktapi_devcaps dc;
	int i;

	for (i = 0; i < MAXTMP; i++)
		self->tmp[i] = -1;
	self->fv = -1;
	if (access(KTAPI_DEV, F_OK))
		SKIP(return, "%s not present (module not loaded)", KTAPI_DEV);
	ASSERT_EQ(0, kt_stats_read(&self->base));
	self->ps = sysconf(_SC_PAGESIZE);
	self->rw = mmap(NULL, 3 * self->ps, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->rw != MAP_FAILED);
	self->none = self->rw + 2 * self->ps;
	ASSERT_EQ(0, mprotect(self->none, self->ps, PROT_NONE));
	self->ro = mmap(NULL, self->ps, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->ro != MAP_FAILED);
	self->fa = kt_open();
	self->fb = kt_open();
	ASSERT_LE(0, self->fa);
	ASSERT_LE(0, self->fb);
	ASSERT_EQ(0, kt_line_open(self->fa, 0, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_2_2));
	ASSERT_EQ(0, kt_line_open(self->fb, 1, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_2_2));
	ASSERT_EQ(0, kt_devcaps(self->fa, 0, &dc));
	/* The loopback devices; providers' ids come after them. */
	self->lines = kt_param("lines");
	ASSERT_LE(self->lines, dc.num_devices);
	ASSERT_LE(6, self->lines) TH_LOG("the test needs lines >= 6");
	self->max_handles = kt_param("max_handles");
	ASSERT_LT(0, self->max_handles);
	roundtrip(_metadata, self, "setup");
	__atomic_add_fetch(&counts->tests, 1, __ATOMIC_SEQ_CST);
}

FIXTURE_TEARDOWN(hostile)
{
	struct ktapi_stats st;
	char a[256], b[256];

	case_cleanup(self);
	if (self->fa >= 0)
		close(self->fa);
	if (self->fb >= 0)
		close(self->fb);
	if (kt_stats_read(&st))
		return;
	kt_stats_str(&self->base, a, sizeof(a));
	kt_stats_str(&st, b, sizeof(b));
	/* Not EXPECT_*: after a failed ASSERT it would log regardless. */
	if (st.files != self->base.files ||
	    st.lines_open != self->base.lines_open ||
	    st.calls != self->base.calls ||
	    st.handles != self->base.handles ||
	    st.events_queued != self->base.events_queued) {
		TH_LOG("not back to the start: [%s] now [%s]", a, b);
		_metadata->passed = 0;
	}
}

/*
 * Fill @buf (zeroed, at least the struct's size) with a valid argument for
 * iocs[i] and return the fd to use; the unmodified call gives 0.
 */
static int make_valid(struct __test_metadata *_metadata,
		      FIXTURE_DATA(hostile) *self, int i, void *buf)
{
	struct ktapi_event ev;
	int fd = -1;

	memset(buf, 0, iocs[i].size);
	*(__u32 *)buf = iocs[i].size;
	switch (i) {
	case I_DEVCAPS:
		((struct ktapi_devcaps *)buf)->device_id = 0;
		return self->fa;
	case I_LINE_OPEN: {
		struct ktapi_line_open *lo = buf;

		fd = new_tmp(self);
		lo->device_id = 3;
		lo->privileges = KTAPI_PRIVILEGE_MONITOR;
		lo->api_version = KTAPI_API_VERSION_2_2;
		return fd;
	}
	case I_MAKE_CALL:
		strcpy(((struct ktapi_make_call *)buf)->dest_address, "999");
		return self->fa;
	case I_CLOSE_DEV:
		/* A victim line on dev3; issued from a file without a line. */
		self->fv = kt_open();
		if (self->fv < 0 ||
		    kt_line_open(self->fv, 3, KTAPI_PRIVILEGE_OWNER,
				 KTAPI_API_VERSION_2_2))
			return -1;
		((struct ktapi_close_line_device *)buf)->device_id = 3;
		return new_tmp(self);
	}
	/* The call ops: FA calls FB. */
	if (kt_make_call(self->fa, "1001", &self->h_out, NULL))
		return -1;
	if (kt_read_event(self->fb, &ev, 2000) ||
	    ev.type != KTAPI_EV_APPNEWCALL)
		return -1;
	self->h_in = ev.handle;
	if (i == I_ANSWER) {
		((struct ktapi_call_op *)buf)->handle = self->h_in;
		return self->fb;
	}
	if (i == I_INFO)
		((struct ktapi_call_info *)buf)->handle = self->h_out;
	else
		((struct ktapi_call_op *)buf)->handle = self->h_out;
	return self->fa;
}

static int ioctl_err(int fd, unsigned long cmd, void *arg)
{
	return kt_err(ioctl(fd, cmd, arg));
}

/* ------------------------------------------------------------------ */

TEST_F_TIMEOUT(hostile, addresses, 600)
{
	static const struct {
		const char *addr;	/* NUL-terminated, unless len 64 */
		int expect;
		__u32 mode;		/* expected disconnect mode when 0 */
	} ad[] = {
		{ "", EINVAL, 0 },
		{ "12a4", EINVAL, 0 },
		{ " 1000", EINVAL, 0 },
		{ "1000 ", EINVAL, 0 },
		{ "-1000", EINVAL, 0 },
		{ "1.0", EINVAL, 0 },
		{ "1000\n", EINVAL, 0 },
		{ "\t", EINVAL, 0 },
		{ "\xff", EINVAL, 0 },
		{ "1001\x80", EINVAL, 0 },
		{ "ABC", EINVAL, 0 },
		{ "(1000)", EINVAL, 0 },
		{ "999", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "0", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "01001", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "+1001", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "1001#", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "*", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "#", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "+", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "4294967295", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "4294968296", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "99999999999999999999", 0, KTAPI_DISCONNECTMODE_BADADDRESS },
		{ "1005", 0, KTAPI_DISCONNECTMODE_UNAVAIL },
	};
	struct ktapi_make_call mc;
	struct ktapi_call_info ci;
	char long_addr[KTAPI_ADDRESS_MAX + 1];
	unsigned int j;
	int len;

	for (j = 0; j < ARRAY_SIZE(ad); j++) {
		__u32 h = 0;
		int got = kt_make_call(self->fa, ad[j].addr, &h, NULL);

		if (!got && ad[j].expect == 0) {
			ASSERT_EQ(0, kt_info(self->fa, h, &ci));
			EXPECT_EQ(KTAPI_CALLSTATE_DISCONNECTED, ci.state)
				TH_LOG("'%s'", ad[j].addr);
			EXPECT_EQ(ad[j].mode, ci.state_mode)
				TH_LOG("'%s'", ad[j].addr);
			EXPECT_STREQ(ad[j].addr, ci.called_address);
		}
		CHECK(ad[j].expect, got, "MAKE_CALL('%s')", ad[j].addr);
	}
	/* 63 characters: the longest address. */
	for (len = 62; len <= 63; len++) {
		__u32 h = 0;
		int got;

		memset(long_addr, 0, sizeof(long_addr));
		memset(long_addr, '9', len);
		long_addr[0] = '#';
		got = kt_make_call(self->fa, long_addr, &h, NULL);
		if (!got) {
			ASSERT_EQ(0, kt_info(self->fa, h, &ci));
			EXPECT_EQ(0, memcmp(long_addr, ci.called_address,
					    len + 1));
			EXPECT_EQ(KTAPI_DISCONNECTMODE_BADADDRESS,
				  ci.state_mode);
		}
		CHECK(0, got, "MAKE_CALL(%d characters)", len);
	}
	/* 64 characters without a NUL, and 64 NULs. */
	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	memset(mc.dest_address, '9', sizeof(mc.dest_address));
	CHECK(EINVAL, ioctl_err(self->fa, KTAPI_IOC_MAKE_CALL, &mc),
	      "MAKE_CALL(64 characters, no NUL)");
	memset(mc.dest_address, '1', sizeof(mc.dest_address));
	CHECK(EINVAL, ioctl_err(self->fa, KTAPI_IOC_MAKE_CALL, &mc),
	      "MAKE_CALL(64 characters '1', no NUL)");
	memset(mc.dest_address, 0, sizeof(mc.dest_address));
	CHECK(EINVAL, ioctl_err(self->fa, KTAPI_IOC_MAKE_CALL, &mc),
	      "MAKE_CALL(all NUL)");
	/* 64 characters, no NUL, at the end of the mapping. */
	memset(mc.dest_address, '9', sizeof(mc.dest_address));
	memcpy(self->none - sizeof(mc), &mc, sizeof(mc));
	CHECK(EINVAL, ioctl_err(self->fa, KTAPI_IOC_MAKE_CALL,
				self->none - sizeof(mc)),
	      "MAKE_CALL(64 characters, no NUL, page end)");
	/* The output fields are ignored on input. */
	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	strcpy(mc.dest_address, "999");
	mc.handle = 0xffffffff;
	mc.call_id = 0xffffffff;
	CHECK(0, ioctl_err(self->fa, KTAPI_IOC_MAKE_CALL, &mc),
	      "MAKE_CALL(handle and call_id set on input)");
}

TEST_F_TIMEOUT(hostile, handles, 600)
{
	static const int ops[] = { I_ANSWER, I_DROP, I_INFO, I_DEALLOC };
	__u32 bad[] = { 0, 1, 2, 3, 0x7fffffff, 0x80000000u, 0xfffffffeu,
			0xffffffffu, 0, 0 };
	struct ktapi_call_info ci;
	unsigned int nbad = 8, j, k;
	struct ktapi_event ev;
	char buf[512];
	__u32 stale, h;
	int fh, fm;

	bad[nbad++] = (__u32)self->max_handles;
	if (self->max_handles < 0xffffffffLL)
		bad[nbad++] = (__u32)self->max_handles + 1;

	/* FH: an open line that has never had a handle. */
	for (k = 0; k < ARRAY_SIZE(ops); k++) {
		const struct ioc *io = &iocs[ops[k]];

		for (j = 0; j < nbad; j++) {
			fh = new_tmp(self);
			ASSERT_EQ(0, kt_line_open(fh, 2, KTAPI_PRIVILEGE_OWNER,
						  KTAPI_API_VERSION_2_2));
			make_valid(_metadata, self, ops[k], buf);
			*(__u32 *)(buf + io->handle_off) = bad[j];
			CHECK(ENOENT, ioctl_err(fh, io->cmd, buf),
			      "%s(never allocated handle %#x)", io->name,
			      bad[j]);
		}
		/* A live handle of another file. */
		fh = new_tmp(self);
		ASSERT_EQ(0, kt_line_open(fh, 2, KTAPI_PRIVILEGE_OWNER,
					  KTAPI_API_VERSION_2_2));
		make_valid(_metadata, self, ops[k], buf);
		CHECK(ENOENT, ioctl_err(fh, io->cmd, buf),
		      "%s(handle of another file)", io->name);
		/* A deallocated handle. */
		ASSERT_EQ(0, kt_make_call(self->fa, "999", &stale, NULL));
		ASSERT_EQ(0, kt_dealloc(self->fa, stale));
		make_valid(_metadata, self, ops[k], buf);
		*(__u32 *)(buf + io->handle_off) = stale;
		CHECK(ENOENT, ioctl_err(self->fa, io->cmd, buf),
		      "%s(deallocated handle %u)", io->name, stale);
		/* A handle of a line that was force-closed: EBADFD. */
		fh = new_tmp(self);
		ASSERT_EQ(0, kt_line_open(fh, 4, KTAPI_PRIVILEGE_OWNER,
					  KTAPI_API_VERSION_2_2));
		ASSERT_EQ(0, kt_make_call(fh, "999", &h, NULL));
		ASSERT_EQ(0, kt_close_dev(self->fa, 4));
		make_valid(_metadata, self, ops[k], buf);
		*(__u32 *)(buf + io->handle_off) = h;
		CHECK(EBADFD, ioctl_err(fh, io->cmd, buf),
		      "%s(handle of a force-closed line)", io->name);
	}

	/* A MONITOR handle cannot ANSWER or DROP. */
	for (k = 0; k < 2; k++) {
		fm = new_tmp(self);
		ASSERT_EQ(0, kt_line_open(fm, 1, KTAPI_PRIVILEGE_MONITOR,
					  KTAPI_API_VERSION_2_2));
		ASSERT_EQ(0, kt_make_call(self->fa, "1001", &self->h_out, NULL));
		ASSERT_EQ(0, kt_read_event(fm, &ev, 2000));
		ASSERT_EQ(KTAPI_EV_APPNEWCALL, ev.type);
		CHECK(EACCES, k ? kt_drop(fm, ev.handle) :
				  kt_answer(fm, ev.handle),
		      "%s(MONITOR handle)", k ? "DROP" : "ANSWER");
	}
	/* ANSWER on a non-OFFERING leg, DROP on an IDLE one. */
	ASSERT_EQ(0, kt_make_call(self->fa, "1001", &self->h_out, NULL));
	CHECK(EBUSY, kt_answer(self->fa, self->h_out),
	      "ANSWER(own outbound leg, RINGBACK)");
	ASSERT_EQ(0, kt_make_call(self->fa, "999", &h, NULL));
	ASSERT_EQ(0, kt_drop(self->fa, h));
	CHECK(EBUSY, kt_drop(self->fa, h), "DROP(IDLE leg)");
	/* TAPI 1.4: the sole owner may not deallocate an active call. */
	fh = new_tmp(self);
	ASSERT_EQ(0, kt_line_open(fh, 2, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_1_4));
	ASSERT_EQ(0, kt_make_call(fh, "1001", &h, NULL));
	ASSERT_EQ(0, kt_info(fh, h, &ci));
	ASSERT_EQ(KTAPI_CALLSTATE_RINGBACK, ci.state);
	CHECK(EBUSY, kt_dealloc(fh, h), "DEALLOCATE_CALL(1.4, sole owner, RINGBACK)");
}

/* Drain @fd: the REPLY records it held (a negative errno on error). */
static int replies_queued(int fd)
{
	struct ktapi_event evs[64];
	int n, j, got = 0;

	n = kt_drain_evs(fd, evs, 64);
	for (j = 0; j < n && j < 64; j++)
		got += evs[j].type == KTAPI_EV_REPLY;
	return n < 0 ? n : got;
}

/*
 * The async forms (KTAPI_REQ_ASYNC) of MAKE_CALL, ANSWER and DROP get the
 * same hostile arguments: the checks a synchronous request makes are the
 * ioctl's exact errno, and no REPLY is queued; a valid one queues exactly
 * one, whatever request_id held on input.
 */
TEST_F_TIMEOUT(hostile, async_requests, 600)
{
	static const char *const bad_addr[] = {
		"", "12a4", " 1000", "1000 ", "1000\n", "\xff", "ABC", "(1000)",
	};
	static const int ops[] = { I_ANSWER, I_DROP };
	static const __u32 bad[] = { 0, 1, 3, 0x7fffffff, 0x80000000u,
				     0xfffffffeu, 0xffffffffu };
	struct ktapi_call_op *op;
	struct ktapi_make_call mc;
	struct ktapi_event ev;
	unsigned int j, k;
	char buf[512];
	int fd, got, r;
	__u32 h;

	for (j = 0; j < ARRAY_SIZE(bad_addr); j++) {
		memset(&mc, 0, sizeof(mc));
		mc.size = sizeof(mc);
		mc.flags = KTAPI_REQ_ASYNC;
		strcpy(mc.dest_address, bad_addr[j]);
		got = ioctl_err(self->fa, KTAPI_IOC_MAKE_CALL, &mc);
		r = replies_queued(self->fa);
		CHECK(EINVAL, got, "MAKE_CALL(async, '%s')", bad_addr[j]);
		CHECK(0, r, "MAKE_CALL(async, '%s'): REPLY records", bad_addr[j]);
	}
	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	mc.flags = KTAPI_REQ_ASYNC;
	memset(mc.dest_address, '9', sizeof(mc.dest_address));
	got = ioctl_err(self->fa, KTAPI_IOC_MAKE_CALL, &mc);
	r = replies_queued(self->fa);
	CHECK(EINVAL, got, "MAKE_CALL(async, 64 characters, no NUL)");
	CHECK(0, r, "MAKE_CALL(async, no NUL): REPLY records");

	for (k = 0; k < ARRAY_SIZE(ops); k++) {
		const struct ioc *io = &iocs[ops[k]];

		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			fd = new_tmp(self);
			ASSERT_EQ(0, kt_line_open(fd, 2, KTAPI_PRIVILEGE_OWNER,
						  KTAPI_API_VERSION_2_2));
			make_valid(_metadata, self, ops[k], buf);
			op = (struct ktapi_call_op *)buf;
			op->flags = KTAPI_REQ_ASYNC;
			op->handle = bad[j];
			got = ioctl_err(fd, io->cmd, buf);
			r = replies_queued(fd);
			CHECK(ENOENT, got, "%s(async, never allocated handle %#x)",
			      io->name, bad[j]);
			CHECK(0, r, "%s(async, handle %#x): REPLY records",
			      io->name, bad[j]);
		}
		/* A live handle of another file. */
		fd = new_tmp(self);
		ASSERT_EQ(0, kt_line_open(fd, 2, KTAPI_PRIVILEGE_OWNER,
					  KTAPI_API_VERSION_2_2));
		make_valid(_metadata, self, ops[k], buf);
		((struct ktapi_call_op *)buf)->flags = KTAPI_REQ_ASYNC;
		got = ioctl_err(fd, io->cmd, buf);
		r = replies_queued(fd);
		CHECK(ENOENT, got, "%s(async, handle of another file)", io->name);
		CHECK(0, r, "%s(async, another file's): REPLY records", io->name);
		/* A line that was force-closed: EBADFD. */
		fd = new_tmp(self);
		ASSERT_EQ(0, kt_line_open(fd, 4, KTAPI_PRIVILEGE_OWNER,
					  KTAPI_API_VERSION_2_2));
		ASSERT_EQ(0, kt_make_call(fd, "999", &h, NULL));
		ASSERT_EQ(0, kt_close_dev(self->fa, 4));
		make_valid(_metadata, self, ops[k], buf);
		op = (struct ktapi_call_op *)buf;
		op->flags = KTAPI_REQ_ASYNC;
		op->handle = h;
		CHECK(EBADFD, ioctl_err(fd, io->cmd, buf),
		      "%s(async, force-closed line)", io->name);
		/* A MONITOR handle. */
		fd = new_tmp(self);
		ASSERT_EQ(0, kt_line_open(fd, 1, KTAPI_PRIVILEGE_MONITOR,
					  KTAPI_API_VERSION_2_2));
		make_valid(_metadata, self, ops[k], buf);
		ASSERT_EQ(0, kt_read_event(fd, &ev, 2000));
		ASSERT_EQ(KTAPI_EV_APPNEWCALL, ev.type);
		op = (struct ktapi_call_op *)buf;
		op->flags = KTAPI_REQ_ASYNC;
		op->handle = ev.handle;
		got = ioctl_err(fd, io->cmd, buf);
		r = replies_queued(fd);
		CHECK(EACCES, got, "%s(async, MONITOR handle)", io->name);
		CHECK(0, r, "%s(async, MONITOR handle): REPLY records", io->name);
		/* Valid, request_id all ones on input: one REPLY. */
		fd = make_valid(_metadata, self, ops[k], buf);
		ASSERT_LE(0, kt_drain(fd));
		op = (struct ktapi_call_op *)buf;
		op->flags = KTAPI_REQ_ASYNC;
		op->request_id = 0xffffffff;
		got = ioctl_err(fd, io->cmd, buf);
		if (!got) {
			EXPECT_LT(0, (__s32)op->request_id);
		}
		/* The caller's or callee's queue: the REPLY is the first. */
		ASSERT_EQ(0, kt_read_event(fd, &ev, 2000));
		r = ev.type == KTAPI_EV_REPLY ? 1 + replies_queued(fd) : 0;
		CHECK(0, got, "%s(async)", io->name);
		CHECK(1, r, "%s(async): REPLY records", io->name);
	}
	/* ANSWER of a RINGBACK leg, DROP of an IDLE one: EBUSY. */
	ASSERT_EQ(0, kt_make_call(self->fa, "1001", &self->h_out, NULL));
	memset(buf, 0, sizeof(buf));
	op = (struct ktapi_call_op *)buf;
	op->size = sizeof(*op);
	op->flags = KTAPI_REQ_ASYNC;
	op->handle = self->h_out;
	got = ioctl_err(self->fa, KTAPI_IOC_ANSWER, buf);
	r = replies_queued(self->fa);
	CHECK(EBUSY, got, "ANSWER(async, own outbound leg, RINGBACK)");
	CHECK(0, r, "ANSWER(async, RINGBACK): REPLY records");
	ASSERT_EQ(0, kt_make_call(self->fa, "999", &h, NULL));
	ASSERT_EQ(0, kt_drop(self->fa, h));
	op->handle = h;
	got = ioctl_err(self->fa, KTAPI_IOC_DROP, buf);
	r = replies_queued(self->fa);
	CHECK(EBUSY, got, "DROP(async, IDLE leg)");
	CHECK(0, r, "DROP(async, IDLE leg): REPLY records");
}

TEST_F_TIMEOUT(hostile, devices, 600)
{
	__u32 bad[] = { 0, 0, 0x7fffffff, 0x80000000u, 0xffffffffu };
	static const __u32 bad_priv[] = { 0, 8, 3, 5, 7, 0x10, 0xffffffffu };
	static const __u32 good_priv[] = { 1, 2, 4, 6 };
	static const __u32 bad_api[] = { 0, 0x00010002, 0x00020003, 0x00030000,
					 0x00010000, 0xffffffffu };
	static const __u32 good_api[] = { 0x00010003, 0x00010004, 0x00020000,
					  0x00020001, 0x00020002 };
	struct ktapi_devcaps dc;
	unsigned int j;
	int fd;

	bad[0] = self->lines;
	bad[1] = self->lines + 1;
	for (j = 0; j < ARRAY_SIZE(bad); j++) {
		CHECK(ENODEV, kt_devcaps(self->fa, bad[j], &dc),
		      "GET_DEVCAPS(device %#x)", bad[j]);
		fd = new_tmp(self);
		CHECK(ENODEV, kt_line_open(fd, bad[j], KTAPI_PRIVILEGE_OWNER,
					   KTAPI_API_VERSION_2_2),
		      "LINE_OPEN(device %#x)", bad[j]);
		fd = new_tmp(self);
		CHECK(ENODEV, kt_close_dev(fd, bad[j]),
		      "CLOSE_LINE_DEVICE(device %#x)", bad[j]);
		/* ENODEV comes before EINVAL and EPROTONOSUPPORT. */
		fd = new_tmp(self);
		CHECK(ENODEV, kt_line_open(fd, bad[j], 0, 0),
		      "LINE_OPEN(device %#x, privileges 0, version 0)",
		      bad[j]);
	}
	/* The last device works. */
	CHECK(0, kt_devcaps(self->fa, self->lines - 1, &dc),
	      "GET_DEVCAPS(last device)");
	fd = new_tmp(self);
	CHECK(0, kt_line_open(fd, self->lines - 1, KTAPI_PRIVILEGE_OWNER,
			      KTAPI_API_VERSION_2_2), "LINE_OPEN(last device)");
	fd = new_tmp(self);
	CHECK(0, kt_close_dev(fd, self->lines - 1),
	      "CLOSE_LINE_DEVICE(last device)");
	for (j = 0; j < ARRAY_SIZE(bad_priv); j++) {
		fd = new_tmp(self);
		CHECK(EINVAL, kt_line_open(fd, 3, bad_priv[j],
					   KTAPI_API_VERSION_2_2),
		      "LINE_OPEN(privileges %#x)", bad_priv[j]);
		fd = new_tmp(self);
		CHECK(EINVAL, kt_line_open(fd, 3, bad_priv[j], 0),
		      "LINE_OPEN(privileges %#x, version 0)", bad_priv[j]);
	}
	for (j = 0; j < ARRAY_SIZE(good_priv); j++) {
		fd = new_tmp(self);
		CHECK(0, kt_line_open(fd, 3, good_priv[j],
				      KTAPI_API_VERSION_2_2),
		      "LINE_OPEN(privileges %#x)", good_priv[j]);
	}
	for (j = 0; j < ARRAY_SIZE(bad_api); j++) {
		fd = new_tmp(self);
		CHECK(EPROTONOSUPPORT, kt_line_open(fd, 3,
						    KTAPI_PRIVILEGE_MONITOR,
						    bad_api[j]),
		      "LINE_OPEN(api_version %#x)", bad_api[j]);
	}
	for (j = 0; j < ARRAY_SIZE(good_api); j++) {
		fd = new_tmp(self);
		CHECK(0, kt_line_open(fd, 3, KTAPI_PRIVILEGE_MONITOR,
				      good_api[j]),
		      "LINE_OPEN(api_version %#x)", good_api[j]);
	}
	/* A second LINE_OPEN, and one after a forced close. */
	fd = new_tmp(self);
	ASSERT_EQ(0, kt_line_open(fd, 3, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_2_2));
	CHECK(EBUSY, kt_line_open(fd, 3, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_2_2), "LINE_OPEN(twice)");
	fd = new_tmp(self);
	ASSERT_EQ(0, kt_line_open(fd, 3, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_2_2));
	ASSERT_EQ(0, kt_close_dev(self->fa, 3));
	CHECK(EBUSY, kt_line_open(fd, 3, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_2_2),
	      "LINE_OPEN(after a forced close)");
}

TEST_F_TIMEOUT(hostile, unknown_commands, 600)
{
	char buf[512];
	struct {
		const char *name;
		unsigned long cmd;
	} cmds[] = {
		/* 8 and 9 are SET_CALL_PRIVILEGE and GET_NEW_CALLS. */
		{ "_IO(T, 10)", _IO(T, 10) },
		{ "_IO(T, 11)", _IO(T, 11) },
		{ "_IO(T, 0x7f)", _IO(T, 0x7f) },
		{ "_IO(T, 0xff)", _IO(T, 0xff) },
		{ "_IOWR(T, 0, devcaps)", _IOWR(T, 0, struct ktapi_devcaps) },
		{ "_IOW(T, 1, line_open)", _IOW(T, 1, struct ktapi_line_open) },
		{ "_IOR(T, 2, make_call)", _IOR(T, 2, struct ktapi_make_call) },
		{ "_IOWR(T, 3, call_op)", _IOWR(T, 3, struct ktapi_call_op) },
		{ "_IOW(T, 4, call_op)", _IOW(T, 4, struct ktapi_call_op) },
		{ "_IOWR(T, 5, call_info)", _IOWR(T, 5, struct ktapi_call_info) },
		{ "_IOR(T, 6, call_op)", _IOR(T, 6, struct ktapi_call_op) },
		{ "_IOWR(T, 7, close_line_device)",
		  _IOWR(T, 7, struct ktapi_close_line_device) },
		{ "_IOC(NONE, T, 0, 80)", _IOC(_IOC_NONE, T, 0, 80) },
		{ "_IOC(NONE, T, 2, 1)", _IOC(_IOC_NONE, T, 2, 1) },
		{ "_IO(T - 1, 0)", _IO(T - 1, 0) },
		{ "_IO(T + 1, 2)", _IO(T + 1, 2) },
		{ "_IO(0xB7, 1) (nsfs NS_GET_USERNS)", _IO(0xB7, 1) },
		{ "_IO(0xB7, 2)", _IO(0xB7, 2) },
		{ "_IO(0, 0)", 0 },
		{ "TCGETS", 0x5401 },
		{ "_IO('T', 0x7f)", _IO('T', 0x7f) },
		{ "0xffffffff", 0xffffffffUL },
	};
	unsigned int j;
	int i;

	for (j = 0; j < ARRAY_SIZE(cmds); j++) {
		for (i = 0; i < NIOC; i++)
			ASSERT_NE(iocs[i].cmd, cmds[j].cmd)
				TH_LOG("%s is %s", cmds[j].name, ioc_name(i));
		/* A valid struct for the command number, where there is one. */
		i = _IOC_NR(cmds[j].cmd) < NIOC ? (int)_IOC_NR(cmds[j].cmd) :
						 I_DEVCAPS;
		make_valid(_metadata, self, i, buf);
		CHECK(ENOTTY, ioctl_err(self->fa, cmds[j].cmd, buf),
		      "ioctl(%s)", cmds[j].name);
		CHECK(ENOTTY, ioctl_err(self->fa, cmds[j].cmd, NULL),
		      "ioctl(%s, NULL)", cmds[j].name);
	}
}

TEST_F_TIMEOUT(hostile, read_and_other_syscalls, 600)
{
	struct ktapi_event ev[2];
	char *p;
	int fq, fl;
	__u32 h;

	/* FQ has two events queued: DIALING, DISCONNECTED(BADADDRESS). */
#define QUEUE_TWO() do {						\
		fq = new_tmp(self);					\
		ASSERT_EQ(0, kt_line_open(fq, 4, KTAPI_PRIVILEGE_OWNER,	\
					  KTAPI_API_VERSION_2_2));	\
		ASSERT_EQ(0, kt_make_call(fq, "999", &h, NULL));	\
	} while (0)

	static const size_t short_len[] = { 0, 1, 8, sizeof(ev[0]) - 1 };
	unsigned int j;

	for (j = 0; j < ARRAY_SIZE(short_len); j++) {
		QUEUE_TWO();
		CHECK(EINVAL, kt_err(read(fq, ev, short_len[j])),
		      "read(%zu bytes, events queued)", short_len[j]);
		QUEUE_TWO();
		ASSERT_EQ(0, fcntl(fq, F_SETFL, O_NONBLOCK));
		CHECK(EINVAL, kt_err(read(fq, ev, short_len[j])),
		      "read(%zu bytes, O_NONBLOCK, events queued)", short_len[j]);
		fl = new_tmp(self);
		CHECK(EINVAL, kt_err(read(fl, ev, short_len[j])),
		      "read(%zu bytes, empty queue)", short_len[j]);
	}
	/* A short read consumes nothing. */
	QUEUE_TWO();
	ASSERT_EQ(-1, read(fq, ev, sizeof(ev[0]) - 1));
	ASSERT_EQ(2 * sizeof(ev[0]), read(fq, ev, sizeof(ev)));
	CHECK(KTAPI_CALLSTATE_DIALING, ev[0].state,
	      "read after a short read: first record kept");

	QUEUE_TWO();
	CHECK(EFAULT, kt_err(read(fq, null_ptr, sizeof(ev[0]))),
	      "read(NULL, event queued)");
	QUEUE_TWO();
	CHECK(EFAULT, kt_err(read(fq, self->none, sizeof(ev[0]))),
	      "read(unmapped buffer, event queued)");
	QUEUE_TWO();
	CHECK(EFAULT, kt_err(read(fq, kernel_ptr(), sizeof(ev[0]))),
	      "read(kernel address, event queued)");
	QUEUE_TWO();
	ASSERT_EQ(0, mprotect(self->ro, self->ps, PROT_READ));
	CHECK(EFAULT, kt_err(read(fq, self->ro, sizeof(ev[0]))),
	      "read(read-only buffer, event queued)");
	ASSERT_EQ(0, mprotect(self->ro, self->ps, PROT_READ | PROT_WRITE));
	/* A failed copy loses nothing. */
	QUEUE_TWO();
	ASSERT_EQ(-1, read(fq, null_ptr, sizeof(ev[0])));
	ASSERT_EQ(2 * sizeof(ev[0]), read(fq, ev, sizeof(ev)));
	ASSERT_EQ(KTAPI_CALLSTATE_DIALING, ev[0].state);
	CHECK(KTAPI_CALLSTATE_DISCONNECTED, ev[1].state,
	      "read after EFAULT: both records kept");
	/* The second record would cross into an unmapped page. */
	QUEUE_TWO();
	p = self->none - sizeof(ev[0]) - 8;
	{
		ssize_t n1 = read(fq, p, 2 * sizeof(ev[0]));
		ssize_t n2 = read(fq, ev, sizeof(ev));

		EXPECT_EQ(KTAPI_CALLSTATE_DIALING,
			  ((struct ktapi_event *)p)->state);
		EXPECT_EQ(sizeof(ev[0]), n2)
			TH_LOG("the record after a partial read");
		EXPECT_EQ(KTAPI_CALLSTATE_DISCONNECTED, ev[0].state)
			TH_LOG("the record after a partial read");
		CHECK(sizeof(ev[0]), n1,
		      "read(2 records, second unmapped): one record");
	}
	/*
	 * Nothing queued, O_NONBLOCK: EAGAIN, even with a bad buffer.
	 * (CHECK closes the temporary files: one per case.)
	 */
	fl = new_tmp(self);
	ASSERT_EQ(0, fcntl(fl, F_SETFL, O_NONBLOCK));
	CHECK(EAGAIN, kt_err(read(fl, ev, sizeof(ev))),
	      "read(O_NONBLOCK, no LINE_OPEN, empty)");
	fl = new_tmp(self);
	ASSERT_EQ(0, fcntl(fl, F_SETFL, O_NONBLOCK));
	CHECK(EAGAIN, kt_err(read(fl, null_ptr, sizeof(ev))),
	      "read(O_NONBLOCK, NULL, empty)");
	/* Other system calls the device does not implement. */
	fl = new_tmp(self);
	CHECK(EINVAL, kt_err(write(fl, ev, sizeof(ev[0]))), "write()");
	fl = new_tmp(self);
	CHECK(ESPIPE, kt_err(lseek(fl, 0, SEEK_SET) < 0 ? -1 : 0), "lseek()");
	fl = new_tmp(self);
	CHECK(ESPIPE, kt_err(pread(fl, ev, sizeof(ev[0]), 0)), "pread()");
	fl = new_tmp(self);
	p = mmap(NULL, self->ps, PROT_READ, MAP_SHARED, fl, 0);
	CHECK(ENODEV, p == MAP_FAILED ? errno : 0, "mmap()");
	if (p != MAP_FAILED)
		munmap(p, self->ps);
#undef QUEUE_TWO
}

/* Results of the unprivileged child, for the parent to check. */
struct unpriv_result {
	int n;
	struct {
		char name[96];
		int expect, got;
	} r[16];
};

static void unpriv_record(struct unpriv_result *res, const char *name,
			  int expect, int got)
{
	if (res->n >= 16)
		return;
	snprintf(res->r[res->n].name, sizeof(res->r[0].name), "%s", name);
	res->r[res->n].expect = expect;
	res->r[res->n].got = got;
	res->n++;
}

TEST_F_TIMEOUT(hostile, unprivileged_close_line_device, 600)
{
	struct unpriv_result *res;
	struct ktapi_close_line_device cl;
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	int fv, status, i;
	pid_t pid;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(res != MAP_FAILED);
	memset(res, 0, sizeof(*res));
	fv = new_tmp(self);
	ASSERT_EQ(0, kt_line_open(fv, 3, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_2_2));
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to uid 65534");
	ASSERT_EQ(0, kt_nobody_node());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd, e;
		__u32 h;

		if (kt_drop_privileges())
			_exit(2);
		/* The root-opened file, inherited. */
		unpriv_record(res, "CLOSE_LINE_DEVICE(root's file)", EPERM,
			      kt_close_dev(self->fa, 3));
		fd = kt_open();
		if (fd < 0)
			_exit(3);
		unpriv_record(res, "CLOSE_LINE_DEVICE(own file)", EPERM,
			      kt_close_dev(fd, 3));
		unpriv_record(res, "CLOSE_LINE_DEVICE(own file, dev 0)", EPERM,
			      kt_close_dev(fd, 0));
		memset(&cl, 0, sizeof(cl));
		cl.size = sizeof(cl);
		cl.device_id = 3;
		cl.reserved = 1;
		unpriv_record(res, "CLOSE_LINE_DEVICE(reserved 1)", EINVAL,
			      ioctl_err(fd, KTAPI_IOC_CLOSE_LINE_DEVICE, &cl));
		cl.reserved = 0;
		cl.flags = 1;
		unpriv_record(res, "CLOSE_LINE_DEVICE(flags 1)", EINVAL,
			      ioctl_err(fd, KTAPI_IOC_CLOSE_LINE_DEVICE, &cl));
		unpriv_record(res, "CLOSE_LINE_DEVICE(NULL)", EFAULT,
			      ioctl_err(fd, KTAPI_IOC_CLOSE_LINE_DEVICE, NULL));
		/* Everything else works for anybody. */
		unpriv_record(res, "LINE_OPEN as nobody", 0,
			      kt_line_open(fd, 5, KTAPI_PRIVILEGE_OWNER,
					   KTAPI_API_VERSION_2_2));
		e = kt_make_call(fd, "1001", &h, NULL);
		unpriv_record(res, "MAKE_CALL as nobody", 0, e);
		unpriv_record(res, "DROP as nobody", 0, kt_drop(fd, h));
		unpriv_record(res, "DEALLOCATE_CALL as nobody", 0,
			      kt_dealloc(fd, h));
		unpriv_record(res, "CLOSE_LINE_DEVICE(own line)", EPERM,
			      kt_close_dev(fd, 5));
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	kt_nobody_node_remove();
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("child setup failed");
	ASSERT_LT(0, res->n);
	for (i = 0; i < res->n; i++) {
		res->r[i].name[sizeof(res->r[0].name) - 1] = 0;
		if (i < res->n - 1) {
			/* All but the last: plain records, no round trip. */
			__atomic_add_fetch(&counts->cases, 1, __ATOMIC_SEQ_CST);
			EXPECT_EQ(res->r[i].expect, res->r[i].got)
				TH_LOG("%s: expected %s, got %s", res->r[i].name,
				       kt_errname(res->r[i].expect),
				       kt_errname(res->r[i].got));
		}
	}
	/* The victim's line is untouched: no LINE_CLOSE, still open. */
	EXPECT_EQ(ETIMEDOUT, kt_read_event(fv, &ev, 0));
	EXPECT_EQ(ENOENT, kt_info(fv, 0, &ci));
	EXPECT_EQ(ENOENT, kt_info(self->fa, 0, &ci));
	i = res->n - 1;
	CHECK(res->r[i].expect, res->r[i].got, "%s", res->r[i].name);
	munmap(res, sizeof(*res));
}

/* Runs last: print the number of cases. */
TEST_F(hostile, zz_summary)
{
	ksft_print_msg("hostile: %u cases in %u tests, each followed by a call round trip\n",
		       counts->cases, counts->tests - 1);
	ASSERT_EQ(8, counts->tests) TH_LOG("a test did not run its setup");
	ASSERT_LT(0, counts->cases);
}

KT_TESTS_IN_ORDER()

int main(int argc, char **argv)
{
	counts = kt_main_start(sizeof(*counts));
	return test_harness_run(argc, argv);
}
