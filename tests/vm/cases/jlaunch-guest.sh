# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 400
#
# jlaunch boots our own guest (guest/) with no arguments: from real mode at
# 0x7000 to the shell prompt; shell commands through a pipe and typed on a
# terminal; 'exit' powers off with status 0; --stats; --timer; the idle
# back-off; Ctrl-A x and SIGINT at the prompt restore the terminal.
. ./cases/lib.sh

OUT=/tmp/jlaunch-guest
mkdir -p $OUT

has() {
	grep -qF -- "$2" $OUT/$1 || fail "$1: no '$2' in the output"
}

# on_tty NAME WHAT (--send KEYS | --signal N): jlaunch on a pseudo-terminal
# once the prompt shows (jtest tty checks raw mode and the restore); its
# output in $OUT/NAME.
on_tty() {
	name=$1 what=$2
	shift 2
	jtest tty --wait 'vm$ ' "$@" jlaunch >$OUT/$name 2>&1
	rc=$?
	cat $OUT/$name
	[ $rc -eq 0 ] || fail "$what: a terminal check failed"
}

load_jvmm

printf 'help\necho hello from   the pipe\nmem\ncpuid\nticks\nnosuchcommand\nexit\n' |
	jlaunch --stats >$OUT/boot 2>&1
rc=$?
sed 's/^/  | /' $OUT/boot
[ $rc -eq 0 ] || fail "jlaunch with our guest exited $rc, expected 0 after 'exit'"
has boot "VMX extension hidden from guest."
has boot "6828 decimal is 15254 octal!"
has boot "vm$ "
ok "our guest boots from 0x7000 to the prompt 'vm\$ ' and says VMX is hidden"
has boot "hello from the pipe"
grep -q "^hello from the pipe" $OUT/boot || fail "echo did not print its arguments on a line of their own"
has boot "unknown command 'nosuchcommand'"
has boot "powering off"
ok "commands through stdin run (echo, unknown command) and 'exit' ends jlaunch with status 0"
has boot "15360"
has boot "640"
ok "mem shows what the memory map and CMOS gave (640 KiB base, 15360 KiB extended)"
has boot "vmx: hidden"
ok "cpuid reports VMX hidden"
has boot "exit reason"
has boot "hypercall"
has boot "MBMAP"
has boot "com1"
ok "--stats shows exits by reason, port I/O by device and hypercalls by number"
expect_no_jvmm_objects "the guest powered off"

{ sleep 3; printf 'ticks\nexit\n'; } | jlaunch --timer 100 --stats >$OUT/timer 2>&1
rc=$?
sed 's/^/  | /' $OUT/timer
[ $rc -eq 0 ] || fail "jlaunch --timer 100 exited $rc"
ticks=$(sed -n 's/^ticks: \([0-9]*\).*/\1/p' $OUT/timer | tail -1)
[ -n "$ticks" ] && [ "$ticks" -gt 0 ] || fail "--timer 100: the guest counted '$ticks' timer interrupts"
injected=$(sed -n 's/.*timer interrupts injected: \([0-9]*\).*/\1/p' $OUT/timer)
[ "$injected" -ge "$ticks" ] || fail "the guest counted $ticks ticks but jlaunch injected $injected"
has timer "LAPICEOI"
ok "--timer 100: $injected interrupts injected, the guest counted $ticks and answered LAPICEOI"
idle=$(sed -n 's/.*idle waits for input: \([0-9]*\).*/\1/p' $OUT/timer)
[ "$idle" -gt 0 ] || fail "no idle waits while the guest sat at its prompt for 3 s"
ok "a guest idle at its prompt made jlaunch wait for input ($idle waits) instead of spinning"

on_tty tty "typing on a terminal" --send 'echo typed on a terminal\rexit\r'
has tty "exit status 0"
[ "$(grep -c 'typed on a terminal' $OUT/tty)" -ge 2 ] || fail "the typed command was not echoed and run"
ok "on a terminal: raw mode, typed keys reach the shell, restored after exit"

on_tty escape "Ctrl-A x" --send '\x01x'
has escape "jlaunch: quit (Ctrl-A x)"
has escape "exit status 0"
ok "Ctrl-A x quits with status 0 and restores the terminal"

on_tty keys "Ctrl-A s / Ctrl-A h" --send '\x01s\x01hecho after the keys\rexit\r'
has keys "jlaunch: statistics after"
has keys "Ctrl-A x  quit"
has keys "exit status 0"
[ "$(grep -c 'after the keys' $OUT/keys)" -ge 2 ] || fail "keys after the Ctrl-A sequences did not reach the guest"
ok "Ctrl-A s prints statistics and Ctrl-A h the keys, without the guest seeing either"

on_tty ctrlz "Ctrl-Z (SIGTSTP)" --signal 20
has ctrlz "exit status 0"
ok "Ctrl-Z: jlaunch stops with the terminal restored, and is raw again after SIGCONT"

on_tty sigterm "SIGTERM" --signal 15
has sigterm "exit status 143"
expect_no_jvmm_objects "SIGTERM at the prompt"
ok "SIGTERM at the prompt: status 143, terminal restored, VM freed"

unload_jvmm
