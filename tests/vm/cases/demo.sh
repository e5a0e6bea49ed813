# SPDX-License-Identifier: GPL-2.0
# suites: demo
#
# The README's first command: load jvmm in the test VM, show what it logs,
# ask /dev/jvmm for its API version, unload.
. ./cases/lib.sh

echo "== insmod jvmm.ko on a VM with $(online_cpus | wc -l) CPU(s), kernel $(uname -r)"
mark demo-load
load_jvmm
since_mark | grep 'jvmm: '
echo "== jvmm-info"
jvmm-info || fail "jvmm-info failed"
echo "== a real-mode guest on /dev/jvmm: OUT 0x42 to port 0x10, then HLT"
jtest guest /dev/jvmm || fail "the guest did not run"
echo "== rmmod jvmm"
mark demo-unload
unload_jvmm
since_mark | grep 'jvmm: '
