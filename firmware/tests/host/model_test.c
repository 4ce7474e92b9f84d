/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Model-based randomized test for every allocator behind apg_allocator.
 *
 * A reference model tracks the live blocks. After every operation:
 *   - the allocator's own check() passes;
 *   - walk() reports blocks in address order that tile the managed space
 *     without overlap, and its used blocks are exactly the model's live blocks
 *     (same payload address and requested size);
 *   - every live pointer is aligned as requested and lies inside the region;
 *   - stats() agrees with the walk.
 * Each live block is filled with a pattern derived from its id; the pattern is
 * verified when the block is freed or reallocated and for all blocks
 * periodically, so writes that leak into other blocks are caught.
 * Failed allocations and rejected frees must leave the heap unchanged.
 *
 * usage: model_test <allocator|all> [ops] [seed] [heap-bytes]
 */
#include "allocator.h"
#include "model.h"
#include "prng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next_random(void *ctx)
{
    return apg_prng_next(ctx);
}

static void run(const apg_allocator *a, uint64_t ops, uint64_t seed, size_t heap_bytes)
{
    apg_prng rng;
    apg_prng_seed(&rng, seed);
    model *m = model_create(a, heap_bytes, next_random, &rng);
    if (m == NULL) {
        fprintf(stderr, "FAIL [%s]: init(%zu bytes) failed\n", a->name, heap_bytes);
        exit(1);
    }
    for (uint64_t i = 0; i < ops; i++)
        model_step(m);
    model_finish(m);
    model_print_summary(m, seed);
    model_destroy(m);
}
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <allocator|all> [ops] [seed] [heap-bytes]\n", argv[0]);
        return 2;
    }
    uint64_t ops = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
    size_t heap = argc > 4 ? (size_t)strtoull(argv[4], NULL, 0) : (size_t)1 << 20;
    bool any = false;
    for (size_t i = 0; apg_allocators[i] != NULL; i++) {
        if (strcmp(argv[1], "all") == 0 || strcmp(argv[1], apg_allocators[i]->name) == 0) {
            run(apg_allocators[i], ops, seed, heap);
            any = true;
        }
    }
    if (!any) {
        fprintf(stderr, "unknown allocator '%s'\n", argv[1]);
        return 2;
    }
    return 0;
}
