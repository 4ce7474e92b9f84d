/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Arm generic timer of the one CPU (system counter, EL1 physical timer,
 * virtual timer) as QEMU 7.2 models it for `-M virt` run with
 * `-icount shift=7`: guest time comes from the guest instruction count alone,
 * 128 ns per instruction, and the counter runs at CNTFRQ = 62.5 MHz (QEMU's
 * GTIMER_SCALE: 16 ns per tick), so it advances 8 ticks per instruction.
 * There is no EL2, so CNTVOFF is 0 and the virtual count equals the physical.
 *
 * Time is an argument, `now`: guest instructions since the machine was
 * switched on, plus the time skipped while the CPU slept in WFI.
 */
#ifndef APG_GENERIC_TIMER_H
#define APG_GENERIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define GENERIC_TIMER_FREQUENCY_HZ 62500000u
#define GENERIC_TIMER_TICKS_PER_INSTRUCTION 8u

/* A system register as encoded in MRS/MSR: op0, op1, CRn, CRm, op2. */
#define SYSREG(op0, op1, crn, crm, op2)                                                            \
    (((uint32_t)(op0) << 14) | ((uint32_t)(op1) << 11) | ((uint32_t)(crn) << 7) |                  \
     ((uint32_t)(crm) << 3) | (uint32_t)(op2))
#define SYSREG_CNTFRQ_EL0 SYSREG(3, 3, 14, 0, 0)
#define SYSREG_CNTPCT_EL0 SYSREG(3, 3, 14, 0, 1)
#define SYSREG_CNTVCT_EL0 SYSREG(3, 3, 14, 0, 2)
#define SYSREG_CNTP_TVAL_EL0 SYSREG(3, 3, 14, 2, 0)
#define SYSREG_CNTP_CTL_EL0 SYSREG(3, 3, 14, 2, 1)
#define SYSREG_CNTP_CVAL_EL0 SYSREG(3, 3, 14, 2, 2)
#define SYSREG_CNTV_TVAL_EL0 SYSREG(3, 3, 14, 3, 0)
#define SYSREG_CNTV_CTL_EL0 SYSREG(3, 3, 14, 3, 1)
#define SYSREG_CNTV_CVAL_EL0 SYSREG(3, 3, 14, 3, 2)
#define SYSREG_CNTKCTL_EL1 SYSREG(3, 0, 14, 1, 0)

/* CNTP_CTL_EL0 / CNTV_CTL_EL0 */
#define GENERIC_TIMER_CTL_ENABLE (1u << 0)
#define GENERIC_TIMER_CTL_IMASK (1u << 1)
#define GENERIC_TIMER_CTL_ISTATUS (1u << 2) /* read-only: the condition CNT >= CVAL is met */

/* QEMU's order (GTIMER_PHYS, GTIMER_VIRT) */
typedef enum {
    GENERIC_TIMER_PHYSICAL,
    GENERIC_TIMER_VIRTUAL,
    GENERIC_TIMER_COUNT,
} generic_timer_id;

typedef struct {
    uint32_t ctl;  /* ENABLE and IMASK as written; ISTATUS is computed when read */
    uint64_t cval; /* the compare value, in counter ticks */
} generic_timer_channel;

typedef struct {
    /* EL1 (the highest EL here) may write CNTFRQ; as in QEMU, only the
     * register changes, not the counter's rate */
    uint64_t cntfrq;
    generic_timer_channel timers[GENERIC_TIMER_COUNT];
} generic_timer;

/* The CPU's reset values: CNTFRQ 62.5 MHz, timers disabled, CVAL 0. */
void generic_timer_reset(generic_timer *t);

/* The system counter (CNTPCT and CNTVCT) at guest time `now`. */
static inline uint64_t generic_timer_count(uint64_t now)
{
    return now * GENERIC_TIMER_TICKS_PER_INSTRUCTION;
}

/* The timer's interrupt output: ENABLE and not IMASK and ISTATUS. */
bool generic_timer_output(const generic_timer *t, generic_timer_id id, uint64_t now);

/* The earliest guest time after `now` at which an output turns on by itself
 * (the counter reaching an enabled, unmasked timer's CVAL); UINT64_MAX if
 * none will. Outputs only turn off when the guest writes a register. */
uint64_t generic_timer_next_output_change(const generic_timer *t, uint64_t now);

/* Whether this model implements this access. The rest (writes to the
 * read-only counters, everything that is not a timer register) stays with
 * the CPU model, which also raises the UNDEFINED exceptions QEMU raises. */
bool generic_timer_handles(uint32_t sysreg, bool is_read);

/* Whether EL0 may make this access, per CNTKCTL_EL1 (EL0PCTEN, EL0VCTEN,
 * EL0VTEN, EL0PTEN), as QEMU 7.2 decides it; a refused access traps to EL1. */
bool generic_timer_el0_access_allowed(uint32_t sysreg, bool is_read, uint64_t cntkctl);

/* MRS and MSR of a register generic_timer_handles(). */
uint64_t generic_timer_read(const generic_timer *t, uint32_t sysreg, uint64_t now);
void generic_timer_write(generic_timer *t, uint32_t sysreg, uint64_t value, uint64_t now);

#endif
