// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - VMs: the VM file descriptor, guest memory slots, teardown.
 *
 * A VM lives as long as any descriptor refers to it: its own fd and the
 * fd of each of its vCPUs hold a reference, and the last one to close
 * tears everything down (vCPUs, EPT, pinned pages).  Guest RAM is the
 * memory of the process that created the VM, as with KVM, so ioctls from
 * any other address space are refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "jvmm.h"
#include "stats.h"

/* KVM limits a slot to 2^31 - 1 pages; so do we. */
#define JVMM_MAX_SLOT_PAGES	((1ULL << 31) - 1)

static atomic_t next_vm_id = ATOMIC_INIT(0);

/*
 * The slot that backs @gfn, or NULL.  With vm->lock held, or in a VMX
 * section (interrupts off): slots are unpublished, then every CPU is
 * kicked out of its section, before they change or go (ept.c).
 */
struct jvmm_slot *jvmm_vm_find_slot(struct jvmm_vm *vm, u64 gfn)
{
	struct jvmm_slot *slot;
	int i;

	for (i = 0; i < JVMM_MAX_SLOTS; i++) {
		slot = READ_ONCE(vm->slots[i]);
		if (slot && gfn >= slot->base_gfn &&
		    gfn < slot->base_gfn + slot->npages)
			return slot;
	}
	return NULL;
}

/*
 * Copy guest-physical memory through the slot's user mapping, from the
 * VM's own process; @len may not cross a page.
 */
int jvmm_read_guest(struct jvmm_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	struct jvmm_slot *slot;
	unsigned long hva;

	if ((gpa & ~PAGE_MASK) + len > PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&vm->lock);
	slot = jvmm_vm_find_slot(vm, gpa >> PAGE_SHIFT);
	hva = slot ? slot->hva + (gpa - (slot->base_gfn << PAGE_SHIFT)) : 0;
	mutex_unlock(&vm->lock);
	if (!slot)
		return -ENOENT;
	return copy_from_user(buf, (void __user *)hva, len) ? -EFAULT : 0;
}

/*
 * The same from a VMX section, where nothing may sleep: only pages the
 * guest has touched (pinned, ept.c) can be read; -EAGAIN for others, so
 * that the caller can have the page pinned and retry.  Guest page tables
 * and code always qualify: the CPU walked and fetched them before the
 * exit.  @len may not cross a page.
 */
int jvmm_read_guest_atomic(struct jvmm_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	u64 gfn = gpa >> PAGE_SHIFT;
	struct jvmm_slot *slot;
	struct page *page;
	void *va;

	lockdep_assert_irqs_disabled();
	if ((gpa & ~PAGE_MASK) + len > PAGE_SIZE)
		return -EINVAL;
	slot = jvmm_vm_find_slot(vm, gfn);
	if (!slot)
		return -ENOENT;
	page = xa_load(&slot->pages, gfn - slot->base_gfn);
	if (!page)
		return -EAGAIN;
	va = kmap_local_page(page);
	memcpy(buf, va + (gpa & ~PAGE_MASK), len);
	kunmap_local(va);
	return 0;
}

static void free_slot(struct jvmm_vm *vm, struct jvmm_slot *slot)
{
	jvmm_ept_unmap_slot(vm, slot);
	kfree(slot);
}

static bool overlaps_other_slot(struct jvmm_vm *vm, u32 id, u64 gfn, u64 npages)
{
	struct jvmm_slot *s;
	int i;

	for (i = 0; i < JVMM_MAX_SLOTS; i++) {
		s = vm->slots[i];
		if (s && s->id != id && gfn < s->base_gfn + s->npages &&
		    s->base_gfn < gfn + npages)
			return true;
	}
	return false;
}

static int bad_region(const struct kvm_userspace_memory_region *mem, const char *why)
{
	pr_warn_ratelimited("KVM_SET_USER_MEMORY_REGION: slot %u, gpa 0x%llx, size 0x%llx: %s\n",
			    mem->slot, mem->guest_phys_addr, mem->memory_size, why);
	return -EINVAL;
}

/*
 * KVM_SET_USER_MEMORY_REGION, with KVM's answers: misaligned or
 * out-of-range arguments get EINVAL, an overlap with another slot EEXIST.
 * An existing slot may be moved (new guest_phys_addr) or deleted (size 0),
 * but not resized or pointed at other memory.
 */
static int set_memory_region(struct jvmm_vm *vm,
			     const struct kvm_userspace_memory_region *mem)
{
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	u64 gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	struct jvmm_slot *slot;
	u32 id = mem->slot;

	if (mem->flags) {
		pr_warn_ratelimited("KVM_SET_USER_MEMORY_REGION: flags 0x%x unsupported (no dirty logging or read-only slots)\n",
				    mem->flags);
		return -EINVAL;
	}
	if (id >= JVMM_MAX_SLOTS)	/* also refuses address-space ids in bits 31:16 */
		return bad_region(mem, "no such slot");
	if ((mem->memory_size | mem->guest_phys_addr | mem->userspace_addr) &
	    ~PAGE_MASK)
		return bad_region(mem, "not page-aligned");
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr ||
	    mem->guest_phys_addr + mem->memory_size > (1ULL << JVMM_GPA_BITS))
		return bad_region(mem, "beyond the 48-bit guest-physical space");
	if (npages > JVMM_MAX_SLOT_PAGES)
		return bad_region(mem, "more than 2^31 - 1 pages");
	if (!access_ok((void __user *)(unsigned long)mem->userspace_addr,
		       mem->memory_size))
		return bad_region(mem, "not user memory");

	slot = vm->slots[id];
	if (!npages) {
		if (!slot)
			return -EINVAL;
		WRITE_ONCE(vm->slots[id], NULL);
		free_slot(vm, slot);
		return 0;
	}
	if (overlaps_other_slot(vm, id, gfn, npages))
		return -EEXIST;

	if (slot) {
		if (slot->hva != mem->userspace_addr || slot->npages != npages)
			return -EINVAL;
		if (slot->base_gfn != gfn) {
			/*
			 * A move: unpublished while unmapping drops the old
			 * translations and pins, so that no VMX section reads
			 * a page of it in between.
			 */
			WRITE_ONCE(vm->slots[id], NULL);
			jvmm_ept_unmap_slot(vm, slot);
			slot->base_gfn = gfn;
			/* Readers see the new base_gfn once they see the slot. */
			smp_store_release(&vm->slots[id], slot);
		}
		return 0;
	}

	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return -ENOMEM;
	xa_init(&slot->pages);
	slot->id = id;
	slot->base_gfn = gfn;
	slot->npages = npages;
	slot->hva = mem->userspace_addr;
	/* Readers in VMX sections see a filled-in slot once they see it. */
	smp_store_release(&vm->slots[id], slot);
	return 0;
}

static void vm_destroy(struct jvmm_vm *vm)
{
	unsigned int i;

	jvmm_stats_vm_remove(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		jvmm_vcpu_free(vm->vcpus[i]);
	for (i = 0; i < JVMM_MAX_SLOTS; i++)
		if (vm->slots[i])
			free_slot(vm, vm->slots[i]);
	jvmm_ept_destroy(vm);
	mmdrop(vm->mm);
	kfree(vm);
	jvmm_stats_object_freed(JVMM_OBJ_VM);
}

void jvmm_vm_put(struct jvmm_vm *vm)
{
	if (refcount_dec_and_test(&vm->refs))
		vm_destroy(vm);
}

static long jvmm_vm_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	struct jvmm_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_SET_USER_MEMORY_REGION: {
		struct kvm_userspace_memory_region mem;

		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = set_memory_region(vm, &mem);
		mutex_unlock(&vm->lock);
		return ret;
	}
	case KVM_CREATE_VCPU:
		return jvmm_vcpu_create(vm, arg);
	case KVM_SET_TSS_ADDR:
		/*
		 * KVM needs these three pages to emulate real mode on CPUs
		 * without unrestricted guest; jvmm requires unrestricted
		 * guest, so it only checks the address as KVM does.
		 */
		return arg > (unsigned int)(-3 * PAGE_SIZE) ? -EINVAL : 0;
	case KVM_SET_IDENTITY_MAP_ADDR: {
		u64 addr;

		if (copy_from_user(&addr, argp, sizeof(addr)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = vm->nr_vcpus ? -EEXIST : 0;	/* as KVM: before any vCPU */
		mutex_unlock(&vm->lock);
		return ret;
	}
	case KVM_CHECK_EXTENSION:
		return jvmm_check_extension(arg);
	default:
		return -ENOTTY;
	}
}

static int jvmm_vm_release(struct inode *inode, struct file *filp)
{
	jvmm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations jvmm_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= jvmm_vm_release,
	.unlocked_ioctl	= jvmm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* KVM_CREATE_VM: a new VM and the file descriptor that refers to it. */
int jvmm_vm_create(unsigned long type)
{
	struct jvmm_vm *vm;
	int ret;

	if (type) {
		pr_warn_ratelimited("KVM_CREATE_VM: machine type %lu unsupported (only 0)\n",
				    type);
		return -EINVAL;
	}
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	jvmm_stats_object_allocated(JVMM_OBJ_VM);
	refcount_set(&vm->refs, 1);
	mutex_init(&vm->lock);
	mmgrab(current->mm);
	vm->mm = current->mm;
	vm->id = atomic_inc_return(&next_vm_id);

	ret = jvmm_ept_init(vm);
	if (ret)
		goto err_put;
	jvmm_stats_vm_add(vm);

	ret = anon_inode_getfd("jvmm-vm", &jvmm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto err_put;
	return ret;

err_put:
	jvmm_vm_put(vm);
	return ret;
}
