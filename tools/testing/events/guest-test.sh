#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The smbsign "events" multicast group end to end, in the QEMU guest
# (busybox sh): smbsignctl monitor and -j monitor run in the background
# while smbsign_evtest.ko (tools/testing/events) makes the module emit
# verification failures, refused/audited guest sessions and refused/audited
# unsigned peers in init_net.  Checks each event line, audit mode, the
# rate limits of verify failures and of refused/audited sessions (10 per
# 5 s per netns each, the next event carries the suppressed count), the
# counters, and that a session registered in a namespace keeps that
# namespace alive until it is unregistered.  Prints TAP.  Needs: smbsign
# loaded, root.  Saves and restores init_net's policy, resets the counters.
#
#   SMBSIGNCTL=/usr/sbin/smbsignctl EVTEST=/path/smbsign_evtest.ko \
#       sh guest-test.sh
set -u

CTL=${SMBSIGNCTL:-smbsignctl}
EVTEST=${EVTEST:-$(find /lib/modules/"$(uname -r)" -name smbsign_evtest.ko 2>/dev/null | head -n 1)}
MON=/tmp/evt.mon
MONJ=/tmp/evt.monj
mpid=
jpid=

# shellcheck source=../qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"

# has FILE LINE: FILE contains exactly this line
has() {
	grep -qxF -- "$2" "$1" || {
		echo "# missing in $1: $2"
		sed 's/^/#   /' "$1" | tail -n 12
		return 1
	}
}

# count FILE FIXED-STRING
count() {
	grep -cF -- "$2" "$1"
}

# wait_for FILE FIXED-STRING [N]: until FILE has N (default 1) such lines
wait_for() {
	i=0
	while [ "$(count "$1" "$2")" -lt "${3:-1}" ] && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# ctr DIR KEY: a per-direction counter from smbsignctl -j stats
ctr() {
	$CTL -j stats >/tmp/evt.stats || { echo -1; return; }
	if [ "$1" = client ]; then
		sed 's/,"server":.*//' /tmp/evt.stats
	else
		sed 's/.*,"server"://' /tmp/evt.stats
	fi | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2
}

# stat_is DIR KEY WANT
stat_is() {
	got=$(ctr "$1" "$2")
	[ "$got" = "$3" ] || { echo "# $1 $2 = $got, want $3"; return 1; }
}

# alg_fail_is DIR ALG WANT: verify_failures of one algorithm
alg_fail_is() {
	$CTL -j stats >/tmp/evt.stats
	if [ "$1" = client ]; then
		sed 's/,"server":.*//' /tmp/evt.stats
	else
		sed 's/.*,"server"://' /tmp/evt.stats
	fi | grep -o "\"$2\":{[^}]*}" | grep -q "\"verify_failures\":$3}" || {
		echo "# $1 $2 verify_failures != $3: $(cat /tmp/evt.stats)"
		return 1
	}
}

# evtest RUN SCENARIO [PARAM...]: load smbsign_evtest once
evtest() {
	r=$1 s=$2
	shift 2
	insmod "$EVTEST" run="$r" scenario="$s" "$@" >/tmp/evt.err 2>&1
	rc=$?
	rmmod smbsign_evtest 2>/dev/null
	[ $rc = 0 ] || { echo "# insmod $s: rc=$rc: $(cat /tmp/evt.err)"; return 1; }
}

# klog RUN TEXT: the module logged this line in run RUN
klog() {
	dmesg | grep -qF "smbsign_evtest: run $1: $2" || {
		echo "# no kernel log line 'run $1: $2'"
		dmesg | grep 'smbsign_evtest:' | tail -n 6 | sed 's/^/#   /'
		return 1
	}
}

# current policy value of DIR (require|audit|guest) as on/off|allow/block
pol() {
	case $2 in
	require) key=RequireSecuritySignature on=on off=off ;;
	audit) key=Audit on=on off=off ;;
	guest) key='[A-Za-z]*Guest[A-Za-z]*' on=allow off=block ;;
	esac
	v=$($CTL show "$1" | sed -n "s/^${key}[A-Za-z]* *: //p")
	[ "$v" = True ] && echo "$on" || echo "$off"
}

sid() {
	printf '0x5e5510e70000000%d' "$1"
}

echo "TAP version 13"
PLAN=61
echo "1..$PLAN"

if [ ! -f "$EVTEST" ] || ! $CTL show >/dev/null 2>&1; then
	echo "# smbsign_evtest.ko ('$EVTEST') or smbsign not available"
	while [ $n -lt $PLAN ]; do notok "setup"; done
	exit 1
fi

saved=""
for d in client server; do
	for w in require audit guest; do
		saved="$saved $d:$w:$(pol $d $w)"
	done
done
echo "# saved policy:$saved"

$CTL set require on >/dev/null && $CTL set audit off >/dev/null &&
	$CTL set guest block >/dev/null && $CTL stats reset
check "enforcing policy set, counters reset" [ $? = 0 ]

: >$MON
: >$MONJ
$CTL monitor >$MON 2>&1 &
mpid=$!
$CTL -j monitor >$MONJ 2>&1 &
jpid=$!
# Both listeners are in the group once they see a policy change.
i=0
while [ $i -lt 20 ]; do
	$CTL set client require on >/dev/null
	sleep 0.3
	grep -q policy-changed $MON && grep -q policy-changed $MONJ && break
	i=$((i + 1))
done
check "monitor and -j monitor are listening" grep -q '"event":"policy-changed"' $MONJ

# --- run 1: enforcing policy: failures, refused guest and unsigned peer.
insmod "$EVTEST" scenario=bogus >/dev/null 2>&1
check "unknown scenario refused" [ $? != 0 ]
rmmod smbsign_evtest 2>/dev/null
check "run 1 loads (verify,guest,unsigned)" evtest 1 verify,guest,unsigned
wait_for $MON "unsigned-refused server session $(sid 6)"
wait_for $MONJ "\"session_id\":\"$(sid 6)\""

check "verify-failed client: session, command, MessageId" \
	has $MON "verify-failed client session $(sid 1) command 0x0008 message-id 1001 (suppressed 0)"
check "verify-failed server: session, command, MessageId" \
	has $MON "verify-failed server session $(sid 2) command 0x0009 message-id 1002 (suppressed 0)"
check "guest-refused client" has $MON "guest-refused client session $(sid 3)"
check "guest-refused server" has $MON "guest-refused server session $(sid 4)"
check "unsigned-refused client" has $MON "unsigned-refused client session $(sid 5)"
check "unsigned-refused server" has $MON "unsigned-refused server session $(sid 6)"
check "-j verify-failed client" has $MONJ \
	"{\"event\":\"verify-failed\",\"direction\":\"client\",\"session_id\":\"$(sid 1)\",\"command\":8,\"message_id\":1001,\"suppressed\":0}"
check "-j verify-failed server" has $MONJ \
	"{\"event\":\"verify-failed\",\"direction\":\"server\",\"session_id\":\"$(sid 2)\",\"command\":9,\"message_id\":1002,\"suppressed\":0}"
has $MONJ "{\"event\":\"guest-refused\",\"direction\":\"client\",\"session_id\":\"$(sid 3)\"}" &&
	has $MONJ "{\"event\":\"guest-refused\",\"direction\":\"server\",\"session_id\":\"$(sid 4)\"}"
check "-j guest-refused client and server" [ $? = 0 ]
has $MONJ "{\"event\":\"unsigned-refused\",\"direction\":\"client\",\"session_id\":\"$(sid 5)\"}" &&
	has $MONJ "{\"event\":\"unsigned-refused\",\"direction\":\"server\",\"session_id\":\"$(sid 6)\"}"
check "-j unsigned-refused client and server" [ $? = 0 ]
klog 1 "guest client session $(sid 3): verdict 4 refused status 0xc05d0003" &&
	klog 1 "guest server session $(sid 4): verdict 4 refused status 0xc05d0002"
check "guest refused: client status 0xc05d0003, server 0xc05d0002" [ $? = 0 ]
klog 1 "unsigned client session $(sid 5): verdict 3 refused status 0xc000a000" &&
	klog 1 "unsigned server session $(sid 6): verdict 3 refused status 0xc000a000"
check "unsigned refused: status 0xc000a000 both ways" [ $? = 0 ]
check "stats: verify_failures 1 per direction" \
	[ "$(ctr client verify_failures)/$(ctr server verify_failures)" = 1/1 ]
alg_fail_is client AES-GMAC 1 && alg_fail_is server AES-CMAC 1
check "stats: per algorithm (client AES-GMAC, server AES-CMAC)" [ $? = 0 ]
check "stats: refused_guest 1 per direction" \
	[ "$(ctr client refused_guest)/$(ctr server refused_guest)" = 1/1 ]
check "stats: refused_unsigned 1 per direction" \
	[ "$(ctr client refused_unsigned)/$(ctr server refused_unsigned)" = 1/1 ]
check "stats: no audit hits yet" \
	[ "$(ctr client audit_guest)$(ctr client audit_unsigned)$(ctr server audit_guest)$(ctr server audit_unsigned)" = 0000 ]

# --- run 2: client audit on: the client's refusals become audited events,
# the server (audit off) still refuses.
check "set client audit on" "$CTL" set client audit on
check "run 2 loads (guest,unsigned)" evtest 2 guest,unsigned
wait_for $MON "unsigned-refused server session $(sid 6)" 2
wait_for $MONJ "\"session_id\":\"$(sid 6)\"" 2
check "guest-audited client" has $MON "guest-audited client session $(sid 3)"
check "unsigned-audited client" has $MON "unsigned-audited client session $(sid 5)"
check "-j guest-audited client" has $MONJ \
	"{\"event\":\"guest-audited\",\"direction\":\"client\",\"session_id\":\"$(sid 3)\"}"
check "-j unsigned-audited client" has $MONJ \
	"{\"event\":\"unsigned-audited\",\"direction\":\"client\",\"session_id\":\"$(sid 5)\"}"
check "client not refused again (1 refusal each, from run 1)" \
	[ "$(count $MON "guest-refused client")/$(count $MON "unsigned-refused client")" = 1/1 ]
check "server still refused (2 refusals each)" \
	[ "$(count $MON "guest-refused server")/$(count $MON "unsigned-refused server")" = 2/2 ]
klog 2 "guest client session $(sid 3): verdict 2 allowed status 0x00000000" &&
	klog 2 "unsigned client session $(sid 5): verdict 1 allowed status 0x00000000"
check "audited sessions are allowed, status 0" [ $? = 0 ]
check "stats: client audit_guest 1, audit_unsigned 1" \
	[ "$(ctr client audit_guest)/$(ctr client audit_unsigned)" = 1/1 ]
check "stats: client refusals unchanged" \
	[ "$(ctr client refused_guest)/$(ctr client refused_unsigned)" = 1/1 ]
check "stats: server refusals 2, no server audit hits" \
	[ "$(ctr server refused_guest)/$(ctr server refused_unsigned)/$(ctr server audit_guest)/$(ctr server audit_unsigned)" = 2/2/0/0 ]
$CTL set client audit off >/dev/null

# --- run 3: a burst of 30 verification failures in a fresh rate-limit
# window (10 events per 5 s per netns; run 1's window has expired).
sleep 6
check "run 3 loads (burst of 30)" evtest 3 burst burst=30
wait_for $MON "session $(sid 7)" 10
sleep 1
burst_ev=$(count $MON "verify-failed client session $(sid 7)")
burst_evj=$(count $MONJ "\"session_id\":\"$(sid 7)\"")
echo "# burst of 30: $burst_ev events ($burst_evj in -j)"
check "burst: at most 10 events, at least 1" [ "$burst_ev" -ge 1 -a "$burst_ev" -le 10 ]
check "burst: -j monitor saw the same number" [ "$burst_ev" = "$burst_evj" ]
check "burst: first event MessageId 2000, nothing suppressed before it" \
	has $MON "verify-failed client session $(sid 7) command 0x0010 message-id 2000 (suppressed 0)"
got=$(grep -F "session $(sid 7)" $MON | sed 's/.*message-id \([0-9]*\).*/\1/' | tr '\n' ' ')
want=$(i=0; while [ $i -lt "$burst_ev" ]; do printf '%d ' $((2000 + i)); i=$((i + 1)); done)
echo "# burst MessageIds: $got"
check "burst: events are the first MessageIds, in order" [ "$got" = "$want" ]
check "stats: all 31 client failures counted" stat_is client verify_failures 31
check "stats: client AES-GMAC verify_failures 31" alg_fail_is client AES-GMAC 31

# --- run 4: the next window: the first event says how many were suppressed.
sleep 6
check "run 4 loads (verify)" evtest 4 verify
wait_for $MON "verify-failed server session $(sid 2)" 2
supp=$(grep -F "verify-failed client session $(sid 1)" $MON | tail -n 1 |
	sed -n 's/.*(suppressed \([0-9]*\))$/\1/p')
echo "# suppressed reported after the burst: ${supp:-none}"
check "next event carries the suppressed count" [ "${supp:-0}" -gt 0 ]
check "events + suppressed = 30" [ $((burst_ev + ${supp:-0})) = 30 ]
check "-j: suppressed count in JSON" has $MONJ \
	"{\"event\":\"verify-failed\",\"direction\":\"client\",\"session_id\":\"$(sid 1)\",\"command\":8,\"message_id\":1001,\"suppressed\":${supp:-0}}"
check "stats: client 32, server 2 verify_failures" \
	[ "$(ctr client verify_failures)/$(ctr server verify_failures)" = 32/2 ]

# --- run 5: a burst of 30 refused sessions (server, unsigned and guest in
# turn) in a fresh window: the session events have their own limit.
sleep 6
check "run 5 loads (30 refusals)" evtest 5 refusals burst=30
wait_for $MON "server session $(sid 9)" 10
sleep 1
ref_ev=$(count $MON "-refused server session $(sid 9)")
ref_evj=$(count $MONJ "\"session_id\":\"$(sid 9)\"")
echo "# 30 refusals: $ref_ev events ($ref_evj in -j)"
check "refusals: at most 10 events, at least 1" [ "$ref_ev" -ge 1 -a "$ref_ev" -le 10 ]
check "refusals: -j monitor saw the same number" [ "$ref_ev" = "$ref_evj" ]
check "stats: all 30 refusals counted (17 guest, 17 unsigned)" \
	[ "$(ctr server refused_guest)/$(ctr server refused_unsigned)" = 17/17 ]

# --- run 6: the next window: the first session event says how many were
# suppressed.
sleep 6
check "run 6 loads (unsigned)" evtest 6 unsigned
wait_for $MON "unsigned-refused server session $(sid 6)" 3
rsupp=$(grep -F "unsigned-refused client session $(sid 5)" $MON | tail -n 1 |
	sed -n 's/.*(suppressed \([0-9]*\))$/\1/p')
echo "# suppressed reported after the refusals: ${rsupp:-none}"
check "next session event carries the suppressed count" [ "${rsupp:-0}" -gt 0 ]
check "session events + suppressed = 30" [ $((ref_ev + ${rsupp:-0})) = 30 ]
check "-j: suppressed count in the session event" has $MONJ \
	"{\"event\":\"unsigned-refused\",\"direction\":\"client\",\"session_id\":\"$(sid 5)\",\"suppressed\":${rsupp:-0}}"

# --- run 7: a session registered in a namespace whose last process goes
# away keeps the namespace (and smbsign's state in it) until unregistered.
nsexit() {
	dmesg | grep -q "smbsign_evtest: run 7: netns [0-9]* exit"
}
no_nsexit() {
	! nsexit
}
nwarn() {
	dmesg | grep -c 'WARNING:'
}
w0=$(nwarn)
unshare -n sleep 600 &
hpid=$!
sleep 0.5
insmod "$EVTEST" run=7 scenario=netns netns_pid=$hpid >/tmp/evt.err 2>&1
check "run 7 loads (session in another netns)" [ $? = 0 ]
dmesg | grep -q "smbsign_evtest: run 7: netns [0-9]*: session registered"
check "session registered in the netns" [ $? = 0 ]
kill $hpid
wait $hpid 2>/dev/null
sleep 2
check "netns outlives its last process while the session is registered" no_nsexit
rmmod smbsign_evtest
i=0
while ! nsexit && [ $i -lt 25 ]; do
	sleep 0.2
	i=$((i + 1))
done
check "netns dismantled once the session is unregistered" nsexit
check "no kernel WARNING" [ "$(nwarn)" = "$w0" ]

kill -TERM $mpid $jpid 2>/dev/null
wait $mpid 2>/dev/null
wait $jpid 2>/dev/null
! grep -qE 'lost|error|bad event|monitor:' $MON $MONJ
check "no 'events lost' or errors from the monitors" [ $? = 0 ]

rc=0
for e in $saved; do
	d=${e%%:*} v=${e##*:} w=${e#*:} w=${w%:*}
	$CTL set "$d" "$w" "$v" >/dev/null || rc=1
done
check "policy restored" [ $rc = 0 ]
$CTL stats reset
check "counters reset" stat_is client verify_failures 0
echo "# events guest tests done ($fail failed)"
[ $fail = 0 ]
