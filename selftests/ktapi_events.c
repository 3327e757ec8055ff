// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: events: read(), poll(), the bounded queue.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <sys/wait.h>

#include "ktapi_utils.h"

/* ====================================================================== */
/* Events: read(), poll(), the bounded queue.                             */

/* A buffer smaller than one record is EINVAL; the record stays queued. */
TEST_F(call, read_small_buffer_einval)
{
	unsigned char buf[EV_SIZE];
	__u32 h, cid;

	ASSERT_OK(kt_make_call(self->a, "999", &h, &cid));
	EXPECT_ERRNO(EINVAL, kt_err(read(self->a, buf, 0)));
	EXPECT_ERRNO(EINVAL, kt_err(read(self->a, buf, 1)));
	EXPECT_ERRNO(EINVAL, kt_err(read(self->a, buf, EV_SIZE - 1)));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_DISC, M_BADADDR, P_OWN);
}

/* read() returns whole records only: 2.5 records of room gives 2. */
TEST_F(call, read_returns_whole_records)
{
	struct ktapi_event ev[3];
	__u32 h1, c1, h2, c2;

	ASSERT_OK(kt_make_call(self->a, "999", &h1, &c1));
	ASSERT_OK(kt_make_call(self->a, "999", &h2, &c2));
	memset(ev, 0, sizeof(ev));
	ASSERT_EQ(2 * EV_SIZE, read(self->a, ev, 2 * EV_SIZE + EV_SIZE / 2));
	EXPECT_EQ(EV_CS, ev[0].type);
	EXPECT_EQ(h1, ev[0].handle);
	EXPECT_EQ(S_DIALING, ev[0].state);
	EXPECT_EQ(h1, ev[1].handle);
	EXPECT_EQ(S_DISC, ev[1].state);
	EXPECT_EQ(0, ev[2].type);	/* nothing written past 2 records */
	EXPECT_CS(self->a, h2, c2, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h2, c2, S_DISC, M_BADADDR, P_OWN);
	EXPECT_NO_EV(self->a);
}

/* A large buffer gets everything queued, in order. */
TEST_F(call, read_large_buffer_gets_all)
{
	struct ktapi_event ev[16];
	__u32 h[3];
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_OK(kt_make_call(self->a, "999", &h[i], NULL));
	ASSERT_EQ(6 * EV_SIZE, read(self->a, ev, sizeof(ev)));
	for (i = 0; i < 6; i++) {
		EXPECT_EQ(EV_CS, ev[i].type);
		EXPECT_EQ(h[i / 2], ev[i].handle);
		EXPECT_EQ(i % 2 ? S_DISC : S_DIALING, ev[i].state);
	}
}

TEST_F(call, read_nonblock_empty_eagain)
{
	struct ktapi_event ev;
	int fd = kt_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	ASSERT_OK(kt_line_open(fd, 0, P_NONE, API_CUR));
	EXPECT_ERRNO(EAGAIN, kt_err(read(fd, &ev, sizeof(ev))));
	ASSERT_OK(kt_make_call(fd, "999", NULL, NULL));
	EXPECT_EQ(EV_SIZE, read(fd, &ev, sizeof(ev)));
	EXPECT_EQ(EV_SIZE, read(fd, &ev, sizeof(ev)));
	EXPECT_ERRNO(EAGAIN, kt_err(read(fd, &ev, sizeof(ev))));
	close(fd);
}

/* Also with O_NONBLOCK given to open(). */
TEST_F(call, read_nonblock_open_flag_eagain)
{
	struct ktapi_event ev;
	int fd = open(KTAPI_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_OK(kt_line_open(fd, 0, P_NONE, API_CUR));
	EXPECT_ERRNO(EAGAIN, kt_err(read(fd, &ev, sizeof(ev))));
	close(fd);
}

/* poll() reports POLLIN exactly while a record is queued. */
TEST_F(call, poll_pollin_only_when_queued)
{
	struct pollfd pfd = { .fd = self->a, .events = POLLIN | POLLRDNORM };

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_EQ(0, pfd.revents);
	ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN | POLLRDNORM, pfd.revents);
	EXPECT_EQ(2, kt_drain(self->a));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_EQ(0, pfd.revents);
}

/* A blocking read() is woken by an event another thread causes. */
TEST_F(call, read_blocking_woken_by_thread)
{
	struct blocked_read r = { .fd = self->b, .len = 2 * EV_SIZE };
	struct ktapi_call_info ci;
	pthread_t t;
	__u32 h, cid;

	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_reader, &r));
	kt_sleep_ms(200);
	EXPECT_EQ(0, __atomic_load_n(&r.done, __ATOMIC_SEQ_CST)) {
		TH_LOG("read() on an empty queue returned %zd (%s)", r.n,
		       strerror(r.err));
	}
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_LE((ssize_t)EV_SIZE, r.n) TH_LOG("read: %s", strerror(r.err));
	GET_INFO(self->a, h, &ci);
	EXPECT_EQ(EV_NEW, r.ev[0].type);
	EXPECT_EQ(ci.related_call_id, r.ev[0].call_id);
	EXPECT_EQ(S_OFFERING, r.ev[0].state);
}

/* A blocking read() is woken by an event another process causes. */
TEST_F(call, read_blocking_woken_by_process)
{
	struct ktapi_event ev;
	int pipefd[2], status;
	char c;
	pid_t pid;
	__u64 t0;
	ssize_t n;

	ASSERT_EQ(0, pipe(pipefd));
	t0 = kt_now_ns();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = kt_open();

		close(pipefd[1]);
		if (fd < 0 || kt_line_open(fd, 0, P_NONE, API_CUR))
			_exit(10);
		kt_sleep_ms(200);
		if (kt_make_call(fd, self->addr_b, NULL, NULL))
			_exit(11);
		/* Keep the call up until the parent has read its event. */
		if (read(pipefd[0], &c, 1) < 0)
			_exit(12);
		_exit(0);
	}
	close(pipefd[0]);
	n = read(self->b, &ev, sizeof(ev));
	EXPECT_EQ((ssize_t)EV_SIZE, n);
	EXPECT_LE(t0 + 100000000ULL, kt_now_ns());
	EXPECT_EQ(EV_NEW, ev.type);
	EXPECT_EQ(S_OFFERING, ev.state);
	EXPECT_EQ(P_OWN, ev.privilege);
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Event times are CLOCK_MONOTONIC, in the window, never going back. */
TEST_F(call, event_times_monotonic)
{
	struct ktapi_event ev;
	struct pair pr;
	__u64 t0, t1, last = 0;
	int i, n;

	t0 = kt_now_ns();
	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_drop(self->a, pr.ha));
	for (i = 0; i < 4; i++)
		ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	t1 = kt_now_ns();
	/* CALL_AB and ANSWER_AB consumed a's first 3 records; read the rest. */
	for (n = 0; n < 9; n++) {
		ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
		EXPECT_LE(t0, ev.time_ns);
		EXPECT_GE(t1, ev.time_ns);
		EXPECT_LE(last, ev.time_ns);
		last = ev.time_ns;
	}
	EXPECT_NO_EV(self->a);
}

/*
 * The queue tests work with any event_queue_len (1..65536), so they have
 * a fixture of their own: one line, a, on device 0.
 */
FIXTURE(queue) {
	struct ktapi_params p;
	int a;
};

FIXTURE_SETUP(queue)
{
	KT_REQUIRE(&self->p);
	self->a = LINE(0, P_OWN);
}

FIXTURE_TEARDOWN(queue)
{
	close_fd(&self->a);
}

/*
 * Queue overflow: 2k > event_queue_len events without reading.  The first
 * event_queue_len are kept; the rest are counted.  Reading one record makes
 * room, and an OVERFLOW record carrying the count is queued after the
 * surviving records.
 */
static void fill_queue(struct __test_metadata *_metadata, int fd,
		       unsigned long calls, __u32 *h, __u32 *cid)
{
	unsigned long i;
	__u32 hh, cc;

	for (i = 0; i < calls; i++) {
		ASSERT_OK(kt_make_call(fd, "999", &hh, &cc));
		/* Deallocating a DISCONNECTED leg sends nothing (api 2.2). */
		ASSERT_OK(kt_dealloc(fd, hh));
		if (h) {
			h[i] = hh;
			cid[i] = cc;
		}
	}
}

TEST_F_TIMEOUT(queue, queue_overflow_exact, 600)
{
	unsigned long q = self->p.event_queue_len;
	unsigned long k = q / 2 + 3;
	unsigned long dropped = 2 * k - q, i;
	struct ktapi_stats s0, s1;
	__u32 *h, *cid;
	bool stats;

	h = calloc(k, sizeof(*h));
	cid = calloc(k, sizeof(*cid));
	ASSERT_TRUE(h && cid);
	stats = HAVE_STATS(&s0);
	fill_queue(_metadata, self->a, k, h, cid);
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.events_queued + (long long)q, s1.events_queued);
		EXPECT_EQ(s0.events_dropped + (long long)dropped, s1.events_dropped);
	}
	for (i = 0; i < q; i++) {
		if (i % 2 == 0)
			EXPECT_CS(self->a, h[i / 2], cid[i / 2], S_DIALING, 0, P_OWN);
		else
			EXPECT_CS(self->a, h[i / 2], cid[i / 2], S_DISC, M_BADADDR, P_OWN);
	}
	EXPECT_EV(self->a, EV_OVF, 0, 0, 0, dropped, 0);
	EXPECT_NO_EV(self->a);
	free(h);
	free(cid);
}

/* Exactly event_queue_len events fit: no OVERFLOW record. */
TEST_F_TIMEOUT(queue, queue_full_no_overflow, 600)
{
	unsigned long q = self->p.event_queue_len, i;
	__u32 h, st, mode;
	bool last_drop;

	if (self->p.max_handles < 2)
		SKIP(return, "needs max_handles >= 2");

	/* One single-event source: DROP of a DISCONNECTED leg (-> IDLE). */
	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	EXPECT_EQ(2, kt_drain(self->a));
	fill_queue(_metadata, self->a, q / 2, NULL, NULL);
	if (q % 2)
		ASSERT_OK(kt_drop(self->a, h));
	for (i = 0; i < q; i++) {
		last_drop = (q % 2) && i == q - 1;
		st = last_drop ? S_IDLE : (i % 2 ? S_DISC : S_DIALING);
		mode = !last_drop && (i % 2) ? M_BADADDR : 0;
		EXPECT_EV(self->a, EV_CS, ANY, ANY, st, mode, P_OWN);
	}
	EXPECT_NO_EV(self->a);
}

/* dropped counts the events lost since the previous OVERFLOW only. */
TEST_F_TIMEOUT(queue, queue_overflow_counts_since_last, 600)
{
	unsigned long q = self->p.event_queue_len, round, i;
	struct ktapi_event ev;

	for (round = 0; round < 2; round++) {
		unsigned long k = q / 2 + 3 + 2 * round;
		unsigned long dropped = 2 * k - q;

		fill_queue(_metadata, self->a, k, NULL, NULL);
		for (i = 0; i < q; i++) {
			ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
			ASSERT_EQ(EV_CS, ev.type) TH_LOG("round %lu record %lu", round, i);
		}
		EXPECT_EV(self->a, EV_OVF, 0, 0, 0, dropped, 0);
		EXPECT_NO_EV(self->a);
	}
}

/* One file's full queue does not affect another file's queue. */
TEST_F_TIMEOUT(call, queue_overflow_is_per_file, 600)
{
	unsigned long q = self->p.event_queue_len;
	struct pair pr;

	fill_queue(_metadata, self->a, q / 2 + 3, NULL, NULL);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &pr.ha, &pr.ca));
	EXPECT_NEW(NULL, self->b, ANY, S_OFFERING, P_OWN);
	EXPECT_EV(self->b, EV_CS, ANY, ANY, S_OFFERING, 0, P_OWN);
	EXPECT_NO_EV(self->b);
}

TEST_HARNESS_MAIN
