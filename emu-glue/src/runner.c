/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * allocplay: runs a kernel image on the virt-lite machine in the terminal,
 * like `qemu-system-aarch64 -nographic`. Ctrl-A X quits (Ctrl-A Ctrl-A sends
 * Ctrl-A). Only the guest's UART output goes to stdout; the runner's own
 * messages go to stderr, so a --script transcript is exactly what the guest
 * printed.
 *
 * exit status: 0 guest powered off, 1 guest crashed, 2 usage or I/O error,
 *              3 input (a script, or stdin) ended while the guest waited for input
 */
#include "machine.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SLICE_INSTRUCTIONS 2000000u /* a few milliseconds of guest time */
#define CTRL_A 0x01

typedef struct {
    const char *kernel;
    const char *script;
    const char *dump; /* write a memory snapshot here when the guest powers off */
    bool trace;
    bool stats;
    const char *engine;               /* --engine=NAME, NULL: the default */
    const char *loads[APG_MAX_BLOBS]; /* "ADDRESS=FILE": data put in guest RAM */
    size_t load_count;
} options;

/* Snapshot file: "APGSNAP1", then segments of (u64 address, u64 length, bytes),
 * little-endian. One segment: from the load address to the end of the user
 * heap, which holds everything the heap panel decodes. */
#define SNAPSHOT_START BOARD_KERNEL_LOAD
#define SNAPSHOT_END (BOARD_HEAP_BASE + BOARD_HEAP_SIZE)

static bool write_snapshot(apg_machine *m, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return false;
    uint64_t header[2] = {SNAPSHOT_START, SNAPSHOT_END - SNAPSHOT_START};
    const uint8_t *ram = apg_machine_ram(m) + (SNAPSHOT_START - BOARD_RAM_BASE);
    bool ok = fwrite("APGSNAP1", 1, 8, f) == 8 && fwrite(header, sizeof header, 1, f) == 1 &&
              fwrite(ram, 1, (size_t)header[1], f) == header[1];
    return fclose(f) == 0 && ok;
}

static struct termios saved_termios;
static bool terminal_raw;

static void restore_terminal(void)
{
    if (terminal_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

static void make_terminal_raw(void)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) != 0)
        return;
    struct termios raw = saved_termios;
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    terminal_raw = true;
    atexit(restore_terminal);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "allocplay: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    uint8_t *data = NULL;
    size_t used = 0, capacity = 0;
    for (;;) {
        if (used == capacity) {
            capacity = capacity ? capacity * 2 : 65536;
            uint8_t *grown = realloc(data, capacity);
            if (grown == NULL)
                break;
            data = grown;
        }
        size_t n = fread(data + used, 1, capacity - used, f);
        used += n;
        if (n == 0)
            break;
    }
    fclose(f);
    *size = used;
    return data;
}

static void trace_mmio(void *ctx, bool write, uint64_t address, unsigned size, uint64_t value)
{
    (void)ctx;
    fprintf(stderr, "mmio %s 0x%08llx/%u %s 0x%llx\r\n", write ? "write" : "read ",
            (unsigned long long)address, size, write ? "<-" : "->", (unsigned long long)value);
}

static void log_guest_error(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "emu-glue: guest error: %s\r\n", message);
}

static void flush_output(apg_machine *m)
{
    size_t count;
    const uint8_t *out = apg_machine_tx(m, &count);
    size_t done = 0;
    while (done < count) {
        ssize_t n = write(STDOUT_FILENO, out + done, count - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
}

/* Reads whatever the user typed; returns false when they asked to quit.
 * Sets *input_closed at end of input. */
static bool forward_keys(apg_machine *m, bool *escape_pending, bool *input_closed)
{
    uint8_t keys[256];
    ssize_t n = read(STDIN_FILENO, keys, sizeof keys);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        *input_closed = true;
    if (n <= 0)
        return true;
    for (ssize_t i = 0; i < n; i++) {
        if (*escape_pending) {
            *escape_pending = false;
            if (keys[i] == 'x' || keys[i] == 'X')
                return false;
            if (keys[i] != CTRL_A)
                continue;
        } else if (keys[i] == CTRL_A) {
            *escape_pending = true;
            continue;
        }
        if (!apg_machine_send(m, &keys[i], 1)) {
            fprintf(stderr, "\r\nallocplay: out of memory for keys\r\n");
            return false;
        }
    }
    return true;
}

/* "ADDRESS=FILE" (address in C syntax, e.g. 0x47000000) */
static bool load_blob(apg_machine *m, const char *spec)
{
    char *end;
    errno = 0;
    unsigned long long address = strtoull(spec, &end, 0);
    if (end == spec || *end != '=' || errno != 0) {
        fprintf(stderr, "allocplay: --load wants ADDRESS=FILE, not '%s'\n", spec);
        return false;
    }
    size_t size;
    uint8_t *data = read_file(end + 1, &size);
    if (data == NULL)
        return false;
    bool ok = apg_machine_load_blob(m, address, data, size);
    free(data);
    if (!ok)
        fprintf(stderr, "allocplay: %s (%zu bytes) does not fit in RAM at 0x%llx\n", end + 1, size,
                address);
    return ok;
}

static int parse_options(int argc, char **argv, options *o)
{
    *o = (options){0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--script") == 0 && i + 1 < argc)
            o->script = argv[++i];
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            o->dump = argv[++i];
        else if (strcmp(argv[i], "--trace") == 0)
            o->trace = true;
        else if (strcmp(argv[i], "--stats") == 0)
            o->stats = true;
        else if (strncmp(argv[i], "--engine=", 9) == 0)
            o->engine = argv[i] + 9;
        else if (strcmp(argv[i], "--load") == 0 && i + 1 < argc && o->load_count < APG_MAX_BLOBS)
            o->loads[o->load_count++] = argv[++i];
        else if (argv[i][0] != '-' && o->kernel == NULL)
            o->kernel = argv[i];
        else
            return -1;
    }
    return o->kernel ? 0 : -1;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_options(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: %s [--script FILE] [--dump FILE] [--trace] [--stats] "
                "[--engine=inline|hook] [--load ADDRESS=FILE]... kernel8.img\n"
                "  --load puts FILE's bytes in guest RAM at ADDRESS at every power-on, like\n"
                "  QEMU's -device loader,file=FILE,addr=ADDRESS,force-raw=on (a .rep trace\n"
                "  goes to 0x47000000). --engine=hook counts guest instructions with\n"
                "  Unicorn's block hook at every block (the old, slower way; the default\n"
                "  is inline). Ctrl-A X quits an interactive session.\n",
                argv[0]);
        return 2;
    }
    size_t image_size;
    uint8_t *image = read_file(o.kernel, &image_size);
    if (image == NULL)
        return 2;
    apg_engine engine = APG_ENGINE_DEFAULT;
    if (o.engine != NULL && !apg_engine_parse(o.engine, &engine)) {
        fprintf(stderr, "allocplay: --engine wants inline or hook, not '%s'\n", o.engine);
        return 2;
    }
    apg_machine *m = apg_machine_create();
    if (m != NULL && !apg_machine_set_engine(m, engine)) {
        fprintf(stderr, "allocplay: cannot select the %s engine\n", apg_engine_name(engine));
        return 2;
    }
    if (m == NULL || !apg_machine_load(m, image, image_size)) {
        fprintf(stderr, "allocplay: cannot start the machine with %s\n", o.kernel);
        return 2;
    }
    free(image);
    for (size_t i = 0; i < o.load_count; i++) {
        if (!load_blob(m, o.loads[i]))
            return 2;
    }
    if (o.trace) {
        apg_machine_set_trace(m, trace_mmio, NULL);
        apg_machine_set_log(m, log_guest_error, NULL);
    }
    if (o.script != NULL) {
        size_t size;
        uint8_t *keys = read_file(o.script, &size);
        if (keys == NULL)
            return 2;
        bool queued = apg_machine_send(m, keys, size);
        free(keys);
        if (!queued) {
            fprintf(stderr, "allocplay: out of memory for %s\n", o.script);
            return 2;
        }
    } else {
        make_terminal_raw();
    }

    double start = now_seconds(), first_idle = 0;
    bool escape_pending = false;
    bool input_closed = o.script != NULL; /* a script is all the input there is */
    int status = 0;
    for (;;) {
        apg_run_result r = apg_machine_run(m, SLICE_INSTRUCTIONS);
        flush_output(m);
        if (r == APG_RUN_POWERED_OFF) {
            fprintf(stderr, "%sallocplay: guest powered off\n", terminal_raw ? "\r\n" : "");
            if (o.dump != NULL && !write_snapshot(m, o.dump)) {
                fprintf(stderr, "allocplay: cannot write %s\n", o.dump);
                status = 2;
            }
            break;
        }
        if (r == APG_RUN_CRASHED || r == APG_RUN_NO_IMAGE) {
            const apg_crash *c = apg_machine_crash(m);
            fprintf(stderr, "%sallocplay: %s\n", terminal_raw ? "\r\n" : "",
                    c ? c->message : "no image");
            status = 1;
            break;
        }
        if (r == APG_RUN_IDLE && first_idle == 0)
            first_idle = now_seconds();
        if (input_closed) {
            if (r == APG_RUN_IDLE && apg_machine_rx_pending(m) == 0) {
                fprintf(stderr, "allocplay: input ended but the guest still waits for input\n");
                status = 3;
                break;
            }
            continue;
        }
        /* interactive: block for keys only while the guest is idle */
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int ready = poll(&pfd, 1, r == APG_RUN_IDLE ? -1 : 0);
        if (ready > 0 && !forward_keys(m, &escape_pending, &input_closed)) {
            fprintf(stderr, "\r\nallocplay: quit\r\n");
            break;
        }
    }
    if (o.stats) {
        double elapsed = now_seconds() - start;
        const apg_counters *c = apg_machine_counters(m);
        fprintf(stderr,
                "allocplay: %.3f s, %llu guest instructions, %.1f MIPS, first prompt after "
                "%.1f ms\n",
                elapsed, (unsigned long long)c->instructions,
                (double)c->instructions / elapsed / 1e6,
                first_idle ? (first_idle - start) * 1e3 : 0);
    }
    apg_machine_destroy(m);
    return status;
}
