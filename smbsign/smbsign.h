/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign internal declarations shared between the module's source files
 * and, through EXPORT_SYMBOL_IF_KUNIT, its KUnit suites.
 */
#ifndef _SMBSIGN_INTERNAL_H
#define _SMBSIGN_INTERNAL_H

#include <linux/refcount.h>
#include <linux/string.h>
#include <linux/scatterlist.h>
#include <linux/smbsign.h>
#ifdef SMBSIGN_HAVE_LIB_AES
#include <crypto/aes.h>
#endif
#ifdef SMBSIGN_HAVE_LIB_GHASH
#include <crypto/gf128hash.h>
#endif

struct crypto_shash;
struct crypto_ahash;
struct crypto_cipher;
struct crypto_skcipher;
struct crypto_aead;

/* Length of the GMAC nonce (MessageId + role/cancel bits). */
#define SMBSIGN_GMAC_NONCE_SIZE	12

/**
 * struct smbsign_msg - one SMB2 message inside a kvec stream
 * @iov: the kvec array the message lives in
 * @nvec: number of entries in @iov
 * @off: offset of the message's first byte in the stream
 * @len: length of the message
 * @zero_sig: present bytes 48..63 of the message as zeroes to the MAC
 */
struct smbsign_msg {
	const struct kvec *iov;
	unsigned int nvec;
	size_t off;
	size_t len;
	bool zero_sig;
};

typedef int (*smbsign_walk_fn)(void *ctx, const void *p, size_t n);

void smbsign_msg_init(void);
int smbsign_iov_total(const struct kvec *iov, unsigned int nvec,
		      size_t *total);
int smbsign_msg_walk(const struct smbsign_msg *m, smbsign_walk_fn fn,
		     void *ctx);
int smbsign_msg_copy(const struct smbsign_msg *m, u8 *dst);
void smbsign_msg_read_slow(const struct smbsign_msg *m, size_t pos, void *dst,
			   size_t n);
void smbsign_msg_write_slow(const struct smbsign_msg *m, size_t pos,
			    const void *src, size_t n);

/**
 * smbsign_msg_read() - copy bytes of a message out of the stream
 * @m: the message
 * @pos: offset inside the message
 * @dst: destination
 * @n: number of bytes; [@pos, @pos + @n) must lie inside the message
 *
 * Inline, so that header fields (constant @n) in the first kvec, the usual
 * case, are plain loads.
 */
static __always_inline void smbsign_msg_read(const struct smbsign_msg *m,
					     size_t pos, void *dst, size_t n)
{
	if (m->off + pos + n <= m->iov[0].iov_len)
		memcpy(dst, (const u8 *)m->iov[0].iov_base + m->off + pos, n);
	else
		smbsign_msg_read_slow(m, pos, dst, n);
}

/**
 * smbsign_msg_write() - copy bytes into a message in the stream
 * @m: the message
 * @pos: offset inside the message
 * @src: source
 * @n: number of bytes; [@pos, @pos + @n) must lie inside the message
 */
static __always_inline void smbsign_msg_write(const struct smbsign_msg *m,
					      size_t pos, const void *src,
					      size_t n)
{
	if (m->off + pos + n <= m->iov[0].iov_len)
		memcpy((u8 *)m->iov[0].iov_base + m->off + pos, src, n);
	else
		smbsign_msg_write_slow(m, pos, src, n);
}

/**
 * struct smbsign_sgt - a bounded scatterlist being filled
 * @sg: entries
 * @n: entries in use
 * @max: capacity of @sg
 * @bytes: bytes described by the entries in use
 * @end: address just past the last byte added, for coalescing
 * @merge_mask: extend the last entry only if its page offset & @merge_mask
 *	is 0 (CBC must not see a block straddle a page inside one entry)
 */
struct smbsign_sgt {
	struct scatterlist *sg;
	unsigned int n;
	unsigned int max;
	size_t bytes;
	const u8 *end;
	unsigned int merge_mask;
};

void smbsign_sgt_init(struct smbsign_sgt *t, struct scatterlist *sg,
		      unsigned int max);
size_t smbsign_sgt_add(struct smbsign_sgt *t, const void *p, size_t n);

/**
 * struct smbsign_alg_desc - one row of the algorithm table
 * @name: human-readable name, e.g. "AES-128-CMAC"
 * @init: allocate transforms and load @key (process context)
 * @exit: free the transforms
 * @mac: compute the 16-byte MAC of @m into @out; @nonce is the GMAC nonce
 *	(NULL for the other algorithms)
 */
struct smbsign_alg_desc {
	const char *name;
	int (*init)(struct smbsign_key *key, const u8 *k, size_t klen);
	void (*exit)(struct smbsign_key *key);
	int (*mac)(struct smbsign_key *key, const struct smbsign_msg *m,
		   const u8 *nonce, u8 *out);
};

extern const struct smbsign_alg_desc smbsign_algs[SMBSIGN_ALG_COUNT];

/*
 * GHASH key powers held by a SIMD GMAC key (x86/gmac.h): H^1 .. H^8 for
 * PCLMULQDQ, H^32 .. H^1 for VPCLMULQDQ.
 */
#define SMBSIGN_SIMD_HPOWERS	8
#define SMBSIGN_SIMD_VPOWERS	32

/**
 * struct smbsign_simd_key - key state of the x86 SIMD code (smbsign/x86/)
 * @rk: CMAC and GMAC: AES-128 round keys
 * @htab: GMAC with PCLMULQDQ: GHASH key powers H^1 .. H^8, prepared for
 *	x86/simd-x86_64.S
 * @hmid: their halves XORed (in both halves of each entry), the Karatsuba
 *	middle factors; right after @htab, where simd-x86_64.S finds them
 * @vtab: GMAC with VPCLMULQDQ: H^32 .. H^1, prepared likewise
 * @vmid: the same powers' two 64-bit halves XORed (in both halves of each
 *	entry), the Karatsuba middle factors of the VPCLMULQDQ GHASH; right
 *	after @vtab, where simd-x86_64.S finds them
 * @ghash: GMAC: which GHASH of simd-x86_64.S the key uses (enum
 *	smbsign_simd_ghash), fixed when the key is made
 */
struct smbsign_simd_key {
	u8 rk[11 * 16];
	union {
		struct {
			u8 htab[SMBSIGN_SIMD_HPOWERS][16];
			u8 hmid[SMBSIGN_SIMD_HPOWERS][16];
		};
		struct {
			u8 vtab[SMBSIGN_SIMD_VPOWERS][16];
			u8 vmid[SMBSIGN_SIMD_VPOWERS][16];
		};
	};
	u8 ghash;
};

/**
 * struct smbsign_key - a prepared per-session signing key
 * @refs: reference count
 * @dialect: SMB dialect the key signs for
 * @alg: signing algorithm
 * @desc: algorithm table row
 * @shash: HMAC-SHA256 or CMAC transform, keyed once
 * @ghash: GMAC: GHASH transform keyed with H = E_K(0^128)
 * @aes: CMAC and GMAC: the AES block cipher, for single blocks
 * @aes_lib: the same, where the AES library is accelerated (7.x)
 * @polyval: GMAC: POLYVAL library key, for GHASH where the kernel has it (7.x)
 * @simd: smbsign's own x86 SIMD code's key state (x86_64); shares
 *	its space with @aes_lib and @polyval, which such a key does not use
 * @cbc: CMAC: cbc(aes), for the bulk of a message
 * @gcm: GMAC: gcm(aes), where it hashes scattered associated data without
 *	allocating (7.x)
 * @k1: CMAC subkey K1
 * @k2: CMAC subkey K2
 * @driver: crypto drivers picked, for tests and diagnostics
 * @simd_on: the key signs with @simd (else with the crypto API)
 * @gcm_only: GMAC: @gcm alone, no GHASH (FIPS mode refused it)
 * @gcm_over: GMAC, a key with @simd and @gcm: messages longer than this
 *	many bytes go to @gcm (where impl=auto measured the crossover)
 */
struct smbsign_key {
	refcount_t refs;
	u16 dialect;
	u16 alg;
	const struct smbsign_alg_desc *desc;
	struct crypto_shash *shash;
	struct crypto_ahash *ghash;
	struct crypto_cipher *aes;
	union {
		struct {
#ifdef SMBSIGN_HAVE_LIB_AES
			struct aes_enckey aes_lib;
#endif
#ifdef SMBSIGN_HAVE_LIB_GHASH
			struct polyval_key polyval;
#endif
		};
#ifdef CONFIG_X86_64
		struct smbsign_simd_key simd;
#endif
	};
	struct crypto_skcipher *cbc;
	struct crypto_aead *gcm;
	u8 k1[SMBSIGN_KEY_SIZE];
	u8 k2[SMBSIGN_KEY_SIZE];
	const char *driver;
	bool simd_on;
	bool gcm_only;
	u32 gcm_over;
};

/* GHASH implementations of x86/simd-x86_64.S, slowest first */
enum smbsign_simd_ghash {
	SMBSIGN_GHASH_PCLMUL,		/* 128-bit PCLMULQDQ, AVX */
	SMBSIGN_GHASH_VPCLMUL_AVX2,	/* 256-bit VPCLMULQDQ, AVX2 */
	SMBSIGN_GHASH_VPCLMUL_AVX512,	/* 512-bit VPCLMULQDQ, AVX-512 */
};

#ifdef CONFIG_X86_64
int smbsign_simd_ghash_limit(int max);
bool smbsign_simd_usable(u16 alg);
bool smbsign_simd_set(bool on);
bool smbsign_simd_gmac_defers_long(u32 *over);
bool smbsign_simd_gmac_defer_set(bool on);
#else
static inline int smbsign_simd_ghash_limit(int max)
{
	return SMBSIGN_GHASH_PCLMUL;
}

static inline bool smbsign_simd_usable(u16 alg)
{
	return false;
}

static inline bool smbsign_simd_set(bool on)
{
	return false;
}

static inline bool smbsign_simd_gmac_defers_long(u32 *over)
{
	return false;
}

static inline bool smbsign_simd_gmac_defer_set(bool on)
{
	return false;
}
#endif

/* Whether @key signs with the SIMD code (never, where there is none). */
static inline bool smbsign_key_simd(const struct smbsign_key *key)
{
	return key->simd_on;
}

/* Raw primitive access for the self-test and the KUnit KAT suite. */
struct smbsign_key *smbsign_key_alloc_raw(u16 alg, const u8 *k, size_t klen);
int smbsign_key_mac_raw(struct smbsign_key *key, const void *data,
			size_t len, const u8 *nonce, u8 *out);
void smbsign_gmac_nonce(const struct smbsign_msg *m, u8 *nonce);
bool smbsign_gmac_ghash_refuse_set(bool on);

int smbsign_selftest(void);

/* Which code signs, by measurement (impl.c). */
enum smbsign_impl_mode {
	SMBSIGN_IMPL_AUTO,
	SMBSIGN_IMPL_SIMD,
	SMBSIGN_IMPL_CRYPTOAPI,
};

/* impl=auto times messages of 256 B, 1 KiB, 4 KiB and 16 KiB */
#define SMBSIGN_IMPL_SIZES	4

/**
 * struct smbsign_impl_times - what impl=auto measured for an algorithm
 * @simd_cyc: cycles (get_cycles()) a MAC took with smbsign's code, for
 *	each of the SMBSIGN_IMPL_SIZES message sizes, shortest first
 * @api_cyc: the same with the crypto API (0: not measured)
 */
struct smbsign_impl_times {
	u64 simd_cyc[SMBSIGN_IMPL_SIZES];
	u64 api_cyc[SMBSIGN_IMPL_SIZES];
};

/**
 * struct smbsign_impl_choice - which code signs an algorithm's messages
 * @simd_short: smbsign's code makes the keys (else the crypto API does,
 *	and signs every message; @long_over is then ignored)
 * @measured: @t holds what the choice was made from
 * @long_over: with @simd_short: 0 when smbsign's code signs every length;
 *	else messages longer than this many bytes are long and AES-GMAC
 *	hands them to gcm(aes) (the crossover impl=auto measured, never
 *	below 256 B, so never 0)
 * @t: the times
 */
struct smbsign_impl_choice {
	bool simd_short;
	bool measured;
	u32 long_over;
	struct smbsign_impl_times t;
};

void smbsign_impl_pick(bool mix, const struct smbsign_impl_times *t,
		       struct smbsign_impl_choice *c);
void smbsign_impl_choice_set(u16 alg, const struct smbsign_impl_choice *c,
			     struct smbsign_impl_choice *old);
bool smbsign_impl_simd_key(u16 alg);
bool smbsign_impl_long_to_api(u16 alg, u32 *over);
bool smbsign_impl_auto(void);
int smbsign_impl_init(void);

/* The algorithms (hmac.c, cmac.c, gmac.c), their table (impl.c). */
int smbsign_hmac_init(struct smbsign_key *key, const u8 *k, size_t klen);
void smbsign_hmac_exit(struct smbsign_key *key);
int smbsign_hmac_mac(struct smbsign_key *key, const struct smbsign_msg *m,
		     const u8 *nonce, u8 *out);
int smbsign_cmac_init(struct smbsign_key *key, const u8 *k, size_t klen);
void smbsign_cmac_exit(struct smbsign_key *key);
int smbsign_cmac_mac(struct smbsign_key *key, const struct smbsign_msg *m,
		     const u8 *nonce, u8 *out);
int smbsign_cmac_mod_init(void);
void smbsign_cmac_mod_exit(void);
int smbsign_gmac_init(struct smbsign_key *key, const u8 *k, size_t klen);
void smbsign_gmac_exit(struct smbsign_key *key);
int smbsign_gmac_mac(struct smbsign_key *key, const struct smbsign_msg *m,
		     const u8 *nonce, u8 *out);
int smbsign_gmac_mod_init(void);
void smbsign_gmac_mod_exit(void);
void smbsign_drv_names_free(void);

int smbsign_alg_init(void);
void smbsign_alg_exit(void);

int smbsign_kdf_init(void);
void smbsign_kdf_exit(void);

/* Policy and netlink (policy.c, netlink.c). */
int smbsign_policy_init(void);
void smbsign_policy_exit(void);
int smbsign_netlink_init(void);
void smbsign_netlink_exit(void);

#endif /* _SMBSIGN_INTERNAL_H */
