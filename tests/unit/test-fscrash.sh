#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unit test of the guest file system's crash guarantee (Documentation/disk.md): the guest's
# block cache and file system, built for the host with caches of 2, 4 and 8 buffers
# (tests/unit/fscrash.c, built by `make unit-tests`), run a script of file operations; the
# image a launcher killed after each of their disk requests would leave must pass josfsck
# (leaks and blocks beyond a size only), point at no block never written, and between
# operations hold the metadata of the last sync.  No VM needed; run from the top of the tree.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 1
status=0
for n in 2 4 8; do
	bin=tests/unit/build/fscrash-$n
	if [ ! -x "$bin" ]; then
		echo "FAIL: $bin is not built; run make unit-tests"
		status=1
		continue
	fi
	echo "== a cache of $n buffers"
	"$bin" || status=1
done
exit $status
