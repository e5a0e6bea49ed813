#!/bin/bash
# Unit test of the host-side serial-log parser (tests/vm/lib/parse.sh), fed
# with canned serial logs: no VM needed. Run by tests/run (unit suite).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib/common.sh
. "$here/../vm/lib/common.sh"
# shellcheck source=tests/vm/lib/parse.sh
. "$here/../vm/lib/parse.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# check NAME EXPECTED_RESULTS LOG EXPECTED_CASES [VMREASON]: parse LOG (given
# with \n line ends; CRLF is added as a real serial port has it) and compare
# "STATUS NAME REASON" lines with EXPECTED_RESULTS.
check() {
	local name=$1 want=$2 log=$3 cases=$4 vmreason=${5:-} got
	printf '%s' "$log" | sed 's/$/\r/' >"$tmp/$name.log"
	parse_serial_log "$tmp/$name.log" "$tmp/$name" "$cases" "$vmreason"
	got=$(cut -f1-3 "$tmp/$name/results" | tr '\t' ' ')
	if [ "$got" = "$want" ]; then
		echo "ok   $name"
	else
		echo "FAIL $name"
		diff <(echo "$want") <(echo "$got") | sed 's/^/     /' || true
		failures=$((failures + 1))
	fi
}

# check_output NAME CASE EXPECTED: the captured output of CASE in check NAME.
check_output() {
	local got
	got=$(cat "$tmp/$1/$2.out")
	if [ "$got" = "$3" ]; then
		echo "ok   $1: output of $2"
	else
		echo "FAIL $1: output of $2"
		diff <(echo "$3") <(echo "$got") | sed 's/^/     /' || true
		failures=$((failures + 1))
	fi
}

boot='Welcome to GRUB!
[    0.000000] Linux version 6.1.0-56-cloud-amd64
'

check good "PASS a -
PASS b -" "$boot@@JVMM START suite=vm1 cpus=1 kernel=6.1.0-56-cloud-amd64
@@JVMM BEGIN a
hello from a
@@JVMM END a PASS rc=0 secs=0.2
@@JVMM BEGIN b
@@JVMM END b PASS rc=0 secs=1.0
@@JVMM DONE
" "a b"
check_output good a "hello from a"

check failing "PASS a -
FAIL b exit code 3" "@@JVMM START suite=vm1 cpus=1 kernel=x
@@JVMM BEGIN a
@@JVMM END a PASS rc=0 secs=0.2
@@JVMM BEGIN b
about to fail
@@JVMM END b FAIL rc=3 secs=0.0
@@JVMM DONE
" "a b"

check timeout "FAIL slow timed out after 5 s" "@@JVMM START suite=vm1 cpus=1 kernel=x
@@JVMM BEGIN slow
@@JVMM TIMEOUT slow 5
@@JVMM END slow FAIL rc=124 secs=5.0
@@JVMM DONE
" "slow"

# The VM died in the middle of b: b has no END, c never ran, no DONE.
check missing-end "PASS a -
FAIL b started but never finished: VM did not finish in 600 s
FAIL c never ran: VM did not finish in 600 s
FAIL <vm> VM did not finish in 600 s" "@@JVMM START suite=vm1 cpus=1 kernel=x
@@JVMM BEGIN a
@@JVMM END a PASS rc=0 secs=0.2
@@JVMM BEGIN b
still going
" "a b c" "VM did not finish in 600 s"
check_output missing-end b "still going"

check bad-line "PASS a -
FAIL <kernel-log> WARNING in VM kernel log, 2 suspicious lines" "@@JVMM START suite=vm2 cpus=2 kernel=x
@@JVMM BEGIN a
@@JVMM END a PASS rc=0 secs=0.2
@@JVMM BAD [    5.342187] WARNING: CPU: 0 PID: 142 at foo.c:2 w_init+0x5/0x1000 [warnmod]
@@JVMM BAD [    5.343722] Call Trace:
@@JVMM DONE
" "a"

# A WARN on the console while a test runs is attributed to it, and the same
# line again in the final dmesg scan is not counted twice.
check live-warn "PASS a -
FAIL <kernel-log> WARNING in VM kernel log during a" "@@JVMM START suite=vm2 cpus=2 kernel=x
@@JVMM BEGIN a
[    5.342187] WARNING: CPU: 0 PID: 142 at foo.c:2 w_init+0x5/0x1000 [warnmod]
@@JVMM END a PASS rc=0 secs=0.2
@@JVMM BAD [    5.342187] WARNING: CPU: 0 PID: 142 at foo.c:2 w_init+0x5/0x1000 [warnmod]
@@JVMM DONE
" "a"

check no-done "PASS a -
FAIL <vm> emulator exited (rc=1) before @@JVMM DONE" "@@JVMM START suite=vm1 cpus=1 kernel=x
@@JVMM BEGIN a
@@JVMM END a PASS rc=0 secs=0.2
" "a" "emulator exited (rc=1) before @@JVMM DONE"

check no-init "FAIL a never ran: VM did not finish in 600 s
FAIL <vm> VM did not finish in 600 s (the kernel never reached /init)" "$boot" "a" "VM did not finish in 600 s"

# Panic outside any test (e.g. /init died): reported even without markers.
check panic "FAIL a never ran: kernel panic; VM stopped
FAIL <kernel-log> Kernel panic in VM kernel log
FAIL <vm> kernel panic; VM stopped" "$boot@@JVMM START suite=vm1 cpus=1 kernel=x
[    3.1] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100
" "a" "kernel panic; VM stopped"

# A listed case that /init did not run although the VM finished.
check not-run "PASS a -
FAIL b never ran (not in the VM payload?)" "@@JVMM START suite=vm1 cpus=1 kernel=x
@@JVMM BEGIN a
@@JVMM END a PASS rc=0 secs=0.2
@@JVMM DONE
" "a b"

# Serial-line accidents: a kernel console message cuts a marker in two, and a
# test's last output line has no newline, so the END marker follows it.
check split-marker "PASS a -
PASS b -" "@@JVMM START suite=vm1 cpus=1 kernel=x
@@JVMM BEG[    5.479286] hello: loading out-of-tree module taints kernel.
[    5.479653] jvmm-hello: loaded
IN a
some output@@JVMM END a PASS rc=0 secs=0.2
@@JVMM BEGIN b
@@JVMM END b P[    6.1] msg one
ASS rc=0 secs=0.1
@@JV[    6.2] msg two
MM DONE
" "a b"
check_output split-marker a "[    5.479286] hello: loading out-of-tree module taints kernel.
[    5.479653] jvmm-hello: loaded
some output"

# "Oops" or "BUG:" anywhere on the serial line is a failure, even in a test's
# own output (a test must not print them unless something is wrong).
check oops "FAIL a exit code 137
FAIL <kernel-log> Oops in VM kernel log during a" "@@JVMM START suite=vm1 cpus=1 kernel=x
@@JVMM BEGIN a
[    7.0] Oops: 0002 [#1] PREEMPT SMP NOPTI
@@JVMM END a FAIL rc=137 secs=0.2
@@JVMM DONE
" "a"

if [ "$failures" -ne 0 ]; then
	echo "$failures parser check(s) failed"
	exit 1
fi
