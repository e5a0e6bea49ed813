/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compiler.h - the Linux spellings of the gcc attributes the kernel uses,
 * so the code reads like kernel code.
 */
#ifndef GUEST_COMPILER_H
#define GUEST_COMPILER_H

#define __packed		__attribute__((packed))
#define __aligned(n)		__attribute__((aligned(n)))
#define __noreturn		__attribute__((noreturn))
#define __printf(fmt, args)	__attribute__((format(printf, fmt, args)))

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#endif /* GUEST_COMPILER_H */
