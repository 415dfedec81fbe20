import { execFile } from 'node:child_process';
import { constants, copyFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LocalPathInput, type ExecutorService } from '../src/index.js';
import { freeBytes, writeBigFile, writeSpanMs } from './lib/big-file.js';
import { BUSYBOX, type BenchContext } from './lib/context.js';
import { withRssSampling } from './lib/rss.js';
import { MiB, round } from './lib/stats.js';

const run = promisify(execFile);

export interface SizeResult {
  readonly sizeMiB: number;
  readonly skipped?: string;
  readonly reps?: number;
  /** Peak RSS growth of this process during service.run() (worst rep). */
  readonly rssGrowthMiB?: number;
  /** Best of the reps, MiB/s, from the staged file's own birth→mtime span: the staging copy alone. */
  readonly sdkStagingMiBps?: number;
  /** Best of the reps, MiB/s, wall time of the `cp` process (spawn included: conservative for cp). */
  readonly cpMiBps?: number;
  readonly ratioToCp?: number;
  /** Whole service.run() wall time (staging + container + md5sum + result), best rep. */
  readonly sdkRunMs?: number;
  /** True when the best staging copy took under 40 ms: the filesystem clock (~4 ms ticks) makes its MiB/s rough. */
  readonly clockLimited?: boolean;
  /** The recommended fix timed on the same file (MiB/s wall, best rep): fs.copyFile with COPYFILE_EXCL. */
  readonly alternatives?: { readonly nodeCopyFileExclMiBps: number };
}

const SIZES_MiB = [16, 256, 1024];
const MIN_FREE_FOR_1GIB = 4 * 1024 * MiB;

export async function benchInputSize(ctx: BenchContext): Promise<SizeResult[]> {
  const service = ctx.service(4);
  const results: SizeResult[] = [];
  for (const sizeMiB of SIZES_MiB) {
    const free = await freeBytes(ctx.scratchDir);
    if (sizeMiB === 1024 && free < MIN_FREE_FOR_1GIB) {
      results.push({ sizeMiB, skipped: `only ${round(free / 1024 / MiB, 2)} GiB free in ${ctx.scratchDir}, 4 GiB needed` });
      continue;
    }
    results.push(await benchOneSize(ctx, service, sizeMiB));
  }
  return results;
}

async function benchOneSize(ctx: BenchContext, service: ExecutorService, sizeMiB: number): Promise<SizeResult> {
  const bytes = sizeMiB * MiB;
  const source = join(ctx.scratchDir, `big-${sizeMiB}.bin`);
  const md5 = await writeBigFile(source, bytes, ctx.signal);
  const reps = sizeMiB >= 1024 ? 2 : 3;
  const sdk: number[] = [], cp: number[] = [], runMs: number[] = [], rss: number[] = [], nodeCopy: number[] = [];
  try {
    for (let r = 0; r < reps; r += 1) {
      ctx.signal.throwIfAborted();
      // Alternate which copy goes first: the one after another pays for the other's writeback.
      const sdkStep = async () => {
        const out = await sdkRep(service, ctx, source, md5);
        sdk.push(out.spanMs); runMs.push(out.runMs); rss.push(out.rssBytes);
      };
      const cpStep = async () => void cp.push(await cpRep(source, ctx.scratchDir));
      for (const step of r % 2 ? [cpStep, sdkStep] : [sdkStep, cpStep]) await step();
      nodeCopy.push(await nodeCopyFileRep(source, ctx.scratchDir));
    }
  } finally {
    await rm(source, { force: true });
  }
  const best = (spans: number[]) => round(sizeMiB / (Math.max(Math.min(...spans), 4) / 1000), 0);
  return {
    sizeMiB,
    reps,
    rssGrowthMiB: round(Math.max(...rss) / MiB, 1),
    sdkStagingMiBps: best(sdk),
    cpMiBps: best(cp),
    ratioToCp: round(best(sdk) / best(cp), 2),
    clockLimited: Math.min(...sdk) < 40,
    sdkRunMs: round(Math.min(...runMs), 0),
    alternatives: { nodeCopyFileExclMiBps: best(nodeCopy) },
  };
}

const md5Job = (namespace: string) => ({
  name: 'md5',
  namespace,
  dockerImage: BUSYBOX,
  overriddenArgs: ['sh', '-c', 'echo "{\\"md5\\":\\"$(md5sum $INPUT_PATH/big.bin | cut -d" " -f1)\\"}" > $OUTPUT_PATH/smartjob.json'],
});

async function sdkRep(service: ExecutorService, ctx: BenchContext, source: string, md5: string) {
  const t0 = performance.now();
  const options = { inputs: [new LocalPathInput('big.bin', source)], signal: ctx.signal };
  const { value: result, rss } = await withRssSampling(() => service.run(md5Job(ctx.namespace), options));
  const runMs = performance.now() - t0;
  if (!result.success || (result.jsonOutput as { md5?: string } | undefined)?.md5 !== md5) {
    throw new Error(`md5 job: ${result.state} ${result.message ?? ''}, output ${JSON.stringify(result.jsonOutput)}, expected ${md5}`);
  }
  const baseDir = dirname(fileURLToPath(result.outputPath));
  const spanMs = await writeSpanMs(join(baseDir, 'input', 'big.bin'));
  await rm(baseDir, { recursive: true, force: true }); // run() leaves staging in place; free the disk now
  return { spanMs, runMs, rssBytes: rss.growthBytes };
}

async function cpRep(source: string, dir: string): Promise<number> {
  const target = join(dir, 'cp-copy.bin');
  const t0 = performance.now();
  await run('cp', [source, target]);
  const ms = performance.now() - t0;
  await rm(target);
  return ms;
}

/**
 * fs.copyFile uses copy_file_range like cp. EXCL matters on ext4: without it libuv ftruncate(0)s the new file,
 * which arms ext4's auto_da_alloc flush, and close() then waits for writeback (measured: +0.4 s per GiB).
 */
async function nodeCopyFileRep(source: string, dir: string): Promise<number> {
  const target = join(dir, 'node-copy.bin');
  const t0 = performance.now();
  await copyFile(source, target, constants.COPYFILE_EXCL);
  const ms = performance.now() - t0;
  await rm(target);
  return ms;
}
