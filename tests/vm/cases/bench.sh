# SPDX-License-Identifier: GPL-2.0
# suites: vm1 bench
# timeout: 900
#
# make bench: exit-path figures on kvm_intel and on jvmm in the same boot
# (only one can hold VMX at a time, so one after the other), and the
# ratio jvmm/KVM.  Figures are guest time in the emulated machine: only
# ratios between runs in the same VM configuration mean anything.
. ./cases/lib.sh

PIO=${JVMM_BENCH_PIO:-20000}
CPUID=${JVMM_BENCH_CPUID:-200000}
VMCALL=${JVMM_BENCH_VMCALL:-20000}

rate() {	# rate FILE BENCH: the exits/s figure
	awk -v b="$2" '$1 == "bench:" && $2 == b { print $(NF - 1) }' "$1"
}

# jvmm_bench BENCH COUNT: jbench on jvmm, then how many VM exits and VMX
# sections (each one VMXON, VMPTRLD, VMCLEAR, VMXOFF) it took, from
# jvmm's debugfs counters.
COUNTERS=/sys/kernel/debug/jvmm/counters
jvmm_bench() {
	read -r _ e0 < $COUNTERS || return 1
	s0=$(awk '$1 == "vmx_sections" { print $2 }' $COUNTERS)
	jbench --device /dev/jvmm --count "$2" "$1" | tee -a /tmp/jvmm.bench || return 1
	read -r _ e1 < $COUNTERS
	s1=$(awk '$1 == "vmx_sections" { print $2 }' $COUNTERS)
	echo "sections: $1 $((e1 - e0)) exits, $((s1 - s0)) VMX sections" | tee -a /tmp/jvmm.sections
}

load_kvm_intel
jbench --device /dev/kvm --count $PIO pio | tee /tmp/kvm.bench || fail "pio on KVM"
jbench --device /dev/kvm --count $CPUID cpuid | tee -a /tmp/kvm.bench || fail "cpuid on KVM"
unload_kvm_intel

load_jvmm
dmesg | grep 'jvmm: speculation defences' | tail -1 | sed 's/^\[[ 0-9.]*\] //'
: > /tmp/jvmm.bench
: > /tmp/jvmm.sections
jvmm_bench pio $PIO || fail "pio on jvmm"
jvmm_bench cpuid $CPUID || fail "cpuid on jvmm"
jvmm_bench vmcall $VMCALL || fail "vmcall on jvmm"
unload_jvmm

# The cost of spec.c's defences: the same runs without them (the
# kernel's return-stack refill after exits stays; Documentation/design.md).
# spec_defences=2 adds VERW and branch-history clearing where the CPU does
# not need them (Bochs does not): their cost, and their code run for real.
for s in 0 2; do
	load_jvmm spec_defences=$s
	dmesg | grep 'jvmm: speculation defences' | tail -1 | sed 's/^\[[ 0-9.]*\] //'
	jbench --device /dev/jvmm --count $PIO pio | tee /tmp/spec$s.bench || fail "pio on jvmm, spec_defences=$s"
	jbench --device /dev/jvmm --count $CPUID cpuid | tee -a /tmp/spec$s.bench || fail "cpuid on jvmm, spec_defences=$s"
	unload_jvmm
done

echo
printf '%-34s %14s %14s %8s\n' "benchmark" "KVM exits/s" "jvmm exits/s" "jvmm/KVM"
for b in pio cpuid; do
	k=$(rate /tmp/kvm.bench $b)
	j=$(rate /tmp/jvmm.bench $b)
	printf '%-34s %14s %14s %8s\n' "$b ($( [ $b = pio ] && echo 'OUT, to userspace' || echo 'CPUID, in kernel'))" \
		"$k" "$j" "$(awk -v j="$j" -v k="$k" 'BEGIN { printf "%.2f", j / k }')"
done
printf '%-34s %14s %14s %8s\n' "vmcall (to userspace, jvmm only)" "-" "$(rate /tmp/jvmm.bench vmcall)" "-"
echo
printf '%-20s %14s %14s %14s %8s %8s\n' "jvmm, spec_defences" "0 exits/s" "1 exits/s" "2 exits/s" "1/0" "2/0"
for b in pio cpuid; do
	o=$(rate /tmp/spec0.bench $b)
	j=$(rate /tmp/jvmm.bench $b)
	e=$(rate /tmp/spec2.bench $b)
	printf '%-20s %14s %14s %14s %8s %8s\n' "$b" "$o" "$j" "$e" \
		"$(awk -v j="$j" -v o="$o" 'BEGIN { printf "%.2f", j / o }')" \
		"$(awk -v e="$e" -v o="$o" 'BEGIN { printf "%.2f", e / o }')"
done
echo
printf '%-34s %14s %14s %8s\n' "jvmm, whole run" "VM exits" "VMX sections" "per exit"
while read -r _ b e _ sec _; do
	printf '%-34s %14s %14s %8s\n' "$b" "$e" "$sec" \
		"$(awk -v s="$sec" -v e="$e" 'BEGIN { printf "%.4f", e ? s / e : 0 }')"
done < /tmp/jvmm.sections
