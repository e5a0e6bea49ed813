// SPDX-License-Identifier: GPL-2.0
/*
 * jbench - exit-path benchmarks, run the same way against /dev/kvm and
 * /dev/jvmm so their figures can be compared in one boot.
 *
 *   jbench [--device DEV] [--count N] pio|cpuid|vmcall
 *
 * Each benchmark is a real-mode guest looping N times over one exiting
 * instruction, then HLT:
 *   pio     OUT to port 0x80: every iteration is a round trip to userspace
 *   cpuid   CPUID leaf 0: handled in the kernel, no userspace
 *   vmcall  VMCALL: a round trip to userspace (jvmm only: KVM handles
 *           VMCALL itself)
 * and prints "bench: <name> <device> <exits> exits in <s> s: <rate> exits/s".
 * Guest time is what counts: in the test VM, the clock is the emulated one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "jvmm.h"

#define CODE_GPA	0x1000
#define MEM_SIZE	0x10000

/* mov esi, N; [body]; dec esi; jnz body; hlt: N patched in at offset 2. */
static const uint8_t pio_loop[] = {
	0x66, 0xbe, 0, 0, 0, 0,		/* mov esi, imm32 */
	0xe6, 0x80,			/* out 0x80, al */
	0x66, 0x4e,			/* dec esi */
	0x75, 0xfa,			/* jnz out */
	0xf4,				/* hlt */
};

static const uint8_t cpuid_loop[] = {
	0x66, 0xbe, 0, 0, 0, 0,		/* mov esi, imm32 */
	0x66, 0x31, 0xc0,		/* xor eax, eax */
	0x0f, 0xa2,			/* cpuid */
	0x66, 0x4e,			/* dec esi */
	0x75, 0xf7,			/* jnz xor */
	0xf4,				/* hlt */
};

static const uint8_t vmcall_loop[] = {
	0x66, 0xbe, 0, 0, 0, 0,		/* mov esi, imm32 */
	0x0f, 0x01, 0xc1,		/* vmcall */
	0x66, 0x4e,			/* dec esi */
	0x75, 0xf9,			/* jnz vmcall */
	0xf4,				/* hlt */
};

static void die(const char *what)
{
	fprintf(stderr, "jbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = JVMM_DEVICE_PATH;
	unsigned long count = 20000, exits = 0;
	const uint8_t *code;
	size_t code_len;
	int opt, sysfd, vmfd, vcpufd, mmap_size;
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint32_t n32;
	uint8_t *mem;
	double t0, t;

	while ((opt = getopt_long(argc, argv, "d:n:", options, NULL)) != -1) {
		if (opt == 'd')
			device = optarg;
		else if (opt == 'n')
			count = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (optind + 1 != argc || !count || count > 0xffffffffUL) {
		fprintf(stderr, "usage: jbench [--device DEV] [--count N] pio|cpuid|vmcall\n");
		return 2;
	}
	if (!strcmp(argv[optind], "pio")) {
		code = pio_loop;
		code_len = sizeof(pio_loop);
	} else if (!strcmp(argv[optind], "cpuid")) {
		code = cpuid_loop;
		code_len = sizeof(cpuid_loop);
	} else if (!strcmp(argv[optind], "vmcall")) {
		code = vmcall_loop;
		code_len = sizeof(vmcall_loop);
	} else {
		fprintf(stderr, "jbench: unknown benchmark '%s'\n", argv[optind]);
		return 2;
	}

	sysfd = open(device, O_RDWR | O_CLOEXEC);
	if (sysfd < 0)
		die(device);
	vmfd = ioctl(sysfd, KVM_CREATE_VM, 0);
	if (vmfd < 0)
		die("KVM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memcpy(mem + CODE_GPA, code, code_len);
	n32 = count;
	memcpy(mem + CODE_GPA + 2, &n32, sizeof(n32));
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vcpufd = ioctl(vmfd, KVM_CREATE_VCPU, 0);
	if (vcpufd < 0)
		die("KVM_CREATE_VCPU");
	mmap_size = ioctl(sysfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpufd, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(vcpufd, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpufd, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 0x2;
	if (ioctl(vcpufd, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	t0 = now();
	for (;;) {
		if (ioctl(vcpufd, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO && run->exit_reason != KVM_EXIT_HYPERCALL) {
			fprintf(stderr, "jbench: unexpected exit %u\n", run->exit_reason);
			return 1;
		}
		exits++;
	}
	t = now() - t0;
	if (code == cpuid_loop)
		exits = count;	/* handled in the kernel: userspace saw none */
	else if (exits != count) {
		fprintf(stderr, "jbench: %lu exits to userspace, expected %lu\n", exits, count);
		return 1;
	}
	printf("bench: %s %s %lu exits in %.3f s: %.0f exits/s\n", argv[optind], device,
	       exits, t, exits / t);
	return 0;
}
