#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Linux SMB client (cifs.ko) against Debian's smbd, both in the guest,
# over loopback. Run by guest-init.sh; prints TAP on stdout.
#
# Configuration: $RUN/config (written by run.sh):
#   CIFS_MODE   stock    the test kernel's own cifs.ko
#               smbsign  a cifs.ko that signs through smbsign (smbsign
#                        is loaded first; `smbsignctl stats` is checked)
#   VARIANTS    server variants, in order (base gmac cmac hmac disabled
#               multichannel)
#   DIALECTS    dialects mounted against the base variant
#               (2.0 2.1 3.0 3.0.2 3.1.1); the other variants get 3.1.1,
#               but multichannel
#   MC_DIALECTS dialects mounted against the multichannel variant (3.0
#               3.1.1), with multichannel,max_channels=MC_CHANNELS (3):
#               one more test per mount, that every channel was bound
#               and carried messages
#   SIZES       file sizes in bytes (0 1 4096 1048576 67108864)
#   CAPTURE     "<variant> <vers>[,<variant> <vers>...]": the mounts
#               captured with tcpdump (empty: none); each pcap goes to
#               $RUN/out/capture-<variant>-<vers>.pcap, what smbd reported
#               to capture-<variant>-<vers>.info
#   IOSIZE      wsize= and rsize= of every mount, and dd's block size
#   TAMPER      1: with the base variant, the tamper test (a proxy flips one
#               bit of a signed READ response; stock mode: what the stock
#               client does with it, reported as skipped), in smbsign
#               mode the policy of a new network namespace, then a server
#               that cannot sign (a proxy clears the signing bits of its
#               NEGOTIATE responses; smbd is restarted without signing for
#               it): refused by default, audited with audit on (tamper.sh)
#   DEMO_MOUNT  1: instead of all that, `make demo-mount`: one GMAC-signed
#               3.1.1 mount of the base variant, a file written and read
#               back, and a readable transcript of the mount line,
#               smbstatus, `smbsignctl stats` and `sessions` and the
#               kernel's cifs/smbsign lines in $RUN/out/demo.txt (run.sh
#               prints it); its tests fail unless smbd and smbsign both
#               say AES-128-GMAC
#   BENCH_MOUNT 1: instead of all that, `make bench-mount` (the guest runs
#               under -icount on one vCPU): a BENCH_SIZE file copied to
#               the share and back BENCH_REPEAT times per configuration,
#               timed in guest instructions by bench-copy.py: the stock
#               cifs.ko unsigned and signed (AES-128-CMAC), then, in the
#               same boot, the patched one ($RUN/cifs-smbsign.ko) unsigned,
#               AES-128-GMAC and AES-128-CMAC; then Samba's signing calls
#               alone (GnuTLS); results in $RUN/out/bench-mount.jsonl
#
# Every mount: mount, per size write + read back + compare, list, rename,
# delete, the signing algorithm smbd reports for the session, smbsign's
# counters (smbsign mode), umount. A mount expected to be refused is one
# passing test and the rest of its tests are skipped; a mount that fails
# unexpectedly is one failure and the rest are skipped.
set -u

RUN=/run/smbsign
# shellcheck source=/dev/null # written by run.sh
. "$RUN/config"
OUT=$RUN/out
SRC=/tmp/src
ERR=/tmp/gt.err
PW=Smbs1gn-consumer-test
mkdir -p "$OUT" "$SRC"
export LC_ALL=C

# ok, notok, skip, diag, wait_until, flipped, channels, channel_test
# shellcheck source=guest-lib.sh
. "$RUN/guest-lib.sh"
now() { date +%s.%N | cut -c1-14; }
since() { echo "$(now) $1" | awk '{ printf "%.2f", $1 - $2 }'; }

# shellcheck disable=SC2317 # both called through wait_until
listening() { grep -q '^ *[0-9]*: 0100007F:01BD 00000000:0000 0A' /proc/net/tcp; }
# shellcheck disable=SC2317
not_listening() { ! listening; }

MC_DIALECTS=${MC_DIALECTS-3.0 3.1.1}
MC_CHANNELS=${MC_CHANNELS:-3}
MC_MIN_SEGS=${MC_MIN_SEGS:-8}
# variant_dialects VARIANT: the dialects mounted against it
variant_dialects() {
	case "$1" in
	base) echo "$DIALECTS" ;;
	multichannel) echo "$MC_DIALECTS" ;;
	*) echo 3.1.1 ;;
	esac
}

# captured VARIANT VERS: true if CAPTURE names this mount
captured() {
	case ",$CAPTURE," in *",$1 $2,"*) return 0 ;; esac
	return 1
}

nsizes=$(echo "$SIZES" | wc -w)
per_mount=$((nsizes + 7))
plan=0
for v in $VARIANTS; do
	plan=$((plan + 1))				# smbd starts
	for d in $(variant_dialects "$v"); do
		plan=$((plan + per_mount))
		[ "$v" = multichannel ] && plan=$((plan + 1))	# channels
		captured "$v" "$d" && plan=$((plan + 1))	# the capture
	done
	case "$v" in base|disabled) plan=$((plan + 1)) ;; esac	# guest share
done
# shellcheck source=SCRIPTDIR/tamper.sh
. "$RUN/tamper.sh"
case " $VARIANTS " in *" base "*) plan=$((plan + $(tamper_plan))) ;; esac
DEMO_MOUNT=${DEMO_MOUNT:-0}
[ "$DEMO_MOUNT" = 1 ] && plan=7		# demo_mount's tests only
BENCH_MOUNT=${BENCH_MOUNT:-0}
# bench_mount's tests: 5 configurations of 6 tests, the module switch (2),
# the GnuTLS measurement (1)
[ "$BENCH_MOUNT" = 1 ] && plan=33
echo "TAP version 13"
echo "1..$plan"
diag "cifs mode $CIFS_MODE, kernel $(uname -r), $(smbd --version)"

# ------------------------------------------------------------ modules --
if [ "$CIFS_MODE" = smbsign ]; then
	modprobe smbsign 2>>"$ERR" || diag "modprobe smbsign failed: $(cat "$ERR")"
fi
modprobe cifs 2>>"$ERR" || diag "modprobe cifs failed: $(cat "$ERR")"
: >"$ERR"
diag "cifs.ko: $(modinfo -F filename cifs 2>/dev/null) version $(cat /sys/module/cifs/version 2>/dev/null)"
diag "cifs depends on: $(modinfo -F depends cifs 2>/dev/null)"
have_smbsign=0
[ -d /sys/module/smbsign ] && command -v smbsignctl >/dev/null && have_smbsign=1

# ------------------------------------------------------- source files --
t=$(now)
for s in $SIZES; do
	head -c "$s" /dev/urandom >"$SRC/$s"
done
diag "source files ($SIZES bytes) made in $(since "$t") s"

# ---------------------------------------------------------------- smbd --
smbd_pid=
start_smbd() {
	case "$1" in
	base|multichannel) sign=mandatory; algs= ;;
	gmac)     sign=mandatory; algs="server smb3 signing algorithms = AES-128-GMAC" ;;
	cmac)     sign=mandatory; algs="server smb3 signing algorithms = AES-128-CMAC" ;;
	hmac)     sign=mandatory; algs="server smb3 signing algorithms = HMAC-SHA256" ;;
	disabled) sign=disabled;  algs= ;;
	*) echo "unknown variant $1" >"$ERR"; return 1 ;;
	esac
	ifaces=127.0.0.1 mc=no
	if [ "$1" = multichannel ]; then
		# one interface, RSS-capable: cifs.ko binds every channel to it
		ifaces='"127.0.0.1;capability=RSS,speed=10000000000"' mc=yes
	fi
	sed -e "s/@SIGNING@/$sign/" -e "s/@ALGS@/$algs/" -e "s/@IFACES@/$ifaces/" \
		-e "s/@MULTICHANNEL@/$mc/" "$RUN/smb.conf.in" >/etc/samba/smb.conf
	cp /etc/samba/smb.conf "$OUT/smb.conf.$1"
	if [ ! -f /var/lib/samba/private/passdb.tdb ]; then
		mkdir -p /srv/smb/user /srv/smb/guest
		chown smbtest:smbtest /srv/smb/user
		chmod 0777 /srv/smb/guest
		printf '%s\n%s\n' "$PW" "$PW" | smbpasswd -s -a smbtest >/dev/null 2>>"$ERR" || return 1
	fi
	rm -f /run/samba/smbd.pid
	smbd -D 2>>"$ERR" || return 1
	wait_until 60 listening || { echo "smbd not listening after 60 s" >>"$ERR"; return 1; }
	smbd_pid=$(cat /run/samba/smbd.pid 2>/dev/null)
}

stop_smbd() {
	[ -n "$smbd_pid" ] || return 0
	kill "$smbd_pid" 2>/dev/null
	wait_until 30 not_listening || diag "smbd still listening 30 s after SIGTERM"
	wait_until 30 sh -c "! kill -0 $smbd_pid" || { diag "smbd still running: SIGKILL"; kill -9 "$smbd_pid"; }
	smbd_pid=
	# the next variant's sessions only in the next variant's logs
	mkdir -p "$OUT/samba-$cur_variant"
	mv /var/log/samba/* "$OUT/samba-$cur_variant/" 2>/dev/null
}

# --------------------------------------------------------- expectations --
# expect_mount VARIANT VERS: "y" if this client must be able to mount,
# else why the mount must fail
expect_mount() {
	if [ "$CIFS_MODE" = stock ] && [ "$2" = 3.1.1 ] &&
		{ [ "$1" = gmac ] || [ "$1" = hmac ]; }; then
		# the stock client offers no signing algorithm (no
		# SIGNING_CAPABILITIES, so CMAC), which this server does not allow
		echo "refused by smbd: the stock client cannot sign with $(echo "$1" | tr '[:lower:]' '[:upper:]') at 3.1.1"
	else
		echo y
	fi
}

# expect_alg VARIANT VERS: what smbstatus must report as the session's
# signing (Samba 4.17: HMAC-SHA256, AES-128-CMAC, AES-128-GMAC; - for not
# signed, or partial(ALG) when only the session setup was signed)
#
# `server signing = disabled` does not stop smbd from signing at SMB2 (its
# NEGOTIATE response still says SIGNING_ENABLED): the stock client, which
# signs only when the server requires it, does not sign; the patched one
# (require_client_signing=Y) signs with the server's choice.
expect_alg() {
	if [ "$1" = disabled ] && [ "$CIFS_MODE" = stock ]; then echo -; return; fi
	case "$2" in
	2.0|2.1) echo HMAC-SHA256; return ;;
	3.0|3.0.2) echo AES-128-CMAC; return ;;
	esac
	if [ "$CIFS_MODE" = stock ]; then
		# the stock client sends no SMB2_SIGNING_CAPABILITIES
		# (enable_negotiate_signing=N): 3.1.1 falls back to CMAC
		echo AES-128-CMAC
		return
	fi
	case "$1" in
	base|gmac|disabled|multichannel) echo AES-128-GMAC ;;
	cmac) echo AES-128-CMAC ;;
	hmac) echo HMAC-SHA256 ;;
	esac
}

# smbstatus' Signing column of the (one) session of user $1
session_signing() {
	smbstatus -b 2>/dev/null | awk -v u="$1" '$2 == u { print $NF; exit }'
}

smbsign_signed() {
	smbsignctl -j stats 2>/dev/null | sed -n 's/^{"client":{"signed":\([0-9]*\).*/\1/p'
}

# ---------------------------------------------------------- mount tests --
mount_tests() {
	variant=$1 vers=$2
	name="$variant vers=$vers"
	m=/mnt/$variant-$vers
	mkdir -p "$m"
	opts="vers=$vers,username=smbtest,password=$PW,cache=none,wsize=$IOSIZE,rsize=$IOSIZE,actimeo=0"
	[ "$variant" = multichannel ] && opts="$opts,multichannel,max_channels=$MC_CHANNELS"
	want=$(expect_mount "$variant" "$vers")
	signed0=
	[ $have_smbsign = 1 ] && signed0=$(smbsign_signed)
	dmesg -c >/dev/null
	capturing=0
	if captured "$variant" "$vers"; then
		tcpdump -i lo -n -s 0 --immediate-mode -B 65536 -w /tmp/capture.pcap \
			'tcp port 445' 2>/tmp/tcpdump.err &
		tcpdump_pid=$!
		capturing=1
		wait_until 30 grep -q 'listening on' /tmp/tcpdump.err ||
			diag "tcpdump did not say it is listening within 30 s"
	fi
	t=$(now)
	if mount -t cifs //127.0.0.1/user "$m" -o "$opts" 2>>"$ERR"; then
		mounted=1
		diag "$name: mounted in $(since "$t") s; DebugData: $(grep -m1 -o 'Dialect 0x[0-9a-f]*.*' /proc/fs/cifs/DebugData 2>/dev/null)"
		# 7.x binds the extra channels after the mount returns
		if [ "$variant" = multichannel ]; then
			wait_until 60 enough_channels ||
				diag "$name: $(channels) channels 60 s after the mount"
			diag "$name: $(channels) channels after $(since "$t") s"
		fi
	else
		mounted=0
		dmesg | tail -n 6 >>"$ERR"
	fi
	rest=$((per_mount - 1))
	[ "$variant" = multichannel ] && rest=$((rest + 1))
	if [ $mounted = 0 ] && [ "$want" != y ]; then
		diag "$name: mount failed: $(grep -v -e '^Refer to' -e 'Attempting to mount' "$ERR" | tr '\n' ' ')"
		: >"$ERR"
		ok "$name: mount fails as it must ($want)"
		while [ $rest -gt 0 ]; do skip "$name: (not mounted)" "refused as expected"; rest=$((rest - 1)); done
		stop_capture
		return
	fi
	if [ $mounted = 0 ]; then
		notok "$name: mount"
		while [ $rest -gt 0 ]; do skip "$name: (not mounted)" "mount failed"; rest=$((rest - 1)); done
		stop_capture
		return
	fi
	if [ "$want" != y ]; then
		notok "$name: mount succeeded but must fail ($want)"
	else
		ok "$name: mount"
	fi

	for s in $SIZES; do
		rm -f /tmp/back
		t=$(now)
		if ! dd if="$SRC/$s" of="$m/f$s" bs="$IOSIZE" status=none 2>>"$ERR"; then
			notok "$name: write $s B"
			continue
		fi
		tw=$(since "$t")
		t=$(now)
		if ! dd if="$m/f$s" of=/tmp/back bs="$IOSIZE" status=none 2>>"$ERR"; then
			notok "$name: read back $s B"
			continue
		fi
		tr_=$(since "$t")
		if cmp "$SRC/$s" /tmp/back >>"$ERR" 2>&1; then
			ok "$name: write, read back, compare $s B (write $tw s, read $tr_ s)"
		else
			notok "$name: $s B read back differs from what was written"
		fi
	done
	rm -f /tmp/back

	bad=
	for s in $SIZES; do
		got=$(stat -c %s "$m/f$s" 2>>"$ERR")
		[ "$got" = "$s" ] || bad="$bad f$s=$got"
		# shellcheck disable=SC2010 # the directory listing is what is tested
		ls "$m" | grep -qx "f$s" || bad="$bad f$s-not-listed"
	done
	# shellcheck disable=SC2012 # names without newlines, counted
	if [ -z "$bad" ]; then ok "$name: list ($(ls "$m" | wc -l) files, sizes right)"
	else echo "listing: $bad" >>"$ERR"; notok "$name: list"; fi

	bad=
	for s in $SIZES; do
		mv "$m/f$s" "$m/r$s" 2>>"$ERR" || bad="$bad mv-f$s"
		[ -e "$m/f$s" ] && bad="$bad f$s-still-there"
		[ -e "$m/r$s" ] || bad="$bad r$s-missing"
	done
	# one file read again under its new name
	s=4096
	case " $SIZES " in *" 4096 "*) ;; *) s=${SIZES##* } ;; esac
	[ -z "$bad" ] && ! cmp "$SRC/$s" "$m/r$s" >>"$ERR" 2>&1 && bad="$bad r$s-content"
	if [ -z "$bad" ]; then ok "$name: rename"
	else echo "rename: $bad" >>"$ERR"; notok "$name: rename"; fi

	bad=
	for s in $SIZES; do
		rm "$m/r$s" 2>>"$ERR" || bad="$bad rm-r$s"
	done
	# shellcheck disable=SC2012 # names without newlines, counted
	left=$(ls -A "$m" | wc -l)
	[ "$left" = 0 ] || bad="$bad $left-left"
	# shellcheck disable=SC2012
	[ -z "$(ls -A /srv/smb/user)" ] || bad="$bad server-side:$(ls -A /srv/smb/user | tr '\n' ' ')"
	if [ -z "$bad" ]; then ok "$name: delete"
	else echo "delete: $bad" >>"$ERR"; notok "$name: delete"; fi

	[ "$variant" = multichannel ] && channel_test "$name"

	walg=$(expect_alg "$variant" "$vers")
	galg=$(session_signing smbtest)
	diag "$name: smbstatus: $(smbstatus -b 2>/dev/null | awk '$2 == "smbtest"' | tr -s ' ' | head -n 1)"
	# "-" wants a session that is not signed throughout: smbstatus says "-",
	# or "partial(ALG)" when only the session setup was (3.1.1 signs the
	# final SESSION_SETUP response whatever the settings)
	case "$walg:$galg" in
	"$galg:$galg"|"-:partial("*")") ok "$name: session signing is $galg (smbstatus), want $walg" ;;
	*) notok "$name: session signing is '$galg' (smbstatus), want $walg" ;;
	esac

	if [ $have_smbsign = 1 ]; then
		signed1=$(smbsign_signed)
		diag "$name: smbsignctl stats: $(smbsignctl stats 2>&1 | tr -s ' \n' ' ')"
		if [ "$walg" = - ]; then
			ok "$name: smbsign counters read ($signed0 -> $signed1 signed)"
		elif [ -n "$signed1" ] && [ "${signed1:-0}" -gt "${signed0:-0}" ]; then
			ok "$name: smbsign signed $((signed1 - signed0)) client messages"
		else
			notok "$name: smbsign client signed count did not rise ($signed0 -> $signed1)"
		fi
	else
		skip "$name: smbsign counters" "smbsign not loaded (cifs mode $CIFS_MODE)"
	fi

	if umount "$m" 2>>"$ERR"; then ok "$name: umount"
	else notok "$name: umount"; umount -l "$m" 2>/dev/null; fi
	dmesg -c | grep -i -e cifs -e smb | sed 's/^/# kernel: /' | tr -d '#' | sed 's/^/# /' | head -n 10
	stop_capture
}

stop_capture() {
	[ "$capturing" = 1 ] || return 0
	capturing=0
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid"
	got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' /tmp/tcpdump.err)
	drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' /tmp/tcpdump.err)
	t=$(now)
	_cap=$OUT/capture-$variant-$vers
	cp /tmp/capture.pcap "$_cap.pcap" 2>>"$ERR"
	rm -f /tmp/capture.pcap
	if [ "$(expect_mount "$variant" "$vers")" = y ]; then
		echo "$variant $vers $(expect_alg "$variant" "$vers")" >"$_cap.info"
	else
		echo "$variant $vers refused" >"$_cap.info"
	fi
	diag "capture copied out in $(since "$t") s ($(stat -c %s "$_cap.pcap") bytes)"
	if [ -n "$got" ] && [ "$got" -gt 0 ] && [ "$drop" = 0 ]; then
		ok "capture of $variant $vers: $got packets, none dropped"
	else
		cat /tmp/tcpdump.err >>"$ERR"
		notok "capture of $variant $vers: '$got' packets, '$drop' dropped"
	fi
}

# guest_test VARIANT: mount the guest share as guest (3.1.1)
guest_test() {
	variant=$1
	m=/mnt/guest-$variant
	mkdir -p "$m"
	if [ "$variant" = disabled ] && [ "$CIFS_MODE" = stock ]; then
		want=y		# nothing asks for signing: the guest session works
	else
		want=n		# a signing-mandatory server does not sign guest sessions
	fi
	dmesg -c >/dev/null
	if mount -t cifs //127.0.0.1/guest "$m" -o "vers=3.1.1,guest,cache=none" 2>>"$ERR"; then
		head -c 4096 /dev/urandom >/tmp/g
		if [ "$want" = y ] && cp /tmp/g "$m/g" 2>>"$ERR" && cmp /tmp/g "$m/g" >>"$ERR" 2>&1 &&
			rm "$m/g"; then
			ok "$variant: guest mount works, 4 KiB round trip"
		else
			notok "$variant: guest mount (want: $([ $want = y ] && echo works || echo refused))"
		fi
		umount "$m" 2>/dev/null || umount -l "$m"
	else
		diag "$variant: guest mount: $(tr '\n' ' ' <"$ERR") kernel: $(dmesg | grep -i cifs | tail -n 2 | tr '\n' ' ')"
		if [ "$want" = n ]; then
			: >"$ERR"
			ok "$variant: guest mount refused"
		else
			notok "$variant: guest mount"
		fi
	fi
}

# ---------------------------------------------------- make demo-mount --
DEMO=$OUT/demo.txt
# say TEXT: a line of the transcript
say() { printf '%s\n' "$*" >>"$DEMO"; }
# show CMD...: the command line and its output, indented
show() {
	say "\$ $*"
	"$@" 2>&1 | sed 's/^/    /' >>"$DEMO"
}

demo_mount() {
	m=/mnt/demo
	mkdir -p "$m"
	: >"$DEMO"
	cur_variant=base
	say "smbsign demo-mount: Linux $(uname -r), $(smbd --version), cifs.ko $(modinfo -F filename cifs 2>/dev/null) (depends: $(modinfo -F depends cifs 2>/dev/null))"
	say ""
	t=$(now)
	if start_smbd base; then
		ok "smbd (base) listens on 127.0.0.1:445 (started in $(since "$t") s)"
	else
		notok "smbd (base) starts"
	fi
	for _p in "server signing" "server smb3 signing algorithms"; do
		say "smbd (testparm): $_p = $(testparm -s --parameter-name="$_p" 2>/dev/null)"
	done
	say ""
	signed0=$(smbsign_signed)
	dmesg -c >/tmp/demo-dmesg
	opts="vers=3.1.1,username=smbtest,password=$PW,cache=none"
	say "\$ mount -t cifs //127.0.0.1/user $m -o $(echo "$opts" | sed 's/password=[^,]*/password=********/')"
	t=$(now)
	if ! mount -t cifs //127.0.0.1/user "$m" -o "$opts" 2>>"$ERR"; then
		sed 's/^/    /' "$ERR" >>"$DEMO"
		dmesg | tail -n 6 >>"$ERR"
		notok "mount vers=3.1.1"
		for _i in 3 4 5 6 7; do skip "demo" "not mounted"; done
		dmesg >>/tmp/demo-dmesg
		say "\$ dmesg | grep -i -e cifs -e smbsign:"
		grep -i -e cifs -e smbsign: /tmp/demo-dmesg | sed 's/^/    /' >>"$DEMO"
		stop_smbd
		return
	fi
	ok "mount vers=3.1.1 (in $(since "$t") s)"
	show mount -t cifs

	head -c 1048576 /dev/urandom >/tmp/demo.bin
	say "\$ head -c 1048576 /dev/urandom >/tmp/demo.bin; cp /tmp/demo.bin $m/; sha256sum /tmp/demo.bin $m/demo.bin"
	if cp /tmp/demo.bin "$m/" 2>>"$ERR" && sha256sum /tmp/demo.bin "$m/demo.bin" 2>&1 | sed 's/^/    /' >>"$DEMO" &&
		cmp /tmp/demo.bin "$m/demo.bin" >>"$ERR" 2>&1; then
		ok "1 MiB written and read back (cache=none: from the server), identical"
	else
		notok "1 MiB written and read back"
	fi

	show smbstatus -b
	galg=$(session_signing smbtest)
	if [ "$galg" = AES-128-GMAC ]; then
		ok "smbd: the session signs with $galg (smbstatus)"
	else
		notok "smbd: the session signs with '$galg' (smbstatus), want AES-128-GMAC"
	fi
	show smbsignctl sessions
	salg=$(smbsignctl -j sessions 2>>"$ERR" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin) if x["direction"] == "client"]
print(" ".join("%s/%s/%d" % (x["dialect"], x["algorithm"], x["signed"]) for x in s))' 2>>"$ERR")
	case "$salg" in
	*" "*) notok "smbsign: more than one client session: $salg" ;;
	0x311/AES-GMAC/[1-9]*) ok "smbsign: one client session, dialect 0x311, AES-GMAC ($salg)" ;;
	*) notok "smbsign: client sessions '$salg', want one 0x311/AES-GMAC that has signed" ;;
	esac
	show smbsignctl stats
	signed1=$(smbsign_signed)
	if [ -n "$signed1" ] && [ "$signed1" -gt "${signed0:-0}" ]; then
		ok "smbsign signed $((signed1 - ${signed0:-0})) client messages"
	else
		notok "smbsign client signed count did not rise ($signed0 -> $signed1)"
	fi
	rm -f "$m/demo.bin"
	if umount "$m" 2>>"$ERR"; then ok "umount"
	else notok "umount"; umount -l "$m" 2>/dev/null; fi
	dmesg >>/tmp/demo-dmesg
	say "\$ dmesg | grep -i -e cifs -e smbsign:"
	grep -i -e cifs -e smbsign: /tmp/demo-dmesg | sed 's/^/    /' >>"$DEMO"
	stop_smbd
}

# --------------------------------------------------- make bench-mount --
BENCH_OUT=$OUT/bench-mount.jsonl

# bench_config NAME CLIENT VARIANT WANT: start smbd (VARIANT), mount
# vers=3.1.1 with cache=none and wsize=rsize=IOSIZE, check that the session
# signs as WANT says (an algorithm as smbstatus names it, or "-": not
# signed), copy with bench-copy.py, check smbsign's counters; 6 tests
bench_config() {
	_name=$1 _client=$2 _variant=$3 _want=$4
	m=/mnt/bench
	mkdir -p "$m"
	cur_variant=bench-$_name
	: >"$ERR"
	t=$(now)
	if start_smbd "$_variant"; then
		ok "$_name: smbd ($_variant) listens (started in $(since "$t") s)"
	else
		notok "$_name: smbd ($_variant) starts"
	fi
	opts="vers=3.1.1,username=smbtest,password=$PW,cache=none,wsize=$IOSIZE,rsize=$IOSIZE,actimeo=0"
	if ! mount -t cifs //127.0.0.1/user "$m" -o "$opts" 2>>"$ERR"; then
		dmesg | tail -n 6 >>"$ERR"
		notok "$_name: mount vers=3.1.1"
		for _i in 3 4 5 6; do skip "$_name" "not mounted"; done
		stop_smbd
		return
	fi
	_mline=$(mount -t cifs | grep " $m ")
	diag "$_name: $_mline"
	case "$_mline" in
	*"rsize=$IOSIZE,wsize=$IOSIZE,"*) ok "$_name: mounted, rsize=wsize=$IOSIZE" ;;
	*) notok "$_name: mounted, but not with rsize=wsize=$IOSIZE: $_mline" ;;
	esac
	galg=$(session_signing smbtest)
	diag "$_name: smbstatus: $(smbstatus -b 2>/dev/null | awk '$2 == "smbtest"' | tr -s ' ' | head -n 1)"
	# "-": not signed, as smbstatus says it or as partial(ALG) (3.1.1
	# signs the final SESSION_SETUP response whatever the settings)
	case "$_want:$galg" in
	"$galg:$galg"|"-:partial("*")") ok "$_name: session signing is $galg (smbstatus), want $_want" ;;
	*) notok "$_name: session signing is '$galg' (smbstatus), want $_want" ;;
	esac
	signed0=
	[ -d /sys/module/smbsign ] && signed0=$(smbsign_signed)
	if python3 -B "$RUN/bench-copy.py" copy --src "$SRC/bench" --dir "$m" \
		--config "$_name" --client "$_client" --alg "$_want" --signing "$galg" \
		--mount "$_mline" --repeat "$BENCH_REPEAT" --bs "$IOSIZE" \
		--warmup "$BENCH_WARMUP" --out "$BENCH_OUT" 2>>"$ERR"; then
		ok "$_name: $BENCH_REPEAT copies of $BENCH_SIZE B to the share and back, identical"
	else
		notok "$_name: copies to the share and back"
	fi
	if [ ! -d /sys/module/smbsign ]; then
		skip "$_name: smbsign counters" "stock cifs.ko"
	else
		signed1=$(smbsign_signed)
		diag "$_name: smbsignctl stats: $(smbsignctl stats 2>&1 | tr -s ' \n' ' ')"
		if [ "$_want" = - ] && [ "$signed1" = "$signed0" ]; then
			ok "$_name: smbsign signed no client message ($signed0 -> $signed1)"
		elif [ "$_want" != - ] && [ -n "$signed1" ] && [ "${signed1:-0}" -gt "${signed0:-0}" ]; then
			ok "$_name: smbsign signed $((signed1 - signed0)) client messages"
		else
			notok "$_name: smbsign client signed count $signed0 -> $signed1 (want: $([ "$_want" = - ] && echo unchanged || echo risen))"
		fi
	fi
	if umount "$m" 2>>"$ERR"; then ok "$_name: umount"
	else notok "$_name: umount"; umount -l "$m" 2>/dev/null; fi
	stop_smbd
}

# bench_switch: the stock cifs.ko out, the patched one ($RUN/cifs-smbsign.ko)
# and smbsign in; 2 tests
bench_switch() {
	_end=$(( $(date +%s) + 120 ))
	while ! rmmod cifs 2>>"$ERR"; do
		[ "$(date +%s)" -lt "$_end" ] || break
		sleep 1
	done
	if [ -d /sys/module/cifs ]; then
		notok "rmmod cifs (stock)"
	else
		: >"$ERR"
		ok "rmmod cifs (stock)"
	fi
	for _d in $(modinfo -F depends "$RUN/cifs-smbsign.ko" 2>/dev/null | tr ',' ' '); do
		modprobe "$_d" 2>>"$ERR" || diag "modprobe $_d failed"
	done
	if insmod "$RUN/cifs-smbsign.ko" 2>>"$ERR" && [ -e /sys/module/smbsign/holders/cifs ]; then
		ok "insmod the patched cifs.ko (depends: $(modinfo -F depends "$RUN/cifs-smbsign.ko"))"
	else
		notok "insmod the patched cifs.ko"
	fi
	diag "smbsign: $(smbsignctl show 2>&1 | tr -s ' \n' ' ')"
}

bench_mount() {
	python3 -B "$RUN/bench-copy.py" info --out "$BENCH_OUT" --size "$BENCH_SIZE" \
		--repeat "$BENCH_REPEAT" --iosize "$IOSIZE" 2>>"$ERR" || diag "bench-copy.py info failed"
	t=$(now)
	head -c "$BENCH_SIZE" /dev/urandom >"$SRC/bench"
	diag "source file ($BENCH_SIZE bytes) made in $(since "$t") s"
	bench_config stock-unsigned stock disabled -
	bench_config stock-cmac stock base AES-128-CMAC
	bench_switch
	smbsignctl set client require off 2>>"$ERR" || diag "smbsignctl set client require off failed"
	bench_config smbsign-unsigned smbsign disabled -
	smbsignctl set client require on 2>>"$ERR" || diag "smbsignctl set client require on failed"
	bench_config smbsign-gmac smbsign base AES-128-GMAC
	smbsignctl set client algorithms cmac 2>>"$ERR" || diag "smbsignctl set client algorithms cmac failed"
	bench_config smbsign-cmac smbsign base AES-128-CMAC
	smbsignctl set client algorithms gmac,cmac,hmac-sha256 2>>"$ERR"
	if python3 -B "$RUN/bench-copy.py" gnutls --out "$BENCH_OUT" 2>>"$ERR"; then
		ok "Samba's signing calls alone (GnuTLS AES-128-CMAC, AES-128-GMAC), known answers first"
	else
		notok "Samba's signing calls alone (GnuTLS)"
	fi
}

if [ "$BENCH_MOUNT" = 1 ]; then
	bench_mount
	diag "$n tests, $nfail failed"
	[ "$n" = "$plan" ] || diag "plan was $plan"
	exit 0
fi

if [ "$DEMO_MOUNT" = 1 ]; then
	demo_mount
	diag "$n tests, $nfail failed"
	[ "$n" = "$plan" ] || diag "plan was $plan"
	exit 0
fi

capturing=0
cur_variant=
for v in $VARIANTS; do
	cur_variant=$v
	: >"$ERR"
	t=$(now)
	if start_smbd "$v"; then
		ok "smbd ($v) listens on 127.0.0.1:445 (started in $(since "$t") s)"
		: >"$ERR"
	else
		notok "smbd ($v) starts"
	fi
	for vers in $(variant_dialects "$v"); do
		mount_tests "$v" "$vers"
	done
	case "$v" in base|disabled) guest_test "$v" ;; esac
	[ "$v" = base ] && tamper_tests
	stop_smbd
done

diag "$n tests, $nfail failed"
[ "$n" = "$plan" ] || diag "plan was $plan"
exit 0
