/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jvmm.h - the objects of jvmm.ko and what its files offer each other.
 *
 * A VM (struct jvmm_vm) owns guest memory slots and the EPT built from
 * them; a vCPU (struct jvmm_vcpu) owns a VMCS and the guest registers
 * VMX does not keep.  The prototypes below are grouped by the file that
 * defines them, so this header is also a map of the module.
 */
#ifndef JVMM_H
#define JVMM_H

#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "caps.h"
#include "vmx_arch.h"

#define JVMM_MAX_SLOTS		32
#define JVMM_MAX_VCPUS		8
#define JVMM_MAX_CPUID_ENTRIES	64
/* A 4-level EPT translates 48-bit guest-physical addresses. */
#define JVMM_GPA_BITS		48

/* General-purpose registers in x86 encoding order; RSP lives in the VMCS. */
enum jvmm_reg {
	JVMM_RAX, JVMM_RCX, JVMM_RDX, JVMM_RBX, JVMM_RSP, JVMM_RBP, JVMM_RSI,
	JVMM_RDI, JVMM_R8, JVMM_R9, JVMM_R10, JVMM_R11, JVMM_R12, JVMM_R13,
	JVMM_R14, JVMM_R15, JVMM_NR_GPRS
};

struct jvmm_guest_regs {
	unsigned long gpr[JVMM_NR_GPRS];
};

/* Guest memory backed by the user's memory at hva. */
struct jvmm_slot {
	u32 id;
	u64 base_gfn;
	u64 npages;
	unsigned long hva;
	struct page **pages;	/* pinned on first guest access, else NULL */
};

struct jvmm_ept {
	u64 *pml4;		/* the root table, one page */
	u64 eptp;
	unsigned long nr_tables;
};

/* Exit counts per VM, shown in debugfs. */
struct jvmm_stats {
	u64 exits[VMX_EXIT_REASON_MAX + 1];
	u64 exits_to_user;
	u64 hypercalls;
};

struct jvmm_vcpu;

struct jvmm_vm {
	refcount_t refs;		/* the VM fd and every vCPU fd */
	struct mm_struct *mm;		/* guest RAM lives in this address space */
	struct mutex lock;		/* slots, EPT, the vCPU table */
	struct jvmm_slot *slots[JVMM_MAX_SLOTS];
	struct jvmm_ept ept;
	struct jvmm_vcpu *vcpus[JVMM_MAX_VCPUS];
	unsigned int nr_vcpus;
	struct jvmm_stats stats;
	struct dentry *debugfs;
	unsigned int id;
};

/* What KVM_RUN must finish before the guest runs again. */
enum jvmm_pending {
	JVMM_PENDING_NONE,
	JVMM_PENDING_PIO_IN,		/* data in the kvm_run page goes to RAX */
	JVMM_PENDING_MMIO_READ,		/* data goes to a register */
	JVMM_PENDING_HYPERCALL,		/* run->hypercall.ret goes to RAX */
	JVMM_PENDING_SKIP,		/* nothing to write back (OUT, MMIO write) */
};

/* The kvm_run page is followed by the port I/O data page (run->io.data_offset). */
#define PIO_DATA_OFFSET		PAGE_SIZE

struct jvmm_vcpu {
	struct jvmm_vm *vm;
	unsigned int id;
	struct mutex mutex;		/* one ioctl at a time, as in KVM */
	struct kvm_run *run;		/* mmap page 0 */
	void *pio_data;			/* mmap page 1: port I/O data, as in KVM */
	struct jvmm_guest_regs regs;
	unsigned long cr2;

	/* The VMCS and where it is loaded; see vmcs.c. */
	void *vmcs;
	int cpu;			/* -1: not loaded on any CPU */
	struct list_head loaded_link;	/* on that CPU's list, see vmcs.c */
	bool launched;
	struct preempt_notifier preempt_notifier;
	u16 vpid;

	/* What the guest believes CR0, CR4 and EFER hold. */
	unsigned long cr0;
	unsigned long cr4;
	u64 efer;
	u64 xcr0, host_xcr0;

	/* MSRs the CPU does not switch: guest values, loaded only around entry. */
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 host_star, host_lstar, host_cstar, host_sfmask, host_kernel_gs_base;
	bool syscall_msrs_dirty;	/* the guest wrote one: swap around entry */
	u64 tsc_aux;

	struct fpu_guest fpu;

	/* KVM_SET_CPUID2, or none: the host's leaves with VMX hidden. */
	struct kvm_cpuid_entry2 *cpuid;
	unsigned int nr_cpuid;

	/* The current exit, read once after it happens. */
	u32 exit_reason;
	unsigned long exit_qualification;
	u32 exit_instruction_length;

	enum jvmm_pending pending;
	unsigned int pending_reg;	/* MMIO read destination */
	unsigned int pending_size;
	bool pending_high_byte;		/* MMIO read into AH, CH, DH or BH */

	int irq;			/* KVM_INTERRUPT vector queued, or -1 */
	u64 apic_base;			/* IA32_APIC_BASE as userspace sees it */
	unsigned long cr8;
	unsigned long dr[8];		/* DR0-3, DR6 (DR7 lives in the VMCS) */
	bool stopped;			/* an internal error: the guest never runs again */
};

/* main.c */
extern bool jvmm_trace_exits;

/* vmxon.c: VMX operation on every online CPU */
int jvmm_vmx_enable_all(void);
void jvmm_vmx_disable_all(void);

/* dev.c: /dev/jvmm and the system ioctls */
int jvmm_dev_register(umode_t mode);
void jvmm_dev_unregister(void);

/* vm.c: VMs, memory slots, the VM fd */
int jvmm_vm_create(unsigned long type);
void jvmm_vm_put(struct jvmm_vm *vm);
struct jvmm_slot *jvmm_vm_find_slot(struct jvmm_vm *vm, u64 gfn);
int jvmm_read_guest(struct jvmm_vm *vm, u64 gpa, void *buf, unsigned int len);
long jvmm_check_extension(long ext);

/* ept.c: the guest-physical address space */
int jvmm_ept_init(struct jvmm_ept *ept);
void jvmm_ept_destroy(struct jvmm_vm *vm);
int jvmm_ept_map_page(struct jvmm_vm *vm, u64 gpa, bool write);
void jvmm_ept_unmap_slot(struct jvmm_vm *vm, struct jvmm_slot *slot);
void jvmm_ept_flush(struct jvmm_vm *vm);

/* vcpu.c: vCPU objects, registers, the run loop */
int jvmm_vcpu_create(struct jvmm_vm *vm, unsigned long id);
void jvmm_vcpu_free(struct jvmm_vcpu *vcpu);
unsigned long jvmm_vcpu_rsp(struct jvmm_vcpu *vcpu);
void jvmm_vcpu_skip_instruction(struct jvmm_vcpu *vcpu);
void jvmm_vcpu_inject_exception(struct jvmm_vcpu *vcpu, u8 vector, bool has_error, u32 error);
int jvmm_vcpu_internal_error(struct jvmm_vcpu *vcpu, u32 suberror, int ndata, ...);
unsigned int jvmm_vcpu_cpl(struct jvmm_vcpu *vcpu);

/* vcpu_regs.c: KVM_GET/SET_REGS, SREGS, MSRS, KVM_SET_CPUID2 */
long jvmm_vcpu_state_ioctl(struct jvmm_vcpu *vcpu, unsigned int ioctl, void __user *argp);

/* vmcs.c: VMCS life cycle and initial state */
void jvmm_vmcs_init(void);
void jvmm_vmcs_clear_all_on_this_cpu(void);
void *jvmm_vmcs_alloc(void);
void jvmm_vmcs_free(void *vmcs);
void jvmm_vmcs_setup(struct jvmm_vcpu *vcpu);
void jvmm_vmcs_load(struct jvmm_vcpu *vcpu, int cpu);
void jvmm_vmcs_put(struct jvmm_vcpu *vcpu);
void jvmm_vmcs_clear(struct jvmm_vcpu *vcpu);
void jvmm_vmcs_update_host_state(void);
void jvmm_vmcs_report_error(const char *what);

/* exits.c: the exit-handler table */
int jvmm_handle_exit(struct jvmm_vcpu *vcpu);

/* exit_cr.c: control registers, EFER and the IA-32e mode switch */
int jvmm_handle_cr_access(struct jvmm_vcpu *vcpu);
int jvmm_set_cr0(struct jvmm_vcpu *vcpu, unsigned long cr0);
int jvmm_set_cr4(struct jvmm_vcpu *vcpu, unsigned long cr4);
int jvmm_set_efer(struct jvmm_vcpu *vcpu, u64 efer);
int jvmm_load_pdptrs(struct jvmm_vcpu *vcpu);

/* exit_mmio.c: accesses outside every memory slot */
int jvmm_handle_mmio(struct jvmm_vcpu *vcpu, u64 gpa);

/* exit_msr.c: the MSR bitmap and the MSRs we virtualize */
int jvmm_msr_bitmap_init(void);
void jvmm_msr_bitmap_free(void);
u64 jvmm_msr_bitmap_pa(void);
int jvmm_handle_rdmsr(struct jvmm_vcpu *vcpu);
int jvmm_handle_wrmsr(struct jvmm_vcpu *vcpu);
int jvmm_msr_get(struct jvmm_vcpu *vcpu, u32 index, u64 *value);
int jvmm_msr_set(struct jvmm_vcpu *vcpu, u32 index, u64 value, bool host);
void jvmm_msr_switch_to_guest(struct jvmm_vcpu *vcpu);
void jvmm_msr_switch_to_host(struct jvmm_vcpu *vcpu);

/* entry.S */
int jvmm_vmx_enter(struct jvmm_guest_regs *regs, bool launched);
void jvmm_vmx_exit(void);

#endif /* JVMM_H */
