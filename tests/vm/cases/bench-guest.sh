# SPDX-License-Identifier: GPL-2.0
# suites: vm1 bench
# timeout: 600
#
# make bench, our guest under jlaunch (jvmm only: KVM answers VMCALL in the
# kernel, so this guest cannot boot on it):
#   - power-on to the 'vm$ ' prompt: time, exits by reason, exits per
#     console byte;
#   - the disk through the file-server hypercalls: sequential write and
#     read of a multi-MiB file (the guest's bench-write/bench-read, timed by
#     its TSC), hypercall round trips per second, exits per KiB moved.
# Figures are guest time in the emulated machine: compare runs, not
# machines.
. ./cases/lib.sh

# JOS files hold at most 4136 KiB (10 direct blocks and one indirect block).
MIB=${JVMM_BENCH_DISK_MIB:-4}
load_jvmm

jlaunch --stats --until 'vm$ ' </dev/null >/tmp/bench-boot 2>&1 || fail "boot to the prompt failed"
sed 's/^/  | /' /tmp/bench-boot
stat_field() {	# stat_field FILE AWK-PROGRAM
	awk "$2" "$1"
}
boot_s=$(sed -n 's/.*statistics after \([0-9.]*\) s.*/\1/p' /tmp/bench-boot)
boot_exits=$(stat_field /tmp/bench-boot '$1 == "total" { print $2 }')
boot_io=$(stat_field /tmp/bench-boot '$1 == "io" && NF == 5 { print $2 }')
boot_hc=$(stat_field /tmp/bench-boot '$1 == "hypercall" && NF == 5 { print $2 }')
boot_bytes=$(sed -n 's/.*console: \([0-9]*\) bytes out.*/\1/p' /tmp/bench-boot)
boot_per_byte=$(sed -n 's/.*console: .*, \([0-9.]*\) exits per byte out.*/\1/p' /tmp/bench-boot)
[ -n "$boot_exits" ] && [ -n "$boot_per_byte" ] || fail "no statistics from jlaunch --stats"

# Host CPU of a guest idle at its prompt (jlaunch's thread, guest time
# included), over 2 s of the VM's time.
rm -f /tmp/bench-idle.in
mkfifo /tmp/bench-idle.in
cp /jvmm/guest/fs.img /tmp/bench-idle.img
jlaunch --disk /tmp/bench-idle.img </tmp/bench-idle.in >/tmp/bench-idle 2>&1 &
idle_pid=$!
exec 3>/tmp/bench-idle.in
i=0
while ! grep -q 'vm\$ ' /tmp/bench-idle && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$idle_pid/stat; }
t0=$(cpu_ticks)
sleep 2
t1=$(cpu_ticks)
echo exit >&3
exec 3>&-
wait $idle_pid || fail "the idle guest did not exit cleanly"
# /proc/PID/stat counts in USER_HZ, 100 on x86 Linux.
idle_pct=$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", t / 2 }')

mkdir -p /tmp/bench-empty
mkjosfs -q -s $((MIB * 2 + 4))M /tmp/bench-disk.img /tmp/bench-empty || fail "mkjosfs"
printf 'bench-write /big %s\nbench-read /big\nexit\n' $((MIB * 1024)) |
	jlaunch --stats --disk /tmp/bench-disk.img >/tmp/bench-disk 2>&1 || fail "the disk benchmark failed"
grep -E 'bench-|statistics|total|hypercall|IPC|READ|WRITE|disk:|console:' /tmp/bench-disk | sed 's/^/  | /'
w_kib_s=$(sed -n 's/.*bench-write: wrote .* (\([0-9]*\) KiB\/s).*/\1/p' /tmp/bench-disk)
r_kib_s=$(sed -n 's/.*bench-read: read .* (\([0-9]*\) KiB\/s).*/\1/p' /tmp/bench-disk)
w_ms=$(sed -n 's/.*bench-write: wrote .* in \([0-9]*\) ms.*/\1/p' /tmp/bench-disk)
w_req=$(sed -n 's/.*bench-write: wrote .*, \([0-9]*\) requests.*/\1/p' /tmp/bench-disk)
r_ms=$(sed -n 's/.*bench-read: read .* in \([0-9]*\) ms.*/\1/p' /tmp/bench-disk)
r_req=$(sed -n 's/.*bench-read: read .*, \([0-9]*\) requests.*/\1/p' /tmp/bench-disk)
[ -n "$w_kib_s" ] && [ -n "$r_kib_s" ] || fail "no throughput figures from bench-write/bench-read"
exits=$(stat_field /tmp/bench-disk '$1 == "total" { print $2 }')
moved=$(stat_field /tmp/bench-disk '/disk: .* bytes read/ { print ($2 + $5) / 1024 }')

echo
printf '%-48s %s\n' "our guest, power-on to 'vm\$ '" "$boot_s s, $boot_exits exits (io $boot_io, hypercall $boot_hc)"
printf '%-48s %s\n' "  console bytes to the prompt" "$boot_bytes ($boot_per_byte exits per byte)"
printf '%-48s %s\n' "  host CPU while idle at the prompt" "$idle_pct% of one CPU"
printf '%-48s %s\n' "sequential write, $MIB MiB through IPC hypercalls" "$w_kib_s KiB/s"
printf '%-48s %s\n' "sequential read, $MIB MiB (cold guest cache)" "$r_kib_s KiB/s"
printf '%-48s %s\n' "file-server round trips (IPCSEND+IPCRECV)" \
	"$(awk -v a="$w_req" -v b="$r_req" -v x="$w_ms" -v y="$r_ms" 'BEGIN { printf "%d/s", (a + b) * 1000 / (x + y) }')"
printf '%-48s %s\n' "exits per KiB moved (whole session)" \
	"$(awk -v e="$exits" -v k="$moved" 'BEGIN { printf "%.1f", e / k }')"
unload_jvmm
