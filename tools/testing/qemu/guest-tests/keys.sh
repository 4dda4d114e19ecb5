# shellcheck shell=bash
# Key hygiene: no key material of smbsign_keytest's known session key in
# netlink replies and events, smbsignctl output, the kernel log, debugfs or
# sysfs (tools/testing/keys/guest-test.sh).
gt_build() {
	[ -f tools/testing/keys/smbsign_keytest.ko ] || return 1
	make -s -C tools/testing/keys WERROR=1 &&
		make -s -C tools/smbsignctl WERROR=1 smbsignctl
}
gt_files() {
	echo "tools/testing/keys/smbsign-keyscan /usr/libexec/smbsign/smbsign-keyscan"
	echo "tools/testing/keys/keys.txt /usr/share/smbsign/keys.txt"
	echo "tools/testing/keys/guest-test.sh /usr/libexec/smbsign/keys-test.sh"
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
}
# shellcheck disable=SC2034  # read by harness.sh
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl sh /usr/libexec/smbsign/keys-test.sh"
