/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: the CMAC subkeys and the last block's tweak (RFC 4493), which
 * every CMAC implementation applies: cmac.c's crypto API paths, the x86
 * code (x86/cmac.h), and bench-cpu, which compiles the x86 code in
 * userspace.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_CMAC_SUBKEYS_H
#define _SMBSIGN_CMAC_SUBKEYS_H

#include <crypto/aes.h>
#include <crypto/algapi.h>

#include "smbsign.h"

/* Multiply by x in GF(2^128), the CMAC subkey step, in constant time. */
static inline void smbsign_cmac_dbl(u8 *out, const u8 *in)
{
	u8 carry = -(in[0] >> 7) & 0x87;
	int i;

	for (i = 0; i < AES_BLOCK_SIZE - 1; i++)
		out[i] = (in[i] << 1) | (in[i + 1] >> 7);
	out[AES_BLOCK_SIZE - 1] = (in[AES_BLOCK_SIZE - 1] << 1) ^ carry;
}

/**
 * smbsign_cmac_subkeys() - derive the CMAC subkeys of a key
 * @key: the key; sets @key->k1 = L * x and @key->k2 = L * x^2
 * @l: L = E_K(0^128)
 */
static inline void smbsign_cmac_subkeys(struct smbsign_key *key,
					const u8 *l)
{
	smbsign_cmac_dbl(key->k1, l);
	smbsign_cmac_dbl(key->k2, key->k1);
}

/**
 * smbsign_cmac_tweak() - turn a message's last block into CMAC's M_n
 * @key: the key (subkeys)
 * @last: the last block, in place: its @n message bytes, room for 16
 * @n: message bytes in it, 0 to 16
 *
 * A whole block is XORed with K1; a partial one is padded with 10* and
 * XORed with K2 (RFC 4493). The result reveals a subkey: wipe it after use.
 */
static inline void smbsign_cmac_tweak(const struct smbsign_key *key,
				      u8 *last, unsigned int n)
{
	if (n == AES_BLOCK_SIZE) {
		crypto_xor(last, key->k1, AES_BLOCK_SIZE);
	} else {
		last[n] = 0x80;
		memset(last + n + 1, 0, AES_BLOCK_SIZE - n - 1);
		crypto_xor(last, key->k2, AES_BLOCK_SIZE);
	}
}

#endif /* _SMBSIGN_CMAC_SUBKEYS_H */
