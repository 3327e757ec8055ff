// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the loopback switch.  MAKE_CALL routes a call to the line device
 * that owns the dialled address, ANSWER and DROP move legs between states.
 *
 * Locking: ktapi_switch_lock (a mutex) serialises every change to the
 * switch: call states, the holders of each leg, peer links, publishing and
 * deleting handles, the list of open lines of each device and each file's
 * line state.  Serialising them gives every file its events in the order
 * the switch made them.  It is the outermost lock (see internal.h); it may be
 * held while allocating with GFP_KERNEL_ACCOUNT, never while copying to or
 * from userspace, so a faulting user buffer cannot stall the switch.
 * Lookups that change nothing (GET_CALL_INFO, GET_DEVCAPS, read, poll) do
 * not take it.
 */
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"

/* The switch lock: see the comment at the top of this file. */
DEFINE_MUTEX(ktapi_switch_lock);

/**
 * ktapi_leg_drop - move a non-IDLE leg to IDLE, disconnecting its peer
 * @c: the leg
 *
 * The peer, if not IDLE, becomes DISCONNECTED: REJECT when an OFFERING leg
 * was dropped, else NORMAL.
 */
void ktapi_leg_drop(struct ktapi_call *c)
{
	u32 old = c->state;
	struct ktapi_call *peer = c->peer;
	u64 now = ktime_get_ns();

	lockdep_assert_held(&ktapi_switch_lock);
	ktapi_call_set_state_at(c, KTAPI_CALLSTATE_IDLE, 0, now);
	if (peer && peer->state != KTAPI_CALLSTATE_IDLE &&
	    peer->state != KTAPI_CALLSTATE_DISCONNECTED)
		ktapi_call_set_state_at(peer, KTAPI_CALLSTATE_DISCONNECTED,
					old == KTAPI_CALLSTATE_OFFERING ?
					KTAPI_DISCONNECTMODE_REJECT :
					KTAPI_DISCONNECTMODE_NORMAL, now);
}

/*
 * A call being set up: everything MAKE_CALL may need, allocated before any
 * of it becomes visible, so a failure leaves nothing behind.
 */
struct ktapi_setup {
	struct ktapi_call *out;		/* the caller's OUTBOUND leg */
	struct ktapi_handle *caller;	/* its OWNER handle, &out->own */
	struct list_head out_monitors;	/* MONITOR handles to @out */
	struct ktapi_line_dev *dest;	/* the called device, or NULL */
	struct ktapi_call *in;		/* the INTERNAL leg, or NULL */
	struct ktapi_handle *owner;	/* OWNER handle to @in */
	struct list_head in_monitors;	/* MONITOR handles to @in */
	u32 result_mode;		/* disconnect mode when not routed */
};

static void ktapi_unreserve_list(struct list_head *list)
{
	struct ktapi_handle *h, *tmp;

	list_for_each_entry_safe(h, tmp, list, call_node) {
		list_del(&h->call_node);
		ktapi_handle_unreserve(h);
	}
}

/* Reserve a MONITOR handle in every MONITOR file of @line except @skip. */
static int ktapi_reserve_monitors(struct ktapi_line_dev *line,
				  struct ktapi_file *skip,
				  struct list_head *list)
{
	struct ktapi_handle *h;
	struct ktapi_file *f;

	list_for_each_entry(f, &line->files, line_node) {
		if (f == skip || !(f->privileges & KTAPI_PRIVILEGE_MONITOR))
			continue;
		h = ktapi_handle_reserve(f);
		if (IS_ERR(h)) {
			/* A monitor whose handle space is full is skipped. */
			if (PTR_ERR(h) == -ENOSPC)
				continue;
			return PTR_ERR(h);
		}
		list_add_tail(&h->call_node, list);
	}
	return 0;
}

/* Route the call and allocate the callee's side.  Under the switch lock. */
static int ktapi_setup_route(struct ktapi_setup *s, struct ktapi_file *f,
			     const char *address)
{
	struct ktapi_file *owner_file;
	int ret;

	ret = ktapi_reserve_monitors(f->line, f, &s->out_monitors);
	if (ret)
		return ret;

	s->dest = ktapi_line_by_address(address);
	if (!s->dest) {
		s->result_mode = KTAPI_DISCONNECTMODE_BADADDRESS;
		return 0;
	}
	owner_file = ktapi_line_owner(s->dest);
	if (!owner_file) {
		s->result_mode = KTAPI_DISCONNECTMODE_UNAVAIL;
		return 0;
	}
	s->owner = ktapi_handle_reserve(owner_file);
	if (IS_ERR(s->owner)) {
		ret = PTR_ERR(s->owner);
		s->owner = NULL;
		if (ret != -ENOSPC)
			return ret;
		s->result_mode = KTAPI_DISCONNECTMODE_BUSY;
		return 0;
	}
	ret = ktapi_reserve_monitors(s->dest, owner_file, &s->in_monitors);
	if (ret)
		return ret;
	s->in = ktapi_call_alloc(s->dest, f->line, address,
				 KTAPI_CALLORIGIN_INTERNAL);
	if (!s->in)
		return -ENOMEM;
	return 0;
}

/* Undo everything of a setup that failed; nothing of it was published. */
static void ktapi_setup_abort(struct ktapi_setup *s)
{
	ktapi_unreserve_list(&s->in_monitors);
	ktapi_unreserve_list(&s->out_monitors);
	if (s->owner)
		ktapi_handle_unreserve(s->owner);
	if (s->in)
		ktapi_call_free(s->in);
	ktapi_handle_unreserve(s->caller);
	ktapi_call_free(s->out);
}

/* Give each reserved monitor handle its leg and announce it. */
static void ktapi_publish_monitors(struct list_head *list, struct ktapi_call *c,
				   u64 now)
{
	struct ktapi_handle *h, *tmp;

	list_for_each_entry_safe(h, tmp, list, call_node) {
		list_del(&h->call_node);
		ktapi_handle_publish(h, c, KTAPI_PRIVILEGE_MONITOR);
		ktapi_evq_push(&h->file->evq, KTAPI_EV_APPNEWCALL, h, c->state,
			       0, now);
	}
}

/* Publish a complete setup and play the call.  Cannot fail. */
static void ktapi_setup_commit(struct ktapi_setup *s)
{
	struct ktapi_call *out = s->out, *in = s->in;
	u64 now = ktime_get_ns();

	lockdep_assert_held(&ktapi_switch_lock);
	if (in) {
		/* Linked before publishing: these fields never change after. */
		out->peer = in;
		in->peer = out;
		out->related_call_id = in->call_id;
		in->related_call_id = out->call_id;
	}
	ktapi_call_init_state(out, KTAPI_CALLSTATE_DIALING, now);
	ktapi_handle_publish(s->caller, out, KTAPI_PRIVILEGE_OWNER);
	ktapi_publish_monitors(&s->out_monitors, out, now);
	ktapi_call_notify(out, now);

	if (!in) {
		ktapi_call_set_state_at(out, KTAPI_CALLSTATE_DISCONNECTED,
					s->result_mode, now);
		return;
	}

	ktapi_call_init_state(in, KTAPI_CALLSTATE_OFFERING, now);
	ktapi_handle_publish(s->owner, in, KTAPI_PRIVILEGE_OWNER);
	ktapi_evq_push(&s->owner->file->evq, KTAPI_EV_APPNEWCALL, s->owner,
		       in->state, 0, now);
	ktapi_publish_monitors(&s->in_monitors, in, now);
	ktapi_call_notify(in, now);
	ktapi_call_set_state_at(out, KTAPI_CALLSTATE_RINGBACK, 0, now);
}

/*
 * MAKE_CALL.  The caller's handle is reserved and its number copied out
 * before the switch lock is taken; the call is published only once every
 * handle it needs in every file is reserved.
 */
int ktapi_ioctl_make_call(struct ktapi_file *f, struct ktapi_make_call *mc,
			  struct ktapi_make_call __user *umc)
{
	struct ktapi_setup s = {
		.out_monitors = LIST_HEAD_INIT(s.out_monitors),
		.in_monitors = LIST_HEAD_INIT(s.in_monitors),
	};
	struct {
		__u32 handle;
		__u32 call_id;
	} res;
	char address[KTAPI_ADDRESS_MAX];
	struct ktapi_line_dev *line;
	int ret;

	static_assert(offsetof(struct ktapi_make_call, call_id) ==
		      offsetof(struct ktapi_make_call, handle) + 4);

	/* Pairs with the release in LINE_OPEN: f->line is set. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;
	memcpy(address, mc->dest_address, sizeof(address));
	if (!ktapi_address_valid(address))
		return -EINVAL;

	/* f->line was set before state became OPEN and never changes. */
	line = f->line;
	s.out = ktapi_call_alloc(line, line, address,
				 KTAPI_CALLORIGIN_OUTBOUND);
	if (!s.out)
		return -ENOMEM;
	s.caller = &s.out->own;
	ret = ktapi_handle_reserve_id(s.caller, f);
	if (ret) {
		ktapi_call_free(s.out);
		return ret;
	}

	res.handle = s.caller->id;
	res.call_id = s.out->call_id;
	if (copy_to_user(&umc->handle, &res, sizeof(res))) {
		ktapi_handle_unreserve(s.caller);
		ktapi_call_free(s.out);
		return -EFAULT;
	}

	mutex_lock(&ktapi_switch_lock);
	if (f->state != KTAPI_FILE_OPEN)
		ret = -EBADFD;
	else
		ret = ktapi_setup_route(&s, f, address);
	if (ret)
		ktapi_setup_abort(&s);
	else
		ktapi_setup_commit(&s);
	mutex_unlock(&ktapi_switch_lock);
	return ret;
}

/* Look up an OWNER handle for ANSWER/DROP.  Under the switch lock. */
static int ktapi_owner_call(struct ktapi_file *f, struct ktapi_call_op *op,
			    struct ktapi_call **cp)
{
	struct ktapi_handle *h;

	if (f->state != KTAPI_FILE_OPEN)
		return -EBADFD;
	h = ktapi_handle_find(f, op->handle);
	if (!h)
		return -ENOENT;
	if (h->privilege != KTAPI_PRIVILEGE_OWNER)
		return -EACCES;
	*cp = h->call;
	return 0;
}

int ktapi_ioctl_answer(struct ktapi_file *f, struct ktapi_call_op *op)
{
	struct ktapi_call *c;
	int ret;

	if (op->reserved)
		return -EINVAL;

	mutex_lock(&ktapi_switch_lock);
	ret = ktapi_owner_call(f, op, &c);
	if (ret)
		goto out;
	if (c->state != KTAPI_CALLSTATE_OFFERING) {
		ret = -EBUSY;
		goto out;
	}
	ktapi_call_set_state(c, KTAPI_CALLSTATE_CONNECTED, 0);
	if (c->peer && c->peer->state == KTAPI_CALLSTATE_RINGBACK)
		ktapi_call_set_state(c->peer, KTAPI_CALLSTATE_CONNECTED, 0);
out:
	mutex_unlock(&ktapi_switch_lock);
	return ret;
}

int ktapi_ioctl_drop(struct ktapi_file *f, struct ktapi_call_op *op)
{
	struct ktapi_call *c;
	int ret;

	if (op->reserved)
		return -EINVAL;

	mutex_lock(&ktapi_switch_lock);
	ret = ktapi_owner_call(f, op, &c);
	if (ret)
		goto out;
	if (c->state == KTAPI_CALLSTATE_IDLE) {
		ret = -EBUSY;
		goto out;
	}
	ktapi_leg_drop(c);
out:
	mutex_unlock(&ktapi_switch_lock);
	return ret;
}
