/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal unit-test helpers for the host tests: a failed expectation prints
 * where and what, and the test binary exits non-zero at the end. */
#ifndef APG_UNIT_H
#define APG_UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int unit_failures;

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);                    \
            unit_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define EXPECT_EQ(a, b)                                                                            \
    do {                                                                                           \
        unsigned long long unit_a_ = (unsigned long long)(a);                                      \
        unsigned long long unit_b_ = (unsigned long long)(b);                                      \
        if (unit_a_ != unit_b_) {                                                                  \
            fprintf(stderr, "%s:%d: expected %s == %s (%#llx != %#llx)\n", __FILE__, __LINE__, #a, \
                    #b, unit_a_, unit_b_);                                                         \
            unit_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define RUN(test)                                                                                  \
    do {                                                                                           \
        int unit_before_ = unit_failures;                                                          \
        test();                                                                                    \
        printf("%s %s\n", unit_failures == unit_before_ ? "ok  " : "FAIL", #test);                 \
    } while (0)

#define UNIT_EXIT()                                                                                \
    (unit_failures == 0 ? 0 : (fprintf(stderr, "%d failure(s)\n", unit_failures), 1))

#endif
