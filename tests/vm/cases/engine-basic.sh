# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 900
#
# Engine suite, part 1: guests in real, 32-bit and 64-bit mode, port I/O,
# register round trips, the reset state, CPUID.
# jvmm-engine-test (tests/vm/progs/engine) runs the scenarios on kvm_intel,
# the reference, then on jvmm; --compare then demands the same result lines
# from both, except for the KNOWN_DIFFERENCES below.
. ./cases/lib.sh

SCENARIOS="hello memwrite pio pmode32 longmode real-to-long reset-state regs cpuid-vmx cpuid-default"

# Intended differences from KVM, and KVM features jvmm does not have yet:
# "<scenario> <result key, or *> <reason>", one a line.  The comparison
# points out entries that no longer differ: remove them then.
KNOWN_DIFFERENCES='
cpuid-vmx vmx jvmm hides VMX from its guests (no nesting); KVM passes on the CPUID.1:ECX.VMX bit KVM_SET_CPUID2 gave it
'

compare_with_kvm engine-basic
