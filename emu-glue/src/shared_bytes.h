/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A byte string kept as immutable, reference-counted 64-byte chunks (NULL: a
 * chunk of zeros), so that versions of it share every chunk they have in
 * common. Checkpoints keep the CPU context this way: from one command to the
 * next only a few hundred of its 12-14 KiB change (most of it is the 32
 * vector registers at their SVE size, zero beyond their low 16 bytes, and
 * system registers the kernel set once).
 */
#ifndef APG_SHARED_BYTES_H
#define APG_SHARED_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHARED_CHUNK_SIZE 64u

typedef struct shared_chunk shared_chunk;

typedef struct {
    size_t size;           /* bytes; 0: empty */
    shared_chunk **chunks; /* ceil(size / SHARED_CHUNK_SIZE) entries */
} shared_bytes;

/* out = bytes[0, size), sharing every chunk that is equal in base (a
 * version of the same size, or an empty one: {0}). False when memory runs
 * out; then out is empty. */
bool shared_bytes_capture(shared_bytes *out, const shared_bytes *base, const uint8_t *bytes,
                          size_t size);
/* Another reference to the same bytes (shares everything). */
bool shared_bytes_copy(shared_bytes *out, const shared_bytes *b);
/* Makes b empty. */
void shared_bytes_release(shared_bytes *b);
/* Copies the b->size bytes to out. */
void shared_bytes_read(const shared_bytes *b, uint8_t *out);

/* Bytes held by all chunks and chunk lists alive (shared chunks once). */
size_t shared_bytes_memory_in_use(void);

#endif
