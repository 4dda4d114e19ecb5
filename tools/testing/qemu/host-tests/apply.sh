# shellcheck shell=bash
# smbsignctl apply --check on good and bad policy files and the shipped
# /etc/smbsign/smbsign.conf (no module needed; under valgrind when installed). TAP.
ht_run() {
	make -s -C tools/smbsignctl smbsignctl &&
		tools/smbsignctl/tests/apply-test.sh tools/smbsignctl/smbsignctl tools/packaging/smbsign.conf
}
