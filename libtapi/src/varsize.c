// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: TAPI's variable-size structures, in one helper.
 *
 * The rules (TAPI, "Variably Sized Data Structures"): dwTotalSize below
 * the fixed part of the negotiated version is LINEERR_STRUCTURETOOSMALL
 * and nothing is written; otherwise dwNeededSize is what everything
 * needs, dwUsedSize what was written; a variable part that does not fit
 * is left out whole (its Size and Offset 0), never truncated.  Fields are
 * written with memcpy: the structures are packed and the program's buffer
 * need not be aligned.
 */
#include <string.h>

#include "internal.h"

#define LT_ALIGN4(x) (((x) + 3u) & ~3u)

LONG lt_vp_begin(struct lt_vp *vp, void *s, uint32_t fixed, int wide)
{
	DWORD total;

	if (!s)
		return LINEERR_INVALPOINTER;
	memcpy(&total, s, sizeof(total));
	if (total < fixed)
		return LINEERR_STRUCTURETOOSMALL;
	vp->base = s;
	vp->total = total;
	vp->fixed = fixed;
	vp->used = fixed;
	vp->needed = fixed;
	vp->wide = wide;
	/* Everything of the fixed part the caller does not set is 0. */
	memset(vp->base + sizeof(DWORD), 0, fixed - sizeof(DWORD));
	return 0;
}

void lt_vp_set(struct lt_vp *vp, size_t off, uint32_t val)
{
	DWORD v = val;

	if (off + sizeof(v) <= vp->fixed)
		memcpy(vp->base + off, &v, sizeof(v));
}

uint32_t lt_vp_get(const struct lt_vp *vp, size_t off)
{
	DWORD v = 0;

	if (off + sizeof(v) <= vp->fixed)
		memcpy(&v, vp->base + off, sizeof(v));
	return v;
}

uint32_t lt_vp_put(struct lt_vp *vp, const void *data, uint32_t len)
{
	uint32_t at;

	if (!len)
		return 0;
	vp->needed = LT_ALIGN4(vp->needed) + len;
	at = LT_ALIGN4(vp->used);
	if (at > vp->total || len > vp->total - at)
		return 0;
	memcpy(vp->base + at, data, len);
	vp->used = at + len;
	return at;
}

uint32_t lt_vp_put_str(struct lt_vp *vp, const char *s, uint32_t *len)
{
	WCHAR buf[4 * KTAPI_ADDRESS_MAX];
	size_t n;

	*len = 0;
	if (!s || !*s)
		return 0;
	if (!vp->wide) {
		n = strlen(s) + 1;
		*len = n;
		return lt_vp_put(vp, s, n);
	}
	n = lt_utf16_len(s);
	/* Our strings are the kernel's, at most 64 bytes: they fit. */
	if (n > sizeof(buf))
		return 0;
	lt_utf8_to_utf16(s, buf);
	*len = n;
	return lt_vp_put(vp, buf, n);
}

/* Sets a Size/Offset pair of the fixed part for a part put at @at. */
static uint32_t lt_vp_fields(struct lt_vp *vp, size_t size_off,
			     size_t offset_off, uint32_t at, uint32_t len)
{
	if (!at)
		return 0;
	lt_vp_set(vp, size_off, len);
	lt_vp_set(vp, offset_off, at);
	return at;
}

uint32_t lt_vp_add(struct lt_vp *vp, size_t size_off, size_t offset_off,
		   const void *data, uint32_t len)
{
	/* A part of a field this version has not is not counted either. */
	if (size_off + sizeof(DWORD) > vp->fixed ||
	    offset_off + sizeof(DWORD) > vp->fixed)
		return 0;
	return lt_vp_fields(vp, size_off, offset_off,
			    lt_vp_put(vp, data, len), len);
}

uint32_t lt_vp_add_str(struct lt_vp *vp, size_t size_off, size_t offset_off,
		       const char *s)
{
	uint32_t len, at;

	if (size_off + sizeof(DWORD) > vp->fixed ||
	    offset_off + sizeof(DWORD) > vp->fixed)
		return 0;
	at = lt_vp_put_str(vp, s, &len);
	return lt_vp_fields(vp, size_off, offset_off, at, len);
}

void lt_vp_end(struct lt_vp *vp)
{
	lt_vp_set(vp, offsetof(VARSTRING, dwNeededSize), vp->needed);
	lt_vp_set(vp, offsetof(VARSTRING, dwUsedSize), vp->used);
}
