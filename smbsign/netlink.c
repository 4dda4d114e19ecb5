// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: generic netlink family "smbsign" (policy, stats, sessions,
 * events).
 *
 * The ops table and the attribute policies are generated from
 * Documentation/netlink/specs/smbsign.yaml into netlink-gen.c; this file has
 * the family (a genetlink-legacy spec, for uns-admin-perm, leaves it to us)
 * and the handlers.  Policy changes need CAP_NET_ADMIN in the initial user
 * namespace (admin-perm in the spec, GENL_ADMIN_PERM), so root in a
 * container cannot relax signing for mounts the host made in its namespace.
 * Statistics, sessions and the events group show who talks to whom: they
 * need CAP_NET_ADMIN over the network namespace (uns-admin-perm,
 * GENL_UNS_ADMIN_PERM; GENL_MCAST_CAP_NET_ADMIN for the group), so root in
 * a container sees its own namespace only.  Every rejected request carries
 * an extack message.
 *
 * Events come from policy.c through its event notifier, already rate
 * limited.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "smbsign.h"
#include "policy.h"
#include "netlink.h"
#include "netlink-gen.h"

/*
 * The groups of the spec, with the flags ynl-gen does not emit: joining
 * needs CAP_NET_ADMIN over the netns (uns-admin-perm in the spec).
 */
static const struct genl_multicast_group smbsign_nl_mcgrps_admin[] = {
	[SMBSIGN_NLGRP_EVENTS] = {
		.name = SMBSIGN_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family smbsign_nl_family __ro_after_init = {
	.name		= SMBSIGN_FAMILY_NAME,
	.version	= SMBSIGN_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= smbsign_nl_ops,
	.n_split_ops	= ARRAY_SIZE(smbsign_nl_ops),
	.mcgrps		= smbsign_nl_mcgrps_admin,
	.n_mcgrps	= ARRAY_SIZE(smbsign_nl_mcgrps_admin),
};

/*
 * Kernels without GENL_MCAST_CAP_NET_ADMIN (6.1 before 6.1.70; compat.h
 * defines it as 0 there) cannot restrict who joins the group: smbsign
 * sends no events on them rather than show them to every local user.
 */
static bool smbsign_events_on __ro_after_init;

static int smbsign_put_dir_policy(struct sk_buff *skb, int attrtype,
				  const struct smbsign_policy *pol)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING,
		       pol->require_signing) ||
	    nla_put_u8(skb, SMBSIGN_A_DIR_POLICY_AUDIT, pol->audit) ||
	    nla_put_u8(skb, SMBSIGN_A_DIR_POLICY_ALLOW_GUEST, pol->allow_guest))
		goto cancel;
	for (i = 0; i < pol->nalgs; i++)
		if (nla_put_u32(skb, SMBSIGN_A_DIR_POLICY_ALG, pol->algs[i]))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int smbsign_put_policy(struct sk_buff *skb, struct smbsign_pernet *pn)
{
	struct smbsign_policy pol;

	smbsign_pn_policy_get(pn, SMBSIGN_DIR_CLIENT, &pol);
	if (smbsign_put_dir_policy(skb, SMBSIGN_A_POLICY_CLIENT, &pol))
		return -EMSGSIZE;
	smbsign_pn_policy_get(pn, SMBSIGN_DIR_SERVER, &pol);
	return smbsign_put_dir_policy(skb, SMBSIGN_A_POLICY_SERVER, &pol);
}

static struct sk_buff *smbsign_reply_new(struct genl_info *info, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			   &smbsign_nl_family, 0, info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int smbsign_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = smbsign_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	if (smbsign_put_policy(msg, smbsign_pernet(genl_info_net(info)))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int smbsign_parse_dir_policy(struct nlattr *nest,
				    struct smbsign_policy_update *upd,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SMBSIGN_A_DIR_POLICY_MAX + 1];
	struct nlattr *attr;
	int err, rem;

	err = nla_parse_nested(tb, SMBSIGN_A_DIR_POLICY_MAX, nest,
			       smbsign_dir_policy_nl_policy, extack);
	if (err)
		return err;

	if (tb[SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING]) {
		upd->set_require = true;
		upd->require = nla_get_u8(tb[SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING]);
	}
	if (tb[SMBSIGN_A_DIR_POLICY_AUDIT]) {
		upd->set_audit = true;
		upd->audit = nla_get_u8(tb[SMBSIGN_A_DIR_POLICY_AUDIT]);
	}
	if (tb[SMBSIGN_A_DIR_POLICY_ALLOW_GUEST]) {
		upd->set_guest = true;
		upd->allow_guest = nla_get_u8(tb[SMBSIGN_A_DIR_POLICY_ALLOW_GUEST]);
	}

	nla_for_each_nested(attr, nest, rem) {
		u32 alg;

		if (nla_type(attr) != SMBSIGN_A_DIR_POLICY_ALG)
			continue;
		alg = nla_get_u32(attr);
		if (memchr(upd->algs, alg, upd->nalgs)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "duplicate signing algorithm");
			return -EINVAL;
		}
		/* three distinct values of at most 2 (the policy) fill it */
		if (upd->nalgs >= SMBSIGN_ALG_COUNT) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "too many signing algorithms");
			return -EINVAL;
		}
		upd->algs[upd->nalgs++] = alg;
	}
	return 0;
}

static void smbsign_nl_notify_policy(struct net *net)
{
	struct sk_buff *msg;
	void *hdr;

	if (!smbsign_events_on ||
	    !genl_has_listeners(&smbsign_nl_family, net, SMBSIGN_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &smbsign_nl_family, 0,
			  SMBSIGN_CMD_POLICY_NTF);
	if (!hdr ||
	    smbsign_put_policy(msg, smbsign_pernet(net)) ||
	    nla_put_u32(msg, SMBSIGN_A_POLICY_PID, task_tgid_nr(current)) ||
	    nla_put_u32(msg, SMBSIGN_A_POLICY_UID,
			from_kuid_munged(net->user_ns, current_uid()))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&smbsign_nl_family, net, msg, 0,
				SMBSIGN_NLGRP_EVENTS, GFP_KERNEL);
}

int smbsign_nl_policy_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smbsign_policy_update upd[SMBSIGN_DIR_COUNT] = { };
	static const int attrs[SMBSIGN_DIR_COUNT] = {
		[SMBSIGN_DIR_CLIENT] = SMBSIGN_A_POLICY_CLIENT,
		[SMBSIGN_DIR_SERVER] = SMBSIGN_A_POLICY_SERVER,
	};
	struct net *net = genl_info_net(info);
	bool any = false;
	int d, err;

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		struct nlattr *nest = info->attrs[attrs[d]];

		if (!nest)
			continue;
		err = smbsign_parse_dir_policy(nest, &upd[d], info->extack);
		if (err)
			return err;
		any = true;
	}
	if (!any) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give a client and/or server policy");
		return -EINVAL;
	}

	err = smbsign_pn_policy_update(smbsign_pernet(net), upd, info->extack);
	if (err)
		return err;
	smbsign_nl_notify_policy(net);
	return 0;
}

static int smbsign_put_dir_stats(struct sk_buff *skb, int attrtype,
				 const struct smbsign_stats *st)
{
	struct nlattr *nest, *alg;
	int a;

	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SMBSIGN_A_DIR_STATS_SIGNED, st->signed_msgs,
			      SMBSIGN_A_DIR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_DIR_STATS_VERIFIED, st->verified,
			      SMBSIGN_A_DIR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_DIR_STATS_VERIFY_FAILURES,
			      st->verify_failures, SMBSIGN_A_DIR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_DIR_STATS_REFUSED_UNSIGNED,
			      st->refused_unsigned, SMBSIGN_A_DIR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_DIR_STATS_REFUSED_GUEST,
			      st->refused_guest, SMBSIGN_A_DIR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_DIR_STATS_AUDIT_UNSIGNED,
			      st->audit_unsigned, SMBSIGN_A_DIR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_DIR_STATS_AUDIT_GUEST,
			      st->audit_guest, SMBSIGN_A_DIR_STATS_PAD) ||
	    nla_put_u32(skb, SMBSIGN_A_DIR_STATS_SESSIONS, st->sessions))
		goto cancel;
	for (a = 0; a < SMBSIGN_ALG_COUNT; a++) {
		alg = nla_nest_start(skb, SMBSIGN_A_DIR_STATS_ALG_STATS);
		if (!alg ||
		    nla_put_u32(skb, SMBSIGN_A_ALG_STATS_ALG, a) ||
		    nla_put_u64_64bit(skb, SMBSIGN_A_ALG_STATS_SIGNED,
				      st->alg_signed[a],
				      SMBSIGN_A_ALG_STATS_PAD) ||
		    nla_put_u64_64bit(skb, SMBSIGN_A_ALG_STATS_VERIFIED,
				      st->alg_verified[a],
				      SMBSIGN_A_ALG_STATS_PAD) ||
		    nla_put_u64_64bit(skb, SMBSIGN_A_ALG_STATS_VERIFY_FAILURES,
				      st->alg_failures[a],
				      SMBSIGN_A_ALG_STATS_PAD))
			goto cancel;
		nla_nest_end(skb, alg);
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int smbsign_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smbsign_pernet *pn = smbsign_pernet(genl_info_net(info));
	struct smbsign_stats st;
	struct sk_buff *msg;
	void *hdr;

	msg = smbsign_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	smbsign_pn_stats_get(pn, SMBSIGN_DIR_CLIENT, &st);
	if (smbsign_put_dir_stats(msg, SMBSIGN_A_STATS_CLIENT, &st))
		goto nospace;
	smbsign_pn_stats_get(pn, SMBSIGN_DIR_SERVER, &st);
	if (smbsign_put_dir_stats(msg, SMBSIGN_A_STATS_SERVER, &st))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int smbsign_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	smbsign_pn_stats_reset(smbsign_pernet(genl_info_net(info)));
	return 0;
}

struct smbsign_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	unsigned int gen;	/* set by the walk before the first session */
};

static int smbsign_fill_session(const struct smbsign_session_info *si,
				void *arg)
{
	struct smbsign_dump_ctx *ctx = arg;
	struct sk_buff *skb = ctx->skb;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &smbsign_nl_family,
			  NLM_F_MULTI, SMBSIGN_CMD_SESSION_GET);
	if (!hdr)
		return -EMSGSIZE;
	/* never 0: a sequence of 0 is not checked */
	ctx->cb->seq = ctx->gen | 1U << 31;
	genl_dump_check_consistent(ctx->cb, hdr);
	if (nla_put_u64_64bit(skb, SMBSIGN_A_SESSION_ID, si->id,
			      SMBSIGN_A_SESSION_PAD) ||
	    nla_put_u32(skb, SMBSIGN_A_SESSION_DIRECTION, si->dir) ||
	    nla_put_u16(skb, SMBSIGN_A_SESSION_DIALECT, si->dialect) ||
	    nla_put_u32(skb, SMBSIGN_A_SESSION_ALG, si->alg) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_SESSION_SIGNED, si->signed_msgs,
			      SMBSIGN_A_SESSION_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_SESSION_VERIFIED, si->verified,
			      SMBSIGN_A_SESSION_PAD) ||
	    nla_put_u64_64bit(skb, SMBSIGN_A_SESSION_VERIFY_FAILURES,
			      si->verify_failures, SMBSIGN_A_SESSION_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * cb->args[0..1] hold the registration number of the last session sent, so
 * sessions that go away between two calls make none be skipped; cb->seq is
 * the sessions' generation, and a dump during which sessions came or went
 * is flagged NLM_F_DUMP_INTR.
 */
int smbsign_nl_session_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct smbsign_dump_ctx ctx = { .skb = skb, .cb = cb };
	struct net *net = sock_net(cb->skb->sk);
	u64 pos = (u64)cb->args[1] << 32 | (u32)cb->args[0];
	int err;

	err = smbsign_pn_session_walk(smbsign_pernet(net), &pos, &ctx.gen,
				      smbsign_fill_session, &ctx);
	cb->args[0] = lower_32_bits(pos);
	cb->args[1] = upper_32_bits(pos);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* The largest event: verify-fail-ntf. */
#define SMBSIGN_EVENT_SIZE						\
	(nla_total_size(sizeof(u32)) +			/* direction */	\
	 nla_total_size_64bit(sizeof(u64)) +		/* session-id */ \
	 nla_total_size(sizeof(u16)) +			/* command */	\
	 nla_total_size_64bit(sizeof(u64)) +		/* message-id */ \
	 nla_total_size(sizeof(u32)))			/* suppressed */

static struct sk_buff *smbsign_event_new(struct net *net, u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	if (!net ||
	    !genl_has_listeners(&smbsign_nl_family, net, SMBSIGN_NLGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(SMBSIGN_EVENT_SIZE, GFP_ATOMIC);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &smbsign_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void smbsign_event_send(struct net *net, struct sk_buff *msg,
			       void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&smbsign_nl_family, net, msg, 0,
				SMBSIGN_NLGRP_EVENTS, GFP_ATOMIC);
}

/* guest-ntf or unsigned-ntf */
static void smbsign_nl_notify_session(const struct smbsign_event *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = smbsign_event_new(ev->net, ev->guest ? SMBSIGN_CMD_GUEST_NTF :
						     SMBSIGN_CMD_UNSIGNED_NTF,
				&hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, SMBSIGN_A_EVENT_DIRECTION, ev->dir) ||
	    nla_put_u64_64bit(msg, SMBSIGN_A_EVENT_SESSION_ID, ev->session_id,
			      SMBSIGN_A_EVENT_PAD) ||
	    nla_put_u32(msg, SMBSIGN_A_EVENT_ACTION,
			ev->audited ? SMBSIGN_ACTION_AUDITED :
				      SMBSIGN_ACTION_REFUSED) ||
	    nla_put_u32(msg, SMBSIGN_A_EVENT_SUPPRESSED, ev->suppressed)) {
		nlmsg_free(msg);
		return;
	}
	smbsign_event_send(ev->net, msg, hdr);
}

/* verify-fail-ntf */
static void smbsign_nl_notify_verify_fail(const struct smbsign_event *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = smbsign_event_new(ev->net, SMBSIGN_CMD_VERIFY_FAIL_NTF, &hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, SMBSIGN_A_EVENT_DIRECTION, ev->dir) ||
	    nla_put_u64_64bit(msg, SMBSIGN_A_EVENT_SESSION_ID, ev->session_id,
			      SMBSIGN_A_EVENT_PAD) ||
	    nla_put_u16(msg, SMBSIGN_A_EVENT_COMMAND, ev->command) ||
	    nla_put_u64_64bit(msg, SMBSIGN_A_EVENT_MESSAGE_ID, ev->message_id,
			      SMBSIGN_A_EVENT_PAD) ||
	    nla_put_u32(msg, SMBSIGN_A_EVENT_SUPPRESSED, ev->suppressed)) {
		nlmsg_free(msg);
		return;
	}
	smbsign_event_send(ev->net, msg, hdr);
}

/* Process or softirq context, under rcu_read_lock() (the notifier chain). */
static int smbsign_nl_event(struct notifier_block *nb, unsigned long type,
			    void *data)
{
	const struct smbsign_event *ev = data;

	if (!smbsign_events_on)
		return NOTIFY_DONE;
	switch (type) {
	case SMBSIGN_EVENT_SESSION:
		smbsign_nl_notify_session(ev);
		break;
	case SMBSIGN_EVENT_VERIFY_FAIL:
		smbsign_nl_notify_verify_fail(ev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block smbsign_nl_event_nb = {
	.notifier_call = smbsign_nl_event,
};

/**
 * smbsign_netlink_init() - register the "smbsign" generic netlink family
 *
 * Registers the family, then the policy event notifier that multicasts
 * the events.
 *
 * Return: 0 or a negative errno.
 */
int __init smbsign_netlink_init(void)
{
	int err;

	BUILD_BUG_ON((int)SMBSIGN_DIRECTION_CLIENT != (int)SMBSIGN_DIR_CLIENT);
	BUILD_BUG_ON((int)SMBSIGN_DIRECTION_SERVER != (int)SMBSIGN_DIR_SERVER);
	BUILD_BUG_ON((int)SMBSIGN_SIGNING_ALG_HMAC_SHA256 !=
		     (int)SMBSIGN_ALG_HMAC_SHA256);
	BUILD_BUG_ON((int)SMBSIGN_SIGNING_ALG_AES_CMAC !=
		     (int)SMBSIGN_ALG_AES_CMAC);
	BUILD_BUG_ON((int)SMBSIGN_SIGNING_ALG_AES_GMAC !=
		     (int)SMBSIGN_ALG_AES_GMAC);

	smbsign_events_on = GENL_MCAST_CAP_NET_ADMIN != 0;
	if (!smbsign_events_on)
		pr_warn("this kernel cannot restrict the events group to CAP_NET_ADMIN: no events are sent\n");
	err = genl_register_family(&smbsign_nl_family);
	if (err)
		return err;
	err = smbsign_event_notifier_register(&smbsign_nl_event_nb);
	if (err)
		genl_unregister_family(&smbsign_nl_family);
	return err;
}

/**
 * smbsign_netlink_exit() - unregister the event notifier, then the family
 */
void smbsign_netlink_exit(void)
{
	smbsign_event_notifier_unregister(&smbsign_nl_event_nb);
	genl_unregister_family(&smbsign_nl_family);
}

MODULE_ALIAS_GENL_FAMILY(SMBSIGN_FAMILY_NAME);
