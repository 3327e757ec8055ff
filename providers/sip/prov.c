// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prov.c: the provider file (/dev/ktapi-provider): REGISTER, one ADD_LINE
 * per --line, then the requests, read without blocking from the event
 * loop (fd_listen()) as whole records and handled one by one:
 *
 *   MAKECALL   a leg with an INVITE to sip:D@PEER (sip.c), REPLY 0, then
 *              DIALING; EAGAIN at --max-calls, EIO when no INVITE went
 *   ANSWER     200 OK (CONNECTED comes with the ACK), REPLY 0
 *   DROP       CANCEL, BYE or 603 as fits, IDLE, REPLY 0.  A DROP with
 *              request_id 0 comes from the module itself (the leg's owner
 *              is gone, monitors remain): the same without a REPLY, 480
 *              instead of 603, and DISCONNECTED/NORMAL before IDLE
 *   CLOSECALL  ends the call on the network when the leg is not IDLE
 *              (CANCEL, BYE or 480), frees its dialog and the leg
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "sipd.h"

#define READ_BATCH	16

int sipd_prov_reply(struct sipd *d, uint64_t request_id, int result)
{
	int err;

	if (!request_id)
		return 0;	/* the module's own DROP: no REPLY */
	err = ktapi_provider_reply(d->prov_fd, request_id, result);
	if (err)
		sipd_log_limited("REPLY %llu (%d): %s",
				 (unsigned long long)request_id, result,
				 strerror(-err));
	return err;
}

static void do_makecall(struct sipd *d, const struct ktapi_provider_request *r)
{
	struct sipd_line *l = sipd_line_by_device(d, r->device_id);
	char to[KTAPI_ADDRESS_MAX];
	struct sipd_call *c;

	memcpy(to, r->dest_address, sizeof(to));
	to[sizeof(to) - 1] = '\0';
	if (!l || !sipd_address_valid(to)) {
		sipd_prov_reply(d, r->request_id, -EINVAL);
		return;
	}
	if (sipd_line_full(d, l)) {
		d->st.refused++;
		sipd_stats_changed(d);
		sipd_log_limited("call %u dev %u out %s->%s: refused EAGAIN (max-calls %u)",
				 r->call_id, l->device_id, l->number, to,
				 d->o.max_calls);
		sipd_prov_reply(d, r->request_id, -EAGAIN);
		return;
	}
	c = sipd_call_new(d, l, r->call_id, true, l->number, to);
	if (!c) {
		sipd_prov_reply(d, r->request_id, -ENOMEM);
		return;
	}
	if (sipd_sip_invite(c)) {
		sipd_call_log(c, "INVITE failed");
		/* No leg was published: its CLOSECALL frees the entry. */
		c->line->live--;
		c->state = KTAPI_CALLSTATE_IDLE;
		sipd_prov_reply(d, r->request_id, -EIO);
		return;
	}
	d->st.invites_out++;
	sipd_stats_changed(d);
	if (sipd_prov_reply(d, r->request_id, 0)) {
		/* Expired: the caller is gone; end the INVITE. */
		sipd_sip_free(c);
		c->line->live--;
		c->state = KTAPI_CALLSTATE_IDLE;
		return;
	}
	sipd_call_state(c, KTAPI_CALLSTATE_DIALING, 0, "INVITE sent");
}

static void do_answer(struct sipd *d, const struct ktapi_provider_request *r)
{
	struct sipd_call *c = sipd_call_find(d, r->call_id);

	if (!c || c->out || c->state != KTAPI_CALLSTATE_OFFERING ||
	    c->answered || c->ended) {
		sipd_prov_reply(d, r->request_id, -EBUSY);
		return;
	}
	if (sipd_sip_answer(c)) {
		sipd_call_log(c, "ANSWER: 200 OK failed");
		sipd_prov_reply(d, r->request_id, -EIO);
		return;
	}
	c->answered = true;
	sipd_call_log(c, "ANSWER 200 OK sent");
	sipd_prov_reply(d, r->request_id, 0);
}

static void do_drop(struct sipd *d, const struct ktapi_provider_request *r)
{
	struct sipd_call *c = sipd_call_find(d, r->call_id);

	if (!c || c->state == KTAPI_CALLSTATE_IDLE || !c->state) {
		sipd_prov_reply(d, r->request_id, c ? -EBUSY : -EINVAL);
		return;
	}
	/*
	 * OFFERING: 603 Decline, or 480 when the module drops the leg
	 * itself (its owner is gone, nobody declined); before a final
	 * answer CANCEL; else BYE.
	 */
	sipd_sip_end(c, r->request_id ? 603 : 480);
	if (!r->request_id) {
		/* The notice: the monitors read the end, as on loopback. */
		if (c->state != KTAPI_CALLSTATE_DISCONNECTED)
			sipd_call_state(c, KTAPI_CALLSTATE_DISCONNECTED,
					KTAPI_DISCONNECTMODE_NORMAL,
					"DROP notice (owner gone)");
		sipd_call_state(c, KTAPI_CALLSTATE_IDLE, 0, "DROP notice");
		return;
	}
	sipd_call_state(c, KTAPI_CALLSTATE_IDLE, 0, "DROP");
	sipd_prov_reply(d, r->request_id, 0);
}

static void do_closecall(struct sipd *d, const struct ktapi_provider_request *r)
{
	struct sipd_call *c = sipd_call_find(d, r->call_id);

	d->st.closecalls++;
	sipd_stats_changed(d);
	if (!c) {
		sipd_debug("CLOSECALL %u: not a call of ours", r->call_id);
		return;
	}
	/* Not IDLE: CANCEL, BYE, or 480 while OFFERING. */
	sipd_sip_end(c, 480);
	sipd_call_log(c, "CLOSECALL");
	sipd_call_free(c);
}

static void do_request(struct sipd *d, const struct ktapi_provider_request *r)
{
	sipd_debug("request %s call %u dev %u id %llu",
		   ktapi_request_name(r->type), r->call_id, r->device_id,
		   (unsigned long long)r->request_id);
	switch (r->type) {
	case KTAPI_PREQ_MAKECALL:
		do_makecall(d, r);
		break;
	case KTAPI_PREQ_ANSWER:
		do_answer(d, r);
		break;
	case KTAPI_PREQ_DROP:
		do_drop(d, r);
		break;
	case KTAPI_PREQ_CLOSECALL:
		do_closecall(d, r);
		break;
	default:
		sipd_prov_reply(d, r->request_id, -EOPNOTSUPP);
		break;
	}
}

static void prov_readable(int flags, void *arg)
{
	struct ktapi_provider_request reqs[READ_BATCH];
	struct sipd *d = arg;
	int i, n;

	(void)flags;
	if (d->prov_fd < 0)
		return;
	/* A few batches, then back to the loop so SIP is served too. */
	for (i = 0; i < 4; i++) {
		ssize_t got = read(d->prov_fd, reqs, sizeof(reqs));

		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			sipd_log("reading requests: %s", strerror(errno));
			d->stopping = true;
			re_cancel();
			return;
		}
		if (got == 0 || got % KTAPI_PROVIDER_REQUEST_SIZE) {
			sipd_log("reading requests: %s",
				 got ? "partial record" : "end of file");
			d->stopping = true;
			re_cancel();
			return;
		}
		n = (int)(got / KTAPI_PROVIDER_REQUEST_SIZE);
		for (int k = 0; k < n && d->prov_fd >= 0; k++)
			do_request(d, &reqs[k]);
		if (n < READ_BATCH)
			return;
	}
}

/* Open and register; -errno (-ENOENT: no /dev/ktapi-provider). */
int sipd_prov_open(struct sipd *d)
{
	int fd, err;

	fd = ktapi_provider_open(O_NONBLOCK);
	if (fd < 0)
		return fd;
	err = ktapi_provider_register(fd, d->o.name, SIPD_MAX_REQUESTS, NULL,
				      NULL);
	if (err) {
		close(fd);
		return err;
	}
	d->prov_fd = fd;
	return 0;
}

/* Add the lines and watch the file.  Return 0 or -errno (logged). */
int sipd_prov_start(struct sipd *d)
{
	unsigned int i;
	int err;

	for (i = 0; i < d->o.nlines; i++) {
		struct sipd_line *l = &d->line[i];
		char name[sizeof(l->user) + 96];

		memcpy(l->number, d->o.lines[i], sizeof(l->number));
		/* Fits: at most 3 bytes for each of the number's 63. */
		(void)sipd_user_encode(l->user, sizeof(l->user), l->number);
		/* sip:USER@IP:PORT, cut at 63 characters for a long NUMBER. */
		snprintf(name, sizeof(name), "sip:%s@%s:%u", l->user,
			 d->o.listen_ip, d->o.listen_port);
		name[KTAPI_NAME_MAX - 1] = '\0';
		err = ktapi_provider_add_line(d->prov_fd, l->number, name,
					      &l->device_id);
		if (err) {
			sipd_log("cannot add line %s: %s", l->number,
				 strerror(-err));
			return err;
		}
		d->nlines++;
		d->st.lines++;
	}
	err = fd_listen(d->prov_fd, FD_READ, prov_readable, d);
	if (err) {
		sipd_log("fd_listen: %s", strerror(err));
		return -err;
	}
	sipd_stats_changed(d);
	return 0;
}

/* Closing the file removes the lines (LINE_CLOSE to their applications). */
void sipd_prov_close(struct sipd *d)
{
	if (d->prov_fd < 0)
		return;
	fd_close(d->prov_fd);
	close(d->prov_fd);
	d->prov_fd = -1;
	d->st.lines = 0;
	d->nlines = 0;
	sipd_stats_changed(d);
}
