/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * heap_abi.h — the guest-memory contract between the kernel and the heap panel.
 *
 * The web panel learns everything about the heap by reading raw guest memory,
 * never from terminal text. This header is the single source of truth for the
 * byte layout it reads; web/src/heap/abi.ts mirrors it and a test proves the
 * two agree. All fields are little-endian, naturally aligned, and pointers are
 * guest physical addresses stored as 64-bit integers.
 *
 * Changing a layout here means bumping APG_ABI_VERSION and the decoder.
 */
#ifndef APG_HEAP_ABI_H
#define APG_HEAP_ABI_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#define APG_ABI_VERSION 4u

/* ---------------------------------------------------------------------------
 * Image header: at a fixed offset from the load address (0x40080000), right
 * after the first branch instruction, so the panel can find the descriptor
 * without symbols.
 */
#define APG_IMAGE_HEADER_OFFSET 0x10u
#define APG_IMAGE_MAGIC 0x48475041u /* "APGH" */

#ifndef __ASSEMBLY__
struct apg_image_header {
    uint32_t magic;       /* APG_IMAGE_MAGIC */
    uint32_t abi_version; /* APG_ABI_VERSION */
    uint64_t descriptor;  /* address of struct apg_heap_descriptor */
};
#endif

/* ---------------------------------------------------------------------------
 * Heap descriptor: lives in the kernel's data; one per kernel.
 *
 * generation is incremented before and after every mutation of the user heap
 * (odd = being mutated, even = consistent). A reader that sees an odd value,
 * or a different value after reading, must discard what it read.
 */
#define APG_DESCRIPTOR_MAGIC 0x44475041u /* "APGD" */

#ifndef __ASSEMBLY__
enum apg_heap_kind {
    APG_KIND_NONE = 0,
    APG_KIND_FIRST_FIT = 1,
    APG_KIND_BUDDY = 2,
    APG_KIND_PAGE = 3,
    APG_KIND_BUMP = 4,
    APG_KIND_TLSF = 5,
    APG_KIND_MM = 6, /* a student's mm.c (images built with `make mm` only) */
};
#endif

#ifndef __ASSEMBLY__
struct apg_heap_descriptor {
    uint32_t magic;        /* APG_DESCRIPTOR_MAGIC */
    uint32_t abi_version;  /* APG_ABI_VERSION */
    uint32_t generation;   /* odd while the user heap is being mutated */
    uint32_t kind;         /* enum apg_heap_kind of the active allocator */
    uint64_t region_start; /* user heap region [start, end) handed to init */
    uint64_t region_end;
    uint64_t heap_state;  /* address of the active allocator's state struct */
    uint64_t arena_start; /* kernel arena (bump allocator, shell history) */
    uint64_t arena_end;
    uint64_t arena_state;  /* struct apg_bump_state of the kernel arena */
    uint64_t commands;     /* shell commands executed since boot */
    uint64_t event_log;    /* address of struct apg_event_log (version 2) */
    uint32_t user_pid;     /* pid of the running user program, 0 when none */
    uint32_t heap_inits;   /* times the user heap was (re)initialised since boot: use, reset */
    uint64_t user_program; /* address of its name (NUL-terminated), 0 when none */
    uint64_t block_refs;   /* address of struct apg_block_refs (version 4) */
};
#endif

/* ---------------------------------------------------------------------------
 * Block references (version 4): the shell's `$N` table (lib/block_refs.c),
 * what each of the last APG_BLOCK_REFS blocks returned by a command became.
 * The panel reads it to tell a block that a realloc moved from a free and a
 * new allocation. A ring in command order: entries [0, count) are in use,
 * `next` is where the next one goes. Written only by the kernel at EL1.
 */
#define APG_BLOCK_REFS 256u

#ifndef __ASSEMBLY__
enum apg_ref_state {
    APG_REF_LIVE = 0,
    APG_REF_FREED = 1,    /* freed by command `ended_by` */
    APG_REF_RESIZED = 2,  /* a realloc (command `ended_by`) returned it as $ended_by */
    APG_REF_RELEASED = 3, /* command `ended_by` re-initialised the heap (use, reset) */
};

struct apg_block_ref {
    uint64_t command; /* the command that returned the block */
    uint64_t address; /* the payload address it returned */
    uint64_t ended_by;
    uint32_t state; /* enum apg_ref_state */
    uint32_t reserved;
};

struct apg_block_refs {
    struct apg_block_ref ref[APG_BLOCK_REFS];
    uint64_t next;            /* where the next entry goes */
    uint64_t count;           /* entries in use (at most APG_BLOCK_REFS) */
    uint64_t forgotten_up_to; /* the newest command overwritten in the ring */
};
#endif

/* ---------------------------------------------------------------------------
 * Event log (version 2): what user programs asked of the kernel and what
 * interrupted them, newest last. A ring of APG_EVENT_LOG_CAPACITY slots: event
 * number n (counting from 0 since boot) is in slots[n % capacity]; `written`
 * is the number of events ever logged. Written only by the kernel at EL1.
 */
#define APG_EVENT_LOG_MAGIC 0x56455041u /* "APEV" */
#define APG_EVENT_LOG_CAPACITY 64u

#ifndef __ASSEMBLY__
enum apg_event_kind {
    APG_EVENT_START = 1,   /* number = pid; args[0] = entry point */
    APG_EVENT_SYSCALL = 2, /* number = syscall number; args = x0..x2; result = x0 on return */
    APG_EVENT_IRQ = 3,     /* number = interrupt id (27: virtual timer) */
    APG_EVENT_SIGNAL = 4,  /* number = signal; args[0] = handler */
    APG_EVENT_FAULT = 5,   /* number = exception class; args[0] = ELR, args[1] = FAR */
    APG_EVENT_EXIT = 6,    /* number = pid; result = exit code (or -1 when killed) */
};
#endif

#ifndef __ASSEMBLY__
struct apg_event {
    uint64_t sequence; /* event number since boot */
    uint32_t kind;     /* enum apg_event_kind */
    uint32_t number;
    uint64_t args[3];
    int64_t result;
};
#endif

#ifndef __ASSEMBLY__
struct apg_event_log {
    uint32_t magic;    /* APG_EVENT_LOG_MAGIC */
    uint32_t capacity; /* APG_EVENT_LOG_CAPACITY */
    uint64_t written;  /* events logged since boot */
    struct apg_event slots[APG_EVENT_LOG_CAPACITY];
};
#endif

/* Every allocator keeps all of its metadata inside the region it manages,
 * starting with its state struct at the (16-byte aligned) region start, so
 * heap_state == region_start rounded up to 16. */

/* ---------------------------------------------------------------------------
 * First-fit free list (APG_KIND_FIRST_FIT).
 *
 * Blocks tile [heap_start, heap_end) in address order, each starting with a
 * 16-byte header; the payload follows the header. Every header records the size
 * of the previous block (a boundary tag in header form), so both neighbours of a
 * block are found in O(1). Free blocks are linked into one address-ordered,
 * doubly linked list whose links live in the first 16 bytes of their payload.
 */
#define APG_FF_MAGIC 0x46465041u /* "APFF" */
#define APG_FF_USED 0x1u         /* size_flags bit 0: block is allocated */
#define APG_FF_SIZE_MASK (~(uint64_t)0xF)

#ifndef __ASSEMBLY__
struct apg_ff_state {
    uint32_t magic; /* APG_FF_MAGIC */
    uint32_t reserved;
    uint64_t heap_start;  /* first block header (16-byte aligned) */
    uint64_t heap_end;    /* one past the last block */
    uint64_t free_head;   /* header address of the lowest free block, 0 if none */
    uint64_t region_size; /* bytes handed to init (stats) */
};
#endif

#ifndef __ASSEMBLY__
struct apg_ff_block {
    uint64_t size_flags; /* whole block size in bytes (multiple of 16) | flags */
    uint32_t prev_size;  /* size of the previous block in address order, 0 for the first */
    uint32_t requested;  /* bytes the caller asked for (used blocks), 0 when free */
};
#endif

#ifndef __ASSEMBLY__
struct apg_ff_free_links {
    uint64_t next; /* header address of the next free block (higher address), 0 = end */
    uint64_t prev; /* header address of the previous free block, 0 = head */
};
#endif

/* ---------------------------------------------------------------------------
 * Buddy allocator (APG_KIND_BUDDY).
 *
 * Blocks are 32 << order bytes, naturally aligned relative to arena_start.
 * Block state is NOT in-band: a memory-control-block table holds one 32-bit
 * entry per 32-byte unit of the arena. Only the entry of a block's first unit
 * (its head) is non-zero; every other entry is 0. Free blocks of each order are
 * kept in a doubly linked list whose links live in the free block's first 16
 * bytes (struct apg_buddy_free_links).
 */
#define APG_BUDDY_MAGIC 0x44425041u /* "APBD" */
#define APG_BUDDY_MIN_BLOCK 32u
#define APG_BUDDY_MIN_SHIFT 5u
#define APG_BUDDY_MAX_ORDERS 27u /* 32 B << 26 = 2 GiB */

/* table entry encoding */
#define APG_BUDDY_ORDER_MASK 0x1Fu /* bits 0..4: order */
#define APG_BUDDY_STATE_SHIFT 5u   /* bits 5..6: state */
#define APG_BUDDY_STATE_MASK 0x3u
#define APG_BUDDY_STATE_NONE 0u      /* not a block head */
#define APG_BUDDY_STATE_FREE 1u      /* head of a free block */
#define APG_BUDDY_STATE_USED 2u      /* head of an allocated block */
#define APG_BUDDY_REQ_SHIFT 7u       /* bits 7..31: requested bytes, saturating */
#define APG_BUDDY_REQ_MAX 0x1FFFFFFu /* a larger request is stored as this value */

#ifndef __ASSEMBLY__
struct apg_buddy_state {
    uint32_t magic;                            /* APG_BUDDY_MAGIC */
    uint32_t max_order;                        /* largest order that fits in the arena */
    uint64_t arena_start;                      /* first managed byte (aligned to 4 KiB) */
    uint64_t arena_size;                       /* managed bytes, a multiple of 32 */
    uint64_t table;                            /* address of uint32_t table[unit_count] */
    uint64_t unit_count;                       /* arena_size / 32 */
    uint64_t free_heads[APG_BUDDY_MAX_ORDERS]; /* per order: first free block, 0 = empty */
    uint64_t region_size;                      /* bytes handed to init (stats) */
};
#endif

#ifndef __ASSEMBLY__
struct apg_buddy_free_links {
    uint64_t next; /* address of the next free block of the same order, 0 = end */
    uint64_t prev; /* previous one, 0 = head */
};
#endif

/* ---------------------------------------------------------------------------
 * Page allocator (APG_KIND_PAGE).
 *
 * 4 KiB pages; an allocation is a contiguous run of pages, zeroed on
 * allocation. A page map holds one 32-bit entry per page.
 */
#define APG_PAGE_MAGIC 0x47505041u /* "APPG" */
#define APG_PAGE_SIZE 4096u
#define APG_PAGE_STATE_MASK 0x3u
#define APG_PAGE_FREE 0u      /* page is free */
#define APG_PAGE_HEAD 1u      /* first page of an allocated run */
#define APG_PAGE_TAIL 2u      /* later page of an allocated run */
#define APG_PAGE_REQ_SHIFT 2u /* head entries: requested bytes in bits 2..31 */

#ifndef __ASSEMBLY__
struct apg_page_state {
    uint32_t magic;       /* APG_PAGE_MAGIC */
    uint32_t page_size;   /* APG_PAGE_SIZE */
    uint64_t pages_start; /* first page (4 KiB aligned) */
    uint64_t page_count;
    uint64_t page_map; /* address of uint32_t map[page_count] */
    uint64_t used_pages;
    uint64_t region_size; /* bytes handed to init (stats) */
};
#endif

/* ---------------------------------------------------------------------------
 * Bump allocator (APG_KIND_BUMP, and the kernel arena).
 *
 * Allocations are laid out one after another from start; each starts with a
 * 16-byte header. Free marks a block dead; memory comes back only when every
 * block is dead (the arena then rewinds to start, as the reference Rust kernel's
 * bump allocator does) or on reset.
 */
#define APG_BUMP_MAGIC 0x55425041u /* "APBU" */
#define APG_BUMP_LIVE 0x1u         /* flags bit 0: block not yet freed */

#ifndef __ASSEMBLY__
struct apg_bump_state {
    uint32_t magic; /* APG_BUMP_MAGIC */
    uint32_t live_blocks;
    uint64_t start;             /* first header (16-byte aligned) */
    uint64_t next;              /* where the next header goes (the bump pointer) */
    uint64_t end;               /* one past the last usable byte */
    uint64_t total_allocations; /* since init */
    uint64_t region_size;       /* bytes handed to init (stats) */
};
#endif

#ifndef __ASSEMBLY__
struct apg_bump_block {
    uint32_t span;           /* bytes from this header to the next header */
    uint32_t flags;          /* APG_BUMP_LIVE */
    uint32_t payload_offset; /* bytes from this header to the payload (>= 16) */
    uint32_t requested;      /* bytes the caller asked for */
};
#endif

/* ---------------------------------------------------------------------------
 * TLSF (APG_KIND_TLSF): two-level segregated fit, O(1) alloc and free.
 *
 * Blocks tile [heap_start, heap_end) with 16-byte headers like first-fit, but
 * the header holds the address of the physically previous block. Free blocks
 * live in segregated lists indexed by (fl, sl); fl_bitmap has bit fl set when
 * any list of that first level is non-empty, sl_bitmap[fl] bit sl when list
 * (fl, sl) is non-empty. Sizes below 1 << APG_TLSF_FL_SHIFT map to fl 0 with
 * linear second-level classes of (1 << APG_TLSF_FL_SHIFT) / SL_COUNT bytes.
 */
#define APG_TLSF_MAGIC 0x464C5041u /* "APLF" */
#define APG_TLSF_SL_LOG2 4u
#define APG_TLSF_SL_COUNT (1u << APG_TLSF_SL_LOG2)                   /* 16 second-level lists */
#define APG_TLSF_ALIGN_LOG2 4u                                       /* 16-byte granules */
#define APG_TLSF_FL_SHIFT (APG_TLSF_SL_LOG2 + APG_TLSF_ALIGN_LOG2)   /* 8: sizes < 256 in fl 0 */
#define APG_TLSF_FL_MAX 32u                                          /* sizes < 4 GiB */
#define APG_TLSF_FL_COUNT (APG_TLSF_FL_MAX - APG_TLSF_FL_SHIFT + 1u) /* 25 */
#define APG_TLSF_FREE 0x1u      /* size_flags bit 0: this block is free */
#define APG_TLSF_PREV_FREE 0x2u /* size_flags bit 1: the previous block is free */
#define APG_TLSF_SIZE_MASK (~(uint32_t)0xF)

#ifndef __ASSEMBLY__
struct apg_tlsf_state {
    uint32_t magic; /* APG_TLSF_MAGIC */
    uint32_t fl_bitmap;
    uint32_t sl_bitmap[APG_TLSF_FL_COUNT];
    uint32_t reserved;
    uint64_t heap_start;                                  /* first block header */
    uint64_t heap_end;                                    /* one past the last block */
    uint64_t heads[APG_TLSF_FL_COUNT][APG_TLSF_SL_COUNT]; /* header address, 0 = empty */
    uint64_t region_size;                                 /* bytes handed to init (stats) */
};
#endif

#ifndef __ASSEMBLY__
struct apg_tlsf_block {
    uint64_t prev_phys; /* header address of the previous block, 0 for the first */
    uint32_t
        size_flags;     /* whole block size (multiple of 16) | APG_TLSF_FREE | APG_TLSF_PREV_FREE */
    uint32_t requested; /* bytes the caller asked for (used blocks), 0 when free */
};
#endif

#ifndef __ASSEMBLY__
struct apg_tlsf_free_links {
    uint64_t next; /* header address of the next free block in the same list, 0 = end */
    uint64_t prev; /* previous one, 0 = head */
};
#endif

/* ---------------------------------------------------------------------------
 * Student allocator (APG_KIND_MM, version 3): a malloc-lab mm.c, in images
 * built with `make mm`. The kernel does not trust the student's data
 * structures and neither should a reader: heap_state points at this struct in
 * kernel memory (not in the region), which describes the kernel's own table of
 * live blocks and the simulated heap of memlib. The region [heap_lo, limit)
 * is the user heap; mem_sbrk has handed out [heap_lo, brk).
 */
#define APG_MM_MAGIC 0x4d4d5041u  /* "APMM" */
#define APG_MM_CALLER_WRITES 0x1u /* the caller writes the payload: no pattern check */

#ifndef __ASSEMBLY__
struct apg_mm_state {
    uint32_t magic;    /* APG_MM_MAGIC */
    uint32_t capacity; /* entries the table can hold */
    uint32_t count;    /* live blocks: table[0..count) in address order */
    uint32_t ready;    /* 1 when mm_init succeeded */
    uint64_t heap_lo;  /* mem_heap_lo() */
    uint64_t brk;      /* mem_heap_hi() + 1: the break */
    uint64_t limit;    /* how far mem_sbrk may grow the heap */
    uint64_t table;    /* address of struct apg_mm_block[capacity] */
};
#endif

#ifndef __ASSEMBLY__
struct apg_mm_block {
    uint64_t address;   /* payload address mm_malloc/mm_realloc returned */
    uint64_t requested; /* bytes requested (the block's size as the kernel knows it) */
    uint32_t flags;     /* APG_MM_CALLER_WRITES */
    uint32_t reserved;
};
#endif

#endif /* APG_HEAP_ABI_H */
