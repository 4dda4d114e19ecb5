// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: HMAC-SHA256, the signing algorithm of SMB 2.0.2 and 2.1.
 *
 * Always the crypto API's hmac(sha256), keyed once per session key: timed
 * on real CPUs (make bench-cpu), the kernel's own SHA-256 (sha256-ni, or
 * sha256-avx2 without SHA-NI) beats any AVX2 SHA-256 of smbsign's, so
 * there is no SIMD implementation here. A message of up to 256 bytes is
 * copied and hashed in one finup (cryptoapi.c, smbsign_shash_mac()).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <crypto/hash.h>

#include "cryptoapi.h"

int smbsign_hmac_init(struct smbsign_key *key, const u8 *k, size_t klen)
{
	return smbsign_shash_init(key, "hmac(sha256)", k, klen);
}

void smbsign_hmac_exit(struct smbsign_key *key)
{
	crypto_free_shash(key->shash);
}

int smbsign_hmac_mac(struct smbsign_key *key, const struct smbsign_msg *m,
		     const u8 *nonce, u8 *out)
{
	return smbsign_shash_mac(key, m, nonce, out);
}
