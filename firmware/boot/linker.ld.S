/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory layout of the kernel image, run through the C preprocessor so that
 * the addresses come from the board's one memory map (include/board.h).
 * QEMU's virt machine and emu-glue both load the raw image at
 * BOARD_KERNEL_LOAD and enter it at its first byte. Everything the kernel
 * uses lies above the image: stack, the kernel's own arena (shell history)
 * and the user heap under study, at the board's fixed addresses.
 */
#include "board.h"

ENTRY(_start)

STACK_SIZE = 64K;

SECTIONS
{
    . = BOARD_KERNEL_LOAD;
    .text : {
        KEEP(*(.text.boot))  /* _start and the image header must come first */
        *(EXCLUDE_FILE(*userspace.o) .text EXCLUDE_FILE(*userspace.o) .text.*)
    }
    .rodata : ALIGN(16) {
        *(EXCLUDE_FILE(*userspace.o) .rodata EXCLUDE_FILE(*userspace.o) .rodata.*)
    }
    .data : ALIGN(16) {
        *(EXCLUDE_FILE(*userspace.o) .data EXCLUDE_FILE(*userspace.o) .data.*)
    }

    /* User programs (firmware/user/, linked into userspace.o): their code and
     * constants on pages EL0 may execute and read but not write; their
     * zero-initialised globals on pages EL0 may write (cleared before every
     * run). Initialised writable data would land on the read-only pages. */
    .user_text : ALIGN(4096) {
        __user_start = .;
        *userspace.o(.text .text.* .rodata .rodata.* .data .data.*)
        . = ALIGN(4096);
        __user_end = .;
    }
    .user_data (NOLOAD) : ALIGN(4096) {
        __user_data_start = .;
        *userspace.o(.bss .bss.* COMMON)
        . = ALIGN(4096);
        __user_data_end = .;
    }
    .bss (NOLOAD) : ALIGN(16) {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(16);
        __bss_end = .;
    }

    .stack (NOLOAD) : ALIGN(4096) {
        __stack_bottom = .;
        . += STACK_SIZE;
        __stack_top = .;
    }
    ASSERT(. <= BOARD_ARENA_BASE, "kernel image, bss and stack overlap the kernel arena")
    ASSERT(__user_data_end <= BOARD_RAM_BASE + 0x200000, "user sections must sit in the first 2 MiB of RAM (mmu.c)")
    . = BOARD_ARENA_BASE;
    .arena (NOLOAD) : {
        __arena_start = .;
        . += BOARD_ARENA_SIZE;
        __arena_end = .;
    }
    ASSERT(. <= BOARD_HEAP_BASE, "kernel arena overlaps the heap")
    . = BOARD_HEAP_BASE;
    .heap (NOLOAD) : {
        __heap_start = .;
        . += BOARD_HEAP_SIZE;
        __heap_end = .;
    }

    /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
