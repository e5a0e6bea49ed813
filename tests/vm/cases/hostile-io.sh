# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 900
#
# Hostile-guest corpus, part 2 (issue 11): port I/O at every width,
# string I/O with REP and huge counts, MMIO with prefix combinations, a
# 15-byte instruction crossing a page, fetches from MMIO and unmapped pages,
# accesses past the end of RAM; exception storms, double and triple faults,
# HLT with IF = 0, KVM_INTERRUPT of vectors 0-31 and 255, SYSCALL/SYSENTER
# with reset and with guest MSRs, KERNEL_GS_BASE across exits, real-mode #GP
# through an untouched IVT page.
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
	h-ports-scan h-ports-edge h-string-out h-string-in h-string-huge
	h-string-mmio-src h-string-mmio-dst h-mmio-loads h-mmio-stores
	h-mmio-rmw h-past-ram h-insn15-cross h-insn16 h-insn15-unmapped
	h-fetch-mmio h-fetch-unmapped h-storm-ud h-storm-gp h-storm-pf
	h-storm-mixed h-double-fault h-triple-fault h-hlt-if0 h-inject-0-15
	h-inject-16-31 h-inject-255 h-exc-stack-mmio h-exc-stack-unmapped
	h-syscall-no-sce h-syscall-reset h-syscall-set h-sysenter-reset
	h-sysenter-set h-kgs-user-exit h-real-gp-ffff h-real-ud
	h-real-gp-touched
"

# Intended differences from KVM: "<scenario> <result key, or *> <reason>",
# one a line.  The comparison points out entries that no longer differ.
KNOWN_DIFFERENCES='
h-string-out * string port I/O (INS/OUTS) is not emulated yet: KVM_INTERNAL_ERROR_EMULATION (Documentation/uapi.md; QEMU issue 12)
h-string-in * string port I/O (INS/OUTS) is not emulated yet: KVM_INTERNAL_ERROR_EMULATION (Documentation/uapi.md; QEMU issue 12)
h-string-huge * string port I/O (INS/OUTS) is not emulated yet: KVM_INTERNAL_ERROR_EMULATION (Documentation/uapi.md; QEMU issue 12)
h-string-mmio-src * string port I/O (INS/OUTS) is not emulated yet: KVM_INTERNAL_ERROR_EMULATION (Documentation/uapi.md; QEMU issue 12)
h-string-mmio-dst * string port I/O (INS/OUTS) is not emulated yet: KVM_INTERNAL_ERROR_EMULATION (Documentation/uapi.md; QEMU issue 12)
h-mmio-loads * jvmm decodes the plain MOV forms of MMIO only (Documentation/uapi.md): MOVZX/MOVSX and others stop the VM with KVM_INTERNAL_ERROR_EMULATION
h-mmio-stores * jvmm decodes the plain MOV forms of MMIO only (Documentation/uapi.md): MOVNTI and others stop the VM with KVM_INTERNAL_ERROR_EMULATION
h-mmio-rmw * jvmm decodes the plain MOV forms of MMIO only (Documentation/uapi.md): read-modify-write instructions stop the VM with KVM_INTERNAL_ERROR_EMULATION
'

# hoststate.c reads every CPU's MSRs through /dev/cpu/N/msr.
[ -e /dev/cpu/0/msr ] || insmod "$JVMM_KMOD/msr.ko" || fail "insmod msr.ko failed"

compare_with_kvm hostile-io
