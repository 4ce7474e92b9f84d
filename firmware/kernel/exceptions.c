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
#include "esr.h"
#include "heap.h"
#include "process.h"
#include "psci.h"

#include <stdbool.h>
#include <stddef.h>

static apg_context *recovery;

void exceptions_arm_recovery(apg_context *ctx)
{
    recovery = ctx;
}

void exceptions_disarm_recovery(void)
{
    recovery = NULL;
}

static const char *const vector_names[4] = {"Synchronous", "IRQ", "FIQ", "SError"};

static void report(const apg_trap_frame *f, uint64_t vector)
{
    uint32_t ec = esr_class(f->esr);
    bool synchronous = (vector % 4) == 0;
    if (synchronous)
        kprintf("*** exception: %s (EC 0x%02x)\n", exception_class_name(ec), ec);
    else
        kprintf("*** exception: unexpected %s interrupt\n", vector_names[vector % 4]);
    kprintf("    ESR 0x%016llx  ELR 0x%016llx  SPSR 0x%016llx\n", (unsigned long long)f->esr,
            (unsigned long long)f->elr, (unsigned long long)f->spsr);
    if (synchronous && esr_has_fault_address(ec))
        kprintf("    FAR 0x%016llx (the address that faulted)\n", (unsigned long long)f->far);
}

/* vector numbers: 4 * origin + kind; origin 1 = current EL with SP_ELx,
 * 2 = lower EL in AArch64; kind 0 = synchronous, 1 = IRQ */
#define VECTOR_EL1_IRQ 5
#define VECTOR_EL0_SYNC 8
#define VECTOR_EL0_IRQ 9

void apg_handle_exception(apg_trap_frame *frame, uint64_t vector)
{
    uint32_t ec = esr_class(frame->esr);
    if (vector == VECTOR_EL0_SYNC && process_running()) {
        if (ec == ESR_EC_SVC64)
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
    if (vector % 4 == 0 && ec == ESR_EC_BRK) {
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
