/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GICv2 interrupt controller on QEMU's virt machine (one CPU). */
#ifndef APG_GIC_H
#define APG_GIC_H

#include <stdint.h>

#define GIC_SPURIOUS 1023u
#define IRQ_VIRTUAL_TIMER 27u /* PPI 11: the EL1 virtual timer */

void gic_init(void);
void gic_enable(uint32_t irq, uint8_t priority);
/* Acknowledges the highest-priority pending interrupt; returns its id, or
 * GIC_SPURIOUS when there is none. */
uint32_t gic_acknowledge(void);
void gic_end(uint32_t irq);

#endif
