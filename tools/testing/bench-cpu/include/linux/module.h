/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: see bench-kernel.h */
#include "../bench-kernel.h"
#define module_param_named(name, var, type, perm)
#define MODULE_PARM_DESC(name, desc)
