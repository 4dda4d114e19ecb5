# SPDX-License-Identifier: GPL-2.0
#
# Multichannel checks shared by guest-test.sh (cifs against smbd) and
# ksmbd-test.sh (cifs against ksmbd), sourced from $RUN: they use the
# caller's ok, notok, ERR, MC_CHANNELS and MC_MIN_SEGS.

# channels: the channels of the (one) mounted session, 1 + DebugData's
# "Extra Channels"
channels() {
	_x=$(sed -n 's/.*Extra Channels: \([0-9]*\).*/\1/p' /proc/fs/cifs/DebugData 2>/dev/null | head -n 1)
	echo $((${_x:-0} + 1))
}

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
