#!/bin/bash
# Unit test of the JOS file-system tools (tools/josfs: mkjosfs, josfsck) and
# of the default disk (guest/disk -> build/guest/fs.img): round trips,
# mkjosfs's errors, and josfsck on corrupt images, each of which must give
# a clear error and exit 1 without hanging.  No VM needed.  Run by
# tests/run (unit suite) after `make unit-tests`, which builds the tools.
#
# JOSFSCK=/path and MKJOSFS=/path test other builds (e.g. a broken one, to
# see that these checks can fail).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
MK=${MKJOSFS:-$top/build/bin/mkjosfs}
CK=${JOSFSCK:-$top/build/bin/josfsck}
for t in "$MK" "$CK"; do
	[ -x "$t" ] || { echo "FAIL setup: $t is not built; run make unit-tests"; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
BS=4096

pass() { echo "ok   $1"; }
fail() {
	echo "FAIL $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /'
	failures=$((failures + 1))
}

# expect NAME RC PATTERN CMD...: CMD (limited to 10 s) exits RC and its
# stdout+stderr matches the extended regex PATTERN ('' for any).
expect() {
	local name=$1 want=$2 pat=$3 rc=0 out
	shift 3
	out=$(timeout 10 "$@" 2>&1) || rc=$?
	if [ "$rc" = 124 ]; then
		fail "$name" "timed out (an endless loop?): $*"
	elif [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, want $want: $*
$out"
	elif [ -n "$pat" ] && ! grep -Eq -- "$pat" <<<"$out"; then
		fail "$name" "output does not match /$pat/: $*
$out"
	else
		pass "$name"
	fi
}

# Little-endian u32 fields of an image, read and written in place.
get_u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
put_u32() {
	local v=$3
	# shellcheck disable=SC2059
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $((v >> 8 & 255)) \
		$((v >> 16 & 255)) $((v >> 24 & 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
put_str() { printf '%s\0' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
# Offsets in a struct File (josfs.h) and of the root's in the superblock.
F_SIZE=128 F_TYPE=132 F_DIRECT=136 F_INDIRECT=176
ROOT=$((BS + 8))

# ---- round trip --------------------------------------------------------------
tree=$tmp/tree
mkdir -p "$tree/a/b/c" "$tree/emptydir" "$tree/many"
printf 'deep down\n' >"$tree/a/b/c/deep.txt"
printf 'in a\n' >"$tree/a/one"
: >"$tree/empty"
head -c 200000 /dev/urandom >"$tree/indirect.bin"	# 49 blocks: 39 via the indirect block
head -c 4235264 /dev/urandom >"$tree/largest"		# JOS's largest file, 1034 blocks
long=$(printf 'n%.0s' $(seq 127))
printf 'long name\n' >"$tree/$long"
printf 'has spaces\n' >"$tree/with space"
for i in $(seq 40); do printf '%d\n' "$i" >"$tree/many/f$i"; done	# 3 directory blocks

img=$tmp/rt.img
expect "mkjosfs round-trip tree" 0 "rt.img: 47 files, 6 directories" "$MK" --size 8M "$img" "$tree"
expect "josfsck clean image" 0 "^$img: 47 files, 6 directories, [0-9]+ blocks used of 2048, [0-9]+ free$" "$CK" "$img"
if [ -n "$("$CK" "$img" 2>&1 >/dev/null)" ]; then
	fail "josfsck clean image: no problem lines" "$("$CK" "$img" 2>&1 >/dev/null)"
else
	pass "josfsck clean image: no problem lines"
fi

# --list names every file and directory with its type and size.
"$CK" --list "$img" >"$tmp/list"
want=$( (cd "$tree" && find . -mindepth 1 -printf '%y /%P\n') | sed 's/^f /- /' | LC_ALL=C sort)
got=$(grep -v ' /$' "$tmp/list" | grep -v "^$img:" | awk '{ t = $1; $1 = ""; $2 = ""; sub(/^  /, ""); print t " " $0 }' | LC_ALL=C sort)
if [ "$want" = "$got" ]; then pass "josfsck --list shows all"; else fail "josfsck --list shows all" "$(diff <(echo "$want") <(echo "$got"))"; fi
if grep -qE '^-     200000 /indirect\.bin$' "$tmp/list" && grep -qE '^d      12288 /many$' "$tmp/list"; then
	pass "josfsck --list sizes"
else
	fail "josfsck --list sizes" "$(cat "$tmp/list")"
fi

# --extract gives back every file byte for byte.
bad=
while IFS= read -r -d '' f; do
	rel=${f#"$tree"}
	if ! timeout 10 "$CK" --extract "$rel" -o "$tmp/out" "$img" 2>/dev/null || ! cmp -s "$f" "$tmp/out"; then
		bad="$bad $rel"
	fi
done < <(find "$tree" -type f -print0)
if [ -z "$bad" ]; then pass "josfsck --extract: identical bytes"; else fail "josfsck --extract: identical bytes" "differ:$bad"; fi
if timeout 10 "$CK" -x a//b/c/deep.txt -o - "$img" | cmp -s - "$tree/a/b/c/deep.txt"; then
	pass "josfsck --extract to stdout, path normalized"
else
	fail "josfsck --extract to stdout, path normalized"
fi
expect "josfsck --extract a directory" 1 "is a directory" "$CK" -x /a -o "$tmp/out" "$img"
expect "josfsck --extract a missing file" 1 "no such file" "$CK" -x /nope -o "$tmp/out" "$img"

# Deterministic: a copy of the tree (other inode and readdir order) gives the same bytes.
cp -r "$tree" "$tmp/tree2"
"$MK" -q --size 8M "$tmp/rt2.img" "$tmp/tree2"
if cmp -s "$img" "$tmp/rt2.img"; then pass "mkjosfs is reproducible"; else fail "mkjosfs is reproducible"; fi

# ---- mkjosfs's errors ----------------------------------------------------------
expect "mkjosfs tree too big" 1 "needs [0-9]+ blocks, image has 1024; use --size" "$MK" "$tmp/x.img" "$tree"
cp "$img" "$tmp/keep.img"
"$MK" -q --size 12K "$img" "$tree" 2>/dev/null || true
if cmp -s "$img" "$tmp/keep.img" && [ -z "$(find "$tmp" -maxdepth 1 -name 'rt.img.*')" ]; then
	pass "mkjosfs failure leaves IMAGE as it was"
else
	fail "mkjosfs failure leaves IMAGE as it was"
fi
mkdir "$tmp/longname"; : >"$tmp/longname/${long}x"
expect "mkjosfs name too long" 1 "name is 128 bytes, JOS allows 127" "$MK" "$tmp/x.img" "$tmp/longname"
mkdir "$tmp/huge"; head -c 4235265 /dev/zero >"$tmp/huge/f"
expect "mkjosfs file too large" 1 "JOS files hold at most 4235264" "$MK" --size 8M "$tmp/x.img" "$tmp/huge"
mkdir "$tmp/link"; ln -s /etc/passwd "$tmp/link/l"
expect "mkjosfs symlink" 1 "is a symbolic link" "$MK" "$tmp/x.img" "$tmp/link"
expect "mkjosfs bad size" 2 "not a multiple of 4096" "$MK" --size 5000 "$tmp/x.img" "$tree"
expect "mkjosfs size over 3G" 2 "3 GiB" "$MK" -s 4G "$tmp/x.img" "$tree"
expect "mkjosfs not a directory" 1 "not a directory" "$MK" "$tmp/x.img" "$tree/empty"
expect "mkjosfs usage" 2 "give IMAGE and DIR" "$MK" "$tmp/x.img"
expect "mkjosfs --help" 0 "^usage: mkjosfs" "$MK" --help
expect "josfsck usage" 2 "exactly one IMAGE" "$CK"
expect "josfsck -x without -o" 2 "go together" "$CK" -x /a "$img"
expect "josfsck missing image" 2 "cannot open" "$CK" "$tmp/none.img"
expect "josfsck --help" 0 "^usage: josfsck" "$CK" --help

# ---- the default disk --------------------------------------------------------------
"$MK" -q "$tmp/default.img" "$top/guest/disk"
expect "default disk is clean" 0 "files, 2 directories, [0-9]+ blocks used of 1024" "$CK" "$tmp/default.img"
"$CK" -l "$tmp/default.img" >"$tmp/dlist"
if grep -q ' /motd_guest$' "$tmp/dlist" && grep -q ' /lorem$' "$tmp/dlist" &&
   grep -q '^d .* /docs$' "$tmp/dlist" && awk '$1 == "-" && $2 > 40960 { n++ } END { exit !n }' "$tmp/dlist"; then
	pass "default disk has motd_guest, lorem, docs/ and a file > 40 KiB"
else
	fail "default disk has motd_guest, lorem, docs/ and a file > 40 KiB" "$(cat "$tmp/dlist")"
fi
if [ -f "$top/build/guest/fs.img" ]; then
	if cmp -s "$tmp/default.img" "$top/build/guest/fs.img"; then
		pass "build/guest/fs.img is guest/disk"
	else
		fail "build/guest/fs.img is guest/disk" "stale? run make"
	fi
fi

# ---- corrupt images ----------------------------------------------------------------
# base: / = big (13 blocks: indirect), d/ = { e/ = { g }, f }, f1 (2 blocks).
small=$tmp/small
mkdir -p "$small/d/e"
head -c 50000 /dev/urandom >"$small/big"
printf 'f\n' >"$small/d/f"
printf 'g\n' >"$small/d/e/g"
head -c 5000 /dev/urandom >"$small/f1"
base=$tmp/base.img
"$MK" -q --size 128K "$base" "$small"
R=$(get_u32 "$base" $((ROOT + F_DIRECT)))	# root directory block
ent() { echo $((R * BS + $1 * 256)); }		# root entries, sorted: big d f1
BIG=$(ent 0) D=$(ent 1) F1=$(ent 2)
DB=$(get_u32 "$base" $((D + F_DIRECT)))		# d's block: entries e f
E=$((DB * BS))
F1B=$(get_u32 "$base" $((F1 + F_DIRECT)))
BIGB=$(get_u32 "$base" $((BIG + F_DIRECT)))
BIGI=$(get_u32 "$base" $((BIG + F_INDIRECT)))
expect "corrupt: base image is clean" 0 "4 files, 3 directories" "$CK" "$base"

n=0
# corrupt NAME PATTERN EDIT...: copy the base image, apply the edit (a
# command with IMG standing for the copy), expect exit 1 and PATTERN.
corrupt() {
	local name=$1 pat=$2 c
	shift 2
	n=$((n + 1))
	c=$tmp/c$n.img
	cp "$base" "$c"
	"${@//IMG/$c}"
	expect "corrupt: $name" 1 "$pat" "$CK" "$c"
}
corrupt "bad magic" "superblock: bad magic 0x00000000" put_u32 IMG $BS 0
corrupt "truncated mid-block" "not a whole number of 4096-byte blocks" truncate -s 10000 IMG
corrupt "truncated to 8 blocks" "nblocks 32, but the image file has only 8 blocks" truncate -s $((8 * BS)) IMG
corrupt "too small" "less than 3 blocks" truncate -s $((2 * BS)) IMG
corrupt "nblocks too small" "nblocks 2 is too small" put_u32 IMG $((BS + 4)) 2
corrupt "root not a directory" "/: the root is not a directory" put_u32 IMG $((ROOT + F_TYPE)) 0
corrupt "block out of range" "/f1: file block 0 is disk block 99999, out of range" put_u32 IMG $((F1 + F_DIRECT)) 99999
corrupt "indirect entry out of range" "/big: file block 10 is disk block 70000, out of range" put_u32 IMG $((BIGI * BS)) 70000
corrupt "reserved block" "/f1: file block 1 is disk block 1, a reserved block \(superblock\)" put_u32 IMG $((F1 + F_DIRECT + 4)) 1
corrupt "block used twice" "/f1: file block 0 is disk block $BIGB, also used by /big" put_u32 IMG $((F1 + F_DIRECT)) "$BIGB"
corrupt "bitmap says free but used" "/f1: file block 0 is disk block $F1B, in use but marked free in the bitmap" \
	put_u32 IMG $((2 * BS)) $((0xffffffff))
corrupt "directory points at root (course pattern)" "/d: directory cycle: file block 0 is disk block $R, a block of /," \
	put_u32 IMG $((D + F_DIRECT)) "$R"
corrupt "directory points at itself" "/d/e: directory cycle: file block 0 is disk block $DB, a block of /d," \
	put_u32 IMG $((E + F_DIRECT)) "$DB"
corrupt "deep directory points at root" "/d/e: directory cycle: file block 0 is disk block $R, a block of /," \
	put_u32 IMG $((E + F_DIRECT)) "$R"
corrupt "negative size" "/f1: size -16 is negative" put_u32 IMG $((F1 + F_SIZE)) $((0xfffffff0))
corrupt "huge size" "/f1: size 2147483647 is over JOS's largest file" put_u32 IMG $((F1 + F_SIZE)) $((0x7fffffff))
corrupt "directory size not a multiple of 4096" "/d: directory size 100 is not a multiple of 4096" \
	put_u32 IMG $((D + F_SIZE)) 100
corrupt "unknown type" "/f1: unknown type 7" put_u32 IMG $((F1 + F_TYPE)) 7
corrupt "name without NUL" "/A{128}: name is not NUL-terminated" put_str IMG "$F1" "$(printf 'A%.0s' $(seq 128))"
corrupt "name with a slash" "/a\\\\x2fb: name contains '/'" put_str IMG "$F1" "a/b"
corrupt "duplicate name" "/f1: duplicate name in /" put_str IMG "$BIG" "f1"
corrupt "reserved block marked free" "bitmap: reserved block 1 \(superblock\) is marked free" put_u32 IMG $((2 * BS)) 2
# /d's block is the last of a 4 MiB image, all 'A': 16 unterminated names running up to the
# end of the mapping.  Sorting them by name once read past it (a crash, when the mapping is
# large enough to have nothing after it); no name may be read past its 128 bytes.
"$MK" -q --size 4M "$tmp/end.img" "$small"
head -c $BS /dev/zero | tr '\0' 'A' | dd of="$tmp/end.img" bs=$BS seek=1023 conv=notrunc status=none
put_u32 "$tmp/end.img" $(($(get_u32 "$tmp/end.img" $((ROOT + F_DIRECT))) * BS + 256 + F_DIRECT)) 1023
expect "corrupt: unterminated names up to the end of the image" 1 "/d/A{128}: name is not NUL-terminated" \
	"$CK" "$tmp/end.img"
# A leak is only a warning: JOS works, the space is lost.
cp "$base" "$tmp/leak.img"; put_u32 "$tmp/leak.img" $((2 * BS)) 0
expect "leaked blocks: warning, exit 0" 0 "warning: [0-9]+ blocks marked in use but reachable from no file" "$CK" "$tmp/leak.img"

# Garbage: random bytes, then random bytes behind a valid superblock, then
# the valid image with random metadata bytes overwritten.  Any verdict but
# a hang or a crash (exit > 2) will do; random bytes must not pass.
RANDOM=4242
head -c $((32 * BS)) /dev/urandom >"$tmp/garbage.img"
expect "garbage" 1 "bad magic" "$CK" "$tmp/garbage.img"
put_u32 "$tmp/garbage.img" $BS $((0x4A0530AE))
put_u32 "$tmp/garbage.img" $((BS + 4)) 32
put_u32 "$tmp/garbage.img" $((ROOT + F_TYPE)) 1
put_u32 "$tmp/garbage.img" $((ROOT + F_SIZE)) $((10 * BS))
expect "garbage behind a valid superblock" 1 "" "$CK" "$tmp/garbage.img"
bad=
for i in $(seq 60); do
	cp "$base" "$tmp/fuzz.img"
	for _ in 1 2 3 4 5 6 7 8; do
		case $((RANDOM % 3)) in
		0) off=$((BS + RANDOM % 512)) ;;
		1) off=$((R * BS + RANDOM % 768)) ;;
		2) off=$((DB * BS + RANDOM % 512)) ;;
		esac
		put_u32 "$tmp/fuzz.img" "$off" $((RANDOM * 65536 + RANDOM))
	done
	rc=0
	timeout 10 "$CK" --list "$tmp/fuzz.img" >/dev/null 2>&1 || rc=$?
	[ "$rc" -le 1 ] || bad="$bad $i:rc=$rc"
done
if [ -z "$bad" ]; then pass "fuzzed metadata: no hang, no crash"; else fail "fuzzed metadata: no hang, no crash" "$bad"; fi

if [ "$failures" -ne 0 ]; then
	echo "$failures josfs check(s) failed"
	exit 1
fi
