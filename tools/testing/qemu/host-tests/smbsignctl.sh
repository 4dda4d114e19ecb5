# shellcheck shell=bash
# smbsignctl host tests (no module needed; under valgrind when installed). KTAP.
ht_run() {
	make -s -C tools/smbsignctl WERROR=1 smbsignctl &&
		tools/smbsignctl/tests/host-test.sh tools/smbsignctl/smbsignctl
}
