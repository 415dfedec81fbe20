import type { SchedulingDetails } from '../../../domain/result.js';
import type { Command, CommandContext } from '../context.js';
import { exitWhenFlushed } from '../exit.js';
import { EXECUTION_FLAGS, FOLLOW, JOB_FLAGS } from '../flags.js';
import { Interrupts, reportInterrupted, SIGNAL_EXIT } from '../interrupt.js';
import { prepareJob } from '../job-request.js';
import { reportResult, waitWithStatus } from './waiting.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a job and wait for its result',
  usage: '--image IMAGE --name NAME [flags] [-- ARGS...]',
  description: [
    'Stages the inputs, starts the job and waits for its end: a live status line on stderr (one line per state',
    'change when stderr is no terminal), then a summary and the jsonOutput (the smartjob.json the job wrote).',
    "ARGS replace the image's command. Ctrl-C cancels the execution, waits for it to stop and exits 130 (SIGTERM:",
    '143); a second Ctrl-C stops waiting at once: the cancellation goes on without this process (on Docker the',
    'engine kills the job after its stop grace), and `smartjob status ID` shows when it is CANCELLED.',
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
      ctx.output.err(`smartjob: ${signal}: cancelling ${which}… (Ctrl-C again to stop waiting; the cancellation goes on)\n`);
    },
    onSecond: async (first) => {
      const line = secondInterruptLine(details);
      reportInterrupted(ctx.output, first, line);
      ctx.output.err(`smartjob: ${line}\n`);
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

/**
 * The second Ctrl-C: the cancel was asked for by the first (on Docker a stop, which the engine finishes by itself
 * after the grace), so the execution is not left running; this process only stops waiting for it.
 */
function secondInterruptLine(details: SchedulingDetails | undefined): string {
  if (!details) return 'stopped waiting before the execution had an id; if it did start, it may still run: see `smartjob list`';
  const id = details.executionId;
  const how = details.backend === 'docker' ? 'the engine stops the container after its stop grace' : `${details.backend} was asked to cancel it`;
  return `stopped waiting; the cancellation of execution ${id} goes on (${how}): see \`smartjob status ${id}\`, then \`smartjob cleanup\``;
}
