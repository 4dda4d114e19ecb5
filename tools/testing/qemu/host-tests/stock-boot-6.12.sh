# shellcheck shell=bash
# The stock-kernel boot (tools/packaging/tests/stock-boot.sh) on Debian 12's
# own 6.12 kernel (linux-image-6.12.*+deb12-amd64: the 6.12 series Debian 13
# ships, built for bookworm, so the module builds with bookworm's gcc). Its
# headers are used where installed; otherwise the newest ones the archive
# has are downloaded and unpacked into the cache, never installed (the
# package would pull the image and initramfs-tools onto the host). TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77
# not in make check's default set (its cold run stays under 45 minutes on
# two cores): `make check-install` (or HOST_TESTS=NAME) runs it
# shellcheck disable=SC2034 # read by harness.sh
HT_DEFAULT=no
ht_run() {
	local k base ver dir cache=${SMBSIGN_CACHE:-$HOME/.cache/smbsign} p

	k=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'linux-headers-6.12.*+deb12-amd64' 2>/dev/null |
		sed -n 's/^ii  linux-headers-//p' | sort -V | tail -n1)
	if [ -n "$k" ]; then
		STOCK_KREL=$k bash tools/packaging/tests/stock-boot.sh
		return
	fi
	k=$(apt-cache pkgnames linux-headers-6.12 |
		sed -nE 's/^linux-headers-(6\.12\.[0-9]+\+deb12-amd64)$/\1/p' | sort -V | tail -n1)
	if [ -z "$k" ]; then
		echo "no linux-headers-6.12.*+deb12-amd64 in the configured archive; skipped"
		return 77
	fi
	base=${k%-amd64}
	ver=$(apt-cache show --no-all-versions "linux-headers-$k" | sed -n 's/^Version: //p')
	dir=$cache/stock/headers-$k-$ver
	mkdir -p "$cache/stock"
	(
		flock 8
		[ -f "$dir/.extracted" ] && exit 0
		rm -rf "$dir" && mkdir -p "$dir"
		cd "$dir" || exit 1
		apt-get download -qq "linux-headers-$k=$ver" "linux-headers-$base-common=$ver" \
			"linux-kbuild-$base=$ver" 2>/dev/null || exit 1
		for p in ./*.deb; do dpkg-deb -x "$p" root || exit 1; done
		rm -f ./*.deb
		# the flavour's Makefile includes the common tree by absolute path
		sed -i "s#^include /usr/src/#include $dir/root/usr/src/#" \
			"root/usr/src/linux-headers-$k/Makefile" || exit 1
		touch .extracted
	) 8>"$cache/stock/.lock-headers" || {
		echo "could not download and unpack linux-headers-$k $ver"
		return 1
	}
	STOCK_KREL=$k STOCK_VER=$ver STOCK_KDIR=$dir/root/usr/src/linux-headers-$k \
		bash tools/packaging/tests/stock-boot.sh
}
