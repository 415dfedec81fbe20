import pRetry from 'p-retry';
import { isRetryable, StorageError } from '../errors.js';
import { OUTPUT_JSON_FILENAME, type FinalState } from '../execution.js';
import type { ResolvedExecutionConfig } from '../execution-config.js';
import type { StoragePort } from '../ports/storage.port.js';
import type { ExecutionResult, ExecutionStatus } from '../result.js';

/**
 * Largest smartjob.json read back: a larger one is not read (memory stays bounded) and `jsonOutputError` says
 * so. Large outputs belong in files next to it, in OUTPUT_PATH.
 */
export const MAX_JSON_OUTPUT_BYTES = 10 * 1024 * 1024;

export interface JsonOutput {
  readonly jsonOutput: unknown;
  readonly jsonOutputError: string | undefined;
}

/**
 * Reads `<outputDir>/smartjob.json`: absent gives undefined; malformed, unreadable (a directory) or larger than
 * MAX_JSON_OUTPUT_BYTES is reported in the result, not thrown. Any JSON value is returned as it is (an object,
 * but also a number, an array or null).
 */
export async function readJsonOutput(storage: StoragePort, outputDir: string, config: Pick<ResolvedExecutionConfig, 'retry' | 'timeout'>): Promise<JsonOutput> {
  const path = `${outputDir}/${OUTPUT_JSON_FILENAME}`;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await pRetry(() => storage.read(path, { maxBytes: MAX_JSON_OUTPUT_BYTES, signal: AbortSignal.timeout(config.timeout.timeoutSecondsDownload * 1000) }), {
      retries: config.retry.maxAttemptsDownload - 1,
      minTimeout: 200,
      shouldRetry: isRetryable,
    });
  } catch (error) {
    // e.g. the job made smartjob.json a directory: the job's doing, so part of its result
    if (error instanceof StorageError && !error.retryable) return { jsonOutput: undefined, jsonOutputError: error.message };
    throw error;
  }
  if (bytes === undefined) return { jsonOutput: undefined, jsonOutputError: undefined };
  try {
    return { jsonOutput: JSON.parse(new TextDecoder().decode(bytes)), jsonOutputError: undefined };
  } catch (error) {
    return { jsonOutput: undefined, jsonOutputError: `${OUTPUT_JSON_FILENAME} is not valid JSON: ${(error as Error).message}` };
  }
}

export function buildResult(status: ExecutionStatus & { state: FinalState }, output: JsonOutput, outputPath: string, now: Date): ExecutionResult {
  const stopped = status.stopped ?? now;
  const from = status.started ?? status.created;
  return {
    success: status.state === 'SUCCEEDED',
    state: status.state,
    exitCode: status.exitCode,
    message: status.message,
    executionId: status.executionId,
    jobName: status.jobName,
    jobNamespace: status.jobNamespace,
    created: status.created,
    started: status.started,
    stopped,
    durationSeconds: Math.max(0, (stopped.getTime() - from.getTime()) / 1000),
    logUrl: status.logUrl,
    outputPath,
    jsonOutput: output.jsonOutput,
    jsonOutputError: output.jsonOutputError,
  };
}
