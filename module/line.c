// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: line devices, LINE_OPEN, GET_DEVCAPS, CLOSE_LINE_DEVICE and line
 * close; the list of every open file, and LINE_CREATE / LINE_REMOVE.
 *
 * Devices: the loopback devices 0 .. lines - 1 are an array made at module
 * load (ktapi_lines, what ktapi_line_by_address() routes to), which lives
 * until module exit; a provider's devices are made by ktapi_line_dev_add()
 * and removed by ktapi_line_dev_remove().  All of them are in one XArray by
 * id (ktapi_devices), looked up under RCU without a lock.  Ids are never
 * reused: ktapi_next_device_id only grows (under the XArray's lock), and is
 * num_devices.  A provider device is counted (line->ref, internal.h): the
 * registry, each file that LINE_OPENed it and each leg on it hold a
 * reference, so its memory outlives all of them; it is freed after an RCU
 * grace period once the last one goes.  Loopback devices are not counted:
 * ktapi_line_hold()/ktapi_line_put() test line->kind and do nothing else,
 * so a loopback call pays one predicted branch for them.
 *
 * Each device's list of open lines changes under its own line->lock and is
 * walked by MAKE_CALL under ktapi_srcu; a file is freed only after an SRCU
 * grace period once the last reference (release's, or CLOSE_LINE_DEVICE's
 * while it voids the file) is put.  A file's line state changes under its
 * device's line->lock and its queue lock together (internal.h); the fields
 * line, privileges and api_version are written before state becomes OPEN
 * with smp_store_release(), so lockless readers use smp_load_acquire().
 *
 * Removal (ktapi_line_dev_remove()): line->removed is set under line->lock,
 * so a LINE_OPEN either was listed before (and is force-closed by the
 * removal, as CLOSE_LINE_DEVICE closes lines: one function does both) or
 * sees removed and fails with ENODEV; then the id leaves the XArray
 * (ENODEV for everyone), then every open file is told with LINE_REMOVE.
 *
 * Every open file of /dev/ktapi is in ktapi_files (open() to release()),
 * an RCU list changed under ktapi_files_lock and walked under ktapi_srcu:
 * LINE_CREATE and LINE_REMOVE go to each file with its evq.lock only, one
 * file after the other with cond_resched() between, never a lock held
 * across the walk.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/memcontrol.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "trace.h"

static struct ktapi_line_dev *ktapi_lines;

/* Every device by id; lookups under RCU. */
static DEFINE_XARRAY_FLAGS(ktapi_devices, XA_FLAGS_ACCOUNT);
/* The next device id: only grows; ktapi_devices' xa_lock, READ_ONCE without. */
static u32 ktapi_next_device_id;

/* Every open file of /dev/ktapi (ktapi_file.all_node), walked under SRCU. */
static LIST_HEAD(ktapi_files);
static DEFINE_SPINLOCK(ktapi_files_lock);

/* Readers of line->files, and what keeps their files in memory. */
DEFINE_SRCU(ktapi_srcu);

/* open(): @f joins the list of every open file. */
void ktapi_files_add(struct ktapi_file *f)
{
	spin_lock(&ktapi_files_lock);
	list_add_tail_rcu(&f->all_node, &ktapi_files);
	spin_unlock(&ktapi_files_lock);
}

/* release(): @f leaves it; a walker may still be at it until SRCU's grace. */
void ktapi_files_del(struct ktapi_file *f)
{
	spin_lock(&ktapi_files_lock);
	list_del_rcu(&f->all_node);
	spin_unlock(&ktapi_files_lock);
}

/*
 * A LINE_CREATE or LINE_REMOVE record of @device_id to every open file
 * (each one's queue lock only; a file released or force-closed meanwhile
 * has its queue closed and gets nothing).  May sleep.
 */
static void ktapi_files_push_device(u32 type, u32 device_id)
{
	struct ktapi_file *f;
	int idx;

	idx = srcu_read_lock(&ktapi_srcu);
	list_for_each_entry_srcu(f, &ktapi_files, all_node,
				 srcu_read_lock_held(&ktapi_srcu)) {
		ktapi_evq_push_device(&f->evq, type, device_id);
		cond_resched();
	}
	srcu_read_unlock(&ktapi_srcu, idx);
}

static void ktapi_line_dev_init(struct ktapi_line_dev *line, u32 kind,
				const char *address)
{
	line->kind = kind;
	strscpy(line->address, address, sizeof(line->address));
	spin_lock_init(&line->lock);
	INIT_LIST_HEAD(&line->files);
	INIT_LIST_HEAD(&line->owners);
	INIT_LIST_HEAD(&line->monitors);
	refcount_set(&line->ref, 1);
	atomic_set(&line->voiding, 0);
	init_waitqueue_head(&line->close_wait);
}

/*
 * A file of @line starts voiding its handles (release or a forced close):
 * a provider device's removal waits for it to end.  Under line->lock, so
 * that a removal which does not find the file in line->files counts it.
 */
static void ktapi_line_voiding_begin(struct ktapi_line_dev *line)
{
	lockdep_assert_held(&line->lock);
	if (ktapi_line_is_provider(line))
		atomic_inc(&line->voiding);
}

static void ktapi_line_voiding_end(struct ktapi_line_dev *line)
{
	if (ktapi_line_is_provider(line) &&
	    atomic_dec_and_test(&line->voiding))
		wake_up_all(&line->close_wait);
}

/*
 * Give @line the next id and make it findable.  Ids are never reused:
 * ENOSPC once they are all given (num_devices, a u32, is one more than
 * the highest).  The XArray may drop its lock to allocate, so another
 * device may take the id meanwhile (EBUSY): then try the next one.
 */
static int ktapi_line_dev_insert(struct ktapi_line_dev *line)
{
	int ret;

	xa_lock(&ktapi_devices);
	do {
		if (ktapi_next_device_id == U32_MAX) {
			ret = -ENOSPC;
			break;
		}
		line->id = ktapi_next_device_id;
		ret = __xa_insert(&ktapi_devices, line->id, line,
				  GFP_KERNEL_ACCOUNT);
		if (!ret)
			WRITE_ONCE(ktapi_next_device_id, line->id + 1);
	} while (ret == -EBUSY);
	xa_unlock(&ktapi_devices);
	if (!ret)
		ktapi_stat_inc(KTAPI_STAT_DEVICES);
	return ret;
}

int ktapi_lines_init(void)
{
	char address[KTAPI_ADDRESS_MAX];
	struct ktapi_line_dev *line;
	unsigned int i;
	int ret;

	ktapi_lines = kcalloc(ktapi_nr_lines, sizeof(*ktapi_lines), GFP_KERNEL);
	if (!ktapi_lines)
		return -ENOMEM;
	for (i = 0; i < ktapi_nr_lines; i++) {
		line = &ktapi_lines[i];
		snprintf(address, sizeof(address), "%u", KTAPI_ADDRESS_BASE + i);
		ktapi_line_dev_init(line, KTAPI_DEVICE_LOOPBACK, address);
		snprintf(line->name, sizeof(line->name), "Loopback line %u",
			 KTAPI_ADDRESS_BASE + i);
		strscpy(line->provider_name, "loopback",
			sizeof(line->provider_name));
		/* Ids 0 .. lines - 1, in order. */
		ret = ktapi_line_dev_insert(line);
		if (ret) {
			ktapi_lines_exit();
			return ret;
		}
	}
	return 0;
}

void ktapi_lines_exit(void)
{
	/* Files freed with call_srcu(). */
	srcu_barrier(&ktapi_srcu);
	/* Every provider device was removed: only loopback ones are left. */
	xa_destroy(&ktapi_devices);
	kfree(ktapi_lines);
}

/**
 * ktapi_line_get - the device of an id, with a reference
 * @device_id: the id
 *
 * Return: the device, or NULL when there is none (never made, or being
 * removed).  A provider device is returned with a reference, to give back
 * with ktapi_line_put(); a loopback one needs none.
 */
struct ktapi_line_dev *ktapi_line_get(u32 device_id)
{
	struct ktapi_line_dev *line;

	if (likely(device_id < ktapi_nr_lines))
		return &ktapi_lines[device_id];
	rcu_read_lock();
	line = xa_load(&ktapi_devices, device_id);
	/* Freed after a grace period once its last reference is gone. */
	if (line && !refcount_inc_not_zero(&line->ref))
		line = NULL;
	rcu_read_unlock();
	if (line && READ_ONCE(line->removed)) {
		ktapi_line_put(line);
		line = NULL;
	}
	return line;
}

/* The last reference to a provider device: free it after readers. */
void __ktapi_line_put(struct ktapi_line_dev *line)
{
	if (refcount_dec_and_test(&line->ref))
		kfree_rcu(line, rcu);
}

/**
 * ktapi_line_dev_add - make a provider's line device
 * @prov: the provider that serves it
 * @provider_id: the provider's id, for GET_DEVCAPS
 * @provider_name: the provider's name, for GET_DEVCAPS
 * @address: its address, valid (ktapi_address_valid())
 * @name: its display name; empty means @address
 *
 * Allocated under the caller's active memory cgroup.  The device gets the
 * next id, can be found (GET_DEVCAPS, LINE_OPEN) from now on, and every
 * open file of /dev/ktapi is sent a LINE_CREATE.  May sleep.
 *
 * Return: the device, holding the reference ktapi_line_dev_remove() puts;
 * ERR_PTR(-ENOMEM), or ERR_PTR(-ENOSPC) when every id was given.
 */
struct ktapi_line_dev *ktapi_line_dev_add(struct ktapi_provider *prov,
					  u32 provider_id,
					  const char *provider_name,
					  const char *address,
					  const char *name)
{
	struct ktapi_line_dev *line;
	int ret;

	line = kzalloc(sizeof(*line), GFP_KERNEL_ACCOUNT);
	if (!line)
		return ERR_PTR(-ENOMEM);
	ktapi_line_dev_init(line, KTAPI_DEVICE_PROVIDER, address);
	line->prov = prov;
	line->provider_id = provider_id;
	strscpy(line->name, name[0] ? name : address, sizeof(line->name));
	strscpy(line->provider_name, provider_name,
		sizeof(line->provider_name));
	ret = ktapi_line_dev_insert(line);
	if (ret) {
		kfree(line);
		return ERR_PTR(ret);
	}
	ktapi_files_push_device(KTAPI_EV_LINE_CREATE, line->id);
	return line;
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
	struct ktapi_devcaps __user *udc = ucmd->ubuffer;
	struct ktapi_line_dev *line = ktapi_line_get(dc->device_id);

	if (!line) {
		/*
		 * ENODEV still gives the count (only that field; every size
		 * from VER0 on has it), so that a program finds the devices
		 * with lines=0 or device 0 removed without probing ids.
		 */
		if (put_user(READ_ONCE(ktapi_next_device_id),
			     &udc->num_devices))
			return -EFAULT;
		return -ENODEV;
	}
	dc->num_devices = READ_ONCE(ktapi_next_device_id);
	memcpy(dc->address, line->address, sizeof(dc->address));
	/*
	 * A VER0 caller's struct ends before these: they are not copied out.
	 * Every byte of the arrays is written (zero-padded in the device).
	 */
	dc->kind = line->kind;
	dc->provider_id = line->provider_id;
	memcpy(dc->name, line->name, sizeof(dc->name));
	memcpy(dc->provider_name, line->provider_name,
	       sizeof(dc->provider_name));
	ktapi_line_put(line);
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
	struct ktapi_app_name *name;
	struct ktapi_line_dev *line;
	int ret = 0, name_len;

	if (lo->reserved)
		return -EINVAL;
	if (READ_ONCE(f->state) != KTAPI_FILE_NEW)
		return -EBUSY;
	line = ktapi_line_get(lo->device_id);
	if (!line)
		return -ENODEV;
	if (!ktapi_privileges_valid(lo->privileges)) {
		ret = -EINVAL;
		goto out;
	}
	/* A VER0 caller's app_name is zero-extended: no name. */
	name_len = ktapi_app_name_check(lo->app_name);
	if (name_len < 0) {
		ret = name_len;
		goto out;
	}
	if (lo->api_version < KTAPI_API_VERSION_MIN ||
	    lo->api_version > KTAPI_API_VERSION_MAX) {
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	name = ktapi_app_name_new(f, lo->app_name, name_len);
	if (IS_ERR(name)) {
		ret = PTR_ERR(name);
		goto out;
	}

	spin_lock(&line->lock);
	spin_lock(&f->evq.lock);
	/* Two LINE_OPENs of one file at once: one wins. */
	if (f->state != KTAPI_FILE_NEW) {
		ret = -EBUSY;
	} else if (line->removed) {
		/* Not listed before the removal began: it will not close it. */
		ret = -ENODEV;
	} else {
		f->line = line;
		f->privileges = lo->privileges;
		f->api_version = lo->api_version;
		f->app_name = name;
		name = NULL;
		f->callinfo = lo->flags & KTAPI_LINE_OPEN_CALLINFO;
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
	/* Not taken: the LINE_OPEN failed. */
	ktapi_app_name_put(name);
	if (!ret) {
		ktapi_stat_inc(KTAPI_STAT_LINES_OPEN);
		trace_ktapi_line_open(line->id, lo->privileges,
				      lo->api_version);
		/* The file keeps the reference until it is freed. */
		return 0;
	}
out:
	ktapi_line_put(line);
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
 * Force-close the lines of @line: those opened before this began, or with
 * @remove every one, the device being removed (no LINE_OPEN can come any
 * more).  One line per hold of line->lock (the oldest, the head of
 * line->files, whose list is in LINE_OPEN order), and that line's handles
 * are voided before the next is taken, with no lock held: each hold is
 * O(1), whatever the number of files.  May sleep.
 */
static void ktapi_line_force_close(struct ktapi_line_dev *line, bool remove)
{
	struct ktapi_file *victim;
	u64 last;

	spin_lock(&line->lock);
	if (remove)
		WRITE_ONCE(line->removed, true);
	last = line->open_seq;
	spin_unlock(&line->lock);
	for (;;) {
		spin_lock(&line->lock);
		victim = list_first_entry_or_null(&line->files,
						  struct ktapi_file, line_node);
		if (!victim || victim->open_seq > last) {
			spin_unlock(&line->lock);
			return;
		}
		ktapi_line_detach(victim, true);
		ktapi_line_voiding_begin(line);
		refcount_inc(&victim->ref);
		spin_unlock(&line->lock);

		ktapi_file_void_handles(victim);
		ktapi_line_voiding_end(line);
		ktapi_file_put(victim);
		cond_resched();
	}
}

/* CLOSE_LINE_DEVICE closes the lines opened before it began. */
int ktapi_ioctl_close_line_device(struct ktapi_ucmd *ucmd)
{
	struct ktapi_close_line_device *cl = ucmd->arg;
	struct ktapi_line_dev *line;

	if (cl->reserved)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	line = ktapi_line_get(cl->device_id);
	if (!line)
		return -ENODEV;
	ktapi_line_force_close(line, false);
	ktapi_line_put(line);
	return 0;
}

/**
 * ktapi_line_dev_remove - remove a provider's line device for good
 * @line: a device of ktapi_line_dev_add(), removed once
 *
 * Every line open on it is force-closed as by CLOSE_LINE_DEVICE (LINE_CLOSE,
 * handles void); a LINE_OPEN that comes meanwhile fails with ENODEV; a
 * file being released or force-closed meanwhile is waited for until its
 * handles are void.  Then its id is ENODEV for every command, for good,
 * and every open file is sent a LINE_REMOVE.  The reference of
 * ktapi_line_dev_add() is put: the caller must not touch @line after this.
 * May sleep.
 */
void ktapi_line_dev_remove(struct ktapi_line_dev *line)
{
	u32 id = line->id;

	if (WARN_ON_ONCE(!ktapi_line_is_provider(line)))
		return;
	ktapi_line_force_close(line, true);
	/*
	 * A file released (or force-closed) meanwhile left line->files
	 * before the walk above but may still be voiding its handles: wait
	 * for it, so that every CLOSECALL of the device's legs is queued when
	 * this returns.  Bounded: voiding is the kernel's own work, with no
	 * lock of the caller's and nothing from userspace to wait for.  A
	 * fatal signal ends the wait (a killed provider reads nothing more).
	 */
	wait_event_killable(line->close_wait, !atomic_read(&line->voiding));
	xa_erase(&ktapi_devices, id);
	ktapi_stat_dec(KTAPI_STAT_DEVICES);
	ktapi_files_push_device(KTAPI_EV_LINE_REMOVE, id);
	ktapi_line_put(line);
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
	/* Counted even then: it may void a handle the forced close missed. */
	ktapi_line_voiding_begin(line);
	spin_unlock(&line->lock);
	ktapi_file_void_handles(f);
	ktapi_line_voiding_end(line);
}

static void ktapi_file_free_srcu(struct rcu_head *rcu)
{
	struct ktapi_file *f = container_of(rcu, struct ktapi_file, rcu);

	/* Reservations made by MAKE_CALLs that found it went before this. */
	WARN_ON(!xa_empty(&f->handles));
	xa_destroy(&f->handles);
	/* The device of its LINE_OPEN outlives it. */
	if (f->state != KTAPI_FILE_NEW)
		ktapi_line_put(f->line);
	/* Legs that took the name hold their own reference. */
	ktapi_app_name_put(f->app_name);
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
