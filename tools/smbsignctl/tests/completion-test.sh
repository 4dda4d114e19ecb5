#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion of smbsignctl: sourced in a non-interactive bash, it
# registers `complete -F _smbsignctl smbsignctl`, offers the commands of
# `smbsignctl --help` and the words each one takes. Prints TAP.
# Usage: completion-test.sh [COMPLETION_FILE [SMBSIGNCTL]]
#   (default: ../smbsignctl.bash-completion and ../smbsignctl)
set -u

DIR=$(cd "$(dirname "$0")/.." && pwd)
FILE=${1:-$DIR/smbsignctl.bash-completion}
BIN=${2:-$DIR/smbsignctl}
n=0
fail=0

ok() {	# STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

# comp WORD...: COMPREPLY, sorted, space-separated, for the command line
# "smbsignctl WORD..." with the cursor at the end of the last WORD
comp() {
	COMP_WORDS=(smbsignctl "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_smbsignctl smbsignctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd' '
}

# expect NAME WANT WORD...
expect() {
	local name=$1 want=$2 got
	shift 2
	got=$(comp "$@")
	[ "$got" = "$want" ]
	ok $? "$name"
	[ "$got" = "$want" ] || echo "# smbsignctl $*<TAB>: got \"$got\", want \"$want\""
}

echo "TAP version 13"
echo "1..15"
# shellcheck source=/dev/null
. "$FILE"
ok $? "source $FILE"
spec=$(complete -p smbsignctl 2>&1)
echo "# $spec"
[ "$spec" = "complete -F _smbsignctl smbsignctl" ]
ok $? "complete -p smbsignctl: -F _smbsignctl"

# every command of the usage line is offered, and nothing else
if [ -x "$BIN" ]; then
	want=$("$BIN" --help | sed -n 's/^Usage: smbsignctl \[-j\] { \(.*\) } \.\.\.$/\1/p' |
		tr -d '|' | tr -s ' ' '\n' | grep . | LC_ALL=C sort | paste -sd' ')
	[ -n "$want" ]
	ok $? "the commands of smbsignctl --help: $want"
	expect "smbsignctl <TAB>: those commands" "$want" ""
else
	n=$((n + 2))
	echo "ok $((n - 1)) - the commands of smbsignctl --help # SKIP $BIN not built"
	echo "ok $n - smbsignctl <TAB> # SKIP $BIN not built"
fi
expect "smbsignctl s<TAB>" "sessions set show stats" s
expect "smbsignctl --<TAB>" "--help --json" --
expect "smbsignctl -j sh<TAB>" "show" -j sh
expect "smbsignctl set <TAB>" "algorithms audit client guest require server" set ""
expect "smbsignctl set server <TAB>" "algorithms audit guest require" set server ""
expect "smbsignctl set client guest <TAB>" "allow block" set client guest ""
expect "smbsignctl set audit o<TAB>" "off on" set audit o
expect "smbsignctl set server algorithms gmac,c<TAB>" "gmac,cmac" set server algorithms gmac,c
expect "smbsignctl preset win11-24h2-e<TAB>" "win11-24h2-education win11-24h2-enterprise" preset win11-24h2-e
expect "smbsignctl explain 0xc05<TAB>" "0xc05d0002 0xc05d0003" explain 0xc05
expect "smbsignctl set client require on <TAB>: nothing" "" set client require on ""
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
