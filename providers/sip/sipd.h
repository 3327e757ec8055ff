/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ktapi-sipd: a SIP service provider for ktapi (see ktapi-sipd(8)).
 *
 * One process, one libre event loop (re_main()): the provider file
 * (prov.c), the SIP stack (sip.c), signals (main.c) and the timers of the
 * calls all run from it, so nothing here is locked.  Everything lives in
 * one struct sipd passed around; there is no other global state but the
 * log's (log.c).
 */
#ifndef KTAPI_SIPD_H
#define KTAPI_SIPD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libktapi.h>

#define SIPD_NAME		"ktapi-sipd"
#define SIPD_CONF_DEFAULT	"/etc/ktapi/sipd.conf"
#define SIPD_PORT_DEFAULT	5060
#define SIPD_LINES_MAX		64	/* --line numbers per daemon */
#define SIPD_MAX_CALLS_DEFAULT	8
#define SIPD_MAX_CALLS_MAX	1024
#define SIPD_ANSWER_TIMEOUT_DEFAULT	60	/* seconds */
#define SIPD_ANSWER_TIMEOUT_MAX	86400
#define SIPD_MAX_REQUESTS	64	/* REGISTER's max_requests */
/* The caller address of an INVITE whose From user part is no address. */
#define SIPD_CALLER_UNKNOWN	"0"

/* Exit statuses (ktapi-sipd(8), EXIT STATUS). */
#define SIPD_EX_OK		0
#define SIPD_EX_FATAL		1
#define SIPD_EX_USAGE		2
#define SIPD_EX_NODEV		3

/* The options, from the command line and the config file (conf.c). */
struct sipd_opts {
	char listen_ip[64];		/* numeric IPv4 */
	uint16_t listen_port;
	char peer_ip[64];		/* numeric IPv4 */
	uint16_t peer_port;
	char lines[SIPD_LINES_MAX][KTAPI_ADDRESS_MAX];
	unsigned int nlines;
	unsigned int answer_timeout;	/* seconds */
	unsigned int max_calls;		/* live calls per line */
	char stats[4096];		/* --stats FILE, "" for none */
	char name[KTAPI_PROVIDER_NAME_MAX];
	bool foreground;
	bool verbose;
	bool print_config;		/* --print-config: print, exit 0 */
};

/* One line device the daemon serves. */
struct sipd_line {
	char number[KTAPI_ADDRESS_MAX];
	char user[3 * KTAPI_ADDRESS_MAX];	/* number as a URI user part */
	uint32_t device_id;
	unsigned int live;		/* calls not IDLE (the --max-calls bound) */
};

struct sipsess;
struct sipd;

/* One leg (call.c): from its MAKECALL or NEWCALL until its CLOSECALL. */
struct sipd_call {
	struct sipd_call *next, **pprev;	/* d->calls, every leg */
	struct sipd_call *id_next;	/* its bucket of d->by_id */
	struct sipd_call *cid_next;	/* its bucket of d->by_callid */
	uint32_t cid_hash;		/* of callid, when set */
	struct sipd *d;
	uint32_t call_id;
	struct sipd_line *line;
	bool out;			/* made here (MAKECALL) */
	uint32_t state;			/* the state last reported, 0 none */
	struct sipsess *sess;		/* NULL once freed */
	bool answered;			/* in: 200 OK sent */
	bool ended;			/* the SIP session is over */
	char from[KTAPI_ADDRESS_MAX];
	char to[KTAPI_ADDRESS_MAX];
	void *tmr;			/* struct tmr (sip.c), answer timeout */
	uint64_t reinvite_window;	/* ms (tmr_jiffies()) it began */
	unsigned int reinvites;		/* re-INVITEs answered in it */
	unsigned int reinvite_msgs;	/* the same, retransmissions too */
	uint32_t reinvite_cseq;		/* the last one's, 0 none */
	uint64_t sdp_id, sdp_version;	/* our o= line, one id per call */
	char *media;			/* our m= lines (sdp.c), NULL none */
	char *callid;			/* the dialog's Call-ID, NULL before */
	char *ftag;			/* in: the INVITE's From tag */
};

/* Counters (stats.c); "calls" and "dialogs" are live counts. */
struct sipd_stats {
	unsigned long lines, calls, dialogs, closecalls;
	unsigned long invites_in, invites_out, refused;
};

struct sipd {
	struct sipd_opts o;
	struct sipd_line line[SIPD_LINES_MAX];
	unsigned int nlines;
	int prov_fd;
	struct sipd_call *calls;	/* call.c's table: every leg */
	struct sipd_call **by_id;	/* ... hashed by call id */
	struct sipd_call **by_callid;	/* ... hashed by Call-ID, once set */
	uint32_t nbuckets;		/* of each, a power of two */
	uint32_t hash_seed;		/* by_callid's: peers choose Call-IDs */
	struct sipd_stats st;
	struct sipd_sip *sip;		/* sip.c's state */
	bool stopping;
	bool stats_dirty;		/* stats.c: FILE to be written */
	void *stats_tmr;		/* struct tmr, this loop pass */
	uint64_t stats_written;		/* ms (tmr_jiffies()), 0 never */
};

/* log.c */
void sipd_log_open(bool foreground, bool verbose);
void sipd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sipd_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sipd_log_limited(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sipd_call_log(const struct sipd_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* conf.c */
int sipd_opts_parse(struct sipd_opts *o, int argc, char **argv);
void sipd_usage(FILE *f);
void sipd_opts_print(const struct sipd_opts *o, FILE *f);

/* map.c: the mapping and the address rule */
bool sipd_address_valid(const char *a);
uint32_t sipd_final_mode(unsigned int scode);
uint32_t sipd_progress_state(uint32_t state, unsigned int scode);
const char *sipd_mode_name(uint32_t mode);
const char *sipd_state_name(uint32_t state);
int sipd_user_decode(char *dst, size_t size, const char *src, size_t len);
int sipd_user_encode(char *dst, size_t size, const char *src);

/* sdp.c */
#define SIPD_SDP_MEDIA_MAX	16	/* m= lines of an offer we answer */
#define SIPD_SDP_MAX		2048	/* bytes of a description we send */
#define SIPD_SDP_MEDIA_BYTES	(SIPD_SDP_MAX - 256)	/* of its m= lines */
int sipd_sdp_reject(char *dst, size_t size, const char *offer, size_t len);
int sipd_sdp_build(char *dst, size_t size, uint64_t id, uint64_t version,
		   const char *ip, const char *media);

/* call.c */
int sipd_calls_init(struct sipd *d);
void sipd_calls_fini(struct sipd *d);
struct sipd_call *sipd_call_new(struct sipd *d, struct sipd_line *line,
				uint32_t call_id, bool out, const char *from,
				const char *to);
struct sipd_call *sipd_call_find(struct sipd *d, uint32_t call_id);
int sipd_call_set_callid(struct sipd_call *c, const char *callid, size_t len);
struct sipd_call *sipd_call_next_by_callid(struct sipd *d, const char *callid,
					   size_t len, struct sipd_call *after);
void sipd_call_free(struct sipd_call *c);
struct sipd_line *sipd_line_by_device(struct sipd *d, uint32_t device_id);
struct sipd_line *sipd_line_by_number(struct sipd *d, const char *number);
bool sipd_line_full(const struct sipd *d, const struct sipd_line *l);
int sipd_call_state(struct sipd_call *c, uint32_t state, uint32_t mode,
		    const char *why);

/* prov.c */
int sipd_prov_open(struct sipd *d);
int sipd_prov_start(struct sipd *d);
void sipd_prov_close(struct sipd *d);
int sipd_prov_reply(struct sipd *d, uint64_t request_id, int result);

/* sip.c */
int sipd_sip_start(struct sipd *d);
void sipd_sip_stop(struct sipd *d);
int sipd_sip_invite(struct sipd_call *c);
int sipd_sip_answer(struct sipd_call *c);
void sipd_sip_end(struct sipd_call *c, unsigned int refuse);
void sipd_sip_free(struct sipd_call *c);

/* stats.c */
void sipd_stats_changed(struct sipd *d);
void sipd_stats_start(struct sipd *d);
void sipd_stats_flush(struct sipd *d);
void sipd_stats_log(const struct sipd *d);

#endif /* KTAPI_SIPD_H */
