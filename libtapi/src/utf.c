// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: UTF-8 <-> UTF-16 for the W functions, and the application's
 * name as LINE_OPEN takes it.  The one place text is converted.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Decodes one code point at *p (advanced); malformed input is U+FFFD. */
static uint32_t lt_utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = *s++, min;
	int n, i;

	if (c < 0x80) {
		*p = s;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1; c &= 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2; c &= 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3; c &= 0x07; min = 0x10000;
	} else {
		*p = s;
		return 0xfffd;
	}
	for (i = 0; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + i;
			return 0xfffd;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*p = s + n;
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0xfffd;
	return c;
}

size_t lt_utf16_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 1;

	while (*p)
		n += lt_utf8_next(&p) >= 0x10000 ? 2 : 1;
	return n * sizeof(WCHAR);
}

void lt_utf8_to_utf16(const char *s, WCHAR *out)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c = lt_utf8_next(&p);

		if (c >= 0x10000) {
			c -= 0x10000;
			*out++ = (WCHAR)(0xd800 | c >> 10);
			*out++ = (WCHAR)(0xdc00 | (c & 0x3ff));
		} else {
			*out++ = (WCHAR)c;
		}
	}
	*out = 0;
}

char *lt_utf16_to_utf8(const WCHAR *w)
{
	size_t n = 0, i;
	char *out, *o;

	while (w[n])
		n++;
	out = malloc(3 * n + 1);	/* a pair's 4 bytes come from 2 units */
	if (!out)
		return NULL;
	o = out;
	for (i = 0; i < n; i++) {
		uint32_t c = w[i];

		if (c >= 0xd800 && c <= 0xdbff && w[i + 1] >= 0xdc00 &&
		    w[i + 1] <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (w[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;	/* a lone surrogate */
		}
		if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xf0 | c >> 18);
			*o++ = (char)(0x80 | (c >> 12 & 0x3f));
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = 0;
	return out;
}

LONG lt_w2a(LPCWSTR w, char **out)
{
	*out = NULL;
	if (!w)
		return 0;
	*out = lt_utf16_to_utf8(w);
	return *out ? 0 : LINEERR_NOMEM;
}

void lt_app_name(char *out, const char *name)
{
	size_t n = 0, i;

	memset(out, 0, KTAPI_APP_NAME_MAX);
	if (!name)
		return;
	n = strnlen(name, KTAPI_APP_NAME_MAX);
	if (n > KTAPI_APP_NAME_MAX - 1) {
		n = KTAPI_APP_NAME_MAX - 1;
		/* Do not cut a UTF-8 sequence: back up to its lead byte. */
		while (n && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
}
