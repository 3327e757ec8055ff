// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: CALLINFO records (LINE_CALLINFO), of files that opened
 * their line with KTAPI_LINE_OPEN_CALLINFO: see "Call privilege and new
 * calls" in the uapi header.  Built 64-bit and -m32; the conventions of
 * all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "ktapi_utils.h"

/*
 * a (device 0, OWNER) calls b (device 1, OWNER).  Device 1 is also watched
 * by m and m2 (MONITOR, with CALLINFO) and n (MONITOR, without), opened
 * after b: each holds a MONITOR handle to b's OFFERING leg and has read
 * its APPNEWCALL and CALLSTATE.
 */
FIXTURE(ci) {
	struct ktapi_params p;
	int a, b, m, m2, n;
	char addr_b[KTAPI_ADDRESS_MAX];
	struct pair pr;
	__u32 hm, hm2, hn;
};

static __u32 watch(struct __test_metadata *_metadata, int fd, __u32 cid)
{
	struct ktapi_event ev;

	EXPECT_NEW(&ev, fd, cid, S_OFFERING, P_MON);
	EXPECT_CS(fd, ev.handle, cid, S_OFFERING, 0, P_MON);
	return ev.handle;
}

FIXTURE_SETUP(ci)
{
	KT_REQUIRE_CALL(&self->p);
	self->a = LINE(0, P_OWN);
	self->b = LINE(1, P_OWN);
	self->m = LINE_CI(1, P_MON);
	self->m2 = LINE_CI(1, P_MON);
	self->n = LINE(1, P_MON);
	DEV_ADDR(self->a, 1, self->addr_b);
	__call_ab(_metadata, self->a, self->b, self->addr_b, &self->pr);
	self->hm = watch(_metadata, self->m, self->pr.cb);
	self->hm2 = watch(_metadata, self->m2, self->pr.cb);
	self->hn = watch(_metadata, self->n, self->pr.cb);
}

FIXTURE_TEARDOWN(ci)
{
	close_fd(&self->n);
	close_fd(&self->m2);
	close_fd(&self->m);
	close_fd(&self->b);
	close_fd(&self->a);
}

#define CB	(self->pr.cb)

/* The handles given when a leg is made cause no CALLINFO. */
TEST_F(ci, new_leg_sends_none)
{
	EXPECT_NO_EV(self->m, self->m2, self->n, self->b, self->a);
}

/* LINE_OPEN takes KTAPI_LINE_OPEN_CALLINFO, and no other flag. */
TEST(line_open_flags)
{
	int fd = FD();

	EXPECT_ERRNO(EINVAL, kt_line_open_flags(fd, 0, P_MON, API_CUR, 2));
	EXPECT_ERRNO(EINVAL, kt_line_open_flags(fd, 0, P_MON, API_CUR,
						KTAPI_LINE_OPEN_CALLINFO | 2));
	EXPECT_OK(kt_line_open_flags(fd, 0, P_MON, API_CUR,
				     KTAPI_LINE_OPEN_CALLINFO));
	close(fd);
}

/* A MONITOR handle deallocated: NUMMONITORS to the others that asked. */
TEST_F(ci, dealloc_monitor_numonitors)
{
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	EXPECT_CI(self->m, self->hm, CB, CI_MON);
	EXPECT_CI(self->m2, self->hm2, CB, CI_MON);
	EXPECT_NO_EV(self->m, self->m2, self->n, self->b, self->a);
}

/* The OWNER handle deallocated (api 2.2, OFFERING): NUMOWNERDECR. */
TEST_F(ci, dealloc_owner_numownerdecr)
{
	struct ktapi_call_info ci;

	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNDEC);
	EXPECT_CI(self->m2, self->hm2, CB, CI_OWNDEC);
	GET_INFO(self->m, self->hm, &ci);
	EXPECT_EQ(0, ci.num_owners);
	EXPECT_EQ(3, ci.num_monitors);
	EXPECT_EQ(S_OFFERING, ci.state);
	EXPECT_NO_EV(self->m, self->m2, self->n, self->b, self->a);
}

/* The file whose handle changed reads none, though it asked for them. */
TEST_F(ci, cause_reads_none)
{
	ASSERT_OK(kt_dealloc(self->m2, self->hm2));
	EXPECT_CI(self->m, self->hm, CB, CI_MON);
	EXPECT_NO_EV(self->m2);
}

/* A file that did not ask (flags 0, as every older program) reads none. */
TEST_F(ci, without_flag_none)
{
	ASSERT_OK(kt_dealloc(self->m2, self->hm2));
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	EXPECT_CI(self->m, self->hm, CB, CI_MON | CI_OWNDEC);
	EXPECT_NO_EV(self->n);
}

/* A MONITOR line closed: its handle is voided, the others are told. */
TEST_F(ci, line_close_numonitors)
{
	close_fd(&self->n);
	EXPECT_CI(self->m, self->hm, CB, CI_MON);
	EXPECT_CI(self->m2, self->hm2, CB, CI_MON);
	EXPECT_NO_EV(self->m, self->m2, self->b);
}

/*
 * The sole owner closes its line: the leg is dropped (IDLE) before the
 * count would be told, and an IDLE leg sends none.
 */
TEST_F(ci, owner_close_idle_none)
{
	close_fd(&self->b);
	EXPECT_CS(self->m, self->hm, CB, S_IDLE, 0, P_MON);
	EXPECT_NO_EV(self->m);
}

/* Nothing for a leg that is IDLE. */
TEST_F(ci, idle_leg_none)
{
	ASSERT_OK(kt_drop(self->b, self->pr.hb));
	EXPECT_CS(self->m, self->hm, CB, S_IDLE, 0, P_MON);
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	EXPECT_NO_EV(self->m);
}

/* A DISCONNECTED leg is not IDLE: its counts are told. */
TEST_F(ci, disconnected_leg_tells)
{
	ASSERT_OK(kt_drop(self->a, self->pr.ha));
	EXPECT_CS(self->m, self->hm, CB, S_DISC, M_NORMAL, P_MON);
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	EXPECT_CI(self->m, self->hm, CB, CI_MON);
	EXPECT_NO_EV(self->m);
}

/* Two changes before a read: one record. */
TEST_F(ci, merge_same_bits)
{
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	ASSERT_OK(kt_dealloc(self->m2, self->hm2));
	EXPECT_CI(self->m, self->hm, CB, CI_MON);
	EXPECT_NO_EV(self->m);
}

/* Two different changes before a read: one record with both bits. */
TEST_F(ci, merge_or_bits)
{
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	EXPECT_CI(self->m, self->hm, CB, CI_MON | CI_OWNDEC);
	EXPECT_NO_EV(self->m);
}

/*
 * The unread record takes the later bits even with other records queued
 * after it: it keeps its place (and time), nothing is added.
 */
TEST_F(ci, merge_behind_other_records)
{
	struct ktapi_event ci, cs;

	ASSERT_OK(kt_dealloc(self->n, self->hn));
	ASSERT_OK(kt_drop(self->a, self->pr.ha));
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	EXPECT_EV_OUT(&ci, self->m, EV_CI, self->hm, CB, 0,
		      CI_MON | CI_OWNDEC, 0);
	EXPECT_EV_OUT(&cs, self->m, EV_CS, self->hm, CB, S_DISC, M_NORMAL,
		      P_MON);
	EXPECT_LE(ci.time_ns, cs.time_ns);
	EXPECT_NO_EV(self->m);
}

/* Once read, the next change is a new record. */
TEST_F(ci, new_record_after_read)
{
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	EXPECT_CI(self->m, self->hm, CB, CI_MON);
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNDEC);
	EXPECT_NO_EV(self->m);
}

/* A read() of one record into @buf, in its own thread. */
struct stalled_read {
	int fd;
	void *buf;
	ssize_t ret;
};

static void *stalled_read_fn(void *arg)
{
	struct stalled_read *r = arg;

	r->ret = read(r->fd, r->buf, sizeof(struct ktapi_event));
	return NULL;
}

/*
 * A read() copies only the records it copies: while it copies the first
 * record of [CALLSTATE, CALLINFO] (one record asked for), a change still
 * merges into the CALLINFO behind it, and no second CALLINFO of the handle
 * is queued.  The copy is held in copy_to_user by a userfaultfd page, so
 * the change comes exactly while the read runs.
 */
TEST_F(ci, merge_while_reading_other_record)
{
	long page = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zp = { .mode = 0 };
	struct stalled_read r = { .fd = self->m };
	struct ktapi_event ev;
	struct uffd_msg msg;
	struct pollfd pfd;
	pthread_t t;
	int uffd;
	void *mem;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s (needs root or "
		     "vm.unprivileged_userfaultfd=1)", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api)) TH_LOG("%s", strerror(errno));
	mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(mem != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	reg.range.start = (uintptr_t)mem;
	reg.range.len = page;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg)) TH_LOG("%s", strerror(errno));

	/* m's queue: [CALLSTATE(hm, DISCONNECTED), CALLINFO(hm, NUMMONITORS)]. */
	ASSERT_OK(kt_drop(self->a, self->pr.ha));
	ASSERT_OK(kt_dealloc(self->n, self->hn));

	r.buf = mem;
	ASSERT_EQ(0, pthread_create(&t, NULL, stalled_read_fn, &r));
	/* The reader is in copy_to_user of the CALLSTATE when this comes. */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 10000)) TH_LOG("no fault from the read");
	ASSERT_EQ((ssize_t)sizeof(msg), read(uffd, &msg, sizeof(msg)));
	EXPECT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	/* NUMOWNERDECR while the read runs: merged into the CALLINFO. */
	EXPECT_OK(kt_dealloc(self->b, self->pr.hb));
	zp.range.start = (uintptr_t)mem;
	zp.range.len = page;
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zp)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ((ssize_t)sizeof(ev), r.ret) TH_LOG("read: %s", strerror(errno));
	memcpy(&ev, mem, sizeof(ev));
	EXPECT_EQ(EV_CS, ev.type);
	EXPECT_EQ(self->hm, ev.handle);
	EXPECT_EQ(S_DISC, ev.state);

	EXPECT_CI(self->m, self->hm, CB, CI_MON | CI_OWNDEC);
	EXPECT_NO_EV(self->m);
	munmap(mem, page);
	close(uffd);
}

/* SET_CALL_PRIVILEGE to OWNER: NUMOWNERINCR | NUMMONITORS to the others. */
TEST_F(ci, privilege_to_owner_bits)
{
	ASSERT_OK(kt_set_priv(self->n, self->hn, P_OWN));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNINC | CI_MON);
	EXPECT_CI(self->m2, self->hm2, CB, CI_OWNINC | CI_MON);
	EXPECT_NO_EV(self->m, self->m2, self->n, self->b, self->a);
}

/* SET_CALL_PRIVILEGE to MONITOR: NUMOWNERDECR | NUMMONITORS. */
TEST_F(ci, privilege_to_monitor_bits)
{
	ASSERT_OK(kt_set_priv(self->b, self->pr.hb, P_MON));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNDEC | CI_MON);
	EXPECT_CI(self->m2, self->hm2, CB, CI_OWNDEC | CI_MON);
	EXPECT_NO_EV(self->m, self->m2, self->n, self->b, self->a);
}

/* The file that changed its handle's privilege reads none. */
TEST_F(ci, privilege_cause_reads_none)
{
	ASSERT_OK(kt_set_priv(self->m2, self->hm2, P_OWN));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNINC | CI_MON);
	EXPECT_NO_EV(self->m2);
}

/* Asking for the privilege the handle has changes nothing: no record. */
TEST_F(ci, privilege_same_none)
{
	ASSERT_OK(kt_set_priv(self->b, self->pr.hb, P_OWN));
	ASSERT_OK(kt_set_priv(self->n, self->hn, P_MON));
	EXPECT_NO_EV(self->m, self->m2);
}

/* A refused change (EBUSY) sends none. */
TEST_F(ci, privilege_refused_none)
{
	ASSERT_OK(kt_answer(self->b, self->pr.hb));
	kt_drain(self->m);
	kt_drain(self->m2);
	EXPECT_ERRNO(EBUSY, kt_set_priv(self->b, self->pr.hb, P_MON));
	EXPECT_NO_EV(self->m, self->m2);
}

/* Owner and back before a read: one record, every bit that moved. */
TEST_F(ci, privilege_flips_merge)
{
	ASSERT_OK(kt_set_priv(self->n, self->hn, P_OWN));
	ASSERT_OK(kt_set_priv(self->n, self->hn, P_MON));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNINC | CI_OWNDEC | CI_MON);
	EXPECT_NO_EV(self->m);
}

/*
 * The CALLINFO records of a leg whose last owner stepped back, and of the
 * monitor that took ownership and answered.
 */
TEST_F(ci, offering_without_owner_then_answered)
{
	struct ktapi_call_info info;

	ASSERT_OK(kt_set_priv(self->b, self->pr.hb, P_MON));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNDEC | CI_MON);
	EXPECT_CI(self->m2, self->hm2, CB, CI_OWNDEC | CI_MON);
	GET_INFO(self->m, self->hm, &info);
	EXPECT_EQ(0, info.num_owners);
	EXPECT_EQ(S_OFFERING, info.state);
	ASSERT_OK(kt_set_priv(self->m2, self->hm2, P_OWN));
	EXPECT_CI(self->m, self->hm, CB, CI_OWNINC | CI_MON);
	ASSERT_OK(kt_answer(self->m2, self->hm2));
	EXPECT_CS(self->m, self->hm, CB, S_CONNECTED, 0, P_MON);
	EXPECT_CS(self->m2, self->hm2, CB, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(self->a, self->pr.ha, self->pr.ca, S_CONNECTED, 0, P_OWN);
	EXPECT_NO_EV(self->m, self->m2);
}

/* Calls of @fd to no device, filling its queue with @calls * 2 records. */
static void fill(struct __test_metadata *_metadata, int fd,
		 unsigned long calls)
{
	unsigned long i;
	__u32 h;

	for (i = 0; i < calls; i++) {
		ASSERT_OK(kt_make_call(fd, "999", &h, NULL));
		ASSERT_OK(kt_dealloc(fd, h));
	}
}

/* Read @n records of @fd, none of them a CALLINFO. */
static void read_no_ci(struct __test_metadata *_metadata, int fd,
		       unsigned long n)
{
	struct ktapi_event ev;
	unsigned long i;

	for (i = 0; i < n; i++) {
		ASSERT_OK(kt_read_event(fd, &ev, EV_WAIT_MS));
		ASSERT_NE(EV_CI, ev.type) TH_LOG("record %lu", i);
	}
}

/* A full queue drops the CALLINFO record and counts it, as a CALLSTATE. */
TEST_F_TIMEOUT(ci, queue_full_dropped_counted, 600)
{
	unsigned long q = self->p.event_queue_len, k = (q + 1) / 2;

	fill(_metadata, self->m, k);
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	read_no_ci(_metadata, self->m, q);
	EXPECT_EV(self->m, EV_OVF, 0, 0, 0, 2 * k - q + 1, 0);
	EXPECT_NO_EV(self->m);
}

/* A full queue still merges into the unread record: nothing dropped. */
TEST_F_TIMEOUT(ci, queue_full_merges, 600)
{
	unsigned long q = self->p.event_queue_len, k = (q - 1) / 2;

	ASSERT_OK(kt_dealloc(self->n, self->hn));
	/* The CALLINFO, then 2k records: full when q is odd, else one free. */
	fill(_metadata, self->m, k);
	if (q % 2 == 0) {
		/* Its DIALING fills the ring, its DISCONNECTED is dropped. */
		ASSERT_OK(kt_make_call(self->m, "999", NULL, NULL));
	}
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	EXPECT_CI(self->m, self->hm, CB, CI_MON | CI_OWNDEC);
	read_no_ci(_metadata, self->m, q - 1);
	if (q % 2 == 0)
		EXPECT_EV(self->m, EV_OVF, 0, 0, 0, 1, 0);
	EXPECT_NO_EV(self->m);
}

/*
 * The merge finds the unread record behind a ring that went round: m has
 * read 2 records (the fixture's), so 2k = q - 1 or q - 2 records more put
 * the CALLINFO in slot 1 or 0, before the head.  A change still merges
 * into it, and nothing is queued or dropped.
 */
TEST_F_TIMEOUT(ci, merge_slot_wrapped, 600)
{
	unsigned long q = self->p.event_queue_len, k = (q - 1) / 2;

	fill(_metadata, self->m, k);
	ASSERT_OK(kt_dealloc(self->n, self->hn));
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));
	read_no_ci(_metadata, self->m, 2 * k);
	EXPECT_CI(self->m, self->hm, CB, CI_MON | CI_OWNDEC);
	EXPECT_NO_EV(self->m);
}

/*
 * No merge into another handle's record: hm's CALLINFO is read, then q - 1
 * records later the same ring slot holds hx's unread CALLINFO (another
 * call of device 1).  hm's next change is a new record, and hx's record
 * keeps its own bits.
 */
TEST_F_TIMEOUT(ci, merge_refused_other_handle, 600)
{
	unsigned long q = self->p.event_queue_len, k = (q - 1) / 2;
	struct pair pr2;
	__u32 hx, hn2;

	__call_ab(_metadata, self->a, self->b, self->addr_b, &pr2);
	hx = watch(_metadata, self->m, pr2.cb);
	watch(_metadata, self->m2, pr2.cb);
	hn2 = watch(_metadata, self->n, pr2.cb);

	ASSERT_OK(kt_dealloc(self->n, self->hn));
	EXPECT_CI(self->m, self->hm, CB, CI_MON);
	/* q - 1 records: 2k, and for an even q hx's DISCONNECTED. */
	fill(_metadata, self->m, k);
	if (q % 2 == 0)
		ASSERT_OK(kt_drop(self->a, pr2.ha));
	read_no_ci(_metadata, self->m, 1);
	/* In hm's old slot: hx's NUMMONITORS. */
	ASSERT_OK(kt_dealloc(self->n, hn2));
	/* hm's NUMOWNERDECR: refused the merge there, queued in the last room. */
	ASSERT_OK(kt_dealloc(self->b, self->pr.hb));

	read_no_ci(_metadata, self->m, 2 * k - 1);
	if (q % 2 == 0)
		EXPECT_CS(self->m, hx, pr2.cb, S_DISC, M_NORMAL, P_MON);
	EXPECT_CI(self->m, hx, pr2.cb, CI_MON);
	EXPECT_CI(self->m, self->hm, CB, CI_OWNDEC);
	EXPECT_NO_EV(self->m);
}

/*
 * CLOSE_LINE_DEVICE closes the lines one after the other, oldest first:
 * a MONITOR line closed first is told to the lines closed after it, while
 * the leg is not IDLE yet.
 */
TEST(forced_close_tells_later_lines)
{
	struct ktapi_params p;
	int a, b, m, n;
	char addr_b[KTAPI_ADDRESS_MAX];
	struct pair pr;
	__u32 hm;

	REQUIRE_ROOT();
	KT_REQUIRE_CALL(&p);
	a = LINE(0, P_OWN);
	n = LINE(1, P_MON);
	b = LINE(1, P_OWN);
	m = LINE_CI(1, P_MON);
	DEV_ADDR(a, 1, addr_b);
	__call_ab(_metadata, a, b, addr_b, &pr);
	watch(_metadata, n, pr.cb);
	hm = watch(_metadata, m, pr.cb);
	ASSERT_OK(kt_close_dev(a, 1));
	EXPECT_CI(m, hm, pr.cb, CI_MON);
	EXPECT_CS(m, hm, pr.cb, S_IDLE, 0, P_MON);
	EXPECT_EV(m, EV_CLOSE, 0, 0, 0, 0, 0);
	close(m);
	close(b);
	close(n);
	close(a);
}

TEST_HARNESS_MAIN
