/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PSCI calls through HVC: QEMU's virt machine (without EL2/EL3 firmware)
 * implements PSCI itself with HVC as the conduit, and emu-glue does the same.
 */
#define PSCI_SYSTEM_OFF 0x84000008
#define PSCI_SYSTEM_RESET 0x84000009

    .text
    .globl  apg_psci_system_off
apg_psci_system_off:
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
1:  wfi                             /* not reached unless PSCI is missing */
    b       1b

    .globl  apg_psci_system_reset
apg_psci_system_reset:
    ldr     x0, =PSCI_SYSTEM_RESET
    hvc     #0
1:  wfi
    b       1b
