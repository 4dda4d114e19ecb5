/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu: force-included (-include) when smbsign/simd-x86.c is compiled
 * a second time with another SHA-256 block function: the same HMAC glue,
 * the kernel's block function. BENCH_SHA256_BLOCK names the assembly
 * function (sha256_ni_transform, ...), BENCH_GLUE_PREFIX prefixes the
 * glue's external symbols so that the copies link together.
 */
#define BENCH_CAT2(a, b)	a##b
#define BENCH_CAT(a, b)		BENCH_CAT2(a, b)
#define BENCH_RENAME(sym)	BENCH_CAT(BENCH_GLUE_PREFIX, sym)

#define smbsign_sha256_avx2	BENCH_SHA256_BLOCK
#define smbsign_simd_init	BENCH_RENAME(smbsign_simd_init)
#define smbsign_simd_usable	BENCH_RENAME(smbsign_simd_usable)
#define smbsign_simd_set	BENCH_RENAME(smbsign_simd_set)
#define smbsign_simd_cmac_init	BENCH_RENAME(smbsign_simd_cmac_init)
#define smbsign_simd_gmac_init	BENCH_RENAME(smbsign_simd_gmac_init)
#define smbsign_simd_cmac_mac	BENCH_RENAME(smbsign_simd_cmac_mac)
#define smbsign_simd_gmac_mac	BENCH_RENAME(smbsign_simd_gmac_mac)
#define smbsign_simd_hmac_init	BENCH_RENAME(smbsign_simd_hmac_init)
#define smbsign_simd_hmac_mac	BENCH_RENAME(smbsign_simd_hmac_mac)

/* weak: a kernel tree without the block function leaves the row out */
#define BENCH_STR2(x)		#x
#define BENCH_STR(x)		BENCH_STR2(x)
_Pragma(BENCH_STR(weak BENCH_SHA256_BLOCK))
