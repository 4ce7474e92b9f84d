/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calling code the kernel does not trust (a student's allocator). Between
 * guard_enter and guard_leave the exception handler knows which call is
 * running, so a fault report can name it, and the timer serves as a watchdog:
 * a call that has not returned after GUARD_SECONDS of guest time (guest time
 * counts instructions, so this is the same point on every host) is abandoned
 * like a fault. The watchdog needs the timer, so it is off while a user
 * program runs (its alarm owns the timer).
 */
#ifndef APG_GUARD_H
#define APG_GUARD_H

#include <stdbool.h>

#define GUARD_SECONDS 2u

/* call: what is being called, for reports ("mm_malloc(100)"); copied. */
void guard_enter(const char *call);
void guard_leave(void);
/* The call in progress, or NULL. */
const char *guard_call(void);
/* From the IRQ vector: true if the interrupt was the guard's watchdog (then it
 * has been acknowledged and silenced, and the guard left). */
bool guard_watchdog_fired(void);

#endif
