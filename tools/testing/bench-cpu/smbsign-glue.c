// SPDX-License-Identifier: GPL-2.0
/*
 * bench-cpu: smbsign's x86 code as the module compiles it. The glue lives
 * in headers that cmac.c and gmac.c include (smbsign/x86/cmac.h,
 * x86/gmac.h, x86/simd.h); they are included here unchanged, with the stub
 * kernel headers of include/, and their static entry points given names
 * bench-cpu.c calls.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include "x86/cmac.h"
#include "x86/gmac.h"
#include "smbsign-glue.h"

/* impl.c's, in the module */
bool smbsign_simd_cpu;
int smbsign_simd_ghash_cpu;

int smbsign_simd_unusable(void)
{
	return -EOPNOTSUPP;
}

void smbsign_glue_init(void)
{
	smbsign_msg_init();
	smbsign_simd_detect();
}

int smbsign_glue_cmac_init(struct smbsign_key *key, const u8 *k)
{
	return smbsign_simd_cmac_init(key, k);
}

int smbsign_glue_cmac_mac(const struct smbsign_key *key,
			  const struct smbsign_msg *m, u8 *out)
{
	return smbsign_simd_cmac_mac(key, m, out);
}

int smbsign_glue_gmac_init(struct smbsign_key *key, const u8 *k)
{
	return smbsign_simd_gmac_init(key, k);
}

int smbsign_glue_gmac_mac(const struct smbsign_key *key,
			  const struct smbsign_msg *m, const u8 *nonce,
			  u8 *out)
{
	return smbsign_simd_gmac_mac(key, m, nonce, out);
}

const char *smbsign_glue_gmac_driver(const struct smbsign_key *key)
{
	return smbsign_simd_gmac_driver(key);
}
