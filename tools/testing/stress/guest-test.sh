#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency stress on the guest's 2 vCPUs (busybox sh), with smbsign
# loaded.  For STRESS_SECONDS (default 25):
#
#   in the kernel, smbsign_stress.ko: 2 threads sign, verify, tamper-check
#   and sign compound chains on three shared keys, one creates and drops
#   keys, one registers and unregisters sessions in init_net and in live
#   namespaces (with verification failures, i.e. events, and decisions);
#
#   from userspace, at the same time: policy changes over netlink
#   (smbsignctl set, both directions, algorithms), an events listener
#   (smbsignctl monitor), session dumps and stats, network namespaces
#   created and deleted (unshare -n, setting a policy inside), the simd
#   parameter switched, and `rmmod smbsign`, which must be refused every
#   time while the stress module holds keys.
#
# Then: the module's error count is 0 and every kind of work was done, no
# loop hit an error, the listener got events, smbsign is still loaded and
# works, and the kernel log has no BUG/WARNING/KASAN/lockdep report (and,
# with kmemleak, no leak).  Counts are printed.  The policy is set back to
# the module's defaults.
#
#   SMBSIGNCTL=/usr/sbin/smbsignctl sh guest-test.sh
set -u

CTL=${SMBSIGNCTL:-smbsignctl}
SECS=${STRESS_SECONDS:-25}
# shellcheck source=../qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"
W=/tmp/stress
rm -rf $W
mkdir -p $W

t0=$(date +%s)
tap_begin
dmesg -c >/dev/null
kmemleak_begin

# the policy toggles between two sets of values, both directions
loop_policy() {
	c=0 e=0
	while [ "$(date +%s)" -lt "$end" ]; do
		for args in "client require off" "server audit on" \
			"client guest allow" "server algorithms hmac-sha256,cmac" \
			"client require on" "server audit off" \
			"client guest block" "server algorithms gmac,cmac,hmac-sha256"; do
			# shellcheck disable=SC2086
			$CTL set $args >/dev/null 2>>$W/policy.err || e=$((e + 1))
			c=$((c + 1))
		done
	done
	echo "$c $e" >$W/policy
}

# dumps may be interrupted by sessions coming and going (NLM_F_DUMP_INTR:
# smbsignctl says "Interrupted system call"); anything else is an error
loop_dump() {
	c=0 e=0 i=0
	while [ "$(date +%s)" -lt "$end" ]; do
		if ! $CTL sessions >/dev/null 2>$W/dump.err1; then
			if grep -q 'Interrupted' $W/dump.err1; then
				i=$((i + 1))
			else
				e=$((e + 1))
				cat $W/dump.err1 >>$W/dump.err
			fi
		fi
		$CTL stats >/dev/null 2>>$W/dump.err || e=$((e + 1))
		c=$((c + 2))
	done
	echo "$c $e $i" >$W/dump
}

loop_netns() {
	c=0 e=0
	while [ "$(date +%s)" -lt "$end" ]; do
		unshare -n sh -c "$CTL set client require off >/dev/null &&
			$CTL set server algorithms cmac >/dev/null &&
			$CTL show >/dev/null" 2>>$W/netns.err || e=$((e + 1))
		c=$((c + 1))
	done
	echo "$c $e" >$W/netns
}

loop_simd() {
	c=0 e=0
	p=/sys/module/smbsign/parameters/simd
	while [ "$(date +%s)" -lt "$end" ]; do
		if [ -w $p ]; then
			echo $((c % 2)) >$p 2>>$W/simd.err || e=$((e + 1))
		fi
		c=$((c + 1))
		sleep 0.2
	done
	[ -w $p ] && echo 1 >$p
	echo "$c $e" >$W/simd
}

loop_rmmod() {
	c=0 e=0
	while [ "$(date +%s)" -lt "$end" ]; do
		if rmmod smbsign 2>/dev/null; then
			e=$((e + 1))
			modprobe smbsign
		fi
		c=$((c + 1))
		sleep 0.5
	done
	echo "$c $e" >$W/rmmod
}

$CTL monitor >$W/mon 2>&1 &
mpid=$!
sleep 1

if ! modprobe smbsign_stress seconds="$SECS" signers=2 2>$W/mp; then
	notok "modprobe smbsign_stress: $(cat $W/mp)"
	kill $mpid
	tap_end
	exit
fi
ok "smbsign_stress started ($SECS s, 2 signers)"
end=$(($(date +%s) + SECS))
loop_policy &
p1=$!
loop_dump &
p2=$!
loop_netns &
p3=$!
loop_simd &
p4=$!
loop_rmmod &
p5=$!
wait $p1 $p2 $p3 $p4 $p5
sleep 1
rmmod smbsign_stress 2>$W/rm || notok "rmmod smbsign_stress: $(cat $W/rm)"
kill $mpid 2>/dev/null
wait $mpid 2>/dev/null

# the module's own counts
done_line=$(dmesg | grep 'smbsign_stress: done:' | tail -n 1)
echo "# ${done_line#*smbsign_stress: }"
dmesg | grep 'smbsign_stress: error:' | head -n 10 | sed 's/^/#   /'
errors=$(echo "$done_line" | sed -n 's/.* errors \([0-9]*\).*/\1/p')
check "kernel threads: no errors (${errors:-no count})" [ "${errors:-x}" = 0 ]
for k in sign verify tamper compound keys refs sessions netns-sessions decisions; do
	v=$(echo "$done_line" | sed -n "s/.* $k \\([0-9]*\\).*/\\1/p")
	check "kernel threads: $k ${v:-?} > 0" [ "${v:-0}" -gt 0 ]
done

read -r pc pe <$W/policy
[ "$pc" -gt 0 ] && [ "$pe" = 0 ]
check "policy set over netlink: $pc, $pe errors" [ $? = 0 ]
[ -s $W/policy.err ] && head -n 5 $W/policy.err | sed 's/^/#   /'
read -r dc de di <$W/dump
[ "$dc" -gt 0 ] && [ "$de" = 0 ]
check "sessions dumps and stats: $dc, $de errors, $di interrupted" [ $? = 0 ]
[ -s $W/dump.err ] && head -n 5 $W/dump.err | sed 's/^/#   /'
read -r nc ne <$W/netns
[ "$nc" -gt 0 ] && [ "$ne" = 0 ]
check "namespaces created, set and deleted: $nc, $ne errors" [ $? = 0 ]
[ -s $W/netns.err ] && head -n 5 $W/netns.err | sed 's/^/#   /'
read -r sc se <$W/simd
check "simd parameter switched: $sc, $se errors" [ "$se" = 0 ]
read -r rc re <$W/rmmod
[ "$rc" -gt 0 ] && [ "$re" = 0 ]
check "rmmod smbsign refused while keys exist: $((rc - re)) of $rc attempts refused" [ $? = 0 ]

ev=$(grep -c '^verify-failed' $W/mon)
pev=$(grep -c '^policy-changed' $W/mon)
[ "$ev" -gt 0 ] && [ "$pev" -gt 0 ]
check "listener: $ev verify-failed and $pev policy-changed events" [ $? = 0 ]
! grep -qE 'lost|error|monitor:' $W/mon
check "listener: no lost events or errors" [ $? = 0 ]
grep -E 'lost|error|monitor:' $W/mon | head -n 3 | sed 's/^/#   /'

check "smbsign still loaded" [ -d /sys/module/smbsign ]
$CTL set client require on >/dev/null && $CTL set server require on >/dev/null &&
	$CTL set client audit off >/dev/null && $CTL set server audit off >/dev/null &&
	$CTL set client guest block >/dev/null && $CTL set server guest block >/dev/null &&
	$CTL set client algorithms gmac,cmac,hmac-sha256 >/dev/null &&
	$CTL set server algorithms gmac,cmac,hmac-sha256 >/dev/null
check "smbsign works; policy back to the defaults" [ $? = 0 ]
dmesg_clean "stress"
kmemleak_clean "stress"
echo "# stress guest test: $(($(date +%s) - t0)) s"
tap_end
