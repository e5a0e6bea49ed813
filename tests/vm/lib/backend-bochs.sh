# shellcheck shell=bash
# Bochs backend: software VMX (EPT, VPID, unrestricted guest, preemption
# timer...) on machines without VMX. Boots the suite's ISO from tests/vm/lib/iso.sh.

# bochs_write_config WD CPUS IPS: bochsrc + debugger rc file in WD.
bochs_write_config() {
	local wd=$1 cpus=$2 ips=$3
	# Debian's bochs includes the debugger, which stops at the first
	# instruction unless its rc file says "c" (continue).
	echo c >"$wd/bochs.rc"
	# speaker/sound: without them Bochs aborts at start after ALSA errors.
	# rfb with timeout=0: Debian's Bochs has no "nogui"; rfb does not wait
	# for a viewer and binds the first free port of 5900-5949 itself.
	# clock sync=none: guest time follows the instruction count (ips), so
	# idle time is skipped on 1 CPU and results do not depend on host load.
	cat >"$wd/bochsrc" <<CFG
megs: 512
cpu: model=corei7_skylake_x, count=$cpus, ips=$ips
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=boot.iso, status=inserted
boot: cdrom
clock: sync=none
com1: enabled=1, mode=file, dev=serial.log
log: bochs.log
panic: action=fatal
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
display_library: rfb, options="timeout=0"
CFG
	# The live demo's interactive line: ttyS1 to tests/run's serial-bridge.
	if [ -n "${JVMM_VM_SERIAL2_PORT:-}" ]; then
		echo "com2: enabled=1, mode=socket-client, dev=localhost:$JVMM_VM_SERIAL2_PORT" >>"$wd/bochsrc"
	fi
}

# bochs_start WD CPUS IPS: start Bochs in WD (which holds boot.iso); sets
# EMU_PID to the emulator's own pid and records the rfb port in WD/rfb-port.
bochs_start() {
	local wd=$1 cpus=$2 ips=$3 lock lockfd
	bochs_write_config "$wd" "$cpus" "$ips"
	: >"$wd/serial.log"
	# Two Bochs starting at once can race for the same rfb port (both bind
	# with SO_REUSEADDR, one then fails to listen and Bochs panics), so
	# starts are serialized machine-wide until the port is taken.
	lock="${TMPDIR:-/tmp}/jvmm-bochs-start.lock"
	exec {lockfd}>>"$lock"
	flock "$lockfd"
	# "exec" so that the pid we hold is the emulator's (bochs is a wrapper
	# that execs bochs-bin); the lock fd must not stay open in Bochs.
	(
		cd "$wd" || exit 1
		exec {lockfd}>&-
		exec bochs -q -rc bochs.rc -f bochsrc </dev/null >bochs.stdout 2>&1
	) &
	EMU_PID=$!
	echo "$EMU_PID" >"$wd/emu.pid"
	for _ in $(seq 1 100); do
		grep -q 'Trying port' "$wd/bochs.log" 2>/dev/null && break
		kill -0 "$EMU_PID" 2>/dev/null || break
		sleep 0.1
	done
	sleep 1   # bind+listen follow the last "Trying port" line
	sed -n 's/.*RFB.*Trying port \([0-9]*\).*/\1/p' "$wd/bochs.log" 2>/dev/null | tail -n 1 >"$wd/rfb-port"
	flock -u "$lockfd"
	exec {lockfd}>&-
}

# Lines that show the VM started over (panic=-1 reboot, triple fault).
bochs_boot_count() {
	grep -c "Booting \`jvmm'" "$1" 2>/dev/null || true
}
