/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "process.h"

#include "console.h"
#include "esr.h"
#include "events.h"
#include "gic.h"
#include "heap.h"
#include "mem.h"
#include "mmu.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "timer.h"

extern char __user_data_start[], __user_data_end[];

/* boot/user_entry.S: eret to EL0 at entry with x0 = argument and sp = stack */
void apg_enter_user(uintptr_t entry, uintptr_t argument, uintptr_t stack) __attribute__((noreturn));

#define SPSR_EL0T 0x0ul /* EL0, interrupts unmasked */

typedef struct {
    const user_program *program;
    uint32_t pid;
    int exit_code;
    apg_context shell;       /* where process_run() continues when the program ends */
    uintptr_t alarm_handler; /* 0 = default action: end the program */
    bool alarm_armed;
    uint64_t alarm_deadline; /* timer ticks */
    bool in_handler;
    apg_trap_frame interrupted; /* user state saved while a handler runs */
} process;

static process current;
static uint32_t last_pid;

bool process_running(void)
{
    return current.program != 0;
}

static void forget_program(void)
{
    timer_cancel();
    current.program = 0;
    heap_set_user_program(0, 0);
}

/* Ends the program and resumes process_run() in the shell. */
static void end_program(int code) __attribute__((noreturn));
static void end_program(int code)
{
    event_log(APG_EVENT_EXIT, current.pid, 0, 0, 0, code);
    current.exit_code = code;
    forget_program();
    apg_resume_context(&current.shell, 1);
}

int process_run(const user_program *p)
{
    /* a fresh program: zeroed globals and stack, no handler, no alarm */
    apg_memset(__user_data_start, 0, (size_t)(__user_data_end - __user_data_start));
    apg_memset((void *)USER_STACK_BASE, 0, USER_STACK_SIZE);
    current = (process){.program = p, .pid = ++last_pid};
    heap_set_user_program(current.pid, p->name);
    event_log(APG_EVENT_START, current.pid, (uintptr_t)p->main, 0, 0, 0);
    if (apg_save_context(&current.shell) == 0)
        apg_enter_user((uintptr_t)user_start, (uintptr_t)p->main,
                       USER_STACK_BASE + USER_STACK_SIZE);
    return current.exit_code;
}

void process_abandon(void)
{
    if (process_running())
        forget_program();
}

/* ---- system calls that belong to the process ---- */

static int64_t do_signal(uint64_t signal_number, uint64_t handler)
{
    if (signal_number != SIGALRM)
        return -APG_EINVAL;
    if (handler != 0 && !user_code_address(handler))
        return -APG_EFAULT;
    uintptr_t previous = current.alarm_handler;
    current.alarm_handler = handler;
    return (int64_t)previous;
}

static int64_t do_alarm(uint64_t seconds)
{
    uint64_t now = timer_now(), hz = timer_frequency();
    int64_t left = 0;
    if (current.alarm_armed && current.alarm_deadline > now)
        left = (int64_t)((current.alarm_deadline - now + hz - 1) / hz);
    if (seconds > 3600)
        return -APG_EINVAL;
    current.alarm_armed = seconds != 0;
    if (seconds == 0) {
        timer_cancel();
    } else {
        current.alarm_deadline = now + seconds * hz;
        timer_arm(current.alarm_deadline);
    }
    return left;
}

void process_syscall(apg_trap_frame *f)
{
    uint64_t number = f->x[8];
    struct apg_event *e =
        event_log(APG_EVENT_SYSCALL, (uint32_t)number, f->x[0], f->x[1], f->x[2], 0);
    int64_t result;
    switch (number) {
    case SYS_EXIT: end_program((int)f->x[0]);
    case SYS_SIGRETURN:
        if (!current.in_handler) {
            result = -APG_EINVAL;
            break;
        }
        *f = current.interrupted; /* back to where the signal came in */
        current.in_handler = false;
        return;
    case SYS_SIGNAL: result = do_signal(f->x[0], f->x[1]); break;
    case SYS_ALARM: result = do_alarm(f->x[0]); break;
    case SYS_GETPID: result = current.pid; break;
    default: result = syscall_heap_and_io(number, f->x[0], f->x[1], f->x[2]); break;
    }
    e->result = result;
    f->x[0] = (uint64_t)result;
}

/* ---- faults and interrupts ---- */

void process_fault(apg_trap_frame *f)
{
    uint32_t ec = esr_class(f->esr);
    event_log(APG_EVENT_FAULT, ec, f->elr, f->far, 0, 0);
    kprintf("*** %s (pid %u) killed: %s at 0x%llx", current.program->name, current.pid,
            exception_class_name(ec), (unsigned long long)f->elr);
    if (esr_has_fault_address(ec))
        kprintf(", address 0x%llx", (unsigned long long)f->far);
    kprintf("\n");
    end_program(-1);
}

/* The alarm went off: run the program's handler at EL0, or end the program. */
static void deliver_alarm(apg_trap_frame *f)
{
    current.alarm_armed = false;
    timer_cancel();
    if (current.alarm_handler == 0) {
        kprintf("*** %s (pid %u): alarm clock (SIGALRM, no handler)\n", current.program->name,
                current.pid);
        end_program(-1);
    }
    if (current.in_handler)
        return; /* one signal at a time; this one is dropped */
    event_log(APG_EVENT_SIGNAL, SIGALRM, current.alarm_handler, 0, 0, 0);
    current.interrupted = *f;
    current.in_handler = true;
    f->elr = current.alarm_handler;
    f->x[0] = SIGALRM;
    f->x[30] = (uintptr_t)user_signal_return; /* the handler's return address */
    f->spsr = SPSR_EL0T;
}

void process_interrupt(apg_trap_frame *f)
{
    uint32_t irq = gic_acknowledge();
    if (irq == GIC_SPURIOUS)
        return;
    event_log(APG_EVENT_IRQ, irq, 0, 0, 0, 0);
    if (irq == IRQ_VIRTUAL_TIMER)
        timer_cancel(); /* level-triggered: silence it before the end of interrupt */
    gic_end(irq);       /* before deliver_alarm, which may end the program */
    if (irq == IRQ_VIRTUAL_TIMER && process_running() && (f->spsr & 0xf) == 0)
        deliver_alarm(f);
}
