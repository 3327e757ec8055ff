/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libktapi - a thin, typed C API over the ktapi character device.
 *
 * Conventions (as in liburing):
 *
 *  - every function that can fail returns 0 (or a count, or a file
 *    descriptor) on success and a negative errno on failure; errno itself is
 *    not part of the interface and may be changed by any call;
 *  - the library has no global state and no hidden threads: every function
 *    is thread-safe; only ktapi_module_load() and ktapi_module_unload()
 *    allocate memory (inside libkmod), the rest make plain system calls;
 *  - every struct handed to the kernel is zero-initialised by the library
 *    and gets .size = sizeof(struct); callers never fill size or flags;
 *  - output structs are written only on success; on failure they are left
 *    untouched;
 *  - a NULL pointer where a pointer is required is -EFAULT (TAPI's
 *    LINEERR_INVALPOINTER), checked before the kernel is asked.
 *
 * The errno values and their TAPI names are those of <linux/ktapi.h>
 * ("DOC: Errors"); see
 * ktapi_error_name().  The ABI itself is <linux/ktapi.h>, which this header
 * includes: build with -I<ktapi>/uapi (or the installed include dir).
 */
#ifndef LIBKTAPI_H
#define LIBKTAPI_H

#include <stdint.h>
#include <linux/ktapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The device node opened by ktapi_open(). */
#define KTAPI_DEVICE_PATH	"/dev/ktapi"
/* The device node opened by ktapi_provider_open(). */
#define KTAPI_PROVIDER_DEVICE_PATH	"/dev/ktapi-provider"

/*
 * What the name helpers return for a value they do not know.  CALLSTATE,
 * CALLORIGIN and DISCONNECTMODE have a real member called UNKNOWN, so an
 * undefined value is "INVALID" rather than "UNKNOWN".
 */
#define KTAPI_NAME_INVALID	"INVALID"
/* What ktapi_error_name() returns for an errno that <linux/ktapi.h> does not map. */
#define KTAPI_ERROR_NAME_UNKNOWN	"UNKNOWN"

/**
 * ktapi_open() - open the ktapi device
 * @flags: extra open(2) flags, typically 0 or O_NONBLOCK
 *
 * Opens KTAPI_DEVICE_PATH with O_RDWR | O_CLOEXEC | @flags.  Each open file
 * is one TAPI application context that can hold at most one open line
 * (ktapi_line_open()); close(2) on the descriptor is lineClose.
 *
 * O_NONBLOCK only affects read(2) on the descriptor; ktapi_read_events()
 * works with either mode (see there).
 *
 * Return: the new file descriptor, or -errno from open(2) (-ENOENT when the
 * module is not loaded, -EACCES without permission on the node, ...).
 */
int ktapi_open(int flags);

/**
 * ktapi_get_devcaps() - KTAPI_IOC_GET_DEVCAPS: capabilities of a line device
 * @fd: a ktapi descriptor, with or without an open line
 * @device_id: the line device, 0 .. num_devices - 1
 * @caps: out: the whole struct as returned by the kernel (num_devices,
 *	address, kind, provider_id, name, provider_name) on success; on
 *	-ENODEV only num_devices, the count of device ids given so far, and
 *	every other field 0 (a kernel before 0.2 leaves num_devices 0 too);
 *	else not written.  A kernel older than the providers writes only the
 *	fields up to address: kind is then 0 (read it as
 *	KTAPI_DEVICE_LOOPBACK) and the names are empty
 *
 * Return: 0, or -ENODEV (LINEERR_BADDEVICEID) when @device_id is out of
 * range or names a removed device, -EFAULT when @caps is NULL, -EBADF/-ENOTTY for a descriptor that is
 * not a ktapi file, other -errno from ioctl(2).
 */
int ktapi_get_devcaps(int fd, uint32_t device_id, struct ktapi_devcaps *caps);

/**
 * ktapi_line_open() - KTAPI_IOC_LINE_OPEN: open a line on this file
 * @fd: a ktapi descriptor without an open line
 * @device_id: the line device, 0 .. num_devices - 1
 * @privileges: KTAPI_PRIVILEGE_NONE, or a non-empty OR of
 *	KTAPI_PRIVILEGE_MONITOR and KTAPI_PRIVILEGE_OWNER
 * @api_version: the negotiated TAPI version, KTAPI_API_VERSION_MIN ..
 *	KTAPI_API_VERSION_MAX (e.g. KTAPI_API_VERSION_2_2)
 *
 * Allowed once per file, even after the line was force-closed.
 *
 * Return: 0, or -EBUSY (already opened on this file), -ENODEV
 * (LINEERR_BADDEVICEID), -EINVAL (bad @privileges, LINEERR_INVALPARAM),
 * -EPROTONOSUPPORT (LINEERR_INCOMPATIBLEAPIVERSION), other -errno.
 */
int ktapi_line_open(int fd, uint32_t device_id, uint32_t privileges,
		    uint32_t api_version);

/**
 * ktapi_make_call() - KTAPI_IOC_MAKE_CALL: dial an address
 * @fd: a ktapi descriptor with an open line (any privileges)
 * @dest_address: the address to dial, 1..KTAPI_ADDRESS_MAX-1 characters of
 *	"0123456789*#+"; the library checks only that it fits, the kernel
 *	checks the characters
 * @handle: out, may be NULL: the OWNER handle of the new OUTBOUND leg
 * @call_id: out, may be NULL: the system-wide call id of that leg
 *
 * The outcome of the call (RINGBACK, or DISCONNECTED with UNAVAIL or
 * BADADDRESS) is reported by CALLSTATE events on @fd.
 *
 * Return: 0, or -EINVAL when @dest_address does not fit in
 * KTAPI_ADDRESS_MAX bytes with its NUL or is malformed
 * (LINEERR_INVALADDRESS), -EFAULT when @dest_address is NULL, -EBADFD
 * without an open line (LINEERR_INVALLINEHANDLE), -ENOSPC when the file's
 * handle space is full (LINEERR_RESOURCEUNAVAIL), -ENOMEM, other -errno.
 */
int ktapi_make_call(int fd, const char *dest_address, uint32_t *handle,
		    uint32_t *call_id);

/**
 * ktapi_answer() - KTAPI_IOC_ANSWER: answer an OFFERING call
 * @fd: a ktapi descriptor with an open line
 * @handle: an OWNER handle of this file to an OFFERING leg
 *
 * Both legs of the call become CONNECTED.
 *
 * Return: 0, or -ENOENT (LINEERR_INVALCALLHANDLE), -EACCES for a MONITOR
 * handle (LINEERR_NOTOWNER), -EBUSY when the leg is not OFFERING
 * (LINEERR_INVALCALLSTATE), -EBADFD without an open line, other -errno.
 */
int ktapi_answer(int fd, uint32_t handle);

/**
 * ktapi_drop() - KTAPI_IOC_DROP: hang up a call
 * @fd: a ktapi descriptor with an open line
 * @handle: an OWNER handle of this file to a leg that is not IDLE
 *
 * The leg becomes IDLE; the other leg of an internal call, if not IDLE,
 * becomes DISCONNECTED (NORMAL, or REJECT when an OFFERING leg is dropped).
 * The handle stays valid until ktapi_deallocate_call().
 *
 * Return: 0, or -ENOENT, -EACCES for a MONITOR handle, -EBUSY for an IDLE
 * leg, -EBADFD without an open line, other -errno.
 */
int ktapi_drop(int fd, uint32_t handle);

/**
 * ktapi_make_call_async() - KTAPI_IOC_MAKE_CALL with KTAPI_REQ_ASYNC
 * @fd: a ktapi descriptor with an open line (any privileges)
 * @dest_address: as for ktapi_make_call()
 * @handle: out, may be NULL: the OWNER handle of the new leg; usable only
 *	once the REPLY record says 0 (until then it is -ENOENT), void when
 *	the REPLY carries an error
 * @call_id: out, may be NULL: its call id
 *
 * Returns at once; the request's result comes as one KTAPI_EV_REPLY
 * record (read with ktapi_read_events()) whose request_id is the value
 * returned here and whose result is 0 or the negative errno the
 * synchronous call would have returned.  That record is never dropped.
 *
 * Return: the request id (1..0x7fffffff), or -errno: as ktapi_make_call()
 * for what is checked before the request is sent, and -EAGAIN when the
 * file has max_requests (module parameter) REPLY records unread, or the
 * provider of the line device has as many requests outstanding as it
 * accepts.  A kernel without asynchronous requests returns -EINVAL.
 */
int ktapi_make_call_async(int fd, const char *dest_address, uint32_t *handle,
			  uint32_t *call_id);

/**
 * ktapi_answer_async() - KTAPI_IOC_ANSWER with KTAPI_REQ_ASYNC
 * @fd: a ktapi descriptor with an open line
 * @handle: an OWNER handle of this file to an OFFERING leg
 *
 * Return: the request id of the KTAPI_EV_REPLY record to come, or -errno:
 * those of ktapi_answer() that are checked before the request is sent
 * (-ENOENT, -EACCES, -EBUSY, -EBADFD), and -EAGAIN as for
 * ktapi_make_call_async().
 */
int ktapi_answer_async(int fd, uint32_t handle);

/**
 * ktapi_drop_async() - KTAPI_IOC_DROP with KTAPI_REQ_ASYNC
 * @fd: a ktapi descriptor with an open line
 * @handle: an OWNER handle of this file to a leg that is not IDLE
 *
 * Return: the request id of the KTAPI_EV_REPLY record to come, or -errno
 * as for ktapi_answer_async() (ktapi_drop()'s checks).
 */
int ktapi_drop_async(int fd, uint32_t handle);

/**
 * ktapi_deallocate_call() - KTAPI_IOC_DEALLOCATE_CALL: give a handle back
 * @fd: a ktapi descriptor with an open line
 * @handle: a handle of this file, of either privilege
 *
 * The handle is void at once.  When it was the last handle to a leg that
 * is not IDLE, the leg is dropped.
 *
 * Return: 0, or -ENOENT, -EBUSY when the line was opened with an
 * api_version below 2.0 and this file is the sole owner of a leg that is
 * not IDLE, -EBADFD without an open line, other -errno.
 */
int ktapi_deallocate_call(int fd, uint32_t handle);

/**
 * ktapi_get_call_info() - KTAPI_IOC_GET_CALL_INFO: everything about a call
 * @fd: a ktapi descriptor with an open line
 * @handle: a handle of this file
 * @info: out: the whole struct as returned by the kernel (state,
 *	states_seen, origin, num_owners, addresses, app_name, ...); written
 *	only on success
 *
 * Programs built against libktapi before 0.3 (whose struct ends before
 * app_name) call the LIBKTAPI_0.1 version of this symbol, which writes
 * only the first KTAPI_CALL_INFO_SIZE_VER0 bytes of @info.
 *
 * Return: 0, or -ENOENT, -EFAULT when @info is NULL, -EBADFD without an
 * open line, other -errno.
 */
int ktapi_get_call_info(int fd, uint32_t handle,
			struct ktapi_call_info *info);

/**
 * ktapi_close_line_device() - KTAPI_IOC_CLOSE_LINE_DEVICE: force-close lines
 * @fd: any ktapi descriptor (no open line needed)
 * @device_id: the line device whose open lines are closed
 *
 * Every file with an open line on @device_id gets a KTAPI_EV_LINE_CLOSE
 * event and loses all its handles; afterwards its ioctls that need a line
 * fail with -EBADFD.  Needs CAP_SYS_ADMIN in the calling task.
 *
 * Return: 0, or -EPERM without CAP_SYS_ADMIN, -ENODEV for a bad
 * @device_id, other -errno.
 */
int ktapi_close_line_device(int fd, uint32_t device_id);

/**
 * ktapi_read_events() - wait for and read event records
 * @fd: a ktapi descriptor
 * @evs: out: room for @max records
 * @max: how many records fit in @evs, at least 1
 * @timeout_ms: how long to wait for the first record: negative (-1) waits
 *	for ever, 0 does not wait at all, otherwise milliseconds
 *
 * poll(2)s @fd for POLLIN for up to @timeout_ms, then reads as many queued
 * records as fit in @evs with one read(2) (the kernel returns only whole
 * records).  It never blocks longer than @timeout_ms: when another thread
 * reads the queued records between poll(2) and read(2) on a descriptor
 * opened with O_NONBLOCK, the wait resumes with the time that is left.
 * With a blocking descriptor shared between threads that read
 * concurrently, read(2) itself may block in that window; open the
 * descriptor with O_NONBLOCK when several threads read it.
 *
 * A signal that interrupts the wait (EINTR) does not end it: the wait
 * resumes with the time that is left, measured on CLOCK_MONOTONIC, so a
 * call returns 0 no sooner than @timeout_ms after it began.
 *
 * The records include KTAPI_EV_REPLY (the result of an asynchronous
 * request: request_id, result), KTAPI_EV_LINE_CREATE and
 * KTAPI_EV_LINE_REMOVE (device_id), read before LINE_OPEN too.
 *
 * Return: the number of records read (1..@max), 0 when none arrived within
 * @timeout_ms, or -errno: -EINVAL when @max is 0, -EFAULT when @evs is
 * NULL, -EBADF for a bad descriptor, -EPIPE when the file reports hang-up
 * or end of file, -EIO when it reports an error condition or returns a
 * partial record, other -errno from poll(2) or read(2).
 */
int ktapi_read_events(int fd, struct ktapi_event *evs, unsigned int max,
		      int timeout_ms);

/*
 * The provider API: a process serving line devices through
 * /dev/ktapi-provider (see <linux/ktapi.h>, "DOC: Providers").
 */

/**
 * ktapi_provider_open() - open the provider device
 * @flags: extra open(2) flags, typically 0 or O_NONBLOCK
 *
 * Opens KTAPI_PROVIDER_DEVICE_PATH with O_RDWR | O_CLOEXEC | @flags.  The
 * file becomes a provider with ktapi_provider_register(); closing it (or
 * the process's death) fails its pending requests with -ECONNABORTED and
 * removes every line device it added.
 *
 * Return: the new file descriptor, or -errno from open(2) (-ENOENT when
 * the module is not loaded, -EACCES without permission on the node: see
 * the group "ktapi-provider").
 */
int ktapi_provider_open(int flags);

/**
 * ktapi_provider_register() - KTAPI_PROVIDER_IOC_REGISTER
 * @fd: a provider descriptor not registered yet
 * @name: what the provider calls itself ("sip"): 0..31 printable ASCII
 *	characters; NULL is the empty name
 * @max_requests: how many requests it accepts outstanding, 1 ..
 *	KTAPI_PROVIDER_REQUESTS_MAX
 * @provider_id: out, may be NULL: the provider's id (GET_DEVCAPS's
 *	provider_id of its devices)
 * @kernel_version: out, may be NULL: the kernel's KTAPI_PROVIDER_VERSION
 *
 * Asks for protocol version KTAPI_PROVIDER_VERSION (this header's).
 *
 * Return: 0, or -EINVAL when @name does not fit (checked before the
 * kernel is asked) or is not printable, or @max_requests is out of
 * range, -EPROTONOSUPPORT for a kernel of another major version, -EBUSY
 * when @fd is registered already, other -errno.
 */
int ktapi_provider_register(int fd, const char *name, uint32_t max_requests,
			    uint32_t *provider_id, uint32_t *kernel_version);

/**
 * ktapi_provider_add_line() - KTAPI_PROVIDER_IOC_ADD_LINE
 * @fd: a registered provider descriptor
 * @address: the device's address, 1..63 characters of "0123456789*#+"
 * @name: its display name, 0..63 printable ASCII characters; NULL or ""
 *	is the address
 * @device_id: out, may be NULL: the new device's id
 *
 * Every open file of /dev/ktapi reads a KTAPI_EV_LINE_CREATE record.
 *
 * Return: 0, or -EFAULT when @address is NULL, -EINVAL when @address or
 * @name does not fit or is malformed, -ENOSPC when the provider has
 * KTAPI_PROVIDER_LINES_MAX devices (or the ids are exhausted), -EBADFD
 * before ktapi_provider_register(), -ENOMEM, other -errno.
 */
int ktapi_provider_add_line(int fd, const char *address, const char *name,
			    uint32_t *device_id);

/**
 * ktapi_provider_remove_line() - KTAPI_PROVIDER_IOC_REMOVE_LINE
 * @fd: a registered provider descriptor
 * @device_id: one of its devices
 *
 * Force-closes every line opened on it (LINE_CLOSE), then every open file
 * of /dev/ktapi reads a KTAPI_EV_LINE_REMOVE record; done when it returns.
 *
 * Return: 0, or -ENODEV when @device_id is not a live device of this
 * provider, -EBADFD before ktapi_provider_register(), other -errno.
 */
int ktapi_provider_remove_line(int fd, uint32_t device_id);

/**
 * ktapi_provider_read_requests() - wait for and read request records
 * @fd: a registered provider descriptor
 * @reqs: out: room for @max records
 * @max: how many records fit in @reqs, at least 1
 * @timeout_ms: as for ktapi_read_events()
 *
 * Waits and reads exactly as ktapi_read_events() does, whole struct
 * ktapi_provider_request records: MAKECALL, ANSWER and DROP (answer each
 * with ktapi_provider_reply()), and CLOSECALL and the DROP notice (a DROP
 * whose request_id is 0: the leg's owner closed its line, end the call),
 * which take no reply.
 *
 * Return: the number of records read (1..@max), 0 when none arrived
 * within @timeout_ms, or -errno as ktapi_read_events() (-EBADFD before
 * ktapi_provider_register()).
 */
int ktapi_provider_read_requests(int fd, struct ktapi_provider_request *reqs,
				 unsigned int max, int timeout_ms);

/**
 * ktapi_provider_reply() - KTAPI_PROVIDER_IOC_REPLY: answer a request
 * @fd: a registered provider descriptor
 * @request_id: the request_id (never 0) of a MAKECALL, ANSWER or DROP
 *	read from @fd
 * @result: 0, or one of -EINVAL, -EBUSY, -ENOMEM, -EAGAIN, -EIO,
 *	-EOPNOTSUPP (positive values are taken as their negative): what the
 *	application's request returns
 *
 * Return: 0, or -ENOENT when the request is unknown, answered already or
 * expired (timed out, its waiter killed; nothing changed), -EINVAL for
 * another @result, other -errno.
 */
int ktapi_provider_reply(int fd, uint64_t request_id, int result);

/**
 * ktapi_provider_newcall() - KTAPI_PROVIDER_IOC_NEWCALL: an incoming call
 * @fd: a registered provider descriptor
 * @device_id: one of its devices
 * @caller_address: who calls: a valid address
 * @called_address: the address called (typically the device's): a valid
 *	address
 * @call_id: out, may be NULL: the new INBOUND leg's call id (report its
 *	states with ktapi_provider_callstate())
 *
 * The module makes an INBOUND leg in OFFERING and hands the OWNER and
 * MONITOR handles out with APPNEWCALL records, as for a loopback call.
 *
 * Return: 0, or -ENXIO when the device has no OWNER line open (refuse the
 * call on the network: no leg was made), -ENODEV when @device_id is not
 * a live device of this provider, -EFAULT when an address is NULL,
 * -EINVAL for an address that does not fit or is malformed, -ENOSPC at
 * KTAPI_PROVIDER_CALLS_MAX live incoming legs, -ENOMEM, other -errno.
 */
int ktapi_provider_newcall(int fd, uint32_t device_id,
			   const char *caller_address,
			   const char *called_address, uint32_t *call_id);

/**
 * ktapi_provider_callstate() - KTAPI_PROVIDER_IOC_CALLSTATE
 * @fd: a registered provider descriptor
 * @call_id: a live leg of this provider (a MAKECALL replied 0, or a
 *	NEWCALL's)
 * @state: its new KTAPI_CALLSTATE_
 * @state_mode: one KTAPI_DISCONNECTMODE_ bit for DISCONNECTED, else 0
 *
 * Every holder of a handle to the leg reads a CALLSTATE record.  The same
 * state and mode again does nothing.
 *
 * Return: 0, or -ENOENT when @call_id is not a live leg of this provider
 * (or got its CLOSECALL), -EINVAL for a transition <linux/ktapi.h>
 * ("DOC: Providers") forbids (changing nothing), other -errno.
 */
int ktapi_provider_callstate(int fd, uint32_t call_id, uint32_t state,
			     uint32_t state_mode);

/**
 * ktapi_module_load() - load a kernel module through libkmod
 * @name_or_path: a path to a module file (the string contains '/' or ends
 *	in ".ko", ".ko.gz", ".ko.xz" or ".ko.zst"), or a module name or alias
 *	(e.g. "ktapi") looked up in /lib/modules/$(uname -r)
 * @params: module parameters such as "lines=4 event_queue_len=16", or
 *	NULL / "" for none
 *
 * A path is loaded with kmod_module_new_from_path() and
 * kmod_module_insert_module() (like insmod: dependencies are not
 * resolved); a name with kmod_module_new_from_lookup() and
 * kmod_module_probe_insert_module() (like modprobe, with dependencies and
 * install commands of modprobe.d).  A module that is already loaded counts
 * as success and is left alone: @params are not applied to it.  A name that
 * the module indexes do not know but that names a loaded module (for
 * example one loaded earlier from a path) is also success.  libkmod's own
 * logging is silenced; every libkmod object is released before returning.
 * Needs CAP_SYS_MODULE.
 *
 * Return: 0, or -EINVAL for a NULL or empty @name_or_path, -ENOENT when
 * the file or the module name does not exist, -EPERM without
 * CAP_SYS_MODULE, -ENOEXEC for a file that is not a valid module, -ENOMEM,
 * other -errno from libkmod or init_module(2).
 */
int ktapi_module_load(const char *name_or_path, const char *params);

/**
 * ktapi_module_unload() - unload a kernel module through libkmod
 * @name: a module name such as "ktapi", or the path of its module file
 *	(same rule as ktapi_module_load())
 *
 * Calls kmod_module_remove_module() (delete_module(2) with O_NONBLOCK, no
 * force).  Needs CAP_SYS_MODULE.
 *
 * Return: 0, or -EINVAL for a NULL or empty @name, -ENOENT when the module
 * is not loaded, -EBUSY when it is in use (e.g. /dev/ktapi is still open),
 * -EPERM without CAP_SYS_MODULE, other -errno.
 */
int ktapi_module_unload(const char *name);

/**
 * ktapi_callstate_name() - name of a KTAPI_CALLSTATE_ value
 * @state: one KTAPI_CALLSTATE_ bit
 *
 * Return: "IDLE", "OFFERING", ... "DISCONNECTED", "UNKNOWN" (the TAPI
 * state), without the prefix; KTAPI_NAME_INVALID for 0, for several bits
 * and for bits <linux/ktapi.h> does not define.  Never NULL; a static string.
 */
const char *ktapi_callstate_name(uint32_t state);

/**
 * ktapi_privilege_name() - name of a KTAPI_PRIVILEGE_ value
 * @privilege: KTAPI_PRIVILEGE_NONE, _MONITOR, _OWNER or _MONITOR|_OWNER
 *
 * Return: "NONE", "MONITOR", "OWNER" or "MONITOR|OWNER";
 * KTAPI_NAME_INVALID otherwise.  Never NULL; a static string.
 */
const char *ktapi_privilege_name(uint32_t privilege);

/**
 * ktapi_event_name() - name of a KTAPI_EV_ event type
 * @type: struct ktapi_event.type
 *
 * Return: "APPNEWCALL", "CALLSTATE", "LINE_CLOSE", "OVERFLOW", "REPLY",
 * "LINE_CREATE" or "LINE_REMOVE"; KTAPI_NAME_INVALID otherwise.  Never
 * NULL; a static string.
 */
const char *ktapi_event_name(uint32_t type);

/**
 * ktapi_request_name() - name of a KTAPI_PREQ_ request type
 * @type: struct ktapi_provider_request.type
 *
 * Return: "MAKECALL", "ANSWER", "DROP" or "CLOSECALL"; KTAPI_NAME_INVALID
 * otherwise.  Never NULL; a static string.
 */
const char *ktapi_request_name(uint32_t type);

/**
 * ktapi_device_kind_name() - name of a KTAPI_DEVICE_ kind
 * @kind: struct ktapi_devcaps.kind
 *
 * Return: "LOOPBACK" or "PROVIDER"; KTAPI_NAME_INVALID otherwise (0 too:
 * a kernel older than the providers leaves kind 0).  Never NULL; a static
 * string.
 */
const char *ktapi_device_kind_name(uint32_t kind);

/**
 * ktapi_origin_name() - name of a KTAPI_CALLORIGIN_ value
 * @origin: one KTAPI_CALLORIGIN_ bit
 *
 * Return: "OUTBOUND", "INTERNAL", "EXTERNAL", "UNKNOWN", "UNAVAIL",
 * "CONFERENCE" or "INBOUND"; KTAPI_NAME_INVALID otherwise.  Never NULL; a
 * static string.
 */
const char *ktapi_origin_name(uint32_t origin);

/**
 * ktapi_disconnectmode_name() - name of a KTAPI_DISCONNECTMODE_ value
 * @mode: a state_mode: one KTAPI_DISCONNECTMODE_ bit, or 0
 *
 * Return: "NORMAL", "UNKNOWN", "REJECT", "BUSY", "NOANSWER", "BADADDRESS"
 * or "UNAVAIL"; "NONE" for 0 (the state_mode of a call that is not
 * DISCONNECTED); KTAPI_NAME_INVALID otherwise.  Never NULL; a static string.
 */
const char *ktapi_disconnectmode_name(uint32_t mode);

/**
 * ktapi_error_name() - TAPI name of an errno returned by ktapi
 * @err: an errno, negative (as returned by this library) or positive
 *
 * Maps the table of <linux/ktapi.h>, "DOC: Errors": ENOENT "LINEERR_INVALCALLHANDLE", EBADFD
 * "LINEERR_INVALLINEHANDLE", EBUSY "LINEERR_INVALCALLSTATE", EACCES
 * "LINEERR_NOTOWNER", ENODEV "LINEERR_BADDEVICEID", EPROTONOSUPPORT
 * "LINEERR_INCOMPATIBLEAPIVERSION", EINVAL "LINEERR_INVALPARAM" (which
 * includes LINEERR_INVALADDRESS), EFAULT "LINEERR_INVALPOINTER", ENOSPC
 * and EAGAIN "LINEERR_RESOURCEUNAVAIL", ENOMEM "LINEERR_NOMEM",
 * ETIMEDOUT, ECONNABORTED and EIO "LINEERR_OPERATIONFAILED", EOPNOTSUPP
 * "LINEERR_OPERATIONUNAVAIL"; 0 is "SUCCESS".
 *
 * Return: the name; KTAPI_ERROR_NAME_UNKNOWN for any other errno (EPERM,
 * ENOTTY, E2BIG, ENXIO, ...; use strerror() for those).  Never NULL; a static
 * string.
 */
const char *ktapi_error_name(int err);

/* Since LIBKTAPI_0.3 (the libtapi issue). */

/**
 * ktapi_line_open_ex() - KTAPI_IOC_LINE_OPEN with flags and a name
 * @fd, @device_id, @privileges, @api_version: as ktapi_line_open()
 * @flags: 0 or KTAPI_LINE_OPEN_CALLINFO (the file reads KTAPI_EV_CALLINFO
 *	records when a leg's number of owners or monitors changes)
 * @app_name: the application's name, reported in the call info of the
 *	legs this line makes or answers first; NULL or "" for none
 *
 * ktapi_line_open() is this with 0 and NULL.
 *
 * Return: as ktapi_line_open(); -EINVAL also for unknown @flags, and for
 * an @app_name longer than KTAPI_APP_NAME_MAX - 1 (63) bytes (checked here,
 * before the kernel is asked) or with a byte below 0x20 or 0x7f.
 */
int ktapi_line_open_ex(int fd, uint32_t device_id, uint32_t privileges,
		       uint32_t api_version, uint32_t flags,
		       const char *app_name);

/**
 * ktapi_set_call_privilege() - KTAPI_IOC_SET_CALL_PRIVILEGE
 * @fd: a ktapi descriptor with an open line
 * @handle: one of its call handles
 * @privilege: KTAPI_PRIVILEGE_MONITOR or KTAPI_PRIVILEGE_OWNER, exactly
 *
 * TAPI's lineSetCallPrivilege: MONITOR to OWNER always works; OWNER to
 * MONITOR too, but for the last owner of a leg that is neither IDLE nor
 * OFFERING.  The privilege the handle has already is a no-op.  The other
 * files that hold the leg and asked for them read a KTAPI_EV_CALLINFO.
 *
 * Return: 0, or -EINVAL (@privilege; LINEERR_INVALCALLPRIVILEGE), -ENOENT
 * (LINEERR_INVALCALLHANDLE), -EBUSY (the last owner of an active leg;
 * LINEERR_INVALCALLSTATE), -EBADFD (LINEERR_INVALLINEHANDLE), other -errno.
 */
int ktapi_set_call_privilege(int fd, uint32_t handle, uint32_t privilege);

/**
 * ktapi_get_new_calls() - KTAPI_IOC_GET_NEW_CALLS: TAPI's lineGetNewCalls
 * @fd: a ktapi descriptor with an open line
 * @handles: out: room for @max handles (may be NULL when @max is 0)
 * @max: 0..KTAPI_NEW_CALLS_MAX; 0 only counts
 * @count: out: how many MONITOR handles were made, in handles[0..*count)
 * @remaining: out (may be NULL): how many more legs qualified
 *
 * A MONITOR handle for each leg of the line's device that is not IDLE and
 * that this file holds no handle for; no APPNEWCALL announces them, their
 * CALLSTATE records follow.  See <linux/ktapi.h>, "DOC: Call privilege
 * and new calls".  On error nothing is made and *count is not written.
 *
 * Return: 0, or -EFAULT (@count NULL, @handles NULL with @max > 0, or
 * @handles not writable), -EINVAL (@max too large), -ENOSPC (the file's
 * handle space is full), -EBADFD without an open line, other -errno.
 */
int ktapi_get_new_calls(int fd, uint32_t *handles, uint32_t max,
			uint32_t *count, uint32_t *remaining);

#ifdef __cplusplus
}
#endif

#endif /* LIBKTAPI_H */
