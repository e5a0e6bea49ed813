/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shell.h - the interactive shell and its command table.
 */
#ifndef GUEST_SHELL_H
#define GUEST_SHELL_H

#include <stddef.h>

#include "compiler.h"

struct command {
	const char *name;
	const char *usage;	/* name and arguments, for 'help' */
	const char *help;	/* one line, for 'help' */
	/* argv[0] is the command name; returns 0 on success. */
	int (*run)(int argc, char **argv);
};

/* commands.c: the built-in commands, in the order 'help' lists them. */
extern const struct command commands[];
extern const size_t num_commands;

/* Prints the banner, then reads and runs command lines for good. */
__noreturn void shell_run(void);

#endif /* GUEST_SHELL_H */
