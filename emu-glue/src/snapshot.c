/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checkpoints: see snapshot.h. The CPU is Unicorn's CPU context
 * (uc_context_save: QEMU's CPUARMState up to its breakpoint list, which holds
 * every general, FP/SIMD and system register, the exception banks
 * SPSR/ELR/SP_ELx, the exclusive monitor and the cached hflags); the
 * generic timer, the GIC, the PL011 and guest time are emu-glue's own
 * (machine_state.h); RAM is a ram_tree. The CPU context is kept as
 * shared_bytes, sharing its unchanged chunks with the context of the
 * machine's previous checkpoint (saved or restored).
 */
#include "snapshot.h"

#include "machine_state.h"

#include <stdlib.h>
#include <string.h>

struct apg_checkpoint {
    ram_tree ram;
    machine_state state;
    shared_bytes cpu; /* the CPU context's data */
    uint8_t *uart_rx; /* keys the guest has not read yet */
    size_t uart_rx_count;
    uint8_t *uart_tx; /* output the host has not taken yet */
    size_t uart_tx_count;
};

#define RAM_PAGES (BOARD_RAM_SIZE >> RAM_PAGE_SHIFT)

/* Checkpoint memory outside the shared pages. */
static size_t own_memory_in_use;

static size_t own_bytes(const apg_checkpoint *c)
{
    return sizeof *c + c->uart_rx_count + c->uart_tx_count +
           (RAM_PAGES / RAM_PAGES_PER_LEAF) * sizeof(void *);
}

size_t apg_checkpoint_memory_in_use(void)
{
    return own_memory_in_use + ram_pages_memory_in_use() + shared_bytes_memory_in_use();
}

/* ---- the CPU: Unicorn's context, whose data follows a small header ---- */

/* A context of this engine and where its data starts. uc_context starts
 * with the size of its data (uc_priv.h), which gives the header's length. */
static uc_context *cpu_context(uc_engine *uc, uint8_t **data, size_t *size)
{
    uc_context *ctx;
    if (uc_context_alloc(uc, &ctx) != UC_ERR_OK)
        return NULL;
    size_t total = uc_context_size(uc);
    size_t data_size;
    memcpy(&data_size, ctx, sizeof data_size);
    if (data_size == 0 || data_size >= total) {
        uc_context_free(ctx);
        return NULL;
    }
    *data = (uint8_t *)ctx + (total - data_size);
    *size = data_size;
    return ctx;
}

static bool save_cpu(apg_checkpoint *c, const machine_parts *parts)
{
    uint8_t *data;
    size_t size;
    uc_context *ctx = cpu_context(parts->uc, &data, &size);
    if (ctx == NULL)
        return false;
    bool ok = uc_context_save(parts->uc, ctx) == UC_ERR_OK &&
              shared_bytes_capture(&c->cpu, parts->cpu_tracked, data, size);
    uc_context_free(ctx);
    return ok;
}

/* The machine's CPU is c's now: the next checkpoint shares c's chunks. */
static void track_cpu(const machine_parts *parts, const apg_checkpoint *c)
{
    shared_bytes_release(parts->cpu_tracked);
    shared_bytes_copy(parts->cpu_tracked, &c->cpu); /* no memory: shares nothing, still exact */
}

static size_t engine_cpu_size(uc_engine *uc)
{
    uint8_t *data;
    size_t size = 0;
    uc_context *ctx = cpu_context(uc, &data, &size);
    if (ctx == NULL)
        return 0;
    uc_context_free(ctx);
    return size;
}

static bool restore_cpu(uc_engine *uc, const apg_checkpoint *c)
{
    uint8_t *data;
    size_t size;
    uc_context *ctx = cpu_context(uc, &data, &size);
    if (ctx == NULL)
        return false;
    bool ok = size == c->cpu.size;
    if (ok) {
        shared_bytes_read(&c->cpu, data);
        ok = uc_context_restore(uc, ctx) == UC_ERR_OK;
    }
    uc_context_free(ctx);
    return ok;
}

/* ---- save, restore ---- */

static uint8_t *copy_bytes(const uint8_t *bytes, size_t count)
{
    uint8_t *copy = malloc(count ? count : 1);
    if (copy != NULL && count > 0)
        memcpy(copy, bytes, count);
    return copy;
}

/* The unread part of a byte queue, oldest first. */
static uint8_t *queue_contents(const byte_queue *q, size_t *count)
{
    uint8_t *out = malloc(q->count ? q->count : 1);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < q->count; i++)
        out[i] = q->data[(q->head + i) % q->capacity];
    *count = q->count;
    return out;
}

static void free_contents(apg_checkpoint *c)
{
    ram_tree_release(&c->ram);
    shared_bytes_release(&c->cpu);
    free(c->uart_rx);
    free(c->uart_tx);
}

void apg_checkpoint_free(apg_checkpoint *c)
{
    if (c == NULL)
        return;
    own_memory_in_use -= own_bytes(c);
    free_contents(c);
    free(c);
}

static apg_checkpoint *track(apg_checkpoint *c)
{
    own_memory_in_use += own_bytes(c);
    return c;
}

apg_checkpoint *apg_checkpoint_save(apg_machine *m)
{
    machine_parts parts = machine_parts_of(m);
    if (parts.uc == NULL)
        return NULL;
    apg_checkpoint *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    machine_state_get(m, &c->state);
    bool ok = save_cpu(c, &parts) &&
              (c->uart_rx = queue_contents(&parts.uart->rx, &c->uart_rx_count)) != NULL &&
              (c->uart_tx = queue_contents(&parts.uart->tx, &c->uart_tx_count)) != NULL &&
              ram_tree_capture(&c->ram, parts.tracked, parts.ram, parts.dirty);
    ram_tree next;
    if (!ok || !ram_tree_copy(&next, &c->ram)) {
        free_contents(c);
        free(c);
        return NULL;
    }
    /* RAM now equals the checkpoint's picture: log writes from here on.
     * A TLB entry logs only its first write, so refill them all. */
    ram_tree_release(parts.tracked);
    *parts.tracked = next;
    memset(parts.dirty, 0, RAM_PAGES);
    uc_ctl_flush_tlb(parts.uc);
    track_cpu(&parts, c);
    return track(c);
}

static bool refill_queue(byte_queue *q, const uint8_t *bytes, size_t count)
{
    byte_queue_clear(q);
    return byte_queue_push(q, bytes, count);
}

/* Drops the translated code of every page marked in written[] (runs of
 * pages at once): only code made from bytes that changed must go, and the
 * rest stays translated for the next command. */
static void forget_code_of(uc_engine *uc, const uint8_t *written)
{
    for (size_t page = 0; page < RAM_PAGES; page++) {
        if (!written[page])
            continue;
        size_t end = page + 1;
        while (end < RAM_PAGES && written[end])
            end++;
        uint64_t address = BOARD_RAM_BASE + ((uint64_t)page << RAM_PAGE_SHIFT);
        if (uc_ctl_invalidate_tb_phys(uc, address, (uint64_t)(end - page) << RAM_PAGE_SHIFT) !=
            UC_ERR_OK) {
            uc_ctl_flush_tb(uc); /* cannot happen for a range inside RAM; stay exact anyway */
            return;
        }
        page = end;
    }
}

bool apg_checkpoint_restore(apg_machine *m, const apg_checkpoint *c)
{
    machine_parts parts = machine_parts_of(m);
    ram_tree next;
    if (parts.uc == NULL || !ram_tree_copy(&next, &c->ram))
        return false;
    /* the queues first: the only step after this that can fail */
    if (!refill_queue(&parts.uart->rx, c->uart_rx, c->uart_rx_count) ||
        !refill_queue(&parts.uart->tx, c->uart_tx, c->uart_tx_count) || !restore_cpu(parts.uc, c)) {
        ram_tree_release(&next);
        return false;
    }
    /* dirty[] becomes the map of the pages written */
    ram_tree_apply(&c->ram, parts.tracked, parts.ram, parts.dirty, parts.dirty);
    ram_tree_release(parts.tracked);
    *parts.tracked = next;
    /* Nothing translated from the old bytes may run (the kernel loads user
     * programs into RAM), and no TLB entry may hold the old page tables or
     * skip the dirty log. */
    forget_code_of(parts.uc, parts.dirty);
    memset(parts.dirty, 0, RAM_PAGES);
    uc_ctl_flush_tlb(parts.uc);
    machine_state_set(m, &c->state);
    track_cpu(&parts, c);
    return true;
}

bool apg_checkpoint_read(const apg_checkpoint *c, uint64_t address, void *out, size_t size)
{
    if (address < BOARD_RAM_BASE || size > BOARD_RAM_SIZE ||
        address - BOARD_RAM_BASE > BOARD_RAM_SIZE - size)
        return false;
    uint8_t *dest = out;
    uint64_t offset = address - BOARD_RAM_BASE;
    while (size > 0) {
        size_t in_page = offset & (RAM_PAGE_SIZE - 1);
        size_t n = RAM_PAGE_SIZE - in_page < size ? RAM_PAGE_SIZE - in_page : size;
        const uint8_t *page = ram_tree_page(&c->ram, (size_t)(offset >> RAM_PAGE_SHIFT));
        if (page != NULL)
            memcpy(dest, page + in_page, n);
        else
            memset(dest, 0, n);
        dest += n;
        offset += n;
        size -= n;
    }
    return true;
}

/* ---- bytes ----
 *
 * "APGCKPT1", then u32 fields (host byte order, checked through the magic
 * word below): format version, size of machine_state, size of the CPU
 * context, page size, RAM pages, pointer size, receive and transmit queue
 * lengths, stored pages; then the machine state, the CPU context, the two
 * queues, and for every non-zero page its u32 index and its bytes; last a
 * 64-bit FNV-1a of everything before it. */

#define FORMAT_MAGIC "APGCKPT1"
#define FORMAT_VERSION 2u /* 2: guest_time starts with the fields of uc_block_counter */
#define BYTE_ORDER_WORD 0x01020304u

enum {
    F_BYTE_ORDER,
    F_VERSION,
    F_STATE_SIZE,
    F_CPU_SIZE,
    F_PAGE_SIZE,
    F_RAM_PAGES,
    F_POINTER_SIZE,
    F_RX_COUNT,
    F_TX_COUNT,
    F_STORED_PAGES,
    F_COUNT
};

#define HEADER_SIZE (8 + F_COUNT * 4)

static uint64_t fnv1a(const uint8_t *bytes, size_t size)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ bytes[i]) * 0x100000001b3ull;
    return h;
}

static uint8_t *put(uint8_t *at, const void *bytes, size_t size)
{
    if (size > 0)
        memcpy(at, bytes, size);
    return at + size;
}

uint8_t *apg_checkpoint_serialise(const apg_checkpoint *c, size_t *size)
{
    uint32_t stored = 0;
    for (size_t page = 0; page < RAM_PAGES; page++)
        stored += ram_tree_page(&c->ram, page) != NULL;
    uint32_t fields[F_COUNT] = {
        [F_BYTE_ORDER] = BYTE_ORDER_WORD,
        [F_VERSION] = FORMAT_VERSION,
        [F_STATE_SIZE] = sizeof(machine_state),
        [F_CPU_SIZE] = (uint32_t)c->cpu.size,
        [F_PAGE_SIZE] = RAM_PAGE_SIZE,
        [F_RAM_PAGES] = RAM_PAGES,
        [F_POINTER_SIZE] = sizeof(void *),
        [F_RX_COUNT] = (uint32_t)c->uart_rx_count,
        [F_TX_COUNT] = (uint32_t)c->uart_tx_count,
        [F_STORED_PAGES] = stored,
    };
    size_t total = HEADER_SIZE + sizeof(machine_state) + c->cpu.size + c->uart_rx_count +
                   c->uart_tx_count + (size_t)stored * (4 + RAM_PAGE_SIZE) + 8;
    uint8_t *out = malloc(total);
    if (out == NULL)
        return NULL;
    uint8_t *at = put(out, FORMAT_MAGIC, 8);
    at = put(at, fields, sizeof fields);
    at = put(at, &c->state, sizeof c->state);
    shared_bytes_read(&c->cpu, at);
    at += c->cpu.size;
    at = put(at, c->uart_rx, c->uart_rx_count);
    at = put(at, c->uart_tx, c->uart_tx_count);
    for (uint32_t page = 0; page < RAM_PAGES; page++) {
        const uint8_t *bytes = ram_tree_page(&c->ram, page);
        if (bytes != NULL) {
            at = put(at, &page, 4);
            at = put(at, bytes, RAM_PAGE_SIZE);
        }
    }
    uint64_t sum = fnv1a(out, (size_t)(at - out));
    put(at, &sum, 8);
    *size = total;
    return out;
}

/* Reads a checkpoint's parts from checked bytes into c. */
static bool parse(apg_checkpoint *c, const shared_bytes *cpu_base, const uint8_t *at,
                  const uint32_t *fields, const char **error)
{
    memcpy(&c->state, at, sizeof c->state);
    at += sizeof c->state;
    c->uart_rx_count = fields[F_RX_COUNT];
    c->uart_tx_count = fields[F_TX_COUNT];
    bool cpu_ok = shared_bytes_capture(&c->cpu, cpu_base, at, fields[F_CPU_SIZE]);
    at += fields[F_CPU_SIZE];
    c->uart_rx = copy_bytes(at, c->uart_rx_count);
    at += c->uart_rx_count;
    c->uart_tx = copy_bytes(at, c->uart_tx_count);
    at += c->uart_tx_count;
    *error = "out of memory";
    if (!cpu_ok || c->uart_rx == NULL || c->uart_tx == NULL ||
        !ram_tree_init_zero(&c->ram, RAM_PAGES))
        return false;
    for (uint32_t i = 0, previous = 0; i < fields[F_STORED_PAGES]; i++) {
        uint32_t page;
        memcpy(&page, at, 4);
        if (page >= RAM_PAGES || (i > 0 && page <= previous)) {
            *error = "the checkpoint's page list is out of order or outside RAM";
            return false;
        }
        if (!ram_tree_put_page(&c->ram, page, at + 4))
            return false;
        previous = page;
        at += 4 + RAM_PAGE_SIZE;
    }
    return true;
}

static bool state_is_sane(const machine_state *s)
{
    const gicv2 *g = &s->irq.gic;
    return (g->current_pending < GICV2_IRQ_COUNT || g->current_pending == GICV2_SPURIOUS) &&
           g->running_priority <= 0x100;
}

apg_checkpoint *apg_checkpoint_deserialise(apg_machine *m, const uint8_t *bytes, size_t size,
                                           const char **error)
{
    machine_parts parts = machine_parts_of(m);
    uint32_t fields[F_COUNT];
    if (parts.uc == NULL) {
        *error = "load an image before loading a checkpoint";
        return NULL;
    }
    if (size < HEADER_SIZE + 8 || memcmp(bytes, FORMAT_MAGIC, 8) != 0) {
        *error = "not a checkpoint (no APGCKPT1 header)";
        return NULL;
    }
    memcpy(fields, bytes + 8, sizeof fields);
    if (fields[F_BYTE_ORDER] != BYTE_ORDER_WORD || fields[F_VERSION] != FORMAT_VERSION ||
        fields[F_STATE_SIZE] != sizeof(machine_state) ||
        fields[F_CPU_SIZE] != engine_cpu_size(parts.uc) || fields[F_PAGE_SIZE] != RAM_PAGE_SIZE ||
        fields[F_RAM_PAGES] != RAM_PAGES || fields[F_POINTER_SIZE] != sizeof(void *)) {
        *error = "the checkpoint was made by another build of the emulator";
        return NULL;
    }
    uint64_t expected = HEADER_SIZE + (uint64_t)sizeof(machine_state) + fields[F_CPU_SIZE] +
                        fields[F_RX_COUNT] + fields[F_TX_COUNT] +
                        (uint64_t)fields[F_STORED_PAGES] * (4 + RAM_PAGE_SIZE) + 8;
    if (fields[F_STORED_PAGES] > RAM_PAGES || expected != size) {
        *error = "the checkpoint is truncated or has extra bytes";
        return NULL;
    }
    uint64_t sum;
    memcpy(&sum, bytes + size - 8, 8);
    if (sum != fnv1a(bytes, size - 8)) {
        *error = "the checkpoint is damaged (checksum mismatch)";
        return NULL;
    }
    machine_state state;
    memcpy(&state, bytes + HEADER_SIZE, sizeof state);
    if (!state_is_sane(&state)) {
        *error = "the checkpoint's interrupt controller state is invalid";
        return NULL;
    }

    apg_checkpoint *c = calloc(1, sizeof *c);
    if (c == NULL) {
        *error = "out of memory";
        return NULL;
    }
    if (!parse(c, parts.cpu_tracked, bytes + HEADER_SIZE, fields, error)) {
        free_contents(c);
        free(c);
        return NULL;
    }
    return track(c);
}
