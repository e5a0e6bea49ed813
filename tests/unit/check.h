/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - the check macro the host-side unit tests share: one "ok:" or
 * "FAIL:" line per check, failures counted for the exit status.
 */
#ifndef JVMM_UNIT_CHECK_H
#define JVMM_UNIT_CHECK_H

#include <stdio.h>

static int failures;

/* cond is evaluated once: checks may read device ports or load files. */
#define CHECK(cond, ...) do {						\
	int passed_ = !!(cond);						\
	printf("%s: ", passed_ ? "ok" : "FAIL");			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!passed_)							\
		failures++;						\
} while (0)

#endif /* JVMM_UNIT_CHECK_H */
