// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c: the daemon's log.  With --foreground one line per event to
 * stderr, else to syslog (LOG_DAEMON); every line starts "ktapi-sipd: "
 * (syslog's ident is the same word, and the prefix is written as well so
 * that a journal line greps the same as a stderr line).
 *
 * What a peer can make happen at will (refused INVITEs, stray responses)
 * is logged through sipd_log_limited(): at most LOG_BURST lines per
 * second, then one line saying how many were left out.  The call events
 * (sipd_call_log(), one line each) have a budget of their own,
 * LOG_CALL_BURST a second: a peer that makes and cancels calls as fast
 * as it can neither floods the log nor silences the other lines.
 *
 * libre writes a line to stderr itself for every datagram it cannot
 * decode (src/sip/transp.c), which a peer could send at will: with
 * --foreground the log goes to a duplicate of stderr and, unless
 * --verbose, fd 2 is /dev/null for libre.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sipd.h"

#define LOG_BURST	20
#define LOG_CALL_BURST	200

struct budget {
	time_t window;
	unsigned int in_window;
	unsigned long suppressed;
};

static struct {
	FILE *out;
	bool syslog;
	bool verbose;
	struct budget other, calls;
} lg;

void sipd_log_open(bool foreground, bool verbose)
{
	lg.verbose = verbose;
	lg.syslog = !foreground;
	lg.out = stderr;
	if (lg.syslog) {
		openlog(SIPD_NAME, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	} else if (!verbose) {
		int fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

		if (f && null >= 0 && dup2(null, 2) == 2)
			lg.out = f;
		else if (f)
			fclose(f);
		else if (fd >= 0)
			close(fd);
		if (null >= 0)
			close(null);
	}
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (lg.syslog) {
		syslog(prio, SIPD_NAME ": %s", buf);
	} else {
		fprintf(lg.out, SIPD_NAME ": %s\n", buf);
		fflush(lg.out);
	}
}

void sipd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap);
	va_end(ap);
}

/*
 * Within @b's @burst lines of this second?  Else count the line as
 * suppressed; the first line of a later second says how many were.
 */
static bool within(struct budget *b, unsigned int burst, const char *what)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != b->window) {
		b->window = ts.tv_sec;
		b->in_window = 0;
		if (b->suppressed) {
			sipd_log("%lu %s suppressed", b->suppressed, what);
			b->suppressed = 0;
		}
	}
	if (b->in_window >= burst) {
		b->suppressed++;
		return false;
	}
	b->in_window++;
	return true;
}

static bool budget(void)
{
	return within(&lg.other, LOG_BURST, "log lines");
}

void sipd_log_limited(const char *fmt, ...)
{
	va_list ap;

	if (!budget())
		return;
	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap);
	va_end(ap);
}

/* --verbose only, and limited: a peer can cause most of these. */
void sipd_debug(const char *fmt, ...)
{
	va_list ap;

	if (!lg.verbose || !budget())
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* "call CALLID dev DEVID in|out FROM->TO: WHAT" */
void sipd_call_log(const struct sipd_call *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (!within(&lg.calls, LOG_CALL_BURST, "call event lines"))
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sipd_log("call %u dev %u %s %s->%s: %s", c->call_id,
		 c->line->device_id, c->out ? "out" : "in", c->from, c->to,
		 what);
}
