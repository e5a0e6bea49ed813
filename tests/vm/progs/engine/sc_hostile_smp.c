// SPDX-License-Identifier: GPL-2.0
/*
 * sc_hostile_smp.c - hostile corpus on the 2-CPU VM: scenarios of the other
 * sc_hostile_*.c files again, with the vCPU thread moved to the other CPU
 * at every exit (and a migration point before every operation), so that
 * every per-CPU host field and every guest MSR is tested across CPUs.
 * Issue 11, item 1: jvmm left CPU0's SYSENTER_ESP in CPU1 after such a
 * move; hoststate.c reads every CPU's MSRs after each scenario.
 */
#include "engine.h"

#define MIGRATING(name, base) \
	void scn_h_smp_##name(void) { h_force_migrate = true; base(); }

MIGRATING(syscall_reset, scn_h_syscall_reset)
MIGRATING(syscall_set, scn_h_syscall_set)
MIGRATING(sysenter_set, scn_h_sysenter_set)
MIGRATING(kgs_user_exit, scn_h_kgs_user_exit)
MIGRATING(msr_syscall, scn_h_msr_syscall)
MIGRATING(msr_sysenter, scn_h_msr_sysenter)
MIGRATING(msr_segbase, scn_h_msr_segbase)
MIGRATING(msr_pat, scn_h_msr_pat)
MIGRATING(msr_tsc_aux, scn_h_msr_tsc_aux)
MIGRATING(xsetbv_basic, scn_h_xsetbv_basic)
MIGRATING(dr_breakpoints, scn_h_dr_breakpoints)
MIGRATING(storm_mixed, scn_h_storm_mixed)
MIGRATING(ports_edge, scn_h_ports_edge)
MIGRATING(inject_0_15, scn_h_inject_0_15)
MIGRATING(real_gp_ffff, scn_h_real_gp_ffff)
