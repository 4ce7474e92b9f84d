/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel that is not the Allocator Playground firmware: it prints a banner
 * and echoes every key it receives (Enter as CR LF), with no heap ABI header.
 * The page and the runners must boot it with a working terminal and a heap
 * panel that says there is no heap descriptor.
 */
#define UART 0x09000000
#define UART_FR 0x18
#define FR_RXFE (1 << 4)
#define FR_TXFF (1 << 5)

    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x19, =UART
    adr     x20, banner
1:  ldrb    w0, [x20], #1
    cbz     w0, 2f
    bl      putc
    b       1b

2:  ldr     w1, [x19, #UART_FR]        /* wait for a key */
    tbnz    w1, #4, 2b
    ldr     w0, [x19]
    and     w0, w0, #0xff
    cmp     w0, #'\r'
    b.ne    3f
    bl      putc
    mov     w0, #'\n'
3:  bl      putc
    b       2b

/* w0: the byte to send */
putc:
    ldr     w1, [x19, #UART_FR]
    tbnz    w1, #5, putc
    str     w0, [x19]
    ret

banner:
    .asciz  "echo kernel: no heap here, every key comes back\r\n"
