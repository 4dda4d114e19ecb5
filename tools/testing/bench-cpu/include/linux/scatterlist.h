/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: smbsign.h only names struct scatterlist */
#include "../bench-kernel.h"
struct scatterlist;
