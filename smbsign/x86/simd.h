/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: what the x86 code of cmac.c and gmac.c (x86/cmac.h, x86/gmac.h)
 * shares: the entry points of simd-x86_64.S, FPU sections, and which of
 * the instructions it needs the CPU has.
 *
 * The crypto API's cmac(aes) runs one AES block per call, each in its own
 * FPU section; its cbc(aes) and gcm(aes) are fast in bulk but cost several
 * hundred instructions a request before the first byte, which is most of
 * the cost of the typical SMB2 message (a 64-byte ECHO, a 100-byte
 * CREATE response). smbsign's x86 code MACs a message in one FPU section
 * (re-entered every SMBSIGN_SIMD_CHUNK bytes to bound preemption latency),
 * fed straight from the caller's kvecs to the loops of simd-x86_64.S.
 * For short messages the cost is per call, not per byte (make bench).
 *
 * A key holds the 176-byte AES-128 key schedule and, for GMAC, the powers
 * of H: no crypto transform, nothing allocated after the key itself. Used
 * when the CPU has AES-NI, PCLMULQDQ and AVX, the OS saves AVX state, the
 * kernel is not in FIPS mode (where only the validated crypto API may
 * compute MACs), the "simd" module parameter is on and impl.c has not
 * given the algorithm to the crypto API (smbsign_simd_usable()).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_X86_SIMD_H
#define _SMBSIGN_X86_SIMD_H

#include <crypto/internal/simd.h>
#include <linux/bits.h>
#include <linux/linkage.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>

#include "../smbsign.h"

/* Bytes hashed per FPU section (as the kernel's x86 crypto library). */
#define SMBSIGN_SIMD_CHUNK	4096

asmlinkage void smbsign_aes128_expand_avx(u8 *rk, const u8 *key);
asmlinkage void smbsign_aes128_enc_avx(const u8 *rk, u8 *out, const u8 *in);
asmlinkage void smbsign_cbcmac_avx(const u8 *rk, u8 *state, const u8 *src,
				   size_t nblocks);
asmlinkage void smbsign_ghash_avx(u8 *acc, const u8 *src, size_t nblocks,
				  const u8 *keys, const u8 *rk, const u8 *j0);
/*
 * In the nblocks of smbsign_ghash_vpclmul_*(): the run starts with an SMB2
 * header (at least four blocks) whose signature field is hashed as zeroes.
 */
#define SMBSIGN_GHASH_ZERO_SIG	BIT_ULL(63)
/*
 * In the nblocks of the last call of smbsign_ghash_vpclmul_*() (with @rk):
 * how many blocks at @j0 + 16 are hashed after those at @src, in the same
 * tail (a message's zero-padded last block and the lengths). The caller
 * keeps it to at most 3, and the tail within the 32 key powers.
 */
#define SMBSIGN_GHASH_MORE_SHIFT	56
#define SMBSIGN_GHASH_NBLOCKS		GENMASK_ULL(55, 0)
asmlinkage void smbsign_ghash_vpclmul_avx2(u8 *acc, const u8 *src,
					   size_t nblocks, const u8 *keys,
					   const u8 *rk, const u8 *j0);
asmlinkage void smbsign_ghash_vpclmul_avx512(u8 *acc, const u8 *src,
					     size_t nblocks, const u8 *keys,
					     const u8 *rk, const u8 *j0);

/*
 * Integer vector instructions only (AES, carry-less multiply, logic): the
 * MXCSR does not need resetting, as kernel_fpu_begin() would.
 */
static inline void smbsign_fpu_begin(void)
{
	kernel_fpu_begin_mask(0);
}

/* Whether the CPU has what the code needs; its fastest GHASH (impl.c). */
extern bool smbsign_simd_cpu;
extern int smbsign_simd_ghash_cpu;

/*
 * CPUs that lower their clock for 512-bit vectors: the kernel's flag where
 * it has one (6.10+), else every Intel CPU, as kernels before it ran no
 * AVX-512 crypto there.
 */
static inline bool smbsign_simd_prefer_ymm(void)
{
#ifdef X86_FEATURE_PREFER_YMM
	return boot_cpu_has(X86_FEATURE_PREFER_YMM);
#else
	return boot_cpu_data.x86_vendor == X86_VENDOR_INTEL;
#endif
}

/* Find what the CPU has; at module load. */
static inline void smbsign_simd_detect(void)
{
	bool ymm = cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM,
				     NULL);

	smbsign_simd_cpu = boot_cpu_has(X86_FEATURE_AES) &&
			   boot_cpu_has(X86_FEATURE_PCLMULQDQ) &&
			   boot_cpu_has(X86_FEATURE_AVX) && ymm;
	/*
	 * VPCLMULQDQ: 512 bits where the kernel's own AES-GCM takes its
	 * AVX-512 code (aesni-intel_glue.c: AVX512BW, AVX512VL, the ZMM
	 * state, and not on CPUs that downclock for it, X86_FEATURE_PREFER_YMM),
	 * else 256 bits with AVX2.
	 */
	smbsign_simd_ghash_cpu = SMBSIGN_GHASH_PCLMUL;
	if (!smbsign_simd_cpu || !boot_cpu_has(X86_FEATURE_VPCLMULQDQ) ||
	    !boot_cpu_has(X86_FEATURE_AVX2))
		return;
	smbsign_simd_ghash_cpu = SMBSIGN_GHASH_VPCLMUL_AVX2;
	if (boot_cpu_has(X86_FEATURE_AVX512BW) &&
	    boot_cpu_has(X86_FEATURE_AVX512VL) && !smbsign_simd_prefer_ymm() &&
	    cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM |
			      XFEATURE_MASK_AVX512, NULL))
		smbsign_simd_ghash_cpu = SMBSIGN_GHASH_VPCLMUL_AVX512;
}

/* Expand @k and encrypt one block, in one FPU section. */
static inline void smbsign_simd_expand(struct smbsign_key *key, const u8 *k,
				       u8 *out, const u8 *in)
{
	smbsign_fpu_begin();
	smbsign_aes128_expand_avx(key->simd.rk, k);
	smbsign_aes128_enc_avx(key->simd.rk, out, in);
	kernel_fpu_end();
}

/* Re-enter the FPU section every SMBSIGN_SIMD_CHUNK bytes. */
static inline size_t smbsign_simd_budget(size_t *budget, size_t nblocks,
					 size_t bsize)
{
	if (!*budget) {
		kernel_fpu_end();
		smbsign_fpu_begin();
		*budget = SMBSIGN_SIMD_CHUNK / bsize;
	}
	nblocks = min(nblocks, *budget);
	*budget -= nblocks;
	return nblocks;
}

/*
 * Where @nblocks blocks of @bsize bytes do not fit what is left of this
 * FPU section but fit a section of their own, end it and start that one:
 * a piece (a page kvec) then takes one call, not two across sections.
 */
static inline void smbsign_simd_budget_fit(size_t *budget, size_t nblocks,
					   size_t bsize)
{
	if (nblocks > *budget && nblocks <= SMBSIGN_SIMD_CHUNK / bsize) {
		kernel_fpu_end();
		smbsign_fpu_begin();
		*budget = SMBSIGN_SIMD_CHUNK / bsize;
	}
}

/* -EOPNOTSUPP, warned about once per module load (impl.c) */
int smbsign_simd_unusable(void);

#endif /* _SMBSIGN_X86_SIMD_H */
