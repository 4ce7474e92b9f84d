/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What snapshots (snapshot.c) need from the machine (machine.c): its state
 * outside Unicorn's CPU and outside RAM, as one plain struct, and the parts
 * a snapshot reads and writes directly. Only meaningful between runs
 * (apg_machine_run() has returned): no block is in progress then.
 */
#ifndef APG_MACHINE_STATE_H
#define APG_MACHINE_STATE_H

#include "guest_time.h"
#include "irq_schedule.h"
#include "machine.h"
#include "pl011.h"
#include "ram_pages.h"
#include "shared_bytes.h"

#include <unicorn/unicorn.h>

/* Everything the machine models itself: devices, guest time, the IRQ line,
 * where the CPU resumes, counters, crash and power state. Plain data: a
 * copy is a complete record. */
typedef struct {
    apg_counters counters;
    apg_crash crash;
    bool crashed, powered_off;
    uint64_t pc; /* where the next slice resumes */
    guest_time time;
    irq_schedule irq; /* the timer, the GIC, the CPU's IRQ line (callback excluded) */
    /* the PL011 apart from its queues */
    uint64_t uart_last_empty_poll;
    bool uart_polled_empty_before;
    uint64_t uart_rx_bytes, uart_tx_bytes;
} machine_state;

/* The parts a snapshot touches directly. uc is NULL before an image is loaded. */
typedef struct {
    uc_engine *uc;
    uint8_t *ram;              /* BOARD_RAM_SIZE bytes */
    uint8_t *dirty;            /* one byte per RAM page: written since `tracked` was taken */
    ram_tree *tracked;         /* RAM equals this picture except in the dirty pages */
    shared_bytes *cpu_tracked; /* the CPU context of the last checkpoint saved or restored */
    pl011 *uart;
} machine_parts;

machine_parts machine_parts_of(apg_machine *m);
void machine_state_get(const apg_machine *m, machine_state *s);
/* Puts a state back; the CPU's IRQ input follows it at the next block. */
void machine_state_set(apg_machine *m, const machine_state *s);

#endif
