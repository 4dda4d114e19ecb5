# shellcheck shell=bash
# smbsign loaded and unloaded 100 times with its self-test, and pinned by a
# consumer holding keys (tools/testing/lifecycle/guest-test.sh).  Runs after
# /init has unloaded the KUnit modules and smbsign (GT_STAGE=unloaded).
gt_build() {
	[ -f tools/testing/keys/smbsign_keytest.ko ] &&
		make -s -C tools/smbsignctl WERROR=1 smbsignctl
}
gt_files() {
	echo "tools/testing/lifecycle/guest-test.sh /usr/libexec/smbsign/lifecycle-test.sh"
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
}
# shellcheck disable=SC2034  # read by harness.sh
GT_STAGE=unloaded
# shellcheck disable=SC2034
GT_TIMEOUT=300
# shellcheck disable=SC2034
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl sh /usr/libexec/smbsign/lifecycle-test.sh"
