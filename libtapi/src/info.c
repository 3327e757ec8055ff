// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: lineGetCallInfo (LINECALLINFO) and lineGetCallStatus
 * (LINECALLSTATUS) from GET_CALL_INFO, filled by varsize.c's rules.  Both
 * work in any state and with either privilege, IDLE included, until the
 * handle is deallocated.
 */
#include <string.h>
#include <time.h>

#include "internal.h"

/* Under lt_lock: GET_CALL_INFO of @c. */
static LONG lt_call_info(struct lt_call *c, struct ktapi_call_info *ki)
{
	return lt_lineerr(ktapi_get_call_info(c->line->fd, c->khandle, ki),
			  LT_ERR_PARAM);
}

#define CI(f) offsetof(LINECALLINFO, f)

/* The states a ktapi call can be in: every LINECALLSTATE_. */
#define LT_CALLSTATES 0x0000ffffu

static DWORD lt_party_flags(const char *address)
{
	return address[0] ? LINECALLPARTYID_ADDRESS : LINECALLPARTYID_UNKNOWN;
}

static LONG lt_get_call_info(HCALL hCall, LPLINECALLINFO lpCallInfo, int wide)
{
	struct ktapi_call_info ki;
	struct lt_call *c;
	struct lt_vp vp;
	HLINE hline = 0;
	DWORD version = 0, dev = 0;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_call(hCall, &c);
	if (!err) {
		hline = c->line->h;
		version = c->line->api_version;
		dev = c->line->device_id;
		err = lt_call_info(c, &ki);
	}
	pthread_mutex_unlock(&lt_lock);
	if (err)
		return err;
	err = lt_vp_begin(&vp, lpCallInfo, version >= 0x00020000 ?
			  sizeof(LINECALLINFO) : CI(dwCallTreatment), wide);
	if (err)
		return err;
	/* ki's strings are NUL-terminated by the kernel; make sure. */
	ki.caller_address[sizeof(ki.caller_address) - 1] = 0;
	ki.called_address[sizeof(ki.called_address) - 1] = 0;
	ki.app_name[sizeof(ki.app_name) - 1] = 0;
	lt_vp_set(&vp, CI(hLine), hline);
	lt_vp_set(&vp, CI(dwLineDeviceID), dev);
	lt_vp_set(&vp, CI(dwAddressID), 0);
	lt_vp_set(&vp, CI(dwBearerMode), LINEBEARERMODE_VOICE);
	lt_vp_set(&vp, CI(dwMediaMode), LINEMEDIAMODE_INTERACTIVEVOICE);
	lt_vp_set(&vp, CI(dwCallID), ki.call_id);
	lt_vp_set(&vp, CI(dwRelatedCallID), ki.related_call_id);
	lt_vp_set(&vp, CI(dwCallStates), LT_CALLSTATES);
	/* KTAPI_CALLORIGIN_ and _CALLREASON_ are TAPI's values. */
	lt_vp_set(&vp, CI(dwOrigin), ki.origin);
	lt_vp_set(&vp, CI(dwReason), ki.reason);
	lt_vp_set(&vp, CI(dwNumOwners), ki.num_owners);
	lt_vp_set(&vp, CI(dwNumMonitors), ki.num_monitors);
	lt_vp_set(&vp, CI(dwTrunk), 0xffffffffu);	/* unknown */
	lt_vp_set(&vp, CI(dwCallerIDFlags), lt_party_flags(ki.caller_address));
	lt_vp_add_str(&vp, CI(dwCallerIDSize), CI(dwCallerIDOffset),
		      ki.caller_address);
	lt_vp_set(&vp, CI(dwCalledIDFlags), lt_party_flags(ki.called_address));
	lt_vp_add_str(&vp, CI(dwCalledIDSize), CI(dwCalledIDOffset),
		      ki.called_address);
	lt_vp_set(&vp, CI(dwConnectedIDFlags), LINECALLPARTYID_UNAVAIL);
	lt_vp_set(&vp, CI(dwRedirectionIDFlags), LINECALLPARTYID_UNAVAIL);
	lt_vp_set(&vp, CI(dwRedirectingIDFlags), LINECALLPARTYID_UNAVAIL);
	lt_vp_add_str(&vp, CI(dwAppNameSize), CI(dwAppNameOffset), ki.app_name);
	lt_vp_end(&vp);
	return 0;
}

LT_EXPORT LONG WINAPI lineGetCallInfoA(HCALL hCall, LPLINECALLINFO lpCallInfo)
{
	return lt_get_call_info(hCall, lpCallInfo, 0);
}

LT_EXPORT LONG WINAPI lineGetCallInfoW(HCALL hCall, LPLINECALLINFO lpCallInfo)
{
	return lt_get_call_info(hCall, lpCallInfo, 1);
}

/*
 * The UTC time of CLOCK_MONOTONIC time @mono_ns (TAPI: tStateEntryTime
 * is in Coordinated Universal Time), as a SYSTEMTIME.
 */
static void lt_systemtime(uint64_t mono_ns, SYSTEMTIME *st)
{
	struct timespec now_m, now_r;
	int64_t ns;
	time_t sec;
	struct tm tm;

	clock_gettime(CLOCK_MONOTONIC, &now_m);
	clock_gettime(CLOCK_REALTIME, &now_r);
	ns = (int64_t)now_r.tv_sec * 1000000000 + now_r.tv_nsec -
	     ((int64_t)now_m.tv_sec * 1000000000 + now_m.tv_nsec -
	      (int64_t)mono_ns);
	sec = (time_t)(ns / 1000000000);
	gmtime_r(&sec, &tm);
	st->wYear = (WORD)(tm.tm_year + 1900);
	st->wMonth = (WORD)(tm.tm_mon + 1);
	st->wDayOfWeek = (WORD)tm.tm_wday;
	st->wDay = (WORD)tm.tm_mday;
	st->wHour = (WORD)tm.tm_hour;
	st->wMinute = (WORD)tm.tm_min;
	st->wSecond = (WORD)tm.tm_sec;
	st->wMilliseconds = (WORD)(ns / 1000000 % 1000);
}

#define CS(f) offsetof(LINECALLSTATUS, f)

/* What the handle can do now: its privilege and the call's state. */
static DWORD lt_call_features(uint32_t state, uint32_t privilege)
{
	if (privilege != LINECALLPRIVILEGE_OWNER || state == LINECALLSTATE_IDLE)
		return 0;
	if (state == LINECALLSTATE_OFFERING)
		return LINECALLFEATURE_ANSWER | LINECALLFEATURE_DROP;
	return LINECALLFEATURE_DROP;
}

LT_EXPORT LONG WINAPI lineGetCallStatus(HCALL hCall,
					LPLINECALLSTATUS lpCallStatus)
{
	struct ktapi_call_info ki;
	struct lt_call *c;
	struct lt_vp vp;
	DWORD version = 0;
	SYSTEMTIME st;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_call(hCall, &c);
	if (!err) {
		version = c->line->api_version;
		err = lt_call_info(c, &ki);
	}
	pthread_mutex_unlock(&lt_lock);
	if (err)
		return err;
	err = lt_vp_begin(&vp, lpCallStatus, version >= 0x00020000 ?
			  sizeof(LINECALLSTATUS) : CS(dwCallFeatures2), 0);
	if (err)
		return err;
	lt_vp_set(&vp, CS(dwCallState), ki.state);
	lt_vp_set(&vp, CS(dwCallStateMode),
		  lt_state_mode(ki.state, ki.state_mode));
	lt_vp_set(&vp, CS(dwCallPrivilege), ki.privilege);
	lt_vp_set(&vp, CS(dwCallFeatures),
		  lt_call_features(ki.state, ki.privilege));
	if (vp.fixed >= sizeof(LINECALLSTATUS)) {
		lt_systemtime(ki.state_time_ns, &st);
		memcpy(vp.base + CS(tStateEntryTime), &st, sizeof(st));
	}
	lt_vp_end(&vp);
	return 0;
}
