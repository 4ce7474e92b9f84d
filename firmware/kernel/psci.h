/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PSCI power control (boot/psci.S). */
#ifndef APG_PSCI_H
#define APG_PSCI_H

void apg_psci_system_off(void) __attribute__((noreturn));
void apg_psci_system_reset(void) __attribute__((noreturn));

#endif
