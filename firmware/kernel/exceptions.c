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
#include "events.h"
#include "guard.h"
#include "heap.h"
#include "process.h"
#include "psci.h"
#include "symbols.h"

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

/* Where it happened, when the image has a symbol table, and which untrusted
 * call was running. The offset is left out when the moment is not exact (an
 * interrupt lands where the host next checks for one). */
static void report_location(uintptr_t pc, bool exact)
{
    const char *name, *call = guard_call();
    uintptr_t offset;
    bool named = symbol_lookup(pc, &name, &offset);
    if (named && exact)
        kprintf("    in %s+0x%lx", name, (unsigned long)offset);
    else if (named)
        kprintf("    in %s", name);
    if (call != NULL)
        kprintf("%sduring %s (student code)", named ? ", " : "    ", call);
    if (named || call != NULL)
        kprintf("\n");
}

static void report(const apg_trap_frame *f, uint64_t vector)
{
    uint32_t ec = esr_class(f->esr);
    bool synchronous = (vector % 4) == 0;
    if (synchronous) {
        /* the CPU panel lists the kernel's own exceptions beside the user programs' */
        event_log(APG_EVENT_FAULT, ec, f->elr, esr_has_fault_address(ec) ? f->far : 0, 0, 0);
        kprintf("*** exception: %s (EC 0x%02x)\n", exception_class_name(ec), ec);
    } else
        kprintf("*** exception: unexpected %s interrupt\n", vector_names[vector % 4]);
    /* In student code the function and offset say more than the raw ELR,
     * and stay the same when the kernel around the student's file changes. */
    bool student = guard_call() != NULL;
    if (student)
        kprintf("    ESR 0x%016llx  SPSR 0x%016llx\n", (unsigned long long)f->esr,
                (unsigned long long)f->spsr);
    else
        kprintf("    ESR 0x%016llx  ELR 0x%016llx  SPSR 0x%016llx\n", (unsigned long long)f->esr,
                (unsigned long long)f->elr, (unsigned long long)f->spsr);
    if (synchronous && esr_has_fault_address(ec))
        kprintf("    FAR 0x%016llx (the address that faulted)\n", (unsigned long long)f->far);
    report_location(f->elr, true);
}

/* Abandons the running command and resumes the shell at its recovery point;
 * false if there is none (during boot). */
static bool abandon_command(const char *why)
{
    if (recovery == NULL)
        return false;
    apg_context *ctx = recovery;
    recovery = NULL;
    guard_leave();
    /* quietly when the caller has reported (why == NULL) */
    if (heap_recover_after_fault() && why != NULL)
        kprintf("*** the fault interrupted a heap operation: run 'check'\n");
    process_abandon();
    if (why != NULL)
        kprintf("*** %s; back to the shell\n", why);
    apg_resume_context(ctx, 1);
}

void exceptions_abandon_command(void)
{
    if (!abandon_command(NULL))
        kprintf("*** cannot recover here: powering off\n");
    apg_psci_system_off();
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
    if (vector == VECTOR_EL1_IRQ && guard_watchdog_fired()) {
        kprintf("*** watchdog: %s did not return within %u s of guest time\n", guard_call(),
                GUARD_SECONDS);
        report_location(frame->elr, false);
        if (abandon_command("command abandoned"))
            return;
    }
    report(frame, vector);
    if (vector % 4 == 0 && ec == ESR_EC_BRK && guard_call() == NULL) {
        /* ELR points at the BRK itself: step over it */
        frame->elr += 4;
        kprintf("*** breakpoint: continuing after it\n");
        return;
    }
    if (vector % 4 == 0)
        abandon_command("command abandoned");
    kprintf("*** cannot recover here: powering off\n");
    apg_psci_system_off();
}
