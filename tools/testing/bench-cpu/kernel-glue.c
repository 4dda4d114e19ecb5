// SPDX-License-Identifier: GPL-2.0
/*
 * bench-cpu: the kernel's arch/x86/crypto assembly called as its 6.12 glue
 * calls it (aesni-intel_glue.c, ghash-clmulni-intel_glue.c), for CMAC,
 * GMAC and the encryption floors. Compiled like kernel C (no vector
 * registers, see Makefile), as smbsign's glue is: the two sides then feed
 * their assembly the same way (e.g. 16-byte blocks written as two 8-byte
 * stores).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <crypto/aes.h>
#include <crypto/algapi.h>

#include "kernel-glue.h"

#define PAGE		4096
#define NONCE		12

/* ----------------------------------------------------- kernel: AES, CMAC */

static struct crypto_aes_ctx g_aes __aligned(16);
static u8 g_cmac_k1[16], g_cmac_k2[16];

static void dbl(u8 *out, const u8 *in)
{
	u8 carry = -(in[0] >> 7) & 0x87;
	int i;

	for (i = 0; i < 15; i++)
		out[i] = (in[i] << 1) | (in[i + 1] >> 7);
	out[15] = (in[15] << 1) ^ carry;
}

void k_aes_setkey(const u8 *key, size_t klen)
{
	u8 l[16] = {};

	(void)klen;
	aesni_set_key(&g_aes, key, 16);
	aesni_enc(&g_aes, l, l);
	dbl(g_cmac_k1, l);
	dbl(g_cmac_k2, g_cmac_k1);
}

/*
 * CMAC (RFC 4493) with cbc-aes-aesni's aesni_cbc_enc: the blocks before the
 * last one CBC-encrypted (into g_dst), then the tweaked last block.
 */
void k_cmac_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	size_t n = len ? (len + 15) / 16 : 1, last = len - (n - 1) * 16;
	u8 iv[16] = {}, blk[16];

	(void)nonce;
	if (n > 1)
		aesni_cbc_enc(&g_aes, g_dst, msg, (n - 1) * 16, iv);
	memcpy(blk, msg + (n - 1) * 16, last);
	if (last == 16) {
		crypto_xor(blk, g_cmac_k1, 16);
	} else {
		blk[last] = 0x80;
		memset(blk + last + 1, 0, 15 - last);
		crypto_xor(blk, g_cmac_k2, 16);
	}
	aesni_cbc_enc(&g_aes, blk, blk, 16, iv);
	memcpy(out, blk, 16);
}

/* cbc-aes-aesni encryption, IV 0, whole blocks: the serial AES floor */
void k_cbc_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	u8 iv[16] = {};

	(void)nonce;
	aesni_cbc_enc(&g_aes, g_dst, msg, len, iv);
	memcpy(out, iv, 16);
}

/* ------------------------------------------------------ kernel: GHASH/GCM */

static struct bench_le128 g_ghkey;

/* ghash-clmulni-intel_glue.c ghash_setkey() */
void k_ghash_setkey(const u8 *key, size_t klen)
{
	u8 h[16] = {};
	u64 a, b;

	k_aes_setkey(key, klen);
	aesni_enc(&g_aes, h, h);
	a = get_unaligned_be64(h);
	b = get_unaligned_be64(h + 8);
	g_ghkey.a = (a << 1) | (b >> 63);
	g_ghkey.b = (b << 1) | (a >> 63);
	if (a >> 63)
		g_ghkey.a ^= (u64)0xc2 << 56;
}

/*
 * GMAC with the "ghash" shash (ghash-clmulni-intel) and one AES block for
 * E_K(J0): how a GMAC on the crypto API's ghash + aes is computed (smbsign
 * with simd=0), without the API's own per-call costs.
 */
void k_ghash_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	size_t whole = len & ~(size_t)15;
	u8 acc[16] = {}, blk[16] = {}, j0[16];

	if (whole)
		clmul_ghash_update(acc, msg, whole, &g_ghkey);
	if (len > whole) {
		memcpy(blk, msg + whole, len - whole);
		clmul_ghash_update(acc, blk, 16, &g_ghkey);
	}
	memset(blk, 0, 16);
	put_unaligned_be64((u64)len * 8, blk);
	clmul_ghash_update(acc, blk, 16, &g_ghkey);
	memcpy(j0, nonce, NONCE);
	put_unaligned_be32(1, j0 + NONCE);
	aesni_enc(&g_aes, j0, j0);
	crypto_xor(acc, j0, 16);
	memcpy(out, acc, 16);
}

static struct bench_gcm_key_aesni g_gk_aesni;
static struct bench_gcm_key_avx10 g_gk_avx10;
static struct bench_gcm_key_vaes_avx2 g_gk_vaes_avx2;

#ifdef BENCH_GCM_ENCKEY
_Static_assert(offsetof(struct bench_gcm_key_aesni, aes_key.rndkeys) == 16, "");
_Static_assert(offsetof(struct bench_gcm_key_aesni, h_powers) == 272, "");
_Static_assert(offsetof(struct bench_gcm_key_aesni, h_powers_xored) == 400, "");
_Static_assert(offsetof(struct bench_gcm_key_aesni, h_times_x64) == 464, "");
_Static_assert(offsetof(struct bench_gcm_key_vaes_avx2, h_powers) == 288, "");
_Static_assert(offsetof(struct bench_gcm_key_vaes_avx2, h_powers_xored) == 416, "");
_Static_assert(offsetof(struct bench_gcm_key_avx10, h_powers) == 320, "");
_Static_assert(offsetof(struct bench_gcm_key_avx10, padding) == 576, "");

/* aes_prepareenckey() for AES-128: the AES-NI key schedule */
static void gcm_aes_setkey(struct bench_aes_enckey *k, const u8 *raw)
{
	struct crypto_aes_ctx ctx __aligned(16);	/* movaps */

	aesni_set_key(&ctx, raw, 16);
	memset(k, 0, sizeof(*k));
	k->len = 16;
	k->nrounds = 10;
	memcpy(k->rndkeys, ctx.key_enc, 11 * 16);
	memzero_explicit(&ctx, sizeof(ctx));
}
#else
_Static_assert(offsetof(struct bench_gcm_key_aesni, aes_key.key_length) == 480, "");
_Static_assert(offsetof(struct bench_gcm_key_aesni, h_powers) == 496, "");
_Static_assert(offsetof(struct bench_gcm_key_aesni, h_powers_xored) == 624, "");
_Static_assert(offsetof(struct bench_gcm_key_aesni, h_times_x64) == 688, "");
_Static_assert(offsetof(struct bench_gcm_key_avx10, aes_key.key_length) == 480, "");
_Static_assert(offsetof(struct bench_gcm_key_avx10, h_powers) == 512, "");
_Static_assert(offsetof(struct bench_gcm_key_avx10, padding) == 768, "");

static void gcm_aes_setkey(struct crypto_aes_ctx *k, const u8 *raw)
{
	aesni_set_key(k, raw, 16);
}
#endif

static void le_ctr_of(u32 *le_ctr, const u8 *nonce)
{
	/* aesni-intel_glue.c gcm_crypt() */
	le_ctr[0] = 2;
	le_ctr[1] = get_unaligned_be32(nonce + 8);
	le_ctr[2] = get_unaligned_be32(nonce + 4);
	le_ctr[3] = get_unaligned_be32(nonce + 0);
}

/*
 * gcm(aes) used as GMAC, as aesni-intel_glue.c gcm_crypt() runs it for an
 * encryption with the message as associated data and no plaintext: the
 * associated data page by page (gcm_process_assoc() maps one page at a time;
 * the buffer is page-aligned, so 4 KiB pieces), an empty update, the final.
 * Without the AEAD request, scatterlist and FPU-section costs.
 */
#define KERNEL_GCM(sfx, aadsfx, finsfx, key)				\
void k_gcm_##sfx##_setkey(const u8 *k, size_t klen)		\
{									\
	(void)klen;							\
	memset(&key, 0, sizeof(key));					\
	gcm_aes_setkey(&key.aes_key, k);				\
	aes_gcm_precompute_##sfx(&key);					\
}									\
void k_gmac_##sfx##_run(const u8 *msg, size_t len,		\
			       const u8 *nonce, u8 *out)		\
{									\
	u32 le_ctr[4];							\
	u8 acc[16] = {};						\
	size_t off;							\
									\
	le_ctr_of(le_ctr, nonce);					\
	for (off = 0; off < len; off += PAGE)				\
		aes_gcm_aad_update_##aadsfx(&key, acc, msg + off,	\
					    min(len - off, (size_t)PAGE)); \
	aes_gcm_enc_update_##sfx(&key, le_ctr, acc, NULL, NULL, 0);	\
	aes_gcm_enc_final_##finsfx(&key, le_ctr, acc, len, 0);		\
	memcpy(out, acc, 16);						\
}									\
void k_gcmenc_##sfx##_run(const u8 *msg, size_t len,			\
				 const u8 *nonce, u8 *out)		\
{									\
	u32 le_ctr[4];							\
	u8 acc[16] = {};						\
									\
	le_ctr_of(le_ctr, nonce);					\
	aes_gcm_enc_update_##sfx(&key, le_ctr, acc, msg, g_dst, len);	\
	aes_gcm_enc_final_##finsfx(&key, le_ctr, acc, 0, len);		\
	memcpy(out, acc, 16);						\
}
KERNEL_GCM(aesni, aesni, aesni, g_gk_aesni)
KERNEL_GCM(aesni_avx, aesni_avx, aesni_avx, g_gk_aesni)
KERNEL_GCM(vaes_avx10_256, vaes_avx10, vaes_avx10, g_gk_avx10)
KERNEL_GCM(vaes_avx10_512, vaes_avx10, vaes_avx10, g_gk_avx10)
KERNEL_GCM(vaes_avx2, vaes_avx2, vaes_avx2, g_gk_vaes_avx2)
KERNEL_GCM(vaes_avx512, vaes_avx512, vaes_avx512, g_gk_avx10)


/*
 * 6.1's gcm(aes) (aesni-intel_glue.c gcmaes_crypt_by_sg()): the associated
 * data linear (the message is in one buffer), hashed by the init call,
 * which also derives the key powers from H every time. With nothing to
 * encrypt, 6.1 takes the SSE code (AVX only from 256 bytes of plaintext,
 * AVX2 from 4 KiB): that is GMAC on 6.1.
 */
static u8 g_h61[16] __aligned(16);

void k_gcm61_setkey(const u8 *key, size_t klen)
{
	k_aes_setkey(key, klen);
	memset(g_h61, 0, sizeof(g_h61));
	aesni_enc(&g_aes, g_h61, g_h61);
}

static void iv61_of(u8 *iv, const u8 *nonce)
{
	memcpy(iv, nonce, NONCE);
	put_unaligned_be32(1, iv + NONCE);
}

void k_gmac61_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	struct bench_gcm_ctx61 data;
	u8 iv[16] __aligned(16);

	iv61_of(iv, nonce);
	aesni_gcm_init(&g_aes, &data, iv, g_h61, msg, len);
	aesni_gcm_finalize(&g_aes, &data, out, 16);
}

/* 6.1's GCM encryption with AVX2 (gen4): the message, no associated data */
void k_gcmenc61_gen4_run(const u8 *msg, size_t len, const u8 *nonce,
			 u8 *out)
{
	struct bench_gcm_ctx61 data;
	u8 iv[16] __aligned(16);

	iv61_of(iv, nonce);
	aesni_gcm_init_avx_gen4(&g_aes, &data, iv, g_h61, NULL, 0);
	if (len)
		aesni_gcm_enc_update_avx_gen4(&g_aes, &data, g_dst, msg, len);
	aesni_gcm_finalize_avx_gen4(&g_aes, &data, out, 16);
}

/*
 * 7.x's AES-CMAC library (lib/crypto/aes.c aes_cmac_update() and
 * aes_cmac_final() for one update), on x86 one aes_encrypt_aesni() per
 * block: in the kernel each also in its own FPU section (not here).
 */
static u32 g_lib_rk[60];
static u8 g_lib_k1[16], g_lib_k2[16];

void k_libcmac_setkey(const u8 *key, size_t klen)
{
	u8 l[16] = {};

	(void)klen;
	aes128_expandkey_aesni(g_lib_rk, NULL, key);
	aes_encrypt_aesni(g_lib_rk, 10, l, l);
	dbl(g_lib_k1, l);
	dbl(g_lib_k2, g_lib_k1);
}

void k_libcmac_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	size_t nblocks = len / 16, rem = len % 16, partial;
	u8 h[16] = {};

	(void)nonce;
	if (!nblocks) {
		crypto_xor(h, msg, rem);
		partial = rem;
	} else {
		/* aes_cbcmac_blocks(), enc_before false */
		for (; nblocks > 1; nblocks--) {
			crypto_xor(h, msg, 16);
			msg += 16;
			aes_encrypt_aesni(g_lib_rk, 10, h, h);
		}
		crypto_xor(h, msg, 16);
		msg += 16;
		if (rem) {
			aes_encrypt_aesni(g_lib_rk, 10, h, h);
			crypto_xor(h, msg, rem);
			partial = rem;
		} else {
			partial = 16;
		}
	}
	if (partial == 16) {
		crypto_xor(h, g_lib_k1, 16);
	} else {
		h[partial] ^= 0x80;
		crypto_xor(h, g_lib_k2, 16);
	}
	aes_encrypt_aesni(g_lib_rk, 10, out, h);
}

/*
 * GHASH through 7.x's POLYVAL library, as smbsign's crypto-API GMAC does
 * on 7.x (smbsign/gmac.c smbsign_ghash_init(), smbsign_ghash()): the key
 * mulX_POLYVAL(rev(H)), the blocks byte-reversed into a 512-byte stack
 * buffer and hashed from there (polyval_update() -> 8 blocks a step with
 * the key powers), the result reversed back; E_K(J0) with aesni_enc().
 */
static u8 g_pv_powers[8][16] __aligned(16);

void k_polyval_setkey(const u8 *key, size_t klen)
{
	u8 h[16] = {};
	u64 hi, lo, mask;
	int i;

	k_aes_setkey(key, klen);
	aesni_enc(&g_aes, h, h);
	hi = get_unaligned_be64(h);
	lo = get_unaligned_be64(h + 8);
	mask = (s64)hi >> 63;
	hi = (hi << 1) ^ (lo >> 63) ^ (mask & ((u64)0xc2 << 56));
	lo = (lo << 1) ^ (mask & 1);
	/* polyval_preparekey_arch() */
	put_unaligned_le64(lo, g_pv_powers[7]);
	put_unaligned_le64(hi, g_pv_powers[7] + 8);
	for (i = 6; i >= 0; i--) {
		memcpy(g_pv_powers[i], g_pv_powers[i + 1], 16);
		polyval_mul_pclmul_avx(g_pv_powers[i], g_pv_powers[7]);
	}
}

static void rev_block(u8 *dst, const u8 *src)
{
	u64 hi = get_unaligned_be64(src), lo = get_unaligned_be64(src + 8);

	put_unaligned_le64(lo, dst);
	put_unaligned_le64(hi, dst + 8);
}

struct pv_walk {
	u8 acc[16];
	unsigned int n;
	u8 buf[512] __aligned(16);
};

static void pv_push(struct pv_walk *w, const u8 *block)
{
	rev_block(w->buf + w->n, block);
	w->n += 16;
	if (w->n == sizeof(w->buf)) {
		polyval_blocks_pclmul_avx(w->acc, g_pv_powers, w->buf,
					  w->n / 16);
		w->n = 0;
	}
}

void k_polyval_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	struct pv_walk w;
	size_t whole = len & ~(size_t)15, i;
	u8 blk[16] = {}, j0[16];

	memset(w.acc, 0, sizeof(w.acc));
	w.n = 0;
	for (i = 0; i < whole; i += 16)
		pv_push(&w, msg + i);
	if (len > whole) {
		memcpy(blk, msg + whole, len - whole);
		pv_push(&w, blk);
	}
	memset(blk, 0, 16);
	put_unaligned_be64((u64)len * 8, blk);
	pv_push(&w, blk);
	if (w.n)
		polyval_blocks_pclmul_avx(w.acc, g_pv_powers, w.buf, w.n / 16);
	rev_block(out, w.acc);
	memcpy(j0, nonce, NONCE);
	put_unaligned_be32(1, j0 + NONCE);
	aesni_enc(&g_aes, j0, j0);
	crypto_xor(out, j0, 16);
}

/*
 * 7.3's AES-GCM library (lib/crypto/aes.c) used as GMAC, the way
 * aes_gcm_init(), aes_gcm_auth_update() and aes_gcm_encrypt_final() run on
 * x86: E_K(J0) with the AES library's aes_encrypt_aesni(); the associated
 * data through ghash_update(), i.e. whole blocks to ghash_blocks_pclmul()
 * (one serial carry-less multiply per block, no key powers), a partial
 * block XORed into the POLYVAL-format accumulator and multiplied once
 * (ghash_mul() -> polyval_mul_pclmul_avx()), then the length block. In the
 * kernel each of those calls is also its own FPU section (not here).
 */
static u8 g_gh_key[16] __aligned(16);

void k_libgcm_setkey(const u8 *key, size_t klen)
{
	u8 h[16] = {};
	u64 hi, lo, mask;

	k_libcmac_setkey(key, klen);
	aes_encrypt_aesni(g_lib_rk, 10, h, h);
	/* ghash_key_to_polyval() */
	hi = get_unaligned_be64(h);
	lo = get_unaligned_be64(h + 8);
	mask = (s64)hi >> 63;
	hi = (hi << 1) ^ (lo >> 63) ^ (mask & ((u64)0xc2 << 56));
	lo = (lo << 1) ^ (mask & 1);
	put_unaligned_le64(lo, g_gh_key);
	put_unaligned_le64(hi, g_gh_key + 8);
}

void k_libgcm_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	u8 acc[16] __aligned(16) = {}, j0[16], tail[16];
	size_t whole = len & ~(size_t)15, i;

	/* aes_gcm_init() */
	memcpy(j0, nonce, NONCE);
	put_unaligned_be32(1, j0 + NONCE);
	aes_encrypt_aesni(g_lib_rk, 10, j0, j0);
	/* aes_gcm_auth_update() -> ghash_update() */
	if (whole)
		ghash_blocks_pclmul(acc, g_gh_key, msg, whole / 16);
	if (len > whole) {
		for (i = 0; i < len - whole; i++)
			acc[15 - i] ^= msg[whole + i];
		/* aes_gcm_encrypt_final(): ghash_pad() -> ghash_mul() */
		polyval_mul_pclmul_avx(acc, g_gh_key);
	}
	put_unaligned_be64((u64)len * 8, tail);
	put_unaligned_be64(0, tail + 8);
	ghash_blocks_pclmul(acc, g_gh_key, tail, 1);
	/* ghash_final(): polyval_acc_to_ghash() */
	put_unaligned_be64(get_unaligned_le64(acc + 8), out);
	put_unaligned_be64(get_unaligned_le64(acc), out + 8);
	crypto_xor(out, j0, 16);
}
