// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: the structs that grew.  struct ktapi_devcaps,
 * ktapi_make_call and ktapi_call_op grew with the providers from their
 * first published size (KTAPI_<STRUCT>_SIZE_VER0) to VER1: a program built
 * against the older header keeps working.  For each of them:
 *
 *  - every size from VER0 to sizeof is accepted, the fields past the
 *    size read as 0 (in the program's memory they hold 0x5a, which a
 *    reserved field would refuse), and only min(size, sizeof) bytes are
 *    written back: a VER0 program gets only its own fields;
 *  - a new input field (make_call's reserved, call_op's reserved2) is
 *    read once the size covers it, and only then;
 *  - below VER0 is EINVAL; a newer, larger struct with a zero tail is
 *    accepted, a non-zero tail is E2BIG, and nothing past sizeof is
 *    written.
 *
 * ktapi_ioarg.c runs the size rules every ioctl shares; this file what is
 * particular to a grown struct.  Built 64-bit and -m32.
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include "ktapi_utils.h"

#define GARBAGE		0x5a5a5a5aU

/* The grown structs, through the command that takes each. */
enum grown_kind { G_DEVCAPS, G_MAKE_CALL, G_CALL_OP };

FIXTURE(grown) {
	struct ktapi_params p;
	int fd;				/* a line on device 0, OWNER */
	char addr1[KTAPI_ADDRESS_MAX];	/* device 1's, no line open */
	struct ktapi_devcaps caps1;	/* GET_DEVCAPS of device 1, full size */
	size_t pg;
	unsigned char *map;		/* 2 pages: read-write, none */
};

FIXTURE_VARIANT(grown) {
	enum grown_kind kind;
	unsigned long cmd;
	size_t v0;		/* KTAPI_<STRUCT>_SIZE_VER0 */
	size_t v1;		/* sizeof, KTAPI_<STRUCT>_SIZE_VER1 */
	size_t in_off;		/* the new input field (0: none) */
};

FIXTURE_VARIANT_ADD(grown, devcaps) {
	.kind = G_DEVCAPS, .cmd = KTAPI_IOC_GET_DEVCAPS,
	.v0 = KTAPI_DEVCAPS_SIZE_VER0, .v1 = sizeof(struct ktapi_devcaps),
};

FIXTURE_VARIANT_ADD(grown, make_call) {
	.kind = G_MAKE_CALL, .cmd = KTAPI_IOC_MAKE_CALL,
	.v0 = KTAPI_MAKE_CALL_SIZE_VER0, .v1 = sizeof(struct ktapi_make_call),
	.in_off = offsetof(struct ktapi_make_call, reserved),
};

/* DEALLOCATE_CALL: a call_op that writes nothing back. */
FIXTURE_VARIANT_ADD(grown, call_op) {
	.kind = G_CALL_OP, .cmd = KTAPI_IOC_DEALLOCATE_CALL,
	.v0 = KTAPI_CALL_OP_SIZE_VER0, .v1 = sizeof(struct ktapi_call_op),
	.in_off = offsetof(struct ktapi_call_op, reserved2),
};

_Static_assert(KTAPI_DEVCAPS_SIZE_VER1 == sizeof(struct ktapi_devcaps), "v1");
_Static_assert(KTAPI_MAKE_CALL_SIZE_VER1 == sizeof(struct ktapi_make_call), "v1");
_Static_assert(KTAPI_CALL_OP_SIZE_VER1 == sizeof(struct ktapi_call_op), "v1");

FIXTURE_SETUP(grown)
{
	KT_REQUIRE(&self->p);
	if (self->p.lines < 2)
		SKIP_NOW("needs 2 line devices, lines=%lu", self->p.lines);
	self->fd = LINE(0, P_OWN);
	DEV_ADDR(self->fd, 1, self->addr1);
	ASSERT_OK(kt_devcaps(self->fd, 1, &self->caps1));
	self->pg = (size_t)sysconf(_SC_PAGESIZE);
	self->map = mmap(NULL, 2 * self->pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->map != MAP_FAILED);
	ASSERT_EQ(0, mprotect(self->map + self->pg, self->pg, PROT_NONE));
}

FIXTURE_TEARDOWN(grown)
{
	close_fd(&self->fd);
	if (self->map)
		munmap(self->map, 2 * self->pg);
}

/*
 * A valid full-size argument in @buf (variant->v1 bytes, plus room): the
 * output fields hold garbage (they are not read), the new input field 0.
 * A call_op names a new call of the fixture's line.
 */
static void grown_good(struct __test_metadata *_metadata,
		       FIXTURE_DATA(grown) *self,
		       const FIXTURE_VARIANT(grown) *variant, void *buf)
{
	struct ktapi_make_call *mc = buf;
	struct ktapi_devcaps *dc = buf;
	struct ktapi_call_op *op = buf;
	__u32 h;

	memset(buf, 0, variant->v1);
	switch (variant->kind) {
	case G_DEVCAPS:
		dc->device_id = 1;
		break;
	case G_MAKE_CALL:
		strcpy(mc->dest_address, self->addr1);
		mc->handle = GARBAGE;
		mc->call_id = GARBAGE;
		mc->request_id = GARBAGE;
		break;
	case G_CALL_OP:
		ASSERT_OK(kt_make_call(self->fd, self->addr1, &h, NULL));
		op->handle = h;
		op->request_id = GARBAGE;
		break;
	}
	((struct ktapi_call_op *)buf)->size = variant->v1;
}

/*
 * What a call that succeeded with @arg of @len bytes (given as @given)
 * wrote: the command's output fields within @len, nothing else.  Then it
 * is undone (the call deallocated).
 */
static void grown_check(struct __test_metadata *_metadata,
			FIXTURE_DATA(grown) *self,
			const FIXTURE_VARIANT(grown) *variant,
			const unsigned char *arg, const unsigned char *given,
			size_t len)
{
	const size_t rid = offsetof(struct ktapi_make_call, request_id);
	struct ktapi_devcaps dc;
	struct ktapi_make_call mc;
	struct ktapi_call_op op;
	size_t n = len < variant->v1 ? len : variant->v1, i;

	EXPECT_EQ(len, ((const struct ktapi_call_op *)arg)->size);
	EXPECT_EQ(0, ((const struct ktapi_call_op *)arg)->flags);
	switch (variant->kind) {
	case G_DEVCAPS:
		memset(&dc, 0, sizeof(dc));
		memcpy(&dc, arg, n);
		EXPECT_EQ(1, dc.device_id);
		/* With the ids providers were given (ktapi_devices.c). */
		EXPECT_EQ(self->caps1.num_devices, dc.num_devices);
		EXPECT_LE(self->p.lines, dc.num_devices);
		EXPECT_STREQ(self->addr1, dc.address);
		/* The new fields as far as the size goes, as the full call. */
		EXPECT_EQ(0, memcmp(arg + KTAPI_DEVCAPS_SIZE_VER0,
				    (const unsigned char *)&self->caps1 +
				    KTAPI_DEVCAPS_SIZE_VER0,
				    n - KTAPI_DEVCAPS_SIZE_VER0))
			TH_LOG("size %zu", len);
		break;
	case G_MAKE_CALL:
		memcpy(&mc, arg, n);
		EXPECT_EQ(0, memcmp(mc.dest_address, given + 8,
				    sizeof(mc.dest_address)));
		EXPECT_NE(0, mc.handle);
		EXPECT_NE(GARBAGE, mc.handle);
		EXPECT_NE(0, mc.call_id);
		EXPECT_NE(GARBAGE, mc.call_id);
		/*
		 * A synchronous MAKE_CALL's request_id is 0 (as far as the
		 * size goes: the given garbage is not read), reserved as given.
		 */
		for (i = rid; i < n; i++) {
			EXPECT_EQ(0, arg[i]) TH_LOG("size %zu: byte %zu", len, i);
		}
		EXPECT_OK(kt_dealloc(self->fd, mc.handle));
		break;
	case G_CALL_OP:
		/* DEALLOCATE_CALL writes nothing, request_id included. */
		EXPECT_EQ(0, memcmp(arg, given, n)) TH_LOG("size %zu", len);
		memcpy(&op, given, n < sizeof(op) ? n : sizeof(op));
		EXPECT_ERRNO(ENOENT, kt_dealloc(self->fd, op.handle));
		break;
	}
	EXPECT_LE(0, kt_drain(self->fd));
}

/*
 * A program built against an older header: every size from VER0 to the
 * kernel's sizeof is accepted, and the fields past its size read as 0
 * (here they hold 0x5a in its memory, which the new reserved field would
 * refuse).  Only min(size, sizeof) bytes are written back: the new output
 * fields as far as they fit, the bytes after size never.  Each size also
 * flush against PROT_NONE: nothing past size is read.
 */
TEST_F(grown, older_sizes_accepted_zero_extended)
{
	unsigned char good[256], given[256], *arg;
	size_t len, i;
	int flush;

	ASSERT_LT(variant->v0, variant->v1);
	ASSERT_LE(variant->v1 + 64, sizeof(good));
	for (len = variant->v0; len <= variant->v1; len++) {
		for (flush = 0; flush < 2; flush++) {
			arg = flush ? self->map + self->pg - len : self->map;
			grown_good(_metadata, self, variant, good);
			memset(arg, 0x5a, len + (flush ? 0 : 64));
			memcpy(arg, good, len);
			((struct ktapi_call_op *)arg)->size = len;
			memcpy(given, arg, len);
			ASSERT_EQ(0, kt_err(ioctl(self->fd, variant->cmd, arg)))
				TH_LOG("size %zu%s", len, flush ? ", flush" : "");
			grown_check(_metadata, self, variant, arg, given, len);
			for (i = len; !flush && i < len + 64; i++) {
				EXPECT_EQ(0x5a, arg[i]) TH_LOG("size %zu: byte %zu", len, i);
			}
		}
	}
}

/*
 * The new fields once the size covers them: an input field is read (a
 * reserved one must be 0) ... ; devcaps' are all output, and whatever
 * the program left in them is overwritten, never read.
 */
TEST_F(grown, new_fields_when_in_size)
{
	unsigned char arg[256], given[256];
	size_t off = offsetof(struct ktapi_devcaps, kind);
	struct ktapi_devcaps *dc = (struct ktapi_devcaps *)arg;
	__u32 one = 1;
	size_t len;

	if (!variant->in_off) {
		grown_good(_metadata, self, variant, arg);
		memset(arg + off, 0x5a, variant->v1 - off);
		ASSERT_OK(kt_err(ioctl(self->fd, variant->cmd, arg)));
		EXPECT_EQ(0, memcmp(arg + off, (char *)&self->caps1 + off,
				    variant->v1 - off));
		EXPECT_EQ(KTAPI_DEVICE_LOOPBACK, dc->kind);
		return;
	}
	for (len = variant->in_off + 4; len <= variant->v1 + 8; len++) {
		grown_good(_metadata, self, variant, arg);
		memset(arg + variant->v1, 0, 8);
		((struct ktapi_call_op *)arg)->size = len;
		memcpy(arg + variant->in_off, &one, 4);
		EXPECT_EQ(EINVAL, kt_err(ioctl(self->fd, variant->cmd, arg)))
			TH_LOG("size %zu", len);
		if (variant->kind == G_CALL_OP) {
			EXPECT_OK(kt_dealloc(self->fd,
					     ((struct ktapi_call_op *)arg)->handle));
		}
	}
	/* ... and only then: a size before it leaves it out. */
	len = variant->in_off;
	grown_good(_metadata, self, variant, arg);
	((struct ktapi_call_op *)arg)->size = len;
	memcpy(arg + variant->in_off, &one, 4);
	memcpy(given, arg, sizeof(given));
	ASSERT_OK(kt_err(ioctl(self->fd, variant->cmd, arg)));
	grown_check(_metadata, self, variant, arg, given, len);
	EXPECT_EQ(0, memcmp(arg + variant->in_off, &one, 4));
}

/*
 * Below VER0 is still EINVAL; a newer, longer struct needs a zero tail,
 * and gets every field of the kernel's sizeof, nothing past it.
 */
TEST_F(grown, other_boundaries)
{
	unsigned char buf[256], given[256];
	size_t i, big = variant->v1 + 8;

	grown_good(_metadata, self, variant, buf);
	memset(buf + variant->v1, 0, 8);
	((struct ktapi_call_op *)buf)->size = variant->v0 - 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, variant->cmd, buf)));
	((struct ktapi_call_op *)buf)->size = variant->v0 - 4;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, variant->cmd, buf)));
	((struct ktapi_call_op *)buf)->size = big;
	buf[big - 1] = 1;
	EXPECT_ERRNO(E2BIG, kt_err(ioctl(self->fd, variant->cmd, buf)));
	buf[big - 1] = 0;
	memcpy(given, buf, sizeof(given));
	ASSERT_OK(kt_err(ioctl(self->fd, variant->cmd, buf)));
	grown_check(_metadata, self, variant, buf, given, big);
	for (i = variant->v1; i < big; i++) {
		EXPECT_EQ(0, buf[i]) TH_LOG("byte %zu", i);
	}
}

/* What GET_DEVCAPS's new fields say of a loopback device. */
TEST(devcaps_loopback_fields)
{
	char addr[KTAPI_ADDRESS_MAX], name[KTAPI_ADDRESS_MAX + 16];
	struct ktapi_devcaps dc;
	struct ktapi_params p;
	int fd;

	KT_REQUIRE(&p);
	fd = FD();
	DEV_ADDR(fd, 0, addr);
	ASSERT_OK(kt_devcaps(fd, 0, &dc));
	snprintf(name, sizeof(name), "Loopback line %s", addr);
	EXPECT_EQ(KTAPI_DEVICE_LOOPBACK, dc.kind);
	EXPECT_EQ(0, dc.provider_id);
	EXPECT_STREQ(name, dc.name);
	EXPECT_STREQ("loopback", dc.provider_name);
	close(fd);
}

TEST_HARNESS_MAIN
