/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the GICv2 model driven by random register accesses (any
 * offset in both 64 KiB windows, any size) and PPI level changes. After every
 * step it checks that:
 *   - the IRQ output and GICC_HPPIR agree with what the registers say, read
 *     back through the register interface (enables, pending, active,
 *     priorities, groups, PMR, running priority);
 *   - reads change nothing, except acknowledging through GICC_IAR, and
 *     accesses to offsets that are not registers change nothing at all;
 *   - a level-sensitive PPI whose input is high reads as pending;
 *   - an acknowledged interrupt is active and sets the running priority, and
 *     its end of interrupt restores the running priority from before and
 *     (EOImode 0) deactivates it.
 */
#include "gicv2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GICC_CTLR_ACK_CTL (1u << 2)
#define GICC_CTLR_FIQ_EN (1u << 3)
#define GICC_CTLR_CBPR (1u << 4)
#define GICC_CTLR_EOIMODE (1u << 9)

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_gic: %s\n", what);
    abort();
}

static uint32_t dist(gicv2 *g, uint32_t offset, unsigned size)
{
    bool recognised;
    return gicv2_dist_read(g, offset, size, &recognised);
}

static uint32_t cpu(gicv2 *g, uint32_t offset)
{
    bool recognised;
    return gicv2_cpu_read(g, offset, 4, &recognised);
}

static bool bit(gicv2 *g, uint32_t base, unsigned irq)
{
    return (dist(g, base + irq / 8, 1) >> (irq % 8)) & 1;
}

/* The highest-priority interrupt the registers say is ready (lowest ID on
 * ties), or GICV2_SPURIOUS. */
static unsigned best_ready(gicv2 *g, uint32_t *priority)
{
    unsigned best = GICV2_SPURIOUS;
    *priority = 0x100;
    for (unsigned first = 0; first < GICV2_IRQ_COUNT; first += 32) {
        uint32_t ready = dist(g, GICD_ISENABLER + first / 8, 4) &
                         dist(g, GICD_ISPENDR + first / 8, 4) &
                         ~dist(g, GICD_ISACTIVER + first / 8, 4);
        for (unsigned i = 0; i < 32; i++) {
            if (!(ready & (1u << i)))
                continue;
            uint32_t p = dist(g, GICD_IPRIORITYR + first + i, 1);
            if (p < *priority) {
                *priority = p;
                best = first + i;
            }
        }
    }
    return best;
}

/* the priority an acknowledged interrupt runs at (its group priority) */
static uint32_t expected_running_priority(gicv2 *g, unsigned irq)
{
    uint32_t bpr = cpu(g, GICC_BPR);
    if (!(cpu(g, GICC_CTLR) & GICC_CTLR_CBPR) && bit(g, GICD_IGROUPR, irq))
        bpr = cpu(g, GICC_ABPR) - 1;
    return dist(g, GICD_IPRIORITYR + irq, 1) & (~0u << ((bpr & 7) + 1));
}

static void check_outputs(gicv2 *g)
{
    uint32_t ctlr = dist(g, GICD_CTLR, 4), cpu_ctlr = cpu(g, GICC_CTLR);
    uint32_t pmr = cpu(g, GICC_PMR), rpr = cpu(g, GICC_RPR);
    uint32_t priority;
    unsigned best = best_ready(g, &priority);
    bool signalling = (ctlr & 3) && (cpu_ctlr & 3);

    uint32_t expected_hppir = GICV2_SPURIOUS;
    bool expected_irq = false;
    if (signalling && best != GICV2_SPURIOUS && priority < pmr) {
        bool group1 = bit(g, GICD_IGROUPR, best);
        expected_hppir = group1 && !(cpu_ctlr & GICC_CTLR_ACK_CTL) ? 1022 : best;
        uint32_t group_bit = group1 ? 2 : 1;
        /* RPR reads 0xff when idle; a ready priority is below PMR <= 0xff anyway */
        expected_irq = priority < rpr && (ctlr & group_bit) && (cpu_ctlr & group_bit) &&
                       !(!group1 && (cpu_ctlr & GICC_CTLR_FIQ_EN));
    }
    if (cpu(g, GICC_HPPIR) != expected_hppir)
        fail("GICC_HPPIR disagrees with the registers");
    if (gicv2_irq_output(g) != expected_irq)
        fail("the IRQ output disagrees with the registers");
}

/* Acknowledge, then end the interrupt, checking the state in between. */
static void acknowledge_and_end(gicv2 *g)
{
    uint32_t hppir = cpu(g, GICC_HPPIR);
    uint32_t rpr_before = cpu(g, GICC_RPR);
    uint32_t id = cpu(g, GICC_IAR);
    unsigned irq = id & 0x3ff;
    if (irq >= 1020)
        return;
    if (hppir != irq)
        fail("GICC_IAR gave another interrupt than GICC_HPPIR announced");
    if (!bit(g, GICD_ISACTIVER, irq))
        fail("an acknowledged interrupt is not active");
    if (dist(g, GICD_IPRIORITYR + irq, 1) >= rpr_before)
        fail("acknowledged an interrupt that cannot preempt the running priority");
    if (cpu(g, GICC_RPR) != expected_running_priority(g, irq))
        fail("the running priority is not the acknowledged interrupt's group priority");
    bool recognised;
    gicv2_cpu_write(g, GICC_EOIR, 4, id, &recognised);
    if (!(cpu(g, GICC_CTLR) & GICC_CTLR_EOIMODE) && bit(g, GICD_ISACTIVER, irq))
        fail("end of interrupt left it active");
    if (cpu(g, GICC_RPR) != rpr_before)
        fail("end of interrupt did not restore the running priority");
}

/* the PPI inputs as this test drove them */
static bool ppi_level[GICV2_INTERNAL_COUNT];

static void check_level_sensitive_pending(gicv2 *g)
{
    for (unsigned irq = GICV2_SGI_COUNT; irq < GICV2_INTERNAL_COUNT; irq++) {
        bool edge = (dist(g, GICD_ICFGR + irq / 4, 1) >> ((irq % 4) * 2 + 1)) & 1;
        if (ppi_level[irq] && !edge && !bit(g, GICD_ISPENDR, irq))
            fail("a level-sensitive PPI with its input high is not pending");
    }
}

/* offsets near the registers more often than not */
static uint32_t pick_offset(uint8_t selector, uint16_t raw, bool cpu_interface)
{
    static const uint32_t cpu_registers[] = {GICC_CTLR, GICC_PMR,   GICC_BPR,   GICC_IAR,
                                             GICC_EOIR, GICC_RPR,   GICC_HPPIR, GICC_ABPR,
                                             GICC_APR,  GICC_NSAPR, GICC_IIDR,  GICC_DIR};
    if (selector & 0x80)
        return raw; /* anywhere in the window */
    if (cpu_interface)
        return cpu_registers[(raw & 0xff) % (sizeof cpu_registers / sizeof cpu_registers[0])] +
               ((raw >> 8) & 0x0c); /* the low byte picks a register, the high byte one of 4 */
    return raw % 0x1000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gicv2 g, before;
    gicv2_power_on(&g);
    memset(ppi_level, 0, sizeof ppi_level);
    static const unsigned sizes[] = {1, 2, 4, 4};

    /* at most 64 steps: each check reads back the whole distributor */
    for (size_t i = 0; i + 8 <= size && i < 64 * 8; i += 8) {
        const uint8_t *step = data + i;
        uint8_t op = step[0];
        uint16_t raw = (uint16_t)(step[1] | step[2] << 8);
        uint32_t value = (uint32_t)step[3] | (uint32_t)step[4] << 8 | (uint32_t)step[5] << 16 |
                         (uint32_t)step[6] << 24;
        unsigned access = sizes[step[7] & 3];
        bool recognised = true;
        before = g;
        switch (op % 7) {
        case 0: /* distributor read */
            (void)gicv2_dist_read(&g, pick_offset(op, raw, false), access, &recognised);
            if (memcmp(&before, &g, sizeof g) != 0)
                fail("a distributor read changed the state");
            break;
        case 1: /* distributor write */
        case 2:
            gicv2_dist_write(&g, pick_offset(op, raw, false), access, value, &recognised);
            if (!recognised && access == 1 && memcmp(&before, &g, sizeof g) != 0)
                fail("a write to no register changed the state");
            break;
        case 3: { /* CPU interface read */
            uint32_t offset = pick_offset(op, raw, true);
            (void)gicv2_cpu_read(&g, offset, access, &recognised);
            if (offset != GICC_IAR && memcmp(&before, &g, sizeof g) != 0)
                fail("a CPU interface read changed the state");
            break;
        }
        case 4: /* CPU interface write */
            gicv2_cpu_write(&g, pick_offset(op, raw, true), access, value, &recognised);
            if (!recognised && memcmp(&before, &g, sizeof g) != 0)
                fail("a write to no register changed the state");
            break;
        case 5: /* a PPI input changes */
            ppi_level[16 + raw % 16] = value & 1;
            gicv2_set_ppi_level(&g, 16 + raw % 16, value & 1);
            break;
        default: acknowledge_and_end(&g); break;
        }
        check_outputs(&g);
        check_level_sensitive_pending(&g);
    }
    return 0;
}
