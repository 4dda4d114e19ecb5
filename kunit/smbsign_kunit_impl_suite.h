/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsign KUnit: one suite of SMBSIGN_KUNIT_SUITE for the implementation
 * SMBSIGN_KUNIT_IMPL; included by smbsign_kunit_impl.h only.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define SMBSIGN_KUNIT_ID(what)						\
	SMBSIGN_KUNIT_CAT(SMBSIGN_KUNIT_CAT(SMBSIGN_KUNIT_SUITE,	\
			  SMBSIGN_KUNIT_CAT(_, SMBSIGN_KUNIT_IMPL)), what)

SMBSIGN_KUNIT_CASES(SMBSIGN_KUNIT_ID(_cases));

static bool SMBSIGN_KUNIT_ID(_saved);

static int SMBSIGN_KUNIT_ID(_init)(struct kunit_suite *suite)
{
	return smbsign_kunit_impl_enter(&SMBSIGN_KUNIT_ID(_saved),
					SMBSIGN_KUNIT_IMPL_SIMD,
					SMBSIGN_KUNIT_INIT, suite);
}

static void SMBSIGN_KUNIT_ID(_exit)(struct kunit_suite *suite)
{
	smbsign_kunit_impl_leave(SMBSIGN_KUNIT_ID(_saved), SMBSIGN_KUNIT_EXIT,
				 suite);
}

static struct kunit_suite SMBSIGN_KUNIT_ID(_suite) = {
	.name = __stringify(SMBSIGN_KUNIT_SUITE) SMBSIGN_KUNIT_IMPL_SUFFIX,
	.suite_init = SMBSIGN_KUNIT_ID(_init),
	.suite_exit = SMBSIGN_KUNIT_ID(_exit),
	.test_cases = SMBSIGN_KUNIT_ID(_cases),
};

kunit_test_suite(SMBSIGN_KUNIT_ID(_suite));

#undef SMBSIGN_KUNIT_ID
#undef SMBSIGN_KUNIT_IMPL
#undef SMBSIGN_KUNIT_IMPL_SUFFIX
#undef SMBSIGN_KUNIT_IMPL_SIMD
