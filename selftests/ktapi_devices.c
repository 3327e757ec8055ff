// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi kselftests: line devices (DOC: Line devices, Providers, Events of
 * the uapi header): GET_DEVCAPS's kind, provider and name fields, a
 * program built before them (VER0 size), lines=0, and the devices a
 * provider adds and removes: LINE_CREATE and LINE_REMOVE to every open
 * file, with or without LINE_OPEN, ids never reused, ENODEV after removal,
 * forced close of the lines on a removed device, num_devices growing.
 *
 * The provider tests SKIP while /dev/ktapi-provider does not exist.
 * Built 64-bit and -m32; the conventions of all of them: ktapi_utils.h.
 */
#define _GNU_SOURCE

#include <pthread.h>

#include "ktapi_utils.h"

/* Files that get LINE_CREATE / LINE_REMOVE at once in the "many" test. */
#define MANY_FILES	64

/* The parameters, without KT_REQUIRE()'s lines >= 1: lines=0 is valid. */
static void devs_params(struct __test_metadata *_metadata,
			struct ktapi_params *p)
{
	if (access(KTAPI_DEV, F_OK))
		SKIP_NOW("%s does not exist: ktapi module not loaded", KTAPI_DEV);
	ASSERT_EQ(0, kt_params(p));
	ASSERT_LE(1, p->event_queue_len);
}

/* A provider is needed: skip while the module has no provider node. */
#define NEED_PROVIDER()							\
	do {								\
		if (access(KTAPI_PROVIDER_DEV, F_OK))			\
			SKIP_NOW("%s does not exist (no provider support yet)", \
				 KTAPI_PROVIDER_DEV);			\
	} while (0)

/* Every byte of @s past its NUL is 0 too, and there is a NUL. */
static bool nul_padded(const char *s, size_t len)
{
	size_t n = strnlen(s, len), i;

	if (n == len)
		return false;
	for (i = n; i < len; i++)
		if (s[i])
			return false;
	return true;
}

FIXTURE(devs) {
	struct ktapi_params p;
	int fd;
};

FIXTURE_SETUP(devs)
{
	devs_params(_metadata, &self->p);
	self->fd = FD();
}

FIXTURE_TEARDOWN(devs)
{
	close_fd(&self->fd);
}

/* ====================================================================== */
/* Loopback devices and GET_DEVCAPS.                                       */

/* Each loopback device: kind LOOPBACK, provider 0, its names, NUL-padded. */
TEST_F(devs, devcaps_loopback_fields)
{
	struct ktapi_devcaps caps;
	char want[KTAPI_NAME_MAX];
	__u32 d;

	if (!self->p.lines)
		SKIP_NOW("lines=0: no loopback device");
	for (d = 0; d < self->p.lines; d++) {
		memset(&caps, 0xa5, sizeof(caps));
		caps.size = sizeof(caps);
		caps.flags = 0;
		caps.device_id = d;
		ASSERT_OK(kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, &caps)));
		EXPECT_EQ(sizeof(caps), caps.size);
		EXPECT_EQ(d, caps.device_id);
		EXPECT_LE(self->p.lines, caps.num_devices);
		EXPECT_EQ(KTAPI_DEVICE_LOOPBACK, caps.kind) TH_LOG("device %u", d);
		EXPECT_EQ(0, caps.provider_id) TH_LOG("device %u", d);
		snprintf(want, sizeof(want), "%u", 1000 + d);
		EXPECT_STREQ(want, caps.address);
		snprintf(want, sizeof(want), "Loopback line %u", 1000 + d);
		EXPECT_STREQ(want, caps.name);
		EXPECT_STREQ("loopback", caps.provider_name);
		EXPECT_TRUE(nul_padded(caps.address, sizeof(caps.address)));
		EXPECT_TRUE(nul_padded(caps.name, sizeof(caps.name)));
		EXPECT_TRUE(nul_padded(caps.provider_name,
				       sizeof(caps.provider_name)));
	}
}

/*
 * A program built before kind existed (size KTAPI_DEVCAPS_SIZE_VER0) gets
 * the fields up to address: the bytes of a larger buffer past its size
 * are never written.
 */
TEST_F(devs, devcaps_ver0_gets_only_its_fields)
{
	unsigned char buf[sizeof(struct ktapi_devcaps) + 16];
	struct ktapi_devcaps *caps = (struct ktapi_devcaps *)buf;
	size_t i;

	if (!self->p.lines)
		SKIP_NOW("lines=0: no loopback device");
	memset(buf, 0xa5, sizeof(buf));
	caps->size = KTAPI_DEVCAPS_SIZE_VER0;
	caps->flags = 0;
	caps->device_id = 0;
	ASSERT_OK(kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, caps)));
	EXPECT_EQ(KTAPI_DEVCAPS_SIZE_VER0, caps->size);
	EXPECT_LE(self->p.lines, caps->num_devices);
	EXPECT_STREQ("1000", caps->address);
	EXPECT_TRUE(nul_padded(caps->address, sizeof(caps->address)));
	for (i = KTAPI_DEVCAPS_SIZE_VER0; i < sizeof(buf); i++) {
		EXPECT_EQ(0xa5, buf[i]) TH_LOG("byte %zu written", i);
	}
}

/* num_devices counts the loopback devices at least; past it is ENODEV. */
TEST_F(devs, devcaps_num_devices_and_past_it_enodev)
{
	struct ktapi_devcaps caps;
	__u32 n;

	if (!self->p.lines)
		SKIP_NOW("lines=0: see lines_zero");
	ASSERT_OK(kt_devcaps(self->fd, 0, &caps));
	n = caps.num_devices;
	EXPECT_LE(self->p.lines, n);
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, n, &caps));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, n, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, 0xffffffff, &caps));
}

/*
 * lines=0 (every line a provider's): no device until a provider adds one.
 * GET_DEVCAPS and LINE_OPEN of id 0 are ENODEV; the "devices" count is 0.
 */
TEST_F(devs, lines_zero)
{
	struct ktapi_devcaps caps;
	long long v = -1;
	__u32 d;

	if (self->p.lines)
		SKIP_NOW("lines=%lu: run with lines=0", self->p.lines);
	if (!access(KTAPI_PROVIDER_DEV, F_OK))
		/* A provider of another test may have added some: not ours. */
		TH_LOG("provider node present: device ids may exist");
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, 0, &caps));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, 0, P_OWN, API_CUR));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, 0, P_NONE, API_CUR));
	for (d = 1; d < 16; d++)
		EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, d, &caps));
	if (!getuid()) {
		EXPECT_ERRNO(ENODEV, kt_close_dev(self->fd, 0));
	}
	/* Still a NEW file: every line ioctl is EBADFD. */
	EXPECT_ERRNO(EBADFD, kt_make_call(self->fd, "1000", NULL, NULL));
	if (kt_sysfs_mounted()) {
		ASSERT_EQ(0, kt_stat("devices", &v));
		EXPECT_EQ(0, v);
	}
	EXPECT_NO_EV(self->fd);
}

/* A file without LINE_OPEN reads nothing until a device record comes. */
TEST_F(devs, new_file_reads_nothing)
{
	struct ktapi_event ev;
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

	EXPECT_EQ(0, poll(&pfd, 1, NO_EV_WAIT_MS));
	EXPECT_EQ(-1, kt_read_nonblock(self->fd, &ev, sizeof(ev)));
	EXPECT_EQ(EAGAIN, errno);
}

/* ====================================================================== */
/* A provider's devices.                                                   */

FIXTURE(prov) {
	struct ktapi_params p;
	int pfd;		/* the provider */
	__u32 prov_id;
	int fd;			/* a file of /dev/ktapi without LINE_OPEN */
};

FIXTURE_SETUP(prov)
{
	devs_params(_metadata, &self->p);
	NEED_PROVIDER();
	self->fd = FD();
	self->pfd = PROV_ID("devtest", 16, &self->prov_id);
	EXPECT_NE(0, self->prov_id);
}

FIXTURE_TEARDOWN(prov)
{
	close_fd(&self->pfd);
	close_fd(&self->fd);
}

/* The next record of @fd is LINE_CREATE or LINE_REMOVE of @dev. */
#define EXPECT_DEV_EV(fd, type, dev)	EXPECT_EV(fd, type, 0, 0, 0, dev, 0)

/*
 * ADD_LINE: the device is there for GET_DEVCAPS with the provider's
 * fields, num_devices grew past it, and every file gets LINE_CREATE: one
 * without LINE_OPEN and one with an open line.
 */
TEST_F(prov, add_line_devcaps_and_line_create)
{
	struct ktapi_devcaps caps;
	__u32 n0, dev, dev2;
	int line = -1;

	n0 = kt_num_devices(self->fd);
	if (self->p.lines)
		line = LINE(0, P_OWN);
	dev = PROV_LINE(self->pfd, "5551234");
	EXPECT_LE(n0, dev);
	EXPECT_LE(self->p.lines, dev);

	memset(&caps, 0xa5, sizeof(caps));
	caps.size = sizeof(caps);
	caps.flags = 0;
	caps.device_id = dev;
	ASSERT_OK(kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, &caps)));
	EXPECT_EQ(dev + 1, caps.num_devices);
	EXPECT_EQ(KTAPI_DEVICE_PROVIDER, caps.kind);
	EXPECT_EQ(self->prov_id, caps.provider_id);
	EXPECT_STREQ("5551234", caps.address);
	/* No name: the address. */
	EXPECT_STREQ("5551234", caps.name);
	EXPECT_STREQ("devtest", caps.provider_name);
	EXPECT_TRUE(nul_padded(caps.address, sizeof(caps.address)));
	EXPECT_TRUE(nul_padded(caps.name, sizeof(caps.name)));
	EXPECT_TRUE(nul_padded(caps.provider_name, sizeof(caps.provider_name)));

	EXPECT_DEV_EV(self->fd, EV_LCREATE, dev);
	if (line >= 0)
		EXPECT_DEV_EV(line, EV_LCREATE, dev);

	/* A display name, and the next id. */
	ASSERT_OK(kt_prov_add_line(self->pfd, "*21#", "Front desk", &dev2));
	EXPECT_LT(dev, dev2);
	ASSERT_OK(kt_devcaps(self->fd, dev2, &caps));
	EXPECT_EQ(dev2 + 1, caps.num_devices);
	EXPECT_STREQ("*21#", caps.address);
	EXPECT_STREQ("Front desk", caps.name);
	EXPECT_DEV_EV(self->fd, EV_LCREATE, dev2);
	if (line >= 0) {
		EXPECT_DEV_EV(line, EV_LCREATE, dev2);
		EXPECT_NO_EV(line);
		close(line);
	}
	EXPECT_NO_EV(self->fd);
}

/* LINE_CREATE and LINE_REMOVE reach many files at once. */
TEST_F(prov, line_create_remove_to_many_files)
{
	int fds[MANY_FILES], i;
	__u32 dev;

	for (i = 0; i < MANY_FILES; i++) {
		fds[i] = FD();
		/* Half of them with an open line. */
		if (self->p.lines && i % 2)
			ASSERT_OK(kt_line_open(fds[i], i % self->p.lines,
					       P_MON, API_CUR));
	}
	dev = PROV_LINE(self->pfd, "777");
	for (i = 0; i < MANY_FILES; i++)
		EXPECT_DEV_EV(fds[i], EV_LCREATE, dev);
	ASSERT_OK(kt_prov_remove_line(self->pfd, dev));
	for (i = 0; i < MANY_FILES; i++) {
		EXPECT_DEV_EV(fds[i], EV_LREMOVE, dev);
		EXPECT_NO_EV(fds[i]);
		close(fds[i]);
	}
	/* Unread, its LINE_CREATE was the last record: both went. */
	EXPECT_NO_EV(self->fd);
}

/*
 * REMOVE_LINE force-closes the lines open on it (LINE_CLOSE, end of file,
 * EBADFD), before anyone reads LINE_REMOVE; a force-closed file gets no
 * LINE_REMOVE.  Then the id is ENODEV for good.
 */
TEST_F(prov, remove_line_closes_lines_then_line_remove)
{
	struct ktapi_devcaps caps;
	int own, mon, other;
	__u32 dev, dev2;

	dev = PROV_LINE(self->pfd, "4242");
	EXPECT_DEV_EV(self->fd, EV_LCREATE, dev);
	own = LINE(dev, P_OWN);
	mon = LINE(dev, P_MON | P_OWN);
	other = FD();
	ASSERT_OK(kt_prov_remove_line(self->pfd, dev));

	/* Done when the ioctl returns: the lines are closed already. */
	EXPECT_EV(own, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_EV(mon, EV_CLOSE, 0, 0, 0, 0, 0);
	EXPECT_NO_EV(own, mon);
	EXPECT_ERRNO(EBADFD, kt_make_call(own, "1000", NULL, NULL));
	EXPECT_ERRNO(EBUSY, kt_line_open(own, 0, P_OWN, API_CUR));
	EXPECT_DEV_EV(self->fd, EV_LREMOVE, dev);
	EXPECT_DEV_EV(other, EV_LREMOVE, dev);
	EXPECT_NO_EV(self->fd, other);

	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, dev, &caps));
	EXPECT_ERRNO(ENODEV, kt_line_open(self->fd, dev, P_OWN, API_CUR));
	if (!getuid()) {
		EXPECT_ERRNO(ENODEV, kt_close_dev(self->fd, dev));
	}
	/* num_devices stays past it: the id was given, the next is new. */
	ASSERT_OK(kt_prov_add_line(self->pfd, "4243", NULL, &dev2));
	EXPECT_LT(dev, dev2);
	ASSERT_OK(kt_devcaps(other, dev2, &caps));
	EXPECT_EQ(dev2 + 1, caps.num_devices);
	/* The provider no longer has it. */
	EXPECT_ERRNO(ENODEV, kt_prov_remove_line(self->pfd, dev));
	close(own);
	close(mon);
	close(other);
}

/* Ids are never reused; num_devices only grows. */
TEST_F(prov, ids_never_reused)
{
	struct ktapi_devcaps caps;
	__u32 a, b, c, n;

	a = PROV_LINE(self->pfd, "100");
	ASSERT_OK(kt_prov_remove_line(self->pfd, a));
	b = PROV_LINE(self->pfd, "100");
	EXPECT_LT(a, b);
	ASSERT_OK(kt_prov_remove_line(self->pfd, b));
	c = PROV_LINE(self->pfd, "100");
	EXPECT_LT(b, c);
	n = kt_num_devices(self->fd);
	if (self->p.lines)
		EXPECT_EQ(c + 1, n);
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, a, &caps));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, b, &caps));
	ASSERT_OK(kt_devcaps(self->fd, c, &caps));
	EXPECT_EQ(c + 1, caps.num_devices);
	/* a and b came and went unread: their records cancelled out. */
	EXPECT_DEV_EV(self->fd, EV_LCREATE, c);
	EXPECT_NO_EV(self->fd);
}

/* The provider's death removes its devices: LINE_REMOVE, ENODEV. */
TEST_F(prov, provider_death_removes_devices)
{
	int i, own, seen_a = 0, seen_b = 0;
	struct ktapi_devcaps caps;
	struct ktapi_event ev;
	__u32 a, b;

	a = PROV_LINE(self->pfd, "200");
	b = PROV_LINE(self->pfd, "201");
	own = LINE(b, P_OWN);
	EXPECT_DEV_EV(self->fd, EV_LCREATE, a);
	EXPECT_DEV_EV(self->fd, EV_LCREATE, b);
	close_fd(&self->pfd);
	/* In some order: one LINE_REMOVE each. */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, kt_read_event(self->fd, &ev, EV_WAIT_MS));
		EXPECT_EQ(EV_LREMOVE, ev.type);
		seen_a += ev.device_id == a;
		seen_b += ev.device_id == b;
	}
	EXPECT_EQ(1, seen_a);
	EXPECT_EQ(1, seen_b);
	/* The line on b: LINE_CLOSE, maybe after a's LINE_REMOVE. */
	ASSERT_EQ(0, kt_read_event(own, &ev, EV_WAIT_MS));
	if (ev.type == EV_LREMOVE) {
		EXPECT_EQ(a, ev.device_id);
		ASSERT_EQ(0, kt_read_event(own, &ev, EV_WAIT_MS));
	}
	EXPECT_EQ(EV_CLOSE, ev.type);
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, a, &caps));
	EXPECT_ERRNO(ENODEV, kt_devcaps(self->fd, b, &caps));
	EXPECT_NO_EV(self->fd, own);
	close(own);
}

/* The statistic follows ADD_LINE and REMOVE_LINE. */
TEST_F(prov, stats_devices_add_remove)
{
	long long v0, v1, v2;
	__u32 dev;

	if (!kt_sysfs_mounted())
		SKIP_NOW("sysfs not mounted");
	ASSERT_EQ(0, kt_stat("devices", &v0));
	dev = PROV_LINE(self->pfd, "300");
	ASSERT_EQ(0, kt_stat("devices", &v1));
	EXPECT_EQ(v0 + 1, v1);
	ASSERT_OK(kt_prov_remove_line(self->pfd, dev));
	ASSERT_EQ(0, kt_stat("devices", &v2));
	EXPECT_EQ(v0, v2);
}

/*
 * LINE_CREATE and LINE_REMOVE are dropped like CALLSTATE when the queue is
 * full, and counted in one OVERFLOW.
 */
TEST_F(prov, line_create_dropped_counted_in_overflow)
{
	unsigned long len = self->p.event_queue_len, i;
	__u32 dev[KTAPI_PROVIDER_LINES_MAX], extra = 3;

	if (len + extra > KTAPI_PROVIDER_LINES_MAX)
		SKIP_NOW("event_queue_len=%lu: more devices than a provider has",
			 len);
	for (i = 0; i < len + extra; i++)
		dev[i] = PROV_LINE(self->pfd, "400");
	/* Device records take at most the first half of the ring. */
	for (i = 0; i < len - len / 2; i++)
		EXPECT_DEV_EV(self->fd, EV_LCREATE, dev[i]);
	EXPECT_EV(self->fd, EV_OVF, 0, 0, 0, len / 2 + extra, 0);
	EXPECT_NO_EV(self->fd);
}

/*
 * A LINE_OPEN racing with the removal either fails with ENODEV or is
 * force-closed by it: never an open line on a removed device.
 */
struct opener {
	__u32 dev;
	int stop;
	int fds[512];
	int n;			/* fds[] whose LINE_OPEN succeeded */
	int enodev;
	int other;		/* unexpected errors */
};

static void *opener_thread(void *arg)
{
	struct opener *o = arg;
	int fd, err;

	while (!__atomic_load_n(&o->stop, __ATOMIC_SEQ_CST) &&
	       o->n < (int)ARRAY_SIZE(o->fds)) {
		fd = kt_open();
		if (fd < 0) {
			o->other++;
			break;
		}
		err = kt_line_open(fd, o->dev, P_OWN | P_MON, API_CUR);
		if (!err) {
			o->fds[o->n++] = fd;
			continue;
		}
		close(fd);
		if (err == ENODEV) {
			o->enodev++;
			break;
		}
		o->other++;
	}
	return NULL;
}

TEST_F(prov, line_open_racing_remove)
{
	struct ktapi_event ev;
	struct opener *o;
	pthread_t t;
	int i, round;

	o = calloc(1, sizeof(*o));
	ASSERT_TRUE(o != NULL);
	for (round = 0; round < 5; round++) {
		memset(o, 0, sizeof(*o));
		o->dev = PROV_LINE(self->pfd, "500");
		ASSERT_EQ(0, pthread_create(&t, NULL, opener_thread, o));
		kt_sleep_ms(2 + round);
		ASSERT_OK(kt_prov_remove_line(self->pfd, o->dev));
		kt_sleep_ms(1);
		__atomic_store_n(&o->stop, 1, __ATOMIC_SEQ_CST);
		pthread_join(t, NULL);
		EXPECT_EQ(0, o->other);
		/* Every line opened was closed: LINE_CLOSE, then end of file. */
		for (i = 0; i < o->n; i++) {
			EXPECT_EQ(0, kt_read_event(o->fds[i], &ev, EV_WAIT_MS))
				TH_LOG("round %d file %d", round, i);
			EXPECT_EQ(EV_CLOSE, ev.type) TH_LOG("round %d file %d",
							    round, i);
			EXPECT_ERRNO(EBADFD, kt_make_call(o->fds[i], "1000",
							  NULL, NULL));
			close(o->fds[i]);
		}
		TH_LOG("round %d: %d lines opened and closed, enodev %d",
		       round, o->n, o->enodev);
		ASSERT_LE(0, kt_drain(self->fd));
	}
	free(o);
}

/*
 * A provider adding and removing devices in a loop: a LINE_REMOVE takes
 * back its device's unread LINE_CREATE when that is the last record, so a
 * plain add/remove loop fills no ring; any other pattern fills at most the
 * first half of a ring with device records, then they are dropped and
 * counted, and the file's call records still find room after them.
 */
#define CHURN	10000

TEST_F_TIMEOUT(prov, churn_bounded, 300)
{
	unsigned long len = self->p.event_queue_len, half = len - len / 2;
	struct ktapi_event *evs;
	__u32 keep, d1, d2, cid, h = 0;
	unsigned long i, devrecs = 0, ovf = 0, dropped = 0;
	int owner, n, j, seen_new = -1, seen_cs = -1;

	if (len < 4)
		SKIP_NOW("event_queue_len=%lu: needs room for call records", len);
	keep = PROV_LINE(self->pfd, "600");
	owner = LINE(keep, P_OWN);
	EXPECT_DEV_EV(self->fd, EV_LCREATE, keep);
	EXPECT_NO_EV(self->fd, owner);

	/* A device that comes and goes unseen: nothing left in any ring. */
	for (i = 0; i < CHURN; i++) {
		d1 = PROV_LINE(self->pfd, "601");
		ASSERT_OK(kt_prov_remove_line(self->pfd, d1));
	}
	EXPECT_NO_EV(self->fd, owner);

	/* Interleaved: at most half of a ring, the rest counted. */
	for (i = 0; i < CHURN; i++) {
		d1 = PROV_LINE(self->pfd, "602");
		d2 = PROV_LINE(self->pfd, "603");
		ASSERT_OK(kt_prov_remove_line(self->pfd, d1));
		ASSERT_OK(kt_prov_remove_line(self->pfd, d2));
	}
	/* The owner's call records are not lost. */
	ASSERT_OK(kt_prov_newcall(self->pfd, keep, "555", "600", &cid));
	evs = calloc(len + 1, sizeof(*evs));
	ASSERT_TRUE(evs != NULL);
	n = kt_drain_evs(owner, evs, len + 1);
	ASSERT_LT(0, n);
	for (j = 0; j < n; j++) {
		switch (evs[j].type) {
		case EV_LCREATE:
		case EV_LREMOVE:
			devrecs++;
			EXPECT_EQ(0, ovf) TH_LOG("device record after OVERFLOW");
			break;
		case EV_OVF:
			ovf++;
			dropped += evs[j].dropped;
			break;
		case EV_NEW:
			seen_new = j;
			h = evs[j].handle;
			EXPECT_EQ(cid, evs[j].call_id);
			break;
		case EV_CS:
			seen_cs = j;
			EXPECT_EQ(h, evs[j].handle);
			EXPECT_EQ(S_OFFERING, evs[j].state);
			break;
		default:
			TH_LOG("unexpected %s", ev_type_name(evs[j].type));
			_metadata->passed = 0;
		}
	}
	TH_LOG("ring %lu: %lu device records, %lu OVERFLOW (%lu dropped), %d records",
	       len, devrecs, ovf, dropped, n);
	/*
	 * Every record was delivered or counted, but for one LINE_CREATE and
	 * its LINE_REMOVE when the half filled up just before that
	 * LINE_REMOVE: it took the LINE_CREATE back, and the room it left
	 * got the OVERFLOW of what was dropped up to then.
	 */
	EXPECT_GE(half, devrecs);
	EXPECT_LE(half - 1, devrecs);
	EXPECT_LE(1, ovf);
	EXPECT_GE(2, ovf);
	EXPECT_TRUE(4 * CHURN - devrecs - dropped == 2 * (ovf - 1)) {
		TH_LOG("%lu records neither delivered nor counted",
		       4 * CHURN - devrecs - dropped);
	}
	EXPECT_LT(0, seen_new);
	EXPECT_EQ(seen_new + 1, seen_cs);
	EXPECT_EQ(n - 1, seen_cs);
	/* The file without a line: the same bound (device records, OVERFLOWs). */
	n = kt_drain_evs(self->fd, evs, len + 1);
	EXPECT_LE((int)half + 1, n);
	EXPECT_GE((int)half + 2, n);
	free(evs);
	close(owner);
}

/*
 * GET_DEVCAPS of an id that is not live is ENODEV and still writes
 * num_devices, that field only (every size from VER0 on): with lines=0,
 * or device 0 removed, any id gives the count.  Unwritable: EFAULT.
 */
static int devcaps_raw(int fd, __u32 size, __u32 dev, struct ktapi_devcaps *c)
{
	memset(c, 0xa5, sizeof(*c));
	c->size = size;
	c->flags = 0;
	c->device_id = dev;
	return kt_err(ioctl(fd, KTAPI_IOC_GET_DEVCAPS, c));
}

/* Every byte of @c but num_devices is what devcaps_raw() put there. */
static bool devcaps_untouched(const struct ktapi_devcaps *c, __u32 size,
			      __u32 dev)
{
	const unsigned char *a = (const void *)c, *b;
	struct ktapi_devcaps want;
	size_t i;

	memset(&want, 0xa5, sizeof(want));
	want.size = size;
	want.flags = 0;
	want.device_id = dev;
	b = (const void *)&want;
	for (i = 0; i < sizeof(want); i++) {
		if (i >= offsetof(struct ktapi_devcaps, num_devices) &&
		    i < offsetof(struct ktapi_devcaps, num_devices) + 4)
			continue;
		if (a[i] != b[i])
			return false;
	}
	return true;
}

TEST_F(prov, devcaps_enodev_writes_num_devices)
{
	const __u32 sizes[] = { KTAPI_DEVCAPS_SIZE_VER0, sizeof(struct ktapi_devcaps) };
	struct ktapi_devcaps c, *ro;
	__u32 dev, n, ids[4];
	unsigned int i, j;

	dev = PROV_LINE(self->pfd, "880");
	ASSERT_OK(kt_prov_remove_line(self->pfd, dev));
	n = dev + 1;		/* the last id given: nobody else adds here */
	ids[0] = dev;		/* removed */
	ids[1] = n;		/* never given */
	ids[2] = 0xffffffff;
	ids[3] = 0;		/* lines=0: none; else live (checked below) */
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(ids); j++) {
			int err = devcaps_raw(self->fd, sizes[i], ids[j], &c);

			if (j == 3 && self->p.lines) {
				EXPECT_EQ(0, err);
				EXPECT_EQ(n, c.num_devices);
				continue;
			}
			EXPECT_EQ(ENODEV, err) TH_LOG("size %u id %u", sizes[i], ids[j]);
			EXPECT_EQ(n, c.num_devices) TH_LOG("size %u id %u", sizes[i], ids[j]);
			EXPECT_TRUE(devcaps_untouched(&c, sizes[i], ids[j]))
				TH_LOG("size %u id %u: another byte written", sizes[i], ids[j]);
		}
	}
	/* Its only output cannot be written: EFAULT. */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	ro->size = sizeof(*ro);
	ro->device_id = dev;
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(EFAULT, kt_err(ioctl(self->fd, KTAPI_IOC_GET_DEVCAPS, ro)));
	EXPECT_EQ(0, ro->num_devices);
	munmap(ro, 4096);
	EXPECT_NO_EV(self->fd);
}

TEST_HARNESS_MAIN
