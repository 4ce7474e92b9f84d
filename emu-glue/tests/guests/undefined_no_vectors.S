/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test guest: executes an undefined instruction without having installed any
 * exception vectors (VBAR_EL1 is 0, where nothing is mapped). */
    .section .text.boot, "ax"
    .globl _start
_start:
    nop
    udf     #0
