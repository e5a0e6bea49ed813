// SPDX-License-Identifier: GPL-2.0
/*
 * sc_smp.c - a vCPU thread that keeps changing CPUs, and two VMs at once.
 * Meant for the 2-CPU VM; on one CPU they still run (and say so).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

#define MIGRATE_EXITS	300
#define TWO_VMS_EXITS	200
#define SPIN		20000
#define MIGRATE_SPIN	100000	/* long enough for the other thread to move it mid-run */

extern jmp_buf g_abort_jmp;

static int allowed[64], nallowed;

static void find_cpus(void)
{
	cpu_set_t set;
	int c;

	nallowed = 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		abort_scenario("sched_getaffinity: %s", strerror(errno));
	for (c = 0; c < CPU_SETSIZE && nallowed < (int)ARRAY_SIZE(allowed); c++)
		if (CPU_ISSET(c, &set))
			allowed[nallowed++] = c;
}

static int pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set);
}

/* A counter guest (counter.S) with @spin iterations between its reports. */
static void boot_counter(struct vm *vm, struct vcpu *v, uint32_t spin)
{
	struct kvm_regs regs;

	vm_init(vm, GUEST_MEM_SIZE);
	vcpu_init(v, vm, 0);
	vm_load(vm, BLOB(counter));
	vcpu_setup(v, MODE_PM32);
	get_regs(v, &regs);
	regs.rdi = spin;
	regs.rflags |= 0x200;	/* see vcpu_set_if() */
	set_regs(v, &regs);
}

/* Run @count reports of the counter guest; returns how many came in order. */
static unsigned int run_counter(struct vcpu *v, unsigned int count, void (*each)(unsigned int))
{
	unsigned int i;
	char tok[96];
	int r;

	for (i = 1; i <= count; i++) {
		r = vrun(v);
		if (r < 0 || v->run->exit_reason != KVM_EXIT_IO || v->run->io.port != PORT_OUT) {
			fail("report %u: got %s", i, r < 0 ? errno_name(-r) : exit_token(v, tok, sizeof(tok)));
			return i - 1;
		}
		if (io_out_value(v) != i) {
			fail("report %u: the guest counted %u", i, io_out_value(v));
			return i - 1;
		}
		if (each)
			each(i);
	}
	return count;
}

/* --- migrate ------------------------------------------------------------- */

static atomic_int stop_flipper;
static pid_t vcpu_tid;
static unsigned int flips, seen_mask, cpu_changes;
static int last_cpu = -1;

static void *flipper(void *arg)
{
	unsigned int k = 0;

	(void)arg;
	while (!atomic_load(&stop_flipper)) {
		if (!pin(vcpu_tid, allowed[k++ % nallowed]))
			flips++;
		sleep_ms(1);
	}
	return NULL;
}

static void after_exit(unsigned int i)
{
	int cpu = sched_getcpu();

	if (cpu >= 0 && cpu < 32)
		seen_mask |= 1u << cpu;
	if (last_cpu >= 0 && cpu != last_cpu)
		cpu_changes++;
	last_cpu = cpu;
	/* Also move ourselves between KVM_RUN calls. */
	if (i % 7 == 0)
		pin(0, allowed[(i / 7) % nallowed]);
}

void scn_migrate(void)
{
	struct vm vm;
	struct vcpu v;
	pthread_t t;
	unsigned int done, seen;

	find_cpus();
	info("%d CPUs to move between", nallowed);
	boot_counter(&vm, &v, MIGRATE_SPIN);
	vcpu_tid = gettid();
	atomic_store(&stop_flipper, 0);
	if (pthread_create(&t, NULL, flipper, NULL))
		abort_scenario("pthread_create failed");
	done = run_counter(&v, MIGRATE_EXITS, after_exit);
	atomic_store(&stop_flipper, 1);
	pthread_join(t, NULL);
	seen = __builtin_popcount(seen_mask);
	info("affinity changes by the other thread: %u; CPU changes seen between exits: %u",
	     flips, cpu_changes);
	expect_u64("reports in order while the vCPU thread moved", done, MIGRATE_EXITS);
	expect_u64("CPUs the vCPU thread ran on", seen, nallowed < 2 ? 1 : 2);
	if (nallowed >= 2) {
		check(cpu_changes > 0, "the vCPU thread changed CPUs between exits");
		check(flips > 0, "the other thread changed the vCPU thread's CPU while it ran");
	}
	res("count", "%u", done);
	res("cpus_seen", "%u", seen > 2 ? 2 : seen);
}

/* --- two-vms ------------------------------------------------------------- */

/* In a grandchild: one VM counting @TWO_VMS_EXITS reports on @cpu. */
static void __attribute__((noreturn)) counter_process(int cpu, int go_fd, uint32_t spin)
{
	struct vm vm;
	struct vcpu v;
	unsigned int done;
	char c;

	if (setjmp(g_abort_jmp))
		_exit(100);
	g_alarm_fired = 0;
	alarm(30);		/* alarms are not inherited */
	pin(0, cpu);
	boot_counter(&vm, &v, spin);
	if (read(go_fd, &c, 1) != 1)
		_exit(101);
	done = run_counter(&v, TWO_VMS_EXITS, NULL);
	_exit(done == TWO_VMS_EXITS ? 0 : 1 + done % 99);
}

void scn_two_vms(void)
{
	pid_t pid[2];
	int go[2], status, i;
	const char *key[2] = { "vm_a", "vm_b" };

	find_cpus();
	info("%d CPUs for two VMs", nallowed);
	if (pipe(go) < 0)
		abort_scenario("pipe: %s", strerror(errno));
	fflush(stdout);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			abort_scenario("fork: %s", strerror(errno));
		if (pid[i] == 0) {
			close(go[1]);
			counter_process(allowed[i % nallowed], go[0], SPIN + 5000 * i);
		}
	}
	close(go[0]);
	/* Both VMs are built; let them run together. */
	if (write(go[1], "gg", 2) != 2)
		abort_scenario("write: %s", strerror(errno));
	close(go[1]);
	for (i = 0; i < 2; i++) {
		char what[64];

		if (waitpid(pid[i], &status, 0) < 0) {
			kill(pid[0], SIGKILL);
			kill(pid[1], SIGKILL);
			abort_scenario("waitpid: %s (the VMs did not finish)", strerror(errno));
		}
		snprintf(what, sizeof(what), "VM %c counted %u reports in order", 'A' + i,
			 TWO_VMS_EXITS);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			ok("%s", what);
			res(key[i], "%u", TWO_VMS_EXITS);
		} else {
			fail("%s: process ended with %s %d", what,
			     WIFSIGNALED(status) ? "signal" : "status",
			     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			res(key[i], "bad");
		}
	}
}
