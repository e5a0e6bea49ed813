# SPDX-License-Identifier: GPL-2.0
# lib.sh - helpers for the in-VM test cases (busybox sh); sourced, not a test.
#
# A case prints what it checks ("ok: ..." lines) and exits non-zero at the
# first check that does not hold ("FAIL: ..." names it).  /init runs each
# case with cwd /jvmm and /jvmm/bin on PATH.

JVMM_KO=/jvmm/module/jvmm.ko
JVMM_KMOD=${JVMM_KMOD:-/jvmm/kmod}

ok() { echo "ok: $*"; }

# Whatever a case leaves loaded, the next case starts without it.
cleanup_modules() {
	for m in jvmm kvm_intel kvm irqbypass; do
		if grep -q "^$m " /proc/modules; then
			rmmod $m 2>/dev/null || echo "cleanup: rmmod $m failed"
		fi
	done
}
trap cleanup_modules EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Mark the kernel log, so since_mark can show only what came after.
MARK=
mark() {
	MARK="jvmm-test: mark $$ $1 $(cat /proc/uptime)"
	echo "<6>$MARK" > /dev/kmsg
}

# The kernel log since the last mark, without timestamps.
since_mark() {
	dmesg | sed -e 's/^\[[ 0-9.]*\] //' | awk -v m="$MARK" 'f; index($0, m) { f = 1 }'
}

# Show the jvmm lines since the last mark (that is how CI shows them).
show_jvmm_log() {
	since_mark | grep 'jvmm: ' | sed 's/^/  dmesg: /'
}

# expect_log TEXT WHAT: a line containing TEXT was logged since the mark.
expect_log() {
	since_mark | grep -qF -- "$1" || fail "$2: no kernel log line containing '$1'"
	ok "$2"
}

# expect_no_log TEXT WHAT
expect_no_log() {
	if since_mark | grep -qF -- "$1"; then
		fail "$2: unexpected kernel log line containing '$1'"
	fi
	ok "$2"
}

# The online CPUs, one number a line.  cpu0 often has no "online" file.
online_cpus() {
	for d in /sys/devices/system/cpu/cpu[0-9]*; do
		n=${d##*/cpu}
		if [ ! -f "$d/online" ] || [ "$(cat "$d/online")" = 1 ]; then
			echo "$n"
		fi
	done | sort -n
}

module_loaded() {
	grep -q "^$1 " /proc/modules
}

load_jvmm() {
	insmod "$JVMM_KO" "$@" || fail "insmod jvmm.ko $* failed"
	module_loaded jvmm || fail "jvmm not in /proc/modules after insmod"
}

unload_jvmm() {
	rmmod jvmm || fail "rmmod jvmm failed"
	module_loaded jvmm && fail "jvmm still in /proc/modules after rmmod"
	return 0
}

# Every online CPU logged "cpuN: <what> VMX operation" since the mark.
expect_every_cpu() {
	what=$1
	count=0
	for c in $(online_cpus); do
		expect_log "jvmm: cpu$c: $what VMX operation" "cpu$c $what VMX operation"
		count=$((count + 1))
	done
	lines=$(since_mark | grep -c "jvmm: cpu[0-9]*: $what VMX operation")
	[ "$lines" -eq "$count" ] ||
		fail "$lines 'cpuN: $what VMX operation' lines for $count online CPUs"
}

# The kvm modules from the test kernel's own package.
load_kvm_intel() {
	for m in irqbypass kvm kvm-intel; do
		insmod "$JVMM_KMOD/$m.ko" || fail "insmod $m.ko failed"
	done
	[ -c /dev/kvm ] || fail "/dev/kvm missing after loading kvm_intel"
}

unload_kvm_intel() {
	rmmod kvm_intel kvm irqbypass || fail "rmmod kvm_intel kvm irqbypass failed"
}

# jvmm_objects_freed: every VM, vCPU, EPT table and pinned page is gone.
expect_no_jvmm_objects() {
	objects=/sys/kernel/debug/jvmm/objects
	[ "$(awk '{ s += $2 } END { print s + 0 }' $objects)" -eq 0 ] ||
		{ cat $objects; fail "jvmm objects left after $1"; }
	ok "no jvmm objects left after $1"
}

# compare_with_kvm NAME: run jvmm-engine-test's $SCENARIOS on kvm_intel (the
# reference), then on jvmm, and demand the same result lines from both except
# for $KNOWN_DIFFERENCES ("<scenario> <key, or *> <reason>", one a line).
compare_with_kvm() {
	out=/tmp/$1
	load_kvm_intel
	jvmm-engine-test --device /dev/kvm $SCENARIOS 2>&1 | tee $out.kvm
	unload_kvm_intel

	mark "$1"
	load_jvmm
	jvmm-engine-test --device /dev/jvmm $SCENARIOS 2>&1 | tee $out.jvmm
	show_jvmm_log
	printf '%s\n' "$KNOWN_DIFFERENCES" >$out.known
	jvmm-engine-test --compare $out.kvm $out.jvmm --known $out.known
	rc=$?
	expect_no_jvmm_objects "the scenarios"
	unload_jvmm
	[ $rc -eq 0 ] || fail "jvmm differs from KVM beyond KNOWN_DIFFERENCES (see the compare lines)"
	ok "jvmm agrees with KVM on: $SCENARIOS"
}
