// SPDX-License-Identifier: GPL-2.0
/*
 * sc_hostile_events.c - hostile corpus: exception storms, double and
 * triple faults, HLT with IF = 0, KVM_INTERRUPT of vectors 0-31 and 255,
 * exceptions delivered onto a stack in MMIO or in an unmapped page,
 * SYSCALL/SYSENTER before and after the guest set their MSRs, the guest's
 * KERNEL_GS_BASE across exits to a host thread with GS = 0x2b, and a
 * real-mode #GP through an IVT page the guest never touched.  One fresh VM
 * each.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"

#define STORM_ROUNDS		2000
#define MIXED_ROUNDS		500
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SFMASK		0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define EFER_SCE		1ull
#define STAR_CS_SEL_CODE64	((uint64_t)SEL_CODE64 << 32)	/* SYSCALL: CS 0x18, SS 0x20 */
#define RFLAGS_IF		0x200ull
#define SYSENTER_STACK		0x7800
#define GUEST_KGS		0x0000111133334444ull
#define VEC_DF			8
#define VEC_GP			13
#define VEC_PF			14
#define REAL_EXITS		16

#define STORM(kind, n, want)	OP(H_OP_STORM, (kind), (n), 0, SH_FAULTS, (want))
#define INJECT(vec)		OP(H_OP_STI_SYNC, H_TAG_INJECT | (vec), 0, 0, SH_OK, NULL)

void scn_h_storm_ud(void)
{
	const struct hop ops[] = {
		STORM(H_ST_UD, STORM_ROUNDS, "2000"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_storm_gp(void)
{
	const struct hop ops[] = {
		STORM(H_ST_GP_MSR, STORM_ROUNDS, "2000"),
		STORM(H_ST_GP_NONCANON, STORM_ROUNDS, "2000"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_storm_pf(void)
{
	const struct hop ops[] = {
		STORM(H_ST_PF, STORM_ROUNDS, "2000"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_storm_mixed(void)
{
	const struct hop ops[] = {
		STORM(H_ST_DE, MIXED_ROUNDS, "500"),
		STORM(H_ST_BP, MIXED_ROUNDS, "500"),
		STORM(H_ST_UD, MIXED_ROUNDS, "500"),
		STORM(H_ST_PF, MIXED_ROUNDS, "500"),
		STORM(H_ST_GP_MSR, MIXED_ROUNDS, "500"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* #GP, then #PF, through a gate that is not present: #NP, then #DF (SDM Vol. 3, Table 6-5). */
void scn_h_double_fault(void)
{
	const struct hop ops[] = {
		OP(H_OP_IDT_CLEAR, VEC_GP, 0, 0, SH_OK, "ok"),
		OP(H_OP_STORM, H_ST_GP_NONCANON, 1, 0, SH_OK, "DF:0"),
		OP(H_OP_IDT_CLEAR, VEC_PF, 0, 0, SH_OK, "ok"),
		OP(H_OP_STORM, H_ST_PF, 1, 0, SH_OK, "DF:0"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_triple_fault(void)
{
	const struct hop ops[] = {
		OP(H_OP_IDT_CLEAR, VEC_GP, 0, 0, SH_OK, "ok"),
		OP(H_OP_IDT_CLEAR, VEC_DF, 0, 0, SH_OK, "ok"),
		OP(H_OP_STORM, H_ST_GP_NONCANON, 1, 0, SH_OK, NULL),
	};

	h_run(HSPEC(ops));
	expect_str("the exit of a triple fault", h_last.exit, "shutdown");
}

/* HLT with IF = 0 and no interrupt source: KVM_EXIT_HLT, and the guest goes on. */
void scn_h_hlt_if0(void)
{
	const struct hop ops[] = {
		INSN(H_I_CLI_HLT, 0, 0, SH_OK, "ok"),
		INSN(H_I_CLI_HLT, 0, 0, SH_OK, "ok"),
		INSN(H_I_HLT, 0, 0, SH_OK, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
	expect_u64("KVM_EXIT_HLT before the end", h_last.hlts, 3);
}

/* KVM_INTERRUPT of @n vectors from @first: each arrives as an external interrupt. */
static void inject_vectors(const uint32_t *vectors, size_t n)
{
	struct hop ops[24];
	size_t i;

	ops[0] = (struct hop)OP(H_OP_SET_FLAGS, H_FLAG_NO_ERROR_CODE, 0, 0, SH_OK, "ok");
	for (i = 0; i < n && i + 1 < ARRAY_SIZE(ops); i++)
		ops[i + 1] = (struct hop)INJECT(vectors[i]);
	h_run(&(const struct hspec){ .ops = ops, .nops = i + 1, .flags = HF_EXPECT_FINISH });
}

void scn_h_inject_0_15(void)
{
	static const uint32_t v[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

	inject_vectors(v, ARRAY_SIZE(v));
}

void scn_h_inject_16_31(void)
{
	static const uint32_t v[] = { 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };

	inject_vectors(v, ARRAY_SIZE(v));
}

void scn_h_inject_255(void)
{
	static const uint32_t v[] = { 255, 32, 47, 0x80, 255 };

	inject_vectors(v, ARRAY_SIZE(v));
}

/*
 * Issue 11, item 8: an exception delivered onto a stack in MMIO became a
 * bogus KVM_EXIT_MMIO write on jvmm; kvm_intel reports an internal error.
 */
void scn_h_exc_stack_mmio(void)
{
	const struct hop ops[] = {
		OP(H_OP_RSP_INSN, H_MMIO + 0x1000, H_I_UD2, 0, SH_OK, NULL),
	};

	h_run(HSPEC(ops));
	check(!h_last.mmio, "no KVM_EXIT_MMIO for a stack the CPU could not push to");
}

/* The stack in an unmapped page: #PF, #DF, shutdown. */
void scn_h_exc_stack_unmapped(void)
{
	const struct hop ops[] = {
		OP(H_OP_RSP_INSN, H_UNMAPPED + 0x1000, H_I_UD2, 0, SH_OK, NULL),
	};

	h_run(HSPEC(ops));
	expect_str("the exit", h_last.exit, "shutdown");
}

void scn_h_syscall_no_sce(void)
{
	const struct hop ops[] = {
		INSN(H_I_SYSCALL, 0, 0, SH_OK, "UD"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/* At the landing stub's OUT exit, RIP is still that of the OUT (as kvm_intel has it). */
static void expect_landing(const char *want_prefix)
{
	size_t l = strlen(want_prefix);
	char what[96];

	snprintf(what, sizeof(what), "SYSCALL/SYSENTER landed at %s", want_prefix);
	if (!strncmp(h_last.landed, want_prefix, l))
		ok("%s", what);
	else
		fail("%s: got '%s'", what, h_last.nlanded ? h_last.landed : "nowhere");
}

/*
 * Issue 11, item 2: a guest that never wrote LSTAR must land at 0 (its
 * reset value), not at the host's entry_SYSCALL_64.  Had it landed there,
 * the op result shows the #PF with the host address in CR2.
 */
void scn_h_syscall_reset(void)
{
	const struct hop ops[] = {
		WRMSR(MSR_EFER, H_EFER_BASE | EFER_SCE, "ok"),
		INSN(H_I_SYSCALL, 0, 0, SH_OK, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
	expect_landing("rip:0,rsp:8000,cs:0,ss:8,");
}

void scn_h_syscall_set(void)
{
	const struct hop ops[] = {
		WRMSR(MSR_EFER, H_EFER_BASE | EFER_SCE, "ok"),
		WRMSR(MSR_STAR, STAR_CS_SEL_CODE64, "ok"),
		WRMSR(MSR_LSTAR, H_LANDING_ALT, "ok"),
		WRMSR(MSR_SFMASK, RFLAGS_IF, "ok"),
		INSN(H_I_SYSCALL, 0, 0, SH_OK, "ok"),
		WRMSR(MSR_LSTAR, H_LANDING, "ok"),
		WRMSR(MSR_SFMASK, 0, "ok"),
		INSN(H_I_SYSCALL, 0, 0, SH_OK, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
	expect_landing("rip:800,rsp:8000,cs:18,ss:20,");
	expect_u64("landings", h_last.nlanded, 2);
}

/* SYSENTER with SYSENTER_CS = 0 (reset): #GP(0). */
void scn_h_sysenter_reset(void)
{
	const struct hop ops[] = {
		INSN(H_I_SYSENTER, 0, 0, SH_OK, "GP:0"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_sysenter_set(void)
{
	const struct hop ops[] = {
		WRMSR(MSR_SYSENTER_CS, SEL_CODE64, "ok"),
		WRMSR(MSR_SYSENTER_ESP, SYSENTER_STACK, "ok"),
		WRMSR(MSR_SYSENTER_EIP, H_LANDING_ALT, "ok"),
		INSN(H_I_SYSENTER, 0, 0, SH_OK, "ok"),
		INSN(H_I_SYSENTER, 0, 0, SH_OK, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
	expect_landing("rip:800,rsp:7800,cs:18,ss:20,");
}

/*
 * Issue 11, item 3: the guest's KERNEL_GS_BASE, written, then an exit to a
 * host thread whose GS selector is 0x2b, read back 0 on jvmm.
 */
void scn_h_kgs_user_exit(void)
{
	const struct hop ops[] = {
		WRMSR(MSR_KERNEL_GS_BASE, GUEST_KGS, "ok"),
		SYNC(H_TAG_GS_2B),
		RDMSR(MSR_KERNEL_GS_BASE, SH_EDX_EAX, "111133334444"),
		SYNC(H_TAG_GS_2B),
		INSN(H_I_SWAPGS, 0, 0, SH_EDX_EAX, "111133334444"),
		SYNC(H_TAG_GS_2B),
		RDMSR(MSR_KERNEL_GS_BASE, SH_EDX_EAX, "111133334444"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
	expect_u64("exits with GS = 0x2b in the host", h_last.gs_loads, 3);
}

/* --- real mode ------------------------------------------------------------- */

static void real_mode_body(const void *arg)
{
	uint16_t variant = *(const uint16_t *)arg;
	struct kvm_regs regs;
	uint32_t *ivt;
	size_t i;

	vm_init(&h_vm, GUEST_MEM_SIZE);
	vcpu_init(&h_v, &h_vm, 0);
	vm_load(&h_vm, BLOB(h_real));
	vcpu_setup(&h_v, MODE_REAL);
	/* Written by the host: the guest's first touch of page 0 is the delivery. */
	ivt = (uint32_t *)h_vm.mem;
	for (i = 0; i < 256; i++)
		ivt[i] = GUEST_CODE + H_REAL_HANDLER_OFF;	/* segment 0 : offset */
	get_regs(&h_v, &regs);
	regs.rbx = variant;
	set_regs(&h_v, &regs);
	h_loop(&h_v, &h_last, REAL_EXITS, h_force_migrate);
	res("exit", "%s", h_last.exit);
	res("io", "out%u,hash%llx", h_last.io_out, (unsigned long long)h_last.io_hash);
	res("hlts", "%u", h_last.hlts);
}

/* The handler OUTs the IP the exception pushed, then HLTs. */
static void real_mode(uint16_t variant)
{
	memset(&h_last, 0, sizeof(h_last));
	h_last.pending_vector = -1;
	h_protected(real_mode_body, &variant);
	check(h_last.io_out == 1 && !strcmp(h_last.exit, "hlt"), "the handler ran: one OUT, then HLT");
}

/* Issue 11, item 6: jvmm's re-injection of this #GP failed VM entry. */
void scn_h_real_gp_ffff(void) { real_mode(H_REAL_GP_FFFF); }
void scn_h_real_ud(void) { real_mode(H_REAL_UD); }
void scn_h_real_gp_touched(void) { real_mode(H_REAL_TOUCH_IVT); }
