/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fileserver - hostile and ordinary requests to jlaunch's file server,
 * each printed as "NAME rax R rsi S" for the test to compare with what
 * the JOS errors should be.  The disk is any image whose block 1 starts
 * with "JVMMDISK".  Request page at 2 MiB, Fd page after it.
 */
#include "hypercall.h"
#include "josfs.h"

#define REQ		0x200000
#define FD		0x201000
#define OFFSET		(FD + 4)
#define BAD_GPA		0x7FFF0000	/* beyond the test's guest RAM */

	.code32
	.globl	_start
_start:
	mov	$0x90000, %esp

	/* OPEN of another path: not found. */
	mov	$other_path, %esi
	call	set_path
	mov	$FSREQ_OPEN, %ecx
	mov	$REQ, %edx
	mov	$name_open_other, %edi
	call	send_recv_fd

	/* OPEN of the disk: the Fd lands in the IPCRECV page. */
	mov	$disk_path, %esi
	call	set_path
	mov	$FSREQ_OPEN, %ecx
	mov	$REQ, %edx
	mov	$name_open, %edi
	call	send_recv_fd
	mov	$fd_msg, %esi
	call	serial_puts
	mov	FD, %eax
	call	serial_puthex
	mov	$space, %esi
	call	serial_puts
	mov	FD + 12, %eax
	mov	%eax, fileid
	test	%eax, %eax
	setnz	%al
	movzbl	%al, %eax
	call	serial_puthex
	mov	$newline, %esi
	call	serial_puts

	/* STAT: the disk's size at 128. */
	call	set_fileid
	mov	$FSREQ_STAT, %ecx
	mov	$REQ, %edx
	mov	$name_stat, %edi
	call	send_recv
	mov	REQ + FSIPC_STAT_SIZE, %eax
	mov	%eax, disk_size

	/* READ 8 bytes of block 1: 8 bytes, "JVMMDISK", offset advanced. */
	movl	$4096, OFFSET
	mov	$8, %eax
	call	set_rw
	mov	$FSREQ_READ, %ecx
	mov	$REQ, %edx
	mov	$name_read, %edi
	call	send_recv
	mov	REQ, %eax
	call	serial_puthex
	mov	REQ + 4, %eax
	call	serial_puthex
	mov	$space, %esi
	call	serial_puts
	mov	OFFSET, %eax
	call	serial_puthex
	mov	$newline, %esi
	call	serial_puts

	/* READ with the request page outside guest RAM. */
	mov	$FSREQ_READ, %ecx
	mov	$BAD_GPA, %edx
	mov	$name_read_bad_gpa, %edi
	call	send_recv

	/* READ with an unaligned request page. */
	mov	$FSREQ_READ, %ecx
	mov	$REQ + 8, %edx
	mov	$name_read_unaligned, %edi
	call	send_recv

	/* READ of more than a page; WRITE of more than fits after the header. */
	movl	$4096, OFFSET
	mov	$8192, %eax
	call	set_rw
	mov	$FSREQ_READ, %ecx
	mov	$REQ, %edx
	mov	$name_read_long, %edi
	call	send_recv
	mov	$4081, %eax
	call	set_rw
	mov	$FSREQ_WRITE, %ecx
	mov	$REQ, %edx
	mov	$name_write_long, %edi
	call	send_recv

	/* A negative offset. */
	movl	$-512, OFFSET
	mov	$8, %eax
	call	set_rw
	mov	$FSREQ_READ, %ecx
	mov	$REQ, %edx
	mov	$name_read_negative, %edi
	call	send_recv

	/* Past the end: READ and WRITE refused; at the end READ gives 0. */
	mov	disk_size, %eax
	add	$512, %eax
	mov	%eax, OFFSET
	mov	$8, %eax
	call	set_rw
	mov	$FSREQ_READ, %ecx
	mov	$REQ, %edx
	mov	$name_read_past, %edi
	call	send_recv
	mov	$8, %eax
	call	set_rw
	mov	$FSREQ_WRITE, %ecx
	mov	$REQ, %edx
	mov	$name_write_past, %edi
	call	send_recv
	mov	disk_size, %eax
	mov	%eax, OFFSET
	mov	$8, %eax
	call	set_rw
	mov	$FSREQ_READ, %ecx
	mov	$REQ, %edx
	mov	$name_read_end, %edi
	call	send_recv

	/* A wrong file id. */
	movl	$4096, OFFSET
	mov	$8, %eax
	call	set_rw
	movl	$12345, REQ
	mov	$FSREQ_READ, %ecx
	mov	$REQ, %edx
	mov	$name_read_fileid, %edi
	call	send_recv

	/* Unknown request, REMOVE. */
	call	set_fileid
	mov	$99, %ecx
	mov	$REQ, %edx
	mov	$name_unknown, %edi
	call	send_recv
	mov	$FSREQ_REMOVE, %ecx
	mov	$REQ, %edx
	mov	$name_remove, %edi
	call	send_recv

	/* IPCSEND to another destination; IPCRECV with nothing pending. */
	mov	$HC_IPCSEND, %eax
	mov	$2, %ebx
	mov	$FSREQ_STAT, %ecx
	mov	$REQ, %edx
	mov	$FS_IPC_PERM, %esi
	vmcall
	mov	$name_wrong_dest, %edi
	call	print_result
	mov	$HC_IPCRECV, %eax
	mov	$FD, %ebx
	xor	%esi, %esi
	vmcall
	mov	$name_recv_nothing, %edi
	call	print_result

	mov	$done_msg, %esi
	call	serial_puts
	call	power_off

/* esi: path to copy into the request page, omode O_RDWR. */
set_path:
	mov	$REQ, %edi
1:	lodsb
	stosb
	test	%al, %al
	jnz	1b
	movl	$JOS_O_RDWR, REQ + FSIPC_OPEN_OMODE
	ret

set_fileid:
	mov	fileid, %eax
	mov	%eax, REQ + FSIPC_FILEID
	ret

/* eax: n for a READ or WRITE on our file. */
set_rw:
	mov	%eax, REQ + FSIPC_RW_N
	movl	$0, REQ + FSIPC_RW_N + 4
	mov	fileid, %eax
	mov	%eax, REQ + FSIPC_FILEID
	ret

/* ecx request, edx page, edi name: IPCSEND then IPCRECV with no page. */
send_recv:
	xor	%ebx, %ebx
	jmp	1f
/* The same, receiving into the Fd page (OPEN). */
send_recv_fd:
	mov	$FD, %ebx
1:	push	%ebx
	mov	$HC_IPCSEND, %eax
	mov	$FS_HOST_ENV, %ebx
	mov	$FS_IPC_PERM, %esi
	vmcall
	pop	%ebx
	test	%eax, %eax
	jnz	print_result		/* the send itself failed */
	mov	$HC_IPCRECV, %eax
	xor	%esi, %esi
	vmcall
	/* fall through */
/* edi name: prints "NAME rax R rsi S". */
print_result:
	push	%eax
	push	%esi
	mov	%edi, %esi
	call	serial_puts
	mov	$rax_msg, %esi
	call	serial_puts
	mov	4(%esp), %eax
	call	serial_puthex
	mov	$rsi_msg, %esi
	call	serial_puts
	mov	(%esp), %eax
	call	serial_puthex
	mov	$newline, %esi
	call	serial_puts
	pop	%esi
	pop	%eax
	ret

fileid:		.long	0
disk_size:	.long	0
other_path:	.asciz	"/etc/passwd"
disk_path:	.asciz	"/vmm/fs1.img"
name_open_other:	.asciz	"open-other"
name_open:		.asciz	"open"
name_stat:		.asciz	"stat"
name_read:		.asciz	"read"
name_read_bad_gpa:	.asciz	"read-bad-gpa"
name_read_unaligned:	.asciz	"read-unaligned"
name_read_long:		.asciz	"read-long"
name_write_long:	.asciz	"write-long"
name_read_negative:	.asciz	"read-negative"
name_read_past:		.asciz	"read-past-end"
name_write_past:	.asciz	"write-past-end"
name_read_end:		.asciz	"read-at-end"
name_read_fileid:	.asciz	"read-bad-fileid"
name_unknown:		.asciz	"request-99"
name_remove:		.asciz	"remove"
name_wrong_dest:	.asciz	"send-wrong-dest"
name_recv_nothing:	.asciz	"recv-nothing"
fd_msg:		.asciz	"fd "
rax_msg:	.asciz	" rax "
rsi_msg:	.asciz	" rsi "
space:		.asciz	" "
newline:	.asciz	"\n"
done_msg:	.asciz	"fileserver: done\n"
