# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What run.sh (cifs against smbd) and ksmbd-run.sh (ksmbd against
# smbclient) do alike on the host, sourced by both after they set REPO,
# CACHE, HARNESS and KVER: log lines, the test kernel and its own modules,
# and the QEMU boot of a guest that runs the host's userland over 9p.

T0=${SMBSIGN_T0:-$(date +%s)}
export SMBSIGN_T0=$T0
msg()  { printf '[%4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
warn() { printf '[%4ss] WARNING: %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die()  { printf '[%4ss] ERROR: %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; exit 1; }

kver_list() { awk '!/^#/ && NF >= 3 { print $1 }' "$REPO/tools/testing/qemu/kernels.conf"; }

# shellcheck disable=SC2034 # KSRC is the callers'
# kernel [KDIR]: sets KBUILD (KDIR, else the harness's build of $KVER,
# built if needed), KSRC and KREL
kernel() {
	KBUILD=${1:-$(bash "$HARNESS" kdir)} || return 1
	KSRC=$(bash "$HARNESS" ksrc 2>/dev/null) || return 1
	KREL=$(cat "$KBUILD/include/config/kernel.release")
}

# The kernel's own modules (cifs.ko and what it and ksmbd need), installed
# once per kernel build into the cache: $MODCACHE/lib/modules/$KREL. Under
# a lock (both runners may want it at once), and under the build dir's:
# nobody rebuilds it while we read it.
kernel_modules() {
	MODCACHE=$CACHE/consumers/$(basename "$KBUILD")/modroot
	if [ -f "$MODCACHE.done" ] && [ "$MODCACHE.done" -nt "$KBUILD/.built" ]; then
		return 0
	fi
	msg "modules_install of $KREL into $MODCACHE"
	mkdir -p "$(dirname "$MODCACHE")"
	exec 6>"$MODCACHE.lock"
	flock 6
	if ! { [ -f "$MODCACHE.done" ] && [ "$MODCACHE.done" -nt "$KBUILD/.built" ]; }; then
		rm -rf "$MODCACHE" "$MODCACHE.tmp"
		flock "$KBUILD/.lock" make -s -C "$KBUILD" INSTALL_MOD_PATH="$MODCACHE.tmp" \
			INSTALL_MOD_STRIP=1 DEPMOD=/bin/true modules_install >"$MODCACHE.log" 2>&1 ||
			{ tail -n 20 "$MODCACHE.log"; die "modules_install failed (log: $MODCACHE.log)"; }
		mv "$MODCACHE.tmp" "$MODCACHE"
		touch "$MODCACHE.done"
	fi
	flock -u 6
}

# consumer_boot MEM TIMEOUT SMP [QEMU ARGS...]: boot $KBUILD's kernel with
# the host's / read-only over 9p and $RUNDIR/share as /run/smbsign, its init
# $RUNDIR/share/init; console and results (TAP) to $RUNDIR; the exit
# status to qemu.rc, the seconds to boot.seconds
consumer_boot() {
	local mem=$1 timeout=$2 smp=$3 share=$RUNDIR/share rc=0 t
	shift 3
	msg "booting $KREL (TCG${*:+ $*}, $smp vCPU, $mem RAM, host / over 9p, deadline ${timeout}s), logs: $RUNDIR"
	t=$(date +%s)
	timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
		-accel tcg "$@" -cpu max -m "$mem" \
		-smp "$smp,sockets=$smp,cores=1,threads=1" \
		-nographic -no-reboot -monitor none -nic none \
		-serial "file:$RUNDIR/console.log" -serial "file:$RUNDIR/results.log" \
		-kernel "$KBUILD/arch/x86/boot/bzImage" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$share,mount_tag=run,security_model=none,multidevs=remap" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=6 root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro init=$share/init" \
		</dev/null >"$RUNDIR/qemu.out" 2>&1 || rc=$?
	echo "$rc" >"$RUNDIR/qemu.rc"
	echo "$(( $(date +%s) - t ))" >"$RUNDIR/boot.seconds"
	msg "guest exited (rc=$rc) after $(( $(date +%s) - t ))s"
}
