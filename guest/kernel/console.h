/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console.h - the guest's console: output to COM1 and the CGA text screen,
 * input polled from COM1 and the keyboard controller.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

void console_init(void);
void console_putc(int c);
void console_puts(const char *s);
/* Move the screen's cursor to where output stopped (after a message). */
void console_show_cursor(void);
/* The next input character, or -1 if none is waiting (never blocks). */
int console_getc(void);

#endif /* GUEST_CONSOLE_H */
