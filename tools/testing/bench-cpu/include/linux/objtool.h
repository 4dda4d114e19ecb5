/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu stub: no objtool annotations in userspace */
#define STACK_FRAME_NON_STANDARD(func)
#define STACK_FRAME_NON_STANDARD_FP(func)
#define ANNOTATE_NOENDBR
#define ANNOTATE_RETPOLINE_SAFE
#define ANNOTATE_UNRET_SAFE
#define ANNOTATE_INTRA_FUNCTION_CALL
#define UNWIND_HINT_UNDEFINED
#define UNWIND_HINT_FUNC
#define UNWIND_HINT_END_OF_STACK
