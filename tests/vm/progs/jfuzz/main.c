// SPDX-License-Identifier: GPL-2.0
/*
 * jfuzz - a seeded ioctl fuzzer for /dev/jvmm (and /dev/kvm, to check the
 * fuzzer itself).  Every KVM ioctl number of <linux/kvm.h>, and random ones,
 * on every kind of descriptor, with random and boundary arguments, between
 * VM/vCPU creation, close, mmap/munmap/mremap of guest memory and KVM_RUN of
 * guests whose memory is random bytes; then a threaded phase racing KVM_RUN
 * against register, MSR and memory-slot changes, munmap and close.
 *
 * Reproducible: step N of the single-threaded phase draws its random numbers
 * from (seed, N) alone, so the same --seed and --calls replay the same calls
 * (the threaded phase is racy by nature: its calls are seeded, its
 * interleaving is not).  On a failure (a signal, a stuck call, a broken
 * invariant) it prints the last --log-last calls.  The kernel side (oops,
 * WARN, leaks) is checked by tests/vm/cases/fuzz.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "jfuzz.h"

struct options opt = {
	.device = "/dev/jvmm",
	.seed = 1,
	.calls = 100000,
	.race_calls = (uint64_t)-1,	/* default: a fifth of --calls */
	.log_last = 40,
	.run_us = 1000,
	.stall_secs = 120,
};

int kmsg_fd = -1;

const char *const fd_kind_name[FD_KINDS] = { "sys", "vm", "vcpu", "closed", "foreign" };

/* --- random numbers ----------------------------------------------------- */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

bool rng_chance(struct rng *r, unsigned int percent)
{
	return rng_below(r, 100) < percent;
}

void rng_fill(struct rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t v;

	while (len >= 8) {
		v = rng_next(r);
		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	v = rng_next(r);
	memcpy(p, &v, len);
}

/* --- the call log -------------------------------------------------------- */
#define LOG_SLOTS	256
#define LOG_TEXT	200

static struct {
	char text[LOG_TEXT];
} call_log[LOG_SLOTS];
static _Atomic uint64_t log_next;
_Atomic uint64_t calls_done;
_Atomic uint64_t last_progress_ns;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Several threads log at once in the race phase: each takes its own slot. */
void log_call(const char *fmt, ...)
{
	uint64_t n = atomic_fetch_add(&log_next, 1);
	char *t = call_log[n % LOG_SLOTS].text;
	int len;
	va_list ap;

	len = snprintf(t, LOG_TEXT, "#%" PRIu64 " [t%ld] ", n, (long)syscall(SYS_gettid));
	va_start(ap, fmt);
	vsnprintf(t + len, LOG_TEXT - len, fmt, ap);
	va_end(ap);
	if (opt.trace) {
		size_t l = strlen(t);

		t[l] = '\n';
		if (write(STDOUT_FILENO, t, l + 1) < 0)
			t[l] = 0;
		t[l] = 0;
	}
}

static void write_str(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		return;
}

/* Async-signal-safe: called from the fault handlers and the watchdog. */
void dump_log(const char *why)
{
	uint64_t end = atomic_load(&log_next), n = opt.log_last;
	uint64_t i;
	char head[160];

	if (n > LOG_SLOTS)
		n = LOG_SLOTS;
	if (n > end)
		n = end;
	snprintf(head, sizeof(head), "jfuzz: FAIL: %s (seed %" PRIu64 ", %" PRIu64
		 " calls done); the last %" PRIu64 " calls:\n", why, opt.seed,
		 atomic_load(&calls_done), n);
	write_str(head);
	for (i = end - n; i < end; i++) {
		write_str("  ");
		write_str(call_log[i % LOG_SLOTS].text);
		write_str("\n");
	}
	snprintf(head, sizeof(head), "jfuzz: replay: jfuzz --device %s --seed %" PRIu64
		 " --calls %" PRIu64 " --trace\n", opt.device, opt.seed, opt.calls);
	write_str(head);
}

void fatal(const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	dump_log(why);
	_exit(1);
}

/* A line in the kernel log, so that a kernel trace can be placed among the calls. */
static void __attribute__((format(printf, 1, 2))) kmsg_mark(const char *fmt, ...)
{
	char line[160];
	int len;
	va_list ap;

	if (kmsg_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "<6>jfuzz: seed %" PRIu64 ", %" PRIu64 " calls, ",
		       opt.seed, atomic_load(&calls_done));
	va_start(ap, fmt);
	vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	va_end(ap);
	if (write(kmsg_fd, line, strlen(line)) < 0)
		kmsg_fd = -1;
}

/* --- signals and the per-thread KVM_RUN timer --------------------------- */
#define TIMER_SIGNAL	SIGUSR1

static _Thread_local timer_t thread_timer;
static _Thread_local bool have_timer;

static void on_timer(int sig)
{
	(void)sig;	/* only there to make KVM_RUN return EINTR */
}

static void on_fault(int sig)
{
	char why[64];

	snprintf(why, sizeof(why), "signal %d in the fuzzer", sig);
	dump_log(why);
	signal(sig, SIG_DFL);
	raise(sig);
}

void timer_thread_init(void)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = TIMER_SIGNAL;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &thread_timer))
		fatal("timer_create: %s", strerror(errno));
	have_timer = true;
}

void timer_thread_exit(void)
{
	if (have_timer)
		timer_delete(thread_timer);
	have_timer = false;
}

void timer_arm(unsigned int us)
{
	struct itimerspec it = { 0 };

	it.it_value.tv_sec = us / 1000000;
	it.it_value.tv_nsec = (long)(us % 1000000) * 1000L;
	/* Repeat: a signal that lands before KVM_RUN entered is not lost. */
	it.it_interval = it.it_value;
	if (have_timer)
		timer_settime(thread_timer, 0, &it, NULL);
}

void timer_disarm(void)
{
	struct itimerspec it = { 0 };

	if (have_timer)
		timer_settime(thread_timer, 0, &it, NULL);
}

static void install_signals(void)
{
	struct sigaction sa;
	static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer;	/* no SA_RESTART: KVM_RUN must see EINTR */
	sigaction(TIMER_SIGNAL, &sa, NULL);
	sa.sa_handler = on_fault;
	for (i = 0; i < ARRAY_SIZE(faults); i++)
		sigaction(faults[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* --- calls, and what they returned ------------------------------------- */
struct ioctl_stat {
	unsigned long cmd;
	uint64_t ok, err[8];	/* err: EINVAL ENOTTY EFAULT EBADF E2BIG EEXIST EINTR other */
};

#define STAT_SLOTS	512
static struct ioctl_stat stats[STAT_SLOTS];
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned int err_index(int err)
{
	static const int known[] = { EINVAL, ENOTTY, EFAULT, EBADF, E2BIG, EEXIST, EINTR };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (err == known[i])
			return i;
	return 7;
}

void count_result(unsigned long cmd, long ret, int err)
{
	unsigned int h = (unsigned int)((cmd * 0x9e3779b1u) >> 7) % STAT_SLOTS, i;

	pthread_mutex_lock(&stats_lock);
	for (i = 0; i < STAT_SLOTS; i++, h = (h + 1) % STAT_SLOTS) {
		if (stats[h].cmd == cmd || !stats[h].cmd)
			break;
	}
	if (i < STAT_SLOTS) {
		stats[h].cmd = cmd;
		if (ret >= 0)
			stats[h].ok++;
		else
			stats[h].err[err_index(err)]++;
	}
	pthread_mutex_unlock(&stats_lock);
}

/* The named ioctls only: the random numbers would be a long list of ENOTTY. */
void print_stats(void)
{
	unsigned int i;
	const char *name;

	printf("jfuzz: results per named ioctl: ok EINVAL ENOTTY EFAULT EBADF E2BIG EEXIST EINTR other\n");
	for (i = 0; i < STAT_SLOTS; i++) {
		if (!stats[i].cmd)
			continue;
		name = ioctl_name(stats[i].cmd);
		/* Not the long list of ioctls that only ever got ENOTTY or EBADF. */
		if (name[0] == '_' || (!stats[i].ok && !stats[i].err[0] && !stats[i].err[2] &&
				       !stats[i].err[4] && !stats[i].err[5] && !stats[i].err[6] &&
				       !stats[i].err[7]))
			continue;
		printf("  %-32s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		       " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", name, stats[i].ok,
		       stats[i].err[0], stats[i].err[1], stats[i].err[2], stats[i].err[3],
		       stats[i].err[4], stats[i].err[5], stats[i].err[6], stats[i].err[7]);
	}
}

long fz_ioctl(int fd, const char *fdname, unsigned long cmd, unsigned long arg,
	      const char *argdesc)
{
	bool run = cmd == KVM_RUN;
	long ret;
	int err = 0;

	log_call("ioctl(%s=%d, %s 0x%lx, %s)", fdname, fd, ioctl_name(cmd), cmd, argdesc);
	if (run)
		timer_arm(opt.run_us);
	ret = ioctl(fd, cmd, arg);
	if (ret < 0)
		err = errno;
	if (run)
		timer_disarm();
	count_result(cmd, ret, err);
	atomic_fetch_add(&calls_done, 1);
	atomic_store(&last_progress_ns, now_ns());
	if (opt.trace)
		printf("  = %ld%s%s\n", ret, err ? " " : "", err ? strerrorname_np(err) : "");
	errno = err;
	return ret;
}

/* --- the stall watchdog -------------------------------------------------- */

/*
 * Where the stuck call is: the kernel's blocked tasks and every CPU's
 * backtrace into its log (SysRq w and l; the trigger file ignores the
 * SysRq mask), for the test's log to show.  Root only; best effort.
 */
static void dump_kernel_state(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "w", 1) != 1 || write(fd, "l", 1) != 1)
		fprintf(stderr, "jfuzz: /proc/sysrq-trigger: %s\n", strerror(errno));
	close(fd);
}

static uint8_t watchdog_stack[64 * 1024] __attribute__((aligned(64)));

static void *watchdog(void *unused)
{
	struct timespec second = { 1, 0 };
	uint64_t last;

	(void)unused;
	for (;;) {
		nanosleep(&second, NULL);
		last = atomic_load(&last_progress_ns);
		if (now_ns() - last > (uint64_t)opt.stall_secs * 1000000000ULL) {
			dump_log("no call returned for --stall-secs seconds: a call is stuck in the kernel");
			dump_kernel_state();
			_exit(3);
		}
	}
	return NULL;
}

static void start_watchdog(void)
{
	pthread_attr_t attr;
	pthread_t t;

	atomic_store(&last_progress_ns, now_ns());
	pthread_attr_init(&attr);
	/* A stack of our own: no mmap after start-up (world.c says why). */
	pthread_attr_setstack(&attr, watchdog_stack, sizeof(watchdog_stack));
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, watchdog, NULL))
		fatal("pthread_create (watchdog)");
	pthread_attr_destroy(&attr);
}

/* --- options ------------------------------------------------------------- */
static void usage(FILE *f)
{
	fprintf(f,
		"usage: jfuzz [options]\n"
		"  -d, --device PATH     /dev/jvmm (default) or /dev/kvm\n"
		"  -s, --seed N          random seed (default 1; 0x... allowed); printed at start\n"
		"  -n, --calls N         calls of the single-threaded phase (default 100000)\n"
		"  -r, --race-calls N    calls of the threaded phase (default: a fifth of --calls)\n"
		"  -a, --avoid CLASS     skip one input class that triggers a known bug while it\n"
		"                        is being fixed (repeatable): huge-slot = a memory slot of\n"
		"                        2^28 pages or more (kvmalloc WARN, issue 11 item 5)\n"
		"      --avoid-known     all of the classes above\n"
		"  -l, --log-last N      calls printed on failure (default 40, at most 256)\n"
		"      --run-us N        every KVM_RUN is interrupted after N us of the VM's own\n"
		"                        time (default 1000; in Bochs, guest time runs far behind\n"
		"                        wall time)\n"
		"      --stall-secs N    fail when no call returns for N s (default 120)\n"
		"  -t, --trace           print every call and its result\n"
		"      --self-test       the device is no KVM device (e.g. /dev/null): the\n"
		"                        fuzzer's own memory handling, runnable without VMX\n"
		"  -h, --help            this text\n"
		"Exit status: 0 when the device survived (the kernel log is the caller's\n"
		"to check), 1 on a failed check, 2 on bad usage, 3 on a stuck call.\n");
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "jfuzz: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void parse_options(int argc, char **argv)
{
	enum { OPT_AVOID_KNOWN = 256, OPT_RUN_US, OPT_STALL, OPT_SELF_TEST };
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'n' },
		{ "race-calls", required_argument, NULL, 'r' },
		{ "avoid", required_argument, NULL, 'a' },
		{ "avoid-known", no_argument, NULL, OPT_AVOID_KNOWN },
		{ "log-last", required_argument, NULL, 'l' },
		{ "run-us", required_argument, NULL, OPT_RUN_US },
		{ "stall-secs", required_argument, NULL, OPT_STALL },
		{ "trace", no_argument, NULL, 't' },
		{ "self-test", no_argument, NULL, OPT_SELF_TEST },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:s:n:r:a:l:th", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': opt.device = optarg; break;
		case 's': opt.seed = parse_u64(optarg, "seed"); break;
		case 'n': opt.calls = parse_u64(optarg, "call count"); break;
		case 'r': opt.race_calls = parse_u64(optarg, "race call count"); break;
		case 'a':
			if (strcmp(optarg, "huge-slot")) {
				fprintf(stderr, "jfuzz: unknown --avoid class '%s' (huge-slot)\n", optarg);
				exit(2);
			}
			opt.avoid |= AVOID_HUGE_SLOT;
			break;
		case OPT_AVOID_KNOWN: opt.avoid |= AVOID_HUGE_SLOT; break;
		case 'l': opt.log_last = (unsigned int)parse_u64(optarg, "log length"); break;
		case OPT_RUN_US: opt.run_us = (unsigned int)parse_u64(optarg, "run-us"); break;
		case OPT_STALL: opt.stall_secs = (unsigned int)parse_u64(optarg, "stall-secs"); break;
		case 't': opt.trace = true; break;
		case OPT_SELF_TEST: opt.self_test = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
	if (opt.race_calls == (uint64_t)-1)
		opt.race_calls = opt.calls / 5;
	if (!opt.run_us)
		opt.run_us = 1;
	opt.is_kvm = strstr(opt.device, "kvm") != NULL;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	static struct world w;
	struct rng r;
	uint64_t step, t0, t1, t2, every, next_report;

	parse_options(argc, argv);
	/* stdio's buffer is ours, not malloc'd later at an unlucky moment. */
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	printf("jfuzz: device %s seed %" PRIu64 " calls %" PRIu64 " race-calls %" PRIu64
	       " run-us %u%s\n", opt.device, opt.seed, opt.calls, opt.race_calls, opt.run_us,
	       opt.avoid & AVOID_HUGE_SLOT ? " avoiding: huge-slot" : "");
	fflush(stdout);
	install_signals();
	timer_thread_init();
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	kmsg_mark("start on %s", opt.device);
	world_init(&w);
	start_watchdog();

	/* Progress lines: ten a run, for timing a run from outside the VM. */
	every = opt.calls / 10 > 1000 ? opt.calls / 10 : 1000;
	next_report = every;
	t0 = now_ns();
	for (step = 0; atomic_load(&calls_done) < opt.calls; step++) {
		rng_init(&r, opt.seed, step);
		log_call("step %" PRIu64, step);
		world_step(&w, &r);
		if (step % 256 == 255)
			world_sweep_fds(&w);
		if (atomic_load(&calls_done) >= next_report) {
			printf("jfuzz: %" PRIu64 " calls, %.1f s\n", atomic_load(&calls_done),
			       (now_ns() - t0) / 1e9);
			kmsg_mark("step %" PRIu64, step);
			next_report += every;
		}
	}
	world_close_all(&w);
	t1 = now_ns();
	printf("jfuzz: single-threaded phase: %" PRIu64 " calls in %" PRIu64 " steps, %.1f s, %.0f calls/s\n",
	       atomic_load(&calls_done), step, (t1 - t0) / 1e9,
	       atomic_load(&calls_done) / ((t1 - t0) / 1e9));

	if (opt.race_calls) {
		uint64_t before = atomic_load(&calls_done);

		kmsg_mark("threaded phase");
		race_phase(&w);
		t2 = now_ns();
		printf("jfuzz: threaded phase: %" PRIu64 " calls, %.1f s, %.0f calls/s\n",
		       atomic_load(&calls_done) - before, (t2 - t1) / 1e9,
		       (atomic_load(&calls_done) - before) / ((t2 - t1) / 1e9));
	}
	world_close_all(&w);
	kmsg_mark("done");
	print_stats();
	if (!opt.self_test && !world_sanity_guest(&w))
		fatal("a known-good guest no longer runs on %s after the fuzzing", opt.device);
	printf("jfuzz: ok: %" PRIu64 " calls, seed %" PRIu64 "%s\n", atomic_load(&calls_done),
	       opt.seed, opt.self_test ? "" : ", a known-good guest still runs");
	return 0;
}
