/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blobs.S - the flat guest binaries (build/engine/guest/NAME.bin, made by
 * engine.mk from guest/NAME.S) embedded as blob_NAME .. blob_NAME_end.
 */
#define STR(x) #x
#define BLOB(name)				\
	.globl blob_##name, blob_##name##_end;	\
	.balign 16;				\
blob_##name:					\
	.incbin STR(name.bin);			\
blob_##name##_end:

	.section .rodata
BLOB(hello)
BLOB(memwrite)
BLOB(pio)
BLOB(pmode32)
BLOB(long64)
BLOB(real2long)
BLOB(regdump)
BLOB(cpuid)
BLOB(vmcall0)
BLOB(vmcall3)
BLOB(irq)
BLOB(mmio)
BLOB(slots)
BLOB(int3)
BLOB(hlt)
BLOB(spin)
BLOB(fpu)
BLOB(msrs)
BLOB(counter)
BLOB(touch)
BLOB(vmxud)
BLOB(h_ops)
BLOB(h_real)

	.section .note.GNU-stack, "", @progbits
