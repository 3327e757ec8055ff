// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi_provider_hostile: everything a provider writes is hostile input
 * (uapi/linux/ktapi.h, DOC: Providers).
 *
 * Table-driven.  Every row builds a fresh "world" (two providers, their
 * devices, lines of /dev/ktapi on them and on the loopback devices, an
 * outgoing and an incoming provider leg, a MAKECALL the provider read and
 * has not answered, a leg of the other provider and a loopback call),
 * drains every queue, takes a snapshot (statistics, num_devices, the
 * GET_DEVCAPS of every device, the GET_CALL_INFO of every handle), runs
 * one hostile ioctl and checks its exact errno AND that nothing changed:
 * the snapshot is the same, no record was queued to any file of
 * /dev/ktapi and no request to either provider.  Where the row breaks one
 * field of an otherwise valid argument, the valid argument is run after
 * it and must succeed, so the row failed for that field only.
 *
 * The tables: the argument format of every provider ioctl (sizes, tails,
 * flags, reserved fields, bad addresses); REGISTER's versions, limits and
 * names; ADD_LINE's addresses and names; device ids of REMOVE_LINE and
 * NEWCALL; REPLY's request ids (unknown, repeated, expired, another
 * provider's) and results; every invalid CALLSTATE transition and mode
 * of the header's list and unknown, foreign and closed call ids; unknown
 * ioctls both ways; read() of a provider with short and bad buffers, and
 * before REGISTER.  The number of rows is printed.  provider_timeout_ms is
 * 600000 while the program runs (the expired rows lower it themselves).
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "ktapi_utils.h"

#define T	KTAPI_IOC_TYPE

struct counts {
	unsigned int rows;
};
static struct counts *counts;

/* NULL, hidden from the compiler's nonnull checks. */
static void *volatile null_ptr;

static void *kernel_ptr(void)
{
	if (sizeof(void *) == 8)
		return (void *)(uintptr_t)0xffff888000000000ULL;
	return (void *)(uintptr_t)0xfffff000UL;
}

/* ------------------------------------------------------------------ */
/* The world of one row.                                               */

#define ADDR_DEV	"7001"
#define ADDR_DEV2	"7002"
#define ADDR_RM		"7003"
#define ADDR_O		"7101"

struct world {
	int pfd, pfd2;		/* "hostile" (the one tested) and "other" */
	int fresh;		/* a provider file not registered */
	__u32 pid, pid2;
	__u32 dev, dev2, dev_rm, dev_o;	/* dev_rm: added and removed */
	int app;		/* OWNER line on dev */
	int mon;		/* MONITOR line on dev */
	int mon2;		/* MONITOR line on dev2 (dev2 has no owner) */
	int app_o;		/* OWNER line on dev_o */
	int lb, lb2;		/* OWNER lines on loopback devices 0 and 1 */
	int nol;		/* a file of /dev/ktapi without a line */
	__u32 h_out, c_out, hm_out;	/* app's outgoing leg, DIALING */
	__u32 h_in, c_in, hm_in;	/* an incoming leg on dev, OFFERING */
	__u32 h_pend, c_pend, rid_app;	/* app's async MAKE_CALL, pending */
	__u64 rid_pend;			/* its MAKECALL's request id */
	__u32 h_f, c_f;		/* a leg of the other provider (app_o's) */
	__u32 h_lb, c_lb;	/* lb's loopback call to lb2 */
	long ps;
	char *rw;		/* two read-write pages, then PROT_NONE */
	char *none;
	char *ro;		/* a read-only page */
};

#define NDC	4
#define NCI	6

struct snap {
	struct ktapi_stats st;
	__u32 ndev;
	int dc_err[NDC];
	struct ktapi_devcaps dc[NDC];
	int ci_err[NCI];
	struct ktapi_call_info ci[NCI];
};

static int *world_fds(struct world *w, int *n)
{
	static int fds[8];

	fds[0] = w->app;
	fds[1] = w->mon;
	fds[2] = w->mon2;
	fds[3] = w->app_o;
	fds[4] = w->lb;
	fds[5] = w->lb2;
	fds[6] = w->nol;
	*n = 7;
	return fds;
}

/* Read everything queued on every file and provider of the world. */
static void world_drain(struct world *w)
{
	int i, n, *fds = world_fds(w, &n);

	for (i = 0; i < n; i++)
		kt_drain(fds[i]);
	kt_prov_drain(w->pfd);
	kt_prov_drain(w->pfd2);
}

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->pfd = w->pfd2 = w->fresh = -1;
	w->app = w->mon = w->mon2 = w->app_o = w->lb = w->lb2 = w->nol = -1;
}

static void world_up(struct __test_metadata *_metadata, struct world *w)
{
	char addr1[KTAPI_ADDRESS_MAX];

	world_init(w);
	if (kt_param("lines") < 2)
		SKIP_NOW("needs 2 loopback line devices, lines=%lld",
			 kt_param("lines"));
	w->ps = sysconf(_SC_PAGESIZE);
	w->rw = mmap(NULL, 3 * w->ps, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(w->rw != MAP_FAILED);
	w->none = w->rw + 2 * w->ps;
	ASSERT_EQ(0, mprotect(w->none, w->ps, PROT_NONE));
	w->ro = mmap(NULL, w->ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	ASSERT_TRUE(w->ro != MAP_FAILED);

	w->pfd = PROV_ID("hostile", 8, &w->pid);
	w->dev = PROV_LINE(w->pfd, ADDR_DEV);
	w->dev2 = PROV_LINE(w->pfd, ADDR_DEV2);
	w->dev_rm = PROV_LINE(w->pfd, ADDR_RM);
	ASSERT_OK(kt_prov_remove_line(w->pfd, w->dev_rm));
	w->pfd2 = PROV_ID("other", 8, &w->pid2);
	w->dev_o = PROV_LINE(w->pfd2, ADDR_O);
	w->fresh = kt_prov_open();
	ASSERT_LE(0, w->fresh);

	w->app = LINE(w->dev, P_OWN);
	w->mon = LINE(w->dev, P_MON);
	w->mon2 = LINE(w->dev2, P_MON);
	w->app_o = LINE(w->dev_o, P_OWN);
	w->lb = LINE(0, P_OWN);
	w->lb2 = LINE(1, P_OWN);
	w->nol = FD();

	PROV_CALL_OUT(w->app, w->pfd, w->dev, "123", &w->h_out, &w->c_out);
	w->hm_out = kt_drain_new_handle(w->mon, w->c_out);
	ASSERT_NE(0, w->hm_out) TH_LOG("the monitor's handle of the outgoing leg");

	PROV_CALL_IN(w->pfd, w->dev, "555", ADDR_DEV, w->app, &w->h_in,
		     &w->c_in);
	w->hm_in = kt_drain_new_handle(w->mon, w->c_in);
	ASSERT_NE(0, w->hm_in) TH_LOG("the monitor's handle of the incoming leg");

	{
		struct ktapi_provider_request req;

		PROV_CALL_PENDING(w->app, w->pfd, w->dev, "124", &w->h_pend,
				  &w->c_pend, &w->rid_app, &req);
		w->rid_pend = req.request_id;
	}
	PROV_CALL_IN(w->pfd2, w->dev_o, "556", ADDR_O, w->app_o, &w->h_f,
		     &w->c_f);

	DEV_ADDR(w->lb, 1, addr1);
	ASSERT_OK(kt_make_call(w->lb, addr1, &w->h_lb, &w->c_lb));
	world_drain(w);
}

static void world_down(struct world *w)
{
	int i, n, *fds = world_fds(w, &n);

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (w->fresh >= 0)
		close(w->fresh);
	if (w->pfd >= 0)
		close(w->pfd);
	if (w->pfd2 >= 0)
		close(w->pfd2);
	if (w->rw && w->rw != MAP_FAILED)
		munmap(w->rw, 3 * w->ps);
	if (w->ro && w->ro != MAP_FAILED)
		munmap(w->ro, w->ps);
	world_init(w);
}

static void take_snap(struct world *w, struct snap *s)
{
	const __u32 devs[NDC] = { w->dev, w->dev2, w->dev_o, 0 };
	const struct { int fd; __u32 h; } hs[NCI] = {
		{ w->app, w->h_out }, { w->app, w->h_in },
		{ w->mon, w->hm_out }, { w->mon, w->hm_in },
		{ w->app_o, w->h_f }, { w->app, w->h_pend },
	};
	int i;

	memset(s, 0, sizeof(*s));
	kt_stats_read(&s->st);
	s->ndev = kt_num_devices(w->nol);
	for (i = 0; i < NDC; i++)
		s->dc_err[i] = kt_devcaps(w->nol, devs[i], &s->dc[i]);
	for (i = 0; i < NCI; i++)
		s->ci_err[i] = kt_info(hs[i].fd, hs[i].h, &s->ci[i]);
}

/*
 * Nothing changed since @a: the same snapshot, no record on any file of
 * the world, no request to either provider.
 */
static void __check_unchanged(struct __test_metadata *_metadata,
			      struct world *w, const struct snap *a,
			      const char *what)
{
	static struct snap b;
	int i, n, *fds = world_fds(w, &n);
	struct ktapi_event ev;
	struct ktapi_provider_request req;
	int err;

	take_snap(w, &b);
	EXPECT_EQ(a->st.files, b.st.files) TH_LOG("%s: files", what);
	EXPECT_EQ(a->st.lines_open, b.st.lines_open) TH_LOG("%s: lines_open", what);
	EXPECT_EQ(a->st.calls, b.st.calls) TH_LOG("%s: calls", what);
	EXPECT_EQ(a->st.handles, b.st.handles) TH_LOG("%s: handles", what);
	EXPECT_EQ(a->st.events_queued, b.st.events_queued) TH_LOG("%s: events_queued", what);
	EXPECT_EQ(a->st.devices, b.st.devices) TH_LOG("%s: devices", what);
	EXPECT_EQ(a->ndev, b.ndev) TH_LOG("%s: num_devices", what);
	for (i = 0; i < NDC; i++) {
		EXPECT_EQ(a->dc_err[i], b.dc_err[i]) TH_LOG("%s: devcaps #%d", what, i);
		EXPECT_EQ(0, memcmp(&a->dc[i], &b.dc[i], sizeof(b.dc[i])))
			TH_LOG("%s: devcaps #%d changed", what, i);
	}
	for (i = 0; i < NCI; i++) {
		EXPECT_EQ(a->ci_err[i], b.ci_err[i]) TH_LOG("%s: call info #%d", what, i);
		EXPECT_EQ(0, memcmp(&a->ci[i], &b.ci[i], sizeof(b.ci[i]))) {
			TH_LOG("%s: call info #%d changed: state %s -> %s, owners %u -> %u, monitors %u -> %u",
			       what, i, state_name(a->ci[i].state),
			       state_name(b.ci[i].state), a->ci[i].num_owners,
			       b.ci[i].num_owners, a->ci[i].num_monitors,
			       b.ci[i].num_monitors);
		}
	}
	for (i = 0; i < n; i++) {
		err = kt_read_event(fds[i], &ev, i ? 0 : NO_EV_WAIT_MS);
		EXPECT_EQ(ETIMEDOUT, err) {
			TH_LOG("%s: file #%d: %s %s h=%u call=%u %s", what, i,
			       kt_errname(err), ev_type_name(ev.type),
			       ev.handle, ev.call_id, state_name(ev.state));
		}
	}
	err = kt_prov_read(w->pfd, &req, 0);
	EXPECT_EQ(ETIMEDOUT, err) {
		TH_LOG("%s: provider: %s %s call=%u", what, kt_errname(err),
		       preq_name(req.type), req.call_id);
	}
	err = kt_prov_read(w->pfd2, &req, 0);
	EXPECT_EQ(ETIMEDOUT, err) {
		TH_LOG("%s: other provider: %s %s call=%u", what,
		       kt_errname(err), preq_name(req.type), req.call_id);
	}
}
#define CHECK_UNCHANGED(w, a, what)	__check_unchanged(_metadata, w, a, what)

/* One row: the exact errno. */
#define ROW(name, expect, got)						\
	do {								\
		int __e = (expect), __g = (got);			\
		__atomic_add_fetch(&counts->rows, 1, __ATOMIC_SEQ_CST);	\
		EXPECT_EQ(__e, __g) {					\
			TH_LOG("%s: expected %s, got %s", name,		\
			       kt_errname(__e), kt_errname(__g));	\
		}							\
	} while (0)

/* @src into the array @dst, or (@src NULL) @dst full of @fill, no NUL. */
static void set_str(char *dst, size_t len, const char *src, char fill)
{
	if (src)
		strcpy(dst, src);
	else
		memset(dst, fill, len);
}

static int ioctl_err(int fd, unsigned long cmd, void *arg)
{
	return kt_err(ioctl(fd, cmd, arg));
}

/* The fixture of the long tests: nothing but their timeout. */
FIXTURE(ph) {
	int unused;
};

FIXTURE_SETUP(ph)
{
	PROV_REQUIRE();
}

FIXTURE_TEARDOWN(ph)
{
}

/* ------------------------------------------------------------------ */
/* The argument format of every provider ioctl.                        */

enum { P_REGISTER, P_ADD_LINE, P_REMOVE_LINE, P_REPLY, P_NEWCALL,
       P_CALLSTATE, NPIOC };

struct pioc {
	const char *name;
	unsigned long cmd;
	size_t size;
	size_t ver0;
	long reserved_off;	/* -1: none */
	bool output;		/* writes the struct back */
};

#define PIOC(n, c, st, v0, res, out)					\
	{ .name = n, .cmd = c, .size = sizeof(struct st), .ver0 = v0,	\
	  .reserved_off = res, .output = out }
#define ROFF(st, f)	((long)offsetof(struct st, f))

static const struct pioc piocs[NPIOC] = {
	[P_REGISTER] = PIOC("REGISTER", KTAPI_PROVIDER_IOC_REGISTER,
			    ktapi_provider_register,
			    KTAPI_PROVIDER_REGISTER_SIZE_VER0, -1, true),
	[P_ADD_LINE] = PIOC("ADD_LINE", KTAPI_PROVIDER_IOC_ADD_LINE,
			    ktapi_provider_line, KTAPI_PROVIDER_LINE_SIZE_VER0,
			    ROFF(ktapi_provider_line, reserved), true),
	[P_REMOVE_LINE] = PIOC("REMOVE_LINE", KTAPI_PROVIDER_IOC_REMOVE_LINE,
			       ktapi_provider_remove_line,
			       KTAPI_PROVIDER_REMOVE_LINE_SIZE_VER0,
			       ROFF(ktapi_provider_remove_line, reserved),
			       false),
	[P_REPLY] = PIOC("REPLY", KTAPI_PROVIDER_IOC_REPLY, ktapi_provider_reply,
			 KTAPI_PROVIDER_REPLY_SIZE_VER0,
			 ROFF(ktapi_provider_reply, reserved), false),
	[P_NEWCALL] = PIOC("NEWCALL", KTAPI_PROVIDER_IOC_NEWCALL,
			   ktapi_provider_newcall,
			   KTAPI_PROVIDER_NEWCALL_SIZE_VER0, -1, true),
	[P_CALLSTATE] = PIOC("CALLSTATE", KTAPI_PROVIDER_IOC_CALLSTATE,
			     ktapi_provider_callstate,
			     KTAPI_PROVIDER_CALLSTATE_SIZE_VER0,
			     ROFF(ktapi_provider_callstate, reserved), false),
};

/* A valid argument for piocs[i] in @buf (zeroed); the fd to issue it on. */
static int make_valid(struct world *w, int i, void *buf)
{
	memset(buf, 0, piocs[i].size);
	*(__u32 *)buf = piocs[i].size;
	switch (i) {
	case P_REGISTER: {
		struct ktapi_provider_register *r = buf;

		r->version = KTAPI_PROVIDER_VERSION;
		r->max_requests = 4;
		strcpy(r->name, "fresh");
		return w->fresh;
	}
	case P_ADD_LINE: {
		struct ktapi_provider_line *l = buf;

		strcpy(l->address, "7009");
		strcpy(l->name, "Line 7009");
		return w->pfd;
	}
	case P_REMOVE_LINE:
		((struct ktapi_provider_remove_line *)buf)->device_id = w->dev2;
		return w->pfd;
	case P_REPLY:
		((struct ktapi_provider_reply *)buf)->request_id = w->rid_pend;
		return w->pfd;
	case P_NEWCALL: {
		struct ktapi_provider_newcall *nc = buf;

		nc->device_id = w->dev;
		strcpy(nc->caller_address, "557");
		strcpy(nc->called_address, ADDR_DEV);
		return w->pfd;
	}
	case P_CALLSTATE: {
		struct ktapi_provider_callstate *cs = buf;

		cs->call_id = w->c_out;
		cs->state = S_RINGBACK;
		return w->pfd;
	}
	}
	return -1;
}

enum { X_SIZE0, X_SIZE4, X_SHORT, X_BIG, X_HUGE, X_TAIL, X_FLAGS1,
       X_FLAGS_HI, X_RESERVED, X_NULL, X_KERNEL, X_UNMAPPED, X_STRADDLE,
       X_TAIL_ZERO, X_RO, NX };

static const char *const x_name[NX] = {
	"size 0", "size 4", "size VER0-1", "size PAGE_SIZE+1", "size ~0",
	"size+8, non-zero tail", "flags 1", "flags 0x80000000",
	"reserved 1", "NULL", "kernel address", "unmapped",
	"struct ending in an unmapped page", "size+8, zero tail",
	"read-only page",
};

TEST_F_TIMEOUT(ph, arg_format, 300)
{
	static struct world w;
	static struct snap s;
	char name[128];
	int i, x, fd, expect, got;
	void *arg;
	__u32 *u;

	PROV_REQUIRE();
	for (i = 0; i < NPIOC; i++) {
		for (x = 0; x < NX; x++) {
			const struct pioc *p = &piocs[i];
			char valid[256];

			if (x == X_RESERVED && p->reserved_off < 0)
				continue;
			snprintf(name, sizeof(name), "%s(%s)", p->name, x_name[x]);
			world_up(_metadata, &w);
			fd = make_valid(&w, i, valid);
			ASSERT_LE(0, fd);
			/* By default in the first read-write page. */
			arg = w.rw;
			memset(w.rw, 0, 2 * w.ps);
			memcpy(arg, valid, p->size);
			u = arg;
			expect = EINVAL;
			switch (x) {
			case X_SIZE0:
				u[0] = 0;
				break;
			case X_SIZE4:
				u[0] = 4;
				break;
			case X_SHORT:
				u[0] = p->ver0 - 1;
				break;
			case X_BIG:
				u[0] = w.ps + 1;
				expect = E2BIG;
				break;
			case X_HUGE:
				u[0] = 0xffffffff;
				expect = E2BIG;
				break;
			case X_TAIL:
				u[0] = p->size + 8;
				((char *)arg)[p->size + 3] = 1;
				expect = E2BIG;
				break;
			case X_FLAGS1:
				u[1] = 1;
				break;
			case X_FLAGS_HI:
				u[1] = 0x80000000;
				break;
			case X_RESERVED:
				*(__u32 *)((char *)arg + p->reserved_off) = 1;
				break;
			case X_NULL:
				arg = null_ptr;
				expect = EFAULT;
				break;
			case X_KERNEL:
				arg = kernel_ptr();
				expect = EFAULT;
				break;
			case X_UNMAPPED:
				arg = w.none;
				expect = EFAULT;
				break;
			case X_STRADDLE:
				/* size and flags readable, the rest not. */
				arg = w.none - 8;
				memcpy(arg, valid, 8);
				expect = EFAULT;
				break;
			case X_TAIL_ZERO:
				u[0] = p->size + 8;
				expect = 0;
				break;
			case X_RO:
				arg = w.ro;
				ASSERT_EQ(0, mprotect(arg, w.ps,
						      PROT_READ | PROT_WRITE));
				memcpy(arg, valid, p->size);
				ASSERT_EQ(0, mprotect(arg, w.ps, PROT_READ));
				/*
				 * Readable, so a command that writes nothing
				 * works; one that writes back cannot.
				 */
				expect = p->output ? EFAULT : 0;
				break;
			}
			take_snap(&w, &s);
			got = ioctl_err(fd, p->cmd, arg);
			ROW(name, expect, got);
			if (expect == EINVAL || expect == E2BIG ||
			    (expect == EFAULT && x != X_RO)) {
				CHECK_UNCHANGED(&w, &s, name);
				/* Only that was wrong: the valid one works. */
				memcpy(w.rw, valid, p->size);
				got = ioctl_err(fd, p->cmd, w.rw);
				EXPECT_EQ(0, got) {
					TH_LOG("%s: the valid argument after it: %s",
					       name, kt_errname(got));
				}
			}
			if (x == X_TAIL_ZERO && !got && p->output) {
				/* The bytes past sizeof are never written. */
				EXPECT_EQ(0, ((__u32 *)((char *)arg + p->size))[0]);
				EXPECT_EQ(0, ((__u32 *)((char *)arg + p->size))[1]);
				EXPECT_EQ(p->size + 8, u[0]);
			}
			world_down(&w);
		}
	}
}

/* ------------------------------------------------------------------ */
/* REGISTER.                                                            */

static const struct {
	const char *what;
	__u32 version;
	__u32 max_requests;
	const char *name;	/* NULL: 32 'x', no NUL */
	int expect;
} reg_rows[] = {
	{ "version 0", 0, 4, "p", EPROTONOSUPPORT },
	{ "version 0.1", 1, 4, "p", EPROTONOSUPPORT },
	{ "version 2.0", 2 << 16, 4, "p", EPROTONOSUPPORT },
	{ "version 0xffff.0", 0xffff0000, 4, "p", EPROTONOSUPPORT },
	{ "version 0xffff.0xffff", 0xffffffff, 4, "p", EPROTONOSUPPORT },
	{ "version 1.1", 1 << 16 | 1, 4, "p", 0 },
	{ "version 1.0xffff", 1 << 16 | 0xffff, 4, "p", 0 },
	{ "max_requests 0", KTAPI_PROVIDER_VERSION, 0, "p", EINVAL },
	{ "max_requests MAX+1", KTAPI_PROVIDER_VERSION,
	  KTAPI_PROVIDER_REQUESTS_MAX + 1, "p", EINVAL },
	{ "max_requests 0x80000000", KTAPI_PROVIDER_VERSION, 0x80000000, "p",
	  EINVAL },
	{ "max_requests ~0", KTAPI_PROVIDER_VERSION, 0xffffffff, "p", EINVAL },
	{ "max_requests MAX", KTAPI_PROVIDER_VERSION,
	  KTAPI_PROVIDER_REQUESTS_MAX, "p", 0 },
	{ "max_requests 1", KTAPI_PROVIDER_VERSION, 1, "p", 0 },
	{ "name empty", KTAPI_PROVIDER_VERSION, 4, "", 0 },
	{ "name 31 characters", KTAPI_PROVIDER_VERSION, 4,
	  "0123456789012345678901234567890", 0 },
	{ "name with spaces and punctuation", KTAPI_PROVIDER_VERSION, 4,
	  "a b~!@#$%^&*()_+{}|:\"<>?", 0 },
	{ "name 32 characters, no NUL", KTAPI_PROVIDER_VERSION, 4, NULL,
	  EINVAL },
	{ "name \\x01", KTAPI_PROVIDER_VERSION, 4, "\x01", EINVAL },
	{ "name with a tab", KTAPI_PROVIDER_VERSION, 4, "a\tb", EINVAL },
	{ "name with a newline", KTAPI_PROVIDER_VERSION, 4, "sip\n", EINVAL },
	{ "name with DEL", KTAPI_PROVIDER_VERSION, 4, "a\x7f", EINVAL },
	{ "name with \\x80", KTAPI_PROVIDER_VERSION, 4, "\x80", EINVAL },
	{ "name UTF-8", KTAPI_PROVIDER_VERSION, 4, "caf\xc3\xa9", EINVAL },
	{ "name \\xff", KTAPI_PROVIDER_VERSION, 4, "\xff", EINVAL },
	{ "name with ESC", KTAPI_PROVIDER_VERSION, 4, "\x1b[2J", EINVAL },
};

TEST_F_TIMEOUT(ph, register_values, 300)
{
	static struct world w;
	static struct snap s;
	struct ktapi_provider_register r;
	struct ktapi_provider_request req;
	struct ktapi_devcaps dc;
	unsigned int i;
	__u32 dev;
	int got;

	PROV_REQUIRE();
	for (i = 0; i < ARRAY_SIZE(reg_rows); i++) {
		world_up(_metadata, &w);
		memset(&r, 0, sizeof(r));
		r.size = sizeof(r);
		r.version = reg_rows[i].version;
		r.max_requests = reg_rows[i].max_requests;
		set_str(r.name, sizeof(r.name), reg_rows[i].name, 'x');
		take_snap(&w, &s);
		got = ioctl_err(w.fresh, KTAPI_PROVIDER_IOC_REGISTER, &r);
		ROW(reg_rows[i].what, reg_rows[i].expect, got);
		if (got) {
			CHECK_UNCHANGED(&w, &s, reg_rows[i].what);
			/* Still not a provider. */
			EXPECT_EQ(EBADFD, kt_prov_add_line(w.fresh, "7010", NULL,
							   NULL));
			EXPECT_EQ(EBADFD, kt_err(read(w.fresh, &req, sizeof(req))));
			/* And it can still register. */
			EXPECT_OK(kt_prov_register(w.fresh, "late", 4, NULL));
		} else {
			EXPECT_EQ(KTAPI_PROVIDER_VERSION, r.out_version)
				TH_LOG("%s", reg_rows[i].what);
			EXPECT_NE(0, r.out_provider_id);
			EXPECT_NE(w.pid, r.out_provider_id);
			EXPECT_NE(w.pid2, r.out_provider_id);
			/* Input fields as they were. */
			EXPECT_EQ(reg_rows[i].version, r.version);
			EXPECT_EQ(reg_rows[i].max_requests, r.max_requests);
			/* The name shows in GET_DEVCAPS. */
			ASSERT_OK(kt_prov_add_line(w.fresh, "7010", NULL, &dev));
			ASSERT_OK(kt_devcaps(w.nol, dev, &dc));
			EXPECT_EQ(KTAPI_DEVICE_PROVIDER, dc.kind);
			EXPECT_EQ(r.out_provider_id, dc.provider_id);
			EXPECT_STREQ(reg_rows[i].name, dc.provider_name);
			/* Once per file. */
			EXPECT_EQ(EBUSY, kt_prov_register(w.fresh, "again", 4, NULL));
		}
		world_down(&w);
	}
}

/*
 * Before REGISTER every other ioctl and read() are EBADFD; a second
 * REGISTER is EBUSY.  The check order (DOC: General ioctl format): the
 * argument, then flags and reserved fields, then the state of the file,
 * then the values.
 */
TEST_F_TIMEOUT(ph, register_state, 120)
{
	static struct world w;
	static struct snap s;
	struct ktapi_provider_request req;
	struct ktapi_provider_register r;
	char valid[256];
	int i, fd;

	PROV_REQUIRE();
	world_up(_metadata, &w);
	for (i = 0; i < NPIOC; i++) {
		char name[128];

		if (i == P_REGISTER)
			continue;
		make_valid(&w, i, valid);
		take_snap(&w, &s);
		snprintf(name, sizeof(name), "%s before REGISTER", piocs[i].name);
		ROW(name, EBADFD, ioctl_err(w.fresh, piocs[i].cmd, valid));
		CHECK_UNCHANGED(&w, &s, name);
		/* A bad argument is found before the state. */
		*(__u32 *)valid = 0;
		snprintf(name, sizeof(name), "%s(size 0) before REGISTER",
			 piocs[i].name);
		ROW(name, EINVAL, ioctl_err(w.fresh, piocs[i].cmd, valid));
		make_valid(&w, i, valid);
		((__u32 *)valid)[1] = 1;
		snprintf(name, sizeof(name), "%s(flags 1) before REGISTER",
			 piocs[i].name);
		ROW(name, EINVAL, ioctl_err(w.fresh, piocs[i].cmd, valid));
		CHECK_UNCHANGED(&w, &s, name);
	}
	ROW("read() before REGISTER", EBADFD,
	    kt_err(read(w.fresh, &req, sizeof(req))));
	ROW("read(O_NONBLOCK) before REGISTER", EBADFD,
	    kt_err(kt_read_nonblock(w.fresh, &req, sizeof(req))));

	/* A second REGISTER: EBUSY, also with values that are wrong. */
	fd = make_valid(&w, P_REGISTER, valid);
	ASSERT_EQ(w.fresh, fd);
	memcpy(&r, valid, sizeof(r));
	r.size = sizeof(r);
	take_snap(&w, &s);
	ROW("REGISTER on the registered world provider", EBUSY,
	    ioctl_err(w.pfd, KTAPI_PROVIDER_IOC_REGISTER, &r));
	r.version = 7 << 16;
	ROW("REGISTER(version 7.0) once registered", EBUSY,
	    ioctl_err(w.pfd, KTAPI_PROVIDER_IOC_REGISTER, &r));
	r.version = KTAPI_PROVIDER_VERSION;
	r.max_requests = 0;
	ROW("REGISTER(max_requests 0) once registered", EBUSY,
	    ioctl_err(w.pfd, KTAPI_PROVIDER_IOC_REGISTER, &r));
	r.max_requests = 4;
	r.flags = 1;
	ROW("REGISTER(flags 1) once registered", EINVAL,
	    ioctl_err(w.pfd, KTAPI_PROVIDER_IOC_REGISTER, &r));
	r.flags = 0;
	r.size = 0;
	ROW("REGISTER(size 0) once registered", EINVAL,
	    ioctl_err(w.pfd, KTAPI_PROVIDER_IOC_REGISTER, &r));
	CHECK_UNCHANGED(&w, &s, "second REGISTER");
	/* The world provider still works: its pending request is answered. */
	ASSERT_OK(kt_prov_reply(w.pfd, w.rid_pend, 0));
	EXPECT_REPLY(w.app, w.rid_app, 0, w.h_pend, w.c_pend);
	world_down(&w);
}

/* ------------------------------------------------------------------ */
/* ADD_LINE.                                                            */

#define A63 "012345678901234567890123456789012345678901234567890123456789012"
#define N63 "Line name of sixty-three printable characters, all of them ok!"

static const struct {
	const char *what;
	const char *address;	/* NULL: 64 '1', no NUL */
	const char *name;	/* NULL: 64 'n', no NUL */
	int expect;
} add_rows[] = {
	{ "address empty", "", "n", EINVAL },
	{ "address with a letter", "12a", "n", EINVAL },
	{ "address with a space", "1 2", "n", EINVAL },
	{ "address with '-'", "-1", "n", EINVAL },
	{ "address with '.'", "1.2", "n", EINVAL },
	{ "address with \\x80", "1\x80", "n", EINVAL },
	{ "address with \\n", "12\n", "n", EINVAL },
	{ "address 64 characters, no NUL", NULL, "n", EINVAL },
	{ "name 64 characters, no NUL", "7010", NULL, EINVAL },
	{ "name \\x01", "7010", "\x01", EINVAL },
	{ "name with a newline", "7010", "Line\n", EINVAL },
	{ "name with DEL", "7010", "\x7f", EINVAL },
	{ "name UTF-8", "7010", "Caf\xc3\xa9", EINVAL },
	{ "name with ESC", "7010", "\x1b]0;x\x07", EINVAL },
	{ "address 63 characters", A63, "n", 0 },
	{ "address of every allowed character", "*#+0123456789", "n", 0 },
	{ "address of the other provider's device", ADDR_O, "n", 0 },
	{ "address of a loopback device", "1000", "n", 0 },
	{ "name 63 characters", "7010", N63, 0 },
	{ "name empty", "7010", "", 0 },
};

TEST_F_TIMEOUT(ph, add_line_values, 300)
{
	static struct world w;
	static struct snap s;
	struct ktapi_provider_line l;
	struct ktapi_devcaps dc;
	unsigned int i;
	int got, j, n, *fds;

	PROV_REQUIRE();
	for (i = 0; i < ARRAY_SIZE(add_rows); i++) {
		world_up(_metadata, &w);
		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
		set_str(l.address, sizeof(l.address), add_rows[i].address, '1');
		set_str(l.name, sizeof(l.name), add_rows[i].name, 'n');
		take_snap(&w, &s);
		got = ioctl_err(w.pfd, KTAPI_PROVIDER_IOC_ADD_LINE, &l);
		ROW(add_rows[i].what, add_rows[i].expect, got);
		if (got) {
			CHECK_UNCHANGED(&w, &s, add_rows[i].what);
		} else {
			/* A new id, past every id before; LINE_CREATE to all. */
			EXPECT_EQ(s.ndev, l.out_device_id);
			EXPECT_EQ(s.ndev + 1, kt_num_devices(w.nol));
			ASSERT_OK(kt_devcaps(w.nol, l.out_device_id, &dc));
			EXPECT_STREQ(add_rows[i].address, dc.address);
			EXPECT_STREQ(add_rows[i].name[0] ? add_rows[i].name :
				     add_rows[i].address, dc.name);
			EXPECT_EQ(KTAPI_DEVICE_PROVIDER, dc.kind);
			EXPECT_EQ(w.pid, dc.provider_id);
			EXPECT_STREQ("hostile", dc.provider_name);
			fds = world_fds(&w, &n);
			for (j = 0; j < n; j++)
				EXPECT_LCREATE(fds[j], l.out_device_id);
		}
		world_down(&w);
	}
}

/* KTAPI_PROVIDER_LINES_MAX devices live per provider; removed ones free room. */
TEST_F_TIMEOUT(ph, add_line_limit, 300)
{
	__u32 first = 0, dev = 0, last = 0;
	struct ktapi_devcaps dc;
	int pfd, fd, i;

	PROV_REQUIRE();
	pfd = PROV("limit", 4);
	fd = FD();
	for (i = 0; i < KTAPI_PROVIDER_LINES_MAX; i++) {
		int err = kt_prov_add_line(pfd, "8000", NULL, &dev);

		ASSERT_EQ(0, err) TH_LOG("line #%d: %s", i, kt_errname(err));
		if (!i)
			first = dev;
		kt_drain(fd);
	}
	last = dev;
	EXPECT_EQ(first + KTAPI_PROVIDER_LINES_MAX - 1, last);
	ROW("ADD_LINE past KTAPI_PROVIDER_LINES_MAX", ENOSPC,
	    kt_prov_add_line(pfd, "8000", NULL, &dev));
	EXPECT_EQ(last + 1, kt_num_devices(fd));
	EXPECT_NO_EV(fd);
	ROW("ADD_LINE past the limit, bad address first", EINVAL,
	    kt_prov_add_line(pfd, "x", NULL, &dev));
	/* Another provider is not limited by this one. */
	{
		int p2 = PROV("limit2", 4);

		ASSERT_OK(kt_prov_add_line(p2, "8001", NULL, &dev));
		EXPECT_EQ(last + 1, dev);
		close(p2);
	}
	kt_drain(fd);
	/* Removing one makes room; the new id is never a reused one. */
	ASSERT_OK(kt_prov_remove_line(pfd, first));
	ASSERT_OK(kt_prov_add_line(pfd, "8000", NULL, &dev));
	EXPECT_LT(last + 1, dev);
	EXPECT_EQ(ENODEV, kt_devcaps(fd, first, &dc));
	close(pfd);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Device ids: REMOVE_LINE and NEWCALL.                                 */

enum { D_REMOVED, D_LOOPBACK, D_LOOPBACK1, D_FOREIGN, D_NUM, D_FAR, D_MAX,
       D_NOOWNER, D_NOLINE, ND };

static const char *const d_name[ND] = {
	"a removed device", "loopback device 0", "loopback device 1",
	"the other provider's device", "num_devices", "num_devices+1000",
	"0xffffffff", "its device without an owner (a monitor only)",
	"its device without any line",
};

static __u32 dev_of(struct world *w, int d, __u32 ndev)
{
	__u32 dev = 0;

	switch (d) {
	case D_REMOVED:		return w->dev_rm;
	case D_LOOPBACK:	return 0;
	case D_LOOPBACK1:	return 1;
	case D_FOREIGN:		return w->dev_o;
	case D_NUM:		return ndev;
	case D_FAR:		return ndev + 1000;
	case D_MAX:		return 0xffffffff;
	case D_NOOWNER:		return w->dev2;
	case D_NOLINE:
		if (kt_prov_add_line(w->pfd, "7004", NULL, &dev))
			return 0xfffffffe;
		world_drain(w);
		return dev;
	}
	return 0;
}

TEST_F_TIMEOUT(ph, device_ids, 300)
{
	static struct world w;
	static struct snap s;
	char name[160];
	__u32 dev, cid;
	int d;

	PROV_REQUIRE();
	for (d = 0; d < ND; d++) {
		world_up(_metadata, &w);
		dev = dev_of(&w, d, kt_num_devices(w.nol));
		ASSERT_NE(0xfffffffe, dev);
		take_snap(&w, &s);
		snprintf(name, sizeof(name), "NEWCALL on %s", d_name[d]);
		cid = 0x5a5a;
		ROW(name, d >= D_NOOWNER ? ENXIO : ENODEV,
		    kt_prov_newcall(w.pfd, dev, "558", ADDR_DEV, &cid));
		CHECK_UNCHANGED(&w, &s, name);
		if (d < D_NOOWNER) {
			snprintf(name, sizeof(name), "REMOVE_LINE of %s", d_name[d]);
			ROW(name, ENODEV, kt_prov_remove_line(w.pfd, dev));
			CHECK_UNCHANGED(&w, &s, name);
		}
		world_down(&w);
	}
	/* The other provider cannot remove or call on this one's device. */
	world_up(_metadata, &w);
	take_snap(&w, &s);
	ROW("REMOVE_LINE of another provider's device", ENODEV,
	    kt_prov_remove_line(w.pfd2, w.dev));
	ROW("NEWCALL on another provider's device", ENODEV,
	    kt_prov_newcall(w.pfd2, w.dev, "558", ADDR_DEV, &cid));
	CHECK_UNCHANGED(&w, &s, "the other provider on this one's device");
	world_down(&w);
}

/* NEWCALL's addresses. */
static const struct {
	const char *what;
	const char *caller;	/* NULL: 64 '5', no NUL */
	const char *called;
	int expect;
} nc_rows[] = {
	{ "caller empty", "", ADDR_DEV, EINVAL },
	{ "caller with a letter", "55a", ADDR_DEV, EINVAL },
	{ "caller with a space", "5 5", ADDR_DEV, EINVAL },
	{ "caller with \\xff", "5\xff", ADDR_DEV, EINVAL },
	{ "caller 64 characters, no NUL", NULL, ADDR_DEV, EINVAL },
	{ "called empty", "555", "", EINVAL },
	{ "called with a letter", "555", "70O1", EINVAL },
	{ "called with '@'", "555", "7001@host", EINVAL },
	{ "called 64 characters, no NUL", "555", NULL, EINVAL },
	{ "caller 63 characters", A63, ADDR_DEV, 0 },
	{ "called another address than the device's", "555", "*#+9", 0 },
};

TEST_F_TIMEOUT(ph, newcall_addresses, 300)
{
	static struct world w;
	static struct snap s;
	struct ktapi_provider_newcall nc;
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	unsigned int i;
	int got;

	PROV_REQUIRE();
	for (i = 0; i < ARRAY_SIZE(nc_rows); i++) {
		world_up(_metadata, &w);
		memset(&nc, 0, sizeof(nc));
		nc.size = sizeof(nc);
		nc.device_id = w.dev;
		set_str(nc.caller_address, sizeof(nc.caller_address), nc_rows[i].caller, '5');
		set_str(nc.called_address, sizeof(nc.called_address), nc_rows[i].called, '7');
		take_snap(&w, &s);
		got = ioctl_err(w.pfd, KTAPI_PROVIDER_IOC_NEWCALL, &nc);
		ROW(nc_rows[i].what, nc_rows[i].expect, got);
		if (got) {
			CHECK_UNCHANGED(&w, &s, nc_rows[i].what);
		} else {
			EXPECT_NEW(&ev, w.app, nc.out_call_id, S_OFFERING, P_OWN);
			GET_INFO(w.app, ev.handle, &ci);
			EXPECT_EQ(KTAPI_CALLORIGIN_INBOUND, ci.origin);
			EXPECT_EQ(w.dev, ci.device_id);
			EXPECT_STREQ(nc_rows[i].caller, ci.caller_address);
			EXPECT_STREQ(nc_rows[i].called, ci.called_address);
		}
		world_down(&w);
	}
}

/* ------------------------------------------------------------------ */
/* REPLY.                                                               */

static const struct {
	const char *what;
	int rid;		/* 0: the pending one; 1: 0; 2: pending+1000; */
				/* 3: 1 << 63; 4: ~0; 5: pending + 2^32 */
	__s32 result;
	int expect;
} reply_rows[] = {
	{ "request id 0", 1, 0, ENOENT },
	{ "an unknown request id", 2, 0, ENOENT },
	{ "request id 1 << 63", 3, 0, ENOENT },
	{ "request id ~0", 4, 0, ENOENT },
	{ "the pending id + 2^32", 5, 0, ENOENT },
	{ "result 1", 0, 1, EINVAL },
	{ "result INT_MAX", 0, INT_MAX, EINVAL },
	{ "result INT_MIN", 0, INT_MIN, EINVAL },
	{ "result -EPERM", 0, -EPERM, EINVAL },
	{ "result -ENOENT", 0, -ENOENT, EINVAL },
	{ "result -EINTR", 0, -EINTR, EINVAL },
	{ "result -EFAULT", 0, -EFAULT, EINVAL },
	{ "result -ENODEV", 0, -ENODEV, EINVAL },
	{ "result -ENOSPC", 0, -ENOSPC, EINVAL },
	{ "result -ENXIO", 0, -ENXIO, EINVAL },
	{ "result -ETIMEDOUT", 0, -ETIMEDOUT, EINVAL },
	{ "result -ECONNABORTED", 0, -ECONNABORTED, EINVAL },
	{ "result -ERESTARTSYS (512)", 0, -512, EINVAL },
	{ "result -4095", 0, -4095, EINVAL },
	{ "result -4096", 0, -4096, EINVAL },
	{ "result 0", 0, 0, 0 },
	{ "result -EINVAL", 0, -EINVAL, 0 },
	{ "result -EBUSY", 0, -EBUSY, 0 },
	{ "result -ENOMEM", 0, -ENOMEM, 0 },
	{ "result -EAGAIN", 0, -EAGAIN, 0 },
	{ "result -EIO", 0, -EIO, 0 },
	{ "result -EOPNOTSUPP", 0, -EOPNOTSUPP, 0 },
};

static __u64 reply_rid(const struct world *w, int sel)
{
	switch (sel) {
	case 1: return 0;
	case 2: return w->rid_pend + 1000;
	case 3: return 1ULL << 63;
	case 4: return ~0ULL;
	case 5: return w->rid_pend + (1ULL << 32);
	}
	return w->rid_pend;
}

/* The world's pending MAKE_CALL completes with @result: REPLY, then the leg. */
static void pending_done(struct __test_metadata *_metadata, struct world *w,
			 __s32 result, const char *what)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;

	EXPECT_REPLY(w->app, w->rid_app, result, w->h_pend, w->c_pend);
	if (!result) {
		EXPECT_CS(w->app, w->h_pend, w->c_pend, S_DIALING, 0, P_OWN);
		EXPECT_NEW(&ev, w->mon, w->c_pend, S_DIALING, P_MON);
		GET_INFO(w->app, w->h_pend, &ci);
		return;
	}
	/* Failed: the handle is void, the leg is gone, then CLOSECALL. */
	EXPECT_EQ(ENOENT, kt_info(w->app, w->h_pend, &ci)) TH_LOG("%s", what);
	EXPECT_CLOSECALL(w->pfd, w->dev, w->c_pend, 0);
	EXPECT_NO_EV(w->mon);
}

TEST_F_TIMEOUT(ph, reply_values, 300)
{
	static struct world w;
	static struct snap s;
	unsigned int i;
	int got;

	PROV_REQUIRE();
	for (i = 0; i < ARRAY_SIZE(reply_rows); i++) {
		world_up(_metadata, &w);
		take_snap(&w, &s);
		got = kt_prov_reply(w.pfd, reply_rid(&w, reply_rows[i].rid),
				    reply_rows[i].result);
		ROW(reply_rows[i].what, reply_rows[i].expect, got);
		if (got) {
			CHECK_UNCHANGED(&w, &s, reply_rows[i].what);
			/* The request is still pending, and can be answered. */
			ASSERT_OK(kt_prov_reply(w.pfd, w.rid_pend, 0));
			pending_done(_metadata, &w, 0, reply_rows[i].what);
		} else {
			pending_done(_metadata, &w, reply_rows[i].result,
				     reply_rows[i].what);
			/* A second REPLY to the same request: ENOENT. */
			world_drain(&w);
			take_snap(&w, &s);
			ROW("the same REPLY again", ENOENT,
			    kt_prov_reply(w.pfd, w.rid_pend, reply_rows[i].result));
			ROW("another REPLY to an answered request", ENOENT,
			    kt_prov_reply(w.pfd, w.rid_pend,
					  reply_rows[i].result ? 0 : -EIO));
			CHECK_UNCHANGED(&w, &s, "a repeated REPLY");
		}
		world_down(&w);
	}
	/* Another provider's REPLY to this one's request. */
	world_up(_metadata, &w);
	take_snap(&w, &s);
	ROW("REPLY by another provider", ENOENT,
	    kt_prov_reply(w.pfd2, w.rid_pend, 0));
	ROW("REPLY(-EIO) by another provider", ENOENT,
	    kt_prov_reply(w.pfd2, w.rid_pend, -EIO));
	CHECK_UNCHANGED(&w, &s, "REPLY by another provider");
	ASSERT_OK(kt_prov_reply(w.pfd, w.rid_pend, -EBUSY));
	pending_done(_metadata, &w, -EBUSY, "REPLY -EBUSY");
	world_down(&w);
}

/* Expired requests: timed out, or their waiter killed. */
FIXTURE(expired) {
	long long old_timeout;
	struct world w;
};

FIXTURE_SETUP(expired)
{
	PROV_REQUIRE();
	self->old_timeout = -1;
	world_up(_metadata, &self->w);
	/* Nothing else pending while the timeout is short. */
	ASSERT_OK(kt_prov_reply(self->w.pfd, self->w.rid_pend, 0));
	world_drain(&self->w);
	self->old_timeout = PROV_TIMEOUT(300);
}

FIXTURE_TEARDOWN(expired)
{
	PROV_TIMEOUT_RESTORE(self->old_timeout);
	world_down(&self->w);
}

TEST_F_TIMEOUT(expired, timed_out, 60)
{
	static struct snap s;
	struct world *w = &self->w;
	struct ktapi_provider_request req;
	struct ktapi_call_info ci;
	__u32 h, cid, rid;

	PROV_CALL_PENDING(w->app, w->pfd, w->dev, "125", &h, &cid, &rid, &req);
	/* Not answered: the REPLY says ETIMEDOUT, the handle is void. */
	{
		struct ktapi_event ev;

		ASSERT_OK(kt_wait_reply(w->app, rid, 5000, &ev, NULL, 0, NULL));
		EXPECT_EQ(-ETIMEDOUT, ev.result);
		EXPECT_EQ(h, ev.handle);
		EXPECT_EQ(cid, ev.call_id);
	}
	EXPECT_EQ(ENOENT, kt_info(w->app, h, &ci));
	/* The request is over: its call id gets its CLOSECALL. */
	EXPECT_CLOSECALL(w->pfd, w->dev, cid, 0);
	world_drain(w);
	take_snap(w, &s);
	ROW("REPLY 0 to a timed-out request", ENOENT,
	    kt_prov_reply(w->pfd, req.request_id, 0));
	ROW("REPLY -EIO to a timed-out request", ENOENT,
	    kt_prov_reply(w->pfd, req.request_id, -EIO));
	ROW("CALLSTATE on a timed-out MAKECALL's call id", ENOENT,
	    kt_prov_callstate(w->pfd, cid, S_RINGBACK, 0));
	CHECK_UNCHANGED(w, &s, "REPLY to a timed-out request");
}

TEST_F_TIMEOUT(expired, waiter_killed, 60)
{
	static struct snap s;
	struct world *w = &self->w;
	struct ktapi_provider_request req;
	int status;
	pid_t pid;

	/* A long timeout: only the kill ends the wait. */
	ASSERT_OK(kt_param_set("provider_timeout_ms", 600000));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = kt_open_line(w->dev, P_OWN);

		if (fd < 0)
			_exit(1);
		kt_make_call(fd, "126", NULL, NULL);
		_exit(2);
	}
	EXPECT_MAKECALL(&req, w->pfd, w->dev, ANY, "126");
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	/* The child's file is gone: the leg's CLOSECALL. */
	EXPECT_CLOSECALL(w->pfd, w->dev, req.call_id, 0);
	world_drain(w);
	take_snap(w, &s);
	ROW("REPLY to a request whose waiter was killed", ENOENT,
	    kt_prov_reply(w->pfd, req.request_id, 0));
	CHECK_UNCHANGED(w, &s, "REPLY to a killed waiter's request");
}

/* ------------------------------------------------------------------ */
/* CALLSTATE.                                                           */

enum { L_OUT, L_IN, L_PEND, L_OUT_CONN, L_IN_CONN, L_OUT_DISC, L_IN_DISC,
       L_OUT_IDLE, L_IN_IDLE, L_FOREIGN, L_LOOP, L_ZERO, L_UNKNOWN,
       L_CLOSED, L_FAILED, NL };

static const char *const l_name[NL] = {
	"outgoing DIALING", "incoming OFFERING", "MAKECALL not answered",
	"outgoing CONNECTED", "incoming CONNECTED",
	"outgoing DISCONNECTED(NORMAL)", "incoming DISCONNECTED(NORMAL)",
	"outgoing IDLE", "incoming IDLE", "the other provider's leg",
	"a loopback leg", "call id 0", "an unknown call id",
	"a leg after its CLOSECALL", "a MAKECALL answered -EBUSY",
};

#define MODES_VALID	(KTAPI_DISCONNECTMODE_NORMAL |			\
			 KTAPI_DISCONNECTMODE_UNKNOWN |			\
			 KTAPI_DISCONNECTMODE_REJECT |			\
			 KTAPI_DISCONNECTMODE_BUSY |			\
			 KTAPI_DISCONNECTMODE_NOANSWER |		\
			 KTAPI_DISCONNECTMODE_BADADDRESS |		\
			 KTAPI_DISCONNECTMODE_UNAVAIL)

static const struct {
	int leg;
	__u32 state, mode;
	int expect;	/* 0: a no-op (same state and mode again) */
} cs_rows[] = {
	/* Not one KTAPI_CALLSTATE_ bit, or not one a provider may report. */
	{ L_OUT, 0, 0, EINVAL },
	{ L_OUT, S_CONNECTED | S_IDLE, 0, EINVAL },
	{ L_OUT, S_RINGBACK | S_DIALING, 0, EINVAL },
	{ L_OUT, 0x00010000, 0, EINVAL },
	{ L_OUT, 0x80000000, 0, EINVAL },
	{ L_OUT, 0xffffffff, 0, EINVAL },
	{ L_OUT, KTAPI_CALLSTATE_CONFERENCED, 0, EINVAL },
	{ L_OUT, KTAPI_CALLSTATE_ONHOLDPENDCONF, 0, EINVAL },
	{ L_OUT, KTAPI_CALLSTATE_ONHOLDPENDTRANSFER, 0, EINVAL },
	{ L_IN, KTAPI_CALLSTATE_CONFERENCED, 0, EINVAL },
	{ L_IN, KTAPI_CALLSTATE_ONHOLDPENDCONF, 0, EINVAL },
	{ L_IN, KTAPI_CALLSTATE_ONHOLDPENDTRANSFER, 0, EINVAL },
	{ L_IN, 0, 0, EINVAL },
	/* OFFERING or ACCEPTED on an OUTBOUND leg. */
	{ L_OUT, S_OFFERING, 0, EINVAL },
	{ L_OUT, S_ACCEPTED, 0, EINVAL },
	{ L_OUT_CONN, S_OFFERING, 0, EINVAL },
	{ L_OUT_CONN, S_ACCEPTED, 0, EINVAL },
	/* DIALTONE, DIALING, RINGBACK, PROCEEDING or BUSY on an INBOUND leg. */
	{ L_IN, KTAPI_CALLSTATE_DIALTONE, 0, EINVAL },
	{ L_IN, S_DIALING, 0, EINVAL },
	{ L_IN, S_RINGBACK, 0, EINVAL },
	{ L_IN, S_PROCEEDING, 0, EINVAL },
	{ L_IN, S_BUSY, 0, EINVAL },
	{ L_IN_CONN, S_RINGBACK, 0, EINVAL },
	{ L_IN_CONN, S_BUSY, 0, EINVAL },
	/* OFFERING after the leg's first state. */
	{ L_IN_CONN, S_OFFERING, 0, EINVAL },
	{ L_IN_DISC, S_OFFERING, 0, EINVAL },
	/* Anything after IDLE. */
	{ L_OUT_IDLE, S_CONNECTED, 0, EINVAL },
	{ L_OUT_IDLE, S_DIALING, 0, EINVAL },
	{ L_OUT_IDLE, S_RINGBACK, 0, EINVAL },
	{ L_OUT_IDLE, KTAPI_CALLSTATE_ONHOLD, 0, EINVAL },
	{ L_OUT_IDLE, KTAPI_CALLSTATE_UNKNOWN, 0, EINVAL },
	{ L_OUT_IDLE, S_DISC, KTAPI_DISCONNECTMODE_NORMAL, EINVAL },
	{ L_IN_IDLE, S_OFFERING, 0, EINVAL },
	{ L_IN_IDLE, S_CONNECTED, 0, EINVAL },
	{ L_IN_IDLE, S_ACCEPTED, 0, EINVAL },
	/* Anything but IDLE after DISCONNECTED. */
	{ L_OUT_DISC, S_CONNECTED, 0, EINVAL },
	{ L_OUT_DISC, S_RINGBACK, 0, EINVAL },
	{ L_OUT_DISC, S_PROCEEDING, 0, EINVAL },
	{ L_OUT_DISC, KTAPI_CALLSTATE_ONHOLD, 0, EINVAL },
	{ L_OUT_DISC, KTAPI_CALLSTATE_SPECIALINFO, 0, EINVAL },
	{ L_OUT_DISC, S_DISC, KTAPI_DISCONNECTMODE_BUSY, EINVAL },
	{ L_IN_DISC, S_CONNECTED, 0, EINVAL },
	{ L_IN_DISC, S_ACCEPTED, 0, EINVAL },
	{ L_IN_DISC, S_DISC, KTAPI_DISCONNECTMODE_REJECT, EINVAL },
	/* state_mode: exactly one bit for DISCONNECTED, else 0. */
	{ L_OUT, S_DISC, 0, EINVAL },
	{ L_OUT, S_DISC, KTAPI_DISCONNECTMODE_NORMAL | KTAPI_DISCONNECTMODE_BUSY, EINVAL },
	{ L_OUT, S_DISC, 0x00000008, EINVAL },
	{ L_OUT, S_DISC, 0x00000010, EINVAL },
	{ L_OUT, S_DISC, 0x00000100, EINVAL },
	{ L_OUT, S_DISC, 0x00001000, EINVAL },
	{ L_OUT, S_DISC, 0x80000000, EINVAL },
	{ L_OUT, S_DISC, ~(__u32)MODES_VALID, EINVAL },
	{ L_OUT, S_DISC, 0xffffffff, EINVAL },
	{ L_IN, S_DISC, 0, EINVAL },
	{ L_OUT, S_CONNECTED, KTAPI_DISCONNECTMODE_NORMAL, EINVAL },
	{ L_OUT, S_RINGBACK, KTAPI_DISCONNECTMODE_BUSY, EINVAL },
	{ L_OUT, S_IDLE, KTAPI_DISCONNECTMODE_NORMAL, EINVAL },
	{ L_OUT, S_DIALING, 1, EINVAL },
	{ L_IN, S_CONNECTED, KTAPI_DISCONNECTMODE_UNAVAIL, EINVAL },
	/* An outgoing leg whose MAKECALL was not answered 0 yet. */
	{ L_PEND, S_DIALING, 0, EINVAL },
	{ L_PEND, S_RINGBACK, 0, EINVAL },
	{ L_PEND, S_PROCEEDING, 0, EINVAL },
	{ L_PEND, S_CONNECTED, 0, EINVAL },
	{ L_PEND, S_DISC, KTAPI_DISCONNECTMODE_BUSY, EINVAL },
	{ L_PEND, S_IDLE, 0, EINVAL },
	/* Not a live leg of this provider. */
	{ L_FOREIGN, S_CONNECTED, 0, ENOENT },
	{ L_FOREIGN, S_IDLE, 0, ENOENT },
	{ L_LOOP, S_CONNECTED, 0, ENOENT },
	{ L_LOOP, S_IDLE, 0, ENOENT },
	{ L_ZERO, S_CONNECTED, 0, ENOENT },
	{ L_UNKNOWN, S_CONNECTED, 0, ENOENT },
	{ L_CLOSED, S_IDLE, 0, ENOENT },
	{ L_CLOSED, S_CONNECTED, 0, ENOENT },
	{ L_FAILED, S_RINGBACK, 0, ENOENT },
	/* The same state and mode again: 0, and no record. */
	{ L_OUT, S_DIALING, 0, 0 },
	{ L_OUT_CONN, S_CONNECTED, 0, 0 },
	{ L_IN_CONN, S_CONNECTED, 0, 0 },
	{ L_OUT_DISC, S_DISC, KTAPI_DISCONNECTMODE_NORMAL, 0 },
	{ L_IN_DISC, S_DISC, KTAPI_DISCONNECTMODE_NORMAL, 0 },
};

/* Bring the leg @l of the world about; its call id. */
static __u32 leg_of(struct __test_metadata *_metadata, struct world *w, int l)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;

	switch (l) {
	case L_OUT:
		return w->c_out;
	case L_IN:
		return w->c_in;
	case L_PEND:
		return w->c_pend;
	case L_OUT_CONN:
	case L_OUT_DISC:
	case L_OUT_IDLE:
		EXPECT_OK(kt_prov_callstate(w->pfd, w->c_out, S_RINGBACK, 0));
		EXPECT_OK(kt_prov_callstate(w->pfd, w->c_out, S_CONNECTED, 0));
		if (l != L_OUT_CONN)
			EXPECT_OK(kt_prov_callstate(w->pfd, w->c_out, S_DISC,
						    KTAPI_DISCONNECTMODE_NORMAL));
		if (l == L_OUT_IDLE)
			EXPECT_OK(kt_prov_callstate(w->pfd, w->c_out, S_IDLE, 0));
		return w->c_out;
	case L_IN_CONN:
	case L_IN_DISC:
	case L_IN_IDLE:
		EXPECT_OK(kt_prov_callstate(w->pfd, w->c_in, S_CONNECTED, 0));
		if (l != L_IN_CONN)
			EXPECT_OK(kt_prov_callstate(w->pfd, w->c_in, S_DISC,
						    KTAPI_DISCONNECTMODE_NORMAL));
		if (l == L_IN_IDLE)
			EXPECT_OK(kt_prov_callstate(w->pfd, w->c_in, S_IDLE, 0));
		return w->c_in;
	case L_FOREIGN:
		return w->c_f;
	case L_LOOP:
		return w->c_lb;
	case L_ZERO:
		return 0;
	case L_UNKNOWN:
		/* Call ids come in blocks of 64 per CPU: far from every one. */
		return w->c_out ^ 0x40000000;
	case L_CLOSED: {
		__u32 hm;

		/* Every handle of a new incoming leg goes: its CLOSECALL. */
		PROV_CALL_IN(w->pfd, w->dev, "559", ADDR_DEV, w->app, &h, &cid);
		hm = kt_drain_new_handle(w->mon, cid);
		EXPECT_OK(kt_dealloc(w->app, h));
		EXPECT_OK(kt_dealloc(w->mon, hm));
		EXPECT_CLOSECALL(w->pfd, w->dev, cid, S_OFFERING);
		return cid;
	}
	case L_FAILED:
		EXPECT_OK(kt_make_call_async(w->app, "127", &h, &cid, &rid));
		EXPECT_MAKECALL(&req, w->pfd, w->dev, cid, "127");
		EXPECT_OK(kt_prov_reply(w->pfd, req.request_id, -EBUSY));
		EXPECT_REPLY(w->app, rid, -EBUSY, h, cid);
		EXPECT_CLOSECALL(w->pfd, w->dev, cid, 0);
		return cid;
	}
	return 0;
}

TEST_F_TIMEOUT(ph, callstate_values, 600)
{
	static struct world w;
	static struct snap s;
	char name[160];
	unsigned int i;
	__u32 cid;
	int got;

	PROV_REQUIRE();
	for (i = 0; i < ARRAY_SIZE(cs_rows); i++) {
		snprintf(name, sizeof(name), "CALLSTATE(%s, state %#x %s, mode %#x)",
			 l_name[cs_rows[i].leg], cs_rows[i].state,
			 state_name(cs_rows[i].state), cs_rows[i].mode);
		world_up(_metadata, &w);
		cid = leg_of(_metadata, &w, cs_rows[i].leg);
		world_drain(&w);
		take_snap(&w, &s);
		got = kt_prov_callstate(w.pfd, cid, cs_rows[i].state,
					cs_rows[i].mode);
		ROW(name, cs_rows[i].expect, got);
		CHECK_UNCHANGED(&w, &s, name);
		world_down(&w);
	}
	/* Another provider's CALLSTATE on this one's legs. */
	world_up(_metadata, &w);
	take_snap(&w, &s);
	ROW("CALLSTATE by another provider on an outgoing leg", ENOENT,
	    kt_prov_callstate(w.pfd2, w.c_out, S_RINGBACK, 0));
	ROW("CALLSTATE by another provider on an incoming leg", ENOENT,
	    kt_prov_callstate(w.pfd2, w.c_in, S_CONNECTED, 0));
	ROW("CALLSTATE by another provider on a pending MAKECALL", ENOENT,
	    kt_prov_callstate(w.pfd2, w.c_pend, S_RINGBACK, 0));
	CHECK_UNCHANGED(&w, &s, "CALLSTATE by another provider");
	world_down(&w);
}

/* ------------------------------------------------------------------ */
/* Unknown ioctls, both ways, and read().                               */

TEST(unknown_ioctls)
{
	static struct world w;
	static struct snap s;
	static const unsigned long app_cmds[] = {
		KTAPI_IOC_GET_DEVCAPS, KTAPI_IOC_LINE_OPEN, KTAPI_IOC_MAKE_CALL,
		KTAPI_IOC_ANSWER, KTAPI_IOC_DROP, KTAPI_IOC_GET_CALL_INFO,
		KTAPI_IOC_DEALLOCATE_CALL, KTAPI_IOC_CLOSE_LINE_DEVICE,
		KTAPI_IOC_SET_CALL_PRIVILEGE, KTAPI_IOC_GET_NEW_CALLS,
	};
	static const unsigned long prov_cmds[] = {
		KTAPI_PROVIDER_IOC_REGISTER, KTAPI_PROVIDER_IOC_ADD_LINE,
		KTAPI_PROVIDER_IOC_REMOVE_LINE, KTAPI_PROVIDER_IOC_REPLY,
		KTAPI_PROVIDER_IOC_NEWCALL, KTAPI_PROVIDER_IOC_CALLSTATE,
	};
	static const unsigned long other_cmds[] = {
		_IO(T, 0x0a), _IO(T, 0x1f), _IO(T, 0x26), _IO(T, 0x27),
		_IO(T, 0x7f), _IO(T, 0xff),
		_IOWR(T, 0x20, struct ktapi_provider_register),
		_IOW(T, 0x23, struct ktapi_provider_reply),
		_IOR(T, 0x21, __u32), _IO(T + 1, 0x20), _IO(0, 0x20),
		_IOWR(0xB8, 0x24, int),
	};
	char buf[256], name[96];
	unsigned int i;

	PROV_REQUIRE();
	world_up(_metadata, &w);
	for (i = 0; i < ARRAY_SIZE(app_cmds); i++) {
		struct ktapi_call_info ci = { .size = sizeof(ci), .handle = w.h_out };

		/* A valid-looking argument: the number alone is wrong. */
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &ci, sizeof(ci));
		take_snap(&w, &s);
		snprintf(name, sizeof(name), "/dev/ktapi nr %#lx on a provider",
			 _IOC_NR(app_cmds[i]));
		ROW(name, ENOTTY, ioctl_err(w.pfd, app_cmds[i], buf));
		snprintf(name, sizeof(name), "/dev/ktapi nr %#lx before REGISTER",
			 _IOC_NR(app_cmds[i]));
		ROW(name, ENOTTY, ioctl_err(w.fresh, app_cmds[i], buf));
		CHECK_UNCHANGED(&w, &s, name);
	}
	for (i = 0; i < ARRAY_SIZE(prov_cmds); i++) {
		int j, n, *fds = world_fds(&w, &n);

		make_valid(&w, (int)i, buf);
		take_snap(&w, &s);
		for (j = 0; j < n; j++) {
			snprintf(name, sizeof(name),
				 "provider nr %#lx on /dev/ktapi file #%d",
				 _IOC_NR(prov_cmds[i]), j);
			ROW(name, ENOTTY, ioctl_err(fds[j], prov_cmds[i], buf));
		}
		CHECK_UNCHANGED(&w, &s, name);
	}
	for (i = 0; i < ARRAY_SIZE(other_cmds); i++) {
		memset(buf, 0, sizeof(buf));
		*(__u32 *)buf = 56;
		take_snap(&w, &s);
		snprintf(name, sizeof(name), "command %#lx on a provider",
			 other_cmds[i]);
		ROW(name, ENOTTY, ioctl_err(w.pfd, other_cmds[i], buf));
		snprintf(name, sizeof(name), "command %#lx before REGISTER",
			 other_cmds[i]);
		ROW(name, ENOTTY, ioctl_err(w.fresh, other_cmds[i], buf));
		snprintf(name, sizeof(name), "command %#lx on /dev/ktapi",
			 other_cmds[i]);
		ROW(name, ENOTTY, ioctl_err(w.app, other_cmds[i], buf));
		CHECK_UNCHANGED(&w, &s, name);
	}
	/* The fresh file never became a provider. */
	EXPECT_EQ(EBADFD, kt_prov_add_line(w.fresh, "7010", NULL, NULL));
	world_down(&w);
}

TEST(read_args)
{
	static struct world w;
	static struct snap s;
	static const size_t short_len[] = {
		0, 1, 8, KTAPI_PROVIDER_REQUEST_SIZE - 1,
	};
	struct ktapi_provider_request reqs[3];
	char name[96];
	unsigned int i;
	ssize_t n;
	__u32 h, cid, rid;

	PROV_REQUIRE();
	world_up(_metadata, &w);
	/* One request queued: a MAKECALL. */
	ASSERT_OK(kt_make_call_async(w.app, "128", &h, &cid, &rid));
	for (i = 0; i < ARRAY_SIZE(short_len); i++) {
		snprintf(name, sizeof(name), "read(%zu bytes), a request queued",
			 short_len[i]);
		ROW(name, EINVAL, kt_err(read(w.pfd, reqs, short_len[i])));
		snprintf(name, sizeof(name), "read(%zu bytes, O_NONBLOCK)",
			 short_len[i]);
		ROW(name, EINVAL, kt_err(kt_read_nonblock(w.pfd, reqs, short_len[i])));
		snprintf(name, sizeof(name), "read(%zu bytes), empty queue",
			 short_len[i]);
		ROW(name, EINVAL, kt_err(kt_read_nonblock(w.pfd2, reqs, short_len[i])));
		snprintf(name, sizeof(name), "read(%zu bytes) before REGISTER",
			 short_len[i]);
		/* Before REGISTER: the state, or the buffer; not a request. */
		EXPECT_NE(0, kt_err(read(w.fresh, reqs, short_len[i]))) TH_LOG("%s", name);
	}
	ROW("read(NULL), a request queued", EFAULT,
	    kt_err(read(w.pfd, null_ptr, sizeof(reqs[0]))));
	ROW("read(unmapped), a request queued", EFAULT,
	    kt_err(read(w.pfd, w.none, sizeof(reqs[0]))));
	ROW("read(kernel address), a request queued", EFAULT,
	    kt_err(read(w.pfd, kernel_ptr(), sizeof(reqs[0]))));
	ROW("read(read-only), a request queued", EFAULT,
	    kt_err(read(w.pfd, w.ro, sizeof(reqs[0]))));
	/* Nothing was consumed: the MAKECALL is still there, once. */
	take_snap(&w, &s);
	n = read(w.pfd, reqs, sizeof(reqs));
	ROW("read(3 records) after the failed reads", 0, n < 0 ? errno : 0);
	EXPECT_EQ(sizeof(reqs[0]), n);
	EXPECT_EQ(KTAPI_PREQ_MAKECALL, reqs[0].type);
	EXPECT_EQ(cid, reqs[0].call_id);
	EXPECT_STREQ("128", reqs[0].dest_address);
	EXPECT_STREQ(ADDR_DEV, reqs[0].caller_address);
	CHECK_UNCHANGED(&w, &s, "read after failed reads");
	/* A record that would cross into an unmapped page: the first only. */
	ASSERT_OK(kt_prov_reply(w.pfd, reqs[0].request_id, 0));
	world_drain(&w);
	ASSERT_OK(kt_answer_async(w.app, w.h_in, &rid));
	ASSERT_OK(kt_drop_async(w.app, w.h_out, &rid));
	n = read(w.pfd, w.none - sizeof(reqs[0]) - 8, 2 * sizeof(reqs[0]));
	EXPECT_EQ(sizeof(reqs[0]), n) TH_LOG("read across an unmapped page");
	EXPECT_PREQ(NULL, w.pfd, KTAPI_PREQ_DROP, w.dev, w.c_out);
	EXPECT_NO_REQ(w.pfd);
	EXPECT_NO_REQ(w.pfd2);
	/* O_NONBLOCK with nothing queued: EAGAIN. */
	ROW("read(O_NONBLOCK), nothing queued", EAGAIN,
	    kt_err(kt_read_nonblock(w.pfd2, reqs, sizeof(reqs))));
	world_down(&w);
}

/* /dev/ktapi-provider is 0600 root: nobody cannot open it. */
TEST(unprivileged_open)
{
	struct stat st;
	int status;
	pid_t pid;

	PROV_REQUIRE();
	ASSERT_EQ(0, stat(KTAPI_PROVIDER_DEV, &st));
	EXPECT_EQ(0, st.st_mode & 0007) TH_LOG("mode %o", st.st_mode);
	if (geteuid())
		SKIP(return, "needs root");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (kt_drop_privileges())
			_exit(2);
		fd = kt_prov_open();
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ROW("open(/dev/ktapi-provider) as nobody", 0, WEXITSTATUS(status));
}

/* Runs last (the last fixture): print the number of rows. */
FIXTURE(zz) {
	int unused;
};

FIXTURE_SETUP(zz)
{
}

FIXTURE_TEARDOWN(zz)
{
}

TEST_F(zz, summary)
{
	ksft_print_msg("provider_hostile: %u rows, each checking its errno and that nothing changed\n",
		       counts->rows);
	ASSERT_LT(0, counts->rows);
}

KT_TESTS_IN_ORDER()

static long long old_timeout;

/* test_harness_run() exits: put the timeout back then. */
static void restore_timeout(void)
{
	if (old_timeout > 0)
		kt_param_set("provider_timeout_ms", old_timeout);
}

int main(int argc, char **argv)
{
	counts = kt_main_start(sizeof(*counts));
	/*
	 * Every world has a request pending that must not time out while a
	 * row runs (a slow debug kernel takes seconds for one table).
	 */
	old_timeout = kt_param("provider_timeout_ms");
	if (old_timeout > 0 && !kt_param_set("provider_timeout_ms", 600000))
		atexit(restore_timeout);
	return test_harness_run(argc, argv);
}
