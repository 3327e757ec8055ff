// SPDX-License-Identifier: GPL-2.0
/*
 * tbprof: a QEMU TCG plugin counting the guest instructions executed in
 * every translation block of kernel text (addresses from
 * 0xffff800000000000), written at QEMU's exit to out=FILE (default
 * /tmp/tbprof.txt) as lines "VADDR INSNS COUNT" (hex, decimal, decimal).
 *
 * Not part of ktapi: "make bench-profile" (tools/tbprof/profile.sh) loads
 * it into the icount VM of make bench.  It declares the few functions of
 * QEMU's plugin API (version 1, QEMU 7.2's) it uses itself: Debian ships
 * QEMU with plugin support but not <qemu-plugin.h>.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

typedef uint64_t qemu_plugin_id_t;
/* The layout of QEMU's qemu_info_t; only what install() checks is named. */
typedef struct qemu_info_t {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	int smp_vcpus;		/* in a union with max_vcpus */
} qemu_info_t;
struct qemu_plugin_tb;
typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*udata_cb)(qemu_plugin_id_t, void *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, int op,
					      void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, udata_cb, void *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct ent { uint64_t vaddr, n, count; };
static struct ent **ents;
static size_t nents, cap;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *out = "/tmp/tbprof.txt";

static void trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	struct ent *e;

	if (va < 0xffff800000000000ULL)
		return;
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->vaddr = va;
	e->n = qemu_plugin_tb_n_insns(tb);
	pthread_mutex_lock(&lock);
	if (nents == cap) {
		size_t ncap = cap ? cap * 2 : 65536;
		struct ent **n = realloc(ents, ncap * sizeof(*ents));

		if (!n) {
			pthread_mutex_unlock(&lock);
			free(e);
			return;
		}
		ents = n;
		cap = ncap;
	}
	ents[nents++] = e;
	pthread_mutex_unlock(&lock);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, 0, &e->count, 1);
}

static void done(qemu_plugin_id_t id, void *p)
{
	FILE *f = fopen(out, "w");
	size_t i;

	if (!f) {
		perror(out);
		return;
	}
	for (i = 0; i < nents; i++)
		if (ents[i]->count)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				ents[i]->vaddr, ents[i]->n, ents[i]->count);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	/* This API: version 1; full-system emulation of x86_64 only. */
	if (info->version.min > 1 || info->version.cur < 1 ||
	    !info->system_emulation || strcmp(info->target_name, "x86_64") ||
	    info->smp_vcpus != 1) {
		fprintf(stderr, "tbprof: needs qemu-system-x86_64 -smp 1, plugin API 1\n");
		return -1;
	}
	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out = argv[i] + 4;
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans);
	qemu_plugin_register_atexit_cb(id, done, NULL);
	return 0;
}
