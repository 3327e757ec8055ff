// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: asynchronous requests on the loopback switch
 * (KTAPI_REQ_ASYNC, KTAPI_EV_REPLY; DOC: Requests and DOC: Events of the
 * uapi header).
 *
 *  - MAKE_CALL, ANSWER and DROP with KTAPI_REQ_ASYNC return a request id
 *    (positive, handed out in turn by each file) and queue exactly one
 *    REPLY, before the CALLSTATE records the request causes: the first
 *    record of a MAKE_CALL's handle;
 *  - a REPLY is never dropped: behind a full ring it waits, CALLSTATEs
 *    meanwhile are dropped and counted, and it comes before the records
 *    queued after it once room comes;
 *  - a file has at most max_requests REPLYs unread (module parameter):
 *    one more request is EAGAIN, a REPLY read makes room;
 *  - the checks of the synchronous request are the ioctl's errors (no
 *    REPLY); KTAPI_REQ_ASYNC needs a size that covers request_id, other
 *    flags and DEALLOCATE_CALL with it are EINVAL; a synchronous
 *    MAKE_CALL writes request_id 0;
 *  - a REPLY is delivered when its handle was deallocated meanwhile.
 *
 * Built 64-bit and -m32 (SUITE); run in both passes of run_vm_tests.sh.
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include "ktapi_utils.h"

#define EV_REPLY	KTAPI_EV_REPLY
#define ASYNC		KTAPI_REQ_ASYNC
#define GARBAGE		0x5a5a5a5aU

/* MAKE_CALL with @flags: 0 or errno; *mc is what the kernel wrote back. */
static int mc_flags(int fd, const char *addr, __u32 flags,
		    struct ktapi_make_call *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->size = sizeof(*mc);
	mc->flags = flags;
	mc->request_id = GARBAGE;	/* output: never read */
	strcpy(mc->dest_address, addr);
	return kt_err(ioctl(fd, KTAPI_IOC_MAKE_CALL, mc));
}

/* ANSWER or DROP with @flags; *op is what the kernel wrote back. */
static int op_flags(int fd, unsigned long cmd, __u32 handle, __u32 flags,
		    struct ktapi_call_op *op)
{
	memset(op, 0, sizeof(*op));
	op->size = sizeof(*op);
	op->flags = flags;
	op->handle = handle;
	op->request_id = GARBAGE;
	return kt_err(ioctl(fd, cmd, op));
}


/* The REPLYs among everything queued on @fd now, and the total records. */
static int drain_replies(int fd, int *records)
{
	struct ktapi_event *ev;
	int n, i, got = 0;

	ev = calloc(200000, sizeof(*ev));
	if (!ev)
		return -1;
	n = kt_drain_evs(fd, ev, 200000);
	for (i = 0; i < n && i < 200000; i++)
		got += ev[i].type == EV_REPLY;
	free(ev);
	if (records)
		*records = n;
	return n < 0 ? -1 : got;
}

static long long max_requests(void)
{
	return kt_param("max_requests");
}

/*
 * An async MAKE_CALL: request id at once, then exactly one REPLY, the
 * handle's first record, before its CALLSTATEs; the callee's records are
 * those of a synchronous call.
 */
TEST_F(call, make_call_reply_first_exactly_once)
{
	struct ktapi_make_call mc;
	struct ktapi_call_info ci;
	struct ktapi_event ev;

	ASSERT_OK(mc_flags(self->a, self->addr_b, ASYNC, &mc));
	EXPECT_NE(0, mc.handle);
	EXPECT_NE(0, mc.call_id);
	EXPECT_LT(0, (__s32)mc.request_id);
	EXPECT_NE(GARBAGE, mc.request_id);
	EXPECT_EQ(ASYNC, mc.flags);
	EXPECT_EQ(0, mc.reserved);
	/* On the loopback switch the request is done: the handle works. */
	GET_INFO(self->a, mc.handle, &ci);
	EXPECT_EQ(mc.call_id, ci.call_id);
	EXPECT_REPLY(self->a, mc.request_id, 0, mc.handle, mc.call_id);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_RINGBACK, 0, P_OWN);
	EXPECT_NEW(&ev, self->b, ci.related_call_id, S_OFFERING, P_OWN);
	EXPECT_CS(self->b, ev.handle, ci.related_call_id, S_OFFERING, 0, P_OWN);
	/* Exactly once, and the callee gets none. */
	EXPECT_NO_EV(self->a, self->b);
}

/* ANSWER and DROP: the REPLY first, then the states they cause. */
TEST_F(call, answer_drop_reply_before_callstate)
{
	struct ktapi_call_op op;
	struct pair pr;

	__call_ab(_metadata, self->a, self->b, self->addr_b, &pr);
	ASSERT_OK(op_flags(self->b, KTAPI_IOC_ANSWER, pr.hb, ASYNC, &op));
	EXPECT_LT(0, (__s32)op.request_id);
	EXPECT_NE(GARBAGE, op.request_id);
	EXPECT_EQ(pr.hb, op.handle);
	EXPECT_EQ(0, op.reserved);
	EXPECT_EQ(0, op.reserved2);
	EXPECT_REPLY(self->b, op.request_id, 0, pr.hb, pr.cb);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_CONNECTED, 0, P_OWN);

	ASSERT_OK(op_flags(self->a, KTAPI_IOC_DROP, pr.ha, ASYNC, &op));
	EXPECT_LT(0, (__s32)op.request_id);
	EXPECT_REPLY(self->a, op.request_id, 0, pr.ha, pr.ca);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->a, self->b);
}

/*
 * Request ids are positive and handed out in turn by each file, whatever
 * the request: one more per request; another file has its own.
 */
TEST_F(call, request_ids_positive_per_file)
{
	struct ktapi_make_call mc;
	struct ktapi_call_op op;
	__u32 first, prev, other;
	int i;

	ASSERT_OK(mc_flags(self->a, "999", ASYNC, &mc));
	first = prev = mc.request_id;
	EXPECT_LT(0, (__s32)first);
	for (i = 0; i < 8; i++) {
		ASSERT_OK(mc_flags(self->a, "999", ASYNC, &mc));
		EXPECT_EQ(prev + 1, mc.request_id);
		prev = mc.request_id;
		/* A DISCONNECTED leg: DROP makes it IDLE. */
		ASSERT_OK(op_flags(self->a, KTAPI_IOC_DROP, mc.handle, ASYNC, &op));
		EXPECT_EQ(prev + 1, op.request_id);
		prev = op.request_id;
		EXPECT_LT(0, (__s32)prev);
	}
	/* b's first request: its own sequence, as a's began. */
	ASSERT_OK(mc_flags(self->b, "999", ASYNC, &mc));
	other = mc.request_id;
	EXPECT_EQ(first, other);
	ASSERT_OK(mc_flags(self->a, "999", ASYNC, &mc));
	EXPECT_EQ(prev + 1, mc.request_id);
	EXPECT_EQ(18, drain_replies(self->a, NULL));
	EXPECT_EQ(1, drain_replies(self->b, NULL));
}

/*
 * Synchronous requests: MAKE_CALL writes request_id 0 (what the program
 * had there is not read); ANSWER and DROP write nothing back, and queue
 * no REPLY.
 */
TEST_F(call, sync_request_id_zero_no_reply)
{
	struct ktapi_make_call mc;
	struct ktapi_call_op op;
	struct pair pr;

	ASSERT_OK(mc_flags(self->a, "999", 0, &mc));
	EXPECT_EQ(0, mc.request_id);
	EXPECT_EQ(0, mc.flags);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_DISC, M_BADADDR, P_OWN);
	__call_ab(_metadata, self->a, self->b, self->addr_b, &pr);
	ASSERT_OK(op_flags(self->b, KTAPI_IOC_ANSWER, pr.hb, 0, &op));
	EXPECT_EQ(GARBAGE, op.request_id);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_CONNECTED, 0, P_OWN);
	ASSERT_OK(op_flags(self->a, KTAPI_IOC_DROP, pr.ha, 0, &op));
	EXPECT_EQ(GARBAGE, op.request_id);
	EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
	EXPECT_NO_EV(self->a, self->b);
}

/*
 * KTAPI_REQ_ASYNC needs a size that covers request_id (a program older
 * than it cannot get its request id): shorter is EINVAL; a size up to
 * request_id but short of the reserved field after it is enough.  Other
 * bits beside it, and DEALLOCATE_CALL with it, are EINVAL.  No REPLY.
 */
TEST_F(call, flags_and_sizes)
{
	const size_t mc_rid = offsetof(struct ktapi_make_call, request_id);
	const size_t op_rid = offsetof(struct ktapi_call_op, request_id);
	unsigned char buf[sizeof(struct ktapi_make_call) + 8];
	struct ktapi_make_call *m = (void *)buf;
	struct ktapi_call_op *o = (void *)buf;
	struct ktapi_make_call mc;
	struct ktapi_call_op op;
	struct pair pr;
	size_t len;

	__call_ab(_metadata, self->a, self->b, self->addr_b, &pr);
	for (len = KTAPI_MAKE_CALL_SIZE_VER0; len < mc_rid + 4; len++) {
		memset(buf, 0, sizeof(buf));
		m->size = len;
		m->flags = ASYNC;
		strcpy(m->dest_address, "999");
		EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->a, KTAPI_IOC_MAKE_CALL, buf)));
	}
	for (len = KTAPI_CALL_OP_SIZE_VER0; len < op_rid + 4; len++) {
		memset(buf, 0, sizeof(buf));
		o->size = len;
		o->flags = ASYNC;
		o->handle = pr.hb;
		EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->b, KTAPI_IOC_ANSWER, buf)));
		o->handle = pr.ha;
		EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->a, KTAPI_IOC_DROP, buf)));
	}
	/* Checked before the line state: a file without LINE_OPEN. */
	{
		int fd = FD();

		memset(buf, 0, sizeof(buf));
		m->size = KTAPI_MAKE_CALL_SIZE_VER0;
		m->flags = ASYNC;
		strcpy(m->dest_address, "999");
		EXPECT_ERRNO(EINVAL, kt_err(ioctl(fd, KTAPI_IOC_MAKE_CALL, buf)));
		close(fd);
	}
	EXPECT_ERRNO(EINVAL, mc_flags(self->a, "999", ASYNC | 2, &mc));
	EXPECT_ERRNO(EINVAL, mc_flags(self->a, "999", ASYNC | 0x80000000u, &mc));
	EXPECT_ERRNO(EINVAL, op_flags(self->b, KTAPI_IOC_ANSWER, pr.hb, ASYNC | 2, &op));
	EXPECT_ERRNO(EINVAL, op_flags(self->a, KTAPI_IOC_DEALLOCATE_CALL, pr.ha, ASYNC, &op));
	EXPECT_NO_EV(self->a, self->b);

	/* Up to request_id: accepted, the request id written back. */
	memset(buf, 0, sizeof(buf));
	m->size = mc_rid + 4;
	m->flags = ASYNC;
	m->reserved = 1;	/* past the size: not read */
	strcpy(m->dest_address, "999");
	ASSERT_OK(kt_err(ioctl(self->a, KTAPI_IOC_MAKE_CALL, buf)));
	EXPECT_LT(0, (__s32)m->request_id);
	EXPECT_EQ(1, m->reserved);
	EXPECT_REPLY(self->a, m->request_id, 0, m->handle, m->call_id);
	memset(buf, 0, sizeof(buf));
	o->size = op_rid + 4;
	o->flags = ASYNC;
	o->handle = pr.hb;
	o->reserved2 = 1;	/* past the size: not read */
	ASSERT_OK(kt_err(ioctl(self->b, KTAPI_IOC_ANSWER, buf)));
	EXPECT_LT(0, (__s32)o->request_id);
	EXPECT_EQ(1, o->reserved2);
	EXPECT_REPLY(self->b, o->request_id, 0, pr.hb, pr.cb);
	/* ... and the reserved fields, where the size covers them. */
	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	mc.flags = ASYNC;
	mc.reserved = 1;
	strcpy(mc.dest_address, "999");
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->a, KTAPI_IOC_MAKE_CALL, &mc)));
	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.flags = ASYNC;
	op.handle = pr.ha;
	op.reserved2 = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->a, KTAPI_IOC_DROP, &op)));
}

/*
 * The checks a synchronous request makes before it starts are the async
 * ioctl's errors, with no REPLY: handle, privilege, state, address.
 */
TEST_F(call, errors_before_start_no_reply)
{
	struct ktapi_make_call mc;
	struct ktapi_call_op op;
	struct ktapi_event ev;
	struct pair pr;
	int m;

	__call_ab(_metadata, self->a, self->b, self->addr_b, &pr);
	EXPECT_ERRNO(EINVAL, mc_flags(self->a, "12a", ASYNC, &mc));
	EXPECT_ERRNO(ENOENT, op_flags(self->a, KTAPI_IOC_DROP, 0, ASYNC, &op));
	EXPECT_ERRNO(ENOENT, op_flags(self->a, KTAPI_IOC_DROP, 0x7fffffff, ASYNC, &op));
	EXPECT_ERRNO(ENOENT, op_flags(self->a, KTAPI_IOC_ANSWER, pr.hb + 1000, ASYNC, &op));
	/* RINGBACK: ANSWER is EBUSY. */
	EXPECT_ERRNO(EBUSY, op_flags(self->a, KTAPI_IOC_ANSWER, pr.ha, ASYNC, &op));
	/* A MONITOR handle: EACCES. */
	m = LINE(1, P_MON);
	ASSERT_OK(mc_flags(self->a, self->addr_b, 0, &mc));
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_RINGBACK, 0, P_OWN);
	EXPECT_NEW(&ev, m, ANY, S_OFFERING, P_MON);
	EXPECT_ERRNO(EACCES, op_flags(m, KTAPI_IOC_ANSWER, ev.handle, ASYNC, &op));
	EXPECT_ERRNO(EACCES, op_flags(m, KTAPI_IOC_DROP, ev.handle, ASYNC, &op));
	/* An IDLE leg: DROP is EBUSY. */
	ASSERT_OK(op_flags(self->a, KTAPI_IOC_DROP, pr.ha, 0, &op));
	EXPECT_ERRNO(EBUSY, op_flags(self->a, KTAPI_IOC_DROP, pr.ha, ASYNC, &op));
	/* None of them queued a REPLY. */
	EXPECT_EQ(0, drain_replies(self->a, NULL));
	EXPECT_EQ(0, drain_replies(self->b, NULL));
	EXPECT_EQ(0, drain_replies(m, NULL));
	close(m);
}

/* A REPLY whose handle was deallocated (or its leg went IDLE) meanwhile. */
TEST_F(call, reply_for_deallocated_handle)
{
	struct ktapi_make_call mc;
	struct ktapi_call_op op;
	struct ktapi_call_info ci;

	ASSERT_OK(mc_flags(self->a, self->addr_b, ASYNC, &mc));
	ASSERT_OK(kt_dealloc(self->a, mc.handle));
	EXPECT_ERRNO(ENOENT, kt_info(self->a, mc.handle, &ci));
	EXPECT_REPLY(self->a, mc.request_id, 0, mc.handle, mc.call_id);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_RINGBACK, 0, P_OWN);
	EXPECT_LE(0, kt_drain(self->b));

	/* DROP, the leg IDLE, then deallocated: the REPLY still comes. */
	ASSERT_OK(mc_flags(self->a, "999", 0, &mc));
	ASSERT_OK(op_flags(self->a, KTAPI_IOC_DROP, mc.handle, ASYNC, &op));
	ASSERT_OK(kt_dealloc(self->a, mc.handle));
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_DISC, M_BADADDR, P_OWN);
	EXPECT_REPLY(self->a, op.request_id, 0, mc.handle, mc.call_id);
	EXPECT_CS(self->a, mc.handle, mc.call_id, S_IDLE, 0, P_OWN);
	EXPECT_NO_EV(self->a);
}

/* Fill @fd's ring with CALLSTATEs of calls to "999": the records queued. */
static unsigned int fill_ring(struct __test_metadata *_metadata, int fd,
			      unsigned long len)
{
	unsigned int n = 0;
	__u32 h;

	while (n < len) {
		ASSERT_OK(kt_make_call(fd, "999", &h, NULL));
		ASSERT_OK(kt_dealloc(fd, h));
		n += 2;
	}
	return n;
}

/*
 * A REPLY behind a full ring is never dropped: it waits, the CALLSTATEs
 * of its call are dropped and counted, and once room comes it enters the
 * ring before anything queued after it, then the OVERFLOW.
 */
TEST_F(call, reply_never_dropped_full_queue)
{
	unsigned long len = self->p.event_queue_len;
	struct ktapi_event ev;
	struct ktapi_make_call mc, mc2;
	unsigned int queued, dropped, i;
	__u32 h;

	queued = fill_ring(_metadata, self->a, len);
	dropped = queued - len;
	ASSERT_OK(mc_flags(self->a, "999", ASYNC, &mc));
	dropped += 2;		/* its DIALING and DISCONNECTED */
	/* One record read: the REPLY takes its room, the ring is full. */
	ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
	EXPECT_EQ(EV_CS, ev.type);
	/* A call after the REPLY: its CALLSTATEs dropped too. */
	ASSERT_OK(kt_make_call(self->a, "999", &h, NULL));
	dropped += 2;
	for (i = 1; i < len; i++) {
		ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
		ASSERT_EQ(EV_CS, ev.type) TH_LOG("record %u", i);
	}
	EXPECT_REPLY(self->a, mc.request_id, 0, mc.handle, mc.call_id);
	EXPECT_EV(self->a, EV_OVF, 0, 0, 0, dropped, 0);
	/* Room now: a new request's REPLY, then its CALLSTATEs. */
	ASSERT_OK(mc_flags(self->a, "999", ASYNC, &mc2));
	EXPECT_REPLY(self->a, mc2.request_id, 0, mc2.handle, mc2.call_id);
	EXPECT_CS(self->a, mc2.handle, mc2.call_id, S_DIALING, 0, P_OWN);
	EXPECT_CS(self->a, mc2.handle, mc2.call_id, S_DISC, M_BADADDR, P_OWN);
	EXPECT_NO_EV(self->a);
}

/*
 * REPLYs wait in line with APPNEWCALLs, in the order they came; the
 * CALLSTATEs between them are dropped, and one OVERFLOW follows both.
 */
TEST_F(call, reply_in_line_with_appnewcall)
{
	unsigned long len = self->p.event_queue_len;
	struct ktapi_make_call mc1, mc2;
	struct ktapi_event ev;
	unsigned int queued, i;
	__u32 h;

	/* b's ring full: a's call to b, b's async call, a's call again. */
	queued = fill_ring(_metadata, self->b, len);
	ASSERT_OK(mc_flags(self->a, self->addr_b, 0, &mc1));
	ASSERT_OK(mc_flags(self->b, "999", ASYNC, &mc2));
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &h, NULL));
	for (i = 0; i < len; i++) {
		ASSERT_OK(kt_read_event(self->b, &ev, EV_WAIT_MS));
		ASSERT_EQ(EV_CS, ev.type) TH_LOG("record %u", i);
	}
	EXPECT_NEW(&ev, self->b, ANY, S_OFFERING, P_OWN);
	EXPECT_REPLY(self->b, mc2.request_id, 0, mc2.handle, mc2.call_id);
	EXPECT_NEW(&ev, self->b, ANY, S_OFFERING, P_OWN);
	/* 2 per fill call past the ring, 1 + 2 + 1 of the three calls. */
	EXPECT_EV(self->b, EV_OVF, 0, 0, 0, queued - len + 4, 0);
	EXPECT_NO_EV(self->b);
}

/*
 * At most max_requests REPLYs unread per file: one more async request is
 * EAGAIN (MAKE_CALL, ANSWER and DROP alike; the synchronous ones go on),
 * reading one REPLY makes room for one, and every REPLY is delivered.
 */
TEST_F(call, eagain_at_max_requests)
{
	long long max = max_requests();
	struct ktapi_make_call mc;
	struct ktapi_call_op op;
	struct ktapi_event ev;
	struct pair pr;
	long long i;
	int records;
	__u32 first = 0;

	ASSERT_LE(1, max);
	if ((unsigned long)max + 8 > self->p.max_handles)
		SKIP_NOW("needs max_handles > max_requests + 8");
	__call_ab(_metadata, self->a, self->b, self->addr_b, &pr);
	for (i = 0; i < max; i++) {
		ASSERT_EQ(0, mc_flags(self->a, "999", ASYNC, &mc)) TH_LOG("request %lld", i);
		if (!first)
			first = mc.request_id;
		ASSERT_OK(kt_dealloc(self->a, mc.handle));
	}
	EXPECT_ERRNO(EAGAIN, mc_flags(self->a, "999", ASYNC, &mc));
	EXPECT_ERRNO(EAGAIN, op_flags(self->a, KTAPI_IOC_DROP, pr.ha, ASYNC, &op));
	/* Another file's are its own. */
	ASSERT_OK(op_flags(self->b, KTAPI_IOC_ANSWER, pr.hb, ASYNC, &op));
	/* Synchronous requests are not counted. */
	ASSERT_OK(mc_flags(self->a, "999", 0, &mc));
	ASSERT_OK(kt_dealloc(self->a, mc.handle));
	/* Read up to and with the first REPLY: room for one more. */
	do {
		ASSERT_OK(kt_read_event(self->a, &ev, EV_WAIT_MS));
	} while (ev.type != EV_REPLY);
	EXPECT_EQ(first, ev.request_id);
	ASSERT_OK(op_flags(self->a, KTAPI_IOC_DROP, pr.ha, ASYNC, &op));
	EXPECT_ERRNO(EAGAIN, mc_flags(self->a, "999", ASYNC, &mc));
	/* Every REPLY comes: max - 1 left of the MAKE_CALLs, the DROP's. */
	EXPECT_EQ(max, drain_replies(self->a, &records));
	/* Read: room again. */
	ASSERT_OK(mc_flags(self->a, "999", ASYNC, &mc));
	EXPECT_REPLY(self->a, mc.request_id, 0, mc.handle, mc.call_id);
}

/*
 * An async request whose struct cannot be written back is EFAULT and has
 * done nothing: no call, no REPLY, no request counted.
 */
TEST_F(call, unwritable_efault_nothing_done)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct ktapi_make_call *mc;
	struct ktapi_call_op *op;
	struct ktapi_stats s0, s1;
	bool stats = HAVE_STATS(&s0);
	struct pair pr;
	void *p;

	__call_ab(_metadata, self->a, self->b, self->addr_b, &pr);
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	mc = p;
	memset(mc, 0, sizeof(*mc));
	mc->size = sizeof(*mc);
	mc->flags = ASYNC;
	strcpy(mc->dest_address, self->addr_b);
	op = (void *)((char *)p + 256);
	op->size = sizeof(*op);
	op->flags = ASYNC;
	op->handle = pr.hb;
	ASSERT_EQ(0, mprotect(p, pg, PROT_READ));
	if (stats)
		GET_STATS(&s0);
	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->a, KTAPI_IOC_MAKE_CALL, mc)));
	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->b, KTAPI_IOC_ANSWER, op)));
	if (stats) {
		GET_STATS(&s1);
		EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	}
	EXPECT_NO_EV(self->a, self->b);
	/* The leg is still OFFERING: the ANSWER was not done. */
	ASSERT_OK(kt_answer(self->b, pr.hb));
	munmap(p, pg);
}

/* Closing a file with REPLYs unread (in the ring and waiting) frees them. */
TEST_F(call, close_discards_replies)
{
	unsigned long len = self->p.event_queue_len;
	struct ktapi_stats s0, s1;
	struct ktapi_make_call mc;
	int fd, i;

	if (!HAVE_STATS(&s0))
		SKIP_NOW("no statistics");
	fd = LINE(2 % self->p.lines, P_OWN);
	for (i = 0; i < 4; i++)
		ASSERT_OK(mc_flags(fd, "999", ASYNC, &mc));
	fill_ring(_metadata, fd, len);
	for (i = 0; i < 4; i++)
		ASSERT_OK(mc_flags(fd, "999", ASYNC, &mc));
	close(fd);
	GET_STATS(&s1);
	EXPECT_EQ(s0.events_queued, s1.events_queued);
	EXPECT_EQ(s0.files, s1.files);
}

TEST_HARNESS_MAIN
