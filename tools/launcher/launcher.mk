# SPDX-License-Identifier: GPL-2.0
#
# launcher.mk - jlaunch (built as ./tools/jlaunch) and the unit tests of its
# parts.  Included by the top Makefile (CC, CFLAGS, LDFLAGS, TOOLS and
# UNIT_TESTS come from there).  Objects go to build/jlaunch/.  The unit tests
# link only the parts that need no VM (ELF loader, MBMAP writer, port
# dispatch and device models); the source lists are explicit so that the
# run-time parts never end up in them.

JLAUNCH_SRC    := tools/launcher
JLAUNCH_BUILD  := build/jlaunch
JLAUNCH_CFLAGS := -I$(JLAUNCH_SRC) -Iguest/include
JLAUNCH_HDRS   := $(wildcard $(JLAUNCH_SRC)/*.h) guest/include/hypercall.h tests/unit/check.h
JLAUNCH_DEVS   := dev_cmos dev_serial dev_cga dev_lpt dev_kbd dev_pic dev_acpi
JLAUNCH_PARTS  := loader mbmap ports $(JLAUNCH_DEVS)
# The run-time parts: only the launcher links these.
JLAUNCH_MAIN   := main vm run hypercalls console stats disk fileserver
JLAUNCH_OBJS   := $(patsubst %,$(JLAUNCH_BUILD)/%.o,$(JLAUNCH_PARTS))
JLAUNCH_PORT_OBJS := $(patsubst %,$(JLAUNCH_BUILD)/%.o,ports $(JLAUNCH_DEVS))

JLAUNCH_UNIT_TESTS := tests/unit/build/test-loader tests/unit/build/test-mbmap \
		      tests/unit/build/test-ports tests/unit/build/test-fileserver
# The top Makefile's wildcard already names them; add any it missed, once.
UNIT_TESTS += $(filter-out $(UNIT_TESTS),$(JLAUNCH_UNIT_TESTS))

JLAUNCH_BIN   := tools/jlaunch
TOOLS         += $(JLAUNCH_BIN)

# ./tools/jlaunch is the launcher itself, where the brief and README say.
$(JLAUNCH_BIN): $(JLAUNCH_OBJS) $(patsubst %,$(JLAUNCH_BUILD)/%.o,$(JLAUNCH_MAIN))
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)

$(JLAUNCH_BUILD):
	mkdir -p $@

$(JLAUNCH_BUILD)/%.o: $(JLAUNCH_SRC)/%.c $(JLAUNCH_HDRS) | $(JLAUNCH_BUILD)
	$(CC) $(CFLAGS) $(JLAUNCH_CFLAGS) -c -o $@ $<

tests/unit/build/test-loader: tests/unit/test-loader.c $(JLAUNCH_BUILD)/loader.o \
			      $(JLAUNCH_HDRS) | tests/unit/build
	$(CC) $(CFLAGS) $(JLAUNCH_CFLAGS) -o $@ $< $(JLAUNCH_BUILD)/loader.o -static

tests/unit/build/test-mbmap: tests/unit/test-mbmap.c $(JLAUNCH_BUILD)/mbmap.o \
			     $(JLAUNCH_HDRS) | tests/unit/build
	$(CC) $(CFLAGS) $(JLAUNCH_CFLAGS) -o $@ $< $(JLAUNCH_BUILD)/mbmap.o -static

tests/unit/build/test-ports: tests/unit/test-ports.c $(JLAUNCH_PORT_OBJS) \
			     $(JLAUNCH_HDRS) | tests/unit/build
	$(CC) $(CFLAGS) $(JLAUNCH_CFLAGS) -o $@ $< $(JLAUNCH_PORT_OBJS) -static

# The file server with its disk, guest registers faked by the test.
tests/unit/build/test-fileserver: tests/unit/test-fileserver.c $(JLAUNCH_BUILD)/fileserver.o \
				  $(JLAUNCH_BUILD)/disk.o $(JLAUNCH_HDRS) guest/include/josfs.h \
				  | tests/unit/build
	$(CC) $(CFLAGS) $(JLAUNCH_CFLAGS) -o $@ $< $(JLAUNCH_BUILD)/fileserver.o \
		$(JLAUNCH_BUILD)/disk.o -static
