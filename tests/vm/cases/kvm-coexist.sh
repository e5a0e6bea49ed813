# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 500
#
# Only one hypervisor can hold VMX on a CPU.  kvm_intel holds it while it
# has VMs (6.1), or from the moment it loads (6.12+, enable_virt_at_load);
# jvmm holds it only while one of its vCPUs runs, interrupts off
# (Documentation/design.md).  So: with kvm_intel holding VMX, jvmm refuses
# to load, with EBUSY and one line naming both remedies, and KVM's guest
# runs on; with jvmm loaded, KVM runs guests too, and while KVM holds VMX
# jvmm's vCPUs get EBUSY; once KVM lets go, jvmm runs guests again; after
# rmmod jvmm, KVM works.
. ./cases/lib.sh

# 6.12+: does kvm take VMX when it loads?  (The parameter exists from 6.12.)
virt_at_load() {
	[ "$(cat /sys/module/kvm/parameters/enable_virt_at_load 2>/dev/null)" = Y ]
}

load_kvm_intel
jtest guest /dev/kvm || fail "KVM cannot run a guest in this VM (baseline)"
ok "KVM runs a guest (baseline)"

# Order 1: kvm_intel holds VMX (a KVM VM exists) while jvmm loads.
mark kvm-first
jtest guest /dev/kvm --hold jtest insmod "$JVMM_KO" > /tmp/kvm-first.out 2>&1
rc=$?
cat /tmp/kvm-first.out
grep -q "guest ran on /dev/kvm" /tmp/kvm-first.out || fail "KVM's guest did not run after jvmm tried to load"
[ $rc -eq 11 ] || fail "insmod jvmm.ko under a live KVM VM: jtest rc=$rc, want 11 (the insmod failed, the guest ran)"
grep -q "Device or resource busy" /tmp/kvm-first.out || fail "insmod did not fail with EBUSY"
module_loaded jvmm && fail "jvmm loaded although kvm_intel held VMX"
show_jvmm_log
expect_log "VMX is in use by another hypervisor (CR4.VMXE is set)" "jvmm says why it refused"
expect_log "modprobe -r kvm_intel" "the line names the first remedy"
expect_log "enable_virt_at_load=0" "the line names the second remedy"
[ "$(since_mark | grep -c 'jvmm: ')" -eq 1 ] || fail "want exactly one jvmm line for the refusal"
expect_no_log "ready for VMX operation" "no CPU was made ready for VMX operation"
jtest guest /dev/kvm || fail "KVM broken after jvmm's refusal"
ok "KVM still works after jvmm's refusal"

# 6.12+: kvm_intel alone, without VMs, already holds VMX.
if virt_at_load; then
	mark kvm-loaded
	jtest insmod "$JVMM_KO" && fail "jvmm loaded beside kvm_intel with enable_virt_at_load=Y"
	show_jvmm_log
	expect_log "VMX is in use by another hypervisor (CR4.VMXE is set)" "jvmm refuses beside a loaded kvm_intel (enable_virt_at_load)"
	[ "$(since_mark | grep -c 'jvmm: ')" -eq 1 ] || fail "want exactly one jvmm line for the refusal"
	# The second remedy: kvm with enable_virt_at_load=0.
	unload_kvm_intel
	insmod "$JVMM_KMOD/irqbypass.ko" && insmod "$JVMM_KMOD/kvm.ko" enable_virt_at_load=0 &&
		insmod "$JVMM_KMOD/kvm-intel.ko" || fail "cannot load kvm with enable_virt_at_load=0"
	load_jvmm
	jtest guest /dev/jvmm || fail "jvmm cannot run a guest beside kvm with enable_virt_at_load=0"
	jtest guest /dev/kvm || fail "KVM (enable_virt_at_load=0) cannot run a guest beside jvmm"
	ok "with enable_virt_at_load=0, jvmm and KVM both run guests"
	unload_jvmm
	unload_kvm_intel
	load_kvm_intel
fi

# Order 2: jvmm loaded first; kvm_intel (re)loaded after it.
unload_kvm_intel
mark jvmm-first
load_jvmm
expect_every_cpu "ready for"
jtest guest /dev/jvmm || fail "jvmm cannot run a guest (baseline)"
load_kvm_intel
if virt_at_load; then
	# KVM took VMX at load: jvmm's vCPUs wait until it lets go.
	out=$(jtest guest /dev/jvmm 2>&1) && fail "jvmm ran a guest while kvm_intel held VMX: $out"
	echo "$out"
	echo "$out" | grep -q "Device or resource busy" || fail "jvmm's vCPU did not get EBUSY while kvm_intel held VMX"
	ok "jvmm's vCPUs get EBUSY while kvm_intel holds VMX"
	jtest guest /dev/kvm || fail "KVM cannot run a guest beside jvmm"
	unload_kvm_intel
else
	# While a KVM VM exists (KVM holds VMX), jvmm's vCPUs get EBUSY.
	jtest guest /dev/kvm --hold jtest guest /dev/jvmm > /tmp/jvmm-first.out 2>&1
	rc=$?
	cat /tmp/jvmm-first.out
	grep -q "guest ran on /dev/kvm" /tmp/jvmm-first.out || fail "KVM could not run a guest while jvmm was loaded"
	[ $rc -eq 11 ] || fail "jvmm's guest under a live KVM VM: jtest rc=$rc, want 11 (jvmm's failed, KVM's ran)"
	grep -q "Device or resource busy" /tmp/jvmm-first.out || fail "jvmm's vCPU did not get EBUSY while KVM held VMX"
	ok "KVM runs guests while jvmm is loaded; meanwhile jvmm's vCPUs get EBUSY"
	unload_kvm_intel
fi
jtest guest /dev/jvmm || fail "jvmm cannot run a guest once KVM let go of VMX"
jvmm-info || fail "jvmm unusable after KVM ran"
jtest ioctl-errors /dev/jvmm || fail "jvmm ioctls after KVM ran"
ok "jvmm runs guests again once KVM let go of VMX"
mark jvmm-unload
unload_jvmm
expect_every_cpu "done with"
load_kvm_intel
jtest guest /dev/kvm || fail "KVM cannot run a guest after jvmm unloaded"
ok "KVM runs a guest after rmmod jvmm (CR4.VMXE is clear)"
unload_kvm_intel
