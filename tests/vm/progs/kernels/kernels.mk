# SPDX-License-Identifier: GPL-2.0
#
# kernels.mk - tiny ELF64 test kernels for jlaunch's in-VM tests
# (tests/vm/cases/jlaunch-*.sh): each is 32-bit code entered by jvmm's boot
# sector, linked at 0x100000 (at7000 at 0x7000, to be refused), with
# common.S for the console and power-off.  Included by the top Makefile.

TEST_KERNEL_SRC   := tests/vm/progs/kernels
TEST_KERNEL_BUILD := build/test-kernels
TEST_KERNEL_NAMES := $(filter-out common,$(patsubst $(TEST_KERNEL_SRC)/%.S,%,$(wildcard $(TEST_KERNEL_SRC)/*.S)))
TEST_KERNELS      := $(patsubst %,$(TEST_KERNEL_BUILD)/%.elf,$(TEST_KERNEL_NAMES))

test-kernels: $(TEST_KERNELS)

$(TEST_KERNEL_BUILD)/%.o: $(TEST_KERNEL_SRC)/%.S guest/include/hypercall.h guest/include/josfs.h
	@mkdir -p $(@D)
	$(CC) -c -Iguest/include -o $@ $<

$(TEST_KERNEL_BUILD)/at7000.elf: TEST_KERNEL_BASE := 0x7000
$(TEST_KERNEL_BUILD)/%.elf: TEST_KERNEL_BASE ?= 0x100000
$(TEST_KERNEL_BUILD)/%.elf: $(TEST_KERNEL_BUILD)/%.o $(TEST_KERNEL_BUILD)/common.o
	$(LD) -m elf_x86_64 -nostdlib -static -N --no-warn-rwx-segments -z noexecstack \
		-Ttext=$(TEST_KERNEL_BASE) -e _start -o $@ $^

.PRECIOUS: $(TEST_KERNEL_BUILD)/%.o
