// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host unit tests of libtapi's pure parts, built with their sources
 * (errors.c, handles.c, varsize.c, utf.c): the errno <-> LINEERR table,
 * the variable-size structure packer, UTF-16, the handle tables.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "internal.h"

/* ---- errors.c ---- */

TEST(errno_table_is_the_abis)
{
	static const struct { int err; LONG want; } t[] = {
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
		{ ENOTTY, LINEERR_OPERATIONUNAVAIL },
	};
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(t); i++) {
		EXPECT_EQ(t[i].want, lt_lineerr(-t[i].err, LT_ERR_PARAM));
		EXPECT_EQ(t[i].want, lt_lineerr(t[i].err, LT_ERR_PARAM));
	}
}

TEST(errno_zero_is_success)
{
	EXPECT_EQ(0, lt_lineerr(0, LT_ERR_PARAM));
}

TEST(errno_unknown_is_operationfailed)
{
	EXPECT_EQ((LONG)LINEERR_OPERATIONFAILED, lt_lineerr(-EPERM, LT_ERR_PARAM));
	EXPECT_EQ((LONG)LINEERR_OPERATIONFAILED, lt_lineerr(-E2BIG, LT_ERR_PARAM));
}

TEST(einval_by_context)
{
	EXPECT_EQ((LONG)LINEERR_INVALADDRESS, lt_lineerr(-EINVAL, LT_ERR_ADDRESS));
	EXPECT_EQ((LONG)LINEERR_INVALPRIVSELECT,
		  lt_lineerr(-EINVAL, LT_ERR_PRIVSELECT));
	EXPECT_EQ((LONG)LINEERR_INVALCALLPRIVILEGE,
		  lt_lineerr(-EINVAL, LT_ERR_CALLPRIV));
	/* The context changes EINVAL only. */
	EXPECT_EQ((LONG)LINEERR_NOTOWNER, lt_lineerr(-EACCES, LT_ERR_ADDRESS));
}

TEST(lineerr_back_to_errno)
{
	EXPECT_EQ(ENOENT, lt_errno(LINEERR_INVALCALLHANDLE));
	EXPECT_EQ(ENOSPC, lt_errno(LINEERR_RESOURCEUNAVAIL));
	EXPECT_EQ(0, lt_errno(LINEERR_REINIT));
}

TEST(reply_param_is_the_dword)
{
	DWORD_PTR p = LT_REPLY_PARAM(LINEERR_INVALCALLSTATE);

	EXPECT_EQ((DWORD_PTR)LINEERR_INVALCALLSTATE, p);
	EXPECT_TRUE(p == LINEERR_INVALCALLSTATE);
	EXPECT_EQ((LONG)LINEERR_INVALCALLSTATE, (LONG)p);
	EXPECT_TRUE((LONG)p < 0);
	EXPECT_EQ(0ull, (unsigned long long)p >> 32);
	EXPECT_EQ((DWORD_PTR)0, LT_REPLY_PARAM(0));
}

/* ---- varsize.c ---- */

/* A small structure of TAPI's shape: VARSTRING, plus two pairs. */
struct tstruct {
	DWORD dwTotalSize, dwNeededSize, dwUsedSize;
	DWORD dwASize, dwAOffset, dwBSize, dwBOffset, dwLater;
};

#define TS(f) offsetof(struct tstruct, f)

TEST(varsize_null_is_invalpointer)
{
	struct lt_vp vp;

	EXPECT_EQ((LONG)LINEERR_INVALPOINTER, lt_vp_begin(&vp, NULL, 8, 0));
}

TEST(varsize_below_fixed_is_structuretoosmall_and_untouched)
{
	struct tstruct s;
	struct lt_vp vp;

	memset(&s, 0xaa, sizeof(s));
	s.dwTotalSize = sizeof(s) - 1;
	EXPECT_EQ((LONG)LINEERR_STRUCTURETOOSMALL,
		  lt_vp_begin(&vp, &s, sizeof(s), 0));
	EXPECT_EQ(0xaaaaaaaau, s.dwNeededSize);
	EXPECT_EQ(0xaaaaaaaau, s.dwASize);
}

TEST(varsize_fixed_part_zeroed_sizes_set)
{
	struct tstruct s;
	struct lt_vp vp;

	memset(&s, 0xaa, sizeof(s));
	s.dwTotalSize = sizeof(s);
	ASSERT_EQ(0, lt_vp_begin(&vp, &s, sizeof(s), 0));
	lt_vp_end(&vp);
	EXPECT_EQ(sizeof(s), s.dwTotalSize);
	EXPECT_EQ(sizeof(s), s.dwNeededSize);
	EXPECT_EQ(sizeof(s), s.dwUsedSize);
	EXPECT_EQ(0u, s.dwASize);
	EXPECT_EQ(0u, s.dwLater);
}

TEST(varsize_parts_that_fit)
{
	unsigned char buf[128];
	struct tstruct s;
	struct lt_vp vp;

	memset(buf, 0, sizeof(buf));
	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(buf);
	memcpy(buf, &s, sizeof(DWORD));
	ASSERT_EQ(0, lt_vp_begin(&vp, buf, sizeof(s), 0));
	EXPECT_EQ(sizeof(s), lt_vp_add_str(&vp, TS(dwASize), TS(dwAOffset), "abc"));
	/* The next part starts on a 4-byte boundary. */
	EXPECT_EQ(sizeof(s) + 4, lt_vp_add_str(&vp, TS(dwBSize), TS(dwBOffset), "de"));
	lt_vp_end(&vp);
	memcpy(&s, buf, sizeof(s));
	EXPECT_EQ(4u, s.dwASize);
	EXPECT_EQ(sizeof(s), s.dwAOffset);
	EXPECT_STREQ("abc", (char *)buf + s.dwAOffset);
	EXPECT_EQ(3u, s.dwBSize);
	EXPECT_STREQ("de", (char *)buf + s.dwBOffset);
	EXPECT_EQ(sizeof(s) + 7, s.dwUsedSize);
	EXPECT_EQ(sizeof(s) + 7, s.dwNeededSize);
}

TEST(varsize_part_that_does_not_fit_is_left_out_whole)
{
	unsigned char buf[sizeof(struct tstruct) + 6];
	struct tstruct s;
	struct lt_vp vp;

	memset(buf, 0, sizeof(buf));
	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(buf);
	memcpy(buf, &s, sizeof(DWORD));
	ASSERT_EQ(0, lt_vp_begin(&vp, buf, sizeof(s), 0));
	/* 8 bytes do not fit in 6: left out, not cut. */
	EXPECT_EQ(0u, lt_vp_add_str(&vp, TS(dwASize), TS(dwAOffset), "1234567"));
	/* A later part that fits is put. */
	EXPECT_NE(0u, lt_vp_add_str(&vp, TS(dwBSize), TS(dwBOffset), "xy"));
	lt_vp_end(&vp);
	memcpy(&s, buf, sizeof(s));
	EXPECT_EQ(0u, s.dwASize);
	EXPECT_EQ(0u, s.dwAOffset);
	EXPECT_EQ(3u, s.dwBSize);
	EXPECT_EQ(sizeof(s) + 3, s.dwUsedSize);
	/* What all needs: 8, then 3 on a boundary. */
	EXPECT_EQ(sizeof(s) + 8 + 3, s.dwNeededSize);
}

TEST(varsize_needed_size_holds_everything)
{
	unsigned char small[sizeof(struct tstruct)], *big;
	struct tstruct s;
	struct lt_vp vp;

	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(small);
	memcpy(small, &s, sizeof(DWORD));
	ASSERT_EQ(0, lt_vp_begin(&vp, small, sizeof(s), 0));
	lt_vp_add_str(&vp, TS(dwASize), TS(dwAOffset), "hello");
	lt_vp_add_str(&vp, TS(dwBSize), TS(dwBOffset), "world!");
	lt_vp_end(&vp);
	memcpy(&s, small, sizeof(s));
	big = calloc(1, s.dwNeededSize);
	ASSERT_NE(NULL, big);
	memcpy(big, &s.dwNeededSize, sizeof(DWORD));
	ASSERT_EQ(0, lt_vp_begin(&vp, big, sizeof(s), 0));
	EXPECT_NE(0u, lt_vp_add_str(&vp, TS(dwASize), TS(dwAOffset), "hello"));
	EXPECT_NE(0u, lt_vp_add_str(&vp, TS(dwBSize), TS(dwBOffset), "world!"));
	lt_vp_end(&vp);
	memcpy(&s, big, sizeof(s));
	EXPECT_EQ(s.dwNeededSize, s.dwUsedSize);
	free(big);
}

TEST(varsize_field_of_a_later_version_is_not_written)
{
	unsigned char buf[64];
	struct tstruct s;
	struct lt_vp vp;

	memset(buf, 0xaa, sizeof(buf));
	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(buf);
	memcpy(buf, &s, sizeof(DWORD));
	/* This "version" has no dwBSize, dwBOffset, dwLater. */
	ASSERT_EQ(0, lt_vp_begin(&vp, buf, TS(dwBSize), 0));
	lt_vp_set(&vp, TS(dwLater), 7);
	EXPECT_EQ(0u, lt_vp_add_str(&vp, TS(dwBSize), TS(dwBOffset), "x"));
	lt_vp_end(&vp);
	memcpy(&s, buf, sizeof(s));
	EXPECT_EQ(0xaaaaaaaau, s.dwLater);
	EXPECT_EQ(TS(dwBSize), s.dwNeededSize);
}

TEST(varsize_wide_strings_are_utf16)
{
	unsigned char buf[128];
	struct tstruct s;
	struct lt_vp vp;
	WCHAR w[4];

	memset(buf, 0, sizeof(buf));
	memset(&s, 0, sizeof(s));
	s.dwTotalSize = sizeof(buf);
	memcpy(buf, &s, sizeof(DWORD));
	ASSERT_EQ(0, lt_vp_begin(&vp, buf, sizeof(s), 1));
	lt_vp_add_str(&vp, TS(dwASize), TS(dwAOffset), "a\xc3\xa9");
	lt_vp_end(&vp);
	memcpy(&s, buf, sizeof(s));
	EXPECT_EQ(6u, s.dwASize);
	memcpy(w, buf + s.dwAOffset, 6);
	EXPECT_EQ('a', w[0]);
	EXPECT_EQ(0xe9, w[1]);
	EXPECT_EQ(0, w[2]);
}

/* ---- utf.c ---- */

TEST(utf_roundtrip)
{
	/* ASCII, 2, 3 and 4 bytes (a surrogate pair). */
	const char *s = "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x93\x9e";
	WCHAR w[8];
	char *back;

	EXPECT_EQ(6 * sizeof(WCHAR), lt_utf16_len(s));
	lt_utf8_to_utf16(s, w);
	EXPECT_EQ(0x41, w[0]);
	EXPECT_EQ(0xe9, w[1]);
	EXPECT_EQ(0x20ac, w[2]);
	EXPECT_EQ(0xd83d, w[3]);
	EXPECT_EQ(0xdcde, w[4]);
	EXPECT_EQ(0, w[5]);
	back = lt_utf16_to_utf8(w);
	ASSERT_NE(NULL, back);
	EXPECT_STREQ(s, back);
	free(back);
}

TEST(utf_malformed_is_replacement)
{
	WCHAR w[4];
	/* A lone continuation byte, and an overlong '/'. */
	lt_utf8_to_utf16("\x80" "\xc0\xaf", w);
	EXPECT_EQ(0xfffd, w[0]);
	EXPECT_EQ(0xfffd, w[1]);
}

TEST(utf16_lone_surrogate_is_replacement)
{
	WCHAR w[] = { 0xd800, 'x', 0 };
	char *s = lt_utf16_to_utf8(w);

	ASSERT_NE(NULL, s);
	EXPECT_STREQ("\xef\xbf\xbdx", s);
	free(s);
}

TEST(app_name_short_kept)
{
	char out[KTAPI_APP_NAME_MAX];

	lt_app_name(out, "dialer");
	EXPECT_STREQ("dialer", out);
	lt_app_name(out, NULL);
	EXPECT_STREQ("", out);
}

TEST(app_name_control_bytes_replaced)
{
	char out[KTAPI_APP_NAME_MAX];

	lt_app_name(out, "a\tb\x7f" "c\n");
	EXPECT_STREQ("a?b?c?", out);
}

TEST(app_name_cut_at_63_on_a_utf8_boundary)
{
	char in[100], out[KTAPI_APP_NAME_MAX];

	memset(in, 'x', 62);
	/* A 2-byte e-acute at bytes 62..63: the 64th byte would cut it. */
	memcpy(in + 62, "\xc3\xa9zz", 5);
	lt_app_name(out, in);
	EXPECT_EQ(62u, strlen(out));
	memset(in, 'y', 80);
	in[80] = 0;
	lt_app_name(out, in);
	EXPECT_EQ(63u, strlen(out));
}

/* ---- handles.c ---- */

TEST(handles_kinds_and_values)
{
	int a, b, c;
	uint32_t ha = lt_handle_new(LT_APP, &a);
	uint32_t hb = lt_handle_new(LT_LINE, &b);
	uint32_t hc = lt_handle_new(LT_CALL, &c);

	ASSERT_NE(0u, ha);
	ASSERT_NE(0u, hb);
	ASSERT_NE(0u, hc);
	EXPECT_NE(ha, hb);
	EXPECT_NE(hb, hc);
	EXPECT_EQ(&a, lt_handle_get(ha, LT_APP));
	/* A handle of one kind is not one of another. */
	EXPECT_EQ(NULL, lt_handle_get(ha, LT_LINE));
	EXPECT_EQ(NULL, lt_handle_get(hc, LT_APP));
	EXPECT_EQ(NULL, lt_handle_get(0, LT_APP));
	lt_handle_del(hb);
	EXPECT_EQ(NULL, lt_handle_get(hb, LT_LINE));
	EXPECT_EQ(&c, lt_handle_get(hc, LT_CALL));
	lt_handle_del(ha);
	lt_handle_del(hc);
	EXPECT_EQ(0u, lt_handle_count());
	lt_handles_reset();
}

TEST(handles_not_reused_at_once)
{
	int x;
	uint32_t h1 = lt_handle_new(LT_CALL, &x), h2;

	lt_handle_del(h1);
	h2 = lt_handle_new(LT_CALL, &x);
	EXPECT_NE(h1, h2);
	lt_handle_del(h2);
	lt_handles_reset();
}

TEST(map_many_keys)
{
	struct lt_map m = { 0 };
	static int v[2000];
	uint32_t i;

	for (i = 0; i < 2000; i++)
		ASSERT_EQ(0, lt_map_put(&m, i * 7919u + 1, &v[i]));
	EXPECT_EQ(-EEXIST, lt_map_put(&m, 1, &v[0]));
	for (i = 0; i < 2000; i++)
		EXPECT_EQ(&v[i], lt_map_get(&m, i * 7919u + 1));
	for (i = 0; i < 2000; i += 2)
		EXPECT_EQ(&v[i], lt_map_del(&m, i * 7919u + 1));
	for (i = 0; i < 2000; i++)
		EXPECT_EQ(i % 2 ? &v[i] : NULL, lt_map_get(&m, i * 7919u + 1));
	EXPECT_EQ(1000u, m.count);
	lt_map_free(&m);
	EXPECT_EQ(NULL, lt_map_get(&m, 2));
}

TEST_HARNESS_MAIN
