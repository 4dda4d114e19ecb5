// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: AES-128-CMAC and AES-128-GMAC with AES-NI, PCLMULQDQ and AVX.
 *
 * The crypto API's cmac(aes) runs one AES block per call, each in its own
 * FPU section; its cbc(aes) and gcm(aes) are fast in bulk but cost several
 * hundred instructions a request before the first byte, which is most of
 * the cost of the typical SMB2 message (a 64-byte ECHO, a 100-byte
 * CREATE response). Here a message is MACed in one FPU section (re-entered
 * every SMBSIGN_SIMD_CHUNK bytes to bound preemption latency), fed straight
 * from the caller's kvecs to the loops of simd-x86_64.S:
 *
 *   CMAC: CBC-MAC with the round keys in registers, one block in flight
 *	   (CBC-MAC is serial), subkeys K1/K2 derived once per key;
 *   GMAC: GHASH folding eight blocks per reduction with key powers H^1..H^8
 *	   prepared once per key, then one AES block for E_K(J0).
 *
 * A key holds the 176-byte AES-128 key schedule and, for GMAC, the powers of
 * H: no crypto transform, nothing allocated after the key itself. Used when
 * the CPU has AES-NI, PCLMULQDQ and AVX, the OS saves AVX state, the
 * kernel is not in FIPS mode (where only the validated crypto API may
 * compute MACs) and the "simd" module parameter is on; else the crypto API
 * paths of alg.c are used.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/ghash.h>
#include <crypto/internal/simd.h>
#include <kunit/visibility.h>
#include <linux/fips.h>
#include <linux/module.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>

#include "smbsign.h"

/* Bytes hashed per FPU section (as the kernel's x86 crypto library). */
#define SMBSIGN_SIMD_CHUNK	4096
/*
 * Messages up to this size (all but READ/WRITE data, mostly) are copied to
 * the stack, padded there, and MACed in one call of the assembly: cheaper
 * than stitching the pieces around the signature field.
 */
#define SMBSIGN_SIMD_COPY_MAX	256

asmlinkage void smbsign_aes128_expand_avx(u8 *rk, const u8 *key);
asmlinkage void smbsign_aes128_enc_avx(const u8 *rk, u8 *out, const u8 *in);
asmlinkage void smbsign_cbcmac_avx(const u8 *rk, u8 *state, const u8 *src,
				   size_t nblocks);
asmlinkage void smbsign_ghash_avx(u8 *acc, const u8 *src, size_t nblocks,
				  const u8 *keys);

static bool smbsign_simd_cpu __ro_after_init;
static bool smbsign_simd_param = true;
module_param_named(simd, smbsign_simd_param, bool, 0644);
MODULE_PARM_DESC(simd,
		 "AES-CMAC/GMAC with smbsign's own AES-NI+PCLMULQDQ+AVX code where the CPU has it (default: on; off: the kernel crypto API; applies to keys created afterwards; always off in FIPS mode)");

void smbsign_simd_init(void)
{
	smbsign_simd_cpu = boot_cpu_has(X86_FEATURE_AES) &&
			   boot_cpu_has(X86_FEATURE_PCLMULQDQ) &&
			   boot_cpu_has(X86_FEATURE_AVX) &&
			   cpu_has_xfeatures(XFEATURE_MASK_SSE |
					     XFEATURE_MASK_YMM, NULL);
}

/**
 * smbsign_simd_usable() - whether a key created now uses this code
 *
 * Return: true with AES-NI, PCLMULQDQ and AVX, outside FIPS mode, with the
 * simd module parameter on.
 */
bool smbsign_simd_usable(void)
{
	return smbsign_simd_cpu && !fips_enabled && READ_ONCE(smbsign_simd_param);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_simd_usable);

/**
 * smbsign_simd_set() - turn the simd parameter on or off (KUnit)
 * @on: new value
 *
 * Return: the previous value.
 */
bool smbsign_simd_set(bool on)
{
	return xchg(&smbsign_simd_param, on);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_simd_set);

/* Expand @k and encrypt one block, in one FPU section. */
static void smbsign_simd_expand(struct smbsign_key *key, const u8 *k,
				u8 *out, const u8 *in)
{
	kernel_fpu_begin();
	smbsign_aes128_expand_avx(key->simd.rk, k);
	smbsign_aes128_enc_avx(key->simd.rk, out, in);
	kernel_fpu_end();
}

/* Multiply by x in GF(2^128), the CMAC subkey step, in constant time. */
static void smbsign_simd_dbl(u8 *out, const u8 *in)
{
	u64 hi = get_unaligned_be64(in), lo = get_unaligned_be64(in + 8);
	u64 carry = -(hi >> 63) & 0x87;

	put_unaligned_be64((hi << 1) | (lo >> 63), out);
	put_unaligned_be64((lo << 1) ^ carry, out + 8);
}

int smbsign_simd_cmac_init(struct smbsign_key *key, const u8 *k)
{
	u8 l[AES_BLOCK_SIZE] = {};

	/* L = E_K(0^128); K1 = L * x, K2 = L * x^2 */
	smbsign_simd_expand(key, k, l, l);
	smbsign_simd_dbl(key->k1, l);
	smbsign_simd_dbl(key->k2, key->k1);
	memzero_explicit(l, sizeof(l));
	key->simd.on = true;
	return 0;
}

/*
 * GHASH key powers: keys[i] = H^(i+1) * x^-1 mod g in the reversed domain
 * of simd-x86_64.S, where multiplying by x^-1 is a left shift by one with
 * the carry folded back as x^-1 = x^127 + x^6 + x + 1.
 */
static void smbsign_simd_ghash_key(u8 *dst, const u8 *h)
{
	u64 hi = get_unaligned_be64(h), lo = get_unaligned_be64(h + 8);
	u64 mask = (s64)hi >> 63;

	hi = (hi << 1) ^ (lo >> 63) ^ (mask & 0xc200000000000000ULL);
	lo = (lo << 1) ^ (mask & 1);
	put_unaligned_le64(lo, dst);
	put_unaligned_le64(hi, dst + 8);
}

int smbsign_simd_gmac_init(struct smbsign_key *key, const u8 *k)
{
	static const u8 zero[GHASH_BLOCK_SIZE];
	u8 h[GHASH_BLOCK_SIZE] = {};
	int i;

	/* H = E_K(0^128); H^(i+1) = GHASH_H(H^i; 0^128) from the powers so far */
	smbsign_simd_expand(key, k, h, h);
	smbsign_simd_ghash_key(key->simd.htab[0], h);
	kernel_fpu_begin();
	for (i = 1; i < SMBSIGN_SIMD_HPOWERS; i++) {
		smbsign_ghash_avx(h, zero, 1, &key->simd.htab[0][0]);
		smbsign_simd_ghash_key(key->simd.htab[i], h);
	}
	kernel_fpu_end();
	memzero_explicit(h, sizeof(h));
	key->simd.on = true;
	return 0;
}

/**
 * struct smbsign_simd_walk - CBC-MAC or GHASH state while a message is fed
 * @key: the key
 * @left: message bytes not yet fed
 * @budget: blocks left in this FPU section
 * @cmac: CBC-MAC (hold back the last block) rather than GHASH
 * @fill: bytes in @part
 * @part: a block split between pieces, or the last block
 * @state: CBC-MAC state or GHASH accumulator
 */
struct smbsign_simd_walk {
	const struct smbsign_key *key;
	size_t left;
	size_t budget;
	bool cmac;
	unsigned int fill;
	u8 part[AES_BLOCK_SIZE];
	u8 state[AES_BLOCK_SIZE];
};

static void smbsign_simd_blocks(struct smbsign_simd_walk *w, const u8 *p,
				size_t nblocks)
{
	while (nblocks) {
		size_t n;

		if (!w->budget) {
			kernel_fpu_end();
			kernel_fpu_begin();
			w->budget = SMBSIGN_SIMD_CHUNK / AES_BLOCK_SIZE;
		}
		n = min(nblocks, w->budget);
		if (w->cmac)
			smbsign_cbcmac_avx(w->key->simd.rk, w->state, p, n);
		else
			smbsign_ghash_avx(w->state, p, n,
					  &w->key->simd.htab[0][0]);
		w->budget -= n;
		p += n * AES_BLOCK_SIZE;
		nblocks -= n;
	}
}

static int smbsign_simd_feed(void *ctx, const void *data, size_t n)
{
	struct smbsign_simd_walk *w = ctx;
	const u8 *p = data;
	size_t nblocks;

	if (w->fill) {
		size_t take = min_t(size_t, n, AES_BLOCK_SIZE - w->fill);

		memcpy(w->part + w->fill, p, take);
		w->fill += take;
		w->left -= take;
		p += take;
		n -= take;
		/* CMAC's last block waits for its subkey */
		if (w->fill < AES_BLOCK_SIZE || (w->cmac && !w->left))
			return 0;
		smbsign_simd_blocks(w, w->part, 1);
		w->fill = 0;
	}
	if (!n)
		return 0;
	nblocks = n / AES_BLOCK_SIZE;
	if (w->cmac)
		nblocks = min(nblocks, (w->left - 1) / AES_BLOCK_SIZE);
	smbsign_simd_blocks(w, p, nblocks);
	p += nblocks * AES_BLOCK_SIZE;
	n -= nblocks * AES_BLOCK_SIZE;
	w->left -= nblocks * AES_BLOCK_SIZE;
	/* what is left is shorter than a block, or CMAC's last block */
	memcpy(w->part, p, n);
	w->fill = n;
	w->left -= n;
	return 0;
}

static int smbsign_simd_unusable(void)
{
	pr_warn_once("signing needs process context\n");
	return -EOPNOTSUPP;
}

/* Start a walk and its FPU section. */
static void smbsign_simd_begin(struct smbsign_simd_walk *w,
			       const struct smbsign_key *key, size_t len,
			       bool cmac)
{
	w->key = key;
	w->left = len;
	w->budget = SMBSIGN_SIMD_CHUNK / AES_BLOCK_SIZE;
	w->cmac = cmac;
	w->fill = 0;
	memset(w->state, 0, sizeof(w->state));
	kernel_fpu_begin();
}

static int smbsign_simd_cmac_small(const struct smbsign_key *key,
				   const struct smbsign_msg *m, u8 *out)
{
	u8 buf[SMBSIGN_SIMD_COPY_MAX] __uninitialized;
	size_t nblocks = max_t(size_t, DIV_ROUND_UP(m->len, AES_BLOCK_SIZE), 1);
	size_t nlast = m->len - (nblocks - 1) * AES_BLOCK_SIZE;
	u8 *last = buf + (nblocks - 1) * AES_BLOCK_SIZE;
	u8 state[AES_BLOCK_SIZE] = {};
	int ret;

	ret = smbsign_msg_copy(m, buf);
	if (ret)
		return ret;
	if (nlast == AES_BLOCK_SIZE) {
		crypto_xor(last, key->k1, AES_BLOCK_SIZE);
	} else {
		last[nlast] = 0x80;
		memset(last + nlast + 1, 0, AES_BLOCK_SIZE - nlast - 1);
		crypto_xor(last, key->k2, AES_BLOCK_SIZE);
	}
	kernel_fpu_begin();
	smbsign_cbcmac_avx(key->simd.rk, state, buf, nblocks);
	kernel_fpu_end();
	memcpy(out, state, AES_BLOCK_SIZE);
	/* the tweaked block reveals a subkey */
	memzero_explicit(last, AES_BLOCK_SIZE);
	return 0;
}

int smbsign_simd_cmac_mac(const struct smbsign_key *key,
			  const struct smbsign_msg *m, u8 *out)
{
	struct smbsign_simd_walk w __uninitialized;
	int ret;

	if (!crypto_simd_usable())
		return smbsign_simd_unusable();
	if (m->len <= SMBSIGN_SIMD_COPY_MAX)
		return smbsign_simd_cmac_small(key, m, out);
	smbsign_simd_begin(&w, key, m->len, true);
	ret = smbsign_msg_walk(m, smbsign_simd_feed, &w);
	if (!ret) {
		if (w.fill == AES_BLOCK_SIZE) {
			crypto_xor(w.part, key->k1, AES_BLOCK_SIZE);
		} else {
			w.part[w.fill] = 0x80;
			memset(w.part + w.fill + 1, 0,
			       AES_BLOCK_SIZE - w.fill - 1);
			crypto_xor(w.part, key->k2, AES_BLOCK_SIZE);
		}
		smbsign_simd_blocks(&w, w.part, 1);
	}
	kernel_fpu_end();
	if (!ret)
		memcpy(out, w.state, AES_BLOCK_SIZE);
	/* the tweaked block reveals a subkey */
	memzero_explicit(&w, sizeof(w));
	return ret;
}

/* E_K(nonce || 1), in an FPU section */
static void smbsign_simd_ekj0(const struct smbsign_key *key, const u8 *nonce,
			      u8 *j0)
{
	memcpy(j0, nonce, SMBSIGN_GMAC_NONCE_SIZE);
	put_unaligned_be32(1, &j0[SMBSIGN_GMAC_NONCE_SIZE]);
	smbsign_aes128_enc_avx(key->simd.rk, j0, j0);
}

/*
 * GHASH of a message in one buffer, hashed in place: the blocks before the
 * signature field, a zero block for it, the whole blocks after it, then
 * the partial last block, zero-padded, and the lengths from the stack.
 * Called in an FPU section; @len is at most SMBSIGN_SIMD_CHUNK.
 */
static void smbsign_simd_ghash_linear(const struct smbsign_key *key,
				      const u8 *p, size_t len, bool zero_sig,
				      u8 *s)
{
	const u8 *htab = &key->simd.htab[0][0];
	u8 tail[3 * GHASH_BLOCK_SIZE] = {};
	size_t done = 0, whole, part;
	u8 *t = tail;

	if (zero_sig) {
		smbsign_ghash_avx(s, p, SMBSIGN_SIG_OFFSET / GHASH_BLOCK_SIZE,
				  htab);
		done = SMBSIGN_SIG_OFFSET + SMBSIGN_SIG_SIZE;
		if (len > done)
			smbsign_ghash_avx(s, tail, 1, htab);
		else
			t += GHASH_BLOCK_SIZE;	/* then the lengths */
	}
	whole = round_down(len - done, GHASH_BLOCK_SIZE);
	if (whole)
		smbsign_ghash_avx(s, p + done, whole / GHASH_BLOCK_SIZE, htab);
	done += whole;
	part = len - done;
	if (part) {
		memcpy(t, p + done, part);
		t += GHASH_BLOCK_SIZE;
	}
	put_unaligned_be64((u64)len * 8, t);
	t += GHASH_BLOCK_SIZE;
	smbsign_ghash_avx(s, tail, (t - tail) / GHASH_BLOCK_SIZE, htab);
	memzero_explicit(tail, sizeof(tail));
}

int smbsign_simd_gmac_mac(const struct smbsign_key *key,
			  const struct smbsign_msg *m, const u8 *nonce,
			  u8 *out)
{
	struct smbsign_simd_walk w __uninitialized;
	u8 len[GHASH_BLOCK_SIZE] = {};
	u8 j0[AES_BLOCK_SIZE];
	int ret;

	if (!crypto_simd_usable())
		return smbsign_simd_unusable();
	if (m->off + m->len <= m->iov[0].iov_len &&
	    m->len <= SMBSIGN_SIMD_CHUNK) {
		u8 s[GHASH_BLOCK_SIZE] = {};

		kernel_fpu_begin();
		smbsign_simd_ghash_linear(key, (const u8 *)m->iov[0].iov_base +
					  m->off, m->len, m->zero_sig, s);
		smbsign_simd_ekj0(key, nonce, j0);
		kernel_fpu_end();
		crypto_xor_cpy(out, j0, s, SMBSIGN_SIG_SIZE);
		memzero_explicit(j0, sizeof(j0));
		memzero_explicit(s, sizeof(s));
		return 0;
	}
	smbsign_simd_begin(&w, key, m->len, false);
	ret = smbsign_msg_walk(m, smbsign_simd_feed, &w);
	if (!ret) {
		/* zero pad, [8 * len(M)]_64 || [0]_64, E_K(nonce || 1) */
		if (w.fill) {
			memset(w.part + w.fill, 0, AES_BLOCK_SIZE - w.fill);
			smbsign_simd_blocks(&w, w.part, 1);
		}
		put_unaligned_be64((u64)m->len * 8, len);
		smbsign_simd_blocks(&w, len, 1);
		smbsign_simd_ekj0(key, nonce, j0);
	}
	kernel_fpu_end();
	if (!ret)
		crypto_xor_cpy(out, j0, w.state, SMBSIGN_SIG_SIZE);
	memzero_explicit(&w, sizeof(w));
	memzero_explicit(j0, sizeof(j0));
	return ret;
}
