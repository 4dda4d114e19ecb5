/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu: smbsign's x86 code, by smbsign-glue.c */
#ifndef BENCH_SMBSIGN_GLUE_H
#define BENCH_SMBSIGN_GLUE_H

#include "smbsign.h"

/* the GHASH smbsign's GMAC keys take on this CPU (enum smbsign_simd_ghash) */
extern int smbsign_simd_ghash_cpu;

void smbsign_glue_init(void);
int smbsign_glue_cmac_init(struct smbsign_key *key, const u8 *k);
int smbsign_glue_cmac_mac(const struct smbsign_key *key,
			  const struct smbsign_msg *m, u8 *out);
int smbsign_glue_gmac_init(struct smbsign_key *key, const u8 *k);
int smbsign_glue_gmac_mac(const struct smbsign_key *key,
			  const struct smbsign_msg *m, const u8 *nonce,
			  u8 *out);
const char *smbsign_glue_gmac_driver(const struct smbsign_key *key);

#endif
