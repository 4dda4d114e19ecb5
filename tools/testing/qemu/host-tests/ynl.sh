# shellcheck shell=bash
# Generated netlink files up to date with Documentation/netlink/specs/smbsign.yaml.
ht_run() {
	sh tools/net/ynl-regen.sh --check
}
