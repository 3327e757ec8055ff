// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libktapi_test - tests of libktapi through its own API.
 *
 * Run as root with the ktapi module loaded (lines >= 3, the default is 8;
 * with lines = 2 the three tests that use line device 2 fail)
 * and no other user of /dev/ktapi.  Built with -DKTAPI_TEST_PURE_ONLY it
 * keeps only the tests that need neither the device nor CAP_SYS_MODULE
 * (name helpers, argument checks, the event reader on a pipe): that build
 * runs anywhere.
 *
 * Every test runs in its own process (kselftest harness), so a test may
 * change its credentials or signal handlers, and closing its files on exit
 * releases its lines.
 *
 * The harness's EXPECT_* / ASSERT_* expand to two statements (the check,
 * then a for loop running an optional TH_LOG): a loop or if body holding
 * one must always be braced.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libktapi.h"
#include "kselftest_harness.h"

#define U(x)	((uint32_t)(x))

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t ms_since(int64_t t0)
{
	return (now_ns() - t0) / 1000000;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* SIGALRM every @interval_ms, without SA_RESTART: syscalls see EINTR. */
static int start_alarms(int interval_ms)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return -errno;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = interval_ms * 1000;
	it.it_interval.tv_usec = interval_ms * 1000;
	if (setitimer(ITIMER_REAL, &it, NULL))
		return -errno;
	return 0;
}

/* ---------------------------------------------------------------------
 * Name helpers: pure functions, no device.
 */

struct name_case {
	uint32_t value;
	const char *name;
};

#define NC(prefix, x) { prefix##x, #x }

static const struct name_case callstate_cases[] = {
	NC(KTAPI_CALLSTATE_, IDLE), NC(KTAPI_CALLSTATE_, OFFERING),
	NC(KTAPI_CALLSTATE_, ACCEPTED), NC(KTAPI_CALLSTATE_, DIALTONE),
	NC(KTAPI_CALLSTATE_, DIALING), NC(KTAPI_CALLSTATE_, RINGBACK),
	NC(KTAPI_CALLSTATE_, BUSY), NC(KTAPI_CALLSTATE_, SPECIALINFO),
	NC(KTAPI_CALLSTATE_, CONNECTED), NC(KTAPI_CALLSTATE_, PROCEEDING),
	NC(KTAPI_CALLSTATE_, ONHOLD), NC(KTAPI_CALLSTATE_, CONFERENCED),
	NC(KTAPI_CALLSTATE_, ONHOLDPENDCONF),
	NC(KTAPI_CALLSTATE_, ONHOLDPENDTRANSFER),
	NC(KTAPI_CALLSTATE_, DISCONNECTED), NC(KTAPI_CALLSTATE_, UNKNOWN),
};

TEST(callstate_name_of_every_state)
{
	size_t i;

	/* uapi/linux/ktapi.h: the sixteen states are the bits 0x1 .. 0x8000. */
	ASSERT_EQ((size_t)16, ARRAY_SIZE(callstate_cases));
	for (i = 0; i < ARRAY_SIZE(callstate_cases); i++) {
		EXPECT_EQ(U(1) << i, callstate_cases[i].value);
		EXPECT_STREQ(callstate_cases[i].name,
			     ktapi_callstate_name(callstate_cases[i].value));
	}
}

TEST(callstate_name_of_invalid_values)
{
	static const uint32_t bad[] = {
		0, 0x3, KTAPI_CALLSTATE_IDLE | KTAPI_CALLSTATE_CONNECTED,
		0x10000, 0x80000000, 0xffffffff,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_callstate_name(bad[i]))
			TH_LOG("value 0x%x", bad[i]);
	}
}

TEST(privilege_name_of_every_privilege)
{
	EXPECT_STREQ("NONE", ktapi_privilege_name(KTAPI_PRIVILEGE_NONE));
	EXPECT_STREQ("MONITOR", ktapi_privilege_name(KTAPI_PRIVILEGE_MONITOR));
	EXPECT_STREQ("OWNER", ktapi_privilege_name(KTAPI_PRIVILEGE_OWNER));
	EXPECT_STREQ("MONITOR|OWNER",
		     ktapi_privilege_name(KTAPI_PRIVILEGE_MONITOR |
					  KTAPI_PRIVILEGE_OWNER));
}

TEST(privilege_name_of_invalid_values)
{
	static const uint32_t bad[] = {
		0, KTAPI_PRIVILEGE_NONE | KTAPI_PRIVILEGE_OWNER,
		KTAPI_PRIVILEGE_NONE | KTAPI_PRIVILEGE_MONITOR, 0x7, 0x8,
		0xffffffff,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_privilege_name(bad[i]))
			TH_LOG("value 0x%x", bad[i]);
	}
}

TEST(event_name_of_every_type)
{
	EXPECT_STREQ("APPNEWCALL", ktapi_event_name(KTAPI_EV_APPNEWCALL));
	EXPECT_STREQ("CALLSTATE", ktapi_event_name(KTAPI_EV_CALLSTATE));
	EXPECT_STREQ("LINE_CLOSE", ktapi_event_name(KTAPI_EV_LINE_CLOSE));
	EXPECT_STREQ("OVERFLOW", ktapi_event_name(KTAPI_EV_OVERFLOW));
	EXPECT_STREQ("REPLY", ktapi_event_name(KTAPI_EV_REPLY));
	EXPECT_STREQ("LINE_CREATE", ktapi_event_name(KTAPI_EV_LINE_CREATE));
	EXPECT_STREQ("LINE_REMOVE", ktapi_event_name(KTAPI_EV_LINE_REMOVE));
	EXPECT_STREQ("CALLINFO", ktapi_event_name(KTAPI_EV_CALLINFO));
}

TEST(event_name_of_invalid_values)
{
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_event_name(0));
	/* 5..7 are REPLY, LINE_CREATE and LINE_REMOVE since the providers. */
	/* 8 is CALLINFO since the libtapi issue. */
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_event_name(9));
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_event_name(0xffffffff));
}

TEST(request_name_of_every_type)
{
	EXPECT_STREQ("MAKECALL", ktapi_request_name(KTAPI_PREQ_MAKECALL));
	EXPECT_STREQ("ANSWER", ktapi_request_name(KTAPI_PREQ_ANSWER));
	EXPECT_STREQ("DROP", ktapi_request_name(KTAPI_PREQ_DROP));
	EXPECT_STREQ("CLOSECALL", ktapi_request_name(KTAPI_PREQ_CLOSECALL));
}

TEST(request_name_of_invalid_values)
{
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_request_name(0));
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_request_name(5));
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_request_name(0xffffffff));
}

TEST(device_kind_name_of_every_kind)
{
	EXPECT_STREQ("LOOPBACK", ktapi_device_kind_name(KTAPI_DEVICE_LOOPBACK));
	EXPECT_STREQ("PROVIDER", ktapi_device_kind_name(KTAPI_DEVICE_PROVIDER));
}

TEST(device_kind_name_of_invalid_values)
{
	/* 0: what a kernel older than the providers leaves in kind. */
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_device_kind_name(0));
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_device_kind_name(3));
	EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_device_kind_name(0xffffffff));
}

TEST(origin_name_of_every_origin)
{
	static const struct name_case cases[] = {
		NC(KTAPI_CALLORIGIN_, OUTBOUND), NC(KTAPI_CALLORIGIN_, INTERNAL),
		NC(KTAPI_CALLORIGIN_, EXTERNAL), NC(KTAPI_CALLORIGIN_, UNKNOWN),
		NC(KTAPI_CALLORIGIN_, UNAVAIL), NC(KTAPI_CALLORIGIN_, CONFERENCE),
		NC(KTAPI_CALLORIGIN_, INBOUND),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_STREQ(cases[i].name, ktapi_origin_name(cases[i].value));
	}
}

TEST(origin_name_of_invalid_values)
{
	static const uint32_t bad[] = { 0, 0x8, 0x3, 0x100, 0xffffffff };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_STREQ(KTAPI_NAME_INVALID, ktapi_origin_name(bad[i]))
			TH_LOG("value 0x%x", bad[i]);
	}
}

TEST(disconnectmode_name_of_every_mode)
{
	static const struct name_case cases[] = {
		NC(KTAPI_DISCONNECTMODE_, NORMAL),
		NC(KTAPI_DISCONNECTMODE_, UNKNOWN),
		NC(KTAPI_DISCONNECTMODE_, REJECT),
		NC(KTAPI_DISCONNECTMODE_, BUSY),
		NC(KTAPI_DISCONNECTMODE_, NOANSWER),
		NC(KTAPI_DISCONNECTMODE_, BADADDRESS),
		NC(KTAPI_DISCONNECTMODE_, UNAVAIL),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_STREQ(cases[i].name,
			     ktapi_disconnectmode_name(cases[i].value));
	}
}

TEST(disconnectmode_name_of_zero_is_none)
{
	EXPECT_STREQ("NONE", ktapi_disconnectmode_name(0));
}

TEST(disconnectmode_name_of_invalid_values)
{
	static const uint32_t bad[] = { 0x8, 0x10, 0x3, 0x100, 0xffffffff };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_STREQ(KTAPI_NAME_INVALID,
			     ktapi_disconnectmode_name(bad[i]))
			TH_LOG("value 0x%x", bad[i]);
	}
}

struct error_case {
	int err;
	const char *name;
};

/* uapi/linux/ktapi.h, "DOC: Errors". */
static const struct error_case error_cases[] = {
	{ ENOENT, "LINEERR_INVALCALLHANDLE" },
	{ EBADFD, "LINEERR_INVALLINEHANDLE" },
	{ EBUSY, "LINEERR_INVALCALLSTATE" },
	{ EACCES, "LINEERR_NOTOWNER" },
	{ ENODEV, "LINEERR_BADDEVICEID" },
	{ EPROTONOSUPPORT, "LINEERR_INCOMPATIBLEAPIVERSION" },
	{ EINVAL, "LINEERR_INVALPARAM" },
	{ EFAULT, "LINEERR_INVALPOINTER" },
	{ ENOSPC, "LINEERR_RESOURCEUNAVAIL" },
	{ ENOMEM, "LINEERR_NOMEM" },
	{ EAGAIN, "LINEERR_RESOURCEUNAVAIL" },
	{ ETIMEDOUT, "LINEERR_OPERATIONFAILED" },
	{ ECONNABORTED, "LINEERR_OPERATIONFAILED" },
	{ EIO, "LINEERR_OPERATIONFAILED" },
	{ EOPNOTSUPP, "LINEERR_OPERATIONUNAVAIL" },
};

TEST(error_name_of_negative_errno)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		EXPECT_STREQ(error_cases[i].name,
			     ktapi_error_name(-error_cases[i].err));
	}
}

TEST(error_name_of_positive_errno)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		EXPECT_STREQ(error_cases[i].name,
			     ktapi_error_name(error_cases[i].err));
	}
}

TEST(error_name_of_zero_is_success)
{
	EXPECT_STREQ("SUCCESS", ktapi_error_name(0));
}

TEST(error_name_of_unmapped_errno_is_unknown)
{
	static const int other[] = {
		/* EAGAIN and EIO are mapped since the providers. */
		EPERM, -EPERM, ENOTTY, -ENOTTY, E2BIG, -EEXIST, -ENXIO, 4095,
		INT_MAX, INT_MIN, INT_MIN + 1,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(other); i++) {
		EXPECT_STREQ(KTAPI_ERROR_NAME_UNKNOWN, ktapi_error_name(other[i]))
			TH_LOG("errno %d", other[i]);
	}
}

/* ---------------------------------------------------------------------
 * Argument checks done by the library, and errors passed through from
 * the system call, on a descriptor that is not open.
 */

TEST(calls_on_a_bad_descriptor_return_ebadf)
{
	struct ktapi_devcaps caps;
	struct ktapi_call_info info;
	struct ktapi_event ev;

	EXPECT_EQ(-EBADF, ktapi_get_devcaps(-1, 0, &caps));
	EXPECT_EQ(-EBADF, ktapi_line_open(-1, 0, KTAPI_PRIVILEGE_OWNER,
					   KTAPI_API_VERSION_2_2));
	EXPECT_EQ(-EBADF, ktapi_make_call(-1, "1000", NULL, NULL));
	EXPECT_EQ(-EBADF, ktapi_answer(-1, 1));
	EXPECT_EQ(-EBADF, ktapi_drop(-1, 1));
	EXPECT_EQ(-EBADF, ktapi_deallocate_call(-1, 1));
	EXPECT_EQ(-EBADF, ktapi_get_call_info(-1, 1, &info));
	EXPECT_EQ(-EBADF, ktapi_close_line_device(-1, 0));
	EXPECT_EQ(-EBADF, ktapi_read_events(-1, &ev, 1, 0));
	EXPECT_EQ(-EBADF, ktapi_make_call_async(-1, "1000", NULL, NULL));
	EXPECT_EQ(-EBADF, ktapi_answer_async(-1, 1));
	EXPECT_EQ(-EBADF, ktapi_drop_async(-1, 1));
	EXPECT_EQ(-EBADF, ktapi_line_open_ex(-1, 0, KTAPI_PRIVILEGE_OWNER,
					      KTAPI_API_VERSION_2_2,
					      KTAPI_LINE_OPEN_CALLINFO, "app"));
	EXPECT_EQ(-EBADF, ktapi_set_call_privilege(-1, 1,
						    KTAPI_PRIVILEGE_OWNER));
}

/* An application name of 64 bytes or more does not fit: -EINVAL first. */
TEST(line_open_ex_app_name_too_long_is_einval)
{
	char name[KTAPI_APP_NAME_MAX + 1];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	EXPECT_EQ(-EINVAL, ktapi_line_open_ex(-1, 0, KTAPI_PRIVILEGE_OWNER,
					       KTAPI_API_VERSION_2_2, 0, name));
	name[KTAPI_APP_NAME_MAX] = '\0';
	EXPECT_EQ(-EINVAL, ktapi_line_open_ex(-1, 0, KTAPI_PRIVILEGE_OWNER,
					       KTAPI_API_VERSION_2_2, 0, name));
	/* 63 bytes fit: the call reaches the (bad) descriptor. */
	name[KTAPI_APP_NAME_MAX - 1] = '\0';
	EXPECT_EQ(-EBADF, ktapi_line_open_ex(-1, 0, KTAPI_PRIVILEGE_OWNER,
					      KTAPI_API_VERSION_2_2, 0, name));
}

TEST(provider_calls_on_a_bad_descriptor_return_ebadf)
{
	struct ktapi_provider_request req;

	EXPECT_EQ(-EBADF, ktapi_provider_register(-1, "t", 1, NULL, NULL));
	EXPECT_EQ(-EBADF, ktapi_provider_add_line(-1, "5000", NULL, NULL));
	EXPECT_EQ(-EBADF, ktapi_provider_remove_line(-1, 8));
	EXPECT_EQ(-EBADF, ktapi_provider_read_requests(-1, &req, 1, 0));
	EXPECT_EQ(-EBADF, ktapi_provider_reply(-1, 1, 0));
	EXPECT_EQ(-EBADF, ktapi_provider_newcall(-1, 8, "1000", "5000", NULL));
	EXPECT_EQ(-EBADF, ktapi_provider_callstate(-1, 1,
						   KTAPI_CALLSTATE_CONNECTED, 0));
}

TEST(provider_null_pointers_return_efault)
{
	EXPECT_EQ(-EFAULT, ktapi_provider_add_line(-1, NULL, "x", NULL));
	EXPECT_EQ(-EFAULT, ktapi_provider_newcall(-1, 8, NULL, "5000", NULL));
	EXPECT_EQ(-EFAULT, ktapi_provider_newcall(-1, 8, "1000", NULL, NULL));
	EXPECT_EQ(-EFAULT, ktapi_provider_read_requests(-1, NULL, 1, 0));
	EXPECT_EQ(-EFAULT, ktapi_make_call_async(-1, NULL, NULL, NULL));
}

/* Strings that do not fit with their NUL are refused before the ioctl. */
TEST(provider_strings_too_long_are_einval)
{
	char addr[KTAPI_ADDRESS_MAX + 1], name[KTAPI_NAME_MAX + 1];
	char pname[KTAPI_PROVIDER_NAME_MAX + 1];

	memset(addr, '1', KTAPI_ADDRESS_MAX);
	addr[KTAPI_ADDRESS_MAX] = '\0';
	memset(name, 'n', KTAPI_NAME_MAX);
	name[KTAPI_NAME_MAX] = '\0';
	memset(pname, 'p', KTAPI_PROVIDER_NAME_MAX);
	pname[KTAPI_PROVIDER_NAME_MAX] = '\0';
	EXPECT_EQ(-EINVAL, ktapi_provider_register(-1, pname, 1, NULL, NULL));
	EXPECT_EQ(-EINVAL, ktapi_provider_add_line(-1, addr, NULL, NULL));
	EXPECT_EQ(-EINVAL, ktapi_provider_add_line(-1, "5000", name, NULL));
	EXPECT_EQ(-EINVAL, ktapi_provider_newcall(-1, 8, addr, "5000", NULL));
	EXPECT_EQ(-EINVAL, ktapi_provider_newcall(-1, 8, "1000", addr, NULL));
	EXPECT_EQ(-EINVAL, ktapi_make_call_async(-1, addr, NULL, NULL));
	/* One character less fits: the kernel (here: no descriptor) decides. */
	pname[KTAPI_PROVIDER_NAME_MAX - 1] = '\0';
	addr[KTAPI_ADDRESS_MAX - 1] = '\0';
	name[KTAPI_NAME_MAX - 1] = '\0';
	EXPECT_EQ(-EBADF, ktapi_provider_register(-1, pname, 1, NULL, NULL));
	EXPECT_EQ(-EBADF, ktapi_provider_add_line(-1, addr, name, NULL));
}

TEST(provider_read_requests_max_zero_is_einval)
{
	struct ktapi_provider_request req;

	EXPECT_EQ(-EINVAL, ktapi_provider_read_requests(0, &req, 0, 0));
}

TEST(null_output_pointers_return_efault)
{
	EXPECT_EQ(-EFAULT, ktapi_get_devcaps(-1, 0, NULL));
	EXPECT_EQ(-EFAULT, ktapi_get_call_info(-1, 1, NULL));
	EXPECT_EQ(-EFAULT, ktapi_make_call(-1, NULL, NULL, NULL));
	EXPECT_EQ(-EFAULT, ktapi_read_events(-1, NULL, 1, 0));
}

TEST(make_call_address_too_long_is_einval)
{
	char addr[KTAPI_ADDRESS_MAX + 1];

	/* 64 characters do not fit with the NUL: refused before the ioctl. */
	memset(addr, '1', KTAPI_ADDRESS_MAX);
	addr[KTAPI_ADDRESS_MAX] = '\0';
	EXPECT_EQ(-EINVAL, ktapi_make_call(-1, addr, NULL, NULL));
}

TEST(read_events_max_zero_is_einval)
{
	struct ktapi_event ev;

	EXPECT_EQ(-EINVAL, ktapi_read_events(0, &ev, 0, 0));
}

/* The event reader on a pipe: the library's waiting logic alone. */

FIXTURE(evpipe)
{
	int rd, wr;
};

FIXTURE_SETUP(evpipe)
{
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	self->rd = p[0];
	self->wr = p[1];
}

FIXTURE_TEARDOWN(evpipe)
{
	close(self->rd);
	if (self->wr >= 0)
		close(self->wr);
}

TEST_F(evpipe, read_events_times_out_after_timeout)
{
	struct ktapi_event ev;
	int64_t t0 = now_ns();

	EXPECT_EQ(0, ktapi_read_events(self->rd, &ev, 1, 200));
	EXPECT_LE(200, ms_since(t0));
	EXPECT_GT(2000, ms_since(t0));
}

TEST_F(evpipe, read_events_resumes_wait_after_signal)
{
	struct ktapi_event ev;
	int64_t t0;

	ASSERT_EQ(0, start_alarms(30));
	t0 = now_ns();
	EXPECT_EQ(0, ktapi_read_events(self->rd, &ev, 1, 300));
	EXPECT_LE(300, ms_since(t0));
	EXPECT_GT(3000, ms_since(t0));
	EXPECT_LE(2, alarms) TH_LOG("the wait was not interrupted");
}

TEST_F(evpipe, read_events_returns_whole_records)
{
	struct ktapi_event in[3], out[4];
	size_t i;

	memset(in, 0, sizeof(in));
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].type = KTAPI_EV_CALLSTATE;
		in[i].handle = U(i + 1);
	}
	ASSERT_EQ((ssize_t)sizeof(in), write(self->wr, in, sizeof(in)));
	EXPECT_EQ(3, ktapi_read_events(self->rd, out, 4, 1000));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
}

TEST_F(evpipe, read_events_reads_at_most_max)
{
	struct ktapi_event in[3], out[3];

	memset(in, 0, sizeof(in));
	ASSERT_EQ((ssize_t)sizeof(in), write(self->wr, in, sizeof(in)));
	EXPECT_EQ(2, ktapi_read_events(self->rd, out, 2, 1000));
	EXPECT_EQ(1, ktapi_read_events(self->rd, out, 2, 1000));
	EXPECT_EQ(0, ktapi_read_events(self->rd, out, 2, 0));
}

TEST_F(evpipe, read_requests_returns_whole_records)
{
	struct ktapi_provider_request in[2], out[3];

	ASSERT_EQ((size_t)KTAPI_PROVIDER_REQUEST_SIZE, sizeof(in[0]));
	memset(in, 0, sizeof(in));
	in[0].type = KTAPI_PREQ_MAKECALL;
	in[0].request_id = UINT64_C(0x100000001);
	in[1].type = KTAPI_PREQ_CLOSECALL;
	ASSERT_EQ((ssize_t)sizeof(in), write(self->wr, in, sizeof(in)));
	EXPECT_EQ(2, ktapi_provider_read_requests(self->rd, out, 3, 1000));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
}

TEST_F(evpipe, read_requests_partial_record_is_eio)
{
	struct ktapi_provider_request req;

	ASSERT_EQ(40, write(self->wr, (char[40]){ 0 }, 40));
	EXPECT_EQ(-EIO, ktapi_provider_read_requests(self->rd, &req, 1, 1000));
}

TEST_F(evpipe, read_requests_times_out_after_timeout)
{
	struct ktapi_provider_request req;
	int64_t t0 = now_ns();

	EXPECT_EQ(0, ktapi_provider_read_requests(self->rd, &req, 1, 100));
	EXPECT_LE(100, ms_since(t0));
}

TEST_F(evpipe, read_events_partial_record_is_eio)
{
	struct ktapi_event ev;

	ASSERT_EQ(3, write(self->wr, "abc", 3));
	EXPECT_EQ(-EIO, ktapi_read_events(self->rd, &ev, 1, 1000));
}

TEST_F(evpipe, read_events_hangup_is_epipe)
{
	struct ktapi_event ev;

	close(self->wr);
	self->wr = -1;
	EXPECT_EQ(-EPIPE, ktapi_read_events(self->rd, &ev, 1, 1000));
}

TEST_F(evpipe, read_events_closed_descriptor_is_ebadf)
{
	struct ktapi_event ev;
	int fd = dup(self->rd);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-EBADF, ktapi_read_events(fd, &ev, 1, 0));
}

/* ---------------------------------------------------------------------
 * Module loading that never reaches init_module(): safe anywhere.
 */

TEST(module_load_missing_path_is_enoent)
{
	EXPECT_EQ(-ENOENT, ktapi_module_load("/nonexistent/ktapi_test.ko", NULL));
}

TEST(module_load_missing_name_is_enoent)
{
	EXPECT_EQ(-ENOENT, ktapi_module_load("ktapi_test_no_such_module", NULL));
}

TEST(module_load_empty_name_is_einval)
{
	EXPECT_EQ(-EINVAL, ktapi_module_load("", NULL));
	EXPECT_EQ(-EINVAL, ktapi_module_load(NULL, NULL));
	EXPECT_EQ(-EINVAL, ktapi_module_unload(""));
	EXPECT_EQ(-EINVAL, ktapi_module_unload(NULL));
}

#ifndef KTAPI_TEST_PURE_ONLY

/* ---------------------------------------------------------------------
 * Module loading in the VM (root, module loaded).
 */

TEST(module_load_of_loaded_module_by_name_is_success)
{
	ASSERT_EQ(0, access("/sys/module/ktapi", F_OK))
		TH_LOG("the ktapi module must be loaded for this test");
	EXPECT_EQ(0, ktapi_module_load("ktapi", NULL));
	EXPECT_EQ(0, access("/sys/module/ktapi", F_OK));
}

TEST(module_load_of_a_non_module_file_fails)
{
	char path[] = "/tmp/ktapi_test_XXXXXX.ko";
	int fd = mkstemps(path, 3);

	ASSERT_LE(0, fd);
	ASSERT_EQ(16, write(fd, "not an ELF file\n", 16));
	close(fd);
	EXPECT_EQ(-ENOEXEC, ktapi_module_load(path, NULL));
	unlink(path);
}

TEST(module_unload_of_module_not_loaded_is_enoent)
{
	EXPECT_EQ(-ENOENT, ktapi_module_unload("ktapi_test_no_such_module"));
}

/* ---------------------------------------------------------------------
 * The device.
 */

#define EV_TIMEOUT_MS	1000

/* Line device N answers at "N + 1000" (uapi/linux/ktapi.h). */
static void device_address(uint32_t device_id, char *buf, size_t len)
{
	snprintf(buf, len, "%u", 1000 + device_id);
}

static int read_module_param(const char *name, unsigned long *val)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/module/ktapi/parameters/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%lu", val) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

/* Fail the test unless the module has at least @n line devices. */
static void need_devices(struct __test_metadata *_metadata, int fd, uint32_t n)
{
	struct ktapi_devcaps caps;

	ASSERT_EQ(0, ktapi_get_devcaps(fd, 0, &caps));
	ASSERT_LE(n, caps.num_devices)
		TH_LOG("this test needs the module loaded with lines >= %u", n);
}

/* Open a file and a line on it; fails the test on error. */
static int open_line(struct __test_metadata *_metadata, uint32_t device_id,
		     uint32_t privileges, uint32_t api_version)
{
	int fd = ktapi_open(0);

	ASSERT_LE(0, fd) TH_LOG("ktapi_open: %s", strerror(-fd));
	ASSERT_EQ(0, ktapi_line_open(fd, device_id, privileges, api_version));
	return fd;
}

/*
 * Read the next event of @fd and compare it; @handle / @call_id of 0 mean
 * "any non-zero value".  Returns the event.
 */
static struct ktapi_event expect_event(struct __test_metadata *_metadata,
				       int fd, uint32_t type, uint32_t handle,
				       uint32_t call_id, uint32_t state,
				       uint32_t state_mode, uint32_t privilege)
{
	struct ktapi_event ev;

	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(1, ktapi_read_events(fd, &ev, 1, EV_TIMEOUT_MS))
		TH_LOG("waiting for %s %s", ktapi_event_name(type),
		       ktapi_callstate_name(state));
	EXPECT_EQ(type, ev.type)
		TH_LOG("%s instead of %s", ktapi_event_name(ev.type),
		       ktapi_event_name(type));
	if (handle) {
		EXPECT_EQ(handle, ev.handle);
	} else {
		EXPECT_NE(U(0), ev.handle);
	}
	if (call_id) {
		EXPECT_EQ(call_id, ev.call_id);
	} else {
		EXPECT_NE(U(0), ev.call_id);
	}
	EXPECT_EQ(state, ev.state)
		TH_LOG("state %s instead of %s", ktapi_callstate_name(ev.state),
		       ktapi_callstate_name(state));
	EXPECT_EQ(state_mode, ev.state_mode)
		TH_LOG("mode %s instead of %s",
		       ktapi_disconnectmode_name(ev.state_mode),
		       ktapi_disconnectmode_name(state_mode));
	EXPECT_EQ(privilege, ev.privilege);
	EXPECT_EQ(U(0), ev.dropped);
	EXPECT_EQ(U(0), ev.reserved);
	return ev;
}

static void expect_no_event(struct __test_metadata *_metadata, int fd)
{
	struct ktapi_event ev;
	int ret = ktapi_read_events(fd, &ev, 1, 0);

	EXPECT_EQ(0, ret)
		TH_LOG("unexpected %s state %s", ktapi_event_name(ev.type),
		       ktapi_callstate_name(ev.state));
}

/* A bare file, no line open. */
FIXTURE(dev)
{
	int fd;
	uint32_t ndev;
};

FIXTURE_SETUP(dev)
{
	struct ktapi_devcaps caps;

	self->fd = ktapi_open(0);
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open " KTAPI_DEVICE_PATH " (%s): is ktapi loaded?",
		       strerror(-self->fd));
	ASSERT_EQ(0, ktapi_get_devcaps(self->fd, 0, &caps));
	self->ndev = caps.num_devices;
	ASSERT_LE(U(2), self->ndev)
		TH_LOG("these tests need the module loaded with lines >= 2");
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, open_is_read_write_and_close_on_exec)
{
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(self->fd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(0, fcntl(self->fd, F_GETFL) & O_NONBLOCK);
}

TEST_F(dev, open_adds_the_given_flags)
{
	int fd = ktapi_open(O_NONBLOCK);

	ASSERT_LE(0, fd);
	EXPECT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

/*
 * num_devices is "lines" plus every id a provider was given while the
 * module is loaded (the test programs run before this one add some).
 */
TEST_F(dev, devcaps_num_devices_is_the_lines_parameter_or_more)
{
	unsigned long lines;

	ASSERT_EQ(0, read_module_param("lines", &lines));
	EXPECT_LE(lines, (unsigned long)self->ndev);
}

TEST_F(dev, devcaps_address_of_every_device)
{
	struct ktapi_devcaps caps;
	char want[KTAPI_ADDRESS_MAX], name[KTAPI_NAME_MAX + 16];
	unsigned long lines;
	uint32_t d;
	int ret;

	ASSERT_EQ(0, read_module_param("lines", &lines));
	for (d = 0; d < self->ndev; d++) {
		memset(&caps, 0xa5, sizeof(caps));
		ret = ktapi_get_devcaps(self->fd, d, &caps);
		if (d >= lines) {
			/* A provider's: live, or removed for good. */
			if (ret == 0) {
				EXPECT_EQ(U(KTAPI_DEVICE_PROVIDER), caps.kind);
			} else {
				EXPECT_EQ(-ENODEV, ret);
			}
			continue;
		}
		ASSERT_EQ(0, ret);
		device_address(d, want, sizeof(want));
		EXPECT_LE(self->ndev, caps.num_devices);
		EXPECT_EQ(d, caps.device_id);
		EXPECT_EQ(U(sizeof(caps)), caps.size);
		EXPECT_EQ(U(0), caps.flags);
		EXPECT_STREQ(want, caps.address);
		/* The fields the providers added, on a loopback device. */
		snprintf(name, sizeof(name), "Loopback line %s", want);
		EXPECT_EQ(U(KTAPI_DEVICE_LOOPBACK), caps.kind);
		EXPECT_STREQ("LOOPBACK", ktapi_device_kind_name(caps.kind));
		EXPECT_EQ(U(0), caps.provider_id);
		EXPECT_STREQ(name, caps.name);
		EXPECT_STREQ("loopback", caps.provider_name);
	}
}

TEST_F(dev, devcaps_bad_device_is_enodev)
{
	struct ktapi_devcaps caps;

	memset(&caps, 0x5a, sizeof(caps));
	/* The first id never given (removed ones are ENODEV too). */
	EXPECT_EQ(-ENODEV, ktapi_get_devcaps(self->fd, self->ndev, &caps));
	EXPECT_EQ(-ENODEV, ktapi_get_devcaps(self->fd, UINT32_MAX, &caps));
	/* On ENODEV only the count, the rest zeroed. */
	EXPECT_EQ(self->ndev, caps.num_devices);
	EXPECT_EQ(U(0), caps.device_id);
	EXPECT_EQ('\0', caps.address[0]);
}

TEST_F(dev, line_open_succeeds)
{
	EXPECT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
				     KTAPI_API_VERSION_2_2));
}

TEST_F(dev, line_open_twice_is_ebusy)
{
	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
				     KTAPI_API_VERSION_2_2));
	EXPECT_EQ(-EBUSY, ktapi_line_open(self->fd, 1, KTAPI_PRIVILEGE_OWNER,
					  KTAPI_API_VERSION_2_2));
}

TEST_F(dev, line_open_bad_device_is_enodev)
{
	EXPECT_EQ(-ENODEV, ktapi_line_open(self->fd, self->ndev,
					   KTAPI_PRIVILEGE_OWNER,
					   KTAPI_API_VERSION_2_2));
}

TEST_F(dev, line_open_version_out_of_range_is_eprotonosupport)
{
	EXPECT_EQ(-EPROTONOSUPPORT,
		  ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_MIN - 1));
	EXPECT_EQ(-EPROTONOSUPPORT,
		  ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
				  KTAPI_API_VERSION_MAX + 1));
	EXPECT_EQ(-EPROTONOSUPPORT,
		  ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER, 0));
}

TEST_F(dev, line_open_version_bounds_are_accepted)
{
	int fd = ktapi_open(0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
				     KTAPI_API_VERSION_MIN));
	EXPECT_EQ(0, ktapi_line_open(fd, 0, KTAPI_PRIVILEGE_OWNER,
				     KTAPI_API_VERSION_MAX));
	close(fd);
}

TEST_F(dev, line_open_bad_privileges_is_einval)
{
	static const uint32_t bad[] = {
		0, 0x8, KTAPI_PRIVILEGE_NONE | KTAPI_PRIVILEGE_OWNER,
		KTAPI_PRIVILEGE_NONE | KTAPI_PRIVILEGE_MONITOR, 0xffffffff,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, ktapi_line_open(self->fd, 0, bad[i],
						   KTAPI_API_VERSION_2_2))
			TH_LOG("privileges 0x%x", bad[i]);
	}
	/* A refused LINE_OPEN leaves the file without a line. */
	EXPECT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
}

TEST_F(dev, make_call_before_line_open_is_ebadfd)
{
	EXPECT_EQ(-EBADFD, ktapi_make_call(self->fd, "1001", NULL, NULL));
}

TEST_F(dev, answer_before_line_open_is_ebadfd)
{
	EXPECT_EQ(-EBADFD, ktapi_answer(self->fd, 1));
}

TEST_F(dev, drop_before_line_open_is_ebadfd)
{
	EXPECT_EQ(-EBADFD, ktapi_drop(self->fd, 1));
}

TEST_F(dev, deallocate_call_before_line_open_is_ebadfd)
{
	EXPECT_EQ(-EBADFD, ktapi_deallocate_call(self->fd, 1));
}

TEST_F(dev, get_call_info_before_line_open_is_ebadfd)
{
	struct ktapi_call_info info;

	EXPECT_EQ(-EBADFD, ktapi_get_call_info(self->fd, 1, &info));
}

TEST_F(dev, make_call_malformed_address_is_einval)
{
	static const char *const bad[] = { "", "10a0", "1 0", "-1", "1000\n" };
	size_t i;

	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, ktapi_make_call(self->fd, bad[i], NULL, NULL))
			TH_LOG("address \"%s\"", bad[i]);
	}
	expect_no_event(_metadata, self->fd);
}

TEST_F(dev, make_call_address_too_long_is_einval)
{
	char addr[KTAPI_ADDRESS_MAX + 1];

	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
	memset(addr, '1', KTAPI_ADDRESS_MAX);
	addr[KTAPI_ADDRESS_MAX] = '\0';
	EXPECT_EQ(-EINVAL, ktapi_make_call(self->fd, addr, NULL, NULL));
	expect_no_event(_metadata, self->fd);
}

TEST_F(dev, make_call_longest_address_is_dialed)
{
	char addr[KTAPI_ADDRESS_MAX];
	uint32_t handle = 0, call_id = 0;

	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
	/* 63 characters: well-formed, and no line device has it. */
	memset(addr, '9', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	ASSERT_EQ(0, ktapi_make_call(self->fd, addr, &handle, &call_id));
	expect_event(_metadata, self->fd, KTAPI_EV_CALLSTATE, handle, call_id,
		     KTAPI_CALLSTATE_DIALING, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->fd, KTAPI_EV_CALLSTATE, handle, call_id,
		     KTAPI_CALLSTATE_DISCONNECTED,
		     KTAPI_DISCONNECTMODE_BADADDRESS, KTAPI_PRIVILEGE_OWNER);
	expect_no_event(_metadata, self->fd);
}

TEST_F(dev, make_call_outputs_may_be_null)
{
	struct ktapi_event ev;

	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
	ASSERT_EQ(0, ktapi_make_call(self->fd, "999", NULL, NULL));
	ev = expect_event(_metadata, self->fd, KTAPI_EV_CALLSTATE, 0, 0,
			  KTAPI_CALLSTATE_DIALING, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->fd, KTAPI_EV_CALLSTATE, ev.handle,
		     ev.call_id, KTAPI_CALLSTATE_DISCONNECTED,
		     KTAPI_DISCONNECTMODE_BADADDRESS, KTAPI_PRIVILEGE_OWNER);
}

TEST_F(dev, make_call_to_unowned_device_is_unavail)
{
	char addr[KTAPI_ADDRESS_MAX];
	uint32_t handle = 0, call_id = 0;
	int mon;

	/* Device 2 has only a monitor: nobody to own the call. */
	need_devices(_metadata, self->fd, 3);
	mon = open_line(_metadata, 2, KTAPI_PRIVILEGE_MONITOR,
			KTAPI_API_VERSION_2_2);
	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
	device_address(2, addr, sizeof(addr));
	ASSERT_EQ(0, ktapi_make_call(self->fd, addr, &handle, &call_id));
	EXPECT_NE(U(0), handle);
	EXPECT_NE(U(0), call_id);
	expect_event(_metadata, self->fd, KTAPI_EV_CALLSTATE, handle, call_id,
		     KTAPI_CALLSTATE_DIALING, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->fd, KTAPI_EV_CALLSTATE, handle, call_id,
		     KTAPI_CALLSTATE_DISCONNECTED, KTAPI_DISCONNECTMODE_UNAVAIL,
		     KTAPI_PRIVILEGE_OWNER);
	expect_no_event(_metadata, mon);
	close(mon);
}

TEST_F(dev, close_line_device_bad_device_is_enodev)
{
	EXPECT_EQ(-ENODEV, ktapi_close_line_device(self->fd, self->ndev));
}

TEST_F(dev, close_line_device_without_cap_sys_admin_is_eperm)
{
	/* Dropping root drops every capability of this test process. */
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(-EPERM, ktapi_close_line_device(self->fd, 0));
}

TEST_F(dev, read_events_times_out_after_timeout)
{
	struct ktapi_event ev;
	int64_t t0;

	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
				     KTAPI_API_VERSION_2_2));
	t0 = now_ns();
	EXPECT_EQ(0, ktapi_read_events(self->fd, &ev, 1, 250));
	EXPECT_LE(250, ms_since(t0));
	EXPECT_GT(2500, ms_since(t0));
}

TEST_F(dev, read_events_zero_timeout_does_not_wait)
{
	struct ktapi_event ev;
	int64_t t0 = now_ns();

	EXPECT_EQ(0, ktapi_read_events(self->fd, &ev, 1, 0));
	EXPECT_GT(100, ms_since(t0));
}

TEST_F(dev, read_events_nonblocking_file_still_waits)
{
	struct ktapi_event ev;
	int fd = ktapi_open(O_NONBLOCK);
	int64_t t0;

	ASSERT_LE(0, fd);
	t0 = now_ns();
	EXPECT_EQ(0, ktapi_read_events(fd, &ev, 1, 200));
	EXPECT_LE(200, ms_since(t0));
	close(fd);
}

TEST_F(dev, read_events_resumes_wait_after_signal)
{
	struct ktapi_event ev;
	int64_t t0;

	ASSERT_EQ(0, start_alarms(30));
	t0 = now_ns();
	EXPECT_EQ(0, ktapi_read_events(self->fd, &ev, 1, 300));
	EXPECT_LE(300, ms_since(t0));
	EXPECT_LE(2, alarms) TH_LOG("the wait was not interrupted");
}

TEST_F(dev, read_events_returns_all_queued_records)
{
	struct ktapi_event evs[8];
	uint32_t handle = 0, call_id = 0;
	int64_t t0 = now_ns();

	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
	ASSERT_EQ(0, ktapi_make_call(self->fd, "999", &handle, &call_id));
	memset(evs, 0, sizeof(evs));
	ASSERT_EQ(2, ktapi_read_events(self->fd, evs, 8, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_EV_CALLSTATE), evs[0].type);
	EXPECT_EQ(U(KTAPI_CALLSTATE_DIALING), evs[0].state);
	EXPECT_EQ(U(KTAPI_EV_CALLSTATE), evs[1].type);
	EXPECT_EQ(U(KTAPI_CALLSTATE_DISCONNECTED), evs[1].state);
	EXPECT_EQ(U(KTAPI_DISCONNECTMODE_BADADDRESS), evs[1].state_mode);
	EXPECT_EQ(handle, evs[1].handle);
	EXPECT_EQ(call_id, evs[1].call_id);
	EXPECT_LE((uint64_t)t0, (uint64_t)evs[0].time_ns);
	EXPECT_LE((uint64_t)evs[0].time_ns, (uint64_t)evs[1].time_ns);
	EXPECT_GE((uint64_t)now_ns(), (uint64_t)evs[1].time_ns);
	/* The record after the last one stays untouched. */
	EXPECT_EQ(U(0), evs[2].type);
}

TEST_F(dev, read_events_returns_at_most_max)
{
	struct ktapi_event ev;

	ASSERT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_NONE,
				     KTAPI_API_VERSION_2_2));
	ASSERT_EQ(0, ktapi_make_call(self->fd, "999", NULL, NULL));
	EXPECT_EQ(1, ktapi_read_events(self->fd, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_CALLSTATE_DIALING), ev.state);
	EXPECT_EQ(1, ktapi_read_events(self->fd, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_CALLSTATE_DISCONNECTED), ev.state);
	EXPECT_EQ(0, ktapi_read_events(self->fd, &ev, 1, 0));
}

TEST_F(dev, read_events_wakes_up_when_an_event_arrives)
{
	struct ktapi_event ev;
	char addr[KTAPI_ADDRESS_MAX];
	int64_t t0;
	pid_t pid;
	int status;

	ASSERT_EQ(0, ktapi_line_open(self->fd, 1, KTAPI_PRIVILEGE_OWNER,
				     KTAPI_API_VERSION_2_2));
	device_address(1, addr, sizeof(addr));
	t0 = now_ns();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The caller: dial device 1 after 200 ms. */
		int fd = ktapi_open(0);

		if (fd < 0 || ktapi_line_open(fd, 0, KTAPI_PRIVILEGE_NONE,
					      KTAPI_API_VERSION_2_2))
			_exit(2);
		usleep(200 * 1000);
		_exit(ktapi_make_call(fd, addr, NULL, NULL) ? 3 : 0);
	}
	EXPECT_EQ(1, ktapi_read_events(self->fd, &ev, 1, 5000));
	EXPECT_LE(150, ms_since(t0));
	EXPECT_EQ(U(KTAPI_EV_APPNEWCALL), ev.type);
	EXPECT_EQ(U(KTAPI_CALLSTATE_OFFERING), ev.state);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
}

/*
 * A call between two owners with a monitor on the called device:
 *   a: device 0, OWNER          (caller)
 *   b: device 1, OWNER          (owner of the incoming leg)
 *   m: device 1, MONITOR        (monitor of the incoming leg)
 * place_call() dials, checks every event and fills in the handles.
 */
FIXTURE(call)
{
	int a, b, m;
	char addr_a[KTAPI_ADDRESS_MAX], addr_b[KTAPI_ADDRESS_MAX];
	uint32_t ha, ca;	/* a's handle and its leg's call id */
	uint32_t hb, cb;	/* b's handle and the incoming leg's call id */
	uint32_t hm;		/* m's handle to the incoming leg */
};

FIXTURE_SETUP(call)
{
	self->a = open_line(_metadata, 0, KTAPI_PRIVILEGE_OWNER,
			    KTAPI_API_VERSION_2_2);
	self->b = open_line(_metadata, 1, KTAPI_PRIVILEGE_OWNER,
			    KTAPI_API_VERSION_2_2);
	self->m = open_line(_metadata, 1, KTAPI_PRIVILEGE_MONITOR,
			    KTAPI_API_VERSION_2_2);
	device_address(0, self->addr_a, sizeof(self->addr_a));
	device_address(1, self->addr_b, sizeof(self->addr_b));
}

FIXTURE_TEARDOWN(call)
{
	close(self->m);
	close(self->b);
	close(self->a);
}

static void place_call(struct __test_metadata *_metadata,
		       FIXTURE_DATA(call) *self)
{
	struct ktapi_event ev;

	ASSERT_EQ(0, ktapi_make_call(self->a, self->addr_b, &self->ha,
				     &self->ca));
	ASSERT_NE(U(0), self->ha);
	ASSERT_NE(U(0), self->ca);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, self->ha,
		     self->ca, KTAPI_CALLSTATE_DIALING, 0,
		     KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, self->ha,
		     self->ca, KTAPI_CALLSTATE_RINGBACK, 0,
		     KTAPI_PRIVILEGE_OWNER);

	ev = expect_event(_metadata, self->b, KTAPI_EV_APPNEWCALL, 0, 0,
			  KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_OWNER);
	self->hb = ev.handle;
	self->cb = ev.call_id;
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb,
		     self->cb, KTAPI_CALLSTATE_OFFERING, 0,
		     KTAPI_PRIVILEGE_OWNER);

	ev = expect_event(_metadata, self->m, KTAPI_EV_APPNEWCALL, 0,
			  self->cb, KTAPI_CALLSTATE_OFFERING, 0,
			  KTAPI_PRIVILEGE_MONITOR);
	self->hm = ev.handle;
	expect_event(_metadata, self->m, KTAPI_EV_CALLSTATE, self->hm,
		     self->cb, KTAPI_CALLSTATE_OFFERING, 0,
		     KTAPI_PRIVILEGE_MONITOR);
	ASSERT_NE(self->ca, self->cb);
}

TEST_F(call, make_call_gives_caller_dialing_then_ringback)
{
	place_call(_metadata, self);
	expect_no_event(_metadata, self->a);
}

TEST_F(call, make_call_offers_the_call_to_owner_and_monitor)
{
	place_call(_metadata, self);
	expect_no_event(_metadata, self->b);
	expect_no_event(_metadata, self->m);
}

TEST_F(call, get_call_info_of_outbound_leg)
{
	struct ktapi_call_info ci;
	int64_t t0 = now_ns();

	place_call(_metadata, self);
	memset(&ci, 0xa5, sizeof(ci));
	ASSERT_EQ(0, ktapi_get_call_info(self->a, self->ha, &ci));
	EXPECT_EQ(U(sizeof(ci)), ci.size);
	EXPECT_EQ(U(0), ci.flags);
	EXPECT_EQ(self->ha, ci.handle);
	EXPECT_EQ(self->ca, ci.call_id);
	EXPECT_EQ(self->cb, ci.related_call_id);
	EXPECT_EQ(U(0), ci.device_id);
	EXPECT_EQ(U(KTAPI_CALLORIGIN_OUTBOUND), ci.origin);
	EXPECT_EQ(U(KTAPI_CALLREASON_DIRECT), ci.reason);
	EXPECT_EQ(U(KTAPI_CALLSTATE_RINGBACK), ci.state);
	EXPECT_EQ(U(0), ci.state_mode);
	EXPECT_EQ(U(KTAPI_CALLSTATE_DIALING | KTAPI_CALLSTATE_RINGBACK),
		  ci.states_seen);
	EXPECT_EQ(U(KTAPI_PRIVILEGE_OWNER), ci.privilege);
	EXPECT_EQ(U(1), ci.num_owners);
	EXPECT_EQ(U(0), ci.num_monitors);
	EXPECT_LE((uint64_t)t0, (uint64_t)ci.create_time_ns);
	EXPECT_LE((uint64_t)ci.create_time_ns, (uint64_t)ci.state_time_ns);
	EXPECT_GE((uint64_t)now_ns(), (uint64_t)ci.state_time_ns);
	EXPECT_STREQ(self->addr_a, ci.caller_address);
	EXPECT_STREQ(self->addr_b, ci.called_address);
}

TEST_F(call, get_call_info_of_incoming_leg)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_get_call_info(self->b, self->hb, &ci));
	EXPECT_EQ(self->hb, ci.handle);
	EXPECT_EQ(self->cb, ci.call_id);
	EXPECT_EQ(self->ca, ci.related_call_id);
	EXPECT_EQ(U(1), ci.device_id);
	EXPECT_EQ(U(KTAPI_CALLORIGIN_INTERNAL), ci.origin);
	EXPECT_EQ(U(KTAPI_CALLREASON_DIRECT), ci.reason);
	EXPECT_EQ(U(KTAPI_CALLSTATE_OFFERING), ci.state);
	EXPECT_EQ(U(KTAPI_CALLSTATE_OFFERING), ci.states_seen);
	EXPECT_EQ(U(KTAPI_PRIVILEGE_OWNER), ci.privilege);
	EXPECT_EQ(U(1), ci.num_owners);
	EXPECT_EQ(U(1), ci.num_monitors);
	EXPECT_STREQ(self->addr_a, ci.caller_address);
	EXPECT_STREQ(self->addr_b, ci.called_address);
}

TEST_F(call, get_call_info_of_monitor_handle)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_get_call_info(self->m, self->hm, &ci));
	EXPECT_EQ(self->hm, ci.handle);
	EXPECT_EQ(self->cb, ci.call_id);
	EXPECT_EQ(U(KTAPI_PRIVILEGE_MONITOR), ci.privilege);
	EXPECT_EQ(U(1), ci.num_owners);
	EXPECT_EQ(U(1), ci.num_monitors);
}

TEST_F(call, get_call_info_unknown_handle_is_enoent)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	memset(&ci, 0x5a, sizeof(ci));
	EXPECT_EQ(-ENOENT, ktapi_get_call_info(self->a, 0, &ci));
	EXPECT_EQ(-ENOENT, ktapi_get_call_info(self->a, self->ha + 1000, &ci));
	/* Untouched on failure. */
	EXPECT_EQ(U(0x5a5a5a5a), ci.call_id);
}

TEST_F(call, handle_of_another_file_is_enoent)
{
	struct ktapi_call_info ci;
	int other;

	place_call(_metadata, self);
	/* A file that holds no handle at all. */
	need_devices(_metadata, self->a, 3);
	other = open_line(_metadata, 2, KTAPI_PRIVILEGE_OWNER,
			  KTAPI_API_VERSION_2_2);
	EXPECT_EQ(-ENOENT, ktapi_get_call_info(other, self->hb, &ci));
	EXPECT_EQ(-ENOENT, ktapi_answer(other, self->hb));
	EXPECT_EQ(-ENOENT, ktapi_drop(other, self->ha));
	EXPECT_EQ(-ENOENT, ktapi_deallocate_call(other, self->hm));
	close(other);
}

TEST_F(call, answer_connects_both_legs)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_answer(self->b, self->hb));
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb,
		     self->cb, KTAPI_CALLSTATE_CONNECTED, 0,
		     KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->m, KTAPI_EV_CALLSTATE, self->hm,
		     self->cb, KTAPI_CALLSTATE_CONNECTED, 0,
		     KTAPI_PRIVILEGE_MONITOR);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, self->ha,
		     self->ca, KTAPI_CALLSTATE_CONNECTED, 0,
		     KTAPI_PRIVILEGE_OWNER);
	ASSERT_EQ(0, ktapi_get_call_info(self->a, self->ha, &ci));
	EXPECT_EQ(U(KTAPI_CALLSTATE_CONNECTED), ci.state);
	ASSERT_EQ(0, ktapi_get_call_info(self->b, self->hb, &ci));
	EXPECT_EQ(U(KTAPI_CALLSTATE_CONNECTED), ci.state);
	EXPECT_EQ(U(KTAPI_CALLSTATE_OFFERING | KTAPI_CALLSTATE_CONNECTED),
		  ci.states_seen);
}

TEST_F(call, answer_with_monitor_handle_is_eacces)
{
	place_call(_metadata, self);
	EXPECT_EQ(-EACCES, ktapi_answer(self->m, self->hm));
	expect_no_event(_metadata, self->b);
}

TEST_F(call, answer_of_leg_not_offering_is_ebusy)
{
	place_call(_metadata, self);
	/* The caller's own leg is RINGBACK. */
	EXPECT_EQ(-EBUSY, ktapi_answer(self->a, self->ha));
	ASSERT_EQ(0, ktapi_answer(self->b, self->hb));
	/* CONNECTED now. */
	EXPECT_EQ(-EBUSY, ktapi_answer(self->b, self->hb));
}

TEST_F(call, answer_unknown_handle_is_enoent)
{
	place_call(_metadata, self);
	EXPECT_EQ(-ENOENT, ktapi_answer(self->b, 0));
	EXPECT_EQ(-ENOENT, ktapi_answer(self->b, self->hb + 1000));
}

TEST_F(call, drop_of_connected_call_disconnects_the_peer)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_answer(self->b, self->hb));
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, self->ha,
		     self->ca, KTAPI_CALLSTATE_CONNECTED, 0,
		     KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb,
		     self->cb, KTAPI_CALLSTATE_CONNECTED, 0,
		     KTAPI_PRIVILEGE_OWNER);
	ASSERT_EQ(0, ktapi_drop(self->a, self->ha));
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, self->ha,
		     self->ca, KTAPI_CALLSTATE_IDLE, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb,
		     self->cb, KTAPI_CALLSTATE_DISCONNECTED,
		     KTAPI_DISCONNECTMODE_NORMAL, KTAPI_PRIVILEGE_OWNER);
	ASSERT_EQ(0, ktapi_get_call_info(self->a, self->ha, &ci));
	EXPECT_EQ(U(KTAPI_CALLSTATE_IDLE), ci.state);
	EXPECT_EQ(U(KTAPI_CALLSTATE_DIALING | KTAPI_CALLSTATE_RINGBACK |
		    KTAPI_CALLSTATE_CONNECTED | KTAPI_CALLSTATE_IDLE),
		  ci.states_seen);
	ASSERT_EQ(0, ktapi_get_call_info(self->b, self->hb, &ci));
	EXPECT_EQ(U(KTAPI_CALLSTATE_DISCONNECTED), ci.state);
	EXPECT_EQ(U(KTAPI_DISCONNECTMODE_NORMAL), ci.state_mode);
}

TEST_F(call, drop_of_offering_call_rejects_it)
{
	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_drop(self->b, self->hb));
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb,
		     self->cb, KTAPI_CALLSTATE_IDLE, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->m, KTAPI_EV_CALLSTATE, self->hm,
		     self->cb, KTAPI_CALLSTATE_IDLE, 0, KTAPI_PRIVILEGE_MONITOR);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, self->ha,
		     self->ca, KTAPI_CALLSTATE_DISCONNECTED,
		     KTAPI_DISCONNECTMODE_REJECT, KTAPI_PRIVILEGE_OWNER);
}

TEST_F(call, drop_of_idle_call_is_ebusy)
{
	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_drop(self->a, self->ha));
	EXPECT_EQ(-EBUSY, ktapi_drop(self->a, self->ha));
}

TEST_F(call, drop_with_monitor_handle_is_eacces)
{
	place_call(_metadata, self);
	EXPECT_EQ(-EACCES, ktapi_drop(self->m, self->hm));
	expect_no_event(_metadata, self->b);
}

TEST_F(call, deallocate_call_voids_the_handle)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_drop(self->a, self->ha));
	ASSERT_EQ(0, ktapi_deallocate_call(self->a, self->ha));
	EXPECT_EQ(-ENOENT, ktapi_get_call_info(self->a, self->ha, &ci));
	EXPECT_EQ(-ENOENT, ktapi_drop(self->a, self->ha));
	EXPECT_EQ(-ENOENT, ktapi_deallocate_call(self->a, self->ha));
}

TEST_F(call, deallocate_call_handle_is_not_reused)
{
	uint32_t h2 = 0;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_deallocate_call(self->a, self->ha));
	ASSERT_EQ(0, ktapi_make_call(self->a, "999", &h2, NULL));
	EXPECT_NE(self->ha, h2);
	EXPECT_NE(U(0), h2);
}

TEST_F(call, deallocate_call_of_active_leg_drops_it_with_api_2_0)
{
	place_call(_metadata, self);
	/* a is the only holder of the RINGBACK leg: it is dropped. */
	ASSERT_EQ(0, ktapi_deallocate_call(self->a, self->ha));
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb,
		     self->cb, KTAPI_CALLSTATE_DISCONNECTED,
		     KTAPI_DISCONNECTMODE_NORMAL, KTAPI_PRIVILEGE_OWNER);
	/* a holds no handle to it any more, so hears nothing. */
	expect_no_event(_metadata, self->a);
}

TEST_F(call, deallocate_call_of_active_leg_is_ebusy_with_api_1_4)
{
	uint32_t handle = 0, call_id = 0;
	int old;

	need_devices(_metadata, self->a, 3);
	old = open_line(_metadata, 2, KTAPI_PRIVILEGE_OWNER,
			KTAPI_API_VERSION_1_4);
	ASSERT_EQ(0, ktapi_make_call(old, self->addr_b, &handle, &call_id));
	EXPECT_EQ(-EBUSY, ktapi_deallocate_call(old, handle));
	/* Still valid: the refused deallocation changed nothing. */
	ASSERT_EQ(0, ktapi_drop(old, handle));
	EXPECT_EQ(0, ktapi_deallocate_call(old, handle));
	expect_event(_metadata, old, KTAPI_EV_CALLSTATE, handle, call_id,
		     KTAPI_CALLSTATE_DIALING, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, old, KTAPI_EV_CALLSTATE, handle, call_id,
		     KTAPI_CALLSTATE_RINGBACK, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, old, KTAPI_EV_CALLSTATE, handle, call_id,
		     KTAPI_CALLSTATE_IDLE, 0, KTAPI_PRIVILEGE_OWNER);
	expect_no_event(_metadata, old);
	close(old);
}

TEST_F(call, close_line_device_sends_line_close)
{
	struct ktapi_event ev;
	int admin = ktapi_open(0);

	ASSERT_LE(0, admin);
	/* Any file may do it, with or without a line of its own. */
	ASSERT_EQ(0, ktapi_close_line_device(admin, 1));
	memset(&ev, 0xa5, sizeof(ev));
	ASSERT_EQ(1, ktapi_read_events(self->b, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_EV_LINE_CLOSE), ev.type);
	EXPECT_EQ(U(0), ev.handle);
	EXPECT_EQ(U(0), ev.call_id);
	EXPECT_EQ(U(0), ev.state);
	EXPECT_EQ(U(0), ev.privilege);
	EXPECT_NE((uint64_t)0, (uint64_t)ev.time_ns);
	ASSERT_EQ(1, ktapi_read_events(self->m, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_EV_LINE_CLOSE), ev.type);
	/* Device 0 is not affected. */
	expect_no_event(_metadata, self->a);
	close(admin);
}

TEST_F(call, close_line_device_voids_the_line)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_close_line_device(self->a, 1));
	EXPECT_EQ(-EBADFD, ktapi_get_call_info(self->b, self->hb, &ci));
	EXPECT_EQ(-EBADFD, ktapi_make_call(self->b, self->addr_a, NULL, NULL));
	EXPECT_EQ(-EBUSY, ktapi_line_open(self->b, 1, KTAPI_PRIVILEGE_OWNER,
					  KTAPI_API_VERSION_2_2));
	/* The caller's leg still works and is still its own. */
	EXPECT_EQ(0, ktapi_get_call_info(self->a, self->ha, &ci));
}

/* ---------------------------------------------------------------------
 * Asynchronous requests and providers (issue 11).  Last in the file: the
 * provider tests add line devices, whose ids stay given.
 */

/* Read the next record of @fd: a REPLY to @request_id with @result. */
static struct ktapi_event expect_reply(struct __test_metadata *_metadata,
				       int fd, int request_id, int result)
{
	struct ktapi_event ev;

	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(1, ktapi_read_events(fd, &ev, 1, EV_TIMEOUT_MS))
		TH_LOG("waiting for the REPLY of request %d", request_id);
	EXPECT_EQ(U(KTAPI_EV_REPLY), ev.type)
		TH_LOG("%s instead of REPLY", ktapi_event_name(ev.type));
	EXPECT_EQ(U(request_id), ev.request_id);
	EXPECT_EQ(result, ev.result)
		TH_LOG("result %s", ktapi_error_name(ev.result));
	return ev;
}

TEST_F(call, async_requests_reply_before_their_states)
{
	struct ktapi_event ev;
	uint32_t h, cid;
	int rid, rid2;

	rid = ktapi_make_call_async(self->a, self->addr_b, &h, &cid);
	ASSERT_LT(0, rid) TH_LOG("%s", ktapi_error_name(rid));
	ev = expect_reply(_metadata, self->a, rid, 0);
	EXPECT_EQ(h, ev.handle);
	EXPECT_EQ(cid, ev.call_id);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, h, cid,
		     KTAPI_CALLSTATE_DIALING, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, h, cid,
		     KTAPI_CALLSTATE_RINGBACK, 0, KTAPI_PRIVILEGE_OWNER);
	ev = expect_event(_metadata, self->b, KTAPI_EV_APPNEWCALL, 0, 0,
			  KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_OWNER);
	self->hb = ev.handle;
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb, 0,
		     KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_OWNER);

	rid2 = ktapi_answer_async(self->b, self->hb);
	ASSERT_LT(0, rid2) TH_LOG("%s", ktapi_error_name(rid2));
	expect_reply(_metadata, self->b, rid2, 0);
	expect_event(_metadata, self->b, KTAPI_EV_CALLSTATE, self->hb, 0,
		     KTAPI_CALLSTATE_CONNECTED, 0, KTAPI_PRIVILEGE_OWNER);

	rid2 = ktapi_drop_async(self->a, h);
	ASSERT_LT(0, rid2) TH_LOG("%s", ktapi_error_name(rid2));
	EXPECT_NE(rid, rid2);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, h, cid,
		     KTAPI_CALLSTATE_CONNECTED, 0, KTAPI_PRIVILEGE_OWNER);
	expect_reply(_metadata, self->a, rid2, 0);
	expect_event(_metadata, self->a, KTAPI_EV_CALLSTATE, h, cid,
		     KTAPI_CALLSTATE_IDLE, 0, KTAPI_PRIVILEGE_OWNER);
	/* Checked before the request is sent: returned by the call itself. */
	EXPECT_EQ(-EBUSY, ktapi_drop_async(self->a, h));
	EXPECT_EQ(-ENOENT, ktapi_answer_async(self->a, 0));
	/* The monitor's handle to the incoming leg: not an owner. */
	ev = expect_event(_metadata, self->m, KTAPI_EV_APPNEWCALL, 0, 0,
			  KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_MONITOR);
	EXPECT_EQ(-EACCES, ktapi_drop_async(self->m, ev.handle));
	EXPECT_EQ(-EACCES, ktapi_answer_async(self->m, ev.handle));
}

/* A provider opened and registered through the library, or SKIP. */
static int provider(struct __test_metadata *_metadata, uint32_t *dev,
		    const char *address)
{
	uint32_t id = 0, version = 0;
	int pfd = ktapi_provider_open(O_NONBLOCK);

	if (pfd == -ENOENT)
		return -1;
	ASSERT_LE(0, pfd) TH_LOG("%s", strerror(-pfd));
	ASSERT_EQ(0, ktapi_provider_register(pfd, "libktapi_test", 8, &id,
					     &version));
	EXPECT_NE(U(0), id);
	EXPECT_EQ(U(KTAPI_PROVIDER_VERSION_MAJOR), version >> 16);
	EXPECT_EQ(-EBUSY, ktapi_provider_register(pfd, "again", 8, NULL, NULL));
	ASSERT_EQ(0, ktapi_provider_add_line(pfd, address, NULL, dev));
	return pfd;
}

static struct ktapi_provider_request
expect_request(struct __test_metadata *_metadata, int pfd, uint32_t type)
{
	struct ktapi_provider_request r;

	memset(&r, 0, sizeof(r));
	ASSERT_EQ(1, ktapi_provider_read_requests(pfd, &r, 1, EV_TIMEOUT_MS))
		TH_LOG("waiting for %s", ktapi_request_name(type));
	EXPECT_STREQ(ktapi_request_name(type), ktapi_request_name(r.type));
	return r;
}

TEST(provider_serves_an_outgoing_call)
{
	struct ktapi_provider_request r;
	struct ktapi_devcaps caps;
	struct ktapi_event ev;
	uint32_t dev, h, cid;
	int pfd, fd, watcher, rid;

	watcher = ktapi_open(0);
	ASSERT_LE(0, watcher);
	pfd = provider(_metadata, &dev, "5000");
	if (pfd < 0)
		SKIP(return, "no " KTAPI_PROVIDER_DEVICE_PATH);
	/* Every open file hears of the new device, without LINE_OPEN. */
	ASSERT_EQ(1, ktapi_read_events(watcher, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_EV_LINE_CREATE), ev.type);
	EXPECT_EQ(dev, ev.device_id);
	ASSERT_EQ(0, ktapi_get_devcaps(watcher, dev, &caps));
	EXPECT_EQ(U(KTAPI_DEVICE_PROVIDER), caps.kind);
	EXPECT_STREQ("5000", caps.address);
	EXPECT_STREQ("5000", caps.name);
	EXPECT_STREQ("libktapi_test", caps.provider_name);

	fd = open_line(_metadata, dev, KTAPI_PRIVILEGE_OWNER,
		       KTAPI_API_VERSION_2_2);
	rid = ktapi_make_call_async(fd, "1234", &h, &cid);
	ASSERT_LT(0, rid) TH_LOG("%s", ktapi_error_name(rid));
	r = expect_request(_metadata, pfd, KTAPI_PREQ_MAKECALL);
	EXPECT_EQ(cid, r.call_id);
	EXPECT_EQ(dev, r.device_id);
	EXPECT_STREQ("1234", r.dest_address);
	EXPECT_STREQ("5000", r.caller_address);
	EXPECT_NE((uint64_t)0, (uint64_t)r.request_id);
	/* States before the REPLY 0 are EINVAL; an unknown request ENOENT. */
	EXPECT_EQ(-EINVAL, ktapi_provider_callstate(pfd, cid,
						    KTAPI_CALLSTATE_RINGBACK, 0));
	EXPECT_EQ(-ENOENT, ktapi_provider_reply(pfd, r.request_id + 1000, 0));
	ASSERT_EQ(0, ktapi_provider_reply(pfd, r.request_id, 0));
	EXPECT_EQ(-ENOENT, ktapi_provider_reply(pfd, r.request_id, 0));
	expect_reply(_metadata, fd, rid, 0);
	expect_event(_metadata, fd, KTAPI_EV_CALLSTATE, h, cid,
		     KTAPI_CALLSTATE_DIALING, 0, KTAPI_PRIVILEGE_OWNER);
	ASSERT_EQ(0, ktapi_provider_callstate(pfd, cid,
					      KTAPI_CALLSTATE_CONNECTED, 0));
	expect_event(_metadata, fd, KTAPI_EV_CALLSTATE, h, cid,
		     KTAPI_CALLSTATE_CONNECTED, 0, KTAPI_PRIVILEGE_OWNER);
	/* A DROP waits for the provider's REPLY; the provider reports IDLE. */
	rid = ktapi_drop_async(fd, h);
	ASSERT_LT(0, rid);
	r = expect_request(_metadata, pfd, KTAPI_PREQ_DROP);
	EXPECT_EQ(cid, r.call_id);
	ASSERT_EQ(0, ktapi_provider_reply(pfd, r.request_id, -EIO));
	expect_reply(_metadata, fd, rid, -EIO);
	ASSERT_EQ(0, ktapi_provider_callstate(pfd, cid, KTAPI_CALLSTATE_IDLE,
					      0));
	expect_event(_metadata, fd, KTAPI_EV_CALLSTATE, h, cid,
		     KTAPI_CALLSTATE_IDLE, 0, KTAPI_PRIVILEGE_OWNER);
	EXPECT_EQ(-EINVAL, ktapi_provider_callstate(pfd, cid,
						    KTAPI_CALLSTATE_CONNECTED, 0));
	ASSERT_EQ(0, ktapi_deallocate_call(fd, h));
	r = expect_request(_metadata, pfd, KTAPI_PREQ_CLOSECALL);
	EXPECT_EQ(cid, r.call_id);
	EXPECT_EQ(U(KTAPI_CALLSTATE_IDLE), r.state);
	EXPECT_EQ((uint64_t)0, (uint64_t)r.request_id);
	EXPECT_EQ(-ENOENT, ktapi_provider_callstate(pfd, cid,
						    KTAPI_CALLSTATE_IDLE, 0));

	/* Removal: the line is force-closed, every file hears LINE_REMOVE. */
	ASSERT_EQ(0, ktapi_provider_remove_line(pfd, dev));
	ASSERT_EQ(1, ktapi_read_events(fd, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_EV_LINE_CLOSE), ev.type);
	ASSERT_EQ(1, ktapi_read_events(watcher, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_EV_LINE_REMOVE), ev.type);
	EXPECT_EQ(dev, ev.device_id);
	EXPECT_EQ(-ENODEV, ktapi_get_devcaps(watcher, dev, &caps));
	EXPECT_EQ(-ENODEV, ktapi_provider_remove_line(pfd, dev));
	close(fd);
	close(pfd);
	close(watcher);
}

TEST(provider_places_an_incoming_call)
{
	struct ktapi_provider_request r;
	struct ktapi_call_info ci;
	struct ktapi_event ev;
	uint32_t dev, cid = 0;
	int pfd, fd, rid;

	pfd = provider(_metadata, &dev, "5001");
	if (pfd < 0)
		SKIP(return, "no " KTAPI_PROVIDER_DEVICE_PATH);
	/* No OWNER line on the device yet: the provider must refuse it. */
	EXPECT_EQ(-ENXIO, ktapi_provider_newcall(pfd, dev, "4321", "5001",
						 &cid));
	EXPECT_EQ(U(0), cid);
	fd = open_line(_metadata, dev, KTAPI_PRIVILEGE_OWNER,
		       KTAPI_API_VERSION_2_2);
	EXPECT_EQ(-ENODEV, ktapi_provider_newcall(pfd, dev + 1000, "4321",
						  "5001", &cid));
	ASSERT_EQ(0, ktapi_provider_newcall(pfd, dev, "4321", "5001", &cid));
	EXPECT_NE(U(0), cid);
	ev = expect_event(_metadata, fd, KTAPI_EV_APPNEWCALL, 0, cid,
			  KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_OWNER);
	expect_event(_metadata, fd, KTAPI_EV_CALLSTATE, ev.handle, cid,
		     KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_OWNER);
	ASSERT_EQ(0, ktapi_get_call_info(fd, ev.handle, &ci));
	EXPECT_EQ(U(KTAPI_CALLORIGIN_INBOUND), ci.origin);
	EXPECT_STREQ("4321", ci.caller_address);
	EXPECT_STREQ("5001", ci.called_address);
	/* An OFFERING leg cannot go DIALING: EINVAL, nothing changed. */
	EXPECT_EQ(-EINVAL, ktapi_provider_callstate(pfd, cid,
						    KTAPI_CALLSTATE_DIALING, 0));
	rid = ktapi_answer_async(fd, ev.handle);
	ASSERT_LT(0, rid);
	r = expect_request(_metadata, pfd, KTAPI_PREQ_ANSWER);
	EXPECT_EQ(cid, r.call_id);
	ASSERT_EQ(0, ktapi_provider_reply(pfd, r.request_id, 0));
	expect_reply(_metadata, fd, rid, 0);
	ASSERT_EQ(0, ktapi_provider_callstate(pfd, cid,
					      KTAPI_CALLSTATE_CONNECTED, 0));
	expect_event(_metadata, fd, KTAPI_EV_CALLSTATE, ev.handle, cid,
		     KTAPI_CALLSTATE_CONNECTED, 0, KTAPI_PRIVILEGE_OWNER);
	/* Closing the line is the last handle going: CLOSECALL, not IDLE. */
	close(fd);
	r = expect_request(_metadata, pfd, KTAPI_PREQ_CLOSECALL);
	EXPECT_EQ(cid, r.call_id);
	EXPECT_EQ(U(KTAPI_CALLSTATE_CONNECTED), r.state);
	close(pfd);
}

/*
 * The LIBKTAPI_0.1 version of ktapi_get_call_info, as a program linked
 * before 0.3 calls it (its struct ends at KTAPI_CALL_INFO_SIZE_VER0).
 */
int ktapi_get_call_info_0_1(int fd, uint32_t handle,
			    struct ktapi_call_info *info);
__asm__(".symver ktapi_get_call_info_0_1, ktapi_get_call_info@LIBKTAPI_0.1");

/* A line of @dev named @name (raw LINE_OPEN: app_name). */
static int open_named_line(struct __test_metadata *_metadata, uint32_t dev,
			   const char *name)
{
	struct ktapi_line_open lo;
	int fd = ktapi_open(0);

	ASSERT_LE(0, fd) TH_LOG("ktapi_open: %s", strerror(-fd));
	memset(&lo, 0, sizeof(lo));
	lo.size = sizeof(lo);
	lo.device_id = dev;
	lo.privileges = KTAPI_PRIVILEGE_OWNER;
	lo.api_version = KTAPI_API_VERSION_2_2;
	strcpy(lo.app_name, name);
	ASSERT_EQ(0, ioctl(fd, KTAPI_IOC_LINE_OPEN, &lo))
		TH_LOG("LINE_OPEN: %s", strerror(errno));
	return fd;
}

/* The 0.1 symbol writes the 200 bytes of an old program's struct, no more. */
TEST(get_call_info_0_1_writes_200_bytes)
{
	struct ktapi_call_info ci;
	const unsigned char *p = (const unsigned char *)&ci;
	uint32_t h = 0;
	size_t i;
	int fd = open_named_line(_metadata, 0, "Old program");

	ASSERT_EQ(0, ktapi_make_call(fd, "999", &h, NULL));
	memset(&ci, 0xa5, sizeof(ci));
	ASSERT_EQ(0, ktapi_get_call_info_0_1(fd, h, &ci));
	EXPECT_EQ(h, ci.handle);
	EXPECT_EQ(U(KTAPI_CALL_INFO_SIZE_VER0), ci.size);
	EXPECT_STREQ("999", ci.called_address);
	for (i = KTAPI_CALL_INFO_SIZE_VER0; i < sizeof(ci); i++)
		EXPECT_EQ(0xa5, p[i]) TH_LOG("byte %zu written", i);
	close(fd);
}

/* The default (0.3) symbol gives the whole struct, app_name included. */
TEST(get_call_info_default_has_app_name)
{
	struct ktapi_call_info ci;
	uint32_t h = 0;
	size_t i;
	int fd = open_named_line(_metadata, 0, "New program");

	ASSERT_EQ(0, ktapi_make_call(fd, "999", &h, NULL));
	memset(&ci, 0xa5, sizeof(ci));
	ASSERT_EQ(0, ktapi_get_call_info(fd, h, &ci));
	EXPECT_EQ(U(sizeof(ci)), ci.size);
	EXPECT_STREQ("New program", ci.app_name);
	for (i = strlen("New program"); i < sizeof(ci.app_name); i++)
		EXPECT_EQ(0, ci.app_name[i]) TH_LOG("app_name[%zu]", i);
	close(fd);
}

/* A line opened after a call began gets a MONITOR handle to its leg. */
TEST_F(call, get_new_calls_gives_monitor_handle)
{
	struct ktapi_call_info ci;
	uint32_t h[4] = { 0 }, count = 99, remaining = 99;
	int n;

	place_call(_metadata, self);
	n = open_line(_metadata, 1, KTAPI_PRIVILEGE_NONE,
		      KTAPI_API_VERSION_2_2);
	ASSERT_EQ(0, ktapi_get_new_calls(n, h, 4, &count, &remaining));
	EXPECT_EQ(U(1), count);
	EXPECT_EQ(U(0), remaining);
	ASSERT_EQ(0, ktapi_get_call_info(n, h[0], &ci));
	EXPECT_EQ(self->cb, ci.call_id);
	EXPECT_EQ(U(KTAPI_PRIVILEGE_MONITOR), ci.privilege);
	expect_no_event(_metadata, n);
	close(n);
}

/* max 0 counts; remaining may be NULL. */
TEST_F(call, get_new_calls_max_zero_counts)
{
	uint32_t count = 99, remaining = 99;
	int n;

	place_call(_metadata, self);
	n = open_line(_metadata, 1, KTAPI_PRIVILEGE_NONE,
		      KTAPI_API_VERSION_2_2);
	ASSERT_EQ(0, ktapi_get_new_calls(n, NULL, 0, &count, &remaining));
	EXPECT_EQ(U(0), count);
	EXPECT_EQ(U(1), remaining);
	ASSERT_EQ(0, ktapi_get_new_calls(n, NULL, 0, &count, NULL));
	EXPECT_EQ(U(0), count);
	close(n);
}

/* ---------------------------------------------------------------------
 * LIBKTAPI_0.3: ktapi_line_open_ex() and ktapi_set_call_privilege().
 */

TEST_F(dev, line_open_ex_with_callinfo_and_name_succeeds)
{
	EXPECT_EQ(0, ktapi_line_open_ex(self->fd, 0, KTAPI_PRIVILEGE_MONITOR,
					KTAPI_API_VERSION_2_2,
					KTAPI_LINE_OPEN_CALLINFO, "dialer"));
}

TEST_F(dev, line_open_ex_null_name_succeeds)
{
	EXPECT_EQ(0, ktapi_line_open_ex(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
					KTAPI_API_VERSION_2_2, 0, NULL));
}

TEST_F(dev, line_open_ex_unknown_flag_is_einval)
{
	EXPECT_EQ(-EINVAL, ktapi_line_open_ex(self->fd, 0,
					      KTAPI_PRIVILEGE_OWNER,
					      KTAPI_API_VERSION_2_2, 2, NULL));
	/* Nothing was opened. */
	EXPECT_EQ(0, ktapi_line_open(self->fd, 0, KTAPI_PRIVILEGE_OWNER,
				     KTAPI_API_VERSION_2_2));
}

TEST_F(call, set_call_privilege_monitor_to_owner)
{
	struct ktapi_call_info ci;

	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_set_call_privilege(self->m, self->hm,
					      KTAPI_PRIVILEGE_OWNER));
	ASSERT_EQ(0, ktapi_get_call_info(self->m, self->hm, &ci));
	EXPECT_EQ(U(KTAPI_PRIVILEGE_OWNER), ci.privilege);
	EXPECT_EQ(U(2), ci.num_owners);
	EXPECT_EQ(U(0), ci.num_monitors);
}

TEST_F(call, set_call_privilege_last_owner_of_connected_leg_is_ebusy)
{
	place_call(_metadata, self);
	ASSERT_EQ(0, ktapi_answer(self->b, self->hb));
	EXPECT_EQ(-EBUSY, ktapi_set_call_privilege(self->b, self->hb,
						   KTAPI_PRIVILEGE_MONITOR));
}

TEST_F(call, set_call_privilege_bad_privilege_is_einval)
{
	place_call(_metadata, self);
	EXPECT_EQ(-EINVAL, ktapi_set_call_privilege(self->b, self->hb,
						    KTAPI_PRIVILEGE_NONE));
	EXPECT_EQ(-EINVAL, ktapi_set_call_privilege(self->b, self->hb,
						    KTAPI_PRIVILEGE_OWNER |
						    KTAPI_PRIVILEGE_MONITOR));
}

TEST_F(call, set_call_privilege_unknown_handle_is_enoent)
{
	place_call(_metadata, self);
	EXPECT_EQ(-ENOENT, ktapi_set_call_privilege(self->b, self->hb + 1000,
						    KTAPI_PRIVILEGE_MONITOR));
}

/* A line opened with KTAPI_LINE_OPEN_CALLINFO reads the CALLINFO record. */
TEST_F(call, callinfo_record_after_set_call_privilege)
{
	struct ktapi_event ev;
	uint32_t h;
	int c;

	c = ktapi_open(0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, ktapi_line_open_ex(c, 1, KTAPI_PRIVILEGE_MONITOR,
					KTAPI_API_VERSION_2_2,
					KTAPI_LINE_OPEN_CALLINFO, NULL));
	place_call(_metadata, self);
	ev = expect_event(_metadata, c, KTAPI_EV_APPNEWCALL, 0, self->cb,
			  KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_MONITOR);
	h = ev.handle;
	expect_event(_metadata, c, KTAPI_EV_CALLSTATE, h, self->cb,
		     KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_MONITOR);
	ASSERT_EQ(0, ktapi_set_call_privilege(self->b, self->hb,
					      KTAPI_PRIVILEGE_MONITOR));
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(1, ktapi_read_events(c, &ev, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(U(KTAPI_EV_CALLINFO), ev.type);
	EXPECT_EQ(h, ev.handle);
	EXPECT_EQ(self->cb, ev.call_id);
	EXPECT_EQ(U(KTAPI_CALLINFOSTATE_NUMOWNERDECR |
		    KTAPI_CALLINFOSTATE_NUMMONITORS), ev.info_state);
	/* b caused it, m did not ask for them: neither reads one. */
	expect_no_event(_metadata, self->b);
	expect_no_event(_metadata, self->m);
	close(c);
}

#endif /* KTAPI_TEST_PURE_ONLY */

/* The pointers ktapi_get_new_calls() needs: -EFAULT before the kernel. */
TEST(get_new_calls_null_pointers_return_efault)
{
	uint32_t h, count;

	EXPECT_EQ(-EFAULT, ktapi_get_new_calls(-1, &h, 1, NULL, NULL));
	EXPECT_EQ(-EFAULT, ktapi_get_new_calls(-1, NULL, 1, &count, NULL));
	EXPECT_EQ(-EBADF, ktapi_get_new_calls(-1, NULL, 0, &count, NULL));
}

TEST_HARNESS_MAIN
