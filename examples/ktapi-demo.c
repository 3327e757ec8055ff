// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktapi-demo - one real call over libktapi, checked step by step.
 *
 * Needs the ktapi module loaded with at least two line devices and no other
 * user of devices 0 and 1.  Three applications (open files):
 *
 *   A  device 0, OWNER|MONITOR, api 2.2   - the caller
 *   B  device 1, OWNER                    - the callee, gets the call
 *   C  device 1, MONITOR                  - watches device 1
 *
 * A calls B's address, B answers, A drops; every event each file reads is
 * printed and compared with what uapi/linux/ktapi.h says must happen, then the call
 * info of every handle is printed and checked, and all handles are
 * deallocated.  Any unexpected return value or event ends the demo with
 * exit status 1.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libktapi.h"

#define READ_TIMEOUT_MS	1000

struct app {
	const char *name;
	int fd;
	uint32_t device_id;
	uint32_t privileges;
	uint32_t handle;	/* the one call handle this demo expects */
	uint32_t call_id;
};

/* One expected event; handle and call_id come from the app. */
struct want {
	uint32_t type;
	uint32_t state;
	uint32_t state_mode;
	uint32_t privilege;
};

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ktapi-demo: FAILED: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Fail unless a libktapi call returned 0 (or, for counts/fds, >= 0). */
static int check(int ret, const char *what)
{
	if (ret < 0) {
		const char *ename = strerrorname_np(-ret);

		die("%s: -%s %s (%s)", what, ename ? ename : "E?",
		    ktapi_error_name(ret), strerror(-ret));
	}
	return ret;
}

static int open_device(void)
{
	int fd = ktapi_open(0);

	if (fd < 0)
		die("cannot open " KTAPI_DEVICE_PATH ": %s (is the ktapi module loaded?)",
		    strerror(-fd));
	return fd;
}

#define CHECK(call) check((call), #call)

static void print_event(const struct app *a, const struct ktapi_event *ev)
{
	switch (ev->type) {
	case KTAPI_EV_APPNEWCALL:
	case KTAPI_EV_CALLSTATE:
		printf("  %s: %-10s handle=%" PRIu32 " call_id=%" PRIu32
		       " state=%s mode=%s privilege=%s\n",
		       a->name, ktapi_event_name(ev->type), ev->handle,
		       ev->call_id, ktapi_callstate_name(ev->state),
		       ktapi_disconnectmode_name(ev->state_mode),
		       ktapi_privilege_name(ev->privilege));
		break;
	case KTAPI_EV_OVERFLOW:
		printf("  %s: %-10s dropped=%" PRIu32 "\n", a->name,
		       ktapi_event_name(ev->type), ev->dropped);
		break;
	default:
		printf("  %s: %-10s (type %" PRIu32 ")\n", a->name,
		       ktapi_event_name(ev->type), ev->type);
		break;
	}
}

/*
 * Read exactly @n events from @a, print each and compare it with @w.
 * An APPNEWCALL tells the app its handle and call id; every other event
 * must carry the ones already known.  Afterwards the queue must be empty.
 */
static void expect_events(struct app *a, const struct want *w, size_t n)
{
	struct ktapi_event ev;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = ktapi_read_events(a->fd, &ev, 1, READ_TIMEOUT_MS);
		if (ret == 0)
			die("%s: event %zu of %zu (%s %s) did not arrive within %d ms",
			    a->name, i + 1, n, ktapi_event_name(w[i].type),
			    ktapi_callstate_name(w[i].state), READ_TIMEOUT_MS);
		check(ret, "ktapi_read_events");
		print_event(a, &ev);

		if (ev.type != w[i].type || ev.state != w[i].state ||
		    ev.state_mode != w[i].state_mode ||
		    ev.privilege != w[i].privilege || ev.dropped || ev.reserved)
			die("%s: expected %s state=%s mode=%s privilege=%s",
			    a->name, ktapi_event_name(w[i].type),
			    ktapi_callstate_name(w[i].state),
			    ktapi_disconnectmode_name(w[i].state_mode),
			    ktapi_privilege_name(w[i].privilege));
		if (ev.type == KTAPI_EV_APPNEWCALL) {
			if (a->handle)
				die("%s: a second APPNEWCALL", a->name);
			if (!ev.handle || !ev.call_id)
				die("%s: APPNEWCALL with handle or call_id 0",
				    a->name);
			a->handle = ev.handle;
			a->call_id = ev.call_id;
		} else if (ev.handle != a->handle || ev.call_id != a->call_id) {
			die("%s: expected handle=%" PRIu32 " call_id=%" PRIu32,
			    a->name, a->handle, a->call_id);
		}
	}
	ret = CHECK(ktapi_read_events(a->fd, &ev, 1, 0));
	if (ret) {
		print_event(a, &ev);
		die("%s: unexpected extra event", a->name);
	}
}

static void print_call_info(const struct app *a,
			    const struct ktapi_call_info *ci)
{
	printf("  %s: handle=%" PRIu32 " call_id=%" PRIu32
	       " related_call_id=%" PRIu32 " device=%" PRIu32 "\n"
	       "     origin=%s reason=%s state=%s mode=%s privilege=%s"
	       " owners=%" PRIu32 " monitors=%" PRIu32 "\n"
	       "     caller=\"%s\" called=\"%s\" states_seen=",
	       a->name, ci->handle, ci->call_id, ci->related_call_id,
	       ci->device_id, ktapi_origin_name(ci->origin),
	       ci->reason == KTAPI_CALLREASON_DIRECT ? "DIRECT" : "?",
	       ktapi_callstate_name(ci->state),
	       ktapi_disconnectmode_name(ci->state_mode),
	       ktapi_privilege_name(ci->privilege), ci->num_owners,
	       ci->num_monitors, ci->caller_address, ci->called_address);
	for (uint32_t bit = 1, first = 1; bit && bit <= ci->states_seen;
	     bit <<= 1) {
		if (ci->states_seen & bit) {
			printf("%s%s", first ? "" : "|",
			       ktapi_callstate_name(bit));
			first = 0;
		}
	}
	printf("\n     create_time_ns=%" PRIu64 " state_time_ns=%" PRIu64 "\n",
	       (uint64_t)ci->create_time_ns, (uint64_t)ci->state_time_ns);
}

#define EXPECT_FIELD(a, ci, field, want) do {				\
	if ((ci)->field != (want))					\
		die("%s: call info " #field " is %" PRIu32 ", expected %" \
		    PRIu32, (a)->name, (uint32_t)(ci)->field,		\
		    (uint32_t)(want));					\
} while (0)

static void check_call_info(const struct app *a, uint32_t call_id,
			    uint32_t related, uint32_t origin, uint32_t state,
			    uint32_t mode, uint32_t seen, uint32_t privilege,
			    uint32_t owners, uint32_t monitors,
			    const char *caller, const char *called)
{
	struct ktapi_call_info ci;

	CHECK(ktapi_get_call_info(a->fd, a->handle, &ci));
	print_call_info(a, &ci);
	EXPECT_FIELD(a, &ci, handle, a->handle);
	EXPECT_FIELD(a, &ci, call_id, call_id);
	EXPECT_FIELD(a, &ci, related_call_id, related);
	EXPECT_FIELD(a, &ci, device_id, a->device_id);
	EXPECT_FIELD(a, &ci, origin, origin);
	EXPECT_FIELD(a, &ci, reason, KTAPI_CALLREASON_DIRECT);
	EXPECT_FIELD(a, &ci, state, state);
	EXPECT_FIELD(a, &ci, state_mode, mode);
	EXPECT_FIELD(a, &ci, states_seen, seen);
	EXPECT_FIELD(a, &ci, privilege, privilege);
	EXPECT_FIELD(a, &ci, num_owners, owners);
	EXPECT_FIELD(a, &ci, num_monitors, monitors);
	if (strcmp(ci.caller_address, caller) || strcmp(ci.called_address, called))
		die("%s: call info addresses \"%s\" -> \"%s\", expected \"%s\" -> \"%s\"",
		    a->name, ci.caller_address, ci.called_address, caller,
		    called);
	if (!ci.create_time_ns || ci.state_time_ns < ci.create_time_ns)
		die("%s: call info times %" PRIu64 " / %" PRIu64, a->name,
		    (uint64_t)ci.create_time_ns, (uint64_t)ci.state_time_ns);
}

static void open_app(struct app *a)
{
	a->fd = open_device();
	CHECK(ktapi_line_open(a->fd, a->device_id, a->privileges,
			      KTAPI_API_VERSION_2_2));
	printf("%s: fd %d, line device %" PRIu32 ", privileges %s, api 2.2\n",
	       a->name, a->fd, a->device_id, ktapi_privilege_name(a->privileges));
}

int main(void)
{
	struct app A = { "A", -1, 0, KTAPI_PRIVILEGE_OWNER | KTAPI_PRIVILEGE_MONITOR, 0, 0 };
	struct app B = { "B", -1, 1, KTAPI_PRIVILEGE_OWNER, 0, 0 };
	struct app C = { "C", -1, 1, KTAPI_PRIVILEGE_MONITOR, 0, 0 };
	struct ktapi_devcaps caps[2];
	struct ktapi_call_info ci;
	int fd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("== device capabilities\n");
	fd = open_device();
	for (uint32_t d = 0; d < 2; d++) {
		CHECK(ktapi_get_devcaps(fd, d, &caps[d]));
		printf("device %" PRIu32 ": address \"%s\", num_devices %" PRIu32 "\n",
		       d, caps[d].address, caps[d].num_devices);
		if (caps[d].num_devices < 2)
			die("need at least 2 line devices, the module has %" PRIu32,
			    caps[d].num_devices);
	}
	close(fd);

	printf("== open lines\n");
	open_app(&A);
	open_app(&B);
	open_app(&C);

	printf("== A calls B at \"%s\"\n", caps[1].address);
	CHECK(ktapi_make_call(A.fd, caps[1].address, &A.handle, &A.call_id));
	printf("A: handle=%" PRIu32 " call_id=%" PRIu32 "\n", A.handle, A.call_id);
	if (!A.handle || !A.call_id)
		die("MAKE_CALL returned handle or call_id 0");
	{
		const struct want a[] = {
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_DIALING, 0, KTAPI_PRIVILEGE_OWNER },
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_RINGBACK, 0, KTAPI_PRIVILEGE_OWNER },
		};
		const struct want b[] = {
			{ KTAPI_EV_APPNEWCALL, KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_OWNER },
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_OWNER },
		};
		const struct want c[] = {
			{ KTAPI_EV_APPNEWCALL, KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_MONITOR },
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_OFFERING, 0, KTAPI_PRIVILEGE_MONITOR },
		};

		expect_events(&A, a, 2);
		expect_events(&B, b, 2);
		expect_events(&C, c, 2);
	}
	if (B.call_id != C.call_id)
		die("B and C hold different legs (%" PRIu32 ", %" PRIu32 ")",
		    B.call_id, C.call_id);
	if (B.call_id == A.call_id)
		die("both legs have call_id %" PRIu32, A.call_id);

	printf("== B answers\n");
	CHECK(ktapi_answer(B.fd, B.handle));
	{
		const struct want a[] = {
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_CONNECTED, 0, KTAPI_PRIVILEGE_OWNER },
		};
		const struct want b[] = {
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_CONNECTED, 0, KTAPI_PRIVILEGE_OWNER },
		};
		const struct want c[] = {
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_CONNECTED, 0, KTAPI_PRIVILEGE_MONITOR },
		};

		expect_events(&A, a, 1);
		expect_events(&B, b, 1);
		expect_events(&C, c, 1);
	}

	printf("== A drops\n");
	CHECK(ktapi_drop(A.fd, A.handle));
	{
		const struct want a[] = {
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_IDLE, 0, KTAPI_PRIVILEGE_OWNER },
		};
		const struct want b[] = {
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_DISCONNECTED,
			  KTAPI_DISCONNECTMODE_NORMAL, KTAPI_PRIVILEGE_OWNER },
		};
		const struct want c[] = {
			{ KTAPI_EV_CALLSTATE, KTAPI_CALLSTATE_DISCONNECTED,
			  KTAPI_DISCONNECTMODE_NORMAL, KTAPI_PRIVILEGE_MONITOR },
		};

		expect_events(&A, a, 1);
		expect_events(&B, b, 1);
		expect_events(&C, c, 1);
	}

	printf("== call info\n");
	check_call_info(&A, A.call_id, B.call_id, KTAPI_CALLORIGIN_OUTBOUND,
			KTAPI_CALLSTATE_IDLE, 0,
			KTAPI_CALLSTATE_DIALING | KTAPI_CALLSTATE_RINGBACK |
			KTAPI_CALLSTATE_CONNECTED | KTAPI_CALLSTATE_IDLE,
			KTAPI_PRIVILEGE_OWNER, 1, 0,
			caps[0].address, caps[1].address);
	check_call_info(&B, B.call_id, A.call_id, KTAPI_CALLORIGIN_INTERNAL,
			KTAPI_CALLSTATE_DISCONNECTED, KTAPI_DISCONNECTMODE_NORMAL,
			KTAPI_CALLSTATE_OFFERING | KTAPI_CALLSTATE_CONNECTED |
			KTAPI_CALLSTATE_DISCONNECTED,
			KTAPI_PRIVILEGE_OWNER, 1, 1,
			caps[0].address, caps[1].address);
	check_call_info(&C, B.call_id, A.call_id, KTAPI_CALLORIGIN_INTERNAL,
			KTAPI_CALLSTATE_DISCONNECTED, KTAPI_DISCONNECTMODE_NORMAL,
			KTAPI_CALLSTATE_OFFERING | KTAPI_CALLSTATE_CONNECTED |
			KTAPI_CALLSTATE_DISCONNECTED,
			KTAPI_PRIVILEGE_MONITOR, 1, 1,
			caps[0].address, caps[1].address);

	printf("== deallocate\n");
	CHECK(ktapi_deallocate_call(A.fd, A.handle));
	CHECK(ktapi_deallocate_call(C.fd, C.handle));
	CHECK(ktapi_deallocate_call(B.fd, B.handle));
	ret = ktapi_get_call_info(A.fd, A.handle, &ci);
	if (ret != -ENOENT)
		die("GET_CALL_INFO of a deallocated handle returned %d (%s), expected -ENOENT",
		    ret, ktapi_error_name(ret));
	printf("A, B, C: handles deallocated; a deallocated handle gives %s\n",
	       ktapi_error_name(ret));
	expect_events(&A, NULL, 0);
	expect_events(&B, NULL, 0);
	expect_events(&C, NULL, 0);

	close(C.fd);
	close(B.fd);
	close(A.fd);
	printf("ktapi-demo: OK\n");
	return 0;
}
