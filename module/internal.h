/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktapi: objects shared by the parts of the module.
 *
 * Locking overview (each lock is described in the file that owns it):
 *
 *   ktapi_switch_lock (mutex, switch.c)
 *     -> call->seq (seqcount written with preemption off, call.c)
 *     -> file->handles xa_lock (spinlock, call.c)
 *     -> file->evq.lock (spinlock, event.c)
 *     -> ktapi_id_lock (mutex, call.c) -> ktapi_id_blocks xa_lock
 *   file->evq.read_mutex (mutex, event.c) -> file->evq.lock
 *
 * The arrows give the only nesting allowed: nothing is taken while holding
 * a spinlock except as shown.  GET_CALL_INFO takes no lock at all: it
 * looks the handle up under RCU and reads the call's changing fields in a
 * call->seq read section; calls and handles are freed after a grace period.
 */
#ifndef _KTAPI_INTERNAL_H
#define _KTAPI_INTERNAL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/ktapi.h>

struct file;
struct poll_table_struct;

#define KTAPI_LINES_MAX		1024
#define KTAPI_EVQ_LEN_MAX	65536
#define KTAPI_HANDLES_MAX	(16 * 1024 * 1024)
#define KTAPI_ADDRESS_BASE	1000

/* Module parameters, validated once at module load (main.c). */
extern unsigned int ktapi_nr_lines;
extern unsigned int ktapi_event_queue_len;
extern unsigned int ktapi_max_handles;

/* Live object counts, for debugfs (main.c). */
struct ktapi_stats {
	atomic_long_t files;
	atomic_long_t lines_open;
	atomic_long_t calls;
	atomic_long_t handles;
	atomic_long_t events_queued;
	atomic_long_t events_dropped;
	atomic_long_t calls_total;
	atomic_long_t handles_total;
	atomic_long_t events_total;
};

extern struct ktapi_stats ktapi_stats;

/* A line device of the loopback switch (line.c). */
struct ktapi_line_dev {
	u32 id;
	char address[KTAPI_ADDRESS_MAX] __aligned(8);
	/* Open lines on this device, oldest LINE_OPEN first; switch lock. */
	struct list_head files;
};

/* Bounded queue of event records of one file (event.c). */
struct ktapi_evq {
	spinlock_t lock;		/* head, count, dropped, ring */
	wait_queue_head_t wait;
	struct mutex read_mutex;	/* one reader at a time */
	struct ktapi_event *ring;	/* len records */
	u32 len;
	u32 head;			/* lock */
	u32 count;			/* lock; READ_ONCE in poll */
	u32 dropped;			/* lock: events not queued */
};

enum ktapi_file_state {
	KTAPI_FILE_NEW,		/* no LINE_OPEN yet */
	KTAPI_FILE_OPEN,	/* an open line */
	KTAPI_FILE_CLOSED,	/* line force-closed by CLOSE_LINE_DEVICE */
};

/* One open file of /dev/ktapi, an open line once LINE_OPENed. */
struct ktapi_file {
	/* handle -> struct ktapi_handle; NULL entries are reservations. */
	struct xarray handles;
	u32 next_handle;		/* cyclic cursor; handles xa_lock */
	u32 max_handles;
	/*
	 * A deallocated handle whose slot stays reserved, so that the XArray
	 * leaf the cursor is in is not freed and made again by the next call
	 * (see ktapi_handle_unmap()); 0 for none.  Handles xa_lock.
	 */
	u32 zombie;
	/* The fields below change only under the switch lock. */
	enum ktapi_file_state state;	/* READ_ONCE without the lock */
	struct ktapi_line_dev *line;
	u32 privileges;
	u32 api_version;
	u32 nr_handles;			/* published handles */
	struct list_head line_node;	/* in line->files while OPEN */
	struct ktapi_evq evq;
};

/*
 * A handle: one file's name for one call, with a privilege.  The OWNER
 * handle MAKE_CALL returns is part of its call (ktapi_call.own); the others
 * are allocated.  A published handle is read under RCU by GET_CALL_INFO,
 * so an allocated one is freed after a grace period.
 */
struct ktapi_handle {
	struct ktapi_call *call;	/* constant once published */
	struct ktapi_file *file;
	union {
		struct list_head call_node;	/* in call->holders; switch lock */
		struct rcu_head rcu;		/* once removed */
	};
	u32 id;
	u16 privilege;			/* constant once published */
	bool embedded;			/* ktapi_call.own */
	bool dead;			/* removed; written in a call->seq section */
};

struct ktapi_id_block;

/*
 * One leg of a call.  It lives as long as a handle names it: the last
 * handle to go frees it (after an RCU grace period, for GET_CALL_INFO).
 */
struct ktapi_call {
	/*
	 * Written under the switch lock, with preemption disabled (see
	 * ktapi_call_write_begin()), read by GET_CALL_INFO in a read section:
	 * state, state_mode, states_seen, state_time_ns, num_owners,
	 * num_monitors and each handle's dead.  A plain seqcount, not one
	 * tied to the switch mutex: on PREEMPT_RT a reader of that kind takes
	 * the mutex, and GET_CALL_INFO reads under rcu_read_lock().
	 */
	seqcount_t seq;
	u32 state;
	u32 state_mode;
	u32 states_seen;
	u32 num_owners;
	u32 num_monitors;
	u64 state_time_ns;
	/* Constant once published. */
	u32 call_id;
	u32 related_call_id;
	u32 origin;
	u64 create_time_ns;
	struct ktapi_line_dev *line;		/* where this leg lives */
	struct ktapi_line_dev *caller_line;	/* the calling device */
	struct ktapi_id_block *id_block;	/* where call_id comes from */
	/* Switch lock. */
	struct ktapi_call *peer;
	union {
		struct list_head holders;	/* ktapi_handle.call_node */
		struct rcu_head rcu;		/* once freed */
	};
	char called_address[KTAPI_ADDRESS_MAX] __aligned(8);
	/* MAKE_CALL's OWNER handle to an OUTBOUND leg (unused otherwise). */
	struct ktapi_handle own;
};

/* event.c */
int ktapi_evq_init(struct ktapi_evq *q, u32 len);
void ktapi_evq_free(struct ktapi_evq *q);
void ktapi_evq_push(struct ktapi_evq *q, u32 type, const struct ktapi_handle *h,
		    u32 state, u32 state_mode, u64 time_ns);
ssize_t ktapi_evq_read(struct ktapi_evq *q, char __user *buf, size_t count,
		       bool nonblock);
__poll_t ktapi_evq_poll(struct ktapi_evq *q, struct file *filp,
			struct poll_table_struct *wait);

/* call.c */
int ktapi_call_cache_init(void);
void ktapi_call_cache_exit(void);
struct ktapi_call *ktapi_call_alloc(struct ktapi_line_dev *line,
				    struct ktapi_line_dev *caller_line,
				    const char *called_address, u32 origin);
void ktapi_call_free(struct ktapi_call *c);
void ktapi_call_init_state(struct ktapi_call *c, u32 state, u64 now);
void ktapi_call_set_state_at(struct ktapi_call *c, u32 state, u32 mode,
			     u64 now);
void ktapi_call_set_state(struct ktapi_call *c, u32 state, u32 mode);
void ktapi_call_notify(struct ktapi_call *c, u64 now);
int ktapi_handle_reserve_id(struct ktapi_handle *h, struct ktapi_file *f);
struct ktapi_handle *ktapi_handle_reserve(struct ktapi_file *f);
void ktapi_handle_unreserve(struct ktapi_handle *h);
void ktapi_handle_publish(struct ktapi_handle *h, struct ktapi_call *c,
			  u32 privilege);
struct ktapi_handle *ktapi_handle_find(struct ktapi_file *f, u32 id);
void ktapi_handle_remove(struct ktapi_handle *h, bool line_close);
void ktapi_file_void_handles(struct ktapi_file *f);
int ktapi_ioctl_get_call_info(struct ktapi_file *f,
			      struct ktapi_call_info *ci,
			      struct ktapi_call_info __user *uci);
int ktapi_ioctl_deallocate_call(struct ktapi_file *f,
				struct ktapi_call_op *op);
int ktapi_call_info_fast(struct ktapi_file *f,
			 struct ktapi_call_info __user *uci);

/* switch.c */
extern struct mutex ktapi_switch_lock;
void ktapi_leg_drop(struct ktapi_call *c);
int ktapi_ioctl_make_call(struct ktapi_file *f, struct ktapi_make_call *mc,
			  struct ktapi_make_call __user *umc);
int ktapi_ioctl_answer(struct ktapi_file *f, struct ktapi_call_op *op);
int ktapi_ioctl_drop(struct ktapi_file *f, struct ktapi_call_op *op);

/* line.c */
int ktapi_lines_init(void);
void ktapi_lines_exit(void);
struct ktapi_line_dev *ktapi_line_get(u32 device_id);
struct ktapi_line_dev *ktapi_line_by_address(const char *address);
bool ktapi_address_valid(const char *address);
struct ktapi_file *ktapi_line_owner(struct ktapi_line_dev *line);
int ktapi_ioctl_get_devcaps(struct ktapi_file *f, struct ktapi_devcaps *dc,
			    struct ktapi_devcaps __user *udc);
int ktapi_ioctl_line_open(struct ktapi_file *f, struct ktapi_line_open *lo);
int ktapi_ioctl_close_line_device(struct ktapi_file *f,
				  struct ktapi_close_line_device *cl);
void ktapi_line_close(struct ktapi_file *f);

#endif /* _KTAPI_INTERNAL_H */
