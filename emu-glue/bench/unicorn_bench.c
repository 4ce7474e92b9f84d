/*
 * Guest MIPS of one fixed AArch64 workload (unicorn_bench_guest.S) on a
 * Unicorn build: native JIT, native TCI or WebAssembly TCI.
 *
 *   unicorn_bench [ITERATIONS [RUNS [WARMUP_SECONDS]]]
 *       warm up (repeat the loop for WARMUP_SECONDS, so that WebAssembly
 *       engines finish tiering up the interpreter), then time RUNS runs and
 *       print each run and the median
 *   unicorn_bench --verify
 *       check the instruction count formula against a UC_HOOK_CODE count
 *
 * The instruction count is computed from the loop structure, not measured,
 * so every build reports MIPS for exactly the same guest work. The final
 * checksum is compared with a host-side model of the loop.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

#include "unicorn_bench_guest.h"

#define RAM_BASE 0x40000000u
#define RAM_SIZE 0x200000u
#define CODE_BASE (RAM_BASE + 0x80000u)
#define TABLE_BASE (RAM_BASE + 0x100000u)
#define TABLE_ENTRIES 256u

#define DEFAULT_ITERATIONS 2000000u
#define DEFAULT_RUNS 5u
#define DEFAULT_WARMUP_SECONDS 5.0

/* Guest instructions for N iterations (see the comment in the .S file). */
static uint64_t instructions_for(uint64_t iterations)
{
    uint64_t count = 3 + 14 * iterations;
    for (uint64_t i = 1; i <= iterations; i++) {
        count += (i >> 3) & 1;
    }
    return count;
}

/* The loop's checksum, computed on the host. */
static uint64_t model_checksum(uint64_t iterations)
{
    static uint64_t table[TABLE_ENTRIES];
    memset(table, 0, sizeof(table));
    uint64_t x2 = 0;
    for (uint64_t i = 1; i <= iterations; i++) {
        uint64_t x4 = x2 + (i << 2);
        x2 = x4 ^ i;
        uint64_t x6 = i * 0x9e37 + table[i & 0xff];
        table[i & 0xff] = x6;
        x2 += x2 - (x2 / i) * i;
        if ((i >> 3) & 1) {
            x2 -= 7;
        }
        x2 += x6 >> 7;
    }
    return x2;
}

static void check_uc(const char *what, uc_err err)
{
    if (err != UC_ERR_OK) {
        fprintf(stderr, "unicorn_bench: %s: %s\n", what, uc_strerror(err));
        exit(1);
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct bench {
    uc_engine *uc;
    uint8_t *ram;
};

static void bench_open(struct bench *b)
{
    check_uc("uc_open", uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &b->uc));
    check_uc("cpu model", uc_ctl_set_cpu_model(b->uc, UC_CPU_ARM64_A53));
    b->ram = calloc(1, RAM_SIZE);
    if (b->ram == NULL) {
        fprintf(stderr, "unicorn_bench: out of memory\n");
        exit(1);
    }
    check_uc("map ram", uc_mem_map_ptr(b->uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL, b->ram));
    check_uc("write code",
             uc_mem_write(b->uc, CODE_BASE, bench_guest_code, sizeof(bench_guest_code)));
}

/* One run of the loop; returns its checksum. */
static uint64_t bench_run(struct bench *b, uint64_t iterations)
{
    uint64_t x0 = iterations, x1 = TABLE_BASE, x2 = 0;
    memset(b->ram + (TABLE_BASE - RAM_BASE), 0, TABLE_ENTRIES * 8);
    check_uc("set x0", uc_reg_write(b->uc, UC_ARM64_REG_X0, &x0));
    check_uc("set x1", uc_reg_write(b->uc, UC_ARM64_REG_X1, &x1));
    check_uc("run", uc_emu_start(b->uc, CODE_BASE + bench_guest_start,
                                 CODE_BASE + bench_guest_done, 0, 0));
    check_uc("get x2", uc_reg_read(b->uc, UC_ARM64_REG_X2, &x2));
    return x2;
}

static void count_instruction(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)
{
    (void)uc;
    (void)address;
    (void)size;
    ++*(uint64_t *)user_data;
}

static int verify(void)
{
    static const uint64_t sizes[] = {1, 7, 8, 16, 100, 1000};
    int failed = 0;
    struct bench b;
    bench_open(&b);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t counted = 0;
        uc_hook hook;
        check_uc("hook code", uc_hook_add(b.uc, &hook, UC_HOOK_CODE, (void *)count_instruction,
                                          &counted, 1, 0));
        uint64_t checksum = bench_run(&b, sizes[i]);
        check_uc("hook del", uc_hook_del(b.uc, hook));
        int ok = counted == instructions_for(sizes[i]) && checksum == model_checksum(sizes[i]);
        failed |= !ok;
        printf("iterations=%" PRIu64 " counted=%" PRIu64 " formula=%" PRIu64 " checksum %s\n",
               sizes[i], counted, instructions_for(sizes[i]), ok ? "ok" : "MISMATCH");
    }
    uc_close(b.uc);
    free(b.ram);
    printf("%s\n", failed ? "FAIL" : "PASS");
    return failed;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--verify") == 0) {
        return verify();
    }
    uint64_t iterations = argc > 1 ? strtoull(argv[1], NULL, 0) : DEFAULT_ITERATIONS;
    unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : DEFAULT_RUNS;
    double warmup = argc > 3 ? strtod(argv[3], NULL) : DEFAULT_WARMUP_SECONDS;
    if (iterations == 0 || runs == 0 || runs > 100 || warmup < 0) {
        fprintf(stderr, "usage: %s [ITERATIONS [RUNS [WARMUP_SECONDS]]] | --verify\n", argv[0]);
        return 2;
    }

    struct bench b;
    bench_open(&b);
    const uint64_t instructions = instructions_for(iterations);
    const uint64_t want = model_checksum(iterations);
    double mips[100];
    unsigned warmup_runs = 0;
    double warmup_start = now_seconds();
    unsigned measured = 0;
    while (measured < runs) {
        double start = now_seconds();
        uint64_t checksum = bench_run(&b, iterations);
        double seconds = now_seconds() - start;
        if (checksum != want) {
            fprintf(stderr, "unicorn_bench: checksum 0x%" PRIx64 ", expected 0x%" PRIx64 "\n",
                    checksum, want);
            return 1;
        }
        if (start - warmup_start < warmup) {
            warmup_runs++; /* still warming up: this run does not count */
            continue;
        }
        mips[measured++] = (double)instructions / seconds / 1e6;
        printf("run %u: %.3f s, %.1f guest MIPS\n", measured, seconds, mips[measured - 1]);
    }
    uc_close(b.uc);
    free(b.ram);
    qsort(mips, runs, sizeof(mips[0]), compare_doubles);
    printf("BENCH instructions=%" PRIu64 " warmup_runs=%u runs=%u median_mips=%.1f best_mips=%.1f\n",
           instructions, warmup_runs, runs, mips[runs / 2], mips[runs - 1]);
    return 0;
}
