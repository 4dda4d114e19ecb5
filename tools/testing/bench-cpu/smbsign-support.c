// SPDX-License-Identifier: GPL-2.0
/*
 * bench-cpu: what smbsign's x86 glue (the smbsign/x86/ headers) calls
 * outside itself and outside smbsign/msg.c, for the userspace build. The
 * glue, the CMAC subkeys and tweak (smbsign/cmac-subkeys.h) and the
 * message walker and copy (smbsign/msg.c) are compiled unchanged (see
 * Makefile).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include "smbsign.h"

/*
 * impl.c's answers with impl=simd: every message smbsign's code's (the
 * harness times that code; the module's impl=auto chooses at load).
 */
bool smbsign_impl_simd_key(u16 alg)
{
	return true;
}

bool smbsign_impl_long_to_api(u16 alg, u32 *over)
{
	return false;
}
