/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checkpoints of the whole virt-lite machine: guest RAM, the CPU with its
 * system registers (Unicorn's CPU context), the GIC, the generic timer,
 * guest time, the PL011 with its queues, crash and power state. Restoring a
 * checkpoint and sending the same keys gives the same output, byte for byte.
 *
 * RAM is kept as shared 4 KiB pages: a checkpoint stores only the pages the
 * guest wrote since the previous checkpoint or restore (Unicorn logs them,
 * patch 0010), and checkpoints share every page they have in common, so
 * taking one costs little and keeping a thousand costs a few megabytes.
 *
 * Take and restore checkpoints between runs (not from inside a hook). A
 * checkpoint does not belong to a machine: it can be restored into any
 * machine of the same build that has an image loaded.
 */
#ifndef APG_SNAPSHOT_H
#define APG_SNAPSHOT_H

#include "machine.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct apg_checkpoint apg_checkpoint;

/* The machine's whole state now. NULL if no image is loaded or memory runs
 * out (the machine is unchanged either way). */
apg_checkpoint *apg_checkpoint_save(apg_machine *m);

/* Puts the machine back into the checkpoint's state. False (machine
 * unchanged) only if no image is loaded or memory runs out. */
bool apg_checkpoint_restore(apg_machine *m, const apg_checkpoint *c);

void apg_checkpoint_free(apg_checkpoint *c);

/* Copies guest memory [address, address + size) as it was at the
 * checkpoint; false outside RAM. */
bool apg_checkpoint_read(const apg_checkpoint *c, uint64_t address, void *out, size_t size);

/* The checkpoint as bytes (malloc'd, *size set): a self-contained file
 * format with every non-zero page. NULL if memory runs out. */
uint8_t *apg_checkpoint_serialise(const apg_checkpoint *c, size_t *size);

/* A checkpoint from apg_checkpoint_serialise()'s bytes, for machine m (which
 * must have an image loaded: the CPU part is checked against its CPU).
 * Malformed, truncated or altered bytes, or bytes from another build of
 * emu-glue, give NULL and one sentence in *error. The bytes are checked for
 * integrity and layout, not for hostile intent: do not load checkpoints from
 * untrusted sources (sessions are shared as keys and replayed instead). */
apg_checkpoint *apg_checkpoint_deserialise(apg_machine *m, const uint8_t *bytes, size_t size,
                                           const char **error);

/* Bytes of host memory all checkpoints alive hold together (shared pages
 * counted once), for bounding a long session. */
size_t apg_checkpoint_memory_in_use(void);

#endif
