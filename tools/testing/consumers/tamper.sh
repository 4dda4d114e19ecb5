# SPDX-License-Identifier: GPL-2.0
#
# Sourced by guest-test.sh (cifs against smbd): the tamper test and the
# policy of a new network namespace, run against the "base" smbd (signing
# mandatory, Samba's default algorithms) when TAMPER=1. Uses ok, notok,
# skip, diag, wait_until, session_signing, $PW, $IOSIZE, $ERR, $CIFS_MODE
# and $OUT from guest-test.sh.
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

TAMPER=${TAMPER:-1}
TSRC=/tmp/tamper-src
TPORT=4450

tamper_plan() {
	[ "$TAMPER" = 1 ] || { echo 0; return; }
	if [ "$CIFS_MODE" = smbsign ]; then echo 9; else echo 1; fi
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

# flipped FIELD: a field of the proxy's "flipped" line
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

client_failures() {
	smbsignctl -j stats 2>/dev/null | python3 -c '
import json, sys
print(json.load(sys.stdin)["client"]["verify_failures"])' 2>/dev/null
}

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

tamper_tests() {
	[ "$TAMPER" = 1 ] || return 0
	: >"$ERR"
	if [ "$CIFS_MODE" = smbsign ]; then
		tamper_patched
		netns_test
	else
		tamper_stock
	fi
}
