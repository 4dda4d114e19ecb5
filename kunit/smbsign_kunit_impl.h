/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign KUnit: a suite once per implementation, from one case list.
 *
 * A key signs with smbsign's own SIMD code where the CPU has it (x86_64
 * with AES-NI, PCLMULQDQ and AVX, unless impl=auto measured the crypto API
 * faster) and with the kernel crypto API elsewhere (other CPUs, FIPS mode,
 * simd=0, impl=cryptoapi). Every MAC suite runs on each: a test file
 * defines
 *
 *   SMBSIGN_KUNIT_SUITE	the suite's name, an identifier
 *   SMBSIGN_KUNIT_CASES(arr)	a macro defining the case array @arr
 *   SMBSIGN_KUNIT_INIT		optional: its suite_init
 *   SMBSIGN_KUNIT_EXIT		optional: its suite_exit
 *
 * and includes this file, which makes and registers one suite per
 * implementation below (smbsign_kunit_impl_suite.h): "<name>" as the
 * module loaded, "<name>_cryptoapi" with every key through the crypto
 * API. A case added to the list runs on every implementation, and an
 * implementation added here runs every such suite: nothing is copied by
 * hand. KUnit runs a module's suites one after the other, so the setting
 * holds for exactly the suite's cases. (The kernel's lib/crypto tests
 * instantiate their templates the same way.)
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <kunit/test.h>
#include <linux/stringify.h>

#include "../smbsign/smbsign.h"

#ifndef SMBSIGN_KUNIT_IMPL_HELPERS
#define SMBSIGN_KUNIT_IMPL_HELPERS

#define SMBSIGN_KUNIT_CAT2(a, b)	a##b
#define SMBSIGN_KUNIT_CAT(a, b)		SMBSIGN_KUNIT_CAT2(a, b)

/*
 * Set the simd parameter for a suite (@simd off: no key may use smbsign's
 * SIMD code, checked), then run the suite's own init.
 */
static inline int smbsign_kunit_impl_enter(bool *saved, bool simd,
					   int (*init)(struct kunit_suite *),
					   struct kunit_suite *suite)
{
	int ret;

	*saved = smbsign_simd_set(simd);
	if (!simd && (smbsign_simd_usable(SMBSIGN_ALG_AES_CMAC) ||
		      smbsign_simd_usable(SMBSIGN_ALG_AES_GMAC))) {
		smbsign_simd_set(*saved);
		return -EINVAL;
	}
	ret = init ? init(suite) : 0;
	if (ret)
		smbsign_simd_set(*saved);
	return ret;
}

static inline void smbsign_kunit_impl_leave(bool saved,
					    void (*fini)(struct kunit_suite *),
					    struct kunit_suite *suite)
{
	if (fini)
		fini(suite);
	smbsign_simd_set(saved);
}
#endif

#ifndef SMBSIGN_KUNIT_INIT
#define SMBSIGN_KUNIT_INIT	NULL
#endif
#ifndef SMBSIGN_KUNIT_EXIT
#define SMBSIGN_KUNIT_EXIT	NULL
#endif

/* The implementations: name suffix, simd parameter. */
#define SMBSIGN_KUNIT_IMPL		simd
#define SMBSIGN_KUNIT_IMPL_SUFFIX	""
#define SMBSIGN_KUNIT_IMPL_SIMD		true
#include "smbsign_kunit_impl_suite.h"

#define SMBSIGN_KUNIT_IMPL		cryptoapi
#define SMBSIGN_KUNIT_IMPL_SUFFIX	"_cryptoapi"
#define SMBSIGN_KUNIT_IMPL_SIMD		false
#include "smbsign_kunit_impl_suite.h"

#undef SMBSIGN_KUNIT_SUITE
#undef SMBSIGN_KUNIT_CASES
#undef SMBSIGN_KUNIT_INIT
#undef SMBSIGN_KUNIT_EXIT
