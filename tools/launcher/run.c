// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - enter the guest, take its exit, answer it, enter again.
 *
 * Each KVM_RUN return is dispatched through one table indexed by KVM exit
 * reason.  Port I/O goes to the device models (ports.c), VMCALL to the
 * hypercall table (hypercalls.c); the rest either continues the guest or
 * ends the run with a reason main.c reports.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP end the run; SIGALRM is the --timer
 * tick.  Their handlers set kvm_run's immediate_exit, so a signal that
 * lands between our last check and the next KVM_RUN still makes that
 * KVM_RUN return at once instead of after the guest's next exit (which,
 * for a guest spinning with no exits, might never come).
 */
#include "jlaunch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include "console.h"
#include "hypercall.h"
#include "hypercalls.h"
#include "jvmm.h"
#include "ports.h"
#include "stats.h"

/*
 * A guest at its prompt polls the serial line without end.  After this
 * many empty polls in a row (no input, no output) we wait for input a
 * little on each poll, so an idle guest costs almost no host CPU and a key
 * still reaches it within IDLE_WAIT_MS.
 */
#define IDLE_POLLS_BEFORE_WAIT	2000
#define IDLE_WAIT_MS		10

#define X86_RFLAGS_IF		(1u << 9)

enum exit_action { CONTINUE, STOP };

struct run_ctx {
	struct guest *g;
	const struct jlaunch_options *opt;
	struct run_result *res;
};

static volatile sig_atomic_t stop_signal, timer_due;
static struct kvm_run *volatile signal_run;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	if (signal_run)
		signal_run->immediate_exit = 1;
}

static void on_timer(int sig)
{
	(void)sig;
	timer_due = 1;
	if (signal_run)
		signal_run->immediate_exit = 1;
}

static void install_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: KVM_RUN and poll() must return to us with EINTR. */
	sigaction(sig, &sa, NULL);
}

static int stop_with(struct run_ctx *ctx, enum run_end end, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int stop_with(struct run_ctx *ctx, enum run_end end, const char *fmt, ...)
{
	va_list ap;

	ctx->res->end = end;
	ctx->res->why[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(ctx->res->why, sizeof(ctx->res->why), fmt, ap);
		va_end(ap);
	}
	return STOP;
}

static unsigned long long guest_rip(struct run_ctx *ctx)
{
	struct kvm_regs regs;

	return guest_get_regs(ctx->g, &regs) ? 0 : regs.rip;
}

static void trace_io(const struct kvm_run *run, uint16_t port, uint32_t value)
{
	const struct port_dev *dev = ports_lookup(port);

	fprintf(stderr, "jlaunch: exit io %s port 0x%04x size %u %s 0x%x (%s)\n",
		run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in ", port, run->io.size,
		run->io.direction == KVM_EXIT_IO_OUT ? "<-" : "->", value,
		dev ? dev->name : "unknown port");
}

static uint32_t load_le(const uint8_t *p, unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void store_le(uint8_t *p, unsigned int size, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int handle_io(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->g->run;
	unsigned int size = run->io.size, i;
	uint16_t port = run->io.port;
	uint8_t *data;

	if ((size != 1 && size != 2 && size != 4) ||
	    run->io.data_offset > ctx->g->run_size ||
	    (uint64_t)size * run->io.count > ctx->g->run_size - run->io.data_offset)
		return stop_with(ctx, RUN_HOST_ERROR, "KVM_EXIT_IO with a bad size, count or offset");
	data = (uint8_t *)run + run->io.data_offset;

	for (i = 0; i < run->io.count; i++, data += size) {
		uint32_t value;

		if (run->io.direction == KVM_EXIT_IO_OUT) {
			value = load_le(data, size);
			ports_out(port, size, value);
		} else {
			value = ports_in(port, size);
			store_le(data, size, value);
		}
		if (ctx->opt->trace)
			trace_io(run, port, value);
	}

	if (acpi_poweroff_requested())
		return stop_with(ctx, RUN_POWER_OFF, NULL);
	if (serial_empty_polls() >= IDLE_POLLS_BEFORE_WAIT) {
		uint64_t start = stats_now_ns();

		console_wait_input(IDLE_WAIT_MS);
		stats_idle_wait(stats_now_ns() - start);
	}
	return CONTINUE;
}

static int handle_hypercall(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->g->run;
	struct hypercall call = { .nr = run->hypercall.nr };
	uint64_t flags;
	int64_t ret;

	memcpy(call.args, run->hypercall.args, sizeof(call.args));
	/* The word after ret: "longmode" in 6.1 headers, "flags" in newer ones. */
	memcpy(&flags, &run->hypercall.ret + 1, sizeof(flags));
	call.cpl = JVMM_HYPERCALL_CPL(flags);
	call.long_mode = flags & JVMM_HYPERCALL_FLAG_LONG_MODE;
	/*
	 * Outside 64-bit mode the upper halves of the registers are not the
	 * guest's to set: read 32 bits, as KVM does for its own hypercalls.
	 */
	if (!call.long_mode) {
		unsigned int i;

		call.nr = (uint32_t)call.nr;
		for (i = 0; i < 6; i++)
			call.args[i] = (uint32_t)call.args[i];
	}

	ret = hypercall_handle(ctx->g, &call);
	run->hypercall.ret = (uint64_t)ret;
	stats_hypercall(call.nr);
	if (ctx->opt->trace)
		fprintf(stderr, "jlaunch: exit hypercall %llu %s (cpl %u, rbx 0x%llx rcx 0x%llx rdx 0x%llx) -> %lld\n",
			(unsigned long long)call.nr, hypercall_name(call.nr), call.cpl,
			(unsigned long long)call.args[0], (unsigned long long)call.args[1],
			(unsigned long long)call.args[2], (long long)ret);
	return call.stop ? stop_with(ctx, RUN_BACK_TO_HOST, NULL) : CONTINUE;
}

/*
 * Nothing but RAM is mapped, so an access here is past the end of guest
 * RAM.  It behaves as on a PC with nothing at that address: reads give all
 * ones, writes vanish.
 */
static int handle_mmio(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->g->run;

	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xFF, sizeof(run->mmio.data));
	if (ctx->opt->trace)
		fprintf(stderr, "jlaunch: exit mmio %s gpa 0x%llx len %u (nothing there)\n",
			run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len);
	return CONTINUE;
}

/*
 * HLT: with --timer and interrupts on, wait for the next tick, which the
 * top of the loop injects.  Otherwise nothing can ever wake the guest (we
 * raise no other interrupt), and that is how a guest's panic looks.
 */
static int handle_hlt(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->g->run;

	if (!run->if_flag)
		return stop_with(ctx, RUN_GUEST_FAILED,
				 "the guest halted with interrupts disabled at RIP 0x%llx; nothing can wake it",
				 guest_rip(ctx));
	if (!ctx->opt->timer_hz)
		return stop_with(ctx, RUN_GUEST_FAILED,
				 "the guest halted at RIP 0x%llx waiting for an interrupt; there is none without --timer",
				 guest_rip(ctx));
	console_flush();
	/* The tick (SIGALRM) or a stop signal ends each sleep early. */
	while (!timer_due && !stop_signal)
		poll(NULL, 0, 1000);
	return CONTINUE;
}

static int handle_shutdown(struct run_ctx *ctx)
{
	return stop_with(ctx, RUN_GUEST_FAILED,
			 "triple fault (shutdown) at RIP 0x%llx", guest_rip(ctx));
}

static const char *entry_failure_name(uint64_t reason)
{
	/* SDM Vol. 3C, 26.8: basic exit reasons of a failed VM entry. */
	switch (reason & 0xFFFF) {
	case 33: return "invalid guest state";
	case 34: return "MSR loading";
	case 41: return "machine-check event";
	default: return "unknown reason";
	}
}

static int handle_fail_entry(struct run_ctx *ctx)
{
	uint64_t reason = ctx->g->run->fail_entry.hardware_entry_failure_reason;

	return stop_with(ctx, RUN_GUEST_FAILED,
			 "VM entry failed: hardware reason 0x%llx (%s) at RIP 0x%llx",
			 (unsigned long long)reason, entry_failure_name(reason), guest_rip(ctx));
}

static const char *internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION: return "instruction not emulated";
	case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV: return "exit while delivering an event";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "unexpected VM exit";
	default: return "unknown";
	}
}

static int handle_internal_error(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->g->run;
	char data[128] = "";
	size_t len = 0;
	uint32_t i;

	for (i = 0; i < run->internal.ndata && i < 4; i++)
		len += (size_t)snprintf(data + len, sizeof(data) - len, " 0x%llx",
					(unsigned long long)run->internal.data[i]);
	return stop_with(ctx, RUN_GUEST_FAILED,
			 "internal error %u (%s) at RIP 0x%llx; data:%s (dmesg has jvmm's view)",
			 run->internal.suberror, internal_error_name(run->internal.suberror),
			 guest_rip(ctx), len ? data : " none");
}

/* Both only bring us back to the top of the loop, which has the work. */
static int handle_nothing(struct run_ctx *ctx)
{
	(void)ctx;
	return CONTINUE;
}

typedef int (*exit_handler)(struct run_ctx *ctx);

static const exit_handler exit_handlers[] = {
	[KVM_EXIT_IO]			= handle_io,
	[KVM_EXIT_HYPERCALL]		= handle_hypercall,
	[KVM_EXIT_HLT]			= handle_hlt,
	[KVM_EXIT_MMIO]			= handle_mmio,
	[KVM_EXIT_IRQ_WINDOW_OPEN]	= handle_nothing,
	[KVM_EXIT_SHUTDOWN]		= handle_shutdown,
	[KVM_EXIT_FAIL_ENTRY]		= handle_fail_entry,
	[KVM_EXIT_INTR]			= handle_nothing,
	[KVM_EXIT_INTERNAL_ERROR]	= handle_internal_error,
};

#define EXIT_HANDLERS (sizeof(exit_handlers) / sizeof(exit_handlers[0]))

/*
 * The timer as the course had it: IRQ0 arrives as vector 32 whatever the
 * guest did to its PICs.  A tick that cannot be taken yet waits for the
 * interrupt window; ticks that pile up meanwhile merge, as a PIT's would.
 */
static void inject_timer(struct run_ctx *ctx)
{
	struct kvm_run *run = ctx->g->run;
	struct kvm_interrupt irq = { .irq = TIMER_VECTOR };

	if (!timer_due)
		return;
	if (!run->ready_for_interrupt_injection || !run->if_flag) {
		run->request_interrupt_window = 1;
		return;
	}
	if (ioctl(ctx->g->vcpu_fd, KVM_INTERRUPT, &irq))
		return;		/* one already pending: try at the next exit */
	timer_due = 0;
	run->request_interrupt_window = 0;
	stats_timer_injected();
}

static int start_timer(unsigned int hz)
{
	struct itimerval it;
	long usec = 1000000L / (long)hz;

	if (usec < 1)
		usec = 1;
	it.it_interval.tv_sec = usec / 1000000L;
	it.it_interval.tv_usec = usec % 1000000L;
	it.it_value = it.it_interval;
	return setitimer(ITIMER_REAL, &it, NULL);
}

static void stop_timer(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}

static bool should_stop(struct run_ctx *ctx)
{
	if (stop_signal) {
		ctx->res->signal = stop_signal;
		stop_with(ctx, RUN_SIGNAL, NULL);
		return true;
	}
	if (console_quit_requested()) {
		stop_with(ctx, RUN_USER_QUIT, NULL);
		return true;
	}
	if (ctx->opt->until_text && console_watch_matched()) {
		stop_with(ctx, RUN_UNTIL_MATCHED, NULL);
		return true;
	}
	return false;
}

void run_guest(struct guest *g, const struct jlaunch_options *opt, struct run_result *res)
{
	struct run_ctx ctx = { .g = g, .opt = opt, .res = res };
	struct kvm_run *run = g->run;

	memset(res, 0, sizeof(*res));
	signal_run = run;
	install_handler(SIGINT, on_stop_signal);
	install_handler(SIGTERM, on_stop_signal);
	install_handler(SIGHUP, on_stop_signal);
	install_handler(SIGALRM, on_timer);
	if (opt->until_text)
		console_watch_for(opt->until_text);
	if (opt->timer_hz && start_timer(opt->timer_hz)) {
		stop_with(&ctx, RUN_HOST_ERROR, "setitimer: %s", strerror(errno));
		return;
	}
	stats_start();

	for (;;) {
		uint64_t entered, left;
		uint32_t reason;
		int ret;

		if (should_stop(&ctx))
			break;
		if (console_take_stats_request())
			stats_print(stderr);
		if (opt->timer_hz)
			inject_timer(&ctx);

		entered = stats_now_ns();
		ret = ioctl(g->vcpu_fd, KVM_RUN, 0);
		left = stats_now_ns();
		stats_in_guest(left - entered);
		run->immediate_exit = 0;

		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				stats_exit(KVM_EXIT_INTR, 0);
				continue;
			}
			stop_with(&ctx, RUN_HOST_ERROR, "KVM_RUN: %s (dmesg may say why)",
				  strerror(errno));
			break;
		}

		reason = run->exit_reason;
		if (opt->trace && reason != KVM_EXIT_IO && reason != KVM_EXIT_HYPERCALL &&
		    reason != KVM_EXIT_MMIO)
			fprintf(stderr, "jlaunch: exit %s (%u)\n", exit_reason_name(reason), reason);
		if (reason >= EXIT_HANDLERS || !exit_handlers[reason]) {
			stop_with(&ctx, RUN_GUEST_FAILED, "unexpected exit reason %u (%s) at RIP 0x%llx",
				  reason, exit_reason_name(reason), guest_rip(&ctx));
			stats_exit(reason, 0);
			break;
		}
		ret = exit_handlers[reason](&ctx);
		stats_exit(reason, stats_now_ns() - left);
		if (ret == STOP)
			break;
	}

	stop_timer();
	signal_run = NULL;
	console_flush();
}
