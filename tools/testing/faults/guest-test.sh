#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation-failure sweeps from userspace, in the QEMU guest (busybox sh),
# with smbsign loaded and nothing else using it.  Prints TAP.
#
#  1. every command of the "smbsign" netlink family with
#     /proc/thread-self/fail-nth at 1, 2, 3, ... (smbsign_faults netlink),
#     with 200 sessions registered by smbsign_stress.ko so that the dump
#     spans several messages;
#  2. creating a network namespace with fail-nth at 1, 2, 3, ...
#     (smbsign_faults netns): smbsign's pernet init fails, or a later
#     subsystem's does and smbsign's exit runs;
#  3. loading smbsign itself with fail-nth at 1, 2, 3, ... on the process
#     that calls init_module(2) (smbsign_faults insmod): the module
#     loader's allocations and smbsign's init (self-test, crypto, pernet,
#     the family) in one sweep.  smbsign is loaded again at the end.
#
# Then: no BUG/WARNING/KASAN/lockdep report in the kernel log, and on
# kernels with kmemleak, no leak.  The console shows only alert and
# emergency messages during the namespace and module sweeps (failed loads
# log, failed vmallocs and sysctl registrations print stack traces); the
# kernel log is checked for reports instead.
#
#   FAULTS=/usr/libexec/smbsign/smbsign_faults sh guest-test.sh
set -u

FAULTS=${FAULTS:-smbsign_faults}
# shellcheck source=../qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"
KO=$(find /lib/modules/"$(uname -r)" -name smbsign.ko | head -n 1)
SESSIONS=200

t0=$(date +%s)
tap_begin

# fail_nth fails the call site it reaches whatever probability says; make
# GFP_KERNEL allocations call sites, without messages
for d in /sys/kernel/debug/failslab /sys/kernel/debug/fail_page_alloc; do
	[ -d "$d" ] || continue
	echo 0 >"$d/verbose"
	echo N >"$d/ignore-gfp-wait"
	[ -e "$d/ignore-gfp-highmem" ] && echo N >"$d/ignore-gfp-highmem"
	[ -e "$d/min-order" ] && echo 0 >"$d/min-order"
done 2>/dev/null

dmesg -c >/dev/null
kmemleak_begin

if modprobe smbsign_stress seconds=0 hold_sessions=$SESSIONS 2>/tmp/gt.mp; then
	"$FAULTS" netlink $SESSIONS >/tmp/gt.out
	relay netlink </tmp/gt.out
	rmmod smbsign_stress || notok "rmmod smbsign_stress"
else
	notok "modprobe smbsign_stress: $(cat /tmp/gt.mp)"
fi
dmesg_clean "netlink sweep"

# the debug kernel (kmemleak, KASAN) takes seconds per namespace and per
# load: there the namespace and module sweeps arm every 5th point
if [ -e /sys/kernel/debug/kmemleak ]; then
	export FAULTS_STRIDE=5
	echo "# debug kernel: namespace and module sweeps at every 5th point"
fi
saved=$(cat /proc/sys/kernel/printk)
echo 2 >/proc/sys/kernel/printk
"$FAULTS" netns >/tmp/gt.out
echo "$saved" >/proc/sys/kernel/printk
relay netns </tmp/gt.out
dmesg_clean "namespace sweep"

# the module sweep: smbsign must be unloadable first
if ! rmmod smbsign 2>/tmp/gt.rm; then
	notok "rmmod smbsign before the module sweep: $(cat /tmp/gt.rm)"
else
	saved=$(cat /proc/sys/kernel/printk)
	echo 2 >/proc/sys/kernel/printk
	"$FAULTS" insmod "$KO" >/tmp/gt.out
	relay insmod </tmp/gt.out
	echo "$saved" >/proc/sys/kernel/printk
	if [ -d /sys/module/smbsign ]; then
		ok "smbsign is loaded after the sweep"
	else
		notok "smbsign is loaded after the sweep"
		modprobe smbsign
	fi
	dmesg_clean "module sweep"
	smbsignctl show >/dev/null
	check "smbsign works after the sweep" [ $? = 0 ]
fi
kmemleak_clean "fault sweeps"

echo "# faults guest test: $(($(date +%s) - t0)) s"
tap_end
