// SPDX-License-Identifier: GPL-2.0
/*
 * printf.c - a small printf for the console (see printf.h for what it
 * understands).  Integers are formatted in 64 bits, which x86-64 divides
 * natively, so no libgcc helpers are needed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "console.h"
#include "printf.h"
#include "string.h"

struct spec {
	int width;
	bool left;	/* '-': pad on the right */
	bool zero;	/* '0': pad numbers with zeros */
	int length;	/* 0 int, 1 long, 2 long long (z counts as long) */
};

static int pad(int n, char c)
{
	int i;

	for (i = 0; i < n; i++)
		console_putc(c);
	return n > 0 ? n : 0;
}

static int put_field(const char *s, int len, const struct spec *sp)
{
	int count = 0;

	if (!sp->left)
		count += pad(sp->width - len, ' ');
	for (int i = 0; i < len; i++)
		console_putc(s[i]);
	count += len;
	if (sp->left)
		count += pad(sp->width - len, ' ');
	return count;
}

static int put_number(unsigned long long v, unsigned int base, bool negative, bool upper,
		      const char *prefix, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];		/* 64 bits in octal: 22 digits */
	int n = 0, count = 0, prefix_len = 0, body;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		prefix = "-";
	while (prefix && prefix[prefix_len])
		prefix_len++;

	body = prefix_len + n;
	/* Zero padding goes between the sign or "0x" and the digits. */
	if (!sp->left && !sp->zero)
		count += pad(sp->width - body, ' ');
	for (int i = 0; i < prefix_len; i++)
		console_putc(prefix[i]);
	if (!sp->left && sp->zero)
		count += pad(sp->width - body, '0');
	while (n)
		console_putc(buf[--n]);
	count += body;
	if (sp->left)
		count += pad(sp->width - body, ' ');
	return count;
}

static unsigned long long arg_unsigned(va_list *ap, int length)
{
	if (length == 2)
		return va_arg(*ap, unsigned long long);
	if (length == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long arg_signed(va_list *ap, int length)
{
	if (length == 2)
		return va_arg(*ap, long long);
	if (length == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

int kvprintf(const char *fmt, va_list ap_in)
{
	va_list ap;
	int count = 0;

	/* A copy, so helpers can take it by pointer (va_list may be an array). */
	va_copy(ap, ap_in);
	for (; *fmt; fmt++) {
		struct spec sp = { 0 };
		long long sv;
		const char *s;
		char c;

		if (*fmt != '%') {
			console_putc(*fmt);
			count++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == 'z') {
			sp.length = 1;		/* size_t is unsigned long */
			fmt++;
		}
		for (; *fmt == 'l'; fmt++)
			if (sp.length < 2)
				sp.length++;

		switch (*fmt) {
		case 'd':
		case 'i':
			sv = arg_signed(&ap, sp.length);
			count += put_number(sv < 0 ? 0ULL - sv : (unsigned long long)sv, 10,
					    sv < 0, false, NULL, &sp);
			break;
		case 'u':
			count += put_number(arg_unsigned(&ap, sp.length), 10, false, false, NULL,
					    &sp);
			break;
		case 'x':
		case 'X':
			count += put_number(arg_unsigned(&ap, sp.length), 16, false, *fmt == 'X',
					    NULL, &sp);
			break;
		case 'o':
			count += put_number(arg_unsigned(&ap, sp.length), 8, false, false, NULL,
					    &sp);
			break;
		case 'p':
			count += put_number((uintptr_t)va_arg(ap, void *), 16, false, false, "0x",
					    &sp);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			count += put_field(s, (int)strlen(s), &sp);
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			count += put_field(&c, 1, &sp);
			break;
		case '%':
			console_putc('%');
			count++;
			break;
		case '\0':
			/* A lone '%' at the end: print it rather than read past the string. */
			console_putc('%');
			count++;
			fmt--;
			break;
		default:
			console_putc('%');
			console_putc(*fmt);
			count += 2;
			break;
		}
	}
	va_end(ap);
	return count;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int count;

	va_start(ap, fmt);
	count = kvprintf(fmt, ap);
	va_end(ap);
	console_show_cursor();
	return count;
}
