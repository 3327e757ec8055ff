// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktapictl - look at and drive the ktapi device from the command line.
 *
 *   ktapictl [--json] devices
 *   ktapictl [--json] monitor DEVICE [--count N] [--timeout SEC] [--callinfo]
 *            [--app NAME]
 *   ktapictl [--json] call FROM ADDRESS [--timeout SEC] [--hold SEC] [--async]
 *            [--app NAME]
 *   ktapictl [--json] answer DEVICE [--timeout SEC] [--hold SEC] [--async]
 *            [--answer-after MS] [--app NAME]
 *   ktapictl [--json] provide ADDRESS [--name NAME] [--answer-after MS]
 *            [--busy | --reject | --never-reply] [--call-in FROM]
 *            [--hold SEC] [--count N] [--timeout SEC]
 *   ktapictl [--json] close DEVICE
 *   ktapictl [--json] stats
 *   ktapictl [--json] load [NAME|PATH] [PARAM...]
 *   ktapictl [--json] unload [NAME]
 *
 * Everything goes through libktapi; the only other files read are the
 * module's sysfs directory and its statistics (sysfs too).  Output is one
 * line per record (a human-readable one, or one JSON object with --json), and
 * stdout is line-buffered so that a pipe sees each event as it happens.
 *
 * Signals: SIGTERM, and SIGINT/SIGHUP unless they were ignored when we
 * started (a background job of a non-interactive shell), end "monitor"
 * and "provide" (whose line device goes with its file), and make "call" and "answer" drop their call, wait for IDLE and exit.
 * They are blocked except inside ppoll(), so no event is lost or half
 * handled when one arrives.
 */
#define _GNU_SOURCE	/* ppoll, strerrorname_np */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <libktapi.h>

#ifndef KTAPI_VERSION
#define KTAPI_VERSION "unknown"
#endif

/* Exit statuses; keep in step with usage() and man/ktapictl.1. */
enum {
	EX_OK = 0,	/* success */
	EX_FAIL = 1,	/* the operation failed */
	EX_USAGE = 2,	/* bad command line */
	EX_UNAVAIL = 3,	/* no device, module, line device or statistics */
	EX_PERM = 4,	/* permission denied */
};

#define NSEC_PER_SEC	((int64_t)1000000000)
#define SYSFS_MAGIC_NR	0x62656572
#define SYSFS_MODULE	"/sys/module/ktapi"
#define STATS_REL	"class/misc/ktapi/stats"
/* After a DROP, how long to wait for the IDLE event before giving up. */
#define DROP_WAIT_NS	(5 * NSEC_PER_SEC)
#define MAX_SECONDS	1e9
#define EVBATCH		64

static const char *prog = "ktapictl";
static bool json;
/* --app NAME: the application name of the line ktapictl opens, or NULL. */
static const char *app_opt;

/* ---------------------------------------------------------------------- */
/* Messages and exit statuses                                             */

static void __attribute__((format(printf, 1, 2))) err_msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return EX_USAGE;
}

/* "Device or resource busy (EBUSY, LINEERR_INVALCALLSTATE)" */
static const char *errtext(int err, char *buf, size_t len)
{
	const char *tapi = ktapi_error_name(err);
	const char *ename = strerrorname_np(err < 0 ? -err : err);

	if (strcmp(tapi, KTAPI_ERROR_NAME_UNKNOWN))
		snprintf(buf, len, "%s (%s, %s)", strerror(err < 0 ? -err : err),
			 ename ? ename : "?", tapi);
	else
		snprintf(buf, len, "%s (%s)", strerror(err < 0 ? -err : err),
			 ename ? ename : "?");
	return buf;
}

#define ERRTEXT(err) errtext((err), (char[160]){ 0 }, 160)

/* "EBUSY" for -EBUSY or EBUSY; "?" when glibc does not know it. */
static const char *errname(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "?";
}

/* The exit status for a failure to reach the device or a line device. */
static int open_status(int err)
{
	switch (-err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return EX_UNAVAIL;
	case EACCES:
	case EPERM:
		return EX_PERM;
	default:
		return EX_FAIL;
	}
}

/* ---------------------------------------------------------------------- */
/* Time                                                                   */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* ---------------------------------------------------------------------- */
/* Output: JSON Lines or text                                             */

static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

static void json_begin(const char *type)
{
	fputs("{\"type\":", stdout);
	json_string(type);
}

static void json_str(const char *key, const char *val)
{
	putchar(',');
	json_string(key);
	putchar(':');
	json_string(val);
}

static void json_u64(const char *key, uint64_t val)
{
	putchar(',');
	json_string(key);
	printf(":%" PRIu64, val);
}

static void json_s64(const char *key, int64_t val)
{
	putchar(',');
	json_string(key);
	printf(":%" PRId64, val);
}

/* A value that is already a JSON number (digits, maybe a minus sign). */
static void json_number(const char *key, const char *digits)
{
	putchar(',');
	json_string(key);
	printf(":%s", digits);
}

static void json_end(void)
{
	fputs("}\n", stdout);
}

/* A name helper's result, or the raw value when it does not know it. */
static const char *name_or_hex(const char *name, uint32_t value, char *buf,
			       size_t len)
{
	if (strcmp(name, KTAPI_NAME_INVALID))
		return name;
	snprintf(buf, len, "0x%" PRIx32, value);
	return buf;
}

#define NAME(fn, v) name_or_hex(fn(v), (v), (char[16]){ 0 }, 16)

static void text_time(int64_t ns)
{
	printf("[%5" PRId64 ".%06" PRId64 "] ", ns / NSEC_PER_SEC,
	       (ns % NSEC_PER_SEC) / 1000);
}

/* The leg's application name of @info, NUL-terminated in @buf. */
static const char *app_name(const struct ktapi_call_info *info,
			    char buf[KTAPI_APP_NAME_MAX + 1])
{
	memcpy(buf, info->app_name, KTAPI_APP_NAME_MAX);
	buf[KTAPI_APP_NAME_MAX] = '\0';
	return buf;
}

/* The KTAPI_CALLINFOSTATE_ bits of a CALLINFO record, "A|B", into @buf. */
static const char *callinfo_bits(uint32_t bits, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ KTAPI_CALLINFOSTATE_NUMOWNERINCR, "NUMOWNERINCR" },
		{ KTAPI_CALLINFOSTATE_NUMOWNERDECR, "NUMOWNERDECR" },
		{ KTAPI_CALLINFOSTATE_NUMMONITORS, "NUMMONITORS" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(bits & names[i].bit))
			continue;
		bits &= ~names[i].bit;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      names[i].name);
		if (n >= len)
			return buf;
	}
	if (bits || !n)
		snprintf(buf + n, len - n, "%s0x%" PRIx32, n ? "|" : "", bits);
	return buf;
}

/*
 * One event.  @info, when not NULL, is the call info read right after an
 * APPNEWCALL: its origin, addresses and application name (if the leg has
 * one) are shown too.
 */
static void print_event(uint32_t device, const struct ktapi_event *ev,
			const struct ktapi_call_info *info)
{
	char app[KTAPI_APP_NAME_MAX + 1];
	const char *type = NAME(ktapi_event_name, ev->type);
	bool call_event = ev->type == KTAPI_EV_APPNEWCALL ||
			  ev->type == KTAPI_EV_CALLSTATE;
	bool dev_event = ev->type == KTAPI_EV_LINE_CREATE ||
			 ev->type == KTAPI_EV_LINE_REMOVE;
	char bits[64];

	if (json && ev->type == KTAPI_EV_CALLINFO) {
		json_begin("event");
		json_str("event", type);
		json_u64("time_ns", ev->time_ns);
		json_u64("device", device);
		json_u64("handle", ev->handle);
		json_u64("call_id", ev->call_id);
		json_u64("info_state", ev->info_state);
		json_str("info", callinfo_bits(ev->info_state, bits,
					       sizeof(bits)));
		json_end();
		return;
	}
	if (json) {
		json_begin("event");
		json_str("event", type);
		json_u64("time_ns", ev->time_ns);
		json_u64("device", device);
		if (ev->type == KTAPI_EV_REPLY) {
			json_u64("handle", ev->handle);
			json_u64("call_id", ev->call_id);
			json_u64("request_id", ev->request_id);
			json_s64("result", ev->result);
			json_str("error", ev->result ?
				 errname(ev->result) : "SUCCESS");
		}
		if (dev_event)
			json_u64("device_id", ev->device_id);
		if (call_event || (ev->type != KTAPI_EV_LINE_CLOSE &&
				   ev->type != KTAPI_EV_OVERFLOW &&
				   ev->type != KTAPI_EV_REPLY && !dev_event)) {
			json_u64("handle", ev->handle);
			json_u64("call_id", ev->call_id);
			json_str("state", NAME(ktapi_callstate_name, ev->state));
			json_str("state_mode",
				 NAME(ktapi_disconnectmode_name, ev->state_mode));
			json_str("privilege",
				 NAME(ktapi_privilege_name, ev->privilege));
		}
		if (ev->type == KTAPI_EV_OVERFLOW)
			json_u64("dropped", ev->dropped);
		if (info) {
			json_str("origin", NAME(ktapi_origin_name, info->origin));
			json_u64("related_call_id", info->related_call_id);
			json_str("caller", info->caller_address);
			json_str("called", info->called_address);
			/* Only a named leg has the key (see man/ktapictl.1). */
			if (info->app_name[0])
				json_str("app_name", app_name(info, app));
		}
		json_end();
		return;
	}

	text_time((int64_t)ev->time_ns);
	printf("%-10s", type);
	if (ev->type == KTAPI_EV_OVERFLOW) {
		printf(" dropped=%" PRIu32 "\n", ev->dropped);
		return;
	}
	if (ev->type == KTAPI_EV_LINE_CLOSE) {
		putchar('\n');
		return;
	}
	if (dev_event) {
		printf(" device=%" PRIu32 "\n", ev->device_id);
		return;
	}
	if (ev->type == KTAPI_EV_REPLY) {
		printf(" handle=%" PRIu32 " call_id=%" PRIu32 " request_id=%" PRIu32
		       " result=%s\n", ev->handle, ev->call_id, ev->request_id,
		       ev->result ? errname(ev->result) : "0");
		return;
	}
	if (ev->type == KTAPI_EV_CALLINFO) {
		printf(" handle=%" PRIu32 " call_id=%" PRIu32 " info=%s\n",
		       ev->handle, ev->call_id,
		       callinfo_bits(ev->info_state, bits, sizeof(bits)));
		return;
	}
	printf(" handle=%" PRIu32 " call_id=%" PRIu32 " state=%s mode=%s privilege=%s",
	       ev->handle, ev->call_id, NAME(ktapi_callstate_name, ev->state),
	       NAME(ktapi_disconnectmode_name, ev->state_mode),
	       NAME(ktapi_privilege_name, ev->privilege));
	if (info)
		printf(" origin=%s caller=%s called=%s",
		       NAME(ktapi_origin_name, info->origin),
		       info->caller_address, info->called_address);
	if (info && info->app_name[0]) {
		/* Quoted as in JSON: a name may hold spaces and quotes. */
		fputs(" app=", stdout);
		json_string(app_name(info, app));
	}
	putchar('\n');
}

/*
 * Something ktapictl did: make_call, answer, drop, deallocate.  @t is the
 * time just before the ioctl, so that the events it causes come later.
 * @request_id: the request id of an asynchronous request, else 0.
 */
static void print_action(int64_t t, const char *action, uint32_t device,
			 uint32_t handle, uint32_t call_id, const char *from,
			 const char *to, uint32_t request_id)
{
	if (json) {
		json_begin("action");
		json_str("action", action);
		json_u64("time_ns", (uint64_t)t);
		json_u64("device", device);
		json_u64("handle", handle);
		json_u64("call_id", call_id);
		if (from)
			json_str("from", from);
		if (to)
			json_str("to", to);
		if (request_id)
			json_u64("request_id", request_id);
		json_end();
		return;
	}
	text_time(t);
	printf("%-10s handle=%" PRIu32 " call_id=%" PRIu32, action, handle,
	       call_id);
	if (from)
		printf(" from=%s", from);
	if (to)
		printf(" to=%s", to);
	if (request_id)
		printf(" request_id=%" PRIu32, request_id);
	putchar('\n');
}

/* ---------------------------------------------------------------------- */
/* Signals and waiting for events                                         */

static volatile sig_atomic_t got_signal;
static sigset_t wait_mask;	/* the mask inside ppoll(): signals open */

static void on_signal(int sig)
{
	got_signal = sig;
}

/*
 * Catch SIGTERM, and SIGINT and SIGHUP unless they are ignored (as in a
 * background job of a non-interactive shell, which must stay immune to
 * the terminal's ^C).  They stay blocked except inside ppoll().
 */
static void setup_signals(void)
{
	static const int sigs[] = { SIGINT, SIGHUP, SIGTERM };
	struct sigaction sa;
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN && sigs[i] != SIGTERM)
			continue;
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigismember(&block, sigs[i]))
			sigdelset(&wait_mask, sigs[i]);
}

/*
 * Wait until @deadline (CLOCK_MONOTONIC ns, 0: for ever) for @fd to be
 * readable.
 *
 * Return: 1 when it is, 0 at the deadline, -EINTR when a signal came
 * (got_signal is set), or another -errno.
 */
static int wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec ts, *tsp = NULL;
		int ret;

		if (got_signal)
			return -EINTR;
		if (deadline) {
			int64_t left = deadline - now_ns();

			if (left <= 0)
				return 0;
			ts.tv_sec = left / NSEC_PER_SEC;
			ts.tv_nsec = left % NSEC_PER_SEC;
			tsp = &ts;
		}
		ret = ppoll(&pfd, 1, tsp, &wait_mask);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (ret > 0)
			return 1;
		/* ret == 0: the deadline is checked above */
	}
}

/*
 * Wait until @deadline for events and read up to @max of them.
 * Return: the number read, or what wait_readable() returns.
 */
static int wait_events(int fd, struct ktapi_event *evs, unsigned int max,
		       int64_t deadline)
{
	int ret;

	while ((ret = wait_readable(fd, deadline)) > 0) {
		ret = ktapi_read_events(fd, evs, max, 0);
		if (ret != 0)
			return ret;
	}
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Opening the device and a line                                          */

static int open_device(void)
{
	int fd = ktapi_open(0);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT || fd == -ENODEV || fd == -ENXIO)
		err_msg("cannot open %s: %s; is the ktapi module loaded? (ktapictl load)",
			KTAPI_DEVICE_PATH, strerror(-fd));
	else if (fd == -EACCES || fd == -EPERM)
		err_msg("cannot open %s: %s; see ktapi(4), PERMISSIONS",
			KTAPI_DEVICE_PATH, strerror(-fd));
	else
		err_msg("cannot open %s: %s", KTAPI_DEVICE_PATH, strerror(-fd));
	return fd;
}

/*
 * Open the device and a line on @device with @privileges.  Fills @address
 * (KTAPI_ADDRESS_MAX bytes) with the line device's address.
 *
 * Return: the descriptor, or a negative exit status.
 */
static int open_line(uint32_t device, uint32_t privileges, uint32_t flags,
		     char *address)
{
	struct ktapi_devcaps caps;
	int fd, err;

	fd = open_device();
	if (fd < 0)
		return -open_status(fd);
	err = ktapi_get_devcaps(fd, device, &caps);
	if (err == -ENODEV) {
		/* Ask for the count on device 0, for a better message. */
		if (ktapi_get_devcaps(fd, 0, &caps) == 0)
			err_msg("no line device %" PRIu32 ": there are %" PRIu32
				" (0..%" PRIu32 ")", device, caps.num_devices,
				caps.num_devices - 1);
		else
			err_msg("no line device %" PRIu32, device);
		close(fd);
		return -EX_UNAVAIL;
	}
	if (err) {
		err_msg("line device %" PRIu32 ": %s", device, ERRTEXT(err));
		close(fd);
		return -open_status(err);
	}
	memcpy(address, caps.address, KTAPI_ADDRESS_MAX);
	address[KTAPI_ADDRESS_MAX - 1] = '\0';
	err = ktapi_line_open_ex(fd, device, privileges, KTAPI_API_VERSION_2_2,
				 flags, app_opt);
	if (err) {
		err_msg("cannot open line device %" PRIu32 " as %s: %s", device,
			ktapi_privilege_name(privileges), ERRTEXT(err));
		close(fd);
		return -(err == -ENODEV ? EX_UNAVAIL : EX_FAIL);
	}
	return fd;
}

/* ---------------------------------------------------------------------- */
/* sysfs                                                                  */

/* Read a one-line file into @buf without its newline.  Return: 0 or -errno. */
static int read_line_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		int err = ferror(f) ? -EIO : -ENODATA;

		fclose(f);
		return err;
	}
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return 0;
}

/* Cut the spaces and tabs at the end of @s. */
static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* An integer in JSON's syntax: -?(0|[1-9][0-9]*) */
static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		return s[1] == '\0';
	if (*s < '1' || *s > '9')
		return false;
	return strspn(s, "0123456789") == strlen(s);
}

/* ---------------------------------------------------------------------- */
/* Commands                                                               */

struct opts {
	unsigned long count;	/* monitor, provide --count, 0: none */
	double timeout;		/* --timeout, < 0: none */
	double hold;		/* --hold, < 0: none */
	bool async;		/* call, answer --async */
	const char *name;	/* provide --name */
	uint32_t answer_after_ms;	/* provide, answer --answer-after */
	uint32_t outcome;	/* provide: 0, or --busy/--reject's mode */
	bool never_reply;	/* provide --never-reply */
	const char *call_in;	/* provide --call-in FROM */
	bool callinfo;		/* monitor --callinfo */
};

static int64_t deadline_after(double seconds)
{
	return now_ns() + (int64_t)(seconds * NSEC_PER_SEC) + 1;
}

/* Probes past the first live device id when device 0 is not there. */
#define DEVICE_PROBE_MAX	(1u << 24)

/*
 * num_devices: from GET_DEVCAPS of device 0 or, when there is none (lines=0:
 * every device a provider's, the first maybe removed), of the first live
 * device; 0 when the "devices" statistic says none is live.
 */
static int count_devices(int fd, uint32_t *n)
{
	struct ktapi_devcaps caps;
	char path[256], val[32];
	const char *env = getenv("KTAPI_SYSFS");
	uint32_t i;
	int err = ktapi_get_devcaps(fd, 0, &caps);

	if (err != -ENODEV)
		goto out;
	/* ENODEV still says num_devices (0 from a kernel before 0.2). */
	if (caps.num_devices) {
		*n = caps.num_devices;
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s/devices",
		 env && *env ? env : "/sys", STATS_REL);
	if (read_line_file(path, val, sizeof(val)) == 0 && !strcmp(val, "0")) {
		*n = 0;
		return 0;
	}
	for (i = 1; i < DEVICE_PROBE_MAX && err == -ENODEV; i++)
		err = ktapi_get_devcaps(fd, i, &caps);
out:
	if (!err)
		*n = caps.num_devices;
	return err;
}

static int cmd_devices(void)
{
	static const char *const params[] = {
		"lines", "event_queue_len", "max_handles"
	};
	char vals[3][32], version[64];
	bool have[3];
	struct ktapi_devcaps caps;
	uint32_t i, n;
	int fd, err;
	size_t p;

	fd = open_device();
	if (fd < 0)
		return open_status(fd);
	err = count_devices(fd, &n);
	if (err) {
		err_msg("GET_DEVCAPS: %s", ERRTEXT(err));
		close(fd);
		return EX_FAIL;
	}

	if (read_line_file(SYSFS_MODULE "/version", version, sizeof(version)))
		version[0] = '\0';
	for (p = 0; p < 3; p++) {
		char path[128];

		snprintf(path, sizeof(path), SYSFS_MODULE "/parameters/%s",
			 params[p]);
		have[p] = read_line_file(path, vals[p], sizeof(vals[p])) == 0 &&
			  is_number(vals[p]);
	}
	if (json) {
		json_begin("module");
		if (version[0])
			json_str("version", version);
		json_u64("num_devices", n);
		for (p = 0; p < 3; p++)
			if (have[p])
				json_u64(params[p], strtoull(vals[p], NULL, 10));
		json_end();
	} else {
		printf("ktapi%s%s: %" PRIu32 " line device%s", version[0] ? " " : "",
		       version, n, n == 1 ? "" : "s");
		for (p = 1; p < 3; p++)
			if (have[p])
				printf(", %s %s", params[p], vals[p]);
		printf("\n%-6s  %s\n", "DEVICE", "ADDRESS");
	}

	for (i = 0; i < n; i++) {
		bool prov;

		err = ktapi_get_devcaps(fd, i, &caps);
		if (err == -ENODEV)
			continue;	/* a provider's device, removed */
		if (err) {
			err_msg("GET_DEVCAPS %" PRIu32 ": %s", i, ERRTEXT(err));
			close(fd);
			return EX_FAIL;
		}
		caps.address[KTAPI_ADDRESS_MAX - 1] = '\0';
		caps.name[KTAPI_NAME_MAX - 1] = '\0';
		caps.provider_name[KTAPI_PROVIDER_NAME_MAX - 1] = '\0';
		/* Loopback lines print as before the providers. */
		prov = caps.kind == KTAPI_DEVICE_PROVIDER;
		if (json) {
			json_begin("device");
			json_u64("device", i);
			json_str("address", caps.address);
			json_u64("num_devices", caps.num_devices);
			if (prov) {
				json_str("kind", "PROVIDER");
				json_str("name", caps.name);
				json_u64("provider_id", caps.provider_id);
				json_str("provider", caps.provider_name);
			}
			json_end();
		} else if (prov) {
			printf("%6" PRIu32 "  %s  provider=%s(%" PRIu32 ") name=%s\n",
			       i, caps.address, caps.provider_name,
			       caps.provider_id, caps.name);
		} else {
			printf("%6" PRIu32 "  %s\n", i, caps.address);
		}
	}
	close(fd);
	return EX_OK;
}

static int cmd_monitor(uint32_t device, const struct opts *o)
{
	struct ktapi_event evs[EVBATCH];
	char address[KTAPI_ADDRESS_MAX];
	unsigned long seen = 0;
	int64_t deadline = 0;
	int fd, status = EX_OK;
	bool done = false;

	setup_signals();
	fd = open_line(device, KTAPI_PRIVILEGE_MONITOR,
		       o->callinfo ? KTAPI_LINE_OPEN_CALLINFO : 0, address);
	if (fd < 0)
		return -fd;
	if (o->timeout >= 0)
		deadline = deadline_after(o->timeout);

	while (!done) {
		int n = wait_events(fd, evs, EVBATCH, deadline);
		int i;

		if (n == -EINTR)
			break;
		if (n == 0) {
			if (o->count) {
				err_msg("timed out after %lu of %lu events", seen,
					o->count);
				status = EX_FAIL;
			}
			break;
		}
		if (n < 0) {
			err_msg("reading events: %s", ERRTEXT(n));
			status = EX_FAIL;
			break;
		}
		for (i = 0; i < n && !done; i++) {
			const struct ktapi_event *ev = &evs[i];
			struct ktapi_call_info info;
			bool have_info = false;

			if (ev->type == KTAPI_EV_APPNEWCALL)
				have_info = ktapi_get_call_info(fd, ev->handle,
								&info) == 0;
			print_event(device, ev, have_info ? &info : NULL);
			/* A monitor gives its handle back once the call is over. */
			if (ev->type == KTAPI_EV_CALLSTATE &&
			    ev->state == KTAPI_CALLSTATE_IDLE)
				ktapi_deallocate_call(fd, ev->handle);
			if (ev->type == KTAPI_EV_LINE_CLOSE) {
				err_msg("line device %" PRIu32 " was closed (CLOSE_LINE_DEVICE or removed)",
					device);
				status = EX_FAIL;
				done = true;
			}
			if (o->count && ++seen >= o->count)
				done = true;
		}
	}
	close(fd);
	return status;
}

/*
 * Following one call for "call" and "answer".
 */
struct follow {
	int fd;
	uint32_t device;
	bool answering;		/* "answer": waiting for an OFFERING call */
	bool answer_pending;	/* answer once the batch is printed */
	int64_t answer_delay_ns;	/* answer --answer-after */
	int64_t answer_at;	/* answer then (0: not planned) */
	bool have_call;
	uint32_t handle, call_id;
	uint32_t state;		/* the leg's last state */
	bool disconnected;	/* DISCONNECTED before it was CONNECTED */
	uint32_t disconnect_mode;	/* ... and its state_mode */
	bool connected;		/* the leg was CONNECTED at some point */
	bool dropping;		/* DROP sent (or the leg is going IDLE) */
	bool idle;
	bool async;		/* --async: the _async requests, REPLY records */
	uint32_t make_req, answer_req, drop_req;	/* their request ids */
	int64_t drop_deadline;
	int64_t hold_deadline;
	const char *why_not;	/* why the call was not connected */
	int status;
};

static void follow_drop(struct follow *f)
{
	int64_t t = now_ns();
	int err;

	if (f->dropping)
		return;
	f->dropping = true;
	f->answer_pending = false;
	f->answer_at = 0;
	f->drop_deadline = t + DROP_WAIT_NS;
	err = f->async ? ktapi_drop_async(f->fd, f->handle) :
	      ktapi_drop(f->fd, f->handle);
	if (err >= 0) {
		f->drop_req = (uint32_t)err;
		print_action(t, "drop", f->device, f->handle, f->call_id, NULL,
			     NULL, f->drop_req);
	} else if (err == -EBUSY) {
		/* Already IDLE: its event is on the way (or read already). */
	} else {
		err_msg("drop handle %" PRIu32 ": %s", f->handle, ERRTEXT(err));
		f->status = EX_FAIL;
		f->idle = true;	/* nothing more will come */
	}
}

/*
 * An incoming call for "answer": take the first one offered to us, and
 * answer it once the events read with it are printed (follow_answer()).
 */
static void follow_offer(struct follow *f, const struct ktapi_event *ev)
{
	if (!f->answering || f->have_call ||
	    !(ev->privilege & KTAPI_PRIVILEGE_OWNER) ||
	    ev->state != KTAPI_CALLSTATE_OFFERING)
		return;
	f->have_call = true;
	if (f->answer_delay_ns)
		f->answer_at = now_ns() + f->answer_delay_ns;
	else
		f->answer_pending = true;
	f->handle = ev->handle;
	f->call_id = ev->call_id;
	f->state = ev->state;
}

static void follow_answer(struct follow *f)
{
	int64_t t = now_ns();
	int err;

	f->answer_pending = false;
	f->answer_at = 0;
	if (f->state != KTAPI_CALLSTATE_OFFERING)
		return;		/* the caller gave up meanwhile */
	err = f->async ? ktapi_answer_async(f->fd, f->handle) :
	      ktapi_answer(f->fd, f->handle);
	if (err < 0) {
		err_msg("answer handle %" PRIu32 ": %s", f->handle, ERRTEXT(err));
		f->status = EX_FAIL;
		f->why_not = "ANSWER failed";
		follow_drop(f);
		return;
	}
	f->answer_req = (uint32_t)err;
	print_action(t, "answer", f->device, f->handle, f->call_id, NULL, NULL,
		     f->answer_req);
}

/* The REPLY record of one of our asynchronous requests. */
static void follow_reply(struct follow *f, const struct ktapi_event *ev)
{
	if (!ev->request_id)
		return;
	if (ev->request_id == f->make_req) {
		f->make_req = 0;
		if (!ev->result)
			return;
		err_msg("make_call (request %" PRIu32 "): %s", ev->request_id,
			ERRTEXT(ev->result));
		f->status = EX_FAIL;
		f->why_not = "MAKE_CALL failed";
		f->have_call = false;	/* the module voided the handle */
		f->idle = true;
	} else if (ev->request_id == f->answer_req) {
		f->answer_req = 0;
		if (!ev->result)
			return;
		err_msg("answer (request %" PRIu32 "): %s", ev->request_id,
			ERRTEXT(ev->result));
		f->status = EX_FAIL;
		f->why_not = "ANSWER failed";
		follow_drop(f);
	} else if (ev->request_id == f->drop_req) {
		f->drop_req = 0;
		if (!ev->result || ev->result == -EBUSY)
			return;		/* EBUSY: IDLE already */
		err_msg("drop (request %" PRIu32 "): %s", ev->request_id,
			ERRTEXT(ev->result));
		f->status = EX_FAIL;
		f->idle = true;		/* nothing more will come */
	}
}

static void follow_event(struct follow *f, const struct ktapi_event *ev,
			 const struct opts *o)
{
	if (ev->type == KTAPI_EV_APPNEWCALL) {
		follow_offer(f, ev);
		return;
	}
	if (ev->type == KTAPI_EV_REPLY) {
		follow_reply(f, ev);
		return;
	}
	if (ev->type == KTAPI_EV_LINE_CLOSE) {
		err_msg("line device %" PRIu32 " was closed (CLOSE_LINE_DEVICE or removed)",
			f->device);
		f->status = EX_FAIL;
		f->why_not = "the line was closed";
		f->idle = true;
		f->have_call = false;	/* the handle is void */
		return;
	}
	if (ev->type != KTAPI_EV_CALLSTATE || !f->have_call ||
	    ev->handle != f->handle)
		return;
	f->state = ev->state;
	switch (ev->state) {
	case KTAPI_CALLSTATE_CONNECTED:
		f->connected = true;
		if (o->hold >= 0)
			f->hold_deadline = deadline_after(o->hold);
		break;
	case KTAPI_CALLSTATE_DISCONNECTED:
		if (!f->connected) {
			f->disconnected = true;
			f->disconnect_mode = ev->state_mode;
		}
		follow_drop(f);
		break;
	case KTAPI_CALLSTATE_IDLE:
		f->idle = true;
		break;
	}
}

static int follow_call(struct follow *f, const struct opts *o,
		       int64_t timeout_deadline)
{
	struct ktapi_event evs[EVBATCH];
	int signals = 0;

	while (!f->idle) {
		int64_t deadline = 0;
		int n, i;

		if (f->answer_at && now_ns() >= f->answer_at) {
			follow_answer(f);
			continue;
		}
		if (f->dropping)
			deadline = f->drop_deadline;
		else if (!f->connected)
			deadline = timeout_deadline;
		else
			deadline = f->hold_deadline;
		/* --answer-after: wake up to answer (the timeout still counts). */
		if (f->answer_at && (!deadline || f->answer_at < deadline))
			deadline = f->answer_at;

		n = wait_events(f->fd, evs, EVBATCH, deadline);
		if (n == -EINTR) {
			got_signal = 0;
			if (++signals > 1 || !f->have_call)
				break;
			if (!f->connected)
				f->why_not = "interrupted";
			follow_drop(f);
			continue;
		}
		if (n == 0 && f->answer_at && now_ns() >= f->answer_at)
			continue;
		if (n == 0) {
			if (f->dropping) {
				err_msg("no IDLE event within %d s of DROP",
					(int)(DROP_WAIT_NS / NSEC_PER_SEC));
				f->status = EX_FAIL;
				break;
			}
			if (!f->connected) {
				f->why_not = f->have_call ? "no answer in time" :
					     "no call in time";
				if (!f->have_call)
					break;
			}
			follow_drop(f);
			continue;
		}
		if (n < 0) {
			err_msg("reading events: %s", ERRTEXT(n));
			f->status = EX_FAIL;
			break;
		}
		for (i = 0; i < n; i++) {
			struct ktapi_call_info info;
			bool have_info = false;

			if (evs[i].type == KTAPI_EV_APPNEWCALL)
				have_info = ktapi_get_call_info(f->fd, evs[i].handle,
								&info) == 0;
			print_event(f->device, &evs[i], have_info ? &info : NULL);
			follow_event(f, &evs[i], o);
		}
		if (f->answer_pending)
			follow_answer(f);
	}

	if (f->have_call && f->idle) {
		int64_t t = now_ns();
		int err = ktapi_deallocate_call(f->fd, f->handle);

		if (err == 0)
			print_action(t, "deallocate", f->device, f->handle,
				     f->call_id, NULL, NULL, 0);
		else
			err_msg("deallocate handle %" PRIu32 ": %s", f->handle,
				ERRTEXT(err));
	}
	if (f->status == EX_OK && !f->connected)
		f->status = EX_FAIL;
	return f->status;
}

static void not_connected(const struct follow *f, const char *what)
{
	if (f->connected)
		return;
	if (f->disconnected)
		err_msg("%s: DISCONNECTED (%s)", what,
			ktapi_disconnectmode_name(f->disconnect_mode));
	else if (f->why_not)
		err_msg("%s: %s", what, f->why_not);
	else
		err_msg("%s: not connected (%s)", what,
			ktapi_callstate_name(f->state));
}

static int cmd_call(uint32_t device, const char *to, const struct opts *o)
{
	struct follow f = { .device = device, .async = o->async };
	char from[KTAPI_ADDRESS_MAX], what[160];
	int64_t deadline = 0, t;
	int err;

	setup_signals();
	f.fd = open_line(device, KTAPI_PRIVILEGE_OWNER, 0, from);
	if (f.fd < 0)
		return -f.fd;
	if (o->timeout >= 0)
		deadline = deadline_after(o->timeout);
	t = now_ns();
	err = o->async ? ktapi_make_call_async(f.fd, to, &f.handle, &f.call_id) :
	      ktapi_make_call(f.fd, to, &f.handle, &f.call_id);
	if (err < 0) {
		err_msg("call %s from line device %" PRIu32 ": %s", to, device,
			ERRTEXT(err));
		close(f.fd);
		return EX_FAIL;
	}
	f.make_req = (uint32_t)err;
	f.have_call = true;
	print_action(t, "make_call", device, f.handle, f.call_id, from, to,
		     f.make_req);
	follow_call(&f, o, deadline);
	snprintf(what, sizeof(what), "call %s -> %s", from, to);
	not_connected(&f, what);
	close(f.fd);
	return f.status;
}

static int cmd_answer(uint32_t device, const struct opts *o)
{
	struct follow f = { .device = device, .answering = true,
			    .async = o->async,
			    .answer_delay_ns = (int64_t)o->answer_after_ms *
					       (NSEC_PER_SEC / 1000) };
	char address[KTAPI_ADDRESS_MAX], what[160];
	int64_t deadline = 0;

	setup_signals();
	f.fd = open_line(device, KTAPI_PRIVILEGE_OWNER, 0, address);
	if (f.fd < 0)
		return -f.fd;
	if (o->timeout >= 0)
		deadline = deadline_after(o->timeout);
	follow_call(&f, o, deadline);
	snprintf(what, sizeof(what), "answer on %s", address);
	not_connected(&f, what);
	close(f.fd);
	return f.status;
}

/*
 * "provide": serve one line device from /dev/ktapi-provider.
 */

/* Calls served at once by "provide"; a MAKECALL past it is EAGAIN. */
#define PROVIDE_CALLS		64
#define PROVIDE_MAX_REQUESTS	64
/* How often --call-in retries a NEWCALL while the device has no owner. */
#define CALL_IN_RETRY_NS	(NSEC_PER_SEC / 10)

struct pcall {
	uint32_t call_id;	/* 0: a free slot */
	int64_t connect_at;	/* report CONNECTED then (0: not planned) */
	int64_t hang_at;	/* report DISCONNECTED/NORMAL then (--hold) */
};

struct provide {
	int fd;
	uint32_t device;
	const char *address;
	const struct opts *o;
	struct pcall calls[PROVIDE_CALLS];
	unsigned long closed;	/* CLOSECALLs read */
	bool call_in_pending;	/* --call-in: NEWCALL not done yet */
	int64_t call_in_at;
	int status;
	bool done;
};

static struct pcall *pcall_find(struct provide *p, uint32_t call_id)
{
	size_t i;

	for (i = 0; i < PROVIDE_CALLS; i++)
		if (p->calls[i].call_id == call_id)
			return &p->calls[i];
	return NULL;
}

/* A new slot for @call_id (found again if it has one), or NULL. */
static struct pcall *pcall_add(struct provide *p, uint32_t call_id)
{
	struct pcall *c = pcall_find(p, call_id);

	if (!c)
		c = pcall_find(p, 0);
	if (c) {
		memset(c, 0, sizeof(*c));
		c->call_id = call_id;
	}
	return c;
}

static void print_request(const struct ktapi_provider_request *r)
{
	const char *type = NAME(ktapi_request_name, r->type);
	int64_t t = now_ns();
	bool makecall = r->type == KTAPI_PREQ_MAKECALL;

	if (json) {
		json_begin("request");
		json_str("request", type);
		json_u64("time_ns", (uint64_t)t);
		json_u64("request_id", r->request_id);
		json_u64("call_id", r->call_id);
		json_u64("device", r->device_id);
		if (makecall) {
			json_str("to", r->dest_address);
			json_str("from", r->caller_address);
		}
		if (r->type == KTAPI_PREQ_CLOSECALL)
			json_str("state", NAME(ktapi_callstate_name, r->state));
		json_end();
		return;
	}
	text_time(t);
	printf("%-10s %s", "request", type);
	if (r->type != KTAPI_PREQ_CLOSECALL)
		printf(" request_id=%" PRIu64, (uint64_t)r->request_id);
	printf(" call_id=%" PRIu32 " device=%" PRIu32, r->call_id, r->device_id);
	if (makecall)
		printf(" to=%s from=%s", r->dest_address, r->caller_address);
	if (r->type == KTAPI_PREQ_CLOSECALL)
		printf(" state=%s", NAME(ktapi_callstate_name, r->state));
	putchar('\n');
}

/* REPLY to @r with @result; printed once the kernel took it. */
static int provide_reply(struct provide *p,
			 const struct ktapi_provider_request *r, int result)
{
	int64_t t = now_ns();
	int err = ktapi_provider_reply(p->fd, r->request_id, result);

	if (err) {
		err_msg("REPLY to request %" PRIu64 ": %s",
			(uint64_t)r->request_id, ERRTEXT(err));
		return err;
	}
	if (json) {
		json_begin("reply");
		json_u64("time_ns", (uint64_t)t);
		json_u64("request_id", r->request_id);
		json_u64("call_id", r->call_id);
		json_s64("result", result);
		json_end();
	} else {
		text_time(t);
		printf("%-10s request_id=%" PRIu64 " call_id=%" PRIu32
		       " result=%s\n", "reply", (uint64_t)r->request_id,
		       r->call_id, result ? errname(result) : "0");
	}
	return 0;
}

/* CALLSTATE @state/@mode on @call_id; printed once the kernel took it. */
static int provide_state(struct provide *p, uint32_t call_id, uint32_t state,
			 uint32_t mode)
{
	int64_t t = now_ns();
	int err = ktapi_provider_callstate(p->fd, call_id, state, mode);

	if (err) {
		err_msg("CALLSTATE %s on call %" PRIu32 ": %s",
			ktapi_callstate_name(state), call_id, ERRTEXT(err));
		return err;
	}
	if (json) {
		json_begin("callstate");
		json_u64("time_ns", (uint64_t)t);
		json_u64("call_id", call_id);
		json_str("state", NAME(ktapi_callstate_name, state));
		json_str("state_mode", NAME(ktapi_disconnectmode_name, mode));
		json_end();
	} else {
		text_time(t);
		printf("%-10s call_id=%" PRIu32 " state=%s mode=%s\n",
		       "callstate", call_id, NAME(ktapi_callstate_name, state),
		       NAME(ktapi_disconnectmode_name, mode));
	}
	return 0;
}

/* The leg is CONNECTED now: with --hold, plan the far end's hang-up. */
static void provide_connected(struct provide *p, struct pcall *c)
{
	c->connect_at = 0;
	if (provide_state(p, c->call_id, KTAPI_CALLSTATE_CONNECTED, 0) == 0 &&
	    p->o->hold >= 0)
		c->hang_at = deadline_after(p->o->hold);
}

static void provide_makecall(struct provide *p,
			     const struct ktapi_provider_request *r)
{
	struct pcall *c = pcall_add(p, r->call_id);

	if (!c) {
		provide_reply(p, r, -EAGAIN);
		return;
	}
	if (provide_reply(p, r, 0))
		return;
	/* REPLY 0 made the leg DIALING; the far end's answer follows. */
	if (p->o->outcome) {
		provide_state(p, r->call_id, KTAPI_CALLSTATE_DISCONNECTED,
			      p->o->outcome);
		return;
	}
	if (provide_state(p, r->call_id, KTAPI_CALLSTATE_RINGBACK, 0))
		return;
	c->connect_at = now_ns() + (int64_t)p->o->answer_after_ms * 1000000;
}

static void provide_request(struct provide *p,
			    const struct ktapi_provider_request *r)
{
	struct pcall *c;

	print_request(r);
	if (r->type == KTAPI_PREQ_CLOSECALL) {
		c = pcall_find(p, r->call_id);
		if (c && r->call_id)
			memset(c, 0, sizeof(*c));
		if (p->o->count && ++p->closed >= p->o->count)
			p->done = true;
		return;
	}
	if (p->o->never_reply)
		return;
	if (r->type == KTAPI_PREQ_DROP && !r->request_id) {
		/* A DROP notice: the owner closed its line; no REPLY. */
		c = pcall_find(p, r->call_id);
		if (c)
			c->connect_at = c->hang_at = 0;
		provide_state(p, r->call_id, KTAPI_CALLSTATE_DISCONNECTED,
			      KTAPI_DISCONNECTMODE_NORMAL);
		provide_state(p, r->call_id, KTAPI_CALLSTATE_IDLE, 0);
		return;
	}
	switch (r->type) {
	case KTAPI_PREQ_MAKECALL:
		provide_makecall(p, r);
		break;
	case KTAPI_PREQ_ANSWER:
		if (provide_reply(p, r, 0))
			break;
		c = pcall_add(p, r->call_id);
		if (c)
			provide_connected(p, c);
		break;
	case KTAPI_PREQ_DROP:
		if (provide_reply(p, r, 0))
			break;
		c = pcall_find(p, r->call_id);
		if (c)
			c->connect_at = c->hang_at = 0;
		provide_state(p, r->call_id, KTAPI_CALLSTATE_IDLE, 0);
		break;
	default:
		/* A request type of a newer kernel: not ours to answer. */
		provide_reply(p, r, -EOPNOTSUPP);
	}
}

/* --call-in: NEWCALL, again every 0.1 s while the device has no owner. */
static void provide_call_in(struct provide *p)
{
	int64_t t = now_ns();
	uint32_t call_id;
	int err;

	err = ktapi_provider_newcall(p->fd, p->device, p->o->call_in,
				     p->address, &call_id);
	if (err == -ENXIO) {
		p->call_in_at = t + CALL_IN_RETRY_NS;
		return;
	}
	p->call_in_pending = false;
	if (err) {
		err_msg("NEWCALL from %s: %s", p->o->call_in, ERRTEXT(err));
		p->status = EX_FAIL;
		p->done = true;
		return;
	}
	pcall_add(p, call_id);
	if (json) {
		json_begin("newcall");
		json_u64("time_ns", (uint64_t)t);
		json_u64("call_id", call_id);
		json_u64("device", p->device);
		json_str("from", p->o->call_in);
		json_str("to", p->address);
		json_end();
	} else {
		text_time(t);
		printf("%-10s call_id=%" PRIu32 " device=%" PRIu32
		       " from=%s to=%s\n", "newcall", call_id, p->device,
		       p->o->call_in, p->address);
	}
}

/* Run what is due, and return the next deadline (0: none). */
static int64_t provide_timers(struct provide *p)
{
	int64_t t = now_ns(), next = 0;
	size_t i;

	if (p->call_in_pending && p->call_in_at <= t)
		provide_call_in(p);
	if (p->call_in_pending)
		next = p->call_in_at;
	for (i = 0; i < PROVIDE_CALLS; i++) {
		struct pcall *c = &p->calls[i];

		if (!c->call_id)
			continue;
		if (c->connect_at && c->connect_at <= t)
			provide_connected(p, c);
		if (c->hang_at && c->hang_at <= t) {
			c->hang_at = 0;
			provide_state(p, c->call_id,
				      KTAPI_CALLSTATE_DISCONNECTED,
				      KTAPI_DISCONNECTMODE_NORMAL);
		}
		if (c->connect_at && (!next || c->connect_at < next))
			next = c->connect_at;
		if (c->hang_at && (!next || c->hang_at < next))
			next = c->hang_at;
	}
	return next;
}

/* Open, register and add the line device.  Return: 0 or an exit status. */
static int provide_setup(struct provide *p)
{
	uint32_t provider_id = 0;
	const char *name;
	int err;

	p->fd = ktapi_provider_open(0);
	if (p->fd < 0) {
		err = p->fd;
		if (err == -ENOENT || err == -ENODEV || err == -ENXIO)
			err_msg("cannot open %s: %s; is a ktapi module with providers loaded?",
				KTAPI_PROVIDER_DEVICE_PATH, strerror(-err));
		else if (err == -EACCES || err == -EPERM)
			err_msg("cannot open %s: %s; see ktapi(4), PERMISSIONS (group ktapi-provider)",
				KTAPI_PROVIDER_DEVICE_PATH, strerror(-err));
		else
			err_msg("cannot open %s: %s", KTAPI_PROVIDER_DEVICE_PATH,
				strerror(-err));
		return open_status(err);
	}
	err = ktapi_provider_register(p->fd, "ktapictl", PROVIDE_MAX_REQUESTS,
				      &provider_id, NULL);
	if (err) {
		err_msg("REGISTER: %s", ERRTEXT(err));
		return EX_FAIL;
	}
	err = ktapi_provider_add_line(p->fd, p->address, p->o->name,
				      &p->device);
	if (err) {
		err_msg("ADD_LINE %s: %s", p->address, ERRTEXT(err));
		return EX_FAIL;
	}
	name = p->o->name && *p->o->name ? p->o->name : p->address;
	if (json) {
		json_begin("provide");
		json_u64("time_ns", (uint64_t)now_ns());
		json_u64("device", p->device);
		json_str("address", p->address);
		json_str("name", name);
		json_u64("provider_id", provider_id);
		json_end();
	} else {
		text_time(now_ns());
		printf("%-10s device=%" PRIu32 " address=%s name=%s provider_id=%"
		       PRIu32 "\n", "provide", p->device, p->address, name,
		       provider_id);
	}
	return 0;
}

static int cmd_provide(const char *address, const struct opts *o)
{
	struct ktapi_provider_request reqs[16];
	struct provide p = { .fd = -1, .address = address, .o = o };
	int64_t end = 0;
	int ret;

	setup_signals();
	ret = provide_setup(&p);
	if (ret) {
		if (p.fd >= 0)
			close(p.fd);
		return ret;
	}
	if (o->timeout >= 0)
		end = deadline_after(o->timeout);
	p.call_in_pending = o->call_in != NULL;
	p.call_in_at = now_ns();

	while (!p.done) {
		int64_t next = provide_timers(&p);
		int n, i;

		if (p.done)
			break;
		if (end && (!next || end < next))
			next = end;
		ret = wait_readable(p.fd, next);
		if (ret == -EINTR)
			break;
		if (ret == 0) {
			if (next == end && now_ns() >= end) {
				if (o->count) {
					err_msg("timed out after %lu of %lu calls closed",
						p.closed, o->count);
					p.status = EX_FAIL;
				}
				break;
			}
			continue;
		}
		if (ret < 0) {
			err_msg("waiting for requests: %s", ERRTEXT(ret));
			p.status = EX_FAIL;
			break;
		}
		n = ktapi_provider_read_requests(p.fd, reqs, 16, 0);
		if (n < 0) {
			err_msg("reading requests: %s", ERRTEXT(n));
			p.status = EX_FAIL;
			break;
		}
		for (i = 0; i < n && !p.done; i++)
			provide_request(&p, &reqs[i]);
	}
	/* Closing the file removes the device and ends its calls. */
	close(p.fd);
	return p.status;
}

static int cmd_close(uint32_t device)
{
	int fd, err;

	fd = open_device();
	if (fd < 0)
		return open_status(fd);
	err = ktapi_close_line_device(fd, device);
	close(fd);
	if (err) {
		err_msg("close line device %" PRIu32 ": %s", device, ERRTEXT(err));
		return err == -ENODEV ? EX_UNAVAIL :
		       err == -EPERM ? EX_PERM : EX_FAIL;
	}
	if (json) {
		json_begin("action");
		json_str("action", "close");
		json_u64("time_ns", (uint64_t)now_ns());
		json_u64("device", device);
		json_end();
	}
	return EX_OK;
}

/* The counters in the order of the ABI (live counts, then totals). */
static const char *const stat_names[] = {
	"files", "lines_open", "calls", "handles", "events_queued", "devices",
	"events_dropped", "calls_total", "handles_total", "events_total",
};

/* Where @name is in stat_names[], or past its end for a newer counter. */
static size_t stat_rank(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++)
		if (!strcmp(name, stat_names[i]))
			break;
	return i;
}

/* scandir(): the known counters in their order, then the others by name. */
static int stat_cmp(const struct dirent **a, const struct dirent **b)
{
	size_t ra = stat_rank((*a)->d_name), rb = stat_rank((*b)->d_name);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int stat_entry(const struct dirent *d)
{
	return d->d_name[0] != '.' && d->d_type != DT_DIR;
}

/*
 * One file per counter under $KTAPI_SYSFS (default /sys)/class/misc/ktapi/
 * stats: its name and its first line (trailing blanks cut), aligned, or
 * one JSON object.  An empty file is skipped, no value at all a failure.
 */
static int cmd_stats(void)
{
	const char *env = getenv("KTAPI_SYSFS");
	const char *root = env && *env ? env : "/sys";
	char dir[3072], path[3400], val[512];
	struct dirent **ents;
	struct statfs sfs;
	int n, i, status = EX_OK;
	bool any = false;

	snprintf(dir, sizeof(dir), "%s/%s", root, STATS_REL);
	n = scandir(dir, &ents, stat_entry, stat_cmp);
	if (n < 0) {
		int e = errno;

		if (e == EACCES || e == EPERM) {
			err_msg("cannot read %s: %s", dir, strerror(e));
			return EX_PERM;
		}
		if (e == ENOENT && !env &&
		    (statfs(root, &sfs) || sfs.f_type != SYSFS_MAGIC_NR))
			err_msg("sysfs is not mounted on %s (mount -t sysfs sysfs %s)",
				root, root);
		else if (e == ENOENT)
			err_msg("no %s: is the ktapi module loaded?", dir);
		else
			err_msg("cannot read %s: %s", dir, strerror(e));
		return e == ENOENT ? EX_UNAVAIL : EX_FAIL;
	}
	if (json)
		json_begin("stats");
	for (i = 0; i < n; i++) {
		const char *key = ents[i]->d_name;
		int err;

		snprintf(path, sizeof(path), "%s/%s", dir, key);
		err = read_line_file(path, val, sizeof(val));
		if (err && err != -ENODATA) {
			err_msg("reading %s: %s", path, strerror(-err));
			status = err == -EACCES || err == -EPERM ? EX_PERM :
				 EX_FAIL;
		}
		free(ents[i]);
		if (!err)
			rtrim(val);
		if (err || !*val)
			continue;
		any = true;
		if (!json)
			printf("%-16s %s\n", key, val);
		else if (is_number(val))
			json_number(key, val);
		else
			json_str(key, val);
	}
	free(ents);
	if (json)
		json_end();
	if (status == EX_OK && !any) {
		err_msg("%s has no values", dir);
		status = EX_FAIL;
	}
	return status;
}

static int module_status(int err)
{
	switch (-err) {
	case ENOENT:
		return EX_UNAVAIL;
	case EPERM:
	case EACCES:
		return EX_PERM;
	default:
		return EX_FAIL;
	}
}

static int cmd_load(const char *name, int nparams, char **params)
{
	size_t len = 1;
	char *p = NULL;
	int i, err;

	for (i = 0; i < nparams; i++)
		len += strlen(params[i]) + 1;
	if (nparams) {
		p = calloc(1, len);
		if (!p) {
			err_msg("out of memory");
			return EX_FAIL;
		}
		for (i = 0; i < nparams; i++) {
			if (i)
				strcat(p, " ");
			strcat(p, params[i]);
		}
	}
	err = ktapi_module_load(name, p);
	if (err) {
		const char *ename = strerrorname_np(-err);

		err_msg("cannot load %s: %s (%s)", name, strerror(-err),
			ename ? ename : "?");
		free(p);
		return module_status(err);
	}
	if (json) {
		json_begin("action");
		json_str("action", "load");
		json_str("module", name);
		json_str("params", p ? p : "");
		json_end();
	}
	free(p);
	return EX_OK;
}

static int cmd_unload(const char *name)
{
	int err = ktapi_module_unload(name);

	if (err) {
		const char *ename = strerrorname_np(-err);

		err_msg("cannot unload %s: %s (%s)%s", name, strerror(-err),
			ename ? ename : "?",
			err == -EBUSY ? "; is /dev/ktapi still open?" :
			err == -ENOENT ? "; it is not loaded" : "");
		return module_status(err);
	}
	if (json) {
		json_begin("action");
		json_str("action", "unload");
		json_str("module", name);
		json_end();
	}
	return EX_OK;
}

/* ---------------------------------------------------------------------- */
/* Command line                                                           */

static void usage(void)
{
	printf(
"Usage: %s [OPTION]... COMMAND [ARG]...\n"
"Look at and drive the ktapi TAPI 2.2 call handle device (%s).\n"
"\n"
"Commands:\n"
"  devices                 list the line devices and their addresses\n"
"  monitor DEVICE          open DEVICE with MONITOR privilege and print its\n"
"                          events until interrupted, --count or --timeout\n"
"  call FROM ADDRESS       open line device FROM with OWNER privilege, call\n"
"                          ADDRESS and print the call's events until it is\n"
"                          IDLE; drop it after --hold SEC once connected\n"
"  answer DEVICE           open DEVICE with OWNER privilege, answer the first\n"
"                          call offered (after --answer-after MS of ringing)\n"
"                          and print its events until it is IDLE; drop it\n"
"                          after --hold SEC\n"
"  provide ADDRESS         serve a new line device with address ADDRESS from\n"
"                          %s, printing every request, reply\n"
"                          and state it reports, until interrupted, --count\n"
"                          or --timeout; the device goes when it exits\n"
"  close DEVICE            force a LINE_CLOSE on every open line of DEVICE\n"
"                          (CLOSE_LINE_DEVICE, needs CAP_SYS_ADMIN)\n"
"  stats                   print the module's statistics (sysfs)\n"
"  load [NAME|PATH] [PARAM]...\n"
"                          load the module through libkmod (default: ktapi),\n"
"                          e.g. 'load ktapi lines=4'\n"
"  unload [NAME]           unload the module (default: ktapi)\n"
"\n"
"Options:\n"
"  -j, --json              print one JSON object per line (JSON Lines)\n"
"  -c, --count N           monitor: exit after N events; provide: after N\n"
"                          calls were closed (CLOSECALL)\n"
"  -t, --timeout SEC       monitor, provide: exit after SEC seconds; call:\n"
"                          drop the call when it is not connected within\n"
"                          SEC; answer: give up when no call comes within SEC\n"
"  -H, --hold SEC          call, answer: drop the call SEC seconds after it\n"
"                          is connected (default: wait for the other side);\n"
"                          provide: the far end hangs up (DISCONNECTED\n"
"                          NORMAL) SEC seconds after CONNECTED\n"
"  -a, --async             call, answer: asynchronous requests (REPLY records)\n"
"      --callinfo          monitor: also print CALLINFO records (a call's\n"
"                          number of owners or monitors changed)\n"
"      --app NAME          monitor, call, answer: open the line with the\n"
"                          application name NAME (the call info of the calls\n"
"                          it makes or answers first reports it)\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"Options of provide:\n"
"      --name NAME         the device's display name (default: ADDRESS)\n"
"      --answer-after MS   an outgoing call rings MS milliseconds, then is\n"
"                          CONNECTED (default 0)\n"
"      --busy              outgoing calls end DISCONNECTED BUSY\n"
"      --reject            outgoing calls end DISCONNECTED REJECT\n"
"      --never-reply       never reply to a request (they time out)\n"
"      --call-in FROM      place one incoming call from FROM once a line is\n"
"                          open on the device with OWNER privilege\n"
"SEC may have a fraction (0.5).  DEVICE and FROM are line device numbers,\n"
"ADDRESS a dialable address (line device N has address 1000+N).\n"
"\n"
"Exit status:\n"
"  0  success (call, answer: the call was connected)\n"
"  1  the operation failed (an ioctl error, a call that was not connected,\n"
"     a timeout before --count events, a forced LINE_CLOSE)\n"
"  2  usage error\n"
"  3  not available: no %s or %s (module not\n"
"     loaded), no such line device, no ktapi statistics in sysfs, no such\n"
"     module file or name\n"
"  4  permission denied\n"
"\n"
"See ktapictl(1), ktapi(4) and libktapi(3).\n",
	       prog, KTAPI_DEVICE_PATH, KTAPI_PROVIDER_DEVICE_PATH,
	       KTAPI_DEVICE_PATH, KTAPI_PROVIDER_DEVICE_PATH);
}

enum {
	OPT_COUNT = 1 << 0, OPT_TIMEOUT = 1 << 1, OPT_HOLD = 1 << 2,
	OPT_ASYNC = 1 << 3, OPT_NAME = 1 << 4, OPT_ANSWER_AFTER = 1 << 5,
	OPT_BUSY = 1 << 6, OPT_REJECT = 1 << 7, OPT_NEVER_REPLY = 1 << 8,
	OPT_CALL_IN = 1 << 9, OPT_CALLINFO = 1 << 10,
	OPT_APP = 1 << 11,
};
#define OPT_PROVIDE	(OPT_COUNT | OPT_TIMEOUT | OPT_HOLD | OPT_NAME | \
			 OPT_ANSWER_AFTER | OPT_BUSY | OPT_REJECT | \
			 OPT_NEVER_REPLY | OPT_CALL_IN)

/* Long options without a short one: values past the characters. */
enum { LOPT_NAME = 256, LOPT_ANSWER_AFTER, LOPT_BUSY, LOPT_REJECT,
       LOPT_NEVER_REPLY, LOPT_CALL_IN, LOPT_CALLINFO, LOPT_APP };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "count", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "hold", required_argument, NULL, 'H' },
	{ "async", no_argument, NULL, 'a' },
	{ "name", required_argument, NULL, LOPT_NAME },
	{ "answer-after", required_argument, NULL, LOPT_ANSWER_AFTER },
	{ "busy", no_argument, NULL, LOPT_BUSY },
	{ "reject", no_argument, NULL, LOPT_REJECT },
	{ "never-reply", no_argument, NULL, LOPT_NEVER_REPLY },
	{ "call-in", required_argument, NULL, LOPT_CALL_IN },
	{ "callinfo", no_argument, NULL, LOPT_CALLINFO },
	{ "app", required_argument, NULL, LOPT_APP },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > MAX_SECONDS)
		return false;
	*out = v;
	return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* LINE_OPEN's rule for an application name (see ktapi(4)). */
static bool valid_app_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (strlen(s) >= KTAPI_APP_NAME_MAX)
		return false;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool valid_address(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n < KTAPI_ADDRESS_MAX &&
	       strspn(s, "0123456789*#+") == n;
}

/*
 * Parse options anywhere on the command line: before the command (the
 * first call, stopping at it) and among its arguments (the second).
 * Return: -1 to go on, or an exit status.
 */
static int parse_opts(int argc, char **argv, bool stop_at_command,
		      unsigned int *seen, struct opts *o)
{
	const char *shortopts = stop_at_command ? "+:jc:t:H:ahV" : ":jc:t:H:ahV";
	int c;

	opterr = 0;
	optind = 0;	/* glibc: start afresh */
	while ((c = getopt_long(argc, argv, shortopts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'c': {
			char *end;

			errno = 0;
			o->count = strtoul(optarg, &end, 10);
			if (errno || *end || o->count == 0 || *optarg < '0' ||
			    *optarg > '9')
				return usage_error("bad --count '%s' (a number >= 1)",
						   optarg);
			*seen |= OPT_COUNT;
			break;
		}
		case 't':
			if (!parse_seconds(optarg, &o->timeout))
				return usage_error("bad --timeout '%s' (seconds >= 0)",
						   optarg);
			*seen |= OPT_TIMEOUT;
			break;
		case 'H':
			if (!parse_seconds(optarg, &o->hold))
				return usage_error("bad --hold '%s' (seconds >= 0)",
						   optarg);
			*seen |= OPT_HOLD;
			break;
		case 'a':
			o->async = true;
			*seen |= OPT_ASYNC;
			break;
		case LOPT_NAME:
			if (strlen(optarg) >= KTAPI_NAME_MAX)
				return usage_error("bad --name '%s' (at most %d characters)",
						   optarg, KTAPI_NAME_MAX - 1);
			o->name = optarg;
			*seen |= OPT_NAME;
			break;
		case LOPT_ANSWER_AFTER:
			if (!parse_u32(optarg, &o->answer_after_ms) ||
			    o->answer_after_ms > MAX_SECONDS)
				return usage_error("bad --answer-after '%s' (milliseconds >= 0)",
						   optarg);
			*seen |= OPT_ANSWER_AFTER;
			break;
		case LOPT_BUSY:
			o->outcome = KTAPI_DISCONNECTMODE_BUSY;
			*seen |= OPT_BUSY;
			break;
		case LOPT_REJECT:
			o->outcome = KTAPI_DISCONNECTMODE_REJECT;
			*seen |= OPT_REJECT;
			break;
		case LOPT_NEVER_REPLY:
			o->never_reply = true;
			*seen |= OPT_NEVER_REPLY;
			break;
		case LOPT_CALL_IN:
			if (!valid_address(optarg))
				return usage_error("bad --call-in '%s' (1..%d characters of 0-9 * # +)",
						   optarg, KTAPI_ADDRESS_MAX - 1);
			o->call_in = optarg;
			*seen |= OPT_CALL_IN;
			break;
		case LOPT_CALLINFO:
			o->callinfo = true;
			*seen |= OPT_CALLINFO;
			break;
		case LOPT_APP:
			if (!valid_app_name(optarg))
				return usage_error("bad --app '%s' (at most %d bytes, no control characters)",
						   optarg, KTAPI_APP_NAME_MAX - 1);
			app_opt = optarg;
			*seen |= OPT_APP;
			break;
		case 'h':
			usage();
			return EX_OK;
		case 'V':
			printf("ktapictl %s\n", KTAPI_VERSION);
			return EX_OK;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	return -1;
}

struct command {
	const char *name;
	int min_args, max_args;	/* positional arguments; -1: any number */
	unsigned int opts;	/* OPT_ bits it accepts */
};

static const struct command commands[] = {
	{ "devices", 0, 0, 0 },
	{ "monitor", 1, 1, OPT_COUNT | OPT_TIMEOUT | OPT_CALLINFO | OPT_APP },
	{ "call", 2, 2, OPT_TIMEOUT | OPT_HOLD | OPT_ASYNC | OPT_APP },
	{ "answer", 1, 1, OPT_TIMEOUT | OPT_HOLD | OPT_ASYNC | OPT_ANSWER_AFTER |
			  OPT_APP },
	{ "provide", 1, 1, OPT_PROVIDE },
	{ "close", 1, 1, 0 },
	{ "stats", 0, 0, 0 },
	{ "load", 0, -1, 0 },
	{ "unload", 0, 1, 0 },
};

/* By bit of OPT_. */
static const char *const opt_names[] = {
	"--count", "--timeout", "--hold", "--async", "--name", "--answer-after",
	"--busy", "--reject", "--never-reply", "--call-in", "--callinfo",
	"--app",
};

static int device_arg(const char *s, uint32_t *dev)
{
	if (!parse_u32(s, dev))
		return usage_error("bad line device '%s' (a number: 0, 1, ...)",
				   s);
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = { .count = 0, .timeout = -1, .hold = -1 };
	const struct command *cmd = NULL;
	unsigned int seen = 0;
	uint32_t dev = 0;
	size_t i;
	int ret, nargs;
	char **args;

	setvbuf(stdout, NULL, _IOLBF, 0);

	ret = parse_opts(argc, argv, true, &seen, &o);
	if (ret >= 0)
		return ret;
	if (optind >= argc)
		return usage_error("no command given");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return usage_error("unknown command '%s'", argv[optind]);

	/* The command's own arguments and options (argv[0] is its name). */
	argc -= optind;
	argv += optind;
	ret = parse_opts(argc, argv, false, &seen, &o);
	if (ret >= 0)
		return ret;
	args = argv + optind;
	nargs = argc - optind;
	if (nargs < cmd->min_args)
		return usage_error("'%s' needs %d argument%s", cmd->name,
				   cmd->min_args, cmd->min_args == 1 ? "" : "s");
	if (cmd->max_args >= 0 && nargs > cmd->max_args)
		return usage_error("too many arguments for '%s'", cmd->name);
	for (i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
		if (seen & ~cmd->opts & (1u << i))
			return usage_error("%s is not an option of '%s'",
					   opt_names[i], cmd->name);
	if (__builtin_popcount(seen & (OPT_BUSY | OPT_REJECT |
				       OPT_NEVER_REPLY)) > 1)
		return usage_error("--busy, --reject and --never-reply exclude each other");

	if (!strcmp(cmd->name, "devices"))
		return cmd_devices();
	if (!strcmp(cmd->name, "stats"))
		return cmd_stats();
	if (!strcmp(cmd->name, "load"))
		return cmd_load(nargs ? args[0] : "ktapi",
				nargs ? nargs - 1 : 0, args + 1);
	if (!strcmp(cmd->name, "unload"))
		return cmd_unload(nargs ? args[0] : "ktapi");
	if (!strcmp(cmd->name, "provide")) {
		if (!valid_address(args[0]))
			return usage_error("bad address '%s' (1..%d characters of 0-9 * # +)",
					   args[0], KTAPI_ADDRESS_MAX - 1);
		return cmd_provide(args[0], &o);
	}

	ret = device_arg(args[0], &dev);
	if (ret >= 0)
		return ret;
	if (!strcmp(cmd->name, "monitor"))
		return cmd_monitor(dev, &o);
	if (!strcmp(cmd->name, "answer"))
		return cmd_answer(dev, &o);
	if (!strcmp(cmd->name, "close"))
		return cmd_close(dev);
	/* call */
	if (!valid_address(args[1]))
		return usage_error("bad address '%s' (1..%d characters of 0-9 * # +)",
				   args[1], KTAPI_ADDRESS_MAX - 1);
	return cmd_call(dev, args[1], &o);
}
