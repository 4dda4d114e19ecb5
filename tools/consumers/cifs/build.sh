#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Linux SMB client (cifs.ko) of a test kernel with the smbsign
# series of tools/consumers/cifs/<KVER>/ applied, out of tree, against the
# cached test kernel build of tools/testing/qemu/harness.sh.
#
# usage: tools/consumers/cifs/build.sh [KVER]     (default: $KVER, else 6.1)
#
# Prints the path of the built cifs.ko as the last line of stdout (progress
# goes to stderr); smbsign.ko built against the same kernel is next to it
# unless SMBSIGN_SYMVERS was given. Environment:
#   KDIR, KSRC       kernel build and source dirs (default: harness.sh kdir/ksrc)
#   SMBSIGN_SYMVERS  Module.symvers of an smbsign build against KDIR
#                    (default: build smbsign.ko from a copy of this tree)
#   SMBSIGN_CACHE    cache directory (default ~/.cache/smbsign)
#   JOBS             make -j (default: nproc)
#   V=1              full build output
#   CIFS_REBUILD=1   build even when the last build's inputs are unchanged
#
# Steps: build smbsign.ko from a copy of this tree (its Module.symvers gives
# cifs.ko the smbsign symbols, KBUILD_EXTRA_SYMBOLS); copy the kernel's
# fs/smb/client and fs/smb/common into a fresh git tree, `git am` the series;
# make -C $KDIR M=<copy>/fs/smb/client CONFIG_CIFS=m modules; check that the
# result depends on smbsign. Steps 2 and 3 are skipped, and the last
# cifs.ko printed again, when what it was built from is unchanged: the
# series, this script, include/, smbsign's Module.symvers, and the kernel's
# source dir, .config and Module.symvers.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KVER=${1:-${KVER:-6.1}}
CACHE=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
JOBS=${JOBS:-$(nproc)}
SERIES=$REPO/tools/consumers/cifs/$KVER

msg() { printf 'cifs build: %s\n' "$*" >&2; }
die() { printf 'cifs build: ERROR: %s\n' "$*" >&2; exit 1; }
quiet() {
	if [ "${V:-0}" = 1 ]; then "$@" >&2; return; fi
	local log; log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2; rm -f "$log"; return 1
	fi
	rm -f "$log"
}

PATCHES=("$SERIES"/*.patch)
[ -f "${PATCHES[0]}" ] || die "no patch series for kernel $KVER in $SERIES"

harness() { KVER=$KVER bash "$REPO/tools/testing/qemu/harness.sh" "$1" 2>/dev/null | tail -n 1; }
KSRC=${KSRC:-$(harness ksrc)}
[ -d "$KSRC" ] || die "kernel $KVER source not found (harness.sh ksrc)"
KDIR=${KDIR:-$(harness kdir)}
[ -f "$KDIR/Module.symvers" ] || die "kernel $KVER build not ready: $KDIR"

if [ -d "$KSRC/fs/smb/client" ]; then
	CDIR=fs/smb/client
elif [ -d "$KSRC/fs/cifs" ]; then
	CDIR=fs/cifs
else
	die "no SMB client source in $KSRC"
fi

OUT=$CACHE/consumers/cifs-$(basename "$KDIR")-$(echo "$REPO" | sha256sum | cut -c1-8)
mkdir -p "$OUT"
exec 8>"$OUT.lock"
flock 8

# 1. smbsign.ko against the same kernel, from a copy of this tree
if [ -n "${SMBSIGN_SYMVERS:-}" ]; then
	SYMVERS=$SMBSIGN_SYMVERS
else
	msg "building smbsign.ko for $(basename "$KDIR")"
	mkdir -p "$OUT/smbsign"
	rsync -a --delete --exclude-from="$REPO/tools/testing/copy-exclude" \
		"$REPO/" "$OUT/smbsign/"
	quiet make -C "$KDIR" M="$OUT/smbsign" -j"$JOBS" modules ||
		die "smbsign build failed"
	SYMVERS=$OUT/smbsign/Module.symvers
	cp "$OUT/smbsign/smbsign.ko" "$OUT/smbsign.ko"
fi
grep -qw smbsign_sign "$SYMVERS" || die "smbsign_sign missing from $SYMVERS"

# the last build, if what it was built from has not changed
STAMP=$( { echo "$KSRC $CDIR"; cat "$KDIR/.config" "$KDIR/Module.symvers" "$SYMVERS" \
	"${PATCHES[@]}" "${BASH_SOURCE[0]}"; find "$REPO/include" -type f | sort | xargs cat; } |
	sha256sum | cut -c1-16)
if [ "${CIFS_REBUILD:-0}" != 1 ] && [ -f "$OUT/cifs.ko" ] &&
	[ "$(cat "$OUT/cifs.ko.stamp" 2>/dev/null)" = "$STAMP" ]; then
	msg "cifs.ko up to date (inputs $STAMP): $OUT/cifs.ko"
	echo "$OUT/cifs.ko"
	exit 0
fi
rm -f "$OUT/cifs.ko.stamp"

# 2. the client source with the series applied
msg "applying ${#PATCHES[@]} patches to $CDIR of $(basename "$KSRC")"
rm -rf "$OUT/src"
mkdir -p "$OUT/src/$(dirname "$CDIR")"
cp -a "$KSRC/$CDIR" "$OUT/src/$CDIR"
[ -d "$KSRC/fs/smb/common" ] && [ ! -d "$OUT/src/fs/smb/common" ] &&
	cp -a "$KSRC/fs/smb/common" "$OUT/src/fs/smb/common"
# 6.5+: cifs_unicode.h includes ../../nls/nls_ucs2_utils.h (and its data)
if [ -f "$KSRC/fs/nls/nls_ucs2_utils.h" ]; then
	mkdir -p "$OUT/src/fs/nls"
	cp "$KSRC"/fs/nls/nls_ucs2_*.h "$OUT/src/fs/nls/"
fi
G=(git -C "$OUT/src" -c user.name=smbsign-build -c user.email=build@localhost
   -c commit.gpgsign=false)
"${G[@]}" init -q
"${G[@]}" add -A
"${G[@]}" commit -q -m "$(basename "$KSRC") $CDIR"
"${G[@]}" am -q "${PATCHES[@]}" || {
	"${G[@]}" am --abort || true
	die "the series does not apply to $(basename "$KSRC")"
}

# 3. cifs.ko out of tree
msg "building cifs.ko"
quiet make -C "$KDIR" M="$OUT/src/$CDIR" -j"$JOBS" \
	CONFIG_CIFS=m KBUILD_EXTRA_SYMBOLS="$SYMVERS" \
	KCFLAGS="-I$REPO/include" modules || die "cifs build failed"
KO=$OUT/src/$CDIR/cifs.ko
[ -f "$KO" ] || die "no cifs.ko built"
deps=$(/sbin/modinfo -F depends "$KO" 2>/dev/null || modinfo -F depends "$KO")
case ",$deps," in
*,smbsign,*) ;;
*) die "cifs.ko does not depend on smbsign (depends: $deps)" ;;
esac
cp "$KO" "$OUT/cifs.ko"
echo "$STAMP" >"$OUT/cifs.ko.stamp"
msg "cifs.ko depends on: $deps"
echo "$OUT/cifs.ko"
