# SPDX-License-Identifier: GPL-2.0
# suites: vm1-noxsave
#
# The vm1-noxsave suite boots the kernel with noxsave: the host has no
# OSXSAVE, so XGETBV, XSETBV and XSAVE* #UD there (issue 11 item 4).  This
# case checks the boot really is like that, so that the suite cannot pass
# silently with XSAVE on, and runs the smallest guest on kvm_intel and on
# jvmm.  The other cases of the suite (VM1_NOXSAVE_CASES in
# tests/vm/lib/common.sh) run their guests on the same boot.
. ./cases/lib.sh

grep -qw noxsave /proc/cmdline || fail "the kernel command line lacks noxsave: $(cat /proc/cmdline)"
ok "booted with noxsave"
flags=$(grep -m1 '^flags' /proc/cpuinfo)
for f in xsave xsaveopt xsavec xsaves avx; do
	case " ${flags#*:} " in
	*" $f "*) fail "/proc/cpuinfo still has the $f flag with noxsave" ;;
	esac
done
ok "/proc/cpuinfo has no xsave, xsaveopt, xsavec, xsaves or avx flag"

load_kvm_intel
jtest guest /dev/kvm || fail "real-mode guest on kvm_intel without host XSAVE"
ok "kvm_intel runs a guest without host XSAVE"
unload_kvm_intel

load_jvmm
jtest guest /dev/jvmm || fail "real-mode guest on jvmm without host XSAVE"
ok "jvmm runs a guest without host XSAVE"
expect_no_jvmm_objects "the guest without host XSAVE"
unload_jvmm
