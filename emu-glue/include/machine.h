/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virt-lite: the part of QEMU's `virt` machine the Allocator Playground kernel
 * needs, on top of Unicorn, at the addresses of the board's memory map
 * (firmware/include/board.h): 128 MiB of RAM, a PL011 UART, a GICv2 with the
 * generic timer's interrupts, PSCI through HVC, a Cortex-A53 entered at EL1
 * exactly as QEMU enters a raw image. Guest time is the instruction count
 * (128 ns per instruction, as QEMU's -icount shift=7). The same code runs
 * natively and compiled to WebAssembly.
 *
 * Time and output are driven by the host: apg_machine_run() executes a bounded
 * slice and says why it stopped; the host then drains UART output with
 * apg_machine_tx(), feeds keys with apg_machine_send() and calls run again.
 */
#ifndef APG_MACHINE_H
#define APG_MACHINE_H

#include "board.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct apg_machine apg_machine;

/* Why apg_machine_run() returned. */
typedef enum {
    APG_RUN_SLICE_DONE = 0,  /* the instruction budget ran out: call run again */
    APG_RUN_IDLE = 1,        /* the guest waits for UART input that is not there */
    APG_RUN_POWERED_OFF = 2, /* PSCI SYSTEM_OFF */
    APG_RUN_CRASHED = 3,     /* Unicorn stopped with an error: see apg_machine_crash() */
    APG_RUN_NO_IMAGE = 4,    /* nothing loaded */
} apg_run_result;

/* A guest crash, as structured data for the host to show. */
typedef struct {
    int uc_error;      /* Unicorn's uc_err */
    uint64_t pc;       /* guest PC when it stopped */
    uint64_t address;  /* faulting data/fetch address, if any (else 0) */
    char kind[32];     /* short name: "unmapped read", "invalid instruction", ... */
    char message[160]; /* one readable sentence */
} apg_crash;

/* Per-machine counters a host can show or benchmark with. */
typedef struct {
    uint64_t instructions; /* guest instructions executed since power-on */
    uint64_t resets;       /* PSCI SYSTEM_RESET reboots */
    uint64_t uart_rx_bytes;
    uint64_t uart_tx_bytes;
    uint64_t slices;
    uint64_t compiled_blocks; /* blocks the tier engine compiled to WebAssembly since power-on */
} apg_counters;

apg_machine *apg_machine_create(void);
void apg_machine_destroy(apg_machine *m);

/* How Unicorn runs and counts guest instructions (guest_time.h). All give
 * the same guest-visible results. inline (the native default) and tier (the
 * WebAssembly default) are the fast ways; hook is the way before Unicorn
 * patch 0011 and inline without tier the way before patch 0013, kept for
 * comparison. */
typedef enum {
    APG_ENGINE_INLINE, /* the translated code counts; the block hook runs when an event is due */
    APG_ENGINE_HOOK,   /* the block hook runs at every translation block */
    APG_ENGINE_TIER,   /* inline, and hot blocks run as WebAssembly functions (wasm build only) */
} apg_engine;

/* The engine a new machine starts with: tier in the WebAssembly build,
 * inline elsewhere. */
#ifdef __EMSCRIPTEN__
#define APG_ENGINE_DEFAULT APG_ENGINE_TIER
#else
#define APG_ENGINE_DEFAULT APG_ENGINE_INLINE
#endif

/* Any time between runs. False, changing nothing, for an unknown engine,
 * tier outside the WebAssembly build, or if Unicorn refuses. */
bool apg_machine_set_engine(apg_machine *m, apg_engine engine);
apg_engine apg_machine_engine(const apg_machine *m);
/* The tier engine's limits, for tests: a block is compiled when it starts
 * for the hot_entries'th time, and every compiled block is dropped when one
 * more than max_functions would be (0: Unicorn's defaults, 40 and 1024).
 * hot_entries 1 runs every block through the compiler. False outside the
 * WebAssembly build. */
bool apg_machine_set_tier_limits(apg_machine *m, unsigned hot_entries, unsigned max_functions);
const char *apg_engine_name(apg_engine engine);
/* "inline", "hook" or "tier"; false for anything else */
bool apg_engine_parse(const char *name, apg_engine *engine);

/* Copies the raw image (kernel8.img) and powers the machine on with it.
 * Returns false if the image does not fit in RAM or Unicorn fails to start. */
bool apg_machine_load(apg_machine *m, const uint8_t *image, size_t size);

/* Puts `size` bytes at guest physical `address` now and at every later
 * power-on (reset, reboot), as QEMU's -device loader,file=F,addr=A,force-raw=on
 * does. A blob replaces every earlier blob it overlaps (their bytes are
 * cleared first); size 0 removes the blob at `address`. At most
 * APG_MAX_BLOBS blobs. Returns false if the range is not inside RAM or
 * memory runs out; nothing changes then. Used for the trace area
 * (0x47000000). */
#define APG_MAX_BLOBS 4
bool apg_machine_load_blob(apg_machine *m, uint64_t address, const uint8_t *bytes, size_t size);

/* Power-on reset from the pristine image: RAM cleared, CPU as at entry,
 * queues emptied. Also what PSCI SYSTEM_RESET does. */
bool apg_machine_reset(apg_machine *m);

/* Runs until idle, power-off, a crash, or `budget` guest instructions. */
apg_run_result apg_machine_run(apg_machine *m, uint64_t budget);

/* Keystrokes for the guest's UART receive queue. Returns false, having
 * queued nothing, if the host has no memory for them. */
bool apg_machine_send(apg_machine *m, const uint8_t *bytes, size_t count);
size_t apg_machine_rx_pending(const apg_machine *m);

/* UART output since the last call: pointer to *count bytes, valid until the
 * next call into the machine. */
const uint8_t *apg_machine_tx(apg_machine *m, size_t *count);

/* Host view of guest RAM (BOARD_RAM_SIZE bytes at BOARD_RAM_BASE), no copy. */
uint8_t *apg_machine_ram(apg_machine *m);
/* Copies guest memory [address, address + size) if it lies inside RAM. */
bool apg_machine_read(const apg_machine *m, uint64_t address, void *out, size_t size);

/* Register by Unicorn id (UC_ARM64_REG_*); 0 if unreadable. */
uint64_t apg_machine_reg(apg_machine *m, int uc_reg);

const apg_counters *apg_machine_counters(const apg_machine *m);
const apg_crash *apg_machine_crash(const apg_machine *m);

/* MMIO trace: called for every device access when set (the runner's --trace). */
typedef void (*apg_mmio_trace_fn)(void *ctx, bool write, uint64_t address, unsigned size,
                                  uint64_t value);
void apg_machine_set_trace(apg_machine *m, apg_mmio_trace_fn fn, void *ctx);

/* Guest errors, as QEMU's -d guest_errors (LOG_GUEST_ERROR): an access to a
 * device register the model does not have (it reads as 0 and ignores
 * writes). One sentence per call, no newline; the runner's --trace prints them. */
typedef void (*apg_log_fn)(void *ctx, const char *message);
void apg_machine_set_log(apg_machine *m, apg_log_fn fn, void *ctx);

#endif
