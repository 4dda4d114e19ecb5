#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Consumer tests: the Linux SMB client (cifs.ko) mounts Debian's smbd in a
# QEMU guest that runs the host's own userland (the host's / read-only over
# 9p, virtme style), and a host-side check verifies every signature of one
# captured mount. `make check-consumers` runs this; see README.md here.
#
# Usage: run.sh                 (environment below)
#
#   KVER=6.1|6.12|7.2|7.3|all  kernel(s) (tools/testing/qemu/kernels.conf);
#                          default 6.1, `make check-consumers` passes all
#   CIFS_KO=stock          only the test kernel's own cifs.ko
#   CIFS_KO=smbsign        only the patched cifs.ko (tools/consumers/cifs/build.sh)
#   CIFS_KO=/path/cifs.ko  only this cifs.ko, loaded with smbsign (one KVER)
#   (unset)                stock, then smbsign if tools/consumers/cifs/build.sh
#                          exists
#   VARIANTS="base gmac cmac hmac disabled multichannel"
#                          smbd variants (smb.conf.in)
#   DIALECTS="2.0 2.1 3.0 3.0.2 3.1.1"        dialects against "base"
#   MC_DIALECTS="3.0 3.1.1"  dialects against "multichannel", mounted with
#                          multichannel,max_channels=MC_CHANNELS (3)
#   SIZES="0 1 4096 1048576 67108864"         file sizes (bytes)
#   CAPTURE="base 3.1.1,multichannel 3.1.1"
#                          the mounts captured and verified on the host,
#                          every channel of a multichannel one ("": none)
#   IOSIZE=8388608         wsize=/rsize= and dd block size
#   CONSUMERS="cifs ksmbd" the client tests (this script), then the server
#                          tests (ksmbd-run.sh, its own environment; same
#                          KVER), one summary; "cifs" or "ksmbd": only that
#   TAMPER=1               tamper test and new-netns policy (tamper.sh), with
#                          the base variant; 0: not run
#   DEMO_MOUNT=1           `make demo-mount`: one kernel (default 6.12 there),
#                          the patched cifs.ko (CIFS_KO, default smbsign),
#                          one GMAC-signed 3.1.1 mount of smbd with signing
#                          mandatory, a 1 MiB file written and read back;
#                          prints the guest's transcript (mount line,
#                          smbstatus, smbsignctl stats/sessions, kernel log)
#                          and fails unless smbd and smbsign say AES-128-GMAC
#   BENCH_MOUNT=1          `make bench-mount`: one kernel (default 6.12 there),
#                          one boot under -icount shift=0 on one vCPU: a
#                          BENCH_SIZE file copied to the share and back with
#                          the stock cifs.ko (unsigned; AES-128-CMAC), then,
#                          after rmmod/insmod, the patched one (CIFS_KO,
#                          default smbsign: unsigned; AES-128-GMAC;
#                          AES-128-CMAC), BENCH_REPEAT times each, in guest
#                          instructions per byte; then Samba's signing calls
#                          alone (GnuTLS). Table, JSON and Markdown in
#                          BENCH_MOUNT_OUT (results/bench-mount-$KVER)
#   BENCH_SIZE=67108864    bench-mount: file size (bytes)
#   BENCH_REPEAT=5         bench-mount: copies each way per configuration
#   BENCH_WARMUP=16777216  bench-mount: untimed warm-up copy per configuration
#   BENCH_MOUNT_TIMEOUT=7200  bench-mount: guest time limit in seconds
#   CONSUMER_MEM=2G        guest memory (files live in tmpfs)
#   CONSUMER_TIMEOUT=1800  guest time limit in seconds (a deadline, then killed)
#   SMBSIGN_CACHE          as for `make check` (default ~/.cache/smbsign)
#
# Last line: "N passed, M failed" over every kernel and mode; exit status
# non-zero if anything failed or nothing ran.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
SRC=$(cd "${SMBSIGN_SRC:-$REPO}" && pwd)
HARNESS=$REPO/tools/testing/qemu/harness.sh
CACHE=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
KVER=${KVER:-6.1}
export KVER
VARIANTS=${VARIANTS-base gmac cmac hmac disabled multichannel}
DIALECTS=${DIALECTS-2.0 2.1 3.0 3.0.2 3.1.1}
MC_DIALECTS=${MC_DIALECTS-3.0 3.1.1}
MC_CHANNELS=${MC_CHANNELS:-3}
SIZES=${SIZES-0 1 4096 1048576 67108864}
CAPTURE=${CAPTURE-base 3.1.1,multichannel 3.1.1}
IOSIZE=${IOSIZE:-8388608}
TAMPER=${TAMPER:-1}
CONSUMERS=${CONSUMERS:-cifs ksmbd}
CONSUMER_MEM=${CONSUMER_MEM:-2G}
CONSUMER_TIMEOUT=${CONSUMER_TIMEOUT:-1800}
PASSWORD=Smbs1gn-consumer-test	# guest-test.sh's PW
DEMO_MOUNT=${DEMO_MOUNT:-0}
RUN_KIND=consumers
if [ "$DEMO_MOUNT" = 1 ]; then
	# guest-test.sh's demo_mount: the base smbd, vers=3.1.1, nothing else
	RUN_KIND=demo-mount
	CIFS_KO=${CIFS_KO:-smbsign}
	CONSUMERS=cifs VARIANTS=base DIALECTS=3.1.1 SIZES="" CAPTURE="" TAMPER=0
	CONSUMER_TIMEOUT=${DEMO_TIMEOUT:-600}
fi
BENCH_MOUNT=${BENCH_MOUNT:-0}
# the guest's extra QEMU options and vCPUs (bench-mount: -icount, one CPU)
QEMU_EXTRA=()
QEMU_SMP=2
if [ "$BENCH_MOUNT" = 1 ]; then
	# guest-test.sh's bench_mount: stock and patched cifs.ko in one boot
	RUN_KIND=bench-mount
	CIFS_KO=${CIFS_KO:-smbsign}
	CONSUMERS=cifs VARIANTS="" DIALECTS="" SIZES="" CAPTURE="" TAMPER=0 DEMO_MOUNT=0
	BENCH_SIZE=${BENCH_SIZE:-67108864}
	BENCH_REPEAT=${BENCH_REPEAT:-5}
	BENCH_WARMUP=${BENCH_WARMUP:-16777216}
	BENCH_MOUNT_OUT=${BENCH_MOUNT_OUT:-$REPO/results/bench-mount-$KVER}
	CONSUMER_TIMEOUT=${BENCH_MOUNT_TIMEOUT:-7200}
	# as make bench: the guest clock counts instructions (one per ns),
	# exactly and whatever the host's load; SMP bring-up hangs under
	# icount, so one vCPU
	QEMU_EXTRA=(-icount "shift=0,align=off,sleep=off")
	QEMU_SMP=1
fi
CIFS_BUILD=$REPO/tools/consumers/cifs/build.sh
export SMBSIGN_CACHE=$CACHE

# shellcheck source=lib.sh
. "$HERE/lib.sh"

# smbsign.ko (+ Module.symvers) and smbsignctl, built by the harness in its
# private copy of the tree; sets MCOPY
smbsign_build() {
	local log
	log=$CACHE/consumers/$(basename "$KBUILD")/smbsign-build.log
	msg "building smbsign against $KREL (log: $log)"
	bash "$HARNESS" modules >"$log" 2>&1 ||
		{ tail -n 30 "$log"; die "smbsign module build failed"; }
	# the harness's copy (harness.sh sync_copy)
	MCOPY=$CACHE/mod/$(basename "$KBUILD")-build-$(echo "$SRC" | sha256sum | cut -c1-8)
	[ -f "$MCOPY/smbsign.ko" ] || die "no smbsign.ko in $MCOPY"
	flock "$MCOPY.lock" make -s -C "$MCOPY/tools/smbsignctl" smbsignctl >>"$log" 2>&1 ||
		{ tail -n 30 "$log"; die "smbsignctl build failed"; }
}

# the patched cifs.ko for this kernel: CIFS_KO=path, or build.sh's last line
patched_cifs() {
	if [ -n "${CIFS_KO:-}" ] && [ "$CIFS_KO" != smbsign ] && [ "$CIFS_KO" != stock ]; then
		[ -f "$CIFS_KO" ] || { warn "CIFS_KO=$CIFS_KO: no such file"; return 1; }
		PATCHED=$(readlink -f "$CIFS_KO")
		return 0
	fi
	[ -f "$CIFS_BUILD" ] || { warn "no $CIFS_BUILD to build the patched cifs.ko"; return 1; }
	local log
	log=$CACHE/consumers/$(basename "$KBUILD")/cifs-build.log
	msg "building the patched cifs.ko: $CIFS_BUILD (log: $log)"
	PATCHED=$(KVER=$KVER KDIR=$KBUILD KSRC=$KSRC SMBSIGN_SYMVERS=$MCOPY/Module.symvers \
		bash "$CIFS_BUILD" 2>"$log" | tail -n 1) ||
		{ tail -n 30 "$log"; warn "$CIFS_BUILD failed"; return 1; }
	[ -f "$PATCHED" ] || { tail -n 30 "$log"; warn "$CIFS_BUILD printed no cifs.ko path (got '$PATCHED')"; return 1; }
}

# run dir + share for one boot; $1 = mode (stock|smbsign|stock+smbsign:
# bench-mount, the stock cifs.ko in the module tree and the patched one
# beside it as cifs-smbsign.ko)
prepare_run() {
	local mode=$1 share mdir cifs
	mkdir -p "$CACHE/runs"
	RUNDIR=$(mktemp -d "$CACHE/runs/$(date +%Y%m%d-%H%M%S)-$KVER-$RUN_KIND-$mode.XXXX")
	# the 30 newest run dirs are kept (our own names: no newlines)
	# shellcheck disable=SC2012
	ls -1dt "$CACHE"/runs/*/ 2>/dev/null | tail -n +31 | xargs -r rm -rf
	share=$RUNDIR/share
	mkdir -p "$share/bin" "$share/out"
	cp -a "$MODCACHE" "$share/modroot"
	mdir=$share/modroot/lib/modules/$KREL
	mkdir -p "$mdir/extra"
	cp "$MCOPY/smbsign.ko" "$mdir/extra/"
	if [ "$mode" = smbsign ]; then
		cifs=$(find "$mdir/kernel" -name cifs.ko)
		[ -n "$cifs" ] || die "no stock cifs.ko in $mdir"
		cp "$PATCHED" "$cifs"
	fi
	[ "$mode" != stock+smbsign ] || cp "$PATCHED" "$share/cifs-smbsign.ko"
	depmod -b "$share/modroot" "$KREL" || die "depmod failed"
	cp "$MCOPY/tools/smbsignctl/smbsignctl" "$share/bin/"
	cp "$HERE/guest-init.sh" "$share/init"
	cp "$HERE/guest-test.sh" "$HERE/guest-lib.sh" "$HERE/smb.conf.in" "$HERE/tamper.sh" \
		"$HERE/tamper-proxy.py" "$HERE/bench-copy.py" "$share/"
	chmod 755 "$share/init"
	cat >"$share/config" <<-EOF
	CONSUMER_NAME=$([ "$RUN_KIND" = consumers ] && echo cifs || echo "$RUN_KIND")-$mode
	CIFS_MODE=${mode%+smbsign}
	DEMO_MOUNT=$DEMO_MOUNT
	BENCH_MOUNT=$BENCH_MOUNT
	BENCH_SIZE=${BENCH_SIZE:-0}
	BENCH_REPEAT=${BENCH_REPEAT:-0}
	BENCH_WARMUP=${BENCH_WARMUP:-0}
	VARIANTS="$VARIANTS"
	DIALECTS="$DIALECTS"
	MC_DIALECTS="$MC_DIALECTS"
	MC_CHANNELS=$MC_CHANNELS
	SIZES="$SIZES"
	CAPTURE="$CAPTURE"
	IOSIZE=$IOSIZE
	TAMPER=$TAMPER
	GUEST_TEST_TIMEOUT=$((CONSUMER_TIMEOUT - 30))
	PATH=/run/smbsign/bin:\$PATH
	EOF
}

boot() {
	consumer_boot "$CONSUMER_MEM" "$CONSUMER_TIMEOUT" "$QEMU_SMP" "${QEMU_EXTRA[@]}"
}

# host-side check of each capture the guest made (CAPTURE), each counted by
# report.py as a host test, host-capture-VARIANT-VERS. The guest writes
# capture-VARIANT-VERS.info ("VARIANT VERS ALG") for every capture it ran,
# and counts a capture it planned but did not make as its own failure
check_capture() {
	local out=$RUNDIR/share/out rc info variant vers cap name
	for info in "$out"/capture-*.info; do
		[ -f "$info" ] || continue
		read -r variant vers _ <"$info"
		cap=${info%.info}
		name=host-capture-$variant-$vers
		: >"$RUNDIR/$name.skiprc"
		if [ ! -s "$cap.pcap" ]; then
			echo "no capture-$variant-$vers.pcap from the guest" >"$RUNDIR/$name.out"
			echo 1 >"$RUNDIR/$name.rc"
			continue
		fi
		rc=0
		python3 -B "$HERE/verify-capture.py" --pcap "$cap.pcap" --password "$PASSWORD" \
			--logs "$out/samba-$variant" --expect "$(cat "$info")" \
			>"$RUNDIR/$name.out" 2>&1 || rc=$?
		echo "$rc" >"$RUNDIR/$name.rc"
		grep -E '^(not )?ok ' "$RUNDIR/$name.out" | sed "s/^/  capture $variant $vers: /"
		# the pcap is large: keep it only when the check failed
		[ "$rc" != 0 ] || rm -f "$cap.pcap"
	done
}

report() {
	python3 "$REPO/tools/testing/qemu/report.py" --kver "$KVER" --rundir "$RUNDIR" \
		--kunit "$KSRC/tools/testing/kunit/kunit.py" \
		--qemu-rc "$(cat "$RUNDIR/qemu.rc")" --timeout "$CONSUMER_TIMEOUT"
}

# bench-mount: the table (bench-mount-report.py), then the guest's tests;
# a table that cannot be made counts as one more failure
bench_report() {
	local mode=$1 trc=0 rc=0 data=$RUNDIR/share/out/bench-mount.jsonl last
	echo "===== bench-mount: KVER=$KVER cifs=$mode ====="
	if [ -s "$data" ]; then
		python3 -B "$HERE/bench-mount-report.py" --out "$BENCH_MOUNT_OUT" \
			--rundir "$RUNDIR" --wall "$(cat "$RUNDIR/boot.seconds" 2>/dev/null)" \
			"$data" || trc=$?
	else
		echo "(no measurements from the guest)"
		trc=1
	fi
	echo
	report >"$RUNDIR/report.txt" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$RUNDIR/report.txt"
	else
		grep -e '^guest ' -e '^logs ' "$RUNDIR/report.txt"
		tail -n 1 "$RUNDIR/report.txt"
	fi
	last=$(tail -n 1 "$RUNDIR/report.txt")
	if [ "$trc" != 0 ]; then
		echo "bench-mount-report.py failed (rc=$trc): one more failure"
		if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			echo "${BASH_REMATCH[1]} passed, $((BASH_REMATCH[2] + 1)) failed"
		else
			echo "0 passed, 1 failed"
		fi
		return 1
	fi
	return "$rc"
}

one_run() {
	local mode=$1 rc=0
	prepare_run "$mode"
	boot
	check_capture
	if [ "$BENCH_MOUNT" = 1 ]; then
		bench_report "$mode"
		return
	fi
	if [ "$DEMO_MOUNT" != 1 ]; then
		echo "===== consumers: KVER=$KVER cifs=$mode ====="
		report
		return
	fi
	# the transcript, then the report's summary (all of it on failure)
	echo "===== demo-mount: KVER=$KVER cifs=$mode ====="
	cat "$RUNDIR/share/out/demo.txt" 2>/dev/null || echo "(no transcript from the guest)"
	echo
	report >"$RUNDIR/report.txt" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$RUNDIR/report.txt"
	else
		grep -e '^guest ' -e '^logs ' "$RUNDIR/report.txt"
		tail -n 1 "$RUNDIR/report.txt"
	fi
	return "$rc"
}

main() {
	local kvers k modes m rc=0 out p=0 f=0 t KVER0=$KVER
	case "$DEMO_MOUNT$BENCH_MOUNT:$KVER" in
	*1*:all|*1*:every) die "$RUN_KIND needs one KVER" ;;
	esac
	if [ "$KVER" = all ]; then kvers=$(kver_list); else kvers=$KVER; fi
	case "${CIFS_KO:-}" in
	"")      modes=stock; [ -f "$CIFS_BUILD" ] && modes="stock smbsign" ;;
	stock)   modes=stock ;;
	*)       modes=smbsign ;;
	esac
	if [ "$BENCH_MOUNT" = 1 ]; then
		# the stock cifs.ko is always in the module tree: the patched
		# one (build.sh's or CIFS_KO=path) is loaded beside it
		[ "$CIFS_KO" != stock ] || die "bench-mount needs the patched cifs.ko too (CIFS_KO=smbsign or a path)"
		modes=stock+smbsign
	fi
	bash "$HARNESS" deps
	[ "$CONSUMERS" != ksmbd ] || kvers=
	for k in $kvers; do
		export KVER=$k
		msg "===== $RUN_KIND: KVER=$k, cifs: $modes ====="
		if ! kernel; then
			echo "consumers KVER=$k: kernel build failed"; f=$((f + 1)); continue
		fi
		kernel_modules
		smbsign_build
		for m in $modes; do
			if [ "$m" != stock ]; then
				if ! patched_cifs; then
					echo "consumers KVER=$k: no patched cifs.ko"; f=$((f + 1)); continue
				fi
			fi
			out=$(mktemp)
			set +e
			(one_run "$m") 2>&1 | tee "$out"
			set -e
			t=$(tail -n 1 "$out")
			rm -f "$out"
			if [[ $t =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
				p=$((p + BASH_REMATCH[1])); f=$((f + BASH_REMATCH[2]))
			else
				f=$((f + 1))
			fi
		done
	done
	if [ "$CONSUMERS" != cifs ]; then
		# the server side: ksmbd-run.sh, same kernels; a cifs.ko given
		# by path is its Linux-to-Linux client too
		out=$(mktemp)
		set +e
		case "${CIFS_KO:-}" in
		""|stock|smbsign) KVER=$KVER0 bash "$HERE/ksmbd-run.sh" 2>&1 | tee "$out" ;;
		*) KVER=$KVER0 CIFS_KO=$CIFS_KO bash "$HERE/ksmbd-run.sh" 2>&1 | tee "$out" ;;
		esac
		set -e
		t=$(tail -n 1 "$out")
		rm -f "$out"
		if [[ $t =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			p=$((p + BASH_REMATCH[1])); f=$((f + BASH_REMATCH[2]))
		else
			f=$((f + 1))
		fi
	fi
	echo "===== $RUN_KIND: $(echo "$kvers" | xargs), cifs: $modes$([ "$CONSUMERS" = cifs ] || echo ", ksmbd") ====="
	echo "$p passed, $f failed"
	[ "$f" = 0 ] && [ "$p" -gt 0 ] || rc=1
	return "$rc"
}

main "$@"
