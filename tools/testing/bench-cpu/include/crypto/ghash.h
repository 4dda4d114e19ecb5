/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub */
#include "../bench-kernel.h"
#define GHASH_BLOCK_SIZE	16
#define GHASH_DIGEST_SIZE	16
