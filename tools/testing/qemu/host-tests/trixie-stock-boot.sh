# shellcheck shell=bash
# Debian 13's own kernel booted with the module DKMS built on Debian 13:
# README.md's Install in a fresh trixie chroot (install-chroot.sh trixie,
# as trixie-install; its TAP is kept as comments here) hands over, with
# INSTALL_CHROOT_BOOT, the chroot's linux-image-6.12.*+deb13-amd64 (pulled
# in by linux-headers-amd64's Recommends) and the smbsign.ko.xz DKMS
# installed for it; tools/packaging/tests/stock-boot.sh boots them under
# QEMU TCG with the host's busybox, kmod and smbsignctl (built from the
# tree), the package's modprobe hook and a policy file: modprobe smbsign,
# self-test with the stock drivers, the file applied at load, smbsignctl
# show reflects it, a bad file keeps the defaults; then once more with
# fips=1. The demo module needs
# the headers (gcc 14): skipped. Needs root and debootstrap. TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77
# not in the default set: `make check-install` (or HOST_TESTS=NAME) runs it
# shellcheck disable=SC2034 # read by harness.sh
HT_DEFAULT=no
ht_run() {
	local d rc=0
	if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
		echo "trixie-stock-boot: needs root and debootstrap (tools/testing/deps.txt); skipped"
		return 77
	fi
	d=$(mktemp -d /tmp/smbsign-trixie-boot.XXXXXX)
	INSTALL_CHROOT_BOOT=$d bash tools/packaging/tests/install-chroot.sh trixie \
		>"$d/install.tap" 2>&1 || rc=$?
	# no kernel and module: show why (stock-boot.sh prints the failure)
	[ -s "$d/module" ] || sed "s/^/# install-chroot.sh (rc=$rc): /" "$d/install.tap"
	rc=0
	STOCK_FROM=$d bash tools/packaging/tests/stock-boot.sh || rc=$?
	# and with fips=1, as stock-boot-fips does for Debian 12's kernel
	[ ! -s "$d/module" ] || STOCK_FROM=$d bash tools/packaging/tests/stock-boot.sh --fips || rc=$?
	[ ! -s "$d/module" ] ||
		echo "# kernel: $(cat "$d/krel") (Debian 13's, from the chroot); module: $(sed "s#^$d/root##" "$d/module") (DKMS in the chroot)"
	sed -n 's/^/# install-chroot.sh trixie: /p' "$d/install.tap" | grep -E '^# install-chroot.sh trixie: (not ok|# (trixie|INSTALL_CHROOT_BOOT|chroot kernel|module))'
	rm -rf "$d"
	return "$rc"
}
