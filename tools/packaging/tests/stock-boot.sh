#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's stock kernel (linux-image-<release>, the release of the installed
# linux-headers-amd64) booted under QEMU TCG with an initramfs holding
# smbsign.ko built against that kernel's headers exactly as DKMS builds it
# (make -C <headers> M=... modules, installed in updates/dkms/), the demo
# module, smbsignctl, kmod's modprobe, the smbsignctl package's modprobe
# hook and /etc/smbsign/smbsign.conf, and the stock kernel's own crypto
# modules; for a series smbsign-cifs-dkms carries (6.1), also the patched
# cifs.ko built as that package's DKMS build does, in updates/dkms/ next
# to the distribution's. In the guest: `modprobe smbsign` loads it
# (self-test with the stock drivers), the hook applies the policy file,
# `smbsignctl show` reflects it, a bad file leaves the defaults and says
# why, the demo module runs; modprobe finds the DKMS cifs.ko, loads it and
# smbsign with it (the hook applies the file then too), dmesg clean. KUnit
# is not in Debian's kernels.
#
# Usage: [STOCK_KREL=<release>] stock-boot.sh [--fips]   (--fips: fips=1)
# The image package is fetched with `apt-get download` into
# $SMBSIGN_CACHE/stock (not installed). Prints TAP.
#
# A kernel and a module from elsewhere (host-tests/trixie-stock-boot.sh:
# Debian 13's image and the module DKMS built in a Debian 13 chroot, by
# install-chroot.sh with INSTALL_CHROOT_BOOT): STOCK_ROOT=<dir> holding
# boot/vmlinuz-<release> and lib/modules/<release>/ as the image package
# unpacks them (not downloaded then), STOCK_MODULE=<smbsign.ko[.xz|.zst]>
# booted as it is (not built; no headers needed), both with STOCK_KREL.
# Without headers the demo module is not built (its test is a TAP SKIP)
# and there is no cifs.ko. STOCK_FROM=<dir>: all three from an
# INSTALL_CHROOT_BOOT directory (root/, krel, module); one failing TAP
# test when the chroot left no kernel and module there.
set -euo pipefail

if [ -n "${STOCK_FROM:-}" ]; then
	if [ ! -s "$STOCK_FROM/module" ] || [ ! -s "$STOCK_FROM/krel" ]; then
		echo "TAP version 13"
		echo "1..1"
		echo "not ok 1 - the chroot gave no kernel image and DKMS-built module ($STOCK_FROM)"
		exit 1
	fi
	STOCK_ROOT=$STOCK_FROM/root
	STOCK_KREL=$(cat "$STOCK_FROM/krel")
	STOCK_MODULE=$(cat "$STOCK_FROM/module")
fi

FIPS=0
[ "${1:-}" = --fips ] && FIPS=1
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
TIMEOUT=${STOCK_TIMEOUT:-400}

die() { echo "stock-boot: $*" >&2; exit 1; }

# STOCK_KREL: another stock kernel's release, e.g. 6.12.118+deb12-amd64;
# default: linux-headers-amd64's. STOCK_KDIR: its headers tree, when they
# are not installed (host-tests/stock-boot-6.12.sh unpacks them privately),
# with STOCK_VER the package version.
krel=${STOCK_KREL:-$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 2>/dev/null |
	tr ',' '\n' | sed -nE 's/^ *linux-headers-([^ ]+-amd64).*/\1/p' | head -n1)}
kdir=${STOCK_KDIR:-/usr/src/linux-headers-$krel}
module=${STOCK_MODULE:-}
if [ -n "$module" ]; then
	[ -n "${STOCK_KREL:-}" ] || die "STOCK_MODULE needs STOCK_KREL"
	[ -f "$module" ] || die "STOCK_MODULE: no $module"
	[ -d "$kdir" ] || kdir=
else
	[ -n "$krel" ] && [ -d "$kdir" ] ||
		die "headers of ${krel:-linux-headers-amd64} are not installed (tools/testing/deps.txt)"
fi
img=linux-image-$krel

if [ -n "${STOCK_ROOT:-}" ]; then
	[ -n "${STOCK_KREL:-}" ] || die "STOCK_ROOT needs STOCK_KREL"
	sdir=$(cd "$STOCK_ROOT" && pwd)
	ver=${STOCK_VER:-}
else
ver=${STOCK_VER:-$(dpkg-query -W -f='${Version}' "linux-headers-$krel")}
# the stock image, extracted once (shared, locked)
sdir=$CACHE/stock/$img-$ver
mkdir -p "$CACHE/stock"
exec 8>"$CACHE/stock/.lock"
flock 8
if [ ! -f "$sdir/.extracted" ]; then
	rm -rf "$sdir" && mkdir -p "$sdir"
	# the signed image can lag behind its -unsigned twin (same files)
	(cd "$sdir" && { apt-get download -qq "$img=$ver" 2>/dev/null ||
			 apt-get download -qq "$img-unsigned=$ver"; }) >&2 ||
		die "apt-get download $img(-unsigned)=$ver failed"
	dpkg-deb -x "$(ls "$sdir"/"${img}"_*.deb "$sdir"/"${img}"-unsigned_*.deb 2>/dev/null | head -n1)" "$sdir/root"
	rm -f "$sdir"/*.deb
	touch "$sdir/.extracted"
fi
flock -u 8
sdir=$sdir/root
fi
vmlinuz=$sdir/boot/vmlinuz-$krel
smods=$sdir/lib/modules/$krel
[ -f "$vmlinuz" ] && [ -d "$smods/kernel" ] || die "$img: no kernel or modules in the package"

tmp=$(mktemp -d /tmp/smbsign-stock-boot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# the module as DKMS builds it (the default Kbuild) and, in a second copy,
# the demo module (SMBSIGN_TESTS=1 against the same headers)
# (STOCK_MODULE: the given module; the demo module only with headers)
for d in dkms tests; do
	mkdir "$tmp/$d"
	tar -C "$REPO" -X "$REPO/tools/testing/copy-exclude" -cf - . | tar -xf - -C "$tmp/$d"
done
if [ -z "$module" ]; then
	make -C "$kdir" M="$tmp/dkms" -j"$(nproc)" modules >"$tmp/dkms.log" 2>&1 ||
		{ tail -n 30 "$tmp/dkms.log" >&2; die "module build failed"; }
	module=$tmp/dkms/smbsign.ko
fi
if [ -n "$kdir" ]; then
	make -C "$kdir" M="$tmp/tests" SMBSIGN_TESTS=1 -j"$(nproc)" modules >"$tmp/tests.log" 2>&1 ||
		{ tail -n 30 "$tmp/tests.log" >&2; die "demo module build failed"; }
fi
make -s -C "$tmp/dkms/tools/smbsignctl" smbsignctl >"$tmp/ctl.log" 2>&1 ||
	{ cat "$tmp/ctl.log" >&2; die "smbsignctl build failed"; }

# the patched SMB client as smbsign-cifs-dkms builds it, for a kernel series
# the package carries (CONSUMER_SERIES in debian/rules): its source
# (dkms/consumer-source.sh on the series' kernel source), its PRE_BUILD and
# make line against these headers and this smbsign's Module.symvers.
# Cached by the series, smbsign's symbols and the headers.
series=$(echo "$krel" | sed -nE 's/^([0-9]+\.[0-9]+)[.-].*/\1/p')
cifs_ko=
if [ -z "${STOCK_MODULE:-}" ] &&
	grep -Eq "^CONSUMER_SERIES = (.* )?$series( |\$)" "$REPO/tools/packaging/debian/rules"; then
	key=$( { echo "$krel $ver"; cat "$REPO/tools/consumers/cifs/$series"/*.patch \
		"$REPO/tools/packaging/dkms/consumer-source.sh"; cut -f1,2 "$tmp/dkms/Module.symvers"; } |
		sha256sum | cut -c1-16)
	cifs_ko=$CACHE/stock/cifs-$krel-$key.ko
	if [ ! -f "$cifs_ko" ]; then
		ksrc=$(KVER=$series bash "$REPO/tools/testing/qemu/harness.sh" ksrc 2>/dev/null | tail -n 1)
		[ -d "$ksrc/fs/smb/client" ] || die "no Linux $series source for cifs.ko (harness.sh ksrc)"
		bash "$REPO/tools/packaging/dkms/consumer-source.sh" cifs "$tmp/cifs" "$series=$ksrc" \
			>"$tmp/cifs.log" 2>&1 || { cat "$tmp/cifs.log" >&2; die "smbsign-cifs source failed"; }
		b=$(echo "$tmp"/cifs/usr/src/smbsign-cifs-*)
		(cd "$b" && ./dkms-series "$krel" "$kdir" "$tmp/dkms/Module.symvers") \
			>>"$tmp/cifs.log" 2>&1 &&
			make -C "$kdir" M="$b/fs/smb/client" -j"$(nproc)" CONFIG_CIFS=m \
				KBUILD_EXTRA_SYMBOLS="$tmp/dkms/Module.symvers" KCFLAGS="-I$b/include" modules \
				>>"$tmp/cifs.log" 2>&1 ||
			{ tail -n 30 "$tmp/cifs.log" >&2; die "cifs.ko build failed"; }
		cp "$b/fs/smb/client/cifs.ko" "$cifs_ko.tmp" && mv "$cifs_ko.tmp" "$cifs_ko"
	fi
fi

# initramfs
root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc/smbsign,lib/modprobe.d}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install_elf() {	# FILE DEST: with its shared libraries
	local lib
	install -D -m 755 "$1" "$root$2"
	for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		[ -e "$root$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
	done
}
install_elf "$(readlink -f /bin/kmod)" /sbin/kmod
for t in modprobe insmod rmmod lsmod modinfo depmod; do ln -s kmod "$root/sbin/$t"; done
install_elf "$tmp/dkms/tools/smbsignctl/smbsignctl" /usr/sbin/smbsignctl
cp "$REPO/tools/packaging/modprobe.d/smbsign.conf" "$root/lib/modprobe.d/smbsign.conf"
mdir=$root/lib/modules/$krel
mkdir -p "$mdir/kernel" "$mdir/updates/dkms" "$mdir/extra"
# the stock kernel's crypto, library and (for completeness) all its
# arch modules: what smbsign's crypto API requests load
for d in crypto lib arch; do
	[ -d "$smods/kernel/$d" ] && cp -a "$smods/kernel/$d" "$mdir/kernel/"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$smods/$f" ] && cp "$smods/$f" "$mdir/"
done
# (as DKMS installs it: smbsign.ko, or compressed as the kernel's modules)
cp "$module" "$mdir/updates/dkms/${module##*/}"
if [ -n "$cifs_ko" ]; then
	cp "$cifs_ko" "$mdir/updates/dkms/cifs.ko"
	# the distribution's cifs.ko (which the DKMS one overrides) and what
	# cifs.ko needs from the stock kernel
	for d in fs/smb fs/fscache fs/netfs fs/nls net/dns_resolver; do
		[ -d "$smods/kernel/$d" ] || continue
		mkdir -p "$mdir/kernel/$(dirname "$d")"
		cp -a "$smods/kernel/$d" "$mdir/kernel/$(dirname "$d")/"
	done
fi
[ -z "$kdir" ] || cp "$tmp/tests/tools/testing/demo/smbsign_demo.ko" "$mdir/extra/"
depmod -b "$root" "$krel"
# (kmod's modprobe by its path: busybox sh prefers its own applets)
cat >"$root/init" <<'EOF'
#!/bin/sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec 3>/dev/ttyS1
n=0
fail=0
CONF=/etc/smbsign/smbsign.conf
t() {	# NAME STATUS
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1" >&3
	else
		echo "not ok $n - $1" >&3
		fail=$((fail + 1))
	fi
}
note() { sed 's/^/# /' >&3; }
DEF='^\{"client":\{"RequireSecuritySignature":true,"EnableInsecureGuestLogons":false,"AuditServerDoesNotSupportSigning":false,"SigningAlgorithms":\["AES-GMAC","AES-CMAC","HMAC-SHA256"\]\},"server":\{"RequireSecuritySignature":true,"AllowInsecureGuestSessions":false,"AuditClientDoesNotSupportSigning":false,"SigningAlgorithms":\["AES-GMAC","AES-CMAC","HMAC-SHA256"\]\}'
GOOD='^\{"client":\{"RequireSecuritySignature":true,"EnableInsecureGuestLogons":true,"AuditServerDoesNotSupportSigning":false,"SigningAlgorithms":\["AES-GMAC","AES-CMAC","HMAC-SHA256"\]\},"server":\{"RequireSecuritySignature":false,"AllowInsecureGuestSessions":false,"AuditClientDoesNotSupportSigning":true,"SigningAlgorithms":\["AES-CMAC","HMAC-SHA256"\]\}'

CIFS_KO=/lib/modules/$(uname -r)/updates/dkms/cifs.ko
echo "TAP version 13" >&3
if [ -f $CIFS_KO ]; then echo "1..17" >&3; else echo "1..11" >&3; fi
echo "# $(uname -r) $(cat /proc/cmdline)" >&3
echo "# fips_enabled=$(cat /proc/sys/crypto/fips_enabled 2>/dev/null)" >&3
cat >$CONF <<'CONFEOF'
preset server-2025
set server audit on
client guest allow
server algorithms cmac,hmac-sha256
CONFEOF
echo "# module: $(/sbin/modinfo -n smbsign 2>&1), vermagic $(/sbin/modinfo -F vermagic smbsign 2>&1)" >&3
dmesg -c >/dev/null
out=$(/sbin/modprobe smbsign 2>&1)
rc=$?
echo "$out" | note
t "modprobe smbsign (the DKMS-built module on the stock kernel)" $rc
dmesg | grep -E 'smbsign' | note
dmesg | grep -q 'smbsign: self-tests: pass'
t "self-tests pass with the stock kernel's drivers" $?
echo "$out" | grep -q "applied $CONF (4 settings)"
t "the modprobe hook applied $CONF" $?
smbsignctl -j show >/tmp/show 2>&1
grep -Eq "$GOOD" /tmp/show
t "smbsignctl show reflects $CONF" $?
[ "$(cat /sys/module/smbsign/version 2>/dev/null)" != "" ]
t "module version $(cat /sys/module/smbsign/version 2>/dev/null)" $?
/sbin/rmmod smbsign
t "rmmod smbsign" $?
printf 'set client require off\nset server guest perhaps\n' >$CONF
out=$(/sbin/modprobe smbsign 2>&1)
rc=$?
echo "$out" | note
t "bad $CONF: modprobe still loads smbsign" $rc
echo "$out" | grep -q "^smbsignctl: $CONF:2:18: bad value \"perhaps\" for guest (want allow or block); nothing applied\$"
t "bad $CONF: line and column given" $?
smbsignctl -j show >/tmp/show 2>&1
grep -Eq "$DEF" /tmp/show
t "bad $CONF: the module's defaults stay" $?
rm -f $CONF
if [ -f /lib/modules/$(uname -r)/extra/smbsign_demo.ko ]; then
	dmesg -c >/dev/null
	/sbin/modprobe smbsign_demo 2>&1 | note
	dmesg | grep smbsign_demo | note
	dmesg | grep -q 'smbsign_demo: demo done'
	t "demo module: signs, verifies, rejects a tamper" $?
else
	n=$((n + 1))
	echo "ok $n - demo module # SKIP not built (no headers of this kernel)" >&3
fi
/sbin/rmmod smbsign_demo 2>/dev/null
/sbin/rmmod smbsign 2>/dev/null
if [ -f $CIFS_KO ]; then
	# the DKMS-built patched SMB client (smbsign-cifs-dkms)
	[ "$(/sbin/modinfo -n cifs 2>&1)" = $CIFS_KO ]
	t "modinfo -n cifs: the DKMS-built $CIFS_KO, not kernel/fs/smb/client" $?
	[ -f /lib/modules/$(uname -r)/kernel/fs/smb/client/cifs.ko ] &&
		/sbin/modinfo -F depends $CIFS_KO | tr , '\n' | grep -qx smbsign
	t "it depends on smbsign (the distribution's cifs.ko is there too)" $?
	echo "set server audit on" >$CONF
	nb=$(dmesg | wc -l)
	out=$(/sbin/modprobe cifs 2>&1)
	rc=$?
	echo "$out" | note
	t "modprobe cifs" $rc
	[ -d /sys/module/cifs ] && [ -e /sys/module/smbsign/holders/cifs ]
	t "modprobe cifs pulled smbsign in (holders: $(ls /sys/module/smbsign/holders 2>/dev/null | tr '\n' ' '))" $?
	echo "$out" | grep -q "applied $CONF (1 setting)"
	t "the modprobe hook applied $CONF for smbsign loaded as cifs' dependency" $?
	rm -f $CONF
	dmesg | tail -n +$((nb + 1)) >/tmp/cifs.dmesg
	note </tmp/cifs.dmesg
	! grep -qE 'Oops|BUG:|WARNING:|Call Trace:|UBSAN|general protection|Unknown symbol|disagrees about version' /tmp/cifs.dmesg
	t "cifs and smbsign loaded: no oops, unknown symbol or version mismatch in dmesg" $?
	/sbin/rmmod cifs 2>/dev/null
	/sbin/rmmod smbsign 2>/dev/null
fi
dmesg | grep -E 'Oops|BUG:|WARNING:|Call Trace:|UBSAN|general protection' | note
! dmesg | grep -qE 'Oops|BUG:|WARNING:|Call Trace:|UBSAN|general protection'
t "no oops, BUG or WARNING in the kernel log" $?
echo "# $((n - fail)) passed, $fail failed" >&3
echo STOCK-BOOT-DONE >&3
poweroff -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$tmp/initramfs.gz")

append="console=ttyS0 panic=-1 loglevel=4"
[ "$FIPS" = 1 ] && append="$append fips=1"
rc=0
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 2 \
	-nographic -no-reboot -monitor none -nic none \
	-serial "file:$tmp/console.log" -serial "file:$tmp/results.log" \
	-kernel "$vmlinuz" -initrd "$tmp/initramfs.gz" -append "$append" \
	</dev/null >"$tmp/qemu.out" 2>&1 || rc=$?
sed 's/\r$//' "$tmp/results.log" | grep -v '^STOCK-BOOT-DONE$'
if ! grep -q STOCK-BOOT-DONE "$tmp/results.log"; then
	echo "# the stock kernel did not finish (qemu rc=$rc); console tail:"
	tail -n 30 "$tmp/console.log" | sed 's/^/# /'
	exit 1
fi
! grep -q '^not ok' "$tmp/results.log"
