// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: call legs and their call ids, the per-file handle map,
 * GET_CALL_INFO and DEALLOCATE_CALL.
 *
 * Handle map: file->handles is an allocating XArray (XA_FLAGS_ALLOC1, so 0
 * is never a handle; XA_FLAGS_ACCOUNT, so its nodes are charged to the
 * caller's memory cgroup) mapping a handle to its struct ktapi_handle.  A
 * handle is stored once, by its reservation, and made visible by a flag:
 *
 *   ktapi_handle_reserve()  stores the handle, dead (as every handle not
 *                           published is: see below), in a free slot:
 *                           lookups see ENOENT there, so a half-made call
 *                           cannot be reached by another thread guessing
 *                           the handle;
 *   ktapi_handle_publish()  clears its dead flag in the leg's seqcount
 *                           write section, under the pair lock: no second
 *                           XArray walk, nothing allocated, nothing can
 *                           fail but a closed line;
 *   ktapi_handle_unpublish() sets it again (the handle keeps its slot);
 *   ktapi_handle_unreserve() erases a handle never published, or
 *                           unpublished again.
 *
 * The id is the one xa_alloc_cyclic() would give, the lowest free id from
 * the cursor f->next_handle up to max_handles, then from 1: the slot at
 * the cursor, almost always free, is tried first under the xa_lock when
 * its leaf node exists (ktapi_handle_store_at_cursor()), else
 * __xa_alloc_cyclic() searches.  f->nr_handles counts the handles in the
 * map, published or being made.
 *
 * So a slot holds one of: nothing; a zero entry, the zombie slot of
 * ktapi_handle_unmap() (f->zombie, never a handle); a dead handle (being
 * made, or unpublished); a published one.  Whoever walks the map skips
 * zero entries with xas_retry() and dead handles with ktapi_handle_leg().
 * Deletion (DEALLOCATE_CALL, line close) happens under the pair lock of the
 * handle's call and finds only published, live entries: an empty or
 * zombie slot, or a dead handle, is ENOENT.
 *
 * Locking and lifetime (the order is in internal.h):
 *  - The pair lock (*leg->lock, shared by the two legs of one call)
 *    covers every change to them: publishing and removing their handles,
 *    the holders lists, peer links, states and counts.
 *  - leg->seq, a seqcount written under the pair lock with preemption
 *    disabled, lets GET_CALL_INFO read a consistent snapshot of the fields
 *    that change (state, state_mode, states_seen, state_time_ns, the
 *    counts, and whether its own handle was removed) without any lock.
 *  - Handles are looked up under rcu_read_lock().  A removed handle is
 *    erased from the map before it is freed, but legs (with their
 *    embedded handle) and allocated handles are freed at once, into
 *    caches made with SLAB_TYPESAFE_BY_RCU: under rcu_read_lock() what a
 *    lookup found is still memory of a leg or a handle, but it may have
 *    been freed and reused for another call since.  So:
 *     - the constructors (ktapi_leg_ctor(), ktapi_handle_ctor()) set once
 *       per object, never again, what a reader may touch in any object:
 *       leg->seq, leg->pair_lock, leg->lock (some pair lock), the dead
 *       flags (true: an unpublished handle is dead) and own.leg;
 *       allocation is kmem_cache_alloc() and explicit init of the rest;
 *     - a handle's dead flag is cleared only by ktapi_handle_publish(),
 *       after leg, file and id are set, in a leg->seq write section;
 *       ktapi_handle_leg() reads the leg after it, so a handle that was
 *       ever published names some leg;
 *     - a leg's reuse (ktapi_leg_alloc()) initialises it in a leg->seq
 *       write section, so a reader's read section that does not retry
 *       read one life of the leg;
 *     - a lockless reader checks, in such a read section, that the handle
 *       is live, is still handle @id of the file it looked in and names
 *       that leg (ktapi_handle_valid()), and only then follows the leg's
 *       pointers (its devices, its name: freed after an RCU grace period,
 *       which its read section holds off);
 *     - a reader that wants the pair lock takes the lock the leg points
 *       to (a constructed spinlock, whatever the leg is now), then checks
 *       again that the handle is live on that leg and that the leg's lock
 *       is the one it holds: ktapi_handle_found_locked() and
 *       ktapi_handle_call_locked() (internal.h), the only way to it;
 *       CALLSTATE checks prov->legs again under the lock it took.
 *    No call_rcu() is left here: the caches' destruction waits for their
 *    slab pages' grace periods itself.
 *  - A leg lives while a handle names it: the holders list of its handles
 *    is the only reference, and the last handle to go kills the leg.  The
 *    OUTBOUND leg's memory, which holds the pair lock, is freed only once
 *    both legs are dead (pair_legs).
 *  - Call ids come from per-CPU blocks of 64; see ktapi_call_id_alloc().
 */
#include <linux/bits.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "trace.h"

static struct kmem_cache *ktapi_leg_cache;
/* Legs on a provider's device: struct ktapi_pleg. */
static struct kmem_cache *ktapi_pleg_cache;
static struct kmem_cache *ktapi_handle_cache;

/*
 * Call ids.  A system-wide allocating XArray entry per call would cost a
 * tree walk and, when few calls are live, an XArray node made and freed
 * per call, and a lock shared by every call.  Instead ids are handed out
 * in blocks of 64: a block number is allocated cyclically in an XArray (so
 * it is unique among live blocks), and the calls made next on the same CPU
 * take its ids in turn.  A block lives while one of its calls does, or
 * while it is a CPU's current block, so an id is never given to two live
 * calls.  The XArray's lock is taken once per 64 calls.
 */
#define KTAPI_ID_BLOCK_SHIFT	6
#define KTAPI_ID_BLOCK_SIZE	BIT(KTAPI_ID_BLOCK_SHIFT)

struct ktapi_id_block {
	atomic_t live;		/* its live calls, plus 1 while current */
	u32 nr;			/* index in ktapi_id_blocks */
};

struct ktapi_id_cursor {
	struct ktapi_id_block *cur;	/* this CPU's current block */
	u32 used;			/* ids of it handed out */
};

static DEFINE_XARRAY_FLAGS(ktapi_id_blocks, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
static u32 ktapi_next_id_block;			/* ktapi_id_blocks xa_lock */
static DEFINE_PER_CPU(struct ktapi_id_cursor, ktapi_id_cursor);

static void ktapi_id_block_put(struct ktapi_id_block *b)
{
	if (atomic_dec_and_test(&b->live)) {
		xa_erase(&ktapi_id_blocks, b->nr);
		kfree(b);
	}
}

/* A new block, not yet current. */
static struct ktapi_id_block *ktapi_id_block_new(void)
{
	struct ktapi_id_block *b;
	int ret;

	b = kmalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	atomic_set(&b->live, 1);
	ret = xa_alloc_cyclic(&ktapi_id_blocks, &b->nr, b,
			      XA_LIMIT(1, U32_MAX >> KTAPI_ID_BLOCK_SHIFT),
			      &ktapi_next_id_block, GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		/* -EBUSY: 2^26 blocks with live calls; memory ran out first. */
		kfree(b);
		return NULL;
	}
	return b;
}

/*
 * A call id, unique among live calls and never 0, in *@id, and the block
 * it is from (a reference) in *@block.
 */
static int ktapi_call_id_alloc(struct ktapi_id_block **block, u32 *id)
{
	struct ktapi_id_block *fresh = NULL, *old = NULL;
	struct ktapi_id_cursor *cur;

	for (;;) {
		cur = get_cpu_ptr(&ktapi_id_cursor);
		if (fresh && (!cur->cur || cur->used == KTAPI_ID_BLOCK_SIZE)) {
			old = cur->cur;
			cur->cur = fresh;
			cur->used = 0;
			fresh = NULL;
		}
		if (cur->cur && cur->used < KTAPI_ID_BLOCK_SIZE)
			break;
		put_cpu_ptr(&ktapi_id_cursor);
		/* Allocate with preemption enabled, then try again. */
		fresh = ktapi_id_block_new();
		if (!fresh)
			return -ENOMEM;
	}
	atomic_inc(&cur->cur->live);
	*block = cur->cur;
	*id = cur->cur->nr << KTAPI_ID_BLOCK_SHIFT | cur->used++;
	put_cpu_ptr(&ktapi_id_cursor);
	/* Not needed after all (another task of this CPU made one). */
	if (fresh)
		ktapi_id_block_put(fresh);
	if (old)
		ktapi_id_block_put(old);
	return 0;
}

/*
 * Once per object of a slab, never at its reuse: what a lockless reader
 * may touch in a leg, whether it is live, free or someone else's.
 */
static void ktapi_leg_ctor(void *obj)
{
	struct ktapi_leg *c = obj;

	seqcount_init(&c->seq);
	spin_lock_init(&c->pair_lock);
	c->lock = &c->pair_lock;
	c->own.leg = c;
	c->own.embedded = true;
	c->own.dead = true;
}

static void ktapi_handle_ctor(void *obj)
{
	struct ktapi_given_handle *g = obj;

	/* No leg until published: read only once dead is false. */
	g->h.leg = NULL;
	g->h.embedded = false;
	g->h.dead = true;
}

#define KTAPI_TYPESAFE	(SLAB_ACCOUNT | SLAB_TYPESAFE_BY_RCU)

int ktapi_leg_cache_init(void)
{
	ktapi_leg_cache = kmem_cache_create("ktapi_leg",
					    sizeof(struct ktapi_leg),
					    __alignof__(struct ktapi_leg),
					    KTAPI_TYPESAFE, ktapi_leg_ctor);
	if (!ktapi_leg_cache)
		return -ENOMEM;
	ktapi_pleg_cache = kmem_cache_create("ktapi_pleg",
					     sizeof(struct ktapi_pleg),
					     __alignof__(struct ktapi_pleg),
					     KTAPI_TYPESAFE, ktapi_leg_ctor);
	if (!ktapi_pleg_cache) {
		kmem_cache_destroy(ktapi_leg_cache);
		return -ENOMEM;
	}
	/* Allocated handles are given ones (the embedded one is not). */
	ktapi_handle_cache = kmem_cache_create("ktapi_handle",
					       sizeof(struct ktapi_given_handle),
					       __alignof__(struct ktapi_given_handle),
					       KTAPI_TYPESAFE, ktapi_handle_ctor);
	if (!ktapi_handle_cache) {
		kmem_cache_destroy(ktapi_pleg_cache);
		kmem_cache_destroy(ktapi_leg_cache);
		return -ENOMEM;
	}
	return 0;
}

void ktapi_leg_cache_exit(void)
{
	struct ktapi_id_cursor *cur;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		cur = per_cpu_ptr(&ktapi_id_cursor, cpu);
		if (cur->cur)
			ktapi_id_block_put(cur->cur);
		cur->cur = NULL;
	}
	WARN_ON(!xa_empty(&ktapi_id_blocks));
	xa_destroy(&ktapi_id_blocks);
	/* SLAB_TYPESAFE_BY_RCU: these wait for the slab pages' RCU frees. */
	kmem_cache_destroy(ktapi_handle_cache);
	kmem_cache_destroy(ktapi_pleg_cache);
	kmem_cache_destroy(ktapi_leg_cache);
}

/**
 * ktapi_leg_alloc - make an unpublished leg with a call_id
 * @payer: the memory cgroup the leg is charged to (the caller's for an
 *	OUTBOUND leg, the owner's for an INTERNAL one, the provider's for an
 *	INBOUND one)
 * @gfp: GFP_KERNEL_ACCOUNT, with __GFP_NORETRY for another user's cgroup
 * @line: the line device the leg lives on
 * @caller_line: the line device that made the call
 * @called_address: the dialled address
 * @origin: KTAPI_CALLORIGIN_OUTBOUND, _INTERNAL or _INBOUND
 *
 * A leg on a provider's device is a struct ktapi_pleg, zeroed but for the
 * leg.  The leg has no state yet; the caller either publishes handles to it or
 * frees it with ktapi_leg_free().
 *
 * The object may be a freed leg that a lockless reader is still looking
 * at: it is initialised in a write section of its seq (which, like
 * pair_lock, keeps its constructor's initialisation), so that a reader
 * that read any of it before sees its read section retry.
 *
 * Return: the leg, or NULL when memory ran out.
 */
struct ktapi_leg *ktapi_leg_alloc(struct mem_cgroup *payer, gfp_t gfp,
				  struct ktapi_line_dev *line,
				  struct ktapi_line_dev *caller_line,
				  const char *called_address, u32 origin)
{
	bool prov = ktapi_line_is_provider(line);
	struct mem_cgroup *old = set_active_memcg(payer);
	struct ktapi_id_block *block;
	struct ktapi_leg *c;
	u32 call_id;

	c = kmem_cache_alloc(unlikely(prov) ? ktapi_pleg_cache :
			     ktapi_leg_cache, gfp);
	ktapi_charge_end(old);
	if (!c)
		return NULL;
	/*
	 * Not under the payer's cgroup: an id block serves the next 64 calls
	 * of whoever runs on this CPU, and its allocation may reclaim, which
	 * must not happen in another user's cgroup.  The caller pays.
	 */
	if (ktapi_call_id_alloc(&block, &call_id)) {
		kmem_cache_free(unlikely(prov) ? ktapi_pleg_cache :
				ktapi_leg_cache, c);
		return NULL;
	}
	/* A provider's devices outlive their legs (nothing for loopback). */
	ktapi_line_hold(line);
	ktapi_line_hold(caller_line);
	/* Every field but seq, pair_lock and own.leg, embedded and dead. */
	preempt_disable();
	write_seqcount_begin(&c->seq);
	c->state = 0;
	c->state_mode = 0;
	c->states_seen = 0;
	c->num_owners = 0;
	c->num_monitors = 0;
	c->state_time_ns = 0;
	c->lock = &c->pair_lock;
	c->call_id = call_id;
	c->related_call_id = 0;
	RCU_INIT_POINTER(c->app_name, NULL);
	c->create_time_ns = 0;
	c->line = line;
	c->caller_line = caller_line;
	c->id_block = block;
	c->peer = NULL;
	c->pair_legs = 1;
	c->origin = origin;
	c->own_ci_slot = 0;
	INIT_LIST_HEAD(&c->holders);
	strscpy_pad(c->called_address, called_address,
		    sizeof(c->called_address));
	c->own.file = NULL;
	c->own.id = 0;
	c->own.privilege = 0;
	if (unlikely(prov)) {
		struct ktapi_pleg *pl = ktapi_pleg(c);

		pl->close = NULL;
		pl->ready = false;
		pl->closed = false;
		memset(pl->caller_address, 0, sizeof(pl->caller_address));
	}
	write_seqcount_end(&c->seq);
	preempt_enable();
	ktapi_stat_inc(KTAPI_STAT_CALLS);
	ktapi_stat_inc(KTAPI_STAT_CALLS_TOTAL);
	return c;
}

/*
 * Free @c at once.  A lockless reader may still look at it, and at what
 * it points to: the devices and the name are freed after an RCU grace
 * period (kfree_rcu()), and the reader checks the leg's seq and its
 * handle before it trusts anything it read (see the header comment).
 */
static void ktapi_leg_destroy(struct ktapi_leg *c)
{
	struct kmem_cache *cache = ktapi_line_is_provider(c->line) ?
				   ktapi_pleg_cache : ktapi_leg_cache;

	ktapi_id_block_put(c->id_block);
	ktapi_app_name_put(rcu_dereference_protected(c->app_name, true));
	ktapi_line_put(c->line);
	ktapi_line_put(c->caller_line);
	kmem_cache_free(cache, c);
}

/* Free a leg no handle ever named. */
void ktapi_leg_free(struct ktapi_leg *c)
{
	ktapi_stat_dec(KTAPI_STAT_CALLS);
	ktapi_leg_destroy(c);
}

/*
 * The last handle of @c went: it no longer counts as a live call; its
 * memory goes once no leg of its pair needs the pair lock.  Under the pair
 * lock; the memory is freed by ktapi_reap() after it.
 */
static void ktapi_leg_kill(struct ktapi_leg *c, struct ktapi_reap *reap)
{
	/* The pair lock lives in the OUTBOUND leg. */
	struct ktapi_leg *out = container_of(c->lock, struct ktapi_leg,
					      pair_lock);

	lockdep_assert_held(c->lock);
	ktapi_stat_dec(KTAPI_STAT_CALLS);
	if (c != out)
		reap->legs[reap->n++] = c;
	if (!--out->pair_legs)
		reap->legs[reap->n++] = out;
}

/* Free the legs ktapi_leg_kill() left, after their pair lock. */
void ktapi_reap(struct ktapi_reap *reap)
{
	unsigned int i;

	for (i = 0; i < reap->n; i++)
		ktapi_leg_destroy(reap->legs[i]);
	reap->n = 0;
}

/* Start changing @c's GET_CALL_INFO fields.  Under the pair lock. */
void ktapi_leg_write_begin(struct ktapi_leg *c)
{
	lockdep_assert_held(c->lock);
	/* Readers spin while the count is odd: keep the section short. */
	preempt_disable();
	write_seqcount_begin(&c->seq);
}

void ktapi_leg_write_end(struct ktapi_leg *c)
{
	write_seqcount_end(&c->seq);
	preempt_enable();
}

/*
 * Queue a CALLSTATE event with the leg's state to every holder whose line
 * is open.  A line being closed has its queue closed before its handles
 * are voided, so dropping one of its calls tells nothing to its other,
 * still listed handles: after LINE_CLOSE a file gets no more events.
 * Under the pair lock.
 */
void ktapi_leg_notify(struct ktapi_leg *c, u64 now)
{
	struct ktapi_handle *h;

	lockdep_assert_held(c->lock);
	list_for_each_entry(h, &c->holders, call_node)
		ktapi_evq_push(&h->file->evq, KTAPI_EV_CALLSTATE, h,
			       c->state, c->state_mode, now);
}

/**
 * ktapi_leg_init_state - give an unpublished leg its first state
 * @c: the leg
 * @state: KTAPI_CALLSTATE_*
 * @now: the time it is published, which is also its creation time
 *
 * Its holders are told with ktapi_leg_notify() once they are published.
 */
void ktapi_leg_init_state(struct ktapi_leg *c, u32 state, u64 now)
{
	trace_ktapi_call_state(c->call_id, c->line->id, 0, state, 0);
	c->state = state;
	c->states_seen = state;
	c->create_time_ns = now;
	c->state_time_ns = now;
}

/**
 * ktapi_leg_set_state_at - change a leg's state and tell its holders
 * @c: the leg
 * @state: KTAPI_CALLSTATE_*
 * @mode: KTAPI_DISCONNECTMODE_* for DISCONNECTED, else 0
 * @now: the time of the change (ktime_get_ns())
 */
void ktapi_leg_set_state_at(struct ktapi_leg *c, u32 state, u32 mode,
			    u64 now)
{
	lockdep_assert_held(c->lock);
	trace_ktapi_call_state(c->call_id, c->line->id, c->state, state, mode);
	ktapi_leg_write_begin(c);
	c->state = state;
	c->state_mode = mode;
	c->states_seen |= state;
	c->state_time_ns = now;
	ktapi_leg_write_end(c);
	ktapi_leg_notify(c, now);
}

/* ktapi_leg_set_state_at(), now. */
void ktapi_leg_set_state(struct ktapi_leg *c, u32 state, u32 mode)
{
	ktapi_leg_set_state_at(c, state, mode, ktime_get_ns());
}

/* Disconnect @c's peer, if not IDLE, as @c left state @old at @now. */
static void ktapi_leg_disconnect_peer(struct ktapi_leg *c, u32 old, u64 now)
{
	struct ktapi_leg *peer = c->peer;

	if (peer && peer->state != KTAPI_CALLSTATE_IDLE &&
	    peer->state != KTAPI_CALLSTATE_DISCONNECTED)
		ktapi_leg_set_state_at(peer, KTAPI_CALLSTATE_DISCONNECTED,
				       old == KTAPI_CALLSTATE_OFFERING ?
				       KTAPI_DISCONNECTMODE_REJECT :
				       KTAPI_DISCONNECTMODE_NORMAL, now);
}

/**
 * ktapi_leg_drop - move a non-IDLE leg to IDLE, disconnecting its peer
 * @c: the leg, under its pair lock
 *
 * The peer, if not IDLE, becomes DISCONNECTED: REJECT when an OFFERING leg
 * was dropped, else NORMAL.
 */
void ktapi_leg_drop(struct ktapi_leg *c)
{
	u32 old = c->state;
	u64 now = ktime_get_ns();

	lockdep_assert_held(c->lock);
	ktapi_leg_set_state_at(c, KTAPI_CALLSTATE_IDLE, 0, now);
	ktapi_leg_disconnect_peer(c, old, now);
}

/*
 * ktapi_leg_drop() of a leg whose last handle just went, before it is
 * killed: nobody can see its own IDLE state any more (no holder to tell,
 * and a lockless reader of its handles finds them dead), so only tracers
 * are told of it; its peer is disconnected as ktapi_leg_drop() does.
 */
static void ktapi_leg_drop_unheld(struct ktapi_leg *c)
{
	lockdep_assert_held(c->lock);
	trace_ktapi_call_state(c->call_id, c->line->id, c->state,
			       KTAPI_CALLSTATE_IDLE, 0);
	if (c->peer)
		ktapi_leg_disconnect_peer(c, c->state, ktime_get_ns());
}

/*
 * Erase @f's reserved zombie slot (see ktapi_handle_unmap()), if it has one.
 * Under the handles xa_lock.  Return: whether there was one.
 */
static bool ktapi_handle_zombie_erase_locked(struct ktapi_file *f)
{
	u32 id = f->zombie;

	lockdep_assert_held(&f->handles.xa_lock);
	if (id) {
		__xa_erase(&f->handles, id);
		WRITE_ONCE(f->zombie, 0);
	}
	return id;
}

/*
 * Store dead @h in the slot at @f's cursor if that slot is free and within
 * the limit: the id __xa_alloc_cyclic() would give, the lowest free one
 * from the cursor on.  Only in an existing leaf node, so nothing is
 * allocated.  Under the handles xa_lock.  Return: whether @h was stored.
 */
static bool ktapi_handle_store_at_cursor(struct ktapi_handle *h,
					 struct ktapi_file *f)
{
	u32 id = max(f->next_handle, 1U);
	XA_STATE(xas, &f->handles, id);

	lockdep_assert_held(&f->handles.xa_lock);
	if (unlikely(id > f->max_handles))
		return false;
	/* A NULL slot of an allocating XArray is marked XA_FREE_MARK. */
	if (xas_load(&xas) || !xas_valid(&xas) || !xas.xa_node ||
	    xas.xa_node->shift)
		return false;
	WRITE_ONCE(h->id, id);
	xas_store(&xas, h);
	/* As __xa_alloc() does: the slot is no longer free. */
	xas_clear_mark(&xas, XA_FREE_MARK);
	/* max_handles < U32_MAX: the cursor never wraps to 0 here. */
	f->next_handle = id + 1;
	return true;
}

static int ktapi_handle_reserve_gfp(struct ktapi_handle *h,
				    struct ktapi_file *f, gfp_t gfp)
{
	int ret = 0;
	u32 id;

	/* Dead since its constructor or its last removal: see the top. */
	WARN_ON_ONCE(!READ_ONCE(h->dead));
	WRITE_ONCE(h->file, f);
	xa_lock(&f->handles);
	if (likely(ktapi_handle_store_at_cursor(h, f)))
		goto out;
	for (;;) {
		/* Drops and retakes the xa_lock to allocate a node. */
		ret = __xa_alloc_cyclic(&f->handles, &id, h,
					XA_LIMIT(1, f->max_handles),
					&f->next_handle, gfp);
		/* Full: a deallocated handle may still hold its slot. */
		if (ret != -EBUSY || !ktapi_handle_zombie_erase_locked(f))
			break;
	}
	if (ret < 0) {
		xa_unlock(&f->handles);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	/* Lockless readers may look at @h (dead) meanwhile: one store. */
	WRITE_ONCE(h->id, id);
out:
	WRITE_ONCE(f->nr_handles, f->nr_handles + 1);
	xa_unlock(&f->handles);
	return 0;
}

/**
 * ktapi_handle_reserve_id - reserve a handle id in a file for @h
 * @h: an unpublished handle
 * @f: the file, which is charged for the slot
 *
 * Return: 0, -ENOSPC when the file's handle space is full, -ENOMEM.
 */
int ktapi_handle_reserve_id(struct ktapi_handle *h, struct ktapi_file *f)
{
	struct mem_cgroup *old = ktapi_charge_begin(f);
	int ret;

	ret = ktapi_handle_reserve_gfp(h, f, GFP_KERNEL_ACCOUNT);
	ktapi_charge_end(old);
	return ret;
}

static struct ktapi_handle *ktapi_handle_try_reserve(struct ktapi_file *f,
						     struct mem_cgroup *payer,
						     gfp_t gfp)
{
	struct mem_cgroup *old = set_active_memcg(payer);
	struct ktapi_given_handle *g;
	struct ktapi_handle *h;
	int ret;

	g = kmem_cache_alloc(ktapi_handle_cache, gfp);
	if (!g) {
		h = ERR_PTR(-ENOMEM);
		goto out;
	}
	/*
	 * Maybe a freed handle a lockless reader still looks at: leg, dead
	 * and embedded keep what they hold (dead is true), the rest is set
	 * here and by the reservation (file, id).
	 */
	g->h.privilege = 0;
	INIT_LIST_HEAD(&g->ann_node);
	g->ann_time_ns = 0;
	g->ann_state = 0;
	g->ci_slot = 0;
	g->ann_seq = 0;
	h = &g->h;
	ret = ktapi_handle_reserve_gfp(h, f, gfp);
	if (ret) {
		kmem_cache_free(ktapi_handle_cache, g);
		h = ERR_PTR(ret);
	}
out:
	ktapi_charge_end(old);
	return h;
}

/**
 * ktapi_handle_reserve - allocate a handle and reserve its id in a file
 * @f: the file that will hold it, and pays for it
 * @caller: the memory cgroup of who makes the call (a file, a provider)
 * @fallback: when @f's memory cgroup is at its limit, charge @caller
 *	instead (the callee's OWNER handle); without it (a MONITOR handle)
 *	the reservation fails with -ENOMEM and the caller pays nothing
 *
 * The charge to another cgroup than @caller's neither retries reclaim nor
 * OOM-kills there (__GFP_NORETRY): the caller's context does not reclaim
 * another user's memory for long.
 *
 * Return: the unpublished handle, ERR_PTR(-ENOSPC) when the file's handle
 * space is full, ERR_PTR(-ENOMEM).
 */
struct ktapi_handle *ktapi_handle_reserve(struct ktapi_file *f,
					  struct mem_cgroup *caller,
					  bool fallback)
{
	struct ktapi_handle *h;

	if (f->memcg == caller)
		return ktapi_handle_try_reserve(f, f->memcg, GFP_KERNEL_ACCOUNT);
	h = ktapi_handle_try_reserve(f, f->memcg, GFP_KERNEL_ACCOUNT |
				     __GFP_NORETRY | __GFP_NOWARN);
	if (fallback && h == ERR_PTR(-ENOMEM))
		h = ktapi_handle_try_reserve(f, caller, GFP_KERNEL_ACCOUNT);
	return h;
}

/* Give back a reserved handle, never published or unpublished again. */
void ktapi_handle_unreserve(struct ktapi_handle *h)
{
	struct ktapi_file *f = h->file;

	xa_lock(&f->handles);
	__xa_erase(&f->handles, h->id);
	WRITE_ONCE(f->nr_handles, f->nr_handles - 1);
	xa_unlock(&f->handles);
	/* Dead all along: a lookup that found it meanwhile sees ENOENT. */
	if (!h->embedded)
		kmem_cache_free(ktapi_handle_cache, ktapi_given(h));
}

/**
 * ktapi_handle_publish - make a reserved handle name a leg
 * @h: the reserved handle
 * @c: the leg, under its pair lock
 * @privilege: KTAPI_PRIVILEGE_OWNER or _MONITOR
 * @announce: queue an APPNEWCALL record for it (@h is then a
 *	ktapi_given_handle, which the record waits in when the ring is full)
 * @now: the time of that record
 *
 * Return: false when the file's line was closed meanwhile: the handle is
 * still only reserved, and the caller unreserves it.
 */
bool ktapi_handle_publish(struct ktapi_handle *h, struct ktapi_leg *c,
			  u32 privilege, bool announce, u64 now)
{
	struct ktapi_file *f = h->file;

	lockdep_assert_held(c->lock);
	spin_lock(&f->evq.lock);
	if (f->evq.closed) {
		spin_unlock(&f->evq.lock);
		return false;
	}
	WRITE_ONCE(h->leg, c);
	WRITE_ONCE(h->privilege, privilege);
	WRITE_ONCE(f->last, h);
	list_add_tail(&h->call_node, &c->holders);
	/* Its barrier orders leg, file and id before dead (ktapi_handle_leg()). */
	ktapi_leg_write_begin(c);
	WRITE_ONCE(h->dead, false);
	if (privilege == KTAPI_PRIVILEGE_OWNER)
		c->num_owners++;
	else
		c->num_monitors++;
	ktapi_leg_write_end(c);
	/* In its slot since the reservation: nothing to store. */
	if (announce)
		ktapi_evq_queue_locked(&f->evq, KTAPI_EV_APPNEWCALL, h,
				       c->state, 0, now);
	spin_unlock(&f->evq.lock);
	if (announce)
		ktapi_evq_wake(&f->evq);
	ktapi_stat_inc(KTAPI_STAT_HANDLES);
	ktapi_stat_inc(KTAPI_STAT_HANDLES_TOTAL);
	trace_ktapi_handle_alloc(c->line->id, h->id, c->call_id, privilege);
	return true;
}

/*
 * ktapi_handle_find_rcu()'s miss: xa_load() without its own RCU section
 * (the caller holds rcu_read_lock()); the zombie slot reads as empty.
 */
struct ktapi_handle *ktapi_handle_load_rcu(struct ktapi_file *f, u32 id)
{
	XA_STATE(xas, &f->handles, id);
	struct ktapi_handle *h;

	do {
		h = xas_load(&xas);
		if (xa_is_zero(h))
			h = NULL;
	} while (xas_retry(&xas, h));
	return h;
}

/*
 * Before @h is unpublished or removed, and so before it may be freed:
 * its file's lookup cache no longer names it.  Only if it still does: a
 * handle published into that file since (under another pair lock, and
 * the file's evq.lock) stays cached.
 */
static void ktapi_handle_uncache(struct ktapi_handle *h)
{
	cmpxchg(&h->file->last, h, NULL);
}

/**
 * ktapi_handle_unpublish - undo ktapi_handle_publish() of an unannounced handle
 * @h: a handle published without an APPNEWCALL, under its pair lock
 *
 * The handle is only reserved again (dead in its slot), and a lookup or a
 * call op that found it meanwhile sees ENOENT.  No record was queued for
 * it, so nothing else is undone.
 */
void ktapi_handle_unpublish(struct ktapi_handle *h)
{
	struct ktapi_leg *c = h->leg;

	lockdep_assert_held(c->lock);
	trace_ktapi_handle_free(c->line->id, h->id, c->call_id, h->privilege);
	ktapi_handle_uncache(h);
	list_del(&h->call_node);
	ktapi_leg_write_begin(c);
	WRITE_ONCE(h->dead, true);
	if (h->privilege == KTAPI_PRIVILEGE_OWNER)
		c->num_owners--;
	else
		c->num_monitors--;
	ktapi_leg_write_end(c);
	ktapi_stat_dec(KTAPI_STAT_HANDLES);
}

/*
 * Take handle @id out of @f's map.  With cyclic ids and few live handles,
 * erasing the last handle of an XArray leaf frees that node, and the next
 * MAKE_CALL makes it again (a node allocation, and its RCU free, per call).
 * So with @keep one slot per file stays reserved as a "zombie" to keep the
 * leaf the cursor is in: a handle in the zombie's leaf is erased at once;
 * one in another leaf becomes the zombie, and the old zombie is erased.
 * Lookups see the zombie slot (a zero entry) as empty.
 */
static void ktapi_handle_unmap(struct ktapi_file *f, u32 id, bool keep)
{
	xa_lock(&f->handles);
	WRITE_ONCE(f->nr_handles, f->nr_handles - 1);
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
 * @reap: where a leg to free after the pair lock goes
 *
 * When the last handle of a leg goes, a non-IDLE leg is dropped (its peer
 * sees DISCONNECTED; its own IDLE, which nobody can see any more, is only
 * traced), it is unlinked from its peer and killed.  A leg on a
 * provider's device is never dropped here (its provider reports its
 * states): its provider gets a DROP notice where a loopback leg would be
 * dropped with handles left, and a CLOSECALL when the last one goes.
 * The other holders that asked for them get a CALLINFO record (after that
 * drop: none for a leg gone IDLE).  Under the pair lock.
 */
void ktapi_handle_remove(struct ktapi_handle *h, bool line_close,
			 struct ktapi_reap *reap)
{
	struct ktapi_leg *c = h->leg;
	struct ktapi_file *f = h->file;
	bool sole_owner, last;
	u32 bits;

	lockdep_assert_held(c->lock);
	trace_ktapi_handle_free(c->line->id, h->id, c->call_id, h->privilege);
	ktapi_handle_unmap(f, h->id, !line_close);
	ktapi_handle_uncache(h);
	list_del(&h->call_node);
	ktapi_leg_write_begin(c);
	WRITE_ONCE(h->dead, true);
	if (h->privilege == KTAPI_PRIVILEGE_OWNER)
		c->num_owners--;
	else
		c->num_monitors--;
	ktapi_leg_write_end(c);
	sole_owner = h->privilege == KTAPI_PRIVILEGE_OWNER && !c->num_owners;
	bits = h->privilege == KTAPI_PRIVILEGE_OWNER ?
	       KTAPI_CALLINFOSTATE_NUMOWNERDECR : KTAPI_CALLINFOSTATE_NUMMONITORS;
	/* An APPNEWCALL that still waits for room goes before the handle. */
	ktapi_evq_withdraw(h);
	/* Dead: a lockless reader that still finds it sees ENOENT. */
	if (!h->embedded)
		kmem_cache_free(ktapi_handle_cache, ktapi_given(h));
	ktapi_stat_dec(KTAPI_STAT_HANDLES);

	last = list_empty(&c->holders);
	if (unlikely(ktapi_line_is_provider(c->line))) {
		if (last)
			ktapi_provider_closecall(c);
		else if (line_close && sole_owner &&
			 c->state != KTAPI_CALLSTATE_IDLE)
			ktapi_provider_owner_gone(c);
	} else if (c->state != KTAPI_CALLSTATE_IDLE && last) {
		ktapi_leg_drop_unheld(c);
	} else if (c->state != KTAPI_CALLSTATE_IDLE && line_close &&
		   sole_owner) {
		ktapi_leg_drop(c);
	}

	if (last) {
		if (c->peer) {
			c->peer->peer = NULL;
			c->peer = NULL;
		}
		ktapi_leg_kill(c, reap);
	} else {
		/* After the drop: a leg gone IDLE tells nothing more. */
		ktapi_callinfo_notify(c, f, bits);
	}
}

/* Handles voided per RCU read section of ktapi_file_void_handles(). */
#define KTAPI_VOID_BATCH	64

/* ktapi_file_void_handles() of one handle, under its pair lock. */
static int ktapi_handle_void_locked(struct ktapi_handle *h, void *reap)
{
	ktapi_handle_remove(h, true, reap);
	return 0;
}

/**
 * ktapi_file_void_handles - line close: void every handle of the file
 * @f: a file whose queue is closed (release or forced close)
 *
 * In batches of KTAPI_VOID_BATCH handles per RCU read section, each handle
 * under its own pair lock and nothing else, so another file waits at most
 * for one handle's removal; cond_resched() between batches, so a file with
 * millions of handles delays no one.  Nothing can be published into @f any
 * more; a concurrent DEALLOCATE_CALL or another voiding of @f finds each
 * handle dead or gone.
 */
void ktapi_file_void_handles(struct ktapi_file *f)
{
	struct ktapi_reap reap = { .n = 0 };
	unsigned long next = 0;
	struct ktapi_handle *h;
	unsigned int n;
	int ret;

	do {
		XA_STATE(xas, &f->handles, next);

		n = 0;
		rcu_read_lock();
		xas_for_each(&xas, h, ULONG_MAX) {
			/* The zombie slot (a zero entry) is skipped too. */
			if (xas_retry(&xas, h))
				continue;
			/*
			 * Gone meanwhile, voided by another thread, or dead:
			 * being made (it never will be published: the queue
			 * is closed, and its maker unreserves it).
			 */
			ktapi_handle_found_locked(f, xas.xa_index, h,
						  ktapi_handle_void_locked,
						  &reap, &ret);
			ktapi_reap(&reap);
			if (++n == KTAPI_VOID_BATCH) {
				next = xas.xa_index + 1;
				break;
			}
		}
		rcu_read_unlock();
		cond_resched();
	} while (n == KTAPI_VOID_BATCH);
	xa_lock(&f->handles);
	ktapi_handle_zombie_erase_locked(f);
	xa_unlock(&f->handles);
}

/*
 * GET_CALL_INFO takes no lock.  Under rcu_read_lock() the handle is looked
 * up and its leg's changing fields are read in a leg->seq read section,
 * together with the handle's dead flag: ktapi_handle_remove() sets it in
 * the same write section as it changes the counts, so a snapshot of a live
 * handle always counts that handle, and one of a handle removed meanwhile
 * is ENOENT.  The leg may be freed and reused for another call at any
 * time (SLAB_TYPESAFE_BY_RCU): its reuse is a write section too, so the
 * fields that are constant in one life of a leg are read before the read
 * section's last check (ktapi_leg_lookup_rcu()'s caller does it, with
 * the sequence it returns), and only after ktapi_handle_valid().
 */
struct ktapi_leg_snap {
	u32 state;
	u32 state_mode;
	u32 states_seen;
	u32 num_owners;
	u32 num_monitors;
	u64 state_time_ns;
};

/* Read @c's changing fields: in a read section of @c->seq, or locked. */
static __always_inline void ktapi_leg_read_snap(const struct ktapi_leg *c,
						struct ktapi_leg_snap *snap)
{
	snap->state = c->state;
	snap->state_mode = c->state_mode;
	snap->states_seen = c->states_seen;
	snap->num_owners = c->num_owners;
	snap->num_monitors = c->num_monitors;
	snap->state_time_ns = c->state_time_ns;
}

/*
 * What is constant in one life of a leg, as GET_CALL_INFO reports it.  A
 * leg found without its pair lock may be freed and reused for another
 * user's call at any time, so this is copied to the stack first and
 * checked against the read section before any byte of it is used (a copy
 * written straight out would show another call's addresses and name).
 */
struct ktapi_leg_fixed {
	u32 call_id;
	u32 related_call_id;
	u32 device_id;
	u32 origin;
	u64 create_time_ns;
	u64 caller[KTAPI_ADDRESS_MAX / sizeof(u64)];
	u64 called[KTAPI_ADDRESS_MAX / sizeof(u64)];
	u64 name[KTAPI_APP_NAME_MAX / sizeof(u64)];
};

/*
 * Copy @c's constant fields into @fx, the name only @with_name.  Under
 * rcu_read_lock(), after ktapi_leg_lookup_rcu() found @c (valid only if
 * the read section does not retry after it), or under the pair lock.
 */
static __always_inline void ktapi_leg_read_fixed(struct ktapi_leg *c,
						 struct ktapi_leg_fixed *fx,
						 bool with_name)
{
	fx->call_id = c->call_id;
	fx->related_call_id = READ_ONCE(c->related_call_id);
	fx->device_id = c->line->id;
	fx->origin = c->origin;
	fx->create_time_ns = c->create_time_ns;
	memcpy(fx->caller, ktapi_leg_caller_address(c), sizeof(fx->caller));
	memcpy(fx->called, c->called_address, sizeof(fx->called));
	if (with_name)
		memcpy(fx->name, ktapi_leg_app_name(c), sizeof(fx->name));
}

/*
 * The call of handle @id of @f, its snapshot in @snap, its privilege in
 * @priv; NULL when there is no such handle.  Under rcu_read_lock().  The
 * leg's constant fields may be read after it, and are of the same life of
 * the leg if read_seqcount_retry(&leg->seq, *@seqp) is false after them.
 */
static __always_inline struct ktapi_leg *
ktapi_leg_lookup_rcu(struct ktapi_file *f, u32 id, struct ktapi_leg_snap *snap,
		     u32 *priv, unsigned int *seqp)
{
	struct ktapi_handle *h = ktapi_handle_find_rcu(f, id);
	struct ktapi_leg *c;
	unsigned int seq;
	bool valid;

	if (!h)
		return NULL;
	c = ktapi_handle_leg(h);
	if (!c)
		return NULL;
	do {
		seq = read_seqcount_begin(&c->seq);
		valid = ktapi_handle_valid(h, f, id, c);
		*priv = READ_ONCE(h->privilege);
		ktapi_leg_read_snap(c, snap);
	} while (read_seqcount_retry(&c->seq, seq));
	*seqp = seq;
	return valid ? c : NULL;
}

/* The kernel's struct of GET_CALL_INFO's full path, from what was read. */
static void ktapi_call_info_fill(struct ktapi_call_info *ci,
				 const struct ktapi_leg_snap *snap, u32 priv,
				 const struct ktapi_leg_fixed *fx)
{
	ci->call_id = fx->call_id;
	ci->related_call_id = fx->related_call_id;
	ci->device_id = fx->device_id;
	ci->origin = fx->origin;
	ci->reason = KTAPI_CALLREASON_DIRECT;
	ci->state = snap->state;
	ci->state_mode = snap->state_mode;
	ci->states_seen = snap->states_seen;
	ci->privilege = priv;
	ci->num_owners = snap->num_owners;
	ci->num_monitors = snap->num_monitors;
	ci->create_time_ns = fx->create_time_ns;
	ci->state_time_ns = snap->state_time_ns;
	memcpy(ci->caller_address, fx->caller, sizeof(ci->caller_address));
	memcpy(ci->called_address, fx->called, sizeof(ci->called_address));
	/* Every byte: a VER0 caller's struct ends before it (not copied). */
	memcpy(ci->app_name, fx->name, sizeof(ci->app_name));
}

/* GET_CALL_INFO under the pair lock of a live handle. */
static int ktapi_call_info_locked(struct ktapi_handle *h, void *arg)
{
	struct ktapi_leg_snap snap;
	struct ktapi_leg_fixed fx;

	ktapi_leg_read_snap(h->leg, &snap);
	ktapi_leg_read_fixed(h->leg, &fx, true);
	ktapi_call_info_fill(arg, &snap, h->privilege, &fx);
	return 0;
}

/*
 * The full path: one lockless try; if the leg changed meanwhile (or was
 * freed and reused), the call is read under its pair lock, so a reader
 * never retries without bound against a call that keeps changing.
 */
int ktapi_ioctl_get_call_info(struct ktapi_ucmd *ucmd)
{
	struct ktapi_call_info *ci = ucmd->arg;
	struct ktapi_file *f = ucmd->file;
	struct ktapi_leg_snap snap;
	struct ktapi_leg_fixed fx;
	struct ktapi_leg *c;
	unsigned int seq;
	bool changed = false;
	u32 priv;

	/* Pairs with the release in LINE_OPEN. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;
	if (!ci->handle)
		return -ENOENT;

	rcu_read_lock();
	c = ktapi_leg_lookup_rcu(f, ci->handle, &snap, &priv, &seq);
	if (c) {
		ktapi_leg_read_fixed(c, &fx, true);
		changed = read_seqcount_retry(&c->seq, seq);
	}
	rcu_read_unlock();
	if (!c)
		return -ENOENT;
	if (unlikely(changed))
		return ktapi_handle_call_locked(f, ci->handle,
						ktapi_call_info_locked, ci);
	ktapi_call_info_fill(ci, &snap, priv, &fx);
	return 0;
}

/*
 * The eight words of @s to the user's @d, unrolled (a loop costs as many
 * instructions again): between user_write_access_begin() and
 * user_write_access_end().  Return: false on a fault.
 */
static __always_inline bool ktapi_put_user_words8(u64 __user *d,
						  const u64 s[8])
{
	unsafe_put_user(s[0], d + 0, fault);
	unsafe_put_user(s[1], d + 1, fault);
	unsafe_put_user(s[2], d + 2, fault);
	unsafe_put_user(s[3], d + 3, fault);
	unsafe_put_user(s[4], d + 4, fault);
	unsafe_put_user(s[5], d + 5, fault);
	unsafe_put_user(s[6], d + 6, fault);
	unsafe_put_user(s[7], d + 7, fault);
	return true;
fault:
	return false;
}

/**
 * ktapi_call_info_fast - GET_CALL_INFO without copying the struct
 * @f: the file
 * @uci: the user's struct
 *
 * The common case: size is the kernel's (or the first published one,
 * KTAPI_CALL_INFO_SIZE_VER0, of programs built before app_name), no flags,
 * an open line and a valid handle.  The call's fields are copied to the
 * stack in the leg's read section, checked with read_seqcount_retry(),
 * and only then, after rcu_read_unlock(), written to the user's struct
 * without the dispatcher's copy of the whole struct.  Anything else
 * (another size, a fault, an error, a leg that changed or was freed and
 * reused meanwhile) is left to the full path of the dispatcher, which
 * checks everything in the documented order.
 *
 * A fault midway leaves the user's struct half written with this call's
 * own snapshot (never another call's: nothing is written before the
 * check); the full path then writes the whole struct again, or fails
 * (EFAULT, or ENOENT when the handle went meanwhile), as the uapi header
 * allows: on error the output fields are undefined.  Input fields (size,
 * flags, handle) are never written here.
 *
 * Return: 0, -EAGAIN for "use the full path".
 */
int ktapi_call_info_fast(struct ktapi_file *f,
			 struct ktapi_call_info __user *uci)
{
	/* Every byte copied out is written first: no zeroing (INIT_STACK). */
	struct ktapi_leg_snap snap __uninitialized;
	struct ktapi_leg_fixed fx __uninitialized;
	u32 size, flags, handle, priv;
	struct ktapi_leg *c;
	unsigned int seq;

	if (!user_read_access_begin(uci, offsetofend(typeof(*uci), handle)))
		return -EAGAIN;
	/* The size first: nothing past a smaller struct is read. */
	unsafe_get_user(size, &uci->size, in_fault);
	if (size != sizeof(*uci) && size != KTAPI_CALL_INFO_SIZE_VER0)
		goto in_fault;
	unsafe_get_user(flags, &uci->flags, in_fault);
	unsafe_get_user(handle, &uci->handle, in_fault);
	user_read_access_end();
	if (flags || !handle)
		return -EAGAIN;
	/* Pairs with the release in LINE_OPEN. */
	if (smp_load_acquire(&f->state) != KTAPI_FILE_OPEN)
		return -EAGAIN;

	rcu_read_lock();
	c = ktapi_leg_lookup_rcu(f, handle, &snap, &priv, &seq);
	if (!c)
		goto out_again;
	ktapi_leg_read_fixed(c, &fx, size == sizeof(*uci));
	if (read_seqcount_retry(&c->seq, seq))
		goto out_again;
	rcu_read_unlock();
	if (!user_write_access_begin(uci, size))
		return -EAGAIN;
	unsafe_put_user(fx.call_id, &uci->call_id, out_fault);
	unsafe_put_user(fx.related_call_id, &uci->related_call_id, out_fault);
	unsafe_put_user(fx.device_id, &uci->device_id, out_fault);
	unsafe_put_user(fx.origin, &uci->origin, out_fault);
	unsafe_put_user(KTAPI_CALLREASON_DIRECT, &uci->reason, out_fault);
	unsafe_put_user(snap.state, &uci->state, out_fault);
	unsafe_put_user(snap.state_mode, &uci->state_mode, out_fault);
	unsafe_put_user(snap.states_seen, &uci->states_seen, out_fault);
	unsafe_put_user(priv, &uci->privilege, out_fault);
	unsafe_put_user(snap.num_owners, &uci->num_owners, out_fault);
	unsafe_put_user(snap.num_monitors, &uci->num_monitors, out_fault);
	unsafe_put_user(fx.create_time_ns, &uci->create_time_ns, out_fault);
	unsafe_put_user(snap.state_time_ns, &uci->state_time_ns, out_fault);
	/* The addresses and the name, 64 bytes each. */
	static_assert(sizeof(fx.caller) == sizeof(uci->caller_address));
	static_assert(sizeof(fx.called) == sizeof(uci->called_address));
	static_assert(sizeof(fx.name) == sizeof(uci->app_name));
	if (!ktapi_put_user_words8((u64 __user *)uci->caller_address, fx.caller) ||
	    !ktapi_put_user_words8((u64 __user *)uci->called_address, fx.called))
		goto out_fault;
	if (size == sizeof(*uci) &&
	    !ktapi_put_user_words8((u64 __user *)uci->app_name, fx.name))
		goto out_fault;
	user_write_access_end();
	return 0;

in_fault:
	user_read_access_end();
	return -EAGAIN;
out_fault:
	user_write_access_end();
	return -EAGAIN;
out_again:
	rcu_read_unlock();
	return -EAGAIN;
}

/* DEALLOCATE_CALL of a live handle, under its pair lock. */
int ktapi_deallocate_locked(struct ktapi_file *f, struct ktapi_handle *h,
			    struct ktapi_reap *reap)
{
	lockdep_assert_held(h->leg->lock);
	/* TAPI 1.x: the sole owner may not deallocate an active call. */
	if (f->api_version < KTAPI_API_VERSION_2_0 &&
	    h->privilege == KTAPI_PRIVILEGE_OWNER &&
	    h->leg->num_owners == 1 &&
	    h->leg->state != KTAPI_CALLSTATE_IDLE)
		return -EBUSY;
	ktapi_handle_remove(h, false, reap);
	return 0;
}
