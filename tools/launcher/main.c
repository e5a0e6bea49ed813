// SPDX-License-Identifier: GPL-2.0
/*
 * jlaunch - boot a JOS guest on /dev/jvmm with its console on this terminal.
 *
 * Everything that can be checked before the guest starts is checked
 * first, in this order: options, files (loaded into a guest-RAM buffer
 * that exists before any VM does), then the device.  Any failure there is
 * one line "jlaunch: what: problem; what to do" and exit status 2 with no
 * guest started.  Once the guest runs, how it ends decides the status.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "disk.h"
#include "fileserver.h"
#include "jlaunch.h"
#include "jvmm.h"
#include "loader.h"
#include "ports.h"
#include "stats.h"

#define TIMER_HZ_MAX	10000

/* Where our own guest is, relative to the directory holding jlaunch. */
static const char *const default_guest_dirs[] = {
	"../build/guest",	/* tools/jlaunch in a built source tree */
	"../guest",		/* the test VM's /jvmm/bin and /jvmm/guest */
	"../share/jvmm/guest",	/* installed under a prefix */
};
#define DEFAULT_BOOT_NAME	"boot.bin"
#define DEFAULT_KERNEL_NAME	"kernel.elf"
#define DEFAULT_DISK_NAME	"fs.img"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: jlaunch [OPTIONS] [KERNEL]\n"
		"Boot a JOS guest on jvmm (/dev/jvmm) with its serial console on this terminal.\n"
		"KERNEL is an ELF64 kernel loaded by physical address; without it, jlaunch\n"
		"boots jvmm's own guest (built by 'make' into build/guest/).\n"
		"\n"
		"  -b, --boot FILE     boot sector (<= 512 bytes, loaded at 0x7000);\n"
		"                      default: jvmm's own\n"
		"  -m, --mem MIB       guest RAM in MiB, %d to %d (default %d)\n"
		"  -d, --disk IMAGE    the guest's disk: a JOS file-system image it opens as\n"
		"                      /vmm/fs1.img (default: jvmm's guest image, fs.img)\n"
		"  -r, --readonly      the guest may not write its disk (the course's JOS\n"
		"                      writes block 1 at every boot and panics on a\n"
		"                      read-only disk; jvmm's guest reports the error)\n"
		"  -S, --snapshot      guest writes stay in memory; the image is not changed\n"
		"  -D, --device PATH   the hypervisor device (default %s)\n"
		"  -t, --trace         print every exit to stderr, and registers on failure\n"
		"  -s, --stats         print exits by reason, hypercalls and times at the end\n"
		"  -T, --timer HZ      inject the timer interrupt (IRQ0, vector 32) HZ times a second\n"
		"  -u, --until TEXT    stop the guest (status 0) once its console prints TEXT\n"
		"  -h, --help          this help\n"
		"  -V, --version       version\n"
		"\n"
		"Console: keys go to the guest; Ctrl-C stops jlaunch, Ctrl-Z suspends it.\n"
		"Ctrl-A x quits, Ctrl-A s prints statistics, Ctrl-A h lists the Ctrl-A keys.\n"
		"Input may also come from a pipe: 'echo help | jlaunch'.\n"
		"\n"
		"Exit status: 0 the guest powered off (or Ctrl-A x, or --until matched);\n"
		"1 the guest failed (triple fault, entry failure, internal error, halted for\n"
		"good); 2 bad options or files, or no device: no guest was started;\n"
		"3 an unexpected host error; 128+N stopped by signal N (130 for Ctrl-C).\n",
		MEM_MIB_MIN, MEM_MIB_MAX, MEM_MIB_DEFAULT, JVMM_DEVICE_PATH);
}

static int bad_input(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad_input(const char *fmt, ...)
{
	va_list ap;

	fputs("jlaunch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

static int parse_uint(const char *text, unsigned int min, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (!*text || *text == '-' || *text == '+')
		return -1;
	v = strtoul(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int parse_options(int argc, char **argv, struct jlaunch_options *opt)
{
	static const struct option longopts[] = {
		{ "boot", required_argument, NULL, 'b' },
		{ "mem", required_argument, NULL, 'm' },
		{ "disk", required_argument, NULL, 'd' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "snapshot", no_argument, NULL, 'S' },
		{ "device", required_argument, NULL, 'D' },
		{ "trace", no_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },
		{ "timer", required_argument, NULL, 'T' },
		{ "until", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->mem_mib = MEM_MIB_DEFAULT;
	opt->device_path = JVMM_DEVICE_PATH;

	while ((c = getopt_long(argc, argv, "b:m:d:rSD:tsT:u:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			opt->boot_path = optarg;
			break;
		case 'm':
			if (parse_uint(optarg, MEM_MIB_MIN, MEM_MIB_MAX, &opt->mem_mib))
				return bad_input("--mem %s: give guest RAM in MiB, from %d to %d",
						 optarg, MEM_MIB_MIN, MEM_MIB_MAX);
			break;
		case 'd':
			opt->disk_path = optarg;
			break;
		case 'r':
			opt->disk_readonly = true;
			break;
		case 'S':
			opt->disk_snapshot = true;
			break;
		case 'D':
			opt->device_path = optarg;
			break;
		case 't':
			opt->trace = true;
			break;
		case 's':
			opt->stats = true;
			break;
		case 'T':
			if (parse_uint(optarg, 1, TIMER_HZ_MAX, &opt->timer_hz))
				return bad_input("--timer %s: give interrupts per second, from 1 to %d",
						 optarg, TIMER_HZ_MAX);
			break;
		case 'u':
			if (!*optarg || strlen(optarg) > 200)
				return bad_input("--until: give 1 to 200 characters of console text");
			opt->until_text = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("jlaunch (jvmm) %s\n", JLAUNCH_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try 'jlaunch --help'.\n");
			return EXIT_BAD_INPUT;
		}
	}
	if (opt->disk_readonly && opt->disk_snapshot)
		return bad_input("--readonly and --snapshot: choose one (a snapshot is already never written back)");
	if (optind < argc)
		opt->kernel_path = argv[optind++];
	if (optind < argc)
		return bad_input("%s: only one KERNEL may be given; see --help", argv[optind]);
	return 0;
}

/* Our own guest's files next to the executable, or NULL if not built. */
static const char *find_default(const char *name, char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	size_t i;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (i = 0; i < sizeof(default_guest_dirs) / sizeof(default_guest_dirs[0]); i++) {
		int len = snprintf(path, size, "%s/%s/%s", exe, default_guest_dirs[i], name);

		if (len > 0 && (size_t)len < size && !access(path, R_OK))
			return path;
	}
	return NULL;
}

static int load_guest(struct guest *g, struct jlaunch_options *opt)
{
	static char boot_default[PATH_MAX], kernel_default[PATH_MAX];
	struct loader_kernel_info info;
	char err[512];

	if (!opt->boot_path) {
		opt->boot_path = find_default(DEFAULT_BOOT_NAME, boot_default, sizeof(boot_default));
		if (!opt->boot_path)
			return bad_input("jvmm's guest boot sector (%s) not found next to jlaunch; run 'make', or give --boot FILE",
					 DEFAULT_BOOT_NAME);
	}
	if (!opt->kernel_path) {
		opt->kernel_path = find_default(DEFAULT_KERNEL_NAME, kernel_default,
						sizeof(kernel_default));
		if (!opt->kernel_path)
			return bad_input("jvmm's guest kernel (%s) not found next to jlaunch; run 'make', or give KERNEL",
					 DEFAULT_KERNEL_NAME);
	}
	if (loader_load_boot_file(g->ram, g->ram_size, opt->boot_path, err, sizeof(err)))
		return bad_input("%s", err);
	if (loader_load_kernel_file(g->ram, g->ram_size, opt->kernel_path, &info, err, sizeof(err)))
		return bad_input("%s", err);
	if (opt->trace)
		fprintf(stderr, "jlaunch: %s: %u segments at 0x%llx-0x%llx, entry 0x%llx; boot sector %s\n",
			opt->kernel_path, info.segments, (unsigned long long)info.lowest_gpa,
			(unsigned long long)info.highest_gpa_end, (unsigned long long)info.entry,
			opt->boot_path);
	return 0;
}

/*
 * The disk is opened (and locked) before the VM exists, so a missing or
 * busy image is a bad input like any other.  Without --disk, our guest's
 * own image is used if it was built; otherwise the guest has no disk.
 */
static int open_disk(struct jlaunch_options *opt)
{
	static char default_image[PATH_MAX];
	enum disk_mode mode = opt->disk_readonly ? DISK_READ_ONLY :
			      opt->disk_snapshot ? DISK_SNAPSHOT : DISK_READ_WRITE;
	char err[512];

	if (!opt->disk_path) {
		opt->disk_path = find_default(DEFAULT_DISK_NAME, default_image,
					      sizeof(default_image));
		if (!opt->disk_path)
			return 0;
		/* An installed image is not ours to change: use it as a snapshot. */
		if (mode == DISK_READ_WRITE && access(opt->disk_path, W_OK)) {
			fprintf(stderr, "jlaunch: %s is read-only to you; the guest's writes stay in memory (--snapshot)\n",
				opt->disk_path);
			mode = DISK_SNAPSHOT;
		}
	}
	if (disk_open(opt->disk_path, mode, err, sizeof(err)))
		return bad_input("%s", err);
	return 0;
}

static void restore_and_reraise(int sig)
{
	console_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int report(const struct run_result *res, struct guest *g, const struct jlaunch_options *opt)
{
	switch (res->end) {
	case RUN_POWER_OFF:
	case RUN_UNTIL_MATCHED:
		return EXIT_GUEST_OFF;
	case RUN_BACK_TO_HOST:
		fprintf(stderr, "jlaunch: the guest asked to go back to the host (BACKTOHOST); stopped\n");
		return EXIT_GUEST_OFF;
	case RUN_USER_QUIT:
		fprintf(stderr, "jlaunch: quit (Ctrl-A x)\n");
		return EXIT_GUEST_OFF;
	case RUN_SIGNAL:
		fprintf(stderr, "jlaunch: stopped by %s\n", strsignal(res->signal));
		return 128 + res->signal;
	case RUN_GUEST_FAILED:
		fprintf(stderr, "jlaunch: guest failed: %s\n", res->why);
		if (opt->trace)
			guest_dump_state(g, stderr);
		return EXIT_GUEST_FAILED;
	case RUN_HOST_ERROR:
		fprintf(stderr, "jlaunch: %s\n", res->why);
		return EXIT_HOST_ERROR;
	}
	return EXIT_HOST_ERROR;
}

int main(int argc, char **argv)
{
	static const struct serial_backend console_backend = {
		.write_byte = console_write_byte,
		.read_byte = console_read_byte,
	};
	struct jlaunch_options opt;
	struct run_result res;
	struct guest g;
	char err[512];
	int status;

	status = parse_options(argc, argv, &opt);
	if (status)
		return status;
	if (guest_alloc_ram(&g, (size_t)opt.mem_mib * MIB)) {
		fprintf(stderr, "jlaunch: cannot reserve %u MiB of guest RAM: %s; try a smaller --mem\n",
			opt.mem_mib, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	status = load_guest(&g, &opt);
	if (!status)
		status = open_disk(&opt);
	if (!status && guest_create(&g, opt.device_path, err, sizeof(err)))
		status = bad_input("%s", err);
	if (!status && guest_reset_vcpu(&g, err, sizeof(err))) {
		fprintf(stderr, "jlaunch: %s\n", err);
		status = EXIT_HOST_ERROR;
	}
	if (status) {
		guest_destroy(&g);
		disk_close();
		return status;
	}

	ports_init_devices(g.ram_size, &console_backend);
	fileserver_init();
	/* A closed stdout must not kill us before the terminal is restored. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGSEGV, restore_and_reraise);
	signal(SIGBUS, restore_and_reraise);
	signal(SIGABRT, restore_and_reraise);
	atexit(console_restore);
	console_handle_stop_key();
	if (console_open())
		fprintf(stderr, "jlaunch: stdin: cannot set raw mode (%s); input is line by line\n",
			strerror(errno));

	run_guest(&g, &opt, &res);

	console_flush();
	console_restore();
	if (console_mid_line() && (res.end != RUN_POWER_OFF || opt.stats))
		fputc('\n', stderr);
	status = report(&res, &g, &opt);
	if (opt.stats)
		stats_print(stderr);
	guest_destroy(&g);
	if (disk_sync())
		fprintf(stderr, "jlaunch: %s: fsync at exit: %s\n", disk_path(), strerror(errno));
	disk_close();
	return status;
}
