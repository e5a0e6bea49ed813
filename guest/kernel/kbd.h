/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbd.h - polled PC keyboard (8042 controller, scancode set 1).
 */
#ifndef GUEST_KBD_H
#define GUEST_KBD_H

/* The character of the next key press, or -1 if none is waiting. */
int kbd_getc(void);

#endif /* GUEST_KBD_H */
