/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: AES-128-CMAC with AES-NI and AVX (included by cmac.c).
 *
 * CBC-MAC with the round keys in registers, one block in flight (CBC-MAC
 * is serial), subkeys K1/K2 derived once per key; messages up to 256
 * bytes are copied, tweaked and MACed in one call of simd-x86_64.S.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _SMBSIGN_X86_CMAC_H
#define _SMBSIGN_X86_CMAC_H

#include <crypto/aes.h>
#include <crypto/algapi.h>

#include "../cmac-subkeys.h"
#include "simd.h"

/*
 * CMAC messages up to this size (all but READ/WRITE data, mostly) are
 * copied to the stack, tweaked there, and MACed in one call of the
 * assembly: cheaper than stitching the pieces around the signature field.
 */
#define SMBSIGN_SIMD_COPY_MAX	256

static int smbsign_simd_cmac_init(struct smbsign_key *key, const u8 *k)
{
	u8 l[AES_BLOCK_SIZE] = {};

	/* L = E_K(0^128); K1 = L * x, K2 = L * x^2 */
	smbsign_simd_expand(key, k, l, l);
	smbsign_cmac_subkeys(key, l);
	memzero_explicit(l, sizeof(l));
	key->simd_on = true;
	return 0;
}

/**
 * struct smbsign_cmac_simd_walk - CBC-MAC state while a message is fed
 * @key: the key
 * @left: message bytes not yet fed
 * @budget: blocks left in this FPU section
 * @fill: bytes in @part
 * @part: a block split between pieces, or the last block
 * @state: CBC-MAC state
 */
struct smbsign_cmac_simd_walk {
	const struct smbsign_key *key;
	size_t left;
	size_t budget;
	unsigned int fill;
	u8 part[AES_BLOCK_SIZE];
	u8 state[AES_BLOCK_SIZE];
};

static void smbsign_cmac_simd_blocks(struct smbsign_cmac_simd_walk *w,
				     const u8 *p, size_t nblocks)
{
	while (nblocks) {
		size_t n = smbsign_simd_budget(&w->budget, nblocks,
					       AES_BLOCK_SIZE);

		smbsign_cbcmac_avx(w->key->simd.rk, w->state, p, n);
		p += n * AES_BLOCK_SIZE;
		nblocks -= n;
	}
}

static int smbsign_cmac_simd_feed(void *ctx, const void *data, size_t n)
{
	struct smbsign_cmac_simd_walk *w = ctx;
	const u8 *p = data;
	size_t nblocks;

	if (w->fill) {
		size_t take = min_t(size_t, n, AES_BLOCK_SIZE - w->fill);

		memcpy(w->part + w->fill, p, take);
		w->fill += take;
		w->left -= take;
		p += take;
		n -= take;
		/* the last block waits for its subkey */
		if (w->fill < AES_BLOCK_SIZE || !w->left)
			return 0;
		smbsign_cmac_simd_blocks(w, w->part, 1);
		w->fill = 0;
	}
	if (!n)
		return 0;
	/* whole blocks, but never the message's last block */
	nblocks = min(n / AES_BLOCK_SIZE, (w->left - 1) / AES_BLOCK_SIZE);
	smbsign_cmac_simd_blocks(w, p, nblocks);
	p += nblocks * AES_BLOCK_SIZE;
	n -= nblocks * AES_BLOCK_SIZE;
	w->left -= nblocks * AES_BLOCK_SIZE;
	/* what is left is shorter than a block, or the last block */
	memcpy(w->part, p, n);
	w->fill = n;
	w->left -= n;
	return 0;
}

/* Inlined: a call costs 2% of a 64-byte message. */
static __always_inline int
smbsign_simd_cmac_small(const struct smbsign_key *key,
			const struct smbsign_msg *m, u8 *out)
{
	u8 buf[SMBSIGN_SIMD_COPY_MAX] __uninitialized;
	size_t nblocks = max_t(size_t, DIV_ROUND_UP(m->len, AES_BLOCK_SIZE), 1);
	size_t nlast = m->len - (nblocks - 1) * AES_BLOCK_SIZE;
	u8 *last = buf + (nblocks - 1) * AES_BLOCK_SIZE;
	u8 state[AES_BLOCK_SIZE] = {};
	int ret;

	ret = smbsign_msg_copy(m, buf);
	if (ret)
		return ret;
	smbsign_cmac_tweak(key, last, nlast);
	smbsign_fpu_begin();
	smbsign_cbcmac_avx(key->simd.rk, state, buf, nblocks);
	kernel_fpu_end();
	memcpy(out, state, AES_BLOCK_SIZE);
	/* the tweaked block reveals a subkey */
	memzero_explicit(last, AES_BLOCK_SIZE);
	return 0;
}

static int smbsign_simd_cmac_mac(const struct smbsign_key *key,
				 const struct smbsign_msg *m, u8 *out)
{
	struct smbsign_cmac_simd_walk w __uninitialized;
	int ret;

	if (!crypto_simd_usable())
		return smbsign_simd_unusable();
	if (m->len <= SMBSIGN_SIMD_COPY_MAX)
		return smbsign_simd_cmac_small(key, m, out);
	w.key = key;
	w.left = m->len;
	w.budget = SMBSIGN_SIMD_CHUNK / AES_BLOCK_SIZE;
	w.fill = 0;
	memset(w.state, 0, sizeof(w.state));
	smbsign_fpu_begin();
	ret = smbsign_msg_walk(m, smbsign_cmac_simd_feed, &w);
	if (!ret) {
		smbsign_cmac_tweak(key, w.part, w.fill);
		smbsign_cmac_simd_blocks(&w, w.part, 1);
	}
	kernel_fpu_end();
	if (!ret)
		memcpy(out, w.state, AES_BLOCK_SIZE);
	/* the tweaked block reveals a subkey */
	memzero_explicit(&w, sizeof(w));
	return ret;
}

#endif /* _SMBSIGN_X86_CMAC_H */
