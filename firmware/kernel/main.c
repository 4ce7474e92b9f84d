/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel_main: bring up the console and the heaps, greet, run the shell. */
#include "console.h"
#include "events.h"
#include "gic.h"
#include "heap.h"
#include "mmu.h"
#include "shell.h"
#include "timer.h"
#include "uart.h"

void kernel_main(void);
/* Images built with `make mm` name the student's file (malloclab/mm_allocator.c). */
void mm_announce(void) __attribute__((weak));

void kernel_main(void)
{
    uart_init();
    mmu_enable();
    events_init();
    heap_setup();
    gic_init();
    timer_init();
    kprintf("\nAllocator Playground kernel (AArch64, EL1)\n");
    kprintf("heap: 0x%lx-0x%lx (%zu bytes), allocator: %s\n", (unsigned long)heap_region_start(),
            (unsigned long)heap_region_end(), heap_region_size(), heap_active()->name);
    if (mm_announce != NULL)
        mm_announce();
    kprintf("kernel arena: 0x%lx-0x%lx (%lu bytes, bump allocator, holds shell history)\n",
            (unsigned long)arena_start(), (unsigned long)arena_end(),
            (unsigned long)(arena_end() - arena_start()));
    kprintf("commands:");
    for (const shell_command *c = shell_commands; c->name != NULL; c++)
        kprintf(" %s", c->name);
    kprintf("\ntype 'help' for details\n");
    shell_run();
}
