/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: userspace may always use SIMD */
#include "../../bench-kernel.h"
#define crypto_simd_usable() true
