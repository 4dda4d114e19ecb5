/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu stub: what smbsign/msg.c's scatterlist filler names. The
 * harness never builds a scatterlist (it times no crypto API request);
 * these only let msg.c compile unchanged.
 */
#include "../bench-kernel.h"
#ifndef _BENCH_SCATTERLIST_H
#define _BENCH_SCATTERLIST_H
struct page;
struct scatterlist {
	unsigned long page_link;
	unsigned int offset;
	unsigned int length;
};

#define sg_init_marker(sg, n)	((void)(sg), (void)(n))
#define sg_mark_end(sg)		((void)(sg))
#define sg_unmark_end(sg)	((void)(sg))

static inline void sg_set_page(struct scatterlist *sg, struct page *page,
			       unsigned int len, unsigned int offset)
{
	sg->page_link = (unsigned long)page;
	sg->offset = offset;
	sg->length = len;
}
#endif
