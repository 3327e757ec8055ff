// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: line devices, LINE_OPEN, GET_DEVCAPS, CLOSE_LINE_DEVICE and line
 * close.
 *
 * The line devices are an array made at module load and never changed.
 * Each device's list of open lines changes under its own line->lock and is
 * walked by MAKE_CALL under ktapi_srcu; a file is freed only after an SRCU
 * grace period once the last reference (release's, or CLOSE_LINE_DEVICE's
 * while it voids the file) is put.  A file's line state changes under its
 * device's line->lock and its queue lock together (internal.h); the fields
 * line, privileges and api_version are written before state becomes OPEN
 * with smp_store_release(), so lockless readers use smp_load_acquire().
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/memcontrol.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "trace.h"

static struct ktapi_line_dev *ktapi_lines;

/* Readers of line->files, and what keeps their files in memory. */
DEFINE_SRCU(ktapi_srcu);

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
		spin_lock_init(&ktapi_lines[i].lock);
		INIT_LIST_HEAD(&ktapi_lines[i].files);
		INIT_LIST_HEAD(&ktapi_lines[i].owners);
		INIT_LIST_HEAD(&ktapi_lines[i].monitors);
	}
	return 0;
}

void ktapi_lines_exit(void)
{
	/* Files freed with call_srcu(). */
	srcu_barrier(&ktapi_srcu);
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

/*
 * The file that has held @line open with OWNER privilege the longest.
 * Under ktapi_srcu, which keeps it in memory.
 */
struct ktapi_file *ktapi_line_owner(struct ktapi_line_dev *line)
{
	struct ktapi_file *f;

	list_for_each_entry_srcu(f, &line->owners, owner_node,
				 srcu_read_lock_held(&ktapi_srcu))
		if (READ_ONCE(f->state) == KTAPI_FILE_OPEN)
			return f;
	return NULL;
}

int ktapi_ioctl_get_devcaps(struct ktapi_ucmd *ucmd)
{
	struct ktapi_devcaps *dc = ucmd->arg;
	struct ktapi_line_dev *line = ktapi_line_get(dc->device_id);

	if (!line)
		return -ENODEV;
	dc->num_devices = ktapi_nr_lines;
	memcpy(dc->address, line->address, sizeof(dc->address));
	dc->kind = KTAPI_DEVICE_LOOPBACK;
	dc->provider_id = 0;
	/* Every byte of the arrays is written: the user's are not kept. */
	memset(dc->name, 0, sizeof(dc->name));
	scnprintf(dc->name, sizeof(dc->name), "Loopback line %s", line->address);
	strscpy_pad(dc->provider_name, "loopback", sizeof(dc->provider_name));
	return 0;
}

static bool ktapi_privileges_valid(u32 priv)
{
	if (priv == KTAPI_PRIVILEGE_NONE)
		return true;
	return priv && !(priv & ~(KTAPI_PRIVILEGE_MONITOR |
				  KTAPI_PRIVILEGE_OWNER));
}

int ktapi_ioctl_line_open(struct ktapi_ucmd *ucmd)
{
	struct ktapi_line_open *lo = ucmd->arg;
	struct ktapi_file *f = ucmd->file;
	struct ktapi_line_dev *line;
	int ret = 0;

	if (lo->reserved)
		return -EINVAL;
	if (READ_ONCE(f->state) != KTAPI_FILE_NEW)
		return -EBUSY;
	line = ktapi_line_get(lo->device_id);
	if (!line)
		return -ENODEV;
	if (!ktapi_privileges_valid(lo->privileges))
		return -EINVAL;
	if (lo->api_version < KTAPI_API_VERSION_MIN ||
	    lo->api_version > KTAPI_API_VERSION_MAX)
		return -EPROTONOSUPPORT;

	spin_lock(&line->lock);
	spin_lock(&f->evq.lock);
	/* Two LINE_OPENs of one file at once: one wins. */
	if (f->state != KTAPI_FILE_NEW) {
		ret = -EBUSY;
	} else {
		f->line = line;
		f->privileges = lo->privileges;
		f->api_version = lo->api_version;
		/* Publish the fields above to lockless readers of f->state. */
		smp_store_release(&f->state, KTAPI_FILE_OPEN);
		f->open_seq = ++line->open_seq;
		list_add_tail_rcu(&f->line_node, &line->files);
		if (f->privileges & KTAPI_PRIVILEGE_OWNER)
			list_add_tail_rcu(&f->owner_node, &line->owners);
		if (f->privileges & KTAPI_PRIVILEGE_MONITOR)
			list_add_tail_rcu(&f->monitor_node, &line->monitors);
	}
	spin_unlock(&f->evq.lock);
	spin_unlock(&line->lock);
	if (!ret) {
		ktapi_stat_inc(KTAPI_STAT_LINES_OPEN);
		trace_ktapi_line_open(line->id, lo->privileges,
				      lo->api_version);
	}
	return ret;
}

/*
 * Take an open line off its device and close its queue (with a LINE_CLOSE
 * record first when @forced): from now on nothing is published into it and
 * nothing queued.  Short; its handles are voided afterwards, without the
 * line lock.  Under line->lock.
 */
static void ktapi_line_detach(struct ktapi_file *f, bool forced)
{
	struct ktapi_line_dev *line = f->line;

	lockdep_assert_held(&line->lock);
	trace_ktapi_line_close(line->id, forced, READ_ONCE(f->nr_handles));
	list_del_rcu(&f->line_node);
	if (f->privileges & KTAPI_PRIVILEGE_OWNER)
		list_del_rcu(&f->owner_node);
	if (f->privileges & KTAPI_PRIVILEGE_MONITOR)
		list_del_rcu(&f->monitor_node);
	spin_lock(&f->evq.lock);
	if (forced)
		ktapi_evq_line_close_locked(&f->evq, ktime_get_ns());
	f->evq.closed = true;
	WRITE_ONCE(f->state, KTAPI_FILE_CLOSED);
	spin_unlock(&f->evq.lock);
	if (forced)
		ktapi_evq_wake(&f->evq);
	ktapi_stat_dec(KTAPI_STAT_LINES_OPEN);
}

/*
 * CLOSE_LINE_DEVICE closes the lines opened before it began; a LINE_OPEN
 * that comes while it runs is left open.  One line per hold of line->lock
 * (the oldest, the head of line->files, whose list is in LINE_OPEN order),
 * and that line's handles are voided before the next is taken, with no
 * lock held: each hold is O(1), whatever the number of files.
 */
int ktapi_ioctl_close_line_device(struct ktapi_ucmd *ucmd)
{
	struct ktapi_close_line_device *cl = ucmd->arg;
	struct ktapi_line_dev *line;
	struct ktapi_file *victim;
	u64 last;

	if (cl->reserved)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	line = ktapi_line_get(cl->device_id);
	if (!line)
		return -ENODEV;

	spin_lock(&line->lock);
	last = line->open_seq;
	spin_unlock(&line->lock);
	for (;;) {
		spin_lock(&line->lock);
		victim = list_first_entry_or_null(&line->files,
						  struct ktapi_file, line_node);
		if (!victim || victim->open_seq > last) {
			spin_unlock(&line->lock);
			return 0;
		}
		ktapi_line_detach(victim, true);
		refcount_inc(&victim->ref);
		spin_unlock(&line->lock);

		ktapi_file_void_handles(victim);
		ktapi_file_put(victim);
		cond_resched();
	}
}

/* lineClose: the file is being released. */
void ktapi_line_close(struct ktapi_file *f)
{
	struct ktapi_line_dev *line;

	/* Pairs with the release in LINE_OPEN: f->line is set. */
	if (smp_load_acquire(&f->state) == KTAPI_FILE_NEW)
		return;
	line = f->line;
	spin_lock(&line->lock);
	/* A forced close may have detached it already. */
	if (f->state == KTAPI_FILE_OPEN)
		ktapi_line_detach(f, false);
	spin_unlock(&line->lock);
	ktapi_file_void_handles(f);
}

static void ktapi_file_free_srcu(struct rcu_head *rcu)
{
	struct ktapi_file *f = container_of(rcu, struct ktapi_file, rcu);

	/* Reservations made by MAKE_CALLs that found it went before this. */
	WARN_ON(!xa_empty(&f->handles));
	xa_destroy(&f->handles);
	ktapi_evq_free(&f->evq);
	mem_cgroup_put(f->memcg);
	kfree(f);
}

/*
 * Drop a reference to a file whose line is closed (or was never opened);
 * the last one frees it once no MAKE_CALL can still be looking at it.
 */
void ktapi_file_put(struct ktapi_file *f)
{
	if (refcount_dec_and_test(&f->ref))
		call_srcu(&ktapi_srcu, &f->rcu, ktapi_file_free_srcu);
}
