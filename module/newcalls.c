// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: KTAPI_IOC_GET_NEW_CALLS (TAPI's lineGetNewCalls): a MONITOR handle
 * for each leg of the file's line device that is not IDLE and that the
 * file holds no handle for (uapi/linux/ktapi.h, DOC: Call privilege and
 * new calls).
 *
 * Finding the legs.  A device keeps no list of its legs: one would be a
 * lock every MAKE_CALL on the device shares, and a cost on its fastest
 * path, for a command TAPI programs use now and then.  Every handle to a
 * leg is held by a file open on the leg's device (MAKE_CALL's caller and
 * the monitors of its device for an OUTBOUND leg, the owner and monitors
 * of the called device for an incoming one), and a leg lives exactly as
 * long as it has a handle, so the legs of a device are the legs of the
 * handles of the files in line->files.  The walk visits those files under
 * ktapi_srcu, and each one's handle map in RCU read sections of
 * KTAPI_NEW_CALLS_BATCH handles, with cond_resched() between; each handle
 * is looked at under its own pair lock and nothing else, for O(1) unless
 * it is the one that stands for its leg.  A leg stands at the first of
 * its holders whose file is open, so it is seen once per walk (a handle
 * given or voided meanwhile may make it seen twice or not at all: "a leg
 * that is being made or ended ... may or may not be counted"); only there
 * are its holders walked, O(holders), to see whether this file holds it.
 * No lock but that leg's pair lock is held, none across files or batches:
 * the work is the caller's, proportional to the handles on its device,
 * and no one else waits for it longer than for one call's lock.
 *
 * All or nothing.  A first walk counts the legs (none when max_handles is
 * 0); then min(count, max_handles) handles are reserved (ENOSPC, ENOMEM),
 * their numbers written to the user's array and the struct written back
 * (EFAULT): each failure so far gives back the reservations, and nothing
 * was made.  A second walk publishes the reserved handles, without
 * APPNEWCALL (the numbers are the result), each under its leg's pair lock;
 * legs found beyond the reservations are out_remaining, and the other
 * holders of each leg given a handle that asked for them read a CALLINFO
 * record (KTAPI_CALLINFOSTATE_NUMMONITORS).  The walk publishes the
 * reservations in the order their numbers were written, so the handles
 * made are always the first out_count of the array written: when that
 * walk found fewer legs (one ended meanwhile) or more, only the struct is
 * written again.  Its page was just written, so that only fails if another
 * thread unmapped it meanwhile: then the handles made are voided again
 * (records of them may have been queued already) and the result is
 * EFAULT.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"

/* Handles looked at per RCU read section. */
#define KTAPI_NEW_CALLS_BATCH	64

/* One GET_NEW_CALLS walk over the legs of a file's device. */
struct ktapi_new_calls_walk {
	struct ktapi_file *f;
	/* Reserved handles to publish (call_node); none: only count. */
	struct list_head reserved;
	/*
	 * The reserved numbers, in the order of w->reserved: the walk
	 * publishes them in that order, so the first nr_published are the
	 * handles published.
	 */
	const u32 *ids;
	u32 nr_published;
	u32 found;		/* legs that qualified and got no handle */
	u64 now;
	int ret;		/* -EBADFD: this file's line closed */
};

/*
 * @h stands for its leg: it is the first holder whose file is open.
 * Under the leg's pair lock.
 */
static bool ktapi_new_calls_stands(const struct ktapi_handle *h)
{
	const struct ktapi_handle *x;

	lockdep_assert_held(h->leg->lock);
	list_for_each_entry(x, &h->leg->holders, call_node)
		if (READ_ONCE(x->file->state) == KTAPI_FILE_OPEN)
			return x == h;
	return false;
}

/* Whether @f holds a handle to @c.  Under its pair lock. */
static bool ktapi_new_calls_held(const struct ktapi_leg *c,
				 const struct ktapi_file *f)
{
	const struct ktapi_handle *x;

	lockdep_assert_held(c->lock);
	list_for_each_entry(x, &c->holders, call_node)
		if (x->file == f)
			return true;
	return false;
}

/*
 * Handle @h of another file of the device: if its leg qualifies and @h
 * stands for it, give it the next reserved handle, or count it.  Under
 * its pair lock (ktapi_new_calls_file()).
 */
static int ktapi_new_calls_visit(struct ktapi_handle *h, void *arg)
{
	struct ktapi_new_calls_walk *w = arg;
	struct ktapi_leg *c = h->leg;
	struct ktapi_handle *mine;

	lockdep_assert_held(c->lock);
	if (c->state == KTAPI_CALLSTATE_IDLE ||
	    c->line != w->f->line || !ktapi_new_calls_stands(h) ||
	    ktapi_new_calls_held(c, w->f))
		goto out;
	mine = list_first_entry_or_null(&w->reserved, struct ktapi_handle,
					call_node);
	if (!mine) {
		w->found++;
		goto out;
	}
	list_del(&mine->call_node);
	if (!ktapi_handle_publish(mine, c, KTAPI_PRIVILEGE_MONITOR, false,
				  w->now)) {
		/* This file's line was closed: it voids what it holds. */
		list_add(&mine->call_node, &w->reserved);
		w->ret = -EBADFD;
		goto out;
	}
	/* mine is w->ids[w->nr_published]: reserved in that order. */
	w->nr_published++;
	/* The other holders that asked: this file reads none. */
	ktapi_callinfo_notify(c, w->f, KTAPI_CALLINFOSTATE_NUMMONITORS);
out:
	return 0;
}

/* Walk @g's handles (a file of the device other than w->f).  May sleep. */
static void ktapi_new_calls_file(struct ktapi_new_calls_walk *w,
				 struct ktapi_file *g)
{
	unsigned long next = 0;
	struct ktapi_handle *h;
	unsigned int n;
	int ret;

	do {
		XA_STATE(xas, &g->handles, next);

		n = 0;
		rcu_read_lock();
		xas_for_each(&xas, h, ULONG_MAX) {
			/* The zombie slot (a zero entry) is skipped too. */
			if (xas_retry(&xas, h))
				continue;
			/* A handle gone meanwhile is not looked at. */
			ktapi_handle_found_locked(g, xas.xa_index, h,
						  ktapi_new_calls_visit, w,
						  &ret);
			if (w->ret)
				break;
			if (++n == KTAPI_NEW_CALLS_BATCH) {
				next = xas.xa_index + 1;
				break;
			}
		}
		rcu_read_unlock();
		cond_resched();
		if (fatal_signal_pending(current))
			w->ret = -EINTR;
	} while (n == KTAPI_NEW_CALLS_BATCH && !w->ret);
}

/* One walk over every other open file of w->f's device.  May sleep. */
static void ktapi_new_calls_walk(struct ktapi_new_calls_walk *w)
{
	struct ktapi_line_dev *line = w->f->line;
	struct ktapi_file *g;
	int idx;

	w->now = ktime_get_ns();
	idx = srcu_read_lock(&ktapi_srcu);
	list_for_each_entry_srcu(g, &line->files, line_node,
				 srcu_read_lock_held(&ktapi_srcu)) {
		/* Every leg with a handle of this file is held. */
		if (g == w->f)
			continue;
		ktapi_new_calls_file(w, g);
		if (w->ret)
			break;
	}
	srcu_read_unlock(&ktapi_srcu, idx);
}

static int ktapi_new_calls_undo_locked(struct ktapi_handle *h, void *reap)
{
	ktapi_handle_remove(h, false, reap);
	return 0;
}

/* Void the handles the walk published (a late EFAULT, or a signal). */
static void ktapi_new_calls_undo(struct ktapi_new_calls_walk *w)
{
	struct ktapi_reap reap = { .n = 0 };
	u32 i;

	for (i = 0; i < w->nr_published; i++) {
		/* Deallocated meanwhile by another thread: ENOENT, gone. */
		ktapi_handle_call_locked(w->f, w->ids[i],
					 ktapi_new_calls_undo_locked, &reap);
		ktapi_reap(&reap);
	}
	w->nr_published = 0;
}

/*
 * Reserve @n handles in w->f, their numbers in @ids.  Return: 0, -ENOSPC
 * or -ENOMEM (then none is left reserved).
 */
static int ktapi_new_calls_reserve(struct ktapi_new_calls_walk *w, u32 n,
				   u32 *ids)
{
	struct ktapi_handle *h;
	u32 i;

	for (i = 0; i < n; i++) {
		h = ktapi_handle_reserve(w->f, w->f->memcg, false);
		if (IS_ERR(h)) {
			ktapi_unreserve_list(&w->reserved);
			return PTR_ERR(h);
		}
		ids[i] = h->id;
		list_add_tail(&h->call_node, &w->reserved);
	}
	return 0;
}

/* The struct and the first @n numbers of @ids to the user. */
static int ktapi_new_calls_respond(struct ktapi_ucmd *ucmd, const u32 *ids,
				   u32 n)
{
	struct ktapi_new_calls *nc = ucmd->arg;

	if (n && copy_to_user(u64_to_user_ptr(nc->handles), ids,
			      array_size(n, sizeof(*ids))))
		return -EFAULT;
	return ktapi_ucmd_respond(ucmd, sizeof(*nc));
}

/**
 * ktapi_ioctl_get_new_calls - KTAPI_IOC_GET_NEW_CALLS
 * @ucmd: the command, its argument a struct ktapi_new_calls; it writes
 *	the struct back itself (KTAPI_OUT_HANDLER)
 *
 * See the top of this file.  Return: 0, -EINVAL, -EBADFD, -ENOSPC,
 * -ENOMEM, -EFAULT, or -EINTR when a fatal signal came (nothing made).
 */
int ktapi_ioctl_get_new_calls(struct ktapi_ucmd *ucmd)
{
	struct ktapi_new_calls *nc = ucmd->arg;
	struct ktapi_new_calls_walk w = {
		.f = ucmd->file,
		.reserved = LIST_HEAD_INIT(w.reserved),
	};
	u32 count = 0, want = 0, *ids = NULL;
	struct mem_cgroup *old;
	int ret;

	if (nc->reserved)
		return -EINVAL;
	/* Pairs with the release in LINE_OPEN: f->line is set. */
	if (smp_load_acquire(&w.f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;
	/* A field value: after the state ("General ioctl format"). */
	if (nc->max_handles > KTAPI_NEW_CALLS_MAX)
		return -EINVAL;

	if (nc->max_handles) {
		/* The count: no handle reserved, every leg found is counted. */
		ktapi_new_calls_walk(&w);
		if (w.ret)
			return w.ret;
		count = w.found;
		want = min(count, nc->max_handles);
	}
	if (want) {
		old = ktapi_charge_begin(w.f);
		ids = kvmalloc_array(want, sizeof(*ids), GFP_KERNEL_ACCOUNT);
		ktapi_charge_end(old);
		if (!ids)
			return -ENOMEM;
		w.ids = ids;
		ret = ktapi_new_calls_reserve(&w, want, ids);
		if (ret)
			goto out;
	}
	nc->out_count = want;
	nc->out_remaining = count - want;
	ret = ktapi_new_calls_respond(ucmd, ids, want);
	if (ret)
		goto out_unreserve;

	/* Publish: the reserved handles, then only count. */
	w.found = 0;
	w.ret = 0;
	ktapi_new_calls_walk(&w);
	if (w.ret) {
		ret = w.ret;
		if (ret != -EBADFD)
			ktapi_new_calls_undo(&w);
		goto out_unreserve;
	}
	if (w.nr_published != want || w.found != count - want) {
		/*
		 * The handles published are the first nr_published of the
		 * array already written: only the struct is written again.
		 */
		nc->out_count = w.nr_published;
		nc->out_remaining = w.found;
		ret = ktapi_new_calls_respond(ucmd, NULL, 0);
		if (ret)
			ktapi_new_calls_undo(&w);
	}
out_unreserve:
	/* Reservations the walk did not publish (legs that ended). */
	ktapi_unreserve_list(&w.reserved);
out:
	kvfree(ids);
	return ret;
}
