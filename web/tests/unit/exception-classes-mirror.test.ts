// SPDX-License-Identifier: GPL-2.0-or-later
// The panel names a fault's exception class in the kernel's words: the table
// in web/src/cpu/exception-classes.ts against exception_class_name() and
// esr_has_fault_address() in firmware/kernel/esr.c.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EXCEPTION_CLASS_NAMES,
  FAR_VALID_CLASSES,
  exceptionClassName,
} from '../../src/cpu/exception-classes';

const source = readFileSync(new URL('../../../firmware/kernel/esr.c', import.meta.url), 'utf8');

function functionBody(name: string): string {
  const start = source.search(new RegExp(`\\b${name}\\s*\\([^)]*\\)\\s*\\{`));
  if (start < 0) throw new Error(`${name}() not found in esr.c`);
  const end = source.indexOf('\n}', start);
  return source.slice(start, end);
}

/** case 0x30: case 0x31: return "Breakpoint"; -> {0x30: ..., 0x31: ...} */
function kernelClassNames(): Record<number, string> {
  const names: Record<number, string> = {};
  let pending: number[] = [];
  for (const token of functionBody('exception_class_name').matchAll(
    /case\s+(0x[0-9a-fA-F]+)\s*:|return\s+"([^"]*)"/g,
  )) {
    if (token[1] !== undefined) {
      pending.push(Number(token[1]));
    } else {
      for (const ec of pending) names[ec] = token[2]!;
      pending = [];
    }
  }
  return names;
}

describe('exception class names', () => {
  it("equal the kernel's exception_class_name()", () => {
    const kernel = kernelClassNames();
    expect(Object.keys(kernel).length).toBeGreaterThan(15);
    expect(EXCEPTION_CLASS_NAMES).toEqual(kernel);
  });

  it("say what the kernel's default says for a class it does not name", () => {
    const fallback = /default:\s*return\s+"([^"]*)"/.exec(functionBody('exception_class_name'))![1];
    expect(exceptionClassName(0x3f)).toBe(fallback);
  });

  it("show FAR for the classes of the kernel's esr_has_fault_address()", () => {
    const kernel = [
      ...functionBody('esr_has_fault_address').matchAll(/ec\s*==\s*(0x[0-9a-fA-F]+)/g),
    ].map((m) => Number(m[1]));
    expect(kernel.length).toBeGreaterThan(3);
    expect([...FAR_VALID_CLASSES].sort((a, b) => a - b)).toEqual(kernel.sort((a, b) => a - b));
  });
});
