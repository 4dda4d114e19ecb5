/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: the SHA-256 block function with AVX2, BMI1 and BMI2, for
 * HMAC-SHA256 (SMB 2.0.2 and 2.1 signing).
 *
 * void smbsign_sha256_avx2(u32 state[8], const u8 *data, size_t nblocks)
 *
 * Called from smbsign/simd-x86.c between kernel_fpu_begin() and
 * kernel_fpu_end(), with nblocks > 0. The algorithm is FIPS 180-4,
 * section 6.2; the code is written for the fewest instructions a block:
 *
 * - Message schedule: two blocks at a time, one per 128-bit lane of the
 *   ymm registers (an odd last block runs alone in the low lane), four
 *   words a step. W[t] + K[t] is stored on the stack for the rounds:
 *
 *     W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]
 *     s0(x) = ror(x, 7) ^ ror(x, 18) ^ (x >> 3)
 *     s1(x) = ror(x, 17) ^ ror(x, 19) ^ (x >> 10)
 *
 *   AVX2 has no vector rotate: s0 is five shifts and four XORs; s1 of two
 *   words at once comes from 64-bit shifts of each word doubled
 *   (vpshufd), whose low halves are the rotations.
 *
 * - Rounds: 24 scalar instructions each (rorx and andn need no copies):
 *
 *     T1 = h + S1(e) + Ch(e, f, g) + K[t] + W[t]
 *     T2 = S0(a) + Maj(a, b, c)
 *     S1(e) = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)
 *     S0(a) = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)
 *     Ch(e, f, g) = (e & f) + (~e & g)		(the terms share no bit)
 *     Maj(a, b, c) = ((a ^ b) & (b ^ c)) ^ b
 *
 *   and a ^ b is the next round's b ^ c, so two registers take turns
 *   holding it. The eight working variables are renamed, not moved: a
 *   round's h becomes the next round's a, its d the next round's e.
 *
 * Uses %rbx and %r12-%r15 (saved) and 544 bytes of stack. Nothing derived
 * from the data or the state is left on the stack or in registers: see
 * .Ldone.
 */

#include <linux/linkage.h>

/* The 64 round constants, each group of four twice (for both lanes). */
.section .rodata.smbsign_sha256_k, "a", @progbits
.align 32
.Lk256:
	.long 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5
	.long 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5
	.long 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	.long 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	.long 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3
	.long 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3
	.long 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	.long 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	.long 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc
	.long 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc
	.long 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	.long 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	.long 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7
	.long 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7
	.long 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	.long 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	.long 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13
	.long 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13
	.long 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	.long 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	.long 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3
	.long 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3
	.long 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	.long 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	.long 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5
	.long 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5
	.long 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	.long 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	.long 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208
	.long 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208
	.long 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
	.long 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2

/* vpshufb masks, per 128-bit lane. */
.section .rodata.cst32.smbsign_sha256_masks, "aM", @progbits, 32
.align 32
/* big-endian words of the message */
.Lbswap32:
	.octa 0x0c0d0e0f08090a0b0405060700010203
	.octa 0x0c0d0e0f08090a0b0405060700010203
.section .rodata.cst32.smbsign_sha256_shuf_lo, "aM", @progbits, 32
.align 32
/* dwords 0 and 2 to dwords 0 and 1, zeroes above */
.Lshuf_lo:
	.octa 0xffffffffffffffff0b0a090803020100
	.octa 0xffffffffffffffff0b0a090803020100
.section .rodata.cst32.smbsign_sha256_shuf_hi, "aM", @progbits, 32
.align 32
/* dwords 0 and 2 to dwords 2 and 3, zeroes below */
.Lshuf_hi:
	.octa 0x0b0a090803020100ffffffffffffffff
	.octa 0x0b0a090803020100ffffffffffffffff

/* Stack frame: W[t] + K[t] for two blocks, then the saved arguments. */
#define WK_SIZE		(64 * 4 * 2)
#define OFF_STATE	(WK_SIZE)
#define OFF_DATA	(WK_SIZE + 8)
#define OFF_LEFT	(WK_SIZE + 16)
#define FRAME_SIZE	(WK_SIZE + 32)

/* Working variables, temporaries, the W + K pointer (one lane). */
#define A	%eax
#define B	%ebx
#define C	%ecx
#define D	%edx
#define E	%r8d
#define F	%r9d
#define G	%r10d
#define H	%r11d
#define Y0	%r12d
#define Y1	%r13d
#define Y2	%r14d
#define M0	%r15d
#define M1	%esi
#define WK	%rdi

/* Schedule: the vpshufb masks and temporaries. */
#define BSWAP	%ymm13
#define SHUFLO	%ymm14
#define SHUFHI	%ymm15
#define T0	%ymm8
#define T1	%ymm9
#define T2	%ymm10
#define T3	%ymm11
#define T4	%ymm12

/*
 * One round; \bc holds b ^ c on entry, \ab receives a ^ b (the next
 * round's b ^ c).
 */
.macro round a, b, c, d, e, f, g, h, disp, bc, ab
	add	\disp(WK), \h			/* h += K[t] + W[t] */
	rorx	$6, \e, Y0
	rorx	$11, \e, Y1
	xor	Y1, Y0
	rorx	$25, \e, Y1
	xor	Y1, Y0				/* S1(e) */
	add	Y0, \h
	mov	\f, Y1
	and	\e, Y1				/* e & f */
	add	Y1, \h
	andn	\g, \e, Y2			/* ~e & g */
	add	Y2, \h				/* h = T1 */
	add	\h, \d				/* d += T1 */
	rorx	$2, \a, Y0
	rorx	$13, \a, Y1
	xor	Y1, Y0
	rorx	$22, \a, Y1
	xor	Y1, Y0				/* S0(a) */
	add	Y0, \h
	mov	\a, \ab
	xor	\b, \ab				/* a ^ b */
	and	\ab, \bc
	xor	\b, \bc				/* Maj(a, b, c) */
	add	\bc, \h				/* h = T1 + T2 */
.endm

/* Eight rounds from round 8 * \i: the names are back where they began. */
.macro rounds8 i
	round A, B, C, D, E, F, G, H, (\i * 64 + 0), M0, M1
	round H, A, B, C, D, E, F, G, (\i * 64 + 4), M1, M0
	round G, H, A, B, C, D, E, F, (\i * 64 + 8), M0, M1
	round F, G, H, A, B, C, D, E, (\i * 64 + 12), M1, M0
	round E, F, G, H, A, B, C, D, (\i * 64 + 32), M0, M1
	round D, E, F, G, H, A, B, C, (\i * 64 + 36), M1, M0
	round C, D, E, F, G, H, A, B, (\i * 64 + 40), M0, M1
	round B, C, D, E, F, G, H, A, (\i * 64 + 44), M1, M0
.endm

/* Store W[4i..4i+3] + K of both lanes from \x. */
.macro store_wk x, i
	vpaddd	(.Lk256 + \i * 32)(%rip), \x, T0
	vmovdqu	T0, (\i * 32)(%rsp)
.endm

/*
 * W[4i..4i+3] into \x0 from \x0 = W[4i-16..], \x1, \x2, \x3 = W[4i-4..].
 */
.macro sched4 x0, x1, x2, x3, i
	vpalignr $4, \x0, \x1, T1		/* W[t-15..t-12] */
	vpalignr $4, \x2, \x3, T0		/* W[t-7..t-4] */
	vpaddd	T0, \x0, \x0			/* W[t-16] + W[t-7] */
	vpsrld	$7, T1, T2
	vpslld	$25, T1, T3
	vpxor	T3, T2, T2
	vpsrld	$18, T1, T3
	vpxor	T3, T2, T2
	vpslld	$14, T1, T3
	vpxor	T3, T2, T2
	vpsrld	$3, T1, T3
	vpxor	T3, T2, T2			/* s0(W[t-15..t-12]) */
	vpaddd	T2, \x0, \x0
	vpshufd	$0xfa, \x3, T2			/* W[t-2], W[t-1], doubled */
	vpsrlq	$17, T2, T3
	vpsrlq	$19, T2, T4
	vpsrld	$10, T2, T2
	vpxor	T3, T2, T2
	vpxor	T4, T2, T2
	vpshufb	SHUFLO, T2, T2			/* s1(W[t-2]), s1(W[t-1]), 0, 0 */
	vpaddd	T2, \x0, \x0			/* W[t], W[t+1] done */
	vpshufd	$0x50, \x0, T2			/* W[t], W[t+1], doubled */
	vpsrlq	$17, T2, T3
	vpsrlq	$19, T2, T4
	vpsrld	$10, T2, T2
	vpxor	T3, T2, T2
	vpxor	T4, T2, T2
	vpshufb	SHUFHI, T2, T2			/* 0, 0, s1(W[t]), s1(W[t+1]) */
	vpaddd	T2, \x0, \x0			/* W[t+2], W[t+3] done */
	store_wk \x0, \i
.endm

/* The state += the working variables, and the next block starts from it. */
.macro add_state
	mov	OFF_STATE(%rsp), %r12
	add	0(%r12), A
	mov	A, 0(%r12)
	add	4(%r12), B
	mov	B, 4(%r12)
	add	8(%r12), C
	mov	C, 8(%r12)
	add	12(%r12), D
	mov	D, 12(%r12)
	add	16(%r12), E
	mov	E, 16(%r12)
	add	20(%r12), F
	mov	F, 20(%r12)
	add	24(%r12), G
	mov	G, 24(%r12)
	add	28(%r12), H
	mov	H, 28(%r12)
.endm

.text
SYM_FUNC_START(smbsign_sha256_avx2)
	test	%rdx, %rdx
	jz	.Lnone
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	sub	$FRAME_SIZE, %rsp
	mov	%rdi, OFF_STATE(%rsp)
	mov	%rsi, OFF_DATA(%rsp)
	mov	%rdx, OFF_LEFT(%rsp)
	vmovdqa	.Lbswap32(%rip), BSWAP
	vmovdqa	.Lshuf_lo(%rip), SHUFLO
	vmovdqa	.Lshuf_hi(%rip), SHUFHI
	mov	0(%rdi), A
	mov	4(%rdi), B
	mov	8(%rdi), C
	mov	12(%rdi), D
	mov	16(%rdi), E
	mov	20(%rdi), F
	mov	24(%rdi), G
	mov	28(%rdi), H

.Lnext:
	/* W[0..15]: one block per lane, or one block in the low lane */
	mov	OFF_DATA(%rsp), %r12
	vmovdqu	0(%r12), %xmm0
	vmovdqu	16(%r12), %xmm1
	vmovdqu	32(%r12), %xmm2
	vmovdqu	48(%r12), %xmm3
	cmpq	$2, OFF_LEFT(%rsp)
	jb	.Lone
	vinserti128 $1, 64(%r12), %ymm0, %ymm0
	vinserti128 $1, 80(%r12), %ymm1, %ymm1
	vinserti128 $1, 96(%r12), %ymm2, %ymm2
	vinserti128 $1, 112(%r12), %ymm3, %ymm3
.Lone:
	vpshufb	BSWAP, %ymm0, %ymm0
	vpshufb	BSWAP, %ymm1, %ymm1
	vpshufb	BSWAP, %ymm2, %ymm2
	vpshufb	BSWAP, %ymm3, %ymm3
	store_wk %ymm0, 0
	store_wk %ymm1, 1
	store_wk %ymm2, 2
	store_wk %ymm3, 3
	sched4	%ymm0, %ymm1, %ymm2, %ymm3, 4
	sched4	%ymm1, %ymm2, %ymm3, %ymm0, 5
	sched4	%ymm2, %ymm3, %ymm0, %ymm1, 6
	sched4	%ymm3, %ymm0, %ymm1, %ymm2, 7
	sched4	%ymm0, %ymm1, %ymm2, %ymm3, 8
	sched4	%ymm1, %ymm2, %ymm3, %ymm0, 9
	sched4	%ymm2, %ymm3, %ymm0, %ymm1, 10
	sched4	%ymm3, %ymm0, %ymm1, %ymm2, 11
	sched4	%ymm0, %ymm1, %ymm2, %ymm3, 12
	sched4	%ymm1, %ymm2, %ymm3, %ymm0, 13
	sched4	%ymm2, %ymm3, %ymm0, %ymm1, 14
	sched4	%ymm3, %ymm0, %ymm1, %ymm2, 15

	/* the low lane's block, then the high lane's if there are two */
	mov	%rsp, WK
.Lblock:
	mov	B, M0
	xor	C, M0				/* b ^ c */
	rounds8	0
	rounds8	1
	rounds8	2
	rounds8	3
	rounds8	4
	rounds8	5
	rounds8	6
	rounds8	7
	add_state
	addq	$64, OFF_DATA(%rsp)
	subq	$1, OFF_LEFT(%rsp)
	jz	.Ldone
	cmp	%rsp, WK
	jne	.Lnext				/* both lanes done */
	add	$16, WK
	jmp	.Lblock

.Ldone:
	/*
	 * The W + K words (WK_SIZE bytes), the schedule registers and the
	 * working variables are message- or key-derived (for the K0 xor pad
	 * blocks of smbsign_simd_hmac_init(), the key): cleared, for 30
	 * instructions a call.
	 */
	vpxor	%xmm0, %xmm0, %xmm0
	.irp	off, 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, \
		384, 416, 448, 480
	vmovdqu	%ymm0, \off(%rsp)
	.endr
	vzeroall
	xor	A, A
	xor	B, B
	xor	C, C
	xor	D, D
	xor	E, E
	xor	F, F
	xor	G, G
	xor	H, H
	xor	Y0, Y0
	xor	Y1, Y1
	xor	Y2, Y2
	xor	M0, M0
	xor	M1, M1
	add	$FRAME_SIZE, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
.Lnone:
	RET
SYM_FUNC_END(smbsign_sha256_avx2)
