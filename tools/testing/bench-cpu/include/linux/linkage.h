/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu: the kernel's <linux/linkage.h> symbol macros for assembling
 * smbsign's and the kernel's x86 crypto assembly unchanged in userspace.
 * Plain returns (no return thunk), no CFI type hashes, no ENDBR.
 */
#ifndef _BENCH_LINKAGE_H
#define _BENCH_LINKAGE_H

#ifdef __ASSEMBLY__
#define SYM_FUNC_START(name)	.globl name; .type name, @function; .p2align 4; name:
#define SYM_FUNC_START_LOCAL(name) .type name, @function; .p2align 4; name:
#define SYM_FUNC_START_NOALIGN(name) .globl name; .type name, @function; name:
#define SYM_FUNC_START_LOCAL_NOALIGN(name) .type name, @function; name:
#define SYM_TYPED_FUNC_START(name) SYM_FUNC_START(name)
#define SYM_FUNC_END(name)	.size name, . - name
#define SYM_FUNC_ALIAS(alias, name) .globl alias; .set alias, name
#define SYM_FUNC_ALIAS_LOCAL(alias, name) .set alias, name
#define SYM_DATA_START(name)	.globl name; name:
#define SYM_DATA_START_LOCAL(name) name:
#define SYM_DATA_END(name)	.size name, . - name
#define SYM_DATA_LOCAL(name, ...) name: __VA_ARGS__
#define ALIGN			.p2align 4
#define RET			ret
#define ENDBR
#define ANNOTATE_NOENDBR
#else
#define asmlinkage
#endif

#endif
