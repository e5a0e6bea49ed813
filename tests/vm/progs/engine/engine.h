/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engine.h - what the parts of jvmm-engine-test share: the scenario table,
 * check and result reporting, and helpers that build VMs through the KVM API.
 *
 * Every scenario runs in its own child process (main.c) with a watchdog, so
 * a scenario that crashes or hangs is a FAIL of that scenario only.  Inside
 * a scenario, check helpers print "ok: S: what" or "FAIL: S: what: got X,
 * want Y"; res() collects the "result: S key=value ..." line that the case
 * scripts compare between /dev/kvm and /dev/jvmm; abort_scenario() ends the
 * scenario early (the result line is still printed, with what it has).
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <linux/kvm.h>

#include "layout.h"
#include "jvmm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- scenarios ----------------------------------------------------------- */

#define SCN_JVMM_ONLY	(1u << 0)	/* a jvmm extension: skipped on KVM */
#define SCN_SMP		(1u << 1)	/* meant for the 2-CPU VM (runs on 1 CPU too) */

struct scenario {
	const char *name;
	void (*fn)(void);
	unsigned int flags;
	unsigned int timeout;		/* seconds of the child's watchdog; 0: default */
	const char *what;
};

extern const struct scenario scenarios[];
extern const size_t nr_scenarios;

/* Scenario functions, by file. */
void scn_hello(void);
void scn_memwrite(void);
void scn_pio(void);
void scn_pmode32(void);
void scn_longmode(void);
void scn_real_to_long(void);
void scn_reset_state(void);
void scn_regs(void);
void scn_cpuid_vmx(void);
void scn_cpuid_default(void);
void scn_memslots(void);
void scn_memslot_delete(void);
void scn_mmio(void);
void scn_vmcall_cpl0(void);
void scn_vmcall_cpl3(void);
void scn_irq_inject(void);
void scn_triple_fault(void);
void scn_vmx_ud(void);
void scn_bad_sregs(void);
void scn_signal(void);
void scn_host_fpu(void);
void scn_host_ymm(void);
void scn_host_msrs(void);
void scn_host_debugregs(void);
void scn_migrate(void);
void scn_two_vms(void);
void scn_bad_args(void);
void scn_cleanup(void);

/* --- global state of the running scenario (engine.c) --------------------- */

extern const char *g_device;		/* /dev/jvmm or /dev/kvm */
extern bool g_reference;		/* the device is KVM, the reference */
extern const char *g_scn;		/* name of the running scenario */
extern int g_failures;			/* FAIL lines printed in this scenario */
extern volatile sig_atomic_t g_alarm_fired;	/* the watchdog's SIGALRM came */

void scenario_begin(const char *name);
void scenario_end(void);		/* prints the result line */

/* --- reporting ----------------------------------------------------------- */

void ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* FAIL, then end the scenario at once (longjmp back to the runner). */
void abort_scenario(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

bool check(bool cond, const char *what);
bool expect_u64(const char *what, uint64_t got, uint64_t want);
bool expect_str(const char *what, const char *got, const char *want);
/* ret must be -1 with errno @want; @err is the errno seen after the call. */
bool expect_errno(const char *what, long ret, int err, int want);

/* Add "key=value" to the scenario's result line (value without spaces). */
void res(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *errno_name(int err);
/* "ok" for ret >= 0, else the errno name. */
const char *ret_name(long ret, int err);
const char *exit_name(uint32_t reason);

/* --- VMs and vCPUs (engine.c) -------------------------------------------- */

struct vm {
	int sys;			/* the device fd */
	int fd;				/* the VM fd */
	uint8_t *mem;			/* slot 0, guest-physical 0 .. mem_size */
	size_t mem_size;
};

struct vcpu {
	struct vm *vm;
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

struct blob {
	const uint8_t *start, *end;
};

#define DECLARE_BLOB(name) \
	extern const uint8_t blob_##name[], blob_##name##_end[]
#define BLOB(name) ((struct blob){ blob_##name, blob_##name##_end })

DECLARE_BLOB(hello);
DECLARE_BLOB(memwrite);
DECLARE_BLOB(pio);
DECLARE_BLOB(pmode32);
DECLARE_BLOB(long64);
DECLARE_BLOB(real2long);
DECLARE_BLOB(regdump);
DECLARE_BLOB(cpuid);
DECLARE_BLOB(vmcall0);
DECLARE_BLOB(vmcall3);
DECLARE_BLOB(irq);
DECLARE_BLOB(mmio);
DECLARE_BLOB(slots);
DECLARE_BLOB(int3);
DECLARE_BLOB(hlt);
DECLARE_BLOB(spin);
DECLARE_BLOB(fpu);
DECLARE_BLOB(msrs);
DECLARE_BLOB(vmxud);
DECLARE_BLOB(counter);
DECLARE_BLOB(touch);

enum cpu_mode { MODE_REAL, MODE_PM32, MODE_LONG };

/* Open the device; aborts the scenario on failure. */
int dev_open(void);
/* A VM with slot 0 of @mem_size bytes of anonymous memory at gpa 0. */
void vm_init(struct vm *vm, size_t mem_size);
void vm_close(struct vm *vm);
/* A vCPU with its kvm_run mapped and (unless @no_cpuid) CPUID set. */
void vcpu_init(struct vcpu *v, struct vm *vm, int id);
void vcpu_init_no_cpuid(struct vcpu *v, struct vm *vm, int id);
void vcpu_close(struct vcpu *v);
/* KVM_SET_CPUID2 from the host's CPUID (leaves 0, 1, 0x8000000[018]). */
int vcpu_set_cpuid(struct vcpu *v, bool vmx);
/* Copy a guest program to GUEST_CODE. */
void vm_load(struct vm *vm, struct blob b);
/* Registers and segments for @mode, RIP = GUEST_CODE, RSP = GUEST_STACK;
 * writes the GDT (and for long mode the page tables) into guest memory. */
void vcpu_setup(struct vcpu *v, enum cpu_mode mode);
void fill_sregs(struct vcpu *v, enum cpu_mode mode, struct kvm_sregs *s);
/*
 * RFLAGS.IF = 1 for guests that spin without exits.  No interrupt is ever
 * injected into them; but Bochs (2.7) does not deliver the host's own
 * interrupts (no external-interrupt VM exit) while a nested guest runs
 * with IF = 0, which would starve the test VM's kernel forever.
 */
void vcpu_set_if(struct vcpu *v);
void get_regs(struct vcpu *v, struct kvm_regs *r);
void set_regs(struct vcpu *v, const struct kvm_regs *r);
void get_sregs(struct vcpu *v, struct kvm_sregs *s);
void set_sregs(struct vcpu *v, const struct kvm_sregs *s);

/*
 * KVM_RUN once.  Returns 0 or -errno.  If the watchdog interrupted it, the
 * scenario is aborted as a runaway guest.
 */
int vrun(struct vcpu *v);

/* The port I/O data of the current KVM_EXIT_IO. */
static inline uint8_t *io_data(struct vcpu *v)
{
	return (uint8_t *)v->run + v->run->io.data_offset;
}
/* The OUT value (size 1, 2 or 4) of the current KVM_EXIT_IO. */
uint32_t io_out_value(struct vcpu *v);
/* Answer the current IN exit with @value (its size). */
void io_in_answer(struct vcpu *v, uint32_t value);

/* A short textual form of the current exit, for result lines and FAILs. */
const char *exit_token(struct vcpu *v, char *buf, size_t len);

/*
 * Run until an exit that is not an OUT to PORT_OUT; the OUT values are
 * appended to @outs (up to @max, counted in *@n).  Returns the exit reason
 * of the exit that stopped it, or -errno of a failed KVM_RUN.  Aborts after
 * @limit exits.
 */
int run_collect(struct vcpu *v, uint32_t *outs, size_t max, size_t *n, unsigned int limit);
/* outs as "0x1,0x2" for result lines. */
const char *join_hex(const uint32_t *vals, size_t n, char *buf, size_t len);

/* --- misc ---------------------------------------------------------------- */

uint64_t now_ns(void);
void sleep_ms(unsigned int ms);

#endif
