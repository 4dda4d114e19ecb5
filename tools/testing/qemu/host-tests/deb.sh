# shellcheck shell=bash
# Debian packages on this machine: `make deb` (dpkg-buildpackage, debhelper,
# dh-dkms; lintian), then `apt-get install ./smbsign-dkms_*.deb
# ./smbsignctl_*.deb`: DKMS builds smbsign.ko for Debian's stock kernel
# headers (linux-headers-amd64), smbsignctl runs, the policy file and the
# modprobe hook are in place; purge leaves nothing behind; a reinstall
# works; an upgrade (next Debian revision) rebuilds the module. The module
# cannot be loaded on the host. Changes the system under a machine-wide
# lock and restores it; skipped when smbsign is already installed here.
# Builds with the pkg.smbsign.noconsumers profile: smbsign-cifs-dkms and
# smbsign-ksmbd-dkms are deb-consumers.sh's. TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77
# not in make check's default set (its cold run stays under 45 minutes on
# two cores): `make check-install` (or HOST_TESTS=NAME) runs it
# shellcheck disable=SC2034 # read by harness.sh
HT_DEFAULT=no

# lintian tags accepted, each explained in tools/packaging/README
DEB_LINTIAN_OK='initial-upload-closes-no-bugs'

db_ok() {
	DB_N=$((DB_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $DB_N $2"
	else
		echo "not ok $DB_N $2"
		DB_FAIL=$((DB_FAIL + 1))
	fi
}

db_apt() {
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y \
		--no-install-recommends "$@" >>"$DB_TMP/apt.log" 2>&1
}

# installed for every kernel with headers (the stock one, $krel, at least):
# dkms status, the module, found by depmod
db_installed() {
	local st ko k rc=0 n=0
	for k in $(db_kernels); do
		n=$((n + 1))
		st=$(dkms status -m smbsign -v "$ver" -k "$k" 2>/dev/null)
		echo "# dkms status: $st"
		[[ $st == *"$k"*": installed"* ]] || rc=1
	done
	[ "$n" -ge 1 ]
	db_ok $((rc | $?)) "$1: dkms status: smbsign/$ver installed for every kernel with headers ($n)"
	rc=0
	for k in $(db_kernels); do
		ko=$(modinfo -k "$k" -F filename smbsign 2>/dev/null || true)
		echo "# module: ${ko:-none}"
		[[ $ko == "/lib/modules/$k/updates/dkms/smbsign.ko"* ]] &&
			[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$k" ] &&
			[ "$(modinfo -F version "$ko")" = "$ver" ] || rc=1
	done
	db_ok "$rc" "$1: smbsign.ko for each, version $ver, found by depmod"
}

# kernels with headers, as DKMS sees them
db_kernels() {
	local k
	for k in /lib/modules/*/build; do
		[ -d "$k/include" ] && basename "${k%/build}"
	done
	return 0
}

db_gone() {
	local left
	[ -z "$(dkms status -m smbsign)" ] && [ ! -e /var/lib/dkms/smbsign ]
	db_ok $? "$1: dkms status empty, /var/lib/dkms/smbsign gone"
	left=$( { ls -d /usr/src/smbsign-* /etc/smbsign /usr/sbin/smbsignctl \
		/lib/modules/*/updates/dkms/smbsign.ko* 2>/dev/null || true; }
		dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' smbsign-dkms smbsignctl 2>/dev/null |
			grep -v '^un ' || true
		grep -l smbsign /lib/modules/*/modules.dep 2>/dev/null || true)
	[ -z "$left" ] || echo "$left" | sed 's/^/# left: /'
	[ -z "$left" ]
	db_ok $? "$1: no file, package or modules.dep entry left"
}

ht_run() {
	local ver krel rc lockfd debs tags bad
	DB_N=0 DB_FAIL=0
	if [ "$(id -u)" != 0 ] || ! command -v dpkg-buildpackage >/dev/null ||
		! command -v dkms >/dev/null; then
		echo "deb test: needs root, dkms, dpkg-dev, debhelper, dh-dkms (tools/testing/deps.txt); skipped"
		return 77
	fi
	exec {lockfd}>/run/lock/smbsign-host-system.lock
	flock "$lockfd"
	ver=$(make -s --no-print-directory version)
	krel=$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 2>/dev/null |
		tr ',' '\n' | sed -nE 's/^ *linux-headers-([^ ]+-amd64).*/\1/p' | head -n1)
	if [ -z "$krel" ] || [ ! -d "/lib/modules/$krel/build" ]; then
		echo "linux-headers-amd64 is not installed (tools/testing/deps.txt)"
		return 1
	fi
	if dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' smbsign-dkms smbsignctl 2>/dev/null | grep -qv '^un ' ||
		[ -n "$(dkms status -m smbsign 2>/dev/null)" ] || ls -d /usr/src/smbsign-* >/dev/null 2>&1; then
		echo "smbsign is already installed on this machine; skipped"
		return 77
	fi
	DB_TMP=$(mktemp -d /tmp/smbsign-deb.XXXXXX)
	# shellcheck disable=SC2064
	trap "rm -rf '$DB_TMP'" RETURN
	echo "TAP version 13"
	echo "1..23"
	echo "# smbsign $ver, stock kernel headers $krel; kernels with headers: $(db_kernels | tr '\n' ' ')"

	rc=0
	DEB_BUILD_PROFILES=pkg.smbsign.noconsumers make deb DEB_OUT="$DB_TMP/out" \
		>"$DB_TMP/deb.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DB_TMP/deb.log" | tail -n 40
	debs=$(ls "$DB_TMP"/out/smbsign-dkms_"$ver"-*_all.deb "$DB_TMP"/out/smbsignctl_"$ver"-*_"$(dpkg --print-architecture)".deb 2>/dev/null)
	echo "# built: $(echo "$debs" | xargs -rn1 basename | tr '\n' ' ')"
	[ "$rc" = 0 ] && [ "$(echo "$debs" | grep -c .)" = 2 ]
	db_ok $? "make deb: smbsign-dkms and smbsignctl"

	tags=$(grep -E '^[EWIP]: ' "$DB_TMP/out/lintian.txt" 2>/dev/null || true)
	[ -z "$tags" ] || echo "$tags" | sed 's/^/# lintian: /'
	bad=$(echo "$tags" | grep . | grep -vE "^[IP]: |: ($DEB_LINTIAN_OK)( |$)" || true)
	[ -f "$DB_TMP/out/lintian.txt" ] && [ -z "$bad" ]
	db_ok $? "lintian: no error or warning but the explained ones ($DEB_LINTIAN_OK)"

	rc=0
	# shellcheck disable=SC2086
	db_apt install $debs || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DB_TMP/apt.log" | tail -n 40
	db_ok "$rc" "apt-get install ./smbsign-dkms_*.deb ./smbsignctl_*.deb"
	db_installed install

	smbsignctl --help >"$DB_TMP/help.txt" 2>&1
	rc=$?
	grep -q '^Usage: smbsignctl' "$DB_TMP/help.txt" || rc=1
	db_ok "$rc" "smbsignctl --help"
	man -w smbsignctl >/dev/null 2>&1
	db_ok $? "man -w smbsignctl: smbsignctl(8) installed"

	# the boot-time policy: a conffile, valid as shipped, and the hook
	dpkg-query -W -f='${Conffiles}\n' smbsignctl | grep -q ' /etc/smbsign/smbsign.conf ' &&
		smbsignctl apply --check /etc/smbsign/smbsign.conf >/dev/null
	db_ok $? "/etc/smbsign/smbsign.conf: a conffile, smbsignctl apply --check passes"
	modprobe -n -v -S "$krel" smbsign >"$DB_TMP/hook.txt" 2>&1
	rc=$?
	sed 's/^/# modprobe -n -v: /' "$DB_TMP/hook.txt"
	grep -q '^install /sbin/modprobe --ignore-install smbsign .*/usr/sbin/smbsignctl apply' "$DB_TMP/hook.txt" || rc=1
	db_ok "$rc" "modprobe smbsign on $krel runs smbsignctl apply (modprobe.d/smbsign.conf)"

	rc=0
	db_apt purge smbsign-dkms smbsignctl || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DB_TMP/apt.log" | tail -n 40
	db_ok "$rc" "apt-get purge smbsign-dkms smbsignctl"
	db_gone purge

	# a second install after a purge
	rc=0
	# shellcheck disable=SC2086
	db_apt install $debs || rc=$?
	db_ok "$rc" "reinstall after the purge"
	db_installed reinstall

	# an upgrade (the next Debian revision) rebuilds for every kernel
	mkdir "$DB_TMP/src2"
	tar -X "$(dirname "${BASH_SOURCE[0]}")/../../copy-exclude" -cf - . |
		tar -xf - -C "$DB_TMP/src2"
	{
		printf 'smbsign (%s-9) unstable; urgency=medium\n\n  * Upgrade test.\n\n' "$ver"
		printf ' -- Upgrade Test <upgrade-test@localhost>  %s\n\n' "$(date -R)"
		cat tools/packaging/debian/changelog
	} >"$DB_TMP/src2/tools/packaging/debian/changelog"
	rc=0
	DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=pkg.smbsign.noconsumers \
		make -C "$DB_TMP/src2" deb DEB_OUT="$DB_TMP/out2" \
		>"$DB_TMP/deb2.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DB_TMP/deb2.log" | tail -n 20
	db_ok "$rc" "make deb of $ver-9"
	before=$(for k in $(db_kernels); do stat -c %Y "/lib/modules/$k"/updates/dkms/smbsign.ko* 2>/dev/null || echo 0; done)
	sleep 1
	rc=0
	# shellcheck disable=SC2046
	db_apt install $(ls "$DB_TMP"/out2/smbsign-dkms_*.deb "$DB_TMP"/out2/smbsignctl_*_"$(dpkg --print-architecture)".deb) || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DB_TMP/apt.log" | tail -n 40
	[ "$rc" = 0 ] && [ "$(dpkg-query -W -f='${Version}' smbsign-dkms)" = "$ver-9" ]
	db_ok $? "apt-get install of $ver-9: an upgrade"
	db_installed upgrade
	after=$(for k in $(db_kernels); do stat -c %Y "/lib/modules/$k"/updates/dkms/smbsign.ko* 2>/dev/null || echo 0; done)
	echo "# smbsign.ko mtimes before: $(echo $before), after: $(echo $after)"
	rc=0
	set -- $after
	for b in $before; do
		[ "$1" -gt "$b" ] || rc=1
		shift
	done
	db_ok "$rc" "upgrade rebuilt smbsign.ko for every kernel ($(db_kernels | tr '\n' ' '))"

	rc=0
	db_apt purge smbsign-dkms smbsignctl || rc=$?
	db_ok "$rc" "purge after the upgrade"
	db_gone "purge after the upgrade"
	[ "$DB_FAIL" = 0 ]
}
