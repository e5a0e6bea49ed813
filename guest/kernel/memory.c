// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - the physical memory map and a free-list page allocator.
 *
 * The map comes from the MBMAP hypercall (entry.S made it before anything
 * else); CMOS is always read as well and compared.  Free pages are kept on
 * a list threaded through a struct page array placed right after the
 * kernel image, so the free pages themselves are never touched until they
 * are handed out (under a hypervisor, touching a page can cost an exit).
 */
#include <hypercall.h>

#include "layout.h"
#include "memory.h"
#include "printf.h"
#include "string.h"

#define KIB		1024
#define HIGH_MEM	GUEST_HIGH_MEM_START
/* Page 0, the MBMAP info (0x6000) and the boot sector (0x7000) stay put. */
#define LOW_RESERVED_END 0x8000

struct page {
	struct page *next_free;
};

static struct memory_info info;
static struct page *pages;	/* one per frame below npages */
static size_t npages;
static struct page *free_list;
static size_t nfree;

static uint64_t round_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

static uint64_t page_to_phys(const struct page *pg)
{
	return (uint64_t)(pg - pages) * PAGE_SIZE;
}

static void add_region(uint64_t base, uint64_t length, uint32_t type)
{
	if (info.nregions == MAX_MEM_REGIONS) {
		info.nregions_ignored++;
		return;
	}
	info.regions[info.nregions++] = (struct mem_region){ base, length, type };
}

/* Copies the MBMAP map, so that its pages need not stay reserved for us. */
static bool read_mbmap(uint64_t mbinfo_phys)
{
	const struct multiboot_info *mbi;
	uint32_t off;

	/* RBX stays 0 if the hypervisor did not answer MBMAP. */
	if (!mbinfo_phys || mbinfo_phys >= DIRECT_MAP_SIZE)
		return false;
	mbi = phys_to_virt(mbinfo_phys);
	if (!(mbi->flags & MB_INFO_FLAG_MMAP) || !mbi->mmap_length)
		return false;

	/* Entries are MBMAP_ENTRY_SIZE apart whatever their `size` says. */
	for (off = 0; off + MBMAP_ENTRY_SIZE <= mbi->mmap_length; off += MBMAP_ENTRY_SIZE) {
		const struct mbmap_entry *e = phys_to_virt((uint64_t)mbi->mmap_addr + off);

		add_region((uint64_t)e->base_hi << 32 | e->base_lo,
			   (uint64_t)e->len_hi << 32 | e->len_lo, e->type);
	}
	return true;
}

/* Without a map, believe CMOS: low memory, the hole, extended memory. */
static void map_from_cmos(void)
{
	add_region(0, (uint64_t)info.cmos.base_kib * KIB, MMAP_TYPE_USABLE);
	add_region((uint64_t)info.cmos.base_kib * KIB, HIGH_MEM - info.cmos.base_kib * KIB,
		   MMAP_TYPE_RESERVED);
	add_region(HIGH_MEM, (uint64_t)info.cmos.extended_kib * KIB, MMAP_TYPE_USABLE);
}

static void report_sizes(void)
{
	uint64_t base = 0, extended = 0, top = 0;
	size_t i;

	for (i = 0; i < info.nregions; i++) {
		const struct mem_region *r = &info.regions[i];

		if (r->type != MMAP_TYPE_USABLE)
			continue;
		if (r->base < HIGH_MEM)
			base += r->length;
		else
			extended += r->length;
		if (r->base + r->length > top)
			top = r->base + r->length;
	}

	kprintf("memory: %llu KiB, base = %llu KiB, extended = %llu KiB",
		(unsigned long long)top / KIB, (unsigned long long)base / KIB,
		(unsigned long long)extended / KIB);
	if (!info.from_mbmap)
		kprintf(" (no MBMAP memory map: from CMOS)\n");
	else if (base / KIB == info.cmos.base_kib && extended / KIB == info.cmos.extended_kib)
		kprintf(" (CMOS agrees)\n");
	else
		kprintf(" (CMOS disagrees: base = %u KiB, extended = %u KiB)\n",
			info.cmos.base_kib, info.cmos.extended_kib);
}

/* Frames the allocator may hand out: usable, and not ours already. */
static bool frame_is_free(uint64_t pa, uint64_t reserved_end)
{
	if (pa < LOW_RESERVED_END)
		return false;
	return pa < BOOT_PHYS || pa >= reserved_end;
}

static void init_allocator(void)
{
	uint64_t top = 0, reserved_end;
	size_t i;

	for (i = 0; i < info.nregions; i++) {
		const struct mem_region *r = &info.regions[i];

		if (r->type == MMAP_TYPE_USABLE && r->base + r->length > top)
			top = r->base + r->length;
	}
	/* Only the boot page tables' 1 GiB is mapped. */
	if (top > DIRECT_MAP_SIZE)
		top = DIRECT_MAP_SIZE;
	npages = top / PAGE_SIZE;

	/* The page array follows the image; both stay allocated for good. */
	pages = phys_to_virt((uintptr_t)kernel_phys_end);
	reserved_end = round_up(virt_to_phys(pages + npages), PAGE_SIZE);
	if (reserved_end > top) {
		kprintf("memory: no room for %zu page descriptors\n", npages);
		npages = 0;
		return;
	}
	memset(pages, 0, npages * sizeof(*pages));

	for (i = 0; i < info.nregions; i++) {
		const struct mem_region *r = &info.regions[i];
		uint64_t pa = round_up(r->base, PAGE_SIZE);
		uint64_t end = r->base + r->length;

		if (r->type != MMAP_TYPE_USABLE)
			continue;
		for (; pa + PAGE_SIZE <= end && pa < top; pa += PAGE_SIZE)
			if (frame_is_free(pa, reserved_end))
				page_free(pa);
	}
}

void memory_init(uint64_t mbinfo_phys)
{
	info.mbinfo_phys = mbinfo_phys;
	cmos_read_memory(&info.cmos);
	info.from_mbmap = read_mbmap(mbinfo_phys);
	if (!info.from_mbmap)
		map_from_cmos();
	report_sizes();

	init_allocator();
	kprintf("pages: %zu free (%zu KiB)\n", nfree, nfree * (PAGE_SIZE / KIB));
}

const struct memory_info *memory_info(void)
{
	return &info;
}

uint64_t page_alloc(void)
{
	struct page *pg = free_list;

	if (!pg)
		return 0;
	free_list = pg->next_free;
	pg->next_free = NULL;
	nfree--;
	memset(phys_to_virt(page_to_phys(pg)), 0, PAGE_SIZE);
	return page_to_phys(pg);
}

void page_free(uint64_t pa)
{
	struct page *pg;

	if (pa / PAGE_SIZE >= npages || pa % PAGE_SIZE)
		return;
	pg = &pages[pa / PAGE_SIZE];
	pg->next_free = free_list;
	free_list = pg;
	nfree++;
}

size_t pages_free(void)
{
	return nfree;
}

size_t pages_total(void)
{
	return npages;
}
