// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The functions with the most self time in a V8 CPU profile (.cpuprofile, as
 * written by `node --cpu-prof` or emu-glue/bench/page_profile.mjs): share of
 * the sampled time, milliseconds, function name and script (a wasm function's
 * name comes from the module's name section).
 *   usage: node emu-glue/bench/cpuprofile_top.mjs FILE.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';

const [path, count = '30'] = process.argv.slice(2);
if (!path || !(Number(count) > 0)) {
  console.error('usage: cpuprofile_top.mjs FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(path, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map();
let totalUs = 0;
// timeDeltas[i] is the time before sample i; it is charged to the sample before it
profile.samples.forEach((id, i) => {
  const frame = nodes.get(id).callFrame;
  const script = frame.url.split('/').pop();
  const name = `${frame.functionName || '(anonymous)'}${script ? ` (${script})` : ''}`;
  const us = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(name, (selfUs.get(name) ?? 0) + us);
  totalUs += us;
});
console.log(`${(totalUs / 1e6).toFixed(2)} s sampled, ${profile.samples.length} samples`);
for (const [name, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(count)))
  console.log(
    `${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
  );
