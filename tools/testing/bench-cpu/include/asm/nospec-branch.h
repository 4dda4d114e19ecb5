/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: plain indirect branches (no retpolines in userspace) */
#ifdef __ASSEMBLY__
.macro JMP_NOSPEC reg:req
	jmp	*%\reg
.endm
.macro CALL_NOSPEC reg:req
	call	*%\reg
.endm
#endif
