# shellcheck shell=bash
# smbsign's x86 assembly and C glue, compiled unchanged in userspace, against
# OpenSSL on this (real) CPU: every message length 0-1100 and large sizes, for
# each implementation the CPU can run (the VPCLMULQDQ/AVX-512 GHASH, which the
# QEMU guests cannot execute, included), and the 7.3 kernel's own routines
# beside them (make bench-cpu --verify-only; no timing). "N passed, M failed".
ht_run() {
	local out rc=0

	out=$(BENCH_CPU_KVER=7.3 BENCH_CPU_OUT="$PWD/results/bench-cpu-verify" \
	      BENCH_CPU_ARGS=--verify-only bash tools/testing/bench-cpu/run.sh 2>&1) || rc=$?
	printf '%s\n' "$out"
	echo "$(grep -c '^bench-cpu: verified' <<<"$out") passed, $((rc != 0)) failed"
	return "$rc"
}
