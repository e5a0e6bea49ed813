#!/bin/bash
# Unit test of the kernel-log checks for new kernels, no VM needed: /init's
# dmesg scan (scan_dmesg in tests/vm/init, run on the host with busybox as in
# the VM) and the host's serial-log parser (tests/vm/lib/parse.sh).
#
# The one allowed report, Bochs' boot-time WARN in parse_legacy on 6.12 and
# later, passes, in the 6.12 form and the 7.x form; a 7.x-form WARN, a second
# topology WARN, one logged after /init started, an incomplete one and any
# other report fail. The sample lines are the ones Debian's
# 6.12.117+deb12-cloud-amd64 and 7.3.4+deb13-cloud-amd64 printed in Bochs
# (Documentation/testing.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib/common.sh
. "$here/../vm/lib/common.sh"
# shellcheck source=tests/vm/lib/parse.sh
. "$here/../vm/lib/parse.sh"
init="$here/../vm/init"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# The VM runs scan_dmesg with busybox's sh and awk: so does this test, when
# busybox is installed (tests/deps.sh --vm), else with the host's.
mkdir -p "$tmp/bin"
if bb=$(command -v busybox); then
	for a in sh awk sed grep; do ln -s "$bb" "$tmp/bin/$a"; done
	shell=("$tmp/bin/sh")
	echo "scan_dmesg runs under $bb, as in the VM"
else
	shell=(sh)
	echo "no busybox here: scan_dmesg runs under the host's sh and awk"
fi

scan() {
	PATH="$tmp/bin:$PATH" "${shell[@]}" "$init" --scan-dmesg
}

MARK='[    6.940000] jvmm-init: /init started; boot-time kernel reports end here'

BOOT_612='[    0.000000] Linux version 6.12.117+deb12-cloud-amd64 (debian-kernel@lists.debian.org)
[    0.000000] Command line: BOOT_IMAGE=/vmlinuz console=ttyS0,115200 tsc=reliable lpj=1000000 quiet clearcpuid=avx512f panic=-1 jvmm.suite=vm1
[    0.000000] Clearing CPUID bits: avx512f
[    0.000000] ------------[ cut here ]------------
[    0.000000] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/cpu/topology_common.c:57 parse_legacy+0x10e/0x130
[    0.000000] Modules linked in:
[    0.000000] CPU: 0 UID: 0 PID: 0 Comm: swapper Tainted: G S                 6.12.117+deb12-cloud-amd64 #1  Debian 6.12.117-1~deb12u1
[    0.000000] Tainted: [S]=CPU_OUT_OF_SPEC
[    0.000000] RIP: 0010:parse_legacy+0x10e/0x130
[    0.000000] Code: 00 48 8d 4c 24 0c c7 04 24 04 00 00 00 ff 15 29 a9 bd 01 8b 0c 24 f6 c1 1f 0f 84 28 ff ff ff c1 e9 1a 8d 41 01 e9 24 ff ff ff <0f> 0b be 01 00 00 00 31 c9 e9 34 ff ff ff e8 bf
[    0.000000] RSP: 0000:ffffffffa9a03e00 EFLAGS: 00010093 ORIG_RAX: 0000000000000000
[    0.000000] RAX: 0000000000000008 RBX: ffffffffa9a03e30 RCX: 2c100800bfebfbff
[    0.000000] CR2: ffff88801f11b000 CR3: 00000000129da000 CR4: 00000000000000b0
[    0.000000] Call Trace:
[    0.000000]  <TASK>
[    0.000000]  ? cpu_init_topology+0x3e/0xe0
[    0.000000]  ? early_cpu_init+0xe7/0xb70
[    0.000000]  ? setup_arch+0xa8/0xe60
[    0.000000]  ? start_kernel+0x65/0x8d0
[    0.000000]  </TASK>
[    0.000000] ---[ end trace 0000000000000000 ]---
[    0.000000] Disabled fast string operations
[    0.022194] RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks, data leaks possible!
[    6.933198] Run /init as init process'

BOOT_73='[    0.000000] Linux version 7.3.4+deb13-cloud-amd64 (debian-kernel@lists.debian.org)
[    0.000000] clearcpuid: force-disabling CPU feature flag: avx512f
[    0.000000] !!! setcpuid=/clearcpuid= in use, this is for TESTING ONLY, may break things horribly. Tainting kernel.
[    0.000000] ------------[ cut here ]------------
[    0.000000] WARNING: arch/x86/kernel/cpu/topology_common.c:95 at parse_legacy+0x1a7/0x280, CPU#0: swapper/0
[    0.000000] Modules linked in:
[    0.000000] CPU: 0 UID: 0 PID: 0 Comm: swapper Tainted: G S                  7.3.4+deb13-cloud-amd64 #1 PREEMPT(undef)  Debian 7.3.4-1~bpo13+1
[    0.000000] Tainted: [S]=CPU_OUT_OF_SPEC
[    0.000000] RIP: 0010:parse_legacy+0x1a7/0x280
[    0.000000] RSP: 0000:ffffffff85203d28 EFLAGS: 00010093 ORIG_RAX: 0000000000000000
[    0.000000] Call Trace:
[    0.000000]  <TASK>
[    0.000000]  ? parse_topology+0x302/0x400
[    0.000000]  ? cpu_init_topology+0x49/0x160
[    0.000000]  ? common_startup_64+0x13e/0x151
[    0.000000]  </TASK>
[    0.000000] ---[ end trace 0000000000000000 ]---
[    0.000000] x86/CPU: Running old microcode
[    5.171055] Run /init as init process'

# A second topology report (same lines, a later timestamp).
TOPO_AGAIN='[    0.310000] ------------[ cut here ]------------
[    0.310000] WARNING: arch/x86/kernel/cpu/topology_common.c:95 at parse_legacy+0x1a7/0x280, CPU#1: swapper/1
[    0.310000] Modules linked in:
[    0.310000] Call Trace:
[    0.310000]  <TASK>
[    0.310000]  </TASK>
[    0.310000] ---[ end trace 0000000000000000 ]---'

# A 7.x-form WARN from a test (no "WARNING: CPU:" in it anywhere).
WARN_73='[   42.000000] ------------[ cut here ]------------
[   42.000000] WARNING: arch/x86/kernel/fpu/core.c:123 at fpu_swap_kvm_fpstate+0x12/0x80, CPU#0: jvmm-engine-te
[   42.000000] Modules linked in: jvmm(OE)
[   42.000000] Call Trace:
[   42.000000]  <TASK>
[   42.000000]  </TASK>
[   42.000000] ---[ end trace 0000000000000000 ]---'

# An old-form WARN at boot that is not the topology one.
WARN_XSTATE='[    0.000000] ------------[ cut here ]------------
[    0.000000] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:812 fpu__init_system_xstate+0x1a3/0x7c0
[    0.000000] Call Trace:
[    0.000000] ---[ end trace 0000000000000000 ]---'

# check_scan NAME WANT DMESG: scan_dmesg's output for DMESG must be WANT.
check_scan() {
	local name=$1 want=$2 got
	got=$(printf '%s\n' "$3" | scan)
	printf '%s\n' "$got" >"$tmp/$name.scan"
	if [ "$got" = "$want" ]; then
		echo "ok   scan $name"
	else
		echo "FAIL scan $name"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/     /' || true
		failures=$((failures + 1))
	fi
}

A612='@@JVMM ALLOWED [    0.000000] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/cpu/topology_common.c:57 parse_legacy+0x10e/0x130'
A73='@@JVMM ALLOWED [    0.000000] WARNING: arch/x86/kernel/cpu/topology_common.c:95 at parse_legacy+0x1a7/0x280, CPU#0: swapper/0'
B73='@@JVMM BAD [    0.000000] WARNING: arch/x86/kernel/cpu/topology_common.c:95 at parse_legacy+0x1a7/0x280, CPU#0: swapper/0
@@JVMM BAD [    0.000000] Call Trace:'

check_scan boot-6.12 "$A612" "$BOOT_612
$MARK
[    7.1] jvmm: loaded"
check_scan boot-7.x "$A73" "$BOOT_73
$MARK"
# A test's 7.x-form WARN after the allowed one.
check_scan warn-7.x-form "$A73
@@JVMM BAD [   42.000000] WARNING: arch/x86/kernel/fpu/core.c:123 at fpu_swap_kvm_fpstate+0x12/0x80, CPU#0: jvmm-engine-te
@@JVMM BAD [   42.000000] Call Trace:" "$BOOT_73
$MARK
$WARN_73"
# (ALLOWED comes at /init's mark, once the report is known to be a boot one.)
check_scan second-topology "@@JVMM BAD [    0.310000] WARNING: arch/x86/kernel/cpu/topology_common.c:95 at parse_legacy+0x1a7/0x280, CPU#1: swapper/1
@@JVMM BAD [    0.310000] Call Trace:
$A73" "$BOOT_73
$TOPO_AGAIN
$MARK"
# The topology WARN, but after /init started (a module caused it).
check_scan topology-after-init "@@JVMM BAD [    0.310000] WARNING: arch/x86/kernel/cpu/topology_common.c:95 at parse_legacy+0x1a7/0x280, CPU#1: swapper/1
@@JVMM BAD [    0.310000] Call Trace:" "$MARK
$TOPO_AGAIN"
# Without /init's mark nothing says the report came at boot.
check_scan no-mark "$B73" "$BOOT_73"
# Cut off before its end-trace line.
check_scan incomplete "$B73" "$(printf '%s\n' "$BOOT_73" | grep -v 'end trace')
$MARK"
# Another report inside the topology one.
check_scan nested "$(printf '%s\n' "$B73" | head -n 1)
@@JVMM BAD [    0.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008
@@JVMM BAD [    0.000000] Call Trace:" "$(printf '%s\n' "$BOOT_73" | sed '/Modules linked in/a [    0.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008')
$MARK"
check_scan other-boot-warn "@@JVMM BAD [    0.000000] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:812 fpu__init_system_xstate+0x1a3/0x7c0
@@JVMM BAD [    0.000000] Call Trace:" "$WARN_XSTATE
$MARK"
# The same file and function at another line number is still the same report;
# another function in the same file is not.
check_scan other-function "@@JVMM BAD [    0.000000] WARNING: arch/x86/kernel/cpu/topology_common.c:95 at parse_topology+0x1a7/0x280, CPU#0: swapper/0
@@JVMM BAD [    0.000000] Call Trace:" "$(printf '%s\n' "$BOOT_73" | sed 's/at parse_legacy+/at parse_topology+/')
$MARK"

# --- the host's parser, fed what /init prints ------------------------------------
# check_parse NAME WANT SERIAL: parse_serial_log's entries ("STATUS NAME
# REASON") for the serial log SERIAL (CRLF added) with expected case "a".
check_parse() {
	local name=$1 want=$2 got
	printf '%s\n' "$3" | sed 's/$/\r/' >"$tmp/$name.log"
	parse_serial_log "$tmp/$name.log" "$tmp/$name" a ""
	got=$(cut -f1-3 "$tmp/$name/results" | tr '\t' ' ')
	if [ "$got" = "$want" ]; then
		echo "ok   parse $name"
	else
		echo "FAIL parse $name"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/     /' || true
		failures=$((failures + 1))
	fi
}

START='@@JVMM START suite=vm1 cpus=1 kernel=7.3.4+deb13-cloud-amd64'
CASE_A='@@JVMM BEGIN a
ok: something
@@JVMM END a PASS rc=0 secs=0.5'

check_parse allowed "PASS a -" "$START
$CASE_A
$(cat "$tmp/boot-7.x.scan")
@@JVMM DONE"
if [ "$(cat "$tmp/allowed/allowed")" = "${A73#@@JVMM ALLOWED }" ]; then
	echo "ok   parse allowed: the allowed line is listed"
else
	echo "FAIL parse allowed: OUTDIR/allowed is '$(cat "$tmp/allowed/allowed")'"
	failures=$((failures + 1))
fi
check_parse allowed-6.12 "PASS a -" "$START
$CASE_A
$(cat "$tmp/boot-6.12.scan")
@@JVMM DONE"
check_parse warn-7.x-form "PASS a -
FAIL <kernel-log> WARNING in VM kernel log, 2 suspicious lines" "$START
$CASE_A
$(cat "$tmp/warn-7.x-form.scan")
@@JVMM DONE"
check_parse second-topology "PASS a -
FAIL <kernel-log> WARNING in VM kernel log, 2 suspicious lines" "$START
$CASE_A
$(cat "$tmp/second-topology.scan")
@@JVMM DONE"
check_parse topology-after-init "PASS a -
FAIL <kernel-log> WARNING in VM kernel log, 2 suspicious lines" "$START
$CASE_A
$(cat "$tmp/topology-after-init.scan")
@@JVMM DONE"
# /init prints kernel warnings under the test that caused them: a 7.x-form
# WARN there fails the suite although it has no "WARNING: CPU:".
check_parse live-7.x-form "FAIL a exit code 1
FAIL <kernel-log> WARNING in VM kernel log during a" "$START
@@JVMM BEGIN a
-- kernel messages (warning or worse) during a:
$(printf '%s\n' "$WARN_73" | sed -n 2p)
@@JVMM END a FAIL rc=1 secs=0.5
@@JVMM DONE"
# On the console (JVMM_CONSOLE_LOGLEVEL=7) before /init: allowed once.
check_parse console-boot "PASS a -" "$BOOT_73
$START
$CASE_A
$(cat "$tmp/boot-7.x.scan")
@@JVMM DONE"
check_parse console-after-start "PASS a -
FAIL <kernel-log> WARNING in VM kernel log during a" "$START
@@JVMM BEGIN a
$BOOT_73
@@JVMM END a PASS rc=0 secs=0.5
@@JVMM DONE"
check_parse console-twice "PASS a -
FAIL <kernel-log> WARNING in VM kernel log" "$BOOT_73
$TOPO_AGAIN
$START
$CASE_A
@@JVMM DONE"
# Only /init says ALLOWED, and only once.
check_parse allowed-twice "PASS a -
FAIL <kernel-log> WARNING in VM kernel log" "$START
$CASE_A
$A73
${A73/CPU#0/CPU#1}
@@JVMM DONE"

if [ "$failures" -ne 0 ]; then
	echo "$failures boot-WARN check(s) failed"
	exit 1
fi
