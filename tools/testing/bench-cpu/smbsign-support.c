// SPDX-License-Identifier: GPL-2.0
/*
 * bench-cpu: what smbsign's x86 glue (the smbsign/x86/ headers) calls
 * outside itself, for the userspace build: the message walker and copy
 * (smbsign/msg.c), copied from it with the zero page replaced by a static
 * zero block. The glue itself is compiled unchanged (see Makefile), the
 * CMAC subkeys and tweak with it (smbsign/cmac-subkeys.h).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <crypto/aes.h>
#include <crypto/algapi.h>

#include "smbsign.h"

static const u8 smbsign_zero_sig[SMBSIGN_SIG_SIZE];

/* smbsign/msg.c */
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
};

static int smbsign_copy_out(void *ctx, const void *p, size_t n)
{
	struct smbsign_copy *c = ctx;

	memcpy(c->dst, p, n);
	c->dst += n;
	return 0;
}

int smbsign_msg_copy(const struct smbsign_msg *m, u8 *dst)
{
	const u8 *p = (const u8 *)m->iov[0].iov_base + m->off;
	const size_t sig_end = SMBSIGN_SIG_OFFSET + SMBSIGN_SIG_SIZE;
	struct smbsign_copy c = { .dst = dst };
	int ret;

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
 * impl.c's answers with impl=simd: every message smbsign's code's (the
 * harness times that code; the module's impl=auto chooses at load).
 */
bool smbsign_impl_simd_key(u16 alg)
{
	return true;
}

bool smbsign_impl_long_to_api(u16 alg)
{
	return false;
}
