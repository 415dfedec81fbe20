import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { getExecutorService, type ExecutorService, type LoggerPort } from '../../src/index.js';
import { RECORD_KEYS } from '../../src/infra/shared/execution-record.js';

export const BUSYBOX = 'smartjob-test/busybox:local';
/** Raw-dockerode containers carry this label (value: the run's namespace) so cleanup finds them too. */
export const RAW_LABEL = 'smartjob-bench';

/** What every section shares: one daemon client, one namespace and one bind-mounted staging dir per run. */
export interface BenchContext {
  readonly docker: Docker;
  readonly namespace: string;
  readonly stagingDir: string;
  /** A scratch dir on the same filesystem as stagingDir, for input files and `cp` copies. */
  readonly scratchDir: string;
  service(maxWorkers: number): ExecutorService;
  /** Warnings are counted, not printed: a warning in a benchmark is a finding, reported in the JSON. */
  readonly warnings: string[];
  /** Aborted on SIGINT/SIGTERM: sections stop starting jobs, SDK calls settle (queued ones as CANCELLED). */
  readonly signal: AbortSignal;
}

export async function createContext(signal: AbortSignal = new AbortController().signal): Promise<BenchContext> {
  const docker = new Docker();
  await docker.ping();
  await docker.getImage(BUSYBOX).inspect(); // never pull: no registry is reachable here
  const stagingDir = await mkdtemp(join(tmpdir(), 'smartjob-bench-staging-'));
  const scratchDir = await mkdtemp(join(tmpdir(), 'smartjob-bench-scratch-'));
  const warnings: string[] = [];
  const logger: LoggerPort = { debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m) };
  return {
    docker,
    namespace: `bench${process.pid}`,
    stagingDir,
    scratchDir,
    warnings,
    signal,
    service: (maxWorkers) =>
      getExecutorService('docker', {
        useCache: false,
        maxWorkers,
        logger,
        docker: { docker, networkMode: 'none', staging: { mode: 'bind', hostDir: stagingDir } },
      }),
  };
}

/**
 * Removes every container of this run (SDK or raw) and both temp dirs. Keeps going past a failed removal and
 * sweeps twice: after an interrupt, a create already sent may land on the daemon after the first sweep.
 */
export async function destroyContext(ctx: BenchContext): Promise<{ containersRemoved: number; failures: string[] }> {
  const filters = [{ label: [`${RECORD_KEYS.namespace}=${ctx.namespace}`] }, { label: [`${RAW_LABEL}=${ctx.namespace}`] }];
  let containersRemoved = 0;
  const failures: string[] = [];
  for (const sweep of [0, 1]) {
    if (sweep) await sleep(500);
    for (const f of filters) {
      const found = await ctx.docker.listContainers({ all: true, filters: f });
      const removals = await Promise.allSettled(found.map((c) => ctx.docker.getContainer(c.Id).remove({ force: true })));
      removals.forEach((r, i) => {
        const code = r.status === 'rejected' ? (r.reason as { statusCode?: number }).statusCode : undefined;
        if (r.status === 'fulfilled') containersRemoved += 1;
        else if (code !== 404 && code !== 409) failures.push(`${found[i]!.Id.slice(0, 12)}: ${String(r.reason)}`); // gone / being removed
      });
    }
  }
  // Retries: after an interrupt a settling job may still be writing in there (ENOTEMPTY).
  await rm(ctx.stagingDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  await rm(ctx.scratchDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  return { containersRemoved, failures };
}
