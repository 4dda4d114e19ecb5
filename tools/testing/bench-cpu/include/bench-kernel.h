/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu: the few kernel definitions the smbsign/x86/ headers and
 * smbsign/smbsign.h use, for compiling them unchanged in userspace. Every
 * stub header under this directory includes this one.
 *
 * FPU sections are no-ops here (userspace owns its vector state), SIMD is
 * always usable, FIPS mode is off, and the CPU features are read with CPUID.
 */
#ifndef _BENCH_KERNEL_H
#define _BENCH_KERNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef int32_t s32;
typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef u16 __be16;
typedef u32 __be32;
typedef u64 __be64;
typedef int refcount_t;

#undef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __uninitialized
#define fallthrough		__attribute__((__fallthrough__))
#ifndef asmlinkage
#define asmlinkage
#endif
#define __ro_after_init
#define __init
#define __exit
#define __must_check		__attribute__((__warn_unused_result__))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define xchg(p, v)		__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)		_Static_assert(!(c), #c)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define round_up(x, y)		((((x) - 1) | ((__typeof__(x))(y) - 1)) + 1)
#define round_down(x, y)	((x) & ~((__typeof__(x))(y) - 1))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))

#define KBUILD_MODNAME		"smbsign"
#define pr_warn_once(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)

static inline void memzero_explicit(void *s, size_t n)
{
	memset(s, 0, n);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}

static inline u32 get_unaligned_be32(const void *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static inline u64 get_unaligned_be64(const void *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

static inline void put_unaligned_be32(u32 v, void *p)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static inline void put_unaligned_be64(u64 v, void *p)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

static inline u64 get_unaligned_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static inline void put_unaligned_le64(u64 v, void *p)
{
	memcpy(p, &v, 8);
}

/* as <crypto/algapi.h> on x86: word-wise for multiples of 8 bytes */
static __always_inline void crypto_xor(u8 *dst, const u8 *src,
				       unsigned int n)
{
	if (__builtin_constant_p(n) && n % 8 == 0) {
		for (; n; n -= 8, dst += 8, src += 8) {
			u64 a, b;

			memcpy(&a, dst, 8);
			memcpy(&b, src, 8);
			a ^= b;
			memcpy(dst, &a, 8);
		}
		return;
	}
	while (n--)
		*dst++ ^= *src++;
}

#endif
