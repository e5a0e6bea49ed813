#!/usr/bin/env bash
# Build jvmm.ko against the kernels Debian ships (issue 10's build matrix).
#
#   tests/kbuild.sh module KVER|SPEC OUTDIR [MAKEVAR...]
#       Build jvmm.ko from a clean copy of this tree against
#       linux-headers-KVER and copy it to OUTDIR/jvmm.ko. Bookworm kernels
#       build on this host (gcc-12), +deb13 ones in the trixie chroot
#       (gcc-14). Exit 0 on success; otherwise non-zero, the build log on
#       stderr.
#   tests/kbuild.sh report [SPEC...]
#       A W=1 build against each SPEC (default: 6.1 6.12 6.12-trixie 7.x),
#       one line per kernel on stdout, progress on stderr:
#           PASS|FAIL <TAB> build-KVER <TAB> reason or - <TAB> log or -
#       FAIL when the build fails, when its log has any compiler or modpost
#       warning, or when jvmm.ko imports a symbol that any of the default
#       kernels exports to KVM only (a module:kvm... namespace in its
#       Module.symvers). Logs, import lists and summary.txt go to
#       build/kbuild/ (JVMM_KBUILD_OUT). Exit 0 iff every kernel passes.
#   tests/kbuild.sh --list [SPEC...]
#       The build names report would print, one a line.
#   tests/kbuild.sh --help
#
# SPEC: 6.1, 6.12 (bookworm-security), 6.12-trixie, 7.x or newest
# (trixie-backports), or an exact ABI such as 6.1.0-57-cloud-amd64; pins:
# JVMM_KVER_6_1, JVMM_KVER_6_12, JVMM_KVER_6_12_TRIXIE, JVMM_KVER_7_X.
# Cache (packages, unpacked headers, the chroot): JVMM_CACHE, default
# ~/.cache/jvmm. JVMM_KBUILD_KEEP=1 keeps the work copies. Needs root.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tests/vm/lib/common.sh
. "$TOP/tests/vm/lib/common.sh"
# shellcheck source=tests/vm/lib/debian.sh
. "$TOP/tests/vm/lib/debian.sh"

DEFAULT_SPECS=(6.1 6.12 6.12-trixie 7.x)
OUT=${JVMM_KBUILD_OUT:-$TOP/build/kbuild}
JOBS=$(nproc 2>/dev/null || echo 2)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p;}' "$0"; }

WORK='' CHILD=''
cleanup() {
	if [ -n "$WORK" ] && [ -z "${JVMM_KBUILD_KEEP:-}" ]; then
		rm -rf "$WORK"
	fi
}
# Ctrl-C or a TERM (tests/run's time limit) ends the build under way too:
# it runs in its own process group (killable), which gets a TERM.
on_signal() {
	trap - INT TERM
	if [ -n "$CHILD" ]; then
		kill -TERM -- "-$CHILD" 2>/dev/null || true
		wait "$CHILD" 2>/dev/null || true
	fi
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# killable CMD...: run CMD in a process group of its own and wait for it
# (a signal to us interrupts the wait, and on_signal ends the group).
killable() {
	local rc=0
	setsid "$@" &
	CHILD=$!
	wait "$CHILD" || rc=$?
	CHILD=
	return "$rc"
}

# snapshot DEST: git-tracked files plus the working tree's changes and new
# (not ignored) files, never build outputs. Outside git: the tree without
# build/ and object files.
snapshot() {
	local dest=$1 f
	mkdir -p "$dest"
	if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(
			cd "$TOP"
			git ls-files -z --cached --others --exclude-standard |
				while IFS= read -r -d '' f; do
					# Deleted in the working tree: not in the copy either.
					if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
				done |
				tar --null --no-recursion -T - -cf -
		) | tar -xf - -C "$dest"
	else
		tar -C "$TOP" --exclude=./build --exclude=./tests/unit/build --exclude='*.o' \
			--exclude='*.ko' --exclude='*.cmd' --exclude='*.mod' --exclude='*.mod.c' \
			--exclude='*.order' --exclude='*.symvers' -cf - . | tar -xf - -C "$dest"
	fi
}

# resolve SPEC -> "KVER DIST" (exact ABIs too), or fails with a message.
resolve() {
	debian_resolve "$1"
}

# where_for DIST -> host or chroot; where_text DIST says it in words.
where_for() {
	case $1 in
	bookworm*) echo host ;;
	*) echo chroot ;;
	esac
}
where_text() {
	case $(where_for "$1") in
	host) echo "on this host" ;;
	chroot) echo "in the trixie chroot" ;;
	esac
}

# build KVER DIST SRC LOG [MAKEVAR...]: make module in SRC against KVER;
# the whole output in LOG. Returns make's status.
build() {
	local kver=$1 dist=$2 src=$3 log=$4 kdir rc=0
	shift 4
	case $(where_for "$dist") in
	host)
		if ! kdir=$(debian_host_kdir "$kver" "$dist" 2> >(tee -a "$log" >&2)); then
			return 1
		fi
		echo "# on this host, KDIR=$kdir; headers ready at $(now_s)" >>"$log"
		make -C "$src" module "KDIR=$kdir" -j"$JOBS" "$@" >>"$log" 2>&1 || rc=$?
		;;
	chroot)
		if ! kdir=$(debian_chroot_kdir "$kver" "$dist" 2> >(tee -a "$log" >&2)); then
			return 1
		fi
		echo "# in the trixie chroot $(trixie_chroot), KDIR=$kdir; headers ready at $(now_s)" >>"$log"
		chroot_make_module "$kver" "$src" "$src.out" -j"$JOBS" "$@" >>"$log" 2>&1 || rc=$?
		;;
	esac
	return "$rc"
}

# host_tree KVER DIST -> the headers tree as seen from this host (for
# reading its config), wherever it is.
host_tree() {
	local kver=$1 dist=$2
	case $(where_for "$dist") in
	host) debian_host_kdir "$kver" "$dist" ;;
	chroot) printf '%s%s\n' "$(trixie_chroot)" "$(debian_chroot_kdir "$kver" "$dist")" ;;
	esac
}

# compiler KVER DIST TREE -> "kernel: <CONFIG_CC_VERSION_TEXT>; module: <cc --version>"
compiler_of() {
	local dist=$2 tree=$3 text cc ver
	text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$tree/include/config/auto.conf" 2>/dev/null | tr -d '"')
	cc=${text%% *}
	case $(where_for "$dist") in
	host) ver=$("$cc" --version 2>/dev/null | head -n 1 || true) ;;
	chroot) ver=$(_chroot_run "$(trixie_chroot)" -- "$cc" --version 2>/dev/null | head -n 1 || true) ;;
	esac
	printf 'kernel built with "%s"; this build used %s: "%s"\n' "$text" "$cc" "${ver:-not found}"
}

# kvm_only SYMVERS -> "symbol<TAB>namespace" for every export restricted to
# KVM's modules (namespace module:kvm, module:kvm,kvm-amd,kvm-intel, ...).
kvm_only() {
	awk -F'\t' '$5 ~ /^module:/ {
		n = split(substr($5, 8), m, ",")
		for (i = 1; i <= n; i++) if (m[i] ~ /^kvm/) { print $2 "\t" $5; break }
	}' "$1" | LC_ALL=C sort -u
}

# host_tools: what the host side needs (a fresh machine may lack some):
# make and gcc for bookworm builds, nm and modinfo for the checks.
host_tools() {
	local t pkg missing=()
	for t in make:make gcc:gcc nm:binutils modinfo:kmod dpkg-deb:dpkg tar:tar xz:xz-utils; do
		command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "missing: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
	note "kbuild: installing ${missing[*]}"
	_debian_system_lists
	pkg=$(printf '%s ' "${missing[@]}")
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install $pkg failed"
}

cmd_module() {
	[ $# -ge 2 ] || die "usage: tests/kbuild.sh module KVER|SPEC OUTDIR [MAKEVAR...]"
	local spec=$1 outdir=$2 kver dist r log t0 rc=0
	shift 2
	host_tools
	r=$(resolve "$spec") || exit 2
	read -r kver dist <<<"$r"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/jvmm-kbuild.XXXXXX")
	log=$WORK/build.log
	snapshot "$WORK/src"
	note "kbuild: jvmm.ko against $kver ($dist, $(where_text "$dist"))"
	t0=$(now_s)
	killable "$0" __build "$kver" "$dist" "$WORK/src" "$log" "$@" || rc=$?
	if [ "$rc" != 0 ] || [ ! -f "$WORK/src/module/jvmm.ko" ]; then
		cat "$log" >&2
		note "kbuild: the build against $kver failed (status $rc; log above)"
		exit 1
	fi
	mkdir -p "$outdir"
	cp "$WORK/src/module/jvmm.ko" "$outdir/jvmm.ko"
	note "kbuild: $outdir/jvmm.ko built against $kver in $(($(now_s) - t0)) s"
}

# resolve_all SPEC...: fills SPECS, KVERS, DISTS; a SPEC that does not
# resolve gets KVER "" and its message in ERRS.
SPECS=() KVERS=() DISTS=() ERRS=()
resolve_all() {
	local s r err
	for s in "$@"; do
		err=$WORK/resolve.err
		if r=$(resolve "$s" 2>"$err"); then
			SPECS+=("$s") KVERS+=("${r%% *}") DISTS+=("${r#* }") ERRS+=("")
			note "kbuild: $s -> ${r%% *} (${r#* })"
		else
			cat "$err" >&2
			SPECS+=("$s") KVERS+=("") DISTS+=("") ERRS+=("$(grep -m1 'error:' "$err" | sed 's/^error: //' || echo "cannot resolve $s")")
		fi
	done
}

cmd_list() {
	[ $# -gt 0 ] || set -- "${DEFAULT_SPECS[@]}"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/jvmm-kbuild.XXXXXX")
	resolve_all "$@"
	local i
	for i in "${!SPECS[@]}"; do
		if [ -n "${KVERS[i]}" ]; then
			printf 'build-%s\n' "${KVERS[i]}"
		else
			printf 'build-%s\n' "${SPECS[i]}"
		fi
	done
}

# one_line VERDICT NAME REASON LOG: the report line (no tabs inside fields).
one_line() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$(printf '%s' "${3:--}" | tr '\t\n' '  ')" "${4:--}"
}

cmd_report() {
	[ $# -gt 0 ] || set -- "${DEFAULT_SPECS[@]}"
	[ "$(id -u)" = 0 ] || die "tests/kbuild.sh report needs root (apt, debootstrap, chroot); run it as root"
	host_tools
	local t_all i kver dist log src tree rc t0 secs prep nwarn first reason verdict imports bad
	local symvers name s line
	local -a lines=() summary=()
	t_all=$(now_s)
	mkdir -p "$OUT"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/jvmm-kbuild.XXXXXX")
	resolve_all "$@"

	# The KVM-only exports of every kernel: the requested ones and the
	# defaults, so that a 6.1 build alone still fails on a symbol 7.x
	# keeps for KVM.
	local union_note="" union_kvers=()
	local -A seen=()
	for i in "${!SPECS[@]}"; do
		[ -n "${KVERS[i]}" ] || continue
		seen[${KVERS[i]}]=${DISTS[i]}
	done
	for s in "${DEFAULT_SPECS[@]}"; do
		case " ${SPECS[*]} " in *" $s "*) continue ;; esac
		if line=$(resolve "$s" 2>/dev/null); then
			seen[${line%% *}]=${line#* }
		else
			union_note="$union_note (default $s did not resolve: its KVM-only exports are not in the union)"
		fi
	done
	: >"$WORK/union"
	for kver in $(printf '%s\n' "${!seen[@]}" | sort -V); do
		if symvers=$(debian_symvers "$kver" "${seen[$kver]}"); then
			kvm_only "$symvers" >"$OUT/kvm-only-$kver.txt"
			cut -f1 "$OUT/kvm-only-$kver.txt" >>"$WORK/union"
			union_kvers+=("$kver")
		else
			union_note="$union_note (no Module.symvers for $kver)"
		fi
	done
	LC_ALL=C sort -u "$WORK/union" -o "$OUT/kvm-only-union.txt"
	note "kbuild: $(wc -l <"$OUT/kvm-only-union.txt") KVM-only symbols in ${union_kvers[*]:-no kernel}$union_note"

	snapshot "$WORK/tree"
	for i in "${!SPECS[@]}"; do
		kver=${KVERS[i]} dist=${DISTS[i]}
		if [ -z "$kver" ]; then
			lines+=("$(one_line FAIL "build-${SPECS[i]}" "${ERRS[i]}" -)")
			summary+=("kernel spec ${SPECS[i]}: FAIL, ${ERRS[i]}" "")
			continue
		fi
		name=build-$kver
		log=$OUT/$name.log
		src=$WORK/$kver
		rm -rf "$src"
		cp -a "$WORK/tree" "$src"
		{
			echo "# tests/kbuild.sh report: jvmm.ko against $kver ($dist, spec ${SPECS[i]}), W=1"
			echo "# tree: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '(not git)'), copied to $src"
		} >"$log"
		note "kbuild: building against $kver ($dist, $(where_text "$dist")) ..."
		t0=$(now_s)
		rc=0
		killable "$0" __build "$kver" "$dist" "$src" "$log" W=1 || rc=$?
		secs=$(($(now_s) - t0))
		# Of which getting the headers (and the chroot) took:
		prep=$(sed -n 's/.*; headers ready at \([0-9]*\)$/\1/p' "$log" | head -n 1)
		prep=$((${prep:-t0} - t0))
		tree=$(host_tree "$kver" "$dist" 2>/dev/null || true)
		# Every compiler, objtool and modpost warning (W=1 included).
		nwarn=$(grep -ciE 'warning:' "$log" || true)
		reason="" verdict=PASS imports="" bad=""
		if [ "$rc" != 0 ] || [ ! -f "$src/module/jvmm.ko" ]; then
			verdict=FAIL
			first=$(grep -m1 -E 'error:|Error [0-9]|ERROR:|\*\*\*' "$log" || echo "make exited $rc")
			reason="build failed (make status $rc): ${first//"$src/"/}"
		else
			imports=$(nm -u "$src/module/jvmm.ko" | awk '{print $NF}' | LC_ALL=C sort -u)
			printf '%s\n' "$imports" >"$OUT/imports-$kver.txt"
			bad=$(LC_ALL=C comm -12 "$OUT/imports-$kver.txt" "$OUT/kvm-only-union.txt" | tr '\n' ' ')
			{
				echo
				echo "# jvmm.ko imports ($(wc -l <"$OUT/imports-$kver.txt")):"
				sed 's/^/#   /' "$OUT/imports-$kver.txt"
				echo "# modinfo import_ns: $(modinfo -F import_ns "$src/module/jvmm.ko" | tr '\n' ' ')"
				echo "# vermagic: $(modinfo -F vermagic "$src/module/jvmm.ko")"
				echo "# KVM-only imports: ${bad:-none}"
			} >>"$log"
			if modinfo -F import_ns "$src/module/jvmm.ko" | grep -q 'kvm'; then
				verdict=FAIL reason="imports a KVM namespace: $(modinfo -F import_ns "$src/module/jvmm.ko" | tr '\n' ' ')"
			fi
			if [ -n "$bad" ]; then
				verdict=FAIL reason="imports KVM-only symbols: ${bad% }"
			fi
		fi
		if [ "$nwarn" -gt 0 ]; then
			first=$(grep -m1 -iE 'warning:' "$log")
			first=${first//"$src/"/}
			if [ "$verdict" = PASS ]; then
				verdict=FAIL reason="$nwarn warning(s), first: $first"
			else
				reason="$reason; and $nwarn warning(s), first: $first"
			fi
		fi
		echo "# verdict: $verdict ${reason:-}" >>"$log"
		note "kbuild: $verdict $name in $secs s${reason:+: $reason}"
		lines+=("$(one_line "$verdict" "$name" "$reason" "$log")")
		summary+=(
			"kernel $kver (spec ${SPECS[i]}, $dist, headers $(headers_version "$kver"))"
			"  result: $verdict${reason:+, $reason}"
			"  built $(where_text "$dist")$( [ "$(where_for "$dist")" = chroot ] && printf ' (%s)' "$(tr '\n' ' ' <"$(trixie_chroot)/.jvmm-chroot-info" | sed 's/ $//')")"
			"  compiler: $( [ -n "$tree" ] && compiler_of "$kver" "$dist" "$tree" || echo unknown)"
			"  warnings: $nwarn"
			"  time: $secs s ($prep s of it getting the headers$( [ "$(where_for "$dist")" = chroot ] && echo ' and the chroot'), the rest make); log $log"
			"  imports: $(if [ -n "$imports" ]; then printf '%s: %s' "$(grep -c . <<<"$imports")" "$(tr '\n' ' ' <<<"$imports")"; else echo "(no module built)"; fi)"
			"  KVM-only imports: ${bad:-none}"
			"  KVM-only exports of this kernel: $(kvm_summary "$kver")"
			""
		)
	done
	secs=$(($(now_s) - t_all))
	{
		echo "jvmm build matrix ($(date -u +%FT%TZ)), tree $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '(not git)')"
		echo "host: $(. /etc/os-release && echo "$PRETTY_NAME"), $(gcc --version | head -n 1)"
		echo "wall time: $secs s"
		echo "KVM-only symbols (union over ${union_kvers[*]:-none}): $(wc -l <"$OUT/kvm-only-union.txt"), in $OUT/kvm-only-union.txt$union_note"
		echo
		printf '%s\n' "${summary[@]}"
		echo "report lines:"
		printf '%s\n' "${lines[@]}"
	} >"$OUT/summary.txt"
	printf '%s\n' "${lines[@]}"
	note "kbuild: ${#lines[@]} kernel(s) in $secs s; summary in $OUT/summary.txt"
	! printf '%s\n' "${lines[@]}" | grep -q '^FAIL'
}

# kvm_summary KVER -> "N (namespace: count, ...)" from kvm-only-KVER.txt.
kvm_summary() {
	local f=$OUT/kvm-only-$1.txt
	[ -f "$f" ] || { echo unknown; return; }
	printf '%s' "$(wc -l <"$f")"
	if [ -s "$f" ]; then
		printf ' (%s); list in %s' "$(cut -f2 "$f" | sort | uniq -c | awk '{printf "%s%s: %s", (NR > 1 ? ", " : ""), $2, $1}')" "$f"
	fi
	echo
}

# headers_version KVER -> the headers package's version: installed, or of
# the .deb in the cache.
headers_version() {
	local v deb
	v=$(dpkg-query -W -f='${Version}' "linux-headers-$1" 2>/dev/null || true)
	if [ -z "$v" ]; then
		for deb in "$(jvmm_cache_root)/debs/linux-headers-$1_"*.deb; do
			[ -e "$deb" ] && v=$(dpkg-deb -f "$deb" Version)
		done
	fi
	printf '%s\n' "${v:-unknown}"
}

case ${1:-} in
module) shift; cmd_module "$@" ;;
# Internal: one build, run by killable in its own process group.
__build) shift; build "$@" ;;
report) shift; cmd_report "$@" ;;
--list | list) shift; cmd_list "$@" ;;
-h | --help | help) usage ;;
"") usage >&2; exit 2 ;;
*) die "tests/kbuild.sh: unknown command '$1' (module, report, --list, --help)" ;;
esac
