# shellcheck shell=bash
# smbsignctl's bash completion (tools/smbsignctl/smbsignctl.bash-completion),
# sourced in bash: registered for smbsignctl, offers the commands of
# `smbsignctl --help` and their words. TAP.
ht_run() {
	make -s -C tools/smbsignctl WERROR=1 smbsignctl &&
		tools/smbsignctl/tests/completion-test.sh
}
