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
	if (ret == 0) {
		*caps = arg;
	} else if (ret == -ENODEV) {
		/* The kernel still gave the count (0 from one before 0.2). */
		memset(caps, 0, sizeof(*caps));
		caps->num_devices = arg.num_devices;
	}
	return ret;
}

/*
 * Copy the C string @src into the char array @dst of @size bytes (zeroed
 * by the caller).  NULL is the empty string when @null_ok, else -EFAULT.
 * Return: 0, or -EINVAL when it does not fit with its NUL.
 */
static int copy_string(char *dst, size_t size, const char *src, int null_ok)
{
	size_t len;

	if (!src)
		return null_ok ? 0 : -EFAULT;
	len = strnlen(src, size);
	if (len >= size)
		return -EINVAL;
	memcpy(dst, src, len);
	return 0;
}

KTAPI_EXPORT int ktapi_line_open_ex(int fd, uint32_t device_id,
				    uint32_t privileges, uint32_t api_version,
				    uint32_t flags, const char *app_name)
{
	struct ktapi_line_open arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.flags = flags;
	arg.device_id = device_id;
	arg.privileges = privileges;
	arg.api_version = api_version;
	ret = copy_string(arg.app_name, sizeof(arg.app_name), app_name, 1);
	if (ret)
		return ret;
	return ktapi_ioctl(fd, KTAPI_IOC_LINE_OPEN, &arg);
}

KTAPI_EXPORT int ktapi_line_open(int fd, uint32_t device_id,
				 uint32_t privileges, uint32_t api_version)
{
	return ktapi_line_open_ex(fd, device_id, privileges, api_version, 0,
				  NULL);
}

/* MAKE_CALL with @flags; returns 0 or the request id (ASYNC), or -errno. */
static int make_call(int fd, uint32_t flags, const char *dest_address,
		     uint32_t *handle, uint32_t *call_id)
{
	struct ktapi_make_call arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	ret = copy_string(arg.dest_address, sizeof(arg.dest_address),
			  dest_address, 0);
	if (ret)
		return ret;
	arg.size = sizeof(arg);
	arg.flags = flags;
	ret = ktapi_ioctl(fd, KTAPI_IOC_MAKE_CALL, &arg);
	if (ret)
		return ret;
	if (handle)
		*handle = arg.handle;
	if (call_id)
		*call_id = arg.call_id;
	return flags & KTAPI_REQ_ASYNC ? (int)(arg.request_id & INT_MAX) : 0;
}

KTAPI_EXPORT int ktapi_make_call(int fd, const char *dest_address,
				 uint32_t *handle, uint32_t *call_id)
{
	return make_call(fd, 0, dest_address, handle, call_id);
}

KTAPI_EXPORT int ktapi_make_call_async(int fd, const char *dest_address,
				       uint32_t *handle, uint32_t *call_id)
{
	return make_call(fd, KTAPI_REQ_ASYNC, dest_address, handle, call_id);
}

/* ANSWER, DROP, DEALLOCATE: 0, or the request id with ASYNC; or -errno. */
static int ktapi_call_op(int fd, unsigned long cmd, uint32_t flags,
			 uint32_t handle)
{
	struct ktapi_call_op arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.flags = flags;
	arg.handle = handle;
	ret = ktapi_ioctl(fd, cmd, &arg);
	if (ret || !(flags & KTAPI_REQ_ASYNC))
		return ret;
	return (int)(arg.request_id & INT_MAX);
}

KTAPI_EXPORT int ktapi_answer(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_ANSWER, 0, handle);
}

KTAPI_EXPORT int ktapi_answer_async(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_ANSWER, KTAPI_REQ_ASYNC, handle);
}

KTAPI_EXPORT int ktapi_drop(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_DROP, 0, handle);
}

KTAPI_EXPORT int ktapi_drop_async(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_DROP, KTAPI_REQ_ASYNC, handle);
}

KTAPI_EXPORT int ktapi_deallocate_call(int fd, uint32_t handle)
{
	return ktapi_call_op(fd, KTAPI_IOC_DEALLOCATE_CALL, 0, handle);
}

/*
 * GET_CALL_INFO with a struct of @size bytes: the kernel and the copy into
 * @info stop there, so a caller's struct of that size is never overrun.
 */
static int ktapi_get_call_info_sized(int fd, uint32_t handle,
				     struct ktapi_call_info *info,
				     uint32_t size)
{
	struct ktapi_call_info arg;
	int ret;

	if (!info)
		return -EFAULT;
	memset(&arg, 0, sizeof(arg));
	arg.size = size;
	arg.handle = handle;
	ret = ktapi_ioctl(fd, KTAPI_IOC_GET_CALL_INFO, &arg);
	if (ret == 0)
		memcpy(info, &arg, size);
	return ret;
}

/*
 * ktapi_get_call_info has two versions (struct ktapi_call_info grew in
 * 0.3, with app_name): programs built before link to LIBKTAPI_0.1's,
 * which passes and writes the 200 bytes of their struct
 * (KTAPI_CALL_INFO_SIZE_VER0); programs built now to the default,
 * LIBKTAPI_0.3's, which passes today's sizeof.  The static library has
 * the default only (a static program is built against today's header).
 */
int ktapi_get_call_info_v0_1(int fd, uint32_t handle,
			     struct ktapi_call_info *info);
int ktapi_get_call_info_v0_3(int fd, uint32_t handle,
			     struct ktapi_call_info *info);

KTAPI_EXPORT int ktapi_get_call_info_v0_1(int fd, uint32_t handle,
					  struct ktapi_call_info *info)
{
	return ktapi_get_call_info_sized(fd, handle, info,
					 KTAPI_CALL_INFO_SIZE_VER0);
}
__asm__(".symver ktapi_get_call_info_v0_1, ktapi_get_call_info@LIBKTAPI_0.1");

KTAPI_EXPORT int ktapi_get_call_info_v0_3(int fd, uint32_t handle,
					  struct ktapi_call_info *info)
{
	return ktapi_get_call_info_sized(fd, handle, info, sizeof(*info));
}
__asm__(".symver ktapi_get_call_info_v0_3, ktapi_get_call_info@@LIBKTAPI_0.3");

KTAPI_EXPORT int ktapi_set_call_privilege(int fd, uint32_t handle,
					  uint32_t privilege)
{
	struct ktapi_call_privilege arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.handle = handle;
	arg.privilege = privilege;
	return ktapi_ioctl(fd, KTAPI_IOC_SET_CALL_PRIVILEGE, &arg);
}

KTAPI_EXPORT int ktapi_close_line_device(int fd, uint32_t device_id)
{
	struct ktapi_close_line_device arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.device_id = device_id;
	return ktapi_ioctl(fd, KTAPI_IOC_CLOSE_LINE_DEVICE, &arg);
}

KTAPI_EXPORT int ktapi_get_new_calls(int fd, uint32_t *handles, uint32_t max,
				     uint32_t *count, uint32_t *remaining)
{
	struct ktapi_new_calls arg;
	int ret;

	if (!count || (max && !handles))
		return -EFAULT;
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.handles = (uint64_t)(uintptr_t)handles;
	arg.max_handles = max;
	ret = ktapi_ioctl(fd, KTAPI_IOC_GET_NEW_CALLS, &arg);
	if (ret == 0) {
		*count = arg.out_count;
		if (remaining)
			*remaining = arg.out_remaining;
	}
	return ret;
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

/*
 * Wait up to @timeout_ms for records of @rec bytes on @fd and read up to
 * @max of them into @buf with one read(2): ktapi_read_events() and
 * ktapi_provider_read_requests().
 */
static int read_records(int fd, void *buf, size_t rec, unsigned int max,
			int timeout_ms)
{
	const size_t limit = (size_t)INT_MAX < SSIZE_MAX / rec ?
			     (size_t)INT_MAX : SSIZE_MAX / rec;
	int64_t deadline = 0;
	size_t len;

	if (!buf)
		return -EFAULT;
	if (max == 0)
		return -EINVAL;
	/* poll() silently ignores negative descriptors. */
	if (fd < 0)
		return -EBADF;
	len = (max < limit ? max : limit) * rec;
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

		n = read(fd, buf, len);
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
		if ((size_t)n % rec)
			return -EIO;
		return (int)((size_t)n / rec);
	}
}

KTAPI_EXPORT int ktapi_read_events(int fd, struct ktapi_event *evs,
				   unsigned int max, int timeout_ms)
{
	return read_records(fd, evs, sizeof(*evs), max, timeout_ms);
}

/* --- The provider API ---------------------------------------------------- */

KTAPI_EXPORT int ktapi_provider_open(int flags)
{
	int fd = open(KTAPI_PROVIDER_DEVICE_PATH, O_RDWR | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

KTAPI_EXPORT int ktapi_provider_register(int fd, const char *name,
					 uint32_t max_requests,
					 uint32_t *provider_id,
					 uint32_t *kernel_version)
{
	struct ktapi_provider_register arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	ret = copy_string(arg.name, sizeof(arg.name), name, 1);
	if (ret)
		return ret;
	arg.size = sizeof(arg);
	arg.version = KTAPI_PROVIDER_VERSION;
	arg.max_requests = max_requests;
	ret = ktapi_ioctl(fd, KTAPI_PROVIDER_IOC_REGISTER, &arg);
	if (ret)
		return ret;
	if (provider_id)
		*provider_id = arg.out_provider_id;
	if (kernel_version)
		*kernel_version = arg.out_version;
	return 0;
}

KTAPI_EXPORT int ktapi_provider_add_line(int fd, const char *address,
					 const char *name, uint32_t *device_id)
{
	struct ktapi_provider_line arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	ret = copy_string(arg.address, sizeof(arg.address), address, 0);
	if (!ret)
		ret = copy_string(arg.name, sizeof(arg.name), name, 1);
	if (ret)
		return ret;
	arg.size = sizeof(arg);
	ret = ktapi_ioctl(fd, KTAPI_PROVIDER_IOC_ADD_LINE, &arg);
	if (ret == 0 && device_id)
		*device_id = arg.out_device_id;
	return ret;
}

KTAPI_EXPORT int ktapi_provider_remove_line(int fd, uint32_t device_id)
{
	struct ktapi_provider_remove_line arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.device_id = device_id;
	return ktapi_ioctl(fd, KTAPI_PROVIDER_IOC_REMOVE_LINE, &arg);
}

KTAPI_EXPORT int ktapi_provider_read_requests(int fd,
					      struct ktapi_provider_request *reqs,
					      unsigned int max, int timeout_ms)
{
	return read_records(fd, reqs, sizeof(*reqs), max, timeout_ms);
}

KTAPI_EXPORT int ktapi_provider_reply(int fd, uint64_t request_id, int result)
{
	struct ktapi_provider_reply arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.request_id = request_id;
	/* -INT_MIN overflows; the kernel refuses it either way (EINVAL). */
	arg.result = result > 0 ? -result : result;
	return ktapi_ioctl(fd, KTAPI_PROVIDER_IOC_REPLY, &arg);
}

KTAPI_EXPORT int ktapi_provider_newcall(int fd, uint32_t device_id,
					const char *caller_address,
					const char *called_address,
					uint32_t *call_id)
{
	struct ktapi_provider_newcall arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.device_id = device_id;
	ret = copy_string(arg.caller_address, sizeof(arg.caller_address),
			  caller_address, 0);
	if (!ret)
		ret = copy_string(arg.called_address,
				  sizeof(arg.called_address), called_address,
				  0);
	if (ret)
		return ret;
	ret = ktapi_ioctl(fd, KTAPI_PROVIDER_IOC_NEWCALL, &arg);
	if (ret == 0 && call_id)
		*call_id = arg.out_call_id;
	return ret;
}

KTAPI_EXPORT int ktapi_provider_callstate(int fd, uint32_t call_id,
					  uint32_t state, uint32_t state_mode)
{
	struct ktapi_provider_callstate arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.call_id = call_id;
	arg.state = state;
	arg.state_mode = state_mode;
	return ktapi_ioctl(fd, KTAPI_PROVIDER_IOC_CALLSTATE, &arg);
}
