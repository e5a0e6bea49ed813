# SPDX-License-Identifier: GPL-2.0
# suites: vm2
#
# With the module loaded, CPU 1 goes offline (and leaves VMX operation)
# and comes back (and enters it again); then the module unloads cleanly.
. ./cases/lib.sh

cpu1=/sys/devices/system/cpu/cpu1/online
[ -f $cpu1 ] || fail "cpu1 cannot be hot-unplugged here ($cpu1 missing)"

mark load
load_jvmm
expect_every_cpu entered

mark offline
echo 0 > $cpu1 || fail "cannot offline cpu1"
[ "$(cat $cpu1)" = 0 ] || fail "cpu1 still online"
show_jvmm_log
expect_log "jvmm: cpu1: left VMX operation" "cpu1 left VMX operation when it went offline"
expect_no_log "jvmm: cpu0:" "cpu0 untouched"
jvmm-info || fail "/dev/jvmm unusable with cpu1 offline"

mark online
echo 1 > $cpu1 || fail "cannot online cpu1"
[ "$(cat $cpu1)" = 1 ] || fail "cpu1 did not come back"
show_jvmm_log
expect_log "jvmm: cpu1: entered VMX operation" "cpu1 entered VMX operation when it came online"
jtest ioctl-errors /dev/jvmm || fail "ioctl checks after hotplug"

mark unload
unload_jvmm
show_jvmm_log
expect_every_cpu left
