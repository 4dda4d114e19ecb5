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

/* No GENL_MCAST_CAP_*: a group cannot be restricted (netlink.c checks). */
#ifdef SMBSIGN_NO_GENL_MCAST_CAP
#define GENL_MCAST_CAP_NET_ADMIN 0
#endif

/* No netns reference tracker: plain references. */
#ifdef SMBSIGN_NO_NETNS_TRACKER
typedef struct {} netns_tracker;
#define get_net_track(net, tracker, gfp) get_net(net)
#define put_net_track(net, tracker) put_net(net)
#endif

/*
 * The x86 GCM of the running kernel, where the source probes of
 * compat/Kbuild.include cannot see arch/x86/crypto (distribution headers,
 * DKMS): 6.11 made the AES-NI GCM hash scattered associated data in place
 * (6.1 kmalloc()s it). (6.19 added VAES + VPCLMULQDQ code that hashes
 * long associated data fast; whether it beats smbsign's GHASH is measured
 * when the module loads, impl.c.)
 */
#include <linux/version.h>
#if !defined(SMBSIGN_HAVE_GCM_SCATTERED_AAD) && \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define SMBSIGN_HAVE_GCM_SCATTERED_AAD 1
#endif

#endif /* _SMBSIGN_COMPAT_H */
