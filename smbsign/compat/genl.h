/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink compatibility for smbsign/netlink-gen.c and netlink.c.
 *
 * ynl-gen emits struct genl_split_ops tables (Linux 6.2+).  Linux 6.1 has
 * only struct genl_ops, which carries the same per-op fields that the
 * generated code uses (cmd, doit, dumpit, policy, maxattr, flags) and accepts
 * the GENL_CMD_CAP_* bits in flags, so one generated op maps to one genl_ops
 * entry.  The generated file never puts a doit and a dumpit of the same cmd
 * in two entries for this family (each op is either do or dump), which 6.1
 * would reject.  Force-included for netlink-gen.c and netlink.c (which has
 * the family struct); Kbuild defines SMBSIGN_NO_SPLIT_OPS when the target's
 * <net/genetlink.h> lacks genl_split_ops.
 */
#ifndef _SMBSIGN_COMPAT_GENL_H
#define _SMBSIGN_COMPAT_GENL_H

#ifdef SMBSIGN_NO_SPLIT_OPS	/* set by Kbuild's header probe */
#define genl_split_ops	genl_ops
#define split_ops	ops
#define n_split_ops	n_ops
#endif

#endif /* _SMBSIGN_COMPAT_GENL_H */
