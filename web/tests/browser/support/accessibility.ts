// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Automated accessibility checks with axe-core (pinned in package.json):
 * its axe.min.js from node_modules is injected into the page and run there,
 * so any page the tests open (the playground, embed mode, a lesson page)
 * can be checked the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../../scripts/harness.mjs';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** CSS selectors of the offending elements (the first eight) */
  targets: string[];
}

let axeSource: string | null = null;

/**
 * Runs axe-core on the page as it is now (WCAG 2.x A and AA rules) and
 * returns the violations of at least `minimum` impact ("serious": serious
 * and critical). `exclude` lists selectors to leave out.
 */
export async function accessibilityViolations(
  page: Page,
  {
    minimum = 'serious',
    exclude = [],
  }: { minimum?: 'serious' | 'critical'; exclude?: string[] } = {},
): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(join(REPO_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  // evaluated, not added as a <script>: the page's Content-Security-Policy allows no inline scripts
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (excluded) => {
    const axe = (window as unknown as { axe: AxeApi }).axe;
    const result = await axe.run(
      { exclude: excluded.map((s) => [s]) },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
    );
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 8).map((n) => n.target.join(' ')),
    }));
  }, exclude);
  const levels = minimum === 'critical' ? ['critical'] : ['serious', 'critical'];
  return violations.filter((v) => v.impact !== null && levels.includes(v.impact));
}

/** The part of axe's API used here (axe-core ships its own types, but they are not importable into the page). */
interface AxeApi {
  run(
    context: unknown,
    options: unknown,
  ): Promise<{
    violations: Array<{
      id: string;
      impact: string | null;
      help: string;
      nodes: Array<{ target: string[] }>;
    }>;
  }>;
}
