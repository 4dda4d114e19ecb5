// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign_bench: instructions per message and per byte of smbsign and of
 * the signing sequences the Linux SMB client and server use, measured in
 * one boot.
 *
 * Run under QEMU TCG with -icount shift=0,align=off,sleep=off: the guest's
 * TSC then advances by one per instruction, so get_cycles() deltas are
 * instruction counts and repeat exactly (the "calibrate" line checks this
 * on a loop of known length). Each result is printed as
 *
 *   SMBSIGN-BENCH {"alg": ..., "method": ..., "layout": ..., ...}
 *
 * and tools/testing/bench/report.py turns the lines into tables and a chart.
 *
 * Methods (the baselines re-implement the named kernel code's sequence of
 * crypto API calls; they are labelled as such in the output):
 *   smbsign     smbsign_sign() / smbsign_verify() with a prepared key
 *   smbsign simd=0  the same, the key made with the simd parameter off:
 *               smbsign's crypto API paths (FIPS mode, no AES-NI/AVX)
 *   raw         the primitive through the best driver, key set once
 *               (cmac(aes) / hmac(sha256) shash, gcm(aes) aead with the
 *               whole message as AAD)
 *   cbc-floor   one bulk cbc(aes) pass over the message: the CBC-MAC floor
 *   cifs        fs/smb/client/smb2transport.c (6.1) smb3_calc_signature()
 *               and smb2_calc_signature(): setkey on the per-server shash
 *               for every message, one update per kvec, final; on 7.x the
 *               same with the AES-CMAC and HMAC-SHA256 libraries
 *               (aes_cmac_preparekey(), hmac_sha256_init_usingrawkey())
 *   ksmbd       fs/smb/server/auth.c (6.1) ksmbd_sign_smb3_pdu() and
 *               ksmbd_sign_smb2_pdu(): a context from a spinlocked pool,
 *               setkey, one update per kvec, final, back to the pool
 *   gcm-sync    gcm(aes) allocated sync-only (mask CRYPTO_ALG_ASYNC), to
 *               show what a sync allocation falls back to
 *
 * mode=smp measures aggregate throughput of two threads against one on the
 * same key instead (run without icount: it counts messages per wall-clock
 * interval). mode=mem reports the memory of a live session key.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#ifdef SMBSIGN_HAVE_LIB_AES_CMAC
#include <crypto/aes-cbc-macs.h>
#endif
#ifdef SMBSIGN_HAVE_LIB_AES_GCM
#include <crypto/aes-gcm.h>
#endif
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/smbsign.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/timex.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "../../../smbsign/smbsign.h"

MODULE_IMPORT_NS(SMBSIGN_NS);
/* smbsign_simd_set(), exported for tests (EXPORT_SYMBOL_IF_KUNIT) */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");

static char *mode = "single";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "single (instruction counts), smp or mem");

static unsigned int max_size = 8 << 20;
module_param(max_size, uint, 0444);
MODULE_PARM_DESC(max_size, "largest message size to measure");

static unsigned int smp_ms = 300;
module_param(smp_ms, uint, 0444);
MODULE_PARM_DESC(smp_ms, "duration of each smp measurement, ms");

#define BENCH_SAMPLES	5
/* Rounds of the 2-CPU measurement (wall clock: noisier than icount). */
#define BENCH_SMP_ROUNDS	21
#define BENCH_HDR	112	/* SMB2 header + WRITE request body */
#define BENCH_MAX_PHYS	(4 << 20)

static const size_t bench_sizes[] = {
	64, 256, 1024, 4096, 65536, 1 << 20, 8 << 20,
};

static const u8 bench_key[SMBSIGN_KEY_SIZE] = {
	0x73, 0xfe, 0x7a, 0x9a, 0x77, 0xbe, 0xf0, 0xbd,
	0xe4, 0x9c, 0x65, 0x0d, 0x8c, 0xcb, 0x5f, 0x76,
};

/* One message in the two layouts consumers hand over. */
struct bench_msg {
	size_t size;
	bool vmapped;		/* contig buffer is vmalloc memory */
	void *contig;
	struct kvec one;
	struct kvec *iov;	/* header kvec + page-sized kvecs */
	unsigned int nvec;
	struct sg_table sg_contig;	/* message + 16-byte tag slot */
	struct sg_table sg_multi;
	u8 *tag;
};

struct bench_ctx {
	struct smbsign_key *key;
	struct smbsign_key *key_api;	/* made with simd=0 */
	struct crypto_shash *shash;
	struct crypto_skcipher *cbc;
	struct skcipher_request *cbc_req;
	struct crypto_aead *aead;
	struct aead_request *aead_req;
	spinlock_t pool_lock;		/* protects pool, as ksmbd's ctx_list */
	struct list_head pool;
#ifdef SMBSIGN_HAVE_LIB_AES_CMAC
	struct aes_cmac_key cmac_key;	/* prepared once, for the raw lib */
#endif
#ifdef SMBSIGN_HAVE_LIB_AES_GCM
	struct aes_gcm_key gcm_key;	/* prepared once, for the raw lib */
#endif
	u8 sig[SMBSIGN_SIG_SIZE];
};

struct bench_pool_ctx {
	struct list_head list;
	struct shash_desc *desc;
};

typedef int (*bench_fn)(struct bench_ctx *c, struct bench_msg *m,
			bool multi);

static const struct kvec *msg_iov(struct bench_msg *m, bool multi,
				  unsigned int *nvec)
{
	*nvec = multi ? m->nvec : 1;
	return multi ? m->iov : &m->one;
}

static int m_smbsign_sign(struct bench_ctx *c, struct bench_msg *m,
			  bool multi)
{
	unsigned int nvec;
	const struct kvec *iov = msg_iov(m, multi, &nvec);

	return smbsign_sign(c->key, iov, nvec);
}

static int m_smbsign_verify(struct bench_ctx *c, struct bench_msg *m,
			    bool multi)
{
	unsigned int nvec;
	const struct kvec *iov = msg_iov(m, multi, &nvec);

	return smbsign_verify(c->key, iov, nvec);
}

static int m_smbsign_api_sign(struct bench_ctx *c, struct bench_msg *m,
			      bool multi)
{
	unsigned int nvec;
	const struct kvec *iov = msg_iov(m, multi, &nvec);

	return smbsign_sign(c->key_api, iov, nvec);
}

static int shash_kvecs(struct shash_desc *desc, const struct kvec *iov,
		       unsigned int nvec, u8 *out)
{
	u8 digest[64];
	unsigned int i;
	int ret;

	ret = crypto_shash_init(desc);
	for (i = 0; !ret && i < nvec; i++)
		ret = crypto_shash_update(desc, iov[i].iov_base,
					  iov[i].iov_len);
	if (!ret)
		ret = crypto_shash_final(desc, digest);
	memcpy(out, digest, SMBSIGN_SIG_SIZE);
	return ret;
}

static int m_raw_shash(struct bench_ctx *c, struct bench_msg *m, bool multi)
{
	SHASH_DESC_ON_STACK(desc, c->shash);
	unsigned int nvec;
	const struct kvec *iov = msg_iov(m, multi, &nvec);

	desc->tfm = c->shash;
	return shash_kvecs(desc, iov, nvec, c->sig);
}

/* 6.1 sequences; 7.x signs through the libraries (m_lib_*) */
static int __maybe_unused m_cifs(struct bench_ctx *c, struct bench_msg *m,
				 bool multi)
{
	SHASH_DESC_ON_STACK(desc, c->shash);
	unsigned int nvec;
	const struct kvec *iov = msg_iov(m, multi, &nvec);
	int ret;

	ret = crypto_shash_setkey(c->shash, bench_key, sizeof(bench_key));
	if (ret)
		return ret;
	desc->tfm = c->shash;
	return shash_kvecs(desc, iov, nvec, c->sig);
}

static int __maybe_unused m_ksmbd(struct bench_ctx *c, struct bench_msg *m,
				  bool multi)
{
	struct bench_pool_ctx *pc;
	unsigned int nvec;
	const struct kvec *iov = msg_iov(m, multi, &nvec);
	int ret;

	spin_lock(&c->pool_lock);
	pc = list_first_entry(&c->pool, struct bench_pool_ctx, list);
	list_del(&pc->list);
	spin_unlock(&c->pool_lock);

	ret = crypto_shash_setkey(pc->desc->tfm, bench_key, sizeof(bench_key));
	if (!ret)
		ret = shash_kvecs(pc->desc, iov, nvec, c->sig);

	spin_lock(&c->pool_lock);
	list_add(&pc->list, &c->pool);
	spin_unlock(&c->pool_lock);
	return ret;
}

#ifdef SMBSIGN_HAVE_LIB_AES_CMAC
/*
 * 7.x: fs/smb/client/smb2transport.c smb3_calc_signature() and
 * fs/smb/server/auth.c ksmbd_sign_smb3_pdu() prepare the AES-CMAC library
 * key for every message, then init, one update per kvec, final.
 */
static int m_lib_cmac(struct bench_ctx *c, struct bench_msg *m, bool multi)
{
	unsigned int nvec, i;
	const struct kvec *iov = msg_iov(m, multi, &nvec);
	struct aes_cmac_key key;
	struct aes_cmac_ctx ctx;
	int ret;

	ret = aes_cmac_preparekey(&key, bench_key, sizeof(bench_key));
	if (ret)
		return ret;
	aes_cmac_init(&ctx, &key);
	for (i = 0; i < nvec; i++)
		aes_cmac_update(&ctx, iov[i].iov_base, iov[i].iov_len);
	aes_cmac_final(&ctx, c->sig);
	return 0;
}

/* The library with the key prepared once: the raw primitive on 7.x. */
static int m_lib_cmac_prepared(struct bench_ctx *c, struct bench_msg *m,
			       bool multi)
{
	unsigned int nvec, i;
	const struct kvec *iov = msg_iov(m, multi, &nvec);
	struct aes_cmac_ctx ctx;

	aes_cmac_init(&ctx, &c->cmac_key);
	for (i = 0; i < nvec; i++)
		aes_cmac_update(&ctx, iov[i].iov_base, iov[i].iov_len);
	aes_cmac_final(&ctx, c->sig);
	return 0;
}
#endif

#ifdef SMBSIGN_HAVE_LIB_HMAC_SHA256
/* 7.x: smb2_calc_signature() / ksmbd_sign_smb2_pdu(): the raw key each time */
static int m_lib_hmac(struct bench_ctx *c, struct bench_msg *m, bool multi)
{
	unsigned int nvec, i;
	const struct kvec *iov = msg_iov(m, multi, &nvec);
	struct hmac_sha256_ctx ctx;
	u8 digest[SHA256_DIGEST_SIZE];

	hmac_sha256_init_usingrawkey(&ctx, bench_key, sizeof(bench_key));
	for (i = 0; i < nvec; i++)
		hmac_sha256_update(&ctx, iov[i].iov_base, iov[i].iov_len);
	hmac_sha256_final(&ctx, digest);
	memcpy(c->sig, digest, SMBSIGN_SIG_SIZE);
	return 0;
}
#endif

static int m_cbc_floor(struct bench_ctx *c, struct bench_msg *m, bool multi)
{
	struct sg_table *sgt = multi ? &m->sg_multi : &m->sg_contig;
	DECLARE_CRYPTO_WAIT(wait);
	u8 iv[16] = {};

	/* In place: the bench data is scratch. */
	skcipher_request_set_callback(c->cbc_req, CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(c->cbc_req, sgt->sgl, sgt->sgl,
				   round_down(m->size, 16), iv);
	return crypto_wait_req(crypto_skcipher_encrypt(c->cbc_req), &wait);
}

static int m_raw_gcm(struct bench_ctx *c, struct bench_msg *m, bool multi)
{
	struct sg_table *sgt = multi ? &m->sg_multi : &m->sg_contig;
	u8 nonce[12] = { 1 };
	DECLARE_CRYPTO_WAIT(wait);

	aead_request_set_callback(c->aead_req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(c->aead_req, m->size);
	aead_request_set_crypt(c->aead_req, sgt->sgl, sgt->sgl, 0, nonce);
	return crypto_wait_req(crypto_aead_encrypt(c->aead_req), &wait);
}

#ifdef SMBSIGN_HAVE_LIB_AES_GCM
/*
 * 7.3's AES-GCM library as GMAC, key prepared once: no allocation, no
 * scatterlist, one aes_gcm_auth_update() per kvec. On x86 its GHASH is
 * ghash_blocks_pclmul(), one multiply per block.
 */
static int m_lib_gcm(struct bench_ctx *c, struct bench_msg *m, bool multi)
{
	unsigned int nvec, i;
	const struct kvec *iov = msg_iov(m, multi, &nvec);
	u8 nonce[12] = { 1 };
	struct aes_gcm_ctx ctx;

	aes_gcm_init(&ctx, nonce, &c->gcm_key);
	for (i = 0; i < nvec; i++)
		aes_gcm_auth_update(&ctx, iov[i].iov_base, iov[i].iov_len);
	aes_gcm_encrypt_final(&ctx, c->sig);
	return 0;
}
#endif

/* ---- messages ---- */

static void bench_fill(u8 *p, size_t n, size_t off)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)((off + i) * 131 + 7);
}

/*
 * Describe @len bytes at @p from *@cur on, one entry per page for vmalloc
 * memory. Tables over SG_MAX_SINGLE_ALLOC entries are chained, so walk
 * them with sg_next(); *@last is the last entry written.
 */
static void bench_sg_add(struct scatterlist **cur, struct scatterlist **last,
			 const void *p, size_t len)
{
	const u8 *b = p;

	while (len) {
		size_t chunk = len;
		struct page *page;

		if (is_vmalloc_addr(b)) {
			chunk = min_t(size_t, len,
				      PAGE_SIZE - offset_in_page(b));
			page = vmalloc_to_page(b);
		} else {
			page = virt_to_page(b);
		}
		sg_set_page(*cur, page, chunk, offset_in_page(b));
		*last = *cur;
		*cur = sg_next(*cur);
		b += chunk;
		len -= chunk;
	}
}

static void bench_msg_free(struct bench_msg *m)
{
	unsigned int i;

	sg_free_table(&m->sg_contig);
	sg_free_table(&m->sg_multi);
	if (m->iov) {
		kfree(m->iov[0].iov_base);
		for (i = 1; i < m->nvec; i++)
			free_page((unsigned long)m->iov[i].iov_base);
	}
	kfree(m->iov);
	if (m->vmapped)
		vfree(m->contig);
	else if (m->contig)
		free_pages_exact(m->contig, m->size);
	kfree(m->tag);
	memset(m, 0, sizeof(*m));
}

static void bench_header(u8 *h, size_t size)
{
	memset(h, 0, 64);
	memcpy(h, "\xfeSMB", 4);
	h[4] = 64;
	h[12] = 9;			/* WRITE */
	h[16] = 0x08;			/* SMB2_FLAGS_SIGNED */
	h[24] = 5;			/* MessageId */
}

static int bench_msg_alloc(struct bench_msg *m, size_t size)
{
	struct scatterlist *cur, *last = NULL;
	unsigned int i, npages, n;
	size_t hdr = min_t(size_t, size, BENCH_HDR), left;
	int ret = -ENOMEM;

	memset(m, 0, sizeof(*m));
	m->size = size;
	m->tag = kzalloc(SMBSIGN_SIG_SIZE, GFP_KERNEL);
	if (!m->tag)
		goto err;

	if (size <= BENCH_MAX_PHYS) {
		m->contig = alloc_pages_exact(size, GFP_KERNEL);
	} else {
		m->contig = vmalloc(size);
		m->vmapped = true;
	}
	if (!m->contig)
		goto err;
	bench_fill(m->contig, size, 0);
	bench_header(m->contig, size);
	m->one.iov_base = m->contig;
	m->one.iov_len = size;

	npages = DIV_ROUND_UP(size - hdr, PAGE_SIZE);
	m->iov = kcalloc(npages + 1, sizeof(*m->iov), GFP_KERNEL);
	if (!m->iov)
		goto err;
	m->iov[0].iov_base = kmalloc(hdr, GFP_KERNEL);
	if (!m->iov[0].iov_base)
		goto err;
	m->iov[0].iov_len = hdr;
	memcpy(m->iov[0].iov_base, m->contig, hdr);
	m->nvec = 1;
	for (left = size - hdr, i = 1; left; i++) {
		size_t chunk = min_t(size_t, left, PAGE_SIZE);
		void *p = (void *)__get_free_page(GFP_KERNEL);

		if (!p)
			goto err;
		memcpy(p, (u8 *)m->contig + size - left, chunk);
		m->iov[i].iov_base = p;
		m->iov[i].iov_len = chunk;
		m->nvec++;
		left -= chunk;
	}

	n = (m->vmapped ? size / PAGE_SIZE + 1 : 1) + 1;
	ret = sg_alloc_table(&m->sg_contig, n, GFP_KERNEL);
	if (ret)
		goto err;
	cur = m->sg_contig.sgl;
	bench_sg_add(&cur, &last, m->contig, size);
	bench_sg_add(&cur, &last, m->tag, SMBSIGN_SIG_SIZE);
	sg_mark_end(last);

	ret = sg_alloc_table(&m->sg_multi, m->nvec + 1, GFP_KERNEL);
	if (ret)
		goto err;
	cur = m->sg_multi.sgl;
	for (i = 0; i < m->nvec; i++)
		bench_sg_add(&cur, &last, m->iov[i].iov_base,
			     m->iov[i].iov_len);
	bench_sg_add(&cur, &last, m->tag, SMBSIGN_SIG_SIZE);
	sg_mark_end(last);
	return 0;
err:
	bench_msg_free(m);
	return ret ?: -ENOMEM;
}

/* ---- measuring ---- */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(u64), cmp_u64, NULL);
	return v[n / 2];
}

/*
 * Median instructions of one call, over BENCH_SAMPLES samples after one
 * warm-up call; small messages are timed in batches so the counter read
 * is amortised.
 */
static int bench_measure(struct bench_ctx *c, bench_fn fn,
			 struct bench_msg *m, bool multi, u64 *insns)
{
	unsigned int batch = m->size <= 4096 ? 32 : 1;
	u64 samples[BENCH_SAMPLES];
	unsigned int s, i;
	int ret;

	ret = fn(c, m, multi);
	if (ret)
		return ret;
	for (s = 0; s < BENCH_SAMPLES; s++) {
		cycles_t t0 = get_cycles();

		for (i = 0; i < batch; i++)
			ret |= fn(c, m, multi);
		samples[s] = (get_cycles() - t0) / batch;
		cond_resched();
	}
	*insns = bench_median(samples, BENCH_SAMPLES);
	return ret;
}

static void bench_report(const char *alg, const char *method,
			 const char *driver, const char *op, bool multi,
			 struct bench_msg *m, int ret, u64 insns)
{
	if (ret) {
		pr_info("SMBSIGN-BENCH {\"alg\":\"%s\",\"method\":\"%s\",\"driver\":\"%s\",\"op\":\"%s\",\"layout\":\"%s\",\"size\":%zu,\"error\":%d}\n",
			alg, method, driver, op, multi ? "kvec" : "contig",
			m->size, ret);
		return;
	}
	pr_info("SMBSIGN-BENCH {\"alg\":\"%s\",\"method\":\"%s\",\"driver\":\"%s\",\"op\":\"%s\",\"layout\":\"%s\",\"size\":%zu,\"insns\":%llu,\"milli_insns_per_byte\":%llu}\n",
		alg, method, driver, op, multi ? "kvec" : "contig", m->size,
		insns, div64_u64(insns * 1000, m->size));
}

struct bench_method {
	const char *name;
	const char *op;
	bench_fn fn;
	size_t max;	/* largest size it can run at, 0: any */
};

static void bench_run(const char *alg, struct bench_ctx *c,
		      const struct bench_method *methods, unsigned int nm,
		      const char *raw_driver)
{
	struct bench_msg m;
	unsigned int s, i;
	int layout;

	for (s = 0; s < ARRAY_SIZE(bench_sizes); s++) {
		if (bench_sizes[s] > max_size)
			break;
		if (bench_msg_alloc(&m, bench_sizes[s])) {
			pr_err("cannot allocate a %zu-byte message\n",
			       bench_sizes[s]);
			return;
		}
		for (layout = 0; layout < 2; layout++) {
			for (i = 0; i < nm; i++) {
				const struct bench_method *bm = &methods[i];
				u64 insns = 0;
				int ret;

				if (bm->max && m.size > bm->max)
					continue;
				ret = bench_measure(c, bm->fn, &m, layout,
						    &insns);
				bench_report(alg, bm->name,
					     bm->fn == m_smbsign_sign ||
					     bm->fn == m_smbsign_verify ?
					     smbsign_key_driver(c->key) :
					     bm->fn == m_smbsign_api_sign ?
					     smbsign_key_driver(c->key_api) :
					     raw_driver, bm->op, layout, &m,
					     ret, insns);
			}
		}
		bench_msg_free(&m);
	}
}

static void bench_ctx_free(struct bench_ctx *c)
{
	struct bench_pool_ctx *pc, *tmp;

	list_for_each_entry_safe(pc, tmp, &c->pool, list) {
		crypto_free_shash(pc->desc->tfm);
		kfree_sensitive(pc->desc);
		kfree(pc);
	}
	skcipher_request_free(c->cbc_req);
	aead_request_free(c->aead_req);
	if (!IS_ERR_OR_NULL(c->cbc))
		crypto_free_skcipher(c->cbc);
	if (!IS_ERR_OR_NULL(c->aead))
		crypto_free_aead(c->aead);
	if (!IS_ERR_OR_NULL(c->shash))
		crypto_free_shash(c->shash);
	smbsign_key_put(c->key);
	smbsign_key_put(c->key_api);
	memset(c, 0, sizeof(*c));
}

/* A ksmbd-style pool with one context per CPU, as ksmbd grows it. */
static int bench_pool_init(struct bench_ctx *c, const char *name)
{
	unsigned int i;

	spin_lock_init(&c->pool_lock);
	INIT_LIST_HEAD(&c->pool);
	for (i = 0; i < num_online_cpus(); i++) {
		struct bench_pool_ctx *pc = kzalloc(sizeof(*pc), GFP_KERNEL);
		struct crypto_shash *tfm;

		if (!pc)
			return -ENOMEM;
		tfm = crypto_alloc_shash(name, 0, 0);
		if (IS_ERR(tfm)) {
			kfree(pc);
			return PTR_ERR(tfm);
		}
		pc->desc = kzalloc(sizeof(*pc->desc) +
				   crypto_shash_descsize(tfm), GFP_KERNEL);
		if (!pc->desc) {
			crypto_free_shash(tfm);
			kfree(pc);
			return -ENOMEM;
		}
		pc->desc->tfm = tfm;
		list_add(&pc->list, &c->pool);
	}
	return 0;
}

static int bench_ctx_init(struct bench_ctx *c, u16 dialect, u16 alg,
			  const char *shash)
{
	bool simd;
	int ret;

	memset(c, 0, sizeof(*c));
	INIT_LIST_HEAD(&c->pool);
	c->key = smbsign_key_alloc(dialect, alg, bench_key, sizeof(bench_key));
	if (IS_ERR(c->key)) {
		ret = PTR_ERR(c->key);
		c->key = NULL;
		return ret;
	}
	simd = smbsign_simd_set(false);
	c->key_api = smbsign_key_alloc(dialect, alg, bench_key,
				       sizeof(bench_key));
	smbsign_simd_set(simd);
	if (IS_ERR(c->key_api)) {
		ret = PTR_ERR(c->key_api);
		c->key_api = NULL;
		return ret;
	}
	if (shash) {
		c->shash = crypto_alloc_shash(shash, 0, 0);
		if (IS_ERR(c->shash))
			return PTR_ERR(c->shash);
		ret = crypto_shash_setkey(c->shash, bench_key,
					  sizeof(bench_key));
		if (ret)
			return ret;
		ret = bench_pool_init(c, shash);
		if (ret)
			return ret;
	}
#ifdef SMBSIGN_HAVE_LIB_AES_CMAC
	return aes_cmac_preparekey(&c->cmac_key, bench_key, sizeof(bench_key));
#else
	return 0;
#endif
}

static int bench_cmac(void)
{
	static const struct bench_method methods[] = {
		{ "smbsign", "sign", m_smbsign_sign },
		{ "smbsign", "verify", m_smbsign_verify },
		{ "smbsign simd=0", "sign", m_smbsign_api_sign },
		{ "raw cmac(aes), key set once", "sign", m_raw_shash },
		{ "cbc-floor: bulk cbc(aes)", "sign", m_cbc_floor },
#ifdef SMBSIGN_HAVE_LIB_AES_CMAC
		{ "raw lib aes_cmac, key prepared once", "sign",
		  m_lib_cmac_prepared },
		{ "cifs 7.x sequence", "sign", m_lib_cmac },
		{ "ksmbd 7.x sequence", "sign", m_lib_cmac },
#else
		{ "cifs 6.1 sequence", "sign", m_cifs },
		{ "ksmbd 6.1 sequence", "sign", m_ksmbd },
#endif
	};
	struct bench_ctx c;
	int ret;

	ret = bench_ctx_init(&c, SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC,
			     "cmac(aes)");
	if (!ret) {
		c.cbc = crypto_alloc_skcipher("cbc(aes)", 0, 0);
		ret = PTR_ERR_OR_ZERO(c.cbc);
	}
	if (!ret)
		ret = crypto_skcipher_setkey(c.cbc, bench_key,
					     sizeof(bench_key));
	if (!ret) {
		c.cbc_req = skcipher_request_alloc(c.cbc, GFP_KERNEL);
		ret = c.cbc_req ? 0 : -ENOMEM;
	}
	if (!ret)
		bench_run("AES-128-CMAC", &c, methods, ARRAY_SIZE(methods),
			  crypto_shash_driver_name(c.shash));
	bench_ctx_free(&c);
	return ret;
}

static int bench_gcm_ctx(struct bench_ctx *c, u32 mask)
{
	int ret;

	c->aead = crypto_alloc_aead("gcm(aes)", 0, mask);
	if (IS_ERR(c->aead))
		return PTR_ERR(c->aead);
	ret = crypto_aead_setkey(c->aead, bench_key, sizeof(bench_key)) ?:
	      crypto_aead_setauthsize(c->aead, SMBSIGN_SIG_SIZE);
	if (ret)
		return ret;
	c->aead_req = aead_request_alloc(c->aead, GFP_KERNEL);
	return c->aead_req ? 0 : -ENOMEM;
}

static int bench_gmac(void)
{
	static const struct bench_method methods[] = {
		{ "smbsign", "sign", m_smbsign_sign },
		{ "smbsign", "verify", m_smbsign_verify },
		{ "smbsign simd=0", "sign", m_smbsign_api_sign },
		/* 6.1 AES-NI GCM kmallocs the AAD; past 4 MiB that fails. */
		{ "raw gcm(aes), key set once", "sign", m_raw_gcm,
		  BENCH_MAX_PHYS },
#ifdef SMBSIGN_HAVE_LIB_AES_GCM
		{ "raw lib aes_gcm (7.3), key prepared once", "sign",
		  m_lib_gcm },
#endif
	};
	static const struct bench_method sync_methods[] = {
		{ "gcm(aes) sync-only", "sign", m_raw_gcm, 65536 },
	};
	struct bench_ctx c;
	int ret;

	ret = bench_ctx_init(&c, SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC,
			     NULL) ?: bench_gcm_ctx(&c, 0);
#ifdef SMBSIGN_HAVE_LIB_AES_GCM
	if (!ret)
		ret = aes_gcm_preparekey(&c.gcm_key, bench_key,
					 sizeof(bench_key), SMBSIGN_SIG_SIZE);
#endif
	if (!ret)
		bench_run("AES-128-GMAC", &c, methods, ARRAY_SIZE(methods),
			  crypto_aead_driver_name(c.aead));
	bench_ctx_free(&c);
	if (ret)
		return ret;

	ret = bench_ctx_init(&c, SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC,
			     NULL) ?: bench_gcm_ctx(&c, CRYPTO_ALG_ASYNC);
	if (!ret)
		bench_run("AES-128-GMAC", &c, sync_methods,
			  ARRAY_SIZE(sync_methods),
			  crypto_aead_driver_name(c.aead));
	bench_ctx_free(&c);
	return ret;
}

static int bench_hmac(void)
{
	static const struct bench_method methods[] = {
		{ "smbsign", "sign", m_smbsign_sign },
		{ "smbsign", "verify", m_smbsign_verify },
		{ "smbsign simd=0", "sign", m_smbsign_api_sign },
		{ "raw hmac(sha256), key set once", "sign", m_raw_shash },
#ifdef SMBSIGN_HAVE_LIB_HMAC_SHA256
		{ "cifs 7.x sequence", "sign", m_lib_hmac },
		{ "ksmbd 7.x sequence", "sign", m_lib_hmac },
#else
		{ "cifs 6.1 sequence", "sign", m_cifs },
		{ "ksmbd 6.1 sequence", "sign", m_ksmbd },
#endif
	};
	struct bench_ctx c;
	int ret;

	ret = bench_ctx_init(&c, SMBSIGN_DIALECT_2_1, SMBSIGN_ALG_HMAC_SHA256,
			     "hmac(sha256)");
	if (!ret)
		bench_run("HMAC-SHA256", &c, methods, ARRAY_SIZE(methods),
			  crypto_shash_driver_name(c.shash));
	bench_ctx_free(&c);
	return ret;
}

/* The guest clock must count instructions: time a loop of known length. */
static void bench_calibrate(void)
{
	unsigned long n = 1000000;
	cycles_t t0 = get_cycles();

	asm volatile("1: dec %0\n\tjnz 1b" : "+r" (n));
	pr_info("SMBSIGN-BENCH {\"calibrate\":\"2000000 instructions\",\"measured\":%llu}\n",
		(u64)(get_cycles() - t0));
}

/* ---- memory of a live key ---- */

/*
 * Pages held by slab caches: every allocation a key makes is a slab object
 * (the largest, a transform context, is about 1 KiB), so this moves by the
 * keys' footprint, rounded to the caches' object sizes. (Free pages, used
 * before, move in per-CPU batches and read 0 to 2x the footprint.)
 */
static long bench_slab_pages(void)
{
	return global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) +
	       global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B);
}

static void bench_mem(void)
{
	static const u16 algs[] = {
		SMBSIGN_ALG_HMAC_SHA256, SMBSIGN_ALG_AES_CMAC,
		SMBSIGN_ALG_AES_GMAC,
	};
	const unsigned int n = 2048;
	struct smbsign_key **keys;
	unsigned int a, i;

	keys = kcalloc(n, sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return;
	/*
	 * Two rounds, the first unreported, so that slabs half filled by
	 * earlier measurements do not absorb part of the first algorithm's
	 * keys.
	 */
	for (a = 0; a < 2 * ARRAY_SIZE(algs); a++) {
		bool report = a >= ARRAY_SIZE(algs);
		u16 alg = algs[a % ARRAY_SIZE(algs)];
		long before, after;

		before = bench_slab_pages();
		for (i = 0; i < n; i++) {
			keys[i] = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1,
						    alg, bench_key,
						    sizeof(bench_key));
			if (IS_ERR(keys[i])) {
				keys[i] = NULL;
				break;
			}
		}
		after = bench_slab_pages();
		if (report)
			pr_info("SMBSIGN-BENCH {\"mem\":\"%s\",\"keys\":%u,\"bytes_per_key\":%ld,\"driver\":\"%s\"}\n",
				smbsign_alg_name(alg), i,
				i ? (after - before) * (long)PAGE_SIZE /
				    (long)i : -1,
				keys[0] ? smbsign_key_driver(keys[0]) : "none");
		for (i = 0; i < n; i++)
			smbsign_key_put(keys[i]);
		memset(keys, 0, n * sizeof(*keys));
	}
	kfree(keys);
}

/* ---- two CPUs, one key ---- */

struct bench_smp {
	struct smbsign_key *key;
	struct bench_msg *m;
	unsigned long deadline;
	unsigned long count;
	int ret;
	struct completion done;
};

static int bench_smp_thread(void *arg)
{
	struct bench_smp *t = arg;

	while (time_before(jiffies, t->deadline)) {
		t->ret |= smbsign_sign(t->key, t->m->iov, t->m->nvec);
		t->count++;
		cond_resched();
	}
	complete(&t->done);
	return 0;
}

/*
 * The other CPU of a one-thread run: busy on register arithmetic, so that
 * the host runs both vCPU threads in both runs. (An idle vCPU changed how
 * fast the busy one ran, by as much as 25% either way between boots.)
 */
static int bench_smp_spin(void *arg)
{
	struct bench_smp *t = arg;
	unsigned long x = 1;
	unsigned int i;

	while (time_before(jiffies, t->deadline)) {
		for (i = 0; i < 4096; i++)
			x = x * 3 + 1;
		OPTIMIZER_HIDE_VAR(x);
		cond_resched();
	}
	complete(&t->done);
	return 0;
}

/*
 * Messages signed in smp_ms by @nthreads threads (1 or 2; with 1 the other
 * CPU spins), thread i with keys[i] on m[i].
 */
static unsigned long bench_smp_run(struct smbsign_key **keys,
				   struct bench_msg *m, unsigned int nthreads)
{
	unsigned int ncpus = min(num_online_cpus(), 2u);
	struct bench_smp t[2];
	unsigned long total = 0;
	unsigned int i;

	for (i = 0; i < ncpus; i++) {
		t[i] = (struct bench_smp){ .key = keys[i], .m = &m[i] };
		init_completion(&t[i].done);
		t[i].deadline = jiffies + msecs_to_jiffies(smp_ms);
	}
	for (i = 0; i < ncpus; i++) {
		struct task_struct *k;

		k = kthread_create(i < nthreads ? bench_smp_thread :
				   bench_smp_spin, &t[i], "smbsign-bench/%u",
				   i);
		if (IS_ERR(k))
			return 0;
		kthread_bind(k, i);
		wake_up_process(k);
	}
	for (i = 0; i < ncpus; i++) {
		wait_for_completion(&t[i].done);
		if (t[i].ret)
			return 0;
		if (i < nthreads)
			total += t[i].count;
	}
	return total;
}

/*
 * Two threads on one key against one thread, and, as the reference the
 * host allows, two threads on two keys of their own (nothing shared but
 * the code): wall clock under MTTCG depends on how the host schedules the
 * two vCPU threads, which varied between boots here (1.7x to 2.1x for
 * the same build). Each round runs the three in turn; the medians of the
 * per-round ratios are reported, after one uncounted round (the second
 * vCPU's first use of the code).
 */
static void bench_smp(void)
{
	static const u16 algs[] = {
		SMBSIGN_ALG_HMAC_SHA256, SMBSIGN_ALG_AES_CMAC,
		SMBSIGN_ALG_AES_GMAC,
	};
	struct bench_msg m[2];
	unsigned int a;

	if (bench_msg_alloc(&m[0], 65536))
		return;
	if (bench_msg_alloc(&m[1], 65536)) {
		bench_msg_free(&m[0]);
		return;
	}
	for (a = 0; a < ARRAY_SIZE(algs); a++) {
		u64 shared[BENCH_SMP_ROUNDS], private[BENCH_SMP_ROUNDS];
		struct smbsign_key *key[2], *own[2];
		unsigned long one = 0, two = 0, two_own = 0;
		unsigned int r;

		key[0] = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1, algs[a],
					   bench_key, sizeof(bench_key));
		if (IS_ERR(key[0]))
			continue;
		key[1] = key[0];
		own[0] = key[0];
		own[1] = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1, algs[a],
					   bench_key, sizeof(bench_key));
		if (IS_ERR(own[1])) {
			smbsign_key_put(key[0]);
			continue;
		}
		bench_smp_run(key, m, 2);
		for (r = 0; r < BENCH_SMP_ROUNDS; r++) {
			one = bench_smp_run(key, m, 1);
			two = bench_smp_run(key, m, 2);
			two_own = bench_smp_run(own, m, 2);
			shared[r] = one ? two * 100 / one : 0;
			private[r] = one ? two_own * 100 / one : 0;
		}
		pr_info("SMBSIGN-BENCH {\"smp\":\"%s\",\"cpus\":%u,\"size\":65536,\"ms\":%u,\"rounds\":%u,\"msgs_1_thread\":%lu,\"msgs_2_threads\":%lu,\"msgs_2_keys\":%lu,\"centi_ratio\":%llu,\"centi_ratio_2_keys\":%llu}\n",
			smbsign_alg_name(algs[a]), num_online_cpus(), smp_ms,
			BENCH_SMP_ROUNDS, one, two, two_own,
			bench_median(shared, BENCH_SMP_ROUNDS),
			bench_median(private, BENCH_SMP_ROUNDS));
		smbsign_key_put(own[1]);
		smbsign_key_put(key[0]);
	}
	bench_msg_free(&m[0]);
	bench_msg_free(&m[1]);
}

static int __init smbsign_bench_init(void)
{
	if (!strcmp(mode, "smp")) {
		bench_smp();
	} else if (!strcmp(mode, "mem")) {
		bench_mem();
	} else {
		bench_calibrate();
		bench_mem();
		bench_cmac();
		bench_gmac();
		bench_hmac();
	}
	pr_info("SMBSIGN-BENCH {\"done\":true}\n");
	return 0;
}

static void __exit smbsign_bench_exit(void)
{
}

module_init(smbsign_bench_init);
module_exit(smbsign_bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smbsign benchmark");
