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
#                    (default: build smbsign.ko from a copy of SMBSIGN_SRC)
#   SMBSIGN_SRC      tree to build smbsign.ko from (default: this one)
#   SMBSIGN_CACHE    cache directory (default ~/.cache/smbsign)
#   JOBS             make -j (default: nproc)
#   V=1              full build output
#   CIFS_REBUILD=1   build even when the last build's inputs are unchanged
#
# Steps (tools/consumers/build-common.sh): build smbsign.ko from a copy of
# this tree (its Module.symvers gives cifs.ko the smbsign symbols,
# KBUILD_EXTRA_SYMBOLS); copy the kernel's fs/smb/client and fs/smb/common
# into a fresh git tree, `git am` the series; make -C $KDIR
# M=<copy>/fs/smb/client CONFIG_CIFS=m modules; check that the result
# depends on smbsign. Steps 2 and 3 are skipped, and the last cifs.ko
# printed again, when what it was built from is unchanged: the series, this
# script and build-common.sh, include/, smbsign's Module.symvers, and the
# kernel's source dir and build (its .config, Module.symvers and the time
# harness.sh finished it).
set -euo pipefail

# shellcheck source=SCRIPTDIR/../build-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../build-common.sh"

consumer_init cifs cifs.ko "$@"
consumer_subdir fs/smb/client fs/cifs "SMB client"
consumer_out cifs

# 1. smbsign.ko against the same kernel, from a copy of SMBSIGN_SRC (this
# tree by default)
consumer_smbsign "${SMBSIGN_SRC:-$REPO}"
consumer_reuse "${CIFS_REBUILD:-0}"

# 2. the client source with the series applied; 6.5+: cifs_unicode.h
# includes ../../nls/nls_ucs2_utils.h (and its data)
consumer_tree fs/nls/nls_ucs2_utils.h fs/nls/nls_ucs2_data.h

# 3. cifs.ko out of tree
consumer_build CONFIG_CIFS=m
