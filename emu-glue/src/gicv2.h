/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GICv2 interrupt controller for one CPU, as QEMU 7.2's arm_gic behaves on
 * `-M virt` (revision 2, 288 interrupts, no security or virtualization
 * extensions). Its two 64 KiB windows, the distributor and the CPU
 * interface, are mapped where board.h says.
 *
 * Modelled: GICD_CTLR, TYPER, IIDR, IGROUPR, ISENABLER/ICENABLER,
 * ISPENDR/ICPENDR, ISACTIVER/ICACTIVER, IPRIORITYR, ITARGETSR (RAZ/WI on a
 * uniprocessor GIC, as in QEMU), ICFGR, SGIR, CPENDSGIR/SPENDSGIR and the
 * ID registers; GICC_CTLR, PMR, BPR, IAR, EOIR, RPR, HPPIR, ABPR, APR,
 * NSAPR, IIDR and DIR. Priority drop follows QEMU's active-priority bits.
 * Every other offset in the two 64 KiB windows reads as zero and ignores
 * writes (the access functions say so through *recognised).
 *
 * The level-sensitive PPIs (the timers) are inputs: gicv2_set_ppi_level().
 * The output is the CPU's IRQ line: gicv2_irq_output(). A group 0 interrupt
 * with GICC_CTLR.FIQEn set is signalled as FIQ, which this machine does not
 * wire to the CPU (neither does anything the kernel uses).
 */
#ifndef APG_GICV2_H
#define APG_GICV2_H

#include "mmio_device.h"

#include <stdbool.h>
#include <stdint.h>

/* QEMU virt: NUM_IRQS (256) shared interrupts plus 32 SGIs and PPIs */
#define GICV2_IRQ_COUNT 288
#define GICV2_SGI_COUNT 16
#define GICV2_INTERNAL_COUNT 32 /* SGIs and PPIs */
#define GICV2_SPURIOUS 1023

/* QEMU virt's timer wiring (ARCH_TIMER_VIRT_IRQ 11, ARCH_TIMER_NS_EL1_IRQ 14) */
#define GICV2_PPI_VIRTUAL_TIMER 27
#define GICV2_PPI_PHYSICAL_TIMER 30

/* GICD and GICC registers (offsets in their windows) */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_PIDR_START 0xfd0
#define GICD_QEMU_REGION_END 0x1000 /* QEMU's distributor region is 4 KiB */

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_APR 0xd0
#define GICC_NSAPR 0xe0
#define GICC_IIDR 0xfc
#define GICC_DIR 0x1000

#define GICV2_APR_COUNT 4 /* 128 group priorities (BPR minimum 0), 32 per register */

typedef struct {
    /* distributor */
    uint32_t ctlr; /* EnableGrp0, EnableGrp1 */
    bool enabled[GICV2_IRQ_COUNT];
    bool pending[GICV2_IRQ_COUNT]; /* latched; a level-sensitive input is pending while high too */
    bool active[GICV2_IRQ_COUNT];
    bool level[GICV2_IRQ_COUNT]; /* the input line */
    bool edge_triggered[GICV2_IRQ_COUNT];
    bool group1[GICV2_IRQ_COUNT];
    uint8_t priority[GICV2_IRQ_COUNT];
    uint8_t sgi_sources[GICV2_SGI_COUNT]; /* which CPUs sent each pending SGI */

    /* CPU interface */
    uint32_t cpu_ctlr;
    uint32_t priority_mask;
    uint32_t binary_point, aliased_binary_point;
    uint32_t running_priority; /* 0x100 when idle */
    uint32_t current_pending;  /* highest-priority pending interrupt above PMR, or 1023 */
    uint32_t apr[GICV2_APR_COUNT], nsapr[GICV2_APR_COUNT];

    /* outputs to the CPU */
    bool irq_output, fiq_output;
} gicv2;

/* A GIC as on power-on (all state zero, then reset). */
void gicv2_power_on(gicv2 *g);
/* QEMU's reset: what a guest reboot does (the active priority bits survive). */
void gicv2_reset(gicv2 *g);

/* Register access; size is 1, 2 or 4 bytes. *recognised is set false for an
 * offset that is not a register (it reads as zero and ignores the write). */
uint32_t gicv2_dist_read(gicv2 *g, uint32_t offset, unsigned size, bool *recognised);
void gicv2_dist_write(gicv2 *g, uint32_t offset, unsigned size, uint32_t value, bool *recognised);
uint32_t gicv2_cpu_read(gicv2 *g, uint32_t offset, unsigned size, bool *recognised);
void gicv2_cpu_write(gicv2 *g, uint32_t offset, unsigned size, uint32_t value, bool *recognised);

/* The same as MMIO functions (mmio_device.h); `device` is a gicv2. */
uint64_t gicv2_dist_mmio_read(void *device, uint64_t offset, unsigned size, mmio_access *access);
void gicv2_dist_mmio_write(void *device, uint64_t offset, unsigned size, uint64_t value,
                           mmio_access *access);
uint64_t gicv2_cpu_mmio_read(void *device, uint64_t offset, unsigned size, mmio_access *access);
void gicv2_cpu_mmio_write(void *device, uint64_t offset, unsigned size, uint64_t value,
                          mmio_access *access);

/* A PPI input (16..31), driven by a device such as the timer. */
void gicv2_set_ppi_level(gicv2 *g, unsigned intid, bool level);

/* The CPU's IRQ input. */
static inline bool gicv2_irq_output(const gicv2 *g)
{
    return g->irq_output;
}

#endif
