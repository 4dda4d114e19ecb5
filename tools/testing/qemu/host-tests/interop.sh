# shellcheck shell=bash
# Samba interop corpus (tools/testing/interop/run.sh): "interop: N passed,
# M failed"; exit 2 = skipped (a skip fails under CI=true by its own rule).
ht_run() {
	bash tools/testing/interop/run.sh
}
HT_SKIP_RC=2
