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
objects=/sys/kernel/debug/jvmm/objects
cat $objects
[ "$(awk '{ s += $2 } END { print s + 0 }' $objects)" -eq 0 ] || fail "jvmm objects left after the VM closed"
ok "every jvmm object freed"
unload_jvmm
