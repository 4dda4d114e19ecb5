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

/* \vl: vector bytes (16 or 32), \r: its registers (xmm or ymm) */
.macro	clmul_limit vl, r, shift
	vpxor		%xmm8, %xmm8, %xmm8
	vpxor		%xmm9, %xmm9, %xmm9
	vpxor		%xmm10, %xmm10, %xmm10
	.if \vl == 32
	vbroadcasti128	(%rsi), %ymm11
	.else
	vmovdqu		(%rsi), %xmm11
	.endif
	shr		$\shift, %rdx		/* runs of 8 vectors */
	jz		2f
1:
	.irp	i, 0,1,2,3,4,5,6,7
	vmovdqu		\i*\vl(%rsi), %\r\i
	vpclmulqdq	$0x00, %\r\()11, %\r\i, %\r\()12
	vpxor		%\r\()12, %\r\()8, %\r\()8
	vpclmulqdq	$0x11, %\r\()11, %\r\i, %\r\()13
	vpxor		%\r\()13, %\r\()10, %\r\()10
	vpclmulqdq	$0x01, %\r\()11, %\r\i, %\r\()14
	vpxor		%\r\()14, %\r\()9, %\r\()9
	.endr
	add		$(8 * \vl), %rsi
	dec		%rdx
	jnz		1b
2:
	.if \vl == 32
	.irp	i, 8,9,10
	vextracti128	$1, %ymm\i, %xmm12
	vpxor		%xmm12, %xmm\i, %xmm\i
	.endr
	.endif
	vpxor		%xmm9, %xmm8, %xmm8
	vpxor		%xmm10, %xmm8, %xmm8
	vmovdqu		%xmm8, (%rdi)
	vzeroupper
	RET
.endm

SYM_FUNC_START(bench_clmul_limit_128)
	clmul_limit	16, xmm, 7
SYM_FUNC_END(bench_clmul_limit_128)

SYM_FUNC_START(bench_clmul_limit_256)
	clmul_limit	32, ymm, 8
SYM_FUNC_END(bench_clmul_limit_256)
