import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import type DockerModem from 'docker-modem';
import { tolerating, translateDockerError } from './docker-errors.js';
import { STOP_MARKER, stopReasonOf, type StopReason } from './docker-mapper.js';

/** Waits for the container to stop, or for the deadline, whichever comes first. */
export async function untilExitOrDeadline(container: Docker.Container, deadline: number, signal: AbortSignal | undefined): Promise<'exited' | 'deadline'> {
  const done = new AbortController();
  const both = signal ? AbortSignal.any([signal, done.signal]) : done.signal;
  const exited = waitForExit(container, both).then(() => 'exited' as const);
  const timer = sleep(Math.max(0, deadline - Date.now()), 'deadline' as const, { signal: both });
  exited.catch(() => undefined); // the loser of the race is aborted below; its rejection means nothing
  timer.catch(() => undefined);
  try {
    return await Promise.race([exited, timer]);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw translateDockerError(error, 'waiting for the container');
  } finally {
    done.abort();
  }
}

/**
 * POST /containers/{id}/wait, read as a stream. dockerode's own `wait()` never settles when the daemon goes
 * away after answering the headers (its modem ignores a response cut short): a stream read through to its end
 * fails with 'Premature close' instead, which is a daemon gone.
 */
async function waitForExit(container: Docker.Container, signal: AbortSignal): Promise<void> {
  const modem = container.modem as DockerModem;
  const answer = await new Promise<AsyncIterable<unknown>>((resolve, reject) => {
    modem.dial(
      {
        path: `/containers/${container.id}/wait?`,
        method: 'POST',
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { condition: 'not-running' },
      } as DockerModem.DialOptions,
      (error, stream) => (error ? reject(error) : resolve(stream as AsyncIterable<unknown>)),
    );
  });
  for await (const _ of answer); // the body (the exit code) is read again by inspect: only the end matters
}

/** Records why (by renaming: labels are immutable), then stops. Idempotent; first reason wins. */
export async function stopContainerFor(container: Docker.Container, reason: StopReason, graceSeconds: number): Promise<void> {
  const info = await container.inspect();
  const name = info.Name.replace(/^\//, '');
  if (!stopReasonOf(name)) await tolerating([409], () => container.rename({ name: `${name}${STOP_MARKER[reason]}` }));
  await tolerating([304, 404, 409], () => container.stop({ t: graceSeconds }));
}
