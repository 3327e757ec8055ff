// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: the basic flows of a userspace service provider
 * (uapi/linux/ktapi.h, DOC: Providers and DOC: Requests): REGISTER, line
 * devices, outgoing calls sync and async, ANSWER and DROP requests,
 * incoming calls, CALLSTATE, CLOSECALL, timeouts and the provider's death.
 * The exhaustive tables are ktapi_provider_hostile.c's and
 * ktapi_provider_life.c's.  Built 64-bit and -m32; the conventions of all
 * of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <pthread.h>

#include "ktapi_utils.h"

#define PADDR	"5550100"	/* a provider device's address */
#define DEST	"4711"		/* what its callers dial */

/* A registered provider with one device, and a file to see the device. */
FIXTURE(prov) {
	int pfd;
	__u32 pid;
	__u32 dev;
	int watcher;		/* a /dev/ktapi file without LINE_OPEN */
	long long timeout_ms;	/* provider_timeout_ms to restore, or -1 */
};

FIXTURE_SETUP(prov)
{
	PROV_REQUIRE();
	self->timeout_ms = -1;
	self->watcher = FD();
	self->pfd = PROV_ID("test", 16, &self->pid);
	self->dev = PROV_LINE(self->pfd, PADDR);
	EXPECT_EV(self->watcher, EV_LCREATE, 0, 0, 0, self->dev, 0);
}

FIXTURE_TEARDOWN(prov)
{
	if (self->timeout_ms > 0)
		kt_param_set("provider_timeout_ms", self->timeout_ms);
	close_fd(&self->watcher);
	close_fd(&self->pfd);
}

/* Lower provider_timeout_ms for this test; the teardown restores it. */
static void set_timeout(struct __test_metadata *_metadata,
			FIXTURE_DATA(prov) *self, long long ms)
{
	self->timeout_ms = kt_param("provider_timeout_ms");
	ASSERT_LT(0, self->timeout_ms);
	ASSERT_OK(kt_param_set("provider_timeout_ms", ms));
	ASSERT_EQ(ms, kt_param("provider_timeout_ms"));
}

/* A provider thread running kt_prov_serve() on @pl. */
static void serve(struct __test_metadata *_metadata, pthread_t *t,
		  struct kt_prov_loop *pl)
{
	ASSERT_EQ(0, pthread_create(t, NULL, kt_prov_thread, pl));
}

static void unserve(pthread_t t, struct kt_prov_loop *pl)
{
	kt_prov_stop(pl);
	pthread_join(t, NULL);
}

/* ====================================================================== */
/* REGISTER                                                               */

TEST(register_version_busy)
{
	struct ktapi_provider_register r;
	struct ktapi_provider_request req;
	__u32 id1 = 0, id2 = 0, dev;
	int fd, fd2;

	PROV_REQUIRE();
	fd = kt_prov_open();
	ASSERT_LE(0, fd);
	/* Nothing works before REGISTER. */
	EXPECT_EQ(EBADFD, kt_prov_add_line(fd, PADDR, NULL, &dev));
	EXPECT_EQ(EBADFD, kt_prov_reply(fd, 1, 0));
	EXPECT_EQ(EBADFD, kt_prov_callstate(fd, 1, S_IDLE, 0));
	EXPECT_EQ(-1, read(fd, &req, sizeof(req)));
	EXPECT_EQ(EBADFD, errno);

	/* Another major version. */
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.version = (KTAPI_PROVIDER_VERSION_MAJOR + 1) << 16;
	r.max_requests = 1;
	EXPECT_EQ(EPROTONOSUPPORT,
		  kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_REGISTER, &r)));
	/* A newer minor is fine: out_version says what the kernel has. */
	r.version = KTAPI_PROVIDER_VERSION + 7;
	strcpy(r.name, "p1");
	ASSERT_OK(kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_REGISTER, &r)));
	EXPECT_EQ(KTAPI_PROVIDER_VERSION, r.out_version);
	id1 = r.out_provider_id;
	EXPECT_NE(0, id1);
	EXPECT_EQ(EBUSY, kt_prov_register(fd, "again", 1, NULL));

	fd2 = PROV_ID("p2", 4, &id2);
	EXPECT_NE(0, id2);
	EXPECT_NE(id1, id2);
	close(fd2);
	close(fd);
}

/* ====================================================================== */
/* Line devices                                                           */

TEST_F(prov, add_remove_line)
{
	struct ktapi_devcaps caps;
	int fd;

	ASSERT_OK(kt_devcaps(self->watcher, self->dev, &caps));
	EXPECT_EQ(KTAPI_DEVICE_PROVIDER, caps.kind);
	EXPECT_EQ(self->pid, caps.provider_id);
	EXPECT_STREQ(PADDR, caps.address);
	EXPECT_STREQ(PADDR, caps.name);		/* empty name: the address */
	EXPECT_STREQ("test", caps.provider_name);
	EXPECT_LT(self->dev, caps.num_devices);

	/* A line can be opened on it. */
	fd = LINE(self->dev, P_OWN);
	close(fd);

	ASSERT_OK(kt_prov_remove_line(self->pfd, self->dev));
	EXPECT_EV(self->watcher, EV_LREMOVE, 0, 0, 0, self->dev, 0);
	EXPECT_EQ(ENODEV, kt_devcaps(self->watcher, self->dev, &caps));
	EXPECT_EQ(ENODEV, kt_prov_remove_line(self->pfd, self->dev));
	fd = FD();
	EXPECT_EQ(ENODEV, kt_line_open(fd, self->dev, P_OWN, API_CUR));
	close(fd);
	EXPECT_NO_EV(self->watcher);
}

/* ====================================================================== */
/* Outgoing calls                                                         */

/* Sync MAKE_CALL answered 0: the states the provider reports, CLOSECALL. */
TEST_F(prov, makecall_sync)
{
	struct kt_prov_loop pl = {
		.fd = self->pfd,
		.makecall_state = S_RINGBACK,
	};
	struct ktapi_call_info ci;
	__u32 h, cid;
	pthread_t t;
	int a;

	a = LINE(self->dev, P_OWN);
	serve(_metadata, &t, &pl);
	ASSERT_OK(kt_make_call(a, DEST, &h, &cid));
	EXPECT_CS(a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_CS(a, h, cid, S_RINGBACK, 0, P_OWN);
	ASSERT_OK(kt_info(a, h, &ci));
	EXPECT_EQ(KTAPI_CALLORIGIN_OUTBOUND, ci.origin);
	EXPECT_EQ(S_RINGBACK, ci.state);
	EXPECT_EQ(self->dev, ci.device_id);
	EXPECT_STREQ(PADDR, ci.caller_address);
	EXPECT_STREQ(DEST, ci.called_address);
	/* Counted after the handling: wait for it. */
	ASSERT_OK(kt_prov_wait_count(&pl.makecalls, 1, EV_WAIT_MS));
	EXPECT_EQ(cid, pl.last.call_id);
	EXPECT_STREQ(DEST, pl.last.dest_address);
	EXPECT_STREQ(PADDR, pl.last.caller_address);

	/* The last handle goes: one CLOSECALL, with the last state. */
	ASSERT_OK(kt_dealloc(a, h));
	ASSERT_OK(kt_prov_wait_count(&pl.closecalls, 1, EV_WAIT_MS));
	EXPECT_EQ(1, kt_prov_closed_count(&pl, cid));
	EXPECT_EQ(S_RINGBACK, pl.last.state);
	unserve(t, &pl);
	EXPECT_EQ(0, pl.errors);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(a);
	close(a);
}

/* Sync MAKE_CALL answered with an error: returned, the handle never was. */
TEST_F(prov, makecall_sync_error)
{
	struct kt_prov_loop pl = {
		.fd = self->pfd,
		.result = -EBUSY,
	};
	struct ktapi_make_call mc;
	pthread_t t;
	int a;

	a = LINE(self->dev, P_OWN);
	serve(_metadata, &t, &pl);
	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	strcpy(mc.dest_address, DEST);
	EXPECT_EQ(EBUSY, kt_err(ioctl(a, KTAPI_IOC_MAKE_CALL, &mc)));
	EXPECT_NE(0, mc.handle);
	EXPECT_EQ(ENOENT, kt_dealloc(a, mc.handle));
	/* The provider knew the call id: it gets its CLOSECALL. */
	ASSERT_OK(kt_prov_wait_count(&pl.closecalls, 1, EV_WAIT_MS));
	EXPECT_EQ(1, kt_prov_closed_count(&pl, mc.call_id));
	unserve(t, &pl);
	EXPECT_EQ(0, pl.errors);
	EXPECT_NO_EV(a);
	close(a);
}

/* Async MAKE_CALL: invisible until REPLY 0, then the REPLY record first. */
TEST_F(prov, makecall_async)
{
	struct ktapi_provider_request req;
	struct ktapi_call_info ci;
	__u32 h, cid, rid;
	int a, m;

	a = LINE(self->dev, P_OWN);
	m = LINE(self->dev, P_MON);
	ASSERT_OK(kt_make_call_async(a, DEST, &h, &cid, &rid));
	EXPECT_NE(0, rid);
	EXPECT_EQ(ENOENT, kt_info(a, h, &ci));
	EXPECT_MAKECALL(&req, self->pfd, self->dev, cid, DEST);
	EXPECT_STREQ(PADDR, req.caller_address);
	/* No state before the REPLY 0. */
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_PROCEEDING, 0));
	EXPECT_NO_EV(a, m);

	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_EQ(ENOENT, kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_REPLY(a, rid, 0, h, cid);
	EXPECT_CS(a, h, cid, S_DIALING, 0, P_OWN);
	EXPECT_NEW(NULL, m, cid, S_DIALING, P_MON);
	EXPECT_CS(m, 0, cid, S_DIALING, 0, P_MON);

	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_PROCEEDING, 0));
	EXPECT_CS(a, h, cid, S_PROCEEDING, 0, P_OWN);
	EXPECT_CS(m, 0, cid, S_PROCEEDING, 0, P_MON);
	/* The same state again: nothing. */
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_PROCEEDING, 0));
	EXPECT_NO_EV(a, m);
	ASSERT_OK(kt_info(a, h, &ci));
	EXPECT_EQ(S_PROCEEDING, ci.state);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	EXPECT_NO_REQ(self->pfd);
	close(a);
	close(m);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_PROCEEDING);
	EXPECT_NO_REQ(self->pfd);
}

/* Async MAKE_CALL failed: the handle is void when the REPLY comes. */
TEST_F(prov, makecall_async_error)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;
	int a;

	a = LINE(self->dev, P_OWN);
	PROV_CALL_PENDING(a, self->pfd, self->dev, DEST, &h, &cid, &rid, &req);
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, -EIO));
	EXPECT_REPLY(a, rid, -EIO, h, cid);
	EXPECT_EQ(ENOENT, kt_dealloc(a, h));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, 0);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(a);
	close(a);
}

/* A REPLY result outside the documented set is EINVAL and changes nothing. */
TEST_F(prov, reply_result_checked)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;
	int a;

	a = LINE(self->dev, P_OWN);
	PROV_CALL_PENDING(a, self->pfd, self->dev, DEST, &h, &cid, &rid, &req);
	EXPECT_EQ(EINVAL, kt_prov_reply(self->pfd, req.request_id, -ENOENT));
	EXPECT_EQ(EINVAL, kt_prov_reply(self->pfd, req.request_id, 1));
	EXPECT_EQ(ENOENT, kt_prov_reply(self->pfd, req.request_id + 1, 0));
	EXPECT_NO_EV(a);
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, -EOPNOTSUPP));
	EXPECT_REPLY(a, rid, -EOPNOTSUPP, h, cid);
	close(a);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, 0);
}

/* ====================================================================== */
/* Incoming calls, ANSWER and DROP                                        */

TEST_F(prov, newcall_owner_monitors)
{
	struct ktapi_event ev_o, ev_m;
	struct ktapi_call_info ci;
	int o, m, o2;
	__u32 cid;

	o = LINE(self->dev, P_OWN);
	o2 = LINE(self->dev, P_OWN);		/* not chosen: gets nothing */
	m = LINE(self->dev, P_MON);
	ASSERT_OK(kt_prov_newcall(self->pfd, self->dev, "123", PADDR, &cid));
	EXPECT_NE(0, cid);
	EXPECT_NEW(&ev_o, o, cid, S_OFFERING, P_OWN);
	EXPECT_CS(o, ev_o.handle, cid, S_OFFERING, 0, P_OWN);
	EXPECT_NEW(&ev_m, m, cid, S_OFFERING, P_MON);
	EXPECT_CS(m, ev_m.handle, cid, S_OFFERING, 0, P_MON);
	EXPECT_NO_EV(o2);

	ASSERT_OK(kt_info(o, ev_o.handle, &ci));
	EXPECT_EQ(KTAPI_CALLORIGIN_INBOUND, ci.origin);
	EXPECT_EQ(S_OFFERING, ci.state);
	EXPECT_EQ(self->dev, ci.device_id);
	EXPECT_STREQ("123", ci.caller_address);
	EXPECT_STREQ(PADDR, ci.called_address);
	EXPECT_EQ(1, ci.num_owners);
	EXPECT_EQ(1, ci.num_monitors);
	EXPECT_EQ(0, ci.related_call_id);

	/* Wrong device, bad addresses. */
	EXPECT_EQ(ENODEV, kt_prov_newcall(self->pfd, self->dev + 1000, "1",
					  PADDR, NULL));
	EXPECT_EQ(EINVAL, kt_prov_newcall(self->pfd, self->dev, "abc", PADDR,
					  NULL));
	EXPECT_EQ(EINVAL, kt_prov_newcall(self->pfd, self->dev, "1", "",
					  NULL));
	EXPECT_NO_EV(o, o2, m);
	close(o);
	close(o2);
	close(m);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	EXPECT_NO_REQ(self->pfd);
}

TEST_F(prov, newcall_no_owner)
{
	int m, fd;
	__u32 cid = 1;

	/* No line at all, then a monitor only. */
	EXPECT_EQ(ENXIO, kt_prov_newcall(self->pfd, self->dev, "1", PADDR,
					 &cid));
	m = LINE(self->dev, P_MON);
	fd = LINE(self->dev, P_NONE);
	EXPECT_EQ(ENXIO, kt_prov_newcall(self->pfd, self->dev, "1", PADDR,
					 &cid));
	EXPECT_NO_EV(m, fd);
	EXPECT_NO_REQ(self->pfd);
	close(m);
	close(fd);
}

/* ANSWER and DROP: local checks first, then requests; states by CALLSTATE. */
TEST_F(prov, answer_drop_requests)
{
	struct ktapi_provider_request req;
	__u32 h, hm, cid, rid;
	int o, m;

	o = LINE(self->dev, P_OWN);
	m = LINE(self->dev, P_MON);
	PROV_CALL_IN(self->pfd, self->dev, "123", PADDR, o, &h, &cid);
	hm = PROV_MONITOR(m, cid, S_OFFERING);

	/* The local checks: no request. */
	EXPECT_EQ(EACCES, kt_answer(m, hm));
	EXPECT_EQ(EACCES, kt_drop(m, hm));
	EXPECT_EQ(ENOENT, kt_answer(o, h + 1000));
	EXPECT_NO_REQ(self->pfd);

	/* ANSWER: the module changes no state, the provider does. */
	ASSERT_OK(kt_answer_async(o, h, &rid));
	EXPECT_NE(0, rid);
	EXPECT_PREQ(&req, self->pfd, KTAPI_PREQ_ANSWER, self->dev, cid);
	EXPECT_NO_EV(o, m);
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_REPLY(o, rid, 0, h, cid);
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_CONNECTED, 0));
	EXPECT_CS(o, h, cid, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(m, hm, cid, S_CONNECTED, 0, P_MON);
	/* Not OFFERING any more. */
	EXPECT_EQ(EBUSY, kt_answer(o, h));

	/* DROP, answered with an error: nothing changes. */
	ASSERT_OK(kt_drop_async(o, h, &rid));
	EXPECT_PREQ(&req, self->pfd, KTAPI_PREQ_DROP, self->dev, cid);
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, -EIO));
	EXPECT_REPLY(o, rid, -EIO, h, cid);
	EXPECT_NO_EV(o, m);

	/* DROP again, then IDLE. */
	ASSERT_OK(kt_drop_async(o, h, &rid));
	EXPECT_PREQ(&req, self->pfd, KTAPI_PREQ_DROP, self->dev, cid);
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_IDLE, 0));
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_CS(o, h, cid, S_IDLE, 0, P_OWN);
	EXPECT_REPLY(o, rid, 0, h, cid);
	EXPECT_CS(m, hm, cid, S_IDLE, 0, P_MON);
	EXPECT_EQ(EBUSY, kt_drop(o, h));
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(o, m);
	close(o);
	close(m);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_IDLE);
}

/* A synchronous ANSWER returns the provider's result. */
TEST_F(prov, answer_sync)
{
	struct kt_prov_loop pl = {
		.fd = self->pfd,
		.result = 0,
		.states = true,
	};
	pthread_t t;
	__u32 h, cid;
	int o;

	o = LINE(self->dev, P_OWN);
	PROV_CALL_IN(self->pfd, self->dev, "123", PADDR, o, &h, &cid);
	serve(_metadata, &t, &pl);
	ASSERT_OK(kt_answer(o, h));
	EXPECT_CS(o, h, cid, S_CONNECTED, 0, P_OWN);
	pl.result = -EBUSY;
	EXPECT_EQ(EBUSY, kt_drop(o, h));
	EXPECT_NO_EV(o);
	close(o);
	ASSERT_OK(kt_prov_wait_count(&pl.closecalls, 1, EV_WAIT_MS));
	EXPECT_EQ(1, kt_prov_closed_count(&pl, cid));
	EXPECT_EQ(S_CONNECTED, pl.last.state);
	unserve(t, &pl);
	EXPECT_EQ(0, pl.errors);
}

/* ====================================================================== */
/* CALLSTATE                                                              */

TEST_F(prov, callstate_validation)
{
	__u32 h, cid, h_in, in_cid;
	int a, o;

	a = LINE(self->dev, P_OWN);
	PROV_CALL_OUT(a, self->pfd, self->dev, DEST, &h, &cid);

	o = LINE(self->dev, P_OWN);
	PROV_CALL_IN(self->pfd, self->dev, "1", PADDR, a, &h_in, &in_cid);

	/* Values that are never a state or a mode. */
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, 0, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_IDLE | S_BUSY, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, 0x10000, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid,
					    KTAPI_CALLSTATE_CONFERENCED, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_DISC, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_DISC, 3));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_DISC, 0x8));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_RINGBACK, 1));
	/* Not for an OUTBOUND leg, not for an INBOUND one. */
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_OFFERING, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_ACCEPTED, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, in_cid, S_DIALING, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, in_cid, S_RINGBACK, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, in_cid, S_BUSY, 0));
	/* Unknown call ids. */
	EXPECT_EQ(ENOENT, kt_prov_callstate(self->pfd, 0, S_IDLE, 0));
	EXPECT_EQ(ENOENT, kt_prov_callstate(self->pfd, cid + 0x1000000,
					    S_IDLE, 0));
	EXPECT_NO_EV(a, o);

	/* After DISCONNECTED only IDLE; after IDLE nothing. */
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_DISC,
				    KTAPI_DISCONNECTMODE_BUSY));
	EXPECT_CS(a, h, cid, S_DISC, KTAPI_DISCONNECTMODE_BUSY, P_OWN);
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_CONNECTED, 0));
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_DISC,
					    KTAPI_DISCONNECTMODE_NORMAL));
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_IDLE, 0));
	EXPECT_CS(a, h, cid, S_IDLE, 0, P_OWN);
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, cid, S_CONNECTED, 0));
	/* An INBOUND leg: OFFERING only first. */
	ASSERT_OK(kt_prov_callstate(self->pfd, in_cid, S_ACCEPTED, 0));
	EXPECT_CS(a, h_in, in_cid, S_ACCEPTED, 0, P_OWN);
	EXPECT_EQ(EINVAL, kt_prov_callstate(self->pfd, in_cid, S_OFFERING, 0));
	EXPECT_NO_EV(a, o);

	/* After CLOSECALL the call id means nothing. */
	ASSERT_OK(kt_dealloc(a, h));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_IDLE);
	EXPECT_EQ(ENOENT, kt_prov_callstate(self->pfd, cid, S_IDLE, 0));
	close(a);
	close(o);
	EXPECT_CLOSECALL(self->pfd, self->dev, in_cid, S_ACCEPTED);
}

/* CLOSECALL only when the last handle of any kind goes, and once. */
TEST_F(prov, closecall_after_last_handle)
{
	__u32 h, hm, cid;
	int o, m;

	o = LINE(self->dev, P_OWN);
	m = LINE(self->dev, P_MON);
	PROV_CALL_IN(self->pfd, self->dev, "1", PADDR, o, &h, &cid);
	hm = PROV_MONITOR(m, cid, S_OFFERING);

	ASSERT_OK(kt_dealloc(o, h));
	EXPECT_NO_REQ(self->pfd);
	/* The leg goes on with its monitor; the provider may still report. */
	ASSERT_OK(kt_prov_callstate(self->pfd, cid, S_DISC,
				    KTAPI_DISCONNECTMODE_NORMAL));
	EXPECT_CS(m, hm, cid, S_DISC, KTAPI_DISCONNECTMODE_NORMAL, P_MON);
	ASSERT_OK(kt_dealloc(m, hm));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_DISC);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(o, m);
	close(o);
	close(m);
	EXPECT_NO_REQ(self->pfd);
}

/* ====================================================================== */
/* Timeouts                                                               */

/* Sync: ETIMEDOUT; a MAKECALL never read is taken back, no CLOSECALL. */
TEST_F(prov, timeout_sync)
{
	__u64 t0, dt;
	__u32 h, cid;
	int a;

	set_timeout(_metadata, self, 300);
	a = LINE(self->dev, P_OWN);
	t0 = kt_now_ns();
	EXPECT_EQ(ETIMEDOUT, kt_make_call(a, DEST, &h, &cid));
	dt = kt_now_ns() - t0;
	EXPECT_LE(290000000ULL, dt);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_NO_EV(a);
	close(a);
}

/* Async: the REPLY says ETIMEDOUT, a late REPLY is ENOENT, CLOSECALL due. */
TEST_F(prov, timeout_async)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;
	int a;

	set_timeout(_metadata, self, 200);
	a = LINE(self->dev, P_OWN);
	PROV_CALL_PENDING(a, self->pfd, self->dev, DEST, &h, &cid, &rid, &req);
	EXPECT_REPLY(a, rid, -ETIMEDOUT, h, cid);
	EXPECT_EQ(ENOENT, kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_EQ(ENOENT, kt_dealloc(a, h));
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, 0);
	EXPECT_NO_EV(a);
	close(a);
}

/*
 * Async requests expire in deadline order, not queue order: one made with
 * a 1.5 s timeout, then one with 200 ms; the second's REPLY comes first,
 * while the first is still pending.
 */
TEST_F(prov, timeout_async_deadline_order)
{
	struct ktapi_provider_request req;
	__u32 h1, cid1, rid1, h2, cid2, rid2;
	int a;

	set_timeout(_metadata, self, 1500);
	a = LINE(self->dev, P_OWN);
	ASSERT_OK(kt_make_call_async(a, DEST, &h1, &cid1, &rid1));
	ASSERT_OK(kt_param_set("provider_timeout_ms", 200));
	ASSERT_OK(kt_make_call_async(a, DEST, &h2, &cid2, &rid2));
	EXPECT_MAKECALL(&req, self->pfd, self->dev, cid1, DEST);
	EXPECT_MAKECALL(&req, self->pfd, self->dev, cid2, DEST);
	EXPECT_REPLY(a, rid2, -ETIMEDOUT, h2, cid2);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid2, 0);
	/* The first is still outstanding, then expires too. */
	EXPECT_NO_EV(a);
	EXPECT_REPLY(a, rid1, -ETIMEDOUT, h1, cid1);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid1, 0);
	EXPECT_NO_EV(a);
	close(a);
}

/* max_requests outstanding: one more is EAGAIN at once. */
TEST(max_requests)
{
	struct ktapi_provider_request req;
	__u32 dev, h, cid, rid, rid2;
	int pfd, a;

	PROV_REQUIRE();
	pfd = PROV("one", 1);
	dev = PROV_LINE(pfd, PADDR);
	a = LINE(dev, P_OWN);
	ASSERT_OK(kt_make_call_async(a, DEST, &h, &cid, &rid));
	EXPECT_EQ(EAGAIN, kt_make_call_async(a, DEST, NULL, NULL, &rid2));
	EXPECT_EQ(EAGAIN, kt_make_call(a, DEST, NULL, NULL));
	EXPECT_MAKECALL(&req, pfd, dev, cid, DEST);
	ASSERT_OK(kt_prov_reply(pfd, req.request_id, -EBUSY));
	EXPECT_REPLY(a, rid, -EBUSY, h, cid);
	EXPECT_CLOSECALL(pfd, dev, cid, 0);
	EXPECT_NO_REQ(pfd);
	close(a);
	close(pfd);
}

/* ====================================================================== */
/* The provider's death                                                   */

struct killer {
	int pfd;
	int err;
};

/* Read the MAKECALL, then die. */
static void *read_and_close(void *arg)
{
	struct killer *k = arg;
	struct ktapi_provider_request req;

	k->err = kt_prov_read(k->pfd, &req, EV_WAIT_MS);
	close(k->pfd);
	return NULL;
}

/* A pending sync request fails with ECONNABORTED; the devices go. */
TEST_F(prov, death_pending_sync)
{
	struct killer k = { .pfd = self->pfd };
	struct ktapi_devcaps caps;
	pthread_t t;
	__u32 h, cid;
	int a;

	a = LINE(self->dev, P_OWN);
	ASSERT_EQ(0, pthread_create(&t, NULL, read_and_close, &k));
	EXPECT_EQ(ECONNABORTED, kt_make_call(a, DEST, &h, &cid));
	pthread_join(t, NULL);
	self->pfd = -1;
	EXPECT_EQ(0, k.err);
	/* Its line was force-closed, everyone else told of the removal. */
	EXPECT_EV(a, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(self->watcher, EV_LREMOVE, 0, 0, 0, self->dev, 0);
	EXPECT_EQ(ENODEV, kt_devcaps(self->watcher, self->dev, &caps));
	EXPECT_EQ(EBADFD, kt_make_call(a, DEST, &h, &cid));
	EXPECT_NO_EV(a, self->watcher);
	close(a);
}

/* An async request gets its REPLY with ECONNABORTED; live calls go too. */
TEST_F(prov, death_live_call)
{
	struct ktapi_stats s0, s1;
	__u32 h, cid, h_in, in_cid, rid;
	bool stats;
	int o;

	stats = HAVE_STATS(&s0);
	o = LINE(self->dev, P_OWN);
	PROV_CALL_IN(self->pfd, self->dev, "1", PADDR, o, &h_in, &in_cid);
	ASSERT_OK(kt_prov_callstate(self->pfd, in_cid, S_CONNECTED, 0));
	EXPECT_CS(o, h_in, in_cid, S_CONNECTED, 0, P_OWN);
	ASSERT_OK(kt_make_call_async(o, DEST, &h, &cid, &rid));

	close_fd(&self->pfd);
	EXPECT_REPLY(o, rid, -ECONNABORTED, h, cid);
	EXPECT_EV(o, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(self->watcher, EV_LREMOVE, 0, 0, 0, self->dev, 0);
	EXPECT_EQ(EBADFD, kt_dealloc(o, h_in));
	EXPECT_NO_EV(o, self->watcher);
	close(o);
	if (stats && HAVE_STATS(&s1)) {
		EXPECT_EQ(s0.calls, s1.calls);
		EXPECT_EQ(s0.handles, s1.handles);
		EXPECT_EQ(s0.devices - 1, s1.devices);
	}
}

/* ====================================================================== */
/* A faulting copy-out has done nothing                                   */

/* A page whose struct @len bytes are filled from @src, then read-only. */
static void *ro_copy(struct __test_metadata *_metadata, const void *src,
		     size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	memcpy(p, src, len);
	ASSERT_EQ(0, mprotect(p, pg, PROT_READ));
	return p;
}

static void ro_free(void *p)
{
	munmap(p, sysconf(_SC_PAGESIZE));
}

/* REGISTER whose output cannot be written: EFAULT, still unregistered. */
TEST(register_efault_unregistered)
{
	struct ktapi_provider_register r;
	__u32 dev, id = 0;
	void *ro;
	int fd;

	PROV_REQUIRE();
	fd = kt_prov_open();
	ASSERT_LE(0, fd);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.version = KTAPI_PROVIDER_VERSION;
	r.max_requests = 1;
	strcpy(r.name, "ro");
	ro = ro_copy(_metadata, &r, sizeof(r));
	EXPECT_EQ(EFAULT, kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_REGISTER, ro)));
	ro_free(ro);
	EXPECT_EQ(EBADFD, kt_prov_add_line(fd, PADDR, NULL, &dev));
	/* Not EBUSY: the retry registers. */
	EXPECT_OK(kt_prov_register(fd, "ro", 1, &id));
	EXPECT_NE(0, id);
	close(fd);
}

/* ADD_LINE whose output cannot be written: EFAULT, no device stays. */
TEST_F(prov, add_line_efault_no_device)
{
	struct ktapi_provider_line l;
	struct ktapi_devcaps caps;
	__u32 id;
	void *ro;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	strcpy(l.address, "5550111");
	ro = ro_copy(_metadata, &l, sizeof(l));
	EXPECT_EQ(EFAULT,
		  kt_err(ioctl(self->pfd, KTAPI_PROVIDER_IOC_ADD_LINE, ro)));
	ro_free(ro);
	/*
	 * The device was made, then removed again before EFAULT: its
	 * LINE_REMOVE took back its unread LINE_CREATE, so the watcher
	 * reads nothing; its id (the last one given) is ENODEV.
	 */
	EXPECT_NO_EV(self->watcher);
	id = kt_num_devices(self->watcher) - 1;
	EXPECT_NE(self->dev, id);
	EXPECT_EQ(ENODEV, kt_devcaps(self->watcher, id, &caps));
	EXPECT_EQ(ENODEV, kt_prov_remove_line(self->pfd, id));
	/* The provider's own device is untouched. */
	ASSERT_OK(kt_devcaps(self->watcher, self->dev, &caps));
	EXPECT_STREQ(PADDR, caps.address);
}

/* NEWCALL whose output cannot be written: EFAULT, no call, no CLOSECALL. */
TEST_F(prov, newcall_efault_no_call)
{
	struct ktapi_provider_newcall nc;
	struct ktapi_event ev;
	int o, m;
	__u32 cid;
	void *ro;

	o = LINE(self->dev, P_OWN);
	m = LINE(self->dev, P_MON);
	memset(&nc, 0, sizeof(nc));
	nc.size = sizeof(nc);
	nc.device_id = self->dev;
	strcpy(nc.caller_address, "123");
	strcpy(nc.called_address, PADDR);
	ro = ro_copy(_metadata, &nc, sizeof(nc));
	EXPECT_EQ(EFAULT,
		  kt_err(ioctl(self->pfd, KTAPI_PROVIDER_IOC_NEWCALL, ro)));
	ro_free(ro);
	EXPECT_NO_EV(o, m);
	EXPECT_NO_REQ(self->pfd);
	/* The provider can go on: the next NEWCALL works. */
	ASSERT_OK(kt_prov_newcall(self->pfd, self->dev, "123", PADDR, &cid));
	EXPECT_NEW(&ev, o, cid, S_OFFERING, P_OWN);
	close(o);
	close(m);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
	EXPECT_NO_REQ(self->pfd);
}

TEST_HARNESS_MAIN
