// SPDX-License-Identifier: GPL-2.0
/*
 * caps.c - decide at load time whether this CPU's VMX is good enough for jvmm.
 *
 * The VMX capability MSRs say which controls a VMCS may set, what EPT can
 * do, and which CR0/CR4 bits VMX operation needs.  We read them once, on
 * the CPU that loads us, turn them into the controls every VMCS will start
 * from, and refuse to load with one line naming the first missing piece.
 * CPUs that come online later are checked against the same values: the
 * SDM asks software to treat differing capabilities as unsupported.
 *
 * The decision itself (jvmm_caps_evaluate()) reads no hardware, so the
 * unit tests drive it with the MSR values measured on real and emulated
 * CPUs and with each requirement taken away in turn.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/stddef.h>
#include <asm/msr.h>

#include "caps.h"
#include "compat.h"
#include "vmx_arch.h"

struct jvmm_caps jvmm_caps;

/* One VMX control we ask for, and whether jvmm cannot work without it. */
struct vmx_control {
	u32 bit;
	bool required;
	const char *name;
};

#define REQUIRED(bit, name)	{ bit, true, name }
#define OPTIONAL(bit, name)	{ bit, false, name }

/*
 * External interrupts and NMIs must reach the host: a guest must never be
 * able to keep a CPU from its timer or from the NMI watchdog.
 */
static const struct vmx_control pin_controls[] = {
	REQUIRED(VMX_PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting"),
	REQUIRED(VMX_PIN_NMI_EXITING, "NMI exiting"),
	OPTIONAL(VMX_PIN_VIRTUAL_NMIS, "virtual NMIs"),
	OPTIONAL(VMX_PIN_PREEMPTION_TIMER, "activate VMX-preemption timer"),
};

/*
 * Every instruction that could touch host state or hang a host CPU exits:
 * HLT, port I/O (all of it goes to userspace, so no I/O bitmaps), MOV DR
 * (the host's debug registers), MOV CR8 (without a TPR shadow it would
 * write the host's local APIC priority), MONITOR/MWAIT, RDPMC.  MSR
 * accesses exit only where the MSR bitmap says so.  CR3 and INVLPG
 * exiting are not requested: with EPT the guest owns its own paging.
 */
static const struct vmx_control proc_controls[] = {
	REQUIRED(VMX_PROC_USE_TSC_OFFSETTING, "use TSC offsetting"),
	REQUIRED(VMX_PROC_HLT_EXITING, "HLT exiting"),
	REQUIRED(VMX_PROC_MWAIT_EXITING, "MWAIT exiting"),
	REQUIRED(VMX_PROC_RDPMC_EXITING, "RDPMC exiting"),
	REQUIRED(VMX_PROC_CR8_LOAD_EXITING, "CR8-load exiting"),
	REQUIRED(VMX_PROC_CR8_STORE_EXITING, "CR8-store exiting"),
	REQUIRED(VMX_PROC_MOV_DR_EXITING, "MOV-DR exiting"),
	REQUIRED(VMX_PROC_UNCONDITIONAL_IO_EXITING, "unconditional I/O exiting"),
	REQUIRED(VMX_PROC_USE_MSR_BITMAPS, "use MSR bitmaps"),
	REQUIRED(VMX_PROC_MONITOR_EXITING, "MONITOR exiting"),
	REQUIRED(VMX_PROC_ACTIVATE_SECONDARY_CONTROLS, "activate secondary controls"),
};

/*
 * EPT gives each VM its own physical address space; unrestricted guest
 * lets it run real mode and unpaged protected mode natively, which is how
 * a JOS guest starts.  A guest's WBINVD would write back and empty every
 * cache of the host's CPU: it exits instead, as under KVM.  The rest lets
 * a guest use instructions that would otherwise raise #UD when the
 * secondary controls are active.  Not "enable XSAVES/XRSTORS": they would
 * run with the host's IA32_XSS, which VMX does not switch, and let a
 * guest load the host thread's supervisor state (CET's user shadow-stack
 * pointer, for one); they raise #UD, and CPUID does not offer them.
 */
static const struct vmx_control proc2_controls[] = {
	REQUIRED(VMX_PROC2_ENABLE_EPT, "enable EPT"),
	REQUIRED(VMX_PROC2_UNRESTRICTED_GUEST, "unrestricted guest"),
	REQUIRED(VMX_PROC2_WBINVD_EXITING, "WBINVD exiting"),
	OPTIONAL(VMX_PROC2_ENABLE_VPID, "enable VPID"),
	OPTIONAL(VMX_PROC2_ENABLE_RDTSCP, "enable RDTSCP"),
	OPTIONAL(VMX_PROC2_ENABLE_INVPCID, "enable INVPCID"),
};

/*
 * The host runs in 64-bit mode, and EFER is switched by the CPU itself, and
 * so are the guest's DR7 and IA32_DEBUGCTL (its breakpoints: debugreg.c).
 */
static const struct vmx_control exit_controls[] = {
	REQUIRED(VMX_EXIT_CTL_SAVE_DEBUG_CONTROLS, "save debug controls"),
	REQUIRED(VMX_EXIT_CTL_HOST_ADDR_SPACE_SIZE, "host address-space size"),
	REQUIRED(VMX_EXIT_CTL_SAVE_IA32_EFER, "save IA32_EFER"),
	REQUIRED(VMX_EXIT_CTL_LOAD_IA32_EFER, "load IA32_EFER"),
	OPTIONAL(VMX_EXIT_CTL_SAVE_IA32_PAT, "save IA32_PAT"),
	OPTIONAL(VMX_EXIT_CTL_LOAD_IA32_PAT, "load IA32_PAT"),
};

static const struct vmx_control entry_controls[] = {
	REQUIRED(VMX_ENTRY_CTL_LOAD_DEBUG_CONTROLS, "load debug controls"),
	REQUIRED(VMX_ENTRY_CTL_LOAD_IA32_EFER, "load IA32_EFER"),
	OPTIONAL(VMX_ENTRY_CTL_LOAD_IA32_PAT, "load IA32_PAT"),
};

/* Where one family of controls comes from and where its result goes. */
struct control_set {
	const char *kind;
	u32 msr, true_msr;		/* true_msr 0: no TRUE_ variant */
	const char *msr_name, *true_msr_name;
	size_t msrs_offset;		/* in struct jvmm_vmx_msrs */
	size_t config_offset;		/* in struct jvmm_vmcs_config */
	const struct vmx_control *controls;
	size_t n_controls;
};

#define CONTROL_SET(kind_, msr_, true_msr_, field_, list_)		\
	{ kind_, msr_, true_msr_, #msr_, #true_msr_,			\
	  offsetof(struct jvmm_vmx_msrs, field_),			\
	  offsetof(struct jvmm_vmcs_config, field_),			\
	  list_, ARRAY_SIZE(list_) }

/* Secondary controls last: their MSR exists only if the primary allow them. */
static const struct control_set control_sets[] = {
	CONTROL_SET("pin-based", IA32_VMX_PINBASED_CTLS,
		    IA32_VMX_TRUE_PINBASED_CTLS, pin, pin_controls),
	CONTROL_SET("primary processor-based", IA32_VMX_PROCBASED_CTLS,
		    IA32_VMX_TRUE_PROCBASED_CTLS, proc, proc_controls),
	CONTROL_SET("VM-exit", IA32_VMX_EXIT_CTLS,
		    IA32_VMX_TRUE_EXIT_CTLS, exit, exit_controls),
	CONTROL_SET("VM-entry", IA32_VMX_ENTRY_CTLS,
		    IA32_VMX_TRUE_ENTRY_CTLS, entry, entry_controls),
	CONTROL_SET("secondary processor-based", IA32_VMX_PROCBASED_CTLS2,
		    0, proc2, proc2_controls),
};

/* The capability MSR a set's controls come from, TRUE_ variant if any. */
static u32 control_msr(const struct control_set *set, u64 basic,
		       const char **name)
{
	bool use_true = set->true_msr && (basic & VMX_BASIC_TRUE_CONTROLS);

	*name = use_true ? set->true_msr_name : set->msr_name;
	return use_true ? set->true_msr : set->msr;
}

/*
 * A control MSR is two masks: a 1 in the low half forces the control on,
 * a 0 in the high half forces it off.  We ask for what we need plus what
 * we would like, let the masks trim it, and refuse to load if trimming
 * removed something we need.  With IA32_VMX_BASIC bit 55 set, the TRUE_*
 * MSRs are the ones to read: they allow some "default1" controls to be 0.
 * SDM Vol. 3, App. A.3 "VM-Execution Controls", A.4 and A.5 for the exit
 * and entry controls.
 */
static int adjust_controls(const struct control_set *set,
			   const struct jvmm_vmx_msrs *msrs,
			   struct jvmm_vmcs_config *cfg)
{
	u64 cap = *(const u64 *)((const char *)msrs + set->msrs_offset);
	u32 must_be_one = lower_32_bits(cap);
	u32 may_be_one = upper_32_bits(cap);
	u32 wanted = 0, result;
	const char *msr_name;
	size_t i;

	control_msr(set, msrs->basic, &msr_name);
	for (i = 0; i < set->n_controls; i++)
		wanted |= set->controls[i].bit;
	result = (wanted & may_be_one) | must_be_one;

	for (i = 0; i < set->n_controls; i++) {
		if (set->controls[i].required && !(result & set->controls[i].bit)) {
			pr_err("cannot load: the CPU does not allow the %s control '%s' (bit %lu of %s)\n",
			       set->kind, set->controls[i].name,
			       __ffs(set->controls[i].bit), msr_name);
			return -EOPNOTSUPP;
		}
	}
	*(u32 *)((char *)cfg + set->config_offset) = result;
	return 0;
}

static int check_basic(const struct jvmm_vmx_msrs *msrs, struct jvmm_caps *caps)
{
	u64 basic = msrs->basic;
	unsigned int memtype;

	caps->revision_id = basic & VMX_BASIC_REVISION_MASK;
	caps->vmcs_size = (basic & VMX_BASIC_VMCS_SIZE_MASK) >>
			  VMX_BASIC_VMCS_SIZE_SHIFT;
	memtype = (basic & VMX_BASIC_MEMTYPE_MASK) >> VMX_BASIC_MEMTYPE_SHIFT;

	/* We give every VMCS and the VMXON region one page. */
	if (caps->vmcs_size > PAGE_SIZE) {
		pr_err("cannot load: the VMCS needs %u bytes, more than a page (IA32_VMX_BASIC bits 44:32)\n",
		       caps->vmcs_size);
		return -EOPNOTSUPP;
	}
	/* Our pages may lie anywhere in physical memory. */
	if (basic & VMX_BASIC_32BIT_ADDRESSES) {
		pr_err("cannot load: VMX structures are limited to 32-bit physical addresses (IA32_VMX_BASIC bit 48)\n");
		return -EOPNOTSUPP;
	}
	/* Our pages are ordinary write-back kernel memory. */
	if (memtype != VMX_MEMTYPE_WB) {
		pr_err("cannot load: the VMCS memory type is %u, not write-back (IA32_VMX_BASIC bits 53:50)\n",
		       memtype);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int check_ept(u64 cap, struct jvmm_caps *caps)
{
	if (!(cap & VMX_EPT_PAGE_WALK_4)) {
		pr_err("cannot load: EPT lacks a 4-level page walk (IA32_VMX_EPT_VPID_CAP bit 6)\n");
		return -EOPNOTSUPP;
	}
	if (!(cap & VMX_EPT_MEMTYPE_WB)) {
		pr_err("cannot load: EPT paging structures cannot be write-back (IA32_VMX_EPT_VPID_CAP bit 14)\n");
		return -EOPNOTSUPP;
	}
	if (!(cap & VMX_EPT_INVEPT)) {
		pr_err("cannot load: the CPU has no INVEPT instruction (IA32_VMX_EPT_VPID_CAP bit 20)\n");
		return -EOPNOTSUPP;
	}
	caps->invept_single = cap & VMX_EPT_INVEPT_SINGLE_CONTEXT;
	caps->invept_all = cap & VMX_EPT_INVEPT_ALL_CONTEXT;
	if (!caps->invept_single && !caps->invept_all) {
		pr_err("cannot load: INVEPT supports neither single-context nor all-context flushes (IA32_VMX_EPT_VPID_CAP bits 25, 26)\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * VPID is a bonus: it spares a TLB flush on every VM entry and exit.  We
 * use it only if INVVPID can flush what a VPID tagged, else we run
 * without it (every entry and exit then flushes guest translations).
 */
static void choose_vpid(u64 cap, struct jvmm_caps *caps)
{
	caps->invvpid_single = cap & VMX_VPID_INVVPID_SINGLE_CONTEXT;
	caps->invvpid_all = cap & VMX_VPID_INVVPID_ALL_CONTEXT;
	caps->vpid = (caps->vmcs.proc2 & VMX_PROC2_ENABLE_VPID) &&
		     (cap & VMX_VPID_INVVPID) &&
		     (caps->invvpid_single || caps->invvpid_all);
	if (!caps->vpid)
		caps->vmcs.proc2 &= ~VMX_PROC2_ENABLE_VPID;
}

/*
 * Decide from raw MSR values alone.  On failure, exactly one line has been
 * logged saying what is missing, and the result is -EOPNOTSUPP.
 */
int jvmm_caps_evaluate(const struct jvmm_vmx_msrs *msrs, struct jvmm_caps *caps)
{
	struct jvmm_vmcs_config *cfg = &caps->vmcs;
	size_t i;
	int ret;

	memset(caps, 0, sizeof(*caps));
	caps->msrs = *msrs;

	ret = check_basic(msrs, caps);
	if (ret)
		return ret;

	for (i = 0; i < ARRAY_SIZE(control_sets); i++) {
		ret = adjust_controls(&control_sets[i], msrs, cfg);
		if (ret)
			return ret;
	}

	cfg->proc_allowed = upper_32_bits(msrs->proc);
	cfg->entry_allowed = upper_32_bits(msrs->entry);
	/*
	 * A guest that turns on long mode needs the "IA-32e mode guest" entry
	 * control set from then on (SDM Vol. 3, "Checks on VMX Controls").
	 */
	if (!(cfg->entry_allowed & VMX_ENTRY_CTL_IA32E_MODE_GUEST)) {
		pr_err("cannot load: the CPU does not allow the VM-entry control 'IA-32e mode guest' (bit 9 of IA32_VMX_ENTRY_CTLS)\n");
		return -EOPNOTSUPP;
	}

	ret = check_ept(msrs->ept_vpid, caps);
	if (ret)
		return ret;
	choose_vpid(msrs->ept_vpid, caps);

	caps->preemption_timer_rate = msrs->misc &
				      VMX_MISC_PREEMPTION_TIMER_RATE_MASK;
	return 0;
}

/* The MSRs we compare on every CPU, and where they live in the snapshot. */
static const struct {
	u32 index;
	const char *name;
	size_t offset;
} cap_msrs[] = {
	{ IA32_VMX_BASIC, "IA32_VMX_BASIC", offsetof(struct jvmm_vmx_msrs, basic) },
	{ IA32_VMX_MISC, "IA32_VMX_MISC", offsetof(struct jvmm_vmx_msrs, misc) },
	{ IA32_VMX_CR0_FIXED0, "IA32_VMX_CR0_FIXED0", offsetof(struct jvmm_vmx_msrs, cr0_fixed0) },
	{ IA32_VMX_CR0_FIXED1, "IA32_VMX_CR0_FIXED1", offsetof(struct jvmm_vmx_msrs, cr0_fixed1) },
	{ IA32_VMX_CR4_FIXED0, "IA32_VMX_CR4_FIXED0", offsetof(struct jvmm_vmx_msrs, cr4_fixed0) },
	{ IA32_VMX_CR4_FIXED1, "IA32_VMX_CR4_FIXED1", offsetof(struct jvmm_vmx_msrs, cr4_fixed1) },
};

static int read_cap_msr(u32 index, const char *name, u64 *val)
{
	if (rdmsrq_safe(index, val)) {
		pr_err("cannot load: reading %s (MSR 0x%x) faulted although CPUID reports VMX\n",
		       name, index);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The control MSRs.  IA32_VMX_PROCBASED_CTLS2 exists only if the secondary
 * controls may be activated, and IA32_VMX_EPT_VPID_CAP only if EPT or VPID
 * may be enabled (SDM Vol. 3, App. A.3.3 and A.10); left 0, they make the
 * evaluation name the missing control instead of faulting here.
 */
static int read_control_msrs(struct jvmm_vmx_msrs *m)
{
	const struct control_set *set;
	const char *name;
	u32 index;
	size_t i;
	int ret;

	m->proc2 = 0;
	m->ept_vpid = 0;
	for (i = 0; i < ARRAY_SIZE(control_sets); i++) {
		set = &control_sets[i];
		if (set->msrs_offset == offsetof(struct jvmm_vmx_msrs, proc2) &&
		    !(upper_32_bits(m->proc) & VMX_PROC_ACTIVATE_SECONDARY_CONTROLS))
			return 0;
		index = control_msr(set, m->basic, &name);
		ret = read_cap_msr(index, name,
				   (u64 *)((char *)m + set->msrs_offset));
		if (ret)
			return ret;
	}
	if (upper_32_bits(m->proc2) &
	    (VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID))
		ret = read_cap_msr(IA32_VMX_EPT_VPID_CAP, "IA32_VMX_EPT_VPID_CAP",
				   &m->ept_vpid);
	return ret;
}

static int read_vmx_msrs(struct jvmm_vmx_msrs *m)
{
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cap_msrs); i++) {
		ret = read_cap_msr(cap_msrs[i].index, cap_msrs[i].name,
				   (u64 *)((char *)m + cap_msrs[i].offset));
		if (ret)
			return ret;
	}
	return read_control_msrs(m);
}

/*
 * IA32_FEATURE_CONTROL is the firmware's say.  Locked with "VMXON outside
 * SMX" clear means VMX is switched off until the next reset.  Unlocked
 * means nobody decided: since Linux 5.6 the kernel itself enables VMX and
 * locks the MSR at boot (init_ia32_feat_ctl()), so this is rare; we then
 * enable and lock it on each CPU as it enters VMX operation (vmxon.c),
 * which is what KVM did before the kernel took the job over.
 */
static int check_feature_control(void)
{
	u64 fc;

	if (rdmsrq_safe(IA32_FEATURE_CONTROL, &fc)) {
		pr_err("cannot load: reading IA32_FEATURE_CONTROL (MSR 0x3a) faulted\n");
		return -EOPNOTSUPP;
	}
	if ((fc & IA32_FEATURE_CONTROL_LOCK) &&
	    !(fc & IA32_FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		pr_err("cannot load: VMX is disabled by the firmware (IA32_FEATURE_CONTROL = 0x%llx is locked without VMXON outside SMX); enable VT-x in the firmware setup\n",
		       fc);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* One line saying what jvmm found, logged once loading has succeeded. */
void jvmm_caps_log_summary(void)
{
	const struct jvmm_caps *caps = &jvmm_caps;

	pr_info("VMX: VMCS revision 0x%x (%u bytes), EPT 4-level WB (INVEPT%s%s), VPID %s, unrestricted guest yes, preemption timer %s (TSC/%u), TRUE controls %s\n",
		caps->revision_id, caps->vmcs_size,
		caps->invept_single ? " single" : "",
		caps->invept_all ? " all" : "",
		caps->vpid ? "yes" : "no",
		caps->vmcs.pin & VMX_PIN_PREEMPTION_TIMER ? "yes" : "no",
		1u << caps->preemption_timer_rate,
		caps->msrs.basic & VMX_BASIC_TRUE_CONTROLS ? "yes" : "no");
}

/*
 * The host kernel, as far as it matters to jvmm: @cr4 is CR4 as the CPU
 * holds it.  A kernel with FRED (Flexible Return and Event Delivery)
 * active takes events through FRED entry points, not the IDT: an NMI that
 * arrives while a guest runs, which jvmm hands to the host with INT 2
 * (run.c), would reach a handler that does not expect it.  KVM forwards
 * it through an entry point the kernel exports to KVM only.  So jvmm
 * refuses such hosts, with one line and -EOPNOTSUPP.
 */
int jvmm_caps_check_host(unsigned long cr4)
{
	if (cr4 & JVMM_CR4_FRED) {
		pr_err("cannot load: the kernel uses FRED (CR4.FRED is set), and jvmm hands NMIs that arrive during a guest to the host through the IDT, which FRED kernels do not use; boot with fred=off to use jvmm\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Probe the CPU we are loaded on; on success jvmm_caps is filled in. */
int jvmm_caps_probe(void)
{
	struct jvmm_vmx_msrs msrs;
	int ret;

	if (!(cpuid_ecx(1) & CPUID_1_ECX_VMX)) {
		pr_err("cannot load: the CPU has no VMX (CPUID.1:ECX.VMX[bit 5] = 0); jvmm needs Intel VT-x\n");
		return -EOPNOTSUPP;
	}
	ret = check_feature_control();
	if (ret)
		return ret;
	ret = read_vmx_msrs(&msrs);
	if (ret)
		return ret;
	return jvmm_caps_evaluate(&msrs, &jvmm_caps);
}

/*
 * Called on each CPU as it enters VMX operation: the SDM lets software
 * assume nothing about CPUs whose capabilities differ, so neither do we.
 */
bool jvmm_caps_cpu_matches(void)
{
	struct jvmm_vmx_msrs here;

	if (read_vmx_msrs(&here))
		return false;
	if (memcmp(&here, &jvmm_caps.msrs, sizeof(here))) {
		pr_err("cpu%d: VMX capability MSRs differ from those of the CPU jvmm was loaded on\n",
		       smp_processor_id());
		return false;
	}
	return true;
}
