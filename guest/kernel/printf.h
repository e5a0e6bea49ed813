/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printf.h - formatted output to the console (serial and CGA).
 *
 * Conversions: %d %i %u %x %X %o %s %c %p %%, with an optional '-' (left
 * justify) or '0' (zero pad) flag, a field width, and the l, ll or z
 * length modifiers.  No precision, no floating point.
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>

#include "compiler.h"

int kvprintf(const char *fmt, va_list ap);
int kprintf(const char *fmt, ...) __printf(1, 2);

#endif /* GUEST_PRINTF_H */
