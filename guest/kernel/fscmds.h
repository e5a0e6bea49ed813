/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fscmds.h - the file system at boot and the shell's file commands
 * (fscmds.c, benchcmds.c); commands.c puts them in the command table.
 */
#ifndef GUEST_FSCMDS_H
#define GUEST_FSCMDS_H

/*
 * At boot: opens and mounts the disk, prints one "fs: ..." line and the
 * disk's /motd_guest.  Without a disk it says so; the shell still starts.
 */
void fs_boot(void);
/* Before power-off: writes everything back; prints only a failure. */
void fs_shutdown(void);

/* echo with "> FILE" or ">> FILE": 1 if argv had no redirection, else 0. */
int fs_echo_redirect(int argc, char **argv);

int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_append(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_mkdir(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_df(int argc, char **argv);
int cmd_bench_write(int argc, char **argv);
int cmd_bench_read(int argc, char **argv);

#endif /* GUEST_FSCMDS_H */
