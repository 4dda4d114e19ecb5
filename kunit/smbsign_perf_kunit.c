// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a fast regression guard on signing speed, in ratios only.
 *
 * For each algorithm, smbsign_sign() of a 64 KiB message is timed against
 * the floor the crypto API offers in the same boot, interleaved, and the
 * medians compared: smbsign must stay within 1.2x of
 *   AES-CMAC      one bulk cbc(aes) pass over the message (CBC-MAC floor)
 *   AES-GMAC      gcm(aes), key set once, the message as one AAD entry
 *   HMAC-SHA256   hmac(sha256), key set once
 * Absolute times are never compared: `make check` runs without icount, so
 * the clock is the host's; `make bench` gives exact instruction counts.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/smbsign.h>
#include <linux/sort.h>
#include <linux/timex.h>

MODULE_IMPORT_NS(SMBSIGN_NS);

#define PERF_SIZE	65536
#define PERF_SAMPLES	15
#define PERF_MAX_RATIO	120	/* percent */

static const u8 perf_key[SMBSIGN_KEY_SIZE] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

struct perf_ctx {
	struct kunit *test;
	u16 alg;
	u8 *msg;		/* PERF_SIZE + 16 (GCM tag), one physical run */
	u8 *scratch;		/* cbc output */
	struct smbsign_key *key;
	struct crypto_shash *shash;
	struct crypto_skcipher *cbc;
	struct skcipher_request *cbc_req;
	struct crypto_aead *aead;
	struct aead_request *aead_req;
};

static int perf_floor(struct perf_ctx *c)
{
	struct scatterlist src, dst;
	DECLARE_CRYPTO_WAIT(wait);
	u8 iv[16] = {}, out[32];

	switch (c->alg) {
	case SMBSIGN_ALG_HMAC_SHA256: {
		SHASH_DESC_ON_STACK(desc, c->shash);

		desc->tfm = c->shash;
		return crypto_shash_digest(desc, c->msg, PERF_SIZE, out);
	}
	case SMBSIGN_ALG_AES_CMAC:
		sg_init_one(&src, c->msg, PERF_SIZE);
		sg_init_one(&dst, c->scratch, PERF_SIZE);
		skcipher_request_set_callback(c->cbc_req,
					      CRYPTO_TFM_REQ_MAY_SLEEP,
					      crypto_req_done, &wait);
		skcipher_request_set_crypt(c->cbc_req, &src, &dst, PERF_SIZE,
					   iv);
		return crypto_wait_req(crypto_skcipher_encrypt(c->cbc_req),
				       &wait);
	default:
		/* AAD and the tag slot after it: one entry, in place. */
		sg_init_one(&src, c->msg, PERF_SIZE + SMBSIGN_SIG_SIZE);
		aead_request_set_callback(c->aead_req, CRYPTO_TFM_REQ_MAY_SLEEP,
					  crypto_req_done, &wait);
		aead_request_set_ad(c->aead_req, PERF_SIZE);
		aead_request_set_crypt(c->aead_req, &src, &src, 0, iv);
		return crypto_wait_req(crypto_aead_encrypt(c->aead_req),
				       &wait);
	}
}

static int perf_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int perf_init_ctx(struct perf_ctx *c)
{
	struct kunit *test = c->test;

	c->msg = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					get_order(2 * PERF_SIZE));
	KUNIT_ASSERT_NOT_NULL(test, c->msg);
	c->scratch = c->msg + PERF_SIZE + PAGE_SIZE;
	memcpy(c->msg, "\xfeSMB", 4);
	c->key = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1, c->alg, perf_key,
				   sizeof(perf_key));
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->key));

	switch (c->alg) {
	case SMBSIGN_ALG_HMAC_SHA256:
		c->shash = crypto_alloc_shash("hmac(sha256)", 0, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c->shash));
		return crypto_shash_setkey(c->shash, perf_key,
					   sizeof(perf_key));
	case SMBSIGN_ALG_AES_CMAC:
		c->cbc = crypto_alloc_skcipher("cbc(aes)", 0, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c->cbc));
		c->cbc_req = skcipher_request_alloc(c->cbc, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c->cbc_req);
		return crypto_skcipher_setkey(c->cbc, perf_key,
					      sizeof(perf_key));
	default:
		c->aead = crypto_alloc_aead("gcm(aes)", 0, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c->aead));
		c->aead_req = aead_request_alloc(c->aead, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c->aead_req);
		return crypto_aead_setkey(c->aead, perf_key,
					  sizeof(perf_key)) ?:
		       crypto_aead_setauthsize(c->aead, SMBSIGN_SIG_SIZE);
	}
}

static void perf_exit(struct kunit *test)
{
	struct perf_ctx *c = test->priv;

	if (!c)
		return;
	skcipher_request_free(c->cbc_req);
	aead_request_free(c->aead_req);
	if (!IS_ERR_OR_NULL(c->shash))
		crypto_free_shash(c->shash);
	if (!IS_ERR_OR_NULL(c->cbc))
		crypto_free_skcipher(c->cbc);
	if (!IS_ERR_OR_NULL(c->aead))
		crypto_free_aead(c->aead);
	if (!IS_ERR_OR_NULL(c->key))
		smbsign_key_put(c->key);
	if (c->msg)
		free_pages((unsigned long)c->msg, get_order(2 * PERF_SIZE));
}

static const u16 perf_algs[] = {
	SMBSIGN_ALG_HMAC_SHA256, SMBSIGN_ALG_AES_CMAC, SMBSIGN_ALG_AES_GMAC,
};

static void perf_desc(const u16 *alg, char *desc)
{
	strscpy(desc, smbsign_alg_name(*alg), KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(perf, perf_algs, perf_desc);

static void perf_ratio(struct kunit *test)
{
	u64 floor[PERF_SAMPLES], ours[PERF_SAMPLES], mf, mo;
	struct perf_ctx *c;
	unsigned int i;
	cycles_t t;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->test = test;
	c->alg = *(const u16 *)test->param_value;
	test->priv = c;		/* perf_exit() frees what init allocated */
	KUNIT_ASSERT_EQ(test, perf_init_ctx(c), 0);

	/* Warm up both, then interleave so host noise hits both alike. */
	KUNIT_ASSERT_EQ(test, perf_floor(c), 0);
	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(c->key, c->msg, PERF_SIZE), 0);
	for (i = 0; i < PERF_SAMPLES; i++) {
		t = get_cycles();
		perf_floor(c);
		floor[i] = get_cycles() - t;
		t = get_cycles();
		smbsign_sign_buf(c->key, c->msg, PERF_SIZE);
		ours[i] = get_cycles() - t;
		cond_resched();
	}
	sort(floor, PERF_SAMPLES, sizeof(u64), perf_cmp, NULL);
	sort(ours, PERF_SAMPLES, sizeof(u64), perf_cmp, NULL);
	mf = floor[PERF_SAMPLES / 2];
	mo = ours[PERF_SAMPLES / 2];
	kunit_info(test, "%s 64 KiB: smbsign %llu, floor %llu cycles: %llu%%\n",
		   smbsign_alg_name(c->alg), mo, mf, mf ? mo * 100 / mf : 0);
	KUNIT_EXPECT_LE_MSG(test, mo * 100, mf * PERF_MAX_RATIO,
			    "%s: smbsign is more than 1.2x the floor (%s)",
			    smbsign_alg_name(c->alg),
			    smbsign_key_driver(c->key));
}

static struct kunit_case perf_cases[] = {
	KUNIT_CASE_PARAM(perf_ratio, perf_gen_params),
	{}
};

static struct kunit_suite perf_suite = {
	.name = "smbsign_perf",
	.exit = perf_exit,
	.test_cases = perf_cases,
};

kunit_test_suite(perf_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smbsign: signing speed against the crypto API floor");
