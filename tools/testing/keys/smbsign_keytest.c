// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign_keytest: a consumer of smbsign for the guest tests, with a known
 * session key (keytest.h).  Not loaded at boot; see
 * tools/testing/keys/guest-test.sh (key hygiene),
 * tools/testing/lifecycle/guest-test.sh (a consumer holding keys pins
 * smbsign) and tools/testing/fuzz/guest-test.sh (sessions to dump).
 *
 * At load, with keys=1 (the default), for every dialect and each algorithm
 * it allows: derive the signing key (smbsign_derive_signing_key(), checked
 * against keytest.h), create a key from the session key
 * (smbsign_key_create()) and one from the derived key
 * (smbsign_key_alloc()), sign a message with the first and verify it with
 * the second, check that a flipped bit is rejected, register a session in
 * init_net (kept until unload, so dumps list it) and report the failure
 * on it (an event).  hold=1 keeps the keys until unload, where they sign
 * and verify once more before being released.  sessions=N registers N more
 * sessions in init_net.  leak=1 is the control of the hygiene test: it
 * prints the session key and the SMB 3.1.1 signing key to the kernel log,
 * which the test must then find.  It never prints a key otherwise.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <linux/smbsign.h>

#include "keytest.h"

MODULE_IMPORT_NS(SMBSIGN_NS);

#define KT_SID(n)		(0x6b65797465737400ULL + (n))
#define KT_MANY_SID(n)		(0x6b65796d616e0000ULL + (n))
#define KT_MSG_LEN		200
#define KT_MAX_KEYS		16

static bool keys = true;
module_param(keys, bool, 0444);
MODULE_PARM_DESC(keys, "run the key scenario at load (default Y)");

static bool hold;
module_param(hold, bool, 0444);
MODULE_PARM_DESC(hold, "keep the keys until unload (default N)");

static unsigned int sessions;
module_param(sessions, uint, 0444);
MODULE_PARM_DESC(sessions, "extra sessions to register in init_net (0)");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "hygiene-test control: print the keys (default N)");

static const struct {
	u16 dialect;
	u16 alg;
} kt_cases[] = {
	{ SMBSIGN_DIALECT_2_0_2, SMBSIGN_ALG_HMAC_SHA256 },
	{ SMBSIGN_DIALECT_2_1, SMBSIGN_ALG_HMAC_SHA256 },
	{ SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_AES_CMAC },
	{ SMBSIGN_DIALECT_3_0_2, SMBSIGN_ALG_AES_CMAC },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_HMAC_SHA256 },
};

static struct smbsign_key *held[KT_MAX_KEYS];
static unsigned int nheld;
static struct smbsign_session *kt_sess[ARRAY_SIZE(kt_cases)];
static struct smbsign_session **many;

/* An SMB2 request header (a READ, MessageId n) and a payload. */
static void kt_msg(u8 *msg, u64 sid, u64 n)
{
	unsigned int i;

	memset(msg, 0, KT_MSG_LEN);
	memcpy(msg, "\xfeSMB", 4);
	msg[4] = SMBSIGN_HDR_SIZE;
	msg[12] = 0x08;
	put_unaligned_le32(SMBSIGN_FLAG_SIGNED, msg + SMBSIGN_FLAGS_OFFSET);
	put_unaligned_le64(n, msg + SMBSIGN_MSGID_OFFSET);
	put_unaligned_le64(sid, msg + 40);
	for (i = SMBSIGN_HDR_SIZE; i < KT_MSG_LEN; i++)
		msg[i] = i * 7;
}

static const u8 *kt_expected(u16 dialect)
{
	switch (dialect) {
	case SMBSIGN_DIALECT_3_0:
	case SMBSIGN_DIALECT_3_0_2:
		return kt_key_300;
	case SMBSIGN_DIALECT_3_1_1:
		return kt_key_311;
	default:
		return kt_session_key;
	}
}

static int kt_case(unsigned int i, u8 *msg)
{
	u16 dialect = kt_cases[i].dialect, alg = kt_cases[i].alg;
	struct smbsign_key *a = NULL, *b = NULL;
	u8 derived[SMBSIGN_KEY_SIZE];
	const char *what;
	int ret;

	what = "derive";
	ret = smbsign_derive_signing_key(dialect, kt_session_key,
					 sizeof(kt_session_key), kt_preauth,
					 derived);
	if (!ret && memcmp(derived, kt_expected(dialect), sizeof(derived)))
		ret = -EINVAL;
	if (ret)
		goto out;
	what = "create";
	a = smbsign_key_create(dialect, alg, kt_session_key,
			       sizeof(kt_session_key), kt_preauth);
	if (IS_ERR(a)) {
		ret = PTR_ERR(a);
		a = NULL;
		goto out;
	}
	what = "alloc";
	b = smbsign_key_alloc(dialect, alg, derived, sizeof(derived));
	if (IS_ERR(b)) {
		ret = PTR_ERR(b);
		b = NULL;
		goto out;
	}
	what = "sign/verify";
	kt_msg(msg, KT_SID(i), i);
	ret = smbsign_sign_buf(a, msg, KT_MSG_LEN) ?:
	      smbsign_verify_buf(b, msg, KT_MSG_LEN);
	if (ret)
		goto out;
	what = "tamper";
	msg[KT_MSG_LEN - 1] ^= 1;
	ret = smbsign_verify_buf(b, msg, KT_MSG_LEN) == -EBADMSG ? 0 : -EINVAL;
	if (ret)
		goto out;
	what = "session";
	kt_sess[i] = smbsign_session_register(&init_net, i & 1, KT_SID(i),
					      dialect, alg);
	if (IS_ERR(kt_sess[i])) {
		ret = PTR_ERR(kt_sess[i]);
		kt_sess[i] = NULL;
		goto out;
	}
	smbsign_session_signed(kt_sess[i]);
	smbsign_session_verified(kt_sess[i]);
	smbsign_session_verify_failed(kt_sess[i], 0x0008, i);
	if (hold && nheld + 2 <= KT_MAX_KEYS) {
		held[nheld++] = a;
		held[nheld++] = b;
		a = NULL;
		b = NULL;
	}
out:
	memzero_explicit(derived, sizeof(derived));
	pr_info("dialect 0x%03x %s: %s\n", dialect, smbsign_alg_name(alg),
		ret ? what : "derived, signed, verified, tamper rejected");
	if (ret)
		pr_err("dialect 0x%03x %s: %s failed: %d\n", dialect,
		       smbsign_alg_name(alg), what, ret);
	if (a)
		smbsign_key_put(a);
	if (b)
		smbsign_key_put(b);
	return ret;
}

static void kt_release(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_sess); i++) {
		if (kt_sess[i])
			smbsign_session_unregister(kt_sess[i]);
		kt_sess[i] = NULL;
	}
	for (i = 0; many && i < sessions; i++)
		if (!IS_ERR_OR_NULL(many[i]))
			smbsign_session_unregister(many[i]);
	kvfree(many);
	many = NULL;
	for (i = 0; i < nheld; i++)
		smbsign_key_put(held[i]);
	nheld = 0;
}

static int __init smbsign_keytest_init(void)
{
	unsigned int i;
	int ret = 0;
	u8 *msg;

	if (leak) {
		/* the control: what the hygiene test must find */
		pr_info("control leak: session key %*phN\n",
			(int)sizeof(kt_session_key), kt_session_key);
		pr_info("control leak: 3.1.1 signing key %*ph\n",
			(int)sizeof(kt_key_311), kt_key_311);
		return 0;
	}
	msg = kmalloc(KT_MSG_LEN, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	for (i = 0; keys && i < ARRAY_SIZE(kt_cases) && !ret; i++)
		ret = kt_case(i, msg);
	kfree(msg);
	if (!ret && sessions) {
		many = kvcalloc(sessions, sizeof(*many), GFP_KERNEL);
		if (!many)
			ret = -ENOMEM;
		for (i = 0; many && i < sessions && !ret; i++) {
			many[i] = smbsign_session_register(&init_net, i & 1,
							   KT_MANY_SID(i),
							   SMBSIGN_DIALECT_3_1_1,
							   SMBSIGN_ALG_AES_CMAC);
			if (IS_ERR(many[i]))
				ret = PTR_ERR(many[i]);
		}
	}
	if (ret) {
		kt_release();
		return ret;
	}
	pr_info("keys: %s, %u sessions registered, %u keys held\n",
		keys ? "every case passed" : "not run",
		(keys ? (unsigned int)ARRAY_SIZE(kt_cases) : 0) + sessions,
		nheld);
	return 0;
}

static void __exit smbsign_keytest_exit(void)
{
	unsigned int i, good = 0;
	u8 *msg = kmalloc(KT_MSG_LEN, GFP_KERNEL);

	/* the held keys still work: smbsign could not go away under them */
	for (i = 0; msg && i + 1 < nheld; i += 2) {
		kt_msg(msg, KT_SID(i), 1000 + i);
		if (!smbsign_sign_buf(held[i], msg, KT_MSG_LEN) &&
		    !smbsign_verify_buf(held[i + 1], msg, KT_MSG_LEN))
			good += 2;
	}
	kfree(msg);
	if (nheld)
		pr_info("held keys: %u of %u still sign and verify\n", good,
			nheld);
	kt_release();
}

module_init(smbsign_keytest_init);
module_exit(smbsign_keytest_exit);

MODULE_DESCRIPTION("smbsign: a consumer with a known session key, for the guest tests");
MODULE_LICENSE("GPL");
