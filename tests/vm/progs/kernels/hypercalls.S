/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercalls - every hypercall number jlaunch knows, and some it does not,
 * with the results printed for the test to compare: "hc N rax R rbx B".
 * MBMAP's multiboot information is printed field by field after it.
 */
#include "hypercall.h"

	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp

	mov	$HC_MBMAP, %eax
	call	call_and_print
	mov	$mb_msg, %esi
	call	serial_puts
	mov	%ebx, %edi
	mov	MB_INFO_OFF_FLAGS(%edi), %eax
	call	print_field
	mov	MB_INFO_OFF_MMAP_LENGTH(%edi), %eax
	call	print_field
	mov	MB_INFO_OFF_MMAP_ADDR(%edi), %eax
	call	print_field
	mov	$newline, %esi
	call	serial_puts

	/* Each entry: base_lo, len_lo, type. */
	mov	MB_INFO_OFF_MMAP_ADDR(%edi), %edi
	mov	$MBMAP_ENTRY_COUNT, %ecx
1:	mov	$entry_msg, %esi
	call	serial_puts
	mov	MMAP_OFF_BASE_LO(%edi), %eax
	call	print_field
	mov	MMAP_OFF_LEN_LO(%edi), %eax
	call	print_field
	mov	MMAP_OFF_TYPE(%edi), %eax
	call	print_field
	mov	$newline, %esi
	call	serial_puts
	add	$MBMAP_ENTRY_SIZE, %edi
	loop	1b

	mov	$numbers, %edi
2:	mov	(%edi), %eax
	cmp	$0xDEADBEEF, %eax
	je	3f
	call	call_and_print
	add	$4, %edi
	jmp	2b
3:	call	power_off

/* eax: hypercall number; prints "hc N rax R rbx B". */
call_and_print:
	push	%esi
	mov	$hc_msg, %esi
	call	serial_puts
	call	serial_puthex
	mov	$0x5A5A5A5A, %ebx
	vmcall
	mov	$rax_msg, %esi
	call	serial_puts
	call	serial_puthex
	mov	$rbx_msg, %esi
	call	serial_puts
	mov	%ebx, %eax
	call	serial_puthex
	mov	$newline, %esi
	call	serial_puts
	pop	%esi
	ret

print_field:
	push	%esi
	mov	$space, %esi
	call	serial_puts
	call	serial_puthex
	pop	%esi
	ret

numbers:
	.long	HC_GETDISKIMGNUM, HC_LAPICEOI, HC_ALLOC_CPU, HC_GUEST_YIELD, HC_CPUNUM
	.long	HC_IPCSEND, HC_IPCRECV, 0, 10, 99, 0x7FFFFFFF
	.long	0xDEADBEEF

hc_msg:		.asciz	"hc "
rax_msg:	.asciz	" rax "
rbx_msg:	.asciz	" rbx "
mb_msg:		.asciz	"mbinfo"
entry_msg:	.asciz	"mmap"
space:		.asciz	" "
newline:	.asciz	"\n"
