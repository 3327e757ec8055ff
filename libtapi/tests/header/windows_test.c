// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * windows_test.c: what our <windows.h> does at run time, one case per
 * argument (check-header.sh runs each as one TAP result):
 *   timeout   WaitForSingleObject on an empty pipe: WAIT_TIMEOUT, at once
 *             for 0 ms, after about 50 ms for 50
 *   ready     a byte in the pipe: WAIT_OBJECT_0, also with INFINITE
 *   invalid   a closed descriptor: WAIT_FAILED
 *   sleep     Sleep(30) sleeps 30 ms or more
 *   memory    ZeroMemory, FillMemory, CopyMemory, MoveMemory; TEXT()
 * Exit status 0 when the case holds, else 1 with a message.
 */
#define _POSIX_C_SOURCE 200809L
#include <windows.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int fail(const char *what)
{
	fprintf(stderr, "windows_test: %s\n", what);
	return 1;
}

static int test_wait(const char *which)
{
	struct timespec t0;
	int fds[2];
	HANDLE h;
	DWORD rc;
	long ms;

	if (pipe(fds) != 0)
		return fail("pipe");
	h = (HANDLE)(intptr_t)fds[0];
	if (strcmp(which, "timeout") == 0) {
		if (WaitForSingleObject(h, 0) != WAIT_TIMEOUT)
			return fail("0 ms on an empty pipe is not WAIT_TIMEOUT");
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = WaitForSingleObject(h, 50);
		ms = ms_since(&t0);
		if (rc != WAIT_TIMEOUT)
			return fail("50 ms on an empty pipe is not WAIT_TIMEOUT");
		if (ms < 45)
			return fail("50 ms ended early");
		return 0;
	}
	if (strcmp(which, "ready") == 0) {
		if (write(fds[1], "x", 1) != 1)
			return fail("write");
		if (WaitForSingleObject(h, 0) != WAIT_OBJECT_0)
			return fail("0 ms on a readable pipe is not WAIT_OBJECT_0");
		if (WaitForSingleObject(h, INFINITE) != WAIT_OBJECT_0)
			return fail("INFINITE on a readable pipe is not WAIT_OBJECT_0");
		return 0;
	}
	close(fds[0]);
	if (WaitForSingleObject(h, 1000) != WAIT_FAILED)
		return fail("a closed descriptor is not WAIT_FAILED");
	return 0;
}

static int test_sleep(void)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	Sleep(30);
	if (ms_since(&t0) < 30)
		return fail("Sleep(30) ended early");
	return 0;
}

static int test_memory(void)
{
	BYTE a[8], b[8];
	TCHAR s[] = TEXT("tapi");
	unsigned int i;

	FillMemory(a, sizeof(a), 0x5a);
	for (i = 0; i < sizeof(a); i++)
		if (a[i] != 0x5a)
			return fail("FillMemory");
	ZeroMemory(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++)
		if (b[i] != 0)
			return fail("ZeroMemory");
	CopyMemory(b, a, 4);
	if (b[0] != 0x5a || b[3] != 0x5a || b[4] != 0)
		return fail("CopyMemory");
	MoveMemory(a + 1, a, 4);
	a[0] = 1;
	MoveMemory(a, a + 1, 7);
	if (a[0] != 0x5a)
		return fail("MoveMemory");
	if (sizeof(s) != 5 || strcmp(s, "tapi") != 0)
		return fail("TEXT");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return fail("usage: windows_test timeout|ready|invalid|sleep|memory");
	if (strcmp(argv[1], "timeout") == 0 || strcmp(argv[1], "ready") == 0 ||
	    strcmp(argv[1], "invalid") == 0)
		return test_wait(argv[1]);
	if (strcmp(argv[1], "sleep") == 0)
		return test_sleep();
	if (strcmp(argv[1], "memory") == 0)
		return test_memory();
	return fail("unknown case");
}
