// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * map_test - the mapping and address rules of ktapi-sipd (map.c), on the
 * host: every final response of ktapi-sipd(8)'s MAPPING table to its
 * disconnect mode, the address rule, and the user part's escapes.
 * Needs no device (kselftest harness; run by "make check-host").
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sipd.h"

struct row {
	unsigned int scode;
	uint32_t mode;
};

/* The issue's section 2, outgoing finals, as ktapi-sipd(8) states it. */
static const struct row table[] = {
	{ 486, KTAPI_DISCONNECTMODE_BUSY },
	{ 600, KTAPI_DISCONNECTMODE_BUSY },
	{ 404, KTAPI_DISCONNECTMODE_BADADDRESS },
	{ 484, KTAPI_DISCONNECTMODE_BADADDRESS },
	{ 604, KTAPI_DISCONNECTMODE_BADADDRESS },
	{ 480, KTAPI_DISCONNECTMODE_UNAVAIL },
	{ 603, KTAPI_DISCONNECTMODE_REJECT },
	{ 408, KTAPI_DISCONNECTMODE_NOANSWER },
};

TEST(final_responses_of_the_table)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		EXPECT_EQ(table[i].mode, sipd_final_mode(table[i].scode)) {
			TH_LOG("%u", table[i].scode);
		}
	}
}

TEST(every_other_final_is_unknown)
{
	unsigned int scode, n = 0;

	for (scode = 300; scode < 700; scode++) {
		size_t i;
		bool listed = false;

		for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			listed |= table[i].scode == scode;
		if (listed)
			continue;
		n++;
		EXPECT_EQ((uint32_t)KTAPI_DISCONNECTMODE_UNKNOWN, sipd_final_mode(scode)) {
			TH_LOG("%u", scode);
		}
	}
	EXPECT_EQ(400u - 8u, n);
}

TEST(address_rule)
{
	char a[80];

	EXPECT_TRUE(sipd_address_valid("0"));
	EXPECT_TRUE(sipd_address_valid("+49*30#1"));
	memset(a, '7', 63);
	a[63] = '\0';
	EXPECT_TRUE(sipd_address_valid(a));
	a[63] = '7';
	a[64] = '\0';
	EXPECT_FALSE(sipd_address_valid(a));
	EXPECT_FALSE(sipd_address_valid(""));
	EXPECT_FALSE(sipd_address_valid("sipp"));
	EXPECT_FALSE(sipd_address_valid("12a"));
	EXPECT_FALSE(sipd_address_valid("1 2"));
	EXPECT_FALSE(sipd_address_valid("100;phone-context=x"));
}

TEST(user_part_escapes)
{
	char out[KTAPI_ADDRESS_MAX];

	ASSERT_EQ(0, sipd_user_decode(out, sizeof(out), "12%231", 6));
	EXPECT_STREQ("12#1", out);
	ASSERT_EQ(0, sipd_user_decode(out, sizeof(out), "%2a%2B", 6));
	EXPECT_STREQ("*+", out);
	/* A NUL escape is not taken; a cut escape stays as it is. */
	ASSERT_EQ(0, sipd_user_decode(out, sizeof(out), "1%00", 4));
	EXPECT_FALSE(sipd_address_valid(out));
	EXPECT_EQ(2u, strlen(out));
	ASSERT_EQ(0, sipd_user_decode(out, sizeof(out), "1%2", 3));
	EXPECT_STREQ("1%2", out);
	/* Only len bytes are read. */
	ASSERT_EQ(0, sipd_user_decode(out, sizeof(out), "123456", 3));
	EXPECT_STREQ("123", out);
	ASSERT_EQ(0, sipd_user_decode(out, sizeof(out), "", 0));
	EXPECT_STREQ("", out);
	/* Too long for the buffer. */
	EXPECT_EQ(-1, sipd_user_decode(out, 4, "1234", 4));

	ASSERT_EQ(0, sipd_user_encode(out, sizeof(out), "*1#2+"));
	EXPECT_STREQ("*1%232+", out);
	EXPECT_EQ(-1, sipd_user_encode(out, 4, "1#"));
}

/* RFC 3261 25.1's user: unreserved and user-unreserved as they are. */
TEST(user_part_keeps_what_rfc3261_allows)
{
	static const char ok[] = "azAZ09-_.!~*'()&=+$,;?/";
	char out[64];

	ASSERT_EQ(0, sipd_user_encode(out, sizeof(out), ok));
	EXPECT_STREQ(ok, out);
}

/* Every other byte is %XX: '#' of an address, '%' itself, '@', ':'... */
TEST(user_part_escapes_the_rest)
{
	char in[2] = "", out[8], want[8];
	unsigned int ch, escaped = 0;

	for (ch = 1; ch < 256; ch++) {
		in[0] = (char)ch;
		ASSERT_EQ(0, sipd_user_encode(out, sizeof(out), in));
		if (strlen(out) == 1) {
			EXPECT_EQ(in[0], out[0]);
			continue;
		}
		escaped++;
		snprintf(want, sizeof(want), "%%%02X", ch);
		EXPECT_STREQ(want, out);
		/* And back. */
		ASSERT_EQ(0, sipd_user_decode(out, sizeof(out), want, 3));
		EXPECT_EQ(in[0], out[0]);
	}
	/* 255 bytes less 62 alphanumerics, 9 marks, 8 user-unreserved. */
	EXPECT_EQ(255u - 62u - 9u - 8u, escaped);
	ASSERT_EQ(0, sipd_user_encode(out, sizeof(out), "#"));
	EXPECT_STREQ("%23", out);
	ASSERT_EQ(0, sipd_user_encode(out, sizeof(out), "%"));
	EXPECT_STREQ("%25", out);
}

/* The longest address fits the buffers of the URIs built from it. */
TEST(user_part_of_the_longest_address_fits)
{
	char a[KTAPI_ADDRESS_MAX], out[3 * KTAPI_ADDRESS_MAX];

	memset(a, '#', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	ASSERT_EQ(0, sipd_user_encode(out, sizeof(out), a));
	EXPECT_EQ(3 * (sizeof(a) - 1), strlen(out));
}

/* Provisional responses move an outgoing leg forwards only. */
TEST(progress_never_goes_backwards)
{
	const uint32_t D = KTAPI_CALLSTATE_DIALING,
		       P = KTAPI_CALLSTATE_PROCEEDING,
		       R = KTAPI_CALLSTATE_RINGBACK;
	static const struct {
		uint32_t state;
		unsigned int scode;
		uint32_t to;
	} rows[] = {
		{ KTAPI_CALLSTATE_DIALING, 100, KTAPI_CALLSTATE_PROCEEDING },
		{ KTAPI_CALLSTATE_DIALING, 180, KTAPI_CALLSTATE_RINGBACK },
		{ KTAPI_CALLSTATE_DIALING, 183, KTAPI_CALLSTATE_RINGBACK },
		{ KTAPI_CALLSTATE_PROCEEDING, 180, KTAPI_CALLSTATE_RINGBACK },
		{ KTAPI_CALLSTATE_PROCEEDING, 183, KTAPI_CALLSTATE_RINGBACK },
		{ KTAPI_CALLSTATE_PROCEEDING, 100, 0 },
		{ KTAPI_CALLSTATE_RINGBACK, 100, 0 },
		{ KTAPI_CALLSTATE_RINGBACK, 180, 0 },
		{ KTAPI_CALLSTATE_RINGBACK, 183, 0 },
		{ KTAPI_CALLSTATE_CONNECTED, 100, 0 },
		{ KTAPI_CALLSTATE_CONNECTED, 180, 0 },
		{ KTAPI_CALLSTATE_DISCONNECTED, 180, 0 },
		{ KTAPI_CALLSTATE_IDLE, 100, 0 },
	};
	unsigned int scode;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		EXPECT_EQ(rows[i].to, sipd_progress_state(rows[i].state,
							  rows[i].scode)) {
			TH_LOG("%s on %u", sipd_state_name(rows[i].state),
			       rows[i].scode);
		}
	}
	/* 101..199 but 180 and 183: nothing, in any state. */
	for (scode = 101; scode < 200; scode++) {
		if (scode == 180 || scode == 183)
			continue;
		EXPECT_EQ(0u, sipd_progress_state(D, scode));
		EXPECT_EQ(0u, sipd_progress_state(P, scode));
		EXPECT_EQ(0u, sipd_progress_state(R, scode));
	}
}

static int reject(char *out, size_t size, const char *offer)
{
	return sipd_sdp_reject(out, size, offer, strlen(offer));
}

/* RFC 3264 6: each offered stream, in order, port 0, its formats. */
TEST(sdp_answer_rejects_every_stream)
{
	char out[SIPD_SDP_MEDIA_BYTES];

	ASSERT_EQ(2, reject(out, sizeof(out),
			    "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\n"
			    "c=IN IP4 10.0.0.2\r\nt=0 0\r\n"
			    "m=audio 6000 RTP/AVP 0 8 101\r\n"
			    "a=rtpmap:0 PCMU/8000\r\n"
			    "m=video 6002/2 RTP/AVP 96\r\n"
			    "a=sendrecv\r\n"));
	EXPECT_STREQ("m=audio 0 RTP/AVP 0 8 101\r\nm=video 0 RTP/AVP 96\r\n",
		     out);
	/* Bare LF line ends, and an offer without m= lines. */
	ASSERT_EQ(1, reject(out, sizeof(out), "v=0\nm=image 9 udptl t38"));
	EXPECT_STREQ("m=image 0 udptl t38\r\n", out);
	ASSERT_EQ(0, reject(out, sizeof(out), "v=0\r\ns=-\r\n"));
	EXPECT_STREQ("", out);
	ASSERT_EQ(0, sipd_sdp_reject(out, sizeof(out), "", 0));
	EXPECT_STREQ("", out);
	/* Only len bytes are read. */
	ASSERT_EQ(1, sipd_sdp_reject(out, sizeof(out),
				     "m=audio 1 RTP/AVP 0\r\nm=video 2 RTP/AVP 9", 21));
	EXPECT_STREQ("m=audio 0 RTP/AVP 0\r\n", out);
}

TEST(sdp_malformed_m_lines_are_refused)
{
	static const char *const bad[] = {
		"m=audio 6000 RTP/AVP\r\n",		/* no format */
		"m=audio 6000\r\n",
		"m=audio\r\n",
		"m=\r\n",
		"m=audio x RTP/AVP 0\r\n",		/* port */
		"m=audio 6000/ RTP/AVP 0\r\n",
		"m=audio 60/0x RTP/AVP 0\r\n",
		"m=audio /2 RTP/AVP 0\r\n",
		"m=audio  6000 RTP/AVP 0\r\n",		/* two spaces */
		"m=audio 6000 RTP/AVP 0 \r\n",		/* trailing space */
		"m=audio 6000 RTP/AVP 0\t8\r\n",	/* a tab */
		"m=audio 6000 RTP/AVP \x80\r\n",	/* not ASCII */
	};
	char out[SIPD_SDP_MEDIA_BYTES];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, reject(out, sizeof(out), bad[i])) {
			TH_LOG("%s", bad[i]);
		}
	}
}

TEST(sdp_answer_is_bounded)
{
	char offer[4096] = "", out[SIPD_SDP_MEDIA_BYTES], small[23];
	size_t n = 0;
	int i;

	for (i = 0; i < SIPD_SDP_MEDIA_MAX; i++)
		n += snprintf(offer + n, sizeof(offer) - n,
			      "m=audio %d RTP/AVP 0\r\n", 1000 + i);
	EXPECT_EQ(SIPD_SDP_MEDIA_MAX, reject(out, sizeof(out), offer));
	snprintf(offer + n, sizeof(offer) - n, "m=audio 1 RTP/AVP 0\r\n");
	EXPECT_EQ(-1, reject(out, sizeof(out), offer));
	/* Too long for the buffer (23 bytes and the NUL): refused, never cut. */
	EXPECT_EQ(-1, reject(small, sizeof(small), "m=audio 6000 RTP/AVP 0 8\r\n"));
	EXPECT_EQ(1, reject(small, 22, "m=audio 6000 RTP/AVP 0\r\n"));
	EXPECT_EQ(-1, reject(small, 21, "m=audio 6000 RTP/AVP 0\r\n"));
}

TEST(sdp_description)
{
	char out[SIPD_SDP_MAX];
	int n;

	n = sipd_sdp_build(out, sizeof(out), 42, 7, "10.0.0.1", "");
	ASSERT_LT(0, n);
	EXPECT_EQ((size_t)n, strlen(out));
	EXPECT_STREQ("v=0\r\no=ktapi-sipd 42 7 IN IP4 10.0.0.1\r\n"
		     "s=ktapi-sipd\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n", out);
	n = sipd_sdp_build(out, sizeof(out), 42, 8, "10.0.0.1",
			   "m=audio 0 RTP/AVP 0\r\n");
	ASSERT_LT(0, n);
	EXPECT_NE(NULL, strstr(out, " 42 8 IN IP4"));
	EXPECT_NE(NULL, strstr(out, "t=0 0\r\nm=audio 0 RTP/AVP 0\r\n"));
	EXPECT_EQ(-1, sipd_sdp_build(out, 40, 42, 8, "10.0.0.1", ""));
}

TEST_HARNESS_MAIN
