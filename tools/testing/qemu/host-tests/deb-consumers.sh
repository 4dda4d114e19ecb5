# shellcheck shell=bash
# The consumer packages on this machine: `make deb` builds smbsign-cifs-dkms
# and smbsign-ksmbd-dkms too (the SMB client and server of Debian's
# linux-source-6.1 with smbsign's series); lintian; `apt-get install` of
# smbsign-dkms, smbsignctl and both: DKMS builds cifs.ko and ksmbd.ko for
# Debian's stock 6.1 headers into updates/dkms/, they depend on smbsign, and
# modprobe's lookup (modinfo -n) finds them ahead of the distribution's
# modules; smbsignctl's bash completion is installed; purging the consumer
# packages brings the distribution's modules back and leaves smbsign;
# purging the rest leaves nothing. The distribution's fs/smb modules come
# from Debian's linux-image-<release> (downloaded, as tests/stock-boot.sh
# does) and are put in /lib/modules/<release>/kernel/ for the test when the
# image is not installed here (then removed). Same machine-wide lock and
# skip rules as deb.sh. TAP.
# shellcheck disable=SC2034 # read by harness.sh
HT_SKIP_RC=77
# not in make check's default set (its cold run stays under 45 minutes on
# two cores): `make check-install` (or HOST_TESTS=NAME) runs it
# shellcheck disable=SC2034 # read by harness.sh
HT_DEFAULT=no

# lintian tags accepted, each explained in tools/packaging/README.md
DC_LINTIAN_OK='initial-upload-closes-no-bugs'
DC_PKGS='smbsign-cifs-dkms smbsign-ksmbd-dkms smbsign-dkms smbsignctl'

dc_ok() {
	DC_N=$((DC_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $DC_N $2"
	else
		echo "not ok $DC_N $2"
		DC_FAIL=$((DC_FAIL + 1))
	fi
}

dc_apt() {
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y \
		--no-install-recommends "$@" >>"$DC_TMP/apt.log" 2>&1
}

dc_installed_pkgs() {
	# shellcheck disable=SC2086
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $DC_PKGS 2>/dev/null | grep -v '^un ' || true
}

# the distribution's fs/smb modules (cifs, ksmbd, cifs_arc4, cifs_md4) of
# $krel: the installed image's, else the downloaded image's put in place
dc_distro_modules() {
	local cache sdir ver img
	if [ -d "/lib/modules/$krel/kernel/fs/smb/client" ]; then
		echo "# linux-image-$krel is installed: its fs/smb modules are the distribution's"
		return 0
	fi
	[ ! -e "/lib/modules/$krel/kernel" ] || return 1
	cache=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$krel")
	img=linux-image-$krel
	sdir=$cache/stock/$img-$ver
	mkdir -p "$cache/stock"
	(
		flock 8
		if [ ! -f "$sdir/.extracted" ]; then
			rm -rf "$sdir" && mkdir -p "$sdir"
			(cd "$sdir" && apt-get download -qq "$img=$ver") &&
				dpkg-deb -x "$sdir/${img}"_*.deb "$sdir/root" &&
				rm -f "$sdir"/*.deb && touch "$sdir/.extracted"
		fi
	) 8>"$cache/stock/.lock" >>"$DC_TMP/apt.log" 2>&1 || return 1
	[ -d "$sdir/root/lib/modules/$krel/kernel/fs/smb/client" ] || return 1
	echo "# $img $ver (downloaded, not installed): its fs/smb modules put in /lib/modules/$krel/kernel/fs/smb/ for the test"
	mkdir -p "/lib/modules/$krel/kernel/fs"
	DC_FAKED=1
	# (depmod warns about the image's modules.order and others: not there)
	cp -a "$sdir/root/lib/modules/$krel/kernel/fs/smb" "/lib/modules/$krel/kernel/fs/" &&
		depmod "$krel" 2>>"$DC_TMP/apt.log"
}

dc_cleanup() {
	local left
	left=$(dc_installed_pkgs | awk '{print $2}')
	# shellcheck disable=SC2086
	[ -z "$left" ] || dc_apt purge $left || true
	if [ "$DC_FAKED" = 1 ]; then
		rm -rf "/lib/modules/$krel/kernel"
		depmod "$krel" 2>/dev/null || true
	fi
	rm -rf "$DC_TMP"
}

# modinfo -n MODULE for $krel
dc_where() {
	modinfo -k "$krel" -n "$1" 2>/dev/null || echo none
}

# DKMS' make time for MODULE (make.log: the start date, its mtime the end)
dc_make_time() {
	local log start
	log=/var/lib/dkms/$1/$ver/$krel/$(uname -m)/log/make.log
	start=$(sed -n 2p "$log" 2>/dev/null)
	[ -n "$start" ] || { echo "?"; return; }
	echo "$(($(stat -c %Y "$log") - $(date -d "$start" +%s))) s"
}

ht_run() {
	local ver krel rc lockfd debs tags bad m ko dep t0 s k f left
	local -A DC_DISTRO=()
	DC_N=0 DC_FAIL=0 DC_FAKED=0
	if [ "$(id -u)" != 0 ] || ! command -v dpkg-buildpackage >/dev/null ||
		! command -v dkms >/dev/null; then
		echo "deb-consumers test: needs root, dkms, dpkg-dev, debhelper, dh-dkms (tools/testing/deps.txt); skipped"
		return 77
	fi
	if [ ! -f /usr/src/linux-source-6.1.tar.xz ]; then
		echo "deb-consumers test: needs linux-source-6.1 (the packages' build dependency); skipped"
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
	if [ -n "$(dc_installed_pkgs)" ] || dkms status 2>/dev/null | grep -q '^smbsign'  ||
		ls -d /usr/src/smbsign-* >/dev/null 2>&1; then
		echo "smbsign is already installed on this machine; skipped"
		return 77
	fi
	DC_TMP=$(mktemp -d /tmp/smbsign-deb-consumers.XXXXXX)
	trap 'trap - RETURN; dc_cleanup' RETURN
	echo "TAP version 13"
	echo "1..20"
	echo "# smbsign $ver, stock kernel headers $krel"

	t0=$(date +%s)
	rc=0
	make deb DEB_OUT="$DC_TMP/out" >"$DC_TMP/deb.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DC_TMP/deb.log" | tail -n 40
	echo "# make deb: $(($(date +%s) - t0)) s"
	debs=$(for p in $DC_PKGS; do ls "$DC_TMP/out/${p}_$ver"-*.deb 2>/dev/null; done)
	echo "# built: $(echo "$debs" | xargs -rn1 basename | tr '\n' ' ')"
	[ "$rc" = 0 ] && [ "$(echo "$debs" | grep -c .)" = 4 ]
	dc_ok $? "make deb: smbsign-dkms, smbsignctl, smbsign-cifs-dkms, smbsign-ksmbd-dkms"

	tags=$(grep -E '^[EWIP]: ' "$DC_TMP/out/lintian.txt" 2>/dev/null || true)
	[ -z "$tags" ] || echo "$tags" | sed 's/^/# lintian: /'
	bad=$(echo "$tags" | grep . | grep -vE "^[IP]: |: ($DC_LINTIAN_OK)( |$)" || true)
	[ -f "$DC_TMP/out/lintian.txt" ] && [ -z "$bad" ]
	dc_ok $? "lintian: no error or warning but the explained ones ($DC_LINTIAN_OK)"

	# what the consumer packages carry: the patched source of 6.1, a
	# dkms.conf for 6.1 kernels only, the version override
	rc=0
	for m in cifs ksmbd; do
		dpkg-deb -c "$DC_TMP/out/smbsign-${m}-dkms_$ver"-*.deb >"$DC_TMP/c.txt" || rc=1
		for f in dkms.conf dkms-series include/linux/smbsign.h series/6.1/KERNELVERSION; do
			grep -q " ./usr/src/smbsign-$m-$ver/$f\$" "$DC_TMP/c.txt" || { echo "# $m: no $f"; rc=1; }
		done
		grep -q " ./usr/share/dkms/modules_to_force_install/smbsign-$m\$" "$DC_TMP/c.txt" || rc=1
	done
	dc_ok "$rc" "the packages carry the 6.1 source, dkms.conf, dkms-series and the version override"
	rc=0
	dpkg-deb --fsys-tarfile "$DC_TMP/out/smbsign-cifs-dkms_$ver"-*.deb |
		tar -xOf - "./usr/src/smbsign-cifs-$ver/dkms.conf" >"$DC_TMP/dkms.conf" || rc=1
	BUILD_EXCLUSIVE_KERNEL=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$DC_TMP/dkms.conf")
	echo "# BUILD_EXCLUSIVE_KERNEL=$BUILD_EXCLUSIVE_KERNEL"
	for k in "$krel" 6.1.0-40-amd64 6.1.192; do
		[[ $k =~ $BUILD_EXCLUSIVE_KERNEL ]] || { echo "# rejects $k"; rc=1; }
	done
	for k in 6.12.57+deb13-amd64 6.10.3 7.2.13 5.10.0-30-amd64 6.19.1; do
		[[ $k =~ $BUILD_EXCLUSIVE_KERNEL ]] && { echo "# accepts $k"; rc=1; }
	done
	dc_ok "$rc" "BUILD_EXCLUSIVE_KERNEL: 6.1 kernels only"

	rc=0
	dc_distro_modules || rc=1
	for m in cifs ksmbd; do
		DC_DISTRO[$m]=$(dc_where $m)
		echo "# before: modinfo -n $m: ${DC_DISTRO[$m]}"
		[[ ${DC_DISTRO[$m]} == /lib/modules/$krel/kernel/fs/smb/* ]] || rc=1
	done
	dc_ok "$rc" "before: modinfo -n cifs, ksmbd: the distribution's (kernel/fs/smb/)"

	t0=$(date +%s)
	rc=0
	# shellcheck disable=SC2086
	dc_apt install $debs || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DC_TMP/apt.log" | tail -n 40
	echo "# apt-get install (DKMS builds smbsign, cifs, ksmbd): $(($(date +%s) - t0)) s"
	dc_ok "$rc" "apt-get install ./smbsign-dkms ./smbsignctl ./smbsign-cifs-dkms ./smbsign-ksmbd-dkms"
	for m in smbsign smbsign-cifs smbsign-ksmbd; do
		echo "# DKMS make time, $m for $krel: $(dc_make_time $m)"
	done

	rc=0
	for m in smbsign smbsign-cifs smbsign-ksmbd; do
		s=$(dkms status -m "$m" -v "$ver" -k "$krel" 2>/dev/null)
		echo "# dkms status: $s"
		[[ $s == *"$krel"*": installed"* ]] || rc=1
	done
	dc_ok "$rc" "dkms status: smbsign, smbsign-cifs, smbsign-ksmbd installed for $krel"
	[ -s "/var/lib/dkms/smbsign/$ver/$krel/$(uname -m)/Module.symvers" ]
	dc_ok $? "smbsign's Module.symvers kept in the DKMS tree (POST_BUILD)"

	for m in cifs ksmbd; do
		ko=$(dc_where $m)
		dep=$(modinfo -F depends "$ko" 2>/dev/null)
		echo "# after install: modinfo -n $m: $ko; depends: $dep; vermagic: $(modinfo -F vermagic "$ko" 2>/dev/null)"
		[[ $ko == "/lib/modules/$krel/updates/dkms/$m.ko"* ]] &&
			[[ ,$dep, == *,smbsign,* ]] &&
			[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ]
		dc_ok $? "$m.ko: DKMS-built for $krel in updates/dkms, depends on smbsign"
		[ "$ko" != "${DC_DISTRO[$m]}" ] && [ -f "${DC_DISTRO[$m]}" ]
		dc_ok $? "modinfo -n $m: the DKMS one, the distribution's still in place"
	done
	dep=$(modinfo -k "$krel" -F depends cifs)
	[[ ,$dep, == *,cifs_md4,* && ,$dep, == *,cifs_arc4,* ]] &&
		[[ $(modinfo -k "$krel" -n cifs_md4) == */kernel/fs/smb/common/* ]]
	dc_ok $? "cifs.ko takes cifs_md4/cifs_arc4 from the distribution's kernel"

	# smbsignctl's bash completion, as installed
	rc=0
	f=/usr/share/bash-completion/completions/smbsignctl
	dpkg -S "$f" 2>/dev/null | grep -q '^smbsignctl:' || rc=1
	bash tools/smbsignctl/tests/completion-test.sh "$f" /usr/sbin/smbsignctl >"$DC_TMP/comp.txt" 2>&1 || rc=1
	sed 's/^/# /' "$DC_TMP/comp.txt" | grep -E '^# (not ok|# )' || true
	dc_ok "$rc" "smbsignctl package: bash completion installed and working ($(tail -n1 "$DC_TMP/comp.txt" | sed 's/^# //'))"

	rc=0
	dc_apt purge smbsign-cifs-dkms smbsign-ksmbd-dkms || rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$DC_TMP/apt.log" | tail -n 40
	dc_ok "$rc" "apt-get purge smbsign-cifs-dkms smbsign-ksmbd-dkms"
	rc=0
	for m in cifs ksmbd; do
		ko=$(dc_where $m)
		echo "# after purge: modinfo -n $m: $ko"
		[ "$ko" = "${DC_DISTRO[$m]}" ] || rc=1
		[ -z "$(find /lib/modules/*/updates -name "$m.ko*" 2>/dev/null)" ] || rc=1
	done
	dc_ok "$rc" "after purge: modinfo -n cifs, ksmbd: the distribution's again, no override left"
	rc=0
	[ -z "$(dkms status -m smbsign-cifs)" ] && [ -z "$(dkms status -m smbsign-ksmbd)" ] &&
		[ ! -e /var/lib/dkms/smbsign-cifs ] && [ ! -e /var/lib/dkms/smbsign-ksmbd ] || rc=1
	left=$(ls -d /usr/src/smbsign-cifs-* /usr/src/smbsign-ksmbd-* \
		/usr/share/dkms/modules_to_force_install/smbsign-* 2>/dev/null || true)
	[ -z "$left" ] || { echo "$left" | sed 's/^/# left: /'; rc=1; }
	dc_ok "$rc" "after purge: no smbsign-cifs/smbsign-ksmbd in dkms status, /var/lib/dkms, /usr/src"
	s=$(dkms status -m smbsign -v "$ver" -k "$krel")
	[[ $s == *": installed"* ]]
	dc_ok $? "smbsign itself stays installed ($s)"

	rc=0
	dc_apt purge smbsign-dkms smbsignctl || rc=$?
	dc_ok "$rc" "apt-get purge smbsign-dkms smbsignctl"
	left=$( { ls -d /usr/src/smbsign-* /var/lib/dkms/smbsign* /etc/smbsign /usr/sbin/smbsignctl \
		/usr/share/bash-completion/completions/smbsignctl \
		/lib/modules/*/updates/dkms/smbsign.ko* 2>/dev/null || true; }
		dc_installed_pkgs; dkms status 2>/dev/null | grep '^smbsign' || true)
	[ -z "$left" ] || echo "$left" | sed 's/^/# left: /'
	[ -z "$left" ]
	dc_ok $? "dkms status empty, no package or file left"
	[ "$DC_FAIL" = 0 ]
}
