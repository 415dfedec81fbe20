/** Summary of a set of latencies, in milliseconds. */
export interface LatencySummary {
  readonly n: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile: with n=40, p95 is the 38th value (no interpolation between two jobs). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n: sorted.length,
    medianMs: round(median(sorted)),
    p95Ms: round(percentile(sorted, 95)),
    meanMs: round(sum / sorted.length),
    minMs: round(sorted[0] ?? NaN),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const MiB = 1024 * 1024;

/**
 * 95% bootstrap interval of the median (percentile method, fixed seed so a rerun on the same data agrees).
 * Tells a reader whether a MISS by a few percent is a finding or the noise of a shared machine.
 */
export function medianCI95(values: readonly number[], iterations = 2000): [number, number] {
  if (values.length === 0) return [NaN, NaN];
  let seed = 0x2f6b_a3c1;
  const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  const medians = Array.from({ length: iterations }, () => median(values.map(() => values[Math.floor(random() * values.length)]!)));
  medians.sort((a, b) => a - b);
  return [round(percentile(medians, 2.5), 3), round(percentile(medians, 97.5), 3)];
}
