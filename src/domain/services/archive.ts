import type { ExecutorPort, LogLine } from '../ports/executor.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { StoragePort } from '../ports/storage.port.js';
import type { ExecutionStatus } from '../result.js';

/**
 * What is kept in an execution's staging directory, next to input/ and output/, when the backend forgets it
 * (ExecutorPort.releaseDeletesRecord): its final status and its logs, one JSON object per line.
 */
export const ARCHIVED_STATUS = 'status.json';
export const ARCHIVED_LOGS = 'logs.jsonl';
const BATCH_BYTES = 64 * 1024;
/** A status.json is a few hundred bytes; a job can write anything under /staging, so reading one is bounded. */
const MAX_STATUS_BYTES = 64 * 1024;

/**
 * Streams the logs (where the backend has them), then writes the status, whose logUrl then points at the kept
 * logs; returns that status.
 */
export async function archiveExecution(executor: ExecutorPort, storage: StoragePort, logger: LoggerPort, status: ExecutionStatus): Promise<ExecutionStatus> {
  const logsPath = `${status.baseDir}/${ARCHIVED_LOGS}`;
  try {
    if (executor.logs) await storage.writeStream(logsPath, encodeLines(executor.logs(status.executionId)));
    const archived = executor.logs ? { ...status, logUrl: storage.location(logsPath) } : status;
    await storage.writeBytes(`${status.baseDir}/${ARCHIVED_STATUS}`, new TextEncoder().encode(JSON.stringify(archived)));
    return archived;
  } catch (error) {
    // the run's result stands without them; only `logs` and `status` after the run will miss them
    logger.warn(`could not keep the logs of ${status.executionId} in its staging directory: ${(error as Error).message}`);
    return status;
  }
}

/** The directory of an execution the backend no longer knows, found by its id. */
export async function findArchivedDirectory(storage: StoragePort, executionId: string): Promise<string | undefined> {
  const [dir] = await storage.listExecutionDirectories({ executionId });
  return dir;
}

/** The status kept in `baseDir`; undefined when there is none (or it is not one). */
export async function readArchivedStatus(storage: StoragePort, baseDir: string): Promise<ExecutionStatus | undefined> {
  const bytes = await storage.read(`${baseDir}/${ARCHIVED_STATUS}`, { maxBytes: MAX_STATUS_BYTES });
  if (bytes === undefined) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined; // a job may write anything anywhere under /staging: a damaged record is no record
  }
  if (record.baseDir !== baseDir || typeof record.executionId !== 'string' || typeof record.state !== 'string') return undefined;
  const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);
  return { ...record, created: date(record.created)!, started: date(record.started), stopped: date(record.stopped) } as ExecutionStatus;
}

/** The kept log lines, streamed from storage. */
export async function* readArchivedLogs(storage: StoragePort, baseDir: string, signal?: AbortSignal): AsyncIterable<LogLine> {
  const stream = await storage.readStream(`${baseDir}/${ARCHIVED_LOGS}`, { signal });
  if (!stream) return;
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of stream) {
    const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line) yield JSON.parse(line) as LogLine;
  }
  if (pending) yield JSON.parse(pending) as LogLine;
}

async function* encodeLines(lines: AsyncIterable<LogLine>): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  let batch = '';
  for await (const { stream, line } of lines) {
    batch += `${JSON.stringify({ stream, line })}\n`;
    if (batch.length >= BATCH_BYTES) {
      yield encoder.encode(batch);
      batch = '';
    }
  }
  if (batch) yield encoder.encode(batch);
}
