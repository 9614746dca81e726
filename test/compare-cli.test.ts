// npm run compare as a user runs it, on two real report folders written by npm run sim.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, run, tempDir, writeScenario } from './helpers/cli.js';

afterAll(removeTempDirs);

const scenario = {
  name: 'cmp',
  mode: 'virtual',
  load: { rate: 500, auctions: 3000, warmupSec: 0 },
  bidders: [{ name: 'dsp', count: 4, latency: { model: 'lognormal', medianMs: 30, p99Ms: 120 } }],
};

describe('npm run compare', () => {
  it('puts two runs side by side: the setting that differs, the figures it moved, and those it did not', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'cmp', scenario);
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    expect((await run('src/sim/cli/sim.ts', [file, '--out', a])).status).toBe(0);
    expect((await run('src/sim/cli/sim.ts', [file, '--tmax', '60', '--out', b])).status).toBe(0);
    const out = join(dir, 'cmp-out');
    const r = await run('src/sim/cli/compare.ts', [a, b, '--out', out]);
    expect(r.status).toBe(0);
    const page = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(r.stdout).toContain(page);
    expect(page).toMatch(/\| `auction\.tmaxMs` \| 100 \| 60 \|/);
    const verdictOf = (figure: string): string | undefined =>
      page
        .split('\n')
        .find((l) => l.startsWith(`| \`${figure}\``))
        ?.split('|')
        .at(-2)
        ?.trim();
    // A deadline cut from 100 to 60 ms against 30 ms-median bidders: the tail and the timeouts move.
    expect(verdictOf('latency.auction.p99')).toBe('**B lower**');
    expect(verdictOf('rates.timeout')).toBe('**B higher**');
    // The same seed and arrivals: the fill (every auction has bidders) does not.
    expect(verdictOf('rates.fill')).toMatch(/within noise|same/);
    expect(verdictOf('revenue.perThousand')).toMatch(/no interval/);
  });

  it('refuses a folder without a summary (exit 2) and writes nothing', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await run('src/sim/cli/compare.ts', [dir, dir, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no summary.json');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a summary that lacks a figure it compares, naming the field (exit 2)', async () => {
    const dir = tempDir();
    const a = join(dir, 'a');
    expect((await run('src/sim/cli/sim.ts', [writeScenario(dir, 'cmp', scenario), '--out', a])).status).toBe(0);
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    const summary = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8')) as { bids: Record<string, unknown> };
    delete summary.bids.sent;
    writeFileSync(join(broken, 'summary.json'), JSON.stringify(summary));
    const r = await run('src/sim/cli/compare.ts', [a, broken, '--out', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bids.sent: must be a count');
    expect(r.stderr).not.toMatch(/TypeError|\bat .*\.ts:\d+/);
  });
});
