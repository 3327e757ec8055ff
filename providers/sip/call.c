// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * call.c: the table of legs, from a leg's MAKECALL or NEWCALL to its
 * CLOSECALL, and the bound on them: at most --max-calls legs per line
 * that are not IDLE (an IDLE leg waits only for its CLOSECALL, holding no
 * SIP state).  A MAKECALL past the bound is refused EAGAIN, an INVITE
 * 486 (prov.c, sip.c), before anything is kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipd.h"

struct sipd_line *sipd_line_by_device(struct sipd *d, uint32_t device_id)
{
	unsigned int i;

	for (i = 0; i < d->nlines; i++)
		if (d->line[i].device_id == device_id)
			return &d->line[i];
	return NULL;
}

struct sipd_line *sipd_line_by_number(struct sipd *d, const char *number)
{
	unsigned int i;

	for (i = 0; i < d->nlines; i++)
		if (!strcmp(d->line[i].number, number))
			return &d->line[i];
	return NULL;
}

bool sipd_line_full(const struct sipd *d, const struct sipd_line *l)
{
	return l->live >= d->o.max_calls;
}

struct sipd_call *sipd_call_new(struct sipd *d, struct sipd_line *line,
				uint32_t call_id, bool out, const char *from,
				const char *to)
{
	struct sipd_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->d = d;
	c->line = line;
	c->call_id = call_id;
	c->out = out;
	snprintf(c->from, sizeof(c->from), "%s", from);
	snprintf(c->to, sizeof(c->to), "%s", to);
	c->next = d->calls;
	d->calls = c;
	line->live++;
	d->st.calls++;
	sipd_stats_changed(d);
	return c;
}

struct sipd_call *sipd_call_find(struct sipd *d, uint32_t call_id)
{
	struct sipd_call *c;

	for (c = d->calls; c; c = c->next)
		if (c->call_id == call_id)
			return c;
	return NULL;
}

/* Forget @c: its SIP session must be gone (sipd_sip_free()). */
void sipd_call_free(struct sipd_call *c)
{
	struct sipd *d = c->d;
	struct sipd_call **pp;

	for (pp = &d->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (c->state != KTAPI_CALLSTATE_IDLE)
		c->line->live--;
	d->st.calls--;
	sipd_stats_changed(d);
	free(c->media);
	free(c->callid);
	free(c->ftag);
	free(c);
}

/*
 * Report a state to the module, log it ("WHY STATE [MODE]") and keep it.
 * Return 0 or -errno (the leg is gone: ENOENT after its CLOSECALL raced).
 */
int sipd_call_state(struct sipd_call *c, uint32_t state, uint32_t mode,
		    const char *why)
{
	int err;

	if (c->state == state)
		return 0;
	if (c->state == KTAPI_CALLSTATE_IDLE)
		return -EINVAL;	/* nothing after IDLE */
	err = ktapi_provider_callstate(c->d->prov_fd, c->call_id, state, mode);
	if (err) {
		sipd_call_log(c, "%s: CALLSTATE %s: %s", why,
			      sipd_state_name(state), strerror(-err));
		return err;
	}
	if (state == KTAPI_CALLSTATE_IDLE)
		c->line->live--;
	c->state = state;
	if (state == KTAPI_CALLSTATE_DISCONNECTED)
		sipd_call_log(c, "%s DISCONNECTED %s", why, sipd_mode_name(mode));
	else
		sipd_call_log(c, "%s %s", why, sipd_state_name(state));
	return 0;
}
