/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtapi internals, not installed.
 *
 * Objects and their locking
 * -------------------------
 * One process-wide mutex, lt_lock, guards every object below, the handle
 * table and the message queues.  It is never held while an application's
 * callback runs, nor across a wait (lineGetMessage waits on its app's
 * condition variable, which releases it), so every TAPI function may be
 * called from any thread and from inside the callback.  The only system
 * calls made under it do not block: ioctls of asynchronous requests
 * (KTAPI_REQ_ASYNC), GET_DEVCAPS, GET_CALL_INFO, and read(2) of
 * descriptors opened with O_NONBLOCK.
 *
 *   struct lt_app   an hLineApp: its lines, its message queue, the pump
 *                   thread that reads every descriptor of it;
 *   struct lt_line  an hLine: one /dev/ktapi file with its line open;
 *   struct lt_call  an hCall: one ktapi handle of that file;
 *   struct lt_req   an asynchronous request of a line waiting for its
 *                   REPLY record.
 *
 * HLINEAPP, HLINE and HCALL values come from one table (handles.c): each
 * is unique in the process, so unique for the application too.
 */
#ifndef LIBTAPI_INTERNAL_H
#define LIBTAPI_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <libktapi.h>
#include <tapi.h>

#define LT_EXPORT __attribute__((visibility("default")))
#define LT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors.c: errno <-> LINEERR ---- */

/* What an EINVAL of the kernel means for the function that got it. */
enum lt_errctx {
	LT_ERR_PARAM,		/* LINEERR_INVALPARAM */
	LT_ERR_ADDRESS,		/* LINEERR_INVALADDRESS (MAKE_CALL) */
	LT_ERR_PRIVSELECT,	/* LINEERR_INVALPRIVSELECT (LINE_OPEN) */
	LT_ERR_CALLPRIV,	/* LINEERR_INVALCALLPRIVILEGE */
};

LONG lt_lineerr(int err, enum lt_errctx ctx);
int lt_errno(LONG lineerr);
/*
 * A LINEERR as LINE_REPLY's dwParam2: its 32-bit value, zero-extended, as
 * tapi32 gives it on Win64 (the server's ASYNCEVENTMSG carries a DWORD),
 * so that msg.dwParam2 == LINEERR_X (an unsigned int, as in the SDK) and
 * (LONG)msg.dwParam2 < 0 both hold.
 */
#define LT_REPLY_PARAM(e) ((DWORD_PTR)(DWORD)(e))

/*
 * The dwCallStateMode TAPI gives for the kernel's state and state_mode: an
 * OFFERING call is LINEOFFERINGMODE_ACTIVE (it alerts, nobody else holds
 * it inactive); a DISCONNECTED call's LINEDISCONNECTMODE_ is the kernel's
 * own value; other states have no mode.
 */
static inline DWORD lt_state_mode(uint32_t state, uint32_t mode)
{
	return state == LINECALLSTATE_OFFERING ? LINEOFFERINGMODE_ACTIVE : mode;
}

/* ---- handles.c: the process's HLINEAPP, HLINE and HCALL values ---- */

enum lt_kind { LT_APP = 1, LT_LINE, LT_CALL };

/* A map of 32-bit keys to pointers (chained, grows by doubling). */
struct lt_map_ent {
	uint32_t key;
	struct lt_map_ent *next;
	void *ptr;
};

struct lt_map {
	struct lt_map_ent **b;
	uint32_t nbuckets;
	uint32_t count;
};

void *lt_map_get(const struct lt_map *m, uint32_t key);
int lt_map_put(struct lt_map *m, uint32_t key, void *ptr); /* 0, -ENOMEM, -EEXIST */
void *lt_map_del(struct lt_map *m, uint32_t key);
void lt_map_free(struct lt_map *m); /* the map's own memory, not the ptrs */

/* A new handle of @kind for @ptr (1..0x7fffffff, cyclic, never one in use). */
uint32_t lt_handle_new(enum lt_kind kind, void *ptr); /* 0: no memory */
void *lt_handle_get(uint32_t h, enum lt_kind kind);
void lt_handle_del(uint32_t h);
unsigned int lt_handle_count(void);
void lt_handles_reset(void); /* frees the table when it is empty */

/* ---- varsize.c: TAPI's variable-size structures ---- */

/*
 * A structure being filled: dwTotalSize bytes at base, of which the
 * first fixed are its fixed part (that of the negotiated API version).
 * Fields are written with vp_set (only inside the fixed part: a field of
 * a later version is left alone), variable parts with vp_add: one that
 * does not fit whole is left out (Size and Offset 0) but counted in
 * dwNeededSize.  Variable parts start on 4-byte boundaries.
 */
struct lt_vp {
	unsigned char *base;
	uint32_t total;
	uint32_t fixed;
	uint32_t used;
	uint32_t needed;
	int wide;	/* strings as UTF-16 (the W functions) */
};

/* 0, or LINEERR_INVALPOINTER / LINEERR_STRUCTURETOOSMALL. */
LONG lt_vp_begin(struct lt_vp *vp, void *s, uint32_t fixed, int wide);
void lt_vp_set(struct lt_vp *vp, size_t off, uint32_t val);
uint32_t lt_vp_get(const struct lt_vp *vp, size_t off);
/* Returns the offset the part was put at, or 0 when it was left out. */
uint32_t lt_vp_add(struct lt_vp *vp, size_t size_off, size_t offset_off,
		   const void *data, uint32_t len);
/* A NUL-terminated UTF-8 string (none when NULL or ""), as text. */
uint32_t lt_vp_add_str(struct lt_vp *vp, size_t size_off, size_t offset_off,
		       const char *s);
void lt_vp_end(struct lt_vp *vp); /* dwNeededSize, dwUsedSize */
/* A part without a Size/Offset pair of the fixed part (an array's
 * entry has them): its offset, or 0 when it did not fit. */
uint32_t lt_vp_put(struct lt_vp *vp, const void *data, uint32_t len);
uint32_t lt_vp_put_str(struct lt_vp *vp, const char *s, uint32_t *len);

/* ---- utf.c: UTF-16 <-> UTF-8, in one place ---- */

/* Bytes (with the NUL) of @s as UTF-16; malformed UTF-8 is U+FFFD. */
size_t lt_utf16_len(const char *s);
/* @s as UTF-16 into @out (lt_utf16_len(s) bytes), NUL-terminated. */
void lt_utf8_to_utf16(const char *s, WCHAR *out);
/* @w (NUL-terminated UTF-16) as a malloc'ed UTF-8 string; NULL: no memory. */
char *lt_utf16_to_utf8(const WCHAR *w);
/* A W function's string argument as UTF-8 in *out (free it; NULL stays
 * NULL): 0 or LINEERR_NOMEM. */
LONG lt_w2a(LPCWSTR w, char **out);

/* App name for LINE_OPEN: at most 63 bytes, cut at a UTF-8 boundary,
 * control bytes replaced by '?'.  @out has KTAPI_APP_NAME_MAX bytes. */
void lt_app_name(char *out, const char *name);

/* ---- the objects ---- */

struct lt_msg {
	struct lt_msg *next;
	LINEMESSAGE m;
	HLINE line;		/* for purging at lineClose (0: none) */
	LPHCALL out;		/* LINE_REPLY of lineMakeCall: written at delivery */
	HCALL out_value;
	int close;		/* LINE_CLOSE: its delivery frees the line */
};

struct lt_req {
	struct lt_req *next;
	uint32_t kreq;		/* the kernel's request id (per file) */
	uint32_t id;		/* the application's (LINE_REPLY dwParam1) */
	uint32_t khandle;	/* MAKE_CALL: the handle it made */
	LPHCALL out;		/* MAKE_CALL: lphCall */
	int make;		/* a MAKE_CALL */
};

struct lt_call {
	HCALL h;
	uint32_t khandle;
	struct lt_line *line;
	uint32_t state;		/* last LINE_CALLSTATE's state (0: none yet) */
	uint32_t mode;
	int announced;		/* its first LINE_CALLSTATE was queued */
};

struct lt_app;

struct lt_line {
	HLINE h;
	struct lt_app *app;
	struct lt_line *next;	/* in app->lines */
	int fd;
	uint32_t device_id;
	uint32_t api_version;
	uint32_t privileges;
	DWORD_PTR instance;	/* dwCallbackInstance */
	int dead;		/* force-closed: its LINE_CLOSE is queued */
	struct lt_map calls;	/* ktapi handle -> struct lt_call */
	struct lt_req *reqs;
};

struct lt_app {
	HLINEAPP h;
	struct lt_app *next;	/* in lt_apps */
	LINECALLBACK callback;	/* NULL: USEEVENT */
	int ctrl_fd;		/* LINE_CREATE, LINE_REMOVE */
	int ep_fd;		/* the pump thread's epoll */
	int wake_fd;		/* eventfd: wakes the pump thread */
	int event_fd;		/* USEEVENT: readable while msgs are queued */
	struct lt_line *lines;
	struct lt_msg *head, *tail;
	pthread_cond_t cond;	/* lineGetMessage */
	pthread_t thread;
	int stopping;		/* lineShutdown began: the handle is void */
	int self_stop;		/* ... from the pump thread itself */
	int refs;		/* lineShutdown's, and each waiting lineGetMessage */
	uint32_t next_req;
	char name[KTAPI_APP_NAME_MAX];
};

extern pthread_mutex_t lt_lock;
extern struct lt_app *lt_apps;

/* app.c */
LONG lt_find_app(HLINEAPP h, struct lt_app **out);
void lt_app_put(struct lt_app *a);
LONG lt_num_devs(int fd, DWORD *num);
LONG lt_epoll_add(int ep, int fd, uint64_t tag);

/* line.c */
LONG lt_find_line(HLINE h, struct lt_line **out);
void lt_line_free(struct lt_line *l, int purge);
int lt_valid_version(DWORD v);
LONG lt_devcaps(int fd, DWORD device_id, struct ktapi_devcaps *caps);

/* call.c */
LONG lt_find_call(HCALL h, struct lt_call **out);
struct lt_call *lt_call_new(struct lt_line *l, uint32_t khandle);
void lt_call_free(struct lt_call *c);
uint32_t lt_req_id(struct lt_app *a);

/* msg.c */
struct lt_msg *lt_msg_push(struct lt_app *a, HLINE line, DWORD dev, DWORD id,
			    DWORD_PTR inst, DWORD_PTR p1, DWORD_PTR p2,
			    DWORD_PTR p3);
struct lt_msg *lt_msg_pop(struct lt_app *a);
void lt_msg_purge(struct lt_app *a, HLINE line, HCALL call);
void lt_read_line(struct lt_line *l);
void lt_read_ctrl(struct lt_app *a);

#endif /* LIBTAPI_INTERNAL_H */
