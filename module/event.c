// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the event queue of an open file, read() and poll().
 *
 * Each file has a ring of event_queue_len records, allocated at open(), so
 * queueing an event never allocates and never fails.  When the ring is full
 * a new event is counted in evq->dropped instead; the first record read
 * afterwards frees a slot, which is used at once for one KTAPI_EV_OVERFLOW
 * record carrying that count.  The events of one call are queued under its
 * pair lock, so each handle gets them in the order the call made them.
 *
 * Locking (the order is in internal.h):
 *  - evq->lock (spinlock) protects head, count, dropped, the ring and
 *    closed: once the line is closed nothing more is queued.  Only a
 *    file's handle map lock is taken inside it (ktapi_handle_publish()).
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
	return 0;
}

/* release(): close the queue for good; its records no longer count. */
void ktapi_evq_retire(struct ktapi_evq *q)
{
	spin_lock(&q->lock);
	q->closed = true;
	ktapi_stat_sub(KTAPI_STAT_EVENTS_QUEUED, q->count);
	q->count = 0;
	q->dropped = 0;
	spin_unlock(&q->lock);
}

void ktapi_evq_free(struct ktapi_evq *q)
{
	kvfree(q->ring);
	mutex_destroy(&q->read_mutex);
}

static void ktapi_evq_add_locked(struct ktapi_evq *q,
				 const struct ktapi_event *ev)
{
	u32 tail = q->head + q->count;

	lockdep_assert_held(&q->lock);
	if (tail >= q->len)
		tail -= q->len;
	q->ring[tail] = *ev;
	q->count++;
	ktapi_stat_inc(KTAPI_STAT_EVENTS_QUEUED);
	ktapi_stat_inc(KTAPI_STAT_EVENTS_TOTAL);
}

/**
 * ktapi_evq_queue_locked - queue one event unless the queue is closed
 * @q: the queue of the file that receives the event
 * @type: KTAPI_EV_*
 * @h: the handle the event is about, or NULL (LINE_CLOSE)
 * @state: the call state to report
 * @state_mode: the disconnect mode to report
 * @time_ns: when it happened (ktime_get_ns())
 */
void ktapi_evq_queue_locked(struct ktapi_evq *q, u32 type,
			    const struct ktapi_handle *h, u32 state,
			    u32 state_mode, u64 time_ns)
{
	struct ktapi_event ev = {
		.type = type,
		.time_ns = time_ns,
	};

	lockdep_assert_held(&q->lock);
	if (q->closed)
		return;
	/*
	 * Unrelated calls stamp their events before they take this lock, so
	 * one stamped later may be queued first: a file's times never go back.
	 */
	if (time_ns < q->last_time_ns)
		ev.time_ns = q->last_time_ns;
	q->last_time_ns = ev.time_ns;
	if (h) {
		ev.handle = h->id;
		ev.call_id = h->call->call_id;
		ev.state = state;
		ev.state_mode = state_mode;
		ev.privilege = h->privilege;
	}

	if (q->count == q->len) {
		q->dropped++;
		ktapi_stat_inc(KTAPI_STAT_EVENTS_DROPPED);
		trace_ktapi_event_drop(type, ev.handle, q->dropped);
	} else {
		ktapi_evq_add_locked(q, &ev);
	}
}

/* Wake the readers of @q after ktapi_evq_queue_locked() and the unlock. */
void ktapi_evq_wake(struct ktapi_evq *q)
{
	/*
	 * Pairs with the barrier in prepare_to_wait_event() (read) and the
	 * one after poll_wait() (poll): a waiter either sees the new count or
	 * is seen here.
	 */
	if (wq_has_sleeper(&q->wait))
		wake_up_interruptible_poll(&q->wait, EPOLLIN | EPOLLRDNORM);
}

/* ktapi_evq_queue_locked() under the queue's lock, and the wake-up. */
void ktapi_evq_push(struct ktapi_evq *q, u32 type, const struct ktapi_handle *h,
		    u32 state, u32 state_mode, u64 time_ns)
{
	spin_lock(&q->lock);
	ktapi_evq_queue_locked(q, type, h, state, state_mode, time_ns);
	spin_unlock(&q->lock);
	ktapi_evq_wake(q);
}

/* Remove @n head records; queue the OVERFLOW record if one is owed. */
static void ktapi_evq_pop_locked(struct ktapi_evq *q, u32 n)
{
	lockdep_assert_held(&q->lock);
	q->head += n;
	if (q->head >= q->len)
		q->head -= q->len;
	q->count -= n;
	ktapi_stat_sub(KTAPI_STAT_EVENTS_QUEUED, n);
	if (q->dropped) {
		struct ktapi_event ev = {
			.type = KTAPI_EV_OVERFLOW,
			.dropped = q->dropped,
			.time_ns = ktime_get_ns(),
		};

		ktapi_evq_add_locked(q, &ev);
		q->dropped = 0;
	}
}

/*
 * read(): copy as many whole records as fit, in runs that are contiguous in
 * the ring.  Only the reader (under read_mutex) removes records, and writers
 * only add past the last one, so the records being copied stay where they
 * are; they are removed once copied, so a failed copy loses nothing: a
 * fault in the middle returns the whole records copied before it.
 */
ssize_t ktapi_evq_read(struct ktapi_evq *q, char __user *buf, size_t count,
		       bool nonblock)
{
	const size_t sz = sizeof(struct ktapi_event);
	size_t max = count / sz, done = 0, left;
	u32 head, n;
	int ret;

	if (!max)
		return -EINVAL;

	ret = mutex_lock_interruptible(&q->read_mutex);
	if (ret)
		return ret;

	while (done < max) {
		spin_lock(&q->lock);
		head = q->head;
		n = q->count;
		spin_unlock(&q->lock);
		if (!n) {
			if (done)
				break;
			if (nonblock) {
				ret = -EAGAIN;
				break;
			}
			mutex_unlock(&q->read_mutex);
			ret = wait_event_interruptible(q->wait,
						       READ_ONCE(q->count));
			if (ret)
				return ret;
			ret = mutex_lock_interruptible(&q->read_mutex);
			if (ret)
				return ret;
			continue;
		}
		n = min_t(size_t, n, max - done);
		n = min(n, q->len - head);

		left = copy_to_user(buf + done * sz, &q->ring[head], n * sz);
		if (left) {
			/* Keep the whole records that were copied. */
			ret = -EFAULT;
			n -= DIV_ROUND_UP(left, sz);
		}
		if (n) {
			spin_lock(&q->lock);
			ktapi_evq_pop_locked(q, n);
			spin_unlock(&q->lock);
			done += n;
		}
		if (left)
			break;
	}
	mutex_unlock(&q->read_mutex);

	return done ? done * sz : ret;
}

__poll_t ktapi_evq_poll(struct ktapi_evq *q, struct file *filp,
			struct poll_table_struct *wait)
{
	poll_wait(filp, &q->wait, wait);
	/* Pairs with wq_has_sleeper() in ktapi_evq_push(). */
	smp_mb();
	return READ_ONCE(q->count) ? EPOLLIN | EPOLLRDNORM : 0;
}
