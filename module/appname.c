// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi: the application's name (LINE_OPEN's app_name, GET_CALL_INFO's
 * app_name; uapi/linux/ktapi.h, DOC: Call privilege and new calls).
 *
 * Memory: a name is one struct ktapi_app_name per LINE_OPEN that gave one
 * (none for an empty name), allocated once, charged to the file's memory
 * cgroup and shared by reference: the file holds one until it is freed,
 * every leg that took the name one until the leg is freed.  A leg only
 * keeps a pointer (ktapi_leg.app_name, 8 bytes in what was padding:
 * struct ktapi_leg stays 224 bytes, pahole), not 64 bytes of its own, so
 * an idle call keeps issue 14's 256 bytes with its handle however many
 * calls a named line makes.
 *
 * Lifetime: the name is constant once made.  A leg's pointer is set once
 * (rcu_assign_pointer(), under the pair lock: at the leg's creation, or by
 * the first ANSWER) and read by GET_CALL_INFO under RCU.  A leg is freed
 * at once (SLAB_TYPESAFE_BY_RCU, call.c) and puts its reference then,
 * while a reader may still look at the leg: so the last put frees the
 * name after an RCU grace period (kfree_rcu()).  The file's reference is
 * put after ktapi_srcu's grace period.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/*
 * "No name", for good: the name of a leg answered by a line that gave
 * none.  Never counted, never freed.
 */
struct ktapi_app_name ktapi_app_name_none;

/*
 * LINE_OPEN's rule: NUL within the array; no byte of the name below 0x20
 * nor 0x7f (bytes from 0x80 on pass: UTF-8 is not checked).  What follows
 * the NUL is ignored.  Return: the name's length, or -EINVAL.
 */
int ktapi_app_name_check(const char *name)
{
	unsigned int i;

	for (i = 0; i < KTAPI_APP_NAME_MAX; i++) {
		unsigned char ch = name[i];

		if (!ch)
			return i;
		if (ch < 0x20 || ch == 0x7f)
			return -EINVAL;
	}
	return -EINVAL;
}

/**
 * ktapi_app_name_new - the shared name of a LINE_OPEN
 * @f: the file, which pays for it
 * @name: the checked name (ktapi_app_name_check()), @len bytes long
 * @len: its length; 0 gives no name
 *
 * Return: the name with one reference, NULL for an empty name, or
 * ERR_PTR(-ENOMEM).
 */
struct ktapi_app_name *ktapi_app_name_new(struct ktapi_file *f,
					  const char *name, unsigned int len)
{
	struct ktapi_app_name *n;
	struct mem_cgroup *old;

	if (!len)
		return NULL;
	old = ktapi_charge_begin(f);
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	ktapi_charge_end(old);
	if (!n)
		return ERR_PTR(-ENOMEM);
	refcount_set(&n->ref, 1);
	/* kzalloc(): the bytes after the name are 0, not the user's. */
	memcpy(n->name, name, len);
	return n;
}

/* Another reference to @n, which may be NULL. */
struct ktapi_app_name *ktapi_app_name_get(struct ktapi_app_name *n)
{
	if (n)
		refcount_inc(&n->ref);
	return n;
}

/* A name as a leg holds it: ktapi_app_name_none is not counted. */
static bool ktapi_app_name_counted(const struct ktapi_app_name *n)
{
	return n && n != &ktapi_app_name_none;
}

/*
 * Put a reference to @n (NULL: nothing).  Every holder's readers are gone
 * when it puts its reference (see the top of this file): no grace period.
 */
void ktapi_app_name_put(struct ktapi_app_name *n)
{
	if (ktapi_app_name_counted(n) && refcount_dec_and_test(&n->ref))
		kfree_rcu(n, rcu);
}

/*
 * An OUTBOUND leg takes its maker's name (none: ktapi_app_name_none) when
 * it is made, before it is published.
 */
void ktapi_leg_init_app_name(struct ktapi_leg *c, struct ktapi_file *f)
{
	RCU_INIT_POINTER(c->app_name, f->app_name ?
			 ktapi_app_name_get(f->app_name) :
			 &ktapi_app_name_none);
}

/**
 * ktapi_leg_take_app_name - the first ANSWER names an incoming leg
 * @c: the leg, under its pair lock
 * @f: the file whose ANSWER it is
 *
 * An INTERNAL or INBOUND leg takes the name of the first line that
 * answers it (an OUTBOUND leg has its maker's from its creation); later
 * ANSWERs change nothing.  A line that gave no name leaves the leg
 * unnamed for good (ktapi_app_name_none: "answered, no name"), so a later
 * ANSWER by a named line does not name it: the name is the first
 * answerer's.
 */
void ktapi_leg_take_app_name(struct ktapi_leg *c, struct ktapi_file *f)
{
	lockdep_assert_held(c->lock);
	if (rcu_access_pointer(c->app_name))
		return;
	rcu_assign_pointer(c->app_name, f->app_name ?
			   ktapi_app_name_get(f->app_name) :
			   &ktapi_app_name_none);
}
