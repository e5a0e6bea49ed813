# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 400
#
# jlaunch with tiny test kernels (tests/vm/progs/kernels): hypercall
# answers and the MBMAP layout, unknown ports, --stats and --trace, how
# guest failures end (status 1 and a message), every bad input (status 2,
# a message naming the file, no VM created), and SIGINT to a busy guest on
# a terminal (status 130, terminal restored, VM freed).
. ./cases/lib.sh

K=/jvmm/kernels
OUT=/tmp/jlaunch-kernels
mkdir -p $OUT

# run NAME STATUS [ARGS...]: jlaunch ARGS, its output in $OUT/NAME, status checked.
run() {
	name=$1 want=$2
	shift 2
	jlaunch "$@" </dev/null >$OUT/$name 2>&1
	rc=$?
	sed 's/^/  | /' $OUT/$name
	[ $rc -eq "$want" ] || fail "$name: jlaunch $* exited $rc, expected $want"
}
# has NAME TEXT: the output of run NAME contains TEXT.
has() {
	grep -qF -- "$2" $OUT/$1 || fail "$1: no '$2' in jlaunch's output"
}

load_jvmm

run hello 0 --stats $K/hello.elf
has hello "hello from the test kernel"
has hello "port 0x80 reads 000000ff"
has hello "unknown port 0x0080: 2"
has hello "exit reason"
ok "a kernel runs, prints, powers off (status 0); unknown port 0x80 reads all ones and --stats counts it"

run hello-trace 0 --trace $K/hello.elf
has hello-trace "exit io in  port 0x0080 size 1 -> 0xff (unknown port)"
has hello-trace "exit io out port 0x0604 size 2 <- 0x2000 (acpi-pm1a)"
ok "--trace shows each exit, unknown ports by name"

run hypercalls 0 $K/hypercalls.elf
for line in "hc 00000001 rax 00000000 rbx 00006000" \
	    "mbinfo 00000040 00000048 00006034" \
	    "mmap 00000000 000a0000 00000001" \
	    "mmap 000a0000 00060000 00000002" \
	    "mmap 00100000 00f00000 00000001" \
	    "hc 00000006 rax 00000001 rbx 5a5a5a5a" \
	    "hc 00000004 rax 00000000" \
	    "hc 00000007 rax fffffff9" "hc 00000008 rax fffffff9" "hc 00000009 rax fffffff9" \
	    "hc 00000000 rax fffffff9" "hc 0000000a rax fffffff9" "hc 00000063 rax fffffff9" \
	    "hc 7fffffff rax fffffff9"; do
	has hypercalls "$line"
done
ok "MBMAP writes the contract's layout at 0x6000 (RBX); GETDISKIMGNUM 1; LAPICEOI 0; other numbers -E_NO_SYS"

run backtohost 0 $K/backtohost.elf
has backtohost "asking to go back to the host"
has backtohost "jlaunch: the guest asked to go back to the host (BACKTOHOST); stopped"
ok "BACKTOHOST (hypercall 5) ends the run with status 0 and says why"

run mem64 0 --mem 64 $K/hypercalls.elf
has mem64 "mmap 00100000 03f00000 00000001"
ok "--mem 64: the memory map ends at 64 MiB"

run triple 1 $K/triple.elf
has triple "about to triple-fault"
has triple "jlaunch: guest failed: triple fault (shutdown) at RIP 0x"
run triple-trace 1 --trace $K/triple.elf
has triple-trace "jlaunch: exit shutdown (8)"
has triple-trace "  rip="
has triple-trace "  cs  sel=0008"
ok "a triple fault ends jlaunch with status 1, the reason and RIP; --trace adds registers"

run outs 1 $K/outs.elf
has outs "jlaunch: guest failed: internal error 1 (instruction not emulated) at RIP 0x"
ok "an instruction jvmm does not emulate (rep outsb) gives status 1 and a message"

run halt 1 $K/halt.elf
has halt "halting with interrupts off"
has halt "the guest halted with interrupts disabled"
ok "a guest halted for good (its panic) gives status 1 and a message"

# Bad input: status 2, the file and the problem named, and no VM made.
cp $K/hello.elf $OUT/elf32.elf
printf '\001' | dd of=$OUT/elf32.elf bs=1 seek=4 conv=notrunc 2>/dev/null
head -c 40 $K/hello.elf >$OUT/truncated.elf
cp $K/hello.elf $OUT/far.elf
printf '\000\000\377\177' | dd of=$OUT/far.elf bs=1 seek=88 conv=notrunc 2>/dev/null
head -c 512 /jvmm/bin/jtest >$OUT/nosig.bin
cp $K/hello.elf $OUT/private.elf
chmod 600 $OUT/private.elf
chmod 755 $OUT

bad() {
	name=$1 text=$2
	shift 2
	run "$name" 2 "$@"
	has "$name" "$text"
	[ "$(wc -l <$OUT/$name)" -le 2 ] || fail "$name: more than a line or two for one bad input"
}
bad missing "jlaunch: /nonexistent.elf: cannot open" /nonexistent.elf
bad not-elf "/jvmm/cases/lib.sh: not an ELF file" /jvmm/cases/lib.sh
bad elf32 "$OUT/elf32.elf: 32-bit ELF" $OUT/elf32.elf
bad truncated "$OUT/truncated.elf: truncated ELF header" $OUT/truncated.elf
bad outside-ram "$OUT/far.elf: segment 0 at physical 0x7fff0000" $OUT/far.elf
bad over-boot "$K/at7000.elf: segment 0 at physical 0x7000" $K/at7000.elf
bad boot-big "$K/hello.elf: boot sector is" --boot $K/hello.elf $K/hello.elf
bad boot-sig "$OUT/nosig.bin: 512 bytes without the 0x55AA signature" --boot $OUT/nosig.bin $K/hello.elf
bad mem-small "--mem 1: give guest RAM in MiB, from 2 to 3072" --mem 1 $K/hello.elf
bad mem-large "--mem 4096: give guest RAM in MiB" --mem 4096 $K/hello.elf
bad mem-word "--mem lots: give guest RAM in MiB" --mem lots $K/hello.elf
bad no-device "/dev/nonexistent: No such file or directory; is the module loaded?" --device /dev/nonexistent $K/hello.elf
bad two-kernels "only one KERNEL" $K/hello.elf $K/hello.elf
bad bad-option "unrecognized option '--bogus'" --bogus
jtest as-user 65534 jlaunch $OUT/private.elf >$OUT/unreadable 2>&1
rc=$?
cat $OUT/unreadable
[ $rc -eq 2 ] || fail "unreadable kernel: status $rc, expected 2"
has unreadable "$OUT/private.elf: cannot open kernel: Permission denied"
expect_no_jvmm_objects "the bad inputs (none made a VM)"
ok "every bad input: status 2 and one message naming the file and the problem"

# SIGINT while a guest spins without exits, on a terminal.
jtest tty --wait spinning --signal 2 jlaunch $K/spin.elf >$OUT/sigint 2>&1
rc=$?
cat $OUT/sigint
[ $rc -eq 0 ] || fail "SIGINT on a terminal: a terminal check failed"
has sigint "jlaunch: stopped by Interrupt"
has sigint "exit status 130"
expect_no_jvmm_objects "SIGINT to jlaunch"
ok "SIGINT stops a spinning guest: status 130, terminal restored, VM freed"

unload_jvmm
