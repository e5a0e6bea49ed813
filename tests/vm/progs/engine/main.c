// SPDX-License-Identifier: GPL-2.0
/*
 * jvmm-engine-test - the engine test suite: scenarios that drive a VM
 * through the KVM API, run unchanged against /dev/kvm (the reference) and
 * /dev/jvmm, and a --compare mode that diffs their result lines.
 *
 *   jvmm-engine-test [--device PATH] [--kvm-reference] [SCENARIO...]
 *	Run the scenarios (default: all) on PATH (default /dev/jvmm).  Prints
 *	"ok: S: what" / "FAIL: S: what: got X, want Y" per check,
 *	"result: S key=value ..." per scenario (the observable outcome, for
 *	comparing devices) and "end: S pass|fail|skip|timeout|crash".
 *	Scenarios marked jvmm-only print "skip: S: jvmm-only" on the reference.
 *	--kvm-reference says the device is KVM; it is implied by /dev/kvm.
 *	Exit 0 iff every check held.
 *   jvmm-engine-test --list
 *	The scenario names, with their flags and what they test.
 *   jvmm-engine-test --compare KVM_LOG JVMM_LOG [--known FILE]
 *	Compare two runs (see compare() below); FILE lists known differences
 *	as "<scenario> <key|*> <reason>" lines.  Exit 0 iff no unexplained
 *	difference and no failure.
 *
 * Every scenario runs in a child process with a watchdog (alarm, default
 * 20 s): a runaway guest ends as a FAIL, never as a hang; the parent kills a
 * child that does not end within twice that.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

#define DEFAULT_TIMEOUT	20

const struct scenario scenarios[] = {
	{ "hello", scn_hello, 0, 0, "real mode: \"Hello\" to port 0xe9, then HLT" },
	{ "memwrite", scn_memwrite, 0, 0, "real mode: a store the host sees in its mapping" },
	{ "pio", scn_pio, 0, 0, "IN/OUT of 8, 16 and 32 bits, immediate and DX ports" },
	{ "pmode32", scn_pmode32, 0, 0, "32-bit protected mode set up by KVM_SET_SREGS" },
	{ "longmode", scn_longmode, 0, 0, "64-bit mode set up by KVM_SET_SREGS" },
	{ "real-to-long", scn_real_to_long, 0, 0, "the guest walks from real mode to 64-bit mode" },
	{ "reset-state", scn_reset_state, 0, 0, "registers of a new vCPU" },
	{ "regs", scn_regs, 0, 0, "KVM_SET/GET_REGS and _SREGS round trips; the guest sees them" },
	{ "cpuid-vmx", scn_cpuid_vmx, 0, 0, "CPUID from KVM_SET_CPUID2 with VMX set: jvmm hides VMX" },
	{ "cpuid-default", scn_cpuid_default, 0, 0, "CPUID without KVM_SET_CPUID2: no VMX" },
	{ "memslots", scn_memslots, 0, 0, "two slots; slot argument errors" },
	{ "memslot-delete", scn_memslot_delete, 0, 0, "a deleted slot becomes MMIO" },
	{ "mmio", scn_mmio, 0, 0, "MMIO reads and writes outside every slot" },
	{ "vmcall-cpl0", scn_vmcall_cpl0, SCN_JVMM_ONLY, 0, "VMCALL at CPL 0: KVM_EXIT_HYPERCALL" },
	{ "vmcall-cpl3", scn_vmcall_cpl3, SCN_JVMM_ONLY, 0, "VMCALL at CPL 3: KVM_EXIT_HYPERCALL" },
	{ "irq-inject", scn_irq_inject, 0, 0, "KVM_INTERRUPT, request_interrupt_window" },
	{ "triple-fault", scn_triple_fault, 0, 0, "INT3 without an IDT: KVM_EXIT_SHUTDOWN" },
	{ "vmx-ud", scn_vmx_ud, 0, 0, "VMXOFF, VMLAUNCH, VMRESUME in the guest raise #UD" },
	{ "bad-sregs", scn_bad_sregs, 0, 0, "invalid guest state: KVM_EXIT_FAIL_ENTRY" },
	{ "signal", scn_signal, 0, 0, "a signal and immediate_exit end KVM_RUN with EINTR" },
	{ "host-fpu", scn_host_fpu, 0, 0, "the host's XMM0-15, MXCSR, FCW, XCR0 survive KVM_RUN" },
	{ "host-ymm", scn_host_ymm, 0, 0, "the same with YMM0-15 live (not on Bochs: see sc_host.c)" },
	{ "host-msrs", scn_host_msrs, 0, 0, "the host's SYSCALL MSRs and KERNEL_GS_BASE survive" },
	{ "host-debugregs", scn_host_debugregs, 0, 0, "the host's hardware breakpoints work after KVM_RUN" },
	{ "migrate", scn_migrate, SCN_SMP, 60, "a running vCPU thread moved between CPUs" },
	{ "two-vms", scn_two_vms, SCN_SMP, 60, "two VMs running at once" },
	{ "bad-args", scn_bad_args, 0, 0, "bad ioctl arguments get KVM's errors" },
	{ "cleanup", scn_cleanup, 0, 0, "kill -9 mid-run and odd close orders free everything" },
	{ "h-vmxon", scn_h_vmxon, 0, 0, "VMXON after CR4.VMXE was refused: #UD" },
	{ "h-vmxoff", scn_h_vmxoff, 0, 0, "VMXOFF in the guest: #UD" },
	{ "h-vmclear", scn_h_vmclear, 0, 0, "VMCLEAR in the guest: #UD" },
	{ "h-vmptrld", scn_h_vmptrld, 0, 0, "VMPTRLD in the guest: #UD" },
	{ "h-vmptrst", scn_h_vmptrst, 0, 0, "VMPTRST in the guest: #UD" },
	{ "h-vmread", scn_h_vmread, 0, 0, "VMREAD in the guest: #UD" },
	{ "h-vmwrite", scn_h_vmwrite, 0, 0, "VMWRITE in the guest: #UD" },
	{ "h-vmlaunch", scn_h_vmlaunch, 0, 0, "VMLAUNCH in the guest: #UD" },
	{ "h-vmresume", scn_h_vmresume, 0, 0, "VMRESUME in the guest: #UD" },
	{ "h-invept", scn_h_invept, 0, 0, "INVEPT in the guest: #UD" },
	{ "h-invvpid", scn_h_invvpid, 0, 0, "INVVPID in the guest: #UD" },
	{ "h-vmcall", scn_h_vmcall, 0, 0, "VMCALL with an unknown number: -KVM_ENOSYS in RAX" },
	{ "h-vmfunc", scn_h_vmfunc, 0, 0, "VMFUNC in the guest: #UD" },
	{ "h-invd", scn_h_invd, 0, 0, "INVD and WBINVD are skipped" },
	{ "h-wbinvd", scn_h_wbinvd, 0, 0, "WBINVD is intercepted, not run on the host" },
	{ "h-invlpg", scn_h_invlpg, 0, 0, "INVLPG of RAM, unmapped, MMIO, non-canonical addresses" },
	{ "h-invpcid", scn_h_invpcid, 0, 0, "INVPCID of every type without CPUID INVPCID" },
	{ "h-priv-insns", scn_h_priv_insns, 0, 0, "RDPMC, MONITOR, MWAIT, GETSEC, ENCLS, SWAPGS" },
	{ "h-cr0-bits", scn_h_cr0_bits, 0, 0, "MOV to CR0: every bit flipped, PG without PE, bit 32" },
	{ "h-cr3-reserved", scn_h_cr3_reserved, 0, 0, "MOV to CR3 with reserved bits" },
	{ "h-cr4-bits", scn_h_cr4_bits, 0, 0, "MOV to CR4: every bit flipped" },
	{ "h-cr4-vmxe", scn_h_cr4_vmxe, 0, 0, "CR4.VMXE: #GP, then VMXON #UD" },
	{ "h-cr4-smxe", scn_h_cr4_smxe, 0, 0, "CR4.SMXE: #GP, then GETSEC #UD" },
	{ "h-cr4-pke", scn_h_cr4_pke, 0, 0, "CR4.PKE without PKU: #GP" },
	{ "h-cr4-cet", scn_h_cr4_cet, 0, 0, "CR4.CET without CET: #GP" },
	{ "h-cr8", scn_h_cr8, 0, 0, "MOV to CR8 with reserved bits" },
	{ "h-dr-bits", scn_h_dr_bits, 0, 0, "DR6/DR7 bits 63:32 #GP (every bit tried)" },
	{ "h-dr-breakpoints", scn_h_dr_breakpoints, 0, 0, "breakpoints on the guest's code and data, GD, DR4" },
	{ "h-xsetbv-basic", scn_h_xsetbv_basic, 0, 0, "XSETBV/XGETBV: #UD without OSXSAVE, invalid XCR0 and indices" },
	{ "h-xsetbv-low-bits", scn_h_xsetbv_low_bits, 0, 0, "XSETBV of each XCR0 bit 2..31" },
	{ "h-xsetbv-high-bits", scn_h_xsetbv_high_bits, 0, 0, "XSETBV of each XCR0 bit 32..63" },
	{ "h-msr-efer", scn_h_msr_efer, 0, 0, "EFER: SCE, NXE, reserved bits, LME off" },
	{ "h-msr-syscall", scn_h_msr_syscall, 0, 0, "STAR/LSTAR/CSTAR/SFMASK: reset 0, junk, non-canonical" },
	{ "h-msr-sysenter", scn_h_msr_sysenter, 0, 0, "SYSENTER_CS/ESP/EIP: non-canonical #GP" },
	{ "h-msr-segbase", scn_h_msr_segbase, 0, 0, "FS/GS/KERNEL_GS base: junk, non-canonical" },
	{ "h-msr-pat", scn_h_msr_pat, 0, 0, "PAT: invalid types #GP" },
	{ "h-msr-debugctl", scn_h_msr_debugctl, 0, 0, "DEBUGCTL reserved bits" },
	{ "h-msr-spec-ctrl", scn_h_msr_spec_ctrl, 0, 0, "SPEC_CTRL, PRED_CMD, FLUSH_CMD, ARCH_CAPABILITIES" },
	{ "h-msr-feature-control", scn_h_msr_feature_control, 0, 0, "FEATURE_CONTROL: VMXON bits, lock" },
	{ "h-msr-misc-enable", scn_h_msr_misc_enable, 0, 0, "MISC_ENABLE writes" },
	{ "h-msr-apic-base", scn_h_msr_apic_base, 0, 0, "APIC_BASE: reserved bits, x2APIC, relocation" },
	{ "h-msr-mtrr", scn_h_msr_mtrr, 0, 0, "MTRRcap, def type, variable and fixed MTRRs" },
	{ "h-msr-tsc", scn_h_msr_tsc, 0, 0, "TSC and TSC_ADJUST writes" },
	{ "h-msr-tsc-aux", scn_h_msr_tsc_aux, 0, 0, "TSC_AUX and RDTSCP" },
	{ "h-msr-xss-cet", scn_h_msr_xss_cet, 0, 0, "XSS and the CET MSRs 0x6a0-0x6a8" },
	{ "h-msr-vmx-caps", scn_h_msr_vmx_caps, 0, 0, "the VMX capability MSRs 0x480-0x491" },
	{ "h-msr-random", scn_h_msr_random, 0, 0, "RDMSR/WRMSR of random indices" },
	{ "h-ports-scan", scn_h_ports_scan, 0, 0, "OUT/IN of 1, 2, 4 bytes on every 257th port" },
	{ "h-ports-edge", scn_h_ports_edge, 0, 0, "ports 0-3, 0xfffc-0xffff, wide accesses at the top" },
	{ "h-string-out", scn_h_string_out, 0, 0, "REP OUTSB/W/L of 4 KiB, OUTSB, count 0" },
	{ "h-string-in", scn_h_string_in, 0, 0, "REP INSB/W/L of 4 KiB, INSB with DF = 1" },
	{ "h-string-huge", scn_h_string_huge, 0, 0, "REP with RCX = ~0 into an unmapped page; 67h with junk in RCX" },
	{ "h-string-mmio-src", scn_h_string_mmio_src, 0, 0, "REP OUTSB from MMIO" },
	{ "h-string-mmio-dst", scn_h_string_mmio_dst, 0, 0, "REP INSB into MMIO" },
	{ "h-mmio-loads", scn_h_mmio_loads, 0, 0, "MMIO loads: sizes, prefixes, unaligned, across pages" },
	{ "h-mmio-stores", scn_h_mmio_stores, 0, 0, "MMIO stores: sizes, prefixes, LOCK, MOVNTI" },
	{ "h-mmio-rmw", scn_h_mmio_rmw, 0, 0, "MMIO XCHG, ADD, CMPXCHG, MOVS" },
	{ "h-past-ram", scn_h_past_ram, 0, 0, "accesses at and past the end of RAM" },
	{ "h-insn15-cross", scn_h_insn15_cross, 0, 0, "a 15-byte MMIO store crossing a page" },
	{ "h-insn16", scn_h_insn16, 0, 0, "a 16-byte instruction: #GP" },
	{ "h-insn15-unmapped", scn_h_insn15_unmapped, 0, 0, "a 15-byte instruction ending on an unmapped page" },
	{ "h-fetch-mmio", scn_h_fetch_mmio, 0, 0, "instruction fetch from MMIO" },
	{ "h-fetch-unmapped", scn_h_fetch_unmapped, 0, 0, "instruction fetch from unmapped and non-canonical addresses" },
	{ "h-storm-ud", scn_h_storm_ud, 0, 0, "2000 #UD" },
	{ "h-storm-gp", scn_h_storm_gp, 0, 0, "2000 #GP of RDMSR, 2000 of non-canonical reads" },
	{ "h-storm-pf", scn_h_storm_pf, 0, 0, "2000 #PF" },
	{ "h-storm-mixed", scn_h_storm_mixed, 0, 0, "#DE, #BP, #UD, #PF, #GP storms" },
	{ "h-double-fault", scn_h_double_fault, 0, 0, "#GP and #PF through absent gates: #DF" },
	{ "h-triple-fault", scn_h_triple_fault, 0, 0, "#GP with #GP and #DF gates absent: shutdown" },
	{ "h-hlt-if0", scn_h_hlt_if0, 0, 0, "HLT with IF = 0: KVM_EXIT_HLT, the guest goes on" },
	{ "h-inject-0-15", scn_h_inject_0_15, 0, 0, "KVM_INTERRUPT of vectors 0-15" },
	{ "h-inject-16-31", scn_h_inject_16_31, 0, 0, "KVM_INTERRUPT of vectors 16-31" },
	{ "h-inject-255", scn_h_inject_255, 0, 0, "KVM_INTERRUPT of vectors 255, 32, 47, 0x80" },
	{ "h-exc-stack-mmio", scn_h_exc_stack_mmio, 0, 0, "#UD delivered onto a stack in MMIO" },
	{ "h-exc-stack-unmapped", scn_h_exc_stack_unmapped, 0, 0, "#UD delivered onto an unmapped stack: shutdown" },
	{ "h-syscall-no-sce", scn_h_syscall_no_sce, 0, 0, "SYSCALL without EFER.SCE: #UD" },
	{ "h-syscall-reset", scn_h_syscall_reset, 0, 0, "SYSCALL with reset MSRs lands at 0" },
	{ "h-syscall-set", scn_h_syscall_set, 0, 0, "SYSCALL with the guest's STAR/LSTAR/SFMASK" },
	{ "h-sysenter-reset", scn_h_sysenter_reset, 0, 0, "SYSENTER with SYSENTER_CS = 0: #GP" },
	{ "h-sysenter-set", scn_h_sysenter_set, 0, 0, "SYSENTER with the guest's SYSENTER MSRs" },
	{ "h-kgs-user-exit", scn_h_kgs_user_exit, 0, 0, "KERNEL_GS_BASE across exits with host GS = 0x2b" },
	{ "h-real-gp-ffff", scn_h_real_gp_ffff, 0, 0, "real mode: #GP at DS:0xFFFF, IVT page untouched" },
	{ "h-real-ud", scn_h_real_ud, 0, 0, "real mode: #UD, IVT page untouched" },
	{ "h-real-gp-touched", scn_h_real_gp_touched, 0, 0, "real mode: #GP at DS:0xFFFF, IVT read first" },
	{ "h-smp-syscall-reset", scn_h_smp_syscall_reset, SCN_SMP, 0, "SYSCALL with reset MSRs lands at 0, moving CPUs" },
	{ "h-smp-syscall-set", scn_h_smp_syscall_set, SCN_SMP, 0, "SYSCALL with the guest's STAR/LSTAR/SFMASK, moving CPUs" },
	{ "h-smp-sysenter-set", scn_h_smp_sysenter_set, SCN_SMP, 0, "SYSENTER with the guest's SYSENTER MSRs, moving CPUs" },
	{ "h-smp-kgs-user-exit", scn_h_smp_kgs_user_exit, SCN_SMP, 0, "KERNEL_GS_BASE across exits with host GS = 0x2b, moving CPUs" },
	{ "h-smp-msr-syscall", scn_h_smp_msr_syscall, SCN_SMP, 0, "STAR/LSTAR/CSTAR/SFMASK: reset 0, junk, non-canonical, moving CPUs" },
	{ "h-smp-msr-sysenter", scn_h_smp_msr_sysenter, SCN_SMP, 0, "SYSENTER_CS/ESP/EIP: non-canonical #GP, moving CPUs" },
	{ "h-smp-msr-segbase", scn_h_smp_msr_segbase, SCN_SMP, 0, "FS/GS/KERNEL_GS base: junk, non-canonical, moving CPUs" },
	{ "h-smp-msr-pat", scn_h_smp_msr_pat, SCN_SMP, 0, "PAT: invalid types #GP, moving CPUs" },
	{ "h-smp-msr-tsc-aux", scn_h_smp_msr_tsc_aux, SCN_SMP, 0, "TSC_AUX and RDTSCP, moving CPUs" },
	{ "h-smp-xsetbv-basic", scn_h_smp_xsetbv_basic, SCN_SMP, 0, "XSETBV/XGETBV: #UD without OSXSAVE, invalid XCR0 and indices, moving CPUs" },
	{ "h-smp-dr-breakpoints", scn_h_smp_dr_breakpoints, SCN_SMP, 0, "breakpoints on the guest's code and data, GD, DR4, moving CPUs" },
	{ "h-smp-storm-mixed", scn_h_smp_storm_mixed, SCN_SMP, 0, "#DE, #BP, #UD, #PF, #GP storms, moving CPUs" },
	{ "h-smp-ports-edge", scn_h_smp_ports_edge, SCN_SMP, 0, "ports 0-3, 0xfffc-0xffff, wide accesses at the top, moving CPUs" },
	{ "h-smp-inject-0-15", scn_h_smp_inject_0_15, SCN_SMP, 0, "KVM_INTERRUPT of vectors 0-15, moving CPUs" },
	{ "h-smp-real-gp-ffff", scn_h_smp_real_gp_ffff, SCN_SMP, 0, "real mode: #GP at DS:0xFFFF, IVT page untouched, moving CPUs" },
};
const size_t nr_scenarios = ARRAY_SIZE(scenarios);

extern jmp_buf g_abort_jmp;

static void on_alarm(int sig)
{
	(void)sig;
	g_alarm_fired = 1;
}

static const struct scenario *find_scenario(const char *name)
{
	size_t i;

	for (i = 0; i < nr_scenarios; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

/* In the child: run one scenario; exit 0 if all its checks held. */
static void __attribute__((noreturn)) child(const struct scenario *s)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: KVM_RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	g_alarm_fired = 0;
	alarm(s->timeout ? s->timeout : DEFAULT_TIMEOUT);

	scenario_begin(s->name);
	if (!setjmp(g_abort_jmp))
		s->fn();
	scenario_end();
	fflush(stdout);
	_exit(g_failures ? 1 : 0);
}

/* Run one scenario in a child; returns 0 pass, 1 fail, 2 skip. */
static int run_scenario(const struct scenario *s)
{
	unsigned int limit = 2 * (s->timeout ? s->timeout : DEFAULT_TIMEOUT) + 10;
	uint64_t deadline = now_ns() + (uint64_t)limit * 1000000000ull;
	int status;
	pid_t pid;

	if ((s->flags & SCN_JVMM_ONLY) && g_reference) {
		printf("skip: %s: jvmm-only (a jvmm extension of the KVM API)\n", s->name);
		printf("end: %s skip\n", s->name);
		fflush(stdout);
		return 2;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("FAIL: %s: fork: %s\n", s->name, strerror(errno));
		printf("end: %s fail\n", s->name);
		return 1;
	}
	if (pid == 0)
		child(s);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			printf("FAIL: %s: waitpid: %s\n", s->name, strerror(errno));
			printf("end: %s fail\n", s->name);
			return 1;
		}
		if (now_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("FAIL: %s: did not end within %u s; killed (stuck in the kernel?)\n",
			       s->name, limit);
			printf("end: %s timeout\n", s->name);
			fflush(stdout);
			return 1;
		}
		sleep_ms(20);
	}
	if (WIFSIGNALED(status)) {
		printf("FAIL: %s: the test process died of signal %d (%s)\n", s->name,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
		printf("end: %s crash\n", s->name);
		fflush(stdout);
		return 1;
	}
	printf("end: %s %s\n", s->name, WEXITSTATUS(status) ? "fail" : "pass");
	fflush(stdout);
	return WEXITSTATUS(status) ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: jvmm-engine-test [--device PATH] [--kvm-reference] [SCENARIO...]\n"
		"       jvmm-engine-test --list\n"
		"       jvmm-engine-test --compare KVM_LOG JVMM_LOG [--known FILE]\n");
}

int compare_main(const char *kvm_log, const char *jvmm_log, const char *known);

int main(int argc, char **argv)
{
	const struct scenario *list[256];
	size_t n = 0, i;
	int failed = 0, passed = 0, skipped = 0, force_ref = 0;
	int a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--device") && a + 1 < argc) {
			g_device = argv[++a];
		} else if (!strcmp(argv[a], "--kvm-reference")) {
			force_ref = 1;
		} else if (!strcmp(argv[a], "--list")) {
			for (i = 0; i < nr_scenarios; i++)
				printf("%-22s %-10s %s\n", scenarios[i].name,
				       scenarios[i].flags & SCN_JVMM_ONLY ? "jvmm-only" :
				       scenarios[i].flags & SCN_SMP ? "smp" : "-",
				       scenarios[i].what);
			return 0;
		} else if (!strcmp(argv[a], "--compare") && a + 2 < argc) {
			const char *known = NULL;

			if (a + 4 < argc && !strcmp(argv[a + 3], "--known"))
				known = argv[a + 4];
			return compare_main(argv[a + 1], argv[a + 2], known);
		} else if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[a][0] == '-') {
			usage(stderr);
			return 2;
		} else {
			const struct scenario *s = find_scenario(argv[a]);

			if (!s) {
				fprintf(stderr, "jvmm-engine-test: unknown scenario '%s' (see --list)\n",
					argv[a]);
				return 2;
			}
			if (n < ARRAY_SIZE(list))
				list[n++] = s;
		}
	}
	if (!n)
		for (i = 0; i < nr_scenarios && n < ARRAY_SIZE(list); i++)
			list[n++] = &scenarios[i];
	g_reference = force_ref || !strcmp(g_device, "/dev/kvm");
	printf("device: %s (%s)\n", g_device, g_reference ? "KVM reference" : "jvmm");

	for (i = 0; i < n; i++) {
		switch (run_scenario(list[i])) {
		case 0: passed++; break;
		case 1: failed++; break;
		default: skipped++; break;
		}
	}
	printf("summary: %s: %d passed, %d failed, %d skipped\n", g_device, passed,
	       failed, skipped);
	return failed ? 1 : 0;
}
