/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Memory and threads (VM, loopback lines 0 and 1): a program that never
 * deallocates its calls gets all of its heap back at lineClose and at
 * lineShutdown, with USEEVENT and with the callback thread; TAPI
 * functions called from inside the callback (lineShutdown too) do not
 * deadlock.
 *
 * What is counted is exact: this program defines malloc, calloc,
 * realloc, free and the aligned allocators (the ELF interposition glibc
 * supports for replacing its allocator), so libtapi's and libc's own
 * allocations come here; each live block and the bytes asked for it are
 * kept in a fixed table.  glibc's heap statistics (mallinfo2) are not
 * used: a block can take a few bytes more than asked when the free chunk
 * it is cut from is too small to split, and the thread caches count as
 * in use, so the same program can show 16 bytes more or less from run
 * to run without a leak.  A first round lets glibc make what it keeps
 * for good (the cached thread stack's TLS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <tapi.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

/* Open addressing, linear probing, deletion by backward shift. */
#define LIVE_SLOTS (1u << 16)
static struct { void *p; size_t n; } live[LIVE_SLOTS];
static size_t live_blocks, live_bytes;
static int live_overflow;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t slot_of(const void *p)
{
	return (uint32_t)(((uintptr_t)p >> 4) * 2654435761u) & (LIVE_SLOTS - 1);
}

static void live_add(void *p, size_t n)
{
	uint32_t i, k;

	if (!p)
		return;
	pthread_mutex_lock(&live_lock);
	for (i = slot_of(p), k = 0; live[i].p && k < LIVE_SLOTS;
	     i = (i + 1) & (LIVE_SLOTS - 1), k++)
		;
	if (k == LIVE_SLOTS) {
		live_overflow = 1;
	} else {
		live[i].p = p;
		live[i].n = n;
		live_blocks++;
		live_bytes += n;
	}
	pthread_mutex_unlock(&live_lock);
}

/* Blocks made before this table saw them (none expected) are ignored. */
static void live_del(void *p)
{
	uint32_t i, j, home;

	if (!p)
		return;
	pthread_mutex_lock(&live_lock);
	for (i = slot_of(p); live[i].p && live[i].p != p;
	     i = (i + 1) & (LIVE_SLOTS - 1))
		;
	if (live[i].p) {
		live_blocks--;
		live_bytes -= live[i].n;
		live[i].p = NULL;
		/* Move back each later entry that may no longer be found. */
		for (j = (i + 1) & (LIVE_SLOTS - 1); live[j].p;
		     j = (j + 1) & (LIVE_SLOTS - 1)) {
			home = slot_of(live[j].p);
			if (((j - home) & (LIVE_SLOTS - 1)) >=
			    ((j - i) & (LIVE_SLOTS - 1))) {
				live[i] = live[j];
				live[j].p = NULL;
				i = j;
			}
		}
	}
	pthread_mutex_unlock(&live_lock);
}

void *malloc(size_t n)
{
	void *p = __libc_malloc(n);

	live_add(p, n);
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);

	live_add(p, n * size);	/* calloc checked the product */
	return p;
}

void *realloc(void *p, size_t n)
{
	void *q;

	if (!p)
		return malloc(n);
	q = __libc_realloc(p, n);
	if (q || !n)		/* moved, resized or (n 0) freed */
		live_del(p);
	live_add(q, n);
	return q;
}

void free(void *p)
{
	live_del(p);
	__libc_free(p);
}

void *memalign(size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);

	live_add(p, n);
	return p;
}

void *aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t n)
{
	return memalign(4096, n);
}

struct heap { size_t blocks, bytes; };

static struct heap heap(void)
{
	struct heap h;

	pthread_mutex_lock(&live_lock);
	h.blocks = live_blocks;
	h.bytes = live_bytes;
	pthread_mutex_unlock(&live_lock);
	return h;
}

/* Not one block and not one byte more than at @then. */
static int same(struct heap then)
{
	struct heap now = heap();

	return now.blocks <= then.blocks && now.bytes <= then.bytes;
}

/* What is left over @then: "blocks/bytes", signed. */
static const char *left(struct heap then)
{
	static char buf[64];
	struct heap now = heap();

	snprintf(buf, sizeof(buf), "%+zd blocks, %+zd bytes",
		 (ssize_t)(now.blocks - then.blocks),
		 (ssize_t)(now.bytes - then.bytes));
	return buf;
}

static int failed, warming;

/* In the warm-up rounds a result is only shown. */
#define CHECK(cond, ...) do { \
	if (!(cond)) { failed |= !warming; printf("%s", warming ? "warm-up: " : "FAIL: "); } \
	else printf("ok: "); \
	printf(__VA_ARGS__); \
	printf("\n"); } while (0)

/* USEEVENT: N calls 0 -> 1 answered, never deallocated. */
static void calls(HLINEAPP app, HANDLE ev, HLINE l0, int n)
{
	LINEMESSAGE m;
	HCALL out[64];
	int i, got = 0;

	for (i = 0; i < n; i++)
		lineMakeCall(l0, &out[i], "1001", 0, NULL);
	/* Read until quiet: replies, offers; answer every offer. */
	while (WaitForSingleObject(ev, 500) == WAIT_OBJECT_0 &&
	       lineGetMessage(app, &m, 0) == 0) {
		got++;
		if (m.dwMessageID == LINE_CALLSTATE &&
		    m.dwParam1 == LINECALLSTATE_OFFERING)
			lineAnswer((HCALL)m.hDevice, NULL, 0);
	}
	printf("  %d messages\n", got);
}

/* Opens lines 1 (OWNER) and 0, makes 20 calls, never deallocates. */
static void open_and_call(HLINEAPP app, HANDLE ev, DWORD ver, HLINE *l0,
			  HLINE *l1)
{
	lineOpen(app, 1, l1, ver, 0, 0, LINECALLPRIVILEGE_OWNER,
		 LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	lineOpen(app, 0, l0, ver, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL);
	calls(app, ev, *l0, 20);
}

static void event_round(int close_first)
{
	LINEINITIALIZEEXPARAMS p;
	DWORD ndev, ver = TAPI_CURRENT_VERSION;
	HLINEAPP app;
	HLINE l0, l1;
	struct heap before, mid;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	before = heap();
	lineInitializeEx(&app, NULL, NULL, "leak", &ndev, &ver, &p);
	if (close_first) {
		/*
		 * The pump thread's first malloc makes glibc's per-thread
		 * cache (freed when the thread ends, at lineShutdown): one
		 * open/close cycle first, then lineClose must give back
		 * everything the lines took.
		 */
		open_and_call(app, p.Handles.hEvent, ver, &l0, &l1);
		lineClose(l0);
		lineClose(l1);
		mid = heap();
		open_and_call(app, p.Handles.hEvent, ver, &l0, &l1);
		lineClose(l0);
		lineClose(l1);
		CHECK(same(mid), "USEEVENT: lineClose gives back every byte (%s)",
		      left(mid));
	} else {
		open_and_call(app, p.Handles.hEvent, ver, &l0, &l1);
	}
	lineShutdown(app);
	CHECK(same(before), "USEEVENT%s: lineShutdown gives back every byte (%s)",
	      close_first ? "" : " without lineClose", left(before));
}

static HLINEAPP capp;
static volatile int cb_calls, cb_shutdown_rc = 1, cb_done;

static void CALLBACK cb(DWORD dev, DWORD msg, DWORD_PTR inst, DWORD_PTR p1,
			DWORD_PTR p2, DWORD_PTR p3)
{
	LINECALLSTATUS cs;

	(void)inst; (void)p2; (void)p3;
	cb_calls++;
	if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_OFFERING)
		lineAnswer(dev, NULL, 0);
	if (msg == LINE_CALLSTATE) {
		memset(&cs, 0, sizeof(cs));
		cs.dwTotalSize = sizeof(cs);
		lineGetCallStatus(dev, &cs);
	}
	/* The last call connected: shut down from inside the callback. */
	if (msg == LINE_CALLSTATE && p1 == LINECALLSTATE_CONNECTED &&
	    cb_calls > 60 && !cb_done) {
		cb_done = 1;
		cb_shutdown_rc = lineShutdown(capp);
	}
}

static void callback_round(int shutdown_inside)
{
	DWORD ndev;
	HLINE l0, l1;
	HCALL out[20];
	struct heap before;
	int i;

	before = heap();
	cb_calls = 0;
	cb_done = !shutdown_inside;
	lineInitialize(&capp, NULL, cb, "leakcb", &ndev);
	lineOpen(capp, 1, &l1, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, NULL);
	lineOpen(capp, 0, &l0, TAPI_CURRENT_VERSION, 0, 0,
		 LINECALLPRIVILEGE_NONE, 0, NULL);
	for (i = 0; i < 20; i++)
		lineMakeCall(l0, &out[i], "1001", 0, NULL);
	for (i = 0; i < 100 && (shutdown_inside ? cb_shutdown_rc != 0 : cb_calls < 100); i++)
		Sleep(50);
	printf("  %d callbacks\n", cb_calls);
	if (shutdown_inside) {
		CHECK(cb_shutdown_rc == 0, "lineShutdown inside the callback returns 0");
		Sleep(200);	/* the pump thread ends and frees the app */
		CHECK(lineClose(l0) == (LONG)LINEERR_UNINITIALIZED,
		      "after it, the lines are gone (UNINITIALIZED)");
	} else {
		CHECK(lineShutdown(capp) == 0, "lineShutdown with the callback thread");
	}
	CHECK(same(before), "callback%s: every byte back (%s)",
	      shutdown_inside ? ", shutdown inside" : "", left(before));
}

int main(void)
{
	/* Warm up stdio and the thread machinery once. */
	printf("leak test (warm-up rounds first)\n");
	warming = 1;
	event_round(1);
	callback_round(0);
	printf("measured rounds:\n");
	warming = 0;
	event_round(1);
	event_round(1);
	event_round(0);
	callback_round(0);
	callback_round(1);
	callback_round(0);
	if (live_overflow) {
		printf("FAIL: more live blocks than the table holds\n");
		failed = 1;
	}
	printf(failed ? "FAILED\n" : "PASSED\n");
	return failed;
}
