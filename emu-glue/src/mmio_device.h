/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a memory-mapped device model offers the machine: a read and a write
 * function over its window (offsets from the window's base). A model is one
 * file (pl011.c, gicv2.c); machine.c maps its window at the address board.h
 * gives it, with one line in its device table, and does the rest for every
 * device alike: tracing, logging accesses to registers the model does not
 * have, stopping when the guest waits for input.
 */
#ifndef APG_MMIO_DEVICE_H
#define APG_MMIO_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

/* One access, as the device sees it. The machine sets `now` and clears the
 * rest; the device reports back. */
typedef struct {
    uint64_t now;         /* instructions since power-on (at the current block start) */
    bool unmodelled;      /* no register at this offset: reads as 0, write ignored */
    bool waits_for_input; /* the guest spins on an empty receive queue: the machine idles */
    bool host_failed;     /* the host could not do it (out of memory): the machine stops */
} mmio_access;

/* size is 1, 2, 4 or 8 bytes; `device` is the model's state */
typedef uint64_t (*mmio_read_fn)(void *device, uint64_t offset, unsigned size, mmio_access *access);
typedef void (*mmio_write_fn)(void *device, uint64_t offset, unsigned size, uint64_t value,
                              mmio_access *access);

#endif
