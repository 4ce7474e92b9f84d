// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What compare mode sends each machine for a typed command, and the block
 * numbers it learns from the replies (for the panels' Free button, which
 * must free "the same" block everywhere: `free $N`, never an address).
 *
 * Every machine must receive the same number of commands, or `$N` would name
 * different commands on different machines; so nothing is ever sent to only
 * some of them.
 */
import { ALLOCATORS, type AllocatorName } from '../app/url-config';

export type CommandPlan = { ok: true; perMachine: string[] } | { ok: false; message: string };

/**
 * `use <any allocator>` becomes `use <the machine's own allocator>` (the heap
 * starts afresh everywhere, and each machine stays what it is); `trace all`
 * becomes `trace` (each machine replays the trace on its own allocator: the
 * machines side by side are already "all"); `halt` and `reboot` would end
 * the comparison, so they are not sent at all.
 */
export function planCommand(command: string, machines: readonly AllocatorName[]): CommandPlan {
  const words = command.trim().split(/[ \t]+/);
  const name = words[0] ?? '';
  if (name === 'halt' || name === 'reboot')
    return {
      ok: false,
      message: `"${name}" is not sent in compare mode (it would end the comparison); Reset restarts every machine.`,
    };
  if (name === 'use' && words.length === 2 && (ALLOCATORS as readonly string[]).includes(words[1]!))
    return { ok: true, perMachine: machines.map((m) => `use ${m}`) };
  if (name === 'trace' && words.length === 2 && words[1] === 'all')
    return { ok: true, perMachine: machines.map(() => 'trace') };
  return { ok: true, perMachine: machines.map(() => command) };
}

/** Which live block each `$N` names on one machine, learnt from the kernel's replies. */
export class BlockNumbers {
  private readonly byAddress = new Map<number, number>();

  /** Command `n` printed `reply`. */
  note(n: number, reply: string): void {
    // `use`, `reset` and a trace that ran re-initialise the heap
    if (/^(now using|heap reset:|trace: \d+ requests)/m.test(reply)) this.byAddress.clear();
    const freed = /^freed (0x[0-9a-f]+)/m.exec(reply);
    if (freed !== null) this.byAddress.delete(Number(freed[1]));
    const moved = /^reallocated (0x[0-9a-f]+) -> (0x[0-9a-f]+)/m.exec(reply);
    if (moved !== null) {
      this.byAddress.delete(Number(moved[1]));
      this.byAddress.set(Number(moved[2]), n);
    }
    const allocated = /^allocated .* at (0x[0-9a-f]+)/m.exec(reply);
    if (allocated !== null) this.byAddress.set(Number(allocated[1]), n);
  }

  /** The `$N` of the live block whose payload is at `address`, or null. */
  numberOf(address: number): number | null {
    return this.byAddress.get(address) ?? null;
  }

  clear(): void {
    this.byAddress.clear();
  }
}

/**
 * A lesson written for one allocator names blocks by that allocator's
 * addresses (`free 0x40400040`); on the machine running that allocator the
 * address is the block some command N returned, and `$N` is the same block
 * on every machine. Commands without such an address are returned unchanged,
 * and so are addresses no command here returned (the kernels then explain).
 */
export function translateAddress(command: string, reference: BlockNumbers): string {
  const m = /^(free|realloc|corrupt)([ \t]+)(0x[0-9a-fA-F]+)(?=$|[ \t])/.exec(command);
  if (m === null) return command;
  const n = reference.numberOf(Number(m[3]));
  return n === null ? command : `${m[1]}${m[2]}$${n}${command.slice(m[0].length)}`;
}
