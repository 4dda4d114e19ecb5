#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of smbsignctl that need no smbsign module: explain, argument
# errors, and the "not loaded" error (skipped if the family is registered).
# Every case runs under valgrind (leaks and errors fail) when available.
# Prints KTAP.  Usage: host-test.sh [path/to/smbsignctl]
set -u

BIN=${1:-./smbsignctl}
VG=
if command -v valgrind >/dev/null 2>&1 && [ -z "${NO_VALGRIND:-}" ]; then
	VG="valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99"
fi
OUT=$(mktemp)
ERR=$(mktemp)
trap 'rm -f "$OUT" "$ERR"' EXIT
n=0
fail=0
pass=0

# run NAME WANT_RC STDOUT_REGEX STDERR_REGEX -- ARGS...
run() {
	name=$1 want=$2 outre=$3 errre=$4
	shift 5
	n=$((n + 1))
	# shellcheck disable=SC2086
	$VG "$BIN" "$@" >"$OUT" 2>"$ERR"
	rc=$?
	why=
	[ "$rc" = 99 ] && why="valgrind: $(head -5 "$ERR")"
	[ -z "$why" ] && [ "$rc" != "$want" ] && why="exit $rc, want $want"
	[ -z "$why" ] && [ -n "$outre" ] && ! grep -Eq -- "$outre" "$OUT" &&
		why="stdout lacks /$outre/"
	[ -z "$why" ] && [ -n "$errre" ] && ! grep -Eq -- "$errre" "$ERR" &&
		why="stderr lacks /$errre/"
	if [ -z "$why" ]; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		echo "# $why"
		sed 's/^/# stdout: /' "$OUT" | head -5
		sed 's/^/# stderr: /' "$ERR" | head -5
		fail=$((fail + 1))
	fi
}

loaded=0
grep -qw smbsign /proc/net/netlink 2>/dev/null && loaded=1
[ -d /sys/module/smbsign ] && loaded=1

echo "TAP version 13"
echo "1..24"
run "explain hex" 0 'STATUS_INVALID_SIGNATURE' '' -- explain 0xc000a000
run "explain negative decimal" 0 '0xc000a000' '' -- explain -1073700864
run "explain by name" 0 'The cryptographic signature is invalid' '' -- explain STATUS_INVALID_SIGNATURE
run "explain lower-case name" 0 '0xc000a000' '' -- explain status_invalid_signature
run "explain 3227320323" 0 'GUEST_LOGON_BLOCKED_SIGNING_REQUIRED' '' -- explain 3227320323
run "explain 0x80070035" 0 'network path was not found' '' -- explain 0x80070035
run "explain guest blocked" 0 'block unauthenticated guest access' '' -- explain 0xc05d0002
run "explain win32 1272" 0 'STATUS_SMB_GUEST_LOGON_BLOCKED' '' -- explain 1272
run "explain says fix the server" 0 'Enable signing on that server' '' -- explain 0xc000a000
run "explain: no signing off for guests" 0 'not recommended' '' -- explain 3227320323
run "explain recommends Kerberos" 0 'Kerberos rather than NTLMv2' '' -- explain 0xc000a000
run "explain -j" 0 '^\{"code":"0xc05d0003",.*"recommendations":\[' '' -- -j explain 3227320323
run "explain unknown code" 1 '' 'unknown code "0x1234"' -- explain 0x1234
run "explain without code" 2 '' 'Usage: smbsignctl explain CODE' -- explain
run "--help" 0 'Usage: smbsignctl' '' -- --help
run "unknown command" 2 '' 'unknown command "frobnicate"' -- frobnicate
run "unknown option" 2 '' 'Usage: smbsignctl' -- -x show
run "set bad value" 2 '' 'bad value "maybe"' -- set client require maybe
run "set bad algorithm" 2 '' 'unknown signing algorithm "md5"' -- set server algorithms gmac,md5
run "set duplicate algorithm" 2 '' 'given twice' -- set server algorithms cmac,cmac
run "set missing value" 2 '' 'Usage: smbsignctl set' -- set client guest
run "preset unknown" 2 '' 'win11-24h2-home' -- preset win95
if [ $loaded = 0 ]; then
	run "show without module" 1 '' 'smbsign is not loaded: run modprobe smbsign' -- show
	run "monitor without module" 1 '' 'smbsign is not loaded' -- monitor
else
	n=$((n + 2))
	echo "ok $((n - 1)) - show without module # SKIP smbsign is loaded"
	echo "ok $n - monitor without module # SKIP smbsign is loaded"
	pass=$((pass + 2))
fi
echo "# $pass passed, $fail failed"
[ $fail = 0 ]
