# SPDX-License-Identifier: GPL-2.0
# suites: vm2
# timeout: 900
#
# Hostile-guest corpus on 2 CPUs (issue 11): scenarios of hostile-cpu and
# hostile-io with the vCPU thread moved to the other CPU at every exit;
# every CPU's host MSRs and descriptor tables are checked after each.
# Each scenario is a fresh VM running a data-driven hostile guest
# (tests/vm/progs/engine/sc_hostile_*.c, guest/h_ops.S); after each, on both
# devices, hoststate.c checks the test process's registers across every
# KVM_RUN, ~25 host MSRs and GDT/IDT/TR on every CPU, the kernel log (no
# line at warning level or worse) and, on jvmm, the debugfs objects.
# jvmm-engine-test runs the scenarios on kvm_intel, the reference, then on
# jvmm; --compare then demands the same result lines from both, except for
# the KNOWN_DIFFERENCES below.
. ./cases/lib.sh

SCENARIOS="
	h-smp-syscall-reset h-smp-syscall-set h-smp-sysenter-set
	h-smp-kgs-user-exit h-smp-msr-syscall h-smp-msr-sysenter
	h-smp-msr-segbase h-smp-msr-pat h-smp-msr-tsc-aux h-smp-xsetbv-basic
	h-smp-dr-breakpoints h-smp-storm-mixed h-smp-ports-edge
	h-smp-inject-0-15 h-smp-real-gp-ffff
"

# Intended differences from KVM: "<scenario> <result key, or *> <reason>",
# one a line.  The comparison points out entries that no longer differ.
KNOWN_DIFFERENCES='
'

# hoststate.c reads every CPU's MSRs through /dev/cpu/N/msr.
[ -e /dev/cpu/0/msr ] || insmod "$JVMM_KMOD/msr.ko" || fail "insmod msr.ko failed"

compare_with_kvm hostile-smp
