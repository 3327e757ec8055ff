// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: lineGetID for the one device class ktapi has, "tapi/line": the
 * line device id of a line, of its address 0, or of a call's line, as a
 * DWORD in the VARSTRING (STRINGFORMAT_BINARY), as TAPI returns it.  Any
 * other class (wave/in, comm/datamodem, ...) is LINEERR_INVALDEVICECLASS:
 * ktapi carries no media.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define VS(f) offsetof(VARSTRING, f)

static LONG lt_get_id(HLINE hLine, DWORD dwAddressID, HCALL hCall,
		      DWORD dwSelect, LPVARSTRING lpDeviceID,
		      const char *lpszDeviceClass)
{
	struct lt_line *l = NULL;
	struct lt_call *c;
	struct lt_vp vp;
	DWORD id = 0;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	switch (dwSelect) {
	case LINECALLSELECT_LINE:
		err = lt_find_line(hLine, &l);
		break;
	case LINECALLSELECT_ADDRESS:
		err = lt_find_line(hLine, &l);
		if (!err && dwAddressID != 0)	/* one address per line */
			err = LINEERR_INVALADDRESSID;
		break;
	case LINECALLSELECT_CALL:
		err = lt_find_call(hCall, &c);
		if (!err)
			l = c->line;
		break;
	default:
		err = lt_apps ? LINEERR_INVALCALLSELECT : LINEERR_UNINITIALIZED;
		break;
	}
	if (!err)
		id = l->device_id;
	pthread_mutex_unlock(&lt_lock);
	if (err)
		return err;
	if (!lpszDeviceClass)
		return LINEERR_INVALPOINTER;
	if (strcasecmp(lpszDeviceClass, "tapi/line"))
		return LINEERR_INVALDEVICECLASS;
	err = lt_vp_begin(&vp, lpDeviceID, sizeof(VARSTRING), 0);
	if (err)
		return err;
	lt_vp_set(&vp, VS(dwStringFormat), STRINGFORMAT_BINARY);
	lt_vp_add(&vp, VS(dwStringSize), VS(dwStringOffset), &id, sizeof(id));
	lt_vp_end(&vp);
	return 0;
}

LT_EXPORT LONG WINAPI lineGetIDA(HLINE hLine, DWORD dwAddressID, HCALL hCall,
				 DWORD dwSelect, LPVARSTRING lpDeviceID,
				 LPCSTR lpszDeviceClass)
{
	return lt_get_id(hLine, dwAddressID, hCall, dwSelect, lpDeviceID,
			 lpszDeviceClass);
}

LT_EXPORT LONG WINAPI lineGetIDW(HLINE hLine, DWORD dwAddressID, HCALL hCall,
				 DWORD dwSelect, LPVARSTRING lpDeviceID,
				 LPCWSTR lpszDeviceClass)
{
	char *cls;
	LONG err = lt_w2a(lpszDeviceClass, &cls);

	if (err)
		return err;
	err = lt_get_id(hLine, dwAddressID, hCall, dwSelect, lpDeviceID, cls);
	free(cls);
	return err;
}
