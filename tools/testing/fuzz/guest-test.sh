#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The netlink fuzzer in the QEMU guest (busybox sh): registers sessions in
# init_net with smbsign_keytest.ko (keys=0 sessions=N) so that a session
# dump takes several messages and can be abandoned half-way, then runs
# smbsign-nlfuzz, whose TAP is this test's.  Needs: smbsign loaded, root.
# /etc/smbsign/nlfuzz.conf (written by guest-tests/nlfuzz.sh from the host's
# SMBSIGN_FUZZ_SEED and SMBSIGN_FUZZ_MESSAGES) may set SEED and MESSAGES.
#
#   NLFUZZ=/usr/libexec/smbsign/smbsign-nlfuzz sh guest-test.sh
set -u

FUZZ=${NLFUZZ:-/usr/libexec/smbsign/smbsign-nlfuzz}
KT=${KEYTEST:-$(find /lib/modules/"$(uname -r)" -name smbsign_keytest.ko 2>/dev/null | head -n 1)}
SEED="" MESSAGES="" BUDGET=""
# shellcheck disable=SC1091
[ -f /etc/smbsign/nlfuzz.conf ] && . /etc/smbsign/nlfuzz.conf
SESSIONS=${SESSIONS:-1500}

loaded=0
if [ -f "$KT" ] && insmod "$KT" keys=0 sessions="$SESSIONS" 2>/tmp/nlfuzz.err; then
	loaded=1
else
	echo "smbsign_keytest sessions=$SESSIONS did not load: $(cat /tmp/nlfuzz.err 2>/dev/null)" >&2
fi
# the time allowed grows with the harness's guest-test scale (the debug
# kernel, KASAN under TCG, sends ~400 messages a second: 250 s for 100,000)
"$FUZZ" ${SEED:+-s "$SEED"} -n "${MESSAGES:-100000}" -T "${BUDGET:-$((240 * ${smbsign_gt_scale:-1}))}"
rc=$?
if [ $loaded = 1 ] && ! rmmod smbsign_keytest; then
	echo "rmmod smbsign_keytest failed" >&2
	rc=1
fi
exit $rc
