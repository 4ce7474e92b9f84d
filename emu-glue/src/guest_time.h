/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest time: the instruction count, as QEMU's -icount. Time is `base` plus
 * the instructions executed in this power-on: a guest reboot does not stop
 * the clock (as in QEMU), and WFI skips ahead to the next timer event.
 *
 * Instructions are counted a translation block at a time, when the block
 * starts: by the translated code itself (the inline engine, Unicorn's
 * UC_CTL_BLOCK_COUNTER from patch 0011, which writes the first five fields
 * of this struct) or by the block hook (the hook engine). The clock
 * remembers that block, so that a stop inside it (an MMIO access that ends
 * the slice, a system register read) can tell the time of the instruction at
 * a given PC and take back what did not run.
 */
#ifndef APG_GUEST_TIME_H
#define APG_GUEST_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_INSTRUCTION_BYTES 4 /* A64 */

typedef struct {
    /* the layout of Unicorn's uc_block_counter (machine.c checks it) */
    uint64_t executed;   /* instructions of this power-on, whole blocks counted as they start */
    uint64_t next_event; /* from this count on, the block hook runs at every block start */
    uint64_t block_start;
    uint32_t block_instructions;
    uint32_t in_block; /* the last block counted may still be running */

    uint64_t base; /* guest time at this power-on's first instruction, plus WFI skips */
} guest_time;

/* Switched on: time 0. */
static inline void guest_time_power_on(guest_time *t)
{
    *t = (guest_time){0};
}

/* A guest reboot: the count starts again, the clock runs on. */
static inline void guest_time_reboot(guest_time *t)
{
    *t = (guest_time){.base = t->base + t->executed};
}

/* Guest time at a block boundary. */
static inline uint64_t guest_time_now(const guest_time *t)
{
    return t->base + t->executed;
}

/* Guest time when the instruction at `pc` is about to run. */
static inline uint64_t guest_time_at(const guest_time *t, uint64_t pc)
{
    uint64_t done = t->executed;
    if (t->in_block && pc >= t->block_start &&
        pc - t->block_start < (uint64_t)t->block_instructions * GUEST_INSTRUCTION_BYTES)
        done -= t->block_instructions - (pc - t->block_start) / GUEST_INSTRUCTION_BYTES;
    return t->base + done;
}

/* A block of `size` bytes at `address` starts: count all of it now. */
static inline void guest_time_count_block(guest_time *t, uint64_t address, uint32_t size)
{
    t->in_block = 1;
    t->block_start = address;
    t->block_instructions = size / GUEST_INSTRUCTION_BYTES;
    t->executed += size / GUEST_INSTRUCTION_BYTES;
}

/* The block about to start does not run now (it is counted when it does). */
static inline void guest_time_skip_block(guest_time *t)
{
    t->in_block = 0;
}

/* Emulation stopped with `pc` next: the last block's instructions from pc on did not run. */
static inline void guest_time_stop_at(guest_time *t, uint64_t pc)
{
    t->executed = guest_time_at(t, pc) - t->base;
    t->in_block = 0;
}

/* WFI: the CPU sleeps until guest time `when` (later than now). */
static inline void guest_time_sleep_until(guest_time *t, uint64_t when)
{
    t->base += when - guest_time_now(t);
}

#endif
