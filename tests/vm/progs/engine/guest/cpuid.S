/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: CPUID leaf 1 ECX and EDX, leaf 0 EBX, leaf 0x80000001 EDX to PORT_OUT. */
#include "layout.h"
	.text
	.code16
	.globl start
start:
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%edx, %esi
	mov	%ecx, %eax
	out	%eax, $PORT_OUT
	mov	%esi, %eax
	out	%eax, $PORT_OUT
	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ebx, %eax
	out	%eax, $PORT_OUT
	mov	$0x80000001, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%edx, %eax
	out	%eax, $PORT_OUT
	hlt
