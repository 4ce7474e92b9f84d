/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * board.h — the one memory map of the board: the part of QEMU's `virt`
 * machine (hw/arm/virt.c, base_memmap[]) this project uses, and where the
 * kernel puts its regions in RAM. Guest physical addresses.
 *
 * Included by the kernel (C, assembly and the linker script, which is run
 * through the C preprocessor), by emu-glue (its machine model maps the same
 * windows) and mirrored by the web side (web/tests/unit/abi-mirror.test.ts
 * compares the mirrors with this file). A region that moves moves here.
 *
 *   0x08000000  64 KiB   GICv2 distributor
 *   0x08010000  64 KiB   GICv2 CPU interface
 *   0x09000000   4 KiB   PL011 UART0
 *   0x40000000 128 MiB   RAM
 *     0x40080000          the kernel image (entry at its first byte)
 *     0x40380000  64 KiB  the kernel arena (bump allocator: shell history)
 *     0x40400000   1 MiB  the user heap under study
 *     0x40600000  64 KiB  the user program's stack (EL0)
 *     0x44000000          where QEMU puts the device tree (the kernel ignores it)
 *     0x47000000  16 MiB  the trace area: a CS:APP .rep trace put there by the host
 */
#ifndef APG_BOARD_H
#define APG_BOARD_H

/* Plain numbers for assembly and the linker script, which know no suffixes. */
#ifdef __ASSEMBLY__
#define BOARD_ADDRESS(x) x
#else
#define BOARD_ADDRESS(x) x##ull
#endif

/* ---- devices (QEMU virt: VIRT_GIC_DIST, VIRT_GIC_CPU, VIRT_UART) ---- */
#define BOARD_GIC_DIST_BASE BOARD_ADDRESS(0x08000000)
#define BOARD_GIC_DIST_SIZE BOARD_ADDRESS(0x00010000)
#define BOARD_GIC_CPU_BASE BOARD_ADDRESS(0x08010000)
#define BOARD_GIC_CPU_SIZE BOARD_ADDRESS(0x00010000)
#define BOARD_UART_BASE BOARD_ADDRESS(0x09000000)
#define BOARD_UART_SIZE BOARD_ADDRESS(0x00001000)

/* ---- RAM (QEMU virt: VIRT_MEM, -m 128M) ---- */
#define BOARD_RAM_BASE BOARD_ADDRESS(0x40000000)
#define BOARD_RAM_SIZE BOARD_ADDRESS(0x08000000)

/* QEMU's -kernel and emu-glue load the raw image here and enter it at EL1. */
#define BOARD_KERNEL_LOAD BOARD_ADDRESS(0x40080000)
/* QEMU's direct kernel boot puts the device tree in the middle of RAM (after
 * where an initrd would go) and passes its address in x0. */
#define BOARD_DTB_ADDRESS BOARD_ADDRESS(0x44000000)

/* ---- the kernel's regions in RAM ----
 * Fixed addresses: session scripts (`free 0x40400040`) and lessons quote
 * heap addresses, so they must not move when the kernel's code grows. The
 * linker script asserts that the kernel image, .bss and stack end below the
 * arena. */
#define BOARD_ARENA_BASE BOARD_ADDRESS(0x40380000)
#define BOARD_ARENA_SIZE BOARD_ADDRESS(0x00010000)
#define BOARD_HEAP_BASE BOARD_ADDRESS(0x40400000)
#define BOARD_HEAP_SIZE BOARD_ADDRESS(0x00100000)
/* The top of the user stack is the initial sp of a user program. */
#define BOARD_USER_STACK_BASE BOARD_ADDRESS(0x40600000)
#define BOARD_USER_STACK_SIZE BOARD_ADDRESS(0x00010000)

/* The trace area: raw bytes of a CS:APP .rep trace, put there by the host
 * (QEMU: -device loader,file=T.rep,addr=0x47000000,force-raw=on), ending at
 * a NUL or after the header's op count. The kernel only reads it. The last
 * 16 MiB of RAM. */
#define BOARD_TRACE_BASE BOARD_ADDRESS(0x47000000)
#define BOARD_TRACE_SIZE BOARD_ADDRESS(0x01000000)

#endif
