# SPDX-License-Identifier: GPL-2.0
#
# What the two guest scripts, guest-test.sh (cifs against smbd, with
# tamper.sh) and ksmbd-test.sh (ksmbd against smbclient and cifs), share:
# TAP output, deadlines, the tamper proxy's report and the multichannel
# checks. Sourced from $RUN after the caller sets ERR (a file of error
# output, shown with the next failure and then emptied); channel_test
# reads MC_CHANNELS and MC_MIN_SEGS.

n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() {
	n=$((n + 1)); nfail=$((nfail + 1))
	echo "not ok $n - $*"
	[ -s "$ERR" ] && sed -e 's/#/_/g' -e 's/^/# err: /' "$ERR" | head -n 12
	: >"$ERR"
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { echo "# [$(cut -d" " -f1 /proc/uptime)] $*" | tr '#' '_' | sed 's/^_/#/'; }

# wait_until SECONDS CMD...: run CMD until it succeeds or the deadline passes
wait_until() {
	_end=$(( $(date +%s) + $1 )); shift
	while ! "$@" 2>/dev/null; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# flipped FIELD: a field of the "flipped" line tamper-proxy.py wrote to
# /tmp/proxy.out (command, message_id, ...)
flipped() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "flipped" in d:
        v = d["flipped"][sys.argv[2]]
        print("" if v is None else v)
        break
' /tmp/proxy.out "$1" 2>/dev/null
}
nflipped() { grep -c '"flipped"' /tmp/proxy.out 2>/dev/null; }

# channels: the channels of the (one) mounted session, 1 + DebugData's
# "Extra Channels"
channels() {
	_x=$(sed -n 's/.*Extra Channels: \([0-9]*\).*/\1/p' /proc/fs/cifs/DebugData 2>/dev/null | head -n 1)
	echo $((${_x:-0} + 1))
}

# shellcheck disable=SC2317 # called through wait_until
# enough_channels: all MC_CHANNELS bound (7.x binds the extra channels after
# the mount returns: wait_until 60 enough_channels)
enough_channels() { [ "$(channels)" -ge "$MC_CHANNELS" ]; }

# channel_test NAME: every one of the MC_CHANNELS channels bound (DebugData)
# and one established TCP connection to port 445 each, every one of which
# carried SMB messages both ways beyond its NEGOTIATE and binding
# SESSION_SETUPs (ss: data segments; the I/O above spreads over the
# channels, cifs_pick_channel() takes the least busy in turn)
channel_test() {
	_ch=$(channels)
	ss -Htin state established '( dport = :445 )' >/tmp/ss.out 2>>"$ERR"
	_conns=$(grep -c ':445 *$' /tmp/ss.out)
	# "out/in ... low": each connection's data segments, then how many
	# connections carried fewer than MC_MIN_SEGS either way
	_segs=$(sed -n 's/.* data_segs_out:\([0-9]*\).* data_segs_in:\([0-9]*\).*/\1 \2/p' /tmp/ss.out |
		awk -v min="$MC_MIN_SEGS" '{ printf "%s/%s ", $1, $2 } $1 < min || $2 < min { n++ } END { print n + 0 }')
	_low=${_segs##* }
	_segs=${_segs% *}
	if [ "$_ch" = "$MC_CHANNELS" ] && [ "$_conns" = "$MC_CHANNELS" ] && [ "$_low" = 0 ]; then
		ok "$1: $_ch channels bound, $_conns connections, data segments out/in per connection: $_segs"
	else
		cat /tmp/ss.out >>"$ERR"
		notok "$1: $_ch channels bound, $_conns connections (want $MC_CHANNELS), data segments out/in: $_segs (each at least $MC_MIN_SEGS)"
	fi
}
