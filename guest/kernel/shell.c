// SPDX-License-Identifier: GPL-2.0
/*
 * shell.c - the prompt, line editing and command dispatch.
 *
 * Input is busy-polled (serial LSR, then the keyboard status) without hlt,
 * as the course's shell does; every poll is a VM exit, and the launcher is
 * expected to cope with an idle guest that spins.  Commands live in a table
 * (commands.c) so new ones need no change here.
 */
#include <stdbool.h>

#include "console.h"
#include "printf.h"
#include "shell.h"
#include "string.h"

#define PROMPT		"vm$ "
#define LINE_MAX	256
#define MAX_ARGS	32
#define ASCII_DEL	0x7f	/* what most terminals send for Backspace */

static char line[LINE_MAX];

/* Reads one line into `line` (without the terminator), echoing as it goes. */
static void read_line(void)
{
	/* A CR ends the line; a terminal may send LF right after it. */
	static bool after_cr;
	size_t len = 0;

	for (;;) {
		int c = console_getc();

		if (c < 0)
			continue;
		if (c == '\n' && after_cr) {
			after_cr = false;
			continue;
		}
		after_cr = c == '\r';

		if (c == '\r' || c == '\n') {
			console_putc('\n');
			line[len] = '\0';
			return;
		}
		if (c == '\b' || c == ASCII_DEL) {
			if (len) {
				len--;
				console_puts("\b \b");
			}
			continue;
		}
		if (c == '\t')
			c = ' ';
		/* Other control characters and non-ASCII bytes are dropped. */
		if (c < ' ' || c >= ASCII_DEL)
			continue;
		if (len < LINE_MAX - 1) {
			line[len++] = (char)c;
			console_putc(c);
		}
	}
}

/* Splits `line` in place at spaces; returns the word count or -1 if too many. */
static int split_words(char **argv)
{
	char *p = line;
	int argc = 0;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return argc;
		if (argc == MAX_ARGS)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static void run_line(void)
{
	char *argv[MAX_ARGS + 1];
	int argc = split_words(argv);
	size_t i;

	if (argc == 0)
		return;
	if (argc < 0) {
		kprintf("too many words (at most %d)\n", MAX_ARGS);
		return;
	}
	argv[argc] = NULL;

	for (i = 0; i < num_commands; i++) {
		if (!strcmp(argv[0], commands[i].name)) {
			commands[i].run(argc, argv);
			return;
		}
	}
	kprintf("unknown command '%s'; try 'help'\n", argv[0]);
}

void shell_run(void)
{
	kprintf("jvmm guest shell: type 'help' for the commands\n");
	for (;;) {
		console_puts(PROMPT);
		read_line();
		run_line();
	}
}
