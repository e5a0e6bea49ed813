# shellcheck shell=bash
# QEMU/KVM backend: for hosts with VMX and nested KVM, where the guest gets
# real (nested) VMX and boots in seconds. Boots kernel+initramfs directly.

# qemu_usable: /dev/kvm, a vmx CPU and nested=Y/1 (what "--backend auto" checks).
qemu_usable() {
	[ -e /dev/kvm ] || return 1
	grep -qw vmx /proc/cpuinfo || return 1
	case "$(cat /sys/module/kvm_intel/parameters/nested 2>/dev/null)" in
	Y | y | 1) return 0 ;;
	esac
	return 1
}

# qemu_start WD VMLINUZ INITRD CMDLINE CPUS: sets EMU_PID.
qemu_start() {
	local wd=$1 vmlinuz=$2 initrd=$3 cmdline=$4 cpus=$5
	: >"$wd/serial.log"
	# -no-reboot: a panic (panic=-1 reboots) ends QEMU at once.
	(
		cd "$wd" || exit 1
		exec qemu-system-x86_64 -enable-kvm -cpu host -smp "$cpus" -m 1G \
			-nographic -no-reboot -monitor none \
			-serial file:serial.log ${JVMM_VM_SERIAL2_PORT:+-serial "tcp:127.0.0.1:$JVMM_VM_SERIAL2_PORT"} \
			-kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline" \
			</dev/null >qemu.log 2>&1
	) &
	EMU_PID=$!
	echo "$EMU_PID" >"$wd/emu.pid"
}
