// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: ktapi's event records as LINEMESSAGEs, the app's queue, and
 * lineGetMessage.
 *
 *   APPNEWCALL  -> LINE_APPNEWCALL (lines of 2.0 and later: hDevice the
 *                  hLine, dwParam1 address 0, dwParam2 the new hCall,
 *                  dwParam3 its privilege), always immediately followed
 *                  by the handle's first LINE_CALLSTATE (the state the
 *                  record gives, dwParam3 the privilege)
 *   CALLSTATE   -> LINE_CALLSTATE (hDevice the hCall, dwParam1 the state,
 *                  dwParam2 the mode, dwParam3 the privilege in the first
 *                  message of a handle, else 0); a state and mode already
 *                  reported are not repeated, nothing comes after IDLE
 *   CALLINFO    -> LINE_CALLINFO (dwParam1 the LINECALLINFOSTATE_ bits),
 *                  never after the handle's LINE_CALLSTATE IDLE
 *   REPLY       -> LINE_REPLY (dwParam1 the request id lineMakeCall,
 *                  lineAnswer or lineDrop returned, dwParam2 0 or the
 *                  LINEERR's 32 bits, zero-extended); lineMakeCall's *lphCall is
 *                  written when this message is delivered
 *   LINE_CLOSE  -> LINE_CLOSE (hDevice the hLine); the hLine and its
 *                  hCalls are void once it is delivered
 *   LINE_CREATE, LINE_REMOVE (the control file's) -> LINE_CREATE,
 *                  LINE_REMOVE (dwParam1 the device id)
 *   OVERFLOW    -> once the queued records are read, a LINE_CALLSTATE
 *                  for each call whose state is not the one last
 *                  reported (GET_CALL_INFO): no program misses an IDLE
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* Under lt_lock: a message at the queue's end; NULL when out of memory. */
struct lt_msg *lt_msg_push(struct lt_app *a, HLINE line, DWORD dev, DWORD id,
			   DWORD_PTR inst, DWORD_PTR p1, DWORD_PTR p2,
			   DWORD_PTR p3)
{
	struct lt_msg *m = calloc(1, sizeof(*m));
	uint64_t one = 1;

	if (!m)
		return NULL;
	m->line = line;
	m->m.hDevice = dev;
	m->m.dwMessageID = id;
	m->m.dwCallbackInstance = inst;
	m->m.dwParam1 = p1;
	m->m.dwParam2 = p2;
	m->m.dwParam3 = p3;
	if (a->tail)
		a->tail->next = m;
	else
		a->head = m;
	a->tail = m;
	/* The event descriptor is readable while a message is queued. */
	if (a->head == m && a->event_fd >= 0 &&
	    write(a->event_fd, &one, sizeof(one)) < 0) {
		/* at its maximum, an eventfd is readable anyway */
	}
	pthread_cond_broadcast(&a->cond);
	return m;
}

static void lt_msg_emptied(struct lt_app *a)
{
	uint64_t v;

	if (!a->head) {
		a->tail = NULL;
		if (a->event_fd >= 0 && read(a->event_fd, &v, sizeof(v)) < 0) {
			/* it was not readable */
		}
	}
}

/* Under lt_lock: the first message; lineMakeCall's *lphCall is written. */
struct lt_msg *lt_msg_pop(struct lt_app *a)
{
	struct lt_msg *m = a->head;

	if (!m)
		return NULL;
	a->head = m->next;
	lt_msg_emptied(a);
	if (m->out)
		*m->out = m->out_value;
	if (m->close) {
		struct lt_line *l = lt_handle_get(m->m.hDevice, LT_LINE);

		if (l)
			lt_line_free(l, 0);
	}
	return m;
}

/* Under lt_lock: forgets the queued messages of @line, or of @call. */
void lt_msg_purge(struct lt_app *a, HLINE line, HCALL call)
{
	struct lt_msg **pp = &a->head, *m;

	while ((m = *pp)) {
		DWORD id = m->m.dwMessageID;
		int of_call = call &&
			((m->m.hDevice == call && (id == LINE_CALLSTATE ||
						   id == LINE_CALLINFO)) ||
			 (id == LINE_APPNEWCALL && m->m.dwParam2 == call));

		if ((line && m->line == line) || of_call) {
			*pp = m->next;
			free(m);
			continue;
		}
		pp = &m->next;
	}
	a->tail = NULL;
	for (m = a->head; m; m = m->next)
		a->tail = m;
	lt_msg_emptied(a);
}

/* Queues @c's LINE_CALLSTATE for @state, @mode (the privilege if first). */
static void lt_callstate(struct lt_line *l, struct lt_call *c, uint32_t state,
			 uint32_t mode, uint32_t privilege)
{
	DWORD priv = c->announced ? 0 : privilege;

	c->announced = 1;
	c->state = state;
	c->mode = mode;
	lt_msg_push(l->app, l->h, c->h, LINE_CALLSTATE, l->instance,
		    state, lt_state_mode(state, mode), priv);
}

static void lt_on_appnewcall(struct lt_line *l, const struct ktapi_event *ev)
{
	struct lt_call *c = lt_call_new(l, ev->handle);

	if (!c) {
		/* Out of memory: give the handle back rather than leak it. */
		ktapi_deallocate_call(l->fd, ev->handle);
		return;
	}
	if (l->api_version >= 0x00020000)
		lt_msg_push(l->app, l->h, l->h, LINE_APPNEWCALL, l->instance,
			    0, c->h, ev->privilege);
	lt_callstate(l, c, ev->state, 0, ev->privilege);
}

static void lt_on_callstate(struct lt_line *l, const struct ktapi_event *ev)
{
	struct lt_call *c = lt_map_get(&l->calls, ev->handle);

	if (!c)
		return;
	/*
	 * A state already reported is not reported again: the first
	 * CALLSTATE after an APPNEWCALL (which made it), or one a resync
	 * after an OVERFLOW told already; and IDLE is the last state.
	 */
	if (c->announced && (c->state == LINECALLSTATE_IDLE ||
			     (ev->state == c->state && ev->state_mode == c->mode)))
		return;
	lt_callstate(l, c, ev->state, ev->state_mode, ev->privilege);
}

/*
 * After an OVERFLOW (the kernel dropped CALLSTATE records): every call
 * of @l whose state is not the one last reported gets a LINE_CALLSTATE
 * of its current state, so that no program misses an IDLE.
 */
static void lt_resync(struct lt_line *l)
{
	struct ktapi_call_info ki;
	uint32_t i;

	for (i = 0; i < l->calls.nbuckets; i++) {
		struct lt_map_ent *e;

		for (e = l->calls.b[i]; e; e = e->next) {
			struct lt_call *c = e->ptr;

			if (c->announced && c->state == LINECALLSTATE_IDLE)
				continue;
			if (ktapi_get_call_info(l->fd, c->khandle, &ki))
				continue;
			if (c->announced && ki.state == c->state &&
			    ki.state_mode == c->mode)
				continue;
			lt_callstate(l, c, ki.state, ki.state_mode,
				     ki.privilege);
		}
	}
}

static void lt_on_callinfo(struct lt_line *l, const struct ktapi_event *ev)
{
	struct lt_call *c = lt_map_get(&l->calls, ev->handle);

	if (!c || c->state == LINECALLSTATE_IDLE)
		return;
	lt_msg_push(l->app, l->h, c->h, LINE_CALLINFO, l->instance,
		    ev->info_state, 0, 0);
}

static void lt_on_reply(struct lt_line *l, const struct ktapi_event *ev)
{
	struct lt_req **pp, *r;
	struct lt_call *c = NULL;
	struct lt_msg *m;
	LONG err;

	for (pp = &l->reqs; (r = *pp); pp = &r->next)
		if (r->kreq == ev->request_id)
			break;
	if (!r)
		return;
	*pp = r->next;
	err = lt_lineerr(ev->result, r->make ? LT_ERR_ADDRESS : LT_ERR_PARAM);
	if (r->make && !err) {
		c = lt_call_new(l, r->khandle);
		if (!c) {
			ktapi_deallocate_call(l->fd, r->khandle);
			err = LINEERR_NOMEM;
		}
	}
	m = lt_msg_push(l->app, l->h, 0, LINE_REPLY, l->instance, r->id,
			LT_REPLY_PARAM(err), 0);
	if (m && c) {
		m->out = r->out;
		m->out_value = c->h;
	}
	free(r);
}

/*
 * The line was closed by force (LINE_CLOSE, the file's last record): it
 * leaves the pump's set (its descriptor reports EPOLLHUP from now on),
 * and its hLine and hCalls stay until the program gets the LINE_CLOSE
 * (TAPI: they are void once the message is sent) or calls lineClose,
 * which then succeeds and takes the message back.
 */
static void lt_on_line_close(struct lt_line *l)
{
	struct lt_msg *m;

	l->dead = 1;
	epoll_ctl(l->app->ep_fd, EPOLL_CTL_DEL, l->fd, NULL);
	m = lt_msg_push(l->app, l->h, l->h, LINE_CLOSE, l->instance, 0, 0, 0);
	if (m)
		m->close = 1;
	else
		lt_line_free(l, 0);	/* no memory: void at once */
}

/* At most this many records per line and wakeup: the others wait. */
#define LT_READ_BATCH 32
#define LT_READ_ROUNDS 4

/* Under lt_lock: reads @l's records; may free @l (LINE_CLOSE). */
void lt_read_line(struct lt_line *l)
{
	struct ktapi_event evs[LT_READ_BATCH];
	int n, i, round, overflow = 0;

	for (round = 0; round < LT_READ_ROUNDS; round++) {
		n = ktapi_read_events(l->fd, evs, LT_READ_BATCH, 0);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			switch (evs[i].type) {
			case KTAPI_EV_APPNEWCALL:
				lt_on_appnewcall(l, &evs[i]);
				break;
			case KTAPI_EV_CALLSTATE:
				lt_on_callstate(l, &evs[i]);
				break;
			case KTAPI_EV_CALLINFO:
				lt_on_callinfo(l, &evs[i]);
				break;
			case KTAPI_EV_REPLY:
				lt_on_reply(l, &evs[i]);
				break;
			case KTAPI_EV_LINE_CLOSE:
				lt_on_line_close(l);
				return;
			case KTAPI_EV_OVERFLOW:
				overflow = 1;
				break;
			default:
				/* LINE_CREATE and LINE_REMOVE come from
				 * the control file */
				break;
			}
		}
	}
	/* Once what was queued is read: the states now are newer. */
	if (overflow)
		lt_resync(l);
}

/* Under lt_lock: the control file's LINE_CREATE and LINE_REMOVE. */
void lt_read_ctrl(struct lt_app *a)
{
	struct ktapi_event evs[LT_READ_BATCH];
	int n, i, round;

	for (round = 0; round < LT_READ_ROUNDS; round++) {
		n = ktapi_read_events(a->ctrl_fd, evs, LT_READ_BATCH, 0);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++) {
			if (evs[i].type == KTAPI_EV_LINE_CREATE)
				lt_msg_push(a, 0, 0, LINE_CREATE, 0,
					    evs[i].device_id, 0, 0);
			else if (evs[i].type == KTAPI_EV_LINE_REMOVE)
				lt_msg_push(a, 0, 0, LINE_REMOVE, 0,
					    evs[i].device_id, 0, 0);
		}
	}
}

LT_EXPORT LONG WINAPI lineGetMessage(HLINEAPP hLineApp,
				     LPLINEMESSAGE lpMessage,
				     DWORD dwTimeout)
{
	struct timespec end;
	struct lt_app *a;
	struct lt_msg *m;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_app(hLineApp, &a);
	if (!err && a->callback)
		err = LINEERR_INVALAPPHANDLE;	/* not a USEEVENT app */
	if (!err && !lpMessage)
		err = LINEERR_INVALPOINTER;
	if (err) {
		pthread_mutex_unlock(&lt_lock);
		return err;
	}
	a->refs++;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += dwTimeout / 1000;
	end.tv_nsec += (long)(dwTimeout % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	while (!a->head && !a->stopping && dwTimeout) {
		if (dwTimeout == INFINITE)
			pthread_cond_wait(&a->cond, &lt_lock);
		else if (pthread_cond_timedwait(&a->cond, &lt_lock, &end) ==
			 ETIMEDOUT)
			break;
	}
	if (a->stopping) {
		err = LINEERR_INVALAPPHANDLE;	/* lineShutdown meanwhile */
	} else if (a->head) {
		m = lt_msg_pop(a);
		*lpMessage = m->m;
		free(m);
	} else {
		err = LINEERR_OPERATIONFAILED;	/* the timeout, TAPI's code */
	}
	lt_app_put(a);
	pthread_mutex_unlock(&lt_lock);
	return err;
}
