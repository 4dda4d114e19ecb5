# shellcheck shell=bash
# README.md's Install section, as written, in a fresh Debian 12 (bookworm)
# chroot (debootstrap, cached; an overlay per run): apt-get install of the
# build dependencies, make deb + lintian, apt-get install of the packages
# (DKMS builds smbsign.ko for bookworm's linux-headers-amd64), dkms status,
# the modprobe hook and modinfo (the module cannot be loaded in a chroot),
# apt-get purge leaves nothing: tools/packaging/tests/install-chroot.sh.
# Skipped without root or debootstrap. TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77
# not in the default set: `make check-install` (or HOST_TESTS=NAME) runs it
# shellcheck disable=SC2034 # read by harness.sh
HT_DEFAULT=no
ht_run() {
	if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
		echo "bookworm-install: needs root and debootstrap (tools/testing/deps.txt); skipped"
		return 77
	fi
	bash tools/packaging/tests/install-chroot.sh bookworm
}
