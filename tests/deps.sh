#!/bin/bash
# Install what the jvmm tests need on Debian 12, and nothing when it is all
# there already (a warm run does no apt work at all: no update, no install).
#
#   tests/deps.sh                      everything for unit + VM suites (Bochs)
#   tests/deps.sh --unit               only what the unit suite needs
#   tests/deps.sh --vm [--backend bochs|qemu]... [--kver KVER]... [--no-headers]
#   tests/deps.sh --pkg NAME ...       extra packages (used for e.g. xz-utils)
#
# --backend and --kver are repeatable: qemu (also the tcg suite) installs
# qemu-system-x86; each --kver installs linux-headers-KVER to build against
# on this host (without any, the default kernel's; --no-headers: none, for
# kernels built elsewhere, e.g. in tests/kbuild.sh's trixie chroot).
# Must run as root (apt). tests/run calls it with what the chosen suites need.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib/common.sh
. "$here/vm/lib/common.sh"

want_unit=0 want_vm=0 headers=1
backends=() kvers=() extra=()
if [ $# -eq 0 ]; then
	want_unit=1 want_vm=1
fi
while [ $# -gt 0 ]; do
	case "$1" in
	--unit) want_unit=1 ;;
	--vm) want_vm=1 ;;
	--backend) backends+=("${2:?--backend needs bochs or qemu}"); shift ;;
	--kver) kvers+=("${2:?--kver needs a version}"); shift ;;
	--no-headers) headers=0 ;;
	--pkg) extra+=("${2:?--pkg needs a package name}"); shift ;;
	-h | --help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "deps.sh: unknown argument '$1' (see --help)" ;;
	esac
	shift
done

pkgs=("${extra[@]}")
if [ "$want_unit" = 1 ]; then
	pkgs+=(build-essential)
fi
if [ "$want_vm" = 1 ]; then
	# Build the module and static test programs; pack the initramfs; read
	# modules. apt-get download/dpkg-deb come with apt/dpkg themselves.
	pkgs+=(build-essential libc6-dev busybox-static cpio kmod gzip)
	[ "${#backends[@]}" -gt 0 ] || backends=(bochs)
	for backend in "${backends[@]}"; do
		case "$backend" in
		# bochs-term satisfies bochs's GUI dependency without pulling in wxWidgets (we use its built-in rfb).
		bochs) pkgs+=(bochs bochs-term bochsbios vgabios grub-pc-bin grub-common xorriso mtools) ;;
		# -kernel/-initrd boots need only the emulator, its BIOS and option ROMs (Depends).
		qemu) pkgs+=(qemu-system-x86) ;;
		*) die "deps.sh: backend must be bochs or qemu, not '$backend'" ;;
		esac
	done
	# Kernels are unpacked from their .deb (xz: 6.12 and later ship .ko.xz).
	pkgs+=(xz-utils)
	if [ "$headers" = 1 ]; then
		[ "${#kvers[@]}" -gt 0 ] || kvers=("$(resolve_kver)")
		for kver in "${kvers[@]}"; do
			pkgs+=("linux-headers-$kver")
		done
	fi
fi

# One dpkg-query for all: prints the packages that are not fully installed.
missing_packages() {
	local p status
	for p in "$@"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || printf '%s\n' "$p"
	done | sort -u
}

mapfile -t missing < <(missing_packages "${pkgs[@]}")
[ "${#missing[@]}" -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
note "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Update only now that an install is really needed: fresh machines have no
# lists, and stale lists 404 on superseded versions.
# Another apt run on the machine (a colleague's, unattended-upgrades) holds
# the lock for a while: wait for it rather than fail.
apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || die "apt-get update failed (network? apt sources?)"
if ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >&2; then
	die "apt-get install ${missing[*]} failed (a linux-headers-KVER that left the archive? pin no exact ABI: use --kernel 6.1, 6.12 or 7.x)"
fi
