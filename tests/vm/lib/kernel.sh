# shellcheck shell=bash
# Fetch Debian's cloud kernel image for KVER into the cache, without installing
# it: apt-get download + dpkg-deb extraction of just the files the VM needs.
#
# Two package layouts, told apart by what the packages contain (dpkg-deb -c),
# not by the version number:
#   old (6.1, 6.12, ...)   linux-image-KVER holds ./boot/vmlinuz-KVER and the
#                          modules under ./lib/modules/KVER/kernel (.ko, .ko.xz)
#   split (6.19 and later) linux-image-KVER is a metapackage; linux-binary-KVER
#                          holds ./usr/lib/modules/KVER/vmlinuz and
#                          linux-modules-KVER the .ko.xz under
#                          ./usr/lib/modules/KVER/kernel
#
# Kernels of this machine's Debian (bookworm, bookworm-security) come through
# its own apt; trixie and trixie-backports ones through debian_apt
# (tests/vm/lib/debian.sh: a private sources list and state under the cache;
# the system's sources are never touched).
#
# Cache layout ($(jvmm_cache_root)/$KVER/):
#   vmlinuz                 the kernel the VM boots
#   kmod/*.ko               irqbypass, kvm, kvm-intel (+ msr), decompressed
#   layout                  "old" or "split" (and the packages they came from)
#   version                 the image package version; written last = complete

# Modules shipped to the VM in /jvmm/kmod ($JVMM_KMOD), path below
# .../modules/KVER/ inside the packages.
KERNEL_MODULES=(
	kernel/virt/lib/irqbypass
	kernel/arch/x86/kvm/kvm
	kernel/arch/x86/kvm/kvm-intel
	kernel/arch/x86/kernel/msr
)

# fetch_kernel KVER [DIST] -> prints the cache directory; "kernel: cached|downloaded"
# goes to stderr. DIST (from resolve_kernel) says which apt has the packages:
# bookworm or bookworm-security (or empty) = this machine's; trixie or
# trixie-backports = debian_apt.
fetch_kernel() {
	local kver=$1 dist=${2:-} dir
	dir="$(jvmm_cache_root)/$kver"
	if [ -s "$dir/version" ] && [ -s "$dir/vmlinuz" ]; then
		note "kernel: cached ($kver, $(cat "$dir/version"), $dir)"
		printf '%s\n' "$dir"
		return
	fi
	mkdir -p "$dir"
	# Two runs filling the same cache at once must not interleave.
	(
		flock 9
		if [ ! -s "$dir/version" ]; then
			download_kernel "$kver" "$dist" "$dir"
			note "kernel: downloaded ($kver, $(cat "$dir/version"), $(head -n 1 "$dir/layout") layout, $dir)"
		else
			note "kernel: cached ($kver, filled by a concurrent run)"
		fi
	) 9>"$dir/.lock" || return 1
	printf '%s\n' "$dir"
}

# kernel_apt DIST apt-get|apt-cache ARGS...: from the apt that has DIST's
# packages: debian_apt (tests/vm/lib/debian.sh) when it is there, which uses
# this machine's apt for bookworm*; without it only bookworm* kernels work.
kernel_apt() {
	local dist=$1 tool=$2
	shift 2
	if declare -F debian_apt >/dev/null && [ -n "$dist" ]; then
		debian_apt "$dist" "$tool" "$@"
		return
	fi
	case "$dist" in
	"" | bookworm | bookworm-security | bookworm-updates) "$tool" "$@" ;;
	*) die "kernels from $dist need debian_apt from tests/vm/lib/debian.sh, which is missing; use a bookworm kernel (--kernel 6.1 or 6.12) until it is there" ;;
	esac
}

# kernel_download_pkg DIST DIR PKG: apt-get download PKG into DIR; 0 on success.
kernel_download_pkg() {
	local dist=$1 dir=$2 pkg=$3
	(cd "$dir" && kernel_apt "$dist" apt-get download -q "$pkg") >>"$dir/apt.log" 2>&1
}

# kernel_refresh_lists DIST: after a failed download (stale lists name a
# version that has left the archive).
kernel_refresh_lists() {
	local dist=$1
	note "kernel: download failed; refreshing the package lists of ${dist:-this machine} and retrying"
	if declare -F debian_apt_refresh >/dev/null && [ -n "$dist" ]; then
		(debian_apt_refresh "$dist") || true
	else
		apt-get update -qq >&2 || true
	fi
}

# download_kernel KVER DIST DIR: download the packages and unpack the needed files.
download_kernel() {
	local kver=$1 dist=$2 dir=$3 tmp deb pkg dep m src found layout vmlinuz
	local debs=() try
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/jvmm-kernel.XXXXXX")
	# apt's sandbox user must be able to write where it downloads.
	chmod 755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	: >"$tmp/apt.log"
	mkdir -p "$tmp/dl"
	chmod 755 "$tmp/dl"
	chown _apt "$tmp/dl" 2>/dev/null || true
	deb=
	# The signed package is what Debian installs by default; -unsigned has
	# the same kernel (the signature does not matter: Bochs has no Secure Boot).
	for try in 1 2; do
		for pkg in "linux-image-$kver" "linux-image-$kver-unsigned"; do
			if kernel_download_pkg "$dist" "$tmp/dl" "$pkg"; then
				deb=$(kernel_take_deb "$tmp")
				break 2
			fi
		done
		[ "$try" = 1 ] && kernel_refresh_lists "$dist"
	done
	if [ -z "$deb" ]; then
		sed 's/^/    /' "$tmp/apt.log" >&2
		rm -rf "$tmp"
		die "cannot download linux-image-$kver${dist:+ from $dist}; if --kernel, JVMM_KERNEL or JVMM_KVER names an exact ABI that left the archive, use 6.1, 6.12 or 7.x instead (the newest of each)"
	fi
	debs=("$deb")
	if kernel_deb_has "$deb" "./boot/vmlinuz-$kver"; then
		layout="old"
	else
		# The split layout: follow the metapackage to the packages that
		# hold the kernel and its modules.
		layout="split"
		for dep in $(dpkg-deb -f "$deb" Depends | tr ',|' '\n' | sed 's/(.*//; s/[[:space:]]//g'); do
			case "$dep" in
			linux-binary-"$kver"* | linux-modules-"$kver"*)
				if ! kernel_download_pkg "$dist" "$tmp/dl" "$dep"; then
					sed 's/^/    /' "$tmp/apt.log" >&2
					rm -rf "$tmp"
					die "cannot download $dep (named by linux-image-$kver)${dist:+ from $dist}"
				fi
				debs+=("$(kernel_take_deb "$tmp")")
				;;
			esac
		done
		[ "${#debs[@]}" -gt 1 ] ||
			die "linux-image-$kver has no ./boot/vmlinuz-$kver and depends on no linux-binary-$kver or linux-modules-$kver; Debian's kernel packaging changed again: update tests/vm/lib/kernel.sh"
	fi

	# Extract only what we need (the whole module tree is ~100 MB unpacked),
	# wherever the layout puts it: ./boot or ./usr/lib/modules/KVER for the
	# kernel, ./lib/modules or ./usr/lib/modules for the modules.
	mkdir -p "$tmp/x"
	local patterns=(
		"./boot/vmlinuz-$kver"
		"./lib/modules/$kver/vmlinuz"
		"./usr/lib/modules/$kver/vmlinuz"
	)
	for m in "${KERNEL_MODULES[@]}"; do
		patterns+=("./lib/modules/$kver/$m.ko*" "./usr/lib/modules/$kver/$m.ko*")
	done
	for deb in "${debs[@]}"; do
		# Not every package holds every pattern; tar says so and exits 2.
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$tmp/x" --wildcards "${patterns[@]}" 2>/dev/null || true
	done

	vmlinuz=
	for src in "$tmp/x/boot/vmlinuz-$kver" "$tmp/x/usr/lib/modules/$kver/vmlinuz" "$tmp/x/lib/modules/$kver/vmlinuz"; do
		[ -s "$src" ] && { vmlinuz=$src; break; }
	done
	[ -n "$vmlinuz" ] || die "no vmlinuz in $(kernel_deb_names "${debs[@]}") ($layout layout); Debian's kernel packaging changed again: update tests/vm/lib/kernel.sh"

	rm -rf "$dir/kmod" "$dir/vmlinuz"
	mkdir -p "$dir/kmod"
	cp "$vmlinuz" "$dir/vmlinuz"
	for m in "${KERNEL_MODULES[@]}"; do
		found=
		for src in "$tmp/x/lib/modules/$kver/$m".ko* "$tmp/x/usr/lib/modules/$kver/$m".ko*; do
			[ -e "$src" ] || continue
			found=1
			decompress_module "$src" "$dir/kmod/$(basename "$m").ko"
			break
		done
		[ -n "$found" ] || die "$(kernel_deb_names "${debs[@]}") has no $m.ko*; the kernel flavour changed?"
	done
	kernel_check_module_deps "$dir/kmod"
	{
		echo "$layout"
		kernel_deb_names "${debs[@]}"
	} >"$dir/layout"
	dpkg-deb -f "${debs[0]}" Version >"$dir/version.tmp"
	mv "$dir/version.tmp" "$dir/version"
	rm -rf "$tmp"
}

# kernel_take_deb TMP: move the one .deb just downloaded to TMP/dl into TMP;
# prints its new path.
kernel_take_deb() {
	local f
	for f in "$1"/dl/*.deb; do
		[ -e "$f" ] || continue
		mv "$f" "$1/"
		printf '%s\n' "$1/${f##*/}"
	done
}

# kernel_deb_has DEB PATH: does the package contain exactly PATH?
kernel_deb_has() {
	dpkg-deb -c "$1" | awk -v p="$2" '$6 == p { f = 1 } END { exit !f }'
}

# kernel_deb_names DEB...: their package names, space-separated.
kernel_deb_names() {
	local d out=()
	for d in "$@"; do
		out+=("$(dpkg-deb -f "$d" Package)")
	done
	echo "${out[*]}"
}

# kernel_check_module_deps KMODDIR: every module the VM loads needs only
# modules that are shipped too (the VM has no modules.dep: the cases insmod
# them in a fixed order, load_kvm_intel in tests/vm/cases/lib.sh).
kernel_check_module_deps() {
	local ko dep
	command -v modinfo >/dev/null || return 0
	for ko in "$1"/*.ko; do
		for dep in $(modinfo -F depends "$ko" 2>/dev/null | tr ',' ' '); do
			[ -e "$1/$dep.ko" ] || [ -e "$1/${dep//_/-}.ko" ] ||
				die "$(basename "$ko") of this kernel needs $dep.ko, which the VM does not get: add it to KERNEL_MODULES in tests/vm/lib/kernel.sh and to load_kvm_intel in tests/vm/cases/lib.sh"
		done
	done
}

# decompress_module SRC DST: the VM's busybox insmod takes plain .ko only.
decompress_module() {
	local src=$1 dst=$2
	case "$src" in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz)
		command -v xz >/dev/null || "$JVMM_TESTS_DIR/deps.sh" --pkg xz-utils
		xz -dc "$src" >"$dst" ;;
	*.ko.zst)
		command -v zstd >/dev/null || "$JVMM_TESTS_DIR/deps.sh" --pkg zstd
		zstd -qdc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*) die "unknown module compression: $src" ;;
	esac
}
