# shellcheck shell=bash
# Turn one VM's serial log into test results (host side of the @@JVMM protocol
# that tests/vm/init prints; see there for the grammar).
#
# parse_serial_log LOG OUTDIR EXPECTED VMREASON
#   LOG       the serial log (CRLF line ends, kernel messages mixed in)
#   OUTDIR    receives "results" and one .out file per entry
#   EXPECTED  space-separated names of the cases this VM should have run
#   VMREASON  why the VM stopped if it printed no @@JVMM DONE, e.g.
#             "VM did not finish in 600 s" (empty if it finished)
#
# OUTDIR/results has one line per entry, tab-separated, "-" for none:
#   PASS|FAIL <name> <reason or -> <output file or ->
# Entries: each expected case (in order), cases that ran but were not expected,
# "<kernel-log>" if the kernel logged an Oops/BUG/WARNING/panic/GPF anywhere
# (live on the console or in the final dmesg scan), "<vm>" if no @@JVMM DONE.
# WARNs count in both forms: "WARNING: CPU: 0 PID: 1 at file:line func" (up
# to 6.x) and "WARNING: file:line at func, CPU#0: comm" (7.x).
#
# The one allowed kernel report: the boot-time WARN of 6.12 and later in
# parse_legacy (arch/x86/kernel/cpu/topology_common.c; Bochs' CPUID topology
# leaves), which /init's dmesg scan (scan_dmesg in tests/vm/init; keep the two
# in step) reports as "@@JVMM ALLOWED <line>" instead of BAD. On the console
# (only with JVMM_CONSOLE_LOGLEVEL) it is allowed the same way: the first
# such report, WARNING line through "---[ end trace" line, before
# "@@JVMM START". OUTDIR/allowed lists the allowed WARNING lines.
parse_serial_log() {
	local log=$1 outdir=$2 expected=$3 vmreason=$4
	mkdir -p "$outdir"
	: >"$outdir/results"
	: >"$outdir/allowed"
	LC_ALL=C awk -v outdir="$outdir" -v expected="$expected" -v vmreason="$vmreason" '
	function outfile(n) { return outdir "/" n ".out" }
	function bad_line(l) {
		return l ~ /Kernel panic|Oops|BUG:|WARNING: CPU:|WARNING: [^ ]+:[0-9]+ at |general protection fault/
	}
	function topology_warn(l) {
		return l ~ /WARNING: CPU: [0-9]+ PID: [0-9]+ at arch\/x86\/kernel\/cpu\/topology_common\.c:[0-9]+ parse_legacy\+0x[0-9a-f]+\/0x[0-9a-f]+$/ ||
			l ~ /WARNING: arch\/x86\/kernel\/cpu\/topology_common\.c:[0-9]+ at parse_legacy\+0x[0-9a-f]+\/0x[0-9a-f]+, CPU#[0-9]+: [^ ]+$/
	}
	# FROM: "init" (an ALLOWED marker) or "console"; each allows one.
	function allow(l, from) {
		if (++nallowed[from] > 1) { add_bad(l, ""); return }
		sub(/^ +/, "", l)
		if (l in allowed_seen) return
		allowed_seen[l] = 1
		print l >> (outdir "/allowed")
	}
	# Console lines held as the allowed boot report were not it after all.
	function release_live(   i) {
		for (i = 1; i <= nlive; i++) if (bad_line(live[i])) add_bad(live[i], "")
		nlive = 0; inlive = 0; livedone = 0
	}
	# Kernel console lines start with a "[    5.403827] " timestamp.
	function is_kernel_line(l) { return l ~ /^\[ *[0-9]+\.[0-9]+\] / }
	function add_bad(text, during,   key) {
		key = text
		sub(/^ +/, "", key)
		if (key in seen_bad) return
		seen_bad[key] = 1
		nbad++
		bad_text[nbad] = key
		if (nbad == 1) first_bad_during = during
	}
	function marker(l,   f, n, name) {
		n = split(l, f, " ")
		if (f[2] == "START") {
			if (livedone) { allow(live[1], "console"); nlive = 0; livedone = 0 } else release_live()
			started = 1
			return
		}
		if (f[2] == "DONE") { done = 1; cur = ""; return }
		if (f[2] == "BAD") { add_bad(substr(l, length("@@JVMM BAD ") + 1), ""); return }
		if (f[2] == "ALLOWED") { allow(substr(l, length("@@JVMM ALLOWED ") + 1), "init"); return }
		if (f[2] == "BEGIN" && n >= 3) {
			name = f[3]
			if (!(name in began)) { nran++; ran[nran] = name }
			began[name] = 1
			cur = name
			printf "" > outfile(name)
			return
		}
		if (f[2] == "TIMEOUT" && n >= 4) { timedout[f[3]] = f[4]; return }
		if (f[2] == "END" && n >= 4) {
			name = f[3]
			ended[name] = f[4]
			rc[name] = f[5]; sub(/^rc=/, "", rc[name])
			if (name == cur) { close(outfile(name)); cur = "" }
			return
		}
		output(l)       # unknown marker: keep it visible as output
	}
	function output(l) {
		if (cur != "") print l >> outfile(cur)
		ntail++
		tail[ntail % 40] = l
		if (inlive) {
			live[++nlive] = l
			if (l ~ /---\[ end trace [0-9a-f]+ \]---/) { inlive = 0; livedone = 1 }
			else if (bad_line(l) || nlive > 100) release_live()
			return
		}
		if (!started && !liveseen && topology_warn(l)) {
			liveseen = 1; inlive = 1; nlive = 1; live[1] = l
			return
		}
		if (bad_line(l)) add_bad(l, cur)
	}
	function handle(l,   p) {
		# Output without a final newline leaves the marker mid-line.
		p = index(l, "@@JVMM ")
		if (p > 1) { output(substr(l, 1, p - 1)); l = substr(l, p) }
		if (p >= 1) marker(l); else output(l)
	}
	# Is PRE (text before a kernel timestamp) the start of a cut marker?
	# BAD and ALLOWED lines carry dmesg timestamps by design.
	function cut_marker(pre) {
		if (pre == "") return 0
		if (index("@@JVMM ", pre) == 1) return 1
		return pre ~ /^@@JVMM / && pre !~ /^@@JVMM (BAD|ALLOWED) /
	}
	function flush_held(   i) {
		for (i = 1; i <= nheld; i++) handle(held[i])
		nheld = 0
	}
	{
		gsub(/\r/, "")
		line = $0
		if (pending != "") {
			# A kernel console message cut a marker line in two:
			# "@@JVMM BEGIN fo[ 5.4] msg" ... "o". Rejoin the marker
			# and file the kernel lines after it (they came later).
			if (is_kernel_line(line)) { held[++nheld] = line; next }
			line = pending line
			pending = ""
		}
		if (match(line, /\[ *[0-9]+\.[0-9]+\] /) && cut_marker(substr(line, 1, RSTART - 1))) {
			pending = substr(line, 1, RSTART - 1)
			held[++nheld] = substr(line, RSTART)
			next
		}
		handle(line)
		flush_held()
	}
	END {
		if (pending != "") handle(pending)
		flush_held()
		release_live()
		res = outdir "/results"
		n = split(expected, exp_names, " ")
		for (i = 1; i <= n; i++) want[exp_names[i]] = 1
		short = vmreason
		if (short == "") short = "VM output ends without @@JVMM DONE"
		for (i = 1; i <= n; i++) {
			name = exp_names[i]
			if (name in ended) {
				if (ended[name] == "PASS")
					printf "PASS\t%s\t-\t%s\n", name, outfile(name) > res
				else if (name in timedout)
					printf "FAIL\t%s\ttimed out after %s s\t%s\n", name, timedout[name], outfile(name) > res
				else
					printf "FAIL\t%s\texit code %s\t%s\n", name, rc[name], outfile(name) > res
			} else if (name in began) {
				printf "FAIL\t%s\tstarted but never finished: %s\t%s\n", name, short, outfile(name) > res
			} else if (done) {
				printf "FAIL\t%s\tnever ran (not in the VM payload?)\t-\n", name > res
			} else {
				printf "FAIL\t%s\tnever ran: %s\t-\n", name, short > res
			}
		}
		# Ran although not expected (e.g. host and payload case lists differ).
		for (i = 1; i <= nran; i++) {
			name = ran[i]
			if (name in want) continue
			if (!(name in ended))
				printf "FAIL\t%s\tstarted but never finished: %s\t%s\n", name, short, outfile(name) > res
			else if (ended[name] == "PASS")
				printf "PASS\t%s\t-\t%s\n", name, outfile(name) > res
			else if (name in timedout)
				printf "FAIL\t%s\ttimed out after %s s\t%s\n", name, timedout[name], outfile(name) > res
			else
				printf "FAIL\t%s\texit code %s\t%s\n", name, rc[name], outfile(name) > res
		}
		if (nbad > 0) {
			kind = "Call Trace"
			if (bad_text[1] ~ /general protection fault/) kind = "general protection fault"
			if (bad_text[1] ~ /WARNING: CPU:|WARNING: [^ ]+:[0-9]+ at /) kind = "WARNING"
			if (bad_text[1] ~ /BUG[: ]/) kind = "BUG"
			if (bad_text[1] ~ /Oops/) kind = "Oops"
			if (bad_text[1] ~ /Kernel panic/) kind = "Kernel panic"
			reason = kind " in VM kernel log"
			if (first_bad_during != "") reason = reason " during " first_bad_during
			if (nbad > 1) reason = reason ", " nbad " suspicious lines"
			f = outdir "/kernel-log.out"
			for (i = 1; i <= nbad && i <= 60; i++) print bad_text[i] > f
			if (nbad > 60) print "... " (nbad - 60) " more in the serial log" > f
			close(f)
			printf "FAIL\t<kernel-log>\t%s\t%s\n", reason, f > res
		}
		if (!done) {
			reason = short
			if (!started) reason = reason " (the kernel never reached /init)"
			f = outdir "/vm.out"
			printf "" > f
			if (!started) {
				print "last lines of the serial log:" > f
				for (i = ntail - 39; i <= ntail; i++) if (i >= 1) print tail[i % 40] > f
			}
			close(f)
			printf "FAIL\t<vm>\t%s\t%s\n", reason, f > res
		}
		close(res)
	}' "$log"
}
