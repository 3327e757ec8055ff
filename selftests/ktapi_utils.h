/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one helper header of the ktapi selftests.
 *
 * The contract tested is uapi/linux/ktapi.h (device addresses and event
 * sequences included), plus the module facts of docs/DESIGN-NOTES.md
 * (module parameters), and the statistics in sysfs (an ABI: DOC: Statistics
 * of the uapi header).  The tests of one
 * area each are one program (ktapi_dev.c, ktapi_call.c, ...), built 64-bit
 * and -m32.  Every test runs in its own forked child (kselftest harness), so
 * files it leaves open are closed before the next test starts.  Nothing
 * assumes module parameter defaults: lines, event_queue_len and max_handles
 * are read from sysfs.
 *
 * Part 1 is plain system calls on /dev/ktapi, /proc, sysfs and debugfs: no
 * libktapi (so a 32-bit build exercises compat_ptr_ioctl too) and no
 * kselftest harness (so ktapi_stress.c and ktapi_memcg.c can use it from
 * many threads and processes).  One convention throughout: a helper returns
 * 0 on success or the positive errno value, never -1 with errno, which
 * makes "expected errno" checks short and thread-safe:
 *
 *	ASSERT_EQ(ENOENT, kt_drop(fd, 12345));
 *
 * The exceptions return something else by nature and say so: kt_open(),
 * kt_open_line(), kt_prov_open() and kt_prov_open_registered() (an fd, or
 * -1 with errno, as open()), kt_drain() and kt_prov_drain() (a count or
 * -errno), kt_drain_new_handle() (a handle, or 0), kt_param(),
 * kt_read_value() and kt_memcg_value() (a value or -1), kt_memcg_make()
 * (NULL or why not), kt_now_ns(), kt_num_devices().  A raw system call is
 * brought into the convention with kt_err(ioctl(...)).
 *
 * Part 2 includes kselftest_harness.h and holds the harness-aware macros
 * (they use _metadata, ASSERT_* and EXPECT_*), the helpers of a main() of
 * its own, and the two-line "call" fixture most area programs share.  A
 * program that does not use the harness defines KTAPI_NO_HARNESS before
 * including this header.
 */
#ifndef KTAPI_UTILS_H
#define KTAPI_UTILS_H

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/ktapi.h>

#define KTAPI_DEV	"/dev/ktapi"
#define KTAPI_PROVIDER_DEV	"/dev/ktapi-provider"
#define KTAPI_DEBUGFS	"/sys/kernel/debug"
/* The statistics: one read-only file per counter (DOC: Statistics). */
#define KTAPI_STATS	"/sys/class/misc/ktapi/stats"
#define KTAPI_PARAMS	"/sys/module/ktapi/parameters/"
#define KTAPI_CGROOT	"/sys/fs/cgroup"
#define KTAPI_CGROUP2_MAGIC	0x63677270

/* How long to wait for an event that must come, and for one that must not. */
#define EV_WAIT_MS	2000
#define NO_EV_WAIT_MS	20

#define EV_SIZE		sizeof(struct ktapi_event)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Short names for the constants the tests use all the time. */
#define S_IDLE		KTAPI_CALLSTATE_IDLE
#define S_OFFERING	KTAPI_CALLSTATE_OFFERING
#define S_DIALING	KTAPI_CALLSTATE_DIALING
#define S_RINGBACK	KTAPI_CALLSTATE_RINGBACK
#define S_CONNECTED	KTAPI_CALLSTATE_CONNECTED
#define S_DISC		KTAPI_CALLSTATE_DISCONNECTED

#define P_NONE		KTAPI_PRIVILEGE_NONE
#define P_MON		KTAPI_PRIVILEGE_MONITOR
#define P_OWN		KTAPI_PRIVILEGE_OWNER

#define M_NORMAL	KTAPI_DISCONNECTMODE_NORMAL
#define M_REJECT	KTAPI_DISCONNECTMODE_REJECT
#define M_BUSY		KTAPI_DISCONNECTMODE_BUSY
#define M_BADADDR	KTAPI_DISCONNECTMODE_BADADDRESS
#define M_UNAVAIL	KTAPI_DISCONNECTMODE_UNAVAIL

#define EV_NEW		KTAPI_EV_APPNEWCALL
#define EV_CS		KTAPI_EV_CALLSTATE
#define EV_CLOSE	KTAPI_EV_LINE_CLOSE
#define EV_OVF		KTAPI_EV_OVERFLOW
#define EV_REPLY	KTAPI_EV_REPLY
#define EV_LCREATE	KTAPI_EV_LINE_CREATE
#define EV_LREMOVE	KTAPI_EV_LINE_REMOVE
#define EV_CI		KTAPI_EV_CALLINFO

#define CI_OWNINC	KTAPI_CALLINFOSTATE_NUMOWNERINCR
#define CI_OWNDEC	KTAPI_CALLINFOSTATE_NUMOWNERDECR
#define CI_MON		KTAPI_CALLINFOSTATE_NUMMONITORS

#define S_PROCEEDING	KTAPI_CALLSTATE_PROCEEDING
#define S_BUSY		KTAPI_CALLSTATE_BUSY
#define S_ACCEPTED	KTAPI_CALLSTATE_ACCEPTED

#define REQ_ASYNC	KTAPI_REQ_ASYNC

#define API_CUR		KTAPI_API_VERSION_2_2

/* Harness exit code of a skipped test (the 6.1 harness has no constant). */
#define HARNESS_SKIP	255

/* Wildcard for expect_event(): "any non-zero value". */
#define ANY		0
/* Wildcard for EXPECT_CLOSECALL()'s state: any. */
#define KT_ANY_STATE	0xffffffffu

/*
 * Layout: the uapi header fixes the field lists; these sizes and offsets follow from
 * them and must be the same for -m32 and 64-bit builds (no compat layer).
 */
_Static_assert(sizeof(struct ktapi_devcaps) == KTAPI_DEVCAPS_SIZE_VER1, "devcaps size");
_Static_assert(offsetof(struct ktapi_devcaps, kind) == KTAPI_DEVCAPS_SIZE_VER0, "devcaps");
_Static_assert(sizeof(struct ktapi_line_open) == KTAPI_LINE_OPEN_SIZE_VER1, "line_open size");
_Static_assert(sizeof(struct ktapi_make_call) == KTAPI_MAKE_CALL_SIZE_VER1, "make_call size");
_Static_assert(offsetof(struct ktapi_make_call, handle) == 72, "make_call");
_Static_assert(offsetof(struct ktapi_make_call, request_id) == KTAPI_MAKE_CALL_SIZE_VER0, "make_call");
_Static_assert(sizeof(struct ktapi_call_op) == KTAPI_CALL_OP_SIZE_VER1, "call_op size");
_Static_assert(offsetof(struct ktapi_call_op, request_id) == KTAPI_CALL_OP_SIZE_VER0, "call_op");
_Static_assert(sizeof(struct ktapi_close_line_device) == 16, "close size");
_Static_assert(sizeof(struct ktapi_call_info) == KTAPI_CALL_INFO_SIZE_VER1, "call_info size");
_Static_assert(offsetof(struct ktapi_call_info, app_name) == KTAPI_CALL_INFO_SIZE_VER0, "info");
_Static_assert(offsetof(struct ktapi_call_info, create_time_ns) == 56, "info");
_Static_assert(offsetof(struct ktapi_call_info, caller_address) == 72, "info");
_Static_assert(offsetof(struct ktapi_call_info, called_address) == 136, "info");
_Static_assert(sizeof(struct ktapi_event) == 40, "event size");
_Static_assert(offsetof(struct ktapi_event, time_ns) == 32, "event");
_Static_assert(offsetof(struct ktapi_event, request_id) == 24, "event");
/* The provider's structs (DOC: Providers). */
_Static_assert(sizeof(struct ktapi_provider_register) == KTAPI_PROVIDER_REGISTER_SIZE_VER0, "register");
_Static_assert(sizeof(struct ktapi_provider_line) == KTAPI_PROVIDER_LINE_SIZE_VER0, "line");
_Static_assert(sizeof(struct ktapi_provider_remove_line) == KTAPI_PROVIDER_REMOVE_LINE_SIZE_VER0, "remove_line");
_Static_assert(sizeof(struct ktapi_provider_request) == KTAPI_PROVIDER_REQUEST_SIZE, "request");
_Static_assert(offsetof(struct ktapi_provider_request, request_id) == 8, "request");
_Static_assert(offsetof(struct ktapi_provider_request, dest_address) == 24, "request");
_Static_assert(sizeof(struct ktapi_provider_reply) == KTAPI_PROVIDER_REPLY_SIZE_VER0, "reply");
_Static_assert(offsetof(struct ktapi_provider_reply, request_id) == 8, "reply");
_Static_assert(sizeof(struct ktapi_provider_newcall) == KTAPI_PROVIDER_NEWCALL_SIZE_VER0, "newcall");
_Static_assert(sizeof(struct ktapi_provider_callstate) == KTAPI_PROVIDER_CALLSTATE_SIZE_VER0, "callstate");

struct ktapi_params {
	unsigned long lines;
	unsigned long event_queue_len;
	unsigned long max_handles;
};

/* The statistics of the module (KTAPI_STATS), live counts then totals. */
struct ktapi_stats {
	long long files;
	long long lines_open;
	long long calls;
	long long handles;
	long long events_queued;
	long long devices;
	long long events_dropped;
	long long calls_total;
	long long handles_total;
	long long events_total;
};

/* ---------------------------------------------------------------------- */
/* Part 1: plain helpers, 0 or the positive errno.                         */

/* A system call's result (0 or -1 with errno) as 0 or errno. */
static inline int kt_err(long ret)
{
	return ret < 0 ? errno : 0;
}

static inline __u64 kt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/*
 * Sleep at least @ms.  poll(), not nanosleep(): 32-bit glibc calls the
 * 32-bit-time nanosleep, which a kernel without CONFIG_COMPAT_32BIT_TIME
 * lacks (ENOSYS).
 */
static inline void kt_sleep_ms(unsigned int ms)
{
	__u64 end = kt_now_ns() + (__u64)ms * 1000000ULL, now;

	while ((now = kt_now_ns()) < end)
		poll(NULL, 0, (int)((end - now + 999999) / 1000000));
}

/*
 * Write a string to a file (sysfs, debugfs, tracefs, cgroupfs, procfs), as
 * the shell's echo >: O_TRUNC, so "" clears a tracefs trace.  0 or errno.
 */
static inline int kt_write_file(const char *path, const char *val)
{
	ssize_t n, len = (ssize_t)strlen(val);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int e;

	if (fd < 0)
		return errno;
	n = write(fd, val, len);
	e = n < 0 ? errno : EIO;
	close(fd);
	return n == len ? 0 : e;
}

/* Read a small file into buf (NUL-terminated).  0 or errno. */
static inline int kt_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int e;

	if (fd < 0)
		return errno;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return e;
	buf[n] = 0;
	return 0;
}

/*
 * The number in the file @path (@key NULL), or the number after "@key " on
 * one of its lines (memory.events, memory.stat); -1 when there is none.
 */
static inline long long kt_read_value(const char *path, const char *key)
{
	char buf[4096], *p;
	size_t n;

	if (kt_read_file(path, buf, sizeof(buf)))
		return -1;
	if (!key)
		return atoll(buf);
	n = strlen(key);
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return atoll(p + n + 1);
	return -1;
}

/* A module parameter, or -1. */
static inline long long kt_param(const char *name)
{
	char path[128], buf[32];
	long long v;
	char *end;

	snprintf(path, sizeof(path), KTAPI_PARAMS "%s", name);
	if (kt_read_file(path, buf, sizeof(buf)))
		return -1;
	v = strtoll(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* The module parameters the tests depend on.  0 or ENOENT. */
static inline int kt_params(struct ktapi_params *p)
{
	long long lines = kt_param("lines");
	long long qlen = kt_param("event_queue_len");
	long long maxh = kt_param("max_handles");

	if (lines < 0 || qlen < 0 || maxh < 0)
		return ENOENT;
	p->lines = (unsigned long)lines;
	p->event_queue_len = (unsigned long)qlen;
	p->max_handles = (unsigned long)maxh;
	return 0;
}

static inline bool kt_debugfs_mounted(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/mounts", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " " KTAPI_DEBUGFS " debugfs "))
			found = true;
	fclose(f);
	return found;
}

/* Mount debugfs (fault injection) unless it is mounted.  0 or errno. */
static inline int kt_debugfs_mount(void)
{
	if (kt_debugfs_mounted())
		return 0;
	if (mount("debugfs", KTAPI_DEBUGFS, "debugfs", 0, NULL) &&
	    errno != EBUSY)
		return errno;
	return 0;
}

#define KT_NR_STATS	10

/* The name of statistic @i (< KT_NR_STATS), in the order of struct ktapi_stats. */
static inline const char *kt_stat_name(unsigned int i)
{
	static const char *const names[KT_NR_STATS] = {
		"files", "lines_open", "calls", "handles", "events_queued",
		"devices", "events_dropped", "calls_total", "handles_total",
		"events_total",
	};

	return names[i];
}

/*
 * One statistic, KTAPI_STATS/@name: one decimal number and a newline.
 * 0, or errno: ENOENT (no module, or no such counter), EPROTO (not that).
 */
static inline int kt_stat(const char *name, long long *v)
{
	char path[128], buf[64], *end;
	int ret;

	snprintf(path, sizeof(path), KTAPI_STATS "/%s", name);
	ret = kt_read_file(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*v = strtoll(buf, &end, 10);
	if (end == buf || errno || strcmp(end, "\n"))
		return EPROTO;
	return 0;
}

/* Read every statistic.  0, or the first kt_stat() error. */
static inline int kt_stats_read(struct ktapi_stats *s)
{
	long long *vals[] = {
		&s->files, &s->lines_open, &s->calls, &s->handles,
		&s->events_queued, &s->devices, &s->events_dropped,
		&s->calls_total,
		&s->handles_total, &s->events_total,
	};
	unsigned int i;
	int ret;

	_Static_assert(ARRAY_SIZE(vals) == KT_NR_STATS, "one per statistic");
	memset(s, 0, sizeof(*s));
	for (i = 0; i < KT_NR_STATS; i++) {
		ret = kt_stat(kt_stat_name(i), vals[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static inline void kt_stats_str(const struct ktapi_stats *s, char *buf,
				size_t len)
{
	snprintf(buf, len,
		 "files %lld lines_open %lld calls %lld handles %lld events_queued %lld events_dropped %lld",
		 s->files, s->lines_open, s->calls, s->handles,
		 s->events_queued, s->events_dropped);
}

/* Become uid/gid 65534 with no supplementary groups.  0 or errno. */
static inline int kt_drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return errno;
	return 0;
}

/*
 * A cgroup v2 child group with the memory controller: mounts cgroup2 on
 * KTAPI_CGROOT if needed, enables +memory for its children and makes
 * KTAPI_CGROOT/@name.<pid> in @dir.  NULL, or why there is none (the test
 * skips; a static string).  The caller removes the group with rmdir().
 */
static inline const char *kt_memcg_make(const char *name, char *dir,
					size_t len)
{
	static char why[256];
	struct statfs sfs;
	char buf[256];
	int e;

	if (geteuid())
		return "needs root (cgroups)";
	if (statfs(KTAPI_CGROOT, &sfs) || sfs.f_type != KTAPI_CGROUP2_MAGIC) {
		mkdir(KTAPI_CGROOT, 0755);
		if (mount("cgroup2", KTAPI_CGROOT, "cgroup2", 0, NULL))
			return "cgroup2 is not mounted at " KTAPI_CGROOT " and cannot be mounted";
	}
	if (kt_read_file(KTAPI_CGROOT "/cgroup.controllers", buf, sizeof(buf)) ||
	    !strstr(buf, "memory"))
		return "no memory controller in " KTAPI_CGROOT "/cgroup.controllers (kernel without CONFIG_MEMCG, or memory bound to cgroup v1)";
	e = kt_write_file(KTAPI_CGROOT "/cgroup.subtree_control", "+memory");
	if (e) {
		snprintf(why, sizeof(why),
			 "cannot enable +memory in %s/cgroup.subtree_control: %s",
			 KTAPI_CGROOT, strerror(e));
		return why;
	}
	snprintf(dir, len, KTAPI_CGROOT "/%s.%d", name, getpid());
	if (mkdir(dir, 0755)) {
		snprintf(why, sizeof(why), "mkdir %s: %s", dir, strerror(errno));
		return why;
	}
	snprintf(buf, sizeof(buf), "%s/memory.max", dir);
	if (kt_read_value(buf, NULL) == -1) {
		rmdir(dir);
		return "no memory.max in the child group";
	}
	return NULL;
}

/* A value of the group @dir: kt_read_value() of @dir/@file. */
static inline long long kt_memcg_value(const char *dir, const char *file,
				       const char *key)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return kt_read_value(path, key);
}

/* memory.max of the group @dir to @bytes, without swap.  0 or errno. */
static inline int kt_memcg_limit(const char *dir, unsigned long long bytes)
{
	char path[320], val[32];
	int e;

	snprintf(val, sizeof(val), "%llu", bytes);
	snprintf(path, sizeof(path), "%s/memory.max", dir);
	e = kt_write_file(path, val);
	snprintf(path, sizeof(path), "%s/memory.swap.max", dir);
	kt_write_file(path, "0");	/* absent without CONFIG_SWAP */
	return e;
}

/*
 * The module creates /dev/ktapi 0600 root.  A test that opens the device
 * as uid 65534 grants it the way an administrator's rule would, without
 * touching /dev/ktapi: kt_nobody_node(), as root, makes a node of the same
 * device owned by 65534 (mode 0600, in a directory of its own under /tmp,
 * also owned by 65534), and kt_open() opens that node from then on.
 * kt_nobody_node_remove() removes it, as root or as 65534.  0 or errno.
 */
static char kt_dev_path[64] = KTAPI_DEV;
static char kt_node_dir[64];

static inline int kt_nobody_node(void)
{
	char dir[] = "/tmp/ktapi-node.XXXXXX";
	char path[sizeof(kt_dev_path)];
	struct stat st;
	int err;

	if (stat(KTAPI_DEV, &st))
		return errno;
	if (!mkdtemp(dir))
		return errno;
	snprintf(path, sizeof(path), "%s/ktapi", dir);
	if (mknod(path, S_IFCHR | 0600, st.st_rdev) ||
	    chown(path, 65534, 65534) || chown(dir, 65534, 65534)) {
		err = errno;
		unlink(path);
		rmdir(dir);
		return err;
	}
	memcpy(kt_node_dir, dir, sizeof(dir));
	memcpy(kt_dev_path, path, sizeof(path));
	return 0;
}

static inline void kt_nobody_node_remove(void)
{
	if (!kt_node_dir[0])
		return;
	unlink(kt_dev_path);
	rmdir(kt_node_dir);
	kt_node_dir[0] = '\0';
	strcpy(kt_dev_path, KTAPI_DEV);
}

static inline void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* open(/dev/ktapi): the fd, or -1 with errno (as open()). */
static inline int kt_open(void)
{
	return open(kt_dev_path, O_RDWR | O_CLOEXEC);
}

/* ioctls: 0 or errno. */

static inline int kt_devcaps(int fd, __u32 dev, struct ktapi_devcaps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->size = sizeof(*caps);
	caps->device_id = dev;
	return kt_err(ioctl(fd, KTAPI_IOC_GET_DEVCAPS, caps));
}

static inline int kt_line_open(int fd, __u32 dev, __u32 privileges, __u32 api)
{
	struct ktapi_line_open lo = {
		.size = sizeof(lo),
		.device_id = dev,
		.privileges = privileges,
		.api_version = api,
	};

	return kt_err(ioctl(fd, KTAPI_IOC_LINE_OPEN, &lo));
}

/* LINE_OPEN with @flags (KTAPI_LINE_OPEN_CALLINFO). */
static inline int kt_line_open_flags(int fd, __u32 dev, __u32 privileges,
				     __u32 api, __u32 flags)
{
	struct ktapi_line_open lo = {
		.size = sizeof(lo),
		.flags = flags,
		.device_id = dev,
		.privileges = privileges,
		.api_version = api,
	};

	return kt_err(ioctl(fd, KTAPI_IOC_LINE_OPEN, &lo));
}

/* SET_CALL_PRIVILEGE: 0 or errno. */
static inline int kt_set_priv(int fd, __u32 handle, __u32 privilege)
{
	struct ktapi_call_privilege cp = {
		.size = sizeof(cp),
		.handle = handle,
		.privilege = privilege,
	};

	return kt_err(ioctl(fd, KTAPI_IOC_SET_CALL_PRIVILEGE, &cp));
}

/* open() + LINE_OPEN (api 2.2): the fd, or -1 with errno. */
static inline int kt_open_line(__u32 dev, __u32 privileges)
{
	int fd = kt_open();
	int err;

	if (fd < 0)
		return -1;
	err = kt_line_open(fd, dev, privileges, API_CUR);
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * Dial @len bytes of @addr (no NUL added when len >= KTAPI_ADDRESS_MAX).
 * *handle and *call_id (either may be NULL) are 0 when it fails.
 */
static inline int kt_make_call_raw(int fd, const char *addr, size_t len,
				   __u32 *handle, __u32 *call_id)
{
	struct ktapi_make_call mc;
	int ret;

	memset(&mc, 0, sizeof(mc));
	mc.size = sizeof(mc);
	if (len > sizeof(mc.dest_address))
		len = sizeof(mc.dest_address);
	memcpy(mc.dest_address, addr, len);
	ret = kt_err(ioctl(fd, KTAPI_IOC_MAKE_CALL, &mc));
	if (handle)
		*handle = ret ? 0 : mc.handle;
	if (call_id)
		*call_id = ret ? 0 : mc.call_id;
	return ret;
}

static inline int kt_make_call(int fd, const char *addr, __u32 *handle,
			       __u32 *call_id)
{
	return kt_make_call_raw(fd, addr, strlen(addr) + 1, handle, call_id);
}

static inline int kt_op(int fd, unsigned long cmd, __u32 handle)
{
	struct ktapi_call_op op = { .size = sizeof(op), .handle = handle };

	return kt_err(ioctl(fd, cmd, &op));
}

#define kt_answer(fd, h)	kt_op(fd, KTAPI_IOC_ANSWER, h)
#define kt_drop(fd, h)		kt_op(fd, KTAPI_IOC_DROP, h)
#define kt_dealloc(fd, h)	kt_op(fd, KTAPI_IOC_DEALLOCATE_CALL, h)

static inline int kt_info(int fd, __u32 handle, struct ktapi_call_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->size = sizeof(*ci);
	ci->handle = handle;
	return kt_err(ioctl(fd, KTAPI_IOC_GET_CALL_INFO, ci));
}

static inline int kt_close_dev(int fd, __u32 dev)
{
	struct ktapi_close_line_device cl = {
		.size = sizeof(cl),
		.device_id = dev,
	};

	return kt_err(ioctl(fd, KTAPI_IOC_CLOSE_LINE_DEVICE, &cl));
}

/*
 * read() that never blocks, whatever the file's O_NONBLOCK: the helpers
 * below poll() first, and a poll() that claims a record which is not there
 * must fail the test, not hang it.  read()'s result, errno kept.
 */
static inline ssize_t kt_read_nonblock(int fd, void *buf, size_t len)
{
	int fl = fcntl(fd, F_GETFL);
	ssize_t n;
	int err;

	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	n = read(fd, buf, len);
	err = errno;
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl);
	errno = err;
	return n;
}

/*
 * Wait up to @timeout_ms (0: just look) for an event and read exactly one
 * record.  0, or errno: ETIMEDOUT (nothing came), EPIPE (end of file: a
 * force-closed line whose LINE_CLOSE was read), EMSGSIZE (read() returned
 * a partial record) or read()'s errno (EAGAIN: poll() said POLLIN but there
 * was nothing to read).
 */
static inline int kt_read_record(int fd, void *rec, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ret;

	memset(rec, 0, len);
	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno;
	if (ret == 0)
		return ETIMEDOUT;
	n = kt_read_nonblock(fd, rec, len);
	if (n < 0)
		return errno;
	if (n == 0)
		return EPIPE;
	return n == (ssize_t)len ? 0 : EMSGSIZE;
}

static inline int kt_read_event(int fd, struct ktapi_event *ev, int timeout_ms)
{
	return kt_read_record(fd, ev, sizeof(*ev), timeout_ms);
}

/*
 * Read everything queued now, keeping the first @max records in @evs (may
 * be NULL).  The record count, or -errno (-EMSGSIZE: a partial record).
 */
static inline int kt_drain_evs(int fd, struct ktapi_event *evs, int max)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct ktapi_event ev[16];
	int got = 0, i, ret;
	ssize_t n;

	for (;;) {
		ret = poll(&pfd, 1, 0);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return got;
		n = kt_read_nonblock(fd, ev, sizeof(ev));
		if (n < 0)
			return errno == EAGAIN ? got : -errno;
		/* End of file: the LINE_CLOSE of a forced close was read. */
		if (n == 0)
			return got;
		if (n % (ssize_t)EV_SIZE)
			return -EMSGSIZE;
		for (i = 0; i < (int)(n / (ssize_t)EV_SIZE); i++, got++)
			if (evs && got < max)
				evs[got] = ev[i];
		/* A queue that never empties (a broken OVERFLOW) must not hang. */
		if (got > 1000000)
			return got;
	}
}

/* Throw away everything queued now: the record count, or -errno. */
static inline int kt_drain(int fd)
{
	return kt_drain_evs(fd, NULL, 0);
}

/*
 * Throw away everything queued now; the handle that the APPNEWCALL of
 * @call_id among the first 64 records names, or 0 when there is none.
 */
static inline __u32 kt_drain_new_handle(int fd, __u32 call_id)
{
	struct ktapi_event evs[64];
	int n = kt_drain_evs(fd, evs, ARRAY_SIZE(evs)), i;

	for (i = 0; i < n && i < (int)ARRAY_SIZE(evs); i++)
		if (evs[i].type == KTAPI_EV_APPNEWCALL &&
		    evs[i].call_id == call_id)
			return evs[i].handle;
	return 0;
}

/* A thread that blocks in read(): pthread_create(&t, NULL, blocked_reader, &r). */
struct blocked_read {
	int fd;
	size_t len;
	struct ktapi_event ev[2];
	ssize_t n;
	int err;
	int done;
};

static inline void *blocked_reader(void *arg)
{
	struct blocked_read *r = arg;

	r->n = read(r->fd, r->ev, r->len);
	r->err = errno;
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Async requests (DOC: Requests): 0 or errno, as above.                   */

/*
 * MAKE_CALL with @flags (0 or KTAPI_REQ_ASYNC) and the struct's @size
 * (0: sizeof).  *handle, *call_id and *request_id (any may be NULL) are
 * what the ioctl wrote, 0 when it failed.
 */
static inline int kt_make_call_flags(int fd, const char *addr, __u32 flags,
				     __u32 size, __u32 *handle,
				     __u32 *call_id, __u32 *request_id)
{
	struct ktapi_make_call mc;
	int ret;

	memset(&mc, 0, sizeof(mc));
	mc.size = size ? size : sizeof(mc);
	mc.flags = flags;
	strncpy(mc.dest_address, addr, sizeof(mc.dest_address) - 1);
	ret = kt_err(ioctl(fd, KTAPI_IOC_MAKE_CALL, &mc));
	if (handle)
		*handle = ret ? 0 : mc.handle;
	if (call_id)
		*call_id = ret ? 0 : mc.call_id;
	if (request_id)
		*request_id = ret ? 0 : mc.request_id;
	return ret;
}

static inline int kt_make_call_async(int fd, const char *addr, __u32 *handle,
				     __u32 *call_id, __u32 *request_id)
{
	return kt_make_call_flags(fd, addr, KTAPI_REQ_ASYNC, 0, handle,
				  call_id, request_id);
}

/* ANSWER or DROP with KTAPI_REQ_ASYNC; *request_id 0 when it failed. */
static inline int kt_op_async(int fd, unsigned long cmd, __u32 handle,
			      __u32 *request_id)
{
	struct ktapi_call_op op = {
		.size = sizeof(op),
		.flags = KTAPI_REQ_ASYNC,
		.handle = handle,
	};
	int ret = kt_err(ioctl(fd, cmd, &op));

	if (request_id)
		*request_id = ret ? 0 : op.request_id;
	return ret;
}

#define kt_answer_async(fd, h, rid)	kt_op_async(fd, KTAPI_IOC_ANSWER, h, rid)
#define kt_drop_async(fd, h, rid)	kt_op_async(fd, KTAPI_IOC_DROP, h, rid)

/*
 * Read records for up to @timeout_ms until the REPLY of @request_id, into
 * @ev.  Every other record read meanwhile is kept in @skipped (up to @max,
 * may be NULL) and counted in *nskipped (may be NULL), so the caller can
 * check them.  0, or kt_read_event()'s errno (ETIMEDOUT: no such REPLY).
 */
static inline int kt_wait_reply(int fd, __u32 request_id, int timeout_ms,
				struct ktapi_event *ev,
				struct ktapi_event *skipped, int max,
				int *nskipped)
{
	__u64 end = kt_now_ns() + (__u64)timeout_ms * 1000000ULL, now;
	int n = 0, ret;

	for (;;) {
		now = kt_now_ns();
		ret = kt_read_event(fd, ev, now >= end ? 0 :
				    (int)((end - now + 999999) / 1000000));
		if (ret)
			break;
		if (ev->type == KTAPI_EV_REPLY && ev->request_id == request_id)
			break;
		if (skipped && n < max)
			skipped[n] = *ev;
		n++;
	}
	if (nskipped)
		*nskipped = n;
	return ret;
}

/* ---------------------------------------------------------------------- */
/* The provider's side (DOC: Providers): 0 or errno, as above.             */

/* open(/dev/ktapi-provider): the fd, or -1 with errno (as open()). */
static inline int kt_prov_open(void)
{
	return open(KTAPI_PROVIDER_DEV, O_RDWR | O_CLOEXEC);
}

/*
 * REGISTER with the current KTAPI_PROVIDER_VERSION, @name and
 * @max_requests; *provider_id (may be NULL) is the id given, 0 on error.
 */
static inline int kt_prov_register(int fd, const char *name,
				   __u32 max_requests, __u32 *provider_id)
{
	struct ktapi_provider_register r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.version = KTAPI_PROVIDER_VERSION;
	r.max_requests = max_requests;
	strncpy(r.name, name, sizeof(r.name) - 1);
	ret = kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_REGISTER, &r));
	if (provider_id)
		*provider_id = ret ? 0 : r.out_provider_id;
	return ret;
}

/* open() + REGISTER: the fd, or -1 with errno. */
static inline int kt_prov_open_registered(const char *name,
					  __u32 max_requests,
					  __u32 *provider_id)
{
	int fd = kt_prov_open();
	int err;

	if (fd < 0)
		return -1;
	err = kt_prov_register(fd, name, max_requests, provider_id);
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* ADD_LINE @addr (@name may be NULL: ""); *device_id 0 on error. */
static inline int kt_prov_add_line(int fd, const char *addr, const char *name,
				   __u32 *device_id)
{
	struct ktapi_provider_line l;
	int ret;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	strncpy(l.address, addr, sizeof(l.address) - 1);
	if (name)
		strncpy(l.name, name, sizeof(l.name) - 1);
	ret = kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_ADD_LINE, &l));
	if (device_id)
		*device_id = ret ? 0 : l.out_device_id;
	return ret;
}

static inline int kt_prov_remove_line(int fd, __u32 device_id)
{
	struct ktapi_provider_remove_line r = {
		.size = sizeof(r),
		.device_id = device_id,
	};

	return kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_REMOVE_LINE, &r));
}

/*
 * Wait up to @timeout_ms (0: just look) for a request and read exactly one
 * record.  0, or errno: ETIMEDOUT (nothing came), EMSGSIZE (a partial
 * record), EPIPE (read() returned 0), or read()'s errno.
 */
static inline int kt_prov_read(int fd, struct ktapi_provider_request *req,
			       int timeout_ms)
{
	return kt_read_record(fd, req, sizeof(*req), timeout_ms);
}

/* Throw away every request queued now: the count, or -errno. */
static inline int kt_prov_drain(int fd)
{
	struct ktapi_provider_request req;
	int n = 0, ret;

	while (!(ret = kt_prov_read(fd, &req, 0)))
		n++;
	return ret == ETIMEDOUT ? n : -ret;
}

static inline int kt_prov_reply(int fd, __u64 request_id, __s32 result)
{
	struct ktapi_provider_reply r = {
		.size = sizeof(r),
		.request_id = request_id,
		.result = result,
	};

	return kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_REPLY, &r));
}

/* NEWCALL on @device_id; *call_id (may be NULL) 0 on error. */
static inline int kt_prov_newcall(int fd, __u32 device_id, const char *caller,
				  const char *called, __u32 *call_id)
{
	struct ktapi_provider_newcall nc;
	int ret;

	memset(&nc, 0, sizeof(nc));
	nc.size = sizeof(nc);
	nc.device_id = device_id;
	strncpy(nc.caller_address, caller, sizeof(nc.caller_address) - 1);
	strncpy(nc.called_address, called, sizeof(nc.called_address) - 1);
	ret = kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_NEWCALL, &nc));
	if (call_id)
		*call_id = ret ? 0 : nc.out_call_id;
	return ret;
}

static inline int kt_prov_callstate(int fd, __u32 call_id, __u32 state,
				    __u32 mode)
{
	struct ktapi_provider_callstate cs = {
		.size = sizeof(cs),
		.call_id = call_id,
		.state = state,
		.state_mode = mode,
	};

	return kt_err(ioctl(fd, KTAPI_PROVIDER_IOC_CALLSTATE, &cs));
}

/* Set a module parameter (writable ones: provider_timeout_ms).  0 or errno. */
static inline int kt_param_set(const char *name, long long value)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), KTAPI_PARAMS "%s", name);
	snprintf(val, sizeof(val), "%lld", value);
	return kt_write_file(path, val);
}

/* GET_DEVCAPS's num_devices, or 0 when it fails. */
static inline __u32 kt_num_devices(int fd)
{
	struct ktapi_devcaps caps;

	return kt_devcaps(fd, 0, &caps) ? 0 : caps.num_devices;
}

/*
 * A tiny provider: kt_prov_serve() answers the requests read from @fd
 * until @stop is set (checked every 20 ms), from a thread
 * (pthread_create(&t, NULL, kt_prov_thread, &pl)) or a forked child (put
 * the struct in memory shared with the parent: kt_main_start(), mmap()).
 *
 *  - MAKECALL: after @delay_ms, REPLY @result (never, when @never); after a
 *    REPLY 0, CALLSTATE @makecall_state (0: none; e.g. RINGBACK);
 *  - ANSWER: after @delay_ms, REPLY @result (or never); after a REPLY 0,
 *    with @states, CALLSTATE CONNECTED;
 *  - DROP: likewise, and with @states, CALLSTATE IDLE;
 *  - CLOSECALL: counted, its call id logged in @closed (the first
 *    KT_PROV_LOG).
 *
 * The counters are updated atomically, after the request was handled:
 * wait for them with kt_prov_wait_count().  @errors counts REPLY and
 * CALLSTATE ioctls that failed (with @last_error), and records that were
 * not a request.  @last is the last request read.
 */
#define KT_PROV_LOG	256

struct kt_prov_loop {
	int fd;
	__s32 result;
	unsigned int delay_ms;
	bool never;
	bool states;
	__u32 makecall_state;
	int stop;
	/* out */
	unsigned int makecalls, answers, drops, closecalls, errors;
	unsigned int notices;	/* DROP notices (request_id 0) */
	int last_error;
	__u32 closed[KT_PROV_LOG];
	struct ktapi_provider_request last;
};

static inline void kt_prov_count(unsigned int *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_SEQ_CST);
}

static inline void kt_prov_check(struct kt_prov_loop *pl, int err)
{
	if (!err)
		return;
	__atomic_store_n(&pl->last_error, err, __ATOMIC_SEQ_CST);
	kt_prov_count(&pl->errors);
}

/* Handle one request as kt_prov_serve() does. */
static inline void kt_prov_handle(struct kt_prov_loop *pl,
				  const struct ktapi_provider_request *req)
{
	unsigned int *counter;
	__u32 state = 0;
	unsigned int n;
	int err;

	pl->last = *req;
	switch (req->type) {
	case KTAPI_PREQ_CLOSECALL:
		n = __atomic_load_n(&pl->closecalls, __ATOMIC_SEQ_CST);
		if (n < KT_PROV_LOG)
			pl->closed[n] = req->call_id;
		kt_prov_count(&pl->closecalls);
		return;
	case KTAPI_PREQ_MAKECALL:
		counter = &pl->makecalls;
		state = pl->makecall_state;
		break;
	case KTAPI_PREQ_ANSWER:
		counter = &pl->answers;
		state = pl->states ? KTAPI_CALLSTATE_CONNECTED : 0;
		break;
	case KTAPI_PREQ_DROP:
		if (!req->request_id) {
			/* A DROP notice: no REPLY; the leg ends (ENOENT: gone). */
			err = pl->states && !pl->never ?
			      kt_prov_callstate(pl->fd, req->call_id,
						KTAPI_CALLSTATE_IDLE, 0) : 0;
			kt_prov_check(pl, err == ENOENT ? 0 : err);
			kt_prov_count(&pl->notices);
			return;
		}
		counter = &pl->drops;
		state = pl->states ? KTAPI_CALLSTATE_IDLE : 0;
		break;
	default:
		kt_prov_check(pl, EPROTO);
		return;
	}
	if (!pl->never) {
		if (pl->delay_ms)
			kt_sleep_ms(pl->delay_ms);
		err = kt_prov_reply(pl->fd, req->request_id, pl->result);
		kt_prov_check(pl, err);
		if (!err && !pl->result && state)
			kt_prov_check(pl, kt_prov_callstate(pl->fd, req->call_id,
							    state, 0));
	}
	kt_prov_count(counter);
}

/* Serve until @stop: 0, or the errno that ended it (not a request's). */
static inline int kt_prov_serve(struct kt_prov_loop *pl)
{
	struct ktapi_provider_request req;
	int err;

	while (!__atomic_load_n(&pl->stop, __ATOMIC_SEQ_CST)) {
		err = kt_prov_read(pl->fd, &req, 20);
		if (err == ETIMEDOUT || err == EAGAIN)
			continue;
		if (err) {
			kt_prov_check(pl, err);
			return err;
		}
		kt_prov_handle(pl, &req);
	}
	return 0;
}

static inline void *kt_prov_thread(void *arg)
{
	kt_prov_serve(arg);
	return NULL;
}

static inline void kt_prov_stop(struct kt_prov_loop *pl)
{
	__atomic_store_n(&pl->stop, 1, __ATOMIC_SEQ_CST);
}

/* Wait up to @timeout_ms for *@counter >= @n.  0 or ETIMEDOUT. */
static inline int kt_prov_wait_count(const unsigned int *counter,
				     unsigned int n, int timeout_ms)
{
	__u64 end = kt_now_ns() + (__u64)timeout_ms * 1000000ULL;

	while (__atomic_load_n(counter, __ATOMIC_SEQ_CST) < n) {
		if (kt_now_ns() >= end)
			return ETIMEDOUT;
		poll(NULL, 0, 1);
	}
	return 0;
}

/* How many times @call_id is in @pl's CLOSECALL log. */
static inline unsigned int kt_prov_closed_count(const struct kt_prov_loop *pl,
						__u32 call_id)
{
	unsigned int i, n = __atomic_load_n(&pl->closecalls, __ATOMIC_SEQ_CST);
	unsigned int found = 0;

	for (i = 0; i < n && i < KT_PROV_LOG; i++)
		found += pl->closed[i] == call_id;
	return found;
}

static inline const char *preq_name(__u32 type)
{
	switch (type) {
	case KTAPI_PREQ_MAKECALL:	return "MAKECALL";
	case KTAPI_PREQ_ANSWER:		return "ANSWER";
	case KTAPI_PREQ_DROP:		return "DROP";
	case KTAPI_PREQ_CLOSECALL:	return "CLOSECALL";
	default:			return "?";
	}
}

static inline const char *kt_errname(int e)
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
	case ETIMEDOUT: return "ETIMEDOUT";
	case EPIPE: return "EPIPE";
	case ECONNABORTED: return "ECONNABORTED";
	case ENXIO: return "ENXIO";
	case EIO: return "EIO";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EEXIST: return "EEXIST";
	default: return strerror(e);
	}
}

static inline const char *state_name(__u32 state)
{
	switch (state) {
	case S_IDLE:		return "IDLE";
	case S_OFFERING:	return "OFFERING";
	case S_DIALING:		return "DIALING";
	case S_RINGBACK:	return "RINGBACK";
	case S_CONNECTED:	return "CONNECTED";
	case S_DISC:		return "DISCONNECTED";
	case S_PROCEEDING:	return "PROCEEDING";
	case S_BUSY:		return "BUSY";
	case S_ACCEPTED:	return "ACCEPTED";
	case KTAPI_CALLSTATE_DIALTONE:	return "DIALTONE";
	case KTAPI_CALLSTATE_SPECIALINFO: return "SPECIALINFO";
	case KTAPI_CALLSTATE_ONHOLD:	return "ONHOLD";
	case KTAPI_CALLSTATE_UNKNOWN:	return "UNKNOWN";
	case 0:			return "0";
	default:		return "?";
	}
}

static inline const char *ev_type_name(__u32 type)
{
	switch (type) {
	case EV_NEW:	return "APPNEWCALL";
	case EV_CS:	return "CALLSTATE";
	case EV_CLOSE:	return "LINE_CLOSE";
	case EV_OVF:	return "OVERFLOW";
	case EV_REPLY:	return "REPLY";
	case EV_LCREATE: return "LINE_CREATE";
	case EV_LREMOVE: return "LINE_REMOVE";
	case EV_CI:	return "CALLINFO";
	default:	return "?";
	}
}

/* ---------------------------------------------------------------------- */
/* Part 2: harness-aware helpers (they use _metadata, ASSERT_*, EXPECT_*). */
/* A program without the harness defines KTAPI_NO_HARNESS before including. */
#ifndef KTAPI_NO_HARNESS

/*
 * The 6.1 kselftest_harness.h trips -Wextra by itself: it and the wrappers
 * it generates have unused parameters, and EXPECT_EQ(CONSTANT, __u32 field)
 * compares int with unsigned.  Silence exactly these two, for every test
 * program that uses the harness (the pragmas hold to the end of the file).
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"

#include "kselftest_harness.h"

/*
 * iommufd_utils.h idiom: @cmd (0 or errno) must fail, and with @expected.
 * Success is fatal (the test cannot go on from an unexpected state); a
 * wrong errno is not.
 */
#define EXPECT_ERRNO(expected, cmd)					\
	({								\
		int __e = (cmd);					\
		ASSERT_NE(0, __e) TH_LOG("%s succeeded", #cmd);		\
		EXPECT_EQ(expected, __e) {				\
			TH_LOG("%s: %s", #cmd, kt_errname(__e));	\
		}							\
	})

/* @cmd (0 or errno) must succeed; print the errno if it does not. */
#define __KT_OK(ASSERT_OR_EXPECT, cmd)					\
	({								\
		int __e = (cmd);					\
		ASSERT_OR_EXPECT##_EQ(0, __e) {				\
			TH_LOG("%s: %s", #cmd, kt_errname(__e));	\
		}							\
	})
#define ASSERT_OK(cmd)	__KT_OK(ASSERT, cmd)
#define EXPECT_OK(cmd)	__KT_OK(EXPECT, cmd)

/* Skip the current test from anywhere (also from FIXTURE_SETUP). */
#define SKIP_NOW(fmt, ...)	SKIP(_exit(HARNESS_SKIP), fmt, ##__VA_ARGS__)

static inline void __kt_require(struct __test_metadata *_metadata,
				struct ktapi_params *p)
{
	if (access(KTAPI_DEV, F_OK))
		SKIP_NOW("%s does not exist: ktapi module not loaded", KTAPI_DEV);
	ASSERT_EQ(0, kt_params(p)) {
		TH_LOG("cannot read %s{lines,event_queue_len,max_handles}",
		       KTAPI_PARAMS);
	}
	ASSERT_LE(1, p->lines);
	ASSERT_LE(1, p->event_queue_len);
	ASSERT_LE(1, p->max_handles);
}
#define KT_REQUIRE(p)	__kt_require(_metadata, p)

/* Whether sysfs shows misc devices: the statistics' home. */
static inline bool kt_sysfs_mounted(void)
{
	return access("/sys/class/misc", F_OK) == 0;
}

/* Read the stats; skip when sysfs is absent, fail when ktapi lacks them. */
static inline void __kt_need_stats(struct __test_metadata *_metadata,
				   struct ktapi_stats *s)
{
	int ret = kt_stats_read(s);

	if (ret == 0)
		return;
	if (!kt_sysfs_mounted())
		SKIP_NOW("sysfs not mounted on /sys");
	ASSERT_EQ(0, ret) {
		TH_LOG("%s is missing or incomplete", KTAPI_STATS);
	}
}
#define NEED_STATS(s)	__kt_need_stats(_metadata, s)

/* Optional stats: false when sysfs is absent, a failure when ktapi lacks them. */
static inline bool __kt_have_stats(struct __test_metadata *_metadata,
				   struct ktapi_stats *s)
{
	int ret = kt_stats_read(s);

	if (ret == 0)
		return true;
	ASSERT_FALSE(kt_sysfs_mounted()) {
		TH_LOG("%s is missing or incomplete: %s", KTAPI_STATS,
		       strerror(ret));
	}
	return false;
}
#define HAVE_STATS(s)	__kt_have_stats(_metadata, s)

#define REQUIRE_ROOT()							\
	do {								\
		if (geteuid() != 0)					\
			SKIP_NOW("needs root (CAP_SYS_ADMIN)");		\
	} while (0)

static inline void __kt_get_stats(struct __test_metadata *_metadata,
				  struct ktapi_stats *s, int line)
{
	ASSERT_EQ(0, kt_stats_read(s)) {
		TH_LOG("line %d: cannot read %s", line, KTAPI_STATS);
	}
}
#define GET_STATS(s)	__kt_get_stats(_metadata, s, __LINE__)

/*
 * Read the stats into @s1 and check that calls and handles changed by
 * @calls and @handles since @s0 (the caller checks any other field of @s1).
 */
static inline void __kt_expect_calls_handles(struct __test_metadata *_metadata,
					     const struct ktapi_stats *s0,
					     struct ktapi_stats *s1,
					     long long calls, long long handles,
					     int line)
{
	__kt_get_stats(_metadata, s1, line);
	EXPECT_EQ(s0->calls + calls, s1->calls) TH_LOG("line %d", line);
	EXPECT_EQ(s0->handles + handles, s1->handles) TH_LOG("line %d", line);
}
#define EXPECT_CALLS_HANDLES(s0, s1, calls, handles)			\
	__kt_expect_calls_handles(_metadata, s0, s1, calls, handles, __LINE__)

/* open() + LINE_OPEN with @flags, asserting success. */
static inline int __kt_line_flags(struct __test_metadata *_metadata,
				  __u32 dev, __u32 privileges, __u32 api,
				  __u32 flags, int line)
{
	int fd = kt_open();
	int err = errno;

	ASSERT_LE(0, fd) {
		TH_LOG("line %d: open %s: %s", line, KTAPI_DEV, strerror(err));
	}
	err = kt_line_open_flags(fd, dev, privileges, api, flags);
	ASSERT_EQ(0, err) {
		TH_LOG("line %d: LINE_OPEN(dev %u, priv %#x, api %#x, flags %#x): %s",
		       line, dev, privileges, api, flags, strerror(err));
	}
	return fd;
}
#define LINE(dev, priv)		\
	__kt_line_flags(_metadata, dev, priv, API_CUR, 0, __LINE__)
#define LINE_API(dev, priv, api) \
	__kt_line_flags(_metadata, dev, priv, api, 0, __LINE__)
/* A line that reads CALLINFO records (KTAPI_LINE_OPEN_CALLINFO). */
#define LINE_CI(dev, priv)	\
	__kt_line_flags(_metadata, dev, priv, API_CUR,			\
			KTAPI_LINE_OPEN_CALLINFO, __LINE__)
#define LINE_CI_API(dev, priv, api) \
	__kt_line_flags(_metadata, dev, priv, api,			\
			KTAPI_LINE_OPEN_CALLINFO, __LINE__)

static inline int __kt_fd(struct __test_metadata *_metadata, int line)
{
	int fd = kt_open();
	int err = errno;

	ASSERT_LE(0, fd) {
		TH_LOG("line %d: open %s: %s", line, KTAPI_DEV, strerror(err));
	}
	return fd;
}
#define FD()	__kt_fd(_metadata, __LINE__)

/* The dialable address of @dev, as GET_DEVCAPS reports it. */
static inline void __kt_addr(struct __test_metadata *_metadata, int fd,
			     __u32 dev, char *addr)
{
	struct ktapi_devcaps caps;

	ASSERT_OK(kt_devcaps(fd, dev, &caps));
	ASSERT_TRUE(memchr(caps.address, 0, sizeof(caps.address)) != NULL);
	strcpy(addr, caps.address);
}
#define DEV_ADDR(fd, dev, addr)	__kt_addr(_metadata, fd, dev, addr)

/*
 * GET_CALL_INFO, asserting success, plus the invariants every info must
 * satisfy whatever the call is doing.
 */
static inline void __kt_get_info(struct __test_metadata *_metadata, int fd,
				 __u32 handle, struct ktapi_call_info *ci,
				 int line)
{
	int err = kt_info(fd, handle, ci);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: GET_CALL_INFO(%u): %s", line, handle,
		       strerror(err));
	}
	EXPECT_EQ(handle, ci->handle) TH_LOG("line %d", line);
	EXPECT_NE(0, ci->call_id) TH_LOG("line %d", line);
	EXPECT_EQ(KTAPI_CALLREASON_DIRECT, ci->reason) TH_LOG("line %d", line);
	EXPECT_TRUE(ci->privilege == P_OWN || ci->privilege == P_MON) {
		TH_LOG("line %d: privilege %#x", line, ci->privilege);
	}
	EXPECT_TRUE(ci->origin == KTAPI_CALLORIGIN_OUTBOUND ||
		    ci->origin == KTAPI_CALLORIGIN_INTERNAL ||
		    ci->origin == KTAPI_CALLORIGIN_INBOUND) {
		TH_LOG("line %d: origin %#x", line, ci->origin);
	}
	EXPECT_EQ(ci->state, ci->states_seen & ci->state) {
		TH_LOG("line %d: state %#x not in states_seen %#x", line,
		       ci->state, ci->states_seen);
	}
	if (ci->state != S_DISC) {
		EXPECT_EQ(0, ci->state_mode) TH_LOG("line %d", line);
	} else {
		EXPECT_NE(0, ci->state_mode) TH_LOG("line %d", line);
	}
	EXPECT_NE(0, ci->create_time_ns) TH_LOG("line %d", line);
	EXPECT_LE(ci->create_time_ns, ci->state_time_ns) TH_LOG("line %d", line);
	EXPECT_GE(kt_now_ns(), ci->state_time_ns) TH_LOG("line %d", line);
	EXPECT_TRUE(memchr(ci->caller_address, 0, KTAPI_ADDRESS_MAX) != NULL);
	EXPECT_TRUE(memchr(ci->called_address, 0, KTAPI_ADDRESS_MAX) != NULL);
	if (ci->privilege == P_OWN) {
		EXPECT_LE(1, ci->num_owners) TH_LOG("line %d", line);
	} else {
		EXPECT_LE(1, ci->num_monitors) TH_LOG("line %d", line);
	}
}
#define GET_INFO(fd, h, ci)	__kt_get_info(_metadata, fd, h, ci, __LINE__)

/*
 * Read one event and compare it with what is expected.  @handle and
 * @call_id may be ANY (any non-zero value).  @mode is the state_mode of a
 * CALLSTATE, the dropped count of an OVERFLOW; fields a type does not list
 * must be zero.  The record read is returned in @out when it is not NULL.
 */
static inline void __kt_expect_event(struct __test_metadata *_metadata,
				     int line, int fd, struct ktapi_event *out,
				     __u32 type, __u32 handle, __u32 call_id,
				     __u32 state, __u32 mode, __u32 priv)
{
	struct ktapi_event ev;
	int err = kt_read_event(fd, &ev, EV_WAIT_MS);
	bool ok;

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: no event (%s), expected %s %s", line,
		       kt_errname(err), ev_type_name(type), state_name(state));
	}
	if (out)
		*out = ev;
	ok = ev.type == type && ev.reserved == 0 && ev.time_ns != 0 &&
	     ev.time_ns <= kt_now_ns();
	switch (type) {
	case EV_NEW:
	case EV_CS:
		ok = ok && (handle ? ev.handle == handle : ev.handle != 0) &&
		     (call_id ? ev.call_id == call_id : ev.call_id != 0) &&
		     ev.state == state && ev.privilege == priv &&
		     ev.state_mode == (type == EV_CS ? mode : 0) &&
		     ev.dropped == 0;
		break;
	case EV_CLOSE:
		ok = ok && !ev.handle && !ev.call_id && !ev.state &&
		     !ev.state_mode && !ev.privilege && !ev.dropped;
		break;
	case EV_OVF:
		ok = ok && !ev.handle && !ev.call_id && !ev.state &&
		     !ev.state_mode && !ev.privilege && ev.dropped == mode;
		break;
	case EV_LCREATE:
	case EV_LREMOVE:
		/* @mode is the device id. */
		ok = ok && !ev.handle && !ev.call_id && !ev.state &&
		     !ev.state_mode && !ev.privilege && ev.device_id == mode;
		break;
	case EV_CI:
		/* @mode is info_state. */
		ok = ok && (handle ? ev.handle == handle : ev.handle != 0) &&
		     (call_id ? ev.call_id == call_id : ev.call_id != 0) &&
		     !ev.state && !ev.state_mode && !ev.privilege &&
		     ev.info_state == mode;
		break;
	case EV_REPLY:
		/* EXPECT_REPLY() checks these. */
		ok = false;
		break;
	}
	EXPECT_TRUE(ok) {
		TH_LOG("line %d: expected %s h=%u call=%u %s mode/dropped=%u priv=%u",
		       line, ev_type_name(type), handle, call_id,
		       state_name(state), mode, priv);
		TH_LOG("line %d:      got %s h=%u call=%u %s mode=%u priv=%u dropped=%u reserved=%u time=%llu",
		       line, ev_type_name(ev.type), ev.handle, ev.call_id,
		       state_name(ev.state), ev.state_mode, ev.privilege,
		       ev.dropped, ev.reserved, (unsigned long long)ev.time_ns);
	}
}
#define EXPECT_EV(fd, type, h, cid, state, mode, priv)			\
	__kt_expect_event(_metadata, __LINE__, fd, NULL, type, h, cid,	\
			  state, mode, priv)
#define EXPECT_EV_OUT(out, fd, type, h, cid, state, mode, priv)	\
	__kt_expect_event(_metadata, __LINE__, fd, out, type, h, cid,	\
			  state, mode, priv)
#define EXPECT_CS(fd, h, cid, state, mode, priv)			\
	EXPECT_EV(fd, EV_CS, h, cid, state, mode, priv)
#define EXPECT_NEW(out, fd, cid, state, priv)				\
	EXPECT_EV_OUT(out, fd, EV_NEW, ANY, cid, state, 0, priv)
/* A CALLINFO record of @h (call @cid) whose info_state is @bits. */
#define EXPECT_CI(fd, h, cid, bits)					\
	EXPECT_EV(fd, EV_CI, h, cid, 0, bits, 0)

/*
 * Nothing (more) may be queued on any of the @n files @fds: poll() times
 * out, or read() is at the end of a force-closed line.
 */
static inline void __kt_expect_no_event(struct __test_metadata *_metadata,
					int line, const int *fds, size_t n)
{
	struct ktapi_event ev;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		err = kt_read_event(fds[i], &ev, NO_EV_WAIT_MS);
		EXPECT_NE(0, err) {
			TH_LOG("line %d fd #%zu: unexpected %s h=%u call=%u %s mode=%u priv=%u dropped=%u",
			       line, i, ev_type_name(ev.type), ev.handle,
			       ev.call_id, state_name(ev.state), ev.state_mode,
			       ev.privilege, ev.dropped);
		}
		if (err && err != EPIPE) {
			EXPECT_EQ(ETIMEDOUT, err) TH_LOG("line %d fd #%zu", line, i);
		}
	}
}
/* EXPECT_NO_EV(fd, ...): one or more files. */
#define EXPECT_NO_EV(...)						\
	__kt_expect_no_event(_metadata, __LINE__, (const int[]){ __VA_ARGS__ }, \
			     sizeof((int[]){ __VA_ARGS__ }) / sizeof(int))

/*
 * MAKE_CALL from @fd to @addr, which the switch refuses: @fd reads DIALING,
 * then DISCONNECTED with @mode, and nothing more.  Fills *h and *cid.
 */
static inline void __kt_call_refused(struct __test_metadata *_metadata,
				     int line, int fd, const char *addr,
				     __u32 mode, __u32 *h, __u32 *cid)
{
	ASSERT_OK(kt_make_call(fd, addr, h, cid));
	__kt_expect_event(_metadata, line, fd, NULL, EV_CS, *h, *cid,
			  S_DIALING, 0, P_OWN);
	__kt_expect_event(_metadata, line, fd, NULL, EV_CS, *h, *cid,
			  S_DISC, mode, P_OWN);
	__kt_expect_no_event(_metadata, line, &fd, 1);
}
#define CALL_REFUSED(fd, addr, mode, h, cid)				\
	__kt_call_refused(_metadata, __LINE__, fd, addr, mode, h, cid)

/* ---------------------------------------------------------------------- */
/* Providers and async requests, harness side.                             */

/* /dev/ktapi-provider must exist once /dev/ktapi does. */
#define PROV_REQUIRE()							\
	do {								\
		if (access(KTAPI_DEV, F_OK))				\
			SKIP_NOW("%s does not exist: ktapi module not loaded", \
				 KTAPI_DEV);				\
		ASSERT_EQ(0, access(KTAPI_PROVIDER_DEV, F_OK)) {	\
			TH_LOG("%s: %s", KTAPI_PROVIDER_DEV,		\
			       strerror(errno));			\
		}							\
	} while (0)

/* open() + REGISTER, asserting success: the fd; *id (may be NULL) its id. */
static inline int __kt_prov(struct __test_metadata *_metadata,
			    const char *name, __u32 max_requests, __u32 *id,
			    int line)
{
	int fd = kt_prov_open();
	int err = errno;

	ASSERT_LE(0, fd) {
		TH_LOG("line %d: open %s: %s", line, KTAPI_PROVIDER_DEV,
		       strerror(err));
	}
	err = kt_prov_register(fd, name, max_requests, id);
	ASSERT_EQ(0, err) {
		TH_LOG("line %d: REGISTER(%s, %u): %s", line, name,
		       max_requests, kt_errname(err));
	}
	return fd;
}
#define PROV(name, maxreq)	__kt_prov(_metadata, name, maxreq, NULL, __LINE__)
#define PROV_ID(name, maxreq, id) __kt_prov(_metadata, name, maxreq, id, __LINE__)

/* ADD_LINE, asserting success: the new device id. */
static inline __u32 __kt_prov_line(struct __test_metadata *_metadata, int pfd,
				   const char *addr, const char *name,
				   int line)
{
	__u32 dev = 0;
	int err = kt_prov_add_line(pfd, addr, name, &dev);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: ADD_LINE(%s): %s", line, addr,
		       kt_errname(err));
	}
	return dev;
}
#define PROV_LINE(pfd, addr)	__kt_prov_line(_metadata, pfd, addr, NULL, __LINE__)

/*
 * Read one request from the provider @pfd (waiting up to EV_WAIT_MS) and
 * check it: @type, @dev, @call_id (ANY: any non-zero), request_id non-zero
 * but for CLOSECALL (0), @state for CLOSECALL (else 0), the addresses
 * NUL-terminated and empty but for MAKECALL (@dest, and @caller unless
 * NULL), every other byte 0.  The record is returned in @out (may be NULL).
 */
static inline void __kt_expect_req(struct __test_metadata *_metadata, int line,
				   int pfd, struct ktapi_provider_request *out,
				   __u32 type, __u32 dev, __u32 call_id,
				   __u32 state, const char *dest,
				   const char *caller)
{
	struct ktapi_provider_request req;
	int err = kt_prov_read(pfd, &req, EV_WAIT_MS);
	bool ok, mk = type == KTAPI_PREQ_MAKECALL;

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: no request (%s), expected %s", line,
		       kt_errname(err), preq_name(type));
	}
	if (out)
		*out = req;
	ok = req.type == type && req.device_id == dev &&
	     (call_id ? req.call_id == call_id : req.call_id != 0) &&
	     (type == KTAPI_PREQ_CLOSECALL ? req.request_id == 0 &&
					     (state == KT_ANY_STATE ||
					      req.state == state) :
					     req.request_id != 0 &&
					     req.state == 0) &&
	     memchr(req.dest_address, 0, KTAPI_ADDRESS_MAX) &&
	     memchr(req.caller_address, 0, KTAPI_ADDRESS_MAX) &&
	     (mk ? dest && !strcmp(req.dest_address, dest) &&
		   (!caller || !strcmp(req.caller_address, caller)) :
		   !req.dest_address[0] && !req.caller_address[0]);
	if (ok) {
		/* "Every byte not listed for a type is 0": past the strings. */
		size_t i, n = strlen(req.dest_address);

		for (i = n; i < KTAPI_ADDRESS_MAX; i++)
			ok = ok && !req.dest_address[i];
		n = strlen(req.caller_address);
		for (i = n; i < KTAPI_ADDRESS_MAX; i++)
			ok = ok && !req.caller_address[i];
	}
	EXPECT_TRUE(ok) {
		TH_LOG("line %d: expected %s dev=%u call=%u state=%s dest=%s",
		       line, preq_name(type), dev, call_id, state_name(state),
		       dest ? dest : "");
		TH_LOG("line %d:      got %s dev=%u call=%u rid=%llu state=%s dest=%.64s caller=%.64s",
		       line, preq_name(req.type), req.device_id, req.call_id,
		       (unsigned long long)req.request_id,
		       state_name(req.state), req.dest_address,
		       req.caller_address);
	}
}
/* The next request is a MAKECALL to @dest on @dev. */
#define EXPECT_MAKECALL(out, pfd, dev, cid, dest)			\
	__kt_expect_req(_metadata, __LINE__, pfd, out, KTAPI_PREQ_MAKECALL, \
			dev, cid, 0, dest, NULL)
#define EXPECT_PREQ(out, pfd, type, dev, cid)				\
	__kt_expect_req(_metadata, __LINE__, pfd, out, type, dev, cid,	\
			type == KTAPI_PREQ_CLOSECALL ? KT_ANY_STATE : 0,	\
			NULL, NULL)
#define EXPECT_CLOSECALL(pfd, dev, cid, state)				\
	__kt_expect_req(_metadata, __LINE__, pfd, NULL, KTAPI_PREQ_CLOSECALL, \
			dev, cid, state, NULL, NULL)

/* Nothing (more) is queued for the provider @pfd. */
static inline void __kt_expect_no_req(struct __test_metadata *_metadata,
				      int line, int pfd, int wait_ms)
{
	struct ktapi_provider_request req;
	int err = kt_prov_read(pfd, &req, wait_ms);

	EXPECT_EQ(ETIMEDOUT, err) {
		TH_LOG("line %d: unexpected %s (%s) dev=%u call=%u rid=%llu state=%s",
		       line, preq_name(req.type), kt_errname(err),
		       req.device_id, req.call_id,
		       (unsigned long long)req.request_id,
		       state_name(req.state));
	}
}
#define EXPECT_NO_REQ(pfd)	__kt_expect_no_req(_metadata, __LINE__, pfd, NO_EV_WAIT_MS)

/*
 * The next record of @fd is the REPLY of @rid with @result (0 or a
 * negative errno), naming @handle and @call_id (ANY: any non-zero; a
 * failed MAKE_CALL's are still the ones it returned).
 */
static inline void __kt_expect_reply(struct __test_metadata *_metadata,
				     int line, int fd, __u32 rid, __s32 result,
				     __u32 handle, __u32 call_id)
{
	struct ktapi_event ev;
	int err = kt_read_event(fd, &ev, EV_WAIT_MS);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: no event (%s), expected REPLY %u", line,
		       kt_errname(err), rid);
	}
	EXPECT_TRUE(ev.type == EV_REPLY && ev.request_id == rid &&
		    ev.result == result &&
		    (handle ? ev.handle == handle : ev.handle != 0) &&
		    (call_id ? ev.call_id == call_id : ev.call_id != 0) &&
		    !ev.state && !ev.state_mode && !ev.privilege &&
		    ev.time_ns && ev.time_ns <= kt_now_ns()) {
		TH_LOG("line %d: expected REPLY rid=%u result=%d h=%u call=%u",
		       line, rid, result, handle, call_id);
		TH_LOG("line %d:      got %s rid=%u result=%d h=%u call=%u %s mode=%u priv=%u",
		       line, ev_type_name(ev.type), ev.request_id, ev.result,
		       ev.handle, ev.call_id, state_name(ev.state),
		       ev.state_mode, ev.privilege);
	}
}
#define EXPECT_REPLY(fd, rid, result, h, cid)				\
	__kt_expect_reply(_metadata, __LINE__, fd, rid, result, h, cid)

/*
 * An outgoing call through the provider @pfd: @app (a line on @dev) makes
 * an async MAKE_CALL to @dest, the provider reads its MAKECALL and replies
 * 0; @app reads the REPLY, then CALLSTATE DIALING.  Fills *h and *cid
 * (the provider's call id is the same).  Monitors of @dev are the
 * caller's to read.
 */
static inline void __kt_prov_call_out(struct __test_metadata *_metadata,
				      int line, int app, int pfd, __u32 dev,
				      const char *dest, __u32 *h, __u32 *cid)
{
	struct ktapi_provider_request req;
	__u32 rid = 0;
	int err = kt_make_call_async(app, dest, h, cid, &rid);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: MAKE_CALL(ASYNC, %s): %s", line, dest,
		       kt_errname(err));
	}
	ASSERT_NE(0, rid) TH_LOG("line %d", line);
	__kt_expect_req(_metadata, line, pfd, &req, KTAPI_PREQ_MAKECALL, dev,
			*cid, 0, dest, NULL);
	err = kt_prov_reply(pfd, req.request_id, 0);
	ASSERT_EQ(0, err) TH_LOG("line %d: REPLY: %s", line, kt_errname(err));
	__kt_expect_reply(_metadata, line, app, rid, 0, *h, *cid);
	__kt_expect_event(_metadata, line, app, NULL, EV_CS, *h, *cid,
			  S_DIALING, 0, P_OWN);
}
#define PROV_CALL_OUT(app, pfd, dev, dest, h, cid)			\
	__kt_prov_call_out(_metadata, __LINE__, app, pfd, dev, dest, h, cid)

/*
 * An incoming call: the provider @pfd reports NEWCALL on @dev from
 * @caller; @owner (the OWNER line of @dev) reads APPNEWCALL and CALLSTATE
 * OFFERING.  Fills *h (the owner's handle) and *cid.
 */
static inline void __kt_prov_call_in(struct __test_metadata *_metadata,
				     int line, int pfd, __u32 dev,
				     const char *caller, const char *called,
				     int owner, __u32 *h, __u32 *cid)
{
	struct ktapi_event ev;
	int err = kt_prov_newcall(pfd, dev, caller, called, cid);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: NEWCALL(dev %u): %s", line, dev,
		       kt_errname(err));
	}
	ASSERT_NE(0, *cid) TH_LOG("line %d", line);
	__kt_expect_event(_metadata, line, owner, &ev, EV_NEW, ANY, *cid,
			  S_OFFERING, 0, P_OWN);
	*h = ev.handle;
	__kt_expect_event(_metadata, line, owner, NULL, EV_CS, *h, *cid,
			  S_OFFERING, 0, P_OWN);
}
#define PROV_CALL_IN(pfd, dev, caller, called, owner, h, cid)		\
	__kt_prov_call_in(_metadata, __LINE__, pfd, dev, caller, called,	\
			  owner, h, cid)

/*
 * A pending outgoing call: @app (a line on @dev) makes an async MAKE_CALL
 * to @dest, asserting success, and the provider @pfd reads its MAKECALL
 * (checked as EXPECT_MAKECALL() does, with the call id returned), which
 * stays unanswered.  Fills *h, *cid, *rid and *req (may be NULL).
 */
static inline void __kt_prov_call_pending(struct __test_metadata *_metadata,
					  int line, int app, int pfd,
					  __u32 dev, const char *dest,
					  __u32 *h, __u32 *cid, __u32 *rid,
					  struct ktapi_provider_request *req)
{
	int err = kt_make_call_async(app, dest, h, cid, rid);

	ASSERT_EQ(0, err) {
		TH_LOG("line %d: MAKE_CALL(ASYNC, %s): %s", line, dest,
		       kt_errname(err));
	}
	__kt_expect_req(_metadata, line, pfd, req, KTAPI_PREQ_MAKECALL, dev,
			*cid, 0, dest, NULL);
}
#define PROV_CALL_PENDING(app, pfd, dev, dest, h, cid, rid, req)	\
	__kt_prov_call_pending(_metadata, __LINE__, app, pfd, dev, dest, \
			       h, cid, rid, req)

/*
 * The MONITOR line @mon of a leg's device is told of the leg @cid in
 * @state: APPNEWCALL, then CALLSTATE @state, both with P_MON.  The
 * monitor's handle.
 */
static inline __u32 __kt_prov_monitor(struct __test_metadata *_metadata,
				      int line, int mon, __u32 cid,
				      __u32 state)
{
	struct ktapi_event ev;

	__kt_expect_event(_metadata, line, mon, &ev, EV_NEW, ANY, cid, state,
			  0, P_MON);
	__kt_expect_event(_metadata, line, mon, NULL, EV_CS, ev.handle, cid,
			  state, 0, P_MON);
	return ev.handle;
}
#define PROV_MONITOR(mon, cid, state)					\
	__kt_prov_monitor(_metadata, __LINE__, mon, cid, state)

/*
 * The next two requests of @pfd are the CLOSECALLs of @dev's legs @cid_a
 * (in @state_a) and @cid_b (in @state_b), in either order.
 */
static inline void __kt_expect_closecalls(struct __test_metadata *_metadata,
					  int line, int pfd, __u32 dev,
					  __u32 cid_a, __u32 state_a,
					  __u32 cid_b, __u32 state_b)
{
	struct ktapi_provider_request req;
	__u32 seen[2] = { 0, 0 };
	int i;

	for (i = 0; i < 2; i++) {
		__kt_expect_req(_metadata, line, pfd, &req,
				KTAPI_PREQ_CLOSECALL, dev, ANY, KT_ANY_STATE,
				NULL, NULL);
		seen[i] = req.call_id;
		EXPECT_EQ(req.call_id == cid_a ? state_a : state_b, req.state) {
			TH_LOG("line %d: CLOSECALL of %u in %s", line,
			       req.call_id, state_name(req.state));
		}
	}
	EXPECT_TRUE((seen[0] == cid_a && seen[1] == cid_b) ||
		    (seen[0] == cid_b && seen[1] == cid_a)) {
		TH_LOG("line %d: CLOSECALLs of %u and %u, expected %u and %u",
		       line, seen[0], seen[1], cid_a, cid_b);
	}
}
#define EXPECT_CLOSECALLS(pfd, dev, cid_a, state_a, cid_b, state_b)	\
	__kt_expect_closecalls(_metadata, __LINE__, pfd, dev, cid_a,	\
			       state_a, cid_b, state_b)

/* LINE_CREATE / LINE_REMOVE of @dev is the next record of @fd. */
#define EXPECT_LCREATE(fd, dev)	EXPECT_EV(fd, EV_LCREATE, 0, 0, 0, dev, 0)
#define EXPECT_LREMOVE(fd, dev)	EXPECT_EV(fd, EV_LREMOVE, 0, 0, 0, dev, 0)

/*
 * The provider's timeout lowered to @ms for the test, put back by
 * PROV_TIMEOUT_RESTORE() (a test runs in a child: save it in the fixture).
 */
static inline long long __kt_prov_timeout(struct __test_metadata *_metadata,
					  long long ms)
{
	long long old = kt_param("provider_timeout_ms");

	ASSERT_LT(0, old) TH_LOG("no provider_timeout_ms parameter");
	ASSERT_OK(kt_param_set("provider_timeout_ms", ms));
	return old;
}
#define PROV_TIMEOUT(ms)	__kt_prov_timeout(_metadata, ms)
#define PROV_TIMEOUT_RESTORE(old)					\
	do {								\
		if ((old) > 0)						\
			kt_param_set("provider_timeout_ms", old);	\
	} while (0)

/*
 * For a program with a main() of its own instead of TEST_HARNESS_MAIN: the
 * whole program skips without the module; the result is a zeroed area of
 * @len bytes shared with the forked tests.
 */
static inline void *kt_main_start(size_t len)
{
	void *p;

	if (access(KTAPI_DEV, F_OK)) {
		ksft_print_header();
		ksft_exit_skip("%s not present (module not loaded)\n", KTAPI_DEV);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		ksft_print_header();
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	}
	return p;
}

/* And its tests run in declaration order, as with TEST_HARNESS_MAIN. */
#define KT_TESTS_IN_ORDER()						\
	static void __attribute__((constructor)) __constructor_order_last(void) \
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}

/* ---------------------------------------------------------------------- */
/* The call fixture of most area programs: two lines, a (device 0, OWNER)  */
/* and b (device 1, OWNER), api 2.2.                                       */

/* The call fixture needs this much room in a queue and a handle space. */
#define CALL_MIN_QUEUE		16
#define CALL_MIN_HANDLES	32

/* Limit tests fill a file's whole handle space; skip beyond this. */
#define FILL_LIMIT	(1UL << 18)


FIXTURE(call) {
	struct ktapi_params p;
	int a, b;
	char addr_a[KTAPI_ADDRESS_MAX];
	char addr_b[KTAPI_ADDRESS_MAX];
};

/*
 * Read the parameters into @p; skip unless there are 2 line devices and
 * room for the call fixture's events and handles.
 */
static inline void __kt_require_call(struct __test_metadata *_metadata,
				     struct ktapi_params *p)
{
	KT_REQUIRE(p);
	if (p->lines < 2)
		SKIP_NOW("needs 2 line devices, lines=%lu", p->lines);
	/* Most tests queue a few events, or hold a few handles, at once. */
	if (p->event_queue_len < CALL_MIN_QUEUE)
		SKIP_NOW("needs event_queue_len >= %d, have %lu", CALL_MIN_QUEUE,
			 p->event_queue_len);
	if (p->max_handles < CALL_MIN_HANDLES)
		SKIP_NOW("needs max_handles >= %d, have %lu", CALL_MIN_HANDLES,
			 p->max_handles);
}
#define KT_REQUIRE_CALL(p)	__kt_require_call(_metadata, p)

FIXTURE_SETUP(call)
{
	KT_REQUIRE_CALL(&self->p);
	self->a = LINE(0, P_OWN);
	self->b = LINE(1, P_OWN);
	DEV_ADDR(self->a, 0, self->addr_a);
	DEV_ADDR(self->a, 1, self->addr_b);
}

FIXTURE_TEARDOWN(call)
{
	close_fd(&self->a);
	close_fd(&self->b);
}

/* The two legs of one internal call, as seen by a (caller) and b (callee). */
struct pair {
	__u32 ha, ca;	/* a's OWNER handle and call_id of the outbound leg */
	__u32 hb, cb;	/* b's OWNER handle and call_id of the incoming leg */
};

/* One end of a call (the callee b's leg or the caller a's) and its peer. */
struct pair_end {
	int fd, peer;		/* its line and the peer's */
	__u32 h, cid;		/* its handle and call_id */
	__u32 ph, pcid;		/* the peer's */
};

static inline struct pair_end pair_end(int a, int b, const struct pair *pr,
				       bool callee)
{
	struct pair_end e = {
		.fd = callee ? b : a,
		.peer = callee ? a : b,
		.h = callee ? pr->hb : pr->ha,
		.cid = callee ? pr->cb : pr->ca,
		.ph = callee ? pr->ha : pr->hb,
		.pcid = callee ? pr->ca : pr->cb,
	};

	return e;
}
#define PAIR_END(pr, callee)	pair_end(self->a, self->b, pr, callee)

/* a calls b; checks both event sequences (the uapi header's) and fills @pr. */
static inline void __call_ab(struct __test_metadata *_metadata, int a, int b,
			     const char *addr_b, struct pair *pr)
{
	struct ktapi_call_info ci;
	struct ktapi_event ev;

	ASSERT_OK(kt_make_call(a, addr_b, &pr->ha, &pr->ca));
	ASSERT_NE(0, pr->ha);
	ASSERT_NE(0, pr->ca);
	EXPECT_CS(a, pr->ha, pr->ca, S_DIALING, 0, P_OWN);
	EXPECT_CS(a, pr->ha, pr->ca, S_RINGBACK, 0, P_OWN);
	GET_INFO(a, pr->ha, &ci);
	pr->cb = ci.related_call_id;
	ASSERT_NE(0, pr->cb);
	ASSERT_NE(pr->ca, pr->cb);
	EXPECT_NEW(&ev, b, pr->cb, S_OFFERING, P_OWN);
	pr->hb = ev.handle;
	EXPECT_CS(b, pr->hb, pr->cb, S_OFFERING, 0, P_OWN);
}
#define CALL_AB(pr)	__call_ab(_metadata, self->a, self->b, self->addr_b, pr)

/* b answers: callee leg CONNECTED, then the caller's. */
static inline void __answer_ab(struct __test_metadata *_metadata, int a, int b,
			       struct pair *pr)
{
	ASSERT_OK(kt_answer(b, pr->hb));
	EXPECT_CS(b, pr->hb, pr->cb, S_CONNECTED, 0, P_OWN);
	EXPECT_CS(a, pr->ha, pr->ca, S_CONNECTED, 0, P_OWN);
}
#define ANSWER_AB(pr)	__answer_ab(_metadata, self->a, self->b, pr)

/* Both legs IDLE: the caller drops, then the callee; both queues emptied. */
static inline void __idle_ab(struct __test_metadata *_metadata, int a, int b,
			     const struct pair *pr)
{
	ASSERT_OK(kt_drop(a, pr->ha));
	ASSERT_OK(kt_drop(b, pr->hb));
	kt_drain(a);
	kt_drain(b);
}
#define IDLE_AB(pr)	__idle_ab(_metadata, self->a, self->b, pr)

/*
 * CALL_AB watched by MONITOR lines (api @api) opened first on the devices
 * @devs names: WATCH_A device 0 (the caller's), WATCH_B device 1.  Each has
 * read its APPNEWCALL: the caller's leg DIALING, the callee's OFFERING.
 */
#define WATCH_A		1
#define WATCH_B		2

struct watched {
	int m0, m1;	/* the MONITOR lines of devices 0 and 1, or -1 */
	__u32 hm0, hm1;	/* their handles: of the caller's leg, the callee's */
};

static inline void __call_ab_watched(struct __test_metadata *_metadata,
				     int a, int b, const char *addr_b,
				     __u32 api, unsigned int devs,
				     struct pair *pr, struct watched *w)
{
	struct ktapi_event ev;

	memset(w, 0, sizeof(*w));
	w->m0 = devs & WATCH_A ? LINE_API(0, P_MON, api) : -1;
	w->m1 = devs & WATCH_B ? LINE_API(1, P_MON, api) : -1;
	__call_ab(_metadata, a, b, addr_b, pr);
	if (w->m0 >= 0) {
		EXPECT_NEW(&ev, w->m0, pr->ca, S_DIALING, P_MON);
		w->hm0 = ev.handle;
	}
	if (w->m1 >= 0) {
		EXPECT_NEW(&ev, w->m1, pr->cb, S_OFFERING, P_MON);
		w->hm1 = ev.handle;
	}
}
#define CALL_AB_WATCHED(pr, w, devs)					\
	__call_ab_watched(_metadata, self->a, self->b, self->addr_b,	\
			  API_CUR, devs, pr, w)

/* Every ioctl that takes a handle says ENOENT for @h on @fd. */
static inline void check_enoent(struct __test_metadata *_metadata, int fd,
				__u32 h)
{
	struct ktapi_call_info ci;

	EXPECT_ERRNO(ENOENT, kt_info(fd, h, &ci));
	EXPECT_ERRNO(ENOENT, kt_answer(fd, h));
	EXPECT_ERRNO(ENOENT, kt_drop(fd, h));
	EXPECT_ERRNO(ENOENT, kt_dealloc(fd, h));
}

#endif /* !KTAPI_NO_HARNESS */

#endif /* KTAPI_UTILS_H */
