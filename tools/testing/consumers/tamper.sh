# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by guest-test.sh (cifs against smbd): the tamper test and the
# policy of a new network namespace, run against the "base" smbd (signing
# mandatory, Samba's default algorithms) when TAMPER=1. Uses ok, notok,
# skip, diag, now, since, wait_until, session_signing, start_smbd,
# stop_smbd, $cur_variant, $PW, $IOSIZE, $ERR, $CIFS_MODE and $OUT from
# guest-test.sh.
#
# Tamper: tamper-proxy.py on 127.0.0.1:4450 relays to smbd on :445 and
# flips one bit in the middle of the first signed READ response of at
# least 64 KiB (the file data); the patched cifs.ko, mounted with port=4450,
# reads a 1 MiB file it has just written:
#   1. the read fails and the proxy flipped exactly one READ response;
#   2. what the reader got is a byte-exact prefix of the file (the flipped
#      byte never reaches it);
#   3. `smbsignctl -j monitor` printed a client verify-failed event with
#      command 8 (READ) and the MessageId of the flipped response;
#   4. smbsign's client verify_failures counter rose by exactly one;
#   5. the next read, relayed untouched, returns the file.
# Stock mode: the same read with the stock cifs.ko, reported as skipped
# with what happened (the stock client logs a bad signature on a READ
# response and returns the data anyway).
#
# Network namespace: a new netns (unshare, lo only; the test kernels have
# no veth) reaches smbd through tamper-proxy.py listening inside it
# (--listen-netns, nothing flipped). In that netns only, `smbsignctl set
# client algorithms cmac` and `guest allow`:
#   6. a mount made from the new netns signs with AES-128-CMAC (smbstatus);
#   7. a mount made from the initial netns still signs with AES-128-GMAC;
#   8. the guest share mounts from the new netns (guest allowed there);
#   9. and is refused from the initial netns (guest blocked, the default).
#
# A server that cannot sign (REFUSE_UNSIGNED): smbd is restarted with
# "server signing = disabled" (the "disabled" variant; its logs go to
# samba-unsigned) and reached through tamper-proxy.py --strip-signing on
# 127.0.0.1:4450, which clears SIGNING_ENABLED and SIGNING_REQUIRED in
# every NEGOTIATE response: to the client, a server that cannot sign (Samba
# itself always says SIGNING_ENABLED). Every mount runs under a deadline
# (REFUSE_DEADLINE). With the default policy (client signing required), at
# vers=2.1, 3.0 and 3.1.1 (REFUSE_DIALECTS):
#  10. the mount fails with mount error(13) (EACCES) and the proxy cleared
#      the signing bits of the NEGOTIATE response of that dialect;
#  11. the kernel logged exactly one line naming the reason and the knob,
#      "session refused: server does not sign (0xc000a000, smbsign
#      require_client_signing)", and `smbsignctl explain` of its status is
#      STATUS_INVALID_SIGNATURE;
#  12. `smbsignctl -j monitor` printed one client unsigned-refused event,
#      smbsign's client refused_unsigned counter rose by one, no smbsign
#      session is left and the client closed its connection.
# The refusal comes when the session is set up, before the client derives
# or uses a signing key (the final SESSION_SETUP response is not verified
# by the Linux client), so it is meaningful at 3.1.1 too although the
# client's pre-authentication hash covers the altered NEGOTIATE response
# and the server's the original. With `smbsignctl set client audit on`:
#  13. vers=2.1 mounts, unsigned (smbstatus "-"), 4 KiB round trip;
#  14. with one client unsigned-audited event and audit_unsigned +1;
#  15. vers=3.0: the session is audited (event) and then the client's own
#      downgrade protection ends the mount: FSCTL_VALIDATE_NEGOTIATE_INFO,
#      which the client signs even on an unsigned session, brings back
#      smbd's real SecurityMode ("protocol revalidation - security
#      settings mismatch");
#  16. vers=3.1.1: the session is audited and the mount fails: the client
#      signs TREE_CONNECT at 3.1.1 ([MS-SMB2] 3.2.4.1.1) with a key derived
#      from its pre-authentication hash, which covers the altered NEGOTIATE
#      response, so smbd cannot verify it ("Bad SMB2 ... signature" in its
#      log).
# So only 2.x mounts unsigned through such a proxy: 3.x detects it.
# Stock mode: what the stock cifs.ko does at each dialect, one test
# reported as skipped.

TAMPER=${TAMPER:-1}
TSRC=/tmp/tamper-src
TPORT=4450

REFUSE_DIALECTS=${REFUSE_DIALECTS:-2.1 3.0 3.1.1}
REFUSE_DEADLINE=${REFUSE_DEADLINE:-120}

tamper_plan() {
	[ "$TAMPER" = 1 ] || { echo 0; return; }
	# shellcheck disable=SC2086 # a list
	set -- $REFUSE_DIALECTS
	if [ "$CIFS_MODE" = smbsign ]; then echo $((9 + 1 + 3 * $# + 4)); else echo 2; fi
}

# start_proxy OUTFILE ARGS...: tamper-proxy.py in the background, waits
# until it listens; sets proxy_pid
start_proxy() {
	_pout=$1; shift
	rm -f /tmp/proxy.ready
	python3 -B "$RUN/tamper-proxy.py" --ready /tmp/proxy.ready "$@" \
		>"$_pout" 2>&1 &
	proxy_pid=$!
	wait_until 30 test -s /tmp/proxy.ready
}
stop_proxy() {
	[ -n "${proxy_pid:-}" ] || return 0
	kill "$proxy_pid" 2>/dev/null
	wait "$proxy_pid" 2>/dev/null
	proxy_pid=
}

# client_stat FIELD: a client counter of `smbsignctl -j stats`
client_stat() {
	smbsignctl -j stats 2>/dev/null | python3 -c '
import json, sys
print(json.load(sys.stdin)["client"][sys.argv[1]])' "$1" 2>/dev/null
}
client_failures() { client_stat verify_failures; }

# start_monitor: `smbsignctl -j monitor`, ready once it has seen a
# policy-changed event of its own making (no fixed sleep)
start_monitor() {
	smbsignctl -j monitor >/tmp/monitor.out 2>&1 &
	monitor_pid=$!
	_end=$(( $(date +%s) + 30 ))
	while ! grep -q policy-changed /tmp/monitor.out; do
		smbsignctl set client audit off 2>>"$ERR"
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.3
	done
}
stop_monitor() {
	kill "$monitor_pid" 2>/dev/null
	wait "$monitor_pid" 2>/dev/null
}

tamper_mount() {
	mount -t cifs //127.0.0.1/user "$1" -o "port=$TPORT,vers=3.1.1,username=smbtest,password=$PW,cache=none,wsize=$IOSIZE,rsize=$IOSIZE,actimeo=0" 2>>"$ERR"
}

# ------------------------------------------------------------ tamper --
tamper_read() {
	m=/mnt/tamper
	mkdir -p "$m"
	head -c 1048576 /dev/urandom >"$TSRC"
	rm -f /tmp/tback /tmp/tback.err
	if ! start_proxy /tmp/proxy.out --listen 127.0.0.1:$TPORT --connect 127.0.0.1:445 \
		--direction response --command READ --min-size 65536; then
		cat /tmp/proxy.out >>"$ERR"
		return 1
	fi
	dmesg -c >/dev/null
	if ! tamper_mount "$m"; then
		dmesg | tail -n 5 >>"$ERR"
		stop_proxy
		return 1
	fi
	# written through the proxy (requests are relayed untouched), checked
	# on the server side before the read
	if ! dd if="$TSRC" of="$m/t1m" bs="$IOSIZE" status=none 2>>"$ERR" ||
		! cmp "$TSRC" /srv/smb/user/t1m >>"$ERR" 2>&1; then
		echo "1 MiB write through the proxy failed" >>"$ERR"
		umount "$m"; stop_proxy
		return 1
	fi
	dd if="$m/t1m" of=/tmp/tback bs="$IOSIZE" status=none 2>/tmp/tback.err
	tread_rc=$?
	diag "tamper: proxy: $(grep -v '^{"connection"' /tmp/proxy.out | tr '\n' ' ')"
	diag "tamper: dd exit $tread_rc: $(tr '\n' ' ' </tmp/tback.err); got $(stat -c %s /tmp/tback 2>/dev/null) bytes"
	diag "tamper: kernel: $(dmesg | grep -i -e cifs -e smbsign | tail -n 3 | tr '\n' ' ')"
	return 0
}

tamper_stock() {
	if ! tamper_read; then
		notok "tamper: mount and 1 MiB write through tamper-proxy.py"
		return
	fi
	if [ "$tread_rc" = 0 ] && cmp -s "$TSRC" /tmp/tback; then
		_what="the read succeeded with the right data"
	elif [ "$tread_rc" = 0 ]; then
		_what="the read succeeded and returned the tampered data ($(cmp "$TSRC" /tmp/tback 2>&1 | head -n 1))"
	else
		_what="the read failed: $(tr '\n' ' ' </tmp/tback.err)"
	fi
	# the later variants' delete tests want an empty share
	rm -f "$m/t1m" /tmp/tback
	umount "$m" 2>/dev/null || umount -l "$m"
	stop_proxy
	skip "tamper: stock cifs.ko, READ response with one bit flipped ($(nflipped) flipped)" "stock cifs.ko: $_what"
}

tamper_patched() {
	_f0=$(client_failures)
	if ! start_monitor; then
		echo "smbsignctl monitor saw no policy-changed event in 30 s" >>"$ERR"
		notok "tamper: smbsignctl monitor"
		for _i in 2 3 4 5; do skip "tamper" "no monitor"; done
		stop_monitor
		return
	fi
	if ! tamper_read; then
		notok "tamper: mount and 1 MiB write through tamper-proxy.py"
		for _i in 2 3 4 5; do skip "tamper" "no mount"; done
		stop_monitor
		return
	fi
	_mid=$(flipped message_id)
	# 1. the read fails
	if [ "$(nflipped)" = 1 ] && [ "$(flipped command)" = 8 ] && [ "$tread_rc" != 0 ]; then
		ok "tamper: READ response (MessageId $_mid, $(flipped size) B) with bit 0 of byte $(flipped offset) flipped: the read fails ($(tr '\n' ' ' </tmp/tback.err | cut -c1-80))"
	else
		cat /tmp/proxy.out /tmp/tback.err >>"$ERR"
		notok "tamper: the read of a tampered READ response fails (flipped $(nflipped), dd exit $tread_rc)"
	fi
	# 2. nothing of the tampered response reaches the reader
	_got=$(stat -c %s /tmp/tback 2>/dev/null || echo 0)
	if [ "$_got" -lt 1048576 ] && cmp -s -n "$_got" "$TSRC" /tmp/tback; then
		ok "tamper: the reader got no tampered data ($_got bytes, equal to the file's first $_got)"
	else
		cmp "$TSRC" /tmp/tback >>"$ERR" 2>&1
		notok "tamper: the reader got tampered data ($_got bytes)"
	fi
	# 3. the event: client, READ, the flipped MessageId
	if [ -n "$_mid" ] && wait_until 15 grep -q \
		"\"event\":\"verify-failed\",\"direction\":\"client\",.*\"command\":8,\"message_id\":${_mid}[,}]" \
		/tmp/monitor.out; then
		ok "tamper: event $(grep -m1 verify-failed /tmp/monitor.out)"
	else
		sed 's/^/monitor: /' /tmp/monitor.out >>"$ERR"
		notok "tamper: verify-failed event with command 8 and MessageId $_mid"
	fi
	# 4. the counter, by exactly one
	_f1=$(client_failures)
	if [ -n "$_f0" ] && [ -n "$_f1" ] && [ "$_f1" = $((_f0 + 1)) ]; then
		ok "tamper: smbsign client verify_failures $_f0 -> $_f1"
	else
		notok "tamper: smbsign client verify_failures $_f0 -> $_f1, want +1"
	fi
	# 5. the mount keeps working: the next READ is relayed untouched
	rm -f /tmp/tback
	if dd if="$m/t1m" of=/tmp/tback bs="$IOSIZE" status=none 2>>"$ERR" &&
		cmp "$TSRC" /tmp/tback >>"$ERR" 2>&1; then
		ok "tamper: the next read of the file returns it unchanged"
	else
		notok "tamper: the next read of the file"
	fi
	rm -f "$m/t1m" /tmp/tback
	umount "$m" 2>/dev/null || umount -l "$m"
	stop_proxy
	stop_monitor
	cp /tmp/proxy.out "$OUT/tamper-proxy-cifs.out"
	cp /tmp/monitor.out "$OUT/tamper-monitor-cifs.out"
}

# ------------------------------------------------- network namespace --
# ns_mount NS|- SHARE MNT OPTS: mount from the netns NS (- = initial)
ns_mount() {
	if [ "$1" = - ]; then
		mount -t cifs "//127.0.0.1/$2" "$3" -o "$4" 2>>"$ERR"
	else
		nsenter --net="$1" mount -t cifs "//127.0.0.1/$2" "$3" -o "$4" 2>>"$ERR"
	fi
}

no_session() { [ -z "$(session_signing smbtest)" ]; }

# ns_user NS|- WANT: a user mount, 4 KiB round trip, signing per smbstatus
ns_user() {
	_ns=$1 _want=$2 _where=initial
	[ "$_ns" = - ] || _where=new
	m=/mnt/ns-user
	mkdir -p "$m"
	# smbstatus must see this mount's session only
	wait_until 30 no_session || diag "netns: an earlier smbtest session is still listed"
	if ! ns_mount "$_ns" user "$m" "vers=3.1.1,username=smbtest,password=$PW,cache=none,actimeo=0"; then
		dmesg | tail -n 4 >>"$ERR"
		notok "netns: mount from the $_where netns"
		return
	fi
	head -c 4096 /dev/urandom >/tmp/nsf
	_alg=$(session_signing smbtest)
	if cp /tmp/nsf "$m/nsf" 2>>"$ERR" && cmp /tmp/nsf "$m/nsf" >>"$ERR" 2>&1 &&
		rm "$m/nsf" && [ "$_alg" = "$_want" ]; then
		ok "netns: mount from the $_where netns signs with $_alg (want $_want), 4 KiB round trip"
	else
		notok "netns: mount from the $_where netns signs with '$_alg', want $_want"
	fi
	umount "$m" 2>/dev/null || umount -l "$m"
}

# ns_guest NS|- WANT(y|n)
ns_guest() {
	_ns=$1 _want=$2 _where=initial
	[ "$_ns" = - ] || _where=new
	m=/mnt/ns-guest
	mkdir -p "$m"
	dmesg -c >/dev/null
	if ns_mount "$_ns" guest "$m" "vers=3.1.1,guest,cache=none"; then
		head -c 4096 /dev/urandom >/tmp/nsg
		if [ "$_want" = y ] && cp /tmp/nsg "$m/g" 2>>"$ERR" &&
			cmp /tmp/nsg "$m/g" >>"$ERR" 2>&1 && rm "$m/g"; then
			ok "netns: guest mount from the $_where netns works (guest allowed there), 4 KiB round trip"
		else
			notok "netns: guest mount from the $_where netns (want $([ "$_want" = y ] && echo works || echo refused))"
		fi
		umount "$m" 2>/dev/null || umount -l "$m"
	elif [ "$_want" = n ]; then
		: >"$ERR"
		ok "netns: guest mount from the $_where netns refused: $(dmesg | grep -i -m1 refused)"
	else
		dmesg | tail -n 4 >>"$ERR"
		notok "netns: guest mount from the $_where netns"
	fi
}

netns_test() {
	rm -f /tmp/ns.ready
	unshare --net sh -c 'ip link set lo up && touch /tmp/ns.ready && exec sleep 100000' 2>>"$ERR" &
	ns_pid=$!
	NS=/proc/$ns_pid/ns/net
	# lo is up in the new netns (127.0.0.1 exists there) once ns.ready is
	if ! wait_until 30 test -f /tmp/ns.ready ||
		! start_proxy /tmp/proxy-ns.out --listen 127.0.0.1:445 --connect 127.0.0.1:445 \
			--listen-netns "$NS" --nth 0 ||
		! nsenter --net="$NS" smbsignctl set client algorithms cmac >>"$ERR" 2>&1 ||
		! nsenter --net="$NS" smbsignctl set client guest allow >>"$ERR" 2>&1; then
		cat /tmp/proxy-ns.out >>"$ERR" 2>/dev/null
		notok "netns: new netns with a proxy to smbd and its own policy"
		for _i in 7 8 9; do skip "netns" "no netns"; done
		stop_proxy; kill "$ns_pid" 2>/dev/null
		return
	fi
	diag "netns: policy in the new netns: $(nsenter --net="$NS" smbsignctl show client 2>&1 | tr -s ' \n' ' ')"
	diag "netns: policy in the initial netns: $(smbsignctl show client 2>&1 | tr -s ' \n' ' ')"
	ns_user "$NS" AES-128-CMAC
	ns_user - AES-128-GMAC
	ns_guest "$NS" y
	ns_guest - n
	stop_proxy
	kill "$ns_pid" 2>/dev/null
	wait "$ns_pid" 2>/dev/null
}

# ------------------------------------------ a server that cannot sign --
# nevents KIND: client events of that kind the monitor printed so far
nevents() { grep -c "^{\"event\":\"$1\",\"direction\":\"client\"" /tmp/monitor.out; }
# more_events KIND N: more than N of them
more_events() { [ "$(nevents "$1")" -gt "$2" ]; }
nstripped() { grep -c '"stripped"' /tmp/proxy-unsigned.out; }
# every connection through the proxy has been closed
conns_closed() {
	[ "$(grep -c '^{"connection"' /tmp/proxy-unsigned.out)" = \
		"$(grep -c '"closed_by"' /tmp/proxy-unsigned.out)" ]
}
# dialect_id VERS: DialectRevision as tamper-proxy.py prints it
dialect_id() {
	case "$1" in
	2.0) echo 0x0202 ;; 2.1) echo 0x0210 ;; 3.0) echo 0x0300 ;;
	3.0.2) echo 0x0302 ;; 3.1.1) echo 0x0311 ;;
	esac
}

# unsigned_mount VERS: mount //127.0.0.1/user through the stripping proxy
# under the deadline; sets um_rc (124: deadline), um_secs, um_err (mount's
# error output) and um_kern (this mount's kernel log); clears $ERR
unsigned_mount() {
	m=/mnt/unsigned
	mkdir -p "$m"
	dmesg -c >/dev/null
	_t=$(now)
	timeout -k 10 "$REFUSE_DEADLINE" mount -t cifs //127.0.0.1/user "$m" \
		-o "port=$TPORT,vers=$1,username=smbtest,password=$PW,cache=none,actimeo=0" \
		2>/tmp/um.err
	um_rc=$?
	um_secs=$(since "$_t")
	um_err=$(grep -v -e '^Refer to' /tmp/um.err | tr '\n' ' ')
	um_kern=$(dmesg | grep -i -e cifs -e smbsign)
	diag "unsigned vers=$1: mount exit $um_rc in $um_secs s: $um_err"
	printf '%s\n' "$um_kern" | tail -n 8 | while IFS= read -r _l; do diag "kernel: $_l"; done
	: >"$ERR"
}

# stripped VERS N0: SecurityMode of the first NEGOTIATE response of VERS
# whose signing bits the proxy cleared after its first N0 such reports
stripped() {
	grep '"stripped"' /tmp/proxy-unsigned.out | tail -n +"$(($2 + 1))" |
		grep "\"dialect\": \"$(dialect_id "$1")\"" | grep '"new_security_mode": 0,' |
		sed -n '1s/.*"security_mode": \([0-9]*\).*/\1/p'
}

# start_unsigned: smbd without signing ("disabled" variant) behind the
# stripping proxy
start_unsigned() {
	stop_smbd
	# shellcheck disable=SC2034 # stop_smbd (guest-test.sh) reads it
	cur_variant=unsigned		# smbd's logs: $OUT/samba-unsigned
	start_smbd disabled || return 1
	start_proxy /tmp/proxy-unsigned.out --listen 127.0.0.1:$TPORT \
		--connect 127.0.0.1:445 --strip-signing
}

refuse_one() {
	_v=$1
	_s0=$(nstripped) _e0=$(nevents unsigned-refused) _r0=$(client_stat refused_unsigned)
	unsigned_mount "$_v"
	# 10. refused with EACCES, in time, for a server without signing
	if [ "$um_rc" = 124 ] || [ "$um_rc" = 137 ]; then
		notok "refuse vers=$_v: mount still running after the ${REFUSE_DEADLINE} s deadline"
	elif [ "$um_rc" = 0 ]; then
		umount "$m" 2>/dev/null || umount -l "$m"
		notok "refuse vers=$_v: mount succeeded against a server that does not sign"
	elif ! printf '%s\n' "$um_err" | grep -q 'mount error(13)'; then
		notok "refuse vers=$_v: mount failed, but not with error(13) EACCES: $um_err"
	elif [ -z "$(stripped "$_v" "$_s0")" ]; then
		cat /tmp/proxy-unsigned.out >>"$ERR"
		notok "refuse vers=$_v: no NEGOTIATE response of $(dialect_id "$_v") with its signing bits cleared"
	else
		ok "refuse vers=$_v: mount refused in $um_secs s ($(printf '%s' "$um_err" | cut -c1-40)); the proxy changed SecurityMode $(stripped "$_v" "$_s0") -> 0"
	fi
	# 11. one kernel line with the reason, the status and the knob
	_lines=$(printf '%s\n' "$um_kern" | grep -c 'smbsign require_client_signing')
	_line=$(printf '%s\n' "$um_kern" | grep -m1 'smbsign require_client_signing' | sed 's/^\[[^]]*\] //')
	_code=$(printf '%s\n' "$_line" | grep -o '(0x[0-9a-f]*,' | tr -d '(,')
	_name=
	[ -n "$_code" ] && _name=$(smbsignctl -j explain "$_code" 2>>"$ERR" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])' 2>>"$ERR")
	if [ "$_lines" = 1 ] && printf '%s\n' "$_line" | grep -q 'session refused: server does not sign' &&
		[ "$_name" = STATUS_INVALID_SIGNATURE ]; then
		ok "refuse vers=$_v: one kernel line: $_line; $_code is $_name (smbsignctl explain)"
	else
		printf '%s\n' "$um_kern" >>"$ERR"
		notok "refuse vers=$_v: $_lines kernel lines naming require_client_signing, want 1 ('$_line', $_code: '$_name')"
	fi
	# 12. the event, the counter, no session or connection left
	wait_until 15 more_events unsigned-refused "$_e0"
	_e1=$(nevents unsigned-refused) _r1=$(client_stat refused_unsigned)
	_left=$(smbsignctl -j sessions 2>>"$ERR")
	_closed=closed
	wait_until 15 conns_closed || _closed="still open"
	if [ "$_e1" = $((_e0 + 1)) ] && [ -n "$_r0" ] && [ "$_r1" = $((_r0 + 1)) ] &&
		[ "$_left" = "[]" ] && [ "$_closed" = closed ]; then
		ok "refuse vers=$_v: event $(grep '"unsigned-refused"' /tmp/monitor.out | tail -n 1); refused_unsigned $_r0 -> $_r1; no smbsign session left, connection closed"
	else
		sed 's/^/monitor: /' /tmp/monitor.out >>"$ERR"
		notok "refuse vers=$_v: unsigned-refused events $_e0 -> $_e1 (want +1), refused_unsigned $_r0 -> $_r1 (want +1), sessions $_left, connection $_closed"
	fi
}

# smbd_says PATTERN: lines of smbd's logs (this smbd's) matching it
smbd_says() { cat /var/log/samba/log.* 2>/dev/null | grep -c "$1"; }

# audit_caught VERS WHY KERNEL SMBD: audit on, the session is audited and
# then the client's downgrade protection (WHY) fails the mount; KERNEL: the
# kernel line that says so, SMBD: the smbd log line ("": none)
audit_caught() {
	_v=$1 _why=$2 _pat=$3 _spat=$4
	_e0=$(nevents unsigned-audited) _b0=$(smbd_says "$_spat")
	unsigned_mount "$_v"
	wait_until 15 more_events unsigned-audited "$_e0"
	_e1=$(nevents unsigned-audited)
	if [ "$um_rc" = 0 ]; then
		_alg=$(session_signing smbtest)
		umount "$m" 2>/dev/null || umount -l "$m"
		notok "audit vers=$_v: mounted through the stripping proxy (smbstatus signing '$_alg'): $_why did not stop it"
	elif [ "$um_rc" = 124 ] || [ "$um_rc" = 137 ]; then
		notok "audit vers=$_v: mount still running after the ${REFUSE_DEADLINE} s deadline"
	elif [ "$_e1" != $((_e0 + 1)) ]; then
		notok "audit vers=$_v: unsigned-audited events $_e0 -> $_e1, want +1"
	elif [ -n "$_pat" ] && ! printf '%s\n' "$um_kern" | grep -q "$_pat"; then
		printf '%s\n' "$um_kern" >>"$ERR"
		notok "audit vers=$_v: mount failed ($um_err), but the kernel did not say '$_pat'"
	elif [ -n "$_spat" ] && [ "$(smbd_says "$_spat")" -le "$_b0" ]; then
		notok "audit vers=$_v: mount failed ($um_err), but smbd did not log '$_spat'"
	else
		_sline=
		[ -n "$_spat" ] && _sline=$(cat /var/log/samba/log.* 2>/dev/null | grep "$_spat" | tail -n 1 | sed 's/^[[:space:]]*//')
		ok "audit vers=$_v: session audited (event), then $_why fails the mount in $um_secs s ($(printf '%s' "$um_err" | cut -c1-40))${_pat:+; kernel: $_pat}${_sline:+; smbd: $_sline}"
	fi
}

refuse_patched() {
	if ! start_monitor || ! start_unsigned; then
		cat /tmp/proxy-unsigned.out >>"$ERR" 2>/dev/null
		notok "unsigned: smbd without signing behind tamper-proxy.py --strip-signing, smbsignctl monitor"
		# shellcheck disable=SC2086
		for _i in $REFUSE_DIALECTS $REFUSE_DIALECTS $REFUSE_DIALECTS 13 14 15 16; do
			skip "unsigned" "no proxy"
		done
		stop_proxy; stop_monitor
		return
	fi
	ok "unsigned: smbd (server signing = disabled) behind tamper-proxy.py --strip-signing on :$TPORT"
	diag "unsigned: policy: $(smbsignctl show client 2>&1 | tr -s ' \n' ' ')"
	for _v in $REFUSE_DIALECTS; do
		refuse_one "$_v"
	done

	smbsignctl set client audit on 2>>"$ERR"
	diag "unsigned: policy: $(smbsignctl show client 2>&1 | tr -s ' \n' ' ')"
	# 13, 14. 2.1 mounts unsigned, audited
	_e0=$(nevents unsigned-audited) _a0=$(client_stat audit_unsigned)
	unsigned_mount 2.1
	if [ "$um_rc" = 0 ]; then
		head -c 4096 /dev/urandom >/tmp/uf
		_alg=$(session_signing smbtest)
		diag "unsigned: $(grep -m1 -o 'Dialect 0x[0-9a-f]*.*' /proc/fs/cifs/DebugData 2>/dev/null); smbstatus: $(smbstatus -b 2>/dev/null | awk '$2 == "smbtest"' | tr -s ' ')"
		if cp /tmp/uf "$m/uf" 2>>"$ERR" && cmp /tmp/uf "$m/uf" >>"$ERR" 2>&1 &&
			rm "$m/uf" && [ "$_alg" = - ]; then
			ok "audit vers=2.1: mounts unsigned (smbstatus '$_alg') in $um_secs s, 4 KiB round trip"
		else
			notok "audit vers=2.1: unsigned mount: smbstatus signing '$_alg' (want -), or the 4 KiB round trip failed"
		fi
		umount "$m" 2>/dev/null || umount -l "$m"
	else
		notok "audit vers=2.1: mount (exit $um_rc in $um_secs s: $um_err)"
	fi
	wait_until 15 more_events unsigned-audited "$_e0"
	_e1=$(nevents unsigned-audited) _a1=$(client_stat audit_unsigned)
	if [ "$_e1" = $((_e0 + 1)) ] && [ -n "$_a0" ] && [ "$_a1" = $((_a0 + 1)) ]; then
		ok "audit vers=2.1: event $(grep '"unsigned-audited"' /tmp/monitor.out | tail -n 1); audit_unsigned $_a0 -> $_a1"
	else
		sed 's/^/monitor: /' /tmp/monitor.out >>"$ERR"
		notok "audit vers=2.1: unsigned-audited events $_e0 -> $_e1, audit_unsigned $_a0 -> $_a1, want +1 each"
	fi
	# 15, 16. 3.x catches the stripped SecurityMode
	audit_caught 3.0 "validate negotiate" "protocol revalidation - security settings mismatch" ""
	audit_caught 3.1.1 "the pre-authentication hash (TREE_CONNECT signed with a key smbd does not have)" \
		"" "Bad SMB2 (sign_algo_id=[0-9]*) signature"
	smbsignctl set client audit off 2>>"$ERR"
	stop_proxy
	stop_monitor
	cp /tmp/proxy-unsigned.out "$OUT/unsigned-proxy-cifs.out"
	cp /tmp/monitor.out "$OUT/unsigned-monitor-cifs.out"
}

refuse_stock() {
	if ! start_unsigned; then
		cat /tmp/proxy-unsigned.out >>"$ERR" 2>/dev/null
		notok "unsigned: smbd (server signing = disabled) behind tamper-proxy.py --strip-signing"
		stop_proxy
		return
	fi
	_what=
	for _v in $REFUSE_DIALECTS; do
		unsigned_mount "$_v"
		if [ "$um_rc" = 0 ]; then
			_what="$_what $_v: mounted, smbstatus signing '$(session_signing smbtest)';"
			umount "$m" 2>/dev/null || umount -l "$m"
		else
			_what="$_what $_v: mount failed (exit $um_rc, $(printf '%s' "$um_err" | cut -c1-30));"
		fi
	done
	stop_proxy
	cp /tmp/proxy-unsigned.out "$OUT/unsigned-proxy-cifs.out"
	skip "unsigned: stock cifs.ko against a server that does not sign" "stock cifs.ko:$_what"
}

tamper_tests() {
	[ "$TAMPER" = 1 ] || return 0
	: >"$ERR"
	if [ "$CIFS_MODE" = smbsign ]; then
		tamper_patched
		netns_test
		refuse_patched
	else
		tamper_stock
		refuse_stock
	fi
}
