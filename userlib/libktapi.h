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
 *	address, ...); written only on success
 *
 * Return: 0, or -ENODEV (LINEERR_BADDEVICEID) when @device_id is out of
 * range, -EFAULT when @caps is NULL, -EBADF/-ENOTTY for a descriptor that is
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
 *	states_seen, origin, num_owners, addresses, ...); written only on
 *	success
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
 * Return: the number of records read (1..@max), 0 when none arrived within
 * @timeout_ms, or -errno: -EINVAL when @max is 0, -EFAULT when @evs is
 * NULL, -EBADF for a bad descriptor, -EPIPE when the file reports hang-up
 * or end of file, -EIO when it reports an error condition or returns a
 * partial record, other -errno from poll(2) or read(2).
 */
int ktapi_read_events(int fd, struct ktapi_event *evs, unsigned int max,
		      int timeout_ms);

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
 * Return: "APPNEWCALL", "CALLSTATE", "LINE_CLOSE" or "OVERFLOW";
 * KTAPI_NAME_INVALID otherwise.  Never NULL; a static string.
 */
const char *ktapi_event_name(uint32_t type);

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
 * "LINEERR_RESOURCEUNAVAIL", ENOMEM "LINEERR_NOMEM"; 0 is "SUCCESS".
 *
 * Return: the name; KTAPI_ERROR_NAME_UNKNOWN for any other errno (EPERM,
 * ENOTTY, E2BIG, ...; use strerror() for those).  Never NULL; a static
 * string.
 */
const char *ktapi_error_name(int err);

#ifdef __cplusplus
}
#endif

#endif /* LIBKTAPI_H */
