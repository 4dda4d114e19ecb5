/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub */
#define EXPORT_SYMBOL_IF_KUNIT(sym)
