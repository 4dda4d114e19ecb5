/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: AES-128 CBC-MAC and GHASH with AES-NI, PCLMULQDQ and AVX.
 *
 * Called from smbsign/x86/cmac.h and gmac.h between kernel_fpu_begin() and
 * kernel_fpu_end(). All instructions are VEX-encoded (AVX), or EVEX in the
 * 512-bit GHASH, whose memory operands need no alignment. No function uses
 * the stack or any register beyond its arguments and %rax, %r10, %r11 and
 * %xmm0-%xmm15 (%ymm, %zmm in the VPCLMULQDQ GHASH). As in the kernel's
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
 * with the partial products of each block summed unreduced: three 64x64
 * multiplies a block (Karatsuba, ghash_mul_first), not four. Where the
 * carry-less multiplier is the limit (AMD Zen 3: one 128-bit multiply per
 * two cycles) that is a fifth less time in bulk: make bench-cpu KVER=6.12
 * --only GMAC/, smbsign-pclmul, back to back, 0.534 -> 0.426 cycles per
 * byte at 64 KiB, 0.554 -> 0.451 at 4 KiB.
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

/*
 * ANDed into the first 64 bytes of a VPCLMULQDQ GHASH run whose nblocks
 * has SMBSIGN_GHASH_ZERO_SIG: the SMB2 signature field (bytes 48-63) as
 * zeroes; the ones after it for every other vector (see .Lvtail_vec)
 */
.section .rodata.smbsign_sig_mask, "a", @progbits
.align 64
.Lsig_mask:
	.fill	48, 1, 0xff
	.fill	16, 1, 0
	.fill	448, 1, 0xff

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

/* \x = AES-128 of the block at \src with the round keys at (\rk) */
.macro aes128_encrypt rk, src, x
	vmovdqu		\src, \x
	vpxor		(\rk), \x, \x
	.irp	r, 16,32,48,64,80,96,112,128,144
	vaesenc		\r(\rk), \x, \x
	.endr
	vaesenclast	160(\rk), \x, \x
.endm

/* void smbsign_aes128_enc_avx(const u8 rk[176], u8 out[16], const u8 in[16]) */
SYM_FUNC_START(smbsign_aes128_enc_avx)
	aes128_encrypt	%rdi, (%rdx), %xmm0
	vmovdqu		%xmm0, (%rsi)
	RET
SYM_FUNC_END(smbsign_aes128_enc_avx)

/*
 * void smbsign_cbcmac_avx(const u8 rk[176], u8 state[16], const u8 *src,
 *			   size_t nblocks)
 *
 * state = E_K(... E_K(E_K(state ^ src_1) ^ src_2) ... ^ src_n), n >= 1.
 * The round keys stay in %xmm5-%xmm15. The chain is latency-bound: the
 * next block and round key 0 are XORed into the last round key off the
 * chain (vaesenclast ends with an XOR), leaving ten AES rounds a block on
 * it and no vpxor.
 */
.macro cbcmac_rounds
	.irp	k, 6,7,8,9,10,11,12,13,14
		vaesenc		%xmm\k, %xmm0, %xmm0
	.endr
.endm

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
	vpxor		(%rdx), %xmm0, %xmm0
	vpxor		%xmm5, %xmm0, %xmm0
	dec		%rcx
	jz		.Lcbcmac_last
.Lcbcmac_loop:
	/* the next block and round key 0 folded into the last round key */
	add		$16, %rdx
	vpxor		(%rdx), %xmm5, %xmm1
	vpxor		%xmm15, %xmm1, %xmm1
	cbcmac_rounds
	vaesenclast	%xmm1, %xmm0, %xmm0
	dec		%rcx
	jnz		.Lcbcmac_loop
.Lcbcmac_last:
	cbcmac_rounds
	vaesenclast	%xmm15, %xmm0, %xmm0
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
#define EJ0	%xmm8

/*
 * LO, HI, MID = the partial products of X and the key at \off(\base), in
 * three multiplies (Karatsuba): LO = x0 k0, HI = x1 k1, MID = (x0 + x1)
 * (k0 + k1), the key's k0 + k1 (in both halves) 128 bytes after the key
 * (struct smbsign_simd_key.hmid); ghash_reduce adds LO and HI to MID. X
 * is clobbered.
 */
.macro ghash_mul_first off, base
	vpclmulqdq	$0x00, \off(\base), X, LO
	vpclmulqdq	$0x11, \off(\base), X, HI
	vpshufd		$0x4e, X, T
	vpxor		T, X, X
	vpclmulqdq	$0x00, \off+128(\base), X, MID
.endm

/* LO, HI, MID += the same for X and the key at \off(\base) */
.macro ghash_mul_add off, base
	vpclmulqdq	$0x00, \off(\base), X, T
	vpxor		T, LO, LO
	vpclmulqdq	$0x11, \off(\base), X, T
	vpxor		T, HI, HI
	vpshufd		$0x4e, X, T
	vpxor		T, X, X
	vpclmulqdq	$0x00, \off+128(\base), X, T
	vpxor		T, MID, MID
.endm

/* X = the block at \off(%rsi), byte-swapped */
.macro ghash_load off
	vmovdqu		\off(%rsi), X
	vpshufb		BSWAP, X, X
.endm

/*
 * \acc = \hi:\lo + \mid << 64, reduced (see the top of the file), with
 * \gc the reduction constant; \lo, \mid, \hi and \t clobbered. Both
 * GHASHs end their folds with it.
 */
.macro gf128_reduce lo, mid, hi, t, gc, acc
	vpslldq		$8, \mid, \t
	vpsrldq		$8, \mid, \mid
	vpxor		\t, \lo, \lo
	vpxor		\mid, \hi, \hi
	vpclmulqdq	$0x00, \gc, \lo, \t
	vpshufd		$0x4e, \lo, \lo
	vpxor		\t, \lo, \lo
	vpclmulqdq	$0x00, \gc, \lo, \t
	vpshufd		$0x4e, \lo, \lo
	vpxor		\t, \lo, \lo
	vpxor		\lo, \hi, \acc
.endm

/*
 * ACC = HI:LO + MID << 64, reduced, MID first made the middle product
 * from the Karatsuba sums (MID + LO + HI)
 */
.macro ghash_reduce
	vpxor		LO, MID, MID
	vpxor		HI, MID, MID
	gf128_reduce	LO, MID, HI, T, GC, ACC
.endm

/*
 * void smbsign_ghash_avx(u8 acc[16], const u8 *src, size_t nblocks,
 *			  const u8 keys[16][16], const u8 *rk, const u8 *j0)
 *
 * acc = GHASH_H(acc; src_1 .. src_n), acc in GHASH byte order, keys[i] =
 * H^(i+1) * x^-1 in the reversed domain, as 128-bit little-endian integers,
 * for i < 8, and keys[8 + i] = keys[i]'s two halves XORed, in both halves
 * (the Karatsuba middle factors).
 * With round keys @rk (else NULL), the last call of a GMAC: acc is then
 * XORed with E_K(j0), making it the tag.
 */
SYM_FUNC_START(smbsign_ghash_avx)
	/*
	 * E_K(j0) first: its ten dependent rounds then run beside the
	 * multiplies instead of after the reduction (short messages)
	 */
	test		%r8, %r8
	jz		.Lghash_start
	aes128_encrypt	%r8, (%r9), EJ0
.Lghash_start:
	vmovdqa		.Lbswap_mask(%rip), BSWAP
	vmovdqa		.Lgf128_c(%rip), GC
	vmovdqu		(%rdi), ACC
	vpshufb		BSWAP, ACC, ACC
	cmp		$8, %rdx
	jb		.Lghash_tail
.Lghash_loop8:
	ghash_load	0
	vpxor		ACC, X, X
	ghash_mul_first	112, %rcx
	ghash_load	16
	ghash_mul_add	96, %rcx
	ghash_load	32
	ghash_mul_add	80, %rcx
	ghash_load	48
	ghash_mul_add	64, %rcx
	ghash_load	64
	ghash_mul_add	48, %rcx
	ghash_load	80
	ghash_mul_add	32, %rcx
	ghash_load	96
	ghash_mul_add	16, %rcx
	ghash_load	112
	ghash_mul_add	0, %rcx
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
	ghash_mul_first	0, %r10
	dec		%rdx
	jz		.Lghash_tail_reduce
.Lghash_tail_loop:
	add		$16, %rsi
	sub		$16, %r10
	ghash_load	0
	ghash_mul_add	0, %r10
	dec		%rdx
	jnz		.Lghash_tail_loop
.Lghash_tail_reduce:
	ghash_reduce
.Lghash_done:
	vpshufb		BSWAP, ACC, ACC
	test		%r8, %r8
	jz		.Lghash_store
	vpxor		EJ0, ACC, ACC
.Lghash_store:
	vmovdqu		ACC, (%rdi)
	RET
SYM_FUNC_END(smbsign_ghash_avx)

#undef ACC
#undef X
#undef LO
#undef HI
#undef MID
#undef T
#undef BSWAP
#undef GC
#undef EJ0

/*
 * GHASH with VPCLMULQDQ on 256-bit (AVX2) or 512-bit (AVX-512) vectors:
 * N = VL / 16 blocks per vector, eight vectors (8N blocks) per reduction:
 *
 *   Y' = (Y + X_1) H^8N + X_2 H^(8N-1) + ... + X_8N H
 *
 * The arithmetic of smbsign_ghash_avx() above, lane by lane: the partial
 * products of every block, three 64x64 multiplies (Karatsuba: LO = a0 b0,
 * HI = a1 b1, M = (a0 + a1)(b0 + b1)), are summed unreduced in the lanes
 * of LO, M and HI, which are folded to 128 bits (lanes XORed together);
 * MID = M + LO + HI, then one reduction. Only the first vector depends on
 * Y, so the next vectors' multiplies overlap the reduction; folding 8N
 * blocks per reduction keeps that dependency chain (about 35 cycles)
 * below the multiplier's throughput.
 *
 * The key table holds H^32 .. H^1 (entry i = H^(32-i) * x^-1, prepared as
 * for smbsign_ghash_avx()): a vector of key powers for blocks j .. j+N-1
 * of a run of r blocks is one unaligned load of entries 32-r+j onwards.
 * The key's (a0 + a1) come from a second table of 32 entries right after
 * the first (struct smbsign_simd_key.vmid, same index). A run of fewer
 * than 8N blocks takes whole vectors, then (512-bit) up to three single
 * blocks (four products each), one reduction in all.
 *
 * Three products rather than four: where the carry-less multiplier is the
 * limit (AMD Zen 3: one 256-bit multiply per two cycles; Zen 4: one
 * multiply per two cycles at any width) that is a quarter fewer; on Intel,
 * where the multiply and the one shuffle it costs share a port, it is no
 * more work.
 */
.macro	_ghash_set_veclen vl
	.set	VL, \vl
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.if VL == 32
		.set	V\i, %ymm\i
	.else
		.set	V\i, %zmm\i
	.endif
		.set	Y\i, %ymm\i
		.set	X\i, %xmm\i
	.endr
.endm

/* VEX for 256 bits, EVEX for 512 */
.macro	_vxor a, b, dst
	.if VL == 32
		vpxor	\a, \b, \dst
	.else
		vpxord	\a, \b, \dst
	.endif
.endm

.macro	_vand mem, v
	.if VL == 32
		vpand	\mem, \v, \v
	.else
		vpandq	\mem, \v, \v
	.endif
.endm

.macro	_vload mem, dst
	.if VL == 32
		vmovdqu	\mem, \dst
	.else
		vmovdqu64 \mem, \dst
	.endif
.endm

/*
 * LO, HI, MID (V8, V10, V9) = or += the partial products of \v and V11
 * in three multiplies: MID gets the Karatsuba product with \mid (V11's
 * halves XORed, in memory), and _ghash_karatsuba makes it the middle
 * product after the fold. \v is clobbered.
 */
.macro	_ghash_vmul v, first, mid
	.if \first
		vpclmulqdq	$0x00, V11, \v, V8
		vpclmulqdq	$0x11, V11, \v, V10
		vpshufd		$0x4e, \v, V12
		_vxor		V12, \v, \v
		vpclmulqdq	$0x00, \mid, \v, V9
	.else
		vpclmulqdq	$0x00, V11, \v, V12
		_vxor		V12, V8, V8
		vpclmulqdq	$0x11, V11, \v, V12
		_vxor		V12, V10, V10
		vpshufd		$0x4e, \v, V12
		_vxor		V12, \v, \v
		vpclmulqdq	$0x00, \mid, \v, V12
		_vxor		V12, V9, V9
	.endif
.endm

/* X9 = M + LO + HI: the middle product, once LO, MID, HI are folded */
.macro	_ghash_karatsuba
	vpxor		X8, X9, X9
	vpxor		X10, X9, X9
.endm

/* fold the lanes of \v to its low 128 bits (VEX writes zero the rest) */
.macro	_ghash_fold v, y, x
	.if VL == 64
		vextracti64x4	$1, \v, Y12
		vpxor		Y12, \y, \y
	.endif
	vextracti128	$1, \y, X12
	vpxor		X12, \x, \x
.endm

/* X15 (the accumulator) = X10:X8 + X9 << 64, reduced; X12 clobbered */
.macro	_ghash_reduce_x
	gf128_reduce	X8, X9, X10, X12, X14, X15
.endm

/*
 * X15 = the GHASH of NB blocks at %rsi from X15, reduced, with the keys at
 * %r10; %rsi and %rdx advanced. \mask: the run starts with the header,
 * ANDed with the mask at %r11 (which clears whole lanes: before or after
 * the byte swap alike).
 */
.macro	_ghash_vrun mask
	.irp	i, 1,2,3,4,5,6,7
		_vload		\i*VL(%rsi), V\i
		vpshufb		V13, V\i, V\i
	.endr
	_vload		(%rsi), V0
	.if \mask
		_vand		(%r11), V0
		.if VL == 32
			_vand		32(%r11), V1
		.endif
	.endif
	vpshufb		V13, V0, V0
	_vload		7*VL(%r10), V11
	_ghash_vmul	V7, 1, 7*VL+VMID(%r10)
	.irp	i, 6,5,4,3,2,1
		_vload		\i*VL(%r10), V11
		_ghash_vmul	V\i, 0, \i*VL+VMID(%r10)
	.endr
	/* the first vector, with the accumulator, last */
	_vxor		V15, V0, V0
	_vload		(%r10), V11
	_ghash_vmul	V0, 0, VMID(%r10)
	_ghash_fold	V8, Y8, X8
	_ghash_fold	V9, Y9, X9
	_ghash_fold	V10, Y10, X10
	_ghash_karatsuba
	_ghash_reduce_x
	add		$NB * 16, %rsi
	sub		$NB, %rdx
.endm

/*
 * void smbsign_ghash_vpclmul_{avx2,avx512}(u8 acc[16], const u8 *src,
 *	size_t nblocks, const u8 keys[32][16], const u8 *rk, const u8 *j0)
 *
 * As smbsign_ghash_avx(), with the table of H^32 .. H^1 above and its
 * middle factors 512 bytes on. With SMBSIGN_GHASH_ZERO_SIG (bit 63) in
 * nblocks, the run starts with an SMB2 header (nblocks >= 4) whose
 * signature field is hashed as zeroes: its first 64 bytes are ANDed with
 * .Lsig_mask through %r11, in a first pass of the loop of its own, else
 * in .Lvtail_vec, which ANDs every vector with the next VL bytes (at most
 * seven vectors; the ones after the header's mask). With rk, bits 56-62
 * of nblocks (SMBSIGN_GHASH_MORE_SHIFT) may count blocks at j0 + 16 that
 * follow those at src in the tail (one reduction with them; the caller
 * keeps the tail within the 32 key powers). Registers:
 * V0-V7 blocks, V8/V9/V10 LO/MID/HI, V11 key powers, V12 scratch, V13 the
 * byte-swap mask in every lane, X14 the reduction constant, X15 the
 * accumulator (its upper lanes zero); X7 E_K(j0) in the tail; %rax the
 * blocks at j0 + 16 still to hash.
 */
.macro	_ghash_vpclmul_fn vl
	_ghash_set_veclen \vl
	.set	VMID, 32 * 16			/* vmid[i] - vtab[i] */
	.set	NB, 8 * VL / 16			/* blocks per reduction */
	.if VL == 32
		vbroadcasti128	.Lbswap_mask(%rip), V13
	.else
		vbroadcasti32x4	.Lbswap_mask(%rip), V13
	.endif
	vmovdqa		.Lgf128_c(%rip), X14
	vmovdqu		(%rdi), X15
	vpshufb		X13, X15, X15
	/* %r10: the keys for a run of NB blocks, H^NB .. H^1 */
	lea		(32 - NB) * 16(%rcx), %r10
	lea		.Lsig_mask+64(%rip), %r11
	/* %rax: the blocks at j0 + 16 (bits 56-62), CF: the flag (63) */
	mov		%rdx, %rax
	shr		$56, %rax
	shl		$8, %rdx
	shr		$8, %rdx
	btr		$7, %eax
	jnc		.Lvrun\@
	/* the header's run: masked, then the loop as usual */
	lea		.Lsig_mask(%rip), %r11
	cmp		$NB, %rdx
	jb		.Lvtail\@
	_ghash_vrun	1
	lea		.Lsig_mask+64(%rip), %r11
.Lvrun\@:
	cmp		$NB, %rdx
	jb		.Lvtail\@
.Lvloop\@:
	_ghash_vrun	0
	cmp		$NB, %rdx
	jae		.Lvloop\@
.Lvtail\@:
	/*
	 * E_K(j0) now: its ten dependent rounds run beside the tail's
	 * multiplies instead of after its reduction (short messages)
	 */
	test		%r8, %r8
	jz		.Lvtail_r\@
	aes128_encrypt	%r8, (%r9), X7
.Lvtail_r\@:
	/* r = %rdx < NB blocks and %rax more: keys from entry 32 - r */
	lea		(%rdx, %rax), %r10
	test		%r10, %r10
	jz		.Lvdone\@
	neg		%r10
	shl		$4, %r10
	lea		32 * 16(%rcx, %r10), %r10
	vpxor		X8, X8, X8
	vpxor		X9, X9, X9
	vpxor		X10, X10, X10
	cmp		$VL / 16, %rdx
	jb		.Lvtail_fold\@
.Lvtail_vec\@:
	_vload		(%rsi), V0
	_vand		(%r11), V0
	add		$VL, %r11
	vpshufb		V13, V0, V0
	_vxor		V15, V0, V0
	vpxor		X15, X15, X15
	_vload		(%r10), V11
	_ghash_vmul	V0, 0, VMID(%r10)
	add		$VL, %rsi
	add		$VL, %r10
	sub		$VL / 16, %rdx
	cmp		$VL / 16, %rdx
	jae		.Lvtail_vec\@
.Lvtail_fold\@:
	_ghash_fold	V8, Y8, X8
	_ghash_fold	V9, Y9, X9
	_ghash_fold	V10, Y10, X10
	_ghash_karatsuba
	test		%rdx, %rdx
	jz		.Lvtail_more\@
.Lvtail_one\@:
	vmovdqu		(%rsi), X0
	vpshufb		X13, X0, X0
	vpxor		X15, X0, X0
	vpxor		X15, X15, X15
	vmovdqu		(%r10), X11
	vpclmulqdq	$0x00, X11, X0, X12
	vpxor		X12, X8, X8
	vpclmulqdq	$0x11, X11, X0, X12
	vpxor		X12, X10, X10
	vpclmulqdq	$0x01, X11, X0, X12
	vpxor		X12, X9, X9
	vpclmulqdq	$0x10, X11, X0, X12
	vpxor		X12, X9, X9
	add		$16, %rsi
	add		$16, %r10
	dec		%rdx
	jnz		.Lvtail_one\@
.Lvtail_more\@:
	/* then the blocks after J0, if any: the same loop */
	test		%rax, %rax
	jz		.Lvtail_reduce\@
	lea		16(%r9), %rsi
	mov		%rax, %rdx
	xor		%eax, %eax
	jmp		.Lvtail_one\@
.Lvtail_reduce\@:
	_ghash_reduce_x
.Lvdone\@:
	vpshufb		X13, X15, X15
	test		%r8, %r8
	jz		.Lvstore\@
	vpxor		X7, X15, X15
.Lvstore\@:
	vmovdqu		X15, (%rdi)
	vzeroupper
	RET
.endm

SYM_FUNC_START(smbsign_ghash_vpclmul_avx2)
	_ghash_vpclmul_fn 32
SYM_FUNC_END(smbsign_ghash_vpclmul_avx2)

SYM_FUNC_START(smbsign_ghash_vpclmul_avx512)
	_ghash_vpclmul_fn 64
SYM_FUNC_END(smbsign_ghash_vpclmul_avx512)
