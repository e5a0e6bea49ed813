// SPDX-License-Identifier: GPL-2.0
/*
 * exit_mmio.c - guest accesses to guest-physical addresses that no memory
 * slot backs: KVM_EXIT_MMIO for userspace to answer.
 *
 * An EPT violation tells us the address but not the data or the register:
 * for that the instruction must be decoded.  jvmm decodes the plain MOV
 * forms a device driver uses (88, 89, 8A, 8B, C6, C7 and the A0-A3 moffs
 * forms, with operand-size, address-size, segment and REX prefixes).
 * Anything else stops the VM with KVM_EXIT_INTERNAL_ERROR and the address,
 * which is what KVM reports when its emulator gives up.
 *
 * RIP then moves by the length we decoded: the VM-exit instruction length
 * is not defined for EPT violations (SDM Vol. 3, "VM-Exit Instruction
 * Length").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "jvmm.h"
#include "vmcs.h"

#define MAX_INSN_LEN		15

/* Paging-structure entries, SDM Vol. 3, "Paging". */
#define PTE_PRESENT		BIT_ULL(0)
#define PTE_PAGE_SIZE		BIT_ULL(7)
/* Page-fault error code, SDM Vol. 3, "Interrupt 14-Page-Fault Exception (#PF)". */
#define PF_ERROR_WRITE		BIT(1)
#define PF_ERROR_USER		BIT(2)
#define VECTOR_PF		14
/* EPT-violation qualification: the guest linear-address field is valid. */
#define EPT_QUAL_LINEAR_VALID	BIT(7)
#define PTE_ADDR_MASK		GENMASK_ULL(51, 12)
#define PTE32_ADDR_MASK		GENMASK_ULL(31, 12)

/* ModRM fields. */
#define MODRM_MOD(m)		((m) >> 6)
#define MODRM_REG(m)		(((m) >> 3) & 7)
#define MODRM_RM(m)		((m) & 7)
#define SIB_BASE(s)		((s) & 7)

#define REX_W			BIT(3)
#define REX_R			BIT(2)

/*
 * Guest memory, read from the VMX section.  -EAGAIN: the page is not
 * pinned yet; the run loop pins it and the instruction runs again.
 */
static int read_guest(struct jvmm_vcpu *vcpu, u64 gpa, void *buf, unsigned int len)
{
	int ret = jvmm_read_guest_atomic(vcpu->vm, gpa, buf, len);

	if (ret == -EAGAIN) {
		vcpu->slow = JVMM_SLOW_MAP;
		vcpu->slow_gpa = gpa;
		vcpu->slow_write = false;
	}
	return ret;
}

/* Read one guest page-table entry of @size bytes at @gpa. */
static int read_pte(struct jvmm_vcpu *vcpu, u64 gpa, unsigned int size, u64 *pte)
{
	*pte = 0;
	return read_guest(vcpu, gpa, pte, size);
}

/*
 * Translate a linear address through the guest's own page tables, in
 * whichever paging mode it is (SDM Vol. 3, "Paging Modes and Control
 * Bits").  Permissions are not checked: the guest already executed
 * (or tried to execute) this instruction.
 */
static int linear_to_gpa(struct jvmm_vcpu *vcpu, u64 la, u64 *gpa)
{
	u64 cr3 = vmcs_readl(VMCS_GUEST_CR3);
	u64 pte, table;
	int level, ret;

	if (!(vcpu->cr0 & X86_CR0_PG)) {
		*gpa = la;
		return 0;
	}
	if (!(vcpu->cr4 & X86_CR4_PAE)) {
		/* 32-bit paging: two levels of 4-byte entries, 4 MiB pages with PSE. */
		la = (u32)la;
		ret = read_pte(vcpu, (cr3 & PTE32_ADDR_MASK) + ((la >> 22) << 2), 4, &pte);
		if (ret || !(pte & PTE_PRESENT))
			return ret ?: -EFAULT;
		if ((pte & PTE_PAGE_SIZE) && (vcpu->cr4 & X86_CR4_PSE)) {
			*gpa = (pte & GENMASK_ULL(31, 22)) | (la & GENMASK_ULL(21, 0));
			return 0;
		}
		ret = read_pte(vcpu, (pte & PTE32_ADDR_MASK) + (((la >> 12) & 0x3ff) << 2), 4, &pte);
		if (ret || !(pte & PTE_PRESENT))
			return ret ?: -EFAULT;
		*gpa = (pte & PTE32_ADDR_MASK) | (la & ~PAGE_MASK);
		return 0;
	}

	if (vcpu->efer & EFER_LMA) {
		level = 4;
		table = cr3 & PTE_ADDR_MASK;
	} else {
		/* PAE: the PDPTE comes from the VMCS (exit_cr.c loads it). */
		static const u32 pdptes[] = {
			VMCS_GUEST_PDPTE0, VMCS_GUEST_PDPTE1,
			VMCS_GUEST_PDPTE2, VMCS_GUEST_PDPTE3,
		};

		la = (u32)la;
		pte = __vmcs_read(pdptes[(la >> 30) & 3]);
		if (!(pte & PTE_PRESENT))
			return -EFAULT;
		level = 2;
		table = pte & PTE_ADDR_MASK;
	}
	for (; level >= 1; level--) {
		unsigned int shift = PAGE_SHIFT + 9 * (level - 1);

		ret = read_pte(vcpu, table + (((la >> shift) & 511) << 3), 8, &pte);
		if (ret || !(pte & PTE_PRESENT))
			return ret ?: -EFAULT;
		if (level == 1 || (level <= 3 && (pte & PTE_PAGE_SIZE))) {
			u64 page_mask = GENMASK_ULL(shift - 1, 0);

			*gpa = (pte & PTE_ADDR_MASK & ~page_mask) | (la & page_mask);
			return 0;
		}
		table = pte & PTE_ADDR_MASK;
	}
	return -EFAULT;
}

/* Fetch up to MAX_INSN_LEN bytes at CS:RIP, page by page. */
static int fetch_instruction(struct jvmm_vcpu *vcpu, u8 *insn)
{
	u64 la = vmcs_readl(VMCS_GUEST_CS_BASE) + vmcs_readl(VMCS_GUEST_RIP);
	unsigned int done = 0, chunk;
	u64 gpa;
	int ret;

	while (done < MAX_INSN_LEN) {
		chunk = min_t(unsigned int, MAX_INSN_LEN - done,
			      PAGE_SIZE - ((la + done) & ~PAGE_MASK));
		ret = linear_to_gpa(vcpu, la + done, &gpa);
		if (!ret)
			ret = read_guest(vcpu, gpa, insn + done, chunk);
		if (ret == -EAGAIN)
			return ret;
		if (ret)
			return done ? 0 : ret;	/* a short tail is fine if the MOV fits */
		done += chunk;
	}
	return 0;
}

/* A decoded MOV between a register or immediate and memory. */
struct mmio_insn {
	unsigned int len;
	unsigned int size;	/* operand bytes: 1, 2, 4, 8 */
	bool write;
	bool immediate;
	u64 imm;
	unsigned int reg;	/* register operand, x86 numbering */
	bool high_byte;		/* AH, CH, DH, BH */
};

/* Bytes of ModRM, SIB and displacement after the opcode. */
static int modrm_length(const u8 *p, unsigned int address_size)
{
	u8 modrm = p[0], mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm);
	int len = 1;

	if (mod == 3)
		return -EINVAL;		/* a register operand: not a memory access */
	if (address_size == 2) {
		if (mod == 1)
			return len + 1;
		if (mod == 2 || (mod == 0 && rm == 6))
			return len + 2;
		return len;
	}
	if (rm == 4) {
		len++;			/* SIB */
		if (mod == 0 && SIB_BASE(p[1]) == 5)
			return len + 4;
	}
	if (mod == 1)
		return len + 1;
	if (mod == 2 || (mod == 0 && rm == 5))
		return len + 4;
	return len;
}

static int decode_mov(struct jvmm_vcpu *vcpu, const u8 *insn, struct mmio_insn *d)
{
	u32 cs_ar = vmcs_read32(VMCS_GUEST_CS_AR);
	bool mode64 = (vcpu->efer & EFER_LMA) && (cs_ar & VMX_AR_L);
	unsigned int def = mode64 || (cs_ar & VMX_AR_DB) ? 4 : 2;
	unsigned int opsize = def, addrsize = mode64 ? 8 : def;
	const u8 *p = insn;
	u8 rex = 0, op;
	int n;

	for (;; p++) {
		if (p - insn >= MAX_INSN_LEN - 1)
			return -EINVAL;
		if (*p == 0x66)
			opsize = def == 4 ? 2 : 4;
		else if (*p == 0x67)
			addrsize = mode64 ? 4 : (def == 4 ? 2 : 4);
		else if (*p == 0x26 || *p == 0x2e || *p == 0x36 || *p == 0x3e ||
			 *p == 0x64 || *p == 0x65)
			continue;	/* the segment does not change the gpa we already have */
		else
			break;
	}
	if (mode64 && (*p & 0xf0) == 0x40)
		rex = *p++;
	if (rex & REX_W)
		opsize = 8;
	op = *p++;

	memset(d, 0, sizeof(*d));
	switch (op) {
	case 0x88: case 0x8a: case 0xc6:	/* 8-bit forms */
		d->size = 1;
		break;
	case 0x89: case 0x8b: case 0xc7:
		d->size = opsize;
		break;
	case 0xa0: case 0xa2:
		d->size = 1;
		d->write = op == 0xa2;
		d->reg = JVMM_RAX;
		d->len = p - insn + addrsize;
		return 0;
	case 0xa1: case 0xa3:
		d->size = opsize;
		d->write = op == 0xa3;
		d->reg = JVMM_RAX;
		d->len = p - insn + addrsize;
		return 0;
	default:
		return -EINVAL;
	}

	d->write = op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7;
	d->immediate = op == 0xc6 || op == 0xc7;
	d->reg = MODRM_REG(*p) | (rex & REX_R ? 8 : 0);
	if (d->size == 1 && !rex && d->reg >= 4 && !d->immediate) {
		d->high_byte = true;	/* without REX, 4-7 name AH, CH, DH, BH */
		d->reg -= 4;
	}
	n = modrm_length(p, addrsize);
	if (n < 0)
		return n;
	p += n;
	if (d->immediate) {
		unsigned int imm_size = min(d->size, 4u);	/* imm32 sign-extends for 64 */
		s64 imm = 0;

		memcpy(&imm, p, imm_size);
		if (imm_size == 4)
			imm = (s32)imm;
		d->imm = imm;
		p += imm_size;
	}
	d->len = p - insn;
	return 0;
}

/*
 * Called on an EPT violation at @gpa outside every slot, in the VMX
 * section.  Fills kvm_run for KVM_EXIT_MMIO and returns 0, or stops the
 * VM if the instruction is not one we decode.
 */
/*
 * An access that runs past the end of its page.  If the guest has not
 * mapped the next page, it is the #PF hardware would raise there (KVM's
 * emulator gives the same): 1, injected.  If the next page is the
 * guest-physical one after, outside RAM too, it is one MMIO access: 0.
 * Anything else (MMIO and RAM in one access) is not emulated: -EINVAL.
 */
static int check_page_crossing(struct jvmm_vcpu *vcpu, u64 gpa, const struct mmio_insn *d)
{
	u64 la, next, next_gpa;
	u32 error;
	int ret;

	if ((gpa & ~PAGE_MASK) + d->size <= PAGE_SIZE)
		return 0;
	if (!(vcpu->exit_qualification & EPT_QUAL_LINEAR_VALID))
		return -EINVAL;
	la = vmcs_readl(VMCS_GUEST_LINEAR_ADDRESS);
	next = (la & PAGE_MASK) + PAGE_SIZE;
	ret = linear_to_gpa(vcpu, next, &next_gpa);
	if (ret == -EFAULT) {
		error = (d->write ? PF_ERROR_WRITE : 0) |
			(jvmm_vcpu_cpl(vcpu) == 3 ? PF_ERROR_USER : 0);
		vcpu->cr2 = next;
		jvmm_vcpu_inject_exception(vcpu, VECTOR_PF, true, error);
		return 1;
	}
	if (ret)
		return ret;
	if ((next_gpa & PAGE_MASK) != (gpa & PAGE_MASK) + PAGE_SIZE ||
	    jvmm_vm_find_slot(vcpu->vm, next_gpa >> PAGE_SHIFT))
		return -EINVAL;
	return 0;
}

int jvmm_handle_mmio(struct jvmm_vcpu *vcpu, u64 gpa)
{
	struct kvm_run *run = vcpu->run;
	/* Zero slack after the 15 bytes: decoding may look past a bogus prefix run. */
	u8 insn[MAX_INSN_LEN + 16] = {};
	struct mmio_insn d;
	u64 data;
	int ret;

	ret = fetch_instruction(vcpu, insn);
	if (ret == -EAGAIN)
		return JVMM_EXIT_SLOW;
	if (!ret && !decode_mov(vcpu, insn, &d) && d.len <= MAX_INSN_LEN) {
		ret = check_page_crossing(vcpu, gpa, &d);
		if (ret == -EAGAIN)
			return JVMM_EXIT_SLOW;
		if (ret == 1)
			return JVMM_EXIT_RESUME;
	} else {
		ret = -EINVAL;
	}
	if (ret)
		return jvmm_vcpu_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION, 4,
						(u64)vcpu->exit_reason,
						(u64)vcpu->exit_qualification, gpa,
						(u64)vmcs_readl(VMCS_GUEST_RIP));

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = d.size;
	run->mmio.is_write = d.write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	vcpu->exit_instruction_length = d.len;
	if (d.write) {
		data = d.immediate ? d.imm : vcpu->regs.gpr[d.reg] >> (d.high_byte ? 8 : 0);
		memcpy(run->mmio.data, &data, d.size);
		vcpu->pending = JVMM_PENDING_SKIP;
	} else {
		vcpu->pending = JVMM_PENDING_MMIO_READ;
		vcpu->pending_reg = d.reg;
		vcpu->pending_size = d.size;
		vcpu->pending_high_byte = d.high_byte;
	}
	return 0;
}
