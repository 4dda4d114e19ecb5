/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: CPU features from CPUID; XSAVE state from XGETBV */
#include "../bench-kernel.h"
#ifndef _BENCH_CPUFEATURE_H
#define _BENCH_CPUFEATURE_H
#include <cpuid.h>

/* leaf << 16 | register << 8 | bit; register 0 ecx, 1 ebx, 2 edx */
#define X86_FEATURE_PCLMULQDQ	(0x01 << 16 | 0 << 8 | 1)
#define X86_FEATURE_AES		(0x01 << 16 | 0 << 8 | 25)
#define X86_FEATURE_AVX		(0x01 << 16 | 0 << 8 | 28)
#define X86_FEATURE_BMI1	(0x07 << 16 | 1 << 8 | 3)
#define X86_FEATURE_AVX2	(0x07 << 16 | 1 << 8 | 5)
#define X86_FEATURE_BMI2	(0x07 << 16 | 1 << 8 | 8)
#define X86_FEATURE_AVX512F	(0x07 << 16 | 1 << 8 | 16)
#define X86_FEATURE_SHA_NI	(0x07 << 16 | 1 << 8 | 29)
#define X86_FEATURE_AVX512BW	(0x07 << 16 | 1 << 8 | 30)
#define X86_FEATURE_AVX512VL	(0x07 << 16 | 1 << 8 | 31)
#define X86_FEATURE_VAES	(0x07 << 16 | 0 << 8 | 9)
#define X86_FEATURE_VPCLMULQDQ	(0x07 << 16 | 0 << 8 | 10)
/* a synthetic flag of the kernel's (Intel CPUs that downclock for ZMM): 0 */
#define X86_FEATURE_PREFER_YMM	0

#define XFEATURE_MASK_SSE	(1ULL << 1)
#define XFEATURE_MASK_YMM	(1ULL << 2)
#define XFEATURE_MASK_AVX512	(7ULL << 5)

static inline bool boot_cpu_has(unsigned int f)
{
	unsigned int r[4] = {}; /* eax ebx ecx edx */
	unsigned int reg = (f >> 8) & 0xff;

	if (!f)
		return false;
	if (!__get_cpuid_count(f >> 16, 0, &r[0], &r[1], &r[2], &r[3]))
		return false;
	return (r[reg == 0 ? 2 : reg == 1 ? 1 : 3] >> (f & 0xff)) & 1;
}

static inline bool cpu_has_xfeatures(u64 mask, const char **name)
{
	unsigned int eax, ebx, ecx, edx, lo, hi;

	(void)name;
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27)))
		return false;	/* no OSXSAVE */
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((((u64)hi << 32) | lo) & mask) == mask;
}
#endif
