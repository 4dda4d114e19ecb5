# shellcheck shell=bash
# The kernel's own YNL CLI (tools/net/ynl/cli.py from linux-source-6.12, as
# found by tools/net/ynl-regen.sh) against the live smbsign family in the
# guest.  The guest has no Python: gt_build stages the host's python3.11,
# its standard library (trimmed: no tests, IDLE, Tk, ensurepip, lib2to3,
# pydoc_data, config-*, nor packages cli.py does not use) and the pure-Python
# part of python3-yaml as precompiled .pyc in /usr/lib/python311.zip (on the
# default sys.path; few files, so the initramfs stays small and quick to
# build), plus lib-dynload without the modules that pull OpenSSL, sqlite,
# curses, readline.  harness.sh adds the ELF libraries.  Needs python3.11,
# python3-yaml and the 6.12 ynl tree on the host, else the test does not
# build.  The checks: tools/testing/ynl/guest-test.sh.
YNL_GUEST_STAGE=.ynl-guest

gt_build() {
	local ynl st=$YNL_GUEST_STAGE py=/usr/lib/python3.11 so
	local cache=${YNL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smbsign/ynl}

	# extracted from linux-source-6.12 on first use (the host ynl test may
	# be doing the same right now: ynl-regen.sh serialises that)
	ynl=${YNL_DIR:-$(YNL_CACHE=$cache sh tools/net/ynl-regen.sh --find)} || return 1
	[ -f "$ynl/cli.py" ] || { echo "no $ynl/cli.py (tools/net/ynl-regen.sh --find extracts it)"; return 1; }
	if [ ! -x /usr/bin/python3.11 ] || [ ! -d /usr/lib/python3/dist-packages/yaml ]; then
		echo "needs python3.11 and python3-yaml on the host"; return 1
	fi
	rm -rf "$st"
	mkdir -p "$st/usr/bin" "$st/usr/lib/python3.11/lib-dynload" \
		"$st/usr/lib/smbsign-ynl/lib" "$st/usr/share/smbsign"
	cp /usr/bin/python3.11 "$st/usr/bin/"
	for so in "$py"/lib-dynload/*.so; do
		case ${so##*/} in
		_test* | xx* | _ctypes_test* | _ssl* | _hashlib* | _sqlite3* | \
		_dbm* | _curses* | readline* | _tkinter* | nis* | ossaudiodev*) ;;
		*) cp "$so" "$st/usr/lib/python3.11/lib-dynload/" ;;
		esac
	done
	/usr/bin/python3.11 - "$py" /usr/lib/python3/dist-packages \
		"$st/usr/lib/python311.zip" <<'PY' || return 1
import os, py_compile, sys, zipfile
std, dist, out = sys.argv[1:]
skip = {'test', 'idlelib', 'tkinter', 'ensurepip', 'lib2to3', 'pydoc_data',
        'site-packages', 'dist-packages', 'lib-dynload', 'turtledemo',
        'distutils', 'asyncio', 'unittest', 'email', 'xml', 'multiprocessing',
        'sqlite3', 'curses', 'dbm', 'http', 'xmlrpc', 'wsgiref', 'venv',
        'ctypes', 'concurrent', 'html', 'tomllib', 'zoneinfo'}
tmp = out + '.pyc'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for base, only in ((std, None), (dist, 'yaml')):
        for root, dirs, files in os.walk(base):
            rel = os.path.relpath(root, base)
            parts = rel.split(os.sep)
            if (only and parts[0] != only and rel != '.') or parts[0] in skip \
               or parts[0].startswith('config-') or 'tests' in parts \
               or '__pycache__' in parts:
                dirs[:] = []
                continue
            if only and rel == '.':
                continue
            for f in sorted(files):
                if not f.endswith('.py') or f == 'sitecustomize.py':
                    continue
                py_compile.compile(
                    os.path.join(root, f), cfile=tmp, doraise=True,
                    dfile=os.path.join(root, f),
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                z.write(tmp, os.path.normpath(os.path.join(rel, f[:-3] + '.pyc')))
os.unlink(tmp)
PY
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
