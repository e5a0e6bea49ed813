# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 900
#
# Hostile-guest corpus, part 1 (issue 11): every VMX instruction, INVD,
# WBINVD, INVLPG, INVPCID and other privileged instructions; MOV to CR0, CR3,
# CR4, CR8 and DR0-7 with reserved and unoffered bits, breakpoints on the
# guest itself; XSETBV with every XCR0 bit; RDMSR/WRMSR of every MSR a host
# depends on and of random indices.
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
	h-vmxon h-vmxoff h-vmclear h-vmptrld h-vmptrst h-vmread h-vmwrite
	h-vmlaunch h-vmresume h-invept h-invvpid h-vmcall h-vmfunc h-invd
	h-wbinvd h-invlpg h-invpcid h-priv-insns h-cr0-bits h-cr3-reserved
	h-cr4-bits h-cr4-vmxe h-cr4-smxe h-cr4-pke h-cr4-cet h-cr8 h-dr-bits
	h-dr-breakpoints h-xsetbv-basic h-xsetbv-low-bits h-xsetbv-high-bits
	h-msr-efer h-msr-syscall h-msr-sysenter h-msr-segbase h-msr-pat
	h-msr-debugctl h-msr-spec-ctrl h-msr-feature-control
	h-msr-misc-enable h-msr-apic-base h-msr-mtrr h-msr-tsc h-msr-tsc-aux
	h-msr-xss-cet h-msr-vmx-caps h-msr-random
"

# Intended differences from KVM: "<scenario> <result key, or *> <reason>",
# one a line.  The comparison points out entries that no longer differ.
KNOWN_DIFFERENCES='
h-vmcall hypercalls jvmm exits to userspace for VMCALL (KVM_EXIT_HYPERCALL, its documented extension, Documentation/uapi.md); KVM answers an unknown hypercall in the kernel
h-cr8 o3 MOV to CR8 of 1<<63: kvm_intel in Bochs takes it (CR8 then reads 0); jvmm raises the #GP the SDM gives for bits 63:4
h-cr8 o4 follows from o3: CR8 keeps 0xf on jvmm
h-vmxon o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmxon o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmxoff o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmxoff o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmclear o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmclear o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmptrld o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmptrld o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmptrst o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmptrst o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmread o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmread o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmwrite o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmwrite o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmlaunch o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmlaunch o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmresume o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmresume o1 follows from o0: CR4 reads back VMXE on jvmm
h-invept o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-invept o1 follows from o0: CR4 reads back VMXE on jvmm
h-invvpid o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-invvpid o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmfunc o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-vmfunc o1 follows from o0: CR4 reads back VMXE on jvmm
h-cr4-vmxe o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID gives #GP
h-cr4-vmxe o1 follows from o0: CR4 reads back VMXE on jvmm
h-vmxon o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmxoff o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmclear o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmptrld o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmptrst o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmread o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmwrite o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmlaunch o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmresume o3 follows from o0: CR4 reads back VMXE on jvmm
h-invept o3 follows from o0: CR4 reads back VMXE on jvmm
h-invvpid o3 follows from o0: CR4 reads back VMXE on jvmm
h-vmfunc o3 follows from o0: CR4 reads back VMXE on jvmm
h-cr4-vmxe o3 follows from o0: CR4 reads back VMXE on jvmm
h-cr4-bits o0 CR4.VMXE belongs to the guest on jvmm (the course JOS guest sets it: jos-guest-abi.md); KVM without VMX in CPUID refuses it
'

# hoststate.c reads every CPU's MSRs through /dev/cpu/N/msr.
[ -e /dev/cpu/0/msr ] || insmod "$JVMM_KMOD/msr.ko" || fail "insmod msr.ko failed"

compare_with_kvm hostile-cpu
