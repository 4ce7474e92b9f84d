/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interrupt path of the one CPU and when it is taken: the generic
 * timer's outputs are level inputs of the GIC (PPIs 27 and 30, as QEMU virt
 * wires them), and the GIC's output is the CPU's IRQ line.
 *
 * A rise of the line waits for the next block start (irq_schedule_block_start),
 * where the CPU can take the IRQ without repeating part of an instruction and
 * the block is not counted twice; a fall takes effect at once. Timer outputs
 * turn on by themselves when guest time reaches a compare value: the machine
 * asks irq_schedule_next_event() when to look again.
 *
 * Times are guest time (guest_time.h). Nothing here knows Unicorn: the CPU's
 * line is set through a callback.
 */
#ifndef APG_IRQ_SCHEDULE_H
#define APG_IRQ_SCHEDULE_H

#include "generic_timer.h"
#include "gicv2.h"

#include <stdbool.h>
#include <stdint.h>

typedef void (*irq_line_fn)(void *ctx, bool level);

typedef struct {
    generic_timer timer;
    gicv2 gic;
    uint64_t timer_next_change; /* guest time at which a timer output turns on by itself */
    bool cpu_irq_line;          /* the IRQ input level the CPU has */
    bool raise_pending;         /* the GIC raised its output; the CPU sees it at the next block */
    irq_line_fn set_cpu_irq_line;
    void *ctx;
} irq_schedule;

/* Switched on: timers and GIC at their reset values, the line low. */
void irq_schedule_power_on(irq_schedule *s, irq_line_fn set_cpu_irq_line, void *ctx);
/* A guest reboot: as QEMU's reset, the GIC's active priority bits survive. */
void irq_schedule_reboot(irq_schedule *s);

/* After a guest access to the GIC: make the CPU's line follow its output. */
void irq_schedule_follow_gic(irq_schedule *s);
/* After a timer register write at guest time `now`, or when `now` reached
 * timer_next_change: recompute the timer outputs and the line. */
void irq_schedule_update_timers(irq_schedule *s, uint64_t now);

/* The guest time at which the machine must call irq_schedule_block_start()
 * (0: at the next block), or UINT64_MAX if nothing is due. */
static inline uint64_t irq_schedule_next_event(const irq_schedule *s)
{
    return s->raise_pending ? 0 : s->timer_next_change;
}

/* At the start of a block at guest time `now`: brings the timers up to date
 * and raises the CPU's line if the GIC asks for it. Returns true when the CPU
 * takes the IRQ before this block. */
bool irq_schedule_block_start(irq_schedule *s, uint64_t now);

/* Whether an interrupt can wake a CPU that sleeps in WFI right now. */
static inline bool irq_schedule_cpu_woken(const irq_schedule *s)
{
    return s->cpu_irq_line || s->raise_pending;
}

#endif
