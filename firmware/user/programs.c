/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The demo programs `run` starts at EL0. Each prints only what does not
 * depend on timing, so their transcripts are the same on every host.
 */
#include "ulib.h"
#include "user_programs.h"

/* hello: the smallest program: a write and a getpid */
static int hello_main(void)
{
    u_print("hello from EL0: pid ");
    u_print_dec(u_getpid());
    u_print("\n");
    return 0;
}

static void show_pointer(const char *what, const void *p)
{
    u_print(what);
    u_print_hex((uint64_t)(uintptr_t)p);
    u_print("\n");
}

static void show_result(const char *what, long result)
{
    u_print(what);
    u_print_dec(result);
    u_print("\n");
}

/* malloc: the heap through system calls; the panel shows the blocks appear */
static int malloc_main(void)
{
    char *text = u_malloc(100);
    show_pointer("malloc(100)        = ", text);
    if (text == 0)
        return 1;
    u_strncpy(text, "written at EL0 into the kernel's heap", 100);
    u_print("text               = \"");
    u_print(text);
    u_print("\"\n");
    char *bigger = u_realloc(text, 300);
    show_pointer("realloc(text, 300) = ", bigger);
    u_print("still              = \"");
    u_print(bigger);
    u_print("\"\n");
    char *zeros = u_malloc(64);
    u_bzero(zeros, 64);
    show_pointer("malloc(64)         = ", zeros);
    show_result("free(bigger)       = ", u_free(bigger));
    show_result("free(bigger) again = ", u_free(bigger));
    show_result("free(zeros)        = ", u_free(zeros));
    return 0;
}

/* alarm: the reference demo: two alarms flip a counter 1 -> 2 -> 3 */
static volatile int counter;

static void on_alarm(int signal_number)
{
    counter++;
    u_print("  signal ");
    u_print_dec(signal_number);
    u_print(" (SIGALRM): counter is now ");
    u_print_dec(counter);
    u_print("\n");
}

static int alarm_main(void)
{
    counter = 1;
    u_print("counter = 1; signal(SIGALRM, on_alarm); alarm(1)\n");
    u_signal(SIGALRM, on_alarm);
    u_alarm(1);
    while (counter == 1) {
        /* spin at EL0 until the timer interrupt delivers the signal */
    }
    u_print("counter = 2; alarm(1)\n");
    u_alarm(1);
    while (counter == 2) {
    }
    u_print("counter = 3: done\n");
    return 0;
}

/* badcalls: every bad argument gets an error number back, nothing breaks */
static int badcalls_main(void)
{
    show_result("write(1, kernel address, 16)    = ", u_write(1, (void *)0x40080000, 16));
    show_result("write(1, NULL, 5)               = ", u_write(1, 0, 5));
    show_result("write(7, \"x\", 1)                = ", u_write(7, "x", 1));
    show_result("free(kernel address)            = ", u_free((void *)0x40080000));
    show_result("free(0x40400041)                = ", u_free((void *)0x40400041));
    show_pointer("malloc(0)                       = ", u_malloc(0));
    show_pointer("malloc(2 MiB)                   = ", u_malloc(2u << 20));
    show_result("signal(SIGALRM, kernel address) = ",
                u_signal(SIGALRM, (signal_handler)0x40080000));
    show_result("signal(3, on_alarm)             = ", u_signal(3, on_alarm));
    show_result("system call 99                  = ", sys_call(99, 0, 0, 0));
    return 0;
}

/* segv: touching kernel memory from EL0 is a permission fault */
static int segv_main(void)
{
    u_print("reading the kernel's first word from EL0...\n");
    volatile uint32_t *kernel = (volatile uint32_t *)0x40080000;
    u_print_hex(*kernel);
    u_print("\nnot reached\n");
    return 0;
}

/* undef: an undefined instruction at EL0 */
static int undef_main(void)
{
    u_print("executing an undefined instruction at EL0...\n");
    __asm__ volatile("udf #0");
    u_print("not reached\n");
    return 0;
}

/* noalarm: an alarm nobody handles ends the program (the default action) */
static int unhandled_main(void)
{
    u_print("alarm(1) without a handler, then spin\n");
    u_alarm(1);
    for (;;) {
    }
    return 0;
}

const user_program user_programs[] = {
    {"hello", "write and getpid", hello_main},
    {"malloc", "malloc, realloc and free through system calls", malloc_main},
    {"alarm", "two alarms flip a counter 1 -> 2 -> 3 (signal handler at EL0)", alarm_main},
    {"badcalls", "bad pointers and bad call numbers get error returns", badcalls_main},
    {"segv", "read kernel memory from EL0: killed by a permission fault", segv_main},
    {"undef", "an undefined instruction at EL0: killed", undef_main},
    {"noalarm", "an alarm with no handler ends the program", unhandled_main},
    {0, 0, 0},
};
