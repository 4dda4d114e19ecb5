/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign: SMB2/SMB3 message signing and verification for in-kernel SMB
 * clients and servers.
 *
 * All exported symbols live in the SMBSIGN symbol namespace; consumers add
 * MODULE_IMPORT_NS(SMBSIGN_NS) (a bare token before Linux 6.13, a string
 * literal from 6.13 on; SMBSIGN_NS hides the difference).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef _LINUX_SMBSIGN_H
#define _LINUX_SMBSIGN_H

#include <linux/types.h>
#include <linux/uio.h>

/* Out-of-tree builds for kernels before 6.13 define it as a bare token. */
#ifndef SMBSIGN_NS
#define SMBSIGN_NS "SMBSIGN"
#endif

/* SMB2 packet header layout ([MS-SMB2] 2.2.1) */
#define SMBSIGN_HDR_SIZE		64
#define SMBSIGN_FLAGS_OFFSET		16
#define SMBSIGN_NEXTCMD_OFFSET		20
#define SMBSIGN_MSGID_OFFSET		24
#define SMBSIGN_SIG_OFFSET		48
#define SMBSIGN_SIG_SIZE		16

#define SMBSIGN_STATUS_OFFSET		8

#define SMBSIGN_FLAG_SERVER_TO_REDIR	0x00000001
#define SMBSIGN_FLAG_ASYNC_COMMAND	0x00000002
#define SMBSIGN_FLAG_SIGNED		0x00000008
/* Status of an interim response to an async operation ([MS-ERREF] 2.3.1) */
#define SMBSIGN_STATUS_PENDING		0x00000103
#define SMBSIGN_CMD_NEGOTIATE		0x0000
#define SMBSIGN_CMD_SESSION_SETUP	0x0001
#define SMBSIGN_CMD_CANCEL		0x000c

/* Size of a signing key (all algorithms sign with a 128-bit key). */
#define SMBSIGN_KEY_SIZE		16
/* Size of the SMB 3.1.1 SHA-512 pre-authentication integrity hash. */
#define SMBSIGN_PREAUTH_HASH_SIZE	64

/**
 * DOC: SMBSIGN_MAX_MSG
 *
 * The longest message (or compound chain, or pre-auth hash input) smbsign
 * takes: 16 MiB. The SMB2 Direct TCP and QUIC transports frame a message with a
 * 24-bit length, so no SMB2 message is longer than 16 MiB - 1 bytes (SMB
 * Direct moves bulk data outside the message, and READ and WRITE carry at
 * most 8 MiB). Longer kvec arrays are refused with -EINVAL before any byte
 * is read: the crypto API takes unsigned int lengths, and a message of
 * 4 GiB or more would otherwise be MACed only in part.
 */
#define SMBSIGN_MAX_MSG			(16u << 20)

/**
 * enum smbsign_dialect - SMB2/SMB3 dialect revisions smbsign signs for
 * @SMBSIGN_DIALECT_2_0_2: SMB 2.0.2, HMAC-SHA256 with the session key
 * @SMBSIGN_DIALECT_2_1: SMB 2.1, HMAC-SHA256 with the session key
 * @SMBSIGN_DIALECT_3_0: SMB 3.0, AES-128-CMAC with a KDF-derived key
 * @SMBSIGN_DIALECT_3_0_2: SMB 3.0.2, as 3.0
 * @SMBSIGN_DIALECT_3_1_1: SMB 3.1.1, CMAC or the negotiated algorithm, key
 *	derived with the pre-authentication integrity hash
 *
 * The values are the DialectRevision codes of [MS-SMB2] 2.2.3.
 */
enum smbsign_dialect {
	SMBSIGN_DIALECT_2_0_2	= 0x0202,
	SMBSIGN_DIALECT_2_1	= 0x0210,
	SMBSIGN_DIALECT_3_0	= 0x0300,
	SMBSIGN_DIALECT_3_0_2	= 0x0302,
	SMBSIGN_DIALECT_3_1_1	= 0x0311,
};

/**
 * enum smbsign_alg - SMB2 signing algorithms
 * @SMBSIGN_ALG_HMAC_SHA256: HMAC-SHA256 truncated to 16 bytes
 * @SMBSIGN_ALG_AES_CMAC: AES-128-CMAC (RFC 4493)
 * @SMBSIGN_ALG_AES_GMAC: AES-128-GMAC (GCM with the message as AAD)
 * @SMBSIGN_ALG_COUNT: number of algorithms
 *
 * The values are the SigningAlgorithm ids of SMB2_SIGNING_CAPABILITIES
 * ([MS-SMB2] 2.2.3.1.7).
 */
enum smbsign_alg {
	SMBSIGN_ALG_HMAC_SHA256	= 0,
	SMBSIGN_ALG_AES_CMAC	= 1,
	SMBSIGN_ALG_AES_GMAC	= 2,
	SMBSIGN_ALG_COUNT,
};

struct smbsign_key;

/**
 * struct smbsign_preauth - SMB 3.1.1 pre-authentication integrity state
 * @hash: current SHA-512 hash value
 *
 * Start with smbsign_preauth_init(), feed every NEGOTIATE and SESSION_SETUP
 * message with smbsign_preauth_update(); @hash is then the KDF context.
 */
struct smbsign_preauth {
	u8 hash[SMBSIGN_PREAUTH_HASH_SIZE];
};

int smbsign_default_alg(u16 dialect);
bool smbsign_alg_allowed(u16 dialect, u16 alg);
const char *smbsign_alg_name(u16 alg);

int smbsign_kdf(const u8 *ki, size_t ki_len, const u8 *label, size_t label_len,
		const u8 *context, size_t context_len, u8 *out, size_t out_len);
int smbsign_derive_signing_key(u16 dialect, const u8 *session_key,
			       size_t session_key_len, const u8 *preauth_hash,
			       u8 *out);

void smbsign_preauth_init(struct smbsign_preauth *pa,
			  const struct smbsign_preauth *from);
int smbsign_preauth_update(struct smbsign_preauth *pa,
			   const struct kvec *iov, unsigned int nvec);

struct smbsign_key *smbsign_key_alloc(u16 dialect, u16 alg, const u8 *key,
				      size_t key_len);
struct smbsign_key *smbsign_key_create(u16 dialect, u16 alg,
				       const u8 *session_key,
				       size_t session_key_len,
				       const u8 *preauth_hash);
struct smbsign_key *smbsign_key_get(struct smbsign_key *key);
void smbsign_key_put(struct smbsign_key *key);
u16 smbsign_key_dialect(const struct smbsign_key *key);
u16 smbsign_key_alg(const struct smbsign_key *key);
const char *smbsign_key_driver(const struct smbsign_key *key);

int smbsign_sign(struct smbsign_key *key, const struct kvec *iov,
		 unsigned int nvec);
int smbsign_verify(struct smbsign_key *key, const struct kvec *iov,
		   unsigned int nvec);
int smbsign_sign_buf(struct smbsign_key *key, void *buf, size_t len);
int smbsign_verify_buf(struct smbsign_key *key, const void *buf, size_t len);
int smbsign_sign_compound(struct smbsign_key *key, const struct kvec *iov,
			  unsigned int nvec);
int smbsign_verify_compound(struct smbsign_key *key, const struct kvec *iov,
			    unsigned int nvec, unsigned int *bad_index);

bool smbsign_sig_equal(const u8 *a, const u8 *b);

/*
 * Policy
 *
 * The require-signing policy of a network namespace, per direction, and the
 * decisions and counters that go with it.  Implemented in smbsign/policy.c;
 * administered over the "smbsign" generic netlink family (smbsignctl).
 */

struct net;
struct smbsign_session;

/**
 * enum smbsign_dir - direction of an SMB connection, as seen from this host
 * @SMBSIGN_DIR_CLIENT: outbound: this host is the SMB client
 * @SMBSIGN_DIR_SERVER: inbound: this host is the SMB server
 * @SMBSIGN_DIR_COUNT: number of directions
 *
 * The values equal the netlink enum smbsign_direction.
 */
enum smbsign_dir {
	SMBSIGN_DIR_CLIENT	= 0,
	SMBSIGN_DIR_SERVER	= 1,
	SMBSIGN_DIR_COUNT,
};

/* NTSTATUS values a refused session maps to ([MS-ERREF] 2.3.1). */
#define SMBSIGN_STATUS_INVALID_SIGNATURE		0xc000a000
#define SMBSIGN_STATUS_SMB_GUEST_LOGON_BLOCKED		0xc05d0002
#define SMBSIGN_STATUS_GUEST_BLOCKED_SIGNING_REQUIRED	0xc05d0003

/**
 * struct smbsign_policy - signing policy of one direction of a netns
 * @require_signing: every session must be signed (RequireSecuritySignature)
 * @audit: count and announce, but allow, sessions the policy would refuse
 *	(AuditServerDoesNotSupportSigning on the client side,
 *	AuditClientDoesNotSupportSigning on the server side)
 * @allow_guest: let guest and anonymous sessions through although they
 *	cannot sign (EnableInsecureGuestLogons)
 * @nalgs: number of entries in @algs, at least 1
 * @algs: allowed signing algorithms (enum smbsign_alg), most preferred first
 */
struct smbsign_policy {
	bool require_signing;
	bool audit;
	bool allow_guest;
	u8 nalgs;
	u8 algs[SMBSIGN_ALG_COUNT];
};

/**
 * enum smbsign_verdict - what to do with a session at setup time
 * @SMBSIGN_ALLOW: go ahead
 * @SMBSIGN_AUDIT_UNSIGNED: the peer does not sign and the policy would refuse
 *	it, but audit mode lets it through (counted and announced)
 * @SMBSIGN_AUDIT_GUEST: as @SMBSIGN_AUDIT_UNSIGNED, for a guest or anonymous
 *	session
 * @SMBSIGN_REFUSE_UNSIGNED: refuse: the peer does not sign
 * @SMBSIGN_REFUSE_GUEST: refuse: guest or anonymous session while signing is
 *	required
 */
enum smbsign_verdict {
	SMBSIGN_ALLOW,
	SMBSIGN_AUDIT_UNSIGNED,
	SMBSIGN_AUDIT_GUEST,
	SMBSIGN_REFUSE_UNSIGNED,
	SMBSIGN_REFUSE_GUEST,
};

/**
 * smbsign_verdict_allowed() - whether a verdict lets the session proceed
 * @v: verdict from smbsign_session_decide() or smbsign_policy_decide()
 *
 * Return: true for %SMBSIGN_ALLOW and the audit verdicts.
 */
static inline bool smbsign_verdict_allowed(enum smbsign_verdict v)
{
	return v < SMBSIGN_REFUSE_UNSIGNED;
}

void smbsign_policy_get(struct net *net, enum smbsign_dir dir,
			struct smbsign_policy *pol);
enum smbsign_verdict smbsign_policy_decide(const struct smbsign_policy *pol,
					   bool peer_signs, bool guest);
enum smbsign_verdict smbsign_session_decide(struct net *net,
					    enum smbsign_dir dir,
					    u64 session_id, bool peer_signs,
					    bool guest);
u32 smbsign_verdict_status(enum smbsign_verdict v, enum smbsign_dir dir);

int smbsign_policy_offer_algs(struct net *net, u16 *algs, unsigned int max);
int smbsign_policy_select_alg(struct net *net, const u16 *offered,
			      unsigned int count);
bool smbsign_policy_alg_allowed(struct net *net, enum smbsign_dir dir,
				u16 alg);

struct smbsign_session *smbsign_session_register(struct net *net,
						 enum smbsign_dir dir,
						 u64 session_id, u16 dialect,
						 u16 alg);
void smbsign_session_unregister(struct smbsign_session *sess);
void smbsign_session_signed(struct smbsign_session *sess);
void smbsign_session_verified(struct smbsign_session *sess);
void smbsign_session_verify_failed(struct smbsign_session *sess, u16 command,
				   u64 message_id);
void smbsign_report_verify_failure(struct net *net, enum smbsign_dir dir,
				   u16 alg, u64 session_id, u16 command,
				   u64 message_id);

/* smbsign_verify() that also checks the message's direction (sign.c) */
int smbsign_verify_dir(struct smbsign_key *key, enum smbsign_dir dir,
		       const struct kvec *iov, unsigned int nvec);

#endif /* _LINUX_SMBSIGN_H */
