/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timer interrupts through the GICv2, as on QEMU's virt machine. Prints
 * GIC and timer registers whose values are fixed (identification, reset
 * values, ISTATUS, TVAL's zero upper half, a level-sensitive PPI showing as
 * pending), then takes three virtual timer interrupts (PPI 27, priority 0xa0,
 * PMR 0xf0): at EL1 while spinning, at EL1 in WFI, at EL0 while spinning.
 * The handler acknowledges (GICC_IAR), prints what it got, re-arms the timer
 * (or disables it after the third), and ends the interrupt (GICC_EOIR).
 * Finally it prints CNTFRQ_EL0 and powers off with PSCI.
 *
 * Nothing printed depends on the exact instruction at which an interrupt
 * arrives, so QEMU (-icount shift=7) and emu-glue print the same bytes.
 */
#define UART 0x09000000
#define GICD 0x08000000
#define GICC 0x08010000
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_ISENABLER0 0x100
#define GICD_ISPENDR0 0x200
#define GICD_ISACTIVER0 0x300
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR0 0xc00
#define GICD_ICFGR1 0xc04
#define GICD_PIDR2 0xfe8
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_IIDR 0xfc
#define VIRTUAL_TIMER_PPI 27
#define TIMER_TICKS 80000 /* 10000 instructions at 8 ticks per instruction */
#define PSCI_SYSTEM_OFF 0x84000008

    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x24, =UART
    ldr     x25, =GICD
    ldr     x26, =GICC
    mov     x28, #0                 /* interrupts handled */
    ldr     x0, =stack_el1_top
    mov     sp, x0
    adr     x0, vectors
    msr     vbar_el1, x0
    isb

    adr     x0, banner
    bl      puts

    /* identification and reset values */
    adr     x0, name_typer
    ldr     w1, [x25, #GICD_TYPER]
    bl      show
    adr     x0, name_dist_iidr
    ldr     w1, [x25, #GICD_IIDR]
    bl      show
    adr     x0, name_pidr2
    ldr     w1, [x25, #GICD_PIDR2]
    bl      show
    adr     x0, name_cpu_iidr
    ldr     w1, [x26, #GICC_IIDR]
    bl      show
    adr     x0, name_isenabler0
    ldr     w1, [x25, #GICD_ISENABLER0]
    bl      show
    adr     x0, name_icfgr0
    ldr     w1, [x25, #GICD_ICFGR0]
    bl      show
    adr     x0, name_icfgr1
    ldr     w1, [x25, #GICD_ICFGR1]
    bl      show
    adr     x0, name_itargetsr
    ldr     w1, [x25, #(GICD_ITARGETSR + 24)]
    bl      show
    adr     x0, name_pmr
    ldr     w1, [x26, #GICC_PMR]
    bl      show
    adr     x0, name_iar_disabled
    ldr     w1, [x26, #GICC_IAR]
    bl      show

    /* the timer: with CVAL 0 the condition is met at once */
    msr     cntv_cval_el0, xzr
    mov     x0, #3                  /* ENABLE | IMASK */
    msr     cntv_ctl_el0, x0
    isb
    adr     x0, name_ctl_masked
    mrs     x1, cntv_ctl_el0
    bl      show
    adr     x0, name_tval_upper
    mrs     x1, cntv_tval_el0
    lsr     x1, x1, #32
    bl      show
    mov     x0, #1                  /* ENABLE: the output is high */
    msr     cntv_ctl_el0, x0
    isb
    adr     x0, name_ispendr_level
    ldr     w1, [x25, #GICD_ISPENDR0]
    bl      show
    msr     cntv_ctl_el0, xzr       /* disabled: ISTATUS reads 0, the output drops */
    isb
    adr     x0, name_ctl_disabled
    mrs     x1, cntv_ctl_el0
    bl      show
    adr     x0, name_ispendr_low
    ldr     w1, [x25, #GICD_ISPENDR0]
    bl      show

    /* the GIC: PPI 27 enabled at priority 0xa0, PMR 0xf0 */
    mov     w0, #0xa0
    strb    w0, [x25, #(GICD_IPRIORITYR + VIRTUAL_TIMER_PPI)]
    mov     w0, #(1 << VIRTUAL_TIMER_PPI)
    str     w0, [x25, #GICD_ISENABLER0]
    mov     w0, #1
    str     w0, [x25, #GICD_CTLR]
    mov     w0, #0xf0
    str     w0, [x26, #GICC_PMR]
    mov     w0, #1
    str     w0, [x26, #GICC_CTLR]
    adr     x0, name_priority
    ldrb    w1, [x25, #(GICD_IPRIORITYR + VIRTUAL_TIMER_PPI)]
    bl      show

    /* arm the virtual timer and unmask IRQs; spin for the first interrupt,
     * sleep in WFI for the second (guest time jumps to the timer event) */
    ldr     x0, =TIMER_TICKS
    msr     cntv_tval_el0, x0
    mov     x0, #1
    msr     cntv_ctl_el0, x0
    msr     daifclr, #2
1:  cmp     x28, #1
    b.lo    1b
2:  wfi
    cmp     x28, #2
    b.lo    2b

    /* then spin at EL0 (EL0t, nothing masked) for the third */
    msr     daifset, #2
    ldr     x0, =stack_el0_top
    msr     sp_el0, x0
    adr     x0, spin_el0
    msr     elr_el1, x0
    msr     spsr_el1, xzr
    eret

spin_el0:
    b       spin_el0

/* the third interrupt ends up here, at EL1 with IRQs masked */
finish:
    adr     x0, name_cntfrq
    mrs     x1, cntfrq_el0
    bl      show
    adr     x0, name_handled
    mov     x1, x28
    bl      show
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
    b       .

/* x0 = the vector offset it came through */
irq_handler:
    stp     x0, x1, [sp, #-16]!
    stp     x2, x3, [sp, #-16]!
    stp     x9, x10, [sp, #-16]!
    stp     x11, x12, [sp, #-16]!
    stp     x13, x30, [sp, #-16]!
    mov     x20, x0
    ldr     w21, [x26, #GICC_IAR]   /* acknowledge: the interrupt is now active */
    add     x28, x28, #1

    adr     x0, name_irq
    mov     x1, x21
    bl      show
    adr     x0, name_vector
    mov     x1, x20
    bl      show
    adr     x0, name_from_el
    mrs     x1, spsr_el1
    ubfx    x1, x1, #2, #2
    bl      show
    adr     x0, name_rpr
    ldr     w1, [x26, #GICC_RPR]
    bl      show
    adr     x0, name_isactiver
    ldr     w1, [x25, #GICD_ISACTIVER0]
    bl      show
    adr     x0, name_hppir
    ldr     w1, [x26, #GICC_HPPIR]
    bl      show

    cmp     x28, #3
    b.hs    2f
    ldr     x0, =TIMER_TICKS        /* re-arm: the output drops until then */
    msr     cntv_tval_el0, x0
    b       3f
2:  msr     cntv_ctl_el0, xzr       /* the last one: disable the timer */
3:  isb
    str     w21, [x26, #GICC_EOIR]
    adr     x0, name_rpr_after
    ldr     w1, [x26, #GICC_RPR]
    bl      show

    ldp     x13, x30, [sp], #16
    ldp     x11, x12, [sp], #16
    ldp     x9, x10, [sp], #16
    ldp     x2, x3, [sp], #16
    ldp     x0, x1, [sp], #16
    cmp     x28, #3
    b.hs    finish
    eret

unexpected:
    mov     x20, x0
    adr     x0, name_unexpected
    mov     x1, x20
    bl      show
    adr     x0, name_esr
    mrs     x1, esr_el1
    bl      show
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
    b       .

/* puts: prints the NUL-terminated string at x0 */
puts:
    ldrb    w9, [x0], #1
    cbz     w9, 1f
    str     w9, [x24]
    b       puts
1:  ret

/* show: prints the name at x0, then the low 32 bits of x1 as 8 hex digits, CR LF */
show:
    mov     x13, x30
    bl      puts
    mov     x11, #28
4:  lsr     x10, x1, x11
    and     x10, x10, #0xf
    cmp     x10, #10
    add     x12, x10, #'0'
    add     x10, x10, #('a' - 10)
    csel    x10, x12, x10, lo
    str     w10, [x24]
    subs    x11, x11, #4
    b.pl    4b
    mov     w10, #'\r'
    str     w10, [x24]
    mov     w10, #'\n'
    str     w10, [x24]
    mov     x30, x13
    ret

    .section .rodata
banner:             .asciz "timer_irq: GICv2 and generic timer\r\n"
name_typer:         .asciz "GICD_TYPER            "
name_dist_iidr:     .asciz "GICD_IIDR             "
name_pidr2:         .asciz "GICD_PIDR2            "
name_cpu_iidr:      .asciz "GICC_IIDR             "
name_isenabler0:    .asciz "GICD_ISENABLER0 reset "
name_icfgr0:        .asciz "GICD_ICFGR0 reset     "
name_icfgr1:        .asciz "GICD_ICFGR1 reset     "
name_itargetsr:     .asciz "GICD_ITARGETSR6       "
name_pmr:           .asciz "GICC_PMR reset        "
name_iar_disabled:  .asciz "GICC_IAR disabled     "
name_ctl_masked:    .asciz "CNTV_CTL en+mask      "
name_tval_upper:    .asciz "CNTV_TVAL high half   "
name_ispendr_level: .asciz "GICD_ISPENDR0 level   "
name_ctl_disabled:  .asciz "CNTV_CTL disabled     "
name_ispendr_low:   .asciz "GICD_ISPENDR0 low     "
name_priority:      .asciz "GICD_IPRIORITYR27     "
name_irq:           .asciz "irq: GICC_IAR         "
name_vector:        .asciz "     vector           "
name_from_el:       .asciz "     from EL          "
name_rpr:           .asciz "     GICC_RPR         "
name_isactiver:     .asciz "     GICD_ISACTIVER0  "
name_hppir:         .asciz "     GICC_HPPIR       "
name_rpr_after:     .asciz "     GICC_RPR at EOI  "
name_cntfrq:        .asciz "CNTFRQ_EL0            "
name_handled:       .asciz "interrupts handled    "
name_unexpected:    .asciz "unexpected exception at vector "
name_esr:           .asciz "ESR_EL1 "

/* The vector table: the two IRQ entries this test expects, everything else
 * reports itself and powers off. */
    .section .text
    .balign 0x800
vectors:
    .irp    offset, 0x000, 0x080, 0x100, 0x180, 0x200
    .balign 0x80
    mov     x0, #\offset
    b       unexpected
    .endr
    .balign 0x80
    mov     x0, #0x280              /* IRQ, current EL with SP_EL1 */
    b       irq_handler
    .irp    offset, 0x300, 0x380, 0x400
    .balign 0x80
    mov     x0, #\offset
    b       unexpected
    .endr
    .balign 0x80
    mov     x0, #0x480              /* IRQ, lower EL in AArch64 */
    b       irq_handler
    .irp    offset, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
    .balign 0x80
    mov     x0, #\offset
    b       unexpected
    .endr

    .section .bss
    .balign 16
    .space  4096
stack_el1_top:
    .space  4096
stack_el0_top:
