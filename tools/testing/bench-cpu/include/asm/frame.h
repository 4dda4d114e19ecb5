/* SPDX-License-Identifier: GPL-2.0 */
/* bench-cpu: no frame pointers in the assembly (as CONFIG_FRAME_POINTER=n). */
#define FRAME_BEGIN
#define FRAME_END
#define FRAME_OFFSET 0
