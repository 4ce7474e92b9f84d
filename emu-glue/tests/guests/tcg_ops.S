/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs one routine full of the operations TCG lowers differently (byte
 * reversal, rotates, bit-field inserts and extracts, division by zero,
 * high multiplies, every condition, sign- and zero-extending loads, stores
 * and loads that straddle a page, exclusives, flags) on three input pairs,
 * 60 rounds, and prints the last round's results over the UART. QEMU's
 * output is the reference: every host must print the same lines. The 60
 * rounds make the routine hot, so emu-glue's WebAssembly tier compiles it
 * partway (the wasm-every-block host compiles it from the start).
 */
#define UART 0x09000000
#define PSCI_SYSTEM_OFF 0x84000008
#define RESULTS 0x40200000
#define STRADDLE 0x40300ffc /* 8 bytes across a 4 KiB page boundary */
#define EXCLUSIVE 0x40301000
#define ROUNDS 60
#define INPUTS 3

/* one result: the instruction(s) leave it in x2 */
.macro R insn:vararg
    \insn
    str     x2, [x27], #8
.endm

    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x24, =UART
    mov     x25, #ROUNDS
round:
    ldr     x27, =RESULTS
    adr     x26, inputs
    mov     x28, #INPUTS
one_input:
    ldp     x0, x1, [x26], #16
    bl      compute
    subs    x28, x28, #1
    b.ne    one_input
    subs    x25, x25, #1
    b.ne    round

    /* print the last round: one result per line */
    ldr     x19, =RESULTS
    sub     x20, x27, x19
    lsr     x20, x20, #3
print:
    ldr     x1, [x19], #8
    bl      uart_hex
    subs    x20, x20, #1
    b.ne    print

    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
1:  b       1b

/* compute: results of a = x0, b = x1 appended at x27 */
compute:
    /* byte and bit reversal, rotates */
    R rev x2, x0
    R rev w2, w0
    R rev16 x2, x0
    R rev32 x2, x1
    R rbit x2, x0
    R ror x2, x0, #13
    R ror w2, w1, #7
    R ror x2, x0, x1
    R ror w2, w0, w1
    /* shifts by register (the count is taken modulo the width) */
    R lsl x2, x0, x1
    R lsr w2, w0, w1
    R asr x2, x1, x0
    R asr w2, w1, w0
    /* bit fields: deposits and extracts */
    mov x2, x0
    R bfi x2, x1, #8, #16
    mov x2, x1
    R bfi w2, w0, #3, #7
    mov x2, x0
    R bfxil x2, x1, #40, #20
    R ubfx x2, x0, #12, #33
    R sbfx x2, x1, #20, #12
    R sbfx w2, w0, #4, #9
    R extr x2, x0, x1, #17
    R extr w2, w1, w0, #5
    /* extensions and negation */
    R sxtb x2, w0
    R sxth x2, w1
    R sxtw x2, w0
    R uxtb w2, w1
    R uxth w2, w0
    R neg x2, x0
    R neg w2, w1
    R mvn w2, w0
    R clz x2, x0
    R cls w2, w1
    /* multiply and divide (by zero too: AArch64 gives 0) */
    R mul w2, w0, w1
    R madd x2, x0, x1, x0
    R msub x2, x1, x0, x1
    R smulh x2, x0, x1
    R umulh x2, x0, x1
    R smull x2, w0, w1
    R umull x2, w0, w1
    R udiv x2, x0, x1
    R sdiv x2, x0, x1
    R udiv w2, w1, w0
    R sdiv w2, w1, w0
    /* conditions: every one, after a 64-bit and a 32-bit compare */
    cmp x0, x1
    R cset x2, eq
    R cset x2, ne
    R cset x2, lt
    R cset x2, ge
    R cset x2, le
    R cset x2, gt
    R cset x2, lo
    R cset x2, hs
    R cset x2, ls
    R cset x2, hi
    R cset x2, mi
    R cset x2, vs
    cmp w0, w1
    R csel x2, x0, x1, lt
    R csinc x2, x0, x1, hi
    R csneg x2, x0, x1, le
    R csinv x2, x0, x1, vc
    /* flags from arithmetic, with carry in */
    R adds x2, x0, x1
    R mrs x2, NZCV
    R adcs w2, w0, w1
    R sbcs x2, x1, x0
    R mrs x2, NZCV
    R ccmp x0, x1, #5, ne
    R mrs x2, NZCV
    /* branches on each condition: a bit per taken branch */
    mov x2, #0
    cmp x0, x1
    b.lt 2f
    orr x2, x2, #1
2:  b.hi 3f
    orr x2, x2, #2
3:  cmp w1, w0
    b.ge 4f
    orr x2, x2, #4
4:  b.ls 5f
    orr x2, x2, #8
5:  cbz w0, 6f
    orr x2, x2, #16
6:  tbnz x1, #63, 7f
    orr x2, x2, #32
7:  str x2, [x27], #8
    /* loads and stores: sizes, sign extension, a page boundary */
    ldr x3, =STRADDLE
    str x0, [x3]
    R ldr x2, [x3]
    R ldrsb x2, [x3, #3]
    R ldrsh x2, [x3, #5]
    R ldrsw x2, [x3, #2]
    R ldrb w2, [x3, #7]
    R ldrh w2, [x3, #1]
    R ldr w2, [x3, #3]
    strh w1, [x3, #3]
    strb w1, [x3, #6]
    R ldr x2, [x3]
    sub x6, x3, #4
    stp w1, w0, [x6]
    ldp x4, x5, [x6]
    R eor x2, x4, x5
    /* exclusives */
    ldr x3, =EXCLUSIVE
    str x1, [x3]
    ldxr x4, [x3]
    add x4, x4, x0
    stxr w5, x4, [x3]
    R ldr x2, [x3]
    R mov x2, x5
    ret

#include "uart_hex.inc"

    .balign 16
inputs:
    .quad 0x0123456789abcdef, 0xfedcba9876543210
    .quad 0x8000000000000001, 0x0000000000000007
    .quad 0x0000000000000000, 0xffffffff80000000
