# SPDX-License-Identifier: GPL-2.0
#
# make              the module and all userspace
# make module       only jvmm.ko, against KDIR
# make check        every test (unit, then the test VMs); see Documentation/testing.md
# make bench        benchmarks against KVM in the same VM
# make install      jlaunch, the tools and our guest under PREFIX (/usr/local)
# make clean
#
# KDIR defaults to the running kernel's build tree, else the newest Debian
# cloud kernel headers (the kernel the test VMs boot).

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-cloud-amd64))))

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iuapi
# Static, so the same binaries run in the test VM's busybox initramfs.
LDFLAGS += -static

BIN        := build/bin
TOOLS      := $(BIN)/jvmm-info
TEST_PROGS := $(BIN)/jtest $(BIN)/jbench
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

$(BIN) tests/unit/build:
	mkdir -p $@

# Unit tests of module code compile it against the userspace shims in tests/unit/kshim.
tests/unit/build/test-caps: tests/unit/test-caps.c module/caps.c module/caps.h module/compat.h module/vmx_arch.h | tests/unit/build
	$(CC) $(CFLAGS) -Itests/unit/kshim -Imodule -o $@ $< -static

tests/unit/build/test-xfeatures: tests/unit/test-xfeatures.c module/xfeatures.c module/xfeatures.h module/compat.h | tests/unit/build
	$(CC) $(CFLAGS) -Itests/unit/kshim -Imodule -o $@ $< -static

unit-tests: $(UNIT_TESTS)

# Everything the test VM's initramfs carries from this tree (see tests/vm/).
vm-payload: module userspace $(GUEST_TARGETS) $(DISK_TARGETS) $(TEST_KERNELS)
	@test -n "$(DESTDIR)" || { echo "make vm-payload: set DESTDIR" >&2; exit 2; }
	install -d $(DESTDIR)/jvmm/module $(DESTDIR)/jvmm/bin $(DESTDIR)/jvmm/cases \
		$(DESTDIR)/jvmm/guest
	install -m 0644 module/jvmm.ko $(DESTDIR)/jvmm/module/
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
