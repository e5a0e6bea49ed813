# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 300
#
# jlaunch's file server against a hostile test kernel (tests/vm/progs/
# kernels/fileserver.S): OPEN of other paths, gpas outside RAM, lengths
# over a page, negative offsets, offsets past the end, unknown requests,
# a wrong destination: each gets its JOS error and jlaunch keeps running.
# Also: disk options that are bad input, and the image lock.
. ./cases/lib.sh

K=/jvmm/kernels
OUT=/tmp/jlaunch-disk
mkdir -p $OUT

has() {
	grep -qF -- "$2" $OUT/$1 || fail "$1: no '$2' in jlaunch's output"
}

load_jvmm

# Any image will do for the server: 64 KiB, "JVMMDISK" at the start of block 1.
dd if=/dev/zero of=$OUT/disk.img bs=4096 count=16 2>/dev/null
printf 'JVMMDISK' | dd of=$OUT/disk.img bs=1 seek=4096 conv=notrunc 2>/dev/null
sha_before=$(sha256sum <$OUT/disk.img)

jlaunch --stats --disk $OUT/disk.img $K/fileserver.elf >$OUT/hostile 2>&1
rc=$?
sed 's/^/  | /' $OUT/hostile
[ $rc -eq 0 ] || fail "the hostile kernel: jlaunch exited $rc, expected 0"
E_INVAL=fffffffd
for line in "open-other rax 00000000 rsi fffffff4" \
	    "open rax 00000000 rsi 00000000" \
	    "fd 00000066 00000001" \
	    "stat rax 00000000 rsi 00000000" \
	    "read rax 00000000 rsi 00000008" \
	    "4d4d564a4b534944 00001008" \
	    "read-bad-gpa rax 00000000 rsi $E_INVAL" \
	    "read-unaligned rax 00000000 rsi $E_INVAL" \
	    "read-long rax 00000000 rsi $E_INVAL" \
	    "write-long rax 00000000 rsi $E_INVAL" \
	    "read-negative rax 00000000 rsi $E_INVAL" \
	    "read-past-end rax 00000000 rsi $E_INVAL" \
	    "write-past-end rax 00000000 rsi $E_INVAL" \
	    "read-at-end rax 00000000 rsi 00000000" \
	    "read-bad-fileid rax 00000000 rsi $E_INVAL" \
	    "request-99 rax 00000000 rsi $E_INVAL" \
	    "remove rax 00000000 rsi fffffff0" \
	    "send-wrong-dest rax $E_INVAL" \
	    "recv-nothing rax $E_INVAL" \
	    "fileserver: done"; do
	has hostile "$line"
done
ok "OPEN of another path: -E_NOT_FOUND; the disk's Fd ('f', non-zero id) in the IPCRECV page"
ok "READ gives the image's bytes over the request page and advances the Fd offset"
ok "bad gpa, unaligned page, > 1 page, negative offset, past the end, bad file id, unknown request: -E_INVAL; REMOVE: -E_NOT_SUPP"
ok "IPCSEND to another destination and IPCRECV with nothing pending: -E_INVAL in RAX"
has hostile "file-server request"
has hostile "disk: 8 bytes read, 0 bytes written, 11 requests refused"
ok "--stats counts file-server requests by type and bytes moved"
[ "$(sha256sum <$OUT/disk.img)" = "$sha_before" ] || fail "refused writes changed the image"
ok "no refused request changed the image"

bad() {
	name=$1 text=$2
	shift 2
	jlaunch "$@" </dev/null >$OUT/$name 2>&1
	rc=$?
	cat $OUT/$name
	[ $rc -eq 2 ] || fail "$name: status $rc, expected 2"
	has "$name" "$text"
}
bad missing-disk "/nonexistent.img: No such file or directory" --disk /nonexistent.img $K/hello.elf
bad dir-disk "/tmp: Is a directory" --disk /tmp $K/hello.elf
head -c 1000 $OUT/disk.img >$OUT/short.img
bad short-disk "1000 bytes is not a disk image" --disk $OUT/short.img $K/hello.elf
bad two-modes "--readonly and --snapshot: choose one" --readonly --snapshot $K/hello.elf
ok "a missing, non-file or short image, or two disk modes: status 2 and a message"

# The lock: a second launcher cannot use an image a first one writes.
: >$OUT/first
jlaunch --disk $OUT/disk.img $K/spin.elf </dev/null >>$OUT/first 2>&1 &
first=$!
i=0
while ! grep -q spinning $OUT/first && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
bad locked "$OUT/disk.img: in use by another launcher" --disk $OUT/disk.img $K/hello.elf
bad locked-snapshot "in use by another launcher" --snapshot --disk $OUT/disk.img $K/hello.elf
kill -TERM $first
wait $first
jlaunch --readonly --disk $OUT/disk.img $K/hello.elf </dev/null >$OUT/after 2>&1 ||
	fail "the image stayed locked after the first launcher ended"
ok "the image is locked while a launcher uses it, and free again after"
expect_no_jvmm_objects "the disk tests"
unload_jvmm
