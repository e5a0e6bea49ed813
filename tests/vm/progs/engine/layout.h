/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layout.h - guest-physical layout shared by the guest programs (guest/NAME.S,
 * through the C preprocessor) and the host side of jvmm-engine-test.
 *
 * Every guest program is linked to run at GUEST_CODE in slot 0, which maps
 * guest-physical 0 .. GUEST_MEM_SIZE.  Only assembler-safe #defines here.
 */
#ifndef ENGINE_LAYOUT_H
#define ENGINE_LAYOUT_H

#define GUEST_MEM_SIZE		0x100000	/* slot 0: 1 MiB at gpa 0 */
#define GUEST_CODE		0x1000		/* every guest program starts here */
#define GUEST_CODE_MAX		0x3000		/* .. up to 0x4000 */
#define GUEST_IDT		0x4000		/* IDTs the guests build */
#define GUEST_GDT		0x5000		/* the GDT the host writes for SET_SREGS setups */
#define GUEST_USER_STACK	0x7000		/* ring-3 stack top */
#define GUEST_STACK		0x8000		/* ring-0 stack top */
#define GUEST_PML4		0x9000		/* identity page tables, 2 MiB pages */
#define GUEST_PDPT		0xa000
#define GUEST_PD		0xb000
#define GUEST_DATA		0xc000		/* scratch data of the guests */
#define GUEST_TOUCH_BASE	0x10000		/* pages the cleanup guest dirties */
#define GUEST_TOUCH_PAGES	64

/* Selectors of the host-written GDT (engine.c: write_gdt()). */
#define SEL_CODE32		0x08
#define SEL_DATA		0x10
#define SEL_CODE64		0x18
#define SEL_USER_CODE64		0x20
#define SEL_USER_DATA		0x28

/* Ports the guests talk to. */
#define PORT_OUT		0xe9		/* "debug console": data for the host */
#define PORT_SYNC		0x10		/* "I reached point N" */
#define PORT_IN8		0x60
#define PORT_IN16		0x61
#define PORT_IN32		0x62

/* Where the slot scenarios put their second slot, and the MMIO address. */
#define SLOT1_GPA		0x100000
#define SLOT1_SIZE		0x10000
#define MMIO_GPA		0xd0000000

/* Junk the host-msrs guest writes to the MSRs the CPU does not switch. */
#define JUNK_STAR		0x00230010deadbeef
#define JUNK_LSTAR		0xffffffffdeadb000
#define JUNK_CSTAR		0x00007fffcafe0000
#define JUNK_SFMASK		0x00000000000477d5
#define JUNK_KERNEL_GS_BASE	0x0000123456789000

/* What the host-fpu guest loads into MXCSR and the x87 control word. */
#define GUEST_MXCSR		0x7f80
#define GUEST_FCW		0x027f

#endif
