// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign KUnit suite for the message API: sign/verify round trips for
 * every dialect and algorithm over contiguous buffers and kvec arrays
 * (kmalloc, vmalloc and page-backed pieces), exhaustive one-bit tamper
 * checks, the GMAC nonce, compound chains, bad input, 8 MiB messages,
 * concurrent use of one key, the crypto drivers chosen, and refcounting.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <kunit/test.h>
#include <kunit/resource.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
/* get/put_unaligned_*: <linux/unaligned.h> or <asm/unaligned.h> via compat.h */
#include <linux/vmalloc.h>
#include <linux/smbsign.h>
#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#endif

#include "../smbsign/smbsign.h"

#define SIG_OFF		SMBSIGN_SIG_OFFSET
#define SIG_LEN		SMBSIGN_SIG_SIZE
#define HDR_LEN		SMBSIGN_HDR_SIZE
#define CMD_OFF		12
#define CMD_READ	0x0008
#define CMD_CREATE	0x0005

struct sign_combo {
	u16 dialect;
	u16 alg;
	const char *name;
};

/* Every valid dialect x algorithm pair. */
static const struct sign_combo sign_combos[] = {
	{ SMBSIGN_DIALECT_2_0_2, SMBSIGN_ALG_HMAC_SHA256, "2.0.2 HMAC-SHA256" },
	{ SMBSIGN_DIALECT_2_1, SMBSIGN_ALG_HMAC_SHA256, "2.1 HMAC-SHA256" },
	{ SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_AES_CMAC, "3.0 AES-CMAC" },
	{ SMBSIGN_DIALECT_3_0_2, SMBSIGN_ALG_AES_CMAC, "3.0.2 AES-CMAC" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_HMAC_SHA256, "3.1.1 HMAC-SHA256" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC, "3.1.1 AES-CMAC" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC, "3.1.1 AES-GMAC" },
};

/* One row per algorithm, for the heavier tests. */
static const struct sign_combo sign_algs[] = {
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_HMAC_SHA256, "HMAC-SHA256" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC, "AES-CMAC" },
	{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_GMAC, "AES-GMAC" },
};

static void sign_combo_desc(const struct sign_combo *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sign_combos, sign_combos, sign_combo_desc);
KUNIT_ARRAY_PARAM(sign_algs, sign_algs, sign_combo_desc);

/* ------------------------------------------------------------- helpers */

/* Deterministic filler (xorshift32), so failures reproduce. */
static void sign_fill(void *p, size_t len, u32 seed)
{
	u32 x = seed * 2654435761u + 0x9e3779b9u;
	u8 *b = p;
	size_t i;

	if (!x)
		x = 1;
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = x >> 24;
	}
}

/* Write an SMB2 header at @buf; the signature field is zeroed. */
static void sign_hdr(u8 *buf, u16 cmd, u32 flags, u64 msgid, u32 next)
{
	buf[0] = 0xfe;
	buf[1] = 'S';
	buf[2] = 'M';
	buf[3] = 'B';
	put_unaligned_le16(HDR_LEN, buf + 4);
	put_unaligned_le16(cmd, buf + CMD_OFF);
	put_unaligned_le32(flags, buf + SMBSIGN_FLAGS_OFFSET);
	put_unaligned_le32(next, buf + SMBSIGN_NEXTCMD_OFFSET);
	put_unaligned_le64(msgid, buf + SMBSIGN_MSGID_OFFSET);
	memset(buf + SIG_OFF, 0, SIG_LEN);
}

/* A test-managed message of @len bytes with a header and random body. */
static u8 *sign_msg(struct kunit *test, size_t len, u32 seed, u16 cmd,
		    u32 flags, u64 msgid)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	sign_fill(buf, len, seed);
	if (len >= HDR_LEN)
		sign_hdr(buf, cmd, flags, msgid, 0);
	return buf;
}

/* kunit_kmemdup() is newer than 6.1 */
static u8 *sign_dup(struct kunit *test, const u8 *p, size_t len, gfp_t gfp)
{
	u8 *d = kunit_kmalloc(test, len, gfp);

	if (d)
		memcpy(d, p, len);
	return d;
}

static int sign_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void sign_res_key_free(struct kunit_resource *res)
{
	smbsign_key_put(res->data);
}

static void sign_res_vfree(struct kunit_resource *res)
{
	vfree(res->data);
}

static void sign_res_page_free(struct kunit_resource *res)
{
	__free_page(res->data);
}

/* Key bytes differ per algorithm and per @salt. */
static void sign_key_bytes(u8 *k, u16 alg, u8 salt)
{
	int i;

	for (i = 0; i < SMBSIGN_KEY_SIZE; i++)
		k[i] = 0x11 * (alg + 1) + i + salt;
}

/* A key put automatically when the test ends. */
static struct smbsign_key *sign_key(struct kunit *test, u16 dialect, u16 alg,
				    u8 salt)
{
	struct smbsign_key *key;
	u8 k[SMBSIGN_KEY_SIZE];
	void *res;

	sign_key_bytes(k, alg, salt);
	key = smbsign_key_alloc(dialect, alg, k, sizeof(k));
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(key),
			       "smbsign_key_alloc(%#x, %s): %ld", dialect,
			       smbsign_alg_name(alg), PTR_ERR(key));
	res = kunit_alloc_resource(test, sign_res_init, sign_res_key_free,
				   GFP_KERNEL, key);
	if (!res)
		smbsign_key_put(key);
	KUNIT_ASSERT_NOT_NULL_MSG(test, res, "out of memory");
	return key;
}

static void *sign_vmalloc(struct kunit *test, size_t len)
{
	void *p = vmalloc(len);
	void *res;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	res = kunit_alloc_resource(test, sign_res_init, sign_res_vfree,
				   GFP_KERNEL, p);
	if (!res)
		vfree(p);
	KUNIT_ASSERT_NOT_NULL_MSG(test, res, "out of memory");
	return p;
}

static void *sign_page(struct kunit *test)
{
	struct page *pg = alloc_page(GFP_KERNEL);
	void *res;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pg);
	res = kunit_alloc_resource(test, sign_res_init, sign_res_page_free,
				   GFP_KERNEL, pg);
	if (!res)
		__free_page(pg);
	KUNIT_ASSERT_NOT_NULL_MSG(test, res, "out of memory");
	return page_address(pg);
}

/* The plain MAC the message should carry: raw MAC with bytes 48..63 zero. */
static void sign_expected(struct kunit *test, u16 alg, u8 salt,
			  const u8 *msg, size_t len, u8 *out)
{
	struct smbsign_key *raw;
	u8 k[SMBSIGN_KEY_SIZE], nonce[12];
	u8 *copy;
	u32 bits = 0;
	int ret;

	copy = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, msg, len);
	memset(copy + SIG_OFF, 0, SIG_LEN);

	/* [MS-SMB2] 3.1.4.1: MessageId || le32(S2C | CANCEL << 1) */
	memcpy(nonce, msg + SMBSIGN_MSGID_OFFSET, 8);
	if (get_unaligned_le32(msg + SMBSIGN_FLAGS_OFFSET) &
	    SMBSIGN_FLAG_SERVER_TO_REDIR)
		bits |= 1;
	if (get_unaligned_le16(msg + CMD_OFF) == SMBSIGN_CMD_CANCEL)
		bits |= 2;
	put_unaligned_le32(bits, nonce + 8);

	sign_key_bytes(k, alg, salt);
	raw = smbsign_key_alloc_raw(alg, k, sizeof(k));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(raw));
	ret = smbsign_key_mac_raw(raw, copy, len,
				  alg == SMBSIGN_ALG_AES_GMAC ? nonce : NULL,
				  out);
	smbsign_key_put(raw);
	kunit_kfree(test, copy);
	KUNIT_ASSERT_EQ(test, ret, 0);
}

static void sign_expect_sig(struct kunit *test, const char *what,
			    const u8 *got, const u8 *want)
{
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, want, SIG_LEN),
			      "%s: signature\n\tgot  %16phN\n\twant %16phN",
			      what, got, want);
}

/* Bytes outside 48..63 must be untouched by sign. */
static void sign_expect_only_sig_changed(struct kunit *test, const char *what,
					 const u8 *after, const u8 *before,
					 size_t len)
{
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(after, before, SIG_OFF),
			      "%s: bytes 0..47 changed by sign", what);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(after + HDR_LEN, before + HDR_LEN,
					    len - HDR_LEN),
			      "%s: bytes after the header changed by sign",
			      what);
}

/* ------------------------------------------ a message in many pieces */

enum sign_mem { MEM_KMALLOC, MEM_VMALLOC, MEM_PAGE, MEM_EMPTY, MEM_NULL };

struct sign_piece {
	size_t len;
	enum sign_mem mem;
};

/*
 * The header is cut at 7, 33, 50 (inside the signature) and 61, with an
 * empty kvec and a NULL/0 kvec in between; the body is kmalloc'd,
 * vmalloc'd and page-backed (one piece at an offset inside its page, one
 * a whole page).
 */
static const struct sign_piece sign_layout[] = {
	{ 7, MEM_KMALLOC },
	{ 26, MEM_KMALLOC },
	{ 0, MEM_EMPTY },
	{ 17, MEM_KMALLOC },
	{ 0, MEM_NULL },
	{ 11, MEM_KMALLOC },
	{ 100, MEM_KMALLOC },
	{ 3001, MEM_VMALLOC },
	{ 3900, MEM_PAGE },
	{ PAGE_SIZE, MEM_PAGE },
	{ 555, MEM_KMALLOC },
};

#define SIGN_LAYOUT_MAX	80

struct sign_kvecs {
	struct kvec iov[SIGN_LAYOUT_MAX];
	unsigned int n;
	size_t total;
};

/* Copy @msg into pieces as @layout says; the rest goes into one kmalloc. */
static void sign_scatter(struct kunit *test, struct sign_kvecs *kv,
			 const u8 *msg, size_t len,
			 const struct sign_piece *layout, unsigned int nl)
{
	size_t pos = 0;
	unsigned int i;

	kv->n = 0;
	for (i = 0; i <= nl && pos <= len; i++) {
		size_t n = i < nl ? min(layout[i].len, len - pos) : len - pos;
		enum sign_mem mem = i < nl ? layout[i].mem : MEM_KMALLOC;
		u8 *p;

		if (i == nl && !n)
			break;
		KUNIT_ASSERT_LT(test, kv->n, SIGN_LAYOUT_MAX);
		switch (mem) {
		case MEM_NULL:
			p = NULL;
			n = 0;
			break;
		case MEM_EMPTY:
			p = kunit_kmalloc(test, 1, GFP_KERNEL);
			n = 0;
			break;
		case MEM_VMALLOC:
			p = sign_vmalloc(test, n + 3) + 3;
			break;
		case MEM_PAGE:
			KUNIT_ASSERT_LE(test, n, PAGE_SIZE);
			p = sign_page(test);
			p += (PAGE_SIZE - n) / 2;
			break;
		default:
			p = kunit_kmalloc(test, n ? n : 1, GFP_KERNEL);
			break;
		}
		if (mem != MEM_NULL)
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		if (n)
			memcpy(p, msg + pos, n);
		kv->iov[kv->n].iov_base = p;
		kv->iov[kv->n].iov_len = n;
		kv->n++;
		pos += n;
	}
	kv->total = pos;
	KUNIT_ASSERT_EQ(test, pos, len);
}

static void sign_gather(const struct sign_kvecs *kv, u8 *out)
{
	size_t pos = 0;
	unsigned int i;

	for (i = 0; i < kv->n; i++) {
		if (kv->iov[i].iov_len)
			memcpy(out + pos, kv->iov[i].iov_base,
			       kv->iov[i].iov_len);
		pos += kv->iov[i].iov_len;
	}
}

/* Copy @msg into kmalloc'd pieces of @step bytes. */
static void sign_scatter_step(struct kunit *test, struct sign_kvecs *kv,
			      const u8 *msg, size_t len, size_t step)
{
	size_t pos;

	kv->n = 0;
	for (pos = 0; pos < len; pos += step) {
		size_t n = min(step, len - pos);
		u8 *p;

		KUNIT_ASSERT_LT(test, kv->n, SIGN_LAYOUT_MAX);
		p = kunit_kmalloc(test, n, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		memcpy(p, msg + pos, n);
		kv->iov[kv->n].iov_base = p;
		kv->iov[kv->n].iov_len = n;
		kv->n++;
	}
	kv->total = len;
}

/* ------------------------------------------------------ (a) + (b) */

static const size_t sign_sizes[] = { 64, 65, 72, 200, 1024, 4109 };

/*
 * Contiguous round trip over several sizes: sign succeeds, changes only
 * bytes 48..63 (not even the flags), equals the raw MAC of the message with
 * a zeroed signature field, verifies; verify changes nothing.
 */
static void smbsign_sign_roundtrip_buf(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 0);
	u8 want[SIG_LEN];
	int i;

	for (i = 0; i < ARRAY_SIZE(sign_sizes); i++) {
		size_t len = sign_sizes[i];
		u8 *msg = sign_msg(test, len, i + 1, CMD_READ, 0, 100 + i);
		u8 *orig = kunit_kmalloc(test, len, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);
		/* caller sets SIGNED; a garbage signature field is ignored */
		put_unaligned_le32(SMBSIGN_FLAG_SIGNED,
				   msg + SMBSIGN_FLAGS_OFFSET);
		sign_fill(msg + SIG_OFF, SIG_LEN, 77);
		memcpy(orig, msg, len);
		sign_expected(test, c->alg, 0, msg, len, want);

		KUNIT_EXPECT_EQ_MSG(test, smbsign_sign_buf(key, msg, len), 0,
				    "%s: %zu bytes", c->name, len);
		sign_expect_only_sig_changed(test, c->name, msg, orig, len);
		sign_expect_sig(test, c->name, msg + SIG_OFF, want);
		memcpy(orig, msg, len);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(key, msg, len), 0,
				    "%s: verify %zu bytes", c->name, len);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(orig, msg, len),
				      "%s: verify changed the buffer", c->name);
	}

	/* flags are the caller's business: an unflagged message stays so */
	{
		u8 *msg = sign_msg(test, 128, 9, CMD_READ, 0, 7);

		KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 128), 0);
		KUNIT_EXPECT_EQ_MSG(test,
				    get_unaligned_le32(msg + SMBSIGN_FLAGS_OFFSET),
				    0u, "%s: sign touched Flags", c->name);
		KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 128), 0);
	}
}

/*
 * The same message as a kvec array split inside the header and the
 * signature, with empty kvecs, vmalloc and page-backed pieces: same
 * signature as the contiguous buffer, nothing else changed, verifies, and
 * a flipped bit in any piece is caught.
 */
static void smbsign_sign_roundtrip_kvec(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 0);
	const size_t len = 64 + 100 + 3001 + 3900 + PAGE_SIZE + 555 + 1234;
	struct sign_kvecs *kv;
	u8 *msg, *flat, *out;
	unsigned int i;

	kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	flat = kunit_kmalloc(test, len, GFP_KERNEL);
	out = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kv);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, flat);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	msg = sign_msg(test, len, 3, CMD_READ, SMBSIGN_FLAG_SIGNED |
		       SMBSIGN_FLAG_SERVER_TO_REDIR, 0x1122334455667788ull);

	memcpy(flat, msg, len);
	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, flat, len), 0);

	sign_scatter(test, kv, msg, len, sign_layout, ARRAY_SIZE(sign_layout));
	KUNIT_EXPECT_EQ_MSG(test, smbsign_sign(key, kv->iov, kv->n), 0,
			    "%s: sign %u kvecs", c->name, kv->n);
	sign_gather(kv, out);
	sign_expect_sig(test, "kvec vs buf", out + SIG_OFF, flat + SIG_OFF);
	sign_expect_only_sig_changed(test, c->name, out, msg, len);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify(key, kv->iov, kv->n), 0,
			    "%s: verify %u kvecs", c->name, kv->n);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, out, len), 0);

	/* one flipped bit in each non-empty piece */
	for (i = 0; i < kv->n; i++) {
		u8 *p = kv->iov[i].iov_base;
		size_t at = kv->iov[i].iov_len / 2;

		if (!kv->iov[i].iov_len)
			continue;
		p[at] ^= 0x10;
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify(key, kv->iov, kv->n),
				    -EBADMSG, "%s: bit flipped in kvec %u",
				    c->name, i);
		p[at] ^= 0x10;
	}
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, kv->iov, kv->n), 0);

	/* a header of 64 one-byte kvecs, then the body in 1 KiB steps */
	sign_scatter_step(test, kv, msg, 64, 1);
	KUNIT_ASSERT_EQ(test, kv->n, 64u);
	kv->iov[kv->n].iov_base = msg + 64;
	kv->iov[kv->n].iov_len = len - 64;
	kv->n++;
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify(key, kv->iov, kv->n),
			    -EBADMSG, "%s: unsigned copy verified", c->name);
	KUNIT_EXPECT_EQ(test, smbsign_sign(key, kv->iov, kv->n), 0);
	sign_gather(kv, out);
	sign_expect_sig(test, "1-byte header kvecs vs buf", out + SIG_OFF,
			flat + SIG_OFF);
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, kv->iov, kv->n), 0);
}

/* Writable module data: not in the linear map on x86-64. */
static u8 sign_module_buf[600];

/*
 * The same message placed in memory of every kind the API promises to
 * take: vmalloc with the header (and the signature field) straddling a
 * page boundary at every offset 1..64, module data, and the stack. Each
 * must sign like the kmalloc'd copy, and verify.
 */
static void smbsign_sign_memory_kinds(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 4);
	const size_t len = 300;
	u8 stack_msg[300];
	u8 *ref, *vbuf, *p;
	size_t cross;

	ref = sign_msg(test, len, 40, CMD_READ, SMBSIGN_FLAG_SIGNED, 11);
	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, ref, len), 0);
	vbuf = sign_vmalloc(test, 2 * PAGE_SIZE);

	for (cross = 1; cross <= HDR_LEN; cross++) {
		/* the first @cross bytes sit at the end of the first page */
		p = vbuf + PAGE_SIZE - cross;
		memcpy(p, ref, len);
		memset(p + SIG_OFF, 0, SIG_LEN);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_sign_buf(key, p, len), 0,
				    "%s: vmalloc, page boundary at %zu",
				    c->name, cross);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(p, ref, len),
				      "%s: vmalloc, page boundary at byte %zu: signed differently",
				      c->name, cross);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(key, p, len), 0,
				    "%s: vmalloc, page boundary at %zu",
				    c->name, cross);
	}

	memcpy(sign_module_buf, ref, len);
	memset(sign_module_buf + SIG_OFF, 0, SIG_LEN);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, sign_module_buf, len), 0);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(sign_module_buf, ref, len),
			      "%s: module data signed differently", c->name);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, sign_module_buf, len),
			0);

	memcpy(stack_msg, ref, len);
	memset(stack_msg + SIG_OFF, 0, SIG_LEN);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, stack_msg, len), 0);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(stack_msg, ref, len),
			      "%s: stack buffer signed differently", c->name);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, stack_msg, len), 0);
}

/* Only the first 16 bytes of the 32-byte HMAC, etc.: sign == raw MAC. */
static void smbsign_sign_matches_raw(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 5);
	static const u32 flags[] = { 0, SMBSIGN_FLAG_SIGNED,
		SMBSIGN_FLAG_SIGNED | SMBSIGN_FLAG_SERVER_TO_REDIR,
		0x10000006 };
	u8 want[SIG_LEN];
	int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		u8 *msg = sign_msg(test, 300 + i, 20 + i, CMD_CREATE,
				   flags[i], 1000 + i);

		sign_expected(test, c->alg, 5, msg, 300 + i, want);
		KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 300 + i), 0);
		sign_expect_sig(test, c->name, msg + SIG_OFF, want);
	}
}

/*
 * smbsign takes different paths by message size (one AES block at a time,
 * a stack copy, bulk CBC passes; a stack copy or in-place GHASH; one finup
 * or per-kvec updates). Every length across those thresholds, contiguous
 * and split into odd kvecs, must give what the kernel's own generic
 * constructions give: the cmac(aes) and hmac(sha256) templates, and
 * gcm(aes) with the message as associated data and nothing to encrypt.
 */
struct sign_ref {
	struct crypto_shash *shash;
	struct crypto_aead *aead;
};

static void sign_ref_init(struct kunit *test, struct sign_ref *r, u16 alg,
			  const u8 *k)
{
	memset(r, 0, sizeof(*r));
	if (alg == SMBSIGN_ALG_AES_GMAC) {
		r->aead = crypto_alloc_aead("gcm(aes)", 0, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(r->aead));
		KUNIT_ASSERT_EQ(test, crypto_aead_setkey(r->aead, k,
							 SMBSIGN_KEY_SIZE), 0);
		KUNIT_ASSERT_EQ(test, crypto_aead_setauthsize(r->aead, SIG_LEN),
				0);
		return;
	}
	r->shash = crypto_alloc_shash(alg == SMBSIGN_ALG_AES_CMAC ?
				      "cmac(aes)" : "hmac(sha256)", 0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r->shash));
	KUNIT_ASSERT_EQ(test, crypto_shash_setkey(r->shash, k,
						  SMBSIGN_KEY_SIZE), 0);
}

static void sign_ref_free(struct sign_ref *r)
{
	if (r->aead)
		crypto_free_aead(r->aead);
	if (r->shash)
		crypto_free_shash(r->shash);
}

/* @buf holds the message (signature field zeroed) and room for a tag. */
static int sign_ref_mac(struct sign_ref *r, u8 *buf, size_t len, u8 *out)
{
	u8 digest[SHA256_DIGEST_SIZE], iv[12];
	struct aead_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	u32 bits = 0;
	int ret;

	if (r->shash) {
		ret = crypto_shash_tfm_digest(r->shash, buf, len, digest);
		memcpy(out, digest, SIG_LEN);
		return ret;
	}
	memcpy(iv, buf + SMBSIGN_MSGID_OFFSET, 8);
	if (get_unaligned_le32(buf + SMBSIGN_FLAGS_OFFSET) &
	    SMBSIGN_FLAG_SERVER_TO_REDIR)
		bits |= 1;
	put_unaligned_le32(bits, iv + 8);
	req = aead_request_alloc(r->aead, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg, buf, len + SIG_LEN);
	aead_request_set_callback(req, 0, crypto_req_done, &wait);
	aead_request_set_ad(req, len);
	aead_request_set_crypt(req, &sg, &sg, 0, iv);
	ret = crypto_wait_req(crypto_aead_encrypt(req), &wait);
	aead_request_free(req);
	memcpy(out, buf + len, SIG_LEN);
	return ret;
}

static void smbsign_sign_vs_crypto_api(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 9);
	/* cut points of the kvec split, cycled: odd, across blocks */
	static const size_t cuts[] = { 7, 1, 13, 40, 3, 16, 29, 64, 5 };
	struct sign_kvecs *kv;
	const size_t max = 1100;
	u8 k[SMBSIGN_KEY_SIZE], want[SIG_LEN];
	struct sign_ref ref;
	size_t len, n, i;
	u8 *msg, *ref_buf, *flat;

	kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	ref_buf = kunit_kmalloc(test, max + SIG_LEN, GFP_KERNEL);
	flat = kunit_kmalloc(test, max, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kv);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ref_buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, flat);
	sign_key_bytes(k, c->alg, 9);
	sign_ref_init(test, &ref, c->alg, k);

	for (len = HDR_LEN, n = 0; len <= max;
	     len += len < 320 ? 1 : 37, n++) {
		msg = sign_msg(test, len, len, CMD_READ,
			       len & 1 ? SMBSIGN_FLAG_SERVER_TO_REDIR : 0,
			       0x0102030405060708ull + len);
		memcpy(ref_buf, msg, len);
		memset(ref_buf + SIG_OFF, 0, SIG_LEN);
		KUNIT_ASSERT_EQ(test, sign_ref_mac(&ref, ref_buf, len, want),
				0);

		memcpy(flat, msg, len);
		KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, flat, len), 0);
		if (memcmp(flat + SIG_OFF, want, SIG_LEN)) {
			KUNIT_FAIL(test, "%s: %zu-byte buffer: differs from the crypto API",
				   c->name, len);
			break;
		}

		/* the same message in pieces of odd sizes */
		memset(kv, 0, sizeof(*kv));
		for (i = 0; kv->total < len; i++) {
			size_t piece = min(cuts[(i + len) % ARRAY_SIZE(cuts)],
					   len - kv->total);

			KUNIT_ASSERT_LT(test, kv->n, SIGN_LAYOUT_MAX);
			kv->iov[kv->n].iov_base = msg + kv->total;
			kv->iov[kv->n].iov_len = piece;
			kv->n++;
			kv->total += piece;
		}
		KUNIT_ASSERT_EQ(test, smbsign_sign(key, kv->iov, kv->n), 0);
		if (memcmp(msg + SIG_OFF, want, SIG_LEN)) {
			KUNIT_FAIL(test, "%s: %zu bytes in %u kvecs: differs from crypto API",
				   c->name, len, kv->n);
			break;
		}
		KUNIT_EXPECT_EQ(test, smbsign_verify(key, kv->iov, kv->n), 0);
		kunit_kfree(test, msg);
		if (!(n & 63))
			cond_resched();
	}
	kunit_info(test, "%s: %zu lengths from %u to %zu bytes match %s\n",
		   c->name, n, HDR_LEN, max,
		   ref.aead ? "gcm(aes)" : crypto_shash_alg_name(ref.shash));
	sign_ref_free(&ref);
}

/*
 * A message in more pieces than any scatterlist smbsign keeps (7.x GMAC
 * falls back from gcm(aes) to GHASH via POLYVAL past 2112 entries): 3000
 * 8-byte kvecs that are not adjacent in memory, so none can be merged.
 */
static void smbsign_sign_many_pieces(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 4);
	const unsigned int npieces = 3000, piece = 8;
	const size_t len = HDR_LEN + (size_t)npieces * piece;
	u8 k[SMBSIGN_KEY_SIZE], want[SIG_LEN];
	struct sign_ref ref;
	struct kvec *iov;
	u8 *msg, *spread, *ref_buf;
	unsigned int i;

	msg = sign_msg(test, len, 77, CMD_READ, SMBSIGN_FLAG_SERVER_TO_REDIR,
		       0xfeedull);
	spread = kunit_kmalloc(test, 2 * (size_t)npieces * piece, GFP_KERNEL);
	iov = kunit_kmalloc_array(test, npieces + 1, sizeof(*iov), GFP_KERNEL);
	ref_buf = kunit_kmalloc(test, len + SIG_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, spread);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, iov);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ref_buf);

	iov[0].iov_base = msg;
	iov[0].iov_len = HDR_LEN;
	for (i = 0; i < npieces; i++) {
		u8 *p = spread + 2 * (size_t)i * piece;

		memcpy(p, msg + HDR_LEN + (size_t)i * piece, piece);
		iov[i + 1].iov_base = p;
		iov[i + 1].iov_len = piece;
	}

	sign_key_bytes(k, c->alg, 4);
	sign_ref_init(test, &ref, c->alg, k);
	memcpy(ref_buf, msg, len);
	memset(ref_buf + SIG_OFF, 0, SIG_LEN);
	KUNIT_ASSERT_EQ(test, sign_ref_mac(&ref, ref_buf, len, want), 0);
	sign_ref_free(&ref);

	KUNIT_ASSERT_EQ(test, smbsign_sign(key, iov, npieces + 1), 0);
	sign_expect_sig(test, c->name, msg + SIG_OFF, want);
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, iov, npieces + 1), 0);
	((u8 *)iov[npieces / 2].iov_base)[3] ^= 0x10;
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, iov, npieces + 1), -EBADMSG);
}

/* ----------------------------------------------------------- (c) */

static void sign_bitflips(struct kunit *test, const struct sign_combo *c,
			  struct smbsign_key *key, size_t len)
{
	u8 *msg = sign_msg(test, len, len, CMD_READ, SMBSIGN_FLAG_SIGNED, 42);
	size_t bit, nbits = len * 8, caught = 0, caught_sig = 0;
	long first_miss = -1;
	int ret;

	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, msg, len), 0);
	KUNIT_ASSERT_EQ(test, smbsign_verify_buf(key, msg, len), 0);
	for (bit = 0; bit < nbits; bit++) {
		msg[bit / 8] ^= 1 << (bit % 8);
		ret = smbsign_verify_buf(key, msg, len);
		msg[bit / 8] ^= 1 << (bit % 8);
		if (ret == -EBADMSG) {
			caught++;
			if (bit / 8 >= SIG_OFF && bit / 8 < SIG_OFF + SIG_LEN)
				caught_sig++;
		} else if (first_miss < 0) {
			first_miss = bit;
			KUNIT_FAIL(test, "%s, %zu bytes: bit %zu flipped: verify returned %d",
				   c->name, len, bit, ret);
		}
		if (!(bit & 1023))
			cond_resched();
	}
	kunit_info(test, "%s, %zu-byte message: %zu/%zu bit flips rejected (%zu/128 in the signature)\n",
		   c->name, len, caught, nbits, caught_sig);
	KUNIT_EXPECT_EQ_MSG(test, caught, nbits, "%s: %zu-byte message",
			    c->name, len);
	KUNIT_EXPECT_EQ(test, caught_sig, (size_t)SIG_LEN * 8);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, len), 0);
}

/* Every single-bit change of a 64-byte and a 1 KiB message must fail. */
static void smbsign_sign_bitflip(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 1);

	sign_bitflips(test, c, key, 64);
	sign_bitflips(test, c, key, 1024);
}

/* Wrong key, other algorithm, unsigned message: -EBADMSG. */
static void smbsign_sign_wrong_key(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 2);
	struct smbsign_key *other = sign_key(test, c->dialect, c->alg, 3);
	u8 *msg = sign_msg(test, 500, 4, CMD_READ, SMBSIGN_FLAG_SIGNED, 9);
	int i;

	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 500), -EBADMSG);
	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, msg, 500), 0);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(other, msg, 500), -EBADMSG);
	for (i = 0; i < ARRAY_SIZE(sign_combos); i++) {
		const struct sign_combo *o = &sign_combos[i];

		if (o->alg == c->alg)
			continue;
		/* same key bytes, other algorithm */
		other = sign_key(test, o->dialect, o->alg, 2);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(other, msg, 500),
				    -EBADMSG, "%s message verified by %s",
				    c->name, o->name);
	}
}

/* ----------------------------------------------------------- (d) */

/*
 * GMAC nonce = MessageId || le32(S2C | CANCEL << 1): the signature equals
 * the raw GMAC with exactly that nonce, for MessageIds, both directions,
 * CANCEL / not CANCEL (0x010c is not CANCEL), and other flag bits that
 * must not enter the nonce; and each of those fields changes it.
 */
static void smbsign_sign_gmac_nonce(struct kunit *test)
{
	struct smbsign_key *key = sign_key(test, SMBSIGN_DIALECT_3_1_1,
					   SMBSIGN_ALG_AES_GMAC, 0);
	static const u64 ids[] = { 1, 2, 0x0123456789abcdefull,
				   0xfffffffffffffffeull };
	static const u16 cmds[] = { CMD_READ, SMBSIGN_CMD_CANCEL, 0x010c };
	static const u32 flags[] = { SMBSIGN_FLAG_SIGNED,
		SMBSIGN_FLAG_SIGNED | SMBSIGN_FLAG_SERVER_TO_REDIR,
		SMBSIGN_FLAG_SIGNED | 0x2 | 0x4 | 0x10000000,
		SMBSIGN_FLAG_SIGNED | SMBSIGN_FLAG_SERVER_TO_REDIR | 0x4 };
	u8 want[SIG_LEN], base[SIG_LEN];
	int i, j, k;
	u8 *msg;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		for (j = 0; j < ARRAY_SIZE(cmds); j++) {
			for (k = 0; k < ARRAY_SIZE(flags); k++) {
				msg = sign_msg(test, 160, 8, cmds[j], flags[k],
					       ids[i]);
				sign_expected(test, SMBSIGN_ALG_AES_GMAC, 0,
					      msg, 160, want);
				KUNIT_EXPECT_EQ(test,
						smbsign_sign_buf(key, msg, 160),
						0);
				KUNIT_EXPECT_TRUE_MSG(test,
						      !memcmp(msg + SIG_OFF, want, SIG_LEN),
						      "MessageId %#llx Command %#x Flags %#x: signature %16phN, want %16phN",
						      ids[i], cmds[j], flags[k],
						      msg + SIG_OFF, want);
				kunit_kfree(test, msg);
			}
		}
	}

	/* each nonce input changes the signature of an otherwise equal msg */
	msg = sign_msg(test, 160, 8, CMD_READ, SMBSIGN_FLAG_SIGNED, 5);
	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, msg, 160), 0);
	memcpy(base, msg + SIG_OFF, SIG_LEN);

	put_unaligned_le64(6, msg + SMBSIGN_MSGID_OFFSET);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 160), 0);
	KUNIT_EXPECT_TRUE_MSG(test, memcmp(msg + SIG_OFF, base, SIG_LEN),
			      "MessageId change did not change the signature");
	put_unaligned_le64(5, msg + SMBSIGN_MSGID_OFFSET);

	put_unaligned_le32(SMBSIGN_FLAG_SIGNED | SMBSIGN_FLAG_SERVER_TO_REDIR,
			   msg + SMBSIGN_FLAGS_OFFSET);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 160), 0);
	KUNIT_EXPECT_TRUE_MSG(test, memcmp(msg + SIG_OFF, base, SIG_LEN),
			      "SERVER_TO_REDIR did not change the signature");
	put_unaligned_le32(SMBSIGN_FLAG_SIGNED, msg + SMBSIGN_FLAGS_OFFSET);

	put_unaligned_le16(SMBSIGN_CMD_CANCEL, msg + CMD_OFF);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 160), 0);
	KUNIT_EXPECT_TRUE_MSG(test, memcmp(msg + SIG_OFF, base, SIG_LEN),
			      "CANCEL did not change the signature");
	put_unaligned_le16(CMD_READ, msg + CMD_OFF);

	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 160), 0);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(msg + SIG_OFF, base, SIG_LEN),
			      "restored message signs differently");
}

/* ----------------------------------------------------------- (e) */

#define CHAIN_MAX	4

struct sign_chain_spec {
	const char *name;
	unsigned int n;
	size_t len[CHAIN_MAX];		/* message length without padding */
	bool pad_last;
};

static const struct sign_chain_spec sign_chains[] = {
	{ "2 elements, last unpadded", 2, { 100, 77 }, false },
	{ "3 elements, exact and padded", 3, { 64, 200, 70 }, true },
	{ "4 elements, last unpadded", 4, { 65, 130, 64, 99 }, false },
	{ "4 elements, all padded", 4, { 120, 64, 333, 71 }, true },
};

struct sign_chain {
	u8 *buf;
	size_t total;
	unsigned int n;
	size_t off[CHAIN_MAX];
	size_t ext[CHAIN_MAX];	/* extent: NextCommand, or to the end */
};

static void sign_chain_build(struct kunit *test, struct sign_chain *ch,
			     const struct sign_chain_spec *s, u32 seed)
{
	size_t pos = 0;
	unsigned int i;

	ch->n = s->n;
	for (i = 0; i < s->n; i++) {
		bool last = i == s->n - 1;

		ch->off[i] = pos;
		ch->ext[i] = last && !s->pad_last ? s->len[i] :
			     ALIGN(s->len[i], 8);
		pos += ch->ext[i];
	}
	ch->total = pos;
	ch->buf = kunit_kmalloc(test, pos, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ch->buf);
	/* padding is random too: it is covered by the MAC */
	sign_fill(ch->buf, pos, seed);
	for (i = 0; i < s->n; i++)
		sign_hdr(ch->buf + ch->off[i], CMD_CREATE,
			 SMBSIGN_FLAG_SIGNED | (i ? 0x4 : 0), 50 + i,
			 i == s->n - 1 ? 0 : ch->ext[i]);
}

/* The compound calls on a contiguous buffer (one kvec). */
static int sign_scbuf(struct smbsign_key *key, u8 *buf, size_t len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return smbsign_sign_compound(key, &iov, 1);
}

static int sign_vcbuf(struct smbsign_key *key, u8 *buf, size_t len,
		      unsigned int *bad)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return smbsign_verify_compound(key, &iov, 1, bad);
}

static void sign_chain_desc(const struct sign_chain_spec *s, char *desc)
{
	strscpy(desc, s->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sign_chains, sign_chains, sign_chain_desc);

/*
 * For each algorithm: a compound chain signs; each element's signature is
 * the one it gets signed alone over its extent and verifies alone; the
 * kvec form gives the same bytes; a change in element k (body, padding or
 * signature) fails with bad_index == k.
 */
static void smbsign_sign_compound_chain(struct kunit *test)
{
	const struct sign_chain_spec *s = test->param_value;
	struct sign_kvecs *kv;
	struct sign_chain ch;
	unsigned int a, i, bad;
	u8 *orig, *copy;
	int ret;

	kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kv);

	for (a = 0; a < ARRAY_SIZE(sign_combos); a++) {
		const struct sign_combo *c = &sign_combos[a];
		struct smbsign_key *key = sign_key(test, c->dialect, c->alg,
						   7);

		sign_chain_build(test, &ch, s, a + 1);
		orig = sign_dup(test, ch.buf, ch.total, GFP_KERNEL);
		copy = kunit_kmalloc(test, ch.total, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);

		ret = sign_scbuf(key, ch.buf, ch.total);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: sign_compound",
				    c->name);

		for (i = 0; i < ch.n; i++) {
			u8 *el = ch.buf + ch.off[i];

			sign_expect_only_sig_changed(test, c->name, el,
						     orig + ch.off[i],
						     ch.ext[i]);
			memcpy(copy, orig + ch.off[i], ch.ext[i]);
			KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, copy,
							       ch.ext[i]), 0);
			KUNIT_EXPECT_TRUE_MSG(test,
					      !memcmp(copy + SIG_OFF, el + SIG_OFF, SIG_LEN),
					      "%s: element %u signed differently alone",
					      c->name, i);
			KUNIT_EXPECT_EQ_MSG(test,
					    smbsign_verify_buf(key, el,
							       ch.ext[i]),
					    0, "%s: element %u alone", c->name,
					    i);
		}
		bad = 1234;
		KUNIT_EXPECT_EQ(test, sign_vcbuf(key, ch.buf, ch.total, &bad),
				0);

		/* kvec form, cut at every 37 bytes */
		memcpy(copy, ch.buf, ch.total);
		sign_scatter_step(test, kv, orig, ch.total, 37);
		KUNIT_EXPECT_EQ(test, smbsign_verify_compound(key, kv->iov,
							      kv->n, NULL),
				-EBADMSG);
		KUNIT_EXPECT_EQ(test, smbsign_sign_compound(key, kv->iov,
							    kv->n), 0);
		sign_gather(kv, copy);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(copy, ch.buf, ch.total),
				      "%s: kvec chain signed differently",
				      c->name);
		KUNIT_EXPECT_EQ(test, smbsign_verify_compound(key, kv->iov,
							      kv->n, &bad), 0);

		/* tamper in element k: body, last byte (padding), signature */
		for (i = 0; i < ch.n; i++) {
			size_t at[3] = { ch.off[i] + HDR_LEN - 1 + 1,
					 ch.off[i] + ch.ext[i] - 1,
					 ch.off[i] + SIG_OFF + 5 };
			int t;

			if (ch.ext[i] == HDR_LEN)
				at[0] = ch.off[i] + 2;	/* no body */
			for (t = 0; t < 3; t++) {
				ch.buf[at[t]] ^= 0x01;
				bad = 1234;
				ret = sign_vcbuf(key, ch.buf, ch.total, &bad);
				KUNIT_EXPECT_EQ_MSG(test, ret, -EBADMSG,
						    "%s: byte %zu of element %u",
						    c->name, at[t] - ch.off[i],
						    i);
				KUNIT_EXPECT_EQ_MSG(test, bad, i,
						    "%s: byte %zu of element %u",
						    c->name, at[t] - ch.off[i],
						    i);
				ret = sign_vcbuf(key, ch.buf, ch.total, NULL);
				KUNIT_EXPECT_EQ(test, ret, -EBADMSG);
				ch.buf[at[t]] ^= 0x01;
			}
		}
		KUNIT_EXPECT_EQ(test, sign_vcbuf(key, ch.buf, ch.total, NULL),
				0);
	}
}

/* A one-element "chain" is a single message. */
static void smbsign_sign_compound_single(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 8);
	u8 *a = sign_msg(test, 333, 12, CMD_READ, SMBSIGN_FLAG_SIGNED, 3);
	u8 *b = sign_dup(test, a, 333, GFP_KERNEL);
	unsigned int bad = 99;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, a, 333), 0);
	KUNIT_EXPECT_EQ(test, sign_scbuf(key, b, 333), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(a, b, 333));
	KUNIT_EXPECT_EQ(test, sign_vcbuf(key, a, 333, &bad), 0);
	a[300] ^= 0x80;
	KUNIT_EXPECT_EQ(test, sign_vcbuf(key, a, 333, &bad), -EBADMSG);
	KUNIT_EXPECT_EQ(test, bad, 0u);
}

/* The single-message API ignores NextCommand: the whole stream is signed. */
static void smbsign_sign_ignores_nextcommand(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 9);
	u8 *msg = sign_msg(test, 256, 13, CMD_READ, SMBSIGN_FLAG_SIGNED, 4);
	u8 want[SIG_LEN];

	put_unaligned_le32(128, msg + SMBSIGN_NEXTCMD_OFFSET);
	sign_expected(test, c->alg, 9, msg, 256, want);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 256), 0);
	sign_expect_sig(test, c->name, msg + SIG_OFF, want);
	msg[200] ^= 1;
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 256), -EBADMSG);
}

/*
 * Two-element chains where exactly one rule decides: element 0's
 * NextCommand is @next0, element 1 (at @hdr1, if any) is the last.
 */
static const struct {
	const char *why;
	size_t total;
	u32 next0;
	size_t hdr1;
	int want;
} sign_exact[] = {
	{ "NextCommand 100: otherwise valid, not 8-aligned", 180, 100, 100,
	  -EINVAL },
	{ "NextCommand 56: otherwise valid, less than 64", 200, 56, 56,
	  -EINVAL },
	{ "NextCommand 64 leaving 63 bytes", 127, 64, 0, -EINVAL },
	{ "NextCommand 64 leaving 64 bytes (valid)", 128, 64, 64, 0 },
	{ "NextCommand 104 (valid)", 180, 104, 104, 0 },
};

static void smbsign_sign_compound_rules(struct kunit *test)
{
	struct smbsign_key *key = sign_key(test, SMBSIGN_DIALECT_3_1_1,
					   SMBSIGN_ALG_AES_GMAC, 10);
	unsigned int i, bad;
	u8 *buf, *orig;
	int ret;

	for (i = 0; i < ARRAY_SIZE(sign_exact); i++) {
		size_t len = sign_exact[i].total;

		buf = sign_msg(test, len, 30 + i, CMD_CREATE,
			       SMBSIGN_FLAG_SIGNED, 70);
		put_unaligned_le32(sign_exact[i].next0,
				   buf + SMBSIGN_NEXTCMD_OFFSET);
		if (sign_exact[i].hdr1)
			put_unaligned_le32(0, buf + sign_exact[i].hdr1 +
					   SMBSIGN_NEXTCMD_OFFSET);
		orig = sign_dup(test, buf, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);

		ret = sign_scbuf(key, buf, len);
		KUNIT_EXPECT_EQ_MSG(test, ret, sign_exact[i].want, "sign: %s",
				    sign_exact[i].why);
		if (sign_exact[i].want) {
			KUNIT_EXPECT_TRUE_MSG(test, !memcmp(buf, orig, len),
					      "%s: buffer changed",
					      sign_exact[i].why);
		}
		bad = 77;
		ret = sign_vcbuf(key, buf, len, &bad);
		KUNIT_EXPECT_EQ_MSG(test, ret, sign_exact[i].want,
				    "verify: %s", sign_exact[i].why);
	}
}

/*
 * Malformed chains: -EINVAL from sign_compound and verify_compound, and
 * nothing signed (the chain is validated before any element is).
 */
static void smbsign_sign_compound_malformed(struct kunit *test)
{
	static const struct sign_chain_spec s = {
		"3 elements", 3, { 100, 200, 72 }, true
	};
	struct smbsign_key *key = sign_key(test, SMBSIGN_DIALECT_3_1_1,
					   SMBSIGN_ALG_AES_CMAC, 10);
	struct sign_kvecs *kv;
	struct sign_chain ch;
	unsigned int el, i, bad;
	int ret;
	u8 *orig;

	kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kv);
	sign_chain_build(test, &ch, &s, 21);
	KUNIT_ASSERT_EQ(test, ch.total, 104u + 200 + 72);
	orig = sign_dup(test, ch.buf, ch.total, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);

	for (el = 0; el < 2; el++) {
		size_t rest = ch.total - ch.off[el];
		struct {
			u32 next;
			const char *why;
		} bad_next[] = {
			{ ch.ext[el] + 1, "not 8-aligned" },
			{ ch.ext[el] - 4, "not 8-aligned" },
			{ 56, "less than 64" },
			{ 8, "less than 64" },
			{ rest, "points to the end, no next header" },
			{ rest + 8, "points past the end" },
			{ 0x10000, "points past the end" },
			{ 0xfffffff8, "points far past the end" },
			{ ALIGN(rest - 63, 8), "leaves 56 bytes" },
			{ rest - 8, "leaves 8 bytes" },
		};

		for (i = 0; i < ARRAY_SIZE(bad_next); i++) {
			memcpy(ch.buf, orig, ch.total);
			put_unaligned_le32(bad_next[i].next,
					   ch.buf + ch.off[el] +
					   SMBSIGN_NEXTCMD_OFFSET);
			memcpy(orig, ch.buf, ch.total);
			ret = sign_scbuf(key, ch.buf, ch.total);
			KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL,
					    "element %u NextCommand %u (%s)",
					    el, bad_next[i].next,
					    bad_next[i].why);
			KUNIT_EXPECT_TRUE_MSG(test,
					      !memcmp(ch.buf, orig, ch.total),
					      "element %u NextCommand %u (%s): buffer changed",
					      el, bad_next[i].next,
					      bad_next[i].why);
			bad = 77;
			ret = sign_vcbuf(key, ch.buf, ch.total, &bad);
			KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL,
					    "verify: element %u NextCommand %u (%s)",
					    el, bad_next[i].next,
					    bad_next[i].why);

			sign_scatter_step(test, kv, ch.buf, ch.total, 29);
			ret = smbsign_sign_compound(key, kv->iov, kv->n);
			KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL,
					    "kvec: element %u NextCommand %u (%s)",
					    el, bad_next[i].next,
					    bad_next[i].why);
			sign_gather(kv, ch.buf);
			KUNIT_EXPECT_TRUE_MSG(test,
					      !memcmp(ch.buf, orig, ch.total),
					      "kvec: element %u NextCommand %u (%s): buffer changed",
					      el, bad_next[i].next,
					      bad_next[i].why);
			/* restore the good NextCommand for the next round */
			put_unaligned_le32(ch.ext[el], orig + ch.off[el] +
					   SMBSIGN_NEXTCMD_OFFSET);
		}
	}

	/* the well-formed chain still signs */
	memcpy(ch.buf, orig, ch.total);
	KUNIT_EXPECT_EQ(test, sign_scbuf(key, ch.buf, ch.total), 0);
	KUNIT_EXPECT_EQ(test, sign_vcbuf(key, ch.buf, ch.total, NULL), 0);
}

/* ----------------------------------------------------------- (f) */

static void sign_expect_alloc_einval(struct kunit *test, u16 dialect,
				     u16 alg, const u8 *k, size_t klen)
{
	struct smbsign_key *key = smbsign_key_alloc(dialect, alg, k, klen);

	KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(key) && PTR_ERR(key) == -EINVAL,
			      "smbsign_key_alloc(%#x, %u, %s, %zu): got %ld, want -EINVAL",
			      dialect, alg, k ? "key" : "NULL", klen,
			      IS_ERR(key) ? PTR_ERR(key) : 0L);
	if (!IS_ERR_OR_NULL(key))
		smbsign_key_put(key);
}

static void smbsign_sign_bad_key(struct kunit *test)
{
	static const u16 unknown_dialects[] = { 0, 0x0200, 0x0201, 0x0300 + 1,
						0x0311 + 3, 0x0310, 0xffff };
	static const size_t bad_lens[] = { 0, 1, 15, 17, 32 };
	static const struct { u16 dialect, alg; } mismatch[] = {
		{ SMBSIGN_DIALECT_2_0_2, SMBSIGN_ALG_AES_CMAC },
		{ SMBSIGN_DIALECT_2_0_2, SMBSIGN_ALG_AES_GMAC },
		{ SMBSIGN_DIALECT_2_1, SMBSIGN_ALG_AES_CMAC },
		{ SMBSIGN_DIALECT_2_1, SMBSIGN_ALG_AES_GMAC },
		{ SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_HMAC_SHA256 },
		{ SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_AES_GMAC },
		{ SMBSIGN_DIALECT_3_0_2, SMBSIGN_ALG_HMAC_SHA256 },
		{ SMBSIGN_DIALECT_3_0_2, SMBSIGN_ALG_AES_GMAC },
		{ SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_COUNT },
		{ SMBSIGN_DIALECT_3_1_1, 0xffff },
	};
	static const u8 k[64] = { 0x42 };
	static const u8 preauth[SMBSIGN_PREAUTH_HASH_SIZE] = { 1 };
	struct smbsign_key *key;
	int i, j;

	for (i = 0; i < ARRAY_SIZE(sign_combos); i++) {
		const struct sign_combo *c = &sign_combos[i];

		sign_expect_alloc_einval(test, c->dialect, c->alg, NULL, 16);
		for (j = 0; j < ARRAY_SIZE(bad_lens); j++)
			sign_expect_alloc_einval(test, c->dialect, c->alg, k,
						 bad_lens[j]);
		KUNIT_EXPECT_TRUE_MSG(test, smbsign_alg_allowed(c->dialect,
								c->alg),
				      "%s not allowed", c->name);
	}
	for (i = 0; i < ARRAY_SIZE(mismatch); i++) {
		sign_expect_alloc_einval(test, mismatch[i].dialect,
					 mismatch[i].alg, k, 16);
		KUNIT_EXPECT_FALSE_MSG(test,
				       smbsign_alg_allowed(mismatch[i].dialect,
							   mismatch[i].alg),
				       "dialect %#x alg %u allowed",
				       mismatch[i].dialect, mismatch[i].alg);
	}
	for (i = 0; i < ARRAY_SIZE(unknown_dialects); i++) {
		for (j = 0; j < SMBSIGN_ALG_COUNT; j++)
			sign_expect_alloc_einval(test, unknown_dialects[i], j,
						 k, 16);
		KUNIT_EXPECT_LT_MSG(test,
				    smbsign_default_alg(unknown_dialects[i]), 0,
				    "default alg of dialect %#x",
				    unknown_dialects[i]);
	}
	KUNIT_EXPECT_EQ(test, smbsign_default_alg(SMBSIGN_DIALECT_2_0_2),
			SMBSIGN_ALG_HMAC_SHA256);
	KUNIT_EXPECT_EQ(test, smbsign_default_alg(SMBSIGN_DIALECT_2_1),
			SMBSIGN_ALG_HMAC_SHA256);
	KUNIT_EXPECT_EQ(test, smbsign_default_alg(SMBSIGN_DIALECT_3_0),
			SMBSIGN_ALG_AES_CMAC);
	KUNIT_EXPECT_EQ(test, smbsign_default_alg(SMBSIGN_DIALECT_3_0_2),
			SMBSIGN_ALG_AES_CMAC);
	KUNIT_EXPECT_EQ(test, smbsign_default_alg(SMBSIGN_DIALECT_3_1_1),
			SMBSIGN_ALG_AES_CMAC);

	/* smbsign_key_create(): session key and preauth hash */
	key = smbsign_key_create(SMBSIGN_DIALECT_3_1_1, SMBSIGN_ALG_AES_CMAC,
				 k, 16, NULL);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(key) && PTR_ERR(key) == -EINVAL,
			      "3.1.1 without preauth hash: %ld",
			      IS_ERR(key) ? PTR_ERR(key) : 0L);
	if (!IS_ERR_OR_NULL(key))
		smbsign_key_put(key);
	for (i = 0; i < ARRAY_SIZE(sign_combos); i++) {
		const struct sign_combo *c = &sign_combos[i];

		key = smbsign_key_create(c->dialect, c->alg, NULL, 16,
					 preauth);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(key) &&
				      PTR_ERR(key) == -EINVAL,
				      "%s: NULL session key", c->name);
		if (!IS_ERR_OR_NULL(key))
			smbsign_key_put(key);
		key = smbsign_key_create(c->dialect, c->alg, k, 0, preauth);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(key) &&
				      PTR_ERR(key) == -EINVAL,
				      "%s: 0-byte session key", c->name);
		if (!IS_ERR_OR_NULL(key))
			smbsign_key_put(key);
		/* a valid create works, with the preauth hash ignored < 3.1.1 */
		key = smbsign_key_create(c->dialect, c->alg, k, 16,
					 c->dialect == SMBSIGN_DIALECT_3_1_1 ?
					 preauth : NULL);
		KUNIT_EXPECT_FALSE_MSG(test, IS_ERR_OR_NULL(key),
				       "%s: create: %ld", c->name,
				       PTR_ERR(key));
		if (!IS_ERR_OR_NULL(key)) {
			KUNIT_EXPECT_EQ(test, smbsign_key_dialect(key),
					c->dialect);
			KUNIT_EXPECT_EQ(test, smbsign_key_alg(key), c->alg);
			smbsign_key_put(key);
		}
	}
	key = smbsign_key_create(SMBSIGN_DIALECT_2_1, SMBSIGN_ALG_AES_CMAC,
				 k, 16, NULL);
	KUNIT_EXPECT_TRUE(test, IS_ERR(key) && PTR_ERR(key) == -EINVAL);
	if (!IS_ERR_OR_NULL(key))
		smbsign_key_put(key);

	smbsign_key_put(NULL);	/* NULL-safe */
}

/* Sign, verify, verify_dir and the compound calls reject bad input alike. */
static void sign_expect_einval_all(struct kunit *test, const char *what,
				   struct smbsign_key *key,
				   const struct kvec *iov, unsigned int nvec)
{
	unsigned int bad = 55;

	KUNIT_EXPECT_EQ_MSG(test, smbsign_sign(key, iov, nvec), -EINVAL,
			    "sign: %s", what);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify(key, iov, nvec), -EINVAL,
			    "verify: %s", what);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_sign_compound(key, iov, nvec),
			    -EINVAL, "sign_compound: %s", what);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_compound(key, iov, nvec,
							  &bad),
			    -EINVAL, "verify_compound: %s", what);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_compound(key, iov, nvec,
							  NULL),
			    -EINVAL, "verify_compound (NULL index): %s", what);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_dir(key, SMBSIGN_DIR_CLIENT,
						     iov, nvec),
			    -EINVAL, "verify_dir (client): %s", what);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_dir(key, SMBSIGN_DIR_SERVER,
						     iov, nvec),
			    -EINVAL, "verify_dir (server): %s", what);
}

static void smbsign_sign_bad_msg(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 11);
	u8 *msg = sign_msg(test, 256, 14, CMD_READ, SMBSIGN_FLAG_SIGNED, 8);
	u8 *orig = sign_dup(test, msg, 256, GFP_KERNEL);
	struct kvec iov[3];

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);

	iov[0].iov_base = msg;
	iov[0].iov_len = 256;
	sign_expect_einval_all(test, "NULL key", NULL, iov, 1);
	sign_expect_einval_all(test, "NULL iov", key, NULL, 1);
	sign_expect_einval_all(test, "nvec 0", key, iov, 0);
	iov[0].iov_len = 63;
	sign_expect_einval_all(test, "63 bytes", key, iov, 1);
	iov[0].iov_len = 0;
	sign_expect_einval_all(test, "0 bytes", key, iov, 1);
	iov[0].iov_len = 1;
	sign_expect_einval_all(test, "1 byte", key, iov, 1);

	/* 40 + 23 bytes over two kvecs is still short */
	iov[0].iov_len = 40;
	iov[1].iov_base = msg + 40;
	iov[1].iov_len = 23;
	sign_expect_einval_all(test, "63 bytes in 2 kvecs", key, iov, 2);

	/* NULL base with a length, anywhere */
	iov[0].iov_len = 64;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 10;
	iov[2].iov_base = msg + 64;
	iov[2].iov_len = 100;
	sign_expect_einval_all(test, "NULL base, length 10", key, iov, 3);
	iov[0].iov_base = NULL;
	iov[0].iov_len = 64;
	iov[1].iov_base = msg + 64;
	iov[1].iov_len = 100;
	sign_expect_einval_all(test, "NULL header kvec", key, iov, 2);

	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 63), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 63), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, NULL, 256), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, NULL, 256), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(NULL, msg, 256), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(NULL, msg, 256), -EINVAL);

	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(msg, orig, 256),
			      "%s: rejected calls changed the buffer", c->name);

	/* exactly 64 bytes is a valid message */
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 64), 0);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 64), 0);
}

static void smbsign_sign_sig_equal(struct kunit *test)
{
	u8 a[SIG_LEN], b[SIG_LEN];
	int i, bit;

	sign_fill(a, sizeof(a), 1);
	memcpy(b, a, sizeof(b));
	KUNIT_EXPECT_TRUE(test, smbsign_sig_equal(a, b));
	for (i = 0; i < SIG_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= 1 << bit;
			KUNIT_EXPECT_FALSE_MSG(test, smbsign_sig_equal(a, b),
					       "byte %d bit %d", i, bit);
			b[i] ^= 1 << bit;
		}
	}
	KUNIT_EXPECT_TRUE(test, smbsign_sig_equal(a, b));
}

/* ----------------------------------------------------------- (g) */

#define BIG_PAGES	2048	/* 8 MiB with 4 KiB pages */
#define BIG_DATA	(BIG_PAGES * PAGE_SIZE)

struct sign_big {
	struct page *pages[BIG_PAGES];
	struct kvec iov[BIG_PAGES + 1];
	u8 *hdr;
	u8 *flat;	/* hdr + data, vmalloc'd */
};

static struct sign_big *sign_big;

static void sign_big_free(void)
{
	int i;

	if (!sign_big)
		return;
	for (i = 0; i < BIG_PAGES; i++)
		if (sign_big->pages[i])
			__free_page(sign_big->pages[i]);
	vfree(sign_big->flat);
	kfree(sign_big->hdr);
	vfree(sign_big);
	sign_big = NULL;
}

static int sign_big_alloc(void)
{
	int i;

	sign_big = vzalloc(sizeof(*sign_big));
	if (!sign_big)
		return -ENOMEM;
	sign_big->hdr = kmalloc(HDR_LEN, GFP_KERNEL);
	sign_big->flat = vmalloc(HDR_LEN + BIG_DATA);
	if (!sign_big->hdr || !sign_big->flat)
		goto nomem;
	sign_fill(sign_big->flat, HDR_LEN + BIG_DATA, 0xb16);
	sign_big->iov[0].iov_base = sign_big->hdr;
	sign_big->iov[0].iov_len = HDR_LEN;
	for (i = 0; i < BIG_PAGES; i++) {
		sign_big->pages[i] = alloc_page(GFP_KERNEL);
		if (!sign_big->pages[i])
			goto nomem;
		memcpy(page_address(sign_big->pages[i]),
		       sign_big->flat + HDR_LEN + i * PAGE_SIZE, PAGE_SIZE);
		sign_big->iov[i + 1].iov_base =
			page_address(sign_big->pages[i]);
		sign_big->iov[i + 1].iov_len = PAGE_SIZE;
	}
	return 0;
nomem:
	sign_big_free();
	return -ENOMEM;
}

/*
 * An 8 MiB READ response as the consumers have it: a header kvec plus 2048
 * page kvecs. Sign and verify it, verify the same bytes as one vmalloc'd
 * buffer, and catch a flipped bit in the last page.
 */
static void smbsign_sign_8mib(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 12);
	u8 *last;
	int ret;

	KUNIT_ASSERT_NOT_NULL_MSG(test, sign_big, "suite init failed");
	sign_hdr(sign_big->hdr, CMD_READ, SMBSIGN_FLAG_SIGNED |
		 SMBSIGN_FLAG_SERVER_TO_REDIR, 0x8888, 0);
	memcpy(sign_big->flat, sign_big->hdr, HDR_LEN);

	ret = smbsign_sign(key, sign_big->iov, BIG_PAGES + 1);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: sign 8 MiB in %d kvecs",
			    c->name, BIG_PAGES + 1);
	ret = smbsign_verify(key, sign_big->iov, BIG_PAGES + 1);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: verify 8 MiB kvecs", c->name);

	memcpy(sign_big->flat + SIG_OFF, sign_big->hdr + SIG_OFF, SIG_LEN);
	ret = smbsign_verify_buf(key, sign_big->flat, HDR_LEN + BIG_DATA);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: verify 8 MiB vmalloc buffer",
			    c->name);

	last = page_address(sign_big->pages[BIG_PAGES - 1]);
	last[PAGE_SIZE - 1] ^= 0x04;
	ret = smbsign_verify(key, sign_big->iov, BIG_PAGES + 1);
	last[PAGE_SIZE - 1] ^= 0x04;
	KUNIT_EXPECT_EQ_MSG(test, ret, -EBADMSG,
			    "%s: bit flipped in the last page", c->name);
}

/* ----------------------------------------------------------- (h) */

#define CONC_THREADS	4
#define CONC_MSGS	3
#define CONC_ITERS	200

struct sign_conc {
	struct smbsign_key *key;
	u8 *msg[CONC_MSGS];
	size_t len[CONC_MSGS];
	u8 want[CONC_MSGS][SIG_LEN];
	struct completion done;
	atomic_t *errors;
	int first_error;
};

static int sign_conc_thread(void *arg)
{
	struct sign_conc *t = arg;
	int i, ret;

	for (i = 0; i < CONC_ITERS; i++) {
		int m = i % CONC_MSGS;
		u8 *msg = t->msg[m];
		size_t len = t->len[m];

		memset(msg + SIG_OFF, 0, SIG_LEN);
		ret = smbsign_sign_buf(t->key, msg, len);
		if (ret || memcmp(msg + SIG_OFF, t->want[m], SIG_LEN))
			goto bad;
		ret = smbsign_verify_buf(t->key, msg, len);
		if (ret)
			goto bad;
		if (!(i % 8)) {
			msg[len - 1] ^= 0x20;
			ret = smbsign_verify_buf(t->key, msg, len);
			msg[len - 1] ^= 0x20;
			if (ret != -EBADMSG)
				goto bad;
		}
		cond_resched();
		continue;
bad:
		if (!t->first_error)
			t->first_error = i + 1;
		atomic_inc(t->errors);
	}
	smbsign_key_put(t->key);
	complete(&t->done);
	return 0;
}

static const size_t sign_conc_len[CONC_MSGS] = { 64, 1000, 4096 };

/*
 * Four kthreads sign and verify their own messages with one shared key;
 * every result must match the signatures computed single-threaded first.
 */
static void smbsign_sign_concurrent(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 13);
	struct sign_conc *t;
	atomic_t errors = ATOMIC_INIT(0);
	int i, m, started = 0;

	t = kunit_kcalloc(test, CONC_THREADS, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	for (i = 0; i < CONC_THREADS; i++) {
		for (m = 0; m < CONC_MSGS; m++) {
			size_t len = sign_conc_len[m] + i * 13;

			t[i].len[m] = len;
			t[i].msg[m] = sign_msg(test, len, i * 16 + m, CMD_READ,
					       SMBSIGN_FLAG_SIGNED |
					       (m & 1 ? SMBSIGN_FLAG_SERVER_TO_REDIR : 0),
					       i * 100 + m + 1);
			KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key,
							       t[i].msg[m],
							       len), 0);
			memcpy(t[i].want[m], t[i].msg[m] + SIG_OFF, SIG_LEN);
		}
		init_completion(&t[i].done);
		t[i].errors = &errors;
	}

	for (i = 0; i < CONC_THREADS; i++) {
		struct task_struct *task;

		t[i].key = smbsign_key_get(key);
		task = kthread_run(sign_conc_thread, &t[i], "smbsign-kunit/%d",
				   i);
		if (IS_ERR(task)) {
			smbsign_key_put(t[i].key);
			KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(task));
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&t[i].done);

	KUNIT_EXPECT_EQ(test, started, CONC_THREADS);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&errors), 0,
			    "%s: wrong results from concurrent use", c->name);
	for (i = 0; i < started; i++)
		KUNIT_EXPECT_EQ_MSG(test, t[i].first_error, 0,
				    "%s: thread %d first failed at iteration %d",
				    c->name, i, t[i].first_error - 1);
	kunit_info(test, "%s: %d threads x %d iterations\n", c->name,
		   started, CONC_ITERS);
}

/* ----------------------------------------------------------- (i) */

/*
 * On x86 with AES-NI and PCLMULQDQ the AES-based keys must use accelerated
 * drivers; HMAC only where SSSE3 (sha256-ssse3/avx/avx2) is available.
 * "-generic" marks the C fallbacks (aes-generic, ghash-generic,
 * sha256-generic); note "generic-gcm-aesni" is the accelerated GCM.
 */
static void smbsign_sign_driver(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 14);
	const char *drv = smbsign_key_driver(key);
	bool accel = false;
	const char *why = "not x86";

	KUNIT_ASSERT_NOT_NULL(test, drv);
	KUNIT_EXPECT_GT(test, strlen(drv), 0u);
	kunit_info(test, "%s: driver %s\n", c->name, drv);
#ifdef CONFIG_X86
	switch (c->alg) {
	case SMBSIGN_ALG_HMAC_SHA256:
		/* 7.x: the SIMD SHA-256 is in lib/crypto (hmac-sha256-lib) */
		accel = boot_cpu_has(X86_FEATURE_SSSE3) &&
			(IS_ENABLED(CONFIG_CRYPTO_SHA256_SSSE3) ||
			 IS_ENABLED(CONFIG_CRYPTO_LIB_SHA256_ARCH));
		why = "no SSSE3 or SIMD SHA-256 in this kernel";
		break;
	case SMBSIGN_ALG_AES_CMAC:
		accel = boot_cpu_has(X86_FEATURE_AES) &&
			IS_ENABLED(CONFIG_CRYPTO_AES_NI_INTEL);
		why = "no AES-NI or CONFIG_CRYPTO_AES_NI_INTEL";
		break;
	case SMBSIGN_ALG_AES_GMAC:
		/* 7.x: AES and GHASH libraries with x86 code (aes-lib etc.) */
		accel = boot_cpu_has(X86_FEATURE_AES) &&
			boot_cpu_has(X86_FEATURE_PCLMULQDQ) &&
			((IS_ENABLED(CONFIG_CRYPTO_AES_NI_INTEL) &&
			  IS_ENABLED(CONFIG_CRYPTO_GHASH_CLMUL_NI_INTEL)) ||
			 (IS_ENABLED(CONFIG_CRYPTO_LIB_AES_ARCH) &&
			  IS_ENABLED(CONFIG_CRYPTO_LIB_GF128HASH_ARCH)));
		why = "no AES-NI/PCLMULQDQ or their drivers";
		break;
	}
#endif
	if (smbsign_simd_usable(c->alg)) {
		/* smbsign's own x86 SIMD code (smbsign/x86/) */
		KUNIT_EXPECT_TRUE_MSG(test, smbsign_key_simd(key),
				      "%s: driver %s although simd is usable",
				      c->name, drv);
		KUNIT_EXPECT_PTR_NE(test, strstr(drv, "smbsign-"), NULL);
		return;
	}
	KUNIT_EXPECT_FALSE(test, smbsign_key_simd(key));
	if (!accel)
		kunit_skip(test, "%s: %s (driver %s)", c->name, why, drv);
	KUNIT_EXPECT_NULL_MSG(test, strstr(drv, "-generic"),
			      "%s: generic driver %s despite CPU support",
			      c->name, drv);
	KUNIT_EXPECT_NULL_MSG(test, strstr(drv, "fixed-time"),
			      "%s: generic driver %s despite CPU support",
			      c->name, drv);
}

/* ----------------------------------------------------------- (j) */

static void smbsign_sign_refcount(struct kunit *test)
{
	struct smbsign_key *key, *k2;
	u8 k[SMBSIGN_KEY_SIZE];
	u8 *msg = sign_msg(test, 100, 15, CMD_READ, SMBSIGN_FLAG_SIGNED, 1);

	sign_key_bytes(k, SMBSIGN_ALG_AES_CMAC, 0);
	key = smbsign_key_alloc(SMBSIGN_DIALECT_3_0, SMBSIGN_ALG_AES_CMAC, k,
				sizeof(k));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
	KUNIT_EXPECT_EQ(test, refcount_read(&key->refs), 1u);
	k2 = smbsign_key_get(key);
	KUNIT_EXPECT_PTR_EQ(test, k2, key);
	KUNIT_EXPECT_EQ(test, refcount_read(&key->refs), 2u);
	smbsign_key_get(key);
	KUNIT_EXPECT_EQ(test, refcount_read(&key->refs), 3u);
	smbsign_key_put(key);
	smbsign_key_put(key);
	KUNIT_EXPECT_EQ(test, refcount_read(&key->refs), 1u);
	/* still fully usable with the last reference */
	KUNIT_EXPECT_EQ(test, smbsign_sign_buf(key, msg, 100), 0);
	KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 100), 0);
	KUNIT_EXPECT_EQ(test, smbsign_key_dialect(key), SMBSIGN_DIALECT_3_0);
	KUNIT_EXPECT_EQ(test, smbsign_key_alg(key), SMBSIGN_ALG_AES_CMAC);
	smbsign_key_put(key);
}

/* ------------------------------------------------ (k) issue 14 review */

/*
 * A key whose MAC is a recorder: it notes the extent of each message it is
 * given (and touches none of its bytes), can change a NextCommand of the
 * chain at its first call, and gives up after SIGN_FAKE_MAX calls, so that
 * a walk that would not end fails the test instead of hanging it. The
 * "MAC" is 16 zero bytes. Cases run one at a time, so one recorder serves.
 */
#define SIGN_FAKE_MAX	64

static struct {
	unsigned int calls;
	size_t off[SIGN_FAKE_MAX];
	size_t len[SIGN_FAKE_MAX];
	u8 *poke;		/* at the first call, store poke_val here */
	u32 poke_val;
} sign_fake;

static int sign_fake_mac(struct smbsign_key *key, const struct smbsign_msg *m,
			 const u8 *nonce, u8 *out)
{
	if (sign_fake.calls >= SIGN_FAKE_MAX)
		return -ELOOP;
	sign_fake.off[sign_fake.calls] = m->off;
	sign_fake.len[sign_fake.calls] = m->len;
	if (!sign_fake.calls++ && sign_fake.poke)
		put_unaligned_le32(sign_fake.poke_val, sign_fake.poke);
	memset(out, 0, SIG_LEN);
	return 0;
}

static const struct smbsign_alg_desc sign_fake_desc = {
	.name = "recorder",
	.mac = sign_fake_mac,
};

static struct smbsign_key *sign_fake_key(struct kunit *test)
{
	struct smbsign_key *key = kunit_kzalloc(test, sizeof(*key),
						GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, key);
	refcount_set(&key->refs, 1);
	key->alg = SMBSIGN_ALG_AES_CMAC;
	key->desc = &sign_fake_desc;
	memset(&sign_fake, 0, sizeof(sign_fake));
	return key;
}

/* A 64 KiB body that SIGN_ALIAS_VECS kvecs all point at, after a header. */
#define SIGN_ALIAS_BODY		SZ_64K
#define SIGN_ALIAS_VECS		(SMBSIGN_MAX_MSG / SIGN_ALIAS_BODY + 2)

/*
 * @len bytes (at least 64) as a header kvec and body kvecs that all point
 * at one 64 KiB buffer: messages of up to SMBSIGN_MAX_MSG + 1 bytes and
 * more without the memory. Returns the number of kvecs.
 */
static unsigned int sign_alias(struct kunit *test, struct kvec *iov,
			       u8 *hdr, const u8 *body, size_t len)
{
	unsigned int n = 1;

	iov[0].iov_base = hdr;
	iov[0].iov_len = HDR_LEN;
	for (len -= HDR_LEN; len; n++) {
		KUNIT_ASSERT_LT(test, n, SIGN_ALIAS_VECS);
		iov[n].iov_base = (void *)body;
		iov[n].iov_len = min_t(size_t, len, SIGN_ALIAS_BODY);
		len -= iov[n].iov_len;
	}
	return n;
}

/*
 * M1: a message longer than SMBSIGN_MAX_MSG (16 MiB) is refused with
 * -EINVAL before any byte of it is read or MACed, whatever its length:
 * 16 MiB + 1, and a kvec of 4 GiB (the crypto API's unsigned int lengths
 * would have truncated it to 0) pointing at a 64-byte buffer. Exactly
 * 16 MiB signs and verifies. The recorder key shows that no MAC ran; the
 * real keys then get the same calls.
 */
static void smbsign_sign_too_long(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *fake = sign_fake_key(test);
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 16);
	u8 *msg = sign_msg(test, HDR_LEN, 40, CMD_READ,
			   SMBSIGN_FLAG_SIGNED | SMBSIGN_FLAG_SERVER_TO_REDIR,
			   0x4000);
	u8 *orig = sign_dup(test, msg, HDR_LEN, GFP_KERNEL);
	u8 *body = kunit_kmalloc(test, SIGN_ALIAS_BODY, GFP_KERNEL);
	struct kvec *iov = kunit_kcalloc(test, SIGN_ALIAS_VECS, sizeof(*iov),
					 GFP_KERNEL);
	struct kvec big[2];
	unsigned int n;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, body);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, iov);
	sign_fill(body, SIGN_ALIAS_BODY, 41);

	/* one byte over the cap, in memory that exists */
	n = sign_alias(test, iov, msg, body, (size_t)SMBSIGN_MAX_MSG + 1);
	sign_expect_einval_all(test, "16 MiB + 1 (recorder)", fake, iov, n);
	KUNIT_ASSERT_EQ_MSG(test, sign_fake.calls, 0u,
			    "a MAC ran over a message longer than 16 MiB");
	sign_expect_einval_all(test, "16 MiB + 1", key, iov, n);

	/* a 4 GiB kvec over a 64-byte buffer: never read */
	if (sizeof(size_t) > 4) {
		big[0].iov_base = msg;
		big[0].iov_len = HDR_LEN;
		big[1].iov_base = msg;
		big[1].iov_len = (size_t)U32_MAX + 1;
		sign_expect_einval_all(test, "4 GiB kvec (recorder)", fake,
				       big, 2);
		KUNIT_ASSERT_EQ(test, sign_fake.calls, 0u);
		sign_expect_einval_all(test, "4 GiB kvec", key, big, 2);
		big[0].iov_len = (size_t)U32_MAX + 1 + HDR_LEN;
		sign_expect_einval_all(test, "4 GiB + 64 in one kvec", key,
				       big, 1);
	}
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(msg, orig, HDR_LEN),
			      "%s: a refused call changed the header",
			      c->name);

	/* exactly the cap is a message */
	n = sign_alias(test, iov, msg, body, SMBSIGN_MAX_MSG);
	KUNIT_EXPECT_EQ(test, smbsign_sign(fake, iov, n), 0);
	KUNIT_EXPECT_EQ(test, sign_fake.calls, 1u);
	KUNIT_EXPECT_EQ(test, sign_fake.len[0], (size_t)SMBSIGN_MAX_MSG);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_sign(key, iov, n), 0, "%s: 16 MiB",
			    c->name);
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, iov, n), 0);
	body[SIGN_ALIAS_BODY - 1] ^= 1;
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, iov, n), -EBADMSG);
}

/*
 * M1 for the pre-auth hash: 16 MiB is hashed (checked against the kernel's
 * sha512 over the same kvecs), 16 MiB + 1 and a 4 GiB kvec are refused
 * and leave the state as it was.
 */
static void smbsign_sign_preauth_too_long(struct kunit *test)
{
	struct smbsign_preauth *pa = kunit_kzalloc(test, sizeof(*pa),
						   GFP_KERNEL);
	struct smbsign_preauth *before = kunit_kzalloc(test, sizeof(*pa),
						       GFP_KERNEL);
	u8 *hdr = sign_msg(test, HDR_LEN, 42, SMBSIGN_CMD_SESSION_SETUP, 0, 2);
	u8 *body = kunit_kmalloc(test, SIGN_ALIAS_BODY, GFP_KERNEL);
	struct kvec *iov = kunit_kcalloc(test, SIGN_ALIAS_VECS, sizeof(*iov),
					 GFP_KERNEL);
	u8 want[SHA512_DIGEST_SIZE];
	struct crypto_shash *tfm;
	struct kvec big[2];
	unsigned int i, n;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pa);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, before);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, body);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, iov);
	sign_fill(body, SIGN_ALIAS_BODY, 43);
	sign_fill(pa->hash, sizeof(pa->hash), 44);
	memcpy(before, pa, sizeof(*pa));

	n = sign_alias(test, iov, hdr, body, (size_t)SMBSIGN_MAX_MSG + 1);
	KUNIT_ASSERT_EQ_MSG(test, smbsign_preauth_update(pa, iov, n), -EINVAL,
			    "16 MiB + 1 hashed");
	if (sizeof(size_t) > 4) {
		big[0].iov_base = hdr;
		big[0].iov_len = HDR_LEN;
		big[1].iov_base = hdr;
		big[1].iov_len = (size_t)U32_MAX + 1;
		KUNIT_EXPECT_EQ(test, smbsign_preauth_update(pa, big, 2),
				-EINVAL);
	}
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(pa, before, sizeof(*pa)),
			      "a refused update changed the hash");

	n = sign_alias(test, iov, hdr, body, SMBSIGN_MAX_MSG);
	KUNIT_ASSERT_EQ(test, smbsign_preauth_update(pa, iov, n), 0);

	tfm = crypto_alloc_shash("sha512", 0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tfm));
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, before->hash,
					  sizeof(before->hash));
		for (i = 0; !ret && i < n; i++)
			ret = crypto_shash_update(desc, iov[i].iov_base,
						  iov[i].iov_len);
		ret = ret ?: crypto_shash_final(desc, want);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(pa->hash, want, sizeof(want)),
			      "16 MiB pre-auth hash differs from sha512");
}

/*
 * L1: the review's model. A 228-byte chain, element 0 [0, 128) and element
 * 1 [128, 228), in three kvecs with element 1's header alone in the
 * middle one. At the first MAC (element 0) element 1's NextCommand becomes
 * 3. The walk must still end, MACing exactly the two extents it checked
 * (before the fix it re-read NextCommand and MACed [128, 192) forever).
 */
static void smbsign_sign_compound_changed(struct kunit *test)
{
	struct smbsign_key *fake = sign_fake_key(test);
	u8 *buf = kunit_kzalloc(test, 228, GFP_KERNEL);
	unsigned int pass, bad;
	struct kvec iov[3];
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (pass = 0; pass < 2; pass++) {
		sign_fill(buf, 228, 45);
		sign_hdr(buf, CMD_CREATE, SMBSIGN_FLAG_SIGNED, 1, 128);
		sign_hdr(buf + 128, CMD_CREATE, SMBSIGN_FLAG_SIGNED | 0x4, 2,
			 0);
		iov[0] = (struct kvec){ .iov_base = buf, .iov_len = 128 };
		iov[1] = (struct kvec){ .iov_base = buf + 128, .iov_len = 64 };
		iov[2] = (struct kvec){ .iov_base = buf + 192, .iov_len = 36 };
		memset(&sign_fake, 0, sizeof(sign_fake));
		sign_fake.poke = buf + 128 + SMBSIGN_NEXTCMD_OFFSET;
		sign_fake.poke_val = 3;

		bad = 77;
		ret = pass ? smbsign_verify_compound(fake, iov, 3, &bad) :
			     smbsign_sign_compound(fake, iov, 3);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: NextCommand changed",
				    pass ? "verify" : "sign");
		KUNIT_ASSERT_EQ_MSG(test, sign_fake.calls, 2u,
				    "%s: %u MACs for a 2-element chain",
				    pass ? "verify" : "sign", sign_fake.calls);
		KUNIT_EXPECT_EQ(test, sign_fake.off[0], 0);
		KUNIT_EXPECT_EQ(test, sign_fake.len[0], 128);
		KUNIT_EXPECT_EQ(test, sign_fake.off[1], 128);
		KUNIT_EXPECT_EQ(test, sign_fake.len[1], 100);
		/* the chain as it is now is refused */
		KUNIT_EXPECT_EQ(test, smbsign_sign_compound(fake, iov, 3),
				-EINVAL);
	}
}

#define LONG_CHAIN	40

/* A chain of @n elements of 64..216 bytes, the last one unpadded. */
static size_t sign_long_chain(u8 *buf, unsigned int n, size_t *off,
			      u32 seed)
{
	size_t pos = 0, ext;
	unsigned int i;

	for (i = 0; i < n; i++) {
		off[i] = pos;
		pos += i == n - 1 ? 77 : 64 + 8 * ((i * 7) % 20);
	}
	off[n] = pos;
	sign_fill(buf, pos, seed);
	for (i = 0; i < n; i++) {
		ext = off[i + 1] - off[i];
		sign_hdr(buf + off[i], CMD_CREATE,
			 SMBSIGN_FLAG_SIGNED | (i ? 0x4 : 0), 100 + i,
			 i == n - 1 ? 0 : ext);
	}
	return pos;
}

/*
 * L1 past the walk's table of 16 extents: a 40-element chain whose
 * element 5 (in the table) or 20 (re-read) changes at the first MAC. In
 * the table, the checked extent is used; past it, an invalid NextCommand
 * or a different number of elements gives -EINVAL. Every MAC stays inside
 * the stream and the walk never goes past the 40 elements counted.
 */
static void smbsign_sign_compound_changed_long(struct kunit *test)
{
	static const struct {
		unsigned int el;
		u32 val;	/* 0: skip one element (valid, one fewer) */
		int want;
	} pokes[] = {
		{ 5, 3, 0 }, { 15, 0xfffffff8, 0 }, { 16, 3, -EINVAL },
		{ 20, 3, -EINVAL }, { 20, 0, -EINVAL }, { 38, 0, -EINVAL },
	};
	struct smbsign_key *fake = sign_fake_key(test);
	size_t *off = kunit_kcalloc(test, LONG_CHAIN + 1, sizeof(*off),
				    GFP_KERNEL);
	u8 *buf = kunit_kmalloc(test, LONG_CHAIN * 216, GFP_KERNEL);
	unsigned int p, i;
	size_t total;
	u32 val;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, off);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (p = 0; p < ARRAY_SIZE(pokes); p++) {
		unsigned int el = pokes[p].el;

		total = sign_long_chain(buf, LONG_CHAIN, off, 46);
		val = pokes[p].val ?: off[el + 2] - off[el];
		memset(&sign_fake, 0, sizeof(sign_fake));
		sign_fake.poke = buf + off[el] + SMBSIGN_NEXTCMD_OFFSET;
		sign_fake.poke_val = val;
		ret = sign_scbuf(fake, buf, total);
		KUNIT_EXPECT_EQ_MSG(test, ret, pokes[p].want,
				    "element %u NextCommand -> %u", el, val);
		KUNIT_EXPECT_LE(test, sign_fake.calls, LONG_CHAIN);
		for (i = 0; i < sign_fake.calls; i++) {
			KUNIT_EXPECT_LE_MSG(test,
					    sign_fake.off[i] + sign_fake.len[i],
					    total, "MAC %u past the end", i);
			if (i < 16 || !pokes[p].want) {
				KUNIT_EXPECT_EQ_MSG(test, sign_fake.off[i],
						    off[i], "MAC %u", i);
				KUNIT_EXPECT_EQ_MSG(test, sign_fake.len[i],
						    off[i + 1] - off[i],
						    "MAC %u", i);
			}
		}
		if (!pokes[p].want)
			KUNIT_EXPECT_EQ(test, sign_fake.calls, LONG_CHAIN);
	}
}

/*
 * A 40-element chain with real keys, in one buffer and in 97-byte kvecs:
 * every element gets the signature it gets alone, the chain verifies, and
 * a change in element 30 (past the table) is found there.
 */
static void smbsign_sign_compound_long(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 17);
	size_t *off = kunit_kcalloc(test, LONG_CHAIN + 1, sizeof(*off),
				    GFP_KERNEL);
	u8 *buf = kunit_kmalloc(test, LONG_CHAIN * 216, GFP_KERNEL);
	u8 *copy = kunit_kmalloc(test, LONG_CHAIN * 216, GFP_KERNEL);
	struct sign_kvecs *kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	unsigned int i, bad;
	size_t total;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, off);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kv);
	total = sign_long_chain(buf, LONG_CHAIN, off, 47);
	KUNIT_ASSERT_LE(test, total, 97 * SIGN_LAYOUT_MAX);
	sign_scatter_step(test, kv, buf, total, 97);

	KUNIT_ASSERT_EQ(test, sign_scbuf(key, buf, total), 0);
	for (i = 0; i < LONG_CHAIN; i++) {
		size_t ext = off[i + 1] - off[i];

		memcpy(copy, buf + off[i], ext);
		KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, copy, ext), 0);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(copy + SIG_OFF,
						    buf + off[i] + SIG_OFF,
						    SIG_LEN),
				      "%s: element %u signed differently alone",
				      c->name, i);
	}
	KUNIT_EXPECT_EQ(test, sign_vcbuf(key, buf, total, &bad), 0);
	KUNIT_EXPECT_EQ(test, smbsign_sign_compound(key, kv->iov, kv->n), 0);
	sign_gather(kv, copy);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(copy, buf, total),
			      "%s: kvec chain signed differently", c->name);
	buf[off[30] + HDR_LEN + 3] ^= 0x10;
	bad = 77;
	KUNIT_EXPECT_EQ(test, sign_vcbuf(key, buf, total, &bad), -EBADMSG);
	KUNIT_EXPECT_EQ(test, bad, 30u);
}

/*
 * L6: with a GMAC key, an interim response (SERVER_TO_REDIR, ASYNC_COMMAND,
 * STATUS_PENDING) is not signed, alone or in a chain, and the buffer is
 * left as it was; it has its final response's nonce. A signed one (Samba
 * signs them) still verifies. Final async responses, synchronous
 * STATUS_PENDING, requests whose ChannelSequence reads as 0x103 and the
 * other algorithms sign.
 */
static void smbsign_sign_gmac_interim(struct kunit *test)
{
	const u32 interim = SMBSIGN_FLAG_SIGNED | SMBSIGN_FLAG_SERVER_TO_REDIR |
			    SMBSIGN_FLAG_ASYNC_COMMAND;
	static const struct {
		u32 flags_off;	/* flags of interim taken away */
		u32 status;
	} signs[] = {
		{ 0, 0 },					/* final */
		{ 0, 0xc0000120 },				/* cancelled */
		{ SMBSIGN_FLAG_ASYNC_COMMAND, SMBSIGN_STATUS_PENDING },
		{ SMBSIGN_FLAG_SERVER_TO_REDIR, SMBSIGN_STATUS_PENDING },
	};
	struct sign_kvecs *kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	struct sign_chain_spec s = { "2 elements", 2, { 96, 90 }, false };
	struct sign_chain ch;
	unsigned int a, i;
	u8 want[SIG_LEN];
	u8 *msg, *orig;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kv);
	for (a = 0; a < ARRAY_SIZE(sign_algs); a++) {
		const struct sign_combo *c = &sign_algs[a];
		struct smbsign_key *key = sign_key(test, c->dialect, c->alg,
						   18);
		bool gmac = c->alg == SMBSIGN_ALG_AES_GMAC;
		int want_ret = gmac ? -EINVAL : 0;

		msg = sign_msg(test, 200, 48, CMD_READ, interim, 0x103);
		put_unaligned_le32(SMBSIGN_STATUS_PENDING,
				   msg + SMBSIGN_STATUS_OFFSET);
		orig = sign_dup(test, msg, 200, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);

		KUNIT_EXPECT_EQ_MSG(test, smbsign_sign_buf(key, msg, 200),
				    want_ret, "%s: interim response", c->name);
		if (gmac)
			KUNIT_EXPECT_TRUE(test, !memcmp(msg, orig, 200));
		/* Status in another kvec than Flags */
		memcpy(msg, orig, 200);
		sign_scatter_step(test, kv, msg, 200, 13);
		KUNIT_EXPECT_EQ(test, smbsign_sign(key, kv->iov, kv->n),
				want_ret);

		/* signed by the peer: verifies */
		sign_expected(test, c->alg, 18, orig, 200, want);
		memcpy(msg, orig, 200);
		memcpy(msg + SIG_OFF, want, SIG_LEN);
		KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_buf(key, msg, 200), 0,
				    "%s: signed interim response", c->name);

		/* as element 1 of a chain: nothing signed */
		sign_chain_build(test, &ch, &s, 49);
		put_unaligned_le32(interim, ch.buf + ch.off[1] +
				   SMBSIGN_FLAGS_OFFSET);
		put_unaligned_le32(SMBSIGN_STATUS_PENDING, ch.buf + ch.off[1] +
				   SMBSIGN_STATUS_OFFSET);
		orig = sign_dup(test, ch.buf, ch.total, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orig);
		KUNIT_EXPECT_EQ_MSG(test, sign_scbuf(key, ch.buf, ch.total),
				    want_ret, "%s: chain with an interim",
				    c->name);
		if (gmac)
			KUNIT_EXPECT_TRUE_MSG(test,
					      !memcmp(ch.buf, orig, ch.total),
					      "refused chain changed");
		else
			KUNIT_EXPECT_EQ(test, sign_vcbuf(key, ch.buf, ch.total,
							 NULL), 0);

		for (i = 0; i < ARRAY_SIZE(signs); i++) {
			msg = sign_msg(test, 200, 50 + i, CMD_READ,
				       interim & ~signs[i].flags_off, 0x103);
			put_unaligned_le32(signs[i].status,
					   msg + SMBSIGN_STATUS_OFFSET);
			KUNIT_EXPECT_EQ_MSG(test,
					    smbsign_sign_buf(key, msg, 200), 0,
					    "%s: flags %#x status %#x",
					    c->name,
					    interim & ~signs[i].flags_off,
					    signs[i].status);
			KUNIT_EXPECT_EQ(test, smbsign_verify_buf(key, msg, 200),
					0);
		}
	}
}

/*
 * L7: smbsign_verify_dir() binds the direction. A request the client
 * signed, reflected back to it, verifies with smbsign_verify() (one key
 * for both directions) but not as a message the client receives; the same
 * for a response reflected to the server. No MAC is computed for a
 * message going the wrong way. Flags split across kvecs are read right.
 */
static void smbsign_sign_verify_dir(struct kunit *test)
{
	const struct sign_combo *c = test->param_value;
	struct smbsign_key *key = sign_key(test, c->dialect, c->alg, 19);
	struct smbsign_key *fake = sign_fake_key(test);
	u8 *req = sign_msg(test, 180, 51, CMD_READ, SMBSIGN_FLAG_SIGNED, 9);
	u8 *rsp = sign_msg(test, 180, 52, CMD_READ, SMBSIGN_FLAG_SIGNED |
			   SMBSIGN_FLAG_SERVER_TO_REDIR, 9);
	struct sign_kvecs *kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	struct kvec iq = { .iov_base = req, .iov_len = 180 };
	struct kvec ir = { .iov_base = rsp, .iov_len = 180 };

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kv);
	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, req, 180), 0);
	KUNIT_ASSERT_EQ(test, smbsign_sign_buf(key, rsp, 180), 0);

	/* the server receives requests, the client responses */
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, SMBSIGN_DIR_SERVER, &iq,
						 1), 0);
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, SMBSIGN_DIR_CLIENT, &ir,
						 1), 0);
	/* reflected: the signature is right, the direction is not */
	KUNIT_EXPECT_EQ(test, smbsign_verify(key, &iq, 1), 0);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_dir(key, SMBSIGN_DIR_CLIENT,
						     &iq, 1),
			    -EBADMSG, "%s: reflected request accepted",
			    c->name);
	KUNIT_EXPECT_EQ_MSG(test, smbsign_verify_dir(key, SMBSIGN_DIR_SERVER,
						     &ir, 1),
			    -EBADMSG, "%s: reflected response accepted",
			    c->name);
	/* setting SERVER_TO_REDIR on the reflected request breaks its MAC */
	put_unaligned_le32(SMBSIGN_FLAG_SIGNED | SMBSIGN_FLAG_SERVER_TO_REDIR,
			   req + SMBSIGN_FLAGS_OFFSET);
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, SMBSIGN_DIR_CLIENT, &iq,
						 1), -EBADMSG);
	put_unaligned_le32(SMBSIGN_FLAG_SIGNED, req + SMBSIGN_FLAGS_OFFSET);

	/* a tampered message going the right way */
	rsp[150] ^= 4;
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, SMBSIGN_DIR_CLIENT, &ir,
						 1), -EBADMSG);
	rsp[150] ^= 4;

	/* the flags split 17/3 between two kvecs */
	sign_scatter_step(test, kv, rsp, 180, 17);
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, SMBSIGN_DIR_CLIENT,
						 kv->iov, kv->n), 0);
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, SMBSIGN_DIR_SERVER,
						 kv->iov, kv->n), -EBADMSG);

	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, SMBSIGN_DIR_COUNT, &ir,
						 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(key, (enum smbsign_dir)-1,
						 &ir, 1), -EINVAL);

	/* the direction is checked before any MAC */
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(fake, SMBSIGN_DIR_CLIENT, &iq,
						 1), -EBADMSG);
	KUNIT_EXPECT_EQ(test, smbsign_verify_dir(fake, SMBSIGN_DIR_SERVER, &ir,
						 1), -EBADMSG);
	KUNIT_EXPECT_EQ(test, sign_fake.calls, 0u);
}

/* -------------------------------------------------------------- suite */

static int smbsign_sign_suite_init(struct kunit_suite *suite)
{
	/* allocation failure shows as a failed smbsign_sign_8mib case */
	sign_big_alloc();
	return 0;
}

static void smbsign_sign_suite_exit(struct kunit_suite *suite)
{
	sign_big_free();
}

/*
 * The cases, once per implementation (smbsign_kunit_impl.h): smbsign_sign
 * as loaded (SIMD keys where the CPU has the instructions) and
 * smbsign_sign_cryptoapi (every key through the crypto API).
 */
#define SMBSIGN_KUNIT_SUITE	smbsign_sign
#define SMBSIGN_KUNIT_CASES(arr)					\
	static struct kunit_case arr[] = {				\
		KUNIT_CASE_PARAM(smbsign_sign_roundtrip_buf,		\
				 sign_combos_gen_params),		\
		KUNIT_CASE_PARAM(smbsign_sign_roundtrip_kvec,		\
				 sign_combos_gen_params),		\
		KUNIT_CASE_PARAM(smbsign_sign_memory_kinds,		\
				 sign_algs_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_sign_matches_raw,		\
				 sign_combos_gen_params),		\
		KUNIT_CASE_PARAM(smbsign_sign_vs_crypto_api,		\
				 sign_algs_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_sign_many_pieces,		\
				 sign_algs_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_sign_bitflip,			\
				 sign_algs_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_sign_wrong_key,		\
				 sign_algs_gen_params),			\
		KUNIT_CASE(smbsign_sign_gmac_nonce),			\
		KUNIT_CASE_PARAM(smbsign_sign_compound_chain,		\
				 sign_chains_gen_params),		\
		KUNIT_CASE_PARAM(smbsign_sign_compound_single,		\
				 sign_algs_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_sign_ignores_nextcommand,	\
				 sign_algs_gen_params),			\
		KUNIT_CASE(smbsign_sign_compound_rules),		\
		KUNIT_CASE(smbsign_sign_compound_malformed),		\
		KUNIT_CASE(smbsign_sign_bad_key),			\
		KUNIT_CASE_PARAM(smbsign_sign_bad_msg,			\
				 sign_combos_gen_params),		\
		KUNIT_CASE(smbsign_sign_sig_equal),			\
		KUNIT_CASE_PARAM(smbsign_sign_8mib,			\
				 sign_algs_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_sign_concurrent,		\
				 sign_algs_gen_params),			\
		KUNIT_CASE_PARAM(smbsign_sign_driver,			\
				 sign_algs_gen_params),			\
		KUNIT_CASE(smbsign_sign_refcount),			\
		KUNIT_CASE_PARAM(smbsign_sign_too_long,			\
				 sign_algs_gen_params),			\
		KUNIT_CASE(smbsign_sign_preauth_too_long),		\
		KUNIT_CASE(smbsign_sign_compound_changed),		\
		KUNIT_CASE(smbsign_sign_compound_changed_long),		\
		KUNIT_CASE_PARAM(smbsign_sign_compound_long,		\
				 sign_algs_gen_params),			\
		KUNIT_CASE(smbsign_sign_gmac_interim),			\
		KUNIT_CASE_PARAM(smbsign_sign_verify_dir,		\
				 sign_algs_gen_params),			\
		{}							\
	}
#define SMBSIGN_KUNIT_INIT	smbsign_sign_suite_init
#define SMBSIGN_KUNIT_EXIT	smbsign_sign_suite_exit
#include "smbsign_kunit_impl.h"

/* ------------------------------------------ impl: choice by measurement */

struct impl_pick_case {
	const char *name;
	bool mix;
	struct smbsign_impl_times t;
	bool simd_short;
	u32 long_over;
};

/*
 * Made-up times (cycles at 256 B, 1 KiB, 4 KiB, 16 KiB: smbsign's, then
 * the crypto API's): the crypto API wins a size only when faster by more
 * than a quarter, gets the keys only by winning every size, and the long
 * messages alone only where keys can mix (AES-GMAC with a gcm(aes) that
 * takes scattered data) and it wins every size from some size on; they
 * are those longer than where the two times meet, the quarter included,
 * between the last size it lost and the first it won.
 */
static const struct impl_pick_case impl_pick_cases[] = {
	{ "smbsign faster", true,
	  { { 100, 400, 1000, 4000 }, { 300, 600, 2500, 9000 } },
	  true, 0 },
	/* leads -1750 at 4 KiB, 1500 at 16 KiB: 4096 + 12288 * 1750/3250 */
	{ "api faster at 16 KiB", true,
	  { { 100, 400, 1000, 4000 }, { 300, 600, 2500, 1500 } },
	  true, 10712 },
	/* leads -1500 at 1 KiB, 750 at 4 KiB: 1024 + 3072 * 1500/2250 */
	{ "api faster from 4 KiB", true,
	  { { 1000, 2000, 5000, 17000 }, { 3000, 3000, 3000, 6000 } },
	  true, 3072 },
	/* exactly the margin at 1 KiB: long from there */
	{ "api at the margin at 1 KiB, faster beyond", true,
	  { { 1000, 2000, 5000, 17000 }, { 3000, 1500, 3000, 6000 } },
	  true, 1024 },
	{ "api faster at every size", true,
	  { { 300, 600, 2000, 4000 }, { 100, 200, 500, 1500 } },
	  false, 0 },
	{ "api faster short only", true,
	  { { 300, 600, 1000, 4000 }, { 100, 200, 2500, 9000 } },
	  true, 0 },
	{ "api faster at 1 KiB only", true,
	  { { 100, 1000, 1000, 4000 }, { 300, 200, 2500, 9000 } },
	  true, 0 },
	/* leads -1000 at 4 KiB, 1500 at 16 KiB: 4096 + 12288 * 1000/2500 */
	{ "api faster but at 4 KiB", true,
	  { { 300, 600, 2000, 4000 }, { 100, 200, 2500, 1500 } },
	  true, 9011 },
	{ "api within a quarter", true,
	  { { 1600, 3200, 6400, 16000 }, { 1200, 2400, 4800, 12000 } },
	  true, 0 },
	{ "api just beyond a quarter", true,
	  { { 1600, 3200, 6400, 16000 }, { 1199, 2399, 4799, 11999 } },
	  false, 0 },
	{ "api not measured", true,
	  { { 100, 400, 1000, 4000 }, { 0, 0, 0, 0 } }, true, 0 },
	{ "no mixing, api faster at 16 KiB", false,
	  { { 100, 400, 1000, 4000 }, { 300, 600, 2500, 1500 } },
	  true, 0 },
	{ "no mixing, api faster at every size", false,
	  { { 300, 600, 2000, 4000 }, { 100, 200, 500, 1500 } },
	  false, 0 },
	{ "no mixing, smbsign faster", false,
	  { { 100, 400, 1000, 4000 }, { 300, 600, 2500, 9000 } },
	  true, 0 },
};

static void impl_pick_desc(const struct impl_pick_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(impl_pick, impl_pick_cases, impl_pick_desc);

static void smbsign_impl_pick_logic(struct kunit *test)
{
	const struct impl_pick_case *p = test->param_value;
	struct smbsign_impl_choice c;

	memset(&c, 0xa5, sizeof(c));
	smbsign_impl_pick(p->mix, &p->t, &c);
	KUNIT_EXPECT_EQ(test, c.simd_short, p->simd_short);
	/* 0 unless smbsign's keys hand long messages to the crypto API */
	KUNIT_EXPECT_EQ(test, c.long_over, p->long_over);
	KUNIT_EXPECT_TRUE(test, c.measured);
	KUNIT_EXPECT_EQ(test, c.t.simd_cyc[3], p->t.simd_cyc[3]);
	KUNIT_EXPECT_EQ(test, c.t.api_cyc[0], p->t.api_cyc[0]);
}

static const u16 impl_algs[] = { SMBSIGN_ALG_AES_CMAC, SMBSIGN_ALG_AES_GMAC };

/* skip unless the module measures and smbsign's code can sign both */
static void impl_need_auto(struct kunit *test)
{
	int i;

	if (!smbsign_impl_auto())
		kunit_skip(test, "the module was loaded with impl other than auto");
	for (i = 0; i < ARRAY_SIZE(impl_algs); i++)
		if (!smbsign_simd_usable(impl_algs[i]))
			kunit_skip(test, "%s: smbsign's code cannot sign here",
				   smbsign_alg_name(impl_algs[i]));
}

/*
 * A key of @alg made under choice @c (NULL: as it stands), the choice put
 * back before anything can fail; its MAC of @len bytes.
 */
static void impl_mac(struct kunit *test, u16 alg,
		     const struct smbsign_impl_choice *c, const u8 *buf,
		     size_t len, u8 *mac, bool *simd, bool *mixed)
{
	static const u8 nonce[SMBSIGN_GMAC_NONCE_SIZE] = { 1, 2, 3 };
	struct smbsign_impl_choice old;
	struct smbsign_key *key;
	u8 k[SMBSIGN_KEY_SIZE];
	int ret;

	sign_key_bytes(k, alg, 77);
	if (c)
		smbsign_impl_choice_set(alg, c, &old);
	key = smbsign_key_alloc_raw(alg, k, sizeof(k));
	if (c)
		smbsign_impl_choice_set(alg, &old, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(key));
	ret = smbsign_key_mac_raw(key, buf, len, nonce, mac);
	*simd = smbsign_key_simd(key);
	/* "short+long": a second driver, gcm(aes), for long messages */
	*mixed = *simd && strchr(smbsign_key_driver(key), '+');
	/* and hands messages longer than the measured crossover to it */
	if (*mixed && c)
		KUNIT_EXPECT_EQ(test, key->gcm_over, c->long_over);
	kunit_info(test, "%s, %zu B: %s\n", smbsign_alg_name(alg), len,
		   smbsign_key_driver(key));
	smbsign_key_put(key);
	KUNIT_EXPECT_EQ(test, ret, 0);
}

/*
 * A choice decides the keys made after it; every kind of key gives the
 * same MAC as smbsign's own code.
 */
static void smbsign_impl_choice_applies(struct kunit *test)
{
	static const struct {
		u16 alg;
		bool simd_short;
		u32 long_over;
		bool want_simd, want_mixed;
	} cases[] = {
		/* the crypto API's keys: long_over is ignored */
		{ SMBSIGN_ALG_AES_CMAC, false, 3000, false, false },
		{ SMBSIGN_ALG_AES_GMAC, false, 3000, false, false },
		/* 1000 B: smbsign's code; 9000 B: gcm(aes) */
		{ SMBSIGN_ALG_AES_GMAC, true, 3000, true, true },
		{ SMBSIGN_ALG_AES_GMAC, true, 0, true, false },
	};
	static const size_t lens[] = { 64, 1000, 9000 };
	u8 want[SMBSIGN_SIG_SIZE], got[SMBSIGN_SIG_SIZE];
	const struct smbsign_impl_choice simd = {
		.simd_short = true,
	};
	struct smbsign_impl_choice c = {};
	bool is_simd, mixed;
	size_t n;
	u8 *buf;
	int i, j;

	impl_need_auto(test);
	buf = kunit_kmalloc(test, 9000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (n = 0; n < 9000; n++)
		buf[n] = n * 31 + (n >> 8);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u16 alg = cases[i].alg;

		c.simd_short = cases[i].simd_short;
		c.long_over = cases[i].long_over;
		for (j = 0; j < ARRAY_SIZE(lens); j++) {
			impl_mac(test, alg, &simd, buf, lens[j], want, &is_simd,
				 &mixed);
			KUNIT_EXPECT_TRUE(test, is_simd);
			KUNIT_EXPECT_FALSE(test, mixed);
			impl_mac(test, alg, &c, buf, lens[j], got, &is_simd,
				 &mixed);
			KUNIT_EXPECT_EQ_MSG(test, is_simd, cases[i].want_simd,
					    "%s case %d", smbsign_alg_name(alg),
					    i);
#ifndef SMBSIGN_HAVE_GCM_SCATTERED_AAD
			/* the mixed key needs a gcm(aes) that takes pieces */
			if (cases[i].want_mixed)
				mixed = true;
#endif
			KUNIT_EXPECT_EQ_MSG(test, mixed, cases[i].want_mixed,
					    "%s case %d", smbsign_alg_name(alg),
					    i);
			KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, want, sizeof(want)),
					      "%s case %d, %zu B: another MAC",
					      smbsign_alg_name(alg), i, lens[j]);
		}
	}
}

/*
 * impl=auto at load, again: both algorithms measured, both ways, and
 * chosen from those times. Under QEMU's TCG (a hypervisor CPU without
 * VPCLMULQDQ) smbsign's code must win both classes, as before there was a
 * choice: the crypto API's requests take far more instructions there.
 */
static void smbsign_impl_measured(struct kunit *test)
{
	struct smbsign_impl_choice old[ARRAY_SIZE(impl_algs)], c, again;
	bool tcg = false, mix = false;
	int i, j, ret;

	impl_need_auto(test);
#ifdef SMBSIGN_HAVE_GCM_SCATTERED_AAD
	/* GMAC keys can hand long messages to gcm(aes) */
	mix = true;
#endif
#ifdef CONFIG_X86
	tcg = boot_cpu_has(X86_FEATURE_HYPERVISOR) &&
	      !boot_cpu_has(X86_FEATURE_VPCLMULQDQ);
#endif
	for (i = 0; i < ARRAY_SIZE(impl_algs); i++)
		smbsign_impl_choice_set(impl_algs[i], NULL, &old[i]);
	ret = smbsign_impl_init();
	for (i = 0; i < ARRAY_SIZE(impl_algs); i++) {
		smbsign_impl_choice_set(impl_algs[i], &old[i], &c);
		kunit_info(test, "%s: smbsign %llu/%llu/%llu/%llu cycles, crypto API %llu/%llu/%llu/%llu: %s%s\n",
			   smbsign_alg_name(impl_algs[i]), c.t.simd_cyc[0],
			   c.t.simd_cyc[1], c.t.simd_cyc[2], c.t.simd_cyc[3],
			   c.t.api_cyc[0], c.t.api_cyc[1], c.t.api_cyc[2],
			   c.t.api_cyc[3],
			   c.simd_short ? "smbsign" : "crypto API",
			   c.simd_short && c.long_over ?
			   ", long: crypto API" : "");
		KUNIT_EXPECT_TRUE(test, c.measured);
		/* a longer message takes longer */
		for (j = 0; j < SMBSIGN_IMPL_SIZES; j++) {
			KUNIT_EXPECT_GT(test, c.t.simd_cyc[j],
					j ? c.t.simd_cyc[j - 1] : 0ULL);
			KUNIT_EXPECT_GT(test, c.t.api_cyc[j],
					j ? c.t.api_cyc[j - 1] : 0ULL);
		}
		/* the choice is the one its times give */
		smbsign_impl_pick(impl_algs[i] == SMBSIGN_ALG_AES_GMAC && mix,
				  &c.t, &again);
		KUNIT_EXPECT_EQ(test, c.simd_short, again.simd_short);
		KUNIT_EXPECT_EQ(test, c.long_over, again.long_over);
		if (tcg) {
			KUNIT_EXPECT_TRUE(test, c.simd_short);
			/* and every length */
			KUNIT_EXPECT_EQ(test, c.long_over, 0U);
		}
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
}

static struct kunit_case smbsign_impl_cases[] = {
	KUNIT_CASE_PARAM(smbsign_impl_pick_logic, impl_pick_gen_params),
	KUNIT_CASE(smbsign_impl_choice_applies),
	KUNIT_CASE(smbsign_impl_measured),
	{}
};

static struct kunit_suite smbsign_impl_suite = {
	.name = "smbsign_impl",
	.test_cases = smbsign_impl_cases,
};

kunit_test_suite(smbsign_impl_suite);

MODULE_DESCRIPTION("smbsign sign/verify KUnit tests");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SMBSIGN_NS);
/*
 * MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING), spelled so that it works
 * both before 6.13 (bare token, stringified) and after (string literal).
 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
