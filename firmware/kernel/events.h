/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The event log the heap panel shows beside the heap: system calls,
 * interrupts, signals, faults, program start and exit (heap_abi.h). */
#ifndef APG_EVENTS_H
#define APG_EVENTS_H

#include "heap_abi.h"

#include <stdint.h>

void events_init(void);
/* Returns the slot, so a system call can fill in its result when it is known. */
struct apg_event *event_log(uint32_t kind, uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2,
                            int64_t result);
uintptr_t events_address(void);

#endif
