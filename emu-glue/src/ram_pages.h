/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest RAM as immutable, shared 4 KiB pages: what a checkpoint keeps of
 * memory. A ram_tree is one picture of all of RAM: a root of leaves, each
 * leaf a run of page pointers (NULL: a page of zeros). Pages and leaves are
 * reference-counted and never change once made, so a checkpoint costs only
 * the pages written since the previous one (plus the leaves that hold them),
 * and any number of checkpoints, on any branch, share the rest.
 *
 * Which pages changed comes from the caller's dirty map (one byte per page,
 * non-zero: written), filled by Unicorn's dirty page log (patch 0010).
 */
#ifndef APG_RAM_PAGES_H
#define APG_RAM_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAM_PAGE_SHIFT 12
#define RAM_PAGE_SIZE (1u << RAM_PAGE_SHIFT)
#define RAM_PAGES_PER_LEAF 128u

typedef struct ram_page ram_page;
typedef struct ram_leaf ram_leaf;

typedef struct {
    size_t page_count; /* pages of RAM; a multiple of RAM_PAGES_PER_LEAF */
    ram_leaf **leaves; /* page_count / RAM_PAGES_PER_LEAF entries; NULL: all zero */
} ram_tree;

/* An all-zero picture of page_count pages. False when memory runs out. */
bool ram_tree_init_zero(ram_tree *t, size_t page_count);
/* Another reference to the same picture (shares everything). */
bool ram_tree_copy(ram_tree *out, const ram_tree *t);
void ram_tree_release(ram_tree *t);

/* out = base with every page marked in dirty[] taken from ram (a page whose
 * bytes did not change keeps the old, shared copy). False when memory runs
 * out; then out holds nothing. */
bool ram_tree_capture(ram_tree *out, const ram_tree *base, const uint8_t *ram,
                      const uint8_t *dirty);

/* Makes ram equal to target, given that ram equals current except in the
 * pages marked in dirty[]. Writes only the pages that differ; if changed is
 * not NULL, sets changed[page] for each page it wrote. Returns how many.
 * changed may be dirty itself: every dirty page is written, so dirty[] then
 * ends up marking exactly the pages written. */
size_t ram_tree_apply(const ram_tree *target, const ram_tree *current, uint8_t *ram,
                      const uint8_t *dirty, uint8_t *changed);

/* Sets one page of a picture being built (from ram_tree_init_zero(), not yet
 * copied: its leaves are not shared). False when memory runs out. */
bool ram_tree_put_page(ram_tree *t, size_t page, const uint8_t *bytes);

/* The bytes of one page in a picture; NULL for a page of zeros. */
const uint8_t *ram_tree_page(const ram_tree *t, size_t page);

/* Bytes held by all pages and leaves alive (every tree of the process). */
size_t ram_pages_memory_in_use(void);

#endif
