// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi introspection: trace events, /proc/<pid>/fdinfo and the sysfs
 * stats files, checked against a real call.  Runs as root in the test VM
 * with the module loaded and no other user of line devices 0 and 1.
 */
#define _GNU_SOURCE

#include "ktapi_utils.h"

#define TRACEFS		"/sys/kernel/tracing"

/* The whole of a small text file, NUL-terminated; NULL on error. */
static char *slurp(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t r;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while ((r = read(fd, buf + len, cap - 1 - len)) > 0) {
		len += r;
		if (len == cap - 1) {
			char *n = realloc(buf, cap * 2);

			if (!n)
				break;
			buf = n;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* The value of "key<sep>value" in text, or -1. */
static long long field(const char *text, const char *key, char sep)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == sep)
			return strtoll(p + klen + 1, NULL, 0);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static long long fdinfo(int fd, const char *key)
{
	char path[64];
	long long v;
	char *text;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	text = slurp(path);
	if (!text)
		return -2;
	v = field(text, key, ':');
	free(text);
	return v;
}

static long long stat_of(const char *key)
{
	long long v;

	return kt_stat(key, &v) ? -2 : v;
}

FIXTURE(trace) {
	int caller, callee;
};

FIXTURE_SETUP(trace)
{
	if (access(TRACEFS "/events", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	ASSERT_EQ(0, access(TRACEFS "/events/ktapi", F_OK))
		TH_LOG("no ktapi trace events in " TRACEFS);
	ASSERT_EQ(0, kt_write_file(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, kt_write_file(TRACEFS "/trace", ""));
	ASSERT_EQ(0, kt_write_file(TRACEFS "/events/ktapi/enable", "1"));
	ASSERT_EQ(0, kt_write_file(TRACEFS "/tracing_on", "1"));
	self->caller = -1;
	self->callee = -1;
}

FIXTURE_TEARDOWN(trace)
{
	kt_write_file(TRACEFS "/events/ktapi/enable", "0");
	if (self->caller >= 0)
		close(self->caller);
	if (self->callee >= 0)
		close(self->callee);
}

/* A real call leaves one trace record per step, with the right ids. */
TEST_F(trace, call_records)
{
	struct ktapi_make_call mc;
	char want[160];
	char *t;

	self->callee = LINE_API(1, KTAPI_PRIVILEGE_OWNER,
				 KTAPI_API_VERSION_2_2);
	ASSERT_LE(0, self->callee);
	self->caller = LINE_API(0, KTAPI_PRIVILEGE_NONE,
				 KTAPI_API_VERSION_2_0);
	ASSERT_LE(0, self->caller);
	ASSERT_EQ(0, kt_make_call(self->caller, "1001", &mc.handle, &mc.call_id));
	ASSERT_EQ(0, kt_op(self->caller, KTAPI_IOC_DROP, mc.handle));
	ASSERT_EQ(0, kt_op(self->caller, KTAPI_IOC_DEALLOCATE_CALL,
			     mc.handle));
	close(self->caller);
	self->caller = -1;
	ASSERT_EQ(0, kt_write_file(TRACEFS "/tracing_on", "0"));

	t = slurp(TRACEFS "/trace");
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "ktapi_line_open: device=1 privileges=0x4 api_version=0x00020002"));
	EXPECT_NE(NULL, strstr(t, "ktapi_line_open: device=0 privileges=0x1 api_version=0x00020000"));
	snprintf(want, sizeof(want),
		 "ktapi_handle_alloc: device=0 handle=%u call_id=%u privilege=0x4",
		 mc.handle, mc.call_id);
	EXPECT_NE(NULL, strstr(t, want)) TH_LOG("no \"%s\" in:\n%s", want, t);
	snprintf(want, sizeof(want),
		 "ktapi_call_state: call_id=%u device=0 state=0x0->0x10 mode=0x0",
		 mc.call_id);
	EXPECT_NE(NULL, strstr(t, want)) TH_LOG("no \"%s\"", want);
	snprintf(want, sizeof(want),
		 "ktapi_call_state: call_id=%u device=0 state=0x10->0x20",
		 mc.call_id);
	EXPECT_NE(NULL, strstr(t, want)) TH_LOG("no \"%s\"", want);
	snprintf(want, sizeof(want),
		 "ktapi_call_state: call_id=%u device=0 state=0x20->0x1",
		 mc.call_id);
	EXPECT_NE(NULL, strstr(t, want)) TH_LOG("no \"%s\"", want);
	/* The callee's leg: OFFERING, then DISCONNECTED/NORMAL. */
	EXPECT_NE(NULL, strstr(t, "device=1 state=0x0->0x2 mode=0x0"));
	EXPECT_NE(NULL, strstr(t, "device=1 state=0x2->0x4000 mode=0x1"));
	snprintf(want, sizeof(want),
		 "ktapi_handle_free: device=0 handle=%u call_id=%u privilege=0x4",
		 mc.handle, mc.call_id);
	EXPECT_NE(NULL, strstr(t, want)) TH_LOG("no \"%s\"", want);
	EXPECT_NE(NULL, strstr(t, "ktapi_line_close: device=0 forced=0 handles=0"));
	free(t);
}

/* A full queue traces each event it drops. */
TEST_F(trace, event_drop_records)
{
	struct ktapi_make_call mc;
	unsigned int i, qlen;
	char *p, *t;

	p = slurp("/sys/module/ktapi/parameters/event_queue_len");
	ASSERT_NE(NULL, p);
	qlen = strtoul(p, NULL, 10);
	free(p);
	self->caller = LINE_API(0, KTAPI_PRIVILEGE_NONE,
				 KTAPI_API_VERSION_2_2);
	ASSERT_LE(0, self->caller);
	/* Each call to "999" queues two events: DIALING, DISCONNECTED. */
	for (i = 0; i < qlen / 2 + 1; i++)
		ASSERT_EQ(0, kt_make_call(self->caller, "999", &mc.handle, &mc.call_id));
	ASSERT_EQ(0, kt_write_file(TRACEFS "/tracing_on", "0"));
	t = slurp(TRACEFS "/trace");
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "ktapi_event_drop: type=2 handle="))
		TH_LOG("queue of %u overflowed without a drop record", qlen);
	free(t);
}

/* fdinfo follows the file through LINE_OPEN, calls and events. */
TEST(fdinfo_follows_the_line)
{
	struct ktapi_make_call mc;
	int fd;

	fd = kt_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fdinfo(fd, "ktapi-handles"));
	EXPECT_EQ(-1, fdinfo(fd, "ktapi-device"));
	close(fd);

	fd = LINE_API(1, KTAPI_PRIVILEGE_MONITOR | KTAPI_PRIVILEGE_OWNER,
		       KTAPI_API_VERSION_1_4);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, fdinfo(fd, "ktapi-device"));
	EXPECT_EQ(0x6, fdinfo(fd, "ktapi-privileges"));
	EXPECT_EQ(0x00010004, fdinfo(fd, "ktapi-api-version"));
	EXPECT_EQ(0, fdinfo(fd, "ktapi-handles"));
	EXPECT_EQ(0, fdinfo(fd, "ktapi-events-queued"));
	ASSERT_EQ(0, kt_make_call(fd, "999", &mc.handle, &mc.call_id));
	ASSERT_EQ(0, kt_make_call(fd, "999", &mc.handle, &mc.call_id));
	EXPECT_EQ(2, fdinfo(fd, "ktapi-handles"));
	EXPECT_EQ(4, fdinfo(fd, "ktapi-events-queued"));
	ASSERT_EQ(0, kt_op(fd, KTAPI_IOC_DROP, mc.handle));
	ASSERT_EQ(0, kt_op(fd, KTAPI_IOC_DEALLOCATE_CALL, mc.handle));
	EXPECT_EQ(1, fdinfo(fd, "ktapi-handles"));
	EXPECT_EQ(5, fdinfo(fd, "ktapi-events-queued"));
	close(fd);
}

/* The stats count what a file holds, and total what it made. */
TEST(stats_follow_a_file)
{
	long long calls0, handles0, lines0, total0, files0;
	struct ktapi_make_call mc;
	int fd;

	files0 = stat_of("files");
	lines0 = stat_of("lines_open");
	calls0 = stat_of("calls");
	handles0 = stat_of("handles");
	total0 = stat_of("calls_total");
	ASSERT_LE(0, files0) TH_LOG("no %s", KTAPI_STATS);
	ASSERT_LE(0, total0);

	fd = LINE_API(0, KTAPI_PRIVILEGE_NONE, KTAPI_API_VERSION_2_2);
	ASSERT_LE(0, fd);
	EXPECT_EQ(files0 + 1, stat_of("files"));
	EXPECT_EQ(lines0 + 1, stat_of("lines_open"));
	ASSERT_EQ(0, kt_make_call(fd, "999", &mc.handle, &mc.call_id));
	EXPECT_EQ(calls0 + 1, stat_of("calls"));
	EXPECT_EQ(handles0 + 1, stat_of("handles"));
	EXPECT_EQ(total0 + 1, stat_of("calls_total"));
	close(fd);
	EXPECT_EQ(files0, stat_of("files"));
	EXPECT_EQ(lines0, stat_of("lines_open"));
	EXPECT_EQ(calls0, stat_of("calls"));
	EXPECT_EQ(handles0, stat_of("handles"));
	EXPECT_EQ(total0 + 1, stat_of("calls_total"));
}

TEST_HARNESS_MAIN
