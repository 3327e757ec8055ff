// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktapi-sipd: a SIP service provider for ktapi (see ktapi-sipd(8)).
 *
 * main.c: start-up (options, provider file, SIP stack, lines), detaching
 * (without --foreground: fork, setsid; the parent exits only once the
 * child is ready, with its status), signals (a signalfd in the event
 * loop: SIGTERM and SIGINT stop, SIGUSR1 logs the counters, SIGHUP is
 * logged and ignored) and the
 * orderly stop: live calls ended on the network, the provider file
 * closed (the lines go with it), a moment for the last SIP messages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <re.h>

#include "sipd.h"

#define STOP_LINGER_MS	300	/* for the last CANCEL/BYE to go out */

static void stop_done(void *arg)
{
	(void)arg;
	re_cancel();
}

static void stop(struct sipd *d, struct tmr *linger)
{
	struct sipd_call *c, *next;

	if (d->stopping && d->prov_fd < 0)
		return;
	d->stopping = true;
	for (c = d->calls; c; c = next) {
		next = c->next;
		sipd_sip_end(c, 480);	/* CANCEL, BYE or 480 */
		sipd_call_free(c);
	}
	sipd_prov_close(d);
	tmr_start(linger, STOP_LINGER_MS, stop_done, NULL);
}

struct sigctx {
	struct sipd *d;
	int fd;
	struct tmr linger;
};

static void signal_readable(int flags, void *arg)
{
	struct sigctx *s = arg;
	struct signalfd_siginfo si;

	(void)flags;
	while (read(s->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGUSR1:
			sipd_stats_log(s->d);
			break;
		case SIGHUP:
			sipd_log("SIGHUP ignored: restart to read the configuration again");
			break;
		case SIGTERM:
		case SIGINT:
			sipd_log("signal %d: stopping", (int)si.ssi_signo);
			stop(s->d, &s->linger);
			break;
		default:
			break;
		}
	}
}

static int signals_start(struct sigctx *s)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return errno;
	s->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->fd < 0)
		return errno;
	return fd_listen(s->fd, FD_READ, signal_readable, s);
}

/*
 * Detach: the parent waits on a pipe for the child's start-up status (one
 * byte) and exits with it.  Return the write end in the child.
 */
static int detach(void)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		unsigned char st = SIPD_EX_FATAL;

		close(p[1]);
		if (read(p[0], &st, 1) != 1)
			st = SIPD_EX_FATAL;
		_exit(st);
	}
	close(p[0]);
	if (setsid() < 0)
		return -1;
	if (chdir("/") == 0) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	return p[1];
}

static void report(int fd, unsigned char st)
{
	if (fd >= 0) {
		/* A parent that is gone has nothing to be told. */
		ssize_t n = write(fd, &st, 1);

		(void)n;
		close(fd);
	}
}

static void log_ready(struct sipd *d)
{
	char buf[SIPD_LINES_MAX * (KTAPI_ADDRESS_MAX + 12)];
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < d->nlines && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s:%u",
			      i ? "," : "", d->line[i].number,
			      d->line[i].device_id);
	sipd_log("ready listen=%s:%u lines=%s", d->o.listen_ip,
		 d->o.listen_port, buf);
}

int main(int argc, char **argv)
{
	struct sipd d = { .prov_fd = -1 };
	struct sigctx sig = { .d = &d, .fd = -1 };
	int err, ret, ready_fd = -1;

	ret = sipd_opts_parse(&d.o, argc, argv);
	if (ret > 0)
		return SIPD_EX_OK;
	if (ret < 0) {
		sipd_usage(stderr);
		return SIPD_EX_USAGE;
	}
	if (d.o.print_config) {
		sipd_opts_print(&d.o, stdout);
		return SIPD_EX_OK;
	}

	/* Before detaching, so that a missing module is exit status 3. */
	err = sipd_prov_open(&d);
	if (err) {
		fprintf(stderr, SIPD_NAME ": %s: %s%s\n",
			KTAPI_PROVIDER_DEVICE_PATH, strerror(-err),
			err == -ENOENT ? " (is the ktapi module loaded?)" : "");
		return err == -ENOENT || err == -ENODEV || err == -ENXIO ?
		       SIPD_EX_NODEV : SIPD_EX_FATAL;
	}
	if (!d.o.foreground) {
		ready_fd = detach();
		if (ready_fd < 0) {
			fprintf(stderr, SIPD_NAME ": cannot detach: %s\n",
				strerror(errno));
			return SIPD_EX_FATAL;
		}
	}
	sipd_log_open(d.o.foreground, d.o.verbose);

	ret = SIPD_EX_FATAL;
	err = libre_init();
	if (err) {
		sipd_log("libre_init: %s", strerror(err));
		goto out_prov;
	}
	tmr_init(&sig.linger);
	err = signals_start(&sig);
	if (err) {
		sipd_log("signals: %s", strerror(err));
		goto out;
	}
	if (sipd_calls_init(&d) || sipd_sip_start(&d) || sipd_prov_start(&d))
		goto out;
	sipd_stats_start(&d);
	log_ready(&d);
	report(ready_fd, SIPD_EX_OK);
	ready_fd = -1;

	err = re_main(NULL);
	ret = err ? SIPD_EX_FATAL : SIPD_EX_OK;
	if (err)
		sipd_log("event loop: %s", strerror(err));
	if (!d.stopping || d.prov_fd >= 0) {
		/* The provider file failed: still end the calls. */
		struct sipd_call *c, *next;

		ret = SIPD_EX_FATAL;
		for (c = d.calls; c; c = next) {
			next = c->next;
			sipd_sip_end(c, 480);
			sipd_call_free(c);
		}
	}
	sipd_log("stopped");
out:
	tmr_cancel(&sig.linger);
	if (sig.fd >= 0) {
		fd_close(sig.fd);
		close(sig.fd);
	}
	sipd_prov_close(&d);
	sipd_sip_stop(&d);
	sipd_stats_flush(&d);
	sipd_calls_fini(&d);
	libre_close();
out_prov:
	if (d.prov_fd >= 0)
		close(d.prov_fd);
	report(ready_fd, (unsigned char)ret);
	return ret;
}
