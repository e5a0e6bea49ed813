/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim_log.h - the definitions behind kshim.h's pr_*() and
 * smp_processor_id(): everything the code under test logs, collected for
 * the checks.  Included once, by the unit test's own file.
 */
#include "kshim.h"

char kshim_log[8192];
int kshim_log_lines;
int kshim_cpu;

void kshim_printk(const char *level, const char *fmt, ...)
{
	size_t used = strlen(kshim_log);
	va_list ap;

	snprintf(kshim_log + used, sizeof(kshim_log) - used, "%s: ", level);
	used = strlen(kshim_log);
	va_start(ap, fmt);
	vsnprintf(kshim_log + used, sizeof(kshim_log) - used, fmt, ap);
	va_end(ap);
	kshim_log_lines++;
}
