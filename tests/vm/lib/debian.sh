# shellcheck shell=bash
# Debian's kernel packages, for the build matrix (tests/kbuild.sh) and the test
# VM's kernels (tests/vm/lib/kernel.sh). Sourced after common.sh (note, warn,
# die, jvmm_cache_root), never executed. Needs root for apt, debootstrap and
# the chroot.
#
#   debian_resolve SPEC            -> "KVER DIST" (stdout)
#   debian_apt DIST apt-get|apt-cache ARGS...
#   trixie_chroot                  -> the cached trixie build chroot's path
#   chroot_make_module KVER SRCDIR OUTDIR [MAKEVARS...]
#                                  -> OUTDIR/jvmm.ko, built in the chroot
#   debian_apt_ready DIST          lists there and fresh (messages on stderr)
#   debian_apt_refresh DIST        update DIST's lists now (e.g. after a 404)
#   debian_dist_of KVER            -> DIST that has linux-headers-KVER
#   debian_download DIST DIR PKG[=VER]... -> DIR/PKG_VER_ARCH.deb (kept), paths
#   debian_host_kdir KVER DIST     -> a headers tree usable on this host
#   debian_symvers KVER DIST       -> path of that kernel's Module.symvers
#   debian_chroot_kdir KVER DIST   -> headers unpacked in the chroot (path in it)
#
# Environment: JVMM_CACHE (jvmm_cache_root), JVMM_APT_MAX_AGE (s, default
# 21600: older private lists are updated), JVMM_DEBIAN_MIRROR and
# JVMM_DEBIAN_SECURITY_MIRROR (default: the mirrors this machine's apt sources
# name), JVMM_NO_UNSHARE=1 (mount in this namespace, unmounted by a trap).
#
# SPEC is one of
#   6.1           Debian 12's newest 6.1 (linux-headers-cloud-amd64 in bookworm)
#   6.12          bookworm-security's newest 6.12 +deb12 (linux-headers-6.12-cloud-amd64)
#   6.12-trixie   trixie's newest 6.12 +deb13 (linux-headers-cloud-amd64 in trixie)
#   7.x, newest   the newest cloud kernel in trixie-backports
#   an exact ABI  e.g. 6.1.0-57-cloud-amd64, 6.12.117+deb12-cloud-amd64,
#                 7.3.4+deb13-cloud-amd64
# Each named SPEC can be pinned: JVMM_KVER_6_1, JVMM_KVER_6_12,
# JVMM_KVER_6_12_TRIXIE, JVMM_KVER_7_X (also for newest) hold an exact ABI.
# Versions are looked up at run time: old ABIs leave the archive.
#
# DIST is bookworm, bookworm-security (the system's own apt), trixie (with
# trixie-updates and trixie-security) or trixie-backports (trixie plus
# backports, backports preferred). Trixie's apt state lives in
# $(jvmm_cache_root)/apt/DIST; it is never added to the system's sources.
#
# Cache ($(jvmm_cache_root)):
#   apt/DIST/            private apt lists, state, sources (trixie*)
#   debs/                downloaded .debs (headers, common, kbuild)
#   headers/KVER/        headers unpacked for host builds (not installed)
#   symvers/KVER         each kernel's Module.symvers
#   chroot/trixie/       the trixie build chroot (debootstrap), headers
#                        unpacked into it under /usr/src and /usr/lib

DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# What module builds need in the trixie chroot; the headers' own
# dependencies (gcc-14-for-host, pahole, ...) are added per kernel.
TRIXIE_CHROOT_PACKAGES=build-essential,gcc-14,gcc-14-for-host,make,bc,kmod,pahole,libelf1t64,libssl3t64,zlib1g,xz-utils,zstd,binutils

# --- helpers ------------------------------------------------------------------

# Seconds since PATH was modified, or a large number if it does not exist.
_debian_age() {
	local m
	m=$(stat -c %Y "$1" 2>/dev/null) || { echo 999999999; return; }
	echo $(($(date +%s) - m))
}

_debian_need_root() {
	[ "$(id -u)" = 0 ] || die "$1 needs root (apt, debootstrap, chroot); run as root"
}

# The system's mirror for Debian's main archive or its security archive, as
# its apt sources name them (so that a machine behind a local mirror keeps
# using it). JVMM_DEBIAN_MIRROR / JVMM_DEBIAN_SECURITY_MIRROR override.
_debian_mirror() {
	local kind=$1 uri
	case $kind in
	main) uri=${JVMM_DEBIAN_MIRROR:-} ;;
	security) uri=${JVMM_DEBIAN_SECURITY_MIRROR:-} ;;
	esac
	if [ -z "$uri" ]; then
		_debian_system_lists
		# shellcheck disable=SC2016 # apt's format, not the shell's
		uri=$(apt-get indextargets --format '$(RELEASE) $(COMPONENT) $(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
			awk -v kind="$kind" '
				$2 != "main" { next }
				kind == "main" && $1 ~ /^[a-z]+$/ { print $3; exit }
				kind == "security" && $1 ~ /^[a-z]+-security$/ { print $3; exit }')
	fi
	[ -n "$uri" ] || die "no Debian $kind archive in the system's apt sources; set JVMM_DEBIAN_$([ "$kind" = main ] || echo SECURITY_)MIRROR=URL"
	printf '%s\n' "${uri%/}"
}

# The system's lists (bookworm, bookworm-security) exist, else apt-get update.
_debian_system_lists() {
	if compgen -G '/var/lib/apt/lists/*_dists_*_main_binary-amd64_Packages*' >/dev/null; then
		return 0
	fi
	_debian_system_update "no package lists yet"
}

_debian_system_update() {
	local _ out
	_debian_need_root "apt-get update"
	note "apt: ${1:-refreshing lists}; running apt-get update"
	for _ in 1 2 3 4 5 6; do
		# Another apt holding the lists' lock: wait for it, a minute at most.
		if out=$(apt-get -o DPkg::Lock::Timeout=300 update -qq 2>&1); then
			return 0
		fi
		grep -q 'Could not get lock' <<<"$out" || break
		sleep 10
	done
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	die "apt-get update failed (above); pin the kernel with an exact ABI to skip look-ups"
}

# trixie, trixie-updates, trixie-security share one apt state; backports has its own.
_debian_apt_base() {
	case $1 in
	trixie | trixie-updates | trixie-security) echo trixie ;;
	trixie-backports) echo trixie-backports ;;
	*) return 1 ;;
	esac
}

# Options that point apt at DIR's sources, lists, state and cache.
_debian_apt_opts() {
	local dir=$1
	_DEBIAN_APT_OPTS=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o "Dir::Etc::SourceParts=$dir/sources.list.d"
		-o "Dir::Etc::Preferences=$dir/preferences"
		-o "Dir::Etc::PreferencesParts=$dir/preferences.d"
		-o "Dir::State=$dir/state"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::State::status=$dir/state/status"
		-o "Dir::Cache=$dir/cache"
		-o "Dir::Cache::pkgcache=pkgcache.bin"
		-o "Dir::Cache::srcpkgcache="
		-o "APT::Architectures=amd64"
		-o "Acquire::Languages=none"
		# The cache is root's (often under /root, which _apt cannot enter).
		-o "APT::Sandbox::User=root"
	)
}

# Trixie's Release files must verify with the system keyring. Debian 12's
# current debian-archive-keyring (2023.3+deb12u2 on our machines) carries
# trixie's keys; an older one is upgraded from bookworm itself, so the new
# keys come verified by bookworm's.
_debian_trixie_keys() {
	[ -s /usr/share/keyrings/debian-archive-trixie-stable.gpg ] && return 0
	_debian_need_root "upgrading debian-archive-keyring"
	note "apt: $DEBIAN_KEYRING has no trixie keys; upgrading debian-archive-keyring from bookworm"
	_debian_system_lists
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq debian-archive-keyring >&2 ||
		die "cannot upgrade debian-archive-keyring; install bookworm's current one (it has trixie's keys)"
	[ -s /usr/share/keyrings/debian-archive-trixie-stable.gpg ] ||
		die "debian-archive-keyring has no trixie keys even after an upgrade; install bookworm's current one from its point releases"
}

# Create (once) the private apt tree for BASE (trixie or trixie-backports).
_debian_apt_setup() {
	local base=$1 dir main sec signed
	dir="$(jvmm_cache_root)/apt/$base"
	if [ -s "$dir/sources.list" ]; then
		_debian_apt_opts "$dir"
		return 0
	fi
	_debian_trixie_keys
	main=$(_debian_mirror main)
	sec=$(_debian_mirror security)
	mkdir -p "$dir/sources.list.d" "$dir/preferences.d" "$dir/state" "$dir/lists/partial" \
		"$dir/cache/archives/partial"
	: >"$dir/state/status"
	: >"$dir/preferences"
	signed="[signed-by=$DEBIAN_KEYRING]"
	{
		echo "deb $signed $main trixie main"
		echo "deb $signed $main trixie-updates main"
		echo "deb $signed $sec trixie-security main"
		if [ "$base" = trixie-backports ]; then
			echo "deb $signed $main trixie-backports main"
		fi
	} >"$dir/sources.list.tmp"
	if [ "$base" = trixie-backports ]; then
		# Backports are NotAutomatic: prefer them here, so that the
		# metapackages' candidates are the backported kernel.
		printf 'Package: *\nPin: release n=trixie-backports\nPin-Priority: 500\n' >"$dir/preferences"
	fi
	mv "$dir/sources.list.tmp" "$dir/sources.list"
	_debian_apt_opts "$dir"
}

# Update BASE's lists when missing, older than JVMM_APT_MAX_AGE seconds
# (default 6 h) or when FORCE is set. Two callers at once update once.
_debian_apt_fresh() {
	local base=$1 force=${2:-} dir
	dir="$(jvmm_cache_root)/apt/$base"
	if [ -z "$force" ] && [ "$(_debian_age "$dir/updated")" -lt "${JVMM_APT_MAX_AGE:-21600}" ]; then
		return 0
	fi
	(
		flock 9
		if [ -n "$force" ] || [ "$(_debian_age "$dir/updated")" -ge "${JVMM_APT_MAX_AGE:-21600}" ]; then
			note "apt: updating $base lists ($dir)"
			if ! apt-get "${_DEBIAN_APT_OPTS[@]}" update -q >"$dir/update.log" 2>&1; then
				sed 's/^/    /' "$dir/update.log" >&2
				if grep -q -e NO_PUBKEY -e 'not signed' -e EXPKEYSIG "$dir/update.log"; then
					die "$base's Release files do not verify with $DEBIAN_KEYRING; install bookworm's newest debian-archive-keyring"
				fi
				die "apt-get update for $base failed (log above)"
			fi
			# Lists that failed to download or to verify (apt may still
			# exit 0 for those).
			if grep -qE '^(E:|W: (Failed to fetch|GPG error|.*(not signed|NO_PUBKEY|EXPKEYSIG)))' "$dir/update.log"; then
				grep -E '^[WE]:' "$dir/update.log" | sed 's/^/    /' >&2
				die "apt-get update for $base reported problems (above)"
			fi
			touch "$dir/updated"
		fi
	) 9>"$dir/lock"
}

# --- debian_apt ---------------------------------------------------------------

# debian_apt_ready DIST: DIST's lists exist and are fresh (messages and
# errors on stderr), so that a query after it can silence apt's stderr.
debian_apt_ready() {
	local base
	case $1 in
	bookworm | bookworm-security | bookworm-updates) _debian_system_lists ;;
	*)
		base=$(_debian_apt_base "$1") ||
			die "unknown DIST '$1' (bookworm, bookworm-security, trixie, trixie-backports)"
		_debian_apt_setup "$base"
		_debian_apt_fresh "$base"
		;;
	esac
}

# debian_apt DIST apt-get|apt-cache ARGS...: apt against DIST's archive.
# bookworm and bookworm-security use the system's apt (lists updated when
# missing); trixie* use a private sources list and state.
debian_apt() {
	[ $# -ge 2 ] || die "usage: debian_apt DIST apt-get|apt-cache ARGS..."
	local dist=$1 tool=$2 base dir
	shift 2
	case $tool in
	apt-get | apt-cache) ;;
	*) die "debian_apt: the tool is apt-get or apt-cache, not '$tool'" ;;
	esac
	debian_apt_ready "$dist"
	case $dist in
	bookworm*)
		# The system's apt, with a binary cache of its lists kept here
		# (Debian's docker images turn apt's own off: each call would
		# parse every list again, seconds each).
		mkdir -p "$(jvmm_cache_root)/apt"
		"$tool" -o "Dir::Cache::pkgcache=$(jvmm_cache_root)/apt/system-pkgcache.bin" \
			-o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root "$@"
		return
		;;
	esac
	base=$(_debian_apt_base "$dist")
	dir="$(jvmm_cache_root)/apt/$base"
	# A shared lock: an update by another caller does not swap lists under us.
	flock -s "$dir/lock" "$tool" "${_DEBIAN_APT_OPTS[@]}" "$@"
}

# debian_apt_refresh DIST: update DIST's lists now (a download 404ed, say).
debian_apt_refresh() {
	local base
	case $1 in
	bookworm*) _debian_system_update "refreshing lists" ;;
	*)
		base=$(_debian_apt_base "$1") || die "debian_apt_refresh: unknown DIST '$1'"
		_debian_apt_setup "$base"
		_debian_apt_fresh "$base" force
		;;
	esac
}

# --- resolving kernel versions -----------------------------------------------------

# _debian_meta_dep DIST META GLOB -> the linux-headers-KVER that META depends
# on in DIST (its candidate), as KVER, if it matches GLOB.
_debian_meta_dep() {
	local dist=$1 meta=$2 glob=$3 kver
	debian_apt_ready "$dist"
	kver=$(debian_apt "$dist" apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^[[:space:]]*Depends:[[:space:]]*linux-headers-\([0-9][^[:space:]]*-amd64\).*/\1/p' |
		head -n 1)
	if [ -z "$kver" ] && [ "${dist#bookworm}" != "$dist" ]; then
		_debian_system_update "no $meta in the lists"
		kver=$(debian_apt "$dist" apt-cache depends "$meta" 2>/dev/null |
			sed -n 's/^[[:space:]]*Depends:[[:space:]]*linux-headers-\([0-9][^[:space:]]*-amd64\).*/\1/p' |
			head -n 1)
	fi
	[ -n "$kver" ] || die "$meta is not in $dist's package lists; pin the kernel with an exact ABI"
	# shellcheck disable=SC2053 # GLOB is a pattern on purpose
	[[ $kver == $glob ]] || die "$meta in $dist depends on linux-headers-$kver, not a $glob kernel; pin the kernel with an exact ABI"
	printf '%s\n' "$kver"
}

# _debian_suite DIST PKG -> the suite (e.g. bookworm-security) DIST's lists
# have PKG in, or nothing.
_debian_suite() {
	debian_apt_ready "$1"
	debian_apt "$1" apt-cache madison "$2" 2>/dev/null |
		awk -F'|' -v p="$2" '{ gsub(/ /, "", $1) } $1 == p { split($3, f, " "); split(f[2], s, "/"); print s[1]; exit }'
}

# debian_dist_of KVER -> bookworm, bookworm-security, trixie or
# trixie-backports: where linux-headers-KVER is. Fails with a message if
# nowhere (an old ABI that left the archive).
debian_dist_of() {
	local kver=$1 suite
	case $kver in
	*+deb13*)
		suite=$(_debian_suite trixie "linux-headers-$kver")
		if [ -n "$suite" ]; then
			echo trixie
			return 0
		fi
		suite=$(_debian_suite trixie-backports "linux-headers-$kver")
		if [ "$suite" = trixie-backports ]; then
			echo trixie-backports
			return 0
		fi
		;;
	*)
		suite=$(_debian_suite bookworm "linux-headers-$kver")
		if [ -z "$suite" ]; then
			_debian_system_update "no linux-headers-$kver in the lists"
			suite=$(_debian_suite bookworm "linux-headers-$kver")
		fi
		case $suite in
		bookworm | bookworm-security | bookworm-updates)
			echo "$suite"
			return 0
			;;
		esac
		;;
	esac
	note "error: linux-headers-$kver is in neither bookworm(-security), trixie nor trixie-backports (old ABIs leave the archive: use a SPEC such as 6.1, 6.12, 6.12-trixie, 7.x, or a current ABI)"
	return 1
}

# debian_resolve SPEC -> "KVER DIST".
debian_resolve() {
	local spec=${1:?usage: debian_resolve SPEC} pinvar pin kver dist
	case $spec in
	newest) pinvar=JVMM_KVER_7_X ;;
	*) pinvar=JVMM_KVER_$(printf '%s' "$spec" | tr 'a-z.-' 'A-Z__') ;;
	esac
	case $spec in
	6.1 | 6.12 | 6.12-trixie | 7.x | newest)
		pin=${!pinvar:-}
		if [ -n "$pin" ]; then
			note "kernel: $spec pinned by $pinvar=$pin"
			spec=$pin
		fi
		;;
	esac
	case $spec in
	6.1) kver=$(_debian_meta_dep bookworm linux-headers-cloud-amd64 '6.1.0-*-cloud-amd64') ;;
	6.12) kver=$(_debian_meta_dep bookworm linux-headers-6.12-cloud-amd64 '6.12.*+deb12*-cloud-amd64') ;;
	6.12-trixie) kver=$(_debian_meta_dep trixie linux-headers-cloud-amd64 '6.12.*+deb13*-cloud-amd64') ;;
	7.x | newest) kver=$(_debian_meta_dep trixie-backports linux-headers-cloud-amd64 '*+deb13*-cloud-amd64') ;;
	[0-9]*-amd64) kver=$spec ;;
	*) die "unknown kernel SPEC '$spec': use 6.1, 6.12, 6.12-trixie, 7.x (or newest), or an exact ABI such as 6.1.0-57-cloud-amd64" ;;
	esac
	dist=$(debian_dist_of "$kver") || die "cannot find linux-headers-$kver"
	case $spec in
	7.x | newest)
		[ "$dist" = trixie-backports ] ||
			die "trixie-backports has no cloud kernel newer than trixie's ($kver is in $dist)"
		;;
	esac
	printf '%s %s\n' "$kver" "$dist"
}

# --- packages -----------------------------------------------------------------

# debian_download DIST DIR PKG[=VERSION]... -> DIR/PKG_VERSION_ARCH.deb for
# each (VERSION: DIST's candidate if not given), kept: a second call
# downloads nothing. Prints the paths.
debian_download() {
	local dist=$1 dir=$2 item pkg ver tmp deb want=() missing=() found
	shift 2
	mkdir -p "$dir"
	for item in "$@"; do
		pkg=${item%%=*}
		ver=${item#*=}
		if [ "$ver" = "$item" ]; then
			ver=$(debian_apt "$dist" apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
			[ -n "$ver" ] || { note "error: $pkg is not in $dist's package lists"; return 1; }
		fi
		# apt names the file with the epoch's colon as %3a.
		want+=("${pkg}_${ver//:/%3a}")
		compgen -G "$dir/${pkg}_${ver//:/%3a}_*.deb" >/dev/null || missing+=("$pkg=$ver")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		tmp=$(mktemp -d "$dir/.dl.XXXXXX")
		# apt's sandbox user must be able to write where it downloads.
		chmod 755 "$tmp"
		chown _apt "$tmp" 2>/dev/null || true
		if ! (cd "$tmp" && debian_apt "$dist" apt-get download -q "${missing[@]}" >"$tmp/apt.log" 2>&1); then
			# The lists may name a version that has left the archive.
			note "apt: download of ${missing[*]} from $dist failed; refreshing the lists and retrying"
			debian_apt_refresh "$dist"
			if ! (cd "$tmp" && debian_apt "$dist" apt-get download -q "${missing[@]}" >"$tmp/apt.log" 2>&1); then
				sed 's/^/    /' "$tmp/apt.log" >&2
				rm -rf "$tmp"
				note "error: cannot download ${missing[*]} from $dist (log above)"
				return 1
			fi
		fi
		for deb in "$tmp"/*.deb; do
			[ -e "$deb" ] && mv "$deb" "$dir/"
		done
		rm -rf "$tmp"
	fi
	for item in "${want[@]}"; do
		found=
		for deb in "$dir/$item"_*.deb; do
			[ -e "$deb" ] || continue
			found=1
			printf '%s\n' "$deb"
		done
		[ -n "$found" ] || { note "error: no ${item}_*.deb in $dir after the download"; return 1; }
	done
}

# _debian_headers_plan KVER DIST: sets _DEB_UNPACK (the packages that make up
# linux-headers-KVER's tree: headers, common, kbuild) and _DEB_NEEDS (their
# other Depends clauses, as apt-get satisfy takes them: the compiler, pahole,
# libraries). Kernel images, binaries, modules and linux-base are left out:
# a module build needs none of them.
_debian_headers_plan() {
	local kver=$1 dist=$2 queue pkg rec ver deps clause name seen=" "
	_DEB_UNPACK=() _DEB_NEEDS=()
	debian_apt_ready "$dist"
	queue=("linux-headers-$kver")
	while [ "${#queue[@]}" -gt 0 ]; do
		pkg=${queue[0]}
		queue=("${queue[@]:1}")
		case $seen in *" $pkg "*) continue ;; esac
		seen="$seen$pkg "
		rec=$(debian_apt "$dist" apt-cache show --no-all-versions "$pkg" 2>/dev/null || true)
		ver=$(sed -n 's/^Version: //p' <<<"$rec" | head -n 1)
		[ -n "$ver" ] || die "$pkg is not in $dist's package lists (needed for linux-headers-$kver)"
		_DEB_UNPACK+=("$pkg=$ver")
		deps=$(sed -n 's/^Depends: //p' <<<"$rec" | head -n 1)
		while IFS= read -r clause; do
			clause=$(printf '%s' "$clause" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
			[ -n "$clause" ] || continue
			name=${clause%% *}
			case $name in
			linux-headers-* | linux-kbuild-*) queue+=("$name") ;;
			linux-image-* | linux-binary-* | linux-modules-* | linux-base | linux-base-*) ;;
			*) _DEB_NEEDS+=("$clause") ;;
			esac
		done < <(printf '%s\n' "$deps" | tr ',' '\n')
	done
}

# _debian_unpack ROOT DEB...: dpkg-deb -x each into ROOT.
_debian_unpack() {
	local root=$1 deb
	shift
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$root" || die "unpacking $deb into $root failed"
	done
}

# _debian_satisfy_host CLAUSE...: install on this host what the clauses need
# (a warm run installs nothing and takes no apt lock).
_debian_satisfy_host() {
	local want sim
	[ $# -gt 0 ] || return 0
	want=$(printf '%s, ' "$@")
	want=${want%, }
	if sim=$(apt-get -s satisfy "$want" 2>/dev/null) && ! grep -q '^Inst ' <<<"$sim"; then
		return 0
	fi
	_debian_need_root "installing the headers' build dependencies"
	note "apt: installing on the host what the headers need: $want"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 satisfy -y -qq --no-install-recommends "$want" >&2 ||
		die "apt-get satisfy '$want' failed"
}

# debian_host_kdir KVER DIST -> a headers tree for KVER that builds on this
# host (bookworm kernels: gcc-12). The installed /usr/src/linux-headers-KVER
# if its package is installed; else the packages unpacked (not installed:
# 6.12's headers would pull in a kernel image) into the cache, with the
# tree's Makefile pointed at the unpacked common tree.
debian_host_kdir() {
	local kver=$1 dist=$2 top dir debs list
	if [ "$(dpkg-query -W -f='${Status}' "linux-headers-$kver" 2>/dev/null)" = "install ok installed" ] &&
		[ -f "/usr/src/linux-headers-$kver/Makefile" ]; then
		printf '%s\n' "/usr/src/linux-headers-$kver"
		return 0
	fi
	top="$(jvmm_cache_root)/headers"
	dir="$top/$kver"
	if [ ! -e "$dir/.complete" ]; then
		mkdir -p "$top"
		(
			flock 9
			[ -e "$dir/.complete" ] && exit 0
			_debian_headers_plan "$kver" "$dist"
			list=$(debian_download "$dist" "$(jvmm_cache_root)/debs" "${_DEB_UNPACK[@]}") || exit 1
			mapfile -t debs <<<"$list"
			_debian_satisfy_host "${_DEB_NEEDS[@]}"
			rm -rf "$dir.tmp"
			mkdir -p "$dir.tmp" || exit 1
			_debian_unpack "$dir.tmp" "${debs[@]}"
			# The tree's Makefile includes the common tree by absolute
			# path (and 6.19+ sets KBUILD_OUTPUT): point them here.
			sed -i "s#/usr/src/#$dir/usr/src/#g" "$dir.tmp/usr/src/linux-headers-$kver/Makefile" ||
				die "linux-headers-$kver has no Makefile where expected"
			printf '%s\n' "${debs[@]##*/}" >"$dir.tmp/.complete" || exit 1
			rm -rf "$dir"
			mv "$dir.tmp" "$dir" || die "cannot rename $dir.tmp to $dir"
			note "kernel: unpacked linux-headers-$kver into $dir"
		) 9>"$top/.lock-$kver" || return 1
	fi
	printf '%s\n' "$dir/usr/src/linux-headers-$kver"
}

# debian_symvers KVER DIST -> a cached copy of KVER's Module.symvers (taken
# from the headers package; no chroot or unpacked tree needed).
debian_symvers() {
	local kver=$1 dist=$2 out deb
	out="$(jvmm_cache_root)/symvers/$kver"
	if [ ! -s "$out" ]; then
		mkdir -p "${out%/*}"
		deb=$(debian_download "$dist" "$(jvmm_cache_root)/debs" "linux-headers-$kver") || return 1
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-headers-$kver/Module.symvers" >"$out.tmp" ||
			{ rm -f "$out.tmp"; note "error: $deb has no Module.symvers"; return 1; }
		mv "$out.tmp" "$out"
	fi
	printf '%s\n' "$out"
}

# --- the trixie chroot --------------------------------------------------------

# _chroot_run ROOT [--bind SRC DST]... -- CMD...: run CMD in ROOT with /proc,
# /dev and the binds mounted. The mounts live in a private mount namespace
# (unshare), so they vanish with it whatever happens (Ctrl-C, kill -9); a
# trap also unmounts them, which is all there is where unshare cannot run
# (JVMM_NO_UNSHARE=1 forces that path).
_chroot_run() {
	local root=$1
	shift
	local args=()
	while [ "${1:-}" = --bind ]; do
		args+=("$2" "$3")
		shift 3
	done
	[ "${1:-}" = -- ] && shift
	# shellcheck disable=SC2016 # expanded by the inner bash
	local inner='
set -euo pipefail
root=$1 nbind=$2
shift 2
mounted=() made=()
cleanup() {
	local i d top
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -R "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
	done
	mounted=()
	# The mount points made for binds, up to the first that existed
	# (rmdir: only ever empty directories).
	for ((i = 0; i < ${#made[@]}; i += 2)); do
		d=${made[i]} top=${made[i + 1]}
		while rmdir "$d" 2>/dev/null && [ "$d" != "$top" ]; do d=${d%/*}; done
	done
	made=()
}
trap cleanup EXIT
trap "cleanup; exit 130" INT
trap "cleanup; exit 143" TERM
mount -t proc proc "$root/proc"
mounted+=("$root/proc")
mount --rbind /dev "$root/dev"
mounted+=("$root/dev")
mount --make-rslave "$root/dev"
while [ "$nbind" -gt 0 ]; do
	top=$root$2
	while [ ! -e "${top%/*}" ]; do top=${top%/*}; done
	if [ ! -e "$root$2" ]; then
		mkdir -p "$root$2"
		made+=("$root$2" "$top")
	fi
	mount --bind "$1" "$root$2"
	mounted+=("$root$2")
	shift 2
	nbind=$((nbind - 2))
done
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
'
	if [ -z "${JVMM_NO_UNSHARE:-}" ] && unshare --mount --propagation private true 2>/dev/null; then
		unshare --mount --propagation private bash -c "$inner" chroot-run "$root" "${#args[@]}" "${args[@]}" "$@"
	else
		bash -c "$inner" chroot-run "$root" "${#args[@]}" "${args[@]}" "$@"
	fi
}

# _trixie_chroot_create ROOT: debootstrap a minimal trixie into ROOT.new,
# then rename it to ROOT (so a half-made chroot is never used).
_trixie_chroot_create() {
	local root=$1 new=$1.new main sec log t0
	_debian_need_root "the trixie chroot"
	_debian_trixie_keys
	if ! command -v debootstrap >/dev/null; then
		note "chroot: installing debootstrap"
		_debian_system_lists
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends debootstrap >&2 ||
			die "apt-get install debootstrap failed"
	fi
	main=$(_debian_mirror main)
	sec=$(_debian_mirror security)
	log="${root%/*}/debootstrap.log"
	t0=$(date +%s)
	note "chroot: creating a trixie chroot in $root (debootstrap, a minute or two; log $log)"
	rm -rf "$new"
	mkdir -p "$new"
	# debootstrap mounts /proc and /sys in the target: in a private mount
	# namespace they cannot outlive it.
	if ! unshare --mount --propagation private \
		debootstrap --variant=minbase --components=main --keyring="$DEBIAN_KEYRING" \
		--include="$TRIXIE_CHROOT_PACKAGES" trixie "$new" "$main" >"$log" 2>&1; then
		tail -n 20 "$log" | sed 's/^/    /' >&2
		rm -rf "$new"
		die "debootstrap of trixie failed (log above, all of it in $log)"
	fi
	{
		echo "deb $main trixie main"
		echo "deb $main trixie-updates main"
		echo "deb $sec trixie-security main"
		echo "deb $main trixie-backports main"
	} >"$new/etc/apt/sources.list" || die "cannot write $new/etc/apt/sources.list"
	# Headers are unpacked here, never installed: no kernel image in the chroot.
	mkdir -p "$new/var/lib/jvmm/headers"
	if ! _chroot_run "$new" -- apt-get update -q >"$log.update" 2>&1; then
		sed 's/^/    /' "$log.update" >&2
		rm -rf "$new"
		die "apt-get update in the new trixie chroot failed (log above)"
	fi
	# shellcheck disable=SC2016 # for the chroot's shell
	_chroot_run "$new" -- sh -c 'gcc-14 --version | head -n 1; echo "libc6 $(dpkg-query -W -f "\${Version}" libc6)"' >"$new/.jvmm-chroot-info" 2>&1 || true
	rm -rf "$root"
	mv "$new" "$root" || die "cannot rename $new to $root"
	date -u +%FT%TZ >"$root/.jvmm-chroot-ready" || die "cannot write $root/.jvmm-chroot-ready"
	note "chroot: trixie ready in $(($(date +%s) - t0)) s ($root)"
}

# trixie_chroot -> the path of a minimal trixie chroot with gcc-14, make,
# kmod, pahole and the libraries module builds need. Made once (debootstrap)
# under $(jvmm_cache_root)/chroot/trixie and reused; two callers at once make
# it once (flock).
trixie_chroot() {
	local base root
	base="$(jvmm_cache_root)/chroot"
	root=$base/trixie
	if [ ! -e "$root/.jvmm-chroot-ready" ]; then
		mkdir -p "$base"
		(
			flock 9
			[ -e "$root/.jvmm-chroot-ready" ] || _trixie_chroot_create "$root"
		) 9>"$base/trixie.lock" || return 1
	fi
	printf '%s\n' "$root"
}

# debian_chroot_kdir KVER DIST -> /usr/src/linux-headers-KVER, unpacked in
# the chroot (once per KVER), its build dependencies installed there.
debian_chroot_kdir() {
	local kver=$1 dist=$2 root base debs want list
	root=$(trixie_chroot) || return 1
	base="$(jvmm_cache_root)/chroot"
	if [ ! -e "$root/var/lib/jvmm/headers/$kver" ]; then
		(
			flock 9
			[ -e "$root/var/lib/jvmm/headers/$kver" ] && exit 0
			_debian_headers_plan "$kver" "$dist"
			list=$(debian_download "$dist" "$(jvmm_cache_root)/debs" "${_DEB_UNPACK[@]}") || exit 1
			mapfile -t debs <<<"$list"
			if [ "${#_DEB_NEEDS[@]}" -gt 0 ]; then
				want=$(printf '%s, ' "${_DEB_NEEDS[@]}")
				want=${want%, }
				if ! _chroot_run "$root" -- apt-get satisfy -y -q --no-install-recommends "$want" >"$base/satisfy.log" 2>&1; then
					_chroot_run "$root" -- apt-get update -q >>"$base/satisfy.log" 2>&1 || true
					if ! _chroot_run "$root" -- apt-get satisfy -y -q --no-install-recommends "$want" >>"$base/satisfy.log" 2>&1; then
						sed 's/^/    /' "$base/satisfy.log" >&2
						die "cannot install '$want' in the trixie chroot (log above)"
					fi
				fi
			fi
			_debian_unpack "$root" "${debs[@]}"
			printf '%s\n' "${debs[@]##*/}" >"$root/var/lib/jvmm/headers/$kver" || exit 1
			note "chroot: unpacked linux-headers-$kver into $root"
		) 9>"$base/trixie.lock" || return 1
	fi
	printf '%s\n' "/usr/src/linux-headers-$kver"
}

# chroot_make_module KVER SRCDIR OUTDIR [MAKEVARS...]: in the trixie chroot,
# with linux-headers-KVER (trixie or trixie-backports), run
# "make module KDIR=... MAKEVARS..." in SRCDIR, bind-mounted: the build's
# outputs land in SRCDIR (give it a copy to keep a tree clean; tests/kbuild.sh
# does). Copies module/jvmm.ko to OUTDIR/jvmm.ko. Build output goes to
# stdout/stderr as make prints it.
chroot_make_module() {
	[ $# -ge 3 ] || die "usage: chroot_make_module KVER SRCDIR OUTDIR [MAKEVARS...]"
	local kver=$1 src=$2 out=$3 dist root kdir rc=0
	shift 3
	[ -f "$src/Kbuild" ] || die "chroot_make_module: $src has no Kbuild (not a jvmm tree)"
	src=$(cd "$src" && pwd)
	dist=$(debian_dist_of "$kver") || return 1
	case $dist in
	trixie | trixie-backports) ;;
	*) die "chroot_make_module: $kver is a $dist kernel; build it on the host (tests/kbuild.sh module $kver DIR)" ;;
	esac
	kdir=$(debian_chroot_kdir "$kver" "$dist") || return 1
	root=$(trixie_chroot) || return 1
	# SRCDIR appears at its own path in the chroot, so that the log's paths
	# are the host's. A shared lock: builds run side by side, while
	# unpacking waits.
	(
		flock -s 9
		_chroot_run "$root" --bind "$src" "$src" -- make -C "$src" module "KDIR=$kdir" "$@"
	) 9>"$(jvmm_cache_root)/chroot/trixie.lock" || rc=$?
	[ "$rc" = 0 ] || return "$rc"
	[ -f "$src/module/jvmm.ko" ] || { note "error: the build left no module/jvmm.ko"; return 1; }
	mkdir -p "$out"
	cp "$src/module/jvmm.ko" "$out/jvmm.ko"
}
