/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interrupt masking: the "lock" around code an interrupt must not observe. */
#ifndef APG_CPU_H
#define APG_CPU_H

#include <stdint.h>

/* Masks IRQs and returns the previous DAIF, for irq_restore(). */
static inline uint64_t irq_save(void)
{
    uint64_t daif;
    __asm__ volatile("mrs %0, daif\n"
                     "msr daifset, #2\n"
                     : "=r"(daif)
                     :
                     : "memory");
    return daif;
}

static inline void irq_restore(uint64_t daif)
{
    __asm__ volatile("msr daif, %0" : : "r"(daif) : "memory");
}

#endif
