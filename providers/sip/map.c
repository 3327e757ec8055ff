// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * map.c: the mapping of SIP final responses to disconnect modes (the
 * issue's section 2, ktapi-sipd(8) MAPPING) and the address rule.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "sipd.h"

/* 1..63 characters of "0123456789*#+" (the ABI's rule for an address). */
bool sipd_address_valid(const char *a)
{
	size_t n = strlen(a);

	return n >= 1 && n < KTAPI_ADDRESS_MAX &&
	       strspn(a, "0123456789*#+") == n;
}

/*
 * The disconnect mode of an outgoing leg's final response >= 300:
 * 486, 600 BUSY; 404, 484, 604 BADADDRESS; 480 UNAVAIL; 603 REJECT;
 * 408 NOANSWER; any other UNKNOWN.
 */
uint32_t sipd_final_mode(unsigned int scode)
{
	switch (scode) {
	case 486:
	case 600:
		return KTAPI_DISCONNECTMODE_BUSY;
	case 404:
	case 484:
	case 604:
		return KTAPI_DISCONNECTMODE_BADADDRESS;
	case 480:
		return KTAPI_DISCONNECTMODE_UNAVAIL;
	case 603:
		return KTAPI_DISCONNECTMODE_REJECT;
	case 408:
		return KTAPI_DISCONNECTMODE_NOANSWER;
	default:
		return KTAPI_DISCONNECTMODE_UNKNOWN;
	}
}

/*
 * The state an outgoing leg in @state goes to on provisional response
 * @scode, or 0 for none: 100 PROCEEDING, 180 and 183 RINGBACK, and never
 * backwards: PROCEEDING only from DIALING, RINGBACK only from DIALING or
 * PROCEEDING; any other provisional response (181, 182, ...) and any
 * provisional response after RINGBACK change nothing.
 */
uint32_t sipd_progress_state(uint32_t state, unsigned int scode)
{
	uint32_t to;

	if (scode == 100)
		to = KTAPI_CALLSTATE_PROCEEDING;
	else if (scode == 180 || scode == 183)
		to = KTAPI_CALLSTATE_RINGBACK;
	else
		return 0;
	if (state == KTAPI_CALLSTATE_DIALING)
		return to;
	if (state == KTAPI_CALLSTATE_PROCEEDING &&
	    to == KTAPI_CALLSTATE_RINGBACK)
		return to;
	return 0;
}

const char *sipd_mode_name(uint32_t mode)
{
	switch (mode) {
	case KTAPI_DISCONNECTMODE_NORMAL:	return "NORMAL";
	case KTAPI_DISCONNECTMODE_UNKNOWN:	return "UNKNOWN";
	case KTAPI_DISCONNECTMODE_REJECT:	return "REJECT";
	case KTAPI_DISCONNECTMODE_BUSY:		return "BUSY";
	case KTAPI_DISCONNECTMODE_NOANSWER:	return "NOANSWER";
	case KTAPI_DISCONNECTMODE_BADADDRESS:	return "BADADDRESS";
	case KTAPI_DISCONNECTMODE_UNAVAIL:	return "UNAVAIL";
	default:				return "?";
	}
}

const char *sipd_state_name(uint32_t state)
{
	switch (state) {
	case KTAPI_CALLSTATE_IDLE:		return "IDLE";
	case KTAPI_CALLSTATE_OFFERING:		return "OFFERING";
	case KTAPI_CALLSTATE_DIALING:		return "DIALING";
	case KTAPI_CALLSTATE_RINGBACK:		return "RINGBACK";
	case KTAPI_CALLSTATE_CONNECTED:		return "CONNECTED";
	case KTAPI_CALLSTATE_PROCEEDING:	return "PROCEEDING";
	case KTAPI_CALLSTATE_DISCONNECTED:	return "DISCONNECTED";
	default:				return "?";
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A SIP URI's user part (@src, @len bytes, not NUL-terminated) to an
 * address: "%23" is '#' (RFC 3261 escapes '#' in a user part), any other
 * escape or character is copied and left to sipd_address_valid().
 * Return 0, or -1 when it does not fit in @size.
 */
int sipd_user_decode(char *dst, size_t size, const char *src, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		char ch = src[i];

		if (ch == '%' && i + 2 < len && hexval(src[i + 1]) >= 0 &&
		    hexval(src[i + 2]) >= 0) {
			ch = (char)(hexval(src[i + 1]) << 4 | hexval(src[i + 2]));
			if (ch == '\0')
				ch = '%';	/* never a NUL inside */
			i += 2;
		}
		if (n + 1 >= size)
			return -1;
		dst[n++] = ch;
	}
	if (!size)
		return -1;
	dst[n] = '\0';
	return 0;
}

/*
 * RFC 3261 25.1: user = 1*( unreserved / escaped / user-unreserved ),
 * unreserved = alphanum / mark.  Every other byte is escaped.
 */
static bool user_char(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z') ||
	       (ch && strchr("-_.!~*'()" "&=+$,;?/", ch));
}

/*
 * @src as a SIP URI user part: every byte that RFC 3261's user-unreserved
 * and unreserved sets do not hold ('#' of an address included, and '%'
 * itself) as "%XX".  Return 0, or -1 when it does not fit in @size.
 */
int sipd_user_encode(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *src; src++) {
		unsigned char ch = (unsigned char)*src;
		size_t k = user_char(ch) ? 1 : 3;

		if (n + k >= size)
			return -1;
		if (k == 1) {
			dst[n] = (char)ch;
		} else {
			dst[n] = '%';
			dst[n + 1] = hex[ch >> 4];
			dst[n + 2] = hex[ch & 15];
		}
		n += k;
	}
	if (!size)
		return -1;
	dst[n] = '\0';
	return 0;
}
