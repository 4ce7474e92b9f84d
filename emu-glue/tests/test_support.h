/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the emu-glue host tests share: a non-fatal EXPECT that counts
 * failures, and reading a whole file (a kernel image or a guest) into memory.
 * Header-only: each test is one translation unit linked with the machine.
 */
#ifndef APG_TEST_SUPPORT_H
#define APG_TEST_SUPPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);                    \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* The whole file, malloc'd; exits with status 2 when it cannot be read. */
static inline uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n);
    if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n)
        exit(2);
    fclose(f);
    *size = (size_t)n;
    return data;
}

#endif
