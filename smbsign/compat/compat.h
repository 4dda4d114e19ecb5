/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility shims for the kernels smbsign builds against (6.1 .. 7.x).
 * Force-included by Kbuild; keep every version difference here so that the
 * rest of the sources read like upstream code.
 */
#ifndef _SMBSIGN_COMPAT_H
#define _SMBSIGN_COMPAT_H

#include <linux/version.h>

#endif /* _SMBSIGN_COMPAT_H */
