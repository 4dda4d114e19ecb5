// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: per-session key objects, and signing and verifying single and
 * compounded SMB2 messages.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <kunit/visibility.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "smbsign.h"

/*
 * Every offset and length in a stream fits in a u32, and so in the crypto
 * API's unsigned int lengths.
 */
static_assert((u64)SMBSIGN_MAX_MSG + SMBSIGN_HDR_SIZE <= U32_MAX);

/**
 * smbsign_alg_name() - name of a signing algorithm
 * @alg: an &enum smbsign_alg value
 *
 * Context: Any context.
 * Return: "HMAC-SHA256", "AES-128-CMAC", "AES-128-GMAC", or "unknown".
 */
const char *smbsign_alg_name(u16 alg)
{
	return alg < SMBSIGN_ALG_COUNT ? smbsign_algs[alg].name : "unknown";
}
EXPORT_SYMBOL_NS_GPL(smbsign_alg_name, SMBSIGN_NS);

/**
 * smbsign_default_alg() - the signing algorithm a dialect uses by default
 * @dialect: an &enum smbsign_dialect value
 *
 * SMB 2.0.2 and 2.1 sign with HMAC-SHA256, 3.x with AES-128-CMAC unless
 * 3.1.1 negotiated another algorithm with SMB2_SIGNING_CAPABILITIES.
 *
 * Context: Any context.
 * Return: an &enum smbsign_alg value, or -EINVAL for an unknown dialect.
 */
int smbsign_default_alg(u16 dialect)
{
	switch (dialect) {
	case SMBSIGN_DIALECT_2_0_2:
	case SMBSIGN_DIALECT_2_1:
		return SMBSIGN_ALG_HMAC_SHA256;
	case SMBSIGN_DIALECT_3_0:
	case SMBSIGN_DIALECT_3_0_2:
	case SMBSIGN_DIALECT_3_1_1:
		return SMBSIGN_ALG_AES_CMAC;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_NS_GPL(smbsign_default_alg, SMBSIGN_NS);

/**
 * smbsign_alg_allowed() - may a dialect sign with an algorithm?
 * @dialect: an &enum smbsign_dialect value
 * @alg: an &enum smbsign_alg value
 *
 * Only 3.1.1 negotiates the algorithm; it may pick any of the three.
 *
 * Context: Any context.
 * Return: true if @alg is valid for @dialect.
 */
bool smbsign_alg_allowed(u16 dialect, u16 alg)
{
	int def = smbsign_default_alg(dialect);

	if (def < 0 || alg >= SMBSIGN_ALG_COUNT)
		return false;
	return dialect == SMBSIGN_DIALECT_3_1_1 || alg == def;
}
EXPORT_SYMBOL_NS_GPL(smbsign_alg_allowed, SMBSIGN_NS);

/**
 * smbsign_key_alloc_raw() - key object for an algorithm, without a dialect
 * @alg: an &enum smbsign_alg value
 * @k: key bytes
 * @klen: key length: 16 for CMAC and GMAC, any non-zero length for HMAC
 *
 * For the self-test and the known-answer tests, which need HMAC keys of
 * other lengths than SMB uses.
 *
 * Context: Process context; may sleep.
 * Return: the key or an ERR_PTR().
 */
struct smbsign_key *smbsign_key_alloc_raw(u16 alg, const u8 *k, size_t klen)
{
	struct smbsign_key *key;
	int ret;

	might_sleep();
	if (alg >= SMBSIGN_ALG_COUNT || !k || !klen)
		return ERR_PTR(-EINVAL);

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	refcount_set(&key->refs, 1);
	key->alg = alg;
	key->desc = &smbsign_algs[alg];
	ret = key->desc->init(key, k, klen);
	if (ret) {
		kfree_sensitive(key);
		return ERR_PTR(ret);
	}
	return key;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_key_alloc_raw);

/**
 * smbsign_key_alloc() - prepare a signing key for a session
 * @dialect: the session's &enum smbsign_dialect
 * @alg: the &enum smbsign_alg the connection signs with
 * @key: the 16-byte signing key (for 2.x the session key, for 3.x the key
 *	derived with smbsign_derive_signing_key())
 * @key_len: must be %SMBSIGN_KEY_SIZE
 *
 * Allocates and keys the crypto transforms once, so that signing and
 * verifying need no key schedule, allocation or lock. The caller may wipe
 * @key afterwards; the object keeps only the transforms' key schedules,
 * which are zeroed when it is freed.
 *
 * Context: Process context; may sleep.
 * Return: a key with one reference, or ERR_PTR(-EINVAL) for a NULL key,
 * a wrong length, an unknown dialect or algorithm or one the dialect does
 * not allow, ERR_PTR(-ENOMEM), or another crypto API error.
 */
struct smbsign_key *smbsign_key_alloc(u16 dialect, u16 alg, const u8 *key,
				      size_t key_len)
{
	struct smbsign_key *k;

	might_sleep();
	if (!key || key_len != SMBSIGN_KEY_SIZE ||
	    !smbsign_alg_allowed(dialect, alg))
		return ERR_PTR(-EINVAL);
	k = smbsign_key_alloc_raw(alg, key, key_len);
	if (!IS_ERR(k))
		k->dialect = dialect;
	return k;
}
EXPORT_SYMBOL_NS_GPL(smbsign_key_alloc, SMBSIGN_NS);

/**
 * smbsign_key_create() - derive and prepare a session's signing key
 * @dialect: the session's &enum smbsign_dialect
 * @alg: the &enum smbsign_alg the connection signs with
 * @session_key: the GSS session key
 * @session_key_len: its length (zero-padded or truncated to 16 bytes)
 * @preauth_hash: for 3.1.1, the session's 64-byte pre-authentication
 *	integrity hash; ignored for other dialects
 *
 * smbsign_derive_signing_key() followed by smbsign_key_alloc(); the derived
 * key is wiped from the stack before returning.
 *
 * Context: Process context; may sleep.
 * Return: a key with one reference, or an ERR_PTR() as for
 * smbsign_key_alloc() and smbsign_derive_signing_key().
 */
struct smbsign_key *smbsign_key_create(u16 dialect, u16 alg,
				       const u8 *session_key,
				       size_t session_key_len,
				       const u8 *preauth_hash)
{
	u8 k[SMBSIGN_KEY_SIZE];
	struct smbsign_key *key;
	int ret;

	might_sleep();
	if (!smbsign_alg_allowed(dialect, alg))
		return ERR_PTR(-EINVAL);
	ret = smbsign_derive_signing_key(dialect, session_key, session_key_len,
					 preauth_hash, k);
	if (ret)
		return ERR_PTR(ret);
	key = smbsign_key_alloc(dialect, alg, k, sizeof(k));
	memzero_explicit(k, sizeof(k));
	return key;
}
EXPORT_SYMBOL_NS_GPL(smbsign_key_create, SMBSIGN_NS);

/**
 * smbsign_key_get() - take a reference on a key
 * @key: the key, or NULL
 *
 * Context: Any context.
 * Return: @key.
 */
struct smbsign_key *smbsign_key_get(struct smbsign_key *key)
{
	if (key)
		refcount_inc(&key->refs);
	return key;
}
EXPORT_SYMBOL_NS_GPL(smbsign_key_get, SMBSIGN_NS);

/**
 * smbsign_key_put() - drop a reference; the last one frees the key
 * @key: the key, or NULL
 *
 * Freeing releases the transforms (the crypto API zeroes their key
 * schedules) and zeroes the object.
 *
 * Context: Any context while other references remain; the last one must be
 * put in process context (it may sleep).
 */
void smbsign_key_put(struct smbsign_key *key)
{
	if (!key || !refcount_dec_and_test(&key->refs))
		return;
	might_sleep();
	key->desc->exit(key);
	kfree_sensitive(key);
}
EXPORT_SYMBOL_NS_GPL(smbsign_key_put, SMBSIGN_NS);

/**
 * smbsign_key_dialect() - dialect a key signs for
 * @key: the key
 *
 * Context: Any context.
 * Return: the &enum smbsign_dialect given at creation (0 for a raw key).
 */
u16 smbsign_key_dialect(const struct smbsign_key *key)
{
	return key->dialect;
}
EXPORT_SYMBOL_NS_GPL(smbsign_key_dialect, SMBSIGN_NS);

/**
 * smbsign_key_alg() - algorithm a key signs with
 * @key: the key
 *
 * Context: Any context.
 * Return: the &enum smbsign_alg given at creation.
 */
u16 smbsign_key_alg(const struct smbsign_key *key)
{
	return key->alg;
}
EXPORT_SYMBOL_NS_GPL(smbsign_key_alg, SMBSIGN_NS);

/**
 * smbsign_key_driver() - crypto drivers a key's transforms got
 * @key: the key
 *
 * For example "cmac(aes-aesni)" or "ghash-clmulni+aes-aesni": tests check
 * that an accelerated implementation was picked.
 *
 * Context: Any context.
 * Return: a string owned by @key.
 */
const char *smbsign_key_driver(const struct smbsign_key *key)
{
	return key->driver;
}
EXPORT_SYMBOL_NS_GPL(smbsign_key_driver, SMBSIGN_NS);

/**
 * smbsign_sig_equal() - compare two signatures in constant time
 * @a: 16 bytes
 * @b: 16 bytes
 *
 * Context: Any context.
 * Return: true if the signatures are equal.
 */
bool smbsign_sig_equal(const u8 *a, const u8 *b)
{
	return !crypto_memneq(a, b, SMBSIGN_SIG_SIZE);
}
EXPORT_SYMBOL_NS_GPL(smbsign_sig_equal, SMBSIGN_NS);

/**
 * smbsign_gmac_nonce() - the AES-GMAC nonce of a message ([MS-SMB2] 3.1.4.1)
 * @m: the message
 * @nonce: out: 12 bytes, MessageId (little-endian) then a little-endian
 *	32-bit word: bit 0 set for a server's message (SMB2_FLAGS_SERVER_TO_REDIR),
 *	bit 1 for a CANCEL request
 */
void smbsign_gmac_nonce(const struct smbsign_msg *m, u8 *nonce)
{
	const u8 *h = (const u8 *)m->iov[0].iov_base + m->off;
	__le32 flags;
	__le16 cmd;
	u32 role = 0;

	if (m->off + SMBSIGN_HDR_SIZE <= m->iov[0].iov_len) {
		/* the usual case: the header is in the first kvec */
		memcpy(nonce, h + SMBSIGN_MSGID_OFFSET, 8);
		memcpy(&flags, h + SMBSIGN_FLAGS_OFFSET, sizeof(flags));
		memcpy(&cmd, h + 12, sizeof(cmd));
	} else {
		smbsign_msg_read(m, SMBSIGN_MSGID_OFFSET, nonce, 8);
		smbsign_msg_read(m, SMBSIGN_FLAGS_OFFSET, &flags,
				 sizeof(flags));
		smbsign_msg_read(m, 12, &cmd, sizeof(cmd));
	}
	if (le32_to_cpu(flags) & SMBSIGN_FLAG_SERVER_TO_REDIR)
		role |= 1;
	if (le16_to_cpu(cmd) == SMBSIGN_CMD_CANCEL)
		role |= 2;
	put_unaligned_le32(role, nonce + 8);
}

static int smbsign_msg_mac(struct smbsign_key *key,
			   const struct smbsign_msg *m, u8 *mac)
{
	u8 nonce[SMBSIGN_GMAC_NONCE_SIZE];

	if (key->alg == SMBSIGN_ALG_AES_GMAC) {
		smbsign_gmac_nonce(m, nonce);
		return key->desc->mac(key, m, nonce, mac);
	}
	return key->desc->mac(key, m, NULL, mac);
}

static int smbsign_msg_sign(struct smbsign_key *key,
			    const struct smbsign_msg *m)
{
	u8 mac[SMBSIGN_SIG_SIZE];
	int ret;

	/* the MAC becomes public in the message: nothing to wipe */
	ret = smbsign_msg_mac(key, m, mac);
	if (!ret)
		smbsign_msg_write(m, SMBSIGN_SIG_OFFSET, mac, sizeof(mac));
	return ret;
}

static int smbsign_msg_verify(struct smbsign_key *key,
			      const struct smbsign_msg *m)
{
	u8 mac[SMBSIGN_SIG_SIZE], sig[SMBSIGN_SIG_SIZE];
	int ret;

	ret = smbsign_msg_mac(key, m, mac);
	if (!ret) {
		smbsign_msg_read(m, SMBSIGN_SIG_OFFSET, sig, sizeof(sig));
		if (crypto_memneq(mac, sig, sizeof(mac)))
			ret = -EBADMSG;
	}
	memzero_explicit(mac, sizeof(mac));
	return ret;
}

/* Set up @m as the whole stream, checking the caller's arguments. */
static int smbsign_msg_whole(struct smbsign_key *key, const struct kvec *iov,
			     unsigned int nvec, struct smbsign_msg *m)
{
	size_t total;

	/* only the kvec array is read: no byte of the message */
	if (!key || !iov || !nvec || smbsign_iov_total(iov, nvec, &total) ||
	    total < SMBSIGN_HDR_SIZE || total > SMBSIGN_MAX_MSG)
		return -EINVAL;
	*m = (struct smbsign_msg){
		.iov = iov, .nvec = nvec, .off = 0, .len = total,
		.zero_sig = true,
	};
	return 0;
}

/*
 * An interim response (STATUS_PENDING with SMB2_FLAGS_ASYNC_COMMAND, sent
 * by a server before the final response of an async operation) has the
 * GMAC nonce of its final response: same MessageId, same direction, same
 * command. Signing both with one GMAC key would reuse the nonce, which
 * gives away the GHASH key, so smbsign refuses to sign it ([MS-SMB2]
 * 3.3.4.2: the server SHOULD NOT sign an interim response). Requests are
 * not looked at: their Status field is ChannelSequence/Reserved.
 */
static bool smbsign_gmac_interim(const struct smbsign_key *key,
				 const struct smbsign_msg *m)
{
	const u32 want = SMBSIGN_FLAG_SERVER_TO_REDIR |
			 SMBSIGN_FLAG_ASYNC_COMMAND;
	__le32 flags, status;

	if (key->alg != SMBSIGN_ALG_AES_GMAC)
		return false;
	smbsign_msg_read(m, SMBSIGN_FLAGS_OFFSET, &flags, sizeof(flags));
	smbsign_msg_read(m, SMBSIGN_STATUS_OFFSET, &status, sizeof(status));
	return (le32_to_cpu(flags) & want) == want &&
	       le32_to_cpu(status) == SMBSIGN_STATUS_PENDING;
}

/**
 * smbsign_key_mac_raw() - the bare MAC of a buffer, for known-answer tests
 * @key: a key from smbsign_key_alloc_raw() or smbsign_key_alloc()
 * @data: the bytes to authenticate (nothing is zeroed)
 * @len: their length, at most %SMBSIGN_MAX_MSG
 * @nonce: for AES-GMAC the 12-byte nonce, otherwise ignored
 * @out: out: 16 bytes (HMAC-SHA256 truncated to its first 16 bytes)
 *
 * Context: Process context; may sleep.
 * Return: 0, -EINVAL for bad arguments, or a crypto API error.
 */
int smbsign_key_mac_raw(struct smbsign_key *key, const void *data,
			size_t len, const u8 *nonce, u8 *out)
{
	struct kvec iov = { .iov_base = (void *)data, .iov_len = len };
	struct smbsign_msg m = { .iov = &iov, .nvec = 1, .len = len };

	might_sleep();
	if (!key || !out || (!data && len) || len > SMBSIGN_MAX_MSG ||
	    (key->alg == SMBSIGN_ALG_AES_GMAC && !nonce))
		return -EINVAL;
	return key->desc->mac(key, &m, nonce, out);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_key_mac_raw);

/**
 * smbsign_sign() - sign one SMB2 message
 * @key: the session's key
 * @iov: the message as a kvec array; the 64-byte header may span entries
 * @nvec: number of entries
 *
 * Computes the MAC over the whole stream as if the signature field (bytes
 * 48..63) were zero and writes it there. Nothing else in the message is
 * changed: the caller sets SMB2_FLAGS_SIGNED before signing. NextCommand is
 * not looked at: the stream is one message (see smbsign_sign_compound()).
 * kvecs may point at linear-map (kmalloc, page) or vmalloc memory; nothing
 * is allocated, whatever the message size.
 *
 * With an AES-GMAC key, an interim response (SMB2_FLAGS_SERVER_TO_REDIR
 * and SMB2_FLAGS_ASYNC_COMMAND set, Status %SMBSIGN_STATUS_PENDING) is
 * refused: it shares its GMAC nonce with the final response, and a reused
 * GMAC nonce gives away the key's GHASH key. Send interim responses
 * unsigned ([MS-SMB2] 3.3.4.2).
 *
 * Context: Process context; may sleep.
 * Return: 0, or -EINVAL for a NULL key or iov, no entries, a NULL base with
 * a length, fewer than 64 or more than %SMBSIGN_MAX_MSG bytes (checked
 * before any byte of the message is read), or a GMAC-keyed interim
 * response; or a crypto API error.
 */
int smbsign_sign(struct smbsign_key *key, const struct kvec *iov,
		 unsigned int nvec)
{
	struct smbsign_msg m;
	int ret;

	might_sleep();
	ret = smbsign_msg_whole(key, iov, nvec, &m);
	if (ret)
		return ret;
	if (smbsign_gmac_interim(key, &m))
		return -EINVAL;
	return smbsign_msg_sign(key, &m);
}
EXPORT_SYMBOL_NS_GPL(smbsign_sign, SMBSIGN_NS);

/**
 * smbsign_verify() - verify the signature of one SMB2 message
 * @key: the session's key
 * @iov: the message as a kvec array; the 64-byte header may span entries
 * @nvec: number of entries
 *
 * Recomputes the MAC as smbsign_sign() does and compares it with the
 * signature field in constant time. The message is not modified.
 *
 * SMB 3.x signs both directions with one key, so a message the peer sent
 * in the other direction (a request reflected back to the client that
 * sent it) verifies here. smbsign_verify_dir() also checks the direction.
 * A GMAC-signed interim response verifies (Samba signs them).
 *
 * Context: Process context; may sleep.
 * Return: 0 if the signature is right, -EBADMSG if it is not, -EINVAL for
 * bad arguments as for smbsign_sign(), or a crypto API error.
 */
int smbsign_verify(struct smbsign_key *key, const struct kvec *iov,
		   unsigned int nvec)
{
	struct smbsign_msg m;
	int ret;

	might_sleep();
	ret = smbsign_msg_whole(key, iov, nvec, &m);
	return ret ?: smbsign_msg_verify(key, &m);
}
EXPORT_SYMBOL_NS_GPL(smbsign_verify, SMBSIGN_NS);

/**
 * smbsign_verify_dir() - verify one SMB2 message sent in the right direction
 * @key: the session's key
 * @dir: this host's side of the session: %SMBSIGN_DIR_CLIENT accepts only
 *	messages a server sent (SMB2_FLAGS_SERVER_TO_REDIR set),
 *	%SMBSIGN_DIR_SERVER only messages a client sent (the flag clear)
 * @iov: the message as a kvec array; the 64-byte header may span entries
 * @nvec: number of entries
 *
 * As smbsign_verify(), after checking SMB2_FLAGS_SERVER_TO_REDIR before any
 * MAC is computed: an attacker who reflects a client's signed request back
 * to it (or a server's response back to the server) gets -EBADMSG although
 * its signature is right, since SMB 3.x signs both directions with one key.
 * A consumer that checks the flag itself may call smbsign_verify().
 *
 * Context: Process context; may sleep.
 * Return: 0 if the signature is right and the message came from the other
 * side, -EBADMSG if the signature is wrong or the message goes the wrong
 * way, -EINVAL for an unknown @dir or bad arguments as for smbsign_sign(),
 * or a crypto API error.
 */
int smbsign_verify_dir(struct smbsign_key *key, enum smbsign_dir dir,
		       const struct kvec *iov, unsigned int nvec)
{
	struct smbsign_msg m;
	bool from_server, want_server;
	__le32 flags;
	int ret;

	might_sleep();
	ret = smbsign_msg_whole(key, iov, nvec, &m);
	if (ret)
		return ret;
	if ((unsigned int)dir >= SMBSIGN_DIR_COUNT)
		return -EINVAL;
	smbsign_msg_read(&m, SMBSIGN_FLAGS_OFFSET, &flags, sizeof(flags));
	from_server = le32_to_cpu(flags) & SMBSIGN_FLAG_SERVER_TO_REDIR;
	want_server = dir == SMBSIGN_DIR_CLIENT;
	if (from_server != want_server)
		return -EBADMSG;
	return smbsign_msg_verify(key, &m);
}
EXPORT_SYMBOL_NS_GPL(smbsign_verify_dir, SMBSIGN_NS);

/**
 * smbsign_sign_buf() - sign one SMB2 message in a contiguous buffer
 * @key: the session's key
 * @buf: the message, starting at the SMB2 header (no transport prefix)
 * @len: its length
 *
 * Context: Process context; may sleep.
 * Return: as smbsign_sign().
 */
int smbsign_sign_buf(struct smbsign_key *key, void *buf, size_t len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	might_sleep();
	if (!buf)
		return -EINVAL;
	return smbsign_sign(key, &iov, 1);
}
EXPORT_SYMBOL_NS_GPL(smbsign_sign_buf, SMBSIGN_NS);

/**
 * smbsign_verify_buf() - verify one SMB2 message in a contiguous buffer
 * @key: the session's key
 * @buf: the message, starting at the SMB2 header (no transport prefix)
 * @len: its length
 *
 * Context: Process context; may sleep.
 * Return: as smbsign_verify().
 */
int smbsign_verify_buf(struct smbsign_key *key, const void *buf, size_t len)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	might_sleep();
	if (!buf)
		return -EINVAL;
	return smbsign_verify(key, &iov, 1);
}
EXPORT_SYMBOL_NS_GPL(smbsign_verify_buf, SMBSIGN_NS);

/*
 * Length of the compound element starting at @off of the @total-byte
 * stream @iov: up to the next header as NextCommand gives it, or to the end
 * for the last element (NextCommand 0). NextCommand must be 8-aligned and
 * leave a whole header after it. On success the element is at least 64
 * bytes and ends at or before @total, so a walk always advances.
 */
static int smbsign_compound_elem(const struct kvec *iov, unsigned int nvec,
				 size_t total, size_t off, size_t *len)
{
	struct smbsign_msg m = {
		.iov = iov, .nvec = nvec, .off = off, .len = SMBSIGN_HDR_SIZE,
	};
	__le32 next_le;
	u32 next;

	if (off > total || total - off < SMBSIGN_HDR_SIZE)
		return -EINVAL;
	smbsign_msg_read(&m, SMBSIGN_NEXTCMD_OFFSET, &next_le, sizeof(next_le));
	next = le32_to_cpu(next_le);
	if (!next) {
		*len = total - off;
		return 0;
	}
	if (next % 8 || next < SMBSIGN_HDR_SIZE ||
	    next > total - off - SMBSIGN_HDR_SIZE)
		return -EINVAL;
	*len = next;
	return 0;
}

/*
 * Elements whose extent the compound walk remembers from its checking pass,
 * so that it reads their NextCommand once. cifs compounds at most a handful
 * of requests; longer chains are legal, and their later elements' extents
 * are read again and must not have changed.
 */
#define SMBSIGN_COMPOUND_KEEP	16

/*
 * Check the whole chain, then sign or verify each element in turn. The
 * checking pass records where the first SMBSIGN_COMPOUND_KEEP elements end
 * and the second pass uses those extents, so a NextCommand changed by
 * someone else between the passes is not read again. Past the table, the
 * second pass re-reads NextCommand: a chain that no longer has the shape
 * checked (an invalid NextCommand, a different number of elements) gives
 * -EINVAL. Either way every MAC covers bytes inside the stream, and the
 * walk ends after the number of elements the first pass counted.
 */
static int smbsign_compound(struct smbsign_key *key, const struct kvec *iov,
			    unsigned int nvec, bool sign,
			    unsigned int *bad_index)
{
	u32 end[SMBSIGN_COMPOUND_KEEP];
	struct smbsign_msg m;
	unsigned int i, n;
	size_t total, off, len;
	int ret;

	ret = smbsign_msg_whole(key, iov, nvec, &m);
	if (ret)
		return ret;
	total = m.len;

	for (n = 0, off = 0; off < total; n++, off += len) {
		ret = smbsign_compound_elem(iov, nvec, total, off, &len);
		if (ret)
			return ret;
		if (n < ARRAY_SIZE(end))
			end[n] = off + len;
		m.off = off;
		m.len = len;
		if (sign && smbsign_gmac_interim(key, &m))
			return -EINVAL;
	}

	for (i = 0, off = 0; i < n; i++, off += len) {
		if (i < ARRAY_SIZE(end)) {
			len = end[i] - off;
		} else {
			ret = smbsign_compound_elem(iov, nvec, total, off,
						    &len);
			if (ret || (off + len == total) != (i == n - 1))
				return -EINVAL;
		}
		m.off = off;
		m.len = len;
		ret = sign ? smbsign_msg_sign(key, &m) :
			     smbsign_msg_verify(key, &m);
		if (ret) {
			if (bad_index)
				*bad_index = i;
			return ret;
		}
	}
	return 0;
}

/**
 * smbsign_sign_compound() - sign every message of a compound chain
 * @key: the session's key
 * @iov: the chain as a kvec array
 * @nvec: number of entries
 *
 * Each element is signed over its own extent: from its header up to the
 * next header (NextCommand bytes, padding included), the last one up to the
 * end of the stream, padded or not. The whole chain is checked before
 * anything is signed, so a malformed chain leaves the buffer untouched.
 * NextCommand is read once for the first 16 elements; the chain must not
 * change during the call (if it does, the result is -EINVAL or signatures
 * over the extents first read, never a write outside the stream).
 *
 * Context: Process context; may sleep.
 * Return: 0; -EINVAL for bad arguments as for smbsign_sign(), a NextCommand
 * that is not a multiple of 8, is less than 64 or does not leave a whole
 * header before the end, an element a GMAC key must not sign (see
 * smbsign_sign()), or a chain that changed during the call; or a crypto API
 * error.
 */
int smbsign_sign_compound(struct smbsign_key *key, const struct kvec *iov,
			  unsigned int nvec)
{
	might_sleep();
	return smbsign_compound(key, iov, nvec, true, NULL);
}
EXPORT_SYMBOL_NS_GPL(smbsign_sign_compound, SMBSIGN_NS);

/**
 * smbsign_verify_compound() - verify every message of a compound chain
 * @key: the session's key
 * @iov: the chain as a kvec array
 * @nvec: number of entries
 * @bad_index: out, may be NULL: index of the first element that failed
 *
 * Elements are delimited as for smbsign_sign_compound(). The direction of
 * the elements is not checked (see smbsign_verify_dir()).
 *
 * Context: Process context; may sleep.
 * Return: 0 if every signature is right, -EBADMSG at the first that is not,
 * -EINVAL for bad arguments or a malformed chain as for
 * smbsign_sign_compound(), or a crypto API error.
 */
int smbsign_verify_compound(struct smbsign_key *key, const struct kvec *iov,
			    unsigned int nvec, unsigned int *bad_index)
{
	might_sleep();
	return smbsign_compound(key, iov, nvec, false, bad_index);
}
EXPORT_SYMBOL_NS_GPL(smbsign_verify_compound, SMBSIGN_NS);
