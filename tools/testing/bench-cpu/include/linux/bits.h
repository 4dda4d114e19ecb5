/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu: the kernel's <linux/bits.h>, what smbsign uses of it */
#ifndef _BENCH_LINUX_BITS_H
#define _BENCH_LINUX_BITS_H

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define GENMASK_ULL(h, l) \
	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

#endif
