// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: lineMakeCall, lineAnswer, lineDrop (asynchronous: a request
 * id now, LINE_REPLY later), lineDeallocateCall, lineSetCallPrivilege and
 * lineGetNewCalls.  An hCall names one ktapi handle of its line's file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Under lt_lock: the live call @h. */
LONG lt_find_call(HCALL h, struct lt_call **out)
{
	struct lt_call *c;

	if (!lt_apps)
		return LINEERR_UNINITIALIZED;
	c = lt_handle_get(h, LT_CALL);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	*out = c;
	return 0;
}

/* Under lt_lock: an hCall for ktapi handle @khandle of @l; NULL: no memory. */
struct lt_call *lt_call_new(struct lt_line *l, uint32_t khandle)
{
	struct lt_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->line = l;
	c->khandle = khandle;
	c->h = lt_handle_new(LT_CALL, c);
	if (!c->h) {
		free(c);
		return NULL;
	}
	if (lt_map_put(&l->calls, khandle, c)) {
		lt_handle_del(c->h);
		free(c);
		return NULL;
	}
	return c;
}

void lt_call_free(struct lt_call *c)
{
	lt_map_del(&c->line->calls, c->khandle);
	lt_handle_del(c->h);
	free(c);
}

/* The application's next request id, 1..0x7fffffff. */
uint32_t lt_req_id(struct lt_app *a)
{
	uint32_t id = a->next_req;

	a->next_req = id == 0x7fffffff ? 1 : id + 1;
	return id;
}

/*
 * Under lt_lock: remember request @kreq (a result of a libktapi *_async
 * call, or -errno) of @l.  Return: the application's request id, or the
 * LINEERR.
 */
static LONG lt_req_add(struct lt_line *l, int kreq, struct lt_req *r,
		       enum lt_errctx ctx)
{
	if (kreq < 0) {
		free(r);
		return lt_lineerr(kreq, ctx);
	}
	r->kreq = (uint32_t)kreq;
	r->id = lt_req_id(l->app);
	r->next = l->reqs;
	l->reqs = r;
	return (LONG)r->id;
}

LT_EXPORT LONG WINAPI lineMakeCallA(HLINE hLine, LPHCALL lphCall,
				    LPCSTR lpszDestAddress,
				    DWORD dwCountryCode,
				    LPLINECALLPARAMS const lpCallParams)
{
	struct lt_line *l;
	struct lt_req *r;
	DWORD total;
	LONG err;
	int kreq;

	(void)dwCountryCode;	/* addresses are dialled as given */
	pthread_mutex_lock(&lt_lock);
	err = lt_find_line(hLine, &l);
	if (err)
		goto out;
	err = LINEERR_INVALPOINTER;
	if (!lphCall)
		goto out;
	err = LINEERR_INVALADDRESS;
	if (!lpszDestAddress)	/* no dial tone to dial on later */
		goto out;
	if (lpCallParams) {
		memcpy(&total, lpCallParams, sizeof(total));
		err = LINEERR_STRUCTURETOOSMALL;
		if (total < (l->api_version >= 0x00020000 ?
			     sizeof(LINECALLPARAMS) :
			     offsetof(LINECALLPARAMS,
				      dwPredictiveAutoTransferStates)))
			goto out;
	}
	err = LINEERR_NOMEM;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	/* Under lt_lock: the pump cannot read the REPLY before r is known. */
	kreq = ktapi_make_call_async(l->fd, lpszDestAddress, &r->khandle,
				     NULL);
	r->make = 1;
	r->out = lphCall;
	err = lt_req_add(l, kreq, r, LT_ERR_ADDRESS);
out:
	pthread_mutex_unlock(&lt_lock);
	return err;
}

LT_EXPORT LONG WINAPI lineMakeCallW(HLINE hLine, LPHCALL lphCall,
				    LPCWSTR lpszDestAddress,
				    DWORD dwCountryCode,
				    LPLINECALLPARAMS const lpCallParams)
{
	char *dest;
	LONG err = lt_w2a(lpszDestAddress, &dest);

	if (err)
		return err;
	err = lineMakeCallA(hLine, lphCall, dest, dwCountryCode, lpCallParams);
	free(dest);
	return err;
}

/* lineAnswer and lineDrop: @op is ktapi_answer_async or ktapi_drop_async. */
static LONG lt_call_op(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize,
		       int (*op)(int fd, uint32_t handle))
{
	struct lt_call *c;
	struct lt_req *r;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_call(hCall, &c);
	if (err)
		goto out;
	/* LINEDEVCAPS' dwUUIAnswerSize and dwUUIDropSize are 0. */
	err = LINEERR_USERUSERINFOTOOBIG;
	if (lpsUserUserInfo && dwSize)
		goto out;
	err = LINEERR_NOMEM;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	r->khandle = c->khandle;
	err = lt_req_add(c->line, op(c->line->fd, c->khandle), r,
			 LT_ERR_PARAM);
out:
	pthread_mutex_unlock(&lt_lock);
	return err;
}

LT_EXPORT LONG WINAPI lineAnswer(HCALL hCall, LPCSTR lpsUserUserInfo,
				 DWORD dwSize)
{
	return lt_call_op(hCall, lpsUserUserInfo, dwSize, ktapi_answer_async);
}

LT_EXPORT LONG WINAPI lineDrop(HCALL hCall, LPCSTR lpsUserUserInfo,
			       DWORD dwSize)
{
	return lt_call_op(hCall, lpsUserUserInfo, dwSize, ktapi_drop_async);
}

LT_EXPORT LONG WINAPI lineDeallocateCall(HCALL hCall)
{
	struct lt_call *c;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_call(hCall, &c);
	if (!err)
		err = lt_lineerr(ktapi_deallocate_call(c->line->fd, c->khandle),
				 LT_ERR_PARAM);
	if (!err) {
		/* Its queued call messages go; its LINE_REPLYs stay (2.x). */
		lt_msg_purge(c->line->app, 0, c->h);
		lt_call_free(c);
	}
	pthread_mutex_unlock(&lt_lock);
	return err;
}

LT_EXPORT LONG WINAPI lineSetCallPrivilege(HCALL hCall,
					   DWORD dwCallPrivilege)
{
	struct lt_call *c;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_call(hCall, &c);
	if (!err && dwCallPrivilege != LINECALLPRIVILEGE_MONITOR &&
	    dwCallPrivilege != LINECALLPRIVILEGE_OWNER)
		err = LINEERR_INVALCALLPRIVILEGE;
	if (!err)
		err = lt_lineerr(lt_set_call_privilege(c->line->fd, c->khandle,
						       dwCallPrivilege),
				 LT_ERR_CALLPRIV);
	pthread_mutex_unlock(&lt_lock);
	return err;
}

#define CL(f) offsetof(LINECALLLIST, f)

LT_EXPORT LONG WINAPI lineGetNewCalls(HLINE hLine, DWORD dwAddressID,
				      DWORD dwSelect,
				      LPLINECALLLIST lpCallList)
{
	uint32_t *kh = NULL, room, count = 0, rem = 0, i, n = 0;
	struct lt_line *l;
	struct lt_vp vp;
	HCALL *hc = NULL;
	LONG err;
	int ret;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_line(hLine, &l);
	if (err)
		goto out;
	if (dwSelect == LINECALLSELECT_ADDRESS) {
		err = LINEERR_INVALADDRESSID;
		if (dwAddressID != 0)	/* one address per line */
			goto out;
	} else if (dwSelect != LINECALLSELECT_LINE) {
		err = LINEERR_INVALCALLSELECT;
		goto out;
	}
	err = lt_vp_begin(&vp, lpCallList, sizeof(LINECALLLIST), 0);
	if (err)
		goto out;
	/* Handles are made only for the entries that fit. */
	room = (vp.total - vp.fixed) / sizeof(HCALL);
	if (room > KTAPI_NEW_CALLS_MAX)
		room = KTAPI_NEW_CALLS_MAX;
	err = LINEERR_NOMEM;
	if (room) {
		kh = calloc(room, sizeof(*kh));
		hc = calloc(room, sizeof(*hc));
		if (!kh || !hc)
			goto out;
	}
	ret = ktapi_get_new_calls(l->fd, kh, room, &count, &rem);
	err = lt_lineerr(ret, LT_ERR_PARAM);
	if (err)
		goto out;
	for (i = 0; i < count; i++) {
		struct lt_call *c = lt_call_new(l, kh[i]);

		if (!c) {
			/* Given back: the next lineGetNewCalls finds it. */
			ktapi_deallocate_call(l->fd, kh[i]);
			rem++;
			continue;
		}
		hc[n++] = c->h;
	}
	lt_vp_set(&vp, CL(dwCallsNumEntries), n);
	lt_vp_add(&vp, CL(dwCallsSize), CL(dwCallsOffset), hc,
		  n * sizeof(HCALL));
	/* What the rest needs: a full list's size. */
	if (rem)
		vp.needed = ((vp.needed + 3u) & ~3u) + rem * sizeof(HCALL);
	lt_vp_end(&vp);
	err = 0;
out:
	pthread_mutex_unlock(&lt_lock);
	free(kh);
	free(hc);
	return err;
}
