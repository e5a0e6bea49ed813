/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jlaunch.h - what the launcher's parts share: the options, the guest
 * (device, VM, vCPU, RAM), the run's statistics, and how a run ends.
 *
 * Data flows one way: main.c parses and loads, vm.c builds the VM, run.c
 * enters the guest and dispatches each exit by KVM exit reason to ports.c
 * (port I/O), hypercall.c (VMCALL) or its own handlers, then enters again.
 */
#ifndef JLAUNCH_H
#define JLAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

#define JLAUNCH_VERSION "0.5.0"

/* Exit statuses, as --help documents them. */
#define EXIT_GUEST_OFF		0	/* the guest powered off (or Ctrl-A x) */
#define EXIT_GUEST_FAILED	1	/* triple fault, entry failure, halted for good, ... */
#define EXIT_BAD_INPUT		2	/* bad option or file, or no device: no guest started */
#define EXIT_HOST_ERROR		3	/* an ioctl that should not fail did */
/* Killed by SIGINT/SIGTERM/SIGHUP: 128 + the signal, as shells report it. */

#define MIB			((uint64_t)1 << 20)
#define MEM_MIB_DEFAULT		16
#define MEM_MIB_MIN		2	/* the multiboot map needs memory above 1 MiB */
#define MEM_MIB_MAX		3072	/* below the 32-bit PCI hole, as on a PC */

struct jlaunch_options {
	const char *kernel_path;	/* NULL: our own guest */
	const char *boot_path;		/* NULL: our own boot sector */
	const char *disk_path;		/* NULL: our guest's default image, if built */
	bool disk_readonly;		/* --readonly */
	bool disk_snapshot;		/* --snapshot */
	const char *device_path;
	const char *until_text;		/* --until: stop when the console prints it */
	unsigned int mem_mib;
	unsigned int timer_hz;		/* 0: no timer */
	bool trace;
	bool stats;
};

struct guest {
	int dev_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
	size_t ram_size;
};

/* How a run ended; run.c fills it, main.c reports it. */
enum run_end {
	RUN_POWER_OFF,		/* the guest wrote the power-off port */
	RUN_BACK_TO_HOST,	/* hypercall BACKTOHOST */
	RUN_USER_QUIT,		/* Ctrl-A x */
	RUN_UNTIL_MATCHED,	/* --until text seen */
	RUN_SIGNAL,		/* SIGINT, SIGTERM, SIGHUP */
	RUN_GUEST_FAILED,	/* shutdown, entry failure, internal error, ... */
	RUN_HOST_ERROR,		/* KVM_RUN or another ioctl failed */
};

/* ---- vm.c: the VM, its RAM and its one vCPU ---- */
/* Guest RAM before the VM exists, so files load (and fail) before any ioctl. */
int guest_alloc_ram(struct guest *g, size_t ram_size);
/* Opens the device, creates VM and vCPU, maps RAM; -1 with err on failure. */
int guest_create(struct guest *g, const char *device, char *err, size_t err_size);
/* Real mode at CS:IP 0000:7000, as the contract says. */
int guest_reset_vcpu(struct guest *g, char *err, size_t err_size);
void guest_destroy(struct guest *g);
int guest_get_regs(struct guest *g, struct kvm_regs *regs);
int guest_set_regs(struct guest *g, const struct kvm_regs *regs);
/* Registers and segments to stderr, for failures under --trace. */
void guest_dump_state(struct guest *g, FILE *out);

/* ---- run.c ---- */
struct run_result {
	enum run_end end;
	int signal;		/* RUN_SIGNAL */
	char why[256];		/* RUN_GUEST_FAILED / RUN_HOST_ERROR */
};
void run_guest(struct guest *g, const struct jlaunch_options *opt, struct run_result *res);

#endif /* JLAUNCH_H */
