/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test guest: a runaway loop that never touches a device. */
    .section .text.boot, "ax"
    .globl _start
_start:
    add     x0, x0, #1
    b       _start
