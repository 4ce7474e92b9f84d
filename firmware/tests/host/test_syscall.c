/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system calls' argument checks (kernel/syscall.c), run on the host with
 * a real first-fit heap, a console that records what it is given, and a
 * memory map of one fake user region.
 */
#include "blockrefs.h"
#include "console.h"
#include "heap.h"
#include "mmu.h"
#include "range.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

/* ---- stand-ins for the kernel pieces syscall.c uses ---- */

#define HEAP_BYTES 65536
static unsigned char *heap_memory;
static void *heap;
static bool damaged;
static char user_memory[256]; /* plays the user stack */
static char console_seen[8192];
static size_t console_used;

void console_putc(char c)
{
    if (console_used < sizeof console_seen)
        console_seen[console_used++] = c;
}

const apg_allocator *heap_active(void)
{
    return &apg_first_fit;
}
void *heap_handle(void)
{
    return heap;
}
uintptr_t heap_region_start(void)
{
    return (uintptr_t)heap_memory;
}
uintptr_t heap_region_end(void)
{
    return (uintptr_t)heap_memory + HEAP_BYTES;
}
size_t heap_region_size(void)
{
    return HEAP_BYTES;
}
void heap_caller_writes(const void *ptr)
{
    (void)ptr;
}
bool heap_is_damaged(void)
{
    return damaged;
}
void heap_begin_mutation(void)
{
}
void heap_end_mutation(void)
{
}
static uint64_t last_block_forgotten; /* what syscall.c told the $N table */
void blockrefs_freed(const void *p)
{
    last_block_forgotten = (uint64_t)(uintptr_t)p;
}

bool user_range_ok(uintptr_t address, size_t size, bool write)
{
    (void)write;
    return apg_range_inside(address, size, heap_region_start(), heap_region_end()) ||
           apg_range_inside(address, size, (uintptr_t)user_memory,
                            (uintptr_t)user_memory + sizeof user_memory);
}

static void fresh_heap(void)
{
    memset(heap_memory, 0, HEAP_BYTES);
    heap = apg_first_fit.init(heap_memory, HEAP_BYTES);
    damaged = false;
    console_used = 0;
}

static int64_t call(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return syscall_heap_and_io(number, a0, a1, a2);
}

/* ---- tests ---- */

static void test_write_copies_user_bytes_to_the_console(void)
{
    fresh_heap();
    strcpy(user_memory, "hi\n");
    EXPECT_EQ(call(SYS_WRITE, 1, (uintptr_t)user_memory, 3), 3);
    EXPECT_EQ(console_used, 3); /* console_putc itself turns \n into \r\n */
    EXPECT(memcmp(console_seen, "hi\n", 3) == 0);
    EXPECT_EQ(call(SYS_WRITE, 2, (uintptr_t)user_memory, 0), 0);
}

static void test_write_rejects_bad_arguments(void)
{
    fresh_heap();
    static char kernel_data[16];
    EXPECT_EQ(call(SYS_WRITE, 0, (uintptr_t)user_memory, 1), -APG_EBADF);
    EXPECT_EQ(call(SYS_WRITE, 3, (uintptr_t)user_memory, 1), -APG_EBADF);
    EXPECT_EQ(call(SYS_WRITE, 1, (uintptr_t)kernel_data, 4), -APG_EFAULT);
    EXPECT_EQ(call(SYS_WRITE, 1, 0, 4), -APG_EFAULT);
    /* runs off the end of the user region */
    EXPECT_EQ(call(SYS_WRITE, 1, (uintptr_t)user_memory + 250, 10), -APG_EFAULT);
    /* a length that wraps around the address space */
    EXPECT_EQ(call(SYS_WRITE, 1, (uintptr_t)user_memory, UINT64_MAX - 2), -APG_EINVAL);
    EXPECT_EQ(call(SYS_WRITE, 1, UINT64_MAX - 1, 4), -APG_EFAULT);
    EXPECT_EQ(call(SYS_WRITE, 1, (uintptr_t)user_memory, APG_MAX_WRITE + 1), -APG_EINVAL);
    EXPECT_EQ(console_used, 0);
}

static void test_range_arithmetic_cannot_overflow(void)
{
    EXPECT(apg_range_inside(100, 10, 100, 110));
    EXPECT(!apg_range_inside(100, 11, 100, 110));
    EXPECT(apg_range_inside(110, 0, 100, 110));
    EXPECT(!apg_range_inside(99, 1, 100, 110));
    EXPECT(!apg_range_inside(105, SIZE_MAX, 100, 110));
    EXPECT(!apg_range_inside(UINTPTR_MAX, 2, 100, UINTPTR_MAX));
    EXPECT(!apg_range_inside(100, 1, 110, 100)); /* an empty, inverted region */
}

static void test_malloc_and_free_through_system_calls(void)
{
    fresh_heap();
    int64_t p = call(SYS_MALLOC, 100, 0, 0);
    EXPECT((uintptr_t)p >= heap_region_start() && (uintptr_t)p < heap_region_end());
    EXPECT_EQ(p % 16, 0);
    EXPECT_EQ(call(SYS_FREE, (uint64_t)p, 0, 0), 0);
    EXPECT_EQ(last_block_forgotten, (uint64_t)p); /* a shell $N naming it must not stay live */
    EXPECT_EQ(call(SYS_FREE, (uint64_t)p, 0, 0), -APG_EINVAL); /* double free */
    EXPECT(apg_first_fit.check(heap).ok);
}

static void test_malloc_rejects_impossible_sizes(void)
{
    fresh_heap();
    EXPECT_EQ(call(SYS_MALLOC, 0, 0, 0), 0);
    EXPECT_EQ(call(SYS_MALLOC, HEAP_BYTES + 1, 0, 0), 0);
    EXPECT_EQ(call(SYS_MALLOC, UINT64_MAX, 0, 0), 0);
    damaged = true; /* after the corruption demo the heap is off limits */
    EXPECT_EQ(call(SYS_MALLOC, 16, 0, 0), 0);
}

static void test_free_rejects_pointers_malloc_did_not_return(void)
{
    fresh_heap();
    int64_t p = call(SYS_MALLOC, 64, 0, 0);
    EXPECT_EQ(call(SYS_FREE, 0, 0, 0), 0); /* free(NULL) does nothing */
    EXPECT_EQ(call(SYS_FREE, (uint64_t)p + 16, 0, 0), -APG_EINVAL);
    EXPECT_EQ(call(SYS_FREE, (uint64_t)p + 1, 0, 0), -APG_EINVAL);
    EXPECT_EQ(call(SYS_FREE, (uintptr_t)user_memory, 0, 0), -APG_EINVAL);
    EXPECT_EQ(call(SYS_FREE, heap_region_end(), 0, 0), -APG_EINVAL);
    EXPECT_EQ(call(SYS_FREE, UINT64_MAX, 0, 0), -APG_EINVAL);
    EXPECT_EQ(call(SYS_FREE, (uint64_t)p, 0, 0), 0);
    EXPECT(apg_first_fit.check(heap).ok);
}

static void test_realloc_keeps_contents_and_refuses_bad_pointers(void)
{
    fresh_heap();
    char *p = (char *)(uintptr_t)call(SYS_MALLOC, 32, 0, 0);
    strcpy(p, "kept");
    char *q = (char *)(uintptr_t)call(SYS_REALLOC, (uintptr_t)p, 4000, 0);
    EXPECT(q != NULL && strcmp(q, "kept") == 0);
    EXPECT_EQ(call(SYS_REALLOC, (uintptr_t)q + 8, 10, 0), 0);
    EXPECT_EQ(call(SYS_REALLOC, (uintptr_t)q, HEAP_BYTES + 1, 0), 0);
    EXPECT(strcmp(q, "kept") == 0);              /* refused: the block is untouched */
    int64_t fresh = call(SYS_REALLOC, 0, 48, 0); /* realloc(NULL, n) is malloc */
    EXPECT(fresh != 0);
    EXPECT_EQ(call(SYS_REALLOC, (uint64_t)fresh, 0, 0), 0); /* realloc(p, 0) frees */
    EXPECT_EQ(call(SYS_FREE, (uint64_t)fresh, 0, 0), -APG_EINVAL);
    EXPECT(apg_first_fit.check(heap).ok);
}

static void test_unknown_numbers_are_enosys(void)
{
    fresh_heap();
    EXPECT_EQ(call(SYS_COUNT, 0, 0, 0), -APG_ENOSYS);
    EXPECT_EQ(call(99, 0, 0, 0), -APG_ENOSYS);
    EXPECT_EQ(call(UINT64_MAX, 0, 0, 0), -APG_ENOSYS);
    /* the ones process.c handles are not this module's */
    EXPECT_EQ(call(SYS_GETPID, 0, 0, 0), -APG_ENOSYS);
}

int main(void)
{
    heap_memory = aligned_alloc(4096, HEAP_BYTES);
    RUN(test_write_copies_user_bytes_to_the_console);
    RUN(test_write_rejects_bad_arguments);
    RUN(test_range_arithmetic_cannot_overflow);
    RUN(test_malloc_and_free_through_system_calls);
    RUN(test_malloc_rejects_impossible_sizes);
    RUN(test_free_rejects_pointers_malloc_did_not_return);
    RUN(test_realloc_keeps_contents_and_refuses_bad_pointers);
    RUN(test_unknown_numbers_are_enosys);
    free(heap_memory);
    return UNIT_EXIT();
}
