// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: two ioctls of issue 13 that libktapi 0.3 wraps as
 * ktapi_line_open_ex and ktapi_set_call_privilege, made here on
 * <linux/ktapi.h> directly until this tree's libktapi has them (then
 * these two go).  Same conventions: 0 or -errno.  GET_NEW_CALLS is
 * libktapi's ktapi_get_new_calls.
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
