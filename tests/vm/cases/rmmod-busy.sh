# SPDX-License-Identifier: GPL-2.0
# suites: vm1
#
# rmmod is refused while /dev/jvmm is open, and succeeds once it is closed.
. ./cases/lib.sh

load_jvmm
if jtest hold /dev/jvmm rmmod jvmm; then
	fail "rmmod succeeded while /dev/jvmm was open"
fi
module_loaded jvmm || fail "jvmm vanished while /dev/jvmm was open"
ok "rmmod refused while /dev/jvmm is open"
jvmm-info || fail "device unusable after the refused rmmod"
mark close
unload_jvmm
expect_every_cpu "done with"
ok "rmmod succeeds after close"
