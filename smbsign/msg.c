// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: walking SMB2 messages that live in kvec arrays.
 *
 * A message is a byte range of a kvec stream. The MAC of a message is
 * computed as if its signature field (bytes 48..63) were zero; rather than
 * copying the header to zero that field, the walker hands the MAC the bytes
 * around it and 16 bytes of the zero page in its place (linear-map memory,
 * so a scatterlist entry for it needs no page-table walk), so the caller's
 * buffer is never
 * written except for the signature itself.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "smbsign.h"

/* 16 bytes of the zero page, through the linear map (set at load) */
static const u8 *smbsign_zero_sig __ro_after_init;

/**
 * smbsign_msg_init() - look up what the walker needs once
 */
void smbsign_msg_init(void)
{
	smbsign_zero_sig = page_address(ZERO_PAGE(0));
}

/**
 * smbsign_iov_total() - total length of a kvec array
 * @iov: kvec array
 * @nvec: number of entries
 * @total: out: the sum of the lengths
 *
 * Return: 0, or -EINVAL for a NULL base with a non-zero length or a sum
 * that overflows.
 */
int smbsign_iov_total(const struct kvec *iov, unsigned int nvec,
		      size_t *total)
{
	size_t sum = 0;
	unsigned int i;

	for (i = 0; i < nvec; i++) {
		if (!iov[i].iov_base && iov[i].iov_len)
			return -EINVAL;
		if (check_add_overflow(sum, iov[i].iov_len, &sum))
			return -EINVAL;
	}
	*total = sum;
	return 0;
}

/* Find the kvec holding stream offset @pos; returns the offset inside it. */
static unsigned int smbsign_iov_seek(const struct kvec *iov, unsigned int nvec,
				     size_t *pos)
{
	unsigned int i = 0;

	while (i < nvec && *pos >= iov[i].iov_len) {
		*pos -= iov[i].iov_len;
		i++;
	}
	return i;
}

/* Call @fn on the raw bytes [@pos, @pos + @n) of the stream. */
static int smbsign_iov_range(const struct kvec *iov, unsigned int nvec,
			     size_t pos, size_t n, smbsign_walk_fn fn,
			     void *ctx)
{
	unsigned int i = smbsign_iov_seek(iov, nvec, &pos);
	int ret;

	while (n && i < nvec) {
		size_t chunk = min(n, iov[i].iov_len - pos);

		ret = fn(ctx, (const u8 *)iov[i].iov_base + pos, chunk);
		if (ret)
			return ret;
		n -= chunk;
		pos = 0;
		i++;
	}
	return n ? -EINVAL : 0;
}

/**
 * smbsign_msg_walk() - feed a message to a MAC, signature field zeroed
 * @m: the message (the caller has checked it lies inside the stream)
 * @fn: called on each contiguous piece, in order
 * @ctx: passed to @fn
 *
 * Return: 0 or the first error @fn returned.
 */
int smbsign_msg_walk(const struct smbsign_msg *m, smbsign_walk_fn fn,
		     void *ctx)
{
	size_t sig = m->off + SMBSIGN_SIG_OFFSET;
	size_t end = m->off + m->len;
	int ret;

	if (!m->zero_sig)
		return smbsign_iov_range(m->iov, m->nvec, m->off, m->len,
					 fn, ctx);

	ret = smbsign_iov_range(m->iov, m->nvec, m->off, SMBSIGN_SIG_OFFSET,
				fn, ctx);
	if (ret)
		return ret;
	ret = fn(ctx, smbsign_zero_sig, SMBSIGN_SIG_SIZE);
	if (ret)
		return ret;
	sig += SMBSIGN_SIG_SIZE;
	return smbsign_iov_range(m->iov, m->nvec, sig, end - sig, fn, ctx);
}

struct smbsign_copy {
	u8 *dst;
	const u8 *src;
};

static int smbsign_copy_out(void *ctx, const void *p, size_t n)
{
	struct smbsign_copy *c = ctx;

	memcpy(c->dst, p, n);
	c->dst += n;
	return 0;
}

static int smbsign_copy_in(void *ctx, const void *p, size_t n)
{
	struct smbsign_copy *c = ctx;

	/* The walker hands out const pointers; the caller owns the buffer. */
	memcpy((void *)p, c->src, n);
	c->src += n;
	return 0;
}

/**
 * smbsign_msg_copy() - copy a message, signature field zeroed, to a buffer
 * @m: the message
 * @dst: @m->len bytes
 *
 * Return: 0, or -EINVAL if the stream is shorter than the message.
 */
int smbsign_msg_copy(const struct smbsign_msg *m, u8 *dst)
{
	const u8 *p = (const u8 *)m->iov[0].iov_base + m->off;
	const size_t sig_end = SMBSIGN_SIG_OFFSET + SMBSIGN_SIG_SIZE;
	struct smbsign_copy c = { .dst = dst };
	int ret;

	/*
	 * The usual case: the message is in the first kvec. The header part
	 * is copied with constant sizes, which the compiler inlines.
	 */
	if (m->zero_sig && m->off + m->len <= m->iov[0].iov_len) {
		memcpy(dst, p, SMBSIGN_SIG_OFFSET);
		memset(dst + SMBSIGN_SIG_OFFSET, 0, SMBSIGN_SIG_SIZE);
		memcpy(dst + sig_end, p + sig_end, m->len - sig_end);
		return 0;
	}
	ret = smbsign_iov_range(m->iov, m->nvec, m->off, m->len,
				smbsign_copy_out, &c);
	if (!ret && m->zero_sig)
		memset(dst + SMBSIGN_SIG_OFFSET, 0, SMBSIGN_SIG_SIZE);
	return ret;
}

/*
 * smbsign_msg_read()/smbsign_msg_write() (smbsign.h) for fields that are
 * not in the first kvec.
 */
void smbsign_msg_read_slow(const struct smbsign_msg *m, size_t pos, void *dst,
			   size_t n)
{
	struct smbsign_copy c = { .dst = dst };

	smbsign_iov_range(m->iov, m->nvec, m->off + pos, n, smbsign_copy_out,
			  &c);
}

void smbsign_msg_write_slow(const struct smbsign_msg *m, size_t pos,
			    const void *src, size_t n)
{
	struct smbsign_copy c = { .src = src };

	smbsign_iov_range(m->iov, m->nvec, m->off + pos, n, smbsign_copy_in,
			  &c);
}

/**
 * smbsign_sgt_init() - start filling a scatterlist
 * @t: the table state
 * @sg: entries to fill
 * @max: number of entries in @sg
 */
void smbsign_sgt_init(struct smbsign_sgt *t, struct scatterlist *sg,
		      unsigned int max)
{
	/* entries are initialised as they are used: most tables stay short */
	t->sg = sg;
	t->n = 0;
	t->max = max;
	t->bytes = 0;
	t->end = NULL;
	t->merge_mask = 0;
}

/**
 * smbsign_sgt_add() - describe kernel memory in a scatterlist
 * @t: the table state
 * @p: start of the memory: linear-map (kmalloc, page_address) or
 *	vmalloc/module memory, including a virtually mapped stack
 * @n: number of bytes
 *
 * Linear-map memory becomes one entry (merged with the previous entry when
 * it continues it); vmalloc memory one entry per page. Entries point at the
 * memory, nothing is copied.
 *
 * Return: the number of bytes added, less than @n when the table is full.
 */
size_t smbsign_sgt_add(struct smbsign_sgt *t, const void *p, size_t n)
{
	const u8 *b = p;
	size_t done = 0;

	while (done < n) {
		bool vmapped = !virt_addr_valid(b + done);
		size_t off = offset_in_page(b + done);
		size_t chunk = n - done;
		struct page *page;

		if (vmapped) {
			chunk = min_t(size_t, chunk, PAGE_SIZE - off);
			page = vmalloc_to_page(b + done);
		} else {
			if (t->n && t->end == b + done &&
			    virt_addr_valid(t->end - 1) &&
			    !(t->sg[t->n - 1].offset & t->merge_mask) &&
			    t->sg[t->n - 1].length + chunk <= UINT_MAX / 2) {
				t->sg[t->n - 1].length += chunk;
				goto added;
			}
			chunk = min_t(size_t, chunk, UINT_MAX / 2);
			page = virt_to_page(b + done);
		}
		if (t->n == t->max)
			break;
		if (t->n)
			sg_unmark_end(&t->sg[t->n - 1]);
		memset(&t->sg[t->n], 0, sizeof(t->sg[t->n]));
		sg_init_marker(&t->sg[t->n], 1);
		sg_set_page(&t->sg[t->n], page, chunk, off);
		t->n++;
added:
		done += chunk;
		t->bytes += chunk;
		t->end = b + done;
	}
	if (t->n)
		sg_mark_end(&t->sg[t->n - 1]);
	return done;
}
