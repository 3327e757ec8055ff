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

/* ---- What waits behind a full queue: APPNEWCALL, LINE_CLOSE ------------ */

/* Force-close device @dev from a separate root file. */
static void force_close_dev(struct __test_metadata *_metadata, __u32 dev)
{
	int r = FD();

	ASSERT_OK(kt_close_dev(r, dev));
	close(r);
}

/* The handles @fd holds, from /proc/self/fdinfo; -1 if unreadable. */
static long long fdinfo_handles(int fd)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (kt_read_file(path, buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "ktapi-handles:");
	return p ? strtoll(p + strlen("ktapi-handles:"), NULL, 10) : -1;
}

/*
 * With its queue full, a forced close still gives the file its LINE_CLOSE:
 * after the records queued before it and the OVERFLOW counting the ones
 * dropped, exactly once, and then end of file.
 */
TEST_F_TIMEOUT(queue, queue_full_line_close_comes_last_once, 600)
{
	unsigned long q = self->p.event_queue_len;
	unsigned long k = q / 2 + 3;
	unsigned long dropped = 2 * k - q, i;
	struct ktapi_stats s0, s1;
	struct ktapi_event ev;
	__u32 *h, *cid;
	bool stats;

	REQUIRE_ROOT();
	h = calloc(k, sizeof(*h));
	cid = calloc(k, sizeof(*cid));
	ASSERT_TRUE(h && cid);
	stats = HAVE_STATS(&s0);
	fill_queue(_metadata, self->a, k, h, cid);
	force_close_dev(_metadata, 0);
	if (stats) {
		/* The ring, and the LINE_CLOSE behind it. */
		GET_STATS(&s1);
		EXPECT_EQ(s0.events_queued + (long long)q + 1, s1.events_queued);
		EXPECT_EQ(s0.events_dropped + (long long)dropped, s1.events_dropped);
	}
	for (i = 0; i < q; i++) {
		if (i % 2 == 0)
			EXPECT_CS(self->a, h[i / 2], cid[i / 2], S_DIALING, 0, P_OWN);
		else
			EXPECT_CS(self->a, h[i / 2], cid[i / 2], S_DISC, M_BADADDR, P_OWN);
	}
	EXPECT_EV(self->a, EV_OVF, 0, 0, 0, dropped, 0);
	EXPECT_EV(self->a, EV_CLOSE, 0, 0, 0, 0, 0);
	/* Nothing after it: end of file. */
	EXPECT_EQ(EPIPE, kt_read_event(self->a, &ev, 0));
	EXPECT_EQ(0, kt_read_nonblock(self->a, &ev, sizeof(ev)));
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.events_queued, s1.events_queued);
	}
	free(h);
	free(cid);
}

/* How many calls to make into a file with a full queue. */
static unsigned long calls_into_full(const struct ktapi_params *p)
{
	unsigned long n = p->event_queue_len + 3;

	return n < p->max_handles / 2 ? n : p->max_handles / 2;
}

/*
 * a makes @n calls to b: their call ids in @ha[] (a's handles) and @cb[]
 * (b's legs).  a's own events are thrown away as they come.
 */
static void calls_to_b(struct __test_metadata *_metadata,
		       FIXTURE_DATA(call) *self, unsigned long n, __u32 *ha,
		       __u32 *cb)
{
	struct ktapi_call_info ci;
	unsigned long i;

	for (i = 0; i < n; i++) {
		ASSERT_OK(kt_make_call(self->a, self->addr_b, &ha[i], NULL));
		GET_INFO(self->a, ha[i], &ci);
		cb[i] = ci.related_call_id;
		ASSERT_NE(0, cb[i]);
		ASSERT_LE(0, kt_drain(self->a));
	}
}

/*
 * The handles of @fd below @limit are exactly the @n in @h, each held once
 * (fdinfo agrees).
 */
static void expect_holds_exactly(struct __test_metadata *_metadata, int fd,
				 const __u32 *h, unsigned long n,
				 unsigned long limit)
{
	struct ktapi_call_info ci;
	unsigned long v, i, held = 0;
	unsigned char *want = calloc(limit + 1, 1);

	ASSERT_NE(NULL, want);
	EXPECT_EQ((long long)n, fdinfo_handles(fd));
	for (i = 0; i < n; i++) {
		ASSERT_GE(limit, h[i]);
		EXPECT_EQ(0, want[h[i]]++) TH_LOG("handle %u announced twice", h[i]);
	}
	for (v = 1; v <= limit; v++) {
		if (want[v]) {
			EXPECT_EQ(0, kt_info(fd, v, &ci)) TH_LOG("handle %lu", v);
			held++;
		} else {
			/* Held but never announced, if it is not ENOENT. */
			EXPECT_EQ(ENOENT, kt_info(fd, v, &ci)) {
				TH_LOG("handle %lu was never announced", v);
			}
		}
	}
	EXPECT_EQ(n, held);
	free(want);
}

/*
 * Incoming calls into a file whose queue is full: no APPNEWCALL is lost.
 * They come after the queued records, in call order, then one OVERFLOW
 * counting every CALLSTATE dropped (their OFFERING too); every handle the
 * file holds was announced by exactly one of them.
 */
TEST_F_TIMEOUT(call, queue_full_appnewcall_never_dropped, 600)
{
	unsigned long q = self->p.event_queue_len;
	unsigned long k = q / 2 + 3, n = calls_into_full(&self->p), i;
	unsigned long dropped = 2 * k - q + n;
	struct ktapi_call_info ci;
	struct ktapi_stats s0, s1;
	struct ktapi_event ev;
	__u32 *ha, *cb, *hb;
	bool stats;

	ha = calloc(n, sizeof(*ha));
	cb = calloc(n, sizeof(*cb));
	hb = calloc(n, sizeof(*hb));
	ASSERT_TRUE(ha && cb && hb);
	stats = HAVE_STATS(&s0);
	fill_queue(_metadata, self->b, k, NULL, NULL);
	calls_to_b(_metadata, self, n, ha, cb);
	if (stats) {
		/* The waiting APPNEWCALLs count as queued. */
		GET_STATS(&s1);
		EXPECT_EQ(s0.events_queued + (long long)(q + n), s1.events_queued);
		EXPECT_EQ(s0.events_dropped + (long long)dropped, s1.events_dropped);
	}
	for (i = 0; i < q; i++)
		EXPECT_EV(self->b, EV_CS, ANY, ANY, i % 2 ? S_DISC : S_DIALING,
			  i % 2 ? M_BADADDR : 0, P_OWN);
	for (i = 0; i < n; i++) {
		EXPECT_NEW(&ev, self->b, cb[i], S_OFFERING, P_OWN);
		hb[i] = ev.handle;
	}
	EXPECT_EV(self->b, EV_OVF, 0, 0, 0, dropped, 0);
	EXPECT_NO_EV(self->b);
	for (i = 0; i < n; i++) {
		GET_INFO(self->b, hb[i], &ci);
		EXPECT_EQ(cb[i], ci.call_id);
		EXPECT_EQ(S_OFFERING, ci.state);
	}
	expect_holds_exactly(_metadata, self->b, hb, n,
			     k + n + 64 < self->p.max_handles ?
			     k + n + 64 : self->p.max_handles);
	/* The queue works as before: the next call's two records. */
	CALL_REFUSED(self->b, "999", M_BADADDR, &ha[0], &cb[0]);
	free(ha);
	free(cb);
	free(hb);
}

/*
 * Per handle, APPNEWCALL still comes before its CALLSTATE records, also
 * when the calls change state while their announcements wait and the file
 * reads in between.
 */
TEST_F_TIMEOUT(call, queue_full_appnewcall_before_its_callstates, 600)
{
	unsigned long q = self->p.event_queue_len;
	unsigned long k = q / 2 + 3, n = calls_into_full(&self->p);
	unsigned long max = q + 4 * n + 16, got = 0, i, j, nnew = 0;
	struct ktapi_event *ev;
	struct ktapi_call_info ci;
	__u32 *ha, *cb, *hb;
	int r;

	ha = calloc(n, sizeof(*ha));
	cb = calloc(n, sizeof(*cb));
	hb = calloc(n, sizeof(*hb));
	ev = calloc(max, sizeof(*ev));
	ASSERT_TRUE(ha && cb && hb && ev);
	fill_queue(_metadata, self->b, k, NULL, NULL);
	calls_to_b(_metadata, self, n, ha, cb);
	/* b reads half a queue: some announcements move up, the rest wait. */
	for (; got < q / 2 + 1; got++)
		ASSERT_OK(kt_read_event(self->b, &ev[got], EV_WAIT_MS));
	/* Every other caller hangs up: b's legs go DISCONNECTED. */
	for (i = 0; i < n; i += 2)
		ASSERT_OK(kt_drop(self->a, ha[i]));
	r = kt_drain_evs(self->b, ev + got, max - got);
	ASSERT_LE(0, r);
	got += r;
	ASSERT_GT(max, got);
	/* b answers what still rings, as it learnt of it. */
	for (j = 0; j < got; j++) {
		if (ev[j].type != EV_NEW)
			continue;
		ASSERT_GT(n, nnew);
		hb[nnew++] = ev[j].handle;
		GET_INFO(self->b, ev[j].handle, &ci);
		if (ci.state == S_OFFERING)
			ASSERT_OK(kt_answer(self->b, ev[j].handle));
	}
	r = kt_drain_evs(self->b, ev + got, max - got);
	ASSERT_LE(0, r);
	got += r;
	ASSERT_GT(max, got);
	/* Every call was announced once. */
	ASSERT_EQ(n, nnew);
	/* No CALLSTATE of a handle before its APPNEWCALL, none lost after it. */
	for (i = 0; i < n; i++) {
		bool announced = false;
		__u32 last = 0;

		for (j = 0; j < got; j++) {
			if (ev[j].handle != hb[i])
				continue;
			if (ev[j].type == EV_NEW) {
				EXPECT_FALSE(announced) TH_LOG("handle %u twice", hb[i]);
				announced = true;
				/* Announced in call order. */
				EXPECT_EQ(cb[i], ev[j].call_id);
				continue;
			}
			EXPECT_TRUE(announced) {
				TH_LOG("record %lu: CALLSTATE %s of handle %u before its APPNEWCALL",
				       j, state_name(ev[j].state), hb[i]);
			}
			last = ev[j].state;
		}
		EXPECT_TRUE(announced);
		/* What came last agrees with the leg's state now. */
		GET_INFO(self->b, hb[i], &ci);
		if (last)
			EXPECT_EQ(ci.state, last) TH_LOG("handle %u", hb[i]);
	}
	expect_holds_exactly(_metadata, self->b, hb, n,
			     k + n + 64 < self->p.max_handles ?
			     k + n + 64 : self->p.max_handles);
	free(ha);
	free(cb);
	free(hb);
	free(ev);
}

/*
 * A forced close while APPNEWCALLs wait: their handles are void, so they
 * are withdrawn and counted in the OVERFLOW before the LINE_CLOSE.
 */
TEST_F_TIMEOUT(call, queue_full_line_close_withdraws_waiting_appnewcalls, 600)
{
	unsigned long q = self->p.event_queue_len;
	unsigned long k = q / 2 + 3, n = calls_into_full(&self->p), i;
	struct ktapi_stats s0, s1;
	struct ktapi_event ev;
	__u32 *ha, *cb;
	bool stats;

	REQUIRE_ROOT();
	ha = calloc(n, sizeof(*ha));
	cb = calloc(n, sizeof(*cb));
	ASSERT_TRUE(ha && cb);
	stats = HAVE_STATS(&s0);
	fill_queue(_metadata, self->b, k, NULL, NULL);
	calls_to_b(_metadata, self, n, ha, cb);
	force_close_dev(_metadata, 1);
	for (i = 0; i < q; i++)
		EXPECT_EV(self->b, EV_CS, ANY, ANY, i % 2 ? S_DISC : S_DIALING,
			  i % 2 ? M_BADADDR : 0, P_OWN);
	/* The drops, the OFFERING of each call, each APPNEWCALL withdrawn. */
	EXPECT_EV(self->b, EV_OVF, 0, 0, 0, 2 * k - q + 2 * n, 0);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EQ(EPIPE, kt_read_event(self->b, &ev, 0));
	ASSERT_LE(0, kt_drain(self->a));
	if (stats) {
		GET_STATS(&s1);
		EXPECT_EQ(s0.events_queued, s1.events_queued);
	}
	free(ha);
	free(cb);
}

TEST_HARNESS_MAIN
