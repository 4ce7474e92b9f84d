/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exception syndrome register (ESR_EL1): its fields, the exception
 * classes the kernel acts on, their names in words, and which classes leave
 * the faulting address in FAR_EL1. The one place that decodes ESR.
 */
#ifndef APG_ESR_H
#define APG_ESR_H

#include <stdbool.h>
#include <stdint.h>

#define ESR_EC_UNDEFINED 0x00u
#define ESR_EC_SVC64 0x15u
#define ESR_EC_IABT_LOWER 0x20u
#define ESR_EC_DABT_LOWER 0x24u
#define ESR_EC_BRK 0x3cu

/* Exception class: ESR bits [31:26]. */
static inline uint32_t esr_class(uint64_t esr)
{
    return (uint32_t)(esr >> 26) & 0x3fu;
}

/* Instruction-specific syndrome: ESR bits [24:0]. */
static inline uint32_t esr_syndrome(uint64_t esr)
{
    return (uint32_t)esr & 0x1ffffffu;
}

/* Human-readable name of an exception class. */
const char *exception_class_name(uint32_t ec);

/* FAR_EL1 holds the faulting address for this class (aborts, PC alignment,
 * watchpoints); for any other class its value means nothing. */
bool esr_has_fault_address(uint32_t ec);

#endif
