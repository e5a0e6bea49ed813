# SPDX-License-Identifier: GPL-2.0
# suites: vm1
# timeout: 600
#
# 50 load/unload cycles leave no leak: free pages (buddy plus per-CPU
# lists), slab memory and vmalloc space come back to where they were.
#
# The thresholds sit below what one leaked page or one leaked small
# object per cycle would cost over 50 cycles, and above the noise of an
# idle initramfs system (measured: see Documentation/testing.md).
. ./cases/lib.sh

CYCLES=${JVMM_LEAK_CYCLES:-50}
MAX_PAGES_LOST=25	# a page leaked per cycle loses 50
MAX_SLAB_KB_GROWN=48	# a 1 KiB object leaked per cycle grows slab by 50 KiB
MAX_VMALLOC_GROWN=0	# vmalloc areas are freed eagerly at unload

snapshot() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	free=$(awk '$1 == "nr_free_pages" { print $2 }' /proc/vmstat)
	pcp=$(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
	slab=$(awk '$1 == "Slab:" { print $2 }' /proc/meminfo)
	vmalloc=$(awk '{ s += $2 } END { print s + 0 }' /proc/vmallocinfo)
	echo "$((free + pcp)) $slab $vmalloc"
}

cycle() {
	insmod "$JVMM_KO" || fail "insmod failed in cycle $1"
	[ -c /dev/jvmm ] || fail "/dev/jvmm missing in cycle $1"
	rmmod jvmm || fail "rmmod failed in cycle $1"
}

# Warm up: the first loads populate caches that stay (sysfs, kernfs).
for i in 1 2 3; do cycle "warm-up $i"; done

set -- $(snapshot)
pages0=$1 slab0=$2 vmalloc0=$3
echo "before: free pages $pages0, slab $slab0 KiB, vmalloc $vmalloc0 bytes"

i=1
while [ $i -le "$CYCLES" ]; do
	cycle $i
	i=$((i + 1))
done
ok "$CYCLES load/unload cycles"

set -- $(snapshot)
pages1=$1 slab1=$2 vmalloc1=$3
echo "after:  free pages $pages1, slab $slab1 KiB, vmalloc $vmalloc1 bytes"

lost=$((pages0 - pages1))
grown=$((slab1 - slab0))
vgrown=$((vmalloc1 - vmalloc0))
echo "delta:  $lost pages lost, slab +$grown KiB, vmalloc +$vgrown bytes"
[ $lost -le $MAX_PAGES_LOST ] || fail "$lost pages lost over $CYCLES cycles (limit $MAX_PAGES_LOST)"
ok "free pages back (lost $lost <= $MAX_PAGES_LOST)"
[ $grown -le $MAX_SLAB_KB_GROWN ] || fail "slab grew $grown KiB over $CYCLES cycles (limit $MAX_SLAB_KB_GROWN)"
ok "slab back (grew $grown KiB <= $MAX_SLAB_KB_GROWN)"
[ $vgrown -le $MAX_VMALLOC_GROWN ] || fail "vmalloc grew $vgrown bytes over $CYCLES cycles"
ok "vmalloc back (grew $vgrown bytes)"
