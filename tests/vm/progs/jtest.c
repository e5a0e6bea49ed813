// SPDX-License-Identifier: GPL-2.0
/*
 * jtest - small probes the in-VM test cases run against /dev/jvmm and
 * /dev/kvm.  Each subcommand prints what it checked and exits 0 only if
 * every check held; the shell scripts in tests/vm/cases decide the rest.
 *
 *   jtest ioctl-errors [DEV]     unknown ioctls get ENOTTY, bad args EINVAL
 *   jtest hold DEV CMD [ARG...]  run CMD while DEV is held open
 *   jtest insmod FILE [PARAMS]   one finit_module() call (busybox insmod
 *                                retries with init_module(), so a refused
 *                                module would run its init twice)
 *   jtest as-user UID CMD [ARG...]
 *                                run CMD with uid and gid UID, no groups
 *   jtest guest [DEV] [--hold|--then CMD [ARG...]]
 *                                create a VM on DEV (default /dev/kvm), run
 *                                a real-mode guest that does OUT 0x10 and
 *                                HLT, and run CMD while the VM exists:
 *                                before the guest (--hold) or after it (--then)
 *   jtest tty --wait TEXT (--send BYTES|--signal N) CMD [ARG...]
 *                                run CMD on a new pseudo-terminal; once its
 *                                output shows TEXT, check the terminal is in
 *                                raw mode, then type BYTES (C escapes \xNN,
 *                                \n) or send signal N; when CMD has ended,
 *                                check the terminal is as it was before and
 *                                print CMD's exit status; with --signal 20
 *                                (SIGTSTP) check the terminal while CMD is
 *                                stopped and after SIGCONT, then type "exit"
 *   jtest remap [DEV]            guest RAM the process unmaps and maps again
 *                                behind a slot: which pages the guest sees
 *                                then, and KVM_RUN once nothing is mapped
 *   jtest kill-on-write FILE WHEN CMD [ARG...]
 *                                run CMD and SIGKILL it right after the
 *                                write to FILE that makes WHEN true:
 *                                writes:N (the Nth write) or block:B (the
 *                                first write after which 4 KiB block B
 *                                differs from how it was at the start)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "jvmm.h"

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static int open_device(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "jtest: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

static int expect_errno(int fd, unsigned long req, unsigned long arg, int want)
{
	int ret = ioctl(fd, req, arg);

	return ret == -1 && errno == want;
}

static int cmd_ioctl_errors(const char *dev)
{
	int fd = open_device(dev);

	check(ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION,
	      "KVM_GET_API_VERSION returns 12");
	check(expect_errno(fd, KVM_GET_API_VERSION, 1, EINVAL),
	      "KVM_GET_API_VERSION with a non-zero argument fails with EINVAL");
	check(expect_errno(fd, _IO(KVMIO, 0xfe), 0, ENOTTY),
	      "an unknown KVM ioctl (_IO(KVMIO, 0xfe)) fails with ENOTTY");
	check(expect_errno(fd, _IOW('x', 1, int), 0, ENOTTY),
	      "a foreign ioctl (_IOW('x', 1, int)) fails with ENOTTY");
	check(expect_errno(fd, TCGETS, 0, ENOTTY),
	      "TCGETS (isatty) fails with ENOTTY");
	close(fd);
	return failures ? 1 : 0;
}

/* Run argv[0] with its arguments; return its exit status, or 128+signal. */
static int run_command(char **argv)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("jtest: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "jtest: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("jtest: waitpid");
		return 2;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int cmd_hold(const char *dev, char **argv)
{
	int fd = open_device(dev);
	int status;

	printf("holding %s open while running %s\n", dev, argv[0]);
	status = run_command(argv);
	close(fd);
	return status;
}

/*
 * The smallest guest that proves a VM really ran: real mode at 0x1000,
 * "mov al, 0x42; out 0x10, al; hlt".
 */
static const uint8_t guest_code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };
#define GUEST_CODE_GPA	0x1000
#define GUEST_MEM_SIZE	0x10000
#define GUEST_PORT	0x10

static int run_guest(int vmfd, int sysfd)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int vcpufd, mmap_size;
	uint8_t *mem;

	mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("jtest: mmap guest memory");
		return 2;
	}
	memcpy(mem + GUEST_CODE_GPA, guest_code, sizeof(guest_code));
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = GUEST_MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		perror("jtest: KVM_SET_USER_MEMORY_REGION");
		return 1;
	}
	vcpufd = ioctl(vmfd, KVM_CREATE_VCPU, 0);
	if (vcpufd < 0) {
		perror("jtest: KVM_CREATE_VCPU");
		return 1;
	}
	mmap_size = ioctl(sysfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(*run)) {
		perror("jtest: KVM_GET_VCPU_MMAP_SIZE");
		return 1;
	}
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpufd, 0);
	if (run == MAP_FAILED) {
		perror("jtest: mmap kvm_run");
		return 1;
	}
	if (ioctl(vcpufd, KVM_GET_SREGS, &sregs) < 0) {
		perror("jtest: KVM_GET_SREGS");
		return 1;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpufd, KVM_SET_SREGS, &sregs) < 0) {
		perror("jtest: KVM_SET_SREGS");
		return 1;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE_GPA;
	regs.rflags = 0x2;	/* bit 1 is reserved and reads as 1 */
	if (ioctl(vcpufd, KVM_SET_REGS, &regs) < 0) {
		perror("jtest: KVM_SET_REGS");
		return 1;
	}

	if (ioctl(vcpufd, KVM_RUN, 0) < 0) {
		perror("jtest: KVM_RUN");
		return 1;
	}
	check(run->exit_reason == KVM_EXIT_IO &&
	      run->io.direction == KVM_EXIT_IO_OUT &&
	      run->io.port == GUEST_PORT && run->io.size == 1 &&
	      *((uint8_t *)run + run->io.data_offset) == 0x42,
	      "guest wrote 0x42 to port 0x10 (KVM_EXIT_IO)");
	if (ioctl(vcpufd, KVM_RUN, 0) < 0) {
		perror("jtest: KVM_RUN");
		return 1;
	}
	check(run->exit_reason == KVM_EXIT_HLT, "guest halted (KVM_EXIT_HLT)");
	munmap(run, mmap_size);
	close(vcpufd);
	munmap(mem, GUEST_MEM_SIZE);
	return failures ? 1 : 0;
}

static int cmd_guest(const char *dev, char **hold_argv, char **then_argv)
{
	int sysfd = open_device(dev);
	int vmfd, status = 0, ret;

	vmfd = ioctl(sysfd, KVM_CREATE_VM, 0);
	if (vmfd < 0) {
		printf("%s: KVM_CREATE_VM: %s\n", dev, strerror(errno));
		close(sysfd);
		return 1;
	}
	printf("%s: VM created\n", dev);
	if (hold_argv) {
		printf("running %s while the VM exists\n", hold_argv[0]);
		status = run_command(hold_argv);
		printf("%s exited with status %d\n", hold_argv[0], status);
	}
	ret = run_guest(vmfd, sysfd);
	if (!ret && then_argv) {
		printf("running %s after the guest, while the VM exists\n", then_argv[0]);
		status = run_command(then_argv);
		printf("%s exited with status %d\n", then_argv[0], status);
	}
	close(vmfd);
	close(sysfd);
	if (ret)
		return ret;
	/* With --hold or --then, the command's status is the caller's to judge. */
	printf("guest ran on %s\n", dev);
	return status ? 10 + (status & 0x7f) : 0;
}

/*
 * Guest RAM replaced behind the guest's back (Documentation/uapi.md).
 * Real mode, DS = 0: each program OUTs bytes it reads from RAM, then HLTs.
 *   0x1000: the byte at 0x2000 to port 0x10
 *   0x1100: the byte at 0x2000 to port 0x10, the byte at 0x3000 to 0x11
 *   0x1200: the byte at 0x4000 to port 0x10
 */
static const uint8_t remap_code[][12] = {
	{ 0xa0, 0x00, 0x20, 0xe6, 0x10, 0xf4 },
	{ 0xa0, 0x00, 0x20, 0xe6, 0x10, 0xa0, 0x00, 0x30, 0xe6, 0x11, 0xf4 },
	{ 0xa0, 0x00, 0x40, 0xe6, 0x10, 0xf4 },
};
#define REMAP_PROGRAM(n)	(GUEST_CODE_GPA + (n) * 0x100)

static void remap_fill(uint8_t *mem, uint8_t data)
{
	size_t i;

	memset(mem, 0, GUEST_MEM_SIZE);
	for (i = 0; i < sizeof(remap_code) / sizeof(remap_code[0]); i++)
		memcpy(mem + REMAP_PROGRAM(i), remap_code[i], sizeof(remap_code[i]));
	mem[0x2000] = data;
	mem[0x3000] = data + 1;
	mem[0x4000] = data + 2;
}

/* Run program @n; the bytes it OUTs go to @out (-1: none).  KVM_RUN's errno, or 0. */
static int remap_run(int vcpufd, struct kvm_run *run, int n, int out[2])
{
	struct kvm_regs regs;

	out[0] = out[1] = -1;
	memset(&regs, 0, sizeof(regs));
	regs.rip = REMAP_PROGRAM(n);
	regs.rflags = 0x2;
	if (ioctl(vcpufd, KVM_SET_REGS, &regs) < 0)
		return errno;
	for (;;) {
		if (ioctl(vcpufd, KVM_RUN, 0) < 0)
			return errno;
		if (run->exit_reason == KVM_EXIT_HLT)
			return 0;
		if (run->exit_reason != KVM_EXIT_IO || (run->io.port & ~1) != GUEST_PORT)
			return EPROTO;
		out[run->io.port & 1] = *((uint8_t *)run + run->io.data_offset);
	}
}

static int cmd_remap(const char *dev)
{
	int sysfd = open_device(dev), vmfd, vcpufd, mmap_size, err, out[2], touched;
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_run *run;
	uint8_t *mem, *again;

	mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	vmfd = ioctl(sysfd, KVM_CREATE_VM, 0);
	if (mem == MAP_FAILED || vmfd < 0) {
		perror("jtest: remap: mmap or KVM_CREATE_VM");
		return 2;
	}
	remap_fill(mem, 0x10);
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = GUEST_MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	vcpufd = ioctl(vmfd, KVM_CREATE_VCPU, 0);
	mmap_size = ioctl(sysfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpufd, 0);
	if (ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &region) < 0 || vcpufd < 0 ||
	    run == MAP_FAILED || ioctl(vcpufd, KVM_GET_SREGS, &sregs) < 0) {
		perror("jtest: remap: VM setup");
		return 2;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpufd, KVM_SET_SREGS, &sregs) < 0) {
		perror("jtest: remap: KVM_SET_SREGS");
		return 2;
	}

	err = remap_run(vcpufd, run, 0, out);
	check(!err && out[0] == 0x10, "the guest reads its RAM (0x10 at 0x2000)");

	/* The same range unmapped and mapped again, with other bytes. */
	munmap(mem, GUEST_MEM_SIZE);
	again = mmap(mem, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (again != mem) {
		perror("jtest: remap: mmap MAP_FIXED");
		return 2;
	}
	remap_fill(mem, 0x20);
	err = remap_run(vcpufd, run, 1, out);
	check(!err, "KVM_RUN after the range was mapped again");
	touched = out[0] & 0xff;
	printf("remap: touched page after the remap: 0x%02x (0x10: the old page, 0x20: the new one)\n",
	       touched);
	check(out[1] == 0x21, "a page first touched after the remap comes from the new mapping (0x21)");

	/* Nothing mapped: a page never touched cannot be had. */
	munmap(mem, GUEST_MEM_SIZE);
	err = remap_run(vcpufd, run, 2, out);
	printf("remap: KVM_RUN with the range unmapped: %s\n", err ? strerror(err) : "ok");
	check(err == EFAULT, "KVM_RUN fails with EFAULT once the range is unmapped");
	printf("remap: result touched_after_remap=0x%02x new_after_remap=0x21 unmapped=%s\n",
	       touched, err == EFAULT ? "EFAULT" : "other");

	munmap(run, mmap_size);
	close(vcpufd);
	close(vmfd);
	close(sysfd);
	return failures ? 1 : 0;
}

static int cmd_as_user(const char *uid_text, char **argv)
{
	char *end;
	long uid = strtol(uid_text, &end, 10);
	gid_t gid;

	if (*end || uid <= 0) {
		fprintf(stderr, "jtest: as-user: bad uid '%s'\n", uid_text);
		return 2;
	}
	gid = (gid_t)uid;
	if (setgroups(0, NULL) || setgid(gid) || setuid((uid_t)uid)) {
		perror("jtest: as-user");
		return 2;
	}
	execvp(argv[0], argv);
	fprintf(stderr, "jtest: %s: %s\n", argv[0], strerror(errno));
	return 127;
}

static int cmd_insmod(const char *file, const char *params)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "jtest: %s: %s\n", file, strerror(errno));
		return 2;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		printf("insmod %s: %s\n", file, strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	printf("insmod %s: loaded\n", file);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"Usage: jtest ioctl-errors [DEV]\n"
		"       jtest hold DEV CMD [ARG...]\n"
		"       jtest insmod FILE [PARAMS]\n"
		"       jtest as-user UID CMD [ARG...]\n"
		"       jtest guest [DEV] [--hold|--then CMD [ARG...]]\n"
		"       jtest tty --wait TEXT (--send BYTES|--signal N) CMD [ARG...]\n"
		"       jtest remap [DEV]\n"
		"       jtest kill-on-write FILE writes:N|block:B CMD [ARG...]\n");
	return 2;
}


/* "a\x01x\n" to bytes; returns the length. */
static size_t unescape(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in && n < size) {
		if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = { in[2], in[3], 0 };

			out[n++] = (char)strtol(hex, NULL, 16);
			in += 4;
		} else if (in[0] == '\\' && (in[1] == 'n' || in[1] == 'r')) {
			out[n++] = in[1] == 'n' ? '\n' : '\r';
			in += 2;
		} else {
			out[n++] = *in++;
		}
	}
	return n;
}

static int same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

/* Copies what the child printed to our stdout; appends it to seen. */
static int drain(int master, char *seen, size_t size, size_t *len, int timeout_ms)
{
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	char buf[512];
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = read(master, buf, sizeof(buf));
	if (n <= 0)
		return -1;
	fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	if (*len + (size_t)n >= size) {
		/* Keep the second half: TEXT is looked for in recent output. */
		memmove(seen, seen + size / 2, *len - size / 2);
		*len -= size / 2;
	}
	memcpy(seen + *len, buf, (size_t)n);
	*len += (size_t)n;
	seen[*len] = '\0';
	return (int)n;
}

static int cmd_tty(const char *wait_text, const char *send, int sig, char **argv)
{
	static char seen[65536];
	struct termios before, during, after;
	size_t len = 0;
	time_t deadline = time(NULL) + 300;
	int master, slave, status;
	char bytes[256];
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("jtest: posix_openpt");
		return 2;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &before)) {
		perror("jtest: pty slave");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (!strstr(seen, wait_text) && time(NULL) < deadline)
		if (drain(master, seen, sizeof(seen) - 1, &len, 1000) < 0)
			break;
	check(strstr(seen, wait_text) != NULL, "the output showed the text waited for");
	tcgetattr(slave, &during);
	check(!(during.c_lflag & (ICANON | ECHO)) && (during.c_lflag & ISIG),
	      "raw mode while the guest runs (no ICANON, no ECHO; ISIG kept for Ctrl-C)");
	if (send) {
		write(master, bytes, unescape(send, bytes, sizeof(bytes)));
	} else if (sig == SIGTSTP) {
		/* Ctrl-Z: the terminal as before while stopped, raw again after. */
		kill(pid, SIGTSTP);
		check(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status),
		      "SIGTSTP stops the command");
		tcgetattr(slave, &during);
		check(same_termios(&before, &during), "the terminal is restored while it is stopped");
		kill(pid, SIGCONT);
		do {
			drain(master, seen, sizeof(seen) - 1, &len, 100);
			tcgetattr(slave, &during);
		} while ((during.c_lflag & ICANON) && time(NULL) < deadline);
		check(!(during.c_lflag & (ICANON | ECHO)), "raw mode again after SIGCONT");
		write(master, "exit\r", 5);
	} else {
		kill(pid, sig);
	}
	while (waitpid(pid, &status, WNOHANG) == 0 && time(NULL) < deadline)
		drain(master, seen, sizeof(seen) - 1, &len, 100);
	if (time(NULL) >= deadline) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		check(0, "the command ended in time");
	}
	tcgetattr(slave, &after);
	check(same_termios(&before, &after), "the terminal is restored after the command");
	if (WIFEXITED(status))
		printf("exit status %d\n", WEXITSTATUS(status));
	else
		printf("killed by signal %d\n", WTERMSIG(status));
	return failures ? 1 : 0;
}

/*
 * CMD runs under ptrace, stopped at the entry and the exit of each of its
 * system calls.  At the exit of each pwrite() to FILE the write has
 * happened and nothing after it yet: if WHEN holds then, CMD is killed
 * there, as a crash right after that write would leave it.  (A watcher
 * woken by inotify instead depends on the scheduler letting it in before
 * CMD's next writes, which a 6.12 kernel in Bochs did not always do.)
 */
#define KILL_BLOCK	4096

/* Is @fd of @pid the file whose real path is @path? */
static int fd_is(pid_t pid, long fd, const char *path)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", (int)pid, fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return !strcmp(target, path);
}

static int cmd_kill_on_write(const char *file, const char *when, char **argv)
{
	uint8_t before[KILL_BLOCK], now[KILL_BLOCK];
	long want = 0, writes = 0, block = -1;
	char path[PATH_MAX], *end;
	int fd, status, in_syscall = 0;
	pid_t pid;

	if (!strncmp(when, "writes:", 7))
		want = strtol(when + 7, &end, 10);
	else if (!strncmp(when, "block:", 6))
		block = strtol(when + 6, &end, 10);
	else
		return usage();
	if (*end || (want <= 0 && block < 0))
		return usage();
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !realpath(file, path) ||
	    (block >= 0 && pread(fd, before, KILL_BLOCK, block * KILL_BLOCK) != KILL_BLOCK)) {
		fprintf(stderr, "jtest: %s: %s\n", file, strerror(errno ? errno : EINVAL));
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		/* Stops at the exec with SIGTRAP, for the parent to set its options. */
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))) {
		perror("jtest: fork, exec or ptrace");
		if (pid > 0)
			kill(pid, SIGKILL);
		return 2;
	}
	for (int sig = 0;; sig = 0) {
		struct user_regs_struct regs;

		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig) ||
		    waitpid(pid, &status, 0) != pid) {
			perror("jtest: ptrace");
			kill(pid, SIGKILL);
			return 2;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			printf("kill-on-write: %s ended (%s %d) after %ld writes to %s, before %s\n",
			       argv[0], WIFEXITED(status) ? "status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), writes,
			       file, when);
			return 1;
		}
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			/* A signal for CMD: deliver it (SIGTRAP is ptrace's own). */
			sig = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);
			continue;
		}
		in_syscall = !in_syscall;
		if (in_syscall || ptrace(PTRACE_GETREGS, pid, NULL, &regs) ||
		    regs.orig_rax != SYS_pwrite64 || (long)regs.rax < 0 ||
		    !fd_is(pid, (long)regs.rdi, path))
			continue;
		writes++;
		if (want ? writes < want :
		    pread(fd, now, KILL_BLOCK, block * KILL_BLOCK) != KILL_BLOCK ||
		    !memcmp(before, now, KILL_BLOCK))
			continue;
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		printf("kill-on-write: killed %s right after write %ld to %s (%s)\n", argv[0],
		       writes, file, want ? "that many writes" : "the block changed");
		return 0;
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "ioctl-errors"))
		return cmd_ioctl_errors(argc > 2 ? argv[2] : JVMM_DEVICE_PATH);
	if (!strcmp(argv[1], "hold") && argc >= 4)
		return cmd_hold(argv[2], argv + 3);
	if (!strcmp(argv[1], "insmod") && argc >= 3)
		return cmd_insmod(argv[2], argc > 3 ? argv[3] : "");
	if (!strcmp(argv[1], "as-user") && argc >= 4)
		return cmd_as_user(argv[2], argv + 3);
	if (!strcmp(argv[1], "tty") && argc >= 6 && !strcmp(argv[2], "--wait")) {
		if (!strcmp(argv[4], "--send") && argc >= 7)
			return cmd_tty(argv[3], argv[5], 0, argv + 6);
		if (!strcmp(argv[4], "--signal") && argc >= 7)
			return cmd_tty(argv[3], NULL, atoi(argv[5]), argv + 6);
		return usage();
	}
	if (!strcmp(argv[1], "remap"))
		return cmd_remap(argc > 2 ? argv[2] : JVMM_DEVICE_PATH);
	if (!strcmp(argv[1], "kill-on-write") && argc >= 5)
		return cmd_kill_on_write(argv[2], argv[3], argv + 4);
	if (!strcmp(argv[1], "guest")) {
		const char *dev = "/dev/kvm";
		char **hold = NULL, **then = NULL;
		int i = 2;

		if (i < argc && argv[i][0] != '-')
			dev = argv[i++];
		if (i + 1 < argc && !strcmp(argv[i], "--hold"))
			hold = argv + i + 1;
		else if (i + 1 < argc && !strcmp(argv[i], "--then"))
			then = argv + i + 1;
		else if (i < argc)
			return usage();
		return cmd_guest(dev, hold, then);
	}
	return usage();
}
