#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { BackendType } from '../../domain/backend-type.js';
import { EXECUTION_STATES, isFinal } from '../../domain/execution.js';
import { SmartJobError } from '../../domain/errors.js';
import type { SmartJob } from '../../domain/job.js';
import type { ExecutorService } from '../../domain/services/executor.service.js';
import type { RunOptions } from '../../domain/services/plan.js';
import { getExecutorService } from '../executor-factory.js';
import { exitWhenFlushed } from './exit.js';
import { parseChoice, parseNumber } from './flag-values.js';
import { Interrupts, SIGNAL_EXIT } from './interrupt.js';
import { UsageError } from './usage-error.js';
import { jobFromFlags } from './parse-job.js';

const USAGE = `usage: smartjob <command> [flags]
  run      --image IMAGE --name NAME [--namespace NS] [--env K=V]... [--input FILE=PATH]...
           [--script PATH] [--timeout SECONDS] [--forget] [-- ARGS...]   (ARGS replace the image's command)
  status ID | attach ID | cancel ID | logs ID [--follow]
  list     [--namespace NS] [--state STATE]...
  cleanup  [--namespace NS] [--older-than SECONDS]
common:    --backend docker|cloudrun|cloudbatch|vertex (default docker)
exit code: 0 on success, 1 when the job did not succeed, 2 when smartjob itself failed`;

const parse = () => parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: 'docker' },
    name: { type: 'string' }, namespace: { type: 'string' }, image: { type: 'string' }, script: { type: 'string' },
    env: { type: 'string', multiple: true }, input: { type: 'string', multiple: true },
    timeout: { type: 'string' }, forget: { type: 'boolean' }, json: { type: 'boolean' }, follow: { type: 'boolean' },
    state: { type: 'string', multiple: true }, 'older-than': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  },
});

async function main(): Promise<number> {
  const { positionals, values } = parse();
  const [command, id, ...rest] = positionals;
  if (values.help || !command) return print(USAGE, 0);
  const service = getExecutorService(values.backend as BackendType);
  switch (command) {
    case 'run': {
      const { job, options } = jobFromFlags({ ...values, arg: id === undefined ? undefined : [id, ...rest] });
      if (values.forget) return print((await service.schedule(job, { ...options, forget: true })).details, 0);
      return runAndWait(service, job, options);
    }
    case 'status': return print(await service.getStatus(id ?? ''), 0);
    case 'attach': {
      const result = await service.attach(id ?? '');
      return print(result, result.success ? 0 : 1);
    }
    case 'cancel': {
      const before = await service.getStatus(id ?? '');
      if (isFinal(before.state)) {
        process.stderr.write(`smartjob: execution ${before.executionId} already ended (${before.state}): nothing to cancel\n`);
        return print({ executionId: before.executionId, cancelled: false, state: before.state }, 0);
      }
      await service.cancel(before.executionId);
      return print({ executionId: before.executionId, cancelled: true, state: (await service.getStatus(before.executionId)).state }, 0);
    }
    case 'logs':
      for await (const { stream, line } of service.logs(id ?? '', { follow: values.follow })) {
        (stream === 'stderr' ? process.stderr : process.stdout).write(`${line}\n`);
      }
      return 0;
    case 'list': {
      const states = values.state?.map((state) => parseChoice('--state', state, EXECUTION_STATES));
      return print(await service.list({ namespace: values.namespace, states }), 0);
    }
    case 'cleanup': {
      const olderThanSeconds = values['older-than'] === undefined ? undefined : parseNumber('--older-than', values['older-than'], { allowZero: true });
      return print(await service.cleanup({ namespace: values.namespace, olderThanSeconds }), 0);
    }
    default: return print(`unknown command '${command}'\n${USAGE}`, 2);
  }
}

/** Ctrl-C (or SIGTERM) cancels the execution and exits 130 (143); a second one stops waiting at once. */
async function runAndWait(service: ExecutorService, job: SmartJob, options: RunOptions): Promise<number> {
  let executionId: string | undefined;
  const interrupts = new Interrupts({
    onFirst: (signal) => process.stderr.write(`smartjob: ${signal}: cancelling ${executionId ?? 'the execution'} (again to stop waiting)\n`),
    onSecond: async (first) => {
      const hint = executionId ? `; execution ${executionId} is left to the backend: smartjob attach ${executionId}` : '';
      process.stderr.write(`smartjob: stopped waiting${hint}\n`);
      await exitWhenFlushed(SIGNAL_EXIT[first]);
    },
  });
  try {
    const { details, result } = await service.schedule(job, { ...options, signal: interrupts.signal });
    executionId = details.executionId;
    process.stderr.write(`smartjob: execution ${executionId} scheduled on ${details.backend}\n`);
    const outcome = await result;
    print(outcome, 0);
    if (interrupts.received) return SIGNAL_EXIT[interrupts.received];
    return outcome.success ? 0 : 1;
  } finally {
    interrupts.dispose();
  }
}

function print(value: unknown, code: number): number {
  process.stdout.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`);
  return code;
}

main().then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`smartjob: ${error.message}\n`);
      return exitWhenFlushed(64);
    }
    const label = error instanceof SmartJobError ? `${error.name} (${error.code})` : 'error';
    process.stderr.write(`smartjob: ${label}: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitWhenFlushed(2);
  },
);
