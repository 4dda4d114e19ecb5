#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# smbsign test loop: build a cached test kernel, build the out-of-tree
# modules against it, boot them in QEMU (TCG) and report KUnit results.
#
# Usage: harness.sh <command>      (normally through the top-level Makefile)
#   deps      install missing Debian packages (deps.txt + kernel sources)
#   kernel    build (or reuse) the cached test kernel for $KVER
#   modules   build the modules against it (from a private copy of the tree)
#   check     gates (style, sparse) + boot + KUnit + summary
#   demo      boot in demo mode and show what the module does
#   bench     boot tools/testing/bench/*.ko (single under -icount, smp), report
#   style     checkpatch.pl --strict on our sources
#   sparse    sparse (C=2) + W=1 on our sources
#   kdir      print the cached kernel build dir (builds it if needed)
#   ksrc      print the extracted kernel source dir (extracts it if needed)
#   kcached   print "yes" if the kernel of $KVER/$VARIANT is built and cached,
#             else "no" (builds nothing)
#
# Environment:
#   KVER=6.1|6.12|7.2|7.3|all|every kernel(s) to use (table: kernels.conf;
#                           all: the rows not marked "extra"; every: all rows)
#   VARIANT=base|bench      config variant (bench adds config/bench.config)
#   SMBSIGN_CACHE=dir       cache (default ~/.cache/smbsign)
#   SMBSIGN_SRC=dir         module tree to test (default: this repo)
#   SMBSIGN_GUEST_TESTS=dir guest userspace tests (default: guest-tests/)
#   GATES="style sparse perf"  gates run by `check` (empty: none); perf boots
#                           the kunit/*_perf_kunit.ko suites under -icount
#   HOST_TESTS="a b"        host tests (host-tests/*.sh) run by `check`
#                           (default: all; empty: none)
#   QEMU_TIMEOUT=secs       guest time limit (default 900)
#   GT_SCALE=n              multiply each guest test's GT_TIMEOUT (default 1;
#                           debug: 5, its kernel runs the tests that much slower)
#   FIPS_BOOT=0|1           check: boot each kernel a second time with
#                           fips=1 and run every suite there (default 1)
#   PREBUILD=0|1            check with several kernels: build the next
#                           kernel in the background while the guests of
#                           the one before run (default 1)
#   BENCH_MODES="single smp" bench runs (single: -icount counts; smp: 2 CPUs)
#   BENCH_MAX_SIZE=bytes    bench: largest message size (default 8 MiB)
#   BENCH_TIMEOUT=secs      bench: guest time limit per run (default 1800)
#   CHECKPATCH_IGNORE=A,B   extra checkpatch types to ignore
#   V=1                     verbose (show full build logs)

set -euo pipefail

QEMU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$QEMU_DIR/../../.." && pwd)
SRC=$(cd "${SMBSIGN_SRC:-$REPO}" && pwd)
CACHE=${SMBSIGN_CACHE:-$HOME/.cache/smbsign}
KVER=${KVER:-6.1}
VARIANT=${VARIANT:-base}
GATES=${GATES-style sparse perf}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
# each guest test's limit in the guest is its GT_TIMEOUT times this: the
# debug kernel (KASAN, lockdep, SLUB_DEBUG under TCG) runs the same tests
# several times slower
if [ "$VARIANT" = debug ]; then GT_SCALE=${GT_SCALE:-5}; else GT_SCALE=${GT_SCALE:-1}; fi
JOBS=${JOBS:-$(nproc)}
V=${V:-0}

T0=${SMBSIGN_T0:-$(date +%s)}
export SMBSIGN_T0=$T0
msg()  { printf '[%4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
warn() { printf '[%4ss] WARNING: %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die()  { printf '[%4ss] ERROR: %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Run a long command with its output in a log file; print a progress line
# every 20 s; on failure show the log's tail and fail.
run_logged() {
	local log=$1 what=$2; shift 2
	if [ "$V" = 1 ]; then
		"$@" 2>&1 | tee "$log"
		return "${PIPESTATUS[0]}"
	fi
	"$@" >"$log" 2>&1 &
	local pid=$! n=0 rc=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
		if [ $((n % 20)) = 0 ]; then
			msg "  $what: $(grep -cE '^  (CC|AS|LD|AR)' "$log" || true) steps, last: $(tail -n1 "$log" | sed -e "s,$CACHE/[^ ]*/,," -e 's/  */ /g' | cut -c1-60)"
		fi
	done
	wait "$pid" || rc=$?
	if [ "$rc" != 0 ]; then
		echo "----- last 60 lines of $log -----" >&2
		tail -n 60 "$log" >&2
		echo "-----" >&2
		die "$what failed (rc=$rc), full log: $log"
	fi
}

# ---------------------------------------------------------------- table --
# kver_list [all|every]: the rows' KVERs; "all" (the default) leaves out the
# rows marked "extra" in their fifth column, "every" lists them too
kver_list() {
	awk -v every="$([ "${1:-all}" = every ] && echo 1)" \
		'!/^#/ && NF >= 3 && (every || $5 != "extra") { print $1 }' "$QEMU_DIR/kernels.conf"
}

# sets PKG, APTSRC for $1
kver_lookup() {
	local row
	row=$(awk -v k="$1" '!/^#/ && $1 == k { print $2, $3, $4; exit }' "$QEMU_DIR/kernels.conf")
	[ -n "$row" ] || die "unknown KVER '$1' (known: $(kver_list every | tr '\n' ' ')); see tools/testing/qemu/kernels.conf"
	read -r PKG APTSRC MINVER <<<"$row"
}

# the package version must be at least the row's pinned one (newer is fine)
kver_check_min() {
	[ -n "${MINVER:-}" ] || return 0
	dpkg --compare-versions "$PKGVER" ge "$MINVER" ||
		die "$PKG $PKGVER is older than $MINVER, the oldest this suite is pinned to (kernels.conf); upgrade it (apt-get install --only-upgrade $PKG)"
}

# ------------------------------------------------------------------ deps --
pkg_installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q 'ok installed'; }

# Another Debian suite ($1: sid, trixie-backports, ...), without touching
# the system's apt configuration: a private sources list (derived from the
# machine's deb.debian.org or mirror entry), private package lists, and
# `apt-get download` + dpkg-deb instead of an install (such a package must
# not drag another release's libc & co. into the system).
# Sets SIDAPT (apt options).
sid_apt() {
	local suite=${1:-sid} d uri=""
	d=$CACHE/apt
	[ "$suite" = sid ] || d=$CACHE/apt-$suite
	mkdir -p "$d/lists/partial" "$d/archives/partial"
	uri=$(grep -rhoE '^[[:space:]]*(URIs:|deb)[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^ ]+/debian/?([[:space:]]|$)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
		grep -oE 'https?://[^ ]+/debian/?' | head -n1 || true)
	uri=${uri:-http://deb.debian.org/debian}
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${uri%/} $suite main" >"$d/sid.list"
	SIDAPT=(-o "Dir::Etc::SourceList=$d/sid.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache::Archives=$d/archives"
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		msg "apt-get update ($suite, private lists in $d)"
		apt-get "${SIDAPT[@]}" update -qq
	fi
}

apt_install() {
	msg "apt-get update"
	as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		-y --no-install-recommends install "$@"
}

cmd_deps() {
	local want=() missing=() p
	mapfile -t want < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$REPO/tools/testing/deps.txt" | grep -v '^$')
	for p in "${want[@]}"; do pkg_installed "$p" || missing+=("$p"); done
	if [ ${#missing[@]} -gt 0 ]; then
		msg "installing missing packages: ${missing[*]}"
		apt_install "${missing[@]}"
	fi
	local k kvers
	case $KVER in all | every) kvers=$(kver_list "$KVER") ;; *) kvers=$KVER ;; esac
	for k in $kvers; do
		kver_lookup "$k"
		# sid kernels are downloaded (not installed) by kernel_source
		if [ "$APTSRC" = default ] && ! pkg_installed "$PKG"; then
			msg "installing $PKG"
			apt_install "$PKG" || warn "$PKG cannot be installed: KVER=$k will be skipped"
		fi
	done
}

# The version apt would take of package $1 (extra apt options after it),
# or nothing / "(none)".
apt_candidate() {
	local pkg=$1; shift
	apt-cache "$@" policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: *//p'
}

# Whether $KVER's source package can be had: already extracted in the
# cache, installed, or offered by its apt source. Prints why not.
kver_available() {
	kver_lookup "$KVER"
	ls -d "$CACHE/src/$PKG"-*/.extracted >/dev/null 2>&1 && return 0
	local cand
	if [ "$APTSRC" = default ]; then
		pkg_installed "$PKG" && return 0
		cand=$(apt_candidate "$PKG")
	else
		sid_apt "$APTSRC" >&2
		cand=$(apt_candidate "$PKG" "${SIDAPT[@]}")
	fi
	[ -n "$cand" ] && [ "$cand" != "(none)" ] && return 0
	echo "$PKG is not in Debian's $APTSRC archive any more (kernels.conf row $KVER)"
	return 1
}

# ---------------------------------------------------------------- kernel --
# sets KSRC (extracted tree), PKGVER
kernel_source() {
	kver_lookup "$KVER"
	local deb="" tarball=""
	case "$APTSRC" in
	default)
		pkg_installed "$PKG" || KVER=$KVER cmd_deps
		PKGVER=$(dpkg-query -W -f='${Version}' "$PKG")
		tarball=$(dpkg -L "$PKG" | grep -E '^/usr/src/linux-source-.*\.tar\.(xz|bz2|gz)$' | head -n1)
		[ -f "$tarball" ] || die "$PKG: no source tarball found in the package"
		;;
	*)
		sid_apt "$APTSRC"
		PKGVER=$(apt_candidate "$PKG" "${SIDAPT[@]}")
		[ -n "$PKGVER" ] && [ "$PKGVER" != "(none)" ] || die "$PKG not found in Debian $APTSRC"
		;;
	esac
	kver_check_min
	local dir=$CACHE/src/$PKG-${PKGVER//[:~]/_}
	KSRC=$dir/$PKG
	[ -f "$dir/.extracted" ] && return 0
	mkdir -p "$CACHE/src"
	exec 8>"$CACHE/src/.lock-$PKG"
	flock 8
	if [ ! -f "$dir/.extracted" ]; then
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		if [ "$APTSRC" != default ]; then
			local arch=$CACHE/apt/archives
			[ "$APTSRC" = sid ] || arch=$CACHE/apt-$APTSRC/archives
			msg "downloading $PKG $PKGVER from $APTSRC"
			(cd "$arch" && apt-get "${SIDAPT[@]}" download "$PKG=$PKGVER" -qq)
			deb=$(ls -1t "$arch/${PKG}_"*.deb | head -n1)
			msg "extracting $(basename "$deb") into the cache"
			dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards "./usr/src/$PKG.tar.*" | tar -xJ -C "$dir.tmp"
			rm -f "$deb"
		else
			msg "extracting $tarball ($PKGVER) into the cache"
			tar -xf "$tarball" -C "$dir.tmp"
		fi
		[ -d "$dir.tmp/$PKG" ] || die "unexpected tarball layout: no $PKG/ at the top"
		mv "$dir.tmp" "$dir"
		touch "$dir/.extracted"
		# older extractions of the same package are dead weight
		find "$CACHE/src" -maxdepth 1 -name "$PKG-*" ! -name "$(basename "$dir")" -exec rm -rf {} + || true
	fi
	flock -u 8
}

config_fragments() {
	FRAGS=("$QEMU_DIR/config/base.config")
	[ -f "$QEMU_DIR/config/$KVER.config" ] && FRAGS+=("$QEMU_DIR/config/$KVER.config")
	if [ "$VARIANT" != base ]; then
		[ -f "$QEMU_DIR/config/$VARIANT.config" ] || die "no config/$VARIANT.config for VARIANT=$VARIANT"
		FRAGS+=("$QEMU_DIR/config/$VARIANT.config")
	fi
}

# Every CONFIG_X=<val> of the fragments (last one wins) must be in .config.
# Symbols this kernel does not define at all are reported, not fatal.
verify_config() {
	local cfg=$1; shift
	local want missing=() absent=() sym val line
	# "# CONFIG_X is not set" in a later fragment overrides an earlier =y
	want=$(cat "$@" | sed -nE -e 's/^(CONFIG_[A-Za-z0-9_]+)=(.*)$/\1 \2/p' \
			-e 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1 n/p' |
		awk '{ v[$1] = $2; if (!($1 in o)) { o[$1] = n++ ; k[n-1] = $1 } }
		     END { for (i = 0; i < n; i++) print k[i], v[k[i]] }')
	while read -r sym val; do
		[ -n "$sym" ] || continue
		if [ "$val" = n ]; then
			# wanted off but selected by something: worth a word only
			grep -qE "^$sym=[ym]$" "$cfg" && warn "$sym is on although a fragment turns it off (selected)"
			continue
		fi
		line="$sym=$val"
		grep -qxF "$line" "$cfg" || missing+=("$sym")
	done <<<"$want"
	[ ${#missing[@]} = 0 ] && return 0
	local known
	known=$(cd "$KSRC" && find . -name 'Kconfig*' -print0 |
		xargs -0 sed -nE 's/^[[:space:]]*(menu)?config[[:space:]]+([A-Za-z0-9_]+).*/CONFIG_\2/p' | sort -u)
	local real=()
	for sym in "${missing[@]}"; do
		if grep -qxF "$sym" <<<"$known"; then real+=("$sym"); else absent+=("$sym"); fi
	done
	[ ${#absent[@]} = 0 ] || warn "config symbols not defined by this kernel (ignored): ${absent[*]}"
	if [ ${#real[@]} != 0 ]; then
		echo "Config symbols requested by ${*##*/} but not set in $cfg" >&2
		echo "(unmet 'depends on', or a choice/default overriding them):" >&2
		for sym in "${real[@]}"; do
			printf '  %-40s wanted %-4s got: %s\n' "$sym" \
				"$(grep -E "^$sym=" <<<"$(cat "$@")" | tail -n1 | cut -d= -f2)" \
				"$(grep -E "^($sym=|# $sym is not set)" "$cfg" || echo '(absent)')" >&2
		done
		return 1
	fi
}

# sets KBUILD: the build directory of $KVER/$VARIANT with the current
# config fragments (a new fragment is a new directory, hence a rebuild)
kernel_build_dir() {
	kernel_source
	config_fragments
	local hash
	hash=$( (cat "${FRAGS[@]}"; echo "$VARIANT") | sha256sum | cut -c1-10)
	KBUILD=$CACHE/build/$KVER-${PKGVER//:/_}-$VARIANT-$hash   # no ":" (epochs) in make paths
}

kernel_is_built() {
	[ -f "$KBUILD/.built" ] && [ -f "$KBUILD/arch/x86/boot/bzImage" ]
}

# sets KBUILD (build dir with bzImage), KREL
cmd_kernel() {
	kernel_build_dir
	if kernel_is_built; then
		KREL=$(cat "$KBUILD/include/config/kernel.release")
		msg "kernel $KREL: cached ($KBUILD)"
		return 0
	fi
	mkdir -p "$KBUILD"
	exec 9>"$KBUILD/.lock"
	if ! flock -n 9; then
		msg "kernel build dir is locked by another build, waiting..."
		flock 9
	fi
	if [ ! -f "$KBUILD/.built" ]; then
		local mk=(make -C "$KSRC" O="$KBUILD" ARCH=x86_64)
		msg "configuring kernel $KVER ($PKG $PKGVER, variant $VARIANT) in $KBUILD"
		run_logged "$KBUILD/config.log" "tinyconfig" "${mk[@]}" tinyconfig
		(cd "$KSRC" && scripts/kconfig/merge_config.sh -m -O "$KBUILD" "$KBUILD/.config" "${FRAGS[@]}") \
			>>"$KBUILD/config.log" 2>&1 || { tail -n 40 "$KBUILD/config.log"; die "merge_config failed"; }
		run_logged "$KBUILD/config.log.2" "olddefconfig" "${mk[@]}" olddefconfig
		verify_config "$KBUILD/.config" "${FRAGS[@]}" ||
			die "kernel config verification failed (fix tools/testing/qemu/config/*.config)"
		msg "building kernel with -j$JOBS (log: $KBUILD/build.log)"
		local t=$(date +%s)
		run_logged "$KBUILD/build.log" "kernel build" "${mk[@]}" -j"$JOBS" bzImage modules
		touch "$KBUILD/.built"
		msg "kernel built in $(( $(date +%s) - t ))s"
	fi
	flock -u 9
	KREL=$(cat "$KBUILD/include/config/kernel.release")
	msg "kernel $KREL ready: $KBUILD/arch/x86/boot/bzImage"
}

# --------------------------------------------------------------- modules --
# Copy the module sources to a private directory (other people build in the
# repo concurrently), keyed by the kernel build. Sets MCOPY. Caller holds no
# lock; we take one for the copy dir ($MCOPY.lock, fd 7) and keep it.
sync_copy() {
	local name=$1
	if [ "$name" = host ]; then
		MCOPY=$CACHE/mod/host       # kernel-independent
	else
		MCOPY=$CACHE/mod/$(basename "$KBUILD")-$name
	fi
	# every tree (clone, worktree, SMBSIGN_SRC) gets its own copy: two
	# trees synced into one copy would mix their build products
	MCOPY=$MCOPY-$(echo "$SRC" | sha256sum | cut -c1-8)
	mkdir -p "$MCOPY"
	exec 7>"$MCOPY.lock"
	if ! flock -n 7; then
		msg "module copy $MCOPY is in use by another run, waiting..."
		flock 7
	fi
	# build products are excluded (tools/testing/copy-exclude): neither
	# copied nor deleted in the copy
	rsync -a --delete --exclude-from="$REPO/tools/testing/copy-exclude" \
		"$SRC/" "$MCOPY/" 2> >(grep -v 'cannot delete non-empty directory' >&2)
}

# modules built by the last make in $MCOPY (paths relative to it)
built_modules() {
	[ -f "$MCOPY/modules.order" ] || return 0
	# 6.1: absolute .ko paths; newer kernels: relative .o paths
	sed -E -e 's/\.o$/.ko/' -e "s,^$MCOPY/,," -e 's,^\./,,' "$MCOPY/modules.order" | while read -r m; do
		if [ -f "$MCOPY/$m" ]; then echo "$m"; fi
	done
	return 0
}

cmd_modules() {
	[ -f "$SRC/Kbuild" ] || die "$SRC has no Kbuild"
	sync_copy build
	msg "building modules from $SRC (copy: $MCOPY)"
	local log=$MCOPY.log rc=0
	make -C "$KBUILD" M="$MCOPY" -j"$JOBS" SMBSIGN_TESTS=1 modules >"$log" 2>&1 || rc=$?
	# compiler diagnostics about our code are always shown
	grep -E 'warning:|error:|undefined!' "$log" | sed "s,$MCOPY/,," || true
	if [ "$rc" != 0 ]; then
		tail -n 40 "$log"
		die "module build failed (rc=$rc), full log: $log"
	fi
	MODULES=$(built_modules)
	[ -n "$MODULES" ] || die "module build produced no .ko files"
	sign_modules
	msg "built: $(echo $MODULES)"
}

# With CONFIG_MODULE_SIG the test kernel trusts its build's own key: sign
# our modules with it, as DKMS does with a machine owner key. In FIPS mode
# an unsigned module that registers a crypto algorithm panics the kernel.
sign_modules() {
	local key=$KBUILD/certs/signing_key.pem hash m
	grep -q '^CONFIG_MODULE_SIG=y' "$KBUILD/.config" && [ -f "$key" ] || return 0
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$KBUILD/.config")
	for m in $MODULES; do
		"$KBUILD/scripts/sign-file" "${hash:-sha512}" "$key" \
			"$KBUILD/certs/signing_key.x509" "$MCOPY/$m" ||
			die "signing $m failed"
	done
}

# ------------------------------------------------------------- initramfs --
# build $1 (initramfs.cpio.gz) from the modules in $MCOPY
make_initramfs() {
	local out=$1 root m dst
	root=$(mktemp -d "$RUNDIR/root.XXXX")
	chmod 755 "$root"   # the initramfs root: unprivileged guest tests run too
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc/smbsign,root}
	# busybox-static's /bin/busybox (the dynamic `busybox` package would
	# conflict with it, so this one is static)
	[ -x /bin/busybox ] || die "busybox-static not installed (make deps)"
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"   # the rest: `busybox --install -s` in /init
	[ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	local mdir=$root/lib/modules/$KREL
	mkdir -p "$mdir/extra"
	local l
	for l in kunit demo bench perf other; do : >"$root/etc/smbsign/$l.list"; done
	for m in $MODULES; do
		case "$m" in
		kunit/*_perf_kunit.ko) dst=extra/kunit; echo "$(basename "$m" .ko)" >>"$root/etc/smbsign/perf.list" ;;
		kunit/*)              dst=extra/kunit; echo "$(basename "$m" .ko)" >>"$root/etc/smbsign/kunit.list" ;;
		tools/testing/demo/*) dst=extra/demo;  echo "$(basename "$m" .ko)" >>"$root/etc/smbsign/demo.list" ;;
		tools/testing/bench/*) dst=extra/bench; echo "$(basename "$m" .ko)" >>"$root/etc/smbsign/bench.list" ;;
		# other helper modules under tools/ (e.g. tools/testing/events/):
		# installed (modprobe by name works), loaded only by whoever needs them
		tools/*)              dst=extra/$(basename "$(dirname "$m")") ;;
		smbsign.ko)           dst=extra ;;
		*)                    dst=extra;       echo "$(basename "$m" .ko)" >>"$root/etc/smbsign/other.list" ;;
		esac
		mkdir -p "$mdir/$dst"
		cp "$MCOPY/$m" "$mdir/$dst/"
	done
	local f
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "$KBUILD/$f" ] && cp "$KBUILD/$f" "$mdir/" || true
	done
	depmod -b "$root" "$KREL" || die "depmod failed"
	add_guest_tests "$root"
	cp "$QEMU_DIR/init" "$root/init"
	chmod 755 "$root/init"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$out")
	rm -rf "$root"
}

# Guest userspace tests (guest-tests/*.sh, see guest-tests/README): build
# each in the module copy, install its files (+ shared libraries) into the
# initramfs root $1, list it in /etc/smbsign/guest-tests.list. A test that
# fails to build is listed in $RUNDIR/guest-tests.failed for the report.
add_guest_tests() {
	local root=$1 f name run meta src dst lib
	: >"$root/etc/smbsign/guest-tests.list"
	: >"$RUNDIR/guest-tests.failed"
	# TAP and kernel-log helpers every guest test sources
	install -D -m 644 "$MCOPY/tools/testing/qemu/guest-lib.sh" \
		"$root/usr/libexec/smbsign/guest-lib.sh"
	for f in "${SMBSIGN_GUEST_TESTS:-$QEMU_DIR/guest-tests}"/*.sh; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .sh)
		if ! (cd "$MCOPY" && . "$f" && gt_build) >"$RUNDIR/gt-$name.build.log" 2>&1; then
			warn "guest test $name: build failed (log: $RUNDIR/gt-$name.build.log)"
			tail -n 20 "$RUNDIR/gt-$name.build.log" >&2
			echo "$name" >>"$RUNDIR/guest-tests.failed"
			continue
		fi
		run=$(. "$f" && echo "$GT_RUN")
		# optional: GT_TIMEOUT (seconds, default 120), GT_STAGE
		# (loaded: while smbsign and the KUnit modules are loaded, the
		# default; unloaded: after /init has unloaded them all)
		meta=$(. "$f" && echo "${GT_TIMEOUT:-120}	${GT_STAGE:-loaded}")
		case "$meta" in
		[0-9]*"	loaded" | [0-9]*"	unloaded") ;;
		*) warn "guest test $name: bad GT_TIMEOUT/GT_STAGE ($meta)"; echo "$name" >>"$RUNDIR/guest-tests.failed"; continue ;;
		esac
		while read -r src dst; do
			[ -n "$src" ] || continue
			[ -f "$MCOPY/$src" ] || { warn "guest test $name: missing $src"; echo "$name" >>"$RUNDIR/guest-tests.failed"; continue 2; }
			install -D -m 755 "$MCOPY/$src" "$root$dst"
			# ELF executables: bring their shared libraries and loader
			if head -c4 "$MCOPY/$src" | grep -q 'ELF'; then
				for lib in $(ldd "$MCOPY/$src" 2>/dev/null | grep -oE '/[^ ]+' || true); do
					[ -e "$root$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
				done
			fi
		done < <(cd "$MCOPY" && . "$f" && gt_files)
		printf '%s\t%s\t%s\n' "$name" "$meta" "$run" >>"$root/etc/smbsign/guest-tests.list"
		msg "guest test $name: built"
	done
}

# Host-side tests (host-tests/*.sh, see host-tests/README), run from their
# own private copy of the tree, in the background while the guest part of
# `check` runs. Results: $RUNDIR/host-<name>.{out,rc,skiprc}.
run_host_tests() {
	local f name rc
	sync_copy host
	for f in "$QEMU_DIR"/host-tests/*.sh; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .sh)
		if [ "${HOST_TESTS:-all}" != all ]; then
			case " $HOST_TESTS " in *" $name "*) ;; *) continue ;; esac
		elif grep -q '^HT_DEFAULT=no' "$f"; then
			# run only when named (make check-install runs these)
			continue
		fi
		local t=$(date +%s)
		rc=0
		(cd "$MCOPY" && . "$f" && ht_run) </dev/null >"$RUNDIR/host-$name.out" 2>&1 || rc=$?
		(. "$f" && echo "${HT_SKIP_RC:-}") >"$RUNDIR/host-$name.skiprc"
		echo "$rc" >"$RUNDIR/host-$name.rc"
		echo "host test $name: rc=$rc ($(( $(date +%s) - t ))s)"
	done
	flock -u 7
	touch "$RUNDIR/host-tests.done"
}

# ------------------------------------------------------------------ qemu --
# boot mode $1; leaves console.log, results.log, qemu.rc in $RUNDIR
# extra kernel command line in $BOOT_APPEND, extra qemu options in $BOOT_QEMU,
# -smp value in $BOOT_SMP (default: 2 CPUs as 2 sockets: SeaBIOS' MP table
# lists one CPU per socket, and the test kernel has no ACPI)
boot_guest() {
	local mode=$1 loglevel=7
	[ "$mode" = check ] || loglevel=5
	local append="console=ttyS0 panic=-1 oops=panic no_timer_check loglevel=$loglevel log_buf_len=8M smbsign_mode=$mode smbsign_gt_scale=$GT_SCALE ${BOOT_APPEND:-}"
	msg "booting $KREL in QEMU (TCG, mode=$mode, timeout ${QEMU_TIMEOUT}s)"
	local rc=0 t
	t=$(date +%s)
	timeout --foreground -k 10 "$QEMU_TIMEOUT" qemu-system-x86_64 \
		-accel tcg -cpu max -m 512M -smp "${BOOT_SMP:-2,sockets=2,cores=1,threads=1}" \
		-nographic -no-reboot -monitor none -nic none \
		-serial "file:$RUNDIR/console.log" -serial "file:$RUNDIR/results.log" \
		-kernel "$KBUILD/arch/x86/boot/bzImage" -initrd "$RUNDIR/initramfs.cpio.gz" \
		${BOOT_QEMU:-} -append "$append" </dev/null >"$RUNDIR/qemu.out" 2>&1 || rc=$?
	echo "$rc" >"$RUNDIR/qemu.rc"
	msg "guest exited (rc=$rc) after $(( $(date +%s) - t ))s; logs: $RUNDIR"
}

new_rundir() {
	mkdir -p "$CACHE/runs"
	RUNDIR=$(mktemp -d "$CACHE/runs/$(date +%Y%m%d-%H%M%S)-$KVER-$1.XXXX")
	# keep the 30 newest runs
	ls -1dt "$CACHE"/runs/*/ 2>/dev/null | tail -n +31 | xargs -r rm -rf
}

# kernel + modules + initramfs into $RUNDIR
prepare_guest() {
	cmd_kernel
	cmd_modules
	make_initramfs "$RUNDIR/initramfs.cpio.gz"
	flock -u 7   # done with the module copy
}

# ----------------------------------------------------------------- gates --
our_sources() {
	local f
	for f in "$SRC"/smbsign/*.c "$SRC"/smbsign/*.h "$SRC"/smbsign/x86/*.h "$SRC"/include/linux/smbsign.h "$SRC"/kunit/*.c; do
		if [ -f "$f" ]; then echo "$f"; fi
	done
	return 0
}

cmd_style() {
	kernel_source
	local files
	files=$(our_sources)
	[ -n "$files" ] || { msg "style: no sources to check"; return 0; }
	msg "checkpatch --strict on $(echo "$files" | wc -l) files"
	# ALLOC_WITH_SIZEOF (7.x checkpatch): kmalloc_obj() and friends do
	# not exist in the older kernels the same sources build for.
	local ignore=ALLOC_WITH_SIZEOF${CHECKPATCH_IGNORE:+,$CHECKPATCH_IGNORE}
	local rc=0
	# shellcheck disable=SC2086
	(cd "$SRC" && "$KSRC/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--summary-file ${ignore:+--ignore "$ignore"} -f $(echo "$files" | sed "s,^$SRC/,,")) || rc=$?
	[ "$rc" = 0 ] && msg "style: clean" || msg "style: checkpatch reported problems"
	return "$rc"
}

cmd_sparse() {
	cmd_kernel
	[ -f "$SRC/Kbuild" ] || die "$SRC has no Kbuild"
	sync_copy sparse
	msg "sparse: make C=2 W=1 modules (copy: $MCOPY)"
	local log=$MCOPY.log rc=0
	make -C "$KBUILD" M="$MCOPY" -j"$JOBS" SMBSIGN_TESTS=1 C=2 W=1 modules >"$log" 2>&1 || rc=$?
	flock -u 7
	# diagnostics pointing at our files (the copy, or relative paths)
	local ours
	ours=$( (grep -E '(warning|error):' "$log" | grep -E "^($MCOPY/)?(smbsign|kunit|include/linux/smbsign|tools/testing)/";
		grep -E '^(WARNING|ERROR): modpost:' "$log") | sed "s,$MCOPY/,," | sort -u || true)
	if [ "$rc" != 0 ]; then
		tail -n 40 "$log"
		msg "sparse: build failed (rc=$rc), log: $log"
		return 1
	fi
	if [ -n "$ours" ]; then
		echo "$ours"
		msg "sparse: $(echo "$ours" | wc -l) warning(s) in our sources (log: $log)"
		return 1
	fi
	msg "sparse: clean"
}

# ----------------------------------------------------------------- check --
# Steps run as separate processes ("$BASH $0 <internal step>") so that each
# keeps `set -e` semantics while the caller collects their exit status.
self() { "$BASH" "$QEMU_DIR/harness.sh" "$@"; }

check_one() {
	local gates_args=() g rc
	msg "===== KVER=$KVER VARIANT=$VARIANT ====="
	# the kernel first: the sparse gate needs it too
	if ! self _kernel; then
		python3 "$QEMU_DIR/report.py" --kver "$KVER" --build-failed
		return 1
	fi
	kernel_source
	new_rundir check
	export RUNDIR
	local hpid=""
	if [ "${HOST_TESTS-all}" != "" ] && ls "$QEMU_DIR"/host-tests/*.sh >/dev/null 2>&1; then
		msg "host tests: started in the background (log: $RUNDIR/host-tests.log)"
		self _host_tests >"$RUNDIR/host-tests.log" 2>&1 &
		hpid=$!
	fi
	local want_perf=0
	for g in $GATES; do
		case "$g" in
		style|sparse) ;;
		perf) want_perf=1; continue ;;   # after the build, same initramfs
		*) die "unknown gate '$g' (GATES='$GATES')" ;;
		esac
		set +e
		self "$g" 2>&1 | sed -u 's/^/  | /'
		rc=${PIPESTATUS[0]}
		set -e
		[ "$rc" = 0 ] && gates_args+=(--gate "$g=pass") || gates_args+=(--gate "$g=fail")
	done
	local prep=1
	self _prepare check || prep=0
	if [ "$prep" = 1 ]; then
		cmd_kernel >/dev/null  # cached: sets KSRC, KBUILD, KREL here
		if [ "$want_perf" = 1 ]; then
			# the perf gate: kunit/*_perf_kunit.ko on 1 CPU under -icount,
			# from the same initramfs
			mkdir -p "$RUNDIR/perf"
			ln -s ../initramfs.cpio.gz "$RUNDIR/perf/initramfs.cpio.gz"
			set +e
			(RUNDIR=$RUNDIR/perf; perf_boot) 2>&1 | sed -u 's/^/  | /'
			rc=${PIPESTATUS[0]}
			set -e
			[ "$rc" = 0 ] && gates_args+=(--gate "perf=pass") || gates_args+=(--gate "perf=fail")
		fi
		boot_guest check
	elif [ "$want_perf" = 1 ]; then
		gates_args+=(--gate "perf=fail")
	fi
	if [ -n "$hpid" ]; then
		msg "waiting for the host tests..."
		wait "$hpid" || warn "host test runner failed (rc=$?)"
		sed 's/^/  | /' "$RUNDIR/host-tests.log"
	fi
	if [ "$prep" = 0 ]; then
		python3 "$QEMU_DIR/report.py" --kver "$KVER" "${gates_args[@]}" --build-failed \
			--rundir "$RUNDIR" --kunit "$KSRC/tools/testing/kunit/kunit.py"
		return 1
	fi
	local rc=0
	python3 "$QEMU_DIR/report.py" --kver "$KVER" "${gates_args[@]}" \
		--variant "$VARIANT" --rundir "$RUNDIR" --kunit "$KSRC/tools/testing/kunit/kunit.py" \
		--qemu-rc "$(cat "$RUNDIR/qemu.rc")" --timeout "$QEMU_TIMEOUT" |
		tee "$RUNDIR/report.txt" || rc=1
	[ "${FIPS_BOOT:-1}" = 1 ] || return "$rc"
	# The same initramfs again with fips=1 (CONFIG_CRYPTO_FIPS=y, as
	# distributions build): smbsign must load and every KUnit suite pass
	# (the userspace tests of the netlink family do not depend on it).
	mkdir -p "$RUNDIR/fips"
	ln -s ../initramfs.cpio.gz "$RUNDIR/fips/initramfs.cpio.gz"
	(RUNDIR=$RUNDIR/fips BOOT_APPEND="fips=1 smbsign_guest_tests=0" boot_guest check)
	python3 "$QEMU_DIR/report.py" --kver "$KVER fips=1" \
		--variant "$VARIANT" --rundir "$RUNDIR/fips" --kunit "$KSRC/tools/testing/kunit/kunit.py" \
		--qemu-rc "$(cat "$RUNDIR/fips/qemu.rc")" --timeout "$QEMU_TIMEOUT" |
		tee "$RUNDIR/fips/report.txt" || rc=1
	local p=0 f=0 t
	for t in "$RUNDIR/report.txt" "$RUNDIR/fips/report.txt"; do
		if [[ $(tail -n1 "$t") =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			p=$((p + BASH_REMATCH[1])); f=$((f + BASH_REMATCH[2]))
		else
			f=$((f + 1))
		fi
	done
	echo "===== $KVER: both boots (fips=0, fips=1) ====="
	echo "$p passed, $f failed"
	[ "$f" = 0 ] || rc=1
	return "$rc"
}

cmd_check() {
	local kvers k rc=0 totals=() out avail=() bpid="" blog=""
	case $KVER in all | every) kvers=$(kver_list "$KVER") ;; *) kvers=$KVER ;; esac
	cmd_deps
	# every source first (private apt lists updated here, not in parallel)
	for k in $kvers; do
		local why
		if ! why=$(KVER=$k self _available 2>/dev/null); then
			echo "===== KVER=$k skipped: ${why:-its source package cannot be had} ====="
			continue
		fi
		avail+=("$k")
	done
	# Several kernels: build them in order in the background, so that one
	# builds while the guests of the one before it run (a build keeps both
	# CPUs busy, a guest mostly one). Each kernel's check waits for its
	# build through the build dir's lock (cmd_kernel) and builds it itself
	# if the background build failed, so errors are reported as before.
	if [ ${#avail[@]} -gt 1 ] && [ "${PREBUILD:-1}" = 1 ]; then
		mkdir -p "$CACHE/runs"
		blog=$(mktemp "$CACHE/runs/prebuild.XXXXXX")
		msg "kernels ${avail[*]}: built one after the other in the background (log: $blog)"
		(for k in "${avail[@]}"; do KVER=$k self _kernel || true; done) >"$blog" 2>&1 &
		bpid=$!
	fi
	for k in "${avail[@]}"; do
		out=$(mktemp)
		set +e
		KVER=$k self _check_one 2>&1 | tee "$out"
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
		# host tests do not depend on the kernel: once is enough
		export HOST_TESTS=""
		set -e
		totals+=("$(tail -n1 "$out")")
		rm -f "$out"
	done
	[ -z "$bpid" ] || wait "$bpid" || true
	if [ "$KVER" = all ] || [ "$KVER" = every ]; then
		local p=0 f=0 t
		echo "===== all kernels: $(echo $kvers) ====="
		for t in "${totals[@]}"; do
			if [[ $t =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
				p=$((p + BASH_REMATCH[1])); f=$((f + BASH_REMATCH[2]))
			else
				f=$((f + 1))
			fi
		done
		echo "$p passed, $f failed"
		[ "$f" = 0 ] || rc=1
	fi
	return "$rc"
}

cmd_demo() {
	case $KVER in all | every) die "demo needs one KVER" ;; esac
	cmd_deps
	new_rundir demo
	prepare_guest
	boot_guest demo
	python3 "$QEMU_DIR/report.py" --kver "$KVER" --demo --rundir "$RUNDIR" \
		--qemu-rc "$(cat "$RUNDIR/qemu.rc")" --timeout "$QEMU_TIMEOUT"
}

# ------------------------------------------------------------------ perf --
# The speed regression guard: kunit/*_perf_kunit.ko compare smbsign with the
# crypto API floor in one boot, in ratios. Ratios of wall-clock time under
# TCG say little (it emulates instructions at very different costs), so
# this boot runs with -icount on one CPU (SMP bring-up hangs under icount)
# and the guest clock counts instructions.
cmd_perf() {
	new_rundir perf
	export RUNDIR
	prepare_guest
	perf_boot
}

# boot the initramfs of $RUNDIR in perf mode and report (needs KSRC, KBUILD)
perf_boot() {
	BOOT_SMP=1 BOOT_QEMU="-icount shift=0,align=off,sleep=off" boot_guest perf
	python3 "$QEMU_DIR/report.py" --kver "$KVER" --rundir "$RUNDIR" \
		--kunit "$KSRC/tools/testing/kunit/kunit.py" \
		--qemu-rc "$(cat "$RUNDIR/qemu.rc")" --timeout "$QEMU_TIMEOUT"
}

# ----------------------------------------------------------------- bench --
# tools/testing/bench/*.ko: one boot with mode=single under -icount (guest
# instruction counts), one with mode=smp without it; then the bench's own
# report.py. Results: $BENCH_OUT (default results/bench-$KVER in the repo).
cmd_bench() {
	case $KVER in all | every) die "bench needs one KVER" ;; esac
	cmd_deps
	new_rundir bench
	prepare_guest
	local out=${BENCH_OUT:-$REPO/results/bench-$KVER} m rc=0 logs=()
	[ -f "$SRC/tools/testing/bench/report.py" ] || die "no tools/testing/bench/report.py"
	local base=$RUNDIR
	for m in ${BENCH_MODES:-single smp}; do
		mkdir -p "$base/$m"
		cp "$base/initramfs.cpio.gz" "$base/$m/"
		RUNDIR=$base/$m
		# -icount hangs SMP bring-up under TCG: instruction counts on 1 CPU
		if [ "$m" = smp ]; then
			BOOT_QEMU=""; BOOT_SMP=""
		else
			BOOT_QEMU="-icount shift=0,align=off,sleep=off"; BOOT_SMP=1
		fi
		BOOT_APPEND="smbsign_bench=$m${BENCH_MAX_SIZE:+ smbsign_bench_max=$BENCH_MAX_SIZE}" QEMU_TIMEOUT=${BENCH_TIMEOUT:-1800} boot_guest bench
		if ! grep -q '^@@SMBSIGN@@ INIT-DONE' "$RUNDIR/results.log" 2>/dev/null; then
			warn "bench $m: the guest did not finish (rc=$(cat "$RUNDIR/qemu.rc")); console tail:"
			tail -n 40 "$RUNDIR/console.log" >&2
			rc=1
		fi
		grep -q 'MODLOAD-FAIL' "$RUNDIR/results.log" 2>/dev/null && { warn "bench $m: a module failed to load"; rc=1; }
		sed 's/\r$//' "$RUNDIR/results.log" >"$base/$m.log"
		logs+=("$base/$m.log")
	done
	RUNDIR=$base
	python3 "$SRC/tools/testing/bench/report.py" --out "$out" --kernel "$KREL" "${logs[@]}" || rc=1
	msg "bench logs: $base; results: $out"
	return "$rc"
}

# (whole dispatcher in a function: bash has parsed all of it before running,
# so editing this file during a run is harmless)
main() {
	case "${1:-}" in
	deps)    cmd_deps ;;
	kernel)  cmd_deps; cmd_kernel ;;
	kdir)    cmd_kernel >&2; echo "$KBUILD" ;;
	# "yes" if $KVER/$VARIANT's kernel is built and cached, else "no"
	# (builds nothing; .ci/run uses it to estimate a suite's time)
	kcached) kernel_build_dir >&2; if kernel_is_built; then echo yes; else echo no; fi ;;
	ksrc)    kernel_source >&2; echo "$KSRC" ;;
	modules) cmd_deps; cmd_kernel; cmd_modules ;;
	style)   cmd_style ;;
	sparse)  cmd_sparse ;;
	check)   cmd_check ;;
	demo)    cmd_demo ;;
	bench)   cmd_bench ;;
	perf)    cmd_perf ;;
	_prepare) [ -n "${RUNDIR:-}" ] || die "_prepare: RUNDIR not set"; prepare_guest ;;
	_check_one) check_one ;;
	_kernel) cmd_kernel ;;
	_available) kver_available ;;
	_host_tests) run_host_tests ;;
	*) sed -n '3,30p' "$0"; exit 2 ;;
	esac
}

main "$@"; exit $?
