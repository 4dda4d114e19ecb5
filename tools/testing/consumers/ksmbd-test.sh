#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Linux SMB server (ksmbd) against Samba's smbclient, both in the guest,
# over loopback. Run by guest-init.sh (as guest-test.sh) for ksmbd-run.sh;
# prints TAP on stdout.
#
# Configuration: $RUN/config (written by ksmbd-run.sh):
#   KSMBD_MODES  "stock smbsign": the kernel's own ksmbd.ko, then the one
#                built with tools/consumers/ksmbd/<KVER>/ (smbsign.ko first);
#                both in one boot, rmmod in between
#   CELLS        smbclient cells (names below), in order
#   SIZES        file sizes in bytes put, got back and compared per cell
#   BIG_SIZE     one more file in the cells named in BIG_CELLS
#   TAMPER=1     smbsign mode: a WRITE request with one bit flipped by
#                tamper-proxy.py is refused (run_tamper)
#   CIFS=1       the patched cifs.ko (tools/consumers/cifs) is the guest's
#                cifs module: mount the patched ksmbd with it (smbsign mode)
#   MC=1         with CIFS=1: multichannel (run_cifs_mc): ksmbd restarted
#                with server multi channel support = yes, a dummy interface
#                MC_IFACE with four TX queues (ksmbd advertises it RSS-
#                capable; it skips loopback) at MC_ADDR, mounted at each of
#                MC_DIALECTS with multichannel,max_channels=MC_CHANNELS
#   TORTURE=1    a bounded smbtorture subset per mode, then both modes side
#                by side (ksmbd-torture.sh, torture.expect)
#
# Userland: ksmbd-tools 3.5.3 (Debian trixie, unpacked by ksmbd-run.sh in
# $RUN/ksmbd-tools, with bookworm's libnl-genl-3) and Samba's smbclient
# (GnuTLS signing, independent of the kernel's) from the host.
#
# Per cell: one smbclient session with --client-protection=sign (signing
# required: every response must verify) that puts, lists, renames, gets
# and deletes; then
#   1. the session: every command succeeded, nothing reported a bad
#      signature;
#   2. every file got back equals the one put;
#   3. the share is empty again on the server side, the listing had every
#      file;
#   4. smbsign mode: smbsignctl stats show the server's signed and verified
#      counts risen, for the algorithm this cell must negotiate (stock
#      mode: the cell's expected stock outcome).
set -u

RUN=/run/smbsign
. "$RUN/config"
OUT=$RUN/out
SRC=/tmp/src
DST=/tmp/dst
ERR=/tmp/kt.err
LOG=/tmp/smbclient.log
PW=Smbs1gn-consumer-test
KT=$RUN/ksmbd-tools
KCONF=/run/ksmbd/ksmbd.conf
KPWDB=/run/ksmbd/ksmbdpwd.db
SHARE=/srv/ksmbd
mkdir -p "$OUT" "$SRC" "$DST" /run/ksmbd
export LC_ALL=C
export LD_LIBRARY_PATH=$KT/lib/x86_64-linux-gnu:$KT/usr/lib/x86_64-linux-gnu

# ok, notok, skip, diag, wait_until, flipped, channels, channel_test
# shellcheck source=guest-lib.sh
. "$RUN/guest-lib.sh"
# a known limitation of the stock module (stock-<KVER>.expect): reported
# as skipped with the reason, not counted as a failure
todo() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; : >"$ERR"; }
listening() { grep -q '^ *[0-9]*: [0-9A-F]*:01BD [0-9A-F]*:0000 0A' /proc/net/tcp /proc/net/tcp6; }
not_listening() { ! listening; }

# ------------------------------------------------------------- cells --
# name: smbclient -m, signing algorithm option ("" = smbclient's default),
# algorithm the patched server must sign with (smbsign's names), what the
# stock server does (ok, or the reason it cannot serve the cell)
cell() {
	case "$1" in
	2.0.2)	set -- SMB2_02 "" HMAC-SHA256 ;;
	2.1)	set -- SMB2_10 "" HMAC-SHA256 ;;
	3.0)	set -- SMB3_00 "" AES-CMAC ;;
	3.0.2)	set -- SMB3_02 "" AES-CMAC ;;
	3.1.1)	set -- SMB3_11 "" AES-GMAC ;;
	gmac)	set -- SMB3_11 "AES-128-GMAC" AES-GMAC ;;
	cmac)	set -- SMB3_11 "AES-128-CMAC" AES-CMAC ;;
	hmac)	set -- SMB3_11 "HMAC-SHA256" HMAC-SHA256 ;;
	hmac-first) set -- SMB3_11 "HMAC-SHA256, AES-128-CMAC, AES-128-GMAC" AES-GMAC ;;
	cmac-gmac) set -- SMB3_11 "AES-128-CMAC, AES-128-GMAC" AES-GMAC ;;
	*) return 1 ;;
	esac
	PROTO=$1 ALGS=$2 WANT=$3
}
stock_expect() {
	# filled in from the stock runs (see tools/consumers/ksmbd/README.md)
	eval "echo \${STOCK_EXPECT_$(echo "$1" | tr .- __):-ok}"
}

smbc() {
	# smbc SHARE PROTO ALGS [smbclient args...]
	_s=$1 _p=$2 _a=$3; shift 3
	if [ -n "$_a" ]; then
		timeout 300 smbclient -s /run/ksmbd/client.conf "//127.0.0.1/$_s" \
			-m "$_p" --option="client min protocol=SMB2_02" \
			--option="client smb3 signing algorithms=$_a" "$@"
	else
		timeout 300 smbclient -s /run/ksmbd/client.conf "//127.0.0.1/$_s" \
			-m "$_p" --option="client min protocol=SMB2_02" "$@"
	fi
}

# stats: "signed verified failures refused_guest audit_guest
#         hmac_signed cmac_signed gmac_signed hmac_ver cmac_ver gmac_ver"
stats() {
	smbsignctl -j stats 2>>"$ERR" | python3 -c '
import json, sys
d = json.load(sys.stdin)["server"]
a = d["algorithms"]
def alg(k, f):
    for name, v in a.items():
        if k in name.upper():
            return v[f]
    return 0
print(d["signed"], d["verified"], d["verify_failures"], d["refused_guest"],
      d["audit_guest"], d["refused_unsigned"],
      alg("HMAC", "signed"), alg("CMAC", "signed"), alg("GMAC", "signed"),
      alg("HMAC", "verified"), alg("CMAC", "verified"), alg("GMAC", "verified"))
' 2>>"$ERR" || echo "0 0 0 0 0 0 0 0 0 0 0 0"
}
alg_index() {
	case "$1" in HMAC-SHA256) echo 7 ;; AES-CMAC) echo 8 ;; AES-GMAC) echo 9 ;; esac
}
field() { echo "$1" | cut -d' ' -f"$2"; }

# ------------------------------------------------------------- server --
write_conf() {
	# write_conf SIGNING [MULTICHANNEL]
	cat >"$KCONF" <<-EOF
	[global]
		server signing = $1
		server multi channel support = ${2:-no}
		server min protocol = SMB2_02
		server max protocol = SMB3_11
		map to guest = bad user
		guest account = nobody
		store dos attributes = no
		smb2 leases = no
		netbios name = SMBSIGN-GUEST

	[user]
		path = $SHARE/user
		read only = no
		valid users = smbtest
		store dos attributes = no

	[guest]
		path = $SHARE/guest
		read only = no
		guest ok = yes
		store dos attributes = no
	EOF
}

start_ksmbd() {
	# start_ksmbd MODE SIGNING [MULTICHANNEL]
	_mode=$1
	write_conf "$2" "${3:-no}"
	_ko=$RUN/ksmbd-$_mode.ko
	# its dependencies from the test kernel's modules (cifs_arc4,
	# nls_ucs2_utils from 6.9 on) and smbsign from extra/
	for _d in $(modinfo -F depends "$_ko" | tr , ' '); do
		modprobe "$_d" 2>>"$ERR" || return 1
	done
	insmod "$_ko" 2>>"$ERR" || return 1
	rm -f "$KPWDB"
	"$KT/usr/sbin/ksmbd.adduser" -P "$KPWDB" -C "$KCONF" -a smbtest -p "$PW" \
		>>"$ERR" 2>&1 || return 1
	"$KT/usr/sbin/ksmbd.mountd" -C "$KCONF" -P "$KPWDB" >>"$ERR" 2>&1 || return 1
	wait_until 60 listening
}

stop_ksmbd() {
	"$KT/usr/sbin/ksmbd.control" -s >>"$ERR" 2>&1
	wait_until 30 not_listening
	# mountd exits after the kernel side has shut down
	_end=$(( $(date +%s) + 30 ))
	while pidof ksmbd.mountd >/dev/null 2>&1 && [ "$(date +%s)" -lt "$_end" ]; do
		sleep 0.2
	done
	pkill_pids=$(pidof ksmbd.mountd 2>/dev/null)
	[ -z "$pkill_pids" ] || kill $pkill_pids 2>/dev/null
	_end=$(( $(date +%s) + 30 ))
	while ! rmmod ksmbd 2>/dev/null; do
		[ "$(date +%s)" -lt "$_end" ] || { diag "rmmod ksmbd failed"; return 1; }
		sleep 0.5
	done
}

# ------------------------------------------------------------ one cell --
run_cell() {
	_mode=$1 _c=$2
	cell "$_c" || { notok "$_mode $_c: unknown cell"; return; }
	_sizes=$SIZES
	case " $BIG_CELLS " in *" $_c "*) _sizes="$SIZES $BIG_SIZE" ;; esac
	_cmds="lcd $SRC"
	for s in $_sizes; do _cmds="$_cmds; put f_$s"; done
	_cmds="$_cmds; ls; rename f_4096 r_4096; lcd $DST"
	for s in $_sizes; do
		if [ "$s" = 4096 ]; then _cmds="$_cmds; get r_4096"; else _cmds="$_cmds; get f_$s"; fi
	done
	_cmds="$_cmds; del f_*; del r_*; ls"
	rm -f "$DST"/*
	_before=$(stats)
	_t0=$(date +%s)
	smbc user "$PROTO" "$ALGS" -U "smbtest%$PW" --client-protection=sign \
		-c "$_cmds" >"$LOG" 2>&1
	_rc=$?
	_after=$(stats)
	_dt=$(( $(date +%s) - _t0 ))
	_what="$_mode $_c (-m $PROTO${ALGS:+, $ALGS})"
	cp "$LOG" "$OUT/smbclient-$_mode-$_c.log"

	_exp=ok
	[ "$_mode" = stock ] && _exp=$(stock_expect "$_c")

	# 1. the session
	if [ "$_rc" = 0 ] && ! grep -q -E 'NT_STATUS_|Bad SMB2|signature' "$LOG"; then
		_s1=ok
	else
		_s1=fail
		grep -E 'NT_STATUS_|Bad SMB2|signature|rror' "$LOG" | head -n 6 >>"$ERR"
		echo "smbclient exit $_rc" >>"$ERR"
	fi
	if [ "$_exp" != ok ]; then
		if [ "$_s1" = ok ]; then
			notok "$_what: stock was expected to fail ($_exp) but served it"
		else
			todo "$_what: stock ksmbd cannot serve it" "$_exp: $(grep -m1 -o -E 'NT_STATUS_[A-Z_]+|Bad SMB2[^.]*' "$LOG")"
		fi
		skip "$_what: files compare" "session failed"
		skip "$_what: listing and delete" "session failed"
		skip "$_what: smbsign counters" "stock module"
		return
	fi
	if [ "$_s1" = ok ]; then ok "$_what: session, $(echo $_sizes | wc -w) puts and gets in ${_dt}s"
	else notok "$_what: session"; fi

	# 2. the files
	_bad=
	for s in $_sizes; do
		g=$DST/f_$s; [ "$s" = 4096 ] && g=$DST/r_4096
		cmp -s "$SRC/f_$s" "$g" || _bad="$_bad $s"
	done
	if [ -z "$_bad" ]; then ok "$_what: every file got back equals the one put"
	else echo "differ or missing:$_bad" >>"$ERR"; notok "$_what: files compare"; fi

	# 3. listing, rename and delete on the server side
	_miss=
	for s in $_sizes; do grep -q " f_$s " "$LOG" || _miss="$_miss f_$s"; done
	if [ -z "$_miss" ] && [ -z "$(ls -A "$SHARE/user")" ]; then
		ok "$_what: listing had every file, share empty after rename and delete"
	else
		echo "not listed:$_miss; left on the share: $(ls -A "$SHARE/user" | tr '\n' ' ')" >>"$ERR"
		notok "$_what: listing and delete"
		rm -rf "${SHARE:?}/user/"*
	fi

	# 4. smbsign's counters for the algorithm agreed
	if [ "$_mode" != smbsign ]; then
		skip "$_what: smbsign counters" "stock module"
		return
	fi
	_i=$(alg_index "$WANT")
	_ds=$(( $(field "$_after" 1) - $(field "$_before" 1) ))
	_dv=$(( $(field "$_after" 2) - $(field "$_before" 2) ))
	_df=$(( $(field "$_after" 3) - $(field "$_before" 3) ))
	_das=$(( $(field "$_after" "$_i") - $(field "$_before" "$_i") ))
	_dav=$(( $(field "$_after" $((_i + 3))) - $(field "$_before" $((_i + 3))) ))
	diag "cell $_c: signed $_ds, verified $_dv, failures $_df; $WANT signed $_das, verified $_dav"
	echo "$KREL_NAME $_c $PROTO ${ALGS:-default} $WANT signed=$_ds verified=$_dv failures=$_df" >>"$OUT/matrix.txt"
	if [ "$_ds" -gt 0 ] && [ "$_dv" -gt 0 ] && [ "$_df" = 0 ] &&
	   [ "$_das" = "$_ds" ] && [ "$_dav" = "$_dv" ]; then
		ok "$_what: ksmbd signed $_ds and verified $_dv messages, all $WANT"
	else
		echo "signed $_ds (of them $WANT $_das), verified $_dv ($WANT $_dav), failures $_df" >>"$ERR"
		notok "$_what: smbsign counters ($WANT)"
	fi
}

# -------------------------------------------- error response (tree connect) --
run_error() {
	_mode=$1 _p=$2
	smbc nosuchshare "$_p" "" -U "smbtest%$PW" --client-protection=sign -c ls >"$LOG" 2>&1
	cp "$LOG" "$OUT/smbclient-$_mode-error-$_p.log"
	_what="$_mode -m $_p: TREE_CONNECT to a missing share answers a signed error smbclient verifies"
	if grep -q NT_STATUS_BAD_NETWORK_NAME "$LOG" && ! grep -q -i 'bad smb2.*signature' "$LOG"; then
		ok "$_what"
	elif [ "$_mode" = stock ] && [ "$(stock_expect "error_$_p")" != ok ]; then
		todo "$_what" "stock: $(grep -m1 -o -E 'NT_STATUS_[A-Z_]+|Bad SMB2[^.]*' "$LOG")"
	else
		grep -E 'NT_STATUS|signature' "$LOG" | head -n 4 >>"$ERR"
		notok "$_what"
	fi
}

# ------------------------------------------------- inbound policy (smbsign) --
guest_ls() {
	smbc guest SMB3_11 "" -N -c ls >"$LOG" 2>&1
}
run_policy() {
	_b=$(stats)
	smbsignctl set server require on >>"$ERR" 2>&1
	smbsignctl set server guest block >>"$ERR" 2>&1
	if guest_ls; then
		cat "$LOG" >>"$ERR"; notok "policy require on, guest block: anonymous/guest session refused"
	else
		_a=$(stats)
		if [ $(( $(field "$_a" 4) - $(field "$_b" 4) )) -ge 1 ]; then
			ok "policy require on, guest block: guest session refused ($(grep -m1 -o -E 'NT_STATUS_[A-Z_]+|NT code 0x[0-9a-f]+' "$LOG")), refused_guest counted"
		else
			cat "$LOG" >>"$ERR"; notok "policy require on, guest block: refused but not counted"
		fi
	fi
	smbsignctl set server guest allow >>"$ERR" 2>&1
	if guest_ls; then ok "policy require on, guest allow: guest session served"
	else cat "$LOG" >>"$ERR"; notok "policy require on, guest allow: guest session served"; fi
	smbsignctl set server guest block >>"$ERR" 2>&1
	smbsignctl set server audit on >>"$ERR" 2>&1
	_b=$(stats)
	if guest_ls; then
		_a=$(stats)
		if [ $(( $(field "$_a" 5) - $(field "$_b" 5) )) -ge 1 ]; then
			ok "policy require on, guest block, audit on: guest session served, audit_guest counted"
		else
			notok "policy audit: served but audit_guest not counted"
		fi
	else
		cat "$LOG" >>"$ERR"; notok "policy require on, guest block, audit on: guest session served"
	fi
	smbsignctl set server audit off >>"$ERR" 2>&1
	# ksmbd.conf says signing disabled, smbsign says required: the
	# stricter wins, a client that does not ask for signing is signed
	_b=$(stats)
	smbc user SMB3_11 "" -U "smbtest%$PW" --client-protection=off -c ls >"$LOG" 2>&1
	_rc=$?
	_a=$(stats)
	if [ "$_rc" = 0 ] && [ $(( $(field "$_a" 1) - $(field "$_b" 1) )) -gt 2 ]; then
		ok "policy require on over ksmbd.conf 'server signing = disabled': unsigned-by-choice client is signed"
	else
		cat "$LOG" >>"$ERR"; notok "policy require on over 'server signing = disabled'"
	fi
	smbsignctl set server require off >>"$ERR" 2>&1
}

# ---------------------------------- Linux to Linux: patched cifs.ko (smbsign) --
# both ends on smbsign in this guest: the client's and the server's
# counters must both rise, for AES-GMAC
cstats() {
	# cstats [GMAC|CMAC]: client signed, verified, server signed, verified
	# for that algorithm, then both sides' verify failures
	smbsignctl -j stats 2>>"$ERR" | python3 -c '
import json, sys
d = json.load(sys.stdin)
def g(side):
    for name, v in d[side]["algorithms"].items():
        if sys.argv[1] in name.upper():
            return v["signed"], v["verified"]
    return 0, 0
print(*g("client"), *g("server"), d["client"]["verify_failures"] + d["server"]["verify_failures"])
' "${1:-GMAC}" 2>>"$ERR" || echo "0 0 0 0 0"
}
# cstats_delta BEFORE AFTER: _cs _cv _ss _sv _f, what cstats counted between
cstats_delta() {
	_cs=$(( $(field "$2" 1) - $(field "$1" 1) )); _cv=$(( $(field "$2" 2) - $(field "$1" 2) ))
	_ss=$(( $(field "$2" 3) - $(field "$1" 3) )); _sv=$(( $(field "$2" 4) - $(field "$1" 4) ))
	_f=$(( $(field "$2" 5) - $(field "$1" 5) ))
}
# cstats_test NAME ALG: after cstats_delta, both sides signed and verified
# with AES-ALG and no verification failed
cstats_test() {
	if [ "$_cs" -gt 0 ] && [ "$_sv" -gt 0 ] && [ "$_ss" -gt 0 ] && [ "$_cv" -gt 0 ] && [ "$_f" = 0 ]; then
		ok "$1: AES-$2 both ways (client signed $_cs, server verified $_sv; server signed $_ss, client verified $_cv)"
	else
		notok "$1: AES-$2 counters (client $_cs/$_cv, server $_ss/$_sv, failures $_f)"
	fi
}
# cifs_files NAME PREFIX BS: every size written to /mnt/ksmbd/PREFIX_SIZE
# with dd bs=BS, read back and compared, the server's copy compared,
# deleted, the mount empty again
cifs_files() {
	_bad=
	for s in $SIZES $BIG_SIZE; do
		dd if="$SRC/f_$s" of="/mnt/ksmbd/$2_$s" bs="$3" 2>>"$ERR" || _bad="$_bad w$s"
	done
	for s in $SIZES $BIG_SIZE; do
		cmp -s "$SRC/f_$s" "/mnt/ksmbd/$2_$s" || _bad="$_bad r$s"
		cmp -s "$SRC/f_$s" "$SHARE/user/$2_$s" || _bad="$_bad s$s"
		rm -f "/mnt/ksmbd/$2_$s"
	done
	[ -z "$(ls -A /mnt/ksmbd)" ] || _bad="$_bad left:$(ls -A /mnt/ksmbd | tr '\n' ' ')"
	if [ -z "$_bad" ]; then
		ok "$1: $(echo $SIZES $BIG_SIZE | wc -w) files written, read back, equal on the server, deleted"
	else
		echo "bad:$_bad" >>"$ERR"; notok "$1: files"
	fi
}
run_cifs() {
	_what="patched cifs.ko mounts patched ksmbd, vers=3.1.1"
	if ! modprobe cifs 2>>"$ERR" || ! grep -q '^smbsign' /proc/modules; then
		notok "$_what: modprobe cifs (with smbsign)"
		skip "cifs: files" "no cifs"; skip "cifs: counters" "no cifs"
		return
	fi
	mkdir -p /mnt/ksmbd
	_b=$(cstats)
	if mount -t cifs //127.0.0.1/user /mnt/ksmbd -o "vers=3.1.1,username=smbtest,password=$PW,sign,cache=none,actimeo=0" 2>>"$ERR"; then
		ok "$_what, sign: mounted"
	else
		dmesg | grep -i -E 'cifs|ksmbd|smbsign' | tail -n 8 >>"$ERR"
		notok "$_what, sign: mount"
		skip "cifs: files" "no mount"; skip "cifs: counters" "no mount"
		return
	fi
	cifs_files "cifs on ksmbd" c 4M
	umount /mnt/ksmbd 2>>"$ERR"
	cstats_delta "$_b" "$(cstats)"
	diag "cifs on ksmbd: client signed $_cs verified $_cv, server signed $_ss verified $_sv (AES-GMAC), failures $_f"
	echo "$KREL_NAME cifs-on-ksmbd SMB3_11 cifs-default AES-GMAC client-signed=$_cs client-verified=$_cv server-signed=$_ss server-verified=$_sv failures=$_f" >>"$OUT/matrix.txt"
	cstats_test "cifs on ksmbd" GMAC
}

# ----------------------- multichannel: patched cifs.ko on patched ksmbd --
# ksmbd lists no loopback interface in FSCTL_QUERY_NETWORK_INTERFACE_INFO
# and marks an interface RSS-capable only with more than one TX queue, so
# the client binds its extra channels to a dummy interface's address (local
# traffic: over loopback all the same). Its MTU is under IPv6's minimum so
# that it has no IPv6 address for ksmbd to advertise as well.
MC_IFACE=smb0
MC_ADDR=192.0.2.1

mc_iface() {
	ip link add "$MC_IFACE" mtu 1200 numtxqueues 4 numrxqueues 4 type dummy &&
		ip addr add "$MC_ADDR/24" dev "$MC_IFACE" &&
		ip link set "$MC_IFACE" up
}

# per dialect: mounted, files, channels, counters
run_cifs_mc() {
	stop_ksmbd
	if mc_iface 2>>"$ERR" && start_ksmbd smbsign mandatory yes; then
		ok "smbsign ksmbd restarted with server multi channel support = yes, $MC_IFACE at $MC_ADDR (4 TX queues)"
	else
		notok "smbsign ksmbd restarted for multichannel, $MC_IFACE at $MC_ADDR"
		for v in $MC_DIALECTS; do
			for i in 1 2 3 4; do skip "multichannel vers=$v" "no server"; done
		done
		return
	fi
	for v in $MC_DIALECTS; do
		run_cifs_mc_one "$v"
	done
}

run_cifs_mc_one() {
	_what="multichannel vers=$1"
	case "$1" in 3.1.1) _alg=GMAC ;; *) _alg=CMAC ;; esac
	mkdir -p /mnt/ksmbd
	_b=$(cstats $_alg)
	# the kernel log from here on (dmesg-ksmbd.txt keeps all of it)
	_dl=$(dmesg | wc -l)
	if mount -t cifs "//$MC_ADDR/user" /mnt/ksmbd -o "vers=$1,username=smbtest,password=$PW,sign,cache=none,actimeo=0,multichannel,max_channels=$MC_CHANNELS" 2>>"$ERR"; then
		# 7.x binds the extra channels after the mount returns
		wait_until 60 enough_channels ||
			diag "$_what: $(channels) channels 60 s after the mount"
		ok "$_what: patched cifs.ko mounted patched ksmbd at $MC_ADDR, $(channels) channels"
	else
		dmesg | tail -n +$((_dl + 1)) | grep -i -E 'cifs|ksmbd|smbsign' | tail -n 8 >>"$ERR"
		notok "$_what: mount"
		for i in 1 2 3; do skip "$_what" "no mount"; done
		return
	fi
	# 1 MiB writes and reads: more messages to spread over the channels
	cifs_files "$_what" m 1M
	channel_test "$_what"
	umount /mnt/ksmbd 2>>"$ERR"
	dmesg | tail -n +$((_dl + 1)) | grep -i -E 'channel|bind' | tail -n 4 | sed 's/^/# dmesg: /'
	cstats_delta "$_b" "$(cstats $_alg)"
	echo "$KREL_NAME cifs-on-ksmbd-multichannel $1 $MC_CHANNELS-channels AES-$_alg client-signed=$_cs client-verified=$_cv server-signed=$_ss server-verified=$_sv failures=$_f" >>"$OUT/matrix.txt"
	cstats_test "$_what" "$_alg"
}

# ------------------------------------- tamper: a WRITE request (smbsign) --
# tamper-proxy.py on 127.0.0.1:4450 relays to ksmbd on :445 and flips bit
# 0 of the middle byte of the first signed WRITE request of at least
# 4 KiB (the file data); smbclient puts a 1 MiB file through it:
#   1. the put fails (ksmbd answers the bad signature with ACCESS_DENIED)
#      and the proxy flipped exactly one WRITE;
#   2. no data was written: the file on the share, if there is one, holds
#      nothing in the tampered WRITE's range (past its end, or zeros);
#   3. `smbsignctl -j monitor` printed a server verify-failed event with
#      the session id, command 9 (WRITE) and MessageId of that request;
#   4. smbsign's server verify_failures counter rose by exactly one.
TPORT=4450
run_tamper() {
	_what="tamper: WRITE request with one bit flipped"
	head -c 1048576 /dev/urandom >/tmp/tamper-src
	_b=$(stats)
	smbsignctl -j monitor >/tmp/monitor.out 2>&1 &
	_mon=$!
	_end=$(( $(date +%s) + 30 ))
	while ! grep -q policy-changed /tmp/monitor.out && [ "$(date +%s)" -lt "$_end" ]; do
		smbsignctl set server audit off 2>>"$ERR"
		sleep 0.3
	done
	rm -f /tmp/proxy.ready
	python3 -B "$RUN/tamper-proxy.py" --ready /tmp/proxy.ready \
		--listen 127.0.0.1:$TPORT --connect 127.0.0.1:445 \
		--direction request --command WRITE --min-size 4096 >/tmp/proxy.out 2>&1 &
	_pp=$!
	if ! grep -q policy-changed /tmp/monitor.out || ! wait_until 30 test -s /tmp/proxy.ready; then
		cat /tmp/monitor.out /tmp/proxy.out >>"$ERR"
		notok "$_what: smbsignctl monitor and tamper-proxy.py start"
		for _i in 2 3 4; do skip "tamper" "no proxy or monitor"; done
		kill "$_pp" "$_mon" 2>/dev/null
		return
	fi
	smbc user SMB3_11 "" -p $TPORT -U "smbtest%$PW" --client-protection=sign \
		-c "lcd /tmp; put tamper-src t_1m; ls" >"$LOG" 2>&1
	_rc=$?
	_a=$(stats)
	cp "$LOG" "$OUT/smbclient-tamper.log"
	diag "tamper: proxy: $(grep -v '^{"connection"' /tmp/proxy.out | tr '\n' ' ')"
	diag "tamper: smbclient exit $_rc: $(grep -v '^$' "$LOG" | tr '\n' ' ' | cut -c1-300)"
	# whether the session outlived the refusal (the ls after the put),
	# and who ended the connection
	diag "tamper: ls after the refused put: $(grep -q 'blocks of size' "$LOG" && echo served || echo failed); connection closed by: $(sed -n 's/.*"closed_by": "\([a-z]*\)".*/\1/p' /tmp/proxy.out)"
	_mid=$(flipped message_id)
	_sid=$(flipped session_id)
	# 1.
	# (smbclient's exit status is the last command's, the ls)
	if [ "$(nflipped)" = 1 ] && [ "$(flipped command)" = 9 ] &&
		grep -q 'cli_push returned NT_STATUS_ACCESS_DENIED' "$LOG"; then
		ok "$_what (session $_sid, MessageId $_mid, $(flipped size) B, file offset $(flipped file_offset)): ksmbd refuses it, ACCESS_DENIED"
	else
		cat /tmp/proxy.out "$LOG" >>"$ERR"
		notok "$_what: refused (smbclient exit $_rc)"
	fi
	# 2.
	_f=$SHARE/user/t_1m
	_wo=$(flipped write_offset)
	_wl=$(flipped write_length)
	_got=$(stat -c %s "$_f" 2>/dev/null || echo none)
	if [ -n "$_wo" ] && [ -n "$_wl" ] && python3 -c '
import os, sys
f, o, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if os.path.exists(f):
    with open(f, "rb") as fp:
        fp.seek(o)
        seg = fp.read(n)
    sys.exit(1 if seg.strip(b"\0") else 0)
' "$_f" "$_wo" "$_wl" 2>>"$ERR"; then
		ok "$_what: no data written (file on the share: $_got bytes, nothing in the WRITE's $_wl bytes at $_wo)"
	else
		cmp /tmp/tamper-src "$_f" >>"$ERR" 2>&1
		notok "$_what: data written (file on the share: $_got bytes, WRITE of $_wl bytes at $_wo)"
	fi
	rm -f "$_f"
	# 3.
	if [ -n "$_mid" ] && wait_until 15 grep -q \
		"\"event\":\"verify-failed\",\"direction\":\"server\",\"session_id\":\"$_sid\",\"command\":9,\"message_id\":${_mid}[,}]" \
		/tmp/monitor.out; then
		ok "$_what: event $(grep -m1 verify-failed /tmp/monitor.out)"
	else
		sed 's/^/monitor: /' /tmp/monitor.out >>"$ERR"
		notok "$_what: verify-failed event with session $_sid, command 9, MessageId $_mid"
	fi
	# 4.
	_df=$(( $(field "$_a" 3) - $(field "$_b" 3) ))
	if [ "$_df" = 1 ]; then
		ok "$_what: smbsign server verify_failures rose by 1"
	else
		notok "$_what: smbsign server verify_failures rose by $_df, want 1"
	fi
	kill "$_pp" "$_mon" 2>/dev/null
	wait "$_pp" "$_mon" 2>/dev/null
	cp /tmp/proxy.out "$OUT/tamper-proxy-ksmbd.out"
	cp /tmp/monitor.out "$OUT/tamper-monitor-ksmbd.out"
}

# ---------------------------------------------------- smbtorture subset --
# shellcheck source=ksmbd-torture.sh
[ "${TORTURE:-1}" = 1 ] && . "$RUN/ksmbd-torture.sh"
torture_both() {
	[ "${TORTURE:-1}" = 1 ] || return 1
	case " $KSMBD_MODES " in *" stock "*) ;; *) return 1 ;; esac
	case " $KSMBD_MODES " in *" smbsign "*) ;; *) return 1 ;; esac
}

# --------------------------------------------------------------- main --
ncells=$(echo $CELLS | wc -w)
plan=0
torture_both && plan=1
for m in $KSMBD_MODES; do
	plan=$((plan + 1 + ncells * 4 + 2))
	[ "${TORTURE:-1}" = 1 ] && plan=$((plan + $(torture_count)))
	[ "$m" = smbsign ] && [ "${TORTURE:-1}" = 1 ] && plan=$((plan + 1))
	[ "$m" = smbsign ] && [ "${POLICY:-1}" = 1 ] && plan=$((plan + 1 + 4))
	[ "$m" = smbsign ] && [ "${CIFS:-0}" = 1 ] && plan=$((plan + 3))
	[ "$m" = smbsign ] && [ "${CIFS:-0}" = 1 ] && [ "${MC:-0}" = 1 ] &&
		plan=$((plan + 1 + 4 * $(echo $MC_DIALECTS | wc -w)))
	[ "$m" = smbsign ] && [ "${TAMPER:-1}" = 1 ] && plan=$((plan + 4))
done
echo "TAP version 13"
echo "1..$plan"
diag "kernel $(uname -r), $(smbclient --version), ksmbd-tools $("$KT/usr/sbin/ksmbd.mountd" -V 2>&1 | head -n1)"

mkdir -p "$SHARE/user" "$SHARE/guest"
chown smbtest:smbtest "$SHARE/user"
chmod 1777 "$SHARE/guest"
printf '[global]\n\tclient min protocol = SMB2_02\n' >/run/ksmbd/client.conf
for s in $SIZES $BIG_SIZE; do
	head -c "$s" /dev/urandom >"$SRC/f_$s"
done
: >"$ERR"
KREL_NAME=$(uname -r | cut -d- -f1)

for m in $KSMBD_MODES; do
	if start_ksmbd "$m" mandatory; then
		ok "$m ksmbd.ko loaded, ksmbd.mountd listening on :445 (server signing = mandatory)"
	else
		notok "$m ksmbd.ko loaded, ksmbd.mountd listening"
		dmesg | tail -n 20 | sed 's/^/# /'
		continue
	fi
	for c in $CELLS; do
		run_cell "$m" "$c"
	done
	run_error "$m" SMB3_11
	run_error "$m" SMB2_10
	[ "${TORTURE:-1}" = 1 ] && run_torture "$m"
	[ "$m" = smbsign ] && [ "${CIFS:-0}" = 1 ] && run_cifs
	[ "$m" = smbsign ] && [ "${TAMPER:-1}" = 1 ] && run_tamper
	[ "$m" = smbsign ] && [ "${CIFS:-0}" = 1 ] && [ "${MC:-0}" = 1 ] && run_cifs_mc
	if [ "$m" = smbsign ] && [ "${POLICY:-1}" = 1 ]; then
		stop_ksmbd
		if start_ksmbd "$m" disabled; then
			ok "$m ksmbd restarted with server signing = disabled"
			run_policy
		else
			notok "$m ksmbd restarted with server signing = disabled"
			for i in 1 2 3 4; do skip "policy" "no server"; done
		fi
	fi
	smbsignctl stats >"$OUT/smbsign-stats-$m.txt" 2>&1
	stop_ksmbd
done

torture_both && torture_table
dmesg >"$OUT/dmesg-ksmbd.txt"
[ "$n" = "$plan" ] || diag "plan was $plan, ran $n"
diag "done: $n tests, $nfail failed"
