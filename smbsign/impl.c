// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: which implementation signs, chosen by measurement.
 *
 * Where smbsign's own SIMD code can sign an algorithm (x86/), the
 * kernel's crypto API can too. Which is faster depends on the CPU and the
 * kernel: on the CPUs measured (make bench-cpu) smbsign's code costs less
 * a call and, with VPCLMULQDQ, hashes as fast as the kernel's GCM in bulk,
 * but a kernel from 6.19 with VAES hashes long GCM associated data faster
 * than the 128-bit PCLMULQDQ GHASH here. So, as the kernel's RAID6 and XOR
 * code do, the module times both when it loads, after the self-test has
 * checked both, at four message sizes from 256 B to 16 KiB, and uses the
 * faster for each, a long message from the crossover on where keys can
 * mix (impl=auto, the default); impl=simd and impl=cryptoapi force one.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/err.h>
#include <linux/fips.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/timex.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <asm/page.h>

#include <kunit/visibility.h>

#include "smbsign.h"

#ifdef CONFIG_X86_64
#include "x86/simd.h"

/* What the CPU has (x86/simd.h: smbsign_simd_detect()). */
bool smbsign_simd_cpu __ro_after_init;
/* the fastest GHASH the CPU has (enum smbsign_simd_ghash) */
int smbsign_simd_ghash_cpu __ro_after_init;
static bool smbsign_simd_param = true;
module_param_named(simd, smbsign_simd_param, bool, 0644);
MODULE_PARM_DESC(simd,
		 "Sign with smbsign's own x86 SIMD code where the CPU has it: AES-CMAC and AES-GMAC with AES-NI+PCLMULQDQ+AVX (default: on; off: the kernel crypto API; applies to keys created afterwards; always off in FIPS mode)");

/**
 * smbsign_simd_usable() - whether a key created now uses this code
 * @alg: the key's signing algorithm
 *
 * Return: true for AES-CMAC and AES-GMAC on CPUs with AES-NI, PCLMULQDQ
 * and AVX, outside FIPS mode, with the simd module parameter on, unless
 * the impl parameter (or what impl=auto measured) gives the algorithm to
 * the crypto API; never for HMAC-SHA256 (the kernel's SHA-256 is faster).
 */
bool smbsign_simd_usable(u16 alg)
{
	return alg != SMBSIGN_ALG_HMAC_SHA256 && smbsign_simd_cpu &&
	       !fips_enabled && READ_ONCE(smbsign_simd_param) &&
	       smbsign_impl_simd_key(alg);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_simd_usable);

/**
 * smbsign_simd_set() - turn the simd parameter on or off (KUnit)
 * @on: new value
 *
 * Return: the previous value.
 */
bool smbsign_simd_set(bool on)
{
	return xchg(&smbsign_simd_param, on);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_simd_set);

/* The FPU is unusable here (an interrupt that interrupted FPU code). */
int smbsign_simd_unusable(void)
{
	pr_warn_once("signing needs process context\n");
	return -EOPNOTSUPP;
}

#else
static inline void smbsign_simd_detect(void)
{
}
#endif

static const char * const smbsign_impl_modes[] = {
	[SMBSIGN_IMPL_AUTO]		= "auto",
	[SMBSIGN_IMPL_SIMD]		= "simd",
	[SMBSIGN_IMPL_CRYPTOAPI]	= "cryptoapi",
};

static int smbsign_impl_mode = SMBSIGN_IMPL_AUTO;

static int smbsign_impl_mode_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(smbsign_impl_modes, val);

	if (i < 0)
		return -EINVAL;
	*(int *)kp->arg = i;
	return 0;
}

static int smbsign_impl_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", smbsign_impl_modes[*(int *)kp->arg]);
}

static const struct kernel_param_ops smbsign_impl_mode_ops = {
	.set = smbsign_impl_mode_set,
	.get = smbsign_impl_mode_get,
};
module_param_cb(impl, &smbsign_impl_mode_ops, &smbsign_impl_mode, 0444);
__MODULE_PARM_TYPE(impl, "string");
MODULE_PARM_DESC(impl,
		 "Which code signs AES-CMAC and AES-GMAC where smbsign's SIMD code can: auto (default: time both at load, per algorithm, at 256 B to 16 KiB, and use the faster), simd (smbsign's code), cryptoapi (the kernel crypto API); the choice is in impl_choice");

/* The measured choice; both classes SIMD until measured. */
static struct smbsign_impl_choice smbsign_impl_choices[SMBSIGN_ALG_COUNT] = {
	[SMBSIGN_ALG_AES_CMAC]	= { .simd_short = true },
	[SMBSIGN_ALG_AES_GMAC]	= { .simd_short = true },
};

static DEFINE_MUTEX(smbsign_impl_lock);

static const u32 smbsign_impl_sizes[SMBSIGN_IMPL_SIZES] = {
	256,		/* most SMB messages but READ/WRITE data */
	SZ_1K,
	SZ_4K,
	SZ_16K,		/* bulk: the cost of a byte */
};

/*
 * How far the crypto API is ahead at size @i, in cycles, beyond the
 * margin: positive where it wins, <= 0 where smbsign's code keeps it.
 */
static s64 smbsign_impl_lead(const struct smbsign_impl_times *t, int i)
{
	if (!t->api_cyc[i])		/* not measured: it loses */
		return -(s64)t->simd_cyc[i] - 1;
	return (s64)(t->simd_cyc[i] - t->simd_cyc[i] / 4) - (s64)t->api_cyc[i];
}

/**
 * smbsign_impl_pick() - the choice for an algorithm from measured times
 * @mix: whether smbsign's keys of the algorithm can hand long messages to
 *	the crypto API (AES-GMAC, where gcm(aes) takes scattered data: 6.11+)
 * @t: cycles each implementation took at each size
 * @c: out: the choice (its times are copied from @t)
 *
 * The crypto API wins a size only when it is faster there by more than a
 * quarter: the measurement is brief, and the choice must not flip from
 * one load to the next. Under QEMU TCG 6.1's gcm(aes) GMAC measures up
 * to 14% faster than smbsign's at 256 B and 16 KiB, varying from one boot
 * to the next (6.12's and 7.3's 10-46% slower): a margin below that would
 * give 6.1's GMAC keys to the crypto API in some test runs only. The
 * differences that matter on the CPUs measured with make bench-cpu are
 * 2-3x (the 128-bit PCLMULQDQ GHASH against a 6.19+ kernel's VAES GCM).
 * A key is either smbsign's (which, with @mix, can hand long messages to
 * the crypto API) or the crypto API's: the crypto API gets the keys only
 * by winning every size, and then every message. With @mix, where it
 * wins the longest sizes but not all, messages longer than the crossover
 * go to it: the length between the last size it lost and the first it
 * won where the two times, linear in the length between them, meet (the
 * margin included). Without @mix, smbsign's code signs unless the crypto
 * API wins every size.
 */
void smbsign_impl_pick(bool mix, const struct smbsign_impl_times *t,
		       struct smbsign_impl_choice *c)
{
	int k = SMBSIGN_IMPL_SIZES;
	s64 before, after;

	/* the crypto API wins every size from k on */
	while (k > 0 && smbsign_impl_lead(t, k - 1) > 0)
		k--;
	c->t = *t;
	c->measured = true;
	c->simd_short = k > 0;
	/* 0: smbsign's code signs every length (a crossover is >= 256 B) */
	c->long_over = 0;
	if (c->simd_short && mix && k < SMBSIGN_IMPL_SIZES) {
		before = max_t(s64, -smbsign_impl_lead(t, k - 1), 0);
		after = smbsign_impl_lead(t, k);
		c->long_over = smbsign_impl_sizes[k - 1] +
			       div64_s64((s64)(smbsign_impl_sizes[k] -
					       smbsign_impl_sizes[k - 1]) * before,
					 before + after);
	}
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_impl_pick);

/**
 * smbsign_impl_simd_key() - whether a new key of @alg may be smbsign's
 * @alg: the key's algorithm
 *
 * Return: false with impl=cryptoapi or when impl=auto measured the crypto
 * API faster for every size; true otherwise (gmac.c decides the rest).
 */
bool smbsign_impl_simd_key(u16 alg)
{
	if (alg >= SMBSIGN_ALG_COUNT)
		return false;
	switch (smbsign_impl_mode) {
	case SMBSIGN_IMPL_CRYPTOAPI:
		return false;
	case SMBSIGN_IMPL_SIMD:
		return true;
	default:
		return READ_ONCE(smbsign_impl_choices[alg].simd_short);
	}
}

/**
 * smbsign_impl_long_to_api() - whether smbsign's keys of @alg hand long
 *	messages to the crypto API
 * @alg: the key's algorithm
 * @over: out: messages longer than this many bytes are long
 *
 * Context: process (takes a mutex).
 * Return: true when impl=auto measured the crypto API faster for long
 * messages only (AES-GMAC: gcm(aes)).
 */
bool smbsign_impl_long_to_api(u16 alg, u32 *over)
{
	bool ret;

	if (alg >= SMBSIGN_ALG_COUNT || smbsign_impl_mode != SMBSIGN_IMPL_AUTO)
		return false;
	mutex_lock(&smbsign_impl_lock);
	ret = smbsign_impl_choices[alg].simd_short &&
	      smbsign_impl_choices[alg].long_over;
	*over = smbsign_impl_choices[alg].long_over;
	mutex_unlock(&smbsign_impl_lock);
	return ret;
}

/**
 * smbsign_impl_auto() - whether the module measures and chooses
 *
 * Return: true with impl=auto (the default).
 */
bool smbsign_impl_auto(void)
{
	return smbsign_impl_mode == SMBSIGN_IMPL_AUTO;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_impl_auto);

/**
 * smbsign_impl_choice_set() - replace the choice for an algorithm (KUnit)
 * @alg: SMBSIGN_ALG_AES_CMAC or SMBSIGN_ALG_AES_GMAC
 * @c: the new choice, or NULL for the default (every message smbsign's)
 * @old: out, may be NULL: the choice before
 *
 * Keys made before keep the implementation they got.
 */
void smbsign_impl_choice_set(u16 alg, const struct smbsign_impl_choice *c,
			     struct smbsign_impl_choice *old)
{
	static const struct smbsign_impl_choice dflt = {
		.simd_short = true,
	};

	if (alg >= SMBSIGN_ALG_COUNT)
		return;
	mutex_lock(&smbsign_impl_lock);
	if (old)
		*old = smbsign_impl_choices[alg];
	WRITE_ONCE(smbsign_impl_choices[alg].simd_short,
		   (c ?: &dflt)->simd_short);
	smbsign_impl_choices[alg].long_over = (c ?: &dflt)->long_over;
	smbsign_impl_choices[alg].t = (c ?: &dflt)->t;
	smbsign_impl_choices[alg].measured = (c ?: &dflt)->measured;
	mutex_unlock(&smbsign_impl_lock);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_impl_choice_set);

#define SMBSIGN_IMPL_ROUNDS	7

static const unsigned int smbsign_impl_reps[SMBSIGN_IMPL_SIZES] = {
	16, 8, 4, 2,
};

static const u8 smbsign_impl_nonce[SMBSIGN_GMAC_NONCE_SIZE] = { 0x6e };

/*
 * The clock: get_cycles() (x86: the TSC, at a constant rate) where there
 * is one, else ktime. Not ktime everywhere: a guest whose TSC was marked
 * unstable (QEMU TCG with two CPUs) keeps time in jiffies, far too coarse
 * for a batch of a few microseconds.
 */
static u64 smbsign_impl_now(void)
{
	cycles_t c = get_cycles();

	return c ? c : ktime_get_ns();
}

/*
 * Cycles for one batch of @reps MACs of @len bytes (@mac: the last MAC),
 * on one CPU: TSCs of different CPUs may disagree.
 */
static int smbsign_impl_batch(struct smbsign_key *key, const u8 *buf,
			      size_t len, unsigned int reps, u64 *cyc, u8 *mac)
{
	unsigned int i;
	int ret = 0;
	u64 t0;

	migrate_disable();
	t0 = smbsign_impl_now();
	for (i = 0; !ret && i < reps; i++)
		ret = smbsign_key_mac_raw(key, buf, len, smbsign_impl_nonce,
					  mac);
	*cyc = smbsign_impl_now() - t0;
	migrate_enable();
	return ret;
}

/* a key of @alg: smbsign's code (@simd) or the crypto API's */
static struct smbsign_key *smbsign_impl_key(u16 alg, bool simd)
{
	static const u8 k[SMBSIGN_KEY_SIZE] = { 0x73, 0x6d, 0x62, 0x73 };
	struct smbsign_key *key;
	bool was = smbsign_simd_set(simd);

	key = smbsign_key_alloc_raw(alg, k, sizeof(k));
	smbsign_simd_set(was);
	if (!IS_ERR(key) && smbsign_key_simd(key) != simd) {
		smbsign_key_put(key);
		key = ERR_PTR(-EOPNOTSUPP);
	}
	return key;
}

/*
 * Time both kinds of key of @alg, rounds interleaved after one untimed
 * round each (clock ramp-up, cold caches), the least round of each kept.
 * Both kinds must give the same MAC of every message: -ENOTRECOVERABLE if
 * not (the self-test checked each alone on shorter messages).
 */
static int smbsign_impl_measure(u16 alg, const u8 *buf,
				struct smbsign_impl_times *t)
{
	u8 mac[2][SMBSIGN_SIG_SIZE];
	struct smbsign_key *key[2];
	int c, r, j, ret = 0;
	u64 cyc;

	key[0] = smbsign_impl_key(alg, true);
	if (IS_ERR(key[0]))
		return PTR_ERR(key[0]);
	key[1] = smbsign_impl_key(alg, false);
	if (IS_ERR(key[1])) {
		smbsign_key_put(key[0]);
		return PTR_ERR(key[1]);
	}
	for (c = 0; !ret && c < SMBSIGN_IMPL_SIZES; c++) {
		t->simd_cyc[c] = U64_MAX;
		t->api_cyc[c] = U64_MAX;
		for (r = 0; !ret && r <= SMBSIGN_IMPL_ROUNDS; r++) {
			for (j = 0; !ret && j < 2; j++) {
				u64 *best = j ? &t->api_cyc[c] : &t->simd_cyc[c];

				ret = smbsign_impl_batch(key[j], buf,
							 smbsign_impl_sizes[c],
							 smbsign_impl_reps[c],
							 &cyc, mac[j]);
				/* round 0 warms up */
				if (!ret && r)
					*best = min(*best, cyc);
			}
			if (!ret && crypto_memneq(mac[0], mac[1], sizeof(mac[0]))) {
				pr_err("impl=auto: %s: smbsign's code and the crypto API disagree on a %u-byte message\n",
				       smbsign_alg_name(alg),
				       smbsign_impl_sizes[c]);
				ret = -ENOTRECOVERABLE;
			}
			cond_resched();
		}
		/* per MAC; never 0, which means "not measured" */
		t->simd_cyc[c] = div_u64(t->simd_cyc[c], smbsign_impl_reps[c]);
		t->api_cyc[c] = div_u64(t->api_cyc[c], smbsign_impl_reps[c]);
		t->simd_cyc[c] = max_t(u64, t->simd_cyc[c], 1);
		t->api_cyc[c] = max_t(u64, t->api_cyc[c], 1);
	}
	smbsign_key_put(key[0]);
	smbsign_key_put(key[1]);
	return ret;
}

/*
 * "NAME: WHAT" for @c, with @times the cycles it was chosen by: the
 * kernel log's line and impl_choice's, one text.
 */
static int smbsign_impl_describe(char *buf, size_t size, u16 alg,
				 const struct smbsign_impl_choice *c,
				 bool times)
{
	int i, len;

	len = scnprintf(buf, size, "%s: %s", smbsign_alg_name(alg),
			!c->simd_short ? "crypto API" : "smbsign");
	if (c->simd_short && c->long_over)
		len += scnprintf(buf + len, size - len,
				 ", messages over %u B crypto API",
				 c->long_over);
	if (!times)
		return len;
	len += scnprintf(buf + len, size - len,
			 " (%u B: smbsign %llu cycles, crypto API %llu",
			 smbsign_impl_sizes[0], c->t.simd_cyc[0],
			 c->t.api_cyc[0]);
	for (i = 1; i < SMBSIGN_IMPL_SIZES; i++)
		len += scnprintf(buf + len, size - len, "; %u B: %llu, %llu",
				 smbsign_impl_sizes[i], c->t.simd_cyc[i],
				 c->t.api_cyc[i]);
	len += scnprintf(buf + len, size - len, ")");
	return len;
}

static void smbsign_impl_log(u16 alg, const struct smbsign_impl_choice *c)
{
	char line[256];

	smbsign_impl_describe(line, sizeof(line), alg, c, true);
	pr_info("impl=auto: %s\n", line);
}

/**
 * smbsign_impl_init() - measure and choose (impl=auto), at module load
 *
 * Called after the self-test, which checked both implementations on its
 * vectors. For each algorithm smbsign's code can sign, times a key of each
 * kind on messages of 256 B, 1 KiB, 4 KiB and 16 KiB (per MAC, the least of
 * 7 rounds of 16, 8, 4 and 2 messages) and applies smbsign_impl_pick(); the
 * two kinds must agree on every message's MAC. Nothing to do with impl=simd or
 * impl=cryptoapi, or where smbsign's code cannot run (no such CPU, FIPS
 * mode, simd=0 at load: then nothing is measured, and turning simd on
 * later gives smbsign's code every message).
 *
 * Return: 0, also when a measurement could not run (-ENOMEM: that
 * algorithm stays with smbsign's code, with a warning); -ENOTRECOVERABLE
 * when the two implementations disagree on a MAC (the load fails, as a
 * failed self-test does).
 */
int smbsign_impl_init(void)
{
	static const u16 algs[] = { SMBSIGN_ALG_AES_CMAC, SMBSIGN_ALG_AES_GMAC };
	struct smbsign_impl_choice c;
	struct smbsign_impl_times t;
	int i, ret = 0;
	u8 *buf;

	if (smbsign_impl_mode != SMBSIGN_IMPL_AUTO ||
	    (!smbsign_simd_usable(algs[0]) && !smbsign_simd_usable(algs[1])))
		return 0;
	buf = kmalloc(SZ_16K, GFP_KERNEL);
	if (!buf) {
		pr_warn("impl=auto: cannot measure: out of memory; smbsign's code signs\n");
		return 0;
	}
	for (i = 0; i < SZ_16K; i++)
		buf[i] = i * 7;
	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		bool mix = false;

		if (!smbsign_simd_usable(algs[i]))
			continue;
		memset(&t, 0, sizeof(t));
		ret = smbsign_impl_measure(algs[i], buf, &t);
		if (ret == -ENOTRECOVERABLE)
			break;
		if (ret) {
			pr_warn("impl=auto: %s: cannot measure (%d); smbsign's code signs\n",
				smbsign_alg_name(algs[i]), ret);
			ret = 0;
			continue;
		}
#ifdef SMBSIGN_HAVE_GCM_SCATTERED_AAD
		/* a GMAC key of smbsign's can hand long messages to gcm(aes) */
		mix = algs[i] == SMBSIGN_ALG_AES_GMAC;
#endif
		smbsign_impl_pick(mix, &t, &c);
		smbsign_impl_choice_set(algs[i], &c, NULL);
		smbsign_impl_log(algs[i], &c);
	}
	kfree(buf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_impl_init);

/*
 * impl_choice (read-only): one line per algorithm, "NAME: WHAT" and the
 * times behind it, for smbsignctl show.
 */
static int smbsign_impl_choice_get(char *buf, const struct kernel_param *kp)
{
	int len = 0;
	u16 alg;

	for (alg = 0; alg < SMBSIGN_ALG_COUNT; alg++) {
		struct smbsign_impl_choice c;
		bool usable = smbsign_simd_usable(alg);

		mutex_lock(&smbsign_impl_lock);
		c = smbsign_impl_choices[alg];
		mutex_unlock(&smbsign_impl_lock);
		/* what signs: the crypto API where smbsign's code cannot */
		if (!usable || smbsign_impl_mode == SMBSIGN_IMPL_SIMD) {
			c.simd_short = usable;
			c.long_over = 0;
		}
		len += smbsign_impl_describe(buf + len, PAGE_SIZE - len, alg, &c,
					     c.measured &&
					     smbsign_impl_mode == SMBSIGN_IMPL_AUTO);
		len += sysfs_emit_at(buf, len, "\n");
	}
	return len;
}

static int smbsign_impl_choice_set_param(const char *val,
					 const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops smbsign_impl_choice_ops = {
	.set = smbsign_impl_choice_set_param,
	.get = smbsign_impl_choice_get,
};
module_param_cb(impl_choice, &smbsign_impl_choice_ops, NULL, 0444);
__MODULE_PARM_TYPE(impl_choice, "string");
MODULE_PARM_DESC(impl_choice,
		 "Read-only: which code signs each algorithm, and with impl=auto the cycles (get_cycles(): the TSC on x86) per MAC it was chosen by");

const struct smbsign_alg_desc smbsign_algs[SMBSIGN_ALG_COUNT] = {
	[SMBSIGN_ALG_HMAC_SHA256] = {
		.name	= "HMAC-SHA256",
		.init	= smbsign_hmac_init,
		.exit	= smbsign_hmac_exit,
		.mac	= smbsign_hmac_mac,
	},
	[SMBSIGN_ALG_AES_CMAC] = {
		.name	= "AES-128-CMAC",
		.init	= smbsign_cmac_init,
		.exit	= smbsign_cmac_exit,
		.mac	= smbsign_cmac_mac,
	},
	[SMBSIGN_ALG_AES_GMAC] = {
		.name	= "AES-128-GMAC",
		.init	= smbsign_gmac_init,
		.exit	= smbsign_gmac_exit,
		.mac	= smbsign_gmac_mac,
	},
};

void smbsign_alg_exit(void)
{
	smbsign_gmac_mod_exit();
	smbsign_cmac_mod_exit();
	smbsign_drv_names_free();
}

int smbsign_alg_init(void)
{
	int ret;

	smbsign_msg_init();
	smbsign_simd_detect();
	ret = smbsign_cmac_mod_init();
	if (ret)
		return ret;
	ret = smbsign_gmac_mod_init();
	if (ret)
		smbsign_cmac_mod_exit();
	return ret;
}
