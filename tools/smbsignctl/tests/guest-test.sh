#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# smbsignctl against the real module, in the QEMU guest (busybox sh).
# Prints KTAP.  Needs: smbsign loaded, root, smbsignctl, tests/nlbad and
# tests/runas (paths below, overridable), busybox unshare.
#
#   SMBSIGNCTL=/usr/sbin/smbsignctl NLBAD=/usr/libexec/smbsign/nlbad \
#       RUNAS=/usr/libexec/smbsign/runas sh guest-test.sh
set -u

CTL=${SMBSIGNCTL:-smbsignctl}
NLBAD=${NLBAD:-$(dirname "$0")/nlbad}
RUNAS=${RUNAS:-$(dirname "$0")/runas}
OUT=/tmp/sgt.out
ERR=/tmp/sgt.err

# shellcheck source=../../testing/qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"

# after a failed test: the last command's output
show_out_err() {
	sed 's/^/# out: /' $OUT 2>/dev/null | head -8
	sed 's/^/# err: /' $ERR 2>/dev/null | head -8
}
TAP_ON_FAIL=show_out_err

# t NAME WANT_RC REGEX_ON_STDOUT_AND_STDERR -- CMD...
t() {
	name=$1 want=$2 re=$3
	shift 4
	"$@" >$OUT 2>$ERR
	rc=$?
	if [ "$rc" = "$want" ] && { [ -z "$re" ] || cat $OUT $ERR | grep -Eq -- "$re"; }; then
		ok "$name"
	else
		echo "# exit $rc (want $want), want /$re/"
		notok "$name"
	fi
}

# Field of the show output for one direction.
field() {
	$CTL show "$1" | sed -n "s/^$2 *: //p"
}

echo "TAP version 13"
echo "1..59"

t "show" 0 'RequireSecuritySignature +: (True|False)' -- $CTL show
t "show names Windows' client settings" 0 'AuditServerDoesNotSupportSigning' -- $CTL show client
t "show names Windows' server settings" 0 'AuditClientDoesNotSupportSigning' -- $CTL show server
t "show -j" 0 '^\{"client":\{"RequireSecuritySignature":(true|false),.*"server":\{' -- $CTL -j show
t "show names the implementation" 0 '^Implementation \(impl=auto\)$' -- $CTL show
t "show: which code signs GMAC, from which times" 0 '^AES-128-GMAC +: (smbsign|crypto API)(, messages over [0-9]+ B crypto API)? \(256 B: smbsign [0-9]+ cycles, crypto API [0-9]+(; (1024|4096|16384) B: [0-9]+, [0-9]+){3}\)$' -- $CTL show
t "show -j: implementation" 0 '"implementation":\{"impl":"auto","HMAC-SHA256":"crypto API","AES-128-CMAC":"(smbsign|crypto API)' -- $CTL -j show
t "default algorithms" 0 'SigningAlgorithms +: AES-GMAC, AES-CMAC, HMAC-SHA256' -- $CTL show client

t "set client require off" 0 '' -- $CTL set client require off
[ "$(field client RequireSecuritySignature)" = False ] && ok "client require is off" || notok "client require is off"
t "set client require on" 0 '' -- $CTL set client require on
[ "$(field client RequireSecuritySignature)" = True ] && ok "client require is on" || notok "client require is on"

t "set server algorithms" 0 '' -- $CTL set server algorithms cmac,gmac
t "algorithm order kept" 0 'SigningAlgorithms +: AES-CMAC, AES-GMAC$' -- $CTL show server
t "set algorithms back" 0 '' -- $CTL set server algorithms gmac,cmac,hmac-sha256

t "set guest allow" 0 '' -- $CTL set guest allow
[ "$(field client EnableInsecureGuestLogons)" = True ] && ok "guest allowed" || notok "guest allowed"
t "set guest block" 0 '' -- $CTL set guest block
t "set audit on (client)" 0 '' -- $CTL set client audit on
[ "$(field client AuditServerDoesNotSupportSigning)" = True ] && ok "client audit on" || notok "client audit on"
$CTL set audit off >/dev/null 2>&1

t "preset server-2025" 0 'Server 2025' -- $CTL preset server-2025
[ "$(field client RequireSecuritySignature)/$(field server RequireSecuritySignature)" = True/False ] &&
	ok "server-2025: outbound only" || notok "server-2025: outbound only"
t "preset win11-24h2-home" 0 '' -- $CTL preset win11-24h2-home
[ "$(field client RequireSecuritySignature)/$(field server RequireSecuritySignature)" = False/False ] &&
	ok "home: neither" || notok "home: neither"
t "preset win11-24h2-pro" 0 '' -- $CTL preset win11-24h2-pro
[ "$(field client RequireSecuritySignature)/$(field server RequireSecuritySignature)" = True/True ] &&
	ok "pro: both" || notok "pro: both"

t "explain" 0 'STATUS_INVALID_SIGNATURE' -- $CTL explain -1073700864
t "stats" 0 'Verification failures' -- $CTL stats
t "stats -j" 0 '^\{"client":\{"signed":[0-9]+' -- $CTL -j stats
t "stats reset" 0 '' -- $CTL stats reset
t "sessions -j" 0 '^\[' -- $CTL -j sessions

# skip N REASON: report the next N tests as skipped
skip() {
	i=0
	while [ $i -lt "$1" ]; do
		n=$((n + 1))
		echo "ok $n - $2 # SKIP $3"
		i=$((i + 1))
	done
}

# Unprivileged: root in a new user namespace is not CAP_NET_ADMIN in the
# initial one: it reads the policy, but neither sets it nor sees init_net's
# statistics, sessions or events.  (monitor runs under timeout: if it
# could join, it would wait for events forever.)
NSADM='needs CAP_NET_ADMIN over this network namespace'
INITADM='needs CAP_NET_ADMIN in the initial user namespace'
if unshare -U -r true 2>/dev/null; then
	t "userns root: get works" 0 'RequireSecuritySignature' -- unshare -U -r $CTL show
	t "userns root: set is refused" 1 "policy-set: $INITADM" -- unshare -U -r $CTL set client require off
	[ "$(field client RequireSecuritySignature)" = True ] && ok "refused set changed nothing" || notok "refused set changed nothing"
	t "userns root: init_net's sessions refused" 1 "session-get: $NSADM" -- unshare -U -r $CTL sessions
	t "userns root: init_net's stats refused" 1 "stats-get: $NSADM" -- unshare -U -r $CTL stats
	t "userns root: init_net's events refused" 1 "monitor: $NSADM" -- timeout 5 unshare -U -r $CTL monitor
else
	skip 6 "unprivileged" "no user namespaces (CONFIG_USER_NS)"
fi

# A plain user (uid 65534, no capabilities).  The initramfs's / is 0700
# (a mktemp -d directory): let others in, as on any real root.
chmod 755 /
if [ -x "$RUNAS" ]; then
	t "uid 65534: show works" 0 'RequireSecuritySignature' -- $RUNAS 65534 $CTL show
	t "uid 65534: sessions refused" 1 "session-get: $NSADM" -- $RUNAS 65534 $CTL sessions
	t "uid 65534: stats refused" 1 "stats-get: $NSADM" -- $RUNAS 65534 $CTL -j stats
	t "uid 65534: monitor refused" 1 "monitor: $NSADM" -- timeout 5 $RUNAS 65534 $CTL monitor
	t "uid 65534: stats reset refused" 1 "stats-reset: $INITADM" -- $RUNAS 65534 $CTL stats reset
else
	skip 5 "uid 65534" "$RUNAS not installed"
fi

# Root of its own user and network namespace (a container): the sessions,
# counters and events of its own namespace, not init_net's policy.
if unshare -U -r -n true 2>/dev/null; then
	t "unshare -Urn: sessions of its own netns" 0 '^SESSION' -- unshare -U -r -n $CTL sessions
	t "unshare -Urn: stats of its own netns" 0 '"sessions":0' -- unshare -U -r -n $CTL -j stats
	t "unshare -Urn: monitor joins its own netns's events" 0 '^joined$' -- unshare -U -r -n sh -c "$CTL monitor & p=\$!; sleep 1; kill -0 \$p && echo joined; kill \$p; wait \$p"
	t "unshare -Urn: stats reset needs the initial namespace" 1 "stats-reset: $INITADM" -- unshare -U -r -n $CTL stats reset
else
	skip 4 "own namespaces" "no user or network namespaces"
fi

# Per-netns: a new namespace starts from init_net's current policy and
# changes in it stay there.
if unshare -n true 2>/dev/null; then
	t "new netns: set there" 0 '' -- unshare -n sh -c "$CTL set server require off && $CTL show server | grep -q 'RequireSecuritySignature *: False'"
	[ "$(field server RequireSecuritySignature)" = True ] && ok "init_net unaffected" || notok "init_net unaffected"
	$CTL set client audit on >/dev/null
	t "new netns starts with init_net's current policy" 0 'AuditServerDoesNotSupportSigning *: True' -- unshare -n $CTL show client
	$CTL set client audit off >/dev/null
else
	skip 3 "per-netns policy" "no network namespaces (CONFIG_NET_NS)"
fi

# monitor: a policy change is announced with who made it.
: >/tmp/sgt.mon
$CTL monitor >/tmp/sgt.mon 2>&1 &
mpid=$!
sleep 1
$CTL set client audit off >/dev/null 2>&1
sleep 1
kill -INT $mpid 2>/dev/null
wait $mpid 2>/dev/null
cp /tmp/sgt.mon $OUT
: >$ERR
grep -q 'policy-changed by pid [0-9]* uid 0' /tmp/sgt.mon && ok "monitor sees policy change" || notok "monitor sees policy change"

# Malformed requests (nlbad numbers its own KTAP lines).
if [ -x "$NLBAD" ]; then
	"$NLBAD" $((n + 1)) 2>&1 | sed 's/^nlbad: /# extack: /'
	n=$((n + 9))
else
	echo "# $NLBAD not found"
	i=0
	while [ $i -lt 9 ]; do
		n=$((n + 1))
		echo "ok $n - malformed requests # SKIP nlbad not installed"
		i=$((i + 1))
	done
fi
echo "# smbsignctl guest tests done ($fail failed before nlbad)"
