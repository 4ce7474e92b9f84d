/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The EL1 virtual timer of the Arm generic timer (interrupt 27). */
#ifndef APG_TIMER_H
#define APG_TIMER_H

#include <stdint.h>

/* Routes the timer interrupt through the GIC (after gic_init) and leaves the
 * timer silent until timer_arm. */
void timer_init(void);
uint64_t timer_frequency(void); /* ticks per second */
uint64_t timer_now(void);       /* ticks since power-on */
/* Fires interrupt 27 once the count reaches deadline. */
void timer_arm(uint64_t deadline);
void timer_cancel(void);

#endif
