# shellcheck shell=bash
# smbsignctl host tests (no module needed; under valgrind when installed). KTAP.
ht_run() {
	make -s -C tools/smbsignctl smbsignctl &&
		tools/smbsignctl/tests/host-test.sh tools/smbsignctl/smbsignctl
}
