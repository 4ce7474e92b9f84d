/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virt-lite on Unicorn. See machine.h for the model and README.md for how it
 * relates to QEMU's virt machine.
 */
#include "machine.h"

#include "guest_time.h"
#include "irq_schedule.h"
#include "machine_state.h"
#include "mmio_device.h"
#include "pl011.h"
#include "psci.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

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
    PENDING_HOST_OUT_OF_MEMORY,
} pending_stop;

/* A device at its place in the board's memory map (board.h). */
typedef struct {
    const char *name;
    uint64_t base, size;
    size_t state_offset; /* where its model's state is in struct apg_machine */
    mmio_read_fn read;
    mmio_write_fn write;
    bool drives_irq; /* an access may change the CPU's IRQ line */
} device_slot;

static const device_slot board_devices[];
#define DEVICE_COUNT 3

/* What Unicorn hands the MMIO hooks: the machine and which device. */
typedef struct {
    apg_machine *machine;
    const device_slot *slot;
} mapped_device;

struct apg_machine {
    uc_engine *uc;
    uint8_t *ram;
    uint8_t *image;
    size_t image_size;
    /* data the host loaded (apg_machine_load_blob), written again at every
     * power-on like QEMU's -device loader blobs */
    struct {
        uint64_t address;
        uint8_t *bytes;
        size_t size;
    } blobs[APG_MAX_BLOBS];
    size_t blob_count;
    pl011 uart;
    irq_schedule irq; /* the timer, the GIC and the CPU's IRQ line */
    guest_time time;
    mapped_device devices[DEVICE_COUNT];
    apg_counters counters;
    apg_crash crash;
    bool crashed, powered_off;
    bool ram_used; /* RAM may hold data from an earlier power-on */
    uint64_t pc;   /* where the next slice resumes */
    uint64_t slice_end;
    apg_engine engine;
    unsigned tier_hot_entries, tier_max_functions; /* 0: Unicorn's defaults */
    pending_stop pending;
    uint64_t fault_address;
    bool have_fault_address;
    apg_mmio_trace_fn trace;
    void *trace_ctx;
    apg_log_fn log;
    void *log_ctx;

    /* Snapshots: Unicorn logs the pages the guest writes (patch 0010) into
     * `dirty`; RAM equals the picture `tracked` except in those pages. */
    uint8_t *dirty;
    ram_tree tracked;
    /* The CPU context of the last checkpoint saved or restored: the next
     * checkpoint shares the chunks that did not change. */
    shared_bytes cpu_tracked;
};

#define RAM_PAGES (BOARD_RAM_SIZE >> RAM_PAGE_SHIFT)

static const device_slot board_devices[DEVICE_COUNT] = {
    {"UART", BOARD_UART_BASE, BOARD_UART_SIZE, offsetof(apg_machine, uart), pl011_read, pl011_write,
     false},
    {"GIC distributor", BOARD_GIC_DIST_BASE, BOARD_GIC_DIST_SIZE, offsetof(apg_machine, irq.gic),
     gicv2_dist_mmio_read, gicv2_dist_mmio_write, true},
    {"GIC CPU interface", BOARD_GIC_CPU_BASE, BOARD_GIC_CPU_SIZE, offsetof(apg_machine, irq.gic),
     gicv2_cpu_mmio_read, gicv2_cpu_mmio_write, true},
};

/* ---- stopping, and messages for the host ---- */

/* Ends the slice early; the first reason given wins. */
static void stop(apg_machine *m, pending_stop reason)
{
    if (m->pending != PENDING_NONE)
        return;
    m->pending = reason;
    uc_emu_stop(m->uc);
}

/* A guest error, as QEMU's LOG_GUEST_ERROR: said only when the host asked. */
static void log_guest_error(apg_machine *m, const char *format, ...)
{
    if (m->log == NULL)
        return;
    char message[160];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    m->log(m->log_ctx, message);
}

/* ---- guest time and the IRQ line ---- */

/* When on_block must leave its fast path: the slice is used up, or the
 * interrupt path has something due (a timer output turns on, an IRQ waits
 * to be raised). */
static void schedule_block_event(apg_machine *m)
{
    uint64_t at = m->slice_end;
    uint64_t event = irq_schedule_next_event(&m->irq);
    if (event != UINT64_MAX) {
        uint64_t due = event > m->time.base ? event - m->time.base : 0;
        if (due < at)
            at = due;
    }
    m->time.next_event = at;
}

static void set_cpu_irq_line(void *ctx, bool level)
{
    apg_machine *m = ctx;
    uc_ctl_set_arm64_irq_line(m->uc, level ? 1 : 0);
}

static void timers_changed(apg_machine *m, uint64_t now)
{
    irq_schedule_update_timers(&m->irq, now);
    schedule_block_event(m);
}

/* ---- hooks ---- */

/* The slow path of on_block. Returns true when the block about to start
 * does not run now, because the CPU takes an IRQ or emulation stops before
 * it (it is counted when it does run). */
static bool block_event(apg_machine *m)
{
    /* an IRQ is taken before this block: patch 0009 leaves the TB loop right after this hook */
    bool leaves = irq_schedule_block_start(&m->irq, guest_time_now(&m->time));
    if (m->time.executed >= m->slice_end && m->pending == PENDING_NONE) {
        stop(m, PENDING_SLICE_END);
        leaves = true;
    }
    schedule_block_event(m);
    return leaves;
}

/* Runs at the start of every translation block (hook engine; the hot path is
 * one compare), or only of those that start at or after time.next_event
 * (inline engine: the translated code counts the others itself, the same way). */
static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)uc;
    apg_machine *m = user;
    if (m->time.executed >= m->time.next_event && block_event(m)) {
        guest_time_skip_block(&m->time);
        return;
    }
    guest_time_count_block(&m->time, address, size);
}

static void *device_state(apg_machine *m, const device_slot *slot)
{
    return (char *)m + slot->state_offset;
}

/* What every device access leads to, whichever the device. */
static void device_accessed(apg_machine *m, const device_slot *slot, bool write, uint64_t offset,
                            unsigned size, uint64_t value, const mmio_access *access)
{
    uint64_t address = slot->base + offset;
    if (m->trace != NULL)
        m->trace(m->trace_ctx, write, address, size, value);
    if (access->unmodelled)
        log_guest_error(m, "%s: no register at 0x%08llx (offset 0x%llx): %s", slot->name,
                        (unsigned long long)address, (unsigned long long)offset,
                        write ? "write ignored" : "reads as 0");
    if (access->waits_for_input)
        stop(m, PENDING_IDLE);
    if (access->host_failed)
        stop(m, PENDING_HOST_OUT_OF_MEMORY);
    if (slot->drives_irq) {
        /* acknowledging (GICC_IAR) changes the output too */
        irq_schedule_follow_gic(&m->irq);
        schedule_block_event(m);
    }
}

static uint64_t on_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    (void)uc;
    mapped_device *d = user;
    apg_machine *m = d->machine;
    mmio_access access = {.now = m->time.executed};
    uint64_t value = d->slot->read(device_state(m, d->slot), offset, size, &access);
    device_accessed(m, d->slot, false, offset, size, value, &access);
    return value;
}

static void on_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    mapped_device *d = user;
    apg_machine *m = d->machine;
    mmio_access access = {.now = m->time.executed};
    d->slot->write(device_state(m, d->slot), offset, size, value, &access);
    device_accessed(m, d->slot, true, offset, size, value, &access);
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
    uint64_t now = guest_time_at(&m->time, pc);
    if (is_read) {
        uint64_t value = generic_timer_read(&m->irq.timer, sysreg, now);
        if (reg != UC_ARM64_REG_XZR)
            uc_reg_write(uc, reg, &value);
    } else {
        generic_timer_write(&m->irq.timer, sysreg, cp->val, now);
        timers_changed(m, now);
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

/* The inline engine's code writes guest_time as a uc_block_counter. */
_Static_assert(offsetof(guest_time, executed) == offsetof(uc_block_counter, executed) &&
                   offsetof(guest_time, next_event) == offsetof(uc_block_counter, limit) &&
                   offsetof(guest_time, block_start) == offsetof(uc_block_counter, block_start) &&
                   offsetof(guest_time, block_instructions) ==
                       offsetof(uc_block_counter, block_instructions) &&
                   offsetof(guest_time, in_block) == offsetof(uc_block_counter, in_block),
               "guest_time starts with the fields of uc_block_counter");

/* Inline: the translated code counts instructions into m->time and the block
 * hook runs only when an event is due; hook: the block hook runs at every
 * block (Unicorn as it was before patch 0011); tier: inline, and Unicorn
 * compiles hot blocks to WebAssembly (patch 0013). */
static bool apply_engine(apg_machine *m)
{
    uc_block_counter *counter =
        m->engine != APG_ENGINE_HOOK ? (uc_block_counter *)(void *)&m->time : NULL;
    bool ok = check(uc_ctl_set_block_counter(m->uc, counter), "block counter");
#ifdef __EMSCRIPTEN__
    ok = ok &&
         check(uc_ctl(m->uc, UC_CTL_WRITE(UC_CTL_TCI_TIER, 3), (int)(m->engine == APG_ENGINE_TIER),
                      (int)m->tier_hot_entries, (int)m->tier_max_functions),
               "WebAssembly tier");
#endif
    return ok;
}

static void close_engine(apg_machine *m)
{
    if (m->uc != NULL) {
        uc_close(m->uc);
        m->uc = NULL;
    }
}

/* The host wrote guest RAM [address, address + size): the next checkpoint
 * must look at those pages (the guest's own writes Unicorn logs). */
static void mark_written(apg_machine *m, uint64_t address, size_t size)
{
    if (size == 0)
        return;
    size_t first = (address - BOARD_RAM_BASE) >> RAM_PAGE_SHIFT;
    size_t last = (address - BOARD_RAM_BASE + size - 1) >> RAM_PAGE_SHIFT;
    memset(m->dirty + first, 1, last - first + 1);
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
        memset(m->ram, 0, BOARD_RAM_SIZE);
    m->ram_used = true;
    memcpy(m->ram + (BOARD_KERNEL_LOAD - BOARD_RAM_BASE), m->image, m->image_size);
    /* RAM is zero but for the image and the blobs: it differs from an
     * all-zero picture only in their pages */
    ram_tree_release(&m->tracked);
    if (!ram_tree_init_zero(&m->tracked, RAM_PAGES))
        return false;
    memset(m->dirty, 0, RAM_PAGES);
    mark_written(m, BOARD_KERNEL_LOAD, m->image_size);
    for (size_t i = 0; i < m->blob_count; i++) {
        memcpy(m->ram + (m->blobs[i].address - BOARD_RAM_BASE), m->blobs[i].bytes,
               m->blobs[i].size);
        mark_written(m, m->blobs[i].address, m->blobs[i].size);
    }

    ok =
        check(uc_mem_map_ptr(uc, BOARD_RAM_BASE, BOARD_RAM_SIZE, UC_PROT_ALL, m->ram), "map RAM") &&
        check(uc_ctl_set_dirty_log(uc, BOARD_RAM_BASE, BOARD_RAM_SIZE, m->dirty), "dirty log");
    for (size_t i = 0; ok && i < DEVICE_COUNT; i++) {
        const device_slot *slot = &board_devices[i];
        m->devices[i] = (mapped_device){.machine = m, .slot = slot};
        ok = check(uc_mmio_map(uc, slot->base, slot->size, on_mmio_read, &m->devices[i],
                               on_mmio_write, &m->devices[i]),
                   slot->name);
    }
    uc_hook hook;
    ok = ok &&
         check(uc_hook_add(uc, &hook, UC_HOOK_BLOCK, (void *)on_block, m, 1, 0), "block hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_INSN, (void *)on_mrs, m, 1, 0, UC_ARM64_INS_MRS),
               "MRS hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_INSN, (void *)on_msr, m, 1, 0, UC_ARM64_INS_MSR),
               "MSR hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_INTR, (void *)on_interrupt, m, 1, 0), "intr hook") &&
         check(uc_hook_add(uc, &hook, UC_HOOK_MEM_INVALID, (void *)on_bad_access, m, 1, 0),
               "memory hook");
    if (!ok || !apply_engine(m))
        return false;

    uint64_t x0 = BOARD_DTB_ADDRESS, pstate = APG_ENTRY_PSTATE, pc = BOARD_KERNEL_LOAD;
    ok = check(uc_reg_write(uc, UC_ARM64_REG_X0, &x0), "x0") &&
         check(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate), "pstate") &&
         check(uc_reg_write(uc, UC_ARM64_REG_PC, &pc), "pc");
    if (!ok)
        return false;

    m->pc = BOARD_KERNEL_LOAD;
    m->crashed = false;
    m->powered_off = false;
    m->pending = PENDING_NONE;
    memset(&m->crash, 0, sizeof m->crash);
    if (guest_reboot) {
        guest_time_reboot(&m->time);
        irq_schedule_reboot(&m->irq);
    } else {
        guest_time_power_on(&m->time);
        irq_schedule_power_on(&m->irq, set_cpu_irq_line, m);
        pl011_reset(&m->uart);
    }
    return true;
}

apg_machine *apg_machine_create(void)
{
    apg_machine *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->ram = calloc(1, BOARD_RAM_SIZE);
    m->dirty = calloc(1, RAM_PAGES);
    if (m->ram == NULL || m->dirty == NULL) {
        free(m->ram);
        free(m->dirty);
        free(m);
        return NULL;
    }
    m->engine = APG_ENGINE_DEFAULT;
    return m;
}

void apg_machine_destroy(apg_machine *m)
{
    if (m == NULL)
        return;
    close_engine(m);
    pl011_free(&m->uart);
    for (size_t i = 0; i < m->blob_count; i++)
        free(m->blobs[i].bytes);
    free(m->image);
    free(m->ram);
    free(m->dirty);
    ram_tree_release(&m->tracked);
    shared_bytes_release(&m->cpu_tracked);
    free(m);
}

bool apg_machine_set_engine(apg_machine *m, apg_engine engine)
{
    if (engine != APG_ENGINE_INLINE && engine != APG_ENGINE_HOOK && engine != APG_ENGINE_TIER)
        return false;
#ifndef __EMSCRIPTEN__
    if (engine == APG_ENGINE_TIER)
        return false; /* Unicorn has the tier only in its WebAssembly build */
#endif
    apg_engine before = m->engine;
    m->engine = engine;
    if (m->uc == NULL || apply_engine(m))
        return true;
    m->engine = before;
    return false;
}

bool apg_machine_set_tier_limits(apg_machine *m, unsigned hot_entries, unsigned max_functions)
{
#ifdef __EMSCRIPTEN__
    unsigned hot_before = m->tier_hot_entries, max_before = m->tier_max_functions;
    m->tier_hot_entries = hot_entries;
    m->tier_max_functions = max_functions;
    if (m->uc == NULL || apply_engine(m))
        return true;
    m->tier_hot_entries = hot_before;
    m->tier_max_functions = max_before;
#else
    (void)m, (void)hot_entries, (void)max_functions;
#endif
    return false;
}

apg_engine apg_machine_engine(const apg_machine *m)
{
    return m->engine;
}

const char *apg_engine_name(apg_engine engine)
{
    return engine == APG_ENGINE_HOOK ? "hook" : engine == APG_ENGINE_TIER ? "tier" : "inline";
}

bool apg_engine_parse(const char *name, apg_engine *engine)
{
    if (strcmp(name, "inline") == 0)
        *engine = APG_ENGINE_INLINE;
    else if (strcmp(name, "hook") == 0)
        *engine = APG_ENGINE_HOOK;
    else if (strcmp(name, "tier") == 0)
        *engine = APG_ENGINE_TIER;
    else
        return false;
    return true;
}

bool apg_machine_load(apg_machine *m, const uint8_t *image, size_t size)
{
    if (size == 0 || size > BOARD_RAM_SIZE - (BOARD_KERNEL_LOAD - BOARD_RAM_BASE))
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

bool apg_machine_load_blob(apg_machine *m, uint64_t address, const uint8_t *bytes, size_t size)
{
    if (address < BOARD_RAM_BASE || address - BOARD_RAM_BASE > BOARD_RAM_SIZE ||
        size > BOARD_RAM_SIZE - (address - BOARD_RAM_BASE))
        return false;
    size_t overlapped = 0;
    for (size_t i = 0; i < m->blob_count; i++) {
        uint64_t a = m->blobs[i].address, n = m->blobs[i].size;
        overlapped += a < address + size && address < a + n;
    }
    if (size > 0 && m->blob_count - overlapped == APG_MAX_BLOBS)
        return false;
    uint8_t *copy = NULL;
    if (size > 0) {
        copy = malloc(size);
        if (copy == NULL)
            return false;
        memcpy(copy, bytes, size);
    }
    /* the blob replaces every blob it overlaps, and their bytes are cleared:
     * a short trace loaded over a long one must not inherit its tail */
    size_t kept = 0;
    for (size_t i = 0; i < m->blob_count; i++) {
        uint64_t a = m->blobs[i].address, n = m->blobs[i].size;
        bool overlaps = a < address + size && address < a + n;
        if (overlaps || (size == 0 && a == address)) {
            memset(m->ram + (a - BOARD_RAM_BASE), 0, n);
            mark_written(m, a, n);
            free(m->blobs[i].bytes);
        } else {
            m->blobs[kept++] = m->blobs[i];
        }
    }
    m->blob_count = kept;
    if (size == 0)
        return true;
    m->blobs[m->blob_count].address = address;
    m->blobs[m->blob_count].bytes = copy;
    m->blobs[m->blob_count].size = size;
    m->blob_count++;
    memcpy(m->ram + (address - BOARD_RAM_BASE), copy, size);
    mark_written(m, address, size);
    return true;
}

/* A reboot the guest asked for (PSCI SYSTEM_RESET) keeps the UART queues:
 * what it printed is still to be shown, and keys already typed still arrive,
 * as with QEMU 7.2's PL011 (which has no reset handler). A host reset starts
 * from nothing. */
static bool restart(apg_machine *m, bool guest_reboot)
{
    if (m->image == NULL)
        return false;
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
    case UC_ERR_NOMEM: return "host out of memory";
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

/* A device could not do what the guest asked because the host ran out of
 * memory (the UART's output buffer): the machine stops rather than lose it. */
static void record_host_failure(apg_machine *m)
{
    apg_crash *c = &m->crash;
    c->uc_error = (int)UC_ERR_NOMEM;
    c->pc = m->pc;
    c->address = 0;
    snprintf(c->kind, sizeof c->kind, "%s", crash_kind(UC_ERR_NOMEM));
    snprintf(c->message, sizeof c->message,
             "emulator stopped: the host ran out of memory for the guest's UART output (pc 0x%llx)",
             (unsigned long long)c->pc);
    m->crashed = true;
}

/* uc_emu_start() returned without an error or a stop request: the guest
 * executed WFI (Unicorn ends emulation on EXCP_HLT, and the next
 * uc_emu_start() wakes the CPU). As QEMU does with -icount sleep=off, guest
 * time jumps to the next timer event; with nothing left that could wake the
 * CPU, the machine is idle. */
static apg_run_result wait_for_interrupt(apg_machine *m)
{
    while (!irq_schedule_cpu_woken(&m->irq)) {
        uint64_t wake = m->irq.timer_next_change;
        if (wake == UINT64_MAX)
            return APG_RUN_IDLE;
        guest_time_sleep_until(&m->time, wake);
        timers_changed(m, wake);
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
    m->slice_end = m->time.executed + (budget ? budget : 1);
    m->pending = PENDING_NONE;
    m->have_fault_address = false;
    schedule_block_event(m);
    uc_err err = uc_emu_start(m->uc, m->pc, UINT64_MAX, 0, 0);
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &m->pc);
    /* a stop inside a block: its instructions from the PC on did not run */
    guest_time_stop_at(&m->time, m->pc);
    m->counters.instructions = m->time.executed;
    m->counters.uart_rx_bytes = m->uart.rx_bytes;
    m->counters.uart_tx_bytes = m->uart.tx_bytes;
#ifdef __EMSCRIPTEN__
    uc_ctl(m->uc, UC_CTL_READ(UC_CTL_TCI_TIER, 1), &m->counters.compiled_blocks);
#endif

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
    case PENDING_HOST_OUT_OF_MEMORY: record_host_failure(m); return APG_RUN_CRASHED;
    case PENDING_NONE: return wait_for_interrupt(m);
    default: return APG_RUN_SLICE_DONE;
    }
}

/* ---- host access ---- */

bool apg_machine_send(apg_machine *m, const uint8_t *bytes, size_t count)
{
    return byte_queue_push(&m->uart.rx, bytes, count);
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
    if (address < BOARD_RAM_BASE || size > BOARD_RAM_SIZE ||
        address - BOARD_RAM_BASE > BOARD_RAM_SIZE - size)
        return false;
    memcpy(out, m->ram + (address - BOARD_RAM_BASE), size);
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

void apg_machine_set_log(apg_machine *m, apg_log_fn fn, void *ctx)
{
    m->log = fn;
    m->log_ctx = ctx;
}

/* ---- snapshots (machine_state.h) ---- */

machine_parts machine_parts_of(apg_machine *m)
{
    return (machine_parts){.uc = m->uc,
                           .ram = m->ram,
                           .dirty = m->dirty,
                           .tracked = &m->tracked,
                           .cpu_tracked = &m->cpu_tracked,
                           .uart = &m->uart};
}

void machine_state_get(const apg_machine *m, machine_state *s)
{
    *s = (machine_state){
        .counters = m->counters,
        .crash = m->crash,
        .crashed = m->crashed,
        .powered_off = m->powered_off,
        .pc = m->pc,
        .time = m->time,
        .irq = m->irq,
        .uart_last_empty_poll = m->uart.last_empty_poll,
        .uart_polled_empty_before = m->uart.polled_empty_before,
        .uart_rx_bytes = m->uart.rx_bytes,
        .uart_tx_bytes = m->uart.tx_bytes,
    };
    /* the callback belongs to this machine, not to the state */
    s->irq.set_cpu_irq_line = NULL;
    s->irq.ctx = NULL;
}

void machine_state_set(apg_machine *m, const machine_state *s)
{
    m->counters = s->counters;
    m->crash = s->crash;
    m->crashed = s->crashed;
    m->powered_off = s->powered_off;
    m->pc = s->pc;
    m->time = s->time;
    m->time.in_block = 0;
    m->irq = s->irq;
    m->irq.set_cpu_irq_line = set_cpu_irq_line;
    m->irq.ctx = m;
    m->uart.last_empty_poll = s->uart_last_empty_poll;
    m->uart.polled_empty_before = s->uart_polled_empty_before;
    m->uart.rx_bytes = s->uart_rx_bytes;
    m->uart.tx_bytes = s->uart_tx_bytes;
    m->pending = PENDING_NONE;
    /* The CPU's line starts low and a high line is raised again at the next
     * block start, the one place a raise is taken without running part of a
     * block twice (irq_schedule.h); with PSTATE.I set the CPU then carries on
     * exactly as it would have with the line already high. */
    m->irq.raise_pending = s->irq.cpu_irq_line || s->irq.raise_pending;
    m->irq.cpu_irq_line = false;
    if (m->uc != NULL)
        uc_ctl_set_arm64_irq_line(m->uc, 0);
    schedule_block_event(m);
}
