// SPDX-License-Identifier: GPL-2.0
/*
 * sc_mem.c - memory slots, their errors, and MMIO.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "engine.h"

static struct vm vm;
static struct vcpu v;
static uint8_t *slot1;

static long set_region(uint32_t slot, uint64_t gpa, uint64_t size, uint64_t hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = hva,
	};

	return ioctl(vm.fd, KVM_SET_USER_MEMORY_REGION, &region);
}

static long set_region_flags(uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size,
			     uint64_t hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = hva,
	};

	return ioctl(vm.fd, KVM_SET_USER_MEMORY_REGION, &region);
}

/* Slot 0 as usual, slot 1 of SLOT1_SIZE at SLOT1_GPA; the slots guest. */
static void boot_two_slots(void)
{
	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);
	vm_load(&vm, BLOB(slots));
	vcpu_setup(&v, MODE_PM32);
	slot1 = mmap(NULL, SLOT1_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (slot1 == MAP_FAILED)
		abort_scenario("mmap slot 1: %s", strerror(errno));
	if (set_region(1, SLOT1_GPA, SLOT1_SIZE, (uintptr_t)slot1) < 0)
		abort_scenario("KVM_SET_USER_MEMORY_REGION slot 1: %s", errno_name(errno));
	*(uint32_t *)(slot1 + 0x20) = 0x51070001;
}

/* Phase 1 of the slots guest: until its first HLT. */
static void phase1(void)
{
	uint32_t outs[8], w;
	char buf[128];
	size_t n = 0;
	int r;

	r = run_collect(&v, outs, ARRAY_SIZE(outs), &n, 20);
	if (r != KVM_EXIT_HLT)
		fail("phase 1: got %s, want hlt", r < 0 ? errno_name(-r) : exit_name(r));
	else
		ok("phase 1 ran to HLT");
	expect_u64("number of OUTs in phase 1", n, 2);
	if (n >= 2) {
		expect_u64("the guest reads back its write to slot 1", outs[0], 0xcafe0001);
		expect_u64("the guest reads what the host put in slot 1", outs[1], 0x51070001);
	}
	memcpy(&w, slot1 + 0x10, 4);
	expect_u64("the host sees the guest's write to slot 1", w, 0xcafe0001);
	res("phase1", "%s", join_hex(outs, n < 8 ? n : 8, buf, sizeof(buf)));
	res("slot1_word", "%x", w);
	memcpy(&w, vm.mem + 0x800, 4);
	expect_u64("the host sees the guest's write to slot 0", w, 0x5107);
}

void scn_memslots(void)
{
	long ret;
	int err;
	uint8_t *extra;

	boot_two_slots();
	phase1();

	extra = mmap(NULL, 0x4000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (extra == MAP_FAILED)
		abort_scenario("mmap: %s", strerror(errno));

#define TRY(key, want, call) do {						\
		ret = (call);							\
		err = errno;							\
		expect_errno(key, ret, err, want);				\
		res(key, "%s", ret_name(ret, err));				\
	} while (0)
	TRY("misaligned_gpa", EINVAL, set_region(2, 0x200001, 0x1000, (uintptr_t)extra));
	TRY("misaligned_size", EINVAL, set_region(2, 0x200000, 0x1001, (uintptr_t)extra));
	TRY("misaligned_hva", EINVAL, set_region(2, 0x200000, 0x1000, (uintptr_t)extra + 8));
	TRY("overlap_slot0", EEXIST, set_region(2, 0x80000, 0x4000, (uintptr_t)extra));
	TRY("overlap_slot1", EEXIST, set_region(2, SLOT1_GPA + SLOT1_SIZE - 0x1000, 0x4000,
						 (uintptr_t)extra));
	TRY("delete_nonexistent", EINVAL, set_region(5, 0, 0, 0));
	TRY("bad_flags", EINVAL, set_region_flags(2, 0x80000000u, 0x200000, 0x1000,
						   (uintptr_t)extra));
	TRY("huge_2_60", EINVAL, set_region(2, 0x200000, 1ull << 60, (uintptr_t)extra));
#undef TRY
	/* A fine third slot right after slot 1 is accepted, and deleted again. */
	ret = set_region(2, SLOT1_GPA + SLOT1_SIZE, 0x4000, (uintptr_t)extra);
	err = errno;
	check(ret == 0, "an adjacent, non-overlapping slot 2 is accepted");
	res("adjacent", "%s", ret_name(ret, err));
	ret = set_region(2, SLOT1_GPA + SLOT1_SIZE, 0, (uintptr_t)extra);
	err = errno;
	check(ret == 0, "slot 2 deleted (size 0)");
	res("delete2", "%s", ret_name(ret, err));
}

void scn_memslot_delete(void)
{
	char tok[96], seq[512] = "";
	size_t l = 0;
	unsigned int i;
	long ret;
	int r = 0;

	boot_two_slots();
	phase1();
	ret = set_region(1, SLOT1_GPA, 0, (uintptr_t)slot1);
	check(ret == 0, "slot 1 deleted (size 0)");
	res("delete", "%s", ret_name(ret, errno));

	/* Phase 2: the guest's accesses to the old slot 1 are MMIO now. */
	for (i = 0; i < 8; i++) {
		r = vrun(&v);
		if (r < 0)
			break;
		l += snprintf(seq + l, sizeof(seq) - l, "%s%s", l ? "," : "",
			      exit_token(&v, tok, sizeof(tok)));
		if (v.run->exit_reason == KVM_EXIT_MMIO && !v.run->mmio.is_write) {
			uint32_t val = 0x99887766;

			memcpy(v.run->mmio.data, &val, 4);
		} else if (v.run->exit_reason != KVM_EXIT_MMIO &&
			   !(v.run->exit_reason == KVM_EXIT_IO && v.run->io.port == PORT_OUT)) {
			break;
		}
	}
	if (r < 0)
		l += snprintf(seq + l, sizeof(seq) - l, "%serror:%s", l ? "," : "", errno_name(-r));
	expect_str("phase 2: MMIO write, MMIO read, OUT of the read value, HLT", seq,
		   "mmio_w:100030:4:11223344,mmio_r:100040:4,out:e9:4:99887766,hlt");
	res("phase2", "%s", seq);
}

void scn_mmio(void)
{
	static const char want[] =
		"mmio_w:d0000000:4:12345678,mmio_r:d0000004:4,out:e9:4:a5a5f00d,"
		"mmio_w:d0000008:1:77,mmio_r:d000000c:2,out:e9:4:a5a5beef,hlt";
	char tok[96], seq[512] = "";
	size_t l = 0;
	unsigned int i;
	int r = 0;

	vm_init(&vm, GUEST_MEM_SIZE);
	vcpu_init(&v, &vm, 0);
	vm_load(&vm, BLOB(mmio));
	vcpu_setup(&v, MODE_PM32);
	for (i = 0; i < 12; i++) {
		r = vrun(&v);
		if (r < 0)
			break;
		l += snprintf(seq + l, sizeof(seq) - l, "%s%s", l ? "," : "",
			      exit_token(&v, tok, sizeof(tok)));
		if (v.run->exit_reason == KVM_EXIT_MMIO) {
			if (!v.run->mmio.is_write) {
				uint64_t val = v.run->mmio.len == 2 ? 0xbeef : 0xa5a5f00d;

				memcpy(v.run->mmio.data, &val, 8);
			}
		} else if (!(v.run->exit_reason == KVM_EXIT_IO && v.run->io.port == PORT_OUT)) {
			if (v.run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
				info("internal error: suberror %u, ndata %u, data[0..3] 0x%llx 0x%llx 0x%llx 0x%llx",
				     v.run->internal.suberror, v.run->internal.ndata,
				     (unsigned long long)v.run->internal.data[0],
				     (unsigned long long)v.run->internal.data[1],
				     (unsigned long long)v.run->internal.data[2],
				     (unsigned long long)v.run->internal.data[3]);
			break;
		}
	}
	if (r < 0)
		l += snprintf(seq + l, sizeof(seq) - l, "%serror:%s", l ? "," : "", errno_name(-r));
	expect_str("MMIO exits with address, length, direction and data; reads return the host's data",
		   seq, want);
	res("seq", "%s", seq);
}
