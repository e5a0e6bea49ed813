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

# Which VM a suite boots: "<cpus>". vm1, demo and bench boot the 1-CPU VM.
suite_cpus() {
	case "$1" in
	vm1 | demo | bench | course) echo 1 ;;
	vm2) echo 2 ;;
	*) return 1 ;;
	esac
}

is_vm_suite() { suite_cpus "$1" >/dev/null 2>&1; }

# Wall-clock limit for one whole VM run of a suite (boot + all tests).
suite_time_limit() {
	case "$1" in
	vm1) echo "${JVMM_VM1_TIMEOUT:-600}" ;;
	vm2) echo "${JVMM_VM2_TIMEOUT:-1200}" ;;
	demo) echo "${JVMM_DEMO_TIMEOUT:-${JVMM_VM1_TIMEOUT:-600}}" ;;
	bench) echo "${JVMM_BENCH_TIMEOUT:-900}" ;;
	course) echo "${JVMM_COURSE_TIMEOUT:-900}" ;;
	esac
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

# cases_for_suite DIR SUITE -> names of the cases whose suites line lists SUITE.
cases_for_suite() {
	local dir=$1 suite=$2 name w
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

# resolve_kver -> the kernel ABI version to test against, e.g. 6.1.0-56-cloud-amd64.
# JVMM_KVER pins it; otherwise it is what the linux-headers-cloud-amd64
# metapackage depends on right now (old ABI numbers leave the archive as
# security updates land, so it must not be hard-coded).
resolve_kver() {
	if [ -n "${JVMM_KVER:-}" ]; then
		printf '%s\n' "$JVMM_KVER"
		return
	fi
	local dep
	dep=$(kver_from_apt || true)
	if [ -z "$dep" ]; then
		# Fresh machines have no package lists yet.
		note "kernel: no package lists; running apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed; set JVMM_KVER=6.1.0-NN-cloud-amd64 to skip the lookup"
		dep=$(kver_from_apt || true)
	fi
	[ -n "$dep" ] || die "cannot resolve the kernel version from linux-headers-cloud-amd64; set JVMM_KVER=6.1.0-NN-cloud-amd64"
	printf '%s\n' "$dep"
}

kver_from_apt() {
	apt-cache depends linux-headers-cloud-amd64 2>/dev/null |
		sed -n 's/^[[:space:]]*Depends:[[:space:]]*linux-headers-\([0-9][^[:space:]]*-cloud-amd64\).*/\1/p' |
		head -n 1
}
