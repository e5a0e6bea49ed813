// SPDX-License-Identifier: GPL-2.0
/*
 * sc_hostile_insn.c - hostile corpus: every VMX instruction in the guest,
 * and the cache and TLB instructions (INVD, WBINVD, INVLPG, INVPCID) and
 * other privileged instructions a guest without the CPUID bit must not get
 * (RDPMC, MONITOR/MWAIT, GETSEC, ENCLS).  One fresh VM each.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"

#define CR4_VMXE		(1ull << 13)
#define VMXON_REGION		0x20000		/* 4 KiB aligned, in RAM */
#define VMCS_FIELD_GUEST_RIP	0x681e
#define UNKNOWN_HYPERCALL	0x7e57		/* no KVM or jvmm hypercall has it */
#define KVM_ENOSYS_RAX		"fffffffffffffc18"	/* -1000 */
#define WBINVD_ROUNDS		100
#define NONCANONICAL		0x8000000000000000ull
#define INVPCID_TYPES		4		/* 0..3; 4 is reserved (SDM: INVPCID) */

static void vmx_prepare(struct vm *vm, struct vcpu *v)
{
	(void)v;
	/* The operand of VMXON/VMCLEAR/VMPTRLD: a page with a revision id of 0. */
	*(uint64_t *)(vm->mem + H_VMXPTR) = VMXON_REGION;
	memset(vm->mem + H_DESC, 0, 16);
}

/*
 * CR4.VMXE is refused (#GP: VMX is not in the guest's CPUID), so every VMX
 * instruction is #UD: the guest is not in VMX operation (SDM Vol. 3, 31.3).
 */
static void vmx_insn(unsigned int insn, uint64_t rax, uint64_t rcx)
{
	const struct hop ops[] = {
		WRCR(4, H_CR4_BASE | CR4_VMXE, "GP:0"),
		RDCR(4, "620"),
		INSN(insn, rax, rcx, SH_OK, "UD"),
		RDCR(4, "620"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = vmx_prepare));
}

void scn_h_vmxon(void) { vmx_insn(H_I_VMXON, 0, 0); }
void scn_h_vmxoff(void) { vmx_insn(H_I_VMXOFF, 0, 0); }
void scn_h_vmclear(void) { vmx_insn(H_I_VMCLEAR, 0, 0); }
void scn_h_vmptrld(void) { vmx_insn(H_I_VMPTRLD, 0, 0); }
void scn_h_vmptrst(void) { vmx_insn(H_I_VMPTRST, 0, 0); }
void scn_h_vmread(void) { vmx_insn(H_I_VMREAD, 0, VMCS_FIELD_GUEST_RIP); }
void scn_h_vmwrite(void) { vmx_insn(H_I_VMWRITE, 0, VMCS_FIELD_GUEST_RIP); }
void scn_h_vmlaunch(void) { vmx_insn(H_I_VMLAUNCH, 0, 0); }
void scn_h_vmresume(void) { vmx_insn(H_I_VMRESUME, 0, 0); }
void scn_h_invept(void) { vmx_insn(H_I_INVEPT, 1, 0); }
void scn_h_invvpid(void) { vmx_insn(H_I_INVVPID, 1, 0); }
void scn_h_vmfunc(void) { vmx_insn(H_I_VMFUNC, 0, 0); }

/*
 * VMCALL with an unknown number: KVM returns -KVM_ENOSYS in RAX without an
 * exit to userspace; jvmm exits with KVM_EXIT_HYPERCALL (its extension),
 * which the run loop answers the same way.  At CPL 0, then again after the
 * guest tried VMXON.
 */
void scn_h_vmcall(void)
{
	const struct hop ops[] = {
		INSN(H_I_VMCALL, UNKNOWN_HYPERCALL, 0, SH_RAX, KVM_ENOSYS_RAX),
		INSN(H_I_VMXON, 0, 0, SH_OK, "UD"),
		INSN(H_I_VMCALL, UNKNOWN_HYPERCALL, 0, SH_RAX, KVM_ENOSYS_RAX),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = vmx_prepare));
}

/* INVD: intercepted by every hypervisor (unconditional VM exit), skipped. */
void scn_h_invd(void)
{
	const struct hop ops[] = {
		INSN(H_I_INVD, 0, 0, SH_OK, "ok"),
		INSN(H_I_INVD, 0, 0, SH_OK, "ok"),
		INSN(H_I_WBINVD, 0, 0, SH_OK, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

static void wbinvd_counted(const struct hrun *r)
{
	uint64_t delta = r->nmarks == 2 ? r->marks[1] - r->marks[0] : 0;

	info("VM exits between the two marks around %d WBINVD: %llu", WBINVD_ROUNDS,
	     (unsigned long long)delta);
	check(delta >= WBINVD_ROUNDS, "WBINVD is intercepted (WBINVD exiting, as KVM sets it)");
	res("wbinvd", "%s", delta >= WBINVD_ROUNDS ? "intercepted" : "native");
}

/* Issue 11, item 8: jvmm ran guest WBINVD natively (a host-wide cache flush). */
void scn_h_wbinvd(void)
{
	const struct hop ops[] = {
		SYNC(H_TAG_EXITS),
		INSN(H_I_WBINVD_LOOP, 0, WBINVD_ROUNDS, SH_OK, "ok"),
		SYNC(H_TAG_EXITS),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .finish = wbinvd_counted));
}

/* INVLPG of RAM, of an unmapped page, of MMIO, of a non-canonical address. */
void scn_h_invlpg(void)
{
	const struct hop ops[] = {
		INSN(H_I_INVLPG, GUEST_CODE, 0, SH_OK, "ok"),
		INSN(H_I_INVLPG, H_UNMAPPED, 0, SH_OK, "ok"),
		INSN(H_I_INVLPG, H_MMIO, 0, SH_OK, "ok"),
		INSN(H_I_INVLPG, H_STACK - 8, 0, SH_OK, "ok"),
		INSN(H_I_INVLPG, NONCANONICAL, 0, SH_OK, NULL),
		OP(H_OP_READ, GUEST_CODE, 0, 0, SH_NONZERO, "nonzero"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* INVPCID is not in the guest's CPUID: every type, and a reserved one. */
void scn_h_invpcid(void)
{
	const struct hop ops[] = {
		INSN(H_I_INVPCID, 0, 0, SH_OK, NULL),
		INSN(H_I_INVPCID, 1, 0, SH_OK, NULL),
		INSN(H_I_INVPCID, 2, 0, SH_OK, NULL),
		INSN(H_I_INVPCID, 3, 0, SH_OK, NULL),
		INSN(H_I_INVPCID, INVPCID_TYPES, 0, SH_OK, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = vmx_prepare));
}

/*
 * Instructions of features the guest's CPUID does not offer (no PMU leaf,
 * SMX cleared, no SGX) and SWAPGS.  Not MONITOR/MWAIT: kvm_intel runs
 * them as NOPs (KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS) and logs a warning
 * ("MONITOR instruction emulated as NOP!") that the kernel-log check
 * would count against the reference: each #UD or #GP in the
 * guest, never run for the guest on the host.
 */
void scn_h_priv_insns(void)
{
	const struct hop ops[] = {
		INSN(H_I_RDPMC, 0, 0, SH_OK, NULL),
		INSN(H_I_RDPMC, 0, 1ull << 30, SH_OK, NULL),	/* fixed counter 0 */
		INSN(H_I_GETSEC, 0, 0, SH_OK, "UD"),
		INSN(H_I_ENCLS, 0, 0, SH_OK, "UD"),
		WRMSR(0xc0000101, 0x1111000022220000ull >> 16, "ok"),	/* GS_BASE */
		INSN(H_I_SWAPGS, 0, 0, SH_EDX_EAX, "0"),	/* GS_BASE after SWAPGS: KERNEL_GS_BASE, 0 */
		RDMSR(0xc0000101, SH_EDX_EAX, "111100002222"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}
