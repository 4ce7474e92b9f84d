/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translation tables for a 4 KiB granule and 39-bit addresses: one level-1
 * table (1 GiB per entry), level-2 tables for the device gigabyte and the RAM
 * gigabyte (2 MiB per entry), and a level-3 table (4 KiB pages) for the first
 * 2 MiB of RAM, where kernel code and the user text section sit side by side.
 * Addresses come from the board's memory map (board.h).
 */
#include "mmu.h"

#include "board.h"
#include "heap.h"
#include "range.h"

extern char __user_start[], __user_end[];
extern char __user_data_start[], __user_data_end[];

#define PAGE 4096ul
#define BLOCK_2M (2ul << 20)
#define RAM_BASE ((uintptr_t)BOARD_RAM_BASE)

/* descriptor bits */
#define DESC_BLOCK 0x1ul       /* level 1/2 block */
#define DESC_TABLE 0x3ul       /* level 1/2 table */
#define DESC_PAGE 0x3ul        /* level 3 page */
#define ATTR_DEVICE (0ul << 2) /* MAIR index 0 */
#define ATTR_NORMAL (1ul << 2) /* MAIR index 1 */
#define AP_EL1_RW (0ul << 6)
#define AP_EL0_RW (1ul << 6) /* EL1 and EL0 read/write */
#define AP_EL1_RO (2ul << 6) /* EL1 read-only, EL0 no access */
#define AP_EL0_RO (3ul << 6) /* EL1 and EL0 read-only */
#define SH_INNER (3ul << 8)
#define AF (1ul << 10)  /* accessed: no access-flag faults */
#define PXN (1ul << 53) /* EL1 may not execute */
#define UXN (1ul << 54) /* EL0 may not execute */

#define KERNEL_RAM (ATTR_NORMAL | AP_EL1_RW | SH_INNER | AF | UXN)
#define KERNEL_READ_ONLY (ATTR_NORMAL | AP_EL1_RO | SH_INNER | AF | UXN | PXN)
#define KERNEL_DEVICE (ATTR_DEVICE | AP_EL1_RW | AF | UXN | PXN)
#define USER_CODE (ATTR_NORMAL | AP_EL0_RO | SH_INNER | AF | PXN)
#define USER_DATA (ATTR_NORMAL | AP_EL0_RW | SH_INNER | AF | UXN | PXN)

/* MAIR: attribute 0 Device-nGnRnE, attribute 1 Normal write-back */
#define MAIR_VALUE 0xff00ul
/* TCR: T0SZ=25 (39-bit VA), inner/outer write-back, inner shareable, 4 KiB
 * granule, no TTBR1 walks (EPD1), 40-bit physical addresses */
#define TCR_VALUE                                                                                  \
    ((25ul << 0) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (0ul << 14) | (1ul << 23) | (2ul << 32))
#define SCTLR_M (1ul << 0)
#define SCTLR_C (1ul << 2)
#define SCTLR_I (1ul << 12)

static uint64_t level1[512] __attribute__((aligned(4096)));
static uint64_t level2_devices[512] __attribute__((aligned(4096)));
static uint64_t level2_ram[512] __attribute__((aligned(4096)));
static uint64_t level3_kernel[512] __attribute__((aligned(4096)));

static void map_block(uint64_t *table, uintptr_t address, uint64_t attributes)
{
    table[(address >> 21) & 511] = (address & ~(BLOCK_2M - 1)) | attributes | DESC_BLOCK;
}

/* Maps [start, start + size) in 2 MiB blocks; both are multiples of 2 MiB. */
static void map_blocks(uint64_t *table, uintptr_t start, size_t size, uint64_t attributes)
{
    for (uintptr_t address = start; address - start < size; address += BLOCK_2M)
        map_block(table, address, attributes);
}

static void build_tables(void)
{
    level1[0] = (uintptr_t)level2_devices | DESC_TABLE;
    level1[1] = (uintptr_t)level2_ram | DESC_TABLE;

    /* devices: the GIC and the UART, EL1 only (each fits in one 2 MiB block) */
    map_block(level2_devices, BOARD_GIC_DIST_BASE, KERNEL_DEVICE);
    map_block(level2_devices, BOARD_GIC_CPU_BASE, KERNEL_DEVICE);
    map_block(level2_devices, BOARD_UART_BASE, KERNEL_DEVICE);

    /* first 2 MiB of RAM: kernel pages, except the user sections */
    level2_ram[0] = (uintptr_t)level3_kernel | DESC_TABLE;
    for (uintptr_t page = 0; page < 512; page++) {
        uintptr_t address = RAM_BASE + page * PAGE;
        uint64_t attributes = KERNEL_RAM;
        if (address >= (uintptr_t)__user_start && address < (uintptr_t)__user_end)
            attributes = USER_CODE;
        else if (address >= (uintptr_t)__user_data_start && address < (uintptr_t)__user_data_end)
            attributes = USER_DATA;
        level3_kernel[page] = address | attributes | DESC_PAGE;
    }
    /* kernel stack and kernel arena */
    map_block(level2_ram, RAM_BASE + BLOCK_2M, KERNEL_RAM);
    /* the user heap: user programs get pointers into it from malloc */
    map_block(level2_ram, heap_region_start(), USER_DATA);
    /* user stacks */
    map_block(level2_ram, USER_STACK_BASE, USER_DATA);
    /* the trace area: the host writes it, the kernel only reads it */
    map_blocks(level2_ram, BOARD_TRACE_BASE, BOARD_TRACE_SIZE, KERNEL_READ_ONLY);
}

void mmu_enable(void)
{
    build_tables();
    __asm__ volatile("msr mair_el1, %0\n"
                     "msr tcr_el1, %1\n"
                     "msr ttbr0_el1, %2\n"
                     "dsb ish\n"
                     "tlbi vmalle1\n"
                     "dsb ish\n"
                     "isb\n"
                     :
                     : "r"(MAIR_VALUE), "r"(TCR_VALUE), "r"((uintptr_t)level1)
                     : "memory");
    uint64_t sctlr;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
    __asm__ volatile("msr sctlr_el1, %0\n"
                     "isb\n"
                     :
                     : "r"(sctlr)
                     : "memory");
}

bool user_range_ok(uintptr_t address, size_t size, bool write)
{
    if (apg_range_inside(address, size, heap_region_start(), heap_region_end()))
        return true;
    if (apg_range_inside(address, size, USER_STACK_BASE, USER_STACK_BASE + USER_STACK_SIZE))
        return true;
    if (apg_range_inside(address, size, (uintptr_t)__user_data_start, (uintptr_t)__user_data_end))
        return true;
    return !write &&
           apg_range_inside(address, size, (uintptr_t)__user_start, (uintptr_t)__user_end);
}

bool user_code_address(uintptr_t address)
{
    return address >= (uintptr_t)__user_start && address < (uintptr_t)__user_end &&
           (address & 3) == 0;
}
