// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: the errno of a ktapi call as the LINEERR TAPI documents, by
 * the table of <linux/ktapi.h> ("DOC: Errors"), written once here.
 */
#include <errno.h>

#include "internal.h"

static const struct {
	int err;
	LONG lineerr;
} lt_errtab[] = {
	{ ENOENT, LINEERR_INVALCALLHANDLE },
	{ EBADFD, LINEERR_INVALLINEHANDLE },
	{ EBUSY, LINEERR_INVALCALLSTATE },
	{ EACCES, LINEERR_NOTOWNER },
	{ ENODEV, LINEERR_BADDEVICEID },
	{ EPROTONOSUPPORT, LINEERR_INCOMPATIBLEAPIVERSION },
	{ EINVAL, LINEERR_INVALPARAM },
	{ EFAULT, LINEERR_INVALPOINTER },
	{ ENOSPC, LINEERR_RESOURCEUNAVAIL },
	{ EAGAIN, LINEERR_RESOURCEUNAVAIL },
	{ ENOMEM, LINEERR_NOMEM },
	{ ETIMEDOUT, LINEERR_OPERATIONFAILED },
	{ ECONNABORTED, LINEERR_OPERATIONFAILED },
	{ EIO, LINEERR_OPERATIONFAILED },
	{ EOPNOTSUPP, LINEERR_OPERATIONUNAVAIL },
	/* A kernel without the ioctl (before issue 13's). */
	{ ENOTTY, LINEERR_OPERATIONUNAVAIL },
};

/*
 * lt_lineerr - the LINEERR for errno @err (negative or positive) of a
 * ktapi call; @ctx says what an EINVAL means for the caller.  0 is 0; an
 * errno outside the table is LINEERR_OPERATIONFAILED.
 */
LONG lt_lineerr(int err, enum lt_errctx ctx)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (!err)
		return 0;
	if (err == EINVAL) {
		switch (ctx) {
		case LT_ERR_ADDRESS:
			return LINEERR_INVALADDRESS;
		case LT_ERR_PRIVSELECT:
			return LINEERR_INVALPRIVSELECT;
		case LT_ERR_CALLPRIV:
			return LINEERR_INVALCALLPRIVILEGE;
		case LT_ERR_PARAM:
			break;
		}
	}
	for (i = 0; i < LT_ARRAY_SIZE(lt_errtab); i++)
		if (lt_errtab[i].err == err)
			return lt_errtab[i].lineerr;
	return LINEERR_OPERATIONFAILED;
}

/*
 * lt_errno - the positive errno of the table for @lineerr (its first
 * row), or 0 when the table has none.
 */
int lt_errno(LONG lineerr)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(lt_errtab); i++)
		if (lt_errtab[i].lineerr == lineerr)
			return lt_errtab[i].err;
	return 0;
}
