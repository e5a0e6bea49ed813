// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - kernel_main(), called by entry.S in 64-bit mode.  The steps and
 * their order are the JOS guest contract's (docs/jos-guest-abi.md, "What
 * the kernel then does"), so a launcher that boots this guest has answered
 * everything a course JOS guest asks of it up to the shell.
 */
#include <stdint.h>

#include "compiler.h"
#include "console.h"
#include "fscmds.h"
#include "memory.h"
#include "pic.h"
#include "printf.h"
#include "shell.h"
#include "trap.h"
#include "x86.h"

#define CPUID_1_ECX_VMX	(1u << 5)

/*
 * A guest must not see VMX: jvmm does not emulate nested VMX, and the
 * course's guest treats an exposed VMX as a hypervisor bug.
 */
static void check_vmx_hidden(void)
{
	if (cpuid(1).ecx & CPUID_1_ECX_VMX) {
		kprintf("[ERR] VMX extension exposed to guest.\n");
		halt_forever();
	}
	kprintf("VMX extension hidden from guest.\n");
}

__noreturn void kernel_main(uint64_t mbinfo_phys);
void kernel_main(uint64_t mbinfo_phys)
{
	console_init();
	/* The course's first line; it proves %o works. */
	kprintf("6828 decimal is %o octal!\n", 6828);
	check_vmx_hidden();

	memory_init(mbinfo_phys);
	trap_init();
	pic_init();
	sti();
	fs_boot();

	shell_run();
}
