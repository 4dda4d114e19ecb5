/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu: no kCFI in userspace; SYM_TYPED_FUNC_START is in linkage.h. */
#include <linux/linkage.h>
