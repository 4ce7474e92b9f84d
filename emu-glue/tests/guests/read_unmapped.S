/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test guest: reads a device register virt-lite does not model (the PL031 RTC). */
    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x1, =0x09010000
    ldr     w0, [x1]
    b       .
