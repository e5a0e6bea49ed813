/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_arch.h - architectural constants of Intel VMX, named as the SDM names them.
 *
 * Every number jvmm hands to the hardware is defined here, once.  We use
 * our own spellings (prefixes IA32_, VMX_BASIC_, VMX_PIN_, VMX_PROC_,
 * VMX_PROC2_, VMX_EXIT_CTL_, VMX_ENTRY_CTL_, VMX_EPT_) rather than those of
 * <asm/vmx.h>, which are the kernel's private names and change between
 * releases; an out-of-tree module must build against any kernel tree.
 *
 * Section names refer to the Intel 64 and IA-32 Architectures Software
 * Developer's Manual, Volume 3 (see Documentation/design.md for the
 * revision these were checked against).
 */
#ifndef JVMM_VMX_ARCH_H
#define JVMM_VMX_ARCH_H

#include <linux/bits.h>

/* CPUID.01H:ECX bit 5 - "Virtual Machine Extensions". */
#define CPUID_1_ECX_VMX			BIT(5)

/* Model-specific registers, SDM Vol. 4 "Model-Specific Registers". */
#define IA32_FEATURE_CONTROL		0x0000003a
#define IA32_VMX_BASIC			0x00000480
#define IA32_VMX_PINBASED_CTLS		0x00000481
#define IA32_VMX_PROCBASED_CTLS		0x00000482
#define IA32_VMX_EXIT_CTLS		0x00000483
#define IA32_VMX_ENTRY_CTLS		0x00000484
#define IA32_VMX_MISC			0x00000485
#define IA32_VMX_CR0_FIXED0		0x00000486
#define IA32_VMX_CR0_FIXED1		0x00000487
#define IA32_VMX_CR4_FIXED0		0x00000488
#define IA32_VMX_CR4_FIXED1		0x00000489
#define IA32_VMX_PROCBASED_CTLS2	0x0000048b
#define IA32_VMX_EPT_VPID_CAP		0x0000048c
#define IA32_VMX_TRUE_PINBASED_CTLS	0x0000048d
#define IA32_VMX_TRUE_PROCBASED_CTLS	0x0000048e
#define IA32_VMX_TRUE_EXIT_CTLS		0x0000048f
#define IA32_VMX_TRUE_ENTRY_CTLS	0x00000490

/* IA32_FEATURE_CONTROL, SDM Vol. 3 "Enabling and Entering VMX Operation". */
#define IA32_FEATURE_CONTROL_LOCK		BIT_ULL(0)
#define IA32_FEATURE_CONTROL_VMXON_IN_SMX	BIT_ULL(1)
#define IA32_FEATURE_CONTROL_VMXON_OUTSIDE_SMX	BIT_ULL(2)

/* IA32_VMX_BASIC, SDM Vol. 3 App. A.1 "Basic VMX Information". */
#define VMX_BASIC_REVISION_MASK		GENMASK_ULL(30, 0)
#define VMX_BASIC_VMCS_SIZE_SHIFT	32
#define VMX_BASIC_VMCS_SIZE_MASK	GENMASK_ULL(44, 32)
#define VMX_BASIC_32BIT_ADDRESSES	BIT_ULL(48)
#define VMX_BASIC_MEMTYPE_SHIFT		50
#define VMX_BASIC_MEMTYPE_MASK		GENMASK_ULL(53, 50)
#define VMX_BASIC_INOUT_INFO		BIT_ULL(54)
#define VMX_BASIC_TRUE_CONTROLS		BIT_ULL(55)

/* Memory types, SDM Vol. 3 "Memory Type Range Registers". */
#define VMX_MEMTYPE_UC			0
#define VMX_MEMTYPE_WB			6

/* IA32_VMX_MISC, SDM Vol. 3 App. A.6 "Miscellaneous Data". */
#define VMX_MISC_PREEMPTION_TIMER_RATE_MASK	GENMASK_ULL(4, 0)
#define VMX_MISC_ACTIVITY_HLT		BIT_ULL(6)

/* Pin-based VM-execution controls, SDM Vol. 3 "Pin-Based VM-Execution Controls". */
#define VMX_PIN_EXTERNAL_INTERRUPT_EXITING	BIT(0)
#define VMX_PIN_NMI_EXITING			BIT(3)
#define VMX_PIN_VIRTUAL_NMIS			BIT(5)
#define VMX_PIN_PREEMPTION_TIMER		BIT(6)

/* Primary processor-based controls, SDM Vol. 3 "Processor-Based VM-Execution Controls". */
#define VMX_PROC_INTERRUPT_WINDOW_EXITING	BIT(2)
#define VMX_PROC_USE_TSC_OFFSETTING		BIT(3)
#define VMX_PROC_HLT_EXITING			BIT(7)
#define VMX_PROC_INVLPG_EXITING			BIT(9)
#define VMX_PROC_MWAIT_EXITING			BIT(10)
#define VMX_PROC_RDPMC_EXITING			BIT(11)
#define VMX_PROC_RDTSC_EXITING			BIT(12)
#define VMX_PROC_CR3_LOAD_EXITING		BIT(15)
#define VMX_PROC_CR3_STORE_EXITING		BIT(16)
#define VMX_PROC_CR8_LOAD_EXITING		BIT(19)
#define VMX_PROC_CR8_STORE_EXITING		BIT(20)
#define VMX_PROC_USE_TPR_SHADOW			BIT(21)
#define VMX_PROC_NMI_WINDOW_EXITING		BIT(22)
#define VMX_PROC_MOV_DR_EXITING			BIT(23)
#define VMX_PROC_UNCONDITIONAL_IO_EXITING	BIT(24)
#define VMX_PROC_USE_IO_BITMAPS			BIT(25)
#define VMX_PROC_MONITOR_TRAP_FLAG		BIT(27)
#define VMX_PROC_USE_MSR_BITMAPS		BIT(28)
#define VMX_PROC_MONITOR_EXITING		BIT(29)
#define VMX_PROC_PAUSE_EXITING			BIT(30)
#define VMX_PROC_ACTIVATE_SECONDARY_CONTROLS	BIT(31)

/* Secondary processor-based controls, same section. */
#define VMX_PROC2_VIRTUALIZE_APIC_ACCESSES	BIT(0)
#define VMX_PROC2_ENABLE_EPT			BIT(1)
#define VMX_PROC2_DESCRIPTOR_TABLE_EXITING	BIT(2)
#define VMX_PROC2_ENABLE_RDTSCP			BIT(3)
#define VMX_PROC2_ENABLE_VPID			BIT(5)
#define VMX_PROC2_WBINVD_EXITING		BIT(6)
#define VMX_PROC2_UNRESTRICTED_GUEST		BIT(7)
#define VMX_PROC2_ENABLE_INVPCID		BIT(12)
#define VMX_PROC2_ENABLE_XSAVES			BIT(20)

/* Primary VM-exit controls, SDM Vol. 3 "VM-Exit Controls". */
#define VMX_EXIT_CTL_SAVE_DEBUG_CONTROLS	BIT(2)
#define VMX_EXIT_CTL_HOST_ADDR_SPACE_SIZE	BIT(9)
#define VMX_EXIT_CTL_LOAD_PERF_GLOBAL_CTRL	BIT(12)
#define VMX_EXIT_CTL_ACK_INTERRUPT_ON_EXIT	BIT(15)
#define VMX_EXIT_CTL_SAVE_IA32_PAT		BIT(18)
#define VMX_EXIT_CTL_LOAD_IA32_PAT		BIT(19)
#define VMX_EXIT_CTL_SAVE_IA32_EFER		BIT(20)
#define VMX_EXIT_CTL_LOAD_IA32_EFER		BIT(21)

/* VM-entry controls, SDM Vol. 3 "VM-Entry Controls". */
#define VMX_ENTRY_CTL_LOAD_DEBUG_CONTROLS	BIT(2)
#define VMX_ENTRY_CTL_IA32E_MODE_GUEST		BIT(9)
#define VMX_ENTRY_CTL_LOAD_IA32_PAT		BIT(14)
#define VMX_ENTRY_CTL_LOAD_IA32_EFER		BIT(15)

/* IA32_VMX_EPT_VPID_CAP, SDM Vol. 3 App. A.10 "VPID and EPT Capabilities". */
#define VMX_EPT_EXECUTE_ONLY		BIT_ULL(0)
#define VMX_EPT_PAGE_WALK_4		BIT_ULL(6)
#define VMX_EPT_MEMTYPE_UC		BIT_ULL(8)
#define VMX_EPT_MEMTYPE_WB		BIT_ULL(14)
#define VMX_EPT_2MB_PAGES		BIT_ULL(16)
#define VMX_EPT_1GB_PAGES		BIT_ULL(17)
#define VMX_EPT_INVEPT			BIT_ULL(20)
#define VMX_EPT_ACCESSED_DIRTY		BIT_ULL(21)
#define VMX_EPT_INVEPT_SINGLE_CONTEXT	BIT_ULL(25)
#define VMX_EPT_INVEPT_ALL_CONTEXT	BIT_ULL(26)
#define VMX_VPID_INVVPID		BIT_ULL(32)
#define VMX_VPID_INVVPID_ADDRESS	BIT_ULL(40)
#define VMX_VPID_INVVPID_SINGLE_CONTEXT	BIT_ULL(41)
#define VMX_VPID_INVVPID_ALL_CONTEXT	BIT_ULL(42)

/* INVEPT and INVVPID types, SDM Vol. 3 "VMX Instruction Reference". */
#define VMX_INVEPT_SINGLE_CONTEXT	1
#define VMX_INVEPT_ALL_CONTEXT		2
#define VMX_INVVPID_SINGLE_CONTEXT	1
#define VMX_INVVPID_ALL_CONTEXT		2

#endif /* JVMM_VMX_ARCH_H */
