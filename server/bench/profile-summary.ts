/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- --profile`): the functions with the most self time, and the
 * most inclusive time among project files, so a hot-path change can be aimed and then checked.
 * Usage: tsx server/bench/profile-summary.ts <file.cpuprofile> [topN]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx server/bench/profile-summary.ts <file.cpuprofile> [topN]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};

const self = new Map<string, number>();
const incl = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + us);
  }
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`total sampled: ${(total / 1e6).toFixed(2)} s\n\nself time:`);
for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${l}`);
console.log('\ninclusive time, project code:');
const ours = [...incl].filter(([l]) => / (server|db)\//.test(l) && !l.includes('node_modules'));
for (const [l, us] of ours.sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${l}`);

// Optional third argument: a function name whose callees (inclusive time, merged by label) to list.
const focus = process.argv[4];
if (focus) {
  const inclNode = new Map<number, number>();
  const sumIncl = (id: number): number => {
    const n = byId.get(id)!;
    let t = selfUs.get(id) ?? 0;
    for (const c of n.children ?? []) t += sumIncl(c);
    inclNode.set(id, t);
    return t;
  };
  const roots = p.nodes.filter((n) => !parent.has(n.id));
  for (const r of roots) sumIncl(r.id);
  const callees = new Map<string, number>();
  let focusTotal = 0;
  for (const n of p.nodes) {
    if (n.callFrame.functionName !== focus) continue;
    focusTotal += inclNode.get(n.id) ?? 0;
    for (const c of n.children ?? []) {
      const l = label(byId.get(c)!);
      callees.set(l, (callees.get(l) ?? 0) + (inclNode.get(c) ?? 0));
    }
  }
  console.log(`\ncallees of ${focus} (${pct(focusTotal)} inclusive):`);
  for (const [l, us] of [...callees].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${l}`);
}
