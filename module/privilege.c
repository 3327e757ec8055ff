// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: KTAPI_IOC_SET_CALL_PRIVILEGE (TAPI's lineSetCallPrivilege).
 *
 * A handle turns OWNER <-> MONITOR under its leg's pair lock: its
 * privilege, the leg's counts (in a leg->seq write section, so that
 * GET_CALL_INFO reads them together) and then the CALLINFO records of
 * the other holders (callinfo.c).  The privilege is also written under
 * the handle's file's evq.lock, since an APPNEWCALL waiting behind a full
 * ring is made from the handle under that lock alone (event.c).  Nothing
 * else is locked and nothing allocated: the cost is the leg's, O(holders)
 * for the CALLINFO records, as a state change.
 *
 * Nothing else assumes an OFFERING leg has an owner: ANSWER and DROP
 * check the handle's own privilege (no owner: no one can ANSWER until a
 * handle takes ownership), a provider is not told (its leg goes on), and
 * a line close drops a leg, or tells its provider, only when the closing
 * handle was the leg's sole owner (ktapi_handle_remove()), so the line of
 * a former owner closes as a monitor's does.
 */
#include "internal.h"
#include "trace.h"

/*
 * Give @h @priv (MONITOR or OWNER), the checks done but EBUSY.  Under the
 * pair lock of @h's leg.
 */
static int ktapi_set_privilege_locked(struct ktapi_handle *h, u32 priv)
{
	struct ktapi_leg *c = h->leg;
	struct ktapi_file *f = h->file;
	u32 bits;

	lockdep_assert_held(c->lock);
	if (h->privilege == priv)
		return 0;
	if (priv == KTAPI_PRIVILEGE_MONITOR) {
		/* An active call keeps an owner: drop it first. */
		if (c->num_owners == 1 && c->state != KTAPI_CALLSTATE_IDLE &&
		    c->state != KTAPI_CALLSTATE_OFFERING)
			return -EBUSY;
		bits = KTAPI_CALLINFOSTATE_NUMOWNERDECR;
	} else {
		bits = KTAPI_CALLINFOSTATE_NUMOWNERINCR;
	}
	bits |= KTAPI_CALLINFOSTATE_NUMMONITORS;

	spin_lock(&f->evq.lock);
	ktapi_leg_write_begin(c);
	WRITE_ONCE(h->privilege, priv);
	if (priv == KTAPI_PRIVILEGE_OWNER) {
		c->num_owners++;
		c->num_monitors--;
	} else {
		c->num_owners--;
		c->num_monitors++;
	}
	ktapi_leg_write_end(c);
	spin_unlock(&f->evq.lock);
	trace_ktapi_call_privilege(c->line->id, h->id, c->call_id, priv);
	ktapi_callinfo_notify(c, f, bits);
	return 0;
}

/* ktapi_set_privilege_locked() for ktapi_handle_call_locked(). */
static int ktapi_set_privilege_fn(struct ktapi_handle *h, void *priv)
{
	return ktapi_set_privilege_locked(h, *(u32 *)priv);
}

/**
 * ktapi_ioctl_set_call_privilege - KTAPI_IOC_SET_CALL_PRIVILEGE
 * @ucmd: the command, its argument a struct ktapi_call_privilege
 *
 * The checks, in the uapi header's order: an open line (EBADFD), the
 * privilege (exactly MONITOR or OWNER, else EINVAL), the handle (ENOENT),
 * the last owner of an active leg (EBUSY).  The handle is looked up under
 * RCU and its pair lock taken, as for the call ops.
 */
int ktapi_ioctl_set_call_privilege(struct ktapi_ucmd *ucmd)
{
	struct ktapi_call_privilege *cp = ucmd->arg;
	struct ktapi_file *f = ucmd->file;

	if (READ_ONCE(f->state) != KTAPI_FILE_OPEN)
		return -EBADFD;
	if (cp->privilege != KTAPI_PRIVILEGE_MONITOR &&
	    cp->privilege != KTAPI_PRIVILEGE_OWNER)
		return -EINVAL;
	if (!cp->handle)
		return -ENOENT;

	return ktapi_handle_call_locked(f, cp->handle, ktapi_set_privilege_fn,
					&cp->privilege);
}
