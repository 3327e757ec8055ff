/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktapi: objects shared by the parts of the module.
 *
 * DOC: Locking
 *
 * There is no lock of the whole switch.  Each lock covers the objects of
 * one call pair, one line device or one file, so unrelated calls never
 * meet on a lock:
 *
 *   line->lock      (spinlock, line.c) the list of open files of one line
 *                   device and whether it is being removed: LINE_OPEN,
 *                   release, CLOSE_LINE_DEVICE and a device's removal.
 *                   MAKE_CALL does not take it: it walks the list under
 *                   ktapi_srcu (an SRCU read section may sleep, so the
 *                   handles of the monitors are allocated during the walk),
 *                   and a file is freed only after an SRCU grace period.
 *   ktapi_devices xa_lock (spinlock, line.c) the registry of line devices
 *                   by id and the next id: taken only to add a provider's
 *                   device (one insert) and to remove it (one erase);
 *                   GET_DEVCAPS, LINE_OPEN and CLOSE_LINE_DEVICE look ids up
 *                   under RCU.  Taken alone.
 *   ktapi_files_lock (spinlock, line.c) the list of every open file of
 *                   /dev/ktapi: open() adds, release() unlinks, O(1) each.
 *                   LINE_CREATE and LINE_REMOVE walk it under ktapi_srcu
 *                   without it, taking each file's evq.lock alone, one file
 *                   at a time, with cond_resched() between.  Taken alone.
 *                   The one lock every open() and release() share: an O(1)
 *                   hold, on no call path.
 *   *leg->lock     (spinlock, call.c) the pair lock: the two legs of one
 *                   call share it (it lives in the OUTBOUND leg, which is
 *                   freed after both legs).  It covers the legs' states,
 *                   holders lists and peer links, the seqcount that
 *                   GET_CALL_INFO reads, and each holder handle's dead flag.
 *                   Events of one handle are queued under it, so they stay
 *                   in order; unrelated calls need no common order.
 *   file->evq.lock  (spinlock, event.c) one file's event queue and whether
 *                   it is closed (the line state that matters to others): a
 *                   handle is published into a file, and an event queued,
 *                   only while its queue is open, under this lock.  It also
 *                   covers what waits behind a full ring: the list of
 *                   handles whose APPNEWCALL waits for room (linked through
 *                   ktapi_given_handle.ann_node, under the handle's pair
 *                   lock too), the list of waiting REPLY records
 *                   (ktapi_reply.node) and the sticky LINE_CLOSE; and the
 *                   file's async requests: their count (max_requests) and
 *                   its next request id.
 *   file->handles xa_lock (spinlock, call.c) the file's handle map, its
 *                   cursor, its zombie slot and nr_handles.
 *   file->evq.read_mutex (mutex, event.c) one reader at a time; taken
 *                   interruptibly, never with another lock held.
 *   prov->lock      (spinlock, provider.c) one provider's requests and
 *                   queued CLOSECALLs, its counts and whether it is dead:
 *                   an application's request takes it O(1) to queue, a
 *                   REPLY O(outstanding) at worst (max_requests bounds it).
 *                   Only prov->wait's waitqueue lock is taken inside it:
 *                   a queued record is woken for under it, since the
 *                   provider may free the record (and prov) once it goes.
 *   prov->legs xa_lock (spinlock, provider.c) one provider's map of call
 *                   ids to its legs (CALLSTATE looks up under RCU).
 *   prov->read_mutex (mutex, provider.c) one reader of a provider's file.
 *   prov->lines_mutex (mutex, provider.c) one provider's devices: ADD_LINE,
 *                   REMOVE_LINE, NEWCALL and its death; held across
 *                   ktapi_line_dev_remove() and NEWCALL's setup (which
 *                   sleep), so it is that provider's alone.
 *
 * Order, the only nesting allowed:
 *
 *   line->lock  -> file->evq.lock
 *   *leg->lock -> file->evq.lock -> file->handles xa_lock
 *   *leg->lock -> file->handles xa_lock
 *   *leg->lock -> prov->lock, prov->legs xa_lock (a provider leg's
 *                 CLOSECALL, NEWCALL)
 *   file->evq.read_mutex -> file->evq.lock
 *   prov->read_mutex -> prov->lock
 *   prov->lines_mutex -> everything a device's removal or NEWCALL takes
 *
 * line->lock and a pair lock are never held together.  Every function
 * whose comment says "under" a lock asserts it with lockdep_assert_held().
 * A provider's requests wait for its REPLY killably, holding no lock; a
 * provider that never reads stalls only its own requests, which expire.
 * A provider's device is added and removed (ktapi_line_dev_add(),
 * ktapi_line_dev_remove(), which sleep) with no lock held: the removal
 * force-closes the lines on it as CLOSE_LINE_DEVICE does, then walks
 * every file as LINE_CREATE does.
 *
 * No path that a user drives allocates, reclaims or sleeps with any of the
 * spinlocks held: MAKE_CALL reserves every handle and leg it needs first
 * (under ktapi_srcu only), then publishes them under the pair lock, which
 * allocates nothing: a publish into a file closed meanwhile is undone, and
 * only the caller's own line closing fails the call (-EBADFD).  Release
 * marks the queue closed and unlinks the file under line->lock (short);
 * CLOSE_LINE_DEVICE does so one file per hold of line->lock, voiding each
 * file's handles before it takes the next.  The handles are voided in RCU
 * sections of 64, each under its own pair lock only, with cond_resched()
 * between.
 *
 * A leg's count change (ktapi_callinfo_notify(), callinfo.c) walks its
 * holders under its pair lock, as a state change does, taking each
 * holder's evq.lock alone: a CALLINFO record goes into the ring or into
 * the handle's unread one (ktapi_handle_ci_slot(), under evq.lock), or is
 * counted as dropped; O(1) per holder, nothing allocated.
 * SET_CALL_PRIVILEGE writes a handle's privilege under its pair lock and
 * its file's evq.lock (which a waiting APPNEWCALL is read under).
 *
 * MAKE_CALL walks only the files that get a handle (line->owners for the
 * owner, line->monitors), with cond_resched() between monitors.  It then
 * publishes to every monitor of both devices in one hold of the new call's
 * pair lock: O(monitors), but each publish is O(1) and allocates nothing,
 * and that pair lock is one no one else can be waiting for (the call is
 * new: only the handles published in this hold name it).  Another file
 * waits only for its own evq.lock, for one publish.  The cost of a hold is
 * paid by the caller alone, like the walk before it, which already visits
 * each of those monitors once; it does keep the caller's CPU from being
 * preempted for that many publishes (not split into batches yet).
 *
 * Lock-free readers: GET_CALL_INFO looks the handle up under RCU and reads
 * the leg in a leg->seq read section; handles and legs are freed at once
 * into SLAB_TYPESAFE_BY_RCU caches, so what a reader found may be another
 * call's by then, and every reader validates it (call.c's header comment,
 * ktapi_handle_call_locked()).  Call ids come from per-CPU blocks
 * (call.c), whose XArray is locked only once per 64 calls.
 *
 * Memory: a file keeps the memory cgroup of its opener (file->memcg);
 * whatever the module allocates on behalf of a file is allocated under
 * set_active_memcg() of that cgroup (see ktapi_charge_begin()), so the
 * holder of a handle pays for it (uapi/linux/ktapi.h says who pays what).
 * A provider's line device (and its slot in the registry) is charged to the
 * active cgroup of ktapi_line_dev_add()'s caller: the provider's.
 *
 * DOC: Speed
 *
 * These mechanisms exist only for speed; each is measured by make bench
 * (README's Benchmark section) and would cost correctness nothing to remove:
 *
 *   Call id blocks (call.c, ktapi_call_id_alloc()): a call id from one
 *       system-wide allocating XArray would take a lock every call shares
 *       and, with few live calls, make and free an XArray node per call.
 *       Ids are taken from per-CPU blocks of 64 instead: the XArray's lock
 *       is taken once per 64 calls, and ids are not in call order.
 *   The zombie slot (call.c, ktapi_handle_unmap()): with cyclic handles
 *       and few live ones, erasing the last handle of an XArray leaf frees
 *       the node and the next MAKE_CALL makes it again.  One deallocated
 *       slot per file stays reserved to keep the cursor's leaf alive.
 *   The embedded owner handle (ktapi_leg.own): the OWNER handle MAKE_CALL
 *       returns is part of the OUTBOUND leg, so the commonest call costs one
 *       slab object less to make and free.
 *   Legs and handles freed at once (call.c, SLAB_TYPESAFE_BY_RCU): no RCU
 *       callback per call, and the slab's per-CPU freelist serves the next
 *       call; the price is the validation of every lockless lookup.
 *   The last-handle cache (ktapi_file.last, ktapi_handle_find_rcu()):
 *       the handle last published into a file is tried before the XArray
 *       by every lookup by id; cleared before its handle can be freed,
 *       and validated as a map entry is.
 *   No IDLE for an unheld leg (call.c, ktapi_leg_drop_unheld()): a leg
 *       whose last handle went is only traced as going IDLE, not written.
 *   The GET_CALL_INFO fast path (call.c, ktapi_call_info_fast()): the
 *       common request (today's size, no flags, a valid handle) is read
 *       under RCU to the stack, checked, and written into the user's
 *       struct, without a 264-byte copy in and out.  A fault midway leaves the
 *       user's struct half written and falls back to the full path, which
 *       writes it all again or fails with EFAULT.
 *   The MAKE_CALL and DEALLOCATE_CALL fast paths (switch.c,
 *       ktapi_make_call_fast(), ktapi_deallocate_fast()): the common
 *       request (today's size or VER0, no flags) is read with
 *       unsafe_get_user() and done without the dispatcher; anything
 *       else goes, with nothing done, to the full path.
 *   No stack zeroing where every byte is written before use
 *       (__uninitialized against CONFIG_INIT_STACK_ALL_ZERO): the
 *       dispatcher's argument buffer, MAKE_CALL's address, the fast
 *       path's copies.
 */
#ifndef _KTAPI_INTERNAL_H
#define _KTAPI_INTERNAL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/ktapi.h>

struct file;
struct mem_cgroup;
struct poll_table_struct;

#define KTAPI_LINES_MAX		1024
#define KTAPI_EVQ_LEN_MAX	65536
#define KTAPI_HANDLES_MAX	(16 * 1024 * 1024)
#define KTAPI_REQUESTS_MAX	65536
#define KTAPI_REQUEST_ID_MAX	0x7fffffff
#define KTAPI_ADDRESS_BASE	1000

/* Module parameters, validated once at module load (main.c). */
extern unsigned int ktapi_nr_lines;
extern unsigned int ktapi_event_queue_len;
extern unsigned int ktapi_max_handles;
extern unsigned int ktapi_max_requests;

/*
 * Statistics: read-only sysfs attributes of the misc device,
 * /sys/class/misc/ktapi/stats/<name> (main.c); an ABI, documented in
 * uapi/linux/ktapi.h and docs/ABI/testing/sysfs-class-misc-ktapi.
 *
 * Per-CPU counters: an update is one this_cpu operation on the local CPU,
 * never a shared cache line, and needs no lock, nor preemption disabled.
 * A live count may go up on one CPU and down on another, so one CPU's
 * share may be negative; only the sum over the possible CPUs means
 * something (ktapi_stat_read(), main.c).  The sum is not a snapshot: of
 * two updates on two CPUs during it, one may be seen and not the other (a
 * live count may then even read negative); once nothing moves it is exact.
 */
enum ktapi_stat {
	/* Live: zero again once every file is closed. */
	KTAPI_STAT_FILES,
	KTAPI_STAT_LINES_OPEN,
	KTAPI_STAT_CALLS,
	KTAPI_STAT_HANDLES,
	KTAPI_STAT_EVENTS_QUEUED,
	/* Live, but not zero with every file closed: the loopback devices. */
	KTAPI_STAT_DEVICES,
	/* Totals since the module was loaded: they only grow. */
	KTAPI_STAT_EVENTS_DROPPED,
	KTAPI_STAT_CALLS_TOTAL,
	KTAPI_STAT_HANDLES_TOTAL,
	KTAPI_STAT_EVENTS_TOTAL,
	KTAPI_NR_STATS
};

struct ktapi_stats {
	long v[KTAPI_NR_STATS];
};

DECLARE_PER_CPU(struct ktapi_stats, ktapi_stats);

static inline void ktapi_stat_inc(enum ktapi_stat s)
{
	this_cpu_inc(ktapi_stats.v[s]);
}

static inline void ktapi_stat_dec(enum ktapi_stat s)
{
	this_cpu_dec(ktapi_stats.v[s]);
}

static inline void ktapi_stat_sub(enum ktapi_stat s, long n)
{
	this_cpu_sub(ktapi_stats.v[s], n);
}

struct ktapi_provider;

/*
 * A line device (line.c): a loopback device of the switch (made at load,
 * lives until module exit) or a provider's (ktapi_line_dev_add(), until
 * ktapi_line_dev_remove() and the last reference).
 */
struct ktapi_line_dev {
	u32 id;
	u32 kind;			/* KTAPI_DEVICE_*; constant */
	/*
	 * The provider that serves it; NULL for loopback; constant.  It
	 * dangles once the provider is freed (a device outlives it through
	 * file and leg references), so it is never tested (use
	 * ktapi_line_is_provider()) and dereferenced only by provider.c:
	 * through ktapi_provider_of() (an open line, under ktapi_srcu, takes
	 * a reference) or where a reference is held (a leg's CLOSECALL
	 * record holds one until the leg's last handle went).
	 */
	struct ktapi_provider *prov;
	char address[KTAPI_ADDRESS_MAX] __aligned(8);
	spinlock_t lock;		/* the lists, open_seq, removed (writers) */
	/*
	 * Open lines on this device, oldest LINE_OPEN first: RCU lists,
	 * changed under lock, walked under ktapi_srcu.  files has every open
	 * line, owners those with OWNER privilege, monitors those with
	 * MONITOR, so MAKE_CALL walks only files that get a handle.
	 */
	struct list_head files;
	struct list_head owners;
	struct list_head monitors;
	u64 open_seq;			/* LINE_OPENs so far; lock */
	/* Being removed: no LINE_OPEN any more.  lock; READ_ONCE without. */
	bool removed;
	/*
	 * Provider devices: files detached from it whose handles are being
	 * voided (release, a forced close), counted under lock when they
	 * start; the removal waits for none to be left (close_wait).
	 */
	atomic_t voiding;
	wait_queue_head_t close_wait;
	/*
	 * Provider devices only (loopback ones are not counted): the
	 * registry's reference until ktapi_line_dev_remove(), one per file
	 * that LINE_OPENed it (until the file is freed), one per leg on it
	 * or called from it (until the leg is freed).  The last one frees it
	 * after an RCU grace period.
	 */
	refcount_t ref;
	u32 provider_id;		/* constant; 0 for loopback */
	char name[KTAPI_NAME_MAX];	/* constant */
	char provider_name[KTAPI_PROVIDER_NAME_MAX];	/* constant */
	struct rcu_head rcu;
};

/* Readers of the lists of open files; files are freed after its grace period. */
extern struct srcu_struct ktapi_srcu;

/*
 * Bounded queue of event records of one file (event.c): a ring, and behind
 * it, once the ring is full, the APPNEWCALL records of @announce and the
 * REPLY records of @replies (one line, in the order of their wait_seq),
 * the count of dropped records (one OVERFLOW) and the LINE_CLOSE, moved
 * into the ring in that order as it empties.
 */
struct ktapi_evq {
	spinlock_t lock;		/* everything below but len */
	wait_queue_head_t wait;
	struct mutex read_mutex;	/* one reader at a time */
	struct ktapi_event *ring;	/* len records */
	u32 len;
	u32 head;			/* lock */
	u32 count;			/* lock; READ_ONCE in poll */
	u32 dropped;			/* lock: events not queued */
	bool closed;			/* lock: the line is closed, no more */
	/* lock; READ_ONCE in poll and read: force-closed, LINE_CLOSE queued */
	bool hup;
	bool close_pending;		/* lock: LINE_CLOSE not in the ring yet */
	u64 close_time_ns;		/* lock: of the LINE_CLOSE */
	u64 last_time_ns;		/* lock: of the last record queued */
	/* lock: ktapi_given_handle.ann_node of APPNEWCALLs waiting for room */
	struct list_head announce;
	/* lock: ktapi_reply.node of REPLY records waiting for room */
	struct list_head replies;
	u32 wait_seq;			/* lock: the next waiting record's */
	/* lock: head records the reader copies without the lock */
	u32 reading;
	u32 ring_replies;		/* lock: REPLY records in the ring */
	/*
	 * lock: async requests whose REPLY was not read yet (allocated, in
	 * the ring or waiting), at most ktapi_max_requests
	 */
	u32 requests;
	u32 next_request_id;		/* lock: 1..KTAPI_REQUEST_ID_MAX */
};

enum ktapi_file_state {
	KTAPI_FILE_NEW,		/* no LINE_OPEN yet */
	KTAPI_FILE_OPEN,	/* an open line */
	KTAPI_FILE_CLOSED,	/* line force-closed by CLOSE_LINE_DEVICE */
};

/* One open file of /dev/ktapi, an open line once LINE_OPENed. */
struct ktapi_file {
	/*
	 * handle -> struct ktapi_handle (dead while being made); a zero
	 * entry is the zombie slot.  See call.c's header comment.
	 */
	struct xarray handles;
	/*
	 * The handle last published into this file, or NULL: set under the
	 * pair lock and evq.lock by ktapi_handle_publish(), cleared (cmpxchg)
	 * when that handle is removed or unpublished, before it is freed.
	 * A lookup cache only (ktapi_handle_find_rcu()): what it points to
	 * is validated as a map entry is.
	 */
	struct ktapi_handle *last;
	u32 next_handle;		/* cyclic cursor; handles xa_lock */
	u32 max_handles;
	/*
	 * A deallocated handle whose slot stays reserved, so that the XArray
	 * leaf the cursor is in is not freed and made again by the next call
	 * (see ktapi_handle_unmap()); 0 for none.  Handles xa_lock.
	 */
	u32 zombie;
	u32 nr_handles;			/* handles in the map; handles xa_lock */
	/*
	 * NEW -> OPEN under line->lock and evq.lock (released, after the
	 * fields below); OPEN -> CLOSED under line->lock and evq.lock
	 * together with evq.closed.  READ_ONCE/smp_load_acquire without.
	 */
	enum ktapi_file_state state;
	/* Set before state becomes OPEN, constant after. */
	struct ktapi_line_dev *line;
	u32 privileges;
	u32 api_version;
	/* LINE_OPEN's app_name, a reference (appname.c); NULL for none. */
	struct ktapi_app_name *app_name;
	/* KTAPI_LINE_OPEN_CALLINFO: CALLINFO records are queued to it. */
	bool callinfo;
	struct list_head line_node;	/* in line->files while OPEN */
	struct list_head owner_node;	/* in line->owners while OPEN */
	struct list_head monitor_node;	/* in line->monitors while OPEN */
	/* In the list of every open file: open() to release(); ktapi_srcu. */
	struct list_head all_node;
	u64 open_seq;			/* line->open_seq at its LINE_OPEN */
	/* release() holds one, CLOSE_LINE_DEVICE one while voiding. */
	refcount_t ref;
	struct mem_cgroup *memcg;	/* the opener's: pays for this file */
	struct rcu_head rcu;		/* freed after ktapi_srcu's grace period */
	struct ktapi_evq evq;
};

/*
 * Charge what is allocated until ktapi_charge_end() to @f's memory cgroup
 * (the one it was opened in), whoever's context this is.
 */
static inline struct mem_cgroup *ktapi_charge_begin(struct ktapi_file *f)
{
	return set_active_memcg(f->memcg);
}

static inline void ktapi_charge_end(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

/*
 * A handle: one file's name for one call, with a privilege.  The OWNER
 * handle MAKE_CALL returns is part of its call (ktapi_leg.own); the others
 * are allocated, as struct ktapi_given_handle.  Both are freed at once
 * into SLAB_TYPESAFE_BY_RCU caches (call.c): a lockless reader checks
 * what it found with ktapi_handle_leg() and ktapi_handle_valid().
 */
struct ktapi_handle {
	/*
	 * Set at publish before dead is cleared, never cleared: once an
	 * object was published it always points to a leg (maybe freed).
	 */
	struct ktapi_leg *leg;
	struct ktapi_file *file;	/* set at reserve; then constant */
	struct list_head call_node;	/* in leg->holders; pair lock */
	u32 id;				/* set at reserve; then constant */
	/*
	 * OWNER or MONITOR: set at publish; changed (SET_CALL_PRIVILEGE)
	 * under the pair lock and file->evq.lock, in a leg->seq write
	 * section, so it is read under either lock or in a read section.
	 */
	u16 privilege;
	bool embedded;			/* ktapi_leg.own; constant (ctor) */
	/*
	 * Not published (reserved, removed, or free in its slab: true from
	 * the constructor on); cleared only by ktapi_handle_publish(), in a
	 * leg->seq write section, after leg, file and id are set.
	 */
	bool dead;
};

/**
 * ktapi_handle_leg - the leg a handle found without its pair lock names
 * @h: a handle found in a file's map under rcu_read_lock()
 *
 * @h may be freed, or reused for another call, meanwhile (its cache is
 * SLAB_TYPESAFE_BY_RCU): a dead one names nothing, and the leg of a live
 * one is read after its dead flag (ktapi_handle_publish() sets it first),
 * so it is never NULL.  Not a validation: see ktapi_handle_valid().
 *
 * Return: the leg, or NULL when @h is dead.
 */
static __always_inline struct ktapi_leg *
ktapi_handle_leg(const struct ktapi_handle *h)
{
	if (READ_ONCE(h->dead))
		return NULL;
	/* Pairs with the write barrier of ktapi_handle_publish()'s section. */
	smp_rmb();
	return READ_ONCE(h->leg);
}

/**
 * ktapi_handle_valid - whether @h is handle @id of @f, live, naming @c
 * @h: a handle found at @id of @f's map under rcu_read_lock()
 * @f: the file
 * @id: the handle id looked up
 * @c: the leg ktapi_handle_leg() gave
 *
 * Meaningful in a read section of @c->seq that does not retry, or under
 * @c's pair lock: a leg's reuse (ktapi_leg_alloc()) and every publish and
 * removal of its handles are write sections of its seq.  Until it is
 * true, nothing that @c points to may be dereferenced: a freed leg's
 * pointers may dangle.
 */
static __always_inline bool ktapi_handle_valid(const struct ktapi_handle *h,
					       const struct ktapi_file *f,
					       u32 id,
					       const struct ktapi_leg *c)
{
	if (READ_ONCE(h->dead))
		return false;
	/* As in ktapi_handle_leg(): leg, file and id after dead. */
	smp_rmb();
	return READ_ONCE(h->leg) == c && READ_ONCE(h->file) == f &&
	       READ_ONCE(h->id) == id;
}

/*
 * An allocated handle: one given to a file that did not ask for it (the
 * owner's of an incoming call, a monitor's), which is announced with an
 * APPNEWCALL record.  When the file's ring is full, that record waits
 * here, linked in the queue's announce list, so it is never dropped and
 * queueing it allocates nothing (as FUSE preallocates its FORGET).
 */
struct ktapi_given_handle {
	struct ktapi_handle h;
	/*
	 * In h.file->evq.announce while the record waits: linked under the
	 * pair lock and evq.lock, unlinked (list_del_init()) under evq.lock.
	 */
	struct list_head ann_node;
	u64 ann_time_ns;		/* the record's time_ns */
	u16 ann_state;			/* and state (KTAPI_CALLSTATE_ fit) */
	/* See ktapi_handle_ci_slot(): h.file->evq.lock. */
	u16 ci_slot;
	u32 ann_seq;			/* its place among the waiting records */
};

/*
 * The REPLY record of one async request (KTAPI_REQ_ASYNC), allocated with
 * the request (ktapi_reply_alloc()), so that queueing it cannot fail and it
 * is never dropped: behind a full ring it waits here, in line with the
 * waiting APPNEWCALLs.  Once queued the queue owns it: it is freed as its
 * record enters the ring, or when the file goes.
 */
struct ktapi_reply {
	/* In f->evq.replies while it waits for room; evq.lock. */
	struct list_head node;
	u32 request_id, handle, call_id;
	s32 result;
	u64 time_ns;
	u32 seq;			/* its place among the waiting records */
};

static inline struct ktapi_given_handle *ktapi_given(struct ktapi_handle *h)
{
	return container_of(h, struct ktapi_given_handle, h);
}

struct ktapi_id_block;

/*
 * A leg: the call as one line device sees it (what TAPI calls a call, with
 * its own call id): the OUTBOUND leg on the calling device, the INBOUND leg
 * on the called one.  The two legs of one call are a pair, joined by peer
 * and sharing one pair lock.  "Call" in this module means the pair, or the
 * TAPI object a handle names; the kernel object is always a leg.
 *
 * A leg lives as long as a handle names it: the last
 * handle to go frees it, at once, into a SLAB_TYPESAFE_BY_RCU cache (see
 * call.c).  The OUTBOUND leg holds the pair lock of both legs, so it is
 * freed only once both legs are gone.
 */
struct ktapi_leg {
	/*
	 * Written under the pair lock, with preemption disabled (see
	 * ktapi_leg_write_begin()), read by GET_CALL_INFO in a read section:
	 * state, state_mode, states_seen, state_time_ns, num_owners,
	 * num_monitors and each handle's dead and privilege.  A plain
	 * seqcount, so that a reader never takes the pair lock, not even on
	 * PREEMPT_RT.  Initialised once by the slab's constructor, never
	 * again: a reuse of the leg is a write section of it too.
	 */
	seqcount_t seq;
	u32 state;
	u32 state_mode;
	u32 states_seen;
	u32 num_owners;
	u32 num_monitors;
	u64 state_time_ns;
	/* Constant once published. */
	/* The pair lock: &pair_lock of the OUTBOUND leg (container_of). */
	spinlock_t *lock;
	u32 call_id;
	/*
	 * The other leg's call_id: an INTERNAL leg's is set before it is
	 * published; an OUTBOUND leg's is 0 until the owner's handle to the
	 * INTERNAL leg is published, then set once (WRITE_ONCE, pair lock),
	 * so a reader never sees the id of a call that does not exist.
	 */
	u32 related_call_id;
	/*
	 * The application's name for GET_CALL_INFO (appname.c), holding a
	 * reference: an OUTBOUND leg's maker's, set before it is published;
	 * an incoming leg's NULL until its first ANSWER sets it, once
	 * (rcu_assign_pointer(), pair lock); read under RCU.
	 */
	struct ktapi_app_name __rcu *app_name;
	u64 create_time_ns;
	struct ktapi_line_dev *line;		/* where this leg lives */
	struct ktapi_line_dev *caller_line;	/* the calling device */
	struct ktapi_id_block *id_block;	/* where call_id comes from */
	/* Pair lock. */
	struct ktapi_leg *peer;
	u8 pair_legs;				/* OUTBOUND leg: legs alive */
	u8 origin;		/* KTAPI_CALLORIGIN_*; constant once published */
	/*
	 * ktapi_handle_ci_slot() of own, in what was padding: own's file's
	 * evq.lock.
	 */
	u16 own_ci_slot;
	/*
	 * Next to pair_legs, origin and own_ci_slot: no padding, 224 bytes
	 * (pahole).
	 */
	/*
	 * OUTBOUND leg: see lock.  Initialised once by the slab's
	 * constructor, never again: a reader may lock it in a freed or
	 * reused leg (ktapi_handle_call_locked()).
	 */
	spinlock_t pair_lock;
	struct list_head holders;		/* ktapi_handle.call_node */
	char called_address[KTAPI_ADDRESS_MAX] __aligned(8);
	/* MAKE_CALL's OWNER handle to an OUTBOUND leg (unused otherwise). */
	struct ktapi_handle own;
};

/**
 * ktapi_handle_ci_slot - where @h's unread CALLINFO record may be
 * @h: a published handle
 *
 * The ring slot of the last CALLINFO record queued for @h (callinfo.c),
 * which is the handle's unread one only while that slot still holds an
 * unread CALLINFO record of this handle id and call id: a record never
 * moves in the ring, so checking the slot is O(1), and nothing needs
 * clearing when the record is read.  For an embedded handle it lives in
 * the leg (a hole there), for a given one in ktapi_given_handle, so that
 * neither struct grows.  Read and written under @h->file->evq.lock.
 */
static inline u16 *ktapi_handle_ci_slot(struct ktapi_handle *h)
{
	if (h->embedded)
		return &h->leg->own_ci_slot;
	return &ktapi_given(h)->ci_slot;
}

/*
 * A function called under a handle's pair lock by ktapi_handle_found_locked()
 * and ktapi_handle_call_locked(): the handle is live, its leg is h->leg.
 */
typedef int (*ktapi_handle_fn)(struct ktapi_handle *h, void *arg);

struct ktapi_handle *ktapi_handle_load_rcu(struct ktapi_file *f, u32 id);

/**
 * ktapi_handle_find_rcu - what @f's map holds at @id, without its lock
 * @f: the file
 * @id: the handle id, not 0
 *
 * The handle @f was last given (f->last) first: TAPI programs ask about
 * the call they were just told about.  If its id is @id, it is the map's
 * entry at @id, or was one a moment ago (as any entry a lockless lookup
 * found may have been removed since), and the tree is not walked.  The
 * cache is cleared before its handle is freed, so under rcu_read_lock()
 * what it gives is a handle's memory, like a map entry's.  Under
 * rcu_read_lock().
 *
 * Return: a handle, to validate with ktapi_handle_leg() and
 * ktapi_handle_valid() (dead, freed or reused meanwhile), or NULL.
 */
static __always_inline struct ktapi_handle *
ktapi_handle_find_rcu(struct ktapi_file *f, u32 id)
{
	struct ktapi_handle *h = READ_ONCE(f->last);

	if (likely(h) && READ_ONCE(h->id) == id)
		return h;
	/* Out of line: the hit path builds no xa_state. */
	return ktapi_handle_load_rcu(f, id);
}

/**
 * ktapi_handle_found_locked - run @fn under the pair lock of a found handle
 * @f: the file
 * @id: the handle id
 * @h: what was found at @id of @f's map, under rcu_read_lock()
 * @fn: called with the pair lock held if @h is still handle @id of @f
 * @arg: its argument
 * @ret: @fn's result
 *
 * The pair lock is read from a leg @h names, so it is a pair lock
 * (ktapi_leg.pair_lock, never initialised again) even when that leg was
 * freed or reused meanwhile; once it is held, @h is checked again in a
 * read section of the leg's seq: still live, naming that leg, whose lock
 * is still the one taken.  Then nothing can remove @h until the unlock.
 * Under rcu_read_lock(), which keeps the legs' slab pages.  One shape for
 * every user, so that sparse sees the lock taken and dropped here.
 *
 * Return: false when @h is no longer handle @id of @f (nothing done).
 */
static __always_inline bool ktapi_handle_found_locked(struct ktapi_file *f,
						      u32 id,
						      struct ktapi_handle *h,
						      ktapi_handle_fn fn,
						      void *arg, int *ret)
{
	struct ktapi_leg *c = ktapi_handle_leg(h);
	spinlock_t *lock;	/* the pair lock taken */
	unsigned int seq;
	bool ok;

	if (!c || !ktapi_handle_valid(h, f, id, c))
		return false;
	lock = READ_ONCE(c->lock);
	spin_lock(lock);
	do {
		seq = read_seqcount_begin(&c->seq);
		ok = ktapi_handle_valid(h, f, id, c) &&
		     READ_ONCE(c->lock) == lock;
	} while (read_seqcount_retry(&c->seq, seq));
	if (ok)
		*ret = fn(h, arg);
	spin_unlock(lock);
	return ok;
}

/**
 * ktapi_handle_call_locked - run @fn under the pair lock of handle @id of @f
 * @f: the file
 * @id: the handle id, not 0
 * @fn: called with the pair lock held, the handle live
 * @arg: its argument
 *
 * The one way to reach a handle by its id with its pair lock: under
 * rcu_read_lock(), ktapi_handle_found_locked() of what @f's map holds.
 *
 * Return: @fn's result, or -ENOENT when @f has no live handle @id.
 */
static __always_inline int ktapi_handle_call_locked(struct ktapi_file *f,
						    u32 id, ktapi_handle_fn fn,
						    void *arg)
{
	struct ktapi_handle *h;
	int ret = -ENOENT;

	rcu_read_lock();
	h = ktapi_handle_find_rcu(f, id);
	if (h && !ktapi_handle_found_locked(f, id, h, fn, arg, &ret))
		ret = -ENOENT;
	rcu_read_unlock();
	return ret;
}

/*
 * A leg on a provider's device (provider.c): the leg, and what the module
 * keeps for the provider beside it.  Such legs come from their own slab
 * cache (ktapi_leg_alloc() picks it by ktapi_line_is_provider()), so loopback legs do not
 * grow; ktapi_pleg() is valid only when c->line->prov is set.
 */
struct ktapi_pclose;

struct ktapi_pleg {
	struct ktapi_leg leg;
	/* The CLOSECALL record, preallocated; NULL once queued or freed. */
	struct ktapi_pclose *close;		/* pair lock */
	bool ready;	/* pair lock: published, CALLSTATE allowed */
	bool closed;	/* pair lock: last handle gone, call id means nothing */
	/* An INBOUND leg's caller, as its provider reported it; constant. */
	char caller_address[KTAPI_ADDRESS_MAX] __aligned(8);
};

static inline struct ktapi_pleg *ktapi_pleg(struct ktapi_leg *c)
{
	return container_of(c, struct ktapi_pleg, leg);
}

/* GET_CALL_INFO's caller_address of a leg. */
static inline const char *ktapi_leg_caller_address(struct ktapi_leg *c)
{
	if (unlikely(c->origin == KTAPI_CALLORIGIN_INBOUND))
		return ktapi_pleg(c)->caller_address;
	return c->caller_line->address;
}

/*
 * One ioctl, as the dispatcher (main.c) hands it to its handler: the
 * argument struct is already copied in (zero-extended when the user's is
 * older and shorter), its size and flags are checked.
 */
struct ktapi_ucmd {
	/* The file's private data: /dev/ktapi's or /dev/ktapi-provider's. */
	union {
		struct ktapi_file *file;
		struct ktapi_provider *prov;
	};
	unsigned int cmd;		/* the ioctl command */
	void __user *ubuffer;		/* the user's struct */
	u32 user_size;			/* its size field, as the user gave it */
	void *arg;			/* the kernel's struct */
};

/*
 * The one copy-out of every command with output: the struct back to the
 * user, min(its size, @ksize) bytes, @ksize being sizeof the kernel's
 * struct.  Called by the dispatcher after the handler succeeded, or by
 * MAKE_CALL's handler itself (see ktapi_ioctl_ops in main.c).  @ksize is a
 * constant at each call, so the common case (the user's struct is at
 * least as large) copies a constant size: no run-time object size check.
 */
static __always_inline int ktapi_ucmd_respond(struct ktapi_ucmd *ucmd,
					      size_t ksize)
{
	unsigned long left;

	if (likely(ucmd->user_size >= ksize))
		left = copy_to_user(ucmd->ubuffer, ucmd->arg, ksize);
	else
		left = copy_to_user(ucmd->ubuffer, ucmd->arg, ucmd->user_size);
	return left ? -EFAULT : 0;
}

/* Legs whose last handle went under a pair lock, freed after it. */
struct ktapi_reap {
	struct ktapi_leg *legs[2];
	unsigned int n;
};

/* event.c */
int ktapi_evq_init(struct ktapi_evq *q, u32 len);
void ktapi_evq_retire(struct ktapi_evq *q);
void ktapi_evq_free(struct ktapi_evq *q);
void ktapi_evq_queue_locked(struct ktapi_evq *q, u32 type,
			    struct ktapi_handle *h, u32 state,
			    u32 state_mode, u64 time_ns);
void ktapi_evq_line_close_locked(struct ktapi_evq *q, u64 time_ns);
void ktapi_evq_withdraw(struct ktapi_handle *h);
void ktapi_evq_wake(struct ktapi_evq *q);
void ktapi_evq_push(struct ktapi_evq *q, u32 type, struct ktapi_handle *h,
		    u32 state, u32 state_mode, u64 time_ns);
void ktapi_evq_push_device(struct ktapi_evq *q, u32 type, u32 device_id);
void ktapi_evq_callinfo_locked(struct ktapi_evq *q, struct ktapi_handle *h,
			       u32 bits, u64 time_ns);
ssize_t ktapi_evq_read(struct ktapi_evq *q, char __user *buf, size_t count,
		       bool nonblock);
struct ktapi_reply *ktapi_reply_alloc(struct ktapi_file *f);
void ktapi_reply_free(struct ktapi_file *f, struct ktapi_reply *r);
void ktapi_reply_queue_locked(struct ktapi_file *f, struct ktapi_reply *r,
			      u32 handle, u32 call_id, s32 result, u64 now);
void ktapi_reply_queue(struct ktapi_file *f, struct ktapi_reply *r,
		       u32 handle, u32 call_id, s32 result);
__poll_t ktapi_evq_poll(struct ktapi_evq *q, struct file *filp,
			struct poll_table_struct *wait);

/* call.c: legs, handles, GET_CALL_INFO, DEALLOCATE_CALL */
int ktapi_leg_cache_init(void);
void ktapi_leg_cache_exit(void);
struct ktapi_leg *ktapi_leg_alloc(struct mem_cgroup *payer, gfp_t gfp,
				  struct ktapi_line_dev *line,
				  struct ktapi_line_dev *caller_line,
				  const char *called_address, u32 origin);
void ktapi_leg_free(struct ktapi_leg *c);
void ktapi_leg_write_begin(struct ktapi_leg *c);
void ktapi_leg_write_end(struct ktapi_leg *c);
void ktapi_leg_init_state(struct ktapi_leg *c, u32 state, u64 now);
void ktapi_leg_set_state_at(struct ktapi_leg *c, u32 state, u32 mode,
			    u64 now);
void ktapi_leg_set_state(struct ktapi_leg *c, u32 state, u32 mode);
void ktapi_leg_notify(struct ktapi_leg *c, u64 now);
void ktapi_leg_drop(struct ktapi_leg *c);
int ktapi_handle_reserve_id(struct ktapi_handle *h, struct ktapi_file *f);
struct ktapi_handle *ktapi_handle_reserve(struct ktapi_file *f,
					  struct mem_cgroup *caller,
					  bool fallback);
void ktapi_handle_unreserve(struct ktapi_handle *h);
bool ktapi_handle_publish(struct ktapi_handle *h, struct ktapi_leg *c,
			  u32 privilege, bool announce, u64 now);
void ktapi_handle_unpublish(struct ktapi_handle *h);
void ktapi_reap(struct ktapi_reap *reap);
void ktapi_handle_remove(struct ktapi_handle *h, bool line_close,
			 struct ktapi_reap *reap);
void ktapi_file_void_handles(struct ktapi_file *f);
int ktapi_ioctl_get_call_info(struct ktapi_ucmd *ucmd);
int ktapi_deallocate_locked(struct ktapi_file *f, struct ktapi_handle *h,
			    struct ktapi_reap *reap);
int ktapi_call_info_fast(struct ktapi_file *f,
			 struct ktapi_call_info __user *uci);

/*
 * The callee's side of an incoming leg (switch.c): the OWNER handle of the
 * device's owner and the MONITOR handles of its monitors, reserved before
 * the leg is published.  The loopback switch's INTERNAL legs and a
 * provider's INBOUND legs (NEWCALL) are handed out by the same functions.
 */
struct ktapi_callee {
	struct ktapi_line_dev *dest;	/* the called device */
	struct ktapi_file *owner_file;	/* who gets the OWNER handle, or NULL */
	struct ktapi_handle *owner;	/* that handle, reserved, or NULL */
	struct list_head monitors;	/* MONITOR handles, reserved */
	u32 result_mode;		/* the caller's disconnect mode if none */
};

/* switch.c: MAKE_CALL, ANSWER, DROP, the call ops (uses call.c, line.c) */
#define KTAPI_OWNER_TRIES	16
int ktapi_reserve_monitors(struct ktapi_line_dev *line,
			   struct ktapi_file *skip, struct mem_cgroup *caller,
			   u32 call_id, struct list_head *list);
void ktapi_unreserve_list(struct list_head *list);
int ktapi_callee_reserve(struct ktapi_callee *cs, struct mem_cgroup *caller,
			 u32 call_id);
void ktapi_callee_unreserve(struct ktapi_callee *cs);
bool ktapi_callee_publish_owner(struct ktapi_callee *cs, struct ktapi_leg *in,
				u64 now);
void ktapi_publish_monitors(struct list_head *list, struct ktapi_leg *c,
			    struct list_head *unused, u64 now);
int ktapi_ioctl_make_call(struct ktapi_ucmd *ucmd);
int ktapi_make_call_fast(struct ktapi_file *f,
			 struct ktapi_make_call __user *umc);
int ktapi_answer_locked(struct ktapi_leg *c);
int ktapi_drop_locked(struct ktapi_leg *c);
int ktapi_ioctl_call_op(struct ktapi_ucmd *ucmd);
int ktapi_deallocate_fast(struct ktapi_file *f,
			  struct ktapi_call_op __user *uop);
int ktapi_call_op_check_locked(const struct ktapi_handle *h, bool answer);

/*
 * appname.c: the application's name of LINE_OPEN, shared by the file and
 * the legs that took it (see there).
 */
struct ktapi_app_name {
	refcount_t ref;
	struct rcu_head rcu;	/* GET_CALL_INFO may read it after the put */
	/* NUL-padded: every byte is copied out as is. */
	char name[KTAPI_APP_NAME_MAX] __aligned(8);
};

int ktapi_app_name_check(const char *name);
struct ktapi_app_name *ktapi_app_name_new(struct ktapi_file *f,
					  const char *name, unsigned int len);
struct ktapi_app_name *ktapi_app_name_get(struct ktapi_app_name *n);
void ktapi_app_name_put(struct ktapi_app_name *n);
void ktapi_leg_init_app_name(struct ktapi_leg *c, struct ktapi_file *f);
void ktapi_leg_take_app_name(struct ktapi_leg *c, struct ktapi_file *f);
extern struct ktapi_app_name ktapi_app_name_none;

/**
 * ktapi_leg_app_name - the name GET_CALL_INFO reports for @c
 * @c: the leg
 *
 * Under rcu_read_lock().  Return: KTAPI_APP_NAME_MAX bytes, 8-byte
 * aligned, NUL-padded: zeroes when the leg has no name.
 */
static inline const char *ktapi_leg_app_name(const struct ktapi_leg *c)
{
	const struct ktapi_app_name *n = rcu_dereference(c->app_name);

	return n ? n->name : ktapi_app_name_none.name;
}

/* newcalls.c: GET_NEW_CALLS */
int ktapi_ioctl_get_new_calls(struct ktapi_ucmd *ucmd);

/* provider.c: /dev/ktapi-provider and the requests to providers */
extern const struct file_operations ktapi_provider_fops;
long ktapi_provider_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg);
int ktapi_provider_make_call(struct ktapi_ucmd *ucmd);
int ktapi_provider_call_op(struct ktapi_ucmd *ucmd);
void ktapi_provider_closecall(struct ktapi_leg *c);
void ktapi_provider_owner_gone(struct ktapi_leg *c);
int ktapi_provider_ioctl_register(struct ktapi_ucmd *ucmd);
int ktapi_provider_ioctl_add_line(struct ktapi_ucmd *ucmd);
int ktapi_provider_ioctl_remove_line(struct ktapi_ucmd *ucmd);
int ktapi_provider_ioctl_reply(struct ktapi_ucmd *ucmd);
int ktapi_provider_ioctl_newcall(struct ktapi_ucmd *ucmd);
int ktapi_provider_ioctl_callstate(struct ktapi_ucmd *ucmd);

/* line.c: line devices and the line state of files */
int ktapi_lines_init(void);
void ktapi_lines_exit(void);
struct ktapi_line_dev *ktapi_line_get(u32 device_id);
void __ktapi_line_put(struct ktapi_line_dev *line);
struct ktapi_line_dev *ktapi_line_dev_add(struct ktapi_provider *prov,
					  u32 provider_id,
					  const char *provider_name,
					  const char *address,
					  const char *name);
void ktapi_line_dev_remove(struct ktapi_line_dev *line);
void ktapi_files_add(struct ktapi_file *f);
void ktapi_files_del(struct ktapi_file *f);
struct ktapi_line_dev *ktapi_line_by_address(const char *address);
bool ktapi_address_valid(const char *address);
struct ktapi_file *ktapi_line_owner(struct ktapi_line_dev *line);
int ktapi_ioctl_get_devcaps(struct ktapi_ucmd *ucmd);
int ktapi_ioctl_line_open(struct ktapi_ucmd *ucmd);
int ktapi_ioctl_close_line_device(struct ktapi_ucmd *ucmd);
void ktapi_line_close(struct ktapi_file *f);
void ktapi_file_put(struct ktapi_file *f);

/*
 * A reference to a device: provider devices are counted, loopback ones
 * live until module exit and cost nothing.
 */
/* A provider's device (kind is constant, unlike what line->prov names). */
static inline bool ktapi_line_is_provider(const struct ktapi_line_dev *line)
{
	return line->kind == KTAPI_DEVICE_PROVIDER;
}

static inline void ktapi_line_hold(struct ktapi_line_dev *line)
{
	if (unlikely(ktapi_line_is_provider(line)))
		refcount_inc(&line->ref);
}

/* Drop a reference of ktapi_line_get() or ktapi_line_hold(). */
static inline void ktapi_line_put(struct ktapi_line_dev *line)
{
	if (unlikely(ktapi_line_is_provider(line)))
		__ktapi_line_put(line);
}

/* callinfo.c: CALLINFO records */
void ktapi_callinfo_notify(struct ktapi_leg *leg, struct ktapi_file *cause,
			   u32 bits);

/* privilege.c: SET_CALL_PRIVILEGE */
int ktapi_ioctl_set_call_privilege(struct ktapi_ucmd *ucmd);

#endif /* _KTAPI_INTERNAL_H */
