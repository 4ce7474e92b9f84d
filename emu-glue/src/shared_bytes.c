/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared_bytes.h"

#include "byte_compare.h"

#include <stdlib.h>
#include <string.h>

struct shared_chunk {
    uint32_t refs;
    uint8_t bytes[SHARED_CHUNK_SIZE];
};

static size_t memory_in_use;

size_t shared_bytes_memory_in_use(void)
{
    return memory_in_use;
}

static size_t chunk_count(size_t size)
{
    return (size + SHARED_CHUNK_SIZE - 1) / SHARED_CHUNK_SIZE;
}

static shared_chunk **new_list(size_t size)
{
    shared_chunk **chunks = calloc(chunk_count(size) ? chunk_count(size) : 1, sizeof *chunks);
    if (chunks != NULL)
        memory_in_use += chunk_count(size) * sizeof *chunks;
    return chunks;
}

static void chunk_release(shared_chunk *c)
{
    if (c != NULL && --c->refs == 0) {
        memory_in_use -= sizeof *c;
        free(c);
    }
}

void shared_bytes_release(shared_bytes *b)
{
    if (b->chunks != NULL) {
        for (size_t i = 0; i < chunk_count(b->size); i++)
            chunk_release(b->chunks[i]);
        memory_in_use -= chunk_count(b->size) * sizeof *b->chunks;
        free(b->chunks);
    }
    *b = (shared_bytes){0};
}

bool shared_bytes_copy(shared_bytes *out, const shared_bytes *b)
{
    *out = (shared_bytes){.size = b->size, .chunks = new_list(b->size)};
    if (out->chunks == NULL) {
        *out = (shared_bytes){0};
        return false;
    }
    for (size_t i = 0; i < chunk_count(b->size); i++) {
        out->chunks[i] = b->chunks[i];
        if (out->chunks[i] != NULL)
            out->chunks[i]->refs++;
    }
    return true;
}

bool shared_bytes_capture(shared_bytes *out, const shared_bytes *base, const uint8_t *bytes,
                          size_t size)
{
    *out = (shared_bytes){.size = size, .chunks = new_list(size)};
    if (out->chunks == NULL) {
        *out = (shared_bytes){0};
        return false;
    }
    bool same_shape = base->size == size;
    for (size_t i = 0; i < chunk_count(size); i++) {
        const uint8_t *piece = bytes + i * SHARED_CHUNK_SIZE;
        size_t count = size - i * SHARED_CHUNK_SIZE;
        if (count > SHARED_CHUNK_SIZE)
            count = SHARED_CHUNK_SIZE;
        if (bytes_zero(piece, count))
            continue;
        shared_chunk *old = same_shape ? base->chunks[i] : NULL;
        if (old != NULL && bytes_equal(old->bytes, piece, count)) {
            old->refs++;
            out->chunks[i] = old;
            continue;
        }
        shared_chunk *c = calloc(1, sizeof *c);
        if (c == NULL) {
            shared_bytes_release(out);
            return false;
        }
        memory_in_use += sizeof *c;
        c->refs = 1;
        memcpy(c->bytes, piece, count);
        out->chunks[i] = c;
    }
    return true;
}

void shared_bytes_read(const shared_bytes *b, uint8_t *out)
{
    for (size_t i = 0; i < chunk_count(b->size); i++) {
        size_t count = b->size - i * SHARED_CHUNK_SIZE;
        if (count > SHARED_CHUNK_SIZE)
            count = SHARED_CHUNK_SIZE;
        uint8_t *dest = out + i * SHARED_CHUNK_SIZE;
        if (b->chunks[i] != NULL)
            memcpy(dest, b->chunks[i]->bytes, count);
        else
            memset(dest, 0, count);
    }
}
