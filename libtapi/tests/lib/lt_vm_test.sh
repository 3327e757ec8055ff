#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libtapi's own VM programs (tests/lib), in the test VM as root with
# nothing else using ktapi, each a TAP result with its output as
# diagnostics: lt_smoke, lt_memory (its own allocator counts),
# lt_close, lt_create (with a "ktapictl provide" line), lt_threads, and
# lt_overflow with event_queue_len=8.  The module is loaded (modprobe)
# and unloaded around each group.
#
# Usage: lt_vm_test.sh   (programs next to it, then on PATH)
# Exit status: 0 when every test passed.

PATH=$(dirname "$0"):$PATH:/sbin:/usr/sbin
export PATH
here=$(dirname "$0")
for tap in "$here/tap.sh" "$here/../../../scripts/tap.sh"; do
	[ -f "$tap" ] && break
done
# shellcheck source=scripts/tap.sh
. "$tap"
T=$(mktemp -d /tmp/lt-test.XXXXXX) || exit 1

# run DESC CMD...: pass when CMD exits 0, its output as diagnostics.
run() {
	_d=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		pass "$_d"
	else
		fail "$_d (exit $?)"
	fi
	show "$T/out"
}

load() {
	rmmod ktapi 2>/dev/null
	modprobe ktapi "$@" || fail "modprobe ktapi $*"
}

load lines=4
run "lt_smoke: a call made, answered, dropped, deallocated; then UNINITIALIZED" lt_smoke
run "lt_memory: no block and no byte kept at lineClose and lineShutdown" \
	lt_memory
run "lt_close: a line closed by force stays until its LINE_CLOSE is read" \
	lt_close
run "lt_threads: four threads and the callback, lineShutdown meanwhile" \
	lt_threads
lt_create >"$T/create" 2>&1 &
c=$!
sleep 2
ktapictl provide 5000 --timeout 2 >/dev/null 2>&1
if wait $c; then
	pass "lt_create: LINE_CREATE, LINE_REMOVE, NODEVICE, BADDEVICEID"
else
	fail "lt_create"
fi
show "$T/create"
load lines=2 event_queue_len=8
run "lt_overflow: every call's last state after dropped records" lt_overflow
rmmod ktapi
rm -rf "$T"
finish
