/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: see bench-kernel.h */
#include "../bench-kernel.h"
