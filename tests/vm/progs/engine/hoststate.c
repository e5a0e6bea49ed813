// SPDX-License-Identifier: GPL-2.0
/*
 * hoststate.c - what a hostile guest must not change in the host, checked
 * around every KVM_RUN of a hostile scenario and once after its VM is gone:
 *
 *  - the test process's own XMM0-15, MXCSR, x87 control word, FS and GS
 *    base, XCR0 and (with PKU) PKRU, across every KVM_RUN (hoststate_run()
 *    loads them right before the raw syscall and reads them right after);
 *  - on every online CPU, ~25 host MSRs and the GDT/IDT bases and the TR
 *    selector, read by a thread pinned to that CPU (its /dev/cpu/N/msr reads
 *    then run locally, so KERNEL_GS_BASE is that thread's own GS base, which
 *    it set to a known value);
 *  - no new kernel log record at level 0-4 (KERN_WARNING or worse);
 *  - (jvmm) /sys/kernel/debug/jvmm/objects back to zeros after the close.
 *
 * Each check is a FAIL line in the scenario and a result key, the same on
 * both devices when nothing is wrong.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <asm/prctl.h>

#include "engine.h"

#define MAX_CPUS		8
#define KMSG_WARNING		4	/* levels 0 (EMERG) .. 4 (WARNING) count */
#define READER_GS_BASE		0x00007e57000ca000ull	/* + CPU: the reader threads' GS base */
#define HOST_GS_BASE		0x00007e5700065000ull	/* the test thread's own GS base */
#define OBJECTS_SETTLE_MS	1000	/* teardown may finish after close() returns */
#define DT_BASE_OFFSET		2	/* SGDT/SIDT store a 16-bit limit, then the base */
#define DT_BASE_SIZE		8
#define CPUID_7_ECX_OSPKE	(1u << 4)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)

static const struct {
	uint32_t index;
	const char *name;
} host_msrs[] = {
	{ 0xc0000080, "EFER" },
	{ 0xc0000081, "STAR" },
	{ 0xc0000082, "LSTAR" },
	{ 0xc0000083, "CSTAR" },
	{ 0xc0000084, "SFMASK" },
	{ 0xc0000102, "KERNEL_GS_BASE" },	/* the reader's GS base: see above */
	{ 0xc0000103, "TSC_AUX" },
	{ 0x174, "SYSENTER_CS" },
	{ 0x175, "SYSENTER_ESP" },
	{ 0x176, "SYSENTER_EIP" },
	{ 0x277, "PAT" },
	{ 0x1d9, "DEBUGCTL" },
	{ 0x48, "SPEC_CTRL" },
	{ 0x1a0, "MISC_ENABLE" },
	{ 0x3a, "FEATURE_CONTROL" },
	{ 0x1b, "APIC_BASE" },
	{ 0x2ff, "MTRR_DEF_TYPE" },
	{ 0x200, "MTRR_PHYSBASE0" },
	{ 0x201, "MTRR_PHYSMASK0" },
	{ 0x250, "MTRR_FIX64K" },
	{ 0xda0, "XSS" },
	{ 0x6a0, "U_CET" },
	{ 0x6a2, "S_CET" },
	{ 0x6a4, "PL0_SSP" },
	{ 0x3b, "TSC_ADJUST" },
};
#define NR_HOST_MSRS ARRAY_SIZE(host_msrs)

struct cpu_state {
	bool present[NR_HOST_MSRS];
	uint64_t msr[NR_HOST_MSRS];
	uint64_t reader_gs;
	uint8_t gdt[10], idt[10];
	uint16_t tr;
	bool read_ok;
	char err[128];
};

static struct {
	bool active;
	int ncpus, cpus[MAX_CPUS];
	struct cpu_state before[MAX_CPUS];
	int kmsg;
	bool umip;
	bool pku;
	/* across KVM_RUN */
	unsigned int runs, bad_xmm, bad_mxcsr, bad_fcw, bad_fs, bad_gs, bad_xcr0, bad_pkru;
} hs;

/* --- per-CPU reads ------------------------------------------------------- */

struct reader {
	int cpu;
	struct cpu_state *st;
};

static void *read_cpu(void *arg)
{
	struct reader *r = arg;
	struct cpu_state *st = r->st;
	cpu_set_t set;
	char path[64];
	size_t i;
	int fd;

	memset(st, 0, sizeof(*st));
	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0 || sched_getcpu() != r->cpu) {
		snprintf(st->err, sizeof(st->err), "cannot run on CPU %d", r->cpu);
		return NULL;
	}
	st->reader_gs = READER_GS_BASE + r->cpu * 0x1000;
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, st->reader_gs) < 0) {
		snprintf(st->err, sizeof(st->err), "arch_prctl(ARCH_SET_GS): %s", strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", r->cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(st->err, sizeof(st->err), "%s: %s (insmod msr.ko)", path, strerror(errno));
		return NULL;
	}
	for (i = 0; i < NR_HOST_MSRS; i++)
		st->present[i] = pread(fd, &st->msr[i], 8, host_msrs[i].index) == 8;
	close(fd);
	/* SGDT/SIDT/STR: dummy values if the kernel emulates them for UMIP. */
	__asm__ volatile("sgdt %0" : "=m"(st->gdt));
	__asm__ volatile("sidt %0" : "=m"(st->idt));
	__asm__ volatile("str %0" : "=m"(st->tr));
	st->read_ok = true;
	return NULL;
}

static void read_all_cpus(struct cpu_state *st)
{
	int i;

	for (i = 0; i < hs.ncpus; i++) {
		struct reader r = { hs.cpus[i], &st[i] };
		pthread_t t;

		if (pthread_create(&t, NULL, read_cpu, &r)) {
			snprintf(st[i].err, sizeof(st[i].err), "pthread_create failed");
			continue;
		}
		pthread_join(t, NULL);
	}
}

static void find_online_cpus(void)
{
	cpu_set_t set;
	int c;

	hs.ncpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (c = 0; c < CPU_SETSIZE && hs.ncpus < MAX_CPUS; c++)
		if (CPU_ISSET(c, &set))
			hs.cpus[hs.ncpus++] = c;
}

static bool cpu_has_umip_on(void)
{
	char line[4096];
	bool on = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!on && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5) && strstr(line, " umip"))
			on = true;
	fclose(f);
	return on;
}

/* --- the test thread's own registers around KVM_RUN ---------------------- */

struct regs_snapshot {
	uint8_t xmm[16][16] __attribute__((aligned(16)));
	uint32_t mxcsr;
	uint16_t fcw;
};

#define LDX(n, off) "movdqu " #off "(%[in]), %%xmm" #n "\n\t"
#define STX(n, off) "movdqu %%xmm" #n ", " #off "(%[out])\n\t"
#define ALL_XMM(M) M(0, 0x00) M(1, 0x10) M(2, 0x20) M(3, 0x30) M(4, 0x40) M(5, 0x50) \
	M(6, 0x60) M(7, 0x70) M(8, 0x80) M(9, 0x90) M(10, 0xa0) M(11, 0xb0) \
	M(12, 0xc0) M(13, 0xd0) M(14, 0xe0) M(15, 0xf0)

/* KVM_RUN as a raw syscall between loading and storing XMM0-15, MXCSR, FCW. */
static long run_with_xmm(int fd, const struct regs_snapshot *in, struct regs_snapshot *out)
{
	long rax = SYS_ioctl;

	__asm__ volatile(ALL_XMM(LDX)
			 "ldmxcsr %[mxi]\n\t"
			 "fldcw %[fcwi]\n\t"
			 "syscall\n\t"
			 ALL_XMM(STX)
			 "stmxcsr %[mxo]\n\t"
			 "fnstcw %[fcwo]\n\t"
			 : "+a"(rax), [mxo] "=m"(out->mxcsr), [fcwo] "=m"(out->fcw)
			 : "D"((long)fd), "S"((long)KVM_RUN), "d"(0L),
			   [in] "r"(in->xmm), [out] "r"(out->xmm),
			   [mxi] "m"(in->mxcsr), [fcwi] "m"(in->fcw)
			 : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
			   "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
			   "xmm13", "xmm14", "xmm15");
	return rax;
}

static uint64_t read_xcr0(void)
{
	uint32_t lo, hi;
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & CPUID_1_ECX_OSXSAVE))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (uint64_t)hi << 32;
}

static uint32_t read_pkru(void)
{
	uint32_t pkru, edx;

	__asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(pkru), "=d"(edx) : "c"(0));	/* RDPKRU */
	return pkru;
}

static uint64_t arch_get(int code)
{
	unsigned long v = 0;

	syscall(SYS_arch_prctl, code, &v);
	return v;
}

int hoststate_run(struct vcpu *v)
{
	static struct regs_snapshot in, out;
	uint64_t fs = arch_get(ARCH_GET_FS), gs = arch_get(ARCH_GET_GS);
	uint64_t xcr0 = read_xcr0();
	uint32_t pkru = hs.pku ? read_pkru() : 0;
	unsigned int i, j;
	long ret;

	for (i = 0; i < 16; i++)
		for (j = 0; j < 16; j++)
			in.xmm[i][j] = (uint8_t)((i * 16 + j + hs.runs * 11) ^ 0x3c);
	in.mxcsr = hs.runs & 1 ? 0x3f80 : 0x5f80;	/* rounding down / up, all masked */
	in.fcw = hs.runs & 1 ? 0x0f7f : 0x077f;
	memset(&out, 0, sizeof(out));
	ret = run_with_xmm(v->fd, &in, &out);
	{
		uint32_t mxcsr = 0x1f80;	/* the C library's defaults again */
		uint16_t fcw = 0x37f;

		__asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(fcw));
	}
	hs.runs++;
	hs.bad_xmm += memcmp(in.xmm, out.xmm, sizeof(in.xmm)) != 0;
	hs.bad_mxcsr += in.mxcsr != out.mxcsr;
	hs.bad_fcw += in.fcw != out.fcw;
	hs.bad_fs += arch_get(ARCH_GET_FS) != fs;
	hs.bad_gs += arch_get(ARCH_GET_GS) != gs;
	hs.bad_xcr0 += read_xcr0() != xcr0;
	if (hs.pku)
		hs.bad_pkru += read_pkru() != pkru;
	if (ret < 0) {
		if (ret == -EINTR && g_alarm_fired)
			abort_scenario("the guest was still running when the watchdog fired (runaway guest or lost exit)");
		return (int)ret;
	}
	return 0;
}

/* --- begin / end --------------------------------------------------------- */

void hoststate_begin(void)
{
	unsigned int a, b, c, d;
	int i;

	memset(&hs, 0, sizeof(hs));
	hs.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (hs.kmsg >= 0)
		lseek(hs.kmsg, 0, SEEK_END);
	hs.umip = cpu_has_umip_on();
	hs.pku = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & CPUID_7_ECX_OSPKE);
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, HOST_GS_BASE) < 0)
		info("arch_prctl(ARCH_SET_GS): %s", strerror(errno));
	find_online_cpus();
	read_all_cpus(hs.before);
	for (i = 0; i < hs.ncpus; i++)
		if (!hs.before[i].read_ok)
			fail("host state of CPU %d: %s", hs.cpus[i], hs.before[i].err);
	hs.active = true;
}

static void check_run_state(void)
{
	bool intact = !hs.bad_xmm && !hs.bad_mxcsr && !hs.bad_fcw && !hs.bad_fs &&
		      !hs.bad_gs && !hs.bad_xcr0 && !hs.bad_pkru;

	if (!intact)
		fail("host registers changed across KVM_RUN (of %u): XMM %u, MXCSR %u, FCW %u, FS base %u, GS base %u, XCR0 %u, PKRU %u",
		     hs.runs, hs.bad_xmm, hs.bad_mxcsr, hs.bad_fcw, hs.bad_fs, hs.bad_gs,
		     hs.bad_xcr0, hs.bad_pkru);
	res("host_regs", "%s", intact ? "intact" : "changed");
}

static void check_cpus(void)
{
	static struct cpu_state after[MAX_CPUS];
	char skipped[256] = "";
	size_t l = 0, m;
	unsigned int bad_msrs = 0, bad_dt = 0;
	int i;

	read_all_cpus(after);
	for (m = 0; m < NR_HOST_MSRS; m++)
		if (hs.ncpus && !hs.before[0].present[m])
			l += snprintf(skipped + l, sizeof(skipped) - l, "%s%s", l ? "," : "",
				      host_msrs[m].name);
	for (i = 0; i < hs.ncpus; i++) {
		const struct cpu_state *b = &hs.before[i], *a = &after[i];

		if (!b->read_ok || !a->read_ok) {
			fail("host state of CPU %d after the scenario: %s", hs.cpus[i], a->err);
			bad_msrs++;
			continue;
		}
		for (m = 0; m < NR_HOST_MSRS; m++) {
			if (b->present[m] != a->present[m]) {
				fail("CPU %d: host MSR %s %s", hs.cpus[i], host_msrs[m].name,
				     a->present[m] ? "became readable" : "no longer readable");
				bad_msrs++;
			} else if (b->present[m] && b->msr[m] != a->msr[m]) {
				fail("CPU %d: host MSR %s changed: got 0x%llx, want 0x%llx",
				     hs.cpus[i], host_msrs[m].name, (unsigned long long)a->msr[m],
				     (unsigned long long)b->msr[m]);
				bad_msrs++;
			}
		}
		/* KERNEL_GS_BASE, read on the reader's own CPU, is its GS base. */
		if (a->present[5] && a->msr[5] != a->reader_gs) {
			fail("CPU %d: KERNEL_GS_BASE seen by a thread with GS base 0x%llx: got 0x%llx",
			     hs.cpus[i], (unsigned long long)a->reader_gs,
			     (unsigned long long)a->msr[5]);
			bad_msrs++;
		}
		/*
		 * Bases only: a VM exit sets both limits to 0xffff (SDM Vol. 3,
		 * 28.5.2) and kvm_intel leaves the IDT limit so (harmless).
		 */
		if (memcmp(b->gdt + DT_BASE_OFFSET, a->gdt + DT_BASE_OFFSET, DT_BASE_SIZE) ||
		    memcmp(b->idt + DT_BASE_OFFSET, a->idt + DT_BASE_OFFSET, DT_BASE_SIZE) ||
		    b->tr != a->tr) {
			fail("CPU %d: GDT base, IDT base or TR changed", hs.cpus[i]);
			bad_dt++;
		}
	}
	if (!bad_msrs)
		ok("%zu host MSRs unchanged on %d CPU(s) (absent: %s)", NR_HOST_MSRS, hs.ncpus,
		   l ? skipped : "none");
	res("host_msrs", "%s", bad_msrs ? "changed" : "intact");
	res("host_msrs_absent", "%s", l ? skipped : "none");
	if (hs.umip)
		info("UMIP is on: SGDT/SIDT/STR give the kernel's dummy values, GDT/IDT/TR are not really checked");
	res("host_dt", "%s", bad_dt ? "changed" : hs.umip ? "umip" : "intact");
}

static void check_kmsg(void)
{
	char rec[2048];
	unsigned int bad = 0;
	ssize_t n;

	if (hs.kmsg < 0) {
		info("/dev/kmsg: cannot read it; kernel log not checked");
		res("kmsg", "unread");
		return;
	}
	for (;;) {
		n = read(hs.kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* records overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		if ((atoi(rec) & 7) <= KMSG_WARNING) {
			char *msg = strchr(rec, ';');
			char *nl;

			msg = msg ? msg + 1 : rec;
			nl = strchr(msg, '\n');
			if (nl)
				*nl = 0;
			fail("kernel log at warning level or worse: %s", msg);
			bad++;
		}
	}
	close(hs.kmsg);
	hs.kmsg = -1;
	res("kmsg", "%s", bad ? "warnings" : "clean");
}

static uint64_t jvmm_objects(bool *readable)
{
	char line[128];
	uint64_t sum = 0;
	FILE *f = fopen("/sys/kernel/debug/jvmm/objects", "r");

	*readable = f != NULL;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strrchr(line, ' ');

		if (sp)
			sum += strtoull(sp + 1, NULL, 0);
	}
	fclose(f);
	return sum;
}

static void check_objects(void)
{
	unsigned int waited = 0;
	bool readable;
	uint64_t left;

	if (g_reference)
		return;
	while ((left = jvmm_objects(&readable)) && waited < OBJECTS_SETTLE_MS) {
		sleep_ms(10);
		waited += 10;
	}
	if (!readable) {
		fail("/sys/kernel/debug/jvmm/objects: %s", strerror(errno));
		return;
	}
	if (left)
		fail("jvmm objects left after the VM was closed: %llu", (unsigned long long)left);
	else
		ok("no jvmm objects left after the VM was closed");
}

void hoststate_end(void)
{
	if (!hs.active)
		return;
	hs.active = false;
	check_run_state();
	check_cpus();
	check_kmsg();
	check_objects();
}
