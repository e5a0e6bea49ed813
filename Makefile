# SPDX-License-Identifier: GPL-2.0
#
# make              the module and all userspace
# make module       only jvmm.ko, against KDIR
# make check        every test (unit, then the test VMs); see Documentation/testing.md
# make bench        benchmarks against KVM in the same VM
# make install      jlaunch, the tools and our guest under PREFIX (/usr/local)
# make clean
#
# KDIR, the kernel build tree "make module" builds against: KDIR=... when
# given; else the running kernel's (/lib/modules/$(uname -r)/build); else the
# newest installed /usr/src/linux-headers-*-amd64 this host can build with,
# with one line saying so. Headers whose compiler the host lacks are skipped
# (trixie's want gcc-14, which Debian 12 has not: tests/kbuild.sh builds
# against those in a trixie chroot). Worked out once, and only when a recipe
# uses KDIR, so other targets pay nothing for it.
ifeq ($(origin KDIR),undefined)
KDIR = $(patsubst -,,$(firstword $(jvmm-kdir)))
jvmm-kdir-note = $(wordlist 2,$(words $(jvmm-kdir)),$(jvmm-kdir))
jvmm-kdir = $(eval jvmm-kdir := $(or $(wildcard /lib/modules/$(shell uname -r)/build),$(shell $(jvmm-pick-kdir))))$(jvmm-kdir)
endif

# Prints "TREE NOTE..." (TREE "-" when none is usable) for the Makefile above.
define jvmm-pick-kdir
run=$$(uname -r); pick=; other=;
for t in $$(for t in /usr/src/linux-headers-*-amd64; do [ -f "$$t/Makefile" ] && echo "$$t"; done | sort -rV); do
	cc=$$(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$$t/include/config/auto.conf" "$$t/.config" 2>/dev/null | head -n 1 | tr -d '"' | cut -d ' ' -f 1);
	why=;
	if [ -n "$$cc" ] && ! command -v "$$cc" >/dev/null 2>&1; then why="needs $$cc, which this host lacks";
	elif [ -x "$$t/tools/objtool/objtool" ] && SRCARCH=x86 "$$t/tools/objtool/objtool" --help 2>&1 | grep -q GLIBC_; then why="its build tools need a newer C library than this host has"; fi;
	if [ -z "$$why" ] && [ -z "$$pick" ]; then pick=$$t; else other="$$other$${other:+, }$$(basename "$$t")$${why:+ (skipped: $$why)}"; fi;
done;
none="no headers for the running kernel $$run (no /lib/modules/$$run/build)";
if [ -n "$$pick" ]; then
	echo "$$pick $$none, so building against $$pick, the newest installed headers this host can build with$${other:+; also installed: $$other}; choose with make KDIR=/usr/src/linux-headers-...";
elif [ -n "$$other" ]; then
	echo "- $$none, and none in /usr/src this host can build with: $$other";
else
	echo "- $$none, and no /usr/src/linux-headers-*-amd64";
fi
endef

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iuapi
# Static, so the same binaries run in the test VM's busybox initramfs.
LDFLAGS += -static

BIN        := build/bin
TOOLS      := $(BIN)/jvmm-info
TEST_PROGS := $(BIN)/jtest $(BIN)/jbench $(BIN)/jfuzz
UNIT_SRCS  := $(wildcard tests/unit/test-*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,tests/unit/build/%,$(UNIT_SRCS))

.DEFAULT_GOAL := all

# The engine test suite (a KVM-API program run against /dev/kvm and /dev/jvmm).
-include tests/vm/progs/engine.mk
# jlaunch's parts and their unit tests.
-include tools/launcher/launcher.mk
# Our JOS-compatible guest (boot sector and kernel) that jlaunch boots by default.
-include guest/guest.mk
# Host tools for JOS file-system images (mkjosfs, josfsck) and the default disk.
-include tools/josfs/josfs.mk
# Tiny test kernels for jlaunch's tests in the VM.
-include tests/vm/progs/kernels/kernels.mk

.PHONY: all module userspace unit-tests vm-payload check bench clean checkpatch test-kernels install

all: module userspace $(GUEST_TARGETS) $(DISK_TARGETS)

module:
ifeq ($(origin KDIR),file)
	@test -n "$(KDIR)" || { echo "make: $(jvmm-kdir-note); install linux-headers-\$$(uname -r), or on Debian 12 linux-headers-cloud-amd64 (the test VM's kernel), or pass KDIR=/path/to/kernel/build" >&2; exit 2; }
	@$(if $(jvmm-kdir-note),echo "make: $(jvmm-kdir-note)" >&2)
endif
	@test -d "$(KDIR)" || { echo "make: no kernel build tree at KDIR='$(KDIR)'; install linux-headers-\$$(uname -r) or pass KDIR=/path/to/kernel/build" >&2; exit 2; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: $(TOOLS) $(TEST_PROGS)

$(BIN)/jvmm-info: tools/jvmm-info.c uapi/jvmm.h | $(BIN)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

$(BIN)/jtest: tests/vm/progs/jtest.c uapi/jvmm.h | $(BIN)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# Host side of the live demo's interactive serial line (tests/run).
build/host/serial-bridge: tests/vm/progs/serial-bridge.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(BIN)/jbench: tests/vm/progs/jbench.c uapi/jvmm.h | $(BIN)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# The ioctl fuzzer; its table of KVM ioctls is generated from <linux/kvm.h>.
JFUZZ_SRC := tests/vm/progs/jfuzz
$(BIN)/jfuzz: $(wildcard $(JFUZZ_SRC)/*.c) $(JFUZZ_SRC)/jfuzz.h build/jfuzz/kvm_ioctls.h uapi/jvmm.h | $(BIN)
	$(CC) $(CFLAGS) -pthread -Ibuild/jfuzz -o $@ $(wildcard $(JFUZZ_SRC)/*.c) $(LDFLAGS)

build/jfuzz/kvm_ioctls.h: $(JFUZZ_SRC)/gen-ioctls.sh
	@mkdir -p $(@D)
	sh $< "$(CC)" >$@.tmp && mv $@.tmp $@

$(BIN) tests/unit/build:
	mkdir -p $@

# Unit tests of module code compile it against the userspace shims in tests/unit/kshim.
tests/unit/build/test-caps: tests/unit/test-caps.c module/caps.c module/caps.h module/compat.h module/vmx_arch.h tests/unit/kshim/kshim_log.h | tests/unit/build
	$(CC) $(CFLAGS) -Itests/unit/kshim -Imodule -o $@ $< -static

tests/unit/build/test-xfeatures: tests/unit/test-xfeatures.c module/xfeatures.c module/xfeatures.h module/compat.h tests/unit/kshim/kshim_log.h | tests/unit/build
	$(CC) $(CFLAGS) -Itests/unit/kshim -Imodule -o $@ $< -static

unit-tests: $(UNIT_TESTS)

# Everything the test VM's initramfs carries from this tree (see tests/vm/).
# JVMM_PREBUILT_KO=path: ship that jvmm.ko instead of building the module here
# (tests/run, for kernels built elsewhere: tests/kbuild.sh module).
vm-payload: $(if $(JVMM_PREBUILT_KO),,module) userspace $(GUEST_TARGETS) $(DISK_TARGETS) $(TEST_KERNELS)
	@test -n "$(DESTDIR)" || { echo "make vm-payload: set DESTDIR" >&2; exit 2; }
	@test -z "$(JVMM_PREBUILT_KO)" || test -f "$(JVMM_PREBUILT_KO)" || { echo "make vm-payload: JVMM_PREBUILT_KO=$(JVMM_PREBUILT_KO) does not exist" >&2; exit 2; }
	install -d $(DESTDIR)/jvmm/module $(DESTDIR)/jvmm/bin $(DESTDIR)/jvmm/cases \
		$(DESTDIR)/jvmm/guest
	install -m 0644 $(or $(JVMM_PREBUILT_KO),module/jvmm.ko) $(DESTDIR)/jvmm/module/jvmm.ko
	install -m 0755 $(TOOLS) $(TEST_PROGS) $(DESTDIR)/jvmm/bin/
	install -m 0644 tests/vm/cases/*.sh $(DESTDIR)/jvmm/cases/
	$(if $(GUEST_TARGETS),install -m 0644 $(GUEST_TARGETS) $(DESTDIR)/jvmm/guest/)
	$(if $(DISK_TARGETS),install -m 0644 $(DISK_TARGETS) $(DESTDIR)/jvmm/guest/)
	install -d $(DESTDIR)/jvmm/kernels
	install -m 0644 $(TEST_KERNELS) $(DESTDIR)/jvmm/kernels/

# Userspace and our guest under PREFIX; jlaunch finds the guest in
# $(PREFIX)/share/jvmm/guest.  The module is loaded from the tree (insmod).
PREFIX ?= /usr/local
install: userspace $(GUEST_TARGETS) $(DISK_TARGETS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/jvmm/guest
	install -m 0755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(GUEST_TARGETS) $(DISK_TARGETS) $(DESTDIR)$(PREFIX)/share/jvmm/guest/

check:
	tests/run

# Benchmarks run in the test VM, on kvm_intel and on jvmm in the same boot.
bench:
	tests/run --suite bench

# Kernel style, with checkpatch.pl from Debian's linux-source package.
checkpatch:
	tests/checkpatch.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf build tests/unit/build
