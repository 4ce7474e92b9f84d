/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rep_trace.h"

#include "format.h"

#define MAX_WORDS 3
#define QUOTE_CHARS 16 /* how much of a bad word an error message repeats */

typedef struct {
    const char *start[MAX_WORDS];
    size_t len[MAX_WORDS];
    size_t count; /* words on the line (only the first MAX_WORDS are kept) */
} line_words;

static bool fail(apg_rep_error *err, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(apg_rep_error *err, uint32_t line, const char *fmt, ...)
{
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    apg_vsnformat(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

/* A printable copy of a word for an error message: at most QUOTE_CHARS
 * characters, anything but printable ASCII shown as '?'. */
typedef struct {
    char text[QUOTE_CHARS + 4];
} quoted;

static quoted quote(const char *word, size_t len)
{
    quoted q;
    size_t n = len < QUOTE_CHARS ? len : QUOTE_CHARS;
    for (size_t i = 0; i < n; i++)
        q.text[i] = word[i] >= 0x20 && word[i] < 0x7f ? word[i] : '?';
    if (len > n) {
        q.text[n++] = '.';
        q.text[n++] = '.';
        q.text[n++] = '.';
    }
    q.text[n] = '\0';
    return q;
}

static bool at_end(const apg_rep_reader *r)
{
    return r->pos >= r->length || r->text[r->pos] == '\0';
}

/* Splits the next line into words and moves past it. The line ends at LF,
 * NUL or the end of the text; a CR right before the LF is not part of it. */
static void read_line(apg_rep_reader *r, line_words *w)
{
    w->count = 0;
    size_t i = r->pos;
    for (;;) {
        while (i < r->length &&
               (r->text[i] == ' ' || r->text[i] == '\t' ||
                (r->text[i] == '\r' && i + 1 < r->length && r->text[i + 1] == '\n')))
            i++;
        if (i >= r->length || r->text[i] == '\n' || r->text[i] == '\0')
            break;
        size_t start = i;
        while (i < r->length && r->text[i] != ' ' && r->text[i] != '\t' && r->text[i] != '\n' &&
               r->text[i] != '\0' &&
               !(r->text[i] == '\r' && i + 1 < r->length && r->text[i + 1] == '\n'))
            i++;
        if (w->count < MAX_WORDS) {
            w->start[w->count] = r->text + start;
            w->len[w->count] = i - start;
        }
        w->count++;
    }
    if (i < r->length && r->text[i] == '\n')
        i++; /* a NUL stays: it ends the text */
    r->pos = i;
}

/* Reads the next line that is not blank; false at the end of the text,
 * with *line the number the next line would have had. */
static bool next_line(apg_rep_reader *r, line_words *w, uint32_t *line)
{
    while (!at_end(r)) {
        *line = r->line++;
        read_line(r, w);
        if (w->count > 0)
            return true;
    }
    *line = r->line;
    return false;
}

/* A decimal number no larger than max. */
static bool decimal(const char *word, size_t len, uint64_t max, uint64_t *out, bool *too_large)
{
    *too_large = false;
    if (len == 0)
        return false;
    uint64_t value = 0;
    for (size_t i = 0; i < len; i++) {
        if (word[i] < '0' || word[i] > '9')
            return false;
        unsigned digit = (unsigned)(word[i] - '0');
        if (value > (max - digit) / 10)
            *too_large = true;
        else
            value = value * 10 + digit;
    }
    *out = value;
    return !*too_large;
}

static const char *const header_names[4] = {"suggested heap size", "number of ids", "number of ops",
                                            "weight"};

bool apg_rep_open(apg_rep_reader *r, const char *text, size_t length, apg_rep_error *err)
{
    *r = (apg_rep_reader){.text = text, .length = length, .line = 1};
    uint64_t values[4];
    const uint64_t limits[4] = {UINT64_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
    for (int field = 0; field < 4; field++) {
        line_words w;
        uint32_t line;
        if (!next_line(r, &w, &line))
            return fail(err, line,
                        "the header ends early: the %s is missing (a .rep trace starts "
                        "with 4 lines: heap size, ids, ops, weight)",
                        header_names[field]);
        if (w.count != 1)
            return fail(err, line, "the %s must be the only word on its line (found %zu words)",
                        header_names[field], w.count);
        bool too_large;
        if (!decimal(w.start[0], w.len[0], limits[field], &values[field], &too_large)) {
            quoted q = quote(w.start[0], w.len[0]);
            return fail(err, line,
                        too_large ? "%s '%s' is too large" : "%s '%s' is not a decimal number",
                        header_names[field], q.text);
        }
    }
    r->header =
        (apg_rep_header){values[0], (uint32_t)values[1], (uint32_t)values[2], (uint32_t)values[3]};
    return true;
}

int apg_rep_next(apg_rep_reader *r, apg_rep_op *op, apg_rep_error *err)
{
    if (r->ops_read == r->header.ops)
        return 0;
    line_words w;
    uint32_t line;
    if (!next_line(r, &w, &line)) {
        fail(err, line, "the trace ends after %u of the %u requests its header announces",
             (unsigned)r->ops_read, (unsigned)r->header.ops);
        return -1;
    }
    char kind = w.start[0][0];
    if (w.len[0] != 1 || (kind != 'a' && kind != 'r' && kind != 'f')) {
        quoted q = quote(w.start[0], w.len[0]);
        fail(err, line, "unknown request '%s' (expected a, r or f)", q.text);
        return -1;
    }
    size_t want = kind == 'f' ? 2 : 3;
    if (w.count != want) {
        fail(err, line, "'%c' takes %s (found %zu words)", kind,
             kind == 'f'   ? "an id: f <id>"
             : kind == 'a' ? "an id and a size: a <id> <bytes>"
                           : "an id and a size: r <id> <bytes>",
             w.count);
        return -1;
    }
    uint64_t id, size = 0;
    bool too_large;
    bool is_number = decimal(w.start[1], w.len[1], UINT32_MAX, &id, &too_large);
    if (!is_number && !too_large) {
        quoted q = quote(w.start[1], w.len[1]);
        fail(err, line, "id '%s' is not a decimal number", q.text);
        return -1;
    }
    if (too_large || id >= r->header.ids) {
        quoted q = quote(w.start[1], w.len[1]);
        if (r->header.ids == 0)
            fail(err, line, "id %s is out of range (the header declares 0 ids)", q.text);
        else
            fail(err, line, "id %s is out of range (the header declares %u ids: 0 to %u)", q.text,
                 (unsigned)r->header.ids, (unsigned)r->header.ids - 1u);
        return -1;
    }
    if (want == 3) {
        if (!decimal(w.start[2], w.len[2], APG_REP_MAX_SIZE, &size, &too_large)) {
            quoted q = quote(w.start[2], w.len[2]);
            if (too_large)
                fail(err, line, "size %s is too large (at most %u bytes)", q.text,
                     (unsigned)APG_REP_MAX_SIZE);
            else
                fail(err, line, "size '%s' is not a decimal number", q.text);
            return -1;
        }
        if (size == 0) {
            fail(err, line, "size 0: a request needs at least 1 byte");
            return -1;
        }
    }
    *op = (apg_rep_op){kind, (uint32_t)id, (uint32_t)size, line};
    r->ops_read++;
    return 1;
}

bool apg_rep_validate(const char *text, size_t length, uint8_t *state, size_t state_capacity,
                      apg_rep_header *header, apg_rep_error *err)
{
    apg_rep_reader r;
    if (!apg_rep_open(&r, text, length, err))
        return false;
    if (r.header.ids > state_capacity)
        return fail(err, 2, "%u ids are more than this kernel can replay (at most %zu)",
                    (unsigned)r.header.ids, state_capacity);
    for (uint32_t i = 0; i < r.header.ids; i++)
        state[i] = APG_REP_ID_UNUSED;
    apg_rep_op op;
    int got;
    while ((got = apg_rep_next(&r, &op, err)) == 1) {
        uint8_t s = state[op.id];
        if (op.kind == 'a' && s == APG_REP_ID_LIVE)
            return fail(err, op.line, "id %u is allocated again while still allocated",
                        (unsigned)op.id);
        if (op.kind != 'a' && s != APG_REP_ID_LIVE)
            return fail(err, op.line, "%s of id %u, which %s", op.kind == 'f' ? "free" : "realloc",
                        (unsigned)op.id,
                        s == APG_REP_ID_FREED ? "was already freed" : "was never allocated");
        state[op.id] = op.kind == 'f' ? APG_REP_ID_FREED : APG_REP_ID_LIVE;
    }
    if (got < 0)
        return false;
    *header = r.header;
    return true;
}
