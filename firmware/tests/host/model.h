/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A reference model of the live blocks that drives one allocator with random
 * operations and checks every invariant after each one (see model.c). The
 * randomness comes from an entropy source: a seeded PRNG in the model test,
 * the input bytes in the fuzzer. Any violation prints what and where and
 * aborts.
 */
#ifndef APG_MODEL_H
#define APG_MODEL_H

#include "allocator.h"

#include <stdint.h>

typedef struct model model;
typedef uint64_t (*model_entropy)(void *ctx);

/* NULL if the allocator cannot manage a region of heap_bytes. */
model *model_create(const apg_allocator *a, size_t heap_bytes, model_entropy entropy, void *ctx);
/* One random alloc, free, realloc or rejected free, then the checks. */
void model_step(model *m);
/* Frees every live block; the heap must be whole again. */
void model_finish(model *m);
void model_print_summary(const model *m, uint64_t seed);
void model_destroy(model *m);

#endif
