// SPDX-License-Identifier: GPL-2.0
/*
 * ports.c - which device model answers which I/O port, and what happens on
 * a port nobody claims.
 *
 * The table is static and sorted so a lookup is a binary search; at the
 * shell prompt the guest polls two ports in a tight loop, so this runs on
 * every exit.  Unknown ports behave like an empty ISA bus (reads all ones,
 * writes lost) and are counted, because a port the guest needs and we do
 * not model is the first thing to look for when a guest hangs.
 */
#include "ports.h"

#include <string.h>

/*
 * Ports the contract says the guest touches but needs nothing from: 0x84
 * is read as a delay, 0x92 is written on Ctrl-Alt-Del (we do not reset),
 * and the file server writes a word to 0x8A00 at start.  They read as an
 * empty bus would, but are not "unknown": they are expected.
 */
static uint8_t ignored_in(uint16_t port)
{
	(void)port;
	return 0xFF;
}

static void ignored_out(uint16_t port, uint8_t value)
{
	(void)port;
	(void)value;
}

/* Sorted by port, non-overlapping (test-ports checks both). */
static const struct port_dev port_table[] = {
	{ 0x0020, 0x0021, "pic-master", pic_in, pic_out },
	{ 0x0060, 0x0060, "kbd-data", kbd_in, kbd_out },
	{ 0x0064, 0x0064, "kbd-status", kbd_in, kbd_out },
	{ 0x0070, 0x0071, "cmos", cmos_in, cmos_out },
	{ 0x0084, 0x0084, "delay", ignored_in, ignored_out },
	{ 0x0092, 0x0092, "sysctl-a", ignored_in, ignored_out },
	{ 0x00A0, 0x00A1, "pic-slave", pic_in, pic_out },
	{ 0x0378, 0x037A, "lpt1", lpt_in, lpt_out },
	{ 0x03D4, 0x03D5, "cga-crtc", cga_in, cga_out },
	{ 0x03F8, 0x03FF, "com1", serial_in, serial_out },
	{ 0x0604, 0x0605, "acpi-pm1a", acpi_in, acpi_out },
	{ 0x8A00, 0x8A01, "fs-start", ignored_in, ignored_out },
};

#define PORT_TABLE_SIZE (sizeof(port_table) / sizeof(port_table[0]))

/* 64 Ki counters (512 KiB of bss) beat a hash table in simplicity. */
static uint64_t unknown_counts[65536];
static uint64_t unknown_total;
/* Accesses per table entry, counted here where the entry is found anyway. */
static uint64_t device_in[PORT_TABLE_SIZE], device_out[PORT_TABLE_SIZE];

const struct port_dev *ports_table(size_t *count)
{
	*count = PORT_TABLE_SIZE;
	return port_table;
}

const struct port_dev *ports_lookup(uint16_t port)
{
	size_t lo = 0, hi = PORT_TABLE_SIZE;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (port < port_table[mid].first)
			hi = mid;
		else if (port > port_table[mid].last)
			lo = mid + 1;
		else
			return &port_table[mid];
	}
	return NULL;
}

/* first: the access's first byte, where it is counted for its device. */
static uint8_t in_byte(uint16_t port, bool first)
{
	const struct port_dev *dev = ports_lookup(port);

	if (dev) {
		if (first)
			device_in[dev - port_table]++;
		return dev->in(port);
	}
	unknown_counts[port]++;
	unknown_total++;
	return 0xFF;
}

static void out_byte(uint16_t port, uint8_t value, bool first)
{
	const struct port_dev *dev = ports_lookup(port);

	if (dev) {
		if (first)
			device_out[dev - port_table]++;
		dev->out(port, value);
		return;
	}
	unknown_counts[port]++;
	unknown_total++;
}

static unsigned int access_bytes(unsigned int size)
{
	return size == 2 || size == 4 ? size : 1;
}

uint32_t ports_in(uint16_t port, unsigned int size)
{
	unsigned int i, n = access_bytes(size);
	uint32_t value = 0;

	/* Port numbers wrap at 0xFFFF, as on the bus. */
	for (i = 0; i < n; i++)
		value |= (uint32_t)in_byte((uint16_t)(port + i), i == 0) << (8 * i);
	return value;
}

void ports_out(uint16_t port, unsigned int size, uint32_t value)
{
	unsigned int i, n = access_bytes(size);

	for (i = 0; i < n; i++)
		out_byte((uint16_t)(port + i), (uint8_t)(value >> (8 * i)), i == 0);
}

uint64_t ports_unknown_count(uint16_t port)
{
	return unknown_counts[port];
}

uint64_t ports_unknown_total(void)
{
	return unknown_total;
}

void ports_for_each_unknown(void (*fn)(uint16_t port, uint64_t count, void *ctx), void *ctx)
{
	uint32_t port;

	if (!unknown_total)
		return;
	for (port = 0; port <= 0xFFFF; port++)
		if (unknown_counts[port])
			fn((uint16_t)port, unknown_counts[port], ctx);
}

void ports_for_each_device(void (*fn)(const char *name, uint64_t in, uint64_t out, void *ctx),
			   void *ctx)
{
	size_t i;

	for (i = 0; i < PORT_TABLE_SIZE; i++)
		if (device_in[i] || device_out[i])
			fn(port_table[i].name, device_in[i], device_out[i], ctx);
}

void ports_reset_unknown(void)
{
	uint32_t port;

	for (port = 0; port <= 0xFFFF; port++)
		unknown_counts[port] = 0;
	unknown_total = 0;
}

void ports_init_devices(uint64_t ram_size, const struct serial_backend *serial)
{
	cmos_init(ram_size);
	serial_init(serial);
	cga_init();
	lpt_init();
	kbd_init();
	pic_init();
	acpi_init();
	ports_reset_unknown();
	memset(device_in, 0, sizeof(device_in));
	memset(device_out, 0, sizeof(device_out));
}
