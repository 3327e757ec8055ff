// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the TAPI 2.2 call handle model as a misc character device.
 *
 * This file holds the module parameters, /dev/ktapi and its file
 * operations, the ioctl dispatcher and the debugfs statistics.  It owns no
 * lock: the locks and their order are described in internal.h and in the
 * files that own them (switch.c, call.c, event.c).
 *
 * Lifetime: misc_register() gives the device fops .owner = THIS_MODULE, so
 * the module cannot be unloaded while a file is open; release() voids every
 * handle of the file and frees it, and module exit finds nothing left.
 */
#include <linux/build_bug.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
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

/**
 * ktapi_copy_out - write an ioctl's result back to userspace
 * @uarg: the user's struct
 * @kbuf: the kernel's copy
 * @ksize: sizeof the kernel's struct
 * @usize: the size userspace gave
 *
 * Return: 0, or -EFAULT.
 */
int ktapi_copy_out(void __user *uarg, const void *kbuf, size_t ksize,
		   u32 usize)
{
	if (copy_to_user(uarg, kbuf, min_t(size_t, ksize, usize)))
		return -EFAULT;
	return 0;
}

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
	filp->private_data = f;
	atomic_long_inc(&ktapi_stats.files);
	return stream_open(inode, filp);
}

static int ktapi_release(struct inode *inode, struct file *filp)
{
	struct ktapi_file *f = filp->private_data;

	ktapi_line_close(f);
	WARN_ON(!xa_empty(&f->handles));
	xa_destroy(&f->handles);
	ktapi_evq_free(&f->evq);
	kfree(f);
	atomic_long_dec(&ktapi_stats.files);
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
	u32 queued, dropped;

	mutex_lock(&ktapi_switch_lock);
	seq_printf(m, "ktapi-line:\t%s\n", ktapi_file_state_name[f->state]);
	if (f->line) {
		seq_printf(m, "ktapi-device:\t%u\n", f->line->id);
		seq_printf(m, "ktapi-privileges:\t0x%x\n", f->privileges);
		seq_printf(m, "ktapi-api-version:\t0x%08x\n", f->api_version);
	}
	seq_printf(m, "ktapi-handles:\t%u\n", f->nr_handles);
	mutex_unlock(&ktapi_switch_lock);

	spin_lock(&f->evq.lock);
	queued = f->evq.count;
	dropped = f->evq.dropped;
	spin_unlock(&f->evq.lock);
	seq_printf(m, "ktapi-events-queued:\t%u\n", queued);
	seq_printf(m, "ktapi-events-pending-drop:\t%u\n", dropped);
}

/* Every argument struct, so the dispatcher can copy any of them. */
union ktapi_ioctl_buf {
	struct {
		__u32 size;
		__u32 flags;
	} hdr;
	struct ktapi_devcaps devcaps;
	struct ktapi_line_open line_open;
	struct ktapi_make_call make_call;
	struct ktapi_call_op call_op;
	struct ktapi_call_info call_info;
	struct ktapi_close_line_device close_line_device;
};

static long ktapi_dispatch(struct ktapi_file *f, unsigned int nr,
			   union ktapi_ioctl_buf *buf, void __user *uarg)
{
	switch (nr) {
	case _IOC_NR(KTAPI_IOC_GET_DEVCAPS):
		return ktapi_ioctl_get_devcaps(f, &buf->devcaps, uarg);
	case _IOC_NR(KTAPI_IOC_LINE_OPEN):
		return ktapi_ioctl_line_open(f, &buf->line_open);
	case _IOC_NR(KTAPI_IOC_MAKE_CALL):
		return ktapi_ioctl_make_call(f, &buf->make_call, uarg);
	case _IOC_NR(KTAPI_IOC_ANSWER):
		return ktapi_ioctl_answer(f, &buf->call_op);
	case _IOC_NR(KTAPI_IOC_DROP):
		return ktapi_ioctl_drop(f, &buf->call_op);
	case _IOC_NR(KTAPI_IOC_GET_CALL_INFO):
		return ktapi_ioctl_get_call_info(f, &buf->call_info, uarg);
	case _IOC_NR(KTAPI_IOC_DEALLOCATE_CALL):
		return ktapi_ioctl_deallocate_call(f, &buf->call_op);
	case _IOC_NR(KTAPI_IOC_CLOSE_LINE_DEVICE):
		return ktapi_ioctl_close_line_device(f,
						     &buf->close_line_device);
	}
	return -ENOTTY;
}

/*
 * The bytes of each struct the kernel reads: the rest is output only, and
 * every handler writes all of it before copying the struct back.
 */
static const u16 ktapi_ioctl_in_size[] = {
	[_IOC_NR(KTAPI_IOC_GET_DEVCAPS)] =
		offsetofend(struct ktapi_devcaps, device_id),
	[_IOC_NR(KTAPI_IOC_LINE_OPEN)] = sizeof(struct ktapi_line_open),
	[_IOC_NR(KTAPI_IOC_MAKE_CALL)] =
		offsetofend(struct ktapi_make_call, dest_address),
	[_IOC_NR(KTAPI_IOC_ANSWER)] = sizeof(struct ktapi_call_op),
	[_IOC_NR(KTAPI_IOC_DROP)] = sizeof(struct ktapi_call_op),
	[_IOC_NR(KTAPI_IOC_GET_CALL_INFO)] =
		offsetofend(struct ktapi_call_info, handle),
	[_IOC_NR(KTAPI_IOC_DEALLOCATE_CALL)] = sizeof(struct ktapi_call_op),
	[_IOC_NR(KTAPI_IOC_CLOSE_LINE_DEVICE)] =
		sizeof(struct ktapi_close_line_device),
};

/* The struct size of each command, indexed by _IOC_NR(). */
static const u16 ktapi_ioctl_size[] = {
	[_IOC_NR(KTAPI_IOC_GET_DEVCAPS)] = sizeof(struct ktapi_devcaps),
	[_IOC_NR(KTAPI_IOC_LINE_OPEN)] = sizeof(struct ktapi_line_open),
	[_IOC_NR(KTAPI_IOC_MAKE_CALL)] = sizeof(struct ktapi_make_call),
	[_IOC_NR(KTAPI_IOC_ANSWER)] = sizeof(struct ktapi_call_op),
	[_IOC_NR(KTAPI_IOC_DROP)] = sizeof(struct ktapi_call_op),
	[_IOC_NR(KTAPI_IOC_GET_CALL_INFO)] = sizeof(struct ktapi_call_info),
	[_IOC_NR(KTAPI_IOC_DEALLOCATE_CALL)] = sizeof(struct ktapi_call_op),
	[_IOC_NR(KTAPI_IOC_CLOSE_LINE_DEVICE)] =
		sizeof(struct ktapi_close_line_device),
};

static long ktapi_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct ktapi_file *f = filp->private_data;
	void __user *uarg = (void __user *)arg;
	union ktapi_ioctl_buf buf;
	unsigned int nr = _IOC_NR(cmd);
	u32 ksize, usize;
	int ret;

	/* Commands are _IO(): type and number only, the size is in the struct. */
	if (cmd != _IO(KTAPI_IOC_TYPE, nr) || nr >= ARRAY_SIZE(ktapi_ioctl_size))
		return -ENOTTY;
	ksize = ktapi_ioctl_size[nr];

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < ksize)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	/*
	 * copy_struct_from_user(), reading only what the kernel uses: the
	 * output fields are neither read nor required to be zero.
	 */
	if (copy_from_user(&buf, uarg, ktapi_ioctl_in_size[nr]))
		return -EFAULT;
	if (usize > ksize) {
		ret = check_zeroed_user(uarg + ksize, usize - ksize);
		if (ret <= 0)
			return ret ?: -E2BIG;
	}
	/* What copy_from_user() read may differ from get_user()'s. */
	buf.hdr.size = usize;
	if (buf.hdr.flags)
		return -EINVAL;

	return ktapi_dispatch(f, nr, &buf, uarg);
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
	.mode = 0666,
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
MODULE_VERSION("0.1.0");
