// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: a file of /dev/ktapi without LINE_OPEN: GET_DEVCAPS,
 * LINE_OPEN, the ioctls that need a line, CLOSE_LINE_DEVICE.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <termios.h>

#include "ktapi_utils.h"

/* ====================================================================== */
/* A file of /dev/ktapi without LINE_OPEN.                                */

FIXTURE(dev) {
	struct ktapi_params p;
	int fd;
};

FIXTURE_SETUP(dev)
{
	KT_REQUIRE(&self->p);
	self->fd = FD();
}

FIXTURE_TEARDOWN(dev)
{
	close_fd(&self->fd);
}

/*
 * The module creates the node 0600, owned by root (the udev rule, not the
 * module, gives group ktapi 0660): another user may not open it.  The
 * rule's test is tools/ktapictl_vm_test.sh, which runs after the suite.
 */
TEST_F(dev, node_mode_0600_root)
{
	struct stat st;
	int fd, err;

	ASSERT_EQ(0, stat(KTAPI_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	REQUIRE_ROOT();
	ASSERT_EQ(0, kt_drop_privileges());
	fd = kt_open();
	err = errno;
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, err);
	if (fd >= 0)
		close(fd);
}

/*
 * GET_DEVCAPS: num_devices is the "lines" parameter plus the ids providers
 * were given (ktapi_devices.c), addresses "1000 + N".
 */
TEST_F(dev, devcaps_all_devices)
{
	struct ktapi_devcaps caps;
	char want[KTAPI_ADDRESS_MAX];
	__u32 d, n = kt_num_devices(self->fd);

	EXPECT_LE(self->p.lines, n);
	for (d = 0; d < self->p.lines; d++) {
		ASSERT_OK(kt_devcaps(self->fd, d, &caps));
		EXPECT_EQ(n, caps.num_devices);
		ASSERT_TRUE(memchr(caps.address, 0, sizeof(caps.address)) != NULL);
		snprintf(want, sizeof(want), "%u", 1000 + d);
		EXPECT_STREQ(want, caps.address);
	}
}

/* The address array is written in full: NUL padded, nothing left over. */
TEST_F(dev, devcaps_output_fully_written)
{
	struct ktapi_devcaps caps;
	size_t len, i;

	memset(&caps, 0xa5, sizeof(caps));
	caps.size = sizeof(caps);
	caps.flags = 0;
	caps.device_id = 0;
	ASSERT_OK(kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, &caps)));
	EXPECT_LE(self->p.lines, caps.num_devices);
	len = strnlen(caps.address, sizeof(caps.address));
	ASSERT_GT(sizeof(caps.address), len);
	EXPECT_STREQ("1000", caps.address);
	for (i = len; i < sizeof(caps.address); i++) {
		EXPECT_EQ(0, caps.address[i]) TH_LOG("address[%zu]", i);
	}
}

TEST_F(dev, devcaps_bad_device_enodev)
{
	struct ktapi_devcaps caps;

	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, self->p.lines, &caps));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, self->p.lines + 1, &caps));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, 0xffffffff, &caps));
	ASSERT_OK(kt_devcaps(self->fd, self->p.lines - 1, &caps));
}

TEST_F(dev, devcaps_on_open_line)
{
	struct ktapi_devcaps caps;

	__u32 n = kt_num_devices(self->fd);

	EXPECT_LE(self->p.lines, n);
	ASSERT_OK(kt_line_open(self->fd, 0, P_NONE, API_CUR));
	ASSERT_OK(kt_devcaps(self->fd, self->p.lines - 1, &caps));
	EXPECT_EQ(n, caps.num_devices);
}

TEST_F(dev, line_open_valid_privileges)
{
	static const __u32 privs[] = { P_NONE, P_MON, P_OWN, P_MON | P_OWN };
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(privs); i++) {
		fd = FD();
		EXPECT_OK(kt_line_open(fd, 0, privs[i], API_CUR));
		close(fd);
	}
}

/* privileges: NONE, or a non-empty OR of MONITOR and OWNER. */
TEST_F(dev, line_open_bad_privileges_einval)
{
	static const __u32 privs[] = {
		0, P_NONE | P_OWN, P_NONE | P_MON, P_NONE | P_MON | P_OWN,
		0x8, 0x8 | P_OWN, 0x10 | P_MON, 0x80000000 | P_OWN, 0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(privs); i++)
		EXPECT_ERRNO(EINVAL, kt_line_open(self->fd, 0, privs[i], API_CUR));
	/* Nothing was opened by the failures. */
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
}

TEST_F(dev, line_open_api_versions_accepted)
{
	static const __u32 apis[] = {
		KTAPI_API_VERSION_1_3, KTAPI_API_VERSION_1_4, 0x0001ffff,
		KTAPI_API_VERSION_2_0, 0x00020001, KTAPI_API_VERSION_2_2,
	};
	unsigned int i;
	int fd, err;

	for (i = 0; i < ARRAY_SIZE(apis); i++) {
		fd = FD();
		err = kt_line_open(fd, 0, P_OWN, apis[i]);
		EXPECT_EQ(0, err) {
			TH_LOG("api %#x: %s", apis[i], kt_errname(err));
		}
		close(fd);
	}
}

TEST_F(dev, line_open_api_versions_rejected)
{
	static const __u32 apis[] = {
		0, 0x00010000, 0x00010002, 0x00020003, 0x00030000, 0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(apis); i++)
		EXPECT_ERRNO(EPROTONOSUPPORT,
			     kt_line_open(self->fd, 0, P_OWN, apis[i]));
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, KTAPI_API_VERSION_MIN));
}

TEST_F(dev, line_open_bad_device_enodev)
{
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, self->p.lines, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, self->p.lines + 1, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, 0xffffffff, P_OWN, API_CUR));
	ASSERT_OK(kt_line_open(self->fd, self->p.lines - 1, P_OWN, API_CUR));
}

TEST_F(dev, line_open_twice_ebusy)
{
	__u32 h;

	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, 0, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, self->p.lines - 1, P_MON,
					 KTAPI_API_VERSION_1_4));
	/* The first LINE_OPEN still stands. */
	ASSERT_OK(kt_make_call(self->fd, "999", &h, NULL));
}

/* Line state is checked before field values: a second open is EBUSY. */
TEST_F(dev, line_open_twice_ebusy_before_values)
{
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, self->p.lines, P_OWN, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, 0, 0, API_CUR));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, 0, P_OWN, 0));
	EXPECT_ERRNO(EBUSY, kt_line_open(self->fd, self->p.lines, 0, 0));
}

/* Flags and reserved fields are checked before the line state. */
TEST_F(dev, line_open_twice_flags_reserved_einval)
{
	struct ktapi_line_open lo = {
		.size = sizeof(lo), .device_id = 0, .privileges = P_OWN,
		.api_version = API_CUR,
	};

	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	/* 1 is KTAPI_LINE_OPEN_CALLINFO, which LINE_OPEN takes. */
	lo.flags = 2;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_LINE_OPEN, &lo)));
	lo.flags = 0;
	lo.reserved = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_LINE_OPEN, &lo)));
}

/* Every ioctl that needs an open line is EBADFD before LINE_OPEN. */
TEST_F(dev, line_ioctls_before_line_open_ebadfd)
{
	struct ktapi_call_info ci;

	EXPECT_ERRNO(EBADFD, kt_make_call(self->fd, "999", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_answer(self->fd, 1));
	EXPECT_ERRNO(EBADFD, kt_drop(self->fd, 1));
	EXPECT_ERRNO(EBADFD, kt_info(self->fd, 1, &ci));
	EXPECT_ERRNO(EBADFD, kt_dealloc(self->fd, 1));
	/* The line state is checked before the values. */
	EXPECT_ERRNO(EBADFD, kt_make_call(self->fd, "", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_make_call(self->fd, "abc", NULL, NULL));
	EXPECT_ERRNO(EBADFD, kt_answer(self->fd, 0));
	EXPECT_ERRNO(EBADFD, kt_drop(self->fd, 0));
	EXPECT_ERRNO(EBADFD, kt_info(self->fd, 0, &ci));
	EXPECT_ERRNO(EBADFD, kt_dealloc(self->fd, 0));
}

/* The argument itself, then flags/reserved, are checked before line state. */
TEST_F(dev, arg_checks_before_line_state)
{
	struct ktapi_make_call mc = { .size = sizeof(mc), .dest_address = "999" };
	struct ktapi_call_op op = { .size = sizeof(op), .handle = 1 };
	unsigned char big[sizeof(mc) + 8];

	mc.size = 0;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, &mc)));
	mc.size = sizeof(mc);
	EXPECT_ERRNO(EFAULT, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, NULL)));
	memset(big, 0, sizeof(big));
	memcpy(big, &mc, sizeof(mc));
	((struct ktapi_make_call *)big)->size = sizeof(big);
	big[sizeof(big) - 1] = 1;
	EXPECT_ERRNO(E2BIG, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, big)));
	/* 1 is KTAPI_REQ_ASYNC, which MAKE_CALL takes: 2 is unknown. */
	mc.flags = 2;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, &mc)));
	mc.flags = 0;
	mc.reserved = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, &mc)));
	mc.reserved = 0;
	op.reserved = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_ANSWER, &op)));
	op.reserved = 0;
	op.reserved2 = 1;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_ANSWER, &op)));
	op.reserved2 = 0;
	op.flags = 2;
	EXPECT_ERRNO(EINVAL, kt_err(ioctl(self->fd, KTAPI_IOC_DROP, &op)));
	EXPECT_ERRNO(EBADFD, kt_err(ioctl(self->fd, KTAPI_IOC_MAKE_CALL, &mc)));
}

static void check_enotty(struct __test_metadata *_metadata, int fd)
{
	static const unsigned long cmds[] = {
		_IO(KTAPI_IOC_TYPE, 0x0a), _IO(KTAPI_IOC_TYPE, 0x7f),
		_IO(KTAPI_IOC_TYPE, 0xff), _IO(KTAPI_IOC_TYPE + 1, 0x00),
		_IOWR(KTAPI_IOC_TYPE, 0x00, struct ktapi_devcaps),
		_IOR(KTAPI_IOC_TYPE, 0x05, struct ktapi_call_info),
		TCGETS,
	};
	struct ktapi_devcaps caps;
	unsigned int i;
	int ret, err;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		/* A valid GET_DEVCAPS argument, so EFAULT/EINVAL cannot hide. */
		memset(&caps, 0, sizeof(caps));
		caps.size = sizeof(caps);
		ret = ioctl(fd, cmds[i], &caps);
		err = errno;
		EXPECT_EQ(-1, ret) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(ENOTTY, err) TH_LOG("cmd %#lx", cmds[i]);
	}
}

TEST_F(dev, unknown_ioctl_enotty)
{
	check_enotty(_metadata, self->fd);
	ASSERT_OK(kt_line_open(self->fd, 0, P_OWN, API_CUR));
	check_enotty(_metadata, self->fd);
}

TEST_F(dev, close_line_device_bad_device_enodev)
{
	REQUIRE_ROOT();
	EXPECT_ERRNO(ENODEV, kt_close_dev(self->fd, self->p.lines));
	EXPECT_ERRNO(ENODEV, kt_close_dev(self->fd, 0xffffffff));
}

/* A device without open lines can be closed: there is nothing to do. */
TEST_F(dev, close_line_device_without_open_lines)
{
	REQUIRE_ROOT();
	EXPECT_OK(kt_close_dev(self->fd, self->p.lines - 1));
}

/* CLOSE_LINE_DEVICE needs no LINE_OPEN on the file it is issued on. */
TEST_F(dev, close_line_device_from_unopened_file)
{
	int victim;

	REQUIRE_ROOT();
	victim = LINE(self->p.lines - 1, P_MON);
	ASSERT_OK(kt_close_dev(self->fd, self->p.lines - 1));
	EXPECT_EV(victim, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(victim);
	close(victim);
}

/* Nothing is queued for a file before LINE_OPEN. */
TEST_F(dev, no_events_before_line_open)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

TEST_HARNESS_MAIN
