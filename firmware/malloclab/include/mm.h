/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The malloc-lab interface a student's mm.c implements (the CS:APP handout's
 * mm.h). The kernel calls these four through its checked wrapper
 * (firmware/malloclab/mm_checked.c) and never trusts what they return.
 *
 * mm_checkheap is optional and deliberately not declared here: handouts
 * disagree on its type (`int mm_checkheap(int verbose)`, `bool
 * mm_checkheap(int lineno)`), and a declaration would clash with one of them.
 * When mm.c defines it, the shell's `check` calls it.
 */
#ifndef MM_H
#define MM_H

#include <stddef.h>

int mm_init(void);
void *mm_malloc(size_t size);
void mm_free(void *ptr);
void *mm_realloc(void *ptr, size_t size);

/* Many handouts require mm.c to define `team_t team = {...};`. */
typedef struct {
    char *teamname; /* ID1+ID2 or ID1 */
    char *name1;    /* full name of first member */
    char *id1;      /* login ID of first member */
    char *name2;    /* full name of second member (if any) */
    char *id2;      /* login ID of second member */
} team_t;

extern team_t team;

#endif
