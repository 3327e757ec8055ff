// SPDX-License-Identifier: GPL-2.0
/*
 * ktapi_bench - cost of ktapi's handle operations, against the syscall
 * floor and against the kernel's own handle table (file descriptors).
 *
 * Run by "make bench" in the test VM under QEMU with
 * -icount shift=0,sleep=off -cpu qemu64 on one vCPU: CLOCK_MONOTONIC then
 * advances one nanosecond per guest instruction, so every figure below is
 * an instruction count and repeated runs print the same numbers.  Run
 * without icount (-w), the same figures are wall-clock nanoseconds.
 *
 * Needs the module loaded with max_handles > 1048576 and lines >= 2, as
 * root (/proc/meminfo for slab growth).
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
	double info_at[4], make_at[4], read_one, release_big, bytes_per_call;
	double make_provider;	/* < 0: no /dev/ktapi-provider */
};

static const unsigned long live_points[4] = { 1, 1000, 65536, BIG_N };

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

/* Make calls on fd until it holds n handles (idle calls). */
static void fill(int fd, unsigned long have, unsigned long n)
{
	for (; have < n; have++) {
		uint32_t h = make_call(fd, NOLINE_ADDR);

		call_op(fd, KTAPI_IOC_DROP, h);
		if ((have & 1023) == 0)
			drain(fd);
	}
	drain(fd);
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
		pthread_create(&tid[i], NULL, info_thread, &t[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&bar);
	return (t[0].per_op + t[1].per_op) / 2;
}

/*
 * GET_CALL_INFO from two threads at once, on one file and on two, against
 * one thread.  The unknown ioctl from two threads on two files, which
 * shares nothing in ktapi, gives the platform's own slowdown (two vCPUs
 * under TCG on a host that may be busy): a lock serializing the lookups
 * would show as a slowdown near 2, well above the floor's.
 */
static void bench_concurrency(unsigned long iters)
{
	struct ktapi_call_info ci;
	double one, floor1, floor2, same, other, mk1, mk2;
	struct thr t[2];
	int fds[2];

	fds[0] = kopen(0, KTAPI_PRIVILEGE_NONE);
	fds[1] = kopen(0, KTAPI_PRIVILEGE_NONE);

	floor1 = MEASURE(iters, ioctl(fds[0], _IO(KTAPI_IOC_TYPE, 0x7f), NULL));
	t[0] = (struct thr){ .fd = fds[0] };
	t[1] = (struct thr){ .fd = fds[1] };
	floor2 = two_threads(t, iters);

	t[0].h = make_call(fds[0], NOLINE_ADDR);
	one = MEASURE(iters, call_info(fds[0], t[0].h, &ci));
	t[1] = (struct thr){ .fd = fds[0], .h = t[0].h };
	same = two_threads(t, iters);
	t[1] = (struct thr){ .fd = fds[1], .h = make_call(fds[1], NOLINE_ADDR) };
	other = two_threads(t, iters);
	/*
	 * MAKE_CALL + DEALLOCATE_CALL on two files (of two line devices) at
	 * once: they share no lock, so they must not serialize (about 2x).
	 */
	close(fds[1]);
	fds[1] = kopen(1, KTAPI_PRIVILEGE_NONE);
	mk1 = MEASURE(iters, call_op(fds[0], KTAPI_IOC_DEALLOCATE_CALL,
				     make_call(fds[0], NOLINE_ADDR)));
	t[0] = (struct thr){ .fd = fds[0], .make = true };
	t[1] = (struct thr){ .fd = fds[1], .make = true };
	mk2 = two_threads(t, iters);

	report("floor, 1 thread", 1, floor1, unit());
	report("floor, 2 threads, 2 files (per op/thread)", 2, floor2, unit());
	report("info, 1 thread", 1, one, unit());
	report("info, 2 threads, 1 file (per op/thread)", 2, same, unit());
	report("info, 2 threads, 2 files (per op/thread)", 2, other, unit());
	printf("BENCH: slowdown from 2 threads: floor %.2fx, info on 1 file %.2fx, on 2 files %.2fx\n",
	       floor2 / floor1, same / one, other / one);
	csv_line("slowdown from 2 threads,floor %.3f,info 1 file %.3f,info 2 files %.3f\n",
		 floor2 / floor1, same / one, other / one);
	report("make+dealloc, 1 thread", 1, mk1, unit());
	report("make+dealloc, 2 threads, 2 files (per op/thread)", 2, mk2,
	       unit());
	printf("BENCH: slowdown from 2 threads: MAKE+DEALLOCATE on 2 files %.2fx (floor %.2fx)\n",
	       mk2 / mk1, floor2 / floor1);
	csv_line("slowdown from 2 threads,make+dealloc 2 files %.3f\n",
		 mk2 / mk1);
	close(fds[0]);
	close(fds[1]);
}

static void goal(const char *what, double value, double limit, bool le)
{
	bool met = le ? value <= limit : value >= limit;

	printf("BENCH-GOAL: %-52s %8.3f %s %8.3f  %s\n", what, value,
	       le ? "<=" : ">=", limit, met ? "met" : "NOT MET");
	csv_line("goal: %s,%.3f,%.3f,%s\n", what, value, limit,
		 met ? "met" : "not met");
}

int main(int argc, char **argv)
{
	unsigned long iters = 20000, i, big = BIG_N;
	struct ktapi_call_info ci;
	struct figures fg = { 0 };
	int opt, a, b, fd;
	uint32_t h;
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
			fprintf(stderr, "usage: %s [-w] [-n iters] [-b big] [-c csv]\n",
				argv[0]);
			return 2;
		}
	}

	printf("BENCH: %-44s %9s %12s %s\n", "operation", "live", "per op",
	       "unit");
	a = kopen(0, KTAPI_PRIVILEGE_OWNER);
	b = kopen(1, KTAPI_PRIVILEGE_OWNER);

	/* The floors. */
	fg.enotty = MEASURE(iters, ioctl(a, _IO(KTAPI_IOC_TYPE, 0x7f), NULL));
	report("floor: unknown ioctl (ENOTTY)", 0, fg.enotty, unit());
	fg.getppid = MEASURE(iters, syscall(SYS_getppid));
	report("floor: getppid()", 0, fg.getppid, unit());
	fg.eventfd = MEASURE(iters, close(eventfd(0, 0)));
	report("peer: eventfd() + close()", 0, fg.eventfd, unit());

	/* One live handle. */
	h = make_call(a, NOLINE_ADDR);
	drain(a);
	fg.info = MEASURE(iters, call_info(a, h, &ci));
	report("GET_CALL_INFO", 1, fg.info, unit());
	fg.make_noline = bench_make_noline(a, iters);
	report("MAKE_CALL+DEALLOCATE, no line, +2 events", 1, fg.make_noline,
	       unit());
	fg.make_provider = bench_make_provider(iters);
	if (fg.make_provider >= 0)
		report("MAKE_CALL+DEALLOCATE via a provider (+1 ev)", 1,
		       fg.make_provider, unit());
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

	/* The same with many live handles on the file. */
	fd = kopen(0, KTAPI_PRIVILEGE_NONE);
	kb0 = slab_kb();
	for (i = 0; i < 4; i++) {
		unsigned long n = live_points[i] > big ? big : live_points[i];

		fill(fd, i ? (live_points[i - 1] > big ? big : live_points[i - 1]) : 0, n);
		h = make_call(fd, NOLINE_ADDR);
		drain(fd);
		fg.info_at[i] = MEASURE(iters, call_info(fd, h, &ci));
		report("GET_CALL_INFO", n, fg.info_at[i], unit());
		fg.make_at[i] = bench_make_noline(fd, iters);
		report("MAKE_CALL+DEALLOCATE, no line, +2 events", n,
		       fg.make_at[i], unit());
		call_op(fd, KTAPI_IOC_DEALLOCATE_CALL, h);
	}
	kb1 = slab_kb();
	fg.bytes_per_call = (double)(kb1 - kb0) * 1024 / big;
	report("kernel memory per idle call (slab bytes)", big,
	       fg.bytes_per_call, "bytes");

	t0 = kt_now_ns();
	close(fd);
	fg.release_big = (double)(kt_now_ns() - t0);
	report("release of a file holding the calls", big, fg.release_big,
	       wall ? "ns total" : "insn total");

	bench_concurrency(wall ? iters * 10 : iters);
	close(b);

	goal("GET_CALL_INFO / ENOTTY floor", fg.info / fg.enotty, 1.25, true);
	goal("MAKE+DEALLOC (no line) / eventfd+close",
	     fg.make_noline / fg.eventfd, 0.5, true);
	goal("GET_CALL_INFO at 1M / at 1", fg.info_at[3] / fg.info_at[0], 1.3,
	     true);
	goal("MAKE+DEALLOC at 1M / at 1", fg.make_at[3] / fg.make_at[0], 1.3,
	     true);
	goal("bytes per idle call", fg.bytes_per_call, 256, true);
	goal("release of 1M calls (1e9 insn)", fg.release_big / 1e9, 2, true);
	if (csv && !csv_console)
		fclose(csv);
	return 0;
}
