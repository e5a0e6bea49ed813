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

/* The hostile corpus (sc_hostile_*.c); h-smp-* move CPUs at every exit. */
void scn_h_vmxon(void);
void scn_h_vmxoff(void);
void scn_h_vmclear(void);
void scn_h_vmptrld(void);
void scn_h_vmptrst(void);
void scn_h_vmread(void);
void scn_h_vmwrite(void);
void scn_h_vmlaunch(void);
void scn_h_vmresume(void);
void scn_h_invept(void);
void scn_h_invvpid(void);
void scn_h_vmcall(void);
void scn_h_vmfunc(void);
void scn_h_invd(void);
void scn_h_wbinvd(void);
void scn_h_invlpg(void);
void scn_h_invpcid(void);
void scn_h_priv_insns(void);
void scn_h_cr0_bits(void);
void scn_h_cr3_reserved(void);
void scn_h_cr4_bits(void);
void scn_h_cr4_vmxe(void);
void scn_h_cr4_smxe(void);
void scn_h_cr4_pke(void);
void scn_h_cr4_cet(void);
void scn_h_cr8(void);
void scn_h_dr_bits(void);
void scn_h_dr_breakpoints(void);
void scn_h_xsetbv_basic(void);
void scn_h_xsetbv_low_bits(void);
void scn_h_xsetbv_high_bits(void);
void scn_h_msr_efer(void);
void scn_h_msr_syscall(void);
void scn_h_msr_sysenter(void);
void scn_h_msr_segbase(void);
void scn_h_msr_pat(void);
void scn_h_msr_debugctl(void);
void scn_h_msr_spec_ctrl(void);
void scn_h_msr_feature_control(void);
void scn_h_msr_misc_enable(void);
void scn_h_msr_apic_base(void);
void scn_h_msr_mtrr(void);
void scn_h_msr_tsc(void);
void scn_h_msr_tsc_aux(void);
void scn_h_msr_xss_cet(void);
void scn_h_msr_vmx_caps(void);
void scn_h_msr_random(void);
void scn_h_ports_scan(void);
void scn_h_ports_edge(void);
void scn_h_string_out(void);
void scn_h_string_in(void);
void scn_h_string_huge(void);
void scn_h_string_mmio_src(void);
void scn_h_string_mmio_dst(void);
void scn_h_mmio_loads(void);
void scn_h_mmio_stores(void);
void scn_h_mmio_rmw(void);
void scn_h_past_ram(void);
void scn_h_insn15_cross(void);
void scn_h_insn16(void);
void scn_h_insn15_unmapped(void);
void scn_h_fetch_mmio(void);
void scn_h_fetch_unmapped(void);
void scn_h_storm_ud(void);
void scn_h_storm_gp(void);
void scn_h_storm_pf(void);
void scn_h_storm_mixed(void);
void scn_h_double_fault(void);
void scn_h_triple_fault(void);
void scn_h_hlt_if0(void);
void scn_h_inject_0_15(void);
void scn_h_inject_16_31(void);
void scn_h_inject_255(void);
void scn_h_exc_stack_mmio(void);
void scn_h_exc_stack_unmapped(void);
void scn_h_syscall_no_sce(void);
void scn_h_syscall_reset(void);
void scn_h_syscall_set(void);
void scn_h_sysenter_reset(void);
void scn_h_sysenter_set(void);
void scn_h_kgs_user_exit(void);
void scn_h_real_gp_ffff(void);
void scn_h_real_ud(void);
void scn_h_real_gp_touched(void);
void scn_h_smp_syscall_reset(void);
void scn_h_smp_syscall_set(void);
void scn_h_smp_sysenter_set(void);
void scn_h_smp_kgs_user_exit(void);
void scn_h_smp_msr_syscall(void);
void scn_h_smp_msr_sysenter(void);
void scn_h_smp_msr_segbase(void);
void scn_h_smp_msr_pat(void);
void scn_h_smp_msr_tsc_aux(void);
void scn_h_smp_xsetbv_basic(void);
void scn_h_smp_dr_breakpoints(void);
void scn_h_smp_storm_mixed(void);
void scn_h_smp_ports_edge(void);
void scn_h_smp_inject_0_15(void);
void scn_h_smp_real_gp_ffff(void);

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

/* --- the hostile-guest corpus (sc_hostile_*.c, hoststate.c) --------------- */

/*
 * hoststate.c: what a guest must not change in the host.  begin snapshots
 * the per-CPU host MSRs, descriptor tables and the kernel log position;
 * hoststate_run() is vrun() with the test thread's XMM, MXCSR, FCW, FS/GS
 * base, XCR0 and PKRU checked across the KVM_RUN; end (after the VM is
 * closed) compares, reads the kernel log and (jvmm) the debugfs objects,
 * and reports FAIL lines and result keys.
 */
void hoststate_begin(void);
int hoststate_run(struct vcpu *v);
void hoststate_end(void);

#include "hostile.h"

struct hrun;

/* How a hostile operation's result goes into its result key. */
enum hshow {
	SH_OK,		/* "ok", or the fault */
	SH_RAX,
	SH_EDX_EAX,
	SH_RCX,
	SH_NONZERO,
	SH_BELOW_2_40,
	SH_STRING,	/* RCX, RSI, RDI and the fault, if any */
	SH_FAULTS,	/* how many exceptions the operation took */
};

/* One operation of the interpreter guest (hostile.h: H_OP_*). */
struct hop {
	uint64_t op, a, b, c;
	enum hshow show;
	const char *want;	/* what KVM gives, checked on both devices; NULL: compared only */
};

#define OP(op_, a_, b_, c_, show_, want_) { (op_), (a_), (b_), (c_), (show_), (want_) }
#define WRMSR(i, v, want)	OP(H_OP_WRMSR, (i), (v), 0, SH_OK, (want))
#define RDMSR(i, show, want)	OP(H_OP_RDMSR, (i), 0, 0, (show), (want))
#define WRCR(n, v, want)	OP(H_OP_WRCR, (n), (v), 0, SH_OK, (want))
#define RDCR(n, want)		OP(H_OP_RDCR, (n), 0, 0, SH_RAX, (want))
#define WRDR(n, v, want)	OP(H_OP_WRDR, (n), (v), 0, SH_OK, (want))
#define RDDR(n, want)		OP(H_OP_RDDR, (n), 0, 0, SH_RAX, (want))
#define XSETBV(x, v, want)	OP(H_OP_XSETBV, (x), (v), 0, SH_OK, (want))
#define XGETBV(x, want)		OP(H_OP_XGETBV, (x), 0, 0, SH_EDX_EAX, (want))
#define INSN(k, rax, rcx, show, want) OP(H_OP_INSN, (k), (rax), (rcx), (show), (want))
#define SYNC(tag)		OP(H_OP_SYNC, (tag), 0, 0, SH_OK, NULL)

/* The guest's control registers as vcpu_setup(MODE_LONG) leaves them. */
#define H_CR0_BASE		0x80010033ull
#define H_CR4_BASE		0x620ull
#define H_EFER_BASE		0x500ull

#define HF_MIGRATE		(1u << 0)	/* move the vCPU thread to another CPU at every exit */
#define HF_EXPECT_FINISH	(1u << 1)	/* the guest must reach its END */
#define H_MMIO_SEQ_MAX		12

struct hspec {
	const struct hop *ops;
	size_t nops;
	unsigned int flags;		/* HF_* */
	unsigned int max_exits;		/* 0: the default */
	void (*prepare)(struct vm *vm, struct vcpu *v);	/* after the ops are written */
	void (*finish)(const struct hrun *r);		/* more checks; the VM is still open */
};

struct hrun {
	size_t slot[64];		/* result record of each operation */
	char exit[96];			/* the exit that ended the run */
	unsigned int exits, hlts, syncs, hypercalls, io_in, io_out, out_unexpected, mmio;
	unsigned int nlanded, gs_loads, migrations, nmarks, set_tpr;
	uint64_t io_bytes, io_hash, marks[8];
	int pending_vector;
	char mmio_seq[512], landed[400], injected[400];
};

#define HSPEC(ops_, ...) (&(const struct hspec){ .ops = (ops_), .nops = ARRAY_SIZE(ops_), __VA_ARGS__ })

extern struct vm h_vm;
extern struct vcpu h_v;
extern struct hrun h_last;		/* of the last h_run() */
extern bool h_force_migrate;		/* HF_MIGRATE for every h_run() (sc_hostile_smp.c) */
void h_run(const struct hspec *s);
void h_protected(void (*body)(const void *), const void *arg);
void h_boot_long(void);
void h_loop(struct vcpu *v, struct hrun *r, unsigned int max, bool migrate_each_exit);
void h_migrate(void);
uint64_t h_exit_count(struct vcpu *v);
const char *h_op_name(uint64_t op);

DECLARE_BLOB(h_ops);
DECLARE_BLOB(h_real);

#endif
