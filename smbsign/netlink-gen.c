// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/smbsign.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/smbsign.h>

/* Common nested types */
const struct nla_policy smbsign_dir_policy_nl_policy[SMBSIGN_A_DIR_POLICY_ALG + 1] = {
	[SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING] = NLA_POLICY_MAX(NLA_U8, 1),
	[SMBSIGN_A_DIR_POLICY_AUDIT] = NLA_POLICY_MAX(NLA_U8, 1),
	[SMBSIGN_A_DIR_POLICY_ALLOW_GUEST] = NLA_POLICY_MAX(NLA_U8, 1),
	[SMBSIGN_A_DIR_POLICY_ALG] = NLA_POLICY_MAX(NLA_U32, 2),
};

/* SMBSIGN_CMD_POLICY_SET - do */
static const struct nla_policy smbsign_policy_set_nl_policy[SMBSIGN_A_POLICY_SERVER + 1] = {
	[SMBSIGN_A_POLICY_CLIENT] = NLA_POLICY_NESTED(smbsign_dir_policy_nl_policy),
	[SMBSIGN_A_POLICY_SERVER] = NLA_POLICY_NESTED(smbsign_dir_policy_nl_policy),
};

/* Ops table for smbsign */
const struct genl_split_ops smbsign_nl_ops[5] = {
	{
		.cmd	= SMBSIGN_CMD_POLICY_GET,
		.doit	= smbsign_nl_policy_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SMBSIGN_CMD_POLICY_SET,
		.doit		= smbsign_nl_policy_set_doit,
		.policy		= smbsign_policy_set_nl_policy,
		.maxattr	= SMBSIGN_A_POLICY_SERVER,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SMBSIGN_CMD_STATS_GET,
		.doit	= smbsign_nl_stats_get_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SMBSIGN_CMD_STATS_RESET,
		.doit	= smbsign_nl_stats_reset_doit,
		.flags	= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SMBSIGN_CMD_SESSION_GET,
		.dumpit	= smbsign_nl_session_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group smbsign_nl_mcgrps[] = {
	[SMBSIGN_NLGRP_EVENTS] = { "events", },
};
