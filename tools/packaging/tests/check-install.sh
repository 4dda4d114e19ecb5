#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-install: README.md's Install section, as written, in fresh
# Debian 13 (trixie) and Debian 12 (bookworm) chroots (install-chroot.sh,
# debootstrap bases cached in ~/.cache/smbsign/chroot). Not part of
# `make check`: with the two chroots its host tests would take 8-18 more
# minutes (apt, DKMS, initramfs hooks, downloads); .ci/run runs it when
# its time budget allows. Output: each suite's TAP, then the last line
# "N passed, M failed"; exit 1 on any failure.
#
#   INSTALL_SUITES="trixie bookworm"   the suites to run, in this order
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suites=${INSTALL_SUITES:-trixie bookworm}
p=0 f=0

if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
	echo "check-install: needs root and debootstrap (tools/testing/deps.txt)" >&2
	exit 2
fi
for s in $suites; do
	out=$(mktemp)
	echo "===== install-chroot.sh $s ====="
	bash "$HERE/install-chroot.sh" "$s" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	ok=$(grep -c '^ok ' "$out")
	bad=$(grep -c '^not ok ' "$out")
	# a run that died before its TAP counts as a failure
	[ "$rc" = 0 ] || [ "$bad" != 0 ] || bad=1
	p=$((p + ok)); f=$((f + bad))
	rm -f "$out"
done
echo "===== check-install: $suites ====="
echo "$p passed, $f failed"
[ "$f" = 0 ]
