/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lineedit.h"

#include "console.h"
#include "history.h"
#include "input.h"
#include "mem.h"

#include <stdbool.h>

#define KEY_CTRL_C 0x03
#define KEY_BACKSPACE 0x08
#define KEY_TAB 0x09
#define KEY_CTRL_U 0x15
#define KEY_ESCAPE 0x1b
#define KEY_DELETE 0x7f
#define BELL 0x07

typedef struct {
    char *buf;
    size_t len;
    bool overflowed; /* characters were dropped: reject the line on Enter */
    size_t recalled; /* history position shown: 0 = the line being typed */
} line_state;

/* Enter may arrive as CR, LF or CR LF; remember a CR so the LF after it is
 * not taken as a second, empty line. */
static bool last_was_cr;

/* One byte of push-back: a control byte that cut an escape sequence short is
 * handled as ordinary input. */
static int pushed_back = -1;

static char next_char(void)
{
    if (pushed_back >= 0) {
        char c = (char)pushed_back;
        pushed_back = -1;
        return c;
    }
    return input_getc();
}

static void erase_visible(line_state *s)
{
    for (size_t i = 0; i < s->len; i++)
        console_puts("\b \b");
    s->len = 0;
    s->overflowed = false;
}

static void show_recalled(line_state *s, size_t back)
{
    const char *text = back == 0 ? "" : history_get(back - 1);
    if (text == NULL) {
        console_putc(BELL);
        return;
    }
    erase_visible(s);
    while (text[s->len] != '\0' && s->len < LINE_CAPACITY - 1) {
        s->buf[s->len] = text[s->len];
        console_putc(text[s->len]);
        s->len++;
    }
    s->recalled = back;
}

/* Consumes the rest of an escape sequence (ESC already read): CSI "ESC [ ...
 * final" or SS3 "ESC O x". Up/down walk the history; everything else is
 * ignored so it never lands in the command line. */
static void handle_escape(line_state *s)
{
    char c = next_char();
    if (c != '[' && c != 'O') {
        if ((unsigned char)c < 0x20)
            pushed_back = (unsigned char)c;
        return;
    }
    /* parameter and intermediate bytes (0x20..0x3f), then a final byte 0x40..0x7e */
    do {
        c = next_char();
        if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e) {
            pushed_back = (unsigned char)c;
            return;
        }
    } while ((unsigned char)c < 0x40);
    if (c == 'A')
        show_recalled(s, s->recalled + 1);
    else if (c == 'B' && s->recalled > 0)
        show_recalled(s, s->recalled - 1);
}

line_status lineedit_read(char buf[LINE_CAPACITY])
{
    line_state s = {.buf = buf};
    for (;;) {
        char c = next_char();
        bool was_cr = last_was_cr;
        last_was_cr = (c == '\r');
        if (c == '\n' && was_cr)
            continue;
        if (c == '\r' || c == '\n') {
            console_putc('\n');
            buf[s.len] = '\0';
            return s.overflowed ? LINE_TOO_LONG : LINE_READY;
        }
        switch (c) {
        case KEY_CTRL_C:
            console_puts("^C\n");
            buf[0] = '\0';
            return LINE_CANCELLED;
        case KEY_CTRL_U: erase_visible(&s); break;
        case KEY_BACKSPACE:
        case KEY_DELETE:
            if (s.len > 0) {
                s.len--;
                console_puts("\b \b");
            }
            break;
        case KEY_ESCAPE: handle_escape(&s); break;
        case KEY_TAB:
            c = ' '; /* pasted tab-separated text still splits into words */
            /* fall through */
        default:
            if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
                break; /* other control bytes and non-ASCII are ignored */
            if (s.len == LINE_CAPACITY - 1) {
                s.overflowed = true;
                console_putc(BELL);
                break;
            }
            buf[s.len++] = c;
            console_putc(c);
            break;
        }
    }
}
