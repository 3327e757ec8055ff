/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapi_leak: a TAPI program that never deallocates its calls (TAPI
 * programs often do not) must get all of its memory back at lineClose
 * and at lineShutdown; and one that never closes its lines, at
 * lineShutdown.
 *
 * Each cycle: lineInitializeEx (or lineInitialize), lineOpen of device 0
 * (NONE) and device 1 (OWNER), three calls from 0 to 1 (twolines.h), none
 * deallocated, the last left CONNECTED; then (close) lineClose of both
 * lines and lineShutdown, or (noclose) lineShutdown alone.  The bytes
 * held by malloc are counted by this program's own malloc, free, calloc,
 * realloc, memalign, posix_memalign and aligned_alloc (they replace the C
 * library's for the whole process, libtapi and libktapi included, and
 * call it): the live bytes after lineClose must be those before lineOpen
 * (the messages queued meanwhile read first), and after lineShutdown
 * those before lineInitializeEx.  The first cycle only warms up (the C
 * library keeps what a first thread or a first stdio buffer takes); the
 * others must keep 0 bytes in 0 blocks.
 *
 * Usage: tapi_leak MODE close|noclose [CYCLES]
 *   MODE: getmessage, event (USEEVENT), hidden (USEHIDDENWINDOW: the
 *   callback thread) or init (lineInitialize); CYCLES default 3.
 * Prints "leak: MODE close|noclose: ok" when nothing was kept.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dlfcn.h>
#include <malloc.h>
#include <windows.h>
#include <tapi.h>
#include "twolines.h"

/* --- counting allocator ---------------------------------------------------- */

/* The C library declares them noexcept for C++ (__THROW). */
#ifdef __cplusplus
#define TT_NOTHROW noexcept
#else
#define TT_NOTHROW
#endif

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_memalign)(size_t, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

static long live_bytes, live_blocks;

/* What dlsym() allocates while the real functions are looked up. */
static char boot[8192] __attribute__((aligned(16)));
static size_t boot_used;
static int booting;

static void count(void *p, long sign)
{
	if (!p)
		return;
	__atomic_add_fetch(&live_bytes, sign * (long)malloc_usable_size(p),
			   __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&live_blocks, sign, __ATOMIC_SEQ_CST);
}

static BOOL in_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

static void *boot_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (boot_used + n > sizeof(boot))
		return NULL;
	p = boot + boot_used;
	boot_used += n;
	return p;
}

static void find_real(void)
{
	booting = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
	real_posix_memalign = (int (*)(void **, size_t, size_t))
		dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = (void *(*)(size_t, size_t))
		dlsym(RTLD_NEXT, "aligned_alloc");
	booting = 0;
	if (!real_malloc || !real_free || !real_calloc || !real_realloc ||
	    !real_memalign || !real_posix_memalign || !real_aligned_alloc)
		abort();
}

void *malloc(size_t n) TT_NOTHROW
{
	void *p;

	if (booting)
		return boot_alloc(n);
	if (!real_malloc)
		find_real();
	p = real_malloc(n);
	count(p, 1);
	return p;
}

void free(void *p) TT_NOTHROW
{
	if (!p || in_boot(p))
		return;
	if (!real_free)
		find_real();
	count(p, -1);
	real_free(p);
}

void *calloc(size_t n, size_t size) TT_NOTHROW
{
	void *p;

	if (booting)
		return boot_alloc(n * size);	/* boot[] is zero */
	if (!real_calloc)
		find_real();
	p = real_calloc(n, size);
	count(p, 1);
	return p;
}

void *realloc(void *p, size_t n) TT_NOTHROW
{
	void *q;
	long old;

	if (booting || in_boot(p)) {
		q = booting ? boot_alloc(n) : malloc(n);
		if (q && p)
			memcpy(q, p, n);	/* boot[] holds at least n */
		return q;
	}
	if (!real_realloc)
		find_real();
	old = p ? (long)malloc_usable_size(p) : 0;
	q = real_realloc(p, n);
	if (q || !n) {
		if (p) {
			__atomic_sub_fetch(&live_bytes, old, __ATOMIC_SEQ_CST);
			__atomic_sub_fetch(&live_blocks, 1, __ATOMIC_SEQ_CST);
		}
		count(q, 1);
	}
	return q;
}

void *memalign(size_t align, size_t n) TT_NOTHROW
{
	void *p;

	if (!real_memalign)
		find_real();
	p = real_memalign(align, n);
	count(p, 1);
	return p;
}

int posix_memalign(void **pp, size_t align, size_t n) TT_NOTHROW
{
	int rc;

	if (!real_posix_memalign)
		find_real();
	rc = real_posix_memalign(pp, align, n);
	if (!rc)
		count(*pp, 1);
	return rc;
}

void *aligned_alloc(size_t align, size_t n) TT_NOTHROW
{
	void *p;

	if (!real_aligned_alloc)
		find_real();
	p = real_aligned_alloc(align, n);
	count(p, 1);
	return p;
}

/* --- the TAPI program ------------------------------------------------------ */

struct snap {
	long bytes, blocks;
};

static struct snap snap(void)
{
	struct snap s;

	s.bytes = __atomic_load_n(&live_bytes, __ATOMIC_SEQ_CST);
	s.blocks = __atomic_load_n(&live_blocks, __ATOMIC_SEQ_CST);
	return s;
}

/* One cycle; *kept_close and *kept_shutdown get what was kept. */
static BOOL cycle(enum tl_mode mode, BOOL close, struct snap *kept_close,
		  struct snap *kept_shutdown)
{
	struct snap before_init, before_open, now;
	LONG rc;
	int i;
	BOOL ok;

	before_init = snap();
	if (!tl_init(mode, "tapi-leak"))
		return FALSE;
	before_open = snap();
	ok = tl_open(0, 1);
	/* Three calls never deallocated; the last one stays CONNECTED. */
	for (i = 0; ok && i < 3; i++)
		ok = tl_call("1001", i == 2, FALSE, 20);
	tl_drain(300);
	if (close) {
		rc = lineClose(tl.hOut);
		ok &= TT_EXPECT(!rc, "lineClose(out): %s", tt_err_name(rc));
		rc = lineClose(tl.hIn);
		ok &= TT_EXPECT(!rc, "lineClose(in): %s", tt_err_name(rc));
		/* What the closing queued (the far leg's DISCONNECTED, ...) is
		 * read; the calls' handles are void now. */
		tl.closed = TRUE;
		tl_drain(300);
		now = snap();
		kept_close->bytes = now.bytes - before_open.bytes;
		kept_close->blocks = now.blocks - before_open.blocks;
	}
	rc = lineShutdown(tl.hLineApp);
	ok &= TT_EXPECT(!rc, "lineShutdown: %s", tt_err_name(rc));
	now = snap();
	kept_shutdown->bytes = now.bytes - before_init.bytes;
	kept_shutdown->blocks = now.blocks - before_init.blocks;
	return ok;
}

int main(int argc, char **argv)
{
	struct snap kc, ks;
	enum tl_mode mode = TL_EVENT;
	DWORD cycles, n;
	BOOL close, ok = TRUE;
	int j;

	tt_setup("leak");
	if (argc < 3) {
		TT_FAIL("usage: tapi_leak getmessage|event|hidden|init close|noclose [CYCLES]");
		return 2;
	}
	for (j = 0; j < 4; j++) {
		if (!strcmp(argv[1], tl_mode_names[j]))
			mode = (enum tl_mode)j;
	}
	close = !strcmp(argv[2], "close");
	cycles = tt_arg(argc, argv, 3, 3);
	tl.quiet = TRUE;
	TT_PRINTF("%s %s: %lu cycles of 3 calls never deallocated", argv[1],
		  argv[2], (unsigned long)cycles);
	for (n = 1; n <= cycles; n++) {
		kc.bytes = kc.blocks = ks.bytes = ks.blocks = 0;
		tl.quiet = TRUE;
		if (!cycle(mode, close, &kc, &ks)) {
			ok = FALSE;
			break;
		}
		if (close)
			TT_PRINTF("%s %s: cycle %lu: kept %ld bytes in %ld blocks at lineClose, %ld bytes in %ld blocks at lineShutdown%s",
				  argv[1], argv[2], (unsigned long)n, kc.bytes,
				  kc.blocks, ks.bytes, ks.blocks,
				  n == 1 ? " (warm-up)" : "");
		else
			TT_PRINTF("%s %s: cycle %lu: kept %ld bytes in %ld blocks at lineShutdown%s",
				  argv[1], argv[2], (unsigned long)n, ks.bytes,
				  ks.blocks, n == 1 ? " (warm-up)" : "");
		if (n == 1)
			continue;
		ok &= TT_EXPECT(!kc.bytes && !kc.blocks && !ks.bytes && !ks.blocks,
				"cycle %lu kept memory", (unsigned long)n);
	}
	ok &= TT_EXPECT(cycles >= 2, "at least 2 cycles");
	TT_PRINTF("%s %s: %s", argv[1], argv[2], ok && !tt_failed ? "ok" : "FAILED");
	return ok && !tt_failed ? 0 : 1;
}
