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
	const struct scenario *list[64];
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
				printf("%-16s %-10s %s\n", scenarios[i].name,
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
