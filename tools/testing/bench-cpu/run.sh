#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-cpu: build tools/testing/bench-cpu against the test kernel's
# unpacked Debian source (tools/testing/qemu/harness.sh ksrc), check every
# implementation against OpenSSL, time them on this CPU, write the report.
#
# Environment (all optional):
#   BENCH_CPU_KVER=6.12     kernel whose arch/x86/crypto is measured (a row
#                           of tools/testing/qemu/kernels.conf; make bench-cpu
#                           passes KVER when given, else 6.12)
#   BENCH_CPU_KSRC=dir      use this kernel tree instead (no harness call)
#   BENCH_CPU_OUT=dir       results (default results/bench-cpu/)
#   BENCH_CPU_ARGS="..."    extra bench-cpu options, e.g. "--sizes 64,4096
#                           --cell-time 0.5 --rounds 9 --cpu 0 --mode serial"
#   BENCH_CPU_STRICT=1      exit 1 when an issue-13 target is missed

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
KVER=${BENCH_CPU_KVER:-6.12}
OUT=${BENCH_CPU_OUT:-$REPO/results/bench-cpu}

die() { echo "bench-cpu: $*" >&2; exit 2; }

[ "$(uname -m)" = x86_64 ] || die "x86_64 only (this is $(uname -m))"
command -v gcc >/dev/null || die "needs gcc"
command -v python3 >/dev/null || die "needs python3"
[ -f /usr/include/openssl/evp.h ] || die "needs OpenSSL's headers: apt-get install libssl-dev"

if [ -n "${BENCH_CPU_KSRC:-}" ]; then
	KSRC=$BENCH_CPU_KSRC
else
	KSRC=$(KVER=$KVER bash "$REPO/tools/testing/qemu/harness.sh" ksrc | tail -n1)
fi
[ -d "$KSRC/arch/x86/crypto" ] || die "$KSRC: no arch/x86/crypto"

# "6.12.117 (linux-source-6.12-6.12.117-1_deb12u1)"
kmake() { sed -n "s/^$1 = *//p" "$KSRC/Makefile" | head -n1; }
KNAME="$(kmake VERSION).$(kmake PATCHLEVEL).$(kmake SUBLEVEL) ($(basename "$(dirname "$KSRC")"))"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
echo "bench-cpu: building against $KSRC" >&2
make -s -C "$HERE" KSRC="$KSRC" O="$OUT/build" -j"$(nproc)" >&2

# shellcheck disable=SC2086 # BENCH_CPU_ARGS is a list of options
"$OUT/build/bench-cpu" --out "$OUT/bench-cpu.jsonl" --kernel "$KNAME" ${BENCH_CPU_ARGS:-}
# --verify-only measures nothing: no report to make
case " ${BENCH_CPU_ARGS:-} " in *" --verify-only "*) exit 0 ;; esac
strict=()
[ "${BENCH_CPU_STRICT:-0}" = 0 ] || strict=(--strict)
python3 "$HERE/report.py" --out "$OUT" "${strict[@]}" \
	--command "make bench-cpu KVER=$KVER${BENCH_CPU_ARGS:+ BENCH_CPU_ARGS=\"$BENCH_CPU_ARGS\"}" \
	"$OUT/bench-cpu.jsonl"
