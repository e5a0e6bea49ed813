# SPDX-License-Identifier: GPL-2.0
# suites: demo
# timeout: 3600
#
# The README's first command: load jvmm in the test VM and boot our JOS-
# compatible guest with jlaunch, showing the guest's console: its boot
# lines, the disk's message of the day, and the shell running a few
# commands.  When the runner was started on a terminal, the guest's shell
# is then offered on that terminal (the VM's second serial line) until
# 'exit' or Ctrl-A x.
. ./cases/lib.sh

echo "== insmod jvmm.ko on a VM with $(online_cpus | wc -l) CPU(s), kernel $(uname -r)"
mark demo-load
load_jvmm
since_mark | grep 'jvmm: '

echo "== jlaunch: our guest from real mode at 0x7000 to its shell, commands from a script"
cp /jvmm/guest/fs.img /tmp/demo-fs.img
printf '%s\n' help 'echo hello from the jvmm guest' cpuid mem 'ls -l' 'cat /lorem' \
	'echo written in the guest > /note' 'cat /note' df exit |
	jlaunch --disk /tmp/demo-fs.img --stats || fail "jlaunch ended with status $?"
echo "== jlaunch exited with status 0 (the guest powered off)"

if grep -q 'jvmm.tty=ttyS1' /proc/cmdline; then
	echo "== your turn: the guest's shell on this terminal ('help' lists commands;"
	echo "   'exit' powers the guest off, Ctrl-A x quits jlaunch)"
	# The host shows this serial line about a second late: let it catch
	# up before the guest starts talking on the other one.
	sleep 2
	jlaunch --disk /tmp/demo-fs.img </dev/ttyS1 >/dev/ttyS1 2>&1
	echo "== jlaunch exited with status $?"
fi

echo "== rmmod jvmm"
mark demo-unload
unload_jvmm
since_mark | grep 'jvmm: '
