// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the TAPI 2.2 call handle model as a misc character device.
 *
 * This file holds the module parameters, /dev/ktapi and its file
 * operations, the ioctl dispatcher and the sysfs statistics.  It owns no
 * lock: the locks and their order are described in internal.h, and each is
 * defined in the file named there (line.c, call.c, event.c).
 *
 * Lifetime: misc_register() gives the device fops .owner = THIS_MODULE, so
 * the module cannot be unloaded while a file is open; release() voids every
 * handle of the file and puts its reference; the file's memory goes after
 * an SRCU grace period (line.c), and module exit waits for it.
 */
#include <linux/build_bug.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

unsigned int ktapi_nr_lines = 8;
module_param_named(lines, ktapi_nr_lines, uint, 0444);
MODULE_PARM_DESC(lines, "Number of loopback line devices (0..1024, default 8)");

unsigned int ktapi_event_queue_len = 256;
module_param_named(event_queue_len, ktapi_event_queue_len, uint, 0444);
MODULE_PARM_DESC(event_queue_len,
		 "Event records queued per open file before events are dropped (1..65536, default 256)");

unsigned int ktapi_max_handles = 65536;
module_param_named(max_handles, ktapi_max_handles, uint, 0444);
MODULE_PARM_DESC(max_handles,
		 "Call handles per open file (1..16777216, default 65536)");

unsigned int ktapi_max_requests = 256;
module_param_named(max_requests, ktapi_max_requests, uint, 0444);
MODULE_PARM_DESC(max_requests,
		 "Async requests per open file whose REPLY is not read yet (1..65536, default 256)");

DEFINE_PER_CPU(struct ktapi_stats, ktapi_stats);

/* The ABI: one layout for 32- and 64-bit userspace, no implicit padding. */
static_assert(sizeof(struct ktapi_devcaps) == 184);
static_assert(offsetof(struct ktapi_devcaps, address) == 16);
static_assert(offsetof(struct ktapi_devcaps, kind) == 80);
static_assert(offsetof(struct ktapi_devcaps, provider_id) == 84);
static_assert(offsetof(struct ktapi_devcaps, name) == 88);
static_assert(offsetof(struct ktapi_devcaps, provider_name) == 152);
static_assert(sizeof(struct ktapi_line_open) == 88);
static_assert(offsetof(struct ktapi_line_open, app_name) == 24);
static_assert(sizeof(struct ktapi_make_call) == 88);
static_assert(offsetof(struct ktapi_make_call, dest_address) == 8);
static_assert(offsetof(struct ktapi_make_call, handle) == 72);
static_assert(offsetof(struct ktapi_make_call, call_id) == 76);
static_assert(offsetof(struct ktapi_make_call, request_id) == 80);
static_assert(offsetof(struct ktapi_make_call, reserved) == 84);
static_assert(sizeof(struct ktapi_call_op) == 24);
static_assert(offsetof(struct ktapi_call_op, request_id) == 16);
static_assert(offsetof(struct ktapi_call_op, reserved2) == 20);
static_assert(sizeof(struct ktapi_close_line_device) == 16);
static_assert(sizeof(struct ktapi_call_info) == 264);
static_assert(offsetof(struct ktapi_call_info, app_name) == 200);
static_assert(offsetof(struct ktapi_call_info, num_monitors) == 52);
static_assert(offsetof(struct ktapi_call_info, create_time_ns) == 56);
static_assert(offsetof(struct ktapi_call_info, state_time_ns) == 64);
static_assert(offsetof(struct ktapi_call_info, caller_address) == 72);
static_assert(offsetof(struct ktapi_call_info, called_address) == 136);
static_assert(sizeof(struct ktapi_new_calls) == 32);
static_assert(offsetof(struct ktapi_new_calls, handles) == 8);
static_assert(offsetof(struct ktapi_new_calls, out_remaining) == 24);
static_assert(sizeof(struct ktapi_new_calls) == KTAPI_NEW_CALLS_SIZE_VER0);
static_assert(sizeof(struct ktapi_event) == 40);
static_assert(offsetof(struct ktapi_event, dropped) == 24);
static_assert(offsetof(struct ktapi_event, request_id) == 24);
static_assert(offsetof(struct ktapi_event, device_id) == 24);
static_assert(offsetof(struct ktapi_event, info_state) == 24);
static_assert(offsetof(struct ktapi_event, reserved) == 28);
static_assert(offsetof(struct ktapi_event, result) == 28);
static_assert(offsetof(struct ktapi_event, time_ns) == 32);

static int ktapi_open(struct inode *inode, struct file *filp)
{
	struct ktapi_file *f;
	int ret;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	ret = ktapi_evq_init(&f->evq, ktapi_event_queue_len);
	if (ret) {
		kfree(f);
		return ret;
	}
	xa_init_flags(&f->handles, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	f->max_handles = ktapi_max_handles;
	f->state = KTAPI_FILE_NEW;
	INIT_LIST_HEAD(&f->line_node);
	refcount_set(&f->ref, 1);
	/* What is made for this file is charged here, whoever's call it is. */
	f->memcg = get_mem_cgroup_from_mm(current->mm);
	filp->private_data = f;
	ktapi_stat_inc(KTAPI_STAT_FILES);
	/* From now on it gets LINE_CREATE and LINE_REMOVE records. */
	ktapi_files_add(f);
	return stream_open(inode, filp);
}

static int ktapi_release(struct inode *inode, struct file *filp)
{
	struct ktapi_file *f = filp->private_data;

	ktapi_line_close(f);
	ktapi_evq_retire(&f->evq);
	ktapi_files_del(f);
	ktapi_stat_dec(KTAPI_STAT_FILES);
	ktapi_file_put(f);
	return 0;
}

static ssize_t ktapi_read(struct file *filp, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct ktapi_file *f = filp->private_data;

	return ktapi_evq_read(&f->evq, buf, count,
			      filp->f_flags & O_NONBLOCK);
}

static __poll_t ktapi_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct ktapi_file *f = filp->private_data;

	return ktapi_evq_poll(&f->evq, filp, wait);
}

static const char *const ktapi_file_state_name[] = {
	[KTAPI_FILE_NEW] = "new",
	[KTAPI_FILE_OPEN] = "open",
	[KTAPI_FILE_CLOSED] = "closed",
};

/* /proc/<pid>/fdinfo/<fd> of a ktapi file. */
static void ktapi_show_fdinfo(struct seq_file *m, struct file *filp)
{
	struct ktapi_file *f = filp->private_data;
	/* Pairs with the release in LINE_OPEN: the line fields are set. */
	enum ktapi_file_state state = smp_load_acquire(&f->state);
	u32 queued, dropped;

	seq_printf(m, "ktapi-line:\t%s\n", ktapi_file_state_name[state]);
	if (state != KTAPI_FILE_NEW) {
		seq_printf(m, "ktapi-device:\t%u\n", f->line->id);
		seq_printf(m, "ktapi-privileges:\t0x%x\n", f->privileges);
		seq_printf(m, "ktapi-api-version:\t0x%08x\n", f->api_version);
	}
	seq_printf(m, "ktapi-handles:\t%u\n", READ_ONCE(f->nr_handles));

	spin_lock(&f->evq.lock);
	queued = f->evq.count;
	dropped = f->evq.dropped;
	spin_unlock(&f->evq.lock);
	seq_printf(m, "ktapi-events-queued:\t%u\n", queued);
	seq_printf(m, "ktapi-events-pending-drop:\t%u\n", dropped);
}

/*
 * The commands.  Every argument struct begins with "__u32 size; __u32
 * flags;", and each row of ktapi_ioctl_ops says how to take it in and give
 * it back:
 *
 *  - size: sizeof the kernel's struct;
 *  - min_size: its first published size, KTAPI_<STRUCT>_SIZE_VER0 of the
 *    uapi header (offsetofend() of the last field of the first version):
 *    a user's size between the two comes from a program built against an
 *    older header, and its struct is zero-extended;
 *  - out: who writes the struct back, min(user's size, size) bytes, with
 *    ktapi_ucmd_respond() (internal.h): the dispatcher after the handler
 *    succeeded (KTAPI_OUT_AFTER); the handler itself (KTAPI_OUT_HANDLER:
 *    MAKE_CALL, before it publishes the call, so that a fault leaves
 *    nothing made; ANSWER and DROP, only with KTAPI_REQ_ASYNC, before the
 *    request starts; the provider's REGISTER before the file is
 *    registered, ADD_LINE after the device is made (a fault removes it
 *    again), NEWCALL before it publishes the call); nobody
 *    (KTAPI_OUT_NONE: the command has no output);
 *  - flags: the flags bits the command takes, any other is -EINVAL;
 *  - async_size: with KTAPI_REQ_ASYNC, the least size (offsetofend() of
 *    request_id): a shorter struct has no room for the request id, EINVAL;
 *  - execute: the handler, which gets the copied-in struct in ucmd->arg.
 *
 * A struct grows only at its end, a new field meaning "as before" when it
 * is zero; its row's min_size stays, its size follows sizeof.
 */
enum ktapi_out {
	KTAPI_OUT_NONE,
	KTAPI_OUT_AFTER,
	KTAPI_OUT_HANDLER,
};

struct ktapi_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	enum ktapi_out out;
	u32 flags;
	unsigned int async_size;
	int (*execute)(struct ktapi_ucmd *ucmd);
};

/* Every argument struct: the dispatcher's copy of the one at hand. */
union ktapi_ucmd_buffer {
	struct {
		__u32 size;
		__u32 flags;
	} hdr;
	struct ktapi_devcaps devcaps;
	struct ktapi_line_open line_open;
	struct ktapi_make_call make_call;
	struct ktapi_call_op call_op;
	struct ktapi_close_line_device close_line_device;
	struct ktapi_call_info call_info;
	struct ktapi_call_privilege call_privilege;
	struct ktapi_provider_register provider_register;
	struct ktapi_provider_line provider_line;
	struct ktapi_provider_remove_line provider_remove_line;
	struct ktapi_provider_reply provider_reply;
	struct ktapi_provider_newcall provider_newcall;
	struct ktapi_provider_callstate provider_callstate;
	struct ktapi_new_calls new_calls;
};

/*
 * The first published sizes end with the last field of each first
 * version, the VER1 sizes with that of the first growth; sizeof is the
 * newest version's size.
 */
static_assert(offsetofend(struct ktapi_devcaps, address) ==
	      KTAPI_DEVCAPS_SIZE_VER0);
static_assert(offsetofend(struct ktapi_line_open, reserved) ==
	      KTAPI_LINE_OPEN_SIZE_VER0);
static_assert(offsetofend(struct ktapi_make_call, call_id) ==
	      KTAPI_MAKE_CALL_SIZE_VER0);
static_assert(offsetofend(struct ktapi_call_op, reserved) ==
	      KTAPI_CALL_OP_SIZE_VER0);
static_assert(offsetofend(struct ktapi_close_line_device, reserved) ==
	      KTAPI_CLOSE_LINE_DEVICE_SIZE_VER0);
static_assert(offsetofend(struct ktapi_call_info, called_address) ==
	      KTAPI_CALL_INFO_SIZE_VER0);
static_assert(offsetofend(struct ktapi_devcaps, provider_name) ==
	      KTAPI_DEVCAPS_SIZE_VER1);
static_assert(offsetofend(struct ktapi_make_call, reserved) ==
	      KTAPI_MAKE_CALL_SIZE_VER1);
static_assert(offsetofend(struct ktapi_call_op, reserved2) ==
	      KTAPI_CALL_OP_SIZE_VER1);
static_assert(sizeof(struct ktapi_devcaps) == KTAPI_DEVCAPS_SIZE_VER1);
static_assert(offsetofend(struct ktapi_line_open, app_name) ==
	      KTAPI_LINE_OPEN_SIZE_VER1);
static_assert(offsetofend(struct ktapi_call_info, app_name) ==
	      KTAPI_CALL_INFO_SIZE_VER1);
static_assert(sizeof(struct ktapi_line_open) == KTAPI_LINE_OPEN_SIZE_VER1);
static_assert(sizeof(struct ktapi_make_call) == KTAPI_MAKE_CALL_SIZE_VER1);
static_assert(sizeof(struct ktapi_call_op) == KTAPI_CALL_OP_SIZE_VER1);
static_assert(sizeof(struct ktapi_close_line_device) ==
	      KTAPI_CLOSE_LINE_DEVICE_SIZE_VER0);
static_assert(sizeof(struct ktapi_call_info) == KTAPI_CALL_INFO_SIZE_VER1);
static_assert(sizeof(struct ktapi_call_privilege) ==
	      KTAPI_CALL_PRIVILEGE_SIZE_VER0);

/*
 * The provider's structs are all their first version (no implicit padding,
 * one layout for 32- and 64-bit: the sizes are the sums of the fields).
 */
static_assert(sizeof(struct ktapi_provider_register) ==
	      KTAPI_PROVIDER_REGISTER_SIZE_VER0);
static_assert(offsetof(struct ktapi_provider_register, out_version) == 48);
static_assert(sizeof(struct ktapi_provider_line) ==
	      KTAPI_PROVIDER_LINE_SIZE_VER0);
static_assert(offsetof(struct ktapi_provider_line, out_device_id) == 136);
static_assert(sizeof(struct ktapi_provider_remove_line) ==
	      KTAPI_PROVIDER_REMOVE_LINE_SIZE_VER0);
static_assert(sizeof(struct ktapi_provider_request) ==
	      KTAPI_PROVIDER_REQUEST_SIZE);
static_assert(offsetof(struct ktapi_provider_request, request_id) == 8);
static_assert(offsetof(struct ktapi_provider_request, dest_address) == 24);
static_assert(offsetof(struct ktapi_provider_request, caller_address) == 88);
static_assert(sizeof(struct ktapi_provider_reply) ==
	      KTAPI_PROVIDER_REPLY_SIZE_VER0);
static_assert(offsetof(struct ktapi_provider_reply, result) == 16);
static_assert(sizeof(struct ktapi_provider_newcall) ==
	      KTAPI_PROVIDER_NEWCALL_SIZE_VER0);
static_assert(offsetof(struct ktapi_provider_newcall, called_address) == 80);
static_assert(sizeof(struct ktapi_provider_callstate) ==
	      KTAPI_PROVIDER_CALLSTATE_SIZE_VER0);

/* Rows of a table: every table has as many, unused ones are NULL. */
#define KTAPI_IOCTL_ROWS	10

/*
 * The row of command @_ioctl (an _IO() of KTAPI_IOC_TYPE) in a table whose
 * first command number is @_base, whose argument is a struct @_struct,
 * first published @_ver0 bytes long, taking the flags @_flags
 * (KTAPI_REQ_ASYNC only when the struct is at least @_async bytes long, up
 * to its request_id).
 */
#define KTAPI_IOCTL_ROW_AT(_base, _ioctl, _fn, _struct, _ver0, _out,	\
			   _flags, _async)				\
	[_IOC_NR(_ioctl) - (_base)] = {					\
		.size = sizeof(struct _struct),				\
		.min_size = (_ver0),					\
		.out = (_out),						\
		.flags = (_flags),					\
		.async_size = (_async),					\
		.execute = (_fn),					\
	}

/* A row of /dev/ktapi's table. */
#define KTAPI_IOCTL_ROW(_ioctl, _fn, _struct, _ver0, _out, _flags, _async) \
	KTAPI_IOCTL_ROW_AT(0, _ioctl, _fn, _struct, _ver0, _out, _flags,	\
			   _async)

/* A command that takes no flags. */
#define KTAPI_IOCTL_OP(_ioctl, _fn, _struct, _ver0, _out)		\
	KTAPI_IOCTL_ROW(_ioctl, _fn, _struct, _ver0, _out, 0, 0)

/* A request, which takes KTAPI_REQ_ASYNC. */
#define KTAPI_IOCTL_REQ(_ioctl, _fn, _struct, _ver0, _out, _async)	\
	KTAPI_IOCTL_ROW(_ioctl, _fn, _struct, _ver0, _out, KTAPI_REQ_ASYNC, \
			_async)

#define KTAPI_MAKE_CALL_ASYNC_SIZE	\
	offsetofend(struct ktapi_make_call, request_id)
#define KTAPI_CALL_OP_ASYNC_SIZE	offsetofend(struct ktapi_call_op, request_id)

static const struct ktapi_ioctl_op ktapi_ioctl_ops[KTAPI_IOCTL_ROWS] = {
	KTAPI_IOCTL_OP(KTAPI_IOC_GET_DEVCAPS, ktapi_ioctl_get_devcaps,
		       ktapi_devcaps, KTAPI_DEVCAPS_SIZE_VER0,
		       KTAPI_OUT_AFTER),
	KTAPI_IOCTL_ROW(KTAPI_IOC_LINE_OPEN, ktapi_ioctl_line_open,
			ktapi_line_open, KTAPI_LINE_OPEN_SIZE_VER0,
			KTAPI_OUT_NONE, KTAPI_LINE_OPEN_CALLINFO, 0),
	KTAPI_IOCTL_REQ(KTAPI_IOC_MAKE_CALL, ktapi_ioctl_make_call,
			ktapi_make_call, KTAPI_MAKE_CALL_SIZE_VER0,
			KTAPI_OUT_HANDLER, KTAPI_MAKE_CALL_ASYNC_SIZE),
	KTAPI_IOCTL_REQ(KTAPI_IOC_ANSWER, ktapi_ioctl_call_op,
			ktapi_call_op, KTAPI_CALL_OP_SIZE_VER0,
			KTAPI_OUT_HANDLER, KTAPI_CALL_OP_ASYNC_SIZE),
	KTAPI_IOCTL_REQ(KTAPI_IOC_DROP, ktapi_ioctl_call_op,
			ktapi_call_op, KTAPI_CALL_OP_SIZE_VER0,
			KTAPI_OUT_HANDLER, KTAPI_CALL_OP_ASYNC_SIZE),
	KTAPI_IOCTL_OP(KTAPI_IOC_GET_CALL_INFO, ktapi_ioctl_get_call_info,
		       ktapi_call_info, KTAPI_CALL_INFO_SIZE_VER0,
		       KTAPI_OUT_AFTER),
	/* Never asynchronous: KTAPI_REQ_ASYNC is EINVAL. */
	KTAPI_IOCTL_OP(KTAPI_IOC_DEALLOCATE_CALL, ktapi_ioctl_call_op,
		       ktapi_call_op, KTAPI_CALL_OP_SIZE_VER0,
		       KTAPI_OUT_NONE),
	KTAPI_IOCTL_OP(KTAPI_IOC_CLOSE_LINE_DEVICE,
		       ktapi_ioctl_close_line_device, ktapi_close_line_device,
		       KTAPI_CLOSE_LINE_DEVICE_SIZE_VER0,
		       KTAPI_OUT_NONE),
	KTAPI_IOCTL_OP(KTAPI_IOC_SET_CALL_PRIVILEGE,
		       ktapi_ioctl_set_call_privilege, ktapi_call_privilege,
		       KTAPI_CALL_PRIVILEGE_SIZE_VER0, KTAPI_OUT_NONE),
	/* Writes the array and the struct before it makes anything. */
	KTAPI_IOCTL_OP(KTAPI_IOC_GET_NEW_CALLS, ktapi_ioctl_get_new_calls,
		       ktapi_new_calls, KTAPI_NEW_CALLS_SIZE_VER0,
		       KTAPI_OUT_HANDLER),
};

/* The commands of /dev/ktapi-provider, from KTAPI_PROVIDER_IOC_BASE on. */
#define KTAPI_PROVIDER_IOC_BASE	_IOC_NR(KTAPI_PROVIDER_IOC_REGISTER)
#define KTAPI_PROVIDER_OP(_ioctl, _fn, _struct, _ver0, _out)		\
	KTAPI_IOCTL_ROW_AT(KTAPI_PROVIDER_IOC_BASE, _ioctl, _fn, _struct,	\
			   _ver0, _out, 0, 0)

static const struct ktapi_ioctl_op ktapi_provider_ops[KTAPI_IOCTL_ROWS] = {
	KTAPI_PROVIDER_OP(KTAPI_PROVIDER_IOC_REGISTER,
			  ktapi_provider_ioctl_register,
			  ktapi_provider_register,
			  KTAPI_PROVIDER_REGISTER_SIZE_VER0, KTAPI_OUT_HANDLER),
	KTAPI_PROVIDER_OP(KTAPI_PROVIDER_IOC_ADD_LINE,
			  ktapi_provider_ioctl_add_line, ktapi_provider_line,
			  KTAPI_PROVIDER_LINE_SIZE_VER0, KTAPI_OUT_HANDLER),
	KTAPI_PROVIDER_OP(KTAPI_PROVIDER_IOC_REMOVE_LINE,
			  ktapi_provider_ioctl_remove_line,
			  ktapi_provider_remove_line,
			  KTAPI_PROVIDER_REMOVE_LINE_SIZE_VER0, KTAPI_OUT_NONE),
	KTAPI_PROVIDER_OP(KTAPI_PROVIDER_IOC_REPLY, ktapi_provider_ioctl_reply,
			  ktapi_provider_reply, KTAPI_PROVIDER_REPLY_SIZE_VER0,
			  KTAPI_OUT_NONE),
	KTAPI_PROVIDER_OP(KTAPI_PROVIDER_IOC_NEWCALL,
			  ktapi_provider_ioctl_newcall, ktapi_provider_newcall,
			  KTAPI_PROVIDER_NEWCALL_SIZE_VER0, KTAPI_OUT_HANDLER),
	KTAPI_PROVIDER_OP(KTAPI_PROVIDER_IOC_CALLSTATE,
			  ktapi_provider_ioctl_callstate,
			  ktapi_provider_callstate,
			  KTAPI_PROVIDER_CALLSTATE_SIZE_VER0, KTAPI_OUT_NONE),
};

/*
 * A command of the table: copy in, check, run, copy out, in the order of
 * the uapi header's "General ioctl format".  Inlined once per row (see
 * ktapi_ucmd_dispatch()), so that op is a constant: the handler is a direct
 * call, and the copies of a struct of the kernel's own size have a
 * constant size, which needs no run-time object size check.
 */
static __always_inline int ktapi_ucmd_run(const struct ktapi_ioctl_op *op,
					  struct file *filp, unsigned int cmd,
					  void __user *uarg)
{
	struct ktapi_ucmd ucmd = {
		.file = filp->private_data,
		.cmd = cmd,
		.ubuffer = uarg,
	};
	/* Not zeroed (INIT_STACK_ALL_ZERO): see the copy below. */
	union ktapi_ucmd_buffer buf __uninitialized;
	int ret;

	if (!op->execute)
		return -ENOTTY;
	if (get_user(ucmd.user_size, (u32 __user *)uarg))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	if (ucmd.user_size > PAGE_SIZE)
		return -E2BIG;
	/*
	 * The zeroed kernel struct: copy_struct_from_user() writes each of
	 * its op->size bytes, the user's or, past a shorter user's size,
	 * zeroes; a longer struct needs a zero tail (E2BIG), which is
	 * neither copied nor ever written.  No byte of buf past op->size is
	 * read or copied out, so buf needs no memset of its own, nor the
	 * compiler's (CONFIG_INIT_STACK_ALL_ZERO would zero its 264 bytes
	 * for every command: __uninitialized).
	 */
	if (likely(ucmd.user_size == op->size))
		/* copy_struct_from_user() of equal sizes, at a constant size. */
		ret = copy_from_user(&buf, uarg, op->size) ? -EFAULT : 0;
	else
		ret = copy_struct_from_user(&buf, op->size, uarg,
					    ucmd.user_size);
	if (ret)
		return ret;
	/* What the copy read may differ from get_user()'s. */
	buf.hdr.size = ucmd.user_size;
	if (buf.hdr.flags & ~op->flags)
		return -EINVAL;
	if ((buf.hdr.flags & KTAPI_REQ_ASYNC) &&
	    ucmd.user_size < op->async_size)
		return -EINVAL;

	ucmd.arg = &buf;
	ret = op->execute(&ucmd);
	if (ret || op->out != KTAPI_OUT_AFTER)
		return ret;
	return ktapi_ucmd_respond(&ucmd, op->size);
}

/*
 * One ktapi_ucmd_run() per row of a table, each with a constant row: a
 * case per row, @nr being the command's row.  Inlined into each file
 * type's ioctl() with its own table (ktapi_ioctl_ops, ktapi_provider_ops),
 * so the rows stay constants: one dispatcher for every table.
 */
static __always_inline int
ktapi_ucmd_dispatch(const struct ktapi_ioctl_op *ops, unsigned int nr,
		    struct file *filp, unsigned int cmd, void __user *uarg)
{
	static_assert(ARRAY_SIZE(ktapi_ioctl_ops) == KTAPI_IOCTL_ROWS);
	static_assert(ARRAY_SIZE(ktapi_provider_ops) == KTAPI_IOCTL_ROWS);
	switch (nr) {
	case 0:
		return ktapi_ucmd_run(&ops[0], filp, cmd, uarg);
	case 1:
		return ktapi_ucmd_run(&ops[1], filp, cmd, uarg);
	case 2:
		return ktapi_ucmd_run(&ops[2], filp, cmd, uarg);
	case 3:
		return ktapi_ucmd_run(&ops[3], filp, cmd, uarg);
	case 4:
		return ktapi_ucmd_run(&ops[4], filp, cmd, uarg);
	case 5:
		return ktapi_ucmd_run(&ops[5], filp, cmd, uarg);
	case 6:
		return ktapi_ucmd_run(&ops[6], filp, cmd, uarg);
	case 7:
		return ktapi_ucmd_run(&ops[7], filp, cmd, uarg);
	case 8:
		return ktapi_ucmd_run(&ops[8], filp, cmd, uarg);
	case 9:
		return ktapi_ucmd_run(&ops[9], filp, cmd, uarg);
	}
	return -ENOTTY;
}

static noinline int ktapi_ioctl_dispatch(unsigned int nr, struct file *filp,
					 unsigned int cmd, void __user *uarg)
{
	return ktapi_ucmd_dispatch(ktapi_ioctl_ops, nr, filp, cmd, uarg);
}

static long ktapi_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	/* The common cases without a copy of the struct, else in full. */
	if (cmd == KTAPI_IOC_GET_CALL_INFO) {
		ret = ktapi_call_info_fast(filp->private_data, uarg);
		if (ret != -EAGAIN)
			return ret;
	} else if (cmd == KTAPI_IOC_MAKE_CALL) {
		ret = ktapi_make_call_fast(filp->private_data, uarg);
		if (ret != -EAGAIN)
			return ret;
	} else if (cmd == KTAPI_IOC_DEALLOCATE_CALL) {
		ret = ktapi_deallocate_fast(filp->private_data, uarg);
		if (ret != -EAGAIN)
			return ret;
	}
	/*
	 * Commands are _IO(): type and number only, the size is in the
	 * struct.  Any other command, whatever its size or direction bits,
	 * is -ENOTTY.
	 */
	if (cmd != _IO(KTAPI_IOC_TYPE, nr) ||
	    nr >= ARRAY_SIZE(ktapi_ioctl_ops))
		return -ENOTTY;
	return ktapi_ioctl_dispatch(nr, filp, cmd, uarg);
}

/*
 * /dev/ktapi-provider's ioctl(): its own table, the same dispatcher, the
 * same rules (_IO() commands only, else -ENOTTY).  Its file operations are
 * in provider.c.
 */
long ktapi_provider_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	unsigned int nr = _IOC_NR(cmd) - KTAPI_PROVIDER_IOC_BASE;

	if (cmd != _IO(KTAPI_IOC_TYPE, _IOC_NR(cmd)) ||
	    nr >= ARRAY_SIZE(ktapi_provider_ops))
		return -ENOTTY;
	return ktapi_ucmd_dispatch(ktapi_provider_ops, nr, filp, cmd,
				   (void __user *)arg);
}

static const struct file_operations ktapi_fops = {
	.owner = THIS_MODULE,
	.open = ktapi_open,
	.release = ktapi_release,
	.read = ktapi_read,
	.poll = ktapi_poll,
	.unlocked_ioctl = ktapi_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = ktapi_show_fdinfo,
};

/*
 * The statistics: /sys/class/misc/ktapi/stats/<name>, one read-only value
 * per file (the ABI: uapi/linux/ktapi.h, DOC: Statistics).  A value is the
 * sum of every possible CPU's share of the counter.
 */
static long ktapi_stat_read(enum ktapi_stat s)
{
	long sum = 0;
	int cpu;

	/* A CPU gone offline keeps its share: it counts. */
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(ktapi_stats, cpu).v[s]);
	return sum;
}

#define KTAPI_STAT_ATTR(_name, _stat)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%ld\n", ktapi_stat_read(_stat));	\
}									\
static DEVICE_ATTR_RO(_name)

KTAPI_STAT_ATTR(files, KTAPI_STAT_FILES);
KTAPI_STAT_ATTR(lines_open, KTAPI_STAT_LINES_OPEN);
KTAPI_STAT_ATTR(calls, KTAPI_STAT_CALLS);
KTAPI_STAT_ATTR(handles, KTAPI_STAT_HANDLES);
KTAPI_STAT_ATTR(events_queued, KTAPI_STAT_EVENTS_QUEUED);
KTAPI_STAT_ATTR(devices, KTAPI_STAT_DEVICES);
KTAPI_STAT_ATTR(events_dropped, KTAPI_STAT_EVENTS_DROPPED);
KTAPI_STAT_ATTR(calls_total, KTAPI_STAT_CALLS_TOTAL);
KTAPI_STAT_ATTR(handles_total, KTAPI_STAT_HANDLES_TOTAL);
KTAPI_STAT_ATTR(events_total, KTAPI_STAT_EVENTS_TOTAL);

static struct attribute *ktapi_stats_attrs[] = {
	&dev_attr_files.attr,
	&dev_attr_lines_open.attr,
	&dev_attr_calls.attr,
	&dev_attr_handles.attr,
	&dev_attr_events_queued.attr,
	&dev_attr_devices.attr,
	&dev_attr_events_dropped.attr,
	&dev_attr_calls_total.attr,
	&dev_attr_handles_total.attr,
	&dev_attr_events_total.attr,
	NULL
};

static const struct attribute_group ktapi_stats_group = {
	.name = "stats",
	.attrs = ktapi_stats_attrs,
};

/* Made by misc_register() before the device's uevent: udev sees them. */
static const struct attribute_group *ktapi_groups[] = {
	&ktapi_stats_group,
	NULL
};

static struct miscdevice ktapi_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktapi",
	.fops = &ktapi_fops,
	.groups = ktapi_groups,
	/*
	 * No .mode: devtmpfs creates the node 0600 root, so it is never
	 * world-usable before udev runs, nor on systems without the rule
	 * (which gives group ktapi 0660).
	 */
};

/* /dev/ktapi-provider: 0600 root too; the udev rule gives its group. */
static struct miscdevice ktapi_provider_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktapi-provider",
	.fops = &ktapi_provider_fops,
};

static bool __init ktapi_param_ok(const char *name, unsigned int val,
				  unsigned int min, unsigned int max)
{
	if (val >= min && val <= max)
		return true;
	pr_err("ktapi: %s=%u is out of range %u..%u\n", name, val, min, max);
	return false;
}

static int __init ktapi_init(void)
{
	int ret;

	/* lines=0: every line device is a provider's. */
	if (!ktapi_param_ok("lines", ktapi_nr_lines, 0, KTAPI_LINES_MAX) ||
	    !ktapi_param_ok("event_queue_len", ktapi_event_queue_len, 1,
			    KTAPI_EVQ_LEN_MAX) ||
	    !ktapi_param_ok("max_handles", ktapi_max_handles, 1,
			    KTAPI_HANDLES_MAX) ||
	    !ktapi_param_ok("max_requests", ktapi_max_requests, 1,
			    KTAPI_REQUESTS_MAX))
		return -EINVAL;

	ret = ktapi_lines_init();
	if (ret)
		return ret;
	ret = ktapi_leg_cache_init();
	if (ret)
		goto err_lines;
	ret = misc_register(&ktapi_misc);
	if (ret)
		goto err_cache;
	ret = misc_register(&ktapi_provider_misc);
	if (ret)
		goto err_misc;
	return 0;

err_misc:
	misc_deregister(&ktapi_misc);
err_cache:
	ktapi_leg_cache_exit();
err_lines:
	ktapi_lines_exit();
	return ret;
}

static void __exit ktapi_exit(void)
{
	misc_deregister(&ktapi_provider_misc);
	misc_deregister(&ktapi_misc);
	ktapi_leg_cache_exit();
	ktapi_lines_exit();
}

module_init(ktapi_init);
module_exit(ktapi_exit);

MODULE_DESCRIPTION("TAPI 2.2 call handle model with a loopback switch");
MODULE_AUTHOR("The ktapi developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KTAPI_VERSION);
