#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's YNL CLI (tools/net/ynl/cli.py, Linux 6.12) driving the live
# "smbsign" family from Documentation/netlink/specs/smbsign.yaml alone, in
# the QEMU guest, with the Python that guest-tests/ynl.sh ships.  Checks
# policy-get against smbsignctl, a policy-set as root and its effect, and
# stats-get.  Prints TAP.  Needs: smbsign loaded, root.
set -u

CTL=${SMBSIGNCTL:-smbsignctl}
PY=${PYTHON:-/usr/bin/python3.11}
CLI=${YNL_CLI:-/usr/lib/smbsign-ynl/cli.py}
SPEC=${YNL_SPEC:-/usr/share/smbsign/smbsign.yaml}
OUT=/tmp/ynl.out
ERR=/tmp/ynl.err
PLAN=8

# shellcheck source=../qemu/guest-lib.sh
. "${GUEST_LIB:-/usr/libexec/smbsign/guest-lib.sh}"

# after a failed test: the last command's output
show_out_err() {
	sed 's/^/# out: /' $OUT 2>/dev/null | head -8
	sed 's/^/# err: /' $ERR 2>/dev/null | tail -8
}
TAP_ON_FAIL=show_out_err

ynl() {
	PYTHONDONTWRITEBYTECODE=1 "$PY" "$CLI" --spec "$SPEC" --no-schema "$@" \
		>$OUT 2>$ERR
}

# field DIR KEY: a field of the last policy-get JSON (in $OUT)
field() {
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]]
print(",".join(map(str, d)) if isinstance(d, list) else d)' $OUT "$1" "$2"
}

# ctl DIR KEY-REGEX: smbsignctl show's True/False as 1/0
ctl() {
	v=$($CTL show "$1" | sed -n "s/^$2[A-Za-z]* *: //p")
	[ "$v" = True ] && echo 1 || echo 0
}

echo "TAP version 13"
echo "1..$PLAN"
echo "# $("$PY" --version 2>&1), cli.py from Linux 6.12 tools/net/ynl"

"$PY" -c 'import yaml, json, socket, argparse' >$OUT 2>$ERR
check "python3.11 and yaml run in the guest" [ $? = 0 ]

ynl --do policy-get --output-json
check "cli.py --do policy-get" [ $? = 0 ]
echo "# policy-get: $(cat $OUT)"
check "policy-get: client require-signing as smbsignctl shows it" \
	[ "$(field client require-signing)" = "$(ctl client RequireSecuritySignature)" ]
check "policy-get: server audit as smbsignctl shows it" \
	[ "$(field server audit)" = "$(ctl server Audit)" ]
was=$(field server audit)
want=$((1 - was))

ynl --do policy-set --json "{\"server\": {\"audit\": $want}}"
check "cli.py --do policy-set server audit=$want (root)" [ $? = 0 ]
check "smbsignctl sees the change" [ "$(ctl server Audit)" = $want ]
ynl --do policy-get --output-json && [ "$(field server audit)" = $want ] &&
	ynl --do policy-set --json "{\"server\": {\"audit\": $was}}" &&
	[ "$(ctl server Audit)" = "$was" ]
check "policy-get shows it; policy-set restores it" [ $? = 0 ]

ynl --do stats-get --output-json &&
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["client"]; d["server"]' $OUT
check "cli.py --do stats-get" [ $? = 0 ]

echo "# ynl guest tests done ($fail failed)"
[ $fail = 0 ]
