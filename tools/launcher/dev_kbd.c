// SPDX-License-Identifier: GPL-2.0
/*
 * dev_kbd.c - the 8042 keyboard controller at 0x60 (data) and 0x64
 * (status on read, commands on write).  The guest polls the status at its
 * prompt and reads a scancode when bit 0 says one is waiting.  Console
 * input reaches the guest through COM1, so scancodes only arrive when the
 * launcher queues them (kbd_push_scancode); the status then never claims
 * data that is not there.  Controller commands are accepted and ignored:
 * no reset line, no A20 gate, no mouse.
 */
#include "ports.h"

#define KBD_DATA_PORT	0x60
#define KBD_STATUS_OBF	0x01	/* output buffer full: a byte at 0x60 */
/* System flag (POST passed) and keyboard not inhibited. */
#define KBD_STATUS_IDLE	0x14
#define KBD_QUEUE_SIZE	16

static uint8_t queue[KBD_QUEUE_SIZE];
static unsigned int head, count;
static uint8_t last_data;

void kbd_init(void)
{
	head = count = 0;
	last_data = 0;
}

int kbd_push_scancode(uint8_t code)
{
	if (count == KBD_QUEUE_SIZE)
		return -1;
	queue[(head + count) % KBD_QUEUE_SIZE] = code;
	count++;
	return 0;
}

uint8_t kbd_in(uint16_t port)
{
	if (port != KBD_DATA_PORT)
		return KBD_STATUS_IDLE | (count ? KBD_STATUS_OBF : 0);
	/* With nothing queued the 8042 repeats its last byte. */
	if (count) {
		last_data = queue[head];
		head = (head + 1) % KBD_QUEUE_SIZE;
		count--;
	}
	return last_data;
}

void kbd_out(uint16_t port, uint8_t value)
{
	(void)port;
	(void)value;
}
