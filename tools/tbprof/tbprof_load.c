// SPDX-License-Identifier: GPL-2.0
/*
 * tbprof_load MODE N: the workload of make bench-profile.  One line, one
 * call to an address of no line (as ktapi_bench's), then N times MODE:
 *   enotty  an unknown ioctl (the floor)
 *   gci     GET_CALL_INFO of that call's handle (the handle last given)
 *   make    MAKE_CALL + DEALLOCATE_CALL of another such call, the events
 *           read 64 per read()
 * N = 0 is the baseline the profile subtracts.
 */
#define _GNU_SOURCE
#define KTAPI_NO_HARNESS
#include "kselftest.h"
#include "ktapi_utils.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
	unsigned long n, i, k = 0;
	struct ktapi_call_info ci;
	struct ktapi_event ev[64];
	int fd;
	__u32 h;

	if (argc != 3)
		return 2;
	n = strtoul(argv[2], NULL, 0);
	fd = kt_open_line(0, KTAPI_PRIVILEGE_OWNER);
	if (fd < 0)
		return 1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (kt_make_call(fd, "999", &h, NULL))
		return 1;
	while (read(fd, ev, sizeof(ev)) > 0)
		;
	if (!strcmp(argv[1], "enotty")) {
		for (i = 0; i < n; i++)
			ioctl(fd, _IO(KTAPI_IOC_TYPE, 0x7f), NULL);
	} else if (!strcmp(argv[1], "gci")) {
		for (i = 0; i < n; i++) {
			ci.size = sizeof(ci);
			ci.flags = 0;
			ci.handle = h;
			if (ioctl(fd, KTAPI_IOC_GET_CALL_INFO, &ci))
				return 2;
		}
	} else {
		for (i = 0; i < n; i++) {
			if (kt_make_call(fd, "999", &h, NULL) || kt_dealloc(fd, h))
				return 3;
			if (++k == 32) {
				k = 0;
				if (read(fd, ev, sizeof(ev)) != sizeof(ev))
					return 4;
			}
		}
	}
	printf("PROF-DONE %s %lu\n", argv[1], n);
	return 0;
}
