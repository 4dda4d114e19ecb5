// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: the signing algorithms.
 *
 * One row per SMB2 signing algorithm id. Every row keys its transforms once,
 * when the session key object is created; computing a MAC allocates nothing
 * (descriptors and requests live on the stack) and takes no lock, so any
 * number of CPUs can sign with one key at the same time.
 *
 * On x86_64 with AES-NI, PCLMULQDQ and AVX, AES-CMAC and AES-GMAC keys use
 * smbsign's own SIMD code instead (simd-x86.c; off in FIPS mode or with
 * the simd module parameter off). What follows is the crypto API path,
 * used everywhere else and always for HMAC-SHA256.
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
 * AES-CMAC is CBC-MAC with a subkey-tweaked last block (RFC 4493). The
 * cmac(aes) template runs one AES block per call, each in its own FPU
 * section, at ~10 instructions per byte; smbsign derives the subkeys K1 and
 * K2 once per key and runs every block but the last through one bulk
 * cbc(aes) pass (AES-NI, ~2.3 instructions per byte) whose output IV is the
 * CBC-MAC state, then finishes with one AES block:
 *
 *   tag = last block of CBC_K(IV = 0; M_1 .. M_n-1, M_n xor K1)
 *   tag = last block of CBC_K(IV = 0; M_1 .. M_n-1, pad(M_n) xor K2)
 *
 * (the first when M_n is a whole block, pad = 10*).
 *
 * The tweaked last block is simply the last block of the last CBC request,
 * so the tag is that request's output IV. The ciphertext goes to a per-CPU
 * sink page. Blocks that would straddle a page boundary are copied to the
 * stack first, so the skcipher walk never needs its allocating slow path.
 * Messages of up to five blocks skip the skcipher request, whose set-up
 * costs more than they do, and go one block at a time through the block
 * cipher ("aes", AES-NI), the subkeys applied the same way.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/aes.h>
#include <crypto/ghash.h>
#include <crypto/hash.h>
#include <crypto/internal/cipher.h>
#include <crypto/internal/simd.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <kunit/visibility.h>
#include <linux/fips.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/simd.h>

#include "smbsign.h"

MODULE_IMPORT_NS(SMBSIGN_CRYPTO_INTERNAL_NS);

/*
 * Stack buffers on the per-message path are marked __uninitialized: under
 * CONFIG_INIT_STACK_ALL_ZERO (the default where the compiler has it) the
 * compiler would otherwise clear every one of them on each call, ~1 KiB for
 * a CMAC request, which measured as much as MACing a 64-byte message. Each
 * is fully written before it is read (requests by the request setters and
 * the driver, message copies by the copy), and those that held key-derived
 * bytes are wiped with memzero_explicit() afterwards.
 */

/* Stack space for an ahash request (GHASH); checked when a key is made. */
#define SMBSIGN_AHASH_REQ_MAX	320
/* Stack space for a cbc(aes) request; checked when a key is made. */
#define SMBSIGN_SKCIPHER_REQ_MAX	320
/*
 * Scatterlist entries fed to GHASH or CBC per request: six keeps the CBC
 * walk's stack frame under the 1 KiB distributions warn at (FRAME_WARN).
 */
#define SMBSIGN_SG_INLINE	6
/* Sink pages a CBC request may write, hence its maximum length. */
#define SMBSIGN_CBC_SINK_PAGES	4
#define SMBSIGN_CBC_MAX_BYTES	(SMBSIGN_CBC_SINK_PAGES * PAGE_SIZE)

/*
 * CMAC messages up to this size (most requests and responses other than
 * READ/WRITE data) are copied to the stack and MACed in one CBC call:
 * several scatterlist entries around the signature field cost the skcipher
 * walk more than the copy.
 */
#define SMBSIGN_SMALL_MSG	256
/*
 * CMAC messages up to this size go one AES block at a time: on 6.1 with
 * AES-NI a block costs ~150 instructions that way and a CBC request ~600
 * plus ~55 a block (make bench), so up to 5 blocks (a 64-byte ECHO or a
 * 73-byte error response) the block cipher wins.
 */
#define SMBSIGN_CMAC_BLOCKS_MAX	80
/*
 * GMAC and HMAC messages up to these sizes are copied to the stack and
 * hashed in one finup rather than in pieces around the signature field.
 * For GMAC that saves FPU sections worth more than copying 128 bytes but
 * less than copying 256; HMAC's partial-block updates cost more, and the
 * copy wins up to 256 (make bench, 6.1).
 */
#define SMBSIGN_GMAC_COPY_MAX	128
#define SMBSIGN_HMAC_COPY_MAX	256

/*
 * Where CBC-MAC passes write the ciphertext nobody reads: a page per CPU,
 * so that CPUs signing at once do not bounce the same cache lines (a CPU
 * change during a pass only means two passes scribble on one page).
 */
static DEFINE_PER_CPU(struct page *, smbsign_sink);

/*
 * The transforms a key may use: implementations that run on the CPU and
 * allocate nothing per request. Requests live on the stack and point at
 * stack buffers, vmalloc'd messages and the zero page, which must never
 * reach a device's DMA; a MAC must not fail for want of memory. So no
 * hardware engine (CRYPTO_ALG_KERN_DRIVER_ONLY: Intel QAT's cbc(aes) is
 * priority 4001 on 6.1, above AES-NI's 400) and nothing that allocates
 * (CRYPTO_ALG_ALLOCATES_MEMORY), as dm-crypt asks. An async wrapper of CPU
 * code (6.1's cbc-aes-aesni) qualifies; when its request does not fit the
 * stack, smbsign_alloc_*() take a synchronous implementation instead.
 */
#define SMBSIGN_CRYPTO_MASK	(CRYPTO_ALG_ALLOCATES_MEMORY | \
				 CRYPTO_ALG_KERN_DRIVER_ONLY)

/* Requests live on the stack: refuse a driver that needs more room. */
static int smbsign_check_reqsize(const char *driver, unsigned int size,
				 unsigned int max)
{
	if (size <= max)
		return 0;
	pr_warn_ratelimited("%s needs a %u-byte request, more than %u\n",
			    driver, size, max);
	return -EOPNOTSUPP;
}

/*
 * Allocate @name of a transform type with SMBSIGN_CRYPTO_MASK; if its
 * request needs more than @max bytes, once more without async ones.
 */
#define SMBSIGN_DEFINE_ALLOC(type)					\
static struct crypto_##type *smbsign_alloc_##type(const char *name,	\
						  unsigned int max)	\
{									\
	struct crypto_##type *tfm;					\
									\
	tfm = crypto_alloc_##type(name, 0, SMBSIGN_CRYPTO_MASK);	\
	if (IS_ERR(tfm) || crypto_##type##_reqsize(tfm) <= max)	\
		return tfm;						\
	crypto_free_##type(tfm);					\
	return crypto_alloc_##type(name, 0, SMBSIGN_CRYPTO_MASK |	\
				   CRYPTO_ALG_ASYNC);			\
}

SMBSIGN_DEFINE_ALLOC(skcipher)

/*
 * Driver names ("cbc-aes-aesni+aes-aesni") are the same for every key of a
 * kind: keys point at one interned copy rather than carry ~100 bytes each.
 */
struct smbsign_drv_name {
	struct list_head list;
	char name[];
};

static LIST_HEAD(smbsign_drv_names);
static DEFINE_MUTEX(smbsign_drv_lock);	/* protects smbsign_drv_names */

static int smbsign_set_driver(struct smbsign_key *key, const char *a,
			      const char *b)
{
	char buf[2 * CRYPTO_MAX_ALG_NAME + 2];
	struct smbsign_drv_name *n;

	if (b)
		scnprintf(buf, sizeof(buf), "%s+%s", a, b);
	else
		strscpy(buf, a, sizeof(buf));
	mutex_lock(&smbsign_drv_lock);
	list_for_each_entry(n, &smbsign_drv_names, list)
		if (!strcmp(n->name, buf))
			goto found;
	n = kmalloc(struct_size(n, name, strlen(buf) + 1), GFP_KERNEL);
	if (!n) {
		mutex_unlock(&smbsign_drv_lock);
		return -ENOMEM;
	}
	memcpy(n->name, buf, strlen(buf) + 1);
	list_add(&n->list, &smbsign_drv_names);
found:
	key->driver = n->name;
	mutex_unlock(&smbsign_drv_lock);
	return 0;
}

static void smbsign_drv_names_free(void)
{
	struct smbsign_drv_name *n, *tmp;

	list_for_each_entry_safe(n, tmp, &smbsign_drv_names, list) {
		list_del(&n->list);
		kfree(n);
	}
}

/*
 * Single AES blocks (CMAC subkeys and short messages, GMAC's H and E_K(J0)):
 * the AES library where it is accelerated (7.x), else the "aes" cipher.
 */
#ifdef SMBSIGN_HAVE_LIB_AES
static int smbsign_aes_init(struct smbsign_key *key, const u8 *k, size_t klen)
{
	return aes_prepareenckey(&key->aes_lib, k, klen);
}

static void smbsign_aes_exit(struct smbsign_key *key)
{
	memzero_explicit(&key->aes_lib, sizeof(key->aes_lib));
}

static inline void smbsign_aes_block(const struct smbsign_key *key, u8 *out,
				     const u8 *in)
{
	aes_encrypt(&key->aes_lib, out, in);
}

static const char *smbsign_aes_driver(const struct smbsign_key *key)
{
	return "aes-lib";
}
#else
static int smbsign_aes_init(struct smbsign_key *key, const u8 *k, size_t klen)
{
	int ret;

	key->aes = crypto_alloc_cipher("aes", 0, SMBSIGN_CRYPTO_MASK);
	if (IS_ERR(key->aes))
		return PTR_ERR(key->aes);
	ret = crypto_cipher_setkey(key->aes, k, klen);
	if (ret)
		crypto_free_cipher(key->aes);
	return ret;
}

static void smbsign_aes_exit(struct smbsign_key *key)
{
	crypto_free_cipher(key->aes);
}

static inline void smbsign_aes_block(const struct smbsign_key *key, u8 *out,
				     const u8 *in)
{
	crypto_cipher_encrypt_one(key->aes, out, in);
}

static const char *smbsign_aes_driver(const struct smbsign_key *key)
{
	return crypto_tfm_alg_driver_name(crypto_cipher_tfm(key->aes));
}
#endif

/* HMAC-SHA256 and AES-CMAC: a keyed shash, descriptor on the stack. */

static int smbsign_shash_init(struct smbsign_key *key, const char *name,
			      const u8 *k, size_t klen)
{
	struct crypto_shash *tfm;
	int ret;

	tfm = crypto_alloc_shash(name, 0, SMBSIGN_CRYPTO_MASK);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, k, klen);
	if (ret) {
		crypto_free_shash(tfm);
		return ret;
	}
	ret = smbsign_set_driver(key, crypto_shash_driver_name(tfm), NULL);
	if (ret) {
		crypto_free_shash(tfm);
		return ret;
	}
	key->shash = tfm;
	return 0;
}

static int smbsign_hmac_init(struct smbsign_key *key, const u8 *k,
			     size_t klen)
{
	return smbsign_shash_init(key, "hmac(sha256)", k, klen);
}

static void smbsign_hmac_exit(struct smbsign_key *key)
{
	crypto_free_shash(key->shash);
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

/**
 * smbsign_cmac_subkeys() - derive the CMAC subkeys of a key
 * @key: the key; sets @key->k1 = L * x and @key->k2 = L * x^2
 * @l: L = E_K(0^128)
 */
void smbsign_cmac_subkeys(struct smbsign_key *key, const u8 *l)
{
	smbsign_cmac_dbl(key->k1, l);
	smbsign_cmac_dbl(key->k2, key->k1);
}

/**
 * smbsign_cmac_tweak() - turn a message's last block into CMAC's M_n
 * @key: the key (subkeys)
 * @last: the last block, in place: its @n message bytes, room for 16
 * @n: message bytes in it, 0 to 16
 *
 * A whole block is XORed with K1; a partial one is padded with 10* and
 * XORed with K2 (RFC 4493). The result reveals a subkey: wipe it after use.
 */
void smbsign_cmac_tweak(const struct smbsign_key *key, u8 *last,
			unsigned int n)
{
	if (n == AES_BLOCK_SIZE) {
		crypto_xor(last, key->k1, AES_BLOCK_SIZE);
	} else {
		last[n] = 0x80;
		memset(last + n + 1, 0, AES_BLOCK_SIZE - n - 1);
		crypto_xor(last, key->k2, AES_BLOCK_SIZE);
	}
}

/* One CBC pass over @sg with IV @iv (updated to the last ciphertext block). */
static int smbsign_cbc_run(struct skcipher_request *req, struct crypto_wait *wait,
			   struct scatterlist *src, struct scatterlist *dst,
			   unsigned int len, u8 *iv)
{
	skcipher_request_set_crypt(req, src, dst, len, iv);
	return crypto_wait_req(crypto_skcipher_encrypt(req), wait);
}

static void smbsign_cbc_req_init(struct skcipher_request *req,
				 struct crypto_skcipher *cbc,
				 struct crypto_wait *wait)
{
	skcipher_request_set_tfm(req, cbc);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, wait);
}

static int smbsign_shash_mac(struct smbsign_key *key,
			     const struct smbsign_msg *m, const u8 *nonce,
			     u8 *out);

/*
 * In FIPS mode CMAC is the crypto API's cmac(aes), keyed once, rather
 * than smbsign's composition of CBC and subkeys: slower (one AES block a
 * call), but the validated module's own CMAC service.
 */
static int smbsign_cmac_init(struct smbsign_key *key, const u8 *k,
			     size_t klen)
{
	u8 l[AES_BLOCK_SIZE];
	int ret;

	if (klen != SMBSIGN_KEY_SIZE)
		return -EINVAL;
	if (fips_enabled)
		return smbsign_shash_init(key, "cmac(aes)", k, klen);
	if (smbsign_simd_usable(SMBSIGN_ALG_AES_CMAC))
		return smbsign_simd_cmac_init(key, k) ?:
		       smbsign_set_driver(key, "smbsign-cmac-aesni-avx", NULL);

	key->cbc = smbsign_alloc_skcipher("cbc(aes)",
					  SMBSIGN_SKCIPHER_REQ_MAX);
	if (IS_ERR(key->cbc))
		return PTR_ERR(key->cbc);
	ret = smbsign_check_reqsize(crypto_skcipher_driver_name(key->cbc),
				    crypto_skcipher_reqsize(key->cbc),
				    SMBSIGN_SKCIPHER_REQ_MAX) ?:
	      crypto_skcipher_setkey(key->cbc, k, klen);
	if (ret)
		goto err;

	ret = smbsign_aes_init(key, k, klen);
	if (ret)
		goto err;

	/* L = E_K(0^128); K1 = L * x, K2 = L * x^2 */
	memset(l, 0, sizeof(l));
	smbsign_aes_block(key, l, l);
	smbsign_cmac_subkeys(key, l);
	memzero_explicit(l, sizeof(l));

	ret = smbsign_set_driver(key, crypto_skcipher_driver_name(key->cbc),
				 smbsign_aes_driver(key));
	if (ret) {
		smbsign_aes_exit(key);
		goto err;
	}
	return 0;

err:
	crypto_free_skcipher(key->cbc);
	return ret;
}

static void smbsign_cmac_exit(struct smbsign_key *key)
{
	if (smbsign_key_simd(key))
		return;
	if (key->shash) {
		crypto_free_shash(key->shash);
		return;
	}
	smbsign_aes_exit(key);
	crypto_free_skcipher(key->cbc);
}

/*
 * Messages of a few blocks: CBC-MAC one block at a time through the block
 * cipher, XORing the message into the state straight from the caller's
 * kvecs. Each block costs an FPU section, but a skcipher request costs
 * several hundred instructions before the first block is encrypted.
 */
struct smbsign_cmac_blocks {
	const struct smbsign_key *key;
	size_t left;		/* message bytes not yet fed */
	unsigned int fill;	/* bytes XORed into @x since the last AES */
	u8 x[AES_BLOCK_SIZE];
};

static int smbsign_cmac_blocks_feed(void *ctx, const void *data, size_t n)
{
	struct smbsign_cmac_blocks *c = ctx;
	const u8 *p = data;

	while (n) {
		unsigned int take = AES_BLOCK_SIZE;

		if (!c->fill && n >= AES_BLOCK_SIZE) {
			/* a whole block: inlined, constant-size XOR */
			crypto_xor(c->x, p, AES_BLOCK_SIZE);
		} else {
			take = min_t(size_t, n, AES_BLOCK_SIZE - c->fill);
			crypto_xor(c->x + c->fill, p, take);
		}
		c->fill += take;
		c->left -= take;
		p += take;
		n -= take;
		/* The last block waits for its subkey. */
		if (c->fill == AES_BLOCK_SIZE && c->left) {
			smbsign_aes_block(c->key, c->x, c->x);
			c->fill = 0;
		}
	}
	return 0;
}

static int smbsign_cmac_mac_blocks(struct smbsign_key *key,
				   const struct smbsign_msg *m, u8 *out)
{
	struct smbsign_cmac_blocks c = { .key = key, .left = m->len };
	int ret;

	ret = smbsign_msg_walk(m, smbsign_cmac_blocks_feed, &c);
	if (!ret) {
		if (c.fill == AES_BLOCK_SIZE) {
			crypto_xor(c.x, key->k1, AES_BLOCK_SIZE);
		} else {
			c.x[c.fill] ^= 0x80;
			crypto_xor(c.x, key->k2, AES_BLOCK_SIZE);
		}
		smbsign_aes_block(key, out, c.x);
	}
	memzero_explicit(c.x, sizeof(c.x));
	return ret;
}

/**
 * struct smbsign_cmac_walk - CBC-MAC state while a message is fed
 * @req: the cbc(aes) request (on the caller's stack)
 * @wait: its completion
 * @bulk_left: bytes still to go through CBC before the last block
 * @x: CBC-MAC state: the requests' IV, finally the tag
 * @last: the last block, collected, then tweaked with K1 or K2
 * @nlast: bytes in @last
 * @part: bytes collected in @bounce[@nbounce]
 * @nbounce: bounce blocks queued in @t
 * @t: source scatterlist being filled
 * @sg: its entries
 * @dst: sink entries
 * @bounce: blocks copied because they straddle a page or a kvec boundary,
 *	and the tweaked last block
 */
struct smbsign_cmac_walk {
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
	struct page *sink;
	unsigned int i;
	int ret;

	if (!left)
		return 0;
	sink = this_cpu_read(smbsign_sink);
	sg_init_table(w->dst, DIV_ROUND_UP(left, PAGE_SIZE));
	for (i = 0; left; i++) {
		size_t n = min_t(size_t, left, PAGE_SIZE);

		sg_set_page(&w->dst[i], sink, n, 0);
		left -= n;
	}
	ret = smbsign_cbc_run(w->req, w->wait, w->t.sg, w->dst, w->t.bytes,
			      w->x);
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

/* Queue a whole block from the bounce area. */
static int smbsign_cmac_queue_bounce(struct smbsign_cmac_walk *w)
{
	smbsign_sgt_add(&w->t, w->bounce[w->nbounce], AES_BLOCK_SIZE);
	w->nbounce++;
	return smbsign_cmac_flush_full(w);
}

/* Copy up to a block into the current bounce block; queue it when full. */
static int smbsign_cmac_stitch(struct smbsign_cmac_walk *w, const u8 *p,
			       size_t n)
{
	memcpy(w->bounce[w->nbounce] + w->part, p, n);
	w->part += n;
	w->bulk_left -= n;
	if (w->part < AES_BLOCK_SIZE)
		return 0;
	w->part = 0;
	return smbsign_cmac_queue_bounce(w);
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
		if (w->part || !direct) {
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

/*
 * Short messages: copy to an aligned stack buffer (which never straddles a
 * page), tweak the last block there, and run one in-place CBC pass over a
 * single scatterlist entry.
 */
static int smbsign_cmac_mac_small(struct smbsign_key *key,
				  const struct smbsign_msg *m, u8 *out)
{
	u8 reqbuf[sizeof(struct skcipher_request) + SMBSIGN_SKCIPHER_REQ_MAX]
		__aligned(CRYPTO_MINALIGN) __uninitialized;
	struct skcipher_request *req = (void *)reqbuf;
	u8 buf[SMBSIGN_SMALL_MSG] __aligned(SMBSIGN_SMALL_MSG) __uninitialized;
	size_t nblocks = max_t(size_t, DIV_ROUND_UP(m->len, AES_BLOCK_SIZE), 1);
	size_t nlast = m->len - (nblocks - 1) * AES_BLOCK_SIZE;
	u8 iv[AES_BLOCK_SIZE] = {};
	u8 *last = buf + (nblocks - 1) * AES_BLOCK_SIZE;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	struct smbsign_sgt t;
	int ret;

	ret = smbsign_msg_copy(m, buf);
	if (ret)
		return ret;
	smbsign_cmac_tweak(key, last, nlast);
	smbsign_sgt_init(&t, &sg, 1);
	smbsign_sgt_add(&t, buf, nblocks * AES_BLOCK_SIZE);
	smbsign_cbc_req_init(req, key->cbc, &wait);
	ret = smbsign_cbc_run(req, &wait, &sg, &sg, nblocks * AES_BLOCK_SIZE,
			      iv);
	if (!ret)
		memcpy(out, iv, AES_BLOCK_SIZE);
	/* every CBC-MAC chaining value is in @buf, the subkey in the last */
	memzero_explicit(buf, nblocks * AES_BLOCK_SIZE);
	memzero_explicit(iv, sizeof(iv));
	skcipher_request_zero(req);
	return ret;
}

/*
 * Longer messages: whole blocks through bulk CBC passes, straight from the
 * caller's memory. noinline: its ~1 KiB frame (request, scatterlists,
 * bounce blocks) stays off the paths above and off the SIMD path.
 */
static noinline int smbsign_cmac_mac_bulk(struct smbsign_key *key,
					  const struct smbsign_msg *m, u8 *out)
{
	u8 reqbuf[sizeof(struct skcipher_request) + SMBSIGN_SKCIPHER_REQ_MAX]
		__aligned(CRYPTO_MINALIGN) __uninitialized;
	size_t nblocks = max_t(size_t, DIV_ROUND_UP(m->len, AES_BLOCK_SIZE), 1);
	DECLARE_CRYPTO_WAIT(wait);
	struct smbsign_cmac_walk w __uninitialized;
	u8 *b;
	int ret;

	w.req = (void *)reqbuf;
	w.wait = &wait;
	w.bulk_left = (nblocks - 1) * AES_BLOCK_SIZE;
	memset(w.x, 0, sizeof(w.x));
	w.nlast = 0;
	w.part = 0;
	w.nbounce = 0;
	smbsign_sgt_init(&w.t, w.sg, ARRAY_SIZE(w.sg));
	w.t.merge_mask = AES_BLOCK_SIZE - 1;
	smbsign_cbc_req_init(w.req, key->cbc, &wait);

	ret = smbsign_msg_walk(m, smbsign_cmac_feed, &w);
	if (ret)
		goto out;

	/* The last block, tweaked, is the last block of the last request. */
	b = w.bounce[w.nbounce];
	memcpy(b, w.last, w.nlast);
	smbsign_cmac_tweak(key, b, w.nlast);
	ret = smbsign_cmac_queue_bounce(&w);
	if (!ret)
		ret = smbsign_cmac_flush(&w);
	if (!ret)
		memcpy(out, w.x, AES_BLOCK_SIZE);
out:
	/* The tweaked block reveals a subkey; the rest is public or output. */
	memzero_explicit(w.bounce, sizeof(w.bounce));
	memzero_explicit(w.last, sizeof(w.last));
	memzero_explicit(w.x, sizeof(w.x));
	skcipher_request_zero(w.req);
	return ret;
}

static int smbsign_cmac_mac(struct smbsign_key *key,
			    const struct smbsign_msg *m, const u8 *nonce,
			    u8 *out)
{
	if (smbsign_key_simd(key))
		return smbsign_simd_cmac_mac(key, m, out);
	if (key->shash)
		return smbsign_shash_mac(key, m, nonce, out);
	if (m->len <= SMBSIGN_CMAC_BLOCKS_MAX)
		return smbsign_cmac_mac_blocks(key, m, out);
	if (m->len <= SMBSIGN_SMALL_MSG)
		return smbsign_cmac_mac_small(key, m, out);
	return smbsign_cmac_mac_bulk(key, m, out);
}

/*
 * Bytes per shash update: the x86 SHA-256 and GHASH drivers hold one FPU
 * section, with preemption off, for a whole update (milliseconds for an
 * 8 MiB kvec), and update lengths are unsigned int.
 */
#define SMBSIGN_SHASH_CHUNK	4096

static int smbsign_shash_feed(void *ctx, const void *data, size_t n)
{
	const u8 *p = data;

	while (n) {
		unsigned int k = min_t(size_t, n, SMBSIGN_SHASH_CHUNK);
		int ret = crypto_shash_update(ctx, p, k);

		if (ret)
			return ret;
		p += k;
		n -= k;
	}
	return 0;
}

/*
 * Hash @m with @desc (initialised), then @extra, into @out. A message of
 * up to @copy_max bytes is copied to @buf, @extra after it, and hashed in
 * one finup: that saves the FPU sections and partial-block handling of the
 * updates for the pieces around the signature field. A longer one is
 * hashed in place from the caller's kvecs (copying its header instead, to
 * hash it in one piece, measured slower). @buf holds @copy_max +
 * @extra_len bytes.
 */
static __always_inline int smbsign_shash_msg(struct shash_desc *desc,
					     const struct smbsign_msg *m,
					     u8 *buf, size_t copy_max,
					     const u8 *extra,
					     size_t extra_len, u8 *out)
{
	int ret;

	if (m->len <= copy_max) {
		ret = smbsign_msg_copy(m, buf);
		if (ret)
			return ret;
		if (extra_len)
			memcpy(buf + m->len, extra, extra_len);
		return crypto_shash_finup(desc, buf, m->len + extra_len, out);
	}
	ret = smbsign_msg_walk(m, smbsign_shash_feed, desc);
	if (!ret && extra_len)
		ret = crypto_shash_update(desc, extra, extra_len);
	return ret ?: crypto_shash_final(desc, out);
}

static int smbsign_shash_mac(struct smbsign_key *key,
			     const struct smbsign_msg *m, const u8 *nonce,
			     u8 *out)
{
	u8 descbuf[sizeof(struct shash_desc) + HASH_MAX_DESCSIZE]
		__aligned(__alignof__(struct shash_desc)) __uninitialized;
	struct shash_desc *desc = (void *)descbuf;
	u8 buf[SMBSIGN_HMAC_COPY_MAX] __uninitialized;
	u8 digest[SHA256_DIGEST_SIZE];
	int ret;

	desc->tfm = key->shash;
	ret = crypto_shash_init(desc) ?:
	      smbsign_shash_msg(desc, m, buf, sizeof(buf), NULL, 0, digest);
	if (!ret)
		memcpy(out, digest, SMBSIGN_SIG_SIZE);
	shash_desc_zero(desc);
	memzero_explicit(digest, sizeof(digest));
	return ret;
}

/* AES-GMAC: GHASH (ahash, fed piecewise) and one AES block. */

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
/*
 * A SIMD GMAC key whose kernel GCM is faster for long messages
 * (smbsign_simd_gmac_defers_long(): what impl=auto measured at load; on
 * the CPUs measured, only the 128-bit PCLMULQDQ GHASH against a 6.19+
 * kernel's VAES code) keeps messages up to this size. Intel Xeon family
 * 6 model 207 (Emerald Rapids), 7.2, min cycles of the assembly and its
 * glue
 * (make bench-cpu KVER=7.2 BENCH_CPU_ARGS="--only GMAC/ --mode b2b --rt
 * --sizes 64,128,...,4096"): the kernel's gcm-vaes-avx512 GMAC takes 271
 * cycles fewer at 1 KiB, 492 at 2 KiB, 711 at 3 KiB; a gcm(aes) request
 * costs about 1,500 instructions more than smbsign's own call (make bench,
 * 7.2: 2,757 against 1,232 at 1 KiB), 400-700 cycles at this CPU's 2-4
 * instructions per cycle: crossover 1.5-3 KiB. Not measured in the kernel,
 * where no test CPU has VPCLMULQDQ.
 * Documentation/perf/cpu/intel-xeon-family6-model207/bench-cpu-gmac-7.2.md
 */
#define SMBSIGN_SIMD_GMAC_GCM_MIN	2048
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
#define SMBSIGN_SIMD_GMAC_GCM_MIN	0

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

static int smbsign_gmac_init(struct smbsign_key *key, const u8 *k,
			     size_t klen)
{
	u8 h[GHASH_BLOCK_SIZE] = {};
	int ret;

	if (klen != SMBSIGN_KEY_SIZE)
		return -EINVAL;
	if (smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC)) {
		/* long messages to the kernel's GCM where it is faster */
		ret = smbsign_simd_gmac_init(key, k);
		if (ret || !smbsign_simd_gmac_defers_long(key))
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

static void smbsign_gmac_exit(struct smbsign_key *key)
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

static int smbsign_gmac_mac(struct smbsign_key *key,
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
		if (key->gcm && m->len > SMBSIGN_SIMD_GMAC_GCM_MIN) {
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

const struct smbsign_alg_desc smbsign_algs[SMBSIGN_ALG_COUNT] = {
	[SMBSIGN_ALG_HMAC_SHA256] = {
		.name	= "HMAC-SHA256",
		.init	= smbsign_hmac_init,
		.exit	= smbsign_hmac_exit,
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

void smbsign_alg_exit(void)
{
	int cpu;

	smbsign_gcm_pool_exit();
	smbsign_drv_names_free();
	for_each_possible_cpu(cpu) {
		struct page *page = per_cpu(smbsign_sink, cpu);

		/* CBC ciphertext under session keys: not for the next owner */
		if (page) {
			clear_highpage(page);
			__free_page(page);
		}
		per_cpu(smbsign_sink, cpu) = NULL;
	}
}

int smbsign_alg_init(void)
{
	int cpu;

	smbsign_msg_init();
	smbsign_simd_init();
	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL, 0);

		if (!page) {
			smbsign_alg_exit();
			return -ENOMEM;
		}
		per_cpu(smbsign_sink, cpu) = page;
	}
	if (smbsign_gcm_pool_init()) {
		smbsign_alg_exit();
		return -ENOMEM;
	}
	return 0;
}
