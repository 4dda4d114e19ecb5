/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/smbsign.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_SMBSIGN_GEN_H
#define _LINUX_SMBSIGN_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/smbsign.h>

/* Common nested types */
extern const struct nla_policy smbsign_dir_policy_nl_policy[SMBSIGN_A_DIR_POLICY_ALG + 1];

/* Ops table for smbsign */
extern const struct genl_split_ops smbsign_nl_ops[5];

int smbsign_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info);
int smbsign_nl_policy_set_doit(struct sk_buff *skb, struct genl_info *info);
int smbsign_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int smbsign_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info);
int smbsign_nl_session_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);

enum {
	SMBSIGN_NLGRP_EVENTS,
};

#endif /* _LINUX_SMBSIGN_GEN_H */
