/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: per-netns require-signing policy, counters and sessions.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_POLICY_H
#define _SMBSIGN_POLICY_H

#include <linux/smbsign.h>
#include <linux/netlink.h>

struct smbsign_pernet;
struct notifier_block;

/*
 * Internals the policy KUnit suite reaches are exported only with KUnit,
 * with EXPORT_SYMBOL_IF_KUNIT() (<kunit/visibility.h>).
 */

/**
 * struct smbsign_policy_update - a partial change of one direction's policy
 * @set_require: @require is valid
 * @set_audit: @audit is valid
 * @set_guest: @allow_guest is valid
 * @require: new require_signing
 * @audit: new audit
 * @allow_guest: new allow_guest
 * @nalgs: when non-zero, @algs replaces the algorithm list
 * @algs: new algorithm list, most preferred first
 */
struct smbsign_policy_update {
	bool set_require, set_audit, set_guest;
	bool require, audit, allow_guest;
	u8 nalgs;
	u8 algs[SMBSIGN_ALG_COUNT];
};

/**
 * struct smbsign_stats - a snapshot of one direction's counters
 * @signed_msgs: messages signed
 * @verified: messages verified
 * @verify_failures: messages whose signature did not verify
 * @refused_unsigned: sessions refused, peer does not sign
 * @refused_guest: guest/anonymous sessions refused
 * @audit_unsigned: unsigned sessions let through by audit mode
 * @audit_guest: guest sessions let through by audit mode
 * @sessions: sessions registered now
 * @alg_signed: @signed_msgs per algorithm
 * @alg_verified: @verified per algorithm
 * @alg_failures: @verify_failures per algorithm
 */
struct smbsign_stats {
	u64 signed_msgs;
	u64 verified;
	u64 verify_failures;
	u64 refused_unsigned;
	u64 refused_guest;
	u64 audit_unsigned;
	u64 audit_guest;
	u32 sessions;
	u64 alg_signed[SMBSIGN_ALG_COUNT];
	u64 alg_verified[SMBSIGN_ALG_COUNT];
	u64 alg_failures[SMBSIGN_ALG_COUNT];
};

/**
 * struct smbsign_session_info - what the sessions dump shows of a session
 * @id: SMB2 SessionId
 * @dir: direction
 * @dialect: DialectRevision
 * @alg: signing algorithm
 * @signed_msgs: messages signed
 * @verified: messages verified
 * @verify_failures: verification failures
 */
struct smbsign_session_info {
	u64 id;
	u8 dir;
	u16 dialect;
	u16 alg;
	u64 signed_msgs;
	u64 verified;
	u64 verify_failures;
};

/**
 * enum smbsign_event_type - the action of an event notifier call
 * @SMBSIGN_EVENT_VERIFY_FAIL: a message failed to verify
 * @SMBSIGN_EVENT_SESSION: a session was refused, or audited
 */
enum smbsign_event_type {
	SMBSIGN_EVENT_VERIFY_FAIL,
	SMBSIGN_EVENT_SESSION,
};

/**
 * struct smbsign_event - what an event notifier receives
 * @net: network namespace; NULL for smbsign_pernet_alloc_test() instances
 * @session_id: SMB2 SessionId, 0 if not known
 * @message_id: %SMBSIGN_EVENT_VERIFY_FAIL: MessageId of the message
 * @suppressed: events of the same rate limit not passed on since the
 *	previous one
 * @command: %SMBSIGN_EVENT_VERIFY_FAIL: SMB2 command of the message
 * @dir: direction (enum smbsign_dir)
 * @guest: %SMBSIGN_EVENT_SESSION: guest or anonymous session (else the
 *	peer does not sign)
 * @audited: %SMBSIGN_EVENT_SESSION: audit mode let the session through
 */
struct smbsign_event {
	struct net *net;
	u64 session_id;
	u64 message_id;
	u32 suppressed;
	u16 command;
	u8 dir;
	bool guest;
	bool audited;
};

int smbsign_event_notifier_register(struct notifier_block *nb);
int smbsign_event_notifier_unregister(struct notifier_block *nb);

int smbsign_policy_init(void);
void smbsign_policy_exit(void);

struct smbsign_pernet *smbsign_pernet(struct net *net);
void smbsign_pn_policy_get(struct smbsign_pernet *pn, enum smbsign_dir dir,
			   struct smbsign_policy *pol);
int smbsign_pn_policy_update(struct smbsign_pernet *pn,
			     const struct smbsign_policy_update *upd,
			     struct netlink_ext_ack *extack);
enum smbsign_verdict smbsign_pn_decide(struct smbsign_pernet *pn,
				       enum smbsign_dir dir, u64 session_id,
				       bool peer_signs, bool guest);
void smbsign_pn_verify_failure(struct smbsign_pernet *pn,
			       enum smbsign_dir dir, u16 alg, u64 session_id,
			       u16 command, u64 message_id);
void smbsign_pn_stats_get(struct smbsign_pernet *pn, enum smbsign_dir dir,
			  struct smbsign_stats *st);
void smbsign_pn_stats_reset(struct smbsign_pernet *pn);
struct smbsign_session *smbsign_pn_session_register(struct smbsign_pernet *pn,
						    enum smbsign_dir dir,
						    u64 session_id,
						    u16 dialect, u16 alg);
int smbsign_pn_session_walk(struct smbsign_pernet *pn, u64 *pos,
			    unsigned int *gen,
			    int (*fn)(const struct smbsign_session_info *si,
				      void *arg),
			    void *arg);
int smbsign_policy_pick_alg(const struct smbsign_policy *pol,
			    const u16 *offered, unsigned int count);
int smbsign_parse_algs(const char *str, u8 *algs, u8 *nalgs);
void smbsign_policy_default(enum smbsign_dir dir, struct smbsign_policy *pol);

struct smbsign_pernet *smbsign_pernet_alloc_test(void);
void smbsign_pernet_free_test(struct smbsign_pernet *pn);

#endif /* _SMBSIGN_POLICY_H */
