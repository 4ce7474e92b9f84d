/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PSCI (Arm Power State Coordination Interface) calls made through HVC. */
#ifndef APG_PSCI_MODEL_H
#define APG_PSCI_MODEL_H

#include <stdint.h>

#define PSCI_VERSION 0x84000000u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_RET_NOT_SUPPORTED ((uint64_t)-1)

typedef enum {
    PSCI_CONTINUE,  /* answered in x0; the guest carries on */
    PSCI_POWER_OFF, /* SYSTEM_OFF */
    PSCI_RESET,     /* SYSTEM_RESET */
} psci_action;

/* *x0 holds the function id on entry and the return value on exit. */
psci_action psci_call(uint64_t *x0);

#endif
