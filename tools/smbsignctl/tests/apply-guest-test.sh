#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `smbsignctl apply` against the real module, in the QEMU guest (busybox
# sh), each case in a new network namespace (which starts from the module
# parameters) so the initial namespace's policy is never changed: a policy
# file is applied as a whole, a bad one not at all, --check changes
# nothing, and the modprobe.d hook the smbsignctl package ships
# (tools/packaging/modprobe.d/smbsign.conf) applies /etc/smbsign/smbsign.conf
# and keeps the module loaded when the file is bad. Prints TAP.
#
#   SMBSIGNCTL=/usr/sbin/smbsignctl HOOK=/usr/libexec/smbsign/modprobe-smbsign.conf \
#       sh apply-guest-test.sh
set -u

CTL=${SMBSIGNCTL:-smbsignctl}
HOOK=${HOOK:-$(dirname "$0")/../../packaging/modprobe.d/smbsign.conf}
D=/tmp/sgt-apply
OUT=$D/out
ERR=$D/err
CONF=/etc/smbsign/smbsign.conf
rm -rf $D
mkdir -p $D /etc/smbsign

# shellcheck source=../../testing/qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"

# after a failed test: the last command's output
show_out_err() {
	sed 's/^/# out: /' $OUT 2>/dev/null | head -8
	sed 's/^/# err: /' $ERR 2>/dev/null | head -8
}
TAP_ON_FAIL=show_out_err

# t NAME WANT_RC STDOUT_REGEX STDERR_REGEX -- CMD...
t() {
	name=$1 want=$2 outre=$3 errre=$4
	shift 5
	"$@" >$OUT 2>$ERR
	rc=$?
	if [ "$rc" = "$want" ] &&
		{ [ -z "$outre" ] || grep -Eq -- "$outre" $OUT; } &&
		{ [ -z "$errre" ] || grep -Eq -- "$errre" $ERR; }; then
		ok "$name"
	else
		echo "# exit $rc, want $want"
		notok "$name"
	fi
}

echo "TAP version 13"
if ! unshare -n true 2>/dev/null; then
	echo "1..0 # SKIP no network namespaces (CONFIG_NET_NS)"
	exit 0
fi
echo "1..12"

# a new namespace's policy: the module parameters (the defaults here)
DEF='^\{"client":\{"RequireSecuritySignature":true,"EnableInsecureGuestLogons":false,"AuditServerDoesNotSupportSigning":false,"SigningAlgorithms":\["AES-GMAC","AES-CMAC","HMAC-SHA256"\]\},"server":\{"RequireSecuritySignature":true,"AllowInsecureGuestSessions":false,"AuditClientDoesNotSupportSigning":false,"SigningAlgorithms":\["AES-GMAC","AES-CMAC","HMAC-SHA256"\]\}'
# good.conf applied on top of them
GOOD='^\{"client":\{"RequireSecuritySignature":true,"EnableInsecureGuestLogons":true,"AuditServerDoesNotSupportSigning":false,"SigningAlgorithms":\["AES-GMAC","AES-CMAC","HMAC-SHA256"\]\},"server":\{"RequireSecuritySignature":false,"AllowInsecureGuestSessions":false,"AuditClientDoesNotSupportSigning":true,"SigningAlgorithms":\["AES-CMAC","HMAC-SHA256"\]\}'

cat >$D/good.conf <<'EOF'
# outbound signing required, inbound not; audit inbound
preset server-2025
set server audit on
client guest allow          # "set" left out
server algorithms cmac,hmac-sha256
EOF
# two good lines, then a bad one: none of it may be applied
printf 'set client require off\nset server audit on\nset server guest perhaps\n' >$D/bad.conf

init_before=$($CTL -j show 2>&1)

t "apply: whole file applied" 0 "applied $D/good.conf \\(4 settings\\)" '' -- \
	unshare -n sh -c "$CTL apply $D/good.conf && $CTL -j show >$D/show"
t "apply: show reflects the file" 0 "$GOOD" '' -- cat $D/show
t "apply bad file: line, column, nothing applied" 1 '' \
	"^smbsignctl: $D/bad.conf:3:18: bad value \"perhaps\" for guest \\(want allow or block\\); nothing applied\$" -- \
	unshare -n sh -c "$CTL apply $D/bad.conf; rc=\$?; $CTL -j show >$D/show; exit \$rc"
t "apply bad file: the defaults stay" 0 "$DEF" '' -- cat $D/show
t "apply --check: nothing changes" 0 "$DEF" '' -- \
	unshare -n sh -c "$CTL apply --check $D/good.conf >/dev/null && $CTL -j show"

# the modprobe.d hook, with modprobe itself replaced by "true" (smbsign is
# loaded already): the command it runs after loading
cmd=$(sed -n 's/^install smbsign //p' "$HOOK")
# shellcheck disable=SC2016 # a literal $CMDLINE_OPTS
cmd_true=$(echo "$cmd" | sed -e 's,^/sbin/modprobe --ignore-install smbsign \$CMDLINE_OPTS,true,' \
	-e "s,/usr/sbin/smbsignctl,$CTL,")
cmd_fail=$(echo "$cmd_true" | sed 's,^true,false,')
echo "# hook: $cmd"
cp $D/good.conf $CONF
t "modprobe hook applies $CONF" 0 "applied $CONF" '' -- \
	unshare -n sh -c "$cmd_true; $CTL -j show >$D/show"
t "modprobe hook: show reflects $CONF" 0 "$GOOD" '' -- cat $D/show
cp $D/bad.conf $CONF
t "modprobe hook, bad file: load succeeds, says why, defaults stay" 0 "$DEF" \
	"^smbsignctl: $CONF:3:18: bad value" -- \
	unshare -n sh -c "$cmd_true && $CTL -j show"
cp $D/good.conf $CONF
t "modprobe hook: no apply when the load fails" 1 "$DEF" '' -- \
	unshare -n sh -c "$cmd_fail; rc=\$?; $CTL -j show; exit \$rc"
rm -f $CONF
t "apply without $CONF: nothing to do" 0 "no $CONF, nothing applied" '' -- \
	unshare -n "$CTL" apply
if unshare -U -r true 2>/dev/null; then
	t "apply needs CAP_NET_ADMIN" 1 '' 'needs CAP_NET_ADMIN in the initial user namespace' -- \
		unshare -U -r "$CTL" apply $D/good.conf
else
	ok "apply needs CAP_NET_ADMIN # SKIP no user namespaces"
fi
$CTL -j show >$OUT 2>$ERR
if [ "$(cat $OUT)" = "$init_before" ]; then
	ok "the initial namespace's policy is unchanged"
else
	echo "# before: $init_before"
	notok "the initial namespace's policy is unchanged"
fi
rm -rf $D $CONF
[ $fail = 0 ]
