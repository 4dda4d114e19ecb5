# shellcheck shell=bash
# The smbsign generic netlink family under a seeded fuzzer:
# tools/testing/fuzz/smbsign-nlfuzz (malformed, oversized, unknown and
# abandoned requests as root, uid 65534 and a user-namespace root, in
# several network namespaces; see its header for the checks) with sessions
# registered by tools/testing/keys/smbsign_keytest.ko.
# `make check SMBSIGN_FUZZ_SEED=N` repeats a run's seed (printed in its
# TAP), SMBSIGN_FUZZ_MESSAGES=N changes the count (default 100000: 12-14 s
# on 6.1 under TCG on two loaded cores, 7,300-8,600 messages a second).
gt_build() {
	[ -f tools/testing/keys/smbsign_keytest.ko ] || return 1
	make -s -C tools/testing/fuzz WERROR=1 smbsign-nlfuzz || return 1
	{
		echo "SEED=${SMBSIGN_FUZZ_SEED:-}"
		echo "MESSAGES=${SMBSIGN_FUZZ_MESSAGES:-}"
	} >tools/testing/fuzz/.nlfuzz.conf
}
gt_files() {
	echo "tools/testing/fuzz/smbsign-nlfuzz /usr/libexec/smbsign/smbsign-nlfuzz"
	echo "tools/testing/fuzz/guest-test.sh /usr/libexec/smbsign/nlfuzz-test.sh"
	echo "tools/testing/fuzz/.nlfuzz.conf /etc/smbsign/nlfuzz.conf"
}
# shellcheck disable=SC2034  # read by harness.sh
GT_TIMEOUT=300
# shellcheck disable=SC2034
GT_RUN="sh /usr/libexec/smbsign/nlfuzz-test.sh"
