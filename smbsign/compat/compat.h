/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility shims for the kernels smbsign builds against (6.1 .. 7.x).
 * Force-included by Kbuild; the SMBSIGN_* feature macros come from the
 * header probes in compat/Kbuild.include. Keep every kernel difference here
 * so that the rest of the sources read like upstream code.
 */
#ifndef _SMBSIGN_COMPAT_H
#define _SMBSIGN_COMPAT_H

#ifdef SMBSIGN_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* Symbol namespace names: a bare token before 6.13, a string after. */
#ifdef SMBSIGN_NS_IS_TOKEN
#define SMBSIGN_NS SMBSIGN
#define SMBSIGN_CRYPTO_INTERNAL_NS CRYPTO_INTERNAL
#else
#define SMBSIGN_NS "SMBSIGN"
#define SMBSIGN_CRYPTO_INTERNAL_NS "CRYPTO_INTERNAL"
#endif

/*
 * The x86 GCM of the running kernel, where the source probes of
 * compat/Kbuild.include cannot see arch/x86/crypto (distribution headers,
 * DKMS): 6.11 made the AES-NI GCM hash scattered associated data in place
 * (6.1 kmalloc()s it), and 6.19 added VAES + VPCLMULQDQ code that hashes
 * long associated data at 0.14 cycles per byte on AMD Zen 5, 3.7x faster
 * than smbsign's own GHASH (make bench-cpu, Documentation/perf/cpu/).
 */
#include <linux/version.h>
#if !defined(SMBSIGN_HAVE_GCM_SCATTERED_AAD) && \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define SMBSIGN_HAVE_GCM_SCATTERED_AAD 1
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define SMBSIGN_HAVE_GCM_VPCLMUL_AAD 1
#endif

#endif /* _SMBSIGN_COMPAT_H */
