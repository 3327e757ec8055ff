// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: lineNegotiateAPIVersion, lineGetDevCaps, lineGetProviderList,
 * lineOpen and lineClose.  An hLine is one /dev/ktapi file with its line
 * open (ktapi allows one line per file); closing the file is lineClose.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "internal.h"

/* The versions ktapi implements, highest first. */
static const DWORD lt_versions[] = {
	0x00020002, 0x00020001, 0x00020000, 0x00010004, 0x00010003,
};

int lt_valid_version(DWORD v)
{
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(lt_versions); i++)
		if (lt_versions[i] == v)
			return 1;
	return 0;
}

/*
 * GET_DEVCAPS of @device_id: 0, LINEERR_BADDEVICEID (never given), or
 * LINEERR_NODEVICE (a device that was removed: an id below num_devices).
 */
LONG lt_devcaps(int fd, DWORD device_id, struct ktapi_devcaps *caps)
{
	int ret = ktapi_get_devcaps(fd, device_id, caps);

	if (ret == -ENODEV)
		return device_id < caps->num_devices ? LINEERR_NODEVICE :
		       LINEERR_BADDEVICEID;
	return lt_lineerr(ret, LT_ERR_PARAM);
}

LT_EXPORT LONG WINAPI lineNegotiateAPIVersion(HLINEAPP hLineApp,
					      DWORD dwDeviceID,
					      DWORD dwAPILowVersion,
					      DWORD dwAPIHighVersion,
					      LPDWORD lpdwAPIVersion,
					      LPLINEEXTENSIONID lpExtensionID)
{
	struct ktapi_devcaps caps;
	struct lt_app *a;
	size_t i;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_app(hLineApp, &a);
	if (!err && (!lpdwAPIVersion || !lpExtensionID))
		err = LINEERR_INVALPOINTER;
	if (!err)
		err = lt_devcaps(a->ctrl_fd, dwDeviceID, &caps);
	pthread_mutex_unlock(&lt_lock);
	if (err)
		return err;
	for (i = 0; i < LT_ARRAY_SIZE(lt_versions); i++) {
		if (lt_versions[i] <= dwAPIHighVersion &&
		    lt_versions[i] >= dwAPILowVersion) {
			*lpdwAPIVersion = lt_versions[i];
			memset(lpExtensionID, 0, sizeof(*lpExtensionID));
			return 0;
		}
	}
	return LINEERR_INCOMPATIBLEAPIVERSION;
}

/* LINEDEVCAPS' fixed part at @version. */
static uint32_t lt_devcaps_fixed(DWORD version)
{
	if (version < 0x00010004)
		return offsetof(LINEDEVCAPS, dwLineFeatures);
	if (version < 0x00020000)
		return offsetof(LINEDEVCAPS, dwSettableDevStatus);
	if (version < 0x00020002)
		return offsetof(LINEDEVCAPS, PermanentLineGuid);
	return sizeof(LINEDEVCAPS);
}

#define DC(f) offsetof(LINEDEVCAPS, f)

static LONG lt_get_devcaps(HLINEAPP hLineApp, DWORD dwDeviceID,
			   DWORD dwAPIVersion, DWORD dwExtVersion,
			   LPLINEDEVCAPS lpLineDevCaps, int wide)
{
	struct ktapi_devcaps caps;
	struct lt_app *a;
	struct lt_vp vp;
	char info[128];
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_app(hLineApp, &a);
	if (!err)
		err = lt_devcaps(a->ctrl_fd, dwDeviceID, &caps);
	pthread_mutex_unlock(&lt_lock);
	if (err)
		return err;
	if (!lt_valid_version(dwAPIVersion))
		return LINEERR_INCOMPATIBLEAPIVERSION;
	if (dwExtVersion)
		return LINEERR_INCOMPATIBLEEXTVERSION;
	err = lt_vp_begin(&vp, lpLineDevCaps, lt_devcaps_fixed(dwAPIVersion),
			  wide);
	if (err)
		return err;
	lt_vp_add_str(&vp, DC(dwProviderInfoSize), DC(dwProviderInfoOffset),
		      caps.provider_name[0] ? caps.provider_name :
		      caps.kind == KTAPI_DEVICE_PROVIDER ? "provider" : "loopback");
	snprintf(info, sizeof(info), "ktapi %s device %u, address %s",
		 caps.kind == KTAPI_DEVICE_PROVIDER ? "provider" : "loopback",
		 (unsigned int)dwDeviceID, caps.address);
	lt_vp_add_str(&vp, DC(dwSwitchInfoSize), DC(dwSwitchInfoOffset), info);
	lt_vp_set(&vp, DC(dwPermanentLineID), dwDeviceID);
	lt_vp_add_str(&vp, DC(dwLineNameSize), DC(dwLineNameOffset),
		      caps.name[0] ? caps.name : caps.address);
	lt_vp_set(&vp, DC(dwStringFormat),
		  wide ? STRINGFORMAT_UNICODE : STRINGFORMAT_ASCII);
	lt_vp_set(&vp, DC(dwAddressModes), LINEADDRESSMODE_ADDRESSID);
	lt_vp_set(&vp, DC(dwNumAddresses), 1);
	lt_vp_set(&vp, DC(dwBearerModes), LINEBEARERMODE_VOICE);
	lt_vp_set(&vp, DC(dwMediaModes), LINEMEDIAMODE_INTERACTIVEVOICE);
	/* Closing the line drops the calls it alone owns (ktapi's rule). */
	lt_vp_set(&vp, DC(dwDevCapFlags), LINEDEVCAPFLAGS_CLOSEDROP);
	lt_vp_set(&vp, DC(dwAnswerMode), LINEANSWERMODE_NONE);
	lt_vp_set(&vp, DC(dwLineFeatures), LINEFEATURE_MAKECALL);
	lt_vp_end(&vp);
	return 0;
}

LT_EXPORT LONG WINAPI lineGetDevCapsA(HLINEAPP hLineApp, DWORD dwDeviceID,
				      DWORD dwAPIVersion, DWORD dwExtVersion,
				      LPLINEDEVCAPS lpLineDevCaps)
{
	return lt_get_devcaps(hLineApp, dwDeviceID, dwAPIVersion, dwExtVersion,
			      lpLineDevCaps, 0);
}

LT_EXPORT LONG WINAPI lineGetDevCapsW(HLINEAPP hLineApp, DWORD dwDeviceID,
				      DWORD dwAPIVersion, DWORD dwExtVersion,
				      LPLINEDEVCAPS lpLineDevCaps)
{
	return lt_get_devcaps(hLineApp, dwDeviceID, dwAPIVersion, dwExtVersion,
			      lpLineDevCaps, 1);
}

struct lt_prov {
	uint32_t kind, id;
	char name[KTAPI_PROVIDER_NAME_MAX];
};

#define PL(f) offsetof(LINEPROVIDERLIST, f)

static LONG lt_get_provider_list(DWORD dwAPIVersion,
				 LPLINEPROVIDERLIST lpProviderList, int wide)
{
	struct lt_prov *prov = NULL, *np;
	LINEPROVIDERENTRY *ents = NULL;
	struct ktapi_devcaps caps;
	uint32_t n = 0, i, j, at;
	struct lt_vp vp;
	DWORD num;
	LONG err;
	int fd;

	if (!lt_valid_version(dwAPIVersion) || dwAPIVersion < 0x00010004)
		return LINEERR_INCOMPATIBLEAPIVERSION;
	err = lt_vp_begin(&vp, lpProviderList, sizeof(LINEPROVIDERLIST), wide);
	if (err)
		return err;
	fd = ktapi_open(0);
	if (fd < 0)
		return LINEERR_OPERATIONFAILED;
	err = lt_num_devs(fd, &num);
	for (i = 0; !err && i < num; i++) {
		if (ktapi_get_devcaps(fd, i, &caps))
			continue;	/* removed */
		for (j = 0; j < n; j++)
			if (prov[j].kind == caps.kind &&
			    prov[j].id == caps.provider_id)
				break;
		if (j < n)
			continue;
		np = realloc(prov, (n + 1) * sizeof(*prov));
		if (!np) {
			err = LINEERR_NOMEM;
			break;
		}
		prov = np;
		prov[n].kind = caps.kind;
		prov[n].id = caps.provider_id;
		snprintf(prov[n].name, sizeof(prov[n].name), "%s",
			 caps.provider_name[0] ? caps.provider_name :
			 caps.kind == KTAPI_DEVICE_PROVIDER ? "provider" :
			 "loopback");
		n++;
	}
	close(fd);
	if (!err && n) {
		ents = calloc(n, sizeof(*ents));
		if (!ents)
			err = LINEERR_NOMEM;
	}
	if (err) {
		free(prov);
		return err;
	}
	lt_vp_set(&vp, PL(dwNumProviders), n);
	for (i = 0; i < n; i++)
		ents[i].dwPermanentProviderID = prov[i].id;
	at = lt_vp_add(&vp, PL(dwProviderListSize), PL(dwProviderListOffset),
		       ents, n * sizeof(*ents));
	/* The names, once the entries are placed: they hold their offsets. */
	for (i = 0; i < n; i++) {
		struct lt_vp count = vp;
		uint32_t len, off;

		if (!at) {
			/* Counted in dwNeededSize, not put: total 0. */
			count.total = 0;
			lt_vp_put_str(&count, prov[i].name, &len);
			vp.needed = count.needed;
			continue;
		}
		off = lt_vp_put_str(&vp, prov[i].name, &len);
		if (!off)
			continue;
		ents[i].dwProviderFilenameSize = len;
		ents[i].dwProviderFilenameOffset = off;
		memcpy(vp.base + at + i * sizeof(*ents), &ents[i],
		       sizeof(ents[i]));
	}
	lt_vp_end(&vp);
	free(ents);
	free(prov);
	return 0;
}

LT_EXPORT LONG WINAPI lineGetProviderListA(DWORD dwAPIVersion,
					   LPLINEPROVIDERLIST lpProviderList)
{
	return lt_get_provider_list(dwAPIVersion, lpProviderList, 0);
}

LT_EXPORT LONG WINAPI lineGetProviderListW(DWORD dwAPIVersion,
					   LPLINEPROVIDERLIST lpProviderList)
{
	return lt_get_provider_list(dwAPIVersion, lpProviderList, 1);
}

/* Under lt_lock: the live line @h. */
LONG lt_find_line(HLINE h, struct lt_line **out)
{
	struct lt_line *l;

	if (!lt_apps)
		return LINEERR_UNINITIALIZED;
	l = lt_handle_get(h, LT_LINE);
	if (!l)
		return LINEERR_INVALLINEHANDLE;
	*out = l;
	return 0;
}

/*
 * Under lt_lock: the end of @l (lineClose, LINE_CLOSE, lineShutdown):
 * its calls' handles, its requests (their LINE_REPLYs are suppressed, as
 * TAPI's lineClose does), its messages still queued when @purge, its
 * file (the kernel drops the calls it alone owned).
 */
void lt_line_free(struct lt_line *l, int purge)
{
	struct lt_app *a = l->app;
	struct lt_line **pp;
	uint32_t i;

	for (pp = &a->lines; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	for (i = 0; i < l->calls.nbuckets; i++) {
		struct lt_map_ent *e;

		for (e = l->calls.b[i]; e; e = e->next) {
			struct lt_call *c = e->ptr;

			lt_handle_del(c->h);
			free(c);
		}
	}
	lt_map_free(&l->calls);
	while (l->reqs) {
		struct lt_req *r = l->reqs;

		l->reqs = r->next;
		free(r);
	}
	if (purge)
		lt_msg_purge(a, l->h, 0);
	lt_handle_del(l->h);
	/* Out of the pump's set before the number can be reused. */
	if (!l->dead)
		epoll_ctl(a->ep_fd, EPOLL_CTL_DEL, l->fd, NULL);
	close(l->fd);
	free(l);
}

/* The LINEMEDIAMODE_ bits of TAPI 2.2 (UNKNOWN .. VIDEO). */
#define LT_MEDIAMODES 0x0000fffeu

LT_EXPORT LONG WINAPI lineOpenA(HLINEAPP hLineApp, DWORD dwDeviceID,
				LPHLINE lphLine, DWORD dwAPIVersion,
				DWORD dwExtVersion,
				DWORD_PTR dwCallbackInstance,
				DWORD dwPrivileges, DWORD dwMediaModes,
				LPLINECALLPARAMS const lpCallParams)
{
	struct ktapi_devcaps caps;
	struct lt_line *l = NULL;
	struct lt_app *a;
	LONG err;
	int ret;

	(void)lpCallParams;	/* only for LINEMAPPER, which we have not */
	pthread_mutex_lock(&lt_lock);
	err = lt_find_app(hLineApp, &a);
	if (err)
		goto out;
	err = LINEERR_INVALPOINTER;
	if (!lphLine)
		goto out;
	err = LINEERR_BADDEVICEID;
	if (dwDeviceID == LINEMAPPER)
		goto out;
	err = lt_devcaps(a->ctrl_fd, dwDeviceID, &caps);
	if (err)
		goto out;
	err = LINEERR_INCOMPATIBLEAPIVERSION;
	if (!lt_valid_version(dwAPIVersion))
		goto out;
	err = LINEERR_INCOMPATIBLEEXTVERSION;
	if (dwExtVersion)
		goto out;
	err = LINEERR_INVALPRIVSELECT;
	if (dwPrivileges != LINECALLPRIVILEGE_NONE &&
	    (!dwPrivileges || (dwPrivileges & ~(DWORD)(LINECALLPRIVILEGE_MONITOR |
						       LINECALLPRIVILEGE_OWNER))))
		goto out;
	err = LINEERR_INVALMEDIAMODE;
	if ((dwPrivileges & LINECALLPRIVILEGE_OWNER) &&
	    (!dwMediaModes || (dwMediaModes & ~LT_MEDIAMODES)))
		goto out;
	err = LINEERR_NOMEM;
	l = calloc(1, sizeof(*l));
	if (!l)
		goto out;
	l->fd = ktapi_open(O_NONBLOCK);
	if (l->fd < 0) {
		err = l->fd == -ENOENT ? LINEERR_NODRIVER :
		      LINEERR_RESOURCEUNAVAIL;
		goto out;
	}
	/* The privilege values of ktapi are TAPI's. */
	ret = lt_line_open_ex(l->fd, dwDeviceID, dwPrivileges, dwAPIVersion,
			      KTAPI_LINE_OPEN_CALLINFO, a->name);
	if (ret == -EINVAL)	/* a kernel before issue 13: no CALLINFO */
		ret = lt_line_open_ex(l->fd, dwDeviceID, dwPrivileges,
				      dwAPIVersion, 0, a->name);
	if (ret) {
		err = ret == -ENODEV ? lt_devcaps(a->ctrl_fd, dwDeviceID, &caps) :
		      lt_lineerr(ret, LT_ERR_PRIVSELECT);
		if (!err)
			err = LINEERR_NODEVICE;
		goto out;
	}
	l->app = a;
	l->device_id = dwDeviceID;
	l->api_version = dwAPIVersion;
	l->privileges = dwPrivileges;
	l->instance = dwCallbackInstance;
	err = LINEERR_NOMEM;
	l->h = lt_handle_new(LT_LINE, l);
	if (!l->h)
		goto out;
	if (lt_epoll_add(a->ep_fd, l->fd, l->h)) {
		lt_handle_del(l->h);
		goto out;
	}
	l->next = a->lines;
	a->lines = l;
	*lphLine = l->h;
	err = 0;
	l = NULL;
out:
	if (l) {
		if (l->fd >= 0)
			close(l->fd);
		free(l);
	}
	pthread_mutex_unlock(&lt_lock);
	return err;
}

LT_EXPORT LONG WINAPI lineOpenW(HLINEAPP hLineApp, DWORD dwDeviceID,
				LPHLINE lphLine, DWORD dwAPIVersion,
				DWORD dwExtVersion,
				DWORD_PTR dwCallbackInstance,
				DWORD dwPrivileges, DWORD dwMediaModes,
				LPLINECALLPARAMS const lpCallParams)
{
	return lineOpenA(hLineApp, dwDeviceID, lphLine, dwAPIVersion,
			 dwExtVersion, dwCallbackInstance, dwPrivileges,
			 dwMediaModes, lpCallParams);
}

LT_EXPORT LONG WINAPI lineClose(HLINE hLine)
{
	struct lt_line *l;
	LONG err;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_line(hLine, &l);
	if (!err)
		lt_line_free(l, 1);
	pthread_mutex_unlock(&lt_lock);
	return err;
}
