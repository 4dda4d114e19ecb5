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
#
# The steps, shared with tools/consumers/cifs/build.sh, are in
# tools/consumers/build-common.sh: smbsign.ko (not with STOCK=1), the server
# source in a fresh git tree with the series `git am`ed, the out-of-tree
# build, the check that ksmbd.ko depends on smbsign (not with STOCK=1). A
# build is reused while what it was built from is unchanged (the list is
# there).
set -euo pipefail

# shellcheck source=SCRIPTDIR/../build-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../build-common.sh"

consumer_init ksmbd ksmbd.ko "$@"
STOCK=${STOCK:-0}
if [ "$STOCK" = 1 ]; then
	PATCHES=()
	if [ -f "$SERIES/stock-series" ]; then
		while read -r p; do
			[ -n "$p" ] && PATCHES+=("$SERIES/$p")
		done <"$SERIES/stock-series"
	fi
fi
consumer_subdir fs/smb/server fs/ksmbd "SMB server"

mode=smbsign
[ "$STOCK" = 1 ] && mode=stock
LABEL="$mode ksmbd.ko"
consumer_out "ksmbd-$mode"

# 1. smbsign.ko against the same kernel, from a copy of this tree (or
# SMBSIGN_SRC); none for the stock module
[ "$STOCK" = 1 ] || consumer_smbsign "${SMBSIGN_SRC:-$REPO}"
consumer_reuse 0

# 2. the server source with the series applied, and the private headers it
# includes from outside its directory (fs/internal.h on 6.1,
# fs/nls/nls_ucs2_{utils,data}.h from 6.9 on)
consumer_tree fs/internal.h fs/nls/nls_ucs2_utils.h fs/nls/nls_ucs2_data.h

# 3. ksmbd.ko out of tree
consumer_build CONFIG_SMB_SERVER=m
