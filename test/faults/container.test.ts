import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_OUTPUT_BYTES } from '../../src/domain/services/collect-result.js';
import { MAX_LOG_LINE_CHARS } from '../../src/infra/docker/docker-logs.js';
import { RECORD_KEYS } from '../../src/infra/shared/execution-record.js';
import { containersOf, NODE_IMAGE } from '../support/docker.js';
import { dockerFixture, job, type DockerFixture } from '../integration/docker/fixture.js';
import { peakRssGrowthDuring } from './rss.js';

const MIB = 1024 * 1024;

// Fault table, rows about the job's container on the real engine: killed from outside, out of memory, floods of
// logs, a huge or odd smartjob.json. Each ends with a result that says what happened, and nothing left behind.
describe('faults: the job container', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('docker kill mid-run: FAILED, exit 137, the message says killed (not OOM), no hang, nothing left', async () => {
    const service = fx.serviceWith({});
    const killed = new Promise<void>((resolve, reject) => {
      service.on('started', (e) => {
        fx.docker.listContainers({ filters: { label: [`${RECORD_KEYS.executionId}=${e.executionId}`] } })
          .then(([c]) => fx.docker.getContainer(c!.Id).kill())
          .then(() => resolve(), reject);
      });
    });
    const result = await service.run(job('killed', 'sleep 60'));
    await killed;
    assert.deepEqual([result.state, result.exitCode], ['FAILED', 137]);
    assert.match(result.message ?? '', /killed by SIGKILL/);
    assert.doesNotMatch(result.message ?? '', /ran out of memory|\(OOM\)/);
    assert.deepEqual(await containersOf(fx.docker), []);
  });

  it('OOM: FAILED, exit 137, the message says out of memory', async () => {
    const result = await fx.service.run(
      { ...job('oom', ''), dockerImage: NODE_IMAGE, overriddenArgs: ['node', '-e', 'const a=[];for(;;)a.push(Buffer.alloc(1e6,1))'] },
      { executionConfig: { memoryGb: 0.0625 } },
    );
    assert.deepEqual([result.state, result.exitCode], ['FAILED', 137]);
    assert.match(result.message ?? '', /out of memory/);
  });

  it('200 MB of logs: the run completes, every line is kept (streamed), memory stays bounded', async (t) => {
    const lines = 200 * 1024; // lines of 1023 characters and a newline: 200 MiB
    const script = `yes "$(head -c 1023 /dev/zero | tr '\\0' x)" | head -n ${lines}; echo '{"done":true}' > "$OUTPUT_PATH/smartjob.json"`;
    const { value: result, growthMiB } = await peakRssGrowthDuring(() => fx.service.run(job('loud', script)));
    assert.equal(result.state, 'SUCCEEDED', result.message);
    assert.deepEqual(result.jsonOutput, { done: true });
    assert.match(result.logUrl, /logs\.jsonl$/);
    let count = 0;
    let chars = 0;
    for await (const { line } of fx.service.logs(result.executionId)) {
      count++;
      chars += line.length;
    }
    assert.deepEqual([count, chars], [lines, lines * 1023]);
    t.diagnostic(`peak RSS growth ${growthMiB} MiB`);
    assert.ok(growthMiB < 150, `RSS grew by ${growthMiB} MiB while 200 MiB of logs were archived`); // a hang guard on memory, not a benchmark
  });

  it('a 20 MB line without a newline comes back in pieces of MAX_LOG_LINE_CHARS, memory bounded', async (t) => {
    const size = 20 * MIB;
    const { value: result, growthMiB } = await peakRssGrowthDuring(() => fx.service.run(job('oneline', `head -c ${size} /dev/zero | tr '\\0' y`)));
    assert.equal(result.state, 'SUCCEEDED', result.message);
    const lengths: number[] = [];
    for await (const { line } of fx.service.logs(result.executionId)) lengths.push(line.length);
    assert.equal(lengths.reduce((a, b) => a + b, 0), size);
    assert.ok(lengths.every((l) => l <= MAX_LOG_LINE_CHARS), 'no piece is longer than the cap');
    t.diagnostic(`peak RSS growth ${growthMiB} MiB`);
    assert.ok(growthMiB < 150, `RSS grew by ${growthMiB} MiB`);
  });

  it('a 50 MB smartjob.json: the run completes, jsonOutputError says it is over the limit, it is never read whole', async (t) => {
    const script = `{ printf '{"pad":"'; head -c ${50 * MIB} /dev/zero | tr '\\0' p; printf '"}'; } > "$OUTPUT_PATH/smartjob.json"`;
    const { value: result, growthMiB } = await peakRssGrowthDuring(() => fx.service.run(job('bigjson', script)));
    assert.equal(result.state, 'SUCCEEDED', result.message);
    assert.equal(result.jsonOutput, undefined);
    assert.match(result.jsonOutputError ?? '', new RegExp(`larger than the ${MAX_JSON_OUTPUT_BYTES}-byte limit \\(${50 * MIB + 10} bytes\\)`));
    t.diagnostic(`peak RSS growth ${growthMiB} MiB`);
    assert.ok(growthMiB < 40, `RSS grew by ${growthMiB} MiB: the file was read`);
  });

  it('a smartjob.json that is not an object comes back as it is; one that is not JSON is reported', async () => {
    const outputs: [string, unknown][] = [['42', 42], ['[1,2]', [1, 2]], ['null', null], ['"text"', 'text'], ['true', true]];
    const results = await Promise.all(outputs.map(([text], i) => fx.service.run(job(`odd${i}`, `printf '%s' '${text}' > "$OUTPUT_PATH/smartjob.json"`))));
    assert.deepEqual(results.map((r) => [r.state, r.jsonOutput, r.jsonOutputError]), outputs.map(([, value]) => ['SUCCEEDED', value, undefined]));
    const [garbage, empty] = await Promise.all([
      fx.service.run(job('garbage', `printf '{"a":' > "$OUTPUT_PATH/smartjob.json"`)),
      fx.service.run(job('empty', `: > "$OUTPUT_PATH/smartjob.json"`)),
    ]);
    for (const r of [garbage, empty]) {
      assert.deepEqual([r.state, r.jsonOutput], ['SUCCEEDED', undefined]);
      assert.match(r.jsonOutputError ?? '', /^smartjob\.json is not valid JSON: /);
    }
    assert.deepEqual(await containersOf(fx.docker), []);
  });
});
