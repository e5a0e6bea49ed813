# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 400
#
# Only one hypervisor can hold VMX on a CPU.  With kvm_intel holding it (a
# KVM VM exists), jvmm refuses to load with EBUSY and one dmesg line, and
# KVM's guest still runs.  In the other order, jvmm holds VMX, KVM cannot
# create a VM, jvmm keeps working, and after rmmod KVM works again.
. ./cases/lib.sh

load_kvm_intel
jtest guest /dev/kvm || fail "KVM cannot run a guest in this VM (baseline)"
ok "KVM runs a guest (baseline)"

# Order 1: kvm_intel holds VMX while jvmm loads.
mark kvm-first
jtest guest /dev/kvm --hold jtest insmod "$JVMM_KO" > /tmp/kvm-first.out 2>&1
rc=$?
cat /tmp/kvm-first.out
grep -q "guest ran on /dev/kvm" /tmp/kvm-first.out || fail "KVM's guest did not run after jvmm tried to load"
[ $rc -eq 11 ] || fail "insmod jvmm.ko under a live KVM VM: jtest rc=$rc, want 11 (the insmod failed, the guest ran)"
grep -q "Device or resource busy" /tmp/kvm-first.out || fail "insmod did not fail with EBUSY"
module_loaded jvmm && fail "jvmm loaded although kvm_intel held VMX"
show_jvmm_log
expect_log "VMX is already in use (CR4.VMXE is set): another hypervisor such as kvm_intel holds it" "jvmm says why it refused"
[ "$(since_mark | grep -c 'jvmm: ')" -eq 1 ] || fail "want exactly one jvmm line for the refusal"
expect_no_log "entered VMX operation" "no CPU entered VMX operation"
jtest guest /dev/kvm || fail "KVM broken after jvmm's refusal"
ok "KVM still works after jvmm's refusal"

# Order 2: jvmm holds VMX; kvm_intel is (re)loaded after it.
unload_kvm_intel
mark jvmm-first
load_jvmm
expect_every_cpu entered
if insmod "$JVMM_KMOD/irqbypass.ko" && insmod "$JVMM_KMOD/kvm.ko" && insmod "$JVMM_KMOD/kvm-intel.ko"; then
	# Linux 6.1 enables VMX per VM, so the module loads; its first VM must fail.
	out=$(jtest guest /dev/kvm 2>&1) && fail "KVM created and ran a VM while jvmm held VMX: $out"
	echo "$out"
	echo "$out" | grep -q "KVM_CREATE_VM: Device or resource busy" || fail "KVM_CREATE_VM did not fail with EBUSY"
	ok "KVM cannot create a VM while jvmm holds VMX"
else
	ok "kvm_intel refused to load while jvmm holds VMX"
	for m in kvm irqbypass; do
		module_loaded $m && rmmod $m
	done
fi
jvmm-info || fail "jvmm unusable after KVM's attempt"
jtest ioctl-errors /dev/jvmm || fail "jvmm ioctls after KVM's attempt"
ok "jvmm still works"
mark jvmm-unload
unload_jvmm
expect_every_cpu left
module_loaded kvm_intel || load_kvm_intel
jtest guest /dev/kvm || fail "KVM cannot run a guest after jvmm unloaded"
ok "KVM runs a guest again after rmmod jvmm (CR4.VMXE was restored)"
unload_kvm_intel
