/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw helpers for the ktapi robustness tests (fail_nth, hostile, stress,
 * memcg).  They do not depend on the kselftest harness, so the stress test
 * can use them from many threads.  Every ioctl helper returns 0 on success
 * or the positive errno value, which makes "expected errno" checks short:
 *
 *	ASSERT_EQ(ENOENT, kr_drop(fd, 12345));
 *
 * Everything here is plain system calls on /dev/ktapi, /proc and debugfs:
 * no libktapi, so a 32-bit build exercises compat_ptr_ioctl too.
 */
#ifndef KTAPI_RAW_H
#define KTAPI_RAW_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/ktapi.h>

#define KR_DEV		"/dev/ktapi"
#define KR_DEBUGFS	"/sys/kernel/debug"
#define KR_STATS	KR_DEBUGFS "/ktapi/stats"
#define KR_PARAMS	"/sys/module/ktapi/parameters/"

#define KR_EV_SIZE	sizeof(struct ktapi_event)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* The debugfs statistics of the module (see docs/DESIGN-NOTES.md). */
struct kr_stats {
	long long files;
	long long lines_open;
	long long calls;
	long long handles;
	long long events_queued;
	long long events_dropped;
};

static inline int kr_err(int ret)
{
	return ret < 0 ? errno : 0;
}

static inline uint64_t kr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * poll(), not nanosleep(): 32-bit glibc calls the 32-bit-time nanosleep,
 * which a kernel without CONFIG_COMPAT_32BIT_TIME lacks (ENOSYS).
 */
static inline void kr_sleep_ms(unsigned int ms)
{
	uint64_t end = kr_now_ns() + (uint64_t)ms * 1000000ULL, now;

	while ((now = kr_now_ns()) < end)
		poll(NULL, 0, (int)((end - now + 999999) / 1000000));
}

/* Mount debugfs if the stats file is not visible yet.  0 or errno. */
static inline int kr_debugfs_mount(void)
{
	if (access(KR_DEBUGFS "/ktapi", F_OK) == 0)
		return 0;
	if (mount("debugfs", KR_DEBUGFS, "debugfs", 0, NULL) &&
	    errno != EBUSY)
		return errno;
	return access(KR_DEBUGFS "/ktapi", F_OK) ? errno : 0;
}

/* Read the stats file.  0, or errno (ENOENT: no debugfs/module). */
static inline int kr_stats_read(struct kr_stats *s)
{
	char key[64];
	long long val;
	int seen = 0;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(KR_STATS, "re");
	if (!f)
		return errno;
	while (fscanf(f, "%63s %lld", key, &val) == 2) {
		if (!strcmp(key, "files"))
			s->files = val, seen |= 1;
		else if (!strcmp(key, "lines_open"))
			s->lines_open = val, seen |= 2;
		else if (!strcmp(key, "calls"))
			s->calls = val, seen |= 4;
		else if (!strcmp(key, "handles"))
			s->handles = val, seen |= 8;
		else if (!strcmp(key, "events_queued"))
			s->events_queued = val, seen |= 16;
		else if (!strcmp(key, "events_dropped"))
			s->events_dropped = val, seen |= 32;
	}
	fclose(f);
	return seen == 63 ? 0 : EPROTO;
}

static inline void kr_stats_str(const struct kr_stats *s, char *buf,
				size_t len)
{
	snprintf(buf, len,
		 "files %lld lines_open %lld calls %lld handles %lld events_queued %lld events_dropped %lld",
		 s->files, s->lines_open, s->calls, s->handles,
		 s->events_queued, s->events_dropped);
}

/* A module parameter, or -1. */
static inline long long kr_param(const char *name)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), KR_PARAMS "%s", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Write a string to a file (sysfs, debugfs, cgroupfs, procfs).  0 or errno. */
static inline int kr_write_file(const char *path, const char *val)
{
	ssize_t n, len = (ssize_t)strlen(val);
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	n = write(fd, val, len);
	if (n != len) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

/* Read a small file into buf (NUL-terminated).  0 or errno. */
static inline int kr_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return errno;
	buf[n] = 0;
	return 0;
}

/* open(/dev/ktapi): the fd, or -1 with errno. */
static inline int kr_open(void)
{
	return open(KR_DEV, O_RDWR | O_CLOEXEC);
}

/* ------------------------------------------------------------------ */
/* ioctls, returning 0 or errno                                       */

static inline int kr_devcaps(int fd, __u32 dev, struct ktapi_devcaps *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->size = sizeof(*dc);
	dc->device_id = dev;
	return kr_err(ioctl(fd, KTAPI_IOC_GET_DEVCAPS, dc));
}

static inline int kr_line_open(int fd, __u32 dev, __u32 priv, __u32 api)
{
	struct ktapi_line_open lo = {
		.size = sizeof(lo),
		.device_id = dev,
		.privileges = priv,
		.api_version = api,
	};

	return kr_err(ioctl(fd, KTAPI_IOC_LINE_OPEN, &lo));
}

static inline int kr_make_call(int fd, const char *addr, __u32 *handle,
			       __u32 *call_id)
{
	struct ktapi_make_call mc;
	size_t len;
	int ret;

	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	len = strlen(addr);
	memcpy(mc.dest_address, addr,
	       len < sizeof(mc.dest_address) ? len : sizeof(mc.dest_address));
	ret = kr_err(ioctl(fd, KTAPI_IOC_MAKE_CALL, &mc));
	if (handle)
		*handle = ret ? 0 : mc.handle;
	if (call_id)
		*call_id = ret ? 0 : mc.call_id;
	return ret;
}

static inline int kr_op(int fd, unsigned long cmd, __u32 handle)
{
	struct ktapi_call_op op = { .size = sizeof(op), .handle = handle };

	return kr_err(ioctl(fd, cmd, &op));
}

#define kr_answer(fd, h)	kr_op(fd, KTAPI_IOC_ANSWER, h)
#define kr_drop(fd, h)		kr_op(fd, KTAPI_IOC_DROP, h)
#define kr_dealloc(fd, h)	kr_op(fd, KTAPI_IOC_DEALLOCATE_CALL, h)

static inline int kr_info(int fd, __u32 handle, struct ktapi_call_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->size = sizeof(*ci);
	ci->handle = handle;
	return kr_err(ioctl(fd, KTAPI_IOC_GET_CALL_INFO, ci));
}

static inline int kr_close_dev(int fd, __u32 dev)
{
	struct ktapi_close_line_device cl = {
		.size = sizeof(cl),
		.device_id = dev,
	};

	return kr_err(ioctl(fd, KTAPI_IOC_CLOSE_LINE_DEVICE, &cl));
}

/*
 * Read one event without blocking (poll with timeout_ms first; 0 = just
 * look).  0, or errno: EAGAIN when nothing came, EMSGSIZE for a short read.
 */
static inline int kr_read_event(int fd, struct ktapi_event *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ret;

	memset(ev, 0, sizeof(*ev));
	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno;
	if (ret == 0)
		return EAGAIN;
	n = read(fd, ev, sizeof(*ev));
	if (n < 0)
		return errno;
	return n == (ssize_t)sizeof(*ev) ? 0 : EMSGSIZE;
}

/* Read every queued event into evs[] (at most max).  The count, or -errno. */
static inline int kr_drain(int fd, struct ktapi_event *evs, int max)
{
	struct ktapi_event ev;
	int n = 0, ret;

	for (;;) {
		ret = kr_read_event(fd, &ev, 0);
		if (ret == EAGAIN)
			return n;
		if (ret)
			return -ret;
		if (evs && n < max)
			evs[n] = ev;
		n++;
	}
}

static inline const char *kr_errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case E2BIG: return "E2BIG";
	case EACCES: return "EACCES";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EBADF: return "EBADF";
	case EBADFD: return "EBADFD";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EMSGSIZE: return "EMSGSIZE";
	default: return strerror(e);
	}
}

#endif /* KTAPI_RAW_H */
