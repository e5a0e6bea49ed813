# SPDX-License-Identifier: GPL-2.0
#
# engine.mk - build/bin/jvmm-engine-test, the engine test suite: one static
# KVM-API program run against /dev/kvm and /dev/jvmm by
# tests/vm/cases/engine-*.sh.  Included by the top Makefile (CC, CFLAGS,
# LDFLAGS and BIN come from there).
#
# Guest programs are tests/vm/progs/engine/guest/NAME.S: preprocessed and
# assembled by $(CC), linked at GUEST_CODE (layout.h) by $(LD), flattened by
# $(OBJCOPY) -O binary, and embedded with .incbin (engine/blobs.S).  Only
# binutils and the compiler are needed.

ENGINE_SRC    := tests/vm/progs/engine
ENGINE_BUILD  := build/engine
ENGINE_GUESTS := $(sort $(wildcard $(ENGINE_SRC)/guest/*.S))
ENGINE_BLOBS  := $(patsubst $(ENGINE_SRC)/guest/%.S,$(ENGINE_BUILD)/guest/%.bin,$(ENGINE_GUESTS))
ENGINE_CSRCS  := $(sort $(wildcard $(ENGINE_SRC)/*.c))
ENGINE_OBJS   := $(patsubst $(ENGINE_SRC)/%.c,$(ENGINE_BUILD)/%.o,$(ENGINE_CSRCS)) \
		 $(ENGINE_BUILD)/blobs.o
ENGINE_HDRS   := $(wildcard $(ENGINE_SRC)/*.h) uapi/jvmm.h
ENGINE_GUEST_LOAD := 0x1000

OBJCOPY ?= objcopy

TEST_PROGS += $(BIN)/jvmm-engine-test

$(BIN)/jvmm-engine-test: $(ENGINE_OBJS) | $(BIN)
	$(CC) $(CFLAGS) -pthread -o $@ $(ENGINE_OBJS) $(LDFLAGS)

$(ENGINE_BUILD)/%.o: $(ENGINE_SRC)/%.c $(ENGINE_HDRS) | $(ENGINE_BUILD)/guest
	$(CC) $(CFLAGS) -pthread -I$(ENGINE_SRC) -c -o $@ $<

$(ENGINE_BUILD)/blobs.o: $(ENGINE_SRC)/blobs.S $(ENGINE_BLOBS)
	$(CC) -c -o $@ -Wa,-I,$(ENGINE_BUILD)/guest $<

$(ENGINE_BUILD)/guest/%.o: $(ENGINE_SRC)/guest/%.S $(ENGINE_SRC)/layout.h | $(ENGINE_BUILD)/guest
	$(CC) -c -I$(ENGINE_SRC) -o $@ $<

$(ENGINE_BUILD)/guest/%.elf: $(ENGINE_BUILD)/guest/%.o
	$(LD) -m elf_x86_64 -nostdlib -static -Ttext=$(ENGINE_GUEST_LOAD) -e $(ENGINE_GUEST_LOAD) -z noexecstack -o $@ $<

$(ENGINE_BUILD)/guest/%.bin: $(ENGINE_BUILD)/guest/%.elf
	$(OBJCOPY) -O binary -j .text $< $@
	@test "$$(stat -c %s $@)" -le 12288 || { echo "$@: larger than GUEST_CODE_MAX" >&2; rm -f $@; exit 1; }

$(ENGINE_BUILD)/guest:
	mkdir -p $@

# The hostile corpus' guests share their layout with the host side.
$(patsubst $(ENGINE_SRC)/guest/%.S,$(ENGINE_BUILD)/guest/%.o,$(wildcard $(ENGINE_SRC)/guest/h_*.S)): \
	$(ENGINE_SRC)/hostile.h

.PRECIOUS: $(ENGINE_BUILD)/guest/%.o $(ENGINE_BUILD)/guest/%.elf
