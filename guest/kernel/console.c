// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - COM1 (a polled 16550) and the CGA colour text screen.
 *
 * Every character goes to both: serial is what jlaunch shows on its
 * terminal, the CGA buffer is what a VNC/RFB view of the guest would show.
 * '\n' is sent to the serial line as is (the launcher's terminal adds the
 * carriage return); on the screen it starts a new line.  The port accesses
 * follow the contract's "Port I/O the guest performs" list, since the
 * launcher answers exactly those.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "kbd.h"
#include "layout.h"
#include "x86.h"

#define COM1		0x3f8
#define COM_RBR		0	/* read: received byte */
#define COM_THR		0	/* write: byte to send */
#define COM_DLL		0	/* with LCR.DLAB: divisor, low byte */
#define COM_DLM		1	/* with LCR.DLAB: divisor, high byte */
#define COM_IER		1
#define COM_IIR		2	/* read */
#define COM_FCR		2	/* write */
#define COM_LCR		3
#define COM_MCR		4
#define COM_LSR		5

#define LCR_DLAB	0x80
#define LCR_8N1		0x03
#define MCR_DTR_RTS	0x03
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20
#define LSR_ABSENT	0xff	/* an unconnected bus reads all ones */
#define FCR_FIFO_ON	0x07	/* enable, clear both FIFOs */
#define IIR_FIFO_ON	0xc0	/* a 16550A with its FIFOs working */
#define TX_FIFO_BYTES	16
#define COM_DIVISOR	12	/* 115200 / 12 = 9600 baud */
/* A UART that never drains must slow output down, not stop the kernel. */
#define COM_TX_SPINS	12800

#define CGA_PHYS	0xb8000
#define CGA_CRTC	0x3d4	/* index; data at +1 */
#define CRTC_CURSOR_HI	14
#define CRTC_CURSOR_LO	15
#define CGA_COLS	80
#define CGA_ROWS	25
#define CGA_CELLS	(CGA_COLS * CGA_ROWS)
#define CGA_ATTR	0x0700	/* light grey on black */
#define CGA_PROBE	0xa55a
#define TAB_STOP	8

static bool serial_present;
static unsigned int tx_fifo_size = 1;	/* bytes THR takes after one THRE */
static unsigned int tx_room;		/* bytes we may still send unpolled */
static int serial_early_byte = -1;	/* received before serial_init() finished */
static volatile uint16_t *cga_buf;	/* NULL: no CGA memory */
static unsigned int cga_pos;
static bool cursor_stale;	/* cga_pos moved since the cursor last did */

static void serial_init(void)
{
	uint8_t lsr, rbr;

	/*
	 * With the 16550's FIFO, one THRE poll lets us send 16 bytes: a
	 * status read per character is an exit per character under a
	 * hypervisor.
	 */
	outb(COM1 + COM_FCR, FCR_FIFO_ON);
	outb(COM1 + COM_LCR, LCR_DLAB);
	outb(COM1 + COM_DLL, COM_DIVISOR & 0xff);
	outb(COM1 + COM_DLM, COM_DIVISOR >> 8);
	outb(COM1 + COM_LCR, LCR_8N1);
	outb(COM1 + COM_MCR, MCR_DTR_RTS);
	outb(COM1 + COM_IER, 0);	/* polled: no serial interrupts */

	lsr = inb(COM1 + COM_LSR);
	serial_present = lsr != LSR_ABSENT;
	/* Clear whatever interrupt and received byte the UART latched... */
	if ((inb(COM1 + COM_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON)
		tx_fifo_size = TX_FIFO_BYTES;
	rbr = inb(COM1 + COM_RBR);
	/*
	 * ...but a byte LSR announced is input typed (or piped) before we got
	 * here: keep it, or the first command loses its first letter.
	 */
	if (serial_present && (lsr & LSR_DATA_READY))
		serial_early_byte = rbr;
}

static void serial_putc(int c)
{
	int spins;

	if (!serial_present)
		return;
	if (!tx_room) {
		for (spins = 0; spins < COM_TX_SPINS; spins++)
			if (inb(COM1 + COM_LSR) & LSR_THR_EMPTY)
				break;
		/* THRE: the transmit FIFO (or holding register) is empty. */
		tx_room = tx_fifo_size;
	}
	tx_room--;
	outb(COM1 + COM_THR, (uint8_t)c);
}

static int serial_getc(void)
{
	int c = serial_early_byte;

	if (c >= 0) {
		serial_early_byte = -1;
		return c;
	}
	if (!serial_present || !(inb(COM1 + COM_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + COM_RBR);
}

static uint8_t crtc_read(uint8_t reg)
{
	outb(CGA_CRTC, reg);
	return inb(CGA_CRTC + 1);
}

static void crtc_write(uint8_t reg, uint8_t value)
{
	outb(CGA_CRTC, reg);
	outb(CGA_CRTC + 1, value);
}

static void cga_init(void)
{
	volatile uint16_t *buf = phys_to_virt(CGA_PHYS);
	uint16_t saved = buf[0];

	/* Memory that does not keep what we wrote is no text buffer. */
	buf[0] = CGA_PROBE;
	if (buf[0] != CGA_PROBE)
		return;
	buf[0] = saved;
	cga_buf = buf;

	/* Continue where the previous owner of the screen left the cursor. */
	cga_pos = crtc_read(CRTC_CURSOR_HI) << 8;
	cga_pos |= crtc_read(CRTC_CURSOR_LO);
	if (cga_pos >= CGA_CELLS)
		cga_pos = 0;
}

static void cga_scroll(void)
{
	unsigned int i;

	for (i = 0; i < CGA_CELLS - CGA_COLS; i++)
		cga_buf[i] = cga_buf[i + CGA_COLS];
	for (; i < CGA_CELLS; i++)
		cga_buf[i] = CGA_ATTR | ' ';
	cga_pos -= CGA_COLS;
}

static void cga_putc(int c)
{
	if (!cga_buf)
		return;

	switch (c) {
	case '\n':
		cga_pos += CGA_COLS - cga_pos % CGA_COLS;
		break;
	case '\r':
		cga_pos -= cga_pos % CGA_COLS;
		break;
	case '\b':
		if (cga_pos > 0)
			cga_buf[--cga_pos] = CGA_ATTR | ' ';
		break;
	case '\t':
		do
			cga_buf[cga_pos++] = CGA_ATTR | ' ';
		while (cga_pos % TAB_STOP && cga_pos < CGA_CELLS);
		break;
	default:
		cga_buf[cga_pos++] = CGA_ATTR | (uint8_t)c;
		break;
	}
	if (cga_pos >= CGA_CELLS)
		cga_scroll();
	cursor_stale = true;
}

/*
 * Moving the hardware cursor costs four port writes, each an exit under
 * a hypervisor: do it once per printed message, and before waiting for
 * input, rather than after every character.
 */
void console_show_cursor(void)
{
	if (!cga_buf || !cursor_stale)
		return;
	crtc_write(CRTC_CURSOR_HI, cga_pos >> 8);
	crtc_write(CRTC_CURSOR_LO, cga_pos & 0xff);
	cursor_stale = false;
}

void console_init(void)
{
	serial_init();
	cga_init();
}

void console_putc(int c)
{
	serial_putc(c);
	cga_putc(c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
	console_show_cursor();
}

int console_getc(void)
{
	int c;

	console_show_cursor();
	c = serial_getc();

	if (c < 0)
		c = kbd_getc();
	return c;
}
