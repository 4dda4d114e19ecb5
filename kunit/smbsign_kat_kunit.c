// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign KUnit known-answer suites: the primitives (RFC 4493 AES-CMAC,
 * RFC 4231 HMAC-SHA256, GCM/CAVP/IEEE 802.1AE AES-GMAC, SP 800-108 KDF),
 * the SMB 3.1.1 preauth integrity chains and the SMB messages Microsoft
 * published, all table-driven from smbsign_vectors.h (generated from
 * tools/testing/vectors/ by gen-kunit-vectors.py).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <kunit/test.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/err.h>
#include <linux/fips.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
/* get/put_unaligned_*: <linux/unaligned.h> or <asm/unaligned.h> via compat.h */
#include <linux/smbsign.h>

#include "../smbsign/smbsign.h"
#include "smbsign_vectors.h"

#define KAT_MAX_MSG	2048

/* Compare @len bytes; on mismatch fail the test naming the vector. */
static bool kat_memeq(struct kunit *test, const char *vec, const char *what,
		      const u8 *got, const u8 *want, size_t len)
{
	if (!memcmp(got, want, len))
		return true;
	KUNIT_FAIL(test, "%s: %s mismatch\n\tgot  %*phN\n\twant %*phN",
		   vec, what, (int)min_t(size_t, len, 64), got,
		   (int)min_t(size_t, len, 64), want);
	return false;
}

/* Split @len bytes of @buf into up to 4 kvecs at odd offsets. */
static unsigned int kat_split(struct kvec *iov, const u8 *buf, size_t len)
{
	static const size_t cuts[] = { 7, 33, 53 };
	unsigned int n = 0;
	size_t pos = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(cuts) && cuts[i] < len; i++) {
		iov[n].iov_base = (void *)buf + pos;
		iov[n].iov_len = cuts[i] - pos;
		pos = cuts[i];
		n++;
	}
	iov[n].iov_base = (void *)buf + pos;
	iov[n].iov_len = len - pos;
	return n + 1;
}

/* ------------------------------------------------------------ raw MACs */

static void kat_mac_desc(const struct smbsign_vec_mac *v, char *desc)
{
	strscpy(desc, v->desc, KUNIT_PARAM_DESC_SIZE);
}

/*
 * Regenerate data given as a seed: SHA256(seed || be32(0)) ||
 * SHA256(seed || be32(1)) || ... truncated to @len (see gen-kunit-vectors.py).
 */
static u8 *kat_gen_stream(struct kunit *test, const struct smbsign_vec_mac *v)
{
	struct crypto_shash *tfm;
	size_t slen = strlen(v->data_seed), off = 0;
	u8 in[64], block[32], digest[32];
	u32 i = 0;
	u8 *buf;
	int ret;

	if (slen + 4 > sizeof(in)) {
		KUNIT_FAIL(test, "%s: seed too long", v->desc);
		return NULL;
	}
	tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(tfm)) {
		KUNIT_FAIL(test, "%s: sha256: %ld", v->desc, PTR_ERR(tfm));
		return NULL;
	}
	buf = kvmalloc(v->data_len, GFP_KERNEL);
	if (!buf) {
		crypto_free_shash(tfm);
		KUNIT_FAIL(test, "%s: out of memory", v->desc);
		return NULL;
	}
	memcpy(in, v->data_seed, slen);
	ret = 0;
	while (off < v->data_len && !ret) {
		size_t n = min_t(size_t, sizeof(block), v->data_len - off);

		put_unaligned_be32(i++, in + slen);
		ret = crypto_shash_tfm_digest(tfm, in, slen + 4, block);
		memcpy(buf + off, block, n);
		off += n;
	}
	if (!ret)
		ret = crypto_shash_tfm_digest(tfm, buf, v->data_len, digest);
	crypto_free_shash(tfm);
	if (ret) {
		KUNIT_FAIL(test, "%s: sha256 failed: %d", v->desc, ret);
		kvfree(buf);
		return NULL;
	}
	if (!kat_memeq(test, v->desc, "generated data SHA-256", digest,
		       v->data_sha256, sizeof(digest))) {
		kvfree(buf);
		return NULL;
	}
	return buf;
}

/* FIPS mode's hmac(sha256) (6.1, 6.12) refuses keys under 112 bits. */
#define KAT_FIPS_HMAC_MIN_KEY	(112 / 8)

static bool kat_fips_refuses(u16 alg, size_t klen)
{
	return fips_enabled && alg == SMBSIGN_ALG_HMAC_SHA256 &&
	       klen < KAT_FIPS_HMAC_MIN_KEY;
}

static void kat_run_mac(struct kunit *test, u16 alg,
			const struct smbsign_vec_mac *v)
{
	struct smbsign_key *key;
	const u8 *data = v->data;
	u8 *gen = NULL;
	u8 out[16];
	int ret;

	if (kat_fips_refuses(alg, v->key_len))
		kunit_skip(test, "%s: FIPS mode: %zu-byte HMAC key under 112 bits",
			   v->desc, v->key_len);
	if (!data) {
		gen = kat_gen_stream(test, v);
		if (!gen)
			return;
		data = gen;
	}
	key = smbsign_key_alloc_raw(alg, v->key, v->key_len);
	if (IS_ERR_OR_NULL(key)) {
		KUNIT_FAIL(test, "%s: smbsign_key_alloc_raw(%s, %zu-byte key): %ld",
			   v->desc, smbsign_alg_name(alg), v->key_len,
			   PTR_ERR(key));
		kvfree(gen);
		return;
	}
	memset(out, 0xa5, sizeof(out));
	ret = smbsign_key_mac_raw(key, data, v->data_len,
				  alg == SMBSIGN_ALG_AES_GMAC ? v->nonce : NULL,
				  out);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: smbsign_key_mac_raw", v->desc);
	if (!ret)
		kat_memeq(test, v->desc, "MAC", out, v->mac, sizeof(out));
	smbsign_key_put(key);
	kvfree(gen);
}

KUNIT_ARRAY_PARAM(kat_cmac, smbsign_vec_cmac, kat_mac_desc);
KUNIT_ARRAY_PARAM(kat_hmac, smbsign_vec_hmac, kat_mac_desc);
KUNIT_ARRAY_PARAM(kat_gmac, smbsign_vec_gmac, kat_mac_desc);

static void smbsign_kat_cmac_test(struct kunit *test)
{
	kat_run_mac(test, SMBSIGN_ALG_AES_CMAC, test->param_value);
}

static void smbsign_kat_hmac_test(struct kunit *test)
{
	kat_run_mac(test, SMBSIGN_ALG_HMAC_SHA256, test->param_value);
}

static void smbsign_kat_gmac_test(struct kunit *test)
{
	kat_run_mac(test, SMBSIGN_ALG_AES_GMAC, test->param_value);
}

/*
 * A SIMD GMAC key on a kernel and CPU whose gcm(aes) is faster for long
 * messages (smbsign_simd_gmac_defers_long(): what impl=auto measured at
 * load) hands those to gcm(aes). Under QEMU TCG smbsign's code wins, so
 * the choice is forced here and every GMAC vector (65,537 bytes among
 * them) goes through the mixed key.
 */
static void smbsign_kat_gmac_deferred(struct kunit *test)
{
	bool old;

	if (!smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC))
		kunit_skip(test, "smbsign's SIMD GMAC is not in use here");
	old = smbsign_simd_gmac_defer_set(true);
	kat_run_mac(test, SMBSIGN_ALG_AES_GMAC, test->param_value);
	smbsign_simd_gmac_defer_set(old);
}

/*
 * Every GMAC vector with each slower GHASH than the CPU's best (the 128-bit
 * one, and 256-bit VPCLMULQDQ below a 512-bit one): the keys a CPU signs
 * with are checked by the self-test at load and by the cases above; these
 * keep the others checked on a CPU that has them. Skipped where the CPU
 * has no GHASH of the capped kind (no VPCLMULQDQ under QEMU TCG).
 */
static void kat_gmac_capped(struct kunit *test, int cap, const char *name)
{
	static const u8 k[SMBSIGN_KEY_SIZE] = { 1 };
	struct smbsign_key *key;
	bool has;
	int old;

	if (!smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC))
		kunit_skip(test, "smbsign's SIMD GMAC is not in use here");
	old = smbsign_simd_ghash_limit(cap);
	key = smbsign_key_alloc_raw(SMBSIGN_ALG_AES_GMAC, k, sizeof(k));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
	has = !!strstr(smbsign_key_driver(key), name);
	smbsign_key_put(key);
	if (has)
		kat_run_mac(test, SMBSIGN_ALG_AES_GMAC, test->param_value);
	smbsign_simd_ghash_limit(old);
	if (!has)
		kunit_skip(test, "no %s GHASH on this CPU", name);
}

static void smbsign_kat_gmac_pclmul(struct kunit *test)
{
	kat_gmac_capped(test, SMBSIGN_GHASH_PCLMUL, "-pclmul-avx");
}

static void smbsign_kat_gmac_vpclmul_avx2(struct kunit *test)
{
	kat_gmac_capped(test, SMBSIGN_GHASH_VPCLMUL_AVX2, "-vpclmul-avx2");
}

/* The mixed key names both implementations, where gcm(aes) qualifies. */
static void smbsign_kat_gmac_deferred_driver(struct kunit *test)
{
	static const u8 k[SMBSIGN_KEY_SIZE] = { 1 };
	struct smbsign_key *key;
	bool old;

	if (!smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC))
		kunit_skip(test, "smbsign's SIMD GMAC is not in use here");
	old = smbsign_simd_gmac_defer_set(true);
	key = smbsign_key_alloc_raw(SMBSIGN_ALG_AES_GMAC, k, sizeof(k));
	smbsign_simd_gmac_defer_set(old);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
	kunit_info(test, "driver: %s\n", smbsign_key_driver(key));
	KUNIT_EXPECT_TRUE(test, smbsign_key_simd(key));
#ifdef SMBSIGN_HAVE_GCM_SCATTERED_AAD
	KUNIT_EXPECT_NOT_NULL(test, strstr(smbsign_key_driver(key), "+"));
#else
	KUNIT_EXPECT_NULL(test, strstr(smbsign_key_driver(key), "+"));
#endif
	smbsign_key_put(key);
}

static void kat_expect_raw_einval(struct kunit *test, u16 alg, size_t klen)
{
	static const u8 k[64] = { 1, 2, 3 };
	struct smbsign_key *key;

	key = smbsign_key_alloc_raw(alg, klen ? k : NULL, klen);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(key) && PTR_ERR(key) == -EINVAL,
			      "%s with a %zu-byte key: got %ld, want -EINVAL",
			      smbsign_alg_name(alg), klen,
			      IS_ERR(key) ? PTR_ERR(key) : 0L);
	if (!IS_ERR_OR_NULL(key))
		smbsign_key_put(key);
}

/* AES-128 MACs take exactly 16 bytes of key. */
static void smbsign_kat_aes_key_len(struct kunit *test)
{
	static const size_t bad[] = { 0, 1, 15, 17, 24, 32 };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		kat_expect_raw_einval(test, SMBSIGN_ALG_AES_CMAC, bad[i]);
		kat_expect_raw_einval(test, SMBSIGN_ALG_AES_GMAC, bad[i]);
	}
}

/* HMAC takes any key length >= 1 (RFC 4231 cases use 4..131 bytes). */
static void smbsign_kat_hmac_key_len(struct kunit *test)
{
	kat_expect_raw_einval(test, SMBSIGN_ALG_HMAC_SHA256, 0);
}

/*
 * Every padding case of SHA-256 (message lengths 0..300 cover each
 * remainder mod 64 several times, one or two padding blocks, the copied
 * and the streamed paths) and key lengths around the block size (shorter,
 * equal, hashed first), against the kernel's hmac(sha256): smbsign may
 * use its own SHA-256 (before 2026-12), the crypto API is the reference.
 */
static void smbsign_kat_hmac_vs_shash(struct kunit *test)
{
	/* 5000: the key is hashed across an FPU section boundary */
	static const size_t klens[] = { 1, 16, 63, 64, 65, 128, 131, 192, 256,
					300, 5000 };
	const size_t max = 300;
	struct crypto_shash *tfm;
	u8 digest[SHA256_DIGEST_SIZE], out[16];
	size_t i, len, n = 0;
	u8 *k, *msg;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tfm));
	k = kunit_kmalloc(test, klens[ARRAY_SIZE(klens) - 1], GFP_KERNEL);
	msg = kunit_kmalloc(test, max, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, k);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	for (i = 0; i < klens[ARRAY_SIZE(klens) - 1]; i++)
		k[i] = i * 7 + 1;
	for (i = 0; i < max; i++)
		msg[i] = i * 13 + 5;

	for (i = 0; i < ARRAY_SIZE(klens); i++) {
		struct smbsign_key *key;

		if (kat_fips_refuses(SMBSIGN_ALG_HMAC_SHA256, klens[i])) {
			kunit_info(test, "FIPS mode: %zu-byte key skipped\n",
				   klens[i]);
			continue;
		}
		key = smbsign_key_alloc_raw(SMBSIGN_ALG_HMAC_SHA256, k,
					    klens[i]);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
		KUNIT_ASSERT_EQ(test, crypto_shash_setkey(tfm, k, klens[i]), 0);
		for (len = 0; len <= max; len++, n++) {
			KUNIT_ASSERT_EQ(test, crypto_shash_tfm_digest(tfm, msg,
								      len,
								      digest),
					0);
			KUNIT_ASSERT_EQ(test, smbsign_key_mac_raw(key, msg, len,
								  NULL, out),
					0);
			if (memcmp(out, digest, sizeof(out))) {
				KUNIT_FAIL(test, "%zu-byte key, %zu bytes (%s): not as %s",
					   klens[i], len, smbsign_key_driver(key),
					   crypto_shash_driver_name(tfm));
				break;
			}
		}
		smbsign_key_put(key);
	}
	kunit_info(test, "%zu key and message lengths match %s\n", n,
		   crypto_shash_driver_name(tfm));
	crypto_free_shash(tfm);
}

/* ---------------------------------------------------------------- KDF */

static void kat_prf_desc(const struct smbsign_vec_prf *v, char *desc)
{
	strscpy(desc, v->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kat_prf, smbsign_vec_kdf_cavp, kat_prf_desc);

/*
 * NIST CAVP counter-mode KDF: the fixed input is an opaque blob, so check
 * the PRF step K(i) = HMAC-SHA256(KI, [i]_32 || fixed) that the SMB KDF is
 * built on, as far as the 16-byte raw HMAC shows it.
 */
static void smbsign_kat_kdf_cavp_prf(struct kunit *test)
{
	const struct smbsign_vec_prf *v = test->param_value;
	struct smbsign_key *key;
	u8 out[16];
	u8 *in;
	int ret;

	in = kunit_kmalloc(test, v->fixed_len + 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, in);
	put_unaligned_be32(v->counter, in);
	memcpy(in + 4, v->fixed, v->fixed_len);

	key = smbsign_key_alloc_raw(SMBSIGN_ALG_HMAC_SHA256, v->ki, v->ki_len);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(key),
			       "%s: smbsign_key_alloc_raw: %ld", v->desc,
			       PTR_ERR(key));
	ret = smbsign_key_mac_raw(key, in, v->fixed_len + 4, NULL, out);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: smbsign_key_mac_raw", v->desc);
	if (!ret)
		kat_memeq(test, v->desc, "K(i)", out, v->expect, v->expect_len);
	smbsign_key_put(key);
}

static void kat_kdf_desc(const struct smbsign_vec_kdf *v, char *desc)
{
	strscpy(desc, v->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kat_kdf, smbsign_vec_kdf_smb, kat_kdf_desc);

/* SMB key derivations through smbsign_kdf() and, for signing keys,
 * smbsign_derive_signing_key() and smbsign_key_create().
 */
static void smbsign_kat_kdf_smb(struct kunit *test)
{
	const struct smbsign_vec_kdf *v = test->param_value;
	u8 out[64];
	int ret;

	KUNIT_ASSERT_LE(test, v->ko_len, sizeof(out));
	memset(out, 0xa5, sizeof(out));
	ret = smbsign_kdf(v->ki, v->ki_len, v->label, v->label_len,
			  v->context, v->context_len, out, v->ko_len);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: smbsign_kdf", v->desc);
	if (!ret)
		kat_memeq(test, v->desc, "smbsign_kdf output", out, v->ko,
			  v->ko_len);

	if (!v->signing_key)
		return;
	memset(out, 0xa5, sizeof(out));
	ret = smbsign_derive_signing_key(v->dialect, v->ki, v->ki_len,
					 v->dialect == SMBSIGN_DIALECT_3_1_1 ?
					 v->context : NULL, out);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: smbsign_derive_signing_key",
			    v->desc);
	if (!ret)
		kat_memeq(test, v->desc, "derived signing key", out, v->ko, 16);
	/* 3.0.2 derives exactly like 3.0 */
	if (v->dialect == SMBSIGN_DIALECT_3_0) {
		memset(out, 0xa5, sizeof(out));
		ret = smbsign_derive_signing_key(SMBSIGN_DIALECT_3_0_2, v->ki,
						 v->ki_len, NULL, out);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: 3.0.2 derive", v->desc);
		if (!ret)
			kat_memeq(test, v->desc, "3.0.2 derived signing key",
				  out, v->ko, 16);
	}
}

/*
 * [MS-SMB2] 3.2.1.3: Session.SessionKey is the first 16 bytes of the GSS
 * key, zero-padded if shorter; 2.x signs with it, 3.x derives from it.
 */
static void smbsign_kat_kdf_session_key_len(struct kunit *test)
{
	static const u16 dialects[] = {
		SMBSIGN_DIALECT_2_0_2, SMBSIGN_DIALECT_2_1,
		SMBSIGN_DIALECT_3_0, SMBSIGN_DIALECT_3_0_2,
		SMBSIGN_DIALECT_3_1_1,
	};
	static const size_t lens[] = { 1, 8, 15, 17, 32, 64 };
	u8 sk[64], padded[16], want[16], got[16], preauth[64];
	int d, l, ret;

	for (l = 0; l < sizeof(sk); l++)
		sk[l] = 0x40 + l;
	for (l = 0; l < sizeof(preauth); l++)
		preauth[l] = 0x80 ^ l;

	for (d = 0; d < ARRAY_SIZE(dialects); d++) {
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			size_t n = min_t(size_t, lens[l], 16);
			const u8 *pa = NULL;

			memset(padded, 0, sizeof(padded));
			memcpy(padded, sk, n);
			if (dialects[d] == SMBSIGN_DIALECT_3_1_1)
				pa = preauth;
			ret = smbsign_derive_signing_key(dialects[d], padded,
							 16, pa, want);
			KUNIT_ASSERT_EQ(test, ret, 0);
			ret = smbsign_derive_signing_key(dialects[d], sk,
							 lens[l], pa, got);
			KUNIT_EXPECT_EQ_MSG(test, ret, 0,
					    "dialect %#x, %zu-byte session key",
					    dialects[d], lens[l]);
			if (ret)
				continue;
			KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, want, 16),
					      "dialect %#x: %zu-byte session key not %s to 16 bytes",
					      dialects[d], lens[l],
					      lens[l] < 16 ? "zero-padded" :
					      "truncated");
			if (dialects[d] < SMBSIGN_DIALECT_3_0)
				KUNIT_EXPECT_TRUE_MSG(test,
						      !memcmp(got, padded, 16),
						      "2.x signing key must be the session key");
		}
	}
}

static void smbsign_kat_kdf_bad_input(struct kunit *test)
{
	static const u8 sk[16] = { 1 };
	u8 out[16];

	KUNIT_EXPECT_EQ_MSG(test, smbsign_derive_signing_key(SMBSIGN_DIALECT_3_1_1,
							     sk, 16, NULL, out),
			    -EINVAL, "3.1.1 needs the preauth hash");
	KUNIT_EXPECT_EQ(test, smbsign_derive_signing_key(0x0200, sk, 16, NULL,
							 out), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_derive_signing_key(0x0314, sk, 16, NULL,
							 out), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_derive_signing_key(SMBSIGN_DIALECT_3_0,
							 NULL, 16, NULL, out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_derive_signing_key(SMBSIGN_DIALECT_3_0,
							 sk, 0, NULL, out),
			-EINVAL);
}

/* ------------------------------------------------------ preauth chains */

static void kat_chain_desc(const struct smbsign_vec_preauth_chain *v,
			   char *desc)
{
	strscpy(desc, v->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kat_chain, smbsign_vec_preauth, kat_chain_desc);

/*
 * Feed the published NEGOTIATE and SESSION_SETUP messages and compare every
 * intermediate SHA-512 value; once as single kvecs, once split at odd
 * offsets, once restarting the session hash from a copy of the connection
 * hash (smbsign_preauth_init() with @from).
 */
static void smbsign_kat_preauth_chain(struct kunit *test)
{
	const struct smbsign_vec_preauth_chain *c = test->param_value;
	struct smbsign_preauth pa, split, conn, sess;
	struct kvec iov[4];
	unsigned int n;
	size_t i;
	int ret;

	memset(&pa, 0xa5, sizeof(pa));
	smbsign_preauth_init(&pa, NULL);
	kat_memeq(test, c->desc, "initial hash", pa.hash, c->initial, 64);
	smbsign_preauth_init(&split, NULL);

	for (i = 0; i < c->nsteps; i++) {
		const struct smbsign_vec_preauth_step *s = &c->steps[i];

		iov[0].iov_base = (void *)s->msg;
		iov[0].iov_len = s->len;
		ret = smbsign_preauth_update(&pa, iov, 1);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: %s", c->desc, s->step);
		if (!kat_memeq(test, s->step, "hash after (one kvec)", pa.hash,
			       s->hash_after, 64))
			return;

		n = kat_split(iov, s->msg, s->len);
		ret = smbsign_preauth_update(&split, iov, n);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: %s (split)", c->desc,
				    s->step);
		kat_memeq(test, s->step, "hash after (split kvecs)",
			  split.hash, s->hash_after, 64);
		if (i == 1)
			conn = pa;
	}

	/* The session hash starts from the connection (NEGOTIATE) hash. */
	KUNIT_ASSERT_GE(test, c->nsteps, 3);
	memset(&sess, 0xa5, sizeof(sess));
	smbsign_preauth_init(&sess, &conn);
	kat_memeq(test, c->desc, "init from connection hash", sess.hash,
		  c->steps[1].hash_after, 64);
	for (i = 2; i < c->nsteps; i++) {
		iov[0].iov_base = (void *)c->steps[i].msg;
		iov[0].iov_len = c->steps[i].len;
		KUNIT_EXPECT_EQ(test, smbsign_preauth_update(&sess, iov, 1), 0);
	}
	kat_memeq(test, c->desc, "session hash from connection copy",
		  sess.hash, c->steps[c->nsteps - 1].hash_after, 64);
	/* and the copy did not disturb the connection hash */
	kat_memeq(test, c->desc, "connection hash after the copy", conn.hash,
		  c->steps[1].hash_after, 64);
}

static const struct smbsign_vec_preauth_step *
kat_chain_last(const struct smbsign_vec_preauth_chain *c)
{
	return &c->steps[c->nsteps - 1];
}

/* Keys derived from each chain's final hash; signed messages verify. */
static void smbsign_kat_preauth_keys(struct kunit *test)
{
	const struct smbsign_vec_preauth_chain *c = test->param_value;
	const u8 *h = kat_chain_last(c)->hash_after;
	int ci = c - smbsign_vec_preauth;
	struct smbsign_key *key;
	u8 out[16];
	size_t i;
	int ret;

	for (i = 0; i < c->nkeys; i++) {
		const struct smbsign_vec_derived *k = &c->keys[i];

		ret = smbsign_kdf(c->session_key, 16, k->label, k->label_len,
				  h, 64, out, 16);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: %s", c->desc, k->name);
		if (!ret)
			kat_memeq(test, k->name, "smbsign_kdf from final hash",
				  out, k->key, 16);
		if (!k->signing_key)
			continue;
		ret = smbsign_derive_signing_key(SMBSIGN_DIALECT_3_1_1,
						 c->session_key, 16, h, out);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: %s", c->desc, k->name);
		if (!ret)
			kat_memeq(test, k->name,
				  "smbsign_derive_signing_key from final hash",
				  out, k->key, 16);
	}

	/* smbsign_key_create() from the chain verifies what that key signs */
	key = smbsign_key_create(SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC,
				 c->session_key, 16, h);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(key),
			       "%s: smbsign_key_create: %ld", c->desc,
			       PTR_ERR(key));
	for (i = 0; i < ARRAY_SIZE(smbsign_vec_signed); i++) {
		const struct smbsign_vec_signed *s = &smbsign_vec_signed[i];

		ret = smbsign_verify_buf(key, s->msg, s->len);
		KUNIT_EXPECT_EQ_MSG(test, ret, s->chain == ci ? 0 : -EBADMSG,
				    "%s: key from '%s' on '%s' (%s)", c->desc,
				    c->desc, s->desc, s->key_is);
	}
	smbsign_key_put(key);
}

/* --------------------------------------------------------- SMB messages */

static void kat_signed_desc(const struct smbsign_vec_signed *v, char *desc)
{
	strscpy(desc, v->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kat_signed, smbsign_vec_signed, kat_signed_desc);

/*
 * A published AES-CMAC signed message: verifies (contiguous and split) with
 * the key the source names, not with any other published key, not after a
 * one-bit change; signing it again reproduces the published signature and
 * changes nothing else.
 */
static void smbsign_kat_smb_signed(struct kunit *test)
{
	const struct smbsign_vec_signed *v = test->param_value;
	struct smbsign_key *key, *other;
	struct kvec iov[4];
	unsigned int n;
	size_t i;
	u8 *buf;
	int ret;

	KUNIT_ASSERT_LE(test, v->len, KAT_MAX_MSG);
	kat_memeq(test, v->desc, "signature field", v->msg + 48, v->sig, 16);
	buf = kunit_kmalloc(test, v->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	key = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC,
				v->key, 16);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(key),
			       "%s: smbsign_key_alloc: %ld", v->desc,
			       PTR_ERR(key));

	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(key, v->msg, v->len), 0,
			    "%s: verify with %s", v->desc, v->key_is);
	n = kat_split(iov, v->msg, v->len);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify(key, iov, n), 0,
			    "%s: verify split into %u kvecs", v->desc, n);

	memcpy(buf, v->msg, v->len);
	buf[v->len - 1] ^= 0x01;
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(key, buf, v->len),
			    -EBADMSG, "%s: last bit flipped", v->desc);

	memcpy(buf, v->msg, v->len);
	memset(buf + 48, 0, 16);
	ret = smbsign_sign_buf(key, buf, v->len);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: sign", v->desc);
	kat_memeq(test, v->desc, "re-signed message", buf, v->msg, v->len);

	/* the same key as a 3.0 key signs identically (dialect-independent) */
	other = smbsign_key_alloc(SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_AES_CMAC,
				  v->key, 16);
	if (!IS_ERR_OR_NULL(other)) {
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(other, v->msg,
							     v->len), 0,
				    "%s: verify with a 3.0 key", v->desc);
		smbsign_key_put(other);
	} else {
		KUNIT_FAIL(test, "%s: 3.0 key: %ld", v->desc, PTR_ERR(other));
	}
	smbsign_key_put(key);

	/* every other published key must reject it */
	for (i = 0; i < ARRAY_SIZE(smbsign_vec_signed); i++) {
		const struct smbsign_vec_signed *w = &smbsign_vec_signed[i];

		if (!memcmp(w->key, v->key, 16))
			continue;
		other = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1,
					  SMBSIGN_ALG_AES_CMAC, w->key, 16);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(other));
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(other, v->msg,
							     v->len),
				    -EBADMSG, "%s: verified with %s", v->desc,
				    w->key_is);
		smbsign_key_put(other);
	}
}

/*
 * Session binding ([MS-SMB2] 3.2.5.1.3 / 3.3.5.2.4, README "Session
 * binding"): binding SESSION_SETUP requests and non-success responses are
 * signed with the master Session.SigningKey, the final binding response
 * with the new Channel.SigningKey. Both keys are derived here from their
 * own preauth chains.
 */
static void smbsign_kat_smb_binding(struct kunit *test)
{
	struct smbsign_key *master, *channel;
	size_t i, nmaster = 0, nchannel = 0;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(smbsign_vec_preauth), 2);
	master = smbsign_key_create(SMBSIGN_DIALECT_3_1_1,
				    SMBSIGN_ALG_AES_CMAC,
				    smbsign_vec_preauth[0].session_key, 16,
				    kat_chain_last(&smbsign_vec_preauth[0])->hash_after);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(master));
	channel = smbsign_key_create(SMBSIGN_DIALECT_3_1_1,
				     SMBSIGN_ALG_AES_CMAC,
				     smbsign_vec_preauth[1].session_key, 16,
				     kat_chain_last(&smbsign_vec_preauth[1])->hash_after);
	if (IS_ERR_OR_NULL(channel)) {
		smbsign_key_put(master);
		KUNIT_FAIL(test, "channel key: %ld", PTR_ERR(channel));
		return;
	}

	for (i = 0; i < ARRAY_SIZE(smbsign_vec_signed); i++) {
		const struct smbsign_vec_signed *s = &smbsign_vec_signed[i];
		bool by_master = s->chain == 0;

		KUNIT_EXPECT_TRUE_MSG(test, s->chain == 0 || s->chain == 1,
				      "%s: key not derived from a chain",
				      s->desc);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(master, s->msg,
							     s->len),
				    by_master ? 0 : -EBADMSG,
				    "%s with the master Session.SigningKey",
				    s->desc);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(channel, s->msg,
							     s->len),
				    by_master ? -EBADMSG : 0,
				    "%s with the Channel.SigningKey", s->desc);
		if (by_master)
			nmaster++;
		else
			nchannel++;
	}
	/* 1 master final response + 3 binding messages; 1 channel response */
	KUNIT_EXPECT_EQ(test, nmaster, 4);
	KUNIT_EXPECT_EQ(test, nchannel, 1);
	smbsign_key_put(channel);
	smbsign_key_put(master);
}

static void kat_resign_desc(const struct smbsign_vec_resign *v, char *desc)
{
	strscpy(desc, v->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kat_resign, smbsign_vec_resign, kat_resign_desc);

/* Computed GMAC / HMAC re-signatures of the published final response. */
static void smbsign_kat_smb_resign(struct kunit *test)
{
	const struct smbsign_vec_resign *v = test->param_value;
	static const u16 hmac_dialects[] = {
		SMBSIGN_DIALECT_2_0_2, SMBSIGN_DIALECT_2_1,
		SMBSIGN_DIALECT_3_1_1,
	};
	struct smbsign_key *key;
	u8 *buf, nonce[12], out[16];
	u32 bits;
	int i, ret;

	buf = kunit_kmalloc(test, v->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	for (i = 0; i < ARRAY_SIZE(hmac_dialects); i++) {
		u16 dialect = v->alg == SMBSIGN_ALG_HMAC_SHA256 ?
			      hmac_dialects[i] : v->dialect;

		if (v->alg != SMBSIGN_ALG_HMAC_SHA256 && i)
			break;
		key = smbsign_key_alloc(dialect, v->alg, v->key, 16);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(key),
				       "%s: dialect %#x: %ld", v->desc,
				       dialect, PTR_ERR(key));
		memcpy(buf, v->msg, v->len);
		ret = smbsign_sign_buf(key, buf, v->len);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: sign", v->desc);
		kat_memeq(test, v->desc, "signature", buf + 48, v->sig, 16);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(key, buf, v->len),
				    0, "%s: verify", v->desc);
		smbsign_key_put(key);
	}

	/* 2.x: smbsign_key_create() signs with the session key itself */
	if (v->alg == SMBSIGN_ALG_HMAC_SHA256) {
		key = smbsign_key_create(SMBSIGN_DIALECT_2_1, v->alg, v->key,
					 16, NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
		memcpy(buf, v->msg, v->len);
		KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, buf, v->len), 0);
		kat_memeq(test, v->desc, "signature with created 2.1 key",
			  buf + 48, v->sig, 16);
		smbsign_key_put(key);
	}

	if (!v->has_nonce)
		return;
	/* [MS-SMB2] 3.1.4.1: MessageId || le32(S2C bit | CANCEL bit << 1) */
	memcpy(nonce, v->msg + SMBSIGN_MSGID_OFFSET, 8);
	bits = 0;
	if (get_unaligned_le32(v->msg + SMBSIGN_FLAGS_OFFSET) &
	    SMBSIGN_FLAG_SERVER_TO_REDIR)
		bits |= 1;
	if (get_unaligned_le16(v->msg + 12) == SMBSIGN_CMD_CANCEL)
		bits |= 2;
	put_unaligned_le32(bits, nonce + 8);
	kat_memeq(test, v->desc, "nonce layout", nonce, v->nonce, 12);
	key = smbsign_key_alloc_raw(v->alg, v->key, 16);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
	ret = smbsign_key_mac_raw(key, v->msg, v->len, v->nonce, out);
	KUNIT_EXPECT_EQ(test, ret, 0);
	kat_memeq(test, v->desc, "raw GMAC with the vector's nonce", out,
		  v->sig, 16);
	smbsign_key_put(key);
}

/* -------------------------------------------------------------- suites */

static struct kunit_case smbsign_kat_kdf_cases[] = {
	KUNIT_CASE_PARAM(smbsign_kat_kdf_cavp_prf, kat_prf_gen_params),
	KUNIT_CASE_PARAM(smbsign_kat_kdf_smb, kat_kdf_gen_params),
	KUNIT_CASE(smbsign_kat_kdf_session_key_len),
	KUNIT_CASE(smbsign_kat_kdf_bad_input),
	{}
};

static struct kunit_suite smbsign_kat_kdf_suite = {
	.name = "smbsign_kat_kdf",
	.test_cases = smbsign_kat_kdf_cases,
};

static struct kunit_case smbsign_kat_preauth_cases[] = {
	KUNIT_CASE_PARAM(smbsign_kat_preauth_chain, kat_chain_gen_params),
	KUNIT_CASE_PARAM(smbsign_kat_preauth_keys, kat_chain_gen_params),
	{}
};

static struct kunit_suite smbsign_kat_preauth_suite = {
	.name = "smbsign_kat_preauth",
	.test_cases = smbsign_kat_preauth_cases,
};

/*
 * FIPS mode refuses plain GHASH on kernels whose testmgr disallows it
 * (Debian 13's 6.12: "ghash ... is disabled due to FIPS"); a GMAC key is
 * then gcm(aes) alone where gcm(aes) takes scattered associated data
 * (6.11 and later). The refusal is forced here: every GMAC vector through
 * such a key.
 */
static void smbsign_kat_gmac_gcm_only(struct kunit *test)
{
	bool old;

#ifndef SMBSIGN_HAVE_GCM_SCATTERED_AAD
	kunit_skip(test, "no gcm(aes) GMAC before 6.11 (FIPS allows GHASH there)");
#endif
	if (smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC))
		kunit_skip(test, "GMAC keys use smbsign's SIMD code here");
	old = smbsign_gmac_ghash_refuse_set(true);
	kat_run_mac(test, SMBSIGN_ALG_AES_GMAC, test->param_value);
	smbsign_gmac_ghash_refuse_set(old);
}

/*
 * The gcm(aes)-only key: its driver names gcm(aes) alone, and a message
 * in kvecs signs as with a key that has GHASH (6.11 and later); before
 * 6.11 a GMAC key without GHASH cannot be made (-ENOENT).
 */
static void smbsign_kat_gmac_gcm_only_key(struct kunit *test)
{
	static const u8 k[SMBSIGN_KEY_SIZE] = { 0x5a, 1, 2, 3 };
	const size_t len = 70000;
	struct smbsign_key *key, *ref;
	struct kvec iov[4];
	u8 want[16];
	unsigned int n;
	size_t i;
	bool old;
	u8 *buf;

	if (smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC))
		kunit_skip(test, "GMAC keys use smbsign's SIMD code here");
	old = smbsign_gmac_ghash_refuse_set(true);
	key = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC,
				k, sizeof(k));
	smbsign_gmac_ghash_refuse_set(old);
#ifndef SMBSIGN_HAVE_GCM_SCATTERED_AAD
	KUNIT_EXPECT_EQ(test, PTR_ERR(key), -ENOENT);
	if (!IS_ERR_OR_NULL(key))
		smbsign_key_put(key);
	return;
#endif
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
	kunit_info(test, "driver: %s\n", smbsign_key_driver(key));
	KUNIT_EXPECT_TRUE(test, key->gcm_only);
	KUNIT_EXPECT_NULL(test, strchr(smbsign_key_driver(key), '+'));

	ref = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC,
				k, sizeof(k));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ref));
	KUNIT_EXPECT_FALSE(test, ref->gcm_only);

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 64; i < len; i++)
		buf[i] = i * 7 + (i >> 8);
	memcpy(buf, "\xfeSMB", 4);
	buf[4] = 64;			/* StructureSize */
	buf[24] = 0x2a;			/* MessageId */
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(ref, buf, len), 0);
	memcpy(want, buf + 48, sizeof(want));

	memset(buf + 48, 0, 16);
	n = kat_split(iov, buf, len);
	KUNIT_EXPECT_EQ(test, smbsign_sign(key, iov, n), 0);
	kat_memeq(test, "70000-byte message in kvecs", "gcm(aes)-only signature",
		  buf + 48, want, sizeof(want));
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, iov, n), 0);
	buf[len - 1] ^= 1;
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, iov, n), -EBADMSG);

	smbsign_key_put(ref);
	smbsign_key_put(key);
}

/*
 * The MAC suites, once per implementation (smbsign_kunit_impl.h): as
 * loaded (smbsign's SIMD code where the CPU has it) and with the crypto
 * API (smbsign_kat_*_cryptoapi).
 */
#define SMBSIGN_KUNIT_SUITE	smbsign_kat_cmac
#define SMBSIGN_KUNIT_CASES(arr)					\
	static struct kunit_case arr[] = {				\
		KUNIT_CASE_PARAM(smbsign_kat_cmac_test,			\
				 kat_cmac_gen_params),			\
		KUNIT_CASE(smbsign_kat_aes_key_len),			\
		{}							\
	}
#include "smbsign_kunit_impl.h"

#define SMBSIGN_KUNIT_SUITE	smbsign_kat_hmac
#define SMBSIGN_KUNIT_CASES(arr)					\
	static struct kunit_case arr[] = {				\
		KUNIT_CASE_PARAM(smbsign_kat_hmac_test,			\
				 kat_hmac_gen_params),			\
		KUNIT_CASE(smbsign_kat_hmac_key_len),			\
		KUNIT_CASE(smbsign_kat_hmac_vs_shash),			\
		{}							\
	}
#include "smbsign_kunit_impl.h"

#define SMBSIGN_KUNIT_SUITE	smbsign_kat_gmac
#define SMBSIGN_KUNIT_CASES(arr)					\
	static struct kunit_case arr[] = {				\
		KUNIT_CASE_PARAM(smbsign_kat_gmac_test,			\
				 kat_gmac_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_kat_gmac_deferred,		\
				 kat_gmac_gen_params),			\
		KUNIT_CASE(smbsign_kat_gmac_deferred_driver),		\
		KUNIT_CASE_PARAM(smbsign_kat_gmac_pclmul,		\
				 kat_gmac_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_kat_gmac_vpclmul_avx2,		\
				 kat_gmac_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_kat_gmac_gcm_only,		\
				 kat_gmac_gen_params),			\
		KUNIT_CASE(smbsign_kat_gmac_gcm_only_key),		\
		{}							\
	}
#include "smbsign_kunit_impl.h"

#define SMBSIGN_KUNIT_SUITE	smbsign_kat_smb
#define SMBSIGN_KUNIT_CASES(arr)					\
	static struct kunit_case arr[] = {				\
		KUNIT_CASE_PARAM(smbsign_kat_smb_signed,		\
				 kat_signed_gen_params),		\
		KUNIT_CASE(smbsign_kat_smb_binding),			\
		KUNIT_CASE_PARAM(smbsign_kat_smb_resign,		\
				 kat_resign_gen_params),		\
		{}							\
	}
#include "smbsign_kunit_impl.h"

kunit_test_suites(&smbsign_kat_kdf_suite, &smbsign_kat_preauth_suite);

MODULE_DESCRIPTION("smbsign known-answer KUnit tests");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SMBSIGN_NS);
/*
 * MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING), spelled so that it works
 * both before 6.13 (bare token, stringified) and after (string literal).
 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
