/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "input.h"

#include "uart.h"

#include <stddef.h>

#define TYPEAHEAD_SIZE 256

static char typeahead[TYPEAHEAD_SIZE];
static size_t head, count;

char input_getc(void)
{
    if (count > 0) {
        char c = typeahead[head];
        head = (head + 1) % TYPEAHEAD_SIZE;
        count--;
        return c;
    }
    return uart_getc();
}

bool input_interrupt_requested(void)
{
    char c;
    /* When the buffer is full, leave further bytes in the UART: the host
     * (QEMU's chardev, emu-glue's RX queue) holds them back. */
    while (count < TYPEAHEAD_SIZE && uart_try_getc(&c)) {
        if (c == INPUT_CTRL_C)
            return true;
        typeahead[(head + count) % TYPEAHEAD_SIZE] = c;
        count++;
    }
    return false;
}
