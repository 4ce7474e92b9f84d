/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault tests of the virt-lite machine (native build): guests that jump to
 * unmapped memory, take an exception with no vector table, read a device that
 * is not modelled, or spin forever. The host must report each as structured
 * data, stay responsive, and a reset must bring back a working shell.
 * Then timer interrupts through the GIC: all arrive, whatever the slices.
 *
 * usage: machine_test <guest-dir> <kernel8.img>
 */
#include "machine.h"
#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *guest_dir;
static const char *kernel_path;

static void load(apg_machine *m, const char *path)
{
    size_t size;
    uint8_t *image = read_file(path, &size);
    EXPECT(apg_machine_load(m, image, size));
    free(image);
}

static void load_guest(apg_machine *m, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.img", guest_dir, name);
    load(m, path);
}

/* Runs until the guest stops for a reason other than the slice budget. */
static apg_run_result run_until_stopped(apg_machine *m, int max_slices)
{
    apg_run_result r = APG_RUN_SLICE_DONE;
    for (int i = 0; i < max_slices && r == APG_RUN_SLICE_DONE; i++)
        r = apg_machine_run(m, 1000000);
    return r;
}

/* Appends the machine's pending UART output to text (capacity bytes, kept
 * NUL-terminable), advancing *used. */
static void append_output(apg_machine *m, char *text, size_t capacity, size_t *used)
{
    size_t n;
    const uint8_t *out = apg_machine_tx(m, &n);
    if (*used + n >= capacity)
        n = capacity - *used - 1;
    memcpy(text + *used, out, n);
    *used += n;
}

/* Collects UART output until idle; returns it NUL-terminated (static buffer). */
static const char *output_until_idle(apg_machine *m)
{
    static char text[1 << 16];
    size_t used = 0;
    apg_run_result r;
    do {
        r = apg_machine_run(m, 1000000);
        append_output(m, text, sizeof text, &used);
    } while (r == APG_RUN_SLICE_DONE);
    text[used] = '\0';
    return text;
}

/* The kernel must answer `check` with OK: proof the machine works again. */
static void expect_working_shell(apg_machine *m)
{
    const char *banner = output_until_idle(m);
    EXPECT(strstr(banner, "Allocator Playground kernel") != NULL);
    apg_machine_send(m, (const uint8_t *)"check\r", 6);
    const char *answer = output_until_idle(m);
    EXPECT(strstr(answer, "check: OK") != NULL);
}

static void test_jump_to_unmapped_memory(apg_machine *m)
{
    load_guest(m, "jump_unmapped");
    EXPECT(run_until_stopped(m, 10) == APG_RUN_CRASHED);
    const apg_crash *c = apg_machine_crash(m);
    EXPECT(c != NULL);
    if (c != NULL) {
        EXPECT(strcmp(c->kind, "unmapped fetch") == 0);
        EXPECT(c->pc == 0x7000000000ull);
        EXPECT(c->address == 0x7000000000ull);
        printf("  jump_unmapped: %s\n", c->message);
    }
    /* a crashed machine stays crashed until reset */
    EXPECT(apg_machine_run(m, 1000) == APG_RUN_CRASHED);
}

static void test_exception_without_vectors(apg_machine *m)
{
    load_guest(m, "undefined_no_vectors");
    EXPECT(run_until_stopped(m, 10) == APG_RUN_CRASHED);
    const apg_crash *c = apg_machine_crash(m);
    EXPECT(c != NULL);
    if (c != NULL) {
        /* the CPU took the undefined-instruction exception to VBAR_EL1 (0) + 0x200 */
        EXPECT(c->pc == 0x200);
        EXPECT(strstr(c->message, "no vector table") != NULL);
        EXPECT(strstr(c->message, "ESR 0x2000000 at 0x40080004") != NULL);
        printf("  undefined_no_vectors: %s\n", c->message);
    }
}

static void test_read_of_unmodelled_device(apg_machine *m)
{
    load_guest(m, "read_unmapped");
    EXPECT(run_until_stopped(m, 10) == APG_RUN_CRASHED);
    const apg_crash *c = apg_machine_crash(m);
    EXPECT(c != NULL);
    if (c != NULL) {
        EXPECT(strcmp(c->kind, "unmapped read") == 0);
        EXPECT(c->address == 0x09010000ull); /* QEMU virt's PL031 RTC */
        EXPECT(c->pc == 0x40080004ull);      /* the second instruction: ldr w0, [x1] */
        printf("  read_unmapped: %s\n", c->message);
    }
}

static void test_runaway_guest_returns_every_slice(apg_machine *m)
{
    load_guest(m, "spin_forever");
    for (int i = 0; i < 20; i++) {
        uint64_t before = apg_machine_counters(m)->instructions;
        EXPECT(apg_machine_run(m, 500000) == APG_RUN_SLICE_DONE);
        uint64_t ran = apg_machine_counters(m)->instructions - before;
        /* the slice ends at a block boundary just past the budget */
        EXPECT(ran >= 500000 && ran < 500000 + 64);
    }
    EXPECT(apg_machine_crash(m) == NULL);
}

static void test_reset_brings_the_shell_back(apg_machine *m)
{
    load(m, kernel_path);
    expect_working_shell(m);
    apg_machine_send(m, (const uint8_t *)"alloc 100\r", 10);
    output_until_idle(m);
    EXPECT(apg_machine_reset(m));
    expect_working_shell(m);
    EXPECT(apg_machine_counters(m)->resets == 1);
}

static void test_guest_power_off(apg_machine *m)
{
    load(m, kernel_path);
    output_until_idle(m);
    apg_machine_send(m, (const uint8_t *)"halt\r", 5);
    EXPECT(run_until_stopped(m, 100) == APG_RUN_POWERED_OFF);
    EXPECT(apg_machine_run(m, 1000) == APG_RUN_POWERED_OFF);
}

static void test_memory_reads_are_bounded(apg_machine *m)
{
    load(m, kernel_path);
    output_until_idle(m);
    uint32_t magic = 0;
    EXPECT(apg_machine_read(m, 0x40080010, &magic, 4));
    EXPECT(magic == 0x48475041u); /* "APGH": the heap ABI image header */
    uint8_t byte;
    EXPECT(!apg_machine_read(m, BOARD_RAM_BASE - 1, &byte, 1));
    EXPECT(!apg_machine_read(m, BOARD_RAM_BASE + BOARD_RAM_SIZE, &byte, 1));
    EXPECT(!apg_machine_read(m, BOARD_RAM_BASE + BOARD_RAM_SIZE - 1, &magic, 4));
    EXPECT(!apg_machine_read(m, UINT64_MAX - 2, &magic, 4));
}

/* Runs the timer_irq guest in slices of `budget` instructions to power-off;
 * returns its output (static buffer) and the instructions it executed. */
static const char *run_timer_guest(apg_machine *m, uint64_t budget, uint64_t *instructions)
{
    static char text[1 << 14];
    size_t used = 0;
    load_guest(m, "timer_irq");
    apg_run_result r = APG_RUN_SLICE_DONE;
    /* the guest needs about 30,000: far more means the interrupts got lost */
    while (r == APG_RUN_SLICE_DONE && apg_machine_counters(m)->instructions < 5000000) {
        r = apg_machine_run(m, budget);
        append_output(m, text, sizeof text, &used);
    }
    text[used] = '\0';
    /* never idle (WFI with an armed timer wakes up) and never crashed */
    EXPECT(r == APG_RUN_POWERED_OFF);
    *instructions = apg_machine_counters(m)->instructions;
    return text;
}

static int count_occurrences(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_timer_interrupts(apg_machine *m)
{
    uint64_t instructions;
    const char *out = run_timer_guest(m, 1000000, &instructions);
    EXPECT(count_occurrences(out, "irq: GICC_IAR         0000001b") == 3);
    EXPECT(count_occurrences(out, "vector           00000280") == 2); /* from EL1 */
    EXPECT(count_occurrences(out, "vector           00000480") == 1); /* from EL0 */
    EXPECT(count_occurrences(out, "GICC_RPR at EOI  000000ff") == 3);
    EXPECT(strstr(out, "interrupts handled    00000003") != NULL);
    EXPECT(strstr(out, "CNTFRQ_EL0            03b9aca0") != NULL);
    EXPECT(strstr(out, "unexpected") == NULL);
    printf("  timer_irq: 3 interrupts in %" PRIu64 " instructions\n", instructions);
}

/* Guest time is the instruction count, so it must not depend on where the
 * host cuts slices: tiny slices (stops at almost every interrupt and timer
 * event) must give the same instructions and output as big ones. */
static void test_guest_time_is_independent_of_slices(apg_machine *m)
{
    static char big_slices[1 << 14];
    uint64_t big = 0, small = 0, odd = 0;
    snprintf(big_slices, sizeof big_slices, "%s", run_timer_guest(m, 1000000, &big));
    EXPECT(strcmp(run_timer_guest(m, 100, &small), big_slices) == 0);
    EXPECT(strcmp(run_timer_guest(m, 7, &odd), big_slices) == 0);
    EXPECT(small == big);
    EXPECT(odd == big);
}

/* The inline engine (the default) and the hook engine count the same
 * instructions and give the same output, with big slices and with tiny
 * ones (stops inside blocks); an unknown engine is refused. */
static void test_engines_agree(apg_machine *m)
{
    static char inline_output[1 << 14];
    uint64_t inline_big = 0, inline_odd = 0, hook_big = 0, hook_odd = 0;
    EXPECT(apg_machine_engine(m) == APG_ENGINE_INLINE);
    snprintf(inline_output, sizeof inline_output, "%s", run_timer_guest(m, 1000000, &inline_big));
    run_timer_guest(m, 7, &inline_odd);
    EXPECT(apg_machine_set_engine(m, APG_ENGINE_HOOK));
    EXPECT(strcmp(run_timer_guest(m, 1000000, &hook_big), inline_output) == 0);
    EXPECT(strcmp(run_timer_guest(m, 7, &hook_odd), inline_output) == 0);
    EXPECT(hook_big == inline_big && hook_odd == inline_big && inline_odd == inline_big);
    EXPECT(!apg_machine_set_engine(m, (apg_engine)7));
    EXPECT(apg_machine_engine(m) == APG_ENGINE_HOOK);
    EXPECT(apg_machine_set_engine(m, APG_ENGINE_INLINE));
}

static void collect_log(void *ctx, const char *message)
{
    char *text = ctx;
    size_t used = strlen(text);
    snprintf(text + used, 1024 - used, "%s\n", message);
}

static void test_unmodelled_registers_are_logged(apg_machine *m)
{
    static char log[1024];
    log[0] = '\0';
    apg_machine_set_log(m, collect_log, log);
    load_guest(m, "unmodelled_registers");
    EXPECT(run_until_stopped(m, 10) == APG_RUN_POWERED_OFF);
    EXPECT(strcmp(log,
                  "UART: no register at 0x09000fe0 (offset 0xfe0): reads as 0\n"
                  "UART: no register at 0x09000004 (offset 0x4): write ignored\n"
                  "GIC CPU interface: no register at 0x08010020 (offset 0x20): reads as 0\n") == 0);
    apg_machine_set_log(m, NULL, NULL);
}

static void test_input_the_host_cannot_hold_is_refused(apg_machine *m)
{
    load(m, kernel_path);
    output_until_idle(m);
    const uint8_t key = 'x';
    EXPECT(apg_machine_send(m, &key, 1));
    EXPECT(!apg_machine_send(m, &key, SIZE_MAX)); /* refused before a byte is read */
    EXPECT(apg_machine_rx_pending(m) == 1);
}

static void test_load_rejects_oversized_images(apg_machine *m)
{
    static uint8_t too_big[BOARD_RAM_SIZE];
    EXPECT(!apg_machine_load(m, too_big, sizeof too_big));
    EXPECT(!apg_machine_load(m, too_big, 0));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <guest-dir> <kernel8.img>\n", argv[0]);
        return 2;
    }
    guest_dir = argv[1];
    kernel_path = argv[2];
    apg_machine *m = apg_machine_create();
    EXPECT(apg_machine_run(m, 1000) == APG_RUN_NO_IMAGE);
    test_jump_to_unmapped_memory(m);
    test_exception_without_vectors(m);
    test_read_of_unmodelled_device(m);
    test_runaway_guest_returns_every_slice(m);
    test_reset_brings_the_shell_back(m);
    test_guest_power_off(m);
    test_memory_reads_are_bounded(m);
    test_timer_interrupts(m);
    test_guest_time_is_independent_of_slices(m);
    test_engines_agree(m);
    test_load_rejects_oversized_images(m);
    test_unmodelled_registers_are_logged(m);
    test_input_the_host_cannot_hold_is_refused(m);
    apg_machine_destroy(m);
    printf("machine_test: %s\n", failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}
