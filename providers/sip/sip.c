// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sip.c: the libre glue.  One SIP stack on one UDP socket (--listen),
 * sipsess for INVITE dialogs, and the mapping of what the peer sends to
 * the legs' states (ktapi-sipd(8), MAPPING):
 *
 *   outgoing  INVITE sent DIALING (prov.c); 100 PROCEEDING; 180, 183
 *             RINGBACK (never backwards: sipd_progress_state()); 2xx
 *             CONNECTED (libre sends the ACK); a 3xx DISCONNECTED/UNKNOWN,
 *             not followed (trace_handler()); a final response >= 400
 *             DISCONNECTED with sipd_final_mode(); no
 *             final answer within --answer-timeout (or no response at
 *             all: libre's timer B) CANCEL and DISCONNECTED/NOANSWER;
 *             BYE from the peer DISCONNECTED/NORMAL
 *   incoming  INVITE: NEWCALL (OFFERING) and 180 Ringing, 480 when the
 *             device has no owner, 484 for a request URI whose user part
 *             is no address (a From user part that is none is presented
 *             as caller "0", SIPD_CALLER_UNKNOWN), 404 for a
 *             number that is no line, 486 at --max-calls; ANSWER 200 OK,
 *             CONNECTED on the ACK; CANCEL or BYE DISCONNECTED/NORMAL;
 *             no ANSWER within --answer-timeout 480, DISCONNECTED/NOANSWER
 *
 * libre 1.1.0 (src/sipsess/connect.c) hands every provisional response,
 * 100 Trying included, to the progress handler, and every final one
 * >= 300 (and transaction errors) to the close handler; releasing a
 * session (mem_deref) sends CANCEL while the INVITE has no final answer,
 * BYE once established, and 486 for an incoming session that was not
 * answered: hence sipd_sip_end() rejects such a session itself (603 or
 * 480) before releasing it.  A session the peer ended stays allocated
 * (terminated, its handlers detached by libre) until the leg's DROP or
 * CLOSECALL, so "dialogs" counts the sessions held.
 *
 * SDP (sdp.c): no media.  Our offers have no m= line; our answer to an
 * offer rejects every stream it offers (port 0, RFC 3264 6), an offer we
 * cannot read is refused 488, a body that is no SDP 415.  One o= session
 * id per call; its version grows only when our description changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>
/* re_dbg.h wants these; the daemon logs through log.c, not DEBUG_*(). */
#define DEBUG_MODULE "ktapi-sipd"
#define DEBUG_LEVEL 0
#include <re_dbg.h>

#include "sipd.h"

struct sipd_sip {
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sip_lsnr *lsnr_req, *lsnr_resp;	/* what sipsess leaves */
	struct dnsc *dnsc;
};

/* A peer's string for a log line: printable ASCII, at most 63 bytes. */
static void clean(char *dst, size_t size, const struct pl *pl)
{
	size_t i, n = pl && pl->p ? pl->l : 0;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++) {
		char ch = pl->p[i];

		dst[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	dst[n] = '\0';
}

/* Our session description for @c: its o= line and its m= lines. */
static struct mbuf *sdp_body(const struct sipd_call *c)
{
	struct mbuf *mb = mbuf_alloc(SIPD_SDP_MAX);
	int n;

	if (!mb)
		return NULL;
	n = sipd_sdp_build((char *)mb->buf, mb->size, c->sdp_id,
			   c->sdp_version, c->d->o.listen_ip,
			   c->media ? c->media : "");
	if (n < 0) {
		mem_deref(mb);
		return NULL;
	}
	mb->end = (size_t)n;
	mb->pos = 0;
	return mb;
}

/*
 * The m= lines answering the offer in @msg's body into @media (sdp.c:
 * every stream rejected); "" when it has no body.  Return 0, or the SIP
 * status to refuse it with: 415 for a body that is no SDP, 488 for an
 * SDP the daemon does not take.
 */
static unsigned int offer_answer(char media[SIPD_SDP_MEDIA_BYTES],
				 const struct sip_msg *msg)
{
	size_t len = mbuf_get_left(msg->mb);

	media[0] = '\0';
	if (!len)
		return 0;
	if (!msg_ctype_cmp(&msg->ctyp, "application", "sdp"))
		return 415;
	if (sipd_sdp_reject(media, SIPD_SDP_MEDIA_BYTES,
			    (const char *)mbuf_buf(msg->mb), len) < 0)
		return 488;
	return 0;
}

/* A new call's o= line: a random session id, version 1. */
static void sdp_start(struct sipd_call *c)
{
	c->sdp_id = rand_u64() >> 1;	/* fits any reader's int64 */
	c->sdp_version = 1;
}

static void dialogs(struct sipd *d, int delta)
{
	d->st.dialogs += delta;
	sipd_stats_changed(d);
}

static void timer_stop(struct sipd_call *c)
{
	if (c->tmr)
		tmr_cancel(c->tmr);
}

/* Release the session: CANCEL, BYE or the pending reply as libre does. */
void sipd_sip_free(struct sipd_call *c)
{
	timer_stop(c);
	if (c->sess) {
		c->sess = mem_deref(c->sess);
		dialogs(c->d, -1);
	}
	c->ended = true;
	free(c->tmr);
	c->tmr = NULL;
}

/*
 * End the call on the network as fits and free its session: an incoming
 * session not answered yet is refused with @refuse (603 for a DROP, 480
 * for a CLOSECALL); any other one is released (CANCEL or BYE).
 */
void sipd_sip_end(struct sipd_call *c, unsigned int refuse)
{
	if (c->sess && !c->ended && !c->out && !c->answered) {
		const char *reason = refuse == 603 ? "Decline" :
				     "Temporarily Unavailable";

		if (!sipsess_reject(c->sess, (uint16_t)refuse, reason, NULL))
			sipd_call_log(c, "%u %s sent", refuse, reason);
	} else if (c->sess && !c->ended) {
		sipd_call_log(c, "%s sent",
			      c->state == KTAPI_CALLSTATE_CONNECTED ? "BYE" :
			      c->out ? "CANCEL" : "BYE");
	}
	sipd_sip_free(c);
}

/*
 * A re-INVITE in a dialog (libre calls this only for those).  libre keeps
 * each 200 OK it sends, with a copy of the request, until its ACK comes
 * (up to 32 s): a peer sending re-INVITEs without ACKs would grow our
 * memory at will.  At most SIPD_REINVITES per SIPD_REINVITE_WINDOW_MS per
 * call are answered; past that libre refuses with 488.
 */
#define SIPD_REINVITES			4
#define SIPD_REINVITE_WINDOW_MS		32000
/* Each with the 6 retransmissions of timer A in 32 s (RFC 3261 17.1.1.2). */
#define SIPD_REINVITE_MSGS		(SIPD_REINVITES * 7)

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct sipd_call *c = arg;
	uint64_t now = tmr_jiffies();
	char media[SIPD_SDP_MEDIA_BYTES];

	if (now - c->reinvite_window >= SIPD_REINVITE_WINDOW_MS) {
		c->reinvite_window = now;
		c->reinvites = 0;
		c->reinvite_msgs = 0;
	}
	/*
	 * libre keeps no server transaction for a re-INVITE: a
	 * retransmission (the same CSeq) comes here again.  It is answered
	 * as the first time and does not count as a re-INVITE, but each
	 * answer is kept too: at most SIPD_REINVITE_MSGS in all.
	 */
	if (msg->cseq.num != c->reinvite_cseq || !c->reinvite_cseq)
		c->reinvites++;
	c->reinvite_msgs++;
	c->reinvite_cseq = msg->cseq.num;
	if (c->reinvites > SIPD_REINVITES ||
	    c->reinvite_msgs > SIPD_REINVITE_MSGS) {
		sipd_log_limited("call %u: re-INVITE refused 488 (more than %u in %u s)",
				 (unsigned int)c->call_id, SIPD_REINVITES,
				 SIPD_REINVITE_WINDOW_MS / 1000);
		return EPROTO;
	}
	/*
	 * An offer: every stream rejected; the version grows only when our
	 * description changes.  None: our last description again (an offer
	 * keeps the m= lines of the last one, RFC 3264 8), the same version.
	 */
	if (offer_answer(media, msg)) {
		sipd_log_limited("call %u: re-INVITE refused 488 (offer not taken)",
				 (unsigned int)c->call_id);
		return EPROTO;
	}
	if (mbuf_get_left(msg->mb) && strcmp(media, c->media ? c->media : "")) {
		char *m = media[0] ? strdup(media) : NULL;

		if (media[0] && !m)
			return ENOMEM;
		free(c->media);
		c->media = m;
		c->sdp_version++;
	}
	*descp = sdp_body(c);
	return *descp ? 0 : ENOMEM;
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return 0;	/* any SDP answer will do: no media */
}

static void progress_handler(const struct sip_msg *msg, void *arg)
{
	struct sipd_call *c = arg;
	uint32_t to = sipd_progress_state(c->state, msg->scode);
	char why[8];

	if (!to) {
		sipd_debug("call %u: %u ignored in %s", c->call_id,
			   msg->scode, sipd_state_name(c->state));
		return;
	}
	snprintf(why, sizeof(why), "%u", msg->scode);
	sipd_call_state(c, to, 0, why);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct sipd_call *c = arg;

	(void)msg;
	timer_stop(c);
	sipd_call_state(c, KTAPI_CALLSTATE_CONNECTED, 0,
			c->out ? "200" : "ACK");
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct sipd_call *c = arg;
	uint32_t mode = KTAPI_DISCONNECTMODE_UNKNOWN;
	char why[64];

	timer_stop(c);
	c->ended = true;
	if (msg && msg->scode >= 300) {
		snprintf(why, sizeof(why), "%u", msg->scode);
		mode = c->out ? sipd_final_mode(msg->scode) :
				KTAPI_DISCONNECTMODE_UNKNOWN;
	} else if (err == ECONNRESET) {
		/* The peer's BYE, or its CANCEL of an incoming call. */
		snprintf(why, sizeof(why), "%s",
			 !c->out && c->state == KTAPI_CALLSTATE_OFFERING ?
			 "CANCEL" : "BYE");
		mode = KTAPI_DISCONNECTMODE_NORMAL;
	} else if (err == ETIMEDOUT && c->out &&
		   c->state != KTAPI_CALLSTATE_CONNECTED) {
		snprintf(why, sizeof(why), "no response");
		mode = KTAPI_DISCONNECTMODE_NOANSWER;
	} else {
		snprintf(why, sizeof(why), "error %s", strerror(err));
	}
	if (c->state != KTAPI_CALLSTATE_IDLE)
		sipd_call_state(c, KTAPI_CALLSTATE_DISCONNECTED, mode, why);
}

/*
 * No redirects: one static peer (ktapi-sipd(8), MAPPING).  libre 1.1.0's
 * sipsess follows a 3xx to an INVITE by itself, with a new INVITE to the
 * first Contact (src/sipsess/connect.c), and cannot be told not to (the
 * redirect handler came with libre 2.0).  The trace hook sees every
 * message received before libre handles it: when it is a 3xx to the
 * INVITE of an outgoing call not yet CONNECTED (its Call-ID, our From
 * tag), the session is released there.  libre then ACKs the 3xx and,
 * the session being terminated, sends nothing more; the leg goes
 * DISCONNECTED/UNKNOWN.  Released while a provisional response had come,
 * the session also sends a CANCEL, which crosses the 3xx (RFC 3261 9.2:
 * the peer answers it 200, to no effect).
 */
static struct sipd_call *redirected_call(struct sipd *d,
					 const struct sip_msg *msg)
{
	struct sipd_call *c;

	if (msg->req || msg->scode < 300 || msg->scode > 399 ||
	    pl_strcmp(&msg->cseq.met, "INVITE"))
		return NULL;
	for (c = NULL; (c = sipd_call_next_by_callid(d, msg->callid.p,
						     msg->callid.l, c));) {
		const struct sip_dialog *dlg;

		if (!c->out || !c->sess || c->ended ||
		    c->state == KTAPI_CALLSTATE_CONNECTED)
			continue;
		/* Before the 2xx the dialog's only INVITE is the first one. */
		dlg = sipsess_dialog(c->sess);
		if (sip_dialog_cmp_half(dlg, msg))
			return c;
	}
	return NULL;
}

static void trace_handler(bool tx, enum sip_transp tp, const struct sa *src,
			  const struct sa *dst, const uint8_t *pkt, size_t len,
			  void *arg)
{
	static const char prefix[] = "SIP/2.0 3";
	struct sipd *d = arg;
	struct sip_msg *msg;
	struct sipd_call *c;
	struct mbuf *mb;
	char why[40];

	(void)tp;
	(void)src;
	(void)dst;
	if (tx || len < sizeof(prefix) || memcmp(pkt, prefix, sizeof(prefix) - 1))
		return;
	mb = mbuf_alloc(len);
	if (!mb)
		return;
	if (mbuf_write_mem(mb, pkt, len) == 0) {
		mb->pos = 0;
		if (sip_msg_decode(&msg, mb) == 0) {
			c = redirected_call(d, msg);
			if (c) {
				snprintf(why, sizeof(why),
					 "%u (redirect not followed)",
					 msg->scode);
				sipd_sip_free(c);
				sipd_call_state(c, KTAPI_CALLSTATE_DISCONNECTED,
						KTAPI_DISCONNECTMODE_UNKNOWN,
						why);
			}
			mem_deref(msg);
		}
	}
	mem_deref(mb);
}

/* --answer-timeout: no final answer (outgoing) or no ANSWER (incoming). */
static void answer_timeout(void *arg)
{
	struct sipd_call *c = arg;
	char why[48];

	if (c->ended || c->state == KTAPI_CALLSTATE_CONNECTED ||
	    c->state == KTAPI_CALLSTATE_IDLE || c->answered)
		return;
	snprintf(why, sizeof(why), "no answer in %u s", c->d->o.answer_timeout);
	sipd_sip_end(c, 480);
	sipd_call_state(c, KTAPI_CALLSTATE_DISCONNECTED,
			KTAPI_DISCONNECTMODE_NOANSWER, why);
}

static int timer_start(struct sipd_call *c)
{
	c->tmr = calloc(1, sizeof(struct tmr));
	if (!c->tmr)
		return ENOMEM;
	tmr_init(c->tmr);
	tmr_start(c->tmr, (uint64_t)c->d->o.answer_timeout * 1000,
		  answer_timeout, c);
	return 0;
}

/* MAKECALL: the INVITE to sip:TO@PEER.  Return 0 or -errno. */
int sipd_sip_invite(struct sipd_call *c)
{
	struct sipd *d = c->d;
	char to[3 * KTAPI_ADDRESS_MAX], from[3 * KTAPI_ADDRESS_MAX];
	char to_uri[3 * KTAPI_ADDRESS_MAX + 96], from_uri[3 * KTAPI_ADDRESS_MAX + 96];
	const char *callid;
	struct mbuf *sdp;
	int err;

	if (sipd_user_encode(to, sizeof(to), c->to) ||
	    sipd_user_encode(from, sizeof(from), c->from))
		return -EINVAL;
	snprintf(to_uri, sizeof(to_uri), "sip:%s@%s:%u", to, d->o.peer_ip,
		 d->o.peer_port);
	snprintf(from_uri, sizeof(from_uri), "sip:%s@%s:%u", from,
		 d->o.listen_ip, d->o.listen_port);
	sdp_start(c);
	sdp = sdp_body(c);
	if (!sdp)
		return -ENOMEM;
	err = timer_start(c);
	if (!err)
		err = sipsess_connect(&c->sess, d->sip->sock, to_uri, NULL,
				      from_uri, from, NULL, 0,
				      "application/sdp", sdp, NULL, NULL,
				      false, offer_handler, answer_handler,
				      progress_handler, estab_handler, NULL,
				      NULL, close_handler, c, NULL);
	mem_deref(sdp);
	/* Its Call-ID, for the 3xx check (redirected_call()). */
	if (!err) {
		callid = sip_dialog_callid(sipsess_dialog(c->sess));
		if (!callid || sipd_call_set_callid(c, callid, strlen(callid))) {
			mem_deref(c->sess);	/* the session ends, CANCEL */
			err = ENOMEM;
		}
	}
	if (err) {
		c->sess = NULL;
		timer_stop(c);
		free(c->tmr);
		c->tmr = NULL;
		c->ended = true;
		return -err;
	}
	dialogs(d, 1);
	return 0;
}

/* ANSWER: 200 OK with our SDP.  Return 0 or -errno. */
int sipd_sip_answer(struct sipd_call *c)
{
	struct mbuf *sdp = sdp_body(c);
	int err;

	if (!sdp)
		return -ENOMEM;
	err = sipsess_answer(c->sess, 200, "OK", sdp, NULL);
	mem_deref(sdp);
	if (!err)
		timer_stop(c);
	return -err;
}

/* Refuse an INVITE statelessly (no state kept for a refused peer). */
static void refuse(struct sipd *d, const struct sip_msg *msg,
		   const char *dev, const char *from, const char *to,
		   uint16_t scode, const char *reason, const char *why)
{
	d->st.refused++;
	sipd_stats_changed(d);
	(void)sip_reply(d->sip->sip, msg, scode, reason);
	sipd_log_limited("call - dev %s in %s->%s: refused %u (%s)", dev, from,
			 to, scode, why);
}

/* A malloc()ed copy of @pl, NULL without memory. */
static char *dup_pl(const struct pl *pl)
{
	char *p = malloc(pl->l + 1);

	if (p) {
		memcpy(p, pl->p, pl->l);
		p[pl->l] = '\0';
	}
	return p;
}

/*
 * An INVITE outside a dialog with the Call-ID and From tag of a call we
 * hold: a retransmission that outlived its transaction (libre keeps an
 * INVITE's 32 s after the final response, answering the same request
 * again and a merged one 482 itself), a request that came twice another
 * way, or a peer's mischief.  Never a new call: 482 Loop Detected, as
 * libre does within the transaction (RFC 3261 8.2.2.2).
 */
static bool duplicate(struct sipd *d, const struct sip_msg *msg)
{
	struct sipd_call *c = NULL;

	while ((c = sipd_call_next_by_callid(d, msg->callid.p, msg->callid.l,
					     c)))
		if (!c->out && !pl_strcmp(&msg->from.tag, c->ftag))
			return true;
	return false;
}

static void connect_handler(const struct sip_msg *msg, void *arg)
{
	struct sipd *d = arg;
	char from[KTAPI_ADDRESS_MAX], to[KTAPI_ADDRESS_MAX], dev[16];
	char lfrom[KTAPI_ADDRESS_MAX], lto[KTAPI_ADDRESS_MAX];
	char media[SIPD_SDP_MEDIA_BYTES];
	struct sipd_line *l;
	struct sipd_call *c;
	unsigned int scode;
	uint32_t call_id;
	bool unknown;
	int err;

	d->st.invites_in++;
	sipd_stats_changed(d);
	clean(lfrom, sizeof(lfrom), &msg->from.uri.user);
	clean(lto, sizeof(lto), &msg->uri.user);
	if (d->stopping) {
		refuse(d, msg, "-", lfrom, lto, 503, "Service Unavailable",
		       "stopping");
		return;
	}
	if (duplicate(d, msg)) {
		refuse(d, msg, "-", lfrom, lto, 482, "Loop Detected",
		       "the Call-ID of a call held");
		return;
	}
	/* 484 is about the request URI (RFC 3261 21.4.22): the called one. */
	if (sipd_user_decode(to, sizeof(to), msg->uri.user.p,
			     msg->uri.user.l) || !sipd_address_valid(to)) {
		refuse(d, msg, "-", lfrom, lto, 484, "Address Incomplete",
		       "bad address");
		return;
	}
	/* A caller that is no dialable address is presented as "0". */
	unknown = sipd_user_decode(from, sizeof(from), msg->from.uri.user.p,
				   msg->from.uri.user.l) ||
		  !sipd_address_valid(from);
	if (unknown)
		strcpy(from, SIPD_CALLER_UNKNOWN);
	l = sipd_line_by_number(d, to);
	if (!l) {
		refuse(d, msg, "-", from, to, 404, "Not Found", "no such line");
		return;
	}
	/* The answer to its offer, before anything is kept. */
	scode = offer_answer(media, msg);
	if (scode == 415) {
		d->st.refused++;
		sipd_stats_changed(d);
		(void)sip_replyf(d->sip->sip, msg, 415,
				 "Unsupported Media Type",
				 "Accept: application/sdp\r\n"
				 "Content-Length: 0\r\n\r\n");
		sipd_log_limited("call - dev - in %s->%s: refused 415 (body not SDP)",
				 from, to);
		return;
	}
	if (scode) {
		refuse(d, msg, "-", from, to, 488, "Not Acceptable Here",
		       "offer not taken");
		return;
	}
	snprintf(dev, sizeof(dev), "%u", l->device_id);
	if (sipd_line_full(d, l)) {
		refuse(d, msg, dev, from, to, 486, "Busy Here", "max-calls");
		return;
	}
	err = ktapi_provider_newcall(d->prov_fd, l->device_id, from, to,
				     &call_id);
	if (err == -ENXIO) {
		refuse(d, msg, dev, from, to, 480, "Temporarily Unavailable",
		       "no owner");
		return;
	}
	if (err == -ENOSPC || err == -ENOMEM) {
		refuse(d, msg, dev, from, to, 486, "Busy Here",
		       strerror(-err));
		return;
	}
	if (err) {
		refuse(d, msg, dev, from, to, 500, "Server Internal Error",
		       strerror(-err));
		return;
	}
	c = sipd_call_new(d, l, call_id, false, from, to);
	if (!c) {
		/* The leg exists: end it; its CLOSECALL finds nothing. */
		ktapi_provider_callstate(d->prov_fd, call_id,
					 KTAPI_CALLSTATE_DISCONNECTED,
					 KTAPI_DISCONNECTMODE_UNKNOWN);
		refuse(d, msg, dev, from, to, 500, "Server Internal Error",
		       "out of memory");
		return;
	}
	c->state = KTAPI_CALLSTATE_OFFERING;	/* NEWCALL's */
	sdp_start(c);
	c->media = media[0] ? strdup(media) : NULL;
	c->ftag = dup_pl(&msg->from.tag);
	if (unknown)
		sipd_call_log(c, "INVITE NEWCALL OFFERING, caller unknown (%s)",
			      lfrom);
	else
		sipd_call_log(c, "INVITE NEWCALL OFFERING");
	err = (media[0] && !c->media) || !c->ftag ||
	      sipd_call_set_callid(c, msg->callid.p, msg->callid.l) ? ENOMEM :
	      timer_start(c);
	if (!err)
		err = sipsess_accept(&c->sess, d->sip->sock, msg, 180,
				     "Ringing", l->user, "application/sdp",
				     NULL, NULL, NULL, false, offer_handler,
				     answer_handler, estab_handler, NULL, NULL,
				     close_handler, c, NULL);
	if (err) {
		c->sess = NULL;
		c->ended = true;
		(void)sip_reply(d->sip->sip, msg, 500, "Server Internal Error");
		sipd_call_state(c, KTAPI_CALLSTATE_DISCONNECTED,
				KTAPI_DISCONNECTMODE_UNKNOWN, "accept failed");
		return;
	}
	dialogs(d, 1);
	sipd_call_log(c, "180 Ringing sent");
}

/*
 * What no sipsess handler took (libre would print a line to stderr for
 * each: a peer could fill the log): requests are answered as libre does
 * (481 for a CANCEL, nothing for an ACK, 501 else; OPTIONS 200), stray
 * responses dropped, both logged only with --verbose.
 */
static bool other_request(const struct sip_msg *msg, void *arg)
{
	struct sipd *d = arg;
	char met[16];

	clean(met, sizeof(met), &msg->met);
	sipd_debug("%s request not handled", met);
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;
	if (!pl_strcmp(&msg->met, "CANCEL"))
		(void)sip_reply(d->sip->sip, msg, 481,
				"Transaction Does Not Exist");
	else if (!pl_strcmp(&msg->met, "OPTIONS"))
		(void)sip_reply(d->sip->sip, msg, 200, "OK");
	else
		(void)sip_reply(d->sip->sip, msg, 501, "Not Implemented");
	return true;
}

static bool other_response(const struct sip_msg *msg, void *arg)
{
	(void)arg;
	sipd_debug("stray %u response dropped", msg->scode);
	return true;
}

/* libre's own warnings (malformed messages): --verbose, limited. */
static void dbg_handler(int level, const char *p, size_t len, void *arg)
{
	struct sipd *d = arg;

	(void)level;
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (d->o.verbose)
		sipd_log_limited("libre: %.*s", (int)len, p);
}

/*
 * libre's DNS client wants a name server even when every address is
 * numeric (ours are): the system's (/etc/resolv.conf), else 127.0.0.1,
 * which is never asked for our numeric peers.
 */
static int dns_start(struct sipd_sip *s)
{
	struct sa ns[4];
	uint32_t n = 4;
	char domain[64] = "";

	if (dns_srv_get(domain, sizeof(domain), ns, &n) || n == 0) {
		sa_set_str(&ns[0], "127.0.0.1", 53);
		n = 1;
	}
	return dnsc_alloc(&s->dnsc, NULL, ns, n);
}

/*
 * The SIP stack on --listen's UDP socket.  Return 0 or -errno (logged).
 * libre's functions return positive errnos; the daemon's, -errno.
 */
int sipd_sip_start(struct sipd *d)
{
	struct sipd_sip *s = calloc(1, sizeof(*s));
	struct sa laddr;
	int err;

	if (!s)
		return -ENOMEM;
	d->sip = s;
	dbg_init(DBG_WARNING, DBG_NONE);
	dbg_handler_set(dbg_handler, d);
	err = dns_start(s);
	if (err) {
		sipd_log("DNS client: %s", strerror(err));
		return -err;
	}
	err = sip_alloc(&s->sip, s->dnsc, 32, 32, 32, SIPD_NAME, NULL, d);
	if (err) {
		sipd_log("SIP stack: %s", strerror(err));
		return -err;
	}
	sip_set_trace_handler(s->sip, trace_handler);	/* arg: sip_alloc's */
	sa_set_str(&laddr, d->o.listen_ip, d->o.listen_port);
	err = sip_transp_add(s->sip, SIP_TRANSP_UDP, &laddr);
	if (err) {
		sipd_log("cannot listen on %s:%u (UDP): %s", d->o.listen_ip,
			 d->o.listen_port, strerror(err));
		return -err;
	}
	err = sipsess_listen(&s->sock, s->sip, 64, connect_handler, d);
	if (!err)
		err = sip_listen(&s->lsnr_req, s->sip, true, other_request, d);
	if (!err)
		err = sip_listen(&s->lsnr_resp, s->sip, false, other_response,
				 d);
	if (err) {
		sipd_log("sipsess: %s", strerror(err));
		return -err;
	}
	return 0;
}

void sipd_sip_stop(struct sipd *d)
{
	struct sipd_sip *s = d->sip;

	if (!s)
		return;
	s->lsnr_req = mem_deref(s->lsnr_req);
	s->lsnr_resp = mem_deref(s->lsnr_resp);
	s->sock = mem_deref(s->sock);
	dbg_handler_set(NULL, NULL);
	if (s->sip)
		sip_close(s->sip, true);
	s->sip = mem_deref(s->sip);
	s->dnsc = mem_deref(s->dnsc);
	free(s);
	d->sip = NULL;
}
