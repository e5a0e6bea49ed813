/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ports.h - port I/O dispatch for the JOS guest's devices, and the device
 * models' own interfaces (each model lives in its own dev_*.c).
 *
 * Every guest in/out exits to jlaunch, which calls ports_in()/ports_out().
 * Devices are byte-wide, as the ISA devices the guest talks to are: a 2- or
 * 4-byte access is split into byte accesses at port, port+1, ... exactly as
 * the ISA bus splits it.  Ports no device claims read as all ones and
 * swallow writes, each access counted per port for --stats.
 */
#ifndef JLAUNCH_PORTS_H
#define JLAUNCH_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct port_dev {
	uint16_t first, last;	/* inclusive range */
	const char *name;
	uint8_t (*in)(uint16_t port);
	void (*out)(uint16_t port, uint8_t value);
};

/* The device claiming a port, or NULL: for --trace. */
const struct port_dev *ports_lookup(uint16_t port);

/* size is 1, 2 or 4 (KVM_EXIT_IO's size); other sizes act as 1. */
uint32_t ports_in(uint16_t port, unsigned int size);
void ports_out(uint16_t port, unsigned int size, uint32_t value);

/* Unknown-port accounting, per byte port (a word access counts two). */
uint64_t ports_unknown_count(uint16_t port);
uint64_t ports_unknown_total(void);
/* Calls fn for each unknown port touched, in port order. */
void ports_for_each_unknown(void (*fn)(uint16_t port, uint64_t count, void *ctx), void *ctx);
void ports_reset_unknown(void);
/*
 * Calls fn for each device accessed, in table order, with its accesses
 * (a 2-byte access counts once, for the device at its first port).
 */
void ports_for_each_device(void (*fn)(const char *name, uint64_t in, uint64_t out, void *ctx),
			   void *ctx);

/* The whole table, for tests (sorted, non-overlapping). */
const struct port_dev *ports_table(size_t *count);

/* ---- CMOS / RTC (0x70 index, 0x71 data): dev_cmos.c ---- */
/* Sets the memory-size registers from guest RAM; resets the rest. */
void cmos_init(uint64_t ram_size);
uint8_t cmos_in(uint16_t port);
void cmos_out(uint16_t port, uint8_t value);

/* ---- COM1 16550 UART (0x3F8-0x3FF): dev_serial.c ---- */
struct serial_backend {
	/* A byte written to THR: console output. */
	void (*write_byte)(void *ctx, uint8_t byte);
	/* The next input byte, or -1 if none now.  Must not block. */
	int (*read_byte)(void *ctx);
	void *ctx;
};
/* backend may be NULL: output dropped, no input. */
void serial_init(const struct serial_backend *backend);
uint8_t serial_in(uint16_t port);
void serial_out(uint16_t port, uint8_t value);
/*
 * LSR reads in a row that found no input and no output between them: a
 * guest idling at its prompt.  Lets the run loop sleep instead of spinning.
 */
uint64_t serial_empty_polls(void);

/* ---- CGA CRT controller (0x3D4 index, 0x3D5 data): dev_cga.c ---- */
void cga_init(void);
uint8_t cga_in(uint16_t port);
void cga_out(uint16_t port, uint8_t value);
uint16_t cga_cursor(void);	/* registers 0x0E:0x0F */

/* ---- Parallel port LPT1 (0x378-0x37A): dev_lpt.c ---- */
void lpt_init(void);
uint8_t lpt_in(uint16_t port);
void lpt_out(uint16_t port, uint8_t value);
uint64_t lpt_bytes_strobed(void);	/* characters the guest printed there */

/* ---- Keyboard controller (0x60 data, 0x64 status/command): dev_kbd.c ---- */
void kbd_init(void);
uint8_t kbd_in(uint16_t port);
void kbd_out(uint16_t port, uint8_t value);
/* Queue a scancode for the guest; returns 0, or -1 if the queue is full. */
int kbd_push_scancode(uint8_t code);

/* ---- 8259A PICs (0x20/0x21 master, 0xA0/0xA1 slave): dev_pic.c ---- */
void pic_init(void);
uint8_t pic_in(uint16_t port);
void pic_out(uint16_t port, uint8_t value);
/* As the guest programmed them: vector of IRQ0 (master) / IRQ8 (slave). */
uint8_t pic_vector_base(int slave);
int pic_irq_masked(unsigned int irq);	/* 0-15 */

/* ---- Power-off port (0x604-0x605, ACPI PM1a control): dev_acpi.c ---- */
void acpi_init(void);
uint8_t acpi_in(uint16_t port);
void acpi_out(uint16_t port, uint8_t value);
/* The guest asked to be switched off (POWEROFF_VALUE to POWEROFF_PORT). */
bool acpi_poweroff_requested(void);

/* Every model above back to power-on state (CMOS sized for ram_size). */
void ports_init_devices(uint64_t ram_size, const struct serial_backend *serial);

#endif /* JLAUNCH_PORTS_H */
