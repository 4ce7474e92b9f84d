/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "timer.h"

#include "gic.h"

#define CTL_ENABLE 1u
#define TIMER_PRIORITY 0xa0u /* above the GIC's priority mask (0xf0) */

void timer_init(void)
{
    gic_enable(IRQ_VIRTUAL_TIMER, TIMER_PRIORITY);
    timer_cancel();
}

uint64_t timer_frequency(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

uint64_t timer_now(void)
{
    uint64_t t;
    __asm__ volatile("isb\n"
                     "mrs %0, cntvct_el0"
                     : "=r"(t));
    return t;
}

void timer_arm(uint64_t deadline)
{
    __asm__ volatile("msr cntv_cval_el0, %0\n"
                     "msr cntv_ctl_el0, %1\n"
                     "isb\n"
                     :
                     : "r"(deadline), "r"((uint64_t)CTL_ENABLE)
                     : "memory");
}

void timer_cancel(void)
{
    __asm__ volatile("msr cntv_ctl_el0, xzr\n"
                     "isb\n"
                     :
                     :
                     : "memory");
}
