#!/bin/bash
# dpkg-query's ${Field} formats are single-quoted on purpose; sed prefixes
# multi-line output with "# "
# shellcheck disable=SC2016,SC2001
# SPDX-License-Identifier: GPL-2.0
#
# install-chroot.sh trixie|bookworm: README.md's Install section, as a user
# copies it, in a fresh Debian 13 (trixie) or 12 (bookworm) chroot. TAP.
#
# The commands are read from README.md between the markers
# "<!-- install-chroot.sh: begin -->" and "<!-- install-chroot.sh: end -->"
# (one line each, a trailing backslash continues it), not copied here, and
# run as root with `bash -c` in a copy of the working tree (git ls-files:
# committed and uncommitted files, no build products) in /root/smbsign.
#
# The chroot: `debootstrap --variant=minbase <suite>` from deb.debian.org
# (with <suite>-updates and <suite>-security), built once into
# $SMBSIGN_CACHE/chroot/<suite>/base (default ~/.cache/smbsign; rebuilt
# after 30 days or with INSTALL_CHROOT_REFRESH=1) and never changed after:
# each run works in an overlay on it (overlayfs, or a copy where overlayfs
# cannot be mounted), in a private mount namespace, removed at the end.
# Downloaded packages are kept in $SMBSIGN_CACHE/chroot/<suite>/archives;
# `apt-get update` runs before the README's commands. The logs of the last
# run are left in $SMBSIGN_CACHE/chroot/<suite>/last-run/.
#
# What a chroot changes from the README's commands:
# - apt's prompt is answered (APT::Get::Assume-Yes, DEBIAN_FRONTEND=
#   noninteractive): there is no one to type "Y". dpkg unpacks without
#   fsync (force-unsafe-io): the root is thrown away.
# - The chroot has no kernel of its own: `uname -r` is the host's. Its kernel
#   is the one linux-headers-amd64 brings (the release DKMS builds for), and
#   checks pass that release explicitly (modinfo -k, modprobe -S).
# - `modprobe smbsign` would load into the host's kernel: not run. Checked
#   instead: `modprobe -n -v -S <release> smbsign` (the hook runs
#   `smbsignctl apply`, modprobe finds updates/dkms/smbsign.ko) and
#   modinfo on the module (license, version, description, parameters).
# - `smbsignctl show` needs the module loaded: run, it must say that
#   smbsign is not loaded (or show it, if the host kernel has it); then
#   `smbsignctl apply --check` on the shipped policy file.
# After `apt-get install ./results/...` the module must be in
# /lib/modules/<release>/updates/dkms/, found by depmod, with `dkms status`
# "installed" for the release; after `apt-get purge` nothing may be left.
#
# INSTALL_CHROOT_BOOT=<dir>: after the packages' install, what a boot of
# the chroot's kernel with that module needs is copied there (for
# tools/packaging/tests/stock-boot.sh, host-tests/trixie-stock-boot.sh):
# root/boot/vmlinuz-<release> (the image linux-headers-amd64 pulls in
# through Recommends), root/lib/modules/<release>/ (its modules.* lists and
# kernel/{crypto,lib,arch}), the DKMS-built module, and the files krel (the
# release) and module (the module's path there). Nothing is tested more.
#
# Needs root, debootstrap, unshare and network access to deb.debian.org.
set -euo pipefail

# lintian tags accepted, each explained in tools/packaging/README.md
IC_LINTIAN_OK='initial-upload-closes-no-bugs'

die() {
	echo "install-chroot.sh: $*" >&2
	exit 1
}

suite=${1:-}
case $suite in
trixie | bookworm) ;;
*)
	echo "usage: $0 trixie|bookworm" >&2
	exit 2
	;;
esac
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mount)"
for c in debootstrap unshare chroot flock; do
	command -v "$c" >/dev/null || die "needs $c (apt-get install $c; tools/testing/deps.txt)"
done

top=$(cd "$(dirname "$0")/../../.." && pwd)
cache=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}/chroot/$suite
mirror=${INSTALL_CHROOT_MIRROR:-http://deb.debian.org/debian}
security=${INSTALL_CHROOT_SECURITY:-http://deb.debian.org/debian-security}
base=$cache/base

# mounts are private to this run and go away with it
if [ -z "${IC_UNSHARED:-}" ]; then
	IC_UNSHARED=1 exec unshare --mount --propagation private "$BASH" "$0" "$@"
fi

t0=$(date +%s)
mkdir -p "$cache/archives/partial"
exec 8>"$cache/lock"

# one run per suite at a time: the base and the package cache are shared
if ! flock -n 8; then
	echo "# another install-chroot.sh $suite run holds $cache/lock; waiting" >&2
	flock 8
fi

# --------------------------------------------------------------- base --
# no chroot: one failed test, and why
basefail() {
	tail -n 20 "$cache/debootstrap.log" | sed 's/^/# /'
	printf 'TAP version 13\n1..1\nnot ok 1 %s (log: %s)\n' "$1" "$cache/debootstrap.log"
	die "$1 (log: $cache/debootstrap.log)"
}
base_note="cached, $(cat "$base/.smbsign-base" 2>/dev/null || echo none)"
if [ ! -f "$base/.smbsign-base" ] || [ -n "${INSTALL_CHROOT_REFRESH:-}" ] ||
	[ -n "$(find "$base/.smbsign-base" -mtime +30 2>/dev/null)" ]; then
	tb=$(date +%s)
	rm -rf "$base" "$base.new"
	echo "# debootstrap --variant=minbase $suite ($mirror) into $base" >&2
	if ! nice -n 10 debootstrap --variant=minbase --components=main \
		"$suite" "$base.new" "$mirror" >"$cache/debootstrap.log" 2>&1; then
		basefail "debootstrap $suite from $mirror failed"
	fi
	cat >"$base.new/etc/apt/sources.list" <<-EOF
		deb $mirror $suite main
		deb $mirror $suite-updates main
		deb $security $suite-security main
	EOF
	# package lists in the base: each run's apt-get update is then short
	if ! chroot "$base.new" apt-get -q update >>"$cache/debootstrap.log" 2>&1; then
		basefail "apt-get update in the new $suite chroot failed"
	fi
	chroot "$base.new" apt-get clean
	echo "$suite debootstrap minbase $(date -u +%Y-%m-%d)" >"$base.new/.smbsign-base"
	mv "$base.new" "$base"
	base_note="built in $(($(date +%s) - tb))s"
fi

# --------------------------------------------------------- the commands --
# README.md's Install commands, one per element
cmds=()
in=0 cur=''
while IFS= read -r l; do
	case $l in
	*'<!-- install-chroot.sh: begin -->'*) in=1 && continue ;;
	*'<!-- install-chroot.sh: end -->'*) in=2 && break ;;
	esac
	[ "$in" = 1 ] || continue
	[[ $l == '    '* ]] || continue
	l=${l#    }
	[[ $l =~ ^[[:space:]]*(#|$) ]] && continue
	if [[ $l == *\\ ]]; then
		cur+="${l%\\} "
		continue
	fi
	cmds+=("$cur$l")
	cur=''
done <"$top/README.md"
if [ "$in" != 2 ] || [ "${#cmds[@]}" = 0 ]; then
	die "no commands between <!-- install-chroot.sh: begin --> and <!-- install-chroot.sh: end --> in README.md"
fi

# what each command is: prereq (the apt-get install of the build
# dependencies), deb, install, status, modprobe, show, purge, or run
kind() {
	case $1 in
	'apt-get install '*linux-headers-amd64*) echo prereq ;;
	'make deb'*) echo deb ;;
	'apt-get install ./results/'*) echo install ;;
	'dkms status'*) echo status ;;
	'modprobe '*) echo modprobe ;;
	'smbsignctl show'*) echo show ;;
	'apt-get purge '*) echo purge ;;
	*) echo run ;;
	esac
}
# tests per kind
ntests() {
	case $1 in
	prereq | deb) echo 2 ;;
	install) echo 4 ;;
	modprobe) echo 2 ;;
	show) echo 2 ;;
	purge) echo 2 ;;
	*) echo 1 ;;
	esac
}
plan=0
for c in "${cmds[@]}"; do
	plan=$((plan + $(ntests "$(kind "$c")")))
done

# ------------------------------------------------------------- the run --
N=0 FAIL=0
ok() {
	N=$((N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $N $2"
	else
		echo "not ok $N $2"
		FAIL=$((FAIL + 1))
	fi
}

tmp=$(mktemp -d /tmp/smbsign-chroot-"$suite".XXXXXX)
root=$tmp/root
logs=$tmp/logs
# the overlay's upper layer grows to about 1 GB: in memory where there is
# room (removing it from disk takes longer than some of the steps)
mem=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
where=disk
if [ "${mem:-0}" -ge $((6 * 1024 * 1024)) ] && mount -t tmpfs -o size=3g,mode=700 tmpfs "$tmp"; then
	where=tmpfs
fi
mkdir -p "$root" "$tmp/upper" "$tmp/work" "$logs"

# processes left in the chroot (by PID), then the mounts and the overlay
cleanup() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[[ $r == "$root" || $r == "$root/"* ]] && kill "${p#/proc/}" 2>/dev/null
	done
	rm -rf "$cache/last-run"
	cp -a "$logs" "$cache/last-run" 2>/dev/null || true
	umount -R -l "$root" 2>/dev/null || true
	[ "$where" = disk ] || umount -l "$tmp"
	# never remove through a mount (/dev, the package cache)
	if grep -qF -e " $tmp/" -e " $tmp " /proc/self/mounts; then
		echo "install-chroot.sh: $tmp still has mounts; not removed" >&2
	else
		rm -rf --one-file-system "$tmp"
	fi
}
trap cleanup EXIT

if mount -t overlay overlay -o "lowerdir=$base,upperdir=$tmp/upper,workdir=$tmp/work" "$root" 2>/dev/null; then
	how="overlayfs (upper on $where)"
else
	how="a copy on $where (overlayfs could not be mounted)"
	cp -a "$base/." "$root/"
fi
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount --bind "$cache/archives" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
# a throwaway root: no fsync per unpacked file
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/90smbsign-install-chroot"
cat >"$root/etc/apt/apt.conf.d/90smbsign-install-chroot" <<-'EOF'
	APT::Get::Assume-Yes "true";
	Dpkg::Use-Pty "false";
	Binary::apt::APT::Keep-Downloaded-Packages "true";
EOF

# the working tree as a clone has it: tracked and untracked files, not
# ignored ones (build products, results/)
mkdir "$root/root/smbsign"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$root/root/smbsign"
	tree="git ls-files of $top"
else
	tar -C "$top" -X "$top/tools/testing/copy-exclude" \
		--exclude=tools/smbsignctl/smbsignctl -cf - . | tar -xf - -C "$root/root/smbsign"
	tree="$top (no git: a copy without build products)"
fi

# run a command in the chroot, as root in /root/smbsign; output in $logs/$2
inchroot() {
	nice -n 10 chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive \
		bash -c "cd /root/smbsign && $1" </dev/null >>"$logs/$2" 2>&1
}
q() { chroot "$root" "$@" 2>/dev/null; }
tailog() { sed -e '/^# \$ /d' -e 's/^/# /' "$logs/$1" | tail -n "${2:-30}"; }

echo "TAP version 13"
echo "1..$plan"
echo "# Debian $suite chroot: base $base_note; run in $how; tree: $tree"
echo "# README.md Install: ${#cmds[@]} commands"

ta=$(date +%s)
rc=0
inchroot 'apt-get -q update' apt-update.log || rc=$?
echo "# apt-get update: $(($(date +%s) - ta))s"
[ "$rc" = 0 ] || tailog apt-update.log 20

ver=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/root/smbsign/dkms.conf")
[ -n "$ver" ] || die "no PACKAGE_VERSION in dkms.conf"
krel=''
arch=$(uname -m)

# the kernel of the chroot: the release linux-headers-amd64 depends on
chroot_krel() {
	q dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
		tr ',' '\n' | sed -nE 's/^ *linux-headers-([^ ]+-amd64).*/\1/p' | head -n1 || true
}

# INSTALL_CHROOT_BOOT: the chroot's kernel and the module DKMS built
export_boot() {
	local d=$INSTALL_CHROOT_BOOT ko m=lib/modules/$krel x
	ko=$(module_file)
	rm -rf "$d/root" "$d/krel" "$d/module"
	if [ -z "$krel" ] || [ -z "$ko" ] || [ ! -f "$root/boot/vmlinuz-$krel" ]; then
		echo "# INSTALL_CHROOT_BOOT: no kernel image or module for ${krel:-no release}"
		return 0
	fi
	mkdir -p "$d/root/boot" "$d/root/$m/kernel" "$d/root/$m/updates/dkms"
	cp "$root/boot/vmlinuz-$krel" "$d/root/boot/"
	for x in crypto lib arch; do
		[ -d "$root/$m/kernel/$x" ] && cp -a "$root/$m/kernel/$x" "$d/root/$m/kernel/"
	done
	for x in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$root/$m/$x" ] && cp "$root/$m/$x" "$d/root/$m/"
	done
	cp "$root$ko" "$d/root$ko"
	echo "$krel" >"$d/krel"
	echo "$d/root$ko" >"$d/module"
	echo "# INSTALL_CHROOT_BOOT: $krel's vmlinuz, kernel/{crypto,lib,arch} and $ko copied to $d"
}

# the module DKMS installed for $krel (smbsign.ko, or compressed)
module_file() {
	local f
	for f in "$root/lib/modules/$krel/updates/dkms/smbsign.ko"{,.xz,.zst,.gz}; do
		[ -f "$f" ] && echo "${f#"$root"}" && return
	done
	return 0
}

i=0
for c in "${cmds[@]}"; do
	i=$((i + 1))
	k=$(kind "$c")
	name=${c%%  #*}
	name=${name%"${name##*[! ]}"}
	log=$i.log
	echo "# \$ $c" >"$logs/$log"
	if [ "$k" = modprobe ]; then
		# would load into the host's kernel
		echo "# $name: not run in a chroot (it would load into the host's kernel); modprobe -n -v -S $krel smbsign instead"
		rc=0
		inchroot "modprobe -n -v -S '$krel' smbsign" "$log" || rc=$?
		tailog "$log" 5 | sed 's/^# /# modprobe -n -v: /'
		if [ "$rc" = 0 ] && grep -q '^install /sbin/modprobe --ignore-install smbsign .*/usr/sbin/smbsignctl apply' "$logs/$log"; then
			r=0
		else
			r=1
		fi
		ok "$r" "$name (dry run for $krel): the modprobe.d hook runs smbsignctl apply"
		rc=0
		inchroot "modprobe -n -v -S '$krel' --ignore-install smbsign" "$log" || rc=$?
		if [ "$rc" = 0 ] && grep -q "^insmod /lib/modules/$krel/updates/dkms/smbsign\.ko" "$logs/$log"; then
			r=0
		else
			r=1
		fi
		ok "$r" "$name (dry run for $krel, --ignore-install): insmod of updates/dkms/smbsign.ko"
		continue
	fi

	ts=$(date +%s)
	rc=0
	inchroot "$c" "$log" || rc=$?
	echo "# $name: rc=$rc, $(($(date +%s) - ts))s"
	case $k in
	prereq)
		[ "$rc" = 0 ] || tailog "$log"
		ok "$rc" "$name"
		krel=$(chroot_krel)
		echo "# chroot kernel (linux-headers-amd64): ${krel:-none}; host kernel (uname -r): $(uname -r)"
		if [ -n "$krel" ] && [ -d "$root/lib/modules/$krel/build/include" ]; then
			r=0
		else
			r=1
		fi
		ok "$r" "linux-headers-amd64: headers of $krel in /lib/modules/$krel/build"
		;;
	deb)
		debs=$(cd "$root/root/smbsign" || exit 0
			ls results/deb/smbsign-dkms_"$ver"-*_all.deb \
				results/deb/smbsignctl_"$ver"-*_amd64.deb 2>/dev/null || true)
		echo "# built: $(echo "$debs" | xargs -rn1 basename | tr '\n' ' ')"
		[ "$rc" = 0 ] || tailog "$log"
		if [ "$rc" = 0 ] && [ "$(echo "$debs" | grep -c .)" = 2 ]; then
			r=0
		else
			r=1
		fi
		ok "$r" "$name: smbsign-dkms and smbsignctl $ver"
		lt=$root/root/smbsign/results/deb/lintian.txt
		tags=$(grep -E '^[EWIP]: ' "$lt" 2>/dev/null || true)
		[ -z "$tags" ] || sed 's/^/# lintian: /' <<<"$tags"
		bad=$(echo "$tags" | grep . | grep -vE "^[IP]: |: ($IC_LINTIAN_OK)( |$)" || true)
		if [ -f "$lt" ] && [ -z "$bad" ]; then
			r=0
		else
			r=1
		fi
		ok "$r" "lintian ($(q lintian --version || echo none)): no error or warning but the explained ones ($IC_LINTIAN_OK)"
		;;
	install)
		[ "$rc" = 0 ] || tailog "$log"
		ok "$rc" "$name"
		ko=$(module_file)
		echo "# module: ${ko:-none}"
		if [ -n "$ko" ] && [ -n "$krel" ] &&
			[ "$(q modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ] &&
			[ "$(q modinfo -F version "$ko")" = "$ver" ] &&
			[ "$(q modinfo -k "$krel" -F filename smbsign)" = "$ko" ]; then
			r=0
		else
			r=1
		fi
		ok "$r" "DKMS built and installed ${ko:-/lib/modules/$krel/updates/dkms/smbsign.ko} (vermagic $krel, version $ver), found by depmod"
		# license, description, version, every parameter described
		r=0
		[ -n "$ko" ] || r=1
		for f in license description version; do
			v=$(q modinfo -F "$f" "${ko:-/none}" || true)
			echo "# modinfo $f: $v"
			[ -n "$v" ] || r=1
		done
		[ "$(q modinfo -F license "${ko:-/none}" || true)" = GPL ] || r=1
		n=0
		re='^[a-z_]+:[^( ].* \([a-z]+\)$'
		while IFS= read -r p; do
			[ -n "$p" ] || continue
			n=$((n + 1))
			[[ $p =~ $re ]] ||
				{ echo "# parameter without description: $p"; r=1; }
		done < <(q modinfo -F parm "${ko:-/none}" || true)
		[ "$n" -ge 1 ] || r=1
		ok "$r" "modinfo: license GPL, description, version, $n parameters, each described"
		# the boot-time policy file and the modprobe hook where kmod looks
		hook=$(q dpkg-query -L smbsignctl | grep -E '/modprobe\.d/smbsign\.conf$' | head -n1 || true)
		kmoddir=$(q dpkg-query -L kmod | grep -xE '(/usr)?/lib/modprobe\.d' | head -n1 || true)
		echo "# modprobe hook: ${hook:-none}; kmod's own directory: ${kmoddir:-none}"
		if q dpkg-query -W -f='${Conffiles}\n' smbsignctl | grep -q ' /etc/smbsign/smbsign.conf ' &&
			[ -n "$hook" ] && [ "${hook%/smbsign.conf}" = "$kmoddir" ]; then
			r=0
		else
			r=1
		fi
		ok "$r" "smbsignctl: /etc/smbsign/smbsign.conf (conffile), the hook in kmod's $kmoddir"
		[ -z "${INSTALL_CHROOT_BOOT:-}" ] || export_boot
		;;
	status)
		st=$(grep -v '^# \$' "$logs/$log" || true)
		sed 's/^/# dkms status: /' <<<"$st"
		if [ "$rc" = 0 ] && grep -q "^smbsign/$ver, $krel, $arch: installed" <<<"$st"; then
			r=0
		else
			r=1
		fi
		ok "$r" "$name: smbsign/$ver, $krel, $arch: installed"
		;;
	show)
		tailog "$log" 5
		# the chroot shares the host's kernel, which has no smbsign
		if [ "$rc" = 0 ] || grep -q 'smbsign is not loaded: run modprobe smbsign' "$logs/$log"; then
			r=0
		else
			r=1
		fi
		ok "$r" "$name: runs (no module in the host's kernel: says so)"
		rc=0
		inchroot 'smbsignctl apply --check /etc/smbsign/smbsign.conf' "$log" || rc=$?
		[ "$rc" = 0 ] || tailog "$log" 5
		ok "$rc" "smbsignctl apply --check /etc/smbsign/smbsign.conf (the shipped policy)"
		;;
	purge)
		[ "$rc" = 0 ] || tailog "$log"
		ok "$rc" "$name"
		left=$( (cd "$root" && ls -d usr/src/smbsign-* var/lib/dkms/smbsign etc/smbsign \
			usr/sbin/smbsignctl {usr/,}lib/modprobe.d/smbsign.conf \
			lib/modules/*/updates/dkms/smbsign.ko* 2>/dev/null) || true
		q dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' smbsign-dkms smbsignctl | grep -v '^un ' || true
		grep -l smbsign "$root"/lib/modules/*/modules.dep 2>/dev/null || true
		q dkms status -m smbsign || true)
		[ -z "$left" ] || sed 's/^/# left: /' <<<"$left"
		if [ -z "$left" ]; then
			r=0
		else
			r=1
		fi
		ok "$r" "nothing left: dkms status empty, no /usr/src/smbsign-*, module, hook, policy or package"
		;;
	*)
		[ "$rc" = 0 ] || tailog "$log"
		ok "$rc" "$name"
		;;
	esac
done
inchroot 'apt-get -q autoclean' autoclean.log || true

echo "# $suite: $((N - FAIL)) passed, $FAIL failed; $(($(date +%s) - t0))s (cache: $(du -sh "$cache" 2>/dev/null | cut -f1))"
[ "$N" = "$plan" ] || die "ran $N tests, planned $plan"
[ "$FAIL" = 0 ]
