/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exception reports and recovery to the shell prompt. */
#ifndef APG_EXCEPTIONS_H
#define APG_EXCEPTIONS_H

#include "trap_frame.h"

#include <stdint.h>

/* While armed, a fault abandons the running command and resumes the shell at
 * ctx instead of halting the machine. */
void exceptions_arm_recovery(apg_context *ctx);
void exceptions_disarm_recovery(void);

/* For a caller that has reported a problem itself: abandon the running command
 * as a fault would, without a further message (powers off during boot). */
void exceptions_abandon_command(void) __attribute__((noreturn));

void apg_handle_exception(apg_trap_frame *frame, uint64_t vector);

#endif
