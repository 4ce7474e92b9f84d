// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The playground's URL parameters (documented in web/README.md):
 *   alloc=first-fit|buddy|page|bump|tlsf   `use` it after boot
 *   script=cmd;cmd or newline-separated     commands typed after boot
 *   panels=terminal,heap,table,cpu          which panels to show
 *   theme=light|dark                        colour scheme (default: the system's)
 *   embed=1                                 chrome-less layout for course pages
 *   typing=instant|human                    how scripts and lessons are typed (default human)
 *   lesson=<name or relative URL>           a lesson opened after boot (read by the playground, lessons/)
 *   origin=<origin>                         the page allowed to drive it by postMessage (embed/embed-origins.ts)
 *   kernel=<relative or same-origin URL>    boot this raw image instead of kernel8.img
 *   engine=tier|inline|hook                 how the emulator runs guest code (default tier: hot blocks
 *                                           as WebAssembly; inline interprets every block, the way before
 *                                           Unicorn patch 0013; hook also counts with the block hook, the
 *                                           way before patch 0011; both for comparison)
 *   test=1                                  test hooks (browser tests only)
 * Anything unknown or malformed is dropped and reported, never executed.
 */

export const ALLOCATORS = ['first-fit', 'buddy', 'page', 'bump', 'tlsf'] as const;
export type AllocatorName = (typeof ALLOCATORS)[number];
export const PANELS = ['terminal', 'heap', 'table', 'cpu'] as const;
export const ENGINES = ['tier', 'inline', 'hook'] as const;
export type EngineName = (typeof ENGINES)[number];
export type PanelName = (typeof PANELS)[number];

export interface PlaygroundConfig {
  alloc: AllocatorName | null;
  script: string[];
  panels: PanelName[];
  theme: 'light' | 'dark' | 'system';
  embed: boolean;
  typing: 'human' | 'instant';
  /** the kernel parameter as given (guest-files.ts resolveKernelUrl decides) */
  kernel: string | null;
  engine: EngineName;
  testHooks: boolean;
  /** what was ignored, to tell the user */
  warnings: string[];
}

/** The shell's line buffer is 128 bytes; longer commands are rejected by the kernel anyway. */
export const MAX_COMMAND_LENGTH = 120;
export const MAX_SCRIPT_COMMANDS = 500;

/**
 * Commands of a script parameter: split on ';' and newlines, trimmed, empty
 * ones dropped, control characters removed (a URL must not be able to type
 * Ctrl-C or escape sequences), each cut to MAX_COMMAND_LENGTH.
 */
export function parseScript(text: string): string[] {
  return text
    .split(/[;\n\r]+/)
    .map((line) =>
      line
        .replace(/[^\x20-\x7e]/g, '')
        .trim()
        .slice(0, MAX_COMMAND_LENGTH),
    )
    .filter((line) => line.length > 0)
    .slice(0, MAX_SCRIPT_COMMANDS);
}

export function parseConfig(search: string): PlaygroundConfig {
  const params = new URLSearchParams(search);
  const warnings: string[] = [];

  let alloc: AllocatorName | null = null;
  const allocParam = params.get('alloc');
  if (allocParam !== null) {
    if ((ALLOCATORS as readonly string[]).includes(allocParam)) alloc = allocParam as AllocatorName;
    else warnings.push(`unknown allocator "${allocParam}" ignored`);
  }

  let panels: PanelName[] = [...PANELS];
  const panelsParam = params.get('panels');
  if (panelsParam !== null) {
    const asked = panelsParam
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    const known = asked.filter((p): p is PanelName => (PANELS as readonly string[]).includes(p));
    for (const p of asked)
      if (!known.includes(p as PanelName)) warnings.push(`unknown panel "${p}" ignored`);
    if (known.length > 0) panels = [...new Set(known)];
  }

  let engine: EngineName = 'tier';
  const engineParam = params.get('engine');
  if (engineParam !== null) {
    if ((ENGINES as readonly string[]).includes(engineParam)) engine = engineParam as EngineName;
    else warnings.push(`unknown engine "${engineParam}" ignored`);
  }

  const themeParam = params.get('theme');
  const theme = themeParam === 'light' || themeParam === 'dark' ? themeParam : 'system';
  if (themeParam !== null && theme === 'system')
    warnings.push(`unknown theme "${themeParam}" ignored`);

  return {
    alloc,
    script: parseScript(params.get('script') ?? ''),
    panels,
    theme,
    embed: params.get('embed') === '1',
    typing: params.get('typing') === 'instant' ? 'instant' : 'human',
    kernel: params.get('kernel'),
    engine,
    testHooks: params.get('test') === '1',
    warnings,
  };
}
