# shellcheck shell=bash
# Debian's stock 6.1 kernel image (linux-image-<release> of the installed
# linux-headers-amd64, downloaded, not installed) booted under QEMU with the
# module built as DKMS builds it, the demo module, smbsignctl and the
# package's modprobe hook: tools/packaging/tests/stock-boot.sh. TAP.
# not in make check's default set (its cold run stays under 45 minutes on
# two cores): `make check-install` (or HOST_TESTS=NAME) runs it
# shellcheck disable=SC2034 # read by harness.sh
HT_DEFAULT=no
ht_run() {
	bash tools/packaging/tests/stock-boot.sh
}
