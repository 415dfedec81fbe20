import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { ExecutionStatus } from '../../../src/domain/result.js';
import { DeadlineWatch } from '../../../src/infra/docker/deadline-watch.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const status = (state: ExecutionStatus['state'], deadline: number) => ({ executionId: 'e1', state, deadline }) as unknown as ExecutionStatus & { deadline: number };

describe('DeadlineWatch (Docker: a forgotten execution stopped at its deadline while the process lives)', () => {
  it('checks at the deadline, looks again at a later one, and stops once the execution is final', async () => {
    const checks: number[] = [];
    const answers = [status('RUNNING', Date.now() + 30), status('TIMED_OUT', 0)];
    const watch = new DeadlineWatch(async () => { checks.push(Date.now()); return answers.shift(); }, (s) => (s as ReturnType<typeof status>).deadline, undefined);
    watch.arm('e1', Date.now() + 20);
    await sleep(400);
    assert.equal(checks.length, 2, 'once at the deadline, once at the later deadline it then had, then no more');
  });

  it('does not fire at once for a deadline beyond what setTimeout can hold (weeks away)', async () => {
    let checked = 0;
    const watch = new DeadlineWatch(async () => { checked += 1; return status('RUNNING', Date.now() + 40 * 86_400_000); }, (s) => (s as ReturnType<typeof status>).deadline, undefined);
    watch.arm('e1', Date.now() + 40 * 86_400_000);
    await sleep(100);
    watch.disarm('e1');
    assert.equal(checked, 0);
  });

  it('logs a failed check as a warning, and disarm cancels', async () => {
    const logger = new RecordingLogger();
    let checked = 0;
    const watch = new DeadlineWatch(async () => { checked += 1; throw new Error('daemon gone'); }, () => 0, logger);
    watch.arm('e1', Date.now());
    watch.arm('e2', Date.now() + 50);
    watch.disarm('e2');
    await sleep(300);
    assert.equal(checked, 1);
    assert.ok(logger.lines.some((l) => /could not stop execution e1 at its deadline.*daemon gone/.test(l)), logger.lines.join('\n'));
  });
});
