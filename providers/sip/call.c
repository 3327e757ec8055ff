// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * call.c: the table of legs, from a leg's MAKECALL or NEWCALL to its
 * CLOSECALL, and the bound on them: at most --max-calls legs per line
 * that are not IDLE (an IDLE leg waits only for its CLOSECALL, holding no
 * SIP state).  A MAKECALL past the bound is refused EAGAIN, an INVITE
 * 486 (prov.c, sip.c), before anything is kept.
 *
 * Every leg is on one list (for the walks at stop) and in two hash tables
 * of nbuckets chains each, sized at start for --max-calls legs on every
 * line: by call id (each provider request) and, once its dialog has one,
 * by Call-ID (each INVITE outside a dialog is checked against the legs
 * held, each 3xx against the calls made).  A peer chooses its Call-IDs,
 * so that hash is seeded at random: it cannot aim them at one chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

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

/* At least 16; at most 65 536 (64 lines of 1 024 calls). */
static uint32_t buckets_for(unsigned int calls)
{
	uint32_t n = 16;

	while (n < calls && n < 65536)
		n <<= 1;
	return n;
}

int sipd_calls_init(struct sipd *d)
{
	d->nbuckets = buckets_for(d->o.nlines * d->o.max_calls);
	d->by_id = calloc(d->nbuckets, sizeof(*d->by_id));
	d->by_callid = calloc(d->nbuckets, sizeof(*d->by_callid));
	if (!d->by_id || !d->by_callid) {
		sipd_calls_fini(d);
		return -ENOMEM;
	}
	if (getrandom(&d->hash_seed, sizeof(d->hash_seed), GRND_NONBLOCK) !=
	    sizeof(d->hash_seed))
		d->hash_seed = (uint32_t)(uintptr_t)d ^ (uint32_t)getpid();
	return 0;
}

/* The table must be empty (every leg freed). */
void sipd_calls_fini(struct sipd *d)
{
	free(d->by_id);
	free(d->by_callid);
	d->by_id = d->by_callid = NULL;
	d->nbuckets = 0;
}

static uint32_t id_bucket(const struct sipd *d, uint32_t call_id)
{
	return (call_id * 2654435761u) & (d->nbuckets - 1);
}

/* FNV-1a over the bytes, from the seed. */
static uint32_t callid_hash(const struct sipd *d, const char *p, size_t len)
{
	uint32_t h = 2166136261u ^ d->hash_seed;

	while (len--) {
		h ^= (unsigned char)*p++;
		h *= 16777619u;
	}
	return h;
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
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &d->calls;
	d->calls = c;
	c->id_next = d->by_id[id_bucket(d, call_id)];
	d->by_id[id_bucket(d, call_id)] = c;
	line->live++;
	d->st.calls++;
	sipd_stats_changed(d);
	return c;
}

struct sipd_call *sipd_call_find(struct sipd *d, uint32_t call_id)
{
	struct sipd_call *c;

	for (c = d->by_id[id_bucket(d, call_id)]; c; c = c->id_next)
		if (c->call_id == call_id)
			return c;
	return NULL;
}

/* The leg's dialog has Call-ID @callid (@len bytes): hash it.  -ENOMEM. */
int sipd_call_set_callid(struct sipd_call *c, const char *callid, size_t len)
{
	struct sipd *d = c->d;
	uint32_t b;

	if (c->callid)
		return -EEXIST;
	c->callid = malloc(len + 1);
	if (!c->callid)
		return -ENOMEM;
	memcpy(c->callid, callid, len);
	c->callid[len] = '\0';
	c->cid_hash = callid_hash(d, callid, len);
	b = c->cid_hash & (d->nbuckets - 1);
	c->cid_next = d->by_callid[b];
	d->by_callid[b] = c;
	return 0;
}

/* The next leg after @after (NULL: the first) whose Call-ID is @callid. */
struct sipd_call *sipd_call_next_by_callid(struct sipd *d, const char *callid,
					   size_t len, struct sipd_call *after)
{
	uint32_t h = callid_hash(d, callid, len);
	struct sipd_call *c;

	c = after ? after->cid_next : d->by_callid[h & (d->nbuckets - 1)];
	for (; c; c = c->cid_next)
		if (c->cid_hash == h && strlen(c->callid) == len &&
		    !memcmp(c->callid, callid, len))
			return c;
	return NULL;
}

static void unchain_id(struct sipd_call **pp, const struct sipd_call *c)
{
	for (; *pp != c; pp = &(*pp)->id_next)
		;
	*pp = c->id_next;
}

static void unchain_callid(struct sipd_call **pp, const struct sipd_call *c)
{
	for (; *pp != c; pp = &(*pp)->cid_next)
		;
	*pp = c->cid_next;
}

/* Forget @c: its SIP session must be gone (sipd_sip_free()). */
void sipd_call_free(struct sipd_call *c)
{
	struct sipd *d = c->d;

	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	unchain_id(&d->by_id[id_bucket(d, c->call_id)], c);
	if (c->callid)
		unchain_callid(&d->by_callid[c->cid_hash & (d->nbuckets - 1)], c);
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
