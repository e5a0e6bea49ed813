// SPDX-License-Identifier: GPL-2.0
/*
 * dev_serial.c - COM1 as an always-ready 16550 UART, bridged to the
 * console through a serial_backend.
 *
 * What the guest relies on (contract): LSR (0x3FD) never reads 0xFF (that
 * means "no serial port"), has THRE (0x20) set so output never waits, and
 * DR (0x01) set exactly when input is pending; RBR (0x3F8) delivers input;
 * IIR (0x3FA) is read at init.  One input byte is held in a receive latch,
 * fetched from the backend when the guest checks LSR (or IIR), so a byte
 * LSR announced is the byte RBR returns, and RBR alone consumes nothing.
 * No input shows at all until the guest has read RBR once or printed:
 * JOS's serial init reads LSR, IIR and RBR and discards that byte.
 * Registers the guest only writes (LCR, MCR, divisor, FCR, SCR) are kept
 * so they read back as written.
 */
#include "ports.h"

#include <stdbool.h>
#include <stddef.h>

#define COM1_BASE	0x3F8
#define REG_DATA	0	/* RBR / THR, or DLL with DLAB */
#define REG_IER		1	/* or DLM with DLAB */
#define REG_IIR_FCR	2	/* IIR on read, FCR on write */
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define REG_MSR		6
#define REG_SCR		7

#define LCR_DLAB	0x80
#define IER_RDA		0x01	/* interrupt on received data */
#define IER_THRE	0x02	/* interrupt on transmitter empty */
#define IIR_NONE	0x01
#define IIR_THRE	0x02
#define IIR_RDA		0x04
#define IIR_FIFO_ON	0xC0
#define FCR_ENABLE	0x01
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MSR_IDLE	0xB0	/* DCD, DSR, CTS: a cable with someone there */

static struct serial_backend backend;
static bool have_backend;
static int rx_latch = -1;	/* pending input byte, or -1 */
static bool rx_armed;		/* the guest has set the UART up: input may show */
static bool thre_pending;	/* THRE interrupt raised and not yet seen in IIR */
static uint8_t ier, lcr, mcr, scr, dll, dlm;
static bool fifo_on;
static uint64_t empty_polls;

void serial_init(const struct serial_backend *b)
{
	have_backend = b != NULL;
	if (b)
		backend = *b;
	rx_latch = -1;
	rx_armed = false;
	thre_pending = false;
	ier = mcr = scr = dlm = 0;
	lcr = 0x03;		/* 8N1 */
	dll = 0x0C;		/* 9600 baud */
	fifo_on = false;
	empty_polls = 0;
}

uint64_t serial_empty_polls(void)
{
	return empty_polls;
}

/* Fill the latch from the backend if it is empty; true if input is pending. */
static bool rx_ready(void)
{
	/*
	 * JOS's serial_init reads LSR, IIR, then RBR and throws the byte
	 * away: announcing input before that read loses it (the course's
	 * guest ran "s" for a piped "ls").  Input shows only once the
	 * guest has read RBR or written THR.
	 */
	if (!rx_armed)
		return false;
	if (rx_latch < 0 && have_backend && backend.read_byte)
		rx_latch = backend.read_byte(backend.ctx);
	if (rx_latch < 0)
		rx_latch = -1;	/* any negative from the backend means none */
	return rx_latch >= 0;
}

static uint8_t iir_value(void)
{
	uint8_t fifo = fifo_on ? IIR_FIFO_ON : 0;

	/* Received data outranks transmitter empty, as on the 16550. */
	if ((ier & IER_RDA) && rx_ready())
		return fifo | IIR_RDA;
	if ((ier & IER_THRE) && thre_pending) {
		thre_pending = false;	/* reading IIR acknowledges THRE */
		return fifo | IIR_THRE;
	}
	return fifo | IIR_NONE;
}

uint8_t serial_in(uint16_t port)
{
	uint8_t value;

	switch (port - COM1_BASE) {
	case REG_DATA:
		if (lcr & LCR_DLAB)
			return dll;
		/*
		 * Only a byte LSR (or IIR) announced: the guest reads RBR
		 * once at init to clear it, and piped input that is
		 * already waiting must not be lost to that read.
		 */
		value = rx_latch >= 0 ? (uint8_t)rx_latch : 0;
		rx_latch = -1;
		rx_armed = true;
		return value;
	case REG_IER:
		return lcr & LCR_DLAB ? dlm : ier;
	case REG_IIR_FCR:
		return iir_value();
	case REG_LCR:
		return lcr;
	case REG_MCR:
		return mcr;
	case REG_LSR:
		if (rx_ready()) {
			empty_polls = 0;
			return LSR_THRE | LSR_TEMT | LSR_DR;
		}
		empty_polls++;
		return LSR_THRE | LSR_TEMT;
	case REG_MSR:
		return MSR_IDLE;
	default:
		return scr;
	}
}

void serial_out(uint16_t port, uint8_t value)
{
	switch (port - COM1_BASE) {
	case REG_DATA:
		if (lcr & LCR_DLAB) {
			dll = value;
			return;
		}
		if (have_backend && backend.write_byte)
			backend.write_byte(backend.ctx, value);
		rx_armed = true;
		/*
		 * A guest that prints is busy, not idle, even though it
		 * polls LSR before every character.
		 */
		empty_polls = 0;
		/* Transmission is instant: THR is empty again at once. */
		thre_pending = true;
		return;
	case REG_IER:
		if (lcr & LCR_DLAB) {
			dlm = value;
			return;
		}
		/* Enabling THRE with THR empty raises it immediately. */
		if ((value & IER_THRE) && !(ier & IER_THRE))
			thre_pending = true;
		ier = value & 0x0F;
		return;
	case REG_IIR_FCR:
		fifo_on = value & FCR_ENABLE;
		return;
	case REG_LCR:
		lcr = value;
		return;
	case REG_MCR:
		mcr = value & 0x1F;
		return;
	case REG_SCR:
		scr = value;
		return;
	default:
		return;		/* LSR, MSR: writes have no effect here */
	}
}
