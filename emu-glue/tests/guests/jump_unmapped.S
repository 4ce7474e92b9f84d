/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test guest: jumps to an address where nothing is mapped. */
    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x0, =0x7000000000
    br      x0
