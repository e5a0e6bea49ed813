# SPDX-License-Identifier: GPL-2.0
#
# guest.mk - our own JOS-compatible guest: a boot sector and a 64-bit
# kernel with a tiny shell, the default guest of jlaunch.  Included by the
# top Makefile; see guest/README.md.
#
#   make guest    build/guest/boot.bin and build/guest/kernel.elf
#
# The kernel is freestanding and must not touch SSE/x87 state (the
# hypervisor does not have to switch it for us, and interrupt handlers do
# not save it), hence its own flags rather than the top Makefile's CFLAGS.

GUEST_DIR   := guest
GUEST_BUILD := build/guest

GUEST_TARGETS := $(GUEST_BUILD)/boot.bin $(GUEST_BUILD)/kernel.elf

GUEST_CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie \
		-fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
		-mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx -mno-80387 \
		-mcmodel=large -fno-tree-loop-distribute-patterns \
		-Wall -Wextra -Werror -O2 -g -MMD -MP \
		-I$(GUEST_DIR)/include -I$(GUEST_DIR)/kernel
GUEST_LDFLAGS := -m elf_x86_64 -nostdlib -z max-page-size=0x1000 -z noexecstack

GUEST_KERNEL_SRCS := $(wildcard $(GUEST_DIR)/kernel/*.c) $(wildcard $(GUEST_DIR)/kernel/*.S)
# entry.o first, so boot_entry is the first thing in .boot whatever else is linked.
GUEST_KERNEL_OBJS := $(GUEST_BUILD)/kernel/entry.o \
	$(filter-out $(GUEST_BUILD)/kernel/entry.o, \
		$(patsubst $(GUEST_DIR)/kernel/%,$(GUEST_BUILD)/kernel/%.o,$(basename $(GUEST_KERNEL_SRCS))))

.PHONY: guest
guest: $(GUEST_TARGETS)

$(GUEST_BUILD)/boot $(GUEST_BUILD)/kernel:
	mkdir -p $@

# The boot sector starts in 16-bit mode: assembled as i386 code, linked at
# 0x7000 and flattened; its size and signature are checked here.
$(GUEST_BUILD)/boot/boot.o: $(GUEST_DIR)/boot/boot.S | $(GUEST_BUILD)/boot
	$(CC) -m32 -c -I$(GUEST_DIR)/include -MMD -MP -o $@ $<

$(GUEST_BUILD)/boot.bin: $(GUEST_BUILD)/boot/boot.o
	$(LD) -m elf_i386 -z noexecstack -e boot_start -Ttext 0x7000 -o $(GUEST_BUILD)/boot/boot.elf $<
	objcopy -O binary -j .text $(GUEST_BUILD)/boot/boot.elf $@
	@test "$$(stat -c %s $@)" -eq 512 || { echo "$@: not 512 bytes" >&2; rm -f $@; exit 1; }
	@test "$$(od -An -tx1 -j510 -N2 $@ | tr -d ' ')" = 55aa || \
		{ echo "$@: no 0x55 0xAA signature" >&2; rm -f $@; exit 1; }

$(GUEST_BUILD)/kernel/%.o: $(GUEST_DIR)/kernel/%.c | $(GUEST_BUILD)/kernel
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_BUILD)/kernel/%.o: $(GUEST_DIR)/kernel/%.S | $(GUEST_BUILD)/kernel
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_BUILD)/kernel.lds: $(GUEST_DIR)/kernel.ld $(GUEST_DIR)/kernel/layout.h | $(GUEST_BUILD)
	$(CC) -E -P -x assembler-with-cpp -I$(GUEST_DIR) -o $@ $<

$(GUEST_BUILD)/kernel.elf: $(GUEST_KERNEL_OBJS) $(GUEST_BUILD)/kernel.lds
	$(LD) $(GUEST_LDFLAGS) -T $(GUEST_BUILD)/kernel.lds -o $@ $(GUEST_KERNEL_OBJS)

$(GUEST_BUILD):
	mkdir -p $@

-include $(wildcard $(GUEST_BUILD)/boot/*.d $(GUEST_BUILD)/kernel/*.d)

# The file system's crash guarantee, checked on the host (Documentation/disk.md): the block
# cache and file system built for the host with caches of 2, 4 and 8 buffers (each order
# mistake shows at one size or another), linked into tests/unit/fscrash.c, which supplies
# the disk, pages and console; tests/unit/test-fscrash.sh runs them (they run josfsck).
GUEST_FSCRASH_SRCS  := $(patsubst %,$(GUEST_DIR)/kernel/%.c,bcache fs fs_file fs_dir)
GUEST_FSCRASH_NBUFS := 2 4 8
GUEST_FSCRASH_BINS  := $(patsubst %,tests/unit/build/fscrash-%,$(GUEST_FSCRASH_NBUFS))

$(GUEST_FSCRASH_BINS): tests/unit/build/fscrash-%: tests/unit/fscrash.c $(GUEST_FSCRASH_SRCS) \
		       $(wildcard $(GUEST_DIR)/kernel/*.h) $(GUEST_DIR)/include/josfs.h \
		       tests/unit/check.h | tests/unit/build
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -DBC_NBUF=$* -iquote $(GUEST_DIR)/kernel \
		-I$(GUEST_DIR)/include -o $@ $< $(GUEST_FSCRASH_SRCS) -static

unit-tests: $(GUEST_FSCRASH_BINS)
