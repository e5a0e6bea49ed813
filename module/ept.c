// SPDX-License-Identifier: GPL-2.0
/*
 * ept.c - the guest-physical address space as the CPU walks it.
 *
 * Each VM has a four-level EPT (SDM Vol. 3, "The Extended Page Table
 * Mechanism (EPT)").  Memory slots say which user pages back which guest
 * ranges; a page is pinned and mapped the first time the guest touches
 * it, on the EPT violation that touch causes.  So an EPT violation means
 * either "first touch of RAM" or "no slot here" (MMIO or a guest bug).
 *
 * Every pinned page is released when its slot is deleted or moved, or
 * when the VM goes away.  Any CPU that ran a vCPU of this VM may cache
 * its translations, but INVEPT only works in VMX operation, which a CPU
 * holds only inside a VMX section.  So a change marks the EPT stale on
 * every CPU and kicks every CPU out of its section (an IPI, which waits
 * until each CPU has taken it, i.e. has interrupts on again); each CPU
 * flushes when it next opens a section for this VM.  Only then are the
 * old pages unpinned.  A new VM starts stale everywhere: its root table
 * may be a page another EPT (ours, or kvm_intel's) used before.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/smp.h>

#include "jvmm.h"
#include "stats.h"
#include "vmx_ops.h"

/* EPT entries, SDM Vol. 3, "EPT Translation Mechanism". */
#define EPT_READ		BIT_ULL(0)
#define EPT_WRITE		BIT_ULL(1)
#define EPT_EXECUTE		BIT_ULL(2)
#define EPT_RWX			(EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMTYPE_SHIFT	3
#define EPT_IGNORE_PAT		BIT_ULL(6)
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)
#define EPT_LEVELS		4
#define EPT_INDEX_BITS		9
#define EPT_ENTRIES		512

/* EPTP, SDM Vol. 3, "Extended-Page-Table Pointer (EPTP)". */
#define EPTP_MEMTYPE_WB		VMX_MEMTYPE_WB
#define EPTP_WALK_LENGTH_SHIFT	3

/*
 * Guest RAM is ordinary write-back memory; "ignore PAT" keeps a guest's
 * PAT from making it uncached behind the host's back.
 */
#define EPT_LEAF_FLAGS	(EPT_RWX | (VMX_MEMTYPE_WB << EPT_MEMTYPE_SHIFT) | EPT_IGNORE_PAT)

static u64 *alloc_table(void)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return NULL;
	jvmm_stats_object_allocated(JVMM_OBJ_EPT_TABLE);
	return page_address(page);
}

static void free_table(u64 *table)
{
	free_page((unsigned long)table);
	jvmm_stats_object_freed(JVMM_OBJ_EPT_TABLE);
}

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + EPT_INDEX_BITS * (level - 1))) &
	       (EPT_ENTRIES - 1);
}

int jvmm_ept_init(struct jvmm_vm *vm)
{
	struct jvmm_ept *ept = &vm->ept;

	ept->pml4 = alloc_table();
	if (!ept->pml4)
		return -ENOMEM;
	ept->eptp = __pa(ept->pml4) | EPTP_MEMTYPE_WB |
		    ((EPT_LEVELS - 1) << EPTP_WALK_LENGTH_SHIFT);
	cpumask_setall(&vm->ept_stale);
	return 0;
}

/*
 * The leaf entry for @gpa, creating the tables on the way if @create.
 * NULL if a table is missing (and not created) or cannot be allocated.
 */
static u64 *walk(struct jvmm_ept *ept, u64 gpa, bool create)
{
	u64 *table = ept->pml4;
	u64 *entry;
	int level;

	for (level = EPT_LEVELS; level > 1; level--) {
		entry = &table[ept_index(gpa, level)];
		if (!(*entry & EPT_RWX)) {
			u64 *next;

			if (!create)
				return NULL;
			next = alloc_table();
			if (!next)
				return NULL;
			*entry = __pa(next) | EPT_RWX;
		}
		table = __va(*entry & EPT_ADDR_MASK);
	}
	return &table[ept_index(gpa, 1)];
}

/* In a VMX section on @cpu: drop what this CPU may cache of a changed EPT. */
void jvmm_ept_flush_this_cpu(struct jvmm_vm *vm, int cpu)
{
	if (!cpumask_test_cpu(cpu, &vm->ept_stale) ||
	    !cpumask_test_and_clear_cpu(cpu, &vm->ept_stale))
		return;
	if (jvmm_caps.invept_single)
		vmx_invept(VMX_INVEPT_SINGLE_CONTEXT, vm->ept.eptp);
	else
		vmx_invept(VMX_INVEPT_ALL_CONTEXT, 0);
}

/*
 * After translations were removed: no CPU may use them from here on.
 * Returns once every CPU has left the VMX section it was in.
 */
static void ept_invalidate(struct jvmm_vm *vm)
{
	cpumask_setall(&vm->ept_stale);
	/* The mask is set before any CPU can take the IPI below. */
	smp_mb();
	kick_all_cpus_sync();
}

/*
 * Back @gpa with its slot's page: pin it (faulting it in, writable) and
 * map it.  -ENOENT if no slot covers @gpa, -EFAULT if the user memory is
 * gone.  Called on EPT violations, with the VM's mm current.
 */
int jvmm_ept_map_page(struct jvmm_vm *vm, u64 gpa, bool write)
{
	u64 gfn = gpa >> PAGE_SHIFT;
	struct jvmm_slot *slot;
	struct page *page;
	u64 idx, *leaf;
	long pinned;
	int ret = 0;

	mutex_lock(&vm->lock);
	slot = jvmm_vm_find_slot(vm, gfn);
	if (!slot) {
		ret = -ENOENT;
		goto out;
	}
	idx = gfn - slot->base_gfn;
	page = xa_load(&slot->pages, idx);
	if (!page) {
		/* Long-term: migrated out of movable zones and CMA first (6.1's _unlocked() refuses it). */
		pinned = pin_user_pages_fast(slot->hva + (idx << PAGE_SHIFT), 1,
					     FOLL_WRITE | FOLL_LONGTERM, &page);
		if (pinned != 1) {
			ret = -EFAULT;
			goto out;
		}
		/* Published for lockless readers in VMX sections (vm.c). */
		ret = xa_err(xa_store(&slot->pages, idx, page, GFP_KERNEL_ACCOUNT));
		if (ret) {
			unpin_user_page(page);
			goto out;
		}
		jvmm_stats_object_allocated(JVMM_OBJ_PINNED_PAGE);
	}
	leaf = walk(&vm->ept, gpa, true);
	if (!leaf) {
		ret = -ENOMEM;
		goto out;
	}
	/* Another vCPU may have mapped it first; the translation is the same. */
	*leaf = page_to_phys(page) | EPT_LEAF_FLAGS;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * Drop every translation of @slot and unpin its pages.  vm->lock held,
 * and the slot is no longer in vm->slots, so no new reader finds it.
 */
void jvmm_ept_unmap_slot(struct jvmm_vm *vm, struct jvmm_slot *slot)
{
	struct page *page;
	unsigned long i;
	u64 *leaf;

	xa_for_each(&slot->pages, i, page) {
		leaf = walk(&vm->ept, (slot->base_gfn + i) << PAGE_SHIFT, false);
		if (leaf)
			*leaf = 0;
	}
	/*
	 * No CPU may reach a page through a stale translation once it is
	 * unpinned: first every CPU is out of its section, with its cached
	 * translations of this EPT marked for flushing (this also waits out
	 * readers of the slot in VMX sections), then the pages go.
	 */
	ept_invalidate(vm);
	xa_for_each(&slot->pages, i, page) {
		unpin_user_page(page);
		jvmm_stats_object_freed(JVMM_OBJ_PINNED_PAGE);
	}
	xa_destroy(&slot->pages);
}

static void free_tables(u64 *table, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < EPT_ENTRIES; i++)
			if (table[i] & EPT_RWX)
				free_tables(__va(table[i] & EPT_ADDR_MASK), level - 1);
	}
	free_table(table);
}

/*
 * Free the tables; every slot has been unmapped already and no vCPU can
 * run.  What CPUs still cache of this EPT is flushed by whoever uses the
 * root page next: a new VM of ours starts stale on every CPU.
 */
void jvmm_ept_destroy(struct jvmm_vm *vm)
{
	if (!vm->ept.pml4)
		return;
	free_tables(vm->ept.pml4, EPT_LEVELS);
	vm->ept.pml4 = NULL;
}
