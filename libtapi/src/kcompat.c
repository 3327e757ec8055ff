// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: the three ioctls of issue 13 that libktapi 0.3 wraps
 * (ktapi_line_open_ex, ktapi_set_call_privilege, ktapi_get_new_calls),
 * made here on <linux/ktapi.h> directly so that libtapi needs only
 * libktapi 0.2.  Same conventions: 0 or -errno.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

static int lt_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int lt_line_open_ex(int fd, uint32_t device_id, uint32_t privileges,
		    uint32_t api_version, uint32_t flags, const char *app_name)
{
	struct ktapi_line_open arg;

	memset(&arg, 0, sizeof(arg));
	if (app_name) {
		if (strlen(app_name) >= sizeof(arg.app_name))
			return -EINVAL;
		strcpy(arg.app_name, app_name);
	}
	arg.size = sizeof(arg);
	arg.flags = flags;
	arg.device_id = device_id;
	arg.privileges = privileges;
	arg.api_version = api_version;
	return lt_ioctl(fd, KTAPI_IOC_LINE_OPEN, &arg);
}

int lt_set_call_privilege(int fd, uint32_t handle, uint32_t privilege)
{
	struct ktapi_call_privilege arg;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.handle = handle;
	arg.privilege = privilege;
	return lt_ioctl(fd, KTAPI_IOC_SET_CALL_PRIVILEGE, &arg);
}

int lt_get_new_calls(int fd, uint32_t *handles, uint32_t max,
		     uint32_t *count, uint32_t *remaining)
{
	struct ktapi_new_calls arg;
	int ret;

	if (max && !handles)
		return -EFAULT;
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.handles = (uintptr_t)handles;
	arg.max_handles = max;
	ret = lt_ioctl(fd, KTAPI_IOC_GET_NEW_CALLS, &arg);
	if (ret)
		return ret;
	*count = arg.out_count;
	if (remaining)
		*remaining = arg.out_remaining;
	return 0;
}
