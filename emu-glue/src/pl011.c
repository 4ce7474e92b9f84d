/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pl011.h"

void pl011_reset(pl011 *u)
{
    byte_queue_clear(&u->rx);
    byte_queue_clear(&u->tx);
    u->last_empty_poll = 0;
    u->polled_empty_before = false;
}

void pl011_free(pl011 *u)
{
    byte_queue_free(&u->rx);
    byte_queue_free(&u->tx);
}

/* the set-up registers a driver writes: accepted, and read as zero */
static bool is_setup_register(uint64_t offset)
{
    switch (offset) {
    case PL011_IBRD:
    case PL011_FBRD:
    case PL011_LCR_H:
    case PL011_CR:
    case PL011_IMSC:
    case PL011_ICR: return true;
    default: return false;
    }
}

uint64_t pl011_read(void *device, uint64_t offset, unsigned size, mmio_access *access)
{
    (void)size;
    pl011 *u = device;
    switch (offset) {
    case PL011_DR: {
        u->polled_empty_before = false;
        uint8_t byte = 0;
        if (byte_queue_pop(&u->rx, &byte))
            u->rx_bytes++;
        return byte;
    }
    case PL011_FR:
        if (u->rx.count > 0)
            return PL011_FR_TXFE;
        if (u->polled_empty_before && access->now - u->last_empty_poll < PL011_IDLE_POLL_WINDOW)
            access->waits_for_input = true;
        u->polled_empty_before = true;
        u->last_empty_poll = access->now;
        return PL011_FR_TXFE | PL011_FR_RXFE;
    default: access->unmodelled = !is_setup_register(offset); return 0;
    }
}

void pl011_write(void *device, uint64_t offset, unsigned size, uint64_t value, mmio_access *access)
{
    (void)size;
    pl011 *u = device;
    /* only back-to-back empty polls mean "waiting for input"; a driver that
     * checks FR before every transmitted byte is busy, not idle */
    u->polled_empty_before = false;
    if (offset == PL011_DR) {
        uint8_t byte = (uint8_t)value;
        if (byte_queue_push(&u->tx, &byte, 1))
            u->tx_bytes++;
        else
            access->host_failed = true;
        return;
    }
    /* the set-up registers configure baud rate, framing and interrupts: ignored */
    access->unmodelled = !is_setup_register(offset);
}
