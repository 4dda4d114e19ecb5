/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: AES-128 CBC-MAC and GHASH with AES-NI, PCLMULQDQ and AVX.
 *
 * Called from smbsign/simd-x86.c between kernel_fpu_begin() and
 * kernel_fpu_end(). All instructions are VEX-encoded (AVX), whose memory
 * operands need no alignment. No function uses the stack or any register
 * beyond its arguments and %rax, %r10 and %xmm0-%xmm15. As in the kernel's
 * own AES-NI code, vector registers are not scrubbed on return: nothing
 * else reads them before the next FPU user or the task's own state
 * overwrites them.
 *
 * GHASH representation. A GHASH block B[0..15] holds the polynomial with
 * the coefficient of x^i in bit 7 - i % 8 of B[i / 8]. Loaded and byte-
 * swapped (vpshufb), the 128-bit integer V has the coefficient of x^i in
 * bit 127 - i: the bit-reversal of the polynomial. For reversed operands,
 * a carry-less product is the reversed product in 255 bits:
 *
 *   clmul(rev128(A), rev128(B)) = rev255(A * B)
 *
 * This is reduced modulo g = x^128 + x^7 + x^2 + x + 1 from the low end
 * (a Montgomery reduction): adding Q * rev(g) for the Q that clears the low
 * 128 bits leaves rev128(x * A * B mod g) in the high 128 bits. With
 * rev(g) = 1 + t^128 + t^64 * c(t), c = t^57 + t^62 + t^63, Q is found 64
 * bits at a time: for the low qword q, add q (clearing it), q at bit 128
 * and clmul(q, c) at bit 64; then the same for the next qword. The extra
 * factor x is cancelled by keys prepared as H^i * x^-1 mod g (in the
 * reversed domain, a left shift by one, folding the carry back as
 * 0xc2000000000000000000000000000001), see smbsign_simd_gmac_init().
 *
 * Eight blocks are folded per reduction:
 *
 *   Y' = (Y + X_1) H^8 + X_2 H^7 + ... + X_8 H
 *
 * with the four 64x64 partial products of each block summed unreduced.
 */

#include <linux/linkage.h>

.section .rodata.cst16.smbsign_bswap_mask, "aM", @progbits, 16
.align 16
.Lbswap_mask:
	.octa 0x000102030405060708090a0b0c0d0e0f

.section .rodata.cst16.smbsign_gf128_c, "aM", @progbits, 16
.align 16
.Lgf128_c:
	.quad 0xc200000000000000, 0

.text

/*
 * void smbsign_aes128_expand_avx(u8 rk[176], const u8 key[16])
 *
 * Round keys w[i] = w[i-4] ^ t: t = RotWord(SubWord(w[i-1])) ^ rcon for the
 * first word of a round key (vaeskeygenassist, broadcast), else w[i-1]. A
 * prefix XOR of the previous round key's words (two shifts) does the chain.
 */
.macro aes128_expand_round rcon, off
	vaeskeygenassist $\rcon, %xmm0, %xmm1
	vpshufd		$0xff, %xmm1, %xmm1
	vpslldq		$4, %xmm0, %xmm2
	vpxor		%xmm2, %xmm0, %xmm0
	vpslldq		$8, %xmm0, %xmm2
	vpxor		%xmm2, %xmm0, %xmm0
	vpxor		%xmm1, %xmm0, %xmm0
	vmovdqu		%xmm0, \off(%rdi)
.endm

SYM_FUNC_START(smbsign_aes128_expand_avx)
	vmovdqu		(%rsi), %xmm0
	vmovdqu		%xmm0, (%rdi)
	aes128_expand_round 0x01, 16
	aes128_expand_round 0x02, 32
	aes128_expand_round 0x04, 48
	aes128_expand_round 0x08, 64
	aes128_expand_round 0x10, 80
	aes128_expand_round 0x20, 96
	aes128_expand_round 0x40, 112
	aes128_expand_round 0x80, 128
	aes128_expand_round 0x1b, 144
	aes128_expand_round 0x36, 160
	RET
SYM_FUNC_END(smbsign_aes128_expand_avx)

/* void smbsign_aes128_enc_avx(const u8 rk[176], u8 out[16], const u8 in[16]) */
SYM_FUNC_START(smbsign_aes128_enc_avx)
	vmovdqu		(%rdx), %xmm0
	vpxor		(%rdi), %xmm0, %xmm0
	vaesenc		16(%rdi), %xmm0, %xmm0
	vaesenc		32(%rdi), %xmm0, %xmm0
	vaesenc		48(%rdi), %xmm0, %xmm0
	vaesenc		64(%rdi), %xmm0, %xmm0
	vaesenc		80(%rdi), %xmm0, %xmm0
	vaesenc		96(%rdi), %xmm0, %xmm0
	vaesenc		112(%rdi), %xmm0, %xmm0
	vaesenc		128(%rdi), %xmm0, %xmm0
	vaesenc		144(%rdi), %xmm0, %xmm0
	vaesenclast	160(%rdi), %xmm0, %xmm0
	vmovdqu		%xmm0, (%rsi)
	RET
SYM_FUNC_END(smbsign_aes128_enc_avx)

/*
 * void smbsign_cbcmac_avx(const u8 rk[176], u8 state[16], const u8 *src,
 *			   size_t nblocks)
 *
 * state = E_K(... E_K(E_K(state ^ src_1) ^ src_2) ... ^ src_n), n >= 1.
 * The round keys stay in %xmm5-%xmm15.
 */
SYM_FUNC_START(smbsign_cbcmac_avx)
	vmovdqu		(%rdi), %xmm5
	vmovdqu		16(%rdi), %xmm6
	vmovdqu		32(%rdi), %xmm7
	vmovdqu		48(%rdi), %xmm8
	vmovdqu		64(%rdi), %xmm9
	vmovdqu		80(%rdi), %xmm10
	vmovdqu		96(%rdi), %xmm11
	vmovdqu		112(%rdi), %xmm12
	vmovdqu		128(%rdi), %xmm13
	vmovdqu		144(%rdi), %xmm14
	vmovdqu		160(%rdi), %xmm15
	vmovdqu		(%rsi), %xmm0
.Lcbcmac_loop:
	vpxor		(%rdx), %xmm0, %xmm0
	vpxor		%xmm5, %xmm0, %xmm0
	vaesenc		%xmm6, %xmm0, %xmm0
	vaesenc		%xmm7, %xmm0, %xmm0
	vaesenc		%xmm8, %xmm0, %xmm0
	vaesenc		%xmm9, %xmm0, %xmm0
	vaesenc		%xmm10, %xmm0, %xmm0
	vaesenc		%xmm11, %xmm0, %xmm0
	vaesenc		%xmm12, %xmm0, %xmm0
	vaesenc		%xmm13, %xmm0, %xmm0
	vaesenc		%xmm14, %xmm0, %xmm0
	vaesenclast	%xmm15, %xmm0, %xmm0
	add		$16, %rdx
	dec		%rcx
	jnz		.Lcbcmac_loop
	vmovdqu		%xmm0, (%rsi)
	RET
SYM_FUNC_END(smbsign_cbcmac_avx)

#define ACC	%xmm0
#define X	%xmm1
#define LO	%xmm2
#define HI	%xmm3
#define MID	%xmm4
#define T	%xmm5
#define BSWAP	%xmm6
#define GC	%xmm7

/* LO, HI, MID = the partial products of X and the key at \key */
.macro ghash_mul_first key
	vpclmulqdq	$0x00, \key, X, LO
	vpclmulqdq	$0x11, \key, X, HI
	vpclmulqdq	$0x01, \key, X, MID
	vpclmulqdq	$0x10, \key, X, T
	vpxor		T, MID, MID
.endm

/* LO, HI, MID += the partial products of X and the key at \key */
.macro ghash_mul_add key
	vpclmulqdq	$0x00, \key, X, T
	vpxor		T, LO, LO
	vpclmulqdq	$0x11, \key, X, T
	vpxor		T, HI, HI
	vpclmulqdq	$0x01, \key, X, T
	vpxor		T, MID, MID
	vpclmulqdq	$0x10, \key, X, T
	vpxor		T, MID, MID
.endm

/* X = the block at \off(%rsi), byte-swapped */
.macro ghash_load off
	vmovdqu		\off(%rsi), X
	vpshufb		BSWAP, X, X
.endm

/* ACC = HI:LO + MID << 64, reduced (see the top of the file) */
.macro ghash_reduce
	vpslldq		$8, MID, T
	vpsrldq		$8, MID, MID
	vpxor		T, LO, LO
	vpxor		MID, HI, HI
	vpclmulqdq	$0x00, GC, LO, T
	vpshufd		$0x4e, LO, LO
	vpxor		T, LO, LO
	vpclmulqdq	$0x00, GC, LO, T
	vpshufd		$0x4e, LO, LO
	vpxor		T, LO, LO
	vpxor		LO, HI, ACC
.endm

/*
 * void smbsign_ghash_avx(u8 acc[16], const u8 *src, size_t nblocks,
 *			  const u8 keys[8][16], const u8 *rk, const u8 *j0)
 *
 * acc = GHASH_H(acc; src_1 .. src_n), acc in GHASH byte order, keys[i] =
 * H^(i+1) * x^-1 in the reversed domain, as 128-bit little-endian integers.
 * With round keys @rk (else NULL), the last call of a GMAC: acc is then
 * XORed with E_K(j0), making it the tag.
 */
SYM_FUNC_START(smbsign_ghash_avx)
	vmovdqa		.Lbswap_mask(%rip), BSWAP
	vmovdqa		.Lgf128_c(%rip), GC
	vmovdqu		(%rdi), ACC
	vpshufb		BSWAP, ACC, ACC
	cmp		$8, %rdx
	jb		.Lghash_tail
.Lghash_loop8:
	ghash_load	0
	vpxor		ACC, X, X
	ghash_mul_first	112(%rcx)
	ghash_load	16
	ghash_mul_add	96(%rcx)
	ghash_load	32
	ghash_mul_add	80(%rcx)
	ghash_load	48
	ghash_mul_add	64(%rcx)
	ghash_load	64
	ghash_mul_add	48(%rcx)
	ghash_load	80
	ghash_mul_add	32(%rcx)
	ghash_load	96
	ghash_mul_add	16(%rcx)
	ghash_load	112
	ghash_mul_add	(%rcx)
	ghash_reduce
	add		$128, %rsi
	sub		$8, %rdx
	cmp		$8, %rdx
	jae		.Lghash_loop8
.Lghash_tail:
	/* r = 1..7 blocks left: H^r .. H^1, one reduction */
	test		%rdx, %rdx
	jz		.Lghash_done
	mov		%rdx, %rax
	shl		$4, %rax
	lea		-16(%rcx, %rax), %r10
	ghash_load	0
	vpxor		ACC, X, X
	ghash_mul_first	(%r10)
	dec		%rdx
	jz		.Lghash_tail_reduce
.Lghash_tail_loop:
	add		$16, %rsi
	sub		$16, %r10
	ghash_load	0
	ghash_mul_add	(%r10)
	dec		%rdx
	jnz		.Lghash_tail_loop
.Lghash_tail_reduce:
	ghash_reduce
.Lghash_done:
	vpshufb		BSWAP, ACC, ACC
	test		%r8, %r8
	jz		.Lghash_store
	vmovdqu		(%r9), T
	vpxor		(%r8), T, T
	vaesenc		16(%r8), T, T
	vaesenc		32(%r8), T, T
	vaesenc		48(%r8), T, T
	vaesenc		64(%r8), T, T
	vaesenc		80(%r8), T, T
	vaesenc		96(%r8), T, T
	vaesenc		112(%r8), T, T
	vaesenc		128(%r8), T, T
	vaesenc		144(%r8), T, T
	vaesenclast	160(%r8), T, T
	vpxor		T, ACC, ACC
.Lghash_store:
	vmovdqu		ACC, (%rdi)
	RET
SYM_FUNC_END(smbsign_ghash_avx)
