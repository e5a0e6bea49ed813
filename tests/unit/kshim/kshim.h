/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h - just enough of the kernel's API to compile a module source
 * file that does no more than compute, log and read MSRs, so that its
 * decisions can be unit-tested in userspace.  The test supplies the
 * hardware: fake_rdmsr(), fake_cpuid_ecx() and fake_cpuid_count().
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;

#define KBUILD_MODNAME "jvmm"
#define PAGE_SIZE 4096UL

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define GENMASK_ULL(h, l)	(((~0ULL) >> (63 - (h))) & ~((1ULL << (l)) - 1))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define lower_32_bits(v)	((u32)(v))
#define upper_32_bits(v)	((u32)((u64)(v) >> 32))

#define max(a, b)		((a) > (b) ? (a) : (b))

static inline unsigned long __ffs(unsigned long x)
{
	return (unsigned long)__builtin_ctzl(x);
}

/* Everything the code under test logs, one line per call. */
extern char kshim_log[8192];
extern int kshim_log_lines;
void kshim_printk(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* pr_fmt() is the including file's, as in the kernel. */
#define pr_err(fmt, ...)  kshim_printk("err", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) kshim_printk("warn", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) kshim_printk("info", pr_fmt(fmt), ##__VA_ARGS__)

/* Hardware, as the test defines it. */
int fake_rdmsr(u32 index, u64 *val);	/* nonzero = the read faulted */
u32 fake_cpuid_ecx(u32 leaf);
void fake_cpuid_count(u32 leaf, u32 subleaf, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
extern int kshim_cpu;

#define rdmsrq_safe(index, val)	fake_rdmsr(index, val)
#define rdmsrq(index, val)	((void)fake_rdmsr(index, &(val)))
#define cpuid_ecx(leaf)		fake_cpuid_ecx(leaf)
#define cpuid_count(leaf, sub, a, b, c, d)	fake_cpuid_count(leaf, sub, a, b, c, d)
#define smp_processor_id()	kshim_cpu

#endif /* KSHIM_H */
