/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcs.h - VMREAD/VMWRITE for the VMCS current on this CPU, and the
 * VMCS-pointer instructions.
 *
 * The width of a VMCS field is encoded in the field's number (bits 14:13,
 * vmx_arch.h), so an accessor of the wrong width is a bug we can catch at
 * compile time: every accessor below checks a constant encoding with
 * BUILD_BUG_ON.  A failing VMREAD or VMWRITE means jvmm itself is wrong
 * (no VMCS loaded, a field this CPU lacks); it is reported once, with the
 * field and the VM-instruction error, and never takes the host down.
 */
#ifndef JVMM_VMCS_H
#define JVMM_VMCS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <asm/asm.h>

#include "vmx_arch.h"

void jvmm_vmcs_error(const char *insn, unsigned long field, unsigned long value);

#define vmcs_field_width(field) \
	(((field) & VMCS_FIELD_WIDTH_MASK) >> VMCS_FIELD_WIDTH_SHIFT)

#define vmcs_check(field, width)					\
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&			\
			 (vmcs_field_width(field) != (width) ||		\
			  ((width) == VMCS_FIELD_WIDTH_64 &&		\
			   ((field) & VMCS_FIELD_HIGH))),		\
			 "VMCS accessor does not match the field's width")

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm goto("1: vmread %[field], %[value]\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[vmfail])
		 : [value] "=rm"(value) : [field] "r"(field) : "cc"
		 : vmfail);
	return value;
vmfail:
	jvmm_vmcs_error("vmread", field, 0);
	return 0;
}

static __always_inline void __vmcs_write(unsigned long field, unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[vmfail])
		 : : [field] "r"(field), [value] "rm"(value) : "cc"
		 : vmfail);
	return;
vmfail:
	jvmm_vmcs_error("vmwrite", field, value);
}

#define vmcs_read16(field)  ({ vmcs_check(field, VMCS_FIELD_WIDTH_16); (u16)__vmcs_read(field); })
#define vmcs_read32(field)  ({ vmcs_check(field, VMCS_FIELD_WIDTH_32); (u32)__vmcs_read(field); })
#define vmcs_read64(field)  ({ vmcs_check(field, VMCS_FIELD_WIDTH_64); (u64)__vmcs_read(field); })
#define vmcs_readl(field)   ({ vmcs_check(field, VMCS_FIELD_WIDTH_NATURAL); __vmcs_read(field); })

#define vmcs_write16(field, v) do { vmcs_check(field, VMCS_FIELD_WIDTH_16); __vmcs_write(field, (u16)(v)); } while (0)
#define vmcs_write32(field, v) do { vmcs_check(field, VMCS_FIELD_WIDTH_32); __vmcs_write(field, (u32)(v)); } while (0)
#define vmcs_write64(field, v) do { vmcs_check(field, VMCS_FIELD_WIDTH_64); __vmcs_write(field, (u64)(v)); } while (0)
#define vmcs_writel(field, v)  do { vmcs_check(field, VMCS_FIELD_WIDTH_NATURAL); __vmcs_write(field, (unsigned long)(v)); } while (0)

static inline void vmcs_set_bits32(unsigned long field, u32 bits)
{
	__vmcs_write(field, (u32)__vmcs_read(field) | bits);
}

static inline void vmcs_clear_bits32(unsigned long field, u32 bits)
{
	__vmcs_write(field, (u32)__vmcs_read(field) & ~bits);
}

/* Make @vmcs_pa inactive and write its state back to memory. */
static __always_inline int vmx_vmclear(u64 vmcs_pa)
{
	asm goto("1: vmclear %[pa]\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[vmfail])
		 : : [pa] "m"(vmcs_pa) : "cc", "memory"
		 : vmfail);
	return 0;
vmfail:
	return -EIO;
}

/* Make @vmcs_pa the current VMCS of this CPU. */
static __always_inline int vmx_vmptrld(u64 vmcs_pa)
{
	asm goto("1: vmptrld %[pa]\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[vmfail])
		 : : [pa] "m"(vmcs_pa) : "cc", "memory"
		 : vmfail);
	return 0;
vmfail:
	return -EIO;
}

#endif /* JVMM_VMCS_H */
