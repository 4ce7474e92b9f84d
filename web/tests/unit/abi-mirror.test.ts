// SPDX-License-Identifier: GPL-2.0-or-later
// web/src/heap/abi.ts mirrors firmware/include/heap_abi.h. This test reads the
// C header itself: every #define, enum value and struct field offset must
// have its twin in abi.ts with the same value, so a change on one side
// without the other fails here. The same for the addresses the web side
// takes from the board's memory map, firmware/include/board.h.
import { readFileSync } from 'node:fs';
import * as machine from '@emu-glue/machine';
import { describe, expect, it } from 'vitest';
import * as abi from '../../src/heap/abi';

const header = readFileSync(
  new URL('../../../firmware/include/heap_abi.h', import.meta.url),
  'utf8',
);

/** C define name -> abi.ts export name (null: deliberately not mirrored as such). */
const DEFINE_TWINS: Record<string, string | null> = {
  APG_ABI_VERSION: 'ABI_VERSION',
  APG_IMAGE_HEADER_OFFSET: 'IMAGE_HEADER_OFFSET',
  APG_IMAGE_MAGIC: 'IMAGE_MAGIC',
  APG_DESCRIPTOR_MAGIC: 'DESCRIPTOR_MAGIC',
  APG_EVENT_LOG_MAGIC: 'EVENT_LOG_MAGIC',
  APG_EVENT_LOG_CAPACITY: 'EVENT_LOG_CAPACITY',
  APG_FF_MAGIC: 'FF_MAGIC',
  APG_FF_USED: 'FF_USED',
  APG_FF_SIZE_MASK: null, // ~0xF: abi.ts keeps the complement, FF_FLAG_BITS
  APG_BUDDY_MAGIC: 'BUDDY_MAGIC',
  APG_BUDDY_MIN_BLOCK: 'BUDDY_MIN_BLOCK',
  APG_BUDDY_MIN_SHIFT: 'BUDDY_MIN_SHIFT',
  APG_BUDDY_MAX_ORDERS: 'BUDDY_MAX_ORDERS',
  APG_BUDDY_ORDER_MASK: 'BUDDY_ORDER_MASK',
  APG_BUDDY_STATE_SHIFT: 'BUDDY_STATE_SHIFT',
  APG_BUDDY_STATE_MASK: 'BUDDY_STATE_MASK',
  APG_BUDDY_STATE_NONE: 'BUDDY_STATE_NONE',
  APG_BUDDY_STATE_FREE: 'BUDDY_STATE_FREE',
  APG_BUDDY_STATE_USED: 'BUDDY_STATE_USED',
  APG_BUDDY_REQ_SHIFT: 'BUDDY_REQ_SHIFT',
  APG_BUDDY_REQ_MAX: 'BUDDY_REQ_MAX',
  APG_PAGE_MAGIC: 'PAGE_MAGIC',
  APG_PAGE_SIZE: 'PAGE_SIZE',
  APG_PAGE_STATE_MASK: 'PAGE_STATE_MASK',
  APG_PAGE_FREE: 'PAGE_FREE',
  APG_PAGE_HEAD: 'PAGE_HEAD',
  APG_PAGE_TAIL: 'PAGE_TAIL',
  APG_PAGE_REQ_SHIFT: 'PAGE_REQ_SHIFT',
  APG_BUMP_MAGIC: 'BUMP_MAGIC',
  APG_BUMP_LIVE: 'BUMP_LIVE',
  APG_TLSF_MAGIC: 'TLSF_MAGIC',
  APG_TLSF_SL_LOG2: 'TLSF_SL_LOG2',
  APG_TLSF_SL_COUNT: 'TLSF_SL_COUNT',
  APG_TLSF_ALIGN_LOG2: 'TLSF_ALIGN_LOG2',
  APG_TLSF_FL_SHIFT: 'TLSF_FL_SHIFT',
  APG_TLSF_FL_MAX: 'TLSF_FL_MAX',
  APG_TLSF_FL_COUNT: 'TLSF_FL_COUNT',
  APG_TLSF_FREE: 'TLSF_FREE',
  APG_TLSF_PREV_FREE: 'TLSF_PREV_FREE',
  APG_TLSF_SIZE_MASK: null, // ~0xF, see TLSF_FLAG_BITS
  APG_MM_MAGIC: 'MM_MAGIC',
  APG_MM_CALLER_WRITES: 'MM_CALLER_WRITES',
  APG_BLOCK_REFS: 'BLOCK_REFS',
};

const STRUCT_TWINS: Record<string, string> = {
  apg_image_header: 'ImageHeader',
  apg_heap_descriptor: 'Descriptor',
  apg_event: 'Event',
  apg_event_log: 'EventLog',
  apg_ff_state: 'FfState',
  apg_ff_block: 'FfBlock',
  apg_ff_free_links: 'FreeLinks',
  apg_buddy_state: 'BuddyState',
  apg_buddy_free_links: 'FreeLinks',
  apg_page_state: 'PageState',
  apg_bump_state: 'BumpState',
  apg_bump_block: 'BumpBlock',
  apg_tlsf_state: 'TlsfState',
  apg_tlsf_block: 'TlsfBlock',
  apg_tlsf_free_links: 'FreeLinks',
  apg_mm_state: 'MmState',
  apg_mm_block: 'MmBlock',
  apg_block_ref: 'BlockRef',
  apg_block_refs: 'BlockRefs',
};

const exported = abi as unknown as Record<string, unknown>;

/** Evaluates a #define body made of numbers, earlier defines, + - << ( ) and u suffixes. */
function evaluate(expression: string, known: Map<string, number>): number | null {
  const js = expression
    .replace(/\b(0x[0-9a-fA-F]+|\d+)u\b/g, '$1')
    .replace(/\bAPG_[A-Z0-9_]+\b/g, (name) => (known.has(name) ? String(known.get(name)) : 'NaN'));
  if (!/^[\s0-9a-fA-FxX()+\-<*]*$/.test(js)) return null;
  const value = Function(`"use strict"; return (${js});`)() as number;
  return Number.isFinite(value) ? value : null;
}

function parseDefines(): Map<string, string> {
  const defines = new Map<string, string>();
  for (const match of header.matchAll(/^#define\s+(APG_\w+)\s+([^/\n]+?)\s*(?:\/\*.*)?$/gm)) {
    if (match[1] !== 'APG_HEAP_ABI_H') defines.set(match[1]!, match[2]!.trim());
  }
  return defines;
}

interface CField {
  name: string;
  offset: number;
  /** elements: 1, or the product of the array dimensions */
  count: number;
}

interface CStruct {
  fields: CField[];
  size: number;
  alignment: number;
}

const SCALAR_BYTES: Record<string, number> = {
  int8_t: 1,
  uint8_t: 1,
  int16_t: 2,
  uint16_t: 2,
  int32_t: 4,
  uint32_t: 4,
  int64_t: 8,
  uint64_t: 8,
};

/** Lays out every struct as the C compiler does on AArch64: natural alignment, fields in order, arrays, nested structs. */
function parseStructs(constants: Map<string, number>): Map<string, CStruct> {
  const structs = new Map<string, CStruct>();
  for (const match of header.matchAll(/struct\s+(apg_\w+)\s*\{([\s\S]*?)\};/g)) {
    const body = match[2]!.replace(/\/\*[\s\S]*?\*\//g, '');
    let offset = 0;
    let alignment = 1;
    const fields: CField[] = [];
    for (const field of body.matchAll(
      /(?:\b(u?int(?:8|16|32|64)_t)|struct\s+(apg_\w+))\s+(\w+)((?:\[[^\]]+\])*)\s*;/g,
    )) {
      const nested = field[2] !== undefined ? structs.get(field[2]) : undefined;
      if (field[2] !== undefined && nested === undefined)
        throw new Error(`struct ${field[2]} used before it is defined`);
      const size = nested?.size ?? SCALAR_BYTES[field[1]!]!;
      const fieldAlignment = nested?.alignment ?? size;
      const count = [...field[4]!.matchAll(/\[([^\]]+)\]/g)]
        .map((d) => evaluate(d[1]!, constants))
        .reduce<number>((n, d) => n * (d ?? NaN), 1);
      offset = Math.ceil(offset / fieldAlignment) * fieldAlignment;
      alignment = Math.max(alignment, fieldAlignment);
      fields.push({ name: field[3]!, offset, count });
      offset += size * count;
    }
    structs.set(match[1]!, { fields, size: Math.ceil(offset / alignment) * alignment, alignment });
  }
  return structs;
}

const camel = (snake: string): string =>
  snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe('abi.ts mirrors heap_abi.h', () => {
  const defines = parseDefines();
  const constants = new Map<string, number>();
  for (const [name, body] of defines) {
    const value = evaluate(body, constants);
    if (value !== null) constants.set(name, value);
  }

  it('knows every #define of the header', () => {
    expect([...defines.keys()].filter((name) => !(name in DEFINE_TWINS))).toEqual([]);
    expect(defines.size).toBeGreaterThan(30);
  });

  it.each(Object.entries(DEFINE_TWINS).filter(([, twin]) => twin !== null))(
    '%s equals %s',
    (name, twin) => {
      expect(constants.get(name)).toBeDefined();
      expect(exported[twin!]).toBe(constants.get(name));
    },
  );

  it('the size masks are the complements of the flag bits', () => {
    expect(defines.get('APG_FF_SIZE_MASK')).toMatch(/~\(uint64_t\)0xF/);
    expect(defines.get('APG_TLSF_SIZE_MASK')).toMatch(/~\(uint32_t\)0xF/);
    expect(abi.FF_FLAG_BITS).toBe(0xf);
    expect(abi.TLSF_FLAG_BITS).toBe(0xf);
  });

  it('the heap kinds match enum apg_heap_kind', () => {
    const kinds = [...header.matchAll(/APG_KIND_(\w+)\s*=\s*(\d+)/g)].map(
      (m) => [m[1]!, Number(m[2])] as const,
    );
    const expected = Object.fromEntries(
      kinds.map(([name, value]) => [
        camel(name.toLowerCase()).replace(/^./, (c) => c.toUpperCase()),
        value,
      ]),
    );
    expect(abi.HeapKind).toEqual(expected);
  });

  it('the event kinds match enum apg_event_kind', () => {
    const kinds = [...header.matchAll(/APG_EVENT_(\w+)\s*=\s*(\d+)/g)].map(
      (m) => [m[1]!, Number(m[2])] as const,
    );
    const expected = Object.fromEntries(
      kinds.map(([name, value]) => [
        camel(name.toLowerCase()).replace(/^./, (c) => c.toUpperCase()),
        value,
      ]),
    );
    expect(Object.keys(expected)).toHaveLength(6);
    expect(abi.EventKind).toEqual(expected);
  });

  it('the block reference states match enum apg_ref_state', () => {
    const states = [...header.matchAll(/APG_REF_(\w+)\s*=\s*(\d+)/g)].map(
      (m) => [m[1]!, Number(m[2])] as const,
    );
    const expected = Object.fromEntries(
      states.map(([name, value]) => [
        camel(name.toLowerCase()).replace(/^./, (c) => c.toUpperCase()),
        value,
      ]),
    );
    expect(Object.keys(expected)).toHaveLength(4);
    expect(abi.RefState).toEqual(expected);
  });

  const structs = parseStructs(constants);
  it('an event has EVENT_ARG_COUNT arguments and the log EVENT_LOG_CAPACITY slots', () => {
    expect(structs.get('apg_event')!.fields.find((f) => f.name === 'args')!.count).toBe(
      abi.EVENT_ARG_COUNT,
    );
    expect(structs.get('apg_event_log')!.fields.find((f) => f.name === 'slots')!.count).toBe(
      abi.EVENT_LOG_CAPACITY,
    );
  });

  it('parses every struct of the header', () => {
    expect([...structs.keys()].sort()).toEqual(Object.keys(STRUCT_TWINS).sort());
  });

  it.each(Object.entries(STRUCT_TWINS))('struct %s matches %s', (struct, twin) => {
    const layout = structs.get(struct)!;
    const mirror = exported[twin] as Record<string, number>;
    const expected: Record<string, number> = { size: layout.size };
    for (const f of layout.fields) expected[camel(f.name)] = f.offset;
    expect(mirror).toEqual(expected);
  });
});

const board = readFileSync(new URL('../../../firmware/include/board.h', import.meta.url), 'utf8');

/** board.h define -> [module, export] that mirrors it (null: the web side does not use it). */
const BOARD_TWINS: Record<string, readonly [Record<string, unknown>, string] | null> = {
  BOARD_GIC_DIST_BASE: null,
  BOARD_GIC_DIST_SIZE: null,
  BOARD_GIC_CPU_BASE: null,
  BOARD_GIC_CPU_SIZE: null,
  BOARD_UART_BASE: null,
  BOARD_UART_SIZE: null,
  BOARD_RAM_BASE: [machine, 'RAM_BASE'],
  BOARD_RAM_SIZE: [machine, 'RAM_SIZE'],
  BOARD_KERNEL_LOAD: [exported, 'IMAGE_LOAD_ADDRESS'],
  BOARD_DTB_ADDRESS: null,
  BOARD_ARENA_BASE: null,
  BOARD_ARENA_SIZE: null,
  BOARD_HEAP_BASE: null,
  BOARD_HEAP_SIZE: null,
  BOARD_USER_STACK_BASE: null,
  BOARD_USER_STACK_SIZE: null,
  BOARD_TRACE_BASE: null,
  BOARD_TRACE_SIZE: null,
};

describe('the web side mirrors board.h', () => {
  const addresses = new Map<string, number>();
  for (const match of board.matchAll(
    /^#define\s+(BOARD_\w+)\s+BOARD_ADDRESS\((0x[0-9a-fA-F]+)\)/gm,
  ))
    addresses.set(match[1]!, Number(match[2]!));

  it('knows every address of the board', () => {
    expect([...addresses.keys()].sort()).toEqual(Object.keys(BOARD_TWINS).sort());
  });

  it.each(Object.entries(BOARD_TWINS).filter(([, twin]) => twin !== null))(
    '%s equals its mirror',
    (name, twin) => {
      const [module, exportName] = twin!;
      expect(module[exportName]).toBe(addresses.get(name));
    },
  );
});
