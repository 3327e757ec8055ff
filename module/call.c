// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: call legs and their call ids, the per-file handle map,
 * GET_CALL_INFO and DEALLOCATE_CALL.
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
 * finds only published entries: an empty or reserved slot is ENOENT.
 *
 * Locking and lifetime:
 *  - The switch lock (switch.c) covers every change to calls and handles:
 *    publishing and deleting handles, the holders lists, peer links, states
 *    and counts.
 *  - call->seq, a seqcount written under the switch lock with preemption
 *    disabled, lets GET_CALL_INFO read a consistent snapshot of the fields
 *    that change (state, state_mode, states_seen, state_time_ns, the
 *    counts, and whether its own handle was removed) without any lock.
 *  - GET_CALL_INFO looks the handle up under rcu_read_lock().  A removed
 *    handle is erased from the map before it is freed, and allocated
 *    handles and calls are freed with call_rcu(), so a lookup never sees
 *    freed memory.  Module exit waits for them with rcu_barrier().
 *  - A leg lives while a handle names it: the holders list of its handles
 *    is the only reference, and the last handle to go frees the leg.
 *  - Call ids come from blocks of 64 (struct ktapi_id_block, under
 *    ktapi_id_lock); see ktapi_call_id_alloc().
 */
#include <linux/bits.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "trace.h"

static struct kmem_cache *ktapi_call_cache;
static struct kmem_cache *ktapi_handle_cache;

/*
 * Call ids.  A system-wide allocating XArray entry per call would cost a
 * tree walk and, when few calls are live, an XArray node made and freed
 * per call.  Instead ids are handed out in blocks of 64: a block number is
 * allocated cyclically in an XArray (so it is unique among live blocks),
 * and the calls made next take its ids in turn.  A block lives while one of
 * its calls does, or while it is the current block, so an id is never
 * given to two live calls.
 */
#define KTAPI_ID_BLOCK_SHIFT	6
#define KTAPI_ID_BLOCK_SIZE	BIT(KTAPI_ID_BLOCK_SHIFT)

struct ktapi_id_block {
	atomic_t live;		/* its live calls, plus 1 while current */
	u32 nr;			/* index in ktapi_id_blocks */
};

static DEFINE_XARRAY_FLAGS(ktapi_id_blocks, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
static DEFINE_MUTEX(ktapi_id_lock);
static u32 ktapi_next_id_block;			/* ktapi_id_blocks xa_lock */
static struct ktapi_id_block *ktapi_id_cur;	/* ktapi_id_lock */
static u32 ktapi_id_used;			/* ktapi_id_lock */

static void ktapi_id_block_put(struct ktapi_id_block *b)
{
	if (atomic_dec_and_test(&b->live)) {
		xa_erase(&ktapi_id_blocks, b->nr);
		kfree(b);
	}
}

/* Start a new current block.  Under ktapi_id_lock. */
static int ktapi_id_block_new(void)
{
	struct ktapi_id_block *b;
	int ret;

	lockdep_assert_held(&ktapi_id_lock);
	b = kmalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	atomic_set(&b->live, 1);
	ret = xa_alloc_cyclic(&ktapi_id_blocks, &b->nr, b,
			      XA_LIMIT(1, U32_MAX >> KTAPI_ID_BLOCK_SHIFT),
			      &ktapi_next_id_block, GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		kfree(b);
		/* -EBUSY: 2^26 blocks with live calls; memory ran out first. */
		return -ENOMEM;
	}
	if (ktapi_id_cur)
		ktapi_id_block_put(ktapi_id_cur);
	ktapi_id_cur = b;
	ktapi_id_used = 0;
	return 0;
}

/* Give @c a call id, unique among live calls and never 0. */
static int ktapi_call_id_alloc(struct ktapi_call *c)
{
	int ret = 0;

	mutex_lock(&ktapi_id_lock);
	if (!ktapi_id_cur || ktapi_id_used == KTAPI_ID_BLOCK_SIZE)
		ret = ktapi_id_block_new();
	if (!ret) {
		atomic_inc(&ktapi_id_cur->live);
		c->id_block = ktapi_id_cur;
		c->call_id = ktapi_id_cur->nr << KTAPI_ID_BLOCK_SHIFT |
			     ktapi_id_used++;
	}
	mutex_unlock(&ktapi_id_lock);
	return ret;
}

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
	/* Calls and handles freed with call_rcu(). */
	rcu_barrier();
	if (ktapi_id_cur)
		ktapi_id_block_put(ktapi_id_cur);
	WARN_ON(!xa_empty(&ktapi_id_blocks));
	xa_destroy(&ktapi_id_blocks);
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
 * The leg has no state yet; the caller either publishes handles to it or
 * frees it with ktapi_call_free().
 *
 * Return: the leg, or NULL when memory ran out.
 */
struct ktapi_call *ktapi_call_alloc(struct ktapi_line_dev *line,
				    struct ktapi_line_dev *caller_line,
				    const char *called_address, u32 origin)
{
	struct ktapi_call *c;

	c = kmem_cache_zalloc(ktapi_call_cache, GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	if (ktapi_call_id_alloc(c)) {
		kmem_cache_free(ktapi_call_cache, c);
		return NULL;
	}
	seqcount_init(&c->seq);
	INIT_LIST_HEAD(&c->holders);
	c->line = line;
	c->caller_line = caller_line;
	c->origin = origin;
	strscpy(c->called_address, called_address, sizeof(c->called_address));
	c->own.embedded = true;
	atomic_long_inc(&ktapi_stats.calls);
	atomic_long_inc(&ktapi_stats.calls_total);
	return c;
}

static void ktapi_call_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(ktapi_call_cache,
			container_of(rcu, struct ktapi_call, rcu));
}

/* Free a leg no handle names (any more, or ever). */
void ktapi_call_free(struct ktapi_call *c)
{
	ktapi_id_block_put(c->id_block);
	atomic_long_dec(&ktapi_stats.calls);
	call_rcu(&c->rcu, ktapi_call_free_rcu);
}

/* Start changing @c's GET_CALL_INFO fields.  Under the switch lock. */
static void ktapi_call_write_begin(struct ktapi_call *c)
{
	lockdep_assert_held(&ktapi_switch_lock);
	/* Readers spin while the count is odd: keep the section short. */
	preempt_disable();
	write_seqcount_begin(&c->seq);
}

static void ktapi_call_write_end(struct ktapi_call *c)
{
	write_seqcount_end(&c->seq);
	preempt_enable();
}

/*
 * Queue a CALLSTATE event with the leg's state to every holder whose line
 * is open.  A line being closed is CLOSED before its handles are voided, so
 * dropping one of its calls tells nothing to its other, still listed
 * handles: after LINE_CLOSE a file gets no more events.
 */
void ktapi_call_notify(struct ktapi_call *c, u64 now)
{
	struct ktapi_handle *h;

	lockdep_assert_held(&ktapi_switch_lock);
	list_for_each_entry(h, &c->holders, call_node)
		if (h->file->state == KTAPI_FILE_OPEN)
			ktapi_evq_push(&h->file->evq, KTAPI_EV_CALLSTATE, h,
				       c->state, c->state_mode, now);
}

/**
 * ktapi_call_init_state - give an unpublished leg its first state
 * @c: the leg
 * @state: KTAPI_CALLSTATE_*
 * @now: the time it is published, which is also its creation time
 *
 * Its holders are told with ktapi_call_notify() once they are published.
 */
void ktapi_call_init_state(struct ktapi_call *c, u32 state, u64 now)
{
	trace_ktapi_call_state(c->call_id, c->line->id, 0, state, 0);
	c->state = state;
	c->states_seen = state;
	c->create_time_ns = now;
	c->state_time_ns = now;
}

/**
 * ktapi_call_set_state_at - change a leg's state and tell its holders
 * @c: the leg
 * @state: KTAPI_CALLSTATE_*
 * @mode: KTAPI_DISCONNECTMODE_* for DISCONNECTED, else 0
 * @now: the time of the change (ktime_get_ns())
 */
void ktapi_call_set_state_at(struct ktapi_call *c, u32 state, u32 mode,
			     u64 now)
{
	lockdep_assert_held(&ktapi_switch_lock);
	trace_ktapi_call_state(c->call_id, c->line->id, c->state, state, mode);
	ktapi_call_write_begin(c);
	c->state = state;
	c->state_mode = mode;
	c->states_seen |= state;
	c->state_time_ns = now;
	ktapi_call_write_end(c);
	ktapi_call_notify(c, now);
}

/* ktapi_call_set_state_at(), now. */
void ktapi_call_set_state(struct ktapi_call *c, u32 state, u32 mode)
{
	ktapi_call_set_state_at(c, state, mode, ktime_get_ns());
}

/*
 * Erase @f's reserved zombie slot (see ktapi_handle_unmap()), if it has one.
 * Return: whether there was one.
 */
static bool ktapi_handle_zombie_erase(struct ktapi_file *f)
{
	u32 id;

	xa_lock(&f->handles);
	id = f->zombie;
	if (id) {
		__xa_erase(&f->handles, id);
		WRITE_ONCE(f->zombie, 0);
	}
	xa_unlock(&f->handles);
	return id;
}

/**
 * ktapi_handle_reserve_id - reserve a handle id in a file for @h
 * @h: an unpublished handle
 * @f: the file
 *
 * Return: 0, -ENOSPC when the file's handle space is full, -ENOMEM.
 */
int ktapi_handle_reserve_id(struct ktapi_handle *h, struct ktapi_file *f)
{
	int ret;

	h->file = f;
	do {
		ret = xa_alloc_cyclic(&f->handles, &h->id, NULL,
				      XA_LIMIT(1, f->max_handles),
				      &f->next_handle, GFP_KERNEL_ACCOUNT);
		/* Full: a deallocated handle may still hold its slot. */
	} while (ret == -EBUSY && READ_ONCE(f->zombie) &&
		 ktapi_handle_zombie_erase(f));
	if (ret < 0)
		return ret == -EBUSY ? -ENOSPC : ret;
	return 0;
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
	ret = ktapi_handle_reserve_id(h, f);
	if (ret) {
		kmem_cache_free(ktapi_handle_cache, h);
		return ERR_PTR(ret);
	}
	return h;
}

/* Give back a reserved, never published handle. */
void ktapi_handle_unreserve(struct ktapi_handle *h)
{
	xa_erase(&h->file->handles, h->id);
	/* Never visible to a lookup: no grace period needed. */
	if (!h->embedded)
		kmem_cache_free(ktapi_handle_cache, h);
}

static void ktapi_handle_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(ktapi_handle_cache,
			container_of(rcu, struct ktapi_handle, rcu));
}

/**
 * ktapi_handle_publish - make a reserved handle name a leg
 * @h: the reserved handle
 * @c: the leg
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
	ktapi_call_write_begin(c);
	if (privilege == KTAPI_PRIVILEGE_OWNER)
		c->num_owners++;
	else
		c->num_monitors++;
	ktapi_call_write_end(c);
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

/*
 * Take handle @id out of @f's map.  With cyclic ids and few live handles,
 * erasing the last handle of an XArray leaf frees that node, and the next
 * MAKE_CALL makes it again (a node allocation, and its RCU free, per call).
 * So with @keep one slot per file stays reserved as a "zombie" to keep the
 * leaf the cursor is in: a handle in the zombie's leaf is erased at once;
 * one in another leaf becomes the zombie, and the old zombie is erased.
 * Lookups see a reserved slot as empty.
 */
static void ktapi_handle_unmap(struct ktapi_file *f, u32 id, bool keep)
{
	xa_lock(&f->handles);
	if (keep && (!f->zombie ||
		     f->zombie >> XA_CHUNK_SHIFT != id >> XA_CHUNK_SHIFT)) {
		/* Storing NULL in an allocating XArray reserves the slot. */
		__xa_store(&f->handles, id, NULL, 0);
		if (f->zombie)
			__xa_erase(&f->handles, f->zombie);
		WRITE_ONCE(f->zombie, id);
	} else {
		__xa_erase(&f->handles, id);
	}
	xa_unlock(&f->handles);
}

/**
 * ktapi_handle_remove - void a published handle
 * @h: the handle
 * @line_close: the file is closing its line: a non-IDLE leg whose sole
 *	owner this handle was is dropped
 *
 * When the last handle of a leg goes, a non-IDLE leg is dropped (its peer
 * sees DISCONNECTED), it is unlinked from its peer and freed.
 */
void ktapi_handle_remove(struct ktapi_handle *h, bool line_close)
{
	struct ktapi_call *c = h->call;
	struct ktapi_file *f = h->file;
	bool sole_owner, last;

	lockdep_assert_held(&ktapi_switch_lock);
	trace_ktapi_handle_free(c->line->id, h->id, c->call_id, h->privilege);
	ktapi_handle_unmap(f, h->id, !line_close);
	f->nr_handles--;
	list_del(&h->call_node);
	ktapi_call_write_begin(c);
	WRITE_ONCE(h->dead, true);
	if (h->privilege == KTAPI_PRIVILEGE_OWNER)
		c->num_owners--;
	else
		c->num_monitors--;
	ktapi_call_write_end(c);
	sole_owner = h->privilege == KTAPI_PRIVILEGE_OWNER && !c->num_owners;
	if (!h->embedded)
		call_rcu(&h->rcu, ktapi_handle_free_rcu);
	atomic_long_dec(&ktapi_stats.handles);

	last = list_empty(&c->holders);
	if (c->state != KTAPI_CALLSTATE_IDLE && ((line_close && sole_owner) || last))
		ktapi_leg_drop(c);

	if (last) {
		if (c->peer) {
			c->peer->peer = NULL;
			c->peer = NULL;
		}
		ktapi_call_free(c);
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
	ktapi_handle_zombie_erase(f);
}

/*
 * GET_CALL_INFO takes no lock.  Under rcu_read_lock() the handle is looked
 * up and its leg's changing fields are read in a call->seq read section,
 * together with the handle's dead flag: ktapi_handle_remove() sets it in
 * the same write section as it changes the counts, so a snapshot of a live
 * handle always counts that handle, and one of a handle removed meanwhile
 * is ENOENT.  The constant fields need only RCU.
 */
struct ktapi_call_snap {
	u32 state;
	u32 state_mode;
	u32 states_seen;
	u32 num_owners;
	u32 num_monitors;
	u64 state_time_ns;
};

/*
 * The call of handle @id of @f, its snapshot in @snap, its privilege in
 * @priv; NULL when there is no such handle.  Under rcu_read_lock().
 */
static struct ktapi_call *ktapi_call_lookup_rcu(struct ktapi_file *f, u32 id,
						struct ktapi_call_snap *snap,
						u32 *priv)
{
	XA_STATE(xas, &f->handles, id);
	struct ktapi_handle *h;
	struct ktapi_call *c;
	unsigned int seq;
	bool dead;

	/* xa_load() without its own RCU section; reserved slots are empty. */
	do {
		h = xas_load(&xas);
		if (xa_is_zero(h))
			h = NULL;
	} while (xas_retry(&xas, h));
	if (!h)
		return NULL;
	c = h->call;
	do {
		seq = read_seqcount_begin(&c->seq);
		dead = READ_ONCE(h->dead);
		snap->state = c->state;
		snap->state_mode = c->state_mode;
		snap->states_seen = c->states_seen;
		snap->num_owners = c->num_owners;
		snap->num_monitors = c->num_monitors;
		snap->state_time_ns = c->state_time_ns;
	} while (read_seqcount_retry(&c->seq, seq));
	*priv = h->privilege;
	return dead ? NULL : c;
}

int ktapi_ioctl_get_call_info(struct ktapi_file *f,
			      struct ktapi_call_info *ci,
			      struct ktapi_call_info __user *uci)
{
	struct ktapi_call_snap snap;
	struct ktapi_call *c;

	/* Pairs with the release in LINE_OPEN. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;
	if (!ci->handle)
		return -ENOENT;

	rcu_read_lock();
	c = ktapi_call_lookup_rcu(f, ci->handle, &snap, &ci->privilege);
	if (!c) {
		rcu_read_unlock();
		return -ENOENT;
	}
	ci->state = snap.state;
	ci->state_mode = snap.state_mode;
	ci->states_seen = snap.states_seen;
	ci->num_owners = snap.num_owners;
	ci->num_monitors = snap.num_monitors;
	ci->state_time_ns = snap.state_time_ns;
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
	rcu_read_unlock();

	return copy_to_user(uci, ci, sizeof(*ci)) ? -EFAULT : 0;
}

/**
 * ktapi_call_info_fast - GET_CALL_INFO without copying the struct
 * @f: the file
 * @uci: the user's struct
 *
 * The common case: size is the kernel's, no flags, an open line and a
 * valid handle.  The result is written straight into the user's struct,
 * under RCU with page faults disabled.  Anything else (another size, a
 * fault, an error) is left to the full path, which checks everything in
 * the documented order; nothing has changed when this returns -EAGAIN.
 *
 * Return: 0, -EAGAIN for "use ktapi_ioctl_get_call_info()".
 */
int ktapi_call_info_fast(struct ktapi_file *f,
			 struct ktapi_call_info __user *uci)
{
	struct ktapi_call_snap snap;
	u32 size, flags, handle, priv;
	struct ktapi_call *c;
	unsigned int i;

	if (!user_read_access_begin(uci, offsetofend(typeof(*uci), handle)))
		return -EAGAIN;
	unsafe_get_user(size, &uci->size, in_fault);
	unsafe_get_user(flags, &uci->flags, in_fault);
	unsafe_get_user(handle, &uci->handle, in_fault);
	user_read_access_end();
	if (size != sizeof(*uci) || flags || !handle)
		return -EAGAIN;
	/* Pairs with the release in LINE_OPEN. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN)
		return -EAGAIN;

	rcu_read_lock();
	c = ktapi_call_lookup_rcu(f, handle, &snap, &priv);
	if (!c)
		goto out_again;
	pagefault_disable();
	if (!user_write_access_begin(uci, sizeof(*uci)))
		goto out_pf;
	unsafe_put_user(c->call_id, &uci->call_id, out_fault);
	unsafe_put_user(c->related_call_id, &uci->related_call_id, out_fault);
	unsafe_put_user(c->line->id, &uci->device_id, out_fault);
	unsafe_put_user(c->origin, &uci->origin, out_fault);
	unsafe_put_user(KTAPI_CALLREASON_DIRECT, &uci->reason, out_fault);
	unsafe_put_user(snap.state, &uci->state, out_fault);
	unsafe_put_user(snap.state_mode, &uci->state_mode, out_fault);
	unsafe_put_user(snap.states_seen, &uci->states_seen, out_fault);
	unsafe_put_user(priv, &uci->privilege, out_fault);
	unsafe_put_user(snap.num_owners, &uci->num_owners, out_fault);
	unsafe_put_user(snap.num_monitors, &uci->num_monitors, out_fault);
	unsafe_put_user(c->create_time_ns, &uci->create_time_ns, out_fault);
	unsafe_put_user(snap.state_time_ns, &uci->state_time_ns, out_fault);
	/*
	 * Both addresses in one loop of 8-byte words: half the instructions
	 * of two unsafe_copy_to_user().  The kernel's arrays are 8-byte
	 * aligned.
	 */
	static_assert(KTAPI_ADDRESS_MAX % sizeof(u64) == 0);
	for (i = 0; i < KTAPI_ADDRESS_MAX / sizeof(u64); i++) {
		unsafe_put_user(((const u64 *)c->caller_line->address)[i],
				(u64 __user *)uci->caller_address + i,
				out_fault);
		unsafe_put_user(((const u64 *)c->called_address)[i],
				(u64 __user *)uci->called_address + i,
				out_fault);
	}
	user_write_access_end();
	pagefault_enable();
	rcu_read_unlock();
	return 0;

in_fault:
	user_read_access_end();
	return -EAGAIN;
out_fault:
	user_write_access_end();
out_pf:
	pagefault_enable();
out_again:
	rcu_read_unlock();
	return -EAGAIN;
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
