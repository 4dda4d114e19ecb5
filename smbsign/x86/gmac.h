/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: AES-128-GMAC with AES-NI and PCLMULQDQ or VPCLMULQDQ (included
 * by gmac.c).
 *
 * GHASH folding eight blocks per reduction with key powers H^1..H^8
 * prepared once per key (128-bit PCLMULQDQ, Karatsuba), or 16 or 32
 * blocks with H^32..H^1 where the CPU has VPCLMULQDQ (256-bit with AVX2,
 * 512-bit where the kernel's own AES-GCM uses AVX-512; picked at module
 * load, fixed per key); the last call adds E_K(J0). The VPCLMULQDQ code
 * hashes a message of 256 bytes to 4 KiB in one buffer in one call, in
 * place: it zeroes the signature field itself and takes the padded last
 * block and the lengths from a second buffer. Otherwise a message of up
 * to 512 bytes is hashed in one call from a copy. A longer one in one
 * buffer (128-bit code) takes three calls (two without the signature
 * field to zero): the header from a copy, the whole runs of blocks in
 * place, then the rest copied with the padding and lengths. Other
 * messages are hashed in place from their kvecs, only blocks split
 * between kvecs being copied. Where the first kvec holds the whole
 * header, the VPCLMULQDQ code masks the signature field in place, the
 * 128-bit code hashes the header from a copy with the field zeroed; a
 * header split between kvecs gets zeroes for the field from a static
 * block. The VPCLMULQDQ code hashes the last kvec's whole blocks in the
 * last call, with the padded last block and the lengths, where they fit
 * the FPU section.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_X86_GMAC_H
#define _SMBSIGN_X86_GMAC_H

#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/ghash.h>
#include <kunit/visibility.h>

#include "simd.h"

/* GMAC messages up to this size are hashed in one call from a copy, */
#define SMBSIGN_SIMD_GMAC_COPY_MAX	512
/*
 * but with the VPCLMULQDQ code, one in one buffer from this size on in
 * place (smbsign_gmac_simd_inplace())
 */
#define SMBSIGN_SIMD_GMAC_INPLACE_MIN	256

static int smbsign_simd_ghash_max = SMBSIGN_GHASH_VPCLMUL_AVX512;

/**
 * smbsign_simd_ghash_limit() - cap the GHASH of GMAC keys made from now on
 * @max: the fastest enum smbsign_simd_ghash that new keys may use (KUnit,
 *	bench-cpu: to run the slower ones on a CPU that has a faster one)
 *
 * Return: the previous cap.
 */
int smbsign_simd_ghash_limit(int max)
{
	return xchg(&smbsign_simd_ghash_max, max);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_simd_ghash_limit);

/**
 * smbsign_simd_gmac_driver() - the driver name of a SIMD GMAC key
 * @key: a key made by smbsign_simd_gmac_init()
 *
 * Return: the name, by the key's GHASH.
 */
static const char *smbsign_simd_gmac_driver(const struct smbsign_key *key)
{
	switch (key->simd.ghash) {
	case SMBSIGN_GHASH_VPCLMUL_AVX512:
		return "smbsign-gmac-aesni-vpclmul-avx512";
	case SMBSIGN_GHASH_VPCLMUL_AVX2:
		return "smbsign-gmac-aesni-vpclmul-avx2";
	default:
		return "smbsign-gmac-aesni-pclmul-avx";
	}
}

/*
 * Runs shorter than this take the 256-bit code with a key of the 512-bit
 * one (the same tables): with at most two 512-bit vectors and three
 * single blocks, its tail is the longer chain. make bench-cpu --mode b2b
 * on AMD EPYC family 25 model 17 (Zen 4), cycles a message, 512-bit code
 * alone / with this: 64 B 104 / 98, 128 B 112 / 102, 160 B 123 / 107;
 * from 192 B (13 blocks with the lengths) the 512-bit code is as fast or
 * faster. Intel Xeon family 6 model 207 measured the same way at 64 B
 * (110 / 116 cycles for the 256- / 512-bit code). The 256-bit code also
 * takes a last call whose 512-bit tail would need more than the 32 key
 * powers (smbsign_ghash_simd()).
 */
#define SMBSIGN_SIMD_GHASH_SHORT	12

/*
 * GHASH @nblocks blocks at @src into @acc with @key's GHASH; with @rk, the
 * last call of a GMAC, which adds E_K(@j0). For the VPCLMULQDQ code
 * @nblocks may carry SMBSIGN_GHASH_ZERO_SIG and, with @rk, up to three
 * blocks after J0 (SMBSIGN_GHASH_MORE_SHIFT); where the 512-bit tail
 * (the blocks after the last run of 32, and those) would need more than
 * the 32 key powers, the 256-bit code (runs of 16) takes the call. In an
 * FPU section.
 */
static __always_inline void smbsign_ghash_simd(const struct smbsign_key *key,
					       u8 *acc, const u8 *src,
					       size_t nblocks, const u8 *rk,
					       const u8 *j0)
{
	u64 n = nblocks & SMBSIGN_GHASH_NBLOCKS;
	u64 more = (nblocks & ~SMBSIGN_GHASH_ZERO_SIG) >>
		   SMBSIGN_GHASH_MORE_SHIFT;

	switch (key->simd.ghash) {
	case SMBSIGN_GHASH_VPCLMUL_AVX512:
		/* the tail's blocks (< 32, and more) fit the 32 key powers */
		if (n >= SMBSIGN_SIMD_GHASH_SHORT &&
		    n % 32 + more <= SMBSIGN_SIMD_VPOWERS) {
			smbsign_ghash_vpclmul_avx512(acc, src, nblocks,
						     &key->simd.vtab[0][0], rk,
						     j0);
			break;
		}
		fallthrough;
	case SMBSIGN_GHASH_VPCLMUL_AVX2:
		smbsign_ghash_vpclmul_avx2(acc, src, nblocks,
					   &key->simd.vtab[0][0], rk, j0);
		break;
	default:
		smbsign_ghash_avx(acc, src, nblocks, &key->simd.htab[0][0],
				  rk, j0);
	}
}

static bool smbsign_gmac_defer_forced;

/*
 * Where KUnit forces the hand-off (smbsign_simd_gmac_defer_set()), GMAC
 * messages longer than this go to gcm(aes): the crossover estimated for
 * Intel Xeon family 6 model 207 (Emerald Rapids), 7.2, before impl=auto
 * measured it (make bench-cpu KVER=7.2 BENCH_CPU_ARGS="--only GMAC/ --mode
 * b2b --rt --sizes 64,128,...,4096": the kernel's gcm-vaes-avx512 GMAC
 * takes 271 cycles fewer than the 128-bit GHASH at 1 KiB, 492 at 2 KiB,
 * 711 at 3 KiB; a gcm(aes) request costs about 1,500 instructions more
 * than smbsign's own call, make bench: crossover 1.5-3 KiB).
 */
#define SMBSIGN_SIMD_GMAC_GCM_OVER	2048

/**
 * smbsign_simd_gmac_defers_long() - whether long GMAC messages go to gcm(aes)
 * @over: out: messages longer than this many bytes do
 *
 * Where the kernel's gcm(aes) hashes long associated data faster than the
 * CPU's GHASH here (kernels from 6.19 with VAES and VPCLMULQDQ against the
 * 128-bit PCLMULQDQ GHASH here: Intel Xeon, 0.105 against 0.31 cycles per
 * byte, make bench-cpu), impl=auto measures it at load
 * (smbsign_impl_init()), and where the two meet: a GMAC key made after
 * that hands messages longer than @over to gcm(aes) and keeps the short
 * ones, where a crypto API request costs more than the hashing. The
 * answer is per algorithm, not per key.
 *
 * Return: true when impl=auto chose so, or when KUnit forces it (then
 * @over is SMBSIGN_SIMD_GMAC_GCM_OVER).
 */
bool smbsign_simd_gmac_defers_long(u32 *over)
{
	if (READ_ONCE(smbsign_gmac_defer_forced)) {
		*over = SMBSIGN_SIMD_GMAC_GCM_OVER;
		return true;
	}
	return smbsign_impl_long_to_api(SMBSIGN_ALG_AES_GMAC, over);
}

/**
 * smbsign_simd_gmac_defer_set() - force smbsign_simd_gmac_defers_long() (KUnit)
 * @on: true to force it, false for what impl=auto chose
 *
 * Return: the previous value.
 */
bool smbsign_simd_gmac_defer_set(bool on)
{
	return xchg(&smbsign_gmac_defer_forced, on);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_simd_gmac_defer_set);

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

/* @dst: the Karatsuba middle factor of the prepared key power @src */
static void smbsign_simd_ghash_mid(u8 *dst, const u8 *src)
{
	u64 m = get_unaligned_le64(src) ^ get_unaligned_le64(src + 8);

	put_unaligned_le64(m, dst);
	put_unaligned_le64(m, dst + 8);
}

static int smbsign_simd_gmac_init(struct smbsign_key *key, const u8 *k)
{
	static const u8 zero[GHASH_BLOCK_SIZE];
	/* H and its middle factor where the 128-bit code finds them */
	u8 hk[SMBSIGN_SIMD_HPOWERS + 1][GHASH_BLOCK_SIZE] __aligned(16);
	u8 h[GHASH_BLOCK_SIZE] = {};
	u8 (*tab)[GHASH_BLOCK_SIZE];
	int i, n, step;

	key->simd.ghash = min(smbsign_simd_ghash_cpu,
			      READ_ONCE(smbsign_simd_ghash_max));
	if (key->simd.ghash == SMBSIGN_GHASH_PCLMUL) {
		/* htab[i] = H^(i+1) */
		tab = key->simd.htab;
		n = SMBSIGN_SIMD_HPOWERS;
		step = 1;
	} else {
		/* vtab[i] = H^(32-i) */
		tab = &key->simd.vtab[SMBSIGN_SIMD_VPOWERS - 1];
		n = SMBSIGN_SIMD_VPOWERS;
		step = -1;
	}
	/*
	 * H = E_K(0^128); H^(i+1) = GHASH_H(H^i; 0^128), one block with the
	 * 128-bit code, whose single-block step reads H from hk[0] and its
	 * middle factor from hk[8].
	 */
	smbsign_simd_expand(key, k, h, h);
	smbsign_simd_ghash_key(hk[0], h);
	smbsign_simd_ghash_mid(hk[SMBSIGN_SIMD_HPOWERS], hk[0]);
	memcpy(tab[0], hk[0], GHASH_BLOCK_SIZE);
	smbsign_fpu_begin();
	for (i = 1; i < n; i++) {
		smbsign_ghash_avx(h, zero, 1, hk[0], NULL, NULL);
		smbsign_simd_ghash_key(tab[i * step], h);
	}
	kernel_fpu_end();
	memzero_explicit(h, sizeof(h));
	memzero_explicit(hk, sizeof(hk));
	/*
	 * hmid[i], vmid[i]: the powers' halves XORed, in both halves: the
	 * Karatsuba factors the GHASH code reads
	 */
	BUILD_BUG_ON(offsetof(struct smbsign_simd_key, hmid) !=
		     offsetof(struct smbsign_simd_key, htab) +
		     SMBSIGN_SIMD_HPOWERS * GHASH_BLOCK_SIZE);
	BUILD_BUG_ON(offsetof(struct smbsign_simd_key, vmid) !=
		     offsetof(struct smbsign_simd_key, vtab) +
		     SMBSIGN_SIMD_VPOWERS * GHASH_BLOCK_SIZE);
	for (i = 0; key->simd.ghash == SMBSIGN_GHASH_PCLMUL && i < n; i++)
		smbsign_simd_ghash_mid(key->simd.hmid[i], key->simd.htab[i]);
	for (i = 0; key->simd.ghash != SMBSIGN_GHASH_PCLMUL && i < n; i++)
		smbsign_simd_ghash_mid(key->simd.vmid[i], key->simd.vtab[i]);
	key->simd_on = true;
	return 0;
}

/*
 * The 64-byte header, signature field zeroed, in one call: the copy of 48
 * bytes (constant size, inlined) costs less than a second call for the
 * zero block.
 */
static void smbsign_ghash_simd_hdr(const struct smbsign_key *key, u8 *s,
				   const u8 *p)
{
	u8 hdr[SMBSIGN_HDR_SIZE] __aligned(16) __uninitialized;

	memcpy(hdr, p, SMBSIGN_SIG_OFFSET);
	memset(hdr + SMBSIGN_SIG_OFFSET, 0, SMBSIGN_SIG_SIZE);
	smbsign_ghash_simd(key, s, hdr, SMBSIGN_HDR_SIZE / GHASH_BLOCK_SIZE,
			   NULL, NULL);
}

/*
 * The last call of a GMAC whose last @n bytes (signature field zeroed, if
 * in them) are at the start of @buf: zero-padded, the lengths block of a
 * @len-byte message after them, hashed into @s with E_K(J0) added. @buf
 * holds SMBSIGN_SIMD_GMAC_COPY_MAX + GHASH_BLOCK_SIZE bytes, @n is at most
 * SMBSIGN_SIMD_GMAC_COPY_MAX.
 */
static __always_inline void
smbsign_gmac_simd_copied(const struct smbsign_key *key, u8 *buf, size_t n,
			 size_t len, const u8 *j0, u8 *s)
{
	size_t padded = round_up(n, GHASH_BLOCK_SIZE);

	memset(buf + n, 0, padded + GHASH_BLOCK_SIZE - n);
	put_unaligned_be64((u64)len * 8, buf + padded);
	smbsign_ghash_simd(key, s, buf, padded / GHASH_BLOCK_SIZE + 1,
			   key->simd.rk, j0);
}

/*
 * At @dst, the blocks a GMAC of a @len-byte message ends with: its last
 * @n (< 16) bytes at @last zero-padded, if @n, then the lengths block.
 * Return: how many (1 or 2).
 */
static u64 smbsign_gmac_simd_last(u8 *dst, const u8 *last, size_t n,
				  size_t len)
{
	memset(dst, 0, 2 * GHASH_BLOCK_SIZE);
	if (!n) {
		put_unaligned_be64((u64)len * 8, dst);
		return 1;
	}
	memcpy(dst, last, n);
	put_unaligned_be64((u64)len * 8, dst + GHASH_BLOCK_SIZE);
	return 2;
}

/*
 * GMAC of a message in one buffer with the VPCLMULQDQ code, in one call:
 * its whole blocks in place, the signature field zeroed by the code
 * (SMBSIGN_GHASH_ZERO_SIG), then from @buf, after J0, its zero-padded last
 * block and the lengths (SMBSIGN_GHASH_MORE_SHIFT): no copy of the
 * message, no second call with its own reduction, E_K(J0) beside the
 * tail's multiplies. make bench-cpu --mode b2b on AMD EPYC family 25 model
 * 17 (Zen 4), cycles a message, 512-bit GHASH, two calls (the rest after
 * the whole runs copied) / one: 768 B 242 / 174, 1 KiB 265 / 216, 4 KiB
 * 729 / 684; from a copy / in place: 256 B 119 / 119, 384 B 148 / 144,
 * 512 B 159 / 136 (256-bit GHASH: 126 / 116, 154 / 144, 182 / 174); 64 B
 * to 192 B are faster from the copy (SMBSIGN_SIMD_GMAC_INPLACE_MIN).
 * @len is at least SMBSIGN_HDR_SIZE with @zero_sig, at most
 * SMBSIGN_SIMD_CHUNK; @buf holds three blocks. In an FPU section.
 */
static void smbsign_gmac_simd_inplace(const struct smbsign_key *key,
				      const u8 *p, size_t len, bool zero_sig,
				      const u8 *j0, u8 *s, u8 *buf)
{
	size_t nblocks = len / GHASH_BLOCK_SIZE, n = len % GHASH_BLOCK_SIZE;
	u64 more = smbsign_gmac_simd_last(buf + AES_BLOCK_SIZE, p + len - n,
					  n, len);

	memcpy(buf, j0, AES_BLOCK_SIZE);
	if (zero_sig)
		nblocks |= SMBSIGN_GHASH_ZERO_SIG;
	smbsign_ghash_simd(key, s, p, nblocks | more << SMBSIGN_GHASH_MORE_SHIFT,
			   key->simd.rk, buf);
}

/*
 * GMAC of a message in one buffer longer than SMBSIGN_SIMD_GMAC_COPY_MAX
 * with the 128-bit GHASH, in three calls (two without @zero_sig): the
 * header from a copy (signature field zeroed), the whole runs of eight
 * blocks after it in place, then the rest, fewer than eight blocks,
 * copied to @buf to be hashed with the padding and the lengths. So every
 * reduction but the last folds a whole run: hashing the rest in place
 * would end the second call with a reduction of its own and leave the
 * padded last block and the lengths to one more call. Called in an FPU
 * section; @len is at most SMBSIGN_SIMD_CHUNK.
 */
static void smbsign_gmac_simd_linear(const struct smbsign_key *key,
				     const u8 *p, size_t len, bool zero_sig,
				     const u8 *j0, u8 *s, u8 *buf)
{
	size_t done = 0, nblocks;

	if (zero_sig) {
		smbsign_ghash_simd_hdr(key, s, p);
		done = SMBSIGN_HDR_SIZE;
	}
	nblocks = round_down((len - done) / GHASH_BLOCK_SIZE,
			     SMBSIGN_SIMD_HPOWERS);
	smbsign_ghash_simd(key, s, p + done, nblocks, NULL, NULL);
	done += nblocks * GHASH_BLOCK_SIZE;
	memcpy(buf, p + done, len - done);
	smbsign_gmac_simd_copied(key, buf, len - done, len, j0, s);
}

/*
 * GMAC of a short message in one call: copied to @buf (signature field
 * zeroed), zero-padded, the lengths block after it, then hashed with
 * E_K(J0) added. Each call of the GHASH code ends in a reduction and has
 * its own entry cost; copying up to 512 bytes cost less than the second
 * and third call of the in-place path as it was before
 * smbsign_gmac_simd_inplace(): make bench-cpu --mode serial on AMD EPYC
 * family 25 (Zen 3), cycles a message, 256-bit GHASH: 64 B 166 -> 145,
 * 128 B 206 -> 155, 256 B 215 -> 187, 512 B 283 -> 254 (README: back to
 * back). With the VPCLMULQDQ code, only messages under
 * SMBSIGN_SIMD_GMAC_INPLACE_MIN or not in one buffer come here. Any kvec
 * layout. Called in an FPU section.
 */
static __always_inline int
smbsign_gmac_simd_small(const struct smbsign_key *key,
			const struct smbsign_msg *m, const u8 *j0, u8 *s,
			u8 *buf)
{
	int ret;

	ret = smbsign_msg_copy(m, buf);
	if (ret)
		return ret;
	smbsign_gmac_simd_copied(key, buf, m->len, m->len, j0, s);
	return 0;
}

/**
 * struct smbsign_ghash_simd_walk - GHASH state while a message is fed
 * @key: the key
 * @budget: blocks left in this FPU section
 * @fill: bytes in @part
 * @s: the GHASH accumulator
 * @part: a block split between pieces
 * @pend: the last piece's whole blocks, left to the last call (VPCLMULQDQ)
 * @npend: how many, with SMBSIGN_GHASH_ZERO_SIG if they start the message
 */
struct smbsign_ghash_simd_walk {
	const struct smbsign_key *key;
	size_t budget;
	unsigned int fill;
	u8 s[GHASH_BLOCK_SIZE];
	u8 part[GHASH_BLOCK_SIZE];
	const u8 *pend;
	u64 npend;
};

/*
 * Hash @n bytes at @p: a block split with the previous piece from a copy,
 * the whole blocks in place, the rest kept in @g->part. @flag:
 * SMBSIGN_GHASH_ZERO_SIG, for a piece that starts the message with its
 * whole header (the budget then is whole). @last: the message's last
 * piece, whose whole blocks the VPCLMULQDQ code leaves to the last call
 * (smbsign_gmac_simd_final()) where they fit this FPU section.
 */
static void smbsign_ghash_simd_piece(struct smbsign_ghash_simd_walk *g,
				     const u8 *p, size_t n, u64 flag,
				     bool last)
{
	size_t nblocks;

	if (g->fill) {
		size_t take = min_t(size_t, n, GHASH_BLOCK_SIZE - g->fill);

		memcpy(g->part + g->fill, p, take);
		g->fill += take;
		if (g->fill < GHASH_BLOCK_SIZE)
			return;
		p += take;
		n -= take;
		smbsign_simd_budget(&g->budget, 1, GHASH_BLOCK_SIZE);
		smbsign_ghash_simd(g->key, g->s, g->part, 1, NULL, NULL);
		g->fill = 0;
	}
	nblocks = n / GHASH_BLOCK_SIZE;
	smbsign_simd_budget_fit(&g->budget, nblocks, GHASH_BLOCK_SIZE);
	if (likely(nblocks <= g->budget)) {
		/* within this FPU section */
		g->budget -= nblocks;
		if (last && g->key->simd.ghash != SMBSIGN_GHASH_PCLMUL) {
			g->pend = p;
			g->npend = nblocks | flag;
		} else if (nblocks) {
			smbsign_ghash_simd(g->key, g->s, p, nblocks | flag,
					   NULL, NULL);
		}
		p += nblocks * GHASH_BLOCK_SIZE;
		n -= nblocks * GHASH_BLOCK_SIZE;
		nblocks = 0;
	}
	while (nblocks) {
		size_t k = smbsign_simd_budget(&g->budget, nblocks,
					       GHASH_BLOCK_SIZE);

		smbsign_ghash_simd(g->key, g->s, p, k | flag, NULL, NULL);
		flag = 0;
		p += k * GHASH_BLOCK_SIZE;
		n -= k * GHASH_BLOCK_SIZE;
		nblocks -= k;
	}
	if (n) {
		memcpy(g->part, p, n);
		g->fill = n;
	}
}

/*
 * GHASH the message straight from its kvecs, a zero block in place of the
 * signature field (the VPCLMULQDQ code: the field masked in place, where
 * the first kvec holds the whole header); only a block split between
 * kvecs is copied. (No callbacks: the generic walker's per-piece cost was
 * most of a short message's.)
 */
static int smbsign_ghash_simd_kvecs(struct smbsign_ghash_simd_walk *g,
				    const struct smbsign_msg *m)
{
	static const u8 zero[SMBSIGN_SIG_SIZE];
	const size_t sig_end = SMBSIGN_SIG_OFFSET + SMBSIGN_SIG_SIZE;
	size_t skip = m->off, left = m->len, pos = 0;
	unsigned int i;
	u64 flag;

	for (i = 0; i < m->nvec && left; i++) {
		const u8 *p = m->iov[i].iov_base;
		size_t n = m->iov[i].iov_len;

		if (skip >= n) {
			skip -= n;
			continue;
		}
		p += skip;
		n = min(n - skip, left);
		skip = 0;
		left -= n;
		flag = 0;
		if (m->zero_sig && !pos && n >= SMBSIGN_HDR_SIZE) {
			/* the usual case: the whole header in one kvec */
			if (g->key->simd.ghash != SMBSIGN_GHASH_PCLMUL) {
				flag = SMBSIGN_GHASH_ZERO_SIG;
			} else {
				smbsign_ghash_simd_hdr(g->key, g->s, p);
				g->budget -= SMBSIGN_HDR_SIZE /
					     GHASH_BLOCK_SIZE;
				p += SMBSIGN_HDR_SIZE;
				n -= SMBSIGN_HDR_SIZE;
				pos = SMBSIGN_HDR_SIZE;
			}
		} else if (m->zero_sig && pos < sig_end) {
			size_t a = min(n, SMBSIGN_SIG_OFFSET - min_t(size_t, pos,
						SMBSIGN_SIG_OFFSET));

			/* before the field, then zeroes for its part here */
			smbsign_ghash_simd_piece(g, p, a, 0, false);
			p += a;
			n -= a;
			pos += a;
			a = min(n, sig_end - max_t(size_t, pos,
						   SMBSIGN_SIG_OFFSET));
			smbsign_ghash_simd_piece(g, zero, a, 0, false);
			p += a;
			n -= a;
			pos += a;
		}
		smbsign_ghash_simd_piece(g, p, n, flag, !left);
		pos += n;
	}
	return left ? -EINVAL : 0;
}

/*
 * The zero-padded last block and the lengths, plus E_K(J0), in one call;
 * with the VPCLMULQDQ code, after the last piece's whole blocks in place
 * (@g->pend), which saves that piece a call and a reduction of its own.
 */
static void smbsign_gmac_simd_final(const struct smbsign_key *key,
				    struct smbsign_ghash_simd_walk *g,
				    size_t len, const u8 *j0)
{
	/* J0 (VPCLMULQDQ code), then the blocks to hash */
	u8 tail[AES_BLOCK_SIZE + 2 * GHASH_BLOCK_SIZE] __aligned(16);
	u64 more = smbsign_gmac_simd_last(tail + AES_BLOCK_SIZE, g->part,
					  g->fill, len);

	if (key->simd.ghash == SMBSIGN_GHASH_PCLMUL) {
		smbsign_ghash_simd(key, g->s, tail + AES_BLOCK_SIZE, more,
				   key->simd.rk, j0);
	} else {
		memcpy(tail, j0, AES_BLOCK_SIZE);
		smbsign_ghash_simd(key, g->s, g->pend,
				   g->npend | more << SMBSIGN_GHASH_MORE_SHIFT,
				   key->simd.rk, tail);
	}
}

static int smbsign_simd_gmac_mac(const struct smbsign_key *key,
				 const struct smbsign_msg *m, const u8 *nonce,
				 u8 *out)
{
	u8 buf[SMBSIGN_SIMD_GMAC_COPY_MAX + GHASH_BLOCK_SIZE] __aligned(16)
		__uninitialized;
	struct smbsign_ghash_simd_walk g __uninitialized;
	u8 j0[AES_BLOCK_SIZE] __uninitialized;
	bool linear = m->off + m->len <= m->iov[0].iov_len &&
		      m->len <= SMBSIGN_SIMD_CHUNK;
	const u8 *p = linear ? (const u8 *)m->iov[0].iov_base + m->off : NULL;
	int ret = 0;

	if (!crypto_simd_usable())
		return smbsign_simd_unusable();
	/* J0 = nonce || 1; the tag is E_K(J0) xor GHASH */
	memcpy(j0, nonce, SMBSIGN_GMAC_NONCE_SIZE);
	put_unaligned_be32(1, &j0[SMBSIGN_GMAC_NONCE_SIZE]);
	memset(g.s, 0, sizeof(g.s));
	smbsign_fpu_begin();
	BUILD_BUG_ON(SMBSIGN_SIMD_GMAC_INPLACE_MIN < SMBSIGN_HDR_SIZE);
	if (linear && key->simd.ghash != SMBSIGN_GHASH_PCLMUL &&
	    m->len >= SMBSIGN_SIMD_GMAC_INPLACE_MIN) {
		smbsign_gmac_simd_inplace(key, p, m->len, m->zero_sig, j0,
					  g.s, buf);
	} else if (m->len <= SMBSIGN_SIMD_GMAC_COPY_MAX) {
		ret = smbsign_gmac_simd_small(key, m, j0, g.s, buf);
	} else if (linear) {
		smbsign_gmac_simd_linear(key, p, m->len, m->zero_sig, j0, g.s,
					 buf);
	} else {
		g.key = key;
		g.budget = SMBSIGN_SIMD_CHUNK / GHASH_BLOCK_SIZE;
		g.fill = 0;
		g.pend = NULL;
		g.npend = 0;
		ret = smbsign_ghash_simd_kvecs(&g, m);
		if (!ret)
			smbsign_gmac_simd_final(key, &g, m->len, j0);
	}
	kernel_fpu_end();
	/*
	 * Only message bytes and the tag are left, except after an error: a
	 * GHASH state of known data would tell about H.
	 */
	if (ret)
		memzero_explicit(g.s, sizeof(g.s));
	else
		memcpy(out, g.s, SMBSIGN_SIG_SIZE);
	return ret;
}

#endif /* _SMBSIGN_X86_GMAC_H */
