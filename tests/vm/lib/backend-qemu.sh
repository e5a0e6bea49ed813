# shellcheck shell=bash
# QEMU backend, two ways:
#   kvm  on hosts with VMX and nested KVM (what "--backend qemu" and auto
#        pick): -enable-kvm -cpu host, the guest gets real (nested) VMX and
#        boots in seconds;
#   tcg  QEMU's own CPU emulation, on any machine: it has no VMX, which is
#        what the tcg suite needs (jvmm must refuse to load there).
# Boots the kernel and initramfs directly (-kernel/-initrd): no ISO.

# qemu_usable: /dev/kvm, a vmx CPU and nested=Y/1 (what "--backend auto" checks).
qemu_usable() {
	[ -e /dev/kvm ] || return 1
	grep -qw vmx /proc/cpuinfo || return 1
	case "$(cat /sys/module/kvm_intel/parameters/nested 2>/dev/null)" in
	Y | y | 1) return 0 ;;
	esac
	return 1
}

# qemu_start WD VMLINUZ INITRD CMDLINE CPUS [kvm|tcg]: sets EMU_PID.
qemu_start() {
	local wd=$1 vmlinuz=$2 initrd=$3 cmdline=$4 cpus=$5 accel=${6:-kvm}
	local cpu_args=()
	case "$accel" in
	kvm) cpu_args=(-enable-kvm -cpu host) ;;
	# "max" is every CPUID feature TCG implements; VMX is not one of them.
	tcg) cpu_args=(-accel tcg -cpu max) ;;
	*) die "qemu_start: accel must be kvm or tcg, not '$accel'" ;;
	esac
	command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 not found; install qemu-system-x86 (tests/deps.sh --vm --backend qemu)"
	: >"$wd/serial.log"
	# -no-reboot: a panic (panic=-1 reboots) ends QEMU at once; so does
	# /init's poweroff. -nodefaults: no NIC, VGA, CD-ROM or parallel port,
	# so the only output is the serial console in serial.log.
	(
		cd "$wd" || exit 1
		exec qemu-system-x86_64 "${cpu_args[@]}" -smp "$cpus" -m 1G \
			-nodefaults -display none -no-reboot -monitor none \
			-serial file:serial.log ${JVMM_VM_SERIAL2_PORT:+-serial "tcp:127.0.0.1:$JVMM_VM_SERIAL2_PORT"} \
			-kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline" \
			</dev/null >qemu.log 2>&1
	) &
	EMU_PID=$!
	echo "$EMU_PID" >"$wd/emu.pid"
}
