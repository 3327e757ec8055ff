// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: call legs, the per-file handle map, GET_CALL_INFO and
 * DEALLOCATE_CALL.
 *
 * Handle map: file->handles is an allocating XArray (XA_FLAGS_ALLOC1, so 0
 * is never a handle; XA_FLAGS_ACCOUNT, so its nodes are charged to the
 * caller's memory cgroup) mapping a handle to its struct ktapi_handle.  A
 * handle is made in two steps, as drm_gem_handle_create_tail() does since
 * its 2025 race fix:
 *
 *   ktapi_handle_reserve()  allocates the id with a NULL entry: lookups see
 *                           nothing there, so a half-made call cannot be
 *                           reached by another thread guessing the handle;
 *   ktapi_handle_publish()  stores the finished handle (under the switch
 *                           lock; the slot exists, so this cannot fail).
 *
 * A reservation that is not published is erased by ktapi_handle_unreserve().
 * Deletion (DEALLOCATE_CALL, line close) happens under the switch lock and
 * erases only published entries: it loads the entry and fails with ENOENT
 * when the slot is empty or only reserved.
 *
 * Locking:
 *  - The handles xa_lock protects the map and file->next_handle.  Lookups
 *    that run without the switch lock (GET_CALL_INFO) take the call's
 *    reference inside the same xa_lock section, and a handle is freed only
 *    after it has been erased under that lock, so a lookup never sees a
 *    freed handle or call.
 *  - call->lock protects the fields GET_CALL_INFO reads while the switch
 *    changes them: state, state_mode, states_seen, state_time_ns and the
 *    owner/monitor counts.  Writers also hold the switch lock.  It nests
 *    inside a handles xa_lock in GET_CALL_INFO, and is never held while
 *    taking another lock.
 *  - ktapi_call_ids (a global allocating XArray) gives each live leg a
 *    unique call_id; its xa_lock is taken alone or under the switch lock.
 *  - Everything else about calls and handles (the holders lists, peer
 *    links, publishing and deleting handles) belongs to the switch lock.
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "internal.h"
#include "trace.h"

static struct kmem_cache *ktapi_call_cache;
static struct kmem_cache *ktapi_handle_cache;
static DEFINE_XARRAY_FLAGS(ktapi_call_ids, XA_FLAGS_ALLOC1);
static u32 ktapi_next_call_id;

int ktapi_call_cache_init(void)
{
	ktapi_call_cache = KMEM_CACHE(ktapi_call, SLAB_ACCOUNT);
	if (!ktapi_call_cache)
		return -ENOMEM;
	ktapi_handle_cache = KMEM_CACHE(ktapi_handle, SLAB_ACCOUNT);
	if (!ktapi_handle_cache) {
		kmem_cache_destroy(ktapi_call_cache);
		return -ENOMEM;
	}
	return 0;
}

void ktapi_call_cache_exit(void)
{
	WARN_ON(!xa_empty(&ktapi_call_ids));
	xa_destroy(&ktapi_call_ids);
	kmem_cache_destroy(ktapi_handle_cache);
	kmem_cache_destroy(ktapi_call_cache);
}

/**
 * ktapi_call_alloc - make an unpublished leg with a call_id
 * @line: the line device the leg lives on
 * @caller_line: the line device that made the call
 * @called_address: the dialled address
 * @origin: KTAPI_CALLORIGIN_OUTBOUND or _INTERNAL
 *
 * The leg has no state yet and holds the holders reference; the caller
 * either publishes handles to it or drops it with ktapi_call_put().
 *
 * Return: the leg, or NULL when memory ran out.
 */
struct ktapi_call *ktapi_call_alloc(struct ktapi_line_dev *line,
				    struct ktapi_line_dev *caller_line,
				    const char *called_address, u32 origin)
{
	struct ktapi_call *c;
	int ret;

	c = kmem_cache_zalloc(ktapi_call_cache, GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	ret = xa_alloc_cyclic(&ktapi_call_ids, &c->call_id, c,
			      XA_LIMIT(1, U32_MAX), &ktapi_next_call_id,
			      GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		kmem_cache_free(ktapi_call_cache, c);
		return NULL;
	}
	kref_init(&c->ref);
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->holders);
	c->line = line;
	c->caller_line = caller_line;
	c->origin = origin;
	c->create_time_ns = ktime_get_ns();
	strscpy(c->called_address, called_address, sizeof(c->called_address));
	atomic_long_inc(&ktapi_stats.calls);
	atomic_long_inc(&ktapi_stats.calls_total);
	return c;
}

static void ktapi_call_release(struct kref *ref)
{
	struct ktapi_call *c = container_of(ref, struct ktapi_call, ref);

	xa_erase(&ktapi_call_ids, c->call_id);
	atomic_long_dec(&ktapi_stats.calls);
	kmem_cache_free(ktapi_call_cache, c);
}

void ktapi_call_put(struct ktapi_call *c)
{
	kref_put(&c->ref, ktapi_call_release);
}

/*
 * Queue a CALLSTATE event with the leg's state to every holder whose line
 * is open.  A line being closed is CLOSED before its handles are voided, so
 * dropping one of its calls tells nothing to its other, still listed
 * handles: after LINE_CLOSE a file gets no more events.
 */
void ktapi_call_notify(struct ktapi_call *c)
{
	struct ktapi_handle *h;

	lockdep_assert_held(&ktapi_switch_lock);
	list_for_each_entry(h, &c->holders, call_node)
		if (h->file->state == KTAPI_FILE_OPEN)
			ktapi_evq_push(&h->file->evq, KTAPI_EV_CALLSTATE, h,
				       c->state, c->state_mode);
}

/**
 * ktapi_call_init_state - give an unpublished leg its first state
 * @c: the leg
 * @state: KTAPI_CALLSTATE_*
 *
 * Its holders are told with ktapi_call_notify() once they are published.
 */
void ktapi_call_init_state(struct ktapi_call *c, u32 state)
{
	trace_ktapi_call_state(c->call_id, c->line->id, 0, state, 0);
	c->state = state;
	c->states_seen = state;
	c->state_time_ns = ktime_get_ns();
}

/**
 * ktapi_call_set_state - change a leg's state and tell its holders
 * @c: the leg
 * @state: KTAPI_CALLSTATE_*
 * @mode: KTAPI_DISCONNECTMODE_* for DISCONNECTED, else 0
 */
void ktapi_call_set_state(struct ktapi_call *c, u32 state, u32 mode)
{
	lockdep_assert_held(&ktapi_switch_lock);
	trace_ktapi_call_state(c->call_id, c->line->id, c->state, state, mode);
	spin_lock(&c->lock);
	c->state = state;
	c->state_mode = mode;
	c->states_seen |= state;
	c->state_time_ns = ktime_get_ns();
	spin_unlock(&c->lock);
	ktapi_call_notify(c);
}

/**
 * ktapi_handle_reserve - allocate a handle and reserve its id in a file
 * @f: the file
 *
 * Return: the unpublished handle, ERR_PTR(-ENOSPC) when the file's handle
 * space is full, ERR_PTR(-ENOMEM).
 */
struct ktapi_handle *ktapi_handle_reserve(struct ktapi_file *f)
{
	struct ktapi_handle *h;
	int ret;

	h = kmem_cache_zalloc(ktapi_handle_cache, GFP_KERNEL_ACCOUNT);
	if (!h)
		return ERR_PTR(-ENOMEM);
	ret = xa_alloc_cyclic(&f->handles, &h->id, NULL,
			      XA_LIMIT(1, f->max_handles), &f->next_handle,
			      GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		kmem_cache_free(ktapi_handle_cache, h);
		return ERR_PTR(ret == -EBUSY ? -ENOSPC : ret);
	}
	h->file = f;
	INIT_LIST_HEAD(&h->call_node);
	return h;
}

/* Give back a reserved, never published handle. */
void ktapi_handle_unreserve(struct ktapi_handle *h)
{
	xa_erase(&h->file->handles, h->id);
	kmem_cache_free(ktapi_handle_cache, h);
}

/**
 * ktapi_handle_publish - make a reserved handle name a leg
 * @h: the reserved handle
 * @c: the leg; the handle shares the leg's holders reference
 * @privilege: KTAPI_PRIVILEGE_OWNER or _MONITOR
 */
void ktapi_handle_publish(struct ktapi_handle *h, struct ktapi_call *c,
			  u32 privilege)
{
	void *old;

	lockdep_assert_held(&ktapi_switch_lock);
	h->call = c;
	h->privilege = privilege;
	list_add_tail(&h->call_node, &c->holders);
	spin_lock(&c->lock);
	if (privilege == KTAPI_PRIVILEGE_OWNER)
		c->num_owners++;
	else
		c->num_monitors++;
	spin_unlock(&c->lock);
	/* The slot exists, so nothing is allocated and nothing can fail. */
	old = xa_store(&h->file->handles, h->id, h, GFP_NOWAIT);
	WARN_ON_ONCE(old);
	h->file->nr_handles++;
	atomic_long_inc(&ktapi_stats.handles);
	atomic_long_inc(&ktapi_stats.handles_total);
	trace_ktapi_handle_alloc(c->line->id, h->id, c->call_id, privilege);
}

/* A published handle of @f, or NULL (ENOENT).  Under the switch lock. */
struct ktapi_handle *ktapi_handle_find(struct ktapi_file *f, u32 id)
{
	lockdep_assert_held(&ktapi_switch_lock);
	if (!id)
		return NULL;
	return xa_load(&f->handles, id);
}

/**
 * ktapi_handle_remove - void a published handle
 * @h: the handle
 * @line_close: the file is closing its line: a non-IDLE leg whose sole
 *	owner this handle was is dropped
 *
 * When the last handle of a leg goes, a non-IDLE leg is dropped (its peer
 * sees DISCONNECTED), it is unlinked from its peer and its holders reference
 * is put.
 */
void ktapi_handle_remove(struct ktapi_handle *h, bool line_close)
{
	struct ktapi_call *c = h->call;
	bool sole_owner;

	lockdep_assert_held(&ktapi_switch_lock);
	trace_ktapi_handle_free(c->line->id, h->id, c->call_id, h->privilege);
	xa_erase(&h->file->handles, h->id);
	h->file->nr_handles--;
	list_del(&h->call_node);
	spin_lock(&c->lock);
	if (h->privilege == KTAPI_PRIVILEGE_OWNER)
		c->num_owners--;
	else
		c->num_monitors--;
	sole_owner = h->privilege == KTAPI_PRIVILEGE_OWNER && !c->num_owners;
	spin_unlock(&c->lock);
	kmem_cache_free(ktapi_handle_cache, h);
	atomic_long_dec(&ktapi_stats.handles);

	if (c->state != KTAPI_CALLSTATE_IDLE &&
	    ((line_close && sole_owner) || list_empty(&c->holders)))
		ktapi_leg_drop(c);

	if (list_empty(&c->holders)) {
		if (c->peer) {
			c->peer->peer = NULL;
			c->peer = NULL;
		}
		ktapi_call_put(c);
	}
}

/* Line close: void every handle of the file (release or forced close). */
void ktapi_file_void_handles(struct ktapi_file *f)
{
	struct ktapi_handle *h;
	unsigned long id;

	lockdep_assert_held(&ktapi_switch_lock);
	xa_for_each(&f->handles, id, h) {
		ktapi_handle_remove(h, true);
		cond_resched();
	}
}

/*
 * GET_CALL_INFO.  The handle is looked up and its leg's reference taken in
 * one handles xa_lock section, and the changing fields are read in that same
 * section (call->lock nests inside it): ktapi_handle_remove() erases the
 * handle under the xa_lock before it changes the counts, so the snapshot
 * always counts this handle.  The constant fields are read after the
 * unlock, under the reference.
 */
int ktapi_ioctl_get_call_info(struct ktapi_file *f,
			      struct ktapi_call_info *ci,
			      void __user *uarg)
{
	struct ktapi_handle *h;
	struct ktapi_call *c;

	/* Pairs with the release in LINE_OPEN. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;

	xa_lock(&f->handles);
	h = ci->handle ? xa_load(&f->handles, ci->handle) : NULL;
	if (!h) {
		xa_unlock(&f->handles);
		return -ENOENT;
	}
	c = h->call;
	kref_get(&c->ref);
	ci->privilege = h->privilege;
	spin_lock(&c->lock);
	ci->state = c->state;
	ci->state_mode = c->state_mode;
	ci->states_seen = c->states_seen;
	ci->num_owners = c->num_owners;
	ci->num_monitors = c->num_monitors;
	ci->state_time_ns = c->state_time_ns;
	spin_unlock(&c->lock);
	xa_unlock(&f->handles);

	ci->call_id = c->call_id;
	ci->related_call_id = c->related_call_id;
	ci->device_id = c->line->id;
	ci->origin = c->origin;
	ci->reason = KTAPI_CALLREASON_DIRECT;
	ci->create_time_ns = c->create_time_ns;
	memcpy(ci->caller_address, c->caller_line->address,
	       sizeof(ci->caller_address));
	memcpy(ci->called_address, c->called_address,
	       sizeof(ci->called_address));
	ktapi_call_put(c);

	return ktapi_copy_out(uarg, ci, sizeof(*ci), ci->size);
}

int ktapi_ioctl_deallocate_call(struct ktapi_file *f,
				struct ktapi_call_op *op)
{
	struct ktapi_handle *h;
	int ret = 0;

	if (op->reserved)
		return -EINVAL;

	mutex_lock(&ktapi_switch_lock);
	if (f->state != KTAPI_FILE_OPEN) {
		ret = -EBADFD;
		goto out;
	}
	h = ktapi_handle_find(f, op->handle);
	if (!h) {
		ret = -ENOENT;
		goto out;
	}
	/* TAPI 1.x: the sole owner may not deallocate an active call. */
	if (f->api_version < KTAPI_API_VERSION_2_0 &&
	    h->privilege == KTAPI_PRIVILEGE_OWNER &&
	    h->call->num_owners == 1 &&
	    h->call->state != KTAPI_CALLSTATE_IDLE) {
		ret = -EBUSY;
		goto out;
	}
	ktapi_handle_remove(h, false);
out:
	mutex_unlock(&ktapi_switch_lock);
	return ret;
}
