/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exception classes in words (web/src/cpu/exception-classes.ts mirrors both
 * functions; a unit test compares them). */
#include "esr.h"

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

bool esr_has_fault_address(uint32_t ec)
{
    return ec == 0x20 || ec == 0x21 || ec == 0x22 || ec == 0x24 || ec == 0x25 || ec == 0x34 ||
           ec == 0x35;
}
