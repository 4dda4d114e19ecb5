# shellcheck shell=bash
# Allocation-failure sweeps of the netlink family and of loading smbsign,
# through /proc/thread-self/fail-nth: tools/testing/faults/guest-test.sh.
# (The in-kernel operations are swept by kunit/smbsign_faults_kunit.c.)
gt_build() {
	[ -f tools/testing/stress/smbsign_stress.ko ] &&
		make -s -C tools/smbsignctl WERROR=1 smbsignctl &&
		${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude/uapi \
			-o tools/testing/faults/smbsign_faults \
			tools/testing/faults/smbsign_faults.c
}
gt_files() {
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
	echo "tools/testing/faults/smbsign_faults /usr/libexec/smbsign/smbsign_faults"
	echo "tools/testing/faults/guest-test.sh /usr/libexec/smbsign/faults-test.sh"
}
# shellcheck disable=SC2034  # read by harness.sh
# ~70 s on the base kernels (GT_TIMEOUT is scaled by 5 on the debug kernel,
# where the namespace and module sweeps take every 5th point)
GT_TIMEOUT=240
# shellcheck disable=SC2034  # read by harness.sh
GT_RUN="FAULTS=/usr/libexec/smbsign/smbsign_faults sh /usr/libexec/smbsign/faults-test.sh"
