# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2086 # word splitting of lists is meant
#
# A bounded smbtorture subset against ksmbd, stock and patched: sourced by
# ksmbd-test.sh (which provides ok, notok, todo, diag, $OUT, $PW, $ERR,
# $SHARE) and run once per mode, right after the smbclient cells, against
# the same ksmbd (server signing = mandatory, share [user], emptied before
# and after).
#
# Every test is one smbtorture process, signing required
# (--option='client signing=required'), under `timeout` (TORTURE_TIMEOUT
# seconds), at smbtorture's default dialect (3.1.1) unless the test is
# written TEST@PROTOCOL (smbtorture -m PROTOCOL). Its result is what
# smbtorture printed (success, failure, error, skip), or timeout.
#
# Expectations: torture.expect (tools/consumers/ksmbd/torture-<KVER>.expect,
# copied into the run directory by ksmbd-run.sh), one line per test that
# does not pass on the stock module:
#
#   TEST  STOCK-RESULT  SMBSIGN-RESULT  why
#
# with SMBSIGN-RESULT "=" for "the same as stock", and STOCK-RESULT "omit"
# for a test not to run on this kernel at all (it takes the module or the
# guest down; reported as skipped with the reason). A test not listed must
# pass in both modes. Per mode and test one TAP line: ok when the result is
# the expected one (a failure the file expects is reported as skipped, with
# the reason); in smbsign mode also smbsign's server counters for the test:
# no verification failure, and for a test that passed something signed and
# verified; and nowhere a bad signature in smbtorture's output. After both
# modes: the side-by-side table (TAP diagnostics and $OUT/torture.md) and
# one test that the patched module did what the stock one did on every
# test, but where the file says otherwise.

TORTURE_TESTS=${TORTURE_TESTS:-"smb2.connect smb2.connect@SMB2_10 smb2.connect@SMB3_00
smb2.tcon
smb2.read.eof smb2.read.position smb2.read.dir smb2.read.access
smb2.read.eof@SMB2_10 smb2.read.position@SMB3_00
smb2.compound.related3 smb2.compound.related4 smb2.compound.related5
smb2.compound.related6 smb2.compound.related7 smb2.compound.related8
smb2.compound.unrelated1 smb2.compound.invalid1 smb2.compound.invalid2
smb2.compound.invalid3 smb2.compound.invalid4
smb2.compound.create-write-close smb2.compound.compound-padding
smb2.compound_find.compound_find_related
smb2.compound_find.compound_find_unrelated
smb2.session.reconnect1 smb2.session.reconnect2
smb2.session.reauth1 smb2.session.reauth2 smb2.session.two_logoff
smb2.session.signing-hmac-sha-256 smb2.session.signing-aes-128-cmac
smb2.session.signing-aes-128-gmac
smb2.getinfo.complex smb2.getinfo.fsinfo smb2.getinfo.qfs_buffercheck
smb2.getinfo.qfile_buffercheck
smb2.dir.find smb2.dir.one smb2.dir.fixed
smb2.setinfo
smb2.credits.session_setup_credits_granted
smb2.credits.single_req_credits_granted"}
# (not smb2.rw.invalid: ksmbd never answers its WRITE at offset -1,
# smb2_write() returns -EINVAL with no response pinned; stock and patched
# alike, stock only fails earlier; smbtorture waits for the time limit)
TORTURE_TIMEOUT=${TORTURE_TIMEOUT:-60}
# (more smbtorture options, e.g. -p PORT for a rehearsal against smbd)
TORTURE_ARGS=${TORTURE_ARGS:-}
TORTURE_EXPECT=${TORTURE_EXPECT:-$RUN/torture.expect}
TDIR=$OUT/torture

torture_list() { printf '%s ' $TORTURE_TESTS; }
torture_count() { set -- $TORTURE_TESTS; echo $#; }

# torture_expect MODE TEST: "RESULT why..." (success when not listed)
torture_expect() {
	[ -f "$TORTURE_EXPECT" ] || { echo success; return; }
	awk -v m="$1" -v t="$2" '
		/^[ \t]*(#|$)/ { next }
		$1 == t {
			r = $2
			if (m != "stock" && $3 != "=") r = $3
			$1 = $2 = $3 = ""
			sub(/^ +/, "")
			print r, $0
			found = 1
			exit
		}
		END { if (!found) print "success" }' "$TORTURE_EXPECT"
}

# smbsign's server counters: "signed verified failures ALG:signed:verified..."
tstats() {
	smbsignctl stats 2>/dev/null | awk '
		/^Server/ { s = 1 } /^Client/ { s = 0 }
		s && /Messages signed/ { sg = $NF }
		s && /Messages verified/ { v = $NF }
		s && /Verification failures/ { f = $NF }
		s && / signed [0-9]+, verified [0-9]+, failures / {
			gsub(",", ""); a = a " " $1 ":" $3 ":" $5
		}
		END { print sg + 0, v + 0, f + 0 a }'
}
# tdelta BEFORE AFTER: "signed verified failures ALG s/v ..." (the
# algorithms whose counts moved)
tdelta() {
	echo "$1 | $2" | awk '{
		n = split($0, h, " [|] ")
		split(h[1], b, " "); split(h[2], a, " ")
		out = (a[1] - b[1]) " " (a[2] - b[2]) " " (a[3] - b[3])
		for (i = 4; i in a; i++) {
			split(a[i], x, ":"); split(b[i], y, ":")
			if (x[2] != y[2] || x[3] != y[3])
				out = out " " x[1] " " (x[2] - y[2]) "/" (x[3] - y[3])
		}
		print out
	}'
}

# torture_result LOG RC: TRESULT (success, failure, error, skip, timeout)
# and TREASON, the first line of smbtorture's reason
torture_result() {
	TREASON=
	case "$2" in
	124|137) TRESULT=timeout TREASON="no result within ${TORTURE_TIMEOUT}s"; return ;;
	esac
	if grep -q '^failure:' "$1"; then TRESULT=failure
	elif grep -q '^error:' "$1"; then TRESULT=error
	elif grep -q '^success:' "$1"; then TRESULT=success; return
	elif grep -q '^skip:' "$1"; then TRESULT=skip
	else TRESULT=error TREASON="smbtorture exit $2, no result"; return
	fi
	# "failure: name [" and the reason on the next line, or
	# "skip: name [reason]"
	TREASON=$(awk -v r="$TRESULT" '
		p && !/^\]/ { print; exit }
		index($0, r ":") == 1 {
			if (match($0, /\[.+/)) {
				s = substr($0, RSTART + 1); sub(/\]$/, "", s)
				if (s != "") { print s; exit }
			}
			p = 1
		}' "$1" | sed -e 's/^.*source4\/torture\///' | tr '|' / | cut -c1-160)
}

# run_torture MODE: every test of TORTURE_TESTS, results in
# $TDIR/results-MODE.txt ("test result seconds signed verified failures
# algorithms | reason")
run_torture() {
	_tm=$1
	mkdir -p "$TDIR"
	_res=$TDIR/results-$_tm.txt
	: >"$_res"
	rm -rf "${SHARE:?}/user/"*
	_tb=$(tstats)
	_a=$_tb
	_tt0=$(date +%s)
	for _t in $TORTURE_TESTS; do
		_name=${_t%@*} _proto=
		[ "$_name" = "$_t" ] || _proto=${_t#*@}
		_log=$TDIR/$_tm-$_t.log
		_exp=$(torture_expect "$_tm" "$_t")
		if [ "${_exp%% *}" = omit ]; then
			echo "$_t omit 0 - - - - | not run: ${_exp#* }" >>"$_res"
			todo "torture $_tm $_t: not run" "${_exp#* }"
			continue
		fi
		_b=$_a
		_t0=$(date +%s)
		# (in /tmp: smbtorture makes its temporary directory in the
		# current one)
		cd /tmp && timeout -k 5 "$TORTURE_TIMEOUT" smbtorture //127.0.0.1/user \
			-s /run/ksmbd/client.conf -U "smbtest%$PW" \
			--use-kerberos=disabled -d 1 \
			--option='client signing=required' ${TORTURE_ARGS:-} \
			${_proto:+-m "$_proto"} "$_name" >"$_log" 2>&1
		_rc=$?
		cd / || :
		_dt=$(( $(date +%s) - _t0 ))
		_a=$(tstats)
		torture_result "$_log" "$_rc"
		_r=$TRESULT
		_d=$(tdelta "$_b" "$_a")
		set -- $_d
		_ds=$1 _dv=$2 _df=$3
		shift 3
		_algs=$*
		_er=${_exp%% *}
		_why=
		[ "$_er" = "$_exp" ] || _why=${_exp#* }
		_sig=$(grep -i -m1 -E 'bad smb2|signature' "$_log")
		[ "$_tm" = smbsign ] || { _ds=- _dv=- _df=- _algs=; }
		echo "$_t $_r $_dt $_ds $_dv $_df ${_algs:--} | $TREASON" >>"$_res"

		_what="torture $_tm $_t: $_r (${_dt}s"
		[ "$_tm" = smbsign ] && _what="$_what; signed $_ds, verified $_dv, failures $_df${_algs:+: $_algs}"
		_what="$_what)"
		_bad=
		[ "$_r" = "$_er" ] || _bad="expected $_er${_why:+ ($_why)}, got $_r${TREASON:+: $TREASON}"
		if [ "$_tm" = smbsign ]; then
			[ -z "$_sig" ] || _bad="${_bad:+$_bad; }smbtorture: $_sig"
			[ "$_df" = 0 ] || _bad="${_bad:+$_bad; }$_df verification failures"
			if [ "$_r" = success ] && { [ "$_ds" = 0 ] || [ "$_dv" = 0 ]; }; then
				_bad="${_bad:+$_bad; }passed without smbsign signing and verifying"
			fi
		fi
		if [ -n "$_bad" ]; then
			echo "$_bad" >>"$ERR"
			grep -E '^(failure|error|skip):' -A 3 "$_log" | head -n 8 >>"$ERR"
			notok "$_what"
		elif [ "$_r" = success ]; then
			ok "$_what"
		else
			todo "$_what" "known: $_why${TREASON:+ [$TREASON]}${_sig:+ [$_sig]}"
		fi
	done
	_d=$(tdelta "$_tb" "$_a")
	# what failing tests left behind (the tests after these want the
	# share empty)
	ls -A "$SHARE/user" >"$TDIR/left-$_tm.txt" 2>&1
	rm -rf "${SHARE:?}/user/"* "${SHARE:?}/user/".[!.]* 2>/dev/null
	diag "torture $_tm: $(torture_count) tests in $(( $(date +%s) - _tt0 ))s"
	if [ "$_tm" = smbsign ]; then
		set -- $_d
		_what="torture smbsign: ksmbd signed $1 and verified $2 messages over $(torture_count) tests, $3 verification failures"
		shift 3
		[ $# = 0 ] || _what="$_what ($*)"
		if [ "$(echo "$_d" | cut -d' ' -f3)" = 0 ]; then ok "$_what"; else notok "$_what"; fi
	fi
}

# torture_table: the side-by-side table (diagnostics and $OUT/torture.md)
# and one test: the patched module did what the stock one did, but where
# torture.expect says otherwise (one awk: forks are slow under TCG)
torture_table() {
	_md=$OUT/torture.md
	{
		echo "smbtorture $(smbtorture --version 2>/dev/null | sed -n '1s/^smbtorture //p'), kernel $(uname -r), ksmbd \`server signing = mandatory\`, smbtorture \`client signing = required\`, ${TORTURE_TIMEOUT} s per test"
		echo
		echo "| test | stock ksmbd | patched ksmbd | patched: signed / verified / failures (per algorithm signed/verified) | note |"
		echo "|---|---|---|---|---|"
	} >"$_md"
	touch "$TORTURE_EXPECT"
	diag "torture side by side, kernel $(uname -r):"
	awk -v tests="$(torture_list)" '
		function reason(l) { return index(l, " | ") ? substr(l, index(l, " | ") + 3) : "" }
		FILENAME == ARGV[1] {
			if ($0 ~ /^[ \t]*(#|$)/) next
			es[$1] = $2; ep[$1] = ($3 == "=") ? $2 : $3
			w = $0; sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]*/, "", w)
			why[$1] = w
			next
		}
		{ line[FILENAME == ARGV[2] ? "s" : "p", $1] = $0 }
		END {
			printf "D %-46s %-8s %-8s %s\n", "test", "stock", "patched", "patched: signed/verified/failures, algorithms"
			n = split(tests, t, " ")
			for (i = 1; i <= n; i++) {
				x = t[i]; ls = line["s", x]; lp = line["p", x]
				split(ls, a, " "); split(lp, b, " ")
				rs = (a[2] == "") ? "-" : a[2]; rp = (b[2] == "") ? "-" : b[2]
				cnt = (b[4] == "") ? "-" : b[4] "/" b[5] "/" b[6]
				alg = ""
				for (k = 7; (k in b) && b[k] != "|"; k++)
					if (b[k] != "-") alg = alg (alg == "" ? "" : " ") b[k]
				if (rs == rp) same++
				else {
					diff++
					xs = (x in es) ? es[x] : "success"
					xp = (x in ep) ? ep[x] : "success"
					if (rs != xs || rp != xp) bad = bad " " x "(stock " rs ", patched " rp ")"
				}
				note = why[x]; ws = reason(ls); wp = reason(lp)
				if (ws != "" && ws == wp) note = note (note == "" ? "" : "; ") "both: " ws
				else {
					if (ws != "") note = note (note == "" ? "" : "; ") "stock: " ws
					if (wp != "") note = note (note == "" ? "" : "; ") "patched: " wp
				}
				printf "D %-46s %-8s %-8s %s %s\n", x, rs, rp, cnt, alg
				printf "M | `%s` | %s | %s | %s%s | %s |\n", x, rs, rp, cnt, (alg == "" ? "" : " (" alg ")"), note
			}
			printf "M \nM %d of %d tests the same, %d different.\n", same, n, diff
			printf "V %d %d %d%s\n", same, n, diff, bad
		}' "$TORTURE_EXPECT" "$TDIR/results-stock.txt" "$TDIR/results-smbsign.txt" >/tmp/torture-table 2>>"$ERR"
	sed -n 's/^D //p' /tmp/torture-table | while IFS= read -r _l; do diag "$_l"; done
	sed -n 's/^M //p' /tmp/torture-table >>"$_md"
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^V //p' /tmp/torture-table)
	if [ $# = 3 ]; then
		ok "torture: patched ksmbd == stock ksmbd on $1 of $2 tests, $3 different as torture.expect says"
	else
		_v="$1 of $2 the same"
		shift 3
		echo "differences torture.expect does not predict: $*" >>"$ERR"
		notok "torture: patched ksmbd differs from stock ksmbd where torture.expect does not say so ($_v)"
	fi
}
