/*
 * Smoke test of a Unicorn build (JIT, TCI or WebAssembly/TCI).
 *
 * Runs unicorn_smoke_guest.S on an AArch64 Cortex-A53 with RAM mapped from
 * host memory (as the machine model does), an MMIO device and an interrupt
 * hook, then checks registers, memory, the MMIO access log and the exception
 * log against values the host computes on its own. It prints a deterministic
 * report (no host addresses, no timings) so the reports of all builds can be
 * compared byte for byte, and exits 1 on any mismatch.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicorn/unicorn.h>

#include "unicorn_smoke_guest.h"

#define RAM_BASE 0x40000000u
#define RAM_SIZE 0x200000u
#define CODE_BASE (RAM_BASE + 0x80000u)
#define DATA_BASE (RAM_BASE + 0x100000u)
#define RESULTS_BASE (DATA_BASE + 0x100u)
#define MMIO_BASE 0x09000000u
#define MMIO_SIZE 0x1000u

/* QEMU's exception numbers as reported to UC_HOOK_INTR (target/arm/cpu.h). */
#define EXCP_UDEF 1
#define EXCP_SWI 2

#define INSN_HVC_0 0xd4000002u

#define PSCI_SYSTEM_OFF 0x84000008u
#define ZVA_FILL 0xa5u /* pattern under the dc zva block and the next one */

/* The model answers these two registers; everything else reads as zero. */
#define UART_FR_VALUE 0x90u  /* TXFE | RXFE */
#define UART_CR_VALUE 0x301u /* UARTEN | TXE | RXE */

static int failures;
static int checks;

static uint64_t load_le(const uint8_t *p, unsigned size)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++) {
        value |= (uint64_t)p[i] << (8 * i);
    }
    return value;
}

static void check_u64(const char *what, uint64_t got, uint64_t want)
{
    checks++;
    if (got == want) {
        printf("  %-24s 0x%016" PRIx64 " ok\n", what, got);
    } else {
        failures++;
        printf("  %-24s 0x%016" PRIx64 " MISMATCH, expected 0x%016" PRIx64 "\n", what, got, want);
    }
}

static void check_uc(const char *what, uc_err err)
{
    if (err != UC_ERR_OK) {
        printf("FATAL: %s: %s\n", what, uc_strerror(err));
        exit(1);
    }
}

/* --- event logs shared with the callbacks -------------------------------- */

#define LOG_MAX 16

struct mmio_event {
    char kind; /* 'r' or 'w' */
    uint64_t offset;
    unsigned size;
    uint64_t value;
};

struct intr_event {
    uint32_t intno;
    uint64_t pc;
    uint64_t x0;
    uint32_t insn; /* instruction at pc */
};

static struct mmio_event mmio_log[LOG_MAX];
static int mmio_count;
static struct intr_event intr_log[LOG_MAX];
static int intr_count;

static uint64_t mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user_data)
{
    (void)uc;
    (void)user_data;
    uint64_t value = 0;
    if (offset == 0x18) {
        value = UART_FR_VALUE;
    } else if (offset == 0x30) {
        value = UART_CR_VALUE;
    }
    if (mmio_count < LOG_MAX) {
        mmio_log[mmio_count++] = (struct mmio_event){'r', offset, size, value};
    }
    return value;
}

static void mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value,
                       void *user_data)
{
    (void)uc;
    (void)user_data;
    if (mmio_count < LOG_MAX) {
        mmio_log[mmio_count++] = (struct mmio_event){'w', offset, size, value};
    }
}

static uint64_t reg_read(uc_engine *uc, int reg)
{
    uint64_t value = 0;
    check_uc("uc_reg_read", uc_reg_read(uc, reg, &value));
    return value;
}

static void reg_write(uc_engine *uc, int reg, uint64_t value)
{
    check_uc("uc_reg_write", uc_reg_write(uc, reg, &value));
}

/* svc: return a value in x0 and continue after it. Anything else (here the
   UNDEFINED hvc #0 used as a PSCI call) stops the emulation. */
static void on_interrupt(uc_engine *uc, uint32_t intno, void *user_data)
{
    (void)user_data;
    uint64_t pc = reg_read(uc, UC_ARM64_REG_PC);
    uint64_t x0 = reg_read(uc, UC_ARM64_REG_X0);
    uint8_t bytes[4] = {0};
    uc_mem_read(uc, pc, bytes, sizeof(bytes));
    if (intr_count < LOG_MAX) {
        intr_log[intr_count++] = (struct intr_event){intno, pc, x0, (uint32_t)load_le(bytes, 4)};
    }
    if (intno == EXCP_SWI) {
        reg_write(uc, UC_ARM64_REG_X0, x0 + 0x100);
    } else {
        uc_emu_stop(uc);
    }
}

/* --- independent reference values ---------------------------------------- */

static uint64_t umulh(uint64_t a, uint64_t b)
{
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
    uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo;
    uint64_t lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
    return hi_hi + (hi_lo >> 32) + (cross >> 32);
}

static uint64_t asr(uint64_t value, unsigned shift)
{
    return (value >> 63) ? ~(~value >> shift) : value >> shift;
}

static uint64_t double_bits(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    return bits;
}

static uint64_t float_bits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof(bits));
    return bits;
}

/* Expected contents of the result table (see the guest's "result" slots). */
#define RESULT_SLOTS 30

static void expected_results(uint64_t want[RESULT_SLOTS])
{
    const uint64_t x0 = 0x56781234u, x1 = 1000;
    uint8_t stp_image[16]; /* the data area after "stp x0, x1" */
    const uint64_t x2 = x0 + x1, x4 = x0 * x1, x8 = asr(0 - x0, 3);
    const uint64_t dividend = 0xdeadbeefu;
    const double product = 1240.0 * 2.5, quotient = product / 3.0;
    for (unsigned i = 0; i < 8; i++) {
        stp_image[i] = (uint8_t)(x0 >> (8 * i));
        stp_image[8 + i] = (uint8_t)(x1 >> (8 * i));
    }

    want[0] = x2;
    want[1] = x0 - (x1 << 4);
    want[2] = x4;
    want[3] = x4 + x2;
    want[4] = x0 ^ x1;
    want[5] = x0 >> 5;
    want[6] = x8;
    want[7] = (x0 >> 12) | (x0 << 52);
    want[8] = x0 > x1 ? x0 : x1;         /* csel hi */
    want[9] = (int64_t)x0 < (int64_t)x1; /* cset lt */
    want[10] = umulh(x4, x8);
    want[11] = x1;     /* ldr */
    want[12] = 0x34;   /* ldrsb of the low byte */
    want[13] = 0x1234; /* ldrh */
    want[14] = x0;     /* ldp */
    want[15] = x1;
    want[16] = 1240; /* sum of i*i, i < 16 */
    want[17] = dividend / 37;
    want[18] = (uint64_t)(int64_t)(-123 / 7);
    want[19] = 0; /* udiv by zero */
    want[20] = (uint32_t)dividend / 7;
    want[21] = (uint64_t)(int64_t)quotient; /* fcvtzs */
    want[22] = double_bits(quotient);
    want[23] = float_bits((float)quotient);
    want[24] = double_bits(sqrt(product));
    want[25] = UART_FR_VALUE;
    want[26] = UART_CR_VALUE;
    want[27] = 0x11 + 0x100;              /* svc hook added 0x100 */
    want[28] = load_le(stp_image + 1, 8); /* unaligned ldr */
    want[29] = 4;                         /* DCZID_EL0: 64-byte blocks */
#ifdef UNICORN_SMOKE_BREAK_EXPECTATION
    want[0] ^= 1; /* proves that a wrong value is caught (make unicorn-smoke) */
#endif
}

static const char *const result_names[RESULT_SLOTS] = {
    "add",          "sub lsl",       "mul",
    "madd",         "eor",           "lsr",
    "asr negative", "ror",           "csel hi",
    "cset lt",      "umulh",         "ldr",
    "ldrsb",        "ldrh",          "ldp first",
    "ldp second",   "bl/ret sum",    "udiv",
    "sdiv",         "udiv by zero",  "udiv w",
    "fcvtzs",       "fdiv bits",     "fcvt single bits",
    "fsqrt bits",   "mmio FR read",  "mmio CR read16",
    "svc result",   "unaligned ldr", "dczid_el0",
};

/* --- the runs -------------------------------------------------------------- */

static void check_main_run(uc_engine *uc, const uint8_t *ram, uc_err err)
{
    printf("main run: %s\n", uc_strerror(err));
    checks++;
    if (err != UC_ERR_OK) {
        failures++;
    }
    check_u64("stop pc", reg_read(uc, UC_ARM64_REG_PC), CODE_BASE + smoke_guest_hvc_insn);

    printf("results:\n");
    uint64_t want[RESULT_SLOTS];
    expected_results(want);
    const uint8_t *results = ram + (RESULTS_BASE - RAM_BASE);
    for (int i = 0; i < RESULT_SLOTS; i++) {
        check_u64(result_names[i], load_le(results + 8 * i, 8), want[i]);
    }

    printf("memory:\n");
    const uint8_t *data = ram + (DATA_BASE - RAM_BASE);
    check_u64("stp first", load_le(data, 8), 0x56781234u);
    check_u64("stp second", load_le(data + 8, 8), 1000);
    check_u64("str w", load_le(data + 16, 4), 0x56781234u + 1000);
    check_u64("strb", load_le(data + 20, 1), 0x34);
    check_u64("strh", load_le(data + 22, 2), 0x1234);
    uint64_t squares_ok = 1;
    for (uint64_t i = 0; i < 16; i++) {
        squares_ok &= load_le(data + 64 + 8 * i, 8) == i * i;
    }
    check_u64("post-index squares", squares_ok, 1);
    uint64_t zva_zeroed = 1, zva_untouched = 1;
    for (unsigned i = 0; i < 64; i++) {
        zva_zeroed &= data[0x200 + i] == 0;
        zva_untouched &= data[0x240 + i] == ZVA_FILL;
    }
    check_u64("dc zva block zeroed", zva_zeroed, 1);
    check_u64("dc zva next untouched", zva_untouched, 1);

    printf("mmio log:\n");
    const struct mmio_event want_mmio[] = {
        {'r', 0x18, 4, UART_FR_VALUE},
        {'w', 0x00, 4, 'O'},
        {'w', 0x00, 1, 'K'},
        {'r', 0x30, 2, UART_CR_VALUE},
    };
    const int want_mmio_count = (int)(sizeof(want_mmio) / sizeof(want_mmio[0]));
    check_u64("mmio accesses", (uint64_t)mmio_count, (uint64_t)want_mmio_count);
    for (int i = 0; i < mmio_count && i < want_mmio_count; i++) {
        char what[32];
        const struct mmio_event *got = &mmio_log[i];
        snprintf(what, sizeof(what), "mmio %c off 0x%02" PRIx64 " size %u", got->kind, got->offset,
                 got->size);
        int same_access = got->kind == want_mmio[i].kind && got->offset == want_mmio[i].offset &&
                          got->size == want_mmio[i].size;
        check_u64(what, same_access ? got->value : ~got->value, want_mmio[i].value);
    }

    printf("interrupt log:\n");
    /* svc reports the return address, the UNDEFINED hvc its own address. */
    const struct intr_event want_intr[] = {
        {EXCP_SWI, CODE_BASE + smoke_guest_svc_insn + 4, 0x11, 0},
        {EXCP_UDEF, CODE_BASE + smoke_guest_hvc_insn, PSCI_SYSTEM_OFF, INSN_HVC_0},
    };
    const int want_intr_count = (int)(sizeof(want_intr) / sizeof(want_intr[0]));
    check_u64("interrupts", (uint64_t)intr_count, (uint64_t)want_intr_count);
    for (int i = 0; i < intr_count && i < want_intr_count; i++) {
        char what[32];
        snprintf(what, sizeof(what), "intno %" PRIu32 " pc", intr_log[i].intno);
        check_u64(what, intr_log[i].intno == want_intr[i].intno ? intr_log[i].pc : 0,
                  want_intr[i].pc);
        snprintf(what, sizeof(what), "intno %" PRIu32 " x0", intr_log[i].intno);
        check_u64(what, intr_log[i].x0, want_intr[i].x0);
        if (want_intr[i].insn != 0) {
            snprintf(what, sizeof(what), "intno %" PRIu32 " insn", intr_log[i].intno);
            check_u64(what, intr_log[i].insn, want_intr[i].insn);
        }
    }
}

/* A fault must be reported with the registers written earlier in the same
   translation block already in the CPU state, and with a well-defined PC. */
static void check_fault_run(uc_engine *uc, const char *name, uint64_t start, uint64_t until,
                            uc_err want_err, uint64_t want_pc, uint64_t want_x5)
{
    uc_err err = uc_emu_start(uc, CODE_BASE + start, CODE_BASE + until, 0, 0);
    printf("%s run: %s\n", name, uc_strerror(err));
    check_u64("error code", (uint64_t)err, want_err);
    check_u64("fault pc", reg_read(uc, UC_ARM64_REG_PC), CODE_BASE + want_pc);
    check_u64("x5 before fault", reg_read(uc, UC_ARM64_REG_X5), want_x5);
    check_u64("x6 before fault", reg_read(uc, UC_ARM64_REG_X6), 0x70000000u);
}

int main(void)
{
    uc_engine *uc;
    check_uc("uc_open", uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc));
    check_uc("cpu model", uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A53));

    /* Guest RAM lives in host memory, as in the machine model. */
    uint8_t *ram = calloc(1, RAM_SIZE);
    if (ram == NULL) {
        printf("FATAL: out of memory\n");
        return 1;
    }
    memset(ram + (DATA_BASE - RAM_BASE) + 0x200, ZVA_FILL, 0x80);
    check_uc("map ram", uc_mem_map_ptr(uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL, ram));
    check_uc("map mmio", uc_mmio_map(uc, MMIO_BASE, MMIO_SIZE, mmio_read, NULL, mmio_write, NULL));
    check_uc("write code", uc_mem_write(uc, CODE_BASE, smoke_guest_code, sizeof(smoke_guest_code)));

    uc_hook intr_hook;
    check_uc("hook intr",
             uc_hook_add(uc, &intr_hook, UC_HOOK_INTR, (void *)on_interrupt, NULL, 1, 0));

    reg_write(uc, UC_ARM64_REG_CPACR_EL1, 3u << 20); /* FPEN: no FP/SIMD traps */

    const unsigned version = uc_version(NULL, NULL);
    printf("unicorn smoke test: unicorn %u.%u.%u, AArch64 Cortex-A53, %u guest words\n",
           version >> 24, (version >> 16) & 0xff, (version >> 8) & 0xff,
           (unsigned)smoke_guest_code_words);
    uc_err err =
        uc_emu_start(uc, CODE_BASE + smoke_guest_start, CODE_BASE + smoke_guest_after_hvc, 0, 0);
    check_main_run(uc, ram, err);
    /* A load reports its own PC (state restored from the faulting access). */
    check_fault_run(uc, "unmapped load", smoke_guest_unmapped, smoke_guest_unmapped_end,
                    UC_ERR_READ_UNMAPPED, smoke_guest_unmapped_load, 0x55);
    /* Unicorn 2.1.4 (JIT and TCI alike) lets a faulting dc zva finish its
       block and reports the error with the PC where emulation stopped. */
    check_fault_run(uc, "unmapped dc zva", smoke_guest_zva_fault, smoke_guest_zva_fault_end,
                    UC_ERR_WRITE_UNMAPPED, smoke_guest_zva_fault_end, 0x66);

    uc_close(uc);
    free(ram);
    printf("%s: %d checks, %d failed\n", failures ? "FAIL" : "PASS", checks, failures);
    return failures ? 1 : 0;
}
