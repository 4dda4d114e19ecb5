/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: struct kvec */
#include "../bench-kernel.h"
#ifndef _BENCH_UIO_H
#define _BENCH_UIO_H
struct kvec {
	void *iov_base;
	size_t iov_len;
};
#endif
