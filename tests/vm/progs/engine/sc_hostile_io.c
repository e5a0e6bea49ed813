// SPDX-License-Identifier: GPL-2.0
/*
 * sc_hostile_io.c - hostile corpus: port I/O at every width over the whole
 * port space (sampled) and at its edges, string I/O with REP and huge
 * counts, MMIO with prefix combinations and read-modify-write instructions,
 * a 15-byte instruction crossing a page, instructions fetched from MMIO and
 * from unmapped pages, accesses past the end of RAM.  One fresh VM each.
 *
 * The run loop (sc_hostile_lib.c) answers every IN and MMIO read with a
 * pattern of port/address and byte number, and hashes what comes out, so
 * both devices must move exactly the same bytes through the same exits.
 */
#include <string.h>

#include "engine.h"

#define PORT_STRIDE		0x101		/* 256 ports spread over the space */
#define STRING_SRC		0x20000		/* RAM the string OUTs read */
#define STRING_DST		0x30000		/* RAM the string INs write */
#define STRING_BYTES		0x1000		/* REP INS: KVM moves a page per exit */
#define STRING_OUT_BYTES	0x100		/* REP OUTS: KVM exits once per element */
#define CROSS_AT		0x40ff8		/* an instruction starting here crosses into 0x41000 */
#define MMIO_OFF		0x40
#define HUGE_COUNT		0xffffffffffffffffull
#define A32_COUNT		0xdead000000000100ull	/* 67h: only ECX = 0x100 counts */
#define NONCANONICAL		0x8000000000000000ull
#define MAX_INSN_LEN		15		/* SDM Vol. 2, 2.3.11 */
#define SCAN_EXITS		(6 * (0x10000 / PORT_STRIDE + 2) + 64)

#define MMIO(k, addr, val, want) OP(H_OP_MMIO, (k), (addr), (val), SH_RAX, (want))
#define STRING(k, count, addr, want) OP(H_OP_STRING, (k), (count), (addr), SH_STRING, (want))

void scn_h_ports_scan(void)
{
	const struct hop ops[] = {
		OP(H_OP_PORTSCAN, 0, 0xffff, PORT_STRIDE, SH_RAX, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .max_exits = SCAN_EXITS));
	check(h_last.out_unexpected == 0, "every OUT reached the host with its port and value");
}

/* The first and last ports, 16- and 32-bit accesses that run past 0xffff. */
void scn_h_ports_edge(void)
{
	const struct hop ops[] = {
		OP(H_OP_PORTSCAN, 0, 3, 1, SH_RAX, NULL),
		OP(H_OP_PORTSCAN, 0xfffc, 0xffff, 1, SH_RAX, NULL),
		OP(H_OP_OUT, 0xffff, 4, 0xffff, SH_OK, "ok"),
		OP(H_OP_IN, 0xffff, 4, 0, SH_RAX, NULL),
		OP(H_OP_IN, 0xfffe, 2, 0, SH_RAX, NULL),
		OP(H_OP_OUT, 0x80, 1, 0x80, SH_OK, "ok"),	/* the "POST" port */
		OP(H_OP_IN, 0xcf8, 4, 0, SH_RAX, NULL),		/* PCI config: nothing in-kernel */
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
	check(h_last.out_unexpected == 0, "every OUT reached the host with its port and value");
}

static void fill_string_src(struct vm *vm, struct vcpu *v)
{
	size_t i;

	(void)v;
	for (i = 0; i < STRING_OUT_BYTES; i++)
		vm->mem[STRING_SRC + i] = (uint8_t)(i * 31 + 7);
}

void scn_h_string_out(void)
{
	const struct hop ops[] = {
		STRING(H_S_OUTSB, STRING_OUT_BYTES, STRING_SRC, "rcx:0,rsi:20100,rdi:20000"),
		STRING(H_S_OUTSW, STRING_OUT_BYTES / 2, STRING_SRC, "rcx:0,rsi:20100,rdi:20000"),
		STRING(H_S_OUTSL, STRING_OUT_BYTES / 4, STRING_SRC, "rcx:0,rsi:20100,rdi:20000"),
		STRING(H_S_OUTSB_NOREP, 5, STRING_SRC, "rcx:5,rsi:20001,rdi:20000"),
		STRING(H_S_OUTSB, 0, STRING_SRC, "rcx:0,rsi:20000,rdi:20000"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = fill_string_src));
}

void scn_h_string_in(void)
{
	const struct hop ops[] = {
		STRING(H_S_INSB, STRING_BYTES, STRING_DST, "rcx:0,rsi:30000,rdi:31000"),
		STRING(H_S_INSW, STRING_BYTES / 2, STRING_DST, "rcx:0,rsi:30000,rdi:31000"),
		STRING(H_S_INSL, STRING_BYTES / 4, STRING_DST, "rcx:0,rsi:30000,rdi:31000"),
		STRING(H_S_INSB_DOWN, 0x100, STRING_DST + 0x2000, "rcx:0,rsi:32000,rdi:31f00"),
		OP(H_OP_READ, STRING_DST, 0, 0, SH_RAX, NULL),
		OP(H_OP_READ, STRING_DST + 0x1f08, 0, 0, SH_RAX, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/*
 * REP with an all-ones RCX runs from RAM into the unmapped page at
 * H_RAM_END: #PF with RCX, RSI/RDI showing how far it got.  With a 32-bit
 * address size only ECX counts.
 */
void scn_h_string_huge(void)
{
	const struct hop ops[] = {
		STRING(H_S_OUTSB, HUGE_COUNT, H_RAM_END - 0x80, "rcx:ffffffffffffff7f,rsi:100000,rdi:fff80,fault:PF"),
		STRING(H_S_INSB, HUGE_COUNT, H_RAM_END - 0x400, "rcx:fffffffffffffbff,rsi:ffc00,rdi:100000,fault:PF"),
		STRING(H_S_OUTSL, HUGE_COUNT, H_RAM_END - 0x40, "rcx:ffffffffffffffef,rsi:100000,rdi:fffc0,fault:PF"),
		STRING(H_S_OUTSB_A32, A32_COUNT, STRING_SRC, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = fill_string_src));
}

void scn_h_string_mmio_src(void)
{
	const struct hop ops[] = {
		STRING(H_S_OUTSB, 8, H_MMIO, NULL),
	};

	h_run(HSPEC(ops));
}

void scn_h_string_mmio_dst(void)
{
	const struct hop ops[] = {
		STRING(H_S_INSB, 8, H_PAST_RAM, NULL),
	};

	h_run(HSPEC(ops));
}

/* Loads with every operand size and the prefixes that can go with a MOV. */
void scn_h_mmio_loads(void)
{
	const uint64_t a = H_MMIO + MMIO_OFF;
	const struct hop ops[] = {
		MMIO(H_M_LOAD8, a, 0, NULL),
		MMIO(H_M_LOAD16, a, 0, NULL),
		MMIO(H_M_LOAD32, a, 0, NULL),
		MMIO(H_M_LOAD64, a, 0, NULL),
		MMIO(H_M_LOAD_ZX8, a, ~0ull, NULL),
		MMIO(H_M_LOAD_SX16, a + 2, 0, NULL),
		MMIO(H_M_LOAD_A32, a, 0, NULL),
		MMIO(H_M_LOAD_SEG, a, 0, NULL),
		MMIO(H_M_LOAD_REP, a, 0, NULL),
		MMIO(H_M_LOAD_REX_R8, a, 0, NULL),
		MMIO(H_M_LOAD32, a + 0x3, 0, NULL),			/* unaligned */
		MMIO(H_M_LOAD64, H_MMIO + 0x200000 - 4, 0, NULL),	/* across two MMIO pages */
		MMIO(H_M_SSE_LOAD, a, 0, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

void scn_h_mmio_stores(void)
{
	const uint64_t a = H_MMIO + MMIO_OFF;
	const uint64_t val = 0x1122334455667788ull;
	const struct hop ops[] = {
		MMIO(H_M_STORE8, a, val, NULL),
		MMIO(H_M_STORE16, a, val, NULL),
		MMIO(H_M_STORE32, a, val, NULL),
		MMIO(H_M_STORE64, a, val, NULL),
		MMIO(H_M_STORE_IMM32, a, val, NULL),
		MMIO(H_M_STORE_66_REX, a, val, NULL),
		MMIO(H_M_LOCK_MOV, a, val, "UD"),
		MMIO(H_M_MOVNTI, a, val, NULL),
		MMIO(H_M_STORE32, a + 0xffd, val, NULL),		/* across two 4 KiB pages */
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/*
 * Read-modify-write and string moves on MMIO: one read exit, then one
 * write.  Not XCHG/CMPXCHG: kvm_intel logs "emulating exchange as write"
 * (a warning) for them, which the kernel-log check counts.
 */
void scn_h_mmio_rmw(void)
{
	const uint64_t a = H_MMIO + MMIO_OFF;
	const struct hop ops[] = {
		MMIO(H_M_ADD, a, 0x01010101, NULL),
		MMIO(H_M_ADD, a + 0x7fe, 0x01010101, NULL),
		MMIO(H_M_MOVS, a, 0, NULL),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/*
 * RAM ends at H_RAM_END; the page there is not mapped by the guest, the
 * pages after it are (no memslot: MMIO).  Reads and writes at both, and
 * accesses that start in RAM and end beyond it.
 */
void scn_h_past_ram(void)
{
	const struct hop ops[] = {
		OP(H_OP_READ, H_RAM_END - 8, 0, 0, SH_RAX, "0"),
		OP(H_OP_READ, H_RAM_END - 4, 0, 0, SH_RAX, "PF:0@100000"),
		OP(H_OP_WRITE, H_RAM_END, 1, 0, SH_OK, "PF:2@100000"),
		OP(H_OP_READ, H_PAST_RAM, 0, 0, SH_RAX, NULL),
		OP(H_OP_WRITE, H_PAST_RAM + 8, 0xfeedfacecafebeefull, 0, SH_OK, "ok"),
		OP(H_OP_READ, H_PAST_RAM + H_PAST_RAM_PAGES * 0x1000 - 8, 0, 0, SH_RAX, NULL),
		OP(H_OP_READ, H_PAST_RAM + H_PAST_RAM_PAGES * 0x1000 - 4, 0, 0, SH_RAX, NULL),
		OP(H_OP_READ, 0x3fffffff8ull, 0, 0, SH_RAX, NULL),	/* not mapped: above 1 GiB */
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}

/*
 * A 66 2e 3e 26 64 65 c7 04 25 <disp32> <imm16> store to MMIO (15 bytes),
 * @extra more prefixes, at @at, then jmp *%r14.
 */
static size_t write_long_insn(uint8_t *mem, uint64_t at, unsigned int extra)
{
	static const uint8_t prefixes[] = { 0x66, 0x2e, 0x3e, 0x26, 0x64, 0x65 };
	static const uint8_t jmp_r14[] = { 0x41, 0xff, 0xe6 };
	uint32_t disp = H_MMIO + MMIO_OFF;
	uint8_t insn[32], *p = insn;
	size_t len, in_ram;
	unsigned int i;

	for (i = 0; i < extra; i++)
		*p++ = 0x3e;
	memcpy(p, prefixes, sizeof(prefixes));
	p += sizeof(prefixes);
	*p++ = 0xc7;		/* MOV r/m16, imm16 */
	*p++ = 0x04;		/* ModRM: [SIB] */
	*p++ = 0x25;		/* SIB: disp32, no base or index */
	memcpy(p, &disp, 4);
	p += 4;
	*p++ = 0xef;
	*p++ = 0xbe;
	len = (size_t)(p - insn);
	memcpy(p, jmp_r14, sizeof(jmp_r14));
	/* Only what is in RAM: the rest of an instruction at H_RAM_END - 8 has no memory. */
	in_ram = at + len + sizeof(jmp_r14) <= GUEST_MEM_SIZE ? len + sizeof(jmp_r14) :
		 GUEST_MEM_SIZE - at;
	memcpy(mem + at, insn, in_ram);
	return len;
}

static void prepare_insn15(struct vm *vm, struct vcpu *v)
{
	(void)v;
	if (write_long_insn(vm->mem, CROSS_AT, 0) != MAX_INSN_LEN)
		abort_scenario("the long instruction is not %d bytes", MAX_INSN_LEN);
}

static void prepare_insn16(struct vm *vm, struct vcpu *v)
{
	(void)v;
	write_long_insn(vm->mem, CROSS_AT, 1);
}

static void prepare_insn15_unmapped(struct vm *vm, struct vcpu *v)
{
	(void)v;
	write_long_insn(vm->mem, H_RAM_END - 8, 0);
}

void scn_h_insn15_cross(void)
{
	const struct hop ops[] = {
		OP(H_OP_JMP, CROSS_AT, 0, 0, SH_OK, "ok"),
		OP(H_OP_JMP, CROSS_AT, 0, 0, SH_OK, "ok"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = prepare_insn15));
	expect_str("the MMIO writes of the 15-byte instruction", h_last.mmio_seq,
		   "mmio_w:200040:2:beef,mmio_w:200040:2:beef");
}

void scn_h_insn16(void)
{
	const struct hop ops[] = {
		OP(H_OP_JMP, CROSS_AT, 0, 0, SH_OK, "GP:0"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = prepare_insn16));
	check(!h_last.mmio, "a 16-byte instruction does not reach MMIO");
}

/* The 15-byte instruction's second half on the unmapped page at H_RAM_END. */
void scn_h_insn15_unmapped(void)
{
	const struct hop ops[] = {
		OP(H_OP_JMP, H_RAM_END - 8, 0, 0, SH_OK, "PF:0@100000"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH, .prepare = prepare_insn15_unmapped));
	check(!h_last.mmio, "an instruction that cannot be fetched does not reach MMIO");
}

/* Fetching from MMIO: KVM cannot emulate it and says so (an internal error). */
void scn_h_fetch_mmio(void)
{
	const struct hop ops[] = {
		OP(H_OP_JMP, H_MMIO + MMIO_OFF, 0, 0, SH_OK, NULL),
	};

	h_run(HSPEC(ops));
}

void scn_h_fetch_unmapped(void)
{
	const struct hop ops[] = {
		OP(H_OP_JMP, H_UNMAPPED, 0, 0, SH_OK, "PF:0@1f0000"),
		OP(H_OP_JMP, NONCANONICAL, 0, 0, SH_OK, "GP:0"),
		OP(H_OP_JMP, 0x3fffff000ull, 0, 0, SH_OK, "PF:0@3fffff000"),
	};

	h_run(HSPEC(ops, .flags = HF_EXPECT_FINISH));
}
