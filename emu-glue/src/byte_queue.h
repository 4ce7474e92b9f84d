/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable FIFO of bytes: the UART's receive queue and transmit buffer. */
#ifndef APG_BYTE_QUEUE_H
#define APG_BYTE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *data;
    size_t head; /* index of the oldest byte */
    size_t count;
    size_t capacity;
} byte_queue;

void byte_queue_free(byte_queue *q);
void byte_queue_clear(byte_queue *q);
/* Appends; returns false only if memory runs out (nothing is appended then). */
bool byte_queue_push(byte_queue *q, const uint8_t *bytes, size_t count);
bool byte_queue_pop(byte_queue *q, uint8_t *out);
/* Moves the contents to the front and returns them as one contiguous run,
 * then empties the queue; the bytes stay valid until the next push. */
const uint8_t *byte_queue_take_all(byte_queue *q, size_t *count);

#endif
