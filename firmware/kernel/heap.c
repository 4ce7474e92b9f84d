/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "heap.h"

#include "blockrefs.h"
#include "bump.h"
#include "cpu.h"
#include "events.h"
#include "heap_abi.h"
#include "mem.h"

extern char __heap_start[], __heap_end[];
extern char __arena_start[], __arena_end[];

/* Found by the panel through the image header (boot.S). */
struct apg_heap_descriptor apg_descriptor;

static const apg_allocator *active;
static void *active_heap;
static void *arena_heap;
static bool damaged;

/* The generation must reach memory in program order around the mutation it
 * brackets; a compiler barrier is enough on one core with the MMU off. */
static inline void memory_barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

void heap_setup(void)
{
    struct apg_heap_descriptor *d = &apg_descriptor;
    d->abi_version = APG_ABI_VERSION;
    d->region_start = (uint64_t)(uintptr_t)__heap_start;
    d->region_end = (uint64_t)(uintptr_t)__heap_end;
    d->arena_start = (uint64_t)(uintptr_t)__arena_start;
    d->arena_end = (uint64_t)(uintptr_t)__arena_end;
    arena_heap = apg_bump.init(__arena_start, (size_t)(__arena_end - __arena_start));
    d->arena_state = (uint64_t)(uintptr_t)arena_heap;
    d->event_log = (uint64_t)events_address();
    d->block_refs = (uint64_t)(uintptr_t)&apg_refs_table;
    heap_use(&apg_first_fit);
    memory_barrier();
    d->magic = APG_DESCRIPTOR_MAGIC; /* last: the panel waits for it */
}

const apg_allocator *heap_active(void)
{
    return active;
}

void *heap_handle(void)
{
    return active_heap;
}

uintptr_t heap_region_start(void)
{
    return (uintptr_t)__heap_start;
}

uintptr_t heap_region_end(void)
{
    return (uintptr_t)__heap_end;
}

size_t heap_region_size(void)
{
    return (size_t)(__heap_end - __heap_start);
}

const apg_allocator *heap_find(const char *name)
{
    for (size_t i = 0; apg_allocators[i] != NULL; i++) {
        if (apg_strcmp(apg_allocators[i]->name, name) == 0)
            return apg_allocators[i];
    }
    return NULL;
}

void heap_use(const apg_allocator *a)
{
    heap_begin_mutation();
    /* A fresh region for every strategy: no stale metadata of the previous one
     * can be mistaken for live state by a reader of raw memory. */
    apg_memset(__heap_start, 0, heap_region_size());
    active = a;
    active_heap = a->init(__heap_start, heap_region_size());
    apg_descriptor.kind = a->kind;
    apg_descriptor.heap_state = (uint64_t)(uintptr_t)active_heap;
    apg_descriptor.heap_inits++;
    damaged = false;
    heap_end_mutation();
    blockrefs_released();
}

void heap_caller_writes(const void *ptr)
{
    if (active->caller_writes != NULL)
        active->caller_writes(active_heap, ptr);
}

static uint64_t interrupts_before_mutation;

void heap_begin_mutation(void)
{
    interrupts_before_mutation = irq_save();
    apg_descriptor.generation++;
    memory_barrier();
}

void heap_end_mutation(void)
{
    memory_barrier();
    apg_descriptor.generation++;
    irq_restore(interrupts_before_mutation);
}

bool heap_recover_after_fault(void)
{
    if ((apg_descriptor.generation & 1u) == 0)
        return false;
    memory_barrier();
    apg_descriptor.generation++;
    return true;
}

void heap_set_user_program(uint32_t pid, const char *name)
{
    apg_descriptor.user_pid = pid;
    apg_descriptor.user_program = (uint64_t)(uintptr_t)name;
}

void heap_count_command(void)
{
    apg_descriptor.commands++;
}

void heap_mark_damaged(void)
{
    damaged = true;
}

bool heap_is_damaged(void)
{
    return damaged;
}

void *arena_handle(void)
{
    return arena_heap;
}

uintptr_t arena_start(void)
{
    return (uintptr_t)__arena_start;
}

uintptr_t arena_end(void)
{
    return (uintptr_t)__arena_end;
}
