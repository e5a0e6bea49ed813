# SPDX-License-Identifier: GPL-2.0
# suites: course
# timeout: 800
#
# The standard jvmm is held to: an unmodified course JOS guest (built with
# VMM_GUEST, from the developer's own course tree: JVMM_COURSE_GUEST, see
# Documentation/testing.md) boots on jlaunch to its shell, runs commands
# from its disk through the file-server hypercalls, takes timer
# interrupts, and leaves its disk as it found it.
. ./cases/lib.sh

C=/jvmm/course
OUT=/tmp/jlaunch-course
mkdir -p $OUT

has() {
	grep -qF -- "$2" $OUT/$1 || fail "$1: no '$2' in the output"
}

load_jvmm
cp $C/fs.img $OUT/fs.img
sha_before=$(sha256sum <$OUT/fs.img)

# The course guest never powers off: --until ends the run once the last
# line of its lorem is out.
printf 'ls\ncat lorem\n' |
	jlaunch --stats --until 'id est laborum.' --boot $C/boot --disk $OUT/fs.img $C/kernel \
		>$OUT/boot 2>&1
rc=$?
sed 's/^/  | /' $OUT/boot
[ $rc -eq 0 ] || fail "the course guest: jlaunch exited $rc"
has boot "VMX extension hidden from guest."
has boot "vm$ "
has boot "motd_guest"
has boot "id est laborum."
ok "the course guest boots to 'vm\$ ', lists its disk and cats lorem from it"
has boot "IPCSEND"
has boot "READ"
grep -q "unknown ports" $OUT/boot && fail "the course guest touched ports jlaunch does not model"
ok "its file server's requests go through IPCSEND/IPCRECV; no unknown port was touched"
[ "$(sha256sum <$OUT/fs.img)" = "$sha_before" ] ||
	fail "the disk changed (the guest writes block 1 and restores it)"
ok "the disk is byte-identical afterwards (block 1 written and restored at boot)"

printf 'cat lorem\n' |
	jlaunch --stats --timer 100 --until 'id est laborum.' --boot $C/boot --disk $OUT/fs.img \
		$C/kernel >$OUT/timer 2>&1
rc=$?
sed 's/^/  | /' $OUT/timer | tail -25
[ $rc -eq 0 ] || fail "the course guest with --timer 100: jlaunch exited $rc"
injected=$(sed -n 's/.*timer interrupts injected: \([0-9]*\).*/\1/p' $OUT/timer)
eoi=$(awk '$2 == "LAPICEOI" { print $3 }' $OUT/timer)
[ -n "$eoi" ] && [ "$eoi" -gt 0 ] || fail "no LAPICEOI hypercalls with --timer 100"
[ "$eoi" -le "$injected" ] || fail "$eoi LAPICEOI for $injected interrupts injected"
ok "--timer 100: $injected timer interrupts injected, $eoi answered with LAPICEOI"
expect_no_jvmm_objects "the course guest's runs"
unload_jvmm
