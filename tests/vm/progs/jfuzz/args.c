// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - ioctl numbers and their arguments.
 *
 * Arguments point only into the scratch buffer (guard pages on both sides,
 * so a kernel that reads or writes past a structure faults instead of
 * reaching the fuzzer's memory), at addresses nothing of ours lives at, or
 * are plain values.  Addresses the kernel keeps and uses later (a memory
 * slot's userspace_addr: the guest reads and writes there) are always fixed
 * up to guest memory or hostile addresses: random code in a guest must never
 * reach the fuzzer's own pages.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "jfuzz.h"

static const struct {
	const char *name;
	unsigned long cmd;
} kvm_ioctls[] = {
#define X(name) { #name, (unsigned long)(name) },
#include "kvm_ioctls.h"
#undef X
};

/* What jvmm implements (Documentation/uapi.md): picked more often. */
static const unsigned long jvmm_ioctls[] = {
	KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_GET_VCPU_MMAP_SIZE, KVM_CHECK_EXTENSION,
	KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU, KVM_SET_TSS_ADDR,
	KVM_SET_IDENTITY_MAP_ADDR, KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS,
	KVM_SET_SREGS, KVM_GET_MSRS, KVM_SET_MSRS, KVM_SET_CPUID2, KVM_INTERRUPT,
};

const char *ioctl_name(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kvm_ioctls); i++)
		if (kvm_ioctls[i].cmd == cmd)
			return kvm_ioctls[i].name;
	return "_other";
}

unsigned long pick_cmd(struct rng *r)
{
	unsigned int k = (unsigned int)rng_below(r, 100);
	unsigned long cmd, size;

	if (k < 50)
		return kvm_ioctls[rng_below(r, ARRAY_SIZE(kvm_ioctls))].cmd;
	if (k < 80)
		return jvmm_ioctls[rng_below(r, ARRAY_SIZE(jvmm_ioctls))];
	if (k < 90) {
		/* A known number with another size or direction. */
		cmd = kvm_ioctls[rng_below(r, ARRAY_SIZE(kvm_ioctls))].cmd;
		size = rng_chance(r, 50) ? rng_below(r, 1 << _IOC_SIZEBITS) :
			_IOC_SIZE(cmd) + rng_below(r, 17) - 8;
		return _IOC(rng_below(r, 4), _IOC_TYPE(cmd), _IOC_NR(cmd),
			    size & ((1 << _IOC_SIZEBITS) - 1));
	}
	return _IOC(rng_below(r, 4), rng_chance(r, 50) ? KVMIO : rng_below(r, 256),
		    rng_below(r, 256), rng_below(r, 1 << _IOC_SIZEBITS));
}

/* --- values -------------------------------------------------------------- */
static const uint64_t boundaries[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 255, 256, 257, 0x7fff, 0x8000, 0xffff,
	0x10000, 0xfff, 0x1000, 0x1001, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1, 0xfffffffffffff000ULL,
	1ULL << 47, 1ULL << 48, 1ULL << 52, 0x00007ffffffff000ULL,
};

uint64_t boundary_u64(struct rng *r)
{
	switch (rng_below(r, 4)) {
	case 0:
		return rng_next(r);
	case 1:
		return rng_below(r, 64);
	case 2:
		return boundaries[rng_below(r, ARRAY_SIZE(boundaries))] + rng_below(r, 3) - 1;
	default:
		return boundaries[rng_below(r, ARRAY_SIZE(boundaries))];
	}
}

uint32_t boundary_u32(struct rng *r)
{
	return (uint32_t)boundary_u64(r);
}

/* --- scratch ------------------------------------------------------------- */
static struct scratch *the_scratch;

void scratch_init(struct scratch *s)
{
	/* guard, buffer, guard, read-only page, guard */
	size_t len = SCRATCH_SIZE + 4 * PAGE;
	uint8_t *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fatal("mmap scratch: %s", strerror(errno));
	s->buf = p + PAGE;
	s->guard = s->buf + SCRATCH_SIZE;
	s->rdonly = s->guard + PAGE;
	if (mprotect(s->buf, SCRATCH_SIZE, PROT_READ | PROT_WRITE) ||
	    mprotect(s->rdonly, PAGE, PROT_READ))
		fatal("mprotect scratch: %s", strerror(errno));
	the_scratch = s;
}

uint64_t hostile_addr(struct rng *r)
{
	static const uint64_t fixed[] = {
		0, 1, 8, 0xfff, 0x1000, 0x10000,
		0xffffffff81000000ULL,	/* kernel text */
		0xffff888000000000ULL,	/* the direct map */
		0xfffffe0000000000ULL,	/* the CPU entry area */
		0xffffffffff600000ULL,	/* vsyscall */
		0x0000800000000000ULL,	/* first non-canonical */
		0x8000000000000000ULL, 0x00007ffffffff000ULL, ~0ULL, ~0ULL - 7,
	};
	struct scratch *s = the_scratch;

	switch (rng_below(r, 5)) {
	case 0:
		return (uintptr_t)s->guard + rng_below(r, PAGE);
	case 1:
		return (uintptr_t)s->rdonly + rng_below(r, 8) * 8;
	case 2:
		return (uintptr_t)s->buf - PAGE;	/* the guard before */
	default:
		return fixed[rng_below(r, ARRAY_SIZE(fixed))];
	}
}

/* --- structures ---------------------------------------------------------- */
static const uint32_t msr_indices[] = {
	0x10, 0x1b, 0x3a, 0x3b, 0x48, 0x49, 0x8b, 0xfe, 0x10a, 0x10b, 0x140, 0x174, 0x175, 0x176,
	0x1a0, 0x1d9, 0x200, 0x201, 0x20f, 0x250, 0x277, 0x2ff, 0x480, 0x481, 0x482, 0x485,
	0x48b, 0x48c, 0x491, 0x6a0, 0x6a2, 0x6a4, 0x6a8, 0x6e0, 0x800, 0x808, 0x830, 0x8ff,
	0xda0, 0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100,
	0xc0000101, 0xc0000102, 0xc0000103, 0xc0010000, 0x40000000, 0x4b564d00, 0xffffffff,
};

void fill_msrs(struct rng *r, struct kvm_msrs *m, uint32_t nmsrs, uint32_t fill)
{
	uint32_t i;

	m->nmsrs = nmsrs;
	m->pad = rng_chance(r, 90) ? 0 : boundary_u32(r);
	for (i = 0; i < fill; i++) {
		m->entries[i].index = rng_chance(r, 85) ?
			msr_indices[rng_below(r, ARRAY_SIZE(msr_indices))] : boundary_u32(r);
		m->entries[i].reserved = rng_chance(r, 95) ? 0 : boundary_u32(r);
		m->entries[i].data = boundary_u64(r);
	}
}

static void fill_segment(struct rng *r, struct kvm_segment *sg)
{
	if (rng_chance(r, 50))
		sg->base = boundary_u64(r);
	if (rng_chance(r, 50))
		sg->limit = boundary_u32(r);
	if (rng_chance(r, 30))
		sg->selector = (uint16_t)rng_next(r);
	if (rng_chance(r, 40)) {
		sg->type = rng_below(r, 16);
		sg->present = rng_below(r, 2);
		sg->dpl = rng_below(r, 4);
		sg->db = rng_below(r, 2);
		sg->s = rng_below(r, 2);
		sg->l = rng_below(r, 2);
		sg->g = rng_below(r, 2);
		sg->avl = rng_below(r, 2);
		sg->unusable = rng_below(r, 2);
	}
	if (rng_chance(r, 5))
		rng_fill(r, sg, sizeof(*sg));
}

/* Mutate a valid state, so that some mutants get past the first check. */
void fill_sregs(struct rng *r, struct kvm_sregs *s)
{
	struct kvm_segment *segs[] = { &s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss,
				       &s->tr, &s->ldt };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (rng_chance(r, 25))
			fill_segment(r, segs[i]);
	if (rng_chance(r, 40))
		s->cr0 ^= 1ULL << rng_below(r, 64);
	if (rng_chance(r, 20))
		s->cr0 = rng_chance(r, 50) ? 0x80000011 : boundary_u64(r);	/* PG|ET|PE */
	if (rng_chance(r, 40))
		s->cr4 ^= 1ULL << rng_below(r, 32);
	if (rng_chance(r, 10))
		s->cr4 = boundary_u64(r);
	if (rng_chance(r, 30))
		s->efer ^= 1ULL << (rng_chance(r, 70) ? rng_below(r, 16) : rng_below(r, 64));
	if (rng_chance(r, 20))
		s->cr3 = boundary_u64(r);
	if (rng_chance(r, 10))
		s->cr2 = boundary_u64(r);
	if (rng_chance(r, 10))
		s->cr8 = boundary_u64(r);
	if (rng_chance(r, 15))
		s->apic_base = boundary_u64(r);
	if (rng_chance(r, 15)) {
		s->gdt.base = boundary_u64(r);
		s->gdt.limit = (uint16_t)rng_next(r);
	}
	if (rng_chance(r, 15)) {
		s->idt.base = boundary_u64(r);
		s->idt.limit = (uint16_t)rng_next(r);
	}
	if (rng_chance(r, 15))
		s->interrupt_bitmap[rng_below(r, 4)] = 1ULL << rng_below(r, 64);
	if (rng_chance(r, 3))
		rng_fill(r, s, sizeof(*s));
}

void fill_regs(struct rng *r, struct kvm_regs *regs)
{
	uint64_t *w = (uint64_t *)regs;
	size_t i;

	for (i = 0; i < sizeof(*regs) / 8; i++)
		if (rng_chance(r, 30))
			w[i] = boundary_u64(r);
	if (rng_chance(r, 50))
		regs->rflags = rng_chance(r, 50) ? 0x2 | (rng_next(r) & 0x3f7fd5) : boundary_u64(r);
}

static void fill_cpuid(struct rng *r, struct kvm_cpuid2 *c, uint32_t nent, uint32_t fill)
{
	uint32_t i;

	c->nent = nent;
	c->padding = rng_chance(r, 90) ? 0 : boundary_u32(r);
	for (i = 0; i < fill; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		e->function = rng_chance(r, 80) ? (uint32_t)rng_below(r, 0x20) |
			(rng_chance(r, 30) ? 0x80000000u : 0) : boundary_u32(r);
		e->index = rng_below(r, 4);
		e->flags = rng_chance(r, 80) ? rng_below(r, 8) : boundary_u32(r);
		e->eax = (uint32_t)rng_next(r);
		e->ebx = (uint32_t)rng_next(r);
		e->ecx = (uint32_t)rng_next(r);
		e->edx = (uint32_t)rng_next(r);
		memset(e->padding, 0, sizeof(e->padding));
	}
}

/* A count field: 0, 1, a few, as many as fit, or far beyond. */
static uint32_t pick_count(struct rng *r, uint32_t fits)
{
	static const uint32_t counts[] = { 0, 1, 2, 255, 256, 257, 0x7fffffff, 0x80000000,
					   0xffffffff, 0x10000 };

	if (rng_chance(r, 50))
		return (uint32_t)rng_below(r, fits + 1);
	if (rng_chance(r, 30))
		return fits;
	return counts[rng_below(r, ARRAY_SIZE(counts))];
}

/*
 * Place a len-byte argument in scratch: at the start, ending exactly at the
 * guard page (reading one byte more faults), misaligned, or straddling the
 * guard page.
 */
static uint8_t *place(struct rng *r, struct scratch *s, size_t len, const char **where)
{
	if (len > SCRATCH_SIZE)
		len = SCRATCH_SIZE;
	switch (rng_below(r, 6)) {
	case 0:
	case 1:
		*where = "scratch";
		return s->buf;
	case 2:
		*where = "scratch-end";
		return s->buf + SCRATCH_SIZE - len;
	case 3:
		*where = "scratch-misaligned";
		return s->buf + 1 + rng_below(r, 7);
	case 4:
		*where = "straddles-guard";
		return s->buf + SCRATCH_SIZE - (len ? rng_below(r, len) : 0);
	default:
		*where = "scratch-mid";
		return s->buf + (rng_below(r, SCRATCH_SIZE - len + 1) & ~7UL);
	}
}

static void fill_region(struct rng *r, struct kvm_userspace_memory_region *m)
{
	static const uint64_t sizes[] = {
		PAGE, 2 * PAGE, 16 * PAGE, 256 * PAGE, 1ULL << 20, 1ULL << 30,
		(1ULL << 28) * PAGE,		/* 2^28 pages: the kvmalloc WARN */
		((1ULL << 31) - 1) * PAGE, 1ULL << 44, 1ULL << 47, 0xfffffffffffff000ULL,
	};
	static const uint32_t slots[] = { 0, 1, 2, 31, 32, 33, 0xffff, 0x10000, 0x10001,
					  0x7fffffff, 0xffffffff };

	m->slot = rng_chance(r, 60) ? (uint32_t)rng_below(r, 34) : slots[rng_below(r, ARRAY_SIZE(slots))];
	m->flags = rng_chance(r, 80) ? 0 : rng_chance(r, 50) ? 1u << rng_below(r, 3) : boundary_u32(r);
	m->guest_phys_addr = rng_chance(r, 60) ? rng_below(r, 64) * CHUNK_MAX :
		rng_chance(r, 30) ? boundary_u64(r) & ~(PAGE - 1) : boundary_u64(r);
	m->memory_size = rng_chance(r, 50) ? rng_below(r, 257) * PAGE :
		rng_chance(r, 60) ? sizes[rng_below(r, ARRAY_SIZE(sizes))] : boundary_u64(r);
	if (rng_chance(r, 10))
		m->memory_size += rng_below(r, PAGE);	/* unaligned */
	m->userspace_addr = slot_addr(r);
	if ((opt.avoid & AVOID_HUGE_SLOT) && m->memory_size >= (1ULL << 28) * PAGE)
		m->memory_size &= (1ULL << 30) - 1;
}

/* KVM_SET_SIGNAL_MASK must not block the signal that bounds KVM_RUN. */
static void fix_signal_mask(uint8_t *p, size_t len)
{
	struct kvm_signal_mask *m = (struct kvm_signal_mask *)p;
	unsigned int bit = SIGUSR1 - 1;

	if (len >= sizeof(*m) + bit / 8 + 1)
		m->sigset[bit / 8] &= ~(1u << (bit % 8));
}

unsigned long make_arg(struct rng *r, struct scratch *s, unsigned long cmd,
		       char *desc, size_t desclen)
{
	size_t size = _IOC_SIZE(cmd), len;
	const char *where = "scratch";
	uint8_t *p;
	uint64_t v;
	uint32_t n;

	/* The ioctls whose argument is a value. */
	if (cmd == KVM_CREATE_VM || cmd == KVM_CHECK_EXTENSION || cmd == KVM_CREATE_VCPU ||
	    cmd == KVM_SET_TSS_ADDR || cmd == KVM_GET_API_VERSION || cmd == KVM_RUN ||
	    cmd == KVM_GET_VCPU_MMAP_SIZE || (!size && rng_chance(r, 70))) {
		if ((cmd == KVM_RUN || cmd == KVM_GET_API_VERSION || cmd == KVM_CREATE_VM ||
		     cmd == KVM_GET_VCPU_MMAP_SIZE) && rng_chance(r, 70))
			v = 0;
		else if (cmd == KVM_CREATE_VCPU && rng_chance(r, 60))
			v = rng_below(r, 10);
		else
			v = boundary_u64(r);
		snprintf(desc, desclen, "value 0x%llx", (unsigned long long)v);
		return (unsigned long)v;
	}
	if (rng_chance(r, 12)) {
		v = hostile_addr(r);
		snprintf(desc, desclen, "hostile 0x%llx", (unsigned long long)v);
		return (unsigned long)v;
	}

	len = size ? size : rng_below(r, 512);
	/* Variable-length structures get room for their entries. */
	if (cmd == KVM_GET_MSRS || cmd == KVM_SET_MSRS || cmd == KVM_GET_MSR_INDEX_LIST ||
	    cmd == KVM_GET_MSR_FEATURE_INDEX_LIST || cmd == KVM_SET_CPUID2 ||
	    cmd == KVM_GET_CPUID2 || cmd == KVM_GET_SUPPORTED_CPUID ||
	    cmd == KVM_GET_EMULATED_CPUID || cmd == KVM_SET_CPUID)
		len = rng_below(r, SCRATCH_SIZE / 2);
	p = place(r, s, len, &where);
	len = (size_t)(s->buf + SCRATCH_SIZE - p) < len ? (size_t)(s->buf + SCRATCH_SIZE - p) : len;

	switch (rng_below(r, 4)) {
	case 0:
		memset(p, 0, len);
		break;
	case 1:
		for (size_t i = 0; i + 8 <= len; i += 8) {
			v = boundary_u64(r);
			memcpy(p + i, &v, 8);
		}
		break;
	default:
		rng_fill(r, p, len);
		break;
	}

	if ((cmd == KVM_GET_MSRS || cmd == KVM_SET_MSRS) && len >= sizeof(struct kvm_msrs)) {
		n = (uint32_t)((len - sizeof(struct kvm_msrs)) / sizeof(struct kvm_msr_entry));
		fill_msrs(r, (struct kvm_msrs *)p, pick_count(r, n), n);
	} else if ((cmd == KVM_GET_MSR_INDEX_LIST || cmd == KVM_GET_MSR_FEATURE_INDEX_LIST) &&
		   len >= 4) {
		*(uint32_t *)p = pick_count(r, (uint32_t)((len - 4) / 4));
	} else if ((cmd == KVM_SET_CPUID2 || cmd == KVM_GET_CPUID2 ||
		    cmd == KVM_GET_SUPPORTED_CPUID || cmd == KVM_GET_EMULATED_CPUID) &&
		   len >= sizeof(struct kvm_cpuid2)) {
		n = (uint32_t)((len - sizeof(struct kvm_cpuid2)) / sizeof(struct kvm_cpuid_entry2));
		fill_cpuid(r, (struct kvm_cpuid2 *)p, pick_count(r, n), n);
	} else if (cmd == KVM_SET_USER_MEMORY_REGION && len >= sizeof(struct kvm_userspace_memory_region)) {
		fill_region(r, (struct kvm_userspace_memory_region *)p);
	} else if (cmd == KVM_SET_REGS && len >= sizeof(struct kvm_regs)) {
		fill_regs(r, (struct kvm_regs *)p);
	} else if (cmd == KVM_INTERRUPT && len >= sizeof(struct kvm_interrupt)) {
		((struct kvm_interrupt *)p)->irq = rng_chance(r, 60) ? (uint32_t)rng_below(r, 300) :
			boundary_u32(r);
	} else if (cmd == KVM_SET_SIGNAL_MASK) {
		fix_signal_mask(p, len);
	}
	snprintf(desc, desclen, "%s+0x%lx len %zu", where, (unsigned long)(p - s->buf), len);
	return (unsigned long)p;
}

/*
 * A KVM_SET_USER_MEMORY_REGION that the random paths above could build from
 * raw bytes (another size, same number) never reaches a kernel that would
 * accept it: KVM and jvmm match the whole number.  Only the exact number is
 * fixed up, in fill_region(), which every path with that number goes through.
 */
