// `npx tsx examples/fan-out.ts` (after `npm run setup`): maps one job over 20 inputs, 4 at a time, on local
// Docker, with a progress line driven by the service's events.
import { getExecutorService, JsonInput, type MapItem, type SmartJob } from '../src/index.js';

// Built locally by scripts/setup-docker.sh (no registry needed); any image with `sh` works.
const image = process.env.SMARTJOB_EXAMPLE_IMAGE ?? 'smartjob-test/busybox:local';

const job: SmartJob = {
  name: 'fan-out',
  namespace: process.env.SMARTJOB_EXAMPLE_NAMESPACE ?? 'default',
  dockerImage: image,
  overriddenArgs: [
    'sh',
    '-c',
    // Each execution squares the number in its own input file and returns it as smartjob.json.
    'n=$(cat "$INPUT_PATH/n.json"); sleep "0.$((n % 5))"; echo "{\\"n\\": $n, \\"square\\": $((n * n))}" > "$OUTPUT_PATH/smartjob.json"',
  ],
};

const service = getExecutorService('docker', { maxWorkers: 4, docker: { networkMode: 'none' } });

// Progress from the events: one counter per state, redrawn in place on a terminal.
const total = 20;
const counts = { scheduled: 0, running: 0, done: 0, failed: 0 };
const draw = () => {
  const line = `${counts.done + counts.failed}/${total} finished (${counts.failed} failed), ${counts.running} running, ${counts.scheduled} scheduled`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(`${line}\n`);
};
service.on('scheduled', () => { counts.scheduled += 1; draw(); });
service.on('started', () => { counts.scheduled -= 1; counts.running += 1; draw(); });
service.on('finished', (e) => {
  if (e.started) counts.running -= 1;
  else counts.scheduled -= 1;
  counts[e.state === 'SUCCEEDED' ? 'done' : 'failed'] += 1;
  draw();
});

// Items may be any (async) iterable; they are pulled only as slots free up.
function* items(): Generator<MapItem> {
  for (let n = 1; n <= total; n++) yield { inputs: [new JsonInput('n.json', n)], executionConfig: { timeout: { timeoutSeconds: 60 } } };
}

const squares: number[] = [];
let failures = 0;
for await (const outcome of service.map(job, items(), { concurrency: 4 })) {
  if (outcome.result?.success) squares[outcome.index] = (outcome.result.jsonOutput as { square: number }).square;
  else {
    failures += 1;
    console.error(`\nitem ${outcome.index} failed: ${outcome.error ? String(outcome.error) : `${outcome.result?.state} ${outcome.result?.message ?? ''}`}`);
  }
}
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(JSON.stringify({ squares, failures }));
process.exitCode = failures === 0 ? 0 : 1;
