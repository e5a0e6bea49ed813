# shellcheck shell=bash
# Pack the test initramfs: busybox-static + tests/vm/init + the payload.
#
# Layout inside the VM:
#   /init                 tests/vm/init
#   /bin/busybox + links  every applet, linked at pack time (no --install at boot)
#   /jvmm/module/jvmm.ko  /jvmm/bin/*  /jvmm/cases/*.sh   from the payload stage
#   /jvmm/kmod/*.ko       kvm modules of the booted kernel ($JVMM_KMOD)

# pack_initramfs STAGE KMODDIR OUT: STAGE is the DESTDIR of `make vm-payload`
# (it contains jvmm/); OUT is written as a gzip'ed newc cpio.
pack_initramfs() {
	local stage=$1 kmod=$2 out=$3 root bb applet
	root=$(mktemp -d "${TMPDIR:-/tmp}/jvmm-initramfs.XXXXXX")
	# mktemp makes it 0700, and it becomes the VM's "/": unprivileged users need 0755.
	chmod 0755 "$root"

	bb=$(command -v busybox || true)
	[ -n "$bb" ] || die "busybox not found; install busybox-static (tests/deps.sh --vm)"
	# There is no libc in the initramfs: a dynamic busybox would not even start.
	if LC_ALL=C readelf -l "$bb" 2>/dev/null | grep -q 'Requesting program interpreter'; then
		die "$bb is dynamically linked; install busybox-static (apt-get install busybox-static)"
	fi

	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,jvmm}
	cp "$bb" "$root/bin/busybox"
	while read -r applet; do
		[ "$applet" = bin/busybox ] && continue
		mkdir -p "$root/$(dirname "$applet")"
		ln -sf /bin/busybox "$root/$applet"
	done < <("$bb" --list-full)
	# The kernel opens /dev/console for init's stdio before /init can mount
	# devtmpfs; without this node init would start with no console at all.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null ||
		warn "cannot mknod /dev/console (not root?); /init reopens it after mounting devtmpfs"
	install -m 755 "$JVMM_TESTS_DIR/vm/init" "$root/init"

	cp -a "$stage/jvmm/." "$root/jvmm/"
	mkdir -p "$root/jvmm/kmod"
	cp "$kmod"/*.ko "$root/jvmm/kmod/"
	chmod -R a+rX "$root/jvmm"
	if [ -d "$root/jvmm/bin" ]; then
		find "$root/jvmm/bin" -type f -exec chmod a+x {} +
	fi

	check_static_binaries "$root/jvmm/bin"

	# Sorted names and fixed owner make the archive reproducible.
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$out"
	rm -rf "$root"
}

# A dynamically linked test program would fail in the VM with a confusing
# "not found"; say so here instead.
check_static_binaries() {
	local f bad=()
	[ -d "$1" ] || return 0
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		if LC_ALL=C readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
			bad+=("$(basename "$f")")
		fi
	done
	[ "${#bad[@]}" -eq 0 ] ||
		die "payload binaries are dynamically linked (the VM has no libc): ${bad[*]}; link them with -static"
}
