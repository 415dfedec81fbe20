import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionStatus } from '../../../src/domain/result.js';
import { RunningHooks } from '../../../src/infra/gcp/cloudbatch/running-hooks.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const status = { executionId: 'e1', state: 'RUNNING' } as ExecutionStatus;

describe('Cloud Batch onRunning hooks', () => {
  it('calls each pending wait\'s hook once, builds the status only when one waits, and drops hooks when the wait settles', async () => {
    const hooks = new RunningHooks(new RecordingLogger());
    let built = 0;
    const build = () => (built++, status);
    hooks.running('e1', build);
    assert.equal(built, 0, 'no hook: no status built');
    const seen: string[] = [];
    let settle!: () => void;
    const waited = hooks.around('e1', (s) => seen.push(`a:${s.state}`), () => new Promise<void>((resolve) => (settle = resolve)));
    const other = hooks.around('e1', (s) => seen.push(`b:${s.state}`), () => Promise.resolve());
    await other; // settled before the execution ran: its hook is dropped
    hooks.running('e1', build);
    hooks.running('e1', build);
    assert.deepEqual(seen, ['a:RUNNING'], 'once, and only for the wait still pending');
    settle();
    await waited;
    hooks.running('e1', build);
    assert.equal(built, 1);
  });

  it('a hook that throws is logged, never fails the poll', async () => {
    const logger = new RecordingLogger();
    const hooks = new RunningHooks(logger);
    let settle!: () => void;
    const waited = hooks.around('e1', () => { throw new Error('listener bug'); }, () => new Promise<void>((resolve) => (settle = resolve)));
    assert.doesNotThrow(() => hooks.running('e1', () => status));
    assert.match(logger.warnings[0] ?? '', /onRunning callback of e1 threw: Error: listener bug/);
    settle();
    await waited;
  });
});
