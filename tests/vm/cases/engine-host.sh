# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 600
#
# Engine suite, part 4: the host's FPU/SSE/AVX state, its SYSCALL MSRs and
# its hardware breakpoints survive guests; KVM's errors for bad ioctl
# arguments; teardown after kill -9 and in odd close orders frees every
# jvmm object.
# jvmm-engine-test (tests/vm/progs/engine) runs the scenarios on kvm_intel,
# the reference, then on jvmm; --compare then demands the same result lines
# from both, except for the KNOWN_DIFFERENCES below.
. ./cases/lib.sh

SCENARIOS="host-fpu host-msrs host-debugregs bad-args cleanup"

# Intended differences from KVM, and KVM features jvmm does not have yet:
# "<scenario> <result key, or *> <reason>", one a line.  The comparison
# points out entries that no longer differ: remove them then.
KNOWN_DIFFERENCES='
bad-args sys_unknown_ioctl jvmm answers every unknown ioctl with ENOTTY (Documentation/uapi.md); KVM/x86 says EINVAL on /dev/kvm
bad-args sys_foreign_ioctl jvmm answers every unknown ioctl with ENOTTY; KVM/x86 says EINVAL on /dev/kvm
bad-args sys_tcgets jvmm answers every unknown ioctl with ENOTTY; KVM/x86 says EINVAL on /dev/kvm
bad-args vcpu_unknown_ioctl jvmm answers every unknown ioctl with ENOTTY; KVM/x86 says EINVAL on vCPU fds
bad-args vcpu_foreign_ioctl jvmm answers every unknown ioctl with ENOTTY; KVM/x86 says EINVAL on vCPU fds
'

# With YMM state live in the host, Bochs 2.7 breaks kvm_intel itself (the
# host XRSTORS after a guest faults: "Bad FPU state detected"): host-ymm
# runs only on other backends.
dmesg | grep -q 'DMI:.*Bochs' || SCENARIOS="$SCENARIOS host-ymm"

# host-msrs reads the host's MSRs through /dev/cpu/0/msr.
[ -e /dev/cpu/0/msr ] || insmod "$JVMM_KMOD/msr.ko" || fail "insmod msr.ko failed"

# Booted with noxsave (suite vm1-noxsave), kvm_intel 6.1 still offers XSAVE
# and AVX in the guest's CPUID (engine-basic's cpuid-vmx shows it), and the
# fpu guest's XSETBV then ends in a shutdown on KVM: host-fpu has no
# reference there, so it runs on jvmm alone (where it must pass: the host's
# FPU state and its XCR0, read only where OSXSAVE is on, survive).
if [ "$JVMM_SUITE" = vm1-noxsave ]; then
	SCENARIOS=$(echo " $SCENARIOS " | sed 's/ host-fpu / /')
	load_jvmm
	jvmm-engine-test --device /dev/jvmm host-fpu || fail "host-fpu on jvmm without host XSAVE"
	unload_jvmm
	ok "host-fpu passes on jvmm without host XSAVE"
fi

compare_with_kvm engine-host
