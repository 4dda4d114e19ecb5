#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the consumer-test guest (tools/testing/consumers/run.sh).
#
# The root filesystem is the host's own /, read-only over 9p (virtme
# style), so Debian's smbd, mount.cifs, tcpdump, kmod and coreutils run
# here as they are installed on the host. This script makes the few
# places that need writing writable (tmpfs), mounts the run directory (a
# second, writable 9p export: modules in, logs and captures out), brings
# up lo, loads the modules and runs guest-test.sh.
#
# Output: /dev/ttyS0 (console.log): kernel log and progress;
#         /dev/ttyS1 (results.log): "@@SMBSIGN@@ ..." events and the TAP
#         of guest-test.sh, in the format tools/testing/qemu/report.py reads.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

RUN=/run/smbsign

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# (DEVTMPFS_MOUNT has mounted it already when the root is not an initramfs)
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /dev/shm

if [ -c /dev/ttyS1 ] && stty -F /dev/ttyS1 raw -echo 2>/dev/null; then
	exec 3>/dev/ttyS1
else
	echo "init: no /dev/ttyS1, results go to the console"
	exec 3>&1
fi

mark() {
	echo "@@SMBSIGN@@ $*" >&3
	echo "@@SMBSIGN@@ $*"
}

finish() {
	mark "INIT-DONE $*"
	exec 3>&-
	sync
	umount "$RUN" 2>/dev/null
	# busybox-static (make deps): reboot(2) without an init system; qemu
	# runs with -no-reboot, so this ends it
	/bin/busybox reboot -f
	sleep 10
}

# Writable places: everything else stays the host's, read-only.
for d in /run /tmp /var/tmp /var/log /var/lib/samba /var/cache/samba \
	/etc/samba /mnt /srv; do
	mount -t tmpfs -o mode=0755 tmpfs "$d" || { mark "INFO tmpfs on $d failed"; }
done
chmod 1777 /tmp /var/tmp
mkdir -p /var/log/samba /var/lib/samba/private /run/samba /run/lock

# The run directory: modules, config and scripts in; logs, captures out.
mkdir -p "$RUN"
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none run "$RUN"; then
	mark "INIT-START mode=consumers kernel=$(uname -r)"
	mark "INFO cannot mount the run directory (9p tag 'run')"
	finish "status=no-rundir"
fi
# shellcheck source=/dev/null # written by run.sh
. "$RUN/config"

mark "INIT-START mode=consumers kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) uptime=$(cut -d' ' -f1 /proc/uptime)s"

# This kernel's modules (modules_install of the test kernel build, plus
# smbsign.ko and, in smbsign mode, the patched cifs.ko), prepared by the
# host in the run directory.
if [ -d "$RUN/modroot/lib/modules/$(uname -r)" ]; then
	mount --bind "$RUN/modroot/lib/modules" /lib/modules
else
	mark "INFO no modules for $(uname -r) in the run directory"
fi

# A private user database with the test user (uid 47012, not the host's).
cp /etc/passwd /etc/group /run/
echo "smbtest:x:47012:47012:smbsign consumer test:/nonexistent:/usr/sbin/nologin" >>/run/passwd
echo "smbtest:x:47012:" >>/run/group
mount --bind /run/passwd /etc/passwd
mount --bind /run/group /etc/group

hostname smbsign-guest
ip link set lo up || mark "INFO ip link set lo up failed"

dmesg -n 4
mark "TAP-BEGIN $CONSUMER_NAME"
timeout -k 10 "$GUEST_TEST_TIMEOUT" sh "$RUN/guest-test.sh" </dev/null >&3 3>&- 2>"$RUN/guest-test.err"
rc=$?
mark "TAP-END $CONSUMER_NAME rc=$rc"
if [ -s "$RUN/guest-test.err" ]; then
	echo "----- stderr of guest-test.sh (last 40 lines) -----"
	tail -n 40 "$RUN/guest-test.err"
fi

# logs out
mkdir -p "$RUN/out"
cp -r /var/log/samba "$RUN/out/samba-logs" 2>/dev/null
dmesg >"$RUN/out/dmesg.txt"
cat /proc/fs/cifs/Stats >"$RUN/out/cifs-stats.txt" 2>/dev/null
finish "status=ok rc=$rc"
