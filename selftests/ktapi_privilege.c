// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: KTAPI_IOC_SET_CALL_PRIVILEGE (lineSetCallPrivilege),
 * the rules of "Call privilege and new calls" in the uapi header: every
 * rule and errno, the counts, and what a leg with no owner still does.
 * The CALLINFO records it causes are in ktapi_callinfo.c.  Built 64-bit
 * and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <pthread.h>

#include "ktapi_utils.h"

/*
 * a (device 0, OWNER) calls b (device 1, OWNER); m (device 1, MONITOR,
 * api @api) holds a MONITOR handle to b's OFFERING leg.
 */
FIXTURE(priv) {
	struct ktapi_params p;
	int a, b, m;
	char addr_b[KTAPI_ADDRESS_MAX];
	struct pair pr;
	__u32 hm;
};

FIXTURE_VARIANT(priv) {
	__u32 api;	/* of b and m */
};

FIXTURE_VARIANT_ADD(priv, api_2_2) { .api = KTAPI_API_VERSION_2_2 };
FIXTURE_VARIANT_ADD(priv, api_1_3) { .api = KTAPI_API_VERSION_1_3 };

FIXTURE_SETUP(priv)
{
	struct ktapi_event ev;

	KT_REQUIRE_CALL(&self->p);
	self->a = LINE(0, P_OWN);
	self->b = LINE_API(1, P_OWN, variant->api);
	self->m = LINE_API(1, P_MON, variant->api);
	DEV_ADDR(self->a, 1, self->addr_b);
	__call_ab(_metadata, self->a, self->b, self->addr_b, &self->pr);
	EXPECT_NEW(&ev, self->m, self->pr.cb, S_OFFERING, P_MON);
	self->hm = ev.handle;
	EXPECT_CS(self->m, self->hm, self->pr.cb, S_OFFERING, 0, P_MON);
}

FIXTURE_TEARDOWN(priv)
{
	close_fd(&self->m);
	close_fd(&self->b);
	close_fd(&self->a);
}

#define HA	(self->pr.ha)
#define HB	(self->pr.hb)
#define CA	(self->pr.ca)
#define CB	(self->pr.cb)

/* GET_CALL_INFO of @h on @fd: its privilege and the leg's counts. */
static void __expect_counts(struct __test_metadata *_metadata, int line,
			    int fd, __u32 h, __u32 priv, __u32 owners,
			    __u32 monitors)
{
	struct ktapi_call_info ci;

	__kt_get_info(_metadata, fd, h, &ci, line);
	EXPECT_EQ(priv, ci.privilege) TH_LOG("line %d", line);
	EXPECT_EQ(owners, ci.num_owners) TH_LOG("line %d", line);
	EXPECT_EQ(monitors, ci.num_monitors) TH_LOG("line %d", line);
}
#define EXPECT_COUNTS(fd, h, priv, owners, monitors)			\
	__expect_counts(_metadata, __LINE__, fd, h, priv, owners, monitors)

/* MONITOR to OWNER is always allowed; there may be several owners. */
TEST_F(priv, monitor_to_owner)
{
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	EXPECT_COUNTS(self->m, self->hm, P_OWN, 2, 0);
	EXPECT_COUNTS(self->b, HB, P_OWN, 2, 0);
	EXPECT_NO_EV(self->a, self->b, self->m);
}

/* The last owner of an OFFERING leg may step back: no owner left. */
TEST_F(priv, last_owner_offering_to_monitor)
{
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	EXPECT_COUNTS(self->b, HB, P_MON, 0, 2);
	EXPECT_COUNTS(self->m, self->hm, P_MON, 0, 2);
	EXPECT_NO_EV(self->a, self->b, self->m);
}

/* ... and of an IDLE one (here MAKE_CALL's own handle, after a DROP). */
TEST_F(priv, last_owner_idle_to_monitor)
{
	ASSERT_OK(kt_drop(self->a, HA));
	kt_drain(self->a);
	ASSERT_OK(kt_set_priv(self->a, HA, P_MON));
	EXPECT_COUNTS(self->a, HA, P_MON, 0, 1);
}

/* The last owner of a CONNECTED leg may not: EBUSY, nothing changes. */
TEST_F(priv, last_owner_connected_ebusy)
{
	ANSWER_AB(&self->pr);
	EXPECT_CS(self->m, self->hm, CB, S_CONNECTED, 0, P_MON);
	EXPECT_ERRNO(EBUSY, kt_set_priv(self->b, HB, P_MON));
	EXPECT_COUNTS(self->b, HB, P_OWN, 1, 1);
	EXPECT_NO_EV(self->a, self->b, self->m);
}

/* Nor of a DISCONNECTED one: neither IDLE nor OFFERING. */
TEST_F(priv, last_owner_disconnected_ebusy)
{
	ASSERT_OK(kt_drop(self->a, HA));
	EXPECT_CS(self->b, HB, CB, S_DISC, M_NORMAL, P_OWN);
	EXPECT_ERRNO(EBUSY, kt_set_priv(self->b, HB, P_MON));
	EXPECT_COUNTS(self->b, HB, P_OWN, 1, 1);
}

/* Nor of a RINGBACK one (the caller's embedded handle). */
TEST_F(priv, last_owner_ringback_ebusy)
{
	EXPECT_ERRNO(EBUSY, kt_set_priv(self->a, HA, P_MON));
	EXPECT_COUNTS(self->a, HA, P_OWN, 1, 0);
}

/* An owner that is not the last may step back from an active leg. */
TEST_F(priv, second_owner_connected_to_monitor)
{
	ANSWER_AB(&self->pr);
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	EXPECT_COUNTS(self->b, HB, P_MON, 1, 1);
	EXPECT_COUNTS(self->m, self->hm, P_OWN, 1, 1);
}

/* The privilege the handle has: 0, nothing changes, no record. */
TEST_F(priv, same_privilege_noop)
{
	ANSWER_AB(&self->pr);
	kt_drain(self->m);
	ASSERT_OK(kt_set_priv(self->b, HB, P_OWN));
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_MON));
	EXPECT_COUNTS(self->b, HB, P_OWN, 1, 1);
	EXPECT_NO_EV(self->a, self->b, self->m);
}

/* Anything but exactly MONITOR or OWNER is EINVAL and changes nothing. */
TEST_F(priv, bad_privilege_einval)
{
	static const __u32 bad[] = {
		0, P_NONE, P_MON | P_OWN, P_NONE | P_OWN, 8, 0x80000000u,
		0xffffffffu,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_ERRNO(EINVAL, kt_set_priv(self->b, HB, bad[i]));
		EXPECT_ERRNO(EINVAL, kt_set_priv(self->m, self->hm, bad[i]));
	}
	EXPECT_COUNTS(self->b, HB, P_OWN, 1, 1);
}

/* The privilege is checked before the handle: EINVAL, not ENOENT. */
TEST_F(priv, privilege_before_handle)
{
	EXPECT_ERRNO(EINVAL, kt_set_priv(self->b, 0, 0));
	EXPECT_ERRNO(EINVAL, kt_set_priv(self->b, 0x7fffffff, P_NONE));
}

/* Handle 0, never made, deallocated, or another file's: ENOENT. */
TEST_F(priv, bad_handle_enoent)
{
	EXPECT_ERRNO(ENOENT, kt_set_priv(self->b, 0, P_MON));
	EXPECT_ERRNO(ENOENT, kt_set_priv(self->b, 0x7fffffff, P_MON));
	EXPECT_ERRNO(ENOENT, kt_set_priv(self->b, HB + 1000, P_OWN));
	if (self->hm != HB)
		EXPECT_ERRNO(ENOENT, kt_set_priv(self->b, self->hm, P_OWN));
	ASSERT_OK(kt_dealloc(self->m, self->hm));
	EXPECT_ERRNO(ENOENT, kt_set_priv(self->m, self->hm, P_OWN));
	EXPECT_COUNTS(self->b, HB, P_OWN, 1, 0);
}

/* No LINE_OPEN yet: EBADFD. */
TEST_F(priv, no_line_ebadfd)
{
	int fd = FD();

	EXPECT_ERRNO(EBADFD, kt_set_priv(fd, 1, P_OWN));
	/* The line state comes before the values. */
	EXPECT_ERRNO(EBADFD, kt_set_priv(fd, 0, 0));
	close(fd);
}

/*
 * The line was force-closed (CLOSE_LINE_DEVICE, which needs
 * CAP_SYS_ADMIN: SKIPs without it): EBADFD.
 */
TEST_F(priv, forced_close_ebadfd)
{
	REQUIRE_ROOT();
	ASSERT_OK(kt_close_dev(self->a, 1));
	EXPECT_ERRNO(EBADFD, kt_set_priv(self->m, self->hm, P_OWN));
}

/* The argument: size, flags, a bad pointer. */
TEST_F(priv, argument_checks)
{
	struct ktapi_call_privilege cp = {
		.size = sizeof(cp), .handle = HB, .privilege = P_MON,
	};
	unsigned char big[sizeof(cp) + 8];

	cp.size = KTAPI_CALL_PRIVILEGE_SIZE_VER0 - 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->b, KTAPI_IOC_SET_CALL_PRIVILEGE, &cp)));
	cp.size = sizeof(cp);
	cp.flags = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->b, KTAPI_IOC_SET_CALL_PRIVILEGE, &cp)));
	cp.flags = 0;
	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->b, KTAPI_IOC_SET_CALL_PRIVILEGE, NULL)));
	memset(big, 0, sizeof(big));
	memcpy(big, &cp, sizeof(cp));
	((struct ktapi_call_privilege *)big)->size = sizeof(big);
	big[sizeof(big) - 1] = 1;
	EXPECT_ERRNO(E2BIG, kt_err(ioctl(self->b, KTAPI_IOC_SET_CALL_PRIVILEGE, big)));
	EXPECT_COUNTS(self->b, HB, P_OWN, 1, 1);
	/* A longer struct with a zero tail is taken. */
	big[sizeof(big) - 1] = 0;
	EXPECT_OK(kt_err(ioctl(self->b, KTAPI_IOC_SET_CALL_PRIVILEGE, big)));
	EXPECT_COUNTS(self->b, HB, P_MON, 0, 2);
}

/* Nothing is written back: a read-only argument works. */
TEST_F(priv, writes_nothing)
{
	struct ktapi_call_privilege *cp;

	cp = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(cp != MAP_FAILED);
	cp->size = sizeof(*cp);
	cp->handle = HB;
	cp->privilege = P_MON;
	ASSERT_OK(mprotect(cp, 4096, PROT_READ) ? errno : 0);
	EXPECT_OK(kt_err(ioctl(self->b, KTAPI_IOC_SET_CALL_PRIVILEGE, cp)));
	EXPECT_COUNTS(self->b, HB, P_MON, 0, 2);
	munmap(cp, 4096);
}

/* The CALLSTATE records queued after the change carry the new privilege. */
TEST_F(priv, callstate_carries_new_privilege)
{
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	ASSERT_OK(kt_drop(self->a, HA));
	EXPECT_CS(self->b, HB, CB, S_DISC, M_NORMAL, P_MON);
	EXPECT_CS(self->m, self->hm, CB, S_DISC, M_NORMAL, P_OWN);
}

/* A leg with no owner cannot be answered (nor dropped) by a monitor. */
TEST_F(priv, no_owner_answer_eacces)
{
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	EXPECT_ERRNO(EACCES, kt_answer(self->b, HB));
	EXPECT_ERRNO(EACCES, kt_answer(self->m, self->hm));
	EXPECT_ERRNO(EACCES, kt_drop(self->b, HB));
	EXPECT_NO_EV(self->a, self->b, self->m);
}

/* A former monitor takes ownership of the leg nobody owns, and answers. */
TEST_F(priv, former_monitor_answers)
{
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	ASSERT_OK(kt_answer(self->m, self->hm));
	EXPECT_CS(self->m, self->hm, CB, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(self->b, HB, CB, S_CONNECTED, 0, P_MON);
	EXPECT_CS(self->a, HA, CA, S_CONNECTED, 0, P_OWN);
	EXPECT_COUNTS(self->m, self->hm, P_OWN, 1, 1);
}

/* The leg with no owner goes on until the caller gives up. */
TEST_F(priv, no_owner_caller_gives_up)
{
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	ASSERT_OK(kt_drop(self->a, HA));
	EXPECT_CS(self->a, HA, CA, S_IDLE, 0, P_OWN);
	EXPECT_CS(self->b, HB, CB, S_DISC, M_NORMAL, P_MON);
	EXPECT_CS(self->m, self->hm, CB, S_DISC, M_NORMAL, P_MON);
	/* No owner: both may go, whatever their api version. */
	EXPECT_OK(kt_dealloc(self->b, HB));
	EXPECT_OK(kt_dealloc(self->m, self->hm));
}

/* The former owner closes its line as a monitor would: no drop. */
TEST_F(priv, former_owner_close_no_drop)
{
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	close_fd(&self->b);
	EXPECT_COUNTS(self->m, self->hm, P_MON, 0, 1);
	EXPECT_NO_EV(self->a, self->m);
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	ASSERT_OK(kt_answer(self->m, self->hm));
	EXPECT_CS(self->a, HA, CA, S_CONNECTED, 0, P_OWN);
}

/* The new sole owner closing its line drops the leg, as any sole owner. */
TEST_F(priv, new_sole_owner_close_drops)
{
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	close_fd(&self->m);
	EXPECT_CS(self->b, HB, CB, S_IDLE, 0, P_MON);
	EXPECT_CS(self->a, HA, CA, S_DISC, M_REJECT, P_OWN);
}

/*
 * DEALLOCATE_CALL of api 1.x: EBUSY only for the sole owner of a leg that
 * is not IDLE, so after stepping back the handle may go; the new sole
 * owner may not (api 2.x: both may).
 */
TEST_F(priv, dealloc_follows_privilege)
{
	ANSWER_AB(&self->pr);
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	ASSERT_OK(kt_set_priv(self->b, HB, P_MON));
	if (variant->api < KTAPI_API_VERSION_2_0)
		EXPECT_ERRNO(EBUSY, kt_dealloc(self->m, self->hm));
	EXPECT_OK(kt_dealloc(self->b, HB));
	EXPECT_COUNTS(self->m, self->hm, P_OWN, 1, 0);
}

/*
 * An APPNEWCALL waiting behind a full queue carries the privilege its
 * handle has when it enters the queue.  Handles are cyclic, so the waiting
 * one's is the one after the last handle m made.
 */
TEST_F_TIMEOUT(priv, waiting_appnewcall_carries_new_privilege, 600)
{
	unsigned long q = self->p.event_queue_len, k = (q + 1) / 2, i;
	struct ktapi_event ev;
	__u32 h = 0, ha2, ca2;

	/* m's queue full of its own calls' records, 2k - q of them dropped. */
	/* m keeps the k handles (api 1.x: no DEALLOCATE of a sole owner's). */
	if (self->p.max_handles < k + 2)
		SKIP(return, "needs max_handles >= %lu", k + 2);
	for (i = 0; i < k; i++)
		ASSERT_OK(kt_make_call(self->m, "999", &h, NULL));
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &ha2, &ca2));
	/* m's APPNEWCALL waits, its CALLSTATE OFFERING is dropped. */
	ASSERT_OK(kt_set_priv(self->m, h + 1, P_OWN));
	for (i = 0; i < q; i++)
		ASSERT_OK(kt_read_event(self->m, &ev, EV_WAIT_MS));
	EXPECT_EV_OUT(&ev, self->m, EV_NEW, h + 1, ANY, S_OFFERING, 0, P_OWN);
	EXPECT_EV(self->m, EV_OVF, 0, 0, 0, 2 * k - q + 1, 0);
	EXPECT_NO_EV(self->m);
}

/* ---------------------------------------------------------------------- */
/* A provider's INBOUND leg: the provider is not told, its leg goes on.    */

#define PADDR	"5550177"	/* the provider device's address */

FIXTURE(pleg) {
	int pfd, o, mon;
	__u32 dev, h, hm, cid;
};

FIXTURE_SETUP(pleg)
{
	PROV_REQUIRE();
	self->o = self->mon = -1;
	self->pfd = PROV("privtest", 16);
	self->dev = PROV_LINE(self->pfd, PADDR);
	self->o = LINE(self->dev, P_OWN);
	self->mon = LINE(self->dev, P_MON);
	PROV_CALL_IN(self->pfd, self->dev, "123", PADDR, self->o, &self->h,
		     &self->cid);
	self->hm = PROV_MONITOR(self->mon, self->cid, S_OFFERING);
}

FIXTURE_TEARDOWN(pleg)
{
	close_fd(&self->mon);
	close_fd(&self->o);
	close_fd(&self->pfd);
}

/* The owner steps back, a monitor takes over and answers: one ANSWER. */
TEST_F(pleg, monitor_takes_over_and_answers)
{
	struct ktapi_provider_request req;
	__u32 rid;

	ASSERT_OK(kt_set_priv(self->o, self->h, P_MON));
	ASSERT_OK(kt_set_priv(self->mon, self->hm, P_OWN));
	EXPECT_NO_REQ(self->pfd);
	EXPECT_ERRNO(EACCES, kt_answer_async(self->o, self->h, &rid));
	ASSERT_OK(kt_answer_async(self->mon, self->hm, &rid));
	EXPECT_PREQ(&req, self->pfd, KTAPI_PREQ_ANSWER, self->dev, self->cid);
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_REPLY(self->mon, rid, 0, self->hm, self->cid);
	ASSERT_OK(kt_prov_callstate(self->pfd, self->cid, S_CONNECTED, 0));
	EXPECT_CS(self->mon, self->hm, self->cid, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(self->o, self->h, self->cid, S_CONNECTED, 0, P_MON);
}

/* The former owner's line closes as a monitor's: no DROP notice. */
TEST_F(pleg, former_owner_close_no_notice)
{
	ASSERT_OK(kt_set_priv(self->o, self->h, P_MON));
	close_fd(&self->o);
	EXPECT_NO_REQ(self->pfd);
	EXPECT_COUNTS(self->mon, self->hm, P_MON, 0, 1);
	close_fd(&self->mon);
	EXPECT_CLOSECALL(self->pfd, self->dev, self->cid, S_OFFERING);
}

/* The new sole owner's line close: the DROP notice, as for any owner. */
TEST_F(pleg, new_sole_owner_close_notice)
{
	struct ktapi_provider_request req;

	ASSERT_OK(kt_set_priv(self->mon, self->hm, P_OWN));
	ASSERT_OK(kt_set_priv(self->o, self->h, P_MON));
	close_fd(&self->mon);
	ASSERT_OK(kt_prov_read(self->pfd, &req, EV_WAIT_MS));
	EXPECT_EQ(KTAPI_PREQ_DROP, req.type);
	EXPECT_EQ(0, req.request_id);
	EXPECT_EQ(self->cid, req.call_id);
	EXPECT_NO_REQ(self->pfd);
}

/* ---------------------------------------------------------------------- */
/* Races: SET_CALL_PRIVILEGE against DEALLOCATE_CALL, close, and itself.  */

#define RACE_ROUNDS	200

struct flipper {
	pthread_t t;
	int fd;
	__u32 h;
	volatile int stop;
	int done;		/* SET_CALL_PRIVILEGEs that succeeded */
	int bad;		/* results other than 0, ENOENT, EBUSY */
};

static void *flip(void *arg)
{
	struct flipper *f = arg;
	unsigned int i;
	int e;

	for (i = 0; !f->stop; i++) {
		e = kt_set_priv(f->fd, f->h, i & 1 ? P_OWN : P_MON);
		if (!e)
			f->done++;
		else if (e != ENOENT && e != EBUSY)
			f->bad++;
		/* The handle went: nothing more to race with. */
		if (e == ENOENT)
			break;
	}
	return NULL;
}

static void flip_start(struct __test_metadata *_metadata, struct flipper *f,
		       int fd, __u32 h)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->h = h;
	ASSERT_EQ(0, pthread_create(&f->t, NULL, flip, f));
}

static void flip_stop(struct __test_metadata *_metadata, struct flipper *f)
{
	f->stop = 1;
	ASSERT_EQ(0, pthread_join(f->t, NULL));
	EXPECT_EQ(0, f->bad);
}

/*
 * A new call a -> b, OFFERING, watched by a fresh MONITOR line *m: its
 * handle in *hm; the queues drained.
 */
static void race_call(struct __test_metadata *_metadata,
		      FIXTURE_DATA(priv) *self, int *m, __u32 *hm)
{
	struct ktapi_call_info ci;

	*m = LINE(1, P_MON);
	ASSERT_OK(kt_make_call(self->a, self->addr_b, &self->pr.ha,
			       &self->pr.ca));
	kt_drain(self->a);
	GET_INFO(self->a, HA, &ci);
	self->pr.cb = ci.related_call_id;
	self->pr.hb = kt_drain_new_handle(self->b, CB);
	ASSERT_NE(0, self->pr.hb);
	*hm = kt_drain_new_handle(*m, CB);
	ASSERT_NE(0, *hm);
}

/* The call of race_call() ended and its handles gone; *m closed. */
static void race_end(struct __test_metadata *_metadata,
		     FIXTURE_DATA(priv) *self, int *m)
{
	ASSERT_OK(kt_drop(self->a, HA));
	/* IDLE for api 1.x's DEALLOCATE rule, if b is still its owner. */
	if (kt_drop(self->b, HB))
		EXPECT_COUNTS(self->b, HB, P_MON, 0, 1);
	ASSERT_OK(kt_dealloc(self->a, HA));
	ASSERT_OK(kt_dealloc(self->b, HB));
	close_fd(m);
	kt_drain(self->a);
	kt_drain(self->b);
}

/*
 * b's handle holds one privilege after the race: the leg counts exactly
 * it, whatever the order of the flips.
 */
static void __expect_b_alone(struct __test_metadata *_metadata, int line,
			     FIXTURE_DATA(priv) *self)
{
	struct ktapi_call_info ci;

	__kt_get_info(_metadata, self->b, HB, &ci, line);
	EXPECT_EQ(ci.privilege == P_OWN, ci.num_owners) TH_LOG("line %d", line);
	EXPECT_EQ(ci.privilege == P_MON, ci.num_monitors) TH_LOG("line %d", line);
}
#define EXPECT_B_ALONE()	__expect_b_alone(_metadata, __LINE__, self)

/* What a race round does to the monitor while a handle flips. */
enum race_kind {
	RACE_DEALLOC_SAME,	/* m's handle flips, m deallocates it */
	RACE_DEALLOC_OTHER,	/* b's handle flips, m deallocates its own */
	RACE_CLOSE,		/* b's handle flips, m closes its line */
};

static void race_rounds(struct __test_metadata *_metadata,
			FIXTURE_DATA(priv) *self, enum race_kind kind)
{
	struct flipper f;
	int i, m;
	__u32 hm;

	close_fd(&self->m);
	IDLE_AB(&self->pr);
	for (i = 0; i < RACE_ROUNDS; i++) {
		race_call(_metadata, self, &m, &hm);
		if (kind == RACE_DEALLOC_SAME)
			flip_start(_metadata, &f, m, hm);
		else
			flip_start(_metadata, &f, self->b, HB);
		usleep(i % 8 * 50);
		if (kind == RACE_CLOSE)
			close_fd(&m);
		else
			ASSERT_OK(kt_dealloc(m, hm));
		flip_stop(_metadata, &f);
		if (kind == RACE_DEALLOC_SAME)
			EXPECT_COUNTS(self->b, HB, P_OWN, 1, 0);
		else
			EXPECT_B_ALONE();
		race_end(_metadata, self, &m);
	}
}

/* A handle flips while its own file deallocates it: ENOENT, counts true. */
TEST_F_TIMEOUT(priv, race_dealloc_same_handle, 600)
{
	race_rounds(_metadata, self, RACE_DEALLOC_SAME);
}

/* b's handle flips while the monitor's handle to its leg is deallocated. */
TEST_F_TIMEOUT(priv, race_dealloc_other_handle, 600)
{
	race_rounds(_metadata, self, RACE_DEALLOC_OTHER);
}

/* ... and while the monitor's line is closed (its handles voided). */
TEST_F_TIMEOUT(priv, race_close, 600)
{
	race_rounds(_metadata, self, RACE_CLOSE);
}

/*
 * Two owners of an active leg flip at once: one of them is always an
 * owner (the last one's step back is EBUSY), and the counts add up.
 */
TEST_F_TIMEOUT(priv, race_two_owners, 600)
{
	struct flipper f1, f2;
	struct ktapi_call_info cb, cm;

	ANSWER_AB(&self->pr);
	ASSERT_OK(kt_set_priv(self->m, self->hm, P_OWN));
	flip_start(_metadata, &f1, self->b, HB);
	flip_start(_metadata, &f2, self->m, self->hm);
	usleep(200000);
	flip_stop(_metadata, &f1);
	flip_stop(_metadata, &f2);
	EXPECT_LT(0, f1.done + f2.done);
	GET_INFO(self->b, HB, &cb);
	GET_INFO(self->m, self->hm, &cm);
	EXPECT_LE(1, cb.num_owners);
	EXPECT_EQ(2, cb.num_owners + cb.num_monitors);
	EXPECT_EQ(cb.num_owners,
		  (cb.privilege == P_OWN) + (cm.privilege == P_OWN));
}

TEST_HARNESS_MAIN
