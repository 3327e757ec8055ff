// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the event queue of an open file, read() and poll().
 *
 * Each file has a ring of event_queue_len records, allocated at open(), so
 * queueing an event never allocates and never fails.  What does not fit in
 * the ring waits behind it, without memory of its own:
 *
 *  - an APPNEWCALL record waits in the handle it announces (struct
 *    ktapi_given_handle), linked at the tail of evq->announce;
 *  - a REPLY record (of an async request) waits in its struct ktapi_reply,
 *    allocated with the request, linked at the tail of evq->replies.  The
 *    two lists are one line: each waiting record takes the next
 *    evq->wait_seq, and the lower one goes first;
 *  - a CALLSTATE record is counted in evq->dropped (GET_CALL_INFO still
 *    has the state), owed as one KTAPI_EV_OVERFLOW record; a CALLINFO
 *    record too (GET_CALL_INFO has the counts);
 *  - the LINE_CLOSE of a forced close is a sticky state (hup,
 *    close_pending, close_time_ns).
 *
 * Whenever records are read, ktapi_evq_flush_locked() fills the room with
 * that backlog in this order: the waiting APPNEWCALL and REPLY records,
 * oldest first; then, once none is left, the OVERFLOW; then the
 * LINE_CLOSE.  (LINE_CREATE and LINE_REMOVE records take only the first
 * half of the ring: those dropped past it are owed an OVERFLOW while the
 * ring has room, queued before the next record that enters the ring.)
 * So the backlog is never non-empty while the ring has room, and
 * a new record goes to the ring exactly when the ring is not full: a full
 * ring means "behind the backlog", where a CALLSTATE is counted and an
 * APPNEWCALL or REPLY waits.  A handle's CALLSTATE records thus never pass
 * its APPNEWCALL (nor a request's its REPLY), and nothing passes the
 * LINE_CLOSE, which is queued last (the queue is closed with it).  The
 * events of one call are queued under its pair lock, so each handle gets
 * them in the order the call made them.
 *
 * CALLINFO records are merged: a handle's unread one, still in the ring
 * and not being copied by a reader, takes the bits of the next one
 * instead of a new record (ktapi_evq_callinfo_locked()).  The handle
 * keeps the ring slot of its last one, which the merge checks, so
 * finding it is O(1) and reading it clears nothing.
 *
 * After a forced close poll() reports EPOLLHUP; once the LINE_CLOSE was
 * read (the ring is empty and hup set) read() returns 0, end of file.
 *
 * Async requests: ktapi_reply_alloc() gives each the file's next request
 * id and counts it in evq->requests until its REPLY record is read (or
 * the request ends without one), so a file has at most max_requests REPLY
 * records unread: their memory is bounded with the file.  A REPLY record
 * entering the ring is copied there and its struct freed at once;
 * evq->ring_replies counts those in the ring, so that read() looks for
 * them among the records it removes only while there are any.
 *
 * Statistics: events_queued counts the records not read yet, in the ring
 * and behind it (waiting APPNEWCALL and REPLY records, the LINE_CLOSE);
 * events_total each record once, when it is queued; events_dropped the
 * CALLSTATEs dropped and the waiting APPNEWCALLs withdrawn with their
 * handle.
 *
 * Locking (the order is in internal.h):
 *  - evq->lock (spinlock) protects the ring, its backlog and closed: once
 *    the line is closed nothing more is queued.  Only a file's handle map
 *    lock is taken inside it (ktapi_handle_publish()).
 *  - A handle is linked in evq->announce under its pair lock and evq->lock,
 *    and unlinked under evq->lock with list_del_init(): by the reader that
 *    moves its record into the ring, or by ktapi_evq_withdraw() when the
 *    handle is removed (under its pair lock) before that.
 *  - evq->read_mutex serialises readers, so records are copied to userspace
 *    before they are removed from the ring (a failed copy loses nothing).
 *    It is taken before evq->lock and never while holding another lock.
 *  - Writers wake the wait queue only when it has a sleeper
 *    (wq_has_sleeper(), paired with the barriers on the waiting side).
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "trace.h"

int ktapi_evq_init(struct ktapi_evq *q, u32 len)
{
	q->ring = kvcalloc(len, sizeof(*q->ring), GFP_KERNEL_ACCOUNT);
	if (!q->ring)
		return -ENOMEM;
	q->len = len;
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->wait);
	mutex_init(&q->read_mutex);
	INIT_LIST_HEAD(&q->announce);
	INIT_LIST_HEAD(&q->replies);
	q->next_request_id = 1;
	return 0;
}

/*
 * release(): close the queue for good; its records no longer count.  The
 * file's handles were voided before, but a CLOSE_LINE_DEVICE voiding them
 * at the same time may still hold one it took out of the map and has not
 * withdrawn yet: that APPNEWCALL is withdrawn (and uncounted) by it, and
 * the queue lives until its reference goes.
 */
void ktapi_evq_retire(struct ktapi_evq *q)
{
	struct ktapi_reply *r, *tmp;
	LIST_HEAD(replies);
	u32 waiting = 0;

	spin_lock(&q->lock);
	q->closed = true;
	list_splice_init(&q->replies, &replies);
	list_for_each_entry(r, &replies, node)
		waiting++;
	ktapi_stat_sub(KTAPI_STAT_EVENTS_QUEUED,
		       q->count + q->close_pending + waiting);
	WRITE_ONCE(q->count, 0);
	q->dropped = 0;
	q->close_pending = false;
	q->ring_replies = 0;
	q->requests -= waiting;
	spin_unlock(&q->lock);
	/* The REPLY records still waiting: queued, so the queue's to free. */
	list_for_each_entry_safe(r, tmp, &replies, node)
		kfree(r);
}

void ktapi_evq_free(struct ktapi_evq *q)
{
	kvfree(q->ring);
	mutex_destroy(&q->read_mutex);
}

/*
 * Put @ev at the tail of the ring, which has room.  Return: its slot.
 * Under q->lock.
 */
static u32 ktapi_evq_put_locked(struct ktapi_evq *q,
				const struct ktapi_event *ev)
{
	u32 tail = q->head + q->count;

	lockdep_assert_held(&q->lock);
	if (tail >= q->len)
		tail -= q->len;
	q->ring[tail] = *ev;
	WRITE_ONCE(q->count, q->count + 1);
	return tail;
}

/* A new record into the ring, which has room.  Under q->lock. */
static u32 ktapi_evq_add_locked(struct ktapi_evq *q,
				const struct ktapi_event *ev)
{
	ktapi_stat_inc(KTAPI_STAT_EVENTS_QUEUED);
	ktapi_stat_inc(KTAPI_STAT_EVENTS_TOTAL);
	return ktapi_evq_put_locked(q, ev);
}

/* The record of REPLY @r, as queued at @time_ns. */
static void ktapi_reply_event(struct ktapi_event *ev,
			      const struct ktapi_reply *r)
{
	*ev = (struct ktapi_event){
		.type = KTAPI_EV_REPLY,
		.handle = r->handle,
		.call_id = r->call_id,
		.request_id = r->request_id,
		.result = r->result,
		.time_ns = r->time_ns,
	};
}

/*
 * Move the backlog into the room the ring has: the waiting APPNEWCALL and
 * REPLY records in the order they came (their wait_seq), then the
 * OVERFLOW, then the LINE_CLOSE (already counted as queued, but for the
 * OVERFLOW, which is stamped now).  Under q->lock.
 */
static void ktapi_evq_flush_locked(struct ktapi_evq *q)
{
	struct ktapi_given_handle *g;
	struct ktapi_reply *r;

	lockdep_assert_held(&q->lock);
	while (q->count < q->len) {
		g = list_first_entry_or_null(&q->announce,
					     struct ktapi_given_handle,
					     ann_node);
		r = list_first_entry_or_null(&q->replies, struct ktapi_reply,
					     node);
		/* The older of the two heads; the sequence may wrap. */
		if (r && (!g || (s32)(r->seq - g->ann_seq) < 0)) {
			struct ktapi_event ev;

			ktapi_reply_event(&ev, r);
			ktapi_evq_put_locked(q, &ev);
			q->ring_replies++;
			list_del(&r->node);
			kfree(r);
		} else if (g) {
			struct ktapi_event ev = {
				.type = KTAPI_EV_APPNEWCALL,
				.handle = g->h.id,
				.call_id = g->h.leg->call_id,
				.state = g->ann_state,
				.privilege = g->h.privilege,
				.time_ns = g->ann_time_ns,
			};

			ktapi_evq_put_locked(q, &ev);
			/*
			 * The last access to g, with release: once
			 * ktapi_evq_withdraw()'s list_empty_careful() sees
			 * it unlinked, every access to g here is done, and
			 * g may be freed at once.
			 */
			list_del_init_careful(&g->ann_node);
		} else if (q->dropped) {
			struct ktapi_event ev = {
				.type = KTAPI_EV_OVERFLOW,
				.dropped = q->dropped,
				.time_ns = ktime_get_ns(),
			};

			ktapi_evq_add_locked(q, &ev);
			q->dropped = 0;
		} else if (q->close_pending) {
			struct ktapi_event ev = {
				.type = KTAPI_EV_LINE_CLOSE,
				.time_ns = q->close_time_ns,
			};

			ktapi_evq_put_locked(q, &ev);
			q->close_pending = false;
		} else {
			break;
		}
	}
}

/*
 * Records dropped while the ring had room (LINE_CREATE and LINE_REMOVE
 * past the first half of it) are owed an OVERFLOW before the next record
 * that goes into the ring.  Nothing else waits while there is room.
 * Under q->lock.
 */
static void ktapi_evq_overflow_first_locked(struct ktapi_evq *q)
{
	lockdep_assert_held(&q->lock);
	if (unlikely(q->dropped) && q->count < q->len)
		ktapi_evq_flush_locked(q);
}

/*
 * A record that may be dropped (CALLSTATE, CALLINFO): into
 * the ring when it has room (then nothing waits behind it), else counted
 * for the next OVERFLOW.  Return: its slot in the ring, or -1 when it was
 * dropped.  Under q->lock.
 */
static int ktapi_evq_offer_locked(struct ktapi_evq *q,
				  const struct ktapi_event *ev)
{
	lockdep_assert_held(&q->lock);
	ktapi_evq_overflow_first_locked(q);
	if (q->count < q->len)
		return ktapi_evq_add_locked(q, ev);
	q->dropped++;
	ktapi_stat_inc(KTAPI_STAT_EVENTS_DROPPED);
	trace_ktapi_event_drop(ev->type, ev->handle, q->dropped);
	return -1;
}

/* A file's times never go back: the time to stamp a record queued now. */
static u64 ktapi_evq_stamp_locked(struct ktapi_evq *q, u64 time_ns)
{
	lockdep_assert_held(&q->lock);
	/*
	 * Unrelated calls stamp their events before they take this lock, so
	 * one stamped later may be queued first.
	 */
	if (time_ns < q->last_time_ns)
		time_ns = q->last_time_ns;
	q->last_time_ns = time_ns;
	return time_ns;
}

/**
 * ktapi_evq_queue_locked - queue one event unless the queue is closed
 * @q: the queue of the file that receives the event
 * @type: KTAPI_EV_APPNEWCALL (@h is then a ktapi_given_handle) or
 *	KTAPI_EV_CALLSTATE
 * @h: the handle the event is about, under its pair lock
 * @state: the call state to report
 * @state_mode: the disconnect mode to report
 * @time_ns: when it happened (ktime_get_ns())
 *
 * With the ring full, an APPNEWCALL waits in @h behind the ring and a
 * CALLSTATE is counted (see the top of this file).  Under q->lock.
 */
void ktapi_evq_queue_locked(struct ktapi_evq *q, u32 type,
			    struct ktapi_handle *h, u32 state,
			    u32 state_mode, u64 time_ns)
{
	struct ktapi_event ev = {
		.type = type,
		.handle = h->id,
		.call_id = h->leg->call_id,
		.state = state,
		.state_mode = state_mode,
		.privilege = h->privilege,
	};

	lockdep_assert_held(&q->lock);
	if (q->closed)
		return;
	ev.time_ns = ktapi_evq_stamp_locked(q, time_ns);

	if (q->count >= q->len && type == KTAPI_EV_APPNEWCALL &&
	    !WARN_ON_ONCE(h->embedded)) {
		struct ktapi_given_handle *g = ktapi_given(h);

		lockdep_assert_held(h->leg->lock);
		static_assert(KTAPI_CALLSTATE_UNKNOWN <= U16_MAX);
		g->ann_time_ns = ev.time_ns;
		g->ann_state = state;
		g->ann_seq = q->wait_seq++;
		list_add_tail(&g->ann_node, &q->announce);
		ktapi_stat_inc(KTAPI_STAT_EVENTS_QUEUED);
		ktapi_stat_inc(KTAPI_STAT_EVENTS_TOTAL);
	} else {
		ktapi_evq_offer_locked(q, &ev);
	}
}

/* The slots of the ring are u16 (ktapi_handle_ci_slot()). */
static_assert(KTAPI_EVQ_LEN_MAX - 1 <= U16_MAX);

/*
 * Whether ring slot @slot holds a record not read yet that no reader is
 * copying (the first q->reading records are copied without the lock), so
 * that it may still be changed.  Under q->lock.
 */
static bool ktapi_evq_slot_unread_locked(struct ktapi_evq *q, u32 slot)
{
	u32 off;

	lockdep_assert_held(&q->lock);
	if (slot >= q->len)
		return false;
	off = slot >= q->head ? slot - q->head : slot + q->len - q->head;
	return off >= q->reading && off < q->count;
}

/**
 * ktapi_evq_callinfo_locked - queue or merge a CALLINFO record of a handle
 * @q: the queue of @h's file
 * @h: the handle, under its pair lock
 * @bits: OR of KTAPI_CALLINFOSTATE_
 * @time_ns: when the counts changed (ktime_get_ns())
 *
 * A file holds at most one unread CALLINFO record per handle: when the
 * ring slot of @h's last one (ktapi_handle_ci_slot()) still holds it,
 * unread and not being copied, @bits are ORed into it (its time_ns stays,
 * so times never go back).  Else a new record is queued as a CALLSTATE
 * is, dropped and counted when the ring is full, and its slot kept in @h.
 * Nothing on a closed queue.  The caller wakes the readers after the
 * unlock (ktapi_evq_wake()).  Under q->lock.
 */
void ktapi_evq_callinfo_locked(struct ktapi_evq *q, struct ktapi_handle *h,
			       u32 bits, u64 time_ns)
{
	u16 *slot = ktapi_handle_ci_slot(h);
	struct ktapi_event ev = {
		.type = KTAPI_EV_CALLINFO,
		.handle = h->id,
		.call_id = h->leg->call_id,
		.info_state = bits,
	};
	struct ktapi_event *old;
	int queued;

	lockdep_assert_held(&q->lock);
	lockdep_assert_held(h->leg->lock);
	if (q->closed)
		return;
	if (ktapi_evq_slot_unread_locked(q, *slot)) {
		old = &q->ring[*slot];
		/*
		 * Only this handle's last CALLINFO can be there: records never
		 * move, and a handle id names one live handle of the file.
		 */
		if (old->type == KTAPI_EV_CALLINFO && old->handle == ev.handle &&
		    old->call_id == ev.call_id) {
			old->info_state |= bits;
			return;
		}
	}
	ev.time_ns = ktapi_evq_stamp_locked(q, time_ns);
	queued = ktapi_evq_offer_locked(q, &ev);
	if (queued >= 0)
		*slot = queued;
}

/*
 * A LINE_REMOVE of @device_id whose LINE_CREATE is the last record in the
 * ring, unread and not being read: take the LINE_CREATE back and queue
 * nothing (a device that came and went while the file did not look).  The
 * backlog, if any, moves into the room.  Return: whether it did.  Under
 * q->lock.
 */
static bool ktapi_evq_cancel_create_locked(struct ktapi_evq *q, u32 device_id)
{
	u32 tail;

	lockdep_assert_held(&q->lock);
	/* The reader copies its first q->reading records without the lock. */
	if (q->count <= q->reading)
		return false;
	tail = q->head + q->count - 1;
	if (tail >= q->len)
		tail -= q->len;
	if (q->ring[tail].type != KTAPI_EV_LINE_CREATE ||
	    q->ring[tail].device_id != device_id)
		return false;
	WRITE_ONCE(q->count, q->count - 1);
	ktapi_stat_dec(KTAPI_STAT_EVENTS_QUEUED);
	ktapi_evq_flush_locked(q);
	return true;
}

/**
 * ktapi_evq_push_device - queue a LINE_CREATE or LINE_REMOVE record
 * @q: the queue of an open file, with or without LINE_OPEN
 * @type: KTAPI_EV_LINE_CREATE or KTAPI_EV_LINE_REMOVE
 * @device_id: the device
 *
 * Such a record takes only the first half of the ring (rounded up): past
 * it, or with the ring full, it is dropped and counted like a CALLSTATE,
 * so a provider adding and removing devices never takes the room of a
 * file's call records.  A LINE_REMOVE whose device's LINE_CREATE is the
 * last record queued and still unread cancels it instead.  Nothing when
 * the queue is closed (the file is being released, or its line was
 * force-closed).  Takes q->lock, and wakes the readers.
 */
void ktapi_evq_push_device(struct ktapi_evq *q, u32 type, u32 device_id)
{
	struct ktapi_event ev = {
		.type = type,
		.device_id = device_id,
	};

	spin_lock(&q->lock);
	if (q->closed ||
	    (type == KTAPI_EV_LINE_REMOVE &&
	     ktapi_evq_cancel_create_locked(q, device_id))) {
		spin_unlock(&q->lock);
		return;
	}
	ev.time_ns = ktapi_evq_stamp_locked(q, ktime_get_ns());
	if (q->count < q->len - q->len / 2) {
		ktapi_evq_add_locked(q, &ev);
	} else {
		q->dropped++;
		ktapi_stat_inc(KTAPI_STAT_EVENTS_DROPPED);
		trace_ktapi_event_drop(type, 0, q->dropped);
	}
	spin_unlock(&q->lock);
	ktapi_evq_wake(q);
}

/**
 * ktapi_evq_line_close_locked - queue the LINE_CLOSE of a forced close
 * @q: the queue, still open; the caller closes it next
 * @time_ns: the time of the close (ktime_get_ns())
 *
 * Queued even when the ring is full: then it waits behind the backlog, and
 * is the last record the file reads.  From now on poll() reports EPOLLHUP.
 * Under q->lock.
 */
void ktapi_evq_line_close_locked(struct ktapi_evq *q, u64 time_ns)
{
	lockdep_assert_held(&q->lock);
	if (WARN_ON_ONCE(q->closed || q->hup))
		return;
	q->close_time_ns = ktapi_evq_stamp_locked(q, time_ns);
	q->close_pending = true;
	WRITE_ONCE(q->hup, true);
	ktapi_stat_inc(KTAPI_STAT_EVENTS_QUEUED);
	ktapi_stat_inc(KTAPI_STAT_EVENTS_TOTAL);
	ktapi_evq_flush_locked(q);
}

/**
 * ktapi_evq_withdraw - forget the waiting APPNEWCALL of a handle
 * @h: a handle being removed, under its pair lock
 *
 * An APPNEWCALL still waiting when its handle is voided is not delivered:
 * it is counted in the next OVERFLOW instead, and the handle can be freed.
 */
void ktapi_evq_withdraw(struct ktapi_handle *h)
{
	struct ktapi_given_handle *g = ktapi_given(h);
	struct ktapi_evq *q = &h->file->evq;

	lockdep_assert_held(h->leg->lock);
	if (h->embedded)
		return;
	/*
	 * Linked only under the pair lock, which we hold, so an unlinked
	 * handle stays unlinked.  A reader may be unlinking it now, with
	 * list_del_init_careful() as its last access: once
	 * list_empty_careful() sees it unlinked it is done, and the
	 * handle may be freed at once (ktapi_handle_remove()).
	 */
	if (list_empty_careful(&g->ann_node))
		return;
	spin_lock(&q->lock);
	if (!list_empty(&g->ann_node)) {
		list_del_init(&g->ann_node);
		q->dropped++;
		ktapi_stat_dec(KTAPI_STAT_EVENTS_QUEUED);
		ktapi_stat_inc(KTAPI_STAT_EVENTS_DROPPED);
		trace_ktapi_event_drop(KTAPI_EV_APPNEWCALL, h->id, q->dropped);
	}
	spin_unlock(&q->lock);
}

/* Wake the readers of @q after ktapi_evq_queue_locked() and the unlock. */
void ktapi_evq_wake(struct ktapi_evq *q)
{
	__poll_t key = EPOLLIN | EPOLLRDNORM;

	/*
	 * Pairs with the barrier in prepare_to_wait_event() (read) and the
	 * one after poll_wait() (poll): a waiter either sees the new count or
	 * is seen here.
	 */
	if (!wq_has_sleeper(&q->wait))
		return;
	/* After a forced close: also pollers that asked for no event. */
	if (READ_ONCE(q->hup))
		key |= EPOLLHUP;
	wake_up_interruptible_poll(&q->wait, key);
}

/* ktapi_evq_queue_locked() under the queue's lock, and the wake-up. */
void ktapi_evq_push(struct ktapi_evq *q, u32 type, struct ktapi_handle *h,
		    u32 state, u32 state_mode, u64 time_ns)
{
	spin_lock(&q->lock);
	ktapi_evq_queue_locked(q, type, h, state, state_mode, time_ns);
	spin_unlock(&q->lock);
	ktapi_evq_wake(q);
}

/*
 * The REPLY records among the @n head records, about to be read: their
 * requests are over.  Under q->lock.
 */
static void ktapi_evq_read_replies_locked(struct ktapi_evq *q, u32 n)
{
	u32 i, pos = q->head, got = 0;

	lockdep_assert_held(&q->lock);
	for (i = 0; i < n; i++) {
		if (q->ring[pos].type == KTAPI_EV_REPLY)
			got++;
		if (++pos == q->len)
			pos = 0;
	}
	q->ring_replies -= got;
	q->requests -= got;
}

/**
 * ktapi_reply_alloc - the REPLY record of a new async request of @f
 * @f: the file making the request
 *
 * Gives the request @f's next request id (1..0x7fffffff, cyclic) and
 * counts it against max_requests until its REPLY is read.  The record is
 * charged to @f.  May sleep.
 *
 * Return: the record, ERR_PTR(-EAGAIN) when @f has max_requests async
 * requests whose REPLY it has not read, ERR_PTR(-ENOMEM).
 */
struct ktapi_reply *ktapi_reply_alloc(struct ktapi_file *f)
{
	struct ktapi_evq *q = &f->evq;
	struct mem_cgroup *old;
	struct ktapi_reply *r;
	u32 id;

	/* The room first: a file at its limit allocates nothing. */
	spin_lock(&q->lock);
	if (q->requests >= ktapi_max_requests) {
		spin_unlock(&q->lock);
		return ERR_PTR(-EAGAIN);
	}
	q->requests++;
	id = q->next_request_id;
	q->next_request_id = id == KTAPI_REQUEST_ID_MAX ? 1 : id + 1;
	spin_unlock(&q->lock);

	old = ktapi_charge_begin(f);
	r = kmalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	ktapi_charge_end(old);
	if (!r) {
		spin_lock(&q->lock);
		q->requests--;		/* the id stays skipped */
		spin_unlock(&q->lock);
		return ERR_PTR(-ENOMEM);
	}
	r->request_id = id;
	return r;
}

/**
 * ktapi_reply_free - give back the REPLY record of a request that ended
 *	without a REPLY (it failed before it was sent, with the ioctl's errno)
 * @f: the file of the request
 * @r: the record, never queued
 */
void ktapi_reply_free(struct ktapi_file *f, struct ktapi_reply *r)
{
	spin_lock(&f->evq.lock);
	f->evq.requests--;
	spin_unlock(&f->evq.lock);
	kfree(r);
}

/**
 * ktapi_reply_queue_locked - queue the REPLY of an async request
 * @f: the file of the request
 * @r: its record from ktapi_reply_alloc(); the queue owns it from now on
 * @handle: the handle the request was made on
 * @call_id: its leg's call id
 * @result: 0 or the negative errno the request failed with
 * @now: when the request completed (ktime_get_ns())
 *
 * Never dropped: with the ring full (or a backlog waiting) it waits behind
 * the records queued before it.  On a closed queue it is freed at once.
 * The caller wakes the readers after the unlock (ktapi_evq_wake()).
 * Under f->evq.lock.
 */
void ktapi_reply_queue_locked(struct ktapi_file *f, struct ktapi_reply *r,
			      u32 handle, u32 call_id, s32 result, u64 now)
{
	struct ktapi_evq *q = &f->evq;
	struct ktapi_event ev;

	lockdep_assert_held(&q->lock);
	if (q->closed) {
		q->requests--;
		kfree(r);
		return;
	}
	r->handle = handle;
	r->call_id = call_id;
	r->result = result;
	r->time_ns = ktapi_evq_stamp_locked(q, now);
	ktapi_stat_inc(KTAPI_STAT_EVENTS_QUEUED);
	ktapi_stat_inc(KTAPI_STAT_EVENTS_TOTAL);
	ktapi_evq_overflow_first_locked(q);
	if (q->count < q->len) {
		ktapi_reply_event(&ev, r);
		ktapi_evq_put_locked(q, &ev);
		q->ring_replies++;
		kfree(r);
		return;
	}
	r->seq = q->wait_seq++;
	list_add_tail(&r->node, &q->replies);
}

/* ktapi_reply_queue_locked() under @f's queue lock, and the wake-up. */
void ktapi_reply_queue(struct ktapi_file *f, struct ktapi_reply *r,
		       u32 handle, u32 call_id, s32 result)
{
	u64 now = ktime_get_ns();

	spin_lock(&f->evq.lock);
	ktapi_reply_queue_locked(f, r, handle, call_id, result, now);
	spin_unlock(&f->evq.lock);
	ktapi_evq_wake(&f->evq);
}

/* Remove @n head records and fill the room with the backlog. */
static void ktapi_evq_pop_locked(struct ktapi_evq *q, u32 n)
{
	lockdep_assert_held(&q->lock);
	if (unlikely(q->ring_replies))
		ktapi_evq_read_replies_locked(q, n);
	q->head += n;
	if (q->head >= q->len)
		q->head -= q->len;
	WRITE_ONCE(q->count, q->count - n);
	ktapi_stat_sub(KTAPI_STAT_EVENTS_QUEUED, n);
	ktapi_evq_flush_locked(q);
}

/*
 * read(): copy as many whole records as fit, in runs that are contiguous in
 * the ring.  Only the reader (under read_mutex) removes records, and writers
 * only add past the last one, so the records being copied stay where they
 * are; they are removed once copied, so a failed copy loses nothing: a
 * fault in the middle returns the whole records copied before it.  An
 * empty ring after a forced close means the LINE_CLOSE was read: 0.
 */
ssize_t ktapi_evq_read(struct ktapi_evq *q, char __user *buf, size_t count,
		       bool nonblock)
{
	const size_t sz = sizeof(struct ktapi_event);
	size_t max = count / sz, done = 0, left;
	u32 head, n;
	bool hup;
	int ret;

	if (!max)
		return -EINVAL;

	ret = mutex_lock_interruptible(&q->read_mutex);
	if (ret)
		return ret;

	while (done < max) {
		spin_lock(&q->lock);
		head = q->head;
		hup = q->hup;
		/*
		 * The run copied next, whole records contiguous in the ring:
		 * exactly these are being read, no merge into them nor taking
		 * back (push_device); every later record still may be.
		 */
		n = min_t(size_t, q->count, max - done);
		n = min(n, q->len - head);
		q->reading = n;
		spin_unlock(&q->lock);
		if (!n) {
			if (done)
				break;
			if (hup) {
				ret = 0;	/* end of file */
				break;
			}
			if (nonblock) {
				ret = -EAGAIN;
				break;
			}
			mutex_unlock(&q->read_mutex);
			ret = wait_event_interruptible(q->wait,
						       READ_ONCE(q->count) ||
						       READ_ONCE(q->hup));
			if (ret)
				return ret;
			ret = mutex_lock_interruptible(&q->read_mutex);
			if (ret)
				return ret;
			continue;
		}
		left = copy_to_user(buf + done * sz, &q->ring[head], n * sz);
		if (left) {
			/* Keep the whole records that were copied. */
			ret = -EFAULT;
			n -= DIV_ROUND_UP(left, sz);
		}
		spin_lock(&q->lock);
		if (n)
			ktapi_evq_pop_locked(q, n);
		q->reading = 0;
		spin_unlock(&q->lock);
		done += n;
		if (left)
			break;
	}
	mutex_unlock(&q->read_mutex);

	return done ? done * sz : ret;
}

/*
 * EPOLLIN | EPOLLRDNORM while a record is in the ring (the backlog is only
 * ever behind a full ring), EPOLLHUP from a forced close on.
 */
__poll_t ktapi_evq_poll(struct ktapi_evq *q, struct file *filp,
			struct poll_table_struct *wait)
{
	__poll_t mask = 0;
	u32 count;

	poll_wait(filp, &q->wait, wait);
	/* Pairs with wq_has_sleeper() in ktapi_evq_wake(). */
	smp_mb();
	if (READ_ONCE(q->hup)) {
		/*
		 * EPOLLHUP alone means the LINE_CLOSE was read: take the lock
		 * for a count that is not one between a pop and its refill,
		 * nor one from before the close.
		 */
		spin_lock(&q->lock);
		count = q->count;
		spin_unlock(&q->lock);
		mask |= EPOLLHUP;
	} else {
		count = READ_ONCE(q->count);
	}
	if (count)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}
