// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: concurrency: threads racing on the ioctls of one
 * call or one file (the randomized whole-module stress is ktapi_stress.c).
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <pthread.h>

#include "ktapi_utils.h"

/* ====================================================================== */
/* Concurrency.                                                           */

/*
 * Two threads hammer one file (make, info, drop, deallocate, on their own
 * handles and on each other's), while a third answers and deallocates the
 * incoming legs on the callee's file.  Every return must be an allowed one;
 * every handle is deallocated successfully exactly once; afterwards the
 * module's handle and call counts are back where they started.
 */
#define HAMMER_THREADS	2
#define HAMMER_ITERS	2000
#define HAMMER_RING	32

struct hammer {
	int a, b;
	const char *addr;
	unsigned long max_handles;
	unsigned int iters;
	__u32 ring[HAMMER_RING];
	__u32 *made[HAMMER_THREADS];
	unsigned int nmade[HAMMER_THREADS];
	unsigned char *dealloc_ok;	/* successful DEALLOCATEs per value */
	int stop;
	int bad;
	char why[256];
};

struct hammer_arg {
	struct hammer *hm;
	int id;
};

/* @err: the errno (0 for a wrong result of a successful call). */
static void hammer_bad(struct hammer *hm, const char *what, __u32 h, int err)
{
	if (__atomic_fetch_add(&hm->bad, 1, __ATOMIC_SEQ_CST) == 0)
		snprintf(hm->why, sizeof(hm->why), "%s(%u): %s",
			 what, h, kt_errname(err));
}

/* err must be 0 or in the list (0-terminated). */
static bool allowed(int err, const int *ok)
{
	if (err == 0)
		return true;
	for (; *ok; ok++)
		if (err == *ok)
			return true;
	return false;
}

static const int ok_enoent[] = { ENOENT, 0 };
static const int ok_drop[] = { ENOENT, EBUSY, 0 };
static const int ok_answer[] = { EBUSY, 0 };

static void *hammer_caller(void *arg)
{
	struct hammer_arg *ha = arg;
	struct hammer *hm = ha->hm;
	unsigned int seed = 7919U * (unsigned int)ha->id + 1, i;
	struct ktapi_call_info ci;
	__u32 h, cid, r, victim;
	int ret;

	for (i = 0; i < hm->iters && !__atomic_load_n(&hm->bad, __ATOMIC_RELAXED); i++) {
		ret = kt_make_call(hm->a, hm->addr, &h, &cid);
		if (ret || !h || h > hm->max_handles || !cid) {
			hammer_bad(hm, "MAKE_CALL", h, ret);
			break;
		}
		hm->made[ha->id][hm->nmade[ha->id]++] = h;
		__atomic_store_n(&hm->ring[(i * HAMMER_THREADS + ha->id) % HAMMER_RING],
				 h, __ATOMIC_RELAXED);

		ret = kt_info(hm->a, h, &ci);
		if (ret == 0) {
			/* No reuse: a live handle still names our call. */
			if (ci.call_id != cid || ci.privilege != P_OWN ||
			    ci.origin != KTAPI_CALLORIGIN_OUTBOUND ||
			    ci.device_id != 0 || !(ci.states_seen & S_DIALING))
				hammer_bad(hm, "GET_CALL_INFO content", h, 0);
		} else if (!allowed(ret, ok_enoent)) {
			hammer_bad(hm, "GET_CALL_INFO", h, ret);
		}

		r = __atomic_load_n(&hm->ring[rand_r(&seed) % HAMMER_RING],
				    __ATOMIC_RELAXED);
		ret = kt_info(hm->a, r, &ci);
		if (!allowed(ret, ok_enoent))
			hammer_bad(hm, "GET_CALL_INFO(other)", r, ret);
		ret = kt_drop(hm->a, r);
		if (!allowed(ret, ok_drop))
			hammer_bad(hm, "DROP", r, ret);

		victim = rand_r(&seed) % 2 ? r : h;
		ret = kt_dealloc(hm->a, victim);
		if (ret == 0)
			__atomic_fetch_add(&hm->dealloc_ok[victim], 1, __ATOMIC_SEQ_CST);
		else if (!allowed(ret, ok_enoent))
			hammer_bad(hm, "DEALLOCATE", victim, ret);
	}
	return NULL;
}

static void *hammer_callee(void *arg)
{
	struct hammer *hm = arg;
	struct ktapi_event ev[16];
	struct pollfd pfd = { .fd = hm->b, .events = POLLIN };
	ssize_t n;
	int i, ret;

	while (!__atomic_load_n(&hm->stop, __ATOMIC_SEQ_CST)) {
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = kt_read_nonblock(hm->b, ev, sizeof(ev));
		if (n <= 0 || n % (ssize_t)EV_SIZE) {
			hammer_bad(hm, "read", 0, n < 0 ? errno : EMSGSIZE);
			break;
		}
		for (i = 0; i < n / (ssize_t)EV_SIZE; i++) {
			switch (ev[i].type) {
			case EV_NEW:
				if (ev[i].privilege != P_OWN || ev[i].state != S_OFFERING)
					hammer_bad(hm, "APPNEWCALL content", ev[i].handle, 0);
				if (i % 2) {
					ret = kt_answer(hm->b, ev[i].handle);
					if (!allowed(ret, ok_answer))
						hammer_bad(hm, "ANSWER", ev[i].handle, ret);
				}
				ret = kt_dealloc(hm->b, ev[i].handle);
				if (ret)
					hammer_bad(hm, "DEALLOCATE(callee)", ev[i].handle, ret);
				break;
			case EV_CS:
				if (!ev[i].handle || !ev[i].call_id)
					hammer_bad(hm, "CALLSTATE content", ev[i].handle, 0);
				break;
			case EV_OVF:
				break;
			default:
				hammer_bad(hm, "event type", ev[i].type, 0);
			}
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(call, hammer_two_threads_one_file, 300)
{
	struct hammer_arg args[HAMMER_THREADS];
	pthread_t t[HAMMER_THREADS], tb;
	struct ktapi_stats s0, s1;
	unsigned char *seen;
	struct hammer *hm;
	unsigned int i;
	int id, ret;

	NEED_STATS(&s0);
	hm = calloc(1, sizeof(*hm));
	ASSERT_TRUE(hm != NULL);
	hm->a = self->a;
	hm->b = self->b;
	hm->addr = self->addr_b;
	hm->max_handles = self->p.max_handles;
	/* No handle value may come back: stay below max_handles in total. */
	if (self->p.max_handles < 16 + 50 * HAMMER_THREADS)
		SKIP(return, "max_handles %lu too small", self->p.max_handles);
	hm->iters = HAMMER_ITERS;
	if (hm->iters > (self->p.max_handles - 16) / HAMMER_THREADS)
		hm->iters = (self->p.max_handles - 16) / HAMMER_THREADS;
	hm->dealloc_ok = calloc(self->p.max_handles + 1, 1);
	seen = calloc(self->p.max_handles + 1, 1);
	ASSERT_TRUE(hm->dealloc_ok && seen);
	for (id = 0; id < HAMMER_THREADS; id++) {
		hm->made[id] = calloc(hm->iters, sizeof(__u32));
		ASSERT_TRUE(hm->made[id] != NULL);
	}

	ASSERT_EQ(0, pthread_create(&tb, NULL, hammer_callee, hm));
	for (id = 0; id < HAMMER_THREADS; id++) {
		args[id].hm = hm;
		args[id].id = id;
		ASSERT_EQ(0, pthread_create(&t[id], NULL, hammer_caller, &args[id]));
	}
	for (id = 0; id < HAMMER_THREADS; id++) {
		ASSERT_EQ(0, pthread_join(t[id], NULL));
	}
	__atomic_store_n(&hm->stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(tb, NULL));
	EXPECT_EQ(0, hm->bad) TH_LOG("%d bad returns, first: %s", hm->bad, hm->why);

	/* Clean up what is left; then each handle was freed exactly once. */
	for (id = 0; id < HAMMER_THREADS; id++) {
		for (i = 0; i < hm->nmade[id]; i++) {
			__u32 h = hm->made[id][i];

			EXPECT_EQ(0, seen[h]) TH_LOG("handle %u handed out twice", h);
			seen[h] = 1;
			ret = kt_dealloc(self->a, h);
			if (ret == 0) {
				hm->dealloc_ok[h]++;
			} else {
				EXPECT_EQ(ENOENT, ret);
			}
		}
	}
	for (id = 0; id < HAMMER_THREADS; id++) {
		for (i = 0; i < hm->nmade[id]; i++) {
			__u32 h = hm->made[id][i];

			EXPECT_EQ(1, hm->dealloc_ok[h]) TH_LOG("handle %u", h);
		}
	}
	EXPECT_EQ(hm->iters, hm->nmade[0]);

	close_fd(&self->b);
	EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_EQ(s0.files - 1, s1.files);
}

/* Two threads run one call operation each at the same moment. */
struct duo {
	pthread_barrier_t start, done;
	int fd[2];
	unsigned long cmd[2];
	__u32 h[2];
	int ret[2];		/* 0 or errno */
	int quit;
};

struct duo_arg {
	struct duo *d;
	int id;
};

static void *duo_worker(void *arg)
{
	struct duo_arg *da = arg;
	struct duo *d = da->d;

	for (;;) {
		pthread_barrier_wait(&d->start);
		if (__atomic_load_n(&d->quit, __ATOMIC_SEQ_CST))
			break;
		d->ret[da->id] = kt_op(d->fd[da->id], d->cmd[da->id], d->h[da->id]);
		pthread_barrier_wait(&d->done);
	}
	return NULL;
}

static void duo_start(struct __test_metadata *_metadata, struct duo *d,
		      struct duo_arg *args, pthread_t *t)
{
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&d->start, NULL, 3));
	ASSERT_EQ(0, pthread_barrier_init(&d->done, NULL, 3));
	for (i = 0; i < 2; i++) {
		args[i].d = d;
		args[i].id = i;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, duo_worker, &args[i]));
	}
}

static void duo_run(struct duo *d)
{
	pthread_barrier_wait(&d->start);
	pthread_barrier_wait(&d->done);
}

static void duo_stop(struct duo *d, pthread_t *t)
{
	__atomic_store_n(&d->quit, 1, __ATOMIC_SEQ_CST);
	pthread_barrier_wait(&d->start);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
}

#define RACE_ROUNDS	200

/* Both ends hang up at once: both DROPs succeed, both legs end IDLE. */
TEST_F_TIMEOUT(call, race_drop_both_legs, 300)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	struct duo_arg args[2];
	struct duo d = { .fd = { self->a, self->b },
			 .cmd = { KTAPI_IOC_DROP, KTAPI_IOC_DROP } };
	struct pair pr;
	pthread_t t[2];
	int round, side, disc;

	duo_start(_metadata, &d, args, t);
	for (round = 0; round < RACE_ROUNDS && _metadata->passed; round++) {
		CALL_AB(&pr);
		ANSWER_AB(&pr);
		d.h[0] = pr.ha;
		d.h[1] = pr.hb;
		duo_run(&d);
		EXPECT_EQ(0, d.ret[0]) TH_LOG("caller DROP: %s", kt_errname(d.ret[0]));
		EXPECT_EQ(0, d.ret[1]) TH_LOG("callee DROP: %s", kt_errname(d.ret[1]));
		/* Exactly one side saw DISCONNECTED before its own IDLE. */
		disc = 0;
		for (side = 0; side < 2; side++) {
			int fd = side ? self->b : self->a;

			ASSERT_OK(kt_read_event(fd, &ev, EV_WAIT_MS));
			if (ev.state == S_DISC) {
				disc++;
				EXPECT_EQ(M_NORMAL, ev.state_mode);
				ASSERT_OK(kt_read_event(fd, &ev, EV_WAIT_MS));
			}
			EXPECT_EQ(S_IDLE, ev.state) TH_LOG("round %d side %d", round, side);
			EXPECT_NO_EV(fd);
			GET_INFO(fd, side ? pr.hb : pr.ha, &ci);
			EXPECT_EQ(S_IDLE, ci.state);
			ASSERT_OK(kt_dealloc(fd, side ? pr.hb : pr.ha));
		}
		EXPECT_EQ(1, disc) TH_LOG("round %d", round);
	}
	duo_stop(&d, t);
}

/* ANSWER races the caller's DROP: the outcome matches ANSWER's result. */
TEST_F_TIMEOUT(call, race_answer_vs_drop, 300)
{
	struct ktapi_call_info ci;
	struct duo_arg args[2];
	struct duo d = { .fd = { self->a, self->b },
			 .cmd = { KTAPI_IOC_DROP, KTAPI_IOC_ANSWER } };
	struct pair pr;
	pthread_t t[2];
	int round;

	duo_start(_metadata, &d, args, t);
	for (round = 0; round < RACE_ROUNDS && _metadata->passed; round++) {
		CALL_AB(&pr);
		d.h[0] = pr.ha;
		d.h[1] = pr.hb;
		duo_run(&d);
		EXPECT_EQ(0, d.ret[0]) TH_LOG("DROP: %s", kt_errname(d.ret[0]));
		if (d.ret[1] == 0) {
			/* Answered first, then dropped. */
			EXPECT_CS(self->b, pr.hb, pr.cb, S_CONNECTED, 0, P_OWN);
			EXPECT_CS(self->a, pr.ha, pr.ca, S_CONNECTED, 0, P_OWN);
		} else {
			EXPECT_EQ(EBUSY, d.ret[1]);
		}
		EXPECT_CS(self->a, pr.ha, pr.ca, S_IDLE, 0, P_OWN);
		EXPECT_CS(self->b, pr.hb, pr.cb, S_DISC, M_NORMAL, P_OWN);
		EXPECT_NO_EV(self->a, self->b);
		GET_INFO(self->a, pr.ha, &ci);
		EXPECT_EQ(d.ret[1] == 0, !!(ci.states_seen & S_CONNECTED));
		ASSERT_OK(kt_dealloc(self->a, pr.ha));
		ASSERT_OK(kt_dealloc(self->b, pr.hb));
	}
	duo_stop(&d, t);
}

/* Two DEALLOCATEs of one handle at once: exactly one wins. */
TEST_F_TIMEOUT(call, race_dealloc_same_handle, 300)
{
	struct duo_arg args[2];
	struct duo d = { .fd = { self->a, self->a },
			 .cmd = { KTAPI_IOC_DEALLOCATE_CALL,
				  KTAPI_IOC_DEALLOCATE_CALL } };
	pthread_t t[2];
	int round, wins;
	__u32 h;

	duo_start(_metadata, &d, args, t);
	for (round = 0; round < RACE_ROUNDS * 2 && _metadata->passed; round++) {
		ASSERT_OK(kt_make_call(self->a, round % 2 ? "999" : self->addr_b,
				       &h, NULL));
		d.h[0] = d.h[1] = h;
		duo_run(&d);
		wins = (d.ret[0] == 0) + (d.ret[1] == 0);
		EXPECT_EQ(1, wins) TH_LOG("round %d", round);
		if (d.ret[0]) {
			EXPECT_EQ(ENOENT, d.ret[0]);
		}
		if (d.ret[1]) {
			EXPECT_EQ(ENOENT, d.ret[1]);
		}
		kt_drain(self->a);
		kt_drain(self->b);
	}
	duo_stop(&d, t);
}

struct churn {
	int dev;
	int root_fd;		/* >= 0: force-close the device each round */
	unsigned int rounds;
	int stop;
	int bad;
	char why[128];
};

/* Open, LINE_OPEN as owner, maybe answer, then close or force-close. */
static void *churn_owner(void *arg)
{
	struct churn *c = arg;
	struct ktapi_event ev;
	unsigned int i;
	int fd, e;

	for (i = 0; i < c->rounds && !__atomic_load_n(&c->stop, __ATOMIC_SEQ_CST); i++) {
		fd = kt_open();
		e = fd < 0 ? errno : kt_line_open(fd, c->dev, P_OWN, API_CUR);
		if (e) {
			snprintf(c->why, sizeof(c->why), "open/LINE_OPEN: %s",
				 kt_errname(e));
			c->bad++;
			break;
		}
		if (i % 2 && kt_read_event(fd, &ev, 1) == 0 && ev.type == EV_NEW) {
			e = kt_answer(fd, ev.handle);
			if (e && e != EBUSY) {
				snprintf(c->why, sizeof(c->why), "ANSWER: %s",
					 kt_errname(e));
				c->bad++;
			}
		}
		e = c->root_fd >= 0 ? kt_close_dev(c->root_fd, c->dev) : 0;
		if (e) {
			snprintf(c->why, sizeof(c->why), "CLOSE_LINE_DEVICE: %s",
				 kt_errname(e));
			c->bad++;
		}
		close(fd);
	}
	return NULL;
}

static void race_calls_vs_churn(struct __test_metadata *_metadata,
				FIXTURE_DATA(call) *self, int root_fd)
{
	struct churn c = { .dev = 1, .root_fd = root_fd, .rounds = 1000 };
	struct ktapi_stats s0, s1;
	__u32 live[16];
	pthread_t t;
	int i;

	close_fd(&self->b);
	NEED_STATS(&s0);
	ASSERT_EQ(0, pthread_create(&t, NULL, churn_owner, &c));
	/* Keep the last 16 calls up, whatever becomes of them. */
	for (i = 0; i < 2000; i++) {
		if (i >= 16)
			EXPECT_OK(kt_dealloc(self->a, live[i % 16]));
		ASSERT_OK(kt_make_call(self->a, self->addr_b, &live[i % 16], NULL));
		if (i % 8 == 0)
			kt_drain(self->a);
	}
	__atomic_store_n(&c.stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, c.bad) TH_LOG("%s", c.why);
	close_fd(&self->a);
	EXPECT_CALLS_HANDLES(&s0, &s1, 0, 0);
	EXPECT_EQ(s0.files - 1, s1.files);
}

/* MAKE_CALL while the called device's owner keeps opening and closing. */
TEST_F_TIMEOUT(call, race_make_call_vs_callee_close, 300)
{
	race_calls_vs_churn(_metadata, self, -1);
}

/* MAKE_CALL while the called device keeps being force-closed. */
TEST_F_TIMEOUT(call, race_make_call_vs_force_close, 300)
{
	int r;

	REQUIRE_ROOT();
	r = FD();
	race_calls_vs_churn(_metadata, self, r);
	close(r);
}

TEST_HARNESS_MAIN
