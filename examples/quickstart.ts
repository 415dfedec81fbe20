// `npm run example`: runs one real job on the local Docker daemon and prints its result.
import { getExecutorService, JsonInput, type SmartJob } from '../src/index.js';

// Built locally by scripts/setup-docker.sh (no registry needed); any image with `sh` works.
const image = process.env.SMARTJOB_EXAMPLE_IMAGE ?? 'smartjob-test/busybox:local';

const job: SmartJob = {
  name: 'quickstart',
  dockerImage: image,
  overriddenArgs: [
    'sh',
    '-c',
    // Reads its input, then writes smartjob.json: the SDK returns it parsed as `jsonOutput`.
    'words=$(wc -w < "$INPUT_PATH/words.json"); printf \'{"words": %s, "execution": "%s"}\' "$words" "$EXECUTION_ID" > "$OUTPUT_PATH/smartjob.json"',
  ],
};

const service = getExecutorService('docker', { docker: { networkMode: 'none' } });
const result = await service.run(job, {
  inputs: [new JsonInput('words.json', 'hello from the smartjob quickstart')],
  executionConfig: { timeout: { timeoutSeconds: 60 } },
});

console.log(JSON.stringify(result, null, 2));
process.exitCode = result.success ? 0 : 1;
