// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - counters for --stats.  Exits are counted by KVM exit reason
 * (the table run.c dispatches through), port I/O by the device model that
 * answered it, hypercalls by number.  Everything is a plain counter bumped
 * on the exit path: the cost must stay small next to an exit.
 */
#include "stats.h"

#include <string.h>
#include <time.h>
#include <linux/kvm.h>

#include "console.h"
#include "fileserver.h"
#include "hypercall.h"
#include "hypercalls.h"
#include "ports.h"

#define EXIT_REASONS	64	/* KVM_EXIT_* numbers are small */
#define HYPERCALLS	16	/* numbers 0..15 by number, the rest as "other" */
static uint64_t exits[EXIT_REASONS], exit_ns[EXIT_REASONS], exits_other;
static uint64_t hypercalls[HYPERCALLS], hypercalls_other;
static uint64_t start_ns, guest_ns, timer_injected, idle_waits, idle_ns;

uint64_t stats_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void stats_start(void)
{
	start_ns = stats_now_ns();
}

void stats_in_guest(uint64_t ns)
{
	guest_ns += ns;
}

void stats_exit(uint32_t reason, uint64_t handling_ns)
{
	if (reason >= EXIT_REASONS) {
		exits_other++;
		return;
	}
	exits[reason]++;
	exit_ns[reason] += handling_ns;
}

void stats_hypercall(uint64_t nr)
{
	if (nr < HYPERCALLS)
		hypercalls[nr]++;
	else
		hypercalls_other++;
}

void stats_timer_injected(void)
{
	timer_injected++;
}

void stats_idle_wait(uint64_t ns)
{
	idle_waits++;
	idle_ns += ns;
}

uint64_t stats_exit_count(uint32_t reason)
{
	return reason < EXIT_REASONS ? exits[reason] : 0;
}

uint64_t stats_total_exits(void)
{
	uint64_t total = exits_other;
	size_t i;

	for (i = 0; i < EXIT_REASONS; i++)
		total += exits[i];
	return total;
}

const char *exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "unknown",
		[KVM_EXIT_EXCEPTION] = "exception",
		[KVM_EXIT_IO] = "io",
		[KVM_EXIT_HYPERCALL] = "hypercall",
		[KVM_EXIT_DEBUG] = "debug",
		[KVM_EXIT_HLT] = "hlt",
		[KVM_EXIT_MMIO] = "mmio",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
		[KVM_EXIT_SHUTDOWN] = "shutdown",
		[KVM_EXIT_FAIL_ENTRY] = "fail_entry",
		[KVM_EXIT_INTR] = "intr",
		[KVM_EXIT_SET_TPR] = "set_tpr",
		[KVM_EXIT_TPR_ACCESS] = "tpr_access",
		[KVM_EXIT_NMI] = "nmi",
		[KVM_EXIT_INTERNAL_ERROR] = "internal_error",
		[KVM_EXIT_SYSTEM_EVENT] = "system_event",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "other";
}

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_device(const char *name, uint64_t in, uint64_t n_out, void *ctx)
{
	fprintf((FILE *)ctx, "  %-20s %12llu %12llu\n", name, (unsigned long long)in,
		(unsigned long long)n_out);
}

static void print_unknown_port(uint16_t port, uint64_t count, void *ctx)
{
	fprintf((FILE *)ctx, "  unknown port 0x%04x: %llu\n", port, (unsigned long long)count);
}

void stats_print(FILE *out)
{
	uint64_t wall = stats_now_ns() - start_ns, total = stats_total_exits();
	uint64_t bytes_out = console_bytes_out();
	size_t i;

	console_flush();
	fprintf(out, "jlaunch: statistics after %.3f s: %.3f s in KVM_RUN (guest and jvmm), %.3f s in jlaunch (%.3f s of it waiting for input while the guest idled)\n",
		seconds(wall), seconds(guest_ns), seconds(wall > guest_ns ? wall - guest_ns : 0),
		seconds(idle_ns));
	/* jlaunch time: handling the exits, idle waits for input included. */
	fprintf(out, "  %-20s %12s %7s %14s\n", "exit reason", "count", "%", "jlaunch time");
	for (i = 0; i < EXIT_REASONS; i++)
		if (exits[i])
			fprintf(out, "  %-20s %12llu %6.1f%% %12.3f s\n", exit_reason_name((uint32_t)i),
				(unsigned long long)exits[i], percent(exits[i], total),
				seconds(exit_ns[i]));
	if (exits_other)
		fprintf(out, "  %-20s %12llu\n", "other", (unsigned long long)exits_other);
	fprintf(out, "  %-20s %12llu\n", "total", (unsigned long long)total);

	fprintf(out, "  %-20s %12s %12s\n", "port device", "in", "out");
	ports_for_each_device(print_device, out);
	if (ports_unknown_total()) {
		fprintf(out, "  unknown ports: %llu byte accesses\n",
			(unsigned long long)ports_unknown_total());
		ports_for_each_unknown(print_unknown_port, out);
	}

	fprintf(out, "  %-20s %12s\n", "hypercall", "count");
	for (i = 0; i < HYPERCALLS; i++)
		if (hypercalls[i])
			fprintf(out, "  %-2zu %-17s %12llu\n", i, hypercall_name(i),
				(unsigned long long)hypercalls[i]);
	if (hypercalls_other)
		fprintf(out, "  %-20s %12llu\n", "other numbers", (unsigned long long)hypercalls_other);

	fileserver_print_stats(out);
	fprintf(out, "  console: %llu bytes out, %llu bytes in, %.1f exits per byte out\n",
		(unsigned long long)bytes_out, (unsigned long long)console_bytes_in(),
		bytes_out ? (double)total / (double)bytes_out : 0.0);
	fprintf(out, "  timer interrupts injected: %llu; idle waits for input: %llu\n",
		(unsigned long long)timer_injected, (unsigned long long)idle_waits);
}
