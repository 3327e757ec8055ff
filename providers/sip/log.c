// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c: the daemon's log.  With --foreground one line per event to
 * stderr, else to syslog (LOG_DAEMON); every line starts "ktapi-sipd: "
 * (syslog's ident is the same word, and the prefix is written as well so
 * that a journal line greps the same as a stderr line).
 *
 * What a peer can make happen at will (refused INVITEs, stray responses)
 * is logged through sipd_log_limited(): at most LOG_BURST lines per
 * second, then one line saying how many were left out.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "sipd.h"

#define LOG_BURST	20

static struct {
	bool syslog;
	bool verbose;
	time_t window;
	unsigned int in_window;
	unsigned long suppressed;
} lg;

void sipd_log_open(bool foreground, bool verbose)
{
	lg.verbose = verbose;
	lg.syslog = !foreground;
	if (lg.syslog)
		openlog(SIPD_NAME, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (lg.syslog) {
		syslog(prio, SIPD_NAME ": %s", buf);
	} else {
		fprintf(stderr, SIPD_NAME ": %s\n", buf);
		fflush(stderr);
	}
}

void sipd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap);
	va_end(ap);
}

void sipd_debug(const char *fmt, ...)
{
	va_list ap;

	if (!lg.verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void sipd_log_limited(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != lg.window) {
		lg.window = ts.tv_sec;
		lg.in_window = 0;
		if (lg.suppressed) {
			sipd_log("%lu log lines suppressed", lg.suppressed);
			lg.suppressed = 0;
		}
	}
	if (lg.in_window >= LOG_BURST) {
		lg.suppressed++;
		return;
	}
	lg.in_window++;
	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap);
	va_end(ap);
}

/* "call CALLID dev DEVID in|out FROM->TO: WHAT" */
void sipd_call_log(const struct sipd_call *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sipd_log("call %u dev %u %s %s->%s: %s", c->call_id,
		 c->line->device_id, c->out ? "out" : "in", c->from, c->to,
		 what);
}
