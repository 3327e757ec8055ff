// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the loopback switch.  MAKE_CALL routes a call to the line device
 * that owns the dialled address, ANSWER and DROP move legs between states.
 *
 * Locking (internal.h has the order): there is no switch-wide lock.
 * MAKE_CALL reserves everything the call needs (its legs, the caller's
 * handle, the owner's and every monitor's handle) while walking the lists
 * of open files under ktapi_srcu only, each allocation charged to the file
 * that will hold it.  It then publishes all of it under the new call's pair
 * lock, taking each receiving file's queue lock in turn: a file whose line
 * was closed meanwhile just gets nothing.  ANSWER and DROP take the pair
 * lock of the handle's call.  No lock is held while copying to or from
 * userspace.
 */
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "trace.h"

/*
 * A call being set up: everything MAKE_CALL may need, allocated before any
 * of it becomes visible, so a failure leaves nothing behind.
 */
struct ktapi_setup {
	struct ktapi_file *f;		/* the caller */
	struct ktapi_leg *out;		/* the caller's OUTBOUND leg */
	struct ktapi_handle *caller;	/* its OWNER handle, &out->own */
	struct list_head out_monitors;	/* MONITOR handles to @out */
	struct ktapi_callee cs;		/* the called device's side */
	struct ktapi_leg *in;		/* the INTERNAL leg, or NULL */
	struct list_head unused;	/* reserved, not published: closed */
	/* KTAPI_REQ_ASYNC: the REPLY, queued by the commit; else NULL */
	struct ktapi_reply *reply;
};

void ktapi_unreserve_list(struct list_head *list)
{
	struct ktapi_handle *h, *tmp;

	list_for_each_entry_safe(h, tmp, list, call_node) {
		list_del(&h->call_node);
		ktapi_handle_unreserve(h);
	}
}

/*
 * Reserve a MONITOR handle in every MONITOR file of @line except @skip.
 * Only the device's MONITOR files are walked, with cond_resched() between
 * them (an SRCU read section may sleep).  A monitor whose handle space or
 * memory cgroup is full is skipped: it misses the call, and the caller
 * (whose memory cgroup is @caller) pays nothing for it; @call_id is for
 * the trace event.  Under ktapi_srcu.
 */
int ktapi_reserve_monitors(struct ktapi_line_dev *line,
			   struct ktapi_file *skip, struct mem_cgroup *caller,
			   u32 call_id, struct list_head *list)
{
	struct ktapi_handle *h;
	struct ktapi_file *m;

	list_for_each_entry_srcu(m, &line->monitors, monitor_node,
				 srcu_read_lock_held(&ktapi_srcu)) {
		cond_resched();
		if (m == skip || READ_ONCE(m->state) != KTAPI_FILE_OPEN)
			continue;
		h = ktapi_handle_reserve(m, caller, false);
		if (IS_ERR(h)) {
			if (PTR_ERR(h) == -ENOSPC)
				continue;
			/* Another cgroup is full: that monitor only. */
			if (PTR_ERR(h) == -ENOMEM && m->memcg != caller) {
				trace_ktapi_monitor_skipped(line->id, call_id);
				continue;
			}
			return PTR_ERR(h);
		}
		list_add_tail(&h->call_node, list);
	}
	return 0;
}

/**
 * ktapi_callee_reserve - the handles of an incoming leg on cs->dest
 * @cs: the callee's side; dest set, the rest empty
 * @caller: the memory cgroup of who calls: it pays for the owner's handle
 *	when the owner's own cgroup is full
 * @call_id: the call, for the trace event of a skipped monitor
 *
 * The file that has held the device open with OWNER privilege the longest
 * gets the OWNER handle, every other MONITOR file a MONITOR handle (those
 * whose handle space or cgroup is full miss the call).  With no owner, or
 * an owner whose handle space is full, cs->owner stays NULL and
 * cs->result_mode says why (UNAVAIL, BUSY).  Used by the loopback switch
 * (INTERNAL legs) and by NEWCALL (INBOUND legs).  Under ktapi_srcu.
 *
 * Return: 0, or -ENOMEM (then ktapi_callee_unreserve() what was made).
 */
int ktapi_callee_reserve(struct ktapi_callee *cs, struct mem_cgroup *caller,
			 u32 call_id)
{
	int ret;

	cs->owner_file = ktapi_line_owner(cs->dest);
	if (!cs->owner_file) {
		cs->result_mode = KTAPI_DISCONNECTMODE_UNAVAIL;
		return 0;
	}
	cs->owner = ktapi_handle_reserve(cs->owner_file, caller, true);
	if (IS_ERR(cs->owner)) {
		ret = PTR_ERR(cs->owner);
		cs->owner = NULL;
		if (ret != -ENOSPC)
			return ret;
		cs->result_mode = KTAPI_DISCONNECTMODE_BUSY;
		return 0;
	}
	return ktapi_reserve_monitors(cs->dest, cs->owner_file, caller,
				      call_id, &cs->monitors);
}

/* Give back what ktapi_callee_reserve() reserved and was not published. */
void ktapi_callee_unreserve(struct ktapi_callee *cs)
{
	ktapi_unreserve_list(&cs->monitors);
	if (cs->owner)
		ktapi_handle_unreserve(cs->owner);
	cs->owner = NULL;
}

/**
 * ktapi_callee_publish_owner - give the incoming leg to its owner
 * @cs: the callee's side, with an owner
 * @in: the incoming leg, in its first state, under its pair lock
 * @now: the time of the APPNEWCALL
 *
 * Return: false when the owner closed its line meanwhile: nothing was
 * published, and cs is as it was.  Then the caller may choose again.
 */
bool ktapi_callee_publish_owner(struct ktapi_callee *cs, struct ktapi_leg *in,
				u64 now)
{
	lockdep_assert_held(in->lock);
	return ktapi_handle_publish(cs->owner, in, KTAPI_PRIVILEGE_OWNER, true,
				    now);
}

/*
 * Route the call and allocate the callee's side: its owner's handle, its
 * monitors' handles and its leg.  Under ktapi_srcu.
 */
static int ktapi_setup_callee(struct ktapi_setup *s, const char *address)
{
	struct ktapi_file *owner_file, *f = s->f;
	int ret;

	s->cs.dest = ktapi_line_by_address(address);
	if (!s->cs.dest) {
		s->cs.result_mode = KTAPI_DISCONNECTMODE_BADADDRESS;
		return 0;
	}
	ret = ktapi_callee_reserve(&s->cs, f->memcg, s->out->call_id);
	if (ret || !s->cs.owner)
		return ret;
	owner_file = s->cs.owner_file;
	/* The incoming leg is charged to its owner (or the caller, if full). */
	if (owner_file->memcg == f->memcg)
		s->in = ktapi_leg_alloc(f->memcg, GFP_KERNEL_ACCOUNT, s->cs.dest,
					f->line, address,
					KTAPI_CALLORIGIN_INTERNAL);
	else
		s->in = ktapi_leg_alloc(owner_file->memcg, GFP_KERNEL_ACCOUNT |
					 __GFP_NORETRY | __GFP_NOWARN,
					 s->cs.dest, f->line, address,
					 KTAPI_CALLORIGIN_INTERNAL) ?:
			ktapi_leg_alloc(f->memcg, GFP_KERNEL_ACCOUNT, s->cs.dest,
					f->line, address,
					KTAPI_CALLORIGIN_INTERNAL);
	if (!s->in)
		return -ENOMEM;
	return 0;
}

/* Give back the callee's side of a setup; nothing of it was published. */
static void ktapi_setup_drop_callee(struct ktapi_setup *s)
{
	ktapi_callee_unreserve(&s->cs);
	if (s->in)
		ktapi_leg_free(s->in);
	s->in = NULL;
}

/* Undo everything of a setup that failed; nothing of it was published. */
static void ktapi_setup_abort(struct ktapi_setup *s)
{
	ktapi_setup_drop_callee(s);
	ktapi_unreserve_list(&s->out_monitors);
	ktapi_handle_unreserve(s->caller);
	ktapi_leg_free(s->out);
}

/*
 * Give each reserved monitor handle of @list its leg @c (under its pair
 * lock) and announce it; a handle of a file closed meanwhile goes to
 * @unused, to be unreserved after the pair lock.
 */
void ktapi_publish_monitors(struct list_head *list, struct ktapi_leg *c,
			    struct list_head *unused, u64 now)
{
	struct ktapi_handle *h, *tmp;

	lockdep_assert_held(c->lock);
	list_for_each_entry_safe(h, tmp, list, call_node) {
		list_del(&h->call_node);
		if (!ktapi_handle_publish(h, c, KTAPI_PRIVILEGE_MONITOR, true,
					  now))
			list_add_tail(&h->call_node, unused);
	}
}

/*
 * KTAPI_OWNER_TRIES (internal.h): how often MAKE_CALL (and NEWCALL)
 * chooses the callee's owner again when the chosen one closed its line
 * during the setup; then the call is UNAVAIL.
 */

/*
 * Publish a complete setup and play the call, under the new pair lock.
 * Fails only when the caller's own line was closed meanwhile (-EBADFD), or
 * when the chosen owner closed its line and @retry (-EAGAIN), both before
 * anything was announced: the caller's handle, published first and
 * without a record, is unpublished again.
 */
static int ktapi_setup_commit(struct ktapi_setup *s, bool retry)
{
	struct ktapi_leg *out = s->out, *in = s->in;
	u64 now = ktime_get_ns();

	lockdep_assert_held(out->lock);
	if (!ktapi_handle_publish(s->caller, out, KTAPI_PRIVILEGE_OWNER, false,
				  now))
		return -EBADFD;

	if (in) {
		/* Set before publishing: these fields never change after. */
		in->lock = out->lock;
		in->related_call_id = out->call_id;
		ktapi_leg_init_state(in, KTAPI_CALLSTATE_OFFERING, now);
		if (!ktapi_callee_publish_owner(&s->cs, in, now)) {
			if (retry) {
				ktapi_handle_unpublish(s->caller);
				return -EAGAIN;
			}
			/* Owners kept closing: as if there were none. */
			s->cs.result_mode = KTAPI_DISCONNECTMODE_UNAVAIL;
			list_splice_tail_init(&s->cs.monitors, &s->unused);
			list_add_tail(&s->cs.owner->call_node, &s->unused);
			s->cs.owner = NULL;
			in = NULL;
		}
	}
	if (s->reply) {
		/* The first record of the caller's handle (async). */
		spin_lock(&s->f->evq.lock);
		ktapi_reply_queue_locked(s->f, s->reply, s->caller->id,
					 out->call_id, 0, now);
		spin_unlock(&s->f->evq.lock);
		s->reply = NULL;
		ktapi_evq_wake(&s->f->evq);
	}
	ktapi_publish_monitors(&s->out_monitors, out, &s->unused, now);
	ktapi_leg_notify(out, now);
	if (!in) {
		ktapi_leg_set_state_at(out, KTAPI_CALLSTATE_DISCONNECTED,
				       s->cs.result_mode, now);
		return 0;
	}

	/* The call is certain now: the owner holds the incoming leg. */
	WRITE_ONCE(out->related_call_id, in->call_id);
	s->in = NULL;		/* published: no longer the setup's */
	s->cs.owner = NULL;
	out->peer = in;
	in->peer = out;
	out->pair_legs = 2;
	ktapi_publish_monitors(&s->cs.monitors, in, &s->unused, now);
	ktapi_leg_notify(in, now);
	ktapi_leg_set_state_at(out, KTAPI_CALLSTATE_RINGBACK, 0, now);
	return 0;
}

/*
 * MAKE_CALL.  The caller's handle is reserved and the struct written back
 * (ktapi_ucmd_respond(): its command row is KTAPI_OUT_HANDLER) before
 * anything else is touched, so a fault there leaves nothing made; the call
 * is published only once every handle it needs in every file is reserved.
 * An owner that closes its line during the setup is passed over: the owner
 * is chosen again, up to KTAPI_OWNER_TRIES times.
 *
 * With KTAPI_REQ_ASYNC the REPLY record is allocated first (its request id
 * is written back with the handle), and the commit queues it, result 0,
 * before the call's first CALLSTATE.  On the loopback switch the whole
 * request is done here, so every error is the ioctl's, with no REPLY.
 */
int ktapi_ioctl_make_call(struct ktapi_ucmd *ucmd)
{
	struct ktapi_make_call *mc = ucmd->arg;
	struct ktapi_file *f = ucmd->file;
	struct ktapi_setup s = {
		.f = f,
		.out_monitors = LIST_HEAD_INIT(s.out_monitors),
		.cs.monitors = LIST_HEAD_INIT(s.cs.monitors),
		.unused = LIST_HEAD_INIT(s.unused),
	};
	/* Every byte copied from @mc before use: not zeroed (INIT_STACK). */
	char address[KTAPI_ADDRESS_MAX] __uninitialized;
	struct ktapi_line_dev *line;
	unsigned int tries = 0;
	int ret, idx;

	if (mc->reserved)
		return -EINVAL;
	/* Pairs with the release in LINE_OPEN: f->line is set. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;
	memcpy(address, mc->dest_address, sizeof(address));
	if (!ktapi_address_valid(address))
		return -EINVAL;
	/* A provider's device: a request to the provider (provider.c). */
	if (unlikely(ktapi_line_is_provider(f->line)))
		return ktapi_provider_make_call(ucmd);
	if (unlikely(mc->flags & KTAPI_REQ_ASYNC)) {
		s.reply = ktapi_reply_alloc(f);
		if (IS_ERR(s.reply))
			return PTR_ERR(s.reply);
	}

	/* f->line was set before state became OPEN and never changes. */
	line = f->line;
	s.out = ktapi_leg_alloc(f->memcg, GFP_KERNEL_ACCOUNT, line, line, address,
				KTAPI_CALLORIGIN_OUTBOUND);
	if (!s.out) {
		ret = -ENOMEM;
		goto out_reply;
	}
	ktapi_leg_init_app_name(s.out, f);
	s.caller = &s.out->own;
	ret = ktapi_handle_reserve_id(s.caller, f);
	if (ret) {
		ktapi_leg_free(s.out);
		goto out_reply;
	}

	mc->handle = s.caller->id;
	mc->call_id = s.out->call_id;
	mc->request_id = s.reply ? s.reply->request_id : 0;
	if (ktapi_ucmd_respond(ucmd, sizeof(*mc))) {
		ktapi_handle_unreserve(s.caller);
		ktapi_leg_free(s.out);
		ret = -EFAULT;
		goto out_reply;
	}

	/* Files found in the lists stay in memory until srcu_read_unlock(). */
	idx = srcu_read_lock(&ktapi_srcu);
	if (READ_ONCE(f->state) != KTAPI_FILE_OPEN)
		ret = -EBADFD;
	else
		ret = ktapi_reserve_monitors(line, f, f->memcg, s.out->call_id,
					     &s.out_monitors);
	/* Once: a caller's handle published by a try shows this state. */
	ktapi_leg_init_state(s.out, KTAPI_CALLSTATE_DIALING, ktime_get_ns());
	while (!ret) {
		ret = ktapi_setup_callee(&s, address);
		if (ret)
			break;
		spin_lock(s.out->lock);
		ret = ktapi_setup_commit(&s, ++tries < KTAPI_OWNER_TRIES);
		spin_unlock(s.out->lock);
		if (ret != -EAGAIN)
			break;
		/* The chosen owner closed its line: choose again. */
		ktapi_setup_drop_callee(&s);
		ret = 0;
	}
	if (ret)
		ktapi_setup_abort(&s);
	else if (s.in)
		ktapi_leg_free(s.in);	/* owners kept closing */
	/* Reservations in files closed meanwhile go before their free. */
	ktapi_unreserve_list(&s.unused);
	srcu_read_unlock(&ktapi_srcu, idx);
out_reply:
	/* Not queued: the request failed, with the ioctl's errno. */
	if (unlikely(s.reply))
		ktapi_reply_free(f, s.reply);
	return ret;
}

/**
 * ktapi_make_call_fast - MAKE_CALL without the dispatcher
 * @f: the file
 * @umc: the user's struct
 *
 * The common request (the kernel's size or KTAPI_MAKE_CALL_SIZE_VER0, no
 * flags) is read with unsafe_get_user() into the kernel's struct as the
 * dispatcher's copy would leave it (the fields past a VER0 size zero; the
 * out fields, which the handler writes before they are copied back, zero
 * too), and handed to ktapi_ioctl_make_call() as the dispatcher would.
 * Anything else, and a provider's device (whose request may fail with
 * EAGAIN), is left, with nothing done, to the full path.
 *
 * Return: the command's result, or -EAGAIN for "use the full path" (on
 * the loopback switch a synchronous MAKE_CALL never fails with EAGAIN).
 */
int ktapi_make_call_fast(struct ktapi_file *f,
			 struct ktapi_make_call __user *umc)
{
	/* Aligned for the address's 8-byte words. */
	struct ktapi_make_call mc __uninitialized __aligned(8);
	struct ktapi_ucmd ucmd = {
		.file = f,
		.cmd = KTAPI_IOC_MAKE_CALL,
		.ubuffer = umc,
		.arg = &mc,
	};
	u64 *addr = (u64 *)mc.dest_address;
	u64 __user *uaddr = (u64 __user *)umc->dest_address;

	static_assert(sizeof(mc.dest_address) == 8 * sizeof(u64));
	static_assert(offsetof(struct ktapi_make_call, dest_address) % 8 == 0);
	/* Pairs with the release in LINE_OPEN: f->line is set. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN ||
	    ktapi_line_is_provider(f->line))
		return -EAGAIN;
	if (!user_read_access_begin(umc, sizeof(*umc)))
		return -EAGAIN;
	/* The size first: nothing past a smaller struct is read. */
	unsafe_get_user(mc.size, &umc->size, fault);
	if (mc.size != sizeof(mc) && mc.size != KTAPI_MAKE_CALL_SIZE_VER0)
		goto fault;
	unsafe_get_user(mc.flags, &umc->flags, fault);
	unsafe_get_user(addr[0], uaddr + 0, fault);
	unsafe_get_user(addr[1], uaddr + 1, fault);
	unsafe_get_user(addr[2], uaddr + 2, fault);
	unsafe_get_user(addr[3], uaddr + 3, fault);
	unsafe_get_user(addr[4], uaddr + 4, fault);
	unsafe_get_user(addr[5], uaddr + 5, fault);
	unsafe_get_user(addr[6], uaddr + 6, fault);
	unsafe_get_user(addr[7], uaddr + 7, fault);
	/*
	 * The last word of the user's struct too (ignored on input): as
	 * the dispatcher's copy, a struct that ends in an unmapped page is
	 * EFAULT (the full path's) before anything is made.
	 */
	unsafe_get_user(mc.call_id, &umc->call_id, fault);
	mc.reserved = 0;
	if (mc.size == sizeof(mc))
		unsafe_get_user(mc.reserved, &umc->reserved, fault);
	user_read_access_end();
	if (mc.flags)
		return -EAGAIN;
	mc.handle = 0;
	mc.call_id = 0;
	mc.request_id = 0;
	ucmd.user_size = mc.size;
	return ktapi_ioctl_make_call(&ucmd);

fault:
	user_read_access_end();
	return -EAGAIN;
}

/* ANSWER of an OWNER handle's leg, under its pair lock. */
int ktapi_answer_locked(struct ktapi_leg *c)
{
	lockdep_assert_held(c->lock);
	if (c->state != KTAPI_CALLSTATE_OFFERING)
		return -EBUSY;
	ktapi_leg_set_state(c, KTAPI_CALLSTATE_CONNECTED, 0);
	if (c->peer && c->peer->state == KTAPI_CALLSTATE_RINGBACK)
		ktapi_leg_set_state(c->peer, KTAPI_CALLSTATE_CONNECTED, 0);
	return 0;
}

/*
 * ANSWER on OWNER handle @h, under its pair lock: the first one to
 * succeed names the leg (appname.c).
 */
static int ktapi_answer_handle_locked(struct ktapi_handle *h)
{
	int ret = ktapi_answer_locked(h->leg);

	if (!ret)
		ktapi_leg_take_app_name(h->leg, h->file);
	return ret;
}

/* DROP of an OWNER handle's leg, under its pair lock. */
int ktapi_drop_locked(struct ktapi_leg *c)
{
	lockdep_assert_held(c->lock);
	if (c->state == KTAPI_CALLSTATE_IDLE)
		return -EBUSY;
	ktapi_leg_drop(c);
	return 0;
}

/*
 * The checks of ANSWER and DROP before a request starts, for the async
 * loopback path and a provider's device: a live handle (ENOENT), OWNER
 * (EACCES), ANSWER on OFFERING, DROP on a leg not IDLE (EBUSY).  Under
 * the handle's pair lock.
 */
int ktapi_call_op_check_locked(const struct ktapi_handle *h, bool answer)
{
	const struct ktapi_leg *c = h->leg;

	lockdep_assert_held(c->lock);
	if (h->dead)
		return -ENOENT;
	if (h->privilege != KTAPI_PRIVILEGE_OWNER)
		return -EACCES;
	if (answer ? c->state != KTAPI_CALLSTATE_OFFERING :
		     c->state == KTAPI_CALLSTATE_IDLE)
		return -EBUSY;
	return 0;
}

/* ktapi_call_op_async()'s request, for ktapi_call_op_async_locked(). */
struct ktapi_async_op {
	struct ktapi_reply *r;		/* NULL once queued */
	bool answer;
};

static int ktapi_call_op_async_locked(struct ktapi_handle *h, void *arg)
{
	struct ktapi_async_op *a = arg;
	struct ktapi_file *f = h->file;
	struct ktapi_leg *c = h->leg;
	int ret;

	ret = ktapi_call_op_check_locked(h, a->answer);
	if (ret)
		return ret;
	spin_lock(&f->evq.lock);
	ktapi_reply_queue_locked(f, a->r, h->id, c->call_id, 0,
				 ktime_get_ns());
	spin_unlock(&f->evq.lock);
	a->r = NULL;
	ret = a->answer ? ktapi_answer_handle_locked(h) : ktapi_drop_locked(c);
	WARN_ON_ONCE(ret);
	return ret;
}

/*
 * ANSWER or DROP with KTAPI_REQ_ASYNC.  The REPLY is allocated and its
 * request id written back before anything is looked at, so a fault leaves
 * nothing done; the checks of the synchronous request follow (their errors
 * are the ioctl's, and the REPLY goes unused), then the REPLY is queued,
 * result 0, and the request done, under the pair lock: the REPLY comes
 * before the CALLSTATE records the request causes.
 */
static int ktapi_call_op_async(struct ktapi_ucmd *ucmd)
{
	struct ktapi_call_op *op = ucmd->arg;
	struct ktapi_file *f = ucmd->file;
	struct ktapi_async_op a = {
		.answer = ucmd->cmd == KTAPI_IOC_ANSWER,
	};
	int ret;

	a.r = ktapi_reply_alloc(f);
	if (IS_ERR(a.r))
		return PTR_ERR(a.r);
	op->request_id = a.r->request_id;
	if (ktapi_ucmd_respond(ucmd, sizeof(*op))) {
		ktapi_reply_free(f, a.r);
		return -EFAULT;
	}

	ret = ktapi_handle_call_locked(f, op->handle,
				       ktapi_call_op_async_locked, &a);
	if (a.r)
		ktapi_reply_free(f, a.r);
	else
		ktapi_evq_wake(&f->evq);
	return ret;
}

/* ktapi_ioctl_call_op()'s request, for ktapi_call_op_locked(). */
struct ktapi_sync_op {
	unsigned int cmd;
	struct ktapi_reap reap;
};

static int ktapi_call_op_locked(struct ktapi_handle *h, void *arg)
{
	struct ktapi_sync_op *o = arg;

	if (o->cmd == KTAPI_IOC_DEALLOCATE_CALL)
		return ktapi_deallocate_locked(h->file, h, &o->reap);
	if (h->privilege != KTAPI_PRIVILEGE_OWNER)
		return -EACCES;
	if (o->cmd == KTAPI_IOC_ANSWER)
		return ktapi_answer_handle_locked(h);
	return ktapi_drop_locked(h->leg);
}

/**
 * ktapi_ioctl_call_op - ANSWER, DROP or DEALLOCATE_CALL
 * @ucmd: the command, its argument a struct ktapi_call_op
 *
 * The handle is looked up under RCU and its call's pair lock is taken;
 * nothing else is.  A handle removed meanwhile (dead) is ENOENT.
 */
int ktapi_ioctl_call_op(struct ktapi_ucmd *ucmd)
{
	struct ktapi_call_op *op = ucmd->arg;
	struct ktapi_file *f = ucmd->file;
	unsigned int cmd = ucmd->cmd;
	struct ktapi_sync_op o = { .cmd = cmd, .reap.n = 0 };
	int ret;

	if (op->reserved || op->reserved2)
		return -EINVAL;
	if (READ_ONCE(f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;
	if (!op->handle)
		return -ENOENT;
	/* On a provider's device ANSWER and DROP are requests (provider.c). */
	if (unlikely(ktapi_line_is_provider(f->line)) && cmd != KTAPI_IOC_DEALLOCATE_CALL)
		return ktapi_provider_call_op(ucmd);
	/* Only ANSWER's and DROP's rows take it (KTAPI_OUT_HANDLER). */
	if (unlikely(op->flags & KTAPI_REQ_ASYNC))
		return ktapi_call_op_async(ucmd);

	ret = ktapi_handle_call_locked(f, op->handle, ktapi_call_op_locked, &o);
	/* The legs whose last handle went, after their pair lock. */
	ktapi_reap(&o.reap);
	return ret;
}

/**
 * ktapi_deallocate_fast - DEALLOCATE_CALL without the dispatcher's copy
 * @f: the file
 * @uop: the user's struct
 *
 * The common case, as ktapi_call_info_fast() takes GET_CALL_INFO's: the
 * kernel's size or the first published one (KTAPI_CALL_OP_SIZE_VER0),
 * no flags, zero reserved fields, an open line and a handle id not 0,
 * read with unsafe_get_user() (DEALLOCATE_CALL writes nothing back).
 * Anything else is left, with nothing done, to the full path of the
 * dispatcher (ktapi_ioctl_call_op()), which checks everything in the
 * documented order; what this one returns is what that would return.
 *
 * Return: the command's result, or -EAGAIN for "use the full path"
 * (DEALLOCATE_CALL itself never fails with EAGAIN).
 */
int ktapi_deallocate_fast(struct ktapi_file *f,
			  struct ktapi_call_op __user *uop)
{
	struct ktapi_sync_op o = {
		.cmd = KTAPI_IOC_DEALLOCATE_CALL,
		.reap.n = 0,
	};
	u32 size, flags, handle, reserved, reserved2 = 0;
	int ret;

	if (!user_read_access_begin(uop, sizeof(*uop)))
		return -EAGAIN;
	/* The size first: nothing past a smaller struct is read. */
	unsafe_get_user(size, &uop->size, fault);
	if (size != sizeof(*uop) && size != KTAPI_CALL_OP_SIZE_VER0)
		goto fault;
	unsafe_get_user(flags, &uop->flags, fault);
	unsafe_get_user(handle, &uop->handle, fault);
	unsafe_get_user(reserved, &uop->reserved, fault);
	if (size == sizeof(*uop))
		unsafe_get_user(reserved2, &uop->reserved2, fault);
	user_read_access_end();
	if (flags || reserved || reserved2 || !handle)
		return -EAGAIN;
	if (READ_ONCE(f->state) != KTAPI_FILE_OPEN)
		return -EAGAIN;

	ret = ktapi_handle_call_locked(f, handle, ktapi_call_op_locked, &o);
	ktapi_reap(&o.reap);
	return ret;

fault:
	user_read_access_end();
	return -EAGAIN;
}
