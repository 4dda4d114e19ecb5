#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# smbsign's module lifecycle, in the QEMU guest (busybox sh), run by /init
# after it has unloaded every module (guest-tests/lifecycle.sh has
# GT_STAGE=unloaded): LOOPS (default 100) times modprobe smbsign, check
# that its load-time self-test passed (one more "self-tests: pass" in the
# kernel log), that the netlink family answers and nothing holds the
# module, rmmod it and check it is gone.  Then a consumer holding keys
# pins it: with smbsign_keytest.ko hold=1 loaded (14 keys held),
# rmmod smbsign must fail and leave smbsign working; once the consumer is
# unloaded (its keys sign and verify one last time, then are released),
# rmmod smbsign succeeds.  No oops, BUG, WARNING or call trace in the
# kernel log.  Prints TAP; leaves smbsign unloaded, as it found it.
#
#   SMBSIGNCTL=/usr/sbin/smbsignctl LOOPS=100 sh guest-test.sh
set -u

CTL=${SMBSIGNCTL:-smbsignctl}
LOOPS=${LOOPS:-100}
KT=${KEYTEST:-$(find /lib/modules/"$(uname -r)" -name smbsign_keytest.ko 2>/dev/null | head -n 1)}
PASS='smbsign: self-tests: pass'

# shellcheck source=../qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"

# all CMD1 -- CMD2 ...: every command succeeds
all() {
	cmd=""
	for a in "$@"; do
		if [ "$a" = -- ]; then
			eval "$cmd" >/dev/null 2>&1 || return 1
			cmd=""
		else
			cmd="$cmd '$a'"
		fi
	done
	eval "$cmd" >/dev/null 2>&1
}

dmesg_has() {
	dmesg | grep -qF "$1"
}

passes() {
	dmesg | grep -cF "$PASS"
}

echo "TAP version 13"
echo "1..10"

# 1: the harness unloaded smbsign before this test
if [ -d /sys/module/smbsign ]; then
	echo "# smbsign is loaded: $(cat /sys/module/smbsign/refcnt 2>/dev/null) references, holders: $(ls /sys/module/smbsign/holders 2>/dev/null)"
	rmmod smbsign_keytest 2>/dev/null
	rmmod smbsign 2>/dev/null
	notok "smbsign is not loaded at the start"
else
	ok "smbsign is not loaded at the start"
fi

# 2-5: LOOPS loads and unloads
load_fail=0 st_fail=0 nl_fail=0 ref_fail=0 rm_fail=0 gone_fail=0
t0=$(date +%s)
i=0
while [ $i -lt "$LOOPS" ]; do
	i=$((i + 1))
	before=$(passes)
	if ! modprobe smbsign 2>/tmp/lc.err; then
		load_fail=$((load_fail + 1))
		echo "# load $i: $(cat /tmp/lc.err)"
		continue
	fi
	[ "$(passes)" = $((before + 1)) ] || st_fail=$((st_fail + 1))
	$CTL show >/dev/null 2>&1 || nl_fail=$((nl_fail + 1))
	[ "$(cat /sys/module/smbsign/refcnt 2>/dev/null)" = 0 ] || ref_fail=$((ref_fail + 1))
	if ! rmmod smbsign 2>/tmp/lc.err; then
		rm_fail=$((rm_fail + 1))
		echo "# unload $i: $(cat /tmp/lc.err)"
		continue
	fi
	[ ! -d /sys/module/smbsign ] || gone_fail=$((gone_fail + 1))
done
t1=$(date +%s)
echo "# $LOOPS load/unload cycles in $((t1 - t0))s"
check "$LOOPS loads, each with the self-test passing (\"$PASS\" once per load; $load_fail loads failed, $st_fail without the line)" \
	[ $((load_fail + st_fail)) = 0 ]
check "the netlink family answers after every load ($nl_fail did not)" [ $nl_fail = 0 ]
check "nothing holds smbsign after a load (refcnt 0; $ref_fail had references)" [ $ref_fail = 0 ]
check "$LOOPS unloads, module gone each time ($rm_fail failed, $gone_fail left it)" \
	[ $((rm_fail + gone_fail)) = 0 ]

# 6-9: a consumer holding keys pins smbsign
if [ ! -f "$KT" ] || ! modprobe smbsign || ! insmod "$KT" hold=1; then
	notok "smbsign and smbsign_keytest hold=1 load"
	rmmod smbsign 2>/dev/null
	while [ $n -lt 9 ]; do notok "consumer pins smbsign"; done
else
	held=$(dmesg | grep 'smbsign_keytest: keys:' | tail -n 1 | sed -n 's/.*, \([0-9]*\) keys held.*/\1/p')
	check "smbsign_keytest hold=1 holds keys (${held:-no} keys held; holder of smbsign: $(ls /sys/module/smbsign/holders))" \
		all [ "${held:-0}" -gt 0 ] -- [ -e /sys/module/smbsign/holders/smbsign_keytest ]
	rmmod smbsign >/tmp/lc.out 2>&1
	rc=$?
	echo "# rmmod smbsign with the consumer loaded: rc=$rc: $(cat /tmp/lc.out)"
	check "rmmod smbsign fails while a consumer holds keys, smbsign stays and answers" \
		all [ $rc != 0 ] -- [ -d /sys/module/smbsign ] -- "$CTL" show
	rmmod smbsign_keytest
	rc=$?
	check "the consumer unloads; its $held keys still signed and verified first" \
		all [ $rc = 0 ] -- dmesg_has "smbsign_keytest: held keys: $held of $held still sign and verify"
	check "then rmmod smbsign succeeds" rmmod smbsign
fi

# 10: the kernel log
if dmesg | grep -E 'Oops|BUG:|WARNING:|Call Trace:|KASAN:|UBSAN:|refcount_t:|general protection' >/tmp/lc.bad; then
	sed 's/^/# /' /tmp/lc.bad | head -n 10
	notok "kernel log: no oops, BUG, WARNING or call trace"
else
	ok "kernel log: no oops, BUG, WARNING or call trace"
fi
[ $fail = 0 ]
