// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: AES-128-GMAC, the signing algorithm SMB 3.1.1 may negotiate.
 *
 * Implementations, chosen per key when it is made:
 * - smbsign's own x86 code (x86/gmac.h, simd-x86_64.S) where the CPU has
 *   AES-NI and PCLMULQDQ and impl.c chooses it (smbsign_simd_usable()); on
 *   kernels whose gcm(aes) impl=auto measured faster for long messages,
 *   those go to gcm(aes) (a mixed key);
 * - else GHASH and one AES block, or gcm(aes), through the crypto API, as
 *   follows; in FIPS mode gcm(aes) wherever it can take the message.
 *
 * AES-GMAC is computed as GHASH plus one AES block rather than through
 * gcm(aes) on Linux 6.1: its AES-NI GCM driver linearises associated data
 * that is not in one scatterlist entry with kmalloc(assoclen), which fails
 * for multi-megabyte READ/WRITE messages (the -ENOMEM that sank the 2022
 * attempt at GMAC signing in the Linux client). GHASH is an incremental
 * hash, so the message is fed straight from the caller's kvecs:
 *
 *   H   = E_K(0^128)
 *   J0  = nonce || 0x00000001
 *   tag = E_K(J0) xor GHASH_H(M || zero pad to 16 || [8 * len(M)]_64 || 0^64)
 *
 * which is GCM with an empty plaintext and M as the associated data. Where
 * the AES-NI GCM hashes scattered associated data in place (6.11 and
 * later), messages of more than 512 bytes go through gcm(aes) itself.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/ghash.h>
#include <crypto/hash.h>
#include <crypto/internal/simd.h>
#include <kunit/visibility.h>
#include <linux/fips.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#ifndef CONFIG_X86_64
#include <asm/simd.h>
#endif

#include "cryptoapi.h"

#ifdef CONFIG_X86_64
#include "x86/gmac.h"
#else
static inline const char *
smbsign_simd_gmac_driver(const struct smbsign_key *key)
{
	return NULL;
}

static inline int smbsign_simd_gmac_init(struct smbsign_key *key,
					 const u8 *k)
{
	return -EOPNOTSUPP;
}

static inline int smbsign_simd_gmac_mac(const struct smbsign_key *key,
					const struct smbsign_msg *m,
					const u8 *nonce, u8 *out)
{
	return -EOPNOTSUPP;
}
#endif

/* Stack space for an ahash request (GHASH); checked when a key is made. */
#define SMBSIGN_AHASH_REQ_MAX	320
/*
 * GMAC messages up to this size are copied to the stack and hashed in one
 * finup of the GHASH shash rather than in pieces around the signature
 * field: that saves FPU sections worth more than copying 128 bytes but
 * less than copying 256 (make bench, 6.1).
 */
#define SMBSIGN_GMAC_COPY_MAX	128

#ifdef SMBSIGN_HAVE_LIB_GHASH
/*
 * GHASH from the POLYVAL library (7.x; RFC 8452, appendix A):
 *
 *   GHASH_H(X_1 .. X_n) = rev(POLYVAL_K(rev(X_1) .. rev(X_n))),
 *   K = mulX_POLYVAL(rev(H)), rev = byte reversal of a block
 *
 * The library's x86 POLYVAL hashes 8 blocks a step with precomputed key
 * powers (AVX, PCLMULQDQ); its GHASH goes one block at a time, at about
 * 2.6 instructions per byte against 1.0 for gcm(aes). Reversing the blocks
 * on the way, in stack chunks, costs less than the difference. Usable in
 * any context (the library falls back to generic code without the FPU).
 */
static int smbsign_ghash_init(struct smbsign_key *key, const u8 *h)
{
	u64 hi = get_unaligned_be64(h), lo = get_unaligned_be64(h + 8);
	u64 mask = (s64)hi >> 63;
	u8 k[POLYVAL_BLOCK_SIZE];

	/* mulX_POLYVAL(ByteReverse(H)) */
	hi = (hi << 1) ^ (lo >> 63) ^ (mask & ((u64)0xc2 << 56));
	lo = (lo << 1) ^ (mask & 1);
	put_unaligned_le64(lo, k);
	put_unaligned_le64(hi, k + 8);
	polyval_preparekey(&key->polyval, k);
	memzero_explicit(k, sizeof(k));
	return 0;
}

static void smbsign_ghash_exit(struct smbsign_key *key)
{
	memzero_explicit(&key->polyval, sizeof(key->polyval));
}

static const char *smbsign_ghash_driver(const struct smbsign_key *key)
{
	return "polyval-lib";
}
#else
SMBSIGN_DEFINE_ALLOC(ahash)

/*
 * GHASH with the CPU's carry-less multiply, called directly: the x86
 * driver's shash ("__ghash", CRYPTO_ALG_INTERNAL) brackets every update
 * with kernel_fpu_begin()/end() itself and is internal only because it must
 * not run where the FPU is unusable, i.e. in an interrupt that interrupted
 * FPU code. smbsign signs in process context, where it always is usable
 * (checked per call). Being a shash, it hashes the caller's kvecs in place,
 * with no scatterlist and none of the async wrapper's per-call cost.
 * Elsewhere, the "ghash" ahash (the async wrapper or generic code) is used.
 */
static int smbsign_ghash_init(struct smbsign_key *key, const u8 *h)
{
	struct crypto_shash *shash;
	int ret;

	shash = crypto_alloc_shash("__ghash", CRYPTO_ALG_INTERNAL,
				   CRYPTO_ALG_INTERNAL);
	if (!IS_ERR(shash)) {
		ret = crypto_shash_setkey(shash, h, GHASH_BLOCK_SIZE);
		if (ret) {
			crypto_free_shash(shash);
			return ret;
		}
		key->shash = shash;
		return 0;
	}
	/*
	 * A kernel without the driver (or one FIPS mode refuses) falls back;
	 * an allocation failure fails the key instead, rather than leave a
	 * session with the slower GHASH for its whole life.
	 */
	if (PTR_ERR(shash) == -ENOMEM)
		return -ENOMEM;

	key->ghash = smbsign_alloc_ahash("ghash", SMBSIGN_AHASH_REQ_MAX);
	if (IS_ERR(key->ghash))
		return PTR_ERR(key->ghash);
	ret = smbsign_check_reqsize(crypto_ahash_driver_name(key->ghash),
				    crypto_ahash_reqsize(key->ghash),
				    SMBSIGN_AHASH_REQ_MAX) ?:
	      crypto_ahash_setkey(key->ghash, h, GHASH_BLOCK_SIZE);
	if (ret) {
		crypto_free_ahash(key->ghash);
		key->ghash = NULL;
	}
	return ret;
}

static void smbsign_ghash_exit(struct smbsign_key *key)
{
	if (key->shash)
		crypto_free_shash(key->shash);
	else
		crypto_free_ahash(key->ghash);
}

static const char *smbsign_ghash_driver(const struct smbsign_key *key)
{
	return key->shash ? crypto_shash_driver_name(key->shash) :
			    crypto_ahash_driver_name(key->ghash);
}
#endif

#ifdef SMBSIGN_HAVE_GCM_SCATTERED_AAD
/*
 * 6.11 and later: gcm(aes) itself, the message as associated data and
 * nothing to encrypt. The x86 AES-NI GCM walks scattered associated data
 * without allocating (6.1's kmalloc()s it whole) and hashes 4-8 blocks a
 * step, at the speed of the CPU's GCM (make bench). Messages of up to
 * SMBSIGN_GMAC_GCM_MIN bytes take the GHASH path instead, whose per-call
 * cost is lower (7.2: 1271 instructions for 64 bytes against 1794). A request needs the
 * whole message in one scatterlist: up to SMBSIGN_GCM_SG_INLINE entries on
 * the stack (any linear buffer, or a header and 64 KiB of pages), else a
 * table per CPU sized for an 8 MiB message in pages, allocated when the
 * module loads. Only a message in more pieces than that (never an SMB3
 * one) takes the slower POLYVAL path.
 */
#define SMBSIGN_AEAD_REQ_MAX	320
SMBSIGN_DEFINE_ALLOC(aead)
#define SMBSIGN_GMAC_GCM_MIN	512
#define SMBSIGN_GCM_SG_INLINE	20
#define SMBSIGN_GCM_SG_BIG	((8 << 20) / PAGE_SIZE + 64)

/*
 * Tables for messages of more than SMBSIGN_GCM_SG_INLINE pieces, allocated
 * at load so that signing never allocates: one per CPU online at load, not
 * per possible CPU (66 KiB each; a VM may have hundreds of hotplug slots).
 * A CPU brought up later shares one by its number.
 */
struct smbsign_sg_pool {
	struct mutex lock;		/* held while @sg describes a message */
	struct scatterlist *sg;		/* SMBSIGN_GCM_SG_BIG entries */
};

static struct smbsign_sg_pool *smbsign_gcm_pools;
static unsigned int smbsign_gcm_npools;

static int smbsign_gcm_init(struct smbsign_key *key, const u8 *k, size_t klen)
{
	int ret;

	key->gcm = smbsign_alloc_aead("gcm(aes)", SMBSIGN_AEAD_REQ_MAX);
	if (IS_ERR(key->gcm))
		return PTR_ERR(key->gcm);
	ret = smbsign_check_reqsize(crypto_aead_driver_name(key->gcm),
				    crypto_aead_reqsize(key->gcm),
				    SMBSIGN_AEAD_REQ_MAX) ?:
	      crypto_aead_setkey(key->gcm, k, klen) ?:
	      crypto_aead_setauthsize(key->gcm, SMBSIGN_SIG_SIZE);
	if (ret)
		crypto_free_aead(key->gcm);
	return ret;
}

static int smbsign_gcm_feed(void *ctx, const void *p, size_t n)
{
	return smbsign_sgt_add(ctx, p, n) == n ? 0 : -E2BIG;
}

/* -E2BIG: the message does not fit the table of @t */
static int smbsign_gcm_run(struct smbsign_key *key, struct smbsign_sgt *t,
			   const struct smbsign_msg *m, const u8 *nonce,
			   u8 *tag)
{
	u8 reqbuf[sizeof(struct aead_request) + SMBSIGN_AEAD_REQ_MAX]
		__aligned(CRYPTO_MINALIGN) __uninitialized;
	struct aead_request *req = (void *)reqbuf;
	u8 iv[SMBSIGN_GMAC_NONCE_SIZE];
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	/*
	 * assoclen is an unsigned int: a longer message would be MACed only
	 * in part, and the tag written into it (sign.c caps lengths first).
	 */
	if (m->len > UINT_MAX - SMBSIGN_SIG_SIZE)
		return -EINVAL;
	/* the tag is written right after the associated data */
	ret = smbsign_msg_walk(m, smbsign_gcm_feed, t) ?:
	      smbsign_gcm_feed(t, tag, SMBSIGN_SIG_SIZE);
	if (ret)
		return ret;
	memcpy(iv, nonce, sizeof(iv));
	aead_request_set_tfm(req, key->gcm);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, m->len);
	aead_request_set_crypt(req, t->sg, t->sg, 0, iv);
	ret = crypto_wait_req(crypto_aead_encrypt(req), &wait);
	memzero_explicit(reqbuf, sizeof(struct aead_request) +
			 crypto_aead_reqsize(key->gcm));
	return ret;
}

static int smbsign_gmac_gcm(struct smbsign_key *key,
			    const struct smbsign_msg *m, const u8 *nonce,
			    u8 *out)
{
	struct scatterlist sg[SMBSIGN_GCM_SG_INLINE];
	struct smbsign_sg_pool *pool;
	u8 tag[SMBSIGN_SIG_SIZE];
	struct smbsign_sgt t;
	int ret;

	smbsign_sgt_init(&t, sg, ARRAY_SIZE(sg));
	ret = smbsign_gcm_run(key, &t, m, nonce, tag);
	if (ret == -E2BIG) {
		/* any table will do if this task has moved since */
		pool = &smbsign_gcm_pools[raw_smp_processor_id() %
					  smbsign_gcm_npools];
		mutex_lock(&pool->lock);
		smbsign_sgt_init(&t, pool->sg, SMBSIGN_GCM_SG_BIG);
		ret = smbsign_gcm_run(key, &t, m, nonce, tag);
		mutex_unlock(&pool->lock);
	}
	if (!ret)
		memcpy(out, tag, SMBSIGN_SIG_SIZE);
	return ret;
}

static int __maybe_unused
smbsign_gcm_tag_empty(struct smbsign_key *key, const u8 *nonce, u8 *tag)
{
	struct smbsign_msg none = {};
	struct scatterlist sg;
	struct smbsign_sgt t;

	smbsign_sgt_init(&t, &sg, 1);
	return smbsign_gcm_run(key, &t, &none, nonce, tag);
}

static void smbsign_gcm_pool_exit(void)
{
	unsigned int i;

	for (i = 0; smbsign_gcm_pools && i < smbsign_gcm_npools; i++)
		kvfree(smbsign_gcm_pools[i].sg);
	kfree(smbsign_gcm_pools);
	smbsign_gcm_pools = NULL;
	smbsign_gcm_npools = 0;
}

static int smbsign_gcm_pool_init(void)
{
	unsigned int i, n = num_online_cpus();

	smbsign_gcm_pools = kcalloc(n, sizeof(*smbsign_gcm_pools), GFP_KERNEL);
	if (!smbsign_gcm_pools)
		return -ENOMEM;
	smbsign_gcm_npools = n;
	for (i = 0; i < n; i++) {
		struct smbsign_sg_pool *pool = &smbsign_gcm_pools[i];

		mutex_init(&pool->lock);
		pool->sg = kvmalloc_array(SMBSIGN_GCM_SG_BIG,
					  sizeof(*pool->sg), GFP_KERNEL);
		if (!pool->sg) {
			smbsign_gcm_pool_exit();
			return -ENOMEM;
		}
	}
	return 0;
}
#else
#define SMBSIGN_GMAC_GCM_MIN	0

static int smbsign_gcm_init(struct smbsign_key *key, const u8 *k, size_t klen)
{
	return 0;
}

static int smbsign_gmac_gcm(struct smbsign_key *key,
			    const struct smbsign_msg *m, const u8 *nonce,
			    u8 *out)
{
	return -E2BIG;
}

static int __maybe_unused
smbsign_gcm_tag_empty(struct smbsign_key *key, const u8 *nonce, u8 *tag)
{
	return -EINVAL;
}

static void smbsign_gcm_pool_exit(void)
{
}

static int smbsign_gcm_pool_init(void)
{
	return 0;
}
#endif

static bool smbsign_ghash_refused;

/**
 * smbsign_gmac_ghash_refuse_set() - make GMAC keys find no GHASH (KUnit)
 * @on: refuse GHASH to GMAC keys made from now on, as FIPS mode does on
 *	kernels with a testmgr that disallows plain "ghash"
 *
 * Where gcm(aes) takes scattered associated data (6.11 and later), such
 * keys are gcm(aes)-only; elsewhere their creation fails with -ENOENT.
 *
 * Return: the previous value.
 */
bool smbsign_gmac_ghash_refuse_set(bool on)
{
	return xchg(&smbsign_ghash_refused, on);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_gmac_ghash_refuse_set);

int smbsign_gmac_init(struct smbsign_key *key, const u8 *k,
		      size_t klen)
{
	u8 h[GHASH_BLOCK_SIZE] = {};
	int ret;

	if (klen != SMBSIGN_KEY_SIZE)
		return -EINVAL;
	if (smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC)) {
		/* long messages to the kernel's GCM where it is faster */
		ret = smbsign_simd_gmac_init(key, k);
		if (ret || !smbsign_simd_gmac_defers_long(&key->gcm_over))
			return ret ?:
			       smbsign_set_driver(key,
						  smbsign_simd_gmac_driver(key),
						  NULL);
		ret = smbsign_gcm_init(key, k, klen);
		if (ret)
			return ret;
		ret = smbsign_set_driver(key, smbsign_simd_gmac_driver(key),
					 key->gcm ?
					 crypto_aead_driver_name(key->gcm) :
					 NULL);
		if (ret && key->gcm)
			crypto_free_aead(key->gcm);
		return ret;
	}

	ret = smbsign_gcm_init(key, k, klen);
	if (ret)
		return ret;
	ret = smbsign_aes_init(key, k, klen);
	if (ret)
		goto err_gcm;
	smbsign_aes_block(key, h, h);
	ret = READ_ONCE(smbsign_ghash_refused) ? -ENOENT :
	      smbsign_ghash_init(key, h);
	memzero_explicit(h, sizeof(h));
	if (ret == -ENOENT && key->gcm) {
		/*
		 * Newer kernels' FIPS mode refuses plain GHASH (Debian 13's
		 * 6.12 with fips=1: "ghash ... is disabled due to FIPS"; 6.1
		 * allows it) and allows gcm(aes): the key then signs every
		 * message with gcm(aes) alone, and the AES block was needed
		 * for H only.
		 */
		smbsign_aes_exit(key);
		key->aes = NULL;
		key->ghash = NULL;
		key->gcm_only = true;
		ret = smbsign_set_driver(key, crypto_aead_driver_name(key->gcm),
					 NULL);
		if (ret)
			goto err_gcm;
		return 0;
	}
	if (ret)
		goto err_aes;
	if (key->gcm)
		ret = smbsign_set_driver(key, crypto_aead_driver_name(key->gcm),
					 smbsign_ghash_driver(key));
	else
		ret = smbsign_set_driver(key, smbsign_ghash_driver(key),
					 smbsign_aes_driver(key));
	if (ret)
		goto err_ghash;
#ifndef SMBSIGN_HAVE_LIB_AES
	/*
	 * With gcm(aes), E_K(J0) for the GHASH path comes from gcm(aes) too
	 * (smbsign_gmac_ekj0()): the cipher, ~1 KiB, was needed for H only.
	 */
	if (key->gcm) {
		smbsign_aes_exit(key);
		key->aes = NULL;
	}
#endif
	return 0;

err_ghash:
	smbsign_ghash_exit(key);
err_aes:
	smbsign_aes_exit(key);
err_gcm:
	if (key->gcm)
		crypto_free_aead(key->gcm);
	return ret;
}

void smbsign_gmac_exit(struct smbsign_key *key)
{
	if (smbsign_key_simd(key) || key->gcm_only) {
		if (key->gcm)
			crypto_free_aead(key->gcm);
		return;
	}
	smbsign_ghash_exit(key);
#ifndef SMBSIGN_HAVE_LIB_AES
	if (key->aes)
#endif
		smbsign_aes_exit(key);
	if (key->gcm)
		crypto_free_aead(key->gcm);
}

/* E_K(J0): the GCM tag of an empty message (GHASH of a zero length is 0) */
static int smbsign_gmac_ekj0(struct smbsign_key *key, const u8 *nonce,
			     u8 *out)
{
	u8 j0[GHASH_BLOCK_SIZE];

#ifndef SMBSIGN_HAVE_LIB_AES
	if (!key->aes)
		return smbsign_gcm_tag_empty(key, nonce, out);
#endif
	memcpy(j0, nonce, SMBSIGN_GMAC_NONCE_SIZE);
	put_unaligned_be32(1, &j0[SMBSIGN_GMAC_NONCE_SIZE]);
	smbsign_aes_block(key, out, j0);
	return 0;
}

#ifdef SMBSIGN_HAVE_LIB_GHASH
/* Reversed blocks are hashed in chunks of this size. */
#define SMBSIGN_POLYVAL_CHUNK	512

struct smbsign_polyval_walk {
	struct polyval_ctx ctx;
	unsigned int n;			/* bytes in @buf */
	unsigned int npart;		/* bytes in @part */
	u8 part[GHASH_BLOCK_SIZE];	/* a block split between pieces */
	u8 buf[SMBSIGN_POLYVAL_CHUNK] __aligned(16);
};

/* dst = rev(src), one 16-byte block */
static inline void smbsign_rev_block(u8 *dst, const u8 *src)
{
	u64 hi = get_unaligned_be64(src), lo = get_unaligned_be64(src + 8);

	put_unaligned_le64(lo, dst);
	put_unaligned_le64(hi, dst + 8);
}

static void smbsign_polyval_push(struct smbsign_polyval_walk *w,
				 const u8 *block)
{
	smbsign_rev_block(w->buf + w->n, block);
	w->n += GHASH_BLOCK_SIZE;
	if (w->n == sizeof(w->buf)) {
		polyval_update(&w->ctx, w->buf, w->n);
		w->n = 0;
	}
}

static int smbsign_polyval_feed(void *ctx, const void *data, size_t len)
{
	struct smbsign_polyval_walk *w = ctx;
	const u8 *p = data;

	if (w->npart) {
		size_t take = min_t(size_t, len, GHASH_BLOCK_SIZE - w->npart);

		memcpy(w->part + w->npart, p, take);
		w->npart += take;
		p += take;
		len -= take;
		if (w->npart < GHASH_BLOCK_SIZE)
			return 0;
		smbsign_polyval_push(w, w->part);
		w->npart = 0;
	}
	for (; len >= GHASH_BLOCK_SIZE; p += GHASH_BLOCK_SIZE,
	     len -= GHASH_BLOCK_SIZE)
		smbsign_polyval_push(w, p);
	memcpy(w->part, p, len);
	w->npart = len;
	return 0;
}

/* GHASH(M || zero pad || [8 * len(M)]_64 || 0^64), via POLYVAL. */
static int smbsign_ghash(struct smbsign_key *key, const struct smbsign_msg *m,
			 const u8 *tail, size_t tail_len, u8 *s)
{
	struct smbsign_polyval_walk w __uninitialized;
	u8 acc[POLYVAL_BLOCK_SIZE];
	int ret;

	polyval_init(&w.ctx, &key->polyval);
	w.n = 0;
	w.npart = 0;
	ret = smbsign_msg_walk(m, smbsign_polyval_feed, &w);
	if (!ret) {
		/* the pad completes the last block: nothing is left over */
		smbsign_polyval_feed(&w, tail, tail_len);
		polyval_update(&w.ctx, w.buf, w.n);
		polyval_final(&w.ctx, acc);
		smbsign_rev_block(s, acc);
	}
	memzero_explicit(&w, sizeof(w));
	memzero_explicit(acc, sizeof(acc));
	return ret;
}
#else
/* GHASH(M || zero pad || [8 * len(M)]_64 || 0^64) with the shash. */
static int smbsign_ghash_shash(struct smbsign_key *key,
			       const struct smbsign_msg *m, const u8 *tail,
			       size_t tail_len, u8 *s)
{
	u8 descbuf[sizeof(struct shash_desc) + HASH_MAX_DESCSIZE]
		__aligned(__alignof__(struct shash_desc)) __uninitialized;
	struct shash_desc *desc = (void *)descbuf;
	u8 buf[SMBSIGN_GMAC_COPY_MAX + 2 * GHASH_BLOCK_SIZE] __uninitialized;
	int ret;

	if (!crypto_simd_usable()) {
		pr_warn_once("GMAC signing needs process context\n");
		return -EOPNOTSUPP;
	}
	desc->tfm = key->shash;
	ret = crypto_shash_init(desc) ?:
	      smbsign_shash_msg(desc, m, buf, SMBSIGN_GMAC_COPY_MAX, tail,
				tail_len, s);
	shash_desc_zero(desc);
	return ret;
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
	/* nbytes is an unsigned int (sign.c caps message lengths first) */
	if (w->t.bytes > UINT_MAX)
		return -EINVAL;
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

/* The same with the ahash, fed through a small scatterlist in pieces. */
static int smbsign_ghash_ahash(struct smbsign_key *key,
			       const struct smbsign_msg *m, const u8 *tail,
			       size_t tail_len, u8 *s)
{
	u8 reqbuf[sizeof(struct ahash_request) + SMBSIGN_AHASH_REQ_MAX]
		__aligned(CRYPTO_MINALIGN) __uninitialized;
	struct ahash_request *req = (void *)reqbuf;
	struct smbsign_gmac_walk w __uninitialized;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	ahash_request_set_tfm(req, key->ghash);
	ahash_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				   CRYPTO_TFM_REQ_MAY_SLEEP,
				   crypto_req_done, &wait);
	w.req = req;
	w.wait = &wait;
	smbsign_sgt_init(&w.t, w.sg, ARRAY_SIZE(w.sg));

	ret = crypto_wait_req(crypto_ahash_init(req), &wait) ?:
	      smbsign_msg_walk(m, smbsign_gmac_feed, &w) ?:
	      smbsign_gmac_feed(&w, tail, tail_len) ?:
	      smbsign_gmac_flush(&w);
	if (!ret) {
		ahash_request_set_crypt(req, NULL, s, 0);
		ret = crypto_wait_req(crypto_ahash_final(req), &wait);
	}
	memzero_explicit(reqbuf, sizeof(reqbuf));
	return ret;
}

static int smbsign_ghash(struct smbsign_key *key, const struct smbsign_msg *m,
			 const u8 *tail, size_t tail_len, u8 *s)
{
	if (key->shash)
		return smbsign_ghash_shash(key, m, tail, tail_len, s);
	return smbsign_ghash_ahash(key, m, tail, tail_len, s);
}
#endif

int smbsign_gmac_mac(struct smbsign_key *key,
		     const struct smbsign_msg *m, const u8 *nonce,
		     u8 *out)
{
	size_t pad = (GHASH_BLOCK_SIZE - m->len % GHASH_BLOCK_SIZE) %
		     GHASH_BLOCK_SIZE;
	u8 tail[2 * GHASH_BLOCK_SIZE] = {};	/* zero pad, then lengths */
	u8 j0[GHASH_BLOCK_SIZE];
	u8 s[GHASH_DIGEST_SIZE];
	int ret;

	if (smbsign_key_simd(key)) {
		if (key->gcm && m->len > key->gcm_over) {
			ret = smbsign_gmac_gcm(key, m, nonce, out);
			if (ret != -E2BIG)
				return ret;
		}
		return smbsign_simd_gmac_mac(key, m, nonce, out);
	}
	/*
	 * FIPS mode: the validated gcm(aes) for every length it can take. A
	 * gcm(aes)-only key has nothing else: a message in more pieces than
	 * its scatterlist (SMBSIGN_GCM_SG_BIG: an 8 MiB message in pages
	 * and 64 more pieces) gets -E2BIG.
	 */
	if (key->gcm && (m->len > SMBSIGN_GMAC_GCM_MIN || fips_enabled ||
			 key->gcm_only)) {
		ret = smbsign_gmac_gcm(key, m, nonce, out);
		if (ret != -E2BIG || key->gcm_only)
			return ret;
	}
	put_unaligned_be64((u64)m->len * 8, tail + pad);
	ret = smbsign_ghash(key, m, tail, pad + 16, s) ?:
	      smbsign_gmac_ekj0(key, nonce, j0);
	if (!ret)
		crypto_xor_cpy(out, j0, s, SMBSIGN_SIG_SIZE);
	memzero_explicit(j0, sizeof(j0));
	memzero_explicit(s, sizeof(s));
	return ret;
}

void smbsign_gmac_mod_exit(void)
{
	smbsign_gcm_pool_exit();
}

int smbsign_gmac_mod_init(void)
{
	return smbsign_gcm_pool_init();
}
