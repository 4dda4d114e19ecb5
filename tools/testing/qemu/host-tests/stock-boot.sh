# shellcheck shell=bash
# Debian's stock 6.1 kernel image (linux-image-<release> of the installed
# linux-headers-amd64, downloaded, not installed) booted under QEMU with the
# module built as DKMS builds it, the demo module, smbsignctl and the
# package's modprobe hook: tools/packaging/tests/stock-boot.sh. TAP.
ht_run() {
	bash tools/packaging/tests/stock-boot.sh
}
