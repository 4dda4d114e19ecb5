# shellcheck shell=bash
# smbsignctl (tools/smbsignctl) against the real module: its guest TAP script.
gt_build() {
	[ -f tools/smbsignctl/Makefile ] || return 1
	make -s -C tools/smbsignctl WERROR=1 smbsignctl tests/nlbad tests/runas
}
gt_files() {
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
	echo "tools/smbsignctl/tests/nlbad /usr/libexec/smbsign/nlbad"
	echo "tools/smbsignctl/tests/runas /usr/libexec/smbsign/runas"
	echo "tools/smbsignctl/tests/guest-test.sh /usr/libexec/smbsign/guest-test.sh"
}
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl NLBAD=/usr/libexec/smbsign/nlbad RUNAS=/usr/libexec/smbsign/runas sh /usr/libexec/smbsign/guest-test.sh"
