#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the files derived from Documentation/netlink/specs/smbsign.yaml
# with the kernel's own YNL code generator, or check that the committed ones
# are up to date.
#
#   tools/net/ynl-regen.sh           regenerate in place
#   tools/net/ynl-regen.sh --check   regenerate into a temporary directory
#                                    and diff; exit 1 if anything differs
#   tools/net/ynl-regen.sh --find    print the tools/net/ynl directory used
#                                    (extracting it first if needed)
#
# The generator (tools/net/ynl) ships with the kernel sources from 6.2 on but
# not in linux-source-6.1.  It is looked up in this order:
#   $YNL_DIR                             a tools/net/ynl directory
#   $KSRC/tools/net/ynl                  a kernel source tree
#   /usr/src/linux-source-6.12.tar.xz    Debian's linux-source-6.12
#                                        (extracted once into $YNL_CACHE)
# The spec is also validated against its genetlink JSON schema when
# python3-jsonschema is installed (ynl-gen does that itself).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SPEC=Documentation/netlink/specs/smbsign.yaml
YNL_CACHE=${YNL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smbsign/ynl}

# target        mode    kind
FILES="include/uapi/linux/smbsign.h uapi --header
smbsign/netlink-gen.h kernel --header
smbsign/netlink-gen.c kernel --source"

die() { echo "ynl-regen: $*" >&2; exit 2; }

find_ynl() {
	if [ -n "${YNL_DIR:-}" ]; then
		echo "$YNL_DIR"; return
	fi
	if [ -n "${KSRC:-}" ] && [ -f "$KSRC/tools/net/ynl/ynl-gen-c.py" ]; then
		echo "$KSRC/tools/net/ynl"; return
	fi
	if [ -f "$YNL_CACHE/tools/net/ynl/ynl-gen-c.py" ]; then
		echo "$YNL_CACHE/tools/net/ynl"; return
	fi
	# Several users (host and guest tests) may get here at once: one
	# extracts, the others wait for it and find the result.
	mkdir -p "$YNL_CACHE"
	exec 9>"$YNL_CACHE.lock"
	flock 9
	if [ -f "$YNL_CACHE/tools/net/ynl/ynl-gen-c.py" ]; then
		echo "$YNL_CACHE/tools/net/ynl"; return
	fi
	for tar in /usr/src/linux-source-6.12.tar.xz /usr/src/linux-source-*.tar.xz; do
		[ -f "$tar" ] || continue
		top=$(basename "$tar" .tar.xz)
		if tar -C "$YNL_CACHE" -xf "$tar" --strip-components=1 \
		       "$top/tools/net/ynl" "$top/Documentation/netlink" \
		       2>/dev/null; then
			echo "$YNL_CACHE/tools/net/ynl"; return
		fi
	done
	die "tools/net/ynl not found: install linux-source-6.12 or set YNL_DIR"
}

check=
case "${1:-}" in
--check) check=1 ;;
--find) find_ynl; exit 0 ;;
"") ;;
*) echo "usage: $0 [--check|--find]" >&2; exit 2 ;;
esac

YNL=$(find_ynl)
[ -f "$YNL/ynl-gen-c.py" ] || die "no ynl-gen-c.py in $YNL"

OUT=$ROOT
if [ -n "$check" ]; then
	OUT=$(mktemp -d)
fi

# ynl-gen wants a kernel-like tree: the genetlink schema next to specs/ and
# a MAINTAINERS file marking the top (it names the spec relative to that).
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE" ${check:+"$OUT"}' EXIT
mkdir -p "$STAGE/Documentation/netlink/specs"
: > "$STAGE/MAINTAINERS"
cp "$ROOT/$SPEC" "$STAGE/$SPEC"
# The spec's protocol names the schema (genetlink-legacy.yaml here).
schemas=$(dirname "$(dirname "$YNL")")/../Documentation/netlink
[ -f "$schemas/genetlink.yaml" ] || die "genetlink schemas not found in $schemas"
cp "$schemas"/*.yaml "$STAGE/Documentation/netlink/"

cd "$ROOT"
echo "$FILES" | while read -r target mode kind; do
	mkdir -p "$OUT/$(dirname "$target")"
	python3 "$YNL/ynl-gen-c.py" --mode "$mode" "$kind" \
		--spec "$STAGE/$SPEC" -o "$OUT/$target" >/dev/null ||
		die "ynl-gen-c.py failed for $target"
done

if [ -n "$check" ]; then
	rc=0
	for target in $(echo "$FILES" | cut -d' ' -f1); do
		if ! diff -u "$target" "$OUT/$target"; then
			echo "ynl-regen: $target is out of date with $SPEC;" \
			     "run tools/net/ynl-regen.sh" >&2
			rc=1
		fi
	done
	[ $rc -eq 0 ] && echo "ynl-regen: generated files are up to date"
	exit $rc
fi
