/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu stub: userspace owns its vector state, so FPU sections cost
 * nothing here (in the kernel, kernel_fpu_begin()/end() cost a few hundred
 * cycles when the task's state must be saved; see README.md).
 */
#include "../../bench-kernel.h"
#define kernel_fpu_begin_mask(m)	do { } while (0)
#define kernel_fpu_begin()		do { } while (0)
#define kernel_fpu_end()		do { } while (0)
