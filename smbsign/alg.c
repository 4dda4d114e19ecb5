// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: the signing algorithms.
 *
 * One row per SMB2 signing algorithm id. Every row keys its transforms once,
 * when the session key object is created; computing a MAC allocates nothing
 * (descriptors and requests live on the stack) and takes no lock, so any
 * number of CPUs can sign with one key at the same time.
 *
 * AES-GMAC is computed as GHASH plus one AES block rather than through
 * gcm(aes): on Linux 6.1 the AES-NI GCM driver linearises associated data
 * that is not in one scatterlist entry with kmalloc(assoclen), which fails
 * for multi-megabyte READ/WRITE messages (the -ENOMEM that sank the 2022
 * attempt at GMAC signing in the Linux client). GHASH is an incremental
 * hash, so the message is fed in bounded pieces straight from the caller's
 * kvecs:
 *
 *   H   = E_K(0^128)
 *   J0  = nonce || 0x00000001
 *   tag = E_K(J0) xor GHASH_H(M || zero pad to 16 || [8 * len(M)]_64 || 0^64)
 *
 * which is GCM with an empty plaintext and M as the associated data.
 *
 * AES-CMAC is CBC-MAC with a subkey-tweaked last block (RFC 4493). The
 * cmac(aes) template runs one AES block per call, each in its own FPU
 * section, at ~10 instructions per byte; smbsign derives the subkeys K1 and
 * K2 once per key and runs every block but the last through one bulk
 * cbc(aes) pass (AES-NI, ~2.3 instructions per byte) whose output IV is the
 * CBC-MAC state, then finishes with one AES block:
 *
 *   X   = CBC-MAC_K(M_1 .. M_n-1)          (the ciphertext is discarded)
 *   tag = E_K(X xor M_n xor K1)             (M_n a whole block)
 *   tag = E_K(X xor pad(M_n) xor K2)        (otherwise; pad = 10*)
 *
 * Short messages, where a bulk request costs more than it saves, run the
 * blocks through the AES block cipher one at a time, as the template does.
 * The bulk pass writes its ciphertext to a shared sink page. Blocks that
 * would straddle a page boundary are copied to the stack first, so the
 * skcipher walk never needs its allocating slow path.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/aes.h>
#include <crypto/ghash.h>
#include <crypto/hash.h>
#include <crypto/internal/cipher.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "smbsign.h"

MODULE_IMPORT_NS(SMBSIGN_CRYPTO_INTERNAL_NS);

/* Stack space for an ahash request (GHASH); checked when a key is made. */
#define SMBSIGN_AHASH_REQ_MAX	320
/* Stack space for a cbc(aes) request; checked when a key is made. */
#define SMBSIGN_SKCIPHER_REQ_MAX	320
/* Scatterlist entries fed to GHASH or CBC per request. */
#define SMBSIGN_SG_INLINE	8
/* Sink pages a CBC request may write, hence its maximum length. */
#define SMBSIGN_CBC_SINK_PAGES	4
#define SMBSIGN_CBC_MAX_BYTES	(SMBSIGN_CBC_SINK_PAGES * PAGE_SIZE)
/* CMAC messages up to this many bytes go block by block (see bench). */
#define SMBSIGN_CMAC_BULK_MIN	256

static struct page *smbsign_sink;

static void smbsign_set_driver(struct smbsign_key *key, const char *a,
			       const char *b)
{
	if (b)
		snprintf(key->driver, sizeof(key->driver), "%s+%s", a, b);
	else
		strscpy(key->driver, a, sizeof(key->driver));
}

/* HMAC-SHA256 and AES-CMAC: a keyed shash, descriptor on the stack. */

static int smbsign_shash_init(struct smbsign_key *key, const char *name,
			      const u8 *k, size_t klen)
{
	struct crypto_shash *tfm;
	int ret;

	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, k, klen);
	if (ret) {
		crypto_free_shash(tfm);
		return ret;
	}
	key->shash = tfm;
	smbsign_set_driver(key, crypto_shash_driver_name(tfm), NULL);
	return 0;
}

static int smbsign_hmac_init(struct smbsign_key *key, const u8 *k,
			     size_t klen)
{
	return smbsign_shash_init(key, "hmac(sha256)", k, klen);
}

/* Multiply by x in GF(2^128), the CMAC subkey step, in constant time. */
static void smbsign_cmac_dbl(u8 *out, const u8 *in)
{
	u8 carry = -(in[0] >> 7) & 0x87;
	int i;

	for (i = 0; i < AES_BLOCK_SIZE - 1; i++)
		out[i] = (in[i] << 1) | (in[i + 1] >> 7);
	out[AES_BLOCK_SIZE - 1] = (in[AES_BLOCK_SIZE - 1] << 1) ^ carry;
}

static int smbsign_cmac_init(struct smbsign_key *key, const u8 *k,
			     size_t klen)
{
	u8 l[AES_BLOCK_SIZE] = {};
	int ret;

	if (klen != SMBSIGN_KEY_SIZE)
		return -EINVAL;

	key->aes = crypto_alloc_cipher("aes", 0, 0);
	if (IS_ERR(key->aes))
		return PTR_ERR(key->aes);
	ret = crypto_cipher_setkey(key->aes, k, klen);
	if (ret)
		goto err_aes;

	key->cbc = crypto_alloc_skcipher("cbc(aes)", 0, 0);
	if (IS_ERR(key->cbc)) {
		ret = PTR_ERR(key->cbc);
		goto err_aes;
	}
	if (crypto_skcipher_reqsize(key->cbc) > SMBSIGN_SKCIPHER_REQ_MAX) {
		pr_warn("%s needs a %u-byte request, more than %u\n",
			crypto_skcipher_driver_name(key->cbc),
			crypto_skcipher_reqsize(key->cbc),
			SMBSIGN_SKCIPHER_REQ_MAX);
		ret = -EOPNOTSUPP;
		goto err_cbc;
	}
	ret = crypto_skcipher_setkey(key->cbc, k, klen);
	if (ret)
		goto err_cbc;

	crypto_cipher_encrypt_one(key->aes, l, l);
	smbsign_cmac_dbl(key->k1, l);
	smbsign_cmac_dbl(key->k2, key->k1);
	memzero_explicit(l, sizeof(l));

	smbsign_set_driver(key, crypto_skcipher_driver_name(key->cbc),
			   crypto_tfm_alg_driver_name(crypto_cipher_tfm(key->aes)));
	return 0;

err_cbc:
	crypto_free_skcipher(key->cbc);
err_aes:
	crypto_free_cipher(key->aes);
	return ret;
}

static void smbsign_cmac_exit(struct smbsign_key *key)
{
	crypto_free_skcipher(key->cbc);
	crypto_free_cipher(key->aes);
}

/**
 * struct smbsign_cmac_walk - CBC-MAC state while a message is fed
 * @key: the key
 * @req: the bulk request (on the caller's stack), NULL for block by block
 * @wait: its completion
 * @bulk_left: bytes still to go through CBC (all blocks but the last)
 * @x: CBC-MAC state; the bulk request's IV
 * @last: the last block, collected
 * @nlast: bytes in @last
 * @part: bytes collected in @bounce[@nbounce]
 * @nbounce: bounce blocks queued in @t
 * @t: source scatterlist being filled
 * @sg: its entries
 * @dst: sink entries
 * @bounce: blocks copied because they straddle a page or a kvec boundary
 */
struct smbsign_cmac_walk {
	struct smbsign_key *key;
	struct skcipher_request *req;
	struct crypto_wait *wait;
	size_t bulk_left;
	u8 x[AES_BLOCK_SIZE] __aligned(16);
	u8 last[AES_BLOCK_SIZE];
	unsigned int nlast;
	unsigned int part;
	unsigned int nbounce;
	struct smbsign_sgt t;
	struct scatterlist sg[SMBSIGN_SG_INLINE];
	struct scatterlist dst[SMBSIGN_CBC_SINK_PAGES];
	u8 bounce[SMBSIGN_SG_INLINE][AES_BLOCK_SIZE] __aligned(16);
};

static int smbsign_cmac_flush(struct smbsign_cmac_walk *w)
{
	size_t left = w->t.bytes;
	unsigned int i;
	int ret;

	if (!left)
		return 0;
	sg_init_table(w->dst, ARRAY_SIZE(w->dst));
	for (i = 0; left; i++) {
		size_t n = min_t(size_t, left, PAGE_SIZE);

		sg_set_page(&w->dst[i], smbsign_sink, n, 0);
		left -= n;
	}
	sg_mark_end(&w->dst[i - 1]);
	skcipher_request_set_crypt(w->req, w->t.sg, w->dst, w->t.bytes, w->x);
	ret = crypto_wait_req(crypto_skcipher_encrypt(w->req), w->wait);
	smbsign_sgt_init(&w->t, w->sg, ARRAY_SIZE(w->sg));
	w->t.merge_mask = AES_BLOCK_SIZE - 1;
	w->nbounce = 0;
	return ret;
}

/* Flush when no further entry, bounce block or sink byte is left. */
static int smbsign_cmac_flush_full(struct smbsign_cmac_walk *w)
{
	if (w->t.n == w->t.max || w->nbounce == ARRAY_SIZE(w->bounce) ||
	    w->t.bytes == SMBSIGN_CBC_MAX_BYTES)
		return smbsign_cmac_flush(w);
	return 0;
}

/* Copy up to a block into the current bounce block; queue it when full. */
static int smbsign_cmac_stitch(struct smbsign_cmac_walk *w, const u8 *p,
			       size_t n)
{
	u8 *b = w->bounce[w->nbounce];

	memcpy(b + w->part, p, n);
	w->part += n;
	w->bulk_left -= n;
	if (w->part < AES_BLOCK_SIZE)
		return 0;
	w->part = 0;
	if (!w->req) {
		crypto_xor(w->x, b, AES_BLOCK_SIZE);
		crypto_cipher_encrypt_one(w->key->aes, w->x, w->x);
		return 0;
	}
	smbsign_sgt_add(&w->t, b, AES_BLOCK_SIZE);
	w->nbounce++;
	return smbsign_cmac_flush_full(w);
}

static int smbsign_cmac_feed(void *ctx, const void *data, size_t n)
{
	struct smbsign_cmac_walk *w = ctx;
	const u8 *p = data;
	int ret = 0;

	while (n && !ret) {
		size_t take = min(n, w->bulk_left);
		size_t direct, done;

		if (!take) {
			/* The caller sized bulk_left so that this fits. */
			memcpy(w->last + w->nlast, p, n);
			w->nlast += n;
			return 0;
		}
		/* Whole blocks that stay in one page unless p is aligned. */
		direct = round_down(take, AES_BLOCK_SIZE);
		if ((uintptr_t)p & (AES_BLOCK_SIZE - 1))
			direct = min(direct, round_down(PAGE_SIZE -
							offset_in_page(p),
							AES_BLOCK_SIZE));
		direct = min(direct, SMBSIGN_CBC_MAX_BYTES - w->t.bytes);
		if (w->part || !w->req || !direct) {
			done = min_t(size_t, take, AES_BLOCK_SIZE - w->part);
			ret = smbsign_cmac_stitch(w, p, done);
		} else {
			done = smbsign_sgt_add(&w->t, p, direct);
			w->bulk_left -= done;
			ret = smbsign_cmac_flush_full(w);
		}
		p += done;
		n -= done;
	}
	return ret;
}

static int smbsign_cmac_mac(struct smbsign_key *key,
			    const struct smbsign_msg *m, const u8 *nonce,
			    u8 *out)
{
	u8 reqbuf[sizeof(struct skcipher_request) + SMBSIGN_SKCIPHER_REQ_MAX]
		__aligned(CRYPTO_MINALIGN);
	size_t nblocks = max_t(size_t, DIV_ROUND_UP(m->len, AES_BLOCK_SIZE), 1);
	struct smbsign_cmac_walk w = {
		.key = key,
		.wait = NULL,
		.bulk_left = (nblocks - 1) * AES_BLOCK_SIZE,
	};
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	smbsign_sgt_init(&w.t, w.sg, ARRAY_SIZE(w.sg));
	w.t.merge_mask = AES_BLOCK_SIZE - 1;
	if (w.bulk_left > SMBSIGN_CMAC_BULK_MIN) {
		w.req = (void *)reqbuf;
		w.wait = &wait;
		skcipher_request_set_tfm(w.req, key->cbc);
		skcipher_request_set_callback(w.req,
					      CRYPTO_TFM_REQ_MAY_BACKLOG |
					      CRYPTO_TFM_REQ_MAY_SLEEP,
					      crypto_req_done, &wait);
	}

	ret = smbsign_msg_walk(m, smbsign_cmac_feed, &w);
	if (!ret && w.req)
		ret = smbsign_cmac_flush(&w);
	if (!ret) {
		if (w.nlast == AES_BLOCK_SIZE) {
			crypto_xor(w.last, key->k1, AES_BLOCK_SIZE);
		} else {
			w.last[w.nlast] = 0x80;
			memset(w.last + w.nlast + 1, 0,
			       AES_BLOCK_SIZE - w.nlast - 1);
			crypto_xor(w.last, key->k2, AES_BLOCK_SIZE);
		}
		crypto_xor(w.x, w.last, AES_BLOCK_SIZE);
		crypto_cipher_encrypt_one(key->aes, out, w.x);
	}
	if (w.req)
		memzero_explicit(reqbuf, sizeof(reqbuf));
	memzero_explicit(&w, sizeof(w));
	return ret;
}

static void smbsign_shash_exit(struct smbsign_key *key)
{
	crypto_free_shash(key->shash);
}

static int smbsign_shash_feed(void *ctx, const void *p, size_t n)
{
	return crypto_shash_update(ctx, p, n);
}

static int smbsign_shash_mac(struct smbsign_key *key,
			     const struct smbsign_msg *m, const u8 *nonce,
			     u8 *out)
{
	SHASH_DESC_ON_STACK(desc, key->shash);
	u8 digest[SHA256_DIGEST_SIZE];
	int ret;

	desc->tfm = key->shash;
	ret = crypto_shash_init(desc);
	if (!ret)
		ret = smbsign_msg_walk(m, smbsign_shash_feed, desc);
	if (!ret)
		ret = crypto_shash_final(desc, digest);
	if (!ret)
		memcpy(out, digest, SMBSIGN_SIG_SIZE);
	shash_desc_zero(desc);
	memzero_explicit(digest, sizeof(digest));
	return ret;
}

/* AES-GMAC: GHASH (ahash, fed piecewise) and one AES block. */

static int smbsign_gmac_init(struct smbsign_key *key, const u8 *k,
			     size_t klen)
{
	u8 h[GHASH_BLOCK_SIZE] = {};
	int ret;

	if (klen != SMBSIGN_KEY_SIZE)
		return -EINVAL;

	key->aes = crypto_alloc_cipher("aes", 0, 0);
	if (IS_ERR(key->aes))
		return PTR_ERR(key->aes);
	ret = crypto_cipher_setkey(key->aes, k, klen);
	if (ret)
		goto err_aes;

	key->ghash = crypto_alloc_ahash("ghash", 0, 0);
	if (IS_ERR(key->ghash)) {
		ret = PTR_ERR(key->ghash);
		goto err_aes;
	}
	if (crypto_ahash_reqsize(key->ghash) > SMBSIGN_AHASH_REQ_MAX) {
		pr_warn("%s needs a %u-byte request, more than %u\n",
			crypto_ahash_driver_name(key->ghash),
			crypto_ahash_reqsize(key->ghash),
			SMBSIGN_AHASH_REQ_MAX);
		ret = -EOPNOTSUPP;
		goto err_ghash;
	}

	crypto_cipher_encrypt_one(key->aes, h, h);
	ret = crypto_ahash_setkey(key->ghash, h, sizeof(h));
	memzero_explicit(h, sizeof(h));
	if (ret)
		goto err_ghash;

	smbsign_set_driver(key, crypto_ahash_driver_name(key->ghash),
			   crypto_tfm_alg_driver_name(crypto_cipher_tfm(key->aes)));
	return 0;

err_ghash:
	crypto_free_ahash(key->ghash);
err_aes:
	crypto_free_cipher(key->aes);
	return ret;
}

static void smbsign_gmac_exit(struct smbsign_key *key)
{
	crypto_free_ahash(key->ghash);
	crypto_free_cipher(key->aes);
}

struct smbsign_gmac_walk {
	struct ahash_request *req;
	struct crypto_wait *wait;
	struct smbsign_sgt t;
	struct scatterlist sg[SMBSIGN_SG_INLINE];
};

static int smbsign_gmac_flush(struct smbsign_gmac_walk *w)
{
	int ret;

	if (!w->t.n)
		return 0;
	ahash_request_set_crypt(w->req, w->t.sg, NULL, w->t.bytes);
	ret = crypto_wait_req(crypto_ahash_update(w->req), w->wait);
	smbsign_sgt_init(&w->t, w->sg, ARRAY_SIZE(w->sg));
	return ret;
}

static int smbsign_gmac_feed(void *ctx, const void *p, size_t n)
{
	struct smbsign_gmac_walk *w = ctx;
	int ret;

	while (n) {
		size_t done = smbsign_sgt_add(&w->t, p, n);

		p += done;
		n -= done;
		if (n) {
			ret = smbsign_gmac_flush(w);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int smbsign_gmac_mac(struct smbsign_key *key,
			    const struct smbsign_msg *m, const u8 *nonce,
			    u8 *out)
{
	u8 reqbuf[sizeof(struct ahash_request) + SMBSIGN_AHASH_REQ_MAX]
		__aligned(CRYPTO_MINALIGN);
	struct ahash_request *req = (void *)reqbuf;
	size_t pad = (GHASH_BLOCK_SIZE - m->len % GHASH_BLOCK_SIZE) %
		     GHASH_BLOCK_SIZE;
	__be64 lens[2] = { cpu_to_be64((u64)m->len * 8), 0 };
	u8 j0[GHASH_BLOCK_SIZE];
	u8 s[GHASH_DIGEST_SIZE];
	struct smbsign_gmac_walk w;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	ahash_request_set_tfm(req, key->ghash);
	ahash_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				   CRYPTO_TFM_REQ_MAY_SLEEP,
				   crypto_req_done, &wait);
	w.req = req;
	w.wait = &wait;
	smbsign_sgt_init(&w.t, w.sg, ARRAY_SIZE(w.sg));

	ret = crypto_wait_req(crypto_ahash_init(req), &wait);
	if (!ret)
		ret = smbsign_msg_walk(m, smbsign_gmac_feed, &w);
	if (!ret && pad)
		ret = smbsign_gmac_feed(&w, smbsign_zeroes, pad);
	if (!ret)
		ret = smbsign_gmac_feed(&w, lens, sizeof(lens));
	if (!ret)
		ret = smbsign_gmac_flush(&w);
	if (!ret) {
		ahash_request_set_crypt(req, NULL, s, 0);
		ret = crypto_wait_req(crypto_ahash_final(req), &wait);
	}
	if (!ret) {
		memcpy(j0, nonce, SMBSIGN_GMAC_NONCE_SIZE);
		put_unaligned_be32(1, &j0[SMBSIGN_GMAC_NONCE_SIZE]);
		crypto_cipher_encrypt_one(key->aes, j0, j0);
		crypto_xor_cpy(out, j0, s, SMBSIGN_SIG_SIZE);
	}
	memzero_explicit(reqbuf, sizeof(reqbuf));
	memzero_explicit(j0, sizeof(j0));
	memzero_explicit(s, sizeof(s));
	return ret;
}

const struct smbsign_alg_desc smbsign_algs[SMBSIGN_ALG_COUNT] = {
	[SMBSIGN_ALG_HMAC_SHA256] = {
		.name	= "HMAC-SHA256",
		.init	= smbsign_hmac_init,
		.exit	= smbsign_shash_exit,
		.mac	= smbsign_shash_mac,
	},
	[SMBSIGN_ALG_AES_CMAC] = {
		.name	= "AES-128-CMAC",
		.init	= smbsign_cmac_init,
		.exit	= smbsign_cmac_exit,
		.mac	= smbsign_cmac_mac,
	},
	[SMBSIGN_ALG_AES_GMAC] = {
		.name	= "AES-128-GMAC",
		.init	= smbsign_gmac_init,
		.exit	= smbsign_gmac_exit,
		.mac	= smbsign_gmac_mac,
	},
};

int smbsign_alg_init(void)
{
	smbsign_sink = alloc_page(GFP_KERNEL);
	return smbsign_sink ? 0 : -ENOMEM;
}

void smbsign_alg_exit(void)
{
	__free_page(smbsign_sink);
}
