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

uint64_t pl011_read(pl011 *u, uint64_t offset, uint64_t now, bool *idle)
{
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
        if (u->polled_empty_before && now - u->last_empty_poll < PL011_IDLE_POLL_WINDOW)
            *idle = true;
        u->polled_empty_before = true;
        u->last_empty_poll = now;
        return PL011_FR_TXFE | PL011_FR_RXFE;
    default: return 0; /* configuration registers read as zero */
    }
}

void pl011_write(pl011 *u, uint64_t offset, uint64_t value)
{
    /* only back-to-back empty polls mean "waiting for input"; a driver that
     * checks FR before every transmitted byte is busy, not idle */
    u->polled_empty_before = false;
    if (offset == PL011_DR) {
        uint8_t byte = (uint8_t)value;
        byte_queue_push(&u->tx, &byte, 1);
        u->tx_bytes++;
    }
    /* everything else configures baud rate, framing and interrupts: ignored */
}
