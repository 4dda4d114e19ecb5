/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: the kernel's struct crypto_aes_ctx layout (aesni-intel) */
#include "../bench-kernel.h"
#ifndef _BENCH_AES_H
#define _BENCH_AES_H
#define AES_BLOCK_SIZE		16
#define AES_KEYSIZE_128		16
#define AES_MAX_KEYLENGTH	(15 * 16)
#define AES_MAX_KEYLENGTH_U32	(AES_MAX_KEYLENGTH / sizeof(u32))
struct crypto_aes_ctx {
	u32 key_enc[AES_MAX_KEYLENGTH_U32];
	u32 key_dec[AES_MAX_KEYLENGTH_U32];
	u32 key_length;
};
#endif
