/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PL011 UART model: just what a polled driver sees. DR reads pop the receive
 * queue, DR writes append to the transmit buffer, FR reports RXFE/TXFE (the
 * transmitter is never full). Set-up registers (IBRD, FBRD, LCR_H, CR, IMSC,
 * ICR) are accepted and ignored, as DESIGN.md specifies; every other offset
 * is unmodelled (reads as 0, writes ignored, and the access says so).
 */
#ifndef APG_PL011_H
#define APG_PL011_H

#include "byte_queue.h"
#include "mmio_device.h"

#include <stdbool.h>
#include <stdint.h>

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_IBRD 0x24
#define PL011_FBRD 0x28
#define PL011_LCR_H 0x2c
#define PL011_CR 0x30
#define PL011_IMSC 0x38
#define PL011_ICR 0x44
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_RXFF (1u << 6)
#define PL011_FR_TXFE (1u << 7)

/* A guest that reads FR with an empty receive queue twice within this many
 * instructions, with no other UART access in between, is spinning on input: the machine stops until
 * the host sends a byte. A driver that merely checks for Ctrl-C now and then is far slower. */
#define PL011_IDLE_POLL_WINDOW 64

typedef struct {
    byte_queue rx;
    byte_queue tx;
    uint64_t last_empty_poll; /* instruction count at the last empty FR read */
    bool polled_empty_before;
    uint64_t rx_bytes, tx_bytes;
} pl011;

void pl011_reset(pl011 *u);
void pl011_free(pl011 *u);

/* The device's MMIO functions (mmio_device.h); `device` is a pl011. A read
 * sets access->waits_for_input when the guest spins on input; a write whose
 * byte the host has no memory for sets access->host_failed. */
uint64_t pl011_read(void *device, uint64_t offset, unsigned size, mmio_access *access);
void pl011_write(void *device, uint64_t offset, unsigned size, uint64_t value, mmio_access *access);

#endif
