// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign_stress: kernel threads that use smbsign concurrently, for the
 * guest test tools/testing/qemu/guest-tests/stress.sh (which runs policy
 * changes over netlink, an events listener, session dumps, namespaces
 * created and deleted and `rmmod smbsign` attempts at the same time).
 *
 * For seconds= seconds after it is loaded:
 *
 *   signers= threads sign and verify a message with each of three keys
 *   (HMAC-SHA256, AES-CMAC, AES-GMAC) that all of them share, check the
 *   signature against the one computed at load, check that a tampered
 *   copy fails, and sign and verify a three-element compound chain;
 *
 *   one thread creates and drops keys (smbsign_key_create(), every
 *   dialect and algorithm; the simd parameter may change under it) and
 *   takes and drops extra references to the shared keys;
 *
 *   one thread registers sessions in init_net and in whatever network
 *   namespace is alive (the guest test creates and deletes them), counts
 *   messages and verification failures on them (verification failures
 *   are events the listener gets), asks for session decisions in those
 *   namespaces and unregisters the sessions, a few at a time.
 *
 * Anything unexpected is counted and logged ("smbsign_stress: error: ...").
 * At unload it logs one line:
 *   "smbsign_stress: done: sign S verify V tamper T compound C keys K
 *    refs R sessions N netns-sessions M decisions D errors E"
 * and the guest test checks E is 0 and the counts are not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smbsign.h>
#include <net/net_namespace.h>

MODULE_IMPORT_NS(SMBSIGN_NS);

static unsigned int seconds = 20;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long the threads run [20]");

static unsigned int signers = 2;
module_param(signers, uint, 0444);
MODULE_PARM_DESC(signers, "threads signing and verifying on the shared keys [2]");

static unsigned int hold_sessions;
module_param(hold_sessions, uint, 0444);
MODULE_PARM_DESC(hold_sessions,
		 "sessions registered in init_net from load to unload, for dumps [0]");

#define STRESS_MAX_SIGNERS	8
#define STRESS_MAX_HELD		4096
#define STRESS_MSG		512
#define STRESS_SESSIONS		8

static const u16 stress_dialect[SMBSIGN_ALG_COUNT] = {
	[SMBSIGN_ALG_HMAC_SHA256] = SMBSIGN_DIALECT_2_1,
	[SMBSIGN_ALG_AES_CMAC] = SMBSIGN_DIALECT_3_0,
	[SMBSIGN_ALG_AES_GMAC] = SMBSIGN_DIALECT_3_1_1,
};

static struct smbsign_key *stress_keys[SMBSIGN_ALG_COUNT];
static u8 stress_sig[SMBSIGN_ALG_COUNT][SMBSIGN_SIG_SIZE];
static struct task_struct *stress_tasks[STRESS_MAX_SIGNERS + 2];
static struct smbsign_session **stress_held;
static unsigned long stress_end;

static atomic64_t n_sign, n_verify, n_tamper, n_compound, n_keys, n_refs;
static atomic64_t n_sessions, n_netns_sessions, n_decisions;
static atomic_t n_errors;

#define stress_error(fmt, ...)						\
	do {								\
		if (atomic_inc_return(&n_errors) <= 10)			\
			pr_err("error: " fmt "\n", ##__VA_ARGS__);	\
	} while (0)

static const u8 stress_sk[SMBSIGN_KEY_SIZE] = {
	0x53, 0x54, 0x52, 0x45, 0x53, 0x53, 0x2d, 0x6b,
	0x65, 0x79, 0x2d, 0x30, 0x31, 0x32, 0x33, 0x34,
};

/* A message (@next: NextCommand) with an SMB2 header, signature zeroed. */
static void stress_msg(u8 *m, size_t len, u32 next, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		m[i] = seed + i * 13;
	memcpy(m, "\xfeSMB", 4);
	m[4] = 64;
	memset(m + 5, 0, SMBSIGN_HDR_SIZE - 5);
	m[12] = 9;				/* WRITE */
	m[SMBSIGN_FLAGS_OFFSET] = SMBSIGN_FLAG_SIGNED;
	for (i = 0; i < 4; i++)
		m[SMBSIGN_NEXTCMD_OFFSET + i] = next >> (8 * i);
	m[SMBSIGN_MSGID_OFFSET] = seed;
}

static bool stress_time_left(void)
{
	return !kthread_should_stop() && time_before(jiffies, stress_end);
}

/* Wait for kthread_stop() once the time is up, as kthreads must. */
static int stress_idle(void)
{
	while (!kthread_should_stop())
		msleep_interruptible(20);
	return 0;
}

static void stress_sign_one(u8 *m, int a)
{
	struct smbsign_key *key = stress_keys[a];
	int ret;

	stress_msg(m, STRESS_MSG, 0, 0x11);
	ret = smbsign_sign_buf(key, m, STRESS_MSG);
	if (ret) {
		stress_error("sign alg %d: %d", a, ret);
		return;
	}
	atomic64_inc(&n_sign);
	if (memcmp(m + SMBSIGN_SIG_OFFSET, stress_sig[a], SMBSIGN_SIG_SIZE))
		stress_error("alg %d: signature differs from the one at load",
			     a);
	ret = smbsign_verify_buf(key, m, STRESS_MSG);
	if (ret)
		stress_error("verify alg %d: %d", a, ret);
	else
		atomic64_inc(&n_verify);
	m[100 + (get_random_u32() % (STRESS_MSG - 100))] ^= 1 << (get_random_u32() % 8);
	ret = smbsign_verify_buf(key, m, STRESS_MSG);
	if (ret != -EBADMSG)
		stress_error("tampered message, alg %d: %d, want %d", a, ret,
			     -EBADMSG);
	else
		atomic64_inc(&n_tamper);
}

static void stress_compound(u8 *m, int a)
{
	struct smbsign_key *key = stress_keys[a];
	struct kvec iov[2];
	unsigned int bad = 0;
	int ret;

	stress_msg(m, 128, 128, 0x21);
	stress_msg(m + 128, 192, 192, 0x22);
	stress_msg(m + 320, STRESS_MSG - 320, 0, 0x23);
	/* kvecs that do not follow the elements */
	iov[0].iov_base = m;
	iov[0].iov_len = 200;
	iov[1].iov_base = m + 200;
	iov[1].iov_len = STRESS_MSG - 200;
	ret = smbsign_sign_compound(key, iov, 2) ?:
	      smbsign_verify_compound(key, iov, 2, &bad);
	if (ret) {
		stress_error("compound alg %d: %d (element %u)", a, ret, bad);
		return;
	}
	m[128 + 70] ^= 0x80;		/* the second element's body */
	ret = smbsign_verify_compound(key, iov, 2, &bad);
	if (ret != -EBADMSG || bad != 1)
		stress_error("tampered compound alg %d: %d element %u", a, ret,
			     bad);
	else
		atomic64_inc(&n_compound);
}

static int stress_signer(void *data)
{
	u8 *m = kmalloc(STRESS_MSG, GFP_KERNEL);
	unsigned long i = (unsigned long)data;

	if (!m) {
		stress_error("signer: no memory");
		return stress_idle();
	}
	while (stress_time_left()) {
		int a = i++ % SMBSIGN_ALG_COUNT;

		stress_sign_one(m, a);
		stress_compound(m, a);
		cond_resched();
	}
	kfree(m);
	return stress_idle();
}

static int stress_key_churn(void *data)
{
	static const u16 dialects[] = {
		SMBSIGN_DIALECT_2_0_2, SMBSIGN_DIALECT_2_1,
		SMBSIGN_DIALECT_3_0, SMBSIGN_DIALECT_3_0_2,
		SMBSIGN_DIALECT_3_1_1,
	};
	u8 preauth[SMBSIGN_PREAUTH_HASH_SIZE];
	u8 m[STRESS_MSG];
	unsigned int i = 0;

	memset(preauth, 0x5c, sizeof(preauth));
	while (stress_time_left()) {
		u16 d = dialects[i % ARRAY_SIZE(dialects)];
		u16 a = d == SMBSIGN_DIALECT_3_1_1 ?
			(i / ARRAY_SIZE(dialects)) % SMBSIGN_ALG_COUNT :
			smbsign_default_alg(d);
		struct smbsign_key *key, *ref;
		int ret;

		i++;
		key = smbsign_key_create(d, a, stress_sk, sizeof(stress_sk),
					 preauth);
		if (IS_ERR(key)) {
			stress_error("key_create 0x%x alg %u: %ld", d, a,
				     PTR_ERR(key));
			continue;
		}
		stress_msg(m, STRESS_MSG, 0, 0x31);
		ret = smbsign_sign_buf(key, m, STRESS_MSG) ?:
		      smbsign_verify_buf(key, m, STRESS_MSG);
		if (ret)
			stress_error("new key 0x%x alg %u: %d", d, a, ret);
		smbsign_key_put(key);
		atomic64_inc(&n_keys);

		/* extra references to a shared key, as a consumer takes */
		ref = smbsign_key_get(stress_keys[i % SMBSIGN_ALG_COUNT]);
		smbsign_key_put(ref);
		atomic64_inc(&n_refs);
		cond_resched();
	}
	return stress_idle();
}

/* A reference to some live network namespace (init_net at worst). */
static struct net *stress_pick_net(unsigned int nth)
{
	struct net *net, *pick = NULL;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_net_rcu(net)
		n++;
	nth %= n ?: 1;
	for_each_net_rcu(net) {
		if (nth--)
			continue;
		pick = maybe_get_net(net);
		break;
	}
	rcu_read_unlock();
	return pick ?: get_net(&init_net);
}

static int stress_sessions(void *data)
{
	struct smbsign_session *sess[STRESS_SESSIONS] = { };
	unsigned int i = 0, k;

	while (stress_time_left()) {
		unsigned int slot = i % STRESS_SESSIONS;
		enum smbsign_dir dir = i & 1;
		u64 sid = 0x57e55000000ULL + i;
		struct net *net;

		/* may drop the last reference to a namespace deleted since */
		smbsign_session_unregister(sess[slot]);
		sess[slot] = NULL;
		net = stress_pick_net(get_random_u32());
		sess[slot] = smbsign_session_register(net, dir, sid,
						      SMBSIGN_DIALECT_3_1_1,
						      i % SMBSIGN_ALG_COUNT);
		if (IS_ERR(sess[slot])) {
			stress_error("session_register: %ld",
				     PTR_ERR(sess[slot]));
			sess[slot] = NULL;
			put_net(net);
			continue;
		}
		atomic64_inc(&n_sessions);
		if (!net_eq(net, &init_net))
			atomic64_inc(&n_netns_sessions);
		smbsign_session_signed(sess[slot]);
		smbsign_session_verified(sess[slot]);
		if (i % 4 == 0)
			smbsign_session_verify_failed(sess[slot], 8, i);
		smbsign_session_decide(net, dir, sid, i % 3 != 0, i % 5 == 0);
		atomic64_inc(&n_decisions);
		/* the session keeps the namespace alive from here on */
		put_net(net);
		i++;
		if (i % 16 == 0)
			usleep_range(1000, 2000);
		cond_resched();
	}
	for (k = 0; k < STRESS_SESSIONS; k++)
		smbsign_session_unregister(sess[k]);
	return stress_idle();
}

static void stress_stop(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stress_tasks); i++)
		if (!IS_ERR_OR_NULL(stress_tasks[i]))
			kthread_stop(stress_tasks[i]);
	for (i = 0; i < SMBSIGN_ALG_COUNT; i++)
		smbsign_key_put(stress_keys[i]);
	for (i = 0; stress_held && i < hold_sessions; i++)
		smbsign_session_unregister(stress_held[i]);
	kfree(stress_held);
	stress_held = NULL;
}

static int __init smbsign_stress_init(void)
{
	u8 m[STRESS_MSG];
	unsigned int i, t = 0;
	int a;

	if (!signers || signers > STRESS_MAX_SIGNERS ||
	    hold_sessions > STRESS_MAX_HELD)
		return -EINVAL;
	if (hold_sessions) {
		stress_held = kcalloc(hold_sessions, sizeof(*stress_held),
				      GFP_KERNEL);
		if (!stress_held)
			return -ENOMEM;
	}
	for (i = 0; i < hold_sessions; i++) {
		stress_held[i] = smbsign_session_register(&init_net, i & 1,
							  0x401d000000ULL + i,
							  SMBSIGN_DIALECT_3_1_1,
							  i % SMBSIGN_ALG_COUNT);
		if (IS_ERR(stress_held[i])) {
			int err = PTR_ERR(stress_held[i]);

			stress_held[i] = NULL;
			stress_stop();
			return err;
		}
	}
	for (a = 0; a < SMBSIGN_ALG_COUNT; a++) {
		stress_keys[a] = smbsign_key_alloc(stress_dialect[a], a,
						   stress_sk,
						   sizeof(stress_sk));
		if (IS_ERR(stress_keys[a])) {
			int err = PTR_ERR(stress_keys[a]);

			stress_keys[a] = NULL;
			stress_stop();
			return err;
		}
		stress_msg(m, STRESS_MSG, 0, 0x11);
		if (smbsign_sign_buf(stress_keys[a], m, STRESS_MSG)) {
			stress_stop();
			return -EIO;
		}
		memcpy(stress_sig[a], m + SMBSIGN_SIG_OFFSET, SMBSIGN_SIG_SIZE);
	}

	stress_end = jiffies + seconds * HZ;
	for (i = 0; i < signers; i++)
		stress_tasks[t++] = kthread_run(stress_signer,
						(void *)(unsigned long)i,
						"smbsign_stress/%u", i);
	stress_tasks[t++] = kthread_run(stress_key_churn, NULL,
					"smbsign_stress/keys");
	stress_tasks[t++] = kthread_run(stress_sessions, NULL,
					"smbsign_stress/sess");
	for (i = 0; i < t; i++) {
		if (IS_ERR(stress_tasks[i])) {
			int err = PTR_ERR(stress_tasks[i]);

			stress_tasks[i] = NULL;
			stress_stop();
			return err;
		}
	}
	pr_info("started: %u signers, %u s, %u sessions held\n", signers,
		seconds, hold_sessions);
	return 0;
}

static void __exit smbsign_stress_exit(void)
{
	stress_stop();
	pr_info("done: sign %lld verify %lld tamper %lld compound %lld keys %lld refs %lld sessions %lld netns-sessions %lld decisions %lld errors %d\n",
		atomic64_read(&n_sign), atomic64_read(&n_verify),
		atomic64_read(&n_tamper), atomic64_read(&n_compound),
		atomic64_read(&n_keys), atomic64_read(&n_refs),
		atomic64_read(&n_sessions), atomic64_read(&n_netns_sessions),
		atomic64_read(&n_decisions), atomic_read(&n_errors));
}

module_init(smbsign_stress_init);
module_exit(smbsign_stress_exit);

MODULE_DESCRIPTION("smbsign: concurrent signing, keys and sessions for the stress test");
MODULE_LICENSE("GPL");
