// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: closing a line: release of the fd, and the forced
 * LINE_CLOSE of CLOSE_LINE_DEVICE.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <sys/epoll.h>

#include "ktapi_utils.h"

/* ---- Line close (release of the fd) ------------------------------------ */

/*
 * One end of the call @pr closes its line (the callee b or the caller a):
 * the other end reads DISCONNECTED with @mode, nothing more, and its info
 * says so.
 */
static void close_one_end(struct __test_metadata *_metadata,
			  FIXTURE_DATA(call) *self, const struct pair *pr,
			  bool callee, __u32 mode)
{
	struct pair_end e = PAIR_END(pr, callee);
	struct ktapi_call_info ci;

	close_fd(callee ? &self->b : &self->a);
	EXPECT_CS(e.peer, e.ph, e.pcid, S_DISC, mode, P_OWN);
	EXPECT_NO_EV(e.peer);
	GET_INFO(e.peer, e.ph, &ci);
	EXPECT_EQ(S_DISC, ci.state);
	EXPECT_EQ(mode, ci.state_mode);
}

TEST_F(call, close_caller_drops_ringing_call)
{
	struct ktapi_stats s0, s1;
	struct pair pr;
	bool stats;

	CALL_AB(&pr);
	stats = HAVE_STATS(&s0);
	close_one_end(_metadata, self, &pr, false, M_NORMAL);
	if (stats) {
		EXPECT_CALLS_HANDLES(&s0, &s1, -1, -1);
		EXPECT_EQ(s0.files - 1, s1.files);
		EXPECT_EQ(s0.lines_open - 1, s1.lines_open);
	}
}

TEST_F(call, close_caller_drops_connected_call)
{
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	close_one_end(_metadata, self, &pr, false, M_NORMAL);
}

/* An answered incoming leg has one owner: its close drops the call. */
TEST_F(call, close_callee_drops_connected_call)
{
	struct pair pr;

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	close_one_end(_metadata, self, &pr, true, M_NORMAL);
}

/* Closing with an OFFERING leg drops that leg: the caller sees REJECT. */
TEST_F(call, close_callee_rejects_offering_call)
{
	struct pair pr;

	CALL_AB(&pr);
	close_one_end(_metadata, self, &pr, true, M_REJECT);
}

/* A monitor's close drops nothing and sends nothing. */
TEST_F(call, close_monitors_drop_nothing)
{
	struct ktapi_call_info ci;
	struct pair pr;
	int m0 = LINE(0, P_MON);
	int m1 = LINE(1, P_MON);

	CALL_AB(&pr);
	ANSWER_AB(&pr);
	close(m0);
	close(m1);
	EXPECT_NO_EV(self->a, self->b);
	GET_INFO(self->a, pr.ha, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(0, ci.num_monitors);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_CONNECTED, ci.state);
	EXPECT_EQ(0, ci.num_monitors);
}

/* The sole owner's close drops its leg even while monitors hold it. */
TEST_F(call, close_owner_drops_monitored_leg)
{
	struct ktapi_call_info ci;
	struct watched w;
	struct pair pr;

	CALL_AB_WATCHED(&pr, &w, WATCH_A);
	kt_drain(w.m0);
	close_fd(&self->a);
	EXPECT_CS(w.m0, w.hm0, pr.ca, S_IDLE, 0, P_MON);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(w.m0);
	GET_INFO(w.m0, w.hm0, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
	EXPECT_EQ(0, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	close(w.m0);
}

/* Closing with an IDLE call sends nothing to the other side. */
TEST_F(call, close_with_idle_call_sends_nothing)
{
	struct ktapi_call_info ci;
	struct pair pr;

	CALL_AB(&pr);
	IDLE_AB(&pr);
	close_fd(&self->a);
	EXPECT_NO_EV(self->b);
	GET_INFO(self->b, pr.hb, &ci);
	EXPECT_EQ(S_IDLE, ci.state);
}

/* Closing a line frees all its handles and the calls only it held. */
TEST_F(call, close_frees_handles_and_calls)
{
	struct ktapi_stats s0, s1;
	struct pair pr;
	int i;

	NEED_STATS(&s0);
	for (i = 0; i < 5; i++)
		ASSERT_OK(kt_make_call(self->a, "999", NULL, NULL));
	EXPECT_EQ(10, kt_drain(self->a));
	CALL_AB(&pr);
	EXPECT_CALLS_HANDLES(&s0, &s1, 7, 7);
	close_fd(&self->a);
	close_fd(&self->b);
	EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_EQ(s0.files - 2, s1.files);
	EXPECT_EQ(s0.lines_open - 2, s1.lines_open);
	EXPECT_EQ(s0.events_queued, s1.events_queued);
}

/* ---- CLOSE_LINE_DEVICE (forced LINE_CLOSE) ------------------------------ */

/* Force-close device 1 from a separate root file. */
static void force_close(struct __test_metadata *_metadata, __u32 dev)
{
	int r = FD();

	ASSERT_OK(kt_close_dev(r, dev));
	close(r);
}

/* The line gets one LINE_CLOSE: all fields zero but type and time_ns. */
TEST_F(call, force_close_line_close_event)
{
	struct ktapi_event ev;
	__u64 t0, t1;

	REQUIRE_ROOT();
	t0 = kt_now_ns();
	force_close(_metadata, 1);
	t1 = kt_now_ns();
	EXPECT_EV_OUT(&ev, self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_LE(t0, ev.time_ns);
	EXPECT_GE(t1, ev.time_ns);
	EXPECT_NO_EV(self->b, self->a);
}

/* Every open line of the device gets it, whatever its privileges. */
TEST_F(call, force_close_every_line_of_device)
{
	int m1, n1, b2, m0;

	REQUIRE_ROOT();
	m1 = LINE(1, P_MON);
	n1 = LINE(1, P_NONE);
	b2 = LINE(1, P_OWN | P_MON);
	m0 = LINE(0, P_MON);
	force_close(_metadata, 1);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(m1, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(n1, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(b2, EV_CLOSE, 0, 0, 0, 0, 0);
	/* Other devices are untouched. */
	EXPECT_NO_EV(self->a, m0);
	EXPECT_OK(kt_make_call(self->a, "999", NULL, NULL));
	EXPECT_OK(kt_make_call(m0, "999", NULL, NULL));
	close(m1);
	close(n1);
	close(b2);
	close(m0);
}

/* Afterwards every ioctl that needs an open line is EBADFD. */
TEST_F(call, force_close_line_ioctls_ebadfd)
{
	struct ktapi_call_info ci;
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	force_close(_metadata, 1);
	EXPECT_ERRNO(EBADFD, kt_make_call(self->b, self->addr_a, NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_answer(self->b, pr.hb));
	EXPECT_ERRNO(EBADFD, kt_drop(self->b, pr.hb));
	EXPECT_ERRNO(EBADFD, kt_info(self->b, pr.hb, &ci));
	EXPECT_ERRNO(EBADFD, kt_dealloc(self->b, pr.hb));
	/* Line state is checked before the values. */
	EXPECT_ERRNO(EBADFD, kt_make_call(self->b, "", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_info(self->b, 0, &ci));
}

/* A new LINE_OPEN on the force-closed file is EBUSY. */
TEST_F(call, force_close_line_open_ebusy)
{
	REQUIRE_ROOT();
	force_close(_metadata, 1);
	EXPECT_ERRNO(EBUSY, kt_line_open(self->b, 1, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->b, 0, P_NONE, API_CUR));
}

/* Ioctls that need no open line still work on the force-closed file. */
TEST_F(call, force_close_devcaps_and_close_still_work)
{
	struct ktapi_devcaps caps;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	ASSERT_OK(kt_devcaps(self->b, 1, &caps));
	/* And the ids providers were given (ktapi_devices.c). */
	EXPECT_EQ(kt_num_devices(self->a), caps.num_devices);
	EXPECT_LE(self->p.lines, caps.num_devices);
	EXPECT_STREQ(self->addr_b, caps.address);
	EXPECT_OK(kt_close_dev(self->b, 1));
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
}

/* The other side of a connected call sees DISCONNECTED/NORMAL. */
TEST_F(call, force_close_peer_of_connected_call)
{
	struct ktapi_event ev;
	struct pair pr;
	int m0;

	REQUIRE_ROOT();
	m0 = LINE(0, P_MON);
	CALL_AB(&pr);
	EXPECT_NEW(&ev, m0, pr.ca, S_DIALING, P_MON);
	ANSWER_AB(&pr);
	kt_drain(m0);
	force_close(_metadata, 1);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_NORMAL, P_OWN);
	EXPECT_CS(m0, ev.handle, pr.ca, S_DISC, M_NORMAL, P_MON);
	EXPECT_NO_EV(self->a);
	close(m0);
}

/* The caller of an OFFERING leg that is force-closed sees REJECT. */
TEST_F(call, force_close_peer_of_offering_call)
{
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	force_close(_metadata, 1);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_DISC, M_REJECT, P_OWN);
	EXPECT_NO_EV(self->a);
}

/* Force-closing the caller's device drops its outbound leg. */
TEST_F(call, force_close_caller_device)
{
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	ANSWER_AB(&pr);
	force_close(_metadata, 0);
	EXPECT_EV(self->a, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->a);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->b);
}

/* Handles are void at once: handles and calls are freed, lines_open drops. */
TEST_F(call, force_close_frees_handles)
{
	struct ktapi_stats s0, s1;
	struct pair pr;

	REQUIRE_ROOT();
	CALL_AB(&pr);
	ANSWER_AB(&pr);
	ASSERT_OK(kt_make_call(self->b, "999", NULL, NULL));
	NEED_STATS(&s0);
	force_close(_metadata, 1);
	EXPECT_CALLS_HANDLES(&s0, &s1, -2, -2);
	EXPECT_EQ(s0.lines_open - 1, s1.lines_open);
	EXPECT_EQ(s0.files, s1.files);
}

/* A force-closed owner no longer owns the device. */
TEST_F(call, force_close_device_unowned_after)
{
	__u32 h, cid;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_DISC, M_UNAVAIL, P_OWN);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
}

/* Opening the device again with a new file works. */
TEST_F(call, force_close_reopen_new_file)
{
	struct pair pr;
	int b2;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	b2 = LINE(1, P_OWN);
	__call_ab(_metadata, self->a, b2, self->addr_b, &pr);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->b);
	close(b2);
}

/* poll(), without waiting: the events it reports, 0 for none. */
static short poll_now(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

/* The fd stays readable for LINE_CLOSE: POLLHUP with POLLIN until it is read. */
TEST_F(call, force_close_pollhup_with_pollin_while_records_remain)
{
	__u32 h, cid;

	REQUIRE_ROOT();
	ASSERT_OK(kt_make_call(self->b, "999", &h, &cid));
	force_close(_metadata, 1);
	EXPECT_EQ(POLLIN | POLLRDNORM | POLLHUP,
		  poll_now(self->b, POLLIN | POLLRDNORM));
	EXPECT_CS(self->b, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->b, h, cid, S_DISC, M_BADADDR, P_OWN);
	/* The LINE_CLOSE is left. */
	EXPECT_EQ(POLLIN | POLLRDNORM | POLLHUP,
		  poll_now(self->b, POLLIN | POLLRDNORM));
	/* POLLHUP is reported even to a poller that asked for nothing. */
	EXPECT_EQ(POLLHUP, poll_now(self->b, 0));
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
}

/* Once everything is read, POLLHUP alone. */
TEST_F(call, force_close_pollhup_alone_after_all_read)
{
	REQUIRE_ROOT();
	force_close(_metadata, 1);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EQ(POLLHUP, poll_now(self->b, POLLIN | POLLRDNORM));
	EXPECT_EQ(POLLHUP, poll_now(self->b, 0));
	/* Lines that were not force-closed never report it. */
	EXPECT_EQ(0, poll_now(self->a, POLLIN | POLLRDNORM));
}

/* After the LINE_CLOSE, read() is at end of file: 0, with O_NONBLOCK or not. */
TEST_F(call, force_close_read_after_end_returns_0)
{
	struct blocked_read r = { .fd = self->b, .len = EV_SIZE };
	struct ktapi_event ev;
	pthread_t t;
	int i;

	REQUIRE_ROOT();
	force_close(_metadata, 1);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	ASSERT_EQ(0, fcntl(self->b, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(0, read(self->b, &ev, sizeof(ev)));
	EXPECT_EQ(0, read(self->b, &ev, sizeof(ev)));
	ASSERT_EQ(0, fcntl(self->b, F_SETFL, 0));
	/* A blocking read() does not block. */
	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_reader, &r));
	for (i = 0; i < 200 && !__atomic_load_n(&r.done, __ATOMIC_SEQ_CST); i++)
		kt_sleep_ms(10);
	ASSERT_EQ(1, __atomic_load_n(&r.done, __ATOMIC_SEQ_CST))
		TH_LOG("a blocking read() after the LINE_CLOSE still blocks");
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, r.n) TH_LOG("read: %s", strerror(r.err));
	/* Still an empty-buffer EINVAL before anything else. */
	EXPECT_ERRNO(EINVAL, kt_err(read(self->b, &ev, 1)));
}

/* A thread blocked in poll() is woken by the close, with POLLHUP. */
struct blocked_poll {
	int fd;
	short events;
	short revents;
	int ret;
	int done;
};

static void *blocked_poller(void *arg)
{
	struct blocked_poll *bp = arg;
	struct pollfd pfd = { .fd = bp->fd, .events = bp->events };

	bp->ret = poll(&pfd, 1, 10000);
	bp->revents = pfd.revents;
	__atomic_store_n(&bp->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

TEST_F(call, force_close_wakes_blocked_poller_with_pollhup)
{
	struct blocked_poll bp = { .fd = self->b, .events = 0 };
	__u64 t0;
	pthread_t t;

	REQUIRE_ROOT();
	/* Asking for no event: only POLLHUP can wake it. */
	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_poller, &bp));
	kt_sleep_ms(200);
	EXPECT_EQ(0, __atomic_load_n(&bp.done, __ATOMIC_SEQ_CST));
	t0 = kt_now_ns();
	force_close(_metadata, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(1, bp.ret);
	EXPECT_EQ(POLLHUP, bp.revents);
	/* Woken by the close, long before poll()'s 10 s timeout. */
	EXPECT_GT(t0 + 5000000000ULL, kt_now_ns());
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
}

/* And so is one waiting for POLLIN, which sees the LINE_CLOSE too. */
TEST_F(call, force_close_wakes_pollin_poller)
{
	struct blocked_poll bp = { .fd = self->b, .events = POLLIN };
	pthread_t t;

	REQUIRE_ROOT();
	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_poller, &bp));
	kt_sleep_ms(200);
	EXPECT_EQ(0, __atomic_load_n(&bp.done, __ATOMIC_SEQ_CST));
	force_close(_metadata, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(1, bp.ret);
	EXPECT_EQ(POLLIN | POLLHUP, bp.revents);
}

/* epoll: EPOLLIN | EPOLLHUP, then EPOLLHUP alone once the LINE_CLOSE is read. */
TEST_F(call, force_close_epoll_reports_epollhup)
{
	struct epoll_event ee = { .events = EPOLLIN }, got[2];
	int ep;

	REQUIRE_ROOT();
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->b, &ee));
	EXPECT_EQ(0, epoll_wait(ep, got, 2, 0));
	force_close(_metadata, 1);
	ASSERT_EQ(1, epoll_wait(ep, got, 2, 1000));
	EXPECT_EQ((__u32)(EPOLLIN | EPOLLHUP), got[0].events);
	EXPECT_EV(self->b, EV_CLOSE, 0, 0, 0, 0, 0);
	ASSERT_EQ(1, epoll_wait(ep, got, 2, 0));
	EXPECT_EQ((__u32)EPOLLHUP, got[0].events);
	close(ep);
}

/* A reader blocked on an empty queue is woken by LINE_CLOSE. */
TEST_F(call, force_close_wakes_blocked_reader)
{
	struct blocked_read r = { .fd = self->b, .len = EV_SIZE };
	pthread_t t;

	REQUIRE_ROOT();
	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_reader, &r));
	kt_sleep_ms(200);
	EXPECT_EQ(0, __atomic_load_n(&r.done, __ATOMIC_SEQ_CST));
	force_close(_metadata, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(EV_SIZE, r.n) TH_LOG("read: %s", strerror(r.err));
	EXPECT_EQ(EV_CLOSE, r.ev[0].type);
	EXPECT_EQ(0, r.ev[0].handle);
}

/* Without CAP_SYS_ADMIN: EPERM, and the device is left alone. */
TEST_F(call, force_close_unprivileged_eperm)
{
	struct ktapi_devcaps caps;
	int fd, err;

	REQUIRE_ROOT();
	ASSERT_EQ(0, kt_nobody_node());
	ASSERT_EQ(0, kt_drop_privileges());
	ASSERT_EQ(65534, geteuid());
	fd = kt_open();
	err = errno;
	kt_nobody_node_remove();
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(err));
	EXPECT_ERRNO(EPERM, kt_close_dev(fd, 1));
	/* With a line of its own, still EPERM, and its line is untouched. */
	ASSERT_OK(kt_line_open(fd, 1, P_MON, API_CUR));
	EXPECT_ERRNO(EPERM, kt_close_dev(fd, 1));
	EXPECT_NO_EV(fd, self->b);
	ASSERT_OK(kt_devcaps(fd, 1, &caps));
	EXPECT_OK(kt_make_call(fd, "999", NULL, NULL));
	EXPECT_OK(kt_make_call(self->b, "999", NULL, NULL));
	close(fd);
}

/* capable() is checked on the caller: a root-opened file does not help. */
TEST_F(call, force_close_root_opened_file_eperm)
{
	__u32 h, cid;
	int r;

	REQUIRE_ROOT();
	r = FD();
	ASSERT_EQ(0, kt_drop_privileges());
	ASSERT_EQ(65534, geteuid());
	EXPECT_ERRNO(EPERM, kt_close_dev(r, 1));
	EXPECT_NO_EV(self->b);
	/* b still owns device 1. */
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, &cid));
	EXPECT_CS(self->a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, h, cid, S_RINGBACK, 0, P_OWN);
	close(r);
}

TEST_HARNESS_MAIN
