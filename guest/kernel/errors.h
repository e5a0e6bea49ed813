/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errors.h - error numbers inside the guest.  Functions return 0 or a
 * count on success and a negated number on failure: the JOS numbers of
 * <hypercall.h> (what the host's file server answers), plus a few of the
 * guest's own for what the JOS set cannot say, numbered well past it.
 */
#ifndef GUEST_ERRORS_H
#define GUEST_ERRORS_H

#include <hypercall.h>

#define E_GUEST_BASE	100
#define E_ROFS		(E_GUEST_BASE + 0)	/* the disk refuses writes */
#define E_CORRUPT	(E_GUEST_BASE + 1)	/* the image contradicts itself */
#define E_IO		(E_GUEST_BASE + 2)	/* the host answered nonsense */
#define E_NOSPC		(E_GUEST_BASE + 3)	/* no free block */
#define E_ISDIR		(E_GUEST_BASE + 4)
#define E_NOTDIR	(E_GUEST_BASE + 5)
#define E_NOTEMPTY	(E_GUEST_BASE + 6)
#define E_FBIG		(E_GUEST_BASE + 7)	/* past JOSFS_MAX_FILE_SIZE */
#define E_NOFS		(E_GUEST_BASE + 8)	/* no file system mounted */
#define E_NAMETOOLONG	(E_GUEST_BASE + 9)
#define E_BUSY		(E_GUEST_BASE + 10)	/* e.g. removing the root */

/* A few words for err (positive or negative), e.g. "not found". */
const char *strerror(int err);

#endif /* GUEST_ERRORS_H */
