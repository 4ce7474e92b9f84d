/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ram_pages.h"

#include "byte_compare.h"

#include <stdlib.h>
#include <string.h>

struct ram_page {
    uint32_t refs;
    uint8_t bytes[RAM_PAGE_SIZE];
};

struct ram_leaf {
    uint32_t refs;
    ram_page *pages[RAM_PAGES_PER_LEAF];
};

static size_t memory_in_use;

size_t ram_pages_memory_in_use(void)
{
    return memory_in_use;
}

static void page_release(ram_page *p)
{
    if (p != NULL && --p->refs == 0) {
        memory_in_use -= sizeof *p;
        free(p);
    }
}

static void leaf_release(ram_leaf *l)
{
    if (l == NULL || --l->refs != 0)
        return;
    for (size_t i = 0; i < RAM_PAGES_PER_LEAF; i++)
        page_release(l->pages[i]);
    memory_in_use -= sizeof *l;
    free(l);
}

static size_t leaf_count(const ram_tree *t)
{
    return t->page_count / RAM_PAGES_PER_LEAF;
}

bool ram_tree_init_zero(ram_tree *t, size_t page_count)
{
    t->page_count = page_count;
    t->leaves = calloc(page_count / RAM_PAGES_PER_LEAF, sizeof *t->leaves);
    return t->leaves != NULL;
}

bool ram_tree_copy(ram_tree *out, const ram_tree *t)
{
    if (!ram_tree_init_zero(out, t->page_count))
        return false;
    for (size_t i = 0; i < leaf_count(t); i++) {
        out->leaves[i] = t->leaves[i];
        if (out->leaves[i] != NULL)
            out->leaves[i]->refs++;
    }
    return true;
}

void ram_tree_release(ram_tree *t)
{
    if (t->leaves == NULL)
        return;
    for (size_t i = 0; i < leaf_count(t); i++)
        leaf_release(t->leaves[i]);
    free(t->leaves);
    t->leaves = NULL;
}

static bool is_zero(const uint8_t *bytes)
{
    return bytes_zero(bytes, RAM_PAGE_SIZE);
}

static bool any_dirty(const uint8_t *dirty, size_t first)
{
    return !bytes_zero(dirty + first, RAM_PAGES_PER_LEAF);
}

static bool capture_page(ram_page **slot, const uint8_t *bytes)
{
    ram_page *old = *slot;
    if (old == NULL ? is_zero(bytes) : bytes_equal(old->bytes, bytes, RAM_PAGE_SIZE))
        return true;
    ram_page *p = NULL;
    if (!is_zero(bytes)) {
        p = malloc(sizeof *p);
        if (p == NULL)
            return false;
        memory_in_use += sizeof *p;
        p->refs = 1;
        memcpy(p->bytes, bytes, RAM_PAGE_SIZE);
    }
    page_release(old);
    *slot = p;
    return true;
}

/* *out = a new leaf: base's pages with the dirty ones captured from ram, or
 * NULL if every page is zero now. False when memory runs out. */
static bool capture_leaf(ram_leaf **out, const ram_leaf *base, const uint8_t *ram,
                         const uint8_t *dirty, size_t first)
{
    ram_leaf *l = calloc(1, sizeof *l);
    if (l == NULL)
        return false;
    memory_in_use += sizeof *l;
    l->refs = 1;
    if (base != NULL) {
        for (size_t i = 0; i < RAM_PAGES_PER_LEAF; i++) {
            l->pages[i] = base->pages[i];
            if (l->pages[i] != NULL)
                l->pages[i]->refs++;
        }
    }
    bool empty = true;
    for (size_t i = 0; i < RAM_PAGES_PER_LEAF; i++) {
        if (dirty[first + i] &&
            !capture_page(&l->pages[i], ram + (first + i) * (size_t)RAM_PAGE_SIZE)) {
            leaf_release(l);
            return false;
        }
        empty = empty && l->pages[i] == NULL;
    }
    if (empty) {
        leaf_release(l);
        l = NULL;
    }
    *out = l;
    return true;
}

bool ram_tree_capture(ram_tree *out, const ram_tree *base, const uint8_t *ram, const uint8_t *dirty)
{
    if (!ram_tree_copy(out, base))
        return false;
    for (size_t leaf = 0; leaf < leaf_count(out); leaf++) {
        size_t first = leaf * RAM_PAGES_PER_LEAF;
        if (!any_dirty(dirty, first))
            continue;
        ram_leaf *l;
        if (!capture_leaf(&l, base->leaves[leaf], ram, dirty, first)) {
            ram_tree_release(out);
            return false;
        }
        leaf_release(out->leaves[leaf]);
        out->leaves[leaf] = l;
    }
    return true;
}

bool ram_tree_put_page(ram_tree *t, size_t page, const uint8_t *bytes)
{
    ram_leaf **leaf = &t->leaves[page / RAM_PAGES_PER_LEAF];
    if (*leaf == NULL) {
        *leaf = calloc(1, sizeof **leaf);
        if (*leaf == NULL)
            return false;
        memory_in_use += sizeof **leaf;
        (*leaf)->refs = 1;
    }
    return capture_page(&(*leaf)->pages[page % RAM_PAGES_PER_LEAF], bytes);
}

static const ram_page *page_of(const ram_leaf *l, size_t i)
{
    return l == NULL ? NULL : l->pages[i];
}

size_t ram_tree_apply(const ram_tree *target, const ram_tree *current, uint8_t *ram,
                      const uint8_t *dirty, uint8_t *changed)
{
    size_t written = 0;
    for (size_t leaf = 0; leaf < leaf_count(target); leaf++) {
        size_t first = leaf * RAM_PAGES_PER_LEAF;
        const ram_leaf *want = target->leaves[leaf], *have = current->leaves[leaf];
        if (want == have && !any_dirty(dirty, first))
            continue;
        for (size_t i = 0; i < RAM_PAGES_PER_LEAF; i++) {
            const ram_page *p = page_of(want, i);
            if (p == page_of(have, i) && !dirty[first + i])
                continue;
            uint8_t *dest = ram + (first + i) * (size_t)RAM_PAGE_SIZE;
            if (p != NULL)
                memcpy(dest, p->bytes, RAM_PAGE_SIZE);
            else
                memset(dest, 0, RAM_PAGE_SIZE);
            if (changed != NULL)
                changed[first + i] = 1;
            written++;
        }
    }
    return written;
}

const uint8_t *ram_tree_page(const ram_tree *t, size_t page)
{
    const ram_page *p = page_of(t->leaves[page / RAM_PAGES_PER_LEAF], page % RAM_PAGES_PER_LEAF);
    return p == NULL ? NULL : p->bytes;
}
