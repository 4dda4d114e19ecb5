# shellcheck shell=bash
# The "events" multicast group end to end: smbsignctl monitor / -j monitor
# while tools/testing/events/smbsign_evtest.ko (built by the top-level
# Kbuild, installed under extra/events and not loaded at boot) triggers
# each kind of event.  See tools/testing/events/guest-test.sh.
gt_build() {
	[ -f tools/testing/events/smbsign_evtest.ko ] &&
		make -s -C tools/smbsignctl WERROR=1 smbsignctl
}
gt_files() {
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
	echo "tools/testing/events/guest-test.sh /usr/libexec/smbsign/events-test.sh"
}
# shellcheck disable=SC2034  # read by harness.sh
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl sh /usr/libexec/smbsign/events-test.sh"
