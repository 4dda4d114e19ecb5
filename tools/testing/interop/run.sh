#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the interop step of `make check` (host side).
#
#   1. checks the checked-in corpus (tools/testing/interop/corpus/
#      corpus.json) with check-corpus.py: needs only python3 and
#      python3-cryptography, works offline;
#   2. regenerates a fresh corpus from a private Samba smbd on 127.0.0.1
#      into a temporary directory (gen-corpus.sh), which verifies every
#      signed message Samba and smbclient/smbtorture exchanged, and checks
#      it again with check-corpus.py.  The checked-in files are not
#      touched.
#
# Prints one line per dialect x algorithm cell and ends with
# "interop: N passed, M failed", or "SKIP: <reason>".
#
# Exit codes:
#   0  everything verified
#   1  a failure (a message that does not verify, a missing cell, a broken
#      corpus, smbd misbehaving), or a skip while CI=true or
#      SMBSIGN_INTEROP_REQUIRE=1 (on CI the interop test must run)
#   2  skipped: smbd & co. are not installed and cannot be installed here,
#      not root, or no capture on lo; the reason is printed
#
# Environment:
#   SMBSIGN_INTEROP_INSTALL=0   do not try apt-get install of missing tools
#   SMBSIGN_INTEROP_REQUIRE=1   turn a skip into a failure (implied by CI)
#   SMBSIGN_INTEROP_PORT=N      TCP port for smbd (default: first free one
#                               from 4455)
#   SMBSIGN_INTEROP_KEEP=1      keep the work directory (pcaps, logs)

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PKGS="samba smbclient samba-testsuite tcpdump libnss-wrapper python3 python3-cryptography"
PASS=0
FAIL=0
WORK=

require=${SMBSIGN_INTEROP_REQUIRE:-0}
[ "${CI:-}" = true ] && require=1

# shellcheck disable=SC2317	# invoked by trap
cleanup() { [ -n "$WORK" ] && [ "${SMBSIGN_INTEROP_KEEP:-0}" != 1 ] && rm -rf "$WORK"; }
trap cleanup EXIT

finish() {
	echo "interop: $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ] && [ "$PASS" -gt 0 ] && exit 0
	exit 1
}

skip() {
	if [ "$require" = 1 ]; then
		echo "interop: FAIL: cannot run the Samba interop test: $*" \
			"(required: CI=true or SMBSIGN_INTEROP_REQUIRE=1)"
		FAIL=$((FAIL + 1))
		finish
	fi
	echo "SKIP: interop: $*"
	exit 2
}

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
python3 -c 'import cryptography' 2>/dev/null ||
	skip "python3-cryptography not installed"

# 1. the checked-in corpus
if python3 "$HERE/check-corpus.py" "$HERE/corpus/corpus.json" \
	> /tmp/smbsign-interop-check.$$ 2>&1; then
	echo "interop: checked-in corpus: ok ($(tail -1 \
		/tmp/smbsign-interop-check.$$ | sed 's/^check-corpus: //'))"
	PASS=$((PASS + 1))
else
	sed 's/^/interop: /' /tmp/smbsign-interop-check.$$
	echo "interop: checked-in corpus: FAIL"
	FAIL=$((FAIL + 1))
fi
rm -f /tmp/smbsign-interop-check.$$

# 2. a fresh corpus from a live smbd
missing() {
	local t
	for t in smbd smbclient smbtorture tcpdump; do
		command -v "$t" >/dev/null 2>&1 ||
			[ -x "/usr/sbin/$t" ] || { echo "$t"; return; }
	done
	ls /usr/lib/*-linux-gnu/libnss_wrapper.so >/dev/null 2>&1 ||
		echo libnss_wrapper.so
}
PATH=$PATH:/usr/sbin:/sbin
if [ -n "$(missing)" ] && [ "$(id -u)" = 0 ] &&
   [ "${SMBSIGN_INTEROP_INSTALL:-1}" != 0 ] &&
   command -v apt-get >/dev/null 2>&1; then
	echo "interop: installing $PKGS"
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections 2>/dev/null
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $PKGS \
		> /tmp/smbsign-interop-apt.$$ 2>&1 ||
		echo "interop: apt-get install failed:" \
			"$(tail -2 /tmp/smbsign-interop-apt.$$)"
	rm -f /tmp/smbsign-interop-apt.$$
fi
m=$(missing)
[ -z "$m" ] || skip "'$m' not installed and could not be installed"

WORK=$(mktemp -d /tmp/smbsign-interop-run.XXXXXX) || skip "mktemp failed"
chmod 0755 "$WORK"	# the share below it must be reachable by the test uid
keep=
[ "${SMBSIGN_INTEROP_KEEP:-0}" = 1 ] && keep=--keep
bash "$HERE/gen-corpus.sh" --work "$WORK/gen" $keep \
	--out-json "$WORK/corpus.json" --out-header "$WORK/corpus.h" \
	> "$WORK/gen.log" 2>&1
rc=$?
if [ $rc = 2 ]; then
	skip "$(grep -m1 '^SKIP: ' "$WORK/gen.log" | sed 's/^SKIP: //')"
elif [ $rc != 0 ]; then
	sed 's/^/interop: gen: /' "$WORK/gen.log" | tail -40
	echo "interop: fresh corpus from Samba: FAIL (gen-corpus.sh exit $rc)"
	FAIL=$((FAIL + 1))
	finish
fi
grep -E '^gen-corpus: Samba |skipped' "$WORK/gen.log" | sed 's/^/interop: /'

# one result per cell: verified in extract.py and again in check-corpus.py
python3 "$HERE/check-corpus.py" "$WORK/corpus.json" > "$WORK/check.log" 2>&1
crc=$?
while read -r cell verified kept; do
	line=$(grep -E "^check-corpus: $cell +[0-9]+ verified, 0 failed" \
		"$WORK/check.log")
	if [ "$verified" -gt 0 ] && [ "$kept" -gt 0 ] && [ -n "$line" ]; then
		echo "interop: $cell: ok ($verified Samba-signed messages" \
			"verified, $kept kept)"
		PASS=$((PASS + 1))
	else
		echo "interop: $cell: FAIL ($verified verified, $kept kept)"
		FAIL=$((FAIL + 1))
	fi
done < <(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["cells"]:
    print(c["name"], c["verified"], c["messages"])' "$WORK/corpus.json")
if [ $crc != 0 ]; then
	sed 's/^/interop: /' "$WORK/check.log"
	echo "interop: fresh corpus check: FAIL"
	FAIL=$((FAIL + 1))
fi
finish
