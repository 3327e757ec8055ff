// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * table_test: host test of call.c's table (the legs hashed by call id and
 * by Call-ID) and of log.c's limits (call events 200 a second, the other
 * peer-caused lines 20, each with its "suppressed" line), on the kernel's
 * kselftest harness.  No module, no network: the provider calls call.c
 * makes are stubbed below.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sipd.h"

/* What call.c and log.c use of the rest of the daemon. */
void sipd_stats_changed(struct sipd *d)
{
	d->stats_dirty = true;
}

int ktapi_provider_callstate(int fd, uint32_t call_id, uint32_t state,
			     uint32_t state_mode)
{
	(void)fd; (void)call_id; (void)state; (void)state_mode;
	return 0;
}

FIXTURE(table) {
	struct sipd d;
};

FIXTURE_SETUP(table)
{
	memset(&self->d, 0, sizeof(self->d));
	self->d.o.nlines = 2;
	self->d.o.max_calls = 8;
	self->d.nlines = 2;
	ASSERT_EQ(0, sipd_calls_init(&self->d));
	ASSERT_EQ(16u, self->d.nbuckets);	/* 2 x 8 calls */
}

FIXTURE_TEARDOWN(table)
{
	while (self->d.calls)
		sipd_call_free(self->d.calls);
	sipd_calls_fini(&self->d);
}

/* More legs than buckets (IDLE legs waiting for CLOSECALL are not bounded). */
TEST_F(table, find_by_call_id)
{
	struct sipd_call *c[200];
	uint32_t i;

	for (i = 0; i < 200; i++) {
		c[i] = sipd_call_new(&self->d, &self->d.line[i % 2], 1000 + 7 * i,
				     i % 3 == 0, "100", "200");
		ASSERT_NE(NULL, c[i]);
	}
	EXPECT_EQ(200ul, self->d.st.calls);
	for (i = 0; i < 200; i++)
		EXPECT_EQ(c[i], sipd_call_find(&self->d, 1000 + 7 * i));
	EXPECT_EQ(NULL, sipd_call_find(&self->d, 1001));
	/* Freed from the middle, the head and the end of chains. */
	for (i = 0; i < 200; i += 2)
		sipd_call_free(c[i]);
	EXPECT_EQ(100ul, self->d.st.calls);
	for (i = 0; i < 200; i++)
		EXPECT_EQ(i % 2 ? c[i] : NULL,
			  sipd_call_find(&self->d, 1000 + 7 * i));
}

TEST_F(table, by_callid)
{
	struct sipd_call *a, *b, *x, *found[3];
	int n = 0;

	a = sipd_call_new(&self->d, &self->d.line[0], 1, false, "1", "2");
	b = sipd_call_new(&self->d, &self->d.line[0], 2, false, "1", "2");
	x = sipd_call_new(&self->d, &self->d.line[1], 3, true, "1", "2");
	ASSERT_NE(NULL, x);
	EXPECT_EQ(NULL, sipd_call_next_by_callid(&self->d, "abc@h", 5, NULL));
	ASSERT_EQ(0, sipd_call_set_callid(a, "abc@h", 5));
	ASSERT_EQ(0, sipd_call_set_callid(b, "abc@h", 5));
	ASSERT_EQ(0, sipd_call_set_callid(x, "abc@hx", 6));
	EXPECT_EQ(-EEXIST, sipd_call_set_callid(a, "other", 5));
	EXPECT_STREQ("abc@h", a->callid);
	for (found[n] = NULL; n < 3 &&
	     (found[n] = sipd_call_next_by_callid(&self->d, "abc@h", 5,
						  n ? found[n - 1] : NULL)); n++)
		;
	EXPECT_EQ(2, n);	/* a and b, not x: a prefix is no match */
	EXPECT_TRUE((found[0] == a && found[1] == b) ||
		    (found[0] == b && found[1] == a));
	/* A length that cuts the key short is another key. */
	EXPECT_EQ(NULL, sipd_call_next_by_callid(&self->d, "abc@", 4, NULL));
	EXPECT_EQ(x, sipd_call_next_by_callid(&self->d, "abc@hx", 6, NULL));
	sipd_call_free(a);
	EXPECT_EQ(b, sipd_call_next_by_callid(&self->d, "abc@h", 5, NULL));
	EXPECT_EQ(NULL, sipd_call_next_by_callid(&self->d, "abc@h", 5, b));
	sipd_call_free(b);
	EXPECT_EQ(NULL, sipd_call_next_by_callid(&self->d, "abc@h", 5, NULL));
	EXPECT_EQ(x, sipd_call_find(&self->d, 3));
}

TEST(table_size)
{
	struct sipd d;

	memset(&d, 0, sizeof(d));
	d.o.nlines = SIPD_LINES_MAX;
	d.o.max_calls = SIPD_MAX_CALLS_MAX;
	ASSERT_EQ(0, sipd_calls_init(&d));
	EXPECT_EQ(65536u, d.nbuckets);
	sipd_calls_fini(&d);
	d.o.nlines = 3;
	d.o.max_calls = 100;
	ASSERT_EQ(0, sipd_calls_init(&d));
	EXPECT_EQ(512u, d.nbuckets);
	sipd_calls_fini(&d);
}

/* Lines of @f from the start; "call" lines and "suppressed" lines. */
static void tally(FILE *f, int *calls, int *other, char *supp, size_t size)
{
	char line[512];

	*calls = *other = 0;
	supp[0] = '\0';
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "suppressed"))
			snprintf(supp + strlen(supp), size - strlen(supp), "%s", line);
		else if (!strncmp(line, SIPD_NAME ": call ", 15))
			(*calls)++;
		else
			(*other)++;
	}
}

/* Until a new second of CLOCK_MONOTONIC (log.c's windows) begins. */
static void next_second(void)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		usleep(1000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec == t0.tv_sec);
}

/*
 * 250 call events and 30 other limited lines in one second: 200 and 20
 * are written, each budget on its own; the next second's first lines say
 * how many of each were left out.
 */
TEST(log_limits)
{
	struct sipd_line line = { .device_id = 4 };
	struct sipd_call c = { .call_id = 9, .line = &line };
	char supp[1024];
	int calls, other, i;
	FILE *f = tmpfile();

	ASSERT_NE(NULL, f);
	strcpy(c.from, "100");
	strcpy(c.to, "200");
	ASSERT_EQ(2, dup2(fileno(f), 2));
	sipd_log_open(true, false);	/* to a copy of fd 2: f */
	next_second();
	for (i = 0; i < 250; i++)
		sipd_call_log(&c, "event %d", i);
	for (i = 0; i < 30; i++)
		sipd_log_limited("refused %d", i);
	next_second();
	sipd_call_log(&c, "later");
	sipd_log_limited("later");
	fflush(NULL);
	tally(f, &calls, &other, supp, sizeof(supp));
	EXPECT_EQ(201, calls);
	EXPECT_EQ(21, other);
	EXPECT_NE(NULL, strstr(supp, SIPD_NAME ": 50 call event lines suppressed\n"));
	EXPECT_NE(NULL, strstr(supp, SIPD_NAME ": 10 log lines suppressed\n"));
	TH_LOG("%s", supp);
}

TEST_HARNESS_MAIN
