/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virt-lite on Unicorn. See machine.h for the model and README.md for how it
 * relates to QEMU's virt machine.
 */
#include "machine.h"

#include "generic_timer.h"
#include "gicv2.h"
#include "pl011.h"
#include "psci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

/* QEMU's direct kernel boot for -M virt with 128 MiB: the device tree goes
 * to the middle of RAM (after where an initrd would go), and x0 points at it. */
#define APG_QEMU_DTB_ADDRESS 0x44000000ull
/* EL1h with D, A, I and F masked: the PSTATE QEMU enters the kernel with */
#define APG_ENTRY_PSTATE 0x3c5ull
/* Translated code for a small kernel fits easily; a fixed size keeps wasm
 * memory use predictable (Unicorn's default is far larger). */
#define APG_TCG_BUFFER_SIZE (16u << 20)

typedef enum {
    PENDING_NONE,
    PENDING_IDLE,
    PENDING_SLICE_END,
    PENDING_POWER_OFF,
    PENDING_RESET,
} pending_stop;

struct apg_machine {
    uc_engine *uc;
    uint8_t *ram;
    uint8_t *image;
    size_t image_size;
    pl011 uart;
    apg_counters counters;
    apg_crash crash;
    bool crashed, powered_off;
    bool ram_used; /* RAM may hold data from an earlier power-on */
    uint64_t pc;   /* where the next slice resumes */
    uint64_t slice_end;
    pending_stop pending;
    uint64_t fault_address;
    bool have_fault_address;
    apg_mmio_trace_fn trace;
    void *trace_ctx;

    /* Interrupts. Guest time, in instructions, is time_base plus the
     * instructions of this power-on: a guest reboot does not stop the clock
     * (as in QEMU), and WFI skips ahead to the next timer event. */
    generic_timer timer;
    gicv2 gic;
    uint64_t time_base;
    uint64_t timer_next_change; /* guest time at which a timer output turns on by itself */
    bool cpu_irq_line;          /* the IRQ input level the CPU has */
    bool irq_raise_pending;     /* the GIC raised its output inside a block */
    /* on_block counts a block's instructions when it starts: which block
     * that was, so that a stop inside it can take back what did not run */
    bool in_block;
    uint64_t block_start;
    uint32_t block_instructions;
    uint64_t next_block_event; /* instruction count at which on_block looks closer */
};

/* ---- guest time and the IRQ line ---- */

/* Guest time when the instruction at `pc` is about to run. */
static uint64_t guest_time_at(const apg_machine *m, uint64_t pc)
{
    uint64_t done = m->counters.instructions;
    if (m->in_block && pc >= m->block_start &&
        pc - m->block_start < (uint64_t)m->block_instructions * 4)
        done -= m->block_instructions - (pc - m->block_start) / 4;
    return m->time_base + done;
}

/* Guest time at a block boundary. */
static uint64_t guest_time(const apg_machine *m)
{
    return m->time_base + m->counters.instructions;
}

/* When on_block must leave its fast path: the slice is used up, a timer
 * output turns on, or an IRQ waits to be raised. */
static void schedule_block_event(apg_machine *m)
{
    uint64_t at = m->irq_raise_pending ? 0 : m->slice_end;
    if (m->timer_next_change != UINT64_MAX && m->timer_next_change - m->time_base < at)
        at = m->timer_next_change - m->time_base;
    m->next_block_event = at;
}

/* Makes the CPU's IRQ input follow the GIC's output. A rise waits for the
 * next block start (on_block), where the CPU can take the IRQ without
 * repeating part of an instruction and the block is not counted twice; a
 * fall takes effect at once. */
static void follow_gic_output(apg_machine *m)
{
    bool level = gicv2_irq_output(&m->gic);
    if (level && !m->cpu_irq_line) {
        m->irq_raise_pending = true;
    } else if (!level) {
        m->irq_raise_pending = false;
        if (m->cpu_irq_line) {
            m->cpu_irq_line = false;
            uc_ctl_set_arm64_irq_line(m->uc, 0);
        }
    }
    schedule_block_event(m);
}

/* The timers' outputs are level inputs of the GIC (PPIs 27 and 30). */
static void update_timer_outputs(apg_machine *m, uint64_t now)
{
    gicv2_set_ppi_level(&m->gic, GICV2_PPI_PHYSICAL_TIMER,
                        generic_timer_output(&m->timer, GENERIC_TIMER_PHYSICAL, now));
    gicv2_set_ppi_level(&m->gic, GICV2_PPI_VIRTUAL_TIMER,
                        generic_timer_output(&m->timer, GENERIC_TIMER_VIRTUAL, now));
    m->timer_next_change = generic_timer_next_output_change(&m->timer, now);
    follow_gic_output(m);
}

/* ---- hooks ---- */

/* The slow path of on_block. Returns true when the block about to start
 * does not run now, because the CPU takes an IRQ or emulation stops before
 * it (it is counted when it does run). */
static bool block_event(apg_machine *m, uc_engine *uc)
{
    bool leaves = false;
    uint64_t now = guest_time(m);
    if (now >= m->timer_next_change)
        update_timer_outputs(m, now);
    if (m->irq_raise_pending) {
        /* taken before this block: patch 0009 leaves the TB loop right after this hook */
        m->irq_raise_pending = false;
        m->cpu_irq_line = true;
        uc_ctl_set_arm64_irq_line(uc, 1);
        leaves = true;
    }
    if (m->counters.instructions >= m->slice_end && m->pending == PENDING_NONE) {
        m->pending = PENDING_SLICE_END;
        uc_emu_stop(uc);
        leaves = true;
    }
    schedule_block_event(m);
    return leaves;
}

/* Runs at the start of every translation block: the hot path is one compare. */
static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    apg_machine *m = user;
    if (m->counters.instructions >= m->next_block_event && block_event(m, uc)) {
        m->in_block = false;
        return;
    }
    m->in_block = true;
    m->block_start = address;
    m->block_instructions = size / 4; /* A64 instructions are 4 bytes */
    m->counters.instructions += size / 4;
}

static uint64_t on_uart_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    apg_machine *m = user;
    bool idle = false;
    uint64_t value = pl011_read(&m->uart, offset, m->counters.instructions, &idle);
    if (m->trace != NULL)
        m->trace(m->trace_ctx, false, APG_UART_BASE + offset, size, value);
    if (idle && m->pending == PENDING_NONE) {
        m->pending = PENDING_IDLE;
        uc_emu_stop(uc);
    }
    return value;
}

static void on_uart_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    apg_machine *m = user;
    if (m->trace != NULL)
        m->trace(m->trace_ctx, true, APG_UART_BASE + offset, size, value);
    pl011_write(&m->uart, offset, value);
}

static void trace_device(apg_machine *m, bool write, uint64_t address, unsigned size,
                         uint64_t value, bool recognised)
{
    if (m->trace == NULL)
        return;
    m->trace(m->trace_ctx, write, address, size, value);
    if (!recognised)
        fprintf(stderr, "emu-glue: no GIC register at 0x%08llx: %s\n", (unsigned long long)address,
                write ? "write ignored" : "reads as 0");
}

static uint64_t on_gic_dist_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    (void)uc;
    apg_machine *m = user;
    bool recognised;
    uint32_t value = gicv2_dist_read(&m->gic, (uint32_t)offset, size, &recognised);
    trace_device(m, false, GICV2_DIST_BASE + offset, size, value, recognised);
    return value;
}

static void on_gic_dist_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value,
                              void *user)
{
    (void)uc;
    apg_machine *m = user;
    bool recognised;
    gicv2_dist_write(&m->gic, (uint32_t)offset, size, (uint32_t)value, &recognised);
    trace_device(m, true, GICV2_DIST_BASE + offset, size, value, recognised);
    follow_gic_output(m);
}

static uint64_t on_gic_cpu_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    (void)uc;
    apg_machine *m = user;
    bool recognised;
    uint32_t value = gicv2_cpu_read(&m->gic, (uint32_t)offset, size, &recognised);
    trace_device(m, false, GICV2_CPU_BASE + offset, size, value, recognised);
    follow_gic_output(m); /* acknowledging (GICC_IAR) changes the output */
    return value;
}

static void on_gic_cpu_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value,
                             void *user)
{
    (void)uc;
    apg_machine *m = user;
    bool recognised;
    gicv2_cpu_write(&m->gic, (uint32_t)offset, size, (uint32_t)value, &recognised);
    trace_device(m, true, GICV2_CPU_BASE + offset, size, value, recognised);
    follow_gic_output(m);
}

static unsigned current_el(uc_engine *uc)
{
    uint64_t pstate = 0;
    uc_reg_read(uc, UC_ARM64_REG_PSTATE, &pstate);
    return (pstate >> 2) & 3;
}

static uint64_t read_cntkctl(uc_engine *uc)
{
    uc_arm64_cp_reg reg = {.op0 = 3, .op1 = 0, .crn = 14, .crm = 1, .op2 = 0};
    uc_reg_read(uc, UC_ARM64_REG_CP_REG, &reg);
    return reg.val;
}

/* MRS and MSR of every system register come here first. The generic
 * timer's are emulated (return 1: Unicorn skips the instruction); the rest,
 * and EL0 accesses CNTKCTL_EL1 forbids (whose trap QEMU's own access check
 * raises), are left to the CPU model (return 0). */
static uint32_t timer_register_access(apg_machine *m, uc_engine *uc, uc_arm64_reg reg,
                                      const uc_arm64_cp_reg *cp, bool is_read)
{
    uint32_t sysreg = SYSREG(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
    if (!generic_timer_handles(sysreg, is_read))
        return 0;
    if (current_el(uc) == 0 && !generic_timer_el0_access_allowed(sysreg, is_read, read_cntkctl(uc)))
        return 0;
    uint64_t pc = 0;
    uc_reg_read(uc, UC_ARM64_REG_PC, &pc); /* Unicorn syncs the PC before this hook */
    uint64_t now = guest_time_at(m, pc);
    if (is_read) {
        uint64_t value = generic_timer_read(&m->timer, sysreg, now);
        if (reg != UC_ARM64_REG_XZR)
            uc_reg_write(uc, reg, &value);
    } else {
        generic_timer_write(&m->timer, sysreg, cp->val, now);
        update_timer_outputs(m, now);
    }
    return 1;
}

static uint32_t on_mrs(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
    return timer_register_access(user, uc, reg, cp, true);
}

static uint32_t on_msr(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
    return timer_register_access(user, uc, reg, cp, false);
}

/* Only PSCI calls reach here: the virt profile delivers every other exception
 * to the guest's own vector table. */
static void on_interrupt(uc_engine *uc, uint32_t intno, void *user)
{
    apg_machine *m = user;
    uint64_t x0 = 0;
    uc_reg_read(uc, UC_ARM64_REG_X0, &x0);
    psci_action action = psci_call(&x0);
    uc_reg_write(uc, UC_ARM64_REG_X0, &x0);
    (void)intno;
    if (action == PSCI_POWER_OFF || action == PSCI_RESET) {
        m->pending = action == PSCI_POWER_OFF ? PENDING_POWER_OFF : PENDING_RESET;
        uc_emu_stop(uc);
    }
}

static bool on_bad_access(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                          int64_t value, void *user)
{
    (void)uc, (void)type, (void)size, (void)value;
    apg_machine *m = user;
    m->fault_address = address;
    m->have_fault_address = true;
    return false; /* not handled: Unicorn stops with an error */
}

/* ---- power-on ---- */

static bool check(uc_err err, const char *what)
{
    if (err != UC_ERR_OK) {
        fprintf(stderr, "emu-glue: %s: %s\n", what, uc_strerror(err));
        return false;
    }
    return true;
}

static void close_engine(apg_machine *m)
{
    if (m->uc != NULL) {
        uc_close(m->uc);
        m->uc = NULL;
    }
}

/* Builds a fresh CPU and memory map and loads the image: the state QEMU's
 * direct kernel boot leaves the machine in when the kernel's first
 * instruction runs. A guest reboot keeps what QEMU's reset keeps: the UART
 * queues, the GIC's active priority bits and the clock. */
static bool power_on(apg_machine *m, bool guest_reboot)
{
    close_engine(m);
    uc_engine *uc;
    if (!check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc), "uc_open"))
        return false;
    m->uc = uc;
    bool ok = check(uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A53), "cpu model") &&
              check(uc_ctl_set_arm64_virt_machine(uc, 1), "virt profile") &&
              check(uc_ctl_set_tcg_buffer_size(uc, APG_TCG_BUFFER_SIZE), "tcg buffer");
    if (!ok)
        return false;

    /* calloc gave zeroed RAM; clear it again only if a guest has run in it */
    if (m->ram_used)
        memset(m->ram, 0, APG_RAM_SIZE);
    m->ram_used = true;
    memcpy(m->ram + (APG_KERNEL_LOAD - APG_RAM_BASE), m->image, m->image_size);

    uc_hook hook;
    ok = check(uc_mem_map_ptr(uc, APG_RAM_BASE, APG_RAM_SIZE, UC_PROT_ALL, m->ram), "map RAM") &&
         check(uc_mmio_map(uc, APG_UART_BASE, 0x1000, on_uart_read, m, on_uart_write, m),
               "map UART") &&
         check(uc_mmio_map(uc, GICV2_DIST_BASE, GICV2_WINDOW_SIZE, on_gic_dist_read, m,
                           on_gic_dist_write, m),
               "map GIC distributor") &&
         check(uc_mmio_map(uc, GICV2_CPU_BASE, GICV2_WINDOW_SIZE, on_gic_cpu_read, m,
                           on_gic_cpu_write, m),
               "map GIC CPU interface") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_BLOCK, (void *)on_block, m, 1, 0), "block hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_INSN, (void *)on_mrs, m, 1, 0, UC_ARM64_INS_MRS),
               "MRS hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_INSN, (void *)on_msr, m, 1, 0, UC_ARM64_INS_MSR),
               "MSR hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_INTR, (void *)on_interrupt, m, 1, 0), "intr hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_MEM_INVALID, (void *)on_bad_access, m, 1, 0),
               "memory hook");
    if (!ok)
        return false;

    uint64_t x0 = APG_QEMU_DTB_ADDRESS, pstate = APG_ENTRY_PSTATE, pc = APG_KERNEL_LOAD;
    ok = check(uc_reg_write(uc, UC_ARM64_REG_X0, &x0), "x0") &&
         check(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate), "pstate") &&
         check(uc_reg_write(uc, UC_ARM64_REG_PC, &pc), "pc");
    if (!ok)
        return false;

    m->pc = APG_KERNEL_LOAD;
    m->crashed = false;
    m->powered_off = false;
    m->pending = PENDING_NONE;
    memset(&m->crash, 0, sizeof m->crash);
    generic_timer_reset(&m->timer);
    m->timer_next_change = UINT64_MAX;
    m->cpu_irq_line = m->irq_raise_pending = m->in_block = false;
    if (guest_reboot) {
        gicv2_reset(&m->gic);
    } else {
        pl011_reset(&m->uart);
        gicv2_power_on(&m->gic);
        m->time_base = 0;
    }
    return true;
}

apg_machine *apg_machine_create(void)
{
    apg_machine *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->ram = calloc(1, APG_RAM_SIZE);
    if (m->ram == NULL) {
        free(m);
        return NULL;
    }
    return m;
}

void apg_machine_destroy(apg_machine *m)
{
    if (m == NULL)
        return;
    close_engine(m);
    pl011_free(&m->uart);
    free(m->image);
    free(m->ram);
    free(m);
}

bool apg_machine_load(apg_machine *m, const uint8_t *image, size_t size)
{
    if (size == 0 || size > APG_RAM_SIZE - (APG_KERNEL_LOAD - APG_RAM_BASE))
        return false;
    uint8_t *copy = malloc(size);
    if (copy == NULL)
        return false;
    memcpy(copy, image, size);
    free(m->image);
    m->image = copy;
    m->image_size = size;
    memset(&m->counters, 0, sizeof m->counters);
    return power_on(m, false);
}

/* A reboot the guest asked for (PSCI SYSTEM_RESET) keeps the UART queues:
 * what it printed is still to be shown, and keys already typed still arrive,
 * as with QEMU 7.2's PL011 (which has no reset handler). A host reset starts
 * from nothing. */
static bool restart(apg_machine *m, bool guest_reboot)
{
    if (m->image == NULL)
        return false;
    m->time_base = guest_time(m);
    uint64_t resets = m->counters.resets;
    memset(&m->counters, 0, sizeof m->counters);
    m->counters.resets = resets + 1;
    return power_on(m, guest_reboot);
}

bool apg_machine_reset(apg_machine *m)
{
    return restart(m, false);
}

/* ---- running ---- */

static const char *crash_kind(uc_err err)
{
    switch (err) {
    case UC_ERR_READ_UNMAPPED: return "unmapped read";
    case UC_ERR_WRITE_UNMAPPED: return "unmapped write";
    case UC_ERR_FETCH_UNMAPPED: return "unmapped fetch";
    case UC_ERR_READ_PROT: return "protected read";
    case UC_ERR_WRITE_PROT: return "protected write";
    case UC_ERR_FETCH_PROT: return "protected fetch";
    case UC_ERR_READ_UNALIGNED: return "unaligned read";
    case UC_ERR_WRITE_UNALIGNED: return "unaligned write";
    case UC_ERR_FETCH_UNALIGNED: return "unaligned fetch";
    case UC_ERR_INSN_INVALID: return "invalid instruction";
    case UC_ERR_EXCEPTION: return "unhandled exception";
    default: return "emulator error";
    }
}

static void record_crash(apg_machine *m, uc_err err)
{
    apg_crash *c = &m->crash;
    c->uc_error = (int)err;
    c->pc = m->pc;
    c->address = m->have_fault_address ? m->fault_address : 0;
    snprintf(c->kind, sizeof c->kind, "%s", crash_kind(err));

    uint64_t vbar = apg_machine_reg(m, UC_ARM64_REG_VBAR_EL1);
    bool at_vector = err == UC_ERR_FETCH_UNMAPPED && m->pc >= vbar && m->pc < vbar + 0x800;
    if (at_vector) {
        /* the guest took an exception but has no vector table there */
        snprintf(c->message, sizeof c->message,
                 "guest crashed: exception (ESR 0x%llx at 0x%llx) with no vector table at 0x%llx",
                 (unsigned long long)apg_machine_reg(m, UC_ARM64_REG_ESR_EL1),
                 (unsigned long long)apg_machine_reg(m, UC_ARM64_REG_ELR_EL1),
                 (unsigned long long)m->pc);
    } else if (m->have_fault_address) {
        snprintf(c->message, sizeof c->message, "guest crashed: %s at 0x%llx (pc 0x%llx)", c->kind,
                 (unsigned long long)c->address, (unsigned long long)c->pc);
    } else {
        snprintf(c->message, sizeof c->message, "guest crashed: %s (pc 0x%llx): %s", c->kind,
                 (unsigned long long)c->pc, uc_strerror(err));
    }
    m->crashed = true;
}

/* uc_emu_start() returned without an error or a stop request: the guest
 * executed WFI (Unicorn ends emulation on EXCP_HLT, and the next
 * uc_emu_start() wakes the CPU). As QEMU does with -icount sleep=off, guest
 * time jumps to the next timer event; with nothing left that could wake the
 * CPU, the machine is idle. */
static apg_run_result wait_for_interrupt(apg_machine *m)
{
    while (!m->cpu_irq_line && !m->irq_raise_pending) {
        if (m->timer_next_change == UINT64_MAX)
            return APG_RUN_IDLE;
        uint64_t wake = m->timer_next_change;
        m->time_base += wake - guest_time(m);
        update_timer_outputs(m, wake);
    }
    return APG_RUN_SLICE_DONE;
}

apg_run_result apg_machine_run(apg_machine *m, uint64_t budget)
{
    if (m->image == NULL || m->uc == NULL)
        return APG_RUN_NO_IMAGE;
    if (m->crashed)
        return APG_RUN_CRASHED;
    if (m->powered_off)
        return APG_RUN_POWERED_OFF;

    m->counters.slices++;
    m->slice_end = m->counters.instructions + (budget ? budget : 1);
    m->pending = PENDING_NONE;
    m->have_fault_address = false;
    schedule_block_event(m);
    uc_err err = uc_emu_start(m->uc, m->pc, UINT64_MAX, 0, 0);
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &m->pc);
    /* a stop inside a block: its instructions from the PC on did not run */
    m->counters.instructions = guest_time_at(m, m->pc) - m->time_base;
    m->in_block = false;
    m->counters.uart_rx_bytes = m->uart.rx_bytes;
    m->counters.uart_tx_bytes = m->uart.tx_bytes;

    if (err != UC_ERR_OK) {
        record_crash(m, err);
        return APG_RUN_CRASHED;
    }
    switch (m->pending) {
    case PENDING_POWER_OFF: m->powered_off = true; return APG_RUN_POWERED_OFF;
    case PENDING_RESET:
        if (!restart(m, true))
            return APG_RUN_CRASHED;
        return APG_RUN_SLICE_DONE;
    case PENDING_IDLE: return APG_RUN_IDLE;
    case PENDING_NONE: return wait_for_interrupt(m);
    default: return APG_RUN_SLICE_DONE;
    }
}

/* ---- host access ---- */

void apg_machine_send(apg_machine *m, const uint8_t *bytes, size_t count)
{
    byte_queue_push(&m->uart.rx, bytes, count);
}

size_t apg_machine_rx_pending(const apg_machine *m)
{
    return m->uart.rx.count;
}

const uint8_t *apg_machine_tx(apg_machine *m, size_t *count)
{
    return byte_queue_take_all(&m->uart.tx, count);
}

uint8_t *apg_machine_ram(apg_machine *m)
{
    return m->ram;
}

bool apg_machine_read(const apg_machine *m, uint64_t address, void *out, size_t size)
{
    if (address < APG_RAM_BASE || size > APG_RAM_SIZE ||
        address - APG_RAM_BASE > APG_RAM_SIZE - size)
        return false;
    memcpy(out, m->ram + (address - APG_RAM_BASE), size);
    return true;
}

uint64_t apg_machine_reg(apg_machine *m, int uc_reg)
{
    uint64_t value = 0;
    if (m->uc == NULL || uc_reg_read(m->uc, uc_reg, &value) != UC_ERR_OK)
        return 0;
    return value;
}

const apg_counters *apg_machine_counters(const apg_machine *m)
{
    return &m->counters;
}

const apg_crash *apg_machine_crash(const apg_machine *m)
{
    return m->crashed ? &m->crash : NULL;
}

void apg_machine_set_trace(apg_machine *m, apg_mmio_trace_fn fn, void *ctx)
{
    m->trace = fn;
    m->trace_ctx = ctx;
}
