import type { SizeResult } from './input-size.js';
import type { ForgetResult } from './fire-and-forget.js';
import type { MapMemoryResult } from './map-memory.js';
import type { OverheadResult } from './overhead.js';
import type { StartupResult } from './startup.js';

export interface Target {
  readonly name: string;
  readonly value: number | string;
  readonly rule: string;
  readonly status: 'PASS' | 'MISS' | 'SKIP';
  readonly note?: string;
}

export interface Sections {
  overhead?: OverheadResult;
  inputSize?: SizeResult[];
  forget?: ForgetResult;
  startup?: StartupResult;
  map?: MapMemoryResult;
}

const check = (name: string, value: number | undefined, rule: string, ok: (v: number) => boolean, note?: string): Target =>
  value === undefined || Number.isNaN(value)
    ? { name, value: 'n/a', rule, status: 'MISS', note: note ?? 'section failed: see errors' }
    : { name, value, rule, status: ok(value) ? 'PASS' : 'MISS', ...(note ? { note } : {}) };

export function evaluateTargets(s: Sections): Target[] {
  const targets: Target[] = [];
  for (const mode of ['sequential', 'concurrent4'] as const) {
    const m = s.overhead?.[mode];
    const ci = (k: 'b/a' | 'c/a' | "c/a'") => (m ? `CI95 ${m.ratiosCI95[k][0]}-${m.ratiosCI95[k][1]}` : '');
    targets.push(check(`overhead ${mode} b/a`, m?.ratios['b/a'], '<= 1.10', (v) => v <= 1.1, ci('b/a')));
    targets.push(check(`overhead ${mode} c/a'`, m?.ratios["c/a'"], '<= 1.20', (v) => v <= 1.2, `${ci("c/a'")}; a' = raw, same sh job + file I/O`));
    targets.push(check(`overhead ${mode} c/a`, m?.ratios['c/a'], '<= 1.20', (v) => v <= 1.2, `${ci('c/a')}; literal (c runs sh+cp, a runs true)`));
  }
  for (const size of s.inputSize ?? []) {
    if (size.skipped) {
      targets.push({ name: `input ${size.sizeMiB} MiB`, value: 'skipped', rule: '-', status: 'SKIP', note: size.skipped });
      continue;
    }
    if (size.sizeMiB === 1024) targets.push(check('input 1 GiB RSS growth MiB', size.rssGrowthMiB, '< 64', (v) => v < 64));
    // 16 MiB copies take a few ms: shown in the table, but too close to the fs clock and spawn cost to judge.
    if (size.sizeMiB >= 256) {
      const note = size.clockLimited ? 'copy under 40 ms: rough' : undefined;
      targets.push(check(`input ${size.sizeMiB} MiB staging / cp`, size.ratioToCp, '>= 0.80', (v) => v >= 0.8, note));
    }
  }
  if (!s.inputSize) targets.push(check('input size', undefined, '-', () => false));
  const f = s.forget;
  targets.push(check('forget: executions SUCCEEDED', f?.succeeded, `== ${f?.scheduled ?? 200}`, (v) => v === f?.scheduled));
  targets.push(check('forget: containers left after cleanup', f?.containersLeft, '== 0', (v) => v === 0));
  const m = s.map;
  const ahead = m ? Math.max(m.small.maxPulledAhead, m.large.maxPulledAhead) : undefined;
  const okCount = m && m.large.succeeded === m.large.items && m.large.finishedEvents === m.large.items ? 1 : m ? 0 : undefined;
  targets.push(check('map 10k items: peak RSS growth MiB', m?.large.rssGrowthMiB, '< 96', (v) => v < 96, `1k items: ${m?.small.rssGrowthMiB ?? 'n/a'} MiB`));
  targets.push(check('map 10k items: heap kept after GC MiB', m?.large.heapRetainedMiB, '< 8', (v) => v < 8));
  targets.push(check('map: items pulled ahead of the consumer', ahead, `<= ${2 * (m?.concurrency ?? 16)}`, (v) => v <= 2 * (m?.concurrency ?? 16), 'concurrency 16'));
  targets.push(check('map 10k: every outcome SUCCEEDED and one finished event each', okCount, '== 1', (v) => v === 1));
  const st = s.startup;
  const hits = st?.runs.reduce((n, r) => n + r.esmGoogleHits + r.cjsGoogleHits, 0);
  targets.push(check('startup: @google-cloud modules loaded', hits, '== 0', (v) => v === 0, 'import + one Docker job'));
  const seen = st ? Math.min(st.control.esmGoogleHits, st.control.cjsGoogleHits) : undefined;
  targets.push(check('startup: control sees them (min of ESM, CJS)', seen, '> 0', (v) => v > 0, 'negative control proves the detector'));
  return targets;
}
