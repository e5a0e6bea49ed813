// SPDX-License-Identifier: GPL-2.0
/*
 * mtrr.c - the guest's MTRRs: stored, validated and read back as KVM does
 * (8 variable ranges, the fixed ranges, write-combining), so that a guest
 * or a VMM that programs them at reset (SeaBIOS, QEMU) works.
 *
 * They never reach the hardware: EPT maps all guest RAM write-back with
 * "ignore PAT" (ept.c), so no guest memory type applies to host memory.
 */
#include <asm/msr-index.h>
#include <asm/mtrr.h>
#include <asm/processor.h>

#include "jvmm.h"

/* IA32_MTRRCAP: VCNT 8, FIX, WC (SDM Vol. 3, "MTRR Feature Identification"). */
#define MTRR_CAP_VALUE		(JVMM_MTRR_VAR | BIT(8) | BIT(10))
/* IA32_MTRR_DEF_TYPE: type in bits 7:0, FE (10), E (11). */
#define MTRR_DEF_TYPE_BITS	0xcffull
#define MTRR_TYPE_MASK		0xffull
#define MTRR_PHYSMASK_VALID	BIT_ULL(11)
/* The memory types MTRRs take: UC, WC, WT, WP, WB (SDM Vol. 3, "MTRR Types"). */
#define MTRR_TYPE_UC		0
#define MTRR_TYPE_WC		1
#define MTRR_TYPE_WT		4
#define MTRR_TYPE_WB		6

static const u32 fixed_msrs[JVMM_MTRR_FIXED] = {
	MSR_MTRRfix64K_00000, MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	MSR_MTRRfix4K_C0000, MSR_MTRRfix4K_C8000, MSR_MTRRfix4K_D0000,
	MSR_MTRRfix4K_D8000, MSR_MTRRfix4K_E0000, MSR_MTRRfix4K_E8000,
	MSR_MTRRfix4K_F0000, MSR_MTRRfix4K_F8000,
};

static bool type_valid(u64 type)
{
	return type == MTRR_TYPE_UC || type == MTRR_TYPE_WC ||
	       (type >= MTRR_TYPE_WT && type <= MTRR_TYPE_WB);
}

static int fixed_index(u32 index)
{
	int i;

	for (i = 0; i < JVMM_MTRR_FIXED; i++)
		if (fixed_msrs[i] == index)
			return i;
	return -1;
}

static bool is_var(u32 index)
{
	return index >= MTRRphysBase_MSR(0) && index < MTRRphysBase_MSR(JVMM_MTRR_VAR);
}

bool jvmm_mtrr_msr(u32 index)
{
	return index == MSR_MTRRcap || index == MSR_MTRRdefType || is_var(index) ||
	       fixed_index(index) >= 0;
}

int jvmm_mtrr_get(struct jvmm_vcpu *vcpu, u32 index, u64 *value)
{
	struct jvmm_mtrrs *m = &vcpu->mtrrs;
	int i = fixed_index(index);

	if (index == MSR_MTRRcap)
		*value = MTRR_CAP_VALUE;
	else if (index == MSR_MTRRdefType)
		*value = m->def_type;
	else if (is_var(index))
		*value = m->var[index - MTRRphysBase_MSR(0)];
	else if (i >= 0)
		*value = m->fixed[i];
	else
		return -EINVAL;
	return 0;
}

/* Nothing beyond the physical-address width, nothing in the reserved low bits. */
static bool var_valid(u32 index, u64 value)
{
	u64 reserved = GENMASK_ULL(63, boot_cpu_data.x86_phys_bits);

	if ((index - MTRRphysBase_MSR(0)) & 1)		/* PHYSMASKn */
		return !(value & (reserved | GENMASK_ULL(10, 0)));
	return !(value & (reserved | GENMASK_ULL(11, 8))) && type_valid(value & MTRR_TYPE_MASK);
}

int jvmm_mtrr_set(struct jvmm_vcpu *vcpu, u32 index, u64 value)
{
	struct jvmm_mtrrs *m = &vcpu->mtrrs;
	int i = fixed_index(index), b;

	if (index == MSR_MTRRdefType) {
		if ((value & ~MTRR_DEF_TYPE_BITS) || !type_valid(value & MTRR_TYPE_MASK))
			return -EINVAL;
		m->def_type = value;
	} else if (is_var(index)) {
		if (!var_valid(index, value))
			return -EINVAL;
		m->var[index - MTRRphysBase_MSR(0)] = value;
	} else if (i >= 0) {
		/* Eight ranges, one type byte each. */
		for (b = 0; b < 8; b++)
			if (!type_valid((value >> (b * 8)) & MTRR_TYPE_MASK))
				return -EINVAL;
		m->fixed[i] = value;
	} else {
		return -EINVAL;	/* MTRRcap is read-only */
	}
	return 0;
}
