# SPDX-License-Identifier: GPL-2.0
# suites: vm1
#
# /dev/jvmm is 0600 unless the dev_mode parameter says otherwise; a mode
# with bits outside 0777 is refused with EINVAL and one line saying why.
. ./cases/lib.sh

load_jvmm
out=$(jtest as-user 1000 jvmm-info 2>&1)
rc=$?
echo "as uid 1000: $out"
[ $rc -eq 2 ] && echo "$out" | grep -q "Permission denied" ||
	fail "uid 1000 could open a 0600 /dev/jvmm (rc=$rc)"
ok "uid 1000 cannot open /dev/jvmm (0600)"
unload_jvmm

load_jvmm dev_mode=0666
mode=$(ls -l /dev/jvmm | cut -c1-10)
[ "$mode" = "crw-rw-rw-" ] || fail "dev_mode=0666 gave $mode"
jtest as-user 1000 jvmm-info || fail "uid 1000 cannot use a 0666 /dev/jvmm"
ok "dev_mode=0666 lets uid 1000 use /dev/jvmm"
unload_jvmm

mark bad-mode
out=$(jtest insmod "$JVMM_KO" dev_mode=01777 2>&1) && fail "insmod with dev_mode=01777 succeeded"
echo "insmod: $out"
echo "$out" | grep -q "Invalid argument" || fail "dev_mode=01777 not refused with EINVAL"
show_jvmm_log
expect_log "jvmm: cannot load: dev_mode=01777 has bits outside 0777" "bad dev_mode explained in dmesg"
[ "$(since_mark | grep -c 'jvmm: ')" -eq 1 ] || fail "more than one jvmm line for one refusal"
module_loaded jvmm && fail "jvmm loaded despite a bad dev_mode"
ok "bad dev_mode refused"
