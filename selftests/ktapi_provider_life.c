// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi_provider_life: the lifetime of a provider's legs, requests and
 * devices (uapi/linux/ktapi.h, DOC: Requests and Providers).
 *
 *  - CLOSECALL exactly once per call id, after the last handle of any kind
 *    went, and never before: deallocate (owner then monitor, monitor then
 *    owner), line close, forced close (CLOSE_LINE_DEVICE), REMOVE_LINE, a
 *    MAKECALL answered with an error, a MAKECALL read and timed out, a
 *    MAKECALL whose file closed before the REPLY; a MAKECALL never read
 *    is taken back and gets no CLOSECALL;
 *  - provider death with pending sync and async requests (ECONNABORTED,
 *    REPLY records) and live calls (LINE_CLOSE, handles void, LINE_REMOVE,
 *    ENODEV after);
 *  - a provider that never replies: ETIMEDOUT, a late REPLY is ENOENT,
 *    and meanwhile another provider's and the loopback switch's calls
 *    complete (while the stalled request is still pending);
 *  - EAGAIN at the provider's max_requests, at once;
 *  - LINE_CREATE and LINE_REMOVE to every open file of /dev/ktapi.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "ktapi_utils.h"

#define ADDR_DEV	"7201"
#define ADDR_DEV2	"7202"

FIXTURE(life) {
	long long old_timeout;
	int pfd;		/* the provider */
	__u32 dev, dev2;	/* its devices */
	int app;		/* OWNER line on dev */
	int mon;		/* MONITOR line on dev */
	int other;		/* a file of /dev/ktapi without a line */
	struct ktapi_stats base;
};

FIXTURE_SETUP(life)
{
	self->old_timeout = -1;
	self->pfd = self->app = self->mon = self->other = -1;
	PROV_REQUIRE();
	ASSERT_OK(kt_stats_read(&self->base));
	self->old_timeout = kt_param("provider_timeout_ms");
	self->pfd = PROV("life", 16);
	self->dev = PROV_LINE(self->pfd, ADDR_DEV);
	self->dev2 = PROV_LINE(self->pfd, ADDR_DEV2);
	self->app = LINE(self->dev, P_OWN);
	self->mon = LINE(self->dev, P_MON);
	self->other = FD();
}

FIXTURE_TEARDOWN(life)
{
	struct ktapi_stats st;

	PROV_TIMEOUT_RESTORE(self->old_timeout);
	close_fd(&self->app);
	close_fd(&self->mon);
	close_fd(&self->other);
	close_fd(&self->pfd);
	/* Everything made was freed (the provider's death included). */
	if (kt_stats_read(&st))
		return;
	if (st.calls != self->base.calls || st.handles != self->base.handles ||
	    st.files != self->base.files) {
		TH_LOG("not back to the start: calls %lld -> %lld, handles %lld -> %lld, files %lld -> %lld",
		       self->base.calls, st.calls, self->base.handles,
		       st.handles, self->base.files, st.files);
		_metadata->passed = 0;
	}
}

/* The handle of @call_id that @fd was announced (its APPNEWCALL). */
static __u32 __announced(struct __test_metadata *_metadata, int fd,
			 __u32 call_id, __u32 state)
{
	struct ktapi_event ev;

	EXPECT_NEW(&ev, fd, call_id, state, P_MON);
	return ev.handle;
}
#define ANNOUNCED(fd, cid, state)	__announced(_metadata, fd, cid, state)

/*
 * A sync request from a thread: MAKE_CALL (op 0) or ANSWER/DROP (cmd).
 * @done is set when the ioctl returned, with its errno in @err.
 */
struct sync_req {
	int fd;
	const char *dest;
	unsigned long cmd;	/* 0: MAKE_CALL */
	__u32 handle;
	__u32 h, cid;		/* MAKE_CALL's results */
	int err;
	int done;
	pthread_t t;
};

static void *sync_thread(void *arg)
{
	struct sync_req *r = arg;

	if (r->cmd)
		r->err = kt_op(r->fd, r->cmd, r->handle);
	else
		r->err = kt_make_call(r->fd, r->dest, &r->h, &r->cid);
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int sync_start(struct sync_req *r, int fd, const char *dest)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->dest = dest;
	return pthread_create(&r->t, NULL, sync_thread, r);
}

static bool sync_done(struct sync_req *r)
{
	return __atomic_load_n(&r->done, __ATOMIC_SEQ_CST);
}

static int sync_join(struct sync_req *r)
{
	pthread_join(r->t, NULL);
	return r->err;
}

/* ------------------------------------------------------------------ */
/* CLOSECALL after the last handle, whichever way it goes.              */

/* An incoming leg, with the owner's and the monitor's handles. */
static void __call_in(struct __test_metadata *_metadata,
		      FIXTURE_DATA(life) *self, __u32 *h, __u32 *hm,
		      __u32 *cid)
{
	PROV_CALL_IN(self->pfd, self->dev, "555", ADDR_DEV, self->app, h, cid);
	*hm = PROV_MONITOR(self->mon, *cid, S_OFFERING);
}
#define CALL_IN(h, hm, cid)	__call_in(_metadata, self, h, hm, cid)

/* An outgoing leg, RINGBACK, with the owner's and the monitor's handles. */
static void __call_out(struct __test_metadata *_metadata,
		       FIXTURE_DATA(life) *self, __u32 *h, __u32 *hm,
		       __u32 *cid)
{
	PROV_CALL_OUT(self->app, self->pfd, self->dev, "123", h, cid);
	*hm = PROV_MONITOR(self->mon, *cid, S_DIALING);
	ASSERT_OK(kt_prov_callstate(self->pfd, *cid, S_RINGBACK, 0));
	EXPECT_CS(self->app, *h, *cid, S_RINGBACK, 0, P_OWN);
	EXPECT_CS(self->mon, *hm, *cid, S_RINGBACK, 0, P_MON);
}
#define CALL_OUT(h, hm, cid)	__call_out(_metadata, self, h, hm, cid)

TEST_F(life, dealloc_owner_then_monitor)
{
	__u32 h, hm, cid, ho, hmo, cido;

	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	EXPECT_OK(kt_dealloc(self->app, h));
	EXPECT_OK(kt_dealloc(self->app, ho));
	/* The monitors still hold the legs: no CLOSECALL yet. */
	EXPECT_NO_REQ(self->pfd);
	EXPECT_OK(kt_dealloc(self->mon, hm));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_OK(kt_dealloc(self->mon, hmo));
	EXPECT_CLOSECALL(self->pfd, self->dev, cido, S_RINGBACK);
	EXPECT_NO_REQ(self->pfd);
	/* After CLOSECALL the call id means nothing to the provider. */
	EXPECT_ERRNO(ENOENT, kt_prov_callstate(self->pfd, cid, S_CONNECTED, 0));
	EXPECT_ERRNO(ENOENT, kt_prov_callstate(self->pfd, cido, S_CONNECTED, 0));
	EXPECT_NO_EV(self->app, self->mon);
}

TEST_F(life, dealloc_monitor_then_owner)
{
	__u32 h, hm, cid, ho, hmo, cido;

	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	EXPECT_OK(kt_dealloc(self->mon, hm));
	EXPECT_OK(kt_dealloc(self->mon, hmo));
	EXPECT_NO_REQ(self->pfd);
	EXPECT_OK(kt_dealloc(self->app, h));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	EXPECT_OK(kt_dealloc(self->app, ho));
	EXPECT_CLOSECALL(self->pfd, self->dev, cido, S_RINGBACK);
	EXPECT_NO_REQ(self->pfd);
}

/* A leg the provider ended: CLOSECALL's state is IDLE. */
TEST_F(life, dealloc_idle)
{
	__u32 h, hm, cid;

	CALL_IN(&h, &hm, &cid);
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_DISC, M_NORMAL));
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_IDLE, 0));
	EXPECT_CS(self->app, h, cid, S_DISC, M_NORMAL, P_OWN);
	EXPECT_CS(self->app, h, cid, S_IDLE, 0, P_OWN);
	/* IDLE is not the end of the leg: the handles hold it. */
	EXPECT_NO_REQ(self->pfd);
	EXPECT_OK(kt_dealloc(self->app, h));
	EXPECT_NO_REQ(self->pfd);
	EXPECT_OK(kt_dealloc(self->mon, hm));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_IDLE);
	EXPECT_NO_REQ(self->pfd);
}

TEST_F(life, line_close)
{
	__u32 h, hm, cid, ho, hmo, cido;
	struct ktapi_provider_request req;
	int err;

	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	close_fd(&self->app);
	/*
	 * The monitor holds both legs: no CLOSECALL.  (Whether the owner's
	 * lineClose asks the provider to DROP is the provider code's choice;
	 * answer such a request, but nothing else may come.)
	 */
	while (!(err = kt_prov_read(self->pfd, &req, NO_EV_WAIT_MS))) {
		EXPECT_EQ(KTAPI_PREQ_DROP, req.type) {
			TH_LOG("unexpected %s call=%u before the last handle went",
			       preq_name(req.type), req.call_id);
		}
		if (req.type == KTAPI_PREQ_DROP)
			kt_prov_reply(self->pfd, req.request_id, 0);
	}
	EXPECT_EQ(ETIMEDOUT, err);
	close_fd(&self->mon);
	/* Both CLOSECALLs, in either order. */
	EXPECT_CLOSECALLS(self->pfd, self->dev, cid, S_OFFERING, cido, S_RINGBACK);
	EXPECT_NO_REQ(self->pfd);
}

TEST_F(life, line_close_monitor_first)
{
	__u32 h, hm, cid;

	CALL_IN(&h, &hm, &cid);
	close_fd(&self->mon);
	EXPECT_NO_REQ(self->pfd);
	close_fd(&self->app);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	EXPECT_NO_REQ(self->pfd);
}

/* A child that held a handle is killed: its file's release. */
TEST_F(life, holder_killed)
{
	struct ktapi_event ev;
	__u32 h, cid;
	int status, pipefd[2];
	pid_t pid;
	char c;

	close_fd(&self->mon);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int m = kt_open_line(self->dev, P_MON);

		if (write(pipefd[1], "x", 1) != 1 || m < 0)
			_exit(1);
		/* Wait for the call, then for the kill. */
		while (kt_read_event(m, &ev, 1000))
			;
		if (write(pipefd[1], "y", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	PROV_CALL_IN(self->pfd, self->dev, "555", ADDR_DEV, self->app, &h, &cid);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_OK(kt_dealloc(self->app, h));
	EXPECT_NO_REQ(self->pfd);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	EXPECT_NO_REQ(self->pfd);
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F(life, forced_close)
{
	__u32 h, hm, cid, ho, hmo, cido;
	struct ktapi_call_info ci;

	REQUIRE_ROOT();
	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	EXPECT_NO_REQ(self->pfd);
	ASSERT_OK(kt_close_dev(self->other, self->dev));
	EXPECT_EV(self->app, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(self->mon, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_ERRNO(EBADFD, kt_info(self->app, h, &ci));
	EXPECT_ERRNO(EBADFD, kt_info(self->mon, hm, &ci));
	EXPECT_CLOSECALLS(self->pfd, self->dev, cid, S_OFFERING, cido, S_RINGBACK);
	EXPECT_NO_REQ(self->pfd);
	/* The device itself stays: a new line can open it. */
	{
		int fd = LINE(self->dev, P_OWN);

		close(fd);
	}
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(self->other);
}

TEST_F(life, remove_line)
{
	__u32 h, hm, cid, ho, hmo, cido, ndev;
	struct ktapi_devcaps dc;
	struct ktapi_call_info ci;
	int lb, fd2;

	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	lb = kt_param("lines") > 0 ? LINE(0, P_OWN) : FD();
	fd2 = LINE(self->dev2, P_OWN);
	ndev = kt_num_devices(self->other);
	ASSERT_OK(kt_prov_remove_line(self->pfd, self->dev));
	/* Done when it returns: the lines on it closed, LINE_REMOVE elsewhere. */
	EXPECT_EV(self->app, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(self->mon, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(self->app, self->mon);	/* end of file */
	EXPECT_LREMOVE(self->other, self->dev);
	EXPECT_LREMOVE(lb, self->dev);
	EXPECT_LREMOVE(fd2, self->dev);
	EXPECT_NO_EV(self->other, lb, fd2);
	EXPECT_ERRNO(EBADFD, kt_info(self->app, h, &ci));
	EXPECT_CLOSECALLS(self->pfd, self->dev, cid, S_OFFERING, cido, S_RINGBACK);
	EXPECT_NO_REQ(self->pfd);
	/* ENODEV for good; num_devices does not shrink. */
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->other, self->dev, &dc));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->other, self->dev, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_prov_remove_line(self->pfd, self->dev));
	EXPECT_ERRNO(ENODEV, kt_prov_newcall(self->pfd, self->dev, "555",
					     ADDR_DEV, NULL));
	EXPECT_EQ(ndev, kt_num_devices(self->other));
	/* The other device is untouched. */
	EXPECT_OK(kt_devcaps(self->other, self->dev2, &dc));
	PROV_CALL_IN(self->pfd, self->dev2, "555", ADDR_DEV2, fd2, &h, &cid);
	close(lb);
	close(fd2);
	EXPECT_CLOSECALL(self->pfd, self->dev2, cid, S_OFFERING);
}

/* ------------------------------------------------------------------ */
/* MAKECALLs that end without a leg.                                    */

static const __s32 fail_results[] = {
	-EINVAL, -EBUSY, -ENOMEM, -EAGAIN, -EIO, -EOPNOTSUPP,
};

TEST_F(life, makecall_failed)
{
	struct ktapi_provider_request req;
	struct ktapi_stats s0, s1;
	struct ktapi_call_info ci;
	struct sync_req r;
	unsigned int i;
	__u32 h, cid, rid;

	for (i = 0; i < ARRAY_SIZE(fail_results); i++) {
		GET_STATS(&s0);
		/* Sync: the ioctl returns the result. */
		ASSERT_EQ(0, sync_start(&r, self->app, "130"));
		EXPECT_MAKECALL(&req, self->pfd, self->dev, ANY, "130");
		EXPECT_FALSE(sync_done(&r));
		ASSERT_OK(kt_prov_reply(self->pfd, req.request_id,
					fail_results[i]));
		EXPECT_EQ(-fail_results[i], sync_join(&r));
		EXPECT_CLOSECALL(self->pfd, self->dev, req.call_id, 0);
		EXPECT_NO_REQ(self->pfd);
		EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
		/* Nothing was ever published. */
		EXPECT_NO_EV(self->app, self->mon, self->other);
		EXPECT_ERRNO(ENOENT, kt_prov_callstate(self->pfd, req.call_id,
						       S_RINGBACK, 0));

		/* Async: the REPLY says it; the handle is void before it. */
		ASSERT_OK(kt_make_call_async(self->app, "131", &h, &cid, &rid));
		EXPECT_ERRNO(ENOENT, kt_info(self->app, h, &ci));
		EXPECT_MAKECALL(&req, self->pfd, self->dev, cid, "131");
		ASSERT_OK(kt_prov_reply(self->pfd, req.request_id,
					fail_results[i]));
		EXPECT_REPLY(self->app, rid, fail_results[i], h, cid);
		EXPECT_ERRNO(ENOENT, kt_info(self->app, h, &ci));
		EXPECT_ERRNO(ENOENT, kt_dealloc(self->app, h));
		EXPECT_CLOSECALL(self->pfd, self->dev, cid, 0);
		EXPECT_NO_REQ(self->pfd);
		EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
		EXPECT_NO_EV(self->app, self->mon, self->other);
	}
}

/* A MAKECALL read but not answered in time: ETIMEDOUT, then CLOSECALL. */
TEST_F(life, makecall_timeout_read)
{
	struct ktapi_provider_request req;
	struct ktapi_stats s0, s1;
	struct ktapi_event ev;
	struct sync_req r;
	__u32 h, cid, rid;

	PROV_TIMEOUT(300);
	GET_STATS(&s0);
	ASSERT_EQ(0, sync_start(&r, self->app, "132"));
	EXPECT_MAKECALL(&req, self->pfd, self->dev, ANY, "132");
	EXPECT_EQ(ETIMEDOUT, sync_join(&r));
	EXPECT_CLOSECALL(self->pfd, self->dev, req.call_id, 0);
	EXPECT_ERRNO(ENOENT, kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_NO_REQ(self->pfd);
	EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_NO_EV(self->app, self->mon);

	PROV_CALL_PENDING(self->app, self->pfd, self->dev, "133", &h, &cid, &rid,
			  &req);
	ASSERT_OK(kt_wait_reply(self->app, rid, 5000, &ev, NULL, 0, NULL));
	EXPECT_EQ(-ETIMEDOUT, ev.result);
	EXPECT_EQ(h, ev.handle);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, 0);
	EXPECT_ERRNO(ENOENT, kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_NO_REQ(self->pfd);
	EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_NO_EV(self->app, self->mon);
}

/* A MAKECALL never read: taken back from the queue, no CLOSECALL. */
TEST_F(life, makecall_timeout_unread)
{
	struct ktapi_stats s0, s1;
	struct ktapi_event ev;
	struct sync_req r;
	__u32 h, cid, rid;

	PROV_TIMEOUT(300);
	GET_STATS(&s0);
	ASSERT_EQ(0, sync_start(&r, self->app, "134"));
	EXPECT_EQ(ETIMEDOUT, sync_join(&r));
	ASSERT_OK(kt_make_call_async(self->app, "135", &h, &cid, &rid));
	ASSERT_OK(kt_wait_reply(self->app, rid, 5000, &ev, NULL, 0, NULL));
	EXPECT_EQ(-ETIMEDOUT, ev.result);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_NO_EV(self->app, self->mon);
}

/*
 * The caller's file closes while its MAKECALL is read and unanswered: no
 * CLOSECALL before the request is over; the REPLY still matches it.
 */
TEST_F(life, makecall_caller_closed)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;

	PROV_CALL_PENDING(self->app, self->pfd, self->dev, "136", &h, &cid, &rid,
			  &req);
	close_fd(&self->app);
	EXPECT_NO_REQ(self->pfd);
	/* It changes nothing but the call: DIALING, to be ended. */
	EXPECT_OK(kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_DIALING);
	EXPECT_NO_REQ(self->pfd);
	/* Never published: the monitor saw nothing. */
	EXPECT_NO_EV(self->mon);
}

/* ------------------------------------------------------------------ */
/* Provider death.                                                      */

/*
 * The records of a line on a dying provider's device: up to its LINE_CLOSE
 * (which must come, and be the last), a LINE_REMOVE of @other_dev (the
 * provider's other device) allowed anywhere before it.  The others are kept
 * in @evs (up to @max); their count.
 */
static int death_records(struct __test_metadata *_metadata, int fd,
			 __u32 other_dev, struct ktapi_event *evs, int max)
{
	struct ktapi_event ev;
	int n = 0, err;

	for (;;) {
		err = kt_read_event(fd, &ev, EV_WAIT_MS);
		EXPECT_EQ(0, err) TH_LOG("no LINE_CLOSE: %s", kt_errname(err));
		if (err || ev.type == EV_CLOSE)
			break;
		if (ev.type == EV_LREMOVE && ev.device_id == other_dev)
			continue;
		if (n < max)
			evs[n] = ev;
		else
			TH_LOG("unexpected %s h=%u call=%u %s", ev_type_name(ev.type),
			       ev.handle, ev.call_id, state_name(ev.state));
		n++;
	}
	EXPECT_NO_EV(fd);	/* end of file */
	return n;
}

TEST_F(life, provider_death)
{
	struct ktapi_provider_request req;
	__u32 h, hm, cid, ho, hmo, cido, ha, ca, ra, hu, cu, ru;
	struct ktapi_devcaps dc;
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct sync_req r;
	int sapp, lb, fd2, n, i;

	lb = kt_param("lines") > 0 ? LINE(0, P_OWN) : FD();
	fd2 = LINE(self->dev2, P_MON);
	sapp = LINE(self->dev, P_NONE);
	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	/* Pending: a sync MAKE_CALL (read), two async ones (read, unread). */
	ASSERT_EQ(0, sync_start(&r, sapp, "140"));
	EXPECT_MAKECALL(&req, self->pfd, self->dev, ANY, "140");
	PROV_CALL_PENDING(self->app, self->pfd, self->dev, "141", &ha, &ca, &ra,
			  NULL);
	ASSERT_OK(kt_make_call_async(self->app, "142", &hu, &cu, &ru));
	EXPECT_FALSE(sync_done(&r));

	close_fd(&self->pfd);
	EXPECT_EQ(ECONNABORTED, sync_join(&r));

	/*
	 * The async ones: their REPLYs, then the forced close.  The devices
	 * go one after the other, in no documented order: a line on one may
	 * read the LINE_REMOVE of the other before its LINE_CLOSE.
	 */
	{
		struct ktapi_event evs[8];
		int got_a = 0, got_u = 0;

		n = death_records(_metadata, self->app, self->dev2, evs, 8);
		for (i = 0; i < n; i++) {
			if (evs[i].type != EV_REPLY)
				continue;
			EXPECT_EQ(-ECONNABORTED, evs[i].result);
			got_a += evs[i].request_id == ra && evs[i].handle == ha;
			got_u += evs[i].request_id == ru && evs[i].handle == hu;
		}
		EXPECT_EQ(1, got_a);
		EXPECT_EQ(1, got_u);
		EXPECT_EQ(2, n);
	}
	EXPECT_EQ(0, death_records(_metadata, self->mon, self->dev2, NULL, 0));
	EXPECT_EQ(0, death_records(_metadata, sapp, self->dev2, NULL, 0));
	EXPECT_EQ(0, death_records(_metadata, fd2, self->dev, NULL, 0));
	/* Handles void (the lines are closed), LINE_REMOVE to everyone else. */
	EXPECT_ERRNO(EBADFD, kt_info(self->app, h, &ci));
	EXPECT_ERRNO(EBADFD, kt_info(self->mon, hmo, &ci));
	EXPECT_ERRNO(EBADFD, kt_make_call(self->app, "143", NULL, NULL));
	for (n = 0; n < 2; n++) {
		EXPECT_EQ(0, kt_read_event(self->other, &ev, EV_WAIT_MS));
		EXPECT_EQ(EV_LREMOVE, ev.type);
		EXPECT_TRUE(ev.device_id == self->dev || ev.device_id == self->dev2);
	}
	for (n = 0; n < 2; n++) {
		EXPECT_EQ(0, kt_read_event(lb, &ev, EV_WAIT_MS));
		EXPECT_EQ(EV_LREMOVE, ev.type);
	}
	EXPECT_NO_EV(self->app, self->mon, sapp, fd2, self->other, lb);
	/* ENODEV after, for both devices. */
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->other, self->dev, &dc));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->other, self->dev2, &dc));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->other, self->dev, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->other, self->dev2, P_MON, API_CUR));
	close(lb);
	close(fd2);
	close(sapp);
	(void)hm;
	(void)cu;
}

/* A provider killed (not closing by itself) with a sync request pending. */
TEST_F(life, provider_killed)
{
	struct sync_req r;
	int status, pipefd[2];
	__u32 dev = 0;
	pid_t pid;
	int fd;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int p = kt_prov_open_registered("doomed", 4, NULL);

		if (p < 0 || kt_prov_add_line(p, "7299", NULL, &dev) ||
		    write(pipefd[1], &dev, sizeof(dev)) != sizeof(dev))
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(sizeof(dev), read(pipefd[0], &dev, sizeof(dev)));
	fd = LINE(dev, P_OWN);
	ASSERT_EQ(0, sync_start(&r, fd, "150"));
	kt_sleep_ms(50);
	EXPECT_FALSE(sync_done(&r));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(ECONNABORTED, sync_join(&r));
	EXPECT_EV(fd, EV_CLOSE, 0, 0, 0, 0, 0);
	/* Came and went unread: its LINE_REMOVE took its LINE_CREATE back. */
	EXPECT_NO_EV(self->other);
	EXPECT_ERRNO(ENODEV, kt_line_open(self->other, dev, P_OWN, API_CUR));
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ------------------------------------------------------------------ */
/* A provider that never replies hurts only its own requests.           */

TEST_F_TIMEOUT(life, never_replies, 120)
{
	struct kt_prov_loop pl = { .result = 0 };
	struct ktapi_provider_request req;
	char addr1[KTAPI_ADDRESS_MAX];
	struct ktapi_event ev;
	struct sync_req r;
	pthread_t t;
	__u32 devq, h, cid, rid, hb;
	int pq, aq, lb, lb2, i;

	if (kt_param("lines") < 2)
		SKIP(return, "needs 2 loopback devices");
	/* Long enough that everything below ends well before it. */
	PROV_TIMEOUT(10000);
	/* The stalled provider reads its request and never answers. */
	ASSERT_EQ(0, sync_start(&r, self->app, "160"));
	EXPECT_MAKECALL(&req, self->pfd, self->dev, ANY, "160");

	/* Another provider, answering at once from a thread. */
	pq = PROV("quick", 16);
	devq = PROV_LINE(pq, "7301");
	EXPECT_LCREATE(self->app, devq);
	EXPECT_LCREATE(self->mon, devq);
	pl.fd = pq;
	pl.states = true;
	ASSERT_EQ(0, pthread_create(&t, NULL, kt_prov_thread, &pl));
	aq = LINE(devq, P_OWN);
	lb = LINE(0, P_OWN);
	lb2 = LINE(1, P_OWN);
	DEV_ADDR(lb, 1, addr1);
	for (i = 0; i < 10; i++) {
		/* Through the other provider, sync and async. */
		ASSERT_OK(kt_make_call(aq, "161", &h, &cid));
		EXPECT_CS(aq, h, cid, S_DIALING, 0, P_OWN);
		ASSERT_OK(kt_drop(aq, h));
		EXPECT_CS(aq, h, cid, S_IDLE, 0, P_OWN);
		ASSERT_OK(kt_dealloc(aq, h));
		ASSERT_OK(kt_make_call_async(aq, "162", &h, &cid, &rid));
		EXPECT_REPLY(aq, rid, 0, h, cid);
		EXPECT_CS(aq, h, cid, S_DIALING, 0, P_OWN);
		ASSERT_OK(kt_dealloc(aq, h));
		/* Through the loopback switch. */
		ASSERT_OK(kt_make_call(lb, addr1, &h, &cid));
		EXPECT_CS(lb, h, cid, S_DIALING, 0, P_OWN);
		EXPECT_CS(lb, h, cid, S_RINGBACK, 0, P_OWN);
		EXPECT_NEW(&ev, lb2, ANY, S_OFFERING, P_OWN);
		hb = ev.handle;
		ASSERT_OK(kt_answer(lb2, hb));
		ASSERT_OK(kt_drop(lb, h));
		ASSERT_OK(kt_dealloc(lb, h));
		ASSERT_OK(kt_dealloc(lb2, hb));
		kt_drain(lb);
		kt_drain(lb2);
	}
	/* All of it while the stalled request was still pending. */
	EXPECT_FALSE(sync_done(&r)) TH_LOG("the stalled request ended early");
	EXPECT_OK(kt_prov_wait_count(&pl.closecalls, 20, EV_WAIT_MS));
	EXPECT_EQ(20, pl.makecalls);
	EXPECT_EQ(10, pl.drops);
	EXPECT_EQ(0, pl.errors) TH_LOG("last error %s", kt_errname(pl.last_error));

	EXPECT_EQ(ETIMEDOUT, sync_join(&r));
	EXPECT_ERRNO(ENOENT, kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_CLOSECALL(self->pfd, self->dev, req.call_id, 0);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(self->app, self->mon);
	kt_prov_stop(&pl);
	pthread_join(t, NULL);
	close(aq);
	close(lb);
	close(lb2);
	close(pq);
}

/* ------------------------------------------------------------------ */
/* EAGAIN at max_requests, at once.                                     */

TEST_F(life, max_requests)
{
	struct ktapi_provider_request req[2];
	struct ktapi_stats s0, s1;
	__u32 h, cid, rid, hi, hmi, ci, r1, r2;
	__u64 t0;
	int p, app, mon, i;
	__u32 dev;

	p = PROV("two", 2);
	dev = PROV_LINE(p, "7401");
	app = LINE(dev, P_OWN);
	mon = LINE(dev, P_MON);
	PROV_CALL_IN(p, dev, "555", "7401", app, &hi, &ci);
	hmi = ANNOUNCED(mon, ci, S_OFFERING);
	kt_drain(mon);
	/* Two outstanding: one read, one still queued. */
	ASSERT_OK(kt_make_call_async(app, "170", NULL, NULL, &r1));
	ASSERT_OK(kt_make_call_async(app, "171", NULL, NULL, &r2));
	EXPECT_MAKECALL(&req[0], p, dev, ANY, "170");
	GET_STATS(&s0);
	t0 = kt_now_ns();
	EXPECT_ERRNO(EAGAIN, kt_make_call(app, "172", &h, &cid));
	EXPECT_ERRNO(EAGAIN, kt_make_call_async(app, "173", &h, &cid, &rid));
	EXPECT_ERRNO(EAGAIN, kt_answer(app, hi));
	EXPECT_ERRNO(EAGAIN, kt_answer_async(app, hi, &rid));
	EXPECT_ERRNO(EAGAIN, kt_drop(app, hi));
	EXPECT_ERRNO(EAGAIN, kt_drop_async(app, hi, &rid));
	/* At once: far below the provider timeout, which a wait would reach. */
	EXPECT_GT((__u64)kt_param("provider_timeout_ms") * 1000000ULL,
		  kt_now_ns() - t0);
	EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_NO_EV(app, mon);
	/* A CLOSECALL never counts: the monitor's handle and the owner's go. */
	EXPECT_OK(kt_dealloc(mon, hmi));
	EXPECT_OK(kt_dealloc(app, hi));
	/* Queued: the second MAKECALL, then the CLOSECALL; nothing refused. */
	EXPECT_MAKECALL(&req[1], p, dev, ANY, "171");
	EXPECT_CLOSECALL(p, dev, ci, S_OFFERING);
	EXPECT_NO_REQ(p);
	/* One answered: room for one more, not two. */
	ASSERT_OK(kt_prov_reply(p, req[0].request_id, -EBUSY));
	ASSERT_OK(kt_make_call_async(app, "174", NULL, NULL, &rid));
	EXPECT_ERRNO(EAGAIN, kt_make_call_async(app, "175", NULL, NULL, &rid));
	for (i = 0; i < 2; i++)
		kt_prov_drain(p);
	close(app);
	close(mon);
	close(p);
}

/* ------------------------------------------------------------------ */
/* LINE_CREATE and LINE_REMOVE to every open file.                      */

TEST_F(life, line_events_every_file)
{
	int p2, fds[5], nf = 0, closed, i;
	__u32 dev, dev_x;

	p2 = PROV("second", 4);
	dev_x = PROV_LINE(self->pfd, "7501");
	kt_drain(self->app);
	kt_drain(self->mon);
	kt_drain(self->other);
	/* A file whose line is force-closed gets nothing any more. */
	closed = LINE(dev_x, P_OWN);
	fds[nf++] = self->app;
	fds[nf++] = self->mon;
	fds[nf++] = self->other;
	if (kt_param("lines") > 0)
		fds[nf++] = LINE(0, P_MON);
	fds[nf++] = LINE(self->dev2, P_OWN);
	ASSERT_OK(kt_prov_remove_line(self->pfd, dev_x));
	EXPECT_EV(closed, EV_CLOSE, 0, 0, 0, 0, 0);
	for (i = 0; i < nf; i++)
		EXPECT_LREMOVE(fds[i], dev_x);

	/* Another provider's device: everyone hears of it. */
	dev = PROV_LINE(p2, "7502");
	for (i = 0; i < nf; i++)
		EXPECT_LCREATE(fds[i], dev);
	EXPECT_NO_EV(closed);
	ASSERT_OK(kt_prov_remove_line(p2, dev));
	for (i = 0; i < nf; i++)
		EXPECT_LREMOVE(fds[i], dev);
	EXPECT_NO_EV(closed);
	/* A provider's death: LINE_REMOVE of each of its devices. */
	dev = PROV_LINE(p2, "7503");
	for (i = 0; i < nf; i++)
		EXPECT_LCREATE(fds[i], dev);
	close(p2);
	for (i = 0; i < nf; i++) {
		EXPECT_LREMOVE(fds[i], dev);
		EXPECT_NO_EV(fds[i]);
	}
	EXPECT_NO_EV(closed);
	for (i = 3; i < nf; i++)
		close(fds[i]);
	close(closed);
}

/* ------------------------------------------------------------------ */
/* The DROP notice: the sole owner closed its line, monitors remain.    */

/*
 * The next request of @pfd is a DROP notice of a leg on @dev (request_id
 * 0, state 0, no addresses): its call id, which is one of @cids[0..n).
 */
static __u32 __drop_notice(struct __test_metadata *_metadata, int line,
			   int pfd, __u32 dev, const __u32 *cids, int n)
{
	struct ktapi_provider_request req, zero;
	int err = kt_prov_read(pfd, &req, EV_WAIT_MS), i;
	bool known = false;

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: no DROP notice (%s)", line, kt_errname(err));
	}
	for (i = 0; i < n; i++)
		known = known || req.call_id == cids[i];
	memset(&zero, 0, sizeof(zero));
	EXPECT_TRUE(req.type == KTAPI_PREQ_DROP && req.request_id == 0 &&
		    req.device_id == dev && known && req.state == 0 &&
		    !memcmp(req.dest_address, zero.dest_address,
			    sizeof(zero.dest_address)) &&
		    !memcmp(req.caller_address, zero.caller_address,
			    sizeof(zero.caller_address))) {
		TH_LOG("line %d: expected DROP rid=0 dev=%u, got %s rid=%llu dev=%u call=%u state=%s",
		       line, dev, preq_name(req.type),
		       (unsigned long long)req.request_id, req.device_id,
		       req.call_id, state_name(req.state));
	}
	return req.call_id;
}
#define DROP_NOTICE(pfd, dev, cids, n)					\
	__drop_notice(_metadata, __LINE__, pfd, dev, cids, n)

/* The provider ends @cid as ktapictl provide does: DISCONNECTED, IDLE. */
static void __prov_end(struct __test_metadata *_metadata, int pfd, int mon,
		       __u32 hm, __u32 cid)
{
	ASSERT_OK(kt_prov_callstate(pfd, cid, S_DISC, M_NORMAL));
	ASSERT_OK(kt_prov_callstate(pfd, cid, S_IDLE, 0));
	EXPECT_CS(mon, hm, cid, S_DISC, M_NORMAL, P_MON);
	EXPECT_CS(mon, hm, cid, S_IDLE, 0, P_MON);
}
#define PROV_END(hm, cid)	__prov_end(_metadata, self->pfd, self->mon, hm, cid)

TEST_F(life, owner_close_drop_notice)
{
	__u32 h, hm, cid, ho, hmo, cido, cids[2], got[2];
	struct ktapi_call_info ci;
	int i;

	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	cids[0] = cid;
	cids[1] = cido;
	close_fd(&self->app);
	/* One notice per leg, in the order the handles went. */
	for (i = 0; i < 2; i++)
		got[i] = DROP_NOTICE(self->pfd, self->dev, cids, 2);
	EXPECT_NE(got[0], got[1]);
	EXPECT_NO_REQ(self->pfd);
	/* No REPLY is expected: one to request id 0 is ENOENT. */
	EXPECT_ERRNO(ENOENT, kt_prov_reply(self->pfd, 0, 0));
	/* Nothing changed before the provider reports. */
	GET_INFO(self->mon, hm, &ci);
	EXPECT_EQ(S_OFFERING, ci.state);
	EXPECT_EQ(0, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	EXPECT_NO_EV(self->mon);
	PROV_END(hm, cid);
	PROV_END(hmo, cido);
	/* The CLOSECALL still comes, once, when the monitor's handles go. */
	EXPECT_NO_REQ(self->pfd);
	EXPECT_OK(kt_dealloc(self->mon, hm));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_IDLE);
	EXPECT_NO_REQ(self->pfd);
	close_fd(&self->mon);
	EXPECT_CLOSECALL(self->pfd, self->dev, cido, S_IDLE);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_ERRNO(ENOENT, kt_prov_callstate(self->pfd, cid, S_IDLE, 0));
}

/* The notice not read yet when the last handle goes: never after CLOSECALL. */
TEST_F(life, owner_close_then_monitor_close)
{
	struct ktapi_provider_request req;
	__u32 h, hm, cid;
	int err;

	CALL_IN(&h, &hm, &cid);
	close_fd(&self->app);
	close_fd(&self->mon);
	/* At most the notice, then exactly one CLOSECALL, nothing after. */
	err = kt_prov_read(self->pfd, &req, EV_WAIT_MS);
	ASSERT_EQ(0, err);
	if (req.type == KTAPI_PREQ_DROP) {
		EXPECT_EQ(0, req.request_id);
		EXPECT_EQ(cid, req.call_id);
		EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	} else {
		EXPECT_EQ(KTAPI_PREQ_CLOSECALL, req.type);
		EXPECT_EQ(cid, req.call_id);
		EXPECT_EQ(S_OFFERING, req.state);
	}
	EXPECT_NO_REQ(self->pfd);
}

/* A leg that is IDLE when its owner closes its line gets no notice. */
TEST_F(life, owner_close_idle_no_drop)
{
	__u32 h, hm, cid;

	CALL_IN(&h, &hm, &cid);
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_DISC, M_NORMAL));
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_IDLE, 0));
	kt_drain(self->app);
	kt_drain(self->mon);
	close_fd(&self->app);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_OK(kt_dealloc(self->mon, hm));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_IDLE);
	EXPECT_NO_REQ(self->pfd);
}

/* DEALLOCATE_CALL of the owner's handle sends none, IDLE or not. */
TEST_F(life, owner_dealloc_no_drop)
{
	__u32 h, hm, cid, ho, hmo, cido;

	CALL_IN(&h, &hm, &cid);
	CALL_OUT(&ho, &hmo, &cido);
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_DISC, M_NORMAL));
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_IDLE, 0));
	EXPECT_OK(kt_dealloc(self->app, h));
	EXPECT_OK(kt_dealloc(self->app, ho));	/* RINGBACK: goes on */
	EXPECT_NO_REQ(self->pfd);
	/* Closing the line now voids no owner handle: still nothing. */
	close_fd(&self->app);
	EXPECT_NO_REQ(self->pfd);
	close_fd(&self->mon);
	EXPECT_PREQ(NULL, self->pfd, KTAPI_PREQ_CLOSECALL, self->dev, ANY);
	EXPECT_PREQ(NULL, self->pfd, KTAPI_PREQ_CLOSECALL, self->dev, ANY);
	EXPECT_NO_REQ(self->pfd);
}

/* An outgoing leg whose MAKECALL is pending has no handle: no notice. */
TEST_F(life, owner_close_makecall_pending)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;

	ASSERT_OK(kt_make_call_async(self->app, "140", &h, &cid, &rid));
	EXPECT_MAKECALL(&req, self->pfd, self->dev, cid, "140");
	close_fd(&self->app);
	EXPECT_NO_REQ(self->pfd);
	/* The REPLY finds the caller gone: the leg goes, CLOSECALL only. */
	EXPECT_OK(kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_PREQ(NULL, self->pfd, KTAPI_PREQ_CLOSECALL, self->dev, cid);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(self->mon);
}

/* The provider's death with a notice unread frees it (kmemleak, stats). */
TEST_F(life, owner_close_provider_dies)
{
	struct ktapi_call_info ci;
	__u32 h, hm, cid;

	struct ktapi_event ev;
	bool closed = false;

	CALL_IN(&h, &hm, &cid);
	close_fd(&self->app);
	close_fd(&self->pfd);
	/* Its devices go (LINE_REMOVE of dev2 may come first). */
	while (!closed && !kt_read_event(self->mon, &ev, EV_WAIT_MS))
		closed = ev.type == EV_CLOSE;
	EXPECT_TRUE(closed);
	EXPECT_ERRNO(EBADFD, kt_info(self->mon, hm, &ci));
}

/* REMOVE_LINE voids every handle: CLOSECALLs only, no notice. */
TEST_F(life, remove_line_no_drop)
{
	__u32 h, hm, cid;

	CALL_IN(&h, &hm, &cid);
	ASSERT_OK(kt_prov_remove_line(self->pfd, self->dev));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	EXPECT_NO_REQ(self->pfd);
}

/* ------------------------------------------------------------------ */
/* REMOVE_LINE against the release of a file with handles on the device. */

#define RACE_CALLS	4000
#define RACE_ROUNDS	12

struct closer {
	int fd;
	int go;
};

static void *closer_thread(void *arg)
{
	struct closer *c = arg;

	while (!__atomic_load_n(&c->go, __ATOMIC_SEQ_CST))
		;
	close(c->fd);
	return NULL;
}

/* The CLOSECALLs of @pfd that can be read at once; -1 on anything else. */
static int closecalls_now(int pfd)
{
	struct ktapi_provider_request req[64];
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	int n = 0, i;
	ssize_t got;

	while (poll(&p, 1, 0) == 1) {
		got = read(pfd, req, sizeof(req));
		if (got <= 0 || got % (ssize_t)sizeof(req[0]))
			return -1;
		for (i = 0; i < (int)(got / (ssize_t)sizeof(req[0])); i++)
			if (req[i].type != KTAPI_PREQ_CLOSECALL)
				return -1;
		n += got / (ssize_t)sizeof(req[0]);
	}
	return n;
}

/*
 * A file releasing its handles on a device while REMOVE_LINE removes it:
 * REMOVE_LINE returns only once they are void, so every CLOSECALL can be
 * read at once after it, whichever of the two came first.
 */
TEST_F_TIMEOUT(life, remove_line_waits_for_release, 300)
{
	long long max = kt_param("max_handles");
	int round, i, n, calls = RACE_CALLS;
	struct closer c;
	pthread_t t;
	__u32 dev, cid;

	/* The owner's handle space holds them all (the small-limits pass). */
	if (max > 0 && max < calls)
		calls = max;
	for (round = 0; round < RACE_ROUNDS; round++) {
		dev = PROV_LINE(self->pfd, "7290");
		c.fd = LINE(dev, P_OWN);
		c.go = 0;
		for (i = 0; i < calls; i++)
			ASSERT_OK(kt_prov_newcall(self->pfd, dev, "555", "7290",
						  &cid));
		ASSERT_EQ(0, pthread_create(&t, NULL, closer_thread, &c));
		__atomic_store_n(&c.go, 1, __ATOMIC_SEQ_CST);
		/* From "REMOVE_LINE first" to "release well under way". */
		usleep(round * 200);
		ASSERT_OK(kt_prov_remove_line(self->pfd, dev));
		n = closecalls_now(self->pfd);
		pthread_join(t, NULL);
		EXPECT_EQ(calls, n) TH_LOG("round %d", round);
		EXPECT_NO_REQ(self->pfd);
	}
	kt_drain(self->other);
}

KT_TESTS_IN_ORDER()

int main(int argc, char **argv)
{
	kt_main_start(1);
	return test_harness_run(argc, argv);
}
