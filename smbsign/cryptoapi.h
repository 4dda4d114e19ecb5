/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: what the crypto API paths of hmac.c, cmac.c and gmac.c share
 * (cryptoapi.c): which transforms a key may use, requests on the stack,
 * interned driver names, single AES blocks and keyed shashes.
 *
 * Every algorithm keys its transforms once, when the session key object
 * is created; computing a MAC allocates nothing (descriptors and requests
 * live on the stack) and takes no lock, so any number of CPUs can sign
 * with one key at the same time.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_CRYPTOAPI_H
#define _SMBSIGN_CRYPTOAPI_H

#include <crypto/algapi.h>
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/internal/cipher.h>

#include "smbsign.h"

/*
 * Stack buffers on the per-message path are marked __uninitialized: under
 * CONFIG_INIT_STACK_ALL_ZERO (the default where the compiler has it) the
 * compiler would otherwise clear every one of them on each call, ~1 KiB for
 * a CMAC request, which measured as much as MACing a 64-byte message. Each
 * is fully written before it is read (requests by the request setters and
 * the driver, message copies by the copy), and those that held key-derived
 * bytes are wiped with memzero_explicit() afterwards.
 */

/*
 * Scatterlist entries fed to GHASH or CBC per request: six keeps the CBC
 * walk's stack frame under the 1 KiB distributions warn at (FRAME_WARN).
 */
#define SMBSIGN_SG_INLINE	6

/*
 * The transforms a key may use: implementations that run on the CPU and
 * allocate nothing per request. Requests live on the stack and point at
 * stack buffers, vmalloc'd messages and the zero page, which must never
 * reach a device's DMA; a MAC must not fail for want of memory. So no
 * hardware engine (CRYPTO_ALG_KERN_DRIVER_ONLY: Intel QAT's cbc(aes) is
 * priority 4001 on 6.1, above AES-NI's 400) and nothing that allocates
 * (CRYPTO_ALG_ALLOCATES_MEMORY), as dm-crypt asks. An async wrapper of CPU
 * code (6.1's cbc-aes-aesni) qualifies; when its request does not fit the
 * stack, smbsign_alloc_*() take a synchronous implementation instead.
 */
#define SMBSIGN_CRYPTO_MASK	(CRYPTO_ALG_ALLOCATES_MEMORY | \
				 CRYPTO_ALG_KERN_DRIVER_ONLY)

int smbsign_check_reqsize(const char *driver, unsigned int size,
			  unsigned int max);

/*
 * Allocate @name of a transform type with SMBSIGN_CRYPTO_MASK; if its
 * request needs more than @max bytes, once more without async ones.
 */
#define SMBSIGN_DEFINE_ALLOC(type)					\
static struct crypto_##type *smbsign_alloc_##type(const char *name,	\
						  unsigned int max)	\
{									\
	struct crypto_##type *tfm;					\
									\
	tfm = crypto_alloc_##type(name, 0, SMBSIGN_CRYPTO_MASK);	\
	if (IS_ERR(tfm) || crypto_##type##_reqsize(tfm) <= max)	\
		return tfm;						\
	crypto_free_##type(tfm);					\
	return crypto_alloc_##type(name, 0, SMBSIGN_CRYPTO_MASK |	\
				   CRYPTO_ALG_ASYNC);			\
}

int smbsign_set_driver(struct smbsign_key *key, const char *a, const char *b);
void smbsign_drv_names_free(void);

/*
 * Single AES blocks (CMAC subkeys and short messages, GMAC's H and E_K(J0)):
 * the AES library where it is accelerated (7.x), else the "aes" cipher.
 */
int smbsign_aes_init(struct smbsign_key *key, const u8 *k, size_t klen);
void smbsign_aes_exit(struct smbsign_key *key);
const char *smbsign_aes_driver(const struct smbsign_key *key);

#ifdef SMBSIGN_HAVE_LIB_AES
static inline void smbsign_aes_block(const struct smbsign_key *key, u8 *out,
				     const u8 *in)
{
	aes_encrypt(&key->aes_lib, out, in);
}
#else
static inline void smbsign_aes_block(const struct smbsign_key *key, u8 *out,
				     const u8 *in)
{
	crypto_cipher_encrypt_one(key->aes, out, in);
}
#endif

/* HMAC-SHA256, FIPS-mode CMAC and GHASH: a keyed shash, descriptor on the stack. */
int smbsign_shash_init(struct smbsign_key *key, const char *name,
		       const u8 *k, size_t klen);
int smbsign_shash_mac(struct smbsign_key *key, const struct smbsign_msg *m,
		      const u8 *nonce, u8 *out);

/*
 * Bytes per shash update: the x86 SHA-256 and GHASH drivers hold one FPU
 * section, with preemption off, for a whole update (milliseconds for an
 * 8 MiB kvec), and update lengths are unsigned int.
 */
#define SMBSIGN_SHASH_CHUNK	4096

int smbsign_shash_feed(void *ctx, const void *data, size_t n);

/*
 * Hash @m with @desc (initialised), then @extra, into @out. A message of
 * up to @copy_max bytes is copied to @buf, @extra after it, and hashed in
 * one finup: that saves the FPU sections and partial-block handling of the
 * updates for the pieces around the signature field. A longer one is
 * hashed in place from the caller's kvecs (copying its header instead, to
 * hash it in one piece, measured slower). @buf holds @copy_max +
 * @extra_len bytes.
 */
static __always_inline int smbsign_shash_msg(struct shash_desc *desc,
					     const struct smbsign_msg *m,
					     u8 *buf, size_t copy_max,
					     const u8 *extra,
					     size_t extra_len, u8 *out)
{
	int ret;

	if (m->len <= copy_max) {
		ret = smbsign_msg_copy(m, buf);
		if (ret)
			return ret;
		if (extra_len)
			memcpy(buf + m->len, extra, extra_len);
		return crypto_shash_finup(desc, buf, m->len + extra_len, out);
	}
	ret = smbsign_msg_walk(m, smbsign_shash_feed, desc);
	if (!ret && extra_len)
		ret = crypto_shash_update(desc, extra, extra_len);
	return ret ?: crypto_shash_final(desc, out);
}

#endif /* _SMBSIGN_CRYPTOAPI_H */
