# shellcheck shell=bash
# Shared helpers for tests/run and tests/vm/lib/*.sh. Sourced, never executed.
#
# Everything here is host-side bash. The in-VM side is tests/vm/init (busybox sh).

# Messages go to stderr so that stdout carries only the PASS/FAIL report.
note() { printf '%s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 2; }

# Seconds since the epoch; used for wall-time measurements.
now_s() { date +%s; }

# The cache holds the unpacked kernel image and modules per kernel ABI version,
# so that a second run downloads nothing.
jvmm_cache_root() {
	printf '%s\n' "${JVMM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jvmm}"
}

# Logs of the last run of each suite stay here (overwritten by the next run),
# even without --keep, so that a failure can always be inspected.
jvmm_log_root() {
	printf '%s\n' "${JVMM_LOG_DIR:-${TMPDIR:-/tmp}/jvmm-logs}"
}

# Which VM a suite boots: "<cpus>". vm1, vm1-7x, vm1-noxsave, tcg, demo and
# bench boot the 1-CPU VM; vm2 and fuzz (whose threaded phase races two vCPUs)
# the 2-CPU one.
suite_cpus() {
	case "$1" in
	vm1 | vm1-7x | vm1-noxsave | tcg | demo | bench | course) echo 1 ;;
	vm2 | fuzz) echo 2 ;;
	*) return 1 ;;
	esac
}

is_vm_suite() { suite_cpus "$1" >/dev/null 2>&1; }

# The vm1 cases that the default run also boots on the newest kernel (suite
# vm1-7x): load/unload, the engine scenarios, our guest and the coexistence
# with kvm_intel. Shell patterns over vm1's case names; this is the one place
# that defines the subset (tests/run passes it to /init as jvmm.only=).
VM1_7X_CASES="load engine-* guest-smoke jlaunch-guest kvm-coexist"

# The vm1 cases that run guests on jvmm and kvm_intel, booted again with
# noxsave (suite vm1-noxsave: a host without OSXSAVE, issue 11 item 4), as
# VM1_7X_CASES; cases whose own "# suites:" line names vm1-noxsave run too.
VM1_NOXSAVE_CASES="load engine-basic engine-host guest-smoke jlaunch-guest"

# kernel_slow_factor KVER: how much slower than 6.1 the kernel runs in Bochs.
# 6.12 and later boot about 3 times slower (measured: Documentation/testing.md),
# so their VM time limits are multiplied by JVMM_SLOW_KERNEL_FACTOR (default 3).
kernel_slow_factor() {
	local v major minor
	v=${1%%[-+]*}
	major=${v%%.*}
	minor=${v#*.}
	minor=${minor%%.*}
	case "$major$minor" in
	*[!0-9]* | "") echo 1; return ;;
	esac
	if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 12 ]; }; then
		echo "${JVMM_SLOW_KERNEL_FACTOR:-3}"
	else
		echo 1
	fi
}

# suite_time_limit SUITE [KVER]: wall-clock limit for one whole VM run of a
# suite (boot + all tests), in s; scaled for slow kernels unless the variable
# sets it.
suite_time_limit() {
	local base var factor
	case "$1" in
	# vm1's 17 cases took 578 s on 6.1 with the build matrix running beside
	# it (2026-12-01): twice that.
	vm1) var=JVMM_VM1_TIMEOUT base=1200 ;;
	# vm1-7x: 639 s on 7.3.4 with another VM running; 450 s times the
	# slow-kernel factor (3) is 1350 s.
	vm1-7x) var=JVMM_VM1_7X_TIMEOUT base=450 ;;
	vm2) var=JVMM_VM2_TIMEOUT base=1200 ;;
	# vm1-noxsave: 6 cases of about 200 s together on 6.1.
	vm1-noxsave) var=JVMM_VM1_NOXSAVE_TIMEOUT base=600 ;;
	# fuzz: boot and kvm_intel's part, then the calls (500 a second or more
	# seen in Bochs, threaded phase included).
	fuzz) var=JVMM_FUZZ_TIMEOUT base=$((900 + ${JVMM_FUZZ_CALLS:-1000000} / 500)) ;;
	tcg) var=JVMM_TCG_TIMEOUT base=300 ;;
	demo) var=JVMM_DEMO_TIMEOUT base=${JVMM_VM1_TIMEOUT:-600} ;;
	bench) var=JVMM_BENCH_TIMEOUT base=900 ;;
	course) var=JVMM_COURSE_TIMEOUT base=900 ;;
	*) return 1 ;;
	esac
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
		return
	fi
	factor=1
	[ -n "${2:-}" ] && factor=$(kernel_slow_factor "$2")
	echo $((base * factor))
}

# Bochs instructions per emulated second. 2 CPUs boot faster in wall time with
# a lower ips (measured, see HARNESS.md); guest TSC time does not depend on it.
suite_bochs_ips() {
	case "$(suite_cpus "$1")" in
	1) echo "${JVMM_VM1_IPS:-200000000}" ;;
	*) echo "${JVMM_VM2_IPS:-50000000}" ;;
	esac
}

# --- test case metadata ------------------------------------------------------
# A case is cases/NAME.sh; "# suites: vm1 vm2" and "# timeout: N" must be in its
# first 10 lines. lib.sh is a helper, not a case. tests/vm/init parses the same
# lines the same way (keep them in step).

# case_suites FILE -> the words of its suites line (empty if none).
case_suites() {
	sed -n '1,10{s/^#[[:space:]]*suites:[[:space:]]*//p;}' "$1" | head -n 1 | tr -s ' \t' '  '
}

# case_names DIR -> names of all cases in DIR, in the order /init runs them.
case_names() {
	local f name
	[ -d "$1" ] || return 0
	for f in "$1"/*.sh; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .sh)
		[ "$name" = lib ] && continue
		printf '%s\n' "$name"
	done | LC_ALL=C sort
}

# cases_for_suite DIR SUITE -> names of the cases whose suites line lists
# SUITE; for vm1-7x, the vm1 cases that VM1_7X_CASES names; for vm1-noxsave,
# those VM1_NOXSAVE_CASES names and its own.
cases_for_suite() {
	local dir=$1 suite=$2 name w p pats=
	case "$suite" in
	vm1-7x) pats=$VM1_7X_CASES ;;
	vm1-noxsave) pats=$VM1_NOXSAVE_CASES ;;
	esac
	if [ -n "$pats" ]; then
		{
			for name in $(cases_for_suite "$dir" vm1); do
				for p in $pats; do
					# shellcheck disable=SC2254 # p is a pattern on purpose
					case "$name" in $p) printf '%s\n' "$name"; break ;; esac
				done
			done
			# Cases of its own ("# suites: vm1-noxsave"); vm1-7x has none.
			for name in $(case_names "$dir"); do
				for w in $(case_suites "$dir/$name.sh"); do
					if [ "$w" = "$suite" ]; then
						printf '%s\n' "$name"
						break
					fi
				done
			done
		} | LC_ALL=C sort -u
		return
	fi
	for name in $(case_names "$dir"); do
		for w in $(case_suites "$dir/$name.sh"); do
			if [ "$w" = "$suite" ]; then
				printf '%s\n' "$name"
				break
			fi
		done
	done
}

# --- kernel version ------------------------------------------------------------

# resolve_kernel SPEC -> "KVER DIST": the kernel ABI a SPEC means right now
# and the Debian distribution that has it. SPEC: 6.1 (Debian 12's newest),
# 6.12 (bookworm-security's newest 6.12 +deb12), 7.x (trixie-backports'
# newest), whatever else debian_resolve (tests/vm/lib/debian.sh) takes, or an
# exact ABI such as 6.1.0-57-cloud-amd64. Old ABI numbers leave the archive as
# security updates land, so versions are looked up, never hard-coded.
# DIST is bookworm or bookworm-security (this machine's apt) or trixie or
# trixie-backports (debian_apt's private apt state).
resolve_kernel() {
	local spec=${1:-6.1} kver
	if declare -F debian_resolve >/dev/null; then
		debian_resolve "$spec"
		return
	fi
	# Without debian.sh (e.g. deps.sh alone): this machine's kernels only.
	case "$spec" in
	6.1) kver=$(kver_from_meta linux-headers-cloud-amd64) ;;
	6.12) kver=$(kver_from_meta linux-headers-6.12-cloud-amd64) ;;
	*+deb1[3-9]* | 7.* | [8-9].*)
		die "kernel '$spec' is not a Debian 12 kernel: it needs debian_resolve and debian_apt from tests/vm/lib/debian.sh, which is missing" ;;
	[0-9]*-amd64) kver=$spec ;;
	*) die "unknown kernel '$spec': use 6.1, 6.12, 7.x or an exact ABI such as 6.1.0-57-cloud-amd64" ;;
	esac
	printf '%s bookworm\n' "$kver"
}

# resolve_kver -> the kernel ABI of the default test kernel, e.g.
# 6.1.0-57-cloud-amd64: JVMM_KVER pins it, else it is what
# linux-headers-cloud-amd64 depends on right now.
resolve_kver() {
	local r
	r=$(resolve_kernel "${JVMM_KVER:-6.1}") || exit 2
	printf '%s\n' "${r%% *}"
}

# kver_from_meta META -> the ABI that headers metapackage META depends on in
# this machine's apt (apt-get update first on a machine with no lists yet).
kver_from_meta() {
	local dep
	dep=$(kver_from_apt "$1" || true)
	if [ -z "$dep" ]; then
		# Fresh machines have no package lists yet.
		note "kernel: no package lists; running apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed; pin an exact kernel ABI (--kernel 6.1.0-NN-cloud-amd64)"
		dep=$(kver_from_apt "$1" || true)
	fi
	[ -n "$dep" ] || die "cannot resolve the kernel version from $1; pin an exact kernel ABI (--kernel 6.1.0-NN-cloud-amd64)"
	printf '%s\n' "$dep"
}

kver_from_apt() {
	apt-cache depends "${1:-linux-headers-cloud-amd64}" 2>/dev/null |
		sed -n 's/^[[:space:]]*Depends:[[:space:]]*linux-headers-\([0-9][^[:space:]]*-cloud-amd64\).*/\1/p' |
		head -n 1
}
