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
#include <linux/xarray.h>
#include <linux/preempt.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/cpumask.h>

#include "caps.h"
#include "spec.h"
#include "vmx_arch.h"
#include "xfeatures.h"

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
	/*
	 * Pages pinned on first guest access, by index in the slot.  An
	 * XArray: it grows with what the guest touched, not with the slot's
	 * size (up to 2^31 pages, as KVM allows).
	 */
	struct xarray pages;
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
	/*
	 * Written under @lock; read without it in VMX sections (interrupts
	 * off), which is safe because a slot is unpublished, then every CPU
	 * is kicked out of its section, before the slot or its pages go.
	 */
	struct jvmm_slot *slots[JVMM_MAX_SLOTS];
	struct jvmm_ept ept;
	/* CPUs that may cache stale translations of this EPT (ept.c). */
	cpumask_t ept_stale;
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

/*
 * What an exit handler returns (besides a negative errno): enter the
 * guest again in the same VMX section, return to userspace, or close the
 * section first and do what vcpu->slow says, where sleeping is allowed.
 */
enum jvmm_exit_action {
	JVMM_EXIT_USER = 0,
	JVMM_EXIT_RESUME = 1,
	JVMM_EXIT_SLOW = 2,
};

/* Work an exit leaves for outside the VMX section (run.c). */
enum jvmm_slow_work {
	JVMM_SLOW_NONE,		/* only let interrupts in, then go on */
	JVMM_SLOW_MAP,		/* pin and map slow_gpa, then retry the instruction */
};

/* The kvm_run page is followed by the port I/O data page (run->io.data_offset). */
#define PIO_DATA_OFFSET		PAGE_SIZE

/* The guest's x87/SSE/AVX state, jvmm's own (fpu.c). */
struct jvmm_guest_fpu {
	void *area;			/* XSAVE (or FXSAVE) image, one page */
	u64 xcr0;			/* what the guest wrote with XSETBV */
	u64 hw_xcr0;			/* XCR0 in the CPU while loaded */
	bool loaded;			/* in the CPU's registers right now */
};

/* Host state a VMX section saves at its start and restores at its end. */
struct jvmm_host_state {
	u16 ds, es, fs, gs;
	unsigned long fs_base, kernel_gs_base;
	u64 star, lstar, cstar, sfmask;
	u64 debugctl;
	unsigned long dr[4];		/* DR0-3, while the guest's are in the CPU */
	u32 tsc_aux;			/* this CPU's: read when the section's CPU changes */
	bool msrs_loaded;		/* the guest's KERNEL_GS_BASE is in the CPU */
	bool syscall_msrs_loaded;	/* and its SYSCALL MSRs */
	bool tsc_aux_loaded;		/* and its TSC_AUX */
};

#define JVMM_MTRR_VAR	8		/* variable-range pairs, as KVM has */
#define JVMM_MTRR_FIXED	11		/* 64K, 2 x 16K, 8 x 4K */
struct jvmm_mtrrs {
	u64 def_type;
	u64 var[2 * JVMM_MTRR_VAR];	/* PHYSBASE0, PHYSMASK0, ... */
	u64 fixed[JVMM_MTRR_FIXED];
};

/* A host event behind an exit, for the host's handler when the section ends. */
enum jvmm_forward {
	JVMM_FORWARD_NONE,
	JVMM_FORWARD_NMI,
	JVMM_FORWARD_MCE,
};

struct jvmm_vcpu {
	struct jvmm_vm *vm;
	unsigned int id;
	struct mutex mutex;		/* one ioctl at a time, as in KVM */
	struct kvm_run *run;		/* mmap page 0 */
	void *pio_data;			/* mmap page 1: port I/O data, as in KVM */
	struct jvmm_guest_regs regs;
	unsigned long cr2;

	/*
	 * The VMCS.  It is current on a CPU only inside a VMX section
	 * (vmcs.c), and cleared to memory at the end of every section.
	 */
	void *vmcs;
	int cpu;			/* CPU of the open section, or -1 */
	int last_cpu;			/* CPU of the last section, or -1 */
	bool vmcs_fresh;		/* never VMCLEARed: do that before VMPTRLD */
	bool launched;			/* VMLAUNCHed in this section */
	unsigned long vmcs_host_cr3, vmcs_host_cr4;	/* as last written */
	u16 vpid;
	struct jvmm_host_state host;

	/* What the guest believes CR0, CR4 and EFER hold. */
	unsigned long cr0;
	unsigned long cr4;
	u64 efer;

	/* MSRs the CPU does not switch: guest values, loaded only in a section. */
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 tsc_aux;

	struct jvmm_guest_fpu fpu;

	/* KVM_SET_CPUID2, or none: the host's leaves with VMX hidden. */
	struct kvm_cpuid_entry2 *cpuid;
	unsigned int nr_cpuid;

	/* The current exit, read once after it happens. */
	u32 exit_reason;
	unsigned long exit_qualification;
	u32 exit_instruction_length;
	enum jvmm_forward forward;	/* the exit was a host NMI or #MC */
	bool l1d_flush_pending;		/* host code ran since the last entry (spec.c) */
	bool ran_guest;			/* in this KVM_RUN */
	enum jvmm_slow_work slow;
	u64 slow_gpa;
	bool slow_write;

	enum jvmm_pending pending;
	unsigned int pending_reg;	/* MMIO read destination */
	unsigned int pending_size;
	bool pending_high_byte;		/* MMIO read into AH, CH, DH or BH */

	int irq;			/* KVM_INTERRUPT vector queued, or -1 */
	u64 apic_base;			/* IA32_APIC_BASE as userspace sees it */
	struct jvmm_mtrrs mtrrs;
	u64 misc_enable, feature_control, tsc_adjust;

	/* What the guest's CPUID offers it (jvmm_vcpu_cpuid_changed()). */
	u32 proc2, vmcs_proc2;		/* secondary controls: wanted, in the VMCS */
	unsigned long cr4_cpuid_bits;	/* CR4 bits its CPUID allows */
	bool guest_x2apic;
	unsigned long cr8;
	unsigned long dr[8];		/* DR0-3, DR6 (DR7 lives in the VMCS): debugreg.c */
	bool guest_dr0123_loaded;	/* its DR0-3 are in the CPU */
	bool guest_dr6_loaded;		/* its DR6 is in the CPU */
	bool stopped;			/* an internal error: the guest never runs again */
};

/* main.c */
extern bool jvmm_trace_exits;

/* vmxon.c: VMX operation, per CPU, only inside VMX sections */
int jvmm_vmxon_init(void);
void jvmm_vmxon_exit(void);
int jvmm_vmx_on(unsigned long *host_cr4);
void jvmm_vmx_off(void);

/* dev.c: /dev/jvmm and the system ioctls */
int jvmm_dev_register(umode_t mode);
void jvmm_dev_unregister(void);

/* vm.c: VMs, memory slots, the VM fd */
int jvmm_vm_create(unsigned long type);
void jvmm_vm_put(struct jvmm_vm *vm);
struct jvmm_slot *jvmm_vm_find_slot(struct jvmm_vm *vm, u64 gfn);
int jvmm_read_guest(struct jvmm_vm *vm, u64 gpa, void *buf, unsigned int len);
int jvmm_read_guest_atomic(struct jvmm_vm *vm, u64 gpa, void *buf, unsigned int len);
long jvmm_check_extension(long ext);

/* ept.c: the guest-physical address space */
int jvmm_ept_init(struct jvmm_vm *vm);
void jvmm_ept_destroy(struct jvmm_vm *vm);
int jvmm_ept_map_page(struct jvmm_vm *vm, u64 gpa, bool write);
void jvmm_ept_unmap_slot(struct jvmm_vm *vm, struct jvmm_slot *slot);
void jvmm_ept_flush_this_cpu(struct jvmm_vm *vm, int cpu);

/* fpu.c: the guest's FPU state (what it may hold: xfeatures.h) */
int jvmm_fpu_init(void);
int jvmm_fpu_alloc(struct jvmm_guest_fpu *fpu);
void jvmm_fpu_free(struct jvmm_guest_fpu *fpu);
void jvmm_fpu_load(struct jvmm_guest_fpu *fpu, bool osxsave);
void jvmm_fpu_put(struct jvmm_guest_fpu *fpu);
void jvmm_fpu_sync_xcr0(struct jvmm_guest_fpu *fpu, bool osxsave);

/* vcpu.c: vCPU objects and their file descriptor */
int jvmm_vcpu_create(struct jvmm_vm *vm, unsigned long id);
void jvmm_vcpu_free(struct jvmm_vcpu *vcpu);
unsigned long jvmm_vcpu_rsp(struct jvmm_vcpu *vcpu);
void jvmm_vcpu_skip_instruction(struct jvmm_vcpu *vcpu);
void jvmm_vcpu_inject_exception(struct jvmm_vcpu *vcpu, u8 vector, bool has_error, u32 error);
int jvmm_vcpu_internal_error(struct jvmm_vcpu *vcpu, u32 suberror, int ndata, ...);
unsigned int jvmm_vcpu_cpl(struct jvmm_vcpu *vcpu);

/* run.c: KVM_RUN, the world switch around entry.S */
int jvmm_vcpu_run(struct jvmm_vcpu *vcpu);

/* vcpu_regs.c: KVM_GET/SET_REGS, SREGS, MSRS, KVM_SET_CPUID2 */
long jvmm_vcpu_state_ioctl(struct jvmm_vcpu *vcpu, unsigned int ioctl, void __user *argp);

/* vmcs.c: VMX sections, VMCS life cycle and initial state */
void *jvmm_vmcs_alloc(void);
void jvmm_vmcs_free(void *vmcs);
int jvmm_vcpu_section_open(struct jvmm_vcpu *vcpu);
void jvmm_vcpu_section_close(struct jvmm_vcpu *vcpu);
void jvmm_vmcs_setup(struct jvmm_vcpu *vcpu);
void jvmm_vmcs_report_error(const char *what);

/* exits.c: the exit-handler table */
int jvmm_handle_exit(struct jvmm_vcpu *vcpu);

/* exit_cr.c: control registers, EFER and the IA-32e mode switch */
int jvmm_handle_cr_access(struct jvmm_vcpu *vcpu);
int jvmm_set_cr0(struct jvmm_vcpu *vcpu, unsigned long cr0);
int jvmm_set_cr4(struct jvmm_vcpu *vcpu, unsigned long cr4);
int jvmm_set_efer(struct jvmm_vcpu *vcpu, u64 efer);
bool jvmm_pdptrs_needed(struct jvmm_vcpu *vcpu);
void jvmm_write_pdptrs(const u64 *pdpte);

/* exit_mmio.c: accesses outside every memory slot */
int jvmm_handle_mmio(struct jvmm_vcpu *vcpu, u64 gpa);

/* vmcs.c: the TSC time a VMX section may run the guest */
u64 jvmm_slice_tsc(void);

/* exits.c: CPUID as the guest sees it */
void jvmm_guest_cpuid(struct jvmm_vcpu *vcpu, u32 function, u32 index,
		      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
void jvmm_vcpu_cpuid_changed(struct jvmm_vcpu *vcpu);

/* mtrr.c: the guest's MTRRs, kept as KVM keeps them */
bool jvmm_mtrr_msr(u32 index);
int jvmm_mtrr_get(struct jvmm_vcpu *vcpu, u32 index, u64 *value);
int jvmm_mtrr_set(struct jvmm_vcpu *vcpu, u32 index, u64 value);

/* debugreg.c: the guest's debug registers */
int jvmm_handle_dr_access(struct jvmm_vcpu *vcpu);
void jvmm_debugreg_section_open(struct jvmm_vcpu *vcpu);
void jvmm_debugreg_before_entry(struct jvmm_vcpu *vcpu);
void jvmm_debugreg_after_exit(struct jvmm_vcpu *vcpu);
void jvmm_debugreg_section_close(struct jvmm_vcpu *vcpu);

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
bool jvmm_msr_have_tsc_aux(void);

/* entry.S */
int jvmm_vmx_enter(struct jvmm_guest_regs *regs, unsigned long flags, u64 host_spec_ctrl);
void jvmm_vmx_exit(void);

#endif /* JVMM_H */
