import { TextDecoder } from 'node:util';
import type Docker from 'dockerode';
import type DockerModem from 'docker-modem';
import type { LogLine } from '../../domain/ports/executor.port.js';

type Stream = LogLine['stream'];

/** Longest line yielded, in characters: a longer one (a job printing megabytes without a newline) comes in pieces this long, so memory stays bounded. */
export const MAX_LOG_LINE_CHARS = 64 * 1024;

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers: stream type, 3 zero bytes, big-endian size)
 * into lines tagged by stream. Partial frames and partial lines carry over between chunks; a line longer than
 * MAX_LOG_LINE_CHARS is cut into pieces of that length.
 */
export async function* demuxLines(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterable<LogLine> {
  let pending = Buffer.alloc(0);
  const partial: Record<Stream, string> = { stdout: '', stderr: '' };
  const decoders: Record<Stream, TextDecoder> = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  for await (const chunk of chunks) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const stream: Stream = pending[0] === 2 ? 'stderr' : 'stdout';
      const text = partial[stream] + decoders[stream].decode(pending.subarray(8, 8 + size), { stream: true });
      pending = pending.subarray(8 + size);
      const lines = text.split('\n');
      let rest = lines.pop() ?? '';
      for (const line of lines) yield* pieces(stream, line);
      for (; rest.length >= MAX_LOG_LINE_CHARS; rest = rest.slice(MAX_LOG_LINE_CHARS)) yield { stream, line: rest.slice(0, MAX_LOG_LINE_CHARS) };
      partial[stream] = rest;
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    if (partial[stream]) yield { stream, line: partial[stream] };
  }
}

function* pieces(stream: Stream, line: string): Iterable<LogLine> {
  let i = 0;
  do yield { stream, line: line.slice(i, i + MAX_LOG_LINE_CHARS) };
  while ((i += MAX_LOG_LINE_CHARS) < line.length);
}

/**
 * The container's multiplexed log stream. dockerode answers a request without `follow` with one buffer of
 * everything; asking its modem for a stream keeps a large log out of memory either way.
 */
export function containerLogStream(container: Docker.Container, follow: boolean, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
  const modem = container.modem as DockerModem;
  return new Promise((resolve, reject) => {
    modem.dial(
      {
        path: `/containers/${container.id}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { stdout: true, stderr: true, follow },
      } as DockerModem.DialOptions,
      (error, stream) => (error ? reject(error) : resolve(stream as AsyncIterable<Uint8Array>)),
    );
  });
}
