/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ktapi - the TAPI 2.2 call handle model as a Linux character device.
 *
 * This header is the whole ABI between the ktapi module and userspace:
 * every rule a program may rely on is written here.
 */
#ifndef _UAPI_LINUX_KTAPI_H
#define _UAPI_LINUX_KTAPI_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * DOC: Overview
 *
 * ktapi serves TAPI 2.2's line devices through the misc device /dev/ktapi.
 * Each open file of it, once KTAPI_IOC_LINE_OPEN has succeeded, is one
 * open *line* of one application: it holds its own map of call handles
 * and its own queue of events, read with read() and poll().  Closing the
 * file is lineClose.  Calls between line devices go through a loopback
 * switch inside the module, so incoming calls, owners and monitors are
 * real.
 *
 * Objects:
 *
 *  - a *line device* has a number (0 <= N < num_devices) and a dialable
 *    address, both reported by KTAPI_IOC_GET_DEVCAPS;
 *  - a *call* (one leg) lives on one line device, has a state and a
 *    system-wide call id, and is shared by every file holding a handle to
 *    it; a call between two line devices is two legs that name each
 *    other in related_call_id;
 *  - a *handle* names one leg, with OWNER or MONITOR privilege, for one
 *    file only.
 *
 * The module creates /dev/ktapi with mode 0600, owned by root: opening it
 * is enough to monitor every call of every line, so it is never made
 * world-usable.  The udev rule shipped with ktapi gives it group "ktapi"
 * and mode 0660.
 */

/**
 * DOC: General ioctl format
 *
 * Every command is _IO(KTAPI_IOC_TYPE, nr): the argument is a pointer to a
 * struct whose first two members are "__u32 size; __u32 flags;".  A struct
 * only ever grows at its end, by fields whose value 0 means what the
 * earlier version did; KTAPI_<STRUCT>_SIZE_VER0, next to each struct, is
 * its first published size, and KTAPI_<STRUCT>_SIZE_VER1 the size after
 * its first growth (struct ktapi_devcaps, ktapi_make_call and
 * ktapi_call_op grew with the providers; struct ktapi_line_open and
 * ktapi_call_info with the application name of the libtapi issue).  A
 * program sets size to the sizeof of the struct it was built with.  The
 * kernel reads size first, then:
 *
 *  - size < KTAPI_<STRUCT>_SIZE_VER0 is -EINVAL; size > PAGE_SIZE is
 *    -E2BIG;
 *  - a size up to the kernel's sizeof (a program older than the kernel):
 *    the kernel reads size bytes and takes every field past them as 0;
 *  - a larger size (a program newer than the kernel) is accepted only when
 *    every byte past the kernel's sizeof is zero, else -E2BIG; those bytes
 *    are never written;
 *  - unknown flags bits (the only flags are KTAPI_REQ_ASYNC, of MAKE_CALL,
 *    ANSWER and DROP: see "Requests", and KTAPI_LINE_OPEN_CALLINFO, of
 *    LINE_OPEN) and non-zero reserved fields are -EINVAL;
 *  - on success, the commands with output (GET_DEVCAPS, MAKE_CALL,
 *    GET_CALL_INFO, GET_NEW_CALLS, and ANSWER and DROP with
 *    KTAPI_REQ_ASYNC) write the
 *    struct back, min(size, sizeof) bytes: the output fields as the
 *    command defines them, every other byte as it was read (size, flags,
 *    input fields; reserved fields are 0).  The other commands write
 *    nothing;
 *  - on error, the output fields are undefined (but GET_DEVCAPS's
 *    num_devices on ENODEV, see struct ktapi_devcaps): they may have been
 *    written in part (GET_CALL_INFO writes its result straight into the struct,
 *    and a fault midway leaves it half written; MAKE_CALL, and ANSWER and
 *    DROP with KTAPI_REQ_ASYNC, write their result before they start).
 *    Other bytes are not changed;
 *  - an unreadable or unwritable argument is -EFAULT.  MAKE_CALL, or an
 *    async ANSWER or DROP, whose result cannot be written is -EFAULT and
 *    has done nothing (no call, no REPLY).
 *
 * The checks run in this order, and the first failing one gives the errno:
 * the argument itself (EFAULT, EINVAL, E2BIG), flags and reserved fields
 * (EINVAL), the state of the line (EBADFD, or EBUSY for LINE_OPEN), then the
 * values of the fields (ENODEV, EINVAL, EPROTONOSUPPORT, ENOENT, ...).
 * CLOSE_LINE_DEVICE checks CAP_SYS_ADMIN (EPERM) before device_id.
 * An unknown command is -ENOTTY.  Every struct has the same layout for 32-
 * and 64-bit processes; 32-bit processes use the same commands.
 */

/**
 * DOC: Errors
 *
 * Each errno stands for one TAPI LINEERR_ value:
 *
 *  ==============  ==============================  ============================
 *  errno           TAPI                            when
 *  ==============  ==============================  ============================
 *  ENOENT          LINEERR_INVALCALLHANDLE         handle 0, never allocated,
 *                                                  deallocated, or of another
 *                                                  file
 *  EBADFD          LINEERR_INVALLINEHANDLE         no LINE_OPEN yet, or the
 *                                                  line was force-closed
 *  EBUSY           LINEERR_INVALCALLSTATE          ANSWER on a leg that is not
 *                                                  OFFERING, DROP on an IDLE
 *                                                  leg, DEALLOCATE_CALL of
 *                                                  api_version 1.x; also a
 *                                                  second LINE_OPEN
 *  EACCES          LINEERR_NOTOWNER                ANSWER or DROP with a
 *                                                  MONITOR handle
 *  ENODEV          LINEERR_BADDEVICEID             device_id >= num_devices,
 *                                                  or a removed device
 *  EPROTONOSUPPORT LINEERR_INCOMPATIBLEAPIVERSION  api_version out of range
 *  EINVAL          LINEERR_INVALADDRESS,           malformed address; bad
 *                  LINEERR_INVALPARAM              flags, privileges, reserved
 *                                                  field or size
 *  EFAULT          LINEERR_INVALPOINTER            bad user pointer
 *  ENOSPC          LINEERR_RESOURCEUNAVAIL         the file's handle space is
 *                                                  full (max_handles)
 *  ENOMEM          LINEERR_NOMEM                   an allocation failed;
 *                                                  nothing half-made remains
 *  EPERM           (not permitted)                 CLOSE_LINE_DEVICE without
 *                                                  CAP_SYS_ADMIN
 *  EAGAIN          LINEERR_RESOURCEUNAVAIL         the provider has as many
 *                                                  requests outstanding as
 *                                                  it accepts, or the file
 *                                                  as many async requests
 *                                                  unreported as
 *                                                  max_requests (module
 *                                                  parameter)
 *  ETIMEDOUT       LINEERR_OPERATIONFAILED         the provider did not
 *                                                  reply within
 *                                                  provider_timeout_ms
 *  ECONNABORTED    LINEERR_OPERATIONFAILED         the provider went away
 *                                                  with the request pending
 *  EIO             LINEERR_OPERATIONFAILED         the provider failed the
 *                                                  request
 *  EOPNOTSUPP      LINEERR_OPERATIONUNAVAIL        the provider does not do
 *                                                  that
 *  ENOTTY          (unknown ioctl)
 *
 * A provider's REPLY may also fail a request with EINVAL, EBUSY, ENOMEM or
 * EAGAIN, meaning what they mean above (see "Providers").
 *  ==============  ==============================  ============================
 */

/**
 * DOC: Handles
 *
 * A handle is a non-zero __u32 naming one call for one open file (one
 * "line").  Handles are allocated cyclically in 1..max_handles (module
 * parameter, default 65536): a deallocated value is not handed out again by
 * the same file until the handle space wraps; the values a failed
 * MAKE_CALL (ENOMEM) had reserved are skipped the same way.  A handle of
 * one file means nothing in another (ENOENT).  When a file's handle space
 * is full, its MAKE_CALL fails with -ENOSPC; an incoming call that would
 * give a handle to another file whose space is full skips that file when
 * it is a monitor, and is refused (caller's leg DISCONNECTED/BUSY) when it
 * is the owner.
 *
 * A handle stays valid after its call goes IDLE, and the call's info stays
 * readable, until KTAPI_IOC_DEALLOCATE_CALL or line close.
 *
 * A leg lives as long as any handle to it: with api_version 2.0 or later
 * the sole OWNER may deallocate its handle while the leg is active, and the
 * leg goes on with its MONITOR handles; it is dropped (its peer sees
 * DISCONNECTED) when the last handle of any kind goes.  With api_version
 * 1.x, DEALLOCATE_CALL is -EBUSY while the caller is the sole owner of a
 * leg that is not IDLE.
 *
 * Call ids are system-wide unique among live calls and non-zero.  They are
 * not in the order calls were made: the kernel hands them out in blocks of
 * 64 to each CPU.  They wrap around after 0xffffffff, are not reused while
 * any call of their block lives, and a failed MAKE_CALL may skip some.
 *
 * Closing the file (its release) is lineClose: every handle of the file
 * is void, and each leg that is not IDLE and whose sole owner was this
 * file is dropped (a leg on a provider's device: its provider is told to
 * end it, see "Providers").
 */

/**
 * DOC: Memory
 *
 * A file remembers the memory cgroup of the process that opened it, and
 * what the kernel keeps for a file is charged there, whoever's system call
 * made it:
 *
 *  - the file itself and its event queue: to its opener's cgroup;
 *  - a handle and its slot in the handle map: to the cgroup of the file
 *    that holds the handle (a monitor pays for the MONITOR handles it
 *    keeps, the owner of a line for its incoming calls' handles);
 *  - a leg: the OUTBOUND leg to the file that made the call, the INTERNAL
 *    leg to the file that owns the called line.
 *
 * When the callee owner's cgroup is at its limit, its handle (or the
 * incoming leg) is charged to the caller's cgroup instead, so a full callee
 * does not make the call fail.  A MONITOR file whose cgroup is at its limit
 * (or whose handle space is full) misses that call: it gets no handle and
 * no record, the call goes on, and the caller pays nothing for it (the
 * trace event ktapi:ktapi_monitor_skipped counts it).  MAKE_CALL is -ENOMEM
 * only when the caller's own cgroup is full, except on a provider's device:
 * a request to a provider (MAKE_CALL, ANSWER, DROP) is charged to the
 * provider's cgroup, and is also -ENOMEM when that cgroup is full.  A leg
 * stays charged to its caller while any handle of another file still
 * names it.
 */

/**
 * DOC: Events
 *
 * read() returns whole struct ktapi_event records: as many as fit in the
 * buffer (at least one; a buffer smaller than one record is -EINVAL).  It
 * blocks while nothing can be read unless O_NONBLOCK (-EAGAIN); poll()
 * reports EPOLLIN | EPOLLRDNORM while a record can be read.  Events of one
 * file are delivered in the order they were queued; those of one handle
 * in the order its call made them (an APPNEWCALL first).  Events of
 * unrelated calls have no common order across files.  A record's time_ns
 * never goes back from one record to the next, but for OVERFLOW's.
 *
 * Every state change of a leg queues one CALLSTATE record to every file
 * holding a handle to it; a leg's first state counts as a change.  A file
 * given a handle it did not ask for (every handle except MAKE_CALL's own
 * result and GET_NEW_CALLS's) reads an APPNEWCALL record for it first,
 * then its CALLSTATE records.  A file opened with KTAPI_LINE_OPEN_CALLINFO also reads
 * CALLINFO records (LINE_CALLINFO: a leg's number of owners or monitors
 * changed, see "Call privilege and new calls"); they are dropped and
 * counted like CALLSTATE records.
 *
 * The queue holds event_queue_len records (module parameter).  When it is
 * full:
 *
 *  - a CALLSTATE record is dropped and counted (GET_CALL_INFO still gives
 *    the leg's current state);
 *  - an APPNEWCALL record is never dropped: it waits behind the queue,
 *    after the APPNEWCALLs already waiting (the kernel keeps it in the
 *    handle it announces, so this needs no memory and cannot fail);
 *  - while any APPNEWCALL waits, the queue stays full: every CALLSTATE
 *    record is dropped and counted, and a new APPNEWCALL waits behind the
 *    others.  So a handle's CALLSTATE records never come before its
 *    APPNEWCALL.
 *
 * As records are read, the room is filled, in this order, before any new
 * record is queued: the waiting APPNEWCALL records, oldest first; then,
 * if records were dropped, one KTAPI_EV_OVERFLOW record whose "dropped"
 * is the number of records dropped since the previous OVERFLOW; then the
 * LINE_CLOSE record of a forced close (below).  An APPNEWCALL still
 * waiting when its handle is voided (the line is closed, or a
 * DEALLOCATE_CALL named it before it was read) is not delivered, and is
 * counted in that OVERFLOW instead.  So every record that is not
 * delivered is counted in exactly one OVERFLOW, and once a file has read
 * all it can, every handle it holds but MAKE_CALL's and GET_NEW_CALLS's
 * results was announced to it by exactly one APPNEWCALL.
 *
 * A REPLY record (the completion of a KTAPI_REQ_ASYNC request, see
 * "Requests") is never dropped either: like an APPNEWCALL it waits behind
 * a full ring, in the same line as the waiting APPNEWCALLs (kept in the
 * request, so this cannot fail), and while it waits, CALLSTATE records are
 * dropped.  LINE_CREATE and LINE_REMOVE records are dropped and counted
 * like CALLSTATE records, and take at most the first half of the ring
 * (rounded up): one that comes while the ring holds that many records of
 * any type is dropped and counted, so devices coming and going never take
 * the room of a file's call records.  After an OVERFLOW, GET_DEVCAPS
 * tells what exists.  A LINE_REMOVE whose device's LINE_CREATE is the
 * last record in the ring and not read yet takes that LINE_CREATE back:
 * the file reads neither (a device that came and went unseen), and
 * neither counts as dropped.  So a provider adding and removing devices
 * in a loop fills no file's ring.
 *
 * LINE_CREATE and LINE_REMOVE (see "Providers") are queued to every open
 * file of /dev/ktapi whose line was not force-closed, with or without
 * LINE_OPEN.  Nothing else is queued for a file before LINE_OPEN, and
 * nothing at all after its line was force-closed:
 * KTAPI_IOC_CLOSE_LINE_DEVICE queues one LINE_CLOSE record
 * on each line of the device opened before it began (a LINE_OPEN that
 * comes while it runs is not closed), voids their handles, one line after
 * the other, before it returns, and every later ioctl that needs an open
 * line is -EBADFD there (a new LINE_OPEN: -EBUSY; open the device again
 * instead).  The file stays readable:
 *
 *  - the LINE_CLOSE is delivered exactly once, even when the queue was
 *    full: after every record queued before it, and after the OVERFLOW
 *    that counts the records dropped before it; it is the last record the
 *    file reads.  Its time_ns is the time of the close;
 *  - from the close on, poll() reports EPOLLHUP, with EPOLLIN |
 *    EPOLLRDNORM as long as a record (the LINE_CLOSE at least) is left to
 *    read; the close wakes every poller and blocked reader of the file;
 *  - once the LINE_CLOSE was read, read() returns 0 (end of file), with or
 *    without O_NONBLOCK, and poll() reports EPOLLHUP alone.
 *
 * A line that was not force-closed never reports EPOLLHUP, and its read()
 * never returns 0.
 */

/**
 * DOC: Call privilege and new calls
 *
 * These serve TAPI's lineSetCallPrivilege, lineGetNewCalls, LINE_CALLINFO
 * and LINECALLINFO's dwAppName (the libtapi issue); they work on a line
 * opened with any privileges, on loopback and provider devices alike (a
 * provider is not told: privileges are the kernel's business).
 *
 * KTAPI_IOC_SET_CALL_PRIVILEGE turns one handle of this file into an
 * OWNER or a MONITOR handle of its leg.  MONITOR to OWNER is always
 * allowed (TAPI: any application that asks for ownership gets it; there
 * may be several owners).  OWNER to MONITOR is -EBUSY when this handle is
 * the leg's last OWNER handle and the leg is neither IDLE nor OFFERING: an
 * active call keeps an owner (drop it first).  The last owner of an
 * OFFERING leg may step back: the leg goes on OFFERING with no owner
 * until a handle takes ownership or the caller gives up (no one can
 * ANSWER it meanwhile).  Asking for the privilege the handle has is 0 and
 * changes nothing.  The CALLSTATE records queued after the change carry
 * the new privilege (an APPNEWCALL still waiting behind a full queue
 * carries the privilege its handle has when it enters the queue).  The
 * checks, in this order: an open line (EBADFD), the privilege (EINVAL),
 * the handle (ENOENT), then EBUSY.  Any line may take ownership, whatever
 * the privileges and api_version it was opened with (TAPI lets any
 * application own a call it has a handle to).  Nothing else depends on an
 * owner: a line closed by a former owner is a monitor's (the leg is not
 * dropped, a provider gets no DROP notice), and api 1.x's DEALLOCATE_CALL
 * rule is about the sole owner the leg has now.
 *
 * KTAPI_IOC_GET_NEW_CALLS gives this file a MONITOR handle to each leg of
 * its line device that is not IDLE and that it holds no handle for (TAPI's
 * lineGetNewCalls; a line opened after a call began is not told of it
 * otherwise).  No APPNEWCALL announces these handles: their numbers are
 * the ioctl's result; the leg's next state change reaches them as
 * CALLSTATE records.  At most max_handles handles are made, in no
 * particular order; out_remaining tells how many more legs qualified,
 * so a second GET_NEW_CALLS gets them.  A leg that is being made or ended
 * while GET_NEW_CALLS runs, or one whose handles in other files are being
 * given or voided meanwhile, may or may not be counted (the module keeps
 * no list of a device's legs: it finds them through the handles of the
 * device's files, each under its own call's lock).
 *
 * A leg's number of OWNER and MONITOR handles (GET_CALL_INFO's
 * num_owners, num_monitors) changes when a handle is given (an incoming
 * call, GET_NEW_CALLS), is voided (DEALLOCATE_CALL, line close) or
 * changes privilege.  Then every other file that holds a handle to the
 * leg and opened its line with KTAPI_LINE_OPEN_CALLINFO reads a
 * KTAPI_EV_CALLINFO record whose info_state is the OR of
 * KTAPI_CALLINFOSTATE_NUMOWNERINCR, _NUMOWNERDECR and _NUMMONITORS, as
 * TAPI's LINE_CALLINFO.  As TAPI does, the file whose handle changed
 * reads none, the handles given together when a leg is created cause
 * none (their APPNEWCALL and first CALLSTATE tell), and an IDLE leg sends
 * none.  A file holds at most one unread CALLINFO record per handle: a
 * change while one is queued ORs its bits into it (the record keeps its
 * place in the queue and its time_ns; a record a read() is copying at
 * that moment counts as read, the records behind those it copies do not).
 * A read() that faults (EFAULT) leaves the records it could not copy
 * unread, so after one, two unread CALLINFO records of a handle may be
 * queued.
 *
 * An application may name itself at LINE_OPEN (app_name: TAPI's friendly
 * application name of lineInitializeEx).  A leg takes the name of the
 * line that made it (OUTBOUND) or that first answered it (INTERNAL,
 * INBOUND), and keeps it for its life, after that line closed too;
 * GET_CALL_INFO reports it in app_name (empty when that line gave no
 * name, and for an incoming leg nobody answered yet).  "First answered":
 * the first ANSWER that succeeded on the loopback switch; on a provider's
 * device the first ANSWER its provider replied 0 to, if the line that
 * asked still holds its handle then.  A leg answered by a line that gave
 * no name stays unnamed.
 */

/**
 * DOC: Line devices and the loopback switch
 *
 * The loopback switch serves line devices 0 .. lines - 1 (the module
 * parameter "lines", 0..1024; 0 when every line is a provider's).
 * Loopback device N has the address "N + 1000" in decimal ("1000",
 * "1001", ...).  A well-formed
 * address that names no device (say "999") gives the caller's leg
 * DISCONNECTED/BADADDRESS.
 *
 * MAKE_CALL creates an OUTBOUND leg with an OWNER handle for the caller,
 * DIALING, then:
 *
 *  - to a device with at least one OWNER line open: an INTERNAL leg is
 *    created there, OFFERING, and the caller's leg goes to RINGBACK.  The
 *    incoming leg has exactly one owner: the file that has held the device
 *    open (LINE_OPEN) with OWNER privilege the longest gets the OWNER
 *    handle; every other file with MONITOR privilege on it gets a MONITOR
 *    handle; an OWNER-only file that was not chosen gets none.  An owner
 *    that closes its line while the call is set up gets nothing and the
 *    next one is chosen (up to 16 times; then the leg is UNAVAIL, as with
 *    no owner).  The caller's related_call_id is 0 until the incoming leg
 *    exists, never the id of a leg that was not made;
 *  - to a device with no OWNER line: the caller's leg goes DISCONNECTED
 *    with UNAVAIL;
 *  - to an address of no device: DISCONNECTED with BADADDRESS.
 *
 * The other MONITOR files on the caller's device get a MONITOR handle to
 * the outbound leg too: one handle per file per leg, never two.
 *
 * The records, per file, in order:
 *
 *  - caller: CALLSTATE DIALING, then CALLSTATE RINGBACK (or DISCONNECTED);
 *  - callee owner: APPNEWCALL (OFFERING, OWNER), CALLSTATE OFFERING;
 *  - each callee monitor: APPNEWCALL (OFFERING, MONITOR), CALLSTATE
 *    OFFERING;
 *  - each other monitor of the caller's device: APPNEWCALL (DIALING,
 *    MONITOR), CALLSTATE DIALING, CALLSTATE RINGBACK (or DISCONNECTED).
 *
 * ANSWER on the OFFERING leg: the callee leg goes CONNECTED, then the
 * caller's (one CALLSTATE each, to every holder).  DROP: that leg goes
 * IDLE, then the other leg, if not IDLE, DISCONNECTED with NORMAL (REJECT
 * when the dropped leg was OFFERING).  DROP of a DISCONNECTED leg makes it
 * IDLE and leaves its peer alone.
 */

/**
 * DOC: Requests
 *
 * MAKE_CALL, ANSWER and DROP are requests.  On the loopback switch they are
 * done before the ioctl returns.  On a provider's device the module passes
 * them to the provider and, by default, waits for its REPLY, killably
 * (only a fatal signal ends the wait), at most provider_timeout_ms (module
 * parameter, default 5000): then the request fails with ETIMEDOUT, and the
 * provider's late REPLY is ignored.  The ioctl returns the REPLY's result.
 *
 * With KTAPI_REQ_ASYNC in flags the ioctl returns 0 at once, after the
 * checks a synchronous request makes before it is sent (handle, privilege,
 * state; and EAGAIN at a limit, ECONNABORTED when the provider is going
 * away: those errors are still returned by the ioctl, and no REPLY
 * follows them), with a request id in request_id: a positive number,
 * 1..0x7fffffff, handed out cyclically by each file.  The request's result
 * comes later as one KTAPI_EV_REPLY record with that request_id (TAPI's
 * LINE_REPLY), which is never dropped:
 *
 *  - on the loopback switch the REPLY is queued at once, before the
 *    CALLSTATE records the request causes, so it is the first record of a
 *    MAKE_CALL's handle;
 *  - an asynchronous MAKE_CALL's handle and call_id are written at once,
 *    but the handle is usable (and its events queued) only once the
 *    REPLY says 0: until then the handle is ENOENT, and when the request
 *    fails the handle is void before the REPLY is queued, so the program
 *    never deallocates the handle of a call that never existed;
 *  - a REPLY is delivered even when the handle it names was deallocated,
 *    or its leg went IDLE, meanwhile.
 *
 * A file may have at most max_requests (module parameter, default 256)
 * asynchronous requests whose REPLY it has not read yet; one more is
 * EAGAIN.  Closing the file discards its REPLY records, and a provider's
 * REPLY to a request of a closed file changes nothing but the call.
 */

/**
 * DOC: Providers
 *
 * A process serves line devices through the second misc device,
 * /dev/ktapi-provider (mode 0600, root; the udev rule shipped with ktapi
 * gives it group "ktapi-provider" and mode 0660), as FUSE serves a file
 * system.  Each open file of it is one provider once it has done
 * KTAPI_PROVIDER_IOC_REGISTER (before that every other ioctl and read()
 * are EBADFD; a second REGISTER is EBUSY).  The provider then:
 *
 *  - adds line devices (ADD_LINE) and may remove them (REMOVE_LINE).  A
 *    device's id follows the loopback devices and every id given before:
 *    ids are never reused while the module is loaded.  Its address need
 *    not be unique; the loopback switch routes calls only to loopback
 *    devices.  Every open file of /dev/ktapi gets a KTAPI_EV_LINE_CREATE
 *    record once the device can be opened, and a KTAPI_EV_LINE_REMOVE
 *    once it is gone: then every line opened on it was force-closed as
 *    by CLOSE_LINE_DEVICE (LINE_CLOSE record, handles void), and its id
 *    is ENODEV to LINE_OPEN and GET_DEVCAPS, for good;
 *  - reads requests: read() returns whole struct ktapi_provider_request
 *    records, as many as fit (at least one; a smaller buffer is EINVAL),
 *    blocking unless O_NONBLOCK (EAGAIN); poll() says EPOLLIN while one
 *    can be read.  MAKECALL, ANSWER and DROP each carry a 64-bit
 *    request_id, never reused by one provider, and must be answered with
 *    one REPLY.  A REPLY whose request_id is unknown, already answered, or
 *    expired (timed out, or its waiter killed) is ENOENT and changes
 *    nothing;
 *  - reports incoming calls (NEWCALL) and the states of its legs
 *    (CALLSTATE).
 *
 * What the module does for a request:
 *
 *  - MAKE_CALL on a line of a provider's device creates an OUTBOUND leg
 *    with its OWNER handle, invisible to everyone (even to the caller: the
 *    handle is ENOENT) and in no state yet, and queues MAKECALL (call_id,
 *    device_id, the dialled address, the device's address as the
 *    caller's).  When the provider's REPLY is 0 the leg is published as
 *    the loopback switch publishes one: DIALING, the caller's CALLSTATE
 *    DIALING (an async MAKE_CALL's REPLY record first), and every MONITOR
 *    line of the device gets a MONITOR handle with APPNEWCALL.  Any other
 *    result, a timeout or the provider's death frees the leg and its
 *    handle; nothing was ever published.  The provider may report the
 *    leg's states only after its REPLY 0 (CALLSTATE before is EINVAL);
 *  - ANSWER and DROP check the handle, privilege and state as on the
 *    loopback switch (ANSWER: OFFERING; DROP: not IDLE), then queue
 *    ANSWER or DROP with the leg's call_id.  The module changes no state:
 *    the provider reports CONNECTED, DISCONNECTED, IDLE as the network
 *    makes them (a DROP should end with IDLE);
 *  - CLOSECALL (request_id 0, no REPLY) tells the provider that the last
 *    handle of one of its legs is gone, however it went (DEALLOCATE_CALL,
 *    line close, forced close, removal of the device): it must free what
 *    it keeps for the call and, when state (the leg's last state) is not
 *    IDLE, end the call on the network.  Every call id the provider was
 *    given (a MAKECALL, a NEWCALL's out_call_id) gets exactly one
 *    CLOSECALL, after its MAKECALL's request is over (replied, timed out
 *    or its waiter killed) and never before the last handle is gone; it
 *    is preallocated with the leg, so it is never lost, dropped or
 *    refused.  After CLOSECALL the call id means nothing to the provider
 *    (CALLSTATE on it is ENOENT), and a REPLY to a request made before it
 *    is still matched by its request_id.  A MAKECALL the provider never
 *    read before the request ended is taken back from its queue, and no
 *    CLOSECALL follows it.
 *
 * Incoming calls: NEWCALL creates an INBOUND leg (origin
 * KTAPI_CALLORIGIN_INBOUND) in OFFERING on one of the provider's devices,
 * with the caller and called address the provider gives, and hands out
 * the OWNER and MONITOR handles with APPNEWCALL exactly as the loopback
 * switch does for its incoming legs.  It returns the leg's call id in
 * out_call_id, or ENXIO when the device has no OWNER line open (the
 * provider refuses the call on the network; no leg was made).
 *
 * CALLSTATE sets a leg's state and mode, which the module queues as
 * CALLSTATE records to every holder.  The same state and mode again is a
 * no-op (0, no record).  EINVAL, changing nothing: a state that is not
 * one KTAPI_CALLSTATE_ bit, or is CONFERENCED, ONHOLDPENDCONF or
 * ONHOLDPENDTRANSFER; OFFERING or ACCEPTED on an OUTBOUND leg; DIALTONE,
 * DIALING, RINGBACK, PROCEEDING or BUSY on an INBOUND leg; OFFERING after
 * the leg's first state; anything after IDLE; anything but IDLE after
 * DISCONNECTED; a state_mode that is not exactly one KTAPI_DISCONNECTMODE_
 * bit for DISCONNECTED, or not 0 for another state; an outgoing leg whose
 * MAKECALL was not answered 0 yet.  A call_id that is not a live leg of
 * this provider is ENOENT.
 *
 * A provider touches only its own devices and legs: another provider's
 * device_id, or a removed one, is ENODEV; another's call_id ENOENT.
 * Everything a provider passes is checked as hostile input: addresses as
 * for every line (1..63 characters of "0123456789*#+", NUL-terminated
 * within the array), names printable ASCII and NUL-terminated within the
 * array, reserved fields and unknown flags 0 (EINVAL).
 *
 * Limits, all charged to the provider's memory cgroup (the opener's of its
 * file): at most KTAPI_PROVIDER_LINES_MAX devices live per provider
 * (ENOSPC); at most max_requests outstanding requests (REGISTER's
 * max_requests, 1..KTAPI_PROVIDER_REQUESTS_MAX): a request past it fails at
 * once with EAGAIN, it never waits for room; at most
 * KTAPI_PROVIDER_CALLS_MAX live INBOUND legs (NEWCALL is ENOSPC).  A
 * CLOSECALL never counts against a limit.
 *
 * Death: releasing the provider's file (exit, crash, kill) fails every
 * pending request with ECONNABORTED (a synchronous request returns it; an
 * async one gets a REPLY with it), then removes each of its devices as
 * REMOVE_LINE does.  A provider that never reads its file only makes its
 * own requests time out: nothing of another provider's or the loopback
 * switch's waits for it.
 *
 * The module never changes a provider leg's state itself.  When the last
 * handle of a leg that is not IDLE goes, its CLOSECALL (state not IDLE)
 * tells the provider to end the call.  When the sole OWNER handle of a
 * leg that is not IDLE goes by line close (release of the owner's file,
 * or CLOSE_LINE_DEVICE) while MONITOR handles to it remain, where the
 * loopback switch drops the leg at once, the provider reads a *DROP
 * notice*: a KTAPI_PREQ_DROP record with request_id 0, which takes no
 * REPLY (a REPLY to request id 0 is ENOENT, as for any unknown id).  The
 * provider ends the call and reports it as for a DROP request
 * (DISCONNECTED, IDLE), which the monitors read; the CLOSECALL still
 * comes when their handles go.  The notice is preallocated with the leg
 * like its CLOSECALL, so it is never lost or refused, and:
 *
 *  - it is sent at most once per leg, never for a leg that is IDLE when
 *    its owner's handle goes, never after the leg's CLOSECALL (it is
 *    read before it; when the last handle goes before the provider read
 *    the notice, the notice may be taken back, the CLOSECALL saying the
 *    same), never to a dead provider;
 *  - DEALLOCATE_CALL of the owner's handle sends none (with api_version
 *    2.0 or later the leg goes on with its monitors, as on the loopback
 *    switch), nor does the removal of the device (REMOVE_LINE, the
 *    provider's death), which voids every handle: the CLOSECALL follows;
 *  - an outgoing leg whose MAKECALL is not answered 0 yet has no handle
 *    that could go (the caller's is ENOENT until then), so it gets no
 *    notice; once published it is like any other leg.
 */

/**
 * DOC: Statistics
 *
 * The module's counters are read-only sysfs attributes of its misc device,
 * one file each, holding one decimal number and a newline:
 *
 *   /sys/class/misc/ktapi/stats/<name>
 *
 * Every user may read them (mode 0444, whatever the mode of /dev/ktapi);
 * nobody may write them: open() for writing is -EACCES, even for root.
 *
 * Live counts, 0 again once every file of /dev/ktapi is closed:
 *
 *  - files: open files of /dev/ktapi;
 *  - lines_open: those with an open line (LINE_OPEN done, not
 *    force-closed);
 *  - calls: live legs;
 *  - handles: live handles, of every file;
 *  - events_queued: records waiting in the event queues of every file.
 *
 * A live count that is not 0 once the files close:
 *
 *  - devices: line devices that exist, the loopback switch's (the
 *    parameter "lines") and the providers' (which go with their
 *    providers).
 *
 * Totals since the module was loaded, which only grow:
 *
 *  - events_dropped: events not queued because a queue was full (each
 *    file learns its own count from an OVERFLOW record);
 *  - calls_total: legs created;
 *  - handles_total: handles given to a file;
 *  - events_total: records queued.
 *
 * The kernel keeps each counter per CPU and a read adds up the CPUs'
 * shares while other CPUs go on updating theirs.  A value read while calls
 * are being made is therefore off by the operations in progress (a live
 * count may even read as a small negative number); it is exact once they
 * are over.  Reading several files is not a snapshot of one moment: the
 * counters are read one after another, and are not updated together.  New
 * counters may be added as new files; an existing one keeps its name and
 * meaning.
 */

/*
 * Unused in Documentation/userspace-api/ioctl/ioctl-number.rst (6.1 and
 * mainline).  0xB7 is nsfs (NS_GET_USERNS is _IO(0xb7, 1)), 0xB8 and 0xBA
 * were taken after 6.1.
 */
#define KTAPI_IOC_TYPE		0xB9

/* An address: 1..63 characters from "0123456789*#+", NUL-terminated. */
#define KTAPI_ADDRESS_MAX	64

/* LINECALLSTATE_ */
#define KTAPI_CALLSTATE_IDLE			0x00000001
#define KTAPI_CALLSTATE_OFFERING		0x00000002
#define KTAPI_CALLSTATE_ACCEPTED		0x00000004
#define KTAPI_CALLSTATE_DIALTONE		0x00000008
#define KTAPI_CALLSTATE_DIALING			0x00000010
#define KTAPI_CALLSTATE_RINGBACK		0x00000020
#define KTAPI_CALLSTATE_BUSY			0x00000040
#define KTAPI_CALLSTATE_SPECIALINFO		0x00000080
#define KTAPI_CALLSTATE_CONNECTED		0x00000100
#define KTAPI_CALLSTATE_PROCEEDING		0x00000200
#define KTAPI_CALLSTATE_ONHOLD			0x00000400
#define KTAPI_CALLSTATE_CONFERENCED		0x00000800
#define KTAPI_CALLSTATE_ONHOLDPENDCONF		0x00001000
#define KTAPI_CALLSTATE_ONHOLDPENDTRANSFER	0x00002000
#define KTAPI_CALLSTATE_DISCONNECTED		0x00004000
#define KTAPI_CALLSTATE_UNKNOWN			0x00008000

/* LINECALLPRIVILEGE_ */
#define KTAPI_PRIVILEGE_NONE			0x00000001
#define KTAPI_PRIVILEGE_MONITOR			0x00000002
#define KTAPI_PRIVILEGE_OWNER			0x00000004

/* LINECALLORIGIN_ */
#define KTAPI_CALLORIGIN_OUTBOUND		0x00000001
#define KTAPI_CALLORIGIN_INTERNAL		0x00000002
#define KTAPI_CALLORIGIN_EXTERNAL		0x00000004
#define KTAPI_CALLORIGIN_UNKNOWN		0x00000010
#define KTAPI_CALLORIGIN_UNAVAIL		0x00000020
#define KTAPI_CALLORIGIN_CONFERENCE		0x00000040
#define KTAPI_CALLORIGIN_INBOUND		0x00000080

/* LINECALLREASON_ */
#define KTAPI_CALLREASON_DIRECT			0x00000001

/* LINEDISCONNECTMODE_: state_mode of a DISCONNECTED call, else 0. */
#define KTAPI_DISCONNECTMODE_NORMAL		0x00000001
#define KTAPI_DISCONNECTMODE_UNKNOWN		0x00000002
#define KTAPI_DISCONNECTMODE_REJECT		0x00000004
#define KTAPI_DISCONNECTMODE_BUSY		0x00000020
#define KTAPI_DISCONNECTMODE_NOANSWER		0x00000040
#define KTAPI_DISCONNECTMODE_BADADDRESS		0x00000080
#define KTAPI_DISCONNECTMODE_UNAVAIL		0x00000800

/* API versions; LINE_OPEN accepts 1.3 (0x00010003) to 2.2. */
#define KTAPI_API_VERSION_1_3			0x00010003
#define KTAPI_API_VERSION_1_4			0x00010004
#define KTAPI_API_VERSION_2_0			0x00020000
#define KTAPI_API_VERSION_2_2			0x00020002
#define KTAPI_API_VERSION_MIN			KTAPI_API_VERSION_1_3
#define KTAPI_API_VERSION_MAX			KTAPI_API_VERSION_2_2

/* Event types (struct ktapi_event.type) */
#define KTAPI_EV_APPNEWCALL			1
#define KTAPI_EV_CALLSTATE			2
#define KTAPI_EV_LINE_CLOSE			3
#define KTAPI_EV_OVERFLOW			4
#define KTAPI_EV_REPLY				5	/* LINE_REPLY */
#define KTAPI_EV_LINE_CREATE			6	/* LINE_CREATE */
#define KTAPI_EV_LINE_REMOVE			7	/* LINE_REMOVE */
#define KTAPI_EV_CALLINFO			8	/* LINE_CALLINFO */

/* LINECALLINFOSTATE_: struct ktapi_event.info_state of a CALLINFO record */
#define KTAPI_CALLINFOSTATE_NUMOWNERINCR	0x00000800
#define KTAPI_CALLINFOSTATE_NUMOWNERDECR	0x00001000
#define KTAPI_CALLINFOSTATE_NUMMONITORS		0x00002000

/* Request flags (struct ktapi_make_call and ktapi_call_op .flags) */
#define KTAPI_REQ_ASYNC				0x00000001

/* Device kinds (struct ktapi_devcaps.kind) */
#define KTAPI_DEVICE_LOOPBACK			1
#define KTAPI_DEVICE_PROVIDER			2
#define KTAPI_NAME_MAX				64
#define KTAPI_PROVIDER_NAME_MAX			32

/* LINE_OPEN flags (struct ktapi_line_open.flags) */
#define KTAPI_LINE_OPEN_CALLINFO		0x00000001

/* struct ktapi_line_open.app_name, ktapi_call_info.app_name */
#define KTAPI_APP_NAME_MAX			64

/* The most handles one KTAPI_IOC_GET_NEW_CALLS makes */
#define KTAPI_NEW_CALLS_MAX			4096

/**
 * struct ktapi_devcaps - KTAPI_IOC_GET_DEVCAPS
 * @size: sizeof(struct ktapi_devcaps): see "General ioctl format"
 * @flags: must be 0
 * @device_id: in: the line device; ENODEV if >= num_devices or removed
 * @num_devices: out: one more than the highest device id given so far
 *	(the loopback devices, then every device a provider added, removed
 *	ones included): device ids below it that are not removed are valid.
 *	Also written when GET_DEVCAPS fails with ENODEV (an id that is not
 *	live, removed or >= num_devices): then this is the only field
 *	written, every other byte is unchanged, so any id (0 with lines=0,
 *	say) gives the count.  Unwritable: EFAULT instead of ENODEV
 * @address: out: the device's dialable address, NUL-terminated
 * @kind: out: KTAPI_DEVICE_LOOPBACK or KTAPI_DEVICE_PROVIDER
 * @provider_id: out: KTAPI_DEVICE_PROVIDER: the provider's id (its
 *	REGISTER's out_provider_id); loopback: 0
 * @name: out: the device's display name, NUL-terminated: a provider's
 *	ADD_LINE name (or its address if that was empty); loopback devices
 *	are "Loopback line <address>"
 * @provider_name: out: the name the provider gave at REGISTER; loopback
 *	devices: "loopback"
 *
 * Works on any open file, with or without LINE_OPEN.  A program built
 * before @kind existed (size 80) gets only the fields up to @address.
 */
struct ktapi_devcaps {
	__u32 size;
	__u32 flags;
	__u32 device_id;
	__u32 num_devices;
	char address[KTAPI_ADDRESS_MAX];
	/* Since 0.2 (provider issue): */
	__u32 kind;
	__u32 provider_id;
	char name[KTAPI_NAME_MAX];
	char provider_name[KTAPI_PROVIDER_NAME_MAX];
};

#define KTAPI_DEVCAPS_SIZE_VER0	80	/* first published size */
#define KTAPI_DEVCAPS_SIZE_VER1	184	/* kind .. provider_name */
#define KTAPI_IOC_GET_DEVCAPS		_IO(KTAPI_IOC_TYPE, 0x00)

/**
 * struct ktapi_line_open - KTAPI_IOC_LINE_OPEN
 * @size: sizeof(struct ktapi_line_open): see "General ioctl format"
 * @flags: 0 or KTAPI_LINE_OPEN_CALLINFO (this file reads CALLINFO
 *	records, see "Call privilege and new calls"); other bits EINVAL
 * @device_id: the line device; ENODEV if >= num_devices
 * @privileges: KTAPI_PRIVILEGE_NONE, or a non-empty OR of MONITOR and
 *	OWNER; anything else is EINVAL
 * @api_version: KTAPI_API_VERSION_MIN..MAX, else EPROTONOSUPPORT
 * @reserved: must be 0
 * @app_name: the application's name, NUL-terminated, 0..63 bytes, none
 *	below 0x20 nor 0x7f (UTF-8 is passed through unchecked), else
 *	EINVAL (no NUL in the 64 bytes is EINVAL too; the bytes after the
 *	NUL are ignored); empty (a NUL first, or a size of VER0) gives no
 *	name
 *
 * Once per file: a second LINE_OPEN, also after a forced close, is EBUSY.
 */
struct ktapi_line_open {
	__u32 size;
	__u32 flags;
	__u32 device_id;
	__u32 privileges;
	__u32 api_version;
	__u32 reserved;
	/* Since 0.3 (libtapi issue): */
	char app_name[KTAPI_APP_NAME_MAX];
};

#define KTAPI_LINE_OPEN_SIZE_VER0	24	/* first published size */
#define KTAPI_LINE_OPEN_SIZE_VER1	88	/* app_name */
#define KTAPI_IOC_LINE_OPEN		_IO(KTAPI_IOC_TYPE, 0x01)

/**
 * struct ktapi_make_call - KTAPI_IOC_MAKE_CALL
 * @size: sizeof(struct ktapi_make_call): see "General ioctl format"
 * @flags: 0 or KTAPI_REQ_ASYNC (see "Requests"); other bits EINVAL
 * @dest_address: in: the address to dial
 * @handle: out: OWNER handle of the new OUTBOUND leg (ignored on input)
 * @call_id: out: call_id of that leg (ignored on input)
 * @request_id: out: with KTAPI_REQ_ASYNC, the request id its REPLY record
 *	will carry; else 0.  KTAPI_REQ_ASYNC with a size that does not cover
 *	this field is EINVAL
 * @reserved: must be 0
 *
 * Works on any open line, whatever its privileges.  On the loopback
 * switch the leg is DIALING, then RINGBACK (a line device with an owner
 * answers), or DISCONNECTED with UNAVAIL (a line device without owner) or
 * BADADDRESS (no device).  On a provider's device, see "Providers".
 */
struct ktapi_make_call {
	__u32 size;
	__u32 flags;
	char dest_address[KTAPI_ADDRESS_MAX];
	__u32 handle;
	__u32 call_id;
	/* Since 0.2 (provider issue): */
	__u32 request_id;
	__u32 reserved;
};

#define KTAPI_MAKE_CALL_SIZE_VER0	80	/* first published size */
#define KTAPI_MAKE_CALL_SIZE_VER1	88	/* request_id, reserved */
#define KTAPI_IOC_MAKE_CALL		_IO(KTAPI_IOC_TYPE, 0x02)

/**
 * struct ktapi_call_op - ANSWER, DROP and DEALLOCATE_CALL
 * @size: sizeof(struct ktapi_call_op): see "General ioctl format"
 * @flags: ANSWER, DROP: 0 or KTAPI_REQ_ASYNC (see "Requests");
 *	DEALLOCATE_CALL: must be 0 (it is never asynchronous)
 * @handle: the call handle
 * @reserved: must be 0
 * @request_id: out: ANSWER, DROP with KTAPI_REQ_ASYNC: the request id of
 *	its REPLY record; else not written.  KTAPI_REQ_ASYNC with a size that
 *	does not cover this field is EINVAL
 * @reserved2: must be 0
 *
 * KTAPI_IOC_ANSWER: an OFFERING leg goes CONNECTED (OWNER handles only:
 * EACCES; another state: EBUSY).  KTAPI_IOC_DROP: a leg that is not IDLE
 * goes IDLE (OWNER handles only: EACCES; IDLE: EBUSY).
 * KTAPI_IOC_DEALLOCATE_CALL: the handle is void at once (api_version 1.x:
 * EBUSY while the caller is the sole owner of a leg that is not IDLE).
 * On a provider's device ANSWER and DROP are requests to the provider,
 * which reports the states (see "Providers").  Only ANSWER and DROP with
 * KTAPI_REQ_ASYNC write the struct back.
 */
struct ktapi_call_op {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 reserved;
	/* Since 0.2 (provider issue): */
	__u32 request_id;
	__u32 reserved2;
};

#define KTAPI_CALL_OP_SIZE_VER0	16	/* first published size */
#define KTAPI_CALL_OP_SIZE_VER1	24	/* request_id, reserved2 */
#define KTAPI_IOC_ANSWER		_IO(KTAPI_IOC_TYPE, 0x03)
#define KTAPI_IOC_DROP			_IO(KTAPI_IOC_TYPE, 0x04)
#define KTAPI_IOC_DEALLOCATE_CALL	_IO(KTAPI_IOC_TYPE, 0x06)

/**
 * struct ktapi_close_line_device - KTAPI_IOC_CLOSE_LINE_DEVICE
 * @size: sizeof(struct ktapi_close_line_device): see "General ioctl format"
 * @flags: must be 0
 * @device_id: the line device whose open lines are force-closed
 * @reserved: must be 0
 *
 * Needs CAP_SYS_ADMIN (EPERM); works on any open file.
 */
struct ktapi_close_line_device {
	__u32 size;
	__u32 flags;
	__u32 device_id;
	__u32 reserved;
};

#define KTAPI_CLOSE_LINE_DEVICE_SIZE_VER0	16	/* first published size */
#define KTAPI_IOC_CLOSE_LINE_DEVICE	_IO(KTAPI_IOC_TYPE, 0x07)

/**
 * struct ktapi_call_info - KTAPI_IOC_GET_CALL_INFO
 * @size: sizeof(struct ktapi_call_info): see "General ioctl format"
 * @flags: must be 0
 * @handle: in: the call handle; everything below is output
 * @call_id: the leg's system-wide call id
 * @related_call_id: call_id of the other leg of an internal call, else 0
 * @device_id: the line device the leg lives on
 * @origin: KTAPI_CALLORIGIN_OUTBOUND (made here), _INTERNAL (incoming
 *	from the loopback switch) or _INBOUND (incoming from a provider)
 * @reason: KTAPI_CALLREASON_DIRECT
 * @state: current KTAPI_CALLSTATE_
 * @state_mode: KTAPI_DISCONNECTMODE_ when DISCONNECTED, else 0
 * @states_seen: OR of every state the leg has been in
 * @privilege: this handle's privilege, MONITOR or OWNER
 * @num_owners: OWNER handles to the leg, over all files
 * @num_monitors: MONITOR handles to the leg, over all files
 * @create_time_ns: CLOCK_MONOTONIC time the leg was created
 * @state_time_ns: CLOCK_MONOTONIC time of the last state change
 * @caller_address: address of the calling line device (an INBOUND leg:
 *	the caller's address its provider reported)
 * @called_address: the dialled address
 * @app_name: the name given at LINE_OPEN by the line that made or first
 *	answered the leg (see "Call privilege and new calls"), NUL-padded;
 *	empty if none
 */
struct ktapi_call_info {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 call_id;
	__u32 related_call_id;
	__u32 device_id;
	__u32 origin;
	__u32 reason;
	__u32 state;
	__u32 state_mode;
	__u32 states_seen;
	__u32 privilege;
	__u32 num_owners;
	__u32 num_monitors;
	__aligned_u64 create_time_ns;
	__aligned_u64 state_time_ns;
	char caller_address[KTAPI_ADDRESS_MAX];
	char called_address[KTAPI_ADDRESS_MAX];
	/* Since 0.3 (libtapi issue): */
	char app_name[KTAPI_APP_NAME_MAX];
};

#define KTAPI_CALL_INFO_SIZE_VER0	200	/* first published size */
#define KTAPI_CALL_INFO_SIZE_VER1	264	/* app_name */
#define KTAPI_IOC_GET_CALL_INFO		_IO(KTAPI_IOC_TYPE, 0x05)

/**
 * struct ktapi_call_privilege - KTAPI_IOC_SET_CALL_PRIVILEGE
 * @size: sizeof(struct ktapi_call_privilege): see "General ioctl format"
 * @flags: must be 0
 * @handle: the call handle (ENOENT as for every handle)
 * @privilege: exactly KTAPI_PRIVILEGE_MONITOR or KTAPI_PRIVILEGE_OWNER,
 *	else EINVAL (TAPI: LINEERR_INVALCALLPRIVILEGE)
 *
 * See "Call privilege and new calls": EBUSY (LINEERR_INVALCALLSTATE) when
 * the last owner of a leg that is neither IDLE nor OFFERING asks for
 * MONITOR.  Writes nothing back.
 */
struct ktapi_call_privilege {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 privilege;
};

#define KTAPI_CALL_PRIVILEGE_SIZE_VER0	16	/* first published size */
#define KTAPI_IOC_SET_CALL_PRIVILEGE	_IO(KTAPI_IOC_TYPE, 0x08)

/**
 * struct ktapi_new_calls - KTAPI_IOC_GET_NEW_CALLS
 * @size: sizeof(struct ktapi_new_calls): see "General ioctl format"
 * @flags: must be 0
 * @handles: in: user address of an array of max_handles __u32, where the
 *	new handles are written (unused when max_handles is 0)
 * @max_handles: in: 0..KTAPI_NEW_CALLS_MAX (else EINVAL); 0 only counts
 * @out_count: out: how many handles were made, in handles[0..out_count)
 * @out_remaining: out: how many more legs qualified (see "Call privilege
 *	and new calls")
 * @reserved: must be 0
 *
 * ENOSPC when a handle was to be made and the file's handle space is
 * full (checked before anything is written), EFAULT when the handles array
 * or the struct cannot be written: then no handle is made.  ENOMEM:
 * nothing is made.  The struct is written again when a leg ended or came
 * while the handles were made; should that fail (another thread unmapped
 * it meanwhile), the handles made are voided again and the result is
 * EFAULT, but their CALLSTATE and the other holders' CALLINFO records may
 * have been queued already.
 */
struct ktapi_new_calls {
	__u32 size;
	__u32 flags;
	__aligned_u64 handles;
	__u32 max_handles;
	__u32 out_count;
	__u32 out_remaining;
	__u32 reserved;
};

#define KTAPI_NEW_CALLS_SIZE_VER0	32	/* first published size */
#define KTAPI_IOC_GET_NEW_CALLS		_IO(KTAPI_IOC_TYPE, 0x09)

/**
 * struct ktapi_event - one record read() from the file
 * @type: KTAPI_EV_
 * @handle: APPNEWCALL, CALLSTATE, CALLINFO: the handle in this file; REPLY: the
 *	handle the request was made on (MAKE_CALL: the handle it returned,
 *	void when @result is an error)
 * @call_id: APPNEWCALL, CALLSTATE, CALLINFO, REPLY: the leg's call id
 * @state: APPNEWCALL: state when the handle was given; CALLSTATE: new state
 * @state_mode: CALLSTATE: the disconnect mode when DISCONNECTED, else 0
 * @privilege: APPNEWCALL, CALLSTATE: the handle's privilege
 * @dropped: OVERFLOW: number of records dropped since the last OVERFLOW
 * @request_id: REPLY: the request id the request returned (same word as
 *	@dropped)
 * @info_state: CALLINFO: OR of KTAPI_CALLINFOSTATE_ (same word as
 *	@dropped)
 * @device_id: LINE_CREATE, LINE_REMOVE: the line device (same word as
 *	@dropped)
 * @reserved: 0
 * @result: REPLY: 0, or the negative errno the request failed with (same
 *	word as @reserved)
 * @time_ns: CLOCK_MONOTONIC time the event was queued (APPNEWCALL: the
 *	handle was given; LINE_CLOSE: the line was closed; OVERFLOW: the
 *	record itself was queued, as room came; REPLY: the request completed)
 *
 * Fields not listed for a type are 0.  The record is 40 bytes for every
 * type and every version: new types reuse its words, as REPLY does.
 */
struct ktapi_event {
	__u32 type;
	__u32 handle;
	__u32 call_id;
	__u32 state;
	__u32 state_mode;
	__u32 privilege;
	/* __extension__: an unnamed union is C11, and this header is C99. */
	__extension__ union {
		__u32 dropped;
		__u32 request_id;
		__u32 device_id;
		__u32 info_state;
	};
	__extension__ union {
		__u32 reserved;
		__s32 result;
	};
	__aligned_u64 time_ns;
};

/*
 * The provider interface: ioctls of /dev/ktapi-provider (see "Providers").
 * They use KTAPI_IOC_TYPE with numbers from 0x20 on, so none of them means
 * anything to /dev/ktapi (ENOTTY), nor /dev/ktapi's to a provider.
 */

/* Protocol version: major << 16 | minor. */
#define KTAPI_PROVIDER_VERSION_MAJOR		1
#define KTAPI_PROVIDER_VERSION_MINOR		0
#define KTAPI_PROVIDER_VERSION		\
	(KTAPI_PROVIDER_VERSION_MAJOR << 16 | KTAPI_PROVIDER_VERSION_MINOR)

#define KTAPI_PROVIDER_LINES_MAX		256
#define KTAPI_PROVIDER_REQUESTS_MAX		4096
#define KTAPI_PROVIDER_CALLS_MAX		65536

/* Request types (struct ktapi_provider_request.type) */
#define KTAPI_PREQ_MAKECALL			1
#define KTAPI_PREQ_ANSWER			2
#define KTAPI_PREQ_DROP				3
#define KTAPI_PREQ_CLOSECALL			4

/**
 * struct ktapi_provider_register - KTAPI_PROVIDER_IOC_REGISTER
 * @size: sizeof(struct ktapi_provider_register)
 * @flags: must be 0
 * @version: in: the KTAPI_PROVIDER_VERSION the provider was built for.
 *	Another major version is EPROTONOSUPPORT; any minor is accepted
 * @max_requests: in: how many requests (MAKECALL, ANSWER, DROP) the
 *	provider accepts outstanding (queued or read, not yet replied):
 *	1..KTAPI_PROVIDER_REQUESTS_MAX, else EINVAL
 * @name: in: what the provider calls itself ("sip"), shown by GET_DEVCAPS:
 *	0..31 printable ASCII characters, NUL-terminated
 * @out_version: out: the kernel's KTAPI_PROVIDER_VERSION.  A provider
 *	newer than the kernel (a higher minor) uses only what out_version has
 * @out_provider_id: out: this provider's id, unique while the module is
 *	loaded
 *
 * Once per file: EBUSY after a successful one.
 */
struct ktapi_provider_register {
	__u32 size;
	__u32 flags;
	__u32 version;
	__u32 max_requests;
	char name[KTAPI_PROVIDER_NAME_MAX];
	__u32 out_version;
	__u32 out_provider_id;
};

#define KTAPI_PROVIDER_REGISTER_SIZE_VER0	56
#define KTAPI_PROVIDER_IOC_REGISTER	_IO(KTAPI_IOC_TYPE, 0x20)

/**
 * struct ktapi_provider_line - KTAPI_PROVIDER_IOC_ADD_LINE
 * @size: sizeof(struct ktapi_provider_line)
 * @flags: must be 0
 * @address: in: the device's address (1..63 of "0123456789*#+")
 * @name: in: its display name: 0..63 printable ASCII characters,
 *	NUL-terminated; empty means the address
 * @out_device_id: out: the new device's id
 * @reserved: must be 0
 *
 * ENOSPC when the provider has KTAPI_PROVIDER_LINES_MAX devices.
 */
struct ktapi_provider_line {
	__u32 size;
	__u32 flags;
	char address[KTAPI_ADDRESS_MAX];
	char name[KTAPI_NAME_MAX];
	__u32 out_device_id;
	__u32 reserved;
};

#define KTAPI_PROVIDER_LINE_SIZE_VER0	144
#define KTAPI_PROVIDER_IOC_ADD_LINE	_IO(KTAPI_IOC_TYPE, 0x21)

/**
 * struct ktapi_provider_remove_line - KTAPI_PROVIDER_IOC_REMOVE_LINE
 * @size: sizeof(struct ktapi_provider_remove_line)
 * @flags: must be 0
 * @device_id: one of this provider's devices (else ENODEV)
 * @reserved: must be 0
 *
 * Force-closes every line open on it, then LINE_REMOVE to every file
 * (see "Providers"); done when the ioctl returns.  That includes the
 * handles of a line being closed (released, or force-closed by
 * CLOSE_LINE_DEVICE) at the same time: REMOVE_LINE waits until they are
 * void too, so the CLOSECALL of every leg of the device is queued before
 * it returns, and none is read after a later request.  The wait is on the
 * module's own work, never on userspace; only a fatal signal ends it.
 */
struct ktapi_provider_remove_line {
	__u32 size;
	__u32 flags;
	__u32 device_id;
	__u32 reserved;
};

#define KTAPI_PROVIDER_REMOVE_LINE_SIZE_VER0	16
#define KTAPI_PROVIDER_IOC_REMOVE_LINE	_IO(KTAPI_IOC_TYPE, 0x22)

/**
 * struct ktapi_provider_request - one record read() from a provider's file
 * @type: KTAPI_PREQ_
 * @device_id: the line device of the leg
 * @request_id: MAKECALL, ANSWER, DROP: to quote in the REPLY; CLOSECALL
 *	and a DROP notice (see "Providers"): 0, no REPLY
 * @call_id: the leg's call id
 * @state: CLOSECALL: the leg's last state (not IDLE: end the call on the
 *	network); else 0
 * @dest_address: MAKECALL: the dialled address; else empty
 * @caller_address: MAKECALL: the address of the calling device; else empty
 *
 * Every byte not listed for a type is 0.  The record's size,
 * KTAPI_PROVIDER_REQUEST_SIZE, is fixed for protocol major version 1.
 */
struct ktapi_provider_request {
	__u32 type;
	__u32 device_id;
	__aligned_u64 request_id;
	__u32 call_id;
	__u32 state;
	char dest_address[KTAPI_ADDRESS_MAX];
	char caller_address[KTAPI_ADDRESS_MAX];
};

#define KTAPI_PROVIDER_REQUEST_SIZE	152

/**
 * struct ktapi_provider_reply - KTAPI_PROVIDER_IOC_REPLY
 * @size: sizeof(struct ktapi_provider_reply)
 * @flags: must be 0
 * @request_id: a request read from this file and not yet answered (else
 *	ENOENT, changing nothing)
 * @result: 0, or one of -EINVAL, -EBUSY, -ENOMEM, -EAGAIN, -EIO,
 *	-EOPNOTSUPP: what the application's ioctl (or REPLY record) gets.
 *	Any other value is EINVAL and changes nothing
 * @reserved: must be 0
 */
struct ktapi_provider_reply {
	__u32 size;
	__u32 flags;
	__aligned_u64 request_id;
	__s32 result;
	__u32 reserved;
};

#define KTAPI_PROVIDER_REPLY_SIZE_VER0	24
#define KTAPI_PROVIDER_IOC_REPLY	_IO(KTAPI_IOC_TYPE, 0x23)

/**
 * struct ktapi_provider_newcall - KTAPI_PROVIDER_IOC_NEWCALL
 * @size: sizeof(struct ktapi_provider_newcall)
 * @flags: must be 0
 * @device_id: in: one of this provider's devices (else ENODEV)
 * @out_call_id: out: the new INBOUND leg's call id
 * @caller_address: in: who calls (a valid address)
 * @called_address: in: the address called (a valid address)
 *
 * ENXIO when the device has no OWNER line open: no leg was made.
 */
struct ktapi_provider_newcall {
	__u32 size;
	__u32 flags;
	__u32 device_id;
	__u32 out_call_id;
	char caller_address[KTAPI_ADDRESS_MAX];
	char called_address[KTAPI_ADDRESS_MAX];
};

#define KTAPI_PROVIDER_NEWCALL_SIZE_VER0	144
#define KTAPI_PROVIDER_IOC_NEWCALL	_IO(KTAPI_IOC_TYPE, 0x24)

/**
 * struct ktapi_provider_callstate - KTAPI_PROVIDER_IOC_CALLSTATE
 * @size: sizeof(struct ktapi_provider_callstate)
 * @flags: must be 0
 * @call_id: a live leg of this provider (else ENOENT)
 * @state: its new KTAPI_CALLSTATE_ (see "Providers" for what is EINVAL)
 * @state_mode: a KTAPI_DISCONNECTMODE_ bit for DISCONNECTED, else 0
 * @reserved: must be 0
 */
struct ktapi_provider_callstate {
	__u32 size;
	__u32 flags;
	__u32 call_id;
	__u32 state;
	__u32 state_mode;
	__u32 reserved;
};

#define KTAPI_PROVIDER_CALLSTATE_SIZE_VER0	24
#define KTAPI_PROVIDER_IOC_CALLSTATE	_IO(KTAPI_IOC_TYPE, 0x25)

#endif /* _UAPI_LINUX_KTAPI_H */
