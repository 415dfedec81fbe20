import { ExecutorService, JsonInput, type LoggerPort, type MapItem } from '../src/index.js';
import type { StoragePort } from '../src/domain/ports/storage.port.js';
import { NodeLocalFilesAdapter } from '../src/infra/local/node-local-files.adapter.js';
import { InMemoryExecutor } from '../test/fakes/in-memory-executor.js';
import { collectGarbage, withRssSampling } from './lib/rss.js';
import { MiB, round } from './lib/stats.js';

export interface MapMemoryRun {
  readonly items: number;
  readonly outcomes: number;
  readonly succeeded: number;
  readonly finishedEvents: number;
  readonly seconds: number;
  readonly itemsPerSec: number;
  /** Peak RSS growth while mapping, from a post-GC baseline. */
  readonly rssGrowthMiB: number;
  /** heapUsed after a GC at the end against before: what the map kept. */
  readonly heapRetainedMiB: number;
  /** Most items pulled from the source and not yet consumed as outcomes (the map holds them). */
  readonly maxPulledAhead: number;
}

export interface MapMemoryResult {
  readonly concurrency: number;
  /** The figure under test: 10,000 items. */
  readonly large: MapMemoryRun;
  /**
   * 1,000 items, the same way, for comparison. Peak RSS growth is mostly V8 sizing its heap to the garbage rate,
   * so the large run grows more (tens of MiB either way); bounded memory is judged by what is kept after a GC and
   * by the items pulled ahead of the consumer (targets.ts), which do not grow with the number of items.
   */
  readonly small: MapMemoryRun;
}

/** Counts what is written and keeps nothing, so the run measures the service and the map, not a store. */
class DiscardingStorage implements StoragePort {
  bytesWritten = 0;
  location(path: string): string {
    return `mem://${path}`;
  }
  async createDirectory(): Promise<void> {}
  async writeBytes(_path: string, data: Uint8Array): Promise<void> {
    this.bytesWritten += data.byteLength;
  }
  async writeFile(): Promise<void> {}
  async writeStream(_path: string, data: AsyncIterable<Uint8Array>): Promise<void> {
    for await (const chunk of data) this.bytesWritten += chunk.byteLength;
  }
  async copyFromGcs(): Promise<void> {}
  async read(): Promise<Uint8Array | undefined> {
    return undefined;
  }
  async readStream(): Promise<AsyncIterable<Uint8Array> | undefined> {
    return undefined;
  }
  async listExecutionDirectories(): Promise<readonly string[]> {
    return [];
  }
  async remove(): Promise<void> {}
}

/** An async source of `count` items built one at a time, each with its own env and a small JSON input. */
async function* itemSource(count: number, pulled: { n: number }): AsyncGenerator<MapItem> {
  for (let i = 0; i < count; i++) {
    pulled.n += 1;
    yield { addEnvs: { ITEM: String(i) }, args: [`--shard=${i}`], inputs: [new JsonInput('item.json', { i, pad: 'x'.repeat(512) })] };
  }
}

async function mapOnce(count: number, concurrency: number, signal: AbortSignal): Promise<MapMemoryRun> {
  const executor = new InMemoryExecutor();
  executor.forgetReleased = true;
  executor.autoFinish = () => ({ exitCode: 0 });
  const logger: LoggerPort = { debug: () => undefined, info: () => undefined, warn: () => undefined };
  const service = new ExecutorService({ executor, storage: new DiscardingStorage(), localFiles: new NodeLocalFilesAdapter(), logger, maxWorkers: concurrency });
  let finishedEvents = 0;
  service.on('finished', () => void (finishedEvents += 1)); // a progress counter, as a CLI would keep
  const pulled = { n: 0 };
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const { value, rss } = await withRssSampling(async () => {
    let outcomes = 0;
    let succeeded = 0;
    let maxPulledAhead = 0;
    for await (const outcome of service.map({ name: 'bench-map', dockerImage: 'example/image:1' }, itemSource(count, pulled), { concurrency, signal })) {
      outcomes += 1;
      if (outcome.result?.success) succeeded += 1;
      maxPulledAhead = Math.max(maxPulledAhead, pulled.n - outcomes);
    }
    return { outcomes, succeeded, maxPulledAhead };
  });
  const seconds = (performance.now() - t0) / 1000;
  collectGarbage();
  const heapRetainedMiB = round((process.memoryUsage().heapUsed - heapBefore) / MiB, 2);
  return {
    items: count, ...value, finishedEvents, seconds: round(seconds, 2), itemsPerSec: round(count / seconds, 0),
    rssGrowthMiB: round(rss.growthBytes / MiB, 1), heapRetainedMiB,
  };
}

/** 10,000 items from an async source through `map` on the in-memory executor; 1,000 first, for comparison. */
export async function benchMapMemory(signal: AbortSignal, concurrency = 16): Promise<MapMemoryResult> {
  const small = await mapOnce(1_000, concurrency, signal);
  const large = await mapOnce(10_000, concurrency, signal);
  return { concurrency, small, large };
}
