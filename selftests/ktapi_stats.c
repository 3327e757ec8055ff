// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: the statistics in sysfs, an ABI: they exist, are
 * read-only and readable by anyone, sum the CPUs' shares, and nothing leaks.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <sched.h>
#include <sys/wait.h>

#include "ktapi_utils.h"

/* ====================================================================== */
/* The attributes: what DOC: Statistics of the uapi header promises.      */

static void require_stats_dir(struct __test_metadata *_metadata)
{
	struct stat st;

	if (access(KTAPI_DEV, F_OK))
		SKIP_NOW("%s does not exist: ktapi module not loaded", KTAPI_DEV);
	if (!kt_sysfs_mounted())
		SKIP_NOW("sysfs not mounted on /sys");
	ASSERT_EQ(0, stat(KTAPI_STATS, &st)) TH_LOG("%s: %m", KTAPI_STATS);
	ASSERT_TRUE(S_ISDIR(st.st_mode));
}

/* Each counter is a regular file, root's, 0444, one number and a newline. */
TEST(stats_each_attribute_exists_0444)
{
	unsigned int i, seen = 0, others = 0;
	struct dirent *de;
	char path[128];
	long long v = -1;
	struct stat st;
	DIR *dir;

	require_stats_dir(_metadata);
	for (i = 0; i < KT_NR_STATS; i++) {
		snprintf(path, sizeof(path), KTAPI_STATS "/%s", kt_stat_name(i));
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %m", path);
		EXPECT_TRUE(S_ISREG(st.st_mode)) TH_LOG("%s", path);
		EXPECT_EQ(0444, st.st_mode & 07777) TH_LOG("%s", path);
		EXPECT_EQ(0, st.st_uid) TH_LOG("%s", path);
		EXPECT_EQ(0, kt_stat(kt_stat_name(i), &v)) TH_LOG("%s", path);
		EXPECT_LE(0, v) TH_LOG("%s", path);
	}
	/* Nothing else in the directory: one file per counter of the ABI. */
	dir = opendir(KTAPI_STATS);
	ASSERT_TRUE(dir != NULL) TH_LOG("%s: %m", KTAPI_STATS);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < KT_NR_STATS; i++)
			if (!strcmp(de->d_name, kt_stat_name(i)))
				break;
		if (i < KT_NR_STATS) {
			seen |= 1U << i;
		} else {
			others++;
			TH_LOG("%s/%s is not a counter of the ABI", KTAPI_STATS,
			       de->d_name);
		}
	}
	closedir(dir);
	EXPECT_EQ((1U << KT_NR_STATS) - 1, seen);
	EXPECT_EQ(0, others);
}

/*
 * devices: every line device that exists, the loopback ones and those of
 * providers (ktapi_devices.c tests ADD_LINE and REMOVE_LINE): the ids
 * below num_devices that GET_DEVCAPS knows.
 */
TEST(stats_devices_counts_valid_ids)
{
	struct ktapi_devcaps caps;
	struct ktapi_params p;
	long long v = -1;
	__u32 d, n, valid = 0;
	int fd;

	require_stats_dir(_metadata);
	ASSERT_EQ(0, kt_params(&p));
	fd = FD();
	n = kt_num_devices(fd);
	for (d = 0; d < n; d++)
		valid += !kt_devcaps(fd, d, &caps);
	ASSERT_EQ(0, kt_stat("devices", &v));
	EXPECT_EQ(valid, v);
	EXPECT_LE((long long)p.lines, v);
	close(fd);
}

/*
 * Read-only for everyone, root included: sysfs refuses to open an
 * attribute without a store method for writing, with EACCES (kernfs's
 * open checks the mode and the missing write op, whatever the caller's
 * capabilities); a write to a read-only fd is EBADF; the value stays.
 */
TEST(stats_attributes_are_read_only)
{
	long long before, after;
	char path[128];
	unsigned int i;
	int fd;

	require_stats_dir(_metadata);
	for (i = 0; i < KT_NR_STATS; i++) {
		snprintf(path, sizeof(path), KTAPI_STATS "/%s", kt_stat_name(i));
		ASSERT_EQ(0, kt_stat(kt_stat_name(i), &before));
		EXPECT_EQ(EACCES, kt_write_file(path, "0\n")) TH_LOG("%s", path);
		errno = 0;
		fd = open(path, O_RDWR | O_CLOEXEC);
		EXPECT_EQ(-1, fd) TH_LOG("%s opened O_RDWR", path);
		EXPECT_EQ(EACCES, errno) TH_LOG("%s", path);
		if (fd >= 0)
			close(fd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %m", path);
		errno = 0;
		EXPECT_EQ(-1, write(fd, "0\n", 2));
		EXPECT_EQ(EBADF, errno);
		close(fd);
		ASSERT_EQ(0, kt_stat(kt_stat_name(i), &after));
		/* The totals only grow; nothing else runs here. */
		EXPECT_EQ(before, after) TH_LOG("%s", path);
	}
}

/*
 * Readable without any privilege: a child that became uid/gid 65534 with
 * no groups reads every counter (the same files count as its parent read)
 * and may not open one for writing either.
 */
TEST(stats_readable_by_an_unprivileged_user)
{
	long long files0, v = -1;
	unsigned int i;
	int status;
	pid_t pid;

	require_stats_dir(_metadata);
	if (geteuid() != 0)
		SKIP(return, "needs root to become uid 65534");
	ASSERT_EQ(0, kt_stat("files", &files0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char path[128];

		if (kt_drop_privileges() || geteuid() != 65534)
			_exit(10);
		for (i = 0; i < KT_NR_STATS; i++) {
			snprintf(path, sizeof(path), KTAPI_STATS "/%s",
				 kt_stat_name(i));
			if (kt_stat(kt_stat_name(i), &v))
				_exit(20 + i);
			if (i == 0 && v != files0)
				_exit(19);
			if (kt_write_file(path, "0\n") != EACCES)
				_exit(40 + i);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	/*
	 * 10: could not drop privileges; 19: "files" differs; 20+i: counter
	 * i unreadable; 40+i: counter i opened for writing, or not EACCES.
	 */
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The first two CPUs this thread may run on, or false. */
static bool two_cpus(int cpu[2])
{
	cpu_set_t set;
	int c, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return false;
	for (c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	return n == 2;
}

/* Move this thread to @cpu; it runs there when this returns. */
static void run_on(struct __test_metadata *_metadata, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set))
		TH_LOG("cpu %d: %m", cpu);
	ASSERT_EQ(cpu, sched_getcpu());
}

#define SUM_ROUNDS	10
#define SUM_CALLS	8	/* 2 events each: fits CALL_MIN_QUEUE */

/*
 * Counters moved up on one CPU and down on another: the first CPU's share
 * of calls, handles, events_queued, files and lines_open ends up
 * positive, the second's as negative, and only their sum is right.  Every
 * round makes calls on CPU A (to "999": one leg, one handle, DIALING and
 * DISCONNECTED each) and reads and deallocates them on CPU B; a file is
 * opened on A and closed on B.
 */
TEST_F(call, stats_sum_over_cpus)
{
	struct ktapi_stats s0, s1;
	__u32 h[SUM_CALLS];
	int cpu[2], r, i, fd;

	if (!two_cpus(cpu))
		SKIP(return, "one CPU: no counter can move on two of them");
	run_on(_metadata, cpu[0]);
	NEED_STATS(&s0);
	for (r = 0; r < SUM_ROUNDS; r++) {
		run_on(_metadata, cpu[0]);
		fd = LINE(0, P_NONE);
		for (i = 0; i < SUM_CALLS; i++)
			ASSERT_OK(kt_make_call(self->a, "999", &h[i], NULL));
		GET_STATS(&s1);
		EXPECT_EQ(s0.files + 1, s1.files);
		EXPECT_EQ(s0.lines_open + 1, s1.lines_open);
		EXPECT_EQ(s0.calls + SUM_CALLS, s1.calls);
		EXPECT_EQ(s0.handles + SUM_CALLS, s1.handles);
		EXPECT_EQ(s0.events_queued + 2 * SUM_CALLS, s1.events_queued);

		run_on(_metadata, cpu[1]);
		ASSERT_EQ(2 * SUM_CALLS, kt_drain(self->a));
		for (i = 0; i < SUM_CALLS; i++)
			ASSERT_OK(kt_dealloc(self->a, h[i]));
		close(fd);
		GET_STATS(&s1);
		EXPECT_EQ(s0.files, s1.files);
		EXPECT_EQ(s0.lines_open, s1.lines_open);
		EXPECT_EQ(s0.calls, s1.calls);
		EXPECT_EQ(s0.handles, s1.handles);
		EXPECT_EQ(s0.events_queued, s1.events_queued);
		if (_metadata->passed == 0)
			break;
	}
	EXPECT_EQ(s0.events_dropped, s1.events_dropped);
	EXPECT_EQ(s0.calls_total + SUM_ROUNDS * SUM_CALLS, s1.calls_total);
	EXPECT_EQ(s0.handles_total + SUM_ROUNDS * SUM_CALLS, s1.handles_total);
	EXPECT_EQ(s0.events_total + SUM_ROUNDS * 2 * SUM_CALLS, s1.events_total);
}

/* ====================================================================== */
/* The stats: nothing leaks.                                             */

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
