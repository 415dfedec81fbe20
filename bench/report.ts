import type { Sections, Target } from './targets.js';
import { table } from './lib/table.js';
import { VARIANTS, type VariantKey } from './overhead.js';

const LABELS: Record<VariantKey, string> = {
  a: 'a  raw dockerode, true',
  "a'": "a' raw dockerode, sh cp json + file I/O",
  b: 'b  service.run(), true',
  c: 'c  service.run(), JsonInput + sh cp',
};

/** The few numbers worth comparing run to run; stored flat so an older latest.json still compares. */
export function headline(s: Sections): Record<string, number> {
  const h: Record<string, number> = {};
  for (const mode of ['sequential', 'concurrent4'] as const) {
    const m = s.overhead?.[mode];
    if (!m) continue;
    for (const v of VARIANTS) {
      h[`overhead.${mode}.${v}.jobsPerSec`] = m.variants[v].jobsPerSec;
      h[`overhead.${mode}.${v}.medianMs`] = m.variants[v].medianMs;
    }
    for (const [k, r] of Object.entries(m.ratios)) h[`overhead.${mode}.${k}`] = r;
  }
  for (const size of s.inputSize ?? []) {
    if (size.skipped) continue;
    h[`input.${size.sizeMiB}MiB.rssGrowthMiB`] = size.rssGrowthMiB!;
    h[`input.${size.sizeMiB}MiB.sdkStagingMiBps`] = size.sdkStagingMiBps!;
    h[`input.${size.sizeMiB}MiB.ratioToCp`] = size.ratioToCp!;
  }
  if (s.forget) {
    h['forget.allDetailsMs'] = s.forget.allDetailsMs;
    h['forget.rssGrowthMiB'] = s.forget.rssGrowthMiB;
    h['forget.cleanupMs'] = s.forget.cleanupMs;
  }
  if (s.map) {
    h['map.10k.rssGrowthMiB'] = s.map.large.rssGrowthMiB;
    h['map.10k.itemsPerSec'] = s.map.large.itemsPerSec;
  }
  const warm = s.startup?.runs.at(-1);
  if (warm) {
    h['startup.importMs'] = warm.importMs;
    h['startup.firstJobMs'] = warm.firstJobMs;
  }
  return h;
}

export function formatReport(s: Sections, targets: readonly Target[], errors: Record<string, string>): string {
  const out: string[] = [];
  if (s.overhead) {
    const o = s.overhead;
    const n = o.jobsPerVariant;
    out.push(`## 1. Per-job overhead (${n.sequential} jobs per variant sequential, ${n.concurrent4} at concurrency 4; busybox, network none, bind staging)`);
    const rows = (['sequential', 'concurrent4'] as const).flatMap((mode) =>
      VARIANTS.map((v) => {
        const r = o[mode].variants[v];
        return [mode, LABELS[v], r.jobsPerSec, r.medianMs, r.p95Ms, r.meanMs];
      }),
    );
    out.push(table(['mode', 'variant', 'jobs/s', 'median ms', 'p95 ms', 'mean ms'], rows));
    out.push('', table(['ratio (time per job, variant / raw)', 'b/a', 'c/a', "c/a'"], (['sequential', 'concurrent4'] as const).flatMap((mode) => {
      const { ratios: r, ratiosCI95: ci, totalRatios: t } = o[mode];
      const what = mode === 'sequential' ? 'job latency' : 'batch wall time';
      const range = (k: keyof typeof ci) => `${ci[k][0]}-${ci[k][1]}`;
      return [
        [`${mode}: median of per-round ${what} ratios`, r['b/a'], r['c/a'], r["c/a'"]],
        [`${mode}:   95% bootstrap interval`, range('b/a'), range('c/a'), range("c/a'")],
        [`${mode}: ratio of totals (drift-sensitive)`, t['b/a'], t['c/a'], t["c/a'"]],
      ];
    })));
    for (const [label, calls] of [['sequential', o.apiCallsPerJob], ['concurrent4', o.apiCallsPerJobConcurrent4]] as const) {
      out.push('', `Docker API calls per job, ${label} (count × mean ms):`);
      for (const v of VARIANTS) {
        const list = Object.entries(calls[v]).map(([k, c]) => `${k} ${c.count}×${c.count ? Math.round(c.totalMs / c.count) : 0}`);
        out.push(`  ${v.padEnd(2)} ${list.join(', ')}`);
      }
    }
  }
  if (s.inputSize) {
    out.push('', '## 2. Input size (LocalPathInput, job md5sums it; best of reps; staging = staged file birth→mtime)');
    out.push(table(
      ['size MiB', 'RSS growth MiB', 'SDK staging MiB/s', 'cp MiB/s', 'SDK/cp', 'copyFile EXCL MiB/s', 'run ms', 'note'],
      s.inputSize.map((r) => r.skipped
        ? [r.sizeMiB, undefined, undefined, undefined, undefined, undefined, undefined, `skipped: ${r.skipped}`]
        : [r.sizeMiB, r.rssGrowthMiB, r.sdkStagingMiBps, r.cpMiBps, r.ratioToCp, r.alternatives?.nodeCopyFileExclMiBps, r.sdkRunMs, r.sizeMiB < 256 ? 'info only: copy takes ms' : r.clockLimited ? 'copy under 40 ms: rough' : '']),
    ));
  }
  if (s.forget) {
    const f = s.forget;
    out.push('', `## 3. Fire-and-forget: ${f.scheduled} × schedule({ forget: true }), maxWorkers ${f.maxWorkers}`);
    out.push(table(['metric', 'value'], [
      ['all details returned after ms', f.allDetailsMs],
      ['first / median details ms', `${f.firstDetailsMs} / ${f.medianDetailsMs}`],
      ['jobs/s', f.jobsPerSec],
      ['RSS growth MiB', f.rssGrowthMiB],
      ['getStatus SUCCEEDED', `${f.succeeded} / ${f.scheduled}`],
      ['cleanup ms (removed)', `${f.cleanupMs} (${f.cleanupRemoved})`],
      ['containers left', f.containersLeft],
    ]));
    out.push(`API calls per job: ${Object.entries(f.apiCallsPerJob).map(([k, c]) => `${k} ${c.count}`).join(', ')}`);
  }
  if (s.startup) {
    out.push('', '## 4. Start-up (fresh `node --import tsx` child: import src/index.ts, then one busybox job)');
    const row = (label: string, r: (typeof s.startup.runs)[number]) =>
      [label, r.mainStartedMs, r.importMs, r.firstJobMs, r.processWallMs, `${r.esmResolved}/${r.cjsLoaded}`, `${r.esmGoogleHits}/${r.cjsGoogleHits}`];
    out.push(table(
      ['child', 'boot ms', 'import ms', 'first job ms', 'process ms', 'modules ESM/CJS', '@google-cloud ESM/CJS'],
      [...s.startup.runs.map((r, i) => row(`run ${i + 1}`, r)), row('control (+storage, +run)', s.startup.control)],
    ));
  }
  if (s.map) {
    out.push('', `## 5. map over an async source (in-memory executor, concurrency ${s.map.concurrency}, a 'finished' listener)`);
    out.push(table(['items', 'seconds', 'items/s', 'peak RSS growth MiB', 'heap kept after GC MiB', 'max pulled ahead'],
      [s.map.small, s.map.large].map((r) => [r.items, r.seconds, r.itemsPerSec, r.rssGrowthMiB, r.heapRetainedMiB, r.maxPulledAhead])));
  }
  for (const [section, message] of Object.entries(errors)) out.push('', `!! ${section} failed: ${message}`);
  out.push('', '## Targets');
  out.push(table(['target', 'value', 'rule', 'status', 'note'], targets.map((t) => [t.name, t.value, t.rule, t.status, t.note ?? ''])));
  return out.join('\n');
}

export function formatDeltas(latest: Record<string, number>, previous: Record<string, number> | undefined, when: string): string {
  if (!previous) return '## Against previous run: none (first run, or previous.json has no headline)';
  const rows = Object.entries(latest)
    .filter(([k]) => typeof previous[k] === 'number')
    .map(([k, v]) => {
      const p = previous[k]!;
      const pct = p === 0 ? '' : `${v >= p ? '+' : ''}${(((v - p) / Math.abs(p)) * 100).toFixed(1)}%`;
      return [k, p, v, pct];
    });
  return `## Against previous run (${when})\n${table(['metric', 'previous', 'latest', 'delta'], rows)}`;
}
