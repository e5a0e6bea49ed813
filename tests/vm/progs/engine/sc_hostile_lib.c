// SPDX-License-Identifier: GPL-2.0
/*
 * sc_hostile_lib.c - the machinery of the hostile-guest corpus: a fresh VM
 * with the interpreter guest (guest/h_ops.S) and its page tables, the
 * operations written into guest memory, a run loop that answers every exit
 * the corpus causes, one result key per operation, and the host-state
 * checks (hoststate.c) around all of it, also when the scenario aborts.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine.h"
#include "hostile.h"

#define DEFAULT_MAX_EXITS	4000
#define KVM_ENOSYS_RET		((uint64_t)-1000)	/* what KVM's VMCALL returns for an unknown nr */
#define PTE_PRESENT_RW		0x3
#define PDE_2M_PRESENT_RW	0x83
#define PT_ENTRIES		512
#define MAX_MARKS		8
#define MAX_LANDINGS		4

extern jmp_buf g_abort_jmp;

struct vm h_vm;
struct vcpu h_v;
struct hrun h_last;
bool h_force_migrate;

/* --- protection: host-state checks around a body that may abort ---------- */

void h_protected(void (*body)(const void *), const void *arg)
{
	jmp_buf outer;

	memcpy(outer, g_abort_jmp, sizeof(outer));
	hoststate_begin();
	if (!setjmp(g_abort_jmp))
		body(arg);
	memcpy(g_abort_jmp, outer, sizeof(outer));
	vcpu_close(&h_v);
	vm_close(&h_vm);
	hoststate_end();
}

/* --- CPUs ------------------------------------------------------------------ */

static int cpu_list[64], ncpu_list, next_cpu;

static void find_cpus(void)
{
	cpu_set_t set;
	int c;

	ncpu_list = 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (c = 0; c < CPU_SETSIZE && ncpu_list < (int)ARRAY_SIZE(cpu_list); c++)
		if (CPU_ISSET(c, &set))
			cpu_list[ncpu_list++] = c;
}

/* Pin the vCPU thread to the next CPU; every call, in turn. */
void h_migrate(void)
{
	cpu_set_t set;

	if (ncpu_list < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu_list[next_cpu++ % ncpu_list], &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		h_last.migrations++;
}

static void unpin(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < ncpu_list; i++)
		CPU_SET(cpu_list[i], &set);
	if (ncpu_list)
		sched_setaffinity(0, sizeof(set), &set);
}

/* --- the exit counter ------------------------------------------------------ */

/* KVM: the vCPU's binary stats ("exits"); jvmm: debugfs counters (all VMs). */
uint64_t h_exit_count(struct vcpu *v)
{
	uint64_t val = 0;

	if (g_reference) {
		struct kvm_stats_header hdr;
		size_t desc_size;
		char *descs;
		uint32_t i;
		int fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);

		if (fd < 0)
			return 0;
		if (pread(fd, &hdr, sizeof(hdr), 0) != sizeof(hdr)) {
			close(fd);
			return 0;
		}
		desc_size = sizeof(struct kvm_stats_desc) + hdr.name_size;
		descs = calloc(hdr.num_desc, desc_size);
		if (descs && pread(fd, descs, hdr.num_desc * desc_size, hdr.desc_offset) ==
		    (ssize_t)(hdr.num_desc * desc_size)) {
			for (i = 0; i < hdr.num_desc; i++) {
				struct kvm_stats_desc *d = (void *)(descs + i * desc_size);

				if (!strcmp(d->name, "exits")) {
					if (pread(fd, &val, sizeof(val), hdr.data_offset + d->offset) != sizeof(val))
						val = 0;
					break;
				}
			}
		}
		free(descs);
		close(fd);
	} else {
		char line[128];
		FILE *f = fopen("/sys/kernel/debug/jvmm/counters", "r");

		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "exits ", 6))
				val = strtoull(line + 6, NULL, 0);
		if (f)
			fclose(f);
	}
	return val;
}

/* --- boot ------------------------------------------------------------------ */

/*
 * Supervisor-only identity map (SMEP and SMAP then change nothing for the
 * guest): 4 KiB pages for the first 2 MiB, RAM to H_RAM_END present, the
 * page at H_RAM_END not present, H_PAST_RAM_PAGES present past it (no slot:
 * MMIO), the rest of the first 2 MiB not present; 2 MiB pages up to 1 GiB.
 */
static void write_hostile_page_tables(struct vm *vm)
{
	uint64_t *pml4 = (uint64_t *)(vm->mem + GUEST_PML4);
	uint64_t *pdpt = (uint64_t *)(vm->mem + GUEST_PDPT);
	uint64_t *pd = (uint64_t *)(vm->mem + GUEST_PD);
	uint64_t *pt = (uint64_t *)(vm->mem + H_PT);
	uint64_t a;
	int i;

	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);
	memset(pd, 0, 0x1000);
	memset(pt, 0, 0x1000);
	pml4[0] = GUEST_PDPT | PTE_PRESENT_RW;
	pdpt[0] = GUEST_PD | PTE_PRESENT_RW;
	pd[0] = H_PT | PTE_PRESENT_RW;
	for (i = 1; i < PT_ENTRIES; i++)
		pd[i] = ((uint64_t)i << 21) | PDE_2M_PRESENT_RW;
	for (a = 0; a < H_RAM_END; a += 0x1000)
		pt[a >> 12] = a | PTE_PRESENT_RW;
	for (i = 0; i < H_PAST_RAM_PAGES; i++)
		pt[(H_PAST_RAM >> 12) + i] = (H_PAST_RAM + i * 0x1000) | PTE_PRESENT_RW;
}

void h_boot_long(void)
{
	vm_init(&h_vm, GUEST_MEM_SIZE);
	vcpu_init(&h_v, &h_vm, 0);
	vm_load(&h_vm, BLOB(h_ops));
	vcpu_setup(&h_v, MODE_LONG);
	write_hostile_page_tables(&h_vm);
}

/* --- answers to the guest's I/O -------------------------------------------- */

static uint8_t in_byte(uint16_t port, unsigned int i)
{
	return (uint8_t)(port * 7 + i * 13 + 0x5a);
}

static uint8_t mmio_byte(uint64_t addr, unsigned int i)
{
	return (uint8_t)((addr + i) ^ 0xa5);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static void on_io(struct vcpu *v, struct hrun *r)
{
	struct kvm_run *run = v->run;
	uint8_t *data = io_data(v);
	size_t bytes = (size_t)run->io.size * run->io.count, i;

	if (run->io.direction == KVM_EXIT_IO_IN) {
		for (i = 0; i < bytes && i < 4096; i++)
			data[i] = in_byte(run->io.port, (unsigned int)i);
		r->io_in++;
	} else {
		/* The port scan OUTs the port number at every width. */
		if (run->io.count == 1 && run->io.port != H_PORT_STRING &&
		    io_out_value(v) != (run->io.port & (uint32_t)((1ull << (8 * run->io.size)) - 1)))
			r->out_unexpected++;
		r->io_out++;
	}
	r->io_bytes += bytes;
	r->io_hash = fnv(r->io_hash, &run->io.port, sizeof(run->io.port));
	r->io_hash = fnv(r->io_hash, &run->io.size, sizeof(run->io.size));
	r->io_hash = fnv(r->io_hash, &run->io.direction, sizeof(run->io.direction));
	if (run->io.direction == KVM_EXIT_IO_OUT)
		r->io_hash = fnv(r->io_hash, data, bytes < 4096 ? bytes : 4096);
}

static void on_mmio(struct vcpu *v, struct hrun *r)
{
	struct kvm_run *run = v->run;
	char tok[96];
	size_t l;
	unsigned int i;

	if (!run->mmio.is_write)
		for (i = 0; i < run->mmio.len && i < 8; i++)
			run->mmio.data[i] = mmio_byte(run->mmio.phys_addr, i);
	exit_token(v, tok, sizeof(tok));
	if (!run->mmio.is_write)	/* the token of a read has no data: add what we answered */
		snprintf(tok + strlen(tok), sizeof(tok) - strlen(tok), ">%02x", run->mmio.data[0]);
	l = strlen(r->mmio_seq);
	if (r->mmio < H_MMIO_SEQ_MAX)
		snprintf(r->mmio_seq + l, sizeof(r->mmio_seq) - l, "%s%s", l ? "," : "", tok);
	r->mmio++;
}

static void on_landing(struct vcpu *v, struct hrun *r)
{
	struct kvm_regs regs;
	struct kvm_sregs s;
	size_t l = strlen(r->landed);

	get_regs(v, &regs);
	get_sregs(v, &s);
	if (r->nlanded++ < MAX_LANDINGS)
		snprintf(r->landed + l, sizeof(r->landed) - l,
			 "%srip:%llx,rsp:%llx,cs:%x,ss:%x,rcx:%llx,r11:%llx", l ? "/" : "",
			 (unsigned long long)regs.rip, (unsigned long long)regs.rsp,
			 s.cs.selector, s.ss.selector, (unsigned long long)regs.rcx,
			 (unsigned long long)(regs.r11 & ~0x10000ull));	/* RF: not of interest */
}

static void inject(struct vcpu *v, struct hrun *r, uint32_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };
	long ret = ioctl(v->fd, KVM_INTERRUPT, &irq);
	int err = errno;
	size_t l = strlen(r->injected);

	snprintf(r->injected + l, sizeof(r->injected) - l, "%s%u:%s", l ? "," : "", vector,
		 ret_name(ret, err));
}

static void on_sync(struct vcpu *v, struct hrun *r, uint32_t tag)
{
	switch (tag & ~0xffu) {
	case H_TAG_INJECT:
		if (v->run->ready_for_interrupt_injection) {
			inject(v, r, tag & 0xff);
		} else {
			r->pending_vector = (int)(tag & 0xff);
			v->run->request_interrupt_window = 1;
		}
		break;
	case H_TAG_GS_2B:
		/* The host process's GS selector 0x2b (__USER_DS), as issue 11 item 3 had it. */
		__asm__ volatile("mov %0, %%gs" : : "r"(0x2b));
		r->gs_loads++;
		break;
	case H_TAG_MIGRATE:
		h_migrate();
		break;
	case H_TAG_EXITS:
		if (r->nmarks < MAX_MARKS)
			r->marks[r->nmarks++] = h_exit_count(v);
		break;
	default:
		r->syncs++;
		break;
	}
}

/* Run until the guest finishes, an exit the corpus does not answer, or @max exits. */
void h_loop(struct vcpu *v, struct hrun *r, unsigned int max, bool migrate_each_exit)
{
	unsigned int n;
	int ret;

	for (n = 0; n < max; n++) {
		ret = hoststate_run(v);
		r->exits++;
		if (migrate_each_exit)
			h_migrate();
		if (ret < 0) {
			snprintf(r->exit, sizeof(r->exit), "error:%s", errno_name(-ret));
			return;
		}
		switch (v->run->exit_reason) {
		case KVM_EXIT_IO:
			if (v->run->io.port == PORT_SYNC && v->run->io.direction == KVM_EXIT_IO_OUT &&
			    v->run->io.size == 4)
				on_sync(v, r, io_out_value(v));
			else if (v->run->io.port == H_PORT_LANDED)
				on_landing(v, r);
			else
				on_io(v, r);
			continue;
		case KVM_EXIT_MMIO:
			on_mmio(v, r);
			continue;
		case KVM_EXIT_HLT:
			if (*(uint64_t *)(v->vm->mem + H_FINISHED))
				break;
			r->hlts++;
			continue;
		case KVM_EXIT_HYPERCALL:
			/* jvmm's VMCALL extension: answer as KVM answers an unknown nr in RAX. */
			v->run->hypercall.ret = KVM_ENOSYS_RET;
			r->hypercalls++;
			continue;
		case KVM_EXIT_SET_TPR:
			/* kvm_intel without an in-kernel APIC, after CR8 went down: nothing to do. */
			r->set_tpr++;
			continue;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
			v->run->request_interrupt_window = 0;
			if (r->pending_vector >= 0)
				inject(v, r, (uint32_t)r->pending_vector);
			r->pending_vector = -1;
			continue;
		default:
			break;
		}
		break;
	}
	if (n == max)
		snprintf(r->exit, sizeof(r->exit), "budget");
	else if (!r->exit[0])
		exit_token(v, r->exit, sizeof(r->exit));
}

/* --- results ---------------------------------------------------------------- */

static const char *const vector_names[32] = {
	"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "MF9", "TS", "NP", "SS", "GP",
	"PF", "v15", "MF", "AC", "MC", "XM", "VE", "CP",
};

/* What op @i did: its fault, or its value as @show says. */
static void format_result(const struct hop *op, const uint64_t *rec, char *buf, size_t len)
{
	uint64_t fault = rec[H_R_FAULT / 8], ec = rec[H_R_EC / 8];
	uint64_t rax = rec[H_R_RAX / 8], rdx = rec[H_R_RDX / 8], rcx = rec[H_R_RCX / 8];
	uint64_t edx_eax = (rdx << 32) | (uint32_t)rax;

	/* The scans expect faults: their RAX says which bits or MSRs passed. */
	bool scan = op->op == H_OP_XSETBV_SCAN || op->op == H_OP_CR_SCAN ||
		    op->op == H_OP_DR_SCAN || op->op == H_OP_RDMSR_RANGE;

	if (fault && !scan && op->show != SH_STRING && op->show != SH_FAULTS) {
		uint64_t vec = fault - 1;
		const char *name = vec < 32 && vector_names[vec] ? vector_names[vec] : NULL;
		char vname[24];

		if (!name) {
			snprintf(vname, sizeof(vname), "v%llu", (unsigned long long)vec);
			name = vname;
		}
		if (vec == 14)
			snprintf(buf, len, "PF:%llx@%llx", (unsigned long long)ec,
				 (unsigned long long)rec[H_R_CR2 / 8]);
		else if (vec == 8 || (vec >= 10 && vec <= 13) || vec == 17)
			snprintf(buf, len, "%s:%llx", name, (unsigned long long)ec);
		else
			snprintf(buf, len, "%s", name);
		return;
	}
	switch (op->show) {
	case SH_RAX:
		snprintf(buf, len, "%llx", (unsigned long long)rax);
		break;
	case SH_EDX_EAX:
		snprintf(buf, len, "%llx", (unsigned long long)edx_eax);
		break;
	case SH_RCX:
		snprintf(buf, len, "%llx", (unsigned long long)rcx);
		break;
	case SH_NONZERO:
		snprintf(buf, len, "%s", edx_eax ? "nonzero" : "zero");
		break;
	case SH_BELOW_2_40:	/* a TSC just written to a small value */
		snprintf(buf, len, "%s", edx_eax < (1ull << 40) ? "small" : "large");
		break;
	case SH_STRING:
		snprintf(buf, len, "rcx:%llx,rsi:%llx,rdi:%llx%s%s", (unsigned long long)rcx,
			 (unsigned long long)rax, (unsigned long long)rdx, fault ? ",fault:" : "",
			 fault ? (fault - 1 < 32 && vector_names[fault - 1] ? vector_names[fault - 1] : "?") : "");
		break;
	case SH_FAULTS:
		snprintf(buf, len, "%llu", (unsigned long long)rec[H_R_NFAULTS / 8]);
		break;
	case SH_OK:
	default:
		snprintf(buf, len, "ok");
		break;
	}
}

static void report(const struct hspec *s, const struct hrun *r)
{
	const uint64_t *state = (const uint64_t *)(h_vm.mem + H_STATE);
	char key[16], val[96], what[160];
	size_t i;

	for (i = 0; i < s->nops; i++) {
		const uint64_t *rec = (const uint64_t *)(h_vm.mem + H_RES + r->slot[i] * H_RES_SIZE);

		if (r->slot[i] >= state[(H_DONE - H_STATE) / 8] && !rec[H_R_FAULT / 8]) {
			snprintf(val, sizeof(val), "not-reached");
		} else {
			format_result(&s->ops[i], rec, val, sizeof(val));
		}
		snprintf(key, sizeof(key), "o%zu", i);
		res(key, "%s", val);
		if (s->ops[i].want) {
			snprintf(what, sizeof(what), "op %zu (%s 0x%llx 0x%llx)", i,
				 h_op_name(s->ops[i].op), (unsigned long long)s->ops[i].a,
				 (unsigned long long)s->ops[i].b);
			expect_str(what, val, s->ops[i].want);
		}
	}
	res("done", "%llu", (unsigned long long)state[(H_DONE - H_STATE) / 8]);
	res("finished", "%llu", (unsigned long long)state[(H_FINISHED - H_STATE) / 8]);
	res("exit", "%s", r->exit);
	if (r->io_in || r->io_out) {
		res("io", "out%u,in%u,bytes%llu", r->io_out, r->io_in, (unsigned long long)r->io_bytes);
		res("io_hash", "%llx", (unsigned long long)r->io_hash);
		res("out_unexpected", "%u", r->out_unexpected);
	}
	if (r->mmio) {
		res("mmio", "%u", r->mmio);
		res("mmio_seq", "%s", r->mmio_seq);
	}
	if (r->hlts)
		res("hlts", "%u", r->hlts);
	if (r->nlanded)
		res("landed", "%s", r->landed);
	if (r->injected[0])
		res("injected", "%s", r->injected);
	res("hypercalls", "%u", r->hypercalls);
	if (s->flags & HF_EXPECT_FINISH)
		check(state[(H_FINISHED - H_STATE) / 8] == 1 && !strcmp(r->exit, "hlt"),
		      "the guest ran its operations to the end");
}

const char *h_op_name(uint64_t op)
{
	static const char *const names[H_NR_OPS] = {
		"END", "WRMSR", "RDMSR", "WRCR", "RDCR", "WRDR", "RDDR", "XSETBV", "XGETBV",
		"INSN", "OUT", "IN", "PORTSCAN", "STRING", "MMIO", "JMP", "STORM", "IDT_CLEAR",
		"SYNC", "STI_SYNC", "SET_FLAGS", "RSP_INSN", "WRITE", "READ", "XSETBV_SCAN",
		"CR_SCAN", "DR_SCAN", "RDMSR_RANGE",
	};

	return op < H_NR_OPS ? names[op] : "?";
}

static void run_spec(const void *arg)
{
	const struct hspec *s = arg;
	unsigned int flags = s->flags | (h_force_migrate ? HF_MIGRATE : 0);
	uint64_t *prog;
	size_t i, slot = 0;
	bool migrate = (flags & HF_MIGRATE) && ncpu_list > 1;

	if (s->nops > H_MAX_OPS / 2)
		abort_scenario("%zu operations: at most %d", s->nops, H_MAX_OPS / 2);
	h_boot_long();
	prog = (uint64_t *)(h_vm.mem + H_PROG);
	for (i = 0; i < s->nops; i++) {
		/* On SMP, a migration point before every operation. */
		if (migrate) {
			prog[slot * 4] = H_OP_SYNC;
			prog[slot * 4 + 1] = H_TAG_MIGRATE;
			slot++;
		}
		h_last.slot[i] = slot;
		prog[slot * 4] = s->ops[i].op;
		prog[slot * 4 + 1] = s->ops[i].a;
		prog[slot * 4 + 2] = s->ops[i].b;
		prog[slot * 4 + 3] = s->ops[i].c;
		slot++;
	}
	if (s->prepare)
		s->prepare(&h_vm, &h_v);
	h_loop(&h_v, &h_last, s->max_exits ? s->max_exits : DEFAULT_MAX_EXITS,
	       (flags & HF_MIGRATE) != 0);
	report(s, &h_last);
	if (flags & HF_MIGRATE) {
		if (ncpu_list > 1)
			check(h_last.migrations > 0, "the vCPU thread moved between CPUs");
		res("smp", "%s", ncpu_list > 1 ? "migrated" : "one-cpu");
	}
	if (s->finish)
		s->finish(&h_last);
}

void h_run(const struct hspec *s)
{
	memset(&h_last, 0, sizeof(h_last));
	h_last.pending_vector = -1;
	find_cpus();
	h_protected(run_spec, s);
	unpin();
}
