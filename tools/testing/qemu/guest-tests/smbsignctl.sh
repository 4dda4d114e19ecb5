# shellcheck shell=bash
# smbsignctl (tools/smbsignctl) against the real module: its guest TAP script.
gt_build() {
	[ -f tools/smbsignctl/Makefile ] || return 1
	make -s -C tools/smbsignctl smbsignctl tests/nlbad
}
gt_files() {
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
	echo "tools/smbsignctl/tests/nlbad /usr/libexec/smbsign/nlbad"
	echo "tools/smbsignctl/tests/guest-test.sh /usr/libexec/smbsign/guest-test.sh"
}
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl NLBAD=/usr/libexec/smbsign/nlbad sh /usr/libexec/smbsign/guest-test.sh"
