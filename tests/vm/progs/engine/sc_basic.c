// SPDX-License-Identifier: GPL-2.0
/*
 * sc_basic.c - guests in each CPU mode, port I/O, registers, CPUID.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "engine.h"

#define EFER_LME	0x100
#define EFER_LMA	0x400
#define CR0_PE		0x1
#define CR0_PG		0x80000000u
#define CR4_PAE		0x20

static struct vm vm;
static struct vcpu v;

/* A VM with one vCPU running @b from GUEST_CODE in @mode. */
static void boot(struct blob b, enum cpu_mode mode)
{
	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);
	vm_load(&vm, b);
	vcpu_setup(&v, mode);
}

static void expect_exit(const char *what, int r, uint32_t want)
{
	char tok[96];

	if (r < 0)
		fail("%s: KVM_RUN failed with %s, want exit %s", what, errno_name(-r),
		     exit_name(want));
	else if ((uint32_t)r != want)
		fail("%s: got exit %s, want %s", what, exit_token(&v, tok, sizeof(tok)),
		     exit_name(want));
	else
		ok("%s: exit %s", what, exit_name(want));
}

static const char *final_exit(int r)
{
	static char tok[96];

	if (r < 0)
		snprintf(tok, sizeof(tok), "error:%s", errno_name(-r));
	else
		exit_token(&v, tok, sizeof(tok));
	return tok;
}

void scn_hello(void)
{
	char text[16] = "", buf[64];
	struct kvm_regs regs;
	uint64_t rip_at_first = 0;
	unsigned int i, n = 0, sizes_ok = 1;
	int r = 0;

	boot(BLOB(hello), MODE_REAL);
	for (i = 0; i < 20; i++) {
		r = vrun(&v);
		if (r < 0 || v.run->exit_reason != KVM_EXIT_IO)
			break;
		if (v.run->io.direction != KVM_EXIT_IO_OUT || v.run->io.port != PORT_OUT ||
		    v.run->io.size != 1 || v.run->io.count != 1)
			sizes_ok = 0;
		if (n == 0) {
			get_regs(&v, &regs);
			rip_at_first = regs.rip;
		}
		if (n < sizeof(text) - 1)
			text[n++] = *io_data(&v);
	}
	r = r < 0 ? r : (int)v.run->exit_reason;
	expect_str("the guest wrote \"Hello\" to port 0xe9", text, "Hello");
	check(sizes_ok, "each KVM_EXIT_IO: OUT, port 0xe9, size 1, count 1");
	expect_exit("then HLT", r, KVM_EXIT_HLT);
	get_regs(&v, &regs);
	expect_u64("RIP after HLT is past it", regs.rip, GUEST_CODE + 0xc);
	/* KVM steps over an OUT when KVM_RUN resumes, not before the exit. */
	info("RIP at the first OUT exit: 0x%llx", (unsigned long long)rip_at_first);
	res("out", "%s", text);
	res("io_ok", "%u", sizes_ok);
	res("exit", "%s", final_exit(r));
	res("rip_at_out", "%llx", (unsigned long long)rip_at_first);
	res("rip", "%llx", (unsigned long long)regs.rip);
	(void)buf;
}

void scn_memwrite(void)
{
	int r;

	boot(BLOB(memwrite), MODE_REAL);
	vm.mem[0x400] = 0;
	r = vrun(&v);
	r = r < 0 ? r : (int)v.run->exit_reason;
	expect_exit("the store, then HLT", r, KVM_EXIT_HLT);
	expect_u64("the host reads 42 at gpa 0x400", vm.mem[0x400], 42);
	res("exit", "%s", final_exit(r));
	res("mem400", "%u", vm.mem[0x400]);
}

void scn_pio(void)
{
	static const struct { uint16_t port; uint8_t size; uint32_t answer; } ins[] = {
		{ PORT_IN8, 1, 0x5a }, { PORT_IN16, 2, 0x1234 }, { PORT_IN32, 4, 0xdeadbeef },
		{ PORT_IN8, 1, 0xc3 },
	};
	static const uint32_t want_outs[] = {
		0xaabbcc5a, 0x11221234, 0xdeadbeef, 0xf0, 0xdef0, 0x9abcdef0, 0x556677c3,
	};
	char seq[1024] = "", tok[64];
	uint32_t outs[16];
	size_t l = 0, nouts = 0, nin = 0, i;
	int r = 0;

	boot(BLOB(pio), MODE_REAL);
	for (i = 0; i < 32; i++) {
		r = vrun(&v);
		if (r < 0 || v.run->exit_reason != KVM_EXIT_IO)
			break;
		l += snprintf(seq + l, sizeof(seq) - l, "%s%s", l ? "," : "",
			      exit_token(&v, tok, sizeof(tok)));
		if (v.run->io.direction == KVM_EXIT_IO_IN) {
			if (nin < ARRAY_SIZE(ins) && v.run->io.port == ins[nin].port &&
			    v.run->io.size == ins[nin].size) {
				io_in_answer(&v, ins[nin].answer);
			} else {
				fail("IN #%zu: got port 0x%x size %u, want port 0x%x size %u", nin,
				     v.run->io.port, v.run->io.size,
				     nin < ARRAY_SIZE(ins) ? ins[nin].port : 0,
				     nin < ARRAY_SIZE(ins) ? ins[nin].size : 0);
			}
			nin++;
		} else if (nouts < ARRAY_SIZE(outs)) {
			outs[nouts++] = io_out_value(&v);
		}
	}
	r = r < 0 ? r : (int)v.run->exit_reason;
	expect_exit("all port I/O, then HLT", r, KVM_EXIT_HLT);
	expect_u64("number of IN exits", nin, ARRAY_SIZE(ins));
	expect_u64("number of OUT exits", nouts, ARRAY_SIZE(want_outs));
	for (i = 0; i < ARRAY_SIZE(want_outs) && i < nouts; i++) {
		static const char * const what[] = {
			"8-bit IN 0x60 merged into EAX (host answered 0x5a)",
			"16-bit IN 0x61 merged into EAX (host answered 0x1234)",
			"32-bit IN 0x62 (host answered 0xdeadbeef)",
			"8-bit OUT to DX port 0x1234",
			"16-bit OUT to DX port 0x1234",
			"32-bit OUT to DX port 0x1234",
			"8-bit IN from DX port 0x60 merged into EAX",
		};
		expect_u64(what[i], outs[i], want_outs[i]);
	}
	res("seq", "%s", seq);
	res("exit", "%s", final_exit(r));
}

void scn_pmode32(void)
{
	static const uint32_t want[] = {
		0x11111111, 0x22222222, 0x33333333, 0x44444444, GUEST_STACK, 0x12345678,
	};
	uint32_t outs[16], mem500;
	char buf[256];
	size_t n = 0, i;
	int r;

	boot(BLOB(pmode32), MODE_PM32);
	r = run_collect(&v, outs, ARRAY_SIZE(outs), &n, 50);
	expect_exit("32-bit loop, then HLT", r, KVM_EXIT_HLT);
	expect_u64("number of OUTs", n, ARRAY_SIZE(want));
	for (i = 0; i < n && i < ARRAY_SIZE(want); i++) {
		snprintf(buf, sizeof(buf), "OUT #%zu", i);
		expect_u64(buf, outs[i], want[i]);
	}
	memcpy(&mem500, vm.mem + 0x500, 4);
	expect_u64("the guest's 32-bit store at 0x500", mem500, 0x55555555);
	res("outs", "%s", join_hex(outs, n < 16 ? n : 16, buf, sizeof(buf)));
	res("mem500", "%x", mem500);
	res("exit", "%s", final_exit(r));
}

void scn_longmode(void)
{
	const uint64_t k = 0x123456789abcdef0ull;
	struct kvm_sregs s;
	struct kvm_regs regs;
	uint32_t outs[16];
	uint64_t mem600;
	char buf[256];
	size_t n = 0;
	int r;

	boot(BLOB(long64), MODE_LONG);
	r = run_collect(&v, outs, ARRAY_SIZE(outs), &n, 50);
	expect_exit("64-bit code, then HLT", r, KVM_EXIT_HLT);
	expect_u64("number of OUTs", n, 3);
	if (n >= 3) {
		expect_u64("low half of the 64-bit constant", outs[0], (uint32_t)k);
		expect_u64("high half of the 64-bit constant", outs[1], k >> 32);
		expect_u64("RIP-relative LEA", outs[2], GUEST_CODE);
	}
	get_regs(&v, &regs);
	expect_u64("KVM_GET_REGS: RBX holds the constant", regs.rbx, k);
	expect_u64("KVM_GET_REGS: RCX (through the stack)", regs.rcx, k);
	expect_u64("KVM_GET_REGS: RSP back at the stack top", regs.rsp, GUEST_STACK);
	memcpy(&mem600, vm.mem + 0x600, 8);
	expect_u64("64-bit store at 0x600", mem600, k);
	get_sregs(&v, &s);
	expect_u64("EFER still has LME and LMA", s.efer & (EFER_LME | EFER_LMA), EFER_LME | EFER_LMA);
	expect_u64("CS.L", s.cs.l, 1);
	res("outs", "%s", join_hex(outs, n < 16 ? n : 16, buf, sizeof(buf)));
	res("rbx", "%llx", (unsigned long long)regs.rbx);
	res("rcx", "%llx", (unsigned long long)regs.rcx);
	res("rsp", "%llx", (unsigned long long)regs.rsp);
	res("mem600", "%llx", (unsigned long long)mem600);
	res("efer", "%llx", (unsigned long long)s.efer);
	res("cs_l", "%u", s.cs.l);
	res("exit", "%s", final_exit(r));
}

void scn_real_to_long(void)
{
	struct kvm_sregs s;
	struct kvm_regs regs;
	uint32_t outs[16];
	char buf[256];
	size_t n = 0;
	int r;

	boot(BLOB(real2long), MODE_REAL);
	r = run_collect(&v, outs, ARRAY_SIZE(outs), &n, 100);
	expect_exit("real -> 32-bit -> 64-bit, then HLT", r, KVM_EXIT_HLT);
	expect_u64("number of OUTs", n, 4);
	if (n >= 4) {
		expect_u64("reported from 16-bit code", outs[0], 16);
		expect_u64("reported from 32-bit code", outs[1], 32);
		expect_u64("reported from 64-bit code", outs[2], 64);
		expect_u64("EFER as RDMSR shows it in 64-bit mode", outs[3], 0x500);
	}
	get_sregs(&v, &s);
	get_regs(&v, &regs);
	expect_u64("KVM_GET_SREGS: EFER.LMA and LME", s.efer & (EFER_LME | EFER_LMA),
		   EFER_LME | EFER_LMA);
	expect_u64("KVM_GET_SREGS: CS.L", s.cs.l, 1);
	expect_u64("KVM_GET_SREGS: CS selector", s.cs.selector, 0x18);
	expect_u64("KVM_GET_SREGS: CR0.PG and PE", s.cr0 & (CR0_PG | CR0_PE), CR0_PG | CR0_PE);
	expect_u64("KVM_GET_SREGS: CR4.PAE", s.cr4 & CR4_PAE, CR4_PAE);
	expect_u64("KVM_GET_SREGS: CR3", s.cr3, GUEST_PML4);
	expect_u64("KVM_GET_REGS: RBX set by 64-bit code", regs.rbx, 0x0123456789abcdefull);
	res("outs", "%s", join_hex(outs, n < 16 ? n : 16, buf, sizeof(buf)));
	res("efer", "%llx", (unsigned long long)s.efer);
	res("cs", "%x:l%u:db%u", s.cs.selector, s.cs.l, s.cs.db);
	res("ds", "%x", s.ds.selector);
	res("cr0", "%llx", (unsigned long long)s.cr0);
	res("cr3", "%llx", (unsigned long long)s.cr3);
	res("cr4", "%llx", (unsigned long long)s.cr4);
	res("rbx", "%llx", (unsigned long long)regs.rbx);
	res("exit", "%s", final_exit(r));
}

static void res_seg(const char *name, const struct kvm_segment *s)
{
	res(name, "%x:%llx:%x:t%x:s%u:p%u:dpl%u:db%u:l%u:g%u:u%u", s->selector,
	    (unsigned long long)s->base, s->limit, s->type, s->s, s->present, s->dpl,
	    s->db, s->l, s->g, s->unusable);
}

void scn_reset_state(void)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init_no_cpuid(&v, &vm, 0);
	get_regs(&v, &r);
	get_sregs(&v, &s);
	expect_u64("RIP", r.rip, 0xfff0);
	expect_u64("RFLAGS", r.rflags, 2);
	expect_u64("CS selector", s.cs.selector, 0xf000);
	expect_u64("CS base", s.cs.base, 0xffff0000);
	expect_u64("CR0", s.cr0, 0x60000010);
	/* KVM: the CPUID.1:EAX signature, 0x600 while no CPUID is set. */
	expect_u64("RDX (processor signature; 0x600 without CPUID)", r.rdx, 0x600);
	expect_u64("TR type (busy TSS)", s.tr.type, 0xb);
	expect_u64("APIC base (enabled, BSP)", s.apic_base, 0xfee00900);
	res("rip", "%llx", (unsigned long long)r.rip);
	res("rflags", "%llx", (unsigned long long)r.rflags);
	res("rsp", "%llx", (unsigned long long)r.rsp);
	res("rax", "%llx", (unsigned long long)r.rax);
	res("rdx", "%llx", (unsigned long long)r.rdx);
	res_seg("cs", &s.cs);
	res_seg("ds", &s.ds);
	res_seg("ss", &s.ss);
	res_seg("tr", &s.tr);
	res_seg("ldt", &s.ldt);
	res("gdt", "%llx:%x", (unsigned long long)s.gdt.base, s.gdt.limit);
	res("idt", "%llx:%x", (unsigned long long)s.idt.base, s.idt.limit);
	res("cr0", "%llx", (unsigned long long)s.cr0);
	res("cr2", "%llx", (unsigned long long)s.cr2);
	res("cr3", "%llx", (unsigned long long)s.cr3);
	res("cr4", "%llx", (unsigned long long)s.cr4);
	res("cr8", "%llx", (unsigned long long)s.cr8);
	res("efer", "%llx", (unsigned long long)s.efer);
	res("apic_base", "%llx", (unsigned long long)s.apic_base);
}

/* Append the name of @field to @list if got != want. */
static void cmp_field(char *list, size_t len, const char *field, uint64_t got, uint64_t want)
{
	size_t l = strlen(list);

	if (got == want)
		return;
	fail("%s: got 0x%llx, want 0x%llx", field, (unsigned long long)got,
	     (unsigned long long)want);
	snprintf(list + l, len - l, "%s%s", l ? "," : "", field);
}

static void cmp_seg(char *list, size_t len, const char *name,
		    const struct kvm_segment *got, const struct kvm_segment *set, bool accessed)
{
	char f[32];

#define SEGF(x, want) do { snprintf(f, sizeof(f), "%s.%s", name, #x); \
	cmp_field(list, len, f, got->x, want); } while (0)
	SEGF(selector, set->selector);
	SEGF(base, set->base);
	SEGF(limit, set->limit);
	SEGF(type, set->type | (accessed ? 1 : 0));
	SEGF(s, set->s);
	SEGF(dpl, set->dpl);
	SEGF(present, set->present);
	SEGF(db, set->db);
	SEGF(l, set->l);
	SEGF(g, set->g);
	SEGF(unusable, set->unusable);
#undef SEGF
}

void scn_regs(void)
{
	struct kvm_sregs set, got;
	struct kvm_regs rset, rgot;
	char mism[1024] = "", rmism[1024] = "", gmism[1024] = "";
	uint64_t *rs, *rg;
	uint32_t outs[40];
	size_t n = 0, i;
	int r;

	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);

	/* 1. Unusual but valid 64-bit system state: does every field come back? */
	fill_sregs(&v, MODE_LONG, &set);
	set.cs.selector = SEL_CODE64;
	set.ds = (struct kvm_segment){ .base = 0x12345000, .limit = 0xfffff, .selector = 0x10,
				       .type = 3, .present = 1, .db = 1, .s = 1 };
	set.fs.base = 0x00007f0000001000ull;
	set.gs.base = 0xffff800000002000ull;
	set.gs.selector = SEL_USER_DATA | 3;
	set.gs.dpl = 3;
	set.tr = (struct kvm_segment){ .base = 0x3000, .limit = 0x67, .selector = 0x40,
				       .type = 0xb, .present = 1 };
	set.ldt = (struct kvm_segment){ .base = 0x4000, .limit = 0xff, .selector = 0x48,
					.type = 2, .present = 1 };
	set.gdt.base = 0x5000;
	set.gdt.limit = 0x4f;
	set.idt.base = 0x6000;
	set.idt.limit = 0xfff;
	set.cr0 = 0x80050033;		/* PG AM WP NE ET MP PE */
	set.cr2 = 0x1234567;
	set.cr4 = 0x620;
	set.cr8 = 5;
	set.efer = 0x501;		/* LMA LME SCE */
	set_sregs(&v, &set);
	get_sregs(&v, &got);
	cmp_seg(mism, sizeof(mism), "cs", &got.cs, &set.cs, true);
	cmp_seg(mism, sizeof(mism), "ds", &got.ds, &set.ds, true);
	cmp_seg(mism, sizeof(mism), "es", &got.es, &set.es, true);
	cmp_seg(mism, sizeof(mism), "fs", &got.fs, &set.fs, true);
	cmp_seg(mism, sizeof(mism), "gs", &got.gs, &set.gs, true);
	cmp_seg(mism, sizeof(mism), "ss", &got.ss, &set.ss, true);
	cmp_seg(mism, sizeof(mism), "tr", &got.tr, &set.tr, true);
	cmp_seg(mism, sizeof(mism), "ldt", &got.ldt, &set.ldt, false);
	cmp_field(mism, sizeof(mism), "gdt.base", got.gdt.base, set.gdt.base);
	cmp_field(mism, sizeof(mism), "gdt.limit", got.gdt.limit, set.gdt.limit);
	cmp_field(mism, sizeof(mism), "idt.base", got.idt.base, set.idt.base);
	cmp_field(mism, sizeof(mism), "idt.limit", got.idt.limit, set.idt.limit);
	cmp_field(mism, sizeof(mism), "cr0", got.cr0, set.cr0);
	cmp_field(mism, sizeof(mism), "cr2", got.cr2, set.cr2);
	cmp_field(mism, sizeof(mism), "cr3", got.cr3, set.cr3);
	cmp_field(mism, sizeof(mism), "cr4", got.cr4, set.cr4);
	cmp_field(mism, sizeof(mism), "cr8", got.cr8, set.cr8);
	cmp_field(mism, sizeof(mism), "efer", got.efer, set.efer);
	cmp_field(mism, sizeof(mism), "apic_base", got.apic_base, set.apic_base);
	check(!mism[0], "KVM_GET_SREGS returns what KVM_SET_SREGS set");
	res("sregs_mismatch", "%s", mism[0] ? mism : "none");

	/* 2. Registers: round trip, and the guest sees them. */
	vm_load(&vm, BLOB(regdump));
	vcpu_setup(&v, MODE_LONG);
	memset(&rset, 0, sizeof(rset));
	rs = (uint64_t *)&rset;
	for (i = 0; i < 16; i++)	/* rax .. r15 in struct order */
		rs[i] = 0x1111111111111111ull * (i + 1) ^ (0x80ull << (i * 3));
	rset.rsp = GUEST_STACK - 0x100;
	rset.rip = GUEST_CODE;
	rset.rflags = 0xcd7;		/* OF DF SF ZF AF PF CF and bit 1 */
	set_regs(&v, &rset);
	get_regs(&v, &rgot);
	rg = (uint64_t *)&rgot;
	for (i = 0; i < sizeof(rset) / 8; i++) {
		static const char * const names[] = {
			"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
			"r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags",
		};
		cmp_field(rmism, sizeof(rmism), names[i], rg[i], rs[i]);
	}
	check(!rmism[0], "KVM_GET_REGS returns what KVM_SET_REGS set");
	res("regs_mismatch", "%s", rmism[0] ? rmism : "none");

	r = run_collect(&v, outs, ARRAY_SIZE(outs), &n, 100);
	expect_exit("register dump, then HLT", r, KVM_EXIT_HLT);
	expect_u64("number of OUTs", n, 34);
	for (i = 0; i < 17 && 2 * i + 1 < n; i++) {
		static const char * const names[] = {
			"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
			"r10", "r11", "r12", "r13", "r14", "r15", "rflags",
		};
		uint64_t seen = outs[2 * i] | (uint64_t)outs[2 * i + 1] << 32;
		uint64_t want = i == 16 ? rset.rflags : rs[i];
		char f[32];

		snprintf(f, sizeof(f), "guest.%s", names[i]);
		cmp_field(gmism, sizeof(gmism), f, seen, want);
	}
	check(!gmism[0], "the guest sees the registers KVM_SET_REGS set");
	res("guest_mismatch", "%s", gmism[0] ? gmism : "none");
	res("exit", "%s", final_exit(r));
}

#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)

static void run_cpuid_guest(uint32_t *outs, size_t *n)
{
	int r;

	vm_load(&vm, BLOB(cpuid));
	vcpu_setup(&v, MODE_REAL);
	r = run_collect(&v, outs, 8, n, 20);
	expect_exit("CPUID guest, then HLT", r, KVM_EXIT_HLT);
	if (*n < 4)
		abort_scenario("the CPUID guest reported %zu values, want 4", *n);
}

void scn_cpuid_vmx(void)
{
	uint32_t outs[8], a, b, c, d;
	size_t n = 0;

	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init_no_cpuid(&v, &vm, 0);
	if (vcpu_set_cpuid(&v, true) < 0)
		abort_scenario("KVM_SET_CPUID2 with VMX set: %s", errno_name(errno));
	ok("KVM_SET_CPUID2 with CPUID.1:ECX.VMX set");
	run_cpuid_guest(outs, &n);
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (g_reference)
		info("KVM shows CPUID.1:ECX 0x%08x (VMX %u)", outs[0], !!(outs[0] & CPUID_1_ECX_VMX));
	else
		expect_u64("jvmm hides VMX (CPUID.1:ECX bit 5) from the guest",
			   outs[0] & CPUID_1_ECX_VMX, 0);
	/* What was in the table minus what the hypervisors manage themselves. */
	expect_u64("CPUID.1:EDX as set", outs[1], d);
	res("vmx", "%u", !!(outs[0] & CPUID_1_ECX_VMX));
	res("ecx_other", "%x", outs[0] & ~(CPUID_1_ECX_VMX | CPUID_1_ECX_OSXSAVE));
	res("osxsave", "%u", !!(outs[0] & CPUID_1_ECX_OSXSAVE));
	res("edx", "%x", outs[1]);
	res("vendor_ebx", "%x", outs[2]);
	res("ext_edx", "%x", outs[3]);
}

void scn_cpuid_default(void)
{
	uint32_t outs[8];
	size_t n = 0;

	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init_no_cpuid(&v, &vm, 0);
	run_cpuid_guest(outs, &n);
	info("without KVM_SET_CPUID2: CPUID.1:ECX 0x%08x EDX 0x%08x, leaf 0 EBX 0x%08x",
	     outs[0], outs[1], outs[2]);
	expect_u64("no VMX (CPUID.1:ECX bit 5) without KVM_SET_CPUID2",
		   outs[0] & CPUID_1_ECX_VMX, 0);
	res("vmx", "%u", !!(outs[0] & CPUID_1_ECX_VMX));
}
