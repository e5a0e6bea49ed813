// SPDX-License-Identifier: GPL-2.0
/*
 * errors.c - words for the error numbers of errors.h.
 */
#include "compiler.h"
#include "errors.h"

static const char *const jos_words[] = {
	[JOS_E_UNSPECIFIED]	= "unspecified error",
	[JOS_E_BAD_ENV]		= "bad environment",
	[JOS_E_INVAL]		= "invalid argument",
	[JOS_E_NO_MEM]		= "out of memory",
	[JOS_E_NO_FREE_ENV]	= "no free environment",
	[JOS_E_FAULT]		= "bad address",
	[JOS_E_NO_SYS]		= "no such call on this host",
	[JOS_E_IPC_NOT_RECV]	= "host file server not receiving",
	[JOS_E_EOF]		= "end of file",
	[JOS_E_NO_DISK]		= "no disk",
	[JOS_E_MAX_OPEN]	= "too many open files",
	[JOS_E_NOT_FOUND]	= "not found",
	[JOS_E_BAD_PATH]	= "bad path",
	[JOS_E_FILE_EXISTS]	= "already exists",
	[JOS_E_NOT_EXEC]	= "not executable",
	[JOS_E_NOT_SUPP]	= "not supported",
};

static const char *const guest_words[] = {
	[E_ROFS - E_GUEST_BASE]		= "read-only disk",
	[E_CORRUPT - E_GUEST_BASE]	= "corrupt file system",
	[E_IO - E_GUEST_BASE]		= "disk I/O error",
	[E_NOSPC - E_GUEST_BASE]	= "no space left on disk",
	[E_ISDIR - E_GUEST_BASE]	= "is a directory",
	[E_NOTDIR - E_GUEST_BASE]	= "not a directory",
	[E_NOTEMPTY - E_GUEST_BASE]	= "directory not empty",
	[E_FBIG - E_GUEST_BASE]		= "file too large",
	[E_NOFS - E_GUEST_BASE]		= "no file system (no disk)",
	[E_NAMETOOLONG - E_GUEST_BASE]	= "name too long",
	[E_BUSY - E_GUEST_BASE]		= "cannot remove the root",
};

const char *strerror(int err)
{
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

	if (e < ARRAY_SIZE(jos_words) && jos_words[e])
		return jos_words[e];
	if (e >= E_GUEST_BASE && e - E_GUEST_BASE < ARRAY_SIZE(guest_words) &&
	    guest_words[e - E_GUEST_BASE])
		return guest_words[e - E_GUEST_BASE];
	return "unknown error";
}
