/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the PL011 model driven by random guest register accesses
 * interleaved with host keystrokes and output drains. A simple model of the
 * FIFOs checks that the guest reads exactly the bytes the host sent, in order;
 * that FR tells the truth about the receive queue; that the host gets exactly
 * the bytes the guest wrote; that "idle" is only ever reported while the
 * receive queue is empty; and that only DR, FR and the set-up registers
 * count as modelled.
 */
#include "pl011.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_CAPACITY 65536

typedef struct {
    uint8_t rx[MODEL_CAPACITY];
    size_t rx_head, rx_count;
    uint8_t tx[MODEL_CAPACITY];
    size_t tx_count;
} fifo_model;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_uart: %s\n", what);
    abort();
}

/* DR, FR and IBRD, FBRD, LCR_H, CR, IMSC, ICR (DESIGN.md) */
static bool modelled(uint64_t offset)
{
    switch (offset) {
    case 0x00:
    case 0x18:
    case 0x24:
    case 0x28:
    case 0x2c:
    case 0x30:
    case 0x38:
    case 0x44: return true;
    default: return false;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fifo_model model;
    model.rx_head = model.rx_count = model.tx_count = 0;
    pl011 uart = {0};
    pl011_reset(&uart);
    uint64_t now = 0;

    for (size_t i = 0; i + 1 < size; i += 2) {
        uint8_t op = data[i], arg = data[i + 1];
        now += arg % 128; /* guest instructions between accesses */
        mmio_access access = {.now = now};
        switch (op % 6) {
        case 0: /* the host types keys */
            if (model.rx_head + model.rx_count + arg < MODEL_CAPACITY) {
                uint8_t keys[256];
                for (unsigned k = 0; k < arg; k++)
                    keys[k] = (uint8_t)(op + k);
                if (!byte_queue_push(&uart.rx, keys, arg))
                    fail("the receive queue refused bytes");
                memcpy(model.rx + model.rx_head + model.rx_count, keys, arg);
                model.rx_count += arg;
            }
            break;
        case 1: { /* the guest reads DR */
            uint8_t got = (uint8_t)pl011_read(&uart, PL011_DR, 4, &access);
            uint8_t expected = 0;
            if (model.rx_count > 0) {
                expected = model.rx[model.rx_head++];
                model.rx_count--;
            }
            if (got != expected)
                fail("DR returned a byte the host did not send next");
            break;
        }
        case 2: { /* the guest polls FR */
            uint64_t fr = pl011_read(&uart, PL011_FR, 4, &access);
            if (((fr & PL011_FR_RXFE) != 0) != (model.rx_count == 0))
                fail("FR.RXFE disagrees with the receive queue");
            if ((fr & PL011_FR_TXFF) != 0 || (fr & PL011_FR_TXFE) == 0)
                fail("the transmitter must always have room");
            break;
        }
        case 3: /* the guest writes DR */
            pl011_write(&uart, PL011_DR, 4, arg, &access);
            if (access.host_failed)
                fail("the transmit buffer refused a byte");
            if (model.tx_count < MODEL_CAPACITY)
                model.tx[model.tx_count++] = arg;
            break;
        case 4: { /* the guest touches a register other than DR and FR (set-up, or nothing) */
            uint64_t offset =
                (arg & 1) ? 0x24 + (uint64_t)(arg & 0x3c) : 0x20 + (uint64_t)(arg & 0x3c);
            if (arg & 1)
                pl011_write(&uart, offset, 4, arg, &access);
            else
                (void)pl011_read(&uart, offset, 4, &access);
            if (access.unmodelled == modelled(offset))
                fail("a register reported modelled that is not, or the reverse");
            break;
        }
        default: { /* the host drains the output */
            size_t n;
            const uint8_t *out = byte_queue_take_all(&uart.tx, &n);
            if (n != model.tx_count || (n > 0 && memcmp(out, model.tx, n) != 0))
                fail("the host got different bytes than the guest wrote");
            model.tx_count = 0;
            break;
        }
        }
        if (access.waits_for_input && model.rx_count != 0)
            fail("idle reported while input was waiting");
    }
    pl011_free(&uart);
    return 0;
}
