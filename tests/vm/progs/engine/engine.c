// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - reporting and the KVM-API helpers every scenario uses.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

const char *g_device = JVMM_DEVICE_PATH;
bool g_reference;
const char *g_scn = "?";
int g_failures;
volatile sig_atomic_t g_alarm_fired;

jmp_buf g_abort_jmp;
static char result_line[4096];
static size_t result_len;

/* --- reporting ----------------------------------------------------------- */

static void vreport(const char *tag, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	printf("%s: %s: %s\n", tag, g_scn, msg);
	fflush(stdout);
}

void ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("ok", fmt, ap);
	va_end(ap);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("FAIL", fmt, ap);
	va_end(ap);
	g_failures++;
}

void info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("info", fmt, ap);
	va_end(ap);
}

void abort_scenario(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("FAIL", fmt, ap);
	va_end(ap);
	g_failures++;
	res("aborted", "yes");
	longjmp(g_abort_jmp, 1);
}

bool check(bool cond, const char *what)
{
	if (cond)
		ok("%s", what);
	else
		fail("%s", what);
	return cond;
}

bool expect_u64(const char *what, uint64_t got, uint64_t want)
{
	if (got == want) {
		ok("%s", what);
		return true;
	}
	fail("%s: got 0x%llx, want 0x%llx", what, (unsigned long long)got,
	     (unsigned long long)want);
	return false;
}

bool expect_str(const char *what, const char *got, const char *want)
{
	if (!strcmp(got, want)) {
		ok("%s", what);
		return true;
	}
	fail("%s: got %s, want %s", what, got, want);
	return false;
}

bool expect_errno(const char *what, long ret, int err, int want)
{
	if (ret == -1 && err == want) {
		ok("%s: %s", what, errno_name(want));
		return true;
	}
	if (ret == -1)
		fail("%s: got %s, want %s", what, errno_name(err), errno_name(want));
	else
		fail("%s: got success (%ld), want %s", what, ret, errno_name(want));
	return false;
}

void res(const char *key, const char *fmt, ...)
{
	char val[1024];
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	for (p = val; *p; p++)		/* one token per key */
		if (*p == ' ' || *p == '\n' || *p == '\t')
			*p = '_';
	n = snprintf(result_line + result_len, sizeof(result_line) - result_len,
		     " %s=%s", key, val);
	if (n > 0 && (size_t)n < sizeof(result_line) - result_len)
		result_len += n;
}

void scenario_begin(const char *name)
{
	g_scn = name;
	g_failures = 0;
	result_len = 0;
	result_line[0] = 0;
}

void scenario_end(void)
{
	printf("result: %s%s\n", g_scn, result_line);
	fflush(stdout);
}

const char *errno_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTTY: return "ENOTTY";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENXIO: return "ENXIO";
	default:
		snprintf(buf, sizeof(buf), "errno%d", err);
		return buf;
	}
}

const char *ret_name(long ret, int err)
{
	return ret >= 0 ? "ok" : errno_name(err);
}

const char *exit_name(uint32_t reason)
{
	static char buf[16];

	switch (reason) {
	case KVM_EXIT_UNKNOWN: return "unknown";
	case KVM_EXIT_EXCEPTION: return "exception";
	case KVM_EXIT_IO: return "io";
	case KVM_EXIT_HYPERCALL: return "hypercall";
	case KVM_EXIT_DEBUG: return "debug";
	case KVM_EXIT_HLT: return "hlt";
	case KVM_EXIT_MMIO: return "mmio";
	case KVM_EXIT_IRQ_WINDOW_OPEN: return "irq_window_open";
	case KVM_EXIT_SHUTDOWN: return "shutdown";
	case KVM_EXIT_FAIL_ENTRY: return "fail_entry";
	case KVM_EXIT_INTR: return "intr";
	case KVM_EXIT_INTERNAL_ERROR: return "internal_error";
	default:
		snprintf(buf, sizeof(buf), "exit%u", reason);
		return buf;
	}
}

/* --- VMs ----------------------------------------------------------------- */

int dev_open(void)
{
	int fd = open(g_device, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		abort_scenario("open %s: %s", g_device, strerror(errno));
	return fd;
}

void vm_init(struct vm *vm, size_t mem_size)
{
	struct kvm_userspace_memory_region region;

	memset(vm, 0, sizeof(*vm));
	vm->sys = dev_open();
	vm->fd = ioctl(vm->sys, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		abort_scenario("KVM_CREATE_VM: %s", errno_name(errno));
	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		abort_scenario("mmap of guest memory: %s", strerror(errno));
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		abort_scenario("KVM_SET_USER_MEMORY_REGION slot 0: %s", errno_name(errno));
}

void vm_close(struct vm *vm)
{
	if (vm->fd > 0)
		close(vm->fd);
	if (vm->sys > 0)
		close(vm->sys);
	if (vm->mem && vm->mem != MAP_FAILED)
		munmap(vm->mem, vm->mem_size);
	memset(vm, 0, sizeof(*vm));
}

static void vcpu_create(struct vcpu *v, struct vm *vm, int id)
{
	int size;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		abort_scenario("KVM_CREATE_VCPU %d: %s", id, errno_name(errno));
	size = ioctl(vm->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		abort_scenario("KVM_GET_VCPU_MMAP_SIZE: %d (%s)", size, errno_name(errno));
	v->run_size = size;
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		abort_scenario("mmap of kvm_run: %s", strerror(errno));
}

void vcpu_init_no_cpuid(struct vcpu *v, struct vm *vm, int id)
{
	vcpu_create(v, vm, id);
}

void vcpu_init(struct vcpu *v, struct vm *vm, int id)
{
	vcpu_create(v, vm, id);
	if (vcpu_set_cpuid(v, false) < 0)
		abort_scenario("KVM_SET_CPUID2: %s", errno_name(errno));
}

void vcpu_close(struct vcpu *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, v->run_size);
	if (v->fd > 0)
		close(v->fd);
	memset(v, 0, sizeof(*v));
}

#define CPUID_1_ECX_MONITOR	(1u << 3)
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_SMX		(1u << 6)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)

/*
 * The guest's CPUID, the same on both devices: the host's leaves 0, 1,
 * 0xd (subleaf 0: KVM takes the XCR0 bits XSETBV may set from it),
 * 0x80000000, 0x80000001 and 0x80000008 (KVM on 6.12 wants LM there for
 * long mode), the maximum leaves cut down to what is in the table.
 * MONITOR and SMX are cleared (jvmm hides them); VMX only if asked.
 */
int vcpu_set_cpuid(struct vcpu *v, bool vmx)
{
	static const uint32_t leaves[] = { 0, 1, 0xd, 0x80000000, 0x80000001, 0x80000008 };
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[ARRAY_SIZE(leaves)];
	} c;
	unsigned int a, b, cx, d, i, n = 0;
	unsigned int max_ext = __get_cpuid_max(0x80000000, NULL);
	unsigned int max_basic = __get_cpuid_max(0, NULL);

	memset(&c, 0, sizeof(c));
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		if (leaves[i] >= 0x80000000 ? leaves[i] > max_ext : leaves[i] > max_basic)
			continue;
		__cpuid_count(leaves[i], 0, a, b, cx, d);
		if (leaves[i] == 0 && a > 0xd)
			a = 0xd;
		if (leaves[i] == 0x80000000 && a > 0x80000008)
			a = 0x80000008;
		if (leaves[i] == 1) {
			cx &= ~(CPUID_1_ECX_MONITOR | CPUID_1_ECX_SMX | CPUID_1_ECX_OSXSAVE);
			if (vmx)
				cx |= CPUID_1_ECX_VMX;
			else
				cx &= ~CPUID_1_ECX_VMX;
			b &= 0x00ffffff;	/* APIC id 0, the vCPU's */
		}
		c.e[n] = (struct kvm_cpuid_entry2){
			.function = leaves[i], .eax = a, .ebx = b, .ecx = cx, .edx = d,
			.flags = leaves[i] == 0xd ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
		};
		n++;
	}
	c.hdr.nent = n;
	return ioctl(v->fd, KVM_SET_CPUID2, &c);
}

void vm_load(struct vm *vm, struct blob b)
{
	size_t len = b.end - b.start;

	if (len > GUEST_CODE_MAX)
		abort_scenario("guest program of %zu bytes is too large", len);
	memcpy(vm->mem + GUEST_CODE, b.start, len);
}

static void write_gdt(struct vm *vm)
{
	static const uint64_t gdt[] = {
		0,
		0x00cf9b000000ffffull,	/* SEL_CODE32 */
		0x00cf93000000ffffull,	/* SEL_DATA */
		0x00af9b000000ffffull,	/* SEL_CODE64 */
		0x00affb000000ffffull,	/* SEL_USER_CODE64 */
		0x00cff3000000ffffull,	/* SEL_USER_DATA */
	};

	memcpy(vm->mem + GUEST_GDT, gdt, sizeof(gdt));
}

/* Identity map of the first 8 MiB with 2 MiB pages, user-accessible. */
static void write_page_tables(struct vm *vm)
{
	uint64_t *pml4 = (uint64_t *)(vm->mem + GUEST_PML4);
	uint64_t *pdpt = (uint64_t *)(vm->mem + GUEST_PDPT);
	uint64_t *pd = (uint64_t *)(vm->mem + GUEST_PD);
	int i;

	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);
	memset(pd, 0, 0x1000);
	pml4[0] = GUEST_PDPT | 7;
	pdpt[0] = GUEST_PD | 7;
	for (i = 0; i < 4; i++)
		pd[i] = ((uint64_t)i << 21) | 0x87;
}

static struct kvm_segment seg(uint16_t sel, uint64_t base, uint32_t limit,
			      uint8_t type, uint8_t s, uint8_t db, uint8_t l, uint8_t g)
{
	return (struct kvm_segment){
		.base = base, .limit = limit, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = db, .s = s, .l = l, .g = g,
	};
}

void fill_sregs(struct vcpu *v, enum cpu_mode mode, struct kvm_sregs *s)
{
	struct kvm_sregs cur;
	struct kvm_segment data;

	get_sregs(v, &cur);
	memset(s, 0, sizeof(*s));
	s->apic_base = cur.apic_base;
	s->ldt = (struct kvm_segment){ .limit = 0xffff, .type = 2, .unusable = 1 };
	switch (mode) {
	case MODE_REAL:
		s->cs = seg(0, 0, 0xffff, 0xb, 1, 0, 0, 0);
		data = seg(0, 0, 0xffff, 3, 1, 0, 0, 0);
		s->tr = seg(0, 0, 0xffff, 0xb, 0, 0, 0, 0);
		s->gdt.limit = 0xffff;
		s->idt.limit = 0x3ff;
		s->cr0 = 0x10;				/* ET */
		break;
	case MODE_PM32:
		s->cs = seg(SEL_CODE32, 0, 0xffffffff, 0xb, 1, 1, 0, 1);
		data = seg(SEL_DATA, 0, 0xffffffff, 3, 1, 1, 0, 1);
		s->tr = seg(0, 0, 0xffff, 0xb, 0, 0, 0, 0);
		s->gdt.base = GUEST_GDT;
		s->gdt.limit = 6 * 8 - 1;
		s->cr0 = 0x11;				/* PE | ET */
		break;
	case MODE_LONG:
	default:
		s->cs = seg(SEL_CODE64, 0, 0xffffffff, 0xb, 1, 0, 1, 1);
		data = seg(SEL_DATA, 0, 0xffffffff, 3, 1, 1, 0, 1);
		s->tr = seg(0, 0, 0xffff, 0xb, 0, 0, 0, 0);
		s->gdt.base = GUEST_GDT;
		s->gdt.limit = 6 * 8 - 1;
		s->cr0 = 0x80010033;			/* PG | WP | NE | ET | MP | PE */
		s->cr3 = GUEST_PML4;
		s->cr4 = 0x620;				/* OSXMMEXCPT | OSFXSR | PAE */
		s->efer = 0x500;			/* LMA | LME */
		break;
	}
	s->ds = s->es = s->fs = s->gs = s->ss = data;
}

void vcpu_setup(struct vcpu *v, enum cpu_mode mode)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (mode != MODE_REAL)
		write_gdt(v->vm);
	if (mode == MODE_LONG)
		write_page_tables(v->vm);
	fill_sregs(v, mode, &s);
	set_sregs(v, &s);
	memset(&r, 0, sizeof(r));
	r.rip = GUEST_CODE;
	r.rsp = GUEST_STACK;
	r.rflags = 2;
	set_regs(v, &r);
}

void vcpu_set_if(struct vcpu *v)
{
	struct kvm_regs r;

	get_regs(v, &r);
	r.rflags |= 0x200;
	set_regs(v, &r);
}

void get_regs(struct vcpu *v, struct kvm_regs *r)
{
	if (ioctl(v->fd, KVM_GET_REGS, r) < 0)
		abort_scenario("KVM_GET_REGS: %s", errno_name(errno));
}

void set_regs(struct vcpu *v, const struct kvm_regs *r)
{
	if (ioctl(v->fd, KVM_SET_REGS, r) < 0)
		abort_scenario("KVM_SET_REGS: %s", errno_name(errno));
}

void get_sregs(struct vcpu *v, struct kvm_sregs *s)
{
	if (ioctl(v->fd, KVM_GET_SREGS, s) < 0)
		abort_scenario("KVM_GET_SREGS: %s", errno_name(errno));
}

void set_sregs(struct vcpu *v, const struct kvm_sregs *s)
{
	if (ioctl(v->fd, KVM_SET_SREGS, s) < 0)
		abort_scenario("KVM_SET_SREGS: %s", errno_name(errno));
}

int vrun(struct vcpu *v)
{
	int r = ioctl(v->fd, KVM_RUN, 0);

	if (r < 0) {
		int err = errno;

		if (err == EINTR && g_alarm_fired)
			abort_scenario("the guest was still running when the watchdog fired (runaway guest or lost exit)");
		return -err;
	}
	return 0;
}

uint32_t io_out_value(struct vcpu *v)
{
	uint32_t val = 0;

	memcpy(&val, io_data(v), v->run->io.size <= 4 ? v->run->io.size : 4);
	return val;
}

void io_in_answer(struct vcpu *v, uint32_t value)
{
	memcpy(io_data(v), &value, v->run->io.size <= 4 ? v->run->io.size : 4);
}

const char *exit_token(struct vcpu *v, char *buf, size_t len)
{
	struct kvm_run *run = v->run;
	uint64_t data = 0;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.direction == KVM_EXIT_IO_OUT)
			snprintf(buf, len, "out:%x:%u:%x", run->io.port, run->io.size,
				 io_out_value(v));
		else
			snprintf(buf, len, "in:%x:%u", run->io.port, run->io.size);
		break;
	case KVM_EXIT_MMIO:
		memcpy(&data, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
		if (run->mmio.is_write)
			snprintf(buf, len, "mmio_w:%llx:%u:%llx",
				 (unsigned long long)run->mmio.phys_addr, run->mmio.len,
				 (unsigned long long)data);
		else
			snprintf(buf, len, "mmio_r:%llx:%u",
				 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, len, "fail_entry:%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "internal_error:%u", run->internal.suberror);
		break;
	case KVM_EXIT_HYPERCALL:
		snprintf(buf, len, "hypercall:%llx", (unsigned long long)run->hypercall.nr);
		break;
	default:
		snprintf(buf, len, "%s", exit_name(run->exit_reason));
		break;
	}
	return buf;
}

/* More detail than exit_token() for a FAIL line: internal error data. */
static void explain_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char tok[64];
	unsigned int i;

	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		char data[256] = "";
		size_t l = 0;

		for (i = 0; i < run->internal.ndata && i < 16; i++)
			l += snprintf(data + l, sizeof(data) - l, " 0x%llx",
				      (unsigned long long)run->internal.data[i]);
		info("internal error: suberror %u, data:%s", run->internal.suberror, data);
	} else {
		info("exit: %s", exit_token(v, tok, sizeof(tok)));
	}
}

int run_collect(struct vcpu *v, uint32_t *outs, size_t max, size_t *n, unsigned int limit)
{
	unsigned int i;
	int r;

	for (i = 0; i < limit; i++) {
		r = vrun(v);
		if (r < 0)
			return r;
		if (v->run->exit_reason == KVM_EXIT_IO &&
		    v->run->io.direction == KVM_EXIT_IO_OUT &&
		    v->run->io.port == PORT_OUT) {
			if (*n < max)
				outs[*n] = io_out_value(v);
			(*n)++;
			continue;
		}
		if (v->run->exit_reason != KVM_EXIT_IO &&
		    v->run->exit_reason != KVM_EXIT_HLT)
			explain_exit(v);
		return v->run->exit_reason;
	}
	abort_scenario("more than %u exits without reaching the end of the guest program", limit);
}

const char *join_hex(const uint32_t *vals, size_t n, char *buf, size_t len)
{
	size_t i, l = 0;

	buf[0] = 0;
	for (i = 0; i < n && l < len; i++)
		l += snprintf(buf + l, len - l, "%s%x", i ? "," : "", vals[i]);
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
