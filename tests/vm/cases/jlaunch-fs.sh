# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 500
#
# Our guest's file system on jlaunch's disk (guest/README.md, Documentation/disk.md): what
# boots, lists and cats matches the image (josfsck --list/--extract); files written in the
# guest are on the image after 'exit' and in the next boot, and 'rm' removes them; --snapshot
# and --readonly leave the image byte-identical; a launcher SIGKILLed inside a large write
# (between syncs; in its sync after the bitmap, after the directory) and inside rm's sync
# (after the directory, after the bitmap) leaves what Documentation/disk.md promises, an image
# josfsck passes and the guest boots; no disk still boots.
# Always on copies of /jvmm/guest/fs.img in /tmp.
. ./cases/lib.sh

OUT=/tmp/jlaunch-fs
IMG=/jvmm/guest/fs.img
rm -rf $OUT
mkdir -p $OUT

has() {
	grep -qF -- "$2" $OUT/$1 || fail "$1: no '$2' in the output"
}
hasnt() {
	if grep -qF -- "$2" $OUT/$1; then fail "$1: unexpected '$2' in the output"; fi
}
show() {
	sed 's/^/  | /' $OUT/$1
}
# boot NAME IMAGE COMMANDS [OPTIONS...]: one jlaunch session fed COMMANDS; status must be 0.
boot() {
	name=$1 image=$2 cmds=$3
	shift 3
	printf "$cmds" | jlaunch "$@" --disk "$image" >$OUT/$name 2>&1
	rc=$?
	show $name
	[ $rc -eq 0 ] || fail "$name: jlaunch exited $rc, expected 0 after 'exit'"
	expect_no_jvmm_objects "$name"
}
# between NAME FROM TO: the lines of NAME's output after the line FROM, before the line TO.
between() {
	awk -v a="$2" -v b="$3" '$0 == b { f = 0 } f { print } $0 == a { f = 1 }' $OUT/$1
}
# root_list IMAGE: "type size name" of the root's entries, as josfsck --list sees them.
root_list() {
	josfsck --list "$1" 2>/dev/null |
		awk 'NF == 3 && $3 ~ "^/[^/]+$" { n = substr($3, 2); if ($1 == "d") n = n "/"; print $1, $2, n }'
}
sha() {
	sha256sum <"$1"
}
# block IMAGE N: the 4 KiB block N as hex.
block() {
	dd if="$1" bs=4096 skip="$2" count=1 2>/dev/null | od -An -tx1 | tr -d ' \n'
}
# check_image NAME IMAGE: josfsck must exit 0; its warnings are kept in NAME.fsck.
check_image() {
	josfsck "$2" >$OUT/$1.fsck 2>&1
	rc=$?
	show $1.fsck
	[ $rc -eq 0 ] || fail "$1: josfsck exited $rc, expected 0"
}

load_jvmm

# ---- 1. boot, motd, ls, ls -l, cat: what the image holds ----
cp $IMG $OUT/a.img
josfsck --extract /motd_guest -o $OUT/motd.want $OUT/a.img >/dev/null 2>&1 ||
	fail "josfsck --extract /motd_guest of the default image failed"
josfsck --extract /lorem -o $OUT/lorem.want $OUT/a.img >/dev/null 2>&1 ||
	fail "josfsck --extract /lorem failed"
boot read $OUT/a.img 'ls\nls -l\necho ===begin\ncat /lorem\necho ===end\nexit\n'
has read "fs: /vmm/fs1.img: 1024 blocks (4096 KiB)"
awk '/^fs: \/vmm\/fs1.img: /{ f = 1; next } /^jvmm guest shell:/{ f = 0 } f' $OUT/read >$OUT/motd.got
cmp -s $OUT/motd.want $OUT/motd.got ||
	{ diff $OUT/motd.want $OUT/motd.got; fail "the motd at boot is not the image's /motd_guest"; }
ok "boot prints /motd_guest as josfsck --extract reads it from the image ($(wc -l <$OUT/motd.want) lines)"
root_list $OUT/a.img >$OUT/ls-l.want
awk '{ print $3 }' $OUT/ls-l.want >$OUT/ls.want
[ "$(wc -l <$OUT/ls.want)" -ge 5 ] || fail "josfsck --list shows $(wc -l <$OUT/ls.want) root entries"
between read 'vm$ ls' 'vm$ ls -l' >$OUT/ls.got
cmp -s $OUT/ls.want $OUT/ls.got || { diff $OUT/ls.want $OUT/ls.got; fail "ls differs from josfsck --list"; }
between read 'vm$ ls -l' 'vm$ echo ===begin' | awk '{ print $1, $2, $3 }' >$OUT/ls-l.got
cmp -s $OUT/ls-l.want $OUT/ls-l.got || { diff $OUT/ls-l.want $OUT/ls-l.got; fail "ls -l differs from josfsck --list"; }
ok "ls and ls -l list the root's $(wc -l <$OUT/ls.want) entries with the types and sizes josfsck --list gives"
between read '===begin' 'vm$ echo ===end' | sed 1d >$OUT/lorem.got
cmp -s $OUT/lorem.want $OUT/lorem.got || fail "cat /lorem differs from the image's /lorem"
ok "cat /lorem gives the image's $(wc -c <$OUT/lorem.want) bytes exactly"

# ---- 2. written in the guest: on the image after exit, in the next boot; rm removes it ----
cp $IMG $OUT/w.img
root_list $OUT/w.img >$OUT/w.list0
boot write $OUT/w.img 'write /w written by write\nappend /w appended\necho from echo > /e\nmkdir /t\nwrite /t/inner inside t\nexit\n'
has write "powering off"
check_image write $OUT/w.img
grep -q warning $OUT/write.fsck && fail "josfsck warns after a clean exit"
for f in "/w:written by write|appended" "/e:from echo" "/t/inner:inside t"; do
	path=${f%%:*}
	want=$(printf '%s\n' "${f#*:}" | tr '|' '\n')
	got=$(josfsck --extract $path -o - $OUT/w.img 2>/dev/null) || fail "josfsck --extract $path failed"
	[ "$got" = "$want" ] || fail "$path on the image holds '$got', not '$want'"
done
ok "write, append, echo >, mkdir + a file inside: on the image after exit (josfsck --extract), josfsck clean"
boot reboot $OUT/w.img 'cat /w /e /t/inner\nls /t\nrm /w /e /t/inner /t\nexit\n'
has reboot "written by write"
has reboot "appended"
has reboot "from echo"
has reboot "inside t"
between reboot 'vm$ ls /t' 'vm$ rm /w /e /t/inner /t' | grep -qx inner || fail "ls /t does not show inner"
hasnt reboot "rm: "
ok "a second boot reads them back (cat, ls), and rm removes them without an error"
boot gone $OUT/w.img 'ls\ncat /w\nls /t\nexit\n'
has gone "cat: /w: not found"
has gone "ls: /t: not found"
check_image gone $OUT/w.img
grep -q warning $OUT/gone.fsck && fail "josfsck warns after rm: blocks leaked?"
root_list $OUT/w.img | cmp -s - $OUT/w.list0 || fail "after rm the root is not as it was"
[ "$(sed 's/^[^:]*: //' $OUT/gone.fsck)" = "$(josfsck $IMG 2>&1 | sed 's/^[^:]*: //')" ] ||
	fail "after rm josfsck counts other files or blocks than the original image"
ok "a third boot finds them gone; josfsck passes and counts the blocks of the original image"

# ---- 3. --snapshot: writes visible in the session, the image unchanged ----
cp $IMG $OUT/s.img
before=$(sha $OUT/s.img)
boot snapshot $OUT/s.img 'write /snap kept in memory\ncat /snap\nrm /lorem\nls\nexit\n' --snapshot
has snapshot "kept in memory"
hasnt snapshot "read-only"
between snapshot 'vm$ ls' 'vm$ exit' | grep -qx lorem && fail "--snapshot: rm /lorem did not take in the session"
[ "$(sha $OUT/s.img)" = "$before" ] || fail "--snapshot changed the image"
ok "--snapshot: a write and a rm are visible in the session, the image's sha256 is unchanged"

# ---- 4. --readonly: writes refused with a clear error, image unchanged, reads work ----
cp $IMG $OUT/r.img
before=$(sha $OUT/r.img)
boot readonly $OUT/r.img 'write /x no\necho no > /y\nappend /lorem no\nmkdir /q\nrm /lorem\nsync\ncat /motd_guest\nexit\n' --readonly
has readonly "fs: /vmm/fs1.img: 1024 blocks (4096 KiB), 999 free, read-only"
has readonly "fs: the disk refused a write (error -16): mounted read-only"
for e in "write: /x: read-only disk" "echo: /y: read-only disk" "append: /lorem: read-only disk" \
	 "mkdir: /q: read-only disk" "rm: /lorem: read-only disk" "sync: read-only disk, nothing to write back"; do
	has readonly "$e"
done
[ "$(grep -cF "$(head -1 $OUT/motd.want)" $OUT/readonly)" -ge 2 ] || fail "--readonly: cat /motd_guest printed nothing"
[ "$(sha $OUT/r.img)" = "$before" ] || fail "--readonly changed the image"
ok "--readonly: write, echo >, append, mkdir, rm say 'read-only disk', cat works, sha256 unchanged"

# ---- 5. SIGKILL in the middle of a write ----
# jtest kill-on-write runs jlaunch and kills it right after the disk write that makes its
# condition true (it traces jlaunch's system calls and kills it at the return of that pwrite).
# The guest writes a block as two requests; a sync writes, after allocations: data, bitmap
# (block 2), new indirect blocks, directories (the root is block R), superblock; after frees:
# directories, then the bitmap.
R=$(od -An -tu4 -j $((4096 + 8 + 136)) -N4 $IMG | tr -d ' ')	# the root directory's block
BIG=2000		# KiB: 500 data blocks and an indirect block, mostly evicted before the sync
LEAK="501 blocks marked in use but reachable from no file (leaked)"
killed() {
	name=$1 image=$2 when=$3 cmds=$4
	printf "$cmds" | jtest kill-on-write "$image" "$when" jlaunch --disk "$image" >$OUT/$name 2>&1
	rc=$?
	show $name
	[ $rc -eq 0 ] || fail "$name: jlaunch was not killed at $when (jtest status $rc)"
	has $name "kill-on-write: killed jlaunch right after write"
	expect_no_jvmm_objects "$name"
}
# after_kill NAME IMAGE [COMMANDS]: josfsck passes; a fresh boot lists the original files,
# cats the motd, and runs COMMANDS.
after_kill() {
	check_image $1 $2
	boot $1.boot $2 "ls\ncat /motd_guest\n${3:-}exit\n"
	for f in $(cat $OUT/ls.want); do
		between $1.boot 'vm$ ls' 'vm$ cat /motd_guest' | grep -qxF "$f" || fail "$1: $f missing after the kill"
	done
	[ "$(grep -cF "$(head -1 $OUT/motd.want)" $OUT/$1.boot)" -ge 2 ] || fail "$1: cat /motd_guest printed nothing"
}
no_warnings() {
	if grep -q warning $OUT/$1.fsck; then fail "$1: josfsck warns: $2"; fi
}
same_root() {
	root_list $2 | cmp -s - $OUT/ls-l.want || fail "$1: the root is not as at the last sync"
}

# The reference: /big written and synced, and its checksums.
cp $IMG $OUT/big.img
boot big $OUT/big.img "bench-write /big $BIG\nbench-read /big\nexit\n"
has big "bench-write: wrote $BIG KiB"
sums=$(grep "^bench-read: $((BIG * 1024)) bytes, sum32" $OUT/big) || fail "big: no bench-read checksums"

# 5a. Between syncs, during the data writes: the image is as at the last sync (the original).
cp $IMG $OUT/k1.img
killed kill-data $OUT/k1.img writes:400 "bench-write /big $BIG\nexit\n"
has kill-data "vm$ bench-write /big $BIG"
hasnt kill-data "bench-write: wrote"
[ "$(sha $OUT/k1.img)" != "$(sha $IMG)" ] || fail "kill-data: no data had reached the image"
for b in 1 2 $R; do
	[ "$(block $OUT/k1.img $b)" = "$(block $IMG $b)" ] || fail "kill-data: metadata block $b changed between syncs"
done
after_kill kill-data $OUT/k1.img
no_warnings kill-data "only free blocks were written"
same_root kill-data $OUT/k1.img
ok "killed after 400 disk writes of 'bench-write /big $BIG' (data only): superblock, bitmap, root unchanged; josfsck clean; the guest boots as before"

# 5b. Inside that write's sync, right after the bitmap: its blocks are leaked, nothing worse.
cp $IMG $OUT/k2.img
killed kill-bitmap $OUT/k2.img block:2 "bench-write /big $BIG\nexit\n"
hasnt kill-bitmap "bench-write: wrote"
[ "$(block $OUT/k2.img $R)" = "$(block $IMG $R)" ] || fail "kill-bitmap: the root directory was written before the bitmap"
after_kill kill-bitmap $OUT/k2.img
has kill-bitmap.fsck "$LEAK"
same_root kill-bitmap $OUT/k2.img
ok "killed in the sync right after the bitmap write: /big's 501 blocks leaked (josfsck warning, exit 0), no file points at a free block; the guest boots"

# 5c. Right after the root directory's write: /big is whole, its data and indirect block before it.
cp $IMG $OUT/k3.img
killed kill-dir $OUT/k3.img block:$R "bench-write /big $BIG\nexit\n"
hasnt kill-dir "bench-write: wrote"
after_kill kill-dir $OUT/k3.img "bench-read /big\n"
no_warnings kill-dir "the directory was written before the blocks it points to"
has kill-dir.boot "$sums"
ok "killed in the sync right after the directory write: /big is there whole (bench-read checksums as written), josfsck clean"

# 5d. Inside rm's sync, right after the directory: the blocks are leaked, not freed under a file.
cp $OUT/big.img $OUT/k4.img
killed kill-rm-dir $OUT/k4.img block:$R "rm /big\nexit\n"
after_kill kill-rm-dir $OUT/k4.img
has kill-rm-dir.fsck "$LEAK"
same_root kill-rm-dir $OUT/k4.img
ok "killed in rm's sync right after the directory write: /big gone, its 501 blocks leaked (warning, exit 0), not freed under a file"

# 5e. Right after rm's bitmap write: removed, and nothing leaked.
cp $OUT/big.img $OUT/k5.img
killed kill-rm-bitmap $OUT/k5.img block:2 "rm /big\nexit\n"
after_kill kill-rm-bitmap $OUT/k5.img
no_warnings kill-rm-bitmap "the bitmap was written before the directory"
same_root kill-rm-bitmap $OUT/k5.img
ok "killed in rm's sync right after the bitmap write: /big gone, its blocks free, josfsck clean"

# ---- 6. no disk: the guest says so and reaches its prompt ----
mkdir -p $OUT/nodisk/bin
cp "$(command -v jlaunch)" $OUT/nodisk/bin/	# no ../guest next to it: no default disk
printf 'ls\nexit\n' | $OUT/nodisk/bin/jlaunch --boot /jvmm/guest/boot.bin /jvmm/guest/kernel.elf >$OUT/nodisk.out 2>&1
rc=$?
show nodisk.out
[ $rc -eq 0 ] || fail "no disk: jlaunch exited $rc"
has nodisk.out "fs: no disk (error -10); file commands disabled"
has nodisk.out "vm$ "
has nodisk.out "ls: /: no file system (no disk)"
has nodisk.out "powering off"
expect_no_jvmm_objects "the session without a disk"
ok "without a disk: 'fs: no disk', the prompt, file commands say so, exit powers off"

unload_jvmm
