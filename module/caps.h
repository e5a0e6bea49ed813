/* SPDX-License-Identifier: GPL-2.0 */
/*
 * caps.h - what this CPU's VMX can do, as jvmm will use it.
 *
 * caps.c fills one struct jvmm_caps at load time from the VMX capability
 * MSRs.  Everything else asks it through the jvmm_has_*() predicates
 * instead of testing MSR bits itself, so the rules for "may we use this"
 * live in one file.
 */
#ifndef JVMM_CAPS_H
#define JVMM_CAPS_H

#include <linux/types.h>

#include "vmx_arch.h"

/* The raw capability MSRs, read once on the boot CPU. */
struct jvmm_vmx_msrs {
	u64 basic;
	u64 pin;		/* TRUE_ variant when VMX_BASIC_TRUE_CONTROLS */
	u64 proc;		/* ditto */
	u64 exit;		/* ditto */
	u64 entry;		/* ditto */
	u64 proc2;		/* 0 when secondary controls are unsupported */
	u64 misc;
	u64 ept_vpid;		/* 0 when neither EPT nor VPID is supported */
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;
};

/* VM-execution, exit and entry controls every VMCS starts from. */
struct jvmm_vmcs_config {
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
	/* Controls a VMCS may set later (e.g. IA-32e mode guest). */
	u32 entry_allowed;
	u32 proc_allowed;
};

struct jvmm_caps {
	struct jvmm_vmx_msrs msrs;
	struct jvmm_vmcs_config vmcs;
	u32 revision_id;
	u32 vmcs_size;
	u8 preemption_timer_rate;	/* the timer counts TSC >> rate */
	bool vpid;
	bool invept_single;
	bool invept_all;
	bool invvpid_single;
	bool invvpid_all;
};

extern struct jvmm_caps jvmm_caps;

/* caps.c */
int jvmm_caps_probe(void);
int jvmm_caps_check_host(unsigned long cr4);
void jvmm_caps_log_summary(void);
int jvmm_caps_evaluate(const struct jvmm_vmx_msrs *msrs, struct jvmm_caps *caps);
bool jvmm_caps_cpu_matches(void);

static inline bool jvmm_has_vpid(void)
{
	return jvmm_caps.vpid;
}

static inline bool jvmm_has_preemption_timer(void)
{
	return jvmm_caps.vmcs.pin & VMX_PIN_PREEMPTION_TIMER;
}

#endif /* JVMM_CAPS_H */
