#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Server-side consumer test: the Linux SMB server (ksmbd.ko, stock and with
# the smbsign series of tools/consumers/ksmbd/<KVER>/) serves Samba's
# smbclient in a QEMU guest that runs the host's own userland (the host's /
# read-only over 9p, as run.sh does for cifs; guest-init.sh is shared, the
# tests are ksmbd-test.sh). See tools/consumers/ksmbd/README.md.
#
# Usage: ksmbd-run.sh          (environment below)
#
#   KVER=6.1|6.12|7.2|7.3|all  kernel(s) (default 6.1)
#   KSMBD_MODES="stock smbsign"  stock = the kernel's own fs/smb/server built
#                          out of tree, smbsign = with the series (one boot)
#   CELLS="2.1 3.0 3.0.2 3.1.1 gmac cmac hmac hmac-first cmac-gmac"
#   SIZES="0 4096 1048576"         file sizes (bytes) in every cell
#   BIG_SIZE=67108864, BIG_CELLS="3.1.1 gmac"   one more file in those cells
#   POLICY=1               the inbound-policy tests (smbsign mode)
#   TAMPER=1               a WRITE request with one bit flipped by
#                          tamper-proxy.py is refused (smbsign mode)
#   TORTURE=auto|1|0       a bounded smbtorture subset per mode, side by
#                          side (ksmbd-torture.sh; expectations in
#                          tools/consumers/ksmbd/torture-<KVER>.expect);
#                          auto: only on kernels that have that file
#   TORTURE_TESTS, TORTURE_TIMEOUT   its tests (default: ksmbd-torture.sh's
#                          list) and the time limit per test (60 s)
#   CIFS_KO=none|PATH      the patched cifs.ko that mounts the patched ksmbd
#                          (default: tools/consumers/cifs/build.sh's, built
#                          if not in the cache yet; none: skip)
#   MC=1                   with the patched cifs.ko: multichannel against
#                          the patched ksmbd (a dummy interface with four
#                          TX queues; ksmbd-test.sh run_cifs_mc), mounted
#   MC_DIALECTS="3.0 3.1.1"  at these dialects with
#                          multichannel,max_channels=MC_CHANNELS (3); each
#                          channel must carry MC_MIN_SEGS (8) data segments
#                          each way
#   KSMBD_MEM=2G, KSMBD_TIMEOUT=1800   guest memory, time limit (s)
#   SMBSIGN_SRC            tree smbsign.ko is built from (default this one)
#   KSMBD_KDIR             a kernel build dir instead of harness.sh kdir's
#   SMBSIGN_CACHE          as for `make check` (default ~/.cache/smbsign)
#
# ksmbd-tools 3.5.3 comes from Debian trixie (apt-get download with a
# private sources list, unpacked into the cache, never installed: it
# Conflicts: samba), with bookworm's libnl-genl-3-200 beside it. Last line:
# "N passed, M failed"; exit status non-zero if anything failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
HARNESS=$REPO/tools/testing/qemu/harness.sh
BUILD=$REPO/tools/consumers/ksmbd/build.sh
CACHE=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
KVER=${KVER:-6.1}
KSMBD_MODES=${KSMBD_MODES-stock smbsign}
CELLS=${CELLS-2.1 3.0 3.0.2 3.1.1 gmac cmac hmac hmac-first cmac-gmac}
SIZES=${SIZES-0 4096 1048576}
BIG_SIZE=${BIG_SIZE-67108864}
BIG_CELLS=${BIG_CELLS-3.1.1 gmac}
POLICY=${POLICY:-1}
TAMPER=${TAMPER:-1}
TORTURE=${TORTURE:-auto}
TORTURE_TESTS=${TORTURE_TESTS:-}
TORTURE_TIMEOUT=${TORTURE_TIMEOUT:-60}
CIFS_KO=${CIFS_KO:-}
MC=${MC:-1}
MC_DIALECTS=${MC_DIALECTS-3.0 3.1.1}
MC_CHANNELS=${MC_CHANNELS:-3}
MC_MIN_SEGS=${MC_MIN_SEGS:-8}
CIFS_BUILD=$REPO/tools/consumers/cifs/build.sh
KSMBD_MEM=${KSMBD_MEM:-2G}
KSMBD_TIMEOUT=${KSMBD_TIMEOUT:-1800}
KTOOLS_VER=3.5.3-1
export SMBSIGN_CACHE=$CACHE

# shellcheck source=lib.sh
. "$HERE/lib.sh"

# ksmbd-tools from trixie + libnl-genl-3 from the host's own archive,
# unpacked once into $KTOOLS
ksmbd_tools() {
	local d=$CACHE/apt-trixie
	KTOOLS=$CACHE/ksmbd-tools-$KTOOLS_VER
	[ -f "$KTOOLS/.done" ] && return 0
	mkdir -p "$d/lists/partial" "$d/archives/partial"
	exec 7>"$d.lock"
	flock 7
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$d/trixie.list"
	local A=(-o "Dir::Etc::SourceList=$d/trixie.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache::Archives=$d/archives"
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	if [ -z "$(ls "$d"/archives/ksmbd-tools_"${KTOOLS_VER}"_*.deb 2>/dev/null)" ]; then
		msg "downloading ksmbd-tools $KTOOLS_VER from trixie (private lists in $d)"
		apt-get "${A[@]}" update -qq
		(cd "$d/archives" && apt-get "${A[@]}" download "ksmbd-tools=$KTOOLS_VER" -qq)
	fi
	if [ -z "$(ls "$d"/archives/libnl-genl-3-200_*.deb 2>/dev/null)" ]; then
		# the host's own (bookworm) build: same libnl-3 as installed
		(cd "$d/archives" && apt-get download libnl-genl-3-200 -qq)
	fi
	rm -rf "$KTOOLS.tmp"
	mkdir -p "$KTOOLS.tmp"
	dpkg-deb -x "$(ls "$d"/archives/ksmbd-tools_"${KTOOLS_VER}"_*.deb | head -n1)" "$KTOOLS.tmp"
	dpkg-deb -x "$(ls "$d"/archives/libnl-genl-3-200_*.deb | head -n1)" "$KTOOLS.tmp"
	LD_LIBRARY_PATH=$KTOOLS.tmp/lib/x86_64-linux-gnu "$KTOOLS.tmp/usr/sbin/ksmbd.mountd" -V >/dev/null ||
		die "ksmbd.mountd from $KTOOLS_VER does not run on this host"
	rm -rf "$KTOOLS"
	mv "$KTOOLS.tmp" "$KTOOLS"
	touch "$KTOOLS/.done"
	flock -u 7
}

# ksmbd.ko stock and patched, smbsign.ko and smbsignctl
build_modules() {
	local log=$CACHE/consumers/$(basename "$KBUILD")/ksmbd-build.log
	mkdir -p "$(dirname "$log")"
	: >"$log"
	KO_STOCK= KO_SMBSIGN=
	case " $KSMBD_MODES " in *" stock "*)
		msg "building the stock ksmbd.ko (log: $log)"
		KO_STOCK=$(STOCK=1 KVER=$KVER KDIR=$KBUILD KSRC=$KSRC bash "$BUILD" 2>>"$log" | tail -n 1) ||
			{ tail -n 30 "$log"; die "stock ksmbd build failed"; } ;;
	esac
	msg "building smbsign.ko, smbsignctl and the patched ksmbd.ko (log: $log)"
	KO_SMBSIGN=$(KVER=$KVER KDIR=$KBUILD KSRC=$KSRC bash "$BUILD" 2>>"$log" | tail -n 1) ||
		{ tail -n 30 "$log"; die "patched ksmbd build failed"; }
	BOUT=$(dirname "$KO_SMBSIGN")
	[ -f "$BOUT/smbsign.ko" ] || die "no smbsign.ko next to $KO_SMBSIGN"
	make -s -C "$BOUT/smbsign/tools/smbsignctl" smbsignctl >>"$log" 2>&1 ||
		{ tail -n 30 "$log"; die "smbsignctl build failed"; }
}

# the patched cifs.ko for the Linux-to-Linux test; sets CIFS_PATCHED
patched_cifs() {
	local c log
	CIFS_PATCHED=
	case "$CIFS_KO" in
	none) return 0 ;;
	"")
		[ -f "$CIFS_BUILD" ] || return 0
		c=$CACHE/consumers/cifs-$(basename "$KBUILD")-$(echo "$REPO" | sha256sum | cut -c1-8)/cifs.ko
		if [ ! -f "$c" ]; then
			log=$CACHE/consumers/$(basename "$KBUILD")/cifs-build-for-ksmbd.log
			msg "building the patched cifs.ko (log: $log)"
			c=$(KVER=$KVER KDIR=$KBUILD KSRC=$KSRC SMBSIGN_SYMVERS=$BOUT/smbsign/Module.symvers \
				bash "$CIFS_BUILD" 2>"$log" | tail -n 1) || { msg "cifs build failed, no cifs test"; return 0; }
		fi ;;
	*) c=$CIFS_KO ;;
	esac
	[ -f "$c" ] && CIFS_PATCHED=$c
	[ -z "$CIFS_PATCHED" ] || msg "patched cifs.ko: $CIFS_PATCHED"
}

prepare_run() {
	local share mdir
	mkdir -p "$CACHE/runs"
	RUNDIR=$(mktemp -d "$CACHE/runs/$(date +%Y%m%d-%H%M%S)-$KVER-consumers-ksmbd.XXXX")
	share=$RUNDIR/share
	mkdir -p "$share/bin" "$share/out"
	cp -a "$MODCACHE" "$share/modroot"
	mdir=$share/modroot/lib/modules/$KREL
	mkdir -p "$mdir/extra"
	cp "$BOUT/smbsign.ko" "$mdir/extra/"
	if [ -n "$CIFS_PATCHED" ]; then
		cp "$CIFS_PATCHED" "$(find "$mdir/kernel" -name cifs.ko | head -n1)"
	fi
	depmod -b "$share/modroot" "$KREL" || die "depmod failed"
	cp "$BOUT/smbsign.ko" "$share/smbsign.ko"
	cp "$KO_SMBSIGN" "$share/ksmbd-smbsign.ko"
	[ -z "$KO_STOCK" ] || cp "$KO_STOCK" "$share/ksmbd-stock.ko"
	cp "$BOUT/smbsign/tools/smbsignctl/smbsignctl" "$share/bin/"
	cp -a "$KTOOLS" "$share/ksmbd-tools"
	cp "$HERE/guest-init.sh" "$share/init"
	cp "$HERE/ksmbd-test.sh" "$share/guest-test.sh"
	cp "$HERE/tamper-proxy.py" "$share/"
	cp "$HERE/ksmbd-torture.sh" "$HERE/guest-lib.sh" "$share/"
	# the smbtorture tests the stock module does not pass; without
	# them (auto) no subset: 6.1.192's stock ksmbd spins a CPU in it
	: >"$share/torture.expect"
	TORTURE_RUN=$TORTURE
	if [ -f "$REPO/tools/consumers/ksmbd/torture-$KVER.expect" ]; then
		cat "$REPO/tools/consumers/ksmbd/torture-$KVER.expect" >"$share/torture.expect"
		[ "$TORTURE_RUN" != auto ] || TORTURE_RUN=1
	elif [ "$TORTURE_RUN" = auto ]; then
		TORTURE_RUN=0
		msg "no tools/consumers/ksmbd/torture-$KVER.expect: no smbtorture subset (TORTURE=1 runs it)"
	fi
	chmod 755 "$share/init"
	cat >"$share/config" <<-EOF
	CONSUMER_NAME=ksmbd
	KSMBD_MODES="$KSMBD_MODES"
	CELLS="$CELLS"
	SIZES="$SIZES"
	BIG_SIZE="$BIG_SIZE"
	BIG_CELLS="$BIG_CELLS"
	POLICY=$POLICY
	TAMPER=$TAMPER
	TORTURE=$TORTURE_RUN
	TORTURE_TESTS="$TORTURE_TESTS"
	TORTURE_TIMEOUT=$TORTURE_TIMEOUT
	CIFS=$([ -n "$CIFS_PATCHED" ] && echo 1 || echo 0)
	MC=$MC
	MC_DIALECTS="$MC_DIALECTS"
	MC_CHANNELS=$MC_CHANNELS
	MC_MIN_SEGS=$MC_MIN_SEGS
	GUEST_TEST_TIMEOUT=$((KSMBD_TIMEOUT - 30))
	PATH=/run/smbsign/bin:\$PATH
	EOF
	# what the stock module is known not to serve (README.md)
	cat "$REPO/tools/consumers/ksmbd/stock-$KVER.expect" >>"$share/config" 2>/dev/null || true
}

boot() {
	consumer_boot "$KSMBD_MEM" "$KSMBD_TIMEOUT" 2
}

main() {
	local kvers k p=0 f=0 t out
	if [ "$KVER" = all ]; then kvers=$(kver_list); else kvers=$KVER; fi
	ksmbd_tools
	for k in $kvers; do
		export KVER=$k
		msg "===== ksmbd: KVER=$k, modes: $KSMBD_MODES ====="
		if ! kernel "${KSMBD_KDIR:-}"; then echo "ksmbd KVER=$k: kernel build failed"; f=$((f + 1)); continue; fi
		kernel_modules
		build_modules
		patched_cifs
		prepare_run
		boot
		out=$(mktemp)
		python3 "$REPO/tools/testing/qemu/report.py" --kver "$KVER" --rundir "$RUNDIR" \
			--kunit "$KSRC/tools/testing/kunit/kunit.py" \
			--qemu-rc "$(cat "$RUNDIR/qemu.rc")" --timeout "$KSMBD_TIMEOUT" | tee "$out" || true
		grep -h '^\(not \)\?ok ' "$RUNDIR"/results.log 2>/dev/null | grep -c . >/dev/null || true
		[ -f "$RUNDIR/share/out/matrix.txt" ] && sed 's/^/  matrix: /' "$RUNDIR/share/out/matrix.txt"
		if [ -f "$RUNDIR/share/out/torture.md" ]; then
			msg "smbtorture side by side (also $RUNDIR/share/out/torture.md):"
			cat "$RUNDIR/share/out/torture.md"
		fi
		t=$(tail -n 1 "$out"); rm -f "$out"
		if [[ $t =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			p=$((p + BASH_REMATCH[1])); f=$((f + BASH_REMATCH[2]))
		else
			f=$((f + 1))
		fi
	done
	echo "===== ksmbd: $(echo $kvers), modes: $KSMBD_MODES ====="
	echo "$p passed, $f failed"
	[ "$f" = 0 ] && [ "$p" -gt 0 ]
}

main "$@"
