// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats.c: the counters.  With --stats FILE they are written to FILE after
 * every change, atomically (FILE.tmp, then rename()), one "key value" line
 * each; SIGUSR1 logs them on one line.
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
#include <string.h>

#include "sipd.h"

#define STATS_FMT(sep)							\
	"lines" sep "%lu%s" "calls" sep "%lu%s" "dialogs" sep "%lu%s"	\
	"closecalls" sep "%lu%s" "invites_in" sep "%lu%s"		\
	"invites_out" sep "%lu%s" "refused" sep "%lu%s"

void sipd_stats_changed(struct sipd *d)
{
	const struct sipd_stats *s = &d->st;
	char tmp[sizeof(d->o.stats) + 8];
	FILE *f;
	int err;

	if (!d->o.stats[0])
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->o.stats);
	f = fopen(tmp, "we");
	if (!f) {
		sipd_log_limited("stats: %s: %s", tmp, strerror(errno));
		return;
	}
	fprintf(f, STATS_FMT(" "), s->lines, "\n", s->calls, "\n",
		s->dialogs, "\n", s->closecalls, "\n", s->invites_in, "\n",
		s->invites_out, "\n", s->refused, "\n");
	err = ferror(f);
	if (fclose(f) || err || rename(tmp, d->o.stats)) {
		sipd_log_limited("stats: %s: %s", d->o.stats, strerror(errno));
		remove(tmp);
	}
}

void sipd_stats_log(const struct sipd *d)
{
	const struct sipd_stats *s = &d->st;

	sipd_log("stats " STATS_FMT("="), s->lines, " ", s->calls, " ",
		 s->dialogs, " ", s->closecalls, " ", s->invites_in, " ",
		 s->invites_out, " ", s->refused, "");
}
