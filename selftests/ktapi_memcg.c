// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi_memcg: ktapi's memory is charged to the caller's memory cgroup.
 *
 *   ktapi_memcg [-m MEMORY_MAX_BYTES] [-n]
 *
 * A child process in a cgroup v2 child group with a small memory.max
 * (default 4 MiB) opens /dev/ktapi and makes calls until MAKE_CALL fails,
 * which must be ENOMEM (ENOSPC means the module's max_handles was reached
 * first: load it with max_handles=16777216).  Then:
 *
 *  - the stats count exactly the child's successful calls: the
 *    failed MAKE_CALL left nothing behind;
 *  - a file outside the group keeps working (a full call round trip);
 *  - a call from outside into the limited file's line works (its handle
 *    is charged to the outside caller) and the child can ANSWER it;
 *  - calls from the limited file to an outside line end in ENOMEM too,
 *    and the outside line holds exactly the legs of the calls that
 *    succeeded;
 *  - after deallocating handles the child can make calls again;
 *  - when everything is closed the counts are back at the start and the
 *    group can be removed.
 *
 * The child runs with oom_score_adj -1000 so the memcg OOM killer finds no
 * victim and the charge fails (ENOMEM) instead of killing it.  The kernel
 * then logs an OOM report with a stack dump ("Call Trace:"), which the VM
 * runner would take for a kernel bug: while the child is at its limit the
 * console log level is lowered to 4 (errors and worse still reach the
 * console; KASAN, UBSAN and BUG reports print at that level), and the test
 * itself reads /dev/kmsg over that window and fails if anything but the
 * expected OOM report shows up (WARNING, lockdep, BUG, KASAN, ...).  -n
 * keeps the console level as it is.
 *
 * Skips (exit 4) when there is no cgroup v2 memory controller.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#define KTAPI_NO_HARNESS
#include "ktapi_utils.h"

#define MAXEV		64

/* Parent <-> child, in shared memory faulted in before the child moves. */
struct shared {
	volatile int step;		/* parent: what the child does next */
	volatile int done;		/* child: last step finished */
	volatile int fail;		/* child: a check failed */
	char why[256];
	int e999, e1001, e_again;	/* the errno that ended each loop */
	unsigned int n999, n1001, n_again;
	__u32 first_h, last_h;		/* child's first and last handles */
	__u32 in_handle;		/* the call the parent made to the child */
	int answer_err;
	struct ktapi_call_info ci_first, ci_last;
};

static struct shared *sh;
static char cgdir[128];
static unsigned long long mem_max = 4ULL << 20;
static bool mute = true;

/* ------------------------------------------------------------------ */
/* The child: no stdio, no malloc, no new mappings once in the group.  */

static void child_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sh->why, sizeof(sh->why), fmt, ap);
	va_end(ap);
	sh->fail = 1;
}

static void child_wait(int step)
{
	while (sh->step < step)
		kt_sleep_ms(5);
}

static void __attribute__((noinline)) touch_stack(void)
{
	volatile char big[256 * 1024];

	memset((char *)big, 1, sizeof(big));
}

static struct ktapi_event evbuf[MAXEV];

static int child_drain(int fd, __u32 type_wanted, __u32 *handle)
{
	ssize_t n;
	int i, found = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 0) <= 0)
			return found;
		n = read(fd, evbuf, sizeof(evbuf));
		if (n <= 0)
			return found;
		for (i = 0; i < n / (ssize_t)sizeof(evbuf[0]); i++) {
			if (type_wanted && evbuf[i].type == type_wanted) {
				found++;
				if (handle)
					*handle = evbuf[i].handle;
			}
		}
	}
}

static void child(void)
{
	char pid[32];
	int fc, e, procs;
	__u32 h, k, tries;

	/* Fault everything in while still outside the group. */
	touch_stack();
	memset(evbuf, 0, sizeof(evbuf));
	sh->done = 0;
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		child_fail("mlockall: %s", strerror(errno));
	if (kt_write_file("/proc/self/oom_score_adj", "-1000"))
		child_fail("oom_score_adj: %s", strerror(errno));
	snprintf(pid, sizeof(pid), "%d", getpid());
	procs = open(cgdir, O_RDONLY | O_DIRECTORY);
	if (procs < 0 || sh->fail) {
		child_fail("open %s: %s", cgdir, strerror(errno));
		sh->done = 1;
		_exit(1);
	}
	{
		int pf = openat(procs, "cgroup.procs", O_WRONLY);

		if (pf < 0 || write(pf, pid, strlen(pid)) != (ssize_t)strlen(pid)) {
			child_fail("joining %s: %s", cgdir, strerror(errno));
			sh->done = 1;
			_exit(1);
		}
		close(pf);
	}
	close(procs);

	/* In the group: everything from here on is charged to it. */
	fc = kt_open();
	if (fc < 0) {
		child_fail("open /dev/ktapi in the group: %s", strerror(errno));
		sh->done = 1;
		_exit(1);
	}
	e = kt_line_open(fc, 0, KTAPI_PRIVILEGE_OWNER, KTAPI_API_VERSION_2_2);
	if (e) {
		child_fail("LINE_OPEN in the group: %s", kt_errname(e));
		sh->done = 1;
		_exit(1);
	}
	/* Step 1: fill up with calls to no device until MAKE_CALL fails. */
	for (;;) {
		e = kt_make_call(fc, "999", &h, NULL);
		if (e)
			break;
		if (!sh->n999++)
			sh->first_h = h;
		sh->last_h = h;
		if (sh->n999 % 128 == 0)
			child_drain(fc, 0, NULL);
	}
	sh->e999 = e;
	child_drain(fc, 0, NULL);
	if (sh->n999) {
		if (kt_info(fc, sh->first_h, &sh->ci_first) ||
		    kt_info(fc, sh->last_h, &sh->ci_last))
			child_fail("GET_CALL_INFO at the limit failed");
	}
	sh->done = 1;

	/* Step 2: the parent calls us from outside; answer it. */
	child_wait(2);
	for (k = 0; k < 200 && !child_drain(fc, KTAPI_EV_APPNEWCALL,
					     &sh->in_handle); k++)
		kt_sleep_ms(10);
	sh->answer_err = sh->in_handle ? kt_answer(fc, sh->in_handle) : ENOENT;
	sh->done = 2;

	/* Step 3: call the outside line until that fails as well. */
	child_wait(3);
	for (;;) {
		e = kt_make_call(fc, "1001", &h, NULL);
		if (e)
			break;
		sh->n1001++;
		if (sh->n1001 > 100000)
			break;
	}
	sh->e1001 = e;
	child_drain(fc, 0, NULL);
	sh->done = 3;

	/* Step 4: give memory back, then calls work again. */
	child_wait(4);
	for (k = 0; k < 256 && k < sh->n999; k++)
		kt_dealloc(fc, sh->first_h + k);
	/*
	 * Calls and handles are freed after an RCU grace period: their
	 * memory comes back to the group then, not at once.  Retry ENOMEM
	 * for up to 5 s.
	 */
	for (k = 0, tries = 0; k < 8;) {
		e = kt_make_call(fc, "999", &h, NULL);
		if (e == ENOMEM && !sh->n_again && ++tries < 500) {
			usleep(10000);
			continue;
		}
		if (e)
			break;
		sh->n_again++;
		k++;
	}
	sh->e_again = e;
	child_drain(fc, 0, NULL);
	sh->done = 4;

	/* Step 5: close and leave. */
	child_wait(5);
	close(fc);
	sh->done = 5;
	_exit(0);
}

/* ------------------------------------------------------------------ */

static int wait_child(int step, int secs)
{
	int i;

	for (i = 0; i < secs * 100; i++) {
		if (sh->done >= step)
			return 0;
		kt_sleep_ms(10);
	}
	return ETIMEDOUT;
}

/* Kernel log over the muted window. */
static int kmsg_fd = -1;
static char saved_printk[64];

static void window_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	if (mute && !kt_read_file("/proc/sys/kernel/printk", saved_printk,
				  sizeof(saved_printk)))
		kt_write_file("/proc/sys/kernel/printk", "4");
}

static const char *const bad_patterns[] = {
	"WARNING:", "BUG:", "BUG ", "KASAN", "UBSAN", "Oops",
	"general protection", "possible circular", "possible recursive",
	"inconsistent lock", "DEBUG_LOCKS_WARN", "bad unlock balance",
	"suspicious RCU usage", "held lock freed", "lock inversion",
	"sleeping function called", "list_add corruption",
	"list_del corruption", "kernel BUG", "suspected memory leak",
	"unreferenced object", "Kernel panic", "soft lockup", "stall",
	"blocked for more than",
};

/* Close the window; return the number of unexpected reports. */
static int window_close(unsigned int *oom_lines)
{
	char rec[2048];
	int bad = 0;
	unsigned int i;
	ssize_t n;

	if (mute && saved_printk[0]) {
		int lvl = atoi(saved_printk);
		char b[16];

		snprintf(b, sizeof(b), "%d", lvl ? lvl : 7);
		kt_write_file("/proc/sys/kernel/printk", b);
	}
	*oom_lines = 0;
	if (kmsg_fd < 0)
		return 0;
	while ((n = read(kmsg_fd, rec, sizeof(rec) - 1)) != 0) {
		char *msg;

		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* overwritten records */
			break;
		}
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (strstr(msg, "oom") || strstr(msg, "Out of memory"))
			(*oom_lines)++;
		/*
		 * A frame of a backtrace (the OOM report has one) names
		 * functions, which may look like a pattern: " ? func+0x1/0x2".
		 */
		if (msg[0] == ' ' && strstr(msg, "+0x"))
			continue;
		for (i = 0; i < ARRAY_SIZE(bad_patterns); i++) {
			if (strstr(msg, bad_patterns[i])) {
				printf("# unexpected kernel message: %s", msg);
				bad++;
				break;
			}
		}
	}
	close(kmsg_fd);
	kmsg_fd = -1;
	return bad;
}

static bool stats_equal(const struct ktapi_stats *a, const struct ktapi_stats *b)
{
	return a->files == b->files && a->lines_open == b->lines_open &&
	       a->calls == b->calls && a->handles == b->handles &&
	       a->events_queued == b->events_queued;
}

static bool roundtrip(int fa, const char *addr, int fb)
{
	struct ktapi_event ev;
	__u32 ho, hi;

	if (kt_make_call(fa, addr, &ho, NULL))
		return false;
	do {
		if (kt_read_event(fb, &ev, 2000))
			return false;
	} while (ev.type != KTAPI_EV_APPNEWCALL);
	hi = ev.handle;
	return !kt_answer(fb, hi) && !kt_drop(fa, ho) && !kt_dealloc(fa, ho) &&
	       !kt_dealloc(fb, hi) && kt_drain(fa) >= 0 &&
	       kt_drain(fb) >= 0;
}

int main(int argc, char **argv)
{
	struct ktapi_stats base, st, st1;
	unsigned int oom_lines = 0;
	int fo, fo2, fcaller, status, opt, bad, e;
	bool ok, child_ok = true;
	const char *why;
	pid_t pid;
	__u32 h;

	while ((opt = getopt(argc, argv, "m:n")) != -1) {
		switch (opt) {
		case 'm': mem_max = strtoull(optarg, NULL, 0); break;
		case 'n': mute = false; break;
		default:
			fprintf(stderr, "usage: %s [-m MEMORY_MAX_BYTES] [-n]\n",
				argv[0]);
			return KSFT_FAIL;
		}
	}
	ksft_print_header();
	if (access(KTAPI_DEV, F_OK))
		ksft_exit_skip("%s not present (module not loaded)\n", KTAPI_DEV);
	if (geteuid())
		ksft_exit_skip("needs root (cgroups)\n");
	if (kt_stats_read(&base))
		ksft_exit_skip("no %s\n", KTAPI_STATS);
	why = kt_memcg_make("ktapi_memcg", cgdir, sizeof(cgdir));
	if (why)
		ksft_exit_skip("%s\n", why);
	ksft_set_plan(8);

	e = kt_memcg_limit(cgdir, mem_max);
	if (e)
		ksft_exit_fail_msg("writing memory.max: %s\n", strerror(e));
	ksft_print_msg("cgroup %s, memory.max %llu, module max_handles %lld\n",
		       cgdir, mem_max, kt_param("max_handles"));

	/* The outside files: dev1 owner (called by the child), dev2 owner. */
	fo = kt_open();
	fo2 = kt_open();
	fcaller = kt_open();
	if (fo < 0 || fo2 < 0 || fcaller < 0 ||
	    kt_line_open(fo, 1, KTAPI_PRIVILEGE_OWNER, KTAPI_API_VERSION_2_2) ||
	    kt_line_open(fo2, 2, KTAPI_PRIVILEGE_OWNER, KTAPI_API_VERSION_2_2) ||
	    kt_line_open(fcaller, 3, KTAPI_PRIVILEGE_OWNER, KTAPI_API_VERSION_2_2))
		ksft_exit_fail_msg("outside files: %s\n", strerror(errno));
	if (kt_stats_read(&st1))
		ksft_exit_fail_msg("stats\n");

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	memset(sh, 0, sizeof(*sh));

	fflush(stdout);
	window_open();
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pid == 0) {
		close(fo);
		close(fo2);
		close(fcaller);
		child();
	}

	/* 1: the child fills its group. */
	if (wait_child(1, 600)) {
		kill(pid, SIGKILL);
		child_ok = false;
	}
	bad = 0;
	ksft_print_msg("child: %u calls, then %s; memory.current %lld, memory.events max %lld oom %lld oom_kill %lld\n",
		       sh->n999, kt_errname(sh->e999),
		       kt_memcg_value(cgdir, "memory.current", NULL),
		       kt_memcg_value(cgdir, "memory.events", "max"),
		       kt_memcg_value(cgdir, "memory.events", "oom"),
		       kt_memcg_value(cgdir, "memory.events", "oom_kill"));
	if (sh->fail)
		ksft_print_msg("child: %s\n", sh->why);
	if (sh->e999 == ENOSPC)
		ksft_print_msg("MAKE_CALL hit the handle limit (ENOSPC) before the memory limit: load the module with max_handles=16777216 or lower -m\n");
	ksft_test_result(child_ok && !sh->fail && sh->e999 == ENOMEM &&
			 sh->n999 > 0,
			 "MAKE_CALL in a group with memory.max %llu ends in ENOMEM (after %u calls)\n",
			 mem_max, sh->n999);

	/* 2: nothing half-made: the stats count exactly the child's calls. */
	ok = !kt_stats_read(&st) &&
	     st.calls == st1.calls + sh->n999 &&
	     st.handles == st1.handles + sh->n999 &&
	     st.files == st1.files + 1 && st.lines_open == st1.lines_open + 1 &&
	     sh->ci_first.state == KTAPI_CALLSTATE_DISCONNECTED &&
	     sh->ci_last.state == KTAPI_CALLSTATE_DISCONNECTED &&
	     sh->ci_last.state_mode == KTAPI_DISCONNECTMODE_BADADDRESS;
	if (!ok) {
		char a[256];

		kt_stats_str(&st, a, sizeof(a));
		ksft_print_msg("stats %s; expected calls %lld handles %lld\n", a,
			       st1.calls + sh->n999, st1.handles + sh->n999);
	}
	ksft_test_result(ok, "after ENOMEM the stats count exactly the successful calls\n");

	/* 3: outside the group everything works. */
	ok = roundtrip(fcaller, "1002", fo2) && roundtrip(fo2, "1001", fo);
	ksft_test_result(ok, "files outside the group keep working while it is at its limit\n");

	/* 4: a call from outside into the limited line, answered there. */
	{
		struct ktapi_call_info ci;
		struct ktapi_event ev;
		bool got = false;

		ok = !kt_make_call(fcaller, "1000", &h, NULL);
		sh->step = 2;
		ok = ok && !wait_child(2, 60) && sh->in_handle &&
		     sh->answer_err == 0;
		while (!kt_read_event(fcaller, &ev, 500))
			if (ev.type == KTAPI_EV_CALLSTATE &&
			    ev.state == KTAPI_CALLSTATE_CONNECTED)
				got = true;
		ok = ok && got && !kt_info(fcaller, h, &ci) &&
		     ci.state == KTAPI_CALLSTATE_CONNECTED;
		if (!ok)
			ksft_print_msg("call into the group: handle %u answer %s connected %d\n",
				       sh->in_handle, kt_errname(sh->answer_err),
				       got);
		kt_drop(fcaller, h);
		kt_dealloc(fcaller, h);
		kt_drain(fcaller);
	}
	ksft_test_result(ok, "a call from outside into the limited line works and is answered there\n");

	/* 5: calls from the group to an outside line fail whole. */
	kt_drain(fo);
	kt_stats_read(&st1);
	sh->step = 3;
	ok = !wait_child(3, 120);
	{
		int got = kt_drain_evs(fo, evbuf, MAXEV), i, appnew = 0;

		for (i = 0; i < got && i < MAXEV; i++)
			appnew += evbuf[i].type == KTAPI_EV_APPNEWCALL;
		ok = ok && !kt_stats_read(&st) && sh->e1001 == ENOMEM &&
		     st.calls == st1.calls + 2 * sh->n1001 &&
		     st.handles == st1.handles + 2 * sh->n1001 &&
		     (got > MAXEV || appnew == (int)sh->n1001);
		ksft_print_msg("child -> outside line: %u calls, then %s; the outside line got %d APPNEWCALL\n",
			       sh->n1001, kt_errname(sh->e1001), appnew);
	}
	ksft_test_result(ok, "calls from the group to an outside line end in ENOMEM and leave nothing half-made\n");

	/* 6: memory comes back. */
	sh->step = 4;
	ok = !wait_child(4, 60) && sh->n_again > 0;
	ksft_print_msg("after deallocating %u handles: %u more calls (%s)\n",
		       sh->n999 < 256 ? sh->n999 : 256, sh->n_again,
		       kt_errname(sh->e_again));
	ksft_test_result(ok, "after deallocating handles MAKE_CALL works again in the group\n");

	/* 7: everything released. */
	sh->step = 5;
	wait_child(5, 60);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		ksft_print_msg("child: status %#x%s%s\n", status,
			       sh->fail ? ": " : "", sh->fail ? sh->why : "");
		child_ok = false;
	}
	bad = window_close(&oom_lines);
	close(fo);
	close(fo2);
	close(fcaller);
	ok = child_ok && !kt_stats_read(&st) && stats_equal(&st, &base);
	{
		char a[256], b[256];

		kt_stats_str(&base, a, sizeof(a));
		kt_stats_str(&st, b, sizeof(b));
		ksft_print_msg("stats before: %s\n", a);
		ksft_print_msg("stats after:  %s\n", b);
	}
	ksft_print_msg("memory.current of the group after the child left: %lld\n",
		       kt_memcg_value(cgdir, "memory.current", NULL));
	if (rmdir(cgdir)) {
		ksft_print_msg("rmdir %s: %s\n", cgdir, strerror(errno));
		ok = false;
	}
	ksft_test_result(ok, "everything released: counts back at the start, group removed\n");

	ksft_print_msg("kernel log while the group was at its limit: %u OOM lines (expected; console level %s), %d unexpected reports\n",
		       oom_lines, mute ? "lowered to 4" : "unchanged", bad);
	ksft_test_result(bad == 0, "no kernel report other than the memcg OOM message\n");
	ksft_finished();
	return 0;
}
