# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Sourced by the host-side tests in tests/ (POSIX sh): sets
#
#   TOP       the top of the source tree
#   VERSION   the project's version, the VERSION file at the top
#
# and sources scripts/tap.sh, the TAP writer (pass, fail, skip, check,
# expect_rc, has, show, finish).

# shellcheck disable=SC2034 # used by the scripts that source this file
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC2034
VERSION=$(cat "$TOP/VERSION")
# shellcheck source=scripts/tap.sh
. "$TOP/scripts/tap.sh"
