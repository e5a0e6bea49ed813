/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_ops.h - the VMX instructions, each wrapped so that failure is a
 * return value and never an oops.
 *
 * A VMX instruction reports failure in RFLAGS (CF = VMfailInvalid, ZF =
 * VMfailValid with the reason in the VM-instruction error field, SDM Vol. 3
 * "Conventions" in the VMX instruction reference), and faults (#UD, #GP)
 * when used in the wrong mode.  Both are caught here: "jbe" takes the
 * failure branch when CF or ZF is set, and an exception-table entry turns
 * a fault into a jump to the same kind of label.
 */
#ifndef JVMM_VMX_OPS_H
#define JVMM_VMX_OPS_H

#include <linux/errno.h>
#include <linux/types.h>
#include <asm/asm.h>

/*
 * CR4 as the CPU holds it, not the kernel's shadow copy of it (which is
 * KVM's to update, and never shows jvmm's CR4.VMXE; vmxon.c says why).
 */
static __always_inline unsigned long jvmm_read_cr4(void)
{
	unsigned long cr4;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	return cr4;
}

static __always_inline void jvmm_write_cr4(unsigned long cr4)
{
	asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}

/* Enter VMX root operation with the given VMXON region. */
static __always_inline int vmx_vmxon(u64 vmxon_region_pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m"(vmxon_region_pa) : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	return -EIO;
fault:
	return -EFAULT;
}

/* Leave VMX operation.  Faults only if we were not in it. */
static __always_inline int vmx_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	return -EIO;
fault:
	return -EFAULT;
}

/* The 128-bit INVEPT descriptor, SDM Vol. 3 "INVEPT". */
struct vmx_invept_desc {
	u64 eptp;
	u64 reserved;
};

static __always_inline int vmx_invept(unsigned long type, u64 eptp)
{
	struct vmx_invept_desc desc = { .eptp = eptp, .reserved = 0 };

	asm goto("1: invept %[desc], %[type]\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [desc] "m"(desc), [type] "r"(type) : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	return -EIO;
fault:
	return -EFAULT;
}

/* The 128-bit INVVPID descriptor, SDM Vol. 3 "INVVPID". */
struct vmx_invvpid_desc {
	u64 vpid;
	u64 linear_address;
};

static __always_inline int vmx_invvpid(unsigned long type, u16 vpid)
{
	struct vmx_invvpid_desc desc = { .vpid = vpid, .linear_address = 0 };

	asm goto("1: invvpid %[desc], %[type]\n\t"
		 "jbe %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [desc] "m"(desc), [type] "r"(type) : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	return -EIO;
fault:
	return -EFAULT;
}

#endif /* JVMM_VMX_OPS_H */
