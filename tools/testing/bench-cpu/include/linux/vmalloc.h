/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: see linux/mm.h */
#include "mm.h"
