# SPDX-License-Identifier: GPL-2.0
#
# josfs.mk - host tools for JOS file-system images (mkjosfs, josfsck) and
# the default disk image our guest boots with.  Included by the top
# Makefile (CC, CFLAGS, LDFLAGS, BIN and TOOLS come from there).  Objects go
# to build/josfs/.  See Documentation/josfs.md.
#
#   make build/guest/fs.img    the default disk, from guest/disk/

JOSFS_SRC    := tools/josfs
JOSFS_BUILD  := build/josfs
JOSFS_CFLAGS := -I$(JOSFS_SRC) -Iguest/include
JOSFS_HDRS   := $(JOSFS_SRC)/josfs_image.h guest/include/josfs.h

JOSFS_TOOLS  := $(BIN)/mkjosfs $(BIN)/josfsck
TOOLS        += $(JOSFS_TOOLS)

# The default disk: 4 MiB like the course's images.  Its prerequisites are
# every file and directory under guest/disk/ (a directory's time changes
# when an entry is added or removed, so deletions rebuild it too).
JOSFS_DISK_DIR  := guest/disk
JOSFS_DISK_SIZE := 4M
JOSFS_DISK_DEPS := $(shell find $(JOSFS_DISK_DIR) 2>/dev/null)
DISK_TARGETS    := build/guest/fs.img

$(JOSFS_BUILD):
	mkdir -p $@

$(JOSFS_BUILD)/%.o: $(JOSFS_SRC)/%.c $(JOSFS_HDRS) | $(JOSFS_BUILD)
	$(CC) $(CFLAGS) $(JOSFS_CFLAGS) -c -o $@ $<

$(BIN)/mkjosfs: $(JOSFS_BUILD)/mkjosfs.o $(JOSFS_BUILD)/josfs_image.o | $(BIN)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)

$(BIN)/josfsck: $(JOSFS_BUILD)/josfsck.o $(JOSFS_BUILD)/josfs_image.o | $(BIN)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)

build/guest/fs.img: $(BIN)/mkjosfs $(JOSFS_DISK_DEPS)
	@mkdir -p $(dir $@)
	$(BIN)/mkjosfs -q --size $(JOSFS_DISK_SIZE) $@ $(JOSFS_DISK_DIR)

# tests/unit/test-josfs.sh runs the tools and checks the default disk.
unit-tests: $(JOSFS_TOOLS) $(DISK_TARGETS)
