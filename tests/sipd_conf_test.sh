#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ktapi-sipd's options and configuration file, on the host: what
# --print-config says is in effect (it exits before the provider device
# is opened), the usage errors (exit 2), and exit 3 when there is no
# /dev/ktapi-provider (skipped on a host that has one: this test never
# registers a provider).
#
# Usage: tests/sipd_conf_test.sh SIPD
#   SIPD: the ktapi-sipd binary (build/providers/ktapi-sipd)
# Output: TAP.  Exit status: 0 when nothing failed.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIPD=${1:?usage: $0 SIPD}
case $SIPD in /*) ;; *) SIPD=$PWD/$SIPD ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MIN="--listen 192.0.2.1 --line 100 --peer 192.0.2.2"

# effective DESC WANT-FILE ARGS...: --print-config prints exactly WANT-FILE.
effective() {
	_d=$1 _w=$2
	shift 2
	if "$SIPD" "$@" --print-config >"$T/out" 2>"$T/err" && cmp -s "$T/out" "$_w"; then
		pass "$_d"
	else
		fail "$_d: got (stderr, stdout):"
		show "$T/err"
		show "$T/out"
	fi
}

cat >"$T/defaults" <<'EOW'
listen = 192.0.2.1:5060
line = 100
peer = 192.0.2.2:5060
answer-timeout = 60
max-calls = 8
name = ktapi-sipd
verbose = no
EOW
# shellcheck disable=SC2086 # MIN is a list of words
effective "the defaults: ports 5060, answer-timeout 60, max-calls 8, name ktapi-sipd" \
	"$T/defaults" $MIN --config /dev/null

cat >"$T/conf" <<'EOW'
# every key
listen = 198.51.100.1:5070   # a comment after a value
line = 1,2
line=3#   # a '#' inside a value is the value's, after a blank a comment
#line = 4
peer = 198.51.100.2:5080
answer-timeout = 5
max-calls = 2
stats = /run/sipd.stats
name = sip test
verbose = yes

EOW
cat >"$T/conf.want" <<'EOW'
listen = 198.51.100.1:5070
line = 1
line = 2
line = 3#
peer = 198.51.100.2:5080
answer-timeout = 5
max-calls = 2
stats = /run/sipd.stats
name = sip test
verbose = yes
EOW
effective "every key of the config file, comments, repeated line, # in a number" "$T/conf.want" \
	--config "$T/conf"

cat >"$T/cli.want" <<'EOW'
listen = 203.0.113.1:5060
line = *9#
peer = 198.51.100.2:5080
answer-timeout = 7
max-calls = 2
stats = /run/sipd.stats
name = sip test
verbose = yes
EOW
effective "the command line wins; its lines replace the file's" "$T/cli.want" \
	--config "$T/conf" --listen 203.0.113.1 --line '*9#' --answer-timeout 7

cd "$T" || exit 1
printf '%s\n' "listen = 192.0.2.1:5060" "line = 100" "peer = 192.0.2.2:5060" \
	"answer-timeout = 60" "max-calls = 8" "stats = $T/rel.stats" \
	"name = ktapi-sipd" "verbose = no" >"$T/rel.want"
# shellcheck disable=SC2086
effective "a relative --stats file is made absolute" "$T/rel.want" \
	$MIN --config /dev/null --stats rel.stats
cd - >/dev/null || exit 1

# usage DESC ARGS...: exit status 2 and a message.
usage() {
	_d=$1
	shift
	expect_rc 2 "$_d" "$SIPD" "$@"
}
usage "no arguments" --config /dev/null
# shellcheck disable=SC2086
{
usage "--listen is not numeric IPv4" --config /dev/null --listen host.example --line 1 --peer 192.0.2.2
usage "--listen 0.0.0.0" --config /dev/null --listen 0.0.0.0 --line 1 --peer 192.0.2.2
usage "a port of 0" --config /dev/null --listen 192.0.2.1:0 --line 1 --peer 192.0.2.2
usage "a line that is no address" --config /dev/null --listen 192.0.2.1 --line 12a --peer 192.0.2.2
usage "an empty line number" --config /dev/null --listen 192.0.2.1 --line 1,,2 --peer 192.0.2.2
usage "a line given twice" --config /dev/null --listen 192.0.2.1 --line 1,1 --peer 192.0.2.2
usage "--max-calls 0" --config /dev/null $MIN --max-calls 0
usage "--max-calls 1025" --config /dev/null $MIN --max-calls 1025
usage "--answer-timeout -1" --config /dev/null $MIN --answer-timeout -1
usage "--name of 32 characters" --config /dev/null $MIN --name 0123456789012345678901234567890x
usage "an unknown option" --config /dev/null $MIN --bogus
usage "a missing --config file" --config "$T/none" $MIN
}
printf 'listen = 192.0.2.1\nfoo = 1\n' >"$T/bad1"
usage "an unknown key in the file" --config "$T/bad1" --line 1 --peer 192.0.2.2
printf 'listen 192.0.2.1\n' >"$T/bad2"
usage "a line without '=' in the file" --config "$T/bad2" --line 1 --peer 192.0.2.2
printf 'verbose = maybe\n' >"$T/bad3"
# shellcheck disable=SC2086
usage "verbose is not yes or no" --config "$T/bad3" $MIN

if [ -e /dev/ktapi-provider ]; then
	skip "no /dev/ktapi-provider (exit 3)" "this host has /dev/ktapi-provider"
else
	# shellcheck disable=SC2086
	expect_rc 3 "no /dev/ktapi-provider" "$SIPD" --config /dev/null $MIN --foreground
fi
finish
