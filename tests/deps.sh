#!/bin/bash
# Install what the jvmm tests need on Debian 12, and nothing when it is all
# there already (a warm run does no apt work at all: no update, no install).
#
#   tests/deps.sh                      everything for unit + VM suites (Bochs)
#   tests/deps.sh --unit               only what the unit suite needs
#   tests/deps.sh --vm [--backend bochs|qemu] [--kver KVER]
#   tests/deps.sh --pkg NAME ...       extra packages (used for e.g. xz-utils)
#
# Must run as root (apt). tests/run calls it with what the chosen suites need.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib/common.sh
. "$here/vm/lib/common.sh"

want_unit=0 want_vm=0 backend=bochs kver=
extra=()
if [ $# -eq 0 ]; then
	want_unit=1 want_vm=1
fi
while [ $# -gt 0 ]; do
	case "$1" in
	--unit) want_unit=1 ;;
	--vm) want_vm=1 ;;
	--backend) backend=${2:?--backend needs bochs or qemu}; shift ;;
	--kver) kver=${2:?--kver needs a version}; shift ;;
	--pkg) extra+=("${2:?--pkg needs a package name}"); shift ;;
	-h | --help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
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
	case "$backend" in
	# bochs-term satisfies bochs's GUI dependency without pulling in wxWidgets (we use its built-in rfb).
	bochs) pkgs+=(bochs bochs-term bochsbios vgabios grub-pc-bin grub-common xorriso mtools) ;;
	qemu) pkgs+=(qemu-system-x86) ;;
	*) die "deps.sh: backend must be bochs or qemu, not '$backend'" ;;
	esac
	[ -n "$kver" ] || kver=$(resolve_kver)
	pkgs+=("linux-headers-$kver")
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
apt-get update -qq >&2 || die "apt-get update failed"
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
	die "apt-get install ${missing[*]} failed (is linux-headers-$kver still in the archive? unset JVMM_KVER to use the current one)"
fi
