// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: SMB 3.x signing key derivation and the SMB 3.1.1
 * pre-authentication integrity hash.
 *
 * Key derivation is NIST SP 800-108 counter mode with HMAC-SHA256 and r = 32
 * ([MS-SMB2] 3.1.4.2):
 *
 *   K(i) = HMAC-SHA256(KI, [i]_32 || Label || 0x00 || Context || [L]_32)
 *
 * The SMB labels and the 3.0 context include their own terminating NUL.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "smbsign.h"

/* SHA-512 for the pre-auth hash: unkeyed, so one tfm serves every CPU. */
static struct crypto_shash *smbsign_sha512;

/**
 * smbsign_kdf() - SP 800-108 counter-mode KDF with HMAC-SHA256
 * @ki: key-derivation key
 * @ki_len: its length (non-zero)
 * @label: the label, passed verbatim (include the NUL if the protocol does)
 * @label_len: its length
 * @context: the context, passed verbatim
 * @context_len: its length
 * @out: out: derived key
 * @out_len: bytes wanted (1..1024); L = 8 * @out_len
 *
 * Context: Process context; may sleep (allocates a transform).
 * Return: 0, -EINVAL for bad arguments, -ENOMEM or a crypto API error.
 */
int smbsign_kdf(const u8 *ki, size_t ki_len, const u8 *label, size_t label_len,
		const u8 *context, size_t context_len, u8 *out, size_t out_len)
{
	static const u8 sep;
	u8 block[SHA256_DIGEST_SIZE];
	struct crypto_shash *tfm;
	__be32 ctr, l;
	size_t done;
	u32 i;
	int ret;

	might_sleep();
	if (!ki || !ki_len || !out || !out_len || out_len > 1024 ||
	    (!label && label_len) || (!context && context_len))
		return -EINVAL;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, ki, ki_len);
	if (ret)
		goto out_free;

	l = cpu_to_be32(out_len * 8);
	for (i = 1, done = 0; done < out_len; i++) {
		SHASH_DESC_ON_STACK(desc, tfm);
		size_t n = min_t(size_t, out_len - done, sizeof(block));

		desc->tfm = tfm;
		ctr = cpu_to_be32(i);
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, (u8 *)&ctr, sizeof(ctr)) ?:
		      crypto_shash_update(desc, label, label_len) ?:
		      crypto_shash_update(desc, &sep, 1) ?:
		      crypto_shash_update(desc, context, context_len) ?:
		      crypto_shash_update(desc, (u8 *)&l, sizeof(l)) ?:
		      crypto_shash_final(desc, block);
		shash_desc_zero(desc);
		if (ret)
			break;
		memcpy(out + done, block, n);
		done += n;
	}
	memzero_explicit(block, sizeof(block));
	if (ret)
		memzero_explicit(out, out_len);
out_free:
	crypto_free_shash(tfm);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(smbsign_kdf, SMBSIGN_NS);

/**
 * smbsign_derive_signing_key() - a session's signing key ([MS-SMB2] 3.2.5.3.1)
 * @dialect: the session's &enum smbsign_dialect
 * @session_key: the GSS session key
 * @session_key_len: its length; Session.SessionKey is its first 16 bytes,
 *	zero-padded if it is shorter
 * @preauth_hash: for 3.1.1, the 64-byte Session.PreauthIntegrityHashValue
 *	after the last SESSION_SETUP request; ignored otherwise
 * @out: out: the 16-byte signing key
 *
 * 2.0.2 and 2.1 sign with Session.SessionKey itself. 3.0 and 3.0.2 derive
 * with label "SMB2AESCMAC" and context "SmbSign"; 3.1.1 with label
 * "SMBSigningKey" and the pre-auth hash as context.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -EINVAL for an unknown dialect, a NULL or empty session key,
 * a NULL @out, or a NULL @preauth_hash for 3.1.1; or a crypto API error.
 */
int smbsign_derive_signing_key(u16 dialect, const u8 *session_key,
			       size_t session_key_len, const u8 *preauth_hash,
			       u8 *out)
{
	static const u8 label30[] = "SMB2AESCMAC";
	static const u8 ctx30[] = "SmbSign";
	static const u8 label311[] = "SMBSigningKey";
	u8 sk[SMBSIGN_KEY_SIZE] = {};
	int ret;

	might_sleep();
	if (!session_key || !session_key_len || !out)
		return -EINVAL;
	memcpy(sk, session_key, min_t(size_t, session_key_len, sizeof(sk)));

	switch (dialect) {
	case SMBSIGN_DIALECT_2_0_2:
	case SMBSIGN_DIALECT_2_1:
		memcpy(out, sk, sizeof(sk));
		ret = 0;
		break;
	case SMBSIGN_DIALECT_3_0:
	case SMBSIGN_DIALECT_3_0_2:
		ret = smbsign_kdf(sk, sizeof(sk), label30, sizeof(label30),
				  ctx30, sizeof(ctx30), out, SMBSIGN_KEY_SIZE);
		break;
	case SMBSIGN_DIALECT_3_1_1:
		if (!preauth_hash) {
			ret = -EINVAL;
			break;
		}
		ret = smbsign_kdf(sk, sizeof(sk), label311, sizeof(label311),
				  preauth_hash, SMBSIGN_PREAUTH_HASH_SIZE,
				  out, SMBSIGN_KEY_SIZE);
		break;
	default:
		ret = -EINVAL;
	}
	memzero_explicit(sk, sizeof(sk));
	return ret;
}
EXPORT_SYMBOL_NS_GPL(smbsign_derive_signing_key, SMBSIGN_NS);

/**
 * smbsign_preauth_init() - start a pre-authentication integrity hash
 * @pa: the state
 * @from: NULL to start a connection's hash from 64 zero bytes, or the
 *	connection's state after NEGOTIATE to start a session's hash
 *
 * Context: Any context.
 */
void smbsign_preauth_init(struct smbsign_preauth *pa,
			  const struct smbsign_preauth *from)
{
	if (from)
		memcpy(pa->hash, from->hash, sizeof(pa->hash));
	else
		memset(pa->hash, 0, sizeof(pa->hash));
}
EXPORT_SYMBOL_NS_GPL(smbsign_preauth_init, SMBSIGN_NS);

static int smbsign_preauth_feed(void *ctx, const void *p, size_t n)
{
	return crypto_shash_update(ctx, p, n);
}

/**
 * smbsign_preauth_update() - hash one message into the pre-auth hash
 * @pa: the state
 * @iov: the whole SMB2 message (no transport prefix) as a kvec array
 * @nvec: number of entries
 *
 * Computes hash = SHA-512(hash || message). Feed the NEGOTIATE request and
 * response into the connection's state, then every SESSION_SETUP request
 * and every SESSION_SETUP response except the final successful one into the
 * session's state ([MS-SMB2] 3.2.5.2, 3.3.5.5). On error @pa is unchanged.
 *
 * Context: Process context; may sleep.
 * Return: 0, -EINVAL for NULL arguments, a NULL base with a length, an
 * empty message or one of more than %SMBSIGN_MAX_MSG bytes (checked before
 * any byte of it is read), or a crypto API error.
 */
int smbsign_preauth_update(struct smbsign_preauth *pa,
			   const struct kvec *iov, unsigned int nvec)
{
	SHASH_DESC_ON_STACK(desc, smbsign_sha512);
	u8 h[SHA512_DIGEST_SIZE];
	struct smbsign_msg m = { .iov = iov, .nvec = nvec };
	int ret;

	might_sleep();
	if (!pa || !iov || !nvec || smbsign_iov_total(iov, nvec, &m.len) ||
	    !m.len || m.len > SMBSIGN_MAX_MSG)
		return -EINVAL;

	desc->tfm = smbsign_sha512;
	ret = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, pa->hash, sizeof(pa->hash)) ?:
	      smbsign_msg_walk(&m, smbsign_preauth_feed, desc) ?:
	      crypto_shash_final(desc, h);
	shash_desc_zero(desc);
	if (!ret)
		memcpy(pa->hash, h, sizeof(h));
	memzero_explicit(h, sizeof(h));
	return ret;
}
EXPORT_SYMBOL_NS_GPL(smbsign_preauth_update, SMBSIGN_NS);

int smbsign_kdf_init(void)
{
	smbsign_sha512 = crypto_alloc_shash("sha512", 0, 0);
	return PTR_ERR_OR_ZERO(smbsign_sha512);
}

void smbsign_kdf_exit(void)
{
	crypto_free_shash(smbsign_sha512);
}
