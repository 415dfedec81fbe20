import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import type { LogLine } from '../../../src/domain/ports/executor.port.js';
import { maskableValues } from '../../../src/domain/secret-mask.js';
import { maskedLines, secretNamesLabel, secretValuesOf, SECRET_NAMES_LABEL } from '../../../src/infra/docker/docker-secrets.js';

async function* linesOf(...lines: LogLine[]): AsyncIterable<LogLine> {
  yield* lines;
}

async function collect(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const all: LogLine[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe('Docker secret masking (no daemon)', () => {
  it('records the names of the secret variables only, and nothing when there are none', () => {
    assert.deepEqual(secretNamesLabel({ secretEnvs: { TOKEN: 'hush-hush', KEY: 'k3y-value' } }), { [SECRET_NAMES_LABEL]: 'TOKEN,KEY' });
    assert.deepEqual(secretNamesLabel({ secretEnvs: {} }), {});
  });

  it("reads the values to mask from the container's environment, for the names the label gives", () => {
    const info = { Config: { Labels: { [SECRET_NAMES_LABEL]: 'TOKEN,SHORT' }, Env: ['PLAIN=visible-value', 'TOKEN=a=b-secret', 'SHORT=ab'] } } as unknown as Docker.ContainerInspectInfo;
    assert.deepEqual(secretValuesOf(info), ['a=b-secret'], 'the plain variable is not a secret; a value under 4 characters is not masked');
    assert.deepEqual(secretValuesOf({ Config: { Labels: {}, Env: ['TOKEN=x-secret'] } } as unknown as Docker.ContainerInspectInfo), []);
  });

  it('masks every occurrence in every line, the longest value first, each line of a multi-line value', async () => {
    const maskable = maskableValues(['hush', 'hush-hush', 'line-one\nline-two']);
    const masked = await collect(maskedLines(linesOf({ stream: 'stdout', line: 'a hush-hush b hush' }, { stream: 'stderr', line: 'line-two!' }), maskable));
    assert.deepEqual(masked, [{ stream: 'stdout', line: 'a *** b ***' }, { stream: 'stderr', line: '***!' }]);
  });
});
