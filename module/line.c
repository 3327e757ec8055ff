// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: line devices, LINE_OPEN, GET_DEVCAPS, CLOSE_LINE_DEVICE and line
 * close.
 *
 * The line devices are an array made at module load and never changed.
 * Their lists of open lines and every file's line state (state, line,
 * privileges, api_version) change only under the switch lock (switch.c).
 * file->state is published with smp_store_release() after the other fields,
 * so ioctls that do not take the switch lock read it with
 * smp_load_acquire() and may then use file->line.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "trace.h"

static struct ktapi_line_dev *ktapi_lines;

int ktapi_lines_init(void)
{
	unsigned int i;

	ktapi_lines = kcalloc(ktapi_nr_lines, sizeof(*ktapi_lines), GFP_KERNEL);
	if (!ktapi_lines)
		return -ENOMEM;
	for (i = 0; i < ktapi_nr_lines; i++) {
		ktapi_lines[i].id = i;
		snprintf(ktapi_lines[i].address, sizeof(ktapi_lines[i].address),
			 "%u", KTAPI_ADDRESS_BASE + i);
		INIT_LIST_HEAD(&ktapi_lines[i].files);
	}
	return 0;
}

void ktapi_lines_exit(void)
{
	kfree(ktapi_lines);
}

struct ktapi_line_dev *ktapi_line_get(u32 device_id)
{
	if (device_id >= ktapi_nr_lines)
		return NULL;
	return &ktapi_lines[device_id];
}

/* 1..63 characters of "0123456789*#+", NUL-terminated inside the array. */
bool ktapi_address_valid(const char *address)
{
	unsigned int i;

	for (i = 0; i < KTAPI_ADDRESS_MAX; i++) {
		char ch = address[i];

		if (!ch)
			return i > 0;
		if ((ch < '0' || ch > '9') && ch != '*' && ch != '#' && ch != '+')
			return false;
	}
	return false;
}

/* The line device a valid address names, or NULL. */
struct ktapi_line_dev *ktapi_line_by_address(const char *address)
{
	unsigned int i, n = 0;

	/* Device addresses are decimal, without sign or leading zeros. */
	if (address[0] < '1' || address[0] > '9')
		return NULL;
	for (i = 0; address[i]; i++) {
		if (address[i] < '0' || address[i] > '9')
			return NULL;
		n = n * 10 + address[i] - '0';
		/* Also keeps n from overflowing. */
		if (n >= KTAPI_ADDRESS_BASE + ktapi_nr_lines)
			return NULL;
	}
	if (n < KTAPI_ADDRESS_BASE)
		return NULL;
	return &ktapi_lines[n - KTAPI_ADDRESS_BASE];
}

/* The file that has held @line open with OWNER privilege the longest. */
struct ktapi_file *ktapi_line_owner(struct ktapi_line_dev *line)
{
	struct ktapi_file *f;

	lockdep_assert_held(&ktapi_switch_lock);
	list_for_each_entry(f, &line->files, line_node)
		if (f->privileges & KTAPI_PRIVILEGE_OWNER)
			return f;
	return NULL;
}

int ktapi_ioctl_get_devcaps(struct ktapi_file *f, struct ktapi_devcaps *dc,
			    struct ktapi_devcaps __user *udc)
{
	struct ktapi_line_dev *line = ktapi_line_get(dc->device_id);

	if (!line)
		return -ENODEV;
	dc->num_devices = ktapi_nr_lines;
	memcpy(dc->address, line->address, sizeof(dc->address));
	return copy_to_user(udc, dc, sizeof(*dc)) ? -EFAULT : 0;
}

static bool ktapi_privileges_valid(u32 priv)
{
	if (priv == KTAPI_PRIVILEGE_NONE)
		return true;
	return priv && !(priv & ~(KTAPI_PRIVILEGE_MONITOR |
				  KTAPI_PRIVILEGE_OWNER));
}

int ktapi_ioctl_line_open(struct ktapi_file *f, struct ktapi_line_open *lo)
{
	struct ktapi_line_dev *line;
	int ret = 0;

	if (lo->reserved)
		return -EINVAL;

	mutex_lock(&ktapi_switch_lock);
	if (f->state != KTAPI_FILE_NEW) {
		ret = -EBUSY;
		goto out;
	}
	line = ktapi_line_get(lo->device_id);
	if (!line) {
		ret = -ENODEV;
		goto out;
	}
	if (!ktapi_privileges_valid(lo->privileges)) {
		ret = -EINVAL;
		goto out;
	}
	if (lo->api_version < KTAPI_API_VERSION_MIN ||
	    lo->api_version > KTAPI_API_VERSION_MAX) {
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	f->line = line;
	f->privileges = lo->privileges;
	f->api_version = lo->api_version;
	list_add_tail(&f->line_node, &line->files);
	atomic_long_inc(&ktapi_stats.lines_open);
	trace_ktapi_line_open(line->id, lo->privileges, lo->api_version);
	/* Publish the fields above to lockless readers of f->state. */
	smp_store_release(&f->state, KTAPI_FILE_OPEN);
out:
	mutex_unlock(&ktapi_switch_lock);
	return ret;
}

/* Take an open line off its device and void its handles. */
static void ktapi_line_detach(struct ktapi_file *f, bool forced)
{
	lockdep_assert_held(&ktapi_switch_lock);
	trace_ktapi_line_close(f->line->id, forced, f->nr_handles);
	list_del_init(&f->line_node);
	atomic_long_dec(&ktapi_stats.lines_open);
	WRITE_ONCE(f->state, KTAPI_FILE_CLOSED);
	ktapi_file_void_handles(f);
}

int ktapi_ioctl_close_line_device(struct ktapi_file *f,
				  struct ktapi_close_line_device *cl)
{
	struct ktapi_file *victim, *tmp;
	struct ktapi_line_dev *line;

	if (cl->reserved)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	line = ktapi_line_get(cl->device_id);
	if (!line)
		return -ENODEV;

	mutex_lock(&ktapi_switch_lock);
	list_for_each_entry_safe(victim, tmp, &line->files, line_node) {
		ktapi_evq_push(&victim->evq, KTAPI_EV_LINE_CLOSE, NULL, 0, 0,
			       ktime_get_ns());
		ktapi_line_detach(victim, true);
	}
	mutex_unlock(&ktapi_switch_lock);
	return 0;
}

/* lineClose: the file is being released. */
void ktapi_line_close(struct ktapi_file *f)
{
	mutex_lock(&ktapi_switch_lock);
	if (f->state == KTAPI_FILE_OPEN)
		ktapi_line_detach(f, false);
	mutex_unlock(&ktapi_switch_lock);
}
