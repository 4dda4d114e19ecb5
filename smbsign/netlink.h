/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: generic netlink family "smbsign".
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_NETLINK_H
#define _SMBSIGN_NETLINK_H

#include <linux/smbsign.h>

struct net;

int smbsign_netlink_init(void);
void smbsign_netlink_exit(void);

void smbsign_nl_notify_session(struct net *net, enum smbsign_dir dir,
			       u64 session_id, bool guest, bool audited);
void smbsign_nl_notify_verify_fail(struct net *net, enum smbsign_dir dir,
				   u64 session_id, u16 command,
				   u64 message_id, u32 suppressed);

#endif /* _SMBSIGN_NETLINK_H */
