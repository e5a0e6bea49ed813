# SPDX-License-Identifier: GPL-2.0
# suites: vm1 vm2 fuzz
# timeout: 3000
#
# The ioctl fuzzer (tests/vm/progs/jfuzz): first briefly against kvm_intel,
# which checks the fuzzer itself (KVM must survive it), then against jvmm:
# every KVM ioctl and random ones on every kind of descriptor, guests
# running random code, munmap/mremap under live slots, and a threaded phase
# racing KVM_RUN against register, slot and descriptor changes.  Then: no
# kernel line at warning or worse beyond jvmm's intended bad-input lines,
# no jvmm object left, and the module unloads.  The harness fails the suite
# on any oops, WARN or BUG besides.
#
# Seed and call count: tests/run --suite fuzz passes JVMM_FUZZ_SEED and
# JVMM_FUZZ_CALLS as jvmm.fuzz_seed= and jvmm.fuzz_calls=; CI uses the
# fixed defaults below, so a CI failure replays as it is.  CI splits the
# work between its VMs, by the time each phase takes in Bochs (a call costs
# several times more wall time in the 2-CPU VM): vm1 (1 CPU) runs the
# 100,000 single-threaded calls, vm2 (2 CPUs,
# where the threads really run at once) the threaded phase alone.
. ./cases/lib.sh

SEED=20261202
CALLS=100000
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	jvmm.fuzz_seed=*) SEED=${arg#jvmm.fuzz_seed=} ;;
	jvmm.fuzz_calls=*) CALLS=${arg#jvmm.fuzz_calls=} ;;
	esac
done
# The single-threaded phase gets CALLS, the threaded one RACE_CALLS.
RACE_CALLS=$((CALLS / 5))
case "$JVMM_SUITE" in
# Open (issue 11): the threaded phase right after the 100,000 single-threaded
# calls of this seed stalls the 1-CPU test VM (no log line, no watchdog); from
# a fresh start (vm2) it passes.  vm1 leaves it out until that is understood.
vm1) RACE_CALLS=0 ;;
vm2) CALLS=0 RACE_CALLS=10000 ;;
esac
KVM_CALLS=1000

# Input classes that trigger a known jvmm bug, skipped only until it is
# fixed (jfuzz --help lists them).  None now: huge-slot (a slot of 2^28+
# pages WARNed in kvmalloc, issue 11 item 5) is fixed.
AVOID=""

# What jvmm logs at warning level on purpose, ratelimited, when a process
# or its guest gives it bad input (module/*.c): extended regular expressions.
INTENDED='KVM_SET_USER_MEMORY_REGION: flags 0x[0-9a-f]+ unsupported
KVM_SET_USER_MEMORY_REGION: slot [0-9]+, gpa 0x[0-9a-f]+, size 0x[0-9a-f]+: [a-z0-9 ^-]+
KVM_CREATE_VM: machine type [0-9]+ unsupported
vm[0-9]+ vcpu[0-9]+: unexpected VM exit [0-9]+; stopping the VM
vm[0-9]+ vcpu[0-9]+: KVM_RUN after an internal error; the vCPU stays stopped
[a-z_]+: [0-9]+ callbacks suppressed
printk: jfuzz: [0-9]+ output lines suppressed due to ratelimiting'

# Kernel lines at warning level or worse since the mark, without timestamps.
warnings_since_mark() {
	dmesg -r | awk -v m="$MARK" '
	f && /^<[0-9]+>/ {
		lvl = substr($0, 2, index($0, ">") - 2) % 8
		line = substr($0, index($0, ">") + 1)
		sub(/^\[ *[0-9.]+\] /, "", line)
		if (lvl <= 4) print line
	}
	index($0, m) { f = 1 }'
}

run_fuzzer() {
	dev=$1
	shift
	echo "jfuzz --device $dev $*"
	jfuzz --device "$dev" "$@"
}

# --- the fuzzer against kvm_intel: the fuzzer's own sanity ------------------
# (once per CI run: in vm1; vm2 spends its time on the threaded phase)
if [ "$JVMM_SUITE" != vm2 ]; then
	mark fuzz-kvm
	load_kvm_intel
	run_fuzzer /dev/kvm --seed "$SEED" --calls $KVM_CALLS --race-calls 200 ||
		fail "jfuzz against kvm_intel failed (a fuzzer bug, or KVM's)"
	unload_kvm_intel
	kvm_lines=$(warnings_since_mark)
	if [ -n "$kvm_lines" ]; then
		echo "kernel lines at warning or worse with kvm_intel (reported, not failed on):"
		echo "$kvm_lines" | sort | uniq -c | sort -rn | head -n 20 | sed 's/^/  /'
	fi
	ok "kvm_intel survived $KVM_CALLS+200 calls of seed $SEED"
fi

# --- the fuzzer against jvmm -----------------------------------------------
load_jvmm
mark fuzz-jvmm
t0=$(cut -d ' ' -f 1 /proc/uptime)
# shellcheck disable=SC2086 # AVOID is a list of options
run_fuzzer /dev/jvmm --seed "$SEED" --calls "$CALLS" --race-calls "$RACE_CALLS" --stall-secs 5 $AVOID
rc=$?
t1=$(cut -d ' ' -f 1 /proc/uptime)
echo "jfuzz on jvmm: exit $rc, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s of guest time"
[ $rc -eq 0 ] || fail "jfuzz against jvmm failed (exit $rc; seed $SEED, calls $CALLS + $RACE_CALLS: the replay line above)"
ok "jfuzz: $CALLS single-threaded and $RACE_CALLS threaded calls of seed $SEED against jvmm"

lines=$(warnings_since_mark)
printf '%s\n' "$INTENDED" >/tmp/fuzz.intended
if [ -n "$lines" ]; then
	echo "jvmm's intended bad-input lines (count, line):"
	echo "$lines" | grep -E -f /tmp/fuzz.intended | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sed 's/^/  /'
fi
unexpected=$(echo "$lines" | grep -v -E -f /tmp/fuzz.intended | grep .)
if [ -n "$unexpected" ]; then
	echo "$unexpected" | head -n 40 | sed 's/^/  unexpected: /'
	fail "kernel lines at warning or worse beyond jvmm's intended bad-input lines"
fi
ok "no kernel line at warning or worse beyond the intended bad-input lines"
expect_no_jvmm_objects "the fuzzer"
unload_jvmm
ok "jvmm unloaded after the fuzzer"
