import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Output } from '../../src/app/cli/output.js';
import { StatusLine } from '../../src/app/cli/status-line.js';

describe('CLI status line (no terminal)', () => {
  it('prints one line per state, only forward: a late RUNNING after the end is ignored', () => {
    const written: string[] = [];
    const stream = { write: (text: string) => written.push(text), isTTY: false } as unknown as NodeJS.WriteStream;
    const line = new StatusLine(new Output(false, stream, stream), { backend: 'docker', executionId: 'abc', created: new Date(), logUrl: 'url' }, false);
    for (const state of ['PENDING', 'PENDING', 'SUCCEEDED', 'RUNNING', 'SUCCEEDED'] as const) line.update({ state });
    line.finish();
    assert.equal(written.length, 2);
    assert.match(written[0]!, /^smartjob: docker execution abc PENDING after [\d.]+s; logs: url\n$/);
    assert.match(written[1]!, /^smartjob: docker execution abc SUCCEEDED after [\d.]+s\n$/);
  });
});
