// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: CALLINFO records (TAPI's LINE_CALLINFO), the count changes of a
 * leg told to the other files that hold it.
 *
 * A leg's num_owners and num_monitors change when a handle is given (an
 * incoming call, GET_NEW_CALLS), voided (DEALLOCATE_CALL, line close,
 * forced close, a device's removal: all through ktapi_handle_remove()) or
 * changes privilege (SET_CALL_PRIVILEGE).  Every file that holds a handle
 * to the leg and opened its line with KTAPI_LINE_OPEN_CALLINFO is then
 * told with a CALLINFO record, but the file whose handle changed, and
 * never for an IDLE leg.  The handles given together when a leg is made
 * (MAKE_CALL, the loopback switch's and a provider's incoming legs) cause
 * none: their APPNEWCALL and first CALLSTATE tell.
 *
 * Locking: ktapi_callinfo_notify() runs under the leg's pair lock, as
 * ktapi_leg_notify() does for CALLSTATE, and takes each holder's
 * evq.lock in turn, alone (pair lock -> evq.lock, internal.h's order).
 * It is O(holders of the leg), each step O(1) and allocation-free (the
 * record goes into the ring, or into the handle's unread one, or is
 * counted as dropped), and that pair lock is that call's only: no lock
 * of unrelated calls is held.
 */
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "internal.h"

/**
 * ktapi_callinfo_notify - tell the other holders of @leg its counts changed
 * @leg: the leg, under its pair lock, its counts already changed
 * @cause: the file whose handle changed (it reads none), or NULL
 * @bits: OR of KTAPI_CALLINFOSTATE_NUMOWNERINCR, _NUMOWNERDECR and
 *	_NUMMONITORS
 *
 * Queue a CALLINFO record, or merge @bits into the unread one, for every
 * handle of every file holding @leg but @cause, if the file asked for
 * them (KTAPI_LINE_OPEN_CALLINFO) and @leg is not IDLE.  A file whose
 * line is closing (its queue closed) gets nothing.  Wakes the readers.
 */
void ktapi_callinfo_notify(struct ktapi_leg *leg, struct ktapi_file *cause,
			   u32 bits)
{
	struct ktapi_handle *h;
	u64 now;

	lockdep_assert_held(leg->lock);
	if (leg->state == KTAPI_CALLSTATE_IDLE || !bits)
		return;
	now = ktime_get_ns();
	list_for_each_entry(h, &leg->holders, call_node) {
		struct ktapi_evq *q = &h->file->evq;

		/* Constant once the file's line is open, as it is here. */
		if (h->file == cause || !h->file->callinfo)
			continue;
		spin_lock(&q->lock);
		ktapi_evq_callinfo_locked(q, h, bits, now);
		spin_unlock(&q->lock);
		ktapi_evq_wake(q);
	}
}
