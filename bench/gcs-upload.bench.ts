/**
 * Uploads a 256 MiB local file through GcsStorageAdapter to the GCS fake (in a child process, so only this
 * process's memory is measured) and prints { sizeMiB, seconds, mibPerSecond, peakRssGrowthMiB }.
 * Target: peak RSS growth < 64 MiB (the file is streamed, one chunk at a time).
 * Run: npx tsx bench/gcs-upload.bench.ts [sizeMiB]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { GcsStorageAdapter } from '../src/infra/gcp/gcs/gcs-storage.adapter.js';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 256);
const fakeMain = fileURLToPath(new URL('../test/fakes/gcs/gcs-fake-main.ts', import.meta.url));

const tmp = await mkdtemp(join(tmpdir(), 'gcs-bench-'));
const fake = spawn(process.execPath, ['--import', 'tsx', fakeMain, 'bench'], { stdio: ['pipe', 'pipe', 'inherit'] });
try {
  const { endpoint, root } = await firstLine(fake.stdout);
  const local = join(tmp, 'upload.bin');
  await writeLocalFile(local, sizeMiB);

  const storage = new GcsStorageAdapter({ stagingBucket: 'gs://bench/runs', apiEndpoint: endpoint, projectId: 'bench' });
  await storage.writeBytes('warm-up.txt', new TextEncoder().encode('loads the client first')); // module loading is not upload memory

  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const started = performance.now();
  await storage.writeFile('upload.bin', local);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);

  const stored = await stat(join(root, 'bench', 'runs', 'upload.bin'));
  if (stored.size !== sizeMiB * MIB) throw new Error(`the fake stored ${stored.size} bytes, expected ${sizeMiB * MIB}`);
  const round = (n: number) => Math.round(n * 10) / 10;
  console.log(JSON.stringify({ sizeMiB, seconds: round(seconds), mibPerSecond: round(sizeMiB / seconds), peakRssGrowthMiB: round((peak - baseline) / MIB) }));
} finally {
  fake.kill('SIGTERM');
  await rm(tmp, { recursive: true, force: true });
}

/** Random content, 1 MiB at a time: never the whole file in memory. */
async function writeLocalFile(path: string, mib: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < mib; i++) {
    if (!out.write(randomBytes(MIB))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<{ endpoint: string; root: string }> {
  for await (const line of createInterface({ input: stream })) return JSON.parse(line) as { endpoint: string; root: string };
  throw new Error('the GCS fake exited before it listened');
}
