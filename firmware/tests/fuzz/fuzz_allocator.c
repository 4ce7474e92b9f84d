/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: every allocator driven by an operation stream taken from
 * the input, with the reference model's checks after every step (allocator
 * check(), no overlap, alignment, data integrity, failed operations change
 * nothing; see tests/host/model.c). Byte 0 picks the allocator, byte 1 the
 * heap size (4 KiB .. 1 MiB); the rest is the entropy the model draws from.
 */
#include "allocator.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_STEPS 20000

typedef struct {
    const uint8_t *data;
    size_t size, pos;
    bool exhausted;
} byte_source;

/* Two bytes per draw: enough for every choice the model makes. */
static uint64_t next_from_input(void *ctx)
{
    byte_source *s = ctx;
    if (s->pos + 2 > s->size) {
        s->exhausted = true;
        return 0;
    }
    uint64_t v = (uint64_t)s->data[s->pos] | (uint64_t)s->data[s->pos + 1] << 8;
    s->pos += 2;
    return v;
}

/* Operations per allocator, reported at exit for docs/RELIABILITY.md. */
static uint64_t operations[8];
static size_t allocator_count;

__attribute__((destructor)) static void report_operations(void)
{
    fprintf(stderr, "fuzz_allocator: operations:");
    for (size_t i = 0; i < allocator_count; i++)
        fprintf(stderr, " %s=%llu", apg_allocators[i]->name, (unsigned long long)operations[i]);
    fprintf(stderr, "\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    if (allocator_count == 0) {
        while (apg_allocators[allocator_count] != NULL)
            allocator_count++;
    }
    size_t which = data[0] % allocator_count;
    const apg_allocator *a = apg_allocators[which];
    size_t heap_bytes = (size_t)4096 << (data[1] % 9);
    byte_source source = {data + 2, size - 2, 0, false};
    model *m = model_create(a, heap_bytes, next_from_input, &source);
    if (m == NULL)
        return 0;
    for (int step = 0; step < MAX_STEPS && !source.exhausted; step++) {
        model_step(m);
        operations[which]++;
    }
    model_finish(m);
    model_destroy(m);
    return 0;
}
