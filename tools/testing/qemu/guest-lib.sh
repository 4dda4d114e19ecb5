# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Shared by the guest tests of `make check` (busybox sh; guest-tests/README):
# TAP output and the kernel log checks.  The harness installs it in every
# initramfs as /usr/libexec/smbsign/guest-lib.sh; a test sources it with
#
#   . "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"
#
# and may set TAP_ON_FAIL to the name of a function that notok calls after
# its line (to print the failed command's output, say).

n=0
fail=0

# The results are collected and printed at the end, after the header and
# the plan (whose count is only known then).
tap_begin() {
	exec 5>&1 >/tmp/gt.tap
}

tap_end() {
	exec 1>&5 5>&-
	echo "TAP version 13"
	echo "1..$n"
	cat /tmp/gt.tap
	[ "$fail" = 0 ]
}

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

notok() {
	n=$((n + 1))
	fail=$((fail + 1))
	echo "not ok $n - $1"
	[ -z "${TAP_ON_FAIL:-}" ] || "$TAP_ON_FAIL"
}

# check NAME COMMAND...: ok if the command succeeds
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# relay NAME: TAP from a program on stdin, renumbered into ours (not in a
# pipeline: the counts must stay in this shell)
relay() {
	while IFS= read -r line; do
		case "$line" in
		"TAP version"*|1..[1-9]*) ;;
		"1..0 # SKIP"*) ok "$1 # SKIP ${line#1..0 \# SKIP }" ;;
		"ok "*) ok "${line#ok * - }" ;;
		"not ok "*) notok "${line#not ok * - }" ;;
		*) echo "$line" ;;
		esac
	done
}

# Reports in the kernel log since the last `dmesg -c`.  Allocation
# failures the test injects print warn_alloc()'s "page allocation
# failure" / "vmalloc error" with a stack trace: expected, not reports.
BAD_DMESG='BUG:|WARNING:|KASAN|UBSAN|kmemleak|refcount_t|list_(add|del) corruption|general protection|Oops|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|lock held when returning|sleeping function called from invalid context|scheduling while atomic|soft lockup|hard LOCKUP|rcu.*stall|blocked for more than|double free|use-after-free|out-of-bounds'

# Messages that match BAD_DMESG but are what an injected failure makes
# the kernel print, not reports: kmemleak's own scan-area allocation
# failing ("kmemleak: Cannot allocate a scan area, scanning the full
# object", debug kernels).
EXPECTED_DMESG='kmemleak: Cannot allocate a scan area'

# dmesg_clean NAME: ok if the kernel log has no report (then cleared)
dmesg_clean() {
	dmesg | grep -v -E "$EXPECTED_DMESG" >/tmp/gt.dmesg
	dmesg -c >/dev/null
	if grep -E "$BAD_DMESG" /tmp/gt.dmesg >/tmp/gt.bad; then
		notok "$1: kernel log has no BUG/WARNING/KASAN/lockdep report"
		sed 's/^/#   /' /tmp/gt.bad | head -n 20
		grep -E -A 25 "$BAD_DMESG" /tmp/gt.dmesg | head -n 60 |
			sed 's/^/#   /'
	else
		ok "$1: kernel log has no BUG/WARNING/KASAN/lockdep report"
	fi
}

# kmemleak_clean NAME: on kernels with kmemleak, a scan finds nothing new
# since kmemleak_begin
kmemleak_begin() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
}

kmemleak_clean() {
	if [ ! -w /sys/kernel/debug/kmemleak ]; then
		ok "$1: kmemleak # SKIP no kmemleak in this kernel"
		return
	fi
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/tmp/gt.leak
	if grep -q 'unreferenced object' /tmp/gt.leak; then
		notok "$1: kmemleak finds no leak"
		head -n 40 /tmp/gt.leak | sed 's/^/#   /'
	else
		ok "$1: kmemleak finds no leak"
	fi
}
