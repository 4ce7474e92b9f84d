/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "irq_schedule.h"

static void lines_low(irq_schedule *s)
{
    generic_timer_reset(&s->timer);
    s->timer_next_change = UINT64_MAX;
    s->cpu_irq_line = s->raise_pending = false;
}

void irq_schedule_power_on(irq_schedule *s, irq_line_fn set_cpu_irq_line, void *ctx)
{
    s->set_cpu_irq_line = set_cpu_irq_line;
    s->ctx = ctx;
    lines_low(s);
    gicv2_power_on(&s->gic);
}

void irq_schedule_reboot(irq_schedule *s)
{
    lines_low(s);
    gicv2_reset(&s->gic);
}

void irq_schedule_follow_gic(irq_schedule *s)
{
    bool level = gicv2_irq_output(&s->gic);
    if (level && !s->cpu_irq_line) {
        s->raise_pending = true;
    } else if (!level) {
        s->raise_pending = false;
        if (s->cpu_irq_line) {
            s->cpu_irq_line = false;
            s->set_cpu_irq_line(s->ctx, false);
        }
    }
}

void irq_schedule_update_timers(irq_schedule *s, uint64_t now)
{
    gicv2_set_ppi_level(&s->gic, GICV2_PPI_PHYSICAL_TIMER,
                        generic_timer_output(&s->timer, GENERIC_TIMER_PHYSICAL, now));
    gicv2_set_ppi_level(&s->gic, GICV2_PPI_VIRTUAL_TIMER,
                        generic_timer_output(&s->timer, GENERIC_TIMER_VIRTUAL, now));
    s->timer_next_change = generic_timer_next_output_change(&s->timer, now);
    irq_schedule_follow_gic(s);
}

bool irq_schedule_block_start(irq_schedule *s, uint64_t now)
{
    if (now >= s->timer_next_change)
        irq_schedule_update_timers(s, now);
    if (!s->raise_pending)
        return false;
    s->raise_pending = false;
    s->cpu_irq_line = true;
    s->set_cpu_irq_line(s->ctx, true);
    return true;
}
