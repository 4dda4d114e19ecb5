/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu: what the carry-less multiplier alone can do, as smbsign's
 * Karatsuba GHASH multiplies: three multiplies per vector of blocks
 * (low halves, high halves, the halves XORed against the key's middle
 * factor), summed into three accumulators, eight vectors in flight. No
 * byte swap, no reduction: a floor for the GHASH, not a GHASH.
 *
 * void bench_clmul_limit_{128,256}(u8 out[16], const u8 *src, size_t n)
 * n: bytes, a multiple of 128 (128-bit) or 256 (256-bit)
 */
#include <linux/linkage.h>

.macro	clmul_limit vl
	vpxor		%xmm8, %xmm8, %xmm8
	vpxor		%xmm9, %xmm9, %xmm9
	vpxor		%xmm10, %xmm10, %xmm10
	.if \vl == 32
	vbroadcasti128	(%rsi), %ymm11
	.else
	vmovdqu		(%rsi), %xmm11
	.endif
	.if \vl == 32
	shr		$8, %rdx
	.else
	shr		$7, %rdx
	.endif
	jz		2f
1:
	.irp	i, 0,1,2,3,4,5,6,7
	.if \vl == 32
	vmovdqu		\i*32(%rsi), %ymm\i
	vpclmulqdq	$0x00, %ymm11, %ymm\i, %ymm12
	vpxor		%ymm12, %ymm8, %ymm8
	vpclmulqdq	$0x11, %ymm11, %ymm\i, %ymm13
	vpxor		%ymm13, %ymm10, %ymm10
	vpclmulqdq	$0x01, %ymm11, %ymm\i, %ymm14
	vpxor		%ymm14, %ymm9, %ymm9
	.else
	vmovdqu		\i*16(%rsi), %xmm\i
	vpclmulqdq	$0x00, %xmm11, %xmm\i, %xmm12
	vpxor		%xmm12, %xmm8, %xmm8
	vpclmulqdq	$0x11, %xmm11, %xmm\i, %xmm13
	vpxor		%xmm13, %xmm10, %xmm10
	vpclmulqdq	$0x01, %xmm11, %xmm\i, %xmm14
	vpxor		%xmm14, %xmm9, %xmm9
	.endif
	.endr
	add		$(8 * \vl), %rsi
	dec		%rdx
	jnz		1b
2:
	.if \vl == 32
	vextracti128	$1, %ymm8, %xmm12
	vpxor		%xmm12, %xmm8, %xmm8
	vextracti128	$1, %ymm9, %xmm12
	vpxor		%xmm12, %xmm9, %xmm9
	vextracti128	$1, %ymm10, %xmm12
	vpxor		%xmm12, %xmm10, %xmm10
	.endif
	vpxor		%xmm9, %xmm8, %xmm8
	vpxor		%xmm10, %xmm8, %xmm8
	vmovdqu		%xmm8, (%rdi)
	vzeroupper
	RET
.endm

SYM_FUNC_START(bench_clmul_limit_128)
	clmul_limit	16
SYM_FUNC_END(bench_clmul_limit_128)

SYM_FUNC_START(bench_clmul_limit_256)
	clmul_limit	32
SYM_FUNC_END(bench_clmul_limit_256)
