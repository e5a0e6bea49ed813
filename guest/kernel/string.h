/* SPDX-License-Identifier: GPL-2.0 */
/*
 * string.h - the few libc string functions the kernel uses.  gcc may also
 * emit calls to memset/memcpy/memmove/memcmp on its own (struct copies),
 * even freestanding, so those four must exist under their standard names.
 */
#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif /* GUEST_STRING_H */
