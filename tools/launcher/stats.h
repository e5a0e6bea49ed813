/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - what --stats prints when the guest stops (and Ctrl-A s prints
 * at any time): exits by KVM exit reason with the time jlaunch spent on
 * them, port I/O by device, hypercalls by number, console traffic, and the
 * time spent inside KVM_RUN against the time spent in jlaunch.
 */
#ifndef JLAUNCH_STATS_H
#define JLAUNCH_STATS_H

#include <stdint.h>
#include <stdio.h>

uint64_t stats_now_ns(void);

void stats_start(void);
void stats_in_guest(uint64_t ns);
void stats_exit(uint32_t reason, uint64_t handling_ns);
void stats_hypercall(uint64_t nr);
void stats_timer_injected(void);
void stats_idle_wait(uint64_t ns);	/* a wait for input while the guest idled */

uint64_t stats_exit_count(uint32_t reason);
uint64_t stats_total_exits(void);

const char *exit_reason_name(uint32_t reason);

void stats_print(FILE *out);

#endif /* JLAUNCH_STATS_H */
