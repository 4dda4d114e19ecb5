#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of `smbsignctl apply --check` (policy files, no module needed):
# good files in every form `smbsignctl set` / `preset` accept, the shipped
# /etc/smbsign/smbsign.conf (as shipped and with every example line
# enabled), and bad files: one line, the file, line and column, exit 1.
# Every case runs under valgrind (leaks and errors fail) when available.
# Prints TAP. Usage: apply-test.sh [path/to/smbsignctl] [shipped smbsign.conf]
# (the run() helper is host-test.sh's)
set -u

BIN=${1:-./smbsignctl}
SHIPPED=${2:-$(dirname "$0")/../../packaging/smbsign.conf}
VG=
if command -v valgrind >/dev/null 2>&1 && [ -z "${NO_VALGRIND:-}" ]; then
	VG="valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99"
fi
DIR=$(mktemp -d)
OUT=$DIR/out
ERR=$DIR/err
trap 'rm -rf "$DIR"' EXIT
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
	# errors are one line
	[ -z "$why" ] && [ "$want" != 0 ] && [ "$(wc -l <"$ERR")" != 1 ] &&
		why="stderr has $(wc -l <"$ERR") lines, want 1"
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

# bad NAME COLUMN MESSAGE_REGEX LINE: LINE as line 2 of a file
bad() {
	printf '# line 1\n%s\n' "$4" >"$DIR/bad.conf"
	run "bad: $1" 1 '' "^smbsignctl: $DIR/bad.conf:2:$2: $3\$" -- apply --check "$DIR/bad.conf"
}

cat >"$DIR/good.conf" <<'EOF'
# every form of `smbsignctl set` and `preset`
preset win11-24h2-pro
set client require on
set server require off      # a comment after a command
server audit on
set outbound audit false
inbound require 1
	set guest block
client guest allow
set client algorithms gmac,cmac,hmac-sha256
server algs HMAC,aes-cmac
set algorithms aes-gmac

preset server-2025
EOF

echo "TAP version 13"
echo "1..28"
run "good file" 0 "^$DIR/good.conf: ok, 12 settings\$" '' -- apply --check "$DIR/good.conf"
: >"$DIR/empty.conf"
run "empty file" 0 'ok, 0 settings' '' -- apply --check "$DIR/empty.conf"
run "shipped smbsign.conf" 0 'ok, 0 settings' '' -- apply --check "$SHIPPED"
sed -E 's/^#((set|preset) )/\1/' "$SHIPPED" >"$DIR/shipped-on.conf"
run "shipped smbsign.conf, examples enabled" 0 'ok, 8 settings' '' -- apply --check "$DIR/shipped-on.conf"
bad "bad require value" 22 'bad value "maybe" for require \(want on or off\)' '  set client require maybe'
bad "bad guest value" 14 'bad value "on-ish" for guest \(want allow or block\)' 'server guest on-ish'
bad "unknown command" 1 'unknown command "show" \(want set or preset\)' 'show client'
bad "unknown setting" 12 'unknown setting "flavour" .*' 'set server flavour on'
bad "missing value" 17 'missing value for audit' 'set client audit   '
bad "missing setting" 11 'expected require, audit, guest or algorithms' 'set client'
bad "extra word" 23 'unexpected "please" after the value' 'client require on     please'
bad "unknown algorithm" 24 'unknown signing algorithm "md5" .*' 'client algorithms gmac,md5'
bad "empty algorithm" 24 'empty signing algorithm in "gmac,,cmac"' 'client algorithms gmac,,cmac'
bad "trailing comma" 29 'empty signing algorithm in "gmac,cmac,"' 'client algorithms gmac,cmac,'
bad "algorithm twice" 24 'signing algorithm "CMAC" given twice' 'client algorithms cmac,CMAC'
bad "unknown preset" 8 'unknown preset "win95" \(see smbsignctl preset\)' 'preset win95'
bad "missing preset" 7 'missing preset name' 'preset'
bad "preset extra word" 23 'unexpected "now" after the preset name' 'preset win11-24h2-pro now'
bad "too many words" 32 'too many words' 'set client require on and more words'
printf 'set client require on\nset server require off\nset client require perhaps\n' >"$DIR/bad3.conf"
run "bad line 3 of 3: line and column" 1 '' "^smbsignctl: $DIR/bad3.conf:3:20: bad value \"perhaps\"" -- apply --check "$DIR/bad3.conf"
printf 'set client require on\nset server\000 require off\n' >"$DIR/nul.conf"
run "NUL byte" 1 '' "^smbsignctl: $DIR/nul.conf:2:11: NUL byte" -- apply --check "$DIR/nul.conf"
# apply (not --check) parses everything before it talks to the module
run "apply bad file: nothing applied" 1 '' "^smbsignctl: $DIR/bad3.conf:3:20: .*; nothing applied\$" -- apply "$DIR/bad3.conf"
run "missing file" 1 '' "^smbsignctl: $DIR/none.conf: No such file or directory\$" -- apply --check "$DIR/none.conf"
run "unreadable: a directory" 1 '' "^smbsignctl: $DIR: .*" -- apply --check "$DIR"
run "two files" 2 '' 'Usage: smbsignctl apply \[--check\] \[FILE\]' -- apply --check a b
run "unknown option" 2 '' 'Usage: smbsignctl apply' -- apply --force x
run "help lists apply" 0 'apply +\[--check\] \[FILE\]' '' -- help
if grep -qw smbsign /proc/net/netlink 2>/dev/null || [ -d /sys/module/smbsign ]; then
	n=$((n + 1))
	echo "ok $n - apply without module # SKIP smbsign is loaded"
	pass=$((pass + 1))
else
	run "apply without module" 1 '' 'smbsign is not loaded: run modprobe smbsign' -- apply "$DIR/good.conf"
fi
echo "# $pass passed, $fail failed"
[ $fail = 0 ]
