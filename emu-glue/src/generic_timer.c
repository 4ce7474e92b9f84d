/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "generic_timer.h"

/* CNTKCTL_EL1 bits that open EL0 access */
#define CNTKCTL_EL0PCTEN (1u << 0)
#define CNTKCTL_EL0VCTEN (1u << 1)
#define CNTKCTL_EL0VTEN (1u << 8)
#define CNTKCTL_EL0PTEN (1u << 9)

void generic_timer_reset(generic_timer *t)
{
    *t = (generic_timer){.cntfrq = GENERIC_TIMER_FREQUENCY_HZ};
}

static bool condition_met(const generic_timer_channel *c, uint64_t now)
{
    return generic_timer_count(now) >= c->cval;
}

bool generic_timer_output(const generic_timer *t, generic_timer_id id, uint64_t now)
{
    const generic_timer_channel *c = &t->timers[id];
    return (c->ctl & GENERIC_TIMER_CTL_ENABLE) && !(c->ctl & GENERIC_TIMER_CTL_IMASK) &&
           condition_met(c, now);
}

uint64_t generic_timer_next_output_change(const generic_timer *t, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (int id = 0; id < GENERIC_TIMER_COUNT; id++) {
        const generic_timer_channel *c = &t->timers[id];
        if (!(c->ctl & GENERIC_TIMER_CTL_ENABLE) || (c->ctl & GENERIC_TIMER_CTL_IMASK))
            continue;
        /* the first instruction count whose counter value reaches CVAL */
        uint64_t fires = c->cval / GENERIC_TIMER_TICKS_PER_INSTRUCTION +
                         (c->cval % GENERIC_TIMER_TICKS_PER_INSTRUCTION != 0);
        if (fires > now && fires < next)
            next = fires;
    }
    return next;
}

/* which timer a CNTP_* or CNTV_* register belongs to */
static generic_timer_id timer_of(uint32_t sysreg)
{
    switch (sysreg) {
    case SYSREG_CNTP_TVAL_EL0:
    case SYSREG_CNTP_CTL_EL0:
    case SYSREG_CNTP_CVAL_EL0: return GENERIC_TIMER_PHYSICAL;
    default: return GENERIC_TIMER_VIRTUAL;
    }
}

bool generic_timer_handles(uint32_t sysreg, bool is_read)
{
    switch (sysreg) {
    case SYSREG_CNTPCT_EL0:
    case SYSREG_CNTVCT_EL0: return is_read;
    case SYSREG_CNTFRQ_EL0:
    case SYSREG_CNTP_TVAL_EL0:
    case SYSREG_CNTP_CTL_EL0:
    case SYSREG_CNTP_CVAL_EL0:
    case SYSREG_CNTV_TVAL_EL0:
    case SYSREG_CNTV_CTL_EL0:
    case SYSREG_CNTV_CVAL_EL0: return true;
    default: return false;
    }
}

bool generic_timer_el0_access_allowed(uint32_t sysreg, bool is_read, uint64_t cntkctl)
{
    switch (sysreg) {
    case SYSREG_CNTFRQ_EL0:
        /* readable if either counter is; writable only at the highest EL */
        return is_read && (cntkctl & (CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN));
    case SYSREG_CNTPCT_EL0: return cntkctl & CNTKCTL_EL0PCTEN;
    case SYSREG_CNTVCT_EL0: return cntkctl & CNTKCTL_EL0VCTEN;
    case SYSREG_CNTP_TVAL_EL0:
    case SYSREG_CNTP_CTL_EL0:
    case SYSREG_CNTP_CVAL_EL0: return cntkctl & CNTKCTL_EL0PTEN;
    case SYSREG_CNTV_TVAL_EL0:
    case SYSREG_CNTV_CTL_EL0:
    case SYSREG_CNTV_CVAL_EL0: return cntkctl & CNTKCTL_EL0VTEN;
    default: return false;
    }
}

uint64_t generic_timer_read(const generic_timer *t, uint32_t sysreg, uint64_t now)
{
    const generic_timer_channel *c = &t->timers[timer_of(sysreg)];
    switch (sysreg) {
    case SYSREG_CNTFRQ_EL0: return t->cntfrq;
    case SYSREG_CNTPCT_EL0:
    case SYSREG_CNTVCT_EL0: return generic_timer_count(now);
    case SYSREG_CNTP_CTL_EL0:
    case SYSREG_CNTV_CTL_EL0:
        /* a disabled timer reports ISTATUS 0, as QEMU's does */
        if ((c->ctl & GENERIC_TIMER_CTL_ENABLE) && condition_met(c, now))
            return c->ctl | GENERIC_TIMER_CTL_ISTATUS;
        return c->ctl;
    case SYSREG_CNTP_CVAL_EL0:
    case SYSREG_CNTV_CVAL_EL0: return c->cval;
    case SYSREG_CNTP_TVAL_EL0:
    case SYSREG_CNTV_TVAL_EL0:
        /* TimerValue is bits [31:0], the upper half RES0: QEMU 7.2 returns
         * (uint32_t)(CVAL - CNT), zero-extended */
        return (uint32_t)(c->cval - generic_timer_count(now));
    default: return 0;
    }
}

void generic_timer_write(generic_timer *t, uint32_t sysreg, uint64_t value, uint64_t now)
{
    generic_timer_channel *c = &t->timers[timer_of(sysreg)];
    switch (sysreg) {
    case SYSREG_CNTFRQ_EL0: t->cntfrq = value; break;
    case SYSREG_CNTP_CTL_EL0:
    case SYSREG_CNTV_CTL_EL0:
        c->ctl = (uint32_t)value & (GENERIC_TIMER_CTL_ENABLE | GENERIC_TIMER_CTL_IMASK);
        break;
    case SYSREG_CNTP_CVAL_EL0:
    case SYSREG_CNTV_CVAL_EL0: c->cval = value; break;
    case SYSREG_CNTP_TVAL_EL0:
    case SYSREG_CNTV_TVAL_EL0:
        /* CVAL = CNT + TimerValue, sign-extended from 32 bits */
        c->cval = generic_timer_count(now) + (uint64_t)(int64_t)(int32_t)(uint32_t)value;
        break;
    default: break;
    }
}
