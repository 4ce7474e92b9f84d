/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The functions the JavaScript wrapper (js/machine.mjs) calls. They only
 * adapt types: JavaScript numbers instead of 64-bit integers (which
 * Emscripten 3.1.6 would split in two), register names instead of Unicorn ids.
 */
#include "machine.h"
#include "snapshot.h"

#include <emscripten.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

EMSCRIPTEN_KEEPALIVE apg_machine *apg_js_create(void)
{
    return apg_machine_create();
}

/* engine: 0 inline, 1 hook, 2 tier (apg_engine) */
EMSCRIPTEN_KEEPALIVE int apg_js_set_engine(apg_machine *m, int engine)
{
    return apg_machine_set_engine(m, (apg_engine)engine);
}

EMSCRIPTEN_KEEPALIVE int apg_js_set_tier_limits(apg_machine *m, unsigned hot_entries,
                                                unsigned max_functions)
{
    return apg_machine_set_tier_limits(m, hot_entries, max_functions);
}

EMSCRIPTEN_KEEPALIVE void apg_js_destroy(apg_machine *m)
{
    apg_machine_destroy(m);
}

EMSCRIPTEN_KEEPALIVE int apg_js_load(apg_machine *m, const uint8_t *image, uint32_t size)
{
    return apg_machine_load(m, image, size);
}

EMSCRIPTEN_KEEPALIVE int apg_js_load_blob(apg_machine *m, double address, const uint8_t *bytes,
                                          uint32_t size)
{
    if (!(address >= 0 && address < 18446744073709551616.0))
        return 0;
    return apg_machine_load_blob(m, (uint64_t)address, bytes, size);
}

EMSCRIPTEN_KEEPALIVE int apg_js_reset(apg_machine *m)
{
    return apg_machine_reset(m);
}

EMSCRIPTEN_KEEPALIVE int apg_js_run(apg_machine *m, double budget)
{
    return (int)apg_machine_run(m, budget < 1 ? 1 : (uint64_t)budget);
}

/* Returns 0, having queued nothing, if there is no memory for the bytes. */
EMSCRIPTEN_KEEPALIVE int apg_js_send(apg_machine *m, const uint8_t *bytes, uint32_t count)
{
    return apg_machine_send(m, bytes, count);
}

EMSCRIPTEN_KEEPALIVE uint32_t apg_js_rx_pending(apg_machine *m)
{
    return (uint32_t)apg_machine_rx_pending(m);
}

/* Returns the output bytes and stores their count at *count. */
EMSCRIPTEN_KEEPALIVE const uint8_t *apg_js_tx(apg_machine *m, uint32_t *count)
{
    size_t n;
    const uint8_t *bytes = apg_machine_tx(m, &n);
    *count = (uint32_t)n;
    return bytes;
}

EMSCRIPTEN_KEEPALIVE uint8_t *apg_js_ram(apg_machine *m)
{
    return apg_machine_ram(m);
}

typedef struct {
    const char *name;
    int id;
} named_register;

static const named_register registers[] = {
    {"pc", UC_ARM64_REG_PC},
    {"sp", UC_ARM64_REG_SP},
    {"pstate", UC_ARM64_REG_PSTATE},
    {"elr_el1", UC_ARM64_REG_ELR_EL1},
    {"esr_el1", UC_ARM64_REG_ESR_EL1},
    {"far_el1", UC_ARM64_REG_FAR_EL1},
    {"vbar_el1", UC_ARM64_REG_VBAR_EL1},
    {"sp_el0", UC_ARM64_REG_SP_EL0},
    {"sp_el1", UC_ARM64_REG_SP_EL1},
};

static int register_id(const char *name)
{
    if (name[0] == 'x' && name[1] >= '0' && name[1] <= '9') {
        int n = name[1] - '0';
        if (name[2] >= '0' && name[2] <= '9' && name[3] == '\0')
            n = n * 10 + (name[2] - '0');
        else if (name[2] != '\0')
            return -1;
        if (n <= 28)
            return UC_ARM64_REG_X0 + n;
        return n == 29 ? UC_ARM64_REG_X29 : n == 30 ? UC_ARM64_REG_X30 : -1;
    }
    for (size_t i = 0; i < sizeof registers / sizeof registers[0]; i++) {
        if (strcmp(registers[i].name, name) == 0)
            return registers[i].id;
    }
    return -1;
}

/* Writes the register's low and high 32 bits to out[0], out[1]; returns 0
 * for an unknown name. */
EMSCRIPTEN_KEEPALIVE int apg_js_register(apg_machine *m, const char *name, uint32_t *out)
{
    int id = register_id(name);
    if (id < 0)
        return 0;
    uint64_t value = apg_machine_reg(m, id);
    out[0] = (uint32_t)value;
    out[1] = (uint32_t)(value >> 32);
    return 1;
}

enum {
    COUNTER_INSTRUCTIONS,
    COUNTER_RESETS,
    COUNTER_RX,
    COUNTER_TX,
    COUNTER_SLICES,
    COUNTER_COMPILED
};

EMSCRIPTEN_KEEPALIVE double apg_js_counter(apg_machine *m, int which)
{
    const apg_counters *c = apg_machine_counters(m);
    switch (which) {
    case COUNTER_INSTRUCTIONS: return (double)c->instructions;
    case COUNTER_RESETS: return (double)c->resets;
    case COUNTER_RX: return (double)c->uart_rx_bytes;
    case COUNTER_TX: return (double)c->uart_tx_bytes;
    case COUNTER_SLICES: return (double)c->slices;
    case COUNTER_COMPILED: return (double)c->compiled_blocks;
    default: return 0;
    }
}

/* NULL when the guest has not crashed; else the struct apg_crash (layout in
 * js/machine.mjs). */
EMSCRIPTEN_KEEPALIVE const apg_crash *apg_js_crash(apg_machine *m)
{
    return apg_machine_crash(m);
}

/* ---- checkpoints (snapshot.h) ---- */

EMSCRIPTEN_KEEPALIVE apg_checkpoint *apg_js_checkpoint_save(apg_machine *m)
{
    return apg_checkpoint_save(m);
}

EMSCRIPTEN_KEEPALIVE int apg_js_checkpoint_restore(apg_machine *m, const apg_checkpoint *c)
{
    return apg_checkpoint_restore(m, c);
}

EMSCRIPTEN_KEEPALIVE void apg_js_checkpoint_free(apg_checkpoint *c)
{
    apg_checkpoint_free(c);
}

EMSCRIPTEN_KEEPALIVE int apg_js_checkpoint_read(const apg_checkpoint *c, double address,
                                                uint8_t *out, uint32_t size)
{
    return address >= 0 && apg_checkpoint_read(c, (uint64_t)address, out, size);
}

/* Returns malloc'd bytes (the caller frees them) and stores their count at *size. */
EMSCRIPTEN_KEEPALIVE uint8_t *apg_js_checkpoint_serialise(const apg_checkpoint *c, uint32_t *size)
{
    size_t n = 0;
    uint8_t *bytes = apg_checkpoint_serialise(c, &n);
    *size = (uint32_t)n;
    return bytes;
}

/* NULL on bad bytes, with the reason (a static string) at *error. */
EMSCRIPTEN_KEEPALIVE apg_checkpoint *apg_js_checkpoint_deserialise(apg_machine *m,
                                                                   const uint8_t *bytes,
                                                                   uint32_t size,
                                                                   const char **error)
{
    return apg_checkpoint_deserialise(m, bytes, size, error);
}

EMSCRIPTEN_KEEPALIVE double apg_js_checkpoint_memory(void)
{
    return (double)apg_checkpoint_memory_in_use();
}

EMSCRIPTEN_KEEPALIVE void *apg_js_malloc(uint32_t size)
{
    return malloc(size);
}

EMSCRIPTEN_KEEPALIVE void apg_js_free(void *p)
{
    free(p);
}
