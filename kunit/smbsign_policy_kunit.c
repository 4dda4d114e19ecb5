// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for smbsign's require-signing policy: the decision table for
 * every combination, NTSTATUS mapping, signing algorithm negotiation,
 * per-netns defaults and isolation, counters, the sessions registry and its
 * dump cursor, and the rate limits of the events.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/smbsign.h>

#include "../smbsign/policy.h"

/*
 * The decision table, written out: R = require_signing, A = audit,
 * G = allow_guest, S = peer signs, Q = guest/anonymous session.
 */
struct decide_case {
	bool require, audit, allow_guest, peer_signs, guest;
	enum smbsign_verdict want;
};

#define C(r, a, g, s, q, v) { r, a, g, s, q, SMBSIGN_##v }
static const struct decide_case decide_cases[] = {
	/* Nothing required, no audit: everything passes. */
	C(0, 0, 0, 0, 0, ALLOW), C(0, 0, 0, 1, 0, ALLOW),
	C(0, 0, 0, 0, 1, ALLOW), C(0, 0, 0, 1, 1, ALLOW),
	C(0, 0, 1, 0, 0, ALLOW), C(0, 0, 1, 1, 0, ALLOW),
	C(0, 0, 1, 0, 1, ALLOW), C(0, 0, 1, 1, 1, ALLOW),
	/* Required: unsigned peers and guests are refused... */
	C(1, 0, 0, 0, 0, REFUSE_UNSIGNED), C(1, 0, 0, 1, 0, ALLOW),
	C(1, 0, 0, 0, 1, REFUSE_GUEST), C(1, 0, 0, 1, 1, REFUSE_GUEST),
	/* ...unless insecure guest logons are enabled. */
	C(1, 0, 1, 0, 0, REFUSE_UNSIGNED), C(1, 0, 1, 1, 0, ALLOW),
	C(1, 0, 1, 0, 1, ALLOW), C(1, 0, 1, 1, 1, ALLOW),
	/* Audit only: what would break is counted, and let through. */
	C(0, 1, 0, 0, 0, AUDIT_UNSIGNED), C(0, 1, 0, 1, 0, ALLOW),
	C(0, 1, 0, 0, 1, AUDIT_GUEST), C(0, 1, 0, 1, 1, AUDIT_GUEST),
	C(0, 1, 1, 0, 0, AUDIT_UNSIGNED), C(0, 1, 1, 1, 0, ALLOW),
	C(0, 1, 1, 0, 1, ALLOW), C(0, 1, 1, 1, 1, ALLOW),
	/* Required and audited: audit wins, nothing is refused. */
	C(1, 1, 0, 0, 0, AUDIT_UNSIGNED), C(1, 1, 0, 1, 0, ALLOW),
	C(1, 1, 0, 0, 1, AUDIT_GUEST), C(1, 1, 0, 1, 1, AUDIT_GUEST),
	C(1, 1, 1, 0, 0, AUDIT_UNSIGNED), C(1, 1, 1, 1, 0, ALLOW),
	C(1, 1, 1, 0, 1, ALLOW), C(1, 1, 1, 1, 1, ALLOW),
};

#undef C

static const char *const verdict_names[] = {
	[SMBSIGN_ALLOW] = "allow",
	[SMBSIGN_AUDIT_UNSIGNED] = "audit-unsigned",
	[SMBSIGN_AUDIT_GUEST] = "audit-guest",
	[SMBSIGN_REFUSE_UNSIGNED] = "refuse-unsigned",
	[SMBSIGN_REFUSE_GUEST] = "refuse-guest",
};

static void decide_case_desc(const struct decide_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "require=%d audit=%d guest-ok=%d signs=%d guest=%d -> %s",
		 c->require, c->audit, c->allow_guest, c->peer_signs, c->guest,
		 verdict_names[c->want]);
}

KUNIT_ARRAY_PARAM(decide, decide_cases, decide_case_desc);

static void set_policy(struct kunit *test, struct smbsign_pernet *pn,
		       enum smbsign_dir dir, bool require, bool audit,
		       bool allow_guest)
{
	struct smbsign_policy_update upd[SMBSIGN_DIR_COUNT] = { };

	upd[dir].set_require = true;
	upd[dir].require = require;
	upd[dir].set_audit = true;
	upd[dir].audit = audit;
	upd[dir].set_guest = true;
	upd[dir].allow_guest = allow_guest;
	KUNIT_ASSERT_EQ(test, smbsign_pn_policy_update(pn, upd, NULL), 0);
}

/* Every combination, in both directions, through the counting path. */
static void policy_decide_table(struct kunit *test)
{
	const struct decide_case *c = test->param_value;
	struct smbsign_policy pol = {
		.require_signing = c->require,
		.audit = c->audit,
		.allow_guest = c->allow_guest,
	};
	struct smbsign_pernet *pn;
	int dir;

	KUNIT_EXPECT_EQ(test, smbsign_policy_decide(&pol, c->peer_signs,
						    c->guest), c->want);

	pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, pn);
	for (dir = 0; dir < SMBSIGN_DIR_COUNT; dir++) {
		struct smbsign_stats st;
		enum smbsign_verdict v;

		set_policy(test, pn, dir, c->require, c->audit,
			   c->allow_guest);
		v = smbsign_pn_decide(pn, dir, 0x1234, c->peer_signs,
				      c->guest);
		KUNIT_EXPECT_EQ_MSG(test, v, c->want, "dir %d", dir);
		KUNIT_EXPECT_EQ(test, smbsign_verdict_allowed(v),
				c->want < SMBSIGN_REFUSE_UNSIGNED);

		smbsign_pn_stats_get(pn, dir, &st);
		KUNIT_EXPECT_EQ(test, st.refused_unsigned,
				(u64)(c->want == SMBSIGN_REFUSE_UNSIGNED));
		KUNIT_EXPECT_EQ(test, st.refused_guest,
				(u64)(c->want == SMBSIGN_REFUSE_GUEST));
		KUNIT_EXPECT_EQ(test, st.audit_unsigned,
				(u64)(c->want == SMBSIGN_AUDIT_UNSIGNED));
		KUNIT_EXPECT_EQ(test, st.audit_guest,
				(u64)(c->want == SMBSIGN_AUDIT_GUEST));
	}
	smbsign_pernet_free_test(pn);
}

static void policy_status_map(struct kunit *test)
{
	int dir;

	for (dir = 0; dir < SMBSIGN_DIR_COUNT; dir++) {
		KUNIT_EXPECT_EQ(test, smbsign_verdict_status(SMBSIGN_ALLOW, dir),
				0U);
		KUNIT_EXPECT_EQ(test,
				smbsign_verdict_status(SMBSIGN_AUDIT_UNSIGNED, dir),
				0U);
		KUNIT_EXPECT_EQ(test,
				smbsign_verdict_status(SMBSIGN_AUDIT_GUEST, dir),
				0U);
		KUNIT_EXPECT_EQ(test,
				smbsign_verdict_status(SMBSIGN_REFUSE_UNSIGNED, dir),
				0xc000a000U);
	}
	KUNIT_EXPECT_EQ(test, smbsign_verdict_status(SMBSIGN_REFUSE_GUEST,
						     SMBSIGN_DIR_SERVER),
			0xc05d0002U);
	KUNIT_EXPECT_EQ(test, smbsign_verdict_status(SMBSIGN_REFUSE_GUEST,
						     SMBSIGN_DIR_CLIENT),
			0xc05d0003U);
	/* "System error 3227320323" as Windows prints it. */
	KUNIT_EXPECT_EQ(test, SMBSIGN_STATUS_GUEST_BLOCKED_SIGNING_REQUIRED,
			3227320323U);
	/* -1073700864 as a signed 32-bit value. */
	KUNIT_EXPECT_EQ(test, (s32)SMBSIGN_STATUS_INVALID_SIGNATURE,
			-1073700864);
}

static void policy_parse_algs(struct kunit *test)
{
	u8 algs[SMBSIGN_ALG_COUNT], n = 0;

	KUNIT_ASSERT_EQ(test, smbsign_parse_algs("gmac,cmac,hmac-sha256",
						 algs, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, algs[0], SMBSIGN_ALG_AES_GMAC);
	KUNIT_EXPECT_EQ(test, algs[1], SMBSIGN_ALG_AES_CMAC);
	KUNIT_EXPECT_EQ(test, algs[2], SMBSIGN_ALG_HMAC_SHA256);

	KUNIT_ASSERT_EQ(test, smbsign_parse_algs("AES-CMAC", algs, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, algs[0], SMBSIGN_ALG_AES_CMAC);

	KUNIT_EXPECT_EQ(test, smbsign_parse_algs("", algs, &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_parse_algs("gmac,gmac", algs, &n),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_parse_algs("gmac,md5", algs, &n),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_parse_algs("cmacx", algs, &n), -EINVAL);
}

/* The server chooses by its own preference order (Samba's rule). */
static void policy_pick_alg(struct kunit *test)
{
	struct smbsign_policy pol = {
		.nalgs = 3,
		.algs = { SMBSIGN_ALG_AES_GMAC, SMBSIGN_ALG_AES_CMAC,
			  SMBSIGN_ALG_HMAC_SHA256 },
	};
	static const u16 client_cmac_first[] = { 1, 2, 0 };
	static const u16 client_hmac_cmac[] = { 0, 1 };
	static const u16 client_unknown[] = { 7, 0xffff, 0 };
	static const u16 client_gmac_only[] = { 2 };

	KUNIT_EXPECT_EQ(test, smbsign_policy_pick_alg(&pol, client_cmac_first,
						      3), SMBSIGN_ALG_AES_GMAC);
	KUNIT_EXPECT_EQ(test, smbsign_policy_pick_alg(&pol, client_hmac_cmac,
						      2), SMBSIGN_ALG_AES_CMAC);
	KUNIT_EXPECT_EQ(test, smbsign_policy_pick_alg(&pol, client_unknown,
						      3), SMBSIGN_ALG_HMAC_SHA256);
	KUNIT_EXPECT_EQ(test, smbsign_policy_pick_alg(&pol, client_unknown,
						      2), -ENOENT);
	KUNIT_EXPECT_EQ(test, smbsign_policy_pick_alg(&pol, NULL, 0),
			-ENOENT);

	pol.nalgs = 1;
	pol.algs[0] = SMBSIGN_ALG_AES_CMAC;
	KUNIT_EXPECT_EQ(test, smbsign_policy_pick_alg(&pol, client_gmac_only,
						      1), -ENOENT);
	KUNIT_EXPECT_EQ(test, smbsign_policy_pick_alg(&pol, client_cmac_first,
						      3), SMBSIGN_ALG_AES_CMAC);
}

static bool policy_equal(const struct smbsign_policy *a,
			 const struct smbsign_policy *b)
{
	return a->require_signing == b->require_signing &&
	       a->audit == b->audit && a->allow_guest == b->allow_guest &&
	       a->nalgs == b->nalgs && !memcmp(a->algs, b->algs, a->nalgs);
}

/* A new namespace starts from the module parameters. */
static void policy_pernet_defaults(struct kunit *test)
{
	struct smbsign_policy def, pol;
	struct smbsign_pernet *pn;
	int dir;

	pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, pn);
	for (dir = 0; dir < SMBSIGN_DIR_COUNT; dir++) {
		smbsign_policy_default(dir, &def);
		smbsign_pn_policy_get(pn, dir, &pol);
		KUNIT_EXPECT_TRUE(test, policy_equal(&def, &pol));
		KUNIT_EXPECT_GE(test, pol.nalgs, 1);
		KUNIT_EXPECT_LE(test, pol.nalgs, SMBSIGN_ALG_COUNT);
	}
	smbsign_pernet_free_test(pn);
}

/* Two namespaces, different policies, separate counters. */
static void policy_pernet_isolation(struct kunit *test)
{
	struct smbsign_policy_update upd[SMBSIGN_DIR_COUNT] = { };
	struct smbsign_pernet *a, *b;
	struct smbsign_policy pa, pb, before;
	struct smbsign_stats st;

	a = smbsign_pernet_alloc_test();
	b = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);

	smbsign_pn_policy_get(b, SMBSIGN_DIR_CLIENT, &before);
	upd[SMBSIGN_DIR_CLIENT].set_require = true;
	upd[SMBSIGN_DIR_CLIENT].require = !before.require_signing;
	upd[SMBSIGN_DIR_CLIENT].nalgs = 1;
	upd[SMBSIGN_DIR_CLIENT].algs[0] = SMBSIGN_ALG_HMAC_SHA256;
	KUNIT_ASSERT_EQ(test, smbsign_pn_policy_update(a, upd, NULL), 0);

	smbsign_pn_policy_get(a, SMBSIGN_DIR_CLIENT, &pa);
	smbsign_pn_policy_get(b, SMBSIGN_DIR_CLIENT, &pb);
	KUNIT_EXPECT_NE(test, pa.require_signing, pb.require_signing);
	KUNIT_EXPECT_EQ(test, pa.nalgs, 1);
	KUNIT_EXPECT_EQ(test, pa.algs[0], SMBSIGN_ALG_HMAC_SHA256);
	KUNIT_EXPECT_TRUE(test, policy_equal(&pb, &before));
	/* Partial update: the rest of a's policy is untouched. */
	KUNIT_EXPECT_EQ(test, pa.audit, before.audit);
	KUNIT_EXPECT_EQ(test, pa.allow_guest, before.allow_guest);

	set_policy(test, a, SMBSIGN_DIR_SERVER, true, false, false);
	set_policy(test, b, SMBSIGN_DIR_SERVER, false, false, false);
	KUNIT_EXPECT_EQ(test, smbsign_pn_decide(a, SMBSIGN_DIR_SERVER, 1,
						false, false),
			SMBSIGN_REFUSE_UNSIGNED);
	KUNIT_EXPECT_EQ(test, smbsign_pn_decide(b, SMBSIGN_DIR_SERVER, 1,
						false, false),
			SMBSIGN_ALLOW);
	smbsign_pn_stats_get(a, SMBSIGN_DIR_SERVER, &st);
	KUNIT_EXPECT_EQ(test, st.refused_unsigned, 1ULL);
	smbsign_pn_stats_get(b, SMBSIGN_DIR_SERVER, &st);
	KUNIT_EXPECT_EQ(test, st.refused_unsigned, 0ULL);

	smbsign_pernet_free_test(a);
	smbsign_pernet_free_test(b);
}

static void policy_update_rejects(struct kunit *test)
{
	struct smbsign_policy_update upd[SMBSIGN_DIR_COUNT] = { };
	struct smbsign_policy before, after;
	struct smbsign_pernet *pn;

	pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, pn);
	smbsign_pn_policy_get(pn, SMBSIGN_DIR_SERVER, &before);

	upd[SMBSIGN_DIR_CLIENT].set_require = true;
	upd[SMBSIGN_DIR_SERVER].set_require = true;
	upd[SMBSIGN_DIR_SERVER].require = !before.require_signing;
	upd[SMBSIGN_DIR_SERVER].nalgs = 2;
	upd[SMBSIGN_DIR_SERVER].algs[0] = SMBSIGN_ALG_AES_CMAC;
	upd[SMBSIGN_DIR_SERVER].algs[1] = SMBSIGN_ALG_AES_CMAC;
	KUNIT_EXPECT_EQ(test, smbsign_pn_policy_update(pn, upd, NULL),
			-EINVAL);
	upd[SMBSIGN_DIR_SERVER].algs[1] = 3;
	KUNIT_EXPECT_EQ(test, smbsign_pn_policy_update(pn, upd, NULL),
			-EINVAL);
	upd[SMBSIGN_DIR_SERVER].nalgs = 4;
	KUNIT_EXPECT_EQ(test, smbsign_pn_policy_update(pn, upd, NULL),
			-EINVAL);

	/* A rejected update changes nothing, in either direction. */
	smbsign_pn_policy_get(pn, SMBSIGN_DIR_SERVER, &after);
	KUNIT_EXPECT_TRUE(test, policy_equal(&before, &after));
	smbsign_pernet_free_test(pn);
}

struct walk_ctx {
	int n;
	struct smbsign_session_info last;
};

static int walk_count(const struct smbsign_session_info *si, void *arg)
{
	struct walk_ctx *ctx = arg;

	ctx->n++;
	ctx->last = *si;
	return 0;
}

static int walk_stop_after_one(const struct smbsign_session_info *si,
			       void *arg)
{
	struct walk_ctx *ctx = arg;

	if (ctx->n)
		return -EMSGSIZE;
	ctx->n++;
	return 0;
}

/* Sessions registry and message counters. */
static void policy_sessions_counters(struct kunit *test)
{
	struct smbsign_session *s1, *s2, *s3;
	struct walk_ctx ctx = { };
	struct smbsign_pernet *pn;
	struct smbsign_stats st;
	u64 pos = 0;

	pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, pn);

	s1 = smbsign_pn_session_register(pn, SMBSIGN_DIR_CLIENT, 0x11,
					 SMBSIGN_DIALECT_3_1_1,
					 SMBSIGN_ALG_AES_GMAC);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s1));
	s2 = smbsign_pn_session_register(pn, SMBSIGN_DIR_SERVER, 0x22,
					 SMBSIGN_DIALECT_2_1,
					 SMBSIGN_ALG_HMAC_SHA256);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s2));
	s3 = smbsign_pn_session_register(pn, SMBSIGN_DIR_SERVER, 1,
					 SMBSIGN_DIALECT_3_0, 9);
	KUNIT_EXPECT_TRUE(test, IS_ERR(s3));

	smbsign_session_signed(s1);
	smbsign_session_signed(s1);
	smbsign_session_verified(s1);
	smbsign_session_verify_failed(s1, 0x0008, 42);
	smbsign_session_verified(s2);

	smbsign_pn_stats_get(pn, SMBSIGN_DIR_CLIENT, &st);
	KUNIT_EXPECT_EQ(test, st.signed_msgs, 2ULL);
	KUNIT_EXPECT_EQ(test, st.verified, 1ULL);
	KUNIT_EXPECT_EQ(test, st.verify_failures, 1ULL);
	KUNIT_EXPECT_EQ(test, st.alg_signed[SMBSIGN_ALG_AES_GMAC], 2ULL);
	KUNIT_EXPECT_EQ(test, st.alg_failures[SMBSIGN_ALG_AES_GMAC], 1ULL);
	KUNIT_EXPECT_EQ(test, st.alg_signed[SMBSIGN_ALG_AES_CMAC], 0ULL);
	KUNIT_EXPECT_EQ(test, st.sessions, 1U);
	smbsign_pn_stats_get(pn, SMBSIGN_DIR_SERVER, &st);
	KUNIT_EXPECT_EQ(test, st.verified, 1ULL);
	KUNIT_EXPECT_EQ(test, st.alg_verified[SMBSIGN_ALG_HMAC_SHA256], 1ULL);

	KUNIT_EXPECT_EQ(test, smbsign_pn_session_walk(pn, &pos, NULL,
						      walk_count, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.n, 2);
	KUNIT_EXPECT_EQ(test, pos, 2ULL);
	KUNIT_EXPECT_EQ(test, ctx.last.id, 0x22ULL);
	KUNIT_EXPECT_EQ(test, ctx.last.dialect, SMBSIGN_DIALECT_2_1);
	KUNIT_EXPECT_EQ(test, ctx.last.verified, 1ULL);

	/* A dump that runs out of room resumes where it stopped. */
	memset(&ctx, 0, sizeof(ctx));
	pos = 0;
	KUNIT_EXPECT_EQ(test, smbsign_pn_session_walk(pn, &pos, NULL,
						      walk_stop_after_one,
						      &ctx), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, pos, 1ULL);

	smbsign_pn_stats_reset(pn);
	smbsign_pn_stats_get(pn, SMBSIGN_DIR_CLIENT, &st);
	KUNIT_EXPECT_EQ(test, st.signed_msgs, 0ULL);
	KUNIT_EXPECT_EQ(test, st.verify_failures, 0ULL);
	KUNIT_EXPECT_EQ(test, st.sessions, 1U);

	smbsign_session_unregister(s1);
	smbsign_session_unregister(s2);
	smbsign_session_unregister(NULL);
	smbsign_pn_stats_get(pn, SMBSIGN_DIR_CLIENT, &st);
	KUNIT_EXPECT_EQ(test, st.sessions, 0U);
	smbsign_pernet_free_test(pn);
}

/*
 * A dump resumes after the last session it sent even when sessions were
 * unregistered in between (an index cursor skipped the next one), and the
 * generation tells the dump that the list changed.
 */
static void policy_sessions_cursor(struct kunit *test)
{
	struct smbsign_session *s[4];
	struct walk_ctx ctx = { };
	struct smbsign_pernet *pn;
	unsigned int gen1, gen2;
	u64 pos = 0;
	int i;

	pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, pn);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = smbsign_pn_session_register(pn, SMBSIGN_DIR_SERVER,
						   0x100 + i,
						   SMBSIGN_DIALECT_3_1_1,
						   SMBSIGN_ALG_AES_CMAC);
		KUNIT_ASSERT_FALSE(test, IS_ERR(s[i]));
	}

	/* first "skb": one session, 0x100 */
	KUNIT_EXPECT_EQ(test, smbsign_pn_session_walk(pn, &pos, &gen1,
						      walk_stop_after_one,
						      &ctx), -EMSGSIZE);
	/* 0x100 (sent) and 0x102 (not yet) go away */
	smbsign_session_unregister(s[0]);
	smbsign_session_unregister(s[2]);

	/* the rest: 0x101 and 0x103, nothing skipped or repeated */
	memset(&ctx, 0, sizeof(ctx));
	KUNIT_EXPECT_EQ(test, smbsign_pn_session_walk(pn, &pos, &gen2,
						      walk_count, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.n, 2);
	KUNIT_EXPECT_EQ(test, ctx.last.id, 0x103ULL);
	KUNIT_EXPECT_NE(test, gen1, gen2);

	/* past the end: nothing more */
	memset(&ctx, 0, sizeof(ctx));
	KUNIT_EXPECT_EQ(test, smbsign_pn_session_walk(pn, &pos, &gen1,
						      walk_count, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.n, 0);
	KUNIT_EXPECT_EQ(test, gen1, gen2);

	smbsign_session_unregister(s[1]);
	smbsign_session_unregister(s[3]);
	smbsign_pernet_free_test(pn);
}

static int walk_take_one(const struct smbsign_session_info *si, void *arg)
{
	struct walk_ctx *ctx = arg;

	if (ctx->n)
		return -EMSGSIZE;
	ctx->n++;
	ctx->last = *si;
	return 0;
}

/*
 * A dump of many sessions, one per "skb": every session exactly once, in
 * registration order, each call starting at its cursor; a session that
 * registers while the dump runs, after one has gone, is still reached (its
 * index is not the freed one, which lies behind the cursor).
 */
#define RESUME_N	300
static void policy_sessions_resume(struct kunit *test)
{
	struct smbsign_session **s, *late;
	struct smbsign_pernet *pn;
	struct walk_ctx ctx;
	u64 pos = 0;
	int i, n;

	s = kunit_kcalloc(test, RESUME_N, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, pn);
	for (i = 0; i < RESUME_N; i++) {
		s[i] = smbsign_pn_session_register(pn, SMBSIGN_DIR_CLIENT,
						   0x1000 + i,
						   SMBSIGN_DIALECT_3_1_1,
						   SMBSIGN_ALG_AES_GMAC);
		KUNIT_ASSERT_FALSE(test, IS_ERR(s[i]));
	}
	late = NULL;
	for (n = 0; n < RESUME_N + 2; n++) {
		memset(&ctx, 0, sizeof(ctx));
		smbsign_pn_session_walk(pn, &pos, NULL, walk_take_one, &ctx);
		if (!ctx.n)
			break;
		KUNIT_EXPECT_EQ(test, ctx.last.id,
				n < RESUME_N ? 0x1000ULL + n : 0x2000ULL);
		if (n == 10) {
			smbsign_session_unregister(s[0]);
			s[0] = NULL;
			late = smbsign_pn_session_register(pn, SMBSIGN_DIR_CLIENT,
							   0x2000,
							   SMBSIGN_DIALECT_3_1_1,
							   SMBSIGN_ALG_AES_GMAC);
			KUNIT_ASSERT_FALSE(test, IS_ERR(late));
		}
	}
	/* RESUME_N sessions and the late one, then nothing */
	KUNIT_EXPECT_EQ(test, n, RESUME_N + 1);
	KUNIT_EXPECT_EQ(test, ctx.n, 0);
	for (i = 0; i < RESUME_N; i++)
		smbsign_session_unregister(s[i]);
	smbsign_session_unregister(late);
	smbsign_pernet_free_test(pn);
}

/* Events of a KUnit instance (net == NULL) with one of two SessionIds. */
#define EV_SID_SESSION	0x5e5510e7c0ffee01ULL
#define EV_SID_VERIFY	0x5e5510e7c0ffee02ULL

struct ev_count {
	struct notifier_block nb;
	int n[2];		/* per enum smbsign_event_type */
	u32 suppressed[2];	/* of the last event */
	bool audited;
};

static int ev_count_cb(struct notifier_block *nb, unsigned long type,
		       void *data)
{
	struct ev_count *c = container_of(nb, struct ev_count, nb);
	const struct smbsign_event *ev = data;

	if (ev->net || type > SMBSIGN_EVENT_SESSION ||
	    ev->session_id != (type == SMBSIGN_EVENT_SESSION ?
			       EV_SID_SESSION : EV_SID_VERIFY))
		return NOTIFY_DONE;
	c->n[type]++;
	c->suppressed[type] = ev->suppressed;
	if (type == SMBSIGN_EVENT_SESSION)
		c->audited = ev->audited;
	return NOTIFY_OK;
}

/*
 * A burst of refusals (or audit hits) and of verification failures: at
 * most 10 events of each limit reach the notifiers per 5 s, counters count
 * everything, and the first event after the window says how many were
 * suppressed.
 */
static void policy_event_ratelimit(struct kunit *test)
{
	struct ev_count *c;
	struct smbsign_pernet *pn;
	struct smbsign_stats st;
	int i;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->nb.notifier_call = ev_count_cb;
	pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, pn);
	set_policy(test, pn, SMBSIGN_DIR_SERVER, true, false, false);
	KUNIT_ASSERT_EQ(test, smbsign_event_notifier_register(&c->nb), 0);

	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test,
				smbsign_pn_decide(pn, SMBSIGN_DIR_SERVER,
						  EV_SID_SESSION, false,
						  i & 1),
				i & 1 ? SMBSIGN_REFUSE_GUEST :
					SMBSIGN_REFUSE_UNSIGNED);
	for (i = 0; i < 30; i++)
		smbsign_pn_verify_failure(pn, SMBSIGN_DIR_CLIENT,
					  SMBSIGN_ALG_AES_GMAC, EV_SID_VERIFY,
					  0x0008, 1000 + i);
	KUNIT_EXPECT_EQ(test, c->n[SMBSIGN_EVENT_SESSION], 10);
	KUNIT_EXPECT_EQ(test, c->suppressed[SMBSIGN_EVENT_SESSION], 0U);
	KUNIT_EXPECT_EQ(test, c->n[SMBSIGN_EVENT_VERIFY_FAIL], 10);
	smbsign_pn_stats_get(pn, SMBSIGN_DIR_SERVER, &st);
	KUNIT_EXPECT_EQ(test, st.refused_unsigned + st.refused_guest, 100ULL);
	smbsign_pn_stats_get(pn, SMBSIGN_DIR_CLIENT, &st);
	KUNIT_EXPECT_EQ(test, st.verify_failures, 30ULL);

	/* the next window: one event each, carrying what was suppressed */
	msleep(5100);
	set_policy(test, pn, SMBSIGN_DIR_SERVER, true, true, false);
	KUNIT_EXPECT_EQ(test, smbsign_pn_decide(pn, SMBSIGN_DIR_SERVER,
						EV_SID_SESSION, false, false),
			SMBSIGN_AUDIT_UNSIGNED);
	smbsign_pn_verify_failure(pn, SMBSIGN_DIR_CLIENT, SMBSIGN_ALG_AES_GMAC,
				  EV_SID_VERIFY, 0x0008, 2000);
	KUNIT_EXPECT_EQ(test, c->n[SMBSIGN_EVENT_SESSION], 11);
	KUNIT_EXPECT_EQ(test, c->suppressed[SMBSIGN_EVENT_SESSION], 90U);
	KUNIT_EXPECT_TRUE(test, c->audited);
	KUNIT_EXPECT_EQ(test, c->n[SMBSIGN_EVENT_VERIFY_FAIL], 11);
	KUNIT_EXPECT_EQ(test, c->suppressed[SMBSIGN_EVENT_VERIFY_FAIL], 20U);

	KUNIT_EXPECT_EQ(test, smbsign_event_notifier_unregister(&c->nb), 0);
	KUNIT_EXPECT_EQ(test, smbsign_event_notifier_unregister(&c->nb),
			-ENOENT);
	smbsign_pernet_free_test(pn);
}

static struct kunit_case smbsign_policy_cases[] = {
	KUNIT_CASE_PARAM(policy_decide_table, decide_gen_params),
	KUNIT_CASE(policy_status_map),
	KUNIT_CASE(policy_parse_algs),
	KUNIT_CASE(policy_pick_alg),
	KUNIT_CASE(policy_pernet_defaults),
	KUNIT_CASE(policy_pernet_isolation),
	KUNIT_CASE(policy_update_rejects),
	KUNIT_CASE(policy_sessions_counters),
	KUNIT_CASE(policy_sessions_cursor),
	KUNIT_CASE(policy_sessions_resume),
	KUNIT_CASE(policy_event_ratelimit),
	{}
};

static struct kunit_suite smbsign_policy_suite = {
	.name = "smbsign-policy",
	.test_cases = smbsign_policy_cases,
};

kunit_test_suite(smbsign_policy_suite);

MODULE_DESCRIPTION("smbsign require-signing policy KUnit tests");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SMBSIGN_NS);
/* MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING), before and after 6.13 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
