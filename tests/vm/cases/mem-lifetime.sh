# SPDX-License-Identifier: GPL-2.0
# suites: vm1
#
# Guest RAM the process unmaps and maps again behind a slot (issue 11,
# Documentation/uapi.md): the guest never reaches a freed host page.  On
# kvm_intel (MMU notifiers) the guest sees the new mapping; on jvmm it keeps
# the pages it had touched (pinned), takes new pages from the new mapping,
# and KVM_RUN fails with EFAULT once nothing is mapped; the pinned pages go
# with the VM.
. ./cases/lib.sh

remap() {
	jtest remap $1 >/tmp/remap.$2 2>&1
	rc=$?
	sed 's/^/  | /' /tmp/remap.$2
	[ $rc -eq 0 ] || fail "jtest remap on $1 failed ($rc)"
}

load_kvm_intel
remap /dev/kvm kvm
unload_kvm_intel
grep -qx "remap: result touched_after_remap=0x20 new_after_remap=0x21 unmapped=EFAULT" /tmp/remap.kvm ||
	fail "kvm_intel: not the new mapping after the remap, or no EFAULT"
ok "kvm_intel: the guest sees the new mapping after the remap; EFAULT once unmapped"

load_jvmm
mark remap
remap /dev/jvmm jvmm
grep -qx "remap: result touched_after_remap=0x10 new_after_remap=0x21 unmapped=EFAULT" /tmp/remap.jvmm ||
	fail "jvmm: the touched page is not the one it pinned, or no EFAULT"
ok "jvmm: touched pages stay the guest's (still pinned), untouched ones come from the new mapping, EFAULT once unmapped"
expect_no_jvmm_objects "the remapped VM"
if since_mark | grep 'jvmm: '; then
	fail "jvmm logged the lines above while the guest's RAM was remapped"
fi
ok "no jvmm log line about the remap"
unload_jvmm
