import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { ExecutionConfig } from '../../src/domain/execution-config.js';
import type { SmartJob } from '../../src/domain/job.js';
import type { ExecutionStatus } from '../../src/domain/result.js';
import type { LaunchSpec } from '../../src/domain/ports/executor.port.js';
import { shellJob } from './shell-job.js';

interface AdapterHarness {
  plan(job: Partial<SmartJob> & { readonly name: string }, executionConfig?: ExecutionConfig): Promise<LaunchSpec>;
  readonly adapter: { launch(spec: LaunchSpec): Promise<unknown>; wait(executionId: string): Promise<ExecutionStatus> };
}

/**
 * The `maxAttemptsExecute > 1` row of the fault table: a job that always times out, timeout 6 s over 3 attempts,
 * ends TIMED_OUT within the timeout plus the containers' starts, far from 3 × 6 s.
 */
export async function assertAttemptsStayWithinTimeout(h: AdapterHarness, t: TestContext): Promise<LaunchSpec> {
  const spec = await h.plan(shellJob('always-too-long', 'sleep 30'), { timeout: { timeoutSeconds: 6 }, retry: { maxAttemptsExecute: 3 } });
  const started = Date.now();
  await h.adapter.launch(spec);
  const status = await h.adapter.wait(spec.executionId);
  const elapsedMs = Date.now() - started;
  t.diagnostic(`3 attempts of a 6 s timeout took ${elapsedMs} ms`);
  assert.equal(status.state, 'TIMED_OUT');
  assert.match(status.message ?? '', /timeout of 6s reached/);
  assert.ok(elapsedMs >= 5_500, 'three attempts of 2 s');
  assert.ok(elapsedMs < 14_000, `within the timeout plus container starts, far from 3 × 6 s (${elapsedMs} ms)`);
  return spec;
}
