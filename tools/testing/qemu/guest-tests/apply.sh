# shellcheck shell=bash
# smbsignctl apply (policy files) and the modprobe.d hook of the smbsignctl
# package, against the real module: tools/smbsignctl/tests/apply-guest-test.sh.
gt_build() {
	[ -f tools/smbsignctl/apply.c ] || return 1
	make -s -C tools/smbsignctl smbsignctl
}
gt_files() {
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
	echo "tools/smbsignctl/tests/apply-guest-test.sh /usr/libexec/smbsign/apply-guest-test.sh"
	echo "tools/packaging/modprobe.d/smbsign.conf /usr/libexec/smbsign/modprobe-smbsign.conf"
}
# shellcheck disable=SC2034 # read by harness.sh
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl HOOK=/usr/libexec/smbsign/modprobe-smbsign.conf sh /usr/libexec/smbsign/apply-guest-test.sh"
