import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { CommandContext } from '../../src/app/cli/context.js';
import { waitWithStatus } from '../../src/app/cli/commands/waiting.js';
import { Output } from '../../src/app/cli/output.js';
import type { ExecutionResult } from '../../src/domain/result.js';
import type { ExecutionEvent, ExecutionEventType } from '../../src/domain/services/execution-events.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';

const ID = 'abc123';

/** The parts of the service the status line uses: its events (emitted by the test) and a counted getStatus. */
function stubService() {
  const listeners = new Map<ExecutionEventType, Set<(event: ExecutionEvent) => void>>();
  const stub = {
    backend: 'docker' as const,
    getStatusCalls: 0,
    async getStatus() {
      stub.getStatusCalls += 1;
      return { state: 'PENDING' as const };
    },
    on(type: ExecutionEventType, listener: (event: ExecutionEvent) => void) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set.add(listener));
      return () => void set.delete(listener);
    },
    emit(type: 'started' | 'finished', state: string) {
      for (const listener of listeners.get(type) ?? []) listener({ type, state, executionId: ID } as unknown as ExecutionEvent);
    },
    listening: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  };
  return stub;
}

function context() {
  const written: string[] = [];
  const stream = { write: (text: string) => written.push(text), isTTY: false } as unknown as NodeJS.WriteStream;
  const ctx = { output: new Output(false, stream, stream), quiet: false } as unknown as CommandContext;
  const states = () => written.map((text) => /execution \S+ (\w+) after/.exec(text)?.[1]);
  return { ctx, states };
}

describe('CLI status line of an execution launched here (waitWithStatus)', () => {
  it("is driven by the service's 'started' and 'finished' events: no getStatus polling, listeners removed at the end", async () => {
    const service = stubService();
    const { ctx, states } = context();
    let settle!: (result: ExecutionResult) => void;
    const result = new Promise<ExecutionResult>((resolve) => (settle = resolve));
    const target = { backend: 'docker', executionId: ID, created: new Date(), logUrl: 'url' };
    const waiting = waitWithStatus(ctx, service as unknown as ExecutorService, target, result, { follow: false, launchedHere: true });
    await sleep(10);
    assert.deepEqual(states(), ['PENDING'], 'the state the watch began in, from one getStatus');
    service.emit('started', 'RUNNING');
    assert.deepEqual(states(), ['PENDING', 'RUNNING']);
    await sleep(1200); // the polling source (attach) would ask getStatus every 500 ms on Docker
    assert.equal(service.getStatusCalls, 1, 'getStatus is not polled for an execution launched here');
    service.emit('finished', 'SUCCEEDED');
    assert.deepEqual(states(), ['PENDING', 'RUNNING', 'SUCCEEDED'], 'the final state from the event, before the result settles');
    settle({ state: 'SUCCEEDED' } as ExecutionResult);
    assert.equal((await waiting).state, 'SUCCEEDED');
    assert.deepEqual(states(), ['PENDING', 'RUNNING', 'SUCCEEDED']);
    assert.equal(service.listening(), 0, 'the watch unsubscribed');
  });

  it('an execution launched elsewhere (attach) is polled instead: events are not listened to', async () => {
    const service = stubService();
    const { ctx } = context();
    let settle!: (result: ExecutionResult) => void;
    const result = new Promise<ExecutionResult>((resolve) => (settle = resolve));
    const target = { backend: 'docker', executionId: ID, created: new Date(), logUrl: 'url' };
    const waiting = waitWithStatus(ctx, service as unknown as ExecutorService, target, result, { follow: false, launchedHere: false });
    await sleep(1200);
    assert.equal(service.listening(), 0);
    assert.ok(service.getStatusCalls >= 2, `polled ${service.getStatusCalls} times`);
    settle({ state: 'SUCCEEDED' } as ExecutionResult);
    await waiting;
  });
});
