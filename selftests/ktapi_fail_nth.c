// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi_fail_nth: systematic slab allocation failures in every ktapi entry
 * point, in the manner of the kernel's iommufd_fail_nth.c.
 *
 * For each operation (open, every ioctl, release) the test first runs it
 * once without fault injection (the "golden" run, checked against the ABI),
 * then, for N = 1, 2, ..., rebuilds the same fixture, arms
 * /proc/thread-self/fail-nth with N right before the operation's system
 * call and checks the outcome:
 *
 *  - no fault was injected (the operation made fewer than N allocations):
 *    it must succeed exactly like the golden run; the loop ends;
 *  - a fault was injected and the operation succeeded (the failure was
 *    absorbed, e.g. an XArray node retried with GFP_KERNEL or a kmemleak
 *    object taken from its pool): the outcome must equal the golden run;
 *  - a fault was injected and the operation failed: the error must be
 *    ENOMEM and nothing observable may have changed (the stats, every
 *    handle of every file and its GET_CALL_INFO, the line state of every
 *    file, no event queued anywhere); then the operation is retried
 *    without faults and must give the golden outcome, except that handle
 *    values reserved by the failed attempt may be skipped (never reused).
 *
 * After every iteration all files are closed and the stats must be back
 * at their starting values (the VM run adds a kmemleak scan).
 *
 * KTAPI_ONLY="test ...": run only the fail_nth and provider tests named
 * there (the others SKIP), e.g. KTAPI_ONLY="get_new_calls".
 *
 * The provider's operations have a loop of their own (below, "The
 * provider's operations").
 *
 * Needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and
 * CONFIG_FAULT_INJECTION_DEBUG_FS; the whole program is skipped (exit 4,
 * "1..0 # SKIP") when /proc/thread-self/fail-nth or debugfs failslab is
 * missing, as on Debian's stock kernel.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sys/mman.h>

#include "ktapi_utils.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define FAILSLAB	KTAPI_DEBUGFS "/failslab"
#define MAX_ITER	2000

/* The files of the fixture. */
enum { FA, FAM, FB, FBM, FBO2, FC, FX, FN, NSLOT };

static const char *const slot_name[NSLOT] = {
	"FA(dev0 owner)", "FAM(dev0 monitor)", "FB(dev1 owner)",
	"FBM(dev1 monitor)", "FBO2(dev1 owner|monitor)", "FC(dev2 monitor)",
	"FX(no line)", "FN(new)",
};

static const struct {
	int dev;		/* -1: opened without LINE_OPEN; -2: not opened */
	__u32 priv;
} slot_def[NSLOT] = {
	[FA] = { 0, KTAPI_PRIVILEGE_OWNER },
	[FAM] = { 0, KTAPI_PRIVILEGE_MONITOR },
	[FB] = { 1, KTAPI_PRIVILEGE_OWNER },
	[FBM] = { 1, KTAPI_PRIVILEGE_MONITOR },
	[FBO2] = { 1, KTAPI_PRIVILEGE_OWNER | KTAPI_PRIVILEGE_MONITOR },
	[FC] = { 2, KTAPI_PRIVILEGE_MONITOR },
	[FX] = { -1, 0 },
	[FN] = { -2, 0 },
};

static const char *sname(int i)
{
	return i >= 0 && i < NSLOT ? slot_name[i] : "?";
}

#define NPROBE	24	/* handles 1..NPROBE are probed in every file */
#define MAXEV	32

struct fsnap {
	int open;
	int h0_err;		/* GET_CALL_INFO(0): ENOENT (line open) / EBADFD */
	int probe_bad;		/* a probe gave something else than ENOENT/EBADFD */
	int nh;
	__u32 hv[NPROBE];
	struct ktapi_call_info hi[NPROBE];
	int nev;
	int ev_err;
	struct ktapi_event ev[MAXEV];
};

struct snap {
	struct ktapi_stats st;
	struct fsnap f[NSLOT];
};

struct world {
	int fd[NSLOT];
	__u32 h_out;		/* FA's handle of the prepared call */
	__u32 h_in;		/* FB's handle of the incoming leg */
	__u32 h_in_mon;		/* FBM's handle of the incoming leg */
	struct ktapi_devcaps dc;
	struct ktapi_call_info ci;
	__u32 nc_handles[8];	/* GET_NEW_CALLS */
	__u32 nc_count, nc_remaining;
};

/* Shared with the parent (created before the harness forks). */
struct totals {
	unsigned int ops;
	unsigned int points;
	unsigned int enomem;
	unsigned int absorbed;
	unsigned int skipped_handles;
	unsigned int makecall_enomem;
	unsigned int open_enomem;
	unsigned int prov_ops;
	unsigned int prov_points;
	unsigned int prov_enomem;
};
static struct totals *totals;

/* Big, so static: every test runs in its own forked child. */
static struct snap s_before, s_after, s_golden, s_golden_before, s_tmp,
		   s_norm_golden, s_retry;

static struct ktapi_stats base_stats;
static int nth_fd = -1;

/* ------------------------------------------------------------------ */

static int nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : errno;
}

/* Disarm; return 1 when the armed fault was injected, 0 if not, -errno. */
static int nth_disarm(void)
{
	char buf[32] = "";
	ssize_t n;
	int injected;

	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	injected = atoi(buf) == 0;
	if (pwrite(nth_fd, "0", 1, 0) != 1)
		return -errno;
	return injected;
}

/* ------------------------------------------------------------------ */

static void world_close(struct world *w)
{
	int i;

	for (i = 0; i < NSLOT; i++) {
		if (w->fd[i] >= 0)
			close(w->fd[i]);
		w->fd[i] = -1;
	}
}

static void world_setup(struct __test_metadata *_metadata, struct world *w)
{
	int i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < NSLOT; i++)
		w->fd[i] = -1;
	/* Open and LINE_OPEN in slot order: FB is dev1's oldest owner. */
	for (i = 0; i < NSLOT; i++) {
		if (slot_def[i].dev == -2)
			continue;
		w->fd[i] = kt_open();
		ASSERT_LE(0, w->fd[i]) TH_LOG("open: %s", strerror(errno));
		if (slot_def[i].dev < 0)
			continue;
		ASSERT_EQ(0, kt_line_open(w->fd[i], slot_def[i].dev,
					  slot_def[i].priv,
					  KTAPI_API_VERSION_2_2));
	}
}

static void world_drain(struct __test_metadata *_metadata, struct world *w)
{
	int i;

	for (i = 0; i < NSLOT; i++)
		if (w->fd[i] >= 0)
			ASSERT_LE(0, kt_drain(w->fd[i]));
}

static void check_back_to_base(struct __test_metadata *_metadata)
{
	struct ktapi_stats st;
	char a[256], b[256];

	ASSERT_EQ(0, kt_stats_read(&st));
	kt_stats_str(&base_stats, a, sizeof(a));
	kt_stats_str(&st, b, sizeof(b));
	ASSERT_TRUE(st.files == base_stats.files &&
		    st.lines_open == base_stats.lines_open &&
		    st.calls == base_stats.calls &&
		    st.handles == base_stats.handles &&
		    st.events_queued == base_stats.events_queued &&
		    st.events_dropped == base_stats.events_dropped)
		TH_LOG("leak after closing every file: before [%s] now [%s]",
		       a, b);
}

static void take_snap(struct __test_metadata *_metadata, struct world *w,
		      struct snap *s)
{
	struct ktapi_call_info ci;
	int i, h, ret;

	memset(s, 0, sizeof(*s));
	ASSERT_EQ(0, kt_stats_read(&s->st));
	for (i = 0; i < NSLOT; i++) {
		struct fsnap *f = &s->f[i];

		if (w->fd[i] < 0)
			continue;
		f->open = 1;
		f->h0_err = kt_info(w->fd[i], 0, &ci);
		for (h = 1; h <= NPROBE; h++) {
			ret = kt_info(w->fd[i], h, &ci);
			if (ret == 0) {
				f->hv[f->nh] = h;
				f->hi[f->nh] = ci;
				f->nh++;
			} else if (ret != ENOENT && ret != EBADFD) {
				f->probe_bad = ret;
			}
		}
		ret = kt_drain_evs(w->fd[i], f->ev, MAXEV);
		if (ret < 0)
			f->ev_err = -ret;
		else
			f->nev = ret;
	}
}

/* Per-file rank of a handle value, for comparing runs. */
static __u32 norm_handle(const struct fsnap *f, __u32 h)
{
	int j;

	for (j = 0; j < f->nh; j++)
		if (f->hv[j] == h)
			return j + 1;
	return h ? 0x80000000u | h : 0;
}

static __u32 norm_id(__u32 *ids, int *n, __u32 id)
{
	int i;

	if (!id)
		return 0;
	for (i = 0; i < *n; i++)
		if (ids[i] == id)
			return i + 1;
	if (*n < 1024)
		ids[(*n)++] = id;
	return *n;
}

/* Replace handles by ranks, call ids by order of appearance, times by 0. */
static void snap_normalize(const struct snap *in, struct snap *out)
{
	__u32 ids[1024];
	int nids = 0, i, j;

	*out = *in;
	for (i = 0; i < NSLOT; i++) {
		struct fsnap *f = &out->f[i];

		for (j = 0; j < f->nh; j++) {
			struct ktapi_call_info *ci = &f->hi[j];

			ci->handle = j + 1;
			ci->call_id = norm_id(ids, &nids, ci->call_id);
			ci->related_call_id = norm_id(ids, &nids,
						      ci->related_call_id);
			ci->create_time_ns = 0;
			ci->state_time_ns = 0;
		}
		for (j = 0; j < f->nev && j < MAXEV; j++) {
			struct ktapi_event *ev = &f->ev[j];

			ev->handle = norm_handle(&in->f[i], ev->handle);
			ev->call_id = norm_id(ids, &nids, ev->call_id);
			ev->time_ns = 0;
		}
		for (j = 0; j < f->nh; j++)
			f->hv[j] = j + 1;
	}
}

static void ev_str(const struct ktapi_event *ev, char *buf, size_t len)
{
	snprintf(buf, len,
		 "{type %u handle %#x call %u state %#x mode %#x priv %#x dropped %u rsv %u t %llu}",
		 ev->type, ev->handle, ev->call_id, ev->state, ev->state_mode,
		 ev->privilege, ev->dropped, ev->reserved,
		 (unsigned long long)ev->time_ns);
}

static void ci_str(const struct ktapi_call_info *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 "{h %u call %u rel %u dev %u orig %#x reason %#x state %#x mode %#x seen %#x priv %#x own %u mon %u ct %llu st %llu '%.64s'->'%.64s'}",
		 c->handle, c->call_id, c->related_call_id, c->device_id,
		 c->origin, c->reason, c->state, c->state_mode, c->states_seen,
		 c->privilege, c->num_owners, c->num_monitors,
		 (unsigned long long)c->create_time_ns,
		 (unsigned long long)c->state_time_ns, c->caller_address,
		 c->called_address);
}

/* Describe the first difference of two snapshots; 0 when equal. */
static int snap_diff(const struct snap *a, const struct snap *b, char *out,
		     size_t len)
{
	struct ktapi_stats sa = a->st, sb = b->st;
	char x[400], y[400];
	int i, j;

	/*
	 * The totals count every attempt, the failed ones too: only the live
	 * counts (and events_dropped) say whether an attempt left something.
	 */
	sa.calls_total = sb.calls_total = 0;
	sa.handles_total = sb.handles_total = 0;
	sa.events_total = sb.events_total = 0;
	if (memcmp(&sa, &sb, sizeof(sa))) {
		kt_stats_str(&a->st, x, sizeof(x));
		kt_stats_str(&b->st, y, sizeof(y));
		snprintf(out, len, "stats [%s] vs [%s]", x, y);
		return 1;
	}
	for (i = 0; i < NSLOT; i++) {
		const struct fsnap *f = &a->f[i], *g = &b->f[i];

		if (f->open != g->open || f->h0_err != g->h0_err ||
		    f->probe_bad != g->probe_bad || f->ev_err != g->ev_err) {
			snprintf(out, len,
				 "%s: open %d/%d line %s/%s probe %s/%s read %s/%s",
				 slot_name[i], f->open, g->open,
				 kt_errname(f->h0_err), kt_errname(g->h0_err),
				 kt_errname(f->probe_bad),
				 kt_errname(g->probe_bad),
				 kt_errname(f->ev_err), kt_errname(g->ev_err));
			return 1;
		}
		if (f->nh != g->nh) {
			snprintf(out, len, "%s: %d handles vs %d",
				 slot_name[i], f->nh, g->nh);
			return 1;
		}
		for (j = 0; j < f->nh; j++) {
			if (f->hv[j] != g->hv[j] ||
			    memcmp(&f->hi[j], &g->hi[j], sizeof(f->hi[j]))) {
				ci_str(&f->hi[j], x, sizeof(x));
				ci_str(&g->hi[j], y, sizeof(y));
				snprintf(out, len, "%s: handle #%d %u %s vs %u %s",
					 slot_name[i], j, f->hv[j], x,
					 g->hv[j], y);
				return 1;
			}
		}
		if (f->nev != g->nev) {
			snprintf(out, len, "%s: %d events vs %d",
				 slot_name[i], f->nev, g->nev);
			return 1;
		}
		for (j = 0; j < f->nev && j < MAXEV; j++) {
			if (memcmp(&f->ev[j], &g->ev[j], sizeof(f->ev[j]))) {
				ev_str(&f->ev[j], x, sizeof(x));
				ev_str(&g->ev[j], y, sizeof(y));
				snprintf(out, len, "%s: event #%d %s vs %s",
					 slot_name[i], j, x, y);
				return 1;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Operations                                                         */

struct op {
	const char *name;
	void (*prep)(struct __test_metadata *_metadata, struct world *w);
	int (*run)(struct world *w);
	void (*golden)(struct __test_metadata *_metadata, struct world *w,
		       const struct snap *before, const struct snap *after);
	bool cannot_fail;	/* release: must absorb every failure */
};

static const struct ktapi_event *find_ev(const struct fsnap *f, __u32 type)
{
	int j;

	for (j = 0; j < f->nev && j < MAXEV; j++)
		if (f->ev[j].type == type)
			return &f->ev[j];
	return NULL;
}

/* FA dials dev1: FB owns the incoming leg, FBM and FBO2 monitor it. */
static void prep_call(struct __test_metadata *_metadata, struct world *w)
{
	struct ktapi_event evs[MAXEV];
	int n, j;

	ASSERT_EQ(0, kt_make_call(w->fd[FA], "1001", &w->h_out, NULL));
	n = kt_drain_evs(w->fd[FB], evs, MAXEV);
	ASSERT_LT(0, n);
	for (j = 0; j < n && j < MAXEV; j++)
		if (evs[j].type == KTAPI_EV_APPNEWCALL)
			w->h_in = evs[j].handle;
	n = kt_drain_evs(w->fd[FBM], evs, MAXEV);
	ASSERT_LT(0, n);
	for (j = 0; j < n && j < MAXEV; j++)
		if (evs[j].type == KTAPI_EV_APPNEWCALL)
			w->h_in_mon = evs[j].handle;
	ASSERT_NE(0, w->h_in);
	ASSERT_NE(0, w->h_in_mon);
	world_drain(_metadata, w);
}

static void prep_connected(struct __test_metadata *_metadata, struct world *w)
{
	prep_call(_metadata, w);
	ASSERT_EQ(0, kt_answer(w->fd[FB], w->h_in));
	world_drain(_metadata, w);
}

static int run_open(struct world *w)
{
	w->fd[FN] = kt_open();
	return w->fd[FN] < 0 ? errno : 0;
}

static void golden_open(struct __test_metadata *_metadata, struct world *w,
			const struct snap *b, const struct snap *a)
{
	(void)w;
	ASSERT_EQ(b->st.files + 1, a->st.files);
	ASSERT_TRUE(a->f[FN].open);
	ASSERT_EQ(EBADFD, a->f[FN].h0_err);
	ASSERT_EQ(0, a->f[FN].nev);
}

static int run_devcaps(struct world *w)
{
	return kt_devcaps(w->fd[FX], 3, &w->dc);
}

static void golden_devcaps(struct __test_metadata *_metadata, struct world *w,
			   const struct snap *b, const struct snap *a)
{
	(void)b; (void)a;
	/* And the ids providers were given (ktapi_devices.c). */
	ASSERT_LE(kt_param("lines"), w->dc.num_devices);
	ASSERT_STREQ("1003", w->dc.address);
}

static void prep_new_file(struct __test_metadata *_metadata, struct world *w)
{
	w->fd[FN] = kt_open();
	ASSERT_LE(0, w->fd[FN]);
}

static int run_line_open(struct world *w)
{
	return kt_line_open(w->fd[FN], 1, KTAPI_PRIVILEGE_MONITOR,
			    KTAPI_API_VERSION_2_2);
}

static void golden_line_open(struct __test_metadata *_metadata,
			     struct world *w, const struct snap *b,
			     const struct snap *a)
{
	(void)w;
	ASSERT_EQ(b->st.lines_open + 1, a->st.lines_open);
	ASSERT_EQ(EBADFD, b->f[FN].h0_err);
	ASSERT_EQ(ENOENT, a->f[FN].h0_err);
}

static int run_call_999(struct world *w)
{
	return kt_make_call(w->fd[FA], "999", &w->h_out, NULL);
}

static int run_call_unowned(struct world *w)
{
	return kt_make_call(w->fd[FA], "1002", &w->h_out, NULL);
}

static int run_call_owned(struct world *w)
{
	return kt_make_call(w->fd[FA], "1001", &w->h_out, NULL);
}

static int run_call_self(struct world *w)
{
	return kt_make_call(w->fd[FB], "1001", &w->h_out, NULL);
}

/* Check an event record. */
#define ASSERT_EV_REC(ev, t, st, mode, priv) do {				\
		ASSERT_EQ((__u32)(t), (ev)->type);			\
		ASSERT_EQ((__u32)(st), (ev)->state);			\
		ASSERT_EQ((__u32)(mode), (ev)->state_mode);		\
		ASSERT_EQ((__u32)(priv), (ev)->privilege);		\
		ASSERT_EQ(0, (ev)->reserved);				\
		ASSERT_EQ(0, (ev)->dropped);				\
	} while (0)

static void golden_call_unrouted(struct __test_metadata *_metadata,
				 const struct snap *b, const struct snap *a,
				 __u32 mode)
{
	const struct fsnap *fa = &a->f[FA], *fam = &a->f[FAM];
	int i;

	ASSERT_EQ(b->st.calls + 1, a->st.calls);
	ASSERT_EQ(b->st.handles + 2, a->st.handles);
	ASSERT_EQ(b->st.events_queued + 5, a->st.events_queued);
	ASSERT_EQ(1, fa->nh);
	ASSERT_EQ(KTAPI_CALLSTATE_DISCONNECTED, fa->hi[0].state);
	ASSERT_EQ(mode, fa->hi[0].state_mode);
	ASSERT_EQ(KTAPI_CALLSTATE_DIALING | KTAPI_CALLSTATE_DISCONNECTED,
		  fa->hi[0].states_seen);
	ASSERT_EQ(KTAPI_CALLORIGIN_OUTBOUND, fa->hi[0].origin);
	ASSERT_EQ(0, fa->hi[0].related_call_id);
	ASSERT_EQ(1, fa->hi[0].num_owners);
	ASSERT_EQ(1, fa->hi[0].num_monitors);
	ASSERT_EQ(2, fa->nev);
	ASSERT_EV_REC(&fa->ev[0], KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_DIALING, 0,
		  KTAPI_PRIVILEGE_OWNER);
	ASSERT_EV_REC(&fa->ev[1], KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_DISCONNECTED, mode, KTAPI_PRIVILEGE_OWNER);
	ASSERT_EQ(1, fam->nh);
	ASSERT_EQ(3, fam->nev);
	ASSERT_EV_REC(&fam->ev[0], KTAPI_EV_APPNEWCALL, KTAPI_CALLSTATE_DIALING, 0,
		  KTAPI_PRIVILEGE_MONITOR);
	ASSERT_EV_REC(&fam->ev[1], KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_DIALING, 0,
		  KTAPI_PRIVILEGE_MONITOR);
	ASSERT_EV_REC(&fam->ev[2], KTAPI_EV_CALLSTATE,
		  KTAPI_CALLSTATE_DISCONNECTED, mode, KTAPI_PRIVILEGE_MONITOR);
	for (i = FB; i < NSLOT; i++) {
		ASSERT_EQ(0, a->f[i].nh) TH_LOG("%s", sname(i));
		ASSERT_EQ(0, a->f[i].nev) TH_LOG("%s", sname(i));
	}
}

static void golden_call_999(struct __test_metadata *_metadata,
			    struct world *w, const struct snap *b,
			    const struct snap *a)
{
	(void)w;
	golden_call_unrouted(_metadata, b, a,
			     KTAPI_DISCONNECTMODE_BADADDRESS);
}

static void golden_call_unowned(struct __test_metadata *_metadata,
				struct world *w, const struct snap *b,
				const struct snap *a)
{
	(void)w;
	golden_call_unrouted(_metadata, b, a, KTAPI_DISCONNECTMODE_UNAVAIL);
}

static void golden_call_owned(struct __test_metadata *_metadata,
			      struct world *w, const struct snap *b,
			      const struct snap *a)
{
	const struct fsnap *fa = &a->f[FA], *fam = &a->f[FAM], *fb = &a->f[FB];
	int i;

	(void)w;
	ASSERT_EQ(b->st.calls + 2, a->st.calls);
	ASSERT_EQ(b->st.handles + 5, a->st.handles);
	ASSERT_EQ(b->st.events_queued + 11, a->st.events_queued);
	ASSERT_EQ(1, fa->nh);
	ASSERT_EQ(KTAPI_CALLSTATE_RINGBACK, fa->hi[0].state);
	ASSERT_EQ(1, fb->nh);
	ASSERT_EQ(KTAPI_CALLSTATE_OFFERING, fb->hi[0].state);
	ASSERT_EQ(KTAPI_CALLORIGIN_INTERNAL, fb->hi[0].origin);
	ASSERT_EQ(KTAPI_PRIVILEGE_OWNER, fb->hi[0].privilege);
	ASSERT_EQ(fa->hi[0].call_id, fb->hi[0].related_call_id);
	ASSERT_EQ(fb->hi[0].call_id, fa->hi[0].related_call_id);
	ASSERT_EQ(1, fb->hi[0].num_owners);
	ASSERT_EQ(2, fb->hi[0].num_monitors);
	ASSERT_EQ(2, fa->nev);
	ASSERT_EV_REC(&fa->ev[0], KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_DIALING, 0,
		  KTAPI_PRIVILEGE_OWNER);
	ASSERT_EV_REC(&fa->ev[1], KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_RINGBACK, 0,
		  KTAPI_PRIVILEGE_OWNER);
	ASSERT_EQ(3, fam->nev);
	ASSERT_EV_REC(&fam->ev[0], KTAPI_EV_APPNEWCALL, KTAPI_CALLSTATE_DIALING, 0,
		  KTAPI_PRIVILEGE_MONITOR);
	ASSERT_EV_REC(&fam->ev[2], KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_RINGBACK, 0,
		  KTAPI_PRIVILEGE_MONITOR);
	ASSERT_EQ(2, fb->nev);
	ASSERT_EV_REC(&fb->ev[0], KTAPI_EV_APPNEWCALL, KTAPI_CALLSTATE_OFFERING, 0,
		  KTAPI_PRIVILEGE_OWNER);
	ASSERT_EV_REC(&fb->ev[1], KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_OFFERING, 0,
		  KTAPI_PRIVILEGE_OWNER);
	for (i = FBM; i <= FBO2; i++) {
		ASSERT_EQ(1, a->f[i].nh);
		ASSERT_EQ(2, a->f[i].nev);
		ASSERT_EV_REC(&a->f[i].ev[0], KTAPI_EV_APPNEWCALL,
			  KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_MONITOR);
		ASSERT_EV_REC(&a->f[i].ev[1], KTAPI_EV_CALLSTATE,
			  KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_MONITOR);
	}
	for (i = FC; i < NSLOT; i++)
		ASSERT_EQ(0, a->f[i].nev + a->f[i].nh) TH_LOG("%s", sname(i));
}

static void golden_call_self(struct __test_metadata *_metadata,
			     struct world *w, const struct snap *b,
			     const struct snap *a)
{
	int i;

	(void)w;
	ASSERT_EQ(b->st.calls + 2, a->st.calls);
	/* FB: both legs; FBM, FBO2: a monitor handle to each leg. */
	ASSERT_EQ(b->st.handles + 6, a->st.handles);
	for (i = FB; i <= FBO2; i++)
		ASSERT_EQ(2, a->f[i].nh) TH_LOG("%s", sname(i));
	ASSERT_EQ(KTAPI_CALLSTATE_RINGBACK, a->f[FB].hi[0].state);
	ASSERT_EQ(KTAPI_CALLSTATE_OFFERING, a->f[FB].hi[1].state);
	ASSERT_EQ(KTAPI_PRIVILEGE_OWNER, a->f[FB].hi[1].privilege);
	for (i = FA; i <= FAM; i++)
		ASSERT_EQ(0, a->f[i].nev + a->f[i].nh) TH_LOG("%s", sname(i));
}

/*
 * FA dials no line and deallocates: FA's and FAM's handle maps keep the
 * cursor's leaf (the zombie slot), FB's, FBM's and FBO2's are empty.  A
 * MAKE_CALL then stores its first handles (FA's, FAM's) in the slot at the
 * cursor, allocating nothing, and the others with xa_alloc_cyclic(), which
 * allocates a node: a failure there unreserves handles already stored,
 * unpublished, in other files.
 */
static void prep_cursor_slots(struct __test_metadata *_metadata,
			      struct world *w)
{
	__u32 h, cid, hm;

	ASSERT_EQ(0, kt_make_call(w->fd[FA], "999", &h, &cid));
	hm = kt_drain_new_handle(w->fd[FAM], cid);
	ASSERT_NE(0, hm);
	ASSERT_EQ(0, kt_dealloc(w->fd[FA], h));
	ASSERT_EQ(0, kt_dealloc(w->fd[FAM], hm));
	world_drain(_metadata, w);
}

/*
 * Two calls offered on dev1 (FB owns them, FBM and FBO2 monitor them), and
 * FN, a new MONITOR file of dev1 that holds none: its GET_NEW_CALLS
 * reserves two handles, so a failure of the second unreserves the first,
 * stored unpublished.
 */
static void prep_world_new_calls(struct __test_metadata *_metadata, struct world *w)
{
	__u32 h;

	ASSERT_EQ(0, kt_make_call(w->fd[FA], "1001", &h, NULL));
	ASSERT_EQ(0, kt_make_call(w->fd[FA], "1001", &h, NULL));
	w->fd[FN] = kt_open();
	ASSERT_LE(0, w->fd[FN]);
	ASSERT_EQ(0, kt_line_open(w->fd[FN], 1, KTAPI_PRIVILEGE_MONITOR,
				  KTAPI_API_VERSION_2_2));
	world_drain(_metadata, w);
}

static int run_world_new_calls(struct world *w)
{
	struct ktapi_new_calls nc = {
		.size = sizeof(nc),
		.handles = (uintptr_t)w->nc_handles,
		.max_handles = ARRAY_SIZE(w->nc_handles),
	};
	int ret;

	ret = kt_err(ioctl(w->fd[FN], KTAPI_IOC_GET_NEW_CALLS, &nc));
	w->nc_count = nc.out_count;
	w->nc_remaining = nc.out_remaining;
	return ret;
}

static void golden_world_new_calls(struct __test_metadata *_metadata,
			     struct world *w, const struct snap *b,
			     const struct snap *a)
{
	const struct fsnap *fn = &a->f[FN];
	int i;

	ASSERT_EQ(2, w->nc_count);
	ASSERT_EQ(0, w->nc_remaining);
	ASSERT_EQ(b->st.handles + 2, a->st.handles);
	ASSERT_EQ(b->st.calls, a->st.calls);
	ASSERT_EQ(2, fn->nh);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(w->nc_handles[i], fn->hv[i]);
		ASSERT_EQ(KTAPI_PRIVILEGE_MONITOR, fn->hi[i].privilege);
		ASSERT_EQ(KTAPI_CALLSTATE_OFFERING, fn->hi[i].state);
		ASSERT_EQ(KTAPI_CALLORIGIN_INTERNAL, fn->hi[i].origin);
		ASSERT_EQ(3, fn->hi[i].num_monitors);
	}
	/* No record: GET_NEW_CALLS announces nothing, no file asked CALLINFO. */
	for (i = 0; i < NSLOT; i++)
		ASSERT_EQ(0, a->f[i].nev) TH_LOG("%s", sname(i));
}

static int run_answer(struct world *w)
{
	return kt_answer(w->fd[FB], w->h_in);
}

static void golden_answer(struct __test_metadata *_metadata, struct world *w,
			  const struct snap *b, const struct snap *a)
{
	int i;

	(void)w; (void)b;
	ASSERT_EQ(KTAPI_CALLSTATE_CONNECTED, a->f[FA].hi[0].state);
	ASSERT_EQ(KTAPI_CALLSTATE_CONNECTED, a->f[FB].hi[0].state);
	for (i = FA; i <= FBO2; i++) {
		ASSERT_EQ(1, a->f[i].nev) TH_LOG("%s", sname(i));
		ASSERT_EQ(KTAPI_CALLSTATE_CONNECTED, a->f[i].ev[0].state);
	}
}

static int run_drop(struct world *w)
{
	return kt_drop(w->fd[FA], w->h_out);
}

static void golden_drop(struct __test_metadata *_metadata, struct world *w,
			const struct snap *b, const struct snap *a)
{
	(void)w; (void)b;
	ASSERT_EQ(KTAPI_CALLSTATE_IDLE, a->f[FA].hi[0].state);
	ASSERT_EQ(KTAPI_CALLSTATE_DISCONNECTED, a->f[FB].hi[0].state);
	ASSERT_EQ(KTAPI_DISCONNECTMODE_NORMAL, a->f[FB].hi[0].state_mode);
	ASSERT_EQ(1, a->f[FA].nev);
	ASSERT_EQ(1, a->f[FB].nev);
}

static int run_info(struct world *w)
{
	return kt_info(w->fd[FBM], w->h_in_mon, &w->ci);
}

static void golden_info(struct __test_metadata *_metadata, struct world *w,
			const struct snap *b, const struct snap *a)
{
	char x[512];

	ASSERT_EQ(0, snap_diff(b, a, x, sizeof(x))) TH_LOG("%s", x);
	ASSERT_EQ(w->h_in_mon, w->ci.handle);
	ASSERT_EQ(KTAPI_PRIVILEGE_MONITOR, w->ci.privilege);
	ASSERT_EQ(KTAPI_CALLSTATE_OFFERING, w->ci.state);
	ASSERT_EQ(1, w->ci.device_id);
	ASSERT_STREQ("1000", w->ci.caller_address);
	ASSERT_STREQ("1001", w->ci.called_address);
}

static int run_dealloc(struct world *w)
{
	return kt_dealloc(w->fd[FA], w->h_out);
}

static void golden_dealloc(struct __test_metadata *_metadata, struct world *w,
			   const struct snap *b, const struct snap *a)
{
	(void)w;
	ASSERT_EQ(b->st.handles - 1, a->st.handles);
	ASSERT_EQ(b->st.calls, a->st.calls);
	ASSERT_EQ(0, a->f[FA].nh);
	ASSERT_EQ(1, a->f[FAM].nh);
	ASSERT_EQ(0, a->f[FAM].hi[0].num_owners);
}

static int run_close_dev(struct world *w)
{
	return kt_close_dev(w->fd[FX], 1);
}

static void golden_close_dev(struct __test_metadata *_metadata,
			     struct world *w, const struct snap *b,
			     const struct snap *a)
{
	int i;

	(void)w;
	ASSERT_EQ(b->st.lines_open - 3, a->st.lines_open);
	ASSERT_EQ(b->st.calls - 1, a->st.calls);
	for (i = FB; i <= FBO2; i++) {
		const struct fsnap *f = &a->f[i];

		ASSERT_EQ(EBADFD, f->h0_err) TH_LOG("%s", sname(i));
		ASSERT_EQ(0, f->nh);
		ASSERT_LT(0, f->nev);
		ASSERT_EQ(KTAPI_EV_LINE_CLOSE, f->ev[f->nev - 1].type);
	}
	ASSERT_EQ(KTAPI_CALLSTATE_DISCONNECTED, a->f[FA].hi[0].state);
	ASSERT_EQ(KTAPI_DISCONNECTMODE_REJECT, a->f[FA].hi[0].state_mode);
}

static int run_release(struct world *w)
{
	int fd = w->fd[FB];

	w->fd[FB] = -1;
	return close(fd) ? errno : 0;
}

static void golden_release(struct __test_metadata *_metadata,
			   struct world *w, const struct snap *b,
			   const struct snap *a)
{
	(void)w;
	ASSERT_EQ(b->st.files - 1, a->st.files);
	/* The incoming leg is IDLE but lives on: FBM and FBO2 hold it. */
	ASSERT_EQ(b->st.calls, a->st.calls);
	ASSERT_EQ(b->st.handles - 1, a->st.handles);
	ASSERT_EQ(KTAPI_CALLSTATE_DISCONNECTED, a->f[FA].hi[0].state);
	ASSERT_EQ(KTAPI_DISCONNECTMODE_REJECT, a->f[FA].hi[0].state_mode);
	ASSERT_EQ(KTAPI_CALLSTATE_IDLE, a->f[FBM].hi[0].state);
	ASSERT_TRUE(find_ev(&a->f[FBO2], KTAPI_EV_CALLSTATE) != NULL);
}

/* ------------------------------------------------------------------ */

static void one_iteration(struct __test_metadata *_metadata,
			  const struct op *op, struct world *w,
			  unsigned int n, int *injected, int *ret)
{
	world_setup(_metadata, w);
	if (op->prep)
		op->prep(_metadata, w);
	world_drain(_metadata, w);
	take_snap(_metadata, w, &s_before);
	if (n) {
		ASSERT_EQ(0, nth_arm(n));
		*ret = op->run(w);
		*injected = nth_disarm();
		ASSERT_LE(0, *injected);
	} else {
		*ret = op->run(w);
		*injected = 0;
	}
	take_snap(_metadata, w, &s_after);
}

/*
 * Compare with the golden run: call ids (global, cyclic) and times differ
 * between runs, so compare normalized snapshots; with @exact the handle
 * values must be the golden ones too.
 */
static int golden_diff(const struct snap *got, bool exact, char *out,
		       size_t len)
{
	int i, j;

	if (exact) {
		for (i = 0; i < NSLOT; i++) {
			const struct fsnap *f = &got->f[i], *g = &s_golden.f[i];

			for (j = 0; j < f->nh && j < g->nh; j++) {
				if (f->hv[j] != g->hv[j]) {
					snprintf(out, len,
						 "%s: handle #%d is %u, golden %u",
						 sname(i), j, f->hv[j], g->hv[j]);
					return 1;
				}
			}
		}
	}
	snap_normalize(got, &s_tmp);
	snap_normalize(&s_golden, &s_norm_golden);
	return snap_diff(&s_tmp, &s_norm_golden, out, len);
}

/* Handles the failed attempt reserved may be skipped; never reused. */
static void check_skips(struct __test_metadata *_metadata,
			const struct snap *got, unsigned int *skipped)
{
	int i, j;

	for (i = 0; i < NSLOT; i++) {
		const struct fsnap *f = &got->f[i], *g = &s_golden.f[i];
		int fresh = g->nh - s_golden_before.f[i].nh;

		for (j = 0; j < f->nh && j < g->nh; j++) {
			ASSERT_LE(g->hv[j], f->hv[j]) TH_LOG("%s: handle %u < %u",
							    slot_name[i],
							    f->hv[j], g->hv[j]);
			ASSERT_LE(f->hv[j] - g->hv[j], (unsigned int)
				  (fresh > 0 ? fresh : 0))
				TH_LOG("%s: handle %u, golden %u", slot_name[i],
				       f->hv[j], g->hv[j]);
			if (j == f->nh - 1 || j == g->nh - 1)
				*skipped += f->hv[j] - g->hv[j];
		}
	}
}

/* KTAPI_ONLY="name ...": run only the operations named there. */
static bool fail_nth_wanted(const char *name)
{
	const char *only = getenv("KTAPI_ONLY");

	return !only || strstr(only, name);
}

static void run_fail_nth(struct __test_metadata *_metadata,
			 const struct op *op)
{
	unsigned int n, points = 0, enomem = 0, absorbed = 0, skipped = 0;
	struct world w;
	int injected, ret;
	char x[2048];

	if (nth_fd < 0)
		SKIP(return, "cannot open %s: %s", FAIL_NTH, strerror(errno));
	if (!fail_nth_wanted(_metadata->name))
		SKIP(return, "not in KTAPI_ONLY");
	ASSERT_EQ(0, kt_stats_read(&base_stats));

	/* The golden run, checked against the ABI. */
	one_iteration(_metadata, op, &w, 0, &injected, &ret);
	ASSERT_EQ(0, ret) TH_LOG("%s without faults: %s", op->name,
				 kt_errname(ret));
	op->golden(_metadata, &w, &s_before, &s_after);
	s_golden_before = s_before;
	s_golden = s_after;
	world_close(&w);
	check_back_to_base(_metadata);

	for (n = 1; ; n++) {
		ASSERT_GT(MAX_ITER, n) TH_LOG("%s: no end after %u faults",
					      op->name, n);
		one_iteration(_metadata, op, &w, n, &injected, &ret);
		if (!injected) {
			/* Fewer than n allocations: nothing left to fail. */
			ASSERT_EQ(0, ret) TH_LOG("%s, fail-nth %u not reached: %s",
						 op->name, n, kt_errname(ret));
			ASSERT_EQ(0, golden_diff(&s_after, true, x, sizeof(x)))
				TH_LOG("%s, fail-nth %u not reached: %s",
				       op->name, n, x);
			world_close(&w);
			check_back_to_base(_metadata);
			break;
		}
		points++;
		if (ret == 0) {
			absorbed++;
			ASSERT_EQ(0, golden_diff(&s_after, true, x, sizeof(x)))
				TH_LOG("%s, fault %u absorbed: %s", op->name, n,
				       x);
		} else {
			ASSERT_FALSE(op->cannot_fail)
				TH_LOG("%s, fault %u: %s", op->name, n,
				       kt_errname(ret));
			ASSERT_EQ(ENOMEM, ret)
				TH_LOG("%s, fault %u: %s", op->name, n,
				       kt_errname(ret));
			enomem++;
			ASSERT_EQ(0, snap_diff(&s_after, &s_before, x, sizeof(x)))
				TH_LOG("%s, fault %u: changed on ENOMEM: %s",
				       op->name, n, x);
			/* The same operation, now without faults. */
			ret = op->run(&w);
			ASSERT_EQ(0, ret) TH_LOG("%s, retry after fault %u: %s",
						 op->name, n, kt_errname(ret));
			take_snap(_metadata, &w, &s_retry);
			check_skips(_metadata, &s_retry, &skipped);
			ASSERT_EQ(0, golden_diff(&s_retry, false, x, sizeof(x)))
				TH_LOG("%s, retry after fault %u: %s", op->name,
				       n, x);
		}
		world_close(&w);
		check_back_to_base(_metadata);
	}

	ksft_print_msg("%-28s %3u failure points: %u ENOMEM, %u absorbed; %u handle values skipped\n",
		       op->name, points, enomem, absorbed, skipped);
	__atomic_add_fetch(&totals->ops, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&totals->points, points, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&totals->enomem, enomem, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&totals->absorbed, absorbed, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&totals->skipped_handles, skipped, __ATOMIC_SEQ_CST);
	if (op->run == run_open)
		__atomic_add_fetch(&totals->open_enomem, enomem,
				   __ATOMIC_SEQ_CST);
	if (op->run == run_call_999 || op->run == run_call_unowned ||
	    op->run == run_call_owned || op->run == run_call_self)
		__atomic_add_fetch(&totals->makecall_enomem, enomem,
				   __ATOMIC_SEQ_CST);
}


/* ------------------------------------------------------------------ */
/*
 * The same on the two-line call fixture of the area programs, with the
 * assertions of the harness: each allocation of open() and of a MAKE_CALL
 * to an owned device fails in turn until the operation runs through.
 */

/*
 * Root, the stats (in @s0) and fail-nth, which is per thread: opened in the
 * test's own (forked) process.
 */
static void nth_begin(struct __test_metadata *_metadata, struct ktapi_stats *s0)
{
	REQUIRE_ROOT();
	NEED_STATS(s0);
	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nth_fd) TH_LOG("%s: %s", FAIL_NTH, strerror(errno));
}

/* open() with each allocation failing in turn: ENOMEM and no file left. */
TEST_F_TIMEOUT(call, fail_nth_open, 300)
{
	struct ktapi_stats s0, s1;
	unsigned int n;
	bool hit = true;
	int fd, err;

	nth_begin(_metadata, &s0);
	for (n = 1; n < MAX_ITER && hit && _metadata->passed; n++) {
		GET_STATS(&s0);
		ASSERT_EQ(0, nth_arm(n));
		fd = kt_open();
		err = errno;
		hit = nth_disarm() == 1;
		if (fd < 0) {
			EXPECT_EQ(ENOMEM, err) TH_LOG("allocation %u", n);
			GET_STATS(&s1);
			EXPECT_EQ(s0.files, s1.files) TH_LOG("allocation %u", n);
		} else {
			/* A file that opened despite the failure must work. */
			EXPECT_OK(kt_line_open(fd, 0, P_NONE, API_CUR));
			EXPECT_OK(kt_make_call(fd, "999", NULL, NULL));
			close(fd);
		}
	}
	EXPECT_FALSE(hit) TH_LOG("still failing after %u allocations", n);
	EXPECT_LT(2, n) TH_LOG("open() allocated nothing?");
}

/*
 * MAKE_CALL to an owned device with monitors on both sides, with each
 * allocation failing in turn: either ENOMEM with no leg, no handle and no
 * event anywhere, or a complete call.
 */
TEST_F_TIMEOUT(call, fail_nth_make_call, 300)
{
	struct ktapi_stats s0, s1;
	unsigned int n;
	bool hit = true;
	int ret, i;
	int m0 = LINE(0, P_MON);
	int m1 = LINE(1, P_MON);
	int fds[4] = { self->a, self->b, m0, m1 };
	__u32 h;

	nth_begin(_metadata, &s0);
	for (n = 1; n < MAX_ITER && hit && _metadata->passed; n++) {
		GET_STATS(&s0);
		ASSERT_EQ(0, nth_arm(n));
		ret = kt_make_call(self->a, self->addr_b, &h, NULL);
		hit = nth_disarm() == 1;
		if (ret) {
			EXPECT_EQ(ENOMEM, ret) TH_LOG("allocation %u", n);
			GET_STATS(&s1);
			EXPECT_EQ(s0.calls, s1.calls) TH_LOG("allocation %u", n);
			EXPECT_EQ(s0.handles, s1.handles) TH_LOG("allocation %u", n);
			EXPECT_EQ(s0.events_queued, s1.events_queued) TH_LOG("allocation %u", n);
			for (i = 0; i < 4; i++)
				EXPECT_NO_EV(fds[i]);
		} else {
			/* Complete: a rings (2 events), b is offered it. */
			EXPECT_EQ(2, kt_drain(self->a)) TH_LOG("allocation %u", n);
			EXPECT_EQ(2, kt_drain(self->b)) TH_LOG("allocation %u", n);
			ASSERT_OK(kt_dealloc(self->a, h));
			for (i = 0; i < 4; i++)
				kt_drain(fds[i]);
		}
	}
	EXPECT_FALSE(hit) TH_LOG("still failing after %u allocations", n);
	EXPECT_LT(2, n) TH_LOG("MAKE_CALL allocated nothing?");
	close(m0);
	close(m1);
}

FIXTURE(fail_nth) {
	int unused;
};

/* fail-nth is per thread: open it in the test's own (forked) process. */
FIXTURE_SETUP(fail_nth)
{
	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
}

FIXTURE_TEARDOWN(fail_nth)
{
	if (nth_fd >= 0) {
		pwrite(nth_fd, "0", 1, 0);
		close(nth_fd);
	}
	nth_fd = -1;
}

/* One test per operation, with the operation's name, prep, run and golden. */
#define FAIL_NTH_OP(test, opname, p, r, g, nofail)			\
	static const struct op op_##test = {				\
		.name = opname, .prep = p, .run = r, .golden = g,	\
		.cannot_fail = nofail,					\
	};								\
	TEST_F_TIMEOUT(fail_nth, test, 900)				\
	{								\
		run_fail_nth(_metadata, &op_##test);			\
	}
#define FAIL_NTH_TEST(test, opname, p, r, g)				\
	FAIL_NTH_OP(test, opname, p, r, g, false)

FAIL_NTH_TEST(open, "open", NULL, run_open, golden_open)
FAIL_NTH_TEST(get_devcaps, "GET_DEVCAPS", NULL, run_devcaps, golden_devcaps)
FAIL_NTH_TEST(line_open, "LINE_OPEN", prep_new_file, run_line_open,
	      golden_line_open)
FAIL_NTH_TEST(make_call_badaddress, "MAKE_CALL(BADADDRESS)", NULL,
	      run_call_999, golden_call_999)
FAIL_NTH_TEST(make_call_unowned, "MAKE_CALL(unowned)", NULL,
	      run_call_unowned, golden_call_unowned)
FAIL_NTH_TEST(make_call_owned_monitored, "MAKE_CALL(owned+monitors)", NULL,
	      run_call_owned, golden_call_owned)
FAIL_NTH_TEST(make_call_own_device, "MAKE_CALL(own device)", NULL,
	      run_call_self, golden_call_self)
FAIL_NTH_TEST(make_call_cursor_slots, "MAKE_CALL(owned, cursor slots)",
	      prep_cursor_slots, run_call_owned, golden_call_owned)
FAIL_NTH_TEST(get_new_calls_world, "GET_NEW_CALLS(2 reserved)",
	      prep_world_new_calls, run_world_new_calls, golden_world_new_calls)
FAIL_NTH_TEST(answer, "ANSWER", prep_call, run_answer, golden_answer)
FAIL_NTH_TEST(drop, "DROP", prep_connected, run_drop, golden_drop)
FAIL_NTH_TEST(get_call_info, "GET_CALL_INFO", prep_call, run_info,
	      golden_info)
FAIL_NTH_TEST(deallocate_call, "DEALLOCATE_CALL", prep_call, run_dealloc,
	      golden_dealloc)
FAIL_NTH_TEST(close_line_device, "CLOSE_LINE_DEVICE", prep_call,
	      run_close_dev, golden_close_dev)
/* release must absorb every failure. */
FAIL_NTH_OP(release, "release", prep_call, run_release, golden_release, true)

/* ------------------------------------------------------------------ */
/*
 * The provider's operations (DOC: Providers): open, REGISTER, ADD_LINE,
 * REMOVE_LINE, NEWCALL, CALLSTATE, MAKE_CALL and ANSWER through a provider
 * (sync and async), REPLY (0 and an error), and the provider's release.
 * For N = 1, 2, ... the N-th allocation of the operation's system call
 * fails: either ENOMEM and nothing half-made (the statistics, num_devices,
 * the devices' GET_DEVCAPS, no record on any file, no request queued to the
 * provider), after which the same operation without faults succeeds; or
 * the operation succeeds completely.  Operations that cannot fail (release,
 * REMOVE_LINE) must absorb every failure.
 */

struct pworld {
	int pfd;		/* registered provider (unless prep says not) */
	__u32 dev;		/* its device */
	int app, mon, obs;	/* OWNER and MONITOR lines on dev, no line */
	__u32 h, cid;		/* a leg prepared by prep */
	__u32 rid;		/* the app's async request id */
	__u64 prid;		/* the provider's request id */
	__u32 out;		/* an out field of the operation */
	struct kt_prov_loop pl;	/* a provider thread, for sync requests */
	pthread_t t;
	bool thread;
};

struct pop {
	const char *name;
	void (*prep)(struct __test_metadata *_metadata, struct pworld *w);
	int (*run)(struct pworld *w);
	void (*ok)(struct __test_metadata *_metadata, struct pworld *w);
	bool cannot_fail;
	bool no_provider;	/* prep opens the provider file itself */
};

struct psnap {
	struct ktapi_stats st;
	__u32 ndev;
	int dc_err;
	struct ktapi_devcaps dc;
};

static void pw_take(struct pworld *w, struct psnap *s)
{
	memset(s, 0, sizeof(*s));
	kt_stats_read(&s->st);
	s->ndev = kt_num_devices(w->obs);
	s->dc_err = kt_devcaps(w->obs, w->dev, &s->dc);
}

static void pw_drain(struct pworld *w)
{
	kt_drain(w->app);
	kt_drain(w->mon);
	kt_drain(w->obs);
	if (w->pfd >= 0 && !w->thread)
		kt_prov_drain(w->pfd);
}

static void pw_setup(struct __test_metadata *_metadata, struct pworld *w,
		     const struct pop *op)
{
	memset(w, 0, sizeof(*w));
	w->pfd = w->app = w->mon = w->obs = -1;
	w->obs = FD();
	if (op->no_provider)
		return;
	w->pfd = PROV("fail_nth", 8);
	w->dev = PROV_LINE(w->pfd, "7601");
	w->app = LINE(w->dev, P_OWN);
	w->mon = LINE(w->dev, P_MON);
}

static void pw_close(struct pworld *w)
{
	if (w->thread) {
		kt_prov_stop(&w->pl);
		pthread_join(w->t, NULL);
		w->thread = false;
	}
	close_fd(&w->app);
	close_fd(&w->mon);
	close_fd(&w->obs);
	close_fd(&w->pfd);
}

static void pw_start_thread(struct __test_metadata *_metadata,
			    struct pworld *w)
{
	w->pl.fd = w->pfd;
	w->pl.result = 0;
	ASSERT_EQ(0, pthread_create(&w->t, NULL, kt_prov_thread, &w->pl));
	w->thread = true;
}

/* Nothing changed since @a, and nothing queued anywhere. */
static void pw_unchanged(struct __test_metadata *_metadata, struct pworld *w,
			 const struct psnap *a, const char *what,
			 unsigned int n)
{
	struct psnap b;

	pw_take(w, &b);
	EXPECT_EQ(a->st.files, b.st.files) TH_LOG("%s, fault %u: files", what, n);
	EXPECT_EQ(a->st.lines_open, b.st.lines_open) TH_LOG("%s, fault %u: lines_open", what, n);
	EXPECT_EQ(a->st.calls, b.st.calls) TH_LOG("%s, fault %u: calls", what, n);
	EXPECT_EQ(a->st.handles, b.st.handles) TH_LOG("%s, fault %u: handles", what, n);
	EXPECT_EQ(a->st.events_queued, b.st.events_queued) TH_LOG("%s, fault %u: events", what, n);
	EXPECT_EQ(a->st.devices, b.st.devices) TH_LOG("%s, fault %u: devices", what, n);
	EXPECT_EQ(a->ndev, b.ndev) TH_LOG("%s, fault %u: num_devices", what, n);
	EXPECT_EQ(a->dc_err, b.dc_err) TH_LOG("%s, fault %u: GET_DEVCAPS", what, n);
	EXPECT_EQ(0, memcmp(&a->dc, &b.dc, sizeof(b.dc))) TH_LOG("%s, fault %u: GET_DEVCAPS", what, n);
	if (w->app >= 0)
		EXPECT_NO_EV(w->app);
	if (w->mon >= 0)
		EXPECT_NO_EV(w->mon);
	EXPECT_NO_EV(w->obs);
	if (w->pfd >= 0 && !w->thread)
		EXPECT_NO_REQ(w->pfd);
	if (w->thread)
		EXPECT_EQ(0, w->pl.makecalls + w->pl.answers) TH_LOG("%s, fault %u: a request reached the provider", what, n);
}

static void run_prov_fail_nth(struct __test_metadata *_metadata,
			      const struct pop *op)
{
	unsigned int n, points = 0, enomem = 0, absorbed = 0;
	struct ktapi_stats base;
	struct pworld w;
	struct psnap a;
	int ret, injected;

	if (nth_fd < 0)
		SKIP(return, "cannot open %s: %s", FAIL_NTH, strerror(errno));
	if (!fail_nth_wanted(_metadata->name))
		SKIP(return, "not in KTAPI_ONLY");
	PROV_REQUIRE();
	ASSERT_EQ(0, kt_stats_read(&base));
	for (n = 1; ; n++) {
		ASSERT_GT(MAX_ITER, n) TH_LOG("%s: no end after %u faults",
					      op->name, n);
		pw_setup(_metadata, &w, op);
		if (op->prep)
			op->prep(_metadata, &w);
		pw_drain(&w);
		pw_take(&w, &a);
		ASSERT_EQ(0, nth_arm(n));
		ret = op->run(&w);
		injected = nth_disarm();
		ASSERT_LE(0, injected);
		if (injected)
			points++;
		if (ret) {
			ASSERT_TRUE(injected) TH_LOG("%s without a fault: %s",
						     op->name, kt_errname(ret));
			ASSERT_FALSE(op->cannot_fail)
				TH_LOG("%s, fault %u: %s", op->name, n,
				       kt_errname(ret));
			ASSERT_EQ(ENOMEM, ret) TH_LOG("%s, fault %u: %s", op->name,
						      n, kt_errname(ret));
			enomem++;
			pw_unchanged(_metadata, &w, &a, op->name, n);
			ret = op->run(&w);
			ASSERT_EQ(0, ret) TH_LOG("%s, retry after fault %u: %s",
						 op->name, n, kt_errname(ret));
		} else if (injected) {
			absorbed++;
		}
		op->ok(_metadata, &w);
		pw_close(&w);
		{
			struct ktapi_stats st;

			ASSERT_EQ(0, kt_stats_read(&st));
			ASSERT_TRUE(st.files == base.files &&
				    st.calls == base.calls &&
				    st.handles == base.handles &&
				    st.lines_open == base.lines_open &&
				    st.events_queued == base.events_queued)
				TH_LOG("%s, fault %u: leak after closing every file",
				       op->name, n);
		}
		if (!injected)
			break;
	}
	ksft_print_msg("%-28s %3u failure points: %u ENOMEM, %u absorbed\n",
		       op->name, points, enomem, absorbed);
	__atomic_add_fetch(&totals->prov_ops, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&totals->prov_points, points, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&totals->prov_enomem, enomem, __ATOMIC_SEQ_CST);
}

/* open(/dev/ktapi-provider) */
static int prun_open(struct pworld *w)
{
	w->pfd = kt_prov_open();
	return w->pfd < 0 ? errno : 0;
}

static void pok_open(struct __test_metadata *_metadata, struct pworld *w)
{
	EXPECT_OK(kt_prov_register(w->pfd, "fail_nth", 4, NULL));
}

/* REGISTER */
static void pprep_fresh(struct __test_metadata *_metadata, struct pworld *w)
{
	w->pfd = kt_prov_open();
	ASSERT_LE(0, w->pfd);
}

static int prun_register(struct pworld *w)
{
	int e = kt_prov_register(w->pfd, "fail_nth", 4, &w->out);

	/* ENOMEM: still not a provider. */
	if (e == ENOMEM && kt_prov_add_line(w->pfd, "7602", NULL, NULL) != EBADFD)
		return EPROTO;
	return e;
}

static void pok_register(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_devcaps dc;
	__u32 dev;

	EXPECT_NE(0, w->out);
	ASSERT_OK(kt_prov_add_line(w->pfd, "7602", NULL, &dev));
	ASSERT_OK(kt_devcaps(w->obs, dev, &dc));
	EXPECT_EQ(w->out, dc.provider_id);
	EXPECT_LCREATE(w->obs, dev);
}

/* ADD_LINE */
static int prun_add_line(struct pworld *w)
{
	return kt_prov_add_line(w->pfd, "7603", "fail", &w->out);
}

static void pok_add_line(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_devcaps dc;

	ASSERT_OK(kt_devcaps(w->obs, w->out, &dc));
	EXPECT_STREQ("7603", dc.address);
	EXPECT_STREQ("fail", dc.name);
	EXPECT_EQ(w->out + 1, kt_num_devices(w->obs));
	EXPECT_LCREATE(w->obs, w->out);
	EXPECT_LCREATE(w->app, w->out);
	/* It can be opened and called on. */
	{
		int fd = LINE(w->out, P_OWN);

		close(fd);
	}
}

/* NEWCALL on a device with an owner and a monitor */
static int prun_newcall(struct pworld *w)
{
	return kt_prov_newcall(w->pfd, w->dev, "555", "7601", &w->out);
}

static void pok_newcall(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_event ev;

	EXPECT_NEW(&ev, w->app, w->out, S_OFFERING, P_OWN);
	EXPECT_CS(w->app, ev.handle, w->out, S_OFFERING, 0, P_OWN);
	EXPECT_OK(kt_dealloc(w->app, ev.handle));
	/* The monitor may have missed it (its handle failed): then no record. */
	kt_drain(w->mon);
}

/* MAKE_CALL(ASYNC) through the provider: the MAKECALL request */
static int prun_make_call_async(struct pworld *w)
{
	return kt_make_call_async(w->app, "123", &w->h, &w->cid, &w->rid);
}

static void pok_make_call_async(struct __test_metadata *_metadata,
				struct pworld *w)
{
	struct ktapi_provider_request req;

	EXPECT_MAKECALL(&req, w->pfd, w->dev, w->cid, "123");
	ASSERT_OK(kt_prov_reply(w->pfd, req.request_id, 0));
	EXPECT_REPLY(w->app, w->rid, 0, w->h, w->cid);
	EXPECT_CS(w->app, w->h, w->cid, S_DIALING, 0, P_OWN);
}

/* MAKE_CALL (sync) through a provider thread that answers at once */
static void pprep_thread(struct __test_metadata *_metadata, struct pworld *w)
{
	pw_start_thread(_metadata, w);
}

static int prun_make_call(struct pworld *w)
{
	return kt_make_call(w->app, "124", &w->h, &w->cid);
}

static void pok_make_call(struct __test_metadata *_metadata, struct pworld *w)
{
	unsigned int i;

	EXPECT_CS(w->app, w->h, w->cid, S_DIALING, 0, P_OWN);
	/* The thread counts the request after its REPLY: wait for it. */
	for (i = 0; i < 200 && !__atomic_load_n(&w->pl.makecalls,
						 __ATOMIC_SEQ_CST); i++)
		kt_sleep_ms(10);
	EXPECT_EQ(1, w->pl.makecalls);
	EXPECT_EQ(0, w->pl.errors);
}

/* ANSWER(ASYNC) of an incoming leg: the ANSWER request */
static void pprep_in(struct __test_metadata *_metadata, struct pworld *w)
{
	PROV_CALL_IN(w->pfd, w->dev, "555", "7601", w->app, &w->h, &w->cid);
}

static int prun_answer_async(struct pworld *w)
{
	return kt_answer_async(w->app, w->h, &w->rid);
}

static void pok_answer_async(struct __test_metadata *_metadata,
			     struct pworld *w)
{
	struct ktapi_provider_request req;

	EXPECT_PREQ(&req, w->pfd, KTAPI_PREQ_ANSWER, w->dev, w->cid);
	ASSERT_OK(kt_prov_reply(w->pfd, req.request_id, 0));
	EXPECT_REPLY(w->app, w->rid, 0, w->h, w->cid);
}

/* REPLY 0 to a MAKECALL: the leg is published in the provider's call */
static void pprep_pending(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_provider_request req;

	ASSERT_OK(kt_make_call_async(w->app, "125", &w->h, &w->cid, &w->rid));
	EXPECT_MAKECALL(&req, w->pfd, w->dev, w->cid, "125");
	w->prid = req.request_id;
}

static int prun_reply0(struct pworld *w)
{
	return kt_prov_reply(w->pfd, w->prid, 0);
}

static void pok_reply0(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;

	ASSERT_OK(kt_read_event(w->app, &ev, EV_WAIT_MS));
	ASSERT_EQ(EV_REPLY, ev.type);
	EXPECT_EQ(w->rid, ev.request_id);
	if (ev.result) {
		/* The publish could not be made: the request failed whole. */
		EXPECT_EQ(-ENOMEM, ev.result);
		EXPECT_ERRNO(ENOENT, kt_info(w->app, w->h, &ci));
		EXPECT_CLOSECALL(w->pfd, w->dev, w->cid, 0);
		EXPECT_NO_EV(w->app, w->mon);
		return;
	}
	EXPECT_CS(w->app, w->h, w->cid, S_DIALING, 0, P_OWN);
	GET_INFO(w->app, w->h, &ci);
	EXPECT_EQ(S_DIALING, ci.state);
	kt_drain(w->mon);
}

/* REPLY -EBUSY: the leg and its handle go */
static int prun_reply_err(struct pworld *w)
{
	return kt_prov_reply(w->pfd, w->prid, -EBUSY);
}

static void pok_reply_err(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_call_info ci;

	EXPECT_REPLY(w->app, w->rid, -EBUSY, w->h, w->cid);
	EXPECT_ERRNO(ENOENT, kt_info(w->app, w->h, &ci));
	EXPECT_CLOSECALL(w->pfd, w->dev, w->cid, 0);
	EXPECT_NO_EV(w->mon);
}

/* CALLSTATE of a published outgoing leg */
static void pprep_out(struct __test_metadata *_metadata, struct pworld *w)
{
	PROV_CALL_OUT(w->app, w->pfd, w->dev, "126", &w->h, &w->cid);
}

static int prun_callstate(struct pworld *w)
{
	return kt_prov_callstate(w->pfd, w->cid, S_RINGBACK, 0);
}

static void pok_callstate(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_call_info ci;

	GET_INFO(w->app, w->h, &ci);
	EXPECT_EQ(S_RINGBACK, ci.state);
	EXPECT_CS(w->app, w->h, w->cid, S_RINGBACK, 0, P_OWN);
}

/* REMOVE_LINE of a device with lines and a leg: absorbs every failure */
static int prun_remove_line(struct pworld *w)
{
	return kt_prov_remove_line(w->pfd, w->dev);
}

static void pok_remove_line(struct __test_metadata *_metadata,
			    struct pworld *w)
{
	struct ktapi_devcaps dc;
	struct ktapi_event ev;

	EXPECT_ERRNO(ENODEV, kt_devcaps(w->obs, w->dev, &dc));
	/* The forced close is never lost: LINE_CLOSE last, after any OVERFLOW. */
	do {
		ASSERT_OK(kt_read_event(w->app, &ev, EV_WAIT_MS));
	} while (ev.type != EV_CLOSE);
	EXPECT_CLOSECALL(w->pfd, w->dev, w->cid, S_DIALING);
}

/* The provider's release with a pending request and a live leg */
static void pprep_dying(struct __test_metadata *_metadata, struct pworld *w)
{
	pprep_out(_metadata, w);
	ASSERT_OK(kt_make_call_async(w->app, "127", NULL, NULL, &w->rid));
	EXPECT_MAKECALL(NULL, w->pfd, w->dev, ANY, "127");
}

static int prun_release(struct pworld *w)
{
	int fd = w->pfd;

	w->pfd = -1;
	return close(fd) ? errno : 0;
}

static void pok_release(struct __test_metadata *_metadata, struct pworld *w)
{
	struct ktapi_devcaps dc;
	struct ktapi_event ev;
	bool replied = false;

	/* REPLY (never dropped) before LINE_CLOSE (never lost). */
	do {
		ASSERT_OK(kt_read_event(w->app, &ev, EV_WAIT_MS));
		if (ev.type == EV_REPLY) {
			EXPECT_EQ(w->rid, ev.request_id);
			EXPECT_EQ(-ECONNABORTED, ev.result);
			replied = true;
		}
	} while (ev.type != EV_CLOSE);
	EXPECT_TRUE(replied);
	EXPECT_ERRNO(ENODEV, kt_devcaps(w->obs, w->dev, &dc));
}

#define PROV_FAIL_NTH_OP(test, opname, p, r, o, nofail, noprov)	\
	static const struct pop pop_##test = {				\
		.name = opname, .prep = p, .run = r, .ok = o,		\
		.cannot_fail = nofail, .no_provider = noprov,		\
	};								\
	TEST_F_TIMEOUT(fail_nth, test, 900)				\
	{								\
		run_prov_fail_nth(_metadata, &pop_##test);		\
	}

PROV_FAIL_NTH_OP(provider_open, "provider open", NULL, prun_open, pok_open,
		 false, true)
PROV_FAIL_NTH_OP(provider_register, "REGISTER", pprep_fresh, prun_register,
		 pok_register, false, true)
PROV_FAIL_NTH_OP(provider_add_line, "ADD_LINE", NULL, prun_add_line,
		 pok_add_line, false, false)
PROV_FAIL_NTH_OP(provider_newcall, "NEWCALL", NULL, prun_newcall,
		 pok_newcall, false, false)
PROV_FAIL_NTH_OP(provider_make_call_async, "MAKE_CALL(ASYNC) via provider",
		 NULL, prun_make_call_async, pok_make_call_async, false, false)
PROV_FAIL_NTH_OP(provider_make_call, "MAKE_CALL via provider", pprep_thread,
		 prun_make_call, pok_make_call, false, false)
PROV_FAIL_NTH_OP(provider_answer_async, "ANSWER(ASYNC) via provider",
		 pprep_in, prun_answer_async, pok_answer_async, false, false)
PROV_FAIL_NTH_OP(provider_reply, "REPLY 0 (publish)", pprep_pending,
		 prun_reply0, pok_reply0, false, false)
PROV_FAIL_NTH_OP(provider_reply_error, "REPLY -EBUSY", pprep_pending,
		 prun_reply_err, pok_reply_err, false, false)
PROV_FAIL_NTH_OP(provider_callstate, "CALLSTATE", pprep_out, prun_callstate,
		 pok_callstate, false, false)
PROV_FAIL_NTH_OP(provider_remove_line, "REMOVE_LINE", pprep_out,
		 prun_remove_line, pok_remove_line, true, false)
PROV_FAIL_NTH_OP(provider_release, "provider release", pprep_dying,
		 prun_release, pok_release, true, false)
#define PROV_FAIL_NTH_OPS	12

/*
 * Runs last: the loops above must really have injected failures, or the
 * whole test proves nothing.
 */
TEST_F(fail_nth, summary)
{
	ksft_print_msg("fail_nth: %u operations, %u failure points in total (%u ENOMEM, %u absorbed), %u handle values skipped after ENOMEM\n",
		       totals->ops, totals->points, totals->enomem,
		       totals->absorbed, totals->skipped_handles);
	if (getenv("KTAPI_ONLY"))
		SKIP(return, "KTAPI_ONLY: not every operation ran");
	ASSERT_EQ(15, totals->ops) TH_LOG("an operation's test did not finish");
	ksft_print_msg("fail_nth: %u provider operations, %u failure points (%u ENOMEM)\n",
		       totals->prov_ops, totals->prov_points,
		       totals->prov_enomem);
	ASSERT_EQ(PROV_FAIL_NTH_OPS, totals->prov_ops)
		TH_LOG("a provider operation's test did not finish");
	ASSERT_LT(0, totals->prov_points)
		TH_LOG("no failure was injected into a provider operation");
	ASSERT_LT(0, totals->open_enomem)
		TH_LOG("no failure was injected into open()");
	ASSERT_LT(0, totals->makecall_enomem)
		TH_LOG("no failure was injected into MAKE_CALL");
}

/* ------------------------------------------------------------------ */

static int write_at(int dfd, const char *path, const char *val)
{
	int fd = openat(dfd, path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : errno;
}

/*
 * As iommufd_fail_nth.c: let every allocation be failed (failslab ignores
 * GFP_KERNEL ones by default) and keep the console quiet.  fail-nth takes
 * precedence over probability/interval/times, which stay as they are
 * (probability 0: nothing fails by chance in other tasks).
 */
static const char *setup_fault_injection(void)
{
	struct dirent *de;
	DIR *dir;
	int ret;

	if (access(FAIL_NTH, F_OK))
		return "no " FAIL_NTH " (kernel without CONFIG_FAULT_INJECTION)";
	kt_debugfs_mount();
	dir = opendir(KTAPI_DEBUGFS);
	if (!dir)
		return "no debugfs at " KTAPI_DEBUGFS;
	ret = write_at(dirfd(dir), "failslab/ignore-gfp-wait", "N");
	if (ret) {
		closedir(dir);
		return "no failslab/ignore-gfp-wait in debugfs (needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS)";
	}
	while ((de = readdir(dir))) {
		char fn[300];

		if (strncmp(de->d_name, "fail", 4))
			continue;
		snprintf(fn, sizeof(fn), "%s/verbose", de->d_name);
		write_at(dirfd(dir), fn, "0");
	}
	closedir(dir);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *why;
	char buf[32];

	totals = kt_main_start(sizeof(*totals));
	why = setup_fault_injection();
	if (why) {
		ksft_print_header();
		ksft_exit_skip("%s\n", why);
	}
	if (kt_stats_read(&base_stats)) {
		ksft_print_header();
		ksft_exit_skip("no %s\n", KTAPI_STATS);
	}
	if (!kt_read_file(FAILSLAB "/probability", buf, sizeof(buf)) &&
	    atoi(buf) != 0)
		fprintf(stderr,
			"# warning: failslab/probability is %s: other tasks fail at random\n",
			buf);
	/* fail-nth is per thread: each forked test opens its own. */
	return test_harness_run(argc, argv);
}

KT_TESTS_IN_ORDER()

/* ------------------------------------------------------------------ */
/*
 * The libtapi issue's commands (DOC: Call privilege and new calls):
 * GET_NEW_CALLS, LINE_OPEN with an app_name, SET_CALL_PRIVILEGE.  After
 * the summary above (these count in the totals, but not in its 13), each
 * checking itself that failures were injected where the command
 * allocates.
 */

/* GET_NEW_CALLS's result, for the golden check. */
static __u32 nc_ids[8], nc_count, nc_remaining;

/* The name LINE_OPEN gives (KTAPI_LINE_OPEN_SIZE_VER1). */
#define NTH_APP_NAME	"fail-nth dialer"

/*
 * FBO2 again, now reading CALLINFO records; FA dials dev1 twice: two
 * OFFERING legs there (FB owns them, FBM and FBO2 monitor them); then FN
 * opens dev1 as a monitor, holding neither.
 */
static void prep_new_calls(struct __test_metadata *_metadata, struct world *w)
{
	struct ktapi_event evs[MAXEV];
	__u32 h;
	int n, j;

	close(w->fd[FBO2]);
	w->fd[FBO2] = kt_open();
	ASSERT_LE(0, w->fd[FBO2]);
	ASSERT_EQ(0, kt_line_open_flags(w->fd[FBO2], 1,
					slot_def[FBO2].priv,
					KTAPI_API_VERSION_2_2,
					KTAPI_LINE_OPEN_CALLINFO));
	ASSERT_EQ(0, kt_make_call(w->fd[FA], "1001", &w->h_out, NULL));
	ASSERT_EQ(0, kt_make_call(w->fd[FA], "1001", &h, NULL));
	n = kt_drain_evs(w->fd[FBM], evs, MAXEV);
	for (j = 0; j < n && j < MAXEV; j++)
		if (evs[j].type == KTAPI_EV_APPNEWCALL && !w->h_in_mon)
			w->h_in_mon = evs[j].handle;
	ASSERT_NE(0, w->h_in_mon);
	world_drain(_metadata, w);
	w->fd[FN] = kt_open();
	ASSERT_LE(0, w->fd[FN]);
	ASSERT_EQ(0, kt_line_open(w->fd[FN], 1, KTAPI_PRIVILEGE_MONITOR,
				  KTAPI_API_VERSION_2_2));
	memset(nc_ids, 0, sizeof(nc_ids));
	nc_count = nc_remaining = ~0U;
}

static int run_new_calls(struct world *w)
{
	struct ktapi_new_calls nc = {
		.size = sizeof(nc),
		.handles = (__u64)(uintptr_t)nc_ids,
		.max_handles = 4,
	};
	int ret = kt_err(ioctl(w->fd[FN], KTAPI_IOC_GET_NEW_CALLS, &nc));

	nc_count = nc.out_count;
	nc_remaining = nc.out_remaining;
	return ret;
}

/*
 * FN holds a MONITOR handle to each of dev1's two legs, named in the
 * array; every holder sees three monitors; FBO2 reads one CALLINFO
 * record per leg (NUMMONITORS), nobody else a record.
 */
static void golden_new_calls(struct __test_metadata *_metadata,
			     struct world *w, const struct snap *b,
			     const struct snap *a)
{
	const struct fsnap *fn = &a->f[FN];
	int i, j;

	(void)w;
	ASSERT_EQ(2, nc_count);
	ASSERT_EQ(0, nc_remaining);
	ASSERT_EQ(0, b->f[FN].nh);
	ASSERT_EQ(2, fn->nh);
	ASSERT_EQ(b->st.handles + 2, a->st.handles);
	ASSERT_EQ(b->st.calls, a->st.calls);
	for (j = 0; j < 2; j++) {
		ASSERT_TRUE(nc_ids[0] == fn->hv[j] || nc_ids[1] == fn->hv[j]);
		ASSERT_EQ(KTAPI_PRIVILEGE_MONITOR, fn->hi[j].privilege);
		ASSERT_EQ(KTAPI_CALLSTATE_OFFERING, fn->hi[j].state);
		ASSERT_EQ(1, fn->hi[j].num_owners);
		ASSERT_EQ(3, fn->hi[j].num_monitors);
	}
	ASSERT_NE(nc_ids[0], nc_ids[1]);
	ASSERT_EQ(0, nc_ids[2]);
	ASSERT_EQ(0, fn->nev);
	ASSERT_EQ(2, a->f[FBO2].nev);
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(KTAPI_EV_CALLINFO, a->f[FBO2].ev[j].type);
		ASSERT_EQ(KTAPI_CALLINFOSTATE_NUMMONITORS,
			  a->f[FBO2].ev[j].info_state);
	}
	for (i = 0; i < NSLOT; i++)
		if (i != FBO2)
			ASSERT_EQ(0, a->f[i].nev) TH_LOG("%s", sname(i));
	for (i = FB; i <= FBO2; i++)
		for (j = 0; j < a->f[i].nh; j++)
			ASSERT_EQ(3, a->f[i].hi[j].num_monitors)
				TH_LOG("%s #%d", sname(i), j);
}

/* LINE_OPEN of FN with a name, reading CALLINFO records. */
static int run_line_open_named(struct world *w)
{
	struct ktapi_line_open lo = {
		.size = KTAPI_LINE_OPEN_SIZE_VER1,
		.flags = KTAPI_LINE_OPEN_CALLINFO,
		.device_id = 1,
		.privileges = KTAPI_PRIVILEGE_MONITOR,
		.api_version = KTAPI_API_VERSION_2_2,
		.app_name = NTH_APP_NAME,
	};

	return kt_err(ioctl(w->fd[FN], KTAPI_IOC_LINE_OPEN, &lo));
}

/* FBM's handle of the first leg takes ownership: FBO2 is told. */
static int run_set_priv(struct world *w)
{
	return kt_set_priv(w->fd[FBM], w->h_in_mon, KTAPI_PRIVILEGE_OWNER);
}

static void golden_set_priv(struct __test_metadata *_metadata,
			    struct world *w, const struct snap *b,
			    const struct snap *a)
{
	const struct fsnap *m = &a->f[FBM];
	int j;

	(void)b;
	ASSERT_EQ(2, m->nh);
	for (j = 0; j < m->nh; j++) {
		bool it = m->hv[j] == w->h_in_mon;

		ASSERT_EQ(it ? KTAPI_PRIVILEGE_OWNER : KTAPI_PRIVILEGE_MONITOR,
			  m->hi[j].privilege);
		ASSERT_EQ(it ? 2 : 1, m->hi[j].num_owners);
		ASSERT_EQ(it ? 1 : 2, m->hi[j].num_monitors);
	}
	ASSERT_EQ(1, a->f[FBO2].nev);
	ASSERT_EQ(KTAPI_EV_CALLINFO, a->f[FBO2].ev[0].type);
	ASSERT_EQ(KTAPI_CALLINFOSTATE_NUMOWNERINCR |
		  KTAPI_CALLINFOSTATE_NUMMONITORS,
		  a->f[FBO2].ev[0].info_state);
}

/*
 * One operation of this section: @min_enomem of its injected failures at
 * least must have been ENOMEM (0: it may allocate nothing).
 */
#define FAIL_NTH_T13(test, opname, p, r, g, min_enomem)		\
	static const struct op op_##test = {				\
		.name = opname, .prep = p, .run = r, .golden = g,	\
	};								\
	TEST_F_TIMEOUT(fail_nth, test, 900)				\
	{								\
		unsigned int e0 = totals->enomem;			\
									\
		run_fail_nth(_metadata, &op_##test);			\
		if (_metadata->skip)					\
			return;						\
		ASSERT_LE(e0 + (min_enomem), totals->enomem)		\
			TH_LOG("%s: no allocation failed with ENOMEM",	\
			       opname);					\
	}

/* Its ids array, each reservation of the two handles. */
FAIL_NTH_T13(get_new_calls, "GET_NEW_CALLS", prep_new_calls, run_new_calls,
	     golden_new_calls, 3)
/* The name. */
FAIL_NTH_T13(line_open_app_name, "LINE_OPEN(app_name)", prep_new_file,
	     run_line_open_named, golden_line_open, 1)
/* Allocates nothing (privilege.c): the golden run is all there is. */
FAIL_NTH_T13(set_call_privilege, "SET_CALL_PRIVILEGE", prep_new_calls,
	     run_set_priv, golden_set_priv, 0)

/*
 * LINE_OPEN with an app_name, each allocation failing in turn: ENOMEM
 * leaves the file without a line (EBADFD, no line counted) and a retry
 * opens it; or it opened despite the failure.  Either way the line has
 * the name: its call reports it.
 */
TEST_F_TIMEOUT(call, fail_nth_line_open_app_name, 300)
{
	struct ktapi_line_open lo = {
		.size = KTAPI_LINE_OPEN_SIZE_VER1,
		.device_id = 0,
		.privileges = P_OWN,
		.api_version = API_CUR,
		.app_name = NTH_APP_NAME,
	};
	struct ktapi_stats s0, s1;
	struct ktapi_call_info ci;
	unsigned int n, enomem = 0;
	bool hit = true;
	int fd, ret;
	__u32 h;

	nth_begin(_metadata, &s0);
	for (n = 1; n < MAX_ITER && hit && _metadata->passed; n++) {
		fd = FD();
		GET_STATS(&s0);
		ASSERT_EQ(0, nth_arm(n));
		ret = kt_err(ioctl(fd, KTAPI_IOC_LINE_OPEN, &lo));
		hit = nth_disarm() == 1;
		if (ret) {
			EXPECT_EQ(ENOMEM, ret) TH_LOG("allocation %u", n);
			enomem++;
			GET_STATS(&s1);
			EXPECT_EQ(s0.lines_open, s1.lines_open)
				TH_LOG("allocation %u", n);
			EXPECT_ERRNO(EBADFD, kt_info(fd, 0, &ci));
			EXPECT_ERRNO(EBADFD, kt_make_call(fd, "999", NULL, NULL));
			ASSERT_OK(kt_err(ioctl(fd, KTAPI_IOC_LINE_OPEN, &lo)));
		}
		ASSERT_OK(kt_make_call(fd, "999", &h, NULL));
		GET_INFO(fd, h, &ci);
		EXPECT_STREQ(NTH_APP_NAME, ci.app_name) TH_LOG("allocation %u", n);
		close(fd);
	}
	EXPECT_FALSE(hit) TH_LOG("still failing after %u allocations", n);
	EXPECT_LT(0, enomem) TH_LOG("no allocation of LINE_OPEN failed");
	ksft_print_msg("LINE_OPEN(app_name): %u allocations, %u ENOMEM\n",
		       n - 2, enomem);
}

/*
 * GET_NEW_CALLS of two legs, each allocation failing in turn: ENOMEM
 * with no handle made (the array not counted, no monitor added, no
 * record for the holder that reads CALLINFO), then a retry gives both;
 * or both at once.
 */
TEST_F_TIMEOUT(call, fail_nth_get_new_calls, 300)
{
	struct ktapi_new_calls nc = { .size = sizeof(nc), .max_handles = 4 };
	struct ktapi_stats s0, s1;
	struct ktapi_call_info ci;
	unsigned int n, enomem = 0;
	__u32 ids[4], hb[2];
	bool hit = true;
	int m, fd, ret, i;

	nth_begin(_metadata, &s0);
	m = LINE_CI(1, P_MON);
	for (i = 0; i < 2; i++)
		ASSERT_OK(kt_make_call(self->a, self->addr_b, NULL, NULL));
	for (i = 0; i < 2; i++) {
		struct ktapi_event ev;

		EXPECT_NEW(&ev, self->b, ANY, S_OFFERING, P_OWN);
		hb[i] = ev.handle;
		EXPECT_CS(self->b, hb[i], ev.call_id, S_OFFERING, 0, P_OWN);
	}
	kt_drain(self->a);
	kt_drain(m);
	nc.handles = (__u64)(uintptr_t)ids;
	for (n = 1; n < MAX_ITER && hit && _metadata->passed; n++) {
		fd = LINE(1, P_NONE);
		memset(ids, 0, sizeof(ids));
		nc.out_count = nc.out_remaining = ~0U;
		GET_STATS(&s0);
		ASSERT_EQ(0, nth_arm(n));
		ret = kt_err(ioctl(fd, KTAPI_IOC_GET_NEW_CALLS, &nc));
		hit = nth_disarm() == 1;
		if (ret) {
			EXPECT_EQ(ENOMEM, ret) TH_LOG("allocation %u", n);
			enomem++;
			GET_STATS(&s1);
			EXPECT_EQ(s0.handles, s1.handles) TH_LOG("allocation %u", n);
			EXPECT_EQ(s0.events_queued, s1.events_queued)
				TH_LOG("allocation %u", n);
			for (i = 0; i < 2; i++) {
				GET_INFO(self->b, hb[i], &ci);
				EXPECT_EQ(1, ci.num_monitors) TH_LOG("allocation %u", n);
			}
			EXPECT_NO_EV(m, fd, self->b);
			ASSERT_OK(kt_err(ioctl(fd, KTAPI_IOC_GET_NEW_CALLS, &nc)));
		}
		EXPECT_EQ(2, nc.out_count) TH_LOG("allocation %u", n);
		EXPECT_EQ(0, nc.out_remaining) TH_LOG("allocation %u", n);
		for (i = 0; i < 2; i++) {
			GET_INFO(fd, ids[i], &ci);
			EXPECT_EQ(P_MON, ci.privilege);
			EXPECT_EQ(2, ci.num_monitors) TH_LOG("allocation %u", n);
		}
		EXPECT_NE(ids[0], ids[1]);
		/* One record per leg for m: NUMMONITORS, its handle's. */
		EXPECT_EQ(2, kt_drain(m)) TH_LOG("allocation %u", n);
		close(fd);
		/* fd's handles voided: m is told again. */
		EXPECT_EQ(2, kt_drain(m)) TH_LOG("allocation %u", n);
	}
	EXPECT_FALSE(hit) TH_LOG("still failing after %u allocations", n);
	EXPECT_LT(2, enomem) TH_LOG("GET_NEW_CALLS allocated too little?");
	ksft_print_msg("GET_NEW_CALLS(2 legs): %u allocations, %u ENOMEM\n",
		       n - 2, enomem);
	close(m);
}
