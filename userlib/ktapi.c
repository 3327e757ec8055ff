// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libktapi: the ioctl wrappers and the event reader.
 *
 * Every wrapper builds the argument struct on its own stack, zeroed and
 * with .size = sizeof, so the kernel sees no stale bytes (reserved fields
 * and flags are 0) and the caller's output struct is written only after
 * the kernel has accepted the request.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "libktapi.h"
#include "internal.h"

static int ktapi_ioctl(int fd, unsigned long cmd, void *arg)
{
	if (ioctl(fd, cmd, arg) < 0)
		return -errno;
	return 0;
}

KTAPI_EXPORT int ktapi_open(int flags)
{
	int fd = open(KTAPI_DEVICE_PATH, O_RDWR | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

KTAPI_EXPORT int ktapi_get_devcaps(int fd, uint32_t device_id,
				   struct ktapi_devcaps *caps)
{
	struct ktapi_devcaps arg;
	int ret;

	if (!caps)
		return -EFAULT;
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.device_id = device_id;
	ret = ktapi_ioctl(fd, KTAPI_IOC_GET_DEVCAPS, &arg);
	if (ret == 0)
		*caps = arg;
	return ret;
}

KTAPI_EXPORT int ktapi_line_open(int fd, uint32_t device_id,
				 uint32_t privileges, uint32_t api_version)
{
	struct ktapi_line_open arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.device_id = device_id;
	arg.privileges = privileges;
	arg.api_version = api_version;
	return ktapi_ioctl(fd, KTAPI_IOC_LINE_OPEN, &arg);
}

KTAPI_EXPORT int ktapi_make_call(int fd, const char *dest_address,
				 uint32_t *handle, uint32_t *call_id)
{
	struct ktapi_make_call arg;
	size_t len;
	int ret;

	if (!dest_address)
		return -EFAULT;
	len = strnlen(dest_address, sizeof(arg.dest_address));
	if (len >= sizeof(arg.dest_address))
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	memcpy(arg.dest_address, dest_address, len);
	ret = ktapi_ioctl(fd, KTAPI_IOC_MAKE_CALL, &arg);
	if (ret == 0) {
		if (handle)
			*handle = arg.handle;
		if (call_id)
			*call_id = arg.call_id;
	}
	return ret;
}

static int ktapi_call_op(int fd, unsigned long cmd, uint32_t handle)
{
	struct ktapi_call_op arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.handle = handle;
	return ktapi_ioctl(fd, cmd, &arg);
}

KTAPI_EXPORT int ktapi_answer(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_ANSWER, handle);
}

KTAPI_EXPORT int ktapi_drop(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_DROP, handle);
}

KTAPI_EXPORT int ktapi_deallocate_call(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_DEALLOCATE_CALL, handle);
}

KTAPI_EXPORT int ktapi_get_call_info(int fd, uint32_t handle,
				     struct ktapi_call_info *info)
{
	struct ktapi_call_info arg;
	int ret;

	if (!info)
		return -EFAULT;
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.handle = handle;
	ret = ktapi_ioctl(fd, KTAPI_IOC_GET_CALL_INFO, &arg);
	if (ret == 0)
		*info = arg;
	return ret;
}

KTAPI_EXPORT int ktapi_close_line_device(int fd, uint32_t device_id)
{
	struct ktapi_close_line_device arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.device_id = device_id;
	return ktapi_ioctl(fd, KTAPI_IOC_CLOSE_LINE_DEVICE, &arg);
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Milliseconds left until @deadline, rounded up so we never wake early. */
static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - monotonic_ns();

	if (left <= 0)
		return 0;
	return (int)((left + 999999) / 1000000);
}

KTAPI_EXPORT int ktapi_read_events(int fd, struct ktapi_event *evs,
				   unsigned int max, int timeout_ms)
{
	const size_t limit = (size_t)INT_MAX < SSIZE_MAX / sizeof(*evs) ?
			     (size_t)INT_MAX : SSIZE_MAX / sizeof(*evs);
	int64_t deadline = 0;
	size_t len;

	if (!evs)
		return -EFAULT;
	if (max == 0)
		return -EINVAL;
	/* poll() silently ignores negative descriptors. */
	if (fd < 0)
		return -EBADF;
	len = (max < limit ? max : limit) * sizeof(*evs);
	if (timeout_ms > 0)
		deadline = monotonic_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait = timeout_ms > 0 ? remaining_ms(deadline) :
			   timeout_ms < 0 ? -1 : 0;
		ssize_t n;
		int ret;

		ret = poll(&pfd, 1, wait);
		if (ret < 0) {
			if (errno == EINTR)
				continue;	/* resume with the time left */
			return -errno;
		}
		if (ret == 0)
			return 0;		/* timed out */
		if (pfd.revents & POLLNVAL)
			return -EBADF;
		if (!(pfd.revents & POLLIN)) {
			if (pfd.revents & POLLERR)
				return -EIO;
			return -EPIPE;		/* POLLHUP */
		}

		n = read(fd, evs, len);
		if (n < 0) {
			/*
			 * EAGAIN: another reader took the records after
			 * poll() (O_NONBLOCK descriptor); EINTR: a signal
			 * before any record was copied.  Either way, wait
			 * again with whatever time is left.
			 */
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		if ((size_t)n % sizeof(*evs))
			return -EIO;
		return (int)((size_t)n / sizeof(*evs));
	}
}
