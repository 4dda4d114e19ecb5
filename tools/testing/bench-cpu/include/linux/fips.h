/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: not in FIPS mode */
#include "../bench-kernel.h"
#define fips_enabled 0
