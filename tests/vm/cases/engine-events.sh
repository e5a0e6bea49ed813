# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 600
#
# Engine suite, part 3: VMCALL as KVM_EXIT_HYPERCALL (jvmm only), interrupt
# injection, triple fault, failed VM entry, signals and immediate_exit.
# jvmm-engine-test (tests/vm/progs/engine) runs the scenarios on kvm_intel,
# the reference, then on jvmm; --compare then demands the same result lines
# from both, except for the KNOWN_DIFFERENCES below.
. ./cases/lib.sh

SCENARIOS="vmcall-cpl0 vmcall-cpl3 irq-inject triple-fault vmx-ud bad-sregs signal"

# Intended differences from KVM, and KVM features jvmm does not have yet:
# "<scenario> <result key, or *> <reason>", one a line.  The comparison
# points out entries that no longer differ: remove them then.
KNOWN_DIFFERENCES='
'

compare_with_kvm engine-events
