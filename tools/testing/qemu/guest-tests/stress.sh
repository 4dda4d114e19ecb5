# shellcheck shell=bash
# Concurrency stress on 2 vCPUs: tools/testing/stress/smbsign_stress.ko's
# kernel threads plus netlink, namespaces and rmmod from userspace
# (tools/testing/stress/guest-test.sh).
gt_build() {
	[ -f tools/testing/stress/smbsign_stress.ko ] &&
		make -s -C tools/smbsignctl WERROR=1 smbsignctl
}
gt_files() {
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
	echo "tools/testing/stress/guest-test.sh /usr/libexec/smbsign/stress-test.sh"
}
# shellcheck disable=SC2034  # read by harness.sh
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl sh /usr/libexec/smbsign/stress-test.sh"
