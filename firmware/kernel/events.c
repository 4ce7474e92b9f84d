/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "events.h"

static struct apg_event_log log_ring;

void events_init(void)
{
    log_ring.capacity = APG_EVENT_LOG_CAPACITY;
    log_ring.magic = APG_EVENT_LOG_MAGIC;
}

struct apg_event *event_log(uint32_t kind, uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2,
                            int64_t result)
{
    struct apg_event *e = &log_ring.slots[log_ring.written % APG_EVENT_LOG_CAPACITY];
    e->sequence = log_ring.written;
    e->kind = kind;
    e->number = number;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
    e->result = result;
    /* the slot is complete before the count says it exists (the panel reads
     * memory while the guest is stopped, possibly between these stores) */
    __asm__ volatile("" ::: "memory");
    log_ring.written++;
    return e;
}

uintptr_t events_address(void)
{
    return (uintptr_t)&log_ring;
}
