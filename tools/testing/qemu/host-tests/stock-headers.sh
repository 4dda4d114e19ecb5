# shellcheck shell=bash
# `make module` against Debian's stock kernel headers (linux-headers-amd64,
# installed through tools/testing/deps.txt), from a clean copy of the tree:
# exactly smbsign.ko is built, for that kernel, with its metadata. TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77

# the versioned headers package linux-headers-amd64 depends on
sh_stock_headers() {
	dpkg-query -W -f='${Depends}\n' linux-headers-amd64 2>/dev/null |
		tr ',' '\n' | sed -nE 's/^ *(linux-headers-[^ ]+-amd64).*/\1/p' | head -n1
}

sh_ok() {
	SH_N=$((SH_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $SH_N $2"
	else
		echo "not ok $SH_N $2"
		SH_FAIL=$((SH_FAIL + 1))
	fi
}

ht_run() {
	local pkg kdir krel tmp rc vm mods parms p n d f re
	SH_N=0 SH_FAIL=0
	echo "TAP version 13"
	echo "1..8"
	pkg=$(sh_stock_headers)
	kdir=/usr/src/$pkg
	if [ -z "$pkg" ] || [ ! -f "$kdir/include/generated/utsrelease.h" ]; then
		echo "# linux-headers-amd64 is not installed (tools/testing/deps.txt)"
		sh_ok 1 "stock headers installed"
		return 1
	fi
	# Debian's include/config/kernel.release is the upstream version;
	# the release modules are built for is UTS_RELEASE (and the package
	# name's suffix)
	krel=$(sed -nE 's/^#define UTS_RELEASE "(.*)"$/\1/p' "$kdir/include/generated/utsrelease.h")
	echo "# headers: $pkg ($(dpkg-query -W -f='${Version}' "$pkg")), kernel $krel"
	sh_ok 0 "stock headers installed: $kdir"

	# clean copies, as a user's unpacked tarball or clone would be
	tmp=$(mktemp -d /tmp/smbsign-stock.XXXXXX)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	for d in user tests; do
		mkdir "$tmp/$d"
		tar -X "$(dirname "${BASH_SOURCE[0]}")/../../copy-exclude" -cf - . |
			tar -xf - -C "$tmp/$d"
	done

	rc=0
	make -C "$tmp/user" module KDIR="$kdir" -j"$(nproc)" >"$tmp/build.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		sed 's/^/# /' "$tmp/build.log" | tail -n 30
	fi
	sh_ok "$rc" "make module KDIR=$kdir"
	grep -E 'warning:|error:|undefined!' "$tmp/build.log" | sed 's/^/# /'
	! grep -qE 'warning:|error:|undefined!' "$tmp/build.log"
	sh_ok $? "no compiler or modpost diagnostics"

	mods=$(cd "$tmp/user" && find . -name '*.ko' -printf '%P\n' | sort | tr '\n' ' ')
	echo "# built: $mods"
	[ "$mods" = "smbsign.ko " ]
	sh_ok $? "exactly smbsign.ko is built"

	vm=$(modinfo -F vermagic "$tmp/user/smbsign.ko" 2>/dev/null || true)
	echo "# vermagic: $vm"
	[ "${vm%% *}" = "$krel" ] && [ "$krel" = "${pkg#linux-headers-}" ]
	sh_ok $? "vermagic is $krel"

	# license, description, version, every parameter described
	rc=0
	for f in license description version; do
		[ -n "$(modinfo -F "$f" "$tmp/user/smbsign.ko" 2>/dev/null)" ] ||
			{ echo "# modinfo: no $f"; rc=1; }
	done
	[ "$(modinfo -F license "$tmp/user/smbsign.ko")" = GPL ] || rc=1
	# the one version: dkms.conf's PACKAGE_VERSION
	[ "$(modinfo -F version "$tmp/user/smbsign.ko")" = "$(make -s --no-print-directory -C "$tmp/user" version)" ] || rc=1
	sh_ok "$rc" "modinfo: license GPL, description, version (dkms.conf)"
	parms=$(modinfo -F parm "$tmp/user/smbsign.ko")
	re='^[a-z_]+:[^( ].* \([a-z]+\)$'
	n=0
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		n=$((n + 1))
		# "name:description (type)": an undescribed one is "name: (type)"
		if ! [[ $p =~ $re ]]; then
			echo "# parameter without description: $p"
			rc=1
		fi
	done <<<"$parms"
	echo "# $n parameters"
	[ "$n" -ge 8 ] || rc=1
	sh_ok "$rc" "modinfo: every parameter has a description ($n)"

	# the test loop's build against the same headers: no KUnit there, so
	# the guest-test modules (demo, events, keys, stress) only, no bench
	# module (its symbols are exported with KUnit) and nothing undefined
	rc=0
	make -C "$tmp/tests" module KDIR="$kdir" SMBSIGN_TESTS=1 -j"$(nproc)" \
		>"$tmp/tests.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/tests.log" | tail -n 30
	mods=$(cd "$tmp/tests" && find . -name '*.ko' -printf '%P\n' | sort | tr '\n' ' ')
	echo "# SMBSIGN_TESTS=1 built: $mods"
	[ "$rc" = 0 ] && [ "$mods" = "smbsign.ko tools/testing/demo/smbsign_demo.ko tools/testing/events/smbsign_evtest.ko tools/testing/keys/smbsign_keytest.ko tools/testing/stress/smbsign_stress.ko " ]
	sh_ok $? "SMBSIGN_TESTS=1 on a kernel without KUnit: smbsign, demo, evtest, keytest, stress"
	[ "$SH_FAIL" = 0 ]
}
