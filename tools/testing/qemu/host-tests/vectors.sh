# shellcheck shell=bash
# Known-answer vectors recomputed with python3-cryptography ("N passed, M
# failed"), and kunit/smbsign_vectors.h up to date with the JSON files.
ht_run() {
	python3 tools/testing/vectors/gen-kunit-vectors.py --check || {
		echo "kunit/smbsign_vectors.h is stale: run tools/testing/vectors/gen-kunit-vectors.py"
		return 1
	}
	python3 tools/testing/vectors/check.py
}
