/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "psci.h"

psci_action psci_call(uint64_t *x0)
{
    switch ((uint32_t)*x0) {
    case PSCI_VERSION:
        *x0 = 0x00010001; /* PSCI 1.1, what QEMU 7.2 reports */
        return PSCI_CONTINUE;
    case PSCI_SYSTEM_OFF: return PSCI_POWER_OFF;
    case PSCI_SYSTEM_RESET: return PSCI_RESET;
    default: *x0 = PSCI_RET_NOT_SUPPORTED; return PSCI_CONTINUE;
    }
}
