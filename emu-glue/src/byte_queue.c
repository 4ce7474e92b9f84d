/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "byte_queue.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void byte_queue_free(byte_queue *q)
{
    free(q->data);
    *q = (byte_queue){0};
}

void byte_queue_clear(byte_queue *q)
{
    q->head = 0;
    q->count = 0;
}

static void reverse(uint8_t *bytes, size_t count)
{
    for (size_t i = 0, j = count; i + 1 < j; i++, j--) {
        uint8_t byte = bytes[i];
        bytes[i] = bytes[j - 1];
        bytes[j - 1] = byte;
    }
}

/* Makes the bytes contiguous starting at index 0: rotates the buffer in
 * place, so that it cannot fail for want of memory. */
static void linearize(byte_queue *q)
{
    if (q->head == 0)
        return;
    if (q->head + q->count <= q->capacity) {
        memmove(q->data, q->data + q->head, q->count);
    } else {
        reverse(q->data, q->head);
        reverse(q->data + q->head, q->capacity - q->head);
        reverse(q->data, q->capacity);
    }
    q->head = 0;
}

bool byte_queue_push(byte_queue *q, const uint8_t *bytes, size_t count)
{
    if (count > SIZE_MAX - q->count)
        return false;
    if (q->count + count > q->capacity) {
        size_t capacity = q->capacity ? q->capacity : 256;
        while (capacity < q->count + count) {
            if (capacity > SIZE_MAX / 2)
                return false;
            capacity *= 2;
        }
        linearize(q);
        uint8_t *grown = realloc(q->data, capacity);
        if (grown == NULL)
            return false;
        q->data = grown;
        q->capacity = capacity;
    }
    for (size_t i = 0; i < count; i++)
        q->data[(q->head + q->count + i) % q->capacity] = bytes[i];
    q->count += count;
    return true;
}

bool byte_queue_pop(byte_queue *q, uint8_t *out)
{
    if (q->count == 0)
        return false;
    *out = q->data[q->head];
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    if (q->count == 0)
        q->head = 0;
    return true;
}

const uint8_t *byte_queue_take_all(byte_queue *q, size_t *count)
{
    linearize(q);
    *count = q->count;
    q->count = 0;
    return q->data;
}
