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

# Without host XSAVE (suite vm1-noxsave) jvmm hides XSAVE, AVX, FMA and F16C
# from the guest (Documentation/uapi.md); kvm_intel 6.1 still offers them.
if [ "$JVMM_SUITE" = vm1-noxsave ]; then
	KNOWN_DIFFERENCES="$KNOWN_DIFFERENCES
cpuid-vmx ecx_other without host XSAVE jvmm hides XSAVE, AVX, FMA and F16C; kvm_intel 6.1 offers them
"
fi

compare_with_kvm engine-basic
