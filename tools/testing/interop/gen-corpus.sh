#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gen-corpus.sh - record Samba-signed SMB2/SMB3 traffic and turn it into the
# smbsign interoperability corpus.
#
# Usage: gen-corpus.sh [--out-json FILE] [--out-header FILE] [--work DIR]
#                      [--keep]
#
# Defaults write the checked-in files:
#   tools/testing/interop/corpus/corpus.json
#   kunit/smbsign_interop_corpus.h
# --work DIR keeps DIR (pcaps, Samba logs, configs); otherwise a temporary
# directory is used and removed unless --keep.
# SMBSIGN_INTEROP_CELLS="3.1.1-aes-gmac ..." limits the cells (the corpus
# is then partial and check-corpus.py runs with --partial).
#
# What it does, entirely on 127.0.0.1 and inside a private temporary
# directory (nothing under /etc, /var or the real passwd database is
# touched):
#   * writes a private smb.conf (own private/lock/state/cache/pid/log
#     dirs, port $SMBSIGN_INTEROP_PORT or the first free one from 4455,
#     server signing = mandatory, debug encryption = yes) and a private
#     passwd/group file served to Samba through nss_wrapper, so the test
#     user "smbsign" exists only for these processes;
#   * for every cell (dialect x signing algorithm) starts its own smbd,
#     captures lo with tcpdump, drives it with smbclient (ls, put/get of a
#     small and a 70000-byte file, mkdir, rename, del, allinfo) and with
#     smbtorture (compound requests and responses, CANCEL, async
#     responses), then stops tcpdump and smbd again (by their pids);
#   * runs extract.py (which verifies every signed message and fails on
#     any mismatch), check-corpus.py and mkheader.py.
#
# Needs root (tcpdump on lo, smbd), samba, smbclient, samba-testsuite,
# tcpdump, libnss-wrapper, python3 and python3-cryptography.
#
# Exit codes: 0 corpus written and verified, 1 failure, 2 cannot run here
# (a "SKIP: <reason>" line says why).

set -u
set -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
OUT_JSON=$HERE/corpus/corpus.json
OUT_HDR=$TOP/kunit/smbsign_interop_corpus.h
WORK=
KEEP=0
USER_NAME=smbsign
PASSWORD='smbsign-Interop-1'
TEST_UID=47011
CELLS_WANTED=${SMBSIGN_INTEROP_CELLS:-}

while [ $# -gt 0 ]; do
	case "$1" in
	--out-json) OUT_JSON=$2; shift 2 ;;
	--out-header) OUT_HDR=$2; shift 2 ;;
	--work) WORK=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "gen-corpus.sh: unknown argument '$1'" >&2; exit 1 ;;
	esac
done

skip() { echo "SKIP: $*"; exit 2; }
die() { echo "gen-corpus.sh: error: $*" >&2; exit 1; }
log() { echo "gen-corpus: $*"; }

# ---------------------------------------------------------------- checks ---
[ "$(id -u)" = 0 ] || skip "needs root for smbd and tcpdump on lo"
for t in smbd smbclient smbpasswd smbtorture tcpdump python3; do
	command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v "$t" >/dev/null 2>&1 || skip "'$t' not installed"
done
NSS_WRAPPER_LIB=
for d in /usr/lib/*-linux-gnu /usr/lib64 /usr/lib; do
	if [ -e "$d/libnss_wrapper.so" ]; then
		NSS_WRAPPER_LIB=$d/libnss_wrapper.so
		break
	fi
done
[ -n "$NSS_WRAPPER_LIB" ] || skip "libnss_wrapper.so not found (libnss-wrapper)"
PY=python3
$PY -c 'import cryptography' 2>/dev/null ||
	skip "python3 cannot import cryptography (python3-cryptography)"
SAMBA_VERSION=$(smbd --version 2>/dev/null | sed 's/^Version //')
[ -n "$SAMBA_VERSION" ] || skip "smbd --version failed"

# -------------------------------------------------------------- workdir ---
if [ -z "$WORK" ]; then
	WORK=$(mktemp -d /tmp/smbsign-interop.XXXXXX) || die "mktemp failed"
else
	KEEP=1		# never delete a directory the caller named
	mkdir -p "$WORK" || die "cannot create $WORK"
	WORK=$(cd "$WORK" && pwd)
fi
SMBD_PID=
TCPDUMP_PID=

stop_pid() {
	# $1 pid, $2 signal; waits up to 10 s for it to go away
	local pid=$1 sig=$2 _
	[ -n "$pid" ] || return 0
	kill "-$sig" "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

stop_smbd() {
	[ -n "$SMBD_PID" ] || return 0
	# smbd -F without --no-process-group leads its own process group,
	# which holds its children (per-connection smbd, notifyd, cleanupd,
	# samba-dcerpcd): end exactly that group.
	kill -TERM -- "-$SMBD_PID" 2>/dev/null
	stop_pid "$SMBD_PID" TERM
	kill -KILL -- "-$SMBD_PID" 2>/dev/null
	SMBD_PID=
}

# shellcheck disable=SC2317	# invoked by trap
cleanup() {
	stop_pid "$TCPDUMP_PID" INT
	TCPDUMP_PID=
	stop_smbd
	if [ "$KEEP" = 0 ]; then
		rm -rf "$WORK"
	else
		log "work directory kept: $WORK"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

port_free() {
	$PY - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

port_listening() {
	$PY - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

PORT=${SMBSIGN_INTEROP_PORT:-}
if [ -z "$PORT" ]; then
	for p in $(seq 4455 4499); do
		if port_free "$p"; then PORT=$p; break; fi
	done
	[ -n "$PORT" ] || skip "no free TCP port in 4455-4499 on 127.0.0.1"
fi

mkdir -p "$WORK/share" "$WORK/client" "$WORK/cells" || die "mkdir failed"
cat > "$WORK/passwd" <<EOF
root:x:0:0:root:/root:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
$USER_NAME:x:$TEST_UID:$TEST_UID:smbsign interop:/nonexistent:/bin/false
EOF
cat > "$WORK/group" <<EOF
root:x:0:
nogroup:x:65534:
$USER_NAME:x:$TEST_UID:
EOF
chown "$TEST_UID:$TEST_UID" "$WORK/share"
chmod 0755 "$WORK"
# smbd switches to the test uid to reach the share: every directory above
# it must be searchable by others.
dir=$WORK
while [ "$dir" != / ]; do
	[ "$(( 0$(stat -c %a "$dir") & 01 ))" != 0 ] ||
		die "$dir is not searchable by other users (the share lives in" \
			"$WORK/share); use a --work directory below a 0755 one"
	dir=$(dirname "$dir")
done
chmod 0777 "$WORK/share"

# Test files: a small one and a 70000-byte one (> 64 KiB).  Printable
# and deterministic, so that the generated C header stays small.
printf 'smbsign interop small file\n' > "$WORK/client/small.txt"
$PY - "$WORK/client/big.txt" <<'EOF'
import hashlib, sys
out = bytearray()
i = 0
while len(out) < 70000:
    out += b"%08d %s\n" % (i, hashlib.sha256(b"%d" % i).hexdigest().encode())
    i += 1
open(sys.argv[1], "wb").write(out[:70000])
EOF

# cell name, Samba protocol, dialect id, signing algorithm id, Samba alg name
CELLS="2.0.2-hmac-sha256:SMB2_02:0x0202:0:
2.1-hmac-sha256:SMB2_10:0x0210:0:
3.0-aes-cmac:SMB3_00:0x0300:1:
3.0.2-aes-cmac:SMB3_02:0x0302:1:
3.1.1-hmac-sha256:SMB3_11:0x0311:0:hmac-sha-256
3.1.1-aes-cmac:SMB3_11:0x0311:1:aes-128-cmac
3.1.1-aes-gmac:SMB3_11:0x0311:2:aes-128-gmac"

write_conf() {
	# $1 cell dir, $2 protocol, $3 Samba signing algorithm name (or empty)
	local d=$1 proto=$2 alg=$3
	mkdir -p "$d/private" "$d/lock" "$d/state" "$d/cache" "$d/pid" \
		"$d/log" "$d/ncalrpc" "$d/bind-dns"
	cat > "$d/smb.conf" <<EOF
[global]
	netbios name = SMBSIGNTEST
	workgroup = SMBSIGN
	server role = standalone server
	interfaces = 127.0.0.1
	bind interfaces only = yes
	smb ports = $PORT
	disable netbios = yes
	disable spoolss = yes
	load printers = no
	printcap name = /dev/null
	private dir = $d/private
	lock directory = $d/lock
	state directory = $d/state
	cache directory = $d/cache
	pid directory = $d/pid
	ncalrpc dir = $d/ncalrpc
	binddns dir = $d/bind-dns
	log file = $d/log/log.%m
	max log size = 0
	log level = 1
	debug encryption = yes
	passdb backend = tdbsam:$d/private/passdb.tdb
	server signing = mandatory
	server min protocol = SMB2_02
	server max protocol = $proto
	smb encrypt = off
	kernel oplocks = no
	kernel change notify = no
EOF
	if [ -n "$alg" ]; then
		printf '\tserver smb3 signing algorithms = %s\n' "$alg" \
			>> "$d/smb.conf"
	fi
	cat >> "$d/smb.conf" <<EOF

[share]
	path = $WORK/share
	read only = no
	guest ok = no
EOF
	cat > "$d/client.conf" <<EOF
[global]
	client signing = required
	client min protocol = $proto
	client max protocol = $proto
	client use kerberos = off
EOF
	if [ -n "$alg" ]; then
		printf '\tclient smb3 signing algorithms = %s\n' "$alg" \
			>> "$d/client.conf"
	fi
}

nsswrap() {
	LD_PRELOAD=$NSS_WRAPPER_LIB NSS_WRAPPER_PASSWD=$WORK/passwd \
		NSS_WRAPPER_GROUP=$WORK/group "$@"
}

start_smbd() {
	local d=$1 _
	port_free "$PORT" || die "port $PORT on 127.0.0.1 is busy"
	LD_PRELOAD=$NSS_WRAPPER_LIB NSS_WRAPPER_PASSWD=$WORK/passwd \
		NSS_WRAPPER_GROUP=$WORK/group \
		smbd -F -s "$d/smb.conf" < /dev/null \
		> "$d/log/smbd.stdout" 2>&1 &
	SMBD_PID=$!
	for _ in $(seq 100); do
		port_listening "$PORT" && return 0
		kill -0 "$SMBD_PID" 2>/dev/null ||
			die "smbd exited at start; see $d/log"
		sleep 0.1
	done
	die "smbd did not listen on 127.0.0.1:$PORT within 10 s"
}

start_tcpdump() {
	local d=$1 _
	tcpdump -i lo -n -s 0 -U -B 32768 -w "$d/capture.pcap" \
		"host 127.0.0.1 and tcp port $PORT" > "$d/tcpdump.log" 2>&1 &
	TCPDUMP_PID=$!
	for _ in $(seq 100); do
		grep -q "listening on" "$d/tcpdump.log" 2>/dev/null && return 0
		kill -0 "$TCPDUMP_PID" 2>/dev/null || {
			TCPDUMP_PID=
			skip "tcpdump cannot capture on lo: $(head -c 200 \
				"$d/tcpdump.log")"
		}
		sleep 0.1
	done
	die "tcpdump did not start"
}

# smb2.compound.interim1 is left out: against smbd 4.17 on lo it hangs.
TORTURE_TESTS="smb2.compound.related3 smb2.compound.unrelated1
smb2.compound.create-write-close smb2.compound.compound-padding
smb2.compound.interim2 smb2.compound_find.compound_find_related
smb2.compound_async.flush_close smb2.lock.cancel"

run_cell() {
	local name=$1 proto=$2 dialect=$3 algid=$4 alg=$5
	local d=$WORK/cells/$name
	local creds=$d/creds
	write_conf "$d" "$proto" "$alg"
	printf 'username = %s\npassword = %s\n' "$USER_NAME" "$PASSWORD" \
		> "$creds"
	chmod 600 "$creds"
	printf '%s\n%s\n' "$PASSWORD" "$PASSWORD" |
		nsswrap smbpasswd -c "$d/smb.conf" -D 0 -s -a "$USER_NAME" \
		> "$d/log/smbpasswd.log" 2>&1 ||
		die "$name: smbpasswd -a failed; see $d/log/smbpasswd.log"
	start_smbd "$d"
	start_tcpdump "$d"
	rm -rf "${WORK:?}/share/"*
	(
		cd "$WORK/client" || exit 1
		rm -f big.out small.out
		smbclient "//127.0.0.1/share" -p "$PORT" -s "$d/client.conf" \
			-A "$creds" -m "$proto" -c \
			'ls; put small.txt; put big.txt; get big.txt big.out;
			 get small.txt small.out; mkdir dir1; cd dir1;
			 put small.txt; ls; cd ..; allinfo small.txt;
			 rename small.txt small2.txt; del small2.txt; ls' \
			> "$d/smbclient.log" 2>&1
	) || die "$name: smbclient failed; see $d/smbclient.log"
	cmp -s "$WORK/client/big.txt" "$WORK/client/big.out" ||
		die "$name: the 70000-byte file did not round-trip"
	# smbtorture: compounds, async responses and CANCEL.  Its verdicts
	# do not matter (some tests expect Windows behaviour); only the
	# signed traffic does, and extract.py checks that.
	for t in $TORTURE_TESTS; do
		timeout -k 5 60 smbtorture "//127.0.0.1/share" -p "$PORT" \
			-s "$d/client.conf" -U "$USER_NAME%$PASSWORD" \
			--use-kerberos=disabled "$t" >> "$d/smbtorture.log" 2>&1
	done
	log "$name: smbtorture: $(grep -c '^success:' "$d/smbtorture.log") ok," \
		"$(grep -c -E '^(failure|error):' "$d/smbtorture.log") not ok" \
		"(only the signed traffic matters)"
	sleep 0.5
	stop_pid "$TCPDUMP_PID" INT
	TCPDUMP_PID=
	stop_smbd
	if grep -E '^[1-9][0-9]* packets? dropped by kernel' "$d/tcpdump.log"
	then
		die "$name: tcpdump dropped packets; see $d/tcpdump.log"
	fi
	for _ in $(seq 50); do port_free "$PORT" && break; sleep 0.1; done
	echo "$name $dialect $algid $d/capture.pcap $d/log" >> "$WORK/cells.txt"
}

log "Samba $SAMBA_VERSION, port $PORT, work $WORK"
: > "$WORK/cells.txt"
while IFS=: read -r name proto dialect algid alg; do
	if [ -n "$CELLS_WANTED" ] &&
	   ! printf '%s\n' "$CELLS_WANTED" | tr ' ' '\n' | grep -qx "$name"
	then
		continue
	fi
	log "cell $name ($proto${alg:+, $alg})"
	run_cell "$name" "$proto" "$dialect" "$algid" "$alg"
done <<< "$CELLS"

mkdir -p "$(dirname "$OUT_JSON")" "$(dirname "$OUT_HDR")" ||
	die "cannot create output directories"
$PY "$HERE/extract.py" --cells "$WORK/cells.txt" --out "$OUT_JSON.tmp" \
	--password "$PASSWORD" --user "$USER_NAME" --port "$PORT" \
	--samba-version "$SAMBA_VERSION" || die "extract.py failed"
$PY "$HERE/check-corpus.py" ${CELLS_WANTED:+--partial} "$OUT_JSON.tmp" || die "check-corpus.py failed"
$PY "$HERE/mkheader.py" "$OUT_JSON.tmp" "$OUT_HDR" ||
	die "mkheader.py failed"
mv "$OUT_JSON.tmp" "$OUT_JSON"
log "wrote $OUT_JSON and $OUT_HDR"
exit 0
