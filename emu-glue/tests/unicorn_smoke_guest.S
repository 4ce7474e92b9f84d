// Guest code for unicorn_smoke.c. Loaded at RAM_BASE + 0x80000 and run at EL1
// with the MMU off. Each block exercises one part of the emulator and stores
// its results in a table at x20 + 0x100 (slot k at offset 0x100 + 8 * k); the
// host recomputes every expected value independently and compares.
// Data area: x20 = RAM_BASE + 0x100000.

    .macro result reg, slot
    str     \reg, [x20, #(0x100 + 8 * \slot)]
    .endm

    .text
    .global start
start:
    movz    x20, #0x4010, lsl #16       // data area
    // --- arithmetic and flags --------------------------------------------
    movz    x0, #0x1234
    movk    x0, #0x5678, lsl #16        // x0 = 0x56781234
    movz    x1, #1000
    add     x2, x0, x1
    result  x2, 0
    sub     x3, x0, x1, lsl #4
    result  x3, 1
    mul     x4, x0, x1
    result  x4, 2
    madd    x5, x0, x1, x2
    result  x5, 3
    eor     x6, x0, x1
    result  x6, 4
    lsr     x7, x0, #5
    result  x7, 5
    neg     x8, x0
    asr     x8, x8, #3                  // arithmetic shift of a negative value
    result  x8, 6
    ror     x10, x0, #12
    result  x10, 7
    cmp     x0, x1
    csel    x11, x0, x1, hi
    result  x11, 8
    cset    w12, lt
    result  x12, 9
    umulh   x13, x4, x8
    result  x13, 10
    // --- loads and stores --------------------------------------------------
    stp     x0, x1, [x20]
    str     w2, [x20, #16]
    strb    w0, [x20, #20]
    strh    w0, [x20, #22]
    ldr     x13, [x20, #8]
    result  x13, 11
    ldrsb   x14, [x20, #20]
    result  x14, 12
    ldrh    w15, [x20, #22]
    result  x15, 13
    ldp     x16, x17, [x20]
    result  x16, 14
    result  x17, 15
    // fill 16 doublewords with i*i using post-indexed stores
    add     x21, x20, #64
    mov     x22, #0
1:  mul     x23, x22, x22
    str     x23, [x21], #8
    add     x22, x22, #1
    cmp     x22, #16
    b.ne    1b
    // --- call and return ---------------------------------------------------
    add     x0, x20, #64
    mov     x1, #16
    bl      sum_array
    mov     x18, x0
    result  x18, 16
    // --- divisions (helper calls in TCG) -----------------------------------
    movz    x21, #0xbeef
    movk    x21, #0xdead, lsl #16
    mov     x22, #37
    udiv    x23, x21, x22
    result  x23, 17
    movn    x24, #122                   // x24 = -123
    mov     x22, #7
    sdiv    x24, x24, x22               // -17 (rounds toward zero)
    result  x24, 18
    udiv    x25, x21, xzr               // division by zero yields 0
    result  x25, 19
    udiv    w26, w21, w22
    result  x26, 20
    // --- floating point (needs CPACR_EL1.FPEN = 3) -------------------------
    scvtf   d0, x18                     // 1240.0
    fmov    d1, #2.5
    fmul    d2, d0, d1                  // 3100.0
    fmov    d4, #3.0
    fdiv    d3, d2, d4                  // 1033.333...
    fcvtzs  x27, d3                     // 1033
    result  x27, 21
    fmov    x21, d3                     // raw bits of the quotient
    result  x21, 22
    fcvt    s5, d3                      // to single precision
    fmov    w22, s5
    result  x22, 23
    fsqrt   d6, d2
    fmov    x23, d6
    result  x23, 24
    // --- MMIO (a PL011-like device mapped with uc_mmio_map) ----------------
    movz    x19, #0x0900, lsl #16
    ldr     w9, [x19, #0x18]            // FR
    result  x9, 25
    mov     w10, #'O'
    str     w10, [x19]                  // DR, 32-bit write
    mov     w10, #'K'
    strb    w10, [x19]                  // DR, 8-bit write
    ldrh    w10, [x19, #0x30]           // CR, 16-bit read
    result  x10, 26
    // --- exceptions via the interrupt hook ---------------------------------
    mov     x0, #0x11
    .global svc_insn
svc_insn:
    svc     #0x42                       // host adds 0x100 to x0
    result  x0, 27
    // Unaligned load with the MMU off: real hardware and QEMU's system
    // emulation fault (Device memory), Unicorn 2.1.4 simply performs it.
    ldr     x1, [x20, #1]
    result  x1, 28
    // dc zva zeroes a block through a helper that uses GETPC()
    add     x2, x20, #0x200
    dc      zva, x2
    mrs     x3, dczid_el0
    result  x3, 29
    // hvc at EL1: EL2 is off (SCR_EL3.HCE = 0) so it is UNDEFINED; the host
    // sees EXCP_UDEF at the hvc and treats "hvc #0" as a PSCI call
    movz    x0, #0x0008
    movk    x0, #0x8400, lsl #16        // PSCI SYSTEM_OFF
    .global hvc_insn
hvc_insn:
    hvc     #0                          // the host stops emulation here
    .global after_hvc
after_hvc:
    b       after_hvc                   // never reached

sum_array:                              // x0 = array, x1 = count -> x0 = sum
    mov     x2, #0
1:  ldr     x3, [x0], #8
    add     x2, x2, x3
    subs    x1, x1, #1
    b.ne    1b
    mov     x0, x2
    ret

    // Second entry: an unmapped read must be reported with the faulting PC
    // and with the registers written before it in the same block intact.
    .global unmapped
unmapped:
    mov     x5, #0x55
    movz    x6, #0x7000, lsl #16        // nothing is mapped there
    .global unmapped_load
unmapped_load:
    ldr     x7, [x6]
    nop
    .global unmapped_end
unmapped_end:
    nop

    // Third entry: the same for a fault raised inside a helper (dc zva).
    .global zva_fault
zva_fault:
    mov     x5, #0x66
    movz    x6, #0x7000, lsl #16
    dc      zva, x6
    nop
    .global zva_fault_end
zva_fault_end:
    nop
