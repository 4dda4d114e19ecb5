/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: generic netlink family "smbsign".
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_NETLINK_H
#define _SMBSIGN_NETLINK_H

#include <net/genetlink.h>

int smbsign_netlink_init(void);
void smbsign_netlink_exit(void);

extern struct genl_family smbsign_nl_family;

#endif /* _SMBSIGN_NETLINK_H */
