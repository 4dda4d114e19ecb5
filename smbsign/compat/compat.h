/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility shims for the kernels smbsign builds against (6.1 .. 7.x).
 * Force-included by Kbuild; keep every version difference here so that the
 * rest of the sources read like upstream code.
 */
#ifndef _SMBSIGN_COMPAT_H
#define _SMBSIGN_COMPAT_H

#include <linux/version.h>

/* <linux/unaligned.h> replaced <asm/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* Symbol namespaces are string literals from 6.13 on. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define SMBSIGN_CRYPTO_INTERNAL_NS "CRYPTO_INTERNAL"
#else
#define SMBSIGN_CRYPTO_INTERNAL_NS CRYPTO_INTERNAL
#endif

#endif /* _SMBSIGN_COMPAT_H */
