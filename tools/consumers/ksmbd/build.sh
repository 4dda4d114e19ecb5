#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Linux SMB server (ksmbd.ko) of a test kernel with the smbsign
# series of tools/consumers/ksmbd/<KVER>/ applied, out of tree, against the
# cached test kernel build of tools/testing/qemu/harness.sh.
#
# usage: tools/consumers/ksmbd/build.sh [KVER]     (default: $KVER, else 6.1)
#
# Prints the path of the built ksmbd.ko as the last line of stdout (progress
# goes to stderr); smbsign.ko built against the same kernel is next to it
# unless SMBSIGN_SYMVERS was given. Environment:
#   KDIR, KSRC       kernel build and source dirs (default: harness.sh kdir/ksrc)
#   SMBSIGN_SYMVERS  Module.symvers of an smbsign build against KDIR
#                    (default: build smbsign.ko from a copy of this tree)
#   SMBSIGN_SRC      tree to build smbsign.ko from (default: this one)
#   STOCK=1          build the kernel's own ksmbd.ko (the baseline) with only
#                    the patches <KVER>/stock-series names (what it needs to
#                    run on the test kernel at all, e.g. listening without
#                    CONFIG_NETDEVICES)
#   SMBSIGN_CACHE    cache directory (default ~/.cache/smbsign)
#   JOBS             make -j (default: nproc)
#   V=1              full build output
#
# The test kernels are built without CONFIG_SMB_SERVER (see README.md):
# ksmbd.ko is built with CONFIG_SMB_SERVER=m on the make line. Everything it
# needs from the kernel (NLS_UTF8, CRYPTO_{MD5,HMAC,ECB,CMAC,SHA256,SHA512,
# CCM,GCM}, LIB_DES, ASN1, OID_REGISTRY, CRC32) is built in.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KVER=${1:-${KVER:-6.1}}
CACHE=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
JOBS=${JOBS:-$(nproc)}
SERIES=$REPO/tools/consumers/ksmbd/$KVER
STOCK=${STOCK:-0}

msg() { printf 'ksmbd build: %s\n' "$*" >&2; }
die() { printf 'ksmbd build: ERROR: %s\n' "$*" >&2; exit 1; }
quiet() {
	if [ "${V:-0}" = 1 ]; then "$@" >&2; return; fi
	local log; log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2; rm -f "$log"; return 1
	fi
	rm -f "$log"
}

[ -d "$SERIES" ] && ls "$SERIES"/*.patch >/dev/null 2>&1 ||
	die "no patch series for kernel $KVER in $SERIES"
PATCHES=("$SERIES"/*.patch)
if [ "$STOCK" = 1 ]; then
	PATCHES=()
	if [ -f "$SERIES/stock-series" ]; then
		while read -r p; do
			[ -n "$p" ] && PATCHES+=("$SERIES/$p")
		done <"$SERIES/stock-series"
	fi
fi

harness() { KVER=$KVER bash "$REPO/tools/testing/qemu/harness.sh" "$1" 2>/dev/null | tail -n 1; }
KSRC=${KSRC:-$(harness ksrc)}
[ -d "$KSRC" ] || die "kernel $KVER source not found (harness.sh ksrc)"
KDIR=${KDIR:-$(harness kdir)}
[ -f "$KDIR/Module.symvers" ] || die "kernel $KVER build not ready: $KDIR"

if [ -d "$KSRC/fs/smb/server" ]; then
	SDIR=fs/smb/server
elif [ -d "$KSRC/fs/ksmbd" ]; then
	SDIR=fs/ksmbd
else
	die "no SMB server source in $KSRC"
fi

mode=smbsign
[ "$STOCK" = 1 ] && mode=stock
OUT=$CACHE/consumers/ksmbd-$mode-$(basename "$KDIR")-$(echo "$REPO" | sha256sum | cut -c1-8)
mkdir -p "$OUT"
exec 8>"$OUT.lock"
flock 8

# 1. smbsign.ko against the same kernel, from a copy of this tree
SYMVERS=
if [ "$STOCK" = 1 ]; then
	:
elif [ -n "${SMBSIGN_SYMVERS:-}" ]; then
	SYMVERS=$SMBSIGN_SYMVERS
else
	msg "building smbsign.ko for $(basename "$KDIR")"
	mkdir -p "$OUT/smbsign"
	rsync -a --delete --exclude-from="$REPO/tools/testing/copy-exclude" \
		"${SMBSIGN_SRC:-$REPO}/" "$OUT/smbsign/"
	quiet make -C "$KDIR" M="$OUT/smbsign" -j"$JOBS" modules ||
		die "smbsign build failed"
	SYMVERS=$OUT/smbsign/Module.symvers
	cp "$OUT/smbsign/smbsign.ko" "$OUT/smbsign.ko"
fi
[ -z "$SYMVERS" ] || grep -qw smbsign_sign "$SYMVERS" ||
	die "smbsign_sign missing from $SYMVERS"

# nothing changed since the last build (series, smbsign's symbols, kernel)
stamp=$( { echo "$KSRC $STOCK"; stat -c %Y "$KDIR/.built" 2>/dev/null;
	   [ ${#PATCHES[@]} = 0 ] || cat "${PATCHES[@]}";
	   [ -z "$SYMVERS" ] || cat "$SYMVERS"; } | sha256sum | cut -c1-16)
if [ -f "$OUT/ksmbd.ko" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
	msg "$mode ksmbd.ko up to date"
	echo "$OUT/ksmbd.ko"
	exit 0
fi
rm -f "$OUT/stamp"

# 2. the server source with the series applied
rm -rf "$OUT/src"
mkdir -p "$OUT/src/$(dirname "$SDIR")"
cp -a "$KSRC/$SDIR" "$OUT/src/$SDIR"
[ -d "$KSRC/fs/smb/common" ] && [ ! -d "$OUT/src/fs/smb/common" ] &&
	cp -a "$KSRC/fs/smb/common" "$OUT/src/fs/smb/common"
# private headers it includes from outside its directory (fs/internal.h on
# 6.1, fs/nls/nls_ucs2_{utils,data}.h from 6.9 on)
for h in fs/internal.h fs/nls/nls_ucs2_utils.h fs/nls/nls_ucs2_data.h; do
	[ -f "$KSRC/$h" ] || continue
	mkdir -p "$OUT/src/$(dirname "$h")"
	cp -a "$KSRC/$h" "$OUT/src/$h"
done
if [ ${#PATCHES[@]} -gt 0 ]; then
	msg "applying ${#PATCHES[@]} patches to $SDIR of $(basename "$KSRC")"
	G=(git -C "$OUT/src" -c user.name=smbsign-build -c user.email=build@localhost
	   -c commit.gpgsign=false)
	"${G[@]}" init -q
	"${G[@]}" add -A
	"${G[@]}" commit -q -m "$(basename "$KSRC") $SDIR"
	"${G[@]}" am -q "${PATCHES[@]}" || {
		"${G[@]}" am --abort || true
		die "the series does not apply to $(basename "$KSRC")"
	}
fi

# 3. ksmbd.ko out of tree
msg "building $mode ksmbd.ko"
args=(CONFIG_SMB_SERVER=m)
[ -n "$SYMVERS" ] && args+=(KBUILD_EXTRA_SYMBOLS="$SYMVERS" KCFLAGS="-I$REPO/include")
quiet make -C "$KDIR" M="$OUT/src/$SDIR" -j"$JOBS" "${args[@]}" modules ||
	die "ksmbd build failed"
KO=$OUT/src/$SDIR/ksmbd.ko
[ -f "$KO" ] || die "no ksmbd.ko built"
deps=$(/sbin/modinfo -F depends "$KO" 2>/dev/null || modinfo -F depends "$KO")
if [ "$STOCK" != 1 ]; then
	case ",$deps," in
	*,smbsign,*) ;;
	*) die "ksmbd.ko does not depend on smbsign (depends: $deps)" ;;
	esac
fi
cp "$KO" "$OUT/ksmbd.ko"
echo "$stamp" >"$OUT/stamp"
msg "$mode ksmbd.ko depends on: ${deps:-(nothing)}"
echo "$OUT/ksmbd.ko"
