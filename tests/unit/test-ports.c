// SPDX-License-Identifier: GPL-2.0
/*
 * test-ports - unit tests of tools/launcher/ports.c and the device models:
 * the dispatch table, the unknown-port policy, and each device's port
 * behaviour as the JOS guest contract needs it, driven through ports_in()
 * and ports_out() as the run loop will, often replaying the exact
 * sequences a course JOS guest performs.
 */
#include <stdio.h>
#include <string.h>

#include "hypercall.h"
#include "ports.h"
#include "check.h"


#define MIB ((uint64_t)1 << 20)

static uint8_t inb(uint16_t port)
{
	return (uint8_t)ports_in(port, 1);
}

static void outb(uint16_t port, uint8_t value)
{
	ports_out(port, 1, value);
}

/* ---- a console for COM1: scripted input, captured output ---- */
static const char *input_script;
static char output[64];
static size_t output_len;

static void fake_write(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (output_len < sizeof(output) - 1)
		output[output_len++] = (char)byte;
}

static int fake_read(void *ctx)
{
	(void)ctx;
	if (!input_script || !*input_script)
		return -1;
	return (uint8_t)*input_script++;
}

static const struct serial_backend fake_console = { fake_write, fake_read, NULL };

static void reset(uint64_t ram_size)
{
	input_script = NULL;
	output_len = 0;
	memset(output, 0, sizeof(output));
	ports_init_devices(ram_size, &fake_console);
}

static void test_table(void)
{
	size_t n, i;
	const struct port_dev *t = ports_table(&n);
	int sorted = 1;

	for (i = 0; i < n; i++) {
		if (t[i].first > t[i].last || !t[i].name || !t[i].in || !t[i].out)
			sorted = 0;
		if (i && t[i].first <= t[i - 1].last)
			sorted = 0;
	}
	CHECK(sorted, "table: %zu entries, sorted, non-overlapping, complete", n);
	for (i = 0; i < n; i++)
		CHECK(ports_lookup(t[i].first) == &t[i] && ports_lookup(t[i].last) == &t[i],
		      "lookup: 0x%x and 0x%x find %s", t[i].first, t[i].last, t[i].name);
	CHECK(ports_lookup(0x3F9) && !strcmp(ports_lookup(0x3F9)->name, "com1"),
	      "lookup: 0x3f9 is com1");
	CHECK(!ports_lookup(0x0000) && !ports_lookup(0x3F7) && !ports_lookup(0x8A02) &&
	      !ports_lookup(0xFFFF) && !ports_lookup(0x61), "lookup: unclaimed ports give NULL");
}

static void count_unknown(uint16_t port, uint64_t count, void *ctx)
{
	uint64_t *seen = ctx;

	seen[0]++;
	seen[1] += count;
	(void)port;
}

static void test_unknown(void)
{
	uint64_t seen[2] = { 0, 0 };

	reset(16 * MIB);
	CHECK(ports_in(0x1234, 1) == 0xFF, "unknown: byte read is 0xff");
	CHECK(ports_in(0x1234, 2) == 0xFFFF, "unknown: word read is 0xffff");
	CHECK(ports_in(0x1234, 4) == 0xFFFFFFFF, "unknown: dword read is 0xffffffff");
	ports_out(0x61, 1, 0x42);
	CHECK(ports_unknown_count(0x1234) == 3 && ports_unknown_count(0x1235) == 2 &&
	      ports_unknown_count(0x1237) == 1, "unknown: counted per byte port (3, 2, 1)");
	CHECK(ports_unknown_count(0x61) == 1, "unknown: write to 0x61 ignored and counted");
	CHECK(ports_unknown_total() == 8, "unknown: total 8");
	ports_for_each_unknown(count_unknown, seen);
	CHECK(seen[0] == 5 && seen[1] == 8, "unknown: for_each visits 5 ports, 8 accesses");

	/* The contract's ignored ports are expected, so not counted. */
	ports_out(0x8A00, 2, 0x8A00);
	(void)inb(0x84);
	outb(0x92, 0x03);
	CHECK(ports_unknown_total() == 8, "ignored: 0x8a00 word, 0x84, 0x92 not counted");
	CHECK(ports_in(0xFFFF, 2) == 0xFFFF && ports_unknown_count(0x0000) == 1,
	      "unknown: word at 0xffff wraps to port 0");
	ports_reset_unknown();
	CHECK(ports_unknown_total() == 0 && ports_unknown_count(0x1234) == 0, "unknown: reset");
}

static uint16_t cmos16(uint8_t reg)
{
	uint8_t lo, hi;

	outb(0x70, reg | 0x80);		/* JOS sets the NMI-disable bit */
	lo = inb(0x71);
	outb(0x70, (reg + 1) | 0x80);
	hi = inb(0x71);
	return (uint16_t)(lo | hi << 8);
}

/* What a course JOS guest concludes from CMOS: total memory in bytes. */
static uint64_t jos_memory(void)
{
	uint64_t ext_kib = cmos16(0x17);

	if (ext_kib == 0xFFFF)
		return 16 * MIB + (uint64_t)cmos16(0x34) * 64 * 1024;
	return MIB + ext_kib * 1024;
}

static void test_cmos(void)
{
	reset(16 * MIB);
	CHECK(cmos16(0x15) == 640, "cmos 16 MiB: base 640 KiB");
	CHECK(cmos16(0x17) == 15360, "cmos 16 MiB: extended 15360 KiB (got %u)", cmos16(0x17));
	CHECK(cmos16(0x34) == 0, "cmos 16 MiB: nothing above 16 MiB");
	outb(0x70, 0x17);
	CHECK(inb(0x71) == 0x00 && (outb(0x70, 0x18), inb(0x71)) == 0x3C,
	      "cmos: index without NMI bit reads the same bytes");
	CHECK(jos_memory() == 16 * MIB, "cmos 16 MiB: guest computes 16 MiB");

	reset(2 * MIB);
	CHECK(cmos16(0x17) == 1024 && jos_memory() == 2 * MIB, "cmos 2 MiB: 1024 KiB extended");

	reset(64 * MIB);
	CHECK(cmos16(0x17) == 64512 && cmos16(0x34) == 768 && jos_memory() == 64 * MIB,
	      "cmos 64 MiB: 64512 KiB extended (fits), 0x34 = 768");

	reset(128 * MIB);
	CHECK(cmos16(0x17) == 0xFFFF, "cmos 128 MiB: extended saturates at 0xffff");
	CHECK(cmos16(0x34) == 1792, "cmos 128 MiB: 1792 x 64 KiB above 16 MiB");
	CHECK(jos_memory() == 128 * MIB, "cmos 128 MiB: guest computes 128 MiB");

	reset(16 * MIB);
	outb(0x70, 0x40);
	outb(0x71, 0x5A);
	outb(0x70, 0x41);
	CHECK((outb(0x70, 0x40), inb(0x71)) == 0x5A, "cmos: other registers are RAM");
	outb(0x70, 0x0A);
	CHECK(!(inb(0x71) & 0x80), "cmos: status A, no update in progress");
	outb(0x70, 0x0D);
	CHECK(inb(0x71) == 0x80, "cmos: status D, contents valid");
	CHECK(cmos16(0x15) != 0xFFFF && cmos16(0x17) != 0xFFFF,
	      "cmos: memory registers never 0xffff at 16 MiB");
}

static void test_serial(void)
{
	reset(16 * MIB);
	/* JOS serial_init: FIFO off, 9600 8N1 via DLAB, no modem, RDA interrupt. */
	outb(0x3FA, 0);
	outb(0x3FB, 0x80);
	outb(0x3F8, 12);
	outb(0x3F9, 0);
	outb(0x3FB, 0x03);
	outb(0x3FC, 0);
	outb(0x3F9, 0x01);
	CHECK(output_len == 0, "serial: divisor writes are not console output");
	CHECK(inb(0x3FB) == 0x03 && inb(0x3F9) == 0x01, "serial: LCR and IER read back");
	outb(0x3FB, 0x80);
	CHECK(inb(0x3F8) == 12 && inb(0x3F9) == 0, "serial: divisor reads back under DLAB");
	outb(0x3FB, 0x03);
	CHECK(inb(0x3FD) != 0xFF, "serial: LSR is not 0xff (port present)");
	CHECK(inb(0x3FA) == 0x01, "serial: IIR no interrupt pending, FIFO off");
	(void)inb(0x3F8);

	CHECK(inb(0x3FD) == 0x60, "serial: idle LSR = THRE|TEMT, no data");
	CHECK(serial_empty_polls() >= 1, "serial: empty LSR polls counted");
	outb(0x3F8, 'h');
	CHECK(serial_empty_polls() == 0, "serial: output resets the empty-poll count");
	(void)inb(0x3FD);
	outb(0x3F8, 'i');
	CHECK(!strcmp(output, "hi"), "serial: THR writes reach the console");

	input_script = "ab";
	CHECK(inb(0x3FD) == 0x61, "serial: LSR shows data ready with input");
	CHECK(serial_empty_polls() == 0, "serial: data resets the empty-poll count");
	CHECK(inb(0x3FA) == 0x04, "serial: IIR reports received data (IER.RDA on)");
	CHECK(inb(0x3F8) == 'a', "serial: RBR delivers 'a'");
	CHECK(inb(0x3F8) == 0, "serial: RBR without LSR first consumes no input");
	CHECK(inb(0x3FD) == 0x61 && inb(0x3F8) == 'b', "serial: LSR then RBR delivers 'b'");
	CHECK(inb(0x3FD) == 0x60, "serial: LSR data ready clears once input is drained");

	outb(0x3F9, 0x02);
	CHECK(inb(0x3FA) == 0x02, "serial: enabling THRE interrupt raises it");
	CHECK(inb(0x3FA) == 0x01, "serial: reading IIR acknowledges THRE");
	outb(0x3FA, 0x01);
	CHECK((inb(0x3FA) & 0xC0) == 0xC0, "serial: IIR shows FIFO enabled after FCR");
	outb(0x3FF, 0x77);
	CHECK(inb(0x3FF) == 0x77, "serial: scratch register");

	ports_init_devices(16 * MIB, NULL);
	CHECK(inb(0x3FD) == 0x60 && inb(0x3F8) == 0, "serial: no backend, idle and empty");
	outb(0x3F8, 'x');
	CHECK(1, "serial: no backend, output dropped without crashing");
}

/*
 * Input piped before the guest starts: the course's serial_init reads LSR,
 * IIR and RBR and discards the byte, so nothing may show before that RBR.
 */
static void test_serial_early_input(void)
{
	reset(16 * MIB);
	input_script = "ls\n";
	outb(0x3FA, 0);
	outb(0x3FB, 0x80);
	outb(0x3F8, 12);
	outb(0x3F9, 0);
	outb(0x3FB, 0x03);
	outb(0x3FC, 0);
	outb(0x3F9, 0x01);
	CHECK(inb(0x3FD) == 0x60, "serial: input waiting at init is not announced before the init RBR read");
	CHECK(inb(0x3FA) == 0x01, "serial: nor through IIR");
	(void)inb(0x3F8);
	CHECK(inb(0x3FD) == 0x61 && inb(0x3F8) == 'l', "serial: the first byte arrives after init");
	CHECK(inb(0x3FD) == 0x61 && inb(0x3F8) == 's', "serial: then the second");

	reset(16 * MIB);
	input_script = "x";
	CHECK(inb(0x3FD) == 0x60, "serial: a guest that never read RBR sees no input yet");
	outb(0x3F8, '>');
	CHECK(inb(0x3FD) == 0x61 && inb(0x3F8) == 'x', "serial: output arms the receiver too");
}

static void test_cga(void)
{
	uint16_t pos;

	reset(16 * MIB);
	/* JOS cga_init reads the cursor position like this. */
	outb(0x3D4, 14);
	pos = (uint16_t)(inb(0x3D5) << 8);
	outb(0x3D4, 15);
	pos |= inb(0x3D5);
	CHECK(pos < 2000, "cga: initial cursor position %u is on screen", pos);

	/* cga_putc moves the cursor with four writes. */
	outb(0x3D4, 14);
	outb(0x3D5, (1999 >> 8) & 0xFF);
	outb(0x3D4, 15);
	outb(0x3D5, 1999 & 0xFF);
	CHECK(cga_cursor() == 1999, "cga: cursor set to 1999");
	outb(0x3D4, 14);
	pos = (uint16_t)(inb(0x3D5) << 8);
	outb(0x3D4, 15);
	pos |= inb(0x3D5);
	CHECK(pos == 1999, "cga: cursor reads back 1999");
	CHECK(inb(0x3D4) == 15, "cga: index reads back");
}

static void test_lpt(void)
{
	int i;

	reset(16 * MIB);
	CHECK(inb(0x379) & 0x80, "lpt: status bit 7 (not busy) set");
	/* JOS lpt_putc, twice. */
	for (i = 0; i < 2; i++) {
		outb(0x378, 'c');
		outb(0x37A, 0x08 | 0x04 | 0x01);
		outb(0x37A, 0x08);
	}
	CHECK(lpt_bytes_strobed() == 2, "lpt: two characters strobed");
	CHECK(inb(0x378) == 'c', "lpt: data latch reads back");
	CHECK((inb(0x37A) & 0x1F) == 0x08, "lpt: control reads back");
	CHECK(inb(0x379) & 0x80, "lpt: still ready after printing");
	CHECK(output_len == 0, "lpt: nothing echoed to the console");
}

static void test_kbd(void)
{
	int i, full = 0;

	reset(16 * MIB);
	CHECK(!(inb(0x64) & 0x01), "kbd: no data at power-on");
	CHECK(inb(0x64) != 0xFF, "kbd: status is not 0xff");
	CHECK(kbd_push_scancode(0x1E) == 0 && kbd_push_scancode(0x9E) == 0, "kbd: queue two");
	CHECK(inb(0x64) & 0x01, "kbd: status shows data");
	CHECK(inb(0x60) == 0x1E && inb(0x60) == 0x9E, "kbd: scancodes in order");
	CHECK(!(inb(0x64) & 0x01), "kbd: status empty again");
	CHECK(inb(0x60) == 0x9E, "kbd: empty data port repeats last byte");
	for (i = 0; i < 100; i++)
		if (kbd_push_scancode((uint8_t)i) < 0)
			full = 1;
	CHECK(full, "kbd: queue reports full");
	outb(0x64, 0xAD);
	outb(0x60, 0xF4);
	CHECK(1, "kbd: controller commands accepted");
}

static void test_pic(void)
{
	reset(16 * MIB);
	CHECK(pic_irq_masked(0) && pic_irq_masked(15), "pic: all masked at power-on");
	/* JOS pic_init, step by step. */
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	outb(0x20, 0x11);
	outb(0x21, 32);
	outb(0x21, 1 << 2);
	outb(0x21, 0x3);
	outb(0xA0, 0x11);
	outb(0xA1, 40);
	outb(0xA1, 2);
	outb(0xA1, 0x01);
	outb(0x20, 0x68);
	outb(0x20, 0x0A);
	outb(0xA0, 0x68);
	outb(0xA0, 0x0A);
	CHECK(pic_vector_base(0) == 32 && pic_vector_base(1) == 40,
	      "pic: vector bases 32 and 40 (got %u, %u)", pic_vector_base(0), pic_vector_base(1));
	/* irq_setmask_8259A(0xFFFF & ~(1 << IRQ_SLAVE)), then unmask the timer. */
	outb(0x21, 0xFB);
	outb(0xA1, 0xFF);
	CHECK(inb(0x21) == 0xFB && inb(0xA1) == 0xFF, "pic: masks read back");
	outb(0x21, 0xFA);
	CHECK(!pic_irq_masked(0) && pic_irq_masked(1) && !pic_irq_masked(2) &&
	      pic_irq_masked(8), "pic: IRQ0 and cascade unmasked, others masked");
	outb(0x20, 0x20);
	CHECK(inb(0x20) == 0 && inb(0xA0) == 0, "pic: EOI accepted, IRR/ISR empty");
	/* Single mode without ICW4: ICW2 alone ends init. */
	outb(0xA0, 0x12);
	outb(0xA1, 0x70);
	outb(0xA1, 0xAA);
	CHECK(pic_vector_base(1) == 0x70 && inb(0xA1) == 0xAA, "pic: single-mode init");
	CHECK(ports_unknown_total() == 0, "devices: no access went to an unknown port");
}

static uint64_t acpi_out_count;

static void note_device(const char *name, uint64_t in, uint64_t out, void *ctx)
{
	(void)in;
	(void)ctx;
	if (!strcmp(name, "acpi-pm1a"))
		acpi_out_count = out;
}

/* The power-off port: only the documented word write switches the guest off. */
static void test_acpi(void)
{
	reset(16 * MIB);
	CHECK(!acpi_poweroff_requested(), "acpi: not off at power-on");
	ports_out(POWEROFF_PORT, 1, 0x00);
	ports_out(POWEROFF_PORT + 1, 1, 0x04);
	CHECK(!acpi_poweroff_requested(), "acpi: a sleep type without SLP_EN does nothing");
	ports_out(POWEROFF_PORT, 2, 0x3400);
	CHECK(!acpi_poweroff_requested(), "acpi: SLP_EN with sleep type 5 is not power-off here");
	CHECK(ports_in(POWEROFF_PORT, 2) == 0x1400, "acpi: SLP_EN reads back as zero");
	ports_out(POWEROFF_PORT, 2, POWEROFF_VALUE);
	CHECK(acpi_poweroff_requested(), "acpi: POWEROFF_VALUE to POWEROFF_PORT powers off");
	CHECK(ports_unknown_total() == 0, "acpi: its ports are not unknown");
	ports_for_each_device(note_device, NULL);
	CHECK(acpi_out_count == 4, "devices: 4 writes counted for acpi-pm1a (a word write counts once)");
}

int main(void)
{
	test_table();
	test_unknown();
	test_cmos();
	test_serial();
	test_serial_early_input();
	test_cga();
	test_lpt();
	test_kbd();
	test_pic();
	test_acpi();
	printf("%s: test-ports, %d failure(s)\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
