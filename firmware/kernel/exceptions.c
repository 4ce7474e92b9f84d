/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What happens when the CPU takes an exception: print a report a student can
 * read (what kind, where, the raw syndrome), then continue where that is safe.
 * A breakpoint (BRK) is reported and execution continues after it; any other
 * synchronous exception inside a shell command abandons the command and returns
 * to the prompt; anything else (during boot, or an unexpected interrupt) halts.
 */
#include "exceptions.h"

#include "console.h"
#include "heap.h"
#include "process.h"
#include "psci.h"

#include <stdbool.h>
#include <stddef.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define EC_BRK 0x3cu

static apg_context *recovery;

void exceptions_arm_recovery(apg_context *ctx)
{
    recovery = ctx;
}

void exceptions_disarm_recovery(void)
{
    recovery = NULL;
}

const char *exception_class_name(uint32_t ec)
{
    switch (ec) {
    case 0x00: return "Undefined instruction";
    case 0x01: return "WFI/WFE trapped";
    case 0x07: return "FP/SIMD access trapped";
    case 0x0e: return "Illegal execution state";
    case 0x15: return "SVC instruction";
    case 0x16: return "HVC instruction";
    case 0x17: return "SMC instruction";
    case 0x18: return "System register access trapped";
    case 0x20: return "Instruction abort from a lower EL";
    case 0x21: return "Instruction abort";
    case 0x22: return "PC alignment fault";
    case 0x24: return "Data abort from a lower EL";
    case 0x25: return "Data abort";
    case 0x26: return "SP alignment fault";
    case 0x2c: return "Floating-point exception";
    case 0x2f: return "SError";
    case 0x30:
    case 0x31: return "Breakpoint";
    case 0x32:
    case 0x33: return "Software step";
    case 0x34:
    case 0x35: return "Watchpoint";
    case 0x3c: return "BRK instruction";
    default: return "Unknown exception class";
    }
}

/* FAR_EL1 only holds an address for aborts and alignment faults. */
static bool far_is_valid(uint32_t ec)
{
    return ec == 0x20 || ec == 0x21 || ec == 0x22 || ec == 0x24 || ec == 0x25 || ec == 0x34 ||
           ec == 0x35;
}

static const char *const vector_names[4] = {"Synchronous", "IRQ", "FIQ", "SError"};

static void report(const apg_trap_frame *f, uint64_t vector)
{
    uint32_t ec = (uint32_t)(f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
    bool synchronous = (vector % 4) == 0;
    if (synchronous)
        kprintf("*** exception: %s (EC 0x%02x)\n", exception_class_name(ec), ec);
    else
        kprintf("*** exception: unexpected %s interrupt\n", vector_names[vector % 4]);
    kprintf("    ESR 0x%016llx  ELR 0x%016llx  SPSR 0x%016llx\n", (unsigned long long)f->esr,
            (unsigned long long)f->elr, (unsigned long long)f->spsr);
    if (synchronous && far_is_valid(ec))
        kprintf("    FAR 0x%016llx (the address that faulted)\n", (unsigned long long)f->far);
}

/* vector numbers: 4 * origin + kind; origin 1 = current EL with SP_ELx,
 * 2 = lower EL in AArch64; kind 0 = synchronous, 1 = IRQ */
#define VECTOR_EL1_IRQ 5
#define VECTOR_EL0_SYNC 8
#define VECTOR_EL0_IRQ 9
#define EC_SVC64 0x15u

void apg_handle_exception(apg_trap_frame *frame, uint64_t vector)
{
    uint32_t ec = (uint32_t)(frame->esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
    if (vector == VECTOR_EL0_SYNC && process_running()) {
        if (ec == EC_SVC64)
            process_syscall(frame);
        else
            process_fault(frame); /* does not return */
        return;
    }
    if ((vector == VECTOR_EL0_IRQ || vector == VECTOR_EL1_IRQ) && process_running()) {
        process_interrupt(frame);
        return;
    }
    report(frame, vector);
    if (vector % 4 == 0 && ec == EC_BRK) {
        /* ELR points at the BRK itself: step over it */
        frame->elr += 4;
        kprintf("*** breakpoint: continuing after it\n");
        return;
    }
    if (vector % 4 == 0 && recovery != NULL) {
        apg_context *ctx = recovery;
        recovery = NULL;
        if (heap_recover_after_fault())
            kprintf("*** the fault interrupted a heap operation: run 'check'\n");
        process_abandon();
        kprintf("*** command abandoned; back to the shell\n");
        apg_resume_context(ctx, 1);
    }
    kprintf("*** cannot recover here: powering off\n");
    apg_psci_system_off();
}
