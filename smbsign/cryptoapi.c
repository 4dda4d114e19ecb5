// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: what the crypto API paths of the algorithms share: allocation
 * checks, interned driver names, single AES blocks, keyed shashes.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/internal/cipher.h>
#include <crypto/sha2.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "cryptoapi.h"

MODULE_IMPORT_NS(SMBSIGN_CRYPTO_INTERNAL_NS);

/* HMAC messages up to this size are copied and hashed in one finup (make bench, 6.1). */
#define SMBSIGN_HMAC_COPY_MAX	256

/* Requests live on the stack: refuse a driver that needs more room. */
int smbsign_check_reqsize(const char *driver, unsigned int size,
			  unsigned int max)
{
	if (size <= max)
		return 0;
	pr_warn_ratelimited("%s needs a %u-byte request, more than %u\n",
			    driver, size, max);
	return -EOPNOTSUPP;
}

/*
 * Driver names ("cbc-aes-aesni+aes-aesni") are the same for every key of a
 * kind: keys point at one interned copy rather than carry ~100 bytes each.
 */
struct smbsign_drv_name {
	struct list_head list;
	char name[];
};

static LIST_HEAD(smbsign_drv_names);
static DEFINE_MUTEX(smbsign_drv_lock);	/* protects smbsign_drv_names */

int smbsign_set_driver(struct smbsign_key *key, const char *a,
		       const char *b)
{
	char buf[2 * CRYPTO_MAX_ALG_NAME + 2];
	struct smbsign_drv_name *n;

	if (b)
		scnprintf(buf, sizeof(buf), "%s+%s", a, b);
	else
		strscpy(buf, a, sizeof(buf));
	mutex_lock(&smbsign_drv_lock);
	list_for_each_entry(n, &smbsign_drv_names, list)
		if (!strcmp(n->name, buf))
			goto found;
	n = kmalloc(struct_size(n, name, strlen(buf) + 1), GFP_KERNEL);
	if (!n) {
		mutex_unlock(&smbsign_drv_lock);
		return -ENOMEM;
	}
	memcpy(n->name, buf, strlen(buf) + 1);
	list_add(&n->list, &smbsign_drv_names);
found:
	key->driver = n->name;
	mutex_unlock(&smbsign_drv_lock);
	return 0;
}

void smbsign_drv_names_free(void)
{
	struct smbsign_drv_name *n, *tmp;

	list_for_each_entry_safe(n, tmp, &smbsign_drv_names, list) {
		list_del(&n->list);
		kfree(n);
	}
}

#ifdef SMBSIGN_HAVE_LIB_AES
int smbsign_aes_init(struct smbsign_key *key, const u8 *k, size_t klen)
{
	return aes_prepareenckey(&key->aes_lib, k, klen);
}

void smbsign_aes_exit(struct smbsign_key *key)
{
	memzero_explicit(&key->aes_lib, sizeof(key->aes_lib));
}

const char *smbsign_aes_driver(const struct smbsign_key *key)
{
	return "aes-lib";
}
#else
int smbsign_aes_init(struct smbsign_key *key, const u8 *k, size_t klen)
{
	int ret;

	key->aes = crypto_alloc_cipher("aes", 0, SMBSIGN_CRYPTO_MASK);
	if (IS_ERR(key->aes))
		return PTR_ERR(key->aes);
	ret = crypto_cipher_setkey(key->aes, k, klen);
	if (ret)
		crypto_free_cipher(key->aes);
	return ret;
}

void smbsign_aes_exit(struct smbsign_key *key)
{
	crypto_free_cipher(key->aes);
}

const char *smbsign_aes_driver(const struct smbsign_key *key)
{
	return crypto_tfm_alg_driver_name(crypto_cipher_tfm(key->aes));
}
#endif

int smbsign_shash_init(struct smbsign_key *key, const char *name,
		       const u8 *k, size_t klen)
{
	struct crypto_shash *tfm;
	int ret;

	tfm = crypto_alloc_shash(name, 0, SMBSIGN_CRYPTO_MASK);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, k, klen);
	if (ret) {
		crypto_free_shash(tfm);
		return ret;
	}
	ret = smbsign_set_driver(key, crypto_shash_driver_name(tfm), NULL);
	if (ret) {
		crypto_free_shash(tfm);
		return ret;
	}
	key->shash = tfm;
	return 0;
}

int smbsign_shash_feed(void *ctx, const void *data, size_t n)
{
	const u8 *p = data;

	while (n) {
		unsigned int k = min_t(size_t, n, SMBSIGN_SHASH_CHUNK);
		int ret = crypto_shash_update(ctx, p, k);

		if (ret)
			return ret;
		p += k;
		n -= k;
	}
	return 0;
}

int smbsign_shash_mac(struct smbsign_key *key,
		      const struct smbsign_msg *m, const u8 *nonce,
		      u8 *out)
{
	u8 descbuf[sizeof(struct shash_desc) + HASH_MAX_DESCSIZE]
		__aligned(__alignof__(struct shash_desc)) __uninitialized;
	struct shash_desc *desc = (void *)descbuf;
	u8 buf[SMBSIGN_HMAC_COPY_MAX] __uninitialized;
	u8 digest[SHA256_DIGEST_SIZE];
	int ret;

	desc->tfm = key->shash;
	ret = crypto_shash_init(desc) ?:
	      smbsign_shash_msg(desc, m, buf, sizeof(buf), NULL, 0, digest);
	if (!ret)
		memcpy(out, digest, SMBSIGN_SIG_SIZE);
	shash_desc_zero(desc);
	memzero_explicit(digest, sizeof(digest));
	return ret;
}

/* AES-GMAC: GHASH (ahash, fed piecewise) and one AES block. */
