/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checkpoint tests (snapshot.h) on the kernel, run on the TCI build under
 * ASan and UBSan. A scripted session is checkpointed after every command;
 * then, from a checkpoint, the rest of the session is typed again and must
 * print exactly the same bytes: in the same machine (checkpoints restored
 * back and forth), in a second machine, and from the checkpoint turned into
 * bytes and back. The session includes user programs, one with timer alarms
 * (interrupts at EL0), a stress run, an allocator switch, exceptions and a
 * guest reboot (which replaces the Unicorn engine). Malformed bytes are refused with a message and
 * change nothing. A guest that rewrites its own code checks that no code
 * translated from a page survives a restore that changes the page.
 *
 * usage: snapshot_test <kernel8.img> <directory of test guests>
 */
#include "machine.h"
#include "snapshot.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const session[] = {
    "alloc 100",       "alloc 2k",
    "run alarm",       "info",
    "free 0x40400040", "run malloc",
    "stress 300 7",    "use tlsf",
    "alloc 300",       "fault undef",
    "run hello",       "check",
    "reboot",          "alloc 64",
    "run segv",        "use buddy",
    "alloc 1000",      "info",
    "run noalarm",     "history",
    "meminfo",         "realloc 0x0 100k",
};
#define COMMANDS (sizeof session / sizeof session[0])

typedef struct {
    char *bytes;
    size_t size;
} text;

/* Runs until the shell waits for a key; returns what it printed (malloc'd). */
static text output_until_idle(apg_machine *m)
{
    text t = {malloc(1), 0};
    apg_run_result r;
    int slices = 0;
    do {
        r = apg_machine_run(m, 700000); /* an odd slice: restores must not depend on slices */
        slices++;
        size_t n;
        const uint8_t *out = apg_machine_tx(m, &n);
        t.bytes = realloc(t.bytes, t.size + n + 1);
        if (n > 0) /* no output may come as NULL */
            memcpy(t.bytes + t.size, out, n);
        t.size += n;
    } while (r == APG_RUN_SLICE_DONE && slices < 3000); /* a broken restore may never idle */
    t.bytes[t.size] = '\0';
    EXPECT(r == APG_RUN_IDLE);
    return t;
}

static text type_command(apg_machine *m, const char *command)
{
    apg_machine_send(m, (const uint8_t *)command, strlen(command));
    apg_machine_send(m, (const uint8_t *)"\r", 1);
    return output_until_idle(m);
}

static bool same(text a, text b)
{
    return a.size == b.size && memcmp(a.bytes, b.bytes, a.size) == 0;
}

static apg_machine *machine_with(const uint8_t *image, size_t size)
{
    apg_machine *m = apg_machine_create();
    EXPECT(m != NULL && apg_machine_load(m, image, size));
    return m;
}

/* From checkpoint k, the commands after it must print what they printed. */
static bool replays_exactly(apg_machine *m, size_t k, const text *original)
{
    bool ok = true;
    for (size_t i = k; i < COMMANDS; i++) {
        text t = type_command(m, session[i]);
        if (!same(t, original[i + 1])) {
            fprintf(stderr, "after checkpoint %zu, '%s' printed:\n%s\ninstead of:\n%s\n", k,
                    session[i], t.bytes, original[i + 1].bytes);
            ok = false;
        }
        free(t.bytes);
        if (!ok)
            break;
    }
    return ok;
}

/* Two machines just switched on hold byte-identical checkpoints: the CPU
 * context holds nothing that belongs to one Unicorn engine (no pointers). */
static void test_fresh_machines_serialise_identically(const uint8_t *image, size_t image_size)
{
    apg_machine *a = machine_with(image, image_size), *b = machine_with(image, image_size);
    apg_checkpoint *ca = apg_checkpoint_save(a), *cb = apg_checkpoint_save(b);
    size_t na, nb;
    uint8_t *ba = apg_checkpoint_serialise(ca, &na), *bb = apg_checkpoint_serialise(cb, &nb);
    EXPECT(na == nb && memcmp(ba, bb, na) == 0);
    free(ba);
    free(bb);
    apg_checkpoint_free(ca);
    apg_checkpoint_free(cb);
    apg_machine_destroy(a);
    apg_machine_destroy(b);
}

/* The bytes the guest prints for these keys. */
static bool prints(apg_machine *m, const char *keys, const char *expected)
{
    apg_machine_send(m, (const uint8_t *)keys, strlen(keys));
    text t = output_until_idle(m);
    bool ok = strcmp(t.bytes, expected) == 0;
    if (!ok)
        fprintf(stderr, "  keys '%s' printed '%s', expected '%s'\n", keys, t.bytes, expected);
    free(t.bytes);
    return ok;
}

/* Restores that change a page of code: the translated code of the old
 * bytes must not run (restores write RAM behind the CPU's back, so they
 * drop it themselves), nor may they drop code of pages they keep. */
static void test_restored_code_runs(const char *guests)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/code_swap.img", guests);
    size_t size;
    uint8_t *image = read_file(path, &size);
    apg_machine *m = machine_with(image, size);
    free(output_until_idle(m).bytes);
    EXPECT(prints(m, "x", "-"));
    EXPECT(prints(m, "A", "A"));
    apg_checkpoint *a = apg_checkpoint_save(m);
    EXPECT(prints(m, "Bx", "BB")); /* the routine is translated while it says B */
    apg_checkpoint *b = apg_checkpoint_save(m);
    EXPECT(apg_checkpoint_restore(m, a));
    EXPECT(prints(m, "xx", "AA"));
    EXPECT(apg_checkpoint_restore(m, b));
    EXPECT(prints(m, "x", "B"));
    EXPECT(apg_checkpoint_restore(m, b)); /* nothing changed: nothing to drop */
    EXPECT(prints(m, "xCx", "BCC"));
    EXPECT(apg_checkpoint_restore(m, a));
    EXPECT(prints(m, "x", "A"));
    apg_checkpoint_free(a);
    apg_checkpoint_free(b);
    apg_machine_destroy(m);
    free(image);
    printf("  restores that change a page of code run the restored code\n");
}

static void test_bad_bytes_are_refused(apg_machine *m, const apg_checkpoint *c)
{
    size_t size;
    uint8_t *bytes = apg_checkpoint_serialise(c, &size);
    const char *error = NULL;
    EXPECT(apg_checkpoint_deserialise(m, bytes, 7, &error) == NULL && error != NULL);
    error = NULL;
    EXPECT(apg_checkpoint_deserialise(m, bytes, size - 1, &error) == NULL &&
           strstr(error, "truncated") != NULL);
    bytes[size / 2] ^= 0x40;
    error = NULL;
    EXPECT(apg_checkpoint_deserialise(m, bytes, size, &error) == NULL &&
           strstr(error, "damaged") != NULL);
    bytes[size / 2] ^= 0x40;
    bytes[12] ^= 1; /* the format version */
    error = NULL;
    EXPECT(apg_checkpoint_deserialise(m, bytes, size, &error) == NULL &&
           strstr(error, "another build") != NULL);
    bytes[12] ^= 1;
    memcpy(bytes, "NOTACKPT", 8);
    error = NULL;
    EXPECT(apg_checkpoint_deserialise(m, bytes, size, &error) == NULL &&
           strstr(error, "not a checkpoint") != NULL);
    printf("  bad bytes: last message \"%s\"\n", error);
    free(bytes);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <kernel8.img> <directory of test guests>\n", argv[0]);
        return 2;
    }
    size_t image_size;
    uint8_t *image = read_file(argv[1], &image_size);

    test_fresh_machines_serialise_identically(image, image_size);
    test_restored_code_runs(argv[2]);

    /* the original session, with a checkpoint after the banner and after
     * every command: original[0] is the banner, original[i + 1] command i */
    apg_machine *m = machine_with(image, image_size);
    text original[COMMANDS + 1];
    apg_checkpoint *checkpoints[COMMANDS + 1];
    original[0] = output_until_idle(m);
    checkpoints[0] = apg_checkpoint_save(m);
    for (size_t i = 0; i < COMMANDS; i++) {
        original[i + 1] = type_command(m, session[i]);
        checkpoints[i + 1] = apg_checkpoint_save(m);
        EXPECT(checkpoints[i + 1] != NULL);
    }
    EXPECT(strstr(original[3].bytes, "counter = 3: done") != NULL); /* the alarms arrived */
    EXPECT(strstr(original[13].bytes, "Allocator Playground kernel") != NULL); /* rebooted */
    printf("  %zu checkpoints hold %zu KiB\n", COMMANDS + 1, apg_checkpoint_memory_in_use() >> 10);

    /* checkpoints in an order that jumps back and forth, the last ones
     * (short replays) all, earlier ones some (replays are long under ASan) */
    for (size_t step = 0; step <= COMMANDS; step++) {
        size_t k = (step * 7) % (COMMANDS + 1);
        if (k < COMMANDS - 8 && k % 4 != 1)
            continue;
        EXPECT(apg_checkpoint_restore(m, checkpoints[k]));
        EXPECT(replays_exactly(m, k, original));
    }
    printf("  restored checkpoints back and forth: replays identical\n");

    /* a checkpoint restored while the machine has run since (dirty pages) */
    EXPECT(apg_checkpoint_restore(m, checkpoints[2]));
    text junk = type_command(m, "stress 500 3");
    free(junk.bytes);
    EXPECT(apg_checkpoint_restore(m, checkpoints[5]));
    EXPECT(replays_exactly(m, 5, original));

    /* reading memory from checkpoints without restoring them */
    uint8_t at_save[64], now[64];
    EXPECT(apg_checkpoint_restore(m, checkpoints[9]));
    EXPECT(apg_checkpoint_read(checkpoints[9], 0x40400000, at_save, sizeof at_save));
    EXPECT(apg_machine_read(m, 0x40400000, now, sizeof now));
    EXPECT(memcmp(at_save, now, sizeof now) == 0);
    EXPECT(!apg_checkpoint_read(checkpoints[9], 0x3fffffff, at_save, 2));

    /* another machine, and checkpoints through bytes */
    apg_machine *other = machine_with(image, image_size);
    for (size_t k = 9; k <= COMMANDS; k += 8) {
        EXPECT(apg_checkpoint_restore(other, checkpoints[k]));
        EXPECT(replays_exactly(other, k, original));
        size_t size, again_size;
        uint8_t *bytes = apg_checkpoint_serialise(checkpoints[k], &size);
        const char *error = NULL;
        apg_checkpoint *loaded = apg_checkpoint_deserialise(other, bytes, size, &error);
        EXPECT(loaded != NULL);
        if (loaded == NULL) {
            fprintf(stderr, "  deserialise: %s\n", error);
            free(bytes);
            continue;
        }
        uint8_t *again = apg_checkpoint_serialise(loaded, &again_size);
        EXPECT(again_size == size && memcmp(again, bytes, size) == 0);
        EXPECT(apg_checkpoint_restore(other, loaded));
        EXPECT(replays_exactly(other, k, original));
        apg_checkpoint_free(loaded);
        free(bytes);
        free(again);
    }
    printf("  restored in a second machine and through bytes: replays identical\n");

    test_bad_bytes_are_refused(other, checkpoints[6]);
    /* refused bytes changed nothing */
    EXPECT(apg_checkpoint_restore(other, checkpoints[6]));
    EXPECT(replays_exactly(other, 6, original));

    for (size_t i = 0; i <= COMMANDS; i++) {
        apg_checkpoint_free(checkpoints[i]);
        free(original[i].bytes);
    }
    apg_machine_destroy(m);
    apg_machine_destroy(other);
    EXPECT(apg_checkpoint_memory_in_use() == 0);
    free(image);
    if (failures != 0) {
        fprintf(stderr, "snapshot_test: %d failure(s)\n", failures);
        return 1;
    }
    printf("snapshot_test: all passed\n");
    return 0;
}
