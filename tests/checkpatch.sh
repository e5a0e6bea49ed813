#!/usr/bin/env bash
# Run the kernel's checkpatch.pl --strict over module/ (and uapi/).
#
# checkpatch.pl comes from Debian's linux-source package (the tarball in
# /usr/src), unpacked once into the cache; pass CHECKPATCH=/path/to/checkpatch.pl
# to use another kernel tree's.  Exit status: 0 when no ERROR or WARNING.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${JVMM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jvmm}

find_checkpatch() {
	if [[ -n ${CHECKPATCH:-} ]]; then
		echo "$CHECKPATCH"
		return
	fi
	local tarball
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1 || true)
	if [[ -z $tarball ]]; then
		echo "checkpatch: installing linux-source (for scripts/checkpatch.pl)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-source >/dev/null
		tarball=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n 1)
	fi
	local base dir
	base=$(basename "$tarball" .tar.xz)
	dir=$cache/$base
	if [[ ! -f $dir/scripts/checkpatch.pl ]]; then
		mkdir -p "$dir"
		tar -C "$dir" --strip-components=1 -xJf "$tarball" \
			"$base/scripts/checkpatch.pl" "$base/scripts/spelling.txt" \
			"$base/scripts/const_structs.checkpatch"
	fi
	echo "$dir/scripts/checkpatch.pl"
}

checkpatch=$(find_checkpatch)
echo "checkpatch: $checkpatch"
cd "$top"
mapfile -t files < <(ls module/*.c module/*.h uapi/*.h | grep -v '\.mod\.c$')
perl "$checkpatch" --strict --no-tree --terse --show-types -f "${files[@]}" | tee /tmp/jvmm-checkpatch.$$ || true
n=$(grep -cE ': (ERROR|WARNING|CHECK):' /tmp/jvmm-checkpatch.$$ || true)
errors=$(grep -cE ': ERROR:' /tmp/jvmm-checkpatch.$$ || true)
rm -f /tmp/jvmm-checkpatch.$$
echo "checkpatch: $errors errors, $n reports in all"
[[ $errors -eq 0 ]]
