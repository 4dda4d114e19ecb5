// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: signing and verifying 8 MiB messages must not need memory.
 *
 * SMB3 READ and WRITE messages carry up to 8 MiB. With failslab and
 * fail_page_alloc armed for this task only (task-filter, every allocation,
 * including ones that may sleep), smbsign_sign() and smbsign_verify() of an
 * 8 MiB message must still succeed for every algorithm and for both
 * layouts consumers use (a header kvec plus page kvecs, and one vmalloc
 * buffer). Each case first checks that injection really is armed: a
 * kmalloc() and an alloc_page() in the same window must fail.
 *
 * The fault-injection knobs are set through debugfs from the test itself
 * where the kernel allows that (6.1), else by the test loop's init from
 * userspace (kernel_write() needs ->write_iter, which newer debugfs
 * attributes lack). The suite needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC,
 * CONFIG_FAULT_INJECTION_DEBUG_FS and debugfs at /sys/kernel/debug; when
 * injection is not armed it is skipped with the reason.
 */
#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smbsign.h>
#include <linux/vmalloc.h>

#include "../smbsign/smbsign.h"

MODULE_IMPORT_NS(SMBSIGN_NS);
/* smbsign_simd_set(): MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING) */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");

#define NOMEM_SIZE	(8 << 20)
#define NOMEM_HDR	112

static const u8 nomem_key[SMBSIGN_KEY_SIZE] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

struct nomem_knob {
	const char *path;
	const char *armed;
	const char *disarmed;
};

static const struct nomem_knob nomem_knobs[] = {
	{ "/sys/kernel/debug/failslab/verbose", "0", "2" },
	{ "/sys/kernel/debug/failslab/task-filter", "Y", "N" },
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N", "Y" },
	{ "/sys/kernel/debug/failslab/interval", "1", "1" },
	{ "/sys/kernel/debug/failslab/times", "-1", "1" },
	{ "/sys/kernel/debug/failslab/probability", "100", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "0", "2" },
	{ "/sys/kernel/debug/fail_page_alloc/task-filter", "Y", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N", "Y" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N", "Y" },
	{ "/sys/kernel/debug/fail_page_alloc/min-order", "0", "1" },
	{ "/sys/kernel/debug/fail_page_alloc/interval", "1", "1" },
	{ "/sys/kernel/debug/fail_page_alloc/times", "-1", "1" },
	{ "/sys/kernel/debug/fail_page_alloc/probability", "100", "0" },
};

static int nomem_write(const char *path, const char *val)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, strlen(val), &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

static int nomem_set(bool armed)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(nomem_knobs); i++) {
		ret = nomem_write(nomem_knobs[i].path,
				  armed ? nomem_knobs[i].armed :
					  nomem_knobs[i].disarmed);
		if (ret)
			return ret;
	}
	return 0;
}

struct nomem_param {
	u16 alg;
	bool vmapped;
	const char *name;
};

static const struct nomem_param nomem_params[] = {
	{ SMBSIGN_ALG_HMAC_SHA256, false, "HMAC-SHA256, header + 2048 pages" },
	{ SMBSIGN_ALG_HMAC_SHA256, true, "HMAC-SHA256, 8 MiB vmalloc" },
	{ SMBSIGN_ALG_AES_CMAC, false, "AES-CMAC, header + 2048 pages" },
	{ SMBSIGN_ALG_AES_CMAC, true, "AES-CMAC, 8 MiB vmalloc" },
	{ SMBSIGN_ALG_AES_GMAC, false, "AES-GMAC, header + 2048 pages" },
	{ SMBSIGN_ALG_AES_GMAC, true, "AES-GMAC, 8 MiB vmalloc" },
};

static void nomem_desc(const struct nomem_param *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nomem, nomem_params, nomem_desc);

struct nomem_msg {
	struct kvec *iov;
	unsigned int nvec;
	void *vbuf;
};

static void nomem_msg_free(struct nomem_msg *m)
{
	unsigned int i;

	if (m->iov) {
		kfree(m->iov[0].iov_base);
		for (i = 1; i < m->nvec; i++)
			free_page((unsigned long)m->iov[i].iov_base);
		kfree(m->iov);
	}
	vfree(m->vbuf);
}

static int nomem_msg_alloc(struct nomem_msg *m, bool vmapped)
{
	size_t left = NOMEM_SIZE - NOMEM_HDR;
	unsigned int i;
	u8 *h;

	memset(m, 0, sizeof(*m));
	if (vmapped) {
		m->vbuf = vmalloc(NOMEM_SIZE);
		if (!m->vbuf)
			return -ENOMEM;
		memset(m->vbuf, 0x5a, NOMEM_SIZE);
		m->iov = kzalloc(sizeof(*m->iov), GFP_KERNEL);
		if (!m->iov)
			return -ENOMEM;
		/* iov[0] owns nothing for the vmalloc layout. */
		m->iov[0].iov_base = NULL;
		m->nvec = 0;
		h = m->vbuf;
	} else {
		m->iov = kcalloc(NOMEM_SIZE / PAGE_SIZE + 2, sizeof(*m->iov),
				 GFP_KERNEL);
		if (!m->iov)
			return -ENOMEM;
		h = kzalloc(NOMEM_HDR, GFP_KERNEL);
		if (!h)
			return -ENOMEM;
		m->iov[0].iov_base = h;
		m->iov[0].iov_len = NOMEM_HDR;
		m->nvec = 1;
		for (i = 1; left; i++) {
			size_t n = min_t(size_t, left, PAGE_SIZE);
			void *p = (void *)get_zeroed_page(GFP_KERNEL);

			if (!p)
				return -ENOMEM;
			memset(p, i, n);
			m->iov[i].iov_base = p;
			m->iov[i].iov_len = n;
			m->nvec++;
			left -= n;
		}
	}
	memcpy(h, "\xfeSMB", 4);
	h[12] = 9;		/* WRITE */
	h[16] = 0x08;		/* SMB2_FLAGS_SIGNED */
	h[24] = 7;		/* MessageId */
	return 0;
}

static void nomem_test(struct kunit *test)
{
	const struct nomem_param *p = test->param_value;
	struct smbsign_key *key;
	struct nomem_msg m;
	struct kvec vkv, *iov;
	unsigned int nvec;
	struct page *page;
	int sret, vret, ret;
	void *probe;
	int wret;

	key = smbsign_key_alloc(SMBSIGN_DIALECT_3_1_1, p->alg, nomem_key,
				sizeof(nomem_key));
	KUNIT_ASSERT_FALSE(test, IS_ERR(key));

	ret = nomem_msg_alloc(&m, p->vmapped);
	if (ret) {
		nomem_msg_free(&m);
		smbsign_key_put(key);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "cannot allocate the message");
	}
	if (p->vmapped) {
		vkv.iov_base = m.vbuf;
		vkv.iov_len = NOMEM_SIZE;
		iov = &vkv;
		nvec = 1;
	} else {
		iov = m.iov;
		nvec = m.nvec;
	}

	/*
	 * Arm failslab and fail_page_alloc through debugfs. Where the kernel
	 * cannot write debugfs files from inside (kernel_write() needs
	 * ->write_iter, which debugfs attributes lack on newer kernels), the
	 * test loop's init has armed them the same way from userspace
	 * (task-filter: only a task with make_it_fail set sees failures).
	 * Either way the probe allocations below must fail, or the test
	 * skips.
	 */
	wret = nomem_set(true);

	/* Nothing between arming and disarming may allocate on purpose. */
	current->make_it_fail = 1;
	probe = kmalloc(64, GFP_KERNEL);
	page = alloc_page(GFP_KERNEL);
	if (probe || page) {
		current->make_it_fail = 0;
		if (!wret)
			nomem_set(false);
		kfree(probe);
		if (page)
			__free_page(page);
		nomem_msg_free(&m);
		smbsign_key_put(key);
		kunit_skip(test, "fault injection not armed (debugfs write: %d)",
			   wret);
	}
	sret = smbsign_sign(key, iov, nvec);
	vret = smbsign_verify(key, iov, nvec);
	current->make_it_fail = 0;

	if (!wret)
		nomem_set(false);
	nomem_msg_free(&m);
	smbsign_key_put(key);

	KUNIT_EXPECT_EQ_MSG(test, sret, 0, "sign failed with %d", sret);
	KUNIT_EXPECT_EQ_MSG(test, vret, 0, "verify failed with %d", vret);
}

/* Once per implementation: smbsign_nomem and smbsign_nomem_cryptoapi. */
#define SMBSIGN_KUNIT_SUITE	smbsign_nomem
#define SMBSIGN_KUNIT_CASES(arr)					\
	static struct kunit_case arr[] = {				\
		KUNIT_CASE_PARAM(nomem_test, nomem_gen_params),		\
		{}							\
	}
#include "smbsign_kunit_impl.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smbsign: 8 MiB messages with every allocation failing");
