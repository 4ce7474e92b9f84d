/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virt-lite on Unicorn. See machine.h for the model and README.md for how it
 * relates to QEMU's virt machine.
 */
#include "machine.h"

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
};

/* ---- hooks ---- */

static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)address;
    apg_machine *m = user;
    m->counters.instructions += size / 4; /* A64 instructions are 4 bytes */
    if (m->counters.instructions >= m->slice_end && m->pending == PENDING_NONE) {
        m->pending = PENDING_SLICE_END;
        uc_emu_stop(uc);
    }
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
 * instruction runs. */
static bool power_on(apg_machine *m, bool keep_uart_queues)
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
         check(uc_hook_add(uc, &hook, UC_HOOK_BLOCK, (void *)on_block, m, 1, 0), "block hook") &&
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
    if (!keep_uart_queues)
        pl011_reset(&m->uart);
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
static bool restart(apg_machine *m, bool keep_uart_queues)
{
    if (m->image == NULL)
        return false;
    uint64_t resets = m->counters.resets;
    memset(&m->counters, 0, sizeof m->counters);
    m->counters.resets = resets + 1;
    return power_on(m, keep_uart_queues);
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
    uc_err err = uc_emu_start(m->uc, m->pc, UINT64_MAX, 0, 0);
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &m->pc);
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
