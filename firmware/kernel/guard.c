/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guard.h"

#include "gic.h"
#include "mem.h"
#include "process.h"
#include "timer.h"

#include <stddef.h>
#include <stdint.h>

static char current_call[64];
static bool active;
static bool watchdog_armed;
static uint64_t interrupts_before;

void guard_enter(const char *call)
{
    size_t n = apg_strlen(call);
    if (n >= sizeof current_call)
        n = sizeof current_call - 1;
    apg_memcpy(current_call, call, n);
    current_call[n] = '\0';
    active = true;
    watchdog_armed = !process_running();
    if (!watchdog_armed)
        return;
    timer_arm(timer_now() + GUARD_SECONDS * timer_frequency());
    /* let the watchdog's interrupt in while the untrusted code runs */
    __asm__ volatile("mrs %0, daif\n"
                     "msr daifclr, #2\n"
                     : "=r"(interrupts_before)
                     :
                     : "memory");
}

void guard_leave(void)
{
    if (watchdog_armed) {
        __asm__ volatile("msr daif, %0" : : "r"(interrupts_before) : "memory");
        timer_cancel();
    }
    active = false;
    watchdog_armed = false;
}

const char *guard_call(void)
{
    return active ? current_call : NULL;
}

bool guard_watchdog_fired(void)
{
    if (!active || !watchdog_armed)
        return false;
    uint32_t irq = gic_acknowledge();
    if (irq == GIC_SPURIOUS)
        return false;
    if (irq == IRQ_VIRTUAL_TIMER)
        timer_cancel(); /* level-triggered: silence it before the end of interrupt */
    gic_end(irq);
    if (irq != IRQ_VIRTUAL_TIMER)
        return false;
    watchdog_armed = false; /* the exception return path restores the mask */
    return true;
}
