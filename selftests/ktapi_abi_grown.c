// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: an ABI that can grow.  No struct has grown yet, so a
 * size between KTAPI_<STRUCT>_SIZE_VER0 and sizeof reaches no command of
 * the real module.  This program runs against a test build of it,
 * ktapi-grown.ko (module/Kbuild, KTAPI_TEST_GROWN=y; scripts/vm-check.sh
 * makes it and run_vm_tests.sh loads it), the same dispatcher with one
 * row changed: GET_DEVCAPS's struct as a version 1 that appended two
 * fields, test_in (must be 0, else EINVAL) and test_out (output).  Against
 * the real module it skips.  Built 64-bit and -m32.
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include "ktapi_utils.h"

/* What module/main.c's ktapi_devcaps_grown is. */
struct kt_devcaps_v1 {
	struct ktapi_devcaps v0;
	__u32 test_in;
	__u32 test_out;
};

#define GROWN_OUT	0x600dcafeU
#define V0		((size_t)KTAPI_DEVCAPS_SIZE_VER0)
#define V1		sizeof(struct kt_devcaps_v1)
/* The input part of version 1: up to test_out. */
#define GIVEN		offsetof(struct kt_devcaps_v1, test_out)

FIXTURE(grown) {
	struct ktapi_params p;
	int fd;
	size_t pg;
	unsigned char *map;	/* 2 pages: read-write, none */
};

FIXTURE_SETUP(grown)
{
	struct kt_devcaps_v1 v1;

	KT_REQUIRE(&self->p);
	self->fd = FD();
	self->pg = (size_t)sysconf(_SC_PAGESIZE);
	self->map = mmap(NULL, 2 * self->pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->map != MAP_FAILED);
	ASSERT_EQ(0, mprotect(self->map + self->pg, self->pg, PROT_NONE));
	/* The real module: test_in is a non-zero tail, E2BIG. */
	memset(&v1, 0, sizeof(v1));
	v1.v0.size = V1;
	v1.test_in = 1;
	if (kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, &v1)) == E2BIG)
		SKIP_NOW("not the test build ktapi-grown.ko");
}

FIXTURE_TEARDOWN(grown)
{
	close_fd(&self->fd);
	munmap(self->map, 2 * self->pg);
}

/* The version 0 fields of @arg are what GET_DEVCAPS of device 1 gives. */
static void grown_check_v0(struct __test_metadata *_metadata,
			   const FIXTURE_DATA(grown) *self, const void *arg,
			   size_t len)
{
	struct ktapi_devcaps dc;

	memcpy(&dc, arg, sizeof(dc));
	EXPECT_EQ(len, dc.size);
	EXPECT_EQ(0, dc.flags);
	EXPECT_EQ(1, dc.device_id);
	EXPECT_EQ(self->p.lines, dc.num_devices);
	EXPECT_STREQ("1001", dc.address);
}

/*
 * A program built against the older header: every size from VER0 to the
 * kernel's sizeof is accepted, and the fields past its size read as 0
 * (here they hold 0x5a in its memory, which test_in would refuse).  Only
 * min(size, sizeof) bytes are written back: test_out when it fits, the
 * bytes after size never.  Each size also flush against PROT_NONE:
 * nothing past size is read.
 */
TEST_F(grown, older_sizes_accepted_zero_extended)
{
	struct kt_devcaps_v1 v1;
	unsigned char *arg;
	size_t len, i;
	int flush;

	ASSERT_LT(V0, V1);
	for (len = V0; len <= V1; len++) {
		for (flush = 0; flush < 2; flush++) {
			arg = flush ? self->map + self->pg - len : self->map;
			/* Given: the fields up to size, test_in 0 where in it. */
			memset(arg, 0x5a, len + (flush ? 0 : 64));
			memset(arg, 0, len < GIVEN ? len : GIVEN);
			((struct ktapi_devcaps *)arg)->size = len;
			((struct ktapi_devcaps *)arg)->device_id = 1;
			ASSERT_EQ(0, kt_err(ioctl(self->fd,
						  KTAPI_IOC_GET_DEVCAPS, arg)))
				TH_LOG("size %zu%s", len, flush ? ", flush" : "");
			grown_check_v0(_metadata, self, arg, len);
			memset(&v1, 0x5a, sizeof(v1));
			memcpy(&v1, arg, len);
			if (len == V1) {
				EXPECT_EQ(GROWN_OUT, v1.test_out);
			}
			for (i = len; !flush && i < len + 64; i++) {
				EXPECT_EQ(0x5a, arg[i]) TH_LOG("size %zu: byte %zu", len, i);
			}
		}
	}
}

/* The new input field is read once the size covers it. */
TEST_F(grown, new_field_read_when_in_size)
{
	struct kt_devcaps_v1 v1;
	size_t len;

	for (len = offsetof(struct kt_devcaps_v1, test_out); len <= V1; len++) {
		memset(&v1, 0, sizeof(v1));
		v1.v0.size = len;
		v1.v0.device_id = 1;
		v1.test_in = 1;
		EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd,
						  KTAPI_IOC_GET_DEVCAPS, &v1)));
	}
	/* ... and only then: a size before it leaves it out. */
	len = offsetof(struct kt_devcaps_v1, test_in);
	v1.v0.size = len;
	EXPECT_OK(kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, &v1)));
	EXPECT_EQ(1, v1.test_in);
	EXPECT_EQ(0, v1.test_out);
}

/* Below VER0 is still EINVAL; a newer, longer struct needs a zero tail. */
TEST_F(grown, other_boundaries)
{
	unsigned char buf[V1 + 8];
	struct kt_devcaps_v1 *v1 = (struct kt_devcaps_v1 *)buf;
	size_t i;

	memset(buf, 0, sizeof(buf));
	v1->v0.device_id = 1;
	v1->v0.size = V0 - 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, buf)));
	v1->v0.size = V0 - 4;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, buf)));
	v1->v0.size = sizeof(buf);
	buf[sizeof(buf) - 1] = 1;
	EXPECT_ERRNO(E2BIG, kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, buf)));
	buf[sizeof(buf) - 1] = 0;
	ASSERT_OK(kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, buf)));
	grown_check_v0(_metadata, self, buf, sizeof(buf));
	EXPECT_EQ(GROWN_OUT, v1->test_out);
	for (i = V1; i < sizeof(buf); i++) {
		EXPECT_EQ(0, buf[i]) TH_LOG("byte %zu", i);
	}
}

TEST_HARNESS_MAIN
