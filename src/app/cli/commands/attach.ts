import type { ExecutionStatus } from '../../../domain/result.js';
import type { ExecutorService } from '../../../domain/services/executor.service.js';
import { idOf, type Command, type CommandContext } from '../context.js';
import { exitWhenFlushed } from '../exit.js';
import { FOLLOW } from '../flags.js';
import { Interrupts, reportInterrupted, SIGNAL_EXIT } from '../interrupt.js';
import { leftBehindNote } from '../left-behind.js';
import { reportResult, waitWithStatus } from './waiting.js';

export const attachCommand: Command = {
  name: 'attach',
  summary: 'wait for an execution (from any process) and print its result',
  usage: 'ID [--follow]',
  description: [
    'Waits for the end of an execution scheduled by any process, with the same status line, summary and exit code',
    'as run. Its timeout is enforced by whoever waits. Ctrl-C stops waiting (exit 130); the execution goes on (on',
    'Docker, with no process watching it: its timeout is then enforced by the next status, list or attach).',
  ].join('\n'),
  flags: [FOLLOW],
  examples: ['smartjob attach 3f2a9c1e0b7d4a55', 'smartjob attach --json 3f2a9c1e0b7d4a55 | jq .state'],
  takesId: true,
  run: async (ctx) => {
    const service = await ctx.service();
    return attachAndReport(ctx, service, await service.getStatus(idOf(ctx)), false);
  },
};

/**
 * Waits with the status line; Ctrl-C (or SIGTERM) stops waiting only. Used by attach and by schedule --wait
 * (`launchedHere`: this process follows the execution, so the service's events drive the status line).
 */
export async function attachAndReport(ctx: CommandContext, service: ExecutorService, status: ExecutionStatus, launchedHere: boolean): Promise<number> {
  const id = status.executionId;
  const interrupts = new Interrupts({
    onFirst: (signal) => ctx.output.err(`smartjob: ${signal}: stopped waiting; execution ${id} goes on: ${leftBehindNote(service.backend, id)}\n`),
    onSecond: (first) => exitWhenFlushed(SIGNAL_EXIT[first]),
  });
  try {
    const result = service.attach(id, { signal: interrupts.signal });
    const target = { backend: service.backend, executionId: id, created: status.created, logUrl: status.logUrl };
    return reportResult(ctx, await waitWithStatus(ctx, service, target, result, { follow: ctx.settings.boolean('follow'), launchedHere }));
  } catch (error) {
    if (!interrupts.received) throw error;
    reportInterrupted(ctx.output, interrupts.received, `stopped waiting; execution ${id} goes on`);
    return SIGNAL_EXIT[interrupts.received];
  } finally {
    interrupts.dispose();
  }
}
