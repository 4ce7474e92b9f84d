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

void apg_handle_exception(apg_trap_frame *frame, uint64_t vector);

#endif
