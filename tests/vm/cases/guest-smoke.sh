# SPDX-License-Identifier: GPL-2.0
# suites: vm1
#
# The smallest real guest on jvmm: a real-mode OUT then HLT through the
# KVM API, the same program that runs on kvm_intel in kvm-coexist.sh.
# Afterwards jvmm holds no VM, vCPU, EPT table or pinned page.
. ./cases/lib.sh

load_jvmm
jtest guest /dev/jvmm || fail "real-mode guest on /dev/jvmm"
ok "real-mode guest ran on jvmm"
cat /sys/kernel/debug/jvmm/objects
expect_no_jvmm_objects "the VM closed"
unload_jvmm
