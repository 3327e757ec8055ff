// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libktapi: loading and unloading kernel modules through libkmod.
 *
 * Each call creates its own kmod context and releases everything it took
 * before returning, so there is no shared state between calls or threads.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <libkmod.h>

#include "libktapi.h"
#include "internal.h"

static bool has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The rule of ktapi_module_load(): a path, or a module name / alias? */
static bool is_module_path(const char *s)
{
	static const char *const suffixes[] = {
		".ko", ".ko.gz", ".ko.xz", ".ko.zst",
	};
	size_t i;

	if (strchr(s, '/'))
		return true;
	for (i = 0; i < KTAPI_ARRAY_SIZE(suffixes); i++)
		if (has_suffix(s, suffixes[i]))
			return true;
	return false;
}

/* A library reports through return values; keep libkmod quiet. */
static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

static struct kmod_ctx *new_ctx(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (ctx)
		kmod_set_log_fn(ctx, quiet_log, NULL);
	return ctx;
}

/* Is a module of this name in the kernel (live, loading or built in)? */
static bool module_in_kernel(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod = NULL;
	int state;

	if (kmod_module_new_from_name(ctx, name, &mod) < 0)
		return false;
	state = kmod_module_get_initstate(mod);
	kmod_module_unref(mod);
	return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_COMING ||
	       state == KMOD_MODULE_BUILTIN;
}

static int load_path(struct kmod_ctx *ctx, const char *path,
		     const char *params)
{
	struct kmod_module *mod = NULL;
	int err;

	err = kmod_module_new_from_path(ctx, path, &mod);
	if (err < 0)
		return err;
	err = kmod_module_insert_module(mod, 0, params);
	kmod_module_unref(mod);
	if (err == -EEXIST)
		return 0;
	return err < 0 ? err : 0;
}

static int load_name(struct kmod_ctx *ctx, const char *name,
		     const char *params)
{
	struct kmod_list *list = NULL, *l;
	int err;

	err = kmod_module_new_from_lookup(ctx, name, &list);
	if (err < 0 || !list) {
		/*
		 * Not in the module indexes (no modules.dep in a minimal
		 * root, or a module loaded from a path): a module of that
		 * name that is already in the kernel still counts.
		 * -ENOSYS only says an index file is missing.
		 */
		kmod_module_unref_list(list);
		if (module_in_kernel(ctx, name))
			return 0;
		return err < 0 && err != -ENOSYS ? err : -ENOENT;
	}

	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		/* flags 0: an already loaded module is success (0). */
		err = kmod_module_probe_insert_module(mod, 0, params, NULL,
						      NULL, NULL);
		kmod_module_unref(mod);
		if (err == -EEXIST || err > 0)
			err = 0;
		if (err < 0)
			break;
	}
	kmod_module_unref_list(list);
	return err;
}

KTAPI_EXPORT int ktapi_module_load(const char *name_or_path,
				   const char *params)
{
	struct kmod_ctx *ctx;
	int err;

	if (!name_or_path || !*name_or_path)
		return -EINVAL;
	if (params && !*params)
		params = NULL;
	ctx = new_ctx();
	if (!ctx)
		return -ENOMEM;
	if (is_module_path(name_or_path))
		err = load_path(ctx, name_or_path, params);
	else
		err = load_name(ctx, name_or_path, params);
	kmod_unref(ctx);
	return err;
}

KTAPI_EXPORT int ktapi_module_unload(const char *name)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int err;

	if (!name || !*name)
		return -EINVAL;
	ctx = new_ctx();
	if (!ctx)
		return -ENOMEM;
	if (is_module_path(name))
		err = kmod_module_new_from_path(ctx, name, &mod);
	else
		err = kmod_module_new_from_name(ctx, name, &mod);
	if (err >= 0) {
		err = kmod_module_remove_module(mod, 0);
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return err < 0 ? err : 0;
}
