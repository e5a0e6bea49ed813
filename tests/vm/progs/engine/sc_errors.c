// SPDX-License-Identifier: GPL-2.0
/*
 * sc_errors.c - bad ioctl arguments, and teardown in awkward orders
 * (including kill -9 of a process inside KVM_RUN).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "engine.h"

extern jmp_buf g_abort_jmp;

#define TRY(key, want, call) do {					\
		long ret_ = (call);					\
		int err_ = errno;					\
		expect_errno(key, ret_, err_, want);			\
		res(key, "%s", ret_name(ret_, err_));			\
	} while (0)

static long set_region(int vmfd, uint32_t slot, uint64_t gpa, uint64_t size, uint64_t hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = hva,
	};

	return ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &region);
}

void scn_bad_args(void)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[1];
	} msrs;
	struct kvm_cpuid2 cpuid;
	struct kvm_sregs s;
	struct kvm_regs regs;
	struct vm vm;
	struct vcpu v;
	int sys, fds[2], child_err[2];
	pid_t pid;

	/*
	 * Unknown ioctls: KVM/x86 says EINVAL on /dev/kvm (kvm_arch_dev_ioctl)
	 * and on vCPU fds (kvm_vcpu_ioctl for foreign types, kvm_arch_vcpu_ioctl
	 * for unknown KVM ones), ENOTTY only on VM fds.  jvmm says ENOTTY on
	 * every fd (Documentation/uapi.md): each device is held to its own rule,
	 * and the case script lists the difference.
	 */
	const int unknown = strcmp(g_device, JVMM_DEVICE_PATH) ? EINVAL : ENOTTY;

	sys = dev_open();
	TRY("sys_unknown_ioctl", unknown, ioctl(sys, _IO(KVMIO, 0xfe), 0));
	TRY("sys_foreign_ioctl", unknown, ioctl(sys, _IOW('x', 1, int), 0));
	TRY("sys_tcgets", unknown, ioctl(sys, TCGETS, 0));
	TRY("create_vm_type1", EINVAL, ioctl(sys, KVM_CREATE_VM, 1));
	TRY("mmap_size_arg1", EINVAL, ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 1));
	close(sys);

	vm_init(&vm, GUEST_MEM_SIZE);
	TRY("vm_unknown_ioctl", ENOTTY, ioctl(vm.fd, _IO(KVMIO, 0xfe), 0));
	TRY("vm_foreign_ioctl", ENOTTY, ioctl(vm.fd, _IOW('x', 1, int), 0));
	TRY("vm_mem_null", EFAULT, ioctl(vm.fd, KVM_SET_USER_MEMORY_REGION, NULL));
	TRY("vm_mem_2_60_bytes", EINVAL, set_region(vm.fd, 1, 0x100000, 1ull << 60,
						    (uintptr_t)vm.mem));
	TRY("vm_identity_map_null", EFAULT, ioctl(vm.fd, KVM_SET_IDENTITY_MAP_ADDR, NULL));
	TRY("vm_vcpu_id_huge", EINVAL, ioctl(vm.fd, KVM_CREATE_VCPU, 1 << 20));
	vcpu_init(&v, &vm, 0);
	TRY("vm_vcpu_id_dup", EEXIST, ioctl(vm.fd, KVM_CREATE_VCPU, 0));

	TRY("vcpu_unknown_ioctl", unknown, ioctl(v.fd, _IO(KVMIO, 0xfe), 0));
	TRY("vcpu_foreign_ioctl", unknown, ioctl(v.fd, _IOW('x', 1, int), 0));
	TRY("vcpu_get_regs_null", EFAULT, ioctl(v.fd, KVM_GET_REGS, NULL));
	TRY("vcpu_set_regs_null", EFAULT, ioctl(v.fd, KVM_SET_REGS, NULL));
	TRY("vcpu_get_sregs_null", EFAULT, ioctl(v.fd, KVM_GET_SREGS, NULL));
	TRY("vcpu_set_sregs_null", EFAULT, ioctl(v.fd, KVM_SET_SREGS, NULL));
	TRY("vcpu_get_msrs_null", EFAULT, ioctl(v.fd, KVM_GET_MSRS, NULL));
	TRY("vcpu_set_msrs_null", EFAULT, ioctl(v.fd, KVM_SET_MSRS, NULL));
	TRY("vcpu_set_cpuid2_null", EFAULT, ioctl(v.fd, KVM_SET_CPUID2, NULL));
	TRY("vcpu_interrupt_null", EFAULT, ioctl(v.fd, KVM_INTERRUPT, NULL));
	memset(&msrs, 0, sizeof(msrs));
	msrs.hdr.nmsrs = 1u << 20;
	msrs.e[0].index = 0xc0000080;
	TRY("vcpu_get_msrs_nmsrs_huge", E2BIG, ioctl(v.fd, KVM_GET_MSRS, &msrs));
	TRY("vcpu_set_msrs_nmsrs_huge", E2BIG, ioctl(v.fd, KVM_SET_MSRS, &msrs));
	memset(&cpuid, 0, sizeof(cpuid));
	cpuid.nent = 1u << 20;
	TRY("vcpu_set_cpuid2_nent_huge", E2BIG, ioctl(v.fd, KVM_SET_CPUID2, &cpuid));
	TRY("vcpu_run_arg1", EINVAL, ioctl(v.fd, KVM_RUN, 1));
	get_sregs(&v, &s);
	s.cr0 = 0x80000010;		/* PG without PE */
	TRY("vcpu_sregs_pg_without_pe", EINVAL, ioctl(v.fd, KVM_SET_SREGS, &s));
	get_sregs(&v, &s);
	s.efer = 0x400;			/* LMA without LME and paging */
	TRY("vcpu_sregs_lma_without_lme", EINVAL, ioctl(v.fd, KVM_SET_SREGS, &s));

	/* Another process (a fork) may not use the VM or the vCPU. */
	if (pipe(fds) < 0)
		abort_scenario("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort_scenario("fork: %s", strerror(errno));
	if (pid == 0) {
		int e[2];

		e[0] = ioctl(v.fd, KVM_GET_REGS, &regs) < 0 ? errno : 0;
		e[1] = ioctl(vm.fd, KVM_CREATE_VCPU, 1) < 0 ? errno : 0;
		_exit(write(fds[1], e, sizeof(e)) == sizeof(e) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], child_err, sizeof(child_err)) != sizeof(child_err))
		abort_scenario("the forked process did not report");
	waitpid(pid, NULL, 0);
	close(fds[0]);
	expect_errno("KVM_GET_REGS from another process", -1, child_err[0], EIO);
	res("other_process_vcpu", "%s", child_err[0] ? errno_name(child_err[0]) : "ok");
	expect_errno("KVM_CREATE_VCPU from another process", -1, child_err[1], EIO);
	res("other_process_vm", "%s", child_err[1] ? errno_name(child_err[1]) : "ok");
	vcpu_close(&v);
	vm_close(&vm);
}

/* --- cleanup ------------------------------------------------------------- */

#define OBJECTS "/sys/kernel/debug/jvmm/objects"

/* jvmm's live objects: their sum, and the file's text in @text. */
static long read_objects(char *text, size_t len)
{
	char line[128];
	long sum = 0, n;
	size_t l = 0;
	FILE *f = fopen(OBJECTS, "r");

	text[0] = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[64];

		if (sscanf(line, "%63s %ld", name, &n) == 2) {
			sum += n;
			l += snprintf(text + l, len - l, "%s%s=%ld", l ? " " : "", name, n);
		}
	}
	fclose(f);
	return sum;
}

static long object_count(const char *name)
{
	char line[128], n[64];
	long v = -1, x;
	FILE *f = fopen(OBJECTS, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", n, &x) == 2 && !strcmp(n, name))
			v = x;
	fclose(f);
	return v;
}

/* On jvmm: every object is freed (within a second: teardown may lag exit). */
static void expect_no_objects(const char *when)
{
	char text[256];
	long sum = -1;
	int i;

	if (g_reference)
		return;
	for (i = 0; i < 50; i++) {
		sum = read_objects(text, sizeof(text));
		if (sum <= 0)
			break;
		sleep_ms(20);
	}
	if (sum < 0)
		fail("%s: cannot read %s", when, OBJECTS);
	else if (sum)
		fail("%s: jvmm objects left: %s", when, text);
	else
		ok("%s: jvmm holds no VM, vCPU, EPT table or pinned page", when);
}

static void __attribute__((noreturn)) spinning_child(int ready_fd)
{
	struct vm vm;
	struct vcpu v;
	int r;

	if (setjmp(g_abort_jmp))
		_exit(100);
	g_alarm_fired = 0;
	alarm(30);
	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);
	vm_load(&vm, BLOB(touch));
	vcpu_setup(&v, MODE_PM32);
	vcpu_set_if(&v);
	r = vrun(&v);
	if (r < 0 || v.run->exit_reason != KVM_EXIT_IO || v.run->io.port != PORT_SYNC)
		_exit(102);
	if (write(ready_fd, "s", 1) != 1)
		_exit(103);
	vrun(&v);		/* spins until killed */
	_exit(104);
}

void scn_cleanup(void)
{
	char text[256], tok[96];
	struct vm vm;
	struct vcpu v;
	int p[2], status, r;
	pid_t pid;
	char c;

	expect_no_objects("before");

	/* 1. kill -9 of a process spinning in KVM_RUN with 64 pages mapped. */
	if (pipe(p) < 0)
		abort_scenario("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort_scenario("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		spinning_child(p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		abort_scenario("the child never reached its spin loop (status 0x%x)", status);
	}
	close(p[0]);
	sleep_ms(50);
	if (!g_reference) {
		long vms = object_count("vms"), vcpus = object_count("vcpus");
		long pinned = object_count("pinned_pages");

		read_objects(text, sizeof(text));
		info("while the child spins: %s", text);
		check(vms == 1 && vcpus == 1 && pinned >= GUEST_TOUCH_PAGES,
		      "while the child spins: 1 VM, 1 vCPU, >= 64 pinned pages counted");
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "the child died of SIGKILL inside KVM_RUN");
	res("killed", "%s", WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited");
	expect_no_objects("after kill -9");

	/* 2. A vCPU stopped at an IN exit: close the vCPU fd, then the VM fd, then unmap. */
	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);
	vm_load(&vm, BLOB(pio));
	vcpu_setup(&v, MODE_REAL);
	r = vrun(&v);
	exit_token(&v, tok, sizeof(tok));
	check(r == 0 && v.run->exit_reason == KVM_EXIT_IO, "stopped at the IN");
	res("pending", "%s", r < 0 ? errno_name(-r) : tok);
	close(v.fd);
	close(vm.fd);
	close(vm.sys);
	munmap(v.run, v.run_size);
	munmap(vm.mem, vm.mem_size);
	expect_no_objects("vCPU fd, VM fd, device fd closed, then kvm_run unmapped");

	/* 3. Device and VM fds closed first: the vCPU still runs, then goes. */
	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);
	vm_load(&vm, BLOB(pio));
	vcpu_setup(&v, MODE_REAL);
	r = vrun(&v);
	close(vm.sys);
	close(vm.fd);
	io_in_answer(&v, 0x5a);
	r = vrun(&v);
	exit_token(&v, tok, sizeof(tok));
	expect_str("the vCPU runs on after its VM fd and the device fd are closed", tok,
		   "out:e9:4:aabbcc5a");
	res("run_after_vm_close", "%s", r < 0 ? errno_name(-r) : tok);
	munmap(v.run, v.run_size);
	close(v.fd);
	munmap(vm.mem, vm.mem_size);
	expect_no_objects("VM fd closed before the vCPU fd");
}
