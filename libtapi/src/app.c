// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libtapi: lineInitialize, lineInitializeEx, lineShutdown, and the pump
 * thread of each hLineApp.
 *
 * Each hLineApp has one library thread (the pump) that waits in
 * epoll_wait(2) on the app's descriptors: its control file (a /dev/ktapi
 * file without a line, which reads LINE_CREATE and LINE_REMOVE), each of
 * its lines' files, and an eventfd that wakes it.  It turns the records
 * into LINEMESSAGEs on the app's queue (msg.c), in the order each file
 * gave them.  With a callback (lineInitialize, USEHIDDENWINDOW) the same
 * thread then calls it for each message, in order, without any lock
 * held; with USEEVENT the app's event descriptor (an eventfd) is readable
 * while the queue holds a message, and lineGetMessage takes them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

pthread_mutex_t lt_lock = PTHREAD_MUTEX_INITIALIZER;
struct lt_app *lt_apps;

/* epoll data of the app's own descriptors; a line's is its HLINE. */
#define LT_EP_WAKE	0
#define LT_EP_CTRL	((uint64_t)1 << 32)

/* Under lt_lock: the live app @h.  UNINITIALIZED when there is none. */
LONG lt_find_app(HLINEAPP h, struct lt_app **out)
{
	struct lt_app *a;

	if (!lt_apps)
		return LINEERR_UNINITIALIZED;
	a = lt_handle_get(h, LT_APP);
	if (!a || a->stopping)
		return LINEERR_INVALAPPHANDLE;
	*out = a;
	return 0;
}

/* The number of device ids of the kernel (GET_DEVCAPS gives it always). */
LONG lt_num_devs(int fd, DWORD *num)
{
	struct ktapi_devcaps caps;
	int ret = ktapi_get_devcaps(fd, 0, &caps);

	if (ret && ret != -ENODEV)
		return lt_lineerr(ret, LT_ERR_PARAM);
	*num = caps.num_devices;
	return 0;
}

static void lt_close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Under lt_lock, or before the app was published: frees what is left. */
static void lt_app_free(struct lt_app *a)
{
	struct lt_msg *m;

	while ((m = a->head)) {
		a->head = m->next;
		free(m);
	}
	lt_close_fd(a->ctrl_fd);
	lt_close_fd(a->ep_fd);
	lt_close_fd(a->wake_fd);
	lt_close_fd(a->event_fd);
	pthread_cond_destroy(&a->cond);
	free(a);
	lt_handles_reset();
}

/* Under lt_lock: drops a reference; the last one frees the app. */
void lt_app_put(struct lt_app *a)
{
	if (--a->refs == 0)
		lt_app_free(a);
}

/* Delivers the queued messages to the callback, one at a time, in order. */
static void lt_deliver(struct lt_app *a)
{
	for (;;) {
		struct lt_msg *m;

		pthread_mutex_lock(&lt_lock);
		m = a->stopping ? NULL : lt_msg_pop(a);
		pthread_mutex_unlock(&lt_lock);
		if (!m)
			return;
		a->callback(m->m.hDevice, m->m.dwMessageID,
			    m->m.dwCallbackInstance, m->m.dwParam1,
			    m->m.dwParam2, m->m.dwParam3);
		free(m);
	}
}

static void *lt_pump(void *arg)
{
	struct lt_app *a = arg;
	struct epoll_event evs[16];
	int n, i, self_stop;

	for (;;) {
		n = epoll_wait(a->ep_fd, evs, LT_ARRAY_SIZE(evs), -1);
		if (n < 0 && errno != EINTR)
			n = 0;	/* cannot happen with a valid epoll fd */
		pthread_mutex_lock(&lt_lock);
		if (a->stopping) {
			pthread_mutex_unlock(&lt_lock);
			break;
		}
		for (i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			struct lt_line *l;

			if (tag == LT_EP_WAKE) {
				uint64_t v;

				if (read(a->wake_fd, &v, sizeof(v)) < 0)
					continue;
			} else if (tag == LT_EP_CTRL) {
				lt_read_ctrl(a);
			} else {
				/* A line closed meanwhile is not found. */
				l = lt_handle_get((uint32_t)tag, LT_LINE);
				if (l && l->app == a)
					lt_read_line(l);
			}
		}
		pthread_mutex_unlock(&lt_lock);
		if (a->callback)
			lt_deliver(a);
	}
	/* lineShutdown from inside the callback: nobody joins this thread. */
	pthread_mutex_lock(&lt_lock);
	self_stop = a->self_stop;
	if (self_stop)
		lt_app_put(a);
	pthread_mutex_unlock(&lt_lock);
	if (self_stop)
		pthread_detach(pthread_self());
	return NULL;
}

/* A descriptor that is never 0 (a NULL HANDLE), close-on-exec. */
static int lt_not_zero(int fd)
{
	int nfd;

	if (fd != 0)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 1);
	close(fd);
	return nfd;
}

LONG lt_epoll_add(int ep, int fd, uint64_t tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = tag;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) ? LINEERR_NOMEM : 0;
}

static LONG lt_init(LPHLINEAPP lphLineApp, LINECALLBACK callback,
		    const char *name, LPDWORD lpdwNumDevs, int use_event,
		    HANDLE *event)
{
	pthread_condattr_t ca;
	struct lt_app *a;
	DWORD num = 0;
	LONG err;
	int fd;

	a = calloc(1, sizeof(*a));
	if (!a)
		return LINEERR_NOMEM;
	a->ctrl_fd = a->ep_fd = a->wake_fd = a->event_fd = -1;
	a->callback = use_event ? NULL : callback;
	a->refs = 1;
	a->next_req = 1;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->cond, &ca);
	pthread_condattr_destroy(&ca);
	lt_app_name(a->name, name ? name : program_invocation_short_name);

	fd = ktapi_open(O_NONBLOCK);
	if (fd < 0) {
		/* No module, no node: TAPI's "no driver"; no permission. */
		err = fd == -ENOENT || fd == -ENXIO || fd == -ENODEV ?
			LINEERR_NODRIVER : fd == -EACCES || fd == -EPERM ?
			LINEERR_OPERATIONFAILED : lt_lineerr(fd, LT_ERR_PARAM);
		goto fail;
	}
	a->ctrl_fd = fd;
	err = lt_num_devs(a->ctrl_fd, &num);
	if (err)
		goto fail;
	err = LINEERR_NOMEM;
	a->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	a->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (a->ep_fd < 0 || a->wake_fd < 0)
		goto fail;
	if (use_event) {
		a->event_fd = lt_not_zero(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
		if (a->event_fd < 0)
			goto fail;
	}
	if (lt_epoll_add(a->ep_fd, a->wake_fd, LT_EP_WAKE) ||
	    lt_epoll_add(a->ep_fd, a->ctrl_fd, LT_EP_CTRL))
		goto fail;

	pthread_mutex_lock(&lt_lock);
	a->h = lt_handle_new(LT_APP, a);
	if (!a->h) {
		pthread_mutex_unlock(&lt_lock);
		goto fail;
	}
	if (pthread_create(&a->thread, NULL, lt_pump, a)) {
		lt_handle_del(a->h);
		pthread_mutex_unlock(&lt_lock);
		goto fail;
	}
	a->next = lt_apps;
	lt_apps = a;
	pthread_mutex_unlock(&lt_lock);
	*lphLineApp = a->h;
	*lpdwNumDevs = num;
	if (event)
		*event = (HANDLE)(intptr_t)a->event_fd;
	return 0;
fail:
	pthread_mutex_lock(&lt_lock);
	lt_app_free(a);
	pthread_mutex_unlock(&lt_lock);
	return err;
}

LT_EXPORT LONG WINAPI lineInitialize(LPHLINEAPP lphLineApp,
				     HINSTANCE hInstance,
				     LINECALLBACK lpfnCallback,
				     LPCSTR lpszAppName, LPDWORD lpdwNumDevs)
{
	(void)hInstance;	/* there are no modules to name on Linux */
	if (!lphLineApp || !lpfnCallback || !lpdwNumDevs)
		return LINEERR_INVALPOINTER;
	return lt_init(lphLineApp, lpfnCallback, lpszAppName, lpdwNumDevs, 0,
		       NULL);
}

LT_EXPORT LONG WINAPI lineInitializeExA(LPHLINEAPP lphLineApp,
					HINSTANCE hInstance,
					LINECALLBACK lpfnCallback,
					LPCSTR lpszFriendlyAppName,
					LPDWORD lpdwNumDevs,
					LPDWORD lpdwAPIVersion,
					LPLINEINITIALIZEEXPARAMS lpParams)
{
	LINEINITIALIZEEXPARAMS p;
	HANDLE ev = NULL;
	DWORD options;
	LONG err;

	(void)hInstance;
	if (!lphLineApp || !lpdwNumDevs || !lpdwAPIVersion)
		return LINEERR_INVALPOINTER;
	if (*lpdwAPIVersion < 0x00020000)
		return LINEERR_INCOMPATIBLEAPIVERSION;
	options = LINEINITIALIZEEXOPTION_USEHIDDENWINDOW;
	if (lpParams) {
		memcpy(&p, lpParams, sizeof(p.dwTotalSize));
		if (p.dwTotalSize < sizeof(p))
			return LINEERR_STRUCTURETOOSMALL;
		memcpy(&p, lpParams, sizeof(p));
		/* TAPI 3.x's CALLHUBTRACKING bit (0x80000000) asks nothing of us */
		options = p.dwOptions & 0x7fffffffu;
	}
	switch (options) {
	case LINEINITIALIZEEXOPTION_USEHIDDENWINDOW:
		if (!lpfnCallback)
			return LINEERR_INVALPOINTER;
		break;
	case LINEINITIALIZEEXOPTION_USEEVENT:
		break;
	default:
		/* USECOMPLETIONPORT: Linux has no completion ports. */
		return LINEERR_INVALPARAM;
	}
	err = lt_init(lphLineApp, lpfnCallback, lpszFriendlyAppName,
		      lpdwNumDevs, options == LINEINITIALIZEEXOPTION_USEEVENT,
		      &ev);
	if (err)
		return err;
	*lpdwAPIVersion = TAPI_CURRENT_VERSION;
	if (lpParams) {
		p.dwNeededSize = sizeof(p);
		p.dwUsedSize = sizeof(p);
		if (options == LINEINITIALIZEEXOPTION_USEEVENT)
			p.Handles.hEvent = ev;
		memcpy(lpParams, &p, sizeof(p));
	}
	return 0;
}

LT_EXPORT LONG WINAPI lineInitializeExW(LPHLINEAPP lphLineApp,
					HINSTANCE hInstance,
					LINECALLBACK lpfnCallback,
					LPCWSTR lpszFriendlyAppName,
					LPDWORD lpdwNumDevs,
					LPDWORD lpdwAPIVersion,
					LPLINEINITIALIZEEXPARAMS lpParams)
{
	char *name;
	LONG err = lt_w2a(lpszFriendlyAppName, &name);

	if (err)
		return err;
	err = lineInitializeExA(lphLineApp, hInstance, lpfnCallback, name,
				lpdwNumDevs, lpdwAPIVersion, lpParams);
	free(name);
	return err;
}

LT_EXPORT LONG WINAPI lineShutdown(HLINEAPP hLineApp)
{
	struct lt_app *a, **pp;
	uint64_t one = 1;
	LONG err;
	int self;

	pthread_mutex_lock(&lt_lock);
	err = lt_find_app(hLineApp, &a);
	if (err) {
		pthread_mutex_unlock(&lt_lock);
		return err;
	}
	/* The handle is void from now on; waiting lineGetMessages return. */
	a->stopping = 1;
	lt_handle_del(a->h);
	for (pp = &lt_apps; *pp != a; pp = &(*pp)->next)
		;
	*pp = a->next;
	while (a->lines)
		lt_line_free(a->lines, 0);
	pthread_cond_broadcast(&a->cond);
	self = pthread_equal(pthread_self(), a->thread);
	if (self)
		a->self_stop = 1;
	if (write(a->wake_fd, &one, sizeof(one)) < 0) {
		/* An eventfd at its maximum is readable: the pump wakes. */
	}
	pthread_mutex_unlock(&lt_lock);
	if (self)
		return 0;	/* the pump thread frees the app when it ends */
	pthread_join(a->thread, NULL);
	pthread_mutex_lock(&lt_lock);
	lt_app_put(a);
	pthread_mutex_unlock(&lt_lock);
	return 0;
}
