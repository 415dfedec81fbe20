import { TextDecoder } from 'node:util';
import type Docker from 'dockerode';
import type DockerModem from 'docker-modem';
import type { LogLine } from '../../domain/ports/executor.port.js';

type Stream = LogLine['stream'];

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers: stream type, 3 zero bytes, big-endian size)
 * into lines tagged by stream. Partial frames and partial lines carry over between chunks.
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
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) yield { stream, line };
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    if (partial[stream]) yield { stream, line: partial[stream] };
  }
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
