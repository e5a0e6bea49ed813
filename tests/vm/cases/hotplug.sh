# SPDX-License-Identifier: GPL-2.0
# suites: vm2
#
# With the module loaded, CPU 1 goes offline (and gives up its VMXON
# region) and comes back (checked again, with a new region), and runs a
# guest there; then the module unloads cleanly.
. ./cases/lib.sh

cpu1=/sys/devices/system/cpu/cpu1/online
[ -f $cpu1 ] || fail "cpu1 cannot be hot-unplugged here ($cpu1 missing)"

mark load
load_jvmm
expect_every_cpu "ready for"

mark offline
echo 0 > $cpu1 || fail "cannot offline cpu1"
[ "$(cat $cpu1)" = 0 ] || fail "cpu1 still online"
show_jvmm_log
expect_log "jvmm: cpu1: done with VMX operation" "cpu1 gave up its VMXON region when it went offline"
expect_no_log "jvmm: cpu0:" "cpu0 untouched"
jvmm-info || fail "/dev/jvmm unusable with cpu1 offline"

mark online
echo 1 > $cpu1 || fail "cannot online cpu1"
[ "$(cat $cpu1)" = 1 ] || fail "cpu1 did not come back"
show_jvmm_log
expect_log "jvmm: cpu1: ready for VMX operation" "cpu1 was checked and got a VMXON region when it came online"
jtest ioctl-errors /dev/jvmm || fail "ioctl checks after hotplug"
taskset 2 jtest guest /dev/jvmm || fail "no guest on cpu1 after it came back"
ok "a guest ran on cpu1 after it came back"

mark unload
unload_jvmm
show_jvmm_log
expect_every_cpu "done with"
