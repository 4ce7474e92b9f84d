/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "syscall.h"

#include "blockrefs.h"
#include "console.h"
#include "heap.h"
#include "mmu.h"
#include "syscall_abi.h"

static int64_t sys_write(uint64_t fd, uint64_t buf, uint64_t len)
{
    if (fd != 1 && fd != 2)
        return -APG_EBADF;
    if (len > APG_MAX_WRITE)
        return -APG_EINVAL;
    if (!user_range_ok((uintptr_t)buf, (size_t)len, false))
        return -APG_EFAULT;
    const char *text = (const char *)(uintptr_t)buf;
    for (uint64_t i = 0; i < len; i++)
        console_putc(text[i]);
    return (int64_t)len;
}

/* The heap is usable from a program unless the corruption demo broke it. */
static bool heap_usable(void)
{
    return !heap_is_damaged();
}

static int64_t sys_malloc(uint64_t size)
{
    if (size == 0 || size > heap_region_size() || !heap_usable())
        return 0;
    heap_begin_mutation();
    void *p = heap_active()->alloc(heap_handle(), (size_t)size, 16);
    heap_end_mutation();
    if (p != NULL)
        heap_caller_writes(p); /* the program writes it */
    return (int64_t)(uintptr_t)p;
}

/* 0 for a pointer malloc returned and did not take back; -APG_EINVAL otherwise */
static int64_t check_block(uint64_t ptr)
{
    if (ptr < heap_region_start() || ptr >= heap_region_end() || !heap_usable())
        return -APG_EINVAL;
    if (heap_active()->validate(heap_handle(), (const void *)(uintptr_t)ptr) != APG_PTR_OK)
        return -APG_EINVAL;
    return 0;
}

static int64_t sys_free(uint64_t ptr)
{
    if (ptr == 0)
        return 0; /* free(NULL) does nothing, as in C */
    int64_t status = check_block(ptr);
    if (status != 0)
        return status;
    heap_begin_mutation();
    heap_active()->free(heap_handle(), (void *)(uintptr_t)ptr);
    heap_end_mutation();
    blockrefs_freed((void *)(uintptr_t)ptr); /* in case the shell named this block $N */
    return 0;
}

static int64_t sys_realloc(uint64_t ptr, uint64_t size)
{
    if (ptr == 0)
        return sys_malloc(size);
    if (check_block(ptr) != 0 || size > heap_region_size())
        return 0;
    if (size == 0) {
        sys_free(ptr);
        return 0;
    }
    heap_begin_mutation();
    void *p = heap_active()->realloc(heap_handle(), (void *)(uintptr_t)ptr, (size_t)size);
    heap_end_mutation();
    if (p != NULL) {
        blockrefs_freed((void *)(uintptr_t)ptr); /* the old pointer is dead, as for free */
        heap_caller_writes(p);
    }
    return (int64_t)(uintptr_t)p;
}

int64_t syscall_heap_and_io(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2)
{
    switch (number) {
    case SYS_WRITE: return sys_write(a0, a1, a2);
    case SYS_MALLOC: return sys_malloc(a0);
    case SYS_FREE: return sys_free(a0);
    case SYS_REALLOC: return sys_realloc(a0, a1);
    default: return -APG_ENOSYS;
    }
}
