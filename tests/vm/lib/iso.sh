# shellcheck shell=bash
# Bootable El Torito ISO for Bochs: GRUB (BIOS) on the serial console boots the
# cached vmlinuz with the run's initramfs. One ISO per suite, since only the
# kernel command line (jvmm.suite=, jvmm.only=) differs.

# make_iso VMLINUZ INITRD CMDLINE OUT
make_iso() {
	local vmlinuz=$1 initrd=$2 cmdline=$3 out=$4 dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/jvmm-iso.XXXXXX")
	mkdir -p "$dir/boot/grub"
	# Hard links when possible: the ISO tree is thrown away right after.
	ln "$vmlinuz" "$dir/vmlinuz" 2>/dev/null || cp "$vmlinuz" "$dir/vmlinuz"
	ln "$initrd" "$dir/initrd.gz" 2>/dev/null || cp "$initrd" "$dir/initrd.gz"
	cat >"$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry "jvmm" {
	linux /vmlinuz $cmdline
	initrd /initrd.gz
}
CFG
	if ! grub-mkrescue -o "$out" "$dir" >"$dir.log" 2>&1; then
		sed 's/^/    /' "$dir.log" >&2
		rm -rf "$dir" "$dir.log"
		die "grub-mkrescue failed (packages grub-pc-bin grub-common xorriso mtools: tests/deps.sh --vm)"
	fi
	rm -rf "$dir" "$dir.log"
}
