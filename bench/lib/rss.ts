import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `tsx bench/run.ts` gives no way to pass --expose-gc: switch it on at run time so baselines start after a GC.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage twice (weak refs and finalizers need a second pass) so an RSS baseline is not inflated. */
export function collectGarbage(): void {
  gc();
  gc();
}

export interface RssPeak {
  /** RSS when sampling began, after a GC. */
  readonly baselineBytes: number;
  readonly peakBytes: number;
  readonly growthBytes: number;
  readonly samples: number;
}

/** Samples `process.memoryUsage.rss()` every `intervalMs` while `work` runs; returns the peak growth. */
export async function withRssSampling<T>(work: () => Promise<T>, intervalMs = 10): Promise<{ value: T; rss: RssPeak }> {
  collectGarbage();
  const baselineBytes = process.memoryUsage.rss();
  let peakBytes = baselineBytes;
  let samples = 0;
  const sample = () => {
    samples += 1;
    peakBytes = Math.max(peakBytes, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, intervalMs);
  try {
    const value = await work();
    sample();
    return { value, rss: { baselineBytes, peakBytes, growthBytes: peakBytes - baselineBytes, samples } };
  } finally {
    clearInterval(timer);
  }
}
