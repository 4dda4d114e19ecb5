/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: check_add_overflow() as the kernel defines it */
#include "../bench-kernel.h"
#ifndef _BENCH_OVERFLOW_H
#define _BENCH_OVERFLOW_H
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#endif
