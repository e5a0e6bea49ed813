# shellcheck shell=bash
# Fetch Debian's cloud kernel image for KVER into the cache, without installing
# it: apt-get download + dpkg-deb extraction of just the files the VM needs.
#
# Cache layout ($(jvmm_cache_root)/$KVER/):
#   vmlinuz                 the kernel the VM boots
#   kmod/*.ko               irqbypass, kvm, kvm-intel (+ msr), decompressed
#   version                 the image package version; written last = complete

# Modules shipped to the VM in /jvmm/kmod ($JVMM_KMOD), path inside the image.
KERNEL_MODULES=(
	kernel/virt/lib/irqbypass
	kernel/arch/x86/kvm/kvm
	kernel/arch/x86/kvm/kvm-intel
	kernel/arch/x86/kernel/msr
)

# fetch_kernel KVER -> prints the cache directory; "kernel: cached|downloaded"
# goes to stderr.
fetch_kernel() {
	local kver=$1 dir
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
			download_kernel "$kver" "$dir"
			note "kernel: downloaded ($kver, $(cat "$dir/version"), $dir)"
		else
			note "kernel: cached ($kver, filled by a concurrent run)"
		fi
	) 9>"$dir/.lock" || return 1
	printf '%s\n' "$dir"
}

# download_kernel KVER DIR: download the image .deb and unpack the needed files.
download_kernel() {
	local kver=$1 dir=$2 tmp deb pkg m src found
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/jvmm-kernel.XXXXXX")
	# apt's sandbox user must be able to write where it downloads.
	chmod 755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	deb=
	# The signed package is what Debian installs by default; -unsigned has
	# the same kernel (the signature does not matter: Bochs has no Secure Boot).
	for pkg in "linux-image-$kver" "linux-image-$kver-unsigned"; do
		if (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/apt.log" 2>&1); then
			deb=$(ls "$tmp"/*.deb)
			break
		fi
	done
	if [ -z "$deb" ]; then
		# Stale lists: the version they name may have left the archive.
		note "kernel: download of linux-image-$kver failed; running apt-get update and retrying"
		apt-get update -qq >&2 || true
		for pkg in "linux-image-$kver" "linux-image-$kver-unsigned"; do
			if (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/apt.log" 2>&1); then
				deb=$(ls "$tmp"/*.deb)
				break
			fi
		done
	fi
	if [ -z "$deb" ]; then
		sed 's/^/    /' "$tmp/apt.log" >&2
		rm -rf "$tmp"
		die "cannot download linux-image-$kver; if JVMM_KVER pins an old ABI, unset it or pick one 'apt-cache search linux-image-.*-cloud-amd64' lists"
	fi
	mkdir -p "$tmp/x"
	# Extract only what we need (the whole tree is ~100 MB unpacked).
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp/x" --wildcards \
			"./boot/vmlinuz-$kver" \
			"./lib/modules/$kver/kernel/virt/lib/irqbypass.ko*" \
			"./lib/modules/$kver/kernel/arch/x86/kvm/kvm.ko*" \
			"./lib/modules/$kver/kernel/arch/x86/kvm/kvm-intel.ko*" \
			"./lib/modules/$kver/kernel/arch/x86/kernel/msr.ko*" ||
		die "unpacking $deb failed"

	rm -rf "$dir/kmod" "$dir/vmlinuz"
	mkdir -p "$dir/kmod"
	cp "$tmp/x/boot/vmlinuz-$kver" "$dir/vmlinuz"
	for m in "${KERNEL_MODULES[@]}"; do
		found=
		for src in "$tmp/x/lib/modules/$kver/$m".ko*; do
			[ -e "$src" ] || continue
			found=1
			decompress_module "$src" "$dir/kmod/$(basename "$m").ko"
		done
		[ -n "$found" ] || die "$deb has no $m.ko*; the kernel flavour changed?"
	done
	dpkg-deb -f "$deb" Version >"$dir/version.tmp"
	mv "$dir/version.tmp" "$dir/version"
	rm -rf "$tmp"
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
