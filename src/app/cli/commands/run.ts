import type { SchedulingDetails } from '../../../domain/result.js';
import type { Command, CommandContext } from '../context.js';
import { exitWhenFlushed } from '../exit.js';
import { EXECUTION_FLAGS, FOLLOW, JOB_FLAGS } from '../flags.js';
import { Interrupts, SIGNAL_EXIT } from '../interrupt.js';
import { prepareJob } from '../job-request.js';
import { reportResult, waitWithStatus } from './waiting.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a job and wait for its result',
  usage: '--image IMAGE --name NAME [flags] [-- ARGS...]',
  description: [
    'Stages the inputs, starts the job and waits for its end: a live status line on stderr (one line per state',
    'change when stderr is no terminal), then a summary and the jsonOutput (the smartjob.json the job wrote).',
    "ARGS replace the image's command. Ctrl-C cancels the execution and exits 130; a second Ctrl-C stops waiting",
    'and leaves it running (the attach command is printed).',
  ].join('\n'),
  flags: [...JOB_FLAGS, ...EXECUTION_FLAGS, FOLLOW],
  examples: [
    `smartjob run --image busybox --name hello --env WHO=me -- sh -c 'echo "{\\"hi\\":\\"$WHO\\"}" > $OUTPUT_PATH/smartjob.json'`,
    'smartjob run --image python:3.12-slim --name train --script train.py --input data.csv=./data.csv --timeout 600 --follow',
    'smartjob run --json --image busybox --name count -- sh -c \'echo "{\\"n\\":3}" > $OUTPUT_PATH/smartjob.json\' | jq .jsonOutput.n',
  ],
  takesId: false,
  run,
};

async function run(ctx: CommandContext): Promise<number> {
  const request = await prepareJob(ctx);
  const service = await ctx.service();
  let details: SchedulingDetails | undefined;
  const interrupts = new Interrupts({
    onFirst: (signal) => {
      const which = details ? `execution ${details.executionId}` : 'the execution';
      ctx.output.err(`smartjob: ${signal}: cancelling ${which}… (Ctrl-C again to stop waiting and leave it running)\n`);
    },
    onSecond: async (first) => {
      const hint = details ? `; execution ${details.executionId} is left running: smartjob attach ${details.executionId}` : '';
      ctx.output.err(`smartjob: stopped waiting${hint}\n`);
      await exitWhenFlushed(SIGNAL_EXIT[first]);
    },
  });
  try {
    const scheduled = await service.schedule(request.job, { ...request.options, signal: interrupts.signal });
    details = scheduled.details;
    const result = await waitWithStatus(ctx, service, details, scheduled.result, { follow: ctx.settings.boolean('follow'), launchedHere: true });
    const code = reportResult(ctx, result);
    return interrupts.received ? SIGNAL_EXIT[interrupts.received] : code;
  } finally {
    interrupts.dispose();
  }
}
