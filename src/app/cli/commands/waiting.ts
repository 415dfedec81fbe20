import { NotFoundError, NotSupportedError } from '../../../domain/errors.js';
import type { ExecutionResult } from '../../../domain/result.js';
import type { ExecutorService } from '../../../domain/services/executor.service.js';
import type { CommandContext } from '../context.js';
import { errorLine } from '../error-message.js';
import { exitCodeOfState } from '../exit-codes.js';
import { formatResult } from '../format.js';
import { EventStateSource, PollingStateSource, type StateSource } from '../state-source.js';
import { StatusLine, type StatusLineInfo } from '../status-line.js';

/** Docker answers inspect in a millisecond; a cloud API call counts against a quota. */
const POLL_MS = { docker: 500, cloud: 2_000 } as const;

/**
 * The service's events for an execution this process launched (`launchedHere`: run, schedule --wait), which
 * it follows anyway; polling for one launched elsewhere (attach).
 */
function stateSourceFor(service: ExecutorService, launchedHere: boolean): StateSource {
  if (launchedHere) return new EventStateSource(service);
  return new PollingStateSource((id) => service.getStatus(id), service.backend === 'docker' ? POLL_MS.docker : POLL_MS.cloud);
}

/** Shows the status line (and with `follow` the job's logs) until `result` settles; returns the result. */
export async function waitWithStatus(ctx: CommandContext, service: ExecutorService, target: StatusLineInfo, result: Promise<ExecutionResult>, options: { readonly follow: boolean; readonly launchedHere: boolean }): Promise<ExecutionResult> {
  const { follow } = options;
  const line = new StatusLine(ctx.output, target, ctx.quiet);
  const states = stateSourceFor(service, options.launchedHere);
  const stopWatching = states.watch(target.executionId, (status) => line.update(status));
  // handled at once: a stream that fails while the job runs must not become an unhandled rejection (exit 1)
  const logs = follow ? followLogs(ctx, service, target.executionId).catch((error: unknown) => warnLogsLost(ctx, error)) : undefined;
  try {
    const outcome = await result;
    stopWatching();
    if ((await logs) === 'replay') await printLogs(ctx, service, target.executionId, false).catch((error: unknown) => warnLogsLost(ctx, error));
    line.update(outcome);
    return outcome;
  } finally {
    stopWatching();
    line.finish();
  }
}

export function reportResult(ctx: CommandContext, result: ExecutionResult): number {
  if (ctx.output.json) ctx.output.document(result);
  else ctx.output.out(formatResult(result));
  return exitCodeOfState(result.state);
}

/**
 * Streams the logs while the job runs. 'replay' when the container was gone before the stream began (a short
 * job on Docker): its logs are read from where the run kept them once it is over.
 */
async function followLogs(ctx: CommandContext, service: ExecutorService, executionId: string): Promise<'done' | 'replay'> {
  try {
    return (await printLogs(ctx, service, executionId, true)) === 0 ? 'replay' : 'done';
  } catch (error) {
    if (error instanceof NotSupportedError) {
      ctx.output.err(`smartjob: ${error.message}\n`); // it names the log URL
      return 'done';
    }
    if (error instanceof NotFoundError) return 'replay';
    throw error;
  }
}

/** Not being able to show the logs is no reason to stop waiting for the job, nor to report its outcome wrongly. */
function warnLogsLost(ctx: CommandContext, error: unknown): 'done' {
  ctx.output.err(`smartjob: warning: cannot show the job's logs (${errorLine(error, { specs: [] })}); still waiting for the execution\n`);
  return 'done';
}

/** The job's stdout to stdout and its stderr to stderr; with --json both to stderr (stdout holds the document). */
export async function printLogs(ctx: CommandContext, service: ExecutorService, executionId: string, follow: boolean, signal?: AbortSignal): Promise<number> {
  let count = 0;
  for await (const { stream, line } of service.logs(executionId, { follow, signal })) {
    count += 1;
    if (stream === 'stdout' && !ctx.output.json) ctx.output.out(`${line}\n`);
    else ctx.output.err(`${line}\n`);
  }
  return count;
}
