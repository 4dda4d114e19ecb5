# shellcheck shell=bash
# The stock-kernel boot (tools/packaging/tests/stock-boot.sh) on Debian 12's
# own 6.12 kernel (linux-image-6.12.*+deb12-amd64, the kernel Debian 13
# ships, built for bookworm) when its headers are installed; skipped
# otherwise (their package pulls in the image and initramfs-tools, so
# deps.txt does not install them). TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77
ht_run() {
	local k
	k=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'linux-headers-6.12.*+deb12-amd64' 2>/dev/null |
		sed -n 's/^ii  linux-headers-//p' | sort -V | tail -n1)
	if [ -z "$k" ]; then
		echo "no linux-headers-6.12.*+deb12-amd64 installed; skipped"
		return 77
	fi
	STOCK_KREL=$k bash tools/packaging/tests/stock-boot.sh
}
