// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a hardware or async cbc(aes) must not break smbsign.
 *
 * On 6.1 Intel QAT registers cbc(aes) as qat_aes_cbc at priority 4001
 * (AES-NI's is 400), async, allocating memory per request, with a request
 * far larger than the stack room smbsign gives one. Taking it, smbsign
 * refused every crypto-API CMAC key, so on a CPU without AVX, in FIPS mode
 * or with simd=0 its self-test failed and the module did not load (review
 * H2). Worse, an engine that fits would be handed stack memory and the zero
 * page for DMA.
 *
 * Each case registers a stand-in at priority 5000 that forwards to the
 * software cbc(aes) and counts its calls: one flagged like QAT (async,
 * ALLOCATES_MEMORY, KERN_DRIVER_ONLY) and one that is only async with a
 * 1 KiB request. With the simd parameter off, CMAC keys must come out
 * working (RFC 4493), never name the stand-in, never call it, and the
 * load-time self-test must pass.
 */
#include <kunit/test.h>
#include <crypto/aes.h>
#include <crypto/internal/skcipher.h>
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/smbsign.h>
#include <linux/string.h>

#include "../smbsign/smbsign.h"

#define ENGINE_DRIVER	"cbc-aes-smbsign-engine-test"
#define ENGINE_REQSIZE	1024

static atomic_t engine_calls = ATOMIC_INIT(0);

struct engine_ctx {
	struct crypto_skcipher *fb;
};

static int engine_init(struct crypto_skcipher *tfm)
{
	struct engine_ctx *ctx = crypto_skcipher_ctx(tfm);

	ctx->fb = crypto_alloc_skcipher("cbc(aes)", 0, CRYPTO_ALG_ASYNC |
					CRYPTO_ALG_NEED_FALLBACK);
	if (IS_ERR(ctx->fb))
		return PTR_ERR(ctx->fb);
	crypto_skcipher_set_reqsize(tfm, ENGINE_REQSIZE +
				    sizeof(struct skcipher_request) +
				    crypto_skcipher_reqsize(ctx->fb));
	return 0;
}

static void engine_exit(struct crypto_skcipher *tfm)
{
	struct engine_ctx *ctx = crypto_skcipher_ctx(tfm);

	crypto_free_skcipher(ctx->fb);
}

static int engine_setkey(struct crypto_skcipher *tfm, const u8 *key,
			 unsigned int len)
{
	struct engine_ctx *ctx = crypto_skcipher_ctx(tfm);

	return crypto_skcipher_setkey(ctx->fb, key, len);
}

static int engine_crypt(struct skcipher_request *req, bool enc)
{
	struct engine_ctx *ctx = crypto_skcipher_ctx(crypto_skcipher_reqtfm(req));
	struct skcipher_request *sub = skcipher_request_ctx(req);

	atomic_inc(&engine_calls);
	skcipher_request_set_tfm(sub, ctx->fb);
	skcipher_request_set_callback(sub, req->base.flags, NULL, NULL);
	skcipher_request_set_crypt(sub, req->src, req->dst, req->cryptlen,
				   req->iv);
	return enc ? crypto_skcipher_encrypt(sub) : crypto_skcipher_decrypt(sub);
}

static int engine_encrypt(struct skcipher_request *req)
{
	return engine_crypt(req, true);
}

static int engine_decrypt(struct skcipher_request *req)
{
	return engine_crypt(req, false);
}

#define ENGINE_ALG(flags) {						\
	.base.cra_name		= "cbc(aes)",				\
	.base.cra_driver_name	= ENGINE_DRIVER,			\
	.base.cra_priority	= 5000,					\
	.base.cra_flags		= CRYPTO_ALG_ASYNC |			\
				  CRYPTO_ALG_NEED_FALLBACK | (flags),	\
	.base.cra_blocksize	= AES_BLOCK_SIZE,			\
	.base.cra_ctxsize	= sizeof(struct engine_ctx),		\
	.base.cra_module	= THIS_MODULE,				\
	.min_keysize		= AES_MIN_KEY_SIZE,			\
	.max_keysize		= AES_MAX_KEY_SIZE,			\
	.ivsize			= AES_BLOCK_SIZE,			\
	.init			= engine_init,				\
	.exit			= engine_exit,				\
	.setkey			= engine_setkey,			\
	.encrypt		= engine_encrypt,			\
	.decrypt		= engine_decrypt,			\
}

/* As drivers/crypto/qat registers it on 6.1 (priority aside). */
static struct skcipher_alg engine_qat =
	ENGINE_ALG(CRYPTO_ALG_ALLOCATES_MEMORY | CRYPTO_ALG_KERN_DRIVER_ONLY);
/* Async only: passes the mask, but its request does not fit the stack. */
static struct skcipher_alg engine_async = ENGINE_ALG(0);

/* RFC 4493 section 4, Example 3 (40 bytes) */
static const u8 engine_key[AES_KEYSIZE_128] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static const u8 engine_msg[40] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c,
	0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
	0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11,
};

static const u8 engine_mac[16] = {
	0xdf, 0xa6, 0x67, 0x47, 0xde, 0x9a, 0xe6, 0x30,
	0x30, 0xca, 0x32, 0x61, 0x14, 0x97, 0xc8, 0x27,
};

/*
 * With @alg registered and the simd parameter off, create a CMAC key and
 * run the load-time self-test.
 */
static void engine_run(struct kunit *test, struct skcipher_alg *alg)
{
	struct crypto_skcipher *tfm;
	struct smbsign_key *key;
	u8 out[16];
	bool old;

	KUNIT_ASSERT_EQ(test, crypto_register_skcipher(alg), 0);
	/*
	 * "cbc(aes)" without a mask must now be the stand-in (allocating it
	 * also waits for the crypto manager's self-test of it).
	 */
	tfm = crypto_alloc_skcipher("cbc(aes)", 0, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(tfm));
	if (!IS_ERR(tfm)) {
		KUNIT_EXPECT_STREQ(test, crypto_skcipher_driver_name(tfm),
				   ENGINE_DRIVER);
		crypto_free_skcipher(tfm);
	}
	atomic_set(&engine_calls, 0);
	old = smbsign_simd_set(false);

	key = smbsign_key_alloc_raw(SMBSIGN_ALG_AES_CMAC, engine_key,
				    sizeof(engine_key));
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(key), "CMAC key: %ld",
			       PTR_ERR(key));
	if (!IS_ERR(key)) {
		kunit_info(test, "CMAC driver: %s\n", smbsign_key_driver(key));
		KUNIT_EXPECT_NULL(test, strstr(smbsign_key_driver(key),
					       ENGINE_DRIVER));
		KUNIT_EXPECT_EQ(test, smbsign_key_mac_raw(key, engine_msg,
							  sizeof(engine_msg),
							  NULL, out), 0);
		KUNIT_EXPECT_EQ(test, memcmp(out, engine_mac, sizeof(out)), 0);
		smbsign_key_put(key);
	}
	/* the load-time self-test, with the engine registered */
	KUNIT_EXPECT_EQ(test, smbsign_selftest(), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&engine_calls), 0);

	smbsign_simd_set(old);
	crypto_unregister_skcipher(alg);
}

static void smbsign_engine_qat(struct kunit *test)
{
	engine_run(test, &engine_qat);
}

static void smbsign_engine_async_big_request(struct kunit *test)
{
	engine_run(test, &engine_async);
}

static struct kunit_case smbsign_engine_cases[] = {
	KUNIT_CASE(smbsign_engine_qat),
	KUNIT_CASE(smbsign_engine_async_big_request),
	{}
};

static struct kunit_suite smbsign_engine_suite = {
	.name = "smbsign_engine",
	.test_cases = smbsign_engine_cases,
};

kunit_test_suite(smbsign_engine_suite);

MODULE_DESCRIPTION("smbsign KUnit tests: hardware and async cbc(aes) engines");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SMBSIGN_NS);
/* MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING), spelled for 6.1 to 7.x */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
