// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: every allocation of the operations that allocate, failed in turn.
 *
 * For key creation (smbsign_key_alloc(), smbsign_key_create()), key
 * derivation, session registration, a policy update (what the netlink set
 * does) and a namespace's state (what a new netns sets up), the suite fails
 * the 1st, 2nd, 3rd, ... allocation of one call through current->fail_nth
 * (what /proc/thread-self/fail-nth sets), until a call runs with no failure
 * injected.  Each failed call must return its documented error and leave
 * the state as it was (no key, no session registered, the policy and the
 * session count unchanged, a derived key never half written), and the call
 * that finally succeeds must give the right result (its key signs as a
 * key made without faults does).  Signing, verifying and compound chains
 * must reach no injection point at all.  The number of points each
 * operation has is printed.
 *
 * Leaks: the sweeps are repeated until 5000 calls failed (a leak of 26
 * bytes a failure would show) and the slab page counters compared
 * before and after (on KASAN kernels, whose quarantine holds freed objects,
 * each operation is swept once and kmemleak's scan at the end of the run
 * checks instead).
 *
 * fail_nth counts every failslab and fail_page_alloc call site that is not
 * ignored; the guest's init arms both for GFP_KERNEL allocations
 * (ignore-gfp-wait N), and the suite does the same through debugfs where
 * the kernel lets it.  When a kmalloc(GFP_KERNEL) with fail_nth at 1 does
 * not fail, the cases are skipped with the reason.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smbsign.h>
#include <linux/vmstat.h>

#include "../smbsign/smbsign.h"
#include "../smbsign/policy.h"

MODULE_IMPORT_NS(SMBSIGN_NS);
/* MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING), before and after 6.13 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");

static unsigned int fail_total = 5000;
module_param(fail_total, uint, 0444);
MODULE_PARM_DESC(fail_total,
		 "failed calls per case, at least (sweeps are repeated) [5000]");

static unsigned int leak_pages = 32;
module_param(leak_pages, uint, 0444);
MODULE_PARM_DESC(leak_pages,
		 "slab growth over a case's sweeps that counts as a leak [32]");

/* no operation here has anywhere near that many allocations */
#define FAULTS_MAX_POINTS	4096
#define FAULTS_MSG_LEN		256
/* sweeps per case at most */
#define FAULTS_MAX_ROUNDS	2000

static const u8 faults_sk[SMBSIGN_KEY_SIZE] = {
	0x70, 0x5a, 0x3c, 0xa1, 0x19, 0x88, 0x02, 0xfe,
	0x4d, 0x31, 0xc7, 0x6e, 0x90, 0x0b, 0x5f, 0x23,
};

static const struct {
	const char *path;
	const char *val;
} faults_knobs[] = {
	{ "/sys/kernel/debug/failslab/verbose", "0" },
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
};

#if IS_ENABLED(CONFIG_FAULT_INJECTION)
static void faults_nth_set(unsigned int n)
{
	WRITE_ONCE(current->fail_nth, n);
}

static unsigned int faults_nth_get(void)
{
	return READ_ONCE(current->fail_nth);
}
#else
static void faults_nth_set(unsigned int n)
{
}

static unsigned int faults_nth_get(void)
{
	return 0;
}
#endif

/*
 * Probability, interval and task-filter stay as they are: fail_nth fails
 * its call site whatever they say, and they keep other tasks unaffected.
 * Only what makes GFP_KERNEL allocations call sites is set.  Writing from
 * the kernel works where debugfs files have ->write_iter (6.1); elsewhere
 * the guest's init has set the same values.
 */
static int faults_arm(void)
{
	unsigned int i;
	int first = 0;

	for (i = 0; i < ARRAY_SIZE(faults_knobs); i++) {
		struct file *f = filp_open(faults_knobs[i].path, O_WRONLY, 0);
		loff_t pos = 0;
		ssize_t n;

		if (IS_ERR(f)) {
			first = first ?: PTR_ERR(f);
			continue;
		}
		n = kernel_write(f, faults_knobs[i].val,
				 strlen(faults_knobs[i].val), &pos);
		filp_close(f, NULL);
		if (n < 0)
			first = first ?: n;
	}
	return first;
}

/* Whether fail_nth fails a GFP_KERNEL kmalloc() and alloc_page(). */
static bool faults_probe_slab(void)
{
	void *p;

	faults_nth_set(1);
	p = kmalloc(32, GFP_KERNEL);
	faults_nth_set(0);
	kfree(p);
	return !p;
}

static bool faults_probe_page(void)
{
	struct page *pg;

	faults_nth_set(1);
	pg = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	faults_nth_set(0);
	if (pg)
		__free_page(pg);
	return !pg;
}

static int faults_suite_init(struct kunit_suite *suite)
{
	int ret = faults_arm();

	pr_info("smbsign_faults: debugfs knobs: %d, slab faults %s, page faults %s\n",
		ret, faults_probe_slab() ? "armed" : "NOT armed",
		faults_probe_page() ? "armed" : "NOT armed");
	return 0;
}

static void faults_require(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_FAULT_INJECTION) || !faults_probe_slab())
		kunit_skip(test,
			   "fail_nth does not fail GFP_KERNEL allocations (FAILSLAB, ignore-gfp-wait)");
}

/*
 * Unreclaimable slab only: smbsign's own allocations are plain kmalloc.
 * Reclaimable caches (the xarray nodes of the sessions registry among
 * them) keep the pages of objects freed through RCU until memory
 * pressure shrinks them: 7.2 kept 57 pages over 2,000 session
 * registrations with a leak-free xarray, which a page count cannot tell
 * from a leak. kmemleak (make check-debug) checks every object instead.
 */
static unsigned long faults_slab_pages(void)
{
	return global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
}

/* One operation under test; @ctx is the case's state. */
struct faults_op {
	/* 0 or a negative errno; on 0 the op's effect is in the context */
	int (*run)(void *ctx);
	/* after a failure: is the state what it was before run()? */
	bool (*unchanged)(void *ctx);
	/* after success: is the result right? then undo it */
	bool (*check_undo)(void *ctx);
	/* errors the operation documents for an allocation failure */
	int err1, err2;
	/* the operation must reach no injection point at all */
	bool no_points;
	/* sweeps at most, if fewer than FAULTS_MAX_ROUNDS */
	unsigned int max_rounds;
};

struct faults_result {
	unsigned int points;	/* injection points of a call that succeeds */
	unsigned int failed;	/* calls that failed as documented */
	unsigned int absorbed;	/* injected failures the call survived */
	unsigned int bad_err, changed, wrong, runaway;
	int first_bad_err;
	unsigned int first_bad_n, first_changed_n, first_wrong_n;
};

/* Fail the 1st, 2nd, ... call site of op until a call sees none. */
static void faults_sweep(const struct faults_op *op, void *ctx,
			 struct faults_result *r)
{
	unsigned int n, left;
	int ret;

	for (n = 1; n <= FAULTS_MAX_POINTS; n++) {
		faults_nth_set(n);
		ret = op->run(ctx);
		left = faults_nth_get();
		faults_nth_set(0);

		if (ret) {
			if (ret != op->err1 && ret != op->err2) {
				if (!r->bad_err++) {
					r->first_bad_err = ret;
					r->first_bad_n = n;
				}
			} else {
				r->failed++;
			}
			if (op->unchanged && !op->unchanged(ctx) &&
			    !r->changed++)
				r->first_changed_n = n;
			if (!left)
				continue;
			/* failed with no fault injected: counted as wrong */
			if (!r->wrong++)
				r->first_wrong_n = n;
			r->points = n - left;
			return;
		}
		if (op->check_undo && !op->check_undo(ctx) && !r->wrong++)
			r->first_wrong_n = n;
		if (!left) {
			r->absorbed++;
			continue;
		}
		r->points = n - left;
		return;
	}
	r->runaway++;
}

/*
 * Sweep @op once, then again until fail_total calls failed (to make leaks
 * add up), and check the result.
 */
static void faults_case(struct kunit *test, const char *what,
			const struct faults_op *op, void *ctx)
{
	struct faults_result r = { }, r0;
	unsigned long before, after;
	unsigned int rounds = 1, i;
	bool check_leak = !IS_ENABLED(CONFIG_KASAN);
	u64 t0 = ktime_get_ns();

	rcu_barrier();
	before = faults_slab_pages();
	faults_sweep(op, ctx, &r);
	r0 = r;
	/* repeated for the slab check; kmemleak needs one sweep */
	while (check_leak && !r.runaway && r0.failed &&
	       rounds < (op->max_rounds ?: FAULTS_MAX_ROUNDS) &&
	       r.failed + r.bad_err < fail_total) {
		faults_sweep(op, ctx, &r);
		rounds++;
	}
	rcu_barrier();
	after = faults_slab_pages();
	/*
	 * kfree_rcu() batches frees beyond rcu_barrier() before 6.12, and
	 * per-CPU counter deltas fold in late: give growth a while to go.
	 */
	for (i = 0; check_leak && i < 20 &&
	     (long)after - (long)before > (long)leak_pages; i++) {
		msleep(100);
		rcu_barrier();
		after = faults_slab_pages();
	}

	kunit_info(test, "%s: %u injection points, %u failed calls in %u sweeps, %u failures absorbed, slab %+ld pages, %llu ms\n",
		   what, r0.points, r.failed + r.bad_err, rounds, r.absorbed,
		   (long)after - (long)before,
		   div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ_MSG(test, r.runaway, 0U,
			    "%s: still failing after %d points", what,
			    FAULTS_MAX_POINTS);
	KUNIT_EXPECT_EQ_MSG(test, r.bad_err, 0U,
			    "%s: fault at point %u returned %d, not %d or %d",
			    what, r.first_bad_n, r.first_bad_err, op->err1,
			    op->err2);
	KUNIT_EXPECT_EQ_MSG(test, r.changed, 0U,
			    "%s: failure at point %u left the state changed",
			    what, r.first_changed_n);
	KUNIT_EXPECT_EQ_MSG(test, r.wrong, 0U,
			    "%s: wrong result (%u times, first at point %u)",
			    what, r.wrong, r.first_wrong_n);
	if (op->no_points)
		KUNIT_EXPECT_EQ_MSG(test, r0.points + r0.absorbed + r0.failed,
				    0U, "%s: allocates (%u injection points)",
				    what, r0.points + r0.absorbed + r0.failed);
	if (check_leak)
		KUNIT_EXPECT_LE_MSG(test, (long)after - (long)before,
				    (long)leak_pages,
				    "%s: slab grew by %ld pages over %u failed calls: a leak",
				    what, (long)after - (long)before,
				    r.failed + r.bad_err);
}

/* A message of FAULTS_MSG_LEN bytes with an SMB2 header. */
static void faults_msg_init(u8 *m, size_t len, u32 next)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		m[i] = i * 7 + 1;
	memcpy(m, "\xfeSMB", 4);
	m[4] = 64;
	memset(m + 8, 0, 4);			/* status */
	m[12] = 8;				/* READ */
	m[16] = SMBSIGN_FLAG_SIGNED;
	memset(m + 17, 0, 3);
	for (i = 0; i < 4; i++)
		m[SMBSIGN_NEXTCMD_OFFSET + i] = next >> (8 * i);
	memset(m + SMBSIGN_MSGID_OFFSET, 0, 8);
	m[SMBSIGN_MSGID_OFFSET] = 0x42;
	m[SMBSIGN_MSGID_OFFSET + 1] = next >> 4;
	memset(m + SMBSIGN_SIG_OFFSET, 0, SMBSIGN_SIG_SIZE);
}

/* The signature @key gives to the test message, or an error. */
static int faults_sig(struct smbsign_key *key, u8 *sig)
{
	u8 m[FAULTS_MSG_LEN];
	int ret;

	faults_msg_init(m, sizeof(m), 0);
	ret = smbsign_sign_buf(key, m, sizeof(m));
	memcpy(sig, m + SMBSIGN_SIG_OFFSET, SMBSIGN_SIG_SIZE);
	return ret;
}

/* ---- key creation, parameterised by algorithm and implementation ---- */

struct faults_key_param {
	u16 dialect;
	u16 alg;
	bool simd;
	const char *name;
};

static const struct faults_key_param faults_key_params[] = {
	{ SMBSIGN_DIALECT_2_1, SMBSIGN_ALG_HMAC_SHA256, true, "2.1 HMAC-SHA256" },
	{ SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_AES_CMAC, true, "3.0 AES-CMAC" },
	{ SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_AES_CMAC, false, "3.0 AES-CMAC simd=0" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC, true, "3.1.1 AES-GMAC" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC, false, "3.1.1 AES-GMAC simd=0" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC, false, "3.1.1 AES-CMAC simd=0" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_HMAC_SHA256, true, "3.1.1 HMAC-SHA256" },
};

static void faults_key_desc(const struct faults_key_param *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(faults_key, faults_key_params, faults_key_desc);

struct faults_key_ctx {
	const struct faults_key_param *p;
	u8 preauth[SMBSIGN_PREAUTH_HASH_SIZE];
	u8 want_sig[SMBSIGN_SIG_SIZE];
	u8 derived[SMBSIGN_KEY_SIZE];		/* reference */
	u8 out[SMBSIGN_KEY_SIZE];
	char driver[128];			/* of the reference key */
	struct smbsign_key *key;
};

static bool faults_key_check_undo(void *ctx)
{
	struct faults_key_ctx *c = ctx;
	u8 sig[SMBSIGN_SIG_SIZE];
	bool ok;

	/*
	 * Right signature, and the same implementation as a key made without
	 * faults: an allocation failure must fail the call, not leave a
	 * session with a slower fallback for its whole life.
	 */
	ok = !faults_sig(c->key, sig) &&
	     !memcmp(sig, c->want_sig, sizeof(sig)) &&
	     !strcmp(smbsign_key_driver(c->key), c->driver) &&
	     smbsign_key_alg(c->key) == c->p->alg &&
	     smbsign_key_dialect(c->key) == c->p->dialect;
	smbsign_key_put(c->key);
	c->key = NULL;
	return ok;
}

static bool faults_key_unchanged(void *ctx)
{
	struct faults_key_ctx *c = ctx;

	/* the error path returned an ERR_PTR and no key */
	return !c->key;
}

static int faults_key_alloc_run(void *ctx)
{
	struct faults_key_ctx *c = ctx;
	struct smbsign_key *key;

	key = smbsign_key_alloc(c->p->dialect, c->p->alg, c->derived,
				sizeof(c->derived));
	if (IS_ERR(key))
		return PTR_ERR(key);
	c->key = key;
	return 0;
}

static int faults_key_create_run(void *ctx)
{
	struct faults_key_ctx *c = ctx;
	struct smbsign_key *key;

	key = smbsign_key_create(c->p->dialect, c->p->alg, faults_sk,
				 sizeof(faults_sk), c->preauth);
	if (IS_ERR(key))
		return PTR_ERR(key);
	c->key = key;
	return 0;
}

static int faults_derive_run(void *ctx)
{
	struct faults_key_ctx *c = ctx;

	memset(c->out, 0xa5, sizeof(c->out));
	return smbsign_derive_signing_key(c->p->dialect, faults_sk,
					  sizeof(faults_sk), c->preauth,
					  c->out);
}

/* a failed derivation leaves @out as it was or zeroed, never a key */
static bool faults_derive_unchanged(void *ctx)
{
	struct faults_key_ctx *c = ctx;

	return !memchr_inv(c->out, 0xa5, sizeof(c->out)) ||
	       !memchr_inv(c->out, 0, sizeof(c->out));
}

static bool faults_derive_check(void *ctx)
{
	struct faults_key_ctx *c = ctx;

	return !memcmp(c->out, c->derived, sizeof(c->out));
}

static const struct faults_op faults_key_alloc_op = {
	.run = faults_key_alloc_run,
	.unchanged = faults_key_unchanged,
	.check_undo = faults_key_check_undo,
	.err1 = -ENOMEM,
	.err2 = -ENOMEM,
};

static const struct faults_op faults_key_create_op = {
	.run = faults_key_create_run,
	.unchanged = faults_key_unchanged,
	.check_undo = faults_key_check_undo,
	.err1 = -ENOMEM,
	.err2 = -ENOMEM,
};

static const struct faults_op faults_derive_op = {
	.run = faults_derive_run,
	.unchanged = faults_derive_unchanged,
	.check_undo = faults_derive_check,
	.err1 = -ENOMEM,
	.err2 = -ENOMEM,
};

static bool faults_simd_saved;

static int faults_test_init(struct kunit *test)
{
	faults_simd_saved = smbsign_simd_set(true);
	smbsign_simd_set(faults_simd_saved);
	return 0;
}

static void faults_test_exit(struct kunit *test)
{
	smbsign_simd_set(faults_simd_saved);
}

/* The reference key, signature and derived key, made without faults. */
static void faults_key_setup(struct kunit *test, struct faults_key_ctx *c)
{
	struct smbsign_key *ref;
	unsigned int i;

	c->p = test->param_value;
	for (i = 0; i < sizeof(c->preauth); i++)
		c->preauth[i] = i ^ 0x3c;
	smbsign_simd_set(c->p->simd);
	KUNIT_ASSERT_EQ(test, smbsign_derive_signing_key(c->p->dialect,
							 faults_sk,
							 sizeof(faults_sk),
							 c->preauth,
							 c->derived), 0);
	ref = smbsign_key_alloc(c->p->dialect, c->p->alg, c->derived,
				sizeof(c->derived));
	KUNIT_ASSERT_FALSE(test, IS_ERR(ref));
	KUNIT_ASSERT_EQ(test, faults_sig(ref, c->want_sig), 0);
	strscpy(c->driver, smbsign_key_driver(ref), sizeof(c->driver));
	smbsign_key_put(ref);
}

static void faults_key_alloc(struct kunit *test)
{
	struct faults_key_ctx c = { };

	faults_require(test);
	faults_key_setup(test, &c);
	faults_case(test, "smbsign_key_alloc", &faults_key_alloc_op, &c);
}

static void faults_key_create(struct kunit *test)
{
	struct faults_key_ctx c = { };

	faults_require(test);
	faults_key_setup(test, &c);
	faults_case(test, "smbsign_key_create", &faults_key_create_op, &c);
}

static void faults_derive(struct kunit *test)
{
	struct faults_key_ctx c = { };

	faults_require(test);
	faults_key_setup(test, &c);
	faults_case(test, "smbsign_derive_signing_key", &faults_derive_op, &c);
}

/* ---- signing: no allocation at all ---- */

struct faults_sign_ctx {
	struct smbsign_key *key;
	u8 msg[3 * FAULTS_MSG_LEN];
	struct kvec iov[3];
	struct smbsign_preauth pa;
	int what;
};

enum { SIGN_ONE, VERIFY_ONE, SIGN_COMPOUND, VERIFY_COMPOUND, PREAUTH };

static int faults_sign_run(void *ctx)
{
	struct faults_sign_ctx *c = ctx;
	unsigned int bad;

	switch (c->what) {
	case SIGN_ONE:
		return smbsign_sign(c->key, c->iov, 1);
	case VERIFY_ONE:
		return smbsign_verify(c->key, c->iov, 1);
	case SIGN_COMPOUND:
		return smbsign_sign_compound(c->key, c->iov, 3);
	case VERIFY_COMPOUND:
		return smbsign_verify_compound(c->key, c->iov, 3, &bad);
	default:
		return smbsign_preauth_update(&c->pa, c->iov, 3);
	}
}

static const struct faults_op faults_sign_op = {
	.run = faults_sign_run,
	/* any error is wrong here: nothing may fail for want of memory */
	.err1 = 1,
	.err2 = 1,
	.no_points = true,
};

static void faults_sign(struct kunit *test)
{
	static const char *const names[] = {
		"smbsign_sign", "smbsign_verify", "smbsign_sign_compound",
		"smbsign_verify_compound", "smbsign_preauth_update",
	};
	struct faults_key_ctx kc = { };
	struct faults_sign_ctx *c;
	char what[96];

	faults_require(test);
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	faults_key_setup(test, &kc);
	c->key = smbsign_key_alloc(kc.p->dialect, kc.p->alg, kc.derived,
				   sizeof(kc.derived));
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->key));
	/* a chain of three, in three kvecs that do not match its elements */
	faults_msg_init(c->msg, FAULTS_MSG_LEN, FAULTS_MSG_LEN);
	faults_msg_init(c->msg + FAULTS_MSG_LEN, FAULTS_MSG_LEN,
			FAULTS_MSG_LEN);
	faults_msg_init(c->msg + 2 * FAULTS_MSG_LEN, FAULTS_MSG_LEN, 0);
	c->iov[0].iov_base = c->msg;
	c->iov[0].iov_len = 100;
	c->iov[1].iov_base = c->msg + 100;
	c->iov[1].iov_len = 400;
	c->iov[2].iov_base = c->msg + 500;
	c->iov[2].iov_len = sizeof(c->msg) - 500;
	smbsign_preauth_init(&c->pa, NULL);

	for (c->what = SIGN_ONE; c->what <= PREAUTH; c->what++) {
		if (c->what == VERIFY_ONE)
			smbsign_sign(c->key, c->iov, 1);
		if (c->what == VERIFY_COMPOUND)
			smbsign_sign_compound(c->key, c->iov, 3);
		snprintf(what, sizeof(what), "%s", names[c->what]);
		faults_case(test, what, &faults_sign_op, c);
	}
	smbsign_key_put(c->key);
}

/* ---- sessions, policy, namespace state ---- */

struct faults_pn_ctx {
	struct smbsign_pernet *pn;
	struct smbsign_session *sess;
	unsigned int nsessions[SMBSIGN_DIR_COUNT];
	struct smbsign_policy before[SMBSIGN_DIR_COUNT];
	struct smbsign_policy_update upd[SMBSIGN_DIR_COUNT];
	unsigned int flip;
};

static unsigned int faults_pn_sessions(struct smbsign_pernet *pn, int dir)
{
	struct smbsign_stats st;

	smbsign_pn_stats_get(pn, dir, &st);
	return st.sessions;
}

static int faults_count_fn(const struct smbsign_session_info *si, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static unsigned int faults_pn_walk(struct smbsign_pernet *pn)
{
	unsigned int n = 0;
	u64 pos = 0;

	smbsign_pn_session_walk(pn, &pos, NULL, faults_count_fn, &n);
	return n;
}

static int faults_register_run(void *ctx)
{
	struct faults_pn_ctx *c = ctx;
	struct smbsign_session *s;

	s = smbsign_pn_session_register(c->pn, SMBSIGN_DIR_SERVER,
					0xfa017000 + c->flip++,
					SMBSIGN_DIALECT_3_1_1,
					SMBSIGN_ALG_AES_GMAC);
	if (IS_ERR(s))
		return PTR_ERR(s);
	c->sess = s;
	return 0;
}

static bool faults_register_unchanged(void *ctx)
{
	struct faults_pn_ctx *c = ctx;

	return faults_pn_sessions(c->pn, SMBSIGN_DIR_SERVER) ==
	       c->nsessions[SMBSIGN_DIR_SERVER] &&
	       faults_pn_sessions(c->pn, SMBSIGN_DIR_CLIENT) ==
	       c->nsessions[SMBSIGN_DIR_CLIENT] &&
	       faults_pn_walk(c->pn) == c->nsessions[0] + c->nsessions[1];
}

static bool faults_register_check_undo(void *ctx)
{
	struct faults_pn_ctx *c = ctx;
	bool ok;

	ok = faults_pn_sessions(c->pn, SMBSIGN_DIR_SERVER) ==
	     c->nsessions[SMBSIGN_DIR_SERVER] + 1 &&
	     faults_pn_walk(c->pn) == c->nsessions[0] + c->nsessions[1] + 1;
	smbsign_session_unregister(c->sess);
	c->sess = NULL;
	return ok && faults_register_unchanged(ctx);
}

static const struct faults_op faults_register_op = {
	.run = faults_register_run,
	.unchanged = faults_register_unchanged,
	.check_undo = faults_register_check_undo,
	.err1 = -ENOMEM,
	.err2 = -ENOMEM,
};

static void faults_session_register(struct kunit *test)
{
	struct faults_pn_ctx c = { };
	struct smbsign_session *other;

	faults_require(test);
	c.pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, c.pn);
	/* one session already there, in the other direction */
	other = smbsign_pn_session_register(c.pn, SMBSIGN_DIR_CLIENT, 1,
					    SMBSIGN_DIALECT_3_0,
					    SMBSIGN_ALG_AES_CMAC);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	c.nsessions[SMBSIGN_DIR_CLIENT] = 1;
	faults_case(test, "smbsign_session_register", &faults_register_op,
		    &c);
	smbsign_session_unregister(other);
	smbsign_pernet_free_test(c.pn);
}

static bool faults_policy_eq(const struct smbsign_policy *a,
			     const struct smbsign_policy *b)
{
	return a->require_signing == b->require_signing &&
	       a->audit == b->audit && a->allow_guest == b->allow_guest &&
	       a->nalgs == b->nalgs && !memcmp(a->algs, b->algs, a->nalgs);
}

static int faults_policy_run(void *ctx)
{
	struct faults_pn_ctx *c = ctx;
	int d;

	/* each call changes every field, so a success is visible */
	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		struct smbsign_policy_update *u = &c->upd[d];

		smbsign_pn_policy_get(c->pn, d, &c->before[d]);
		memset(u, 0, sizeof(*u));
		u->set_require = true;
		u->set_audit = true;
		u->set_guest = true;
		u->require = !c->before[d].require_signing;
		u->audit = !c->before[d].audit;
		u->allow_guest = !c->before[d].allow_guest;
		u->nalgs = c->before[d].nalgs == 3 ? 1 : 3;
		u->algs[0] = SMBSIGN_ALG_HMAC_SHA256;
		u->algs[1] = SMBSIGN_ALG_AES_GMAC;
		u->algs[2] = SMBSIGN_ALG_AES_CMAC;
	}
	return smbsign_pn_policy_update(c->pn, c->upd, NULL);
}

static bool faults_policy_unchanged(void *ctx)
{
	struct faults_pn_ctx *c = ctx;
	struct smbsign_policy now;
	int d;

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		smbsign_pn_policy_get(c->pn, d, &now);
		if (!faults_policy_eq(&now, &c->before[d]))
			return false;
	}
	return true;
}

static bool faults_policy_check(void *ctx)
{
	struct faults_pn_ctx *c = ctx;
	struct smbsign_policy now;
	int d;

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		const struct smbsign_policy_update *u = &c->upd[d];

		smbsign_pn_policy_get(c->pn, d, &now);
		if (now.require_signing != u->require ||
		    now.audit != u->audit || now.allow_guest != u->allow_guest ||
		    now.nalgs != u->nalgs ||
		    memcmp(now.algs, u->algs, u->nalgs))
			return false;
	}
	return true;
}

static const struct faults_op faults_policy_op = {
	.run = faults_policy_run,
	.unchanged = faults_policy_unchanged,
	.check_undo = faults_policy_check,
	.err1 = -ENOMEM,
	.err2 = -ENOMEM,
};

static void faults_policy_update(struct kunit *test)
{
	struct faults_pn_ctx c = { };

	faults_require(test);
	c.pn = smbsign_pernet_alloc_test();
	KUNIT_ASSERT_NOT_NULL(test, c.pn);
	faults_case(test, "smbsign_pn_policy_update", &faults_policy_op, &c);
	smbsign_pernet_free_test(c.pn);
}

static int faults_pernet_run(void *ctx)
{
	struct faults_pn_ctx *c = ctx;

	c->pn = smbsign_pernet_alloc_test();
	return c->pn ? 0 : -ENOMEM;
}

static bool faults_pernet_check_undo(void *ctx)
{
	struct faults_pn_ctx *c = ctx;
	struct smbsign_policy pol, def;
	bool ok = true;
	int d;

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		smbsign_pn_policy_get(c->pn, d, &pol);
		smbsign_policy_default(d, &def);
		ok &= faults_policy_eq(&pol, &def);
	}
	smbsign_pernet_free_test(c->pn);
	c->pn = NULL;
	return ok;
}

static const struct faults_op faults_pernet_op = {
	.run = faults_pernet_run,
	.check_undo = faults_pernet_check_undo,
	.err1 = -ENOMEM,
	.err2 = -ENOMEM,
	/* each success waits for an RCU grace period */
	.max_rounds = 200,
};

static void faults_pernet(struct kunit *test)
{
	struct faults_pn_ctx c = { };

	faults_require(test);
	faults_case(test, "netns state setup", &faults_pernet_op, &c);
}

static struct kunit_case faults_cases[] = {
	KUNIT_CASE_PARAM(faults_key_alloc, faults_key_gen_params),
	KUNIT_CASE_PARAM(faults_key_create, faults_key_gen_params),
	KUNIT_CASE_PARAM(faults_derive, faults_key_gen_params),
	KUNIT_CASE_PARAM(faults_sign, faults_key_gen_params),
	KUNIT_CASE(faults_session_register),
	KUNIT_CASE(faults_policy_update),
	KUNIT_CASE(faults_pernet),
	{}
};

static struct kunit_suite faults_suite = {
	.name = "smbsign_faults",
	.suite_init = faults_suite_init,
	.init = faults_test_init,
	.exit = faults_test_exit,
	.test_cases = faults_cases,
};

kunit_test_suite(faults_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smbsign: every allocation of key creation, derivation, sessions and policy failed in turn");
