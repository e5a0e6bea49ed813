# SPDX-License-Identifier: GPL-2.0
# suites: vm2
# timeout: 1200
#
# Engine suite on 2 CPUs: a vCPU thread moved between CPUs while it runs,
# two VMs running at once, and a few single-vCPU scenarios on an SMP host.
# jvmm-engine-test (tests/vm/progs/engine) runs the scenarios on kvm_intel,
# the reference, then on jvmm; --compare then demands the same result lines
# from both, except for the KNOWN_DIFFERENCES below.
. ./cases/lib.sh

SCENARIOS="migrate two-vms hello longmode irq-inject signal host-fpu cleanup"

# Intended differences from KVM, and KVM features jvmm does not have yet:
# "<scenario> <result key, or *> <reason>", one a line.  The comparison
# points out entries that no longer differ: remove them then.
KNOWN_DIFFERENCES='
'

compare_with_kvm engine-smp
