/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu: the assembly functions of the test kernel's arch/x86/crypto
 * that bench-cpu calls, with the key layouts of the 6.12 glue
 * (aesni-intel_glue.c, ghash-clmulni-intel_glue.c).
 *
 * All are weak: a kernel tree without one of the files (the Makefile
 * assembles those it finds) leaves its symbols NULL, and bench-cpu leaves
 * the rows that need them out.
 */
#ifndef _BENCH_KERNEL_GLUE_H
#define _BENCH_KERNEL_GLUE_H

#include <stddef.h>
#include <crypto/aes.h>

#define KASM __attribute__((__weak__))

/* aesni-intel_asm.S */
KASM int aesni_set_key(struct crypto_aes_ctx *ctx, const u8 *in_key,
			     unsigned int key_len);
KASM void aesni_enc(const void *ctx, u8 *out, const u8 *in);
KASM void aesni_cbc_enc(struct crypto_aes_ctx *ctx, u8 *out,
			      const u8 *in, size_t len, u8 *iv);

/* ghash-clmulni-intel_asm.S: the key is bitreflect(H) * x, see its glue */
struct bench_le128 {
	u64 b, a;
};

KASM void clmul_ghash_update(u8 *dst, const u8 *src, unsigned int len,
				   const struct bench_le128 *shash);

/*
 * aesni-intel_glue.c: struct aes_gcm_key_aesni, _avx10 (6.12), _vaes_avx2
 * and _vaes_avx512 (7.x). The 7.x keys start with the AES library's
 * struct aes_enckey (BENCH_GCM_ENCKEY, set by the Makefile from the glue's
 * own offset checks), the 6.x ones with struct crypto_aes_ctx.
 */
#ifdef BENCH_GCM_ENCKEY
struct bench_aes_enckey {
	u32 len;
	u32 nrounds;
	u32 padding[2];
	u32 rndkeys[60];
};
#define BENCH_GCM_AES_KEY	struct bench_aes_enckey aes_key
#else
#define BENCH_GCM_AES_KEY	struct crypto_aes_ctx aes_key
#endif

struct bench_gcm_key_aesni {
	BENCH_GCM_AES_KEY;
	u32 rfc4106_nonce;
	u64 h_powers[8][2] __aligned(16);
	u64 h_powers_xored[8] __aligned(16);
	u64 h_times_x64[2] __aligned(16);
} __aligned(16);

struct bench_gcm_key_vaes_avx2 {
	BENCH_GCM_AES_KEY;
	u32 rfc4106_nonce;
	u64 h_powers[8][2] __aligned(32);
	u64 h_powers_xored[8];
} __aligned(32);

/* 6.12's _avx10 and 7.x's _vaes_avx512 */
struct bench_gcm_key_avx10 {
	BENCH_GCM_AES_KEY;
	u32 rfc4106_nonce;
	u64 h_powers[16][2] __aligned(64);
	u64 padding[3][2];
} __aligned(64);

#define BENCH_GCM_DECL(sfx, keyt)					\
KASM void aes_gcm_precompute_##sfx(keyt *key);				\
KASM void aes_gcm_enc_update_##sfx(const keyt *key,			\
				   const u32 le_ctr[4], u8 acc[16],	\
				   const u8 *src, u8 *dst, int len);	\
KASM void aes_gcm_aad_update_##sfx(const keyt *key, u8 acc[16],	\
				   const u8 *aad, int len);		\
KASM void aes_gcm_enc_final_##sfx(const keyt *key,			\
				  const u32 le_ctr[4], u8 acc[16],	\
				  u64 aadlen, u64 datalen)

BENCH_GCM_DECL(aesni, struct bench_gcm_key_aesni);
BENCH_GCM_DECL(aesni_avx, struct bench_gcm_key_aesni);
BENCH_GCM_DECL(vaes_avx10_256, struct bench_gcm_key_avx10);
BENCH_GCM_DECL(vaes_avx10_512, struct bench_gcm_key_avx10);
BENCH_GCM_DECL(vaes_avx10, struct bench_gcm_key_avx10);
BENCH_GCM_DECL(vaes_avx2, struct bench_gcm_key_vaes_avx2);
BENCH_GCM_DECL(vaes_avx512, struct bench_gcm_key_avx10);

/* lib/crypto/x86/polyval-pclmul-avx.S (7.x): POLYVAL, powers H^8..H^1 */
KASM void polyval_mul_pclmul_avx(u8 a[16], const u8 b[16]);
KASM void polyval_blocks_pclmul_avx(u8 acc[16], const u8 h_powers[8][16],
				    const u8 *data, size_t nblocks);

/*
 * lib/crypto/x86/ghash-pclmul.S (7.x): GHASH one block per multiply, the
 * accumulator in POLYVAL format, the key H * x in POLYVAL format
 * (lib/crypto/gf128hash.c ghash_key_to_polyval())
 */
KASM void ghash_blocks_pclmul(u8 acc[16], const u8 key[16], const u8 *data,
			      size_t nblocks);

/* lib/crypto/x86/aes-aesni.S (7.x): the AES library */
KASM void aes128_expandkey_aesni(u32 rndkeys[], u32 *inv_rndkeys,
				 const u8 in_key[16]);
KASM void aes_encrypt_aesni(const u32 rndkeys[], int nrounds, u8 out[16],
			    const u8 in[16]);

/* aesni-intel_glue.c (6.1): the GCM code before 6.11 */
struct bench_gcm_ctx61 {
	u8 aad_hash[16];
	u64 aad_length;
	u64 in_length;
	u8 partial_block_enc_key[16];
	u8 orig_iv[16];
	u8 current_counter[16];
	u64 partial_block_len;
	u64 unused;
	u8 hash_keys[16 * 16];
} __aligned(16);

#define BENCH_GCM61_DECL(sfx)						\
KASM void aesni_gcm_init##sfx(void *ctx, struct bench_gcm_ctx61 *gdata,	\
			      u8 *iv, u8 *hash_subkey, const u8 *aad,	\
			      unsigned long aad_len);			\
KASM void aesni_gcm_enc_update##sfx(void *ctx,				\
				    struct bench_gcm_ctx61 *gdata,	\
				    u8 *out, const u8 *in,		\
				    unsigned long len);			\
KASM void aesni_gcm_finalize##sfx(void *ctx,				\
				  struct bench_gcm_ctx61 *gdata,	\
				  u8 *tag, unsigned long tag_len)
BENCH_GCM61_DECL();
BENCH_GCM61_DECL(_avx_gen4);

/*
 * kernel-glue.c: key setup and one message for each kernel row. run()
 * writes a 16-byte tag (MAC rows) or the ciphertext to g_dst and its tag or
 * last block (encryption rows).
 */
extern u8 *g_dst;

#define BENCH_ROW(name)							\
void name##_setkey(const u8 *key, size_t klen);				\
void name##_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
BENCH_ROW(k_aes);
void k_cmac_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out);
void k_cbc_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out);
BENCH_ROW(k_ghash);
#define BENCH_GCM_ROWS(sfx)						\
void k_gcm_##sfx##_setkey(const u8 *key, size_t klen);			\
void k_gmac_##sfx##_run(const u8 *msg, size_t len, const u8 *nonce,	\
			u8 *out);					\
void k_gcmenc_##sfx##_run(const u8 *msg, size_t len, const u8 *nonce,	\
			  u8 *out)
BENCH_GCM_ROWS(aesni);
BENCH_GCM_ROWS(aesni_avx);
BENCH_GCM_ROWS(vaes_avx10_256);
BENCH_GCM_ROWS(vaes_avx10_512);
BENCH_GCM_ROWS(vaes_avx2);
BENCH_GCM_ROWS(vaes_avx512);
BENCH_ROW(k_libcmac);
BENCH_ROW(k_polyval);
BENCH_ROW(k_libgcm);
void k_gcm61_setkey(const u8 *key, size_t klen);
void k_gmac61_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out);
void k_gcmenc61_gen4_run(const u8 *msg, size_t len, const u8 *nonce,
			 u8 *out);

#endif
