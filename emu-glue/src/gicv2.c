/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Follows QEMU 7.2's hw/intc/arm_gic.c for num-cpu 1, revision 2 and no
 * security extensions (so every access is "secure" and interrupt groups
 * exist), function by function; the comments name the QEMU function.
 */
#include "gicv2.h"

#include <string.h>

#define GICD_CTLR_ENABLE_GRP0 (1u << 0)
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICC_CTLR_ENABLE_GRP0 (1u << 0)
#define GICC_CTLR_ENABLE_GRP1 (1u << 1)
#define GICC_CTLR_ACK_CTL (1u << 2)
#define GICC_CTLR_FIQ_EN (1u << 3)
#define GICC_CTLR_CBPR (1u << 4)
#define GICC_CTLR_EOIMODE (1u << 9)
#define GICC_CTLR_WRITABLE 0x21fu /* QEMU's GICC_CTLR_V2_MASK */

#define IDLE_PRIORITY 0x100u
#define FIRST_INVALID_INTID 1020 /* GIC_MAXIRQ: 1020..1023 are special */
#define ALL_CPUS 0xffu           /* QEMU's ALL_CPU_MASK (GIC_NCPU = 8) */
#define THIS_CPU 1u

/* GICD_PIDR4..7, PIDR0..3, CIDR0..3 for revision 2 (QEMU's gic_id_gicv2) */
static const uint8_t gicv2_id_registers[12] = {0x04, 0x00, 0x00, 0x00, 0x90, 0xb4,
                                               0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static bool test_pending(const gicv2 *g, unsigned irq)
{
    /* a level-sensitive interrupt is pending while its input is high */
    return g->pending[irq] || (!g->edge_triggered[irq] && g->level[irq]);
}

/* gic_update_internal() */
static void update(gicv2 *g)
{
    g->current_pending = GICV2_SPURIOUS;
    g->irq_output = g->fiq_output = false;
    uint32_t both = GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1;
    if (!(g->ctlr & both) || !(g->cpu_ctlr & both))
        return;

    unsigned best_irq = GICV2_SPURIOUS, best_priority = IDLE_PRIORITY;
    for (unsigned irq = 0; irq < GICV2_IRQ_COUNT; irq++) {
        if (g->enabled[irq] && test_pending(g, irq) && !g->active[irq] &&
            g->priority[irq] < best_priority) {
            best_priority = g->priority[irq];
            best_irq = irq;
        }
    }
    if (best_priority >= g->priority_mask)
        return;
    g->current_pending = best_irq;
    if (best_priority >= g->running_priority)
        return;
    uint32_t group_bit = 1u << g->group1[best_irq];
    if (!(g->ctlr & group_bit) || !(g->cpu_ctlr & group_bit))
        return;
    if (!g->group1[best_irq] && (g->cpu_ctlr & GICC_CTLR_FIQ_EN))
        g->fiq_output = true;
    else
        g->irq_output = true;
}

void gicv2_reset(gicv2 *g)
{
    /* arm_gic_common_reset(): irq state cleared, SGIs enabled and
     * edge-triggered, priorities and PMR 0, everything targets the one CPU */
    memset(g->enabled, 0, sizeof g->enabled);
    memset(g->pending, 0, sizeof g->pending);
    memset(g->active, 0, sizeof g->active);
    memset(g->level, 0, sizeof g->level);
    memset(g->edge_triggered, 0, sizeof g->edge_triggered);
    memset(g->group1, 0, sizeof g->group1);
    memset(g->priority, 0, sizeof g->priority);
    memset(g->sgi_sources, 0, sizeof g->sgi_sources);
    for (unsigned irq = 0; irq < GICV2_SGI_COUNT; irq++) {
        g->enabled[irq] = true;
        g->edge_triggered[irq] = true;
    }
    g->ctlr = 0;
    g->cpu_ctlr = 0;
    g->priority_mask = 0;
    g->binary_point = 0;         /* GIC_MIN_BPR */
    g->aliased_binary_point = 1; /* GIC_MIN_ABPR */
    g->running_priority = IDLE_PRIORITY;
    g->current_pending = GICV2_SPURIOUS;
    g->irq_output = g->fiq_output = false;
}

void gicv2_power_on(gicv2 *g)
{
    memset(g, 0, sizeof *g);
    gicv2_reset(g);
}

/* gic_set_irq() for a PPI of CPU 0 */
void gicv2_set_ppi_level(gicv2 *g, unsigned intid, bool level)
{
    if (intid < GICV2_SGI_COUNT || intid >= GICV2_INTERNAL_COUNT || g->level[intid] == level)
        return;
    g->level[intid] = level;
    if (level && g->edge_triggered[intid])
        g->pending[intid] = true;
    update(g);
}

/* ---- CPU interface ---- */

/* gic_get_current_pending_irq(): every access counts as secure */
static uint32_t highest_pending(const gicv2 *g)
{
    uint32_t irq = g->current_pending;
    if (irq < FIRST_INVALID_INTID && g->group1[irq] && !(g->cpu_ctlr & GICC_CTLR_ACK_CTL))
        return 1022; /* a group 1 interrupt, not acknowledged by secure reads without AckCtl */
    return irq;
}

/* gic_get_group_priority() */
static uint32_t group_priority(const gicv2 *g, unsigned irq)
{
    uint32_t bpr = g->binary_point;
    if (!(g->cpu_ctlr & GICC_CTLR_CBPR) && g->group1[irq])
        bpr = g->aliased_binary_point - 1;
    return g->priority[irq] & (~0u << ((bpr & 7) + 1));
}

/* gic_get_prio_from_apr_bits() */
static uint32_t priority_from_active_bits(const gicv2 *g)
{
    for (unsigned i = 0; i < GICV2_APR_COUNT; i++) {
        uint32_t bits = g->apr[i] | g->nsapr[i];
        if (bits != 0)
            return (i * 32 + (uint32_t)__builtin_ctz(bits)) << 1;
    }
    return IDLE_PRIORITY;
}

/* gic_activate_irq() */
static void activate(gicv2 *g, unsigned irq)
{
    uint32_t priority = group_priority(g, irq);
    uint32_t preemption_level = priority >> 1;
    uint32_t *bits = g->group1[irq] ? g->nsapr : g->apr;
    bits[preemption_level / 32] |= 1u << (preemption_level % 32);
    g->running_priority = priority;
    g->active[irq] = true;
}

/* gic_drop_prio(): clears the lowest set active-priority bit of the group */
static void drop_priority(gicv2 *g, bool group1)
{
    uint32_t *bits = group1 ? g->nsapr : g->apr;
    for (unsigned i = 0; i < GICV2_APR_COUNT; i++) {
        if (bits[i] != 0) {
            bits[i] &= bits[i] - 1;
            break;
        }
    }
    g->running_priority = priority_from_active_bits(g);
}

/* gic_acknowledge_irq() */
static uint32_t acknowledge(gicv2 *g)
{
    uint32_t irq = highest_pending(g);
    if (irq >= FIRST_INVALID_INTID)
        return irq;
    if (g->priority[irq] >= g->running_priority)
        return GICV2_SPURIOUS;
    activate(g, irq);
    uint32_t id = irq;
    if (irq < GICV2_SGI_COUNT) {
        /* gic_clear_pending_sgi(): report and clear the lowest source CPU */
        uint32_t source = g->sgi_sources[irq] ? (uint32_t)__builtin_ctz(g->sgi_sources[irq]) : 0;
        g->sgi_sources[irq] &= (uint8_t) ~(1u << source);
        if (g->sgi_sources[irq] == 0)
            g->pending[irq] = false;
        id = irq | (source & 7) << 10;
    } else {
        g->pending[irq] = false;
    }
    update(g);
    return id;
}

/* gic_complete_irq(): the EOIR write */
static void end_of_interrupt(gicv2 *g, uint32_t irq)
{
    if (irq >= GICV2_IRQ_COUNT || g->running_priority == IDLE_PRIORITY)
        return; /* spurious, nonexistent, or nothing active: ignored */
    drop_priority(g, g->group1[irq]);
    if (!(g->cpu_ctlr & GICC_CTLR_EOIMODE))
        g->active[irq] = false;
    update(g);
}

/* gic_deactivate_irq(): the DIR write, meaningful only with EOImode set */
static void deactivate(gicv2 *g, uint32_t irq)
{
    if (irq >= GICV2_IRQ_COUNT || !(g->cpu_ctlr & GICC_CTLR_EOIMODE))
        return;
    g->active[irq] = false;
}

static uint32_t size_mask(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* gic_cpu_read(); QEMU's memory core keeps the low `size` bytes */
uint32_t gicv2_cpu_read(gicv2 *g, uint32_t offset, unsigned size, bool *recognised)
{
    uint32_t value = 0;
    *recognised = true;
    switch (offset) {
    case GICC_CTLR: value = g->cpu_ctlr; break;
    case GICC_PMR: value = g->priority_mask; break;
    case GICC_BPR: value = g->binary_point; break;
    case GICC_IAR: value = acknowledge(g); break;
    case GICC_RPR: value = g->running_priority > 0xff ? 0xff : g->running_priority; break;
    case GICC_HPPIR: value = highest_pending(g); break;
    case GICC_ABPR: value = g->aliased_binary_point; break;
    case GICC_APR:
    case GICC_APR + 4:
    case GICC_APR + 8:
    case GICC_APR + 12: value = g->apr[(offset - GICC_APR) / 4]; break;
    case GICC_NSAPR:
    case GICC_NSAPR + 4:
    case GICC_NSAPR + 8:
    case GICC_NSAPR + 12: value = g->nsapr[(offset - GICC_NSAPR) / 4]; break;
    case GICC_IIDR: value = (2u << 16) | 0x43b; break; /* GICv2, Arm */
    default: *recognised = false; break;
    }
    return value & size_mask(size);
}

/* gic_cpu_write() */
void gicv2_cpu_write(gicv2 *g, uint32_t offset, unsigned size, uint32_t value, bool *recognised)
{
    value &= size_mask(size);
    *recognised = true;
    switch (offset) {
    case GICC_CTLR: g->cpu_ctlr = value & GICC_CTLR_WRITABLE; break;
    case GICC_PMR: g->priority_mask = value & 0xff; break;
    case GICC_BPR: g->binary_point = value & 7; break;
    case GICC_EOIR: end_of_interrupt(g, value & 0x3ff); return;
    case GICC_ABPR: g->aliased_binary_point = (value & 7) < 1 ? 1 : (value & 7); break;
    case GICC_APR:
    case GICC_APR + 4:
    case GICC_APR + 8:
    case GICC_APR + 12:
        g->apr[(offset - GICC_APR) / 4] = value;
        g->running_priority = priority_from_active_bits(g);
        break;
    case GICC_NSAPR:
    case GICC_NSAPR + 4:
    case GICC_NSAPR + 8:
    case GICC_NSAPR + 12:
        g->nsapr[(offset - GICC_NSAPR) / 4] = value;
        g->running_priority = priority_from_active_bits(g);
        break;
    case GICC_DIR: deactivate(g, value & 0x3ff); break;
    default: *recognised = false; return;
    }
    update(g);
}

/* ---- distributor: byte registers, as QEMU composes wider accesses ---- */

/* eight bits of a per-interrupt flag, from interrupt `first` on */
static uint32_t flag_bits(const bool *flags, unsigned first)
{
    uint32_t bits = 0;
    for (unsigned i = 0; i < 8; i++)
        bits |= (uint32_t)flags[first + i] << i;
    return bits;
}

static uint32_t pending_bits(const gicv2 *g, unsigned first)
{
    uint32_t bits = 0;
    for (unsigned i = 0; i < 8; i++)
        bits |= (uint32_t)test_pending(g, first + i) << i;
    return bits;
}

/* gic_dist_readb() */
static uint32_t dist_read_byte(gicv2 *g, uint32_t offset, bool *recognised)
{
    if (offset < 0x100) {
        switch (offset) {
        case GICD_CTLR: return g->ctlr;
        case GICD_TYPER: return GICV2_IRQ_COUNT / 32 - 1; /* ITLinesNumber; one CPU */
        case GICD_IIDR: return 0x3b;                      /* Arm (JEP106 0x43b) */
        case GICD_IIDR + 1: return 0x04;
        default: break;
        }
        if (offset < 0x0c)
            return 0;
        if (offset >= GICD_IGROUPR && (offset - GICD_IGROUPR) * 8 < GICV2_IRQ_COUNT)
            return flag_bits(g->group1, (offset - GICD_IGROUPR) * 8);
    } else if (offset < GICD_ISPENDR) {
        unsigned irq = (offset % 0x80) * 8; /* set and clear registers read alike */
        if (irq < GICV2_IRQ_COUNT)
            return flag_bits(g->enabled, irq);
    } else if (offset < GICD_ISACTIVER) {
        unsigned irq = (offset % 0x80) * 8;
        if (irq < GICV2_IRQ_COUNT)
            return pending_bits(g, irq);
    } else if (offset < GICD_IPRIORITYR) {
        unsigned irq = (offset % 0x80) * 8;
        if (irq < GICV2_IRQ_COUNT)
            return flag_bits(g->active, irq);
    } else if (offset < GICD_ITARGETSR) {
        unsigned irq = offset - GICD_IPRIORITYR;
        if (irq < GICV2_IRQ_COUNT)
            return g->priority[irq];
    } else if (offset < GICD_ICFGR) {
        return 0; /* uniprocessor GIC: CPU targets are RAZ/WI */
    } else if (offset < GICD_SGIR) {
        unsigned irq = (offset - GICD_ICFGR) * 4;
        if (irq < GICV2_IRQ_COUNT) {
            uint32_t bits = 0;
            for (unsigned i = 0; i < 4; i++)
                bits |= (uint32_t)g->edge_triggered[irq + i] << (i * 2 + 1);
            return bits;
        }
    } else if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + GICV2_SGI_COUNT) {
        return g->sgi_sources[(offset - GICD_CPENDSGIR) % GICV2_SGI_COUNT];
    } else if (offset >= GICD_PIDR_START && offset < GICD_QEMU_REGION_END) {
        return (offset & 3) ? 0 : gicv2_id_registers[(offset - GICD_PIDR_START) / 4];
    }
    *recognised = false;
    return 0;
}

/* set (or clear) the flag of each interrupt whose bit is set in `bits` */
static void set_flags(bool *flags, unsigned first, uint32_t bits, bool value)
{
    for (unsigned i = 0; i < 8; i++)
        if (bits & (1u << i))
            flags[first + i] = value;
}

/* gic_dist_writeb(); returns false for an offset that is not a register */
static bool dist_write_byte(gicv2 *g, uint32_t offset, uint32_t value)
{
    if (offset < 0x100) {
        if (offset == GICD_CTLR) {
            g->ctlr = value & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
        } else if (offset < 4) {
            /* the rest of GICD_CTLR: ignored */
        } else if (offset >= GICD_IGROUPR && (offset - GICD_IGROUPR) * 8 < GICV2_IRQ_COUNT) {
            unsigned irq = (offset - GICD_IGROUPR) * 8;
            for (unsigned i = 0; i < 8; i++)
                g->group1[irq + i] = value & (1u << i);
        } else {
            return false;
        }
    } else if (offset < GICD_ICENABLER) {
        unsigned irq = (offset - GICD_ISENABLER) * 8;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        if (irq < GICV2_SGI_COUNT)
            value = 0xff; /* SGIs are always enabled */
        for (unsigned i = 0; i < 8; i++) {
            if (!(value & (1u << i)))
                continue;
            g->enabled[irq + i] = true;
            /* enabling a level-sensitive interrupt whose input is high latches it */
            if (g->level[irq + i] && !g->edge_triggered[irq + i])
                g->pending[irq + i] = true;
        }
    } else if (offset < GICD_ISPENDR) {
        unsigned irq = (offset - GICD_ICENABLER) * 8;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        set_flags(g->enabled, irq, irq < GICV2_SGI_COUNT ? 0 : value, false);
    } else if (offset < GICD_ICPENDR) {
        unsigned irq = (offset - GICD_ISPENDR) * 8;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        set_flags(g->pending, irq, irq < GICV2_SGI_COUNT ? 0 : value, true);
    } else if (offset < GICD_ISACTIVER) {
        unsigned irq = (offset - GICD_ICPENDR) * 8;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        set_flags(g->pending, irq, irq < GICV2_SGI_COUNT ? 0 : value, false);
    } else if (offset < GICD_ICACTIVER) {
        unsigned irq = (offset - GICD_ISACTIVER) * 8;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        set_flags(g->active, irq, value, true);
    } else if (offset < GICD_IPRIORITYR) {
        unsigned irq = (offset - GICD_ICACTIVER) * 8;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        set_flags(g->active, irq, value, false);
    } else if (offset < GICD_ITARGETSR) {
        unsigned irq = offset - GICD_IPRIORITYR;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        g->priority[irq] = (uint8_t)value;
    } else if (offset < GICD_ICFGR) {
        /* uniprocessor GIC: CPU targets are RAZ/WI */
    } else if (offset < GICD_SGIR) {
        unsigned irq = (offset - GICD_ICFGR) * 4;
        if (irq >= GICV2_IRQ_COUNT)
            return false;
        if (irq < GICV2_SGI_COUNT)
            value |= 0xaa; /* SGIs stay edge-triggered */
        for (unsigned i = 0; i < 4; i++)
            g->edge_triggered[irq + i] = value & (2u << (i * 2));
    } else if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR) {
        unsigned irq = offset - GICD_CPENDSGIR;
        g->sgi_sources[irq] &= (uint8_t)~value;
        if (g->sgi_sources[irq] == 0)
            g->pending[irq] = false;
    } else if (offset >= GICD_SPENDSGIR && offset < GICD_SPENDSGIR + GICV2_SGI_COUNT) {
        unsigned irq = offset - GICD_SPENDSGIR;
        g->pending[irq] = true;
        g->sgi_sources[irq] |= (uint8_t)value;
    } else {
        return false;
    }
    update(g);
    return true;
}

/* gic_dist_writel() at GICD_SGIR: software-generated interrupt */
static void send_sgi(gicv2 *g, uint32_t value)
{
    unsigned irq = value & 0xf;
    uint32_t targets;
    switch ((value >> 24) & 3) {
    case 0: targets = (value >> 16) & ALL_CPUS; break; /* the listed CPUs */
    case 1: targets = ALL_CPUS & ~THIS_CPU; break;     /* all but this one */
    case 2: targets = THIS_CPU; break;                 /* this one */
    default: targets = ALL_CPUS; break;
    }
    if (targets & THIS_CPU) {
        g->pending[irq] = true;
        g->sgi_sources[irq] |= THIS_CPU;
    }
    update(g);
}

uint32_t gicv2_dist_read(gicv2 *g, uint32_t offset, unsigned size, bool *recognised)
{
    *recognised = true;
    uint32_t value = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        value |= dist_read_byte(g, offset + i, recognised) << (i * 8);
    return value;
}

void gicv2_dist_write(gicv2 *g, uint32_t offset, unsigned size, uint32_t value, bool *recognised)
{
    *recognised = true;
    if (size == 4 && offset == GICD_SGIR) {
        send_sgi(g, value);
        return;
    }
    for (unsigned i = 0; i < size && i < 4; i++)
        if (!dist_write_byte(g, offset + i, (value >> (i * 8)) & 0xff))
            *recognised = false;
}

/* ---- the MMIO interface: the windows are 64 KiB, so offsets fit 32 bits ---- */

uint64_t gicv2_dist_mmio_read(void *device, uint64_t offset, unsigned size, mmio_access *access)
{
    bool recognised;
    uint32_t value = gicv2_dist_read(device, (uint32_t)offset, size, &recognised);
    access->unmodelled = !recognised;
    return value;
}

void gicv2_dist_mmio_write(void *device, uint64_t offset, unsigned size, uint64_t value,
                           mmio_access *access)
{
    bool recognised;
    gicv2_dist_write(device, (uint32_t)offset, size, (uint32_t)value, &recognised);
    access->unmodelled = !recognised;
}

uint64_t gicv2_cpu_mmio_read(void *device, uint64_t offset, unsigned size, mmio_access *access)
{
    bool recognised;
    uint32_t value = gicv2_cpu_read(device, (uint32_t)offset, size, &recognised);
    access->unmodelled = !recognised;
    return value;
}

void gicv2_cpu_mmio_write(void *device, uint64_t offset, unsigned size, uint64_t value,
                          mmio_access *access)
{
    bool recognised;
    gicv2_cpu_write(device, (uint32_t)offset, size, (uint32_t)value, &recognised);
    access->unmodelled = !recognised;
}
