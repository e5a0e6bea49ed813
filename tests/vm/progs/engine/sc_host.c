// SPDX-License-Identifier: GPL-2.0
/*
 * sc_host.c - the host's state survives running a guest: its FPU/SSE/AVX
 * registers, the MSRs that VMX does not switch, and its hardware
 * breakpoints (a VM exit clears DR7).
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
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

/* --- host-fpu ------------------------------------------------------------ */

struct fpu_state {
	uint8_t reg[16][32] __attribute__((aligned(32)));	/* YMM (XMM: low 16 bytes) */
	uint32_t mxcsr;
	uint16_t fcw;
};

#define LDY(n, off) "vmovdqu " #off "(%[in]), %%ymm" #n "\n\t"
#define STY(n, off) "vmovdqu %%ymm" #n ", " #off "(%[out])\n\t"
#define LDX(n, off) "movdqu " #off "(%[in]), %%xmm" #n "\n\t"
#define STX(n, off) "movdqu %%xmm" #n ", " #off "(%[out])\n\t"
#define ALL(M) M(0, 0x000) M(1, 0x020) M(2, 0x040) M(3, 0x060) M(4, 0x080) M(5, 0x0a0) \
	M(6, 0x0c0) M(7, 0x0e0) M(8, 0x100) M(9, 0x120) M(10, 0x140) M(11, 0x160) \
	M(12, 0x180) M(13, 0x1a0) M(14, 0x1c0) M(15, 0x1e0)
#define CLOBBER_XMM "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

/*
 * KVM_RUN as a raw syscall with the host's vector registers, MXCSR and x87
 * control word loaded from @in right before it and stored to @out right
 * after it: nothing of the C library runs in between.
 */
static long run_with_fpu(int fd, const struct fpu_state *in, struct fpu_state *out, bool avx)
{
	long rax = SYS_ioctl;

	if (avx)
		__asm__ volatile(ALL(LDY)
				 "ldmxcsr %[mxi]\n\t"
				 "fldcw %[fcwi]\n\t"
				 "syscall\n\t"
				 ALL(STY)
				 "stmxcsr %[mxo]\n\t"
				 "fnstcw %[fcwo]\n\t"
				 "vzeroupper\n\t"
				 : "+a"(rax), [mxo] "=m"(out->mxcsr), [fcwo] "=m"(out->fcw)
				 : "D"((long)fd), "S"((long)KVM_RUN), "d"(0L),
				   [in] "r"(in->reg), [out] "r"(out->reg),
				   [mxi] "m"(in->mxcsr), [fcwi] "m"(in->fcw)
				 : "rcx", "r11", "memory", CLOBBER_XMM);
	else
		__asm__ volatile(ALL(LDX)
				 "ldmxcsr %[mxi]\n\t"
				 "fldcw %[fcwi]\n\t"
				 "syscall\n\t"
				 ALL(STX)
				 "stmxcsr %[mxo]\n\t"
				 "fnstcw %[fcwo]\n\t"
				 : "+a"(rax), [mxo] "=m"(out->mxcsr), [fcwo] "=m"(out->fcw)
				 : "D"((long)fd), "S"((long)KVM_RUN), "d"(0L),
				   [in] "r"(in->reg), [out] "r"(out->reg),
				   [mxi] "m"(in->mxcsr), [fcwi] "m"(in->fcw)
				 : "rcx", "r11", "memory", CLOBBER_XMM);
	return rax;
}

static void restore_default_fpu_control(void)
{
	uint32_t mxcsr = 0x1f80;
	uint16_t fcw = 0x37f;

	__asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(fcw));
}

/* 0 where the host has no OSXSAVE (booted with noxsave): XGETBV would #UD. */
static uint64_t xcr0(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (uint64_t)hi << 32;
}

static bool have_avx(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 28)))
		return false;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	(void)hi;
	return (lo & 6) == 6;
}

/*
 * @ymm: dirty YMM0-15 in the host and check all 256 bits; else XMM only.
 * Bochs 2.7 cannot do the YMM variant even with kvm_intel: the kernel's
 * XRSTORS of the host state after the guest ran faults ("Bad FPU state
 * detected at restore_fpregs_from_fpstate", a WARNING) and the host's
 * registers are reinitialized.  So host-ymm is for real hardware only.
 */
static void host_fpu(bool ymm)
{
	static struct fpu_state in, out;
	bool avx = ymm;
	uint64_t xcr0_before, xcr0_after;
	unsigned int bad_xcr0 = 0;
	unsigned int run, i, j, bad_xmm = 0, bad_ymm = 0, bad_mxcsr = 0, bad_fcw = 0;
	uint32_t guest[8];
	size_t n = 0;
	char buf[128], tok[96];
	long ret;

	boot(BLOB(fpu), MODE_LONG);
	for (run = 0; run < 8; run++) {
		for (i = 0; i < 16; i++)
			for (j = 0; j < 32; j++)
				in.reg[i][j] = (uint8_t)((i * 32 + j + run * 7) ^ 0xa5);
		in.mxcsr = run & 1 ? 0x3f80 : 0x5f80;	/* rounding down / up, all masked */
		in.fcw = run & 1 ? 0x0f7f : 0x077f;
		memset(&out, 0, sizeof(out));
		xcr0_before = xcr0();
		ret = run_with_fpu(v.fd, &in, &out, avx);
		restore_default_fpu_control();
		xcr0_after = xcr0();
		if (xcr0_after != xcr0_before && !bad_xcr0++)
			info("XCR0 0x%llx before KVM_RUN, 0x%llx after", (unsigned long long)xcr0_before,
			     (unsigned long long)xcr0_after);
		if (ret < 0)
			abort_scenario("KVM_RUN: %s", errno_name((int)-ret));
		for (i = 0; i < 16; i++) {
			if (memcmp(in.reg[i], out.reg[i], 16))
				bad_xmm++;
			else if (avx && memcmp(in.reg[i] + 16, out.reg[i] + 16, 16))
				bad_ymm++;
		}
		bad_mxcsr += in.mxcsr != out.mxcsr;
		bad_fcw += in.fcw != out.fcw;
		if (v.run->exit_reason == KVM_EXIT_HLT)
			break;
		if (v.run->exit_reason != KVM_EXIT_IO)
			abort_scenario("unexpected exit %s", exit_token(&v, tok, sizeof(tok)));
		if (v.run->io.port == PORT_OUT && n < ARRAY_SIZE(guest))
			guest[n++] = io_out_value(&v);
	}
	check(v.run->exit_reason == KVM_EXIT_HLT, "the guest ran to HLT");
	check(!bad_xmm, "the host's XMM0-15 survive every KVM_RUN");
	if (avx)
		check(!bad_ymm, "the host's YMM0-15 upper halves survive every KVM_RUN");
	check(!bad_xcr0, "the host's XCR0 survives every KVM_RUN");
	check(!bad_mxcsr, "the host's MXCSR survives every KVM_RUN");
	check(!bad_fcw, "the host's x87 control word survives every KVM_RUN");
	expect_u64("number of guest reports", n, 5);
	if (n >= 4) {
		expect_u64("guest XMM5 kept across exits (host values did not leak in)",
			   guest[0], 0x06060606);
		expect_u64("guest XMM15 high half kept across exits", guest[1], 0x10101010);
		expect_u64("guest MXCSR kept across exits", guest[2], GUEST_MXCSR);
		expect_u64("guest x87 control word kept across exits", guest[3], GUEST_FCW);
	}
	/* 0: no XSAVE in the guest's CPUID; else what its XSETBV loaded. */
	if (n >= 5 && guest[4])
		expect_u64("guest XCR0 set by XSETBV, kept across exits", guest[4], 3);
	res("host_xmm", "%s", bad_xmm ? "clobbered" : "intact");
	if (avx)
		res("host_ymm", "%s", bad_ymm ? "clobbered" : "intact");
	res("host_xcr0", "%s", bad_xcr0 ? "clobbered" : "intact");
	res("host_mxcsr", "%s", bad_mxcsr ? "clobbered" : "intact");
	res("host_fcw", "%s", bad_fcw ? "clobbered" : "intact");
	res("guest", "%s", join_hex(guest, n, buf, sizeof(buf)));
	res("exit", "%s", exit_token(&v, tok, sizeof(tok)));
}

void scn_host_fpu(void)
{
	host_fpu(false);
}

void scn_host_ymm(void)
{
	if (!have_avx()) {
		info("the host has no AVX (or XCR0 lacks YMM): checking XMM only");
		res("avx", "absent");
	}
	host_fpu(have_avx());
}

/* --- host-msrs ----------------------------------------------------------- */

static const struct {
	uint32_t index;
	const char *name;
	uint64_t junk;
} msrs[] = {
	{ 0xc0000081, "STAR", JUNK_STAR },
	{ 0xc0000082, "LSTAR", JUNK_LSTAR },
	{ 0xc0000083, "CSTAR", JUNK_CSTAR },
	{ 0xc0000084, "SFMASK", JUNK_SFMASK },
	{ 0xc0000102, "KERNEL_GS_BASE", JUNK_KERNEL_GS_BASE },
};

static void read_host_msrs(int fd, uint64_t *val)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		if (pread(fd, &val[i], 8, msrs[i].index) != 8)
			abort_scenario("read MSR %s from /dev/cpu/0/msr: %s", msrs[i].name,
				       strerror(errno));
}

void scn_host_msrs(void)
{
	uint64_t before[ARRAY_SIZE(msrs)], now[ARRAY_SIZE(msrs)];
	unsigned int changed[ARRAY_SIZE(msrs)] = { 0 };
	uint32_t outs[32];
	char list[256] = "", tok[96];
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[ARRAY_SIZE(msrs)];
	} m;
	unsigned int hlts = 0, exits = 0, bad_guest = 0, bad_get = 0;
	size_t n = 0, i, l = 0;
	cpu_set_t set;
	long ret;
	int fd, r;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		abort_scenario("sched_setaffinity to CPU 0: %s", strerror(errno));
	fd = open("/dev/cpu/0/msr", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		abort_scenario("/dev/cpu/0/msr: %s (the msr module must be loaded: insmod $JVMM_KMOD/msr.ko)",
			       strerror(errno));
	read_host_msrs(fd, before);
	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		info("host %s = 0x%llx", msrs[i].name, (unsigned long long)before[i]);

	boot(BLOB(msrs), MODE_LONG);
	while (hlts < 2 && exits < 64) {
		r = vrun(&v);
		exits++;
		read_host_msrs(fd, now);
		for (i = 0; i < ARRAY_SIZE(msrs); i++)
			changed[i] += now[i] != before[i];
		if (r < 0)
			abort_scenario("KVM_RUN: %s", errno_name(-r));
		if (v.run->exit_reason == KVM_EXIT_HLT) {
			hlts++;
		} else if (v.run->exit_reason == KVM_EXIT_IO && v.run->io.port == PORT_OUT) {
			if (n < ARRAY_SIZE(outs))
				outs[n++] = io_out_value(&v);
		} else {
			res("exit", "%s", exit_token(&v, tok, sizeof(tok)));
			abort_scenario("unexpected exit %s", exit_token(&v, tok, sizeof(tok)));
		}
	}
	for (i = 0; i < ARRAY_SIZE(msrs); i++) {
		if (changed[i])
			l += snprintf(list + l, sizeof(list) - l, "%s%s", l ? "," : "", msrs[i].name);
	}
	check(!l, "the host's STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE are unchanged after every KVM_RUN");
	if (l)
		info("changed on the host: %s", list);
	expect_u64("number of guest reports (two rounds)", n, 20);
	for (i = 0; i < n && i < 20; i++) {
		uint64_t junk = msrs[(i / 2) % ARRAY_SIZE(msrs)].junk;
		uint32_t want = i % 2 ? junk >> 32 : (uint32_t)junk;

		bad_guest += outs[i] != want;
	}
	check(!bad_guest, "the guest reads back the junk it wrote");

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = ARRAY_SIZE(msrs);
	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		m.e[i].index = msrs[i].index;
	ret = ioctl(v.fd, KVM_GET_MSRS, &m);
	expect_u64("KVM_GET_MSRS reads all five", ret, ARRAY_SIZE(msrs));
	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		bad_get += m.e[i].data != msrs[i].junk;
	check(!bad_get, "KVM_GET_MSRS shows the guest's values");
	close(fd);
	res("host_changed", "%s", l ? list : "none");
	res("guest_bad", "%u", bad_guest);
	res("get_msrs", "%ld", ret);
	res("get_bad", "%u", bad_get);
	res("hlts", "%u", hlts);
}

/* --- host-debugregs ------------------------------------------------------ */

static volatile uint32_t watched;

/* A write watchpoint on @addr for this thread, through perf (DR0-3, DR7). */
static int watch_writes(volatile void *addr)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.bp_type = HW_BREAKPOINT_W;
	attr.bp_addr = (uintptr_t)addr;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static uint64_t hits(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		abort_scenario("read the breakpoint counter: %s", strerror(errno));
	return n;
}

/*
 * The host thread's breakpoint fires before the guest runs, and after
 * every KVM_RUN: the VM exit left DR7 at 0x400, and the hypervisor must
 * give the host its DR7 back before the thread returns to userspace.
 */
void scn_host_debugregs(void)
{
	unsigned int runs = 0, missed = 0;
	uint64_t before, after;
	char tok[96];
	int fd, r;

	fd = watch_writes(&watched);
	if (fd < 0)
		abort_scenario("perf_event_open(PERF_TYPE_BREAKPOINT): %s", strerror(errno));
	before = hits(fd);
	watched = 1;
	watched = 2;
	after = hits(fd);
	expect_u64("host breakpoint hits before any guest ran", after - before, 2);

	boot(BLOB(hello), MODE_REAL);
	for (;;) {
		r = vrun(&v);
		if (r < 0)
			abort_scenario("KVM_RUN: %s", errno_name(-r));
		runs++;
		before = hits(fd);
		watched = runs;
		missed += hits(fd) != before + 1;
		if (v.run->exit_reason == KVM_EXIT_HLT)
			break;
		if (v.run->exit_reason != KVM_EXIT_IO || runs > 16)
			abort_scenario("unexpected exit %s", exit_token(&v, tok, sizeof(tok)));
	}
	check(!missed, "the host's breakpoint fires after every KVM_RUN");
	close(fd);
	res("runs", "%u", runs);
	res("missed", "%u", missed);
	res("exit", "%s", exit_token(&v, tok, sizeof(tok)));
}
