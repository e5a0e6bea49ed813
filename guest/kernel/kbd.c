// SPDX-License-Identifier: GPL-2.0
/*
 * kbd.c - the 8042 keyboard controller, polled.  Only what a shell needs is
 * translated: letters, digits, punctuation, space, Enter, Backspace, Tab,
 * with Shift.  Everything else (releases, Ctrl, Alt, the 0xE0-prefixed
 * keys) is read and dropped, so the controller's buffer never stays full.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kbd.h"
#include "x86.h"

#define KBD_DATA	0x60
#define KBD_STATUS	0x64
#define KBD_OBF		0x01	/* a byte is waiting at KBD_DATA */

#define SC_RELEASE	0x80	/* set on a key's break code */
#define SC_EXTENDED	0xe0
#define SC_LSHIFT	0x2a
#define SC_RSHIFT	0x36

/* Set 1 make codes up to Space (0x39); 0 means "no character". */
static const char plain_map[0x3a] = {
	[0x02] = '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b',
	[0x0f] = '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n',
	[0x1e] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
	[0x2b] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
	[0x37] = '*',
	[0x39] = ' ',
};

static const char shift_map[0x3a] = {
	[0x02] = '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b',
	[0x0f] = '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n',
	[0x1e] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
	[0x2b] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
	[0x37] = '*',
	[0x39] = ' ',
};

static bool shift_down;
static bool after_extended;	/* the previous byte was the 0xE0 prefix */

int kbd_getc(void)
{
	uint8_t code;
	bool extended;

	if (!(inb(KBD_STATUS) & KBD_OBF))
		return -1;
	code = inb(KBD_DATA);

	if (code == SC_EXTENDED) {
		after_extended = true;
		return -1;
	}
	extended = after_extended;
	after_extended = false;
	/* Extended keys (arrows, right Ctrl...) are not translated. */
	if (extended)
		return -1;

	if ((code & ~SC_RELEASE) == SC_LSHIFT || (code & ~SC_RELEASE) == SC_RSHIFT) {
		shift_down = !(code & SC_RELEASE);
		return -1;
	}
	if ((code & SC_RELEASE) || code >= sizeof(plain_map))
		return -1;
	code = (uint8_t)(shift_down ? shift_map[code] : plain_map[code]);
	return code ? code : -1;
}
