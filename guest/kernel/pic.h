/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pic.h - the two 8259A interrupt controllers.
 */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

/* Moves IRQ0-15 to vectors IRQ_BASE.. and unmasks only the timer. */
void pic_init(void);

#endif /* GUEST_PIC_H */
