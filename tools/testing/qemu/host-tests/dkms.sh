# shellcheck shell=bash
# DKMS on this machine: `make dkms-install` builds and installs smbsign.ko
# for Debian's stock kernel headers (linux-headers-amd64, deps.txt) and
# `make dkms-remove` leaves nothing behind. The module cannot be loaded on
# the host: built, installed and found by modinfo/depmod only. Changes the
# system (/usr/src, /var/lib/dkms, /lib/modules/<release>/updates/dkms)
# under a machine-wide lock and restores it; skipped when smbsign is
# already installed through DKMS or the smbsign-dkms package. TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77

dk_ok() {
	DK_N=$((DK_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $DK_N $2"
	else
		echo "not ok $DK_N $2"
		DK_FAIL=$((DK_FAIL + 1))
	fi
}

# the release of the stock headers (linux-headers-amd64's dependency)
dk_stock_release() {
	local pkg
	pkg=$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 2>/dev/null |
		tr ',' '\n' | sed -nE 's/^ *linux-headers-([^ ]+-amd64).*/\1/p' | head -n1)
	[ -n "$pkg" ] && [ -d "/lib/modules/$pkg/build" ] && echo "$pkg"
}

ht_run() {
	local ver krel ko st rc k lockfd
	DK_N=0 DK_FAIL=0
	if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null; then
		echo "dkms test: needs root and dkms (tools/testing/deps.txt); skipped"
		return 77
	fi
	exec {lockfd}>/run/lock/smbsign-host-system.lock
	flock "$lockfd"
	ver=$(make -s --no-print-directory version)
	krel=$(dk_stock_release)
	if [ -z "$krel" ]; then
		echo "linux-headers-amd64 is not installed (tools/testing/deps.txt)"
		return 1
	fi
	if dpkg-query -W -f='${Status}' smbsign-dkms 2>/dev/null | grep -q 'ok installed' ||
		[ -n "$(dkms status -m smbsign 2>/dev/null)" ] || [ -e "/usr/src/smbsign-$ver" ]; then
		echo "smbsign is already installed on this machine (dkms status: $(dkms status -m smbsign | tr '\n' ' ')); skipped"
		return 77
	fi
	echo "TAP version 13"
	echo "1..10"
	echo "# smbsign $ver, kernel headers $krel"

	rc=0
	make dkms-install DKMS_KERNEL="$krel" >/tmp/smbsign-dkms-test.log 2>&1 || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' /tmp/smbsign-dkms-test.log | tail -n 40
	dk_ok "$rc" "make dkms-install DKMS_KERNEL=$krel"

	st=$(dkms status -m smbsign -v "$ver" -k "$krel")
	echo "# dkms status: $st"
	[[ $st == *"$krel"*": installed"* ]]
	dk_ok $? "dkms status: smbsign/$ver installed for $krel"

	ko=$(find "/lib/modules/$krel/updates/dkms" -name 'smbsign.ko*' 2>/dev/null | head -n1)
	echo "# module: ${ko:-none}"
	[ -n "$ko" ] && [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ] &&
		[ "$(modinfo -F version "$ko")" = "$ver" ]
	dk_ok $? "updates/dkms/smbsign.ko: vermagic $krel, version $ver"

	[ "$(modinfo -k "$krel" -F filename smbsign 2>/dev/null)" = "$ko" ]
	dk_ok $? "depmod: modinfo -k $krel smbsign finds it"

	# DKMS builds the module alone: no KUnit suite or test module
	! { find "/usr/src/smbsign-$ver" "/var/lib/dkms/smbsign/$ver/$krel" \
		\( -path '*kunit*' -o -path '*tools*' -o -name '*_kunit.ko' \) 2>/dev/null || true; } | grep .
	dk_ok $? "no KUnit suites or test modules in the DKMS source or build"
	[ "$(find "/var/lib/dkms/smbsign/$ver/$krel" -name '*.ko*' -printf '%f\n' 2>/dev/null)" = smbsign.ko ]
	dk_ok $? "DKMS built exactly smbsign.ko"

	# BUILD_EXCLUSIVE_KERNEL: 6.1 and newer
	BUILD_EXCLUSIVE_KERNEL=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' dkms.conf)
	echo "# BUILD_EXCLUSIVE_KERNEL=$BUILD_EXCLUSIVE_KERNEL"
	rc=0
	[ -n "$BUILD_EXCLUSIVE_KERNEL" ] || rc=1
	for k in 6.1.0-57-amd64 6.1.192 6.12.57+deb13-amd64 6.19.3 7.2.13 7.3.4-amd64; do
		[[ $k =~ $BUILD_EXCLUSIVE_KERNEL ]] || { echo "# rejects $k"; rc=1; }
	done
	for k in 5.10.0-30-amd64 4.19.0-27-amd64 6.0.12-1-amd64 6.0; do
		[[ $k =~ $BUILD_EXCLUSIVE_KERNEL ]] && { echo "# accepts $k"; rc=1; }
	done
	dk_ok "$rc" "BUILD_EXCLUSIVE_KERNEL: 6.1 and newer only"

	rc=0
	make dkms-remove >>/tmp/smbsign-dkms-test.log 2>&1 || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' /tmp/smbsign-dkms-test.log | tail -n 20
	dk_ok "$rc" "make dkms-remove"
	[ -z "$(dkms status -m smbsign)" ] && [ ! -e "/var/lib/dkms/smbsign" ]
	dk_ok $? "dkms status empty, /var/lib/dkms/smbsign gone"
	[ ! -e "/usr/src/smbsign-$ver" ] && [ ! -e "$ko" ] &&
		! grep -q smbsign "/lib/modules/$krel/modules.dep"
	dk_ok $? "no source, module or modules.dep entry left"
	rm -f /tmp/smbsign-dkms-test.log
	[ "$DK_FAIL" = 0 ]
}
