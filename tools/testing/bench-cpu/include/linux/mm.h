/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-cpu stub: the memory-map helpers smbsign/msg.c names. Userspace
 * memory counts as linear-map memory; a "page" is its address. The zero
 * page is a static page of zeroes (msg.c's walker reads 16 bytes of it in
 * place of the signature field).
 */
#include "../bench-kernel.h"
#ifndef _BENCH_MM_H
#define _BENCH_MM_H
#include <limits.h>
#define PAGE_SIZE		4096UL
#define offset_in_page(p)	((unsigned long)(p) & (PAGE_SIZE - 1))
struct page;
static const u8 bench_zero_page[PAGE_SIZE] __aligned(PAGE_SIZE);
#define ZERO_PAGE(vaddr)	((void)(vaddr), (struct page *)bench_zero_page)
#define page_address(page)	((void *)(page))
#define virt_addr_valid(p)	((void)(p), true)
#define virt_to_page(p)		((struct page *)(p))
#define vmalloc_to_page(p)	((struct page *)(p))
#endif
