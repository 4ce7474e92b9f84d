/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscall_abi.h — the system-call interface between user programs (EL0) and
 * the kernel: `svc #0` with the call number in x8 and arguments in x0..x5;
 * the result comes back in x0. Errors are small negative numbers, as in Linux.
 */
#ifndef APG_SYSCALL_ABI_H
#define APG_SYSCALL_ABI_H

#define SYS_WRITE 0     /* (fd, buf, len) -> bytes written; fd 1 or 2 is the console */
#define SYS_EXIT 1      /* (code) -> does not return */
#define SYS_MALLOC 2    /* (size) -> pointer, or 0 */
#define SYS_FREE 3      /* (ptr) -> 0, or -EINVAL for a pointer malloc did not return */
#define SYS_REALLOC 4   /* (ptr, size) -> pointer, or 0 (the old block is kept) */
#define SYS_SIGNAL 5    /* (signal, handler) -> previous handler */
#define SYS_ALARM 6     /* (seconds) -> seconds left on the previous alarm; 0 cancels */
#define SYS_GETPID 7    /* () -> process id */
#define SYS_SIGRETURN 8 /* () -> back to where the signal interrupted (the trampoline calls it) */
#define SYS_COUNT 9

#define SIGALRM 14

#define APG_EBADF 9   /* not a file descriptor this kernel has */
#define APG_EFAULT 14 /* a pointer argument is not user memory */
#define APG_EINVAL 22 /* an argument is out of range */
#define APG_ENOSYS 38 /* no such system call */

#define APG_MAX_WRITE 4096 /* bytes per write() */

#endif
