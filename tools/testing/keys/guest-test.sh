#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Key hygiene, in the QEMU guest (busybox sh): smbsign_keytest.ko derives,
# creates and uses keys from a known session key (keytest.h) for every
# dialect and algorithm, registers sessions and reports verification
# failures on them; then none of the session key, the derived signing keys
# or the subkeys their schedules keep (keys.txt, from keys.py) may appear,
# raw or as hex, in: what the smbsign netlink family sends (policy, stats,
# sessions dump, events, before and after the load: smbsign-keyscan -c),
# smbsignctl's output, the kernel log, the KUnit and smbsign debugfs files,
# and the module parameters in sysfs.  Controls: the scanner must find the
# keys in a file holding them raw, and in the kernel log after
# `smbsign_keytest leak=1` prints them.  Prints TAP.  Needs: smbsign
# loaded, root.
#
#   KEYSCAN=/usr/libexec/smbsign/smbsign-keyscan KEYS=/usr/share/smbsign/keys.txt \
#       SMBSIGNCTL=/usr/sbin/smbsignctl sh guest-test.sh
set -u

SCAN=${KEYSCAN:-/usr/libexec/smbsign/smbsign-keyscan}
KEYS=${KEYS:-/usr/share/smbsign/keys.txt}
CTL=${SMBSIGNCTL:-smbsignctl}
KT=${KEYTEST:-$(find /lib/modules/"$(uname -r)" -name smbsign_keytest.ko 2>/dev/null | head -n 1)}
T=/tmp/keys

# shellcheck source=../qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"

# clean NAME LOG: the scan in LOG exited 0 (nothing found)
clean() {
	rc=$(cat "$2.rc")
	sed -n 's/^# /# /p' "$2"
	if [ "$rc" = 0 ]; then
		ok "$1"
	else
		grep '^HIT' "$2" | head -n 8 | sed 's/^/# /'
		sed 's/^/# err: /' "$2.err" 2>/dev/null | tail -n 4
		notok "$1 (scan exit $rc)"
	fi
}

# scan LOG FILE...
scan() {
	log=$1
	shift
	"$SCAN" -k "$KEYS" "$@" >"$log" 2>"$log.err"
	echo $? >"$log.rc"
}

echo "TAP version 13"
echo "1..9"
t0=$(date +%s)
mkdir -p $T
if [ ! -f "$KT" ] || [ ! -x "$SCAN" ] || [ ! -f "$KEYS" ]; then
	echo "# smbsign_keytest.ko ('$KT'), $SCAN or $KEYS missing"
	while [ $n -lt 9 ]; do notok "setup"; done
	exit 1
fi
sed 's/ .*//; s/^/# pattern: /' "$KEYS"

# 1-2: load the consumer under a netlink capture (events, policy, stats,
# sessions before and after)
"$SCAN" -k "$KEYS" -c -o $T/netlink.bin -- insmod "$KT" >$T/nl 2>$T/nl.err
echo $? >$T/nl.rc
if dmesg | grep -q 'smbsign_keytest: keys: every case passed, 7 sessions'; then
	ok "smbsign_keytest: every dialect and algorithm derived (as keytest.h), signed, verified"
else
	dmesg | grep smbsign_keytest | tail -n 8 | sed 's/^/# /'
	notok "smbsign_keytest: every dialect and algorithm derived (as keytest.h), signed, verified"
fi
clean "netlink: policy, stats, sessions and events carry no key material" $T/nl

# 3: smbsignctl, text and JSON
{
	$CTL show
	$CTL stats
	$CTL -j stats
	$CTL sessions
	$CTL -j sessions
} >$T/ctl.txt 2>&1
scan $T/ctl $T/ctl.txt
if grep -q 6b65797465737400 $T/ctl.txt || grep -qi 0x6b65797465737400 $T/ctl.txt; then
	clean "smbsignctl show, stats, sessions (text and JSON): no key material" $T/ctl
else
	notok "smbsignctl sessions lists none of smbsign_keytest's sessions"
	head -n 20 $T/ctl.txt | sed 's/^/# /'
fi

# 4: debugfs (KUnit results of the smbsign suites, anything smbsign) and
# the module parameters
files=$(find /sys/kernel/debug/kunit /sys/kernel/debug -maxdepth 3 -path '*smbsign*' -type f 2>/dev/null | sort -u)
files="$files $(ls /sys/module/smbsign*/parameters/* 2>/dev/null)"
nf=$(echo "$files" | wc -w)
echo "# $nf debugfs and sysfs files"
# shellcheck disable=SC2086
scan $T/fs $files
clean "debugfs (kunit/smbsign*) and /sys/module/smbsign*/parameters: no key material ($nf files)" $T/fs

# 5-6: release the keys and sessions, then the kernel log
if rmmod smbsign_keytest; then ok "rmmod smbsign_keytest"; else notok "rmmod smbsign_keytest"; fi
dmesg >$T/dmesg.txt
scan $T/dmesg $T/dmesg.txt
clean "kernel log ($(wc -l <$T/dmesg.txt) lines): no key material" $T/dmesg

# 7: control: a file with a key in it, raw
# shellcheck disable=SC2059
printf "$(sed -n 's/^signing-key-3.0 //p' "$KEYS" | sed 's/../\\x&/g')" >$T/raw.bin
scan $T/raw $T/raw.bin
if [ "$(cat $T/raw.rc)" = 1 ] && grep -q '^HIT signing-key-3.0 raw' $T/raw; then
	ok "control: the scanner finds a signing key written raw"
else
	notok "control: the scanner finds a signing key written raw (exit $(cat $T/raw.rc))"
fi

# 8-9: control: leak=1 prints the keys (%*phN, %*ph); the scan must see them
insmod "$KT" leak=1 && rmmod smbsign_keytest
dmesg >$T/leak.txt
scan $T/leak $T/leak.txt
if [ "$(cat $T/leak.rc)" = 1 ] && grep -q '^HIT session-key hex' $T/leak &&
	grep -q '^HIT signing-key-3.1.1 hex' $T/leak; then
	ok "control: the scanner finds the keys smbsign_keytest leak=1 prints"
else
	sed 's/^/# /' $T/leak | tail -n 5
	notok "control: the scanner finds the keys smbsign_keytest leak=1 prints (exit $(cat $T/leak.rc))"
fi
# nothing else hit: only the two control lines
if [ "$(grep -c '^HIT' $T/leak)" = 2 ]; then
	ok "control: nothing but the two printed keys found in the kernel log"
else
	grep '^HIT' $T/leak | sed 's/^/# /'
	notok "control: nothing but the two printed keys found in the kernel log"
fi
echo "# keys test: $(($(date +%s) - t0))s"
[ $fail = 0 ]
