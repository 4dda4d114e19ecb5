# shellcheck shell=bash
# The kernel's own YNL CLI (tools/net/ynl/cli.py from linux-source-6.12, as
# found by tools/net/ynl-regen.sh) against the live smbsign family in the
# guest.  The guest has no Python: gt_build stages the host's python3.11,
# a trimmed standard library and python3-yaml under .ynl-guest/ in the
# module copy; gt_files installs them (harness.sh adds the ELF libraries).
# Skipped (the test reports a build failure) when python3.11 or the 6.12
# ynl tree is not on the host.  See tools/testing/ynl/guest-test.sh.
YNL_GUEST_STAGE=.ynl-guest

gt_build() {
	local ynl st=$YNL_GUEST_STAGE py=/usr/lib/python3.11
	local cache=${YNL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smbsign/ynl}

	ynl=${YNL_DIR:-$cache/tools/net/ynl}
	[ -f "$ynl/cli.py" ] || { echo "no $ynl/cli.py (run make check once with host tests)"; return 1; }
	[ -x /usr/bin/python3.11 ] && [ -d /usr/lib/python3/dist-packages/yaml ] ||
		{ echo "needs python3.11 and python3-yaml on the host"; return 1; }
	rm -rf "$st"
	mkdir -p "$st/usr/bin" "$st/usr/lib/python3.11" \
		"$st/usr/lib/python3/dist-packages" "$st/usr/lib/smbsign-ynl/lib" \
		"$st/usr/share/smbsign"
	cp /usr/bin/python3.11 "$st/usr/bin/"
	# the standard library without tests, IDLE, Tk, bytecode caches and
	# the extension modules that pull big libraries (OpenSSL, sqlite, ...)
	tar -C "$py" -chf - --exclude=./test --exclude=./idlelib \
		--exclude=./tkinter --exclude=./ensurepip --exclude=./lib2to3 \
		--exclude=./pydoc_data --exclude='./config-*' \
		--exclude=__pycache__ --exclude=./site-packages \
		--exclude=./dist-packages --exclude=./sitecustomize.py \
		--exclude='*/tests' --exclude='./turtledemo' \
		--exclude='./lib-dynload/_test*' --exclude='./lib-dynload/xx*' \
		--exclude='./lib-dynload/_ctypes_test*' \
		--exclude='./lib-dynload/_ssl*' --exclude='./lib-dynload/_hashlib*' \
		--exclude='./lib-dynload/_sqlite3*' --exclude='./lib-dynload/_dbm*' \
		--exclude='./lib-dynload/_curses*' --exclude='./lib-dynload/readline*' \
		. | tar -C "$st/usr/lib/python3.11" -xf - || return 1
	tar -C /usr/lib/python3/dist-packages -chf - --exclude=__pycache__ \
		yaml _yaml | tar -C "$st/usr/lib/python3/dist-packages" -xf - || return 1
	cp "$ynl/cli.py" "$st/usr/lib/smbsign-ynl/"
	cp "$ynl"/lib/*.py "$st/usr/lib/smbsign-ynl/lib/"
	cp Documentation/netlink/specs/smbsign.yaml "$st/usr/share/smbsign/"
	du -sh "$st"
}
gt_files() {
	echo "tools/testing/ynl/guest-test.sh /usr/libexec/smbsign/ynl-test.sh"
	echo "tools/smbsignctl/smbsignctl /usr/sbin/smbsignctl"
	(cd "$YNL_GUEST_STAGE" && find . -type f) | sed "s|^\./\(.*\)|$YNL_GUEST_STAGE/\1 /\1|"
}
# shellcheck disable=SC2034  # read by harness.sh
GT_RUN="SMBSIGNCTL=/usr/sbin/smbsignctl sh /usr/libexec/smbsign/ynl-test.sh"
