# SPDX-License-Identifier: GPL-2.0
# suites: vm1 vm2
#
# Loading prints the capability summary and checks every online CPU with
# a VMXON/VMXOFF, giving it a VMXON region; /dev/jvmm answers
# KVM_GET_API_VERSION with 12 and unknown ioctls with ENOTTY; unloading
# frees every region again.
. ./cases/lib.sh

echo "online CPUs: $(online_cpus | tr '\n' ' ')(expecting $JVMM_CPUS)"
[ "$(online_cpus | wc -l)" -eq "$JVMM_CPUS" ] || fail "VM does not have $JVMM_CPUS CPUs online"

mark load
load_jvmm
show_jvmm_log
expect_log "jvmm: VMX: VMCS revision 0x" "capability summary logged"
summary=$(since_mark | grep "jvmm: VMX: VMCS revision")
for field in "EPT 4-level WB" "VPID yes" "unrestricted guest yes" "preemption timer yes"; do
	case "$summary" in
	*"$field"*) ok "summary says '$field'" ;;
	*) fail "summary lacks '$field' (Bochs has it): $summary" ;;
	esac
done
expect_every_cpu "ready for"

mode=$(ls -l /dev/jvmm | cut -c1-10)
[ "$mode" = "crw-------" ] || fail "/dev/jvmm mode is $mode, want crw------- (0600)"
ok "/dev/jvmm is a char device with mode 0600"

jvmm-info || fail "jvmm-info failed"
jvmm-info | grep -q "KVM API version 12" || fail "API version is not 12"
ok "KVM_GET_API_VERSION = 12"
jtest ioctl-errors /dev/jvmm || fail "ioctl error checks"

mark unload
unload_jvmm
show_jvmm_log
expect_every_cpu "done with"
[ -e /dev/jvmm ] && fail "/dev/jvmm still exists after rmmod"
ok "/dev/jvmm removed"
