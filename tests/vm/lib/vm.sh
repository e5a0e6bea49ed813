# shellcheck shell=bash
# Boot one suite's VM, watch its serial log, stop it, and record why it stopped.
#
# Panic policy: the kernel runs with panic=-1 (reboot at once instead of
# hanging). QEMU gets -no-reboot, so it exits. Bochs would reboot, so the
# watcher kills it as soon as "Kernel panic - not syncing" is on the serial
# line (after the trace's "end Kernel panic" line, or 5 s), and also if GRUB
# shows up a second time (any other unexpected reset). Either way the run
# ends within seconds and the panic is reported, never a timeout.

# Kernel command line shared by both backends. quiet: kernel console output
# is busy-polled serial I/O, very slow in Bochs (see tests/vm/init); /init
# reports warnings from dmesg instead. JVMM_CONSOLE_LOGLEVEL=N (e.g. 7) adds
# loglevel=N to see everything live while debugging a hang, at that cost;
# JVMM_KERNEL_ARGS adds any other kernel arguments.
# clearcpuid=avx512f: Bochs' Skylake-X XSAVE size makes the kernel WARN at
# boot otherwise. tsc=reliable: no clocksource watchdog noise.
vm_cmdline() {
	local suite=$1 only=${2:-}
	local args="console=ttyS0,115200 tsc=reliable lpj=1000000 quiet clearcpuid=avx512f panic=-1"
	[ -n "${JVMM_CONSOLE_LOGLEVEL:-}" ] && args="$args loglevel=$JVMM_CONSOLE_LOGLEVEL"
	[ -n "${JVMM_KERNEL_ARGS:-}" ] && args="$args $JVMM_KERNEL_ARGS"
	# vm1-noxsave: a host without OSXSAVE (no XGETBV/XSETBV/XSAVE in the kernel).
	[ "$suite" = vm1-noxsave ] && args="$args noxsave"
	# The fuzz suite's seed and call count, for tests/vm/cases/fuzz.sh.
	[ "$suite" = fuzz ] && args="$args jvmm.fuzz_seed=${JVMM_FUZZ_SEED:-1} jvmm.fuzz_calls=${JVMM_FUZZ_CALLS:-1000000}"
	args="$args jvmm.suite=$suite"
	# The demo's interactive line (tests/run starts it on a terminal).
	[ "$suite" = demo ] && [ -n "${JVMM_VM_SERIAL2_PORT:-}" ] && args="$args jvmm.tty=ttyS1"
	[ -n "$only" ] && args="$args jvmm.only=$only"
	printf '%s\n' "$args"
}

# suite_limit_var SUITE: the variable that sets SUITE's time limit.
suite_limit_var() {
	case "$1" in
	vm1-7x) echo JVMM_VM1_7X_TIMEOUT ;;
	*) printf 'JVMM_%s_TIMEOUT\n' "$(printf '%s' "$1" | tr 'a-z-' 'A-Z_')" ;;
	esac
}

# vm_stop PID: TERM, then KILL; only ever the emulator pid we started.
vm_stop() {
	local pid=$1
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# vm_run_suite SUITE WD: runs in a background subshell of tests/run.
# Needs in WD: cmdline, backend (bochs, qemu or qemu-tcg), limit (s); for
# Bochs boot.iso, for QEMU vmlinuz and initrd (files naming their paths).
# Writes WD/reason (empty = reached @@JVMM DONE), WD/wall (seconds),
# WD/boot (seconds until @@JVMM START, if seen), WD/timeline (wall seconds
# at each case's BEGIN and END).
vm_run_suite() {
	local suite=$1 wd=$2 cpus limit log t0 now started_at='' done_at='' panic_at=''
	local reason='' rc backend
	cpus=$(suite_cpus "$suite")
	limit=$(cat "$wd/limit")
	backend=$(cat "$wd/backend")
	log="$wd/serial.log"
	EMU_PID=
	# Killed (Ctrl-C, tests/run stopping) or died on an error: never leave
	# an emulator behind.
	trap '[ -z "$EMU_PID" ] || vm_stop "$EMU_PID"' EXIT
	trap 'exit 143' TERM INT HUP

	t0=$(now_s)
	case "$backend" in
	bochs)
		bochs_start "$wd" "$cpus" "$(suite_bochs_ips "$suite")"
		note "$suite: Bochs pid $EMU_PID, $cpus CPU(s), ips $(suite_bochs_ips "$suite"), rfb port $(cat "$wd/rfb-port" 2>/dev/null), limit $limit s"
		;;
	qemu)
		qemu_start "$wd" "$(cat "$wd/vmlinuz")" "$(cat "$wd/initrd")" "$(cat "$wd/cmdline")" "$cpus" kvm
		note "$suite: QEMU/KVM pid $EMU_PID, $cpus CPU(s), limit $limit s"
		;;
	qemu-tcg)
		qemu_start "$wd" "$(cat "$wd/vmlinuz")" "$(cat "$wd/initrd")" "$(cat "$wd/cmdline")" "$cpus" tcg
		note "$suite: QEMU/TCG (no VMX) pid $EMU_PID, $cpus CPU(s), limit $limit s"
		;;
	*) die "vm_run_suite: unknown backend '$backend'" ;;
	esac

	local nmarks=0 n
	: >"$wd/timeline"
	while :; do
		now=$(now_s)
		# Wall-clock time of each case's BEGIN and END (guest time is in
		# the END line): WD/timeline, kept with the logs.
		n=$(grep -ac '^@@JVMM \(BEGIN\|END\) ' "$log" || true)
		if [ "$n" -gt "$nmarks" ]; then
			grep -a '^@@JVMM \(BEGIN\|END\) ' "$log" | tail -n +"$((nmarks + 1))" | tr -d '\r' |
				sed "s/^/$((now - t0)) s: /" >>"$wd/timeline"
			nmarks=$n
		fi
		if ! kill -0 "$EMU_PID" 2>/dev/null; then
			rc=0
			wait "$EMU_PID" 2>/dev/null || rc=$?
			if ! grep -q '@@JVMM DONE' "$log"; then
				if grep -q 'Kernel panic - not syncing' "$log"; then
					reason="kernel panic; VM stopped"
				else
					reason="emulator exited (rc=$rc) before @@JVMM DONE; see ${backend%-tcg}.log"
				fi
			fi
			break
		fi
		if [ -z "$started_at" ] && grep -q '@@JVMM START' "$log"; then
			started_at=$now
			note "$suite: /init started after $((now - t0)) s"
		fi
		if [ -z "$done_at" ] && grep -q '@@JVMM DONE' "$log"; then
			done_at=$now
		fi
		# DONE is the last line /init prints, so once it is in the file
		# the output is complete. /init then drains the UART and powers
		# off, but on the 2-CPU Bochs every guest second spent waiting
		# costs ~50 s of wall time: don't wait for that, stop the VM.
		if [ -n "$done_at" ] && [ $((now - done_at)) -ge 2 ]; then
			break
		fi
		if [ -z "$panic_at" ] && grep -q 'Kernel panic - not syncing' "$log"; then
			panic_at=$now
		fi
		if [ -n "$panic_at" ]; then
			if grep -q 'end Kernel panic' "$log" || [ $((now - panic_at)) -ge 5 ]; then
				reason="kernel panic; VM stopped"
				break
			fi
		fi
		if [ "$backend" = bochs ] && [ "$(bochs_boot_count "$log")" -gt 1 ]; then
			reason="VM rebooted unexpectedly (reset or triple fault); stopped"
			break
		fi
		if [ $((now - t0)) -ge "$limit" ]; then
			reason="VM did not finish in $limit s (a hang? the serial log says where; a slow machine: raise $(suite_limit_var "$suite"))"
			break
		fi
		sleep 1
	done
	vm_stop "$EMU_PID"
	EMU_PID=
	rm -f "$wd/emu.pid"
	printf '%s\n' "$reason" >"$wd/reason"
	echo $(($(now_s) - t0)) >"$wd/wall"
	[ -n "$started_at" ] && echo $((started_at - t0)) >"$wd/boot"
	return 0
}

# vm_live_follow LOG PID [PREFIX]: print the serial log as it grows, from
# @@JVMM START on, with the protocol lines removed, until PID exits.
vm_live_follow() {
	local log=$1 pid=$2 prefix=${3:-}
	tail -n +1 -F --pid="$pid" "$log" 2>/dev/null |
		awk -v prefix="$prefix" '
		{ gsub(/\r/, "") }
		!on { if (index($0, "@@JVMM START")) on = 1; next }
		index($0, "@@JVMM DONE") { on = 0; stop = 1 }
		stop { next }
		{
			p = index($0, "@@JVMM ")
			if (p == 1) next
			if (p > 1) $0 = substr($0, 1, p - 1)
			print prefix $0
			fflush()
		}'
}
