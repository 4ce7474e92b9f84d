/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GICv2 of QEMU's virt machine: distributor and CPU interface (board.h). */
#include "gic.h"

#include "board.h"

#define GICD_BASE ((uintptr_t)BOARD_GIC_DIST_BASE)
#define GICC_BASE ((uintptr_t)BOARD_GIC_CPU_BASE)

#define GICD_CTLR 0x000
#define GICD_ISENABLER 0x100
#define GICD_IPRIORITYR 0x400
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010

static inline void write32(uintptr_t address, uint32_t value)
{
    *(volatile uint32_t *)address = value;
}

static inline uint32_t read32(uintptr_t address)
{
    return *(volatile uint32_t *)address;
}

void gic_init(void)
{
    write32(GICD_BASE + GICD_CTLR, 1);   /* distributor forwards interrupts */
    write32(GICC_BASE + GICC_PMR, 0xf0); /* priorities below 0xf0 get through */
    write32(GICC_BASE + GICC_CTLR, 1);   /* CPU interface signals them */
}

void gic_enable(uint32_t irq, uint8_t priority)
{
    /* priorities are bytes; write the whole word, as a GIC model may ask */
    uintptr_t word = GICD_BASE + GICD_IPRIORITYR + (irq & ~3u);
    unsigned shift = (irq & 3u) * 8;
    write32(word, (read32(word) & ~(0xffu << shift)) | (uint32_t)priority << shift);
    write32(GICD_BASE + GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

uint32_t gic_acknowledge(void)
{
    return read32(GICC_BASE + GICC_IAR) & 0x3ff;
}

void gic_end(uint32_t irq)
{
    write32(GICC_BASE + GICC_EOIR, irq);
}
