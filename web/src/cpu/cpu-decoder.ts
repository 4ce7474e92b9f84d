// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The CPU panel's model from guest memory and PSTATE: the exception level,
 * the running user program (pid and name from the heap descriptor) and the
 * latest events of the kernel's log. Never throws: what cannot be read
 * becomes a problem line, and the rest is still shown.
 */
import { Descriptor } from '../heap/abi';
import { locateDescriptor } from '../heap/descriptor-locator';
import type { GuestMemory } from '../heap/guest-memory';
import { decodeEventLog } from './event-log-decoder';
import { exceptionLevelOf } from './exception-level';
import { readCString } from './guest-string';
import type { CpuModel, RunningProgram } from './model';

/** The kernel's program names are short words; a longer one is cut here. */
export const MAX_PROGRAM_NAME = 32;

export function decodeCpu(memory: GuestMemory, pstate: number | null): CpuModel {
  const model: CpuModel = {
    pstate,
    exceptionLevel: pstate === null ? null : exceptionLevelOf(pstate),
    program: null,
    log: null,
    problems: [],
  };
  try {
    const location = locateDescriptor(memory);
    if (!location.ok) {
      model.problems.push(location.message);
      return model;
    }
    const d = location.address;
    model.program = readProgram(
      memory,
      memory.u32(d + Descriptor.userPid),
      memory.u64(d + Descriptor.userProgram),
      model.problems,
    );
    const log = decodeEventLog(memory, memory.u64(d + Descriptor.eventLog));
    if (log.ok) model.log = log.log;
    else model.problems.push(log.problem);
  } catch (error) {
    // every read above is range-checked: this is a decoder bug, shown rather than thrown
    model.problems.push(
      `decoder failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return model;
}

function readProgram(
  memory: GuestMemory,
  pid: number,
  nameAddress: number,
  problems: string[],
): RunningProgram | null {
  if (pid === 0) return null; // the kernel clears the pid when the program ends
  if (nameAddress === 0) return { pid, name: '' }; // the name is set just after the pid
  const name = readCString(memory, nameAddress, MAX_PROGRAM_NAME);
  if (name === null) {
    problems.push(`program name address 0x${nameAddress.toString(16)} is outside guest memory`);
    return { pid, name: '' };
  }
  return { pid, name: name.truncated ? `${name.text}…` : name.text };
}
