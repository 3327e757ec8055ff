// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats.c: the counters.  With --stats FILE they are written to FILE
 * after a change, once for all the changes of a pass of the event loop
 * (a timer, started by the first change), at most every STATS_GAP_MS (a
 * peer's flood of refused INVITEs is one pass per datagram), and last
 * by sipd_stats_flush(); atomically (FILE.tmp, then rename()), one "key
 * value" line each.  The first write is sipd_stats_start()'s, before the
 * ready line: from then on FILE is this daemon's, never what a daemon
 * before it left there.  SIGUSR1 logs them on one line.
 *
 *   lines       line devices added (0 once the provider file is closed)
 *   calls       legs kept (from MAKECALL or NEWCALL to CLOSECALL)
 *   dialogs     SIP sessions held (from the INVITE to the DROP or CLOSECALL)
 *   closecalls  CLOSECALLs received, in total
 *   invites_in, invites_out   INVITEs received, sent, in total
 *   refused     INVITEs refused and MAKECALLs refused EAGAIN, in total
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "sipd.h"

#define STATS_GAP_MS	100

#define STATS_FMT(sep)							\
	"lines" sep "%lu%s" "calls" sep "%lu%s" "dialogs" sep "%lu%s"	\
	"closecalls" sep "%lu%s" "invites_in" sep "%lu%s"		\
	"invites_out" sep "%lu%s" "refused" sep "%lu%s"

/* Return: false when FILE could not be written. */
static bool stats_write(struct sipd *d)
{
	const struct sipd_stats *s = &d->st;
	char tmp[sizeof(d->o.stats) + 8];
	FILE *f;
	int err;

	d->stats_dirty = false;
	d->stats_written = tmr_jiffies();
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->o.stats);
	f = fopen(tmp, "we");
	if (!f) {
		sipd_log_limited("stats: %s: %s", tmp, strerror(errno));
		return false;
	}
	fprintf(f, STATS_FMT(" "), s->lines, "\n", s->calls, "\n",
		s->dialogs, "\n", s->closecalls, "\n", s->invites_in, "\n",
		s->invites_out, "\n", s->refused, "\n");
	err = ferror(f);
	if (fclose(f) || err || rename(tmp, d->o.stats)) {
		sipd_log_limited("stats: %s: %s", d->o.stats, strerror(errno));
		remove(tmp);
		return false;
	}
	return true;
}

static void stats_due(void *arg)
{
	stats_write(arg);
}

/* A counter changed: FILE is written after this loop pass. */
void sipd_stats_changed(struct sipd *d)
{
	uint64_t since;

	if (!d->o.stats[0] || d->stats_dirty)
		return;
	if (!d->stats_tmr) {
		d->stats_tmr = calloc(1, sizeof(struct tmr));
		if (!d->stats_tmr) {
			stats_write(d);	/* no timer: at once */
			return;
		}
		tmr_init(d->stats_tmr);
	}
	d->stats_dirty = true;
	since = tmr_jiffies() - d->stats_written;
	tmr_start(d->stats_tmr, since < STATS_GAP_MS ? STATS_GAP_MS - since : 0,
		  stats_due, d);
}

/*
 * Write FILE now, pending change or not (once started, before "ready");
 * if that fails, no earlier daemon's FILE is left to pass for this one's.
 */
void sipd_stats_start(struct sipd *d)
{
	if (!d->o.stats[0])
		return;
	if (d->stats_tmr)
		tmr_cancel(d->stats_tmr);
	if (!stats_write(d))
		remove(d->o.stats);
}

/* Write what is pending now, and drop the timer (before libre_close()). */
void sipd_stats_flush(struct sipd *d)
{
	if (d->stats_tmr)
		tmr_cancel(d->stats_tmr);
	free(d->stats_tmr);
	d->stats_tmr = NULL;
	if (d->stats_dirty)
		stats_write(d);
}

void sipd_stats_log(const struct sipd *d)
{
	const struct sipd_stats *s = &d->st;

	sipd_log("stats " STATS_FMT("="), s->lines, " ", s->calls, " ",
		 s->dialogs, " ", s->closecalls, " ", s->invites_in, " ",
		 s->invites_out, " ", s->refused, "");
}
