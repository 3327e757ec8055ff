// SPDX-License-Identifier: GPL-2.0
/*
 * xa_cost: what one operation of an allocating XArray costs, as ktapi's
 * handle map uses it (XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT, cyclic ids).
 *
 * Not part of ktapi.  "make bench-xarray" loads it in the stock VM under
 * -icount shift=0,sleep=off -cpu qemu64, where ktime counts guest
 * instructions, and it prints one line per starting handle value:
 *
 *   XA-COST: first <id> alloc <n> store <n> load <n> reserve <n> erase <n>
 *            churn <n>
 *
 * alloc is xa_alloc_cyclic() of a NULL entry (a reservation), store an
 * xa_store() publishing it, load an xa_load() under rcu_read_lock(),
 * reserve an xa_store() of NULL over it, erase an xa_erase(); each averaged
 * over XA_COST_N ids in a row, with one other entry at index 1.  churn is
 * alloc + store + erase of one id at a time, where every erase frees the
 * XArray node the next alloc makes again.  The module loads, prints and
 * stays loaded doing nothing; rmmod it afterwards.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#define XA_COST_N	2000
#define XA_COST_MAX	2000000

static u32 xa_cost_ids[XA_COST_N];

static u64 xa_cost_per_op(u64 t0)
{
	return (ktime_get_ns() - t0) / XA_COST_N;
}

static int xa_cost_run(u32 first)
{
	u64 t0, alloc, store, load, reserve, erase, churn;
	void *entry = xa_cost_ids;	/* any non-NULL kernel pointer */
	u32 next = first, id;
	struct xarray xa;
	unsigned int i;
	int ret;

	xa_init_flags(&xa, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	ret = xa_alloc(&xa, &id, entry, XA_LIMIT(1, 1), GFP_KERNEL);
	if (ret)
		goto out;

	t0 = ktime_get_ns();
	for (i = 0; i < XA_COST_N; i++) {
		ret = xa_alloc_cyclic(&xa, &xa_cost_ids[i], NULL,
				      XA_LIMIT(1, XA_COST_MAX), &next,
				      GFP_KERNEL_ACCOUNT);
		if (ret < 0)
			goto out;
	}
	alloc = xa_cost_per_op(t0);

	t0 = ktime_get_ns();
	for (i = 0; i < XA_COST_N; i++)
		xa_store(&xa, xa_cost_ids[i], entry, GFP_NOWAIT);
	store = xa_cost_per_op(t0);

	t0 = ktime_get_ns();
	rcu_read_lock();
	for (i = 0; i < XA_COST_N; i++)
		if (xa_load(&xa, xa_cost_ids[i]) != entry)
			ret = -EINVAL;
	rcu_read_unlock();
	load = xa_cost_per_op(t0);
	if (ret < 0)
		goto out;

	t0 = ktime_get_ns();
	for (i = 0; i < XA_COST_N; i++)
		xa_store(&xa, xa_cost_ids[i], NULL, GFP_NOWAIT);
	reserve = xa_cost_per_op(t0);

	t0 = ktime_get_ns();
	for (i = 0; i < XA_COST_N; i++)
		xa_erase(&xa, xa_cost_ids[i]);
	erase = xa_cost_per_op(t0);

	t0 = ktime_get_ns();
	for (i = 0; i < XA_COST_N; i++) {
		ret = xa_alloc_cyclic(&xa, &id, NULL, XA_LIMIT(1, XA_COST_MAX),
				      &next, GFP_KERNEL_ACCOUNT);
		if (ret < 0)
			goto out;
		xa_store(&xa, id, entry, GFP_NOWAIT);
		xa_erase(&xa, id);
	}
	churn = xa_cost_per_op(t0);

	pr_info("XA-COST: first %7u alloc %4llu store %4llu load %4llu reserve %4llu erase %4llu churn %5llu\n",
		first, alloc, store, load, reserve, erase, churn);
	ret = 0;
out:
	xa_destroy(&xa);
	return ret < 0 ? ret : 0;
}

static int __init xa_cost_init(void)
{
	static const u32 firsts[] = { 2, 100, 5000, 300000, 1900000 };
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(firsts); i++) {
		ret = xa_cost_run(firsts[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static void __exit xa_cost_exit(void)
{
}

module_init(xa_cost_init);
module_exit(xa_cost_exit);

MODULE_DESCRIPTION("Cost of allocating XArray operations (ktapi benchmark aid)");
MODULE_LICENSE("GPL");
