# SPDX-License-Identifier: GPL-2.0
# suites: vm1
#
# Every exit is visible: the jvmm tracepoints record entries, exits (with
# reason and RIP), port I/O; the trace parameter logs exits to dmesg.
. ./cases/lib.sh

tracefs=/sys/kernel/tracing
[ -d $tracefs/events ] || tracefs=/sys/kernel/debug/tracing
load_jvmm
[ -d $tracefs/events/jvmm ] || fail "no jvmm events in $tracefs/events"
for e in jvmm_entry jvmm_exit jvmm_hypercall jvmm_pio; do
	[ -d $tracefs/events/jvmm/$e ] || fail "tracepoint jvmm:$e missing"
done
ok "tracepoints jvmm:jvmm_entry, jvmm_exit, jvmm_hypercall, jvmm_pio exist"

echo > $tracefs/trace
echo 1 > $tracefs/events/jvmm/enable
jtest guest /dev/jvmm > /dev/null || fail "guest failed while tracing"
echo 0 > $tracefs/events/jvmm/enable
grep -E 'jvmm_(entry|exit|pio)' $tracefs/trace | head -5
grep -q 'jvmm_exit: vm[0-9]* vcpu0 reason 30 ' $tracefs/trace || fail "no I/O exit (reason 30) traced"
grep -q 'jvmm_exit: vm[0-9]* vcpu0 reason 12 ' $tracefs/trace || fail "no HLT exit (reason 12) traced"
grep -q 'jvmm_pio: vm[0-9]* vcpu0 out port 0x10 size 1 value 0x42' $tracefs/trace || fail "OUT 0x42 to port 0x10 not traced"
grep -q 'jvmm_entry: ' $tracefs/trace || fail "no VM entry traced"
ok "a guest's entries, exits and port I/O are traced"

mark trace-param
echo 1 > /sys/module/jvmm/parameters/trace
jtest guest /dev/jvmm > /dev/null || fail "guest failed with trace=1"
echo 0 > /sys/module/jvmm/parameters/trace
since_mark | grep 'jvmm: vm' | head -5
expect_log ": exit 30 rip 0x1002" "trace=1 logs the OUT exit with its RIP"
expect_log ": exit 12 rip 0x1004" "trace=1 logs the HLT exit"

# Exits per VM by reason in debugfs, while the VM exists.
jtest guest /dev/jvmm --then sh -c 'cat /sys/kernel/debug/jvmm/vm*/exits' > /tmp/exits.out ||
	fail "guest with --then failed"
cat /tmp/exits.out
grep -q '^reason 30 1$' /tmp/exits.out || fail "debugfs does not count the one I/O exit"
grep -q '^reason 12 1$' /tmp/exits.out || fail "debugfs does not count the one HLT exit"
grep -q '^to_user 2$' /tmp/exits.out || fail "debugfs does not count 2 exits to userspace"
ok "debugfs vm<N>/exits counts the guest's exits by reason"
unload_jvmm
