# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The body of tools/consumers/cifs/build.sh and tools/consumers/ksmbd/build.sh
# (their comments say what each builds and which environment it reads),
# sourced by both. They call, in this order:
#
#   consumer_init NAME KO [KVER]  REPO, KVER, CACHE, JOBS, SERIES (the
#                       series tools/consumers/NAME/KVER), PATCHES (its
#                       *.patch), KSRC, KDIR (harness.sh ksrc and kdir
#                       unless given); KO is the module (cifs.ko), LABEL
#                       what the messages call it (KO unless set after)
#   consumer_subdir NEW OLD WHAT  SUBDIR: the module's source dir in KSRC,
#                       NEW, else OLD (fs/cifs before fs/smb/client)
#   consumer_out DIR    OUT=$SMBSIGN_CACHE/consumers/DIR-<kernel build>-<hash
#                       of this tree's path>, locked until the script ends
#   consumer_smbsign SRC  SYMVERS: $SMBSIGN_SYMVERS, else the Module.symvers
#                       of smbsign.ko built from a copy of SRC in OUT/smbsign
#                       (the .ko copied to OUT/smbsign.ko). Not called for a
#                       build without smbsign: SYMVERS stays empty
#   consumer_reuse FORCE  prints OUT/KO and exits when it was built from the
#                       same inputs (unless FORCE is 1): the kernel build
#                       (.built's time, .config, Module.symvers), KSRC and
#                       SUBDIR, PATCHES, the build script and this file, and
#                       with smbsign its Module.symvers and include/
#   consumer_tree [FILE...]  OUT/src: SUBDIR, fs/smb/common and the FILEs
#                       (paths in KSRC, those that exist there) copied from
#                       KSRC into a fresh git tree, PATCHES `git am`ed on it
#   consumer_build MAKEVAR...  make -C KDIR M=OUT/src/SUBDIR MAKEVAR...
#                       modules, with smbsign's symbols (KBUILD_EXTRA_SYMBOLS)
#                       and include/ when SYMVERS is set, and then KO must
#                       depend on smbsign; prints OUT/KO as the last line
#
# Progress goes to stderr, prefixed "NAME build:"; V=1 shows make's output.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# what a build is made by: the build script, this file
SELF=("${BASH_SOURCE[1]}" "${BASH_SOURCE[0]}")

msg() { printf '%s build: %s\n' "$NAME" "$*" >&2; }
die() { printf '%s build: ERROR: %s\n' "$NAME" "$*" >&2; exit 1; }
quiet() {
	if [ "${V:-0}" = 1 ]; then "$@" >&2; return; fi
	local log; log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2; rm -f "$log"; return 1
	fi
	rm -f "$log"
}
harness() { KVER=$KVER bash "$REPO/tools/testing/qemu/harness.sh" "$1" 2>/dev/null | tail -n 1; }

consumer_init() {
	NAME=$1 KO=$2 LABEL=$2
	KVER=${3:-${KVER:-6.1}}
	CACHE=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
	JOBS=${JOBS:-$(nproc)}
	SERIES=$REPO/tools/consumers/$NAME/$KVER
	SYMVERS=
	PATCHES=("$SERIES"/*.patch)
	[ -f "${PATCHES[0]}" ] || die "no patch series for kernel $KVER in $SERIES"
	KSRC=${KSRC:-$(harness ksrc)}
	[ -d "$KSRC" ] || die "kernel $KVER source not found (harness.sh ksrc)"
	KDIR=${KDIR:-$(harness kdir)}
	[ -f "$KDIR/Module.symvers" ] || die "kernel $KVER build not ready: $KDIR"
}

consumer_subdir() {
	if [ -d "$KSRC/$1" ]; then
		SUBDIR=$1
	elif [ -d "$KSRC/$2" ]; then
		SUBDIR=$2
	else
		die "no $3 source in $KSRC"
	fi
}

consumer_out() {
	OUT=$CACHE/consumers/$1-$(basename "$KDIR")-$(echo "$REPO" | sha256sum | cut -c1-8)
	mkdir -p "$OUT"
	exec 8>"$OUT.lock"
	flock 8
}

# 1. smbsign.ko against the same kernel
consumer_smbsign() {
	if [ -n "${SMBSIGN_SYMVERS:-}" ]; then
		SYMVERS=$SMBSIGN_SYMVERS
	else
		msg "building smbsign.ko for $(basename "$KDIR")"
		mkdir -p "$OUT/smbsign"
		rsync -a --delete --exclude-from="$REPO/tools/testing/copy-exclude" \
			"$1/" "$OUT/smbsign/"
		quiet make -C "$KDIR" M="$OUT/smbsign" -j"$JOBS" modules ||
			die "smbsign build failed"
		SYMVERS=$OUT/smbsign/Module.symvers
		cp "$OUT/smbsign/smbsign.ko" "$OUT/smbsign.ko"
	fi
	grep -qw smbsign_sign "$SYMVERS" || die "smbsign_sign missing from $SYMVERS"
}

# the last build, if what it was built from has not changed
consumer_reuse() {
	STAMP=$( { echo "$KSRC $SUBDIR"; stat -c %Y "$KDIR/.built" 2>/dev/null || true
		cat "$KDIR/.config" "$KDIR/Module.symvers" "${PATCHES[@]}" "${SELF[@]}"
		if [ -n "$SYMVERS" ]; then
			cat "$SYMVERS"; find "$REPO/include" -type f | sort | xargs cat
		fi; } | sha256sum | cut -c1-16)
	if [ "$1" != 1 ] && [ -f "$OUT/$KO" ] &&
		[ "$(cat "$OUT/$KO.stamp" 2>/dev/null)" = "$STAMP" ]; then
		msg "$LABEL up to date (inputs $STAMP): $OUT/$KO"
		echo "$OUT/$KO"
		exit 0
	fi
	rm -f "$OUT/$KO.stamp"
}

# 2. the module's source with the series applied
consumer_tree() {
	local f G
	rm -rf "$OUT/src"
	mkdir -p "$OUT/src/$(dirname "$SUBDIR")"
	cp -a "$KSRC/$SUBDIR" "$OUT/src/$SUBDIR"
	if [ -d "$KSRC/fs/smb/common" ] && [ ! -d "$OUT/src/fs/smb/common" ]; then
		cp -a "$KSRC/fs/smb/common" "$OUT/src/fs/smb/common"
	fi
	for f in "$@"; do
		[ -f "$KSRC/$f" ] || continue
		mkdir -p "$OUT/src/$(dirname "$f")"
		cp -a "$KSRC/$f" "$OUT/src/$f"
	done
	[ ${#PATCHES[@]} -gt 0 ] || return 0
	msg "applying ${#PATCHES[@]} patches to $SUBDIR of $(basename "$KSRC")"
	G=(git -C "$OUT/src" -c user.name=smbsign-build -c user.email=build@localhost
	   -c commit.gpgsign=false)
	"${G[@]}" init -q
	"${G[@]}" add -A
	"${G[@]}" commit -q -m "$(basename "$KSRC") $SUBDIR"
	"${G[@]}" am -q "${PATCHES[@]}" || {
		"${G[@]}" am --abort || true
		die "the series does not apply to $(basename "$KSRC")"
	}
}

# 3. the module out of tree
consumer_build() {
	local ko deps args=("$@")
	msg "building $LABEL"
	[ -z "$SYMVERS" ] || args+=(KBUILD_EXTRA_SYMBOLS="$SYMVERS" KCFLAGS="-I$REPO/include")
	quiet make -C "$KDIR" M="$OUT/src/$SUBDIR" -j"$JOBS" "${args[@]}" modules ||
		die "$NAME build failed"
	ko=$OUT/src/$SUBDIR/$KO
	[ -f "$ko" ] || die "no $KO built"
	deps=$(/sbin/modinfo -F depends "$ko" 2>/dev/null || modinfo -F depends "$ko")
	if [ -n "$SYMVERS" ]; then
		case ",$deps," in
		*,smbsign,*) ;;
		*) die "$KO does not depend on smbsign (depends: $deps)" ;;
		esac
	fi
	cp "$ko" "$OUT/$KO"
	echo "$STAMP" >"$OUT/$KO.stamp"
	msg "$LABEL depends on: ${deps:-(nothing)}"
	echo "$OUT/$KO"
}
