// SPDX-License-Identifier: GPL-2.0
/*
 * test-caps - unit tests of module/caps.c: which VMX capability MSR values
 * jvmm accepts, which controls it derives from them, and the one line it
 * logs when it refuses.
 *
 * caps.c is compiled here unchanged, against the shims in kshim/; the
 * "hardware" is the table below, starting from the values measured in the
 * Bochs test VM (../shared/docs/testing-without-vmx.md).
 */
#include "kshim.h"

#include "caps.c"
#include "kshim_log.h"

/* The fake CPU: an MSR whose index is not in the table faults. */
struct fake_msr {
	u32 index;
	u64 value;
};

static struct fake_msr msr_table[32];
static size_t msr_count;
static u32 cpuid1_ecx;

static void set_msr(u32 index, u64 value)
{
	size_t i;

	for (i = 0; i < msr_count; i++) {
		if (msr_table[i].index == index) {
			msr_table[i].value = value;
			return;
		}
	}
	msr_table[msr_count++] = (struct fake_msr){ index, value };
}

static void drop_msr(u32 index)
{
	size_t i;

	for (i = 0; i < msr_count; i++) {
		if (msr_table[i].index == index) {
			msr_table[i] = msr_table[--msr_count];
			return;
		}
	}
}

static u64 get_msr(u32 index)
{
	size_t i;

	for (i = 0; i < msr_count; i++)
		if (msr_table[i].index == index)
			return msr_table[i].value;
	return 0;
}

int fake_rdmsr(u32 index, u64 *val)
{
	size_t i;

	for (i = 0; i < msr_count; i++) {
		if (msr_table[i].index == index) {
			*val = msr_table[i].value;
			return 0;
		}
	}
	return -EIO;
}

u32 fake_cpuid_ecx(u32 leaf)
{
	return leaf == 1 ? cpuid1_ecx : 0;
}

/* Bochs 2.7, cpu model corei7_skylake_x, as measured in the test VM. */
static void bochs_skylake_x(void)
{
	msr_count = 0;
	cpuid1_ecx = CPUID_1_ECX_VMX;
	set_msr(IA32_FEATURE_CONTROL, 0x5);
	set_msr(IA32_VMX_BASIC, 0x00d810000000002bULL);
	set_msr(IA32_VMX_PINBASED_CTLS, 0x0000007f00000016ULL);
	set_msr(IA32_VMX_PROCBASED_CTLS, 0xf7f9fffe0401e172ULL);
	set_msr(IA32_VMX_EXIT_CTLS, 0x007fffff00036dffULL);
	set_msr(IA32_VMX_ENTRY_CTLS, 0x0000ffff000011ffULL);
	set_msr(IA32_VMX_MISC, 0x00000000600401e0ULL);
	set_msr(IA32_VMX_PROCBASED_CTLS2, 0x02177fff00000000ULL);
	set_msr(IA32_VMX_EPT_VPID_CAP, 0x00000f0106334141ULL);
	set_msr(IA32_VMX_TRUE_PINBASED_CTLS, 0x0000007f00000016ULL);
	set_msr(IA32_VMX_TRUE_PROCBASED_CTLS, 0xf7f9fffe04006172ULL);
	set_msr(IA32_VMX_TRUE_EXIT_CTLS, 0x007fffff00036dfbULL);
	set_msr(IA32_VMX_TRUE_ENTRY_CTLS, 0x0000ffff000011fbULL);
	/* Typical values: PE, NE, PG must be 1; VMXE must be 1 in CR4. */
	set_msr(IA32_VMX_CR0_FIXED0, 0x80000021ULL);
	set_msr(IA32_VMX_CR0_FIXED1, 0xffffffffULL);
	set_msr(IA32_VMX_CR4_FIXED0, 0x2000ULL);
	set_msr(IA32_VMX_CR4_FIXED1, 0x3727ffULL);
}

static int failures, checks;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		printf("FAIL %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n  log: %s", kshim_log[0] ? kshim_log : "(empty)\n"); \
	}								\
} while (0)

static int probe(void)
{
	kshim_log[0] = 0;
	kshim_log_lines = 0;
	memset(&jvmm_caps, 0xa5, sizeof(jvmm_caps));
	return jvmm_caps_probe();
}

/* A refusal is -EOPNOTSUPP and exactly one error line mentioning @what. */
static void expect_refusal(const char *what, const char *case_name)
{
	int ret = probe();

	CHECK(ret == -EOPNOTSUPP, "%s: probe returned %d, want -EOPNOTSUPP",
	      case_name, ret);
	CHECK(kshim_log_lines == 1, "%s: %d log lines, want exactly 1",
	      case_name, kshim_log_lines);
	CHECK(strncmp(kshim_log, "err: jvmm: cannot load: ", 24) == 0,
	      "%s: the line is not a 'jvmm: cannot load:' error", case_name);
	CHECK(strstr(kshim_log, what) != NULL, "%s: the line does not name '%s'",
	      case_name, what);
}

static void test_bochs_accepted(void)
{
	const struct jvmm_vmcs_config *cfg = &jvmm_caps.vmcs;

	bochs_skylake_x();
	CHECK(probe() == 0, "Bochs Skylake-X capabilities refused");
	CHECK(kshim_log_lines == 0, "a successful probe logged %d lines", kshim_log_lines);
	jvmm_caps_log_summary();
	CHECK(kshim_log_lines == 1, "want one summary line, got %d", kshim_log_lines);
	CHECK(strstr(kshim_log, "info: jvmm: VMX: VMCS revision 0x2b (4096 bytes), EPT 4-level WB (INVEPT single all), VPID yes, unrestricted guest yes, preemption timer yes (TSC/1), TRUE controls yes") != NULL,
	      "unexpected summary line");
	CHECK(jvmm_caps.revision_id == 0x2b, "revision 0x%x", jvmm_caps.revision_id);
	CHECK(jvmm_caps.vpid, "VPID not used although supported");
	CHECK(jvmm_caps.invept_single && jvmm_caps.invept_all, "INVEPT types");
	/* Required and optional controls on, must-be-one bits kept. */
	CHECK(cfg->pin == (0x16 | VMX_PIN_EXTERNAL_INTERRUPT_EXITING |
			   VMX_PIN_NMI_EXITING | VMX_PIN_VIRTUAL_NMIS |
			   VMX_PIN_PREEMPTION_TIMER), "pin 0x%x", cfg->pin);
	CHECK((cfg->proc & 0x04006172) == 0x04006172, "proc lost a must-be-one bit");
	CHECK(cfg->proc & VMX_PROC_HLT_EXITING, "no HLT exiting");
	CHECK(cfg->proc & VMX_PROC_UNCONDITIONAL_IO_EXITING, "no I/O exiting");
	CHECK(!(cfg->proc & (VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING |
			      VMX_PROC_INVLPG_EXITING)),
	      "TRUE controls allow CR3/INVLPG exiting off, yet proc = 0x%x", cfg->proc);
	CHECK(cfg->proc2 == (VMX_PROC2_ENABLE_EPT | VMX_PROC2_UNRESTRICTED_GUEST |
			     VMX_PROC2_WBINVD_EXITING | VMX_PROC2_ENABLE_VPID | VMX_PROC2_ENABLE_RDTSCP |
			     VMX_PROC2_ENABLE_INVPCID),
	      "proc2 0x%x", cfg->proc2);
	CHECK(cfg->exit & VMX_EXIT_CTL_HOST_ADDR_SPACE_SIZE, "exit 0x%x", cfg->exit);
	CHECK(cfg->entry & VMX_ENTRY_CTL_LOAD_IA32_EFER, "entry 0x%x", cfg->entry);
	CHECK(!(cfg->entry & VMX_ENTRY_CTL_IA32E_MODE_GUEST),
	      "guests start outside long mode, yet IA-32e mode guest is set");
	CHECK(cfg->entry_allowed & VMX_ENTRY_CTL_IA32E_MODE_GUEST, "entry_allowed");
}

/* Without TRUE controls the default1 bits stay, and messages name the plain MSRs. */
static void test_without_true_controls(void)
{
	bochs_skylake_x();
	set_msr(IA32_VMX_BASIC, get_msr(IA32_VMX_BASIC) & ~VMX_BASIC_TRUE_CONTROLS);
	drop_msr(IA32_VMX_TRUE_PROCBASED_CTLS);	/* must not be read */
	CHECK(probe() == 0, "refused without TRUE controls");
	CHECK(jvmm_caps.vmcs.proc & VMX_PROC_CR3_LOAD_EXITING,
	      "default1 CR3-load exiting dropped without TRUE controls");
	set_msr(IA32_VMX_PROCBASED_CTLS,
		get_msr(IA32_VMX_PROCBASED_CTLS) & ~((u64)VMX_PROC_HLT_EXITING << 32));
	expect_refusal("'HLT exiting' (bit 7 of IA32_VMX_PROCBASED_CTLS)", "plain MSR name");
}

struct missing_control {
	u32 msr;
	u32 bit;
	const char *message;
};

static void test_each_required_control(void)
{
	static const struct missing_control cases[] = {
		{ IA32_VMX_TRUE_PINBASED_CTLS, VMX_PIN_EXTERNAL_INTERRUPT_EXITING,
		  "pin-based control 'external-interrupt exiting' (bit 0 of IA32_VMX_TRUE_PINBASED_CTLS)" },
		{ IA32_VMX_TRUE_PINBASED_CTLS, VMX_PIN_NMI_EXITING, "'NMI exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_USE_TSC_OFFSETTING, "'use TSC offsetting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_HLT_EXITING, "'HLT exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_MWAIT_EXITING, "'MWAIT exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_RDPMC_EXITING, "'RDPMC exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_CR8_LOAD_EXITING, "'CR8-load exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_CR8_STORE_EXITING, "'CR8-store exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_MOV_DR_EXITING, "'MOV-DR exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_UNCONDITIONAL_IO_EXITING,
		  "'unconditional I/O exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_USE_MSR_BITMAPS, "'use MSR bitmaps'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_MONITOR_EXITING, "'MONITOR exiting'" },
		{ IA32_VMX_TRUE_PROCBASED_CTLS, VMX_PROC_ACTIVATE_SECONDARY_CONTROLS,
		  "primary processor-based control 'activate secondary controls' (bit 31 of IA32_VMX_TRUE_PROCBASED_CTLS)" },
		{ IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_ENABLE_EPT,
		  "secondary processor-based control 'enable EPT' (bit 1 of IA32_VMX_PROCBASED_CTLS2)" },
		{ IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_UNRESTRICTED_GUEST, "'unrestricted guest'" },
		{ IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_WBINVD_EXITING, "'WBINVD exiting'" },
		{ IA32_VMX_TRUE_EXIT_CTLS, VMX_EXIT_CTL_HOST_ADDR_SPACE_SIZE,
		  "VM-exit control 'host address-space size'" },
		{ IA32_VMX_TRUE_EXIT_CTLS, VMX_EXIT_CTL_SAVE_IA32_EFER, "'save IA32_EFER'" },
		{ IA32_VMX_TRUE_EXIT_CTLS, VMX_EXIT_CTL_SAVE_DEBUG_CONTROLS, "'save debug controls'" },
		{ IA32_VMX_TRUE_EXIT_CTLS, VMX_EXIT_CTL_LOAD_IA32_EFER, "'load IA32_EFER'" },
		{ IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRY_CTL_LOAD_IA32_EFER,
		  "VM-entry control 'load IA32_EFER'" },
		{ IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRY_CTL_LOAD_DEBUG_CONTROLS, "'load debug controls'" },
		{ IA32_VMX_TRUE_ENTRY_CTLS, VMX_ENTRY_CTL_IA32E_MODE_GUEST,
		  "'IA-32e mode guest'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bochs_skylake_x();
		set_msr(cases[i].msr, get_msr(cases[i].msr) & ~((u64)cases[i].bit << 32));
		if (cases[i].bit == VMX_PROC_ACTIVATE_SECONDARY_CONTROLS)
			drop_msr(IA32_VMX_PROCBASED_CTLS2);	/* then it must not be read */
		expect_refusal(cases[i].message, cases[i].message);
	}
}

/* Optional controls that are missing are simply not used. */
static void test_optional_controls(void)
{
	bochs_skylake_x();
	set_msr(IA32_VMX_TRUE_PINBASED_CTLS, get_msr(IA32_VMX_TRUE_PINBASED_CTLS) &
		~((u64)VMX_PIN_PREEMPTION_TIMER << 32));
	set_msr(IA32_VMX_PROCBASED_CTLS2, get_msr(IA32_VMX_PROCBASED_CTLS2) &
		~((u64)VMX_PROC2_ENABLE_VPID << 32));
	CHECK(probe() == 0, "refused without optional controls");
	jvmm_caps_log_summary();
	CHECK(!jvmm_has_preemption_timer(), "preemption timer claimed");
	CHECK(!jvmm_caps.vpid && !(jvmm_caps.vmcs.proc2 & VMX_PROC2_ENABLE_VPID),
	      "VPID claimed");
	CHECK(strstr(kshim_log, "VPID no") && strstr(kshim_log, "preemption timer no"),
	      "summary does not say so");

	/* VPID allowed but no INVVPID to flush it: do without. */
	bochs_skylake_x();
	set_msr(IA32_VMX_EPT_VPID_CAP, get_msr(IA32_VMX_EPT_VPID_CAP) & ~VMX_VPID_INVVPID);
	CHECK(probe() == 0 && !jvmm_caps.vpid &&
	      !(jvmm_caps.vmcs.proc2 & VMX_PROC2_ENABLE_VPID), "VPID used without INVVPID");
}

static void test_ept_requirements(void)
{
	static const struct {
		u64 clear;
		const char *message;
	} cases[] = {
		{ VMX_EPT_PAGE_WALK_4, "EPT lacks a 4-level page walk (IA32_VMX_EPT_VPID_CAP bit 6)" },
		{ VMX_EPT_MEMTYPE_WB, "EPT paging structures cannot be write-back (IA32_VMX_EPT_VPID_CAP bit 14)" },
		{ VMX_EPT_INVEPT, "no INVEPT instruction (IA32_VMX_EPT_VPID_CAP bit 20)" },
		{ VMX_EPT_INVEPT_SINGLE_CONTEXT | VMX_EPT_INVEPT_ALL_CONTEXT,
		  "INVEPT supports neither single-context nor all-context" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bochs_skylake_x();
		set_msr(IA32_VMX_EPT_VPID_CAP, get_msr(IA32_VMX_EPT_VPID_CAP) & ~cases[i].clear);
		expect_refusal(cases[i].message, cases[i].message);
	}
	/* One INVEPT type is enough. */
	bochs_skylake_x();
	set_msr(IA32_VMX_EPT_VPID_CAP, get_msr(IA32_VMX_EPT_VPID_CAP) &
		~VMX_EPT_INVEPT_SINGLE_CONTEXT);
	CHECK(probe() == 0 && jvmm_caps.invept_all && !jvmm_caps.invept_single,
	      "refused with all-context INVEPT only");
}

static void test_basic_requirements(void)
{
	bochs_skylake_x();
	set_msr(IA32_VMX_BASIC, (get_msr(IA32_VMX_BASIC) & ~VMX_BASIC_VMCS_SIZE_MASK) |
		(5000ULL << VMX_BASIC_VMCS_SIZE_SHIFT));
	expect_refusal("the VMCS needs 5000 bytes, more than a page", "VMCS size");

	bochs_skylake_x();
	set_msr(IA32_VMX_BASIC, get_msr(IA32_VMX_BASIC) | VMX_BASIC_32BIT_ADDRESSES);
	expect_refusal("limited to 32-bit physical addresses (IA32_VMX_BASIC bit 48)", "32-bit");

	bochs_skylake_x();
	set_msr(IA32_VMX_BASIC, get_msr(IA32_VMX_BASIC) & ~VMX_BASIC_MEMTYPE_MASK);
	expect_refusal("the VMCS memory type is 0, not write-back", "memory type");
}

static void test_cpu_and_firmware(void)
{
	bochs_skylake_x();
	cpuid1_ecx = 0;
	expect_refusal("the CPU has no VMX (CPUID.1:ECX.VMX[bit 5] = 0)", "no VMX");

	bochs_skylake_x();
	set_msr(IA32_FEATURE_CONTROL, IA32_FEATURE_CONTROL_LOCK);
	expect_refusal("VMX is disabled by the firmware", "locked off");

	/* Unlocked: vmxon.c enables and locks it per CPU, so loading goes on. */
	bochs_skylake_x();
	set_msr(IA32_FEATURE_CONTROL, 0);
	CHECK(probe() == 0, "refused with IA32_FEATURE_CONTROL unlocked");

	bochs_skylake_x();
	drop_msr(IA32_VMX_MISC);
	expect_refusal("reading IA32_VMX_MISC (MSR 0x485) faulted", "MSR fault");
}

static void test_other_cpu_must_match(void)
{
	bochs_skylake_x();
	CHECK(probe() == 0, "baseline");
	kshim_log[0] = 0;
	kshim_log_lines = 0;
	CHECK(jvmm_caps_cpu_matches(), "identical CPU rejected: %s", kshim_log);
	kshim_cpu = 1;
	set_msr(IA32_VMX_EPT_VPID_CAP, get_msr(IA32_VMX_EPT_VPID_CAP) & ~VMX_EPT_1GB_PAGES);
	CHECK(!jvmm_caps_cpu_matches(), "differing CPU accepted");
	CHECK(strstr(kshim_log, "cpu1: VMX capability MSRs differ"), "no message");
	kshim_cpu = 0;
}

/* The host kernel: FRED active (CR4 bit 32) is refused, with one line. */
static void test_host_kernel(void)
{
	const unsigned long cr4 = 0x3706f0;	/* a typical 64-bit Linux CR4 */
	int ret;

	kshim_log[0] = 0;
	kshim_log_lines = 0;
	CHECK(jvmm_caps_check_host(cr4) == 0, "a host without FRED refused");
	CHECK(kshim_log_lines == 0, "a host without FRED logged %d lines", kshim_log_lines);

	ret = jvmm_caps_check_host(cr4 | JVMM_CR4_FRED);
	CHECK(ret == -EOPNOTSUPP, "FRED host: returned %d, want -EOPNOTSUPP", ret);
	CHECK(kshim_log_lines == 1, "FRED host: %d log lines, want exactly 1", kshim_log_lines);
	CHECK(strncmp(kshim_log, "err: jvmm: cannot load: ", 24) == 0,
	      "FRED host: the line is not a 'jvmm: cannot load:' error");
	CHECK(strstr(kshim_log, "CR4.FRED is set") && strstr(kshim_log, "fred=off"),
	      "FRED host: the line names neither the cause nor the remedy");
}

int main(void)
{
	test_bochs_accepted();
	test_without_true_controls();
	test_each_required_control();
	test_optional_controls();
	test_ept_requirements();
	test_basic_requirements();
	test_cpu_and_firmware();
	test_other_cpu_must_match();
	test_host_kernel();
	printf("test-caps: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
