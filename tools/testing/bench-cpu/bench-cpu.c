// SPDX-License-Identifier: GPL-2.0
/*
 * bench-cpu: smbsign's x86 assembly against the test kernel's own
 * arch/x86/crypto routines and OpenSSL, timed in core cycles on the CPU
 * this runs on. See README.md.
 *
 * First every implementation is checked against OpenSSL's libcrypto for
 * every message length 0..1100 and a few large ones; any mismatch stops the
 * run (exit 1) before anything is timed. Then each implementation MACs one
 * message at a time, back to back, pinned to one CPU: rdtsc around batches
 * of messages, min and median of many batches, the implementations
 * interleaved round by round so that noise from other tasks hits them
 * alike. TSC ticks are turned into core cycles with the TSC/core-clock
 * ratio measured on a chain of dependent adds (one cycle each), since a
 * VM usually has no PMU.
 *
 * Output: one JSON object per line (meta, calib, verify, result, done), to
 * --out or stdout; report.py turns it into tables.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>

#include <asm/cpufeature.h>
#include <crypto/aes.h>
#include "smbsign.h"
#include "kernel-glue.h"
#include "smbsign-glue.h"

#define MAX_SIZE	(8u << 20)
#define PAGE		4096
#define TAG		16
#define NONCE		12

/*
 * MAC: a tag; ENC: an encryption, the reference floor; LIMIT: what an
 * execution unit alone can do (not a MAC: not verified, never compared
 * as an implementation)
 */
enum kind { MAC, ENC, LIMIT };

struct impl {
	const char *alg;	/* HMAC-SHA256, AES-128-CMAC, AES-128-GMAC */
	const char *id;
	const char *desc;
	const char *source;	/* smbsign, kernel, openssl */
	enum kind kind;
	bool zero_sig;		/* the SMB signing path: bytes 48..63 as zero */
	bool (*usable)(void);
	void (*setkey)(const u8 *key, size_t klen);
	/* MAC: 16-byte tag; ENC: ciphertext to g_dst, tag or last block */
	void (*run)(const u8 *msg, size_t len, const u8 *nonce, u8 *out);
	/* timing state */
	unsigned long reps;
	double est;
	double *samples;	/* core cycles per message */
	size_t nsamples, cap;
	double ratio_sum;	/* TSC/core-clock ratios of its rounds */
	unsigned int ratio_n;
	unsigned long preempted;	/* batches dropped: switched out */
	unsigned long clock_moved;	/* rounds retaken: the clock moved */
	unsigned long all_preempted;	/* rounds with only dropped batches */
};

u8 *g_dst;
static u8 *g_msg, *g_ref;
static FILE *g_out;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench-cpu: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---------------------------------------------------------- CPU features */

static bool cpu_smbsign_aes(void)
{
	return boot_cpu_has(X86_FEATURE_AES) &&
	       boot_cpu_has(X86_FEATURE_PCLMULQDQ) &&
	       boot_cpu_has(X86_FEATURE_AVX) &&
	       cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL);
}

static bool cpu_avx2_bmi(void)
{
	return boot_cpu_has(X86_FEATURE_AVX2) &&
	       boot_cpu_has(X86_FEATURE_BMI1) &&
	       boot_cpu_has(X86_FEATURE_BMI2) &&
	       cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL);
}

static bool cpu_avx(void)
{
	return boot_cpu_has(X86_FEATURE_AVX) &&
	       cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL);
}

static bool cpu_aesni(void)
{
	return boot_cpu_has(X86_FEATURE_AES) &&
	       boot_cpu_has(X86_FEATURE_PCLMULQDQ);
}

/* aesni-intel_glue.c register_avx_algs(): the avx10 GCM drivers */
static bool cpu_avx10(void)
{
	return cpu_avx() && boot_cpu_has(X86_FEATURE_VAES) &&
	       boot_cpu_has(X86_FEATURE_VPCLMULQDQ) &&
	       boot_cpu_has(X86_FEATURE_AVX512BW) &&
	       boot_cpu_has(X86_FEATURE_AVX512VL) &&
	       boot_cpu_has(X86_FEATURE_BMI2) &&
	       cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM |
				 XFEATURE_MASK_AVX512, NULL);
}

static bool cpu_vpclmul_avx2(void)
{
	return cpu_smbsign_aes() && boot_cpu_has(X86_FEATURE_AVX2) &&
	       boot_cpu_has(X86_FEATURE_VPCLMULQDQ);
}

/* the kernel's assembly present in this build (weak symbols) */
static bool k_aesni(void)
{
	return cpu_aesni() && aesni_set_key && aesni_enc && aesni_cbc_enc;
}

static bool k_ghash(void)
{
	return k_aesni() && clmul_ghash_update;
}

static bool k_gcm_aesni(void)
{
	return k_aesni() && aes_gcm_precompute_aesni;
}

static bool k_gcm_aesni_avx(void)
{
	return k_aesni() && cpu_avx() && aes_gcm_precompute_aesni_avx;
}

static bool k_gcm_avx10(void)
{
	return k_aesni() && cpu_avx10() && aes_gcm_precompute_vaes_avx10_512 &&
	       aes_gcm_precompute_vaes_avx10_256;
}

static bool k_gcm_vaes_avx2(void)
{
	/* aesni-intel_glue.c register_avx_algs() (7.x) */
	return k_aesni() && cpu_avx2_bmi() && boot_cpu_has(X86_FEATURE_VAES) &&
	       boot_cpu_has(X86_FEATURE_VPCLMULQDQ) &&
	       aes_gcm_precompute_vaes_avx2;
}

static bool k_gcm_vaes_avx512(void)
{
	return k_aesni() && cpu_avx10() && aes_gcm_precompute_vaes_avx512;
}

static bool k_polyval(void)
{
	return k_aesni() && cpu_avx() && polyval_mul_pclmul_avx &&
	       polyval_blocks_pclmul_avx;
}

static bool k_libcmac(void)
{
	return cpu_aesni() && aes128_expandkey_aesni && aes_encrypt_aesni;
}

static bool k_libgcm(void)
{
	/* lib/crypto/x86/gf128hash.h: ghash_blocks_pclmul needs PCLMULQDQ */
	return k_libcmac() && boot_cpu_has(X86_FEATURE_PCLMULQDQ) &&
	       ghash_blocks_pclmul && polyval_mul_pclmul_avx;
}

static bool k_gcm61(void)
{
	return k_aesni() && aesni_gcm_init && aesni_gcm_finalize;
}

static bool k_gcm61_gen4(void)
{
	return k_aesni() && cpu_avx2_bmi() && aesni_gcm_init_avx_gen4 &&
	       aesni_gcm_enc_update_avx_gen4 && aesni_gcm_finalize_avx_gen4;
}

static bool always(void)
{
	return true;
}

/* ------------------------------------------------- the multiplier alone */

void bench_clmul_limit_128(u8 *out, const u8 *src, size_t n);
void bench_clmul_limit_256(u8 *out, const u8 *src, size_t n);
void bench_clmul_limit_512(u8 *out, const u8 *src, size_t n);

static bool cpu_pclmul_avx(void)
{
	return boot_cpu_has(X86_FEATURE_PCLMULQDQ) &&
	       boot_cpu_has(X86_FEATURE_AVX) &&
	       cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL);
}

static void limit_setkey(const u8 *key, size_t klen)
{
	(void)key;
	(void)klen;
}

/*
 * Whole runs of 8 vectors, the message rounded up to one (reading at most
 * 511 bytes past it, inside g_msg): short sizes pay for a whole run.
 */
static void limit_clmul_128_run(const u8 *msg, size_t len, const u8 *nonce,
				u8 *out)
{
	(void)nonce;
	bench_clmul_limit_128(out, msg, (len + 127) & ~(size_t)127);
}

static void limit_clmul_256_run(const u8 *msg, size_t len, const u8 *nonce,
				u8 *out)
{
	(void)nonce;
	bench_clmul_limit_256(out, msg, (len + 255) & ~(size_t)255);
}

static void limit_clmul_512_run(const u8 *msg, size_t len, const u8 *nonce,
				u8 *out)
{
	(void)nonce;
	bench_clmul_limit_512(out, msg, (len + 511) & ~(size_t)511);
}

/* ---------------------------------------------------------------- smbsign */

static struct smbsign_key g_skey __aligned(64);

static void msg_of(struct smbsign_msg *m, struct kvec *iov, const u8 *msg,
		   size_t len, bool zero_sig)
{
	iov->iov_base = (void *)msg;
	iov->iov_len = len;
	m->iov = iov;
	m->nvec = 1;
	m->off = 0;
	m->len = len;
	/* an SMB2 message has a 64-byte header; shorter ones: plain MAC */
	m->zero_sig = zero_sig && len >= SMBSIGN_HDR_SIZE;
}

/*
 * The layout consumers hand over (as make bench's "multi" rows): a kvec of
 * the SMB2 header and a WRITE request (112 bytes), then one kvec a 4 KiB
 * page, here all pointing into the one buffer.
 */
#define KVECS_HDR	112
#define KVECS_MAX	(MAX_SIZE / 4096 + 2)

static void msg_kvecs(struct smbsign_msg *m, struct kvec *iov, const u8 *msg,
		      size_t len)
{
	size_t off = 0, n = len < KVECS_HDR ? len : KVECS_HDR;

	msg_of(m, iov, msg, len, true);
	m->nvec = 0;
	do {
		iov[m->nvec].iov_base = (void *)(msg + off);
		iov[m->nvec++].iov_len = n;
		off += n;
		n = len - off < 4096 ? len - off : 4096;
	} while (off < len);
}

static void s_cmac_setkey(const u8 *key, size_t klen)
{
	(void)klen;
	memset(&g_skey, 0, sizeof(g_skey));
	if (smbsign_glue_cmac_init(&g_skey, key))
		die("cmac init");
}

static void s_cmac_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	struct smbsign_msg m;
	struct kvec iov;

	(void)nonce;
	msg_of(&m, &iov, msg, len, true);
	if (smbsign_glue_cmac_mac(&g_skey, &m, out))
		die("cmac mac");
}

static void s_cmac_kvecs_run(const u8 *msg, size_t len, const u8 *nonce,
			     u8 *out)
{
	static struct kvec iov[KVECS_MAX];
	struct smbsign_msg m;

	(void)nonce;
	msg_kvecs(&m, iov, msg, len);
	if (smbsign_glue_cmac_mac(&g_skey, &m, out))
		die("cmac mac");
}

static void s_gmac_setkey(const u8 *key, size_t klen)
{
	(void)klen;
	memset(&g_skey, 0, sizeof(g_skey));
	if (smbsign_glue_gmac_init(&g_skey, key))
		die("gmac init");
}

/* the same glue with a slower GHASH than the CPU's best */
static void s_gmac_setkey_max(const u8 *key, size_t klen, int max)
{
	int old = smbsign_simd_ghash_limit(max);

	s_gmac_setkey(key, klen);
	smbsign_simd_ghash_limit(old);
	if (g_skey.simd.ghash != max)
		die("gmac init: GHASH %d, not %d", g_skey.simd.ghash, max);
}

static void s_gmac_pclmul_setkey(const u8 *key, size_t klen)
{
	s_gmac_setkey_max(key, klen, SMBSIGN_GHASH_PCLMUL);
}

static void s_gmac_avx2_setkey(const u8 *key, size_t klen)
{
	s_gmac_setkey_max(key, klen, SMBSIGN_GHASH_VPCLMUL_AVX2);
}

static void s_gmac_avx512_setkey(const u8 *key, size_t klen)
{
	s_gmac_setkey_max(key, klen, SMBSIGN_GHASH_VPCLMUL_AVX512);
}

static void s_gmac_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	struct smbsign_msg m;
	struct kvec iov;

	msg_of(&m, &iov, msg, len, true);
	if (smbsign_glue_gmac_mac(&g_skey, &m, nonce, out))
		die("gmac mac");
}

static void s_gmac_kvecs_run(const u8 *msg, size_t len, const u8 *nonce,
			     u8 *out)
{
	static struct kvec iov[KVECS_MAX];
	struct smbsign_msg m;

	msg_kvecs(&m, iov, msg, len);
	if (smbsign_glue_gmac_mac(&g_skey, &m, nonce, out))
		die("gmac mac");
}

/* ---------------------------------------------------------------- OpenSSL */

static EVP_MAC *g_hmac_mac, *g_cmac_mac;
static EVP_MAC_CTX *g_mctx;
static EVP_CIPHER_CTX *g_cctx;

static void o_hmac_setkey(const u8 *key, size_t klen)
{
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 "SHA256", 0),
		OSSL_PARAM_construct_end()
	};

	EVP_MAC_CTX_free(g_mctx);
	g_mctx = EVP_MAC_CTX_new(g_hmac_mac);
	/* OpenSSL wants a non-NULL key even when it is empty */
	if (!g_mctx || !EVP_MAC_init(g_mctx, klen ? key : (const u8 *)"",
				     klen, p))
		die("EVP_MAC_init(HMAC)");
}

static void o_mac_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	u8 full[64];
	size_t n;

	(void)nonce;
	/* a NULL key re-uses the key set above */
	if (!EVP_MAC_init(g_mctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(g_mctx, msg, len) ||
	    !EVP_MAC_final(g_mctx, full, &n, sizeof(full)))
		die("EVP_MAC");
	memcpy(out, full, TAG);
}

static void o_cmac_setkey(const u8 *key, size_t klen)
{
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						 "AES-128-CBC", 0),
		OSSL_PARAM_construct_end()
	};

	(void)klen;
	EVP_MAC_CTX_free(g_mctx);
	g_mctx = EVP_MAC_CTX_new(g_cmac_mac);
	if (!g_mctx || !EVP_MAC_init(g_mctx, key, 16, p))
		die("EVP_MAC_init(CMAC)");
}

static void o_cipher_setkey(const EVP_CIPHER *c, const u8 *key)
{
	EVP_CIPHER_CTX_free(g_cctx);
	g_cctx = EVP_CIPHER_CTX_new();
	if (!g_cctx || !EVP_EncryptInit_ex(g_cctx, c, NULL, key, NULL))
		die("EVP_EncryptInit_ex");
	EVP_CIPHER_CTX_set_padding(g_cctx, 0);
}

static void o_gcm_setkey(const u8 *key, size_t klen)
{
	(void)klen;
	o_cipher_setkey(EVP_aes_128_gcm(), key);
}

static void o_cbc_setkey(const u8 *key, size_t klen)
{
	(void)klen;
	o_cipher_setkey(EVP_aes_128_cbc(), key);
}

/* AES-128-GCM with the message as AAD only */
static void o_gmac_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	int n;
	u8 none[16];

	if (!EVP_EncryptInit_ex(g_cctx, NULL, NULL, NULL, nonce) ||
	    (len && !EVP_EncryptUpdate(g_cctx, NULL, &n, msg, len)) ||
	    !EVP_EncryptFinal_ex(g_cctx, none, &n) ||
	    !EVP_CIPHER_CTX_ctrl(g_cctx, EVP_CTRL_GCM_GET_TAG, TAG, out))
		die("GMAC");
}

static void o_gcmenc_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	int n;

	if (!EVP_EncryptInit_ex(g_cctx, NULL, NULL, NULL, nonce) ||
	    (len && !EVP_EncryptUpdate(g_cctx, g_dst, &n, msg, len)) ||
	    !EVP_EncryptFinal_ex(g_cctx, g_dst + len, &n) ||
	    !EVP_CIPHER_CTX_ctrl(g_cctx, EVP_CTRL_GCM_GET_TAG, TAG, out))
		die("GCM");
}

static void o_cbc_run(const u8 *msg, size_t len, const u8 *nonce, u8 *out)
{
	static const u8 iv[16];
	int n;

	(void)nonce;
	if (!EVP_EncryptInit_ex(g_cctx, NULL, NULL, NULL, iv) ||
	    (len && !EVP_EncryptUpdate(g_cctx, g_dst, &n, msg, len)))
		die("CBC");
	memcpy(out, len ? g_dst + len - 16 : iv, 16);
}

/* ----------------------------------------------- references (one-shot) */

static void ref_hmac(const u8 *key, size_t klen, const u8 *msg, size_t len,
		     u8 *out)
{
	u8 full[32];
	unsigned int n;

	if (!HMAC(EVP_sha256(), klen ? key : (const u8 *)"", klen, msg, len,
		  full, &n))
		die("HMAC");
	memcpy(out, full, TAG);
}

static void ref_cmac(const u8 *key, const u8 *msg, size_t len, u8 *out)
{
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						 "AES-128-CBC", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(g_cmac_mac);
	size_t n;

	if (!c || !EVP_MAC_init(c, key, 16, p) ||
	    !EVP_MAC_update(c, msg, len) || !EVP_MAC_final(c, out, &n, 16))
		die("CMAC");
	EVP_MAC_CTX_free(c);
}

/* GCM: AAD @aad/@alen, plaintext @msg/@len to @dst, tag to @tag */
static void ref_gcm(const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t alen, const u8 *msg, size_t len, u8 *dst, u8 *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	u8 none[16];
	int n;

	if (!c || !EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) ||
	    (alen && !EVP_EncryptUpdate(c, NULL, &n, aad, alen)) ||
	    (len && !EVP_EncryptUpdate(c, dst, &n, msg, len)) ||
	    !EVP_EncryptFinal_ex(c, none, &n) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG, tag))
		die("GCM reference");
	EVP_CIPHER_CTX_free(c);
}

static void ref_cbc(const u8 *key, const u8 *msg, size_t len, u8 *dst)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	static const u8 iv[16];
	int n;

	if (!c || !EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv))
		die("CBC reference");
	EVP_CIPHER_CTX_set_padding(c, 0);
	if (len && !EVP_EncryptUpdate(c, dst, &n, msg, len))
		die("CBC reference");
	EVP_CIPHER_CTX_free(c);
}

/* ------------------------------------------------------------ the table */

#define HMAC_ALG "HMAC-SHA256"
#define CMAC_ALG "AES-128-CMAC"
#define GMAC_ALG "AES-128-GMAC"

static struct impl impls[] = {
	{ HMAC_ALG, "openssl", "OpenSSL HMAC-SHA256 (EVP_MAC, keyed once)",
	  "openssl", MAC, false, always, o_hmac_setkey, o_mac_run },

	{ CMAC_ALG, "smbsign", "smbsign AES-128-CMAC (simd-x86_64.S)",
	  "smbsign", MAC, true, cpu_smbsign_aes, s_cmac_setkey, s_cmac_run },
	{ CMAC_ALG, "smbsign-kvecs", "smbsign AES-128-CMAC, the message as a 112-byte kvec (SMB2 header and WRITE request) and 4 KiB kvecs",
	  "smbsign", MAC, true, cpu_smbsign_aes, s_cmac_setkey, s_cmac_kvecs_run },
	{ CMAC_ALG, "glue+cbc-aes-aesni",
	  "CMAC with the kernel's aesni_cbc_enc (cbc-aes-aesni) and the tweaked last block",
	  "kernel", MAC, false, k_aesni, k_aes_setkey, k_cmac_run },
	{ CMAC_ALG, "lib-aes-cmac",
	  "kernel 7.x AES-CMAC library: one aes_encrypt_aesni() per block",
	  "kernel", MAC, false, k_libcmac, k_libcmac_setkey, k_libcmac_run },
	{ CMAC_ALG, "openssl", "OpenSSL AES-128-CMAC (EVP_MAC, keyed once)",
	  "openssl", MAC, false, always, o_cmac_setkey, o_mac_run },
	{ CMAC_ALG, "floor:cbc-aes-aesni",
	  "kernel cbc-aes-aesni encryption (aesni_cbc_enc): the serial floor",
	  "kernel", ENC, false, k_aesni, k_aes_setkey, k_cbc_run },
	{ CMAC_ALG, "floor:openssl-cbc",
	  "OpenSSL AES-128-CBC encryption: the serial floor",
	  "openssl", ENC, false, always, o_cbc_setkey, o_cbc_run },

	{ GMAC_ALG, "smbsign", "smbsign AES-128-GMAC (simd-x86_64.S), the GHASH smbsign_simd_detect() picks on this CPU",
	  "smbsign", MAC, true, cpu_smbsign_aes, s_gmac_setkey, s_gmac_run },
	{ GMAC_ALG, "smbsign-kvecs", "smbsign AES-128-GMAC, the message as a 112-byte kvec (SMB2 header and WRITE request) and 4 KiB kvecs",
	  "smbsign", MAC, true, cpu_smbsign_aes, s_gmac_setkey, s_gmac_kvecs_run },
	{ GMAC_ALG, "smbsign-pclmul", "smbsign AES-128-GMAC with the 128-bit PCLMULQDQ GHASH (smbsign_ghash_avx)",
	  "smbsign", MAC, true, cpu_smbsign_aes, s_gmac_pclmul_setkey, s_gmac_run },
	{ GMAC_ALG, "smbsign-vpclmul-avx2", "smbsign AES-128-GMAC with the 256-bit VPCLMULQDQ GHASH (smbsign_ghash_vpclmul_avx2)",
	  "smbsign", MAC, true, cpu_vpclmul_avx2, s_gmac_avx2_setkey, s_gmac_run },
	{ GMAC_ALG, "smbsign-vpclmul-avx512", "smbsign AES-128-GMAC with the 512-bit VPCLMULQDQ GHASH (smbsign_ghash_vpclmul_avx512)",
	  "smbsign", MAC, true, cpu_avx10, s_gmac_avx512_setkey, s_gmac_run },
	{ GMAC_ALG, "ghash-clmulni",
	  "kernel ghash-clmulni-intel GHASH + aesni_enc E_K(J0) (crypto API ghash path)",
	  "kernel", MAC, false, k_ghash, k_ghash_setkey, k_ghash_run },
	{ GMAC_ALG, "polyval-lib",
	  "kernel 7.x POLYVAL library (polyval-pclmul-avx) as GHASH, blocks reversed in 512-byte chunks (smbsign's crypto-API GMAC on 7.x)",
	  "kernel", MAC, false, k_polyval, k_polyval_setkey, k_polyval_run },
	{ GMAC_ALG, "lib-aes-gcm",
	  "kernel 7.3 AES-GCM library as GMAC (aes_gcm_init/auth_update/encrypt_final): ghash-pclmul one block per multiply + aes_encrypt_aesni E_K(J0)",
	  "kernel", MAC, false, k_libgcm, k_libgcm_setkey, k_libgcm_run },
	{ GMAC_ALG, "gcm-aesni",
	  "kernel generic-gcm-aesni used as GMAC (AAD in 4 KiB pieces)",
	  "kernel", MAC, false, k_gcm_aesni, k_gcm_aesni_setkey,
	  k_gmac_aesni_run },
	{ GMAC_ALG, "gcm-aesni-avx",
	  "kernel generic-gcm-aesni-avx used as GMAC (AAD in 4 KiB pieces)",
	  "kernel", MAC, false, k_gcm_aesni_avx, k_gcm_aesni_avx_setkey,
	  k_gmac_aesni_avx_run },
	{ GMAC_ALG, "gcm-vaes-avx10_256",
	  "kernel generic-gcm-vaes-avx10_256 used as GMAC (AAD in 4 KiB pieces)",
	  "kernel", MAC, false, k_gcm_avx10, k_gcm_vaes_avx10_256_setkey,
	  k_gmac_vaes_avx10_256_run },
	{ GMAC_ALG, "gcm-vaes-avx10_512",
	  "kernel generic-gcm-vaes-avx10_512 used as GMAC (AAD in 4 KiB pieces)",
	  "kernel", MAC, false, k_gcm_avx10, k_gcm_vaes_avx10_512_setkey,
	  k_gmac_vaes_avx10_512_run },
	{ GMAC_ALG, "gcm-vaes-avx2",
	  "kernel 7.x generic-gcm-vaes-avx2 used as GMAC (AAD in 4 KiB pieces)",
	  "kernel", MAC, false, k_gcm_vaes_avx2, k_gcm_vaes_avx2_setkey,
	  k_gmac_vaes_avx2_run },
	{ GMAC_ALG, "gcm-vaes-avx512",
	  "kernel 7.x generic-gcm-vaes-avx512 used as GMAC (AAD in 4 KiB pieces)",
	  "kernel", MAC, false, k_gcm_vaes_avx512, k_gcm_vaes_avx512_setkey,
	  k_gmac_vaes_avx512_run },
	{ GMAC_ALG, "gcm-aesni-6.1",
	  "kernel 6.1 generic-gcm-aesni used as GMAC (SSE: no plaintext; AAD linear, key powers derived per request)",
	  "kernel", MAC, false, k_gcm61, k_gcm61_setkey, k_gmac61_run },
	{ GMAC_ALG, "openssl", "OpenSSL AES-128-GCM with the message as AAD only",
	  "openssl", MAC, false, always, o_gcm_setkey, o_gmac_run },
	{ GMAC_ALG, "limit:gcm-vaes-avx10_512-enc",
	  "kernel VAES GCM encryption of the message (no AAD): what the CPU's GHASH+AES can do",
	  "kernel", ENC, false, k_gcm_avx10, k_gcm_vaes_avx10_512_setkey,
	  k_gcmenc_vaes_avx10_512_run },
	{ GMAC_ALG, "limit:gcm-vaes-avx512-enc",
	  "kernel 7.x VAES GCM encryption of the message (no AAD): what the CPU's GHASH+AES can do",
	  "kernel", ENC, false, k_gcm_vaes_avx512, k_gcm_vaes_avx512_setkey,
	  k_gcmenc_vaes_avx512_run },
	{ GMAC_ALG, "limit:gcm-aesni-avx-enc",
	  "kernel AES-NI/AVX GCM encryption of the message (no AAD)",
	  "kernel", ENC, false, k_gcm_aesni_avx, k_gcm_aesni_avx_setkey,
	  k_gcmenc_aesni_avx_run },
	{ GMAC_ALG, "limit:gcm-avx-gen4-6.1-enc",
	  "kernel 6.1 AVX2 (gen4) GCM encryption of the message (no AAD)",
	  "kernel", ENC, false, k_gcm61_gen4, k_gcm61_setkey,
	  k_gcmenc61_gen4_run },
	{ GMAC_ALG, "limit:clmul-128-karatsuba",
	  "the carry-less multiplier alone, as the 128-bit PCLMULQDQ GHASH multiplies: 3 PCLMULQDQ per 16-byte block, no reduction, the message rounded up to 128 B",
	  "cpu", LIMIT, false, cpu_pclmul_avx, limit_setkey,
	  limit_clmul_128_run },
	{ GMAC_ALG, "limit:clmul-256-karatsuba",
	  "the carry-less multiplier alone, as the 256-bit VPCLMULQDQ GHASH multiplies: 3 VPCLMULQDQ per 32 bytes, no reduction, the message rounded up to 256 B",
	  "cpu", LIMIT, false, cpu_vpclmul_avx2, limit_setkey,
	  limit_clmul_256_run },
	{ GMAC_ALG, "limit:clmul-512-karatsuba",
	  "the carry-less multiplier alone, as the 512-bit VPCLMULQDQ GHASH multiplies: 3 VPCLMULQDQ per 64 bytes, no reduction, the message rounded up to 512 B",
	  "cpu", LIMIT, false, cpu_avx10, limit_setkey,
	  limit_clmul_512_run },
	{ GMAC_ALG, "limit:openssl-gcm-enc",
	  "OpenSSL AES-128-GCM encryption of the message (no AAD)",
	  "openssl", ENC, false, always, o_gcm_setkey, o_gcmenc_run },
};
#define NIMPLS ARRAY_SIZE(impls)

/* -------------------------------------------------------------- helpers */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill(u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rng() >> 56;
}

static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(g_out, fmt, ap);
	va_end(ap);
	fputc('\n', g_out);
	fflush(g_out);
}

static void json_str(char *dst, size_t n, const char *s)
{
	size_t i = 0;

	for (; *s && i + 3 < n; s++) {
		if (*s == '"' || *s == '\\')
			dst[i++] = '\\';
		dst[i++] = *s;
	}
	dst[i] = 0;
}

static inline u64 tsc_begin(void)
{
	u64 t;

	_mm_lfence();
	t = __rdtsc();
	_mm_lfence();
	return t;
}

static inline u64 tsc_end(void)
{
	unsigned int aux;
	u64 t = __rdtscp(&aux);

	_mm_lfence();
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------- verifying */

/* The expected tag (and for ENC rows, g_ref: the ciphertext). */
static bool expected(const struct impl *im, const u8 *key, size_t klen,
		     const u8 *nonce, const u8 *msg, size_t len, u8 *tag)
{
	const u8 *in = msg;

	if (im->kind == LIMIT)
		return false;	/* not a MAC: nothing to check */
	if (im->zero_sig && len >= SMBSIGN_HDR_SIZE) {
		/* the MAC of the message with its signature field zeroed */
		memcpy(g_ref, msg, len);
		memset(g_ref + SMBSIGN_SIG_OFFSET, 0, SMBSIGN_SIG_SIZE);
		in = g_ref;
	}
	if (!strcmp(im->alg, HMAC_ALG)) {
		ref_hmac(key, klen, in, len, tag);
	} else if (!strcmp(im->alg, CMAC_ALG) && im->kind == MAC) {
		ref_cmac(key, in, len, tag);
	} else if (!strcmp(im->alg, CMAC_ALG)) {
		if (!len || len % 16)
			return false;	/* CBC: whole blocks only */
		ref_cbc(key, msg, len, g_ref);
		memcpy(tag, g_ref + len - 16, 16);
	} else if (im->kind == MAC) {
		ref_gcm(key, nonce, in, len, NULL, 0, NULL, tag);
	} else {
		ref_gcm(key, nonce, NULL, 0, msg, len, g_ref, tag);
	}
	return true;
}

static void hex(char *dst, const u8 *p, size_t n)
{
	while (n--)
		dst += sprintf(dst, "%02x", *p++);
}

static unsigned long verify_one(struct impl *im, size_t len, size_t klen)
{
	u8 key[256], nonce[NONCE], want[TAG], got[TAG];
	char w[40], g[40];
	u8 *msg = g_msg + (rng() % 2) * 16 * (len <= 1100);

	fill(key, klen);
	fill(nonce, NONCE);
	fill(msg, len);
	if (!expected(im, key, klen, nonce, msg, len, want))
		return 0;
	im->setkey(key, klen);
	memset(got, 0xa5, sizeof(got));
	im->run(msg, len, nonce, got);
	if (memcmp(got, want, TAG) ||
	    (im->kind == ENC && len && memcmp(g_dst, g_ref, len))) {
		hex(w, want, TAG);
		hex(g, got, TAG);
		fprintf(stderr,
			"bench-cpu: MISMATCH %s %s len %zu klen %zu: want %s got %s%s\n",
			im->alg, im->id, len, klen, w, g,
			im->kind == ENC ? " (or the ciphertext)" : "");
		emit("{\"verify\": \"fail\", \"alg\": \"%s\", \"id\": \"%s\", \"len\": %zu, \"klen\": %zu}",
		     im->alg, im->id, len, klen);
		exit(1);
	}
	return 1;
}

static const size_t big_lens[] = {
	4095, 4096, 4097, 4096 * 3 + 5, 65536, 65536 + 48 + 7,
	(1 << 20) - 1, (1 << 20) + 16, MAX_SIZE - 13, MAX_SIZE,
};

static const size_t hmac_klens[] = { 0, 1, 15, 32, 63, 64, 65, 100, 200 };

struct opts {
	bool modes[2];		/* back to back, serialized */
	double cell_time;	/* seconds per (implementation, size) */
	unsigned int rounds;
	int cpu;
	const char *only;
	bool verify_only, no_verify, list, rt;
};

static bool selected(const struct impl *im, const struct opts *o)
{
	char buf[200];

	if (!im->usable())
		return false;
	if (!o->only)
		return true;
	snprintf(buf, sizeof(buf), "%s/%s", im->alg, im->id);
	return strstr(buf, o->only) != NULL;
}

static void verify_all(const struct opts *o)
{
	size_t i, len, j;

	for (i = 0; i < NIMPLS; i++) {
		struct impl *im = &impls[i];
		unsigned long n = 0;

		if (!selected(im, o) || im->kind == LIMIT)
			continue;
		for (len = 0; len <= 1100; len++)
			n += verify_one(im, len, 16);
		for (j = 0; j < ARRAY_SIZE(big_lens); j++)
			n += verify_one(im, big_lens[j], 16);
		if (!strcmp(im->alg, HMAC_ALG))
			for (j = 0; j < ARRAY_SIZE(hmac_klens); j++)
				for (len = 0; len <= 300; len += 7)
					n += verify_one(im, len, hmac_klens[j]);
		fprintf(stderr, "bench-cpu: verified %-14s %-30s %lu messages\n",
			im->alg, im->id, n);
		emit("{\"verify\": \"ok\", \"alg\": \"%s\", \"id\": \"%s\", \"messages\": %lu}",
		     im->alg, im->id, n);
	}
}

/*
 * The VPCLMULQDQ GHASH's SMBSIGN_GHASH_ZERO_SIG, the header's run being
 * a whole reduction (the loop) or the tail (a 512-bit key's message of
 * 256-511 bytes): every run length from 4 to 80 blocks, final call or
 * not, against the same code without the flag on a copy whose signature
 * field is zeroed.
 */
void smbsign_ghash_vpclmul_avx2(u8 *acc, const u8 *src, size_t nblocks,
				const u8 *keys, const u8 *rk, const u8 *j0);
void smbsign_ghash_vpclmul_avx512(u8 *acc, const u8 *src, size_t nblocks,
				  const u8 *keys, const u8 *rk, const u8 *j0);

static const struct {
	const char *id;
	int ghash;
	size_t run;	/* blocks per reduction */
	void (*fn)(u8 *, const u8 *, size_t, const u8 *, const u8 *,
		   const u8 *);
} vghash[] = {
	{ "smbsign-vpclmul-avx2", SMBSIGN_GHASH_VPCLMUL_AVX2, 16,
	  smbsign_ghash_vpclmul_avx2 },
	{ "smbsign-vpclmul-avx512", SMBSIGN_GHASH_VPCLMUL_AVX512, 32,
	  smbsign_ghash_vpclmul_avx512 },
};

/* Whether vghash[@i] is selected; if so, a key of its GHASH in g_skey. */
static bool vghash_key(size_t i, const struct opts *o)
{
	u8 key[16];
	size_t k;

	for (k = 0; k < NIMPLS; k++)
		if (!strcmp(impls[k].alg, GMAC_ALG) &&
		    !strcmp(impls[k].id, vghash[i].id))
			break;
	if (k == NIMPLS || !selected(&impls[k], o))
		return false;
	fill(key, sizeof(key));
	s_gmac_setkey_max(key, sizeof(key), vghash[i].ghash);
	return true;
}

static void verify_zero_sig(const struct opts *o)
{
	u8 j0[16], acc[16], a[16], b[16], buf[80 * 16];
	unsigned long n = 0;
	size_t i, nb;
	int fin;

	for (i = 0; i < ARRAY_SIZE(vghash); i++) {
		if (!vghash_key(i, o))
			continue;
		for (nb = 4; nb <= 80; nb++) {
			for (fin = 0; fin < 2; fin++) {
				const u8 *rk = fin ? g_skey.simd.rk : NULL;

				fill(acc, sizeof(acc));
				fill(j0, sizeof(j0));
				fill(g_msg, nb * 16);
				memcpy(a, acc, 16);
				memcpy(b, acc, 16);
				vghash[i].fn(a, g_msg, nb | 1ULL << 63,
					     &g_skey.simd.vtab[0][0], rk, j0);
				memcpy(buf, g_msg, nb * 16);
				memset(buf + 48, 0, 16);
				vghash[i].fn(b, buf, nb,
					     &g_skey.simd.vtab[0][0], rk, j0);
				if (memcmp(a, b, 16))
					die("MISMATCH %s: signature field zeroed by the flag, %zu blocks%s",
					    vghash[i].id, nb,
					    fin ? ", final" : "");
				n++;
			}
		}
		fprintf(stderr, "bench-cpu: verified %-14s %-30s %lu runs (SMBSIGN_GHASH_ZERO_SIG)\n",
			GMAC_ALG, vghash[i].id, n);
		emit("{\"verify\": \"ok\", \"alg\": \"%s\", \"id\": \"%s zero-sig\", \"messages\": %lu}",
		     GMAC_ALG, vghash[i].id, n);
		n = 0;
	}
}

/*
 * The kvec walks (a message not in one buffer, or longer than 4 KiB):
 * every length 0-1100 and the big ones, each with 0-40 bytes of other
 * data before and after it in the kvec stream (a compound element: the
 * message at an offset), the stream cut at 1 to 6 random places (blocks
 * and the header split between kvecs, empty kvecs, the whole header in
 * the first kvec or not), or a quarter of the time cut around the message
 * alone (its whole header and last kvec in one later kvec). Every GHASH
 * the CPU has, CMAC too, against OpenSSL on a copy with the signature
 * field zeroed; the seed is fixed, so a failure repeats.
 */
static void verify_kvecs(const struct opts *o)
{
	static const struct {
		const char *alg;
		int ghash;		/* -1: CMAC */
		bool (*usable)(void);
	} w[] = {
		{ CMAC_ALG, -1, cpu_smbsign_aes },
		{ GMAC_ALG, SMBSIGN_GHASH_PCLMUL, cpu_smbsign_aes },
		{ GMAC_ALG, SMBSIGN_GHASH_VPCLMUL_AVX2, cpu_vpclmul_avx2 },
		{ GMAC_ALG, SMBSIGN_GHASH_VPCLMUL_AVX512, cpu_avx10 },
	};
	static struct kvec iov[8];
	u8 key[16], nonce[NONCE], want[TAG], got[TAG];
	size_t i, j, len, cuts[8];
	unsigned long n = 0;

	if (o->only && !strstr("AES-128-CMAC/smbsign-kvecs AES-128-GMAC/smbsign-kvecs",
			       o->only))
		return;
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		if (!w[i].usable())
			continue;
		for (len = 0; len <= 1100 + ARRAY_SIZE(big_lens); len++) {
			size_t l = len <= 1100 ? len : big_lens[len - 1101];
			size_t pre = rng() % 41, all = pre + l + rng() % 41;
			size_t nc = 1 + rng() % 6, k, off = 0;
			struct smbsign_msg m;
			int ret;

			fill(key, sizeof(key));
			fill(nonce, sizeof(nonce));
			fill(g_msg, all);
			if (rng() % 4 == 0) {
				nc = 2;
				cuts[0] = pre;
				cuts[1] = pre + l;
			} else {
				for (k = 0; k < nc; k++)
					cuts[k] = rng() % (all + 1);
			}
			cuts[nc] = all;
			/* sorted cut points: kvec k is [cuts[k-1], cuts[k]) */
			for (k = 1; k < nc; k++)
				for (j = k; j && cuts[j] < cuts[j - 1]; j--) {
					size_t t = cuts[j];

					cuts[j] = cuts[j - 1];
					cuts[j - 1] = t;
				}
			msg_of(&m, iov, g_msg, l, true);
			m.off = pre;
			m.nvec = 0;
			for (k = 0; k <= nc; k++) {
				iov[m.nvec].iov_base = g_msg + off;
				iov[m.nvec++].iov_len = cuts[k] - off;
				off = cuts[k];
			}
			memcpy(g_ref, g_msg + pre, l);
			if (m.zero_sig)
				memset(g_ref + SMBSIGN_SIG_OFFSET, 0,
				       SMBSIGN_SIG_SIZE);
			memset(got, 0xa5, sizeof(got));
			if (w[i].ghash < 0) {
				ref_cmac(key, g_ref, l, want);
				s_cmac_setkey(key, sizeof(key));
				ret = smbsign_glue_cmac_mac(&g_skey, &m, got);
			} else {
				ref_gcm(key, nonce, g_ref, l, NULL, 0, NULL,
					want);
				s_gmac_setkey_max(key, sizeof(key), w[i].ghash);
				ret = smbsign_glue_gmac_mac(&g_skey, &m, nonce,
							    got);
			}
			if (ret || memcmp(got, want, TAG))
				die("MISMATCH %s GHASH %d: %zu bytes at %zu in %u kvecs (ret %d)",
				    w[i].alg, w[i].ghash, l, pre, m.nvec, ret);
			n++;
		}
	}
	fprintf(stderr, "bench-cpu: verified %lu messages in random kvecs (CMAC and every GHASH)\n",
		n);
	emit("{\"verify\": \"ok\", \"alg\": \"kvecs\", \"id\": \"random kvecs\", \"messages\": %lu}",
	     n);
}

/*
 * SMBSIGN_GHASH_MORE_SHIFT: 0 to 80 blocks in place (signature field
 * zeroed by the flag or not, from 4 blocks) and 1 to 3 more after J0, in
 * the last call, against the same code on all of them in one buffer;
 * every case whose tail fits the 32 key powers (what the GMAC glue
 * ensures).
 */
static void verify_more(const struct opts *o)
{
	u8 j0m[4 * 16], acc[16], a[16], b[16], buf[83 * 16];
	unsigned long n = 0;
	size_t i, nb, more;
	int zs;

	for (i = 0; i < ARRAY_SIZE(vghash); i++) {
		if (!vghash_key(i, o))
			continue;
		for (nb = 0; nb <= 80; nb++) {
			for (more = 1; more <= 3; more++) {
				for (zs = 0; zs < 2 && (!zs || nb >= 4); zs++) {
					u64 flags = more << 56 |
						    (zs ? 1ULL << 63 : 0);

					if (nb % vghash[i].run + more > 32)
						continue;
					fill(acc, sizeof(acc));
					fill(j0m, sizeof(j0m));
					fill(g_msg, nb * 16);
					memcpy(a, acc, 16);
					memcpy(b, acc, 16);
					vghash[i].fn(a, g_msg, nb | flags,
						     &g_skey.simd.vtab[0][0],
						     g_skey.simd.rk, j0m);
					memcpy(buf, g_msg, nb * 16);
					if (zs)
						memset(buf + 48, 0, 16);
					memcpy(buf + nb * 16, j0m + 16,
					       more * 16);
					vghash[i].fn(b, buf, nb + more,
						     &g_skey.simd.vtab[0][0],
						     g_skey.simd.rk, j0m);
					if (memcmp(a, b, 16))
						die("MISMATCH %s: %zu blocks in place%s and %zu after J0",
						    vghash[i].id, nb,
						    zs ? " (signature zeroed)" : "",
						    more);
					n++;
				}
			}
		}
		fprintf(stderr, "bench-cpu: verified %-14s %-30s %lu runs (SMBSIGN_GHASH_MORE_SHIFT)\n",
			GMAC_ALG, vghash[i].id, n);
		emit("{\"verify\": \"ok\", \"alg\": \"%s\", \"id\": \"%s more\", \"messages\": %lu}",
		     GMAC_ALG, vghash[i].id, n);
		n = 0;
	}
}

/* ------------------------------------------------------------- calibrate */

/* TSC ticks per cycle of a chain of @n dependent adds (min of @trials). */
static double chain_ratio(int imul, int trials)
{
	const unsigned long iters = 4000;	/* x 50 ops */
	double best = 1e30;
	int t;

	for (t = 0; t < trials; t++) {
		u64 a = 1, d = 3, t0, t1;
		unsigned long c = iters;

		t0 = tsc_begin();
		if (imul)
			__asm__ volatile("1:\n.rept 50\nimul %2, %0\n.endr\n"
					 "dec %1\njnz 1b"
					 : "+r"(a), "+r"(c) : "r"(d));
		else
			__asm__ volatile("1:\n.rept 50\nadd %2, %0\n.endr\n"
					 "dec %1\njnz 1b"
					 : "+r"(a), "+r"(c) : "r"(d));
		t1 = tsc_end();
		if ((double)(t1 - t0) < best)
			best = t1 - t0;
	}
	/* add: 1 cycle latency, imul r64: 3 */
	return best / (iters * 50.0 * (imul ? 3 : 1));
}

static double g_ratio_sum;
static unsigned int g_ratio_n;
static double g_ratio_min = 1e9, g_ratio_max;

static double calibrate(const char *when)
{
	double add = chain_ratio(0, 9), mul = chain_ratio(1, 3);

	g_ratio_sum += add;
	g_ratio_n++;
	if (add < g_ratio_min)
		g_ratio_min = add;
	if (add > g_ratio_max)
		g_ratio_max = add;
	emit("{\"calib\": \"%s\", \"tsc_per_cycle_add\": %.5f, \"tsc_per_cycle_imul\": %.5f}",
	     when, add, mul);
	return add;
}

/* ---------------------------------------------------------------- timing */


/*
 * @reps messages, each after the previous one, in TSC ticks per message.
 * Back to back, the core may overlap a short message with the next one (as
 * a server signing a burst of replies); @serial puts an LFENCE after each
 * (dispatch-serializing on AMD Zen 2 and later and on Intel), so that every
 * message starts with an idle core: the latency of one message.
 */
static double run_batch(struct impl *im, const u8 *msg, size_t len,
			const u8 *nonce, unsigned long reps, bool serial)
{
	u8 out[TAG];
	unsigned long r;
	u64 t0, t1;

	t0 = tsc_begin();
	if (serial) {
		for (r = 0; r < reps; r++) {
			im->run(msg, len, nonce, out);
			_mm_lfence();
		}
	} else {
		for (r = 0; r < reps; r++)
			im->run(msg, len, nonce, out);
	}
	t1 = tsc_end();
	__asm__ volatile("" : : "r"(out) : "memory");
	return (double)(t1 - t0) / reps;
}

static void push(struct impl *im, double v)
{
	if (im->nsamples == im->cap) {
		im->cap = im->cap ? 2 * im->cap : 256;
		im->samples = realloc(im->samples, im->cap * sizeof(double));
		if (!im->samples)
			die("out of memory");
	}
	im->samples[im->nsamples++] = v;
}

static double tsc_hz(void)
{
	struct timespec a, b;
	u64 t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = tsc_begin();
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec) < 2e8);
	t1 = tsc_end();
	return (t1 - t0) / ((b.tv_sec - a.tv_sec) +
			    (b.tv_nsec - a.tv_nsec) / 1e9);
}

static const char *const mode_name[2] = { "b2b", "serial" };

static long ctx_switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/*
 * @nb batches of @im, in core cycles per message. A batch during which the
 * thread was switched out is dropped (and retried, up to 4 * @nb tries).
 * The TSC/core-clock ratio is measured before and after; if the clock
 * moved by more than 3% in between, the batches are thrown away and taken
 * again (up to 3 times; then kept with the mean ratio).
 */
static void time_batches(struct impl *im, size_t len, const u8 *nonce,
			 unsigned long nb, bool serial)
{
	double *tmp = malloc(nb * sizeof(*tmp));
	double r0, r1, ratio, dirty = 1e300;
	unsigned long got, tries, b;
	int attempt;

	if (!tmp)
		die("out of memory");
	for (attempt = 0; attempt < 3; attempt++) {
		r0 = calibrate("before");
		for (got = 0, tries = 0; got < nb && tries < 4 * nb; tries++) {
			long cs;
			double v;

			/* a long batch starts on a fresh time slice */
			if (im->reps * im->est > 1e6)
				sched_yield();
			cs = ctx_switches();
			v = run_batch(im, g_msg, len, nonce, im->reps, serial);
			if (ctx_switches() != cs) {
				im->preempted++;
				dirty = fmin(dirty, v);
				continue;
			}
			tmp[got++] = v;
		}
		/* never a clean batch (a loaded CPU, long batches): the best */
		if (!got) {
			tmp[got++] = dirty;
			im->all_preempted++;
		}
		r1 = calibrate("after");
		if (fabs(r1 - r0) <= 0.03 * fmin(r0, r1))
			break;
		im->clock_moved++;
	}
	ratio = (r0 + r1) / 2;
	im->ratio_sum += ratio;
	im->ratio_n++;
	for (b = 0; b < got; b++)
		push(im, tmp[b] / ratio);
	free(tmp);
}


static void time_size(size_t len, int mode, const struct opts *o, double hz)
{
	const double batch_ticks = 2e-5 * hz;	/* ~20 us per batch */
	bool serial = mode == 1;
	u8 key[16], nonce[NONCE];
	unsigned int round;
	size_t i, k;

	fill(key, sizeof(key));
	fill(nonce, sizeof(nonce));
	fill(g_msg, len);
	/* estimate, warm up */
	for (i = 0; i < NIMPLS; i++) {
		struct impl *im = &impls[i];
		double best = 1e30;

		im->nsamples = 0;
		im->ratio_sum = 0;
		im->ratio_n = 0;
		im->preempted = 0;
		im->clock_moved = 0;
		im->all_preempted = 0;
		if (!selected(im, o))
			continue;
		im->setkey(key, 16);
		for (k = 0; k < 5 || (k < 1000 && best * k < 2e-3 * hz); k++) {
			double v = run_batch(im, g_msg, len, nonce, 1, serial);

			if (v < best)
				best = v;
		}
		im->est = best;
		im->reps = best >= batch_ticks ? 1 :
			   (unsigned long)(batch_ticks / best + 0.5);
	}
	for (round = 0; round < o->rounds; round++) {
		for (k = 0; k < NIMPLS; k++) {
			/* rotate the order from round to round */
			struct impl *im = &impls[(k + round) % NIMPLS];
			double budget = o->cell_time * hz / o->rounds;
			unsigned long nb;

			if (!selected(im, o))
				continue;
			nb = budget / (im->reps * im->est);
			nb = nb < 5 ? 5 : nb > 400 ? 400 : nb;
			im->setkey(key, 16);
			run_batch(im, g_msg, len, nonce, 1, serial);
			time_batches(im, len, nonce, nb, serial);
		}
	}
	for (i = 0; i < NIMPLS; i++) {
		struct impl *im = &impls[i];
		double mn, md, p90, ratio;

		if (!im->nsamples)
			continue;
		md = median(im->samples, im->nsamples);
		mn = im->samples[0];
		p90 = im->samples[im->nsamples * 9 / 10];
		ratio = im->ratio_sum / im->ratio_n;
		emit("{\"result\": 1, \"alg\": \"%s\", \"id\": \"%s\", \"mode\": \"%s\", "
		     "\"size\": %zu, \"batches\": %zu, \"reps\": %lu, "
		     "\"tsc_per_cycle\": %.5f, \"min_cycles\": %.1f, \"median_cycles\": %.1f, "
		     "\"p90_cycles\": %.1f, \"min_cpb\": %.4f, \"median_cpb\": %.4f, "
		     "\"preempted\": %lu, \"all_preempted\": %lu, \"clock_moved\": %lu}",
		     im->alg, im->id, mode_name[mode], len, im->nsamples,
		     im->reps, ratio, mn, md, p90, mn / len, md / len,
		     im->preempted, im->all_preempted, im->clock_moved);
		fprintf(stderr, "bench-cpu: %-6s %-12s %-30s %8zu B  %8.3f c/B min  %8.3f median\n",
			mode_name[mode], im->alg, im->id, len, mn / len,
			md / len);
	}
}

static void cpu_model(char *dst, size_t n)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(dst, n, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && c) {
			c += 2;
			c[strcspn(c, "\n")] = 0;
			json_str(dst, n, c);
			break;
		}
	}
	fclose(f);
}

static int cpuinfo_int(const char *field)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, field, strlen(field)) &&
		    line[strlen(field)] == '\t' && c) {
			v = atoi(c + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

static void usage(void)
{
	fputs("usage: bench-cpu [--out FILE] [--sizes N,N,...] [--cpu N] [--cell-time SECONDS]\n"
	      "                 [--rounds N] [--only ALG/ID-substring] [--verify-only]\n"
	      "                 [--no-verify] [--list] [--kernel NAME] [--mode b2b|serial|both]\n"
	      "                 [--rt]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "out", 1, NULL, 'o' }, { "sizes", 1, NULL, 's' },
		{ "cpu", 1, NULL, 'c' }, { "cell-time", 1, NULL, 't' },
		{ "rounds", 1, NULL, 'r' }, { "only", 1, NULL, 'O' },
		{ "verify-only", 0, NULL, 'V' }, { "no-verify", 0, NULL, 'N' },
		{ "list", 0, NULL, 'l' }, { "kernel", 1, NULL, 'k' },
		{ "mode", 1, NULL, 'm' }, { "rt", 0, NULL, 'R' },
		{ "help", 0, NULL, 'h' }, {}
	};
	static const size_t def_sizes[] = {
		64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 8 << 20,
	};
	struct opts o = {
		.modes = { true, true }, .cell_time = 0.2, .rounds = 5,
		.cpu = -1,
	};
	size_t sizes[64], nsizes = 0, i;
	const char *kernel = "unknown";
	char model[256], desc[256];
	cpu_set_t set;
	double hz;
	int c;

	g_out = stdout;
	/* as at module load: which GHASH smbsign's GMAC keys take */
	smbsign_glue_init();
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			g_out = fopen(optarg, "w");
			if (!g_out)
				die("%s: %m", optarg);
			break;
		case 's': {
			char *s = optarg, *e;

			while (*s && nsizes < ARRAY_SIZE(sizes)) {
				sizes[nsizes] = strtoul(s, &e, 0);
				if (e == s || !sizes[nsizes] ||
				    sizes[nsizes] > MAX_SIZE)
					die("bad --sizes (1..%u): %s", MAX_SIZE,
					    optarg);
				nsizes++;
				s = *e == ',' ? e + 1 : e;
				if (*e && *e != ',')
					die("bad --sizes: %s", optarg);
			}
			break;
		}
		case 'c':
			o.cpu = atoi(optarg);
			break;
		case 't':
			o.cell_time = atof(optarg);
			if (!(o.cell_time > 0))
				die("bad --cell-time: %s", optarg);
			break;
		case 'r':
			o.rounds = atoi(optarg);
			if (!o.rounds)
				die("bad --rounds: %s", optarg);
			break;
		case 'O':
			o.only = optarg;
			break;
		case 'V':
			o.verify_only = true;
			break;
		case 'N':
			o.no_verify = true;
			break;
		case 'l':
			o.list = true;
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'R':
			o.rt = true;
			break;
		case 'm':
			o.modes[0] = !strcmp(optarg, "b2b") ||
				     !strcmp(optarg, "both");
			o.modes[1] = !strcmp(optarg, "serial") ||
				     !strcmp(optarg, "both");
			if (!o.modes[0] && !o.modes[1])
				die("bad --mode (b2b, serial, both): %s",
				    optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (!nsizes) {
		memcpy(sizes, def_sizes, sizeof(def_sizes));
		nsizes = ARRAY_SIZE(def_sizes);
	}
	if (o.list) {
		for (i = 0; i < NIMPLS; i++)
			printf("%-13s %-30s %s%s\n", impls[i].alg, impls[i].id,
			       impls[i].desc,
			       impls[i].usable() ? "" : " [left out: not on this CPU or not in this build]");
		return 0;
	}

	g_msg = aligned_alloc(PAGE, MAX_SIZE + PAGE);
	g_dst = aligned_alloc(PAGE, MAX_SIZE + PAGE);
	g_ref = aligned_alloc(PAGE, MAX_SIZE + PAGE);
	g_hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	g_cmac_mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	if (!g_msg || !g_dst || !g_ref || !g_hmac_mac || !g_cmac_mac)
		die("setup failed");
	memset(g_msg, 0, MAX_SIZE + PAGE);
	memset(g_dst, 0, MAX_SIZE + PAGE);
	memset(g_ref, 0, MAX_SIZE + PAGE);

	if (o.cpu < 0) {
		/* the last CPU this process may run on */
		if (sched_getaffinity(0, sizeof(set), &set))
			die("sched_getaffinity: %m");
		for (c = CPU_SETSIZE - 1; c >= 0 && !CPU_ISSET(c, &set); c--)
			;
		o.cpu = c;
	}
	CPU_ZERO(&set);
	CPU_SET(o.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(%d): %m", o.cpu);
	if (o.rt) {
		/* FIFO priority 1: other tasks move to other CPUs; the kernel's
		 * RT throttling still leaves them 5% of this one
		 */
		struct sched_param sp = { .sched_priority = 1 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			die("--rt: sched_setscheduler(SCHED_FIFO): %m");
	}

	cpu_model(model, sizeof(model));
	json_str(desc, sizeof(desc), kernel);
	hz = tsc_hz();
	emit("{\"meta\": 1, \"cpu_model\": \"%s\", \"family\": %d, \"model\": %d, "
	     "\"stepping\": %d, \"cpu\": %d, \"tsc_hz\": %.0f, \"kernel_src\": \"%s\", "
	     "\"openssl\": \"%s\", \"sha_ni\": %d, \"vaes\": %d, \"vpclmulqdq\": %d, "
	     "\"avx512bw\": %d, \"avx2\": %d, \"smbsign_ghash\": %d, "
	     "\"online_cpus\": %ld, \"cell_time\": %.3f, "
	     "\"rounds\": %u, \"rt\": %d, \"time\": %ld}",
	     model, cpuinfo_int("cpu family"), cpuinfo_int("model"),
	     cpuinfo_int("stepping"), o.cpu, hz, desc, OPENSSL_VERSION_TEXT,
	     boot_cpu_has(X86_FEATURE_SHA_NI), boot_cpu_has(X86_FEATURE_VAES),
	     boot_cpu_has(X86_FEATURE_VPCLMULQDQ),
	     boot_cpu_has(X86_FEATURE_AVX512BW),
	     boot_cpu_has(X86_FEATURE_AVX2), smbsign_simd_ghash_cpu,
	     sysconf(_SC_NPROCESSORS_ONLN),
	     o.cell_time, o.rounds, o.rt, (long)time(NULL));
	for (i = 0; i < NIMPLS; i++) {
		char d[512];

		json_str(d, sizeof(d), impls[i].desc);
		emit("{\"impl\": 1, \"alg\": \"%s\", \"id\": \"%s\", \"desc\": \"%s\", "
		     "\"source\": \"%s\", \"kind\": \"%s\", \"usable\": %d}",
		     impls[i].alg, impls[i].id, d, impls[i].source,
		     impls[i].kind == MAC ? "mac" :
	     impls[i].kind == ENC ? "enc" : "limit", impls[i].usable());
	}
	if (!cpu_smbsign_aes() || !cpu_avx2_bmi())
		fprintf(stderr, "bench-cpu: this CPU lacks what smbsign's SIMD code needs; its rows are left out\n");

	if (!o.no_verify) {
		verify_all(&o);
		verify_zero_sig(&o);
		verify_more(&o);
		verify_kvecs(&o);
	}
	if (o.verify_only) {
		emit("{\"done\": 1}");
		return 0;
	}
	calibrate("start");
	for (i = 0; i < nsizes; i++)
		for (c = 0; c < 2; c++)
			if (o.modes[c])
				time_size(sizes[i], c, &o, hz);
	calibrate("end");
	emit("{\"done\": 1, \"tsc_per_cycle_mean\": %.5f, \"tsc_per_cycle_min\": %.5f, "
	     "\"tsc_per_cycle_max\": %.5f}",
	     g_ratio_sum / g_ratio_n, g_ratio_min, g_ratio_max);
	return 0;
}
