// Self time per function from a V8 .cpuprofile (node --cpu-prof), largest first.
//   npx tsx bench/profile-sum.ts FILE.cpuprofile [top=30]

import { readFileSync } from 'node:fs';
import { isEntry } from '../src/sim/cli/common.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function selfTimes(p: Profile): Array<{ name: string; ms: number; share: number }> {
  const byId = new Map<number, Node>();
  for (const n of p.nodes) byId.set(n.id, n);
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!);
    const dt = p.timeDeltas[i] ?? 0;
    if (n === undefined) continue;
    const f = n.callFrame;
    const file = f.url.replace(/^.*\/(node_modules\/)?/, '');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  return [...self.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }))
    .sort((a, b) => b.ms - a.ms);
}

if (isEntry(import.meta.url)) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: profile-sum.ts FILE.cpuprofile [top]');
  const top = Number(process.argv[3] ?? 30);
  const rows = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  for (const r of rows.slice(0, top))
    console.log(`${r.ms.toFixed(0).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`);
}
