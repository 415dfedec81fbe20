import type { Command, CommandContext } from '../context.js';
import { EXECUTION_FLAGS, FOLLOW, JOB_FLAGS, WAIT } from '../flags.js';
import { formatDetails } from '../format.js';
import { prepareJob } from '../job-request.js';
import { leftBehindNote } from '../left-behind.js';
import { UsageError } from '../usage-error.js';
import { attachAndReport } from './attach.js';

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'start a job and print its execution id at once',
  usage: '--image IMAGE --name NAME [flags] [--wait] [-- ARGS...]',
  description: [
    'Starts the job and prints its execution id on stdout (the details with --json) as soon as the backend has',
    'it; follow it later, from any process, with status, logs, attach and cancel. The execution is kept until',
    'cleanup. With --wait it then waits as attach does (Ctrl-C stops waiting; the execution goes on); --follow',
    'needs --wait. On Docker nothing watches an execution no process waits for: its timeout is enforced by the',
    'next status, list or attach after its deadline.',
  ].join('\n'),
  flags: [...JOB_FLAGS, ...EXECUTION_FLAGS, WAIT, FOLLOW],
  examples: [
    'id=$(smartjob schedule --image busybox --name nightly -- sh -c "sleep 30")',
    'smartjob status "$id"; smartjob logs --follow "$id"; smartjob attach "$id"',
  ],
  takesId: false,
  run,
};

async function run(ctx: CommandContext): Promise<number> {
  if (ctx.settings.boolean('follow') && !ctx.settings.boolean('wait')) {
    throw new UsageError('--follow', 'needs `--wait` in `smartjob schedule` (or follow the logs later: smartjob logs --follow ID)');
  }
  const request = await prepareJob(ctx);
  const service = await ctx.service();
  const { details } = await service.schedule(request.job, { ...request.options, forget: true });
  if (ctx.settings.boolean('wait')) return attachAndReport(ctx, service, await service.getStatus(details.executionId), true);
  if (ctx.output.json) ctx.output.document(details);
  else {
    ctx.output.out(`${details.executionId}\n`);
    if (!ctx.quiet) ctx.output.err(`${formatDetails(details)}  ${leftBehindNote(details.backend, details.executionId)}\n`);
  }
  return 0;
}
