// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: the application's name (uapi/linux/ktapi.h, DOC: Call
 * privilege and new calls; struct ktapi_line_open's and ktapi_call_info's
 * app_name): LINE_OPEN's rules, which leg takes which name, that it
 * outlives its line, and GET_CALL_INFO's sizes.  Built 64-bit and -m32;
 * the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include "ktapi_utils.h"

#define PADDR	"5550177"	/* a provider device's address */
#define DEST	"4711"		/* what its callers dial */

/* A byte GET_CALL_INFO never writes into a name's padding. */
#define POISON	0xa5

/*
 * LINE_OPEN of @fd on @dev with @priv and the @len bytes of @name (the
 * rest of app_name zero) in a struct of @size bytes: 0 or errno.
 */
static int open_named_raw(int fd, __u32 dev, __u32 priv, const void *name,
			  size_t len, __u32 size)
{
	struct ktapi_line_open lo = {
		.size = size,
		.device_id = dev,
		.privileges = priv,
		.api_version = API_CUR,
	};

	memcpy(lo.app_name, name, len);
	return kt_err(ioctl(fd, KTAPI_IOC_LINE_OPEN, &lo));
}

static int open_named(int fd, __u32 dev, __u32 priv, const char *name)
{
	return open_named_raw(fd, dev, priv, name, strlen(name) + 1,
			      sizeof(struct ktapi_line_open));
}

/* A line of @dev named @name, asserting success. */
static int __named_line(struct __test_metadata *_metadata, __u32 dev,
			__u32 priv, const char *name, int line)
{
	int fd = kt_open(), err;

	ASSERT_LE(0, fd) TH_LOG("line %d: open: %s", line, strerror(errno));
	err = open_named(fd, dev, priv, name);
	ASSERT_EQ(0, err) {
		TH_LOG("line %d: LINE_OPEN(dev %u, \"%s\"): %s", line, dev,
		       name, kt_errname(err));
	}
	return fd;
}
#define NAMED(dev, priv, name)	__named_line(_metadata, dev, priv, name, __LINE__)

/*
 * GET_CALL_INFO with a struct of @size bytes, every byte of the buffer
 * POISON first: 0 or errno.
 */
static int info_sized(int fd, __u32 h, struct ktapi_call_info *ci,
		      __u32 size)
{
	memset(ci, POISON, sizeof(*ci));
	ci->size = size;
	ci->flags = 0;
	ci->handle = h;
	return kt_err(ioctl(fd, KTAPI_IOC_GET_CALL_INFO, ci));
}

/* The app_name @fd's handle @h reports, in a struct of today's size. */
static void __expect_name(struct __test_metadata *_metadata, int fd, __u32 h,
			  const char *name, int line)
{
	struct ktapi_call_info ci;
	size_t i, n = strlen(name);
	int err = info_sized(fd, h, &ci, sizeof(ci));

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: GET_CALL_INFO(%u): %s", line, h,
		       kt_errname(err));
	}
	EXPECT_EQ(0, memcmp(ci.app_name, name, n)) {
		TH_LOG("line %d: app_name \"%.64s\", expected \"%s\"", line,
		       ci.app_name, name);
	}
	/* NUL-padded: no byte of the buffer, nor of the user's name, left. */
	for (i = n; i < KTAPI_APP_NAME_MAX; i++) {
		unsigned char ch = ci.app_name[i];

		EXPECT_EQ(0, ch) {
			TH_LOG("line %d: app_name[%zu] = %#x", line, i, ch);
		}
	}
}
#define EXPECT_NAME(fd, h, name)	__expect_name(_metadata, fd, h, name, __LINE__)

/* Two loopback devices, and a named line on each, opened by the tests. */
FIXTURE(names) {
	struct ktapi_params p;
	char addr1[KTAPI_ADDRESS_MAX];
};

FIXTURE_SETUP(names)
{
	int fd;

	KT_REQUIRE(&self->p);
	if (self->p.lines < 2)
		SKIP_NOW("needs 2 line devices, lines=%lu", self->p.lines);
	if (self->p.max_handles < 8)
		SKIP_NOW("needs max_handles >= 8, have %lu", self->p.max_handles);
	fd = FD();
	DEV_ADDR(fd, 1, self->addr1);
	close(fd);
}

FIXTURE_TEARDOWN(names)
{
}

/*
 * a (named @na, device 0) calls b (named @nb, device 1, OWNER): fills the
 * handles and call ids, both sides' records read.
 */
struct named_call {
	int a, b;
	__u32 ha, ca, hb, cb;
};

static void __named_call(struct __test_metadata *_metadata,
			 FIXTURE_DATA(names) *self, struct named_call *nc,
			 const char *na, const char *nb)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;

	nc->a = NAMED(0, P_OWN, na);
	nc->b = NAMED(1, P_OWN, nb);
	ASSERT_OK(kt_make_call(nc->a, self->addr1, &nc->ha, &nc->ca));
	EXPECT_CS(nc->a, nc->ha, nc->ca, S_DIALING, 0, P_OWN);
	EXPECT_CS(nc->a, nc->ha, nc->ca, S_RINGBACK, 0, P_OWN);
	EXPECT_NEW(&ev, nc->b, 0, S_OFFERING, P_OWN);
	nc->hb = ev.handle;
	nc->cb = ev.call_id;
	EXPECT_CS(nc->b, nc->hb, nc->cb, S_OFFERING, 0, P_OWN);
	ASSERT_OK(kt_info(nc->a, nc->ha, &ci));
	ASSERT_EQ(nc->cb, ci.related_call_id);
}
#define NAMED_CALL(nc, na, nb)	__named_call(_metadata, self, nc, na, nb)

static void named_call_close(struct named_call *nc)
{
	close_fd(&nc->a);
	close_fd(&nc->b);
}

/* ---- LINE_OPEN's rules ------------------------------------------------ */

/* The caller's OUTBOUND leg has the caller's name, NUL-padded. */
TEST_F(names, outbound_leg_has_makers_name)
{
	__u32 h, cid;
	int a = NAMED(0, P_OWN, "Dialer");

	ASSERT_OK(kt_make_call(a, "999", &h, &cid));
	EXPECT_NAME(a, h, "Dialer");
	close(a);
}

/* A VER1 LINE_OPEN with an empty app_name gives no name: all zero. */
TEST_F(names, empty_name_reports_zeroes)
{
	__u32 h;
	int a = NAMED(0, P_OWN, "");

	ASSERT_OK(kt_make_call(a, "999", &h, NULL));
	EXPECT_NAME(a, h, "");
	close(a);
}

/* A VER0 LINE_OPEN (no app_name field) gives no name. */
TEST_F(names, ver0_line_open_no_name)
{
	int a = FD();
	__u32 h;

	ASSERT_OK(open_named_raw(a, 0, P_OWN, "", 0, KTAPI_LINE_OPEN_SIZE_VER0));
	ASSERT_OK(kt_make_call(a, "999", &h, NULL));
	EXPECT_NAME(a, h, "");
	close(a);
}

/* The bytes after the name's NUL are the user's: never reported. */
TEST_F(names, bytes_after_nul_ignored)
{
	static const char raw[] = "Log\0garbage\x01\x7f";
	int a = FD();
	__u32 h;

	ASSERT_OK(open_named_raw(a, 0, P_OWN, raw, sizeof(raw),
				 sizeof(struct ktapi_line_open)));
	ASSERT_OK(kt_make_call(a, "999", &h, NULL));
	EXPECT_NAME(a, h, "Log");
	close(a);
}

/* 63 bytes and the NUL: the longest name, reported whole. */
TEST_F(names, name_63_bytes_ok)
{
	char name[KTAPI_APP_NAME_MAX];
	__u32 h;
	int a;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	a = NAMED(0, P_OWN, name);
	ASSERT_OK(kt_make_call(a, "999", &h, NULL));
	EXPECT_NAME(a, h, name);
	close(a);
}

/* Bytes from 0x80 on pass unchecked (UTF-8), reported as given. */
TEST_F(names, utf8_passed_through)
{
	__u32 h;
	int a = NAMED(0, P_OWN, "Z\xc3\xbcrich \xe2\x98\x8e");

	ASSERT_OK(kt_make_call(a, "999", &h, NULL));
	EXPECT_NAME(a, h, "Z\xc3\xbcrich \xe2\x98\x8e");
	close(a);
}

/*
 * A bad name is EINVAL and changes nothing: the file is still without a
 * line, so a good LINE_OPEN then succeeds (not EBUSY).
 */
static void __bad_name(struct __test_metadata *_metadata, const void *name,
		       size_t len, int line)
{
	int fd = FD(), err;

	err = open_named_raw(fd, 0, P_OWN, name, len,
			     sizeof(struct ktapi_line_open));
	EXPECT_EQ(EINVAL, err) TH_LOG("line %d: %s", line, kt_errname(err));
	err = open_named(fd, 0, P_OWN, "Good");
	EXPECT_EQ(0, err) TH_LOG("line %d: then: %s", line, kt_errname(err));
	close(fd);
}
#define BAD_NAME(name, len)	__bad_name(_metadata, name, len, __LINE__)

TEST_F(names, control_byte_einval)
{
	BAD_NAME("Dial\x01", 6);
}

TEST_F(names, byte_1f_einval)
{
	BAD_NAME("\x1fname", 6);
}

TEST_F(names, tab_einval)
{
	BAD_NAME("a\tb", 4);
}

TEST_F(names, del_0x7f_einval)
{
	BAD_NAME("ab\x7f", 4);
}

/* 64 bytes and no NUL among them. */
TEST_F(names, unterminated_einval)
{
	char name[KTAPI_APP_NAME_MAX];

	memset(name, 'x', sizeof(name));
	BAD_NAME(name, sizeof(name));
}

/*
 * The name is a field value, checked with the privileges (the header's
 * "General ioctl format"): a file whose line is already open gets EBUSY
 * for a LINE_OPEN with a bad name, not EINVAL.
 */
TEST_F(names, bad_name_on_open_line_ebusy)
{
	int fd = NAMED(0, P_OWN, "First");

	EXPECT_EQ(EBUSY, open_named(fd, 0, P_OWN, "a\tb"));
	close(fd);
}

/* ... and a device that does not exist is ENODEV, whatever the name. */
TEST_F(names, bad_name_on_bad_device_enodev)
{
	int fd = FD();

	EXPECT_EQ(ENODEV, open_named(fd, 0xffffffff, P_OWN, "\x01"));
	/* Nothing changed: the file can still open a line. */
	EXPECT_EQ(0, open_named(fd, 0, P_OWN, "Good"));
	close(fd);
}

/* ---- Which leg takes which name ---------------------------------------- */

/* An incoming leg has no name until it is answered. */
TEST_F(names, internal_leg_unnamed_while_offering)
{
	struct named_call nc;

	NAMED_CALL(&nc, "Caller", "Callee");
	EXPECT_NAME(nc.b, nc.hb, "");
	EXPECT_NAME(nc.a, nc.ha, "Caller");
	named_call_close(&nc);
}

/* ANSWER names the INTERNAL leg after the answering line. */
TEST_F(names, internal_leg_takes_answerers_name)
{
	struct named_call nc;

	NAMED_CALL(&nc, "Caller", "Callee");
	ASSERT_OK(kt_answer(nc.b, nc.hb));
	EXPECT_NAME(nc.b, nc.hb, "Callee");
	/* The caller's leg keeps its maker's. */
	EXPECT_NAME(nc.a, nc.ha, "Caller");
	named_call_close(&nc);
}

/* Answered by a line that gave no name: the leg stays unnamed. */
TEST_F(names, internal_leg_answered_unnamed)
{
	struct named_call nc;

	NAMED_CALL(&nc, "Caller", "");
	ASSERT_OK(kt_answer(nc.b, nc.hb));
	EXPECT_NAME(nc.b, nc.hb, "");
	named_call_close(&nc);
}

/* A refused ANSWER (a MONITOR handle) names nothing. */
TEST_F(names, failed_answer_names_nothing)
{
	struct named_call nc;
	struct ktapi_event ev;
	int m;

	m = NAMED(1, P_MON, "Watcher");
	NAMED_CALL(&nc, "Caller", "Callee");
	EXPECT_NEW(&ev, m, nc.cb, S_OFFERING, P_MON);
	EXPECT_ERRNO(EACCES, kt_answer(m, ev.handle));
	EXPECT_NAME(m, ev.handle, "");
	ASSERT_OK(kt_answer(nc.b, nc.hb));
	EXPECT_NAME(m, ev.handle, "Callee");
	named_call_close(&nc);
	close(m);
}

/* A monitor of the caller's device reads the maker's name, not its own. */
TEST_F(names, monitor_reads_makers_name)
{
	struct ktapi_event ev;
	__u32 h, cid;
	int m, a;

	m = NAMED(0, P_MON, "Watcher");
	a = NAMED(0, P_OWN, "Dialer");
	ASSERT_OK(kt_make_call(a, "999", &h, &cid));
	EXPECT_NEW(&ev, m, cid, S_DIALING, P_MON);
	EXPECT_NAME(m, ev.handle, "Dialer");
	close(a);
	close(m);
}

/* ---- The name outlives its line ---------------------------------------- */

/* The maker closes its line: a monitor's handle still reads its name. */
TEST_F(names, makers_name_survives_close)
{
	struct ktapi_event ev;
	__u32 h, cid;
	int m, a;

	m = NAMED(0, P_MON, "");
	a = NAMED(0, P_OWN, "Gone soon");
	ASSERT_OK(kt_make_call(a, "999", &h, &cid));
	EXPECT_NEW(&ev, m, cid, S_DIALING, P_MON);
	close(a);
	EXPECT_NAME(m, ev.handle, "Gone soon");
	close(m);
}

/* The answerer closes its line: the incoming leg keeps its name. */
TEST_F(names, answerers_name_survives_close)
{
	struct named_call nc;
	struct ktapi_event ev;
	int m;

	m = NAMED(1, P_MON, "");
	NAMED_CALL(&nc, "Caller", "Answerer");
	EXPECT_NEW(&ev, m, nc.cb, S_OFFERING, P_MON);
	ASSERT_OK(kt_answer(nc.b, nc.hb));
	close_fd(&nc.b);
	EXPECT_NAME(m, ev.handle, "Answerer");
	named_call_close(&nc);
	close(m);
}

/* ---- GET_CALL_INFO's sizes --------------------------------------------- */

/* A VER0 caller's 200 bytes are written, not one byte more. */
TEST_F(names, info_ver0_writes_200_bytes)
{
	struct ktapi_call_info ci;
	unsigned char *p = (unsigned char *)&ci;
	size_t i;
	__u32 h;
	int a = NAMED(0, P_OWN, "Dialer");

	ASSERT_OK(kt_make_call(a, "999", &h, NULL));
	ASSERT_OK(info_sized(a, h, &ci, KTAPI_CALL_INFO_SIZE_VER0));
	EXPECT_EQ(KTAPI_CALL_INFO_SIZE_VER0, ci.size);
	EXPECT_EQ(h, ci.handle);
	EXPECT_STREQ("999", ci.called_address);
	for (i = KTAPI_CALL_INFO_SIZE_VER0; i < sizeof(ci); i++)
		EXPECT_EQ(POISON, p[i]) TH_LOG("byte %zu written", i);
	close(a);
}

/* A size between VER0 and VER1: the part of app_name inside it, exactly. */
TEST_F(names, info_between_sizes_writes_its_size)
{
	const __u32 size = KTAPI_CALL_INFO_SIZE_VER0 + 8;
	struct ktapi_call_info ci;
	unsigned char *p = (unsigned char *)&ci;
	size_t i;
	__u32 h;
	int a = NAMED(0, P_OWN, "Dialer-long-name");

	ASSERT_OK(kt_make_call(a, "999", &h, NULL));
	ASSERT_OK(info_sized(a, h, &ci, size));
	EXPECT_EQ(0, memcmp(ci.app_name, "Dialer-l", 8));
	for (i = size; i < sizeof(ci); i++)
		EXPECT_EQ(POISON, p[i]) TH_LOG("byte %zu written", i);
	close(a);
}

/* ---- Providers ---------------------------------------------------------- */

/* A provider with one device (PADDR). */
FIXTURE(pnames) {
	int pfd;
	__u32 dev;
};

FIXTURE_SETUP(pnames)
{
	PROV_REQUIRE();
	self->pfd = PROV("names", 16);
	self->dev = PROV_LINE(self->pfd, PADDR);
}

FIXTURE_TEARDOWN(pnames)
{
	close_fd(&self->pfd);
}

/* A provider's OUTBOUND leg has its maker's name. */
TEST_F(pnames, outbound_leg_has_makers_name)
{
	__u32 h, cid;
	int a = NAMED(self->dev, P_OWN, "SIP dialer");

	PROV_CALL_OUT(a, self->pfd, self->dev, DEST, &h, &cid);
	EXPECT_NAME(a, h, "SIP dialer");
	close(a);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_DIALING);
}

/*
 * An INBOUND leg takes the name of the line whose ANSWER its provider
 * replied 0 to; not before the REPLY.
 */
TEST_F(pnames, inbound_leg_named_by_answer_reply)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;
	int o = NAMED(self->dev, P_OWN, "SIP phone");

	PROV_CALL_IN(self->pfd, self->dev, "123", PADDR, o, &h, &cid);
	EXPECT_NAME(o, h, "");
	ASSERT_OK(kt_answer_async(o, h, &rid));
	EXPECT_PREQ(&req, self->pfd, KTAPI_PREQ_ANSWER, self->dev, cid);
	EXPECT_NAME(o, h, "");
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, 0));
	EXPECT_REPLY(o, rid, 0, h, cid);
	EXPECT_NAME(o, h, "SIP phone");
	close(o);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
}

/* An ANSWER its provider refused names nothing. */
TEST_F(pnames, inbound_leg_refused_answer_unnamed)
{
	struct ktapi_provider_request req;
	__u32 h, cid, rid;
	int o = NAMED(self->dev, P_OWN, "SIP phone");

	PROV_CALL_IN(self->pfd, self->dev, "123", PADDR, o, &h, &cid);
	ASSERT_OK(kt_answer_async(o, h, &rid));
	EXPECT_PREQ(&req, self->pfd, KTAPI_PREQ_ANSWER, self->dev, cid);
	ASSERT_OK(kt_prov_reply(self->pfd, req.request_id, -EIO));
	EXPECT_REPLY(o, rid, -EIO, h, cid);
	EXPECT_NAME(o, h, "");
	close(o);
	EXPECT_CLOSECALL(self->pfd, self->dev, cid, S_OFFERING);
}

TEST_HARNESS_MAIN
