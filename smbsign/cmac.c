// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: AES-128-CMAC, the signing algorithm of SMB 3.0 to 3.1.1.
 *
 * Three implementations, chosen per key when it is made:
 * - smbsign's own x86 code (x86/cmac.h, simd-x86_64.S) where the CPU has
 *   AES-NI and AVX and impl.c chooses it (smbsign_simd_usable());
 * - in FIPS mode, the crypto API's cmac(aes), keyed once: slower (one AES
 *   block a call), but the validated module's own CMAC service;
 * - else cbc(aes) and the block cipher, as follows.
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

#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/skcipher.h>
#include <linux/fips.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/percpu.h>

#include "cmac-subkeys.h"
#include "cryptoapi.h"

#ifdef CONFIG_X86_64
#include "x86/cmac.h"
#else
static inline int smbsign_simd_cmac_init(struct smbsign_key *key, const u8 *k)
{
	return -EOPNOTSUPP;
}

static inline int smbsign_simd_cmac_mac(const struct smbsign_key *key,
					const struct smbsign_msg *m, u8 *out)
{
	return -EOPNOTSUPP;
}
#endif

/* Stack space for a cbc(aes) request; checked when a key is made. */
#define SMBSIGN_SKCIPHER_REQ_MAX	320
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
 * Where CBC-MAC passes write the ciphertext nobody reads: a page per CPU,
 * so that CPUs signing at once do not bounce the same cache lines (a CPU
 * change during a pass only means two passes scribble on one page).
 */
static DEFINE_PER_CPU(struct page *, smbsign_sink);

SMBSIGN_DEFINE_ALLOC(skcipher)

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

/*
 * In FIPS mode CMAC is the crypto API's cmac(aes), keyed once, rather
 * than smbsign's composition of CBC and subkeys: slower (one AES block a
 * call), but the validated module's own CMAC service.
 */
int smbsign_cmac_init(struct smbsign_key *key, const u8 *k,
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

void smbsign_cmac_exit(struct smbsign_key *key)
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

int smbsign_cmac_mac(struct smbsign_key *key,
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

void smbsign_cmac_mod_exit(void)
{
	int cpu;

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

int smbsign_cmac_mod_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL, 0);

		if (!page) {
			smbsign_cmac_mod_exit();
			return -ENOMEM;
		}
		per_cpu(smbsign_sink, cpu) = page;
	}
	return 0;
}
