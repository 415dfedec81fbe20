/** Runs `work` while sampling this process's RSS every 20 ms; returns its value and the peak growth in MiB. */
export async function peakRssGrowthDuring<T>(work: () => Promise<T>): Promise<{ readonly value: T; readonly growthMiB: number }> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, growthMiB: Math.round((peak - baseline) / 1024 / 1024) };
  } finally {
    clearInterval(sampler);
  }
}
