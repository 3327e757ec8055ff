// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi_bench - cost of ktapi's handle operations, against the syscall
 * floor and against the kernel's own handle table (file descriptors).
 *
 * Run by "make bench" in the test VM under QEMU with
 * -icount shift=0,sleep=off -cpu qemu64 on one vCPU: CLOCK_MONOTONIC then
 * advances one nanosecond per guest instruction, so every figure below is
 * an instruction count and repeated runs print the same numbers (icount
 * counts instructions, not cache misses: a handle picked at random costs
 * what the last one given does at the same XArray depth).  Run without
 * icount (-w) on two vCPUs, the same figures are wall-clock nanoseconds,
 * and two more parts run: GET_CALL_INFO and MAKE_CALL + DEALLOCATE_CALL
 * from two threads on two files against the ENOTTY floor's own two-thread
 * slowdown, and another file's GET_CALL_INFO while the file holding the
 * 1 048 576 calls is released (its worst latency: the stall check).
 *
 * The goals of issue 14 are printed last, one line each,
 * "BENCH-GOAL: NAME: FIGURE (limit LIMIT): met" (or "NOT met"): the
 * instruction goals in icount mode, the two-thread and stall goals with
 * -w.  Kernel memory per idle call is the delta of memory.current of a
 * memory cgroup the bench joins for it (every ktapi allocation is
 * accounted; exact to within the per-CPU charge batch), with the Slab
 * line of /proc/meminfo next to it.
 *
 * Needs the module loaded with max_handles > 1048576 and lines >= 2, as
 * root (/proc/meminfo, the memory cgroup).
 *
 * Output: a table on stdout, and with -c FILE a CSV of every figure (-c -:
 * the CSV lines on stdout too, each prefixed "BENCH-CSV: ").
 * "BENCH:" prefixes every table line so the host can pick them out of the
 * console log.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <stdarg.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#define KTAPI_NO_HARNESS
#include "ktapi_utils.h"

#define BIG_N		1048576UL
#define NOLINE_ADDR	"999"

static FILE *csv;
static bool csv_console;	/* -c -: CSV lines on stdout, "BENCH-CSV: " */
static bool wall;		/* -w: wall time, not icount */

static void csv_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void csv_line(const char *fmt, ...)
{
	va_list ap;

	if (!csv)
		return;
	if (csv_console)
		fputs("BENCH-CSV: ", csv);
	va_start(ap, fmt);
	vfprintf(csv, fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "ktapi_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/*
 * ktapi_utils.h's helpers, dying on failure.  What the timed loops call
 * costs the same as before in user space: kt_make_call() and kt_op() fill
 * the same struct and issue the same one ioctl.
 */
static int kopen(unsigned int dev, unsigned int priv)
{
	int fd = kt_open_line(dev, priv);

	if (fd < 0)
		die("open + LINE_OPEN of /dev/ktapi");
	/* The reads below empty a queue and must not block on it. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		die("O_NONBLOCK");
	return fd;
}

static uint32_t make_call(int fd, const char *addr)
{
	uint32_t h;

	errno = kt_make_call(fd, addr, &h, NULL);
	if (errno)
		die("MAKE_CALL");
	return h;
}

static void call_op(int fd, unsigned long cmd, uint32_t h)
{
	errno = kt_op(fd, cmd, h);
	if (errno)
		die("call op");
}

/*
 * Not kt_info(): that one clears the 200-byte struct before each call,
 * which the timed GET_CALL_INFO loops must not pay.  The ioctl is the same.
 */
static void call_info(int fd, uint32_t h, struct ktapi_call_info *ci)
{
	ci->size = sizeof(*ci);
	ci->flags = 0;
	ci->handle = h;
	errno = kt_err(ioctl(fd, KTAPI_IOC_GET_CALL_INFO, ci));
	if (errno)
		die("GET_CALL_INFO");
}

/* Outside the timed loops only. */
static void drain(int fd)
{
	int n = kt_drain(fd);

	if (n < 0) {
		errno = -n;
		die("drain");
	}
}

static unsigned long param(const char *name)
{
	long long v = kt_param(name);

	if (v < 0) {
		errno = ENOENT;
		die(name);
	}
	return (unsigned long)v;
}

static long slab_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void report(const char *name, unsigned long live, double per_op,
		   const char *unit)
{
	printf("BENCH: %-44s %9lu %12.1f %s\n", name, live, per_op, unit);
	csv_line("%s,%lu,%.1f,%s\n", name, live, per_op, unit);
}

static const char *unit(void)
{
	return wall ? "ns" : "insn";
}

/* Per-iteration cost of body(), the loop's own overhead included. */
#define MEASURE(iters, body) ({					\
	unsigned long __i, __n = (iters);			\
	uint64_t __t0 = kt_now_ns();					\
	for (__i = 0; __i < __n; __i++) {			\
		body;						\
	}							\
	(double)(kt_now_ns() - __t0) / __n;				\
})

struct figures {
	double enotty, getppid, info, make_noline, make_owned, eventfd;
	double fstat_raw, fstat_glibc, eventfd_memcg, pipe_rt;
	double info_at[4], info_rand_at[4], make_at[4];
	double read_one, release_big, bytes_per_call, slab_bytes_per_call;
	double make_provider;	/* < 0: no /dev/ktapi-provider */
};

/* Live handles on the file at each step; info_rand_at[] from 1 000 on. */
static const unsigned long live_points[4] = { 1, 1000, 65536, BIG_N };
#define AT_1K	1
#define AT_BIG	3

/*
 * MAKE_CALL + DEALLOCATE_CALL of a call to an address of no line, events
 * included: each call queues 2 (CALLSTATE DIALING and DISCONNECTED), read
 * as a program would, 64 records per read() (every 32 calls).
 */
static double bench_make_noline(int fd, unsigned long iters)
{
	unsigned long batch = param("event_queue_len") / 2, n = 0;
	struct ktapi_event ev[64];
	double per_op;

	if (batch > 32)
		batch = 32;
	if (!batch)
		die("event_queue_len");
	drain(fd);
	per_op = MEASURE(iters, {
		call_op(fd, KTAPI_IOC_DEALLOCATE_CALL, make_call(fd, NOLINE_ADDR));
		if (++n == batch) {
			n = 0;
			if (read(fd, ev, sizeof(ev)) !=
			    (ssize_t)(2 * batch * sizeof(ev[0])))
				die("read of the events");
		}
	});
	drain(fd);
	return per_op;
}

/*
 * The provider of bench_make_provider(): a thread that answers every
 * MAKECALL with REPLY 0 at once and reads the CLOSECALLs, until the
 * MAKECALL to STOP_ADDR, which it fails (EIO) before it ends.
 */
#define PROVIDER_ADDR	"5000"
#define STOP_ADDR	"0"

static void *provider_thread(void *arg)
{
	struct ktapi_provider_request req[16];
	int pfd = *(int *)arg;

	for (;;) {
		ssize_t n = read(pfd, req, sizeof(req));
		size_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || n % sizeof(req[0]))
			die("provider read()");
		for (i = 0; i < (size_t)n / sizeof(req[0]); i++) {
			bool stop;

			if (req[i].type != KTAPI_PREQ_MAKECALL)
				continue;	/* CLOSECALL: nothing to free */
			stop = !strcmp(req[i].dest_address, STOP_ADDR);
			errno = kt_prov_reply(pfd, req[i].request_id,
					      stop ? -EIO : 0);
			if (errno)
				die("provider REPLY");
			if (stop)
				return NULL;
		}
	}
}

/*
 * MAKE_CALL + DEALLOCATE_CALL on a provider's line device, the provider a
 * thread of this process answering at once: the MAKECALL request, its
 * REPLY and the wake-up, the CLOSECALL, and the caller's one event
 * (CALLSTATE DIALING) read 32 per read().  Return: the figure, or -1 when
 * the module has no /dev/ktapi-provider.
 */
static double bench_make_provider(unsigned long iters)
{
	unsigned long batch = param("event_queue_len"), n = 0;
	struct ktapi_event ev[32];
	pthread_t thr;
	double per_op;
	uint32_t dev;
	int pfd, fd;

	if (batch > 32)
		batch = 32;
	pfd = kt_prov_open_registered("bench", KTAPI_PROVIDER_REQUESTS_MAX,
				      NULL);
	if (pfd < 0) {
		if (errno == ENOENT)
			return -1;
		die("open + REGISTER of /dev/ktapi-provider");
	}
	errno = kt_prov_add_line(pfd, PROVIDER_ADDR, "bench", &dev);
	if (errno)
		die("ADD_LINE");
	fd = kopen(dev, KTAPI_PRIVILEGE_OWNER);
	/* Blocking reads in the thread: it sleeps until a request comes. */
	if (fcntl(pfd, F_SETFL, fcntl(pfd, F_GETFL) & ~O_NONBLOCK))
		die("provider blocking");
	errno = pthread_create(&thr, NULL, provider_thread, &pfd);
	if (errno)
		die("pthread_create");
	per_op = MEASURE(iters, {
		call_op(fd, KTAPI_IOC_DEALLOCATE_CALL,
			make_call(fd, PROVIDER_ADDR));
		if (++n == batch) {
			n = 0;
			if (read(fd, ev, sizeof(ev)) < (ssize_t)sizeof(ev[0]))
				die("read of the events");
		}
	});
	errno = kt_make_call(fd, STOP_ADDR, NULL, NULL);
	if (errno != EIO)
		die("MAKE_CALL to stop the provider (want EIO)");
	errno = pthread_join(thr, NULL);
	if (errno)
		die("pthread_join");
	close(fd);
	close(pfd);
	return per_op;
}

/*
 * The scheduling floor of a provider round trip: one byte to a thread
 * through a pipe and back (4 system calls, 2 wake-ups, 2 thread
 * switches on one vCPU), what any in-VM provider pays per request at
 * least, besides its own work.
 */
static void *echo_thread(void *arg)
{
	int *p = arg;
	char c;

	while (read(p[0], &c, 1) == 1)
		if (write(p[3], &c, 1) != 1)
			break;
	return NULL;
}

static double bench_pipe_round_trip(unsigned long iters)
{
	int p[4];	/* to the thread: p[0] <- p[1]; back: p[2] <- p[3] */
	pthread_t thr;
	double per_op;
	char c = 0;

	if (pipe(p) || pipe(p + 2))
		die("pipe");
	errno = pthread_create(&thr, NULL, echo_thread, p);
	if (errno)
		die("pthread_create");
	per_op = MEASURE(iters, {
		if (write(p[1], &c, 1) != 1 || read(p[2], &c, 1) != 1)
			die("pipe round trip");
	});
	close(p[1]);
	pthread_join(thr, NULL);
	close(p[0]);
	close(p[2]);
	close(p[3]);
	return per_op;
}

static double bench_make_owned(int a, int b, unsigned long iters)
{
	return MEASURE(iters, {
		uint32_t h = make_call(a, "1001");

		call_op(a, KTAPI_IOC_DEALLOCATE_CALL, h);
		/* The callee's side: its events and its handle. */
		struct ktapi_event ev[4];
		ssize_t r = read(b, ev, sizeof(ev));

		if (r < (ssize_t)sizeof(ev[0]) || ev[0].type != KTAPI_EV_APPNEWCALL)
			die("callee events");
		call_op(b, KTAPI_IOC_DEALLOCATE_CALL, ev[0].handle);
	});
}

/*
 * Make calls on fd until it holds n handles (idle calls: each made to no
 * line, then DROPped to IDLE, with its handle), their handles in
 * hs[have..n-1].
 */
static void fill(int fd, uint32_t *hs, unsigned long have, unsigned long n)
{
	for (; have < n; have++) {
		uint32_t h = make_call(fd, NOLINE_ADDR);

		call_op(fd, KTAPI_IOC_DROP, h);
		hs[have] = h;
		if ((have & 1023) == 0)
			drain(fd);
	}
	drain(fd);
}

/* xorshift32: the same sequence every run. */
static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * GET_CALL_INFO on a handle picked at random among the n of hs[], the
 * sequence of handles drawn before the clock starts (seq[] holds iters):
 * the timed loop adds one load of seq[i] to the fixed-handle loop.
 */
static double bench_info_random(int fd, const uint32_t *hs, unsigned long n,
				uint32_t *seq, unsigned long iters)
{
	struct ktapi_call_info ci;
	unsigned long i;

	for (i = 0; i < iters; i++)
		seq[i] = hs[rnd() % n];
	/* __i: MEASURE()'s own loop index. */
	return MEASURE(iters, call_info(fd, seq[__i], &ci));
}

/* Queue events with calls to no line (two each), then time the reads. */
static double bench_read_one(int fd, unsigned long iters)
{
	unsigned long batch = param("event_queue_len") / 2, done = 0, j;
	uint32_t *hs = calloc(batch, sizeof(*hs));
	uint64_t total = 0;
	struct ktapi_event ev;

	if (!hs || !batch)
		die("read batch");
	drain(fd);
	while (done < iters) {
		uint64_t t0;

		for (j = 0; j < batch; j++)
			hs[j] = make_call(fd, NOLINE_ADDR);
		t0 = kt_now_ns();
		for (j = 0; j < 2 * batch; j++)
			if (read(fd, &ev, sizeof(ev)) != sizeof(ev))
				die("read");
		total += kt_now_ns() - t0;
		done += 2 * batch;
		for (j = 0; j < batch; j++)
			call_op(fd, KTAPI_IOC_DEALLOCATE_CALL, hs[j]);
	}
	free(hs);
	return (double)total / done;
}

/* MAKE_CALL, DEALLOCATE_CALL and the event reads, each on its own. */
static void bench_parts(int fd, unsigned long iters)
{
	unsigned long batch = param("event_queue_len") / 2, done = 0, j;
	uint64_t tm = 0, td = 0, tr = 0;
	uint32_t *hs = calloc(batch, sizeof(*hs));
	struct ktapi_event ev[64];

	if (!hs || !batch)
		die("parts batch");
	drain(fd);
	while (done < iters) {
		uint64_t t0 = kt_now_ns();

		for (j = 0; j < batch; j++)
			hs[j] = make_call(fd, NOLINE_ADDR);
		tm += kt_now_ns() - t0;
		t0 = kt_now_ns();
		for (j = 0; j < batch; j++)
			call_op(fd, KTAPI_IOC_DEALLOCATE_CALL, hs[j]);
		td += kt_now_ns() - t0;
		t0 = kt_now_ns();
		while (read(fd, ev, sizeof(ev)) == sizeof(ev))
			;
		tr += kt_now_ns() - t0;
		done += batch;
	}
	free(hs);
	report("part: MAKE_CALL, no line", 1, (double)tm / done, unit());
	report("part: DEALLOCATE_CALL of a DISCONNECTED leg", 1,
	       (double)td / done, unit());
	report("part: read() of its 2 events, 64 per read", 1,
	       (double)tr / done, unit());
}

struct thr {
	int fd;
	uint32_t h;
	bool make;		/* MAKE_CALL + DEALLOCATE_CALL, not info */
	unsigned long iters;
	pthread_barrier_t *bar;
	double per_op;
};

static void *info_thread(void *arg)
{
	struct thr *t = arg;
	struct ktapi_call_info ci;

	pthread_barrier_wait(t->bar);
	if (t->make)
		t->per_op = MEASURE(t->iters,
				    call_op(t->fd, KTAPI_IOC_DEALLOCATE_CALL,
					    make_call(t->fd, NOLINE_ADDR)));
	else if (t->h)
		t->per_op = MEASURE(t->iters, call_info(t->fd, t->h, &ci));
	else	/* the floor: an unknown ioctl, which touches nothing shared */
		t->per_op = MEASURE(t->iters,
				    ioctl(t->fd, _IO(KTAPI_IOC_TYPE, 0x7f), NULL));
	return NULL;
}

/* Run info_thread() on two threads at once; their mean cost per op. */
static double two_threads(struct thr t[2], unsigned long iters)
{
	pthread_barrier_t bar;
	pthread_t tid[2];
	int i;

	pthread_barrier_init(&bar, NULL, 2);
	for (i = 0; i < 2; i++) {
		t[i].iters = iters;
		t[i].bar = &bar;
		errno = pthread_create(&tid[i], NULL, info_thread, &t[i]);
		if (errno)
			die("pthread_create");
	}
	for (i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&bar);
	return (t[0].per_op + t[1].per_op) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/*
 * Each figure of bench_concurrency(): index 0 the floor from 1 thread,
 * 1 from 2 threads on 2 files; 2 GET_CALL_INFO from 1 thread, 3 from 2 on
 * one file, 4 from 2 on two files; 5 MAKE+DEALLOCATE from 1 thread, 6
 * from 2 on two files (of two line devices).
 */
#define CONC_ROUNDS	5
#define CONC_FIGS	7

struct conc {
	double fig[CONC_FIGS];	/* medians of the rounds */
	/* medians of each round's slowdown */
	double sd_floor, sd_info_same, sd_info_other, sd_make;
};

/*
 * Two threads at once against one, CONC_ROUNDS rounds of every figure (a
 * VM's two vCPUs on a busy host are noisy: the medians).  The unknown
 * ioctl from two threads on two files, which shares nothing in ktapi,
 * gives the platform's own slowdown; a lock serializing GET_CALL_INFO or
 * MAKE_CALL + DEALLOCATE_CALL would show as a slowdown near 2, well above
 * the floor's.  The MAKE+DEALLOCATE threads do not read their events (the
 * queue overflows; the same in the one-thread figure).
 */
static void bench_concurrency(unsigned long iters, struct conc *c)
{
	double fig[CONC_FIGS][CONC_ROUNDS], sd[4][CONC_ROUNDS];
	struct ktapi_call_info ci;
	struct thr t[2];
	int f[2], m[2], r, i;
	uint32_t h[2];

	for (i = 0; i < 2; i++) {
		f[i] = kopen(0, KTAPI_PRIVILEGE_NONE);
		h[i] = make_call(f[i], NOLINE_ADDR);
		drain(f[i]);
		m[i] = kopen(i, KTAPI_PRIVILEGE_NONE);
	}
	for (r = 0; r < CONC_ROUNDS; r++) {
		fig[0][r] = MEASURE(iters, ioctl(f[0], _IO(KTAPI_IOC_TYPE, 0x7f),
						 NULL));
		t[0] = (struct thr){ .fd = f[0] };
		t[1] = (struct thr){ .fd = f[1] };
		fig[1][r] = two_threads(t, iters);

		fig[2][r] = MEASURE(iters, call_info(f[0], h[0], &ci));
		t[0] = (struct thr){ .fd = f[0], .h = h[0] };
		t[1] = (struct thr){ .fd = f[0], .h = h[0] };
		fig[3][r] = two_threads(t, iters);
		t[1] = (struct thr){ .fd = f[1], .h = h[1] };
		fig[4][r] = two_threads(t, iters);

		drain(m[0]);
		fig[5][r] = MEASURE(iters,
				    call_op(m[0], KTAPI_IOC_DEALLOCATE_CALL,
					    make_call(m[0], NOLINE_ADDR)));
		drain(m[0]);
		drain(m[1]);
		t[0] = (struct thr){ .fd = m[0], .make = true };
		t[1] = (struct thr){ .fd = m[1], .make = true };
		fig[6][r] = two_threads(t, iters);

		sd[0][r] = fig[1][r] / fig[0][r];
		sd[1][r] = fig[3][r] / fig[2][r];
		sd[2][r] = fig[4][r] / fig[2][r];
		sd[3][r] = fig[6][r] / fig[5][r];
		csv_line("2-thread round %d,floor %.1f/%.1f,info %.1f/%.1f/%.1f,make+dealloc %.1f/%.1f,%s\n",
			 r, fig[0][r], fig[1][r], fig[2][r], fig[3][r],
			 fig[4][r], fig[5][r], fig[6][r], unit());
	}
	for (i = 0; i < CONC_FIGS; i++)
		c->fig[i] = median(fig[i], CONC_ROUNDS);
	c->sd_floor = median(sd[0], CONC_ROUNDS);
	c->sd_info_same = median(sd[1], CONC_ROUNDS);
	c->sd_info_other = median(sd[2], CONC_ROUNDS);
	c->sd_make = median(sd[3], CONC_ROUNDS);

	report("floor, 1 thread", 1, c->fig[0], unit());
	report("floor, 2 threads, 2 files (per op/thread)", 2, c->fig[1],
	       unit());
	report("info, 1 thread", 1, c->fig[2], unit());
	report("info, 2 threads, 1 file (per op/thread)", 2, c->fig[3], unit());
	report("info, 2 threads, 2 files (per op/thread)", 2, c->fig[4],
	       unit());
	report("make+dealloc, 1 thread", 1, c->fig[5], unit());
	report("make+dealloc, 2 threads, 2 files (per op/thread)", 2,
	       c->fig[6], unit());
	printf("BENCH: slowdown from 2 threads (median of %d rounds): floor %.2fx, info on 1 file %.2fx, on 2 files %.2fx, MAKE+DEALLOCATE on 2 files %.2fx\n",
	       CONC_ROUNDS, c->sd_floor, c->sd_info_same, c->sd_info_other,
	       c->sd_make);
	csv_line("slowdown from 2 threads,floor %.3f,info 1 file %.3f,info 2 files %.3f,make+dealloc 2 files %.3f\n",
		 c->sd_floor, c->sd_info_same, c->sd_info_other, c->sd_make);
	for (i = 0; i < 2; i++) {
		close(f[i]);
		close(m[i]);
	}
}

/*
 * Another file's GET_CALL_INFO, in a loop on its own thread, while the
 * big file is released: the longest gap between two of its returns in a
 * second before the close with this thread sleeping (phase 0), in a
 * second with it spinning in user space (1: both vCPUs busy, as during
 * the close, so a host short of cores shows here too), and during the
 * close (2).
 */
#define STALL_PHASES	3

struct stall {
	int fd;
	uint32_t h;
	int phase;		/* 0, 1, 2, then STALL_PHASES: stop */
	uint64_t worst[STALL_PHASES];
	unsigned long ops[STALL_PHASES];
};

static void *stall_thread(void *arg)
{
	struct stall *s = arg;
	struct ktapi_call_info ci;
	uint64_t t0 = kt_now_ns(), t1;
	int p;

	while ((p = __atomic_load_n(&s->phase, __ATOMIC_ACQUIRE)) <
	       STALL_PHASES) {
		call_info(s->fd, s->h, &ci);
		t1 = kt_now_ns();
		if (t1 - t0 > s->worst[p])
			s->worst[p] = t1 - t0;
		s->ops[p]++;
		t0 = t1;
	}
	return NULL;
}

/* close(fd) with the stall check running; the close's cost. */
static double release_with_stall(int fd, struct stall *s)
{
	pthread_t tid;
	uint64_t t0;
	double cost;

	s->fd = kopen(0, KTAPI_PRIVILEGE_NONE);
	s->h = make_call(s->fd, NOLINE_ADDR);
	drain(s->fd);
	errno = pthread_create(&tid, NULL, stall_thread, s);
	if (errno)
		die("pthread_create");
	kt_sleep_ms(1000);
	__atomic_store_n(&s->phase, 1, __ATOMIC_RELEASE);
	t0 = kt_now_ns();
	while (kt_now_ns() - t0 < 1000000000ULL)
		;
	__atomic_store_n(&s->phase, 2, __ATOMIC_RELEASE);
	t0 = kt_now_ns();
	close(fd);
	cost = (double)(kt_now_ns() - t0);
	__atomic_store_n(&s->phase, STALL_PHASES, __ATOMIC_RELEASE);
	pthread_join(tid, NULL);
	close(s->fd);
	return cost;
}

/*
 * The memory cgroup the big file's calls are charged to: its
 * memory.current before and after gives what they cost in kernel memory,
 * exactly (slab pages, XArray nodes, anything else ktapi charges, to
 * within the per-CPU charge batch).  Empty string: no memcg (the /proc
 * meminfo Slab figure is then the only one).
 */
static char cgdir[128];

static void memcg_join(void)
{
	const char *why = kt_memcg_make("ktapi_bench", cgdir, sizeof(cgdir));
	char path[300], pid[16];

	if (why) {
		printf("BENCH: memcg: %s (Slab of /proc/meminfo only)\n", why);
		cgdir[0] = 0;
		return;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	errno = kt_write_file(path, pid);
	if (errno)
		die("joining the memcg");
}

static long long memcg_current(void)
{
	return cgdir[0] ? kt_memcg_value(cgdir, "memory.current", NULL) : -1;
}

static void memcg_leave(void)
{
	char pid[16];

	if (!cgdir[0])
		return;
	snprintf(pid, sizeof(pid), "%d", getpid());
	kt_write_file(KTAPI_CGROOT "/cgroup.procs", pid);
	rmdir(cgdir);
}

/*
 * One goal line, "BENCH-GOAL: <name>: <figure> (limit <limit>): met" (or
 * "NOT met"): met when value <= limit.  make bench turns the prefix into
 * "goal: " and collects the lines in build/bench/goals.txt.
 */
static void goal(const char *name, double value, double limit,
		 const char *what, int prec)
{
	bool met = value <= limit;

	printf("BENCH-GOAL: %s: %.*f%s (limit %.*f%s): %s\n", name, prec,
	       value, what, prec, limit, what, met ? "met" : "NOT met");
	csv_line("goal: %s,%.3f,%.3f,%s\n", name, value, limit,
		 met ? "met" : "not met");
}

static void usage(const char *me)
{
	fprintf(stderr,
		"usage: %s [-w] [-n iters] [-b big] [-c csv|-]\n"
		"  -w  wall time (two vCPUs: the two-thread and stall goals);\n"
		"      without it, icount (the instruction goals)\n",
		me);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long iters = 20000, i, big = BIG_N, prev;
	long nproc = sysconf(_SC_NPROCESSORS_ONLN);
	struct ktapi_call_info ci;
	struct figures fg = { 0 };
	struct stall st = { 0 };
	struct conc cc = { 0 };
	long long mc0, mc1;
	uint32_t *hs, *seq, h;
	int opt, a, b, fd;
	char name[192];
	struct stat sb;
	long kb0, kb1;
	uint64_t t0;

	while ((opt = getopt(argc, argv, "c:n:wb:")) != -1) {
		switch (opt) {
		case 'c':
			csv_console = !strcmp(optarg, "-");
			csv = csv_console ? stdout : fopen(optarg, "w");
			if (!csv)
				die(optarg);
			csv_line("operation,live_handles,per_op,unit\n");
			break;
		case 'n':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			wall = true;
			break;
		case 'b':
			big = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!iters || big < live_points[AT_1K])
		usage(argv[0]);
	/* Touched now, so none of their pages is charged to the memcg. */
	hs = calloc(big, sizeof(*hs));
	seq = calloc(iters, sizeof(*seq));
	if (!hs || !seq)
		die("calloc");
	memset(hs, 0, big * sizeof(*hs));
	memset(seq, 0, iters * sizeof(*seq));

	printf("BENCH: %-44s %9s %12s %s\n", "operation", "live", "per op",
	       "unit");
	a = kopen(0, KTAPI_PRIVILEGE_OWNER);
	b = kopen(1, KTAPI_PRIVILEGE_OWNER);

	/* The floors and the peers. */
	fg.enotty = MEASURE(iters, ioctl(a, _IO(KTAPI_IOC_TYPE, 0x7f), NULL));
	report("floor: unknown ioctl (ENOTTY)", 0, fg.enotty, unit());
	fg.getppid = MEASURE(iters, syscall(SYS_getppid));
	report("floor: getppid()", 0, fg.getppid, unit());
	fg.fstat_raw = MEASURE(iters, syscall(SYS_fstat, a, &sb));
	report("peer: fstat system call (SYS_fstat)", 0, fg.fstat_raw, unit());
	fg.fstat_glibc = MEASURE(iters, fstat(a, &sb));
	report("peer: glibc fstat() (newfstatat(fd, \"\"))", 0,
	       fg.fstat_glibc, unit());
	fg.eventfd = MEASURE(iters, close(eventfd(0, 0)));
	report("peer: eventfd() + close()", 0, fg.eventfd, unit());
	fg.pipe_rt = bench_pipe_round_trip(iters);
	report("peer: pipe round trip to a thread", 0, fg.pipe_rt, unit());

	/* One live handle. */
	h = make_call(a, NOLINE_ADDR);
	drain(a);
	fg.info = MEASURE(iters, call_info(a, h, &ci));
	report("GET_CALL_INFO, handle last given", 1, fg.info, unit());
	fg.make_noline = bench_make_noline(a, iters);
	report("MAKE_CALL+DEALLOCATE, no line, +2 events", 1, fg.make_noline,
	       unit());
	fg.make_provider = bench_make_provider(iters);
	if (fg.make_provider >= 0) {
		report("MAKE_CALL+DEALLOCATE via a provider (+1 ev)", 1,
		       fg.make_provider, unit());
		printf("BENCH: provider round trip over loopback: %.1f %s, %.2f pipe round trips to a thread\n",
		       fg.make_provider - fg.make_noline, unit(),
		       (fg.make_provider - fg.make_noline) / fg.pipe_rt);
	}
	else
		printf("BENCH: %-44s %9s %12s\n",
		       "MAKE_CALL+DEALLOCATE via a provider", "-",
		       "no provider");
	/* Its LINE_CREATE and LINE_REMOVE went to every open file. */
	drain(a);
	drain(b);
	bench_parts(a, iters);
	fg.make_owned = bench_make_owned(a, b, iters);
	report("MAKE_CALL+DEALLOCATE, owned line (+callee)", 1, fg.make_owned,
	       unit());

	fg.read_one = bench_read_one(a, iters);
	report("read() of one event", 1, fg.read_one, unit());
	close(a);

	/* The same with many live handles on one file, in its own memcg. */
	memcg_join();
	/*
	 * In a memory cgroup other than the root, every accounted allocation
	 * is also charged (obj_cgroup_charge()): the peer pays it too (its
	 * struct file), so the ratio is the one a program in a container
	 * (or a systemd slice) sees.  Information, not a goal.  Before the
	 * calls are made: after their release, the grace periods of a
	 * million frees slow it down.
	 */
	if (cgdir[0]) {
		fg.eventfd_memcg = MEASURE(iters, close(eventfd(0, 0)));
		report("peer: eventfd() + close(), in a memcg", 0,
		       fg.eventfd_memcg, unit());
	}
	mc0 = memcg_current();
	kb0 = slab_kb();
	fd = kopen(0, KTAPI_PRIVILEGE_NONE);
	for (i = 0, prev = 0; i < 4; i++) {
		unsigned long n = live_points[i] > big ? big : live_points[i];

		fill(fd, hs, prev, n);
		prev = n;
		h = make_call(fd, NOLINE_ADDR);
		drain(fd);
		fg.info_at[i] = MEASURE(iters, call_info(fd, h, &ci));
		report("GET_CALL_INFO, handle last given", n, fg.info_at[i],
		       unit());
		if (i >= AT_1K) {
			fg.info_rand_at[i] = bench_info_random(fd, hs, n, seq,
							       iters);
			report("GET_CALL_INFO, handle at random", n,
			       fg.info_rand_at[i], unit());
		}
		fg.make_at[i] = bench_make_noline(fd, iters);
		report("MAKE_CALL+DEALLOCATE, no line, +2 events", n,
		       fg.make_at[i], unit());
		call_op(fd, KTAPI_IOC_DEALLOCATE_CALL, h);
	}
	kb1 = slab_kb();
	mc1 = memcg_current();
	if (cgdir[0])
		printf("BENCH: in a memcg: MAKE+DEALLOCATE at 1 live / eventfd()+close() %.3fx\n",
		       fg.make_at[0] / fg.eventfd_memcg);
	fg.slab_bytes_per_call = (double)(kb1 - kb0) * 1024 / big;
	report("kernel memory per idle call (Slab delta)", big,
	       fg.slab_bytes_per_call, "bytes");
	if (mc0 >= 0 && mc1 >= 0) {
		fg.bytes_per_call = (double)(mc1 - mc0) / big;
		report("kernel memory per idle call (memcg delta)", big,
		       fg.bytes_per_call, "bytes");
	} else {
		fg.bytes_per_call = fg.slab_bytes_per_call;
	}

	if (nproc >= 2) {
		fg.release_big = release_with_stall(fd, &st);
		report("release of the file (another file's info on)", big,
		       fg.release_big, wall ? "ns total" : "insn total");
		report("  other file: worst info, 1 s idle before", st.ops[0],
		       (double)st.worst[0], wall ? "ns" : "insn");
		report("  other file: worst info, 1 s spinning before",
		       st.ops[1], (double)st.worst[1], wall ? "ns" : "insn");
		report("  other file: worst info, during", st.ops[2],
		       (double)st.worst[2], wall ? "ns" : "insn");
	} else {
		t0 = kt_now_ns();
		close(fd);
		fg.release_big = (double)(kt_now_ns() - t0);
		report("release of a file holding the calls", big,
		       fg.release_big, wall ? "ns total" : "insn total");
	}
	memcg_leave();

	if (nproc >= 2)
		bench_concurrency(wall ? iters * 10 : iters, &cc);
	else
		printf("BENCH: two threads: %ld CPU, not measured\n", nproc);
	close(b);

	if (!wall) {	/* icount: instructions */
		goal("MAKE+DEALLOCATE (no line, events in batches) / eventfd()+close()",
		     fg.make_noline / fg.eventfd, 0.60, "x", 3);
		goal("GET_CALL_INFO, handle last given / ENOTTY floor",
		     fg.info / fg.enotty, 1.25, "x", 3);
		goal("GET_CALL_INFO, handle at random among 1000 live / ENOTTY floor",
		     fg.info_rand_at[AT_1K] / fg.enotty, 1.35, "x", 3);
		snprintf(name, sizeof(name),
			 "GET_CALL_INFO, handle last given, at %lu live / at 1000",
			 big);
		goal(name, fg.info_at[AT_BIG] / fg.info_at[AT_1K], 1.3, "x", 3);
		snprintf(name, sizeof(name),
			 "GET_CALL_INFO, handle at random, at %lu live / at 1000",
			 big);
		goal(name, fg.info_rand_at[AT_BIG] / fg.info_rand_at[AT_1K], 1.3,
		     "x", 3);
		snprintf(name, sizeof(name),
			 "MAKE+DEALLOCATE at %lu live / at 1000", big);
		goal(name, fg.make_at[AT_BIG] / fg.make_at[AT_1K], 1.3, "x", 3);
		/*
		 * A few thousand calls reuse the slab objects the loops
		 * before freed (SLAB_TYPESAFE_BY_RCU caches, freed at once):
		 * their delta is noise, not their memory.
		 */
		if (big >= BIG_N)
			goal(cgdir[0] ? "kernel memory per idle call with its handle (memcg)"
				      : "kernel memory per idle call with its handle (Slab)",
			     fg.bytes_per_call, 256, " bytes", 1);
		else
			printf("BENCH-GOAL: kernel memory per idle call with its handle: not measured (-b %lu: below %lu calls the delta is slab reuse): NOT met\n",
			       big, (unsigned long)BIG_N);
		snprintf(name, sizeof(name), "release of %lu calls", big);
		goal(name, fg.release_big / 1e9, 2, " x 1e9 insn", 3);
		if (fg.make_provider >= 0)
			goal("MAKE+DEALLOCATE through a provider / loopback (no line)",
			     fg.make_provider / fg.make_noline, 3, "x", 2);
		else
			printf("BENCH-GOAL: MAKE+DEALLOCATE through a provider / loopback: not measured (no provider): NOT met\n");
	} else if (nproc >= 2) {	/* wall time on 2 vCPUs */
		double lim = st.worst[1] * 2.0 / 1e6;

		snprintf(name, sizeof(name),
			 "another file's worst GET_CALL_INFO during the release of %lu calls (limit: 10 ms or twice the worst of a second spinning before)",
			 big);
		goal(name, st.worst[2] / 1e6, lim > 10 ? lim : 10, " ms", 2);
		goal("GET_CALL_INFO, 2 threads on 2 files: slowdown (limit: the ENOTTY floor's)",
		     cc.sd_info_other, cc.sd_floor, "x", 2);
		goal("MAKE+DEALLOCATE, 2 threads on 2 files: slowdown (limit: the ENOTTY floor's)",
		     cc.sd_make, cc.sd_floor, "x", 2);
	} else {
		printf("BENCH-GOAL: the two-thread and stall goals: not measured (%ld CPU): NOT met\n",
		       nproc);
	}
	free(hs);
	free(seq);
	if (csv && !csv_console)
		fclose(csv);
	return 0;
}
