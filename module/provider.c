// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: service providers in userspace, /dev/ktapi-provider.
 *
 * One open file of /dev/ktapi-provider is one provider (struct
 * ktapi_provider) once it has done REGISTER.  It adds line devices (through
 * line.c's ktapi_line_dev_add()), reads the requests the module makes to
 * it, answers them with REPLY and reports incoming calls (NEWCALL) and its
 * legs' states (CALLSTATE).  The protocol is uapi/linux/ktapi.h's DOC:
 * Providers and DOC: Requests.
 *
 * Requests.  MAKE_CALL, ANSWER and DROP on a line of a provider's device
 * (switch.c hands them here) make one struct ktapi_preq, charged to the
 * provider's memory cgroup, with a 64-bit request id the provider never
 * sees twice.  It is queued FIFO to the provider's read() (prov->queue),
 * moves to prov->pending once read, and ends exactly once: by the REPLY,
 * by its expiry (provider_timeout_ms), by its synchronous waiter being
 * killed, or by the provider's death (ECONNABORTED).  Whoever ends it takes
 * it off the lists under prov->lock (ktapi_preq_take_locked()), then does
 * the rest without that lock (ktapi_preq_finish()): a MAKE_CALL's leg is
 * published (result 0) or freed, an asynchronous request's REPLY record is
 * queued to its application's file, a synchronous waiter is woken.
 * Outstanding requests (queued or read, not ended) are at most REGISTER's
 * max_requests: one more is EAGAIN at once.  A synchronous request waits
 * killably in its application's ioctl; asynchronous ones expire by the
 * provider's own delayed work (prov->expire), which looks only at the
 * expired head of that provider's deadline-ordered list (prov->async).
 * A pending request holds a reference to its application's file and to
 * the provider.
 *
 * Legs.  A leg on a provider's device is a struct ktapi_pleg (internal.h,
 * from its own slab cache, so loopback legs do not grow) with a
 * preallocated CLOSECALL record (struct ktapi_pclose), which is queued
 * exactly once, when the leg's last handle goes (ktapi_provider_closecall(),
 * from call.c, under the leg's pair lock), or at once when the leg was
 * never published but its MAKECALL was read.  Beside it lives the leg's
 * DROP notice (request_id 0), queued at most once when the leg's sole
 * owner closes its line while monitors remain (ktapi_provider_owner_gone()),
 * always before the CLOSECALL.  CLOSECALLs and notices never count
 * against a limit and never fail.  prov->legs maps the call ids the
 * provider may name in CALLSTATE to their legs (RCU lookups).
 *
 * Death (release): prov->dead is set, every outstanding request ends with
 * ECONNABORTED, queued CLOSECALLs are freed, then each device is removed
 * (ktapi_line_dev_remove(): forced close of every line on it, so every
 * leg's last handle goes, and their CLOSECALLs, finding the provider dead,
 * are freed at once).  The struct lives on while a CLOSECALL record or a
 * request holds a reference, and is freed after a ktapi_srcu grace period:
 * MAKE_CALL and the call ops find it through f->line->prov inside an SRCU
 * read section.
 *
 * Locking (internal.h's DOC: Locking has the order):
 *   prov->lock        (spinlock) the provider's requests and CLOSECALLs:
 *                     queue, pending, async, nr_outstanding, the request ids,
 *                     dead, nr_inbound and each request's state.  One
 *                     provider's only: an application's request takes it
 *                     for O(1) to queue, a REPLY for the lookup in pending
 *                     (O(outstanding) at worst, bounded by max_requests).
 *                     Taken under a pair lock (CLOSECALL), never the other
 *                     way round; only prov->wait's waitqueue lock is taken
 *                     inside it (a queued record's wake-up happens under
 *                     it, as the record may be freed once it is dropped).
 *   prov->read_mutex  (mutex) one reader at a time, so a record that could
 *                     not be copied goes back to the head of the queue.
 *   prov->lines_mutex (mutex) REGISTER and the provider's devices: ADD_LINE,
 *                     REMOVE_LINE, NEWCALL (which publishes a leg on one of
 *                     them) and death.  Taken with no other lock held.
 *   prov->legs xa_lock (spinlock) the call id map: inserted at a leg's
 *                     creation, erased under the leg's pair lock when its
 *                     last handle goes or it is freed unpublished.
 * Nothing is allocated under a spinlock; the REPLY record of an
 * asynchronous request (ktapi_reply_alloc()) and the CLOSECALL record of a
 * leg are preallocated.
 */
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "internal.h"
#include "trace.h"

#define KTAPI_PROVIDER_TIMEOUT_MAX	600000

static unsigned int ktapi_provider_timeout_ms = 5000;

static int ktapi_timeout_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (v < 1 || v > KTAPI_PROVIDER_TIMEOUT_MAX)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops ktapi_timeout_ops = {
	.set = ktapi_timeout_set,
	.get = param_get_uint,
};

module_param_cb(provider_timeout_ms, &ktapi_timeout_ops,
		&ktapi_provider_timeout_ms, 0644);
__MODULE_PARM_TYPE(provider_timeout_ms, "uint");
MODULE_PARM_DESC(provider_timeout_ms,
		 "How long a request waits for its provider's REPLY (1..600000 ms, default 5000)");

/* Provider ids: unique while the module is loaded (2^32 providers). */
static atomic_t ktapi_provider_last_id = ATOMIC_INIT(0);

/* What waits in a provider's queue: a request, a CLOSECALL, a DROP notice. */
enum ktapi_pmsg_kind {
	KTAPI_PMSG_REQUEST,
	KTAPI_PMSG_CLOSECALL,
	KTAPI_PMSG_DROP,
};

struct ktapi_pmsg {
	struct list_head node;		/* prov->queue or prov->pending; lock */
	enum ktapi_pmsg_kind kind;
};

struct ktapi_provider {
	spinlock_t lock;		/* see the top of this file */
	wait_queue_head_t wait;		/* readers and pollers */
	struct mutex read_mutex;	/* one reader at a time */
	struct mutex lines_mutex;	/* nr_lines, lines */
	/* The file's, one per CLOSECALL record and per request. */
	refcount_t ref;
	struct mem_cgroup *memcg;	/* the opener's: pays for everything */
	bool registered;		/* lock; smp_load_acquire without */
	bool dead;			/* lock: released */
	u32 id;				/* constant once registered */
	u32 max_requests;		/* constant once registered */
	u32 nr_outstanding;		/* lock */
	u32 nr_inbound;			/* lock: live INBOUND legs */
	u64 last_request_id;		/* lock */
	struct list_head queue;		/* lock: unread ktapi_pmsg */
	struct list_head pending;	/* lock: read, not replied requests */
	struct list_head async;		/* lock: async requests, by deadline */
	unsigned long expire_at;	/* lock: when prov->expire runs */
	struct delayed_work expire;	/* asynchronous requests' timeouts */
	struct xarray legs;		/* call id -> its ktapi_leg; RCU */
	u32 nr_lines;			/* lines_mutex */
	struct ktapi_line_dev *lines[KTAPI_PROVIDER_LINES_MAX]; /* lines_mutex */
	char name[KTAPI_PROVIDER_NAME_MAX];	/* constant once registered */
	struct rcu_head rcu;
};

enum ktapi_preq_state {
	KTAPI_PREQ_QUEUED,		/* in prov->queue, not read yet */
	KTAPI_PREQ_READ,		/* in prov->pending */
	KTAPI_PREQ_DONE,		/* ended: on no list */
};

/* One request to a provider. */
struct ktapi_preq {
	struct ktapi_pmsg msg;
	struct ktapi_provider_request rec;	/* what read() returns */
	struct ktapi_provider *prov;		/* a reference */
	struct ktapi_file *f;			/* a reference: who asked */
	struct ktapi_leg *leg;			/* MAKECALL: the new leg */
	struct ktapi_reply *reply;		/* async: its REPLY record */
	struct list_head async_node;		/* async: in prov->async; lock */
	u32 handle;				/* the handle of the request */
	bool async;				/* KTAPI_REQ_ASYNC */
	enum ktapi_preq_state state;		/* prov->lock */
	int result;				/* sync: set when it ended */
	unsigned long deadline;			/* jiffies */
	struct completion done;			/* sync: it ended */
};

/*
 * The CLOSECALL record of one leg, made with the leg, and its DROP notice
 * (the sole owner closed its line while monitors remain): both
 * preallocated, so neither can be lost or refused.  The notice is always
 * queued before the CLOSECALL, and the single reader frees the struct
 * with the CLOSECALL, so the notice never outlives it.
 */
struct ktapi_pclose {
	struct ktapi_pmsg msg;
	struct ktapi_pmsg drop;			/* the DROP notice */
	struct ktapi_provider *prov;		/* a reference */
	u32 call_id;
	u32 device_id;
	u32 state;				/* the leg's last state */
	bool told;	/* prov->lock: the provider knows the call id */
	bool drop_sent;	/* prov->lock: the DROP notice was queued once */
	bool inbound;				/* counted in nr_inbound */
};

static struct ktapi_preq *ktapi_preq_of(struct ktapi_pmsg *m)
{
	return container_of(m, struct ktapi_preq, msg);
}

static struct ktapi_pclose *ktapi_pclose_of(struct ktapi_pmsg *m)
{
	return container_of(m, struct ktapi_pclose, msg);
}

static struct ktapi_pclose *ktapi_pdrop_of(struct ktapi_pmsg *m)
{
	return container_of(m, struct ktapi_pclose, drop);
}

static void ktapi_provider_free_srcu(struct rcu_head *rcu)
{
	struct ktapi_provider *prov = container_of(rcu, struct ktapi_provider,
						   rcu);

	WARN_ON(!xa_empty(&prov->legs));
	xa_destroy(&prov->legs);
	mutex_destroy(&prov->read_mutex);
	mutex_destroy(&prov->lines_mutex);
	mem_cgroup_put(prov->memcg);
	kfree(prov);
}

static void ktapi_provider_put(struct ktapi_provider *prov)
{
	/* Found through line->prov under ktapi_srcu: free after readers. */
	if (refcount_dec_and_test(&prov->ref))
		call_srcu(&ktapi_srcu, &prov->rcu, ktapi_provider_free_srcu);
}

/* kzalloc() charged to the provider's memory cgroup. */
static void *ktapi_provider_zalloc(struct ktapi_provider *prov, size_t size)
{
	struct mem_cgroup *old = set_active_memcg(prov->memcg);
	void *p = kzalloc(size, GFP_KERNEL_ACCOUNT);

	set_active_memcg(old);
	return p;
}

/*
 * The provider of @f's open line, with a reference, or NULL when it is
 * gone (its device is being removed).  The line is a provider's.
 */
static struct ktapi_provider *ktapi_provider_of(struct ktapi_file *f)
{
	struct ktapi_provider *prov = NULL;
	int idx;

	idx = srcu_read_lock(&ktapi_srcu);
	/* A provider is freed after its devices' lines were all closed. */
	if (READ_ONCE(f->state) == KTAPI_FILE_OPEN) {
		prov = f->line->prov;
		if (!refcount_inc_not_zero(&prov->ref))
			prov = NULL;
	}
	srcu_read_unlock(&ktapi_srcu, idx);
	return prov;
}

static void ktapi_wake(struct ktapi_provider *prov)
{
	if (wq_has_sleeper(&prov->wait))
		wake_up_interruptible_poll(&prov->wait, EPOLLIN | EPOLLRDNORM);
}

/* ------------------------------------------------------------------ */
/* Provider legs and their CLOSECALL                                   */

/*
 * Make the CLOSECALL record of new leg @c and map its call id.  The leg is
 * unpublished.  Return: 0 or -ENOMEM.
 */
static int ktapi_pleg_init(struct ktapi_provider *prov, struct ktapi_leg *c,
			   bool inbound)
{
	struct ktapi_pclose *pc;
	struct mem_cgroup *old;
	int ret;

	pc = ktapi_provider_zalloc(prov, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	pc->msg.kind = KTAPI_PMSG_CLOSECALL;
	INIT_LIST_HEAD(&pc->msg.node);
	pc->drop.kind = KTAPI_PMSG_DROP;
	INIT_LIST_HEAD(&pc->drop.node);
	pc->call_id = c->call_id;
	pc->device_id = c->line->id;
	pc->inbound = inbound;
	old = set_active_memcg(prov->memcg);
	ret = xa_insert(&prov->legs, c->call_id, c, GFP_KERNEL_ACCOUNT);
	set_active_memcg(old);
	if (ret) {
		kfree(pc);
		return ret == -EBUSY ? -ENOMEM : ret;
	}
	refcount_inc(&prov->ref);
	pc->prov = prov;
	ktapi_pleg(c)->close = pc;
	return 0;
}

static void ktapi_pclose_free(struct ktapi_pclose *pc)
{
	struct ktapi_provider *prov = pc->prov;

	kfree(pc);
	ktapi_provider_put(prov);
}

/*
 * The call id of @c means nothing to the provider any more: unmap it and
 * queue its CLOSECALL if the provider knows the call id, else free the
 * record.  Under the pair lock of @c.
 */
static void ktapi_pleg_close_locked(struct ktapi_leg *c)
{
	struct ktapi_pleg *pl = ktapi_pleg(c);
	struct ktapi_pclose *pc = pl->close;
	struct ktapi_provider *prov = c->line->prov;
	bool queued = false;

	lockdep_assert_held(c->lock);
	if (WARN_ON_ONCE(pl->closed || !pc))
		return;
	pl->closed = true;
	pl->close = NULL;
	xa_erase(&prov->legs, c->call_id);
	pc->state = c->state;
	spin_lock(&prov->lock);
	if (pc->inbound)
		prov->nr_inbound--;
	/* An unread DROP notice: the CLOSECALL (not IDLE) says the same. */
	list_del_init(&pc->drop.node);
	if (pc->told && !prov->dead) {
		list_add_tail(&pc->msg.node, &prov->queue);
		queued = true;
		/*
		 * Wake under prov->lock: once it is dropped the provider may
		 * read the record, free it (with its reference) and close.
		 */
		ktapi_wake(prov);
	}
	spin_unlock(&prov->lock);
	if (!queued)
		ktapi_pclose_free(pc);
}

/**
 * ktapi_provider_closecall - the last handle of a provider's leg went
 * @c: the leg, on a provider's device, under its pair lock
 *
 * Called once per leg by ktapi_handle_remove(), whoever removed the handle
 * (DEALLOCATE_CALL, line close, forced close, a device's removal).
 */
void ktapi_provider_closecall(struct ktapi_leg *c)
{
	ktapi_pleg_close_locked(c);
}

/**
 * ktapi_provider_owner_gone - the sole OWNER of a provider's leg closed its
 *	line while MONITOR handles to the leg remain
 * @c: the leg, not IDLE, on a provider's device, under its pair lock
 *
 * Called by ktapi_handle_remove() (line close, forced close).  Queue the
 * leg's DROP notice (request_id 0, no REPLY): the provider ends the call,
 * as the loopback switch drops such a leg at once.  At most once per leg,
 * only for a published leg whose call id the provider knows, never after
 * its CLOSECALL, not while the device is being removed (that removes
 * every handle: the CLOSECALL follows at once), not to a dead provider.
 */
void ktapi_provider_owner_gone(struct ktapi_leg *c)
{
	struct ktapi_pleg *pl = ktapi_pleg(c);
	struct ktapi_pclose *pc = pl->close;
	struct ktapi_provider *prov;

	lockdep_assert_held(c->lock);
	if (!pl->ready || pl->closed || !pc || READ_ONCE(c->line->removed))
		return;
	prov = pc->prov;
	spin_lock(&prov->lock);
	if (pc->told && !pc->drop_sent && !prov->dead) {
		pc->drop_sent = true;
		list_add_tail(&pc->drop.node, &prov->queue);
		/* Under prov->lock, as for a CLOSECALL. */
		ktapi_wake(prov);
	}
	spin_unlock(&prov->lock);
}

/* Free a leg that was never published, with its CLOSECALL as due. */
static void ktapi_pleg_discard(struct ktapi_leg *c)
{
	spin_lock(c->lock);
	ktapi_pleg_close_locked(c);
	spin_unlock(c->lock);
	ktapi_leg_free(c);
}

/* ------------------------------------------------------------------ */
/* Requests                                                             */

static struct ktapi_preq *ktapi_preq_alloc(struct ktapi_provider *prov,
					   struct ktapi_file *f, u32 type,
					   bool async)
{
	struct ktapi_preq *req;

	req = ktapi_provider_zalloc(prov, sizeof(*req));
	if (!req)
		return ERR_PTR(-ENOMEM);
	if (async) {
		req->reply = ktapi_reply_alloc(f);
		if (IS_ERR(req->reply)) {
			int ret = PTR_ERR(req->reply);

			kfree(req);
			return ERR_PTR(ret);
		}
	}
	req->async = async;
	req->msg.kind = KTAPI_PMSG_REQUEST;
	INIT_LIST_HEAD(&req->msg.node);
	INIT_LIST_HEAD(&req->async_node);
	req->rec.type = type;
	req->rec.device_id = f->line->id;
	req->prov = prov;		/* the caller's reference */
	req->f = f;
	refcount_inc(&f->ref);
	init_completion(&req->done);
	return req;
}

/* Free an ended (or never queued) request and its references. */
static void ktapi_preq_free(struct ktapi_preq *req)
{
	if (req->reply)
		ktapi_reply_free(req->f, req->reply);
	ktapi_file_put(req->f);
	ktapi_provider_put(req->prov);
	kfree(req);
}

/* Make sure prov->expire runs by @deadline.  Under prov->lock. */
static void ktapi_expire_arm_locked(struct ktapi_provider *prov,
				    unsigned long deadline)
{
	lockdep_assert_held(&prov->lock);
	if (delayed_work_pending(&prov->expire) &&
	    !time_before(deadline, prov->expire_at))
		return;
	prov->expire_at = deadline;
	mod_delayed_work(system_wq, &prov->expire,
			 time_after(deadline, jiffies) ? deadline - jiffies : 0);
}

/*
 * Put async request @req into prov->async, deadline order (from the tail:
 * O(1) while provider_timeout_ms does not shrink), and make sure
 * prov->expire runs by its deadline.  Under prov->lock.
 */
static void ktapi_expire_add_locked(struct ktapi_provider *prov,
				    struct ktapi_preq *req)
{
	struct ktapi_preq *r;

	lockdep_assert_held(&prov->lock);
	list_for_each_entry_reverse(r, &prov->async, async_node)
		if (!time_after(r->deadline, req->deadline))
			break;
	/* After r, or first when every deadline is later (r is the head). */
	list_add(&req->async_node, &r->async_node);
	ktapi_expire_arm_locked(prov, req->deadline);
}

/*
 * Queue @req to its provider's read(): EAGAIN when max_requests are
 * outstanding, ECONNABORTED when the provider is gone.
 */
static int ktapi_preq_queue(struct ktapi_preq *req, const struct ktapi_leg *c)
{
	struct ktapi_provider *prov = req->prov;
	unsigned int ms = READ_ONCE(ktapi_provider_timeout_ms);
	int ret = 0;

	spin_lock(&prov->lock);
	if (prov->dead) {
		ret = -ECONNABORTED;
	} else if (c && xa_load(&prov->legs, req->rec.call_id) != c) {
		/*
		 * ANSWER, DROP: the leg's last handle went since the checks,
		 * and its CLOSECALL (which takes it out of prov->legs before
		 * it takes prov->lock) is or will be queued: a request after
		 * it would name a call id that means nothing any more.
		 */
		ret = -ENOENT;
	} else if (prov->nr_outstanding >= prov->max_requests) {
		ret = -EAGAIN;
	} else {
		prov->nr_outstanding++;
		req->rec.request_id = ++prov->last_request_id;
		req->state = KTAPI_PREQ_QUEUED;
		req->deadline = jiffies + msecs_to_jiffies(ms);
		list_add_tail(&req->msg.node, &prov->queue);
		if (req->async)
			ktapi_expire_add_locked(prov, req);
		/*
		 * Under prov->lock: once it is dropped the request is the
		 * provider's (a REPLY may free it and its prov reference).
		 */
		trace_ktapi_provider_request(prov->id, req->rec.type,
					     req->rec.request_id,
					     req->rec.call_id);
		ktapi_wake(prov);
	}
	spin_unlock(&prov->lock);
	return ret;
}

/*
 * End @req if nobody has: off the lists, no longer outstanding.  A MAKECALL
 * that was read leaves its leg's CLOSECALL due.  Under prov->lock.
 * Return: whether this call ended it.
 */
static bool ktapi_preq_take_locked(struct ktapi_provider *prov,
				   struct ktapi_preq *req)
{
	lockdep_assert_held(&prov->lock);
	if (req->state == KTAPI_PREQ_DONE)
		return false;
	list_del_init(&req->msg.node);
	list_del_init(&req->async_node);
	prov->nr_outstanding--;
	req->state = KTAPI_PREQ_DONE;
	return true;
}

/*
 * A MAKECALL answered 0: publish its leg as the loopback switch publishes
 * one (DIALING, the caller's handle, a MONITOR handle with APPNEWCALL for
 * every other MONITOR line of the device), an async request's REPLY record
 * first.  Return: 0, -EBADFD when the caller's line was closed meanwhile
 * or -ENOMEM (a monitor of the caller's own cgroup); then the leg is freed.
 */
static int ktapi_preq_publish(struct ktapi_preq *req)
{
	struct ktapi_leg *c = req->leg;
	struct ktapi_file *f = req->f;
	LIST_HEAD(monitors);
	LIST_HEAD(unused);
	int ret, idx;
	u64 now;

	idx = srcu_read_lock(&ktapi_srcu);
	ret = ktapi_reserve_monitors(c->line, f, f->memcg, c->call_id,
				     &monitors);
	if (ret)
		goto out;
	now = ktime_get_ns();
	ktapi_leg_init_state(c, KTAPI_CALLSTATE_DIALING, now);
	spin_lock(c->lock);
	if (!ktapi_handle_publish(&c->own, c, KTAPI_PRIVILEGE_OWNER, false,
				  now)) {
		spin_unlock(c->lock);
		ret = -EBADFD;
		goto out;
	}
	if (req->reply) {
		ktapi_reply_queue(f, req->reply, req->handle, c->call_id, 0);
		req->reply = NULL;
	}
	ktapi_pleg(c)->ready = true;
	ktapi_publish_monitors(&monitors, c, &unused, now);
	ktapi_leg_notify(c, now);
	spin_unlock(c->lock);
out:
	ktapi_unreserve_list(&monitors);
	ktapi_unreserve_list(&unused);
	srcu_read_unlock(&ktapi_srcu, idx);
	return ret;
}

/*
 * An ANSWER its provider replied 0 to: the first one names the leg
 * (appname.c), if the asker still holds the handle.  The call id tells a
 * handle id given again to another call meanwhile.
 */
static int ktapi_preq_answered_locked(struct ktapi_handle *h, void *req)
{
	struct ktapi_preq *r = req;

	if (h->leg->call_id == r->rec.call_id)
		ktapi_leg_take_app_name(h->leg, r->f);
	return 0;
}

static void ktapi_preq_answered(struct ktapi_preq *req)
{
	ktapi_handle_call_locked(req->f, req->handle,
				 ktapi_preq_answered_locked, req);
}

/*
 * The rest of ending a request, after ktapi_preq_take_locked() and
 * without a lock: MAKECALL's leg is published or freed, an async request's
 * REPLY record queued and the request freed, a sync waiter woken (it frees
 * the request).
 */
static void ktapi_preq_finish(struct ktapi_preq *req, int result)
{
	struct ktapi_leg *c = req->leg;
	u32 call_id = req->rec.call_id;

	trace_ktapi_provider_request_end(req->prov->id, req->rec.request_id,
					 result);
	if (req->rec.type == KTAPI_PREQ_MAKECALL) {
		if (!result)
			result = ktapi_preq_publish(req);
		if (result) {
			/* The handle is void before the REPLY says so. */
			ktapi_handle_unreserve(&c->own);
			ktapi_pleg_discard(c);
		}
	} else if (req->rec.type == KTAPI_PREQ_ANSWER && !result) {
		ktapi_preq_answered(req);
	}
	if (req->async) {
		/* Published: the REPLY record went first, with the leg. */
		if (req->reply)
			ktapi_reply_queue(req->f, req->reply, req->handle,
					  call_id, result);
		req->reply = NULL;
		ktapi_preq_free(req);
		return;
	}
	/* Under no lock: the waiter frees @req once it sees this. */
	req->result = result;
	complete(&req->done);
}

/*
 * A synchronous request: wait killably for its end, at most
 * provider_timeout_ms; then end it here (ETIMEDOUT, or EINTR when
 * killed).  Frees it.  Return: its result.
 */
static int ktapi_preq_wait(struct ktapi_preq *req)
{
	struct ktapi_provider *prov = req->prov;
	unsigned int ms = READ_ONCE(ktapi_provider_timeout_ms);
	long left;
	bool mine;
	int ret;

	left = wait_for_completion_killable_timeout(&req->done,
						    msecs_to_jiffies(ms));
	if (left <= 0) {
		spin_lock(&prov->lock);
		mine = ktapi_preq_take_locked(prov, req);
		spin_unlock(&prov->lock);
		if (mine)
			ktapi_preq_finish(req, left ? -EINTR : -ETIMEDOUT);
		/*
		 * Ended by us, or being ended by another.  Uninterruptible
		 * (the other one still uses @req, which we free), and
		 * bounded: a synchronous request is never in prov->async, so
		 * only two others can have taken it, and each took it under
		 * prov->lock and then calls ktapi_preq_finish() on it with no
		 * lock held and nothing in between that waits:
		 *
		 *  - a REPLY (ktapi_provider_ioctl_reply()), in the
		 *    provider's ioctl: once in the kernel it runs to the end
		 *    (a signal or SIGSTOP acts only on return to userspace);
		 *  - the provider's release, which ends every request it
		 *    took, one after the other: at most max_requests
		 *    (KTAPI_PROVIDER_REQUESTS_MAX) finishes before ours.
		 *
		 * ktapi_preq_finish() itself waits for no one: a MAKECALL
		 * answered 0 reserves the monitors' handles (allocations,
		 * which may reclaim but do not wait for this task) and
		 * publishes under the pair lock and evq.locks (spinlocks,
		 * O(monitors)); else it frees the leg.  Then complete().  It
		 * takes no lock this task holds here (none), and nothing it
		 * waits for is done by userspace.
		 */
		wait_for_completion(&req->done);
	}
	ret = req->result;
	ktapi_preq_free(req);
	return ret;
}

/* prov->expire: end the asynchronous requests past their deadline. */
static void ktapi_expire_work(struct work_struct *work)
{
	struct ktapi_provider *prov = container_of(to_delayed_work(work),
						   struct ktapi_provider,
						   expire);
	struct ktapi_preq *req, *tmp;
	LIST_HEAD(expired);

	/* Only the expired head of prov->async: O(expired). */
	spin_lock(&prov->lock);
	while ((req = list_first_entry_or_null(&prov->async, struct ktapi_preq,
					       async_node))) {
		if (time_before(jiffies, req->deadline)) {
			if (!prov->dead)
				ktapi_expire_arm_locked(prov, req->deadline);
			break;
		}
		ktapi_preq_take_locked(prov, req);
		list_add_tail(&req->msg.node, &expired);
	}
	spin_unlock(&prov->lock);

	list_for_each_entry_safe(req, tmp, &expired, msg.node) {
		list_del_init(&req->msg.node);
		ktapi_preq_finish(req, -ETIMEDOUT);
	}
}

/* ------------------------------------------------------------------ */
/* The application's side: MAKE_CALL, ANSWER, DROP (from switch.c)      */

/**
 * ktapi_provider_make_call - MAKE_CALL on a line of a provider's device
 * @ucmd: the command; the line is open, the address valid
 *
 * The OUTBOUND leg and its caller's handle are reserved (the handle is
 * ENOENT until the REPLY says 0), the struct written back, MAKECALL queued.
 */
int ktapi_provider_make_call(struct ktapi_ucmd *ucmd)
{
	struct ktapi_make_call *mc = ucmd->arg;
	struct ktapi_file *f = ucmd->file;
	bool async = mc->flags & KTAPI_REQ_ASYNC;
	struct ktapi_line_dev *line = f->line;
	struct ktapi_provider *prov;
	struct ktapi_preq *req;
	struct ktapi_leg *c;
	int ret;

	prov = ktapi_provider_of(f);
	if (!prov)
		return -ECONNABORTED;
	req = ktapi_preq_alloc(prov, f, KTAPI_PREQ_MAKECALL, async);
	if (IS_ERR(req)) {
		ktapi_provider_put(prov);
		return PTR_ERR(req);
	}
	c = ktapi_leg_alloc(f->memcg, GFP_KERNEL_ACCOUNT, line, line,
			    mc->dest_address, KTAPI_CALLORIGIN_OUTBOUND);
	if (!c) {
		ktapi_preq_free(req);
		return -ENOMEM;
	}
	memcpy(ktapi_pleg(c)->caller_address, line->address,
	       sizeof(line->address));
	ktapi_leg_init_app_name(c, f);
	ret = ktapi_pleg_init(prov, c, false);
	if (ret) {
		ktapi_leg_free(c);
		ktapi_preq_free(req);
		return ret;
	}
	ret = ktapi_handle_reserve_id(&c->own, f);
	if (ret)
		goto err_leg;
	req->leg = c;
	req->handle = c->own.id;
	req->rec.call_id = c->call_id;
	memcpy(req->rec.dest_address, c->called_address,
	       sizeof(req->rec.dest_address));
	memcpy(req->rec.caller_address, line->address,
	       sizeof(req->rec.caller_address));

	mc->handle = c->own.id;
	mc->call_id = c->call_id;
	mc->request_id = async ? req->reply->request_id : 0;
	if (ktapi_ucmd_respond(ucmd, sizeof(*mc))) {
		ret = -EFAULT;
		goto err_handle;
	}
	ret = ktapi_preq_queue(req, NULL);
	if (ret)
		goto err_handle;
	if (async)
		return 0;
	return ktapi_preq_wait(req);

err_handle:
	ktapi_handle_unreserve(&c->own);
err_leg:
	ktapi_pleg_discard(c);
	ktapi_preq_free(req);
	return ret;
}

/* ktapi_provider_call_op()'s checks, under the handle's pair lock. */
struct ktapi_pcall_op {
	bool answer;
	/*
	 * Out: the leg and its call id.  Once the pair lock is dropped the
	 * leg may be freed and reused: ktapi_preq_queue() only compares it
	 * with what prov->legs maps the call id to.
	 */
	struct ktapi_leg *leg;
	u32 call_id;
};

static int ktapi_provider_call_op_check(struct ktapi_handle *h, void *arg)
{
	struct ktapi_pcall_op *o = arg;

	o->leg = h->leg;
	o->call_id = h->leg->call_id;
	return ktapi_call_op_check_locked(h, o->answer);
}

/**
 * ktapi_provider_call_op - ANSWER or DROP on a line of a provider's device
 * @ucmd: the command; the line is open, the handle non-zero
 *
 * The checks of the loopback switch (handle, privilege, state), then the
 * request; the module changes no state.
 */
int ktapi_provider_call_op(struct ktapi_ucmd *ucmd)
{
	struct ktapi_call_op *op = ucmd->arg;
	struct ktapi_file *f = ucmd->file;
	bool async = op->flags & KTAPI_REQ_ASYNC;
	bool answer = ucmd->cmd == KTAPI_IOC_ANSWER;
	struct ktapi_pcall_op o = { .answer = answer };
	struct ktapi_provider *prov;
	struct ktapi_preq *req;
	struct ktapi_leg *c;
	u32 call_id;
	int ret = 0;

	/* The checks first: a refused op allocates nothing. */
	ret = ktapi_handle_call_locked(f, op->handle,
				       ktapi_provider_call_op_check, &o);
	if (ret)
		return ret;
	c = o.leg;
	call_id = o.call_id;

	prov = ktapi_provider_of(f);
	if (!prov)
		return -ECONNABORTED;
	req = ktapi_preq_alloc(prov, f, answer ? KTAPI_PREQ_ANSWER :
				KTAPI_PREQ_DROP, async);
	if (IS_ERR(req)) {
		ktapi_provider_put(prov);
		return PTR_ERR(req);
	}
	req->rec.call_id = call_id;
	req->handle = op->handle;

	if (async) {
		op->request_id = req->reply->request_id;
		if (ktapi_ucmd_respond(ucmd, sizeof(*op))) {
			ret = -EFAULT;
			goto err;
		}
	}
	ret = ktapi_preq_queue(req, c);
	if (ret)
		goto err;
	if (async)
		return 0;
	return ktapi_preq_wait(req);

err:
	ktapi_preq_free(req);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The provider's file                                                  */

static bool ktapi_registered(struct ktapi_provider *prov)
{
	/* Pairs with the release in REGISTER: id, name, max_requests. */
	return smp_load_acquire(&prov->registered);
}

/* 0..@max - 1 printable ASCII characters, NUL-terminated in the array. */
static bool ktapi_name_valid(const char *name, size_t max)
{
	size_t i;

	for (i = 0; i < max; i++) {
		if (!name[i])
			return true;
		if (name[i] < 0x20 || name[i] > 0x7e)
			return false;
	}
	return false;
}

int ktapi_provider_ioctl_register(struct ktapi_ucmd *ucmd)
{
	struct ktapi_provider_register *rg = ucmd->arg;
	struct ktapi_provider *prov = ucmd->prov;
	int ret = 0;

	if (ktapi_registered(prov))
		return -EBUSY;
	if (rg->version >> 16 != KTAPI_PROVIDER_VERSION_MAJOR)
		return -EPROTONOSUPPORT;
	if (rg->max_requests < 1 ||
	    rg->max_requests > KTAPI_PROVIDER_REQUESTS_MAX)
		return -EINVAL;
	if (!ktapi_name_valid(rg->name, sizeof(rg->name)))
		return -EINVAL;

	/*
	 * lines_mutex serializes REGISTERs: the output is copied out before
	 * the file is registered, so that a fault leaves it unregistered
	 * (an id given to a faulting copy is never used).
	 */
	mutex_lock(&prov->lines_mutex);
	if (prov->registered) {
		ret = -EBUSY;
		goto out;
	}
	rg->out_version = KTAPI_PROVIDER_VERSION;
	rg->out_provider_id = atomic_inc_return(&ktapi_provider_last_id);
	ret = ktapi_ucmd_respond(ucmd, sizeof(*rg));
	if (ret)
		goto out;
	spin_lock(&prov->lock);
	prov->id = rg->out_provider_id;
	prov->max_requests = rg->max_requests;
	strscpy(prov->name, rg->name, sizeof(prov->name));
	/* Pairs with ktapi_registered(): the fields above are set. */
	smp_store_release(&prov->registered, true);
	spin_unlock(&prov->lock);
out:
	mutex_unlock(&prov->lines_mutex);
	return ret;
}

int ktapi_provider_ioctl_add_line(struct ktapi_ucmd *ucmd)
{
	struct ktapi_provider_line *pl = ucmd->arg;
	struct ktapi_provider *prov = ucmd->prov;
	struct ktapi_line_dev *line;
	struct mem_cgroup *old;
	int ret = 0;

	if (pl->reserved)
		return -EINVAL;
	if (!ktapi_registered(prov))
		return -EBADFD;
	if (!ktapi_address_valid(pl->address) ||
	    !ktapi_name_valid(pl->name, sizeof(pl->name)))
		return -EINVAL;

	mutex_lock(&prov->lines_mutex);
	if (prov->nr_lines >= KTAPI_PROVIDER_LINES_MAX) {
		ret = -ENOSPC;
		goto out;
	}
	old = set_active_memcg(prov->memcg);
	line = ktapi_line_dev_add(prov, prov->id, prov->name, pl->address,
				  pl->name);
	set_active_memcg(old);
	if (IS_ERR(line)) {
		ret = PTR_ERR(line);
		goto out;
	}
	pl->out_device_id = line->id;
	ret = ktapi_ucmd_respond(ucmd, sizeof(*pl));
	if (ret) {
		/* The provider never learnt the id: the device goes again. */
		ktapi_line_dev_remove(line);
		goto out;
	}
	prov->lines[prov->nr_lines++] = line;
out:
	mutex_unlock(&prov->lines_mutex);
	return ret;
}

/* The index of device @id in prov->lines, or -1.  Under lines_mutex. */
static int ktapi_provider_line_index(struct ktapi_provider *prov, u32 id)
{
	u32 i;

	lockdep_assert_held(&prov->lines_mutex);
	for (i = 0; i < prov->nr_lines; i++)
		if (prov->lines[i]->id == id)
			return i;
	return -1;
}

int ktapi_provider_ioctl_remove_line(struct ktapi_ucmd *ucmd)
{
	struct ktapi_provider_remove_line *rl = ucmd->arg;
	struct ktapi_provider *prov = ucmd->prov;
	struct ktapi_line_dev *line;
	int i;

	if (rl->reserved)
		return -EINVAL;
	if (!ktapi_registered(prov))
		return -EBADFD;
	mutex_lock(&prov->lines_mutex);
	i = ktapi_provider_line_index(prov, rl->device_id);
	if (i < 0) {
		mutex_unlock(&prov->lines_mutex);
		return -ENODEV;
	}
	line = prov->lines[i];
	prov->lines[i] = prov->lines[--prov->nr_lines];
	/* Its lines' handles go: the CLOSECALLs of its legs are queued. */
	ktapi_line_dev_remove(line);
	mutex_unlock(&prov->lines_mutex);
	return 0;
}

/* The results a REPLY may carry (uapi: struct ktapi_provider_reply). */
static bool ktapi_reply_result_valid(s32 result)
{
	switch (result) {
	case 0:
	case -EINVAL:
	case -EBUSY:
	case -ENOMEM:
	case -EAGAIN:
	case -EIO:
	case -EOPNOTSUPP:
		return true;
	}
	return false;
}

int ktapi_provider_ioctl_reply(struct ktapi_ucmd *ucmd)
{
	struct ktapi_provider_reply *rp = ucmd->arg;
	struct ktapi_provider *prov = ucmd->prov;
	struct ktapi_preq *req = NULL, *r;
	struct ktapi_pmsg *m;

	if (rp->reserved)
		return -EINVAL;
	if (!ktapi_registered(prov))
		return -EBADFD;
	if (!ktapi_reply_result_valid(rp->result))
		return -EINVAL;

	spin_lock(&prov->lock);
	/* Oldest first: a provider answering in order finds it at once. */
	list_for_each_entry(m, &prov->pending, node) {
		r = ktapi_preq_of(m);
		if (r->rec.request_id == rp->request_id) {
			req = r;
			ktapi_preq_take_locked(prov, req);
			break;
		}
	}
	spin_unlock(&prov->lock);
	if (!req)
		return -ENOENT;
	ktapi_preq_finish(req, rp->result);
	return 0;
}

int ktapi_provider_ioctl_newcall(struct ktapi_ucmd *ucmd)
{
	struct ktapi_provider_newcall *nc = ucmd->arg;
	struct ktapi_provider *prov = ucmd->prov;
	struct ktapi_callee cs = {
		.monitors = LIST_HEAD_INIT(cs.monitors),
	};
	struct ktapi_line_dev *line;
	unsigned int tries = 0;
	struct ktapi_leg *c;
	LIST_HEAD(unused);
	int ret, i, idx;
	u64 now;

	if (!ktapi_registered(prov))
		return -EBADFD;
	mutex_lock(&prov->lines_mutex);
	i = ktapi_provider_line_index(prov, nc->device_id);
	if (i < 0) {
		ret = -ENODEV;
		goto out_unlock;
	}
	line = prov->lines[i];
	if (!ktapi_address_valid(nc->caller_address) ||
	    !ktapi_address_valid(nc->called_address)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	spin_lock(&prov->lock);
	if (prov->nr_inbound >= KTAPI_PROVIDER_CALLS_MAX) {
		ret = -ENOSPC;
	} else {
		prov->nr_inbound++;
		ret = 0;
	}
	spin_unlock(&prov->lock);
	if (ret)
		goto out_unlock;

	c = ktapi_leg_alloc(prov->memcg, GFP_KERNEL_ACCOUNT, line, line,
			    nc->called_address, KTAPI_CALLORIGIN_INBOUND);
	if (!c) {
		ret = -ENOMEM;
		goto out_uncount;
	}
	/* Not the provider's bytes past the NUL: apps read this. */
	strscpy_pad(ktapi_pleg(c)->caller_address, nc->caller_address,
		    sizeof(ktapi_pleg(c)->caller_address));
	ret = ktapi_pleg_init(prov, c, true);
	if (ret) {
		ktapi_leg_free(c);
		goto out_uncount;
	}
	/* From now on nr_inbound is the CLOSECALL record's to give back. */

	/* The call id before the leg is published: a fault leaves nothing. */
	nc->out_call_id = c->call_id;
	ret = ktapi_ucmd_respond(ucmd, sizeof(*nc));
	if (ret) {
		ktapi_pleg_discard(c);	/* not told: no CLOSECALL */
		goto out_unlock;
	}

	idx = srcu_read_lock(&ktapi_srcu);
	ktapi_leg_init_state(c, KTAPI_CALLSTATE_OFFERING, ktime_get_ns());
	for (;;) {
		cs.dest = line;
		ret = ktapi_callee_reserve(&cs, prov->memcg, c->call_id);
		if (ret)
			break;
		/* No owner, or one whose handle space is full: refused. */
		if (!cs.owner) {
			ret = -ENXIO;
			break;
		}
		now = ktime_get_ns();
		spin_lock(c->lock);
		if (!ktapi_callee_publish_owner(&cs, c, now)) {
			spin_unlock(c->lock);
			ktapi_callee_unreserve(&cs);
			if (++tries < KTAPI_OWNER_TRIES)
				continue;
			ret = -ENXIO;
			break;
		}
		cs.owner = NULL;	/* published */
		spin_lock(&prov->lock);
		ktapi_pleg(c)->close->told = true;
		spin_unlock(&prov->lock);
		ktapi_pleg(c)->ready = true;
		ktapi_publish_monitors(&cs.monitors, c, &unused, now);
		ktapi_leg_notify(c, now);
		spin_unlock(c->lock);
		break;
	}
	ktapi_callee_unreserve(&cs);
	ktapi_unreserve_list(&unused);
	srcu_read_unlock(&ktapi_srcu, idx);
	if (ret)
		ktapi_pleg_discard(c);	/* not told: no CLOSECALL */
	goto out_unlock;

out_uncount:
	spin_lock(&prov->lock);
	prov->nr_inbound--;
	spin_unlock(&prov->lock);
out_unlock:
	mutex_unlock(&prov->lines_mutex);
	return ret;
}

#define KTAPI_CALLSTATES_ALL	(KTAPI_CALLSTATE_UNKNOWN * 2 - 1)
#define KTAPI_CALLSTATES_NEVER	(KTAPI_CALLSTATE_CONFERENCED |		\
				 KTAPI_CALLSTATE_ONHOLDPENDCONF |	\
				 KTAPI_CALLSTATE_ONHOLDPENDTRANSFER)
#define KTAPI_CALLSTATES_NOT_OUT (KTAPI_CALLSTATE_OFFERING |		\
				  KTAPI_CALLSTATE_ACCEPTED)
#define KTAPI_CALLSTATES_NOT_IN	(KTAPI_CALLSTATE_DIALTONE |		\
				 KTAPI_CALLSTATE_DIALING |		\
				 KTAPI_CALLSTATE_RINGBACK |		\
				 KTAPI_CALLSTATE_PROCEEDING |		\
				 KTAPI_CALLSTATE_BUSY)
#define KTAPI_DISCONNECTMODES	(KTAPI_DISCONNECTMODE_NORMAL |		\
				 KTAPI_DISCONNECTMODE_UNKNOWN |		\
				 KTAPI_DISCONNECTMODE_REJECT |		\
				 KTAPI_DISCONNECTMODE_BUSY |		\
				 KTAPI_DISCONNECTMODE_NOANSWER |	\
				 KTAPI_DISCONNECTMODE_BADADDRESS |	\
				 KTAPI_DISCONNECTMODE_UNAVAIL)

/* The checks of CALLSTATE that need no leg (uapi: DOC: Providers). */
static bool ktapi_callstate_valid(u32 state, u32 mode)
{
	if (!state || (state & (state - 1)) ||
	    (state & ~KTAPI_CALLSTATES_ALL) ||
	    (state & KTAPI_CALLSTATES_NEVER))
		return false;
	if (state == KTAPI_CALLSTATE_DISCONNECTED)
		return mode && !(mode & (mode - 1)) &&
		       !(mode & ~KTAPI_DISCONNECTMODES);
	return !mode;
}

/*
 * The checks that need the leg, then the change.  Return: 0 (changed, or
 * the same state and mode again), -EINVAL.  Under the pair lock of @c.
 */
static int ktapi_callstate_locked(struct ktapi_leg *c, u32 state, u32 mode)
{
	bool out = c->origin == KTAPI_CALLORIGIN_OUTBOUND;

	lockdep_assert_held(c->lock);
	if (!ktapi_pleg(c)->ready)
		return -EINVAL;
	if (state == c->state && mode == c->state_mode)
		return 0;
	if ((out && (state & KTAPI_CALLSTATES_NOT_OUT)) ||
	    (!out && (state & KTAPI_CALLSTATES_NOT_IN)) ||
	    state == KTAPI_CALLSTATE_OFFERING ||
	    c->state == KTAPI_CALLSTATE_IDLE ||
	    (c->state == KTAPI_CALLSTATE_DISCONNECTED &&
	     state != KTAPI_CALLSTATE_IDLE))
		return -EINVAL;
	ktapi_leg_set_state(c, state, mode);
	return 0;
}

int ktapi_provider_ioctl_callstate(struct ktapi_ucmd *ucmd)
{
	struct ktapi_provider_callstate *cs = ucmd->arg;
	struct ktapi_provider *prov = ucmd->prov;
	struct ktapi_leg *c;
	int ret;

	if (cs->reserved)
		return -EINVAL;
	if (!ktapi_registered(prov))
		return -EBADFD;
	if (!ktapi_callstate_valid(cs->state, cs->state_mode))
		return -EINVAL;

	/*
	 * Legs are freed at once after they are unmapped (typesafe): the
	 * one found may be another call's by the time its lock is held.  A
	 * provider's leg's lock is its own pair_lock in every life (call.c),
	 * and it is unmapped under it (ktapi_pleg_close_locked()), so the
	 * leg is still the call id's if prov->legs still maps it there.
	 */
	rcu_read_lock();
	c = xa_load(&prov->legs, cs->call_id);
	if (!c) {
		rcu_read_unlock();
		return -ENOENT;
	}
	spin_lock(&c->pair_lock);
	if (c->lock != &c->pair_lock ||
	    xa_load(&prov->legs, cs->call_id) != c ||
	    c->call_id != cs->call_id || ktapi_pleg(c)->closed)
		ret = -ENOENT;
	else
		ret = ktapi_callstate_locked(c, cs->state, cs->state_mode);
	spin_unlock(&c->pair_lock);
	rcu_read_unlock();
	return ret;
}

/*
 * Build the record of @m, which read() takes now.  A MAKECALL's leg is
 * told from now on (a request ending meanwhile queues its CLOSECALL);
 * *@told is its CLOSECALL record then, for ktapi_pmsg_unread_locked() to
 * take back if the copy fails.  Under prov->lock.
 */
static void ktapi_pmsg_record_locked(struct ktapi_provider *prov,
				     struct ktapi_pmsg *m,
				     struct ktapi_provider_request *rec,
				     struct ktapi_pclose **told)
{
	struct ktapi_preq *req;
	struct ktapi_pclose *pc;

	lockdep_assert_held(&prov->lock);
	*told = NULL;
	if (m->kind == KTAPI_PMSG_REQUEST) {
		req = ktapi_preq_of(m);
		*rec = req->rec;
		req->state = KTAPI_PREQ_READ;
		list_move_tail(&m->node, &prov->pending);
		if (req->rec.type == KTAPI_PREQ_MAKECALL) {
			*told = ktapi_pleg(req->leg)->close;
			(*told)->told = true;
		}
		return;
	}
	memset(rec, 0, sizeof(*rec));
	if (m->kind == KTAPI_PMSG_DROP) {
		/* request_id 0: a notice, no REPLY; state 0. */
		pc = ktapi_pdrop_of(m);
		rec->type = KTAPI_PREQ_DROP;
	} else {
		pc = ktapi_pclose_of(m);
		rec->type = KTAPI_PREQ_CLOSECALL;
		rec->state = pc->state;
	}
	rec->device_id = pc->device_id;
	rec->call_id = pc->call_id;
	list_del_init(&m->node);
}

/*
 * A record that could not be copied goes back to the head of the queue: a
 * CLOSECALL or DROP notice (@notice) as it was (a notice is put back
 * before its leg's CLOSECALL, which can only be behind it), a request
 * (@id) if it has not ended meanwhile.
 * A MAKECALL's leg (@told, from ktapi_pmsg_record_locked()) is not told
 * any more: if the request ended meanwhile and queued its CLOSECALL, that
 * record is taken off the queue and returned, for the caller to free
 * (ktapi_pclose_free()) without the lock.  @told is still alive here:
 * while told, only the reader (the caller, under read_mutex) frees it.
 * Under prov->lock.
 */
static struct ktapi_pclose *
ktapi_pmsg_unread_locked(struct ktapi_provider *prov,
			 struct ktapi_pmsg *notice, u64 id,
			 struct ktapi_pclose *told)
{
	struct ktapi_preq *req;
	struct ktapi_pmsg *m;

	lockdep_assert_held(&prov->lock);
	if (notice) {
		list_add(&notice->node, &prov->queue);
		return NULL;
	}
	if (told) {
		/* Not seen: no CLOSECALL for a call id never received. */
		told->told = false;
		if (!list_empty(&told->msg.node)) {
			list_del_init(&told->msg.node);
			return told;
		}
	}
	list_for_each_entry(m, &prov->pending, node) {
		req = ktapi_preq_of(m);
		if (req->rec.request_id == id) {
			req->state = KTAPI_PREQ_QUEUED;
			list_move(&m->node, &prov->queue);
			break;
		}
	}
	return NULL;
}

static ssize_t ktapi_provider_read(struct file *filp, char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct ktapi_provider *prov = filp->private_data;
	const size_t sz = sizeof(struct ktapi_provider_request);
	struct ktapi_provider_request rec;
	size_t max = count / sz, done = 0;
	struct ktapi_pmsg *m, *notice;
	struct ktapi_pclose *told;
	int ret = 0;

	if (!ktapi_registered(prov))
		return -EBADFD;
	if (!max)
		return -EINVAL;
	ret = mutex_lock_interruptible(&prov->read_mutex);
	if (ret)
		return ret;
	while (done < max) {
		spin_lock(&prov->lock);
		m = list_first_entry_or_null(&prov->queue, struct ktapi_pmsg,
					     node);
		if (!m) {
			spin_unlock(&prov->lock);
			if (done)
				break;
			if (filp->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			mutex_unlock(&prov->read_mutex);
			ret = wait_event_interruptible(prov->wait,
						       !list_empty_careful(&prov->queue));
			if (ret)
				return ret;
			ret = mutex_lock_interruptible(&prov->read_mutex);
			if (ret)
				return ret;
			continue;
		}
		notice = m->kind != KTAPI_PMSG_REQUEST ? m : NULL;
		ktapi_pmsg_record_locked(prov, m, &rec, &told);
		spin_unlock(&prov->lock);

		if (copy_to_user(buf + done * sz, &rec, sz)) {
			spin_lock(&prov->lock);
			told = ktapi_pmsg_unread_locked(prov, notice,
							rec.request_id, told);
			spin_unlock(&prov->lock);
			if (told)
				ktapi_pclose_free(told);
			ret = -EFAULT;
			break;
		}
		/* A DROP notice lives in its CLOSECALL's struct: not freed. */
		if (notice && notice->kind == KTAPI_PMSG_CLOSECALL)
			ktapi_pclose_free(ktapi_pclose_of(notice));
		done++;
	}
	mutex_unlock(&prov->read_mutex);
	return done ? done * sz : ret;
}

static __poll_t ktapi_provider_poll(struct file *filp,
				    struct poll_table_struct *wait)
{
	struct ktapi_provider *prov = filp->private_data;

	poll_wait(filp, &prov->wait, wait);
	/* Pairs with wq_has_sleeper() in ktapi_wake(). */
	smp_mb();
	if (!ktapi_registered(prov))
		return EPOLLERR;
	if (!list_empty_careful(&prov->queue))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static int ktapi_provider_open(struct inode *inode, struct file *filp)
{
	struct ktapi_provider *prov;

	prov = kzalloc(sizeof(*prov), GFP_KERNEL_ACCOUNT);
	if (!prov)
		return -ENOMEM;
	spin_lock_init(&prov->lock);
	init_waitqueue_head(&prov->wait);
	mutex_init(&prov->read_mutex);
	mutex_init(&prov->lines_mutex);
	refcount_set(&prov->ref, 1);
	INIT_LIST_HEAD(&prov->queue);
	INIT_LIST_HEAD(&prov->pending);
	INIT_LIST_HEAD(&prov->async);
	INIT_DELAYED_WORK(&prov->expire, ktapi_expire_work);
	xa_init_flags(&prov->legs, XA_FLAGS_ACCOUNT);
	/* What is made for this provider is charged here. */
	prov->memcg = get_mem_cgroup_from_mm(current->mm);
	filp->private_data = prov;
	return stream_open(inode, filp);
}

/*
 * The provider's death: every outstanding request ends with ECONNABORTED,
 * the unread CLOSECALLs go, then its devices are removed.
 */
static int ktapi_provider_release(struct inode *inode, struct file *filp)
{
	struct ktapi_provider *prov = filp->private_data;
	struct list_head *lists[] = { &prov->queue, &prov->pending };
	struct ktapi_pmsg *m, *tmp;
	LIST_HEAD(ended);
	unsigned int i;

	spin_lock(&prov->lock);
	prov->dead = true;
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		list_for_each_entry_safe(m, tmp, lists[i], node) {
			if (m->kind == KTAPI_PMSG_REQUEST) {
				ktapi_preq_take_locked(prov, ktapi_preq_of(m));
			} else {
				list_del_init(&m->node);
				/*
				 * A DROP notice is part of its leg's CLOSECALL
				 * record, which the leg frees (it finds the
				 * provider dead) or is queued: drop it here.
				 */
				if (m->kind == KTAPI_PMSG_DROP)
					continue;
			}
			list_add_tail(&m->node, &ended);
		}
	}
	spin_unlock(&prov->lock);
	cancel_delayed_work_sync(&prov->expire);

	list_for_each_entry_safe(m, tmp, &ended, node) {
		list_del_init(&m->node);
		if (m->kind == KTAPI_PMSG_REQUEST)
			ktapi_preq_finish(ktapi_preq_of(m), -ECONNABORTED);
		else
			ktapi_pclose_free(ktapi_pclose_of(m));
	}

	mutex_lock(&prov->lines_mutex);
	while (prov->nr_lines)
		ktapi_line_dev_remove(prov->lines[--prov->nr_lines]);
	mutex_unlock(&prov->lines_mutex);
	ktapi_provider_put(prov);
	return 0;
}

const struct file_operations ktapi_provider_fops = {
	.owner = THIS_MODULE,
	.open = ktapi_provider_open,
	.release = ktapi_provider_release,
	.read = ktapi_provider_read,
	.poll = ktapi_provider_poll,
	.unlocked_ioctl = ktapi_provider_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
