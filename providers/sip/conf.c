// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.c: the options, from the command line and the config file.
 *
 * The config file (--config FILE, default /etc/ktapi/sipd.conf, read only
 * when it exists unless given explicitly) has lines "key = value", the
 * keys being the long options' names (listen, line, peer, answer-timeout,
 * max-calls, stats, name, verbose), '#' at the start of a line or after a
 * blank starting a comment (a number may hold '#').  A key given
 * on the command line wins over the file's; "line" may repeat in either,
 * and the command line's lines replace the file's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipd.h"

enum key {
	K_LISTEN, K_LINE, K_PEER, K_ANSWER_TIMEOUT, K_MAX_CALLS, K_STATS,
	K_NAME, K_VERBOSE, K_FOREGROUND, K_CONFIG, K_HELP, K_PRINT, K_NKEYS
};

static const struct option longopts[] = {
	[K_LISTEN] = { "listen", required_argument, NULL, K_LISTEN },
	[K_LINE] = { "line", required_argument, NULL, K_LINE },
	[K_PEER] = { "peer", required_argument, NULL, K_PEER },
	[K_ANSWER_TIMEOUT] = { "answer-timeout", required_argument, NULL,
			       K_ANSWER_TIMEOUT },
	[K_MAX_CALLS] = { "max-calls", required_argument, NULL, K_MAX_CALLS },
	[K_STATS] = { "stats", required_argument, NULL, K_STATS },
	[K_NAME] = { "name", required_argument, NULL, K_NAME },
	[K_VERBOSE] = { "verbose", no_argument, NULL, K_VERBOSE },
	[K_FOREGROUND] = { "foreground", no_argument, NULL, K_FOREGROUND },
	[K_CONFIG] = { "config", required_argument, NULL, K_CONFIG },
	[K_HELP] = { "help", no_argument, NULL, K_HELP },
	[K_PRINT] = { "print-config", no_argument, NULL, K_PRINT },
	[K_NKEYS] = { NULL, 0, NULL, 0 },
};

/* The keys the config file may set. */
static const bool conf_key[K_NKEYS] = {
	[K_LISTEN] = true, [K_LINE] = true, [K_PEER] = true,
	[K_ANSWER_TIMEOUT] = true, [K_MAX_CALLS] = true, [K_STATS] = true,
	[K_NAME] = true, [K_VERBOSE] = true,
};

void sipd_usage(FILE *f)
{
	fprintf(f,
		"usage: " SIPD_NAME " --listen IP[:PORT] --line NUMBER[,NUMBER...] --peer HOST[:PORT]\n"
		"       [--foreground] [--verbose] [--config FILE] [--answer-timeout SECS]\n"
		"       [--max-calls N] [--stats FILE] [--name NAME] [--print-config]\n"
		"See ktapi-sipd(8).\n");
}

static int bad(const char *where, const char *what, const char *val)
{
	fprintf(stderr, SIPD_NAME ": %s%s%s '%s'\n", where ? where : "",
		where ? ": " : "", what, val);
	return -1;
}

/* IPv4[:PORT], numeric. */
static int parse_hostport(const char *where, const char *val, char *ip,
			  size_t ipsize, uint16_t *port)
{
	const char *colon = strchr(val, ':');
	size_t n = colon ? (size_t)(colon - val) : strlen(val);
	struct in_addr a;
	char buf[64];

	if (n == 0 || n >= sizeof(buf) || n >= ipsize)
		return bad(where, "not a numeric IPv4 address[:port]:", val);
	memcpy(buf, val, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return bad(where, "not a numeric IPv4 address[:port]:", val);
	*port = SIPD_PORT_DEFAULT;
	if (colon) {
		char *end;
		unsigned long p;

		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end || p == 0 || p > 65535)
			return bad(where, "bad port in", val);
		*port = (uint16_t)p;
	}
	memcpy(ip, buf, n + 1);
	return 0;
}

static int parse_uint(const char *where, const char *what, const char *val,
		      unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno || end == val || *end || v < min || v > max || val[0] == '-') {
		fprintf(stderr, SIPD_NAME ": %s%s%s: '%s' is not %u..%u\n",
			where ? where : "", where ? ": " : "", what, val, min,
			max);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

static int parse_bool(const char *where, const char *val, bool *out)
{
	if (!strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1") ||
	    !strcmp(val, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "0") ||
	    !strcmp(val, "off")) {
		*out = false;
		return 0;
	}
	return bad(where, "not yes or no:", val);
}

/* "NUMBER[,NUMBER...]" appended to o->lines. */
static int parse_lines(struct sipd_opts *o, const char *where, const char *val)
{
	const char *p = val;

	for (;;) {
		size_t n = strcspn(p, ",");
		char num[KTAPI_ADDRESS_MAX];
		unsigned int i;

		if (n == 0 || n >= sizeof(num))
			return bad(where, "a line NUMBER is 1..63 of 0-9*#+:", val);
		memcpy(num, p, n);
		num[n] = '\0';
		if (!sipd_address_valid(num))
			return bad(where, "a line NUMBER is 1..63 of 0-9*#+:", num);
		for (i = 0; i < o->nlines; i++)
			if (!strcmp(o->lines[i], num))
				return bad(where, "line given twice:", num);
		if (o->nlines >= SIPD_LINES_MAX) {
			fprintf(stderr, SIPD_NAME ": at most %d lines\n",
				SIPD_LINES_MAX);
			return -1;
		}
		memcpy(o->lines[o->nlines++], num, n + 1);
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int apply(struct sipd_opts *o, int key, const char *where,
		 const char *val)
{
	size_t i;

	switch (key) {
	case K_LISTEN:
		if (parse_hostport(where, val, o->listen_ip,
				   sizeof(o->listen_ip), &o->listen_port))
			return -1;
		/* It goes into From, Contact and SDP: peers must reach it. */
		if (!strcmp(o->listen_ip, "0.0.0.0"))
			return bad(where, "listen needs the address peers reach, not", val);
		return 0;
	case K_PEER:
		return parse_hostport(where, val, o->peer_ip,
				      sizeof(o->peer_ip), &o->peer_port);
	case K_LINE:
		return parse_lines(o, where, val);
	case K_ANSWER_TIMEOUT:
		return parse_uint(where, "answer-timeout", val, 1,
				  SIPD_ANSWER_TIMEOUT_MAX, &o->answer_timeout);
	case K_MAX_CALLS:
		return parse_uint(where, "max-calls", val, 1,
				  SIPD_MAX_CALLS_MAX, &o->max_calls);
	case K_STATS:
		/* Made absolute: the daemon changes to / when it detaches. */
		if (val[0] && val[0] != '/') {
			char cwd[2048];

			if (!getcwd(cwd, sizeof(cwd)) ||
			    (size_t)snprintf(o->stats, sizeof(o->stats) - 8,
					     "%s/%s", cwd, val) >=
			    sizeof(o->stats) - 8)
				return bad(where, "bad stats file name", val);
			return 0;
		}
		if (!val[0] || strlen(val) >= sizeof(o->stats) - 8)
			return bad(where, "bad stats file name", val);
		strcpy(o->stats, val);
		return 0;
	case K_NAME:
		if (strlen(val) >= sizeof(o->name))
			return bad(where, "name longer than 31 characters:", val);
		for (i = 0; val[i]; i++)
			if (val[i] < 0x20 || val[i] > 0x7e)
				return bad(where, "name not printable ASCII:", val);
		strcpy(o->name, val);
		return 0;
	case K_VERBOSE:
		return val ? parse_bool(where, val, &o->verbose) :
			     (o->verbose = true, 0);
	case K_FOREGROUND:
		o->foreground = true;
		return 0;
	case K_PRINT:
		o->print_config = true;
		return 0;
	default:
		return -1;
	}
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int read_conf(struct sipd_opts *o, const char *path, bool explicit,
		     const bool *cli)
{
	char line[4200], where[4200 + 32];
	unsigned int lineno = 0;
	int ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		if (!explicit && errno == ENOENT)
			return 0;
		fprintf(stderr, SIPD_NAME ": cannot read %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val;
		int k;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, SIPD_NAME ": %s: line too long\n", where);
			ret = -1;
			break;
		}
		/*
		 * '#' at the start or after a blank starts a comment; inside
		 * a value it is the value's (a number may hold '#').
		 */
		for (s = line; *s; s++) {
			if (*s == '#' && (s == line || s[-1] == ' ' ||
					  s[-1] == '\t')) {
				*s = '\0';
				break;
			}
		}
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, SIPD_NAME ": %s: not \"key = value\"\n",
				where);
			ret = -1;
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		for (k = 0; k < K_NKEYS; k++)
			if (conf_key[k] && !strcmp(key, longopts[k].name))
				break;
		if (k == K_NKEYS) {
			fprintf(stderr, SIPD_NAME ": %s: unknown key '%s'\n",
				where, key);
			ret = -1;
			break;
		}
		if (cli[k])
			continue;	/* the command line wins */
		if (apply(o, k, where, val)) {
			ret = -1;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* --print-config: the options in effect, as a config file. */
void sipd_opts_print(const struct sipd_opts *o, FILE *f)
{
	unsigned int i;

	fprintf(f, "listen = %s:%u\n", o->listen_ip, o->listen_port);
	for (i = 0; i < o->nlines; i++)
		fprintf(f, "line = %s\n", o->lines[i]);
	fprintf(f, "peer = %s:%u\n", o->peer_ip, o->peer_port);
	fprintf(f, "answer-timeout = %u\n", o->answer_timeout);
	fprintf(f, "max-calls = %u\n", o->max_calls);
	if (o->stats[0])
		fprintf(f, "stats = %s\n", o->stats);
	fprintf(f, "name = %s\n", o->name);
	fprintf(f, "verbose = %s\n", o->verbose ? "yes" : "no");
}

/*
 * Fill @o from the command line and the config file.  Return 0, 1 when
 * --help was asked (printed), -1 after a usage error (printed).
 */
int sipd_opts_parse(struct sipd_opts *o, int argc, char **argv)
{
	bool cli[K_NKEYS] = { false };
	const char *config = SIPD_CONF_DEFAULT;
	bool explicit = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->answer_timeout = SIPD_ANSWER_TIMEOUT_DEFAULT;
	o->max_calls = SIPD_MAX_CALLS_DEFAULT;
	strcpy(o->name, SIPD_NAME);

	/* First pass: which keys the command line sets, and --config. */
	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == '?' || c < 0 || c >= K_NKEYS)
			return -1;
		if (c == K_HELP) {
			sipd_usage(stdout);
			return 1;
		}
		if (c == K_CONFIG) {
			config = optarg;
			explicit = true;
		}
		cli[c] = true;
	}
	if (optind < argc) {
		fprintf(stderr, SIPD_NAME ": unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (read_conf(o, config, explicit, cli))
		return -1;

	/* Second pass: the command line's values. */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == K_CONFIG || c == K_HELP)
			continue;
		if (apply(o, c, NULL, optarg))
			return -1;
	}

	if (!o->listen_ip[0] || !o->nlines || !o->peer_ip[0]) {
		fprintf(stderr, SIPD_NAME ": --listen, --line and --peer are needed (here or in %s)\n",
			config);
		return -1;
	}
	return 0;
}
