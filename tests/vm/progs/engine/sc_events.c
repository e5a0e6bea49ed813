// SPDX-License-Identifier: GPL-2.0
/*
 * sc_events.c - hypercalls, interrupt injection, shutdown, failed entry,
 * signals and immediate_exit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include "engine.h"

static struct vm vm;
static struct vcpu v;

static void boot(struct blob b, enum cpu_mode mode)
{
	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);
	vm_load(&vm, b);
	vcpu_setup(&v, mode);
}

static const char *tok_of(int r)
{
	static char tok[96];

	if (r < 0)
		snprintf(tok, sizeof(tok), "error:%s", errno_name(-r));
	else
		exit_token(&v, tok, sizeof(tok));
	return tok;
}

/* The word after hypercall.ret: "longmode" (+pad) or "flags" by header age. */
static uint64_t hypercall_flags(void)
{
	uint64_t f;

	memcpy(&f, &v.run->hypercall.ret + 1, sizeof(f));
	return f;
}

/* From the VMCALL exit on: check it, answer, and see the guest echo. */
static void hypercall_round_trip(unsigned int cpl)
{
	const uint64_t answer = 0xfeedface12345678ull;
	struct kvm_regs regs;
	uint64_t vmcall_rip, flags;
	uint32_t outs[4];
	unsigned int i;
	char what[96];
	int r;

	r = vrun(&v);
	if (r < 0 || v.run->exit_reason != KVM_EXIT_HYPERCALL) {
		res("exit", "%s", tok_of(r));
		abort_scenario("VMCALL: got %s, want KVM_EXIT_HYPERCALL", tok_of(r));
	}
	ok("VMCALL at CPL %u: KVM_EXIT_HYPERCALL", cpl);
	expect_u64("nr = RAX", v.run->hypercall.nr, 0x1122334455667788ull);
	for (i = 0; i < 6; i++) {
		static const char * const regs_name[] = { "RBX", "RCX", "RDX", "RSI", "RDI", "R8" };

		snprintf(what, sizeof(what), "args[%u] = %s", i, regs_name[i]);
		expect_u64(what, v.run->hypercall.args[i], 0x11 * (i + 1));
	}
	flags = hypercall_flags();
	expect_u64("flags bit 0: 64-bit mode", flags & JVMM_HYPERCALL_FLAG_LONG_MODE, 1);
	expect_u64("JVMM_HYPERCALL_CPL(flags)", JVMM_HYPERCALL_CPL(flags), cpl);
	get_regs(&v, &regs);
	vmcall_rip = regs.rip;
	check(vmcall_rip + 3 <= GUEST_MEM_SIZE &&
	      !memcmp(vm.mem + vmcall_rip, "\x0f\x01\xc1", 3),
	      "RIP at the exit points at the VMCALL");
	res("nr", "%llx", (unsigned long long)v.run->hypercall.nr);
	res("args", "%llx,%llx,%llx,%llx,%llx,%llx",
	    (unsigned long long)v.run->hypercall.args[0], (unsigned long long)v.run->hypercall.args[1],
	    (unsigned long long)v.run->hypercall.args[2], (unsigned long long)v.run->hypercall.args[3],
	    (unsigned long long)v.run->hypercall.args[4], (unsigned long long)v.run->hypercall.args[5]);
	res("flags", "%llx", (unsigned long long)flags);

	v.run->hypercall.ret = answer;
	for (i = 0; i < 2; i++) {
		r = vrun(&v);
		if (r < 0 || v.run->exit_reason != KVM_EXIT_IO || v.run->io.port != PORT_OUT) {
			res("exit", "%s", tok_of(r));
			abort_scenario("echo #%u: got %s, want an OUT to 0xe9", i, tok_of(r));
		}
		outs[i] = io_out_value(&v);
		if (i == 0) {
			get_regs(&v, &regs);
			expect_u64("the guest went on right after the VMCALL (RIP at the OUT)",
				   regs.rip, vmcall_rip + 3);
		}
	}
	expect_u64("RAX after the next KVM_RUN = run->hypercall.ret (low)", outs[0], (uint32_t)answer);
	expect_u64("RAX after the next KVM_RUN = run->hypercall.ret (high)", outs[1], answer >> 32);
	res("echo", "%x,%x", outs[0], outs[1]);
}

void scn_vmcall_cpl0(void)
{
	int r;

	boot(BLOB(vmcall0), MODE_LONG);
	hypercall_round_trip(0);
	r = vrun(&v);
	if (r < 0 || v.run->exit_reason != KVM_EXIT_HLT)
		fail("then HLT: got %s", tok_of(r));
	else
		ok("then HLT");
	res("exit", "%s", tok_of(r));
}

void scn_vmcall_cpl3(void)
{
	int r;

	boot(BLOB(vmcall3), MODE_LONG);
	r = vrun(&v);
	if (r < 0 || v.run->exit_reason != KVM_EXIT_IO || v.run->io.port != PORT_OUT) {
		res("exit", "%s", tok_of(r));
		abort_scenario("IRETQ to ring 3: got %s, want the OUT of CS", tok_of(r));
	}
	expect_u64("the guest is in ring 3 (CS = user code | 3)", io_out_value(&v),
		   SEL_USER_CODE64 | 3);
	hypercall_round_trip(3);
}

static void record(char *seq, size_t len, int r)
{
	size_t l = strlen(seq);

	snprintf(seq + l, len - l, "%s%s[i%u,r%u]", l ? "," : "", tok_of(r),
		 r < 0 ? 9 : v.run->if_flag, r < 0 ? 9 : v.run->ready_for_interrupt_injection);
}

static long interrupt(uint32_t irq)
{
	struct kvm_interrupt i = { .irq = irq };

	return ioctl(v.fd, KVM_INTERRUPT, &i);
}

void scn_irq_inject(void)
{
	static const char want[] =
		"out:10:4:1[i0,r0],irq_window_open[i1,r1],out:e9:4:1[i0,r0],hlt[i1,r1],"
		"out:e9:4:2[i0,r0],hlt[i1,r1]";
	char seq[512] = "";
	long ret;
	int r, err;

	boot(BLOB(irq), MODE_PM32);
	/* 1. The guest is set up and reports with IF = 0. */
	r = vrun(&v);
	record(seq, sizeof(seq), r);
	/* 2. Ask for the interrupt window: it opens after STI; NOP. */
	v.run->request_interrupt_window = 1;
	r = vrun(&v);
	record(seq, sizeof(seq), r);
	check(r == 0 && v.run->exit_reason == KVM_EXIT_IRQ_WINDOW_OPEN &&
	      v.run->ready_for_interrupt_injection,
	      "request_interrupt_window: KVM_EXIT_IRQ_WINDOW_OPEN, ready_for_interrupt_injection");
	/* 3. Inject; again before KVM_RUN; vector 256 is refused. */
	ret = interrupt(0x20);
	err = errno;
	check(ret == 0, "KVM_INTERRUPT 0x20 at the open window");
	res("inject1", "%s", ret_name(ret, err));
	/*
	 * KVM without an in-kernel irqchip takes a second vector before
	 * KVM_RUN (the last one wins); the same vector again keeps the
	 * guest's course the same either way.
	 */
	ret = interrupt(0x20);
	err = errno;
	check(ret == 0, "KVM_INTERRUPT again before KVM_RUN: accepted (as KVM without an in-kernel irqchip does)");
	if (ret < 0)
		info("the second KVM_INTERRUPT failed with %s", errno_name(err));
	res("inject_twice", "%s", ret_name(ret, err));
	ret = interrupt(256);
	err = errno;
	expect_errno("KVM_INTERRUPT 256", ret, err, EINVAL);
	res("inject_256", "%s", ret_name(ret, err));
	v.run->request_interrupt_window = 0;
	/* 4. The handler runs (OUT 1), IRETs to the HLT. */
	r = vrun(&v);
	record(seq, sizeof(seq), r);
	r = vrun(&v);
	record(seq, sizeof(seq), r);
	/* 5. Inject at HLT: the handler runs again (OUT 2), back to HLT. */
	ret = interrupt(0x20);
	err = errno;
	check(ret == 0, "KVM_INTERRUPT 0x20 after HLT");
	res("inject2", "%s", ret_name(ret, err));
	r = vrun(&v);
	record(seq, sizeof(seq), r);
	r = vrun(&v);
	record(seq, sizeof(seq), r);
	expect_str("exits [IF, ready_for_interrupt_injection]", seq, want);
	res("seq", "%s", seq);
}

/* INT3 with IDT limit 0 in @mode. */
static const char *triple_fault(enum cpu_mode mode)
{
	static char tok[96];
	struct kvm_sregs s;
	int r;

	boot(BLOB(int3), mode);
	get_sregs(&v, &s);
	s.idt.base = 0;
	s.idt.limit = 0;
	set_sregs(&v, &s);
	r = vrun(&v);
	snprintf(tok, sizeof(tok), "%s", tok_of(r));
	vcpu_close(&v);
	vm_close(&vm);
	return tok;
}

void scn_triple_fault(void)
{
	const char *t;

	t = triple_fault(MODE_PM32);
	expect_str("protected mode, INT3 with an empty IDT", t, "shutdown");
	res("pm32", "%s", t);
	t = triple_fault(MODE_REAL);
	expect_str("real mode, INT3 with an empty IVT", t, "shutdown");
	res("real", "%s", t);
	t = triple_fault(MODE_LONG);
	expect_str("64-bit mode, INT3 with an empty IDT", t, "shutdown");
	res("long", "%s", t);
}

/* VMX instructions in the guest: #UD, handled by the guest's own IDT. */
void scn_vmx_ud(void)
{
	uint32_t opcodes[3];
	size_t n = 0;
	char buf[64], tok[96];
	int r;

	boot(BLOB(vmxud), MODE_PM32);
	for (;;) {
		r = vrun(&v);
		if (r < 0 || v.run->exit_reason != KVM_EXIT_IO || v.run->io.port != PORT_OUT)
			break;
		if (n < ARRAY_SIZE(opcodes))
			opcodes[n++] = io_out_value(&v);
	}
	check(r >= 0 && v.run->exit_reason == KVM_EXIT_IO && v.run->io.port == PORT_SYNC,
	      "the guest reports after the three instructions");
	expect_u64("#UDs counted by the guest", r >= 0 ? io_out_value(&v) : 0, 3);
	expect_str("faulting instructions (third opcode byte)",
		   join_hex(opcodes, n, buf, sizeof(buf)), "c4,c2,c3");
	r = vrun(&v);
	res("ud", "%s", join_hex(opcodes, n, buf, sizeof(buf)));
	res("exit", "%s", r < 0 ? tok_of(r) : exit_token(&v, tok, sizeof(tok)));
}

static const char *bad_entry(const char *what, void (*spoil)(struct kvm_sregs *))
{
	static char tok[96];
	struct kvm_sregs s;
	long ret;
	int r;

	boot(BLOB(hlt), MODE_PM32);
	get_sregs(&v, &s);
	spoil(&s);
	ret = ioctl(v.fd, KVM_SET_SREGS, &s);
	if (ret < 0) {
		snprintf(tok, sizeof(tok), "set_sregs:%s", errno_name(errno));
	} else {
		r = vrun(&v);
		snprintf(tok, sizeof(tok), "%s", tok_of(r));
	}
	info("%s: %s", what, tok);
	vcpu_close(&v);
	vm_close(&vm);
	return tok;
}

static void spoil_tr(struct kvm_sregs *s)
{
	s->tr.unusable = 1;
	s->tr.present = 0;
}

static void spoil_cs(struct kvm_sregs *s)
{
	s->cs.type = 5;		/* read-only expand-down data: never valid for CS */
}

void scn_bad_sregs(void)
{
	const char *t;

	t = bad_entry("TR unusable", spoil_tr);
	expect_str("TR unusable: KVM_EXIT_FAIL_ENTRY, invalid guest state (0x80000021)", t,
		   "fail_entry:80000021");
	res("tr_unusable", "%s", t);
	t = bad_entry("CS type 5", spoil_cs);
	expect_str("CS of type 5: KVM_EXIT_FAIL_ENTRY, invalid guest state (0x80000021)", t,
		   "fail_entry:80000021");
	res("cs_type5", "%s", t);
}

static int raw_run(void)
{
	return ioctl(v.fd, KVM_RUN, 0) < 0 ? -errno : 0;
}

void scn_signal(void)
{
	struct itimerval it = { .it_value = { 0, 50000 } };
	struct kvm_regs regs;
	unsigned int i;
	uint64_t t0;
	int r;

	boot(BLOB(spin), MODE_REAL);
	vcpu_set_if(&v);
	r = vrun(&v);
	if (r < 0 || v.run->exit_reason != KVM_EXIT_IO)
		abort_scenario("first exit: got %s, want the OUT", tok_of(r));
	ok("the guest reached its OUT");

	/* immediate_exit: KVM_RUN returns EINTR at once (the OUT still completes). */
	v.run->immediate_exit = 1;
	r = raw_run();
	v.run->immediate_exit = 0;
	if (r == -EINTR)
		ok("immediate_exit = 1: KVM_RUN fails with EINTR");
	else
		fail("immediate_exit = 1: got %s, want EINTR", r < 0 ? errno_name(-r) : "success");
	get_regs(&v, &regs);
	/* KVM completes the pending OUT first and leaves exit_reason alone. */
	expect_str("immediate_exit: exit_reason still that of the last exit (KVM's behaviour)",
		   exit_name(v.run->exit_reason), "io");
	expect_u64("immediate_exit: the pending OUT was completed (RIP past it)", regs.rip,
		   GUEST_CODE + 4);
	res("imm", "%s", r < 0 ? errno_name(-r) : "ok");
	res("imm_exit_reason", "%s", exit_name(v.run->exit_reason));
	res("imm_rip", "%llx", (unsigned long long)regs.rip);

	/* A timer signal ends a KVM_RUN that spins without exits, twice. */
	for (i = 0; i < 2; i++) {
		char key[16];

		alarm(0);
		g_alarm_fired = 0;
		t0 = now_ns();
		setitimer(ITIMER_REAL, &it, NULL);
		r = raw_run();
		snprintf(key, sizeof(key), "sig%u", i + 1);
		if (r == -EINTR && v.run->exit_reason == KVM_EXIT_INTR)
			ok("SIGALRM during a spinning guest (#%u): EINTR, KVM_EXIT_INTR", i + 1);
		else
			fail("SIGALRM during a spinning guest (#%u): got %s / %s, want EINTR / intr",
			     i + 1, r < 0 ? errno_name(-r) : "success", exit_name(v.run->exit_reason));
		check(now_ns() - t0 < 5000000000ull, "KVM_RUN returned within 5 s of the signal");
		get_regs(&v, &regs);
		expect_u64("RIP still at the JMP $", regs.rip, GUEST_CODE + 4);
		res(key, "%s:%s:%llx", r < 0 ? errno_name(-r) : "ok",
		    exit_name(v.run->exit_reason), (unsigned long long)regs.rip);
	}
	g_alarm_fired = 0;
	alarm(20);
}
