/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PL011 UART0 of QEMU's virt machine (BOARD_UART_BASE), polled. emu-glue models
 * only DR and FR and accepts the set-up writes, so the same driver works on
 * every host. While waiting for input the driver spins on FR.RXFE; emu-glue
 * recognises that loop and idles instead of burning host CPU.
 */
#include "uart.h"

#include "board.h"

#include <stdint.h>

#define UART0_BASE ((uintptr_t)BOARD_UART_BASE)
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IBRD 0x24
#define UART_FBRD 0x28
#define UART_LCR_H 0x2c
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44

#define FR_RXFE (1u << 4) /* receive FIFO empty */
#define FR_TXFF (1u << 5) /* transmit FIFO full */

#define LCR_H_WLEN_8 (3u << 5) /* 8 data bits */
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

static inline void reg_write(unsigned offset, uint32_t value)
{
    *(volatile uint32_t *)(UART0_BASE + offset) = value;
}

static inline uint32_t reg_read(unsigned offset)
{
    return *(volatile uint32_t *)(UART0_BASE + offset);
}

void uart_init(void)
{
    reg_write(UART_CR, 0);
    reg_write(UART_ICR, 0x7ff); /* clear pending interrupts */
    reg_write(UART_IBRD, 13);   /* 115200 baud from a 24 MHz clock; QEMU ignores it */
    reg_write(UART_FBRD, 1);
    /* FIFOs stay off: QEMU empties its receive FIFO whenever FEN changes, so
     * turning them on would drop keys that arrived before this point. A
     * polled driver needs no FIFO. */
    reg_write(UART_LCR_H, LCR_H_WLEN_8);
    reg_write(UART_IMSC, 0); /* polled: no UART interrupts */
    reg_write(UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

void uart_putc(char c)
{
    while (reg_read(UART_FR) & FR_TXFF) {
    }
    reg_write(UART_DR, (uint8_t)c);
}

char uart_getc(void)
{
    while (reg_read(UART_FR) & FR_RXFE) {
    }
    return (char)(reg_read(UART_DR) & 0xff);
}

bool uart_try_getc(char *out)
{
    if (reg_read(UART_FR) & FR_RXFE)
        return false;
    *out = (char)(reg_read(UART_DR) & 0xff);
    return true;
}
