// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libktapi: names of the ABI constants, for logs and tools.
 *
 * Pure functions over constant tables: no state, no allocation, and the
 * result is always a static string (never NULL).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "libktapi.h"
#include "internal.h"

struct ktapi_name {
	uint32_t value;
	const char *name;
};

#define N(prefix, x) { prefix##x, #x }

static const struct ktapi_name callstates[] = {
	N(KTAPI_CALLSTATE_, IDLE),
	N(KTAPI_CALLSTATE_, OFFERING),
	N(KTAPI_CALLSTATE_, ACCEPTED),
	N(KTAPI_CALLSTATE_, DIALTONE),
	N(KTAPI_CALLSTATE_, DIALING),
	N(KTAPI_CALLSTATE_, RINGBACK),
	N(KTAPI_CALLSTATE_, BUSY),
	N(KTAPI_CALLSTATE_, SPECIALINFO),
	N(KTAPI_CALLSTATE_, CONNECTED),
	N(KTAPI_CALLSTATE_, PROCEEDING),
	N(KTAPI_CALLSTATE_, ONHOLD),
	N(KTAPI_CALLSTATE_, CONFERENCED),
	N(KTAPI_CALLSTATE_, ONHOLDPENDCONF),
	N(KTAPI_CALLSTATE_, ONHOLDPENDTRANSFER),
	N(KTAPI_CALLSTATE_, DISCONNECTED),
	N(KTAPI_CALLSTATE_, UNKNOWN),
};

static const struct ktapi_name privileges[] = {
	N(KTAPI_PRIVILEGE_, NONE),
	N(KTAPI_PRIVILEGE_, MONITOR),
	N(KTAPI_PRIVILEGE_, OWNER),
	{ KTAPI_PRIVILEGE_MONITOR | KTAPI_PRIVILEGE_OWNER, "MONITOR|OWNER" },
};

static const struct ktapi_name events[] = {
	N(KTAPI_EV_, APPNEWCALL),
	N(KTAPI_EV_, CALLSTATE),
	N(KTAPI_EV_, LINE_CLOSE),
	N(KTAPI_EV_, OVERFLOW),
	N(KTAPI_EV_, REPLY),
	N(KTAPI_EV_, LINE_CREATE),
	N(KTAPI_EV_, LINE_REMOVE),
	N(KTAPI_EV_, CALLINFO),
};

static const struct ktapi_name requests[] = {
	N(KTAPI_PREQ_, MAKECALL),
	N(KTAPI_PREQ_, ANSWER),
	N(KTAPI_PREQ_, DROP),
	N(KTAPI_PREQ_, CLOSECALL),
};

static const struct ktapi_name device_kinds[] = {
	N(KTAPI_DEVICE_, LOOPBACK),
	N(KTAPI_DEVICE_, PROVIDER),
};

static const struct ktapi_name origins[] = {
	N(KTAPI_CALLORIGIN_, OUTBOUND),
	N(KTAPI_CALLORIGIN_, INTERNAL),
	N(KTAPI_CALLORIGIN_, EXTERNAL),
	N(KTAPI_CALLORIGIN_, UNKNOWN),
	N(KTAPI_CALLORIGIN_, UNAVAIL),
	N(KTAPI_CALLORIGIN_, CONFERENCE),
	N(KTAPI_CALLORIGIN_, INBOUND),
};

static const struct ktapi_name disconnectmodes[] = {
	{ 0, "NONE" },
	N(KTAPI_DISCONNECTMODE_, NORMAL),
	N(KTAPI_DISCONNECTMODE_, UNKNOWN),
	N(KTAPI_DISCONNECTMODE_, REJECT),
	N(KTAPI_DISCONNECTMODE_, BUSY),
	N(KTAPI_DISCONNECTMODE_, NOANSWER),
	N(KTAPI_DISCONNECTMODE_, BADADDRESS),
	N(KTAPI_DISCONNECTMODE_, UNAVAIL),
};

/* uapi/linux/ktapi.h, "DOC: Errors". */
static const struct ktapi_name errors[] = {
	{ 0,			"SUCCESS" },
	{ ENOENT,		"LINEERR_INVALCALLHANDLE" },
	{ EBADFD,		"LINEERR_INVALLINEHANDLE" },
	{ EBUSY,		"LINEERR_INVALCALLSTATE" },
	{ EACCES,		"LINEERR_NOTOWNER" },
	{ ENODEV,		"LINEERR_BADDEVICEID" },
	{ EPROTONOSUPPORT,	"LINEERR_INCOMPATIBLEAPIVERSION" },
	{ EINVAL,		"LINEERR_INVALPARAM" },
	{ EFAULT,		"LINEERR_INVALPOINTER" },
	{ ENOSPC,		"LINEERR_RESOURCEUNAVAIL" },
	{ ENOMEM,		"LINEERR_NOMEM" },
	{ EAGAIN,		"LINEERR_RESOURCEUNAVAIL" },
	{ ETIMEDOUT,		"LINEERR_OPERATIONFAILED" },
	{ ECONNABORTED,		"LINEERR_OPERATIONFAILED" },
	{ EIO,			"LINEERR_OPERATIONFAILED" },
	{ EOPNOTSUPP,		"LINEERR_OPERATIONUNAVAIL" },
};

#undef N

static const char *lookup(const struct ktapi_name *tab, size_t n,
			  uint32_t value, const char *fallback)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].value == value)
			return tab[i].name;
	return fallback;
}

#define LOOKUP(tab, value, fallback) \
	lookup(tab, KTAPI_ARRAY_SIZE(tab), value, fallback)

KTAPI_EXPORT const char *ktapi_callstate_name(uint32_t state)
{
	return LOOKUP(callstates, state, KTAPI_NAME_INVALID);
}

KTAPI_EXPORT const char *ktapi_privilege_name(uint32_t privilege)
{
	return LOOKUP(privileges, privilege, KTAPI_NAME_INVALID);
}

KTAPI_EXPORT const char *ktapi_event_name(uint32_t type)
{
	return LOOKUP(events, type, KTAPI_NAME_INVALID);
}

KTAPI_EXPORT const char *ktapi_request_name(uint32_t type)
{
	return LOOKUP(requests, type, KTAPI_NAME_INVALID);
}

KTAPI_EXPORT const char *ktapi_device_kind_name(uint32_t kind)
{
	return LOOKUP(device_kinds, kind, KTAPI_NAME_INVALID);
}

KTAPI_EXPORT const char *ktapi_origin_name(uint32_t origin)
{
	return LOOKUP(origins, origin, KTAPI_NAME_INVALID);
}

KTAPI_EXPORT const char *ktapi_disconnectmode_name(uint32_t mode)
{
	return LOOKUP(disconnectmodes, mode, KTAPI_NAME_INVALID);
}

KTAPI_EXPORT const char *ktapi_error_name(int err)
{
	uint32_t e;

	/* -INT_MIN overflows; no errno is that large anyway. */
	if (err == INT_MIN)
		return KTAPI_ERROR_NAME_UNKNOWN;
	e = (uint32_t)(err < 0 ? -err : err);
	return LOOKUP(errors, e, KTAPI_ERROR_NAME_UNKNOWN);
}
