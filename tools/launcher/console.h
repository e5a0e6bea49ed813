/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console.h - the guest's console on jlaunch's stdin/stdout.
 *
 * While the guest runs, a terminal on stdin is in raw mode (keys go to the
 * guest as typed; Ctrl-C still interrupts jlaunch), and it is restored on
 * every way out.  Input may also come from a pipe or file.  Ctrl-A is the
 * escape key, as in QEMU: Ctrl-A x quits, Ctrl-A s prints statistics,
 * Ctrl-A h lists these, Ctrl-A Ctrl-A sends one Ctrl-A to the guest.
 */
#ifndef JLAUNCH_CONSOLE_H
#define JLAUNCH_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_ESCAPE_KEY	0x01	/* Ctrl-A */

/* Raw mode if stdin is a terminal, restore hooks, non-blocking input. */
int console_open(void);
/* Ctrl-Z restores the terminal while jlaunch is stopped, raw mode after. */
void console_handle_stop_key(void);
/* Back to how the terminal was; safe to call more than once and from a signal handler. */
void console_restore(void);

/* The serial model's backend: output buffered, input never blocks. */
void console_write_byte(void *ctx, uint8_t byte);
int console_read_byte(void *ctx);
void console_flush(void);

/*
 * Wait up to timeout_ms for input (or a signal): the run loop calls this
 * when the guest has polled for input many times in a row and found none.
 */
void console_wait_input(int timeout_ms);

/* Escape-key requests seen in the input. */
bool console_quit_requested(void);
bool console_take_stats_request(void);

/* --until: true once the output so far contains text. */
void console_watch_for(const char *text);
bool console_watch_matched(void);

/* The guest's last line is unfinished: start jlaunch's own on a new one. */
bool console_mid_line(void);

uint64_t console_bytes_out(void);
uint64_t console_bytes_in(void);

#endif /* JLAUNCH_CONSOLE_H */
