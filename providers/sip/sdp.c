// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdp.c: the daemon's session descriptions (RFC 4566, RFC 3264), as pure
 * functions (map_test runs them on the host).  The daemon carries no
 * media: its own offer has no m= line, and its answer to an offer
 * rejects every offered stream (RFC 3264 section 6: the same m= lines, in
 * the same order, each with port 0 and the formats offered).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sipd.h"

/* A token of an m= line: printable ASCII but space. */
static size_t token(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q > ' ' && *q < 0x7f)
		q++;
	return (size_t)(q - p);
}

/* How many of the @k bytes at @p are digits, from the first. */
static size_t digits(const char *p, size_t k)
{
	size_t i = 0;

	while (i < k && p[i] >= '0' && p[i] <= '9')
		i++;
	return i;
}

/* Append @k bytes of @p to @dst (length *@n, room @size, NUL kept). */
static bool put(char *dst, size_t size, size_t *n, const char *p, size_t k)
{
	if (*n + k >= size)
		return false;
	memcpy(dst + *n, p, k);
	*n += k;
	dst[*n] = '\0';
	return true;
}

/*
 * One m= line, "m=" already skipped (@p to @end, no end of line):
 * media SP port["/"count] SP proto 1*(SP fmt), fields one space apart
 * (RFC 4566 5.14), appended as "m=MEDIA 0 PROTO FMT...\r\n".
 */
static bool reject_media(char *dst, size_t size, size_t *n, const char *p,
			 const char *end)
{
	unsigned int field;

	for (field = 0;; field++) {
		size_t k = token(p, end);

		if (!k)
			return false;
		if (field == 1) {
			size_t d = digits(p, k);

			/* digits, or digits "/" digits */
			if (!d || (d < k && (p[d] != '/' || d + 1 == k ||
					     digits(p + d + 1, k - d - 1) !=
					     k - d - 1)))
				return false;
			if (!put(dst, size, n, " 0", 2))
				return false;
		} else if (!put(dst, size, n, field ? " " : "m=", field ? 1 : 2) ||
			   !put(dst, size, n, p, k)) {
			return false;
		}
		p += k;
		if (p == end)
			break;
		if (*p != ' ')
			return false;
		p++;
	}
	return field >= 3 && put(dst, size, n, "\r\n", 2);
}

/*
 * The m= lines of an answer rejecting every stream of @offer (@len bytes,
 * not NUL-terminated): one "m=MEDIA 0 PROTO FMT...\r\n" for each of its
 * m= lines, in their order, into @dst ("" for an offer without one).
 * Return how many, or -1 when the offer is no session description the
 * daemon takes (a malformed m= line, more than SIPD_SDP_MEDIA_MAX of
 * them) or the answer does not fit in @size.
 */
int sipd_sdp_reject(char *dst, size_t size, const char *offer, size_t len)
{
	const char *p = offer, *end = offer + len;
	size_t n = 0;
	int count = 0;

	if (!size)
		return -1;
	dst[0] = '\0';
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;

		if (le > p && le[-1] == '\r')
			le--;
		if (le - p >= 2 && p[0] == 'm' && p[1] == '=') {
			if (++count > SIPD_SDP_MEDIA_MAX ||
			    !reject_media(dst, size, &n, p + 2, le))
				return -1;
		}
		p = eol ? eol + 1 : end;
	}
	return count;
}

/*
 * A whole session description into @dst: session @id, @version, our
 * address @ip (o= and c=), and the m= lines @media ("" for none).
 * Return its length, or -1 when it does not fit in @size.
 */
int sipd_sdp_build(char *dst, size_t size, uint64_t id, uint64_t version,
		   const char *ip, const char *media)
{
	int n = snprintf(dst, size,
			 "v=0\r\n"
			 "o=" SIPD_NAME " %llu %llu IN IP4 %s\r\n"
			 "s=" SIPD_NAME "\r\n"
			 "c=IN IP4 %s\r\n"
			 "t=0 0\r\n"
			 "%s",
			 (unsigned long long)id, (unsigned long long)version,
			 ip, ip, media);

	return n < 0 || (size_t)n >= size ? -1 : n;
}
