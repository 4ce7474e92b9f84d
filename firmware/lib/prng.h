/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny deterministic PRNG (splitmix64): the same seed gives the same stream
 * in the kernel and on the host, which keeps `stress` transcripts reproducible. */
#ifndef APG_PRNG_H
#define APG_PRNG_H

#include <stdint.h>

typedef struct {
    uint64_t state;
} apg_prng;

static inline void apg_prng_seed(apg_prng *rng, uint64_t seed)
{
    rng->state = seed;
}

static inline uint64_t apg_prng_next(apg_prng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in [lo, hi]; the slight modulo bias is irrelevant for test traffic */
static inline uint64_t apg_prng_range(apg_prng *rng, uint64_t lo, uint64_t hi)
{
    return lo + apg_prng_next(rng) % (hi - lo + 1);
}

#endif
