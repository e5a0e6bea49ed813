// SPDX-License-Identifier: GPL-2.0
/*
 * debugreg.c - the guest's debug registers: MOV DR, and switching DR0-3
 * and DR6, which VMX does not switch.
 *
 * Every MOV DR exits (MOV-DR exiting).  DR7 lives in the VMCS: VM entry
 * loads the guest's, VM exit sets 0x400, and run.c gives the host its own
 * back.  DR6 is the guest's in the CPU throughout a run section, so that
 * its single steps and breakpoints set bits the guest then reads: loaded
 * when the section opens, read back and reset when it closes.  DR0-3 hold
 * the guest's addresses only while the guest's DR7 enables a breakpoint:
 * loaded before an entry, the host's put back at the end of the section,
 * or after every exit while the host has breakpoints of its own (then the
 * host's DR6 is also kept apart, as KVM does).  So the host never runs with
 * a guest breakpoint it could hit, and the guest's fire in the guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>
#include <asm/debugreg.h>

#include "jvmm.h"
#include "vmcs.h"

#define VECTOR_DB		1
#define VECTOR_UD		6
#define VECTOR_GP		13

/* MOV DR exit qualification, SDM Vol. 3, "Exit Qualification for MOV DR". */
#define DR_QUAL_NUMBER_MASK	7u
#define DR_QUAL_FROM_DR		BIT(4)
#define DR_QUAL_GPR_SHIFT	8
#define DR_QUAL_GPR_MASK	0xfu

/* The bits of DR6 and DR7 software can change; the rest read as fixed (SDM Vol. 3, "Debug Registers"). */
#define GUEST_DR6_VOLATILE		0x0001e80full	/* B0-3, BD, BS, BT, RTM */
#define GUEST_DR6_FIXED_1		0xfffe0ff0ull
#define GUEST_DR7_VOLATILE		0xffff2bffull
#define GUEST_DR7_FIXED_1		0x00000400ull
#define GUEST_DR7_ENABLES		0xffull		/* L0-3, G0-3 */
#define GUEST_DR6_BD			BIT(13)		/* the #DB was a general detect */
#define GUEST_DR7_GD			BIT(13)

static bool guest_breakpoints(void)
{
	return vmcs_readl(VMCS_GUEST_DR7) & GUEST_DR7_ENABLES;
}

static void load_dr0123(const unsigned long *dr)
{
	set_debugreg(dr[0], 0);
	set_debugreg(dr[1], 1);
	set_debugreg(dr[2], 2);
	set_debugreg(dr[3], 3);
}

static void put_host_dr0123(struct jvmm_vcpu *vcpu)
{
	if (vcpu->guest_dr0123_loaded) {
		load_dr0123(vcpu->host.dr);
		vcpu->guest_dr0123_loaded = false;
	}
}

/* The guest's DR6 into the CPU: section open, and after the host took it. */
static void load_guest_dr6(struct jvmm_vcpu *vcpu)
{
	if (vcpu->dr[6] != DR6_RESERVED)
		set_debugreg(vcpu->dr[6], 6);
	vcpu->guest_dr6_loaded = true;
}

static void save_guest_dr6(struct jvmm_vcpu *vcpu)
{
	unsigned long dr6;

	if (!vcpu->guest_dr6_loaded)
		return;
	get_debugreg(dr6, 6);
	vcpu->dr[6] = dr6;
	/* As the kernel keeps it, or the host's #DB handler takes guest bits for its own. */
	if (dr6 != DR6_RESERVED)
		set_debugreg(DR6_RESERVED, 6);
	vcpu->guest_dr6_loaded = false;
}

void jvmm_debugreg_section_open(struct jvmm_vcpu *vcpu)
{
	load_guest_dr6(vcpu);
}

void jvmm_debugreg_before_entry(struct jvmm_vcpu *vcpu)
{
	if (!vcpu->guest_dr6_loaded)
		load_guest_dr6(vcpu);
	if (!vcpu->guest_dr0123_loaded && guest_breakpoints()) {
		get_debugreg(vcpu->host.dr[0], 0);
		get_debugreg(vcpu->host.dr[1], 1);
		get_debugreg(vcpu->host.dr[2], 2);
		get_debugreg(vcpu->host.dr[3], 3);
		load_dr0123(vcpu->dr);
		vcpu->guest_dr0123_loaded = true;
	}
}

/* The exit set DR7 to 0x400: the host's breakpoints come back, alone. */
void jvmm_debugreg_after_exit(struct jvmm_vcpu *vcpu)
{
	if (!hw_breakpoint_active())
		return;
	put_host_dr0123(vcpu);
	save_guest_dr6(vcpu);
	set_debugreg(__this_cpu_read(cpu_dr7), 7);
}

void jvmm_debugreg_section_close(struct jvmm_vcpu *vcpu)
{
	put_host_dr0123(vcpu);
	save_guest_dr6(vcpu);
}

static int inject(struct jvmm_vcpu *vcpu, u8 vector)
{
	jvmm_vcpu_inject_exception(vcpu, vector, vector == VECTOR_GP, 0);
	return 1;
}

/* MOV to or from DRn, in the section; DR4/DR5 are DR6/DR7 unless CR4.DE. */
int jvmm_handle_dr_access(struct jvmm_vcpu *vcpu)
{
	unsigned long qual = vcpu->exit_qualification;
	unsigned int dr = qual & DR_QUAL_NUMBER_MASK;
	unsigned int gpr = (qual >> DR_QUAL_GPR_SHIFT) & DR_QUAL_GPR_MASK;
	unsigned long value, dr7 = vmcs_readl(VMCS_GUEST_DR7);
	bool longmode = (vcpu->efer & EFER_LMA) && (vmcs_read32(VMCS_GUEST_CS_AR) & VMX_AR_L);

	if (jvmm_vcpu_cpl(vcpu))
		return inject(vcpu, VECTOR_GP);
	if (dr == 4 || dr == 5) {
		if (vcpu->cr4 & X86_CR4_DE)
			return inject(vcpu, VECTOR_UD);
		dr += 2;
	}
	/* General detect: the access faults with DR6.BD, and the #DB clears GD. */
	if (dr7 & GUEST_DR7_GD) {
		vcpu->dr[6] = (vcpu->dr[6] & ~DR_TRAP_BITS) | GUEST_DR6_BD;
		if (vcpu->guest_dr6_loaded)
			set_debugreg(vcpu->dr[6], 6);
		vmcs_writel(VMCS_GUEST_DR7, dr7 & ~GUEST_DR7_GD);
		return inject(vcpu, VECTOR_DB);
	}
	if (qual & DR_QUAL_FROM_DR) {
		if (dr == 7)
			value = dr7;
		else if (dr == 6 && vcpu->guest_dr6_loaded)
			get_debugreg(value, 6);
		else
			value = vcpu->dr[dr];
		vcpu->regs.gpr[gpr] = longmode ? value : (u32)value;
	} else {
		/* Outside 64-bit mode MOV DR moves 32 bits. */
		value = longmode ? vcpu->regs.gpr[gpr] : (u32)vcpu->regs.gpr[gpr];
		/* DR6 and DR7 are 32 bits wide: bits 63:32 set are a #GP. */
		if ((dr == 6 || dr == 7) && upper_32_bits(value))
			return inject(vcpu, VECTOR_GP);
		if (dr == 7) {
			vmcs_writel(VMCS_GUEST_DR7, (value & GUEST_DR7_VOLATILE) | GUEST_DR7_FIXED_1);
		} else if (dr == 6) {
			vcpu->dr[6] = (value & GUEST_DR6_VOLATILE) | GUEST_DR6_FIXED_1;
			if (vcpu->guest_dr6_loaded)
				set_debugreg(vcpu->dr[6], 6);
		} else {
			vcpu->dr[dr] = value;
			if (vcpu->guest_dr0123_loaded)
				load_dr0123(vcpu->dr);
		}
	}
	jvmm_vcpu_skip_instruction(vcpu);
	return 1;
}
