/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu: what the carry-less multiplier alone can do, as smbsign's
 * Karatsuba GHASH multiplies: three multiplies per vector of blocks
 * (low halves, high halves, the halves XORed against the key's middle
 * factor), summed into three accumulators, eight vectors in flight. No
 * byte swap, no reduction: a floor for the GHASH, not a GHASH.
 *
 * void bench_clmul_limit_{128,256,512}(u8 out[16], const u8 *src, size_t n)
 * n: bytes, a multiple of 128 (128-bit), 256 (256-bit) or 512 (512-bit)
 */
#include <linux/linkage.h>

.macro	vxor_16 a, b, d
	vpxor		\a, \b, \d
.endm
.macro	vxor_32 a, b, d
	vpxor		\a, \b, \d
.endm
.macro	vxor_64 a, b, d
	vpxord		\a, \b, \d
.endm

/*
 * \vl: vector bytes (16, 32 or 64), \r: its registers (xmm, ymm or zmm);
 * EVEX (vpxord, vmovdqu64) for 512 bits
 */
.macro	clmul_limit vl, r, shift
	vpxor		%xmm8, %xmm8, %xmm8
	vpxor		%xmm9, %xmm9, %xmm9
	vpxor		%xmm10, %xmm10, %xmm10
	.if \vl == 64
	vbroadcasti32x4	(%rsi), %zmm11
	.elseif \vl == 32
	vbroadcasti128	(%rsi), %ymm11
	.else
	vmovdqu		(%rsi), %xmm11
	.endif
	shr		$\shift, %rdx		/* runs of 8 vectors */
	jz		2f
1:
	.irp	i, 0,1,2,3,4,5,6,7
	.if \vl == 64
	vmovdqu64	\i*\vl(%rsi), %\r\i
	.else
	vmovdqu		\i*\vl(%rsi), %\r\i
	.endif
	vpclmulqdq	$0x00, %\r\()11, %\r\i, %\r\()12
	vxor_\vl	%\r\()12, %\r\()8, %\r\()8
	vpclmulqdq	$0x11, %\r\()11, %\r\i, %\r\()13
	vxor_\vl	%\r\()13, %\r\()10, %\r\()10
	vpclmulqdq	$0x01, %\r\()11, %\r\i, %\r\()14
	vxor_\vl	%\r\()14, %\r\()9, %\r\()9
	.endr
	add		$(8 * \vl), %rsi
	dec		%rdx
	jnz		1b
2:
	.if \vl == 64
	.irp	i, 8,9,10
	vextracti64x4	$1, %zmm\i, %ymm12
	vpxor		%ymm12, %ymm\i, %ymm\i
	.endr
	.endif
	.if \vl >= 32
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

SYM_FUNC_START(bench_clmul_limit_512)
	clmul_limit	64, zmm, 9
SYM_FUNC_END(bench_clmul_limit_512)
