// Benchmark workload for unicorn_bench.c: a loop with ALU work, loads and
// stores, a data-dependent branch and a division per iteration.
//
// In:  x0 = iteration count N (>= 1), x1 = address of a 256 x 8-byte table.
// Out: x2 = checksum. Stops at the global label "done".
//
// Instructions executed (what unicorn_bench.c counts):
//   3 before the loop, then for i = 1..N: 14 per iteration, plus 1 when
//   bit 3 of i is set (the "sub" after the untaken tbz).

    .text
    .global start
start:
    mov     x2, #0                      // checksum
    mov     x3, #1                      // i
    mov     x9, #0x9e37                 // odd multiplier
loop:
    add     x4, x2, x3, lsl #2          // ALU
    eor     x2, x4, x3
    and     x5, x3, #0xff
    ldr     x6, [x1, x5, lsl #3]        // load
    madd    x6, x3, x9, x6
    str     x6, [x1, x5, lsl #3]        // store
    udiv    x7, x2, x3                  // division (a helper call in TCG)
    msub    x8, x7, x3, x2              // remainder
    add     x2, x2, x8
    tbz     x3, #3, 1f                  // taken for half of the i
    sub     x2, x2, #7
1:  add     x2, x2, x6, lsr #7
    add     x3, x3, #1
    cmp     x3, x0
    b.ls    loop
    .global done
done:
    nop
