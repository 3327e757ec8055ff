// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktapi-modload - load or unload a kernel module through libktapi/libkmod.
 *
 *   ktapi-modload NAME_OR_PATH [PARAM...]   load (PARAMs joined by spaces)
 *   ktapi-modload -r NAME_OR_PATH           unload
 *
 * Exit status: 0 on success, 1 when the operation failed, 2 on usage errors.
 */
#define _GNU_SOURCE	/* strerrorname_np */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libktapi.h"

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s NAME_OR_PATH [PARAM...]   load a module (e.g. ktapi lines=4)\n"
		"       %s -r NAME_OR_PATH           unload a module\n"
		"A path contains '/' or ends in .ko; anything else is a module name.\n",
		prog, prog);
}

static void report(const char *prog, const char *what, const char *name,
		   int err)
{
	/*
	 * Module errors come from libkmod and init_module(2), not from the
	 * TAPI device, so the errno name is the right one to show here:
	 * ktapi_error_name() would call a missing file (ENOENT)
	 * LINEERR_INVALCALLHANDLE.
	 */
	const char *ename = strerrorname_np(-err);

	fprintf(stderr, "%s: cannot %s '%s': -%s (%s)\n", prog, what, name,
		ename ? ename : "E?", strerror(-err));
}

/* Join argv[first..argc-1] with spaces; NULL when there is nothing. */
static char *join_params(int argc, char **argv, int first)
{
	size_t len = 0;
	char *s, *p;
	int i;

	if (first >= argc)
		return NULL;
	for (i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (i = first; i < argc; i++) {
		size_t l = strlen(argv[i]);

		memcpy(p, argv[i], l);
		p += l;
		*p++ = i + 1 < argc ? ' ' : '\0';
	}
	return s;
}

int main(int argc, char **argv)
{
	const char *prog = argc > 0 ? argv[0] : "ktapi-modload";
	char *params;
	int err;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout, prog);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "-r")) {
		if (argc != 3) {
			usage(stderr, prog);
			return 2;
		}
		err = ktapi_module_unload(argv[2]);
		if (err < 0) {
			report(prog, "unload", argv[2], err);
			return 1;
		}
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		usage(stderr, prog);
		return 2;
	}

	params = join_params(argc, argv, 2);
	if (argc > 2 && !params) {
		report(prog, "load", argv[1], -ENOMEM);
		return 1;
	}
	err = ktapi_module_load(argv[1], params);
	free(params);
	if (err < 0) {
		report(prog, "load", argv[1], err);
		return 1;
	}
	return 0;
}
