import type { Input } from '../inputs.js';
import type { StoragePort } from '../ports/storage.port.js';
import { createTaskDirectories } from './array-tasks.js';
import type { ExecutionPlan } from './plan.js';
import { settleAll } from './settle-all.js';

const encoder = new TextEncoder();

/**
 * Creates input/ and output/ and uploads the script and every input. On failure removes what it wrote, then
 * rethrows. The removal waits for every write to settle: one still running would write after it (an orphan).
 */
export async function stageExecution(storage: StoragePort, plan: ExecutionPlan): Promise<void> {
  const { execution, script, inputs, signal } = plan;
  try {
    await settleAll([storage.createDirectory(execution.inputDir), storage.createDirectory(execution.outputDir)]);
    if (plan.spec.array) await createTaskDirectories(storage, execution.outputDir, plan.spec.array.count);
    const uploads = inputs.map((input) => stageInput(storage, `${execution.inputDir}/${input.filename}`, input, signal));
    if (script) uploads.push(storage.writeFile(`${execution.inputDir}/${script.filename}`, script.localPath, { signal }));
    await settleAll(uploads);
  } catch (error) {
    await storage.remove(execution.baseDir).catch(() => undefined); // the original error is the one worth reporting
    throw error;
  }
}

function stageInput(storage: StoragePort, path: string, input: Input, signal: AbortSignal | undefined): Promise<void> {
  switch (input.kind) {
    case 'bytes':
      return storage.writeBytes(path, typeof input.content === 'string' ? encoder.encode(input.content) : input.content, { signal });
    case 'json':
      return storage.writeBytes(path, encoder.encode(JSON.stringify(input.value)), { signal });
    case 'localPath':
      return storage.writeFile(path, input.localPath, { signal });
    case 'gcs':
      return storage.copyFromGcs(path, input.gcsUri, { signal });
  }
}
