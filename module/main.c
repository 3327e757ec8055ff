// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the TAPI 2.2 call handle model as a misc character device.
 *
 * This file holds the module parameters, /dev/ktapi and its file
 * operations, the ioctl dispatcher and the debugfs statistics.  It owns no
 * lock: the locks and their order are described in internal.h, and each is
 * defined in the file named there (line.c, call.c, event.c).
 *
 * Lifetime: misc_register() gives the device fops .owner = THIS_MODULE, so
 * the module cannot be unloaded while a file is open; release() voids every
 * handle of the file and puts its reference; the file's memory goes after
 * an SRCU grace period (line.c), and module exit waits for it.
 */
#include <linux/build_bug.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

unsigned int ktapi_nr_lines = 8;
module_param_named(lines, ktapi_nr_lines, uint, 0444);
MODULE_PARM_DESC(lines, "Number of line devices (1..1024, default 8)");

unsigned int ktapi_event_queue_len = 256;
module_param_named(event_queue_len, ktapi_event_queue_len, uint, 0444);
MODULE_PARM_DESC(event_queue_len,
		 "Event records queued per open file before events are dropped (1..65536, default 256)");

unsigned int ktapi_max_handles = 65536;
module_param_named(max_handles, ktapi_max_handles, uint, 0444);
MODULE_PARM_DESC(max_handles,
		 "Call handles per open file (1..16777216, default 65536)");

struct ktapi_stats ktapi_stats;
static struct dentry *ktapi_debugfs;

/* The ABI: one layout for 32- and 64-bit userspace, no implicit padding. */
static_assert(sizeof(struct ktapi_devcaps) == 80);
static_assert(offsetof(struct ktapi_devcaps, address) == 16);
static_assert(sizeof(struct ktapi_line_open) == 24);
static_assert(sizeof(struct ktapi_make_call) == 80);
static_assert(offsetof(struct ktapi_make_call, dest_address) == 8);
static_assert(offsetof(struct ktapi_make_call, handle) == 72);
static_assert(offsetof(struct ktapi_make_call, call_id) == 76);
static_assert(sizeof(struct ktapi_call_op) == 16);
static_assert(sizeof(struct ktapi_close_line_device) == 16);
static_assert(sizeof(struct ktapi_call_info) == 200);
static_assert(offsetof(struct ktapi_call_info, num_monitors) == 52);
static_assert(offsetof(struct ktapi_call_info, create_time_ns) == 56);
static_assert(offsetof(struct ktapi_call_info, state_time_ns) == 64);
static_assert(offsetof(struct ktapi_call_info, caller_address) == 72);
static_assert(offsetof(struct ktapi_call_info, called_address) == 136);
static_assert(sizeof(struct ktapi_event) == 40);
static_assert(offsetof(struct ktapi_event, reserved) == 28);
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
	atomic_long_inc(&ktapi_stats.files);
	return stream_open(inode, filp);
}

static int ktapi_release(struct inode *inode, struct file *filp)
{
	struct ktapi_file *f = filp->private_data;

	ktapi_line_close(f);
	ktapi_evq_retire(&f->evq);
	atomic_long_dec(&ktapi_stats.files);
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

/**
 * ktapi_get_arg - copy in an ioctl's argument, as copy_struct_from_user()
 *	does but for a smaller size, which is -EINVAL
 * @kbuf: the kernel's struct
 * @uarg: the user's struct
 * @ksize: sizeof the kernel's struct
 * @in: how many of its first bytes the kernel reads (the rest is output
 *	only, and every handler writes all of it before copying the struct
 *	back, so it is neither read nor required to be zero)
 *
 * Checks size and flags as the uapi header says.  Inlined with constant
 * sizes, so the copy needs no run-time object size check.
 *
 * Return: 0, -EFAULT, -EINVAL or -E2BIG.
 */
static __always_inline int ktapi_get_arg(void *kbuf, void __user *uarg,
					 size_t ksize, size_t in)
{
	struct {
		__u32 size;
		__u32 flags;
	} *hdr = kbuf;
	u32 usize;
	int ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < ksize)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (copy_from_user(kbuf, uarg, in))
		return -EFAULT;
	if (usize > ksize) {
		ret = check_zeroed_user(uarg + ksize, usize - ksize);
		if (ret <= 0)
			return ret ?: -E2BIG;
	}
	/* What copy_from_user() read may differ from get_user()'s. */
	hdr->size = usize;
	if (hdr->flags)
		return -EINVAL;
	return 0;
}

/* ktapi_get_arg() of @buf, whose input ends with member @last. */
#define KTAPI_ARG(buf, uarg, last)					\
	ktapi_get_arg(&(buf), (uarg), sizeof(buf),			\
		      offsetofend(typeof(buf), last))

/*
 * One function per command, each with its own argument struct on the stack,
 * so that the dispatcher (and an unknown command) touches no buffer.
 */
static noinline long ktapi_cmd_get_devcaps(struct ktapi_file *f,
					   void __user *uarg)
{
	struct ktapi_devcaps dc;

	return KTAPI_ARG(dc, uarg, device_id) ?:
	       ktapi_ioctl_get_devcaps(f, &dc, uarg);
}

static noinline long ktapi_cmd_line_open(struct ktapi_file *f,
					 void __user *uarg)
{
	struct ktapi_line_open lo;

	return KTAPI_ARG(lo, uarg, reserved) ?: ktapi_ioctl_line_open(f, &lo);
}

static noinline long ktapi_cmd_make_call(struct ktapi_file *f,
					 void __user *uarg)
{
	struct ktapi_make_call mc;

	return KTAPI_ARG(mc, uarg, dest_address) ?:
	       ktapi_ioctl_make_call(f, &mc, uarg);
}

static noinline long ktapi_cmd_call_op(struct ktapi_file *f, unsigned int cmd,
				       void __user *uarg)
{
	struct ktapi_call_op op;
	int ret;

	ret = KTAPI_ARG(op, uarg, reserved);
	if (ret)
		return ret;
	return ktapi_ioctl_call_op(f, cmd, &op);
}

static noinline long ktapi_cmd_get_call_info(struct ktapi_file *f,
					     void __user *uarg)
{
	struct ktapi_call_info ci;

	return KTAPI_ARG(ci, uarg, handle) ?:
	       ktapi_ioctl_get_call_info(f, &ci, uarg);
}

static noinline long ktapi_cmd_close_line_device(struct ktapi_file *f,
						 void __user *uarg)
{
	struct ktapi_close_line_device cl;

	return KTAPI_ARG(cl, uarg, reserved) ?:
	       ktapi_ioctl_close_line_device(f, &cl);
}

static long ktapi_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct ktapi_file *f = filp->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	/*
	 * Commands are _IO(): type and number only, the size is in the
	 * struct.  Any other command, whatever its size or direction bits,
	 * is -ENOTTY.
	 */
	switch (cmd) {
	case KTAPI_IOC_GET_CALL_INFO:
		/* The common case without a copy of the struct, else in full. */
		ret = ktapi_call_info_fast(f, uarg);
		return ret != -EAGAIN ? ret : ktapi_cmd_get_call_info(f, uarg);
	case KTAPI_IOC_MAKE_CALL:
		return ktapi_cmd_make_call(f, uarg);
	case KTAPI_IOC_ANSWER:
	case KTAPI_IOC_DROP:
	case KTAPI_IOC_DEALLOCATE_CALL:
		return ktapi_cmd_call_op(f, cmd, uarg);
	case KTAPI_IOC_GET_DEVCAPS:
		return ktapi_cmd_get_devcaps(f, uarg);
	case KTAPI_IOC_LINE_OPEN:
		return ktapi_cmd_line_open(f, uarg);
	case KTAPI_IOC_CLOSE_LINE_DEVICE:
		return ktapi_cmd_close_line_device(f, uarg);
	}
	return -ENOTTY;
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

static struct miscdevice ktapi_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktapi",
	.fops = &ktapi_fops,
	/*
	 * No .mode: devtmpfs creates the node 0600 root, so it is never
	 * world-usable before udev runs, nor on systems without the rule
	 * (which gives group ktapi 0660).
	 */
};

static int ktapi_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "files %ld\n", atomic_long_read(&ktapi_stats.files));
	seq_printf(m, "lines_open %ld\n",
		   atomic_long_read(&ktapi_stats.lines_open));
	seq_printf(m, "calls %ld\n", atomic_long_read(&ktapi_stats.calls));
	seq_printf(m, "handles %ld\n", atomic_long_read(&ktapi_stats.handles));
	seq_printf(m, "events_queued %ld\n",
		   atomic_long_read(&ktapi_stats.events_queued));
	seq_printf(m, "events_dropped %ld\n",
		   atomic_long_read(&ktapi_stats.events_dropped));
	seq_printf(m, "calls_total %ld\n",
		   atomic_long_read(&ktapi_stats.calls_total));
	seq_printf(m, "handles_total %ld\n",
		   atomic_long_read(&ktapi_stats.handles_total));
	seq_printf(m, "events_total %ld\n",
		   atomic_long_read(&ktapi_stats.events_total));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ktapi_stats);

static bool __init ktapi_param_ok(const char *name, unsigned int val,
				  unsigned int max)
{
	if (val >= 1 && val <= max)
		return true;
	pr_err("ktapi: %s=%u is out of range 1..%u\n", name, val, max);
	return false;
}

static int __init ktapi_init(void)
{
	int ret;

	if (!ktapi_param_ok("lines", ktapi_nr_lines, KTAPI_LINES_MAX) ||
	    !ktapi_param_ok("event_queue_len", ktapi_event_queue_len,
			    KTAPI_EVQ_LEN_MAX) ||
	    !ktapi_param_ok("max_handles", ktapi_max_handles,
			    KTAPI_HANDLES_MAX))
		return -EINVAL;

	ret = ktapi_lines_init();
	if (ret)
		return ret;
	ret = ktapi_call_cache_init();
	if (ret)
		goto err_lines;
	ret = misc_register(&ktapi_misc);
	if (ret)
		goto err_cache;
	ktapi_debugfs = debugfs_create_dir("ktapi", NULL);
	debugfs_create_file("stats", 0444, ktapi_debugfs, NULL,
			    &ktapi_stats_fops);
	return 0;

err_cache:
	ktapi_call_cache_exit();
err_lines:
	ktapi_lines_exit();
	return ret;
}

static void __exit ktapi_exit(void)
{
	debugfs_remove(ktapi_debugfs);
	misc_deregister(&ktapi_misc);
	ktapi_call_cache_exit();
	ktapi_lines_exit();
}

module_init(ktapi_init);
module_exit(ktapi_exit);

MODULE_DESCRIPTION("TAPI 2.2 call handle model with a loopback switch");
MODULE_AUTHOR("The ktapi developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KTAPI_VERSION);
