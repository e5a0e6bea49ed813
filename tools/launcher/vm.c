// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - the guest as /dev/jvmm sees it: one VM, one memory slot covering
 * all of guest RAM from gpa 0 (the low megabyte included: the guest writes
 * the CGA buffer at 0xB8000 and an EPT hole would cost an exit per
 * access), and one vCPU with its kvm_run page mapped.
 *
 * Only the KVM ioctls jvmm documents are used, so the same code would
 * drive /dev/kvm; but KVM answers VMCALL itself, so a JOS guest cannot
 * get its memory map there.
 */
#include "jlaunch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hypercall.h"

#define X86_CR0_PE	(1u << 0)
#define X86_CR0_ET	(1u << 4)
#define X86_CR0_NE	(1u << 5)
#define X86_RFLAGS_FIXED	(1u << 1)	/* bit 1 always reads as 1 */

int guest_alloc_ram(struct guest *g, size_t ram_size)
{
	void *ram;

	memset(g, 0, sizeof(*g));
	g->dev_fd = g->vm_fd = g->vcpu_fd = -1;
	/* Untouched pages cost nothing; jvmm pins each one on first use. */
	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		return -1;
	g->ram = ram;
	g->ram_size = ram_size;
	return 0;
}

static int fail(char *err, size_t err_size, const char *what, const char *hint)
{
	snprintf(err, err_size, "%s: %s%s%s", what, strerror(errno), hint ? "; " : "",
		 hint ? hint : "");
	return -1;
}

static const char *open_hint(int err)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return "is the module loaded? (sudo insmod module/jvmm.ko)";
	case EACCES:
	case EPERM:
		return "run as root, or load the module with dev_mode=0666";
	default:
		return NULL;
	}
}

int guest_create(struct guest *g, const char *device, char *err, size_t err_size)
{
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = g->ram_size,
		.userspace_addr = (uintptr_t)g->ram,
	};
	char what[300];
	int version, run_size;

	g->dev_fd = open(device, O_RDWR | O_CLOEXEC);
	if (g->dev_fd < 0) {
		snprintf(what, sizeof(what), "%s", device);
		return fail(err, err_size, what, open_hint(errno));
	}
	version = ioctl(g->dev_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		snprintf(err, err_size, "%s: KVM API version %d, expected %d; is this a jvmm device?",
			 device, version, KVM_API_VERSION);
		return -1;
	}
	g->vm_fd = ioctl(g->dev_fd, KVM_CREATE_VM, 0);
	if (g->vm_fd < 0)
		return fail(err, err_size, "KVM_CREATE_VM", NULL);
	if (ioctl(g->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot))
		return fail(err, err_size, "KVM_SET_USER_MEMORY_REGION", NULL);
	g->vcpu_fd = ioctl(g->vm_fd, KVM_CREATE_VCPU, 0);
	if (g->vcpu_fd < 0)
		return fail(err, err_size, "KVM_CREATE_VCPU", NULL);
	run_size = ioctl(g->dev_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run))
		return fail(err, err_size, "KVM_GET_VCPU_MMAP_SIZE", NULL);
	g->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu_fd, 0);
	if (g->run == MAP_FAILED) {
		g->run = NULL;
		return fail(err, err_size, "mmap of the kvm_run page", NULL);
	}
	g->run_size = (size_t)run_size;
	return 0;
}

static void real_mode_segment(struct kvm_segment *seg, bool code)
{
	memset(seg, 0, sizeof(*seg));
	seg->limit = 0xFFFF;
	seg->present = 1;
	seg->s = 1;
	seg->type = code ? 0xB : 0x3;	/* execute/read accessed, read/write accessed */
}

/*
 * The contract's initial state: real mode at 0000:7000 with every
 * selector and base 0 and limits 0xFFFF, RFLAGS 0x2, paging and
 * protection off, EFER 0, no stack.  CR0 has NE set (the course does) and
 * ET, which is hardwired on anything since the 486; caching is left on.
 */
int guest_reset_vcpu(struct guest *g, char *err, size_t err_size)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(g->vcpu_fd, KVM_GET_SREGS, &sregs))
		return fail(err, err_size, "KVM_GET_SREGS", NULL);
	real_mode_segment(&sregs.cs, true);
	real_mode_segment(&sregs.ds, false);
	real_mode_segment(&sregs.es, false);
	real_mode_segment(&sregs.fs, false);
	real_mode_segment(&sregs.gs, false);
	real_mode_segment(&sregs.ss, false);
	sregs.cr0 = X86_CR0_ET | X86_CR0_NE;
	sregs.cr2 = sregs.cr3 = sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(g->vcpu_fd, KVM_SET_SREGS, &sregs))
		return fail(err, err_size, "KVM_SET_SREGS", NULL);

	memset(&regs, 0, sizeof(regs));
	regs.rip = BOOT_SECTOR_GPA;
	regs.rflags = X86_RFLAGS_FIXED;
	if (ioctl(g->vcpu_fd, KVM_SET_REGS, &regs))
		return fail(err, err_size, "KVM_SET_REGS", NULL);
	return 0;
}

int guest_get_regs(struct guest *g, struct kvm_regs *regs)
{
	return ioctl(g->vcpu_fd, KVM_GET_REGS, regs);
}

int guest_set_regs(struct guest *g, const struct kvm_regs *regs)
{
	return ioctl(g->vcpu_fd, KVM_SET_REGS, regs);
}

static void dump_segment(FILE *out, const char *name, const struct kvm_segment *s)
{
	fprintf(out, "  %-3s sel=%04x base=%016llx limit=%08x type=%x s=%u dpl=%u p=%u l=%u db=%u g=%u\n",
		name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->s, s->dpl,
		s->present, s->l, s->db, s->g);
}

void guest_dump_state(struct guest *g, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(g->vcpu_fd, KVM_GET_REGS, &r) || ioctl(g->vcpu_fd, KVM_GET_SREGS, &s)) {
		fprintf(out, "  (registers unavailable: %s)\n", strerror(errno));
		return;
	}
	fprintf(out, "  rip=%016llx rflags=%016llx\n", r.rip, r.rflags);
	fprintf(out, "  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n", r.rax, r.rbx, r.rcx, r.rdx);
	fprintf(out, "  rsi=%016llx rdi=%016llx rsp=%016llx rbp=%016llx\n", r.rsi, r.rdi, r.rsp, r.rbp);
	fprintf(out, "  r8 =%016llx r9 =%016llx r10=%016llx r11=%016llx\n", r.r8, r.r9, r.r10, r.r11);
	fprintf(out, "  r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n", r.r12, r.r13, r.r14, r.r15);
	fprintf(out, "  cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx efer=%016llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	dump_segment(out, "cs", &s.cs);
	dump_segment(out, "ss", &s.ss);
	dump_segment(out, "ds", &s.ds);
	dump_segment(out, "tr", &s.tr);
	fprintf(out, "  gdt base=%016llx limit=%04x  idt base=%016llx limit=%04x\n",
		s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
}

void guest_destroy(struct guest *g)
{
	if (g->run)
		munmap(g->run, g->run_size);
	if (g->vcpu_fd >= 0)
		close(g->vcpu_fd);
	if (g->vm_fd >= 0)
		close(g->vm_fd);
	if (g->dev_fd >= 0)
		close(g->dev_fd);
	if (g->ram)
		munmap(g->ram, g->ram_size);
	memset(g, 0, sizeof(*g));
	g->dev_fd = g->vm_fd = g->vcpu_fd = -1;
}
