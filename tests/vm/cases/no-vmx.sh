# SPDX-License-Identifier: GPL-2.0
# suites: tcg
# timeout: 120
#
# On a CPU without VMX (QEMU's TCG emulates none) jvmm refuses to load:
# loading fails with EOPNOTSUPP, the kernel log has exactly one jvmm line and
# it names the reason, no /dev/jvmm appears, and jlaunch then exits non-zero
# telling the user to load the module.
. ./cases/lib.sh

# The reason module/caps.c gives for a CPU without VMX (test-caps checks the
# same text).
REASON="jvmm: cannot load: the CPU has no VMX (CPUID.1:ECX.VMX[bit 5] = 0); jvmm needs Intel VT-x"

if grep -qw vmx /proc/cpuinfo; then
	fail "this CPU shows vmx in /proc/cpuinfo: the tcg suite must boot a VM without VMX (QEMU -accel tcg)"
fi
ok "the CPU has no VMX (no vmx flag in /proc/cpuinfo)"
[ -e /dev/jvmm ] && fail "/dev/jvmm exists before jvmm was loaded"

mark insmod
# One finit_module() call: busybox's insmod retries a failed finit_module()
# with init_module(), which would run jvmm's init (and log its reason) twice.
out=$(jtest insmod "$JVMM_KO" 2>&1)
rc=$?
echo "jtest insmod jvmm.ko: rc=$rc: $out"
show_jvmm_log
[ $rc -ne 0 ] || fail "insmod jvmm.ko succeeded on a CPU without VMX"
module_loaded jvmm && fail "jvmm is in /proc/modules although insmod failed"
case "$out" in
*"Operation not supported"*) ok "insmod failed with EOPNOTSUPP (Operation not supported)" ;;
*) fail "insmod did not fail with EOPNOTSUPP ('Operation not supported'): $out" ;;
esac

# The module loader's own one-time notes about the first unsigned
# out-of-tree module carry the module's name too; they are not jvmm's.
lines=$(since_mark | grep 'jvmm: ' | grep -v -e 'loading out-of-tree module taints kernel' \
	-e 'module verification failed: signature and/or required key missing' | grep -c .)
[ "$lines" -eq 1 ] || fail "want exactly one jvmm line in the kernel log for the refusal, got $lines"
expect_log "$REASON" "the one jvmm line gives the reason"

[ -e /dev/jvmm ] && fail "/dev/jvmm appeared although jvmm did not load"
ok "no /dev/jvmm"

out=$(jlaunch </dev/null 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
[ $rc -ne 0 ] || fail "jlaunch exited 0 without /dev/jvmm"
echo "$out" | grep -q "/dev/jvmm" || fail "jlaunch's message does not name /dev/jvmm"
echo "$out" | grep -q "is the module loaded? (sudo insmod module/jvmm.ko)" ||
	fail "jlaunch does not tell the user to load the module"
ok "jlaunch exits $rc and tells the user to load the module"
